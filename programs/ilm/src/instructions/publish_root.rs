use crate::constants::MAX_MERKLE_LEAVES;
use crate::error::IlmError;
use crate::events::RootPublished;
use crate::instructions::shared::now;
use crate::math::{add, fee_on};
use crate::state::{Task, Verifier};
use anchor_lang::prelude::*;

/// The employer commits the Merkle root of an epoch's payouts. The escrow must
/// cover `total` plus its fee, so every leaf can always be paid, and the
/// recipients keep at least `MIN_CLAIM_WINDOW_SECS` to claim from now on.
#[derive(Accounts)]
pub struct PublishRoot<'info> {
    pub employer: Signer<'info>,
    #[account(mut, dup, has_one = employer)]
    pub task: Box<Account<'info, Task>>,
}

impl PublishRoot<'_> {
    pub fn validate(&self, root: &[u8; 32], leaf_count: u32, total: u64) -> Result<()> {
        let task = &self.task;
        let Verifier::Merkle { root: current, .. } = task.verifier else {
            return err!(IlmError::WrongVerifier);
        };
        require!(current == [0; 32], IlmError::RootAlreadyPublished);
        task.require_open()?;
        task.require_before_deadline(now()?)?;
        require!(
            *root != [0; 32] && leaf_count > 0 && total > 0,
            IlmError::ZeroAmount
        );
        require!(leaf_count <= MAX_MERKLE_LEAVES, IlmError::TooManyLeaves);
        let needed = add(total, fee_on(total, task.fee_bps))?;
        require!(
            needed <= task.escrow_for(task.max_completions)?,
            IlmError::MerkleTotalTooLarge
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, root: [u8; 32], leaf_count: u32, total: u64) -> Result<()> {
        let task = &mut ctx.accounts.task;
        task.verifier = Verifier::Merkle {
            root,
            leaf_count,
            total,
            claimed: 0,
            published_at: now()?,
        };
        emit!(RootPublished {
            task: task.key(),
            root,
            leaf_count,
            total,
        });
        Ok(())
    }
}

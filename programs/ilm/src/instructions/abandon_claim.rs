use crate::error::IlmError;
use crate::events::ClaimAbandoned;
use crate::instructions::shared::now;
use crate::state::{Claim, ClaimStatus, Stake, Task};
use anchor_lang::prelude::*;

/// Gives a lease back before it expires: no slash, the slot is free again,
/// and `abandoned` records it publicly.
#[derive(Accounts)]
pub struct AbandonClaim<'info> {
    pub contributor: Signer<'info>,
    #[account(mut, dup)]
    pub task: Box<Account<'info, Task>>,
    #[account(mut, dup, has_one = task, has_one = contributor)]
    pub claim: Box<Account<'info, Claim>>,
    #[account(
        mut, dup,
        has_one = contributor,
        constraint = stake.market == task.market @ IlmError::StakeMismatch,
    )]
    pub stake: Box<Account<'info, Stake>>,
}

impl AbandonClaim<'_> {
    pub fn validate(&self) -> Result<()> {
        self.claim.require_working(now()?)
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        a.task.end_claim(a.claim.newcomer)?;
        a.stake.unlock(a.claim.bond)?;
        a.stake.claim_finished();
        a.stake.abandoned = a.stake.abandoned.saturating_add(1);
        a.claim.status = ClaimStatus::Abandoned;
        emit!(ClaimAbandoned {
            task: a.task.key(),
            contributor: a.claim.contributor,
        });
        Ok(())
    }
}

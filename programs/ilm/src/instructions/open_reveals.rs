use crate::error::IlmError;
use crate::events::RevealsOpened;
use crate::instructions::shared::now;
use crate::state::{Task, Verifier};
use crate::verify::answer::salt_hash;
use anchor_lang::prelude::*;

/// Preimage, second phase: after the deadline (commits are closed) the
/// employer publishes the salt its answer hash was made with, and reveals are
/// paid until `deadline + 2 × review_secs` (at least `review_secs` after
/// this). Until then no answer and no usable hash is on chain, so nobody can
/// copy or guess one.
#[derive(Accounts)]
pub struct OpenReveals<'info> {
    pub employer: Signer<'info>,
    #[account(mut, dup, has_one = employer @ IlmError::NotTaskEmployer)]
    pub task: Box<Account<'info, Task>>,
}

impl OpenReveals<'_> {
    pub fn validate(&self, salt: &[u8; 32]) -> Result<()> {
        let task = &self.task;
        let Verifier::Preimage {
            salt_hash: expected,
            opened_at,
            ..
        } = task.verifier
        else {
            return err!(IlmError::WrongVerifier);
        };
        require!(opened_at == 0, IlmError::RevealsAlreadyOpen);
        let now = now()?;
        require!(now >= task.deadline, IlmError::RevealsOpenTooEarly);
        // Past this, silence has already made every commitment payable.
        require!(now < task.finished_at()?, IlmError::RevealDeadlinePassed);
        require!(
            salt_hash(&task.key(), salt) == expected,
            IlmError::WrongSalt
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, salt: [u8; 32]) -> Result<()> {
        let task = &mut ctx.accounts.task;
        let now = now()?;
        if let Verifier::Preimage {
            salt: stored,
            opened_at,
            ..
        } = &mut task.verifier
        {
            *stored = salt;
            *opened_at = now;
        }
        emit!(RevealsOpened {
            task: task.key(),
            salt,
            reveals_end: task.reveals_end()?,
        });
        Ok(())
    }
}

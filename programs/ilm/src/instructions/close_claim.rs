use crate::error::IlmError;
use crate::events::ClaimClosed;
use crate::state::Claim;
use anchor_lang::prelude::*;

/// Returns a claim's rent to its contributor once its task is closed. Before
/// that the claim must stay: it is what stops a second claim or payment.
/// Task ids are sequential per employer, so a closed task's address is never
/// reused and a closed claim cannot be revived.
#[derive(Accounts)]
pub struct CloseClaim<'info> {
    #[account(mut, close = contributor, has_one = contributor, has_one = task)]
    pub claim: Box<Account<'info, Claim>>,
    /// CHECK: only its emptiness is read: a closed task is a system-owned account without data.
    pub task: UncheckedAccount<'info>,
    /// CHECK: receives the claim's rent; bound to the claim by `has_one`.
    #[account(mut)]
    pub contributor: UncheckedAccount<'info>,
}

/// Refuses while `task` still exists.
pub fn require_closed(task: &UncheckedAccount) -> Result<()> {
    require!(
        task.data_is_empty() && task.owner == &System::id(),
        IlmError::TaskStillOpen
    );
    Ok(())
}

impl CloseClaim<'_> {
    pub fn validate(&self) -> Result<()> {
        require_closed(&self.task)
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        emit!(ClaimClosed {
            claim: ctx.accounts.claim.key(),
            contributor: ctx.accounts.claim.contributor,
        });
        Ok(())
    }
}

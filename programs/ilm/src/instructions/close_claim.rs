use crate::error::IlmError;
use crate::events::ClaimClosed;
use crate::state::Claim;
use anchor_lang::prelude::*;

/// Returns a claim's rent to whoever paid it (`rent_payer`: the contributor
/// or its sponsor) once its task is closed. Before
/// that the claim must stay: it is what stops a second claim or payment.
/// Task ids are sequential per employer, so a closed task's address is never
/// reused and a closed claim cannot be revived.
#[derive(Accounts)]
pub struct CloseClaim<'info> {
    #[account(mut, dup, close = rent_payer, has_one = rent_payer, has_one = task)]
    pub claim: Box<Account<'info, Claim>>,
    /// CHECK: only its emptiness is read: a closed task is a system-owned account without data.
    pub task: UncheckedAccount<'info>,
    /// CHECK: receives the claim's rent; bound to the claim by `has_one`.
    #[account(mut)]
    pub rent_payer: UncheckedAccount<'info>,
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
            rent_payer: ctx.accounts.claim.rent_payer,
        });
        Ok(())
    }
}

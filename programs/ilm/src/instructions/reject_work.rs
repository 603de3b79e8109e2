use crate::error::IlmError;
use crate::events::WorkRejected;
use crate::instructions::shared::now;
use crate::state::{Claim, ClaimStatus, Employer, Stake, Task};
use anchor_lang::prelude::*;

/// The employer refuses a submission. The bond is unlocked, never paid to the
/// employer: a rejection must not profit the one who decides it. Both sides'
/// `rejected` counters go up, so unfair employers are visible.
#[derive(Accounts)]
pub struct RejectWork<'info> {
    pub employer: Signer<'info>,
    #[account(
        mut, dup,
        constraint = employer_record.records(&task) @ IlmError::EmployerMismatch,
    )]
    pub employer_record: Box<Account<'info, Employer>>,
    #[account(mut, dup, has_one = employer @ IlmError::NotTaskEmployer)]
    pub task: Box<Account<'info, Task>>,
    #[account(mut, dup, has_one = task)]
    pub claim: Box<Account<'info, Claim>>,
    #[account(
        mut, dup,
        constraint = stake.backs(&task, &claim) @ IlmError::StakeMismatch,
    )]
    pub stake: Box<Account<'info, Stake>>,
}

impl RejectWork<'_> {
    /// Only inside the review window: after it the contributor is owed the
    /// payment `settle_work` makes, and a late reject would front-run it.
    pub fn validate(&self) -> Result<()> {
        self.claim.require_submitted()?;
        require!(
            now()? < self.claim.review_ends(&self.task)?,
            IlmError::ReviewWindowClosed
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, reason_hash: [u8; 32]) -> Result<()> {
        let a = ctx.accounts;
        a.task.end_claim(a.claim.newcomer)?;
        a.stake.unlock(a.claim.bond)?;
        a.stake.claim_finished();
        a.stake.rejected = a.stake.rejected.saturating_add(1);
        a.employer_record.rejected = a.employer_record.rejected.saturating_add(1);
        a.claim.status = ClaimStatus::Rejected;
        emit!(WorkRejected {
            task: a.task.key(),
            contributor: a.claim.contributor,
            reason_hash,
        });
        Ok(())
    }
}

use crate::error::IlmError;
use crate::events::AnswerCommitted;
use crate::instructions::shared::now;
use crate::state::{Claim, ClaimStatus, Task, Verifier};
use anchor_lang::prelude::*;

/// Commits to an answer of a Preimage task, binding it to this contributor.
/// One commitment per claim: a wrong answer cannot be corrected by guessing again.
#[derive(Accounts)]
pub struct CommitAnswer<'info> {
    pub contributor: Signer<'info>,
    pub task: Box<Account<'info, Task>>,
    #[account(mut, dup, has_one = task, has_one = contributor)]
    pub claim: Box<Account<'info, Claim>>,
}

impl CommitAnswer<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            matches!(self.task.verifier, Verifier::Preimage { .. }),
            IlmError::WrongVerifier
        );
        require!(
            self.claim.status == ClaimStatus::Leased,
            IlmError::InvalidClaimState
        );
        self.claim.require_working(now()?)
    }

    pub fn handler(ctx: Context<Self>, commitment: [u8; 32]) -> Result<()> {
        let claim = &mut ctx.accounts.claim;
        claim.commitment = commitment;
        claim.committed_slot = Clock::get()?.slot;
        claim.status = ClaimStatus::Committed;
        emit!(AnswerCommitted {
            task: claim.task,
            contributor: claim.contributor,
            commitment,
        });
        Ok(())
    }
}

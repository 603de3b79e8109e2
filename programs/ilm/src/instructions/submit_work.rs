use crate::constants::MAX_RESULT_URI_LEN;
use crate::error::IlmError;
use crate::events::WorkSubmitted;
use crate::instructions::shared::now;
use crate::state::{Claim, ClaimStatus, Task, Verifier};
use anchor_lang::prelude::*;

/// Delivers work for human review. The URI is emitted, not stored: claims
/// stay small, and indexers read it from the event.
#[derive(Accounts)]
pub struct SubmitWork<'info> {
    pub contributor: Signer<'info>,
    pub task: Box<Account<'info, Task>>,
    #[account(mut, dup, has_one = task, has_one = contributor)]
    pub claim: Box<Account<'info, Claim>>,
}

impl SubmitWork<'_> {
    pub fn validate(&self, uri: &str) -> Result<()> {
        require!(
            self.task.verifier == Verifier::Review,
            IlmError::WrongVerifier
        );
        require!(uri.len() <= MAX_RESULT_URI_LEN, IlmError::ResultUriTooLong);
        self.claim.require_working(now()?)
    }

    pub fn handler(ctx: Context<Self>, result_hash: [u8; 32], uri: String) -> Result<()> {
        let claim = &mut ctx.accounts.claim;
        claim.status = ClaimStatus::Submitted;
        claim.result_hash = result_hash;
        claim.submitted_at = now()?;
        emit!(WorkSubmitted {
            task: claim.task,
            contributor: claim.contributor,
            result_hash,
            uri,
        });
        Ok(())
    }
}

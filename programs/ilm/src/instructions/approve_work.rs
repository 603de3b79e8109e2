use crate::error::IlmError;
use crate::instructions::settle_work::*;
use anchor_lang::prelude::*;

/// The employer accepts a submission; the contributor is paid in the same instruction.
#[derive(Accounts)]
pub struct ApproveWork<'info> {
    pub employer: Signer<'info>,
    pub work: SettleWork<'info>,
}

impl ApproveWork<'_> {
    pub fn validate(&self) -> Result<()> {
        require_keys_eq!(
            self.work.task.employer,
            self.employer.key(),
            IlmError::NotTaskEmployer
        );
        self.work.claim.require_submitted()
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.work.pay(false)
    }
}

use crate::error::IlmError;
use crate::instructions::pay_work::PayWork;
use anchor_lang::prelude::*;

/// The employer accepts a submission; the contributor is paid in the same instruction.
impl PayWork<'_> {
    pub fn validate_approve(&self) -> Result<()> {
        require_keys_eq!(
            self.task.employer,
            self.caller.key(),
            IlmError::NotTaskEmployer
        );
        self.claim.require_submitted()
    }

    pub fn approve(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.pay(false)
    }
}

use crate::error::IlmError;
use crate::instructions::pay_work::PayWork;
use crate::instructions::shared::now;
use anchor_lang::prelude::*;

/// Anyone pays a submission the employer left undecided for `review_secs`.
impl PayWork<'_> {
    pub fn validate_settle(&self) -> Result<()> {
        self.claim.require_submitted()?;
        let review_ends = self
            .claim
            .submitted_at
            .checked_add(self.task.review_secs)
            .ok_or_else(|| error!(IlmError::MathOverflow))?;
        require!(now()? >= review_ends, IlmError::ReviewWindowOpen);
        Ok(())
    }

    pub fn settle(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.pay(true)
    }
}

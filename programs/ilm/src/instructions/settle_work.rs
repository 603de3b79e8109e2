use crate::error::IlmError;
use crate::instructions::pay_work::PayWork;
use crate::instructions::shared::now;
use crate::state::{ClaimStatus, Verifier};
use anchor_lang::prelude::*;

/// Anyone pays a submission the employer left undecided for `review_secs`,
/// a Preimage commitment whose employer never opened reveals by
/// `deadline + review_secs` (the employer's silence costs the employer), or a
/// right answer revealed while an account was frozen (Verified).
impl PayWork<'_> {
    pub fn validate_settle(&self) -> Result<()> {
        let now = now()?;
        if self.claim.status == ClaimStatus::Verified {
            return Ok(());
        }
        if self.claim.status == ClaimStatus::Committed {
            let Verifier::Preimage { opened_at, .. } = self.task.verifier else {
                return err!(IlmError::InvalidClaimState);
            };
            require!(opened_at == 0, IlmError::InvalidClaimState);
            require!(now >= self.task.finished_at()?, IlmError::ReviewWindowOpen);
            return Ok(());
        }
        self.claim.require_submitted()?;
        require!(
            now >= self.claim.review_ends(&self.task)?,
            IlmError::ReviewWindowOpen
        );
        Ok(())
    }

    pub fn settle(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.pay(true)
    }
}

use crate::error::IlmError;
use crate::events::StakeClosed;
use crate::state::Stake;
use anchor_lang::prelude::*;

/// Returns an empty stake record's rent to its contributor: no tokens, no
/// pending withdrawal, no bond and no live claim (an Attested claim still
/// being paid needs the record, and its task cannot close without it). Only
/// a record without marks closes: rejections, expiries and abandons stay with the
/// contributor (a fresh record must not wash them out of a qualification or
/// an integrator's gate). Completions are given up with the record.
#[derive(Accounts)]
pub struct CloseStake<'info> {
    #[account(mut)]
    pub contributor: Signer<'info>,
    #[account(mut, close = contributor, has_one = contributor)]
    pub stake: Box<Account<'info, Stake>>,
}

impl CloseStake<'_> {
    pub fn validate(&self) -> Result<()> {
        let s = &self.stake;
        require!(
            s.amount == 0 && s.locked == 0 && s.unstake_pending == 0 && s.live_claims == 0,
            IlmError::StakeNotEmpty
        );
        require!(
            s.rejected == 0 && s.expired == 0 && s.abandoned == 0,
            IlmError::StakeHasMarks
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        emit!(StakeClosed {
            market: ctx.accounts.stake.market,
            contributor: ctx.accounts.stake.contributor,
        });
        Ok(())
    }
}

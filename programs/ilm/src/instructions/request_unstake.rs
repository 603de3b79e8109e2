use crate::events::UnstakeRequested;
use crate::instructions::shared::now;
use crate::state::{Market, Stake};
use anchor_lang::prelude::*;

#[derive(Accounts)]
pub struct RequestUnstake<'info> {
    pub contributor: Signer<'info>,
    pub market: Box<Account<'info, Market>>,
    #[account(mut, dup, has_one = contributor, has_one = market)]
    pub stake: Box<Account<'info, Stake>>,
}

impl RequestUnstake<'_> {
    pub fn handler(ctx: Context<Self>, amount: u64) -> Result<()> {
        let now = now()?;
        let stake = &mut ctx.accounts.stake;
        stake.request_unstake(amount, now, ctx.accounts.market.unstake_cooldown_secs)?;
        emit!(UnstakeRequested {
            market: stake.market,
            contributor: stake.contributor,
            amount,
            available_at: stake.unstake_ready_at,
        });
        Ok(())
    }
}

use crate::events::MarketUpdated;
use crate::state::{Market, MarketParams};
use anchor_lang::prelude::*;

/// Replaces every parameter; clients read the market and change what they need.
/// Fee, slash and attester changes apply to tasks created afterwards (each
/// task keeps the terms its contributors and employer accepted), and a
/// cooldown change to unstake requests made afterwards.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct UpdateMarketArgs {
    /// Every rule, replaced whole (read the market and change what you need).
    pub params: MarketParams,
    /// Stops new stakes, tasks and claims; never payouts or withdrawals.
    pub paused: bool,
}

#[derive(Accounts)]
pub struct UpdateMarket<'info> {
    pub authority: Signer<'info>,
    #[account(mut, dup, has_one = authority)]
    pub market: Box<Account<'info, Market>>,
}

impl UpdateMarket<'_> {
    pub fn validate(&self, args: &UpdateMarketArgs) -> Result<()> {
        args.params.validate()
    }

    pub fn handler(ctx: Context<Self>, args: UpdateMarketArgs) -> Result<()> {
        let market = &mut ctx.accounts.market;
        market.apply(args.params);
        market.paused = args.paused;
        emit!(MarketUpdated {
            market: market.key(),
            paused: market.paused,
            fee_bps: market.fee_bps,
            slash_bps: market.slash_bps,
            min_stake: market.min_stake,
        });
        Ok(())
    }
}

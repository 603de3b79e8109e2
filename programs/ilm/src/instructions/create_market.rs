use crate::constants::{DOMAIN_TAG, MARKET_SEED, STAKE_VAULT_SEED};
use crate::error::IlmError;
use crate::events::MarketCreated;
use crate::instructions::shared::{freezer_allowed, is_supported_mint};
use crate::state::{Market, MarketParams};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct CreateMarketArgs {
    /// Free-form number so one authority can run several markets (part of the address).
    pub market_id: u64,
    /// The market's rules.
    pub params: MarketParams,
}

#[derive(Accounts)]
#[instruction(args: CreateMarketArgs)]
pub struct CreateMarket<'info> {
    #[account(mut)]
    pub authority: Signer<'info>,
    #[account(
        init,
        payer = authority,
        space = 8 + Market::INIT_SPACE,
        seeds = [MARKET_SEED, authority.key().as_ref(), &args.market_id.to_le_bytes()],
        bump,
    )]
    pub market: Box<Account<'info, Market>>,
    #[account(
        mint::token_program = token_program,
        constraint = is_supported_mint(&stake_mint) @ IlmError::UnsupportedMintExtension,
        constraint = freezer_allowed(&stake_mint, &args.params.freezable_mints) @ IlmError::FreezableMint,
    )]
    pub stake_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(
        init,
        payer = authority,
        seeds = [STAKE_VAULT_SEED, market.key().as_ref()],
        bump,
        token::mint = stake_mint,
        token::authority = market,
        token::token_program = token_program,
    )]
    pub stake_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
    pub system_program: Program<'info, System>,
}

impl CreateMarket<'_> {
    pub fn validate(&self, args: &CreateMarketArgs) -> Result<()> {
        args.params.validate()
    }

    pub fn handler(ctx: Context<Self>, args: CreateMarketArgs) -> Result<()> {
        let market = &mut ctx.accounts.market;
        market.authority = ctx.accounts.authority.key();
        market.market_id = args.market_id;
        market.stake_mint = ctx.accounts.stake_mint.key();
        market.stake_vault = ctx.accounts.stake_vault.key();
        market.paused = false;
        market.bump = ctx.bumps.market;
        market.stake_vault_bump = ctx.bumps.stake_vault;
        market.apply(args.params);
        let clock = Clock::get()?;
        market.domain = solana_sha256_hasher::hashv(&[
            DOMAIN_TAG,
            market.key().as_ref(),
            &clock.slot.to_le_bytes(),
            &clock.unix_timestamp.to_le_bytes(),
        ])
        .to_bytes();
        emit!(MarketCreated {
            market: market.key(),
            authority: market.authority,
            stake_mint: market.stake_mint,
            fee_bps: market.fee_bps,
            domain: market.domain,
        });
        Ok(())
    }
}

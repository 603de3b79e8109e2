use crate::error::IlmError;
use crate::events::StakeWithdrawn;
use crate::instructions::shared::{now, transfer};
use crate::state::{Market, Stake};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Never blocked by a pause: stake is the contributor's money.
#[derive(Accounts)]
pub struct WithdrawStake<'info> {
    pub contributor: Signer<'info>,
    pub market: Box<Account<'info, Market>>,
    #[account(mut, dup, has_one = contributor, has_one = market)]
    pub stake: Box<Account<'info, Stake>>,
    #[account(address = market.stake_mint, mint::token_program = token_program)]
    pub stake_mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, dup, address = market.stake_vault)]
    pub stake_vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, dup,
        constraint = contributor_token.key() != stake_vault.key() @ IlmError::DuplicateAccount,
        token::mint = stake_mint, token::token_program = token_program,
    )]
    pub contributor_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl WithdrawStake<'_> {
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        let amount = a.stake.withdraw(now()?)?;
        let market_info = a.market.to_account_info();
        a.market.with_signer(|seeds| {
            transfer(
                &a.token_program,
                a.stake_vault.to_account_info(),
                &a.stake_mint,
                a.contributor_token.to_account_info(),
                market_info,
                seeds,
                amount,
            )
        })?;
        emit!(StakeWithdrawn {
            market: a.stake.market,
            contributor: a.stake.contributor,
            amount,
        });
        Ok(())
    }
}

use crate::error::IlmError;
use crate::events::FeesCollected;
use crate::instructions::shared::pay_from_vault;
use crate::state::{Market, Task};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Permissionless: the fees can only go to a token account of the market's fee owner.
#[derive(Accounts)]
pub struct CollectFees<'info> {
    pub market: Box<Account<'info, Market>>,
    #[account(mut, dup, has_one = market, has_one = mint, has_one = vault)]
    pub task: Box<Account<'info, Task>>,
    #[account(mint::token_program = token_program)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, dup)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(
        mut,
        dup,
        constraint = fee_token.key() != vault.key() @ IlmError::DuplicateAccount,
        token::mint = mint,
        token::authority = market.fee_owner,
        token::token_program = token_program,
    )]
    pub fee_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl CollectFees<'_> {
    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        let amount = a.task.fees_owed;
        require!(amount > 0, IlmError::NothingToCollect);
        a.task.fees_owed = 0;
        pay_from_vault(
            &a.task,
            &a.token_program,
            a.vault.to_account_info(),
            &a.mint,
            a.fee_token.to_account_info(),
            amount,
        )?;
        emit!(FeesCollected {
            task: a.task.key(),
            amount,
        });
        Ok(())
    }
}

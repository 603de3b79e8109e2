use crate::error::IlmError;
use crate::events::TaskClosed;
use crate::instructions::shared::{now, pay_from_vault};
use crate::state::{Market, Task};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{self, CloseAccount, Mint, TokenAccount, TokenInterface};

/// Ends a finished task: owed fees go to the fee owner, the rest (unfilled
/// slots, slots freed by rejections or expiries, slashed stake never enters
/// here) goes back to the employer, and both accounts' rent is returned.
#[derive(Accounts)]
pub struct CloseTask<'info> {
    #[account(mut)]
    pub employer: Signer<'info>,
    #[account(address = task.market)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, dup, close = employer, has_one = employer, has_one = mint, has_one = vault)]
    pub task: Box<Account<'info, Task>>,
    #[account(mint::token_program = token_program)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut, dup)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    #[account(mut, dup,
        constraint = employer_token.key() != vault.key() @ IlmError::DuplicateAccount,
        token::mint = mint, token::token_program = token_program,
    )]
    pub employer_token: Box<InterfaceAccount<'info, TokenAccount>>,
    /// May be `employer_token` itself when the employer is the market's fee
    /// owner (an operator posting its own tasks); the handler reads neither
    /// balance, so the two transfers simply land in one account.
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

impl CloseTask<'_> {
    pub fn validate(&self) -> Result<()> {
        self.task.require_closable(now()?)
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        let fees = a.task.fees_owed;
        let refund = a.vault.amount.saturating_sub(fees);
        let payouts = [
            (a.fee_token.to_account_info(), fees),
            (a.employer_token.to_account_info(), refund),
        ];
        for (to, amount) in payouts {
            pay_from_vault(
                &a.task,
                &a.token_program,
                a.vault.to_account_info(),
                &a.mint,
                to,
                amount,
            )?;
        }
        let close = CloseAccount {
            account: a.vault.to_account_info(),
            destination: a.employer.to_account_info(),
            authority: a.task.to_account_info(),
        };
        a.task.with_signer(|seeds| {
            token_interface::close_account(CpiContext::new_with_signer(
                a.token_program.key(),
                close,
                seeds,
            ))
        })?;
        a.task.fees_owed = 0;
        emit!(TaskClosed {
            task: a.task.key(),
            refunded: refund,
            fees_paid: fees,
        });
        Ok(())
    }
}

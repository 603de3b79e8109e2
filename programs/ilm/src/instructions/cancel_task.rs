use crate::error::IlmError;
use crate::events::TaskCancelled;
use crate::instructions::shared::pay_from_vault;
use crate::state::{Task, Verifier};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Stops new claims and refunds everything not owed to live claims or as fees.
/// Allowed while paused: it only returns the employer's own money.
#[derive(Accounts)]
pub struct CancelTask<'info> {
    pub employer: Signer<'info>,
    #[account(mut, dup, has_one = employer, has_one = mint, has_one = vault)]
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
    pub token_program: Interface<'info, TokenInterface>,
}

impl CancelTask<'_> {
    /// Published Merkle payouts are owed to their recipients until the
    /// deadline; only `clawback` after it returns what nobody claimed.
    pub fn validate(&self) -> Result<()> {
        if let Verifier::Merkle { root, .. } = self.task.verifier {
            require!(root == [0; 32], IlmError::RootAlreadyPublished);
        }
        Ok(())
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        let refund = a.task.cancel(a.vault.amount)?;
        pay_from_vault(
            &a.task,
            &a.token_program,
            a.vault.to_account_info(),
            &a.mint,
            a.employer_token.to_account_info(),
            refund,
        )?;
        emit!(TaskCancelled {
            task: a.task.key(),
            refunded: refund,
        });
        Ok(())
    }
}

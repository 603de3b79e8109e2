use crate::error::IlmError;
use crate::events::ClawedBack;
use crate::instructions::shared::{now, pay_from_vault};
use crate::math::sub;
use crate::state::{Task, TaskStatus, Verifier};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// After the deadline, and at least `MIN_CLAIM_WINDOW_SECS` after the root
/// was published, the employer takes back what no leaf claimed (fees owed
/// stay for the fee owner); the task stops paying leaves and can be closed.
#[derive(Accounts)]
pub struct Clawback<'info> {
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

impl Clawback<'_> {
    pub fn validate(&self) -> Result<()> {
        require!(
            matches!(self.task.verifier, Verifier::Merkle { .. }),
            IlmError::WrongVerifier
        );
        self.task.require_open()?;
        require!(
            now()? >= self.task.claim_window_end()?,
            IlmError::ClawbackTooEarly
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        let refund = sub(a.vault.amount, a.task.fees_owed)?;
        a.task.status = TaskStatus::Cancelled;
        pay_from_vault(
            &a.task,
            &a.token_program,
            a.vault.to_account_info(),
            &a.mint,
            a.employer_token.to_account_info(),
            refund,
        )?;
        emit!(ClawedBack {
            task: a.task.key(),
            refunded: refund,
        });
        Ok(())
    }
}

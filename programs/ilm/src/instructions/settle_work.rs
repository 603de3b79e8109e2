use crate::error::IlmError;
use crate::instructions::shared::{now, Payout};
use crate::state::{Claim, Employer, Stake, Task};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Pays a submission. Anyone may call it once the employer stayed silent for
/// `review_secs`; `approve_work` embeds the same accounts behind the
/// employer's signature.
#[derive(Accounts)]
pub struct SettleWork<'info> {
    #[account(
        mut,
        constraint = employer_record.market == task.market && employer_record.employer == task.employer
            @ IlmError::EmployerMismatch,
    )]
    pub employer_record: Box<Account<'info, Employer>>,
    #[account(mut, has_one = mint, has_one = vault)]
    pub task: Box<Account<'info, Task>>,
    #[account(mut, has_one = task)]
    pub claim: Box<Account<'info, Claim>>,
    #[account(
        mut,
        constraint = stake.market == task.market && stake.contributor == claim.contributor
            @ IlmError::StakeMismatch,
    )]
    pub stake: Box<Account<'info, Stake>>,
    #[account(mint::token_program = token_program)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    #[account(mut)]
    pub vault: Box<InterfaceAccount<'info, TokenAccount>>,
    /// Any token account of the contributor for the task's mint.
    #[account(
        mut,
        token::mint = mint,
        token::authority = claim.contributor,
        token::token_program = token_program,
    )]
    pub contributor_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl<'info> SettleWork<'info> {
    pub fn validate(&self) -> Result<()> {
        self.claim.require_submitted()?;
        let review_ends = self
            .claim
            .submitted_at
            .checked_add(self.task.review_secs)
            .ok_or_else(|| error!(IlmError::MathOverflow))?;
        require!(now()? >= review_ends, IlmError::ReviewWindowOpen);
        Ok(())
    }

    /// Pays the reward and records who decided.
    pub fn pay(&mut self, auto_settled: bool) -> Result<()> {
        let record = &mut self.employer_record;
        if auto_settled {
            record.auto_settled = record.auto_settled.saturating_add(1);
        } else {
            record.approved = record.approved.saturating_add(1);
        }
        let reward = self.task.reward;
        Payout {
            task: &mut self.task,
            claim: &mut self.claim,
            stake: &mut self.stake,
            vault: &self.vault,
            mint: &self.mint,
            to: &self.contributor_token,
            token_program: &self.token_program,
        }
        .pay(reward, auto_settled)
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        ctx.accounts.pay(true)
    }
}

use crate::error::IlmError;
use crate::instructions::shared::Payout;
use crate::state::{Claim, Employer, Stake, Task};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Accounts of the two instructions that pay a submission: `approve_work`
/// (the caller must be the employer) and `settle_work` (any caller, after
/// the review window). One flat struct instead of a nested one: Anchor runs
/// its duplicate-mutable-account check once per struct, and nesting cost
/// every approval about 5,000 CU more.
#[derive(Accounts)]
pub struct PayWork<'info> {
    /// The employer for `approve_work`; anyone (a crank) for `settle_work`.
    pub caller: Signer<'info>,
    #[account(mut, dup,
        constraint = employer_record.records(&task) @ IlmError::EmployerMismatch,
    )]
    pub employer_record: Box<Account<'info, Employer>>,
    #[account(mut, dup, has_one = mint, has_one = vault)]
    pub task: Box<Account<'info, Task>>,
    #[account(mut, dup, has_one = task)]
    pub claim: Box<Account<'info, Claim>>,
    #[account(mut, dup,
        constraint = stake.backs(&task, &claim) @ IlmError::StakeMismatch,
    )]
    pub stake: Box<Account<'info, Stake>>,
    #[account(mint::token_program = token_program)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    /// CHECK: the task's vault (`has_one = vault` on the task); the token
    /// program checks it as the transfer's source. Not unpacked here: that
    /// would cost CU for nothing the program reads.
    #[account(mut)]
    pub vault: UncheckedAccount<'info>,
    /// Any token account of the contributor for the task's mint.
    #[account(mut, dup,
        constraint = contributor_token.key() != vault.key() @ IlmError::DuplicateAccount,
        token::mint = mint,
        token::authority = claim.contributor,
        token::token_program = token_program,
    )]
    pub contributor_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl PayWork<'_> {
    /// Pays the reward and records who decided.
    pub fn pay(&mut self, auto_settled: bool) -> Result<()> {
        let record = &mut self.employer_record;
        if auto_settled {
            record.auto_settled = record.auto_settled.saturating_add(1);
        } else {
            record.approved = record.approved.saturating_add(1);
        }
        Payout {
            task: &mut self.task,
            claim: &mut self.claim,
            stake: &mut self.stake,
            vault: &self.vault,
            mint: &self.mint,
            to: &self.contributor_token,
            token_program: &self.token_program,
        }
        .pay_claim()
    }
}

use crate::constants::MAX_ANSWER_LEN;
use crate::error::IlmError;
use crate::instructions::shared::{is_frozen, Payout};
use crate::state::{Claim, ClaimStatus, Stake, Task, Verifier};
use crate::verify::answer::{answer_hash, commitment};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};

/// Reveals a committed answer once the employer opened reveals; if it is the
/// task's known answer the contributor is paid in the same instruction (or,
/// while the vault or the payee account is frozen, the claim is Verified and
/// paid by `settle_work` later).
#[derive(Accounts)]
pub struct RevealAnswer<'info> {
    pub contributor: Signer<'info>,
    #[account(mut, dup, has_one = mint, has_one = vault)]
    pub task: Box<Account<'info, Task>>,
    #[account(mut, dup, has_one = task, has_one = contributor)]
    pub claim: Box<Account<'info, Claim>>,
    #[account(mut, dup, constraint = stake.backs(&task, &claim) @ IlmError::StakeMismatch)]
    pub stake: Box<Account<'info, Stake>>,
    #[account(mint::token_program = token_program)]
    pub mint: Box<InterfaceAccount<'info, Mint>>,
    /// CHECK: the task's vault (`has_one = vault` on the task); the token
    /// program checks it as the transfer's source. Not unpacked here: that
    /// would cost CU for nothing the program reads.
    #[account(mut)]
    pub vault: UncheckedAccount<'info>,
    #[account(mut, dup,
        constraint = contributor_token.key() != vault.key() @ IlmError::DuplicateAccount,
        token::mint = mint,
        token::authority = contributor,
        token::token_program = token_program,
    )]
    pub contributor_token: Box<InterfaceAccount<'info, TokenAccount>>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl RevealAnswer<'_> {
    pub fn validate(&self, answer: &[u8], salt: &[u8; 32]) -> Result<()> {
        let task = &self.task;
        let Verifier::Preimage {
            answer_hash: expected,
            salt: employer_salt,
            opened_at,
            ..
        } = task.verifier
        else {
            return err!(IlmError::WrongVerifier);
        };
        let claim = &self.claim;
        require!(
            claim.status == ClaimStatus::Committed,
            IlmError::InvalidClaimState
        );
        require!(opened_at > 0, IlmError::RevealsNotOpen);
        let clock = Clock::get()?;
        require!(
            clock.unix_timestamp < task.reveals_end()?,
            IlmError::RevealWindowClosed
        );
        require!(clock.slot > claim.committed_slot, IlmError::RevealTooEarly);
        require!(answer.len() <= MAX_ANSWER_LEN, IlmError::AnswerTooLong);
        let key = task.key();
        require!(
            commitment(&key, &claim.contributor, answer, salt) == claim.commitment,
            IlmError::WrongCommitment
        );
        require!(
            answer_hash(&key, &employer_salt, answer) == expected,
            IlmError::WrongAnswer
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let a = ctx.accounts;
        if is_frozen(&a.vault) || a.contributor_token.is_frozen() {
            // The transfer cannot go through, but the answer is proven: it is
            // owed, and `settle_work` pays it once the account is thawed.
            a.claim.status = ClaimStatus::Verified;
            return Ok(());
        }
        Payout {
            task: &mut a.task,
            claim: &mut a.claim,
            stake: &mut a.stake,
            vault: &a.vault,
            mint: &a.mint,
            to: &a.contributor_token,
            token_program: &a.token_program,
        }
        .pay_claim()
    }
}

use crate::error::IlmError;
use crate::instructions::shared::{now, Payout};
use crate::state::{Claim, ClaimStatus, Market, Stake, Task, Verifier};
use crate::verify::ed25519::{attestation_message, count_attesters, signers_of};
use anchor_lang::prelude::*;
use anchor_spl::token_interface::{Mint, TokenAccount, TokenInterface};
use solana_instructions_sysvar::{load_current_index_checked, load_instruction_at_checked};

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Debug)]
pub struct SubmitAttestedArgs {
    /// Units measured since the claim began; only ever goes up.
    pub cumulative_units: u64,
    /// Hash of the measured work, as the attesters signed it.
    pub result_hash: [u8; 32],
    /// Unix time after which the attestation is void.
    pub expires_at: i64,
}

/// Pays DePIN work measured by the task's attesters (the market's set when
/// the task was created): the ed25519 precompile instructions right before
/// this one (one packed, or one per signature) carry m-of-n signatures over
/// the attestation message; the claim
/// is paid for the units above what it was already paid, capped by the funded
/// units. Anyone may send it.
#[derive(Accounts)]
pub struct SubmitAttested<'info> {
    #[account(address = task.market)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, dup, has_one = mint, has_one = vault)]
    pub task: Box<Account<'info, Task>>,
    #[account(mut, dup, has_one = task)]
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
        token::authority = claim.contributor,
        token::token_program = token_program,
    )]
    pub contributor_token: Box<InterfaceAccount<'info, TokenAccount>>,
    /// CHECK: the instructions sysvar, checked by address.
    #[account(address = solana_sdk_ids::sysvar::instructions::ID)]
    pub instructions: UncheckedAccount<'info>,
    pub token_program: Interface<'info, TokenInterface>,
}

impl SubmitAttested<'_> {
    pub fn validate(&self, args: &SubmitAttestedArgs) -> Result<()> {
        require!(
            self.task.verifier == Verifier::Attested,
            IlmError::WrongVerifier
        );
        require!(
            self.claim.status == ClaimStatus::Leased,
            IlmError::InvalidClaimState
        );
        let now = now()?;
        self.claim.require_working(now)?;
        require!(now < args.expires_at, IlmError::AttestationExpired);
        require!(
            args.cumulative_units > self.claim.paid_units,
            IlmError::StaleAttestation
        );
        let message = attestation_message(
            &crate::ID,
            &self.market.key(),
            &self.market.domain,
            &self.task.key(),
            &self.claim.contributor,
            args.cumulative_units,
            &args.result_hash,
            args.expires_at,
        );
        // The precompile instructions right before this one: one carrying
        // every signature (packed), or one per signature as standard ed25519
        // tooling writes them. The run ends at the first other instruction.
        let sysvar = self.instructions.to_account_info();
        let mut index = load_current_index_checked(&sysvar)?;
        let mut signers = Vec::new();
        while let Some(previous) = index.checked_sub(1) {
            let precompile = load_instruction_at_checked(usize::from(previous), &sysvar)?;
            if precompile.program_id != solana_sdk_ids::ed25519_program::ID {
                break;
            }
            signers.extend(signers_of(&precompile.data, &message)?);
            index = previous;
        }
        require!(!signers.is_empty(), IlmError::MissingAttestation);
        let attesters = count_attesters(&signers, &self.task.attesters)?;
        require!(
            attesters >= usize::from(self.task.attester_threshold),
            IlmError::AttestationThresholdNotMet
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>, args: SubmitAttestedArgs) -> Result<()> {
        let a = ctx.accounts;
        let delta = args.cumulative_units - a.claim.paid_units;
        // The claim's own reserved slot is one payable unit; the free ones the rest.
        a.task.release_slot()?;
        let units = delta.min(u64::from(a.task.free_slots())) as u32;
        let bond = a.claim.bond;
        let first_payment = a.claim.paid_units == 0;
        let amount = Payout {
            task: &mut a.task,
            claim: &mut a.claim,
            stake: &mut a.stake,
            vault: &a.vault,
            mint: &a.mint,
            to: &a.contributor_token,
            token_program: &a.token_program,
        }
        .pay_units(units)?;
        a.claim.paid_units += u64::from(units);
        a.claim.result_hash = args.result_hash;
        if first_payment {
            // First payment: the bond is released and the work counted once.
            a.stake.record_paid(bond, amount)?;
            a.claim.bond = 0;
        } else {
            a.stake.earned = a.stake.earned.saturating_add(amount);
        }
        if a.task.free_slots() > 0 {
            a.task.active += 1;
        } else {
            a.claim.status = ClaimStatus::Paid;
            a.stake.claim_finished();
            a.task.release_newcomer(a.claim.newcomer)?;
        }
        Ok(())
    }
}

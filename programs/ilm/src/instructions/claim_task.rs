use crate::constants::CLAIM_SEED;
use crate::error::IlmError;
use crate::events::TaskClaimed;
use crate::instructions::shared::now;
use crate::state::{Claim, ClaimStatus, Market, Stake, Task, Verifier};
use anchor_lang::prelude::*;

/// Takes a lease on one completion slot. The claim PDA makes a second claim
/// by the same contributor on the same task fail at account creation.
#[derive(Accounts)]
pub struct ClaimTask<'info> {
    #[account(mut)]
    pub contributor: Signer<'info>,
    #[account(address = task.market)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut)]
    pub task: Box<Account<'info, Task>>,
    #[account(mut, has_one = contributor, has_one = market @ IlmError::StakeMismatch)]
    pub stake: Box<Account<'info, Stake>>,
    #[account(
        init,
        payer = contributor,
        space = 8 + Claim::INIT_SPACE,
        seeds = [CLAIM_SEED, task.key().as_ref(), contributor.key().as_ref()],
        bump,
    )]
    pub claim: Box<Account<'info, Claim>>,
    pub system_program: Program<'info, System>,
}

impl ClaimTask<'_> {
    pub fn validate(&self) -> Result<()> {
        let (market, task, stake) = (&self.market, &self.task, &self.stake);
        market.require_active()?;
        require!(
            !matches!(task.verifier, Verifier::Merkle { .. }),
            IlmError::WrongVerifier
        );
        task.require_open()?;
        let now = now()?;
        task.require_before_deadline(now)?;
        // A lease cut short by the deadline could not be used but could be slashed.
        require!(
            now.saturating_add(task.lease_secs) <= task.deadline,
            IlmError::ClaimTooLate
        );
        require_keys_neq!(self.contributor.key(), task.employer, IlmError::SelfDealing);
        require!(
            stake.active() >= market.min_stake,
            IlmError::StakeBelowMinimum
        );
        require!(stake.free() >= task.bond, IlmError::InsufficientFreeStake);
        let q = task.qualification;
        require!(
            stake.qualifies(q.min_completed, q.max_reject_bps),
            IlmError::NotQualified
        );
        Ok(())
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let now = now()?;
        let a = ctx.accounts;
        a.task.take_slot()?;
        a.stake.lock(a.task.bond)?;
        let claim = &mut a.claim;
        claim.task = a.task.key();
        claim.contributor = a.contributor.key();
        claim.status = ClaimStatus::Leased;
        claim.bond = a.task.bond;
        claim.lease_expires_at = now.saturating_add(a.task.lease_secs);
        claim.bump = ctx.bumps.claim;
        emit!(TaskClaimed {
            task: claim.task,
            claim: claim.key(),
            contributor: claim.contributor,
            bond: claim.bond,
            lease_expires_at: claim.lease_expires_at,
        });
        Ok(())
    }
}

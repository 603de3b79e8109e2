use crate::constants::{CLAIM_SEED, SPONSOR_SEED};
use crate::error::IlmError;
use crate::events::TaskClaimed;
use crate::instructions::shared::{now, RentPayer};
use crate::state::{Claim, ClaimStatus, Market, Stake, Task, Verifier};
use anchor_lang::prelude::*;

/// Takes a lease on one completion slot. The claim PDA makes a second claim
/// by the same contributor on the same task fail at account creation.
/// `rent_payer` pays the claim's rent (the contributor itself, or a sponsor
/// such as the employer or a fee-payer service), or its `sponsor_pool`
/// does, and gets it back at `close_claim`. A contributor whose stake cannot cover the bond or the
/// market minimum takes one of the task's `newcomer_slots`, without a bond.
#[derive(Accounts)]
pub struct ClaimTask<'info> {
    pub contributor: Signer<'info>,
    #[account(mut)]
    pub rent_payer: Signer<'info>,
    #[account(address = task.market)]
    pub market: Box<Account<'info, Market>>,
    #[account(mut, dup)]
    pub task: Box<Account<'info, Task>>,
    #[account(mut, dup, has_one = contributor, has_one = market @ IlmError::StakeMismatch)]
    pub stake: Box<Account<'info, Stake>>,
    /// The [`Claim`] this call opens; an address that is already a claim
    /// fails in the System program.
    /// CHECK: the seeds are checked here; the handler opens it.
    #[account(
        mut,
        seeds = [CLAIM_SEED, task.key().as_ref(), contributor.key().as_ref()],
        bump,
    )]
    pub claim: UncheckedAccount<'info>,
    pub system_program: Program<'info, System>,
    /// `rent_payer`'s pool: when given, it pays the claim's rent instead.
    #[account(mut, seeds = [SPONSOR_SEED, rent_payer.key().as_ref()], bump)]
    pub sponsor_pool: Option<SystemAccount<'info>>,
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
        if !self.bonded() {
            // A newcomer holds less than a bonded lease needs: stake merely
            // requested for withdrawal does not make one.
            let newcomer = stake.amount < task.bond.max(market.min_stake);
            if task.newcomer_slots == 0 || !newcomer {
                require!(
                    stake.active() >= market.min_stake,
                    IlmError::StakeBelowMinimum
                );
                return err!(IlmError::InsufficientFreeStake);
            }
            require!(
                task.newcomers < task.newcomer_slots,
                IlmError::NewcomerSlotsTaken
            );
            require!(stake.may_lease_unbonded(), IlmError::NewcomerLeaseLimit);
        }
        let q = task.qualification;
        require!(
            stake.qualifies(q.min_completed, q.max_reject_bps),
            IlmError::NotQualified
        );
        Ok(())
    }

    /// The stake covers the market minimum and the task's bond.
    fn bonded(&self) -> bool {
        self.stake.active() >= self.market.min_stake && self.stake.free() >= self.task.bond
    }

    pub fn handler(ctx: Context<Self>) -> Result<()> {
        let now = now()?;
        let a = ctx.accounts;
        let newcomer = !a.bonded();
        let bond = if newcomer {
            a.task.take_newcomer_slot()?;
            0
        } else {
            a.task.take_slot()?;
            a.task.bond
        };
        a.stake.lock(bond)?;
        let payer = RentPayer::new(&a.rent_payer, &a.sponsor_pool, ctx.bumps.sponsor_pool);
        let (task, contributor) = (a.task.key(), a.contributor.key());
        let bump = [ctx.bumps.claim];
        let seeds: &[&[u8]] = &[CLAIM_SEED, task.as_ref(), contributor.as_ref(), &bump];
        let info = a.claim.to_account_info();
        payer.open(&info, seeds, 8 + Claim::INIT_SPACE, &a.system_program)?;
        let claim = Claim {
            task,
            contributor,
            status: ClaimStatus::Leased,
            bond,
            lease_expires_at: now.saturating_add(a.task.lease_secs),
            commitment: [0; 32],
            committed_slot: 0,
            result_hash: [0; 32],
            submitted_at: 0,
            paid_units: 0,
            rent_payer: payer.key(),
            newcomer,
            bump: ctx.bumps.claim,
        };
        claim.try_serialize(&mut &mut info.try_borrow_mut_data()?[..])?;
        emit!(TaskClaimed {
            task: claim.task,
            claim: info.key(),
            contributor: claim.contributor,
            bond: claim.bond,
            lease_expires_at: claim.lease_expires_at,
            rent_payer: claim.rent_payer,
            newcomer,
        });
        Ok(())
    }
}

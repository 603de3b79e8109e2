use crate::error::IlmError;
use crate::math::{add, bps_of, mul, sub};
use anchor_lang::prelude::*;

use crate::constants::MAX_SPEC_URI_LEN;

/// How a task's work is proven.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum Verifier {
    /// Human judgment: the employer approves or rejects; silence past `review_secs` pays.
    Review,
    /// Known answer: `answer_hash = sha256(tag || task || answer)`, commit-reveal.
    Preimage { answer_hash: [u8; 32] },
    /// m-of-n ed25519 attestations of cumulative units; `reward` is per unit
    /// and `max_completions` the funded number of units.
    Attested,
    /// One Merkle root over (index, recipient, amount) leaves, paid by a
    /// bitmap; `reward x max_completions` is the budget the root may spend.
    /// Created empty; `publish_root` fills it in.
    Merkle {
        root: [u8; 32],
        leaf_count: u32,
        total: u64,
        claimed: u64,
    },
}

/// Who may take a task: a minimum track record.
#[derive(
    AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, Default, PartialEq, Eq, InitSpace,
)]
pub struct Qualification {
    /// Paid completions the contributor needs in this market.
    pub min_completed: u32,
    /// Highest acceptable `rejected / (completed + rejected)`, in bps.
    pub max_reject_bps: u16,
}

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum TaskStatus {
    Open,
    Cancelled,
}

/// A job with its escrow. PDA `["task", market, employer, task_id u64 LE]`.
///
/// Escrow invariant (while the task exists):
/// `vault >= unit_cost * (max_completions - completions) + fees_owed`, where
/// `unit_cost = reward + fee`. Every live claim (`active`) is covered by one
/// unit, so the employer can never withdraw money owed for work in progress.
#[account]
#[derive(InitSpace)]
pub struct Task {
    pub market: Pubkey,
    pub employer: Pubkey,
    pub task_id: u64,
    /// Mint of the reward (classic Token or Token-2022).
    pub mint: Pubkey,
    /// `["vault", task]`, owned by this task PDA.
    pub vault: Pubkey,
    /// Paid per completion.
    pub reward: u64,
    /// Protocol fee per completion (from the market's fee_bps at creation).
    pub fee: u64,
    /// The market's fee_bps at creation (Merkle payouts accrue it per leaf).
    pub fee_bps: u16,
    /// Completion slots funded so far.
    pub max_completions: u32,
    /// Slots paid.
    pub completions: u32,
    /// Slots held by live claims (leased or submitted).
    pub active: u32,
    /// No new claims at or after this time; leases never run past it.
    pub deadline: i64,
    /// How long a claim holds its slot before it can be expired.
    pub lease_secs: i64,
    /// Stake locked per claim.
    pub bond: u64,
    /// Employer's window to judge a submission; after it anyone may settle.
    pub review_secs: i64,
    /// Share of an expired claim's bond paid to the employer (from the market at creation).
    pub slash_bps: u16,
    pub qualification: Qualification,
    /// sha256 of the task specification.
    pub spec_hash: [u8; 32],
    #[max_len(MAX_SPEC_URI_LEN)]
    pub spec_uri: String,
    pub verifier: Verifier,
    /// Fees earned on payouts, waiting in the vault for `collect_fees`.
    pub fees_owed: u64,
    pub status: TaskStatus,
    pub bump: u8,
    pub vault_bump: u8,
}

impl Task {
    /// What one completion costs the employer: reward plus protocol fee.
    pub fn unit_cost(&self) -> Result<u64> {
        add(self.reward, self.fee)
    }

    /// Escrow needed for `completions` more slots.
    pub fn escrow_for(&self, completions: u32) -> Result<u64> {
        mul(self.unit_cost()?, u64::from(completions))
    }

    /// Fee for a reward at `fee_bps`.
    pub fn fee_for(reward: u64, fee_bps: u16) -> u64 {
        bps_of(reward, fee_bps)
    }

    /// Refuses actions on a cancelled task.
    pub fn require_open(&self) -> Result<()> {
        require!(self.status == TaskStatus::Open, IlmError::TaskNotOpen);
        Ok(())
    }

    /// Refuses new claims or funding at or after the deadline.
    pub fn require_before_deadline(&self, now: i64) -> Result<()> {
        require!(now < self.deadline, IlmError::TaskExpired);
        Ok(())
    }

    /// Takes a free slot for a new lease.
    pub fn take_slot(&mut self) -> Result<()> {
        require!(self.free_slots() > 0, IlmError::NoFreeSlot);
        self.active += 1;
        Ok(())
    }

    /// Gives a slot back without paying (reject, abandon, expire).
    pub fn release_slot(&mut self) -> Result<()> {
        self.active = self
            .active
            .checked_sub(1)
            .ok_or_else(|| error!(IlmError::MathOverflow))?;
        Ok(())
    }

    /// Turns a live slot into a paid completion; the fee stays in the vault as owed.
    pub fn complete_slot(&mut self) -> Result<()> {
        self.release_slot()?;
        self.complete_units(1)
    }

    /// Records `units` paid completions and their fees.
    pub fn complete_units(&mut self, units: u32) -> Result<()> {
        self.completions = self
            .completions
            .checked_add(units)
            .ok_or_else(|| error!(IlmError::MathOverflow))?;
        self.fees_owed = add(self.fees_owed, mul(self.fee, u64::from(units))?)?;
        Ok(())
    }

    /// Completion slots neither paid nor held by a live claim.
    pub fn free_slots(&self) -> u32 {
        self.max_completions
            .saturating_sub(self.completions)
            .saturating_sub(self.active)
    }

    /// Adds funded slots.
    pub fn add_slots(&mut self, n: u32) -> Result<()> {
        self.max_completions = self
            .max_completions
            .checked_add(n)
            .ok_or_else(|| error!(IlmError::MathOverflow))?;
        Ok(())
    }

    /// Cancels the task: unfunded the free slots and returns what the
    /// employer may take back from a vault holding `vault_balance`: everything
    /// but the units of live claims and the fees owed.
    pub fn cancel(&mut self, vault_balance: u64) -> Result<u64> {
        self.require_open()?;
        self.status = TaskStatus::Cancelled;
        self.max_completions = self.completions + self.active;
        let owed = add(self.escrow_for(self.active)?, self.fees_owed)?;
        sub(vault_balance, owed)
    }

    /// A task can be closed once no claim is live and either it was cancelled
    /// or every submission's review window has passed.
    pub fn require_closable(&self, now: i64) -> Result<()> {
        require!(self.active == 0, IlmError::LiveClaims);
        let finished_at = self
            .deadline
            .checked_add(self.review_secs)
            .ok_or_else(|| error!(IlmError::MathOverflow))?;
        require!(
            self.status == TaskStatus::Cancelled || now >= finished_at,
            IlmError::TaskNotFinished
        );
        Ok(())
    }
}

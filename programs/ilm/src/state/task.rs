use crate::constants::{MAX_ATTESTERS, MAX_SPEC_URI_LEN, MIN_CLAIM_WINDOW_SECS};
use crate::error::IlmError;
use crate::math::{add, fee_on, mul, sub};
use anchor_lang::prelude::*;

/// How a task's work is proven.
#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum Verifier {
    /// Human judgment: the employer approves or rejects; silence past `review_secs` pays.
    Review,
    /// Known answer, two phases: contributors commit during their leases
    /// (which end by the deadline); the employer then publishes `salt`
    /// (`open_reveals`) and reveals are paid until `deadline + 2 ×
    /// review_secs`. If the employer stays silent until `deadline +
    /// review_secs`, every committed claim is paid (`settle_work`).
    Preimage {
        /// `sha256(ANSWER_TAG || task || salt || answer)`: unguessable before the salt is out.
        answer_hash: [u8; 32],
        /// `sha256(SALT_TAG || task || salt)`: `open_reveals` must match it.
        salt_hash: [u8; 32],
        /// The employer's secret once published (zero before).
        salt: [u8; 32],
        /// When `open_reveals` ran (0 before); reveals until `deadline + 2 × review_secs`.
        opened_at: i64,
    },
    /// m-of-n ed25519 attestations of cumulative units; `reward` is per unit
    /// and `max_completions` the funded number of units.
    Attested,
    /// One Merkle root over (index, recipient, amount) leaves, paid by a
    /// bitmap; `reward x max_completions` is the budget the root may spend.
    /// Created empty; `publish_root` fills it in.
    Merkle {
        /// Root over `(index, recipient, amount)` leaves (zero until published).
        root: [u8; 32],
        /// Leaves in the tree.
        leaf_count: u32,
        /// Sum of every leaf's amount.
        total: u64,
        /// Sum of the leaves paid so far.
        claimed: u64,
        /// When the root was published: recipients keep at least
        /// `MIN_CLAIM_WINDOW_SECS` after it, whatever the deadline.
        published_at: i64,
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
    /// Takes claims until the deadline.
    Open,
    /// Takes no new claims; what live claims can still earn stays in the vault.
    Cancelled,
}

/// A job with its escrow. PDA `["task", market, employer, task_id u64 LE]`.
///
/// Escrow invariant (while the task exists):
/// `vault >= unit_cost * (max_completions - completions) + fees_owed`, where
/// `unit_cost = reward + fee`. A live claim is covered by one unit, a live
/// Attested claim by every funded unit (see [`Task::reserved_units`]), so the
/// employer can never withdraw money owed for work in progress. A Merkle
/// task's slots are its budget instead: after `publish_root`,
/// `vault >= (total - claimed) + fee_on(total) - fee_on(claimed) + fees_owed`.
#[account]
#[derive(InitSpace)]
pub struct Task {
    /// The market the task is posted in.
    pub market: Pubkey,
    /// Who posted and funds the task.
    pub employer: Pubkey,
    /// The employer's sequence number for this task (part of the address).
    pub task_id: u64,
    /// Mint of the reward (classic Token or Token-2022).
    pub mint: Pubkey,
    /// `["vault", task]`, owned by this task PDA.
    pub vault: Pubkey,
    /// Paid per completion.
    pub reward: u64,
    /// Protocol fee escrowed per completion: `fee_on(reward, fee_bps)`,
    /// rounded up. A payout accrues `fee_on(amount paid)`, never more.
    pub fee: u64,
    /// The market's fee_bps at creation.
    pub fee_bps: u16,
    /// Completion slots funded so far.
    pub max_completions: u32,
    /// Slots paid.
    pub completions: u32,
    /// Slots held by live claims (leased, committed, submitted or verified).
    pub active: u32,
    /// Live leases without a bond this task admits at once (newcomers whose
    /// stake cannot cover the bond or the market minimum); 0 admits none.
    pub newcomer_slots: u32,
    /// Live leases without a bond (at most `newcomer_slots`, part of `active`).
    pub newcomers: u32,
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
    /// Track record a contributor needs to claim.
    pub qualification: Qualification,
    /// sha256 of the task specification.
    pub spec_hash: [u8; 32],
    /// Where the specification is, at most 128 bytes.
    #[max_len(MAX_SPEC_URI_LEN)]
    pub spec_uri: String,
    /// How work is proven and paid.
    pub verifier: Verifier,
    /// Attested: the market's attester set when the task was created; only
    /// these keys can pay it, whatever the market changes later.
    #[max_len(MAX_ATTESTERS)]
    pub attesters: Vec<Pubkey>,
    /// Attested: signatures needed, pinned with the set.
    pub attester_threshold: u8,
    /// Fees earned on payouts, waiting in the vault for `collect_fees`.
    pub fees_owed: u64,
    /// Open, or Cancelled (no new claims).
    pub status: TaskStatus,
    /// Canonical bump of this PDA.
    pub bump: u8,
    /// Canonical bump of the vault PDA.
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

    /// Takes a free slot for a lease without a bond (a newcomer's).
    pub fn take_newcomer_slot(&mut self) -> Result<()> {
        require!(
            self.newcomers < self.newcomer_slots,
            IlmError::NewcomerSlotsTaken
        );
        self.take_slot()?;
        self.newcomers += 1;
        Ok(())
    }

    /// A claim ended (paid, rejected, abandoned or expired): its slot, and
    /// its newcomer slot if it had no bond (`newcomer`), are free again.
    pub fn end_claim(&mut self, newcomer: bool) -> Result<()> {
        self.release_slot()?;
        self.release_newcomer(newcomer)
    }

    /// Frees the newcomer slot of a claim taken without a bond.
    pub fn release_newcomer(&mut self, newcomer: bool) -> Result<()> {
        if newcomer {
            self.newcomers = self
                .newcomers
                .checked_sub(1)
                .ok_or_else(|| error!(IlmError::MathOverflow))?;
        }
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

    /// Records `units` paid completions and the fee on the `amount` they
    /// paid (at most `fee` per unit, so the escrow always covers it);
    /// returns that fee, which stays in the vault as owed.
    pub fn complete_units(&mut self, units: u32, amount: u64) -> Result<u64> {
        self.completions = self
            .completions
            .checked_add(units)
            .ok_or_else(|| error!(IlmError::MathOverflow))?;
        let fee = fee_on(amount, self.fee_bps);
        self.fees_owed = add(self.fees_owed, fee)?;
        Ok(fee)
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

    /// Units live claims may still be paid. A Review or Preimage claim earns
    /// one unit; a live Attested claim may be paid any funded unit (its work
    /// is measured after the fact), so while one lives every unit stays.
    pub fn reserved_units(&self) -> u32 {
        match self.verifier {
            Verifier::Attested if self.active > 0 => {
                self.max_completions.saturating_sub(self.completions)
            }
            _ => self.active,
        }
    }

    /// Cancels the task: stops new claims, unfunds the units no live claim
    /// can earn and returns what the employer may take back from a vault
    /// holding `vault_balance`: everything but those units and the fees owed.
    /// What an Attested claim did not earn comes back at `close_task`.
    pub fn cancel(&mut self, vault_balance: u64) -> Result<u64> {
        self.require_open()?;
        self.status = TaskStatus::Cancelled;
        let reserved = self.reserved_units();
        self.max_completions = self
            .completions
            .checked_add(reserved)
            .ok_or_else(|| error!(IlmError::MathOverflow))?;
        let owed = add(self.escrow_for(reserved)?, self.fees_owed)?;
        sub(vault_balance, owed)
    }

    /// Until when money may still be owed to someone: the deadline plus the
    /// review (or reveal) window, and for a published Merkle root at least
    /// `MIN_CLAIM_WINDOW_SECS` after it was published.
    pub fn finished_at(&self) -> Result<i64> {
        let reviewed = self
            .deadline
            .checked_add(self.review_secs)
            .ok_or_else(|| error!(IlmError::MathOverflow))?;
        Ok(reviewed.max(self.claim_window_end()?))
    }

    /// Until when a Preimage task takes reveals: `deadline + 2 × review_secs`,
    /// whenever the employer opened them (it must by `deadline +
    /// review_secs`), so contributors know the end in advance and always get
    /// at least `review_secs`.
    pub fn reveals_end(&self) -> Result<i64> {
        self.finished_at()?
            .checked_add(self.review_secs)
            .ok_or_else(|| error!(IlmError::MathOverflow))
    }

    /// When a published Merkle root's payouts may end: the deadline, but
    /// never less than `MIN_CLAIM_WINDOW_SECS` after publication.
    pub fn claim_window_end(&self) -> Result<i64> {
        let published_at = match self.verifier {
            Verifier::Merkle { published_at, .. } if published_at > 0 => published_at,
            _ => return Ok(self.deadline),
        };
        let window = published_at
            .checked_add(MIN_CLAIM_WINDOW_SECS)
            .ok_or_else(|| error!(IlmError::MathOverflow))?;
        Ok(window.max(self.deadline))
    }

    /// A task can be closed once no claim is live and either it was cancelled
    /// or nothing can be owed any more ([`Task::finished_at`]).
    pub fn require_closable(&self, now: i64) -> Result<()> {
        require!(self.active == 0, IlmError::LiveClaims);
        if self.status == TaskStatus::Cancelled {
            return Ok(());
        }
        require!(now >= self.finished_at()?, IlmError::TaskNotFinished);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn task(verifier: Verifier, reward: u64, fee_bps: u16, slots: u32) -> Task {
        Task {
            market: Pubkey::default(),
            employer: Pubkey::default(),
            task_id: 0,
            mint: Pubkey::default(),
            vault: Pubkey::default(),
            reward,
            fee: fee_on(reward, fee_bps),
            fee_bps,
            max_completions: slots,
            completions: 0,
            active: 0,
            newcomer_slots: 0,
            newcomers: 0,
            deadline: 1,
            lease_secs: 1,
            bond: 1,
            review_secs: 0,
            slash_bps: 0,
            qualification: Qualification::default(),
            spec_hash: [0; 32],
            spec_uri: String::new(),
            verifier,
            attesters: Vec::new(),
            attester_threshold: 0,
            fees_owed: 0,
            status: TaskStatus::Open,
            bump: 0,
            vault_bump: 0,
        }
    }

    /// One step of the escrow model; what the instructions do to a task.
    #[derive(Clone, Debug)]
    enum Op {
        Claim,
        /// A lease without a bond, in a newcomer slot.
        ClaimNewcomer,
        /// Review / Preimage: a live claim is paid its one unit.
        PayOne,
        /// Attested: a live claim is paid `n` more units (capped like `submit_attested`).
        PayUnits(u32),
        /// Reject, abandon or expire: a live claim ends unpaid.
        Release,
        Fund(u32),
        Cancel,
        CollectFees,
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            3 => Just(Op::Claim),
            2 => Just(Op::ClaimNewcomer),
            2 => Just(Op::PayOne),
            2 => (1u32..40).prop_map(Op::PayUnits),
            1 => Just(Op::Release),
            1 => (1u32..5).prop_map(Op::Fund),
            1 => Just(Op::Cancel),
            1 => Just(Op::CollectFees),
        ]
    }

    proptest! {
        /// Whatever the order of claims, payouts, releases, fundings,
        /// cancellation and fee collection, the vault covers every unit a
        /// live claim can still earn plus the fees owed, and a cancel never
        /// hands the employer a unit a live claim could still be paid.
        #[test]
        fn the_escrow_always_covers_what_live_claims_can_earn(
            attested: bool,
            reward in 1u64..1_000_000,
            fee_bps in 0u16..=1_000,
            slots in 1u32..50,
            newcomer_slots in 0u32..4,
            ops in proptest::collection::vec(op(), 1..80),
        ) {
            let verifier = if attested { Verifier::Attested } else { Verifier::Review };
            let mut t = task(verifier, reward, fee_bps, slots);
            t.newcomer_slots = newcomer_slots;
            // whether each live claim holds a newcomer slot, newest last
            let mut live: Vec<bool> = Vec::new();
            let mut vault = t.escrow_for(slots).unwrap();
            let (mut paid, mut refunded, mut fees) = (0u64, 0u64, 0u64);
            let mut deposited = vault;
            for op in ops {
                match op {
                    Op::Claim => {
                        if t.status == TaskStatus::Open && t.take_slot().is_ok() {
                            live.push(false);
                        }
                    }
                    Op::ClaimNewcomer => {
                        if t.status == TaskStatus::Open && t.take_newcomer_slot().is_ok() {
                            live.push(true);
                        }
                    }
                    Op::PayOne if !attested && t.active > 0 => {
                        t.end_claim(live.pop().unwrap()).unwrap();
                        let fee = t.complete_units(1, t.reward).unwrap();
                        prop_assert!(fee <= t.fee);
                        vault -= t.reward;
                        paid += t.reward;
                    }
                    Op::PayUnits(n) if attested && t.active > 0 => {
                        t.release_slot().unwrap();
                        let units = n.min(t.free_slots());
                        let amount = t.reward * u64::from(units);
                        t.complete_units(units, amount).unwrap();
                        vault -= amount;
                        paid += amount;
                        if t.free_slots() > 0 {
                            t.active += 1;
                        } else {
                            t.release_newcomer(live.pop().unwrap()).unwrap();
                        }
                    }
                    Op::Release if t.active > 0 => t.end_claim(live.pop().unwrap()).unwrap(),
                    Op::Fund(n) if t.status == TaskStatus::Open => {
                        let deposit = t.escrow_for(n).unwrap();
                        t.add_slots(n).unwrap();
                        vault += deposit;
                        deposited += deposit;
                    }
                    Op::Cancel if t.status == TaskStatus::Open => {
                        let earnable_before = if attested && t.active > 0 {
                            t.max_completions - t.completions
                        } else {
                            t.active
                        };
                        let refund = t.cancel(vault).unwrap();
                        vault -= refund;
                        refunded += refund;
                        // every unit a live claim could earn is still funded
                        prop_assert!(t.max_completions - t.completions >= earnable_before);
                    }
                    Op::CollectFees => {
                        vault -= t.fees_owed;
                        fees += t.fees_owed;
                        t.fees_owed = 0;
                    }
                    _ => {}
                }
                let owed = t.escrow_for(t.max_completions - t.completions).unwrap() + t.fees_owed;
                prop_assert!(vault >= owed, "vault {} < owed {}", vault, owed);
                prop_assert!(t.completions + t.active <= t.max_completions);
                prop_assert_eq!(t.active as usize, live.len());
                let newcomers = live.iter().filter(|n| **n).count();
                prop_assert_eq!(t.newcomers as usize, newcomers);
                prop_assert!(t.newcomers <= t.newcomer_slots);
                prop_assert_eq!(paid + refunded + fees + vault, deposited);
            }
        }
    }
}

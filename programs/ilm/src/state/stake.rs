use crate::error::IlmError;
use crate::math::{add, sub};
use anchor_lang::prelude::*;

/// A contributor's stake in one market and its public work record.
/// PDA `["stake", market, contributor]`.
///
/// Invariant: `locked + unstake_pending <= amount`. Bonds lock only free
/// stake, a request reserves only free stake, and a slash removes the
/// slashed part from `amount` while releasing the whole bond from `locked`.
#[account]
#[derive(InitSpace)]
pub struct Stake {
    /// The market this stake is in.
    pub market: Pubkey,
    /// Whose stake and work record this is.
    pub contributor: Pubkey,
    /// Tokens held for this contributor in the market's stake vault.
    pub amount: u64,
    /// Bonds of live claims; never withdrawable.
    pub locked: u64,
    /// Requested for withdrawal; no longer usable as a bond.
    pub unstake_pending: u64,
    /// When the pending request may be withdrawn: the request time plus the
    /// market's cooldown at that time (a later change never moves it).
    pub unstake_ready_at: i64,
    /// Work paid (approved, settled or verified).
    pub completed: u32,
    /// Work rejected by an employer.
    pub rejected: u32,
    /// Leases that ran out without a submission.
    pub expired: u32,
    /// Leases given back before expiry.
    pub abandoned: u32,
    /// Tokens earned, summed over every task mint (a reputation signal, not a balance).
    pub earned: u64,
    /// Claims not finished yet (Leased, Committed, Submitted or Verified).
    /// An Attested claim keeps its slot after its bond is released, so
    /// `locked` alone cannot say the record is out of use; `close_stake`
    /// needs this at 0.
    pub live_claims: u32,
    /// Who paid this account's rent (the contributor or a sponsor); `close_stake` returns it there.
    pub rent_payer: Pubkey,
    /// Canonical bump of this PDA.
    pub bump: u8,
}

impl Stake {
    /// A new, empty record.
    pub fn opened(market: Pubkey, contributor: Pubkey, rent_payer: Pubkey, bump: u8) -> Self {
        Stake {
            market,
            contributor,
            amount: 0,
            locked: 0,
            unstake_pending: 0,
            unstake_ready_at: 0,
            completed: 0,
            rejected: 0,
            expired: 0,
            abandoned: 0,
            earned: 0,
            live_claims: 0,
            rent_payer,
            bump,
        }
    }

    /// True when this is the stake of `claim`'s contributor in `task`'s market.
    pub fn backs(&self, task: &crate::state::Task, claim: &crate::state::Claim) -> bool {
        self.market == task.market && self.contributor == claim.contributor
    }

    /// Stake neither locked as bonds nor requested for withdrawal.
    pub fn free(&self) -> u64 {
        self.amount
            .saturating_sub(self.locked)
            .saturating_sub(self.unstake_pending)
    }

    /// Stake that counts towards the market minimum.
    pub fn active(&self) -> u64 {
        self.amount.saturating_sub(self.unstake_pending)
    }

    pub fn deposit(&mut self, amount: u64) -> Result<()> {
        self.amount = add(self.amount, amount)?;
        Ok(())
    }

    /// Reserves `amount` of free stake for withdrawal after `cooldown_secs`,
    /// replacing any earlier request.
    pub fn request_unstake(&mut self, amount: u64, now: i64, cooldown_secs: i64) -> Result<()> {
        require!(amount > 0, IlmError::ZeroAmount);
        let free_without_request = self.amount.saturating_sub(self.locked);
        require!(
            amount <= free_without_request,
            IlmError::InsufficientFreeStake
        );
        self.unstake_pending = amount;
        self.unstake_ready_at = now
            .checked_add(cooldown_secs)
            .ok_or_else(|| error!(IlmError::MathOverflow))?;
        Ok(())
    }

    /// Releases the pending request after its cooldown; returns the amount to pay out.
    pub fn withdraw(&mut self, now: i64) -> Result<u64> {
        let amount = self.unstake_pending;
        require!(amount > 0, IlmError::NoUnstakeRequest);
        require!(now >= self.unstake_ready_at, IlmError::CooldownActive);
        self.amount = sub(self.amount, amount)?;
        self.unstake_pending = 0;
        Ok(amount)
    }

    /// May take a lease without a bond (a task's newcomer slot): one live
    /// claim at a time in this market, and none once its rejections,
    /// expiries and abandons outnumber its paid completions, so a record that
    /// squats a slot or delivers junk loses the way in.
    pub fn may_lease_unbonded(&self) -> bool {
        let marks = u64::from(self.rejected) + u64::from(self.expired) + u64::from(self.abandoned);
        self.live_claims == 0 && marks <= u64::from(self.completed)
    }

    /// Locks a bond for a new lease and counts the claim as live.
    pub fn lock(&mut self, bond: u64) -> Result<()> {
        require!(bond <= self.free(), IlmError::InsufficientFreeStake);
        self.locked = add(self.locked, bond)?;
        self.live_claims = self.live_claims.saturating_add(1);
        Ok(())
    }

    /// A claim reached its end (paid, rejected, expired or abandoned).
    pub fn claim_finished(&mut self) {
        self.live_claims = self.live_claims.saturating_sub(1);
    }

    /// Releases a bond whole (payment, rejection, abandonment).
    pub fn unlock(&mut self, bond: u64) -> Result<()> {
        self.locked = sub(self.locked, bond)?;
        Ok(())
    }

    /// Releases a bond of which `slashed` leaves the stake.
    pub fn slash(&mut self, bond: u64, slashed: u64) -> Result<()> {
        self.unlock(bond)?;
        self.amount = sub(self.amount, slashed)?;
        Ok(())
    }

    /// Records a payout.
    pub fn record_paid(&mut self, bond: u64, reward: u64) -> Result<()> {
        self.unlock(bond)?;
        self.completed = self.completed.saturating_add(1);
        self.earned = self.earned.saturating_add(reward);
        Ok(())
    }

    /// True when `rejected / (completed + rejected) <= max_reject_bps / 10,000`
    /// and at least `min_completed` tasks were paid. Cross-multiplied in u64:
    /// both counters are u32, so neither side can overflow.
    pub fn qualifies(&self, min_completed: u32, max_reject_bps: u16) -> bool {
        let done = u64::from(self.completed);
        let rejected = u64::from(self.rejected);
        self.completed >= min_completed
            && rejected * 10_000 <= u64::from(max_reject_bps) * (done + rejected)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn stake(amount: u64) -> Stake {
        Stake {
            amount,
            ..Stake::opened(Pubkey::default(), Pubkey::default(), Pubkey::default(), 0)
        }
    }

    #[test]
    fn new_contributor_qualifies_for_open_tasks_only() {
        let s = stake(0);
        assert!(s.qualifies(0, 0));
        assert!(!s.qualifies(1, 10_000));
    }

    proptest! {
        /// Whatever sequence of operations runs, locked + pending never exceeds amount.
        #[test]
        fn locked_and_pending_never_exceed_amount(
            ops in proptest::collection::vec((0u8..6, 0u64..1_000), 1..64)
        ) {
            let mut s = stake(0);
            let mut bonds: Vec<u64> = Vec::new();
            for (op, v) in ops {
                let _ = match op {
                    0 => s.deposit(v),
                    1 => s.lock(v).map(|_| bonds.push(v)),
                    2 => match bonds.pop() { Some(b) => s.unlock(b), None => Ok(()) },
                    3 => match bonds.pop() { Some(b) => s.slash(b, b / 2), None => Ok(()) },
                    4 => s.request_unstake(v, 0, 0),
                    _ => s.withdraw(0).map(|_| ()),
                };
                prop_assert!(s.locked + s.unstake_pending <= s.amount);
                prop_assert_eq!(s.locked, bonds.iter().sum::<u64>());
            }
        }

        #[test]
        fn qualification_matches_rate(completed in 0u32..1_000_000, rejected in 0u32..1_000_000, bps in 0u16..=10_000) {
            let mut s = stake(0);
            s.completed = completed;
            s.rejected = rejected;
            let total = f64::from(completed) + f64::from(rejected);
            let rate_ok = total == 0.0 || f64::from(rejected) / total <= f64::from(bps) / 10_000.0 + 1e-12;
            let exact = u128::from(rejected) * 10_000 <= u128::from(bps) * (u128::from(completed) + u128::from(rejected));
            prop_assert_eq!(s.qualifies(0, bps), exact);
            if exact { prop_assert!(rate_ok); }
        }
    }
}

use crate::state::Task;
use anchor_lang::prelude::*;

/// An employer's public record in one market, read by contributors before
/// they take work. PDA `["employer", market, employer]`, created with the
/// employer's first task. It is never closed: `tasks_posted` is the next task
/// id, so a closed task's address can never be reused.
#[account]
#[derive(InitSpace)]
pub struct Employer {
    /// The market the record is kept in.
    pub market: Pubkey,
    /// Whose record this is.
    pub employer: Pubkey,
    /// Tasks created so far; the next task id.
    pub tasks_posted: u64,
    /// Submissions the employer approved.
    pub approved: u64,
    /// Submissions the employer rejected (and Preimage commitments never revealed right).
    pub rejected: u64,
    /// Submissions paid by `settle_work` because the employer stayed silent.
    pub auto_settled: u64,
    /// Leases that expired on this employer's tasks.
    pub leases_expired: u64,
    /// Canonical bump of this PDA.
    pub bump: u8,
}

impl Employer {
    /// True when this is the record of `task`'s employer in `task`'s market.
    pub fn records(&self, task: &Task) -> bool {
        self.market == task.market && self.employer == task.employer
    }
}

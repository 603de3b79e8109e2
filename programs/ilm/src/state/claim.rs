use crate::error::IlmError;
use anchor_lang::prelude::*;

#[derive(AnchorSerialize, AnchorDeserialize, Clone, Copy, Debug, PartialEq, Eq, InitSpace)]
pub enum ClaimStatus {
    /// Holds a slot; work not yet submitted.
    Leased,
    /// Preimage verifier: answer committed, not yet revealed.
    Committed,
    /// Waiting for the employer's decision or for settlement.
    Submitted,
    /// Paid (approved, settled, revealed right, or every attested unit).
    Paid,
    /// Refused by the employer, or a Preimage commitment never revealed right.
    Rejected,
    /// Lease ran out without a submission (slash_bps of the bond slashed,
    /// unless a vault was frozen or the claim was an Attested one already paid).
    Expired,
    /// Given back by the contributor before expiry.
    Abandoned,
    /// Proven (a right Preimage reveal) while the vault or the payee account
    /// was frozen: owed, paid by `settle_work` once the transfer can go through.
    Verified,
}

/// One contributor's lease on one task. PDA `["claim", task, contributor]`.
/// It outlives its outcome (status `Paid`, `Rejected`, ...) until the task is
/// closed, so the same contributor can never claim or be paid twice.
#[account]
#[derive(InitSpace)]
pub struct Claim {
    /// The task the lease is on.
    pub task: Pubkey,
    /// Who holds the lease and is paid.
    pub contributor: Pubkey,
    /// Where the claim is in its lifecycle.
    pub status: ClaimStatus,
    /// Stake locked by this claim.
    pub bond: u64,
    /// After this time a claim without submission can be expired by anyone.
    pub lease_expires_at: i64,
    /// Preimage verifier: commitment to the answer.
    pub commitment: [u8; 32],
    /// Preimage verifier: slot of the commitment (the reveal must come later).
    pub committed_slot: u64,
    /// Hash of the delivered work.
    pub result_hash: [u8; 32],
    /// When the work was submitted (Review verifier); the review window starts here.
    pub submitted_at: i64,
    /// Attested verifier: units already paid.
    pub paid_units: u64,
    /// Who paid this account's rent (the contributor or a sponsor); `close_claim` returns it there.
    pub rent_payer: Pubkey,
    /// Taken without a bond, in one of the task's `newcomer_slots`.
    pub newcomer: bool,
    /// Canonical bump of this PDA.
    pub bump: u8,
}

impl Claim {
    /// Leased (or committed) and still inside the lease.
    pub fn require_working(&self, now: i64) -> Result<()> {
        require!(
            matches!(self.status, ClaimStatus::Leased | ClaimStatus::Committed),
            IlmError::InvalidClaimState
        );
        require!(now < self.lease_expires_at, IlmError::LeaseExpired);
        Ok(())
    }

    /// When the employer's review of this submission ends.
    pub fn review_ends(&self, task: &crate::state::Task) -> Result<i64> {
        self.submitted_at
            .checked_add(task.review_secs)
            .ok_or_else(|| error!(IlmError::MathOverflow))
    }

    pub fn require_submitted(&self) -> Result<()> {
        require!(
            self.status == ClaimStatus::Submitted,
            IlmError::InvalidClaimState
        );
        Ok(())
    }
}

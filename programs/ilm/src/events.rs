//! One event per state change; the CLI and indexers read them back from logs.
use anchor_lang::prelude::*;

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketCreated {
    pub market: Pubkey,
    pub authority: Pubkey,
    pub stake_mint: Pubkey,
    pub fee_bps: u16,
    /// What attestations for this market sign (differs per deployment).
    pub domain: [u8; 32],
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MarketUpdated {
    pub market: Pubkey,
    pub paused: bool,
    pub fee_bps: u16,
    pub slash_bps: u16,
    pub min_stake: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Staked {
    pub market: Pubkey,
    pub contributor: Pubkey,
    pub amount: u64,
    pub total: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnstakeRequested {
    pub market: Pubkey,
    pub contributor: Pubkey,
    pub amount: u64,
    pub available_at: i64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StakeWithdrawn {
    pub market: Pubkey,
    pub contributor: Pubkey,
    pub amount: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskCreated {
    pub task: Pubkey,
    pub market: Pubkey,
    pub employer: Pubkey,
    pub task_id: u64,
    pub mint: Pubkey,
    pub reward: u64,
    pub max_completions: u32,
    pub deposited: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskFunded {
    pub task: Pubkey,
    pub added_completions: u32,
    pub deposited: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskCancelled {
    pub task: Pubkey,
    pub refunded: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskClosed {
    pub task: Pubkey,
    pub refunded: u64,
    pub fees_paid: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeesCollected {
    pub task: Pubkey,
    pub amount: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TaskClaimed {
    pub task: Pubkey,
    pub claim: Pubkey,
    pub contributor: Pubkey,
    pub bond: u64,
    pub lease_expires_at: i64,
    /// Who paid the claim's rent.
    pub rent_payer: Pubkey,
    /// Taken without a bond, in one of the task's newcomer slots.
    pub newcomer: bool,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimAbandoned {
    pub task: Pubkey,
    pub contributor: Pubkey,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimExpired {
    pub task: Pubkey,
    pub contributor: Pubkey,
    pub slashed: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkSubmitted {
    pub task: Pubkey,
    pub contributor: Pubkey,
    pub result_hash: [u8; 32],
    pub uri: String,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkPaid {
    pub task: Pubkey,
    pub contributor: Pubkey,
    /// Completions paid (units for an Attested task, else 1).
    pub units: u32,
    pub amount: u64,
    pub fee: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkRejected {
    pub task: Pubkey,
    pub contributor: Pubkey,
    pub reason_hash: [u8; 32],
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClaimClosed {
    pub claim: Pubkey,
    pub contributor: Pubkey,
    /// Where the rent went.
    pub rent_payer: Pubkey,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AnswerCommitted {
    pub task: Pubkey,
    pub contributor: Pubkey,
    pub commitment: [u8; 32],
}

/// A Preimage task's employer published its salt: reveals are open until
/// `reveals_end` (`deadline + 2 × review_secs`).
#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RevealsOpened {
    pub task: Pubkey,
    pub salt: [u8; 32],
    pub reveals_end: i64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootPublished {
    pub task: Pubkey,
    pub root: [u8; 32],
    pub leaf_count: u32,
    pub total: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BitmapInitialized {
    pub task: Pubkey,
    pub shard: u16,
    pub leaves: u32,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeafClaimed {
    pub task: Pubkey,
    pub index: u32,
    pub recipient: Pubkey,
    pub amount: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClawedBack {
    pub task: Pubkey,
    pub refunded: u64,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BitmapClosed {
    pub bitmap: Pubkey,
    pub payer: Pubkey,
}

#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StakeClosed {
    pub market: Pubkey,
    pub contributor: Pubkey,
    /// Where the rent went.
    pub rent_payer: Pubkey,
}

/// Lamports moved from a sponsor's pool back to the sponsor.
#[event]
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SponsorPoolWithdrawn {
    pub sponsor: Pubkey,
    pub amount: u64,
    /// Lamports the pool still holds.
    pub left: u64,
}

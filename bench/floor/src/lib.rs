//! The floor: each of ilm's payout paths with only its irreducible work, no
//! Anchor, no allocation, no copies. `make bench` runs it in the same LiteSVM
//! run as `ilm.so` and prints ilm's compute units against it.
//!
//! Every path takes the same accounts in the same order as its ilm
//! instruction and does what no implementation can skip: the owner, type
//! and key checks that tie the accounts together, the same state reads and
//! writes, the same SHA-256 inputs (commitment and salted answer, attestation
//! digest, Merkle leaf and nodes), the same ed25519 precompile introspection,
//! the same PDA-signed `transfer_checked` CPI and events of the same size. State
//! accounts are the floor's own, with fixed offsets (`layout`), written by
//! the benchmark. The floor is a yardstick, not a product: it has no
//! instructions to create or close anything.
#![cfg_attr(target_os = "solana", no_std)]

// Compiled on the host too, so that clippy sees them; only the SBF build
// exports the entrypoint.
#[cfg_attr(not(target_os = "solana"), allow(dead_code))]
mod program;
#[cfg_attr(not(target_os = "solana"), allow(dead_code))]
mod raw;

/// Program ids the floor compares keys with (checked against the SDK's by the benchmark's tests).
pub mod ids {
    pub const TOKEN: [u8; 32] = [
        6, 221, 246, 225, 215, 101, 161, 147, 217, 203, 225, 70, 206, 235, 121, 172, 28, 180, 133,
        237, 95, 91, 55, 145, 58, 140, 245, 133, 126, 255, 0, 169,
    ];
    pub const TOKEN_2022: [u8; 32] = [
        6, 221, 246, 225, 238, 117, 143, 222, 24, 66, 93, 188, 228, 108, 205, 218, 182, 26, 252,
        77, 131, 185, 13, 39, 254, 189, 249, 40, 216, 161, 139, 252,
    ];
    pub const ED25519: [u8; 32] = [
        3, 125, 70, 214, 124, 147, 251, 190, 18, 249, 66, 143, 131, 141, 64, 255, 5, 112, 116, 73,
        39, 244, 138, 100, 252, 202, 112, 68, 128, 0, 0, 0,
    ];
    pub const INSTRUCTIONS_SYSVAR: [u8; 32] = [
        6, 167, 213, 23, 24, 123, 209, 102, 53, 218, 212, 4, 85, 253, 194, 192, 193, 36, 198, 143,
        33, 86, 117, 165, 219, 186, 203, 95, 8, 0, 0, 0,
    ];
}

/// Byte offsets of the floor's state accounts, shared with the benchmark
/// that writes them.
pub mod layout {
    pub const TASK_DISC: &[u8; 8] = b"floortsk";
    pub const CLAIM_DISC: &[u8; 8] = b"floorclm";
    pub const STAKE_DISC: &[u8; 8] = b"floorstk";
    pub const EMPLOYER_DISC: &[u8; 8] = b"floorEMP";
    pub const MARKET_DISC: &[u8; 8] = b"floormkt";
    pub const BITMAP_DISC: &[u8; 8] = b"floorbmp";

    /// Task: the vault's authority is the floor's PDA of
    /// `["task", market, employer, task_id LE]` with `bump`.
    pub mod task {
        pub const MARKET: usize = 8;
        pub const EMPLOYER: usize = 40;
        pub const MINT: usize = 72;
        pub const VAULT: usize = 104;
        pub const TASK_ID: usize = 136;
        pub const BUMP: usize = 144;
        pub const THRESHOLD: usize = 145;
        pub const ATTESTER_COUNT: usize = 146;
        /// 0 while open (claims allowed), anything else once cancelled.
        pub const STATUS: usize = 147;
        pub const REWARD: usize = 152;
        pub const FEE_BPS: usize = 160;
        pub const ACTIVE: usize = 168;
        pub const COMPLETIONS: usize = 176;
        pub const MAX_COMPLETIONS: usize = 184;
        pub const FEES_OWED: usize = 192;
        pub const REVIEW_SECS: usize = 200;
        pub const ANSWER_HASH: usize = 208;
        pub const EMPLOYER_SALT: usize = 240;
        pub const OPENED_AT: usize = 272;
        pub const REVEALS_END: usize = 280;
        pub const ROOT: usize = 288;
        pub const LEAF_COUNT: usize = 320;
        pub const CLAIMED: usize = 328;
        pub const TOTAL: usize = 336;
        pub const ATTESTERS: usize = 344;
        pub const NEWCOMERS: usize = 344 + 4 * 32;
        pub const LEN: usize = NEWCOMERS + 8;
    }

    pub mod claim {
        pub const TASK: usize = 8;
        pub const CONTRIBUTOR: usize = 40;
        pub const STATUS: usize = 72;
        pub const SUBMITTED_AT: usize = 80;
        pub const BOND: usize = 88;
        pub const COMMITMENT: usize = 96;
        pub const COMMITTED_SLOT: usize = 128;
        pub const PAID_UNITS: usize = 136;
        pub const RESULT_HASH: usize = 144;
        pub const LEASE_EXPIRES_AT: usize = 176;
        pub const NEWCOMER: usize = 184;
        pub const LEN: usize = 192;
    }

    pub mod stake {
        pub const MARKET: usize = 8;
        pub const CONTRIBUTOR: usize = 40;
        pub const LOCKED: usize = 72;
        pub const COMPLETED: usize = 80;
        pub const EARNED: usize = 88;
        pub const LIVE_CLAIMS: usize = 96;
        pub const LEN: usize = 104;
    }

    pub mod employer {
        pub const MARKET: usize = 8;
        pub const EMPLOYER: usize = 40;
        pub const APPROVED: usize = 72;
        pub const AUTO_SETTLED: usize = 80;
        pub const LEN: usize = 88;
    }

    pub mod market {
        pub const DOMAIN: usize = 8;
        pub const LEN: usize = 40;
    }

    pub mod bitmap {
        pub const TASK: usize = 8;
        pub const SHARD: usize = 40;
        pub const BITS: usize = 48;
    }

    /// Claim statuses, as ilm orders the ones the payouts read.
    pub const LEASED: u8 = 1;
    pub const SUBMITTED: u8 = 2;
    pub const COMMITTED: u8 = 3;
    pub const PAID: u8 = 4;

    /// The first byte of the instruction data names the path; the rest is
    /// ilm's own argument encoding for it (Borsh).
    pub const APPROVE: u8 = 0;
    pub const SETTLE: u8 = 1;
    pub const REVEAL: u8 = 2;
    pub const ATTESTED: u8 = 3;
    pub const MERKLE: u8 = 4;
}

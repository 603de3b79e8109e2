//! Rust client for the ilm program: PDA helpers mirroring the program's seeds,
//! typed instruction builders, account and event decoding, answer commitments,
//! attestation signing, Merkle payout trees, token helpers and one [`ledger::Ledger`]
//! over an embedded LiteSVM or any Solana RPC endpoint. It builds on the program
//! crate itself (`no-entrypoint`), so account layouts and arguments never drift.
pub mod accounts;
pub mod answer;
pub mod attest;
pub mod events;
pub mod ix;
pub mod ledger;
pub mod merkle;
pub mod pda;
pub mod token;

pub use ilm;
pub use ilm::error::IlmError;
pub use ilm::state::{
    Claim, ClaimStatus, Employer, Market, MarketParams, Qualification, Stake, Task, TaskStatus,
    Verifier,
};

/// The on-chain program id.
pub const PROGRAM_ID: anchor_lang::prelude::Pubkey = ilm::ID;

/// The number a program error carries in `InstructionError::Custom`.
pub fn error_code(e: IlmError) -> u32 {
    anchor_lang::error::ERROR_CODE_OFFSET + e as u32
}

//! Rust client for the ilm program: PDA helpers mirroring the program's seeds,
//! typed instruction builders, account and event decoding, answer commitments,
//! attestation signing, Merkle payout trees, the proofs and attestation file
//! formats and token helpers: everything needed to build and read ilm
//! transactions, and nothing that sends them (no LiteSVM, no HTTP client; the
//! `ilm-ledger` crate sends). It builds on the program crate itself
//! (`no-entrypoint`), so account layouts and arguments never drift.
//!
//! Building transactions in your own service: a contributor claims an
//! employer's first task, and once the work is submitted the employer pays it
//! to any token account the contributor owns.
//!
//! ```
//! use anchor_lang::prelude::Pubkey;
//! use ilm_client::ix::{self, MarketKeys, TaskKeys};
//! use ilm_client::token;
//! use solana_keypair::Keypair;
//! use solana_signer::Signer;
//! use solana_transaction::Transaction;
//!
//! let (authority, employer, contributor) = (Keypair::new(), Keypair::new(), Keypair::new());
//! let (reward_mint, stake_mint) = (Pubkey::new_unique(), Pubkey::new_unique());
//! let market = MarketKeys::new(authority.pubkey(), 0, stake_mint, token::TOKEN_PROGRAM);
//! let task = TaskKeys::new(market.market, employer.pubkey(), 0, reward_mint, token::TOKEN_PROGRAM);
//! let blockhash = solana_hash::Hash::default(); // getLatestBlockhash on a cluster
//! let claim = ix::claim_task(&task, &contributor.pubkey(), &contributor.pubkey());
//! let tx = Transaction::new_signed_with_payer(
//!     &[claim],
//!     Some(&contributor.pubkey()),
//!     &[&contributor],
//!     blockhash,
//! );
//! assert!(tx.verify().is_ok());
//! let to = token::ata(&contributor.pubkey(), &reward_mint, &token::TOKEN_PROGRAM);
//! let approve = ix::approve_work(&task, &contributor.pubkey(), &to);
//! assert_eq!(approve.program_id, ilm_client::PROGRAM_ID);
//! ```
pub mod accounts;
pub mod amount;
pub mod answer;
pub mod attest;
pub mod events;
pub mod files;
pub mod ix;
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

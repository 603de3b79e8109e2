//! Pure checks over bytes: no accounts (hashing is the sha256 syscall on chain,
//! the sha2 crate on the host), unit- and property-tested on the host.
pub mod answer;
pub mod bitmap;
pub mod ed25519;
pub mod merkle;
pub mod mint_extensions;

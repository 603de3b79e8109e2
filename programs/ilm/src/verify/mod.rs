//! Pure checks over bytes: no accounts, no syscalls, unit- and property-tested on the host.
pub mod answer;
pub mod bitmap;
pub mod ed25519;
pub mod merkle;
pub mod mint_extensions;

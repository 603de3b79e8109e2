//! Pure checks over bytes: no accounts, no syscalls, unit- and property-tested on the host.
pub mod mint_extensions;

//! One file per command group, each a thin layer over `ilm-client`.
pub mod attest;
pub mod demo;
pub mod ledger;
pub mod market;
pub mod merkle;
pub mod mint;
pub mod review;
pub mod sponsor;
pub mod stake;
pub mod task;
pub mod work;

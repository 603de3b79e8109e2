//! Program accounts. Each type keeps its own invariants in its methods so the
//! instruction handlers stay thin.
pub mod bitmap;
pub mod claim;
pub mod employer;
pub mod market;
pub mod stake;
pub mod task;

pub use bitmap::*;
pub use claim::*;
pub use employer::*;
pub use market::*;
pub use stake::*;
pub use task::*;

//! Preimage tasks: the answer hash an employer publishes and the commitment a
//! contributor sends before revealing. The program's own functions, so the
//! bytes always match what it checks.
pub use ilm::verify::answer::{answer_hash, commitment, salt_hash};

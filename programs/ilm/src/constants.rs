//! Seeds, limits and domain-separation tags. Clients mirror these through
//! `ilm-client::pda`, which re-exports them, so the two can never drift.

/// `["market", authority, market_id u64 LE]`
pub const MARKET_SEED: &[u8] = b"market";
/// `["stake_vault", market]`: the market's stake token account, owned by the market PDA.
pub const STAKE_VAULT_SEED: &[u8] = b"stake_vault";
/// `["task", market, employer, task_id u64 LE]`: the employer key in the seeds
/// makes task creation impossible to front-run.
pub const TASK_SEED: &[u8] = b"task";
/// `["vault", task]`: the task's escrow token account, owned by the task PDA.
pub const VAULT_SEED: &[u8] = b"vault";
/// `["stake", market, contributor]`
pub const STAKE_SEED: &[u8] = b"stake";
/// `["claim", task, contributor]`: one claim per contributor per task.
pub const CLAIM_SEED: &[u8] = b"claim";
/// `["employer", market, employer]`: the requester's public record.
pub const EMPLOYER_SEED: &[u8] = b"employer";

/// Basis-point denominator (100 % = 10,000 bps).
pub const BPS_DENOMINATOR: u16 = 10_000;
/// Protocol fee ceiling: 10 %.
pub const MAX_FEE_BPS: u16 = 1_000;
/// Largest attester set a market may hold.
pub const MAX_ATTESTERS: usize = 8;
/// Longest task spec URI, in bytes.
pub const MAX_SPEC_URI_LEN: usize = 128;
/// Longest work-result URI, in bytes (emitted in `WorkSubmitted`, not stored).
pub const MAX_RESULT_URI_LEN: usize = 200;
/// `["bitmap", task, shard u16 LE]`: one bit per Merkle leaf.
pub const BITMAP_SEED: &[u8] = b"bitmap";

/// Domain tag of a Preimage task's answer hash: `sha256(tag || task || answer)`.
pub const ANSWER_TAG: &[u8] = b"ilm:answer:v1";
/// Domain tag of a commitment: `sha256(tag || task || contributor || answer || salt)`.
pub const COMMIT_TAG: &[u8] = b"ilm:commit:v1";
/// Longest answer a Preimage reveal accepts, in bytes.
pub const MAX_ANSWER_LEN: usize = 512;
/// Domain tag that starts every attestation message (16 bytes).
pub const ATTEST_TAG: &[u8; 16] = b"ilm:attest:v1\0\0\0";
/// Prefix of a Merkle leaf hash: a leaf can never pass for an inner node.
pub const MERKLE_LEAF_PREFIX: &[u8] = &[0];
/// Prefix of a Merkle inner-node hash.
pub const MERKLE_NODE_PREFIX: &[u8] = &[1];
/// Deepest Merkle proof accepted (2^32 leaves).
pub const MAX_PROOF_LEN: usize = 32;
/// Leaves per bitmap shard: 65,536 bits = 8 KiB, under the 10,240-byte init limit.
pub const LEAVES_PER_SHARD: u32 = 65_536;

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
/// `["sponsor", sponsor]`: a sponsor's pool, a system account holding the
/// lamports that `stake` and `claim_task` draw rent from when the sponsor
/// signs; this program signs for it, and only the sponsor withdraws.
pub const SPONSOR_SEED: &[u8] = b"sponsor";

/// Basis-point denominator (100 % = 10,000 bps).
pub const BPS_DENOMINATOR: u16 = 10_000;
/// Protocol fee ceiling: 10 %.
pub const MAX_FEE_BPS: u16 = 1_000;
/// Largest attester set a market may hold.
pub const MAX_ATTESTERS: usize = 8;
/// Highest attester threshold: the most signatures that still fit a
/// 1,232-byte `submit_attested` transaction with a separate fee payer and a
/// priority fee, packed in one precompile instruction or one per instruction
/// (`tests/tests/sizes.rs` measures both at the edge).
pub const MAX_ATTESTER_THRESHOLD: u8 = 4;
/// Longest task spec URI, in bytes.
pub const MAX_SPEC_URI_LEN: usize = 128;
/// Longest work-result URI, in bytes (emitted in `WorkSubmitted`, not stored).
pub const MAX_RESULT_URI_LEN: usize = 200;
/// `["bitmap", task, shard u16 LE]`: one bit per Merkle leaf.
pub const BITMAP_SEED: &[u8] = b"bitmap";

/// Domain tag of a Preimage task's answer hash:
/// `sha256(tag || task || salt || answer)`, salted by the employer's secret.
pub const ANSWER_TAG: &[u8] = b"ilm:answer:v2";
/// Domain tag of the employer's salt commitment: `sha256(tag || task || salt)`.
pub const SALT_TAG: &[u8] = b"ilm:salt:v1";
/// Domain tag of a commitment: `sha256(tag || task || contributor || answer || salt)`.
pub const COMMIT_TAG: &[u8] = b"ilm:commit:v1";
/// Longest answer a Preimage reveal accepts, in bytes.
pub const MAX_ANSWER_LEN: usize = 512;
/// Domain tag that starts every attested statement (16 bytes); the message
/// signed is its sha256 (`verify::ed25519::attestation_message`).
pub const ATTEST_TAG: &[u8; 16] = b"ilm:attest:v3\0\0\0";
/// Domain tag of a market's `domain`: `sha256(tag || market || slot || unix_timestamp)`
/// at creation, so attestations for one deployment never pay on another.
pub const DOMAIN_TAG: &[u8] = b"ilm:domain:v1";
/// Prefix of a Merkle leaf hash: a leaf can never pass for an inner node.
pub const MERKLE_LEAF_PREFIX: &[u8] = &[0];
/// Prefix of a Merkle inner-node hash.
pub const MERKLE_NODE_PREFIX: &[u8] = &[1];
/// Deepest Merkle proof accepted: 20 levels, 1,048,576 leaves per task. A
/// claim opening the recipient's token account with a priority fee and a
/// separate fee payer still fits a 1,232-byte transaction at this depth, not
/// one deeper (`tests/tests/sizes.rs`).
pub const MAX_PROOF_LEN: usize = 20;
/// Most leaves a published root may have: every proof at most [`MAX_PROOF_LEN`].
pub const MAX_MERKLE_LEAVES: u32 = 1 << MAX_PROOF_LEN;
/// Leaves per bitmap shard: 65,536 bits = 8 KiB, under the 10,240-byte init limit.
pub const LEAVES_PER_SHARD: u32 = 65_536;

/// Longest unstake cooldown a market may set: 30 days.
pub const MAX_COOLDOWN_SECS: i64 = 30 * 86_400;
/// Longest lease a task may grant: 30 days.
pub const MAX_LEASE_SECS: i64 = 30 * 86_400;
/// Longest review (and Preimage reveal) window: 30 days.
pub const MAX_REVIEW_SECS: i64 = 30 * 86_400;
/// Furthest deadline a task may set, from its creation: 1 year.
pub const MAX_TASK_SECS: i64 = 366 * 86_400;
/// Shortest reveal window of a Preimage task (its `review_secs`): 1 hour.
pub const MIN_REVEAL_SECS: i64 = 3_600;
/// Time every published Merkle root leaves its recipients before the employer
/// may claw back or close: 1 day, even when it is published at the deadline.
pub const MIN_CLAIM_WINDOW_SECS: i64 = 86_400;
/// Mints with a freeze authority a market may accept (its allow-list).
pub const MAX_FREEZABLE_MINTS: usize = 4;

//! Every failure the program reports. Each message says what was wrong and,
//! where there is one, what the caller can do about it.
use anchor_lang::prelude::*;

#[error_code]
pub enum IlmError {
    #[msg("Fee above the 1,000 bps (10%) ceiling: lower fee_bps")]
    FeeTooHigh,
    #[msg("Basis points above 10,000 (100%): lower the value")]
    BpsTooHigh,
    #[msg("Attester set invalid: at most 8 distinct keys, 1 <= threshold <= keys and threshold <= 4, the signatures that fit in one transaction (threshold 0 only with no keys)")]
    InvalidAttesterSet,
    #[msg("Duration must not be negative")]
    NegativeDuration,
    #[msg("Market is paused: no new stakes, tasks or claims until its authority unpauses it")]
    MarketPaused,
    #[msg("Amount must be greater than zero")]
    ZeroAmount,
    #[msg("Arithmetic overflow: the amounts are too large")]
    MathOverflow,
    #[msg("Not enough free stake: part of it is locked as bonds or requested for withdrawal")]
    InsufficientFreeStake,
    #[msg("No unstake request: call request_unstake first")]
    NoUnstakeRequest,
    #[msg("Unstake cooldown not over: wait until the stake's unstake_ready_at")]
    CooldownActive,
    #[msg("Verifier parameters invalid: Preimage needs a non-zero answer_hash and salt_hash, no salt yet and review_secs >= 1 hour (its reveal window); Attested a market with attesters; Merkle starts empty (publish_root fills it)")]
    InvalidVerifier,
    #[msg("Task id must equal the employer's tasks_posted counter (next id in sequence)")]
    UnexpectedTaskId,
    #[msg("Deadline must be in the future")]
    DeadlineInPast,
    #[msg("Lease duration must be greater than zero")]
    ZeroLease,
    #[msg("Spec URI longer than 128 bytes")]
    SpecUriTooLong,
    #[msg("Result URI longer than 200 bytes")]
    ResultUriTooLong,
    #[msg("Mint has a Token-2022 extension ilm does not accept: only metadata, group, interest-bearing, scaled-UI and mint-close-authority ones are")]
    UnsupportedMintExtension,
    #[msg("Mint account data is malformed")]
    InvalidMintData,
    #[msg("Task is not open (cancelled or closed)")]
    TaskNotOpen,
    #[msg("Task deadline has passed")]
    TaskExpired,
    #[msg("No free completion slot: every slot is paid or taken by a live claim")]
    NoFreeSlot,
    #[msg("Stake below the market minimum: stake more before claiming")]
    StakeBelowMinimum,
    #[msg("Qualification not met: too few completed tasks or too high a rejection rate")]
    NotQualified,
    #[msg("The employer cannot claim its own task")]
    SelfDealing,
    #[msg("Claim is not in a state that allows this action")]
    InvalidClaimState,
    #[msg("Lease has expired: the claim can only be expired now")]
    LeaseExpired,
    #[msg("Lease has not expired yet")]
    LeaseNotExpired,
    #[msg("Too early to settle: wait until submitted_at + review_secs (for a Preimage commitment the employer never opened reveals for: deadline + review_secs)")]
    ReviewWindowOpen,
    #[msg("This task is verified by another instruction, not by human review")]
    WrongVerifier,
    #[msg("Task still has live claims: wait for them to be settled, rejected or expired")]
    LiveClaims,
    #[msg("Task cannot be closed yet: wait until deadline + review_secs (and a day after a Merkle root was published), or cancel it first")]
    TaskNotFinished,
    #[msg("No fees to collect")]
    NothingToCollect,
    #[msg("Only the task's employer may do this")]
    NotTaskEmployer,
    #[msg("Stake account does not belong to this claim's contributor in this task's market")]
    StakeMismatch,
    #[msg("Employer record does not belong to this task's employer and market")]
    EmployerMismatch,
    #[msg("The claim's task still exists: claims close only after their task is closed")]
    TaskStillOpen,
    #[msg("Answer longer than 512 bytes")]
    AnswerTooLong,
    #[msg(
        "Reveal does not match the commitment: wrong answer or salt, or someone else's commitment"
    )]
    WrongCommitment,
    #[msg("Wrong answer: its hash differs from the task's answer_hash")]
    WrongAnswer,
    #[msg("Reveal in the commit slot: reveal at least one slot after committing")]
    RevealTooEarly,
    #[msg(
        "No ed25519 precompile instruction right before this one: add the attesters' signatures"
    )]
    MissingAttestation,
    #[msg("Malformed or spoofed ed25519 instruction: every offset must point inside it (indices u16::MAX)")]
    InvalidAttestation,
    #[msg("An attester signed a different message (program, market, market domain, task, contributor, units, result or expiry)")]
    AttestationMessageMismatch,
    #[msg("Signer is not in the task's attester set (the market's when the task was created)")]
    UnknownAttester,
    #[msg("The same attester signed twice")]
    DuplicateAttester,
    #[msg("Too few attester signatures for the task's threshold (the market's when the task was created)")]
    AttestationThresholdNotMet,
    #[msg("Attestation expired: ask the attesters for a fresh one")]
    AttestationExpired,
    #[msg("Cumulative units must exceed the units already paid")]
    StaleAttestation,
    #[msg("Merkle root already published: it cannot be replaced, and its payouts cannot be cancelled (clawback after the deadline)")]
    RootAlreadyPublished,
    #[msg("No Merkle root published yet")]
    RootNotPublished,
    #[msg("Merkle total exceeds what the task escrowed")]
    MerkleTotalTooLarge,
    #[msg("Leaf index outside the tree (index >= leaf_count)")]
    LeafIndexOutOfRange,
    #[msg("Bitmap shard does not cover this leaf index")]
    WrongShard,
    #[msg("Invalid Merkle proof for this index, recipient and amount")]
    InvalidProof,
    #[msg("Leaf already paid")]
    AlreadyClaimed,
    #[msg(
        "Clawback only after the task deadline, and at least 1 day after the root was published"
    )]
    ClawbackTooEarly,
    #[msg("The same account was passed for two roles: the vault cannot also be the payee")]
    DuplicateAccount,
    #[msg("Duration out of range: cooldown, lease and review at most 30 days, deadline at most 366 days ahead")]
    DurationOutOfRange,
    #[msg("At most 4 freezable mints per market")]
    TooManyFreezableMints,
    #[msg("Mint has a freeze authority the market has not allow-listed: its holder could freeze the escrow (ask the market authority to add it to freezable_mints)")]
    FreezableMint,
    #[msg("Bond must be greater than zero: a free lease lets anyone hold every slot")]
    ZeroBond,
    #[msg("Review window closed: the submission can only be settled (paid) now")]
    ReviewWindowClosed,
    #[msg("Too late to claim: a full lease (lease_secs) no longer fits before the deadline")]
    ClaimTooLate,
    #[msg("Reveals are not open: the employer publishes its salt with open_reveals after the deadline")]
    RevealsNotOpen,
    #[msg("Reveals open only after the deadline (commits are accepted until then)")]
    RevealsOpenTooEarly,
    #[msg("Reveal window over: reveals end at deadline + 2 x review_secs")]
    RevealWindowClosed,
    #[msg("Reveals are already open")]
    RevealsAlreadyOpen,
    #[msg("Salt does not match the task's salt_hash")]
    WrongSalt,
    #[msg("Too late to open reveals: the employer was silent past deadline + review_secs, so every committed claim is paid by settle_work")]
    RevealDeadlinePassed,
    #[msg("The lease must fit before the deadline: lease_secs is longer than the time left, so nobody could ever claim")]
    LeaseLongerThanTask,
    #[msg("More than 1,048,576 (2^20) leaves: a deeper proof would not fit in a transaction; split the payouts over several tasks")]
    TooManyLeaves,
    #[msg("The stake still holds tokens, a pending withdrawal, a bond or a live claim: finish your claims, request_unstake, wait the cooldown and withdraw_stake first")]
    StakeNotEmpty,
    #[msg("A stake record with rejections, expiries or abandons stays open: its marks stay with the contributor (its sponsor may close it while it has no paid completion)")]
    StakeHasMarks,
    #[msg("No lease without a bond is free on this task (its newcomer_slots are held): stake the task's bond and the market minimum, or try again later")]
    NewcomerSlotsTaken,
    #[msg("Without a bond a contributor holds one lease at a time, and none once its expiries and abandons outnumber its paid completions: stake the task's bond to claim")]
    NewcomerLeaseLimit,
    #[msg("Staking tokens needs the contributor's token account of the stake mint (amount 0, which only opens the record, needs none)")]
    NoStakeSource,
    #[msg("Only the contributor, or the rent payer (or the sponsor whose pool paid) of a record with no paid completions, may close a stake record")]
    NotStakeCloser,
    #[msg("Newcomer slots are for Review and Attested tasks: on a Preimage task a guess without a bond would cost nothing, and Merkle tasks take no claims")]
    NewcomerSlotsNotAllowed,
    #[msg("The sponsor pool cannot pay this rent and keep its own rent-exempt minimum (890,880 lamports): fund the pool with a transfer to its address (`ilm sponsor fund`), or pay the rent from a signer")]
    SponsorPoolTooLow,
    #[msg("A withdrawal must leave the sponsor pool empty or holding at least its rent-exempt minimum (890,880 lamports), and cannot exceed its balance: withdraw everything or less")]
    SponsorPoolWithdrawal,
}

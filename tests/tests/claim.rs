//! claim_task, abandon_claim, expire_claim.
use anchor_lang::error::ErrorCode as Anchor;
use ilm_client::ix;
use ilm_client::{ClaimStatus, IlmError, Qualification};
use ilm_tests::*;
use solana_signer::Signer;

const STAKE: u64 = 150_000_000;
const BOND: u64 = 20_000_000;

#[test]
fn claim_task_ok_locks_bond_and_slot() {
    for flavor in [Flavor::Token, Flavor::Token2022] {
        let mut env = Env::new(flavor);
        let employer = env.user();
        let t = env.create_task(&employer, default_task(0));
        let u = env.staked_user(STAKE);
        env.claim(&t, &u);
        let c = env.claim_state(&t, &u.pubkey());
        assert_eq!(
            (c.task, c.contributor, c.status),
            (t.task, u.pubkey(), ClaimStatus::Leased)
        );
        assert_eq!((c.bond, c.lease_expires_at), (BOND, T0 + 3_600));
        assert_eq!(c.bump, ilm_client::pda::claim(&t.task, &u.pubkey()).1);
        assert_eq!(env.stake_state(&u.pubkey()).locked, BOND);
        assert_eq!(env.task_state(&t).active, 1);
    }
}

#[test]
fn a_lease_that_would_outlive_the_deadline_is_refused() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    let deadline = default_task(0).deadline;
    let lease = default_task(0).lease_secs;
    let u = env.staked_user(STAKE);
    // one second too late for a full lease: refused, nothing locked
    env.warp_to(deadline - lease + 1);
    env.fails(
        ix::claim_task(&t, &u.pubkey(), &u.pubkey()),
        &[&u],
        IlmError::ClaimTooLate,
    );
    assert_eq!(env.stake_state(&u.pubkey()).locked, 0);
    // exactly a full lease left: granted in full
    env.warp_to(deadline - lease);
    env.claim(&t, &u);
    assert_eq!(env.claim_state(&t, &u.pubkey()).lease_expires_at, deadline);
}

#[test]
fn double_claim_fails() {
    let (mut env, _, t, u) = leased(Flavor::Token);
    // the claim PDA exists: the system program refuses to create it again
    env.fails_with_error(
        ix::claim_task(&t, &u.pubkey(), &u.pubkey()),
        &[&u],
        InstructionError::Custom(0),
    );
    // also after abandoning: one claim per contributor per task
    env.ok(ix::abandon_claim(&t, &u.pubkey()), &[&u]);
    env.fails_with_error(
        ix::claim_task(&t, &u.pubkey(), &u.pubkey()),
        &[&u],
        InstructionError::Custom(0),
    );
    assert_eq!(env.task_state(&t).active, 0);
}

#[test]
fn claim_beyond_funded_slots_fails() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let mut args = default_task(0);
    args.max_completions = 1;
    let t = env.create_task(&employer, args);
    let a = env.staked_user(STAKE);
    let b = env.staked_user(STAKE);
    env.claim(&t, &a);
    env.fails(
        ix::claim_task(&t, &b.pubkey(), &b.pubkey()),
        &[&b],
        IlmError::NoFreeSlot,
    );
    // a paid slot stays taken
    env.submit(&t, &a);
    env.approve(&t, &employer, &a.pubkey());
    env.fails(
        ix::claim_task(&t, &b.pubkey(), &b.pubkey()),
        &[&b],
        IlmError::NoFreeSlot,
    );
    // funding opens a new one
    env.ok(
        ix::fund_task(&t, &env.wallet(&employer.pubkey()), 1),
        &[&employer],
    );
    env.claim(&t, &b);
}

#[test]
fn claim_checks_stake_and_qualification() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    let poor = env.staked_user(99_999_999); // below the 100-token minimum
    env.fails(
        ix::claim_task(&t, &poor.pubkey(), &poor.pubkey()),
        &[&poor],
        IlmError::StakeBelowMinimum,
    );
    // no stake record at all
    let nobody = env.user();
    env.fails_anchor(
        ix::claim_task(&t, &nobody.pubkey(), &nobody.pubkey()),
        &[&nobody],
        Anchor::AccountNotInitialized,
    );
    // a pending unstake does not count towards the minimum
    let leaving = env.staked_user(STAKE);
    env.ok(
        ix::request_unstake(&env.market, &leaving.pubkey(), 60_000_000),
        &[&leaving],
    );
    env.fails(
        ix::claim_task(&t, &leaving.pubkey(), &leaving.pubkey()),
        &[&leaving],
        IlmError::StakeBelowMinimum,
    );
    // a bond larger than the free stake
    let mut args = default_task(1);
    args.bond = STAKE + 1;
    let big = env.create_task(&employer, args);
    let u = env.staked_user(STAKE);
    env.fails(
        ix::claim_task(&big, &u.pubkey(), &u.pubkey()),
        &[&u],
        IlmError::InsufficientFreeStake,
    );
    // qualification: one completed task needed
    let mut args = default_task(2);
    args.qualification = Qualification {
        min_completed: 1,
        max_reject_bps: 10_000,
    };
    let qualified_only = env.create_task(&employer, args);
    env.fails(
        ix::claim_task(&qualified_only, &u.pubkey(), &u.pubkey()),
        &[&u],
        IlmError::NotQualified,
    );
    env.claim(&t, &u);
    env.submit(&t, &u);
    env.approve(&t, &employer, &u.pubkey());
    env.claim(&qualified_only, &u);
}

#[test]
fn claim_refused_for_high_rejection_rate() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    env.submit(&t, &u);
    env.ok(ix::reject_work(&t, &u.pubkey(), [1; 32]), &[&employer]);
    let mut args = default_task(1);
    args.qualification = Qualification {
        min_completed: 0,
        max_reject_bps: 5_000,
    };
    let strict = env.create_task(&employer, args);
    env.fails(
        ix::claim_task(&strict, &u.pubkey(), &u.pubkey()),
        &[&u],
        IlmError::NotQualified,
    );
}

#[test]
fn claim_checks_task_state_and_roles() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    env.stake(&employer, STAKE);
    let t = env.create_task(&employer, default_task(0));
    env.fails(
        ix::claim_task(&t, &employer.pubkey(), &employer.pubkey()),
        &[&employer],
        IlmError::SelfDealing,
    );
    let u = env.staked_user(STAKE);
    // someone else's stake record cannot back a claim
    let other = env.staked_user(STAKE);
    let ix = swap(
        ix::claim_task(&t, &u.pubkey(), &u.pubkey()),
        &t.stake(&u.pubkey()),
        &t.stake(&other.pubkey()),
    );
    env.fails_anchor(ix, &[&u], Anchor::ConstraintHasOne);
    // the market must be the task's (an unpaused twin market cannot stand in)
    let authority = env.authority.insecure_clone();
    let twin = ilm_client::ix::MarketKeys::new(
        authority.pubkey(),
        2,
        env.stake_mint,
        env.market.token_program,
    );
    env.ok(
        ix::create_market(&twin, default_params(env.fee_owner.pubkey())),
        &[&authority],
    );
    let ix = swap(
        ix::claim_task(&t, &u.pubkey(), &u.pubkey()),
        &t.market,
        &twin.market,
    );
    env.fails_anchor(ix, &[&u], Anchor::ConstraintAddress);
    let ix = swap(
        ix::claim_task(&t, &u.pubkey(), &u.pubkey()),
        &t.market,
        &env.stake_wallet(&u.pubkey()),
    );
    env.fails_anchor(ix, &[&u], Anchor::AccountOwnedByWrongProgram);
    // a paused market takes no new claims
    env.ok(
        ix::update_market(&env.market, default_params(env.fee_owner.pubkey()), true),
        &[&authority],
    );
    env.fails(
        ix::claim_task(&t, &u.pubkey(), &u.pubkey()),
        &[&u],
        IlmError::MarketPaused,
    );
    env.ok(
        ix::update_market(&env.market, default_params(env.fee_owner.pubkey()), false),
        &[&authority],
    );
    // not at or after the deadline
    env.warp_to(default_task(0).deadline);
    env.fails(
        ix::claim_task(&t, &u.pubkey(), &u.pubkey()),
        &[&u],
        IlmError::TaskExpired,
    );
}

#[test]
fn abandon_claim_ok_frees_slot_without_slash() {
    let (mut env, _, t, u) = leased(Flavor::Token);
    env.ok(ix::abandon_claim(&t, &u.pubkey()), &[&u]);
    let s = env.stake_state(&u.pubkey());
    assert_eq!((s.amount, s.locked, s.abandoned), (STAKE, 0, 1));
    assert_eq!(
        env.claim_state(&t, &u.pubkey()).status,
        ClaimStatus::Abandoned
    );
    assert_eq!(env.task_state(&t).active, 0);
}

#[test]
fn abandon_claim_checks() {
    let (mut env, _, t, u) = leased(Flavor::Token);
    // someone else cannot abandon it
    let other = env.staked_user(STAKE);
    let ix = swap(
        ix::abandon_claim(&t, &other.pubkey()),
        &t.claim(&other.pubkey()),
        &t.claim(&u.pubkey()),
    );
    env.fails_anchor(ix, &[&other], Anchor::ConstraintHasOne);
    // not after expiry: then it is an expiry, with its slash
    env.warp(3_600);
    env.fails(
        ix::abandon_claim(&t, &u.pubkey()),
        &[&u],
        IlmError::LeaseExpired,
    );
    env.warp(-3_600);
    env.ok(ix::abandon_claim(&t, &u.pubkey()), &[&u]);
    env.fails(
        ix::abandon_claim(&t, &u.pubkey()),
        &[&u],
        IlmError::InvalidClaimState,
    );
}

#[test]
fn expire_claim_ok_slashes_to_employer() {
    for flavor in [Flavor::Token, Flavor::Token2022] {
        let mut env = Env::new(flavor);
        let employer = env.user();
        let t = env.create_task(&employer, default_task(0));
        let u = env.staked_user(STAKE);
        env.claim(&t, &u);
        env.warp(3_600);
        let to = env.stake_wallet(&employer.pubkey());
        env.ok(ix::expire_claim(&t, &env.market, &u.pubkey(), &to), &[]);
        let s = env.stake_state(&u.pubkey());
        assert_eq!((s.amount, s.locked, s.expired), (STAKE - BOND / 2, 0, 1));
        assert_eq!(env.balance(&to), STARTING_TOKENS + BOND / 2);
        assert_eq!(env.balance(&env.market.stake_vault), STAKE - BOND / 2);
        assert_eq!(
            env.claim_state(&t, &u.pubkey()).status,
            ClaimStatus::Expired
        );
        assert_eq!(env.task_state(&t).active, 0);
        assert_eq!(env.employer_state(&t).leases_expired, 1);
    }
}

#[test]
fn expire_claim_checks() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    let to = env.stake_wallet(&employer.pubkey());
    env.warp(3_599);
    env.fails(
        ix::expire_claim(&t, &env.market, &u.pubkey(), &to),
        &[],
        IlmError::LeaseNotExpired,
    );
    env.warp(1);
    // the slash goes to the employer, no one else
    let thief = env.user();
    let ix = ix::expire_claim(
        &t,
        &env.market,
        &u.pubkey(),
        &env.stake_wallet(&thief.pubkey()),
    );
    env.fails_anchor(ix, &[], Anchor::ConstraintTokenOwner);
    // the stake must be the claim's contributor's
    let other = env.staked_user(STAKE);
    let ix = swap(
        ix::expire_claim(&t, &env.market, &u.pubkey(), &to),
        &t.stake(&u.pubkey()),
        &t.stake(&other.pubkey()),
    );
    env.fails(ix, &[], IlmError::StakeMismatch);
    // the stake vault must be the market's
    let ix = ix::expire_claim(&t, &env.market, &u.pubkey(), &to);
    let ix = swap(
        ix,
        &env.market.stake_vault,
        &env.stake_wallet(&thief.pubkey()),
    );
    env.fails_anchor(ix, &[], Anchor::ConstraintAddress);
    // one account cannot play two mutable roles
    let ix = ix::expire_claim(&t, &env.market, &u.pubkey(), &env.market.stake_vault);
    env.fails(ix, &[], IlmError::DuplicateAccount);
    env.ok(ix::expire_claim(&t, &env.market, &u.pubkey(), &to), &[]);
    env.fails(
        ix::expire_claim(&t, &env.market, &u.pubkey(), &to),
        &[],
        IlmError::InvalidClaimState,
    );
}

#[test]
fn submitted_work_cannot_be_expired() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    env.submit(&t, &u);
    env.warp(3_600);
    let to = env.stake_wallet(&employer.pubkey());
    env.fails(
        ix::expire_claim(&t, &env.market, &u.pubkey(), &to),
        &[],
        IlmError::InvalidClaimState,
    );
}

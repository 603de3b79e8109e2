//! stake, request_unstake, withdraw_stake, close_stake.
use anchor_lang::error::ErrorCode as Anchor;
use ilm_client::ix;
use ilm_client::IlmError;
use ilm_tests::*;
use solana_signer::Signer;

const STAKE: u64 = 150_000_000;

#[test]
fn stake_ok_opens_record_and_adds() {
    for flavor in [Flavor::Token, Flavor::Token2022] {
        let mut env = Env::new(flavor);
        let u = env.user();
        env.stake(&u, STAKE);
        env.stake(&u, 1);
        let s = env.stake_state(&u.pubkey());
        assert_eq!(s.contributor, u.pubkey());
        assert_eq!(s.market, env.market.market);
        assert_eq!(s.amount, STAKE + 1);
        assert_eq!(
            s.bump,
            ilm_client::pda::stake(&env.market.market, &u.pubkey()).1
        );
        assert_eq!(env.balance(&env.market.stake_vault), STAKE + 1);
        assert_eq!(
            env.balance(&env.stake_wallet(&u.pubkey())),
            STARTING_TOKENS - STAKE - 1
        );
    }
}

#[test]
fn stake_zero_opens_an_empty_record() {
    let mut env = Env::new(Flavor::Token);
    let u = env.user();
    env.stake(&u, 0);
    assert_eq!(env.stake_state(&u.pubkey()).amount, 0);
}

#[test]
fn stake_while_paused_fails() {
    let mut env = Env::new(Flavor::Token);
    let authority = env.authority.insecure_clone();
    env.ok(
        ix::update_market(&env.market, default_params(env.fee_owner.pubkey()), true),
        &[&authority],
    );
    let u = env.user();
    let ix = ix::stake(
        &env.market,
        &u.pubkey(),
        &u.pubkey(),
        Some(&env.stake_wallet(&u.pubkey())),
        STAKE,
    );
    env.fails(ix, &[&u], IlmError::MarketPaused);
}

#[test]
fn stake_from_wrong_mint_fails() {
    let mut env = Env::new(Flavor::Token);
    let u = env.user();
    let ix = ix::stake(
        &env.market,
        &u.pubkey(),
        &u.pubkey(),
        Some(&env.wallet(&u.pubkey())),
        STAKE,
    );
    env.fails_anchor(ix, &[&u], Anchor::ConstraintTokenMint);
}

#[test]
fn stake_into_wrong_vault_fails() {
    let mut env = Env::new(Flavor::Token);
    let u = env.user();
    let wallet = env.stake_wallet(&u.pubkey());
    let ix = ix::stake(&env.market, &u.pubkey(), &u.pubkey(), Some(&wallet), STAKE);
    let ix = swap(
        ix,
        &env.market.stake_vault,
        &env.stake_wallet(&env.authority.pubkey()),
    );
    env.fails_anchor(ix, &[&u], Anchor::ConstraintAddress);
}

#[test]
fn unstake_and_withdraw_after_cooldown_ok() {
    let mut env = Env::new(Flavor::Token);
    let u = env.staked_user(STAKE);
    env.ok(ix::request_unstake(&env.market, &u.pubkey(), 50), &[&u]);
    let s = env.stake_state(&u.pubkey());
    assert_eq!((s.unstake_pending, s.unstake_ready_at), (50, T0 + 86_400));
    env.warp(86_400);
    let wallet = env.stake_wallet(&u.pubkey());
    env.ok(ix::withdraw_stake(&env.market, &u.pubkey(), &wallet), &[&u]);
    let s = env.stake_state(&u.pubkey());
    assert_eq!((s.amount, s.unstake_pending), (STAKE - 50, 0));
    assert_eq!(env.balance(&wallet), STARTING_TOKENS - STAKE + 50);
    assert_eq!(env.balance(&env.market.stake_vault), STAKE - 50);
}

#[test]
fn withdraw_before_cooldown_fails() {
    let mut env = Env::new(Flavor::Token);
    let u = env.staked_user(STAKE);
    env.ok(ix::request_unstake(&env.market, &u.pubkey(), 50), &[&u]);
    env.warp(86_399);
    let wallet = env.stake_wallet(&u.pubkey());
    env.fails(
        ix::withdraw_stake(&env.market, &u.pubkey(), &wallet),
        &[&u],
        IlmError::CooldownActive,
    );
}

#[test]
fn withdraw_without_request_fails() {
    let mut env = Env::new(Flavor::Token);
    let u = env.staked_user(STAKE);
    let wallet = env.stake_wallet(&u.pubkey());
    env.fails(
        ix::withdraw_stake(&env.market, &u.pubkey(), &wallet),
        &[&u],
        IlmError::NoUnstakeRequest,
    );
}

#[test]
fn withdraw_twice_fails() {
    let mut env = Env::new(Flavor::Token);
    let u = env.staked_user(STAKE);
    env.ok(ix::request_unstake(&env.market, &u.pubkey(), 50), &[&u]);
    env.warp(86_400);
    let wallet = env.stake_wallet(&u.pubkey());
    env.ok(ix::withdraw_stake(&env.market, &u.pubkey(), &wallet), &[&u]);
    env.fails(
        ix::withdraw_stake(&env.market, &u.pubkey(), &wallet),
        &[&u],
        IlmError::NoUnstakeRequest,
    );
}

#[test]
fn unstake_zero_fails() {
    let mut env = Env::new(Flavor::Token);
    let u = env.staked_user(STAKE);
    env.fails(
        ix::request_unstake(&env.market, &u.pubkey(), 0),
        &[&u],
        IlmError::ZeroAmount,
    );
}

#[test]
fn unstake_of_locked_bond_fails() {
    let (mut env, _, _, u) = leased(Flavor::Token);
    let bond = default_task(0).bond;
    // the bond is locked: only STAKE - bond may be requested
    env.fails(
        ix::request_unstake(&env.market, &u.pubkey(), STAKE - bond + 1),
        &[&u],
        IlmError::InsufficientFreeStake,
    );
    env.ok(
        ix::request_unstake(&env.market, &u.pubkey(), STAKE - bond),
        &[&u],
    );
    env.warp(86_400);
    let wallet = env.stake_wallet(&u.pubkey());
    env.ok(ix::withdraw_stake(&env.market, &u.pubkey(), &wallet), &[&u]);
    let s = env.stake_state(&u.pubkey());
    assert_eq!((s.amount, s.locked), (bond, bond));
    assert_eq!(env.balance(&env.market.stake_vault), bond);
}

#[test]
fn withdraw_of_someone_elses_stake_fails() {
    let mut env = Env::new(Flavor::Token);
    let victim = env.staked_user(STAKE);
    env.ok(
        ix::request_unstake(&env.market, &victim.pubkey(), STAKE),
        &[&victim],
    );
    env.warp(86_400);
    let thief = env.user();
    let wallet = env.stake_wallet(&thief.pubkey());
    let ix = ix::withdraw_stake(&env.market, &thief.pubkey(), &wallet);
    let ix = swap(
        ix,
        &env.market.stake(&thief.pubkey()),
        &env.market.stake(&victim.pubkey()),
    );
    env.fails_anchor(ix, &[&thief], Anchor::ConstraintHasOne);
    let ix = ix::request_unstake(&env.market, &thief.pubkey(), 1);
    let ix = swap(
        ix,
        &env.market.stake(&thief.pubkey()),
        &env.market.stake(&victim.pubkey()),
    );
    env.fails_anchor(ix, &[&thief], Anchor::ConstraintHasOne);
}

#[test]
fn withdraw_without_signature_fails() {
    let mut env = Env::new(Flavor::Token);
    let u = env.staked_user(STAKE);
    env.ok(ix::request_unstake(&env.market, &u.pubkey(), STAKE), &[&u]);
    env.warp(86_400);
    let mut ix = ix::withdraw_stake(&env.market, &u.pubkey(), &env.stake_wallet(&u.pubkey()));
    ix.accounts[0].is_signer = false;
    env.fails_anchor(ix, &[], Anchor::AccountNotSigner);
}

#[test]
fn withdraw_while_paused_ok() {
    let mut env = Env::new(Flavor::Token);
    let u = env.staked_user(STAKE);
    env.ok(ix::request_unstake(&env.market, &u.pubkey(), STAKE), &[&u]);
    let authority = env.authority.insecure_clone();
    env.ok(
        ix::update_market(&env.market, default_params(env.fee_owner.pubkey()), true),
        &[&authority],
    );
    env.warp(86_400);
    let wallet = env.stake_wallet(&u.pubkey());
    env.ok(ix::withdraw_stake(&env.market, &u.pubkey(), &wallet), &[&u]);
    assert_eq!(env.balance(&wallet), STARTING_TOKENS);
}

#[test]
fn close_stake_returns_the_rent_of_an_empty_record() {
    let mut env = Env::new(Flavor::Token);
    let u = env.staked_user(STAKE);
    let record = env.market.stake(&u.pubkey());
    env.ok(ix::request_unstake(&env.market, &u.pubkey(), STAKE), &[&u]);
    env.warp(86_400);
    let wallet = env.stake_wallet(&u.pubkey());
    env.ok(ix::withdraw_stake(&env.market, &u.pubkey(), &wallet), &[&u]);
    let rent = env.svm.get_account(&record).unwrap().lamports;
    let before = env.svm.get_account(&u.pubkey()).unwrap().lamports;
    env.ok(
        ix::close_stake(&env.market.market, &u.pubkey(), &u.pubkey(), &u.pubkey()),
        &[&u],
    );
    assert!(env.svm.get_account(&record).is_none_or(|a| a.lamports == 0));
    // The test payer pays the fee: the contributor gets the whole rent back.
    assert_eq!(
        env.svm.get_account(&u.pubkey()).unwrap().lamports,
        before + rent
    );
    assert_eq!(env.balance(&wallet), STARTING_TOKENS);
    // Staking again opens a fresh record.
    env.stake(&u, STAKE);
    assert_eq!(env.stake_state(&u.pubkey()).amount, STAKE);
}

#[test]
fn close_stake_refuses_tokens_a_pending_withdrawal_or_marks() {
    let mut env = Env::new(Flavor::Token);
    let u = env.staked_user(STAKE);
    let close = ix::close_stake(&env.market.market, &u.pubkey(), &u.pubkey(), &u.pubkey());
    env.fails(close.clone(), &[&u], IlmError::StakeNotEmpty);
    env.ok(ix::request_unstake(&env.market, &u.pubkey(), STAKE), &[&u]);
    env.fails(close.clone(), &[&u], IlmError::StakeNotEmpty);
    env.warp(86_400);
    let wallet = env.stake_wallet(&u.pubkey());
    env.ok(ix::withdraw_stake(&env.market, &u.pubkey(), &wallet), &[&u]);
    let record = env.market.stake(&u.pubkey());
    let clean = env.stake_state(&u.pubkey());
    for mark in 0..3 {
        let mut marked = clean.clone();
        match mark {
            0 => marked.rejected = 1,
            1 => marked.expired = 1,
            _ => marked.abandoned = 1,
        }
        set_stake(&mut env, &record, &marked);
        env.fails(close.clone(), &[&u], IlmError::StakeHasMarks);
    }
    let mut bonded = clean.clone();
    bonded.locked = 1;
    set_stake(&mut env, &record, &bonded);
    env.fails(close.clone(), &[&u], IlmError::StakeNotEmpty);
    set_stake(&mut env, &record, &clean);
    // Someone else cannot close it (and take its rent).
    let thief = env.user();
    let steal = swap(
        ix::close_stake(
            &env.market.market,
            &thief.pubkey(),
            &thief.pubkey(),
            &thief.pubkey(),
        ),
        &env.market.stake(&thief.pubkey()),
        &record,
    );
    env.fails_anchor(steal, &[&thief], Anchor::ConstraintHasOne);
    env.ok(close, &[&u]);
}

/// Rewrites a stake record: how a test gives it a counter or bond directly.
fn set_stake(env: &mut Env, key: &anchor_lang::prelude::Pubkey, value: &ilm_client::Stake) {
    use anchor_lang::AccountSerialize;
    let mut account = env.svm.get_account(key).unwrap();
    let mut data = Vec::new();
    value.try_serialize(&mut data).unwrap();
    account.data = data;
    env.svm.set_account(*key, account).unwrap();
}

/// An Attested claim keeps its slot after its first payment released the
/// bond; closing the record then would leave nobody able to expire the claim
/// and the employer's task unable to close. The record stays until the claim
/// ends.
#[test]
fn close_stake_waits_for_live_claims() {
    let mut env = Env::attested(Flavor::Token, 1, 1);
    let employer = env.user();
    let t = env.create_task(&employer, attested_task_args(0, 1_000, 100));
    let u = env.staked_user(STAKE);
    env.claim(&t, &u);
    let a = env.attestation(&t, &u.pubkey(), 10);
    let pay = attested_payout(&t, &a, &env.wallet(&u.pubkey()), &[&attester(0)]);
    env.send(&pay, &[]).expect("first payment");
    let s = env.stake_state(&u.pubkey());
    assert_eq!(
        (s.locked, s.live_claims),
        (0, 1),
        "bond released, claim still live"
    );
    env.ok(ix::request_unstake(&env.market, &u.pubkey(), STAKE), &[&u]);
    env.warp(86_400);
    let wallet = env.stake_wallet(&u.pubkey());
    env.ok(ix::withdraw_stake(&env.market, &u.pubkey(), &wallet), &[&u]);
    let close = ix::close_stake(&env.market.market, &u.pubkey(), &u.pubkey(), &u.pubkey());
    env.fails(close.clone(), &[&u], IlmError::StakeNotEmpty);
    // The lease is over: anyone ends the claim, then the record may close.
    let employer_stake = env.stake_wallet(&employer.pubkey());
    let expire = ix::expire_claim(&t, &env.market, &u.pubkey(), &employer_stake);
    env.ok(expire, &[]);
    assert_eq!(env.stake_state(&u.pubkey()).live_claims, 0);
    env.ok(close, &[&u]);
}

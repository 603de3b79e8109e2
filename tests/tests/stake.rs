//! stake, request_unstake, withdraw_stake.
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
        &env.stake_wallet(&u.pubkey()),
        STAKE,
    );
    env.fails(ix, &[&u], IlmError::MarketPaused);
}

#[test]
fn stake_from_wrong_mint_fails() {
    let mut env = Env::new(Flavor::Token);
    let u = env.user();
    let ix = ix::stake(&env.market, &u.pubkey(), &env.wallet(&u.pubkey()), STAKE);
    env.fails_anchor(ix, &[&u], Anchor::ConstraintTokenMint);
}

#[test]
fn stake_into_wrong_vault_fails() {
    let mut env = Env::new(Flavor::Token);
    let u = env.user();
    let wallet = env.stake_wallet(&u.pubkey());
    let ix = ix::stake(&env.market, &u.pubkey(), &wallet, STAKE);
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

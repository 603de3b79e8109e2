//! create_market, update_market.
use anchor_lang::error::ErrorCode as Anchor;
use ilm_client::ilm::constants::MAX_ATTESTER_THRESHOLD;
use ilm_client::ix::{self, MarketKeys};
use ilm_client::IlmError;
use ilm_tests::*;
use solana_signer::Signer;

fn fresh(env: &mut Env, params: ilm_client::MarketParams) -> Result<Sent, Failed> {
    let ix = ix::create_market(&env.market, params);
    let authority = env.authority.insecure_clone();
    env.send(&[ix], &[&authority])
}

fn create_fails(params: ilm_client::MarketParams, e: IlmError) {
    let mut env = Env::without_market(Flavor::Token);
    let ix = ix::create_market(&env.market, params);
    let authority = env.authority.insecure_clone();
    env.fails(ix, &[&authority], e);
}

#[test]
fn create_market_ok() {
    for flavor in [Flavor::Token, Flavor::Token2022] {
        let env = Env::new(flavor);
        let m = env.market_state();
        assert_eq!(m.authority, env.authority.pubkey());
        assert_eq!(m.market_id, 1);
        assert_eq!(m.stake_mint, env.stake_mint);
        assert_eq!(m.stake_vault, env.market.stake_vault);
        assert_eq!(m.fee_bps, 250);
        assert_eq!(m.slash_bps, 5_000);
        assert!(!m.paused);
        assert_eq!(m.bump, ilm_client::pda::market(&m.authority, 1).1);
        assert_eq!(
            m.stake_vault_bump,
            ilm_client::pda::stake_vault(&env.market.market).1
        );
        let vault = env.svm.get_account(&env.market.stake_vault).unwrap();
        assert_eq!(vault.owner, flavor.program_id());
        assert_eq!(env.balance(&env.market.stake_vault), 0);
    }
}

#[test]
fn create_market_twice_fails() {
    let mut env = Env::new(Flavor::Token);
    let params = default_params(env.fee_owner.pubkey());
    let err = fresh(&mut env, params).expect_err("second create must fail");
    // the system program refuses to allocate an account that already exists
    assert_eq!(
        err.err,
        solana_transaction_error::TransactionError::InstructionError(
            0,
            InstructionError::Custom(0)
        )
    );
}

#[test]
fn create_market_fee_above_ceiling_fails() {
    let mut p = default_params(Default::default());
    p.fee_bps = 1_001;
    create_fails(p, IlmError::FeeTooHigh);
}

#[test]
fn create_market_slash_above_100_percent_fails() {
    let mut p = default_params(Default::default());
    p.slash_bps = 10_001;
    create_fails(p, IlmError::BpsTooHigh);
}

#[test]
fn create_market_negative_cooldown_fails() {
    let mut p = default_params(Default::default());
    p.unstake_cooldown_secs = -1;
    create_fails(p, IlmError::NegativeDuration);
}

#[test]
fn create_market_cooldown_above_30_days_fails() {
    let mut p = default_params(Default::default());
    p.unstake_cooldown_secs = 30 * 86_400 + 1;
    create_fails(p, IlmError::DurationOutOfRange);
}

#[test]
fn create_market_with_more_than_4_freezable_mints_fails() {
    let mut p = default_params(Default::default());
    p.freezable_mints = (0..5)
        .map(|i| anchor_lang::prelude::Pubkey::new_from_array([i + 30; 32]))
        .collect();
    create_fails(p, IlmError::TooManyFreezableMints);
}

#[test]
fn create_market_bad_attester_sets_fail() {
    let a = anchor_lang::prelude::Pubkey::new_from_array([5; 32]);
    let b = anchor_lang::prelude::Pubkey::new_from_array([6; 32]);
    for (keys, threshold) in [
        (vec![a, a], 1), // duplicate key
        (vec![a, b], 3), // threshold above the set
        (
            (0..=MAX_ATTESTER_THRESHOLD)
                .map(|i| anchor_lang::prelude::Pubkey::new_from_array([i + 60; 32]))
                .collect(),
            MAX_ATTESTER_THRESHOLD + 1,
        ), // more signatures than fit in a transaction
        (vec![a], 0),    // keys but no threshold
        (vec![], 1),     // threshold without keys
        (
            vec![a; 9]
                .iter()
                .enumerate()
                .map(|(i, _)| anchor_lang::prelude::Pubkey::new_from_array([i as u8 + 20; 32]))
                .collect(),
            1,
        ), // 9 keys
    ] {
        let mut p = default_params(Default::default());
        p.attesters = keys;
        p.attester_threshold = threshold;
        create_fails(p, IlmError::InvalidAttesterSet);
    }
}

#[test]
fn create_market_with_attesters_ok() {
    let mut env = Env::without_market(Flavor::Token);
    let mut p = default_params(env.fee_owner.pubkey());
    p.attesters = (0..8)
        .map(|i| anchor_lang::prelude::Pubkey::new_from_array([i + 40; 32]))
        .collect();
    p.attester_threshold = MAX_ATTESTER_THRESHOLD;
    fresh(&mut env, p).expect("8 attesters, the highest threshold");
    assert_eq!(env.market_state().attesters.len(), 8);
}

#[test]
fn create_market_refuses_dangerous_stake_mint() {
    let mut env = Env::without_market(Flavor::Token2022);
    let mint = env.mint_with_extensions(&[(12, vec![9; 32])]); // permanent delegate
    env.market = MarketKeys::new(
        env.authority.pubkey(),
        1,
        mint,
        Flavor::Token2022.program_id(),
    );
    let ix = ix::create_market(&env.market, default_params(env.fee_owner.pubkey()));
    let authority = env.authority.insecure_clone();
    env.fails(ix, &[&authority], IlmError::UnsupportedMintExtension);
}

#[test]
fn create_market_with_mismatched_token_program_fails() {
    let mut env = Env::without_market(Flavor::Token);
    env.market.token_program = Flavor::Token2022.program_id();
    let ix = ix::create_market(&env.market, default_params(env.fee_owner.pubkey()));
    let authority = env.authority.insecure_clone();
    // Token-2022 refuses to open a stake vault for a mint it does not own
    env.fails_with_error(ix, &[&authority], InstructionError::IncorrectProgramId);
}

#[test]
fn update_market_ok() {
    let mut env = Env::new(Flavor::Token);
    let mut p = default_params(env.fee_owner.pubkey());
    p.fee_bps = 100;
    p.min_stake = 5;
    let authority = env.authority.insecure_clone();
    env.ok(ix::update_market(&env.market, p, true), &[&authority]);
    let m = env.market_state();
    assert!(m.paused);
    assert_eq!((m.fee_bps, m.min_stake), (100, 5));
}

#[test]
fn update_market_by_stranger_fails() {
    let mut env = Env::new(Flavor::Token);
    let stranger = env.user();
    let mut ix = ix::update_market(&env.market, default_params(stranger.pubkey()), false);
    ix = swap(ix, &env.authority.pubkey(), &stranger.pubkey());
    env.fails_anchor(ix, &[&stranger], Anchor::ConstraintHasOne);
}

#[test]
fn update_market_invalid_params_fail() {
    let mut env = Env::new(Flavor::Token);
    let mut p = default_params(env.fee_owner.pubkey());
    p.fee_bps = 5_000;
    let authority = env.authority.insecure_clone();
    env.fails(
        ix::update_market(&env.market, p, false),
        &[&authority],
        IlmError::FeeTooHigh,
    );
}

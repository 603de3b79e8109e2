//! What the market authority and a mint's freeze authority can do to work in
//! flight: terms changed after a task was created, a paused market, a frozen
//! stake vault; and an Attested payout only to the contributor.
use ilm_client::ix::{self, MarketKeys};
use ilm_client::ClaimStatus;
use ilm_tests::*;
use litesvm_token::spl_token;
use solana_signer::Signer;

/// A slash rate raised to 100 % after a task was created does not reach its
/// leases: the task keeps the 50 % it was created under.
#[test]
fn a_slash_change_reaches_only_new_tasks() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    let mut params = default_params(env.fee_owner.pubkey());
    params.slash_bps = 10_000;
    let authority = env.authority.insecure_clone();
    env.ok(ix::update_market(&env.market, params, false), &[&authority]);
    env.warp(3_600);
    let slash_to = env.stake_wallet(&employer.pubkey());
    env.ok(
        ix::expire_claim(&t, &env.market, &u.pubkey(), &slash_to),
        &[],
    );
    assert_eq!(env.balance(&slash_to), STARTING_TOKENS + 10_000_000);
    assert_eq!(env.stake_state(&u.pubkey()).amount, 140_000_000);
    env.assert_conserved(&[t.vault]);
}

/// A paused market refuses new work, never money already owed: approvals,
/// settlements, Attested payouts, cancellation and closing all go through.
#[test]
fn a_pause_never_blocks_payouts_or_refunds() {
    let mut env = Env::attested(Flavor::Token, 1, 1);
    let employer = env.user();
    let review = env.create_task(&employer, default_task(0));
    let attested = env.create_task(&employer, attested_task_args(1, 1_000, 10));
    let (a, b) = (env.staked_user(150_000_000), env.staked_user(150_000_000));
    env.claim(&review, &a);
    env.claim(&review, &b);
    env.claim(&attested, &a);
    env.submit(&review, &a);
    env.submit(&review, &b);
    let authority = env.authority.insecure_clone();
    let mut params = default_params(env.fee_owner.pubkey());
    params.attesters = vec![attester(0).pubkey()];
    params.attester_threshold = 1;
    env.ok(ix::update_market(&env.market, params, true), &[&authority]);
    env.approve(&review, &employer, &a.pubkey());
    let attestation = env.attestation(&attested, &a.pubkey(), 10);
    let payout = attested_payout(
        &attested,
        &attestation,
        &env.wallet(&a.pubkey()),
        &[&attester(0)],
    );
    env.send(&payout, &[])
        .expect("attested payout while paused");
    env.warp(86_400);
    let to = env.wallet(&b.pubkey());
    env.ok(
        ix::settle_work(&review, &b.pubkey(), &to, &env.payer.pubkey()),
        &[],
    );
    assert_eq!(
        env.balance(&env.wallet(&a.pubkey())),
        STARTING_TOKENS + 10_000_000 + 10_000
    );
    assert_eq!(env.balance(&to), STARTING_TOKENS + 10_000_000);
    let wallet = env.wallet(&employer.pubkey());
    env.ok(ix::cancel_task(&review, &wallet), &[&employer]);
    let fee_token = env.wallet(&env.fee_owner.pubkey());
    env.ok(ix::close_task(&review, &wallet, &fee_token), &[&employer]);
    env.assert_conserved(&[review.vault, attested.vault]);
}

/// An Attested payout goes only to a token account the claim's contributor owns.
#[test]
fn an_attested_payout_goes_only_to_the_contributor() {
    let mut env = Env::attested(Flavor::Token, 1, 1);
    let employer = env.user();
    let t = env.create_task(&employer, attested_task_args(0, 1_000, 10));
    let u = env.staked_user(150_000_000);
    env.claim(&t, &u);
    let thief = env.user();
    let attestation = env.attestation(&t, &u.pubkey(), 5);
    let payout = attested_payout(
        &t,
        &attestation,
        &env.wallet(&thief.pubkey()),
        &[&attester(0)],
    );
    env.fails_at(
        &payout,
        &[],
        1,
        InstructionError::Custom(anchor_lang::error::ErrorCode::ConstraintTokenOwner as u32),
    );
    assert_eq!(env.balance(&env.wallet(&thief.pubkey())), STARTING_TOKENS);
    assert_eq!(env.claim_state(&t, &u.pubkey()).paid_units, 0);
    env.assert_conserved(&[t.vault]);
}

/// A stake mint's freeze authority (allow-listed by the market) freezes the
/// stake vault: a lease that runs out meanwhile is not slashed.
#[test]
fn a_frozen_stake_vault_never_lets_a_lease_be_slashed() {
    let mut env = Env::without_market(Flavor::Token);
    let program = env.flavor.program_id();
    let (freezer, u) = (env.user(), env.user());
    let stake_mint = env.freezable_mint(79, &freezer.pubkey(), &u.pubkey(), 150_000_000);
    env.market = MarketKeys::new(env.authority.pubkey(), 1, stake_mint, program);
    let mut params = default_params(env.fee_owner.pubkey());
    params.freezable_mints = vec![stake_mint];
    let authority = env.authority.insecure_clone();
    env.ok(ix::create_market(&env.market, params), &[&authority]);
    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    let from = env.ata(&u.pubkey(), &stake_mint);
    env.ok(
        ix::stake(
            &env.market,
            &u.pubkey(),
            &u.pubkey(),
            Some(&from),
            150_000_000,
        ),
        &[&u],
    );
    env.claim(&t, &u);
    let freeze = spl_token::instruction::freeze_account(
        &program,
        &env.market.stake_vault,
        &stake_mint,
        &freezer.pubkey(),
        &[],
    )
    .unwrap();
    env.ok(freeze, &[&freezer]);
    env.warp(3_600);
    let slash_to = env.create_ata(&employer.pubkey(), &stake_mint);
    env.ok(
        ix::expire_claim(&t, &env.market, &u.pubkey(), &slash_to),
        &[],
    );
    assert_eq!(env.balance(&slash_to), 0);
    let s = env.stake_state(&u.pubkey());
    assert_eq!((s.amount, s.locked, s.expired), (150_000_000, 0, 0));
    assert_eq!(
        env.claim_state(&t, &u.pubkey()).status,
        ClaimStatus::Expired
    );
    assert_eq!(env.balance(&env.market.stake_vault), 150_000_000);
}

//! What the market authority and a mint's freeze authority can do to work in
//! flight: terms changed after a task was created, a paused market, a frozen
//! stake vault; and an Attested payout only to the contributor.
use ilm_client::attest::{precompile_instruction, Attestation};
use ilm_client::ilm::instructions::SubmitAttestedArgs;
use ilm_client::ix::{self, MarketKeys, TaskKeys};
use ilm_client::{ClaimStatus, Verifier};
use ilm_tests::*;
use litesvm_token::spl_token;
use solana_keypair::Keypair;
use solana_signer::Signer;

fn attester() -> Keypair {
    Keypair::new_from_array([200; 32])
}

/// The default market's parameters with one attester (threshold 1).
fn with_attester(env: &Env) -> ilm_client::MarketParams {
    let mut p = default_params(env.fee_owner.pubkey());
    p.attesters = vec![attester().pubkey()];
    p.attester_threshold = 1;
    p
}

/// `[precompile, submit_attested]` for `units` cumulative units, paying `to`.
fn attested_payout(
    env: &Env,
    t: &TaskKeys,
    u: &Keypair,
    units: u64,
    to: &anchor_lang::prelude::Pubkey,
) -> [anchor_lang::solana_program::instruction::Instruction; 2] {
    let a = Attestation {
        market: t.market,
        domain: env.market_state().domain,
        task: t.task,
        contributor: u.pubkey(),
        cumulative_units: units,
        result_hash: [5; 32],
        expires_at: env.now() + 600,
    };
    let args = SubmitAttestedArgs {
        cumulative_units: units,
        result_hash: a.result_hash,
        expires_at: a.expires_at,
    };
    [
        precompile_instruction(&[a.sign(&attester())], &a.message()),
        ix::submit_attested(t, &u.pubkey(), to, args),
    ]
}

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
    let mut env = Env::with_params(Flavor::Token, |p| {
        p.attesters = vec![attester().pubkey()];
        p.attester_threshold = 1;
    });
    let employer = env.user();
    let review = env.create_task(&employer, default_task(0));
    let mut args = default_task(1);
    args.verifier = Verifier::Attested;
    args.reward = 1_000;
    args.max_completions = 10;
    let attested = env.create_task(&employer, args);
    let (a, b) = (env.staked_user(150_000_000), env.staked_user(150_000_000));
    env.claim(&review, &a);
    env.claim(&review, &b);
    env.claim(&attested, &a);
    env.submit(&review, &a);
    env.submit(&review, &b);
    let authority = env.authority.insecure_clone();
    let params = with_attester(&env);
    env.ok(ix::update_market(&env.market, params, true), &[&authority]);
    env.approve(&review, &employer, &a.pubkey());
    let payout = attested_payout(&env, &attested, &a, 10, &env.wallet(&a.pubkey()));
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
    let mut env = Env::with_params(Flavor::Token, |p| {
        p.attesters = vec![attester().pubkey()];
        p.attester_threshold = 1;
    });
    let employer = env.user();
    let mut args = default_task(0);
    args.verifier = Verifier::Attested;
    args.reward = 1_000;
    args.max_completions = 10;
    let t = env.create_task(&employer, args);
    let u = env.staked_user(150_000_000);
    env.claim(&t, &u);
    let thief = env.user();
    let payout = attested_payout(&env, &t, &u, 5, &env.wallet(&thief.pubkey()));
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
    let freezer = env.user();
    let stake_mint = Keypair::new_from_array([79; 32]);
    let payer = env.payer.insecure_clone();
    let ixs = [
        solana_system_interface::instruction::create_account(
            &payer.pubkey(),
            &stake_mint.pubkey(),
            env.svm.minimum_balance_for_rent_exemption(82),
            82,
            &program,
        ),
        spl_token::instruction::initialize_mint2(
            &program,
            &stake_mint.pubkey(),
            &payer.pubkey(),
            Some(&freezer.pubkey()),
            DECIMALS,
        )
        .unwrap(),
    ];
    env.send(&ixs, &[&stake_mint])
        .expect("freezable stake mint");
    env.market = MarketKeys::new(env.authority.pubkey(), 1, stake_mint.pubkey(), program);
    let mut params = default_params(env.fee_owner.pubkey());
    params.freezable_mints = vec![stake_mint.pubkey()];
    let authority = env.authority.insecure_clone();
    env.ok(ix::create_market(&env.market, params), &[&authority]);
    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    let u = env.user();
    let from = env.create_ata(&u.pubkey(), &stake_mint.pubkey());
    let mint_to = spl_token::instruction::mint_to(
        &program,
        &stake_mint.pubkey(),
        &from,
        &payer.pubkey(),
        &[],
        150_000_000,
    )
    .unwrap();
    env.send(&[mint_to], &[]).expect("stake tokens");
    env.ok(
        ix::stake(&env.market, &u.pubkey(), &from, 150_000_000),
        &[&u],
    );
    env.claim(&t, &u);
    let freeze = spl_token::instruction::freeze_account(
        &program,
        &env.market.stake_vault,
        &stake_mint.pubkey(),
        &freezer.pubkey(),
        &[],
    )
    .unwrap();
    env.ok(freeze, &[&freezer]);
    env.warp(3_600);
    let slash_to = env.create_ata(&employer.pubkey(), &stake_mint.pubkey());
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

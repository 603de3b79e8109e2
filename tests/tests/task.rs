//! create_task, fund_task, cancel_task, close_task, collect_fees.
use anchor_lang::error::ErrorCode as Anchor;
use ilm_client::ix;
use ilm_client::{IlmError, TaskStatus, Verifier};
use ilm_tests::*;
use solana_signer::Signer;

/// reward + 2.5 % fee of the default task.
const UNIT: u64 = 10_000_000 + 250_000;

fn create_fails(env: &mut Env, args: CreateTaskArgs, e: IlmError) {
    let employer = env.user();
    let t = env.task_keys(&employer.pubkey(), args.task_id);
    let ix = ix::create_task(&t, &env.wallet(&employer.pubkey()), args);
    env.fails(ix, &[&employer], e);
}

#[test]
fn create_task_ok_escrows_in_full() {
    for flavor in [Flavor::Token, Flavor::Token2022] {
        let mut env = Env::new(flavor);
        let employer = env.user();
        let t = env.create_task(&employer, default_task(0));
        let task = env.task_state(&t);
        assert_eq!(task.employer, employer.pubkey());
        assert_eq!(task.market, env.market.market);
        assert_eq!(task.vault, t.vault);
        assert_eq!(
            (task.reward, task.fee, task.max_completions),
            (10_000_000, 250_000, 3)
        );
        assert_eq!((task.completions, task.active, task.fees_owed), (0, 0, 0));
        assert_eq!(task.status, TaskStatus::Open);
        assert_eq!(task.slash_bps, 5_000);
        assert_eq!(task.spec_uri, "ipfs://bafy-spec");
        assert_eq!(
            task.bump,
            ilm_client::pda::task(&env.market.market, &employer.pubkey(), 0).1
        );
        assert_eq!(task.vault_bump, ilm_client::pda::vault(&t.task).1);
        assert_eq!(env.balance(&t.vault), 3 * UNIT);
        assert_eq!(
            env.balance(&env.wallet(&employer.pubkey())),
            STARTING_TOKENS - 3 * UNIT
        );
        assert_eq!(env.employer_state(&t).tasks_posted, 1);
        // the next task takes the next id
        let t1 = env.create_task(&employer, default_task(1));
        assert_eq!(env.employer_state(&t1).tasks_posted, 2);
    }
}

#[test]
fn create_task_with_invalid_verifier_parameters_fails() {
    let mut env = Env::new(Flavor::Token);
    for verifier in [
        // no answer hash (the Preimage cases: preimage.rs)
        Verifier::Preimage {
            answer_hash: [0; 32],
            salt_hash: [1; 32],
            salt: [0; 32],
            opened_at: 0,
        },
        // the default market has no attesters
        Verifier::Attested,
        // a root is published later, not at creation
        Verifier::Merkle {
            root: [1; 32],
            leaf_count: 1,
            total: 1,
            claimed: 0,
            published_at: 0,
        },
    ] {
        let mut args = default_task(0);
        args.verifier = verifier;
        create_fails(&mut env, args, IlmError::InvalidVerifier);
    }
}

#[test]
fn create_task_out_of_sequence_fails() {
    let mut env = Env::new(Flavor::Token);
    create_fails(&mut env, default_task(1), IlmError::UnexpectedTaskId);
}

#[test]
fn create_task_invalid_terms_fail() {
    let mut env = Env::new(Flavor::Token);
    type Change = fn(&mut CreateTaskArgs);
    let cases: Vec<(Change, IlmError)> = vec![
        (|a| a.reward = 0, IlmError::ZeroAmount),
        (|a| a.max_completions = 0, IlmError::ZeroAmount),
        (|a| a.deadline = T0, IlmError::DeadlineInPast),
        (|a| a.lease_secs = 0, IlmError::ZeroLease),
        (|a| a.review_secs = -1, IlmError::NegativeDuration),
        (|a| a.bond = 0, IlmError::ZeroBond),
        (|a| a.deadline = T0 + 3_599, IlmError::LeaseLongerThanTask),
        (
            |a| a.lease_secs = 30 * 86_400 + 1,
            IlmError::DurationOutOfRange,
        ),
        (
            |a| a.review_secs = 30 * 86_400 + 1,
            IlmError::DurationOutOfRange,
        ),
        (|a| a.review_secs = i64::MAX, IlmError::DurationOutOfRange),
        (
            |a| a.deadline = T0 + 366 * 86_400 + 1,
            IlmError::DurationOutOfRange,
        ),
        (|a| a.deadline = i64::MAX, IlmError::DurationOutOfRange),
        (
            |a| a.qualification.max_reject_bps = 10_001,
            IlmError::BpsTooHigh,
        ),
        (|a| a.spec_uri = "x".repeat(129), IlmError::SpecUriTooLong),
        (|a| a.reward = u64::MAX / 2, IlmError::MathOverflow),
    ];
    for (change, e) in cases {
        let mut args = default_task(0);
        change(&mut args);
        create_fails(&mut env, args, e);
    }
}

#[test]
fn create_task_without_enough_tokens_moves_nothing() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let mut args = default_task(0);
    args.max_completions = 1_000; // 10,250 tokens > 1,000 held
    let t = env.task_keys(&employer.pubkey(), 0);
    let ix = ix::create_task(&t, &env.wallet(&employer.pubkey()), args);
    assert!(env.send(&[ix], &[&employer]).is_err());
    assert!(env.svm.get_account(&t.task).is_none());
    assert_eq!(
        env.balance(&env.wallet(&employer.pubkey())),
        STARTING_TOKENS
    );
}

#[test]
fn create_task_while_paused_fails() {
    let mut env = Env::new(Flavor::Token);
    let authority = env.authority.insecure_clone();
    env.ok(
        ix::update_market(&env.market, default_params(env.fee_owner.pubkey()), true),
        &[&authority],
    );
    create_fails(&mut env, default_task(0), IlmError::MarketPaused);
}

#[test]
fn create_task_refuses_each_dangerous_token_2022_extension() {
    let mut env = Env::new(Flavor::Token2022);
    let employer = env.user();
    for (kind, value) in [
        (1u16, vec![0u8; 108]), // transfer fee
        (4, vec![0; 65]),       // confidential transfers
        (6, vec![2]),           // default account state: frozen
        (9, vec![]),            // non-transferable
        (12, vec![9; 32]),      // permanent delegate
        (14, vec![0; 64]),      // transfer hook
        (26, vec![0; 33]),      // pausable
        (16, vec![0; 129]),     // confidential transfer fees (off the allow-list)
        (24, vec![0; 64]),      // confidential mint/burn (off the allow-list)
    ] {
        let mint = env.mint_with_extensions(&[(kind, value)]);
        let mut t = env.task_keys(&employer.pubkey(), 0);
        t = ilm_client::ix::TaskKeys::new(t.market, t.employer, 0, mint, t.token_program);
        let ix = ix::create_task(&t, &env.wallet(&employer.pubkey()), default_task(0));
        env.fails(ix, &[&employer], IlmError::UnsupportedMintExtension);
    }
}

#[test]
fn create_task_with_mint_of_other_token_program_fails() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let mut t = env.task_keys(&employer.pubkey(), 0);
    t.token_program = Flavor::Token2022.program_id();
    let ix = ix::create_task(&t, &env.wallet(&employer.pubkey()), default_task(0));
    // Token-2022 refuses to open a vault for a mint it does not own
    env.fails_with_error(ix, &[&employer], InstructionError::IncorrectProgramId);
}

#[test]
fn fund_task_ok() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    env.ok(
        ix::fund_task(&t, &env.wallet(&employer.pubkey()), 2),
        &[&employer],
    );
    assert_eq!(env.task_state(&t).max_completions, 5);
    assert_eq!(env.balance(&t.vault), 5 * UNIT);
}

#[test]
fn fund_task_checks() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    let wallet = env.wallet(&employer.pubkey());
    env.fails(
        ix::fund_task(&t, &wallet, 0),
        &[&employer],
        IlmError::ZeroAmount,
    );
    // a stranger cannot pose as the employer
    let stranger = env.user();
    let ix = swap(
        ix::fund_task(&t, &wallet, 1),
        &employer.pubkey(),
        &stranger.pubkey(),
    );
    env.fails_anchor(ix, &[&stranger], Anchor::ConstraintHasOne);
    // the vault must be the task's
    let other = env.create_task(&stranger, default_task(0));
    let ix = swap(ix::fund_task(&t, &wallet, 1), &t.vault, &other.vault);
    env.fails_anchor(ix, &[&employer], Anchor::ConstraintHasOne);
    // not after the deadline
    env.warp_to(default_task(0).deadline);
    env.fails(
        ix::fund_task(&t, &wallet, 1),
        &[&employer],
        IlmError::TaskExpired,
    );
}

#[test]
fn fund_cancelled_task_fails() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    let wallet = env.wallet(&employer.pubkey());
    env.ok(ix::cancel_task(&t, &wallet), &[&employer]);
    env.fails(
        ix::fund_task(&t, &wallet, 1),
        &[&employer],
        IlmError::TaskNotOpen,
    );
}

#[test]
fn cancel_task_refunds_only_what_no_live_claim_is_owed() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    let a = env.staked_user(150_000_000);
    let b = env.staked_user(150_000_000);
    env.claim(&t, &a);
    env.claim(&t, &b);
    env.submit(&t, &a);
    env.approve(&t, &employer, &a.pubkey()); // 1 paid, 1 live, 1 free
    let wallet = env.wallet(&employer.pubkey());
    let before = env.balance(&wallet);
    env.ok(ix::cancel_task(&t, &wallet), &[&employer]);
    // refund: the free slot's unit; kept: b's unit and the fee owed on a's payout
    assert_eq!(env.balance(&wallet) - before, UNIT);
    assert_eq!(env.balance(&t.vault), UNIT + 250_000);
    let task = env.task_state(&t);
    assert_eq!(
        (task.status, task.max_completions),
        (TaskStatus::Cancelled, 2)
    );
    // the live claim is still paid in full after the cancellation
    env.submit(&t, &b);
    env.approve(&t, &employer, &b.pubkey());
    assert_eq!(
        env.balance(&env.wallet(&b.pubkey())),
        STARTING_TOKENS + 10_000_000
    );
    assert_eq!(env.balance(&t.vault), 2 * 250_000);
    // and nobody new can claim
    let c = env.staked_user(150_000_000);
    env.fails(
        ix::claim_task(&t, &c.pubkey(), &c.pubkey()),
        &[&c],
        IlmError::TaskNotOpen,
    );
}

#[test]
fn cancel_task_checks() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    let wallet = env.wallet(&employer.pubkey());
    let stranger = env.user();
    let ix = swap(
        ix::cancel_task(&t, &wallet),
        &employer.pubkey(),
        &stranger.pubkey(),
    );
    let ix = swap(ix, &wallet, &env.wallet(&stranger.pubkey()));
    env.fails_anchor(ix, &[&stranger], Anchor::ConstraintHasOne);
    env.ok(ix::cancel_task(&t, &wallet), &[&employer]);
    env.fails(
        ix::cancel_task(&t, &wallet),
        &[&employer],
        IlmError::TaskNotOpen,
    );
}

#[test]
fn close_task_ok_pays_fees_refunds_rest_returns_rent() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    let a = env.staked_user(150_000_000);
    env.claim(&t, &a);
    env.submit(&t, &a);
    env.approve(&t, &employer, &a.pubkey());
    let wallet = env.wallet(&employer.pubkey());
    let fee_token = env.wallet(&env.fee_owner.pubkey());
    let lamports = env.svm.get_account(&employer.pubkey()).unwrap().lamports;
    let rent = env.svm.get_account(&t.task).unwrap().lamports
        + env.svm.get_account(&t.vault).unwrap().lamports;
    env.warp_to(default_task(0).deadline + default_task(0).review_secs);
    env.ok(ix::close_task(&t, &wallet, &fee_token), &[&employer]);
    assert!(env.svm.get_account(&t.task).is_none_or(|a| a.lamports == 0));
    assert!(env
        .svm
        .get_account(&t.vault)
        .is_none_or(|a| a.lamports == 0));
    assert_eq!(env.balance(&fee_token), STARTING_TOKENS + 250_000);
    assert_eq!(env.balance(&wallet), STARTING_TOKENS - UNIT);
    assert_eq!(
        env.svm.get_account(&employer.pubkey()).unwrap().lamports,
        lamports + rent
    );
}

#[test]
fn close_task_ok_when_the_employer_is_the_fee_owner() {
    let mut env = Env::new(Flavor::Token);
    let operator = env.fee_owner.insecure_clone();
    let t = env.create_task(&operator, default_task(0));
    let a = env.staked_user(150_000_000);
    env.claim(&t, &a);
    env.submit(&t, &a);
    env.approve(&t, &operator, &a.pubkey());
    let wallet = env.wallet(&operator.pubkey());
    env.warp_to(default_task(0).deadline + default_task(0).review_secs);
    env.ok(ix::close_task(&t, &wallet, &wallet), &[&operator]);
    // Paid one reward; the fee and the two unused slots came back.
    assert_eq!(env.balance(&wallet), STARTING_TOKENS - 10_000_000);
    env.assert_conserved(&[]);
}

#[test]
fn close_task_checks() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    let wallet = env.wallet(&employer.pubkey());
    let fee_token = env.wallet(&env.fee_owner.pubkey());
    let end = default_task(0).deadline + default_task(0).review_secs;
    env.warp_to(end - 1);
    env.fails(
        ix::close_task(&t, &wallet, &fee_token),
        &[&employer],
        IlmError::TaskNotFinished,
    );
    // a live claim blocks closing, even of a cancelled task
    let a = env.staked_user(150_000_000);
    env.warp_to(T0);
    env.claim(&t, &a);
    env.ok(ix::cancel_task(&t, &wallet), &[&employer]);
    env.fails(
        ix::close_task(&t, &wallet, &fee_token),
        &[&employer],
        IlmError::LiveClaims,
    );
    env.ok(ix::abandon_claim(&t, &a.pubkey()), &[&a]);
    // fees go to the fee owner's account only
    let stranger = env.user();
    let ix = ix::close_task(&t, &wallet, &env.wallet(&stranger.pubkey()));
    env.fails_anchor(ix, &[&employer], Anchor::ConstraintTokenOwner);
    let ix = ix::close_task(&t, &wallet, &wallet);
    env.fails_anchor(ix, &[&employer], Anchor::ConstraintTokenOwner);
    // a stranger cannot close it
    let ix = swap(
        ix::close_task(&t, &wallet, &fee_token),
        &employer.pubkey(),
        &stranger.pubkey(),
    );
    env.fails_anchor(ix, &[&stranger], Anchor::ConstraintHasOne);
    // a cancelled task with no live claim closes before its deadline
    env.ok(ix::close_task(&t, &wallet, &fee_token), &[&employer]);
    assert_eq!(env.balance(&wallet), STARTING_TOKENS);
    // closed means gone: it cannot be closed or funded again
    env.fails_anchor(
        ix::close_task(&t, &wallet, &fee_token),
        &[&employer],
        Anchor::AccountNotInitialized,
    );
}

#[test]
fn collect_fees_ok_and_checks() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    let fee_token = env.wallet(&env.fee_owner.pubkey());
    env.fails(
        ix::collect_fees(&t, &fee_token),
        &[],
        IlmError::NothingToCollect,
    );
    let a = env.staked_user(150_000_000);
    env.claim(&t, &a);
    env.submit(&t, &a);
    env.approve(&t, &employer, &a.pubkey());
    // only to the fee owner
    let ix = ix::collect_fees(&t, &env.wallet(&employer.pubkey()));
    env.fails_anchor(ix, &[], Anchor::ConstraintTokenOwner);
    // anyone may crank it
    env.ok(ix::collect_fees(&t, &fee_token), &[]);
    assert_eq!(env.balance(&fee_token), STARTING_TOKENS + 250_000);
    assert_eq!(env.task_state(&t).fees_owed, 0);
    assert_eq!(env.balance(&t.vault), 2 * UNIT);
    env.fails(
        ix::collect_fees(&t, &fee_token),
        &[],
        IlmError::NothingToCollect,
    );
}

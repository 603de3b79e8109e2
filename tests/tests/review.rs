//! submit_work, approve_work, reject_work, settle_work, close_claim.
use anchor_lang::error::ErrorCode as Anchor;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use ilm_client::ix;
use ilm_client::{ClaimStatus, IlmError};
use ilm_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

const STAKE: u64 = 150_000_000;
const REWARD: u64 = 10_000_000;

#[test]
fn submit_work_ok() {
    let (mut env, _, t, u) = leased(Flavor::Token);
    env.warp(10);
    let sent = env.submit(&t, &u);
    let c = env.claim_state(&t, &u.pubkey());
    assert_eq!(
        (c.status, c.result_hash, c.submitted_at),
        (ClaimStatus::Submitted, [9; 32], T0 + 10)
    );
    assert!(
        sent.logs.iter().any(|l| l.starts_with("Program data: ")),
        "WorkSubmitted event"
    );
}

#[test]
fn submit_work_checks() {
    let (mut env, _, t, u) = leased(Flavor::Token);
    // only the claim's contributor
    let other = env.staked_user(STAKE);
    let ix = ix::submit_work(&t, &other.pubkey(), [9; 32], String::new());
    let ix = swap(ix, &t.claim(&other.pubkey()), &t.claim(&u.pubkey()));
    env.fails_anchor(ix, &[&other], Anchor::ConstraintHasOne);
    let long = "x".repeat(201);
    env.fails(
        ix::submit_work(&t, &u.pubkey(), [9; 32], long),
        &[&u],
        IlmError::ResultUriTooLong,
    );
    env.warp(3_600);
    env.fails(
        ix::submit_work(&t, &u.pubkey(), [9; 32], String::new()),
        &[&u],
        IlmError::LeaseExpired,
    );
    env.warp(-3_600);
    env.submit(&t, &u);
    env.fails(
        ix::submit_work(&t, &u.pubkey(), [9; 32], String::new()),
        &[&u],
        IlmError::InvalidClaimState,
    );
}

#[test]
fn approve_work_ok_pays_in_the_same_instruction() {
    for flavor in [Flavor::Token, Flavor::Token2022] {
        let (mut env, employer, t, u) = leased(flavor);
        env.submit(&t, &u);
        env.approve(&t, &employer, &u.pubkey());
        assert_eq!(
            env.balance(&env.wallet(&u.pubkey())),
            STARTING_TOKENS + REWARD
        );
        let task = env.task_state(&t);
        assert_eq!(
            (task.completions, task.active, task.fees_owed),
            (1, 0, 250_000)
        );
        let s = env.stake_state(&u.pubkey());
        assert_eq!((s.locked, s.completed, s.earned), (0, 1, REWARD));
        assert_eq!(env.claim_state(&t, &u.pubkey()).status, ClaimStatus::Paid);
        assert_eq!(env.employer_state(&t).approved, 1);
    }
}

#[test]
fn approve_work_checks() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    let to = env.wallet(&u.pubkey());
    env.fails(
        ix::approve_work(&t, &u.pubkey(), &to),
        &[&employer],
        IlmError::InvalidClaimState,
    );
    env.submit(&t, &u);
    // only the task's employer
    let stranger = env.user();
    let ix = swap(
        ix::approve_work(&t, &u.pubkey(), &to),
        &employer.pubkey(),
        &stranger.pubkey(),
    );
    env.fails(ix, &[&stranger], IlmError::NotTaskEmployer);
    // pays the contributor, not someone else
    let ix = ix::approve_work(&t, &u.pubkey(), &env.wallet(&employer.pubkey()));
    env.fails_anchor(ix, &[&employer], Anchor::ConstraintTokenOwner);
    // an employer cannot pay from another employer's vault
    let other_employer = env.user();
    let other = env.create_task(&other_employer, default_task(0));
    let ix = swap(
        ix::approve_work(&t, &u.pubkey(), &to),
        &t.vault,
        &other.vault,
    );
    env.fails_anchor(ix, &[&employer], Anchor::ConstraintHasOne);
    // nor present another task's claim
    let v = env.staked_user(STAKE);
    env.claim(&other, &v);
    env.submit(&other, &v);
    let ix = swap(
        ix::approve_work(&t, &v.pubkey(), &env.wallet(&v.pubkey())),
        &t.claim(&v.pubkey()),
        &other.claim(&v.pubkey()),
    );
    env.fails_anchor(ix, &[&employer], Anchor::ConstraintHasOne);
    env.approve(&t, &employer, &u.pubkey());
    env.fails(
        ix::approve_work(&t, &u.pubkey(), &to),
        &[&employer],
        IlmError::InvalidClaimState,
    );
    assert_eq!(env.balance(&to), STARTING_TOKENS + REWARD);
}

#[test]
fn reject_work_ok_unlocks_bond_and_frees_slot() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    env.submit(&t, &u);
    env.ok(ix::reject_work(&t, &u.pubkey(), [4; 32]), &[&employer]);
    let s = env.stake_state(&u.pubkey());
    assert_eq!((s.amount, s.locked, s.rejected), (STAKE, 0, 1));
    assert_eq!(env.employer_state(&t).rejected, 1);
    assert_eq!(
        env.claim_state(&t, &u.pubkey()).status,
        ClaimStatus::Rejected
    );
    let task = env.task_state(&t);
    assert_eq!((task.active, task.completions), (0, 0));
    assert_eq!(env.balance(&t.vault), 3 * (REWARD + 250_000));
    // nothing left to decide
    env.fails(
        ix::reject_work(&t, &u.pubkey(), [4; 32]),
        &[&employer],
        IlmError::InvalidClaimState,
    );
    let to = env.wallet(&u.pubkey());
    env.fails(
        ix::settle_work(&t, &u.pubkey(), &to, &env.payer.pubkey()),
        &[],
        IlmError::InvalidClaimState,
    );
}

#[test]
fn reject_work_checks() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    env.fails(
        ix::reject_work(&t, &u.pubkey(), [4; 32]),
        &[&employer],
        IlmError::InvalidClaimState,
    );
    env.submit(&t, &u);
    let stranger = env.user();
    let ix = swap(
        ix::reject_work(&t, &u.pubkey(), [4; 32]),
        &employer.pubkey(),
        &stranger.pubkey(),
    );
    env.fails(ix, &[&stranger], IlmError::NotTaskEmployer);
    let other = env.staked_user(STAKE);
    let ix = swap(
        ix::reject_work(&t, &u.pubkey(), [4; 32]),
        &t.stake(&u.pubkey()),
        &t.stake(&other.pubkey()),
    );
    env.fails(ix, &[&employer], IlmError::StakeMismatch);
}

#[test]
fn settle_work_pays_after_silent_review_window() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    env.submit(&t, &u);
    let to = env.wallet(&u.pubkey());
    env.warp(86_399);
    env.fails(
        ix::settle_work(&t, &u.pubkey(), &to, &env.payer.pubkey()),
        &[],
        IlmError::ReviewWindowOpen,
    );
    env.warp(1);
    env.ok(
        ix::settle_work(&t, &u.pubkey(), &to, &env.payer.pubkey()),
        &[],
    );
    assert_eq!(env.balance(&to), STARTING_TOKENS + REWARD);
    let e = env.employer_state(&t);
    assert_eq!((e.auto_settled, e.approved), (1, 0));
    env.fails(
        ix::settle_work(&t, &u.pubkey(), &to, &env.payer.pubkey()),
        &[],
        IlmError::InvalidClaimState,
    );
    // approving after settlement pays nothing more
    env.fails(
        ix::approve_work(&t, &u.pubkey(), &to),
        &[&employer],
        IlmError::InvalidClaimState,
    );
    // the employer record must be this task's employer's
    let _ = employer;
}

#[test]
fn settle_work_with_wrong_employer_record_fails() {
    let (mut env, _, t, u) = leased(Flavor::Token);
    env.submit(&t, &u);
    env.warp(86_400);
    let other_employer = env.user();
    let other = env.create_task(&other_employer, default_task(0));
    let to = env.wallet(&u.pubkey());
    let ix = swap(
        ix::settle_work(&t, &u.pubkey(), &to, &env.payer.pubkey()),
        &t.employer_record(),
        &other.employer_record(),
    );
    env.fails(ix, &[], IlmError::EmployerMismatch);
}

#[test]
fn close_claim_only_after_task_closed() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    env.submit(&t, &u);
    env.approve(&t, &employer, &u.pubkey());
    env.fails(
        ix::close_claim(&t.task, &u.pubkey(), &u.pubkey()),
        &[],
        IlmError::TaskStillOpen,
    );
    env.warp_to(default_task(0).deadline + default_task(0).review_secs);
    let wallet = env.wallet(&employer.pubkey());
    let fee_token = env.wallet(&env.fee_owner.pubkey());
    env.ok(ix::close_task(&t, &wallet, &fee_token), &[&employer]);
    let claim_rent = env.svm.get_account(&t.claim(&u.pubkey())).unwrap().lamports;
    let before = env.svm.get_account(&u.pubkey()).unwrap().lamports;
    // anyone may close it; the rent goes to the contributor
    let ix = ix::close_claim(&t.task, &u.pubkey(), &u.pubkey());
    let wrong = swap(ix.clone(), &u.pubkey(), &employer.pubkey());
    env.fails_anchor(wrong, &[], Anchor::ConstraintHasOne);
    env.ok(ix, &[]);
    assert_eq!(
        env.svm.get_account(&u.pubkey()).unwrap().lamports,
        before + claim_rent
    );
    assert!(env
        .try_account::<ilm_client::Claim>(&t.claim(&u.pubkey()))
        .is_none());
}

#[test]
fn unsigned_authorities_are_refused() {
    let (mut env, _, t, u) = leased(Flavor::Token);
    env.submit(&t, &u);
    let to = env.wallet(&u.pubkey());
    // the employer's key without its signature
    let mut ix = ix::approve_work(&t, &u.pubkey(), &to);
    ix.accounts[0].is_signer = false;
    env.fails_anchor(ix, &[], Anchor::AccountNotSigner);
    let mut ix = ix::reject_work(&t, &u.pubkey(), [1; 32]);
    ix.accounts[0].is_signer = false;
    env.fails_anchor(ix, &[], Anchor::AccountNotSigner);
    assert_eq!(
        env.claim_state(&t, &u.pubkey()).status,
        ClaimStatus::Submitted
    );
    assert_eq!(env.balance(&to), STARTING_TOKENS);
}

#[test]
fn approve_with_wrong_mint_fails() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    env.submit(&t, &u);
    let to = env.wallet(&u.pubkey());
    let ix = swap(
        ix::approve_work(&t, &u.pubkey(), &to),
        &t.mint,
        &env.stake_mint,
    );
    env.fails_anchor(ix, &[&employer], Anchor::ConstraintHasOne);
}

#[test]
fn fee_changes_apply_to_new_tasks_only() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    let mut p = default_params(env.fee_owner.pubkey());
    p.fee_bps = 1_000;
    let authority = env.authority.insecure_clone();
    env.ok(ix::update_market(&env.market, p, false), &[&authority]);
    env.submit(&t, &u);
    env.approve(&t, &employer, &u.pubkey());
    assert_eq!(env.task_state(&t).fees_owed, 250_000);
    let t1 = env.create_task(&employer, default_task(1));
    assert_eq!(env.task_state(&t1).fee, 1_000_000);
}

#[test]
fn the_vault_cannot_be_the_payee() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    env.submit(&t, &u);
    let ix = ix::approve_work(&t, &u.pubkey(), &t.vault);
    env.fails(ix, &[&employer], IlmError::DuplicateAccount);
}

/// The program logs a refusal in Anchor's words (its own logger, without
/// `core::fmt`): where it was thrown or which account caused it, the error's
/// name, number and message, and the two keys compared, which is what
/// explorers show and Anchor's TypeScript `AnchorError.parse` reads.
#[test]
fn a_refusal_is_logged_as_anchor_logs_it() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    let to = env.wallet(&u.pubkey());
    env.submit(&t, &u);
    // The error line, after checking the two lines of keys that follow it.
    let refused = |env: &mut Env, ix: Instruction, signer: &Keypair, compared: [Pubkey; 2]| {
        let logs = match env.send(&[ix], &[signer]) {
            Ok(_) => panic!("expected a refusal"),
            Err(f) => f.logs,
        };
        let at = logs
            .iter()
            .position(|l| l.contains("Error thrown in") || l.contains("Error caused by"))
            .unwrap_or_else(|| panic!("no error line in {logs:#?}"));
        let [left, right] = compared.map(|k| format!("Program log: {k}"));
        assert_eq!(
            logs[at + 1..at + 5],
            ["Program log: Left:", &left, "Program log: Right:", &right]
        );
        logs[at].clone()
    };

    let stranger = env.user();
    let ix = swap(
        ix::approve_work(&t, &u.pubkey(), &to),
        &employer.pubkey(),
        &stranger.pubkey(),
    );
    let logged = refused(&mut env, ix, &stranger, [t.employer, stranger.pubkey()]);
    let e = IlmError::NotTaskEmployer;
    let line = logged
        .strip_prefix(
            "Program log: AnchorError thrown in programs/ilm/src/instructions/approve_work.rs:",
        )
        .and_then(|rest| rest.split_once(". Error Code: "))
        .map(|(line, _)| line)
        .unwrap_or_else(|| panic!("{logged}"));
    assert!(line.parse::<u32>().is_ok_and(|n| n > 0), "{logged}");
    assert!(
        logged.ends_with(&format!(
            ". Error Code: {e:?}. Error Number: {}. Error Message: {e}.",
            ilm_client::error_code(e)
        )),
        "{logged}"
    );

    let other_employer = env.user();
    let other = env.create_task(&other_employer, default_task(0));
    let ix = swap(
        ix::approve_work(&t, &u.pubkey(), &to),
        &t.vault,
        &other.vault,
    );
    let logged = refused(&mut env, ix, &employer, [t.vault, other.vault]);
    let e = Anchor::ConstraintHasOne;
    assert_eq!(
        logged,
        format!(
            "Program log: AnchorError caused by account: task. Error Code: {e:?}. \
             Error Number: {}. Error Message: {e}.",
            u32::from(e)
        )
    );
}

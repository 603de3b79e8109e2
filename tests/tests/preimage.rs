//! commit_answer, open_reveals, reveal_answer: known-answer work paid by the
//! program itself, in two phases (commits until the deadline, then the
//! employer's salt, then reveals), and settle_work when the employer is silent.
use ilm_client::answer::commitment;
use ilm_client::ix::{self, TaskKeys};
use ilm_client::{ClaimStatus, IlmError, Verifier};
use ilm_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

const ANSWER: &[u8] = b"cat";
const SALT: [u8; 32] = [42; 32];
/// The employer's secret the answer hash is salted with.
const EMPLOYER_SALT: [u8; 32] = [0x5a; 32];
const REWARD: u64 = 10_000_000;
/// The default task's deadline and review (reveal) window.
const DEADLINE: i64 = T0 + 7 * 86_400;
const WINDOW: i64 = 86_400;

/// The Preimage verifier of `task` for `answer` under the employer's salt.
fn preimage(task: &anchor_lang::prelude::Pubkey, answer: &[u8]) -> Verifier {
    preimage_verifier(task, &EMPLOYER_SALT, answer)
}

/// A Preimage task whose answer is "cat", with one leased claim.
fn labeling(flavor: Flavor) -> (Env, Keypair, TaskKeys, Keypair) {
    let mut env = Env::new(flavor);
    let employer = env.user();
    let keys = env.task_keys(&employer.pubkey(), 0);
    let mut args = default_task(0);
    args.verifier = preimage(&keys.task, ANSWER);
    let t = env.create_task(&employer, args);
    let u = env.staked_user(150_000_000);
    env.claim(&t, &u);
    (env, employer, t, u)
}

fn commit(env: &mut Env, t: &TaskKeys, u: &Keypair, answer: &[u8], salt: [u8; 32]) {
    let c = commitment(&t.task, &u.pubkey(), answer, &salt);
    env.ok(ix::commit_answer(t, &u.pubkey(), c), &[u]);
}

/// Moves past the deadline and publishes the employer's salt.
fn open(env: &mut Env, employer: &Keypair, t: &TaskKeys) {
    env.warp_to(DEADLINE);
    env.ok(ix::open_reveals(t, EMPLOYER_SALT), &[employer]);
}

fn reveal(
    env: &Env,
    t: &TaskKeys,
    u: &Keypair,
    answer: &[u8],
    salt: [u8; 32],
) -> anchor_lang::solana_program::instruction::Instruction {
    ix::reveal_answer(
        t,
        &u.pubkey(),
        &env.wallet(&u.pubkey()),
        answer.to_vec(),
        salt,
    )
}

#[test]
fn right_answer_pays_once_reveals_open() {
    for flavor in [Flavor::Token, Flavor::Token2022] {
        let (mut env, employer, t, u) = labeling(flavor);
        commit(&mut env, &t, &u, ANSWER, SALT);
        assert_eq!(
            env.claim_state(&t, &u.pubkey()).status,
            ClaimStatus::Committed
        );
        open(&mut env, &employer, &t);
        let Verifier::Preimage {
            salt, opened_at, ..
        } = env.task_state(&t).verifier
        else {
            unreachable!()
        };
        assert_eq!((salt, opened_at), (EMPLOYER_SALT, DEADLINE));
        let ix = reveal(&env, &t, &u, ANSWER, SALT);
        env.ok(ix, &[&u]);
        assert_eq!(
            env.balance(&env.wallet(&u.pubkey())),
            STARTING_TOKENS + REWARD
        );
        assert_eq!(env.claim_state(&t, &u.pubkey()).status, ClaimStatus::Paid);
        let s = env.stake_state(&u.pubkey());
        assert_eq!((s.locked, s.completed), (0, 1));
        let task = env.task_state(&t);
        assert_eq!(
            (task.completions, task.active, task.fees_owed),
            (1, 0, 250_000)
        );
        env.assert_conserved(&[t.vault]);
        // a second reveal pays nothing
        let ix = reveal(&env, &t, &u, ANSWER, SALT);
        env.fails(ix, &[&u], IlmError::InvalidClaimState);
    }
}

#[test]
fn reveals_wait_for_the_employers_salt() {
    let (mut env, employer, t, u) = labeling(Flavor::Token);
    commit(&mut env, &t, &u, ANSWER, SALT);
    env.warp(1);
    let ix = reveal(&env, &t, &u, ANSWER, SALT);
    env.fails(ix, &[&u], IlmError::RevealsNotOpen);
    // not before the deadline: commits are still open
    env.fails(
        ix::open_reveals(&t, EMPLOYER_SALT),
        &[&employer],
        IlmError::RevealsOpenTooEarly,
    );
    env.warp_to(DEADLINE);
    // only the employer, only its committed salt, only once
    let stranger = env.user();
    let stranger_ix = swap(
        ix::open_reveals(&t, EMPLOYER_SALT),
        &employer.pubkey(),
        &stranger.pubkey(),
    );
    env.fails(stranger_ix, &[&stranger], IlmError::NotTaskEmployer);
    env.fails(
        ix::open_reveals(&t, [1; 32]),
        &[&employer],
        IlmError::WrongSalt,
    );
    env.ok(ix::open_reveals(&t, EMPLOYER_SALT), &[&employer]);
    env.fails(
        ix::open_reveals(&t, EMPLOYER_SALT),
        &[&employer],
        IlmError::RevealsAlreadyOpen,
    );
    // commits are closed once the deadline passed
    let late = env.staked_user(150_000_000);
    env.fails(
        ix::claim_task(&t, &late.pubkey(), &late.pubkey()),
        &[&late],
        IlmError::TaskExpired,
    );
    env.assert_conserved(&[t.vault]);
}

#[test]
fn wrong_answer_is_refused_cannot_be_retried_and_ends_as_a_rejection() {
    let (mut env, employer, t, u) = labeling(Flavor::Token);
    commit(&mut env, &t, &u, b"dog", SALT);
    open(&mut env, &employer, &t);
    let ix = reveal(&env, &t, &u, b"dog", SALT);
    env.fails(ix, &[&u], IlmError::WrongAnswer);
    // the commitment is final: the right answer no longer matches it
    let ix = reveal(&env, &t, &u, ANSWER, SALT);
    env.fails(ix, &[&u], IlmError::WrongCommitment);
    let c = commitment(&t.task, &u.pubkey(), ANSWER, &SALT);
    env.fails(
        ix::commit_answer(&t, &u.pubkey(), c),
        &[&u],
        IlmError::InvalidClaimState,
    );
    assert_eq!(env.balance(&env.wallet(&u.pubkey())), STARTING_TOKENS);
    // the claim holds its slot until the reveal window closes (deadline +
    // 2 x review_secs), then ends as a rejection whose slash is burned: the
    // employer who set the answer gets none of it
    let slash_to = env.stake_wallet(&employer.pubkey());
    let expire = ix::expire_claim(&t, &env.market, &u.pubkey(), &slash_to);
    env.warp(2 * WINDOW - 1);
    env.fails(expire.clone(), &[], IlmError::LeaseNotExpired);
    env.warp(1);
    let ix = reveal(&env, &t, &u, ANSWER, SALT);
    env.fails(ix, &[&u], IlmError::RevealWindowClosed);
    env.ok(expire, &[]);
    assert_eq!(env.balance(&slash_to), STARTING_TOKENS);
    let s = env.stake_state(&u.pubkey());
    assert_eq!(
        (s.amount, s.locked, s.rejected, s.expired),
        (140_000_000, 0, 1, 0)
    );
    assert_eq!(env.employer_state(&t).rejected, 1);
    assert_eq!(
        env.claim_state(&t, &u.pubkey()).status,
        ClaimStatus::Rejected
    );
    env.assert_conserved(&[t.vault]);
}

#[test]
fn a_silent_employer_pays_every_commitment() {
    let (mut env, employer, t, u) = labeling(Flavor::Token);
    // even a wrong answer: silence must cost the employer, not the contributors
    commit(&mut env, &t, &u, b"dog", SALT);
    let settle = ix::settle_work(
        &t,
        &u.pubkey(),
        &env.wallet(&u.pubkey()),
        &env.payer.pubkey(),
    );
    env.warp_to(DEADLINE);
    env.fails(settle.clone(), &[], IlmError::ReviewWindowOpen);
    let slash_to = env.stake_wallet(&employer.pubkey());
    let expire = ix::expire_claim(&t, &env.market, &u.pubkey(), &slash_to);
    env.fails(expire.clone(), &[], IlmError::RevealsNotOpen);
    env.warp_to(DEADLINE + WINDOW);
    // too late for the employer to open reveals now
    env.fails(
        ix::open_reveals(&t, EMPLOYER_SALT),
        &[&employer],
        IlmError::RevealDeadlinePassed,
    );
    env.fails(expire, &[], IlmError::RevealsNotOpen);
    env.ok(settle, &[]);
    assert_eq!(
        env.balance(&env.wallet(&u.pubkey())),
        STARTING_TOKENS + REWARD
    );
    assert_eq!(env.claim_state(&t, &u.pubkey()).status, ClaimStatus::Paid);
    assert_eq!(env.employer_state(&t).auto_settled, 1);
    env.assert_conserved(&[t.vault]);
}

#[test]
fn an_opened_task_pays_only_revealed_answers() {
    let (mut env, employer, t, u) = labeling(Flavor::Token);
    commit(&mut env, &t, &u, ANSWER, SALT);
    open(&mut env, &employer, &t);
    env.warp(WINDOW);
    let settle = ix::settle_work(
        &t,
        &u.pubkey(),
        &env.wallet(&u.pubkey()),
        &env.payer.pubkey(),
    );
    env.fails(settle, &[], IlmError::InvalidClaimState);
    assert_eq!(env.balance(&env.wallet(&u.pubkey())), STARTING_TOKENS);
}

#[test]
fn wrong_salt_is_refused() {
    let (mut env, employer, t, u) = labeling(Flavor::Token);
    commit(&mut env, &t, &u, ANSWER, SALT);
    open(&mut env, &employer, &t);
    let ix = reveal(&env, &t, &u, ANSWER, [43; 32]);
    env.fails(ix, &[&u], IlmError::WrongCommitment);
}

#[test]
fn someone_elses_commitment_is_useless() {
    let (mut env, employer, t, a) = labeling(Flavor::Token);
    let b = env.staked_user(150_000_000);
    env.claim(&t, &b);
    // b copies a's commitment from the mempool, then a's revealed answer and salt
    let a_commitment = commitment(&t.task, &a.pubkey(), ANSWER, &SALT);
    env.ok(ix::commit_answer(&t, &b.pubkey(), a_commitment), &[&b]);
    open(&mut env, &employer, &t);
    let ix = reveal(&env, &t, &b, ANSWER, SALT);
    env.fails(ix, &[&b], IlmError::WrongCommitment);
}

#[test]
fn copied_answer_without_commitment_is_useless() {
    let (mut env, employer, t, a) = labeling(Flavor::Token);
    let b = env.staked_user(150_000_000);
    env.claim(&t, &b);
    commit(&mut env, &t, &a, ANSWER, SALT);
    open(&mut env, &employer, &t);
    let ix = reveal(&env, &t, &a, ANSWER, SALT);
    env.ok(ix, &[&a]);
    let ix = reveal(&env, &t, &b, ANSWER, SALT);
    env.fails(ix, &[&b], IlmError::InvalidClaimState);
}

#[test]
fn commits_close_with_the_lease() {
    let (mut env, _employer, t, u) = labeling(Flavor::Token);
    env.warp(3_600);
    let c = commitment(&t.task, &u.pubkey(), ANSWER, &SALT);
    env.fails(
        ix::commit_answer(&t, &u.pubkey(), c),
        &[&u],
        IlmError::LeaseExpired,
    );
}

#[test]
fn oversized_answers_and_other_verifiers_are_refused() {
    let (mut env, employer, t, u) = labeling(Flavor::Token);
    let long = vec![1u8; 513];
    commit(&mut env, &t, &u, &long, SALT);
    open(&mut env, &employer, &t);
    let ix = reveal(&env, &t, &u, &long, SALT);
    env.fails(ix, &[&u], IlmError::AnswerTooLong);
    // a Review task takes no commitments, salts or reveals; a Preimage task no submissions
    let (mut env, review_employer, review, v) = leased(Flavor::Token);
    env.fails(
        ix::commit_answer(&review, &v.pubkey(), [1; 32]),
        &[&v],
        IlmError::WrongVerifier,
    );
    env.fails(
        ix::open_reveals(&review, EMPLOYER_SALT),
        &[&review_employer],
        IlmError::WrongVerifier,
    );
    let (mut env, _, t, u) = labeling(Flavor::Token);
    let ix = ix::submit_work(&t, &u.pubkey(), [1; 32], String::new());
    env.fails(ix, &[&u], IlmError::WrongVerifier);
}

#[test]
fn creation_needs_both_hashes_no_salt_and_a_reveal_window() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let keys = env.task_keys(&employer.pubkey(), 0);
    let good = preimage(&keys.task, ANSWER);
    let Verifier::Preimage {
        answer_hash,
        salt_hash,
        ..
    } = good
    else {
        unreachable!()
    };
    let bad = [
        Verifier::Preimage {
            answer_hash: [0; 32],
            salt_hash,
            salt: [0; 32],
            opened_at: 0,
        },
        Verifier::Preimage {
            answer_hash,
            salt_hash: [0; 32],
            salt: [0; 32],
            opened_at: 0,
        },
        Verifier::Preimage {
            answer_hash,
            salt_hash,
            salt: EMPLOYER_SALT,
            opened_at: 0,
        },
        Verifier::Preimage {
            answer_hash,
            salt_hash,
            salt: [0; 32],
            opened_at: T0,
        },
    ];
    let from = env.wallet(&employer.pubkey());
    for verifier in bad {
        let mut args = default_task(0);
        args.verifier = verifier;
        env.fails(
            ix::create_task(&keys, &from, args),
            &[&employer],
            IlmError::InvalidVerifier,
        );
    }
    let mut args = default_task(0);
    args.verifier = good;
    args.review_secs = 3_599;
    env.fails(
        ix::create_task(&keys, &from, args),
        &[&employer],
        IlmError::InvalidVerifier,
    );
}

#[test]
fn reveal_pays_only_the_claims_contributor() {
    let (mut env, employer, t, u) = labeling(Flavor::Token);
    commit(&mut env, &t, &u, ANSWER, SALT);
    open(&mut env, &employer, &t);
    let thief = env.user();
    let ix = ix::reveal_answer(
        &t,
        &u.pubkey(),
        &env.wallet(&thief.pubkey()),
        ANSWER.to_vec(),
        SALT,
    );
    env.fails_anchor(
        ix,
        &[&u],
        anchor_lang::error::ErrorCode::ConstraintTokenOwner,
    );
}

#[test]
fn reveal_in_the_commit_slot_is_refused() {
    let (mut env, employer, t, u) = labeling(Flavor::Token);
    commit(&mut env, &t, &u, ANSWER, SALT);
    // the deadline passes within the commit's slot (a clock jump, same slot)
    let mut clock: anchor_lang::prelude::Clock = env.svm.get_sysvar();
    clock.unix_timestamp = DEADLINE;
    env.svm.set_sysvar(&clock);
    env.ok(ix::open_reveals(&t, EMPLOYER_SALT), &[&employer]);
    let ix = reveal(&env, &t, &u, ANSWER, SALT);
    env.fails(ix, &[&u], IlmError::RevealTooEarly);
}

//! commit_answer, reveal_answer: known-answer work paid by the program itself.
use ilm_client::answer::{answer_hash, commitment};
use ilm_client::ix::{self, TaskKeys};
use ilm_client::{ClaimStatus, IlmError, Verifier};
use ilm_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

const ANSWER: &[u8] = b"cat";
const SALT: [u8; 32] = [42; 32];
const REWARD: u64 = 10_000_000;

/// A Preimage task whose answer is "cat", with one leased claim.
fn labeling(flavor: Flavor) -> (Env, TaskKeys, Keypair) {
    let mut env = Env::new(flavor);
    let employer = env.user();
    let keys = env.task_keys(&employer.pubkey(), 0);
    let mut args = default_task(0);
    args.verifier = Verifier::Preimage {
        answer_hash: answer_hash(&keys.task, ANSWER),
    };
    let t = env.create_task(&employer, args);
    let u = env.staked_user(150_000_000);
    env.claim(&t, &u);
    (env, t, u)
}

fn commit(env: &mut Env, t: &TaskKeys, u: &Keypair, answer: &[u8], salt: [u8; 32]) {
    let c = commitment(&t.task, &u.pubkey(), answer, &salt);
    env.ok(ix::commit_answer(t, &u.pubkey(), c), &[u]);
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
fn right_answer_pays_at_once() {
    for flavor in [Flavor::Token, Flavor::Token2022] {
        let (mut env, t, u) = labeling(flavor);
        commit(&mut env, &t, &u, ANSWER, SALT);
        assert_eq!(
            env.claim_state(&t, &u.pubkey()).status,
            ClaimStatus::Committed
        );
        env.warp(1); // next slot
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
fn wrong_answer_is_refused_and_cannot_be_retried() {
    let (mut env, t, u) = labeling(Flavor::Token);
    commit(&mut env, &t, &u, b"dog", SALT);
    env.warp(1);
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
}

#[test]
fn wrong_salt_is_refused() {
    let (mut env, t, u) = labeling(Flavor::Token);
    commit(&mut env, &t, &u, ANSWER, SALT);
    env.warp(1);
    let ix = reveal(&env, &t, &u, ANSWER, [43; 32]);
    env.fails(ix, &[&u], IlmError::WrongCommitment);
}

#[test]
fn someone_elses_commitment_is_useless() {
    let (mut env, t, a) = labeling(Flavor::Token);
    let b = env.staked_user(150_000_000);
    env.claim(&t, &b);
    // b copies a's commitment from the mempool, then a's revealed answer and salt
    let a_commitment = commitment(&t.task, &a.pubkey(), ANSWER, &SALT);
    env.ok(ix::commit_answer(&t, &b.pubkey(), a_commitment), &[&b]);
    env.warp(1);
    let ix = reveal(&env, &t, &b, ANSWER, SALT);
    env.fails(ix, &[&b], IlmError::WrongCommitment);
}

#[test]
fn copied_answer_without_commitment_is_useless() {
    let (mut env, t, a) = labeling(Flavor::Token);
    let b = env.staked_user(150_000_000);
    env.claim(&t, &b);
    commit(&mut env, &t, &a, ANSWER, SALT);
    env.warp(1);
    let ix = reveal(&env, &t, &a, ANSWER, SALT);
    env.ok(ix, &[&a]);
    let ix = reveal(&env, &t, &b, ANSWER, SALT);
    env.fails(ix, &[&b], IlmError::InvalidClaimState);
}

#[test]
fn reveal_in_the_commit_slot_is_refused() {
    let (mut env, t, u) = labeling(Flavor::Token);
    commit(&mut env, &t, &u, ANSWER, SALT);
    let ix = reveal(&env, &t, &u, ANSWER, SALT);
    env.fails(ix, &[&u], IlmError::RevealTooEarly);
}

#[test]
fn reveal_after_the_deadline_is_refused() {
    let (mut env, t, u) = labeling(Flavor::Token);
    commit(&mut env, &t, &u, ANSWER, SALT);
    env.warp_to(default_task(0).deadline);
    let ix = reveal(&env, &t, &u, ANSWER, SALT);
    env.fails(ix, &[&u], IlmError::LeaseExpired);
}

#[test]
fn oversized_answers_and_other_verifiers_are_refused() {
    let (mut env, t, u) = labeling(Flavor::Token);
    let long = vec![1u8; 513];
    commit(&mut env, &t, &u, &long, SALT);
    env.warp(1);
    let ix = reveal(&env, &t, &u, &long, SALT);
    env.fails(ix, &[&u], IlmError::AnswerTooLong);
    // a Review task takes no commitments, a Preimage task no submissions
    let (mut env, _, review, v) = leased(Flavor::Token);
    env.fails(
        ix::commit_answer(&review, &v.pubkey(), [1; 32]),
        &[&v],
        IlmError::WrongVerifier,
    );
    let (mut env, t, u) = labeling(Flavor::Token);
    let ix = ix::submit_work(&t, &u.pubkey(), [1; 32], String::new());
    env.fails(ix, &[&u], IlmError::WrongVerifier);
}

#[test]
fn reveal_pays_only_the_claims_contributor() {
    let (mut env, t, u) = labeling(Flavor::Token);
    commit(&mut env, &t, &u, ANSWER, SALT);
    env.warp(1);
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

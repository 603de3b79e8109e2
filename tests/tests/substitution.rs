//! Account substitution: another task's bitmap, a Stake as a Claim, a forged
//! instructions sysvar, a closed claim revived, and the vault as the payee.
use anchor_lang::error::ErrorCode as Anchor;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use ilm_client::answer::commitment;
use ilm_client::attest::precompile_instruction;
use ilm_client::ilm::state::Bitmap;
use ilm_client::ix::{self, TaskKeys};
use ilm_client::merkle::Tree;
use ilm_client::{pda, Claim, ClaimStatus, IlmError, Verifier};
use ilm_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_system_interface::instruction::transfer;

const STAKE: u64 = 150_000_000;
const REWARD: u64 = 10_000_000;
const BOND: u64 = 20_000_000;
const ANSWER: &[u8] = b"cat";
const SALT: [u8; 32] = [42; 32];

/// Task `task_id` of `employer`: a Merkle task paying `payouts`, its root
/// published and bitmap shard 0 open.
fn published_merkle(
    env: &mut Env,
    employer: &Keypair,
    task_id: u64,
    payouts: Vec<(Pubkey, u64)>,
) -> (TaskKeys, Tree) {
    let tree = Tree::new(payouts).unwrap();
    let t = env.create_task(employer, merkle_task_args(task_id, tree.total()));
    env.ok(
        ix::publish_root(&t, tree.root(), tree.leaf_count(), tree.total()),
        &[employer],
    );
    let payer = env.payer.pubkey();
    env.ok(ix::init_bitmap(&t, &payer, 0), &[]);
    (t, tree)
}

/// A Preimage task whose answer is "cat" and a contributor who committed it
/// and may now reveal: the deadline passed and the employer opened reveals.
fn committed_answer() -> (Env, TaskKeys, Keypair) {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let keys = env.task_keys(&employer.pubkey(), 0);
    let employer_salt = [0x5a; 32];
    let mut args = default_task(0);
    args.verifier = preimage_verifier(&keys.task, &employer_salt, ANSWER);
    let t = env.create_task(&employer, args);
    let u = env.staked_user(STAKE);
    env.claim(&t, &u);
    let c = commitment(&t.task, &u.pubkey(), ANSWER, &SALT);
    env.ok(ix::commit_answer(&t, &u.pubkey(), c), &[&u]);
    env.warp_to(default_task(0).deadline);
    env.ok(ix::open_reveals(&t, employer_salt), &[&employer]);
    (env, t, u)
}

/// `reveal_answer` of the right answer, paying `to`.
fn reveal_to(t: &TaskKeys, contributor: &Pubkey, to: &Pubkey) -> Instruction {
    ix::reveal_answer(t, contributor, to, ANSWER.to_vec(), SALT)
}

/// A market with one attester (threshold 1), an Attested task of 100 units
/// at 1,000 base units each, and one leased claim.
fn attested_claim() -> (Env, TaskKeys, Keypair) {
    let mut env = Env::attested(Flavor::Token, 1, 1);
    let employer = env.user();
    let t = env.create_task(&employer, attested_task_args(0, 1_000, 100));
    let u = env.staked_user(STAKE);
    env.claim(&t, &u);
    (env, t, u)
}

/// The instructions sysvar's layout for `ixs`, `current` being the executing
/// index: what the runtime writes, here written by the attacker instead.
fn forged_instructions_sysvar(ixs: &[Instruction], current: u16) -> Vec<u8> {
    let mut data = (ixs.len() as u16).to_le_bytes().to_vec();
    data.resize(2 + 2 * ixs.len(), 0);
    for (i, ix) in ixs.iter().enumerate() {
        let at = data.len() as u16;
        data[2 + 2 * i..4 + 2 * i].copy_from_slice(&at.to_le_bytes());
        data.extend_from_slice(&(ix.accounts.len() as u16).to_le_bytes());
        for m in &ix.accounts {
            data.push(u8::from(m.is_signer) | (u8::from(m.is_writable) << 1));
            data.extend_from_slice(m.pubkey.as_ref());
        }
        data.extend_from_slice(ix.program_id.as_ref());
        data.extend_from_slice(&(ix.data.len() as u16).to_le_bytes());
        data.extend_from_slice(&ix.data);
    }
    data.extend_from_slice(&current.to_le_bytes());
    data
}

/// Double payment: a leaf already paid from task A claimed again with task
/// B's bitmap (same ledger, same program), whose bit for that index is clear.
#[test]
fn foreign_bitmap_in_the_same_ledger_is_refused() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let (alice, bob, carol) = (env.user(), env.user(), env.user());
    let (a, tree) = published_merkle(
        &mut env,
        &employer,
        0,
        vec![(alice.pubkey(), 40), (bob.pubkey(), 80)],
    );
    let (b, _) = published_merkle(
        &mut env,
        &employer,
        1,
        vec![(carol.pubkey(), 120), (bob.pubkey(), 40)],
    );
    let to = env.wallet(&alice.pubkey());
    let claim = ix::claim_merkle(&a, 0, &alice.pubkey(), &to, 40, tree.proof(0));
    env.ok(claim.clone(), &[]);
    env.fails(claim.clone(), &[], IlmError::AlreadyClaimed);
    let watched = [to, a.vault, b.vault];
    let before = watched.map(|k| env.balance(&k));
    let foreign = pda::bitmap(&b.task, 0).0;
    let replay = swap(claim, &pda::bitmap(&a.task, 0).0, &foreign);
    env.fails_anchor(replay, &[], Anchor::ConstraintHasOne);
    assert_eq!(watched.map(|k| env.balance(&k)), before);
    assert_eq!(env.balance(&to), STARTING_TOKENS + 40);
    let bits = env.svm.get_account(&foreign).unwrap().data[Bitmap::BITS_OFFSET];
    assert_eq!(bits, 0, "B's leaves are all still unpaid");
    assert!(matches!(
        env.task_state(&a).verifier,
        Verifier::Merkle { claimed: 40, .. }
    ));
    assert!(matches!(
        env.task_state(&b).verifier,
        Verifier::Merkle { claimed: 0, .. }
    ));
    env.assert_conserved(&[a.vault, b.vault]);
}

/// Type cosplay: the contributor's Stake (an account of the same program)
/// handed in where the Claim is expected, to submit work and to be paid.
#[test]
fn a_stake_passed_as_a_claim_is_refused() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    let (claim, stake) = (t.claim(&u.pubkey()), t.stake(&u.pubkey()));
    let submit = ix::submit_work(&t, &u.pubkey(), [9; 32], String::new());
    env.fails_anchor(
        swap(submit, &claim, &stake),
        &[&u],
        Anchor::AccountDiscriminatorMismatch,
    );
    assert_eq!(env.claim_state(&t, &u.pubkey()).status, ClaimStatus::Leased);
    env.submit(&t, &u);
    let to = env.wallet(&u.pubkey());
    let watched = [to, t.vault];
    let before = watched.map(|k| env.balance(&k));
    let approve = ix::approve_work(&t, &u.pubkey(), &to);
    env.fails_anchor(
        swap(approve, &claim, &stake),
        &[&employer],
        Anchor::AccountDiscriminatorMismatch,
    );
    assert_eq!(watched.map(|k| env.balance(&k)), before);
    assert_eq!(env.balance(&to), STARTING_TOKENS);
    assert_eq!(
        env.claim_state(&t, &u.pubkey()).status,
        ClaimStatus::Submitted
    );
    let s = env.stake_state(&u.pubkey());
    assert_eq!((s.amount, s.locked, s.completed), (STAKE, BOND, 0));
    env.assert_conserved(&[t.vault]);
}

/// Forged attestation: an account the attacker wrote, posing as the
/// instructions sysvar, lists a precompile instruction the runtime never ran.
#[test]
fn a_fake_instructions_sysvar_is_refused() {
    let (mut env, t, u) = attested_claim();
    let a = env.attestation(&t, &u.pubkey(), 100);
    let to = env.wallet(&u.pubkey());
    let [_, submit] = attested_payout(&t, &a, &to, &[]);
    // the attester's key with a signature it never made
    let unverified =
        precompile_instruction(&[(attester(0).pubkey().to_bytes(), [0; 64])], &a.message());
    let forged = forged_instructions_sysvar(&[unverified, submit.clone()], 1);
    let fake = Pubkey::new_from_array([0xF5; 32]);
    let account = solana_account::Account {
        lamports: env.svm.minimum_balance_for_rent_exemption(forged.len()),
        data: forged,
        owner: anchor_lang::system_program::ID,
        executable: false,
        rent_epoch: 0,
    };
    env.svm
        .set_account(fake, account)
        .expect("write the forged list");
    let watched = [to, t.vault];
    let before = watched.map(|k| env.balance(&k));
    let ix = swap(submit, &ix::INSTRUCTIONS_SYSVAR, &fake);
    env.fails_anchor(ix, &[], Anchor::ConstraintAddress);
    assert_eq!(watched.map(|k| env.balance(&k)), before);
    assert_eq!(env.balance(&to), STARTING_TOKENS);
    let c = env.claim_state(&t, &u.pubkey());
    assert_eq!((c.status, c.paid_units), (ClaimStatus::Leased, 0));
    env.assert_conserved(&[t.vault]);
}

/// Rent paid twice: once the task is closed, close the claim, send lamports
/// back to its address and close it again, in one transaction or two.
#[test]
fn closing_and_reviving_a_claim_in_one_transaction_does_not_pay_twice() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    env.submit(&t, &u);
    env.approve(&t, &employer, &u.pubkey());
    env.warp_to(default_task(0).deadline + default_task(0).review_secs);
    let employer_wallet = env.wallet(&employer.pubkey());
    let fee_token = env.wallet(&env.fee_owner.pubkey());
    env.ok(
        ix::close_task(&t, &employer_wallet, &fee_token),
        &[&employer],
    );
    let claim = t.claim(&u.pubkey());
    let rent = env.svm.get_account(&claim).unwrap().lamports;
    let lamports = |env: &Env| env.svm.get_account(&u.pubkey()).unwrap().lamports;
    let before = lamports(&env);
    let wallets = [env.wallet(&u.pubkey()), employer_wallet, fee_token];
    let tokens = wallets.map(|k| env.balance(&k));
    let close = ix::close_claim(&t.task, &u.pubkey(), &u.pubkey());
    let revive = transfer(&env.payer.pubkey(), &claim, rent);
    // Anchor's `close` leaves a system-owned account without lamports or
    // data: used again at once, it is not initialized ...
    env.fails_at(
        &[close.clone(), close.clone()],
        &[],
        1,
        InstructionError::Custom(Anchor::AccountNotInitialized as u32),
    );
    // ... and refilled with lamports, it is a system account, not a Claim
    env.fails_at(
        &[close.clone(), revive.clone(), close.clone()],
        &[],
        2,
        InstructionError::Custom(Anchor::AccountOwnedByWrongProgram as u32),
    );
    assert_eq!(lamports(&env), before);
    assert_eq!(env.claim_state(&t, &u.pubkey()).status, ClaimStatus::Paid);
    env.ok(close.clone(), &[]);
    assert_eq!(lamports(&env), before + rent);
    // revived in a later transaction: still not a Claim
    env.fails_at(
        &[revive, close],
        &[],
        1,
        InstructionError::Custom(Anchor::AccountOwnedByWrongProgram as u32),
    );
    assert_eq!(lamports(&env), before + rent);
    assert!(env.try_account::<Claim>(&claim).is_none());
    assert_eq!(wallets.map(|k| env.balance(&k)), tokens);
    assert_eq!(env.balance(&wallets[0]), STARTING_TOKENS + REWARD);
    env.assert_conserved(&[t.vault]);
}

/// The task's own vault named as the payee of a right reveal and of a valid
/// attestation: the vault would pay itself and the work would cost nothing.
#[test]
fn the_vault_cannot_be_the_payee_of_reveal_or_attested() {
    // The vault's token owner is the task PDA, not the contributor, so
    // `token::authority` would refuse it too; but Anchor checks an account's
    // raw `constraint`s before its `token::` group, so `DuplicateAccount`
    // (not `ConstraintTokenOwner`) is the check that refuses it.
    let (mut env, t, u) = committed_answer();
    let to = env.wallet(&u.pubkey());
    let watched = [to, t.vault];
    let before = watched.map(|k| env.balance(&k));
    env.fails(
        reveal_to(&t, &u.pubkey(), &t.vault),
        &[&u],
        IlmError::DuplicateAccount,
    );
    assert_eq!(watched.map(|k| env.balance(&k)), before);
    assert_eq!(env.balance(&to), STARTING_TOKENS);
    assert_eq!(
        env.claim_state(&t, &u.pubkey()).status,
        ClaimStatus::Committed
    );
    env.assert_conserved(&[t.vault]);

    let (mut env, t, u) = attested_claim();
    let a = env.attestation(&t, &u.pubkey(), 10);
    let ixs = attested_payout(&t, &a, &t.vault, &[&attester(0)]);
    let to = env.wallet(&u.pubkey());
    let watched = [to, t.vault];
    let before = watched.map(|k| env.balance(&k));
    env.fails_at(
        &ixs,
        &[],
        1,
        InstructionError::Custom(ilm_client::error_code(IlmError::DuplicateAccount)),
    );
    assert_eq!(watched.map(|k| env.balance(&k)), before);
    assert_eq!(env.balance(&to), STARTING_TOKENS);
    assert_eq!(env.claim_state(&t, &u.pubkey()).paid_units, 0);
    env.assert_conserved(&[t.vault]);
}

/// Every other instruction that moves tokens between a vault and a second
/// token account, given the vault as that account: refused with
/// `DuplicateAccount` (their mutable accounts are `dup`, so Anchor's generic
/// duplicate check no longer stands guard), and no token moves.
#[test]
fn a_vault_cannot_be_the_other_token_account() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    let me = u.pubkey();
    let (vault, stake_vault) = (t.vault, env.market.stake_vault);
    let fee_token = env.wallet(&env.fee_owner.pubkey());
    let (by_employer, by_contributor, by_anyone) = (vec![&employer], vec![&u], vec![]);
    let cases = [
        (ix::fund_task(&t, &vault, 1), &by_employer),
        (ix::cancel_task(&t, &vault), &by_employer),
        (ix::clawback(&t, &vault), &by_employer),
        (ix::close_task(&t, &vault, &fee_token), &by_employer),
        (
            ix::close_task(&t, &env.wallet(&t.employer), &vault),
            &by_employer,
        ),
        (ix::collect_fees(&t, &vault), &by_anyone),
        (
            ix::stake(&env.market, &me, &me, Some(&stake_vault), 1),
            &by_contributor,
        ),
        (
            ix::withdraw_stake(&env.market, &me, &stake_vault),
            &by_contributor,
        ),
        (
            ix::expire_claim(&t, &env.market, &me, &stake_vault),
            &by_anyone,
        ),
    ];
    let watched = [vault, stake_vault, env.wallet(&t.employer), env.wallet(&me)];
    let before = watched.map(|k| env.balance(&k));
    for (ix, signers) in cases {
        env.fails(ix, signers, IlmError::DuplicateAccount);
    }
    assert_eq!(watched.map(|k| env.balance(&k)), before);
    env.assert_conserved(&[vault]);
}

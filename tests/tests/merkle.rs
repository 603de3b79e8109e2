//! publish_root, init_bitmap, claim_merkle, clawback, close_bitmap.
use anchor_lang::error::ErrorCode as Anchor;
use anchor_lang::prelude::Pubkey;
use ilm_client::ilm::constants::MAX_MERKLE_LEAVES;
use ilm_client::ix::{self, TaskKeys};
use ilm_client::merkle::Tree;
use ilm_client::{IlmError, TaskStatus, Verifier};
use ilm_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::time::Instant;

/// A Merkle task whose escrow covers `budget` (+ fee), from a fresh employer.
fn merkle_task(env: &mut Env, budget: u64) -> (Keypair, TaskKeys) {
    let employer = env.user();
    let t = env.create_task(&employer, merkle_task_args(0, budget));
    (employer, t)
}

/// Ten users paid 40, 80, ... 400 base units (multiples of 40: the 2.5 % fee is exact).
fn published(flavor: Flavor) -> (Env, Keypair, TaskKeys, Vec<Keypair>, Tree) {
    let mut env = Env::new(flavor);
    let users: Vec<Keypair> = (0..10).map(|_| env.user()).collect();
    let tree = Tree::new(
        users
            .iter()
            .enumerate()
            .map(|(i, u)| (u.pubkey(), 40 * (i as u64 + 1)))
            .collect(),
    )
    .unwrap();
    let (employer, t) = merkle_task(&mut env, tree.total());
    env.ok(
        ix::publish_root(&t, tree.root(), tree.leaf_count(), tree.total()),
        &[&employer],
    );
    let payer = env.payer.pubkey();
    env.ok(ix::init_bitmap(&t, &payer, 0), &[]);
    (env, employer, t, users, tree)
}

fn claim_ix(
    env: &Env,
    t: &TaskKeys,
    tree: &Tree,
    index: u32,
) -> anchor_lang::solana_program::instruction::Instruction {
    let (recipient, amount) = tree.payout(index).unwrap();
    ix::claim_merkle(
        t,
        index,
        &recipient,
        &env.wallet(&recipient),
        amount,
        tree.proof(index),
    )
}

#[test]
fn every_leaf_is_paid_once_to_its_recipient() {
    for flavor in [Flavor::Token, Flavor::Token2022] {
        let (mut env, _, t, users, tree) = published(flavor);
        for i in 0..tree.leaf_count() {
            let ix = claim_ix(&env, &t, &tree, i);
            env.ok(ix, &[]);
        }
        for (i, u) in users.iter().enumerate() {
            assert_eq!(
                env.balance(&env.wallet(&u.pubkey())),
                STARTING_TOKENS + 40 * (i as u64 + 1)
            );
        }
        let task = env.task_state(&t);
        assert!(
            matches!(task.verifier, Verifier::Merkle { claimed, .. } if claimed == tree.total())
        );
        assert_eq!(task.fees_owed, tree.total() / 40);
        assert_eq!(env.balance(&t.vault), task.fees_owed);
        env.ok(
            ix::collect_fees(&t, &env.wallet(&env.fee_owner.pubkey())),
            &[],
        );
        assert_eq!(env.balance(&t.vault), 0);
        env.assert_conserved(&[t.vault]);
        let ix = claim_ix(&env, &t, &tree, 3);
        env.fails(ix, &[], IlmError::AlreadyClaimed);
    }
}

#[test]
fn forged_leaves_are_refused() {
    let (mut env, _, t, users, tree) = published(Flavor::Token);
    let (recipient, amount) = tree.payout(2).unwrap();
    let to = env.wallet(&recipient);
    // wrong amount
    let ix = ix::claim_merkle(&t, 2, &recipient, &to, amount + 1, tree.proof(2));
    env.fails(ix, &[], IlmError::InvalidProof);
    // someone else named as recipient, with their own account
    let thief = &users[5];
    let ix = ix::claim_merkle(
        &t,
        2,
        &thief.pubkey(),
        &env.wallet(&thief.pubkey()),
        amount,
        tree.proof(2),
    );
    env.fails(ix, &[], IlmError::InvalidProof);
    // the right leaf paid into an account its recipient does not own
    let ix = ix::claim_merkle(
        &t,
        2,
        &recipient,
        &env.wallet(&thief.pubkey()),
        amount,
        tree.proof(2),
    );
    env.fails_anchor(ix, &[], Anchor::ConstraintTokenOwner);
    // the proof of another index
    let ix = ix::claim_merkle(&t, 2, &recipient, &to, amount, tree.proof(3));
    env.fails(ix, &[], IlmError::InvalidProof);
    // an index outside the tree
    let ix = ix::claim_merkle(&t, 10, &recipient, &to, amount, tree.proof(2));
    env.fails(ix, &[], IlmError::LeafIndexOutOfRange);
    // nothing moved
    assert_eq!(env.balance(&t.vault), tree.total() + tree.total() / 40);
}

#[test]
fn bitmaps_belong_to_their_task_and_shard() {
    let mut env = Env::new(Flavor::Token);
    // 65,537 leaves: two shards
    let recipient = env.user();
    let tree = Tree::new((0..65_537).map(|_| (recipient.pubkey(), 40)).collect()).unwrap();
    let (employer, t) = merkle_task(&mut env, tree.total());
    env.ok(
        ix::publish_root(&t, tree.root(), tree.leaf_count(), tree.total()),
        &[&employer],
    );
    let payer = env.payer.pubkey();
    env.ok(ix::init_bitmap(&t, &payer, 0), &[]);
    env.ok(ix::init_bitmap(&t, &payer, 1), &[]);
    env.fails(
        ix::init_bitmap(&t, &payer, 2),
        &[],
        IlmError::LeafIndexOutOfRange,
    );
    // shard 1 holds one leaf: its account is sized for it
    let shard1 = env
        .svm
        .get_account(&ilm_client::pda::bitmap(&t.task, 1).0)
        .unwrap();
    assert_eq!(shard1.data.len(), 8 + 71 + 1);
    let ix = claim_ix(&env, &t, &tree, 65_536);
    let wrong = swap(
        ix.clone(),
        &ilm_client::pda::bitmap(&t.task, 1).0,
        &ilm_client::pda::bitmap(&t.task, 0).0,
    );
    env.fails(wrong, &[], IlmError::WrongShard);
    env.ok(ix, &[]);
    // another task's bitmap cannot stand in
    let (mut other_env, _, other, _, other_tree) = published(Flavor::Token);
    let ix = claim_ix(&other_env, &other, &other_tree, 0);
    let foreign = ilm_client::pda::bitmap(&t.task, 0).0;
    let _ = &mut env;
    let wrong = swap(ix, &ilm_client::pda::bitmap(&other.task, 0).0, &foreign);
    other_env.fails_anchor(wrong, &[], Anchor::AccountNotInitialized);
}

#[test]
fn publish_root_checks() {
    let mut env = Env::new(Flavor::Token);
    let (employer, t) = merkle_task(&mut env, 1_000);
    let stranger = env.user();
    let ix = swap(
        ix::publish_root(&t, [1; 32], 10, 1_000),
        &employer.pubkey(),
        &stranger.pubkey(),
    );
    env.fails_anchor(ix, &[&stranger], Anchor::ConstraintHasOne);
    env.fails(
        ix::publish_root(&t, [1; 32], 10, 1_001),
        &[&employer],
        IlmError::MerkleTotalTooLarge,
    );
    env.fails(
        ix::publish_root(&t, [0; 32], 10, 1_000),
        &[&employer],
        IlmError::ZeroAmount,
    );
    let payer = env.payer.pubkey();
    env.fails(
        ix::init_bitmap(&t, &payer, 0),
        &[],
        IlmError::LeafIndexOutOfRange,
    );
    // The deepest proof that fits a transaction bounds the tree (sizes.rs).
    env.fails(
        ix::publish_root(&t, [1; 32], MAX_MERKLE_LEAVES + 1, 1_000),
        &[&employer],
        IlmError::TooManyLeaves,
    );
    let (other_employer, largest) = merkle_task(&mut env, 1_000);
    env.ok(
        ix::publish_root(&largest, [1; 32], MAX_MERKLE_LEAVES, 1_000),
        &[&other_employer],
    );
    env.ok(ix::publish_root(&t, [1; 32], 10, 1_000), &[&employer]);
    env.fails(
        ix::publish_root(&t, [2; 32], 10, 1_000),
        &[&employer],
        IlmError::RootAlreadyPublished,
    );
    // Merkle tasks are not leased; Review tasks take no root
    let u = env.staked_user(150_000_000);
    env.fails(
        ix::claim_task(&t, &u.pubkey(), &u.pubkey()),
        &[&u],
        IlmError::WrongVerifier,
    );
    let review = env.create_task(&employer, default_task(1));
    env.fails(
        ix::publish_root(&review, [1; 32], 10, 1_000),
        &[&employer],
        IlmError::WrongVerifier,
    );
}

#[test]
fn clawback_after_deadline_then_close_everything() {
    let (mut env, employer, t, _, tree) = published(Flavor::Token);
    for i in 0..4 {
        let ix = claim_ix(&env, &t, &tree, i);
        env.ok(ix, &[]);
    }
    let wallet = env.wallet(&employer.pubkey());
    env.fails(
        ix::clawback(&t, &wallet),
        &[&employer],
        IlmError::ClawbackTooEarly,
    );
    env.warp_to(default_task(0).deadline);
    let stranger = env.user();
    let ix = swap(
        ix::clawback(&t, &wallet),
        &employer.pubkey(),
        &stranger.pubkey(),
    );
    env.fails_anchor(ix, &[&stranger], Anchor::ConstraintHasOne);
    let before = env.balance(&wallet);
    env.ok(ix::clawback(&t, &wallet), &[&employer]);
    let paid: u64 = (0..4).map(|i| tree.payout(i).unwrap().1).sum();
    let fees = paid / 40;
    // unclaimed leaves and the fee escrowed for them come back
    assert_eq!(
        env.balance(&wallet) - before,
        tree.total() + tree.total() / 40 - paid - fees
    );
    assert_eq!(env.balance(&t.vault), fees);
    assert_eq!(env.task_state(&t).status, TaskStatus::Cancelled);
    let ix = claim_ix(&env, &t, &tree, 5);
    env.fails(ix, &[], IlmError::TaskNotOpen);
    env.fails(
        ix::clawback(&t, &wallet),
        &[&employer],
        IlmError::TaskNotOpen,
    );
    // close: fees to the fee owner; then the bitmap's rent back to its payer
    let payer = env.payer.pubkey();
    env.fails(
        ix::close_bitmap(&t.task, 0, &payer),
        &[],
        IlmError::TaskStillOpen,
    );
    env.ok(
        ix::close_task(&t, &wallet, &env.wallet(&env.fee_owner.pubkey())),
        &[&employer],
    );
    let lamports = env.svm.get_account(&payer).unwrap().lamports;
    let rent = env
        .svm
        .get_account(&ilm_client::pda::bitmap(&t.task, 0).0)
        .unwrap()
        .lamports;
    let sent = env.ok(ix::close_bitmap(&t.task, 0, &payer), &[]);
    assert!(sent.cu > 0);
    assert_eq!(
        env.svm.get_account(&payer).unwrap().lamports,
        lamports + rent - 5_000
    );
    env.assert_conserved(&[]);
}

fn recipient(i: u32) -> (Pubkey, Pubkey) {
    let mut owner = [0xB0; 32];
    owner[..4].copy_from_slice(&i.to_le_bytes());
    let mut account = [0xA0; 32];
    account[..4].copy_from_slice(&i.to_le_bytes());
    (
        Pubkey::new_from_array(owner),
        Pubkey::new_from_array(account),
    )
}

/// 50,000 contributors paid through the real `.so`, one leaf per transaction
/// (a crank paying everyone), then every balance and bit checked.
#[test]
fn fifty_thousand_contributors() {
    const N: u32 = 50_000;
    let mut env = Env::new(Flavor::Token);
    let payouts: Vec<(Pubkey, u64)> = (0..N)
        .map(|i| (recipient(i).0, 40 * u64::from(1 + i % 100)))
        .collect();
    let built = Instant::now();
    let tree = Tree::new(payouts.clone()).unwrap();
    let build_time = built.elapsed();
    let (employer, t) = merkle_task(&mut env, tree.total());
    env.ok(
        ix::publish_root(&t, tree.root(), N, tree.total()),
        &[&employer],
    );
    let payer = env.payer.pubkey();
    env.ok(ix::init_bitmap(&t, &payer, 0), &[]);
    let mint = env.mint;
    for i in 0..N {
        let (owner, account) = recipient(i);
        env.raw_token_account(account, &owner, &mint);
    }
    let started = Instant::now();
    let mut max_cu = 0;
    for i in 0..N {
        let (owner, account) = recipient(i);
        let ix = ix::claim_merkle(
            &t,
            i,
            &owner,
            &account,
            payouts[i as usize].1,
            tree.proof(i),
        );
        max_cu = max_cu.max(env.ok(ix, &[]).cu);
    }
    let elapsed = started.elapsed();
    for (i, (_, amount)) in payouts.iter().enumerate() {
        assert_eq!(env.balance(&recipient(i as u32).1), *amount);
    }
    let bitmap = env
        .svm
        .get_account(&ilm_client::pda::bitmap(&t.task, 0).0)
        .unwrap();
    let bits = &bitmap.data[79..];
    assert_eq!(bits.len(), 6_250);
    assert!(bits.iter().all(|b| *b == 0xFF), "every leaf marked paid");
    env.ok(
        ix::collect_fees(&t, &env.wallet(&env.fee_owner.pubkey())),
        &[],
    );
    assert_eq!(env.balance(&t.vault), 0, "the vault is empty");
    println!(
        "50,000 claims: tree built in {build_time:.2?}, claimed in {elapsed:.2?} ({:.0} tx/s), max {max_cu} CU, bitmap rent {} lamports",
        f64::from(N) / elapsed.as_secs_f64(),
        bitmap.lamports
    );
}

#[test]
fn the_vault_cannot_pay_itself() {
    // an employer names the task itself as a recipient: the vault would be the payee
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let keys = env.task_keys(&employer.pubkey(), 0);
    let other = env.user();
    let tree = Tree::new(vec![(keys.task, 40), (other.pubkey(), 40)]).unwrap();
    let t = env.create_task(&employer, merkle_task_args(0, tree.total()));
    env.ok(
        ix::publish_root(&t, tree.root(), 2, tree.total()),
        &[&employer],
    );
    let payer = env.payer.pubkey();
    env.ok(ix::init_bitmap(&t, &payer, 0), &[]);
    let ix = ix::claim_merkle(&t, 0, &t.task, &t.vault, 40, tree.proof(0));
    env.fails(ix, &[], IlmError::DuplicateAccount);
}

#[test]
fn published_payouts_cannot_be_cancelled() {
    let (mut env, employer, t, _, tree) = published(Flavor::Token);
    let wallet = env.wallet(&employer.pubkey());
    env.fails(
        ix::cancel_task(&t, &wallet),
        &[&employer],
        IlmError::RootAlreadyPublished,
    );
    // every leaf is still payable
    let ix = claim_ix(&env, &t, &tree, 9);
    env.ok(ix, &[]);
}

//! Compute units of every ilm instruction on the real `.so`, one transaction
//! each: what `make bench` prints into BENCH.md and what the ceilings test
//! (`tests/tests/ceilings.rs`, against `ceilings.txt` beside this file) holds
//! the payout paths to. The names are the one source for both.
use crate::*;
use anchor_lang::prelude::Pubkey;
use ilm_client::answer::commitment;
use ilm_client::ilm::constants::LEAVES_PER_SHARD;
use ilm_client::ix;
use ilm_client::merkle::Tree;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

const STAKE: u64 = 150_000_000;

/// What one benchmark run measured.
pub struct Measured {
    /// `instruction -> CU` for every instruction.
    pub cu: BTreeMap<&'static str, u64>,
    /// `payout path -> bytes` of the transaction that carried it.
    pub bytes: BTreeMap<&'static str, usize>,
    /// The ledger after the run (for rent figures).
    pub env: Env,
}

/// The ceilings in `ceilings.txt`: `(payout path, Token, Token-2022)`.
pub fn ceilings() -> Vec<(&'static str, u64, u64)> {
    include_str!("ceilings.txt")
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            let [name, token, token22] = cells[..] else {
                panic!("ceilings.txt: {l:?} is not `instruction | Token | Token-2022`");
            };
            let number = |c: &str| c.parse().unwrap_or_else(|_| panic!("ceilings.txt: {c:?}"));
            (name, number(token), number(token22))
        })
        .collect()
}

/// Runs every instruction once (twice where the first call also opens an
/// account).
pub fn measure(flavor: Flavor) -> Measured {
    let mut cu = BTreeMap::new();
    let mut bytes = BTreeMap::new();
    let mut env = Env::without_market(flavor);
    let authority = env.authority.insecure_clone();
    let params = default_params(env.fee_owner.pubkey());
    cu.insert(
        "create_market",
        env.ok(
            ix::create_market(&env.market, params.clone()),
            &[&authority],
        )
        .cu,
    );
    cu.insert(
        "update_market",
        env.ok(ix::update_market(&env.market, params, false), &[&authority])
            .cu,
    );

    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    let wallet = env.wallet(&employer.pubkey());
    let from = env.wallet(&employer.pubkey());
    let t1 = env.task_keys(&employer.pubkey(), 1);
    cu.insert(
        "create_task (employer record exists)",
        env.ok(ix::create_task(&t1, &from, default_task(1)), &[&employer])
            .cu,
    );
    let other = env.user();
    let t2 = env.task_keys(&other.pubkey(), 0);
    let from2 = env.wallet(&other.pubkey());
    cu.insert(
        "create_task (first task: opens employer record)",
        env.ok(ix::create_task(&t2, &from2, default_task(0)), &[&other])
            .cu,
    );
    cu.insert(
        "fund_task",
        env.ok(ix::fund_task(&t, &wallet, 2), &[&employer]).cu,
    );

    let [a, b, c, d, e] = [0; 5].map(|_| env.user());
    cu.insert("stake (opens stake record)", env.stake(&a, STAKE).cu);
    cu.insert("stake (top-up)", env.stake(&a, 1).cu);
    for u in [&b, &c, &d, &e] {
        env.stake(u, STAKE);
    }
    cu.insert("claim_task", env.claim(&t, &a).cu);
    cu.insert("submit_work", env.submit(&t, &a).cu);
    let sent = env.approve(&t, &employer, &a.pubkey());
    cu.insert("approve_work (pays)", sent.cu);
    bytes.insert("approve_work (pays)", sent.bytes);
    env.claim(&t, &b);
    env.submit(&t, &b);
    cu.insert(
        "reject_work",
        env.ok(ix::reject_work(&t, &b.pubkey(), [1; 32]), &[&employer])
            .cu,
    );
    env.claim(&t, &c);
    cu.insert(
        "abandon_claim",
        env.ok(ix::abandon_claim(&t, &c.pubkey()), &[&c]).cu,
    );
    env.claim(&t, &d);
    env.claim(&t, &e);
    env.submit(&t, &e);
    env.warp(86_400);
    let slash_to = env.stake_wallet(&employer.pubkey());
    cu.insert(
        "expire_claim (slashes)",
        env.ok(
            ix::expire_claim(&t, &env.market, &d.pubkey(), &slash_to),
            &[],
        )
        .cu,
    );
    let to = env.wallet(&e.pubkey());
    let sent = env.ok(
        ix::settle_work(&t, &e.pubkey(), &to, &env.payer.pubkey()),
        &[],
    );
    cu.insert("settle_work (pays)", sent.cu);
    bytes.insert("settle_work (pays)", sent.bytes);
    let fee_token = env.wallet(&env.fee_owner.pubkey());
    cu.insert(
        "collect_fees",
        env.ok(ix::collect_fees(&t, &fee_token), &[]).cu,
    );
    cu.insert(
        "cancel_task (refunds)",
        env.ok(ix::cancel_task(&t1, &wallet), &[&employer]).cu,
    );
    cu.insert(
        "request_unstake",
        env.ok(ix::request_unstake(&env.market, &c.pubkey(), STAKE), &[&c])
            .cu,
    );
    env.warp(86_400);
    let w = env.stake_wallet(&c.pubkey());
    cu.insert(
        "withdraw_stake",
        env.ok(ix::withdraw_stake(&env.market, &c.pubkey(), &w), &[&c])
            .cu,
    );
    let empty = env.user();
    env.stake(&empty, 0);
    cu.insert(
        "close_stake",
        env.ok(
            ix::close_stake(
                &env.market.market,
                &empty.pubkey(),
                &empty.pubkey(),
                &empty.pubkey(),
            ),
            &[&empty],
        )
        .cu,
    );
    let pool = ilm_client::pda::sponsor_pool(&empty.pubkey()).0;
    env.svm.airdrop(&pool, 10_000_000).unwrap();
    cu.insert(
        "withdraw_sponsor_pool",
        env.ok(
            ix::withdraw_sponsor_pool(&empty.pubkey(), 1_000_000),
            &[&empty],
        )
        .cu,
    );
    env.warp_to(default_task(0).deadline + default_task(0).review_secs);
    cu.insert(
        "close_task (fees + refund + 2 closes)",
        env.ok(ix::close_task(&t, &wallet, &fee_token), &[&employer])
            .cu,
    );
    cu.insert(
        "close_claim",
        env.ok(ix::close_claim(&t.task, &a.pubkey(), &a.pubkey()), &[])
            .cu,
    );
    measure_verifiers(&mut cu, &mut bytes, flavor);
    Measured { cu, bytes, env }
}

/// The deterministic verifiers' payout paths.
fn measure_verifiers(
    cu: &mut BTreeMap<&'static str, u64>,
    bytes: &mut BTreeMap<&'static str, usize>,
    flavor: Flavor,
) {
    // Preimage
    let mut env = Env::new(flavor);
    let employer = env.user();
    let keys = env.task_keys(&employer.pubkey(), 0);
    let mut args = default_task(0);
    let employer_salt = [0x5a; 32];
    args.verifier = preimage_verifier(&keys.task, &employer_salt, b"cat");
    let t = env.create_task(&employer, args);
    let u = env.staked_user(STAKE);
    env.claim(&t, &u);
    let c = commitment(&t.task, &u.pubkey(), b"cat", &[1; 32]);
    cu.insert(
        "commit_answer",
        env.ok(ix::commit_answer(&t, &u.pubkey(), c), &[&u]).cu,
    );
    env.warp_to(default_task(0).deadline);
    cu.insert(
        "open_reveals",
        env.ok(ix::open_reveals(&t, employer_salt), &[&employer]).cu,
    );
    let to = env.wallet(&u.pubkey());
    let reveal = ix::reveal_answer(&t, &u.pubkey(), &to, b"cat".to_vec(), [1; 32]);
    let sent = env.ok(reveal, &[&u]);
    cu.insert("reveal_answer (pays)", sent.cu);
    bytes.insert("reveal_answer (pays)", sent.bytes);

    // Attested, 1 and 2 signers (attesters 1 and 2 of the fixture)
    let attesters = [attester(1), attester(2)];
    for (name, signers) in [
        ("submit_attested 1-of-1 (pays)", 1usize),
        ("submit_attested 2-of-2 (pays)", 2),
    ] {
        let mut env = Env::with_params(flavor, |p| {
            p.attesters = attesters[..signers].iter().map(|k| k.pubkey()).collect();
            p.attester_threshold = signers as u8;
        });
        let employer = env.user();
        let t = env.create_task(&employer, attested_task_args(0, 1_000, 100));
        let u = env.staked_user(STAKE);
        env.claim(&t, &u);
        let a = env.attestation(&t, &u.pubkey(), 10);
        let signers: Vec<&Keypair> = attesters[..signers].iter().collect();
        let ixs = attested_payout(&t, &a, &env.wallet(&u.pubkey()), &signers);
        let sent = env.send(&ixs, &[]).expect("attested");
        cu.insert(name, sent.cu);
        bytes.insert(name, sent.bytes);
    }

    // Merkle, depth 16 (40,000 leaves)
    let mut env = Env::new(flavor);
    let employer = env.user();
    let owners: Vec<Pubkey> = (0..40_000u32)
        .map(|i| Pubkey::new_from_array([(i % 251) as u8; 32]))
        .collect();
    let tree = Tree::new(owners.iter().map(|o| (*o, 40)).collect()).expect("tree");
    let t = env.create_task(&employer, merkle_task_args(0, tree.total()));
    cu.insert(
        "publish_root",
        env.ok(
            ix::publish_root(&t, tree.root(), tree.leaf_count(), tree.total()),
            &[&employer],
        )
        .cu,
    );
    let payer = env.payer.pubkey();
    cu.insert(
        "init_bitmap (40,000 leaves)",
        env.ok(ix::init_bitmap(&t, &payer, 0), &[]).cu,
    );
    let mint = env.mint;
    let mut worst = 0;
    for i in [0u32, 20_000, 39_999] {
        let account = Pubkey::new_from_array([250; 32].map(|b: u8| b ^ (i % 256) as u8));
        env.raw_token_account(account, &owners[i as usize], &mint);
        let claim = ix::claim_merkle(&t, i, &owners[i as usize], &account, 40, tree.proof(i));
        let sent = env.ok(claim, &[]);
        worst = worst.max(sent.cu);
        bytes.insert("claim_merkle depth 16 (pays; worst of 3)", sent.bytes);
    }
    cu.insert("claim_merkle depth 16 (pays; worst of 3)", worst);
    env.warp_to(default_task(0).deadline);
    let wallet = env.wallet(&employer.pubkey());
    cu.insert(
        "clawback (refunds)",
        env.ok(ix::clawback(&t, &wallet), &[&employer]).cu,
    );
    let fee_token = env.wallet(&env.fee_owner.pubkey());
    env.ok(ix::close_task(&t, &wallet, &fee_token), &[&employer]);
    cu.insert(
        "close_bitmap",
        env.ok(ix::close_bitmap(&t.task, 0, &payer), &[]).cu,
    );
}

/// A whole Merkle epoch paid the way the CLI's crank pays it: one
/// transaction per recipient, creating the recipient's token account
/// (idempotent) before `claim_merkle`.
pub struct EpochRun {
    pub recipients: u32,
    pub transactions: u64,
    pub total_cu: u64,
    pub max_cu: u64,
    /// Task, vault, bitmap shards and employer record: what ilm locks.
    pub ilm_rent: u64,
    /// The recipients' token accounts, paid by the crank.
    pub crank_token_rent: u64,
    /// Signature fees of the payout transactions (5,000 lamports each).
    pub fees: u64,
    /// Bytes of the largest payout transaction.
    pub max_bytes: usize,
    pub wall: Duration,
    /// Where the wall time went: Merkle proofs, building and signing
    /// transactions, and LiteSVM running them (the rest is bookkeeping).
    pub proofs: Duration,
    pub signing: Duration,
    pub executing: Duration,
}

/// Pays `recipients` leaves of 40 tokens each; proof depth `ceil(log2 n)`.
pub fn epoch(flavor: Flavor, recipients: u32) -> EpochRun {
    let mut env = Env::new(flavor);
    let employer = env.user();
    let owners: Vec<Pubkey> = (0..recipients).map(|_| Pubkey::new_unique()).collect();
    let tree = Tree::new(owners.iter().map(|o| (*o, 40)).collect()).expect("tree");
    let t = env.create_task(&employer, merkle_task_args(0, tree.total()));
    env.ok(
        ix::publish_root(&t, tree.root(), tree.leaf_count(), tree.total()),
        &[&employer],
    );
    let payer = env.payer.pubkey();
    let shards: Vec<u16> = (0..recipients.div_ceil(LEAVES_PER_SHARD) as u16).collect();
    for &s in &shards {
        env.ok(ix::init_bitmap(&t, &payer, s), &[]);
    }
    let started = Instant::now();
    let mut run = EpochRun {
        recipients,
        transactions: 0,
        total_cu: 0,
        max_cu: 0,
        ilm_rent: 0,
        crank_token_rent: 0,
        fees: 0,
        max_bytes: 0,
        wall: Duration::ZERO,
        proofs: Duration::ZERO,
        signing: Duration::ZERO,
        executing: Duration::ZERO,
    };
    let token_rent = env.svm.minimum_balance_for_rent_exemption(165);
    for (i, owner) in owners.iter().enumerate() {
        let i = i as u32;
        let step = Instant::now();
        let proof = tree.proof(i);
        run.proofs += step.elapsed();
        let step = Instant::now();
        let to = ilm_client::token::ata(owner, &t.mint, &t.token_program);
        let ixs = [
            ilm_client::token::create_ata(&payer, owner, &t.mint, &t.token_program),
            ix::claim_merkle(&t, i, owner, &to, 40, proof),
        ];
        env.svm.expire_blockhash();
        let tx = Transaction::new_signed_with_payer(
            &ixs,
            Some(&payer),
            &[&env.payer],
            env.svm.latest_blockhash(),
        );
        let bytes = bincode::serialized_size(&tx).expect("serializes") as usize;
        run.signing += step.elapsed();
        let step = Instant::now();
        let meta = env.svm.send_transaction(tx).expect("payout");
        run.executing += step.elapsed();
        run.transactions += 1;
        run.total_cu += meta.compute_units_consumed;
        run.max_cu = run.max_cu.max(meta.compute_units_consumed);
        run.max_bytes = run.max_bytes.max(bytes);
        run.crank_token_rent += token_rent;
    }
    run.wall = started.elapsed();
    run.fees = run.transactions * 5_000;
    let locked = [t.task, t.vault, ix::TaskKeys::employer_record(&t)]
        .into_iter()
        .chain(
            shards
                .iter()
                .map(|&s| ilm_client::pda::bitmap(&t.task, s).0),
        );
    run.ilm_rent = locked
        .map(|k| env.svm.get_account(&k).map_or(0, |a| a.lamports))
        .sum();
    run
}

//! A bounded instruction fuzzer on the real `.so`: from a ledger holding a
//! market, a task of each verifier and claims in every state, it sends every
//! instruction with random data corruption, account substitutions and
//! permutations, alone or in pairs, with a fixed seed and case count. After
//! every case: no host panic, every failure an instruction error, tokens
//! conserved, every task vault still covering what it owes, the stake vault
//! covering every stake, and every token paid to a contributor accounted for
//! by a completion or a Merkle leaf (so nothing moved without a valid proof).
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use ilm_client::answer::commitment;
use ilm_client::ilm::math::fee_on;
use ilm_client::ix::{self, TaskKeys};
use ilm_client::merkle::Tree;
use ilm_client::{pda, Stake, Verifier};
use ilm_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;

/// Cases run in CI, from a fresh ledger every `ROUND` cases (so the early
/// states are visited again); the seed makes every run the same.
const CASES: usize = 10_000;
const ROUND: usize = 500;
const SEED: u64 = 0x1a_b0_0f_5e_ed;

/// xorshift64*: small, deterministic, good enough to pick mutations.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

struct World {
    env: Env,
    /// Everyone who may sign: employer, contributors, market authority.
    signers: Vec<Keypair>,
    contributors: Vec<Pubkey>,
    tasks: Vec<TaskKeys>,
    /// Per task, what its completions (or claimed leaves) say it paid when
    /// last seen: a closed task keeps its last count.
    accounted: Vec<u64>,
    /// Every address an instruction here names, to substitute from.
    pool: Vec<Pubkey>,
    templates: Vec<Vec<Instruction>>,
}

const EMPLOYER_SALT: [u8; 32] = [0x5a; 32];

/// A market with one attester; a Review task (a claim submitted, another
/// leased), a Preimage task (a claim committed), an Attested task (a claim
/// leased) and a Merkle task (root published, shard 0 open).
fn world() -> World {
    let mut env = Env::attested(Flavor::Token, 1, 1);
    let employer = env.user();
    let (a, b, c) = (
        env.staked_user(150_000_000),
        env.staked_user(150_000_000),
        env.staked_user(150_000_000),
    );
    let review = env.create_task(&employer, default_task(0));
    env.claim(&review, &a);
    env.submit(&review, &a);
    env.claim(&review, &b);

    let keys = env.task_keys(&employer.pubkey(), 1);
    let mut args = default_task(1);
    args.verifier = preimage_verifier(&keys.task, &EMPLOYER_SALT, b"cat");
    let preimage = env.create_task(&employer, args);
    env.claim(&preimage, &c);
    let commit = commitment(&preimage.task, &c.pubkey(), b"cat", &[1; 32]);
    env.ok(ix::commit_answer(&preimage, &c.pubkey(), commit), &[&c]);

    let attested = env.create_task(&employer, attested_task_args(2, 1_000, 100));
    env.claim(&attested, &a);

    let contributors = vec![a.pubkey(), b.pubkey(), c.pubkey()];
    let tree = Tree::new(contributors.iter().map(|k| (*k, 40)).collect()).unwrap();
    let merkle = env.create_task(&employer, merkle_task_args(3, tree.total()));
    env.ok(
        ix::publish_root(&merkle, tree.root(), tree.leaf_count(), tree.total()),
        &[&employer],
    );
    let payer = env.payer.pubkey();
    env.ok(ix::init_bitmap(&merkle, &payer, 0), &[]);

    let later = env.task_keys(&employer.pubkey(), 4);
    let tasks = vec![review, preimage, attested, merkle, later];
    let e = employer.pubkey();
    let m = env.market;
    let wallet = |k: &Pubkey| env.wallet(k);
    let fee_token = wallet(&env.fee_owner.pubkey());
    let attestation = env.attestation(&attested, &a.pubkey(), 10);
    let mut templates: Vec<Vec<Instruction>> = vec![
        vec![ix::update_market(
            &m,
            default_params(env.fee_owner.pubkey()),
            true,
        )],
        vec![ix::stake(
            &m,
            &a.pubkey(),
            &a.pubkey(),
            Some(&env.stake_wallet(&a.pubkey())),
            5,
        )],
        vec![ix::request_unstake(&m, &a.pubkey(), 5)],
        vec![ix::close_stake(
            &m.market,
            &a.pubkey(),
            &a.pubkey(),
            &a.pubkey(),
        )],
        vec![ix::withdraw_stake(
            &m,
            &a.pubkey(),
            &env.stake_wallet(&a.pubkey()),
        )],
        vec![ix::create_task(
            &env.task_keys(&e, 4),
            &wallet(&e),
            default_task(4),
        )],
        vec![ix::fund_task(&review, &wallet(&e), 1)],
        vec![ix::cancel_task(&review, &wallet(&e))],
        vec![ix::close_task(&review, &wallet(&e), &fee_token)],
        vec![ix::collect_fees(&review, &fee_token)],
        vec![ix::claim_task(&attested, &b.pubkey(), &b.pubkey())],
        vec![ix::abandon_claim(&review, &b.pubkey())],
        vec![ix::expire_claim(
            &review,
            &m,
            &b.pubkey(),
            &env.stake_wallet(&e),
        )],
        vec![ix::submit_work(&review, &b.pubkey(), [3; 32], "u".into())],
        vec![ix::approve_work(&review, &a.pubkey(), &wallet(&a.pubkey()))],
        vec![ix::reject_work(&review, &a.pubkey(), [4; 32])],
        vec![ix::settle_work(
            &review,
            &a.pubkey(),
            &wallet(&a.pubkey()),
            &payer,
        )],
        vec![ix::close_claim(&review.task, &a.pubkey(), &a.pubkey())],
        vec![ix::commit_answer(&preimage, &c.pubkey(), [6; 32])],
        vec![ix::open_reveals(&preimage, EMPLOYER_SALT)],
        vec![ix::reveal_answer(
            &preimage,
            &c.pubkey(),
            &wallet(&c.pubkey()),
            b"cat".to_vec(),
            [1; 32],
        )],
        attested_payout(
            &attested,
            &attestation,
            &wallet(&a.pubkey()),
            &[&attester(0)],
        )
        .to_vec(),
        vec![ix::publish_root(&merkle, [9; 32], 3, 120)],
        vec![ix::init_bitmap(&merkle, &payer, 1)],
        vec![ix::clawback(&merkle, &wallet(&e))],
        vec![ix::close_bitmap(&merkle.task, 0, &payer)],
    ];
    for (i, recipient) in contributors.iter().enumerate() {
        let (_, amount) = tree.payout(i as u32).unwrap();
        templates.push(vec![ix::claim_merkle(
            &merkle,
            i as u32,
            recipient,
            &wallet(recipient),
            amount,
            tree.proof(i as u32),
        )]);
    }
    let mut pool: Vec<Pubkey> = templates
        .iter()
        .flatten()
        .flat_map(|ix| ix.accounts.iter().map(|m| m.pubkey))
        .chain([Pubkey::new_unique(), pda::bitmap(&merkle.task, 1).0])
        .collect();
    pool.sort();
    pool.dedup();
    // Contributors' reward wallets stay in their own slots: an employer may
    // send its refund to any account, which would look like unearned pay.
    let reward_wallets: Vec<Pubkey> = contributors.iter().map(&wallet).collect();
    pool.retain(|k| !reward_wallets.contains(k));
    let authority = env.authority.insecure_clone();
    World {
        env,
        signers: vec![employer, a, b, c, authority],
        contributors,
        accounted: vec![0; tasks.len()],
        tasks,
        pool,
        templates,
    }
}

/// One random change to `ixs`: corrupt, cut or extend the data of one
/// instruction, put another known address in one account slot, or swap two.
fn mutate(rng: &mut Rng, pool: &[Pubkey], ixs: &mut [Instruction]) {
    let ix = &mut ixs[rng.below(ixs.len())];
    match rng.below(5) {
        0 if !ix.data.is_empty() => {
            let at = rng.below(ix.data.len());
            ix.data[at] ^= 1 << rng.below(8);
        }
        1 => {
            let keep = rng.below(ix.data.len() + 1);
            ix.data.truncate(keep);
        }
        2 => ix.data.extend((0..rng.below(40)).map(|_| rng.next() as u8)),
        3 if !ix.accounts.is_empty() => {
            let at = rng.below(ix.accounts.len());
            ix.accounts[at].pubkey = pool[rng.below(pool.len())];
        }
        _ if ix.accounts.len() > 1 => {
            let (i, j) = (rng.below(ix.accounts.len()), rng.below(ix.accounts.len()));
            ix.accounts.swap(i, j);
        }
        _ => {}
    }
}

impl World {
    /// The keypairs among ours that `ixs` asks to sign; slots asking for a
    /// key we do not hold stop asking (the transaction could not be signed).
    fn signers_for(&self, ixs: &mut [Instruction]) -> Vec<Keypair> {
        let payer = self.env.payer.pubkey();
        let mut out: Vec<Keypair> = Vec::new();
        for meta in ixs.iter_mut().flat_map(|ix| ix.accounts.iter_mut()) {
            if !meta.is_signer || meta.pubkey == payer {
                continue;
            }
            match self.signers.iter().find(|k| k.pubkey() == meta.pubkey) {
                Some(k) if !out.iter().any(|o| o.pubkey() == k.pubkey()) => {
                    out.push(k.insecure_clone())
                }
                Some(_) => {}
                None => meta.is_signer = false,
            }
        }
        out
    }

    /// Solvency and accounting after a case (see the module doc).
    fn check(&mut self, case: usize) {
        let env = &self.env;
        let vaults: Vec<Pubkey> = self.tasks.iter().map(|t| t.vault).collect();
        env.assert_conserved(&vaults);
        for (i, t) in self.tasks.iter().enumerate() {
            let Some(task) = env.try_account::<ilm_client::Task>(&t.task) else {
                continue;
            };
            let vault = env.balance(&t.vault);
            let owed = match task.verifier {
                Verifier::Merkle { total, claimed, .. }
                    if task.status == ilm_client::TaskStatus::Open =>
                {
                    (total - claimed)
                        + (fee_on(total, task.fee_bps) - fee_on(claimed, task.fee_bps))
                }
                Verifier::Merkle { .. } => 0,
                _ => task
                    .escrow_for(task.max_completions - task.completions)
                    .unwrap(),
            };
            assert!(
                vault >= owed + task.fees_owed,
                "case {case}: task {} vault {vault} < owed {owed} + fees {}",
                t.task,
                task.fees_owed
            );
            self.accounted[i] = match task.verifier {
                Verifier::Merkle { claimed, .. } => claimed,
                _ => task.reward * u64::from(task.completions),
            };
        }
        let staked: u64 = self
            .contributors
            .iter()
            .filter_map(|c| env.try_account::<Stake>(&env.market.stake(c)))
            .map(|s| s.amount)
            .sum();
        assert!(
            env.balance(&env.market.stake_vault) >= staked,
            "case {case}: stake vault short"
        );
        let earned: u64 = self
            .contributors
            .iter()
            .map(|c| {
                env.balance(&env.wallet(c))
                    .checked_sub(STARTING_TOKENS)
                    .unwrap_or_else(|| panic!("case {case}: tokens taken from contributor {c}"))
            })
            .sum();
        let accounted: u64 = self.accounted.iter().sum();
        assert_eq!(
            earned, accounted,
            "case {case}: a payment no completion accounts for"
        );
    }
}

#[test]
fn random_instructions_never_move_money_without_a_valid_proof() {
    let mut rng = Rng(SEED);
    let (mut sent, mut refused, mut by_ilm) = (0, 0, 0);
    let mut w = world();
    for case in 0..CASES {
        if case > 0 && case % ROUND == 0 {
            w = world();
        }
        let mut ixs = w.templates[rng.below(w.templates.len())].clone();
        if rng.below(4) == 0 {
            ixs.extend(w.templates[rng.below(w.templates.len())].clone());
        }
        // a quarter of the cases go unchanged, so valid instructions move the
        // ledger through its states (payouts, cancellation, expiry, closing)
        for _ in 0..rng.below(4) {
            mutate(&mut rng, &w.pool, &mut ixs);
        }
        // now and then time passes, so deadlines, leases and windows are crossed
        if rng.below(50) == 0 {
            w.env.warp(rng.below(2 * 86_400) as i64);
        }
        let signers = w.signers_for(&mut ixs);
        let refs: Vec<&Keypair> = signers.iter().collect();
        match w.env.send(&ixs, &refs) {
            Ok(_) => sent += 1,
            Err(f) => {
                assert!(
                    matches!(f.err, TransactionError::InstructionError(..)),
                    "case {case}: not an instruction error: {:?}\n{}",
                    f.err,
                    f.logs.join("\n")
                );
                refused += 1;
                // Anchor's account checks (2000..) and ilm's own errors (6000..)
                if matches!(f.err, TransactionError::InstructionError(_, InstructionError::Custom(c)) if c >= 2000)
                {
                    by_ilm += 1;
                }
            }
        }
        w.check(case);
    }
    println!("fuzz: {CASES} cases, {sent} succeeded, {refused} refused ({by_ilm} by an Anchor or ilm check)");
    // the fuzzer must move the ledger, not only be refused
    assert!(sent > CASES / 40, "only {sent} of {CASES} cases succeeded");
}

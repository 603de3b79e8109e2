//! The floor program (`bench/floor`) beside `ilm.so`: the same payout paths
//! with only their irreducible work, on the same LiteSVM, token program and
//! mint. Each measurement also checks that the payee received the amount, so
//! a floor that skipped its transfer could not pass for a cheap one.
use crate::*;
use ::floor::layout::{self, bitmap, claim, employer, market, stake, task};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
use ilm_client::answer::{answer_hash, commitment};
use ilm_client::attest::{attestation_message, precompile_instruction};
use ilm_client::merkle::Tree;
use solana_account::Account;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::collections::BTreeMap;

/// Where the benchmark deploys the floor.
pub const FLOOR_ID: Pubkey = Pubkey::new_from_array([0xf1; 32]);

const REWARD: u64 = 1_000;
const VAULT_TOKENS: u64 = 1_000_000_000;

/// `target/deploy/floor.so`, next to `ilm.so`.
pub fn floor_path() -> PathBuf {
    deployed("floor.so")
}

/// A floor task: its PDA (the vault's authority), vault and state bytes.
pub struct FloorTask {
    pub key: Pubkey,
    pub vault: Pubkey,
    pub market: Pubkey,
    pub employer: Pubkey,
    pub data: Vec<u8>,
}

fn put(data: &mut [u8], at: usize, bytes: &[u8]) {
    data[at..at + bytes.len()].copy_from_slice(bytes);
}

impl Env {
    /// Deploys the floor into this LiteSVM.
    pub fn with_floor(mut self) -> Env {
        self.svm
            .add_program_from_file(FLOOR_ID, floor_path())
            .expect("deploy floor.so");
        self
    }

    /// Writes a floor-owned account.
    pub fn floor_account(&mut self, key: Pubkey, data: Vec<u8>) {
        let lamports = self.svm.minimum_balance_for_rent_exemption(data.len());
        let account = Account {
            lamports,
            data,
            owner: FLOOR_ID,
            executable: false,
            rent_epoch: 0,
        };
        self.svm.set_account(key, account).expect("floor account");
    }

    /// A task of `employer` with a funded vault; the caller fills the
    /// verifier fields and then calls [`Env::put_floor_task`].
    pub fn floor_task(&mut self, employer: &Pubkey, max_completions: u64) -> FloorTask {
        let market = Pubkey::new_unique();
        let id = 7u64.to_le_bytes();
        let (key, bump) = Pubkey::find_program_address(
            &[b"task", market.as_ref(), employer.as_ref(), &id],
            &FLOOR_ID,
        );
        let vault = Pubkey::new_unique();
        let mint = self.mint;
        self.raw_token_account(vault, &key, &mint);
        let mut v = self.svm.get_account(&vault).expect("vault");
        put(&mut v.data, 64, &VAULT_TOKENS.to_le_bytes());
        self.svm.set_account(vault, v).expect("vault");
        let mut data = vec![0u8; task::LEN];
        put(&mut data, 0, layout::TASK_DISC);
        put(&mut data, task::MARKET, market.as_ref());
        put(&mut data, task::EMPLOYER, employer.as_ref());
        put(&mut data, task::MINT, mint.as_ref());
        put(&mut data, task::VAULT, vault.as_ref());
        put(&mut data, task::TASK_ID, &id);
        data[task::BUMP] = bump;
        put(&mut data, task::REWARD, &REWARD.to_le_bytes());
        put(&mut data, task::FEE_BPS, &250u64.to_le_bytes());
        put(&mut data, task::ACTIVE, &1u64.to_le_bytes());
        put(
            &mut data,
            task::MAX_COMPLETIONS,
            &max_completions.to_le_bytes(),
        );
        put(&mut data, task::REVIEW_SECS, &3_600u64.to_le_bytes());
        FloorTask {
            key,
            vault,
            market,
            employer: *employer,
            data,
        }
    }

    pub fn put_floor_task(&mut self, t: &FloorTask) {
        self.floor_account(t.key, t.data.clone());
    }

    /// The claim and stake of `contributor` on `t` in `status`; returns their keys.
    pub fn floor_claim(
        &mut self,
        t: &FloorTask,
        contributor: &Pubkey,
        status: u8,
        fill: impl FnOnce(&mut [u8]),
    ) -> (Pubkey, Pubkey) {
        let mut c = vec![0u8; claim::LEN];
        put(&mut c, 0, layout::CLAIM_DISC);
        put(&mut c, claim::TASK, t.key.as_ref());
        put(&mut c, claim::CONTRIBUTOR, contributor.as_ref());
        c[claim::STATUS] = status;
        put(&mut c, claim::BOND, &100u64.to_le_bytes());
        fill(&mut c);
        let mut s = vec![0u8; stake::LEN];
        put(&mut s, 0, layout::STAKE_DISC);
        put(&mut s, stake::MARKET, t.market.as_ref());
        put(&mut s, stake::CONTRIBUTOR, contributor.as_ref());
        put(&mut s, stake::LOCKED, &100u64.to_le_bytes());
        put(&mut s, stake::LIVE_CLAIMS, &1u64.to_le_bytes());
        let (ck, sk) = (Pubkey::new_unique(), Pubkey::new_unique());
        self.floor_account(ck, c);
        self.floor_account(sk, s);
        (ck, sk)
    }
}

fn meta(key: Pubkey, writable: bool, signer: bool) -> AccountMeta {
    AccountMeta {
        pubkey: key,
        is_signer: signer,
        is_writable: writable,
    }
}

fn floor_ix(accounts: Vec<AccountMeta>, data: Vec<u8>) -> Instruction {
    Instruction {
        program_id: FLOOR_ID,
        accounts,
        data,
    }
}

/// The accounts every claim payout names in the middle, in ilm's order:
/// task, claim, stake, mint, vault, payee.
fn claim_metas(
    env: &Env,
    t: &FloorTask,
    claim: Pubkey,
    stake: Pubkey,
    to: Pubkey,
) -> Vec<AccountMeta> {
    vec![
        meta(t.key, true, false),
        meta(claim, true, false),
        meta(stake, true, false),
        meta(env.mint, false, false),
        meta(t.vault, true, false),
        meta(to, true, false),
    ]
}

/// Sends `ixs` to the floor and checks that `to` received `amount`.
fn paid(env: &mut Env, ixs: &[Instruction], signers: &[&Keypair], to: &Pubkey, amount: u64) -> u64 {
    let before = env.balance(to);
    let sent = match env.send(ixs, signers) {
        Ok(s) => s,
        Err(f) => panic!("floor: {:?}\n{}", f.err, f.logs.join("\n")),
    };
    assert_eq!(env.balance(to) - before, amount, "the floor paid");
    sent.cu
}

/// `approve_work` or `settle_work` on the floor.
pub fn pay_work_ix(env: &mut Env, tag: u8) -> (Instruction, Keypair, Pubkey) {
    let employer = env.user();
    let contributor = env.user();
    let t = env.floor_task(&employer.pubkey(), 10);
    env.put_floor_task(&t);
    let now = env.now();
    let (ck, sk) = env.floor_claim(&t, &contributor.pubkey(), layout::SUBMITTED, |c| {
        put(c, claim::SUBMITTED_AT, &(now - 7_200).to_le_bytes())
    });
    let mut r = vec![0u8; employer::LEN];
    put(&mut r, 0, layout::EMPLOYER_DISC);
    put(&mut r, employer::MARKET, t.market.as_ref());
    put(&mut r, employer::EMPLOYER, t.employer.as_ref());
    let record = Pubkey::new_unique();
    env.floor_account(record, r);
    let to = env.wallet(&contributor.pubkey());
    let caller = if tag == layout::APPROVE {
        employer
    } else {
        env.user()
    };
    let mut accounts = vec![
        meta(caller.pubkey(), false, true),
        meta(record, true, false),
    ];
    accounts.extend(claim_metas(env, &t, ck, sk, to));
    accounts.push(meta(env.flavor.program_id(), false, false));
    let ix = floor_ix(accounts, vec![tag]);
    (ix, caller, to)
}

/// `reveal_answer` on the floor, revealing `answer` (the task's is "cat").
pub fn reveal_ix(env: &mut Env, answer: &[u8]) -> (Instruction, Keypair, Pubkey) {
    let employer = env.user();
    let contributor = env.user();
    let mut t = env.floor_task(&employer.pubkey(), 10);
    let (salt, employer_salt) = ([1u8; 32], [0x5a; 32]);
    put(
        &mut t.data,
        task::ANSWER_HASH,
        &answer_hash(&t.key, &employer_salt, b"cat"),
    );
    put(&mut t.data, task::EMPLOYER_SALT, &employer_salt);
    let now = env.now();
    put(&mut t.data, task::OPENED_AT, &now.to_le_bytes());
    put(&mut t.data, task::REVEALS_END, &(now + 3_600).to_le_bytes());
    env.put_floor_task(&t);
    let c = commitment(&t.key, &contributor.pubkey(), b"cat", &salt);
    let (ck, sk) = env.floor_claim(&t, &contributor.pubkey(), layout::COMMITTED, |d| {
        put(d, claim::COMMITMENT, &c)
    });
    env.warp(1);
    let to = env.wallet(&contributor.pubkey());
    let mut data = vec![layout::REVEAL];
    data.extend_from_slice(&(answer.len() as u32).to_le_bytes());
    data.extend_from_slice(answer);
    data.extend_from_slice(&salt);
    let mut accounts = vec![meta(contributor.pubkey(), false, true)];
    accounts.extend(claim_metas(env, &t, ck, sk, to));
    accounts.push(meta(env.flavor.program_id(), false, false));
    let ix = floor_ix(accounts, data);
    (ix, contributor, to)
}

/// `submit_attested` on the floor: the precompile with `signers`' signatures
/// over the floor's attestation digest, then the payout of 10 units.
pub fn attested_ixs(env: &mut Env, signers: &[Keypair]) -> ([Instruction; 2], Pubkey) {
    let employer = env.user();
    let contributor = env.user();
    let mut t = env.floor_task(&employer.pubkey(), 100);
    t.data[task::THRESHOLD] = signers.len() as u8;
    t.data[task::ATTESTER_COUNT] = signers.len() as u8;
    for (i, k) in signers.iter().enumerate() {
        put(&mut t.data, task::ATTESTERS + 32 * i, k.pubkey().as_ref());
    }
    env.put_floor_task(&t);
    let domain = [0x44u8; 32];
    let mut m = vec![0u8; market::LEN];
    put(&mut m, 0, layout::MARKET_DISC);
    put(&mut m, market::DOMAIN, &domain);
    env.floor_account(t.market, m);
    let now = env.now();
    let (ck, sk) = env.floor_claim(&t, &contributor.pubkey(), layout::LEASED, |c| {
        put(c, claim::LEASE_EXPIRES_AT, &(now + 86_400).to_le_bytes())
    });
    let (units, result_hash, expires_at) = (10u64, [9u8; 32], now + 600);
    let message = attestation_message(
        &FLOOR_ID,
        &t.market,
        &domain,
        &t.key,
        &contributor.pubkey(),
        units,
        &result_hash,
        expires_at,
    );
    let sigs: Vec<_> = signers
        .iter()
        .map(|k| (k.pubkey().to_bytes(), k.sign_message(&message).into()))
        .collect();
    let to = env.wallet(&contributor.pubkey());
    let mut data = vec![layout::ATTESTED];
    data.extend_from_slice(&units.to_le_bytes());
    data.extend_from_slice(&result_hash);
    data.extend_from_slice(&expires_at.to_le_bytes());
    let mut accounts = vec![meta(t.market, false, false)];
    accounts.extend(claim_metas(env, &t, ck, sk, to));
    accounts.push(meta(ilm_client::ix::INSTRUCTIONS_SYSVAR, false, false));
    accounts.push(meta(env.flavor.program_id(), false, false));
    let ix = floor_ix(accounts, data);
    ([precompile_instruction(&sigs, &message), ix], to)
}

/// A published 40,000-leaf tree on the floor (the benchmark's ilm tree), its
/// task and bitmap.
pub fn merkle_task(env: &mut Env) -> (Tree, Vec<Pubkey>, FloorTask, Pubkey) {
    let owners: Vec<Pubkey> = (0..40_000u32)
        .map(|i| Pubkey::new_from_array([(i % 251) as u8; 32]))
        .collect();
    let tree = Tree::new(owners.iter().map(|o| (*o, 40)).collect()).expect("tree");
    let employer = env.user();
    let mut t = env.floor_task(&employer.pubkey(), 0);
    put(&mut t.data, task::ROOT, &tree.root());
    put(
        &mut t.data,
        task::LEAF_COUNT,
        &u64::from(tree.leaf_count()).to_le_bytes(),
    );
    put(&mut t.data, task::TOTAL, &tree.total().to_le_bytes());
    env.put_floor_task(&t);
    let mut b = vec![0u8; bitmap::BITS + 40_000 / 8];
    put(&mut b, 0, layout::BITMAP_DISC);
    put(&mut b, bitmap::TASK, t.key.as_ref());
    let bitmap = Pubkey::new_unique();
    env.floor_account(bitmap, b);
    (tree, owners, t, bitmap)
}

/// `claim_merkle` of leaf `i` on the floor, paying a fresh token account of its owner.
pub fn merkle_ix(
    env: &mut Env,
    owners: &[Pubkey],
    t: &FloorTask,
    bitmap: Pubkey,
    i: u32,
    proof: Vec<[u8; 32]>,
) -> (Instruction, Pubkey) {
    let to = Pubkey::new_unique();
    let mint = env.mint;
    env.raw_token_account(to, &owners[i as usize], &mint);
    let mut data = vec![layout::MERKLE];
    data.extend_from_slice(&i.to_le_bytes());
    data.extend_from_slice(owners[i as usize].as_ref());
    data.extend_from_slice(&40u64.to_le_bytes());
    data.extend_from_slice(&(proof.len() as u32).to_le_bytes());
    for p in &proof {
        data.extend_from_slice(p);
    }
    let ix = floor_ix(
        vec![
            meta(t.key, true, false),
            meta(bitmap, true, false),
            meta(env.mint, false, false),
            meta(t.vault, true, false),
            meta(to, true, false),
            meta(env.flavor.program_id(), false, false),
        ],
        data,
    );
    (ix, to)
}

/// The floor's compute units for each payout path, under the benchmark's names.
pub fn measure_floor(flavor: Flavor) -> BTreeMap<&'static str, u64> {
    let mut cu = BTreeMap::new();
    let mut env = Env::new(flavor).with_floor();
    for (name, tag) in [
        ("approve_work (pays)", layout::APPROVE),
        ("settle_work (pays)", layout::SETTLE),
    ] {
        let (ix, caller, to) = pay_work_ix(&mut env, tag);
        cu.insert(name, paid(&mut env, &[ix], &[&caller], &to, REWARD));
    }
    let (ix, who, to) = reveal_ix(&mut env, b"cat");
    cu.insert(
        "reveal_answer (pays)",
        paid(&mut env, &[ix], &[&who], &to, REWARD),
    );
    for (name, n) in [
        ("submit_attested 1-of-1 (pays)", 1u8),
        ("submit_attested 2-of-2 (pays)", 2),
    ] {
        let signers: Vec<Keypair> = (1..=n).map(attester).collect();
        let (ixs, to) = attested_ixs(&mut env, &signers);
        cu.insert(name, paid(&mut env, &ixs, &[], &to, 10 * REWARD));
    }
    let (tree, owners, t, bitmap) = merkle_task(&mut env);
    let mut worst = 0;
    for i in [0u32, 20_000, 39_999] {
        let (ix, to) = merkle_ix(&mut env, &owners, &t, bitmap, i, tree.proof(i));
        worst = worst.max(paid(&mut env, &[ix], &[], &to, 40));
    }
    cu.insert("claim_merkle depth 16 (pays; worst of 3)", worst);
    cu
}

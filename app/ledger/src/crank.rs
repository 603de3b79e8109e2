//! The Merkle payout crank: pays every leaf of a published epoch that the
//! on-chain bitmaps do not mark paid yet, so a re-run after a crash or a
//! failed transaction pays only what is left. [`plan`] reads what is left
//! (batched) before anything is spent; recipients' missing token accounts are
//! opened, the crank's payer paying their rent, only when the caller opts in.
use crate::{Batch, Ledger, LedgerError};
use anchor_lang::prelude::Pubkey;
use ilm_client::events::ilm_compute_units;
use ilm_client::ilm::constants::LEAVES_PER_SHARD;
use ilm_client::ilm::state::Bitmap;
use ilm_client::ilm::verify::bitmap::is_set;
use ilm_client::ix::{self, TaskKeys};
use ilm_client::merkle::Tree;
use ilm_client::{accounts, pda, token, Task, Verifier};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::fmt;
use std::time::Instant;

/// What a push did.
#[derive(Debug, Clone, Default)]
pub struct PushStats {
    /// Leaves paid by this run.
    pub paid: u64,
    /// Base units paid by this run.
    pub amount: u64,
    /// Leaves the bitmaps already marked paid when the run began.
    pub already_paid: u64,
    pub transactions: u64,
    /// Recipients' token accounts this run created (and paid the rent of).
    pub accounts_created: u64,
    /// Lamports of rent those accounts locked (the recipients' to reclaim).
    pub rent_paid: u64,
    /// Leaves left unpaid because their recipient has no token account and
    /// opening one was not allowed.
    pub skipped_no_account: u64,
    /// Compute units `claim_merkle` itself used, per payout.
    pub claim_cu: Vec<u64>,
    pub seconds: f64,
}

/// Why a push stopped or did not pay everything.
#[derive(Debug)]
pub enum CrankError {
    /// The task is missing or is not an ilm task.
    NoTask { task: Pubkey, detail: String },
    /// The task pays by another verifier.
    NotMerkle { task: Pubkey },
    /// The task has another root published (or none yet).
    OtherRoot { task: Pubkey },
    /// The ledger could not be read.
    Ledger(LedgerError),
    /// Some payouts failed; everything else was paid and a re-run retries them.
    Payouts {
        failed: Vec<(u32, LedgerError)>,
        attempted: usize,
        stats: PushStats,
    },
}

impl fmt::Display for CrankError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CrankError::NoTask { task, detail } => write!(f, "task {task}: {detail}"),
            CrankError::NotMerkle { task } => write!(
                f,
                "task {task} is not a merkle task: create one with `ilm task create --verifier merkle`"
            ),
            CrankError::OtherRoot { task } => write!(
                f,
                "task {task} has another root published: `ilm merkle publish` this file first"
            ),
            CrankError::Ledger(e) => write!(f, "{e}"),
            CrankError::Payouts {
                failed, attempted, ..
            } => {
                write!(
                    f,
                    "{} of {attempted} payouts failed (re-run to retry them)",
                    failed.len()
                )?;
                match failed.first() {
                    Some((leaf, e)) => write!(f, "; first: leaf {leaf}: {e}"),
                    None => Ok(()),
                }
            }
        }
    }
}

impl std::error::Error for CrankError {}

impl From<LedgerError> for CrankError {
    fn from(e: LedgerError) -> CrankError {
        CrankError::Ledger(e)
    }
}

/// Which leaves the on-chain bitmaps of `task` mark paid.
pub fn paid_leaves(
    ledger: &dyn Ledger,
    task: &Pubkey,
    leaf_count: u32,
) -> Result<Vec<bool>, LedgerError> {
    let mut paid = vec![false; leaf_count as usize];
    for shard in 0..leaf_count.div_ceil(LEAVES_PER_SHARD) {
        let Some(account) = ledger.account(&pda::bitmap(task, shard as u16).0)? else {
            continue;
        };
        let bits = account.data.get(Bitmap::BITS_OFFSET..).unwrap_or_default();
        let first = shard * LEAVES_PER_SHARD;
        for i in first..(first + LEAVES_PER_SHARD).min(leaf_count) {
            paid[i as usize] = is_set(bits, i - first);
        }
    }
    Ok(paid)
}

/// The task at `keys.task`, refused unless it is a Merkle task with `tree`'s
/// root published.
fn merkle_task(ledger: &dyn Ledger, keys: &TaskKeys, tree: &Tree) -> Result<(), CrankError> {
    let no_task = |detail: String| CrankError::NoTask {
        task: keys.task,
        detail,
    };
    let account = ledger
        .account(&keys.task)?
        .ok_or_else(|| no_task(format!("not found on {}", ledger.describe())))?;
    if account.owner != ilm_client::PROGRAM_ID {
        return Err(no_task(format!("owned by {}, not ilm", account.owner)));
    }
    let task: Task = accounts::decode(&account.data).map_err(|e| no_task(e.to_string()))?;
    match task.verifier {
        Verifier::Merkle { root, .. } if root == tree.root() => Ok(()),
        Verifier::Merkle { .. } => Err(CrankError::OtherRoot { task: keys.task }),
        _ => Err(CrankError::NotMerkle { task: keys.task }),
    }
}

/// What a push would do, read before anything is spent.
#[derive(Debug, Clone)]
pub struct Plan {
    /// Leaves the bitmaps do not mark paid yet.
    pub todo: Vec<u32>,
    /// For each of `todo`: whether its recipient has no token account yet.
    pub missing: Vec<bool>,
    /// Rent of one recipient token account of the task's mint, lamports.
    pub rent_per_account: u64,
    /// Leaves already paid.
    pub already_paid: u64,
}

impl Plan {
    /// Token accounts the push would have to open.
    pub fn accounts_to_open(&self) -> u64 {
        self.missing.iter().filter(|m| **m).count() as u64
    }

    /// Lamports of rent opening them would lock.
    pub fn rent_to_open(&self) -> u64 {
        self.accounts_to_open() * self.rent_per_account
    }
}

/// Reads what a push of `tree` on the task at `keys` has left to do: the
/// unpaid leaves and which recipients lack a token account (batched reads).
pub fn plan(ledger: &dyn Ledger, keys: &TaskKeys, tree: &Tree) -> Result<Plan, CrankError> {
    merkle_task(ledger, keys, tree)?;
    let paid = paid_leaves(ledger, &keys.task, tree.leaf_count())?;
    let todo: Vec<u32> = (0..tree.leaf_count())
        .filter(|i| !paid[*i as usize])
        .collect();
    let wallets: Vec<Pubkey> = todo
        .iter()
        .map(|&i| {
            let (recipient, _) = tree.payout(i).expect("todo holds leaves of the tree");
            token::ata(&recipient, &keys.mint, &keys.token_program)
        })
        .collect();
    let missing = ledger
        .accounts(&wallets)?
        .iter()
        .map(Option::is_none)
        .collect();
    // Token-2022's associated accounts carry the immutable-owner extension.
    let len = if keys.token_program == token::TOKEN_2022_PROGRAM {
        token::ACCOUNT_LEN + 5
    } else {
        token::ACCOUNT_LEN
    };
    Ok(Plan {
        already_paid: u64::from(tree.leaf_count()) - todo.len() as u64,
        todo,
        missing,
        rent_per_account: ledger.minimum_balance(len)?,
    })
}

/// How a push runs.
#[derive(Debug, Clone, Copy)]
pub struct PushOptions {
    /// Transactions handed to the ledger at a time.
    pub batch: usize,
    /// Open recipients' missing token accounts (the payer pays their rent);
    /// without it their leaves are skipped and counted.
    pub open_accounts: bool,
}

/// How often a long push saves the embedded ledger: each save rewrites the
/// whole file (12.7 MB after 50,000 recipients).
pub const SAVE_EVERY: std::time::Duration = std::time::Duration::from_secs(10);

/// Pays the leaves of `plan`, `payer` paying the fees (and the rent of any
/// token account `options` allows it to open). `progress(done, todo)` is
/// called after every batch; the ledger is saved every [`SAVE_EVERY`] and at
/// the end, so an interrupted push keeps most of what landed (a re-run pays
/// the rest; on a cluster everything that landed is kept anyway).
pub fn push(
    ledger: &mut dyn Ledger,
    payer: &Keypair,
    keys: &TaskKeys,
    tree: &Tree,
    plan: &Plan,
    options: PushOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<PushStats, CrankError> {
    let started = Instant::now();
    let work: Vec<(u32, bool)> = plan
        .todo
        .iter()
        .copied()
        .zip(plan.missing.iter().copied())
        .filter(|(_, missing)| options.open_accounts || !missing)
        .collect();
    let mut stats = PushStats {
        already_paid: plan.already_paid,
        skipped_no_account: (plan.todo.len() - work.len()) as u64,
        claim_cu: Vec::with_capacity(work.len()),
        ..PushStats::default()
    };
    let mut failed = Vec::new();
    let mut done = 0u64;
    let mut saved = Instant::now();
    progress(0, work.len() as u64);
    for chunk in work.chunks(options.batch.max(1)) {
        let batches: Vec<Batch> = chunk
            .iter()
            .map(|&(i, missing)| {
                let (recipient, amount) = tree.payout(i).expect("todo holds leaves of the tree");
                let wallet = token::ata(&recipient, &keys.mint, &keys.token_program);
                let mut instructions = Vec::with_capacity(2);
                if missing {
                    instructions.push(token::create_ata(
                        &payer.pubkey(),
                        &recipient,
                        &keys.mint,
                        &keys.token_program,
                    ));
                }
                instructions.push(ix::claim_merkle(
                    keys,
                    i,
                    &recipient,
                    &wallet,
                    amount,
                    tree.proof(i),
                ));
                Batch {
                    instructions,
                    signers: vec![],
                }
            })
            .collect();
        let results = ledger.send_all(&batches, payer);
        for (result, &(i, created)) in results.into_iter().zip(chunk) {
            stats.transactions += 1;
            match result {
                Ok(sent) => {
                    stats.paid += 1;
                    stats.amount += tree.payout(i).map_or(0, |p| p.1);
                    if created {
                        stats.accounts_created += 1;
                        stats.rent_paid += plan.rent_per_account;
                    }
                    stats.claim_cu.extend(ilm_compute_units(&sent.logs));
                }
                Err(e) => failed.push((i, e)),
            }
        }
        done += chunk.len() as u64;
        progress(done, work.len() as u64);
        if saved.elapsed() >= SAVE_EVERY {
            ledger.save()?;
            saved = Instant::now();
        }
    }
    ledger.save()?;
    stats.seconds = started.elapsed().as_secs_f64();
    if failed.is_empty() {
        Ok(stats)
    } else {
        Err(CrankError::Payouts {
            failed,
            attempted: work.len(),
            stats,
        })
    }
}

//! `ilm merkle build|publish|claim|push`: one root pays thousands of
//! recipients. `build` turns a CSV into a root and proofs, `publish` puts the
//! root on a Merkle task, recipients `claim`, and `push` cranks every unpaid
//! leaf (resumable: the on-chain bitmap says what is paid).
use crate::context::{tx_fields, Ctx};
use crate::output::Report;
use crate::report;
use crate::units::{format_amount, hex, parse_amount, parse_hex};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use clap::Subcommand;
use ilm_client::events::ilm_compute_units;
use ilm_client::ilm::constants::LEAVES_PER_SHARD;
use ilm_client::ilm::state::Bitmap;
use ilm_client::ilm::verify::bitmap::is_set;
use ilm_client::ix::{self, TaskKeys};
use ilm_client::ledger::{Batch, Ledger};
use ilm_client::merkle::{parse_csv_with, Tree};
use ilm_client::{pda, token, Task, Verifier};
use indicatif::{ProgressBar, ProgressStyle};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Subcommand)]
pub enum MerkleCmd {
    /// Build a tree from a `recipient,amount` CSV (amounts in tokens of --mint).
    Build {
        csv: PathBuf,
        /// The reward mint (for its decimals).
        #[arg(long)]
        mint: Pubkey,
        /// Where to write the root and proofs.
        #[arg(short = 'o', long, default_value = "merkle.json")]
        out: PathBuf,
    },
    /// Put a built root on your Merkle task and open its bitmap shards.
    Publish { task: Pubkey, proofs: PathBuf },
    /// Claim your leaf (or --index) of a published root.
    Claim {
        task: Pubkey,
        proofs: PathBuf,
        #[arg(long)]
        index: Option<u32>,
    },
    /// After the deadline: take back what no leaf claimed (employer only).
    Clawback { task: Pubkey },
    /// Pay every unpaid leaf, many transactions in flight; safe to re-run.
    Push {
        task: Pubkey,
        proofs: PathBuf,
        /// Transactions handed to the ledger at a time.
        #[arg(long, default_value_t = 256)]
        batch: usize,
    },
}

/// The proofs file: every leaf with its proof, so recipients can claim with
/// any tool.
#[derive(Serialize, Deserialize)]
pub struct ProofsFile {
    pub root: String,
    pub leaf_count: u32,
    /// Base units.
    pub total: u64,
    pub leaves: Vec<Leaf>,
}

#[derive(Serialize, Deserialize)]
pub struct Leaf {
    pub index: u32,
    pub recipient: String,
    /// Base units.
    pub amount: u64,
    pub proof: Vec<String>,
}

/// Rebuilds the tree from a proofs file and checks it has the root the file claims.
fn load(path: &Path) -> Result<Tree, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file: ProofsFile = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{} is not a proofs file from `ilm merkle build`: {e}",
            path.display()
        )
    })?;
    let payouts = file
        .leaves
        .iter()
        .map(|l| {
            l.recipient
                .parse()
                .map(|r| (r, l.amount))
                .map_err(|_| format!("leaf {}: bad recipient", l.index))
        })
        .collect::<Result<Vec<(Pubkey, u64)>, String>>()?;
    let tree = Tree::new(payouts).map_err(|e| e.to_string())?;
    if tree.root() != parse_hex(&file.root)? {
        return Err(format!(
            "{}: the leaves do not hash to its root; rebuild it with `ilm merkle build`",
            path.display()
        ));
    }
    Ok(tree)
}

/// The file `build` writes for `tree`.
pub fn proofs_file(tree: &Tree) -> ProofsFile {
    ProofsFile {
        root: hex(&tree.root()),
        leaf_count: tree.leaf_count(),
        total: tree.total(),
        leaves: (0..tree.leaf_count())
            .filter_map(|i| {
                let (recipient, amount) = tree.payout(i)?;
                Some(Leaf {
                    index: i,
                    recipient: recipient.to_string(),
                    amount,
                    proof: tree.proof(i).iter().map(|p| hex(p)).collect(),
                })
            })
            .collect(),
    }
}

fn merkle_task(ctx: &Ctx, task: &Pubkey) -> Result<(TaskKeys, Task), String> {
    let (keys, t) = ctx.task(task)?;
    if !matches!(t.verifier, Verifier::Merkle { .. }) {
        return Err(format!(
            "task {task} is not a merkle task: create one with `ilm task create --verifier merkle`"
        ));
    }
    Ok((keys, t))
}

/// `publish_root` for `tree` and one `init_bitmap` per shard its leaves need,
/// `payer` paying the shards' rent.
pub fn publish_instructions(keys: &TaskKeys, tree: &Tree, payer: &Pubkey) -> Vec<Instruction> {
    let shards = tree.leaf_count().div_ceil(LEAVES_PER_SHARD);
    std::iter::once(ix::publish_root(
        keys,
        tree.root(),
        tree.leaf_count(),
        tree.total(),
    ))
    .chain((0..shards).map(|shard| ix::init_bitmap(keys, payer, shard as u16)))
    .collect()
}

/// Which leaves the on-chain bitmaps mark paid.
pub fn paid_leaves(
    ledger: &dyn Ledger,
    task: &Pubkey,
    leaf_count: u32,
) -> Result<Vec<bool>, String> {
    let mut paid = vec![false; leaf_count as usize];
    for shard in 0..leaf_count.div_ceil(LEAVES_PER_SHARD) {
        let Some(account) = ledger
            .account(&pda::bitmap(task, shard as u16).0)
            .map_err(|e| e.to_string())?
        else {
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

pub fn run(ctx: &mut Ctx, cmd: MerkleCmd) -> Result<Report, String> {
    match cmd {
        MerkleCmd::Build { csv, mint, out } => {
            let decimals = ctx.mint(&mint)?.decimals;
            let text = std::fs::read_to_string(&csv)
                .map_err(|e| format!("cannot read {}: {e}", csv.display()))?;
            let payouts = parse_csv_with(&text, |a| parse_amount(a, decimals))
                .map_err(|e| format!("{}: {e}", csv.display()))?;
            let tree = Tree::new(payouts).map_err(|e| e.to_string())?;
            let json = serde_json::to_string(&proofs_file(&tree)).map_err(|e| e.to_string())?;
            std::fs::write(&out, json).map_err(|e| format!("{}: {e}", out.display()))?;
            Ok(report! {
                "root" => hex(&tree.root()),
                "leaves" => tree.leaf_count(),
                "total" => format_amount(tree.total(), decimals),
                "proofs" => out.display().to_string(),
            })
        }
        MerkleCmd::Publish { task, proofs } => {
            let (keys, t) = merkle_task(ctx, &task)?;
            let tree = load(&proofs)?;
            let (sent, _) = ctx.send(&publish_instructions(&keys, &tree, &ctx.me()), &[])?;
            let d = ctx.mint(&t.mint)?.decimals;
            let mut r = report! {
                "task" => task.to_string(),
                "root" => hex(&tree.root()),
                "leaves" => tree.leaf_count(),
                "total" => format_amount(tree.total(), d),
            };
            tx_fields(&mut r, &sent);
            Ok(r)
        }
        MerkleCmd::Claim {
            task,
            proofs,
            index,
        } => {
            let (keys, _) = merkle_task(ctx, &task)?;
            let tree = load(&proofs)?;
            let me = ctx.me();
            let index = match index {
                Some(i) => i,
                None => (0..tree.leaf_count())
                    .find(|i| tree.payout(*i).is_some_and(|(r, _)| r == me))
                    .ok_or_else(|| {
                        format!(
                            "{me} has no leaf in {}: pass --index to claim for someone else",
                            proofs.display()
                        )
                    })?,
            };
            let (recipient, amount) = tree
                .payout(index)
                .ok_or_else(|| format!("no leaf {index} in {}", proofs.display()))?;
            let (wallet, mut ixs) = ctx.wallet(&recipient, &keys.mint, &keys.token_program)?;
            ixs.push(ix::claim_merkle(
                &keys,
                index,
                &recipient,
                &wallet,
                amount,
                tree.proof(index),
            ));
            let (sent, _) = ctx.send(&ixs, &[])?;
            let d = ctx.mint(&keys.mint)?.decimals;
            let mut r = report! {
                "task" => task.to_string(),
                "index" => index,
                "recipient" => recipient.to_string(),
                "paid" => format_amount(amount, d),
            };
            tx_fields(&mut r, &sent);
            Ok(r)
        }
        MerkleCmd::Clawback { task } => {
            let (keys, t) = merkle_task(ctx, &task)?;
            let d = ctx.mint(&t.mint)?.decimals;
            let (wallet, mut ixs) = ctx.wallet(&ctx.me(), &keys.mint, &keys.token_program)?;
            let before = ctx.balance(&wallet)?;
            ixs.push(ix::clawback(&keys, &wallet));
            let (sent, _) = ctx.send(&ixs, &[])?;
            let mut r = report! {
                "task" => task.to_string(),
                "clawed_back" => format_amount(ctx.balance(&wallet)? - before, d),
            };
            tx_fields(&mut r, &sent);
            Ok(r)
        }
        MerkleCmd::Push {
            task,
            proofs,
            batch,
        } => {
            let tree = load(&proofs)?;
            push(ctx, &task, &tree, batch.max(1))
                .map(|s| s.report(ctx.mint(&s.mint).map(|m| m.decimals).unwrap_or(0)))
        }
    }
}

/// What a push did.
pub struct PushStats {
    pub mint: Pubkey,
    pub paid: u64,
    pub amount: u64,
    pub already_paid: u64,
    pub transactions: u64,
    pub accounts_created: u64,
    /// Compute units `claim_merkle` itself used, per payout.
    pub claim_cu: Vec<u64>,
    pub seconds: f64,
}

impl PushStats {
    fn report(&self, decimals: u8) -> Report {
        let avg = self.claim_cu.iter().sum::<u64>() / (self.claim_cu.len() as u64).max(1);
        report! {
            "leaves_paid" => self.paid,
            "amount_paid" => format_amount(self.amount, decimals),
            "already_paid" => self.already_paid,
            "transactions" => self.transactions,
            "token_accounts_created" => self.accounts_created,
            "claim_merkle_cu_avg" => avg,
            "claim_merkle_cu_max" => self.claim_cu.iter().max().copied().unwrap_or(0),
            "seconds" => format!("{:.1}", self.seconds),
            "payouts_per_second" => format!("{:.0}", self.paid as f64 / self.seconds.max(1e-9)),
        }
    }
}

/// Pays every leaf the bitmaps do not mark paid, `batch` transactions at a
/// time, creating recipients' token accounts where missing. Fails (after
/// doing everything it could) if any payout failed; re-running retries them.
pub fn push(ctx: &mut Ctx, task: &Pubkey, tree: &Tree, batch: usize) -> Result<PushStats, String> {
    let (keys, t) = merkle_task(ctx, task)?;
    if !matches!(t.verifier, Verifier::Merkle { root, .. } if root == tree.root()) {
        return Err(format!(
            "task {task} has another root published: `ilm merkle publish` this file first"
        ));
    }
    let started = Instant::now();
    let paid_before = paid_leaves(ctx.ledger.as_ref(), task, tree.leaf_count())?;
    let todo: Vec<u32> = (0..tree.leaf_count())
        .filter(|i| !paid_before[*i as usize])
        .collect();
    let bar = if ctx.interactive() {
        ProgressBar::new(todo.len() as u64)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} leaves, {per_sec}, eta {eta}")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );
    bar.set_message("paying");
    let mut stats = PushStats {
        mint: keys.mint,
        paid: 0,
        amount: 0,
        already_paid: (tree.leaf_count() as usize - todo.len()) as u64,
        transactions: 0,
        accounts_created: 0,
        claim_cu: Vec::with_capacity(todo.len()),
        seconds: 0.0,
    };
    let mut failures = Vec::new();
    for chunk in todo.chunks(batch) {
        let mut batches = Vec::with_capacity(chunk.len());
        let mut creates = Vec::with_capacity(chunk.len());
        for &i in chunk {
            let (recipient, amount) = tree.payout(i).ok_or("leaf out of range")?;
            let wallet = token::ata(&recipient, &keys.mint, &keys.token_program);
            let missing = ctx
                .ledger
                .account(&wallet)
                .map_err(|e| e.to_string())?
                .is_none();
            let mut instructions = Vec::with_capacity(2);
            if missing {
                instructions.push(token::create_ata(
                    &ctx.me(),
                    &recipient,
                    &keys.mint,
                    &keys.token_program,
                ));
            }
            instructions.push(ix::claim_merkle(
                &keys,
                i,
                &recipient,
                &wallet,
                amount,
                tree.proof(i),
            ));
            batches.push(Batch {
                instructions,
                signers: vec![],
            });
            creates.push(missing);
        }
        let results = ctx.ledger.send_all(&batches, &ctx.payer);
        for ((result, &i), created) in results.into_iter().zip(chunk).zip(creates) {
            stats.transactions += 1;
            match result {
                Ok(sent) => {
                    stats.paid += 1;
                    stats.amount += tree.payout(i).map_or(0, |p| p.1);
                    stats.accounts_created += u64::from(created);
                    stats.claim_cu.extend(ilm_compute_units(&sent.logs));
                }
                Err(e) => failures.push(format!("leaf {i}: {e}")),
            }
        }
        bar.inc(chunk.len() as u64);
        // An interrupted push keeps what landed.
        ctx.save()?;
    }
    bar.finish_and_clear();
    stats.seconds = started.elapsed().as_secs_f64();
    if failures.is_empty() {
        Ok(stats)
    } else {
        Err(format!(
            "{} of {} payouts failed (re-run to retry them); first: {}",
            failures.len(),
            todo.len(),
            failures[0]
        ))
    }
}

//! `ilm merkle build|publish|claim|push`: one root pays thousands of
//! recipients. `build` turns a CSV into a root and proofs, `publish` puts the
//! root on a Merkle task, recipients `claim`, and `push` cranks every unpaid
//! leaf (resumable: the on-chain bitmap says what is paid).
use crate::context::{tx_fields, Ctx};
use crate::output::Report;
use crate::payouts::{push, push_report};
use crate::report;
use crate::units::{format_amount, format_sol, hex, parse_amount};
use anchor_lang::prelude::Pubkey;
use clap::Subcommand;
use ilm_client::accounts::decode;
use ilm_client::files::ProofsFile;
use ilm_client::ilm::constants::LEAVES_PER_SHARD;
use ilm_client::ilm::state::Bitmap;
use ilm_client::ix::{self, TaskKeys};
use ilm_client::merkle::{parse_csv_with, Tree};
use ilm_client::{pda, Task, Verifier};
use ilm_ledger::crank::PushOptions;
use std::path::{Path, PathBuf};

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
    /// After the task is closed: return every bitmap shard's rent to whoever
    /// paid it (anyone may).
    CloseBitmaps { task: Pubkey },
    /// Pay every unpaid leaf, many transactions in flight; safe to re-run.
    Push {
        task: Pubkey,
        proofs: PathBuf,
        /// Transactions handed to the ledger at a time.
        #[arg(long, default_value_t = 256)]
        batch: usize,
        /// Open recipients' missing token accounts, paying their rent (about
        /// 0.002 SOL each; the cost is shown first). Without it those leaves
        /// are skipped and counted.
        #[arg(long)]
        create_accounts: bool,
    },
}

/// Reads a proofs file and rebuilds its tree, checked against its root.
fn load(path: &Path) -> Result<Tree, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    let file: ProofsFile = serde_json::from_str(&text).map_err(|e| {
        format!(
            "{} is not a proofs file from `ilm merkle build`: {e}",
            path.display()
        )
    })?;
    file.tree().map_err(|e| format!("{}: {e}", path.display()))
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

pub fn run(ctx: &mut Ctx, cmd: MerkleCmd) -> Result<Report, String> {
    match cmd {
        MerkleCmd::Build { csv, mint, out } => {
            let decimals = ctx.mint(&mint)?.decimals;
            let text = std::fs::read_to_string(&csv)
                .map_err(|e| format!("cannot read {}: {e}", csv.display()))?;
            let payouts = parse_csv_with(&text, |a| parse_amount(a, decimals))
                .map_err(|e| format!("{}: {e}", csv.display()))?;
            let tree = Tree::new(payouts).map_err(|e| e.to_string())?;
            let json = serde_json::to_string(&ProofsFile::new(&tree)).map_err(|e| e.to_string())?;
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
            // A publish cut short is finished by running it again: the root
            // stays, and only the shards still missing are opened.
            let instructions = match t.verifier {
                Verifier::Merkle { root, .. } if root == tree.root() => {
                    let mut missing = Vec::new();
                    for shard in 0..tree.leaf_count().div_ceil(LEAVES_PER_SHARD) {
                        let bitmap = pda::bitmap(&task, shard as u16).0;
                        if ctx
                            .ledger
                            .account(&bitmap)
                            .map_err(|e| e.to_string())?
                            .is_none()
                        {
                            missing.push(shard as u16);
                        }
                    }
                    ix::init_bitmaps(&keys, &ctx.me(), &missing)
                }
                _ => ix::publish_tree(&keys, &tree, &ctx.me()),
            };
            let sent = if instructions.is_empty() {
                None
            } else {
                Some(ctx.send(&instructions, &[])?.0)
            };
            let d = ctx.mint(&t.mint)?.decimals;
            let mut r = report! {
                "task" => task.to_string(),
                "root" => hex(&tree.root()),
                "leaves" => tree.leaf_count(),
                "total" => format_amount(tree.total(), d),
            };
            if let Some(sent) = sent {
                tx_fields(&mut r, &sent);
            }
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
        MerkleCmd::CloseBitmaps { task } => {
            ctx.require_task_closed(&task, "bitmaps")?;
            // Shards are numbered from 0 without gaps.
            let mut closed = 0u64;
            let mut rent = 0u64;
            let mut last = None;
            for shard in 0..=u16::MAX {
                let address = pda::bitmap(&task, shard).0;
                let Some(account) = ctx.ledger.account(&address).map_err(|e| e.to_string())? else {
                    break;
                };
                let bitmap: Bitmap = decode(&account.data)
                    .map_err(|e| format!("{address} is not an ilm bitmap: {e}"))?;
                let (sent, _) = ctx.send(&[ix::close_bitmap(&task, shard, &bitmap.payer)], &[])?;
                closed += 1;
                rent += account.lamports;
                last = Some(sent);
            }
            let mut r = report! {
                "task" => task.to_string(),
                "bitmaps_closed" => closed,
                "rent_returned_sol" => format_sol(rent),
            };
            if let Some(sent) = last {
                tx_fields(&mut r, &sent);
            }
            Ok(r)
        }
        MerkleCmd::Push {
            task,
            proofs,
            batch,
            create_accounts,
        } => {
            let (keys, t) = merkle_task(ctx, &task)?;
            let tree = load(&proofs)?;
            let options = PushOptions {
                batch,
                open_accounts: create_accounts,
            };
            let stats = push(ctx, &keys, &tree, options)?;
            Ok(push_report(&stats, ctx.mint(&t.mint)?.decimals))
        }
    }
}

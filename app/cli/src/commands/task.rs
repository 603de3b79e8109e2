//! `ilm task create|fund|cancel|open-reveals|close|show|list`: an employer's
//! bounties and their escrow.
use crate::answers::{load_answer, random_salt, save_answer};
use crate::context::{tx_fields, Ctx};
use crate::output::Report;
use crate::payouts::verifier_name;
use crate::report;
use crate::units::{
    claim_status, format_amount, format_duration, format_remaining, hex, hex_or_none, parse_amount,
    parse_duration, parse_hex, task_status, time_or_none,
};
use anchor_lang::prelude::Pubkey;
use clap::{Args, Subcommand, ValueEnum};
use ilm_client::events::{self, Event};
use ilm_client::ilm::instructions::CreateTaskArgs;
use ilm_client::{answer, ix, pda, token, Claim, Employer, Qualification, Task, Verifier};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum TaskCmd {
    /// Post a task and escrow its bounty (reward + fee per slot).
    Create(Box<CreateArgs>),
    /// Escrow more slots.
    Fund {
        task: Pubkey,
        /// Slots (or units, or nothing for Merkle) to add.
        slots: u32,
    },
    /// Stop new claims and take back what no live claim can still earn (an
    /// Attested task keeps its units until its live leases end; `close` returns them).
    Cancel { task: Pubkey },
    /// Preimage, after the deadline: publish the salt `create` saved, so
    /// contributors can reveal (employer only). If you never do, every
    /// committed claim is paid after deadline + review window.
    OpenReveals {
        task: Pubkey,
        /// Hex salt [default: the one `create` saved].
        #[arg(long)]
        salt: Option<String>,
    },
    /// After the deadline and every review window: refund what is left, pay fees, reclaim rent.
    Close { task: Pubkey },
    /// Pay a task's protocol fees so far to the market's fee owner (anyone).
    CollectFees { task: Pubkey },
    /// Show a task and its escrow.
    Show { task: Pubkey },
    /// Every claim on a task: contributor, status, bond, result hash and URI.
    Claims { task: Pubkey },
    /// An employer's public record in the market (tasks, approvals, rejections).
    Employer {
        /// The employer [default: you].
        employer: Option<Pubkey>,
    },
    /// List the market's tasks.
    List {
        /// Only this employer's tasks.
        #[arg(long)]
        employer: Option<Pubkey>,
        /// Only tasks you posted.
        #[arg(long, conflicts_with = "employer")]
        mine: bool,
    },
}

/// How the work is proven and paid.
#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum VerifierKind {
    /// You approve or reject; silence past the review window pays.
    Review,
    /// A known answer, paid by commit-reveal (`--answer`).
    Preimage,
    /// m-of-n attester signatures of work units (DePIN); reward is per unit.
    Attested,
    /// One Merkle root paying many recipients (`--reward` is the whole budget).
    Merkle,
}

#[derive(Args)]
pub struct CreateArgs {
    /// Reward mint.
    #[arg(long)]
    mint: Pubkey,
    /// How the work is verified.
    #[arg(long, value_enum, default_value_t = VerifierKind::Review)]
    verifier: VerifierKind,
    /// Tokens per completion (per unit for attested; the whole budget for merkle).
    #[arg(long)]
    reward: String,
    /// Completions (units for attested) to escrow now.
    #[arg(long, default_value_t = 1)]
    slots: u32,
    /// No claims after this long from now (e.g. 7d).
    #[arg(long, default_value = "7d")]
    deadline: String,
    /// How long a claim holds its slot (e.g. 1h).
    #[arg(long, default_value = "1h")]
    lease: String,
    /// Stake locked per claim, in stake-mint tokens (above 0; not for merkle tasks).
    #[arg(long)]
    bond: Option<String>,
    /// Leases without a bond the task admits at once: newcomers with no
    /// stake (or less than the bond) may claim these; they risk no bond.
    #[arg(long, default_value_t = 0)]
    newcomer_slots: u32,
    /// Your window to judge a submission before it pays itself (review
    /// tasks), or for contributors to reveal after `open-reveals` (preimage, at least 1h).
    #[arg(long, default_value = "1d")]
    review: String,
    /// The task specification; its sha256 goes on-chain.
    #[arg(long)]
    spec: PathBuf,
    /// Where contributors find the spec [default: file:<spec file name>].
    #[arg(long)]
    spec_uri: Option<String>,
    /// The known answer (preimage tasks); only its hash, salted with a
    /// secret saved in ILM_HOME for `open-reveals`, goes on-chain.
    #[arg(long)]
    answer: Option<String>,
    /// Paid completions a contributor needs in this market.
    #[arg(long, default_value_t = 0)]
    min_completed: u32,
    /// Highest acceptable rejection rate of a contributor, in bps.
    #[arg(long, default_value_t = 10_000)]
    max_reject_bps: u16,
}

pub fn run(ctx: &mut Ctx, cmd: TaskCmd) -> Result<Report, String> {
    match cmd {
        TaskCmd::Create(a) => create(ctx, *a),
        TaskCmd::Fund { task, slots } => {
            let (keys, t) = ctx.task(&task)?;
            require_employer(ctx, &t)?;
            let wallet = token::ata(&ctx.me(), &keys.mint, &keys.token_program);
            let (sent, _) = ctx.send(&[ix::fund_task(&keys, &wallet, slots)], &[])?;
            with_tx(ctx, &task, &sent)
        }
        TaskCmd::Cancel { task } => {
            let (keys, t) = ctx.task(&task)?;
            require_employer(ctx, &t)?;
            let (wallet, mut ixs) = ctx.wallet(&ctx.me(), &keys.mint, &keys.token_program)?;
            ixs.push(ix::cancel_task(&keys, &wallet));
            let (sent, _) = ctx.send(&ixs, &[])?;
            with_tx(ctx, &task, &sent)
        }
        TaskCmd::OpenReveals { task, salt } => {
            let (keys, t) = ctx.task(&task)?;
            require_employer(ctx, &t)?;
            let salt = match salt {
                Some(s) => parse_hex(&s)?,
                None => load_answer(ctx, &task)?.1,
            };
            let (sent, _) = ctx.send(&[ix::open_reveals(&keys, salt)], &[])?;
            with_tx(ctx, &task, &sent)
        }
        TaskCmd::CollectFees { task } => {
            let (keys, t) = ctx.task(&task)?;
            let market: ilm_client::Market = ctx.load(&t.market, "market")?;
            let (fee_token, mut ixs) =
                ctx.wallet(&market.fee_owner, &keys.mint, &keys.token_program)?;
            let before = ctx.balance(&fee_token)?;
            ixs.push(ix::collect_fees(&keys, &fee_token));
            let (sent, _) = ctx.send(&ixs, &[])?;
            let decimals = ctx.mint(&keys.mint)?.decimals;
            let mut r = report! {
                "task" => task.to_string(),
                "fee_owner" => market.fee_owner.to_string(),
                "collected" => format_amount(ctx.balance(&fee_token)? - before, decimals),
            };
            tx_fields(&mut r, &sent);
            Ok(r)
        }
        TaskCmd::Close { task } => {
            let (keys, t) = ctx.task(&task)?;
            require_employer(ctx, &t)?;
            let market: ilm_client::Market = ctx.load(&t.market, "market")?;
            let (wallet, mut ixs) = ctx.wallet(&ctx.me(), &keys.mint, &keys.token_program)?;
            let (fee_token, create_fee) =
                ctx.wallet(&market.fee_owner, &keys.mint, &keys.token_program)?;
            let decimals = ctx.mint(&keys.mint)?.decimals;
            let before = ctx.balance(&wallet)?;
            ixs.extend(create_fee);
            ixs.push(ix::close_task(&keys, &wallet, &fee_token));
            let (sent, _) = ctx.send(&ixs, &[])?;
            let mut r = report! {
                "task" => task.to_string(),
                "closed" => true,
                "refunded" => format_amount(ctx.balance(&wallet)? - before, decimals),
                "fees_paid" => format_amount(t.fees_owed, decimals),
            };
            tx_fields(&mut r, &sent);
            Ok(r)
        }
        TaskCmd::Show { task } => describe(ctx, &task),
        TaskCmd::Claims { task } => claims(ctx, &task),
        TaskCmd::Employer { employer } => {
            let market = ctx.market_address()?;
            let who = employer.unwrap_or(ctx.me());
            let address = pda::employer(&market, &who).0;
            let e: Employer = ctx
                .try_load(&address, "employer record")?
                .ok_or_else(|| format!("{who} has posted no task in market {market}"))?;
            Ok(report! {
                "employer" => who.to_string(),
                "record" => address.to_string(),
                "market" => market.to_string(),
                "tasks_posted" => e.tasks_posted,
                "approved" => e.approved,
                "rejected" => e.rejected,
                "auto_settled" => e.auto_settled,
                "leases_expired" => e.leases_expired,
            })
        }
        TaskCmd::List { employer, mine } => list(ctx, if mine { Some(ctx.me()) } else { employer }),
    }
}

fn require_employer(ctx: &Ctx, t: &Task) -> Result<(), String> {
    if t.employer == ctx.me() {
        Ok(())
    } else {
        Err(format!(
            "only the task's employer {} can do this; you are {}",
            t.employer,
            ctx.me()
        ))
    }
}

fn with_tx(ctx: &Ctx, task: &Pubkey, sent: &ilm_ledger::Sent) -> Result<Report, String> {
    let mut r = describe(ctx, task)?;
    tx_fields(&mut r, sent);
    Ok(r)
}

fn create(ctx: &mut Ctx, a: CreateArgs) -> Result<Report, String> {
    let (mkeys, market) = ctx.market()?;
    let mint = ctx.mint(&a.mint)?;
    let stake_decimals = ctx.mint(&market.stake_mint)?.decimals;
    let me = ctx.me();
    let record: Option<Employer> =
        ctx.try_load(&pda::employer(&mkeys.market, &me).0, "employer record")?;
    let task_id = record.map_or(0, |r| r.tasks_posted);
    let keys = ix::TaskKeys::new(mkeys.market, me, task_id, a.mint, mint.token_program);
    let spec = std::fs::read(&a.spec)
        .map_err(|e| format!("cannot read --spec {}: {e}", a.spec.display()))?;
    let spec_uri = a.spec_uri.unwrap_or_else(|| {
        format!(
            "file:{}",
            a.spec
                .file_name()
                .map(|n| n.to_string_lossy())
                .unwrap_or_default()
        )
    });
    let (verifier, slots) = match a.verifier {
        VerifierKind::Review => (Verifier::Review, a.slots),
        VerifierKind::Preimage => {
            let answer = a
                .answer
                .as_deref()
                .ok_or("a preimage task needs --answer <TEXT>")?;
            // The secret that keeps the answer unguessable until reveals open;
            // saved before sending, a task whose salt is lost can only pay by silence.
            // A task at this address already exists (a stale employer record):
            // its salt must never be overwritten.
            if ctx
                .ledger
                .account(&keys.task)
                .map_err(|e| e.to_string())?
                .is_some()
            {
                return Err(format!(
                    "task {} already exists: run the command again once the ledger shows it",
                    keys.task
                ));
            }
            let salt = random_salt()?;
            save_answer(ctx, &keys.task, answer, &salt)?;
            (
                Verifier::Preimage {
                    answer_hash: answer::answer_hash(&keys.task, &salt, answer.as_bytes()),
                    salt_hash: answer::salt_hash(&keys.task, &salt),
                    salt: [0; 32],
                    opened_at: 0,
                },
                a.slots,
            )
        }
        VerifierKind::Attested => (Verifier::Attested, a.slots),
        VerifierKind::Merkle => (
            Verifier::Merkle {
                root: [0; 32],
                leaf_count: 0,
                total: 0,
                claimed: 0,
                published_at: 0,
            },
            1,
        ),
    };
    let bond = a
        .bond
        .as_deref()
        .map(|b| parse_amount(b, stake_decimals))
        .transpose()?;
    if a.answer.is_some() && a.verifier != VerifierKind::Preimage {
        return Err("--answer is only for --verifier preimage".into());
    }
    let now = ctx.ledger.unix_timestamp().map_err(|e| e.to_string())?;
    let args = CreateTaskArgs {
        task_id,
        reward: parse_amount(&a.reward, mint.decimals)?,
        max_completions: slots,
        deadline: now + parse_duration(&a.deadline)?,
        lease_secs: parse_duration(&a.lease)?,
        bond: bond.unwrap_or(0),
        newcomer_slots: a.newcomer_slots,
        review_secs: parse_duration(&a.review)?,
        qualification: Qualification {
            min_completed: a.min_completed,
            max_reject_bps: a.max_reject_bps,
        },
        spec_hash: Sha256::digest(&spec).into(),
        spec_uri,
        verifier,
    };
    let wallet = token::ata(&me, &a.mint, &mint.token_program);
    let have = ctx.balance(&wallet)?;
    let fee = ilm_client::ilm::math::fee_on(args.reward, market.fee_bps);
    let escrow = args
        .reward
        .checked_add(fee)
        .and_then(|unit| unit.checked_mul(u64::from(slots)))
        .ok_or("reward x slots is too large")?;
    if have < escrow {
        return Err(format!(
            "escrow needs {} tokens (reward + {} bps fee per slot) but you hold {} of {}",
            format_amount(escrow, mint.decimals),
            market.fee_bps,
            format_amount(have, mint.decimals),
            a.mint
        ));
    }
    if bond.is_none() && a.verifier != VerifierKind::Merkle {
        return Err(
            "pass --bond <TOKENS>: the stake each claim locks (above 0, so nobody holds slots for free)"
                .into(),
        );
    }
    let (sent, _) = ctx.send(&[ix::create_task(&keys, &wallet, args)], &[])?;
    with_tx(ctx, &keys.task, &sent)
}

/// A task's fields in human units.
pub fn describe(ctx: &Ctx, address: &Pubkey) -> Result<Report, String> {
    let (keys, t) = ctx.task(address)?;
    let d = ctx.mint(&t.mint)?.decimals;
    let market: ilm_client::Market = ctx.load(&t.market, "market")?;
    let stake_decimals = ctx.mint(&market.stake_mint)?.decimals;
    let now = ctx.ledger.unix_timestamp().map_err(|e| e.to_string())?;
    let mut r = report! {
        "task" => address.to_string(),
        "employer" => t.employer.to_string(),
        "task_id" => t.task_id,
        "status" => task_status(t.status),
        "verifier" => verifier_name(&t.verifier),
        "mint" => t.mint.to_string(),
        "reward" => format_amount(t.reward, d),
        "fee" => format_amount(t.fee, d),
        "slots" => t.max_completions,
        "completed" => t.completions,
        "active_claims" => t.active,
        "newcomer_slots" => t.newcomer_slots,
        "newcomer_claims" => t.newcomers,
        "free_slots" => t.max_completions.saturating_sub(t.completions + t.active),
        "escrow" => format_amount(ctx.balance(&keys.vault)?, d),
        "fees_owed" => format_amount(t.fees_owed, d),
        "deadline" => t.deadline,
        "deadline_in" => if t.deadline > now { format_remaining(t.deadline - now) } else { "passed".to_string() },
        "lease" => format_duration(t.lease_secs),
        "bond" => format_amount(t.bond, stake_decimals),
        "review_window" => format_duration(t.review_secs),
        "spec_hash" => hex(&t.spec_hash),
        "spec_uri" => t.spec_uri.clone(),
    };
    if let Verifier::Preimage {
        salt, opened_at, ..
    } = t.verifier
    {
        let reveals = if opened_at == 0 {
            "not open".to_string()
        } else {
            format!("open until {}", t.reveals_end().map_err(|e| e.to_string())?)
        };
        r.insert("reveals".into(), reveals.into());
        if opened_at > 0 {
            r.insert("salt".into(), hex(&salt).into());
        }
    }
    if let Verifier::Merkle {
        root,
        leaf_count,
        total,
        claimed,
        published_at,
    } = t.verifier
    {
        r.insert("published_at".into(), time_or_none(published_at).into());
        r.insert("merkle_root".into(), hex_or_none(&root).into());
        r.insert("leaves".into(), leaf_count.into());
        r.insert("merkle_total".into(), format_amount(total, d).into());
        r.insert("merkle_claimed".into(), format_amount(claimed, d).into());
    }
    Ok(r)
}

/// Every claim on `task` (`getProgramAccounts`: Claim accounts whose `task`,
/// the first field, is this one).
fn claims(ctx: &Ctx, task: &Pubkey) -> Result<Report, String> {
    let (_, t) = ctx.task(task)?;
    let market: ilm_client::Market = ctx.load(&t.market, "market")?;
    let stake_decimals = ctx.mint(&market.stake_mint)?.decimals;
    let mut rows = Vec::new();
    for (address, c) in ctx.find::<Claim>(&[(8, *task)])? {
        rows.push(serde_json::json!({
            "claim": address.to_string(),
            "contributor": c.contributor.to_string(),
            "status": claim_status(c.status),
            "bond": format_amount(c.bond, stake_decimals),
            "newcomer": c.newcomer,
            "rent_payer": c.rent_payer.to_string(),
            "result_hash": hex_or_none(&c.result_hash),
            "result_uri": if c.result_hash == [0; 32] { None } else { result_uri(ctx, &address, &c.contributor)? },
            "submitted_at": time_or_none(c.submitted_at),
            "paid_units": c.paid_units,
        }));
    }
    Ok(report! { "task" => task.to_string(), "count" => rows.len(), "claims" => rows })
}

/// The URI a contributor submitted with its result: kept only in the
/// `WorkSubmitted` event, so read from the claim's transaction history;
/// `None` on a ledger without history (the embedded one) or once the
/// cluster has pruned it.
fn result_uri(ctx: &Ctx, claim: &Pubkey, contributor: &Pubkey) -> Result<Option<String>, String> {
    // A claim sees a handful of transactions: claim, submit, decision, close.
    let history = ctx.ledger.history(claim, 20).map_err(|e| e.to_string())?;
    // Newest first, and the submission is near the top: stop at it.
    for signature in history.unwrap_or_default() {
        let logs = ctx
            .ledger
            .transaction_logs(&signature)
            .map_err(|e| e.to_string())?;
        let submitted = events::from_logs(&logs.unwrap_or_default())
            .into_iter()
            .find_map(|e| match e {
                Event::WorkSubmitted(w) if w.contributor == *contributor => Some(w.uri),
                _ => None,
            });
        if submitted.is_some() {
            return Ok(submitted);
        }
    }
    Ok(None)
}

fn list(ctx: &Ctx, employer: Option<Pubkey>) -> Result<Report, String> {
    let market = ctx.market_address()?;
    let mut fields = vec![(8, market)];
    fields.extend(employer.map(|e| (40, e)));
    let mut rows = Vec::new();
    for (address, t) in ctx.find::<Task>(&fields)? {
        let d = ctx.mint(&t.mint)?.decimals;
        rows.push(serde_json::json!({
            "task": address.to_string(),
            "verifier": verifier_name(&t.verifier),
            "reward": format_amount(t.reward, d),
            "slots": t.max_completions,
            "completed": t.completions,
            "active": t.active,
            "status": task_status(t.status),
            "employer": t.employer.to_string(),
        }));
    }
    Ok(report! { "market" => market.to_string(), "count" => rows.len(), "tasks" => rows })
}

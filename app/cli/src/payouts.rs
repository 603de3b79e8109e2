//! What the claim and payout commands share: refusing a command meant for
//! another verifier, paying into the signer's token account, reporting a
//! claim with what a transaction paid, and cranking a Merkle epoch.
use crate::context::{tx_fields, Ctx};
use crate::output::Report;
use crate::report;
use crate::units::{claim_status, format_amount, format_sol, hex_or_none, time_or_none};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use ilm_client::events::Event;
use ilm_client::ix::TaskKeys;
use ilm_client::merkle::Tree;
use ilm_client::{Claim, Task, Verifier};
use ilm_ledger::crank::{self, CrankError, PushOptions, PushStats};
use ilm_ledger::Sent;
use indicatif::{ProgressBar, ProgressStyle};
use solana_signer::Signer;

/// The verifier's name as `--verifier` spells it.
pub fn verifier_name(v: &Verifier) -> &'static str {
    match v {
        Verifier::Review => "review",
        Verifier::Preimage { .. } => "preimage",
        Verifier::Attested => "attested",
        Verifier::Merkle { .. } => "merkle",
    }
}

/// Refuses a command meant for another verifier, naming the right one.
pub fn require_verifier(task: &Pubkey, t: &Task, want: &str, hint: &str) -> Result<(), String> {
    let have = verifier_name(&t.verifier);
    if have == want {
        Ok(())
    } else {
        Err(format!("task {task} is a {have} task, not {want}: {hint}"))
    }
}

/// The paid amount in a transaction's events, for the report.
pub fn paid(events: &[Event], decimals: u8) -> Option<String> {
    events.iter().find_map(|e| match e {
        Event::WorkPaid(p) => Some(format_amount(p.amount, decimals)),
        Event::LeafClaimed(p) => Some(format_amount(p.amount, decimals)),
        _ => None,
    })
}

/// Sends the instruction `build` makes for the signer's token account
/// (created first when missing) and reports what was paid.
pub fn pay_to_me(
    ctx: &mut Ctx,
    keys: &TaskKeys,
    task: &Pubkey,
    build: impl FnOnce(&Pubkey) -> Instruction,
) -> Result<Report, String> {
    let me = ctx.me();
    let (wallet, mut ixs) = ctx.wallet(&me, &keys.mint, &keys.token_program)?;
    ixs.push(build(&wallet));
    let (sent, events) = ctx.send(&ixs, &[])?;
    let decimals = ctx.mint(&keys.mint)?.decimals;
    finish(ctx, task, &me, &sent, paid(&events, decimals))
}

/// A claim report plus what was paid and the transaction.
pub fn finish(
    ctx: &Ctx,
    task: &Pubkey,
    who: &Pubkey,
    sent: &Sent,
    paid: Option<String>,
) -> Result<Report, String> {
    let mut r = claim_report(ctx, task, who)?;
    if let Some(p) = paid {
        r.insert("paid".into(), p.into());
    }
    tx_fields(&mut r, sent);
    Ok(r)
}

/// A claim's state in human units.
pub fn claim_report(ctx: &Ctx, task: &Pubkey, who: &Pubkey) -> Result<Report, String> {
    let address = ilm_client::pda::claim(task, who).0;
    let c: Claim = ctx.try_load(&address, "claim")?.ok_or_else(|| {
        format!("{who} has no claim on task {task}: `ilm work claim {task}` first")
    })?;
    let (_, t) = ctx.task(task)?;
    let market: ilm_client::Market = ctx.load(&t.market, "market")?;
    let stake_decimals = ctx.mint(&market.stake_mint)?.decimals;
    Ok(report! {
        "claim" => address.to_string(),
        "task" => task.to_string(),
        "contributor" => who.to_string(),
        "status" => claim_status(c.status),
        "bond" => format_amount(c.bond, stake_decimals),
        "lease_expires_at" => c.lease_expires_at,
        "result_hash" => hex_or_none(&c.result_hash),
        "submitted_at" => time_or_none(c.submitted_at),
        "paid_units" => c.paid_units,
    })
}

/// Runs the crank over every unpaid leaf with a progress bar on a terminal.
/// Recipients without a token account are skipped unless `open_accounts`;
/// with it, the rent it will lock is said before anything is spent. Fails
/// (after paying everything it could) if any payout failed; re-running
/// retries them.
pub fn push(
    ctx: &mut Ctx,
    keys: &TaskKeys,
    tree: &Tree,
    options: PushOptions,
) -> Result<PushStats, String> {
    let plan = crank::plan(ctx.ledger.as_ref(), keys, tree).map_err(|e| e.to_string())?;
    let decimals = ctx.mint(&keys.mint)?.decimals;
    if options.open_accounts && plan.accounts_to_open() > 0 && ctx.interactive() {
        eprintln!(
            "opening {} recipients' token accounts: {} SOL of rent, paid by {}",
            plan.accounts_to_open(),
            format_sol(plan.rent_to_open()),
            ctx.ledger_and_fee_payer()?.1.pubkey()
        );
    }
    let bar = if ctx.interactive() {
        ProgressBar::new(0)
    } else {
        ProgressBar::hidden()
    };
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {pos}/{len} leaves, {per_sec}, eta {eta}")
            .map_err(|e| e.to_string())?
            .progress_chars("=> "),
    );
    bar.set_message("paying");
    let (ledger, payer) = ctx.ledger_and_fee_payer()?;
    let stats = crank::push(
        ledger,
        payer,
        keys,
        tree,
        &plan,
        options,
        &mut |done, todo| {
            bar.set_length(todo);
            bar.set_position(done);
        },
    );
    bar.finish_and_clear();
    stats.map_err(|e| {
        // What was paid before some payouts failed is reported too.
        if let CrankError::Payouts { failed, stats, .. } = &e {
            let mut partial = push_report(stats, decimals);
            let leaves: Vec<u32> = failed.iter().map(|(leaf, _)| *leaf).collect();
            partial.insert("failed_leaves".into(), leaves.into());
            ctx.partial = Some(partial);
        }
        e.to_string()
    })
}

/// A push's figures in human units.
pub fn push_report(stats: &PushStats, decimals: u8) -> Report {
    let avg = stats.claim_cu.iter().sum::<u64>() / (stats.claim_cu.len() as u64).max(1);
    report! {
        "leaves_paid" => stats.paid,
        "amount_paid" => format_amount(stats.amount, decimals),
        "already_paid" => stats.already_paid,
        "transactions" => stats.transactions,
        "token_accounts_created" => stats.accounts_created,
        "rent_paid_sol" => format_sol(stats.rent_paid),
        "skipped_no_token_account" => stats.skipped_no_account,
        "claim_merkle_cu_avg" => avg,
        "claim_merkle_cu_max" => stats.claim_cu.iter().max().copied().unwrap_or(0),
        "seconds" => format!("{:.1}", stats.seconds),
        "payouts_per_second" => format!("{:.0}", stats.paid as f64 / stats.seconds.max(1e-9)),
    }
}

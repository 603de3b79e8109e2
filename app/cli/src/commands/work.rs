//! `ilm work claim|submit|commit|reveal|abandon|status`: a contributor's side
//! of a task. Paid verifiers (reveal) pay in the same transaction.
use crate::commands::task::verifier_name;
use crate::context::{tx_fields, Ctx};
use crate::output::Report;
use crate::report;
use crate::units::{format_amount, hex, parse_hex};
use anchor_lang::prelude::Pubkey;
use clap::Subcommand;
use ilm_client::events::Event;
use ilm_client::ix::TaskKeys;
use ilm_client::{answer, ix, Claim, Task, Verifier};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum WorkCmd {
    /// Take a slot: locks the task's bond from your stake until you deliver.
    Claim { task: Pubkey },
    /// Deliver judged work: the hash of your result (and where it is).
    Submit {
        task: Pubkey,
        /// File with your result; its sha256 goes on-chain.
        #[arg(long, conflicts_with = "result_hash")]
        result: Option<PathBuf>,
        /// The sha256 of your result, in hex.
        #[arg(long)]
        result_hash: Option<String>,
        /// Where the employer finds the result.
        #[arg(long, default_value = "")]
        uri: String,
    },
    /// Commit to an answer (preimage tasks, before the deadline); the salt is kept in ILM_HOME for `reveal`.
    Commit {
        task: Pubkey,
        #[arg(long)]
        answer: String,
    },
    /// Reveal the committed answer once the employer opened reveals; a right answer is paid at once.
    Reveal {
        task: Pubkey,
        /// [default: the answer `commit` saved]
        #[arg(long, requires = "salt")]
        answer: Option<String>,
        /// Hex salt [default: the one `commit` saved].
        #[arg(long, requires = "answer")]
        salt: Option<String>,
    },
    /// Give your slot back before the lease ends (no slash).
    Abandon { task: Pubkey },
    /// Expire someone's claim whose lease ran out without a submission
    /// (anyone); part of the bond goes to the employer.
    Expire { task: Pubkey, contributor: Pubkey },
    /// Your claim on a task (or someone's).
    Status {
        task: Pubkey,
        #[arg(long)]
        contributor: Option<Pubkey>,
    },
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

fn hint_for(t: &Task) -> &'static str {
    match t.verifier {
        Verifier::Review => "use `ilm work submit`",
        Verifier::Preimage { .. } => "use `ilm work commit` then `ilm work reveal`",
        Verifier::Attested => "use `ilm attest submit` with attester signatures",
        Verifier::Merkle { .. } => "use `ilm merkle claim`",
    }
}

/// Where the signer's answer and salt for `task` are kept: a contributor's
/// commitment salt, or an employer's answer salt (an employer never claims
/// its own task, so the two never share a file).
fn salt_file(ctx: &Ctx, task: &Pubkey) -> PathBuf {
    ctx.home
        .join("answers")
        .join(format!("{task}-{}.json", ctx.me()))
}

/// Saves the signer's answer and salt for `task`; called before the
/// transaction that needs them later is sent, since a lost salt cannot be recovered.
pub fn save_answer(
    ctx: &Ctx,
    task: &Pubkey,
    answer: &str,
    salt: &[u8; 32],
) -> Result<PathBuf, String> {
    let file = salt_file(ctx, task);
    std::fs::create_dir_all(file.parent().unwrap_or(&ctx.home)).map_err(|e| e.to_string())?;
    let saved = serde_json::json!({ "answer": answer, "salt": hex(salt) });
    std::fs::write(&file, saved.to_string()).map_err(|e| format!("{}: {e}", file.display()))?;
    Ok(file)
}

/// The answer and salt [`save_answer`] kept for `task`.
pub fn load_answer(ctx: &Ctx, task: &Pubkey) -> Result<(String, [u8; 32]), String> {
    let file = salt_file(ctx, task);
    let text = std::fs::read_to_string(&file).map_err(|_| {
        format!(
            "no saved answer for task {task} ({}): pass --salt (and --answer)",
            file.display()
        )
    })?;
    let v: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{}: {e}", file.display()))?;
    let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
    let bad = || format!("{} is damaged: pass --salt (and --answer)", file.display());
    Ok((
        field("answer").ok_or_else(bad)?,
        parse_hex(&field("salt").ok_or_else(bad)?)?,
    ))
}

pub fn random_salt() -> Result<[u8; 32], String> {
    use std::io::Read;
    let mut salt = [0u8; 32];
    std::fs::File::open("/dev/urandom")
        .and_then(|mut f| f.read_exact(&mut salt))
        .map_err(|e| format!("cannot read /dev/urandom for a salt: {e}"))?;
    Ok(salt)
}

/// The paid amount in a transaction's events, for the report.
pub fn paid(events: &[Event], decimals: u8) -> Option<String> {
    events.iter().find_map(|e| match e {
        Event::WorkPaid(p) => Some(format_amount(p.amount, decimals)),
        Event::LeafClaimed(p) => Some(format_amount(p.amount, decimals)),
        _ => None,
    })
}

pub fn run(ctx: &mut Ctx, cmd: WorkCmd) -> Result<Report, String> {
    let me = ctx.me();
    match cmd {
        WorkCmd::Claim { task } => {
            let (keys, t) = ctx.task(&task)?;
            if matches!(t.verifier, Verifier::Merkle { .. }) {
                return Err(format!(
                    "task {task} is a merkle task: nothing to claim, use `ilm merkle claim`"
                ));
            }
            if let Some(c) = ctx.try_load::<Claim>(&keys.claim(&me), "claim")? {
                return Err(format!(
                    "you already have a claim on task {task} (status {:?}): one claim per contributor per task",
                    c.status
                ));
            }
            let stake: Option<ilm_client::Stake> = ctx.try_load(&keys.stake(&me), "stake")?;
            if stake.is_none() {
                return Err(format!(
                    "you ({me}) have no stake in market {}: `ilm stake deposit <AMOUNT>` first",
                    keys.market
                ));
            }
            let (sent, _) = ctx.send(&[ix::claim_task(&keys, &me)], &[])?;
            finish(ctx, &task, &me, &sent, None)
        }
        WorkCmd::Submit {
            task,
            result,
            result_hash,
            uri,
        } => {
            let (keys, t) = ctx.task(&task)?;
            require_verifier(&task, &t, "review", hint_for(&t))?;
            let hash = match (result, result_hash) {
                (Some(file), _) => {
                    let bytes = std::fs::read(&file)
                        .map_err(|e| format!("cannot read --result {}: {e}", file.display()))?;
                    Sha256::digest(bytes).into()
                }
                (None, Some(h)) => parse_hex(&h)?,
                (None, None) => return Err("pass --result <FILE> or --result-hash <HEX>".into()),
            };
            let (sent, _) = ctx.send(&[ix::submit_work(&keys, &me, hash, uri)], &[])?;
            finish(ctx, &task, &me, &sent, None)
        }
        WorkCmd::Commit { task, answer } => {
            let (keys, t) = ctx.task(&task)?;
            require_verifier(&task, &t, "preimage", hint_for(&t))?;
            // One commitment per claim: a second would overwrite the salt the
            // first needs, and the program refuses it anyway.
            if let Some(c) = ctx.try_load::<Claim>(&keys.claim(&me), "claim")? {
                if c.status != ilm_client::ClaimStatus::Leased {
                    return Err(format!(
                        "your claim on task {task} is {:?}: nothing to commit (reveal with `ilm work reveal`)",
                        c.status
                    ));
                }
            }
            let salt = random_salt()?;
            let commitment = answer::commitment(&task, &me, answer.as_bytes(), &salt);
            // Saved before sending: a commitment whose salt is lost can never be revealed.
            let file = save_answer(ctx, &task, &answer, &salt)?;
            let (sent, _) = ctx.send(&[ix::commit_answer(&keys, &me, commitment)], &[])?;
            let mut r = finish(ctx, &task, &me, &sent, None)?;
            r.insert("salt_file".into(), file.display().to_string().into());
            Ok(r)
        }
        WorkCmd::Reveal { task, answer, salt } => {
            let (keys, t) = ctx.task(&task)?;
            require_verifier(&task, &t, "preimage", hint_for(&t))?;
            if matches!(t.verifier, Verifier::Preimage { opened_at: 0, .. }) {
                return Err(format!(
                    "reveals on task {task} are not open: the employer opens them after the deadline ({}); if it never does, `ilm review settle` pays your commitment after the review window",
                    t.deadline
                ));
            }
            let (answer, salt) = match (answer, salt) {
                (Some(a), Some(s)) => (a, parse_hex(&s)?),
                _ => load_answer(ctx, &task)?,
            };
            // The salt is public now: check the answer here, since a wrong
            // reveal would publish it and pay nothing.
            if let Verifier::Preimage {
                answer_hash,
                salt: employer_salt,
                ..
            } = t.verifier
            {
                if answer::answer_hash(&task, &employer_salt, answer.as_bytes()) != answer_hash {
                    return Err(format!(
                        "{answer:?} is not the task's answer: not revealed (a wrong reveal would publish it and pay nothing)"
                    ));
                }
            }
            pay_to_me(ctx, &keys, &task, |wallet| {
                ix::reveal_answer(&keys, &me, wallet, answer.into_bytes(), salt)
            })
        }
        WorkCmd::Abandon { task } => {
            let (keys, _) = ctx.task(&task)?;
            let (sent, _) = ctx.send(&[ix::abandon_claim(&keys, &me)], &[])?;
            finish(ctx, &task, &me, &sent, None)
        }
        WorkCmd::Expire { task, contributor } => {
            let (keys, t) = ctx.task(&task)?;
            let (market, _) = ctx.market_of(&t)?;
            let (employer_stake, mut ixs) =
                ctx.wallet(&t.employer, &market.stake_mint, &market.token_program)?;
            ixs.push(ix::expire_claim(
                &keys,
                &market,
                &contributor,
                &employer_stake,
            ));
            let (sent, _) = ctx.send(&ixs, &[])?;
            finish(ctx, &task, &contributor, &sent, None)
        }
        WorkCmd::Status { task, contributor } => {
            ctx.task(&task)?;
            claim_report(ctx, &task, &contributor.unwrap_or(me))
        }
    }
}

/// Sends the instruction `build` makes for the signer's token account
/// (created first when missing) and reports what was paid.
pub fn pay_to_me(
    ctx: &mut Ctx,
    keys: &TaskKeys,
    task: &Pubkey,
    build: impl FnOnce(&Pubkey) -> anchor_lang::solana_program::instruction::Instruction,
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
    sent: &ilm_client::ledger::Sent,
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
        "status" => format!("{:?}", c.status),
        "bond" => format_amount(c.bond, stake_decimals),
        "lease_expires_at" => c.lease_expires_at,
        "result_hash" => hex(&c.result_hash),
        "submitted_at" => c.submitted_at,
        "paid_units" => c.paid_units,
    })
}

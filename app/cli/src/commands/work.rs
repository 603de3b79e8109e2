//! `ilm work claim|submit|commit|reveal|abandon|status`: a contributor's side
//! of a task. Paid verifiers (reveal) pay in the same transaction.
use crate::answers::{load_answer, random_salt, save_answer};
use crate::context::{tx_fields, Ctx};
use crate::output::Report;
use crate::payouts::{claim_report, finish, pay_to_me, require_verifier};
use crate::report;
use crate::units::{claim_status, format_sol, parse_hex};
use anchor_lang::prelude::Pubkey;
use anchor_lang::Space;
use clap::Subcommand;
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
    /// After its task is closed, return a claim's rent to its contributor
    /// (anyone may; the rent goes to the contributor).
    CloseClaim {
        task: Pubkey,
        /// Whose claim [default: yours].
        #[arg(long)]
        contributor: Option<Pubkey>,
    },
    /// Your claim on a task (or someone's).
    Status {
        task: Pubkey,
        #[arg(long)]
        contributor: Option<Pubkey>,
    },
}

fn hint_for(t: &Task) -> &'static str {
    match t.verifier {
        Verifier::Review => "use `ilm work submit`",
        Verifier::Preimage { .. } => "use `ilm work commit` then `ilm work reveal`",
        Verifier::Attested => "use `ilm attest submit` with attester signatures",
        Verifier::Merkle { .. } => "use `ilm merkle claim`",
    }
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
                    "you already have a claim on task {task} (status {}): one claim per contributor per task",
                    claim_status(c.status)
                ));
            }
            let stake: Option<ilm_client::Stake> = ctx.try_load(&keys.stake(&me), "stake")?;
            let payer = ctx.rent_source();
            let mut ixs = Vec::new();
            let mut opens = vec![8 + Claim::INIT_SPACE];
            if stake.is_none() {
                if t.newcomer_slots == 0 {
                    return Err(format!(
                        "you ({me}) have no stake in market {}: `ilm stake deposit <AMOUNT>` first",
                        keys.market
                    ));
                }
                // A newcomer's record opens with the claim, without tokens.
                let (market, _) = ctx.market_of(&t)?;
                ixs.push(ix::stake(&market, &me, payer, None, 0));
                opens.push(8 + ilm_client::Stake::INIT_SPACE);
            }
            ctx.require_pool_covers(&opens)?;
            ixs.push(ix::claim_task(&keys, &me, payer));
            let (sent, _) = ctx.send(&ixs, &[])?;
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
                        "your claim on task {task} is {}: nothing to commit (reveal with `ilm work reveal`)",
                        claim_status(c.status)
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
        WorkCmd::CloseClaim { task, contributor } => {
            let who = contributor.unwrap_or(me);
            let claim = ilm_client::pda::claim(&task, &who).0;
            ctx.require_task_closed(&task, "claims")?;
            let account = ctx
                .ledger
                .account(&claim)
                .map_err(|e| e.to_string())?
                .ok_or_else(|| format!("{who} has no claim on task {task} (closed already?)"))?;
            let record: Claim = Ctx::ilm_account(&claim, "claim", &account)?;
            let rent = account.lamports;
            let close = ix::close_claim(&task, &who, &record.rent_payer);
            let (sent, _) = ctx.send(&[close], &[])?;
            let mut r = report! {
                "closed" => claim.to_string(),
                "contributor" => who.to_string(),
                "rent_returned_sol" => format_sol(rent),
                "rent_returned_to" => record.rent_payer.to_string(),
            };
            tx_fields(&mut r, &sent);
            Ok(r)
        }
        WorkCmd::Status { task, contributor } => {
            ctx.task(&task)?;
            claim_report(ctx, &task, &contributor.unwrap_or(me))
        }
    }
}

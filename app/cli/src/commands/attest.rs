//! `ilm attest sign|submit`: DePIN work measured by the market's attesters.
//! Each attester signs (cumulative units, result, expiry) for a contributor's
//! claim; anyone submits m of those signatures and the program pays the new
//! units in the same transaction.
use crate::commands::work::{finish, paid, require_verifier};
use crate::context::Ctx;
use crate::output::Report;
use crate::units::{hex, parse_duration, parse_hex};
use anchor_lang::prelude::Pubkey;
use clap::Subcommand;
use ilm_client::attest::{precompile_instruction, Attestation};
use ilm_client::ilm::instructions::SubmitAttestedArgs;
use ilm_client::ix;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::PathBuf;

#[derive(Subcommand)]
pub enum AttestCmd {
    /// Sign an attestation as one of the market's attesters (-k is the attester key).
    Sign {
        task: Pubkey,
        contributor: Pubkey,
        /// Units measured since the claim began (cumulative, never decreasing).
        #[arg(long)]
        units: u64,
        /// The measured result; its sha256 is signed.
        #[arg(long, conflicts_with = "result_hash")]
        result: Option<PathBuf>,
        /// The result's sha256 in hex.
        #[arg(long)]
        result_hash: Option<String>,
        /// How long the attestation stays valid.
        #[arg(long, default_value = "1h", conflicts_with = "expires_at")]
        expires_in: String,
        /// Unix time the attestation expires at: what several attesters
        /// signing the same statement agree on (their clocks differ).
        #[arg(long)]
        expires_at: Option<i64>,
        /// Write the signed attestation here (else it is only printed).
        #[arg(short = 'o', long)]
        out: Option<PathBuf>,
    },
    /// Submit signed attestations (files from `attest sign`); the contributor is paid at once.
    Submit {
        task: Pubkey,
        /// Attestation files, one per attester (repeat the flag).
        #[arg(long = "attestation", required = true)]
        attestations: Vec<PathBuf>,
    },
}

/// One attester's signed statement, as `attest sign` writes it.
#[derive(Serialize, Deserialize, Clone, PartialEq, Eq)]
struct SignedAttestation {
    market: String,
    /// The market's domain (hex): which deployment the attestation is for.
    domain: String,
    task: String,
    contributor: String,
    cumulative_units: u64,
    result_hash: String,
    expires_at: i64,
    attester: String,
    signature: String,
}

fn parse_key(text: &str, what: &str) -> Result<Pubkey, String> {
    text.parse()
        .map_err(|_| format!("{what} {text:?} is not a base58 address"))
}

pub fn run(ctx: &mut Ctx, cmd: AttestCmd) -> Result<Report, String> {
    match cmd {
        AttestCmd::Sign {
            task,
            contributor,
            units,
            result,
            result_hash,
            expires_in,
            expires_at,
            out,
        } => {
            let (keys, t) = ctx.task(&task)?;
            require_verifier(
                &task,
                &t,
                "attested",
                "only attested tasks take attestations",
            )?;
            let hash: [u8; 32] = match (result, result_hash) {
                (Some(f), _) => {
                    Sha256::digest(std::fs::read(&f).map_err(|e| format!("{}: {e}", f.display()))?)
                        .into()
                }
                (None, Some(h)) => parse_hex(&h)?,
                (None, None) => return Err("pass --result <FILE> or --result-hash <HEX>".into()),
            };
            let now = ctx.ledger.unix_timestamp().map_err(|e| e.to_string())?;
            let market: ilm_client::Market = ctx.load(&keys.market, "market")?;
            let a = Attestation {
                market: keys.market,
                domain: market.domain,
                task,
                contributor,
                cumulative_units: units,
                result_hash: hash,
                expires_at: match expires_at {
                    Some(at) => at,
                    None => now + parse_duration(&expires_in)?,
                },
            };
            let (key, sig) = a.sign(&ctx.payer);
            let signed = SignedAttestation {
                market: a.market.to_string(),
                domain: hex(&a.domain),
                task: task.to_string(),
                contributor: contributor.to_string(),
                cumulative_units: units,
                result_hash: hex(&hash),
                expires_at: a.expires_at,
                attester: Pubkey::new_from_array(key).to_string(),
                signature: hex(&sig),
            };
            let json = serde_json::to_string_pretty(&signed).map_err(|e| e.to_string())?;
            if let Some(path) = &out {
                std::fs::write(path, &json).map_err(|e| format!("{}: {e}", path.display()))?;
            }
            let mut r = match serde_json::to_value(&signed).map_err(|e| e.to_string())? {
                serde_json::Value::Object(m) => m,
                _ => Report::new(),
            };
            if let Some(path) = out {
                r.insert("file".into(), path.display().to_string().into());
            }
            Ok(r)
        }
        AttestCmd::Submit { task, attestations } => submit(ctx, task, attestations),
    }
}

fn submit(ctx: &mut Ctx, task: Pubkey, files: Vec<PathBuf>) -> Result<Report, String> {
    let (keys, t) = ctx.task(&task)?;
    require_verifier(
        &task,
        &t,
        "attested",
        "use the command for the task's verifier",
    )?;
    let mut signed = Vec::new();
    for f in &files {
        let text = std::fs::read_to_string(f).map_err(|e| format!("{}: {e}", f.display()))?;
        let s: SignedAttestation = serde_json::from_str(&text).map_err(|e| {
            format!(
                "{} is not an attestation from `ilm attest sign`: {e}",
                f.display()
            )
        })?;
        signed.push(s);
    }
    let first = signed[0].clone();
    let same = |s: &SignedAttestation| {
        (
            &s.market,
            &s.domain,
            &s.task,
            &s.contributor,
            s.cumulative_units,
            &s.result_hash,
            s.expires_at,
        ) == (
            &first.market,
            &first.domain,
            &first.task,
            &first.contributor,
            first.cumulative_units,
            &first.result_hash,
            first.expires_at,
        )
    };
    if let Some(odd) = signed.iter().position(|s| !same(s)) {
        return Err(format!("{} attests something else than {}: every attester must sign the same units, result and expiry", files[odd].display(), files[0].display()));
    }
    if parse_key(&first.task, "task")? != task {
        return Err(format!(
            "the attestations are for task {}, not {task}",
            first.task
        ));
    }
    let contributor = parse_key(&first.contributor, "contributor")?;
    let a = Attestation {
        market: parse_key(&first.market, "market")?,
        domain: parse_hex(&first.domain)?,
        task,
        contributor,
        cumulative_units: first.cumulative_units,
        result_hash: parse_hex(&first.result_hash)?,
        expires_at: first.expires_at,
    };
    let mut sigs = Vec::new();
    for s in &signed {
        let key = parse_key(&s.attester, "attester")?.to_bytes();
        let sig: [u8; 64] = parse_hex(&s.signature)
            .map_err(|e| format!("attester {}: signature {e}", s.attester))?;
        sigs.push((key, sig));
    }
    let (wallet, mut ixs) = ctx.wallet(&contributor, &keys.mint, &keys.token_program)?;
    ixs.push(precompile_instruction(&sigs, &a.message()));
    ixs.push(ix::submit_attested(
        &keys,
        &contributor,
        &wallet,
        SubmitAttestedArgs {
            cumulative_units: a.cumulative_units,
            result_hash: a.result_hash,
            expires_at: a.expires_at,
        },
    ));
    let (sent, events) = ctx.send(&ixs, &[])?;
    let decimals = ctx.mint(&keys.mint)?.decimals;
    finish(ctx, &task, &contributor, &sent, paid(&events, decimals))
}

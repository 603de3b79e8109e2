//! `ilm attest sign|submit`: DePIN work measured by the market's attesters.
//! Each attester signs (cumulative units, result, expiry) for a contributor's
//! claim; anyone submits m of those signatures and the program pays the new
//! units in the same transaction.
use crate::context::Ctx;
use crate::output::Report;
use crate::payouts::{finish, paid, require_verifier};
use crate::units::{parse_duration, parse_hex};
use anchor_lang::prelude::Pubkey;
use clap::Subcommand;
use ilm_client::attest::{precompile_instruction, Attestation};
use ilm_client::files::SignedAttestation;
use ilm_client::ilm::instructions::SubmitAttestedArgs;
use ilm_client::ix;
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
            let signed = SignedAttestation::sign(&a, ctx.payer.keypair()?);
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
    let statements = signed
        .iter()
        .zip(&files)
        .map(|(s, f)| s.statement().map_err(|e| format!("{}: {e}", f.display())))
        .collect::<Result<Vec<_>, String>>()?;
    let a = statements[0];
    if let Some(odd) = statements.iter().position(|s| *s != a) {
        return Err(format!("{} attests something else than {}: every attester must sign the same units, result and expiry", files[odd].display(), files[0].display()));
    }
    if a.task != task {
        return Err(format!(
            "the attestations are for task {}, not {task}",
            a.task
        ));
    }
    let contributor = a.contributor;
    let sigs = signed
        .iter()
        .map(|s| s.signature().map_err(|e| e.to_string()))
        .collect::<Result<Vec<_>, String>>()?;
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

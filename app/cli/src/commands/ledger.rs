//! `ilm ledger info|blockhash|warp|reset`: where commands run, the embedded
//! ledger's clock and file.
use crate::context::Ctx;
use crate::output::Report;
use crate::report;
use crate::units::{format_duration, parse_duration};
use clap::Subcommand;
use ilm_ledger::{program_so, Embedded};

#[derive(Subcommand)]
pub enum LedgerCmd {
    /// Where commands run, the clock, and your SOL.
    Info,
    /// A recent blockhash for offline signing (`--sign-only --blockhash`).
    Blockhash,
    /// Move the embedded ledger's clock ahead (e.g. 2d) so leases and review windows pass.
    Warp { duration: String },
    /// Forget the embedded ledger's state (accounts, clock, default market).
    Reset,
}

pub fn run(ctx: &mut Ctx, cmd: LedgerCmd) -> Result<Report, String> {
    match cmd {
        LedgerCmd::Info => {}
        LedgerCmd::Blockhash => {
            let hash = ctx.ledger.blockhash().map_err(|e| e.to_string())?;
            return Ok(report! { "blockhash" => hash.to_string() });
        }
        LedgerCmd::Warp { duration } => {
            let secs = parse_duration(&duration)?;
            ctx.ledger.warp(secs).map_err(|e| e.to_string())?;
        }
        LedgerCmd::Reset => {
            if ctx.url != "embedded" {
                return Err("only the embedded ledger can be reset".into());
            }
            for file in ["ledger.bin", crate::context::MARKETS_FILE] {
                let path = ctx.home.join(file);
                if path.exists() {
                    std::fs::remove_file(&path).map_err(|e| format!("{}: {e}", path.display()))?;
                }
            }
            // Nothing of the old state may be written back by this command.
            ctx.ledger = Box::new(Embedded::in_memory(&program_so()).map_err(|e| e.to_string())?);
            return Ok(report! { "reset" => ctx.home.join("ledger.bin").display().to_string() });
        }
    }
    let lamports = ctx
        .ledger
        .account(&ctx.me())
        .map_err(|e| e.to_string())?
        .map_or(0, |a| a.lamports);
    let now = ctx.ledger.unix_timestamp().map_err(|e| e.to_string())?;
    let wall = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0);
    Ok(report! {
        "ledger" => ctx.ledger.describe(),
        "clock" => now,
        "ahead_of_wall_clock" => format_duration(now - wall),
        "keypair" => ctx.me().to_string(),
        "sol" => crate::units::format_sol(lamports),
    })
}

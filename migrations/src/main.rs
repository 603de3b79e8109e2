//! `ilm-migrate`: deploys `ilm.so` to a cluster through the upgradeable
//! loader, and creates markets from JSON config files.
use clap::{Parser, Subcommand};
use ilm_ledger::config::SolanaConfig;
use ilm_ledger::{cluster_url, program, Ledger, Rpc, RpcOptions, UnitPrice};
use ilm_migrate::{Deployed, MarketConfig};
use serde_json::Value;
use solana_keypair::{read_keypair_file, Keypair};
use solana_signer::Signer;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// The same global flags, environment variables and defaults as `ilm`.
#[derive(Parser)]
#[command(
    name = "ilm-migrate",
    version,
    about = "Deploy ilm.so and create ilm markets on a Solana cluster"
)]
struct Cli {
    /// A moniker (localhost, devnet, testnet, mainnet-beta, or l/d/t/m as in
    /// `-ud`) or any JSON-RPC URL [default: the Solana CLI config's
    /// `json_rpc_url`, else localhost].
    #[arg(short = 'u', long = "url", global = true, env = "ILM_URL")]
    url: Option<String>,
    /// Keypair that pays, and becomes upgrade authority or market authority
    /// [default: the Solana CLI config's `keypair_path`, else ~/.config/solana/id.json].
    #[arg(short = 'k', long = "keypair", global = true, env = "ILM_KEYPAIR")]
    keypair: Option<PathBuf>,
    /// The Solana CLI configuration to read [default: ~/.config/solana/cli/config.yml].
    #[arg(short = 'C', long = "config", global = true)]
    solana_config: Option<PathBuf>,
    /// Commitment reads and confirmations wait for
    /// [default: the Solana CLI config's, else confirmed].
    #[arg(long, global = true, value_parser = ["processed", "confirmed", "finalized"])]
    commitment: Option<String>,
    /// Priority fee in micro-lamports per compute unit, or `auto` (as `ilm`).
    #[arg(
        long = "with-compute-unit-price",
        alias = "priority-fee",
        global = true
    )]
    priority_fee: Option<UnitPrice>,
    /// Create markets even when the program at the ilm id is not the `--so`
    /// build (only once you have verified the deployment yourself).
    #[arg(long, global = true)]
    skip_program_check: bool,
    /// Output format: `json` prints one object (`{"error": ...}` on failure).
    #[arg(long, global = true, value_parser = ["display", "json"], default_value = "display")]
    output: String,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Deploy ilm.so at the program keypair's address (upgrade it when it
    /// runs other bytes and the keypair is its upgrade authority).
    Deploy {
        /// The built program.
        #[arg(long, default_value = "target/deploy/ilm.so")]
        so: PathBuf,
        /// The keypair whose address is the program id (`declare_id!`).
        #[arg(long, default_value = "keys/ilm-program-keypair.json")]
        program_keypair: PathBuf,
    },
    /// Create the market a JSON config describes (see migrations/market.example.json).
    Market {
        /// The config file.
        config: PathBuf,
        /// The build the program at the ilm id must be (checked before anything is sent).
        #[arg(long, default_value = "target/deploy/ilm.so")]
        so: PathBuf,
    },
}

fn keypair(path: &Path) -> Result<Keypair, String> {
    read_keypair_file(path).map_err(|e| {
        format!(
            "cannot read keypair {}: {e}; create one with `solana-keygen new -o {0}` or pass -k",
            path.display()
        )
    })
}

type Report = serde_json::Map<String, Value>;

fn run(cli: &Cli) -> Result<Report, String> {
    let config = SolanaConfig::load(
        &cli.solana_config
            .clone()
            .unwrap_or_else(SolanaConfig::default_path),
    )?;
    let payer = keypair(
        &cli.keypair
            .clone()
            .or(config.keypair_path)
            .unwrap_or_else(SolanaConfig::default_keypair),
    )?;
    let url = cli
        .url
        .clone()
        .or(config.json_rpc_url)
        .unwrap_or_else(|| "localhost".to_string());
    let mut ledger = Rpc::new(
        &cluster_url(&url),
        RpcOptions {
            priority_fee: cli.priority_fee,
            commitment: cli
                .commitment
                .clone()
                .or(config.commitment)
                .unwrap_or_else(|| RpcOptions::default().commitment),
            ..RpcOptions::default()
        },
    );
    let mut report = Report::new();
    match &cli.command {
        Command::Deploy {
            so,
            program_keypair,
        } => {
            let bytes = std::fs::read(so).map_err(|e| {
                format!("cannot read {}: {e} (run `make build` first)", so.display())
            })?;
            let program = keypair(program_keypair)?;
            let quiet = cli.output == "json";
            let outcome = ilm_migrate::deploy(&mut ledger, &payer, &program, &bytes, &mut |step| {
                if !quiet {
                    eprintln!("{step}")
                }
            })
            .map_err(|e| e.to_string())?;
            let outcome = match outcome {
                Deployed::Created => "deployed",
                Deployed::Upgraded => "upgraded",
                Deployed::Unchanged => "unchanged",
            };
            report.insert("program".into(), program.pubkey().to_string().into());
            report.insert("outcome".into(), outcome.into());
        }
        Command::Market { config, so } => {
            if !cli.skip_program_check {
                let bytes = std::fs::read(so).map_err(|e| {
                    format!(
                        "cannot read {} to compare with the deployed program: {e}",
                        so.display()
                    )
                })?;
                let id = ilm_client::PROGRAM_ID;
                let deployment = program::deployment(&ledger, &id).map_err(|e| e.to_string())?;
                program::check_program(&ledger, &id, &deployment, &bytes)
                    .map_err(|e| e.to_string())?;
            }
            let text = std::fs::read_to_string(config)
                .map_err(|e| format!("cannot read {}: {e}", config.display()))?;
            let market =
                MarketConfig::from_json(&text).map_err(|e| format!("{}: {e}", config.display()))?;
            let created = ilm_migrate::create_market(&mut ledger, &payer, &market)
                .map_err(|e| e.to_string())?;
            let keys = created.keys;
            report.insert("market".into(), keys.market.to_string().into());
            report.insert("authority".into(), keys.authority.to_string().into());
            report.insert("market_id".into(), keys.market_id.into());
            // An existing market is left as it is.
            report.insert("created".into(), created.created.into());
        }
    }
    report.insert("ledger".into(), ledger.describe().into());
    Ok(report)
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.output == "json";
    match run(&cli) {
        Ok(report) if json => println!("{}", Value::Object(report)),
        Ok(report) => {
            let width = report.keys().map(String::len).max().unwrap_or(0);
            for (key, value) in report {
                let value = value.as_str().map_or(value.to_string(), str::to_string);
                println!("{key:<width$}  {value}");
            }
        }
        Err(e) if json => {
            println!("{}", serde_json::json!({ "error": e }));
            return ExitCode::FAILURE;
        }
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}

//! `ilm-migrate`: deploys `ilm.so` to a cluster through the upgradeable
//! loader, and creates markets from JSON config files.
use clap::{Parser, Subcommand};
use ilm_ledger::{cluster_url, Ledger, Rpc, RpcOptions};
use ilm_migrate::{Deployed, MarketConfig};
use solana_keypair::{read_keypair_file, Keypair};
use solana_signer::Signer;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "ilm-migrate",
    version,
    about = "Deploy ilm.so and create ilm markets on a Solana cluster"
)]
struct Cli {
    /// RPC URL, or localhost, devnet, testnet, mainnet-beta.
    #[arg(
        short = 'u',
        long = "url",
        global = true,
        env = "ILM_RPC_URL",
        default_value = "localhost"
    )]
    url: String,
    /// Keypair that pays, and becomes upgrade authority or market authority
    /// [default: ~/.config/solana/id.json, the Solana CLI's].
    #[arg(short = 'k', long = "keypair", global = true, env = "ILM_KEYPAIR")]
    keypair: Option<PathBuf>,
    /// Priority fee, in micro-lamports per compute unit.
    #[arg(long, global = true)]
    priority_fee: Option<u64>,
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
    },
}

fn keypair(path: &Path) -> Result<Keypair, String> {
    read_keypair_file(path).map_err(|e| format!("cannot read keypair {}: {e}", path.display()))
}

fn default_keypair() -> PathBuf {
    let home = std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_default();
    home.join(".config/solana/id.json")
}

fn run(cli: Cli) -> Result<(), String> {
    let payer = keypair(&cli.keypair.unwrap_or_else(default_keypair))?;
    let mut ledger = Rpc::new(
        &cluster_url(&cli.url),
        RpcOptions {
            priority_fee: cli.priority_fee,
            ..RpcOptions::default()
        },
    );
    match cli.command {
        Command::Deploy {
            so,
            program_keypair,
        } => {
            let bytes = std::fs::read(&so).map_err(|e| {
                format!("cannot read {}: {e} (run `make build` first)", so.display())
            })?;
            let program = keypair(&program_keypair)?;
            let outcome = ilm_migrate::deploy(&mut ledger, &payer, &program, &bytes, &mut |step| {
                eprintln!("{step}")
            })
            .map_err(|e| e.to_string())?;
            let id = program.pubkey();
            match outcome {
                Deployed::Created => println!("deployed {id} on {}", ledger.describe()),
                Deployed::Upgraded => println!("upgraded {id} on {}", ledger.describe()),
                Deployed::Unchanged => {
                    println!("{id} already runs these bytes on {}", ledger.describe())
                }
            }
        }
        Command::Market { config } => {
            let text = std::fs::read_to_string(&config)
                .map_err(|e| format!("cannot read {}: {e}", config.display()))?;
            let market =
                MarketConfig::from_json(&text).map_err(|e| format!("{}: {e}", config.display()))?;
            let report = ilm_migrate::create_market(&mut ledger, &payer, &market)
                .map_err(|e| e.to_string())?;
            let keys = report.keys;
            if report.created {
                println!(
                    "created market {} (authority {}, id {})",
                    keys.market, keys.authority, keys.market_id
                );
            } else {
                println!(
                    "market {} exists already (authority {}, id {}): left as it is",
                    keys.market, keys.authority, keys.market_id
                );
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

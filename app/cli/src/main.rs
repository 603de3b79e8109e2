//! `ilm`: the Internet Labor Market from the command line. Employers post and
//! fund tasks, contributors stake, claim, deliver and get paid, operators run
//! markets and crank payouts. Every command runs against the embedded ledger
//! (LiteSVM with the real program, saved between commands) unless `-u` names
//! a Solana cluster.
mod answers;
mod commands;
mod context;
mod output;
mod payouts;
mod units;

use clap::{Parser, Subcommand};
use commands::*;
use context::{Ctx, Global};
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "ilm", version, about = "The Internet Labor Market on Solana", long_about = None)]
struct Cli {
    #[command(flatten)]
    global: Global,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create, show or update a market (operators).
    #[command(subcommand)]
    Market(market::MarketCmd),
    /// Deposit, unstake, withdraw or show a contributor's stake.
    #[command(subcommand)]
    Stake(stake::StakeCmd),
    /// Fund, withdraw or show a sponsor's pool, which pays contributors' rent.
    #[command(subcommand)]
    Sponsor(sponsor::SponsorCmd),
    /// Post, fund, cancel, close, show or list tasks (employers).
    #[command(subcommand)]
    Task(task::TaskCmd),
    /// Claim, submit, commit, reveal, abandon or check work (contributors).
    #[command(subcommand)]
    Work(work::WorkCmd),
    /// Approve, reject or settle submitted work.
    #[command(subcommand)]
    Review(review::ReviewCmd),
    /// Sign an attestation (attesters) or submit attested work (contributors).
    #[command(subcommand)]
    Attest(attest::AttestCmd),
    /// Build, publish, claim or push a Merkle batch payout.
    #[command(subcommand)]
    Merkle(merkle::MerkleCmd),
    /// Create test mints and airdrop test tokens (embedded ledger and test clusters).
    #[command(subcommand)]
    Mint(mint::MintCmd),
    /// Inspect, warp or reset the embedded ledger.
    #[command(subcommand)]
    Ledger(ledger::LedgerCmd),
    /// A whole market on a fresh embedded ledger, with a summary table.
    Demo(demo::DemoArgs),
    /// Print the signer's address (as `solana address` does).
    Address,
    /// Write a new keypair file (as `solana-keygen new -o FILE` does).
    Keygen {
        /// Where to write it; an existing file is never overwritten.
        #[arg(short = 'o', long)]
        outfile: std::path::PathBuf,
    },
}

/// Runs a command; `Err(None)` when the failure was reported already.
fn run(cli: Cli) -> Result<(), Option<String>> {
    if let Command::Keygen { outfile } = &cli.command {
        let pubkey = context::keygen(outfile)?;
        println!("{pubkey}");
        return Ok(());
    }
    if let Command::Address = &cli.command {
        let address = context::signer_address(&cli.global)?;
        match cli.global.output {
            context::Format::Json => {
                println!("{}", serde_json::json!({ "address": address.to_string() }))
            }
            context::Format::Display => println!("{address}"),
        }
        return Ok(());
    }
    let mut ctx = match cli.command {
        // The demo never touches the saved ledger.
        Command::Demo(_) => Ctx::in_memory(cli.global)?,
        _ => Ctx::open(cli.global)?,
    };
    let report = match cli.command {
        Command::Market(c) => market::run(&mut ctx, c),
        Command::Stake(c) => stake::run(&mut ctx, c),
        Command::Sponsor(c) => sponsor::run(&mut ctx, c),
        Command::Task(c) => task::run(&mut ctx, c),
        Command::Work(c) => work::run(&mut ctx, c),
        Command::Review(c) => review::run(&mut ctx, c),
        Command::Attest(c) => attest::run(&mut ctx, c),
        Command::Merkle(c) => merkle::run(&mut ctx, c),
        Command::Mint(c) => mint::run(&mut ctx, c),
        Command::Ledger(c) => ledger::run(&mut ctx, c),
        Command::Demo(a) => demo::run(&mut ctx, a),
        Command::Keygen { .. } | Command::Address => {
            unreachable!("keygen and address run without a ledger")
        }
    };
    // Whatever landed before a failure is on the ledger: save it either way.
    let saved = ctx.save();
    if let Some(signed) = ctx.signed_only.take() {
        saved?;
        ctx.print(&signed);
        return Ok(());
    }
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            // Under --output json a failure is one JSON object too, on
            // stdout, with whatever the command did before it failed.
            let mut failure = output::Report::new();
            failure.insert("error".into(), e.clone().into());
            failure.extend(ctx.partial.take().unwrap_or_default());
            match ctx.global.output {
                context::Format::Json => ctx.print(&failure),
                context::Format::Display => {
                    if failure.len() > 1 {
                        failure.remove("error");
                        ctx.print(&failure);
                    }
                    eprintln!("error: {e}");
                }
            }
            return Err(None);
        }
    };
    saved?;
    ctx.print(&report);
    Ok(())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let json = cli.global.output == context::Format::Json;
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        // Reported already.
        Err(None) => ExitCode::FAILURE,
        Err(Some(e)) if json => {
            println!("{}", serde_json::json!({ "error": e }));
            ExitCode::FAILURE
        }
        Err(Some(e)) => {
            eprintln!("error: {e}");
            ExitCode::FAILURE
        }
    }
}

//! What every command shares: the global flags, the ledger they name, the
//! keypair that signs, the market in use, and loading/sending with errors that
//! say what to do next.
use crate::output::{render, Report};
use crate::report;
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{AccountDeserialize, Discriminator};
use clap::{Args, ValueEnum};
use ilm_client::amount::format_sol;
use ilm_client::events::{self, Event};
use ilm_client::ix::{MarketKeys, RentPayer, TaskKeys};
use ilm_client::token::{self, MintInfo};
use ilm_client::{accounts::decode, Market, Task};
use ilm_ledger::config::{home_dir, SolanaConfig};
use ilm_ledger::offline::{self, Presigned};
use ilm_ledger::{
    cluster_url, program, program_so, Embedded, Ledger, LedgerError, Memcmp, Relay, Rpc,
    RpcOptions, Sent, UnitPrice,
};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::path::{Path, PathBuf};

/// The default market of each ledger, in ILM_HOME.
pub const MARKETS_FILE: &str = "markets.json";
/// Each cluster's program found to be this build, in ILM_HOME.
const PROGRAMS_FILE: &str = "programs.json";

/// SOL a keypair the embedded ledger creates starts with.
const EMBEDDED_FUNDING: u64 = 1_000 * 1_000_000_000;

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Aligned text and tables.
    Display,
    /// One JSON object per command (stable; see README "JSON output").
    Json,
}

/// Flags every command takes, with the Solana CLI's names.
#[derive(Args, Clone, Debug)]
pub struct Global {
    /// `embedded` (LiteSVM saved under ILM_HOME), a moniker (localhost,
    /// devnet, testnet, mainnet-beta, or l/d/t/m as in `-ud`) or any JSON-RPC
    /// URL [default: the Solana CLI config's `json_rpc_url`, else embedded].
    #[arg(short = 'u', long = "url", global = true, env = "ILM_URL")]
    pub url: Option<String>,
    /// Signer [default: the Solana CLI config's `keypair_path`, else
    /// ~/.config/solana/id.json; on the embedded ledger without either,
    /// ILM_HOME/id.json, created and funded].
    #[arg(short = 'k', long, global = true, env = "ILM_KEYPAIR")]
    pub keypair: Option<PathBuf>,
    /// Pays the fees instead of the signer (a keypair file).
    #[arg(long, global = true)]
    pub fee_payer: Option<PathBuf>,
    /// A fee-payer service (Kora) that signs as fee payer, its sponsor pool
    /// paying the rent of what a command opens: an empty wallet works
    /// through it (RPC clusters; one transaction at a time). Its API key,
    /// if it has one, is read from ILM_RELAY_API_KEY.
    #[arg(
        long,
        global = true,
        env = "ILM_RELAY",
        conflicts_with_all = ["fee_payer", "blockhash"]
    )]
    pub relay: Option<String>,
    /// The Solana CLI configuration to read [default: ~/.config/solana/cli/config.yml].
    #[arg(short = 'C', long, global = true)]
    pub config: Option<PathBuf>,
    /// Commitment reads and confirmations wait for (RPC clusters)
    /// [default: the Solana CLI config's, else confirmed].
    #[arg(long, global = true, value_parser = ["processed", "confirmed", "finalized"])]
    pub commitment: Option<String>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Display)]
    pub output: Format,
    /// The ilm program id; must be the id this build of ilm was compiled for.
    #[arg(long, global = true)]
    pub program_id: Option<Pubkey>,
    /// The market to act in [default: the last one `market create` made on this ledger].
    #[arg(long, global = true, env = "ILM_MARKET")]
    pub market: Option<Pubkey>,
    /// Priority fee in micro-lamports per compute unit, or `auto` for what
    /// the cluster's recent blocks paid (75th percentile) (RPC clusters).
    #[arg(
        long = "with-compute-unit-price",
        alias = "priority-fee",
        global = true
    )]
    pub priority_fee: Option<UnitPrice>,
    /// Compute units each transaction requests (RPC clusters)
    /// [default: what its simulation used, plus 10 % and 1,000].
    #[arg(
        long = "with-compute-unit-limit",
        alias = "compute-unit-limit",
        global = true
    )]
    pub compute_unit_limit: Option<u32>,
    /// Send even when the program deployed at the ilm id is not the build
    /// this ilm carries (only once you have verified the deployment).
    #[arg(long, global = true)]
    pub skip_program_check: bool,
    /// Sign with the keypairs at hand and print the signatures instead of
    /// sending (needs --blockhash); `-k` and `--fee-payer` may then be
    /// addresses of parties who sign elsewhere.
    #[arg(long, global = true, requires = "blockhash")]
    pub sign_only: bool,
    /// Sign with this blockhash (`ilm ledger blockhash`), the same in every
    /// party's run, instead of a fresh one.
    #[arg(long, global = true)]
    pub blockhash: Option<solana_hash::Hash>,
    /// A signature a --sign-only run printed, as PUBKEY=SIGNATURE (repeat per signer).
    #[arg(long = "signer", global = true, requires = "blockhash")]
    pub signers: Vec<Presigned>,
    /// Print the program logs of a failed transaction.
    #[arg(short = 'v', long, global = true)]
    pub verbose: bool,
    /// Where the embedded ledger and local settings live
    /// [default: $XDG_DATA_HOME/ilm or ~/.local/share/ilm].
    #[arg(long, global = true, env = "ILM_HOME")]
    pub home: Option<PathBuf>,
}

/// A command's working state.
pub struct Ctx {
    pub ledger: Box<dyn Ledger>,
    /// The signer (`-k`).
    pub payer: Party,
    /// Pays fees when it is not the signer (`--fee-payer`, or the relay's key).
    fee_payer: Option<Party>,
    /// `--relay`: the service that signs for `fee_payer`.
    relay: Option<Relay>,
    /// What `--sign-only` signed, reported instead of the command's report.
    pub signed_only: Option<Report>,
    /// Whether this command made its one offline-signed transaction.
    offline_signed: bool,
    /// What a failing command did before it failed (a crank that paid some
    /// leaves), reported beside the error.
    pub partial: Option<Report>,
    /// `embedded` or the RPC URL the command runs on.
    pub url: String,
    pub global: Global,
    pub home: PathBuf,
    /// Whether the deployed program was found to be this build (checked
    /// before the first transaction a command sends to a cluster).
    program_checked: bool,
}

/// A role's key: a keypair at hand, or (offline signing) only the address
/// of a party who signs elsewhere.
pub enum Party {
    Keypair(Keypair),
    Address(Pubkey),
}

impl Party {
    pub fn pubkey(&self) -> Pubkey {
        match self {
            Party::Keypair(kp) => kp.pubkey(),
            Party::Address(a) => *a,
        }
    }

    /// The keypair, for what cannot be signed elsewhere.
    pub fn keypair(&self) -> Result<&Keypair, String> {
        match self {
            Party::Keypair(kp) => Ok(kp),
            Party::Address(a) => Err(format!(
                "{a} is only an address here: this needs its keypair file (offline signing covers single transactions only)"
            )),
        }
    }
}

/// A keypair file, or under offline signing the address of a party who
/// signs elsewhere.
fn read_party(path: &Path, offline: bool) -> Result<Party, String> {
    if offline && !path.exists() {
        if let Some(address) = path.to_str().and_then(|t| t.parse().ok()) {
            return Ok(Party::Address(address));
        }
    }
    read_keypair(path).map(Party::Keypair)
}

fn read_keypair(path: &Path) -> Result<Keypair, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read keypair {}: {e}; create one with `solana-keygen new -o {0}` (or `ilm keygen -o {0}`) or pass -k",
            path.display()
        )
    })?;
    let bytes: Vec<u8> = serde_json::from_str(&text).map_err(|_| {
        format!(
            "{} is not a keypair file (a JSON array of 64 bytes)",
            path.display()
        )
    })?;
    Keypair::try_from(&bytes[..]).map_err(|_| {
        format!(
            "{} is not a keypair file (a JSON array of 64 bytes)",
            path.display()
        )
    })
}

/// A new keypair written to `path` (never over an existing file); its address.
pub fn keygen(path: &Path) -> Result<Pubkey, String> {
    let kp = Keypair::new();
    write_keypair(path, &kp)?;
    Ok(kp.pubkey())
}

/// Writes a keypair in the Solana CLI's format to a new file, readable only
/// by its owner from the moment it exists; an existing file is refused.
pub fn write_keypair(path: &Path, kp: &Keypair) -> Result<(), String> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let json = serde_json::to_string(&kp.to_bytes().to_vec()).map_err(|e| e.to_string())?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).map_err(|e| match e.kind() {
        std::io::ErrorKind::AlreadyExists => format!(
            "{} exists: a keypair file is never overwritten; pick another name",
            path.display()
        ),
        _ => format!("{}: {e}", path.display()),
    })?;
    file.write_all(json.as_bytes())
        .map_err(|e| format!("{}: {e}", path.display()))
}

/// The Solana CLI configuration `-C` names, else the default one.
fn solana_config(global: &Global) -> Result<SolanaConfig, String> {
    SolanaConfig::load(
        &global
            .config
            .clone()
            .unwrap_or_else(SolanaConfig::default_path),
    )
}

/// The signer's address as `solana address` prints it: `-k`, else the
/// Solana CLI config's keypair, else ~/.config/solana/id.json.
pub fn signer_address(global: &Global) -> Result<Pubkey, String> {
    let config = solana_config(global)?;
    let path = global
        .keypair
        .clone()
        .or(config.keypair_path)
        .unwrap_or_else(SolanaConfig::default_keypair);
    Ok(read_keypair(&path)?.pubkey())
}

impl Ctx {
    /// The ledger `-u` (else the Solana CLI config) names, the keypair `-k`
    /// (else the config) names.
    pub fn open(global: Global) -> Result<Ctx, String> {
        let home = Ctx::home(&global);
        let config = solana_config(&global)?;
        let url = global
            .url
            .clone()
            .or(config.json_rpc_url.clone())
            .unwrap_or_else(|| "embedded".to_string());
        let ledger: Box<dyn Ledger> = if url == "embedded" {
            Box::new(
                Embedded::open(&home.join("ledger.bin"), &program_so())
                    .map_err(|e| e.to_string())?,
            )
        } else {
            let options = RpcOptions {
                priority_fee: global.priority_fee,
                compute_unit_limit: global.compute_unit_limit,
                commitment: global
                    .commitment
                    .clone()
                    .or(config.commitment.clone())
                    .unwrap_or_else(|| RpcOptions::default().commitment),
                spinner: global.output == Format::Display,
                ..RpcOptions::default()
            };
            Box::new(Rpc::new(&cluster_url(&url), options))
        };
        Ctx::with_ledger(global, home, ledger, url, config.keypair_path)
    }

    /// A fresh in-memory embedded ledger and a new funded payer (the demo):
    /// nothing on disk is read or written.
    pub fn in_memory(global: Global) -> Result<Ctx, String> {
        if global.url.as_deref().is_some_and(|u| u != "embedded") {
            return Err("the demo runs on its own fresh embedded ledger: drop -u".into());
        }
        let home = Ctx::home(&global);
        let mut ledger = Embedded::in_memory(&program_so()).map_err(|e| e.to_string())?;
        let payer = Keypair::new();
        ledger
            .airdrop(&payer.pubkey(), EMBEDDED_FUNDING)
            .map_err(|e| e.to_string())?;
        Ok(Ctx {
            ledger: Box::new(ledger),
            payer: Party::Keypair(payer),
            fee_payer: None,
            relay: None,
            signed_only: None,
            offline_signed: false,
            partial: None,
            url: "embedded".to_string(),
            global,
            home,
            program_checked: true,
        })
    }

    fn home(global: &Global) -> PathBuf {
        global.home.clone().unwrap_or_else(|| {
            std::env::var_os("XDG_DATA_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| home_dir().join(".local/share"))
                .join("ilm")
        })
    }

    fn with_ledger(
        global: Global,
        home: PathBuf,
        mut ledger: Box<dyn Ledger>,
        url: String,
        config_keypair: Option<PathBuf>,
    ) -> Result<Ctx, String> {
        if let Some(id) = global.program_id {
            if id != ilm_client::PROGRAM_ID {
                return Err(format!(
                    "--program-id {id}: this ilm was built for program {} (Anchor programs carry their id); rebuild ilm with declare_id!(\"{id}\") to use another deployment",
                    ilm_client::PROGRAM_ID
                ));
            }
        }
        let embedded = url == "embedded";
        let named = global.keypair.clone().or(config_keypair);
        let solana_default = SolanaConfig::default_keypair();
        let offline = global.blockhash.is_some();
        let payer = match named {
            Some(path) => read_party(&path, offline)?,
            None if solana_default.exists() || !embedded => read_party(&solana_default, offline)?,
            // Only the embedded ledger's own identity is ever made for you.
            None => {
                let own = home.join("id.json");
                if !own.exists() {
                    let kp = Keypair::new();
                    write_keypair(&own, &kp)?;
                    eprintln!(
                        "created the embedded ledger's identity {} ({}); pass -k to sign with another keypair",
                        own.display(),
                        kp.pubkey()
                    );
                }
                Party::Keypair(read_keypair(&own)?)
            }
        };
        let mut fee_payer = global
            .fee_payer
            .as_deref()
            .map(|p| read_party(p, offline))
            .transpose()?;
        let relay = match &global.relay {
            Some(_) if embedded => {
                return Err("--relay sponsors transactions on a cluster: pass -u URL".into())
            }
            Some(url) => {
                let relay = Relay::new(url, std::env::var("ILM_RELAY_API_KEY").ok());
                let key = relay.payer().map_err(|e| format!("--relay {url}: {e}"))?;
                // With the signer's own key the relay would sponsor nothing.
                if key == payer.pubkey() {
                    return Err(format!(
                        "--relay {url} signs with your own key {key}: it would sponsor nothing"
                    ));
                }
                fee_payer = Some(Party::Address(key));
                Some(relay)
            }
            None => None,
        };
        if embedded {
            // Test SOL for every signer the embedded ledger has not seen.
            for kp in std::iter::once(&payer).chain(fee_payer.as_ref()) {
                if ledger
                    .account(&kp.pubkey())
                    .map_err(|e| e.to_string())?
                    .is_none()
                {
                    ledger
                        .airdrop(&kp.pubkey(), EMBEDDED_FUNDING)
                        .map_err(|e| e.to_string())?;
                }
            }
        }
        Ok(Ctx {
            ledger,
            payer,
            fee_payer,
            relay,
            signed_only: None,
            offline_signed: false,
            partial: None,
            // The embedded ledger runs the .so this ilm carries.
            program_checked: embedded,
            url,
            global,
            home,
        })
    }

    /// The ledger to send on, once the program there is known to be this
    /// build, and who pays its fees (`--fee-payer`, else the signer).
    pub fn ledger_and_fee_payer(&mut self) -> Result<(&mut dyn Ledger, &Keypair), String> {
        if self.global.blockhash.is_some() {
            return Err("this command sends many transactions with fresh blockhashes: --blockhash, --sign-only and --signer cover one-transaction commands".into());
        }
        if self.relay.is_some() {
            return Err("this command sends many transactions: --relay covers a contributor's commands, one transaction at a time".into());
        }
        self.check_program()?;
        let payer = self.fee_payer.as_ref().unwrap_or(&self.payer).keypair()?;
        Ok((self.ledger.as_mut(), payer))
    }

    /// Refuses to send to a cluster whose program at the ilm id is not the
    /// `.so` this ilm carries. A match is remembered (ILM_HOME/programs.json)
    /// by the slot the program was deployed at, so later commands read 45
    /// bytes instead of the whole program until it is upgraded.
    fn check_program(&mut self) -> Result<(), String> {
        if self.program_checked || self.global.skip_program_check {
            return Ok(());
        }
        let so_path = program_so();
        let so = std::fs::read(&so_path).map_err(|e| {
            format!(
                "cannot read {} to compare with the deployed program: {e}",
                so_path.display()
            )
        })?;
        let program = ilm_client::PROGRAM_ID;
        let deployment =
            program::deployment(self.ledger.as_ref(), &program).map_err(|e| e.to_string())?;
        // The genesis hash tells a reset local validator (whose programs may
        // come back at the same slot) from the ledger that was checked.
        let genesis = self.ledger.genesis_hash().map_err(|e| e.to_string())?;
        let record = serde_json::json!({
            "program": program.to_string(),
            "genesis": genesis,
            "slot": deployment.slot,
            "sha256": program::elf_hash(&so),
        });
        if deployment.slot.is_none() || self.remembered(PROGRAMS_FILE) != Some(record.clone()) {
            program::check_program(self.ledger.as_ref(), &program, &deployment, &so)
                .map_err(|e| e.to_string())?;
            if deployment.slot.is_some() {
                self.remember(PROGRAMS_FILE, record)?;
            }
        }
        self.program_checked = true;
        Ok(())
    }

    /// The signer's address.
    pub fn me(&self) -> Pubkey {
        self.payer.pubkey()
    }

    /// Who pays fees and the rent of accounts a command opens: `--fee-payer`
    /// (a sponsor), else the signer. Rent comes back to it when they close.
    pub fn rent_payer(&self) -> Pubkey {
        self.fee_payer.as_ref().unwrap_or(&self.payer).pubkey()
    }

    /// Who pays the rent of the records a contributor's command opens: under
    /// `--relay` the relay's pool (the relay's key then pays fees only, so
    /// its policy refuses every account creation), else [`Ctx::rent_payer`].
    pub fn rent_source(&self) -> RentPayer {
        let key = self.rent_payer();
        if self.relay.is_some() {
            RentPayer::Pool(key)
        } else {
            RentPayer::Signer(key)
        }
    }

    /// Under `--relay`, refuses before asking the relay when its pool cannot
    /// pay the rent of accounts of `sizes` (bytes each) and keep its own
    /// rent-exempt minimum, the way the program would.
    pub fn require_pool_covers(&self, sizes: &[usize]) -> Result<(), String> {
        let RentPayer::Pool(sponsor) = self.rent_source() else {
            return Ok(());
        };
        let rent = |len| self.ledger.minimum_balance(len).map_err(|e| e.to_string());
        let mut needed = rent(0)?;
        for &len in sizes {
            needed += rent(len)?;
        }
        let pool = ilm_client::pda::sponsor_pool(&sponsor).0;
        let held = self
            .ledger
            .account(&pool)
            .map_err(|e| e.to_string())?
            .map_or(0, |a| a.lamports);
        if held >= needed {
            return Ok(());
        }
        Err(format!(
            "the relay's sponsor pool {pool} holds {} SOL, less than the {} SOL this needs (the rent of what it opens and the pool's own minimum): ask its operator to fund it (`ilm sponsor fund <SOL> --sponsor {sponsor}`)",
            format_sol(held),
            format_sol(needed)
        ))
    }

    /// Saves the embedded ledger.
    pub fn save(&mut self) -> Result<(), String> {
        self.ledger.save().map_err(|e| e.to_string())
    }

    /// Prints a report in the chosen format, saying which ledger it ran on.
    pub fn print(&self, report: &Report) {
        let mut report = report.clone();
        report
            .entry("ledger")
            .or_insert_with(|| self.ledger.describe().into());
        match self.global.output {
            Format::Display => println!("{}", render(&report)),
            Format::Json => println!("{}", serde_json::Value::Object(report)),
        }
    }

    /// Whether progress bars should draw (not in JSON mode).
    pub fn interactive(&self) -> bool {
        self.global.output == Format::Display
    }

    /// What `file` in ILM_HOME (a JSON object keyed by ledger) remembers
    /// for this ledger.
    fn remembered(&self, file: &str) -> Option<serde_json::Value> {
        std::fs::read_to_string(self.home.join(file))
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())?
            .get(self.ledger_key())
            .cloned()
    }

    /// Makes `file` in ILM_HOME remember `value` for this ledger.
    fn remember(&self, file: &str, value: serde_json::Value) -> Result<(), String> {
        let path = self.home.join(file);
        let mut all: serde_json::Map<String, serde_json::Value> = std::fs::read_to_string(&path)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        all.insert(self.ledger_key(), value);
        std::fs::create_dir_all(&self.home).map_err(|e| format!("{}: {e}", self.home.display()))?;
        std::fs::write(&path, serde_json::Value::Object(all).to_string())
            .map_err(|e| format!("{}: {e}", path.display()))
    }

    fn ledger_key(&self) -> String {
        if self.url == "embedded" {
            "embedded".to_string()
        } else {
            cluster_url(&self.url)
        }
    }

    /// Makes `market` the default for later commands on this ledger.
    pub fn remember_market(&self, market: &Pubkey) -> Result<(), String> {
        self.remember(MARKETS_FILE, market.to_string().into())
    }

    /// `--market`, else the remembered one.
    pub fn market_address(&self) -> Result<Pubkey, String> {
        if let Some(m) = self.global.market {
            return Ok(m);
        }
        self.remembered(MARKETS_FILE)
            .and_then(|v| v.as_str()?.parse().ok())
            .ok_or_else(|| {
                "no market: pass --market <ADDRESS>, or create one with `ilm market create`"
                    .to_string()
            })
    }

    /// Reads an ilm account of type `T`, saying what was expected when it is missing.
    pub fn load<T: AccountDeserialize + Discriminator>(
        &self,
        key: &Pubkey,
        what: &str,
    ) -> Result<T, String> {
        self.load_with_rent(key, what).map(|(t, _)| t)
    }

    /// [`Ctx::load`] and the account's lamports (its rent), from one read.
    pub fn load_with_rent<T: AccountDeserialize + Discriminator>(
        &self,
        key: &Pubkey,
        what: &str,
    ) -> Result<(T, u64), String> {
        let account = self
            .ledger
            .account(key)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("{what} {key} not found on {}", self.ledger.describe()))?;
        Ok((Ctx::ilm_account(key, what, &account)?, account.lamports))
    }

    /// `account` (at `key`) decoded as the ilm account `T`.
    pub fn ilm_account<T: AccountDeserialize + Discriminator>(
        key: &Pubkey,
        what: &str,
        account: &solana_account::Account,
    ) -> Result<T, String> {
        if account.owner != ilm_client::PROGRAM_ID {
            return Err(format!(
                "{key} is not an ilm {what} (owned by {})",
                account.owner
            ));
        }
        decode(&account.data).map_err(|e| format!("{key} is not an ilm {what}: {e}"))
    }

    /// Every ilm account of type `T` holding each `(offset, key)` (its
    /// discriminator is matched too), decoded, in address order.
    pub fn find<T: AccountDeserialize + Discriminator>(
        &self,
        fields: &[(usize, Pubkey)],
    ) -> Result<Vec<(Pubkey, T)>, String> {
        let filters: Vec<Memcmp> = std::iter::once(Memcmp {
            offset: 0,
            bytes: T::DISCRIMINATOR.to_vec(),
        })
        .chain(fields.iter().map(|(offset, key)| Memcmp {
            offset: *offset,
            bytes: key.to_bytes().to_vec(),
        }))
        .collect();
        self.ledger
            .program_accounts(&ilm_client::PROGRAM_ID, &filters)
            .map_err(|e| e.to_string())?
            .into_iter()
            .map(|(address, account)| {
                decode(&account.data)
                    .map(|t| (address, t))
                    .map_err(|e| format!("{address}: {e}"))
            })
            .collect()
    }

    /// Refuses while `task` exists: claims and bitmaps close only after it.
    pub fn require_task_closed(&self, task: &Pubkey, what: &str) -> Result<(), String> {
        match self.ledger.account(task).map_err(|e| e.to_string())? {
            Some(_) => Err(format!(
                "task {task} is still open: {what} close only after their task (`ilm task close`)"
            )),
            None => Ok(()),
        }
    }

    /// Like [`Ctx::load`], `None` when the account does not exist.
    pub fn try_load<T: AccountDeserialize + Discriminator>(
        &self,
        key: &Pubkey,
        what: &str,
    ) -> Result<Option<T>, String> {
        match self.ledger.account(key).map_err(|e| e.to_string())? {
            None => Ok(None),
            Some(_) => self.load(key, what).map(Some),
        }
    }

    /// The market in use, with its addresses.
    pub fn market(&self) -> Result<(MarketKeys, Market), String> {
        self.market_at(&self.market_address()?)
    }

    /// The market a task belongs to, with its addresses.
    pub fn market_of(&self, task: &Task) -> Result<(MarketKeys, Market), String> {
        self.market_at(&task.market)
    }

    fn market_at(&self, address: &Pubkey) -> Result<(MarketKeys, Market), String> {
        let m: Market = self.load(address, "market")?;
        let stake_mint = self.mint(&m.stake_mint)?;
        let keys = MarketKeys::new(
            m.authority,
            m.market_id,
            m.stake_mint,
            stake_mint.token_program,
        );
        Ok((keys, m))
    }

    /// A task and its addresses.
    pub fn task(&self, address: &Pubkey) -> Result<(TaskKeys, Task), String> {
        let t: Task = self.load(address, "task")?;
        let mint = self.mint(&t.mint)?;
        let keys = TaskKeys::new(t.market, t.employer, t.task_id, t.mint, mint.token_program);
        Ok((keys, t))
    }

    /// A mint of either token program.
    pub fn mint(&self, address: &Pubkey) -> Result<MintInfo, String> {
        let account = self
            .ledger
            .account(address)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| {
                format!(
                    "mint {address} not found on {}: create one with `ilm mint create`",
                    self.ledger.describe()
                )
            })?;
        token::mint_info(&account)
            .ok_or_else(|| format!("{address} is not an SPL Token or Token-2022 mint"))
    }

    /// Token balance of a token account; 0 when it does not exist.
    pub fn balance(&self, token_account: &Pubkey) -> Result<u64, String> {
        Ok(self
            .ledger
            .account(token_account)
            .map_err(|e| e.to_string())?
            .and_then(|a| token::token_balance(&a))
            .unwrap_or(0))
    }

    /// `owner`'s token account for `mint`, and the instructions of a
    /// transaction paying into it so far: its creation when it is missing
    /// (the payer pays the rent), else nothing. Callers push their own after.
    pub fn wallet(
        &self,
        owner: &Pubkey,
        mint: &Pubkey,
        token_program: &Pubkey,
    ) -> Result<(Pubkey, Vec<Instruction>), String> {
        let ata = token::ata(owner, mint, token_program);
        let missing = self
            .ledger
            .account(&ata)
            .map_err(|e| e.to_string())?
            .is_none();
        // The fee payer pays the rent too: no extra signature for it.
        let rent_payer = self.rent_payer();
        let create = missing.then(|| token::create_ata(&rent_payer, owner, mint, token_program));
        Ok((ata, create.into_iter().collect()))
    }

    /// Sends one transaction signed by the payer and `signers`; the error names
    /// the program's reason.
    pub fn send(
        &mut self,
        instructions: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<(Sent, Vec<Event>), String> {
        self.check_program()?;
        if self.global.blockhash.is_some() {
            return self.send_offline(instructions, signers);
        }
        if self.relay.is_some() {
            return self.send_relayed(instructions, signers);
        }
        let mut all: Vec<&Keypair> = signers.to_vec();
        // With a separate fee payer the signer signs only where an
        // instruction needs it (an unneeded signature fails the transaction).
        let me = self.payer.pubkey();
        let needed = instructions
            .iter()
            .flat_map(|i| &i.accounts)
            .any(|a| a.is_signer && a.pubkey == me);
        if self.fee_payer.is_some() && needed {
            all.push(self.payer.keypair()?);
        }
        let verbose = self.global.verbose;
        let payer = self.fee_payer.as_ref().unwrap_or(&self.payer).keypair()?;
        let sent = self
            .ledger
            .send(instructions, payer, &all)
            .map_err(|e| said(verbose, e))?;
        let events = events::from_logs(&sent.logs);
        Ok((sent, events))
    }

    /// The priority fee of a transaction signed once for good (offline or by
    /// a relay): a number, since `auto` would read the cluster at sending;
    /// `auto` is refused with `why`.
    fn fixed_price(&self, why: &str) -> Result<Option<u64>, String> {
        match self.global.priority_fee {
            None => Ok(None),
            Some(UnitPrice::Fixed(price)) => Ok(Some(price)),
            Some(UnitPrice::Recent) => Err(why.to_string()),
        }
    }

    /// `--relay`: the transaction paid by the relay's key, signed here by
    /// whoever it needs, then by the relay (which refuses what its policy
    /// does not allow), then sent and confirmed like any signed transaction.
    fn send_relayed(
        &mut self,
        instructions: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<(Sent, Vec<Event>), String> {
        let relay = self.relay.as_ref().expect("checked by the caller");
        let fee_payer = self.rent_payer();
        let me = self.payer.keypair()?;
        let mut at_hand = signers.to_vec();
        at_hand.push(me);
        let blockhash = self.ledger.blockhash().map_err(|e| e.to_string())?;
        let price = self.fixed_price("--relay: give --with-compute-unit-price a number (the relay signs one fixed transaction)")?;
        let limit = self.global.compute_unit_limit;
        let tx = offline::sign_partial(
            instructions,
            &fee_payer,
            &at_hand,
            &[],
            blockhash,
            (limit, price),
        )
        .map_err(|e| e.to_string())?;
        let tx = relay
            .sign(&tx, &me.pubkey())
            .map_err(|e| format!("the relay refused the transaction: {e}"))?;
        let verbose = self.global.verbose;
        let sent = self.ledger.send_signed(&tx).map_err(|e| said(verbose, e))?;
        let events = events::from_logs(&sent.logs);
        Ok((sent, events))
    }

    /// `--blockhash`: the one transaction of this command, signed with the
    /// keypairs at hand and the `--signer` signatures; under `--sign-only`
    /// its signatures are kept for the report and nothing is sent (the
    /// command stops there), else it is sent once every signer has signed.
    fn send_offline(
        &mut self,
        instructions: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<(Sent, Vec<Event>), String> {
        if self.offline_signed {
            return Err(
                "offline signing covers one transaction per command: this one sends more".into(),
            );
        }
        self.offline_signed = true;
        let blockhash = self.global.blockhash.expect("checked by the caller");
        let price = self.fixed_price("--with-compute-unit-price auto reads the cluster when sending: every signer of one transaction needs the same number")?;
        let mut at_hand: Vec<&Keypair> = signers.to_vec();
        at_hand.extend(
            [Some(&self.payer), self.fee_payer.as_ref()]
                .into_iter()
                .flatten()
                .filter_map(|p| p.keypair().ok()),
        );
        let fee_payer = self.rent_payer();
        let tx = offline::sign_partial(
            instructions,
            &fee_payer,
            &at_hand,
            &self.global.signers,
            blockhash,
            (self.global.compute_unit_limit, price),
        )
        .map_err(|e| e.to_string())?;
        let absent = offline::absent_signers(&tx);
        let present = offline::present_signatures(&tx);
        if self.global.sign_only {
            let strings = |keys: Vec<String>| serde_json::Value::from(keys);
            self.signed_only = Some(report! {
                "blockhash" => blockhash.to_string(),
                "signers" => strings(present.iter().map(ToString::to_string).collect()),
                "absent" => strings(absent.iter().map(ToString::to_string).collect()),
            });
            return Err("signed only: nothing was sent".into());
        }
        if !absent.is_empty() {
            let names: Vec<String> = absent.iter().map(ToString::to_string).collect();
            return Err(format!(
                "the transaction lacks the signatures of {}: pass --signer PUBKEY=SIGNATURE from each one's --sign-only run (same command, same flags, same --blockhash)",
                names.join(", ")
            ));
        }
        let verbose = self.global.verbose;
        let sent = self.ledger.send_signed(&tx).map_err(|e| said(verbose, e))?;
        let events = events::from_logs(&sent.logs);
        Ok((sent, events))
    }

    /// Creates a mint with the signer as its authority.
    pub fn create_mint(
        &mut self,
        decimals: u8,
        program: &Pubkey,
    ) -> Result<(Pubkey, Sent), String> {
        let mint = Keypair::new();
        let rent = self
            .ledger
            .minimum_balance(token::MINT_LEN)
            .map_err(|e| e.to_string())?;
        let me = self.me();
        let ixs = token::create_mint(&me, &mint.pubkey(), &me, decimals, program, rent);
        let (sent, _) = self.send(&ixs, &[&mint])?;
        Ok((mint.pubkey(), sent))
    }

    /// Mints `amount` base units to `owner`'s token account (created when
    /// missing); the signer must be the mint authority.
    pub fn mint_to(
        &mut self,
        mint: &Pubkey,
        info: &MintInfo,
        owner: &Pubkey,
        amount: u64,
    ) -> Result<(Pubkey, Sent), String> {
        let (wallet, mut ixs) = self.wallet(owner, mint, &info.token_program)?;
        ixs.push(token::mint_to(
            &info.token_program,
            mint,
            &wallet,
            &self.me(),
            amount,
            info.decimals,
        ));
        let (sent, _) = self.send(&ixs, &[])?;
        Ok((wallet, sent))
    }

    /// Refuses to mint test tokens on mainnet.
    pub fn require_test_ledger(&self, what: &str) -> Result<(), String> {
        if self.ledger.is_test_ledger() {
            Ok(())
        } else {
            Err(format!(
                "{what} is only for the embedded ledger and test clusters, not {}",
                self.ledger.describe()
            ))
        }
    }
}

/// A send's error in words, with the program logs first under `-v`.
fn said(verbose: bool, e: LedgerError) -> String {
    if let (true, LedgerError::Failed { logs, .. }) = (verbose, &e) {
        eprintln!("{}", logs.join("\n"));
    }
    e.to_string()
}

/// The common fields of a sent transaction in a report.
pub fn tx_fields(report: &mut Report, sent: &Sent) {
    report.insert("signature".into(), sent.signature.clone().into());
    report.insert("compute_units".into(), sent.compute_units.into());
}

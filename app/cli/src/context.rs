//! What every command shares: the global flags, the ledger they name, the
//! keypair that signs, the market in use, and loading/sending with errors that
//! say what to do next.
use crate::output::{render, Report};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{AccountDeserialize, Discriminator};
use clap::{Args, ValueEnum};
use ilm_client::events::{self, Event};
use ilm_client::ix::{MarketKeys, TaskKeys};
use ilm_client::token::{self, MintInfo};
use ilm_client::{accounts::decode, Market, Task};
use ilm_ledger::{cluster_url, program_so, Embedded, Ledger, LedgerError, Rpc, RpcOptions, Sent};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::path::{Path, PathBuf};

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
    /// `embedded` (the default: LiteSVM saved under ILM_HOME), a moniker
    /// (localhost, devnet, testnet, mainnet-beta) or any JSON-RPC URL.
    #[arg(
        short = 'u',
        long = "url",
        global = true,
        env = "ILM_URL",
        default_value = "embedded"
    )]
    pub url: String,
    /// Signer and fee payer [default: ~/.config/solana/id.json]; on the
    /// embedded ledger a missing file is created and funded.
    #[arg(short = 'k', long, global = true, env = "ILM_KEYPAIR")]
    pub keypair: Option<PathBuf>,
    /// Output format.
    #[arg(long, global = true, value_enum, default_value_t = Format::Display)]
    pub output: Format,
    /// The ilm program id; must be the id this build of ilm was compiled for.
    #[arg(long, global = true)]
    pub program_id: Option<Pubkey>,
    /// The market to act in [default: the last one `market create` made on this ledger].
    #[arg(long, global = true, env = "ILM_MARKET")]
    pub market: Option<Pubkey>,
    /// Priority fee in micro-lamports per compute unit (RPC clusters).
    #[arg(long, global = true)]
    pub priority_fee: Option<u64>,
    /// Compute units each transaction requests (RPC clusters)
    /// [default: what its simulation used, plus 10 % and 1,000].
    #[arg(long, global = true)]
    pub compute_unit_limit: Option<u32>,
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
    pub payer: Keypair,
    pub global: Global,
    pub home: PathBuf,
}

fn home_dir() -> PathBuf {
    std::env::var_os("HOME")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."))
}

fn read_keypair(path: &Path) -> Result<Keypair, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read keypair {}: {e}; create one with `solana-keygen new -o {0}` or pass -k",
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

/// Writes a keypair in the Solana CLI's format, readable only by its owner.
pub fn write_keypair(path: &Path, kp: &Keypair) -> Result<(), String> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let json = serde_json::to_string(&kp.to_bytes().to_vec()).map_err(|e| e.to_string())?;
    std::fs::write(path, json).map_err(|e| format!("{}: {e}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| format!("{}: {e}", path.display()))?;
    }
    Ok(())
}

impl Ctx {
    /// The ledger `-u` names, the keypair `-k` names.
    pub fn open(global: Global) -> Result<Ctx, String> {
        let home = Ctx::home(&global);
        let ledger: Box<dyn Ledger> = if global.url == "embedded" {
            Box::new(
                Embedded::open(&home.join("ledger.bin"), &program_so())
                    .map_err(|e| e.to_string())?,
            )
        } else {
            let options = RpcOptions {
                priority_fee: global.priority_fee,
                compute_unit_limit: global.compute_unit_limit,
                ..RpcOptions::default()
            };
            Box::new(Rpc::new(&cluster_url(&global.url), options))
        };
        Ctx::with_ledger(global, home, ledger)
    }

    /// A fresh in-memory embedded ledger and a new funded payer (the demo):
    /// nothing on disk is read or written.
    pub fn in_memory(global: Global) -> Result<Ctx, String> {
        if global.url != "embedded" {
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
            payer,
            global,
            home,
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
    ) -> Result<Ctx, String> {
        if let Some(id) = global.program_id {
            if id != ilm_client::PROGRAM_ID {
                return Err(format!(
                    "--program-id {id}: this ilm was built for program {} (Anchor programs carry their id); rebuild ilm with declare_id!(\"{id}\") to use another deployment",
                    ilm_client::PROGRAM_ID
                ));
            }
        }
        let path = global
            .keypair
            .clone()
            .unwrap_or_else(|| home_dir().join(".config/solana/id.json"));
        let embedded = global.url == "embedded";
        let payer = match read_keypair(&path) {
            Ok(kp) => kp,
            Err(_) if embedded && !path.exists() => {
                let kp = Keypair::new();
                write_keypair(&path, &kp)?;
                ledger
                    .airdrop(&kp.pubkey(), EMBEDDED_FUNDING)
                    .map_err(|e| e.to_string())?;
                eprintln!(
                    "created {} ({}) and funded it with 1000 SOL on the embedded ledger",
                    path.display(),
                    kp.pubkey()
                );
                kp
            }
            Err(e) => return Err(e),
        };
        if embedded
            && ledger
                .account(&payer.pubkey())
                .map_err(|e| e.to_string())?
                .is_none()
        {
            ledger
                .airdrop(&payer.pubkey(), EMBEDDED_FUNDING)
                .map_err(|e| e.to_string())?;
        }
        Ok(Ctx {
            ledger,
            payer,
            global,
            home,
        })
    }

    /// The signer's address.
    pub fn me(&self) -> Pubkey {
        self.payer.pubkey()
    }

    /// Saves the embedded ledger.
    pub fn save(&mut self) -> Result<(), String> {
        self.ledger.save().map_err(|e| e.to_string())
    }

    /// Prints a report in the chosen format.
    pub fn print(&self, report: &Report) {
        match self.global.output {
            Format::Json => println!("{}", serde_json::Value::Object(report.clone())),
            Format::Display => println!("{}", render(report)),
        }
    }

    /// Whether progress bars should draw (not in JSON mode).
    pub fn interactive(&self) -> bool {
        self.global.output == Format::Display
    }

    fn settings_file(&self) -> PathBuf {
        self.home.join("markets.json")
    }

    fn ledger_key(&self) -> String {
        if self.global.url == "embedded" {
            "embedded".to_string()
        } else {
            cluster_url(&self.global.url)
        }
    }

    /// Makes `market` the default for later commands on this ledger.
    pub fn remember_market(&self, market: &Pubkey) -> Result<(), String> {
        let file = self.settings_file();
        let mut all: serde_json::Map<String, serde_json::Value> = std::fs::read_to_string(&file)
            .ok()
            .and_then(|t| serde_json::from_str(&t).ok())
            .unwrap_or_default();
        all.insert(self.ledger_key(), market.to_string().into());
        std::fs::create_dir_all(&self.home).map_err(|e| format!("{}: {e}", self.home.display()))?;
        std::fs::write(&file, serde_json::Value::Object(all).to_string())
            .map_err(|e| format!("{}: {e}", file.display()))
    }

    /// `--market`, else the remembered one.
    pub fn market_address(&self) -> Result<Pubkey, String> {
        if let Some(m) = self.global.market {
            return Ok(m);
        }
        std::fs::read_to_string(self.settings_file())
            .ok()
            .and_then(|t| serde_json::from_str::<serde_json::Value>(&t).ok())
            .and_then(|v| v.get(self.ledger_key())?.as_str()?.parse().ok())
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
        let account = self
            .ledger
            .account(key)
            .map_err(|e| e.to_string())?
            .ok_or_else(|| format!("{what} {key} not found on {}", self.ledger.describe()))?;
        if account.owner != ilm_client::PROGRAM_ID {
            return Err(format!(
                "{key} is not an ilm {what} (owned by {})",
                account.owner
            ));
        }
        decode(&account.data).map_err(|e| format!("{key} is not an ilm {what}: {e}"))
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
        let create = missing.then(|| token::create_ata(&self.me(), owner, mint, token_program));
        Ok((ata, create.into_iter().collect()))
    }

    /// Sends one transaction signed by the payer and `signers`; the error names
    /// the program's reason.
    pub fn send(
        &mut self,
        instructions: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<(Sent, Vec<Event>), String> {
        let sent = self
            .ledger
            .send(instructions, &self.payer, signers)
            .map_err(|e| {
                if let (true, LedgerError::Failed { logs, .. }) = (self.global.verbose, &e) {
                    eprintln!("{}", logs.join("\n"));
                }
                e.to_string()
            })?;
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

/// The common fields of a sent transaction in a report.
pub fn tx_fields(report: &mut Report, sent: &Sent) {
    report.insert("signature".into(), sent.signature.clone().into());
    report.insert("compute_units".into(), sent.compute_units.into());
}

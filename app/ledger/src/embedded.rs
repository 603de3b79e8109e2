//! The embedded ledger: LiteSVM holding the built `ilm.so`, so every command
//! runs the real program without a validator. Between commands its accounts,
//! slot and clock are saved to one file, so successive invocations build on
//! each other like a local validator.
use crate::{classify, sign, Ledger, LedgerError, Memcmp, Sent};
use anchor_lang::prelude::{Clock, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use litesvm::LiteSVM;
use serde::{Deserialize, Serialize};
use solana_account::Account;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::collections::HashSet;
use std::fmt;
use std::path::{Path, PathBuf};
use std::time::{SystemTime, UNIX_EPOCH};

/// Bumped whenever [`Snapshot`]'s layout changes, so an old file is refused
/// with a clear message instead of being misread.
const SNAPSHOT_VERSION: u32 = 1;

/// Why the embedded ledger could not be opened or saved.
#[derive(Debug)]
pub enum EmbeddedError {
    /// `ilm.so` is missing or not a loadable program.
    Program { path: PathBuf, detail: String },
    /// The state file could not be read or written.
    Io { path: PathBuf, detail: String },
    /// The state file is not one this version wrote.
    Corrupt { path: PathBuf, detail: String },
}

impl fmt::Display for EmbeddedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            EmbeddedError::Program { path, detail } => write!(
                f,
                "cannot load the ilm program from {} ({detail}): run `make build`, or point ILM_PROGRAM_SO at ilm.so",
                path.display()
            ),
            EmbeddedError::Io { path, detail } => write!(f, "{}: {detail}", path.display()),
            EmbeddedError::Corrupt { path, detail } => write!(
                f,
                "{} is not an ilm ledger this version can read ({detail}): move it away or run `ilm ledger reset`",
                path.display()
            ),
        }
    }
}

impl std::error::Error for EmbeddedError {}

impl From<EmbeddedError> for LedgerError {
    fn from(e: EmbeddedError) -> LedgerError {
        LedgerError::Storage(e.to_string())
    }
}

#[derive(Serialize, Deserialize)]
struct SavedAccount {
    key: [u8; 32],
    lamports: u64,
    owner: [u8; 32],
    executable: bool,
    rent_epoch: u64,
    /// Read and written as one byte string, not byte by byte: the same bytes
    /// on disk as a plain `Vec<u8>` under bincode, many times faster to load.
    #[serde(with = "serde_bytes")]
    data: Vec<u8>,
}

#[derive(Serialize, Deserialize)]
struct Snapshot {
    version: u32,
    slot: u64,
    unix_timestamp: i64,
    /// Seconds the clock was warped ahead of the wall clock.
    warped: i64,
    transactions: u64,
    accounts: Vec<SavedAccount>,
}

/// LiteSVM with `ilm.so` loaded; see the module docs.
pub struct Embedded {
    svm: LiteSVM,
    file: Option<PathBuf>,
    /// Accounts LiteSVM creates by itself (builtins, sysvars, default
    /// programs, ilm): rebuilt on open, so never saved.
    baseline: HashSet<Pubkey>,
    warped: i64,
    transactions: u64,
    /// Whether anything was sent, airdropped or warped since opening: a
    /// command that only read saves nothing (rewriting a 50,000-account
    /// ledger costs more than the command).
    changed: bool,
    /// An exclusive lock on `<file>.lock`, held from `open` until the ledger
    /// is dropped, so two commands on one file run one after the other and
    /// neither's transactions are lost.
    _lock: Option<std::fs::File>,
}

/// Where `ilm.so` is: `$ILM_PROGRAM_SO`, `$SBF_OUT_DIR/ilm.so`,
/// `$CARGO_TARGET_DIR/deploy/ilm.so`, `deploy/ilm.so` beside the running
/// binary's directory (`target/debug/ilm` -> `target/deploy/ilm.so`), then the
/// workspace's `target/deploy/ilm.so`. The first that exists, else the last
/// candidate (so the error names a path).
pub fn program_so() -> PathBuf {
    let var = |name: &str| std::env::var_os(name).map(PathBuf::from);
    let mut candidates = Vec::new();
    candidates.extend(var("ILM_PROGRAM_SO"));
    candidates.extend(var("SBF_OUT_DIR").map(|d| d.join("ilm.so")));
    candidates.extend(var("CARGO_TARGET_DIR").map(|d| d.join("deploy/ilm.so")));
    if let Some(dir) = std::env::current_exe()
        .ok()
        .and_then(|e| e.parent().map(Path::to_path_buf))
    {
        candidates.push(dir.join("../deploy/ilm.so"));
        candidates.push(dir.join("../../deploy/ilm.so"));
    }
    candidates.push(Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/deploy/ilm.so"));
    candidates
        .iter()
        .find(|p| p.exists())
        .cloned()
        .unwrap_or_else(|| candidates[candidates.len() - 1].clone())
}

/// Takes the exclusive lock beside `file`, waiting for another holder.
fn lock(file: &Path) -> Result<std::fs::File, EmbeddedError> {
    let path = file.with_extension("lock");
    let io = |e: std::io::Error| EmbeddedError::Io {
        path: path.clone(),
        detail: e.to_string(),
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let handle = std::fs::OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(&path)
        .map_err(io)?;
    match handle.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            eprintln!("ilm: waiting for another command using {}", file.display());
            handle.lock().map_err(io)?;
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(io(e)),
    }
    Ok(handle)
}

fn wall_clock() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

impl Embedded {
    /// A fresh ledger with `ilm.so` at the program id, its clock at the wall
    /// clock, kept in memory only.
    pub fn in_memory(program_so: &Path) -> Result<Embedded, EmbeddedError> {
        let mut svm = LiteSVM::new();
        svm.add_program_from_file(ilm_client::PROGRAM_ID, program_so)
            .map_err(|e| EmbeddedError::Program {
                path: program_so.to_path_buf(),
                detail: format!("{e:?}"),
            })?;
        let mut clock: Clock = svm.get_sysvar();
        clock.unix_timestamp = wall_clock();
        svm.set_sysvar(&clock);
        let baseline = svm.accounts_db().inner.keys().copied().collect();
        Ok(Embedded {
            svm,
            file: None,
            baseline,
            warped: 0,
            transactions: 0,
            changed: false,
            _lock: None,
        })
    }

    /// The ledger saved in `file`, or a fresh one that [`Ledger::save`] will write there.
    /// Another command holding the same file makes this wait (saying so on
    /// stderr) until it is done.
    pub fn open(file: &Path, program_so: &Path) -> Result<Embedded, EmbeddedError> {
        let mut ledger = Embedded::in_memory(program_so)?;
        ledger._lock = Some(lock(file)?);
        ledger.file = Some(file.to_path_buf());
        let bytes = match std::fs::read(file) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(ledger),
            Err(e) => {
                return Err(EmbeddedError::Io {
                    path: file.to_path_buf(),
                    detail: e.to_string(),
                })
            }
        };
        let corrupt = |detail: String| EmbeddedError::Corrupt {
            path: file.to_path_buf(),
            detail,
        };
        let snap: Snapshot = bincode::deserialize(&bytes).map_err(|e| corrupt(e.to_string()))?;
        if snap.version != SNAPSHOT_VERSION {
            return Err(corrupt(format!("format version {}", snap.version)));
        }
        let mut accounts = snap.accounts;
        // Program data before the programs that point at it.
        accounts.sort_by_key(|a| a.executable);
        for a in accounts {
            let account = Account {
                lamports: a.lamports,
                data: a.data,
                owner: Pubkey::new_from_array(a.owner),
                executable: a.executable,
                rent_epoch: a.rent_epoch,
            };
            let key = Pubkey::new_from_array(a.key);
            ledger
                .svm
                .set_account(key, account)
                .map_err(|e| corrupt(format!("account {key}: {e:?}")))?;
        }
        ledger.warped = snap.warped;
        ledger.transactions = snap.transactions;
        let mut clock: Clock = ledger.svm.get_sysvar();
        clock.slot = snap.slot;
        clock.unix_timestamp = snap.unix_timestamp.max(wall_clock() + snap.warped);
        ledger.svm.set_sysvar(&clock);
        Ok(ledger)
    }

    /// Accounts that are not LiteSVM's own (the ones a snapshot keeps).
    fn saved_accounts(&self) -> Vec<SavedAccount> {
        self.svm
            .accounts_db()
            .inner
            .iter()
            .filter(|(key, _)| !self.baseline.contains(key))
            .map(|(key, shared)| {
                let a: Account = shared.clone().into();
                SavedAccount {
                    key: key.to_bytes(),
                    lamports: a.lamports,
                    owner: a.owner.to_bytes(),
                    executable: a.executable,
                    rent_epoch: a.rent_epoch,
                    data: a.data,
                }
            })
            .collect()
    }
}

impl Ledger for Embedded {
    fn describe(&self) -> String {
        match &self.file {
            Some(f) => format!("the embedded ledger ({})", f.display()),
            None => "an in-memory embedded ledger".to_string(),
        }
    }

    fn account(&self, key: &Pubkey) -> Result<Option<Account>, LedgerError> {
        Ok(self.svm.get_account(key).filter(|a| a.lamports > 0))
    }

    fn program_accounts(
        &self,
        program: &Pubkey,
        filters: &[Memcmp],
    ) -> Result<Vec<(Pubkey, Account)>, LedgerError> {
        let mut found: Vec<(Pubkey, Account)> = self
            .svm
            .get_program_accounts(program)
            .into_iter()
            .filter(|(_, a)| {
                filters
                    .iter()
                    .all(|f| a.data.get(f.offset..f.offset + f.bytes.len()) == Some(&f.bytes[..]))
            })
            .collect();
        found.sort_by_key(|(k, _)| *k);
        Ok(found)
    }

    fn unix_timestamp(&self) -> Result<i64, LedgerError> {
        Ok(self.svm.get_sysvar::<Clock>().unix_timestamp)
    }

    fn minimum_balance(&self, len: usize) -> Result<u64, LedgerError> {
        Ok(self.svm.minimum_balance_for_rent_exemption(len))
    }

    fn send(
        &mut self,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Result<Sent, LedgerError> {
        // A new slot and blockhash per transaction: commit-reveal needs slots
        // to advance, and identical transactions stay distinct.
        let slot = self.svm.get_sysvar::<Clock>().slot + 1;
        self.svm.warp_to_slot(slot);
        self.svm.expire_blockhash();
        let tx = sign(instructions, payer, signers, self.svm.latest_blockhash())?;
        self.transactions += 1;
        self.changed = true;
        match self.svm.send_transaction(tx) {
            Ok(meta) => Ok(Sent {
                signature: meta.signature.to_string(),
                compute_units: meta.compute_units_consumed,
                fee: meta.fee,
                logs: meta.logs,
            }),
            Err(failed) => Err(classify(failed.err, failed.meta.logs, &payer.pubkey())),
        }
    }

    fn airdrop(&mut self, to: &Pubkey, lamports: u64) -> Result<(), LedgerError> {
        self.changed = true;
        self.svm
            .airdrop(to, lamports)
            .map(|_| ())
            .map_err(|f| classify(f.err, f.meta.logs, to))
    }

    fn is_test_ledger(&self) -> bool {
        true
    }

    fn transactions(&self) -> Option<u64> {
        Some(self.transactions)
    }

    /// Leases, review windows and deadlines pass without waiting for them.
    fn warp(&mut self, secs: i64) -> Result<(), LedgerError> {
        let mut clock: Clock = self.svm.get_sysvar();
        clock.unix_timestamp += secs;
        self.svm.set_sysvar(&clock);
        self.warped += secs;
        self.changed = true;
        Ok(())
    }

    fn save(&mut self) -> Result<(), LedgerError> {
        let Some(file) = self.file.clone().filter(|_| self.changed) else {
            return Ok(());
        };
        let clock: Clock = self.svm.get_sysvar();
        let snap = Snapshot {
            version: SNAPSHOT_VERSION,
            slot: clock.slot,
            unix_timestamp: clock.unix_timestamp,
            warped: self.warped,
            transactions: self.transactions,
            accounts: self.saved_accounts(),
        };
        let io = |e: std::io::Error| EmbeddedError::Io {
            path: file.clone(),
            detail: e.to_string(),
        };
        if let Some(dir) = file.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let bytes = bincode::serialize(&snap).map_err(|e| EmbeddedError::Io {
            path: file.clone(),
            detail: e.to_string(),
        })?;
        // Write, flush to disk, then rename: a command killed (or a machine
        // losing power) mid-save leaves the old state whole. The temporary
        // name is this process's own.
        let tmp = file.with_extension(format!("tmp.{}", std::process::id()));
        let mut out = std::fs::File::create(&tmp).map_err(io)?;
        std::io::Write::write_all(&mut out, &bytes).map_err(io)?;
        out.sync_all().map_err(io)?;
        std::fs::rename(&tmp, &file).map_err(io)?;
        if let Some(dir) = file.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::File::open(dir)
                .and_then(|d| d.sync_all())
                .map_err(io)?;
        }
        self.changed = false;
        Ok(())
    }
}

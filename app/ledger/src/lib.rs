//! One [`Ledger`] over two real backends: [`Embedded`] (LiteSVM holding the
//! built `ilm.so`, its accounts saved to a file between commands) and [`Rpc`]
//! (any Solana JSON-RPC endpoint), and the Merkle payout [`crank`] written
//! against it. Tools are written once against the trait; a service that only
//! builds transactions needs `ilm-client` alone, without LiteSVM or HTTP.
pub mod config;
pub mod crank;
mod embedded;
pub mod offline;
pub mod program;
mod rpc;

pub use embedded::{program_so, Embedded, EmbeddedError};
pub use rpc::{cluster_url, Relay, Rpc, RpcOptions, UnitPrice, MAINNET_GENESIS_HASH};

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use solana_account::Account;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use std::fmt;

/// The most bytes a serialized transaction may have: what fits in one UDP
/// packet (1,280-byte IPv6 MTU less headers). Clusters refuse larger ones.
pub const PACKET_DATA_SIZE: usize = 1_232;

/// Refuses a transaction a cluster would refuse for its size, before it is
/// simulated or sent: LiteSVM alone would run it.
pub fn check_size(tx: &Transaction) -> Result<(), LedgerError> {
    let bytes = bincode::serialized_size(tx).map_err(|e| LedgerError::Failed {
        error: TransactionError::SanitizeFailure,
        logs: vec![format!("the transaction does not serialize: {e}")],
    })? as usize;
    if bytes > PACKET_DATA_SIZE {
        return Err(LedgerError::TooLarge { bytes });
    }
    Ok(())
}

/// A transaction of `instructions` paid by `payer`, signed by it and
/// `signers` (the payer once), refused when it cannot be signed or would not
/// fit a cluster's packet.
pub(crate) fn sign(
    instructions: &[Instruction],
    payer: &Keypair,
    signers: &[&Keypair],
    blockhash: solana_hash::Hash,
) -> Result<Transaction, LedgerError> {
    let mut keys: Vec<&Keypair> = vec![payer];
    keys.extend(signers.iter().filter(|s| s.pubkey() != payer.pubkey()));
    let mut tx = Transaction::new_with_payer(instructions, Some(&payer.pubkey()));
    tx.try_sign(&keys, blockhash)
        .map_err(|e| LedgerError::Signature(format!("cannot sign the transaction: {e}")))?;
    check_size(&tx)?;
    Ok(tx)
}

/// A landed transaction.
#[derive(Clone, Debug)]
pub struct Sent {
    /// Base-58 transaction signature.
    pub signature: String,
    /// Compute units the transaction consumed.
    pub compute_units: u64,
    /// Lamports paid in fees.
    pub fee: u64,
    /// Program logs.
    pub logs: Vec<String>,
}

/// One transaction to send: instructions and the signers besides the fee payer.
pub struct Batch<'a> {
    pub instructions: Vec<Instruction>,
    pub signers: Vec<&'a Keypair>,
}

/// Why a ledger call failed, worded for the person who has to fix it.
#[derive(Debug)]
pub enum LedgerError {
    /// The transaction ran and failed; nothing it did was kept.
    Failed {
        error: TransactionError,
        logs: Vec<String>,
    },
    /// The fee payer cannot pay the fee or the rent.
    InsufficientFunds { payer: Pubkey, detail: String },
    /// No executable program at the ilm program id on this cluster.
    NotDeployed { program: Pubkey, ledger: String },
    /// The blockhash expired before the transaction was confirmed, after every retry.
    BlockhashExpired { signature: String },
    /// The endpoint could not be reached (after retries).
    Network(String),
    /// The endpoint answered with a JSON-RPC error.
    Rpc { code: i64, message: String },
    /// The transaction is over [`PACKET_DATA_SIZE`] bytes; nothing was sent.
    TooLarge { bytes: usize },
    /// The program at ilm's id is not the build this tool carries.
    OtherProgram {
        program: Pubkey,
        ledger: String,
        /// SHA-256 of the deployed ELF and of the carried one.
        deployed: String,
        carried: String,
    },
    /// The transaction cannot be signed as given; nothing was sent.
    Signature(String),
    /// Only one backend can do this (for example warping the clock).
    Unsupported(String),
    /// The embedded ledger's file or program could not be read or written.
    Storage(String),
}

impl LedgerError {
    /// The program's own words for a failure: Anchor's `Error Message:` log
    /// line when there is one, else the last program log line.
    pub fn program_message(&self) -> Option<String> {
        let LedgerError::Failed { logs, .. } = self else {
            return None;
        };
        logs.iter()
            .find_map(|l| {
                let (_, message) = l.split_once("Error Message: ")?;
                // Anchor names the account a constraint failed on: say which.
                Some(match l.split_once("caused by account: ") {
                    Some((_, rest)) => {
                        let account = rest.split('.').next().unwrap_or(rest);
                        format!("{message} (account `{account}`)")
                    }
                    None => message.to_string(),
                })
            })
            .or_else(|| {
                logs.iter()
                    .rev()
                    .find(|l| l.starts_with("Program log: ") && !l.contains("Instruction: "))
                    .map(|l| l.trim_start_matches("Program log: ").to_string())
            })
    }

    /// The custom error number, when a program returned one.
    pub fn custom_code(&self) -> Option<u32> {
        match self {
            LedgerError::Failed {
                error:
                    TransactionError::InstructionError(
                        _,
                        solana_instruction_error::InstructionError::Custom(c),
                    ),
                ..
            } => Some(*c),
            _ => None,
        }
    }
}

impl fmt::Display for LedgerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            // The program's reason first: it says what to do.
            LedgerError::Failed { error, .. } => match self.program_message() {
                Some(m) => write!(f, "{m} (transaction failed: {error})"),
                None => write!(f, "transaction failed: {error}"),
            },
            LedgerError::InsufficientFunds { payer, detail } => write!(
                f,
                "{payer} cannot pay for this transaction ({detail}): fund it with SOL (`solana airdrop` on test clusters)"
            ),
            LedgerError::NotDeployed { program, ledger } => write!(
                f,
                "the ilm program {program} is not deployed on {ledger}: deploy it first (see migrations/README.md) or pass -u for the right cluster"
            ),
            LedgerError::BlockhashExpired { signature } => write!(
                f,
                "transaction {signature} was not confirmed before its blockhash expired: the cluster is congested, retry with a higher --with-compute-unit-price (a transaction signed offline: sign it again with a fresh --blockhash)"
            ),
            LedgerError::Network(m) => write!(f, "cannot reach the RPC endpoint: {m}"),
            LedgerError::Rpc { code, message } => write!(f, "RPC error {code}: {message}"),
            LedgerError::TooLarge { bytes } => write!(
                f,
                "the transaction is {bytes} bytes, over the {PACKET_DATA_SIZE} a Solana cluster accepts: nothing was sent; send fewer instructions or signatures per transaction"
            ),
            LedgerError::OtherProgram { program, ledger, deployed, carried } => write!(
                f,
                "the program at {program} on {ledger} is not the build this ilm carries (deployed ELF sha256 {deployed}, carried {carried}): its instructions may mean something else there, so nothing was sent. Deploy this build there (see migrations/README.md, \"Your own program id\"), use the ilm built from the deployed source, or pass --skip-program-check once you have verified the deployment yourself"
            ),
            LedgerError::Unsupported(m) | LedgerError::Signature(m) => write!(f, "{m}"),
            LedgerError::Storage(m) => write!(f, "embedded ledger: {m}"),
        }
    }
}

impl std::error::Error for LedgerError {}

/// A `memcmp` filter for [`Ledger::program_accounts`]: `bytes` at `offset`.
#[derive(Clone, Debug)]
pub struct Memcmp {
    pub offset: usize,
    pub bytes: Vec<u8>,
}

/// What the CLI needs from a chain.
pub trait Ledger {
    /// Where this ledger lives, for messages and reports (the embedded
    /// ledger's file, or the URL).
    fn describe(&self) -> String;

    /// One account, `None` when it does not exist.
    fn account(&self, key: &Pubkey) -> Result<Option<Account>, LedgerError>;

    /// An account with only `len` bytes of its data from `offset` (a
    /// cluster sends only those), `None` when it does not exist.
    fn account_slice(
        &self,
        key: &Pubkey,
        offset: usize,
        len: usize,
    ) -> Result<Option<Account>, LedgerError> {
        Ok(self.account(key)?.map(|mut a| {
            let end = (offset + len).min(a.data.len());
            a.data = a.data.get(offset..end).unwrap_or_default().to_vec();
            a
        }))
    }

    /// Several accounts in one go (a cluster answers up to 100 per request),
    /// in the order asked, `None` for each that does not exist.
    fn accounts(&self, keys: &[Pubkey]) -> Result<Vec<Option<Account>>, LedgerError> {
        keys.iter().map(|k| self.account(k)).collect()
    }

    /// Accounts owned by `program` matching every filter.
    fn program_accounts(
        &self,
        program: &Pubkey,
        filters: &[Memcmp],
    ) -> Result<Vec<(Pubkey, Account)>, LedgerError>;

    /// The signatures of the latest landed transactions that used
    /// `address`, newest first, at most `limit`; `None` where the ledger
    /// keeps no history (the embedded ledger saves accounts only). Events
    /// not kept in accounts, such as a result's URI, are read from there
    /// with [`Ledger::transaction_logs`].
    fn history(&self, address: &Pubkey, limit: usize) -> Result<Option<Vec<String>>, LedgerError> {
        let _ = (address, limit);
        Ok(None)
    }

    /// The logs of a landed transaction, `None` when the ledger no longer has it.
    fn transaction_logs(&self, signature: &str) -> Result<Option<Vec<String>>, LedgerError> {
        let _ = signature;
        Ok(None)
    }

    /// The cluster's genesis hash, `None` for a ledger without one.
    fn genesis_hash(&self) -> Result<Option<String>, LedgerError> {
        Ok(None)
    }

    /// The cluster clock's unix timestamp.
    fn unix_timestamp(&self) -> Result<i64, LedgerError>;

    /// Lamports that make `len` bytes of data rent-exempt.
    fn minimum_balance(&self, len: usize) -> Result<u64, LedgerError>;

    /// Signs with `payer` (fee payer) and `signers`, sends and waits for confirmation.
    fn send(
        &mut self,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Result<Sent, LedgerError>;

    /// A recent blockhash to sign with elsewhere (`--sign-only --blockhash`).
    fn blockhash(&self) -> Result<solana_hash::Hash, LedgerError> {
        Err(LedgerError::Unsupported(format!(
            "{} makes a new blockhash for every transaction: offline signing is for clusters",
            self.describe()
        )))
    }

    /// Sends a transaction signed already (offline or by several parties)
    /// and waits for it; it is never re-signed, so an expired blockhash is
    /// an error to sign again with a fresh one.
    fn send_signed(&mut self, tx: &Transaction) -> Result<Sent, LedgerError> {
        let _ = tx;
        Err(LedgerError::Unsupported(format!(
            "{} makes a new blockhash for every transaction: offline signing is for clusters",
            self.describe()
        )))
    }

    /// Sends independent transactions, several in flight at once where the
    /// backend allows; one result per batch, in order.
    fn send_all(&mut self, batches: &[Batch], payer: &Keypair) -> Vec<Result<Sent, LedgerError>> {
        batches
            .iter()
            .map(|b| self.send(&b.instructions, payer, &b.signers))
            .collect()
    }

    /// Gives `to` lamports (embedded ledger and test clusters).
    fn airdrop(&mut self, to: &Pubkey, lamports: u64) -> Result<(), LedgerError>;

    /// Whether this is a throwaway ledger where minting test tokens makes sense.
    fn is_test_ledger(&self) -> bool;

    /// Moves the clock `secs` ahead; only a ledger that owns its clock can.
    fn warp(&mut self, secs: i64) -> Result<(), LedgerError> {
        let _ = secs;
        Err(LedgerError::Unsupported(format!(
            "{} keeps real time: only the embedded ledger can warp its clock",
            self.describe()
        )))
    }

    /// Transactions this ledger has executed, when it counts them.
    fn transactions(&self) -> Option<u64> {
        None
    }

    /// Persists state between commands (a no-op on a cluster).
    fn save(&mut self) -> Result<(), LedgerError> {
        Ok(())
    }

    /// Fails with [`LedgerError::NotDeployed`] unless `program` is executable here.
    fn ensure_deployed(&self, program: &Pubkey) -> Result<(), LedgerError> {
        match self.account(program)? {
            Some(a) if a.executable => Ok(()),
            _ => Err(LedgerError::NotDeployed {
                program: *program,
                ledger: self.describe(),
            }),
        }
    }
}

/// Maps fee-payer failures to [`LedgerError::InsufficientFunds`], the rest to `Failed`.
pub(crate) fn classify(error: TransactionError, logs: Vec<String>, payer: &Pubkey) -> LedgerError {
    match error {
        TransactionError::InsufficientFundsForFee
        | TransactionError::InsufficientFundsForRent { .. }
        | TransactionError::AccountNotFound => LedgerError::InsufficientFunds {
            payer: *payer,
            detail: error.to_string(),
        },
        // Token and system programs exist on every cluster; a missing program is ours.
        TransactionError::ProgramAccountNotFound | TransactionError::InvalidProgramForExecution => {
            LedgerError::NotDeployed {
                program: ilm_client::PROGRAM_ID,
                ledger: "this cluster".to_string(),
            }
        }
        error => LedgerError::Failed { error, logs },
    }
}

//! The [`Rpc`] ledger: any Solana JSON-RPC endpoint over blocking HTTP (ureq,
//! no async runtime). Every transaction is simulated before it is sent, so a
//! failing one costs nothing and still reports the program's own error; a sent
//! transaction is confirmed by polling its signature status, sent again (the
//! same bytes) every 2 s while the node has not seen it, and re-signed with a
//! fresh blockhash only once its old blockhash can no longer land.
//!
//! `transport` makes the HTTP exchanges and retries them, `wire` holds the
//! JSON shapes of the replies, `prep` signs and simulates, `send` submits
//! and confirms.
mod prep;
mod relay;
mod send;
mod transport;
mod wire;

pub use relay::Relay;

use crate::{Batch, Ledger, LedgerError, Memcmp, Sent};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use send::{duplicate, Poll, Spinner};
use serde_json::{json, Value};
use solana_account::Account;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use std::str::FromStr;
use std::thread;
use std::time::{Duration, Instant};
use transport::malformed;
use wire::{to_account, KeyedAccount, SignatureInfo, UiAccount, WithContext};

/// The most compute units one transaction may request.
const MAX_COMPUTE_UNIT_LIMIT: u32 = 1_400_000;
/// Lamports per signature on every public cluster; only used to estimate a
/// fee when the node cannot return the transaction it just confirmed.
const LAMPORTS_PER_SIGNATURE: u64 = 5_000;
/// `getMultipleAccounts` accepts at most this many keys per call.
const MULTIPLE_ACCOUNTS: usize = 100;
/// `getSignatureStatuses` accepts at most this many signatures per call.
const STATUS_BATCH: usize = 256;
/// An unconfirmed transaction is sent again (the same signed bytes) this
/// often: leaders drop packets under load, and a transaction that never
/// reaches one only lands if it is sent again before its blockhash expires.
const REBROADCAST: Duration = Duration::from_secs(2);
/// About one slot: polling faster only loads the node.
const POLL_INTERVAL: Duration = Duration::from_millis(400);
/// First wait before retrying a failed HTTP exchange; doubles every retry.
const BACKOFF: Duration = Duration::from_millis(250);
/// An HTTP exchange that takes longer is treated as a network failure.
const HTTP_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a faucet transfer may take to land: a blockhash's lifetime.
const AIRDROP_TIMEOUT: Duration = Duration::from_secs(90);
/// `send_all` re-fetches the blockhash it signs new transactions with after
/// this long, so transactions signed late in a long run are not born expiring.
const BLOCKHASH_REFRESH: Duration = Duration::from_secs(20);
/// JSON-RPC error code of a node that is behind the cluster: worth a retry.
const NODE_BEHIND: i64 = -32005;
/// JSON-RPC error code a node gives when preflight simulation fails; used for
/// a failure whose error this client cannot decode, as the node would have.
const PREFLIGHT_FAILURE: i64 = -32002;
/// The Clock sysvar; its `unix_timestamp` is the i64 at bytes 32..40.
const CLOCK_SYSVAR: Pubkey = anchor_lang::pubkey!("SysvarC1ock11111111111111111111111111111111");

/// The RPC URL of a cluster moniker as the Solana CLI spells them
/// (`localhost`/`l`, `devnet`/`d`, `testnet`/`t`, `mainnet-beta`/`m`, so
/// `-ud` works); anything else is taken to be a URL already.
pub fn cluster_url(moniker_or_url: &str) -> String {
    match moniker_or_url {
        "localhost" | "l" => "http://127.0.0.1:8899",
        "devnet" | "d" => "https://api.devnet.solana.com",
        "testnet" | "t" => "https://api.testnet.solana.com",
        "mainnet-beta" | "m" => "https://api.mainnet-beta.solana.com",
        url => url,
    }
    .to_string()
}

/// Mainnet-beta's genesis hash: how a cluster is known to be mainnet,
/// whatever its URL says.
pub const MAINNET_GENESIS_HASH: &str = "5eykt4UsFv8P8NJdTREpY1vzqKqZKvdpKuc147dw2N9d";

/// A priority fee: micro-lamports per compute unit, or (`auto`) the 75th
/// percentile of what landed in the cluster's recent slots
/// (`getRecentPrioritizationFees`), asked again every 20 seconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnitPrice {
    Fixed(u64),
    Recent,
}

impl std::str::FromStr for UnitPrice {
    type Err = String;
    fn from_str(text: &str) -> Result<UnitPrice, String> {
        match text {
            "auto" => Ok(UnitPrice::Recent),
            n => n.parse().map(UnitPrice::Fixed).map_err(|_| {
                format!("{text:?} is not a price in micro-lamports per compute unit, or auto")
            }),
        }
    }
}

/// How [`Rpc`] sends and confirms transactions.
#[derive(Clone, Debug)]
pub struct RpcOptions {
    /// Commitment reads, blockhashes and confirmations wait for:
    /// `processed`, `confirmed` or `finalized`.
    pub commitment: String,
    /// Priority fee per compute unit (`set_compute_unit_price`): fixed, or
    /// following what the cluster's recent blocks paid.
    pub priority_fee: Option<UnitPrice>,
    /// Compute units every transaction requests; `None` sizes each one from
    /// its simulation (units consumed + 10 % + 1,000).
    pub compute_unit_limit: Option<u32>,
    /// Retries of a failed HTTP exchange (exponential backoff from 250 ms),
    /// and re-signings of a transaction whose blockhash expired.
    pub retries: u32,
    /// Most transactions `send_all` keeps unconfirmed at once.
    pub in_flight: usize,
    /// Draw a spinner on stderr while a transaction confirms (only when
    /// stderr is a terminal).
    pub spinner: bool,
    /// Sent as `x-api-key` with every request: an endpoint behind an API key
    /// (a fee-payer service such as Kora's `[kora.auth]`).
    pub api_key: Option<String>,
}

impl Default for RpcOptions {
    fn default() -> Self {
        RpcOptions {
            commitment: "confirmed".to_string(),
            priority_fee: None,
            compute_unit_limit: None,
            retries: 5,
            in_flight: 32,
            spinner: false,
            api_key: None,
        }
    }
}

/// A [`Ledger`] on a Solana cluster, reached through its JSON-RPC endpoint.
pub struct Rpc {
    url: String,
    options: RpcOptions,
    agent: ureq::Agent,
    /// The last `auto` priority fee and when it was asked for.
    recent_price: std::sync::Mutex<Option<(Instant, u64)>>,
}

impl Rpc {
    /// A ledger on the JSON-RPC endpoint at `url` (see [`cluster_url`] for monikers).
    pub fn new(url: &str, options: RpcOptions) -> Rpc {
        let agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(HTTP_TIMEOUT))
            .build()
            .into();
        Rpc {
            url: url.to_string(),
            options,
            agent,
            recent_price: std::sync::Mutex::new(None),
        }
    }

    /// `getAccountInfo`, the whole data or `slice` of it.
    fn account_info(
        &self,
        key: &Pubkey,
        slice: Option<Value>,
    ) -> Result<Option<Account>, LedgerError> {
        let mut config = json!({"encoding": "base64", "commitment": self.options.commitment});
        if let Some(slice) = slice {
            config["dataSlice"] = slice;
        }
        let found: WithContext<Option<UiAccount>> =
            self.request("getAccountInfo", json!([key.to_string(), config]))?;
        found
            .value
            .map(|a| to_account("getAccountInfo", a))
            .transpose()
    }

    pub(super) fn commitment(&self) -> Value {
        json!({"commitment": self.options.commitment})
    }
}

impl Ledger for Rpc {
    fn describe(&self) -> String {
        self.url.clone()
    }

    fn account(&self, key: &Pubkey) -> Result<Option<Account>, LedgerError> {
        self.account_info(key, None)
    }

    fn account_slice(
        &self,
        key: &Pubkey,
        offset: usize,
        len: usize,
    ) -> Result<Option<Account>, LedgerError> {
        self.account_info(key, Some(json!({"offset": offset, "length": len})))
    }

    fn accounts(&self, keys: &[Pubkey]) -> Result<Vec<Option<Account>>, LedgerError> {
        let config = json!({"encoding": "base64", "commitment": self.options.commitment});
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(MULTIPLE_ACCOUNTS) {
            let keys: Vec<String> = chunk.iter().map(Pubkey::to_string).collect();
            let found: WithContext<Vec<Option<UiAccount>>> =
                self.request("getMultipleAccounts", json!([keys, config]))?;
            if found.value.len() != chunk.len() {
                return Err(malformed("getMultipleAccounts", "wrong number of accounts"));
            }
            for account in found.value {
                out.push(
                    account
                        .map(|a| to_account("getMultipleAccounts", a))
                        .transpose()?,
                );
            }
        }
        Ok(out)
    }

    fn program_accounts(
        &self,
        program: &Pubkey,
        filters: &[Memcmp],
    ) -> Result<Vec<(Pubkey, Account)>, LedgerError> {
        let filters: Vec<Value> = filters
            .iter()
            .map(|f| {
                json!({"memcmp": {
                    "offset": f.offset,
                    "bytes": BASE64.encode(&f.bytes),
                    "encoding": "base64",
                }})
            })
            .collect();
        let config = json!({
            "encoding": "base64",
            "commitment": self.options.commitment,
            "filters": filters,
        });
        let found: Vec<KeyedAccount> =
            self.request("getProgramAccounts", json!([program.to_string(), config]))?;
        let mut accounts = found
            .into_iter()
            .map(|k| {
                let key =
                    Pubkey::from_str(&k.pubkey).map_err(|e| malformed("getProgramAccounts", e))?;
                Ok((key, to_account("getProgramAccounts", k.account)?))
            })
            .collect::<Result<Vec<_>, LedgerError>>()?;
        // The node's order is arbitrary; the embedded ledger sorts by key too.
        accounts.sort_by_key(|(k, _)| *k);
        Ok(accounts)
    }

    fn history(&self, address: &Pubkey, limit: usize) -> Result<Option<Vec<String>>, LedgerError> {
        let config = json!({"limit": limit, "commitment": self.history_commitment()});
        let found: Vec<SignatureInfo> = self.request(
            "getSignaturesForAddress",
            json!([address.to_string(), config]),
        )?;
        Ok(Some(
            found
                .into_iter()
                .filter(|s| s.err.is_none())
                .map(|s| s.signature)
                .collect(),
        ))
    }

    fn transaction_logs(&self, signature: &str) -> Result<Option<Vec<String>>, LedgerError> {
        Ok(self
            .transaction(signature)?
            .and_then(|t| t.meta)
            .and_then(|m| m.log_messages))
    }

    fn genesis_hash(&self) -> Result<Option<String>, LedgerError> {
        self.request("getGenesisHash", json!([])).map(Some)
    }

    fn unix_timestamp(&self) -> Result<i64, LedgerError> {
        let clock = self
            .account(&CLOCK_SYSVAR)?
            .ok_or_else(|| malformed("getAccountInfo", "no Clock sysvar"))?;
        let bytes = clock
            .data
            .get(32..40)
            .ok_or_else(|| malformed("getAccountInfo", "short Clock sysvar"))?;
        Ok(i64::from_le_bytes(bytes.try_into().expect("8 bytes")))
    }

    fn minimum_balance(&self, len: usize) -> Result<u64, LedgerError> {
        self.request(
            "getMinimumBalanceForRentExemption",
            json!([len, self.commitment()]),
        )
    }

    fn send(
        &mut self,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
    ) -> Result<Sent, LedgerError> {
        let mut blockhash = self.latest_blockhash()?;
        // Simulated once; a resend reuses the limit it sized.
        let mut sized = None;
        let mut resends = 0;
        loop {
            let signed = self.prepare(instructions, payer, signers, blockhash, sized)?;
            sized = Some((signed.limit, signed.estimate.compute_units));
            let signature = self.submit(&signed.transaction)?;
            let mut sent_at = Instant::now();
            let key = [(signature.as_str(), signed.last_valid_block_height)];
            let mut spinner = Spinner::new(self.options.spinner, &signature);
            loop {
                spinner.tick();
                match self.poll(&key)?.remove(0) {
                    Poll::Unseen if sent_at.elapsed() >= REBROADCAST => {
                        self.rebroadcast(&signed.transaction)?;
                        sent_at = Instant::now();
                        thread::sleep(POLL_INTERVAL);
                    }
                    Poll::Landed => return Ok(self.landed(signed.estimate)),
                    Poll::Failed(err) => {
                        return Err(self.landed_failure(&signature, err, &payer.pubkey()))
                    }
                    Poll::Expired if resends < self.options.retries => break,
                    Poll::Expired => return Err(LedgerError::BlockhashExpired { signature }),
                    Poll::Unseen | Poll::Landing => thread::sleep(POLL_INTERVAL),
                }
            }
            resends += 1;
            blockhash = self.latest_blockhash()?;
        }
    }

    fn blockhash(&self) -> Result<solana_hash::Hash, LedgerError> {
        Ok(self.latest_blockhash()?.0)
    }

    fn send_signed(&mut self, tx: &Transaction) -> Result<Sent, LedgerError> {
        crate::check_size(tx)?;
        let payer = tx.message.account_keys[0];
        let simulated = self.simulate(tx)?;
        let logs = simulated.logs.unwrap_or_default();
        if simulated.err == Some(json!("BlockhashNotFound")) {
            return Err(LedgerError::BlockhashExpired {
                signature: tx.signatures[0].to_string(),
            });
        }
        if let Some(err) = simulated.err {
            return Err(self.failure(err, logs, &payer));
        }
        // The signers' blockhash is older than the newest one, so it expires
        // no later: the newest one's last valid height bounds the wait.
        let (_, bound) = self.latest_blockhash()?;
        let signature = self.submit(tx)?;
        let mut sent_at = Instant::now();
        let mut spinner = Spinner::new(self.options.spinner, &signature);
        let estimate = Sent {
            signature: signature.clone(),
            compute_units: simulated.units_consumed.unwrap_or(0),
            fee: u64::from(tx.message.header.num_required_signatures) * LAMPORTS_PER_SIGNATURE,
            logs,
        };
        loop {
            spinner.tick();
            match self.poll(&[(signature.as_str(), bound)])?.remove(0) {
                Poll::Unseen if sent_at.elapsed() >= REBROADCAST => {
                    self.rebroadcast(tx)?;
                    sent_at = Instant::now();
                    thread::sleep(POLL_INTERVAL);
                }
                Poll::Landed => return Ok(self.landed(estimate)),
                Poll::Failed(err) => return Err(self.landed_failure(&signature, err, &payer)),
                Poll::Expired => return Err(LedgerError::BlockhashExpired { signature }),
                Poll::Unseen | Poll::Landing => thread::sleep(POLL_INTERVAL),
            }
        }
    }

    fn send_all(&mut self, batches: &[Batch], payer: &Keypair) -> Vec<Result<Sent, LedgerError>> {
        if batches.is_empty() {
            return Vec::new();
        }
        let mut results: Vec<Option<Result<Sent, LedgerError>>> =
            batches.iter().map(|_| None).collect();
        let stopped = self.run_all(batches, payer, &mut results).err();
        results
            .into_iter()
            .map(|r| match (r, &stopped) {
                (Some(r), _) => r,
                (None, Some(e)) => Err(duplicate(e)),
                (None, None) => unreachable!("run_all settles every batch unless it stops"),
            })
            .collect()
    }

    fn airdrop(&mut self, to: &Pubkey, lamports: u64) -> Result<(), LedgerError> {
        let signature: String = self.request(
            "requestAirdrop",
            json!([to.to_string(), lamports, self.commitment()]),
        )?;
        // The faucet signs with a blockhash we never see: wait out its lifetime.
        let started = Instant::now();
        loop {
            match self.statuses(&[signature.as_str()])?.remove(0) {
                Poll::Landed => return Ok(()),
                Poll::Failed(err) => return Err(self.failure(err, Vec::new(), to)),
                _ if started.elapsed() > AIRDROP_TIMEOUT => {
                    return Err(LedgerError::BlockhashExpired { signature })
                }
                _ => thread::sleep(POLL_INTERVAL),
            }
        }
    }

    /// Anything but a cluster that proves it is not mainnet (by its genesis
    /// hash) counts as mainnet: test tokens are never minted on a guess.
    fn is_test_ledger(&self) -> bool {
        self.request::<String>("getGenesisHash", json!([]))
            .is_ok_and(|hash| hash != MAINNET_GENESIS_HASH)
    }
}

//! The [`Rpc`] ledger: any Solana JSON-RPC endpoint over blocking HTTP (ureq,
//! no async runtime). Every transaction is simulated before it is sent, so a
//! failing one costs nothing and still reports the program's own error; a sent
//! transaction is confirmed by polling its signature status, and re-signed
//! with a fresh blockhash only once its old blockhash can no longer land.
use super::{classify, Batch, Ledger, LedgerError, Memcmp, Sent};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use serde::de::DeserializeOwned;
use serde::Deserialize;
use serde_json::{json, Value};
use solana_account::Account;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_hash::Hash;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use std::collections::{HashMap, VecDeque};
use std::str::FromStr;
use std::thread;
use std::time::{Duration, Instant};

/// The most compute units one transaction may request.
const MAX_COMPUTE_UNIT_LIMIT: u32 = 1_400_000;
/// Lamports per signature on every public cluster; only used to estimate a
/// fee when the node cannot return the transaction it just confirmed.
const LAMPORTS_PER_SIGNATURE: u64 = 5_000;
/// `getSignatureStatuses` accepts at most this many signatures per call.
const STATUS_BATCH: usize = 256;
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

/// The RPC URL of a cluster moniker (`localhost`, `devnet`, `testnet`,
/// `mainnet-beta`); anything else is taken to be a URL already.
pub fn cluster_url(moniker_or_url: &str) -> String {
    match moniker_or_url {
        "localhost" => "http://127.0.0.1:8899",
        "devnet" => "https://api.devnet.solana.com",
        "testnet" => "https://api.testnet.solana.com",
        "mainnet-beta" => "https://api.mainnet-beta.solana.com",
        url => url,
    }
    .to_string()
}

/// How [`Rpc`] sends and confirms transactions.
#[derive(Clone, Debug)]
pub struct RpcOptions {
    /// Commitment reads, blockhashes and confirmations wait for:
    /// `processed`, `confirmed` or `finalized`.
    pub commitment: String,
    /// Priority fee in micro-lamports per compute unit (`set_compute_unit_price`).
    pub priority_fee: Option<u64>,
    /// Compute units every transaction requests; `None` sizes each one from
    /// its simulation (units consumed + 10 % + 1,000).
    pub compute_unit_limit: Option<u32>,
    /// Retries of a failed HTTP exchange (exponential backoff from 250 ms),
    /// and re-signings of a transaction whose blockhash expired.
    pub retries: u32,
    /// Most transactions `send_all` keeps unconfirmed at once.
    pub in_flight: usize,
}

impl Default for RpcOptions {
    fn default() -> Self {
        RpcOptions {
            commitment: "confirmed".to_string(),
            priority_fee: None,
            compute_unit_limit: None,
            retries: 5,
            in_flight: 32,
        }
    }
}

/// A [`Ledger`] on a Solana cluster, reached through its JSON-RPC endpoint.
pub struct Rpc {
    url: String,
    options: RpcOptions,
    agent: ureq::Agent,
}

/// The outcome of one HTTP exchange, as far as retrying goes.
enum Attempt {
    Reply(Value),
    Transient(LedgerError),
    Fatal(LedgerError),
}

#[derive(Deserialize)]
struct WithContext<T> {
    value: T,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UiAccount {
    lamports: u64,
    /// `[data, "base64"]`.
    data: (String, String),
    owner: String,
    executable: bool,
    rent_epoch: u64,
}

#[derive(Deserialize)]
struct KeyedAccount {
    pubkey: String,
    account: UiAccount,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LatestBlockhash {
    blockhash: String,
    last_valid_block_height: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Simulated {
    err: Option<Value>,
    logs: Option<Vec<String>>,
    units_consumed: Option<u64>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct SignatureStatus {
    err: Option<Value>,
    confirmation_status: Option<String>,
}

#[derive(Deserialize)]
struct ConfirmedTransaction {
    meta: Option<TransactionMeta>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct TransactionMeta {
    err: Option<Value>,
    fee: u64,
    log_messages: Option<Vec<String>>,
    compute_units_consumed: Option<u64>,
}

/// Where a sent transaction stands.
enum Poll {
    /// Not seen by the node yet, and its blockhash may still land it.
    Unseen,
    /// Seen, but not yet at the wanted commitment.
    Landing,
    Landed,
    /// Landed and failed: the error in its RPC JSON form.
    Failed(Value),
    /// Its blockhash expired before the node saw it: it can never land.
    Expired,
}

/// A transaction sent and not yet settled.
struct Flight {
    /// Position in the caller's list.
    index: usize,
    signature: String,
    last_valid_block_height: u64,
    /// Numbers to report should `getTransaction` fail.
    estimate: Sent,
}

/// The program, data length and account count of each instruction of a batch.
type Shape = Vec<(Pubkey, usize, usize)>;

/// A signed transaction, the compute limit it requests, its blockhash's last
/// valid height, and the numbers to report should `getTransaction` fail after
/// it lands.
struct Signed {
    transaction: Transaction,
    limit: u32,
    last_valid_block_height: u64,
    estimate: Sent,
}

fn malformed(method: &str, detail: impl std::fmt::Display) -> LedgerError {
    LedgerError::Network(format!(
        "unexpected reply to {method} ({detail}): is this a Solana JSON-RPC endpoint?"
    ))
}

/// A copy of `e` for every batch a failure shared by all of them stops.
fn duplicate(e: &LedgerError) -> LedgerError {
    match e {
        LedgerError::Rpc { code, message } => LedgerError::Rpc {
            code: *code,
            message: message.clone(),
        },
        other => LedgerError::Network(other.to_string()),
    }
}

/// Compute units to request for a transaction its simulation says uses
/// `units`: a 10 % margin for state that changes before it lands, and 1,000
/// units for the compute-budget instructions themselves.
fn limit_for(units: u64) -> u32 {
    let limit = units.saturating_add(units / 10).saturating_add(1_000);
    limit.min(u64::from(MAX_COMPUTE_UNIT_LIMIT)) as u32
}

fn encode(tx: &Transaction) -> String {
    BASE64.encode(bincode::serialize(tx).expect("a transaction always serializes"))
}

fn commitment_rank(level: &str) -> u8 {
    match level {
        "processed" => 0,
        "confirmed" => 1,
        _ => 2,
    }
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
        }
    }

    /// One HTTP exchange; which failures are worth retrying is decided here.
    fn attempt(&self, body: &[u8]) -> Attempt {
        let request = self
            .agent
            .post(&self.url)
            .header("content-type", "application/json");
        let mut response = match request.send(body) {
            Ok(r) => r,
            Err(e @ (ureq::Error::BadUri(_) | ureq::Error::Http(_))) => {
                return Attempt::Fatal(LedgerError::Network(format!("{}: {e}", self.url)))
            }
            Err(e) => {
                return Attempt::Transient(LedgerError::Network(format!("{}: {e}", self.url)))
            }
        };
        let status = response.status().as_u16();
        let http_error = || LedgerError::Network(format!("{}: HTTP {status}", self.url));
        if status == 429 || status >= 500 {
            return Attempt::Transient(http_error());
        }
        // Program data accounts run to megabytes, past ureq's default 10 MB cap.
        let reply: Value = match response
            .body_mut()
            .with_config()
            .limit(u64::MAX)
            .read_json()
        {
            Ok(v) => v,
            // A reply cut short on the way: worth asking again.
            Err(e) if status == 200 => {
                return Attempt::Transient(LedgerError::Network(format!("{}: {e}", self.url)))
            }
            Err(_) => return Attempt::Fatal(http_error()),
        };
        match reply.get("error") {
            Some(error) => {
                let failure = LedgerError::Rpc {
                    code: error.get("code").and_then(Value::as_i64).unwrap_or(0),
                    message: error
                        .get("message")
                        .and_then(Value::as_str)
                        .unwrap_or("no message")
                        .to_string(),
                };
                match failure {
                    LedgerError::Rpc { code, .. } if code == NODE_BEHIND => {
                        Attempt::Transient(failure)
                    }
                    _ => Attempt::Fatal(failure),
                }
            }
            None if status != 200 => Attempt::Fatal(http_error()),
            None => Attempt::Reply(reply.get("result").cloned().unwrap_or(Value::Null)),
        }
    }

    /// Calls `method`, retrying network failures with exponential backoff.
    fn call(&self, method: &str, params: Value) -> Result<Value, LedgerError> {
        let body =
            json!({"jsonrpc": "2.0", "id": 1, "method": method, "params": params}).to_string();
        let mut retry = 0;
        loop {
            match self.attempt(body.as_bytes()) {
                Attempt::Reply(v) => return Ok(v),
                Attempt::Fatal(e) => return Err(e),
                Attempt::Transient(e) if retry >= self.options.retries => {
                    return Err(match e {
                        LedgerError::Network(m) => {
                            LedgerError::Network(format!("{m} ({method}, {} attempts)", retry + 1))
                        }
                        e => e,
                    })
                }
                Attempt::Transient(_) => {
                    thread::sleep(BACKOFF * 2u32.saturating_pow(retry.min(10)));
                    retry += 1;
                }
            }
        }
    }

    /// Calls `method` and decodes its result.
    fn request<T: DeserializeOwned>(&self, method: &str, params: Value) -> Result<T, LedgerError> {
        let result = self.call(method, params)?;
        serde_json::from_value(result).map_err(|e| malformed(method, e))
    }

    fn commitment(&self) -> Value {
        json!({"commitment": self.options.commitment})
    }

    fn latest_blockhash(&self) -> Result<(Hash, u64), LedgerError> {
        let latest: WithContext<LatestBlockhash> =
            self.request("getLatestBlockhash", json!([self.commitment()]))?;
        let hash = Hash::from_str(&latest.value.blockhash)
            .map_err(|e| malformed("getLatestBlockhash", e))?;
        Ok((hash, latest.value.last_valid_block_height))
    }

    /// The compute-budget instructions, then `instructions`; a caller's own
    /// compute-budget instructions win, since duplicates fail the transaction.
    fn with_budget(&self, limit: u32, instructions: &[Instruction]) -> Vec<Instruction> {
        let mut all = Vec::with_capacity(instructions.len() + 2);
        if !instructions
            .iter()
            .any(|i| i.program_id == solana_compute_budget_interface::ID)
        {
            all.push(ComputeBudgetInstruction::set_compute_unit_limit(limit));
            if let Some(price) = self.options.priority_fee {
                all.push(ComputeBudgetInstruction::set_compute_unit_price(price));
            }
        }
        all.extend_from_slice(instructions);
        all
    }

    fn sign(
        &self,
        limit: u32,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
        blockhash: Hash,
    ) -> Result<Transaction, LedgerError> {
        let mut keys: Vec<&Keypair> = vec![payer];
        keys.extend(signers.iter().filter(|s| s.pubkey() != payer.pubkey()));
        let mut tx = Transaction::new_with_payer(
            &self.with_budget(limit, instructions),
            Some(&payer.pubkey()),
        );
        tx.try_sign(&keys, blockhash)
            .map_err(|e| LedgerError::Failed {
                error: TransactionError::SignatureFailure,
                logs: vec![format!("cannot sign the transaction: {e}")],
            })?;
        Ok(tx)
    }

    /// The fee a landed `tx` pays with `limit` compute units requested.
    fn estimated_fee(&self, tx: &Transaction, limit: u32) -> u64 {
        let signatures = u64::from(tx.message.header.num_required_signatures);
        let priority = self.options.priority_fee.map_or(0, |price| {
            (u128::from(price) * u128::from(limit)).div_ceil(1_000_000)
        });
        signatures * LAMPORTS_PER_SIGNATURE + priority as u64
    }

    /// Simulates `tx` against the node's bank at our commitment.
    fn simulate(&self, tx: &Transaction) -> Result<Simulated, LedgerError> {
        let config = json!({
            "encoding": "base64",
            "sigVerify": false,
            "replaceRecentBlockhash": false,
            "commitment": self.options.commitment,
        });
        let simulated: WithContext<Simulated> =
            self.request("simulateTransaction", json!([encode(tx), config]))?;
        Ok(simulated.value)
    }

    /// The error of a failed transaction: decoded from its RPC JSON form,
    /// with fee-payer failures told apart by [`classify`].
    fn failure(&self, err: Value, logs: Vec<String>, payer: &Pubkey) -> LedgerError {
        match serde_json::from_value::<TransactionError>(err.clone()) {
            Ok(error) => classify(error, logs, payer),
            Err(_) => LedgerError::Rpc {
                code: PREFLIGHT_FAILURE,
                message: format!(
                    "transaction failed: {err}{}",
                    logs.last().map(|l| format!(" ({l})")).unwrap_or_default()
                ),
            },
        }
    }

    /// Signs `instructions` with `blockhash`. Unless `sized` gives the
    /// compute limit and expected units, they are simulated first: a failed
    /// simulation is returned as the transaction's error, nothing sent, and
    /// a successful one sizes the limit (when the options leave it open).
    fn prepare(
        &self,
        instructions: &[Instruction],
        payer: &Keypair,
        signers: &[&Keypair],
        (mut blockhash, mut last_valid_block_height): (Hash, u64),
        sized: Option<(u32, u64)>,
    ) -> Result<Signed, LedgerError> {
        let fixed = self.options.compute_unit_limit;
        let (limit, units, logs) = match sized {
            Some((limit, units)) => (limit, units, Vec::new()),
            None => {
                let probe_limit = fixed.unwrap_or(MAX_COMPUTE_UNIT_LIMIT);
                let mut retry = 0;
                let simulated = loop {
                    let probe = self.sign(probe_limit, instructions, payer, signers, blockhash)?;
                    let simulated = self.simulate(&probe)?;
                    // Behind a load balancer the simulating node may not have
                    // seen the blockhash another node handed out yet.
                    if simulated.err != Some(json!("BlockhashNotFound"))
                        || retry >= self.options.retries
                    {
                        break simulated;
                    }
                    retry += 1;
                    thread::sleep(POLL_INTERVAL);
                    (blockhash, last_valid_block_height) = self.latest_blockhash()?;
                };
                let logs = simulated.logs.unwrap_or_default();
                if let Some(err) = simulated.err {
                    return Err(self.failure(err, logs, &payer.pubkey()));
                }
                let units = simulated.units_consumed.unwrap_or(0);
                (fixed.unwrap_or_else(|| limit_for(units)), units, logs)
            }
        };
        let transaction = self.sign(limit, instructions, payer, signers, blockhash)?;
        let estimate = Sent {
            signature: transaction.signatures[0].to_string(),
            compute_units: units,
            fee: self.estimated_fee(&transaction, limit),
            logs,
        };
        Ok(Signed {
            transaction,
            limit,
            last_valid_block_height,
            estimate,
        })
    }

    /// Sends without the node's preflight: we simulated already.
    fn submit(&self, tx: &Transaction) -> Result<String, LedgerError> {
        let config = json!({
            "encoding": "base64",
            "skipPreflight": true,
            "preflightCommitment": self.options.commitment,
        });
        self.request("sendTransaction", json!([encode(tx), config]))
    }

    /// Statuses of `signatures`, at most [`STATUS_BATCH`] per call.
    fn statuses(&self, signatures: &[&str]) -> Result<Vec<Poll>, LedgerError> {
        let wanted = commitment_rank(&self.options.commitment);
        let mut polls = Vec::with_capacity(signatures.len());
        for group in signatures.chunks(STATUS_BATCH) {
            let found: WithContext<Vec<Option<SignatureStatus>>> = self.request(
                "getSignatureStatuses",
                json!([group, {"searchTransactionHistory": false}]),
            )?;
            if found.value.len() != group.len() {
                return Err(malformed(
                    "getSignatureStatuses",
                    "wrong number of statuses",
                ));
            }
            polls.extend(found.value.into_iter().map(|status| match status {
                None => Poll::Unseen,
                Some(SignatureStatus { err: Some(err), .. }) => Poll::Failed(err),
                Some(SignatureStatus {
                    confirmation_status: Some(level),
                    ..
                }) if commitment_rank(&level) >= wanted => Poll::Landed,
                Some(_) => Poll::Landing,
            }));
        }
        Ok(polls)
    }

    /// Where each `(signature, last valid block height)` stands. The block
    /// height is read only when something is unseen, and an unseen
    /// transaction past its height is asked about once more: it may have
    /// landed between the two questions, and resending it would run it twice.
    fn poll(&self, flights: &[(&str, u64)]) -> Result<Vec<Poll>, LedgerError> {
        let signatures: Vec<&str> = flights.iter().map(|(s, _)| *s).collect();
        let mut polls = self.statuses(&signatures)?;
        if !polls.iter().any(|p| matches!(p, Poll::Unseen)) {
            return Ok(polls);
        }
        let height: u64 = self.request("getBlockHeight", json!([self.commitment()]))?;
        let stale: Vec<usize> = (0..flights.len())
            .filter(|&i| matches!(polls[i], Poll::Unseen) && height > flights[i].1)
            .collect();
        if stale.is_empty() {
            return Ok(polls);
        }
        let again = self.statuses(&stale.iter().map(|&i| signatures[i]).collect::<Vec<_>>())?;
        for (i, poll) in stale.into_iter().zip(again) {
            polls[i] = match poll {
                Poll::Unseen => Poll::Expired,
                seen => seen,
            };
        }
        Ok(polls)
    }

    /// What landed: `getTransaction`'s numbers and logs, else `estimate`'s.
    fn landed(&self, estimate: Sent) -> Sent {
        match self.confirmed_meta(&estimate.signature) {
            Some(meta) => Sent {
                compute_units: meta
                    .compute_units_consumed
                    .unwrap_or(estimate.compute_units),
                fee: meta.fee,
                logs: meta.log_messages.unwrap_or(estimate.logs),
                signature: estimate.signature,
            },
            None => estimate,
        }
    }

    /// The error of a transaction that landed and failed, with its logs.
    fn landed_failure(&self, signature: &str, err: Value, payer: &Pubkey) -> LedgerError {
        let meta = self.confirmed_meta(signature);
        let err = meta.as_ref().and_then(|m| m.err.clone()).unwrap_or(err);
        let logs = meta.and_then(|m| m.log_messages).unwrap_or_default();
        self.failure(err, logs, payer)
    }

    fn confirmed_meta(&self, signature: &str) -> Option<TransactionMeta> {
        // `getTransaction` serves confirmed or finalized transactions only.
        let commitment = match self.options.commitment.as_str() {
            "processed" => "confirmed",
            c => c,
        };
        let config = json!({
            "encoding": "json",
            "commitment": commitment,
            "maxSupportedTransactionVersion": 0,
        });
        self.request::<Option<ConfirmedTransaction>>("getTransaction", json!([signature, config]))
            .ok()
            .flatten()
            .and_then(|t| t.meta)
    }

    /// Runs `work` on every item on its own thread (callers keep the count
    /// at most `in_flight`), results in order.
    fn parallel<T: Send, R: Send>(
        &self,
        items: Vec<T>,
        work: impl Fn(&Rpc, T) -> R + Sync,
    ) -> Vec<R> {
        let work = &work;
        thread::scope(|scope| {
            let handles: Vec<_> = items
                .into_iter()
                .map(|item| scope.spawn(move || work(self, item)))
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    }

    /// [`Ledger::send_all`] with failures that stop every remaining batch
    /// (the endpoint is gone) returned instead of recorded.
    fn run_all(
        &self,
        batches: &[Batch],
        payer: &Keypair,
        results: &mut [Option<Result<Sent, LedgerError>>],
    ) -> Result<(), LedgerError> {
        let mut blockhash = self.latest_blockhash()?;
        let mut fetched = Instant::now();
        // Batches of one shape (programs, data lengths, account counts) cost
        // about the same: one simulation sizes the compute limit for all.
        let mut limits: HashMap<Shape, (u32, u64)> = HashMap::new();
        let mut queue: VecDeque<usize> = (0..batches.len()).collect();
        let mut resends = vec![0u32; batches.len()];
        let mut flights: Vec<Flight> = Vec::new();
        let in_flight = self.options.in_flight.max(1);
        while !queue.is_empty() || !flights.is_empty() {
            if fetched.elapsed() > BLOCKHASH_REFRESH && !queue.is_empty() {
                blockhash = self.latest_blockhash()?;
                fetched = Instant::now();
            }
            let mut ready = Vec::new();
            while flights.len() + ready.len() < in_flight {
                let Some(index) = queue.pop_front() else {
                    break;
                };
                let batch = &batches[index];
                let shape: Shape = batch
                    .instructions
                    .iter()
                    .map(|i| (i.program_id, i.data.len(), i.accounts.len()))
                    .collect();
                // A fixed limit needs no simulation at all.
                let sized = self
                    .options
                    .compute_unit_limit
                    .map(|limit| (limit, u64::from(limit)))
                    .or_else(|| limits.get(&shape).copied());
                match self.prepare(&batch.instructions, payer, &batch.signers, blockhash, sized) {
                    Ok(signed) => {
                        limits
                            .entry(shape)
                            .or_insert((signed.limit, signed.estimate.compute_units));
                        ready.push((index, signed));
                    }
                    Err(e @ LedgerError::Network(_)) => return Err(e),
                    Err(e) => results[index] = Some(Err(e)),
                }
            }
            let submitted = self.parallel(ready, |rpc, (index, signed)| {
                (index, rpc.submit(&signed.transaction).map(|_| signed))
            });
            for (index, outcome) in submitted {
                match outcome {
                    Ok(signed) => flights.push(Flight {
                        index,
                        signature: signed.estimate.signature.clone(),
                        last_valid_block_height: signed.last_valid_block_height,
                        estimate: signed.estimate,
                    }),
                    Err(e @ LedgerError::Network(_)) => return Err(e),
                    Err(e) => results[index] = Some(Err(e)),
                }
            }
            if flights.is_empty() {
                continue;
            }
            let keys: Vec<(&str, u64)> = flights
                .iter()
                .map(|f| (f.signature.as_str(), f.last_valid_block_height))
                .collect();
            let polls = self.poll(&keys)?;
            let mut settled = Vec::new();
            let mut waiting = Vec::new();
            let mut expired = false;
            for (flight, poll) in flights.drain(..).zip(polls) {
                match poll {
                    Poll::Unseen | Poll::Landing => waiting.push(flight),
                    Poll::Expired if resends[flight.index] < self.options.retries => {
                        resends[flight.index] += 1;
                        queue.push_front(flight.index);
                        expired = true;
                    }
                    Poll::Expired => {
                        results[flight.index] = Some(Err(LedgerError::BlockhashExpired {
                            signature: flight.signature,
                        }))
                    }
                    Poll::Landed => settled.push((flight, None)),
                    Poll::Failed(err) => settled.push((flight, Some(err))),
                }
            }
            if expired {
                blockhash = self.latest_blockhash()?;
                fetched = Instant::now();
            }
            let progressed = !settled.is_empty() || expired;
            let outcomes = self.parallel(settled, |rpc, (flight, err)| {
                let outcome = match err {
                    None => Ok(rpc.landed(flight.estimate)),
                    Some(err) => Err(rpc.landed_failure(&flight.signature, err, &payer.pubkey())),
                };
                (flight.index, outcome)
            });
            for (index, outcome) in outcomes {
                results[index] = Some(outcome);
            }
            flights = waiting;
            if !progressed && !flights.is_empty() {
                thread::sleep(POLL_INTERVAL);
            }
        }
        Ok(())
    }
}

impl Ledger for Rpc {
    fn describe(&self) -> String {
        self.url.clone()
    }

    fn account(&self, key: &Pubkey) -> Result<Option<Account>, LedgerError> {
        let config = json!({"encoding": "base64", "commitment": self.options.commitment});
        let found: WithContext<Option<UiAccount>> =
            self.request("getAccountInfo", json!([key.to_string(), config]))?;
        found
            .value
            .map(|a| to_account("getAccountInfo", a))
            .transpose()
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
            let key = [(signature.as_str(), signed.last_valid_block_height)];
            loop {
                match self.poll(&key)?.remove(0) {
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

    fn is_test_ledger(&self) -> bool {
        !self.url.contains("mainnet")
    }
}

fn to_account(method: &str, a: UiAccount) -> Result<Account, LedgerError> {
    let (data, encoding) = a.data;
    if encoding != "base64" {
        return Err(malformed(method, format!("{encoding} account data")));
    }
    Ok(Account {
        lamports: a.lamports,
        data: BASE64.decode(data).map_err(|e| malformed(method, e))?,
        owner: Pubkey::from_str(&a.owner).map_err(|e| malformed(method, e))?,
        executable: a.executable,
        rent_epoch: a.rent_epoch,
    })
}

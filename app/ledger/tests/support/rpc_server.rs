//! An in-process Solana JSON-RPC server whose chain is a real LiteSVM holding
//! the built `ilm.so`: transactions sent over HTTP run for real, and it answers
//! in the RPC's own JSON shapes. It can also misbehave on request (HTTP 503,
//! JSON-RPC errors, dropped transactions with expiring blockhashes) to exercise
//! retries and re-signing. Shared by `app/tests/rpc.rs` (the `Rpc` ledger) and
//! `app/cli/tests/cli_rpc.rs` (the CLI with `-u <URL>`).
//!
//! A real `solana-test-validator` is out of reach in CI time: version 4.2.2
//! (the newest Rust 1.96 can build; 4.4 needs 1.98) resolves to 939 crates,
//! RocksDB's C++ sources and a tokio runtime among them.
use anchor_lang::prelude::{Clock, Pubkey};
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use ilm_client::PROGRAM_ID;
use ilm_ledger::{program_so, Rpc, RpcOptions, PACKET_DATA_SIZE};
use litesvm::LiteSVM;
use serde_json::{json, Value};
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::sync::{Arc, Mutex};

pub const SOL: u64 = 1_000_000_000;
/// Unix time the server's clock starts at.
pub const T0: i64 = 1_800_000_000;
/// Blocks a blockhash stays valid for, as on the real clusters.
pub const BLOCKHASH_LIFETIME: u64 = 150;
/// Size of an SPL Token mint account.
pub const MINT_LEN: usize = 82;

/// What a landed transaction left for `getSignatureStatuses` and `getTransaction`.
struct Landed {
    err: Option<TransactionError>,
    logs: Vec<String>,
    compute_units: u64,
    fee: u64,
}

/// The server's chain and its fault injection.
pub struct Chain {
    pub svm: LiteSVM,
    /// Block height: advances by `height_step` at every `getBlockHeight`.
    pub height: u64,
    pub height_step: u64,
    /// Height at which the current blockhash was handed out.
    pub blockhash_height: u64,
    landed: HashMap<String, Landed>,
    /// Signatures of the landed transactions that used each account, oldest first.
    by_address: HashMap<Pubkey, Vec<String>>,
    /// `sendTransaction` calls, dropped ones included.
    pub sends: u32,
    /// Method of every request, in order.
    pub methods: Vec<String>,
    /// The next this many `sendTransaction`s are acknowledged but never run.
    pub drop_sends: u32,
    /// The next this many HTTP requests get a 503.
    pub http_failures: u32,
    /// JSON-RPC errors for the next requests.
    pub rpc_errors: VecDeque<(i64, &'static str)>,
    /// The next this many simulations answer `BlockhashNotFound`, like a
    /// node behind a load balancer that has not seen the blockhash yet.
    pub stale_simulations: u32,
    /// What `getGenesisHash` answers: a test cluster's by default.
    pub genesis_hash: String,
    /// What `getRecentPrioritizationFees` answers, one per recent slot.
    pub recent_fees: Vec<u64>,
}

fn error_reply(code: i64, message: &str) -> Value {
    json!({"jsonrpc": "2.0", "id": 1, "error": {"code": code, "message": message}})
}

fn ui_account(a: &solana_account::Account) -> Value {
    json!({
        "lamports": a.lamports,
        "data": [BASE64.encode(&a.data), "base64"],
        "owner": a.owner.to_string(),
        "executable": a.executable,
        "rentEpoch": a.rent_epoch,
        "space": a.data.len(),
    })
}

fn pubkey(v: &Value) -> Result<Pubkey, String> {
    v.as_str()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("not a pubkey: {v}"))
}

/// Decodes a base64 transaction, refusing one over the packet limit with the
/// words (and, through the caller, the -32602 code) an Agave node uses.
fn transaction(v: &Value) -> Result<Transaction, String> {
    let text = v.as_str().ok_or("transaction is not a string")?;
    const MAX_BASE64: usize = 1_644;
    if text.len() > MAX_BASE64 {
        return Err(format!(
            "base64 encoded solana_transaction::versioned::VersionedTransaction too large: {} bytes (max: encoded/raw {MAX_BASE64}/{PACKET_DATA_SIZE})",
            text.len()
        ));
    }
    let bytes = BASE64.decode(text).map_err(|e| e.to_string())?;
    if bytes.len() > PACKET_DATA_SIZE {
        return Err(format!(
            "decoded solana_transaction::versioned::VersionedTransaction too large: {} bytes (max: {PACKET_DATA_SIZE} bytes)",
            bytes.len()
        ));
    }
    bincode::deserialize(&bytes).map_err(|e| format!("invalid transaction: {e}"))
}

/// `memcmp` (base58 by default, or base64) and `dataSize` filters.
fn matches(data: &[u8], filters: &[Value]) -> bool {
    filters.iter().all(|f| {
        if let Some(size) = f.get("dataSize").and_then(Value::as_u64) {
            return data.len() as u64 == size;
        }
        let m = &f["memcmp"];
        let offset = m["offset"].as_u64().unwrap_or(0) as usize;
        let text = m["bytes"].as_str().unwrap_or_default();
        let bytes = match m["encoding"].as_str() {
            Some("base64") => BASE64.decode(text).unwrap_or_default(),
            _ => bs58::decode(text).into_vec().unwrap_or_default(),
        };
        data.get(offset..offset + bytes.len()) == Some(&bytes[..])
    })
}

impl Chain {
    fn context(&self, value: Value) -> Value {
        json!({"context": {"slot": self.height}, "value": value})
    }

    /// Runs `tx` and records it the way a cluster would: a transaction that
    /// fails before executing (bad blockhash, unfunded payer) never lands.
    fn execute(&mut self, tx: Transaction) -> String {
        let signature = tx.signatures[0];
        // The chain runs without LiteSVM's signature check, so that a
        // simulation can skip it (`sigVerify: false`, as a fee-payer service
        // simulates before it signs); a sent transaction is checked here. A
        // cluster drops one whose signatures fail, and runs a signature once.
        if tx.verify().is_err() || self.landed.contains_key(&signature.to_string()) {
            return signature.to_string();
        }
        let keys = tx.message.account_keys.clone();
        match self.svm.send_transaction(tx) {
            Ok(meta) => {
                self.landed.insert(
                    signature.to_string(),
                    Landed {
                        err: None,
                        logs: meta.logs,
                        compute_units: meta.compute_units_consumed,
                        fee: meta.fee,
                    },
                );
            }
            Err(failed) if self.svm.get_transaction(&signature).is_some() => {
                self.landed.insert(
                    signature.to_string(),
                    Landed {
                        err: Some(failed.err),
                        logs: failed.meta.logs,
                        compute_units: failed.meta.compute_units_consumed,
                        fee: failed.meta.fee,
                    },
                );
            }
            Err(_) => return signature.to_string(),
        }
        for key in keys {
            self.by_address
                .entry(key)
                .or_default()
                .push(signature.to_string());
        }
        signature.to_string()
    }

    fn handle(&mut self, method: &str, params: &Value) -> Result<Value, String> {
        let p = |i: usize| &params[i];
        Ok(match method {
            "getAccountInfo" => {
                let mut account = self
                    .svm
                    .get_account(&pubkey(p(0))?)
                    .filter(|a| a.lamports > 0);
                if let (Some(a), Some(offset), Some(len)) = (
                    account.as_mut(),
                    p(1)["dataSlice"]["offset"].as_u64(),
                    p(1)["dataSlice"]["length"].as_u64(),
                ) {
                    let end = (offset + len).min(a.data.len() as u64) as usize;
                    a.data = a
                        .data
                        .get(offset as usize..end)
                        .unwrap_or_default()
                        .to_vec();
                }
                self.context(account.as_ref().map_or(Value::Null, ui_account))
            }
            "getMultipleAccounts" => {
                let keys = p(0).as_array().ok_or("keys")?;
                if keys.len() > 100 {
                    return Err("Too many inputs provided; max 100".to_string());
                }
                let accounts = keys
                    .iter()
                    .map(|k| {
                        let account = self.svm.get_account(&pubkey(k)?).filter(|a| a.lamports > 0);
                        Ok(account.as_ref().map_or(Value::Null, ui_account))
                    })
                    .collect::<Result<Vec<Value>, String>>()?;
                self.context(json!(accounts))
            }
            "getProgramAccounts" => {
                let filters = p(1)["filters"].as_array().cloned().unwrap_or_default();
                let found: Vec<Value> = self
                    .svm
                    .get_program_accounts(&pubkey(p(0))?)
                    .into_iter()
                    .filter(|(_, a)| matches(&a.data, &filters))
                    .map(|(k, a)| json!({"pubkey": k.to_string(), "account": ui_account(&a)}))
                    .collect();
                json!(found)
            }
            "getMinimumBalanceForRentExemption" => {
                let len = p(0).as_u64().ok_or("length")? as usize;
                json!(self.svm.minimum_balance_for_rent_exemption(len))
            }
            "getGenesisHash" => json!(self.genesis_hash),
            "getSignaturesForAddress" => {
                let limit = p(1)["limit"].as_u64().unwrap_or(1_000) as usize;
                let signatures = self
                    .by_address
                    .get(&pubkey(p(0))?)
                    .cloned()
                    .unwrap_or_default();
                json!(signatures
                    .iter()
                    .rev()
                    .take(limit)
                    .map(|s| json!({
                        "signature": s,
                        "slot": self.height,
                        "err": self.landed[s].err.as_ref().map(|e| json!(e)),
                        "memo": null,
                        "blockTime": null,
                        "confirmationStatus": "finalized",
                    }))
                    .collect::<Vec<_>>())
            }
            // Without accounts a node answers each block's minimum: ask with them.
            "getRecentPrioritizationFees" if p(0).as_array().is_none_or(Vec::is_empty) => {
                return Err("expected the transaction's writable accounts".to_string())
            }
            "getRecentPrioritizationFees" => json!(self
                .recent_fees
                .iter()
                .enumerate()
                .map(|(slot, fee)| json!({"slot": slot, "prioritizationFee": fee}))
                .collect::<Vec<_>>()),
            "getLatestBlockhash" => {
                // A newer block, a newer blockhash; LiteSVM accepts only the latest.
                if self.blockhash_height != self.height {
                    self.svm.expire_blockhash();
                    self.blockhash_height = self.height;
                }
                self.context(json!({
                    "blockhash": self.svm.latest_blockhash().to_string(),
                    "lastValidBlockHeight": self.blockhash_height + BLOCKHASH_LIFETIME,
                }))
            }
            "getBlockHeight" => {
                self.height += self.height_step;
                json!(self.height)
            }
            "simulateTransaction" => {
                assert_eq!(p(1)["sigVerify"], json!(false));
                assert_eq!(p(1)["replaceRecentBlockhash"], json!(false));
                if self.stale_simulations > 0 {
                    self.stale_simulations -= 1;
                    let value = json!({"err": "BlockhashNotFound", "logs": [], "unitsConsumed": 0});
                    return Ok(self.context(value));
                }
                let value = match self.svm.simulate_transaction(transaction(p(0))?) {
                    Ok(info) => json!({
                        "err": null,
                        "logs": info.meta.logs,
                        "unitsConsumed": info.meta.compute_units_consumed,
                        "accounts": null,
                        "returnData": null,
                        // Asked for by a fee-payer service (Kora), which checks the CPIs too.
                        "innerInstructions": (p(1)["innerInstructions"] == json!(true))
                            .then(|| ui_inner_instructions(&info.meta)),
                    }),
                    Err(failed) => json!({
                        "err": serde_json::to_value(&failed.err).map_err(|e| e.to_string())?,
                        "logs": failed.meta.logs,
                        "unitsConsumed": failed.meta.compute_units_consumed,
                        "accounts": null,
                        "returnData": null,
                    }),
                };
                self.context(value)
            }
            "getFeeForMessage" => {
                let message = BASE64
                    .decode(p(0).as_str().ok_or("message")?)
                    .map_err(|e| e.to_string())?;
                // A versioned message starts with its version byte (0x80 | n).
                let versioned = message.first().is_some_and(|b| b & 0x80 != 0);
                let signatures = message.get(usize::from(versioned)).ok_or("empty message")?;
                self.context(json!(5_000 * u64::from(*signatures)))
            }
            "sendTransaction" => {
                assert_eq!(p(1)["skipPreflight"], json!(true));
                let tx = transaction(p(0))?;
                self.sends += 1;
                if self.drop_sends > 0 {
                    self.drop_sends -= 1;
                    json!(tx.signatures[0].to_string())
                } else {
                    json!(self.execute(tx))
                }
            }
            "getSignatureStatuses" => {
                let statuses: Vec<Value> = p(0)
                    .as_array()
                    .ok_or("signatures")?
                    .iter()
                    .map(|s| match self.landed.get(s.as_str().unwrap_or_default()) {
                        None => Value::Null,
                        Some(l) => {
                            let err = serde_json::to_value(&l.err).unwrap();
                            let status = match &l.err {
                                None => json!({"Ok": null}),
                                Some(_) => json!({"Err": err}),
                            };
                            json!({
                                "slot": self.height,
                                "confirmations": null,
                                "err": err,
                                "status": status,
                                "confirmationStatus": "finalized",
                            })
                        }
                    })
                    .collect();
                self.context(json!(statuses))
            }
            "getTransaction" => match self.landed.get(p(0).as_str().unwrap_or_default()) {
                None => Value::Null,
                Some(l) => json!({
                    "slot": self.height,
                    "blockTime": null,
                    "meta": {
                        "err": serde_json::to_value(&l.err).unwrap(),
                        "fee": l.fee,
                        "logMessages": l.logs,
                        "computeUnitsConsumed": l.compute_units,
                        "preBalances": [],
                        "postBalances": [],
                    },
                    "transaction": {"signatures": [p(0)]},
                }),
            },
            "requestAirdrop" => {
                let to = pubkey(p(0))?;
                let lamports = p(1).as_u64().ok_or("lamports")?;
                // The faucet signs with a fresh blockhash, so repeated
                // identical airdrops stay distinct transactions.
                self.svm.expire_blockhash();
                self.blockhash_height = u64::MAX;
                let signature = match self.svm.airdrop(&to, lamports) {
                    Ok(meta) => meta.signature,
                    Err(failed) => return Err(format!("airdrop failed: {:?}", failed.err)),
                };
                self.landed.insert(
                    signature.to_string(),
                    Landed {
                        err: None,
                        logs: Vec::new(),
                        compute_units: 150,
                        fee: 5_000,
                    },
                );
                json!(signature.to_string())
            }
            _ => return Err(format!("Method not found: {method}")),
        })
    }

    /// The HTTP status line and JSON body answering one request body.
    fn reply(&mut self, body: &[u8]) -> (&'static str, Value) {
        if self.http_failures > 0 {
            self.http_failures -= 1;
            return ("503 Service Unavailable", json!({}));
        }
        let request: Value = match serde_json::from_slice(body) {
            Ok(v) => v,
            Err(e) => return ("200 OK", error_reply(-32700, &e.to_string())),
        };
        let method = request["method"].as_str().unwrap_or_default().to_string();
        self.methods.push(method.clone());
        if let Some((code, message)) = self.rpc_errors.pop_front() {
            return ("200 OK", error_reply(code, message));
        }
        match self.handle(&method, &request["params"]) {
            Ok(result) => (
                "200 OK",
                json!({"jsonrpc": "2.0", "id": request["id"], "result": result}),
            ),
            Err(e) if e.starts_with("Method not found") => ("200 OK", error_reply(-32601, &e)),
            Err(e) => ("200 OK", error_reply(-32602, &e)),
        }
    }
}

/// HTTP/1.1 with keep-alive: requests with `Content-Length` bodies, one after another.
fn serve(stream: TcpStream, chain: Arc<Mutex<Chain>>) -> std::io::Result<()> {
    stream.set_nodelay(true)?;
    let mut reader = BufReader::new(stream.try_clone()?);
    let mut writer = stream;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line)? == 0 {
            return Ok(());
        }
        let mut length = 0;
        let mut close = false;
        loop {
            line.clear();
            reader.read_line(&mut line)?;
            let header = line.trim_end();
            if header.is_empty() {
                break;
            }
            if let Some((name, value)) = header.split_once(':') {
                match name.trim().to_ascii_lowercase().as_str() {
                    "content-length" => length = value.trim().parse().unwrap_or(0),
                    "connection" => close = value.trim().eq_ignore_ascii_case("close"),
                    _ => {}
                }
            }
        }
        let mut body = vec![0; length];
        reader.read_exact(&mut body)?;
        let (status, reply) = chain.lock().unwrap().reply(&body);
        let reply = reply.to_string();
        // One write per response: split ones meet Nagle and delayed ACKs.
        let response = format!(
            "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{reply}",
            reply.len()
        );
        writer.write_all(response.as_bytes())?;
        if close {
            return Ok(());
        }
    }
}

/// A JSON-RPC endpoint on 127.0.0.1 serving a fresh chain.
/// `simulateTransaction`'s `innerInstructions`: the CPIs of each
/// instruction, as compiled instructions over the transaction's keys.
fn ui_inner_instructions(meta: &litesvm::types::TransactionMetadata) -> Value {
    json!(meta
        .inner_instructions
        .iter()
        .enumerate()
        .filter(|(_, cpis)| !cpis.is_empty())
        .map(|(index, cpis)| json!({
            "index": index,
            "instructions": cpis.iter().map(|c| json!({
                "programIdIndex": c.instruction.program_id_index,
                "accounts": c.instruction.accounts,
                "data": bs58::encode(&c.instruction.data).into_string(),
                "stackHeight": c.stack_height,
            })).collect::<Vec<_>>(),
        }))
        .collect::<Vec<_>>())
}

pub struct Server {
    pub url: String,
    pub chain: Arc<Mutex<Chain>>,
}

impl Server {
    pub fn start() -> Server {
        Server::start_with_program(&program_so())
    }

    /// A server whose program at the ilm id is the `.so` at `path`.
    pub fn start_with_program(path: &std::path::Path) -> Server {
        let mut svm = LiteSVM::new()
            .with_sigverify(false)
            .with_transaction_history(10_000);
        svm.add_program_from_file(PROGRAM_ID, path)
            .expect("load the program (run `make build` first)");
        let mut clock: Clock = svm.get_sysvar();
        clock.unix_timestamp = T0;
        svm.set_sysvar(&clock);
        let chain = Arc::new(Mutex::new(Chain {
            svm,
            height: 1,
            height_step: 1,
            blockhash_height: 1,
            landed: HashMap::new(),
            by_address: HashMap::new(),
            sends: 0,
            methods: Vec::new(),
            drop_sends: 0,
            http_failures: 0,
            rpc_errors: VecDeque::new(),
            stale_simulations: 0,
            genesis_hash: "EtWTRABZaYq6iMfeYKouRu166VU2xqa1wcaWoxPkrZBG".to_string(),
            recent_fees: Vec::new(),
        }));
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        let shared = chain.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let chain = shared.clone();
                std::thread::spawn(move || serve(stream, chain));
            }
        });
        Server { url, chain }
    }

    pub fn rpc(&self, options: RpcOptions) -> Rpc {
        Rpc::new(&self.url, options)
    }

    pub fn chain<R>(&self, f: impl FnOnce(&mut Chain) -> R) -> R {
        f(&mut self.chain.lock().unwrap())
    }

    pub fn sends(&self) -> u32 {
        self.chain(|c| c.sends)
    }

    pub fn lamports(&self, key: &Pubkey) -> u64 {
        self.chain(|c| c.svm.get_balance(key).unwrap_or(0))
    }
}

//! The `Rpc` ledger against an in-process JSON-RPC server whose chain is a
//! real LiteSVM holding the built `ilm.so`: transactions sent over HTTP run
//! for real, and the server answers in the RPC's own JSON shapes. It can also
//! misbehave on request (HTTP 503, JSON-RPC errors, dropped transactions with
//! expiring blockhashes) to exercise retries and re-signing.
//!
//! A real `solana-test-validator` is out of reach in CI time: version 4.2.2
//! (the newest Rust 1.96 can build; 4.4 needs 1.98) resolves to 939 crates,
//! RocksDB's C++ sources and a tokio runtime among them.
use anchor_lang::prelude::{Clock, Pubkey};
use anchor_spl::token::spl_token;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use ilm_client::ix::{self, MarketKeys};
use ilm_client::ledger::{Batch, Ledger, LedgerError, Memcmp, Rpc, RpcOptions};
use ilm_client::{error_code, IlmError, MarketParams, PROGRAM_ID};
use litesvm::LiteSVM;
use serde_json::{json, Value};
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_system_interface::instruction::{create_account, transfer};
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use std::collections::{HashMap, VecDeque};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

const SOL: u64 = 1_000_000_000;
/// Unix time the server's clock starts at.
const T0: i64 = 1_800_000_000;
/// Blocks a blockhash stays valid for, as on the real clusters.
const BLOCKHASH_LIFETIME: u64 = 150;
/// Size of an SPL Token mint account.
const MINT_LEN: usize = 82;

/// The built `ilm.so`, found the way the CLI finds it.
fn so_path() -> PathBuf {
    let so = ilm_client::ledger::program_so();
    assert!(
        so.exists(),
        "{} not found: run `make build` first",
        so.display()
    );
    so
}

/// What a landed transaction left for `getSignatureStatuses` and `getTransaction`.
struct Landed {
    err: Option<TransactionError>,
    logs: Vec<String>,
    compute_units: u64,
    fee: u64,
}

/// The server's chain and its fault injection.
struct Chain {
    svm: LiteSVM,
    /// Block height: advances by `height_step` at every `getBlockHeight`.
    height: u64,
    height_step: u64,
    /// Height at which the current blockhash was handed out.
    blockhash_height: u64,
    landed: HashMap<String, Landed>,
    /// `sendTransaction` calls, dropped ones included.
    sends: u32,
    /// Method of every request, in order.
    methods: Vec<String>,
    /// The next this many `sendTransaction`s are acknowledged but never run.
    drop_sends: u32,
    /// The next this many HTTP requests get a 503.
    http_failures: u32,
    /// JSON-RPC errors for the next requests.
    rpc_errors: VecDeque<(i64, &'static str)>,
    /// The next this many simulations answer `BlockhashNotFound`, like a
    /// node behind a load balancer that has not seen the blockhash yet.
    stale_simulations: u32,
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

fn transaction(v: &Value) -> Result<Transaction, String> {
    let bytes = BASE64
        .decode(v.as_str().ok_or("transaction is not a string")?)
        .map_err(|e| e.to_string())?;
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
            Err(_) => {}
        }
        signature.to_string()
    }

    fn handle(&mut self, method: &str, params: &Value) -> Result<Value, String> {
        let p = |i: usize| &params[i];
        Ok(match method {
            "getAccountInfo" => {
                let account = self
                    .svm
                    .get_account(&pubkey(p(0))?)
                    .filter(|a| a.lamports > 0);
                self.context(account.as_ref().map_or(Value::Null, ui_account))
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
struct Server {
    url: String,
    chain: Arc<Mutex<Chain>>,
}

impl Server {
    fn start() -> Server {
        let mut svm = LiteSVM::new().with_transaction_history(10_000);
        svm.add_program_from_file(PROGRAM_ID, so_path())
            .expect("load ilm.so");
        let mut clock: Clock = svm.get_sysvar();
        clock.unix_timestamp = T0;
        svm.set_sysvar(&clock);
        let chain = Arc::new(Mutex::new(Chain {
            svm,
            height: 1,
            height_step: 1,
            blockhash_height: 1,
            landed: HashMap::new(),
            sends: 0,
            methods: Vec::new(),
            drop_sends: 0,
            http_failures: 0,
            rpc_errors: VecDeque::new(),
            stale_simulations: 0,
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

    fn rpc(&self, options: RpcOptions) -> Rpc {
        Rpc::new(&self.url, options)
    }

    fn chain<R>(&self, f: impl FnOnce(&mut Chain) -> R) -> R {
        f(&mut self.chain.lock().unwrap())
    }

    fn sends(&self) -> u32 {
        self.chain(|c| c.sends)
    }

    fn lamports(&self, key: &Pubkey) -> u64 {
        self.chain(|c| c.svm.get_balance(key).unwrap_or(0))
    }
}

fn quick() -> RpcOptions {
    RpcOptions {
        retries: 2,
        ..RpcOptions::default()
    }
}

/// A funded payer on `rpc`.
fn funded(rpc: &mut Rpc, lamports: u64) -> Keypair {
    let payer = Keypair::new();
    rpc.airdrop(&payer.pubkey(), lamports).unwrap();
    payer
}

/// A classic SPL Token mint with `authority`, created through `rpc`.
fn create_mint(rpc: &mut Rpc, payer: &Keypair, authority: &Pubkey) -> Pubkey {
    let mint = Keypair::new();
    let len = MINT_LEN;
    let rent = rpc.minimum_balance(len).unwrap();
    let ixs = [
        create_account(
            &payer.pubkey(),
            &mint.pubkey(),
            rent,
            len as u64,
            &spl_token::ID,
        ),
        spl_token::instruction::initialize_mint2(
            &spl_token::ID,
            &mint.pubkey(),
            authority,
            None,
            6,
        )
        .unwrap(),
    ];
    rpc.send(&ixs, payer, &[&mint]).unwrap();
    mint.pubkey()
}

#[test]
fn reads_balances_rent_and_the_clock() {
    let server = Server::start();
    let mut rpc = server.rpc(quick());
    let who = Keypair::new().pubkey();
    assert!(rpc.account(&who).unwrap().is_none());
    rpc.airdrop(&who, 5 * SOL).unwrap();
    rpc.airdrop(&who, 5 * SOL).unwrap();
    let account = rpc.account(&who).unwrap().unwrap();
    assert_eq!(account.lamports, 10 * SOL);
    assert_eq!(account.owner, anchor_lang::system_program::ID);
    assert_eq!(
        rpc.minimum_balance(165).unwrap(),
        server.chain(|c| c.svm.minimum_balance_for_rent_exemption(165))
    );
    assert_eq!(rpc.unix_timestamp().unwrap(), T0);
    assert_eq!(rpc.describe(), server.url);
    assert!(rpc.is_test_ledger());
    assert!(!Rpc::new("https://api.mainnet-beta.solana.com", quick()).is_test_ledger());
}

#[test]
fn cluster_monikers() {
    use ilm_client::ledger::cluster_url;
    assert_eq!(cluster_url("localhost"), "http://127.0.0.1:8899");
    assert_eq!(cluster_url("devnet"), "https://api.devnet.solana.com");
    assert_eq!(cluster_url("testnet"), "https://api.testnet.solana.com");
    assert_eq!(
        cluster_url("mainnet-beta"),
        "https://api.mainnet-beta.solana.com"
    );
    assert_eq!(cluster_url("http://10.0.0.1:8899"), "http://10.0.0.1:8899");
}

#[test]
fn a_transfer_lands_and_reads_back() {
    let server = Server::start();
    let mut rpc = server.rpc(RpcOptions {
        priority_fee: Some(1_000),
        ..quick()
    });
    let payer = funded(&mut rpc, 2 * SOL);
    let to = Keypair::new().pubkey();
    let sent = rpc
        .send(&[transfer(&payer.pubkey(), &to, SOL / 2)], &payer, &[])
        .unwrap();
    assert_eq!(server.sends(), 1);
    assert_eq!(rpc.account(&to).unwrap().unwrap().lamports, SOL / 2);
    // The fee getTransaction reports is what the payer paid.
    assert_eq!(
        rpc.account(&payer.pubkey()).unwrap().unwrap().lamports,
        2 * SOL - SOL / 2 - sent.fee
    );
    assert!(
        sent.fee > 5_000,
        "the priority fee is paid too: {}",
        sent.fee
    );
    assert!(sent.compute_units > 0);
    assert!(sent
        .logs
        .iter()
        .any(|l| l == "Program 11111111111111111111111111111111 success"));
    assert_eq!(bs58::decode(&sent.signature).into_vec().unwrap().len(), 64);
    let methods = server.chain(|c| c.methods.clone());
    let at = methods.iter().position(|m| m == "sendTransaction").unwrap();
    assert_eq!(
        methods[at - 1],
        "simulateTransaction",
        "simulated before sending: {methods:?}"
    );
}

#[test]
fn a_program_error_is_reported_and_nothing_is_sent() {
    let server = Server::start();
    let mut rpc = server.rpc(quick());
    let authority = funded(&mut rpc, 10 * SOL);
    let stake_mint = create_mint(&mut rpc, &authority, &authority.pubkey());
    let keys = MarketKeys::new(authority.pubkey(), 1, stake_mint, spl_token::ID);
    let params = MarketParams {
        min_stake: 1,
        unstake_cooldown_secs: 60,
        slash_bps: 0,
        fee_bps: 5_000,
        fee_owner: authority.pubkey(),
        attesters: vec![],
        attester_threshold: 0,
    };
    let sends = server.sends();
    let before = server.lamports(&authority.pubkey());
    let err = rpc
        .send(&[ix::create_market(&keys, params.clone())], &authority, &[])
        .unwrap_err();
    assert_eq!(err.custom_code(), Some(error_code(IlmError::FeeTooHigh)));
    let message = err.program_message().unwrap();
    assert!(message.starts_with("Fee above the 1,000 bps"), "{message}");
    assert!(err.to_string().contains("Fee above"), "{err}");
    assert_eq!(server.sends(), sends, "a failing simulation is not sent");
    assert_eq!(server.lamports(&authority.pubkey()), before);
    assert!(rpc.account(&keys.market).unwrap().is_none());

    // The same market with a legal fee is created and reads back.
    let ok = MarketParams {
        fee_bps: 250,
        ..params
    };
    rpc.send(&[ix::create_market(&keys, ok)], &authority, &[])
        .unwrap();
    let market: ilm_client::Market =
        ilm_client::accounts::decode(&rpc.account(&keys.market).unwrap().unwrap().data).unwrap();
    assert_eq!(market.fee_bps, 250);
}

#[test]
fn overdrafts_and_unfunded_payers() {
    let server = Server::start();
    let mut rpc = server.rpc(quick());
    let payer = funded(&mut rpc, SOL);
    let to = Keypair::new().pubkey();
    let err = rpc
        .send(&[transfer(&payer.pubkey(), &to, 2 * SOL)], &payer, &[])
        .unwrap_err();
    match &err {
        LedgerError::Failed { error, logs } => {
            // SystemError::ResultWithNegativeLamports.
            assert_eq!(
                error,
                &TransactionError::InstructionError(1, InstructionError::Custom(1))
            );
            assert!(
                logs.iter().any(|l| l.contains("insufficient lamports")),
                "{logs:?}"
            );
        }
        other => panic!("expected Failed, got {other:?}"),
    }
    assert_eq!(server.lamports(&payer.pubkey()), SOL);
    assert!(rpc.account(&to).unwrap().is_none());

    let nobody = Keypair::new();
    let err = rpc
        .send(&[transfer(&nobody.pubkey(), &to, 1)], &nobody, &[])
        .unwrap_err();
    assert!(
        matches!(err, LedgerError::InsufficientFunds { payer, .. } if payer == nobody.pubkey()),
        "{err:?}"
    );
    assert_eq!(server.sends(), 0);
}

#[test]
fn deployment_checks() {
    let server = Server::start();
    let rpc = server.rpc(quick());
    rpc.ensure_deployed(&PROGRAM_ID).unwrap();
    let missing = Pubkey::new_unique();
    match rpc.ensure_deployed(&missing) {
        Err(LedgerError::NotDeployed { program, ledger }) => {
            assert_eq!(program, missing);
            assert_eq!(ledger, server.url);
        }
        other => panic!("expected NotDeployed, got {other:?}"),
    }
}

#[test]
fn program_accounts_with_memcmp_filters() {
    let server = Server::start();
    let mut rpc = server.rpc(quick());
    let payer = funded(&mut rpc, 10 * SOL);
    let (a, b) = (Keypair::new().pubkey(), Keypair::new().pubkey());
    let mut of_a = vec![
        create_mint(&mut rpc, &payer, &a),
        create_mint(&mut rpc, &payer, &a),
    ];
    let of_b = create_mint(&mut rpc, &payer, &b);
    of_a.sort();
    // A mint's authority follows a 4-byte COption tag.
    let by = |who: &Pubkey| {
        let filter = Memcmp {
            offset: 4,
            bytes: who.to_bytes().to_vec(),
        };
        rpc.program_accounts(&spl_token::ID, &[filter]).unwrap()
    };
    let found = by(&a);
    assert_eq!(found.iter().map(|(k, _)| *k).collect::<Vec<_>>(), of_a);
    assert!(found
        .iter()
        .all(|(_, acc)| acc.owner == spl_token::ID && acc.data.len() == MINT_LEN));
    assert_eq!(
        by(&b).iter().map(|(k, _)| *k).collect::<Vec<_>>(),
        vec![of_b]
    );
    let all = rpc.program_accounts(&spl_token::ID, &[]).unwrap();
    assert_eq!(all.len(), 3);
}

#[test]
fn an_unreachable_endpoint_is_a_network_error_after_retries() {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let rpc = Rpc::new(
        &format!("http://127.0.0.1:{port}"),
        RpcOptions {
            retries: 1,
            ..RpcOptions::default()
        },
    );
    let started = Instant::now();
    let err = rpc.account(&Pubkey::new_unique()).unwrap_err();
    assert!(matches!(err, LedgerError::Network(_)), "{err:?}");
    assert!(err.to_string().contains("2 attempts"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
}

#[test]
fn http_503_and_a_lagging_node_are_retried_other_rpc_errors_are_not() {
    let server = Server::start();
    let rpc = server.rpc(quick());
    server.chain(|c| c.http_failures = 1);
    rpc.ensure_deployed(&PROGRAM_ID).unwrap();
    assert_eq!(server.chain(|c| c.http_failures), 0, "the 503 was served");

    server.chain(|c| {
        c.rpc_errors
            .push_back((-32005, "Node is behind by 42 slots"))
    });
    rpc.ensure_deployed(&PROGRAM_ID).unwrap();

    server.chain(|c| c.rpc_errors.push_back((-32603, "Internal error")));
    match rpc.account(&PROGRAM_ID) {
        Err(LedgerError::Rpc { code, message }) => {
            assert_eq!(code, -32603);
            assert_eq!(message, "Internal error");
        }
        other => panic!("expected an RPC error, got {other:?}"),
    }

    // More 503s than retries: a network error.
    server.chain(|c| c.http_failures = 3);
    let err = rpc.account(&PROGRAM_ID).unwrap_err();
    assert!(err.to_string().contains("HTTP 503"), "{err}");
}

#[test]
fn an_expired_blockhash_is_replaced_and_the_transaction_resent() {
    let server = Server::start();
    let mut rpc = server.rpc(quick());
    let payer = funded(&mut rpc, SOL);
    let to = Keypair::new().pubkey();
    // The first send vanishes; each height query then jumps past its blockhash.
    server.chain(|c| {
        c.drop_sends = 1;
        c.height_step = 2 * BLOCKHASH_LIFETIME;
    });
    rpc.send(&[transfer(&payer.pubkey(), &to, 1_000_000)], &payer, &[])
        .unwrap();
    assert_eq!(server.sends(), 2);
    assert_eq!(server.lamports(&to), 1_000_000);

    // Every send vanishes: after `retries` re-signings, BlockhashExpired. (A
    // different amount: the same transfer under the same blockhash would be
    // the landed transaction itself.)
    server.chain(|c| c.drop_sends = u32::MAX);
    let err = rpc
        .send(&[transfer(&payer.pubkey(), &to, 2_000_000)], &payer, &[])
        .unwrap_err();
    assert!(
        matches!(err, LedgerError::BlockhashExpired { .. }),
        "{err:?}"
    );
    assert_eq!(server.sends(), 2 + 3);
    assert_eq!(server.lamports(&to), 1_000_000);
}

#[test]
fn a_simulation_on_a_node_without_the_blockhash_is_retried() {
    let server = Server::start();
    let mut rpc = server.rpc(quick());
    let payer = funded(&mut rpc, SOL);
    let to = Keypair::new().pubkey();
    server.chain(|c| c.stale_simulations = 2);
    rpc.send(&[transfer(&payer.pubkey(), &to, 1_000_000)], &payer, &[])
        .unwrap();
    assert_eq!(server.lamports(&to), 1_000_000);

    // More stale answers than retries: the error is reported, nothing sent.
    server.chain(|c| c.stale_simulations = 3);
    let err = rpc
        .send(&[transfer(&payer.pubkey(), &to, 2_000_000)], &payer, &[])
        .unwrap_err();
    assert!(
        matches!(
            err,
            LedgerError::Failed {
                error: TransactionError::BlockhashNotFound,
                ..
            }
        ),
        "{err:?}"
    );
    assert_eq!(server.sends(), 1);
}

#[test]
fn send_all_lands_twenty_transfers_in_order() {
    let server = Server::start();
    let mut rpc = server.rpc(RpcOptions {
        in_flight: 8,
        ..quick()
    });
    let payer = funded(&mut rpc, 10 * SOL);
    let poor = funded(&mut rpc, SOL / 100);
    let recipients: Vec<Pubkey> = (0..20).map(|_| Keypair::new().pubkey()).collect();
    let batches: Vec<Batch> = recipients
        .iter()
        .enumerate()
        .map(|(i, to)| {
            // Batch 13 has the shape of the others but overdraws at execution.
            let from = if i == 13 { &poor } else { &payer };
            Batch {
                instructions: vec![transfer(&from.pubkey(), to, SOL / 10 + i as u64)],
                signers: vec![from],
            }
        })
        .collect();
    let results = rpc.send_all(&batches, &payer);
    assert_eq!(results.len(), 20);
    for (i, (result, to)) in results.iter().zip(&recipients).enumerate() {
        if i == 13 {
            let err = result.as_ref().unwrap_err();
            assert_eq!(err.custom_code(), Some(1), "{err:?}");
            assert!(matches!(err, LedgerError::Failed { logs, .. } if !logs.is_empty()));
            assert_eq!(server.lamports(to), 0);
        } else {
            let sent = result.as_ref().unwrap();
            assert!(sent.logs.iter().any(|l| l.ends_with("success")));
            assert_eq!(server.lamports(to), SOL / 10 + i as u64);
        }
    }
    // One simulation sized all twenty transfers.
    let simulations = server.chain(|c| {
        c.methods
            .iter()
            .filter(|m| *m == "simulateTransaction")
            .count()
    });
    assert_eq!(simulations, 1);
    assert_eq!(server.sends(), 20);
}

#[test]
fn send_all_resends_what_expired() {
    let server = Server::start();
    let mut rpc = server.rpc(RpcOptions {
        in_flight: 4,
        compute_unit_limit: Some(10_000),
        ..quick()
    });
    let payer = funded(&mut rpc, SOL);
    let recipients: Vec<Pubkey> = (0..6).map(|_| Keypair::new().pubkey()).collect();
    let batches: Vec<Batch> = recipients
        .iter()
        .map(|to| Batch {
            instructions: vec![transfer(&payer.pubkey(), to, 1_000_000)],
            signers: vec![],
        })
        .collect();
    server.chain(|c| {
        c.drop_sends = 2;
        c.height_step = 2 * BLOCKHASH_LIFETIME;
    });
    let results = rpc.send_all(&batches, &payer);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    assert!(recipients.iter().all(|to| server.lamports(to) == 1_000_000));
    assert_eq!(server.sends(), 8);
    let simulations = server.chain(|c| {
        c.methods
            .iter()
            .filter(|m| *m == "simulateTransaction")
            .count()
    });
    assert_eq!(simulations, 0, "a fixed compute limit needs no simulation");
}

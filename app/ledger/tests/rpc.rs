//! The `Rpc` ledger against the in-process JSON-RPC server of
//! `support/rpc_server.rs` (a real LiteSVM with the built `ilm.so` behind
//! real HTTP), including its faults: 503s, lagging nodes, dropped
//! transactions and expiring blockhashes.
#[path = "support/rpc_server.rs"]
mod rpc_server;

use rpc_server::*;

use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_spl::token::spl_token;
use base64::engine::general_purpose::STANDARD as BASE64;
use base64::Engine;
use ilm_client::ix::{self, MarketKeys};
use ilm_client::{error_code, IlmError, MarketParams, PROGRAM_ID};
use ilm_ledger::{
    program_so, Batch, Embedded, Ledger, LedgerError, Memcmp, Rpc, RpcOptions, UnitPrice,
    PACKET_DATA_SIZE,
};
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_system_interface::instruction::{create_account, transfer};
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use std::net::TcpListener;
use std::time::{Duration, Instant};

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
    // Mainnet is known by its genesis hash, whatever the URL; an endpoint
    // that cannot say is not trusted to be a test cluster either.
    server.chain(|c| c.genesis_hash = ilm_ledger::MAINNET_GENESIS_HASH.to_string());
    assert!(!rpc.is_test_ledger());
    let unreachable = format!(
        "http://{}",
        TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
    );
    assert!(!Rpc::new(&unreachable, quick()).is_test_ledger());
}

#[test]
fn cluster_monikers() {
    use ilm_ledger::cluster_url;
    assert_eq!(cluster_url("localhost"), "http://127.0.0.1:8899");
    for (short, long) in [
        ("l", "localhost"),
        ("d", "devnet"),
        ("t", "testnet"),
        ("m", "mainnet-beta"),
    ] {
        assert_eq!(cluster_url(short), cluster_url(long));
    }
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
        priority_fee: Some(UnitPrice::Fixed(1_000)),
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

/// `--with-compute-unit-price auto`: the 75th percentile of the recent
/// slots' fees, asked once for several transactions close together.
#[test]
fn an_auto_priority_fee_follows_the_cluster() {
    let server = Server::start();
    server.chain(|c| c.recent_fees = vec![0, 5_000_000, 100_000, 300_000, 200_000]);
    let mut rpc = server.rpc(RpcOptions {
        priority_fee: Some("auto".parse().unwrap()),
        compute_unit_limit: Some(100_000),
        ..quick()
    });
    let payer = funded(&mut rpc, 2 * SOL);
    let to = Keypair::new().pubkey();
    let mut fees = Vec::new();
    for part in [4, 5] {
        let sent = rpc
            .send(&[transfer(&payer.pubkey(), &to, SOL / part)], &payer, &[])
            .unwrap();
        fees.push(sent.fee);
    }
    // 300,000 micro-lamports for each of the 100,000 units requested.
    assert_eq!(fees, vec![5_000 + 30_000; 2]);
    let asked = server.chain(|c| {
        c.methods
            .iter()
            .filter(|m| *m == "getRecentPrioritizationFees")
            .count()
    });
    assert_eq!(asked, 1, "asked once, then cached");
    assert_eq!("7".parse(), Ok(UnitPrice::Fixed(7)));
    assert!("cheap".parse::<UnitPrice>().is_err());
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
        freezable_mints: vec![],
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

/// A transfer whose instruction data is padded (the system program ignores
/// trailing bytes) so that, after `before`, the signed transaction is exactly
/// `size` bytes.
fn padded_transfer(
    payer: &Keypair,
    to: &Pubkey,
    before: &[Instruction],
    size: usize,
) -> Instruction {
    let mut ix = transfer(&payer.pubkey(), to, SOL / 10);
    loop {
        let mut all = before.to_vec();
        all.push(ix.clone());
        let tx = Transaction::new_signed_with_payer(
            &all,
            Some(&payer.pubkey()),
            &[payer],
            solana_hash::Hash::default(),
        );
        let len = bincode::serialized_size(&tx).unwrap() as usize;
        match len.cmp(&size) {
            std::cmp::Ordering::Equal => return ix,
            std::cmp::Ordering::Less => ix.data.resize(ix.data.len() + size - len, 0),
            std::cmp::Ordering::Greater => ix.data.truncate(ix.data.len() - (len - size)),
        }
    }
}

#[test]
fn the_packet_limit_is_enforced_at_its_edge() {
    let to = Keypair::new().pubkey();

    let mut embedded = Embedded::in_memory(&program_so()).unwrap();
    let payer = Keypair::new();
    embedded.airdrop(&payer.pubkey(), SOL).unwrap();
    let fits = padded_transfer(&payer, &to, &[], PACKET_DATA_SIZE);
    embedded
        .send(std::slice::from_ref(&fits), &payer, &[])
        .unwrap();
    let mut over = fits;
    over.data.push(0);
    let refused = embedded.send(&[over], &payer, &[]).unwrap_err();
    assert!(
        matches!(refused, LedgerError::TooLarge { bytes: 1_233 }),
        "{refused}"
    );
    assert!(refused.to_string().contains("1233 bytes, over the 1232"));
    assert_eq!(embedded.account(&to).unwrap().unwrap().lamports, SOL / 10);

    // The RPC backend refuses before simulating: the node never sees it.
    let server = Server::start();
    let mut rpc = server.rpc(quick());
    let payer = funded(&mut rpc, SOL);
    let budget = [ComputeBudgetInstruction::set_compute_unit_limit(0)];
    let fits = padded_transfer(&payer, &to, &budget, PACKET_DATA_SIZE);
    rpc.send(std::slice::from_ref(&fits), &payer, &[]).unwrap();
    let calls = server.chain(|c| c.methods.len());
    let mut over = fits;
    over.data.push(0);
    let refused = rpc.send(&[over.clone()], &payer, &[]).unwrap_err();
    assert!(
        matches!(refused, LedgerError::TooLarge { bytes: 1_233 }),
        "{refused}"
    );
    let after: Vec<String> = server.chain(|c| c.methods[calls..].to_vec());
    assert!(
        !after
            .iter()
            .any(|m| m == "simulateTransaction" || m == "sendTransaction"),
        "{after:?}"
    );

    // The test server refuses it as an Agave node does, for clients that do not check.
    let mut all = budget.to_vec();
    all.push(over);
    let tx = Transaction::new_signed_with_payer(
        &all,
        Some(&payer.pubkey()),
        &[&payer],
        solana_hash::Hash::default(),
    );
    let encoded = BASE64.encode(bincode::serialize(&tx).unwrap());
    let body = serde_json::json!({
        "jsonrpc": "2.0", "id": 1, "method": "sendTransaction",
        "params": [encoded, {"encoding": "base64", "skipPreflight": true}],
    });
    let reply: serde_json::Value = ureq::post(&server.url)
        .send_json(&body)
        .unwrap()
        .body_mut()
        .read_json()
        .unwrap();
    assert_eq!(reply["error"]["code"], -32602, "{reply}");
    assert!(reply["error"]["message"]
        .as_str()
        .unwrap()
        .contains("too large: 1233 bytes (max: 1232 bytes)"));
    assert_eq!(rpc.account(&to).unwrap().unwrap().lamports, SOL / 10);
}

#[test]
fn many_accounts_are_read_a_hundred_at_a_time() {
    let server = Server::start();
    let mut rpc = server.rpc(quick());
    let keys: Vec<Pubkey> = (0..150).map(|_| Keypair::new().pubkey()).collect();
    for k in [keys[0], keys[99], keys[149]] {
        rpc.airdrop(&k, SOL).unwrap();
    }
    let calls = server.chain(|c| c.methods.len());
    let found = rpc.accounts(&keys).unwrap();
    let present: Vec<usize> = (0..150).filter(|&i| found[i].is_some()).collect();
    assert_eq!(present, vec![0, 99, 149]);
    assert_eq!(found[149].as_ref().unwrap().lamports, SOL);
    let used: Vec<String> = server.chain(|c| c.methods[calls..].to_vec());
    assert_eq!(used, vec!["getMultipleAccounts", "getMultipleAccounts"]);
}

/// A transaction a leader dropped is sent again, the same bytes, while its
/// blockhash is still valid: it lands without being re-signed.
#[test]
fn an_unconfirmed_transaction_is_sent_again_not_re_signed() {
    let server = Server::start();
    let mut rpc = server.rpc(quick());
    let payer = funded(&mut rpc, 2 * SOL);
    let to = Keypair::new().pubkey();
    server.chain(|c| c.drop_sends = 1);
    let before = server.chain(|c| c.methods.len());
    let sent = rpc
        .send(&[transfer(&payer.pubkey(), &to, SOL / 2)], &payer, &[])
        .unwrap();
    assert_eq!(rpc.account(&to).unwrap().unwrap().lamports, SOL / 2);
    let methods = server.chain(|c| c.methods[before..].to_vec());
    let count = |m: &str| methods.iter().filter(|x| *x == m).count();
    assert_eq!(count("sendTransaction"), 2, "sent again: {methods:?}");
    assert_eq!(
        count("getLatestBlockhash"),
        1,
        "never re-signed: {methods:?}"
    );
    assert_eq!(bs58::decode(&sent.signature).into_vec().unwrap().len(), 64);

    // The same through send_all, several in flight.
    server.chain(|c| c.drop_sends = 2);
    let batches: Vec<Batch> = [3, 4, 5]
        .iter()
        .map(|part| Batch {
            instructions: vec![transfer(&payer.pubkey(), &to, SOL / part)],
            signers: vec![],
        })
        .collect();
    let before = server.chain(|c| c.methods.len());
    let results = rpc.send_all(&batches, &payer);
    assert!(results.iter().all(Result::is_ok), "{results:?}");
    let methods = server.chain(|c| c.methods[before..].to_vec());
    let count = |m: &str| methods.iter().filter(|x| *x == m).count();
    assert_eq!(count("sendTransaction"), 5, "two sent again: {methods:?}");
    assert_eq!(
        count("getLatestBlockhash"),
        1,
        "never re-signed: {methods:?}"
    );
}

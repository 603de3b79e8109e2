//! The real `ilm` binary with `-u <URL>`: the same employer/contributor flow as
//! on the embedded ledger, but every read and transaction goes over HTTP
//! JSON-RPC to the in-process server of `app/ledger/tests/support/rpc_server.rs` (a
//! real LiteSVM running the built `ilm.so`). Payout amounts come back from
//! `getTransaction` logs, task lists from `getProgramAccounts` filters.
#[path = "../../ledger/tests/support/rpc_server.rs"]
// The server's fault injection is for the ledger's own tests.
#[allow(dead_code)]
mod rpc_server;

mod support;

use ilm_ledger::{Ledger, RpcOptions};
use rpc_server::Server;
use solana_keypair::Keypair;
use solana_signer::Signer;
use support::{s, Shell};

/// A server and a shell pointed at it, with funded keypair files for `people`.
fn cluster(people: &[&str]) -> (Server, Shell) {
    let server = Server::start();
    let sh = Shell::new(Some(&server.url));
    let mut rpc = server.rpc(RpcOptions::default());
    for who in people {
        let kp = Keypair::new();
        let json = serde_json::to_string(&kp.to_bytes().to_vec()).unwrap();
        std::fs::write(sh.path(&format!("{who}.json")), json).unwrap();
        rpc.airdrop(&kp.pubkey(), 10_000_000_000).unwrap();
    }
    (server, sh)
}

#[test]
fn employer_and_contributor_over_json_rpc() {
    let (server, c) = cluster(&["employer", "alice"]);
    let alice = c.pubkey("alice");
    let mint = s(&c.json("employer", &["mint", "create"])["mint"]);
    let stake_mint = s(&c.json("employer", &["mint", "create", "--token-2022"])["mint"]);
    c.json(
        "employer",
        &["market", "create", "--stake-mint", &stake_mint],
    );
    c.json("employer", &["mint", "airdrop", &mint, "100"]);
    c.json(
        "employer",
        &["mint", "airdrop", &stake_mint, "150", "--to", &alice],
    );
    let spec = c.path("spec.md");
    let task = s(&c.json(
        "employer",
        &[
            "task",
            "create",
            "--mint",
            &mint,
            "--reward",
            "10",
            "--slots",
            "2",
            "--bond",
            "20",
            "--spec",
            spec.to_str().unwrap(),
        ],
    )["task"]);
    c.json("alice", &["stake", "deposit", "150"]);
    c.json("alice", &["work", "claim", &task]);
    c.json(
        "alice",
        &["work", "submit", &task, "--result-hash", &"ab".repeat(32)],
    );
    let paid = c.json("employer", &["review", "approve", &task, &alice]);
    assert_eq!(paid["status"], "Paid");
    assert_eq!(
        paid["paid"], "10",
        "the WorkPaid event read back from getTransaction"
    );
    let listed = c.json("alice", &["task", "list"]);
    assert_eq!(listed["count"], 1);
    assert_eq!(listed["tasks"][0]["completed"], 1);

    // A program error is caught by simulation: named, and nothing is sent.
    let sends = server.sends();
    c.fails(
        "alice",
        &["work", "submit", &task, "--result-hash", &"cd".repeat(32)],
        "transaction failed",
    );
    assert_eq!(server.sends(), sends);
    c.fails("alice", &["ledger", "warp", "1d"], "keeps real time");
    c.fails(
        "alice",
        &[
            "--program-id",
            "11111111111111111111111111111111",
            "task",
            "list",
        ],
        "this ilm was built for program",
    );
    assert!(
        !c.path("ledger.bin").exists(),
        "nothing touched the embedded ledger"
    );
    let rpc = server.rpc(RpcOptions::default());
    rpc.ensure_deployed(&ilm_client::PROGRAM_ID).unwrap();
    assert!(rpc.account(&task.parse().unwrap()).unwrap().is_some());
}

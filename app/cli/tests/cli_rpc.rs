//! The real `ilm` binary with `-u <URL>`: the same employer/contributor flow as
//! on the embedded ledger, but every read and transaction goes over HTTP
//! JSON-RPC to the in-process server of `app/tests/support/rpc_server.rs` (a
//! real LiteSVM running the built `ilm.so`). Payout amounts come back from
//! `getTransaction` logs, task lists from `getProgramAccounts` filters.
#[path = "../../tests/support/rpc_server.rs"]
// The server's fault injection is for the ledger's own tests.
#[allow(dead_code)]
mod rpc_server;

use assert_cmd::Command;
use ilm_client::ledger::{Ledger, RpcOptions};
use rpc_server::Server;
use serde_json::Value;
use solana_keypair::Keypair;
use solana_signer::Signer;
use tempfile::TempDir;

struct Cluster {
    server: Server,
    dir: TempDir,
}

impl Cluster {
    /// A server and funded keypair files for `people`.
    fn new(people: &[&str]) -> Cluster {
        let server = Server::start();
        let dir = TempDir::new().unwrap();
        std::fs::write(dir.path().join("spec.md"), "Label each photo: cat or dog.").unwrap();
        let mut rpc = server.rpc(RpcOptions::default());
        for who in people {
            let kp = Keypair::new();
            let json = serde_json::to_string(&kp.to_bytes().to_vec()).unwrap();
            std::fs::write(dir.path().join(format!("{who}.json")), json).unwrap();
            rpc.airdrop(&kp.pubkey(), 10_000_000_000).unwrap();
        }
        Cluster { server, dir }
    }

    fn cmd(&self, who: &str, args: &[&str]) -> Command {
        let mut c = Command::cargo_bin("ilm").unwrap();
        c.env("ILM_HOME", self.dir.path())
            .env_remove("ILM_MARKET")
            .env_remove("ILM_KEYPAIR")
            .args(["-u", &self.server.url, "-k"])
            .arg(self.dir.path().join(format!("{who}.json")))
            .args(args);
        c
    }

    fn json(&self, who: &str, args: &[&str]) -> Value {
        let out = self
            .cmd(who, args)
            .args(["--output", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "ilm {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    fn fails(&self, who: &str, args: &[&str], needle: &str) {
        let out = self.cmd(who, args).output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "ilm {args:?} should fail");
        assert!(
            err.contains(needle),
            "ilm {args:?}: expected {needle:?}, got: {err}"
        );
    }
}

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("not a string: {v}"))
        .to_string()
}

#[test]
fn employer_and_contributor_over_json_rpc() {
    let c = Cluster::new(&["employer", "alice"]);
    let alice = s(&c.json("alice", &["ledger", "info"])["keypair"]);
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
    let spec = c.dir.path().join("spec.md");
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
    let sends = c.server.sends();
    c.fails(
        "alice",
        &["work", "submit", &task, "--result-hash", &"cd".repeat(32)],
        "transaction failed",
    );
    assert_eq!(c.server.sends(), sends);
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
        !c.dir.path().join("ledger.bin").exists(),
        "nothing touched the embedded ledger"
    );
    let rpc = c.server.rpc(RpcOptions::default());
    rpc.ensure_deployed(&ilm_client::PROGRAM_ID).unwrap();
    assert!(rpc.account(&task.parse().unwrap()).unwrap().is_some());
}

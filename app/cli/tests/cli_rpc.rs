//! The real `ilm` binary with `-u <URL>`: the same employer/contributor flow as
//! on the embedded ledger, but every read and transaction goes over HTTP
//! JSON-RPC to the in-process server of `app/ledger/tests/support/rpc_server.rs` (a
//! real LiteSVM running the built `ilm.so`). Payout amounts come back from
//! `getTransaction` logs, task lists from `getProgramAccounts` filters.
#[path = "../../ledger/tests/support/rpc_server.rs"]
// The server's fault injection is for the ledger's own tests.
#[allow(dead_code)]
mod rpc_server;

// Shared by the CLI tests; each uses part of it.
#[allow(dead_code)]
mod support;

use ilm_ledger::{Ledger, RpcOptions};
use rpc_server::Server;
use solana_keypair::Keypair;
use solana_signer::Signer;
use support::{s, Shell};

/// A server and a shell pointed at it, with funded keypair files for `people`.
fn cluster(people: &[&str]) -> (Server, Shell) {
    cluster_on(Server::start(), people)
}

fn cluster_on(server: Server, people: &[&str]) -> (Server, Shell) {
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
        &[
            "work",
            "submit",
            &task,
            "--result-hash",
            &"ab".repeat(32),
            "--uri",
            "ipfs://bafy-labels",
        ],
    );
    let paid = c.json("employer", &["review", "approve", &task, &alice]);
    let claims = c.json("employer", &["task", "claims", &task]);
    assert_eq!(
        claims["claims"][0]["result_uri"], "ipfs://bafy-labels",
        "read back from the claim's history (getSignaturesForAddress)"
    );
    assert_eq!(paid["status"], "paid");
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

/// The Solana CLI's habits: its config file names the cluster, keypair and
/// commitment; flags override it; every report names the ledger it ran on.
#[test]
fn the_solana_cli_config_is_read_and_flags_override_it() {
    let (server, c) = cluster(&["operator"]);
    let config = c.path(".config/solana/cli/config.yml");
    std::fs::create_dir_all(config.parent().unwrap()).unwrap();
    let keypair = c.keypair("operator");
    std::fs::write(
        &config,
        format!(
            "---\njson_rpc_url: \"{}\"\nwebsocket_url: ''\nkeypair_path: {}\naddress_labels:\n  \"11111111111111111111111111111111\": System Program\ncommitment: finalized\n",
            server.url,
            keypair.display()
        ),
    )
    .unwrap();
    // No -u, no -k: both come from the config (HOME is the shell's home).
    let info = serde_json::from_slice::<serde_json::Value>(
        &c.bare()
            .args(["--output", "json", "ledger", "info"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    assert_eq!(info["ledger"], server.url.as_str());
    assert_eq!(info["keypair"], c.pubkey("operator"));
    // -u overrides the config: the embedded ledger, with the config's keypair.
    let out = c
        .bare()
        .args(["-u", "embedded", "--output", "json", "ledger", "info"])
        .output()
        .unwrap();
    let embedded: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(embedded["ledger"].as_str().unwrap().contains("embedded"));
    assert_eq!(embedded["keypair"], c.pubkey("operator"));
}

/// Without a keypair named anywhere, only the embedded ledger makes one: its
/// own identity in ILM_HOME, announced; a cluster refuses with the hint.
#[test]
fn only_the_embedded_ledger_makes_an_identity() {
    let (server, c) = cluster(&[]);
    let out = c
        .bare()
        .args(["-u", &server.url, "ledger", "info"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("solana-keygen new"));
    let out = c
        .bare()
        .args(["--output", "json", "ledger", "info"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("created the embedded ledger's identity"));
    assert!(c.path("id.json").exists());
    let again = c.bare().args(["ledger", "info"]).output().unwrap();
    assert!(
        !String::from_utf8_lossy(&again.stderr).contains("created"),
        "made once"
    );
}

/// `--fee-payer` pays the fees; the signer only signs.
#[test]
fn a_fee_payer_pays_for_the_signer() {
    let (server, c) = cluster(&["employer", "payer"]);
    let mint = s(&c.json("employer", &["mint", "create"])["mint"]);
    c.json("employer", &["mint", "airdrop", &mint, "10"]);
    let lamports = |who: &str| server.lamports(&c.pubkey(who).parse().unwrap());
    let (employer, payer) = (lamports("employer"), lamports("payer"));
    let payer_file = c.keypair("payer");
    let topped = c.json(
        "employer",
        &[
            "--fee-payer",
            payer_file.to_str().unwrap(),
            "--with-compute-unit-price",
            "1000",
            "mint",
            "airdrop",
            &mint,
            "5",
        ],
    );
    assert_eq!(topped["balance"], "15");
    assert_eq!(lamports("employer"), employer, "the signer paid nothing");
    assert!(
        lamports("payer") < payer - 5_000,
        "the fee payer paid the fee and the priority fee"
    );
    // Opening a token account: the fee payer alone signs and pays the rent.
    let to = c.pubkey("payer");
    let fees = c.json(
        "employer",
        &[
            "--fee-payer",
            payer_file.to_str().unwrap(),
            "mint",
            "airdrop",
            &mint,
            "1",
            "--to",
            &to,
        ],
    );
    assert_eq!(fees["balance"], "1");
    assert_eq!(
        lamports("employer"),
        employer,
        "the rent came from the fee payer"
    );
}

/// A contributor with an empty wallet (no lamports, no token account) claims
/// a task's newcomer slot and delivers through a sponsor (`--fee-payer`),
/// which pays the fees and the rent of its stake record and claim; it is paid
/// and still holds no lamports.
#[test]
fn an_empty_wallet_claims_and_is_paid_through_a_sponsor() {
    let (server, c) = cluster(&["employer", "sponsor"]);
    let erin = c.pubkey("erin");
    let (_, _, task) = c.newcomer_task();
    let lamports = |who: &str| server.lamports(&c.pubkey(who).parse().unwrap());
    let sponsor_before = lamports("sponsor");
    let sponsor = c.keypair("sponsor");
    let sponsored = ["--fee-payer", sponsor.to_str().unwrap()];
    let claimed = c.json(
        "erin",
        &[&sponsored[..], &["work", "claim", &task]].concat(),
    );
    assert_eq!(claimed["status"], "leased");
    let hash = "ab".repeat(32);
    let submit = ["work", "submit", &task, "--result-hash", &hash];
    c.json("erin", &[&sponsored[..], &submit[..]].concat());
    let claims = c.json("employer", &["task", "claims", &task]);
    assert_eq!(claims["claims"][0]["newcomer"], true);
    assert_eq!(claims["claims"][0]["bond"], "0");
    assert_eq!(claims["claims"][0]["rent_payer"], c.pubkey("sponsor"));
    let paid = c.json("employer", &["review", "approve", &task, &erin]);
    assert_eq!(paid["paid"], "10");
    assert_eq!(lamports("erin"), 0, "the newcomer never needed a lamport");
    assert!(lamports("sponsor") < sponsor_before, "the sponsor paid");
    let stake = c.json("erin", &["stake", "show"]);
    assert_eq!(
        (stake["completed"].as_u64(), stake["amount"].as_str()),
        (Some(1), Some("0"))
    );
}

/// Anyone can deploy a program at ilm's local id on a public cluster: before
/// the first transaction, the deployed ELF is compared with the carried
/// `.so`. Reads still work; sends are refused unless the operator says so.
#[test]
fn another_program_at_the_ilm_id_is_refused_before_anything_is_sent() {
    let impostor = ilm_ledger::program_so().with_file_name("coverage.so");
    let (server, c) = cluster_on(Server::start_with_program(&impostor), &["employer"]);
    let sends = server.sends();
    c.fails(
        "employer",
        &["mint", "create"],
        "is not the build this ilm carries",
    );
    assert_eq!(server.sends(), sends, "nothing was sent");
    assert!(c.json("employer", &["ledger", "info"])["sol"].is_string());
    c.json("employer", &["--skip-program-check", "mint", "create"]);
    assert_eq!(server.sends(), sends + 1);
    assert!(
        !c.path("programs.json").exists(),
        "a mismatch is never remembered"
    );

    // The real build passes, and is remembered by its deployment slot.
    let (server, c) = cluster(&["employer"]);
    c.json("employer", &["mint", "create"]);
    let seen: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(c.path("programs.json")).unwrap()).unwrap();
    let record = seen.as_object().unwrap().values().next().unwrap();
    assert_eq!(record["program"], ilm_client::PROGRAM_ID.to_string());
    assert!(record["slot"].is_u64());
    assert!(record["genesis"].is_string());
    // The program is replaced later (a new deployment slot): the remembered
    // match no longer counts and the new bytes are refused.
    server.chain(|chain| {
        chain.svm.warp_to_slot(1_000);
        chain
            .svm
            .add_program_from_file(ilm_client::PROGRAM_ID, &impostor)
            .unwrap();
    });
    c.fails(
        "employer",
        &["mint", "create"],
        "is not the build this ilm carries",
    );
}

/// Offline and multisig signing as the Solana CLI does it: the mint
/// authority signs with `--sign-only` against a blockhash, naming the fee
/// payer only by address; the fee payer adds its own signature with
/// `--signer` and sends. Nothing is sent before every signature is there.
#[test]
fn a_transaction_is_signed_apart_and_sent_once() {
    let (server, c) = cluster(&["employer", "payer"]);
    let mint = s(&c.json("employer", &["mint", "create"])["mint"]);
    c.json("employer", &["mint", "airdrop", &mint, "10"]);
    let (employer, payer) = (c.pubkey("employer"), c.pubkey("payer"));
    let hash = s(&c.json("employer", &["ledger", "blockhash"])["blockhash"]);
    let run = |k: &str, fee_payer: &str, extra: &[&str]| {
        let mut args = vec![
            "-u",
            &server.url,
            "--output",
            "json",
            "-k",
            k,
            "--fee-payer",
            fee_payer,
            "--blockhash",
            &hash,
            "--with-compute-unit-limit",
            "60000",
        ];
        args.extend_from_slice(extra);
        args.extend_from_slice(&["mint", "airdrop", &mint, "5"]);
        let out = c.bare().args(&args).output().unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        (out.status.success(), v)
    };
    let employer_file = c.keypair("employer");
    let payer_file = c.keypair("payer");
    let sends = server.sends();
    let (ok, signed) = run(employer_file.to_str().unwrap(), &payer, &["--sign-only"]);
    assert!(ok, "{signed}");
    support::contract("--sign-only", "", &signed);
    assert_eq!(signed["blockhash"], hash.as_str());
    assert_eq!(signed["absent"], serde_json::json!([payer]));
    let signature = s(&signed["signers"][0]);
    assert!(signature.starts_with(&format!("{employer}=")));
    assert_eq!(server.sends(), sends, "--sign-only sends nothing");

    // Without the employer's signature, or with one over another message: refused, nothing sent.
    let (ok, missing) = run(&employer, payer_file.to_str().unwrap(), &[]);
    assert!(!ok && s(&missing["error"]).contains(&format!("lacks the signatures of {employer}")));
    let (ok, other) = run(
        &employer,
        payer_file.to_str().unwrap(),
        &["--signer", &signature, "--with-compute-unit-price", "7"],
    );
    assert!(
        !ok && s(&other["error"]).contains("not over this transaction"),
        "{other}"
    );
    assert_eq!(server.sends(), sends);

    let (ok, sent) = run(
        &employer,
        payer_file.to_str().unwrap(),
        &["--signer", &signature],
    );
    assert!(ok, "{sent}");
    assert_eq!(sent["balance"], "15");
    assert_eq!(server.sends(), sends + 1, "sent once");
}

/// A crank run whose transactions never land (a node that drops them):
/// each is re-signed until its retries run out, and the failure reports what
/// was paid and which leaves are left, as JSON too; a re-run pays those.
#[test]
fn a_failing_push_reports_what_it_paid_and_what_is_left() {
    let (server, c) = cluster(&["employer"]);
    let mint = s(&c.json("employer", &["mint", "create"])["mint"]);
    let stake_mint = s(&c.json("employer", &["mint", "create"])["mint"]);
    c.json(
        "employer",
        &["market", "create", "--stake-mint", &stake_mint],
    );
    c.json("employer", &["mint", "airdrop", &mint, "100"]);
    let recipients: Vec<String> = (0..3)
        .map(|_| solana_keypair::Keypair::new().pubkey().to_string())
        .collect();
    let (task, proofs) = c.merkle_epoch(&mint, &recipients, 2);
    let p = proofs.to_str().unwrap();

    // The crank sends many transactions: offline signing refuses it, and
    // nothing is sent.
    let hash = s(&c.json("employer", &["ledger", "blockhash"])["blockhash"]);
    let sends = server.sends();
    c.fails(
        "employer",
        &[
            "--sign-only",
            "--blockhash",
            &hash,
            "merkle",
            "push",
            &task,
            p,
        ],
        "cover one-transaction commands",
    );
    assert_eq!(server.sends(), sends);

    // Every send is acknowledged and dropped; blocks pass quickly.
    server.chain(|chain| {
        chain.drop_sends = 1_000;
        chain.height_step = 200;
    });
    let out = c
        .cmd(
            "employer",
            &[
                "--output",
                "json",
                "merkle",
                "push",
                &task,
                p,
                "--create-accounts",
            ],
        )
        .output()
        .unwrap();
    assert!(!out.status.success());
    let failed: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    support::contract("merkle push (failed)", "", &failed);
    assert!(
        s(&failed["error"]).contains("3 of 3 payouts failed"),
        "{failed}"
    );
    assert_eq!(failed["leaves_paid"], 0);
    assert_eq!(failed["failed_leaves"], serde_json::json!([0, 1, 2]));
    assert!(failed["ledger"].is_string());

    server.chain(|chain| {
        chain.drop_sends = 0;
        chain.height_step = 1;
    });
    let pushed = c.json(
        "employer",
        &["merkle", "push", &task, p, "--create-accounts"],
    );
    assert_eq!(pushed["leaves_paid"], 3);
}

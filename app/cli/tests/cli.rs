//! The real `ilm` binary against the embedded ledger: state persists across
//! invocations, JSON output is parsed and checked, and bad input fails with a
//! clear message and a non-zero exit without changing state.
// Shared by the CLI tests; each uses part of it.
#[allow(dead_code)]
mod support;

use std::path::Path;
use support::{s, Shell};

/// An employer with reward and stake mints, a market and a funded contributor.
struct Market {
    mint: String,
    stake_mint: String,
    alice: String,
}

fn open_market(sh: &Shell) -> Market {
    let mint = s(&sh.json("employer", &["mint", "create"])["mint"]);
    let stake_mint = s(&sh.json("employer", &["mint", "create", "--decimals", "9"])["mint"]);
    let market = sh.json(
        "employer",
        &[
            "market",
            "create",
            "--stake-mint",
            &stake_mint,
            "--min-stake",
            "100",
            "--fee-bps",
            "250",
        ],
    );
    assert_eq!(market["min_stake"], "100");
    assert_eq!(market["fee_bps"], 250);
    let alice = sh.pubkey("alice");
    sh.json(
        "employer",
        &["mint", "airdrop", &stake_mint, "500", "--to", &alice],
    );
    let mine = sh.json("employer", &["mint", "airdrop", &mint, "1000"]);
    assert_eq!(mine["balance"], "1000");
    Market {
        mint,
        stake_mint,
        alice,
    }
}

/// `task create` by the employer with `extra` flags; `--reward 10 --slots 2
/// --bond 20` unless `extra` names them (no bond for merkle tasks).
fn create_task(sh: &Shell, m: &Market, extra: &[&str]) -> String {
    let spec = sh.path("spec.md");
    let spec = spec.to_str().unwrap();
    let mut args = vec!["task", "create", "--mint", &m.mint, "--spec", spec];
    let merkle = extra.contains(&"merkle");
    for (flag, default) in [("--reward", "10"), ("--slots", "2"), ("--bond", "20")] {
        let bondless = merkle && flag == "--bond";
        if !extra.contains(&flag) && !bondless {
            args.extend([flag, default]);
        }
    }
    args.extend_from_slice(extra);
    s(&sh.json("employer", &args)["task"])
}

#[test]
fn employer_and_contributor_across_invocations() {
    let sh = Shell::new(None);
    let m = open_market(&sh);
    let task = create_task(&sh, &m, &["--bond", "20"]);
    let shown = sh.json("employer", &["task", "show", &task]);
    assert_eq!(shown["verifier"], "review");
    assert_eq!(shown["escrow"], "20.5", "2 slots x (10 + 2.5% fee)");

    let staked = sh.json("alice", &["stake", "deposit", "150"]);
    assert_eq!(staked["amount"], "150");
    let claimed = sh.json("alice", &["work", "claim", &task]);
    assert_eq!(claimed["status"], "leased");
    let result = sh.path("result.csv");
    let submitted = sh.json(
        "alice",
        &[
            "work",
            "submit",
            &task,
            "--result",
            result.to_str().unwrap(),
            "--uri",
            "ipfs://r",
        ],
    );
    assert_eq!(submitted["status"], "submitted");
    let approved = sh.json("employer", &["review", "approve", &task, &m.alice]);
    assert_eq!(approved["status"], "paid");
    assert_eq!(approved["paid"], "10");
    assert!(approved["compute_units"].as_u64().unwrap() > 0);
    let status = sh.json("alice", &["work", "status", &task]);
    assert_eq!(status["status"], "paid");
    let stake = sh.json("alice", &["stake", "show"]);
    assert_eq!(stake["completed"], 1);
    assert_eq!(stake["locked"], "0");

    let listed = sh.json("alice", &["task", "list"]);
    assert_eq!(listed["count"], 1);
    let claims = sh.json("employer", &["task", "claims", &task]);
    assert_eq!(claims["count"], 1);
    assert_eq!(claims["claims"][0]["contributor"], m.alice);
    assert_eq!(claims["claims"][0]["status"], "paid");
    assert_eq!(
        claims["claims"][0]["result_hash"].as_str().unwrap().len(),
        64
    );
    assert!(
        claims["claims"][0]["result_uri"].is_null(),
        "the embedded ledger keeps no history to read the URI from"
    );
    let record = sh.json("alice", &["task", "employer", &sh.pubkey("employer")]);
    assert_eq!(
        (record["tasks_posted"].as_u64(), record["approved"].as_u64()),
        (Some(1), Some(1))
    );
    let markets = sh.json("alice", &["market", "list"]);
    assert_eq!(markets["count"], 1);
    let market = markets["markets"][0]["market"]
        .as_str()
        .unwrap()
        .to_string();
    // The default market is kept per ledger in ILM_HOME (the employer's).
    assert_eq!(markets["markets"][0]["in_use"], true);
    assert_eq!(
        sh.json("alice", &["market", "use", &market])["market"],
        market.as_str()
    );
    sh.fails("alice", &["market", "use", &m.mint], "is not an ilm market");
    assert_eq!(listed["tasks"][0]["completed"], 1);

    // Commit-reveal: commits until the deadline, then the employer opens
    // reveals with the salt `task create` kept; alice's salt is kept too.
    let quiz = create_task(
        &sh,
        &m,
        &[
            "--verifier",
            "preimage",
            "--answer",
            "cat",
            "--deadline",
            "2h",
        ],
    );
    sh.json("alice", &["work", "claim", &quiz]);
    assert_eq!(
        sh.json("alice", &["work", "commit", &quiz, "--answer", "cat"])["status"],
        "committed"
    );
    sh.fails("alice", &["work", "reveal", &quiz], "reveals on task");
    sh.fails(
        "employer",
        &["task", "open-reveals", &quiz],
        "Reveals open only after the deadline",
    );
    sh.json("alice", &["ledger", "warp", "2h"]);
    let opened = sh.json("employer", &["task", "open-reveals", &quiz]);
    assert!(opened["reveals"]
        .as_str()
        .unwrap()
        .starts_with("open until"));
    let revealed = sh.json("alice", &["work", "reveal", &quiz]);
    assert_eq!(revealed["status"], "paid");
    assert_eq!(revealed["paid"], "10");

    // Review timeout: anyone settles after the window.
    let judged = create_task(&sh, &m, &["--review", "1d"]);
    sh.json("alice", &["work", "claim", &judged]);
    sh.json(
        "alice",
        &["work", "submit", &judged, "--result-hash", &"ab".repeat(32)],
    );
    sh.fails(
        "alice",
        &["review", "settle", &judged, &m.alice],
        "Too early to settle",
    );
    sh.json("alice", &["ledger", "warp", "2d"]);
    let settled = sh.json("alice", &["review", "settle", &judged, &m.alice]);
    assert_eq!(settled["paid"], "10");
    assert_eq!(sh.json("alice", &["stake", "show"])["completed"], 3);
    assert_eq!(
        sh.json("employer", &["market", "show"])["stake_mint"],
        m.stake_mint
    );

    // Every account can be closed: fees collected (anyone), the task closed,
    // the claim's rent back to alice, and alice's empty record closed.
    assert_eq!(
        sh.json("alice", &["task", "collect-fees", &judged])["collected"],
        "0.25"
    );
    sh.fails("alice", &["work", "close-claim", &task], "still open");
    sh.json("alice", &["ledger", "warp", "8d"]);
    sh.json("employer", &["task", "close", &task]);
    let closed = sh.json(
        "employer",
        &["work", "close-claim", &task, "--contributor", &m.alice],
    );
    assert_eq!(closed["contributor"], m.alice);
    sh.fails("alice", &["work", "close-claim", &task], "no claim");
    sh.fails("alice", &["stake", "close"], "still holds tokens");
    sh.json("alice", &["stake", "unstake", "150"]);
    sh.json("alice", &["ledger", "warp", "1d"]);
    sh.json("alice", &["stake", "withdraw"]);
    let record = sh.json("alice", &["stake", "close"]);
    assert!(record["rent_returned_sol"]
        .as_str()
        .unwrap()
        .starts_with("0.00"));
    sh.fails("alice", &["stake", "show"], "has no stake");
}

#[test]
fn bad_input_fails_clearly_and_changes_nothing() {
    let sh = Shell::new(None);
    let m = open_market(&sh);
    let task = create_task(&sh, &m, &[]);
    // Everything but the countdown, which moves with the wall clock.
    let state = || {
        let mut shown = sh.json("employer", &["task", "show", &task]);
        shown.as_object_mut().unwrap().remove("deadline_in");
        (sh.json("employer", &["task", "list"]), shown)
    };
    let before = state();
    sh.fails(
        "alice",
        &["--relay", "http://127.0.0.1:1", "work", "claim", &task],
        "--relay sponsors transactions on a cluster",
    );
    let spec = sh.path("spec.md");
    let spec = spec.to_str().unwrap();
    let unknown = "7TaWTUtW1dUhSK2EcCEXNP8DtjQVcX8GwHDrnsaMybmm";
    let create_fails = |mint: &str, flags: &[&str], needle: &str| {
        let mut args = vec!["task", "create", "--mint", mint, "--spec", spec];
        args.extend_from_slice(flags);
        sh.fails("employer", &args, needle);
    };
    create_fails(unknown, &["--reward", "1"], "not found");
    create_fails(&m.mint, &["--reward=-5"], "negative");
    create_fails(&m.mint, &["--reward", "0.0000001"], "decimal places");
    create_fails(&m.mint, &["--reward", "5000"], "escrow needs");
    create_fails(&m.mint, &["--reward", "1", "--deadline", "3y"], "duration");
    create_fails(
        &m.mint,
        &["--reward", "1", "--verifier", "preimage"],
        "needs --answer",
    );
    sh.fails("employer", &["task", "show", unknown], "not found");
    sh.fails(
        "employer",
        &["task", "show", "not-an-address"],
        "invalid value",
    );
    sh.fails(
        "alice",
        &["work", "commit", &task, "--answer", "cat"],
        "is a review task",
    );
    sh.fails("alice", &["work", "claim", &task], "no stake");
    sh.fails(
        "alice",
        &["review", "approve", &task, &m.alice],
        "only the task's employer",
    );
    sh.fails(
        "alice",
        &["mint", "airdrop", &m.mint, "5"],
        "not the mint authority",
    );
    // A mistyped -k is an error on every ledger, never a new identity.
    let missing = sh.path("nobody.json");
    for url in ["http://127.0.0.1:9", "embedded"] {
        let out = sh
            .bare()
            .args(["-u", url, "-k", missing.to_str().unwrap(), "task", "list"])
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("cannot read keypair") && err.contains("solana-keygen new"),
            "{err}"
        );
        assert!(!missing.exists(), "no keypair is created for a name given");
    }
    let made = sh
        .bare()
        .args(["keygen", "-o", missing.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(made.status.success());
    let address = sh
        .bare()
        .args(["address", "-k", missing.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&address.stdout).trim(),
        String::from_utf8_lossy(&made.stdout).trim(),
        "`ilm address` prints what `ilm keygen` made"
    );
    let again = sh
        .bare()
        .args(["keygen", "-o", missing.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stderr).contains("never overwritten"));
    // Under --output json a failure is a JSON object on stdout too.
    let out = sh
        .cmd("employer", &["--output", "json", "task", "show", &m.mint])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        err["error"]
            .as_str()
            .unwrap()
            .contains("is not an ilm task"),
        "{err}"
    );

    assert_eq!(before, state());
}

#[test]
fn merkle_build_publish_push_is_resumable() {
    let sh = Shell::new(None);
    let m = open_market(&sh);
    let recipients: Vec<String> = (0..5).map(|i| sh.pubkey(&format!("r{i}"))).collect();
    let csv: String = recipients
        .iter()
        .enumerate()
        .map(|(i, r)| format!("{r},{}.5\n", i + 1))
        .collect();
    std::fs::write(sh.path("epoch.csv"), format!("recipient,amount\n{csv}")).unwrap();
    let proofs = sh.path("epoch.json");
    let built = sh.json(
        "employer",
        &[
            "merkle",
            "build",
            sh.path("epoch.csv").to_str().unwrap(),
            "--mint",
            &m.mint,
            "-o",
            proofs.to_str().unwrap(),
        ],
    );
    assert_eq!(built["leaves"], 5);
    assert_eq!(built["total"], "17.5");
    let spec = sh.path("spec.md");
    let task = s(&sh.json(
        "employer",
        &[
            "task",
            "create",
            "--mint",
            &m.mint,
            "--verifier",
            "merkle",
            "--reward",
            "20",
            "--spec",
            spec.to_str().unwrap(),
        ],
    )["task"]);
    let p = proofs.to_str().unwrap();
    sh.fails("employer", &["merkle", "push", &task, p], "another root");
    sh.json("employer", &["merkle", "publish", &task, p]);
    // r1 claims its own leaf, then the crank pays the rest and skips it.
    let own = sh.json("r1", &["merkle", "claim", &task, p]);
    assert_eq!(own["paid"], "2.5");
    // Opening recipients' token accounts costs the crank rent: only on request.
    let cautious = sh.json("employer", &["merkle", "push", &task, p]);
    assert_eq!(cautious["leaves_paid"], 0);
    assert_eq!(cautious["skipped_no_token_account"], 4);
    assert_eq!(cautious["rent_paid_sol"], "0");
    let pushed = sh.json(
        "employer",
        &["merkle", "push", &task, p, "--create-accounts"],
    );
    assert_eq!(pushed["leaves_paid"], 4);
    assert_eq!(pushed["already_paid"], 1);
    assert_eq!(pushed["token_accounts_created"], 4);
    assert_eq!(pushed["rent_paid_sol"], "0.00815712");
    let again = sh.json("employer", &["merkle", "push", &task, p]);
    assert_eq!(again["leaves_paid"], 0);
    assert_eq!(again["already_paid"], 5);
    assert_eq!(
        sh.json("employer", &["task", "show", &task])["merkle_claimed"],
        "17.5"
    );
    sh.fails("r1", &["merkle", "claim", &task, p], "transaction failed");
    // After the deadline the unspent budget (20.5 escrowed - 17.5 paid - 0.4375 fees) comes back.
    sh.fails(
        "employer",
        &["merkle", "clawback", &task],
        "transaction failed",
    );
    sh.json("employer", &["ledger", "warp", "8d"]);
    assert_eq!(
        sh.json("employer", &["merkle", "clawback", &task])["clawed_back"],
        "2.5625"
    );
    sh.fails("r2", &["merkle", "close-bitmaps", &task], "still open");
    sh.json("employer", &["task", "close", &task]);
    let bitmaps = sh.json("r2", &["merkle", "close-bitmaps", &task]);
    assert_eq!(bitmaps["bitmaps_closed"], 1);
    assert_eq!(
        sh.json("r2", &["merkle", "close-bitmaps", &task])["bitmaps_closed"],
        0
    );
}

#[test]
fn demo_pays_every_path() {
    let sh = Shell::new(None);
    let out = sh.json("demo", &["demo", "--contributors", "300"]);
    let paths = out["payout paths"].as_array().unwrap();
    assert_eq!(paths.len(), 5);
    for p in paths {
        assert!(p["payouts"].as_u64().unwrap() > 0, "{p}");
        assert!(p["CU per payout"].as_u64().unwrap() > 0, "{p}");
    }
    assert_eq!(out["epoch contributors paid"], 300);
    // the newcomer started from an empty wallet, was paid, never held a
    // lamport, and its sponsor's pool got the rent back
    let newcomer = &out["newcomer (started with 0 SOL and 0 tokens)"];
    assert_eq!(newcomer["earned"], "10", "{newcomer}");
    assert_eq!(newcomer["lamports held"], 0);
    assert_ne!(newcomer["rent lent by the sponsor's pool (SOL)"], "0");
    assert_eq!(
        newcomer["rent returned to the pool (SOL)"],
        newcomer["rent lent by the sponsor's pool (SOL)"]
    );
    // her work (claim and submit) and her closes: 2 transactions of 2 signatures
    assert_eq!(newcomer["sponsor's fees (SOL)"], "0.00002");
    assert!(
        !Path::new(&sh.path("ledger.bin")).exists(),
        "the demo never touches the saved ledger"
    );
}

#[test]
fn attested_work_and_market_upkeep() {
    let sh = Shell::new(None);
    let m = open_market(&sh);
    let attesters: Vec<String> = ["att1", "att2", "att3"]
        .iter()
        .map(|a| sh.pubkey(a))
        .collect();
    let mut update = vec!["market", "update", "--threshold", "2", "--pause"];
    for a in &attesters {
        update.extend(["--attester", a.as_str()]);
    }
    let paused = sh.json("employer", &update);
    assert_eq!(paused["paused"], true);
    assert_eq!(paused["attesters"].as_array().unwrap().len(), 3);
    sh.fails(
        "alice",
        &["market", "update", "--unpause"],
        "only the market authority",
    );
    sh.fails("alice", &["stake", "deposit", "150"], "paused");
    assert_eq!(
        sh.json("employer", &["market", "update", "--unpause"])["paused"],
        false
    );

    // 0.05 tokens per unit, 1,000 units escrowed.
    let depin = create_task(
        &sh,
        &m,
        &[
            "--verifier",
            "attested",
            "--reward",
            "0.05",
            "--slots",
            "1000",
        ],
    );
    sh.json("alice", &["stake", "deposit", "150"]);
    sh.json("alice", &["work", "claim", &depin]);
    sh.fails(
        "alice",
        &["work", "submit", &depin, "--result-hash", &"00".repeat(32)],
        "use `ilm attest submit`",
    );
    // Attesters sign at different moments, so they agree on an absolute expiry.
    let clock = sh.json("alice", &["ledger", "info"])["clock"]
        .as_i64()
        .unwrap();
    let expires_at = (clock + 3_600).to_string();
    let sign = |who: &str, units: &str| {
        let out = sh.path(&format!("{who}-{units}.json"));
        let args = [
            "attest",
            "sign",
            &depin,
            &m.alice,
            "--units",
            units,
            "--result-hash",
            &"cd".repeat(32),
            "--expires-at",
            &expires_at,
            "-o",
            out.to_str().unwrap(),
        ];
        sh.json(who, &args);
        out.to_str().unwrap().to_string()
    };
    let (a1, a2) = (sign("att1", "400"), sign("att2", "400"));
    // One signature is below the threshold of two.
    sh.fails(
        "alice",
        &["attest", "submit", &depin, "--attestation", &a1],
        "transaction failed",
    );
    let paid = sh.json(
        "employer",
        &[
            "attest",
            "submit",
            &depin,
            "--attestation",
            &a1,
            "--attestation",
            &a2,
        ],
    );
    assert_eq!(paid["paid"], "20");
    assert_eq!(paid["paid_units"], 400);
    let (b2, b3) = (sign("att2", "1000"), sign("att3", "1000"));
    sh.fails(
        "alice",
        &[
            "attest",
            "submit",
            &depin,
            "--attestation",
            &a1,
            "--attestation",
            &b3,
        ],
        "every attester must sign the same",
    );
    let more = sh.json(
        "alice",
        &[
            "attest",
            "submit",
            &depin,
            "--attestation",
            &b2,
            "--attestation",
            &b3,
        ],
    );
    assert_eq!(more["paid"], "30");

    // Funding, abandoning, cancelling, unstaking.
    let judged = create_task(&sh, &m, &["--bond", "20"]);
    assert_eq!(
        sh.json("employer", &["task", "fund", &judged, "1"])["slots"],
        3
    );
    sh.json("alice", &["work", "claim", &judged]);
    assert_eq!(sh.json("alice", &["stake", "show"])["locked"], "20");
    assert_eq!(
        sh.json("alice", &["work", "abandon", &judged])["status"],
        "abandoned"
    );
    let cancelled = sh.json("employer", &["task", "cancel", &judged]);
    assert_eq!(cancelled["status"], "cancelled");
    assert_eq!(cancelled["escrow"], "0");
    assert_eq!(
        sh.json("alice", &["stake", "unstake", "50"])["unstake_pending"],
        "50"
    );
    sh.fails("alice", &["stake", "withdraw"], "cooldown not over");
    sh.json("alice", &["ledger", "warp", "1d"]);
    let withdrawn = sh.json("alice", &["stake", "withdraw"]);
    assert_eq!(withdrawn["amount"], "100");
    assert_eq!(withdrawn["unstake_pending"], "0");

    // A lease that runs out: anyone expires it, half the bond goes to the employer.
    let leased = create_task(&sh, &m, &["--bond", "20", "--lease", "1h"]);
    sh.json("alice", &["work", "claim", &leased]);
    sh.fails(
        "employer",
        &["work", "expire", &leased, &m.alice],
        "transaction failed",
    );
    sh.json("alice", &["ledger", "warp", "2h"]);
    assert_eq!(
        sh.json("employer", &["work", "expire", &leased, &m.alice])["status"],
        "expired"
    );
    let stake = sh.json("alice", &["stake", "show"]);
    assert_eq!(stake["amount"], "90");
    assert_eq!(stake["expired"], 1);
}

#[test]
fn a_sponsor_funds_and_empties_its_pool_and_closes_a_record_it_paid_for() {
    let sh = Shell::new(None);
    open_market(&sh);
    let sponsor = sh.pubkey("sponsor");
    let funded = sh.json(
        "employer",
        &["sponsor", "fund", "0.5", "--sponsor", &sponsor],
    );
    assert_eq!(funded["pool_sol"], "0.5");
    let shown = sh.json("alice", &["sponsor", "show", &sponsor]);
    assert_eq!(
        (&shown["pool"], &shown["pool_sol"]),
        (&funded["pool"], &funded["pool_sol"])
    );
    sh.fails(
        "sponsor",
        &["sponsor", "withdraw", "0.6"],
        "your pool holds 0.5 SOL",
    );
    sh.fails(
        "sponsor",
        &["sponsor", "withdraw", "0.4999999"],
        "rent-exempt minimum",
    );
    assert_eq!(
        sh.json("sponsor", &["sponsor", "withdraw", "0.25"])["pool_sol"],
        "0.25"
    );
    assert_eq!(
        sh.json("sponsor", &["sponsor", "withdraw", "all"])["pool_sol"],
        "0"
    );

    // the sponsor pays for erin's record, which never earns: it takes the rent back
    let fee_payer = sh.keypair("sponsor");
    let open = [
        "--fee-payer",
        fee_payer.to_str().unwrap(),
        "stake",
        "deposit",
        "0",
    ];
    assert_eq!(sh.json("erin", &open)["rent_payer"], sponsor);
    let erin = sh.pubkey("erin");
    sh.fails(
        "alice",
        &["stake", "close", "--contributor", &erin],
        "Only the contributor, or the rent payer",
    );
    let closed = sh.json("sponsor", &["stake", "close", "--contributor", &erin]);
    assert_eq!(closed["rent_returned_to"], sponsor);
}

//! `make latency` (not in `make test`: the push takes minutes): a simple
//! command's wall time on an embedded ledger that holds a 50,000-recipient
//! Merkle epoch and its 50,000 token accounts. Every command loads and saves
//! the whole ledger file, so this is the file's cost to every user of it.
// Shared by the CLI tests; each uses part of it.
#[allow(dead_code)]
mod support;

use anchor_lang::prelude::Pubkey;
use std::time::{Duration, Instant};
use support::{s, Shell};

const RECIPIENTS: usize = 50_000;
/// The bound for a simple command after a large push.
const BOUND: Duration = Duration::from_millis(500);

#[test]
#[ignore = "minutes long: run by `make latency`"]
fn a_simple_command_stays_fast_after_a_50k_push() {
    let sh = Shell::new(None);
    let mint = s(&sh.json("employer", &["mint", "create"])["mint"]);
    let stake_mint = s(&sh.json("employer", &["mint", "create"])["mint"]);
    sh.json(
        "employer",
        &["market", "create", "--stake-mint", &stake_mint],
    );
    sh.json("employer", &["mint", "airdrop", &mint, "60000"]);
    let recipients: Vec<String> = (0..RECIPIENTS)
        .map(|_| Pubkey::new_unique().to_string())
        .collect();
    let (task, proofs) = sh.merkle_epoch(&mint, &recipients, 1);
    let p = proofs.to_str().unwrap();
    let started = Instant::now();
    let pushed = sh.json(
        "employer",
        &["merkle", "push", &task, p, "--create-accounts"],
    );
    let push = started.elapsed();
    assert_eq!(pushed["leaves_paid"], RECIPIENTS);
    let file = std::fs::metadata(sh.path("ledger.bin")).unwrap().len();

    let mut times: Vec<Duration> = (0..5)
        .map(|_| {
            let started = Instant::now();
            sh.json("employer", &["task", "show", &task]);
            started.elapsed()
        })
        .collect();
    times.sort();
    let median = times[times.len() / 2];
    println!(
        "push of {RECIPIENTS}: {:.1} s; ledger.bin {:.1} MB; `ilm task show`: median {} ms (min {} ms, max {} ms)",
        push.as_secs_f64(),
        file as f64 / 1e6,
        median.as_millis(),
        times[0].as_millis(),
        times[times.len() - 1].as_millis()
    );
    assert!(median < BOUND, "median {median:?} over {BOUND:?}");
}

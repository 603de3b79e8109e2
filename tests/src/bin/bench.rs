//! Compute units of every ilm instruction on the real `.so`, and the rent
//! each account locks: the table in BENCH.md. A benchmark, not a test: it
//! prints numbers and asserts nothing but success.
use ilm_client::ix;
use ilm_tests::*;
use solana_signer::Signer;
use std::collections::BTreeMap;

const STAKE: u64 = 150_000_000;

/// Runs every instruction once (twice where the first call also opens an
/// account) and returns `instruction -> CU`.
fn measure(flavor: Flavor) -> (BTreeMap<&'static str, u64>, Env) {
    let mut cu = BTreeMap::new();
    let mut env = Env::without_market(flavor);
    let authority = env.authority.insecure_clone();
    let params = default_params(env.fee_owner.pubkey());
    cu.insert(
        "create_market",
        env.ok(
            ix::create_market(&env.market, params.clone()),
            &[&authority],
        )
        .cu,
    );
    cu.insert(
        "update_market",
        env.ok(ix::update_market(&env.market, params, false), &[&authority])
            .cu,
    );

    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    let wallet = env.wallet(&employer.pubkey());
    let from = env.wallet(&employer.pubkey());
    let t1 = env.task_keys(&employer.pubkey(), 1);
    cu.insert(
        "create_task (employer record exists)",
        env.ok(ix::create_task(&t1, &from, default_task(1)), &[&employer])
            .cu,
    );
    let other = env.user();
    let t2 = env.task_keys(&other.pubkey(), 0);
    let from2 = env.wallet(&other.pubkey());
    cu.insert(
        "create_task (first task: opens employer record)",
        env.ok(ix::create_task(&t2, &from2, default_task(0)), &[&other])
            .cu,
    );
    cu.insert(
        "fund_task",
        env.ok(ix::fund_task(&t, &wallet, 2), &[&employer]).cu,
    );

    let [a, b, c, d, e] = [0; 5].map(|_| env.user());
    cu.insert("stake (opens stake record)", env.stake(&a, STAKE).cu);
    cu.insert("stake (top-up)", env.stake(&a, 1).cu);
    for u in [&b, &c, &d, &e] {
        env.stake(u, STAKE);
    }
    cu.insert("claim_task", env.claim(&t, &a).cu);
    cu.insert("submit_work", env.submit(&t, &a).cu);
    cu.insert(
        "approve_work (pays)",
        env.approve(&t, &employer, &a.pubkey()).cu,
    );
    env.claim(&t, &b);
    env.submit(&t, &b);
    cu.insert(
        "reject_work",
        env.ok(ix::reject_work(&t, &b.pubkey(), [1; 32]), &[&employer])
            .cu,
    );
    env.claim(&t, &c);
    cu.insert(
        "abandon_claim",
        env.ok(ix::abandon_claim(&t, &c.pubkey()), &[&c]).cu,
    );
    env.claim(&t, &d);
    env.claim(&t, &e);
    env.submit(&t, &e);
    env.warp(86_400);
    let slash_to = env.stake_wallet(&employer.pubkey());
    cu.insert(
        "expire_claim (slashes)",
        env.ok(
            ix::expire_claim(&t, &env.market, &d.pubkey(), &slash_to),
            &[],
        )
        .cu,
    );
    let to = env.wallet(&e.pubkey());
    cu.insert(
        "settle_work (pays)",
        env.ok(
            ix::settle_work(&t, &e.pubkey(), &to, &env.payer.pubkey()),
            &[],
        )
        .cu,
    );
    let fee_token = env.wallet(&env.fee_owner.pubkey());
    cu.insert(
        "collect_fees",
        env.ok(ix::collect_fees(&t, &fee_token), &[]).cu,
    );
    cu.insert(
        "cancel_task (refunds)",
        env.ok(ix::cancel_task(&t1, &wallet), &[&employer]).cu,
    );
    cu.insert(
        "request_unstake",
        env.ok(ix::request_unstake(&env.market, &c.pubkey(), STAKE), &[&c])
            .cu,
    );
    env.warp(86_400);
    let w = env.stake_wallet(&c.pubkey());
    cu.insert(
        "withdraw_stake",
        env.ok(ix::withdraw_stake(&env.market, &c.pubkey(), &w), &[&c])
            .cu,
    );
    env.warp_to(default_task(0).deadline + default_task(0).review_secs);
    cu.insert(
        "close_task (fees + refund + 2 closes)",
        env.ok(ix::close_task(&t, &wallet, &fee_token), &[&employer])
            .cu,
    );
    cu.insert(
        "close_claim",
        env.ok(ix::close_claim(&t.task, &a.pubkey()), &[]).cu,
    );
    (cu, env)
}

fn main() {
    let so = so_path();
    let size = std::fs::metadata(&so).expect("ilm.so").len();
    let (token, env) = measure(Flavor::Token);
    let (token22, _) = measure(Flavor::Token2022);
    println!("## Compute units per instruction\n");
    println!("`ilm.so`: {size} bytes (SBPF v3, built by scripts/sbf). One transaction per instruction, no");
    println!(
        "compute-budget instruction; \"Token\" is LiteSVM 0.16's default SPL Token (p-token).\n"
    );
    println!("| instruction | Token (CU) | Token-2022 (CU) |");
    println!("| --- | ---: | ---: |");
    for (name, cu) in &token {
        println!("| `{name}` | {cu} | {} |", token22[name]);
    }
    println!("\n## Rent locked per account\n");
    println!("| account | bytes | lamports | SOL |");
    println!("| --- | ---: | ---: | ---: |");
    let rows: [(&str, usize); 7] = [
        (
            "Market",
            8 + <ilm_client::Market as anchor_lang::Space>::INIT_SPACE,
        ),
        (
            "Task",
            8 + <ilm_client::Task as anchor_lang::Space>::INIT_SPACE,
        ),
        (
            "Employer",
            8 + <ilm_client::Employer as anchor_lang::Space>::INIT_SPACE,
        ),
        (
            "Stake",
            8 + <ilm_client::Stake as anchor_lang::Space>::INIT_SPACE,
        ),
        (
            "Claim (per contributor per task, returned by close_claim)",
            8 + <ilm_client::Claim as anchor_lang::Space>::INIT_SPACE,
        ),
        ("Token vault (task / stake, Token)", 165),
        (
            "Program (`ilm.so`, upgradeable: programdata)",
            size as usize + 45,
        ),
    ];
    for (name, bytes) in rows {
        let lamports = env.svm.minimum_balance_for_rent_exemption(bytes);
        println!(
            "| {name} | {bytes} | {lamports} | {:.6} |",
            lamports as f64 / 1e9
        );
    }
}

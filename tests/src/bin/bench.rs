//! Compute units of every ilm instruction on the real `.so`, and the rent
//! each account locks: the table in BENCH.md. A benchmark, not a test: it
//! prints numbers and asserts nothing but success (the payout paths'
//! ceilings are `make test`'s, `tests/tests/ceilings.rs`).
use ilm_tests::bench::measure;
use ilm_tests::*;

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
    let rows: [(&str, usize); 9] = [
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
            "Bitmap shard, 50,000 leaves (returned by close_bitmap)",
            ilm_client::ilm::state::Bitmap::space(50_000),
        ),
        (
            "Bitmap shard, 65,536 leaves (full)",
            ilm_client::ilm::state::Bitmap::space(65_536),
        ),
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

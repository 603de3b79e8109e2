//! `make bench`: writes BENCH.md from one run on the real `target/deploy`
//! binaries: every instruction's compute units, the payout paths against the
//! floor program (`bench/floor`) and their ceilings, transaction sizes, rent
//! per account and a whole 50,000-recipient epoch. A benchmark, not a test:
//! it asserts nothing but success (the ceilings are `make test`'s,
//! `tests/tests/ceilings.rs`). Every number in BENCH.md comes from here.
use ilm_tests::bench::{ceilings, epoch, measure, EpochRun};
use ilm_tests::floor::measure_floor;
use ilm_tests::*;
use std::fmt::Write;

const LAMPORTS_PER_SOL: f64 = 1e9;

fn sol(lamports: u64) -> String {
    format!("{:.6}", lamports as f64 / LAMPORTS_PER_SOL)
}

fn main() {
    let so = so_path();
    let size = std::fs::metadata(&so).expect("ilm.so").len();
    let floor_size = std::fs::metadata(ilm_tests::floor::floor_path())
        .expect("floor.so")
        .len();
    let token = measure(Flavor::Token);
    let token22 = measure(Flavor::Token2022);
    let floor = [
        measure_floor(Flavor::Token),
        measure_floor(Flavor::Token2022),
    ];
    let run = epoch(Flavor::Token, 50_000);
    let env = &token.env;
    let rent = |bytes: usize| env.svm.minimum_balance_for_rent_exemption(bytes);

    let mut md = String::new();
    let w = &mut md;
    let _ = writeln!(w, "# Benchmarks\n");
    let _ = writeln!(
        w,
        "Written by `make bench` (`tests/src/bin/bench.rs`) from one run on the real \
         `target/deploy/ilm.so` and `target/deploy/floor.so` in LiteSVM 0.16; nothing here is \
         edited by hand. \"Token\" is LiteSVM's default SPL Token (p-token). Numbers come from \
         this offline toolchain (upstream LLVM 22 + sbpf-linker, `scripts/sbf`); Solana's \
         platform-tools give different ones.\n"
    );

    let _ = writeln!(w, "## Payout paths against the floor\n");
    let _ = writeln!(
        w,
        "The floor (`bench/floor`, {floor_size} bytes) does each payout path's irreducible work \
         with no framework: the same accounts, the same key/owner/type checks and state writes, \
         the same SHA-256 inputs, ed25519 introspection and Merkle walk, the same PDA-signed \
         `transfer_checked` and events of the same size. Ceilings are `tests/src/ceilings.txt`, \
         enforced by `make test`.\n"
    );
    let _ = writeln!(
        w,
        "| payout path | ilm Token | floor Token | ratio | ilm Token-2022 | floor Token-2022 | ratio | ceiling Token / Token-2022 | ilm − floor (Token) |"
    );
    let _ = writeln!(
        w,
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for (name, ceiling, ceiling22) in ceilings() {
        let (i, f) = (token.cu[name], floor[0][name]);
        let (i22, f22) = (token22.cu[name], floor[1][name]);
        let _ = writeln!(
            w,
            "| `{name}` | {i} | {f} | {:.2}x | {i22} | {f22} | {:.2}x | {ceiling} / {ceiling22} | {} |",
            i as f64 / f as f64,
            i22 as f64 / f22 as f64,
            i - f
        );
    }
    let _ = writeln!(
        w,
        "\nWhat the difference is: Anchor's account loading (owner, discriminator and a full Borsh \
         copy of `Task`, `Claim`, `Stake`; `InterfaceAccount` unpacking of the mint and the \
         payee's token account), its exit serialization of every mutable account, the `Vec`s of \
         its CPI builder, and the dispatcher. The floor reads and writes fields in place.\n"
    );

    let _ = writeln!(w, "## Compute units per instruction\n");
    let _ = writeln!(
        w,
        "One transaction per instruction, no compute-budget instruction.\n"
    );
    let _ = writeln!(w, "| instruction | Token (CU) | Token-2022 (CU) |");
    let _ = writeln!(w, "| --- | ---: | ---: |");
    for (name, cu) in &token.cu {
        let _ = writeln!(w, "| `{name}` | {cu} | {} |", token22.cu[name]);
    }

    let _ = writeln!(w, "\n## Transaction size of each payout path\n");
    let _ = writeln!(
        w,
        "As benchmarked (a separate fee payer, no compute-budget instruction); a cluster takes \
         at most 1,232 bytes. The limits at the program's maxima are `tests/tests/sizes.rs`'s.\n"
    );
    let _ = writeln!(w, "| payout path | bytes | of 1,232 |");
    let _ = writeln!(w, "| --- | ---: | ---: |");
    for (name, bytes) in &token.bytes {
        let _ = writeln!(
            w,
            "| `{name}` | {bytes} | {:.0} % |",
            *bytes as f64 * 100.0 / 1232.0
        );
    }

    let _ = writeln!(w, "\n## Rent locked per account\n");
    let _ = writeln!(w, "| account | bytes | lamports | SOL |");
    let _ = writeln!(w, "| --- | ---: | ---: | ---: |");
    let space = |n: usize| n + 8;
    let rows: [(&str, usize); 9] = [
        (
            "Market",
            space(<ilm_client::Market as anchor_lang::Space>::INIT_SPACE),
        ),
        (
            "Task",
            space(<ilm_client::Task as anchor_lang::Space>::INIT_SPACE),
        ),
        (
            "Employer",
            space(<ilm_client::Employer as anchor_lang::Space>::INIT_SPACE),
        ),
        (
            "Stake",
            space(<ilm_client::Stake as anchor_lang::Space>::INIT_SPACE),
        ),
        (
            "Claim (per contributor per task, returned by close_claim)",
            space(<ilm_client::Claim as anchor_lang::Space>::INIT_SPACE),
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
        let lamports = rent(bytes);
        let _ = writeln!(w, "| {name} | {bytes} | {lamports} | {} |", sol(lamports));
    }
    let _ = writeln!(
        w,
        "\n`ilm.so` is {size} bytes: {} SOL to deploy (programdata rent).\n",
        sol(rent(size as usize + 45))
    );

    epoch_section(w, &run);
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../BENCH.md");
    std::fs::write(&path, &md).expect("write BENCH.md");
    print!("{md}");
}

fn epoch_section(w: &mut String, r: &EpochRun) {
    let _ = writeln!(w, "## A whole epoch: {} recipients\n", r.recipients);
    let _ = writeln!(
        w,
        "One Merkle epoch paid as the CLI's crank pays it (`ilm merkle push --create-accounts`): \
         one transaction per recipient, creating the recipient's token account (idempotent) \
         before `claim_merkle`, classic Token. The 1,000,000-recipient run is `make scale`.\n"
    );
    let _ = writeln!(w, "| | |");
    let _ = writeln!(w, "| --- | ---: |");
    let rows = [
        ("payout transactions", r.transactions.to_string()),
        ("total compute units", r.total_cu.to_string()),
        (
            "compute units per payout (mean / max, with the token account's creation)",
            format!("{} / {}", r.total_cu / r.transactions, r.max_cu),
        ),
        (
            "largest payout transaction (bytes)",
            r.max_bytes.to_string(),
        ),
        (
            "rent locked by ilm (task, vault, bitmap, employer record; SOL)",
            sol(r.ilm_rent),
        ),
        (
            "token-account rent paid by the crank (SOL)",
            sol(r.crank_token_rent),
        ),
        ("signature fees of the payouts (SOL)", sol(r.fees)),
        (
            "wall time in LiteSVM (s; payouts per second)",
            format!(
                "{:.1} ({:.0}/s)",
                r.wall.as_secs_f64(),
                r.recipients as f64 / r.wall.as_secs_f64()
            ),
        ),
        (
            "of which: Merkle proofs / building and signing / LiteSVM executing (s)",
            format!(
                "{:.1} / {:.1} / {:.1}",
                r.proofs.as_secs_f64(),
                r.signing.as_secs_f64(),
                r.executing.as_secs_f64()
            ),
        ),
    ];
    for (k, v) in rows {
        let _ = writeln!(w, "| {k} | {v} |");
    }
    let _ = writeln!(
        w,
        "\nThe recipients' token accounts are theirs (they can close them and take the rent \
         back); the crank pays them only because the recipients start with empty wallets. \
         ilm's own rent comes back to the employer and the crank when the task, vault and \
         bitmap close."
    );
}

//! The SBF toolchain's self-test (`scripts/sbf/i128_check`, from the shared
//! kit's example): 128-bit, overflow-checked and soft-float operations on
//! many operand pairs, each compared with the host's result, and a panic
//! through the patched std. Guards what `sbf-ir-fixup.py` rewrites.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use litesvm::LiteSVM;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;

const PROGRAM_ID: Pubkey = Pubkey::new_from_array([0x12; 32]);

/// A LiteSVM with the self-test deployed and a funded payer.
fn deployed() -> (LiteSVM, Keypair) {
    let mut svm = LiteSVM::new();
    svm.add_program_from_file(PROGRAM_ID, ilm_tests::deployed("i128_check.so"))
        .unwrap();
    let payer = Keypair::new_from_array([3; 32]);
    svm.airdrop(&payer.pubkey(), 100_000_000_000).unwrap();
    (svm, payer)
}

/// The host-side twin of scripts/sbf/i128_check/src/lib.rs.
fn expected(a: u128, b: u128) -> Vec<u128> {
    let (sa, sb) = (a as i128, b as i128);
    let (a64, b64) = (a as u64, b as u64);
    let sh = (b as u32) % 128;
    let (fa, fb) = ((a64 >> 11) as f64, (b64 >> 11) as f64 + 1.0);
    vec![
        a.wrapping_mul(b),
        a.checked_div(b).unwrap_or(0),
        a.checked_rem(b).unwrap_or(0),
        if sb != 0 && !(sa == i128::MIN && sb == -1) {
            (sa / sb) as u128
        } else {
            0
        },
        if sb != 0 && !(sa == i128::MIN && sb == -1) {
            (sa % sb) as u128
        } else {
            0
        },
        a << sh,
        a >> sh,
        (sa >> sh) as u128,
        a64.checked_mul(b64).map_or(u128::MAX, |v| v as u128),
        (a64 as i64)
            .checked_mul(b64 as i64)
            .map_or(u128::MAX, |v| v as u128),
        a.checked_mul(b).map_or(u128::MAX, |v| v),
        sa.checked_mul(sb).map_or(u128::MAX, |v| v as u128),
        (a64 as u128) * (b64 as u128),
        (fa * fb).to_bits() as u128,
        (fa / fb).to_bits() as u128,
        (fa + fb) as u64 as u128,
    ]
}

const NAMES: [&str; 16] = [
    "u128 wrapping_mul",
    "u128 /",
    "u128 %",
    "i128 /",
    "i128 %",
    "u128 <<",
    "u128 >>",
    "i128 >>",
    "u64 checked_mul",
    "i64 checked_mul",
    "u128 checked_mul",
    "i128 checked_mul",
    "u64 x u64 -> u128",
    "f64 *",
    "f64 /",
    "f64 + as u64",
];

#[test]
fn i128_ops_match_host() {
    let (mut svm, payer) = deployed();

    // edge cases + deterministic pseudo-random operands of mixed magnitudes
    let edges: [u128; 12] = [
        0,
        1,
        2,
        3,
        u64::MAX as u128,
        (u64::MAX as u128) + 1,
        u128::MAX,
        u128::MAX - 1,
        i128::MAX as u128,
        i128::MIN as u128,
        (-1i128) as u128,
        0xdead_beef_0000_0001_ffff_0000_1234_5678,
    ];
    let mut pairs = Vec::new();
    for &a in &edges {
        for &b in &edges {
            pairs.push((a, b));
        }
    }
    let mut s: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = || {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        s
    };
    for _ in 0..150 {
        let mut v = [0u128; 2];
        for x in v.iter_mut() {
            let hi = next() as u128;
            let lo = next() as u128;
            *x = match next() % 4 {
                0 => lo,                  // fits in u64
                1 => lo >> (next() % 64), // small
                2 => (hi << 64) | lo,     // full width
                _ => ((hi >> (next() % 64)) << 64) | lo,
            };
        }
        pairs.push((v[0], v[1]));
    }

    let mut max_cu = 0;
    for (a, b) in &pairs {
        let mut data = a.to_le_bytes().to_vec();
        data.extend_from_slice(&b.to_le_bytes());
        let ix = Instruction {
            program_id: PROGRAM_ID,
            accounts: vec![],
            data,
        };
        let tx = Transaction::new_signed_with_payer(
            &[ix],
            Some(&payer.pubkey()),
            &[&payer],
            svm.latest_blockhash(),
        );
        let meta = svm.send_transaction(tx).unwrap_or_else(|e| {
            panic!("a={a:#x} b={b:#x}: {:?}\n{}", e.err, e.meta.logs.join("\n"))
        });
        max_cu = max_cu.max(meta.compute_units_consumed);
        let got: Vec<u128> = meta
            .return_data
            .data
            .chunks(16)
            .map(|c| u128::from_le_bytes(c.try_into().unwrap()))
            .collect();
        let want = expected(*a, *b);
        assert_eq!(got.len(), want.len());
        for i in 0..want.len() {
            assert_eq!(
                got[i], want[i],
                "{} mismatch for a={a:#x} b={b:#x}",
                NAMES[i]
            );
        }
        svm.expire_blockhash();
    }
    println!(
        "i128_check: {} operand pairs x {} ops match the host (max {} CU per tx)",
        pairs.len(),
        NAMES.len(),
        max_cu
    );
}

#[test]
fn panic_goes_through_custom_panic() {
    let (mut svm, payer) = deployed();
    let ix = Instruction {
        program_id: PROGRAM_ID,
        accounts: vec![],
        data: vec![42],
    };
    let tx = Transaction::new_signed_with_payer(
        &[ix],
        Some(&payer.pubkey()),
        &[&payer],
        svm.latest_blockhash(),
    );
    let err = svm
        .send_transaction(tx)
        .expect_err("panic must fail the transaction");
    let logs = err.meta.logs.join("\n");
    println!("panic logs:\n{logs}");
    assert!(
        logs.contains("Program log: i128_check panic test"),
        "panic message not logged: {logs}"
    );
    assert!(logs.contains("i128_check/src/lib.rs"), "{logs}");
}

//! The deploy and market steps on the embedded ledger: a real upgradeable
//! loader deploying the real `ilm.so` under a fresh program id, then a market
//! created on the ilm program from a JSON config.
use anchor_lang::prelude::Pubkey;
use anchor_spl::token_2022::spl_token_2022;
use ilm_ledger::{program_so, Embedded, Ledger};
use ilm_migrate::{create_market, deploy, Deployed, MarketConfig, MigrateError, LOADER};
use solana_keypair::Keypair;
use solana_loader_v3_interface::get_program_data_address;
use solana_signer::Signer;
use solana_system_interface::instruction::create_account;

const SOL: u64 = 1_000_000_000;
/// Program data header: variant, slot, optional upgrade authority.
const PROGRAMDATA_HEADER: usize = 45;

fn ledger() -> Embedded {
    Embedded::in_memory(&program_so()).unwrap_or_else(|e| panic!("{e}"))
}

fn funded(ledger: &mut Embedded, lamports: u64) -> Keypair {
    let k = Keypair::new();
    ledger.airdrop(&k.pubkey(), lamports).unwrap();
    k
}

/// The program bytes and upgrade authority `program` runs.
fn deployed(ledger: &Embedded, program: &Pubkey) -> (Vec<u8>, Pubkey) {
    let account = ledger.account(program).unwrap().unwrap();
    assert!(account.executable);
    assert_eq!(account.owner, LOADER);
    let data = ledger
        .account(&get_program_data_address(program))
        .unwrap()
        .unwrap()
        .data;
    assert_eq!(data[12], 1, "an upgrade authority is set");
    let authority = Pubkey::try_from(&data[13..45]).unwrap();
    (data[PROGRAMDATA_HEADER..].to_vec(), authority)
}

/// `so` with one byte of a log message changed: still a valid program.
fn variant(so: &[u8]) -> Vec<u8> {
    let at = so
        .windows(9)
        .position(|w| w == b"Fee above")
        .expect("the FeeTooHigh message is in ilm.so");
    let mut changed = so.to_vec();
    changed[at + 8] = b'E';
    changed
}

#[test]
fn deploys_skips_and_upgrades() {
    let so = std::fs::read(program_so()).expect("ilm.so (run `make build` first)");
    let mut ledger = ledger();
    let payer = funded(&mut ledger, 100 * SOL);
    let program = Keypair::new();
    let mut steps = Vec::new();
    let outcome = deploy(&mut ledger, &payer, &program, &so, &mut |s| {
        steps.push(s.to_string())
    })
    .unwrap();
    assert_eq!(outcome, Deployed::Created);
    assert!(steps[0].starts_with("writing "), "{steps:?}");
    let (held, authority) = deployed(&ledger, &program.pubkey());
    assert_eq!(
        held.len(),
        2 * so.len(),
        "room for a program twice the size"
    );
    assert_eq!(&held[..so.len()], &so[..]);
    assert!(held[so.len()..].iter().all(|b| *b == 0));
    assert_eq!(authority, payer.pubkey());

    let balance = ledger.account(&payer.pubkey()).unwrap().unwrap().lamports;
    let again = deploy(&mut ledger, &payer, &program, &so, &mut |_| {}).unwrap();
    assert_eq!(again, Deployed::Unchanged);
    assert_eq!(
        ledger.account(&payer.pubkey()).unwrap().unwrap().lamports,
        balance,
        "nothing was sent"
    );

    // Other bytes: only the upgrade authority may replace them.
    let v2 = variant(&so);
    let stranger = funded(&mut ledger, 100 * SOL);
    match deploy(&mut ledger, &stranger, &program, &v2, &mut |_| {}) {
        Err(MigrateError::NotUpgradeAuthority { authority, .. }) => {
            assert_eq!(authority, Some(payer.pubkey()))
        }
        other => panic!("expected NotUpgradeAuthority, got {other:?}"),
    }
    let upgraded = deploy(&mut ledger, &payer, &program, &v2, &mut |_| {}).unwrap();
    assert_eq!(upgraded, Deployed::Upgraded);
    let (held, _) = deployed(&ledger, &program.pubkey());
    assert_eq!(&held[..v2.len()], &v2[..]);
    assert!(held[v2.len()..].iter().all(|b| *b == 0));

    // Larger than the room the first deployment made: refused before uploading.
    let mut huge = v2.clone();
    huge.resize(2 * so.len() + 1, 0);
    huge[2 * so.len()] = 1;
    match deploy(&mut ledger, &payer, &program, &huge, &mut |_| {}) {
        Err(e @ MigrateError::TooLarge { .. }) => {
            assert!(e.to_string().contains("solana program extend"))
        }
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[test]
fn an_address_that_is_not_a_program_is_refused() {
    let mut ledger = ledger();
    let payer = funded(&mut ledger, 10 * SOL);
    let taken = funded(&mut ledger, SOL);
    match deploy(&mut ledger, &payer, &taken, b"not an elf", &mut |_| {}) {
        Err(MigrateError::Occupied { program, owner }) => {
            assert_eq!(program, taken.pubkey());
            assert_eq!(owner, anchor_lang::system_program::ID);
        }
        other => panic!("expected Occupied, got {other:?}"),
    }
}

#[test]
fn a_bad_program_is_rejected_and_its_buffer_closed() {
    let mut ledger = ledger();
    let payer = funded(&mut ledger, 10 * SOL);
    let before = ledger.account(&payer.pubkey()).unwrap().unwrap().lamports;
    let err = deploy(
        &mut ledger,
        &payer,
        &Keypair::new(),
        &[7; 3_000],
        &mut |_| {},
    )
    .unwrap_err();
    assert!(
        matches!(err, MigrateError::Upload { closed: true, .. }),
        "{err:?}"
    );
    let after = ledger.account(&payer.pubkey()).unwrap().unwrap().lamports;
    assert!(
        before - after < SOL / 100,
        "only fees were spent: {}",
        before - after
    );
}

#[test]
fn creates_a_market_from_a_config() {
    let mut ledger = ledger();
    let authority = funded(&mut ledger, 10 * SOL);
    // A classic SPL Token mint (LiteSVM serves it with p-token).
    let mint = Keypair::new();
    let rent = ledger.minimum_balance(82).unwrap();
    let ixs = [
        create_account(
            &authority.pubkey(),
            &mint.pubkey(),
            rent,
            82,
            &anchor_spl::token::ID,
        ),
        spl_token_2022::instruction::initialize_mint2(
            &anchor_spl::token::ID,
            &mint.pubkey(),
            &authority.pubkey(),
            None,
            6,
        )
        .unwrap(),
    ];
    ledger.send(&ixs, &authority, &[&mint]).unwrap();

    let attester = Keypair::new().pubkey();
    let fee_owner = Keypair::new().pubkey();
    let config = MarketConfig::from_json(&format!(
        r#"{{
            "market_id": 7,
            "stake_mint": "{}",
            "min_stake": 100000000,
            "unstake_cooldown_secs": 86400,
            "slash_bps": 5000,
            "fee_bps": 250,
            "fee_owner": "{fee_owner}",
            "attesters": ["{attester}"],
            "attester_threshold": 1
        }}"#,
        mint.pubkey()
    ))
    .unwrap();
    let report = create_market(&mut ledger, &authority, &config).unwrap();
    assert!(report.created);
    assert_eq!(report.keys.token_program, anchor_spl::token::ID);
    let data = ledger.account(&report.keys.market).unwrap().unwrap().data;
    let market: ilm_client::Market = ilm_client::accounts::decode(&data).unwrap();
    assert_eq!(market.authority, authority.pubkey());
    assert_eq!(market.market_id, 7);
    assert_eq!(market.stake_mint, mint.pubkey());
    assert_eq!(market.min_stake, 100_000_000);
    assert_eq!(market.fee_bps, 250);
    assert_eq!(market.slash_bps, 5_000);
    assert_eq!(market.fee_owner, fee_owner);

    let again = create_market(&mut ledger, &authority, &config).unwrap();
    assert!(!again.created);
    assert_eq!(again.keys, report.keys);

    let missing = MarketConfig {
        stake_mint: Pubkey::new_unique(),
        ..config.clone()
    };
    assert!(matches!(
        create_market(&mut ledger, &authority, &missing),
        Err(MigrateError::Mint { .. })
    ));
    let err = MarketConfig::from_json(r#"{"market_id": 1, "stake_mint": "nope"}"#).unwrap_err();
    assert!(err.to_string().contains("nope"), "{err}");
}

#[test]
fn a_full_write_fills_a_packet_exactly() {
    use solana_compute_budget_interface::ComputeBudgetInstruction;
    let payer = Keypair::new();
    let chunk = ilm_migrate::chunk_len();
    let write = solana_loader_v3_interface::instruction::write(
        &Pubkey::new_unique(),
        &payer.pubkey(),
        u32::MAX,
        vec![0xff; chunk],
    );
    // The largest budget values an RPC ledger may put in front of a write.
    let instructions = [
        ComputeBudgetInstruction::set_compute_unit_limit(u32::MAX),
        ComputeBudgetInstruction::set_compute_unit_price(u64::MAX),
        write,
    ];
    let tx = solana_transaction::Transaction::new_with_payer(&instructions, Some(&payer.pubkey()));
    assert_eq!(bincode::serialized_size(&tx).unwrap(), 1232);
}

#[test]
fn the_example_config_parses() {
    let text = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/market.example.json"))
        .unwrap();
    let config = MarketConfig::from_json(&text).unwrap();
    assert!(config.fee_bps <= 1_000);
    assert_eq!(config.attesters.len(), 0);
    assert_eq!(config.params().freezable_mints, vec![config.stake_mint]);
}

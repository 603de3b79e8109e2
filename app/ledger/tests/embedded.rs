//! The embedded ledger: state saved after a command is there for the next,
//! the clock only moves forward, and a damaged file or missing program is a
//! clear error rather than a silently empty ledger.
use ilm_client::token::{self, MINT_LEN, TOKEN_PROGRAM};
use ilm_ledger::{program_so, Embedded, EmbeddedError, Ledger};
use solana_keypair::Keypair;
use solana_signer::Signer;
use tempfile::TempDir;

const SOL: u64 = 1_000_000_000;

#[test]
fn state_persists_between_opens() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("ledger.bin");
    let payer = Keypair::new();
    let mint = Keypair::new();
    let (before, slot_mint) = {
        let mut ledger = Embedded::open(&file, &program_so()).unwrap();
        ledger.ensure_deployed(&ilm_client::PROGRAM_ID).unwrap();
        ledger.airdrop(&payer.pubkey(), 10 * SOL).unwrap();
        let rent = ledger.minimum_balance(MINT_LEN).unwrap();
        let ixs = token::create_mint(
            &payer.pubkey(),
            &mint.pubkey(),
            &payer.pubkey(),
            6,
            &TOKEN_PROGRAM,
            rent,
        );
        let sent = ledger.send(&ixs, &payer, &[&mint]).unwrap();
        assert!(sent.compute_units > 0 && sent.fee > 0);
        ledger.warp(86_400).unwrap();
        ledger.save().unwrap();
        (ledger.unix_timestamp().unwrap(), ledger.transactions())
    };
    let mut again = Embedded::open(&file, &program_so()).unwrap();
    let info =
        token::mint_info(&again.account(&mint.pubkey()).unwrap().expect("mint kept")).unwrap();
    assert_eq!(info.decimals, 6);
    assert_eq!(info.mint_authority, Some(payer.pubkey()));
    assert!(
        again.unix_timestamp().unwrap() >= before,
        "the warp is kept"
    );
    assert_eq!(again.transactions(), slot_mint);
    let mints = again.program_accounts(&TOKEN_PROGRAM, &[]).unwrap();
    assert!(mints.iter().any(|(k, _)| *k == mint.pubkey()));
    // The program is the freshly built one, not a copy in the file.
    again.ensure_deployed(&ilm_client::PROGRAM_ID).unwrap();
    let stranger = Keypair::new();
    assert!(again.ensure_deployed(&stranger.pubkey()).is_err());
    // A payer with no SOL gets a message about funds, not a raw error.
    let err = again.send(&[], &stranger, &[]).unwrap_err();
    assert!(err.to_string().contains("cannot pay"), "{err}");
}

#[test]
fn damaged_file_and_missing_program_are_reported() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("ledger.bin");
    std::fs::write(&file, b"not a ledger").unwrap();
    match Embedded::open(&file, &program_so()) {
        Err(e @ EmbeddedError::Corrupt { .. }) => assert!(e.to_string().contains("ledger reset")),
        other => panic!("expected Corrupt, got {:?}", other.err()),
    }
    match Embedded::in_memory(&dir.path().join("nope.so")) {
        Err(e @ EmbeddedError::Program { .. }) => assert!(e.to_string().contains("make build")),
        other => panic!("expected Program, got {:?}", other.err()),
    }
}

/// Two commands on one ledger file run one after the other: the second
/// waits for the first to finish and builds on what it saved.
#[test]
fn concurrent_commands_wait_and_lose_nothing() {
    let dir = TempDir::new().unwrap();
    let file = dir.path().join("ledger.bin");
    let (a, b) = (Keypair::new().pubkey(), Keypair::new().pubkey());
    let mut first = Embedded::open(&file, &program_so()).unwrap();
    first.airdrop(&a, SOL).unwrap();
    let second = {
        let file = file.clone();
        std::thread::spawn(move || {
            let mut ledger = Embedded::open(&file, &program_so()).unwrap();
            ledger.airdrop(&b, 2 * SOL).unwrap();
            ledger.save().unwrap();
            ledger.account(&a).unwrap().map(|acc| acc.lamports)
        })
    };
    std::thread::sleep(std::time::Duration::from_millis(300));
    assert!(
        !second.is_finished(),
        "the second command waits for the lock"
    );
    first.save().unwrap();
    drop(first);
    assert_eq!(
        second.join().unwrap(),
        Some(SOL),
        "it saw the first one's state"
    );
    let after = Embedded::open(&file, &program_so()).unwrap();
    assert_eq!(after.account(&a).unwrap().unwrap().lamports, SOL);
    assert_eq!(after.account(&b).unwrap().unwrap().lamports, 2 * SOL);
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.contains("tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// The deployed-program check reads the upgradeable loader's layout and
/// names both hashes when the bytes differ (the zero padding a deployment
/// carries is covered by ilm-migrate's redeploy test).
#[test]
fn the_deployed_program_is_compared_with_the_carried_build() {
    use ilm_ledger::{program, LedgerError};
    let ledger = Embedded::in_memory(&program_so()).unwrap();
    let so = std::fs::read(program_so()).unwrap();
    let id = ilm_client::PROGRAM_ID;
    let deployment = program::deployment(&ledger, &id).unwrap();
    assert_ne!(deployment.data_account, id, "the program data account");
    assert_eq!(deployment.header, 45);
    assert!(deployment.slot.is_some());
    program::check_program(&ledger, &id, &deployment, &so).unwrap();
    let mut other = so.clone();
    other[so.len() / 2] ^= 1;
    match program::check_program(&ledger, &id, &deployment, &other) {
        Err(LedgerError::OtherProgram {
            deployed, carried, ..
        }) => {
            assert_eq!(deployed, program::elf_hash(&so));
            assert_eq!(carried, program::elf_hash(&other));
        }
        other => panic!("expected OtherProgram, got {other:?}"),
    }
    let nothing = Keypair::new().pubkey();
    assert!(matches!(
        program::deployment(&ledger, &nothing),
        Err(LedgerError::NotDeployed { .. })
    ));
    // An ordinary account (not executable) is not a program either.
    assert!(matches!(
        program::deployment(
            &ledger,
            &anchor_lang::pubkey!("SysvarC1ock11111111111111111111111111111111")
        ),
        Err(LedgerError::NotDeployed { .. })
    ));
}

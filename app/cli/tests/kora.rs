//! `make kora`: the sponsored path through a real Kora server (kora-cli
//! 2.2.0-beta.8, installed into target/kora by `scripts/kora/install.sh`)
//! running ilm's policy (`kora/kora.toml`) in front of the in-process RPC
//! server. A contributor with an empty wallet claims, delivers and is paid
//! with `ilm --relay`, the rent coming from the sponsor's pool and only the
//! fees from Kora's key; Kora refuses what the policy forbids, above all
//! funding any account with its key. Ignored by `make test`: building Kora
//! takes about 25 minutes. `KORA_CONFIG` runs it with another policy file.
#[path = "../../ledger/tests/support/rpc_server.rs"]
#[allow(dead_code)]
mod rpc_server;
#[allow(dead_code)]
mod support;

use anchor_lang::prelude::Pubkey;
use ilm_ledger::{offline, Ledger, Relay, RpcOptions};
use rpc_server::Server;
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::Shell;

/// What the test's Kora server asks of its callers (`x-api-key`).
const API_KEY: &str = "ilm-test-relay-key";

/// The repository root.
fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// A Kora server on a free port, stopped when dropped.
struct Kora {
    child: Child,
    url: String,
}

impl Drop for Kora {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Kora {
    /// `kora rpc start` with ilm's policy against `rpc_url`, signing with
    /// `sponsor`; its log goes to `log`. Waits until it answers.
    fn start(rpc_url: &str, sponsor: &Keypair, log: PathBuf) -> Kora {
        let bin = std::env::var_os("KORA_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo().join("target/kora/bin/kora"));
        assert!(
            bin.exists(),
            "{} missing: `make kora` installs it (scripts/kora/install.sh)",
            bin.display()
        );
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let out = std::fs::File::create(&log).unwrap();
        let config = std::env::var_os("KORA_CONFIG")
            .map(PathBuf::from)
            .unwrap_or_else(|| repo().join("kora/kora.toml"));
        let child = Command::new(bin)
            .arg("--config")
            .arg(config)
            .args(["--rpc-url", rpc_url, "rpc", "start", "--signers-config"])
            .arg(repo().join("kora/signers.toml"))
            .args(["--port", &port.to_string()])
            .env("KORA_PRIVATE_KEY", sponsor.to_base58_string())
            .env("KORA_API_KEY", API_KEY)
            .stdout(out.try_clone().unwrap())
            .stderr(out)
            .stdin(Stdio::null())
            .spawn()
            .expect("kora starts");
        let kora = Kora {
            child,
            url: format!("http://127.0.0.1:{port}"),
        };
        let started = Instant::now();
        loop {
            match Relay::new(&kora.url, Some(API_KEY.to_string())).payer() {
                Ok(payer) => {
                    assert_eq!(payer, sponsor.pubkey(), "kora signs with the sponsor's key");
                    return kora;
                }
                Err(e) if started.elapsed() > Duration::from_secs(60) => panic!(
                    "kora did not answer in 60 s ({e}); its log:\n{}",
                    std::fs::read_to_string(&log).unwrap_or_default()
                ),
                Err(_) => std::thread::sleep(Duration::from_millis(250)),
            }
        }
    }
}

#[test]
#[ignore = "needs kora-cli: make kora"]
fn an_empty_wallet_claims_delivers_and_is_paid_through_kora() {
    let server = Server::start();
    let c = Shell::new(Some(&server.url));
    let sponsor = Keypair::new();
    let mut rpc = server.rpc(RpcOptions::default());
    let employer: Pubkey = c.pubkey("employer").parse().unwrap();
    rpc.airdrop(&employer, 10_000_000_000).unwrap();
    rpc.airdrop(&sponsor.pubkey(), 1_000_000_000).unwrap();
    let kora = Kora::start(&server.url, &sponsor, c.path("kora.log"));
    let relay = ["--relay", kora.url.as_str()];
    // Kora is behind an API key: without it nothing is signed.
    let keyless = Relay::new(&kora.url, None).payer().map(|_| ());
    assert!(
        keyless.is_err(),
        "kora answered a caller without its API key"
    );
    // This binary runs one test; the `ilm` processes it starts read the key.
    std::env::set_var("ILM_RELAY_API_KEY", API_KEY);

    let (market, stake_mint, task) = c.newcomer_task();
    let lamports = |key: &Pubkey| server.lamports(key);
    let erin: Pubkey = c.pubkey("erin").parse().unwrap();
    // an empty pool: refused before Kora is asked
    c.fails(
        "erin",
        &[&relay[..], &["work", "claim", &task]].concat(),
        "ask its operator to fund it",
    );
    // the sponsor's pool, funded by anyone (here the employer)
    let key = sponsor.pubkey().to_string();
    let pool = ilm_client::pda::sponsor_pool(&sponsor.pubkey()).0;
    let funded = c.json("employer", &["sponsor", "fund", "0.1", "--sponsor", &key]);
    assert_eq!(funded["pool"], pool.to_string());
    assert_eq!(funded["pool_sol"], "0.1");
    let (sponsor_before, pool_before) = (lamports(&sponsor.pubkey()), lamports(&pool));

    // claim (the record opens with it) and deliver: Kora's key pays the
    // fees, its pool the rent
    let claimed = c.json("erin", &[&relay[..], &["work", "claim", &task]].concat());
    assert_eq!(claimed["status"], "leased");
    let hash = "ab".repeat(32);
    let submit = ["work", "submit", &task, "--result-hash", &hash];
    c.json("erin", &[&relay[..], &submit[..]].concat());
    let claims = c.json("employer", &["task", "claims", &task]);
    assert_eq!(claims["claims"][0]["newcomer"], true);
    assert_eq!(claims["claims"][0]["rent_payer"], pool.to_string());
    let sponsor_after = lamports(&sponsor.pubkey());
    let rent = lamports(&m_stake(&market, &erin)) + lamports(&claim_of(&task, &erin));
    assert_eq!(
        sponsor_before - sponsor_after,
        4 * 5_000,
        "Kora's key paid 2 fees of 2 signatures"
    );
    assert_eq!(
        pool_before - lamports(&pool),
        rent,
        "the pool paid both records' rent"
    );
    let paid = c.json("employer", &["review", "approve", &task, &erin.to_string()]);
    assert_eq!(paid["paid"], "10");
    assert_eq!(lamports(&erin), 0, "the newcomer never needed a lamport");
    println!(
        "kora: claim and submit of an empty wallet cost Kora's key {} lamports of fees and its pool {rent} lamports of rent (the stake record and the claim, back when they close)",
        sponsor_before - sponsor_after
    );

    // Kora refuses what the policy forbids, and nothing is sent
    let file = std::fs::read_to_string(c.keypair("erin")).unwrap();
    let bytes: Vec<u8> = serde_json::from_str(&file).unwrap();
    let erin_kp = Keypair::try_from(bytes.as_slice()).unwrap();
    let blockhash = rpc.blockhash().unwrap();
    // a stranger with no record yet
    let stranger = Keypair::new();
    let signed_by_erin = |ixs: &[anchor_lang::solana_program::instruction::Instruction]| {
        offline::sign_partial(
            ixs,
            &sponsor.pubkey(),
            &[&erin_kp, &stranger],
            &[],
            blockhash,
            (None, None),
        )
        .unwrap()
    };
    let k = Relay::new(&kora.url, Some(API_KEY.to_string()));
    let take_sol = system_transfer(&sponsor.pubkey(), &erin, 1_000_000);
    // an ilm instruction that succeeds: a stake of 0 into erin's record
    let m = ilm_client::ix::MarketKeys::new(
        employer,
        0,
        stake_mint.parse().unwrap(),
        ilm_client::token::TOKEN_PROGRAM,
    );
    assert_eq!(m.market.to_string(), market);
    let with_ilm = ilm_client::ix::stake(&m, &erin, &sponsor.pubkey(), None, 0);
    let sends = server.sends();
    k.sign(&signed_by_erin(std::slice::from_ref(&with_ilm)), &erin)
        .expect("kora signs a stake of 0 for erin");
    // the caller's own wallet (erin's, which holds nothing), created and
    // funded by Kora's key next to an ilm call
    let drain = system_create_account(&sponsor.pubkey(), &erin, 2_000_000);
    // ilm opening a record with Kora's own lamports instead of its pool's
    let own_rent = ilm_client::ix::stake(&m, &stranger.pubkey(), &sponsor.pubkey(), None, 0);
    // Kora refuses a use of its key by policy, or by its lamport cap
    // (20,000), whichever it checks first
    let key_used = ["Fee payer cannot be used for", "exceeds maximum allowed"];
    for (what, ixs, why) in [
        (
            "a wallet of the caller's funded by the sponsor's key",
            vec![with_ilm.clone(), drain],
            &key_used[..],
        ),
        (
            "a record whose rent the sponsor's key would pay",
            vec![own_rent],
            &key_used[..],
        ),
        (
            "a transfer of the sponsor's SOL",
            vec![with_ilm, take_sol.clone()],
            &key_used[..],
        ),
        (
            "a transaction without ilm",
            vec![take_sol],
            &["must call at least one of the required programs"][..],
        ),
    ] {
        let refused = k.sign(&signed_by_erin(&ixs), &erin).map(|_| ());
        let error = refused.expect_err(what).to_string();
        println!("kora refused {what}: {error}");
        assert!(why.iter().any(|w| error.contains(w)), "{what}: {error}");
    }
    // what a caller may have it sign with ilm moves the sponsor's lamports
    // only to the sponsor: its pool's withdrawal pays Kora's own key
    let withdraw = ilm_client::ix::withdraw_sponsor_pool(&sponsor.pubkey(), 1_000_000);
    k.sign(&signed_by_erin(&[withdraw]), &erin)
        .expect("kora signs the pool's withdrawal to its own key");
    assert_eq!(server.sends(), sends, "kora only signs: nothing was sent");
    assert_eq!(lamports(&sponsor.pubkey()), sponsor_after);
}

/// `owner`'s stake record in `market` (both base58).
fn m_stake(market: &str, owner: &Pubkey) -> Pubkey {
    ilm_client::pda::stake(&market.parse().unwrap(), owner).0
}

/// `owner`'s claim on `task` (base58).
fn claim_of(task: &str, owner: &Pubkey) -> Pubkey {
    ilm_client::pda::claim(&task.parse().unwrap(), owner).0
}

/// The System program's `CreateAccount` of a 0-byte system account at `to`
/// holding `lamports`, paid by `from`.
fn system_create_account(
    from: &Pubkey,
    to: &Pubkey,
    lamports: u64,
) -> anchor_lang::solana_program::instruction::Instruction {
    use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
    let mut data = 0u32.to_le_bytes().to_vec();
    data.extend_from_slice(&lamports.to_le_bytes());
    data.extend_from_slice(&0u64.to_le_bytes());
    data.extend_from_slice(Pubkey::default().as_ref());
    Instruction {
        program_id: Pubkey::default(),
        accounts: vec![AccountMeta::new(*from, true), AccountMeta::new(*to, true)],
        data,
    }
}

/// The System program's `Transfer` of `lamports` from `from` to `to`.
fn system_transfer(
    from: &Pubkey,
    to: &Pubkey,
    lamports: u64,
) -> anchor_lang::solana_program::instruction::Instruction {
    use anchor_lang::solana_program::instruction::{AccountMeta, Instruction};
    let mut data = 2u32.to_le_bytes().to_vec();
    data.extend_from_slice(&lamports.to_le_bytes());
    Instruction {
        program_id: Pubkey::default(),
        accounts: vec![AccountMeta::new(*from, true), AccountMeta::new(*to, false)],
        data,
    }
}

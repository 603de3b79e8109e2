//! Test fixture for the integration tests: a LiteSVM holding the SBF-built
//! `ilm.so`, token mints of either flavor, funded users, typed helpers for
//! every instruction (through `ilm-client`), clock warping, exact error
//! assertions and compute-unit capture.
use anchor_lang::prelude::{Clock, Pubkey};
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{AccountDeserialize, Discriminator};
use ilm_client::answer::{answer_hash, salt_hash};
use ilm_client::attest::{precompile_instruction, Attestation};
use ilm_client::ilm::instructions::SubmitAttestedArgs;
use ilm_client::ix::{self, MarketKeys, TaskKeys};
use ilm_client::{
    accounts::decode, Claim, Employer, IlmError, Market, MarketParams, Qualification, Stake, Task,
    Verifier,
};
use litesvm::LiteSVM;
use litesvm_token::spl_token::instruction::initialize_mint2;
use litesvm_token::{CreateAssociatedTokenAccount, MintTo};
pub use solana_instruction_error::InstructionError;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_system_interface::instruction::create_account;
use solana_transaction::Transaction;
use solana_transaction_error::TransactionError;
use std::path::PathBuf;

pub mod bench;
pub mod floor;

pub use ilm_client;
pub use ilm_client::ilm::instructions::CreateTaskArgs;

/// Which token program the mints belong to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Flavor {
    /// The classic SPL Token program id (LiteSVM serves it with p-token).
    Token,
    Token2022,
}

impl Flavor {
    pub fn program_id(self) -> Pubkey {
        match self {
            Flavor::Token => anchor_spl::token::ID,
            Flavor::Token2022 => anchor_spl::token_2022::ID,
        }
    }
}

/// The associated token account program.
pub const ATA_PROGRAM: Pubkey =
    anchor_lang::pubkey!("ATokenGPvbdGVxr1b2hvZbsiqW5xWH25efTNsLJA8knL");
/// Decimals of the test mints.
pub const DECIMALS: u8 = 6;
/// Tokens each user is minted at creation (of both mints).
pub const STARTING_TOKENS: u64 = 1_000_000_000;
/// Unix time the test clock starts at.
pub const T0: i64 = 1_800_000_000;

/// A successful transaction.
#[derive(Debug)]
pub struct Sent {
    pub cu: u64,
    /// The serialized transaction's size (a cluster takes at most 1,232).
    pub bytes: usize,
    pub logs: Vec<String>,
}

/// A failed transaction.
#[derive(Debug)]
pub struct Failed {
    pub err: TransactionError,
    pub logs: Vec<String>,
}

/// The built `ilm.so` (see [`ilm_ledger::program_so`] for where it is looked for).
pub fn so_path() -> PathBuf {
    built(ilm_ledger::program_so())
}

/// Another program `make build` writes next to `ilm.so` (`floor.so`, ...).
pub fn deployed(name: &str) -> PathBuf {
    built(so_path().with_file_name(name))
}

fn built(so: PathBuf) -> PathBuf {
    assert!(
        so.exists(),
        "{} not found: run `make build` first",
        so.display()
    );
    so
}

/// A default market: 100 tokens minimum stake, 1 day cooldown, 50 % slash, 2.5 % fee.
pub fn default_params(fee_owner: Pubkey) -> MarketParams {
    MarketParams {
        min_stake: 100_000_000,
        unstake_cooldown_secs: 86_400,
        slash_bps: 5_000,
        fee_bps: 250,
        fee_owner,
        attesters: vec![],
        attester_threshold: 0,
        freezable_mints: vec![],
    }
}

/// A Review task: 10 tokens per completion, 3 slots, 7 days, 1 hour leases,
/// 20 tokens bond, 1 day review window, open to everyone.
pub fn default_task(task_id: u64) -> CreateTaskArgs {
    CreateTaskArgs {
        task_id,
        reward: 10_000_000,
        max_completions: 3,
        deadline: T0 + 7 * 86_400,
        lease_secs: 3_600,
        bond: 20_000_000,
        newcomer_slots: 0,
        review_secs: 86_400,
        qualification: Qualification::default(),
        spec_hash: [7; 32],
        spec_uri: "ipfs://bafy-spec".to_string(),
        verifier: Verifier::Review,
    }
}

/// A Merkle task whose escrow covers `budget` plus its fee; `publish_root`
/// fills in the tree later.
pub fn merkle_task_args(task_id: u64, budget: u64) -> CreateTaskArgs {
    CreateTaskArgs {
        reward: budget,
        max_completions: 1,
        verifier: Verifier::Merkle {
            root: [0; 32],
            leaf_count: 0,
            total: 0,
            claimed: 0,
            published_at: 0,
        },
        bond: 0,
        newcomer_slots: 0,
        ..default_task(task_id)
    }
}

/// Attester `i` of the test markets: a fixed key.
pub fn attester(i: u8) -> Keypair {
    Keypair::new_from_array([200 + i; 32])
}

/// An Attested task: `units` funded units at `per_unit` base units each.
pub fn attested_task_args(task_id: u64, per_unit: u64, units: u32) -> CreateTaskArgs {
    CreateTaskArgs {
        reward: per_unit,
        max_completions: units,
        verifier: Verifier::Attested,
        ..default_task(task_id)
    }
}

/// A Preimage task's verifier for `answer`, salted with the employer's `salt`.
pub fn preimage_verifier(task: &Pubkey, salt: &[u8; 32], answer: &[u8]) -> Verifier {
    Verifier::Preimage {
        answer_hash: answer_hash(task, salt, answer),
        salt_hash: salt_hash(task, salt),
        salt: [0; 32],
        opened_at: 0,
    }
}

/// `[the ed25519 precompile with `signers`' signatures over `a`,
/// submit_attested(a)]` paying `to`: an Attested payout transaction.
pub fn attested_payout(
    t: &TaskKeys,
    a: &Attestation,
    to: &Pubkey,
    signers: &[&Keypair],
) -> [Instruction; 2] {
    let sigs: Vec<_> = signers.iter().map(|k| a.sign(k)).collect();
    let args = SubmitAttestedArgs {
        cumulative_units: a.cumulative_units,
        result_hash: a.result_hash,
        expires_at: a.expires_at,
    };
    [
        precompile_instruction(&sigs, &a.message()),
        ix::submit_attested(t, &a.contributor, to, args),
    ]
}

pub struct Env {
    pub svm: LiteSVM,
    pub flavor: Flavor,
    /// Pays fees and is the mint authority of both mints.
    pub payer: Keypair,
    pub mint: Pubkey,
    pub stake_mint: Pubkey,
    pub authority: Keypair,
    pub fee_owner: Keypair,
    pub market: MarketKeys,
    /// Every funded wallet owner, for conservation checks.
    owners: Vec<Pubkey>,
    next_seed: u8,
}

impl Env {
    /// A fresh ledger with `ilm.so`, two mints of `flavor` and a market.
    pub fn new(flavor: Flavor) -> Env {
        let mut env = Env::without_market(flavor);
        let params = default_params(env.fee_owner.pubkey());
        env.open_market(params);
        env
    }

    /// Like [`Env::new`] with the market parameters `change` makes.
    pub fn with_params(flavor: Flavor, change: impl FnOnce(&mut MarketParams)) -> Env {
        let mut env = Env::without_market(flavor);
        let mut params = default_params(env.fee_owner.pubkey());
        change(&mut params);
        env.open_market(params);
        env
    }

    fn open_market(&mut self, params: MarketParams) {
        let create = ix::create_market(&self.market, params);
        let authority = self.authority.insecure_clone();
        self.send(&[create], &[&authority]).expect("create_market");
    }

    /// Like [`Env::new`] with attesters `attester(0..n)`, `m` of them needed.
    pub fn attested(flavor: Flavor, m: u8, n: u8) -> Env {
        Env::with_params(flavor, |p| {
            p.attesters = (0..n).map(|i| attester(i).pubkey()).collect();
            p.attester_threshold = m;
        })
    }

    /// What attesters sign for `contributor`'s claim on `t` at `units`
    /// cumulative units: the market's domain, result `[5; 32]`, valid 10 minutes.
    pub fn attestation(&self, t: &TaskKeys, contributor: &Pubkey, units: u64) -> Attestation {
        Attestation {
            market: t.market,
            domain: self.market_state().domain,
            task: t.task,
            contributor: *contributor,
            cumulative_units: units,
            result_hash: [5; 32],
            expires_at: self.now() + 600,
        }
    }

    /// Like [`Env::new`] but the market is not created yet.
    pub fn without_market(flavor: Flavor) -> Env {
        let mut svm = LiteSVM::new();
        let so = so_path();
        svm.add_program_from_file(ilm_client::PROGRAM_ID, &so)
            .unwrap_or_else(|e| panic!("loading {} failed: {e:?}", so.display()));
        let mut clock: Clock = svm.get_sysvar();
        clock.unix_timestamp = T0;
        svm.set_sysvar(&clock);
        let payer = Keypair::new_from_array([1; 32]);
        svm.airdrop(&payer.pubkey(), 1_000_000_000_000).unwrap();
        let program = flavor.program_id();
        let mint = create_mint(&mut svm, &payer, [4; 32], &program, None);
        let stake_mint = create_mint(&mut svm, &payer, [5; 32], &program, None);
        let authority = Keypair::new_from_array([2; 32]);
        let fee_owner = Keypair::new_from_array([3; 32]);
        let market = MarketKeys::new(authority.pubkey(), 1, stake_mint, program);
        let mut env = Env {
            svm,
            flavor,
            payer,
            mint,
            stake_mint,
            authority: authority.insecure_clone(),
            fee_owner: fee_owner.insecure_clone(),
            market,
            owners: Vec::new(),
            next_seed: 10,
        };
        env.fund_user(&authority);
        env.fund_user(&fee_owner);
        env
    }

    /// A new funded user: SOL, token accounts for both mints, `STARTING_TOKENS` of each.
    pub fn user(&mut self) -> Keypair {
        let kp = Keypair::new_from_array([self.next_seed; 32]);
        self.next_seed += 1;
        self.fund_user(&kp);
        kp
    }

    /// A new user with an empty wallet: no lamports, no token account.
    pub fn newcomer(&mut self) -> Keypair {
        let kp = Keypair::new_from_array([self.next_seed; 32]);
        self.next_seed += 1;
        self.owners.push(kp.pubkey());
        kp
    }

    /// Lamports of `key` (0 when the account does not exist).
    pub fn lamports(&self, key: &Pubkey) -> u64 {
        self.svm.get_account(key).map_or(0, |a| a.lamports)
    }

    fn fund_user(&mut self, kp: &Keypair) {
        self.owners.push(kp.pubkey());
        self.svm.airdrop(&kp.pubkey(), 100_000_000_000).unwrap();
        for mint in [self.mint, self.stake_mint] {
            let ata = self.create_ata(&kp.pubkey(), &mint);
            MintTo::new(&mut self.svm, &self.payer, &mint, &ata, STARTING_TOKENS)
                .token_program_id(&self.flavor.program_id())
                .send()
                .expect("mint to user");
        }
    }

    /// Creates `owner`'s associated token account for `mint`.
    pub fn create_ata(&mut self, owner: &Pubkey, mint: &Pubkey) -> Pubkey {
        CreateAssociatedTokenAccount::new(&mut self.svm, &self.payer, mint)
            .owner(owner)
            .token_program_id(&self.flavor.program_id())
            .send()
            .expect("create ata")
    }

    /// A mint of this ledger's flavor at `[seed; 32]` whose freeze authority
    /// is `freezer`; `amount` minted to `holder`'s associated account.
    pub fn freezable_mint(
        &mut self,
        seed: u8,
        freezer: &Pubkey,
        holder: &Pubkey,
        amount: u64,
    ) -> Pubkey {
        let program = self.flavor.program_id();
        let mint = create_mint(
            &mut self.svm,
            &self.payer,
            [seed; 32],
            &program,
            Some(freezer),
        );
        let account = self.create_ata(holder, &mint);
        MintTo::new(&mut self.svm, &self.payer, &mint, &account, amount)
            .token_program_id(&program)
            .send()
            .expect("mint to holder");
        mint
    }

    /// `owner`'s associated token account for `mint`.
    pub fn ata(&self, owner: &Pubkey, mint: &Pubkey) -> Pubkey {
        let program = self.flavor.program_id();
        let seeds: &[&[u8]] = &[owner.as_ref(), program.as_ref(), mint.as_ref()];
        Pubkey::find_program_address(seeds, &ATA_PROGRAM).0
    }

    /// Reward-mint token account of `owner`.
    pub fn wallet(&self, owner: &Pubkey) -> Pubkey {
        self.ata(owner, &self.mint)
    }

    /// Stake-mint token account of `owner`.
    pub fn stake_wallet(&self, owner: &Pubkey) -> Pubkey {
        self.ata(owner, &self.stake_mint)
    }

    /// Token balance of a token account (0 when it does not exist).
    pub fn balance(&self, token_account: &Pubkey) -> u64 {
        match self.svm.get_account(token_account) {
            Some(a) if a.data.len() >= 72 => u64::from_le_bytes(a.data[64..72].try_into().unwrap()),
            _ => 0,
        }
    }

    /// Sends one transaction paid by `payer` and signed by `signers`. A fresh
    /// blockhash each time, so identical transactions can be sent twice.
    pub fn send(&mut self, ixs: &[Instruction], signers: &[&Keypair]) -> Result<Sent, Failed> {
        let payer = self.payer.insecure_clone();
        self.send_paid_by(&payer, ixs, signers)
    }

    /// Sends one transaction whose fees `fee_payer` pays (a sponsor), signed
    /// by it and `signers`.
    pub fn send_paid_by(
        &mut self,
        fee_payer: &Keypair,
        ixs: &[Instruction],
        signers: &[&Keypair],
    ) -> Result<Sent, Failed> {
        self.svm.expire_blockhash();
        let mut all: Vec<&Keypair> = vec![fee_payer];
        all.extend(signers.iter().filter(|k| k.pubkey() != fee_payer.pubkey()));
        let tx = Transaction::new_signed_with_payer(
            ixs,
            Some(&fee_payer.pubkey()),
            &all,
            self.svm.latest_blockhash(),
        );
        // LiteSVM runs transactions a cluster refuses for their size; a test
        // must not pass on one.
        if let Err(e) = ilm_ledger::check_size(&tx) {
            panic!("{e}: {ixs:#?}");
        }
        let bytes = bincode::serialized_size(&tx).expect("serializes") as usize;
        match self.svm.send_transaction(tx) {
            Ok(meta) => Ok(Sent {
                cu: meta.compute_units_consumed,
                bytes,
                logs: meta.logs,
            }),
            Err(e) => Err(Failed {
                err: e.err,
                logs: e.meta.logs,
            }),
        }
    }

    /// Sends and panics with the logs on failure.
    pub fn ok(&mut self, ix: Instruction, signers: &[&Keypair]) -> Sent {
        match self.send(&[ix], signers) {
            Ok(s) => s,
            Err(f) => panic!("transaction failed: {:?}\n{}", f.err, f.logs.join("\n")),
        }
    }

    /// Sends and asserts the instruction failed with `InstructionError::Custom(code)`.
    pub fn fails_with(&mut self, ix: Instruction, signers: &[&Keypair], code: u32) {
        self.fails_with_error(ix, signers, InstructionError::Custom(code));
    }

    /// Sends and asserts an ilm error.
    pub fn fails(&mut self, ix: Instruction, signers: &[&Keypair], e: IlmError) {
        self.fails_with(ix, signers, ilm_client::error_code(e));
    }

    /// Sends and asserts an Anchor framework error.
    pub fn fails_anchor(
        &mut self,
        ix: Instruction,
        signers: &[&Keypair],
        e: anchor_lang::error::ErrorCode,
    ) {
        self.fails_with(ix, signers, e as u32);
    }

    /// Sends and asserts the given instruction error.
    pub fn fails_with_error(
        &mut self,
        ix: Instruction,
        signers: &[&Keypair],
        want: InstructionError,
    ) {
        self.fails_at(&[ix], signers, 0, want);
    }

    /// Sends several instructions and asserts instruction `index` failed with `want`.
    pub fn fails_at(
        &mut self,
        ixs: &[Instruction],
        signers: &[&Keypair],
        index: u8,
        want: InstructionError,
    ) {
        assert_failed_at(self.send(ixs, signers), index, want);
    }

    /// Writes an initialized token account of `mint` owned by `owner` at
    /// `key`, without a transaction: how the 50,000-recipient test gives every
    /// recipient an account quickly.
    pub fn raw_token_account(&mut self, key: Pubkey, owner: &Pubkey, mint: &Pubkey) {
        let mut data = vec![0u8; 165];
        data[..32].copy_from_slice(mint.as_ref());
        data[32..64].copy_from_slice(owner.as_ref());
        data[108] = 1; // AccountState::Initialized
        let account = solana_account::Account {
            lamports: self.svm.minimum_balance_for_rent_exemption(165),
            data,
            owner: self.flavor.program_id(),
            executable: false,
            rent_epoch: 0,
        };
        self.svm
            .set_account(key, account)
            .expect("set token account");
    }

    /// Moves the clock forward by `secs` (and one slot).
    pub fn warp(&mut self, secs: i64) {
        let mut clock: Clock = self.svm.get_sysvar();
        clock.unix_timestamp += secs;
        clock.slot += 1;
        self.svm.set_sysvar(&clock);
    }

    /// Moves the clock to `unix_timestamp`.
    pub fn warp_to(&mut self, unix_timestamp: i64) {
        let now = self.now();
        self.warp(unix_timestamp - now);
    }

    pub fn now(&self) -> i64 {
        self.svm.get_sysvar::<Clock>().unix_timestamp
    }

    /// Decodes an ilm account; `None` when it does not exist.
    pub fn try_account<T: AccountDeserialize + Discriminator>(&self, key: &Pubkey) -> Option<T> {
        let a = self.svm.get_account(key)?;
        if a.data.is_empty() {
            return None;
        }
        Some(decode::<T>(&a.data).expect("decode ilm account"))
    }

    fn account<T: AccountDeserialize + Discriminator>(&self, key: &Pubkey) -> T {
        self.try_account(key)
            .unwrap_or_else(|| panic!("account {key} missing"))
    }

    pub fn market_state(&self) -> Market {
        self.account(&self.market.market)
    }

    pub fn task_state(&self, t: &TaskKeys) -> Task {
        self.account(&t.task)
    }

    pub fn claim_state(&self, t: &TaskKeys, contributor: &Pubkey) -> Claim {
        self.account(&t.claim(contributor))
    }

    pub fn stake_state(&self, contributor: &Pubkey) -> Stake {
        self.account(&self.market.stake(contributor))
    }

    pub fn employer_state(&self, t: &TaskKeys) -> Employer {
        self.account(&t.employer_record())
    }

    /// Keys of task `task_id` posted by `employer` in the market with the reward mint.
    pub fn task_keys(&self, employer: &Pubkey, task_id: u64) -> TaskKeys {
        TaskKeys::new(
            self.market.market,
            *employer,
            task_id,
            self.mint,
            self.flavor.program_id(),
        )
    }

    /// Creates a task from `args` (its `task_id` picks the address).
    pub fn create_task(&mut self, employer: &Keypair, args: CreateTaskArgs) -> TaskKeys {
        let t = self.task_keys(&employer.pubkey(), args.task_id);
        let from = self.wallet(&employer.pubkey());
        self.ok(ix::create_task(&t, &from, args), &[employer]);
        t
    }

    /// Stakes `amount` for `contributor`.
    pub fn stake(&mut self, contributor: &Keypair, amount: u64) -> Sent {
        let from = self.stake_wallet(&contributor.pubkey());
        let me = contributor.pubkey();
        let ix = ix::stake(&self.market, &me, &me, Some(&from), amount);
        self.ok(ix, &[contributor])
    }

    /// A funded contributor with `amount` staked.
    pub fn staked_user(&mut self, amount: u64) -> Keypair {
        let u = self.user();
        self.stake(&u, amount);
        u
    }

    pub fn claim(&mut self, t: &TaskKeys, contributor: &Keypair) -> Sent {
        let ix = ix::claim_task(t, &contributor.pubkey(), &contributor.pubkey());
        self.ok(ix, &[contributor])
    }

    pub fn submit(&mut self, t: &TaskKeys, contributor: &Keypair) -> Sent {
        let ix = ix::submit_work(t, &contributor.pubkey(), [9; 32], "ipfs://result".into());
        self.ok(ix, &[contributor])
    }

    pub fn approve(&mut self, t: &TaskKeys, employer: &Keypair, contributor: &Pubkey) -> Sent {
        let to = self.wallet(contributor);
        self.ok(ix::approve_work(t, contributor, &to), &[employer])
    }

    /// A Token-2022 mint (decimals 6, authority `payer`) carrying the given
    /// TLV extensions `(type, value)`, written straight into the ledger: how
    /// tests get mints with extensions the program must refuse.
    pub fn mint_with_extensions(&mut self, extensions: &[(u16, Vec<u8>)]) -> Pubkey {
        let mut data = vec![0u8; 165];
        data[0] = 1; // mint authority: Some(payer)
        data[4..36].copy_from_slice(self.payer.pubkey().as_ref());
        data[44] = DECIMALS;
        data[45] = 1; // initialized
        data.push(1); // account type: Mint
        for (kind, value) in extensions {
            data.extend_from_slice(&kind.to_le_bytes());
            data.extend_from_slice(&(value.len() as u16).to_le_bytes());
            data.extend_from_slice(value);
        }
        let key = Keypair::new_from_array([self.next_seed; 32]).pubkey();
        self.next_seed += 1;
        let account = solana_account::Account {
            lamports: self.svm.minimum_balance_for_rent_exemption(data.len()),
            data,
            owner: anchor_spl::token_2022::ID,
            executable: false,
            rent_epoch: 0,
        };
        self.svm.set_account(key, account).expect("set mint");
        key
    }

    /// Asserts no token was created or lost: for both mints, the users'
    /// wallets, the stake vault and the given task vaults hold the whole
    /// supply, which never grows (it shrinks only by burned slashes).
    pub fn assert_conserved(&self, vaults: &[Pubkey]) {
        for mint in [self.mint, self.stake_mint] {
            let wallets: u64 = self
                .owners
                .iter()
                .map(|o| self.balance(&self.ata(o, &mint)))
                .sum();
            let of_mint = |v: &&Pubkey| {
                self.svm
                    .get_account(v)
                    .is_some_and(|a| a.data.len() >= 72 && a.data[..32] == mint.to_bytes())
            };
            let vaults: u64 = vaults
                .iter()
                .chain([&self.market.stake_vault])
                .filter(of_mint)
                .map(|v| self.balance(v))
                .sum();
            let supply = u64::from_le_bytes(
                self.svm.get_account(&mint).unwrap().data[36..44]
                    .try_into()
                    .unwrap(),
            );
            assert_eq!(wallets + vaults, supply, "tokens of {mint} not conserved");
            // nothing is minted; the slash of a wrong Preimage answer is burned
            assert!(supply <= STARTING_TOKENS * self.owners.len() as u64);
        }
    }
}

/// A market, an employer's default task, and a contributor (150 tokens
/// staked) holding a lease on it: where most instruction tests start.
pub fn leased(flavor: Flavor) -> (Env, Keypair, TaskKeys, Keypair) {
    let mut env = Env::new(flavor);
    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    let u = env.staked_user(150_000_000);
    env.claim(&t, &u);
    (env, employer, t, u)
}

/// A mint at a fixed address (so PDA bumps and compute units repeat run to
/// run), decimals `DECIMALS`, mint authority `payer`, freeze authority `freezer`.
fn create_mint(
    svm: &mut LiteSVM,
    payer: &Keypair,
    seed: [u8; 32],
    program: &Pubkey,
    freezer: Option<&Pubkey>,
) -> Pubkey {
    let mint = Keypair::new_from_array(seed);
    let len = 82;
    let ixs = [
        create_account(
            &payer.pubkey(),
            &mint.pubkey(),
            svm.minimum_balance_for_rent_exemption(len),
            len as u64,
            program,
        ),
        initialize_mint2(program, &mint.pubkey(), &payer.pubkey(), freezer, DECIMALS).unwrap(),
    ];
    let tx = Transaction::new_signed_with_payer(
        &ixs,
        Some(&payer.pubkey()),
        &[payer, &mint],
        svm.latest_blockhash(),
    );
    svm.send_transaction(tx).expect("create mint");
    mint.pubkey()
}

/// Asserts a sent transaction failed at instruction `index` with `want`.
pub fn assert_failed_at(sent: Result<Sent, Failed>, index: u8, want: InstructionError) {
    match sent {
        Ok(_) => panic!("expected {want:?}, but the transaction succeeded"),
        Err(Failed {
            err: TransactionError::InstructionError(at, got),
            logs,
        }) => assert_eq!((at, got), (index, want), "logs:\n{}", logs.join("\n")),
        Err(f) => panic!("expected {want:?}, got {:?}\n{}", f.err, f.logs.join("\n")),
    }
}

/// Replaces every account meta whose key is `from` by `to`, keeping its
/// signer and writable flags: how a test swaps in a wrong account.
pub fn swap(mut ix: Instruction, from: &Pubkey, to: &Pubkey) -> Instruction {
    for m in ix.accounts.iter_mut().filter(|m| m.pubkey == *from) {
        m.pubkey = *to;
    }
    ix
}

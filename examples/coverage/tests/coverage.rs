//! The coverage network (examples/coverage) against the real ilm.so, both
//! programs loaded in one LiteSVM: its treasury PDA posts, funds and pays
//! ilm tasks by CPI, and its hotspot gate reads ilm records safely. The
//! compute units of each CPI path are printed (`--nocapture`) and bounded.
use anchor_lang::error::{ErrorCode, ERROR_CODE_OFFSET};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use anchor_lang::{AccountSerialize, InstructionData, ToAccountMetas};
use coverage::{CoverageError, Hotspot, Network, PostTaskArgs};
use ilm_client::attest::precompile_instruction;
use ilm_client::ilm::instructions::SubmitAttestedArgs;
use ilm_client::ix::{self, MarketKeys, TaskKeys};
use ilm_client::{pda, IlmError, Qualification, Stake};
use ilm_tests::{
    attested_task_args, attester, default_params, so_path, Env, Flavor, InstructionError,
};
use litesvm_token::MintTo;
use solana_account::Account;
use solana_keypair::Keypair;
use solana_signer::Signer;

const REWARD: u64 = 1_000_000;
const UNITS: u32 = 50;
const TREASURY_TOKENS: u64 = 1_000_000_000;

/// What a hotspot owner needs: one completed task, at most 20 % rejected.
const GATE: Qualification = Qualification {
    min_completed: 1,
    max_reject_bps: 2_000,
};

fn code(e: CoverageError) -> u32 {
    ERROR_CODE_OFFSET + e as u32
}

struct Net {
    env: Env,
    operator: Keypair,
    network: Pubkey,
    treasury: Pubkey,
    treasury_token: Pubkey,
}

/// `init_network` by `operator` on `env`'s market, with the network and
/// treasury addresses.
fn init_network(
    env: &Env,
    operator: &Pubkey,
    gate: Qualification,
) -> (Instruction, Pubkey, Pubkey) {
    let network =
        Pubkey::find_program_address(&[coverage::NETWORK_SEED, operator.as_ref()], &coverage::ID).0;
    let treasury =
        Pubkey::find_program_address(&[coverage::TREASURY_SEED, network.as_ref()], &coverage::ID).0;
    let init = Instruction {
        program_id: coverage::ID,
        accounts: coverage::accounts::InitNetwork {
            authority: *operator,
            market: env.market.market,
            network,
            treasury,
            system_program: anchor_lang::system_program::ID,
        }
        .to_account_metas(None),
        data: coverage::instruction::InitNetwork { gate }.data(),
    };
    (init, network, treasury)
}

/// `env` with the coverage program loaded beside ilm.
fn load_coverage(env: &mut Env) {
    let so = so_path().with_file_name("coverage.so");
    env.svm
        .add_program_from_file(coverage::ID, &so)
        .unwrap_or_else(|e| panic!("loading {} failed: {e:?} (run `make build`)", so.display()));
}

impl Net {
    /// An attested market (attester(0), 1 of 1), the coverage program
    /// beside ilm, and a network whose treasury holds SOL and tokens.
    fn new(flavor: Flavor) -> Net {
        let mut env = Env::attested(flavor, 1, 1);
        load_coverage(&mut env);
        let operator = env.user();
        let (init, network, treasury) = init_network(&env, &operator.pubkey(), GATE);
        env.ok(init, &[&operator]);
        env.svm.airdrop(&treasury, 1_000_000_000).unwrap();
        let mint = env.mint;
        let treasury_token = env.create_ata(&treasury, &mint);
        MintTo::new(
            &mut env.svm,
            &env.payer,
            &mint,
            &treasury_token,
            TREASURY_TOKENS,
        )
        .token_program_id(&flavor.program_id())
        .send()
        .unwrap();
        Net {
            env,
            operator,
            network,
            treasury,
            treasury_token,
        }
    }

    fn task(&self, task_id: u64) -> TaskKeys {
        self.env.task_keys(&self.treasury, task_id)
    }

    fn network_state(&self) -> Network {
        self.env.try_account(&self.network).expect("network")
    }

    fn post_task(&self, signer: &Pubkey, units: u32) -> Instruction {
        let t = self.task(self.network_state().tasks_posted);
        let a = attested_task_args(0, REWARD, units);
        Instruction {
            program_id: coverage::ID,
            accounts: coverage::accounts::PostTask {
                authority: *signer,
                network: self.network,
                treasury: self.treasury,
                market: t.market,
                employer_record: t.employer_record(),
                task: t.task,
                mint: t.mint,
                vault: t.vault,
                treasury_token: self.treasury_token,
                token_program: t.token_program,
                system_program: anchor_lang::system_program::ID,
                ilm_program: ilm_client::PROGRAM_ID,
            }
            .to_account_metas(None),
            data: coverage::instruction::PostTask {
                args: PostTaskArgs {
                    reward: a.reward,
                    units: a.max_completions,
                    deadline: a.deadline,
                    lease_secs: a.lease_secs,
                    bond: a.bond,
                    spec_hash: a.spec_hash,
                    spec_uri: a.spec_uri,
                },
            }
            .data(),
        }
    }

    fn fund_task(&self, t: &TaskKeys, units: u32) -> Instruction {
        Instruction {
            program_id: coverage::ID,
            accounts: coverage::accounts::FundTask {
                authority: self.operator.pubkey(),
                network: self.network,
                treasury: self.treasury,
                market: t.market,
                task: t.task,
                mint: t.mint,
                vault: t.vault,
                treasury_token: self.treasury_token,
                token_program: t.token_program,
                ilm_program: ilm_client::PROGRAM_ID,
            }
            .to_account_metas(None),
            data: coverage::instruction::FundTask { units }.data(),
        }
    }

    /// The attester's signatures, then `pay_coverage` relaying them.
    fn pay(
        &self,
        t: &TaskKeys,
        contributor: &Pubkey,
        units: u64,
        signer: &Keypair,
    ) -> [Instruction; 2] {
        let a = self.env.attestation(t, contributor, units);
        let to = self.env.wallet(contributor);
        let pay = Instruction {
            program_id: coverage::ID,
            accounts: coverage::accounts::PayCoverage {
                network: self.network,
                market: t.market,
                task: t.task,
                claim: t.claim(contributor),
                stake: t.stake(contributor),
                mint: t.mint,
                vault: t.vault,
                contributor_token: to,
                instructions: ix::INSTRUCTIONS_SYSVAR,
                token_program: t.token_program,
                ilm_program: ilm_client::PROGRAM_ID,
            }
            .to_account_metas(None),
            data: coverage::instruction::PayCoverage {
                args: SubmitAttestedArgs {
                    cumulative_units: a.cumulative_units,
                    result_hash: a.result_hash,
                    expires_at: a.expires_at,
                },
            }
            .data(),
        };
        [precompile_instruction(&[a.sign(signer)], &a.message()), pay]
    }

    fn register(&self, owner: &Pubkey, record: &Pubkey) -> Instruction {
        Instruction {
            program_id: coverage::ID,
            accounts: coverage::accounts::RegisterHotspot {
                owner: *owner,
                network: self.network,
                record: *record,
                hotspot: hotspot(&self.network, owner),
                system_program: anchor_lang::system_program::ID,
            }
            .to_account_metas(None),
            data: coverage::instruction::RegisterHotspot {}.data(),
        }
    }

    /// A contributor with one attested task paid through the network.
    fn paid_contributor(&mut self, t: &TaskKeys) -> Keypair {
        let u = self.env.staked_user(150_000_000);
        self.env.claim(t, &u);
        let pay = self.pay(t, &u.pubkey(), 5, &attester(0));
        self.env.send(&pay, &[]).expect("pay_coverage");
        u
    }
}

fn hotspot(network: &Pubkey, owner: &Pubkey) -> Pubkey {
    Pubkey::find_program_address(
        &[coverage::HOTSPOT_SEED, network.as_ref(), owner.as_ref()],
        &coverage::ID,
    )
    .0
}

#[test]
fn the_treasury_posts_funds_and_pays_by_cpi() {
    for flavor in [Flavor::Token, Flavor::Token2022] {
        let mut net = Net::new(flavor);
        let operator = net.operator.insecure_clone();
        let before = net.env.balance(&net.treasury_token);
        let posted = net
            .env
            .ok(net.post_task(&operator.pubkey(), UNITS), &[&operator]);
        let t = net.task(0);
        let task = net.env.task_state(&t);
        assert_eq!(task.employer, net.treasury);
        assert_eq!(task.max_completions, UNITS);
        let escrow = net.env.balance(&t.vault);
        assert_eq!(before - net.env.balance(&net.treasury_token), escrow);
        assert!(escrow >= REWARD * u64::from(UNITS));
        assert_eq!(net.network_state().tasks_posted, 1);
        assert_eq!(net.network_state().treasury, net.treasury);

        let funded = net.env.ok(net.fund_task(&t, 10), &[&operator]);
        assert_eq!(net.env.task_state(&t).max_completions, UNITS + 10);

        let u = net.env.staked_user(150_000_000);
        net.env.claim(&t, &u);
        let wallet = net.env.wallet(&u.pubkey());
        let (was, vault_was) = (net.env.balance(&wallet), net.env.balance(&t.vault));
        let pay = net.pay(&t, &u.pubkey(), 7, &attester(0));
        let paid = net.env.send(&pay, &[]).expect("pay_coverage");
        assert_eq!(net.env.balance(&wallet) - was, 7 * REWARD);
        assert_eq!(vault_was - net.env.balance(&t.vault), 7 * REWARD);
        assert_eq!(net.network_state().units_paid, 7);
        assert_eq!(net.env.claim_state(&t, &u.pubkey()).paid_units, 7);

        // The same measurement paid directly through ilm, for the overhead.
        let v = net.env.staked_user(150_000_000);
        net.env.claim(&t, &v);
        let a = net.env.attestation(&t, &v.pubkey(), 7);
        let to = net.env.wallet(&v.pubkey());
        let direct = net
            .env
            .send(
                &ilm_tests::attested_payout(&t, &a, &to, &[&attester(0)]),
                &[],
            )
            .expect("submit_attested");

        let registered = net
            .env
            .ok(net.register(&u.pubkey(), &t.stake(&u.pubkey())), &[&u]);
        let h: Hotspot = net
            .env
            .try_account(&hotspot(&net.network, &u.pubkey()))
            .unwrap();
        assert_eq!((h.network, h.owner), (net.network, u.pubkey()));

        println!(
            "{flavor:?}: post_task {} CU, fund_task {} CU, pay_coverage {} CU (submit_attested direct {} CU), register_hotspot {} CU",
            posted.cu, funded.cu, paid.cu, direct.cu, registered.cu
        );
        // Ceilings of each CPI path (measured: Token / Token-2022). The
        // wrapper's own share of pay_coverage (its Network, Task and Claim
        // checks, the CPI with 9 accounts, the claim read again) is about
        // 10,500 CU above ilm's direct payout.
        assert!(
            paid.cu <= direct.cu + 11_000,
            "pay_coverage {} vs {}",
            paid.cu,
            direct.cu
        );
        for (path, cu, ceiling) in [
            ("post_task", posted.cu, 46_000),
            ("fund_task", funded.cu, 18_000),
            ("register_hotspot", registered.cu, 15_000),
        ] {
            assert!(cu <= ceiling, "{path}: {cu} CU, ceiling {ceiling}");
        }
    }
}

#[test]
fn only_the_operator_moves_the_treasury() {
    let mut net = Net::new(Flavor::Token);
    let stranger = net.env.user();
    let before = net.env.balance(&net.treasury_token);
    net.env.fails_anchor(
        net.post_task(&stranger.pubkey(), UNITS),
        &[&stranger],
        ErrorCode::ConstraintHasOne,
    );
    let operator = net.operator.insecure_clone();
    net.env
        .ok(net.post_task(&operator.pubkey(), UNITS), &[&operator]);
    let t = net.task(0);
    let mut fund = net.fund_task(&t, 10);
    fund.accounts[0].pubkey = stranger.pubkey();
    let after_post = net.env.balance(&net.treasury_token);
    net.env
        .fails_anchor(fund, &[&stranger], ErrorCode::ConstraintHasOne);
    assert_eq!(net.env.balance(&net.treasury_token), after_post);
    assert!(after_post < before);
}

#[test]
fn pay_coverage_counts_only_the_networks_tasks_and_adds_no_trust() {
    let mut net = Net::new(Flavor::Token);
    let operator = net.operator.insecure_clone();
    net.env
        .ok(net.post_task(&operator.pubkey(), UNITS), &[&operator]);
    let t = net.task(0);
    let u = net.env.staked_user(150_000_000);
    net.env.claim(&t, &u);
    let wallet = net.env.wallet(&u.pubkey());
    let was = net.env.balance(&wallet);

    // A signature by someone who is not the task's attester: ilm refuses it
    // through the wrapper exactly as it would directly (the wrapper adds no trust).
    let forged = net.pay(&t, &u.pubkey(), 7, &Keypair::new());
    net.env.fails_at(
        &forged,
        &[],
        1,
        InstructionError::Custom(ilm_client::error_code(IlmError::UnknownAttester)),
    );

    // Another employer's attested task in the same market is not the network's.
    let employer = net.env.user();
    let other = net
        .env
        .create_task(&employer, attested_task_args(0, REWARD, UNITS));
    net.env.claim(&other, &u);
    let foreign = net.pay(&other, &u.pubkey(), 3, &attester(0));
    net.env.fails_at(
        &foreign,
        &[],
        1,
        InstructionError::Custom(code(CoverageError::NotOurTask)),
    );
    assert_eq!(net.env.balance(&wallet), was, "no token moved");
    assert_eq!(net.network_state().units_paid, 0);
}

#[test]
fn the_gate_reads_only_real_records_of_its_market() {
    let mut net = Net::new(Flavor::Token);
    let operator = net.operator.insecure_clone();
    net.env
        .ok(net.post_task(&operator.pubkey(), UNITS), &[&operator]);
    let t = net.task(0);
    let good = net.paid_contributor(&t);
    assert_eq!(net.env.stake_state(&good.pubkey()).completed, 1);
    let record = t.stake(&good.pubkey());

    // A fake Stake: ilm's layout and discriminator, a perfect record, but
    // written by someone else's program.
    let newcomer = net.env.user();
    let mut fake = net.env.stake_state(&good.pubkey());
    fake.contributor = newcomer.pubkey();
    fake.completed = 1_000;
    let mut data = Vec::new();
    fake.try_serialize(&mut data).unwrap();
    let fake_key = Pubkey::new_unique();
    for owner in [
        coverage::ID,
        anchor_lang::system_program::ID,
        Pubkey::new_unique(),
    ] {
        net.env
            .svm
            .set_account(
                fake_key,
                Account {
                    lamports: 10_000_000,
                    data: data.clone(),
                    owner,
                    executable: false,
                    rent_epoch: 0,
                },
            )
            .unwrap();
        net.env.fails_anchor(
            net.register(&newcomer.pubkey(), &fake_key),
            &[&newcomer],
            ErrorCode::AccountOwnedByWrongProgram,
        );
    }

    // An ilm account of another type (the claim) is not a record.
    net.env.fails_anchor(
        net.register(&good.pubkey(), &t.claim(&good.pubkey())),
        &[&good],
        ErrorCode::AccountDiscriminatorMismatch,
    );

    // A real record of the same person in another ilm market.
    let other_market = MarketKeys::new(
        net.env.authority.pubkey(),
        2,
        net.env.stake_mint,
        Flavor::Token.program_id(),
    );
    let authority = net.env.authority.insecure_clone();
    net.env.ok(
        ix::create_market(&other_market, default_params(net.env.fee_owner.pubkey())),
        &[&authority],
    );
    let from = net.env.stake_wallet(&newcomer.pubkey());
    net.env.ok(
        ix::stake(
            &other_market,
            &newcomer.pubkey(),
            &newcomer.pubkey(),
            Some(&from),
            150_000_000,
        ),
        &[&newcomer],
    );
    let elsewhere = pda::stake(&other_market.market, &newcomer.pubkey()).0;
    let mut boosted: Stake = net.env.try_account(&elsewhere).unwrap();
    boosted.completed = 1_000;
    set_ilm_account(&mut net.env, &elsewhere, &boosted);
    net.env.fails_with(
        net.register(&newcomer.pubkey(), &elsewhere),
        &[&newcomer],
        code(CoverageError::OtherMarket),
    );

    // Someone else's good record.
    net.env.fails_with(
        net.register(&newcomer.pubkey(), &record),
        &[&newcomer],
        code(CoverageError::NotYourRecord),
    );

    // The newcomer's own record in the market: nothing completed yet.
    net.env.stake(&newcomer, 150_000_000);
    let own = t.stake(&newcomer.pubkey());
    net.env.fails_with(
        net.register(&newcomer.pubkey(), &own),
        &[&newcomer],
        code(CoverageError::NotQualified),
    );

    // Too many rejections fail the gate as well.
    let mut rejected = net.env.stake_state(&good.pubkey());
    rejected.rejected = 1;
    set_ilm_account(&mut net.env, &record, &rejected);
    net.env.fails_with(
        net.register(&good.pubkey(), &record),
        &[&good],
        code(CoverageError::NotQualified),
    );
    rejected.rejected = 0;
    set_ilm_account(&mut net.env, &record, &rejected);
    net.env.ok(net.register(&good.pubkey(), &record), &[&good]);
    assert!(net
        .env
        .svm
        .get_account(&hotspot(&net.network, &newcomer.pubkey()))
        .is_none());
}

#[test]
fn init_network_refuses_a_bad_gate() {
    let mut env = Env::attested(Flavor::Token, 1, 1);
    load_coverage(&mut env);
    let operator = env.user();
    let gate = Qualification {
        min_completed: 0,
        max_reject_bps: 10_001,
    };
    let (init, network, _) = init_network(&env, &operator.pubkey(), gate);
    env.fails_with(init, &[&operator], code(CoverageError::BadRejectRate));
    assert!(env.svm.get_account(&network).is_none());
}

/// Rewrites an ilm-owned account's contents: how a test gives a real record
/// counters it would take many tasks to earn.
fn set_ilm_account<T: AccountSerialize>(env: &mut Env, key: &Pubkey, value: &T) {
    let mut account = env.svm.get_account(key).expect("account");
    let mut data = Vec::new();
    value.try_serialize(&mut data).unwrap();
    account.data = data;
    env.svm.set_account(*key, account).unwrap();
}

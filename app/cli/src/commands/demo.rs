//! `ilm demo`: a whole market on a fresh in-memory embedded ledger running the
//! real program: a labeling task paid by commit-reveal, a DePIN task paid by
//! 2-of-3 attestations, a judged task with approve, reject and auto-approve
//! (and a newcomer who starts from an empty wallet, carried by a sponsor),
//! and one epoch paid to N contributors by a Merkle root. Ends with a summary:
//! paid, fees, compute units per payout path, rent locked, what the sponsor
//! spent, transactions, time.
use crate::context::Ctx;
use crate::output::Report;
use crate::payouts::push;
use crate::report;
use crate::units::format_amount;
use anchor_lang::prelude::Pubkey;
use clap::Args;
use ilm_client::attest::{precompile_instruction, Attestation};
use ilm_client::events::{ilm_compute_units, Event};
use ilm_client::ilm::instructions::{CreateTaskArgs, SubmitAttestedArgs};
use ilm_client::ix::{self, MarketKeys, RentPayer, TaskKeys};
use ilm_client::merkle::Tree;
use ilm_client::{answer, pda, token, MarketParams, Qualification, Verifier};
use ilm_ledger::crank::{PushOptions, PushStats};
use ilm_ledger::Sent;
use sha2::{Digest, Sha256};
use solana_keypair::Keypair;
use solana_signer::Signer;
use std::time::Instant;

#[derive(Args)]
pub struct DemoArgs {
    /// Contributors paid by the Merkle epoch.
    #[arg(long, default_value_t = 50_000)]
    contributors: u32,
}

const DECIMALS: u8 = 6;
const TOKEN: u64 = 1_000_000;
const LAMPORTS_PER_SOL: u64 = 1_000_000_000;
/// What the newcomer's sponsor puts in its pool: the rent of a stake record
/// and a claim, and the pool's own rent-exempt minimum, with room to spare.
const POOL_FUNDING: u64 = LAMPORTS_PER_SOL / 100;
/// The labeling task employer's secret: its answer hash is unguessable until `open_reveals`.
const LABEL_SALT: [u8; 32] = [0x5a; 32];

/// One payout path's tally.
#[derive(Default)]
struct Path {
    payouts: u64,
    paid: u64,
    cu: Vec<u64>,
}

struct Demo<'a> {
    ctx: &'a mut Ctx,
    mint: Pubkey,
    market: MarketKeys,
    employer: Keypair,
    tasks: Vec<TaskKeys>,
    paths: Vec<(&'static str, Path)>,
}

fn step(ctx: &Ctx, text: &str) {
    if ctx.interactive() {
        eprintln!("==> {text}");
    }
}

fn tokens(base: u64) -> String {
    format_amount(base, DECIMALS)
}

impl Demo<'_> {
    fn send(
        &mut self,
        ixs: &[anchor_lang::solana_program::instruction::Instruction],
        signers: &[&Keypair],
    ) -> Result<(Sent, Vec<Event>), String> {
        self.ctx.send(ixs, signers)
    }

    /// Sends a payout and books it under `path`.
    fn pay(
        &mut self,
        path: &'static str,
        ixs: &[anchor_lang::solana_program::instruction::Instruction],
        signers: &[&Keypair],
    ) -> Result<u64, String> {
        let (sent, events) = self.send(ixs, signers)?;
        let amount: u64 = events
            .iter()
            .map(|e| match e {
                Event::WorkPaid(p) => p.amount,
                _ => 0,
            })
            .sum();
        let tally = &mut self
            .paths
            .iter_mut()
            .find(|(p, _)| *p == path)
            .ok_or("unknown path")?
            .1;
        tally.payouts += 1;
        tally.paid += amount;
        tally.cu.extend(ilm_compute_units(&sent.logs));
        Ok(amount)
    }

    fn person(&mut self, stake_tokens: u64) -> Result<Keypair, String> {
        let kp = Keypair::new();
        self.ctx
            .ledger
            .airdrop(&kp.pubkey(), LAMPORTS_PER_SOL)
            .map_err(|e| e.to_string())?;
        if stake_tokens > 0 {
            let stake_mint = self.market.stake_mint;
            self.mint_to(&stake_mint, &kp.pubkey(), stake_tokens)?;
            let wallet = token::ata(&kp.pubkey(), &stake_mint, &token::TOKEN_PROGRAM);
            let stake = ix::stake(
                &self.market,
                &kp.pubkey(),
                &kp.pubkey(),
                Some(&wallet),
                stake_tokens,
            );
            self.send(&[stake], &[&kp])?;
        }
        Ok(kp)
    }

    fn mint_to(&mut self, mint: &Pubkey, owner: &Pubkey, amount: u64) -> Result<(), String> {
        let info = self.ctx.mint(mint)?;
        self.ctx.mint_to(mint, &info, owner, amount).map(|_| ())
    }

    /// Sends `ixs` with `fee_payer` paying the fees (a sponsor) and signing with `signers`.
    fn send_paid_by(
        &mut self,
        fee_payer: &Keypair,
        ixs: &[anchor_lang::solana_program::instruction::Instruction],
        signers: &[&Keypair],
    ) -> Result<Sent, String> {
        let mut all = vec![fee_payer];
        all.extend_from_slice(signers);
        self.ctx
            .ledger
            .send(ixs, fee_payer, &all)
            .map_err(|e| e.to_string())
    }

    fn create_task(
        &mut self,
        reward: u64,
        slots: u32,
        newcomer_slots: u32,
        verifier: Verifier,
        bond: u64,
        spec: &str,
    ) -> Result<TaskKeys, String> {
        let id = self.tasks.len() as u64;
        let keys = TaskKeys::new(
            self.market.market,
            self.employer.pubkey(),
            id,
            self.mint,
            token::TOKEN_PROGRAM,
        );
        let verifier = match verifier {
            // The answer hash binds the task's own address and the employer's salt.
            Verifier::Preimage { .. } => Verifier::Preimage {
                answer_hash: answer::answer_hash(&keys.task, &LABEL_SALT, b"cat"),
                salt_hash: answer::salt_hash(&keys.task, &LABEL_SALT),
                salt: [0; 32],
                opened_at: 0,
            },
            v => v,
        };
        let now = self
            .ctx
            .ledger
            .unix_timestamp()
            .map_err(|e| e.to_string())?;
        let args = CreateTaskArgs {
            task_id: id,
            reward,
            max_completions: slots,
            deadline: now + 7 * 86_400,
            lease_secs: 3_600,
            bond,
            newcomer_slots,
            review_secs: 86_400,
            qualification: Qualification::default(),
            spec_hash: Sha256::digest(spec).into(),
            spec_uri: format!("ipfs://demo/{id}"),
            verifier,
        };
        let wallet = token::ata(&self.employer.pubkey(), &self.mint, &token::TOKEN_PROGRAM);
        let employer = self.employer.insecure_clone();
        self.send(&[ix::create_task(&keys, &wallet, args)], &[&employer])?;
        self.tasks.push(keys);
        Ok(keys)
    }
}

pub fn run(ctx: &mut Ctx, a: DemoArgs) -> Result<Report, String> {
    let started = Instant::now();
    if a.contributors == 0 {
        return Err("--contributors must be at least 1".into());
    }
    step(ctx, "fresh embedded ledger with the real ilm.so; mints, a market with a 2.5% fee and 3 attesters (2 must sign)");
    let mut d = Demo {
        ctx,
        mint: Pubkey::default(),
        market: MarketKeys::new(
            Pubkey::default(),
            0,
            Pubkey::default(),
            token::TOKEN_PROGRAM,
        ),
        employer: Keypair::new(),
        tasks: Vec::new(),
        paths: [
            "reveal_answer (commit-reveal)",
            "submit_attested (2-of-3 ed25519)",
            "approve_work (judged)",
            "settle_work (auto-approve)",
        ]
        .into_iter()
        .map(|p| (p, Path::default()))
        .collect(),
    };
    d.mint = d.ctx.create_mint(DECIMALS, &token::TOKEN_PROGRAM)?.0;
    let stake_mint = d.ctx.create_mint(DECIMALS, &token::TOKEN_PROGRAM)?.0;
    let fee_owner = Keypair::new();
    let attesters = [Keypair::new(), Keypair::new(), Keypair::new()];
    d.market = MarketKeys::new(d.ctx.me(), 0, stake_mint, token::TOKEN_PROGRAM);
    let params = MarketParams {
        min_stake: 100 * TOKEN,
        unstake_cooldown_secs: 86_400,
        slash_bps: 5_000,
        fee_bps: 250,
        fee_owner: fee_owner.pubkey(),
        attesters: attesters.iter().map(|k| k.pubkey()).collect(),
        attester_threshold: 2,
        freezable_mints: Vec::new(),
    };
    let create_market = ix::create_market(&d.market, params);
    d.send(&[create_market], &[])?;
    let employer = d.employer.pubkey();
    d.ctx
        .ledger
        .airdrop(&employer, 10 * LAMPORTS_PER_SOL)
        .map_err(|e| e.to_string())?;
    let epoch: Vec<(Pubkey, u64)> = (0..a.contributors)
        .map(|i| {
            let key: [u8; 32] = Sha256::digest(format!("ilm demo contributor {i}")).into();
            (
                Pubkey::new_from_array(key),
                (1 + u64::from(i % 10)) * TOKEN / 2,
            )
        })
        .collect();
    let epoch_total: u64 = epoch.iter().map(|(_, a)| a).sum();
    let employer_funds = epoch_total * 2 + 10_000 * TOKEN;
    d.mint_to(&d.mint.clone(), &employer, employer_funds)?;
    let names = ["alice", "bob", "carol", "dave"];
    let mut people = Vec::new();
    for _ in names {
        people.push(d.person(150 * TOKEN)?);
    }
    let [alice, bob, carol, dave] = [0, 1, 2, 3].map(|i| people[i].insecure_clone());

    step(
        d.ctx,
        "labeling task, paid by commit-reveal: alice and bob answer \"cat\", carol answers \"dog\"; the employer opens reveals after the deadline",
    );
    let label = d.create_task(
        2 * TOKEN,
        3,
        0,
        Verifier::Preimage {
            answer_hash: [0; 32],
            salt_hash: [0; 32],
            salt: [0; 32],
            opened_at: 0,
        },
        10 * TOKEN,
        "Is this a cat? Answer cat or dog.",
    )?;
    let mut refused = Vec::new();
    let answers = [(&alice, "cat"), (&bob, "cat"), (&carol, "dog")];
    let salt_of =
        |who: &Keypair| -> [u8; 32] { Sha256::digest(format!("salt {}", who.pubkey())).into() };
    for (who, said) in answers {
        let commitment =
            answer::commitment(&label.task, &who.pubkey(), said.as_bytes(), &salt_of(who));
        d.send(
            &[
                ix::claim_task(&label, &who.pubkey(), &who.pubkey()),
                ix::commit_answer(&label, &who.pubkey(), commitment),
            ],
            &[who],
        )?;
    }
    d.ctx.ledger.warp(7 * 86_400).map_err(|e| e.to_string())?;
    let employer_kp = d.employer.insecure_clone();
    d.send(&[ix::open_reveals(&label, LABEL_SALT)], &[&employer_kp])?;
    for (who, said) in answers {
        let salt = salt_of(who);
        let wallet = token::ata(&who.pubkey(), &d.mint, &token::TOKEN_PROGRAM);
        let reveal = [
            token::create_ata(&d.ctx.me(), &who.pubkey(), &d.mint, &token::TOKEN_PROGRAM),
            ix::reveal_answer(
                &label,
                &who.pubkey(),
                &wallet,
                said.as_bytes().to_vec(),
                salt,
            ),
        ];
        if let Err(e) = d.pay("reveal_answer (commit-reveal)", &reveal, &[who]) {
            refused.push(format!("answer {said:?} was not paid: {e}"));
        }
    }

    step(d.ctx, "DePIN task, paid per unit by 2-of-3 attestations: dave serves 400 units, then 1,000 in all");
    let depin = d.create_task(
        TOKEN / 20,
        1_000,
        0,
        Verifier::Attested,
        10 * TOKEN,
        "Relay bandwidth; 1 unit = 1 GB",
    )?;
    d.send(
        &[ix::claim_task(&depin, &dave.pubkey(), &dave.pubkey())],
        &[&dave],
    )?;
    let domain = d
        .ctx
        .load::<ilm_client::Market>(&d.market.market, "market")?
        .domain;
    let dave_wallet = token::ata(&dave.pubkey(), &d.mint, &token::TOKEN_PROGRAM);
    for (units, signers) in [(400u64, [0usize, 1]), (1_000, [1, 2])] {
        let now = d.ctx.ledger.unix_timestamp().map_err(|e| e.to_string())?;
        let att = Attestation {
            market: d.market.market,
            domain,
            task: depin.task,
            contributor: dave.pubkey(),
            cumulative_units: units,
            result_hash: Sha256::digest(format!("meter reading {units}")).into(),
            expires_at: now + 600,
        };
        let sigs: Vec<_> = signers.iter().map(|i| att.sign(&attesters[*i])).collect();
        let args = SubmitAttestedArgs {
            cumulative_units: units,
            result_hash: att.result_hash,
            expires_at: att.expires_at,
        };
        let ixs = [
            token::create_ata(&d.ctx.me(), &dave.pubkey(), &d.mint, &token::TOKEN_PROGRAM),
            precompile_instruction(&sigs, &att.message()),
            ix::submit_attested(&depin, &dave.pubkey(), &dave_wallet, args),
        ];
        d.pay("submit_attested (2-of-3 ed25519)", &ixs, &[])?;
    }

    step(d.ctx, "judged task: alice is approved, bob rejected, carol's work pays itself after the review window; erin, with 0 SOL and 0 tokens, takes its newcomer slot through a sponsor and is approved");
    let judged = d.create_task(
        10 * TOKEN,
        4,
        1,
        Verifier::Review,
        20 * TOKEN,
        "Label 100 street photos",
    )?;
    for who in [&alice, &bob, &carol] {
        let result: [u8; 32] = Sha256::digest(format!("labels by {}", who.pubkey())).into();
        d.send(
            &[
                ix::claim_task(&judged, &who.pubkey(), &who.pubkey()),
                ix::submit_work(&judged, &who.pubkey(), result, "ipfs://demo/result".into()),
            ],
            &[who],
        )?;
    }
    // erin's wallet is empty: the sponsor's key pays her fees and its pool
    // the rent of her stake record (no tokens) and her claim, as a Kora
    // service does (`--relay`); she signs. The employer opens her token
    // account as it pays her.
    let sponsor = Keypair::new();
    d.ctx
        .ledger
        .airdrop(&sponsor.pubkey(), LAMPORTS_PER_SOL)
        .map_err(|e| e.to_string())?;
    let erin = Keypair::new();
    let (e, s) = (erin.pubkey(), sponsor.pubkey());
    let pool = pda::sponsor_pool(&s).0;
    d.send_paid_by(
        &sponsor,
        &[ix::fund_sponsor_pool(&s, &s, POOL_FUNDING)],
        &[],
    )?;
    let (key_start, pool_start) = (lamports(&d, &s)?, lamports(&d, &pool)?);
    let result: [u8; 32] = Sha256::digest(format!("labels by {e}")).into();
    let rent = RentPayer::Pool(s);
    let erin_work = [
        ix::stake(&d.market, &e, rent, None, 0),
        ix::claim_task(&judged, &e, rent),
        ix::submit_work(&judged, &e, result, "ipfs://demo/result".into()),
    ];
    d.send_paid_by(&sponsor, &erin_work, &[&erin])?;
    let rent_lent = pool_start - lamports(&d, &pool)?;
    let alice_wallet = token::ata(&alice.pubkey(), &d.mint, &token::TOKEN_PROGRAM);
    let erin_wallet = token::ata(&e, &d.mint, &token::TOKEN_PROGRAM);
    let open_erins = token::create_ata(&employer, &e, &d.mint, &token::TOKEN_PROGRAM);
    d.send(&[open_erins], &[&employer_kp])?;
    for (who, wallet) in [(alice.pubkey(), alice_wallet), (e, erin_wallet)] {
        d.pay(
            "approve_work (judged)",
            &[ix::approve_work(&judged, &who, &wallet)],
            &[&employer_kp],
        )?;
    }
    d.send(
        &[ix::reject_work(
            &judged,
            &bob.pubkey(),
            Sha256::digest("blurry labels").into(),
        )],
        &[&employer_kp],
    )?;
    d.ctx.ledger.warp(86_400 + 1).map_err(|e| e.to_string())?;
    let (carol_wallet, mut settle) =
        d.ctx
            .wallet(&carol.pubkey(), &d.mint, &token::TOKEN_PROGRAM)?;
    let me = d.ctx.me();
    settle.push(ix::settle_work(
        &judged,
        &carol.pubkey(),
        &carol_wallet,
        &me,
    ));
    d.pay("settle_work (auto-approve)", &settle, &[])?;

    step(d.ctx, &format!("epoch payout: {} contributors paid by one Merkle root (token accounts created on the way)", a.contributors));
    let epoch_task = d.create_task(
        epoch_total,
        1,
        0,
        Verifier::Merkle {
            root: [0; 32],
            leaf_count: 0,
            total: 0,
            claimed: 0,
            published_at: 0,
        },
        0,
        "Epoch 1 mapping rewards",
    )?;
    let tree = Tree::new(epoch).map_err(|e| e.to_string())?;
    d.send(&ix::publish_tree(&epoch_task, &tree, &me), &[&employer_kp])?;
    // The crank pays every recipient's token-account rent and one fee per
    // payout: its test funding grows with the epoch (about 2,049 SOL for a
    // million recipients).
    let (ledger, payer) = d.ctx.ledger_and_fee_payer()?;
    let per_payout = ledger
        .minimum_balance(token::ACCOUNT_LEN)
        .map_err(|e| e.to_string())?
        + 10_000;
    let payer = payer.pubkey();
    ledger
        .airdrop(&payer, u64::from(a.contributors) * per_payout)
        .map_err(|e| e.to_string())?;
    let options = PushOptions {
        batch: 512,
        open_accounts: true,
    };
    let pushed = push(d.ctx, &epoch_task, &tree, options)?;

    step(d.ctx, "fees collected for the market's fee owner");
    let fee_wallet = token::ata(&fee_owner.pubkey(), &d.mint, &token::TOKEN_PROGRAM);
    let mut collect = vec![token::create_ata(
        &me,
        &fee_owner.pubkey(),
        &d.mint,
        &token::TOKEN_PROGRAM,
    )];
    collect.extend(d.tasks.iter().map(|t| ix::collect_fees(t, &fee_wallet)));
    d.send(&collect, &[])?;

    step(d.ctx, "the judged task ends: the employer closes it, erin's claim and stake record close, and their rent goes back to the sponsor's pool");
    d.ctx.ledger.warp(8 * 86_400).map_err(|e| e.to_string())?;
    let employer_wallet = token::ata(&employer, &d.mint, &token::TOKEN_PROGRAM);
    let close_task = ix::close_task(&judged, &employer_wallet, &fee_wallet);
    d.send(&[close_task], &[&employer_kp])?;
    let pool_before = lamports(&d, &pool)?;
    let close_erin = [
        ix::close_claim(&judged.task, &e, &pool),
        ix::close_stake(&d.market.market, &e, &e, &pool),
    ];
    d.send_paid_by(&sponsor, &close_erin, &[&erin])?;
    let newcomer = Newcomer {
        earned: d.ctx.balance(&erin_wallet)?,
        lamports: lamports(&d, &e)?,
        fees: key_start - lamports(&d, &s)?,
        rent_lent,
        rent_returned: lamports(&d, &pool)? - pool_before,
    };

    summary(
        &mut d, &names, &people, &pushed, &refused, &newcomer, started,
    )
}

/// Lamports of `key` (0 when the account does not exist).
fn lamports(d: &Demo, key: &Pubkey) -> Result<u64, String> {
    let account = d.ctx.ledger.account(key).map_err(|e| e.to_string())?;
    Ok(account.map_or(0, |a| a.lamports))
}

/// How the contributor who started from an empty wallet ended.
struct Newcomer {
    /// Tokens earned.
    earned: u64,
    /// Lamports it holds (it never needed any).
    lamports: u64,
    /// Lamports the sponsor's key is down: the fees of the newcomer's transactions.
    fees: u64,
    /// Rent of the claim and stake record the sponsor's pool paid ...
    rent_lent: u64,
    /// ... and got back when they closed.
    rent_returned: u64,
}

fn summary(
    d: &mut Demo,
    names: &[&str],
    people: &[Keypair],
    pushed: &PushStats,
    refused: &[String],
    newcomer: &Newcomer,
    started: Instant,
) -> Result<Report, String> {
    let balance = |d: &Demo, owner: &Pubkey| {
        d.ctx
            .balance(&token::ata(owner, &d.mint, &token::TOKEN_PROGRAM))
    };
    let mut paths = Vec::new();
    let mut paid_total = 0;
    for (name, p) in &d.paths {
        paid_total += p.paid;
        paths.push(serde_json::json!({
            "payout path": name,
            "payouts": p.payouts,
            "paid": tokens(p.paid),
            "CU per payout": p.cu.iter().sum::<u64>() / (p.cu.len() as u64).max(1),
        }));
    }
    paid_total += pushed.amount;
    paths.push(serde_json::json!({
        "payout path": "claim_merkle (epoch)",
        "payouts": pushed.paid,
        "paid": tokens(pushed.amount),
        "CU per payout": pushed.claim_cu.iter().sum::<u64>() / (pushed.claim_cu.len() as u64).max(1),
    }));
    let mut earners = Vec::new();
    for (name, kp) in names.iter().zip(people) {
        earners.push(
            serde_json::json!({ "contributor": name, "earned": tokens(balance(d, &kp.pubkey())?) }),
        );
    }
    let fee_owner = d
        .ctx
        .load::<ilm_client::Market>(&d.market.market, "market")?
        .fee_owner;
    let fees = balance(d, &fee_owner)?;
    let mut escrow_left = 0;
    let mut rent_locked = 0;
    for t in &d.tasks {
        escrow_left += d.ctx.balance(&t.vault)?;
        rent_locked += lamports(d, &t.vault)?;
    }
    let ilm_accounts = d
        .ctx
        .ledger
        .program_accounts(&ilm_client::PROGRAM_ID, &[])
        .map_err(|e| e.to_string())?;
    rent_locked += ilm_accounts.iter().map(|(_, a)| a.lamports).sum::<u64>();
    let spent = d.ctx.balance(&token::ata(
        &d.employer.pubkey(),
        &d.mint,
        &token::TOKEN_PROGRAM,
    ))?;
    let transactions = d.ctx.ledger.transactions().unwrap_or(0);
    let seconds = started.elapsed().as_secs_f64();
    let mut r = report! {
        "payout paths" => paths,
        "contributors" => earners,
        "newcomer (started with 0 SOL and 0 tokens)" => serde_json::json!({
            "earned": tokens(newcomer.earned),
            "lamports held": newcomer.lamports,
            "sponsor's fees (SOL)": crate::units::format_sol(newcomer.fees),
            "rent lent by the sponsor's pool (SOL)": crate::units::format_sol(newcomer.rent_lent),
            "rent returned to the pool (SOL)": crate::units::format_sol(newcomer.rent_returned),
        }),
        "epoch contributors paid" => pushed.paid,
        "paid to contributors" => tokens(paid_total),
        "protocol fees" => tokens(fees),
        "escrow left for the employer" => tokens(escrow_left),
        "employer balance" => tokens(spent),
        "rent locked (SOL)" => crate::units::format_sol(rent_locked),
        "ilm accounts" => ilm_accounts.len(),
        "token accounts created by the crank" => pushed.accounts_created,
        "transactions" => transactions,
        "wall time (s)" => format!("{seconds:.1}"),
        "merkle payouts per second" => format!("{:.0}", pushed.paid as f64 / pushed.seconds.max(1e-9)),
    };
    if !refused.is_empty() {
        r.insert("refused".into(), refused.to_vec().into());
    }
    Ok(r)
}

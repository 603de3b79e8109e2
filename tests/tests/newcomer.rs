//! Earning from an empty wallet: a sponsor pays the rent and fees of a
//! contributor with no lamports and no tokens, who takes a task's newcomer
//! slot without a bond, is paid, and leaves; the rent goes back to the
//! sponsor and nobody can redirect what the other is owed.
use anchor_lang::error::ErrorCode as Anchor;
use ilm_client::ix::{self, TaskKeys};
use ilm_client::{token, ClaimStatus, IlmError, Qualification};
use ilm_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

const REWARD: u64 = 10_000_000;
/// Each signature of a transaction costs the fee payer this much.
const SIGNATURE_FEE: u64 = 5_000;

/// A task admitting `slots` newcomers at once.
fn newcomer_task(env: &mut Env, employer: &Keypair, id: u64, slots: u32) -> TaskKeys {
    let args = CreateTaskArgs {
        newcomer_slots: slots,
        ..default_task(id)
    };
    env.create_task(employer, args)
}

/// Asserts the transaction failed at instruction `index` with error `code`.
fn refused(sent: Result<Sent, Failed>, index: u8, code: u32) {
    assert_failed_at(sent, index, InstructionError::Custom(code));
}

fn ilm(e: IlmError) -> u32 {
    ilm_client::error_code(e)
}

/// The sponsor opens `who`'s stake record (no tokens) and claims `t` for it, in one transaction.
fn sponsored_claim(
    env: &mut Env,
    sponsor: &Keypair,
    who: &Keypair,
    t: &TaskKeys,
) -> Result<Sent, Failed> {
    let (me, payer) = (who.pubkey(), sponsor.pubkey());
    let mut ixs = Vec::new();
    if env
        .try_account::<ilm_client::Stake>(&env.market.stake(&me))
        .is_none()
    {
        ixs.push(ix::stake(&env.market, &me, &payer, None, 0));
    }
    ixs.push(ix::claim_task(t, &me, &payer));
    env.send_paid_by(sponsor, &ixs, &[who])
}

#[test]
fn an_empty_wallet_is_paid_for_its_work_and_the_sponsor_gets_its_rent_back() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let sponsor = env.user();
    let newcomer = env.newcomer();
    let me = newcomer.pubkey();
    let t = newcomer_task(&mut env, &employer, 0, 1);
    let sponsor_start = env.lamports(&sponsor.pubkey());

    // claim: the sponsor opens the stake record and the claim, and the
    // token account the payout needs; the newcomer signs only
    let wallet = env.wallet(&me);
    let mut ixs = vec![
        ix::stake(&env.market, &me, &sponsor.pubkey(), None, 0),
        ix::claim_task(&t, &me, &sponsor.pubkey()),
    ];
    ixs.push(token::create_ata(
        &sponsor.pubkey(),
        &me,
        &env.mint,
        &Flavor::Token.program_id(),
    ));
    env.send_paid_by(&sponsor, &ixs, &[&newcomer]).unwrap();
    let claim = env.claim_state(&t, &me);
    assert_eq!(
        (claim.bond, claim.newcomer, claim.rent_payer),
        (0, true, sponsor.pubkey())
    );
    let stake = env.stake_state(&me);
    assert_eq!((stake.amount, stake.locked, stake.live_claims), (0, 0, 1));
    assert_eq!(stake.rent_payer, sponsor.pubkey());
    assert_eq!(env.task_state(&t).newcomers, 1);

    // deliver, then the employer pays
    let submit = ix::submit_work(&t, &me, [9; 32], "ipfs://result".into());
    env.send_paid_by(&sponsor, &[submit], &[&newcomer]).unwrap();
    env.approve(&t, &employer, &me);
    assert_eq!(env.balance(&wallet), REWARD);
    assert_eq!(env.lamports(&me), 0, "the newcomer never held a lamport");
    assert_eq!(env.task_state(&t).newcomers, 0);
    assert_eq!(env.stake_state(&me).completed, 1);

    // the end: the claim's and the record's rent go back to the sponsor
    env.warp_to(default_task(0).deadline + default_task(0).review_secs);
    let employer_wallet = env.wallet(&employer.pubkey());
    let fee_token = env.wallet(&env.fee_owner.pubkey());
    env.ok(
        ix::close_task(&t, &employer_wallet, &fee_token),
        &[&employer],
    );
    let claim_rent = env.lamports(&t.claim(&me));
    let record_rent = env.lamports(&env.market.stake(&me));
    let (sponsor_key, record) = (sponsor.pubkey(), env.market.stake(&me));
    // a record with a paid completion is the contributor's track record:
    // the sponsor cannot erase it
    env.fails(
        ix::close_stake(&env.market.market, &sponsor_key, &me, &sponsor_key),
        &[&sponsor],
        IlmError::NotStakeCloser,
    );
    env.ok(ix::close_claim(&t.task, &me, &sponsor_key), &[]);
    let close = ix::close_stake(&env.market.market, &me, &me, &sponsor_key);
    env.send_paid_by(&sponsor, &[close], &[&newcomer]).unwrap();
    assert!(env.svm.get_account(&record).is_none_or(|a| a.lamports == 0));
    assert_eq!(env.lamports(&me), 0);
    assert_eq!(env.balance(&wallet), REWARD);

    // what sponsoring cost: fees and the newcomer's token account (its own,
    // it may close it), never the claim's or the record's rent
    let ata_rent = env.lamports(&wallet);
    // claim, submit and close_stake: the sponsor's and the newcomer's signatures
    let fees = SIGNATURE_FEE * (2 + 2 + 2);
    assert_eq!(
        env.lamports(&sponsor_key),
        sponsor_start - fees - ata_rent,
        "claim rent {claim_rent} and record rent {record_rent} came back"
    );
    env.assert_conserved(&[t.vault]);
}

#[test]
fn a_newcomer_can_open_its_record_without_a_token_account_but_staking_needs_one() {
    let mut env = Env::new(Flavor::Token2022);
    let sponsor = env.user();
    let newcomer = env.newcomer();
    let me = newcomer.pubkey();
    let stake = ix::stake(&env.market, &me, &sponsor.pubkey(), None, 1);
    let sent = env.send_paid_by(&sponsor, &[stake], &[&newcomer]);
    refused(sent, 0, ilm(IlmError::NoStakeSource));
    let open = ix::stake(&env.market, &me, &sponsor.pubkey(), None, 0);
    env.send_paid_by(&sponsor, &[open], &[&newcomer]).unwrap();
    assert_eq!(env.stake_state(&me).rent_payer, sponsor.pubkey());
    assert_eq!(env.lamports(&me), 0);
}

#[test]
fn nobody_redirects_the_sponsors_rent_or_the_contributors_earnings() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let sponsor = env.user();
    let newcomer = env.newcomer();
    let (me, sponsor_key) = (newcomer.pubkey(), sponsor.pubkey());
    let t = newcomer_task(&mut env, &employer, 0, 1);
    sponsored_claim(&mut env, &sponsor, &newcomer, &t).unwrap();
    let submit = ix::submit_work(&t, &me, [9; 32], "ipfs://result".into());
    env.send_paid_by(&sponsor, &[submit], &[&newcomer]).unwrap();

    // the sponsor cannot have the payout sent to its own token account
    let sponsors_wallet = env.wallet(&sponsor_key);
    let to_sponsor = ix::approve_work(&t, &me, &sponsors_wallet);
    env.fails_anchor(to_sponsor, &[&employer], Anchor::ConstraintTokenOwner);

    // the contributor cannot take the claim's or the record's rent
    env.fails_anchor(
        ix::close_claim(&t.task, &me, &me),
        &[],
        Anchor::ConstraintHasOne,
    );
    let mine = ix::close_stake(&env.market.market, &me, &me, &me);
    let sent = env.send_paid_by(&sponsor, &[mine], &[&newcomer]);
    refused(sent, 0, Anchor::ConstraintHasOne as u32);
    // a stranger can close neither the record nor send its rent elsewhere
    let stranger = env.user();
    let s = stranger.pubkey();
    env.fails(
        ix::close_stake(&env.market.market, &s, &me, &sponsor_key),
        &[&stranger],
        IlmError::NotStakeCloser,
    );
    env.fails_anchor(
        ix::close_stake(&env.market.market, &s, &me, &s),
        &[&stranger],
        Anchor::ConstraintHasOne,
    );

    env.create_ata(&me, &env.mint.clone());
    env.approve(&t, &employer, &me);
    assert_eq!(env.balance(&env.wallet(&me)), REWARD);
    env.assert_conserved(&[t.vault]);
}

#[test]
fn the_sponsor_takes_back_the_rent_of_a_record_that_never_earned() {
    let mut env = Env::new(Flavor::Token);
    let sponsor = env.user();
    let newcomer = env.newcomer();
    let (me, sponsor_key) = (newcomer.pubkey(), sponsor.pubkey());
    let open = ix::stake(&env.market, &me, &sponsor_key, None, 0);
    env.send_paid_by(&sponsor, &[open], &[&newcomer]).unwrap();
    let record = env.market.stake(&me);
    let rent = env.lamports(&record);
    let before = env.lamports(&sponsor_key);
    env.send_paid_by(
        &sponsor,
        &[ix::close_stake(
            &env.market.market,
            &sponsor_key,
            &me,
            &sponsor_key,
        )],
        &[],
    )
    .unwrap();
    assert_eq!(env.lamports(&sponsor_key), before + rent - SIGNATURE_FEE);
    assert_eq!(env.lamports(&me), 0);
}

#[test]
fn newcomer_slots_bound_what_empty_wallets_can_hold() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let sponsor = env.user();
    let t = newcomer_task(&mut env, &employer, 0, 2);
    let other = newcomer_task(&mut env, &employer, 1, 2);
    let bonded_only = env.create_task(&employer, default_task(2));
    let (a, b, c) = (env.newcomer(), env.newcomer(), env.newcomer());

    // a task without newcomer slots keeps its stake rules (instruction 1:
    // the claim after the record's opening)
    let sent = sponsored_claim(&mut env, &sponsor, &a, &bonded_only);
    refused(sent, 1, ilm(IlmError::StakeBelowMinimum));

    sponsored_claim(&mut env, &sponsor, &a, &t).unwrap();
    sponsored_claim(&mut env, &sponsor, &b, &t).unwrap();
    let sent = sponsored_claim(&mut env, &sponsor, &c, &t);
    refused(sent, 1, ilm(IlmError::NewcomerSlotsTaken));
    assert_eq!(env.task_state(&t).newcomers, 2);
    // staked contributors still take the remaining slot
    let staked = env.staked_user(150_000_000);
    env.claim(&t, &staked);
    assert_eq!(env.claim_state(&t, &staked.pubkey()).bond, 20_000_000);
    assert!(!env.claim_state(&t, &staked.pubkey()).newcomer);

    // one lease at a time without a bond
    let sent = sponsored_claim(&mut env, &sponsor, &a, &other);
    refused(sent, 0, ilm(IlmError::NewcomerLeaseLimit));

    // an abandon frees the slot at once and costs nothing, but marks the wallet
    env.send_paid_by(&sponsor, &[ix::abandon_claim(&t, &b.pubkey())], &[&b])
        .unwrap();
    assert_eq!(env.task_state(&t).newcomers, 1);
    sponsored_claim(&mut env, &sponsor, &c, &t).unwrap();
    let sent = sponsored_claim(&mut env, &sponsor, &b, &other);
    refused(sent, 0, ilm(IlmError::NewcomerLeaseLimit));

    // a squatter's lease runs out: no bond to slash, the slot comes back,
    // and the expiry stays on its record
    env.warp(3_600);
    let employer_stake = env.stake_wallet(&employer.pubkey());
    let employer_before = env.balance(&employer_stake);
    env.ok(
        ix::expire_claim(&t, &env.market, &a.pubkey(), &employer_stake),
        &[],
    );
    assert_eq!(env.balance(&employer_stake), employer_before);
    assert_eq!(env.stake_state(&a.pubkey()).expired, 1);
    assert_eq!(env.task_state(&t).newcomers, 1);
    assert_eq!(
        env.claim_state(&t, &a.pubkey()).status,
        ClaimStatus::Expired
    );
    env.assert_conserved(&[t.vault, other.vault, bonded_only.vault]);
}

#[test]
fn a_sponsor_cannot_act_without_the_contributors_signature() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let sponsor = env.user();
    let newcomer = env.newcomer();
    let (me, payer) = (newcomer.pubkey(), sponsor.pubkey());
    let t = newcomer_task(&mut env, &employer, 0, 1);
    // the contributor's key is account 0 of each; unsigned, the sponsor alone sends it
    let unsigned = |mut ix: anchor_lang::solana_program::instruction::Instruction| {
        assert_eq!(ix.accounts[0].pubkey, me);
        ix.accounts[0].is_signer = false;
        ix
    };
    let open = unsigned(ix::stake(&env.market, &me, &payer, None, 0));
    refused(
        env.send_paid_by(&sponsor, &[open], &[]),
        0,
        Anchor::AccountNotSigner as u32,
    );
    sponsored_claim(&mut env, &sponsor, &newcomer, &t).unwrap();
    let submit = unsigned(ix::submit_work(&t, &me, [9; 32], "ipfs://x".into()));
    let abandon = unsigned(ix::abandon_claim(&t, &me));
    for ix in [submit, abandon] {
        refused(
            env.send_paid_by(&sponsor, &[ix], &[]),
            0,
            Anchor::AccountNotSigner as u32,
        );
    }
    assert_eq!(env.claim_state(&t, &me).status, ClaimStatus::Leased);
    let other = newcomer_task(&mut env, &employer, 1, 1);
    let claim = unsigned(ix::claim_task(&other, &me, &payer));
    refused(
        env.send_paid_by(&sponsor, &[claim], &[]),
        0,
        Anchor::AccountNotSigner as u32,
    );
}

#[test]
fn every_end_of_a_newcomer_lease_gives_its_slot_back() {
    // rejected
    let mut env = Env::attested(Flavor::Token, 1, 1);
    let employer = env.user();
    let sponsor = env.user();
    let t = newcomer_task(&mut env, &employer, 0, 1);
    let u = env.newcomer();
    sponsored_claim(&mut env, &sponsor, &u, &t).unwrap();
    let submit = ix::submit_work(&t, &u.pubkey(), [9; 32], "ipfs://x".into());
    env.send_paid_by(&sponsor, &[submit], &[&u]).unwrap();
    env.ok(ix::reject_work(&t, &u.pubkey(), [1; 32]), &[&employer]);
    let task = env.task_state(&t);
    assert_eq!((task.active, task.newcomers), (0, 0));
    assert_eq!(env.stake_state(&u.pubkey()).rejected, 1);
    // junk delivered and rejected marks the record like an expiry, even
    // where the task's qualification accepts any rejection rate
    let lenient = CreateTaskArgs {
        newcomer_slots: 1,
        qualification: Qualification {
            min_completed: 0,
            max_reject_bps: 10_000,
        },
        ..default_task(1)
    };
    let next = env.create_task(&employer, lenient);
    let sent = sponsored_claim(&mut env, &sponsor, &u, &next);
    refused(sent, 0, ilm(IlmError::NewcomerLeaseLimit));

    // an Attested lease: paid in part it keeps its slot, paid every unit it ends
    let args = CreateTaskArgs {
        newcomer_slots: 1,
        ..attested_task_args(2, 1_000_000, 10)
    };
    let attested = env.create_task(&employer, args);
    let v = env.newcomer();
    sponsored_claim(&mut env, &sponsor, &v, &attested).unwrap();
    let wallet = env.create_ata(&v.pubkey(), &env.mint.clone());
    for (units, status, newcomers) in [(4, ClaimStatus::Leased, 1), (10, ClaimStatus::Paid, 0)] {
        let a = env.attestation(&attested, &v.pubkey(), units);
        let ixs = attested_payout(&attested, &a, &wallet, &[&attester(0)]);
        env.send(&ixs, &[]).expect("attested units");
        assert_eq!(env.claim_state(&attested, &v.pubkey()).status, status);
        assert_eq!(env.task_state(&attested).newcomers, newcomers);
    }
    assert_eq!(env.balance(&wallet), 10 * 1_000_000);
    assert_eq!(env.lamports(&v.pubkey()), 0);
    env.assert_conserved(&[t.vault, next.vault, attested.vault]);
}

/// Without a bond a wrong Preimage answer would cost nothing: fresh wallets
/// could commit every plausible answer and the right one would be paid. So
/// only Review and Attested tasks (where the employer or the attesters judge
/// the work) take newcomer slots; Merkle tasks take no claims at all.
#[test]
fn preimage_and_merkle_tasks_take_no_newcomer_slots() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let t = env.task_keys(&employer.pubkey(), 0);
    let guessable = CreateTaskArgs {
        newcomer_slots: 3,
        verifier: preimage_verifier(&t.task, &[4; 32], b"cat"),
        ..default_task(0)
    };
    let merkle = CreateTaskArgs {
        newcomer_slots: 1,
        ..merkle_task_args(0, 100_000_000)
    };
    let wallet = env.wallet(&employer.pubkey());
    for args in [guessable, merkle] {
        let before = env.balance(&wallet);
        env.fails(
            ix::create_task(&t, &wallet, args),
            &[&employer],
            IlmError::NewcomerSlotsNotAllowed,
        );
        assert_eq!(env.balance(&wallet), before);
    }
}

/// Stake requested for withdrawal does not make a staked contributor a
/// newcomer: it cannot empty its free stake and take a slot without a bond.
#[test]
fn a_staked_contributor_is_no_newcomer() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let t = newcomer_task(&mut env, &employer, 0, 1);
    let staked = env.staked_user(150_000_000);
    let me = staked.pubkey();
    env.ok(
        ix::request_unstake(&env.market, &me, 150_000_000),
        &[&staked],
    );
    env.fails(
        ix::claim_task(&t, &me, &me),
        &[&staked],
        IlmError::StakeBelowMinimum,
    );
    assert_eq!(env.task_state(&t).newcomers, 0);
}

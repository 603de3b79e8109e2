//! A sponsor's pool: lamports at `["sponsor", sponsor]` that `stake` and
//! `claim_task` draw rent from when the sponsor signs, so that the sponsor's
//! own key (a fee-payer service's) pays fees only and its policy can refuse
//! every account creation. The rent goes back to the pool; only the sponsor
//! draws on it or withdraws, and a withdrawal goes to the sponsor alone.
use anchor_lang::error::ErrorCode as Anchor;
use anchor_lang::prelude::Pubkey;
use anchor_lang::Space;
use ilm_client::ix::{self, RentPayer, TaskKeys};
use ilm_client::{pda, token, IlmError};
use ilm_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

const REWARD: u64 = 10_000_000;
const SIGNATURE_FEE: u64 = 5_000;
/// Funds every pool in these tests.
const POOL: u64 = 1_000_000_000;

fn ilm(e: IlmError) -> u32 {
    ilm_client::error_code(e)
}

fn pool_of(sponsor: &Keypair) -> Pubkey {
    pda::sponsor_pool(&sponsor.pubkey()).0
}

/// A sponsor whose pool holds `POOL` lamports (sent to its address by
/// anyone: here an airdrop).
fn sponsor(env: &mut Env) -> Keypair {
    let s = env.user();
    env.svm.airdrop(&pool_of(&s), POOL).unwrap();
    s
}

fn newcomer_task(env: &mut Env, employer: &Keypair, id: u64) -> TaskKeys {
    let args = CreateTaskArgs {
        newcomer_slots: 2,
        ..default_task(id)
    };
    env.create_task(employer, args)
}

/// `who`'s stake record and claim on `t`, their rent from `sponsor`'s pool,
/// the fee from `sponsor`'s key: one transaction.
fn pool_claim(
    env: &mut Env,
    sponsor: &Keypair,
    who: &Keypair,
    t: &TaskKeys,
) -> Result<Sent, Failed> {
    let me = who.pubkey();
    let payer = RentPayer::Pool(sponsor.pubkey());
    let ixs = [
        ix::stake(&env.market, &me, payer, None, 0),
        ix::claim_task(t, &me, payer),
    ];
    env.send_paid_by(sponsor, &ixs, &[who])
}

/// Closes `t` after its review window.
fn close_task(env: &mut Env, employer: &Keypair, t: &TaskKeys, id: u64) {
    env.warp_to(default_task(id).deadline + default_task(id).review_secs);
    let employer_wallet = env.wallet(&employer.pubkey());
    let fee_token = env.wallet(&env.fee_owner.pubkey());
    env.ok(ix::close_task(t, &employer_wallet, &fee_token), &[employer]);
}

#[test]
fn an_empty_wallet_works_on_a_pool_and_the_sponsors_key_pays_fees_only() {
    let mut env = Env::new(Flavor::Token2022);
    let employer = env.user();
    let sponsor = sponsor(&mut env);
    let newcomer = env.newcomer();
    let me = newcomer.pubkey();
    let t = newcomer_task(&mut env, &employer, 0);
    let (key_start, pool) = (env.lamports(&sponsor.pubkey()), pool_of(&sponsor));

    pool_claim(&mut env, &sponsor, &newcomer, &t).unwrap();
    let (record, claim) = (env.market.stake(&me), t.claim(&me));
    assert_eq!(env.stake_state(&me).rent_payer, pool);
    assert_eq!(env.claim_state(&t, &me).rent_payer, pool);
    assert_eq!(
        env.lamports(&pool),
        POOL - env.lamports(&record) - env.lamports(&claim),
        "the pool paid both records' rent"
    );
    let submit = ix::submit_work(&t, &me, [9; 32], "ipfs://result".into());
    env.send_paid_by(&sponsor, &[submit], &[&newcomer]).unwrap();
    // the employer opens the payee's token account as it pays (`ilm task approve` does)
    let wallet = env.wallet(&me);
    let open = token::create_ata(
        &employer.pubkey(),
        &me,
        &env.mint,
        &Flavor::Token2022.program_id(),
    );
    let approve = ix::approve_work(&t, &me, &wallet);
    env.send(&[open, approve], &[&employer]).unwrap();
    assert_eq!(env.balance(&wallet), REWARD);

    close_task(&mut env, &employer, &t, 0);
    env.ok(ix::close_claim(&t.task, &me, &pool), &[]);
    let close = ix::close_stake(&env.market.market, &me, &me, &pool);
    env.send_paid_by(&sponsor, &[close], &[&newcomer]).unwrap();
    assert_eq!(
        env.lamports(&pool),
        POOL,
        "every lamport of rent came back to the pool"
    );
    assert_eq!(env.lamports(&me), 0);
    // claim, submit, close_stake: two signatures each, and nothing else
    assert_eq!(
        env.lamports(&sponsor.pubkey()),
        key_start - 6 * SIGNATURE_FEE
    );
    env.assert_conserved(&[t.vault]);
}

#[test]
fn only_the_sponsor_draws_on_its_pool() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let owner = sponsor(&mut env);
    let stranger = env.user();
    let newcomer = env.newcomer();
    let me = newcomer.pubkey();
    let t = newcomer_task(&mut env, &employer, 0);
    let pool = pool_of(&owner);

    // the stranger signs and names the owner's pool: not its pool
    let theirs = pda::sponsor_pool(&stranger.pubkey()).0;
    let stake = ix::stake(
        &env.market,
        &me,
        RentPayer::Pool(stranger.pubkey()),
        None,
        0,
    );
    let stake = swap(stake, &theirs, &pool);
    let sent = env.send_paid_by(&stranger, &[stake], &[&newcomer]);
    assert_failed_at(
        sent,
        0,
        InstructionError::Custom(Anchor::ConstraintSeeds as u32),
    );

    // the owner's key named without its signature
    let mut stake = ix::stake(&env.market, &me, RentPayer::Pool(owner.pubkey()), None, 0);
    stake.accounts[1].is_signer = false;
    let sent = env.send_paid_by(&stranger, &[stake], &[&newcomer]);
    assert_failed_at(
        sent,
        0,
        InstructionError::Custom(Anchor::AccountNotSigner as u32),
    );

    // the same for a claim, once the record exists
    env.send_paid_by(
        &owner,
        &[ix::stake(&env.market, &me, &owner.pubkey(), None, 0)],
        &[&newcomer],
    )
    .unwrap();
    let claim = swap(
        ix::claim_task(&t, &me, RentPayer::Pool(stranger.pubkey())),
        &theirs,
        &pool,
    );
    let sent = env.send_paid_by(&stranger, &[claim], &[&newcomer]);
    assert_failed_at(
        sent,
        0,
        InstructionError::Custom(Anchor::ConstraintSeeds as u32),
    );
    let mut claim = ix::claim_task(&t, &me, RentPayer::Pool(owner.pubkey()));
    claim.accounts[1].is_signer = false;
    let sent = env.send_paid_by(&stranger, &[claim], &[&newcomer]);
    assert_failed_at(
        sent,
        0,
        InstructionError::Custom(Anchor::AccountNotSigner as u32),
    );

    assert_eq!(env.lamports(&pool), POOL);
    assert!(env
        .try_account::<ilm_client::Claim>(&t.claim(&me))
        .is_none());
}

#[test]
fn a_pool_keeps_its_rent_exempt_minimum() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let sponsor = env.user();
    let newcomer = env.newcomer();
    let t = newcomer_task(&mut env, &employer, 0);
    let pool = pool_of(&sponsor);

    // no pool at all
    let sent = pool_claim(&mut env, &sponsor, &newcomer, &t);
    assert_failed_at(
        sent,
        0,
        InstructionError::Custom(ilm(IlmError::SponsorPoolTooLow)),
    );

    // enough for the record, one lamport short for the claim
    let keeps = env.svm.minimum_balance_for_rent_exemption(0);
    let record_rent = env
        .svm
        .minimum_balance_for_rent_exemption(8 + ilm_client::Stake::INIT_SPACE);
    let claim_rent = env
        .svm
        .minimum_balance_for_rent_exemption(8 + ilm_client::Claim::INIT_SPACE);
    let funded = keeps + record_rent + claim_rent - 1;
    env.svm.airdrop(&pool, funded).unwrap();
    let sent = pool_claim(&mut env, &sponsor, &newcomer, &t);
    assert_failed_at(
        sent,
        1,
        InstructionError::Custom(ilm(IlmError::SponsorPoolTooLow)),
    );
    assert_eq!(env.lamports(&pool), funded, "nothing moved");

    env.svm.airdrop(&pool, 1).unwrap();
    pool_claim(&mut env, &sponsor, &newcomer, &t).unwrap();
    assert_eq!(env.lamports(&pool), keeps);
    assert_eq!(env.claim_state(&t, &newcomer.pubkey()).rent_payer, pool);
}

#[test]
fn only_the_sponsor_withdraws_and_only_to_itself() {
    let mut env = Env::new(Flavor::Token);
    let owner = sponsor(&mut env);
    let stranger = env.user();
    let pool = pool_of(&owner);
    let keeps = env.svm.minimum_balance_for_rent_exemption(0);

    // a stranger's withdrawal naming the owner's pool
    let theirs = pda::sponsor_pool(&stranger.pubkey()).0;
    let steal = swap(
        ix::withdraw_sponsor_pool(&stranger.pubkey(), 1),
        &theirs,
        &pool,
    );
    env.fails_anchor(steal, &[&stranger], Anchor::ConstraintSeeds);
    // the owner's withdrawal without its signature (a stranger pays the fee)
    let mut unsigned = ix::withdraw_sponsor_pool(&owner.pubkey(), 1);
    unsigned.accounts[0].is_signer = false;
    env.fails_anchor(unsigned, &[], Anchor::AccountNotSigner);
    // the owner: nothing, more than the pool, or below its minimum
    let owner_key = owner.pubkey();
    env.fails(
        ix::withdraw_sponsor_pool(&owner_key, 0),
        &[&owner],
        IlmError::ZeroAmount,
    );
    for amount in [POOL + 1, POOL - keeps + 1] {
        let withdraw = ix::withdraw_sponsor_pool(&owner_key, amount);
        env.fails(withdraw, &[&owner], IlmError::SponsorPoolWithdrawal);
    }
    assert_eq!(env.lamports(&pool), POOL);

    let start = env.lamports(&owner_key);
    let withdraw = ix::withdraw_sponsor_pool(&owner_key, POOL - keeps);
    env.send_paid_by(&owner, &[withdraw], &[]).unwrap();
    assert_eq!(env.lamports(&pool), keeps);
    assert_eq!(
        env.lamports(&owner_key),
        start + POOL - keeps - SIGNATURE_FEE
    );
    let all = ix::withdraw_sponsor_pool(&owner_key, keeps);
    env.send_paid_by(&owner, &[all], &[]).unwrap();
    assert_eq!(env.lamports(&pool), 0);
    assert_eq!(env.lamports(&owner_key), start + POOL - 2 * SIGNATURE_FEE);
}

#[test]
fn the_sponsor_closes_what_its_pool_opened_while_it_holds_no_completion() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let owner = sponsor(&mut env);
    let other = sponsor(&mut env);
    let (idle, worker) = (env.newcomer(), env.newcomer());
    let t = newcomer_task(&mut env, &employer, 0);
    let pool = pool_of(&owner);
    let market = env.market.market;

    let open = ix::stake(
        &env.market,
        &idle.pubkey(),
        RentPayer::Pool(owner.pubkey()),
        None,
        0,
    );
    env.send_paid_by(&owner, &[open], &[&idle]).unwrap();
    assert!(POOL > env.lamports(&pool));
    // another sponsor, even one with a pool, is not this record's payer
    let other_close = ix::close_stake(&market, &other.pubkey(), &idle.pubkey(), &pool);
    env.fails(other_close, &[&other], IlmError::NotStakeCloser);
    let close = ix::close_stake(&market, &owner.pubkey(), &idle.pubkey(), &pool);
    env.ok(close, &[&owner]);
    assert_eq!(env.lamports(&pool), POOL);

    // a squatter's abandon marks its record: the contributor cannot close
    // it, the sponsor still takes its rent back (no completion on it)
    let squatter = env.newcomer();
    let s = squatter.pubkey();
    pool_claim(&mut env, &owner, &squatter, &t).unwrap();
    env.send_paid_by(&owner, &[ix::abandon_claim(&t, &s)], &[&squatter])
        .unwrap();
    assert_eq!(env.stake_state(&s).abandoned, 1);
    let own_close = ix::close_stake(&market, &s, &s, &pool);
    let sent = env.send_paid_by(&owner, &[own_close], &[&squatter]);
    assert_failed_at(
        sent,
        0,
        InstructionError::Custom(ilm(IlmError::StakeHasMarks)),
    );
    let record_rent = env.lamports(&env.market.stake(&s));
    let before = env.lamports(&pool);
    env.ok(
        ix::close_stake(&market, &owner.pubkey(), &s, &pool),
        &[&owner],
    );
    assert_eq!(env.lamports(&pool), before + record_rent);

    // a record with a paid completion is its contributor's to close
    pool_claim(&mut env, &owner, &worker, &t).unwrap();
    let me = worker.pubkey();
    env.send_paid_by(
        &owner,
        &[ix::submit_work(&t, &me, [9; 32], String::new())],
        &[&worker],
    )
    .unwrap();
    let mint = env.mint;
    let wallet = env.create_ata(&me, &mint);
    env.ok(ix::approve_work(&t, &me, &wallet), &[&employer]);
    close_task(&mut env, &employer, &t, 0);
    // the pool's rent goes to the pool only: not the sponsor's key, not the contributor
    for to in [owner.pubkey(), me] {
        env.fails_anchor(
            ix::close_claim(&t.task, &me, &to),
            &[],
            Anchor::ConstraintHasOne,
        );
        let close = ix::close_stake(&market, &me, &me, &to);
        let sent = env.send_paid_by(&owner, &[close], &[&worker]);
        assert_failed_at(
            sent,
            0,
            InstructionError::Custom(Anchor::ConstraintHasOne as u32),
        );
    }
    env.ok(ix::close_claim(&t.task, &me, &pool), &[]);
    let close = ix::close_stake(&market, &owner.pubkey(), &me, &pool);
    env.fails(close, &[&owner], IlmError::NotStakeCloser);
}

#[test]
fn an_open_record_leaves_the_pool_alone() {
    let mut env = Env::new(Flavor::Token);
    let employer = env.user();
    let owner = sponsor(&mut env);
    let broke = env.user();
    // bonded for two leases, so a second claim gets past the lease rules
    let worker = env.staked_user(500_000_000);
    let me = worker.pubkey();
    let t = newcomer_task(&mut env, &employer, 0);
    let first = ix::claim_task(&t, &me, RentPayer::Pool(owner.pubkey()));
    env.send_paid_by(&owner, &[first], &[&worker]).unwrap();
    let pool = pool_of(&owner);
    let held = env.lamports(&pool);
    assert_eq!(env.claim_state(&t, &me).rent_payer, pool);

    // a second claim fails as an existing account, with a funded pool or an empty one
    for sponsor in [&owner, &broke] {
        let again = ix::claim_task(&t, &me, RentPayer::Pool(sponsor.pubkey()));
        let sent = env.send_paid_by(sponsor, &[again], &[&worker]);
        let already_in_use = 0; // SystemError::AccountAlreadyInUse
        assert_failed_at(sent, 0, InstructionError::Custom(already_in_use));
    }
    // a stake into an open record draws nothing, even naming an empty pool
    let stake = ix::stake(&env.market, &me, RentPayer::Pool(broke.pubkey()), None, 0);
    env.send_paid_by(&broke, &[stake], &[&worker]).unwrap();
    assert_eq!(env.lamports(&pool), held);
    assert_eq!(
        env.stake_state(&me).rent_payer,
        me,
        "the record keeps its payer"
    );
}

#[test]
fn lamports_sent_to_a_records_address_do_not_block_it() {
    for from_pool in [false, true] {
        let mut env = Env::new(Flavor::Token);
        let employer = env.user();
        let owner = sponsor(&mut env);
        let newcomer = env.newcomer();
        let me = newcomer.pubkey();
        let t = newcomer_task(&mut env, &employer, 0);
        let pool = pool_of(&owner);
        // a griefer funds both addresses before the newcomer's first claim:
        // the record's with less than its rent, the claim's with all of it
        let (record, claim) = (env.market.stake(&me), t.claim(&me));
        let claim_rent = env
            .svm
            .minimum_balance_for_rent_exemption(8 + ilm_client::Claim::INIT_SPACE);
        let griefed = [env.svm.minimum_balance_for_rent_exemption(0), claim_rent];
        for (address, lamports) in [record, claim].into_iter().zip(griefed) {
            env.svm.airdrop(&address, lamports).unwrap();
        }
        let sent_by_griefer: u64 = griefed.iter().sum();
        let payer = if from_pool {
            RentPayer::Pool(owner.pubkey())
        } else {
            RentPayer::Signer(owner.pubkey())
        };
        let (pool_start, key_start) = (env.lamports(&pool), env.lamports(&owner.pubkey()));
        let ixs = [
            ix::stake(&env.market, &me, payer, None, 0),
            ix::claim_task(&t, &me, payer),
        ];
        env.send_paid_by(&owner, &ixs, &[&newcomer]).unwrap();
        assert_eq!(
            env.lamports(&claim),
            claim_rent,
            "nothing added to a funded address"
        );
        let rent = env.lamports(&record) + env.lamports(&claim);
        let paid = rent - sent_by_griefer;
        if from_pool {
            assert_eq!(env.lamports(&pool), pool_start - paid);
        } else {
            assert_eq!(
                env.lamports(&owner.pubkey()),
                key_start - paid - 2 * SIGNATURE_FEE
            );
        }
        assert_eq!(env.claim_state(&t, &me).rent_payer, payer.refund_to());
        assert_eq!(env.stake_state(&me).rent_payer, payer.refund_to());
    }
}

//! A whole market for each token program: every outcome of a claim, fees,
//! closing, and stake withdrawal, with tokens conserved after every step.
use ilm_client::ix;
use ilm_client::{ClaimStatus, IlmError};
use ilm_tests::*;
use solana_signer::Signer;

const STAKE: u64 = 150_000_000;
const REWARD: u64 = 10_000_000;
const FEE: u64 = 250_000;
const BOND: u64 = 20_000_000;

fn lifecycle(flavor: Flavor) {
    let mut env = Env::new(flavor);
    let employer = env.user();
    let [a, b, c, d] = [0; 4].map(|_| env.staked_user(STAKE));
    let t = env.create_task(&employer, default_task(0));
    let vaults = [t.vault];
    env.assert_conserved(&vaults);

    // a: approved
    env.claim(&t, &a);
    env.submit(&t, &a);
    env.approve(&t, &employer, &a.pubkey());
    env.assert_conserved(&vaults);

    // b: rejected, and cannot come back for the same task
    env.claim(&t, &b);
    env.submit(&t, &b);
    env.ok(ix::reject_work(&t, &b.pubkey(), [2; 32]), &[&employer]);
    assert!(env
        .send(&[ix::claim_task(&t, &b.pubkey(), &b.pubkey())], &[&b])
        .is_err());
    env.assert_conserved(&vaults);

    // c: lease runs out; a crank expires it and the employer gets half the bond
    env.claim(&t, &c);
    env.warp(3_600);
    let slash_to = env.stake_wallet(&employer.pubkey());
    env.ok(
        ix::expire_claim(&t, &env.market, &c.pubkey(), &slash_to),
        &[],
    );
    env.assert_conserved(&vaults);

    // d: the employer stays silent; anyone settles after the review window
    env.claim(&t, &d);
    env.submit(&t, &d);
    env.warp(86_400);
    let to = env.wallet(&d.pubkey());
    env.ok(
        ix::settle_work(&t, &d.pubkey(), &to, &env.payer.pubkey()),
        &[],
    );
    env.assert_conserved(&vaults);

    // two paid, one slot left; the employer adds one more
    let wallet = env.wallet(&employer.pubkey());
    env.ok(ix::fund_task(&t, &wallet, 1), &[&employer]);
    let fee_token = env.wallet(&env.fee_owner.pubkey());
    env.ok(ix::collect_fees(&t, &fee_token), &[]);
    env.assert_conserved(&vaults);
    let task = env.task_state(&t);
    assert_eq!(
        (
            task.max_completions,
            task.completions,
            task.active,
            task.fees_owed
        ),
        (4, 2, 0, 0)
    );
    assert_eq!(env.balance(&t.vault), 2 * (REWARD + FEE));

    // the end: close the task, then the claims, then leave the market
    env.warp_to(default_task(0).deadline + default_task(0).review_secs);
    env.ok(ix::close_task(&t, &wallet, &fee_token), &[&employer]);
    for u in [&a, &b, &c, &d] {
        env.ok(ix::close_claim(&t.task, &u.pubkey(), &u.pubkey()), &[]);
    }
    for u in [&a, &b, &d] {
        env.ok(ix::request_unstake(&env.market, &u.pubkey(), STAKE), &[u]);
    }
    env.ok(
        ix::request_unstake(&env.market, &c.pubkey(), STAKE - BOND / 2),
        &[&c],
    );
    env.warp(86_400);
    for u in [&a, &b, &c, &d] {
        let w = env.stake_wallet(&u.pubkey());
        env.ok(ix::withdraw_stake(&env.market, &u.pubkey(), &w), &[u]);
    }
    env.assert_conserved(&[]);

    // where every token went
    assert_eq!(
        env.balance(&env.wallet(&a.pubkey())),
        STARTING_TOKENS + REWARD
    );
    assert_eq!(
        env.balance(&env.wallet(&d.pubkey())),
        STARTING_TOKENS + REWARD
    );
    assert_eq!(env.balance(&env.wallet(&b.pubkey())), STARTING_TOKENS);
    assert_eq!(env.balance(&env.wallet(&c.pubkey())), STARTING_TOKENS);
    assert_eq!(env.balance(&fee_token), STARTING_TOKENS + 2 * FEE);
    assert_eq!(env.balance(&wallet), STARTING_TOKENS - 2 * (REWARD + FEE));
    assert_eq!(
        env.balance(&env.stake_wallet(&employer.pubkey())),
        STARTING_TOKENS + BOND / 2
    );
    assert_eq!(
        env.balance(&env.stake_wallet(&c.pubkey())),
        STARTING_TOKENS - BOND / 2
    );
    assert_eq!(env.balance(&env.market.stake_vault), 0);
    // reputations
    let rec = |u: &solana_keypair::Keypair| env.stake_state(&u.pubkey());
    assert_eq!(
        (
            rec(&a).completed,
            rec(&b).rejected,
            rec(&c).expired,
            rec(&d).completed
        ),
        (1, 1, 1, 1)
    );
    let e = env
        .try_account::<ilm_client::Employer>(&t.employer_record())
        .unwrap();
    assert_eq!(
        (e.approved, e.rejected, e.auto_settled, e.leases_expired),
        (1, 1, 1, 1)
    );
}

#[test]
fn lifecycle_with_token_program() {
    lifecycle(Flavor::Token);
}

#[test]
fn lifecycle_with_token_2022() {
    lifecycle(Flavor::Token2022);
}

#[test]
fn settled_claims_stay_paid_once() {
    let (mut env, employer, t, u) = leased(Flavor::Token);
    env.submit(&t, &u);
    env.approve(&t, &employer, &u.pubkey());
    assert_eq!(env.claim_state(&t, &u.pubkey()).status, ClaimStatus::Paid);
    let to = env.wallet(&u.pubkey());
    env.warp(86_400);
    env.fails(
        ix::settle_work(&t, &u.pubkey(), &to, &env.payer.pubkey()),
        &[],
        IlmError::InvalidClaimState,
    );
    env.fails(
        ix::submit_work(&t, &u.pubkey(), [1; 32], String::new()),
        &[&u],
        IlmError::InvalidClaimState,
    );
    assert_eq!(env.balance(&to), STARTING_TOKENS + REWARD);
    env.assert_conserved(&[t.vault]);
}

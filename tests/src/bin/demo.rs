//! `make demo`: one judged task end to end on the real `ilm.so` in LiteSVM:
//! an employer escrows a bounty, three contributors stake and deliver, and the
//! program pays approved and timed-out work in the same instruction that
//! settles it. (The `ilm` CLI and its 50,000-contributor demo come with issue #5.)
use ilm_client::ix;
use ilm_tests::*;
use solana_signer::Signer;
use std::time::Instant;

fn tokens(base: u64) -> String {
    format!("{}.{:06}", base / 1_000_000, base % 1_000_000)
}

fn main() {
    let started = Instant::now();
    let mut env = Env::new(Flavor::Token);
    let mut steps: Vec<(String, u64)> = Vec::new();
    println!("ilm demo: a market with a 2.5% fee, 100-token minimum stake, 50% slash");

    let employer = env.user();
    let t = env.create_task(&employer, default_task(0));
    println!(
        "employer {} posts a labeling task: 3 x 10 tokens, escrowed {} tokens in vault {}",
        employer.pubkey(),
        tokens(env.balance(&t.vault)),
        t.vault
    );
    let names = ["alice", "bob", "carol"];
    let people = [0; 3].map(|_| env.user());
    for (name, p) in names.iter().zip(&people) {
        let cu = env.stake(p, 150_000_000).cu;
        steps.push((format!("{name}: stake 150"), cu));
        let cu = env.claim(&t, p).cu;
        steps.push((format!("{name}: claim_task (bond 20 locked)"), cu));
        let cu = env.submit(&t, p).cu;
        steps.push((format!("{name}: submit_work"), cu));
    }
    let [alice, bob, carol] = &people;
    let cu = env.approve(&t, &employer, &alice.pubkey()).cu;
    steps.push(("employer approves alice: paid at once".into(), cu));
    let cu = env
        .ok(ix::reject_work(&t, &bob.pubkey(), [1; 32]), &[&employer])
        .cu;
    steps.push((
        "employer rejects bob: bond unlocked, slot free again".into(),
        cu,
    ));
    env.warp(86_400);
    let to = env.wallet(&carol.pubkey());
    let cu = env
        .ok(
            ix::settle_work(&t, &carol.pubkey(), &to, &env.payer.pubkey()),
            &[],
        )
        .cu;
    steps.push(("review window over: anyone settles carol".into(), cu));
    let fee_token = env.wallet(&env.fee_owner.pubkey());
    let cu = env.ok(ix::collect_fees(&t, &fee_token), &[]).cu;
    steps.push(("collect_fees to the fee owner".into(), cu));
    env.warp_to(default_task(0).deadline + default_task(0).review_secs);
    let wallet = env.wallet(&employer.pubkey());
    let refund_before = env.balance(&wallet);
    let cu = env
        .ok(ix::close_task(&t, &wallet, &fee_token), &[&employer])
        .cu;
    steps.push(("close_task: unused slot refunded, rent returned".into(), cu));
    env.assert_conserved(&[]);

    println!("\n| step | compute units |\n| --- | ---: |");
    for (s, cu) in &steps {
        println!("| {s} | {cu} |");
    }
    println!("\n| who | earned (tokens) |\n| --- | ---: |");
    for (name, p) in names.iter().zip(&people) {
        let earned = env.balance(&env.wallet(&p.pubkey())) - STARTING_TOKENS;
        println!("| {name} | {} |", tokens(earned));
    }
    println!(
        "| protocol fees | {} |",
        tokens(env.balance(&fee_token) - STARTING_TOKENS)
    );
    println!(
        "| employer refund at close | {} |",
        tokens(env.balance(&wallet) - refund_before)
    );
    println!(
        "\nall tokens accounted for; wall time {:.2?}",
        started.elapsed()
    );
}

//! Every transaction the client builds fits a cluster's 1,232-byte packet at
//! the largest parameters the program accepts, and the limits sit exactly at
//! the edge: one more signature, proof level or bitmap shard would not fit.
//! Each transaction is built as `ilm` sends it: a third-party fee payer (the
//! one signature besides the instruction's own signers), the compute-unit
//! limit and price the RPC backend puts first, and the recipient's token
//! account created in the same transaction where the CLI does that.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use ilm_client::attest::{precompile_instruction, Attestation};
use ilm_client::ilm::constants::{
    MAX_ANSWER_LEN, MAX_ATTESTERS, MAX_ATTESTER_THRESHOLD, MAX_FREEZABLE_MINTS, MAX_PROOF_LEN,
    MAX_RESULT_URI_LEN, MAX_SPEC_URI_LEN,
};
use ilm_client::ilm::instructions::SubmitAttestedArgs;
use ilm_client::ix::{self, MarketKeys, TaskKeys};
use ilm_client::Verifier;
use ilm_client::{token, MarketParams};
use ilm_ledger::PACKET_DATA_SIZE;
use ilm_tests::default_task;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction::Transaction;

/// The serialized size of `instructions` as `ilm` sends them, signed by a
/// separate fee payer and `signers`.
fn size(instructions: &[Instruction], signers: &[&Keypair]) -> usize {
    sized_with(&Keypair::new(), instructions, signers)
}

/// Like [`size`] with the fee payer given (it pays rent in `instructions`).
fn sized_with(payer: &Keypair, instructions: &[Instruction], signers: &[&Keypair]) -> usize {
    let mut all = vec![
        ComputeBudgetInstruction::set_compute_unit_limit(200_000),
        ComputeBudgetInstruction::set_compute_unit_price(1_000),
    ];
    all.extend_from_slice(instructions);
    let mut keys: Vec<&Keypair> = vec![payer];
    keys.extend_from_slice(signers);
    let tx = Transaction::new_signed_with_payer(
        &all,
        Some(&payer.pubkey()),
        &keys,
        solana_hash::Hash::default(),
    );
    bincode::serialized_size(&tx).unwrap() as usize
}

fn fits(what: &str, bytes: usize) {
    println!("{what}: {bytes} bytes");
    assert!(bytes <= PACKET_DATA_SIZE, "{what}: {bytes} bytes");
}

fn too_big(what: &str, bytes: usize) {
    assert!(
        bytes > PACKET_DATA_SIZE,
        "{what} would fit ({bytes} bytes): raise the limit"
    );
}

fn task() -> TaskKeys {
    TaskKeys::new(
        Pubkey::new_unique(),
        Pubkey::new_unique(),
        0,
        Pubkey::new_unique(),
        token::TOKEN_2022_PROGRAM,
    )
}

/// `attest submit`: the contributor's token account opened, the precompile
/// with `n` signatures and the payout; or, as standard ed25519 tooling lays
/// them out, one precompile instruction per signature (with the token
/// account opened beforehand).
fn attested(n: usize, packed: bool) -> usize {
    let t = task();
    let contributor = Pubkey::new_unique();
    let a = Attestation {
        market: t.market,
        domain: [1; 32],
        task: t.task,
        contributor,
        cumulative_units: 1,
        result_hash: [2; 32],
        expires_at: 3,
    };
    let sigs: Vec<_> = (0..n).map(|_| a.sign(&Keypair::new())).collect();
    let payer = Keypair::new();
    let to = token::ata(&contributor, &t.mint, &t.token_program);
    let mut ixs = if packed {
        vec![
            token::create_ata(&payer.pubkey(), &contributor, &t.mint, &t.token_program),
            precompile_instruction(&sigs, &a.message()),
        ]
    } else {
        sigs.iter()
            .map(|s| precompile_instruction(&[*s], &a.message()))
            .collect()
    };
    let args = SubmitAttestedArgs {
        cumulative_units: 1,
        result_hash: [2; 32],
        expires_at: 3,
    };
    ixs.push(ix::submit_attested(&t, &contributor, &to, args));
    sized_with(&payer, &ixs, &[])
}

#[test]
fn attested_payouts_fit_up_to_the_threshold_cap() {
    let cap = usize::from(MAX_ATTESTER_THRESHOLD);
    fits(
        "submit_attested, packed, threshold cap",
        attested(cap, true),
    );
    fits(
        "submit_attested, one signature per precompile instruction, threshold cap",
        attested(cap, false),
    );
    too_big(
        "submit_attested, one signature per instruction, one more",
        attested(cap + 1, false),
    );
    too_big("submit_attested, packed, one more", attested(cap + 1, true));
}

/// `merkle claim` / `merkle push`: the recipient's token account opened in
/// the same transaction, a proof of `depth` levels.
fn claim(depth: usize) -> usize {
    let t = task();
    let recipient = Pubkey::new_unique();
    let payer = Keypair::new();
    let to = token::ata(&recipient, &t.mint, &t.token_program);
    sized_with(
        &payer,
        &[
            token::create_ata(&payer.pubkey(), &recipient, &t.mint, &t.token_program),
            ix::claim_merkle(&t, 7, &recipient, &to, 1, vec![[3; 32]; depth]),
        ],
        &[],
    )
}

#[test]
fn merkle_claims_fit_up_to_the_deepest_proof() {
    fits("claim_merkle at the deepest proof", claim(MAX_PROOF_LEN));
    too_big("claim_merkle one level deeper", claim(MAX_PROOF_LEN + 1));
}

/// `merkle publish`: the root and `shards` bitmap shards in one transaction,
/// a crank paying the shards' rent.
fn publish(shards: usize) -> usize {
    let (employer, payer) = (Keypair::new(), Keypair::new());
    let t = TaskKeys::new(
        Pubkey::new_unique(),
        employer.pubkey(),
        0,
        Pubkey::new_unique(),
        token::TOKEN_PROGRAM,
    );
    let mut ixs = vec![ix::publish_root(&t, [4; 32], 1, 1)];
    ixs.extend((0..shards).map(|s| ix::init_bitmap(&t, &payer.pubkey(), s as u16)));
    sized_with(&payer, &ixs, &[&employer])
}

#[test]
fn publishing_chunks_its_shards() {
    fits("publish_root + shards", publish(ix::SHARDS_PER_TRANSACTION));
    too_big(
        "publish_root + one more shard",
        publish(ix::SHARDS_PER_TRANSACTION + 1),
    );
}

#[test]
fn the_largest_arguments_fit() {
    let employer = Keypair::new();
    let m = MarketKeys::new(
        employer.pubkey(),
        0,
        Pubkey::new_unique(),
        token::TOKEN_PROGRAM,
    );
    let params = MarketParams {
        attesters: (0..MAX_ATTESTERS).map(|_| Pubkey::new_unique()).collect(),
        attester_threshold: MAX_ATTESTER_THRESHOLD,
        freezable_mints: (0..MAX_FREEZABLE_MINTS)
            .map(|_| Pubkey::new_unique())
            .collect(),
        ..ilm_tests::default_params(Pubkey::new_unique())
    };
    fits(
        "create_market, every attester and freezable mint",
        size(&[ix::create_market(&m, params.clone())], &[&employer]),
    );
    fits(
        "update_market, every attester and freezable mint",
        size(&[ix::update_market(&m, params, false)], &[&employer]),
    );

    let t = TaskKeys::new(
        m.market,
        employer.pubkey(),
        0,
        Pubkey::new_unique(),
        token::TOKEN_PROGRAM,
    );
    let from = token::ata(&employer.pubkey(), &t.mint, &t.token_program);
    let mut args = default_task(0);
    args.spec_uri = "u".repeat(MAX_SPEC_URI_LEN);
    args.verifier = Verifier::Preimage {
        answer_hash: [1; 32],
        salt_hash: [2; 32],
        salt: [0; 32],
        opened_at: 0,
    };
    fits(
        "create_task, longest spec URI, Preimage",
        size(&[ix::create_task(&t, &from, args)], &[&employer]),
    );

    let contributor = Keypair::new();
    let to = token::ata(&contributor.pubkey(), &t.mint, &t.token_program);
    let open = token::create_ata(
        &contributor.pubkey(),
        &contributor.pubkey(),
        &t.mint,
        &t.token_program,
    );
    fits(
        "reveal_answer, longest answer, token account opened",
        size(
            &[
                open.clone(),
                ix::reveal_answer(
                    &t,
                    &contributor.pubkey(),
                    &to,
                    vec![b'a'; MAX_ANSWER_LEN],
                    [5; 32],
                ),
            ],
            &[&contributor],
        ),
    );
    fits(
        "submit_work, longest result URI",
        size(
            &[ix::submit_work(
                &t,
                &contributor.pubkey(),
                [6; 32],
                "r".repeat(MAX_RESULT_URI_LEN),
            )],
            &[&contributor],
        ),
    );
}

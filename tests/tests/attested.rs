//! submit_attested: DePIN work measured by m-of-n attesters, paid per unit.
use ilm_client::attest::{precompile_instruction, Attestation, ED25519_PROGRAM};
use ilm_client::ilm::instructions::SubmitAttestedArgs;
use ilm_client::ix::{self, TaskKeys};
use ilm_client::{ClaimStatus, IlmError};
use ilm_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;

const PER_UNIT: u64 = 1_000;
const UNITS: u32 = 100;

/// A market with attesters 0..n (threshold m), an Attested task of 100
/// units at 1,000 base units each, and one leased claim.
fn depin(m: u8, n: u8) -> (Env, TaskKeys, Keypair) {
    let mut env = Env::attested(Flavor::Token, m, n);
    let employer = env.user();
    let t = env.create_task(&employer, attested_task_args(0, PER_UNIT, UNITS));
    let u = env.staked_user(150_000_000);
    env.claim(&t, &u);
    (env, t, u)
}

fn args(a: &Attestation) -> SubmitAttestedArgs {
    SubmitAttestedArgs {
        cumulative_units: a.cumulative_units,
        result_hash: a.result_hash,
        expires_at: a.expires_at,
    }
}

fn refused(
    env: &mut Env,
    ixs: &[anchor_lang::solana_program::instruction::Instruction],
    e: IlmError,
) {
    env.fails_at(
        ixs,
        &[],
        1,
        InstructionError::Custom(ilm_client::error_code(e)),
    );
}

#[test]
fn one_of_one_pays_units_and_only_new_units() {
    let (mut env, t, u) = depin(1, 1);
    let a = env.attestation(&t, &u.pubkey(), 30);
    let ixs = attested_payout(&t, &a, &env.wallet(&u.pubkey()), &[&attester(0)]);
    env.send(&ixs, &[]).expect("30 units");
    let wallet = env.wallet(&u.pubkey());
    assert_eq!(env.balance(&wallet), STARTING_TOKENS + 30 * PER_UNIT);
    let c = env.claim_state(&t, &u.pubkey());
    assert_eq!(
        (c.status, c.paid_units, c.bond),
        (ClaimStatus::Leased, 30, 0)
    );
    assert_eq!(env.stake_state(&u.pubkey()).locked, 0);
    // cumulative 45 pays 15 more
    let ixs = attested_payout(
        &t,
        &env.attestation(&t, &u.pubkey(), 45),
        &env.wallet(&u.pubkey()),
        &[&attester(0)],
    );
    env.send(&ixs, &[]).expect("45 units");
    assert_eq!(env.balance(&wallet), STARTING_TOKENS + 45 * PER_UNIT);
    let task = env.task_state(&t);
    assert_eq!((task.completions, task.active), (45, 1));
    // replaying an old value pays nothing
    let ixs = attested_payout(
        &t,
        &env.attestation(&t, &u.pubkey(), 45),
        &env.wallet(&u.pubkey()),
        &[&attester(0)],
    );
    refused(&mut env, &ixs, IlmError::StaleAttestation);
    let ixs = attested_payout(&t, &a, &env.wallet(&u.pubkey()), &[&attester(0)]);
    refused(&mut env, &ixs, IlmError::StaleAttestation);
    env.assert_conserved(&[t.vault]);
}

#[test]
fn two_of_three_pays() {
    let (mut env, t, u) = depin(2, 3);
    let a = env.attestation(&t, &u.pubkey(), 10);
    let ixs = attested_payout(
        &t,
        &a,
        &env.wallet(&u.pubkey()),
        &[&attester(2), &attester(0)],
    );
    env.send(&ixs, &[]).expect("2-of-3");
    assert_eq!(
        env.balance(&env.wallet(&u.pubkey())),
        STARTING_TOKENS + 10 * PER_UNIT
    );
}

#[test]
fn below_threshold_is_refused() {
    let (mut env, t, u) = depin(2, 3);
    let ixs = attested_payout(
        &t,
        &env.attestation(&t, &u.pubkey(), 10),
        &env.wallet(&u.pubkey()),
        &[&attester(1)],
    );
    refused(&mut env, &ixs, IlmError::AttestationThresholdNotMet);
}

#[test]
fn non_attester_and_duplicate_signers_are_refused() {
    let (mut env, t, u) = depin(2, 3);
    let a = env.attestation(&t, &u.pubkey(), 10);
    let stranger = Keypair::new_from_array([99; 32]);
    let ixs = attested_payout(&t, &a, &env.wallet(&u.pubkey()), &[&attester(0), &stranger]);
    refused(&mut env, &ixs, IlmError::UnknownAttester);
    let ixs = attested_payout(
        &t,
        &a,
        &env.wallet(&u.pubkey()),
        &[&attester(0), &attester(0)],
    );
    refused(&mut env, &ixs, IlmError::DuplicateAttester);
}

#[test]
fn messages_for_other_tasks_contributors_or_programs_are_refused() {
    let (mut env, t, u) = depin(1, 1);
    let other = env.user();
    let signer = attester(0);
    let good = env.attestation(&t, &u.pubkey(), 10);
    for wrong in [
        Attestation {
            task: t.market,
            ..good
        },
        Attestation {
            contributor: other.pubkey(),
            ..good
        },
        Attestation {
            market: t.task,
            ..good
        },
        Attestation {
            domain: [9; 32],
            ..good
        },
    ] {
        let sig = wrong.sign(&signer);
        let ixs = [
            precompile_instruction(&[sig], &wrong.message()),
            ix::submit_attested(&t, &u.pubkey(), &env.wallet(&u.pubkey()), args(&good)),
        ];
        refused(&mut env, &ixs, IlmError::AttestationMessageMismatch);
    }
    // another program's message: same fields, different program id inside
    let foreign = ilm_client::attest::attestation_message(
        &anchor_lang::prelude::Pubkey::new_from_array([9; 32]),
        &good.market,
        &good.domain,
        &good.task,
        &good.contributor,
        good.cumulative_units,
        &good.result_hash,
        good.expires_at,
    );
    let sig = signer.sign_message(&foreign);
    let ixs = [
        precompile_instruction(&[(signer.pubkey().to_bytes(), sig.into())], &foreign),
        ix::submit_attested(&t, &u.pubkey(), &env.wallet(&u.pubkey()), args(&good)),
    ];
    refused(&mut env, &ixs, IlmError::AttestationMessageMismatch);
}

#[test]
fn expired_attestation_is_refused() {
    let (mut env, t, u) = depin(1, 1);
    let a = env.attestation(&t, &u.pubkey(), 10);
    env.warp(600);
    let ixs = attested_payout(&t, &a, &env.wallet(&u.pubkey()), &[&attester(0)]);
    refused(&mut env, &ixs, IlmError::AttestationExpired);
}

#[test]
fn missing_precompile_is_refused() {
    let (mut env, t, u) = depin(1, 1);
    let a = env.attestation(&t, &u.pubkey(), 10);
    let submit = ix::submit_attested(&t, &u.pubkey(), &env.wallet(&u.pubkey()), args(&a));
    env.fails(submit.clone(), &[], IlmError::MissingAttestation);
    // an unrelated instruction in front does not count either
    let payer = env.payer.pubkey();
    let unrelated = solana_system_interface::instruction::transfer(&payer, &payer, 1);
    refused(&mut env, &[unrelated, submit], IlmError::MissingAttestation);
}

#[test]
fn spoofed_offsets_are_refused() {
    let (mut env, t, u) = depin(1, 1);
    let a = env.attestation(&t, &u.pubkey(), 10);
    let sig = a.sign(&attester(0));
    // the same signature, but its message index names instruction 0 explicitly:
    // the runtime still verifies it, the program must not trust it
    let mut pre = precompile_instruction(&[sig], &a.message());
    pre.data[14..16].copy_from_slice(&0u16.to_le_bytes());
    let ixs = [
        pre,
        ix::submit_attested(&t, &u.pubkey(), &env.wallet(&u.pubkey()), args(&a)),
    ];
    refused(&mut env, &ixs, IlmError::InvalidAttestation);
}

#[test]
fn forged_signature_is_refused_by_the_runtime() {
    let (mut env, t, u) = depin(1, 1);
    let a = env.attestation(&t, &u.pubkey(), 10);
    let (key, mut sig) = a.sign(&attester(0));
    sig[0] ^= 1;
    let ixs = [
        precompile_instruction(&[(key, sig)], &a.message()),
        ix::submit_attested(&t, &u.pubkey(), &env.wallet(&u.pubkey()), args(&a)),
    ];
    let err = env
        .send(&ixs, &[])
        .expect_err("a forged signature must fail");
    // the precompile (instruction 0) rejects it before ilm runs
    assert!(
        matches!(
            err.err,
            solana_transaction_error::TransactionError::InstructionError(0, _)
        ),
        "{:?}",
        err.err
    );
    assert_eq!(env.balance(&env.wallet(&u.pubkey())), STARTING_TOKENS);
}

#[test]
fn payment_is_capped_by_the_funded_units() {
    let (mut env, t, u) = depin(1, 1);
    let ixs = attested_payout(
        &t,
        &env.attestation(&t, &u.pubkey(), 1_000),
        &env.wallet(&u.pubkey()),
        &[&attester(0)],
    );
    env.send(&ixs, &[]).expect("capped");
    assert_eq!(
        env.balance(&env.wallet(&u.pubkey())),
        STARTING_TOKENS + u64::from(UNITS) * PER_UNIT
    );
    let c = env.claim_state(&t, &u.pubkey());
    assert_eq!(
        (c.status, c.paid_units),
        (ClaimStatus::Paid, u64::from(UNITS))
    );
    let task = env.task_state(&t);
    assert_eq!((task.completions, task.active), (UNITS, 0));
    assert_eq!(env.balance(&t.vault), task.fees_owed);
}

#[test]
fn attested_task_needs_attested_claims() {
    let (mut env, t, u) = depin(1, 1);
    assert_eq!(
        ED25519_PROGRAM.to_string(),
        "Ed25519SigVerify111111111111111111111111111"
    );
    let ix = ix::submit_work(&t, &u.pubkey(), [1; 32], String::new());
    env.fails(ix, &[&u], IlmError::WrongVerifier);
    let (mut env, _, review, v) = leased(Flavor::Token);
    let a = env.attestation(&review, &v.pubkey(), 1);
    let ixs = [
        precompile_instruction(&[a.sign(&attester(0))], &a.message()),
        ix::submit_attested(&review, &v.pubkey(), &env.wallet(&v.pubkey()), args(&a)),
    ];
    refused(&mut env, &ixs, IlmError::WrongVerifier);
}

#[test]
fn a_paid_claim_ends_with_its_lease_without_a_mark() {
    let (mut env, t, u) = depin(1, 1);
    let ixs = attested_payout(
        &t,
        &env.attestation(&t, &u.pubkey(), 5),
        &env.wallet(&u.pubkey()),
        &[&attester(0)],
    );
    env.send(&ixs, &[]).expect("5 units");
    env.warp(3_600);
    let employer_stake = env.stake_wallet(&t.employer);
    env.ok(
        ix::expire_claim(&t, &env.market, &u.pubkey(), &employer_stake),
        &[],
    );
    let s = env.stake_state(&u.pubkey());
    assert_eq!((s.amount, s.expired, s.completed), (150_000_000, 0, 1));
    assert_eq!(env.task_state(&t).active, 0);
    assert_eq!(
        env.claim_state(&t, &u.pubkey()).status,
        ClaimStatus::Expired
    );
}

/// One signature per precompile instruction, as standard ed25519 tooling
/// (`solana_ed25519_program::new_ed25519_instruction_with_signature`) writes them.
fn standard(
    a: &Attestation,
    signer: &Keypair,
) -> anchor_lang::solana_program::instruction::Instruction {
    let (key, signature) = a.sign(signer);
    let ix = solana_ed25519_program::new_ed25519_instruction_with_signature(
        &a.message(),
        &signature,
        &key,
    );
    anchor_lang::solana_program::instruction::Instruction {
        program_id: ix.program_id,
        accounts: vec![],
        data: ix.data,
    }
}

#[test]
fn one_signature_is_laid_out_as_standard_tooling_does() {
    let (env, t, u) = depin(1, 1);
    let a = env.attestation(&t, &u.pubkey(), 10);
    let ours = precompile_instruction(&[a.sign(&attester(0))], &a.message());
    let theirs = standard(&a, &attester(0));
    assert_eq!(
        (ours.program_id, ours.data),
        (theirs.program_id, theirs.data)
    );
}

#[test]
fn one_precompile_instruction_per_signature_pays() {
    let (mut env, t, u) = depin(2, 3);
    let a = env.attestation(&t, &u.pubkey(), 10);
    let to = env.wallet(&u.pubkey());
    let pay = ix::submit_attested(&t, &u.pubkey(), &to, args(&a));
    let ixs = [standard(&a, &attester(1)), standard(&a, &attester(2)), pay];
    env.send(&ixs, &[])
        .expect("2-of-3, one signature per instruction");
    assert_eq!(env.balance(&to), STARTING_TOKENS + 10 * PER_UNIT);
}

#[test]
fn separate_precompile_instructions_keep_every_check() {
    let (mut env, t, u) = depin(2, 3);
    let a = env.attestation(&t, &u.pubkey(), 10);
    let to = env.wallet(&u.pubkey());
    let pay = ix::submit_attested(&t, &u.pubkey(), &to, args(&a));
    // The same attester in two instructions counts once.
    let ixs = [
        standard(&a, &attester(1)),
        standard(&a, &attester(1)),
        pay.clone(),
    ];
    env.fails_at(
        &ixs,
        &[],
        2,
        InstructionError::Custom(ilm_client::error_code(IlmError::DuplicateAttester)),
    );
    // Only the run right before submit_attested counts: another instruction ends it.
    let gap =
        solana_compute_budget_interface::ComputeBudgetInstruction::set_compute_unit_limit(400_000);
    let gap = anchor_lang::solana_program::instruction::Instruction {
        program_id: gap.program_id,
        accounts: vec![],
        data: gap.data,
    };
    let ixs = [
        standard(&a, &attester(1)),
        gap,
        standard(&a, &attester(2)),
        pay.clone(),
    ];
    env.fails_at(
        &ixs,
        &[],
        3,
        InstructionError::Custom(ilm_client::error_code(IlmError::AttestationThresholdNotMet)),
    );
    // Every instruction of the run must sign this payout's message.
    let other = env.attestation(&t, &u.pubkey(), 11);
    let ixs = [
        standard(&other, &attester(1)),
        standard(&a, &attester(2)),
        pay,
    ];
    env.fails_at(
        &ixs,
        &[],
        2,
        InstructionError::Custom(ilm_client::error_code(IlmError::AttestationMessageMismatch)),
    );
    assert_eq!(env.balance(&to), STARTING_TOKENS, "no token moved");
}

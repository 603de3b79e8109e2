//! The floor program does the work it is measured for: it pays, and it
//! refuses what ilm refuses on the same path (a wrong Merkle proof, a wrong
//! answer, an unknown attester, a leaf paid twice), moving no token then.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use ilm_tests::floor::*;
use ilm_tests::*;
use solana_keypair::Keypair;
use solana_signer::Signer;
use solana_transaction_error::TransactionError;

/// Sends `ixs` and asserts custom error `code` from the floor (the last
/// instruction) and an unchanged `to`.
fn refused(env: &mut Env, ixs: &[Instruction], signers: &[&Keypair], to: &Pubkey, code: u32) {
    let before = env.balance(to);
    let failed = env.send(ixs, signers).expect_err("the floor refuses");
    assert_eq!(
        failed.err,
        TransactionError::InstructionError((ixs.len() - 1) as u8, InstructionError::Custom(code)),
        "{}",
        failed.logs.join("\n")
    );
    assert_eq!(env.balance(to), before, "no token moved");
}

#[test]
fn the_floor_knows_the_real_program_ids() {
    use ::floor::ids;
    assert_eq!(ids::TOKEN, anchor_spl::token::ID.to_bytes());
    assert_eq!(ids::TOKEN_2022, anchor_spl::token_2022::ID.to_bytes());
    assert_eq!(ids::ED25519, ilm_client::attest::ED25519_PROGRAM.to_bytes());
    assert_eq!(
        ids::INSTRUCTIONS_SYSVAR,
        ilm_client::ix::INSTRUCTIONS_SYSVAR.to_bytes()
    );
}

#[test]
fn the_floor_pays_every_path_with_both_token_programs() {
    for flavor in [Flavor::Token, Flavor::Token2022] {
        let cu = measure_floor(flavor);
        assert_eq!(cu.len(), 6, "{cu:?}");
        let ilm = ilm_tests::bench::measure(flavor).cu;
        for (name, floor) in &cu {
            assert!(
                *floor > 0 && *floor < ilm[name],
                "{name}: floor {floor}, ilm {}",
                ilm[name]
            );
        }
    }
}

#[test]
fn the_floor_refuses_what_ilm_refuses() {
    let mut env = Env::new(Flavor::Token).with_floor();

    let (ix, who, to) = reveal_ix(&mut env, b"dog");
    refused(&mut env, &[ix], &[&who], &to, 36); // commitment was to "cat"

    let signers = [attester(1)];
    let (mut ixs, to) = attested_ixs(&mut env, &signers);
    let stranger = Keypair::new();
    let message = ixs[0].data[ixs[0].data.len() - 32..].to_vec();
    ixs[0] = ilm_client::attest::precompile_instruction(
        &[(
            stranger.pubkey().to_bytes(),
            stranger.sign_message(&message).into(),
        )],
        &message,
    );
    refused(&mut env, &ixs, &[], &to, 56);

    let (tree, owners, t, bitmap) = merkle_task(&mut env);
    let mut wrong = tree.proof(5);
    wrong[3][0] ^= 1;
    let (ix, to) = merkle_ix(&mut env, &owners, &t, bitmap, 5, wrong);
    refused(&mut env, &[ix], &[], &to, 66);
    let (ix, to) = merkle_ix(&mut env, &owners, &t, bitmap, 5, tree.proof(5));
    env.ok(ix.clone(), &[]);
    assert_eq!(env.balance(&to), 40);
    env.warp(1);
    refused(&mut env, &[ix], &[], &to, 68);
}

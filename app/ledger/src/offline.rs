//! Transactions signed by several parties, not all at one machine: each runs
//! the same command with the same `--blockhash`, signs with the keys it
//! holds, and passes on its signatures; whoever holds the rest adds them and
//! sends ([`crate::Ledger::send_signed`]). The message must come out byte for
//! byte the same everywhere, so nothing in it may depend on a simulation:
//! the compute budget is only what the caller fixes.
use crate::{check_size, LedgerError};
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
use solana_compute_budget_interface::ComputeBudgetInstruction;
use solana_hash::Hash;
use solana_keypair::Keypair;
use solana_message::Message;
use solana_signature::Signature;
use solana_signer::Signer;
use solana_transaction::Transaction;
use std::str::FromStr;

/// A signature made elsewhere, as `PUBKEY=SIGNATURE` (what `--sign-only` prints).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Presigned {
    pub signer: Pubkey,
    pub signature: Signature,
}

impl FromStr for Presigned {
    type Err = String;
    fn from_str(text: &str) -> Result<Presigned, String> {
        let bad = || format!("{text:?} is not PUBKEY=SIGNATURE (as --sign-only prints them)");
        let (signer, signature) = text.split_once('=').ok_or_else(bad)?;
        Ok(Presigned {
            signer: signer.trim().parse().map_err(|_| bad())?,
            signature: signature.trim().parse().map_err(|_| bad())?,
        })
    }
}

impl std::fmt::Display for Presigned {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}={}", self.signer, self.signature)
    }
}

/// The transaction of `instructions` paid by `fee_payer` with `blockhash`
/// (compute budget `limit`/`price` first when given), signed by each of
/// `keypairs` it needs and by every `presigned` signature, which must be over
/// this very message. Signers still missing keep the default signature
/// ([`absent_signers`]). Refused when it would not fit a packet.
pub fn sign_partial(
    instructions: &[Instruction],
    fee_payer: &Pubkey,
    keypairs: &[&Keypair],
    presigned: &[Presigned],
    blockhash: Hash,
    (limit, price): (Option<u32>, Option<u64>),
) -> Result<Transaction, LedgerError> {
    let mut all = Vec::with_capacity(instructions.len() + 2);
    all.extend(limit.map(ComputeBudgetInstruction::set_compute_unit_limit));
    all.extend(price.map(ComputeBudgetInstruction::set_compute_unit_price));
    all.extend_from_slice(instructions);
    let message = Message::new_with_blockhash(&all, Some(fee_payer), &blockhash);
    let mut tx = Transaction::new_unsigned(message);
    let required = usize::from(tx.message.header.num_required_signatures);
    let signers = tx.message.account_keys[..required].to_vec();
    let mut at_hand: Vec<&Keypair> = Vec::new();
    for kp in keypairs {
        let key = kp.pubkey();
        if signers.contains(&key) && !at_hand.iter().any(|k| k.pubkey() == key) {
            at_hand.push(kp);
        }
    }
    tx.try_partial_sign(&at_hand, blockhash)
        .map_err(|e| LedgerError::Signature(format!("cannot sign the transaction: {e}")))?;
    let bytes = tx.message_data();
    for p in presigned {
        let index = signers.iter().position(|k| *k == p.signer).ok_or_else(|| {
            LedgerError::Signature(format!(
                "--signer {}: that key does not sign this transaction",
                p.signer
            ))
        })?;
        if !p.signature.verify(p.signer.as_ref(), &bytes) {
            return Err(LedgerError::Signature(format!(
                "--signer {}: the signature is not over this transaction; run the same command with the same flags and --blockhash as the --sign-only run",
                p.signer
            )));
        }
        tx.signatures[index] = p.signature;
    }
    check_size(&tx)?;
    Ok(tx)
}

/// The signers whose signature `tx` still lacks.
pub fn absent_signers(tx: &Transaction) -> Vec<Pubkey> {
    let required = usize::from(tx.message.header.num_required_signatures);
    tx.message.account_keys[..required]
        .iter()
        .zip(&tx.signatures)
        .filter(|(_, s)| **s == Signature::default())
        .map(|(k, _)| *k)
        .collect()
}

/// The signatures `tx` holds, as `PUBKEY=SIGNATURE`.
pub fn present_signatures(tx: &Transaction) -> Vec<Presigned> {
    let required = usize::from(tx.message.header.num_required_signatures);
    tx.message.account_keys[..required]
        .iter()
        .zip(&tx.signatures)
        .filter(|(_, s)| **s != Signature::default())
        .map(|(k, s)| Presigned {
            signer: *k,
            signature: *s,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use anchor_lang::solana_program::instruction::AccountMeta;

    /// Two parties sign the same message apart; either order, the result is
    /// one fully signed transaction, and a signature over anything else is refused.
    #[test]
    fn two_parties_sign_apart() {
        let (payer, author) = (Keypair::new(), Keypair::new());
        let ix = [Instruction::new_with_bytes(
            ilm_client::PROGRAM_ID,
            &[1, 2, 3],
            vec![AccountMeta::new_readonly(author.pubkey(), true)],
        )];
        let hash = Hash::new_from_array([7; 32]);
        let budget = (Some(50_000), Some(10));
        let first = sign_partial(&ix, &payer.pubkey(), &[&author], &[], hash, budget).unwrap();
        assert_eq!(absent_signers(&first), vec![payer.pubkey()]);
        let theirs = present_signatures(&first);
        assert_eq!(theirs.len(), 1);
        let again: Presigned = theirs[0].to_string().parse().unwrap();
        let full = sign_partial(&ix, &payer.pubkey(), &[&payer], &[again], hash, budget).unwrap();
        assert!(absent_signers(&full).is_empty());
        full.verify().unwrap();

        // Another blockhash, another budget or a stranger: refused.
        let other = Hash::new_from_array([8; 32]);
        for (hash, budget) in [(other, budget), (hash, (Some(60_000), Some(10)))] {
            let err =
                sign_partial(&ix, &payer.pubkey(), &[&payer], &[again], hash, budget).unwrap_err();
            assert!(
                err.to_string().contains("not over this transaction"),
                "{err}"
            );
        }
        let stranger = Presigned {
            signer: Keypair::new().pubkey(),
            signature: again.signature,
        };
        let err =
            sign_partial(&ix, &payer.pubkey(), &[&payer], &[stranger], hash, budget).unwrap_err();
        assert!(err.to_string().contains("does not sign"), "{err}");
        assert!("nope".parse::<Presigned>().is_err());
    }
}

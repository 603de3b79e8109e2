//! Attested tasks: the message attesters sign and the ed25519 precompile
//! instruction that carries their signatures in front of `submit_attested`.
use anchor_lang::prelude::Pubkey;
use anchor_lang::solana_program::instruction::Instruction;
pub use ilm::verify::ed25519::{attestation_message, MESSAGE_LEN};
use solana_keypair::Keypair;
use solana_signer::Signer;

/// The ed25519 signature-verification precompile.
pub const ED25519_PROGRAM: Pubkey =
    anchor_lang::pubkey!("Ed25519SigVerify111111111111111111111111111");

/// What one attestation says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Attestation {
    pub market: Pubkey,
    /// The market's `domain` (read from the Market account): binds the
    /// attestation to one deployment.
    pub domain: [u8; 32],
    pub task: Pubkey,
    pub contributor: Pubkey,
    pub cumulative_units: u64,
    pub result_hash: [u8; 32],
    pub expires_at: i64,
}

impl Attestation {
    /// The exact bytes the program expects the attesters to have signed.
    pub fn message(&self) -> [u8; MESSAGE_LEN] {
        attestation_message(
            &ilm::ID,
            &self.market,
            &self.domain,
            &self.task,
            &self.contributor,
            self.cumulative_units,
            &self.result_hash,
            self.expires_at,
        )
    }

    /// Signs the message as one attester: `(public key, signature)`.
    pub fn sign(&self, attester: &Keypair) -> ([u8; 32], [u8; 64]) {
        let sig = attester.sign_message(&self.message());
        (attester.pubkey().to_bytes(), sig.into())
    }
}

/// One precompile instruction verifying every `(key, signature)` over
/// `message`, with every offset pointing inside the instruction itself (the
/// only layout the program accepts).
pub fn precompile_instruction(signatures: &[([u8; 32], [u8; 64])], message: &[u8]) -> Instruction {
    const OFFSETS_LEN: usize = 14;
    let n = signatures.len();
    let header = 2 + n * OFFSETS_LEN;
    let message_at = header + n * (32 + 64);
    let mut data = Vec::with_capacity(message_at + message.len());
    data.extend_from_slice(&[n as u8, 0]);
    for i in 0..n {
        let key_at = header + i * 96;
        let offsets = [
            key_at + 32, // signature
            u16::MAX as usize,
            key_at, // public key
            u16::MAX as usize,
            message_at, // message
            message.len(),
            u16::MAX as usize,
        ];
        for v in offsets {
            data.extend_from_slice(&(v as u16).to_le_bytes());
        }
    }
    for (key, sig) in signatures {
        data.extend_from_slice(key);
        data.extend_from_slice(sig);
    }
    data.extend_from_slice(message);
    Instruction {
        program_id: ED25519_PROGRAM,
        accounts: vec![],
        data,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ilm::verify::ed25519::signers_of;

    /// The offsets this client writes are the ones the program reads: one
    /// source (the program's parser) judges the client's layout.
    #[test]
    fn the_program_reads_every_signer_the_client_packs() {
        let a = Attestation {
            market: Pubkey::new_from_array([1; 32]),
            domain: [2; 32],
            task: Pubkey::new_from_array([3; 32]),
            contributor: Pubkey::new_from_array([4; 32]),
            cumulative_units: 7,
            result_hash: [5; 32],
            expires_at: 9,
        };
        let keys: Vec<Keypair> = (0..8)
            .map(|i| Keypair::new_from_array([40 + i; 32]))
            .collect();
        for n in 1..=keys.len() {
            let sigs: Vec<_> = keys[..n].iter().map(|k| a.sign(k)).collect();
            let ix = precompile_instruction(&sigs, &a.message());
            let read = signers_of(&ix.data, &a.message()).expect("the program parses it");
            let want: Vec<Pubkey> = keys[..n].iter().map(|k| k.pubkey()).collect();
            assert_eq!(read, want);
        }
    }
}

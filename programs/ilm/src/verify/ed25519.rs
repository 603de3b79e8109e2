//! Reading the ed25519 precompile's instruction data without trusting it.
//!
//! The runtime verifies every signature the precompile instruction describes
//! before the transaction runs; what it does not check is *which* bytes were
//! signed. Each offsets entry may point into another instruction of the
//! transaction, so an attacker could have the precompile verify a harmless
//! signature while the program reads a different message. We accept only
//! entries whose three instruction indices are `u16::MAX` (this very
//! instruction) and read every slice with bounds checks.
use crate::constants::ATTEST_TAG;
use crate::error::IlmError;
use anchor_lang::prelude::*;

/// Size of one `Ed25519SignatureOffsets` entry.
const OFFSETS_LEN: usize = 14;
/// Offsets start after `num_signatures: u8` and one padding byte.
const OFFSETS_START: usize = 2;
/// Index value meaning "the precompile instruction itself".
const THIS_INSTRUCTION: u16 = u16::MAX;

fn u16_at(data: &[u8], at: usize) -> Option<u16> {
    let b = data.get(at..at + 2)?;
    Some(u16::from_le_bytes([b[0], b[1]]))
}

fn slice(data: &[u8], offset: u16, len: usize) -> Option<&[u8]> {
    let start = usize::from(offset);
    data.get(start..start.checked_add(len)?)
}

/// The public keys whose verified signatures cover exactly `message`, in the
/// order the precompile lists them. Fails with `InvalidAttestation` on any
/// entry that points outside this instruction or outside its data, and with
/// `AttestationMessageMismatch` on any entry that signed other bytes.
pub fn signers_of(data: &[u8], message: &[u8]) -> Result<Vec<Pubkey>> {
    let count = usize::from(*data.first().ok_or(IlmError::InvalidAttestation)?);
    require!(count > 0, IlmError::InvalidAttestation);
    let mut keys = Vec::with_capacity(count);
    for i in 0..count {
        let at = OFFSETS_START + i * OFFSETS_LEN;
        let field = |k: usize| u16_at(data, at + 2 * k).ok_or(IlmError::InvalidAttestation);
        let (sig_offset, sig_ix) = (field(0)?, field(1)?);
        let (key_offset, key_ix) = (field(2)?, field(3)?);
        let (msg_offset, msg_len, msg_ix) = (field(4)?, field(5)?, field(6)?);
        require!(
            sig_ix == THIS_INSTRUCTION && key_ix == THIS_INSTRUCTION && msg_ix == THIS_INSTRUCTION,
            IlmError::InvalidAttestation
        );
        slice(data, sig_offset, 64).ok_or(IlmError::InvalidAttestation)?;
        let key = slice(data, key_offset, 32).ok_or(IlmError::InvalidAttestation)?;
        let signed =
            slice(data, msg_offset, usize::from(msg_len)).ok_or(IlmError::InvalidAttestation)?;
        require!(signed == message, IlmError::AttestationMessageMismatch);
        let key: [u8; 32] = key.try_into().map_err(|_| IlmError::InvalidAttestation)?;
        keys.push(Pubkey::new_from_array(key));
    }
    Ok(keys)
}

/// Length of an attestation message: a sha256 digest.
pub const MESSAGE_LEN: usize = 32;

/// The bytes attesters sign: `sha256(ATTEST_TAG || program || market ||
/// domain || task || contributor || cumulative_units u64 LE || result_hash ||
/// expires_at i64 LE)`. Every field that decides who is paid, how much and
/// until when is in it; the market's `domain` differs per deployment, so an
/// attestation for one cluster never pays on another. A digest rather than
/// the 224 bytes themselves: each signature's precompile entry carries the
/// message, and at 32 bytes four signatures fit in a transaction, packed in
/// one instruction or one per instruction.
#[allow(clippy::too_many_arguments)]
pub fn attestation_message(
    program: &Pubkey,
    market: &Pubkey,
    domain: &[u8; 32],
    task: &Pubkey,
    contributor: &Pubkey,
    cumulative_units: u64,
    result_hash: &[u8; 32],
    expires_at: i64,
) -> [u8; MESSAGE_LEN] {
    solana_sha256_hasher::hashv(&[
        ATTEST_TAG,
        program.as_ref(),
        market.as_ref(),
        domain,
        task.as_ref(),
        contributor.as_ref(),
        &cumulative_units.to_le_bytes(),
        result_hash,
        &expires_at.to_le_bytes(),
    ])
    .to_bytes()
}

/// Counts the distinct attesters among `signers`; an unknown key or the same
/// attester twice is refused rather than ignored, so a malformed attestation
/// is visible to whoever built it.
pub fn count_attesters(signers: &[Pubkey], attesters: &[Pubkey]) -> Result<usize> {
    for (i, key) in signers.iter().enumerate() {
        require!(attesters.contains(key), IlmError::UnknownAttester);
        require!(!signers[..i].contains(key), IlmError::DuplicateAttester);
    }
    Ok(signers.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Precompile data with `n` entries over one key/signature/message each.
    fn data(entries: &[([u8; 32], &[u8])]) -> Vec<u8> {
        let header = OFFSETS_START + entries.len() * OFFSETS_LEN;
        let mut d = vec![entries.len() as u8, 0];
        let mut body = Vec::new();
        for (key, msg) in entries {
            let base = (header + body.len()) as u16;
            let (key_at, sig_at, msg_at) = (base, base + 32, base + 96);
            for v in [
                sig_at,
                u16::MAX,
                key_at,
                u16::MAX,
                msg_at,
                msg.len() as u16,
                u16::MAX,
            ] {
                d.extend_from_slice(&v.to_le_bytes());
            }
            body.extend_from_slice(key);
            body.extend_from_slice(&[7; 64]);
            body.extend_from_slice(msg);
        }
        d.extend_from_slice(&body);
        d
    }

    fn code(r: Result<Vec<Pubkey>>) -> u32 {
        match r {
            Err(Error::AnchorError(e)) => e.error_code_number,
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn reads_signers_of_the_expected_message() {
        let d = data(&[([1; 32], b"hello"), ([2; 32], b"hello")]);
        let keys = signers_of(&d, b"hello").unwrap();
        assert_eq!(
            keys,
            vec![
                Pubkey::new_from_array([1; 32]),
                Pubkey::new_from_array([2; 32])
            ]
        );
    }

    #[test]
    fn refuses_other_messages_and_foreign_indices() {
        let d = data(&[([1; 32], b"hello")]);
        assert_eq!(
            code(signers_of(&d, b"hellO")),
            6000 + IlmError::AttestationMessageMismatch as u32
        );
        for field in [1, 3, 6] {
            // the signature, public key and message instruction-index fields
            let mut d = d.clone();
            let at = OFFSETS_START + 2 * field;
            d[at..at + 2].copy_from_slice(&0u16.to_le_bytes());
            assert_eq!(
                code(signers_of(&d, b"hello")),
                6000 + IlmError::InvalidAttestation as u32
            );
        }
        assert_eq!(
            code(signers_of(&[], b"x")),
            6000 + IlmError::InvalidAttestation as u32
        );
        assert_eq!(
            code(signers_of(&[0, 0], b"x")),
            6000 + IlmError::InvalidAttestation as u32
        );
    }

    #[test]
    fn counts_distinct_known_attesters() {
        let (a, b, c) = (
            Pubkey::new_from_array([1; 32]),
            Pubkey::new_from_array([2; 32]),
            Pubkey::new_from_array([3; 32]),
        );
        assert_eq!(count_attesters(&[a, b], &[a, b, c]).unwrap(), 2);
        assert!(count_attesters(&[a, a], &[a, b]).is_err());
        assert!(count_attesters(&[a, c], &[a, b]).is_err());
    }

    proptest! {
        #[test]
        fn never_panics(d in proptest::collection::vec(any::<u8>(), 0..300), msg in proptest::collection::vec(any::<u8>(), 0..40)) {
            let _ = signers_of(&d, &msg);
        }

        #[test]
        fn mutated_offsets_never_panic(i in 0usize..16, v: u16) {
            let mut d = data(&[([1; 32], b"hello")]);
            d[i..i + 2].copy_from_slice(&v.to_le_bytes());
            let _ = signers_of(&d, b"hello");
        }
    }
}

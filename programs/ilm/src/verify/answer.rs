//! Preimage verifier hashes: the task's known answer, the employer's salt
//! and a contributor's commitment.
use crate::constants::{ANSWER_TAG, COMMIT_TAG, SALT_TAG};
use anchor_lang::prelude::Pubkey;
use solana_sha256_hasher::hashv;

/// `sha256(ANSWER_TAG || task || salt || answer)`: what an employer stores as
/// `answer_hash`. The salt is the employer's 32-byte secret, published only
/// after commits close, so a short answer cannot be guessed from the hash.
pub fn answer_hash(task: &Pubkey, salt: &[u8; 32], answer: &[u8]) -> [u8; 32] {
    hashv(&[ANSWER_TAG, task.as_ref(), salt, answer]).to_bytes()
}

/// `sha256(SALT_TAG || task || salt)`: what an employer stores as
/// `salt_hash`, so `open_reveals` can only publish the salt it committed to.
pub fn salt_hash(task: &Pubkey, salt: &[u8; 32]) -> [u8; 32] {
    hashv(&[SALT_TAG, task.as_ref(), salt]).to_bytes()
}

/// `sha256(COMMIT_TAG || task || contributor || answer || salt)`: binds the
/// answer to one contributor on one task, so a commitment seen in the mempool
/// cannot be reused by anyone else.
pub fn commitment(task: &Pubkey, contributor: &Pubkey, answer: &[u8], salt: &[u8; 32]) -> [u8; 32] {
    hashv(&[
        COMMIT_TAG,
        task.as_ref(),
        contributor.as_ref(),
        answer,
        salt,
    ])
    .to_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn commitments_bind_every_input(answer in proptest::collection::vec(any::<u8>(), 0..64), salt: [u8; 32], other: [u8; 32]) {
            let (t, c) = (Pubkey::new_from_array([1; 32]), Pubkey::new_from_array([2; 32]));
            let base = commitment(&t, &c, &answer, &salt);
            prop_assert_eq!(base, commitment(&t, &c, &answer, &salt));
            prop_assert_ne!(base, commitment(&Pubkey::new_from_array(other), &c, &answer, &salt));
            prop_assert_ne!(base, commitment(&t, &Pubkey::new_from_array([3; 32]), &answer, &salt));
            if other != salt {
                prop_assert_ne!(base, commitment(&t, &c, &answer, &other));
            }
            // an answer or salt hash never doubles as a commitment (distinct tags)
            prop_assert_ne!(answer_hash(&t, &salt, &answer), base);
            prop_assert_ne!(salt_hash(&t, &salt), base);
            if other != salt {
                prop_assert_ne!(answer_hash(&t, &salt, &answer), answer_hash(&t, &other, &answer));
            }
        }
    }
}

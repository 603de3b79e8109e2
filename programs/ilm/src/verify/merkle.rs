//! Merkle hashing for batch payouts, shared by the program and `ilm-client`'s
//! tree builder. Leaves and inner nodes carry distinct one-byte prefixes
//! (no second preimages), and a proof is applied in index order: bit `i` of the
//! leaf index says whether the running hash is the left or right child at
//! level `i`, so one proof proves one index and nothing else.
use crate::constants::{MAX_PROOF_LEN, MERKLE_LEAF_PREFIX, MERKLE_NODE_PREFIX};
use anchor_lang::prelude::Pubkey;
use solana_sha256_hasher::hashv;

/// `sha256(0x00 || index u32 LE || recipient || amount u64 LE)`
pub fn leaf_hash(index: u32, recipient: &Pubkey, amount: u64) -> [u8; 32] {
    hashv(&[
        MERKLE_LEAF_PREFIX,
        &index.to_le_bytes(),
        recipient.as_ref(),
        &amount.to_le_bytes(),
    ])
    .to_bytes()
}

/// `sha256(0x01 || left || right)`
pub fn node_hash(left: &[u8; 32], right: &[u8; 32]) -> [u8; 32] {
    hashv(&[MERKLE_NODE_PREFIX, left, right]).to_bytes()
}

/// The root a proof leads to from `leaf` at `index`, or `None` when the proof
/// is longer than `MAX_PROOF_LEN` or has bits left over for a larger index.
pub fn root_from_proof(leaf: [u8; 32], index: u32, proof: &[[u8; 32]]) -> Option<[u8; 32]> {
    if proof.len() > MAX_PROOF_LEN || u64::from(index) >> proof.len() != 0 {
        return None;
    }
    let mut node = leaf;
    for (level, sibling) in proof.iter().enumerate() {
        node = if (index >> level) & 1 == 0 {
            node_hash(&node, sibling)
        } else {
            node_hash(sibling, &node)
        };
    }
    Some(node)
}

/// Padding leaf of an incomplete level: a hash no real leaf can have.
pub const EMPTY_NODE: [u8; 32] = [0; 32];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn leaves_and_nodes_are_domain_separated() {
        let (l, r) = ([1u8; 32], [2u8; 32]);
        let plain = hashv(&[&l, &r]).to_bytes();
        assert_ne!(node_hash(&l, &r), plain);
        assert_ne!(node_hash(&l, &r), node_hash(&r, &l));
        // a proof longer than the index allows, or too long overall, is refused
        assert_eq!(root_from_proof(l, 2, &[r]), None);
        assert_eq!(root_from_proof(l, 0, &[r; 33]), None);
        assert_eq!(root_from_proof(l, 1, &[r]), Some(node_hash(&r, &l)));
    }
}

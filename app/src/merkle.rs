//! Merkle payout trees: build one from `(recipient, amount)` pairs or a CSV,
//! publish its root, and hand each recipient (or a crank) its proof. Hashing is
//! the program's own (`ilm::verify::merkle`).
use anchor_lang::prelude::Pubkey;
use ilm::constants::MAX_MERKLE_LEAVES;
use ilm::verify::merkle::{leaf_hash, node_hash, EMPTY_NODE};
use std::str::FromStr;

/// Why a payout list cannot become a tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MerkleError {
    Empty,
    TooManyLeaves,
    TotalOverflow,
    /// Line number (1-based) and what is wrong with it.
    BadLine(usize, String),
}

impl std::fmt::Display for MerkleError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MerkleError::Empty => write!(f, "no payouts: add at least one recipient,amount line"),
            MerkleError::TooManyLeaves => write!(
                f,
                "more than {MAX_MERKLE_LEAVES} payouts (a deeper proof would not fit in a transaction): split them over several tasks"
            ),
            MerkleError::TotalOverflow => write!(f, "the amounts add up to more than u64::MAX"),
            MerkleError::BadLine(n, why) => write!(f, "line {n}: {why}"),
        }
    }
}

impl std::error::Error for MerkleError {}

/// A built tree: every level from the leaves up to the root.
#[derive(Debug, Clone)]
pub struct Tree {
    payouts: Vec<(Pubkey, u64)>,
    levels: Vec<Vec<[u8; 32]>>,
    total: u64,
}

impl Tree {
    /// Leaf `i` pays `payouts[i]`.
    pub fn new(payouts: Vec<(Pubkey, u64)>) -> Result<Tree, MerkleError> {
        if payouts.is_empty() {
            return Err(MerkleError::Empty);
        }
        if payouts.len() > MAX_MERKLE_LEAVES as usize {
            return Err(MerkleError::TooManyLeaves);
        }
        let total = payouts
            .iter()
            .try_fold(0u64, |t, (_, a)| t.checked_add(*a))
            .ok_or(MerkleError::TotalOverflow)?;
        let leaves: Vec<[u8; 32]> = payouts
            .iter()
            .enumerate()
            .map(|(i, (r, a))| leaf_hash(i as u32, r, *a))
            .collect();
        let mut levels = vec![leaves];
        while levels.last().is_some_and(|l| l.len() > 1) {
            let below = levels.last().unwrap_or_else(|| unreachable!());
            let up = below
                .chunks(2)
                .map(|p| node_hash(&p[0], p.get(1).unwrap_or(&EMPTY_NODE)))
                .collect();
            levels.push(up);
        }
        Ok(Tree {
            payouts,
            levels,
            total,
        })
    }

    pub fn root(&self) -> [u8; 32] {
        self.levels.last().map_or(EMPTY_NODE, |l| l[0])
    }

    pub fn leaf_count(&self) -> u32 {
        self.payouts.len() as u32
    }

    /// Sum of every leaf's amount.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// `(recipient, amount)` of leaf `index`.
    pub fn payout(&self, index: u32) -> Option<(Pubkey, u64)> {
        self.payouts.get(index as usize).copied()
    }

    /// The siblings from the leaf up, in the order the program applies them.
    pub fn proof(&self, index: u32) -> Vec<[u8; 32]> {
        let mut at = index as usize;
        let mut proof = Vec::with_capacity(self.levels.len());
        for level in &self.levels[..self.levels.len() - 1] {
            proof.push(*level.get(at ^ 1).unwrap_or(&EMPTY_NODE));
            at /= 2;
        }
        proof
    }
}

/// Reads `recipient,amount` lines (amounts in base units). Blank lines and a
/// first line `recipient,amount` are skipped.
pub fn parse_csv(text: &str) -> Result<Vec<(Pubkey, u64)>, MerkleError> {
    parse_csv_with(text, |amount| {
        amount
            .parse::<u64>()
            .map_err(|_| "amount is not a whole number of base units".to_string())
    })
}

/// Like [`parse_csv`], with `amount` turning each (trimmed) amount into base
/// units, for example from token amounts with a mint's decimals.
pub fn parse_csv_with(
    text: &str,
    amount: impl Fn(&str) -> Result<u64, String>,
) -> Result<Vec<(Pubkey, u64)>, MerkleError> {
    let mut out = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || (n == 0 && line.eq_ignore_ascii_case("recipient,amount")) {
            continue;
        }
        let bad = |why: &str| MerkleError::BadLine(n + 1, format!("{why}: {line:?}"));
        let (who, value) = line
            .split_once(',')
            .ok_or_else(|| bad("expected recipient,amount"))?;
        let who =
            Pubkey::from_str(who.trim()).map_err(|_| bad("recipient is not a base58 address"))?;
        out.push((who, amount(value.trim()).map_err(|e| bad(&e))?));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use ilm::verify::merkle::root_from_proof;
    use proptest::prelude::*;

    fn key(i: u64) -> Pubkey {
        let mut b = [0u8; 32];
        b[..8].copy_from_slice(&i.to_le_bytes());
        Pubkey::new_from_array(b)
    }

    proptest! {
        /// Every leaf's proof leads to the root; any other index, recipient or amount does not.
        #[test]
        fn proofs_verify_exactly_their_leaf(amounts in proptest::collection::vec(0u64..1_000_000, 1..70)) {
            let payouts: Vec<_> = amounts.iter().enumerate().map(|(i, a)| (key(i as u64), *a)).collect();
            let tree = Tree::new(payouts.clone()).unwrap();
            let n = tree.leaf_count();
            for i in 0..n {
                let (r, a) = payouts[i as usize];
                let proof = tree.proof(i);
                prop_assert_eq!(root_from_proof(leaf_hash(i, &r, a), i, &proof), Some(tree.root()));
                prop_assert_ne!(root_from_proof(leaf_hash(i, &r, a + 1), i, &proof), Some(tree.root()));
                prop_assert_ne!(root_from_proof(leaf_hash(i, &key(999), a), i, &proof), Some(tree.root()));
                let other = (i + 1) % n.max(2);
                if other != i {
                    prop_assert_ne!(root_from_proof(leaf_hash(other, &r, a), other, &proof), Some(tree.root()));
                }
            }
            prop_assert_eq!(tree.total(), amounts.iter().sum::<u64>());
        }
    }

    #[test]
    fn csv_round_trip_and_errors() {
        let text = format!("recipient,amount\n{},5\n\n{},7\n", key(1), key(2));
        assert_eq!(parse_csv(&text).unwrap(), vec![(key(1), 5), (key(2), 7)]);
        assert!(matches!(
            parse_csv("nope,1"),
            Err(MerkleError::BadLine(1, _))
        ));
        assert!(matches!(
            parse_csv(&format!("{},-1", key(1))),
            Err(MerkleError::BadLine(1, _))
        ));
        assert!(matches!(
            parse_csv(&format!("{}", key(1))),
            Err(MerkleError::BadLine(1, _))
        ));
        assert_eq!(Tree::new(vec![]).unwrap_err(), MerkleError::Empty);
        assert_eq!(
            Tree::new(vec![(key(1), u64::MAX), (key(2), 1)]).unwrap_err(),
            MerkleError::TotalOverflow
        );
    }
}

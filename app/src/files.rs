//! The two JSON files ilm tools hand between people: the proofs file of a
//! Merkle epoch (every leaf with its proof, so each recipient can claim with
//! any tool) and one attester's signed attestation (collected from m
//! attesters, then submitted by anyone). Hashes, roots and signatures are
//! lower-case hex; addresses are base58.
use crate::attest::Attestation;
use crate::merkle::Tree;
use anchor_lang::prelude::Pubkey;
use serde::{Deserialize, Serialize};

/// Why a file's contents cannot be used, worded for the person holding it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormatError(pub String);

impl std::fmt::Display for FormatError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormatError {}

/// Lower-case hex.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Exactly `N` bytes of hex, with or without `0x`.
pub fn parse_hex<const N: usize>(text: &str) -> Result<[u8; N], FormatError> {
    let t = text.trim().trim_start_matches("0x").as_bytes();
    let bad = || {
        FormatError(format!(
            "{text:?} is not {N} bytes of hex ({} hex digits)",
            2 * N
        ))
    };
    if t.len() != 2 * N {
        return Err(bad());
    }
    let digit = |b: u8| (b as char).to_digit(16).ok_or_else(bad);
    let mut out = [0u8; N];
    for (byte, pair) in out.iter_mut().zip(t.chunks(2)) {
        *byte = (digit(pair[0])? * 16 + digit(pair[1])?) as u8;
    }
    Ok(out)
}

fn parse_key(text: &str, what: &str) -> Result<Pubkey, FormatError> {
    text.parse()
        .map_err(|_| FormatError(format!("{what} {text:?} is not a base58 address")))
}

/// The proofs file of one Merkle epoch (`ilm merkle build` writes it).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ProofsFile {
    /// The tree's root, hex.
    pub root: String,
    pub leaf_count: u32,
    /// Sum of every leaf's amount, base units.
    pub total: u64,
    pub leaves: Vec<Leaf>,
}

/// One payout of a [`ProofsFile`].
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Leaf {
    pub index: u32,
    pub recipient: String,
    /// Base units.
    pub amount: u64,
    /// Sibling hashes from the leaf up, hex.
    pub proof: Vec<String>,
}

impl ProofsFile {
    /// Every leaf of `tree` with its proof.
    pub fn new(tree: &Tree) -> ProofsFile {
        ProofsFile {
            root: hex(&tree.root()),
            leaf_count: tree.leaf_count(),
            total: tree.total(),
            leaves: (0..tree.leaf_count())
                .filter_map(|i| {
                    let (recipient, amount) = tree.payout(i)?;
                    Some(Leaf {
                        index: i,
                        recipient: recipient.to_string(),
                        amount,
                        proof: tree.proof(i).iter().map(|p| hex(p)).collect(),
                    })
                })
                .collect(),
        }
    }

    /// Rebuilds the tree from the leaves, refusing a file whose leaves do
    /// not hash to the root it states.
    pub fn tree(&self) -> Result<Tree, FormatError> {
        let payouts = self
            .leaves
            .iter()
            .map(|l| {
                parse_key(&l.recipient, &format!("leaf {} recipient", l.index))
                    .map(|r| (r, l.amount))
            })
            .collect::<Result<Vec<(Pubkey, u64)>, FormatError>>()?;
        let tree = Tree::new(payouts).map_err(|e| FormatError(e.to_string()))?;
        if tree.root() != parse_hex(&self.root)? {
            return Err(FormatError(
                "the leaves do not hash to the file's root: rebuild it with `ilm merkle build`"
                    .into(),
            ));
        }
        Ok(tree)
    }
}

/// One attester's signature over an [`Attestation`] (`ilm attest sign` writes it).
#[derive(Serialize, Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct SignedAttestation {
    pub market: String,
    /// The market's domain (hex): which deployment the attestation is for.
    pub domain: String,
    pub task: String,
    pub contributor: String,
    pub cumulative_units: u64,
    /// sha256 of the measured result, hex.
    pub result_hash: String,
    /// Unix time after which the program refuses it.
    pub expires_at: i64,
    pub attester: String,
    /// ed25519 signature over [`Attestation::message`], hex.
    pub signature: String,
}

impl SignedAttestation {
    /// `attester` signs `statement`.
    pub fn sign(statement: &Attestation, attester: &solana_keypair::Keypair) -> SignedAttestation {
        let (key, signature) = statement.sign(attester);
        SignedAttestation {
            market: statement.market.to_string(),
            domain: hex(&statement.domain),
            task: statement.task.to_string(),
            contributor: statement.contributor.to_string(),
            cumulative_units: statement.cumulative_units,
            result_hash: hex(&statement.result_hash),
            expires_at: statement.expires_at,
            attester: Pubkey::new_from_array(key).to_string(),
            signature: hex(&signature),
        }
    }

    /// What was signed.
    pub fn statement(&self) -> Result<Attestation, FormatError> {
        Ok(Attestation {
            market: parse_key(&self.market, "market")?,
            domain: parse_hex(&self.domain)?,
            task: parse_key(&self.task, "task")?,
            contributor: parse_key(&self.contributor, "contributor")?,
            cumulative_units: self.cumulative_units,
            result_hash: parse_hex(&self.result_hash)?,
            expires_at: self.expires_at,
        })
    }

    /// `(attester key, signature)` as [`crate::attest::precompile_instruction`] takes them.
    pub fn signature(&self) -> Result<([u8; 32], [u8; 64]), FormatError> {
        let key = parse_key(&self.attester, "attester")?.to_bytes();
        let signature = parse_hex(&self.signature)
            .map_err(|e| FormatError(format!("attester {}: signature {e}", self.attester)))?;
        Ok((key, signature))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use solana_keypair::Keypair;
    use solana_signer::Signer;

    #[test]
    fn hex_round_trip() {
        let b = [0xab; 32];
        assert_eq!(parse_hex(&hex(&b)), Ok(b));
        assert_eq!(parse_hex::<2>("0x0aFf"), Ok([0x0a, 0xff]));
        assert!(parse_hex::<32>("abcd").is_err());
        assert!(parse_hex::<2>("zz00").is_err());
        assert!(
            parse_hex::<2>("éé").is_err(),
            "multi-byte input is refused, not a panic"
        );
    }

    #[test]
    fn proofs_file_round_trips_and_refuses_edited_leaves() {
        let tree = Tree::new((1..=5u64).map(|a| (Pubkey::new_unique(), a)).collect()).unwrap();
        let file = ProofsFile::new(&tree);
        let text = serde_json::to_string(&file).unwrap();
        let back: ProofsFile = serde_json::from_str(&text).unwrap();
        assert_eq!(back.tree().unwrap().root(), tree.root());
        let mut edited = back.clone();
        edited.leaves[2].amount += 1;
        assert!(edited.tree().unwrap_err().0.contains("do not hash"));
        let mut bad = back;
        bad.leaves[0].recipient = "nope".into();
        assert!(bad.tree().unwrap_err().0.contains("leaf 0 recipient"));
    }

    #[test]
    fn signed_attestation_round_trips_and_verifies() {
        let attester = Keypair::new();
        let statement = Attestation {
            market: Pubkey::new_unique(),
            domain: [7; 32],
            task: Pubkey::new_unique(),
            contributor: Pubkey::new_unique(),
            cumulative_units: 42,
            result_hash: [9; 32],
            expires_at: 1_900_000_000,
        };
        let signed = SignedAttestation::sign(&statement, &attester);
        let back: SignedAttestation =
            serde_json::from_str(&serde_json::to_string(&signed).unwrap()).unwrap();
        assert_eq!(back.statement().unwrap(), statement);
        let (key, signature) = back.signature().unwrap();
        assert_eq!(key, attester.pubkey().to_bytes());
        // ed25519 is deterministic: the same key over the same message.
        let expected: [u8; 64] = attester.sign_message(&statement.message()).into();
        assert_eq!(signature, expected);
    }
}

//! One bit per Merkle leaf: set when the leaf is paid.

/// Sets bit `bit` of `bits`; returns false when it was already set (or out of range).
pub fn set_once(bits: &mut [u8], bit: u32) -> bool {
    let Some(byte) = bits.get_mut((bit / 8) as usize) else {
        return false;
    };
    let mask = 1u8 << (bit % 8);
    if *byte & mask != 0 {
        return false;
    }
    *byte |= mask;
    true
}

/// True when bit `bit` is set: how clients see which leaves are paid.
pub fn is_set(bits: &[u8], bit: u32) -> bool {
    bits.get((bit / 8) as usize)
        .is_some_and(|b| b & (1u8 << (bit % 8)) != 0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;

    proptest! {
        /// Each bit can be set exactly once, and setting one never touches another.
        #[test]
        fn bits_are_set_once_and_independently(ops in proptest::collection::vec(0u32..600, 0..300)) {
            let mut bits = vec![0u8; 64]; // 512 bits; indices >= 512 are out of range
            let mut model = BTreeSet::new();
            for bit in ops {
                let fresh = bit < 512 && model.insert(bit);
                prop_assert_eq!(set_once(&mut bits, bit), fresh);
                for b in 0..600 {
                    prop_assert_eq!(is_set(&bits, b), model.contains(&b));
                }
            }
        }
    }
}

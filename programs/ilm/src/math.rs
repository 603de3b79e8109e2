//! Payout arithmetic, kept to 64-bit operations: 128-bit maths is emulated on
//! SBF by this toolchain and a 128-bit division costs thousands of CU.
use crate::constants::BPS_DENOMINATOR;
use crate::error::IlmError;
use anchor_lang::prelude::*;

/// `floor(amount * bps / 10_000)` without overflow for every `amount` and
/// `bps <= 10_000`: split `amount = q * 10_000 + r`, then
/// `amount * bps / 10_000 = q * bps + floor(r * bps / 10_000)` exactly.
pub fn bps_of(amount: u64, bps: u16) -> u64 {
    let d = u64::from(BPS_DENOMINATOR);
    let bps = u64::from(bps.min(BPS_DENOMINATOR));
    (amount / d) * bps + (amount % d) * bps / d
}

/// `ceil(amount * bps / 10_000)`: the protocol fee on a payout, never zero
/// for a non-zero amount when `bps > 0`. Exact by the same split as
/// [`bps_of`]: the product has a fractional part iff `r * bps % 10_000 != 0`.
pub fn fee_on(amount: u64, bps: u16) -> u64 {
    let d = u64::from(BPS_DENOMINATOR);
    let clamped = u64::from(bps.min(BPS_DENOMINATOR));
    bps_of(amount, bps) + u64::from(!((amount % d) * clamped).is_multiple_of(d))
}

/// `a + b`, or `MathOverflow`.
pub fn add(a: u64, b: u64) -> Result<u64> {
    a.checked_add(b)
        .ok_or_else(|| error!(IlmError::MathOverflow))
}

/// `a - b`, or `MathOverflow` (an invariant was about to break).
pub fn sub(a: u64, b: u64) -> Result<u64> {
    a.checked_sub(b)
        .ok_or_else(|| error!(IlmError::MathOverflow))
}

/// `a * b`, or `MathOverflow`.
pub fn mul(a: u64, b: u64) -> Result<u64> {
    a.checked_mul(b)
        .ok_or_else(|| error!(IlmError::MathOverflow))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn bps_edges() {
        assert_eq!(bps_of(u64::MAX, 10_000), u64::MAX);
        assert_eq!(bps_of(u64::MAX, 0), 0);
        assert_eq!(bps_of(9_999, 1), 0);
        assert_eq!(bps_of(10_000, 1), 1);
        assert_eq!(bps_of(1_000_000, 250), 25_000);
        assert_eq!(fee_on(39, 250), 1);
        assert_eq!(fee_on(40, 250), 1);
        assert_eq!(fee_on(41, 250), 2);
        assert_eq!(fee_on(0, 250), 0);
        assert_eq!(fee_on(u64::MAX, 10_000), u64::MAX);
        assert_eq!(fee_on(u64::MAX, 0), 0);
    }

    proptest! {
        #[test]
        fn bps_matches_wide_maths(amount: u64, bps in 0u16..=10_000) {
            let wide = (u128::from(amount) * u128::from(bps) / 10_000) as u64;
            prop_assert_eq!(bps_of(amount, bps), wide);
            prop_assert!(bps_of(amount, bps) <= amount);
        }

        #[test]
        fn fee_is_the_rounded_up_share(amount: u64, bps in 0u16..=10_000) {
            let product = u128::from(amount) * u128::from(bps);
            let wide = product.div_ceil(10_000) as u64;
            prop_assert_eq!(fee_on(amount, bps), wide);
            prop_assert!(fee_on(amount, bps) <= amount);
            if amount > 0 && bps > 0 {
                prop_assert!(fee_on(amount, bps) > 0);
            }
        }

        #[test]
        fn fees_of_parts_cover_the_fee_of_the_whole(a in 0u64..u64::MAX / 2, b in 0u64..u64::MAX / 2, bps in 0u16..=10_000) {
            // why per-unit escrow (fee_on(reward) each) always covers a payout's fee
            prop_assert!(fee_on(a + b, bps) <= fee_on(a, bps) + fee_on(b, bps));
        }
    }
}

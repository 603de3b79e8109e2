//! Token amounts as people write them: exact decimal strings in a mint's
//! units (`12.5`), never floats, and SOL the same way (9 decimals).

/// Parses `10`, `0.25` or `1_000.5` into base units of a mint with `decimals`.
/// Refuses negatives and more decimal places than the mint has, rather than
/// rounding someone's money.
pub fn parse_amount(text: &str, decimals: u8) -> Result<u64, String> {
    let t = text.trim().replace('_', "");
    if t.starts_with('-') {
        return Err(format!(
            "amount {text:?} is negative: amounts are positive token amounts like 12.5"
        ));
    }
    let (whole, frac) = t.split_once('.').unwrap_or((&t, ""));
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(whole) || !(frac.is_empty() || digits(frac)) {
        return Err(format!(
            "amount {text:?} is not a number: write it like 12 or 12.5"
        ));
    }
    if frac.len() > usize::from(decimals) {
        return Err(format!(
            "amount {text:?} has {} decimal places but the mint has {decimals}: round it to at most {decimals}",
            frac.len()
        ));
    }
    let scale = 10u64.pow(u32::from(decimals));
    let padded = format!("{frac:0<width$}", width = usize::from(decimals));
    let overflow = || format!("amount {text:?} is too large for a u64 token amount");
    let whole: u64 = whole.parse().map_err(|_| overflow())?;
    let frac: u64 = if padded.is_empty() {
        0
    } else {
        padded.parse().map_err(|_| overflow())?
    };
    whole
        .checked_mul(scale)
        .and_then(|w| w.checked_add(frac))
        .ok_or_else(overflow)
}

/// Base units as a decimal string without trailing zeros (`12.5`, `3`).
pub fn format_amount(base: u64, decimals: u8) -> String {
    let scale = 10u64.pow(u32::from(decimals));
    let (whole, frac) = (base / scale, base % scale);
    if frac == 0 {
        return whole.to_string();
    }
    let frac = format!("{frac:0width$}", width = usize::from(decimals));
    format!("{whole}.{}", frac.trim_end_matches('0'))
}

/// Lamports as SOL, exact (`0.00203928`).
pub fn format_sol(lamports: u64) -> String {
    format_amount(lamports, 9)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_round_trip_and_refuse_bad_input() {
        assert_eq!(parse_amount("12.5", 6), Ok(12_500_000));
        assert_eq!(parse_amount("0.000001", 6), Ok(1));
        assert_eq!(parse_amount("7", 0), Ok(7));
        assert_eq!(parse_amount("1_000", 2), Ok(100_000));
        assert!(parse_amount("-1", 6).unwrap_err().contains("negative"));
        assert!(parse_amount("0.0000001", 6)
            .unwrap_err()
            .contains("7 decimal places"));
        assert!(parse_amount("1.5", 0).is_err());
        assert!(parse_amount("abc", 6).is_err());
        assert!(parse_amount(".5", 6).is_err());
        assert!(parse_amount("18446744073709551616", 0).is_err());
        assert!(parse_amount("18446744073710", 6).is_err());
        for (base, d) in [(0u64, 6u8), (1, 6), (12_500_000, 6), (u64::MAX, 9), (42, 0)] {
            assert_eq!(parse_amount(&format_amount(base, d), d), Ok(base));
        }
    }

    #[test]
    fn sol_is_exact() {
        assert_eq!(format_sol(2_039_280), "0.00203928");
        assert_eq!(format_sol(u64::MAX), "18446744073.709551615");
    }
}

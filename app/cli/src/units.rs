//! Human units on the command line: token amounts with the mint's decimals,
//! durations like `7d` or `90m`, 32-byte hex values.

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

/// Parses `90`, `90s`, `45m`, `12h`, `7d` or `2w` into seconds.
pub fn parse_duration(text: &str) -> Result<i64, String> {
    let t = text.trim();
    let bad = || format!("duration {text:?} is not like 90s, 45m, 12h, 7d or 2w");
    let (number, unit) = match t.find(|c: char| !c.is_ascii_digit()) {
        Some(i) => t.split_at(i),
        None => (t, "s"),
    };
    let n: i64 = number.parse().map_err(|_| bad())?;
    let scale = match unit {
        "s" => 1,
        "m" => 60,
        "h" => 3_600,
        "d" => 86_400,
        "w" => 604_800,
        _ => return Err(bad()),
    };
    n.checked_mul(scale).ok_or_else(bad)
}

/// Seconds as the largest whole unit (`7d`, `90m`, `45s`).
pub fn format_duration(secs: i64) -> String {
    for (unit, scale) in [("w", 604_800), ("d", 86_400), ("h", 3_600), ("m", 60)] {
        if secs != 0 && secs % scale == 0 {
            return format!("{}{unit}", secs / scale);
        }
    }
    format!("{secs}s")
}

/// Time left, to the minute, as `6d 23h 59m` (`0m` at most a minute away).
pub fn format_remaining(secs: i64) -> String {
    let mins = secs.max(0) / 60;
    let (d, h, m) = (mins / 1_440, mins / 60 % 24, mins % 60);
    let parts: Vec<String> = [(d, "d"), (h, "h"), (m, "m")]
        .iter()
        .filter(|(n, _)| *n > 0)
        .map(|(n, u)| format!("{n}{u}"))
        .collect();
    if parts.is_empty() {
        "0m".to_string()
    } else {
        parts.join(" ")
    }
}

pub use ilm_client::files::hex;

/// Lamports as SOL with six decimals (rent and costs in reports).
pub fn format_sol(lamports: u64) -> String {
    format!("{:.6}", lamports as f64 / 1e9)
}

/// Exactly `N` bytes of hex (see [`ilm_client::files::parse_hex`]).
pub fn parse_hex<const N: usize>(text: &str) -> Result<[u8; N], String> {
    ilm_client::files::parse_hex(text).map_err(|e| e.0)
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
    fn durations() {
        assert_eq!(parse_duration("7d"), Ok(604_800));
        assert_eq!(parse_duration("90m"), Ok(5_400));
        assert_eq!(parse_duration("30"), Ok(30));
        assert!(parse_duration("-1d").is_err());
        assert!(parse_duration("3y").is_err());
        assert!(parse_duration("99999999999999999w").is_err());
        assert_eq!(format_duration(5_400), "90m");
        assert_eq!(format_duration(604_800), "1w");
        assert_eq!(format_duration(45), "45s");
        assert_eq!(format_remaining(604_799), "6d 23h 59m");
        assert_eq!(format_remaining(3_600), "1h");
        assert_eq!(format_remaining(30), "0m");
    }
}

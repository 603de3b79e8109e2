//! Human units on the command line: token amounts with the mint's decimals
//! (from `ilm_client::amount`), durations like `7d` or `90m`, 32-byte hex
//! values, statuses, and `null` for what does not exist yet.

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

pub use ilm_client::amount::{format_amount, format_sol, parse_amount};
pub use ilm_client::files::hex;

/// A 32-byte value as hex, `None` (JSON `null`) while it is all zeros: the
/// program's "not yet" for hashes and roots.
pub fn hex_or_none(bytes: &[u8; 32]) -> Option<String> {
    (*bytes != [0; 32]).then(|| hex(bytes))
}

/// A unix time, `None` (JSON `null`) while it is 0: the program's "never".
pub fn time_or_none(unix: i64) -> Option<i64> {
    (unix != 0).then_some(unix)
}

/// A claim's status as reports spell every status: one lowercase word.
pub fn claim_status(status: ilm_client::ClaimStatus) -> &'static str {
    use ilm_client::ClaimStatus::*;
    match status {
        Leased => "leased",
        Committed => "committed",
        Submitted => "submitted",
        Paid => "paid",
        Rejected => "rejected",
        Expired => "expired",
        Abandoned => "abandoned",
        Verified => "verified",
    }
}

/// A task's status, spelled like [`claim_status`].
pub fn task_status(status: ilm_client::TaskStatus) -> &'static str {
    match status {
        ilm_client::TaskStatus::Open => "open",
        ilm_client::TaskStatus::Cancelled => "cancelled",
    }
}

/// Exactly `N` bytes of hex (see [`ilm_client::files::parse_hex`]).
pub fn parse_hex<const N: usize>(text: &str) -> Result<[u8; N], String> {
    ilm_client::files::parse_hex(text).map_err(|e| e.0)
}

#[cfg(test)]
mod tests {
    use super::*;

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

    #[test]
    fn none_is_null() {
        assert_eq!(hex_or_none(&[0; 32]), None);
        assert_eq!(hex_or_none(&[1; 32]).unwrap(), "01".repeat(32));
        assert_eq!(time_or_none(0), None);
        assert_eq!(time_or_none(5), Some(5));
    }
}

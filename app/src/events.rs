//! ilm events read back from transaction logs (`Program data:` lines).
use anchor_lang::{AnchorDeserialize, Discriminator};
use base64::Engine;

macro_rules! events {
    ($($name:ident),* $(,)?) => {
        /// One event the program emitted.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Event {
            $($name(ilm::events::$name),)*
        }

        impl Event {
            /// Every event type this client decodes, by the program's names
            /// (`tests/tests/sources.rs` checks them against the IDL).
            pub const NAMES: &'static [&'static str] = &[$(stringify!($name)),*];

            /// The event's type name, as in the program.
            pub fn name(&self) -> &'static str {
                match self {
                    $(Event::$name(_) => stringify!($name),)*
                }
            }

            /// Decodes one event from its bytes (discriminator first).
            pub fn from_bytes(bytes: &[u8]) -> Option<Event> {
                $(
                    if let Some(mut rest) = bytes.strip_prefix(ilm::events::$name::DISCRIMINATOR) {
                        return ilm::events::$name::deserialize(&mut rest).ok().map(Event::$name);
                    }
                )*
                None
            }
        }
    };
}

events!(
    MarketCreated,
    MarketUpdated,
    Staked,
    UnstakeRequested,
    StakeWithdrawn,
    TaskCreated,
    TaskFunded,
    TaskCancelled,
    TaskClosed,
    FeesCollected,
    TaskClaimed,
    ClaimAbandoned,
    ClaimExpired,
    WorkSubmitted,
    WorkPaid,
    WorkRejected,
    ClaimClosed,
    AnswerCommitted,
    RevealsOpened,
    RootPublished,
    BitmapInitialized,
    LeafClaimed,
    ClawedBack,
    BitmapClosed,
    StakeClosed,
    SponsorPoolWithdrawn,
);

/// Every ilm event in a transaction's logs, in order. Only lines the ilm
/// program itself wrote count: another program's `Program data:` could
/// otherwise impersonate ours.
pub fn from_logs(logs: &[String]) -> Vec<Event> {
    let ours = format!("Program {} invoke", ilm::ID);
    let mut depth_in_ilm = Vec::new();
    let mut events = Vec::new();
    for line in logs {
        if line.contains(" invoke [") {
            depth_in_ilm.push(line.starts_with(&ours));
        } else if line.ends_with(" success") || line.contains(" failed: ") {
            depth_in_ilm.pop();
        } else if let Some(data) = line.strip_prefix("Program data: ") {
            if depth_in_ilm.last() == Some(&true) {
                let bytes = base64::engine::general_purpose::STANDARD.decode(data.trim());
                if let Some(e) = bytes.ok().and_then(|b| Event::from_bytes(&b)) {
                    events.push(e);
                }
            }
        }
    }
    events
}

/// Compute units the ilm program itself used in a transaction (its top-level
/// invocations), leaving out other instructions such as token-account creation.
pub fn ilm_compute_units(logs: &[String]) -> Option<u64> {
    let prefix = format!("Program {} consumed ", ilm::ID);
    let mut total = None;
    let mut depth = 0usize;
    for line in logs {
        if line.contains(" invoke [") {
            depth += 1;
        } else if line.ends_with(" success") || line.contains(" failed: ") {
            depth = depth.saturating_sub(1);
        } else if let Some(rest) = line.strip_prefix(&prefix) {
            // `consumed` is logged before `success`, at the invocation's own depth.
            if depth == 1 {
                let used: u64 = rest.split(' ').next()?.parse().ok()?;
                total = Some(total.unwrap_or(0) + used);
            }
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use anchor_lang::prelude::Pubkey;
    use anchor_lang::{AnchorSerialize, Discriminator};

    fn data_line(event: &ilm::events::WorkPaid) -> String {
        let mut bytes = ilm::events::WorkPaid::DISCRIMINATOR.to_vec();
        event.serialize(&mut bytes).unwrap();
        format!(
            "Program data: {}",
            base64::engine::general_purpose::STANDARD.encode(bytes)
        )
    }

    #[test]
    fn reads_only_ilm_events_and_ilm_compute() {
        let paid = ilm::events::WorkPaid {
            task: Pubkey::new_from_array([1; 32]),
            contributor: Pubkey::new_from_array([2; 32]),
            units: 1,
            amount: 10,
            fee: 1,
        };
        let other = "Program Other111111111111111111111111111111111";
        let logs: Vec<String> = vec![
            format!("{other} invoke [1]"),
            data_line(&paid),
            format!("{other} consumed 500 of 200000 compute units"),
            format!("{other} success"),
            format!("Program {} invoke [1]", ilm::ID),
            "Program TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA invoke [2]".into(),
            data_line(&paid),
            "Program TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA consumed 100 of 190000 compute units".into(),
            "Program TokenkegQfeZyiNwAJbNbGKPFXCWuBvf9Ss623VQ5DA success".into(),
            data_line(&paid),
            format!("Program {} consumed 9000 of 199500 compute units", ilm::ID),
            format!("Program {} success", ilm::ID),
        ];
        assert_eq!(from_logs(&logs), vec![Event::WorkPaid(paid)]);
        assert_eq!(from_logs(&logs)[0].name(), "WorkPaid");
        assert_eq!(ilm_compute_units(&logs), Some(9000));
        assert_eq!(ilm_compute_units(&logs[..4]), None);
    }
}

//! Ticket numbers and the wait estimate.

use core::fmt;

use serde::{Deserialize, Serialize};

/// A ticket number: a service prefix and a sequence number that restarts each day.
///
/// Displayed as `A-012` (three digits, more when needed) and announced as `A 12`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TicketNumber {
    pub prefix: String,
    pub seq: u32,
}

impl TicketNumber {
    pub fn new(prefix: impl Into<String>, seq: u32) -> Self {
        Self {
            prefix: prefix.into(),
            seq,
        }
    }

    /// The number as a voice announcement reads it: prefix, a space, the sequence number
    /// without leading zeros (`A 12`), so a speech engine says "エー じゅうに".
    pub fn spoken(&self) -> String {
        format!("{} {}", self.prefix, self.seq)
    }
}

impl fmt::Display for TicketNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{:03}", self.prefix, self.seq)
    }
}

/// Estimated wait in whole minutes, rounded up, for a resident with `ahead` tickets before
/// them in a service whose average handling time is `avg_service_secs`, served by
/// `open_counters` counters in parallel.
///
/// Returns 0 if and only if nobody is ahead. `open_counters` of 0 is treated as 1: a service
/// with tickets is served by someone eventually, and the estimate must not be infinite.
pub fn estimate_wait_minutes(ahead: u32, avg_service_secs: u32, open_counters: u32) -> u32 {
    if ahead == 0 {
        return 0;
    }
    let total_secs = u64::from(ahead) * u64::from(avg_service_secs);
    let per_counter = total_secs.div_ceil(u64::from(open_counters.max(1)));
    let minutes = per_counter.div_ceil(60).max(1);
    u32::try_from(minutes).unwrap_or(u32::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn numbers_display_with_three_digits_and_grow_past_999() {
        assert_eq!(TicketNumber::new("A", 1).to_string(), "A-001");
        assert_eq!(TicketNumber::new("B", 120).to_string(), "B-120");
        assert_eq!(TicketNumber::new("C", 1234).to_string(), "C-1234");
    }

    #[test]
    fn numbers_are_spoken_without_leading_zeros() {
        assert_eq!(TicketNumber::new("A", 12).spoken(), "A 12");
    }

    #[test]
    fn nobody_ahead_means_no_wait() {
        assert_eq!(estimate_wait_minutes(0, 600, 1), 0);
    }

    #[test]
    fn wait_is_rounded_up_to_whole_minutes() {
        // 1 ahead × 30 s on one counter is half a minute: say 1 minute, never 0.
        assert_eq!(estimate_wait_minutes(1, 30, 1), 1);
        // 5 ahead × 7 min on 2 counters = 17.5 → 18.
        assert_eq!(estimate_wait_minutes(5, 420, 2), 18);
    }

    #[test]
    fn no_open_counter_counts_as_one() {
        assert_eq!(estimate_wait_minutes(2, 300, 0), 10);
    }

    #[test]
    fn huge_queues_do_not_overflow() {
        assert_eq!(estimate_wait_minutes(u32::MAX, u32::MAX, 1), u32::MAX);
    }
}

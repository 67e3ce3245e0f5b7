//! Who is called next when booked residents and walk-ins wait for the same service (issue 6).
//!
//! The policy, as a counter supervisor would state it:
//!
//! 1. A checked-in reservation is **due** from `early_ms` before its slot starts. Due
//!    reservations are called before walk-ins, earliest slot first.
//! 2. Walk-ins still move: after `max_reserved_in_a_row` reservations called in a row at a
//!    counter, the longest-waiting walk-in is called next (if any is waiting).
//! 3. A resident who checks in more than `grace_ms` after their slot started has lost the
//!    slot's priority and waits like a walk-in, from the moment they checked in.
//! 4. A reservation that is not yet due waits for its time, unless nobody else is waiting:
//!    then it is called early rather than leaving the counter idle.
//!
//! Walk-ins are called in the order they took their tickets.

use serde::{Deserialize, Serialize};

/// The knobs of the policy (per office).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CallPolicy {
    /// How long before its slot a checked-in reservation may be called.
    pub early_ms: i64,
    /// How late a check-in may be and keep the slot's priority.
    pub grace_ms: i64,
    /// Reservations called in a row before a waiting walk-in gets the counter.
    pub max_reserved_in_a_row: u32,
}

impl Default for CallPolicy {
    fn default() -> Self {
        Self {
            early_ms: 5 * 60_000,
            grace_ms: 15 * 60_000,
            max_reserved_in_a_row: 2,
        }
    }
}

/// A waiting ticket as the policy sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waiting {
    /// When the ticket was taken (walk-in) or the reservation checked in.
    pub issued_at_ms: i64,
    /// The booked slot's start, for a checked-in reservation.
    pub slot_start_ms: Option<i64>,
}

/// Why a ticket was chosen (for the staff screen and the tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Reason {
    /// A reservation whose time has come.
    ReservationDue,
    /// The longest-waiting walk-in (or a late reservation, now treated as one).
    WalkIn,
    /// A walk-in's turn after `max_reserved_in_a_row` reservations.
    WalkInsTurn,
    /// A reservation called before its time because nobody else was waiting.
    ReservationEarly,
}

enum Class {
    Due(i64),
    NotYet(i64),
    WalkIn,
}

fn class(w: &Waiting, now_ms: i64, p: &CallPolicy) -> Class {
    match w.slot_start_ms {
        Some(start) if w.issued_at_ms > start + p.grace_ms => Class::WalkIn,
        Some(start) if now_ms >= start - p.early_ms => Class::Due(start),
        Some(start) => Class::NotYet(start),
        None => Class::WalkIn,
    }
}

/// The index in `waiting` of the ticket to call at `now_ms`, and why; `reserved_in_a_row` is
/// how many reservations this counter has called in a row just before.
pub fn pick_next(
    waiting: &[Waiting],
    now_ms: i64,
    reserved_in_a_row: u32,
    policy: &CallPolicy,
) -> Option<(usize, Reason)> {
    let mut due: Option<(i64, i64, usize)> = None;
    let mut not_yet: Option<(i64, i64, usize)> = None;
    let mut walk_in: Option<(i64, usize)> = None;
    for (i, w) in waiting.iter().enumerate() {
        match class(w, now_ms, policy) {
            Class::Due(start) => {
                let key = (start, w.issued_at_ms, i);
                if due.is_none_or(|d| key < d) {
                    due = Some(key);
                }
            }
            Class::NotYet(start) => {
                let key = (start, w.issued_at_ms, i);
                if not_yet.is_none_or(|d| key < d) {
                    not_yet = Some(key);
                }
            }
            Class::WalkIn => {
                let key = (w.issued_at_ms, i);
                if walk_in.is_none_or(|d| key < d) {
                    walk_in = Some(key);
                }
            }
        }
    }
    match (due, walk_in) {
        (Some(_), Some((_, i))) if reserved_in_a_row >= policy.max_reserved_in_a_row => {
            Some((i, Reason::WalkInsTurn))
        }
        (Some((_, _, i)), _) => Some((i, Reason::ReservationDue)),
        (None, Some((_, i))) => Some((i, Reason::WalkIn)),
        (None, None) => not_yet.map(|(_, _, i)| (i, Reason::ReservationEarly)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    const MIN: i64 = 60_000;

    fn walk_in(at_min: i64) -> Waiting {
        Waiting {
            issued_at_ms: at_min * MIN,
            slot_start_ms: None,
        }
    }

    fn booked(checked_in_min: i64, slot_min: i64) -> Waiting {
        Waiting {
            issued_at_ms: checked_in_min * MIN,
            slot_start_ms: Some(slot_min * MIN),
        }
    }

    /// Calls everyone in turn at one counter from `now`, each call taking `service` minutes;
    /// returns the indices in call order.
    fn drain(mut queue: Vec<(usize, Waiting)>, mut now: i64, service: i64) -> Vec<usize> {
        let p = CallPolicy::default();
        let mut in_a_row = 0;
        let mut order = Vec::new();
        while !queue.is_empty() {
            let list: Vec<Waiting> = queue.iter().map(|(_, w)| *w).collect();
            let (i, reason) = pick_next(&list, now * MIN, in_a_row, &p).unwrap();
            in_a_row = match reason {
                Reason::ReservationDue | Reason::ReservationEarly => in_a_row + 1,
                _ => 0,
            };
            order.push(queue.remove(i).0);
            now += service;
        }
        order
    }

    #[test]
    fn a_due_reservation_goes_before_walk_ins() {
        let p = CallPolicy::default();
        let q = [walk_in(0), walk_in(1), booked(5, 10)];
        assert_eq!(
            pick_next(&q, 10 * MIN, 0, &p),
            Some((2, Reason::ReservationDue))
        );
        // Five minutes early is due; six is not.
        assert_eq!(
            pick_next(&q, 5 * MIN, 0, &p),
            Some((2, Reason::ReservationDue))
        );
        assert_eq!(pick_next(&q, 4 * MIN, 0, &p), Some((0, Reason::WalkIn)));
    }

    #[test]
    fn walk_ins_still_move_when_many_reservations_are_due() {
        // Five reservations all due at 10:00 and two walk-ins from 9:50.
        let q: Vec<(usize, Waiting)> = [
            walk_in(-10),
            walk_in(-9),
            booked(-5, 0),
            booked(-5, 0),
            booked(-4, 0),
            booked(-3, 0),
            booked(-2, 0),
        ]
        .into_iter()
        .enumerate()
        .collect();
        // Two reservations, one walk-in, two reservations, one walk-in, the last reservation.
        assert_eq!(drain(q, 0, 5), [2, 3, 0, 4, 5, 1, 6]);
    }

    #[test]
    fn a_late_check_in_loses_its_priority() {
        let p = CallPolicy::default();
        // Slot at 10:00, checked in at 10:20: waits behind the walk-in from 10:10.
        let q = [booked(20, 0), walk_in(10)];
        assert_eq!(pick_next(&q, 25 * MIN, 0, &p), Some((1, Reason::WalkIn)));
        // Checked in at 10:15 exactly: still within the grace.
        let q = [booked(15, 0), walk_in(10)];
        assert_eq!(
            pick_next(&q, 25 * MIN, 0, &p),
            Some((0, Reason::ReservationDue))
        );
    }

    #[test]
    fn an_early_reservation_waits_unless_the_counter_would_idle() {
        let p = CallPolicy::default();
        let q = [booked(0, 60), walk_in(5)];
        assert_eq!(pick_next(&q, 10 * MIN, 0, &p), Some((1, Reason::WalkIn)));
        let q = [booked(0, 60)];
        assert_eq!(
            pick_next(&q, 10 * MIN, 0, &p),
            Some((0, Reason::ReservationEarly))
        );
        assert_eq!(pick_next(&[], 10 * MIN, 0, &p), None);
    }

    #[test]
    fn reservations_are_called_by_slot_then_check_in_time() {
        let p = CallPolicy::default();
        let q = [booked(0, 30), booked(5, 0), booked(2, 0)];
        assert_eq!(
            pick_next(&q, 30 * MIN, 0, &p),
            Some((2, Reason::ReservationDue))
        );
    }

    #[test]
    fn walk_ins_alone_are_first_come_first_served() {
        let q: Vec<(usize, Waiting)> = [walk_in(3), walk_in(1), walk_in(2)]
            .into_iter()
            .enumerate()
            .collect();
        assert_eq!(drain(q, 5, 5), [1, 2, 0]);
    }
}

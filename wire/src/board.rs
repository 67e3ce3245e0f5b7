//! Client-side state rebuilt from a snapshot plus events: the lobby [`Board`] and the staff
//! [`QueueState`]. Both ignore events they have already seen, so a replay after reconnecting
//! is harmless.

use serde::{Deserialize, Serialize};

use crate::{
    Counter, EventKind, QueueEvent, QueueSnapshot, Ticket, TicketNumber, TicketStatus, WaitingCount,
};

/// How many calls a lobby display keeps (and shows).
pub const MAX_RECENT_CALLS: usize = 8;

/// A ticket called to a counter, as the lobby display shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Call {
    pub event_id: i64,
    pub ticket_id: i64,
    pub number: TicketNumber,
    pub service_id: String,
    pub counter_id: i64,
    pub counter_label: String,
    pub counter_label_en: String,
    pub at_ms: i64,
}

/// What a lobby display shows: recent calls (newest first, at most one per counter and
/// [`MAX_RECENT_CALLS`] in all) and the waiting count per service.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Board {
    pub recent_calls: Vec<Call>,
    pub waiting: Vec<WaitingCount>,
    pub last_event_id: i64,
}

impl Board {
    /// Applies one event and returns the call to announce, if the event is a call or recall.
    ///
    /// Returns `None` and changes nothing if `event.id` is not greater than
    /// [`Board::last_event_id`] (already applied). `counters` resolves counter labels; a call
    /// from a counter that is not in the list is shown with an empty label rather than lost.
    pub fn apply(&mut self, event: &QueueEvent, counters: &[Counter]) -> Option<Call> {
        if event.id <= self.last_event_id {
            return None;
        }
        self.last_event_id = event.id;
        self.waiting.clone_from(&event.waiting);
        let ticket = &event.ticket;
        match event.kind {
            EventKind::Called | EventKind::Recalled => {
                let counter_id = ticket.counter_id?;
                let counter = counters.iter().find(|c| c.id == counter_id);
                let call = Call {
                    event_id: event.id,
                    ticket_id: ticket.id,
                    number: ticket.number.clone(),
                    service_id: ticket.service_id.clone(),
                    counter_id,
                    counter_label: counter.map(|c| c.label.clone()).unwrap_or_default(),
                    counter_label_en: counter.map(|c| c.label_en.clone()).unwrap_or_default(),
                    at_ms: event.at_ms,
                };
                self.recent_calls
                    .retain(|c| c.ticket_id != ticket.id && c.counter_id != counter_id);
                self.recent_calls.insert(0, call.clone());
                self.recent_calls.truncate(MAX_RECENT_CALLS);
                Some(call)
            }
            EventKind::NoShow | EventKind::Transferred => {
                self.recent_calls.retain(|c| c.ticket_id != ticket.id);
                None
            }
            EventKind::Issued | EventKind::Done => None,
        }
    }

    /// Waiting count of one service (0 if the service has none or is unknown).
    pub fn waiting_for(&self, service_id: &str) -> u32 {
        self.waiting
            .iter()
            .find(|w| w.service_id == service_id)
            .map_or(0, |w| w.count)
    }
}

/// What staff see: every ticket of the day, kept in issue order.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct QueueState {
    pub tickets: Vec<Ticket>,
    pub last_event_id: i64,
}

impl QueueState {
    pub fn from_snapshot(snapshot: &QueueSnapshot) -> Self {
        let mut tickets = snapshot.tickets.clone();
        tickets.sort_by_key(|t| (t.issued_at_ms, t.id));
        Self {
            tickets,
            last_event_id: snapshot.last_event_id,
        }
    }

    /// Applies one event; returns `false` (and changes nothing) if it was already applied.
    pub fn apply(&mut self, event: &QueueEvent) -> bool {
        if event.id <= self.last_event_id {
            return false;
        }
        self.last_event_id = event.id;
        match self.tickets.iter_mut().find(|t| t.id == event.ticket.id) {
            Some(t) => *t = event.ticket.clone(),
            None => {
                self.tickets.push(event.ticket.clone());
                self.tickets.sort_by_key(|t| (t.issued_at_ms, t.id));
            }
        }
        true
    }

    /// Waiting tickets of one service, first to be called first.
    pub fn waiting(&self, service_id: &str) -> impl Iterator<Item = &Ticket> {
        self.tickets
            .iter()
            .filter(move |t| t.status == TicketStatus::Waiting && t.service_id == service_id)
    }

    /// The ticket a counter is currently serving, if any.
    pub fn at_counter(&self, counter_id: i64) -> Option<&Ticket> {
        self.tickets
            .iter()
            .filter(|t| t.status == TicketStatus::Called && t.counter_id == Some(counter_id))
            .max_by_key(|t| t.called_at_ms)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn counters() -> Vec<Counter> {
        (1..=3)
            .map(|i| Counter {
                names: Default::default(),
                id: i,
                label: format!("{i}番窓口"),
                label_en: format!("Counter {i}"),
                service_ids: vec!["a".into()],
            })
            .collect()
    }

    fn ticket(id: i64, seq: u32, status: TicketStatus, counter: Option<i64>) -> Ticket {
        Ticket {
            id,
            office_id: "o".into(),
            service_id: "a".into(),
            number: TicketNumber::new("A", seq),
            status,
            issued_at_ms: 1000 + id,
            called_at_ms: counter.map(|_| 2000 + id),
            counter_id: counter,
            slot_start_ms: None,
        }
    }

    fn event(id: i64, kind: EventKind, ticket: Ticket, waiting: u32) -> QueueEvent {
        QueueEvent {
            id,
            office_id: "o".into(),
            at_ms: 5000 + id,
            kind,
            ticket,
            waiting: vec![WaitingCount {
                service_id: "a".into(),
                count: waiting,
            }],
        }
    }

    #[test]
    fn a_call_is_announced_with_the_counter_label() {
        let mut board = Board::default();
        let call = board
            .apply(
                &event(
                    1,
                    EventKind::Called,
                    ticket(7, 12, TicketStatus::Called, Some(3)),
                    4,
                ),
                &counters(),
            )
            .expect("a call is announced");
        assert_eq!(call.number.to_string(), "A-012");
        assert_eq!(call.counter_label, "3番窓口");
        assert_eq!(board.waiting_for("a"), 4);
        assert_eq!(board.recent_calls.len(), 1);
    }

    #[test]
    fn replayed_events_are_ignored() {
        let mut board = Board::default();
        let ev = event(
            5,
            EventKind::Called,
            ticket(7, 12, TicketStatus::Called, Some(1)),
            0,
        );
        assert!(board.apply(&ev, &counters()).is_some());
        assert!(
            board.apply(&ev, &counters()).is_none(),
            "the same event twice announces once"
        );
        let older = event(
            4,
            EventKind::Called,
            ticket(8, 13, TicketStatus::Called, Some(2)),
            0,
        );
        assert!(board.apply(&older, &counters()).is_none());
        assert_eq!(board.recent_calls.len(), 1);
    }

    #[test]
    fn a_counter_shows_only_its_latest_call() {
        let mut board = Board::default();
        board.apply(
            &event(
                1,
                EventKind::Called,
                ticket(1, 1, TicketStatus::Called, Some(1)),
                1,
            ),
            &counters(),
        );
        board.apply(
            &event(
                2,
                EventKind::Called,
                ticket(2, 2, TicketStatus::Called, Some(2)),
                0,
            ),
            &counters(),
        );
        board.apply(
            &event(
                3,
                EventKind::Called,
                ticket(3, 3, TicketStatus::Called, Some(1)),
                0,
            ),
            &counters(),
        );
        let shown: Vec<String> = board
            .recent_calls
            .iter()
            .map(|c| c.number.to_string())
            .collect();
        assert_eq!(shown, ["A-003", "A-002"]);
    }

    #[test]
    fn a_recall_moves_the_call_to_the_top_and_is_announced_again() {
        let mut board = Board::default();
        board.apply(
            &event(
                1,
                EventKind::Called,
                ticket(1, 1, TicketStatus::Called, Some(1)),
                0,
            ),
            &counters(),
        );
        board.apply(
            &event(
                2,
                EventKind::Called,
                ticket(2, 2, TicketStatus::Called, Some(2)),
                0,
            ),
            &counters(),
        );
        let again = board.apply(
            &event(
                3,
                EventKind::Recalled,
                ticket(1, 1, TicketStatus::Called, Some(1)),
                0,
            ),
            &counters(),
        );
        assert_eq!(again.map(|c| c.ticket_id), Some(1));
        assert_eq!(board.recent_calls[0].ticket_id, 1);
        assert_eq!(board.recent_calls.len(), 2);
    }

    #[test]
    fn no_show_and_transfer_take_the_number_off_the_board() {
        let mut board = Board::default();
        board.apply(
            &event(
                1,
                EventKind::Called,
                ticket(1, 1, TicketStatus::Called, Some(1)),
                0,
            ),
            &counters(),
        );
        board.apply(
            &event(
                2,
                EventKind::NoShow,
                ticket(1, 1, TicketStatus::NoShow, Some(1)),
                0,
            ),
            &counters(),
        );
        assert!(board.recent_calls.is_empty());
        board.apply(
            &event(
                3,
                EventKind::Called,
                ticket(2, 2, TicketStatus::Called, Some(1)),
                0,
            ),
            &counters(),
        );
        board.apply(
            &event(
                4,
                EventKind::Transferred,
                ticket(2, 2, TicketStatus::Waiting, None),
                1,
            ),
            &counters(),
        );
        assert!(board.recent_calls.is_empty());
        assert_eq!(board.waiting_for("a"), 1);
    }

    #[test]
    fn the_board_never_grows_past_its_limit() {
        let many: Vec<Counter> = (1..=50)
            .map(|i| Counter {
                names: Default::default(),
                id: i,
                label: format!("{i}"),
                label_en: format!("{i}"),
                service_ids: vec![],
            })
            .collect();
        let mut board = Board::default();
        for i in 1..=50 {
            board.apply(
                &event(
                    i,
                    EventKind::Called,
                    ticket(i, i as u32, TicketStatus::Called, Some(i)),
                    0,
                ),
                &many,
            );
        }
        assert_eq!(board.recent_calls.len(), MAX_RECENT_CALLS);
        assert_eq!(board.recent_calls[0].ticket_id, 50);
    }

    #[test]
    fn staff_state_tracks_waiting_and_counters() {
        let mut state = QueueState::default();
        assert!(state.apply(&event(
            1,
            EventKind::Issued,
            ticket(1, 1, TicketStatus::Waiting, None),
            1
        )));
        assert!(state.apply(&event(
            2,
            EventKind::Issued,
            ticket(2, 2, TicketStatus::Waiting, None),
            2
        )));
        assert_eq!(state.waiting("a").count(), 2);
        assert!(state.apply(&event(
            3,
            EventKind::Called,
            ticket(1, 1, TicketStatus::Called, Some(2)),
            1
        )));
        assert!(!state.apply(&event(
            3,
            EventKind::Called,
            ticket(1, 1, TicketStatus::Called, Some(2)),
            1
        )));
        let waiting: Vec<i64> = state.waiting("a").map(|t| t.id).collect();
        assert_eq!(waiting, [2]);
        assert_eq!(state.at_counter(2).map(|t| t.id), Some(1));
        assert!(state.apply(&event(
            4,
            EventKind::Done,
            ticket(1, 1, TicketStatus::Done, Some(2)),
            1
        )));
        assert_eq!(state.at_counter(2), None);
    }
}

//! Types that cross the wire between the Mado frontend and the relay, and the pure queue logic
//! both sides need.
//!
//! # Mental model
//!
//! The relay owns the truth: offices, their counters and services, and the tickets of the day.
//! Every change to a ticket is an [`QueueEvent`] with an increasing id, stored and broadcast.
//! Clients load a snapshot ([`Board`] for lobby displays, [`QueueState`] for staff) and then
//! apply events in order. Applying is idempotent: an event whose id is not newer than the last
//! one applied is ignored, so replaying after a reconnect (`Last-Event-ID`) never doubles a call.
//!
//! ```
//! use mado_wire::{TicketNumber, estimate_wait_minutes};
//!
//! let n = TicketNumber::new("A", 12);
//! assert_eq!(n.to_string(), "A-012");
//! // 3 people ahead, 6 minutes each, 2 counters open → 9 minutes.
//! assert_eq!(estimate_wait_minutes(3, 360, 2), 9);
//! ```
//!
//! With the `schema` feature, every type that crosses the wire also implements
//! `schemars::JsonSchema`, for the relay's OpenAPI document; the frontend builds without it.
//!
//! # Not handled
//!
//! - Bookings and walk-in hours are computed here ([`calendar`]: office days, slots,
//!   `OfficeCalendar::walk_in`; [`policy`]: which ticket a counter calls next); the relay
//!   stores the bookings and asks these functions, it does not decide on its own.
//! - Timestamps are Unix milliseconds (UTC); turning them into local dates is the caller's job.
//!   Days are `mado_civil::Date` (`YYYY-MM-DD` in JSON); what a person typed (a birth date, a
//!   day asked for) stays text here, for the relay to check field by field.

pub mod admin;
pub mod audit;
mod board;
pub mod calendar;
pub mod device;
pub mod hours;
pub mod policy;
mod queue;
pub mod stats;
pub mod submission;

pub use board::{Board, Call, MAX_RECENT_CALLS, QueueState};
pub use queue::{TicketNumber, estimate_wait_minutes};

use serde::{Deserialize, Serialize};

/// A name in the resident languages other than Japanese and English, by language code.
pub type Names = std::collections::BTreeMap<String, String>;

/// The language codes a [`Names`] may hold (the resident languages besides `ja` and `en`).
pub const NAME_LANGUAGES: [&str; 5] = ["easy-ja", "zh-Hans", "ko", "vi", "pt-BR"];

/// An office (区役所, 支所) with its services and counters, as the public API returns it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Office {
    /// URL-safe identifier, e.g. `kokurakita`.
    pub id: String,
    /// Japanese name shown to residents, e.g. `小倉北区役所`.
    pub name: String,
    /// English name.
    pub name_en: String,
    /// The name in the resident languages other than Japanese and English, by language code
    /// (`easy-ja`, `zh-Hans`, `ko`, `vi`, `pt-BR`); a language without one shows Japanese.
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    pub services: Vec<Service>,
    pub counters: Vec<Counter>,
    /// 所在地 as residents are given it (the handout's foot), e.g. `北九州市小倉北区大手町1番1号`.
    #[serde(default)]
    pub address: String,
    /// 電話番号 residents call.
    #[serde(default)]
    pub phone: String,
    /// 宛先 of the office's own forms (住民異動届, 世帯主変更届), e.g. `北九州市小倉北区長`;
    /// empty: made from the office and the city (`mado_visit::forms::Desk::head`).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub head: String,
    /// The opening hours in words, from the office calendar
    /// (`月〜金 8:30〜17:15（土・日・祝日・年末年始は休み）`); empty without a calendar.
    #[serde(default)]
    pub hours: String,
}

/// A service residents take a ticket for (住民異動, 国保・年金, …).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Service {
    pub id: String,
    /// One or two upper-case letters that start each ticket number of this service.
    pub prefix: String,
    pub name: String,
    pub name_en: String,
    /// The name in the resident languages other than Japanese and English, by language code
    /// (`easy-ja`, `zh-Hans`, `ko`, `vi`, `pt-BR`); a language without one shows Japanese.
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    /// Average handling time at the counter, used for the wait estimate.
    pub avg_service_secs: u32,
    /// Walk-in tickets end this many minutes before the day's closing (0: at the closing).
    #[serde(default)]
    pub walk_in_cutoff_minutes: u16,
}

/// A counter (窓口) where staff call tickets.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Counter {
    pub id: i64,
    /// Japanese label as announced, e.g. `3番窓口`.
    pub label: String,
    /// English label, e.g. `Counter 3`.
    pub label_en: String,
    /// The label in the resident languages other than Japanese and English, by language code
    /// (`easy-ja`, `zh-Hans`, `ko`, `vi`, `pt-BR`); a language without one shows Japanese.
    #[serde(default, skip_serializing_if = "Names::is_empty")]
    pub names: Names,
    /// The services this counter calls by default.
    pub service_ids: Vec<String>,
}

/// Where a ticket stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum TicketStatus {
    /// Issued and waiting to be called.
    Waiting,
    /// Called to a counter (and being served there).
    Called,
    /// Called but the resident did not come.
    NoShow,
    /// Served.
    Done,
}

/// A queue ticket. Holds no personal data: only a number, a service and times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Ticket {
    pub id: i64,
    pub office_id: String,
    pub service_id: String,
    pub number: TicketNumber,
    pub status: TicketStatus,
    /// Issue time, Unix milliseconds.
    pub issued_at_ms: i64,
    /// Time of the latest call, Unix milliseconds.
    pub called_at_ms: Option<i64>,
    /// The counter that called it, while called (and after, for the record).
    pub counter_id: Option<i64>,
    /// For a checked-in reservation: when its slot starts, Unix milliseconds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slot_start_ms: Option<i64>,
}

/// Body of `POST /api/offices/{office}/tickets`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IssueTicketRequest {
    pub service_id: String,
}

/// Answer to a ticket issue: the ticket and what the resident should expect.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IssuedTicket {
    pub ticket: Ticket,
    /// Tickets of the same service waiting before this one.
    pub ahead: u32,
    /// Estimated wait in whole minutes, rounded up; 0 if and only if nobody is ahead
    /// ([`estimate_wait_minutes`]).
    pub estimated_wait_minutes: u32,
    /// When the wait is long ([`LONG_WAIT_MINUTES`] or more) and the service takes bookings:
    /// the next free slot, to offer instead of waiting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_free_slot: Option<SlotOffer>,
    /// The capability for the resident's live status page (`/t#TOKEN`,
    /// `GET /api/ticket-status/{token}`); only the kiosk that issued the ticket gets it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_token: Option<String>,
}

/// From this estimated wait on, a walk-in is offered the next free slot.
pub const LONG_WAIT_MINUTES: u32 = 45;

/// Body of `POST /api/counters/{counter}/call-next`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CallNextRequest {
    /// Services to call from; the counter's own services when absent.
    #[serde(default)]
    pub service_ids: Option<Vec<String>>,
}

/// Answer to a call-next: the called ticket, or `None` when nobody is waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CallNextResult {
    pub called: Option<Ticket>,
}

/// Body of `POST /api/tickets/{id}/transfer`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TransferRequest {
    pub service_id: String,
}

/// Waiting tickets of one service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct WaitingCount {
    pub service_id: String,
    pub count: u32,
}

/// What happened to a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Issued,
    Called,
    Recalled,
    NoShow,
    Done,
    Transferred,
}

/// One change to an office's queue, as stored and as sent over server-sent events.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueueEvent {
    /// Increasing per relay database; the SSE `id:` field.
    pub id: i64,
    pub office_id: String,
    pub at_ms: i64,
    pub kind: EventKind,
    /// The ticket as it is after the change.
    pub ticket: Ticket,
    /// Waiting counts of every service of the office after the change.
    pub waiting: Vec<WaitingCount>,
}

/// Snapshot for staff: every ticket of the day and the last event id it includes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct QueueSnapshot {
    pub office: Office,
    pub tickets: Vec<Ticket>,
    pub last_event_id: i64,
}

/// Body of `POST /api/auth/login`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct LoginRequest {
    pub login: String,
    pub password: String,
}

/// A staff role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Staff,
}

/// The logged-in staff member (`GET /api/auth/me`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StaffMe {
    pub login: String,
    pub display_name: String,
    pub role: Role,
}

/// `GET /api/auth/session`: who is logged in, if anyone.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Session {
    pub staff: Option<StaffMe>,
}

/// The JSON body of every 4xx and 5xx answer of the relay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorBody {
    pub error: ErrorDetail,
}

/// What went wrong, in an [`ErrorBody`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `not_found`, `unauthorized`, `invalid_body`.
    pub code: String,
    /// Human-readable English message naming what was wrong and what was expected.
    pub message: String,
    /// Other slots to offer when the one asked for is full (`slot_full`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alternatives: Vec<SlotOffer>,
    /// Why the service takes no walk-in tickets now and when it does again (`closed`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub walk_in: Option<calendar::WalkIn>,
}

/// `GET /api/offices/{office}/walk-in`: whether one service takes walk-in tickets now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ServiceWalkIn {
    pub service_id: String,
    pub walk_in: calendar::WalkIn,
}

/// A bookable slot and how many places are still free.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SlotOffer {
    pub service: String,
    /// Office-local (`YYYY-MM-DD`).
    pub day: mado_civil::Date,
    /// `HH:MM`, office-local.
    pub start: String,
    pub end: String,
    pub free: u32,
}

/// `POST /api/offices/{office}/reservations`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BookRequest {
    pub service: String,
    pub day: String,
    pub start: String,
    /// Phone number and birth date, only for checking in at the kiosk with them; never
    /// required, both or neither. The relay keeps a keyed hash of the two, not the number.
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub birth_date: Option<String>,
}

/// `POST /api/offices/{office}/check-in`: one way to find the reservation — the short code,
/// the token (the QR code on the booking), or the phone number with the birth date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CheckInRequest {
    #[serde(default)]
    pub code: Option<String>,
    #[serde(default)]
    pub token: Option<String>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub birth_date: Option<String>,
}

/// `POST /api/reservations/{token}/reschedule`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RescheduleRequest {
    pub day: String,
    pub start: String,
}

/// Where a reservation stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ReservationStatus {
    Booked,
    Cancelled,
    CheckedIn,
}

/// A reservation as its holder sees it (through the capability token).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Reservation {
    pub office: String,
    pub service: String,
    /// Office-local (`YYYY-MM-DD`).
    pub day: mado_civil::Date,
    pub start: String,
    pub end: String,
    /// Short code for the kiosk and the phone (e.g. `K7MX4P`).
    pub code: String,
    pub status: ReservationStatus,
}

/// The answer to a booking: the capability token (shown once, as a link and QR code) and
/// the reservation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Booking {
    pub token: String,
    pub reservation: Reservation,
}

/// One answer in a guide record, as the guide's answers JSON has it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(untagged)]
pub enum AnswerValue {
    Bool(bool),
    Int(i64),
    /// A date (`YYYY-MM-DD`) or a choice's option id.
    Text(String),
    /// A multiple choice's option ids.
    List(Vec<String>),
}

/// How a procedure was handled at the counter.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GuideMark {
    /// 本日受付.
    Today,
    /// 後日.
    Later,
    /// 案内済み.
    Informed,
}

/// The status the guide gave a procedure (`mado-rules` eval contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GuideStatus {
    Required,
    MayApply,
    NotApplicable,
    NeedsAnswer,
}

/// One procedure of a guide record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct GuideRecordItem {
    pub id: String,
    pub name: String,
    pub status: GuideStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mark: Option<GuideMark>,
}

/// `POST /api/offices/{office}/guide-records`: the guide's answers, its final list and the
/// pack version, kept with the counter record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewGuideRecord {
    pub pack: String,
    pub version: String,
    pub city: String,
    /// The reference date of the evaluation (`YYYY-MM-DD`).
    pub date: mado_civil::Date,
    pub answers: std::collections::BTreeMap<String, AnswerValue>,
    pub procedures: Vec<GuideRecordItem>,
    /// The ticket being served when the record was made, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<i64>,
    /// Form templates printed for the resident, in print order (the handout is always first).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub printed_forms: Vec<String>,
    /// Whom the forms were printed for (the applicant's name as printed).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub printed_for: String,
    /// The counter that served the visit (its part, when the resident was sent on).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter_id: Option<i64>,
    /// Fields the printed forms left for the resident's hand that Mado could have filled (the
    /// counter's hand report; signatures and the 個人番号 are not counted). Absent when nothing
    /// was printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hand_fields: Option<u32>,
    /// When staff began the visit, printed its forms and finished it (ms since the epoch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub started_at_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printed_at_ms: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub done_at_ms: Option<i64>,
}

/// A stored guide record.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct GuideRecord {
    pub id: i64,
    pub office_id: String,
    /// Login of the staff member who saved it.
    pub staff: String,
    pub created_at_ms: i64,
    #[serde(flatten)]
    pub record: NewGuideRecord,
}

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

/// A visit handed over with its ticket to another counter (「回さない」窓口): the counter it
/// comes from, the life event in words, and the visit as the counter keeps it (opaque to the
/// relay: `mado_visit::Visit`). Kept only while the ticket waits or is being served.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewHandover {
    /// The counter handing over.
    pub from_counter_id: Option<i64>,
    /// What the visit is about, as staff read it: 「引越し（転入）」. No personal data.
    pub title: String,
    /// The procedures the next counter is asked to take (their names), for its list.
    #[serde(default)]
    pub procedures: Vec<String>,
    /// The visit itself.
    pub visit: serde_json::Value,
}

/// `GET /api/tickets/{ticket}/handover`: the visit handed over with a ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Handover {
    pub ticket_id: i64,
    pub created_at_ms: i64,
    #[serde(flatten)]
    pub handover: NewHandover,
}

/// `GET /api/offices/{office}/handovers`: who is coming and why, without the visit itself (no
/// personal data): for the counters that will call them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HandoverSummary {
    pub ticket_id: i64,
    pub number: TicketNumber,
    /// The service whose line the ticket waits in now.
    pub service_id: String,
    pub status: TicketStatus,
    pub from_counter_id: Option<i64>,
    pub title: String,
    pub procedures: Vec<String>,
    pub created_at_ms: i64,
}

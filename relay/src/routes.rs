//! Every API route with who may call it, what it reads and answers, and its handler: the
//! single list the router ([`router`]), the OpenAPI document ([`openapi_document`], built by
//! [`crate::openapi`]) and the route-enumeration test (`tests/routes.rs`) are made from.
//!
//! Bodies, queries and answers are named by their Rust types (`.body::<BookRequest>()`), so
//! the compiler checks that each exists and the document shows exactly what serde reads and
//! writes.

use mado_wire::admin::{NewStaff, OfficeSettings, StaffAccount, StaffUpdate};
use mado_wire::device::{Device, KioskPolicy, NewDevice, PairRequest, PairingCode, SetKioskPolicy};
use mado_wire::stats::OfficeStats;
use mado_wire::submission::{
    NewSubmission, StatusUpdate, Submission, SubmissionProgress, SubmissionReceipt,
    SubmissionSummary,
};
use mado_wire::{
    Board, BookRequest, Booking, CallNextRequest, CallNextResult, CheckInRequest, GuideRecord,
    Handover, HandoverSummary, IssueTicketRequest, IssuedTicket, LoginRequest, NewGuideRecord,
    NewHandover, Office, QueueEvent, QueueSnapshot, RescheduleRequest, Reservation, ServiceWalkIn,
    Session, SlotOffer, StaffMe, Ticket, TransferRequest,
};
use std::sync::OnceLock;

use axum::Router;
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::on;
use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::http::records::ListQuery;
use crate::http::reservations::SlotsQuery;
use crate::http::stats::Period;
use crate::http::stream::EventsQuery;
use crate::http::submissions::{Filter, OpenRequest};
use crate::route::r;
pub use crate::route::{Access, Answer, Handler, Route, SchemaFn};
use crate::state::AppState;

use Access::*;

/// Every API route of the relay.
pub const ROUTES: &[Route] = &[
    r(
        "GET",
        "/healthz",
        Public,
        "liveness and database check",
        |m| on(m, crate::http::web::healthz),
    )
    .text(
        "text/plain; charset=utf-8",
        "`ok` while the database answers",
    ),
    r(
        "GET",
        "/api/openapi.json",
        Public,
        "this API as an OpenAPI 3.1 document",
        |m| on(m, openapi_get),
    )
    .json::<Document>(),
    r(
        "GET",
        "/api/offices",
        Public,
        "offices with services and counters",
        |m| on(m, crate::http::offices::offices_list),
    )
    .json::<Vec<Office>>(),
    r("GET", "/api/offices/{office}", Public, "one office", |m| {
        on(m, crate::http::offices::office_get)
    })
    .json::<Office>(),
    r(
        "GET",
        "/api/offices/{office}/events",
        Public,
        "queue events as server-sent events, resumable by Last-Event-ID",
        |m| on(m, crate::http::stream::events_stream),
    )
    .query::<EventsQuery>()
    .events::<QueueEvent>(),
    r(
        "GET",
        "/api/offices/{office}/board",
        Public,
        "recent calls and waiting counts",
        |m| on(m, crate::http::tickets::board_get),
    )
    .json::<Board>(),
    r(
        "POST",
        "/api/offices/{office}/tickets",
        Kiosk,
        "issue a walk-in ticket (Idempotency-Key)",
        |m| on(m, crate::http::tickets::tickets_issue),
    )
    .body::<IssueTicketRequest>()
    .created::<IssuedTicket>()
    .idempotent(),
    r(
        "GET",
        "/api/offices/{office}/walk-in",
        Public,
        "whether each service takes walk-in tickets now, and if not why and from when",
        |m| on(m, crate::http::tickets::walk_in_get),
    )
    .json::<Vec<ServiceWalkIn>>(),
    r(
        "GET",
        "/api/ticket-status/{token}",
        Capability,
        "a ticket's place in line, for the resident's phone",
        |m| on(m, crate::http::tickets::ticket_status),
    )
    .json::<IssuedTicket>(),
    r(
        "GET",
        "/api/offices/{office}/queue",
        Staff,
        "every ticket of the day",
        |m| on(m, crate::http::tickets::queue_get),
    )
    .json::<QueueSnapshot>(),
    r(
        "POST",
        "/api/counters/{counter}/call-next",
        Staff,
        "finish the counter's ticket and call the next",
        |m| on(m, crate::http::tickets::counter_call_next),
    )
    .body::<CallNextRequest>()
    .json::<CallNextResult>(),
    r(
        "POST",
        "/api/tickets/{ticket}/recall",
        Staff,
        "call a ticket again",
        |m| on(m, crate::http::tickets::ticket_recall),
    )
    .json::<Ticket>(),
    r(
        "POST",
        "/api/tickets/{ticket}/no-show",
        Staff,
        "mark a called ticket as not present",
        |m| on(m, crate::http::tickets::ticket_no_show),
    )
    .json::<Ticket>(),
    r(
        "POST",
        "/api/tickets/{ticket}/done",
        Staff,
        "finish a ticket",
        |m| on(m, crate::http::tickets::ticket_done),
    )
    .json::<Ticket>(),
    r(
        "POST",
        "/api/tickets/{ticket}/transfer",
        Staff,
        "send a ticket to another service's line",
        |m| on(m, crate::http::tickets::ticket_transfer),
    )
    .body::<TransferRequest>()
    .json::<Ticket>(),
    r(
        "PUT",
        "/api/tickets/{ticket}/handover",
        Staff,
        "leave the visit with a ticket sent to another counter (kept while the ticket is served)",
        |m| on(m, crate::http::handovers::handover_put),
    )
    .body::<NewHandover>()
    .json::<Handover>(),
    r(
        "GET",
        "/api/tickets/{ticket}/handover",
        Staff,
        "the visit handed over with a ticket",
        |m| on(m, crate::http::handovers::handover_get),
    )
    .json::<Handover>(),
    r(
        "GET",
        "/api/offices/{office}/handovers",
        Staff,
        "who is coming with a handed-over visit, and why (no personal data)",
        |m| on(m, crate::http::handovers::handovers_list),
    )
    .json::<Vec<HandoverSummary>>(),
    r(
        "POST",
        "/api/auth/login",
        Public,
        "staff login: sets the session cookie",
        |m| on(m, crate::http::auth::auth_login),
    )
    .body::<LoginRequest>()
    .json::<StaffMe>(),
    r(
        "POST",
        "/api/auth/logout",
        Public,
        "ends the session",
        |m| on(m, crate::http::auth::auth_logout),
    )
    .no_content(),
    r(
        "GET",
        "/api/auth/me",
        Staff,
        "the logged-in staff member",
        |m| on(m, crate::http::auth::auth_me),
    )
    .json::<StaffMe>(),
    r(
        "GET",
        "/api/auth/session",
        Public,
        "whether a staff session is open",
        |m| on(m, crate::http::auth::auth_session),
    )
    .json::<Session>(),
    r(
        "POST",
        "/api/offices/{office}/guide-records",
        Staff,
        "keep the guide's result with the counter record (Idempotency-Key)",
        |m| on(m, crate::http::records::records_create),
    )
    .body::<NewGuideRecord>()
    .created::<GuideRecord>()
    .idempotent(),
    r(
        "PUT",
        "/api/offices/{office}/guide-records/visits/{visit}",
        Staff,
        "save the counter's record of one visit (replaced while the visit is open)",
        |m| on(m, crate::http::records::records_save_visit),
    )
    .body::<NewGuideRecord>()
    .created::<GuideRecord>()
    .also_ok("saved before: the same record, or replaced by this one while the visit is open"),
    r(
        "GET",
        "/api/offices/{office}/guide-records",
        Staff,
        "the office's recent guide records",
        |m| on(m, crate::http::records::records_list),
    )
    .query::<ListQuery>()
    .json::<Vec<GuideRecord>>(),
    r(
        "GET",
        "/api/offices/{office}/services/{service}/slots",
        Public,
        "free booking slots",
        |m| on(m, crate::http::reservations::slots_list),
    )
    .query::<SlotsQuery>()
    .json::<Vec<SlotOffer>>(),
    r(
        "POST",
        "/api/offices/{office}/reservations",
        Public,
        "book a visit (Idempotency-Key)",
        |m| on(m, crate::http::reservations::reservation_book),
    )
    .body::<BookRequest>()
    .created::<Booking>()
    .idempotent(),
    r(
        "GET",
        "/api/reservations/{token}",
        Capability,
        "a booking",
        |m| on(m, crate::http::reservations::reservation_get),
    )
    .json::<Reservation>(),
    r(
        "DELETE",
        "/api/reservations/{token}",
        Capability,
        "cancel a booking",
        |m| on(m, crate::http::reservations::reservation_cancel),
    )
    .json::<Reservation>(),
    r(
        "POST",
        "/api/reservations/{token}/reschedule",
        Capability,
        "move a booking",
        |m| on(m, crate::http::reservations::reservation_reschedule),
    )
    .body::<RescheduleRequest>()
    .json::<Reservation>(),
    r(
        "GET",
        "/api/reservations/{token}/ics",
        Capability,
        "a booking as an iCalendar file",
        |m| on(m, crate::http::reservations::reservation_ics),
    )
    .text(
        "text/calendar; charset=utf-8",
        "one VEVENT for the visit (RFC 5545), as a download",
    ),
    r(
        "POST",
        "/api/offices/{office}/check-in",
        Kiosk,
        "check a booking in and get its ticket",
        |m| on(m, crate::http::reservations::reservation_check_in),
    )
    .body::<CheckInRequest>()
    .created::<IssuedTicket>()
    .also_ok("the booking was already checked in: its ticket"),
    r(
        "POST",
        "/api/offices/{office}/submissions",
        Public,
        "send a pre-application (Idempotency-Key)",
        |m| on(m, crate::http::submissions::submission_create),
    )
    .body::<NewSubmission>()
    .created::<SubmissionReceipt>()
    .idempotent(),
    r(
        "GET",
        "/api/offices/{office}/submissions",
        Staff,
        "the pre-application inbox",
        |m| on(m, crate::http::submissions::submissions_list),
    )
    .query::<Filter>()
    .json::<Vec<SubmissionSummary>>(),
    r(
        "POST",
        "/api/offices/{office}/submissions/open",
        Staff,
        "open a pre-application at the counter by code or QR",
        |m| on(m, crate::http::submissions::submission_open),
    )
    .body::<OpenRequest>()
    .json::<Submission>(),
    r(
        "GET",
        "/api/offices/{office}/submissions/export.csv",
        Staff,
        "pre-applications as CSV",
        |m| on(m, crate::http::submissions::submissions_export_csv),
    )
    .query::<Filter>()
    .text(
        "text/csv; charset=utf-8",
        "one row per pre-application under a Japanese header row, as a download",
    ),
    r(
        "GET",
        "/api/offices/{office}/submissions/export.json",
        Staff,
        "pre-applications as JSON",
        |m| on(m, crate::http::submissions::submissions_export_json),
    )
    .query::<Filter>()
    .json::<Vec<Submission>>(),
    r(
        "GET",
        "/api/submissions/{id}",
        Staff,
        "one pre-application",
        |m| on(m, crate::http::submissions::submission_get),
    )
    .json::<Submission>(),
    r(
        "POST",
        "/api/submissions/{id}/status",
        Staff,
        "change a pre-application's status",
        |m| on(m, crate::http::submissions::submission_status_set),
    )
    .body::<StatusUpdate>()
    .json::<Submission>(),
    r(
        "GET",
        "/api/offices/{office}/stats",
        Staff,
        "waits, service times and pre-applications for the charts",
        |m| on(m, crate::http::stats::stats_get),
    )
    .query::<Period>()
    .json::<OfficeStats>(),
    r(
        "GET",
        "/api/submission-status/{token}",
        Capability,
        "a pre-application's progress, for the resident",
        |m| on(m, crate::http::submissions::submission_progress),
    )
    .json::<SubmissionProgress>(),
    r(
        "GET",
        "/api/offices/{office}/devices",
        Admin,
        "the office's kiosks and displays",
        |m| on(m, crate::http::devices::devices_list),
    )
    .json::<Vec<Device>>(),
    r(
        "POST",
        "/api/offices/{office}/devices",
        Admin,
        "create a device and its pairing code",
        |m| on(m, crate::http::devices::device_create),
    )
    .body::<NewDevice>()
    .created::<PairingCode>(),
    r(
        "DELETE",
        "/api/devices/{id}",
        Admin,
        "revoke a device",
        |m| on(m, crate::http::devices::device_revoke),
    )
    .json::<Device>(),
    r("POST", "/api/offices", Admin, "create an office", |m| {
        on(m, crate::http::settings::office_create)
    })
    .body::<OfficeSettings>()
    .created::<OfficeSettings>(),
    r(
        "GET",
        "/api/offices/{office}/settings",
        Admin,
        "an office's services, counters, hours and booking rules",
        |m| on(m, crate::http::settings::settings_get),
    )
    .json::<OfficeSettings>(),
    r(
        "PUT",
        "/api/offices/{office}/settings",
        Admin,
        "save an office's services, counters, hours and booking rules",
        |m| on(m, crate::http::settings::settings_put),
    )
    .body::<OfficeSettings>()
    .json::<OfficeSettings>(),
    r("GET", "/api/staff", Admin, "staff accounts", |m| {
        on(m, crate::http::staff::staff_list)
    })
    .json::<Vec<StaffAccount>>(),
    r("POST", "/api/staff", Admin, "add a staff account", |m| {
        on(m, crate::http::staff::staff_create)
    })
    .body::<NewStaff>()
    .created::<StaffAccount>(),
    r(
        "PUT",
        "/api/staff/{id}",
        Admin,
        "rename, change role, set a password, disable",
        |m| on(m, crate::http::staff::staff_update),
    )
    .body::<StaffUpdate>()
    .json::<StaffAccount>(),
    r(
        "GET",
        "/api/audit",
        Admin,
        "the audit trail: logins, views and changes of pre-applications, changes in 管理",
        |m| on(m, crate::http::audit::audit_list),
    )
    .query::<crate::http::audit::AuditQuery>()
    .json::<Vec<mado_wire::audit::AuditEntry>>(),
    r(
        "GET",
        "/api/audit/export.csv",
        Admin,
        "the audit trail as CSV (the export is itself recorded)",
        |m| on(m, crate::http::audit::audit_export_csv),
    )
    .query::<crate::http::audit::AuditQuery>()
    .text(
        "text/csv; charset=utf-8",
        "one row per entry under a Japanese header row, as a download",
    ),
    r(
        "POST",
        "/api/devices/pair",
        Public,
        "pair this browser with a pairing code",
        |m| on(m, crate::http::devices::device_pair),
    )
    .body::<PairRequest>()
    .json::<Device>(),
    r(
        "GET",
        "/api/devices/me",
        Device,
        "the device this browser is",
        |m| on(m, crate::http::devices::device_me),
    )
    .json::<Device>(),
    r(
        "GET",
        "/api/offices/{office}/kiosk-policy",
        Admin,
        "whether the office takes tickets and check-ins only at its paired kiosks",
        |m| on(m, crate::http::devices::kiosk_policy_get),
    )
    .json::<KioskPolicy>(),
    r(
        "PUT",
        "/api/offices/{office}/kiosk-policy",
        Admin,
        "take tickets only at paired kiosks, or from any browser again (on needs a paired kiosk)",
        |m| on(m, crate::http::devices::kiosk_policy_put),
    )
    .body::<SetKioskPolicy>()
    .json::<KioskPolicy>(),
    r(
        "GET",
        "/api/offices/{office}/kiosk",
        Kiosk,
        "whether this browser may issue tickets at the office (a kiosk asks when it starts)",
        |m| on(m, crate::http::devices::kiosk_check),
    )
    .no_content(),
];

/// The answer of `GET /api/openapi.json`, as its own route declares it (a type for its
/// schema only: the document itself is JSON text).
#[derive(Debug)]
pub enum Document {}

impl JsonSchema for Document {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "OpenApiDocument".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut SchemaGenerator) -> Schema {
        schemars::json_schema!({
            "type": "object",
            "description": "An OpenAPI 3.1 document (https://spec.openapis.org/oas/v3.1.0).",
            "required": ["openapi", "info", "paths", "components"],
            "properties": { "openapi": { "type": "string", "pattern": "^3\\.1\\." } },
            "additionalProperties": true
        })
    }
}

/// The API's router: every route of [`ROUTES`] with its handler.
pub fn router() -> Router<AppState> {
    ROUTES.iter().fold(Router::new(), |router, route| {
        router.route(route.path, (route.handler)(route.filter))
    })
}

/// `GET /api/openapi.json`: the document, built once.
async fn openapi_get() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "application/json")],
        openapi_document(),
    )
}

/// The OpenAPI document as JSON text, built on first use from [`ROUTES`].
pub fn openapi_document() -> &'static str {
    static DOCUMENT: OnceLock<String> = OnceLock::new();
    DOCUMENT.get_or_init(|| format!("{:#}", crate::openapi::build(ROUTES)))
}

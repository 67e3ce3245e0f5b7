//! Every API route with who may call it and what it reads and answers: the single list the
//! route-enumeration test (`tests/routes.rs`, which also checks this list against the routers
//! in the source) and the OpenAPI document ([`crate::openapi`]) are made from.
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
    IssueTicketRequest, IssuedTicket, LoginRequest, NewGuideRecord, Office, QueueEvent,
    QueueSnapshot, RescheduleRequest, Reservation, ServiceWalkIn, Session, SlotOffer, StaffMe,
    Ticket, TransferRequest,
};
use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::records::ListQuery;
use crate::reservations::SlotsQuery;
use crate::stats::Period;
use crate::stream::EventsQuery;
use crate::submissions::{Filter, OpenRequest};

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: office data, public queue state, health.
    Public,
    /// Whoever holds the capability token in the path (a resident's booking or pre-application).
    Capability,
    /// A paired kiosk of the office, or anyone while the office has no paired kiosk.
    Kiosk,
    /// A paired device (the device itself, when pairing or asking who it is).
    Device,
    /// A logged-in staff member.
    Staff,
    /// A logged-in staff member with the admin role.
    Admin,
}

/// Adds the JSON Schema of one type to a generator and returns it (a `$ref` once the type
/// is named in the generator's definitions).
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// The schema of `T` itself, never a `$ref`: for a query string, whose fields become
/// parameters.
fn inline<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    T::json_schema(generator)
}

/// What a route answers when it succeeds.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// JSON of this schema, with this status.
    Json { status: u16, schema: SchemaFn },
    /// Text of this media type (`text/csv; charset=utf-8`), described in words.
    Text {
        media_type: &'static str,
        description: &'static str,
    },
    /// Server-sent events whose `data:` lines are JSON of this schema; resumable by
    /// `Last-Event-ID`.
    Events(SchemaFn),
    /// 204 without a body.
    NoContent,
}

/// One route: method, path template, access, what it does, reads and answers.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub summary: &'static str,
    /// The JSON body it reads, if it reads one.
    pub body: Option<SchemaFn>,
    /// The query string, as the struct the handler reads it into.
    pub query: Option<SchemaFn>,
    /// Whether it honours an `Idempotency-Key` header.
    pub idempotent: bool,
    /// What it answers on success; `None` until stated (the OpenAPI test refuses that).
    pub answer: Option<Answer>,
    /// When [`Route::answer`] is 201: when the route answers 200 with the same body instead.
    pub also_ok: Option<&'static str>,
}

const fn r(
    method: &'static str,
    path: &'static str,
    access: Access,
    summary: &'static str,
) -> Route {
    Route {
        method,
        path,
        access,
        summary,
        body: None,
        query: None,
        idempotent: false,
        answer: None,
        also_ok: None,
    }
}

impl Route {
    /// Reads a JSON body of type `T`.
    const fn body<T: JsonSchema>(self) -> Self {
        Self {
            body: Some(schema::<T>),
            ..self
        }
    }

    /// Reads its query string into `T`.
    const fn query<T: JsonSchema>(self) -> Self {
        Self {
            query: Some(inline::<T>),
            ..self
        }
    }

    /// Answers 200 with JSON of type `T`.
    const fn json<T: JsonSchema>(self) -> Self {
        Self {
            answer: Some(Answer::Json {
                status: 200,
                schema: schema::<T>,
            }),
            ..self
        }
    }

    /// Answers 201 with JSON of type `T`.
    const fn created<T: JsonSchema>(self) -> Self {
        Self {
            answer: Some(Answer::Json {
                status: 201,
                schema: schema::<T>,
            }),
            ..self
        }
    }

    /// Answers text of `media_type`.
    const fn text(self, media_type: &'static str, description: &'static str) -> Self {
        Self {
            answer: Some(Answer::Text {
                media_type,
                description,
            }),
            ..self
        }
    }

    /// Answers server-sent events carrying JSON of type `T`.
    const fn events<T: JsonSchema>(self) -> Self {
        Self {
            answer: Some(Answer::Events(schema::<T>)),
            ..self
        }
    }

    /// Answers 204.
    const fn no_content(self) -> Self {
        Self {
            answer: Some(Answer::NoContent),
            ..self
        }
    }

    /// Honours `Idempotency-Key`: a repeat with the same key answers 200 with the first answer.
    const fn idempotent(self) -> Self {
        Self {
            idempotent: true,
            also_ok: Some("repeated with the same Idempotency-Key: the first answer again"),
            ..self
        }
    }

    /// Answers 200 with the same body when `why`.
    const fn also_ok(self, why: &'static str) -> Self {
        Self {
            also_ok: Some(why),
            ..self
        }
    }
}

use Access::*;

/// Every API route of the relay.
pub const ROUTES: &[Route] = &[
    r("GET", "/healthz", Public, "liveness and database check").text(
        "text/plain; charset=utf-8",
        "`ok` while the database answers",
    ),
    r(
        "GET",
        "/api/openapi.json",
        Public,
        "this API as an OpenAPI 3.1 document",
    )
    .json::<Document>(),
    r(
        "GET",
        "/api/offices",
        Public,
        "offices with services and counters",
    )
    .json::<Vec<Office>>(),
    r("GET", "/api/offices/{office}", Public, "one office").json::<Office>(),
    r(
        "GET",
        "/api/offices/{office}/events",
        Public,
        "queue events as server-sent events, resumable by Last-Event-ID",
    )
    .query::<EventsQuery>()
    .events::<QueueEvent>(),
    r(
        "GET",
        "/api/offices/{office}/board",
        Public,
        "recent calls and waiting counts",
    )
    .json::<Board>(),
    r(
        "POST",
        "/api/offices/{office}/tickets",
        Kiosk,
        "issue a walk-in ticket (Idempotency-Key)",
    )
    .body::<IssueTicketRequest>()
    .created::<IssuedTicket>()
    .idempotent(),
    r(
        "GET",
        "/api/offices/{office}/walk-in",
        Public,
        "whether each service takes walk-in tickets now, and if not why and from when",
    )
    .json::<Vec<ServiceWalkIn>>(),
    r(
        "GET",
        "/api/ticket-status/{token}",
        Capability,
        "a ticket's place in line, for the resident's phone",
    )
    .json::<IssuedTicket>(),
    r(
        "GET",
        "/api/offices/{office}/queue",
        Staff,
        "every ticket of the day",
    )
    .json::<QueueSnapshot>(),
    r(
        "POST",
        "/api/counters/{counter}/call-next",
        Staff,
        "finish the counter's ticket and call the next",
    )
    .body::<CallNextRequest>()
    .json::<CallNextResult>(),
    r(
        "POST",
        "/api/tickets/{ticket}/recall",
        Staff,
        "call a ticket again",
    )
    .json::<Ticket>(),
    r(
        "POST",
        "/api/tickets/{ticket}/no-show",
        Staff,
        "mark a called ticket as not present",
    )
    .json::<Ticket>(),
    r(
        "POST",
        "/api/tickets/{ticket}/done",
        Staff,
        "finish a ticket",
    )
    .json::<Ticket>(),
    r(
        "POST",
        "/api/tickets/{ticket}/transfer",
        Staff,
        "send a ticket to another service's line",
    )
    .body::<TransferRequest>()
    .json::<Ticket>(),
    r(
        "POST",
        "/api/auth/login",
        Public,
        "staff login: sets the session cookie",
    )
    .body::<LoginRequest>()
    .json::<StaffMe>(),
    r("POST", "/api/auth/logout", Public, "ends the session").no_content(),
    r("GET", "/api/auth/me", Staff, "the logged-in staff member").json::<StaffMe>(),
    r(
        "GET",
        "/api/auth/session",
        Public,
        "whether a staff session is open",
    )
    .json::<Session>(),
    r(
        "POST",
        "/api/offices/{office}/guide-records",
        Staff,
        "keep the guide's result with the counter record",
    )
    .body::<NewGuideRecord>()
    .created::<GuideRecord>(),
    r(
        "GET",
        "/api/offices/{office}/guide-records",
        Staff,
        "the office's recent guide records",
    )
    .query::<ListQuery>()
    .json::<Vec<GuideRecord>>(),
    r(
        "GET",
        "/api/offices/{office}/services/{service}/slots",
        Public,
        "free booking slots",
    )
    .query::<SlotsQuery>()
    .json::<Vec<SlotOffer>>(),
    r(
        "POST",
        "/api/offices/{office}/reservations",
        Public,
        "book a visit (Idempotency-Key)",
    )
    .body::<BookRequest>()
    .created::<Booking>()
    .idempotent(),
    r("GET", "/api/reservations/{token}", Capability, "a booking").json::<Reservation>(),
    r(
        "DELETE",
        "/api/reservations/{token}",
        Capability,
        "cancel a booking",
    )
    .json::<Reservation>(),
    r(
        "POST",
        "/api/reservations/{token}/reschedule",
        Capability,
        "move a booking",
    )
    .body::<RescheduleRequest>()
    .json::<Reservation>(),
    r(
        "GET",
        "/api/reservations/{token}/ics",
        Capability,
        "a booking as an iCalendar file",
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
    )
    .body::<CheckInRequest>()
    .created::<IssuedTicket>()
    .also_ok("the booking was already checked in: its ticket"),
    r(
        "POST",
        "/api/offices/{office}/submissions",
        Public,
        "send a pre-application (Idempotency-Key)",
    )
    .body::<NewSubmission>()
    .created::<SubmissionReceipt>()
    .idempotent(),
    r(
        "GET",
        "/api/offices/{office}/submissions",
        Staff,
        "the pre-application inbox",
    )
    .query::<Filter>()
    .json::<Vec<SubmissionSummary>>(),
    r(
        "POST",
        "/api/offices/{office}/submissions/open",
        Staff,
        "open a pre-application at the counter by code or QR",
    )
    .body::<OpenRequest>()
    .json::<Submission>(),
    r(
        "GET",
        "/api/offices/{office}/submissions/export.csv",
        Staff,
        "pre-applications as CSV",
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
    )
    .query::<Filter>()
    .json::<Vec<Submission>>(),
    r("GET", "/api/submissions/{id}", Staff, "one pre-application").json::<Submission>(),
    r(
        "POST",
        "/api/submissions/{id}/status",
        Staff,
        "change a pre-application's status",
    )
    .body::<StatusUpdate>()
    .json::<Submission>(),
    r(
        "GET",
        "/api/offices/{office}/stats",
        Staff,
        "waits, service times and pre-applications for the charts",
    )
    .query::<Period>()
    .json::<OfficeStats>(),
    r(
        "GET",
        "/api/submission-status/{token}",
        Capability,
        "a pre-application's progress, for the resident",
    )
    .json::<SubmissionProgress>(),
    r(
        "GET",
        "/api/offices/{office}/devices",
        Admin,
        "the office's kiosks and displays",
    )
    .json::<Vec<Device>>(),
    r(
        "POST",
        "/api/offices/{office}/devices",
        Admin,
        "create a device and its pairing code",
    )
    .body::<NewDevice>()
    .created::<PairingCode>(),
    r("DELETE", "/api/devices/{id}", Admin, "revoke a device").json::<Device>(),
    r("POST", "/api/offices", Admin, "create an office")
        .body::<OfficeSettings>()
        .created::<OfficeSettings>(),
    r(
        "GET",
        "/api/offices/{office}/settings",
        Admin,
        "an office's services, counters, hours and booking rules",
    )
    .json::<OfficeSettings>(),
    r(
        "PUT",
        "/api/offices/{office}/settings",
        Admin,
        "save an office's services, counters, hours and booking rules",
    )
    .body::<OfficeSettings>()
    .json::<OfficeSettings>(),
    r("GET", "/api/staff", Admin, "staff accounts").json::<Vec<StaffAccount>>(),
    r("POST", "/api/staff", Admin, "add a staff account")
        .body::<NewStaff>()
        .created::<StaffAccount>(),
    r(
        "PUT",
        "/api/staff/{id}",
        Admin,
        "rename, change role, set a password, disable",
    )
    .body::<StaffUpdate>()
    .json::<StaffAccount>(),
    r(
        "POST",
        "/api/devices/pair",
        Public,
        "pair this browser with a pairing code",
    )
    .body::<PairRequest>()
    .json::<Device>(),
    r(
        "GET",
        "/api/devices/me",
        Device,
        "the device this browser is",
    )
    .json::<Device>(),
    r(
        "GET",
        "/api/offices/{office}/kiosk-policy",
        Admin,
        "whether the office takes tickets and check-ins only at its paired kiosks",
    )
    .json::<KioskPolicy>(),
    r(
        "PUT",
        "/api/offices/{office}/kiosk-policy",
        Admin,
        "take tickets only at paired kiosks, or from any browser again (on needs a paired kiosk)",
    )
    .body::<SetKioskPolicy>()
    .json::<KioskPolicy>(),
    r(
        "GET",
        "/api/offices/{office}/kiosk",
        Kiosk,
        "whether this browser may issue tickets at the office (a kiosk asks when it starts)",
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

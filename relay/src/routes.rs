//! Every API route with who may call it: the single list the route-enumeration test
//! (`tests/routes.rs`, which also checks this list against the routers in the source) and
//! the API documentation are made from.

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

/// One route: method, path template, access, what it does.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub summary: &'static str,
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
    }
}

use Access::*;

/// Every API route of the relay.
pub const ROUTES: &[Route] = &[
    r("GET", "/healthz", Public, "liveness and database check"),
    r(
        "GET",
        "/api/offices",
        Public,
        "offices with services and counters",
    ),
    r("GET", "/api/offices/{office}", Public, "one office"),
    r(
        "GET",
        "/api/offices/{office}/events",
        Public,
        "queue events as server-sent events, resumable by Last-Event-ID",
    ),
    r(
        "GET",
        "/api/offices/{office}/board",
        Public,
        "recent calls and waiting counts",
    ),
    r(
        "POST",
        "/api/offices/{office}/tickets",
        Kiosk,
        "issue a walk-in ticket (Idempotency-Key)",
    ),
    r(
        "GET",
        "/api/ticket-status/{token}",
        Capability,
        "a ticket's place in line, for the resident's phone",
    ),
    r(
        "GET",
        "/api/offices/{office}/queue",
        Staff,
        "every ticket of the day",
    ),
    r(
        "POST",
        "/api/counters/{counter}/call-next",
        Staff,
        "finish the counter's ticket and call the next",
    ),
    r(
        "POST",
        "/api/tickets/{ticket}/recall",
        Staff,
        "call a ticket again",
    ),
    r(
        "POST",
        "/api/tickets/{ticket}/no-show",
        Staff,
        "mark a called ticket as not present",
    ),
    r(
        "POST",
        "/api/tickets/{ticket}/done",
        Staff,
        "finish a ticket",
    ),
    r(
        "POST",
        "/api/tickets/{ticket}/transfer",
        Staff,
        "send a ticket to another service's line",
    ),
    r(
        "POST",
        "/api/auth/login",
        Public,
        "staff login: sets the session cookie",
    ),
    r("POST", "/api/auth/logout", Public, "ends the session"),
    r("GET", "/api/auth/me", Staff, "the logged-in staff member"),
    r(
        "GET",
        "/api/auth/session",
        Public,
        "whether a staff session is open",
    ),
    r(
        "POST",
        "/api/offices/{office}/guide-records",
        Staff,
        "keep the guide's result with the counter record",
    ),
    r(
        "GET",
        "/api/offices/{office}/guide-records",
        Staff,
        "the office's recent guide records",
    ),
    r(
        "GET",
        "/api/offices/{office}/services/{service}/slots",
        Public,
        "free booking slots",
    ),
    r(
        "POST",
        "/api/offices/{office}/reservations",
        Public,
        "book a visit (Idempotency-Key)",
    ),
    r("GET", "/api/reservations/{token}", Capability, "a booking"),
    r(
        "DELETE",
        "/api/reservations/{token}",
        Capability,
        "cancel a booking",
    ),
    r(
        "POST",
        "/api/reservations/{token}/reschedule",
        Capability,
        "move a booking",
    ),
    r(
        "GET",
        "/api/reservations/{token}/ics",
        Capability,
        "a booking as an iCalendar file",
    ),
    r(
        "POST",
        "/api/offices/{office}/check-in",
        Kiosk,
        "check a booking in and get its ticket",
    ),
    r(
        "POST",
        "/api/offices/{office}/submissions",
        Public,
        "send a pre-application (Idempotency-Key)",
    ),
    r(
        "GET",
        "/api/offices/{office}/submissions",
        Staff,
        "the pre-application inbox",
    ),
    r(
        "POST",
        "/api/offices/{office}/submissions/open",
        Staff,
        "open a pre-application at the counter by code or QR",
    ),
    r(
        "GET",
        "/api/offices/{office}/submissions/export.csv",
        Staff,
        "pre-applications as CSV",
    ),
    r(
        "GET",
        "/api/offices/{office}/submissions/export.json",
        Staff,
        "pre-applications as JSON",
    ),
    r("GET", "/api/submissions/{id}", Staff, "one pre-application"),
    r(
        "POST",
        "/api/submissions/{id}/status",
        Staff,
        "change a pre-application's status",
    ),
    r(
        "GET",
        "/api/offices/{office}/stats",
        Staff,
        "waits, service times and pre-applications for the charts",
    ),
    r(
        "GET",
        "/api/submission-status/{token}",
        Capability,
        "a pre-application's progress, for the resident",
    ),
    r(
        "GET",
        "/api/offices/{office}/devices",
        Admin,
        "the office's kiosks and displays",
    ),
    r(
        "POST",
        "/api/offices/{office}/devices",
        Admin,
        "create a device and its pairing code",
    ),
    r("DELETE", "/api/devices/{id}", Admin, "revoke a device"),
    r("POST", "/api/offices", Admin, "create an office"),
    r(
        "GET",
        "/api/offices/{office}/settings",
        Admin,
        "an office's services, counters, hours and booking rules",
    ),
    r(
        "PUT",
        "/api/offices/{office}/settings",
        Admin,
        "save an office's services, counters, hours and booking rules",
    ),
    r("GET", "/api/staff", Admin, "staff accounts"),
    r("POST", "/api/staff", Admin, "add a staff account"),
    r(
        "PUT",
        "/api/staff/{id}",
        Admin,
        "rename, change role, set a password, disable",
    ),
    r(
        "POST",
        "/api/devices/pair",
        Public,
        "pair this browser with a pairing code",
    ),
    r(
        "GET",
        "/api/devices/me",
        Device,
        "the device this browser is",
    ),
];

//! The relay client: every HTTP call the frontend makes, in one place.

use gloo_net::http::{Request, Response};
use mado_wire::submission::{
    NewSubmission, StatusUpdate, Submission, SubmissionProgress, SubmissionReceipt,
    SubmissionSummary,
};
use mado_wire::{
    Board, BookRequest, Booking, CallNextRequest, CallNextResult, ErrorBody, IssueTicketRequest,
    IssuedTicket, LoginRequest, Office, QueueSnapshot, Reservation, ServiceWalkIn, Session,
    SlotOffer, StaffMe, Ticket, TransferRequest,
};
use serde::de::DeserializeOwned;

/// Why a relay call failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ApiError {
    /// The relay could not be reached (network down, relay stopped).
    Network(String),
    /// No staff session (HTTP 401).
    Unauthorized,
    /// The relay refused the request; `code` and `message` come from its JSON error body.
    Refused {
        status: u16,
        code: String,
        message: String,
    },
    /// The relay answered with something that is not the expected JSON.
    BadAnswer(String),
    /// The service takes no walk-in tickets now (`closed`): why, and when it does again.
    Closed(mado_wire::calendar::WalkIn),
}

impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ApiError::Network(e) => write!(f, "network: {e}"),
            ApiError::Unauthorized => f.write_str("staff login required"),
            ApiError::Refused {
                status,
                code,
                message,
            } => write!(f, "{status} {code}: {message}"),
            ApiError::BadAnswer(e) => write!(f, "unexpected answer: {e}"),
            ApiError::Closed(_) => {
                f.write_str("409 closed: the service takes no walk-in tickets now")
            }
        }
    }
}

async fn read<T: DeserializeOwned>(
    response: Result<Response, gloo_net::Error>,
) -> Result<T, ApiError> {
    let response = response.map_err(|e| ApiError::Network(e.to_string()))?;
    let status = response.status();
    if response.ok() {
        return response
            .json::<T>()
            .await
            .map_err(|e| ApiError::BadAnswer(e.to_string()));
    }
    if status == 401 {
        // 401 from login means bad credentials, which callers tell apart by `code`.
        if let Ok(body) = response.json::<ErrorBody>().await
            && body.error.code != "unauthorized"
        {
            return Err(ApiError::Refused {
                status,
                code: body.error.code,
                message: body.error.message,
            });
        }
        return Err(ApiError::Unauthorized);
    }
    match response.json::<ErrorBody>().await {
        Ok(ErrorBody {
            error:
                mado_wire::ErrorDetail {
                    walk_in: Some(walk_in),
                    ..
                },
        }) => Err(ApiError::Closed(walk_in)),
        Ok(body) => Err(ApiError::Refused {
            status,
            code: body.error.code,
            message: body.error.message,
        }),
        Err(_) => Err(ApiError::BadAnswer(format!(
            "HTTP {status} without an error body"
        ))),
    }
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    read(Request::get(path).send().await).await
}

async fn post<B: serde::Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    let request = Request::post(path)
        .json(body)
        .map_err(|e| ApiError::BadAnswer(e.to_string()))?;
    read(request.send().await).await
}

/// The page's texts in data language `code` (`/lang/ui/<code>.json`, written at build time).
pub async fn ui_texts(code: &str) -> Result<mado_wire::Names, ApiError> {
    get(&format!("/lang/ui/{code}.json")).await
}

/// The rule packs in the language `code` (`/lang/packs/<code>.json`, written at build time).
pub async fn localized_packs(code: &str) -> Result<mado_rules::LocalizedBundle, ApiError> {
    get(&format!("/lang/packs/{code}.json")).await
}

pub async fn offices() -> Result<Vec<Office>, ApiError> {
    get("/api/offices").await
}

pub async fn office(id: &str) -> Result<Office, ApiError> {
    get(&format!("/api/offices/{id}")).await
}

pub async fn board(office: &str) -> Result<Board, ApiError> {
    get(&format!("/api/offices/{office}/board")).await
}

/// Issues a ticket. Send the same `idempotency_key` when retrying the same tap, so a lost
/// answer never prints two tickets.
pub async fn issue_ticket(
    office: &str,
    service_id: &str,
    idempotency_key: &str,
) -> Result<IssuedTicket, ApiError> {
    let request = Request::post(&format!("/api/offices/{office}/tickets"))
        .header("Idempotency-Key", idempotency_key)
        .json(&IssueTicketRequest {
            service_id: service_id.to_owned(),
        })
        .map_err(|e| ApiError::BadAnswer(e.to_string()))?;
    read(request.send().await).await
}

/// Whether each service of `office` takes walk-in tickets now (kiosks ask every minute).
pub async fn walk_in(office: &str) -> Result<Vec<ServiceWalkIn>, ApiError> {
    get(&format!("/api/offices/{office}/walk-in")).await
}

/// The logged-in staff member; [`ApiError::Unauthorized`] when nobody is.
pub async fn me() -> Result<StaffMe, ApiError> {
    get::<Session>("/api/auth/session")
        .await?
        .staff
        .ok_or(ApiError::Unauthorized)
}

pub async fn login(login: String, password: String) -> Result<StaffMe, ApiError> {
    post("/api/auth/login", &LoginRequest { login, password }).await
}

/// Whether this browser may issue tickets at `office`: `Ok` (204), or the refusal a ticket
/// would get (`device_required`, `forbidden`), asked when the kiosk starts.
pub async fn kiosk_check(office: &str) -> Result<(), ApiError> {
    let response = Request::get(&format!("/api/offices/{office}/kiosk"))
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        return Ok(());
    }
    // Only the refusal is read (an `ok` answer has no body).
    read::<serde::de::IgnoredAny>(Ok(response)).await.map(drop)
}

pub async fn logout() -> Result<(), ApiError> {
    let response = Request::post("/api/auth/logout")
        .send()
        .await
        .map_err(|e| ApiError::Network(e.to_string()))?;
    if response.ok() {
        Ok(())
    } else {
        Err(ApiError::BadAnswer(format!("HTTP {}", response.status())))
    }
}

/// Saves the counter's record of visit `visit` (staff). Saved again while the visit is open
/// (an answer changed, forms printed, the visit ended), the relay replaces it; sent again as
/// it was (the outbox retries after a lost answer), the relay gives back the stored one.
pub async fn save_guide_record(
    office: &str,
    record: &mado_wire::NewGuideRecord,
    visit: &str,
) -> Result<mado_wire::GuideRecord, ApiError> {
    let request = Request::put(&format!(
        "/api/offices/{office}/guide-records/visits/{visit}"
    ))
    .json(record)
    .map_err(|e| ApiError::BadAnswer(e.to_string()))?;
    read(request.send().await).await
}

pub async fn queue(office: &str) -> Result<QueueSnapshot, ApiError> {
    get(&format!("/api/offices/{office}/queue")).await
}

pub async fn call_next(counter_id: i64) -> Result<CallNextResult, ApiError> {
    post(
        &format!("/api/counters/{counter_id}/call-next"),
        &CallNextRequest::default(),
    )
    .await
}

/// What staff can do to a ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TicketAction {
    Recall,
    NoShow,
    Done,
}

pub async fn ticket_action(ticket_id: i64, action: TicketAction) -> Result<Ticket, ApiError> {
    let verb = match action {
        TicketAction::Recall => "recall",
        TicketAction::NoShow => "no-show",
        TicketAction::Done => "done",
    };
    post(
        &format!("/api/tickets/{ticket_id}/{verb}"),
        &serde_json::json!({}),
    )
    .await
}

pub async fn transfer(ticket_id: i64, service_id: String) -> Result<Ticket, ApiError> {
    post(
        &format!("/api/tickets/{ticket_id}/transfer"),
        &TransferRequest { service_id },
    )
    .await
}

/// The office's counter records, filtered by `query` (`from`, `to`, `counter`, `pack`, `limit`).
pub async fn guide_records(
    office: &str,
    query: &str,
) -> Result<Vec<mado_wire::GuideRecord>, ApiError> {
    get(&format!("/api/offices/{office}/guide-records?{query}")).await
}

/// Leaves the visit with a ticket sent to another counter (「回さない」窓口).
pub async fn put_handover(
    ticket_id: i64,
    handover: &mado_wire::NewHandover,
) -> Result<mado_wire::Handover, ApiError> {
    put(&format!("/api/tickets/{ticket_id}/handover"), handover).await
}

/// The visit handed over with a ticket, if any ([`ApiError::Refused`] 404 when none).
pub async fn handover(ticket_id: i64) -> Result<mado_wire::Handover, ApiError> {
    get(&format!("/api/tickets/{ticket_id}/handover")).await
}

/// Who is coming to the office's counters with a handed-over visit, and why.
pub async fn handovers(office: &str) -> Result<Vec<mado_wire::HandoverSummary>, ApiError> {
    get(&format!("/api/offices/{office}/handovers")).await
}

/// Bookable slots of a service from `from` (`YYYY-MM-DD`) to the end of the service's booking
/// window (60 days for the demo office), as the relay knows it.
pub async fn slots(office: &str, service: &str, from: &str) -> Result<Vec<SlotOffer>, ApiError> {
    get(&format!(
        "/api/offices/{office}/services/{service}/slots?from={from}"
    ))
    .await
}

/// Books a place; retrying with the same key gives the same booking.
pub async fn book(
    office: &str,
    request: &BookRequest,
    idempotency_key: &str,
) -> Result<Booking, ApiError> {
    let req = Request::post(&format!("/api/offices/{office}/reservations"))
        .header("Idempotency-Key", idempotency_key)
        .json(request)
        .map_err(|e| ApiError::BadAnswer(e.to_string()))?;
    read(req.send().await).await
}

/// The reservation behind a capability token.
pub async fn reservation(token: &str) -> Result<Reservation, ApiError> {
    get(&format!("/api/reservations/{token}")).await
}

/// Cancels the reservation behind a capability token.
pub async fn cancel_reservation(token: &str) -> Result<Reservation, ApiError> {
    read(
        Request::delete(&format!("/api/reservations/{token}"))
            .send()
            .await,
    )
    .await
}

/// Moves a booking to another free slot of the same service (the old place is freed only if
/// the new one is taken).
pub async fn reschedule_reservation(
    token: &str,
    request: &mado_wire::RescheduleRequest,
) -> Result<Reservation, ApiError> {
    read(
        Request::post(&format!("/api/reservations/{token}/reschedule"))
            .json(request)
            .map_err(|e| ApiError::Network(e.to_string()))?
            .send()
            .await,
    )
    .await
}

/// Checks a booking in at the kiosk and returns its ticket.
pub async fn check_in(
    office: &str,
    request: &mado_wire::CheckInRequest,
) -> Result<IssuedTicket, ApiError> {
    post(&format!("/api/offices/{office}/check-in"), request).await
}

/// Sends a pre-application; retrying with the same key gives the same receipt.
pub async fn submit(
    office: &str,
    submission: &NewSubmission,
    idempotency_key: &str,
) -> Result<SubmissionReceipt, ApiError> {
    let req = Request::post(&format!("/api/offices/{office}/submissions"))
        .header("Idempotency-Key", idempotency_key)
        .json(submission)
        .map_err(|e| ApiError::BadAnswer(e.to_string()))?;
    read(req.send().await).await
}

/// The resident's view of their pre-application, by capability token.
pub async fn submission_progress(token: &str) -> Result<SubmissionProgress, ApiError> {
    get(&format!("/api/submission-status/{token}")).await
}

/// How staff name a pre-application at the counter.
#[derive(Debug, Clone, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenBy {
    Code(String),
    Token(String),
    /// The ticket just called: the pre-application sent with its booking.
    Ticket(i64),
}

/// Opens a pre-application at the counter (受付済 becomes 処理中).
pub async fn open_submission(office: &str, by: OpenBy) -> Result<Submission, ApiError> {
    post(&format!("/api/offices/{office}/submissions/open"), &by).await
}

/// The office's pre-applications; `query` is the inbox's filter string (`status=…&q=…`).
pub async fn submissions(office: &str, query: &str) -> Result<Vec<SubmissionSummary>, ApiError> {
    get(&format!("/api/offices/{office}/submissions?{query}")).await
}

pub async fn submission(id: i64) -> Result<Submission, ApiError> {
    get(&format!("/api/submissions/{id}")).await
}

pub async fn set_submission_status(id: i64, update: &StatusUpdate) -> Result<Submission, ApiError> {
    post(&format!("/api/submissions/{id}/status"), update).await
}

pub async fn devices(office: &str) -> Result<Vec<mado_wire::device::Device>, ApiError> {
    get(&format!("/api/offices/{office}/devices")).await
}

pub async fn add_device(
    office: &str,
    device: &mado_wire::device::NewDevice,
) -> Result<mado_wire::device::PairingCode, ApiError> {
    post(&format!("/api/offices/{office}/devices"), device).await
}

/// Whether the office takes tickets only at its paired kiosks (admin).
pub async fn kiosk_policy(office: &str) -> Result<mado_wire::device::KioskPolicy, ApiError> {
    get(&format!("/api/offices/{office}/kiosk-policy")).await
}

/// Tickets only at paired kiosks, or from any browser again (admin).
pub async fn set_kiosk_policy(
    office: &str,
    kiosks_only: bool,
) -> Result<mado_wire::device::KioskPolicy, ApiError> {
    put(
        &format!("/api/offices/{office}/kiosk-policy"),
        &mado_wire::device::SetKioskPolicy { kiosks_only },
    )
    .await
}

pub async fn revoke_device(id: i64) -> Result<mado_wire::device::Device, ApiError> {
    read(Request::delete(&format!("/api/devices/{id}")).send().await).await
}

/// Pairs this browser with a pairing code (the relay sets the device cookie).
pub async fn pair(code: &str) -> Result<mado_wire::device::Device, ApiError> {
    post(
        "/api/devices/pair",
        &mado_wire::device::PairRequest {
            code: code.to_owned(),
        },
    )
    .await
}

/// Waits, service times and pre-application counts for `/office`'s charts.
pub async fn office_stats(
    office: &str,
    from: &str,
    to: &str,
) -> Result<mado_wire::stats::OfficeStats, ApiError> {
    get(&format!("/api/offices/{office}/stats?from={from}&to={to}")).await
}

async fn put<B: serde::Serialize, T: DeserializeOwned>(
    path: &str,
    body: &B,
) -> Result<T, ApiError> {
    let request = Request::put(path)
        .json(body)
        .map_err(|e| ApiError::BadAnswer(e.to_string()))?;
    read(request.send().await).await
}

/// An office's services, counters, hours and booking rules (admins).
pub async fn office_settings(office: &str) -> Result<mado_wire::admin::OfficeSettings, ApiError> {
    get(&format!("/api/offices/{office}/settings")).await
}

/// Saves the whole settings of `settings.id` (admins); answers them as stored.
pub async fn save_office_settings(
    settings: &mado_wire::admin::OfficeSettings,
) -> Result<mado_wire::admin::OfficeSettings, ApiError> {
    put(&format!("/api/offices/{}/settings", settings.id), settings).await
}

/// The audit trail (admins): `query` is the filter as a URL query (`from=…&action=…`).
pub async fn audit(query: &str) -> Result<Vec<mado_wire::audit::AuditEntry>, ApiError> {
    get(&format!("/api/audit?{query}")).await
}

pub async fn staff_accounts() -> Result<Vec<mado_wire::admin::StaffAccount>, ApiError> {
    get("/api/staff").await
}

pub async fn add_staff(
    account: &mado_wire::admin::NewStaff,
) -> Result<mado_wire::admin::StaffAccount, ApiError> {
    post("/api/staff", account).await
}

pub async fn update_staff(
    id: i64,
    update: &mado_wire::admin::StaffUpdate,
) -> Result<mado_wire::admin::StaffAccount, ApiError> {
    put(&format!("/api/staff/{id}"), update).await
}

/// A ticket's place in line, by the status link's token (the resident's phone).
pub async fn ticket_status(token: &str) -> Result<IssuedTicket, ApiError> {
    get(&format!("/api/ticket-status/{token}")).await
}

//! Walk-in tickets and the staff queue, as routes: issue (within the service's hours), the
//! walk-in hours, the ticket's status page, the lobby board and staff queue, call next,
//! recall, no-show, done, transfer. What they store and read is [`crate::store::tickets`].
//!
//! Every change runs under the office's queue lock in a transaction that also stores the
//! event; the event is broadcast after the commit, still under the lock, so listeners see
//! events in id order and only events that are durable. Walk-in tickets and calls, the busy
//! part, go through the office's queue writer ([`crate::queue`]), which writes several in one
//! transaction.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use mado_wire::{
    Board, CallNextRequest, CallNextResult, EventKind, IssueTicketRequest, IssuedTicket,
    QueueSnapshot, ServiceWalkIn, Ticket, TicketStatus, TransferRequest,
};

use mado_wire::calendar::{ClosedWhy, Opening, WalkIn, hhmm};

use crate::db::{Writes, local_day, local_day_start_ms, now_ms};
use crate::error::{Error, Json, Path, Result};
use crate::headers::Idempotency;
use crate::http::auth::Staff;
use crate::queue::Work;
use crate::state::AppState;
use crate::store;
use crate::store::tickets::{
    Action, Done, check_transition, fetch_ticket, issued, just_issued, record, set_status,
    status_token, waiting_counts, with_status_token,
};

/// `POST /api/offices/{office}/tickets`: issues a walk-in ticket (public: kiosks).
///
/// Numbers run per office, per service prefix and per office-local day. With an
/// `Idempotency-Key`, repeating the request returns the same ticket (200) instead of a new
/// one (201).
pub(crate) async fn tickets_issue(
    crate::http::devices::KioskAccess(caller): crate::http::devices::KioskAccess,
    State(state): State<AppState>,
    Path(office_id): Path<String>,
    headers: HeaderMap,
    Json(req): Json<IssueTicketRequest>,
) -> Result<(StatusCode, Json<IssuedTicket>)> {
    let route = format!("tickets\n{office_id}");
    let key = Idempotency::read(&headers, &state.secret, caller, &route, &req)?;
    let office = state.shared_office(&office_id).await?;
    let service = office
        .services
        .iter()
        .find(|s| s.id == req.service_id)
        .ok_or_else(|| {
            let known: Vec<&str> = office.services.iter().map(|s| s.id.as_str()).collect();
            Error::bad_request(
                "unknown_service",
                format!(
                    "office {office_id:?} has no service {:?}; expected one of {known:?}",
                    req.service_id
                ),
            )
        })?;
    let walk_in = crate::http::reservations::walk_in(&state, &office_id, service, now_ms()).await?;
    // A retry of a ticket issued just before the closing still gets its ticket.
    let retry = match (&walk_in, &key) {
        (WalkIn::Closed { .. }, Some(k)) => {
            let mut conn = state.db.acquire().await?;
            store::key_used(&mut conn, store::Keyed::Tickets, &office_id, k).await?
        }
        _ => false,
    };
    if let WalkIn::Closed { why, next } = &walk_in
        && !retry
    {
        return Err(Error::Closed {
            message: closed_message(service, why, next.as_ref()),
            walk_in,
        });
    }
    let work = Work::Issue {
        office: office.clone(),
        service: service.clone(),
        key,
    };
    let event = match state.write_queue(&office_id, work).await? {
        Done::Issued(event) => event,
        // A retry: the ticket as it stands now.
        Done::AlreadyIssued(ticket) => {
            let mut conn = state.db.acquire().await?;
            let issued = issued(&mut conn, &office, ticket).await?;
            return Ok((
                StatusCode::OK,
                Json(with_status_token(&state.secret, issued)),
            ));
        }
        Done::KeyReused => return Err(Error::KeyReused),
        Done::Called(_) => {
            return Err(Error::Internal(
                "the queue writer answered a ticket issue with a call".into(),
            ));
        }
    };
    let mut issued = just_issued(&office, event.ticket.clone(), &event);
    tracing::info!(office = %office_id, service = %service.id, number = %issued.ticket.number, "ticket issued");
    if issued.estimated_wait_minutes >= mado_wire::LONG_WAIT_MINUTES {
        issued.next_free_slot =
            crate::http::reservations::next_free_slot(&state, &office_id, &service.id).await;
    }
    Ok((
        StatusCode::CREATED,
        Json(with_status_token(&state.secret, issued)),
    ))
}

/// The English message of a `closed` refusal: what is closed, why, and when it opens again.
fn closed_message(service: &mado_wire::Service, why: &ClosedWhy, next: Option<&Opening>) -> String {
    let why = match why {
        ClosedWhy::NotYet => "the office has not opened yet today".to_owned(),
        ClosedWhy::Break => "the office is on its break".to_owned(),
        ClosedWhy::Ended { at } => format!("today's walk-in tickets ended at {}", hhmm(*at)),
        ClosedWhy::ClosedDay { name } => format!("the office is closed today ({name})"),
        ClosedWhy::NoHours => "the office has no opening hours set".to_owned(),
    };
    let next = match next {
        Some(o) => format!("; next from {} {}", o.day, hhmm(o.at)),
        None => String::new(),
    };
    format!(
        "service {:?} takes no walk-in tickets now: {why}{next}",
        service.id
    )
}

/// `GET /api/offices/{office}/walk-in` (public): whether each service takes walk-in tickets
/// now and, if not, why and when it does again; kiosks ask as they start and every minute.
pub(crate) async fn walk_in_get(
    State(state): State<AppState>,
    Path(office_id): Path<String>,
) -> Result<Json<Vec<ServiceWalkIn>>> {
    let office = state.shared_office(&office_id).await?;
    let at = now_ms();
    let mut out = Vec::with_capacity(office.services.len());
    for service in &office.services {
        out.push(ServiceWalkIn {
            service_id: service.id.clone(),
            walk_in: crate::http::reservations::walk_in(&state, &office_id, service, at).await?,
        });
    }
    Ok(Json(out))
}

/// `GET /api/ticket-status/{token}` (the token's holder): the ticket as it stands now, with
/// the people ahead and the wait estimate; the resident's phone follows it live.
pub(crate) async fn ticket_status(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<IssuedTicket>> {
    let unknown = || Error::NotFound("no ticket with this status link".into());
    let (id, tag) = token.split_once('-').ok_or_else(unknown)?;
    let id: i64 = id.parse().map_err(|_| unknown())?;
    let expected = status_token(&state.secret, id);
    let (_, expected_tag) = expected.split_once('-').ok_or_else(unknown)?;
    // Compared in constant time: the answer's timing tells nothing about the tag.
    let same = tag.len() == expected_tag.len()
        && tag
            .bytes()
            .zip(expected_tag.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0;
    if !same {
        return Err(unknown());
    }
    let mut tx = state.db.begin().await?;
    let ticket = fetch_ticket(&mut tx, id).await?;
    let office = state.office(&ticket.office_id).await?;
    let issued = issued(&mut tx, &office, ticket).await?;
    tx.commit().await?;
    Ok(Json(issued))
}

/// `GET /api/offices/{office}/board`: what a lobby display shows now (public).
pub(crate) async fn board_get(
    State(state): State<AppState>,
    Path(office_id): Path<String>,
) -> Result<Json<Board>> {
    let office = state.office(&office_id).await?;
    let now = now_ms();
    let mut tx = state.db.begin().await?;
    let mut board = Board::default();
    for event in store::events::since(&mut tx, &office_id, local_day_start_ms(now)).await? {
        board.apply(&event, &office.counters);
    }
    board.waiting = waiting_counts(&mut tx, &office_id, &local_day(now)).await?;
    board.last_event_id = store::events::newest_id(&mut tx).await?;
    Ok(Json(board))
}

/// `GET /api/offices/{office}/queue`: every ticket of the day (staff).
pub(crate) async fn queue_get(
    _staff: Staff,
    State(state): State<AppState>,
    Path(office_id): Path<String>,
) -> Result<Json<QueueSnapshot>> {
    let office = state.office(&office_id).await?;
    let mut tx = state.db.begin().await?;
    let tickets = store::tickets::of_day(&mut tx, &office_id, &local_day(now_ms())).await?;
    let last_event_id = store::events::newest_id(&mut tx).await?;
    Ok(Json(QueueSnapshot {
        office,
        tickets,
        last_event_id,
    }))
}

/// `POST /api/counters/{counter}/call-next`: finishes the counter's current ticket (if any)
/// and calls the longest-waiting ticket of its services (staff).
pub(crate) async fn counter_call_next(
    staff: Staff,
    State(state): State<AppState>,
    Path(counter_id): Path<i64>,
    Json(req): Json<CallNextRequest>,
) -> Result<Json<CallNextResult>> {
    let office_id = state.counter_office(counter_id).await?;
    let office = state.shared_office(&office_id).await?;
    let counter = office
        .counters
        .iter()
        .find(|c| c.id == counter_id)
        .ok_or_else(|| {
            Error::Conflict(format!(
                "counter {counter_id} of office {office_id:?} is retired; call from a counter in use"
            ))
        })?;
    let services = req
        .service_ids
        .unwrap_or_else(|| counter.service_ids.clone());
    if let Some(bad) = services
        .iter()
        .find(|s| !office.services.iter().any(|o| &o.id == *s))
    {
        return Err(Error::bad_request(
            "unknown_service",
            format!("office {office_id:?} has no service {bad:?}"),
        ));
    }

    let work = Work::CallNext {
        counter_id,
        services,
    };
    let called = match state.write_queue(&office_id, work).await? {
        Done::Called(called) => called,
        other => {
            return Err(Error::Internal(format!(
                "the queue writer answered a call with {other:?}"
            )));
        }
    };
    if let Some(t) = &called {
        tracing::info!(counter = counter_id, staff = staff.id, number = %t.number, "ticket called");
    }
    Ok(Json(CallNextResult { called }))
}

/// Applies `action` to a ticket under the write lock and broadcasts the event.
async fn act(
    state: &AppState,
    staff: &Staff,
    ticket_id: i64,
    action: Action,
    transfer_to: Option<&str>,
) -> Result<Ticket> {
    // Its office first (a ticket stays in its office), to wait only for that office's queue.
    let office = store::tickets::office_of(&state.db, ticket_id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no ticket with id {ticket_id}")))?;
    let (_write, mut tx) = state.begin_write(&[Writes::Queue(&office)]).await?;
    let t = fetch_ticket(&mut tx, ticket_id).await?;
    check_transition(&t.number, t.status, action)?;
    let now = now_ms();
    let (kind, updated) = match action {
        Action::Recall => {
            let u = set_status(
                &mut tx,
                &t,
                TicketStatus::Called,
                t.counter_id,
                Some(now),
                &t.service_id,
            )
            .await?;
            (EventKind::Recalled, u)
        }
        Action::NoShow => (
            EventKind::NoShow,
            set_status(
                &mut tx,
                &t,
                TicketStatus::NoShow,
                t.counter_id,
                t.called_at_ms,
                &t.service_id,
            )
            .await?,
        ),
        Action::Done => (
            EventKind::Done,
            set_status(
                &mut tx,
                &t,
                TicketStatus::Done,
                t.counter_id,
                t.called_at_ms,
                &t.service_id,
            )
            .await?,
        ),
        Action::Transfer => {
            let to = transfer_to.unwrap_or(&t.service_id);
            if !store::tickets::service_exists(&mut tx, &t.office_id, to).await? {
                return Err(Error::bad_request(
                    "unknown_service",
                    format!("office {:?} has no service {to:?}", t.office_id),
                ));
            }
            (
                EventKind::Transferred,
                set_status(&mut tx, &t, TicketStatus::Waiting, None, None, to).await?,
            )
        }
    };
    // A visit handed over with the ticket is kept only while the ticket is still served.
    if matches!(action, Action::Done | Action::NoShow) {
        store::handovers::delete_in(&mut tx, ticket_id).await?;
    }
    let event = record(&mut tx, kind, &updated, now).await?;
    tx.commit().await?;
    state.events.publish(event);
    tracing::info!(ticket = ticket_id, staff = staff.id, action = ?action, "ticket updated");
    Ok(updated)
}

pub(crate) async fn ticket_recall(
    staff: Staff,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Ticket>> {
    act(&state, &staff, id, Action::Recall, None)
        .await
        .map(Json)
}

pub(crate) async fn ticket_no_show(
    staff: Staff,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Ticket>> {
    act(&state, &staff, id, Action::NoShow, None)
        .await
        .map(Json)
}

pub(crate) async fn ticket_done(
    staff: Staff,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Ticket>> {
    act(&state, &staff, id, Action::Done, None).await.map(Json)
}

/// Moves a ticket to another service's line. It keeps its number and its original issue
/// time, so it is called before tickets issued after it.
pub(crate) async fn ticket_transfer(
    staff: Staff,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(req): Json<TransferRequest>,
) -> Result<Json<Ticket>> {
    act(&state, &staff, id, Action::Transfer, Some(&req.service_id))
        .await
        .map(Json)
}

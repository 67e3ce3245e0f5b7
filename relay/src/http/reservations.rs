//! Reservations (issue 6): free slots per office, service and day; booking with an
//! idempotency key; the holder's capability token to see, cancel, reschedule and add the visit
//! to a calendar (.ics).
//!
//! No double booking under any concurrency: a booking is one conditional increment of the
//! slot's count (`booked < capacity`, with a CHECK constraint behind it) inside the same
//! transaction as the reservation row, so two bookings of the last place cannot both commit.
//!
//! Tokens are 256-bit capabilities; only their SHA-256 is stored. A booking retried with the
//! same `Idempotency-Key` must return the same token, so such tokens are derived with
//! HMAC-SHA-256 from a secret the relay keeps (`relay_secrets`) and the office and key.

use crate::db::Pool;
use crate::store;
use crate::store::reservations::{BookingConfig, Lookup, NewBooking, Rule, free_place, take_place};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::IntoResponse;
use mado_civil::Date;
use mado_wire::calendar::{self, ClosedWhy, OfficeCalendar, WalkIn};
use mado_wire::{
    BookRequest, Booking, CheckInRequest, IssuedTicket, RescheduleRequest, Reservation,
    ReservationStatus, SlotOffer,
};
use schemars::JsonSchema;
use serde::Deserialize;
use std::sync::Arc;

use crate::capability::{keyed, new_codes, no_unused_code, token_hash};
use crate::db::{Writes, now_ms};
use crate::error::{Error, Json, Path, Query, Result};
use crate::headers::{Caller, Idempotency};
use crate::state::AppState;
use crate::store::tickets::{CheckedIn, insert_ticket, issued};
use axum::extract::State;

/// Letters and digits that cannot be confused when read aloud or typed at a kiosk.
const CODE_LEN: usize = 6;
/// Longest range of days one slot listing covers (a year: no booking window is longer).
const MAX_DAYS: u32 = 366;

async fn booking_config(state: &AppState, office: &str) -> Result<Arc<BookingConfig>> {
    // Unknown offices are refused here, so nothing is kept for them.
    state.shared_office(office).await?;
    if let Some(cached) = state.cached_bookings(office) {
        return Ok(cached);
    }
    let epoch = state.offices.epoch();
    let config = Arc::new(store::reservations::booking_config(&state.db, office).await?);
    state.keep_bookings(office, epoch, config.clone());
    Ok(config)
}

/// Whether `service` of `office` takes walk-in tickets at `at_ms` (issue 17 item 6): the
/// office's calendar (an office without one takes none) and the service's cut-off.
pub(crate) async fn walk_in(
    state: &AppState,
    office: &str,
    service: &mado_wire::Service,
    at_ms: i64,
) -> Result<WalkIn> {
    let config = booking_config(state, office).await?;
    let Some(calendar) = &config.calendar else {
        return Ok(WalkIn::Closed {
            why: ClosedWhy::NoHours,
            next: None,
        });
    };
    let (day, minute) = crate::db::local_day_minute(at_ms);
    calendar
        .walk_in(day, minute, service.walk_in_cutoff_minutes)
        .map_err(|e| Error::Internal(format!("calendar of office {office:?}: {e}")))
}

fn parse_day(s: &str, field: &str) -> Result<Date> {
    Date::parse_iso(s).map_err(|_| {
        Error::bad_request(
            "invalid_body",
            format!("{field}: {s:?} is not a date; expected YYYY-MM-DD"),
        )
    })
}

fn parse_time(s: &str, field: &str) -> Result<u16> {
    let bad = || {
        Error::bad_request(
            "invalid_body",
            format!("{field}: {s:?} is not a time; expected HH:MM"),
        )
    };
    let (h, m) = s.split_once(':').ok_or_else(bad)?;
    if h.len() != 2 || m.len() != 2 {
        return Err(bad());
    }
    let (h, m): (u16, u16) = (h.parse().map_err(|_| bad())?, m.parse().map_err(|_| bad())?);
    if h > 23 || m > 59 {
        return Err(bad());
    }
    Ok(h * 60 + m)
}

/// Today and the current minute, office-local (Japan).
fn now_local() -> (Date, i64) {
    let (today, minute) = crate::db::local_day_minute(now_ms());
    (today, i64::from(minute))
}

/// Whether a slot starting at `start` on `day` may still be booked.
fn bookable(rule: &Rule, day: Date, start: u16, today: Date, minute: i64) -> bool {
    let ahead = day.days_since_epoch() - today.days_since_epoch();
    if ahead < 0 || ahead > rule.horizon_days {
        return false;
    }
    ahead > 0 || i64::from(start) >= minute + rule.lead_minutes
}

/// The free places of every bookable slot of `service` from `from` for `days` days.
async fn offers(
    state: &AppState,
    office: &str,
    service: &str,
    from: Date,
    days: u32,
) -> Result<Vec<SlotOffer>> {
    let config = booking_config(state, office).await?;
    let cal = config.calendar(office)?;
    let rule = config.rule(office, service)?;
    offers_in(&state.db, office, service, cal, &rule, from, days).await
}

/// [`offers`] with the calendar and rule already loaded.
async fn offers_in(
    db: &Pool,
    office: &str,
    service: &str,
    cal: &OfficeCalendar,
    rule: &Rule,
    from: Date,
    days: u32,
) -> Result<Vec<SlotOffer>> {
    let (today, minute) = now_local();
    let Some(last) = i64::from(days).checked_sub(1) else {
        return Ok(Vec::new());
    };
    // The places booked on every day asked, in one read.
    let booked =
        store::reservations::booked_between(db, office, service, from, from.add_days(last)).await?;
    let mut out = Vec::new();
    for i in 0..=last {
        let day = from.add_days(i);
        let slots = calendar::slots(cal, day, rule.slot)
            .map_err(|e| Error::Conflict(format!("the office calendar cannot be used: {e}")))?;
        let day_text = day.to_string();
        for s in slots {
            if !bookable(rule, day, s.start, today, minute) {
                continue;
            }
            let booked = booked
                .get(&(day_text.clone(), i64::from(s.start)))
                .copied()
                .unwrap_or(0);
            let free = i64::from(s.capacity).saturating_sub(booked).max(0);
            out.push(SlotOffer {
                service: service.to_owned(),
                day,
                start: calendar::hhmm(s.start),
                end: calendar::hhmm(s.end),
                free: u32::try_from(free).unwrap_or(0),
            });
        }
    }
    Ok(out)
}

/// The query of `GET …/slots`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SlotsQuery {
    /// First day (office-local `YYYY-MM-DD`); today when absent.
    from: Option<String>,
    /// How many days from `from`; when absent, up to the last day the service takes bookings
    /// for (its booking window, e.g. 60 days).
    #[schemars(range(min = 1, max = MAX_DAYS))]
    days: Option<u32>,
}

/// `GET /api/offices/{office}/services/{service}/slots?from=YYYY-MM-DD&days=N` (public):
/// bookable slots with their free places (full ones included, with `free: 0`).
pub(crate) async fn slots_list(
    State(state): State<AppState>,
    Path((office, service)): Path<(String, String)>,
    Query(q): Query<SlotsQuery>,
) -> Result<Json<Vec<SlotOffer>>> {
    state.office(&office).await?;
    let from = match &q.from {
        Some(s) => parse_day(s, "from")?,
        None => now_local().0,
    };
    let days = match q.days {
        Some(d) => d,
        // The whole window: from `from` to the service's last bookable day.
        None => {
            let config = booking_config(&state, &office).await?;
            let rule = config.rule(&office, &service)?;
            let last = now_local().0.days_since_epoch() + rule.horizon_days;
            u32::try_from(last - from.days_since_epoch() + 1)
                .unwrap_or(0)
                .clamp(1, MAX_DAYS)
        }
    };
    if !(1..=MAX_DAYS).contains(&days) {
        return Err(Error::bad_request(
            "invalid_query",
            format!("days: {days} is out of range; expected 1 to {MAX_DAYS}"),
        ));
    }
    Ok(Json(offers(&state, &office, &service, from, days).await?))
}

/// The next free slots from `day` on (for a full slot's answer).
async fn alternatives(state: &AppState, office: &str, service: &str, day: Date) -> Vec<SlotOffer> {
    match offers(state, office, service, day, 14).await {
        Ok(list) => list.into_iter().filter(|o| o.free > 0).take(5).collect(),
        Err(e) => {
            // The answer goes without alternatives rather than failing.
            tracing::warn!(error = %e, "the free slots to offer instead could not be read");
            Vec::new()
        }
    }
}

/// The first free slot of a service from today on (two weeks ahead at most), for a walk-in
/// facing a long wait. `None` when the service takes no bookings or nothing is free. Reused
/// for a moment ([`NextSlots`]).
pub(crate) async fn next_free_slot(
    state: &AppState,
    office: &str,
    service: &str,
) -> Option<SlotOffer> {
    let settings = state.offices.epoch();
    if let Some(offer) = state.next_slots.get(office, service, settings) {
        return offer;
    }
    let forgets = state.next_slots.forgets();
    let read_at = std::time::Instant::now();
    let offer = read_next_free_slot(state, office, service).await.ok()?;
    state.next_slots.keep(
        (office.to_owned(), service.to_owned()),
        forgets,
        read_at,
        settings,
        offer.clone(),
    );
    offer
}

/// [`next_free_slot`] from the database; `Err` (logged) when it cannot be read.
async fn read_next_free_slot(
    state: &AppState,
    office: &str,
    service: &str,
) -> std::result::Result<Option<SlotOffer>, ()> {
    // Date by day, stopping at the first free place: the answer is nearly always today or the
    // next open day. (Reading the two weeks at once is one query, but of every booked slot of
    // the two weeks: measured slower with SQLite, where each row costs more than a query.)
    let config = booking_config(state, office).await.map_err(|e| {
        tracing::warn!(error = %e, "the next free slot could not be read");
    })?;
    let (Ok(cal), Ok(rule)) = (config.calendar(office), config.rule(office, service)) else {
        return Ok(None);
    };
    let (today, _) = now_local();
    for i in 0..14 {
        match offers_in(&state.db, office, service, cal, &rule, today.add_days(i), 1).await {
            Ok(offers) => {
                if let Some(free) = offers.into_iter().find(|o| o.free > 0) {
                    return Ok(Some(free));
                }
            }
            Err(e) => {
                // The ticket goes without the offer rather than failing.
                tracing::warn!(error = %e, "the next free slot could not be read");
                return Err(());
            }
        }
    }
    Ok(None)
}

fn normalise_phone(phone: &str) -> Result<String> {
    let digits: String = phone
        .chars()
        .filter(|c| !matches!(c, '-' | ' ' | '(' | ')' | '（' | '）' | 'ー' | '－' | '‐'))
        .map(|c| match c {
            '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
            c => c,
        })
        .collect();
    if (10..=11).contains(&digits.len())
        && digits.starts_with('0')
        && digits.bytes().all(|b| b.is_ascii_digit())
    {
        Ok(digits)
    } else {
        Err(Error::bad_request(
            "invalid_body",
            "phone: expected a Japanese telephone number of 10 or 11 digits starting with 0",
        ))
    }
}

/// Checks that `start` on `day` is a slot of the service's calendar that may be booked now,
/// and returns its end.
async fn check_slot(
    state: &AppState,
    office: &str,
    service: &str,
    day: Date,
    start: u16,
) -> Result<(Rule, u16)> {
    let config = booking_config(state, office).await?;
    let cal = config.calendar(office)?;
    let rule = config.rule(office, service)?;
    let slots = calendar::slots(cal, day, rule.slot)
        .map_err(|e| Error::Conflict(format!("the office calendar cannot be used: {e}")))?;
    let slot = slots.iter().find(|s| s.start == start).ok_or_else(|| {
        Error::bad_request(
            "no_such_slot",
            format!(
                "{day} {} is not a slot of service {service:?}; the office is closed then or slots start at other times",
                calendar::hhmm(start)
            ),
        )
    })?;
    let (today, minute) = now_local();
    if !bookable(&rule, day, start, today, minute) {
        return Err(Error::bad_request(
            "not_bookable",
            format!(
                "{day} {} can no longer be booked, or not yet: bookings open {} days ahead and close {} minutes before the slot",
                calendar::hhmm(start),
                rule.horizon_days,
                rule.lead_minutes
            ),
        ));
    }
    Ok((rule, slot.end))
}

/// The reservation behind `token`, with its row id; 404 if there is none.
async fn reservation_by_token(
    conn: &mut sqlx::AnyConnection,
    token: &str,
) -> Result<(i64, Reservation)> {
    store::reservations::by_token_hash(conn, &token_hash(token))
        .await?
        .ok_or_else(|| Error::NotFound("no reservation for this link".into()))
}

/// A phone number and birth date given for checking in.
struct Contact {
    phone: String,
    birth: Date,
}

fn contact(phone: Option<&str>, birth: Option<&str>) -> Result<Option<Contact>> {
    match (phone, birth) {
        (None, None) => Ok(None),
        (Some(p), Some(b)) => Ok(Some(Contact {
            phone: normalise_phone(p)?,
            birth: parse_day(b, "birth_date")?,
        })),
        _ => Err(Error::bad_request(
            "invalid_body",
            "phone and birth_date go together: give both or neither",
        )),
    }
}

/// The keyed hash kept instead of the phone number and birth date.
fn checkin_hash(state: &AppState, office: &str, c: &Contact) -> String {
    keyed(
        &state.secret,
        &format!("check-in\n{office}\n{}\n{}", c.phone, c.birth),
    )
}

/// `POST /api/offices/{office}/check-in` (kiosk): finds today's reservation by its code, its
/// token (the booking's QR code) or phone number and birth date, and gives it a ticket that
/// the calling policy puts ahead of walk-ins at its time. Checking in twice returns the same
/// ticket (200).
pub(crate) async fn reservation_check_in(
    _kiosk: crate::http::devices::KioskAccess,
    State(state): State<AppState>,
    Path(office_id): Path<String>,
    Json(req): Json<CheckInRequest>,
) -> Result<(StatusCode, Json<IssuedTicket>)> {
    let office = state.office(&office_id).await?;
    let (today, _) = now_local();
    let who = contact(req.phone.as_deref(), req.birth_date.as_deref())?;
    let (by, value) = match (&req.code, &req.token, who) {
        (Some(code), None, None) => (Lookup::Code, code.trim().to_uppercase()),
        (None, Some(token), None) => (Lookup::TokenHash, token_hash(token.trim())),
        (None, None, Some(c)) => (Lookup::CheckinHash, checkin_hash(&state, &office_id, &c)),
        _ => {
            return Err(Error::bad_request(
                "invalid_body",
                "give exactly one of: code, token, or phone with birth_date",
            ));
        }
    };
    let (_write, mut tx) = state
        .begin_write(&[Writes::Queue(&office_id), Writes::Bookings(&office_id)])
        .await?;
    let found = store::reservations::for_check_in(&mut tx, &office_id, by, &value, today)
        .await?
        .ok_or_else(|| {
            Error::NotFound("no reservation matches; check the code or ask at the counter".into())
        })?;
    let id = found.id;
    if found.status == ReservationStatus::Cancelled {
        return Err(Error::Conflict("this reservation was cancelled".into()));
    }
    if found.day != today {
        return Err(Error::Conflict(format!(
            "this reservation is for {}, not today ({today})",
            found.day
        )));
    }
    if found.status == ReservationStatus::CheckedIn {
        let ticket_id = store::reservations::ticket_of(&mut tx, id).await?;
        let ticket = crate::store::tickets::fetch_ticket(&mut tx, ticket_id).await?;
        let issued = issued(&mut tx, &office, ticket).await?;
        return Ok((
            StatusCode::OK,
            Json(crate::store::tickets::with_status_token(
                &state.secret,
                issued,
            )),
        ));
    }
    let service_id = found.service;
    let service = office
        .services
        .iter()
        .find(|s| s.id == service_id)
        .ok_or_else(|| {
            Error::Internal(format!("reservation for a missing service {service_id:?}"))
        })?;
    let slot_start_ms = crate::db::local_day_start_ms(now_ms()) + found.start_min * 60_000;
    let (ticket, event) = insert_ticket(
        &mut tx,
        &office,
        service,
        None,
        Some(CheckedIn {
            reservation_id: id,
            slot_start_ms,
        }),
    )
    .await?;
    store::reservations::checked_in(&mut tx, id).await?;
    tx.commit().await?;
    let ticket = crate::store::tickets::just_issued(&office, ticket, &event);
    // Published before the lock goes, so events reach the streams in commit order.
    state.events.publish(event);
    drop(_write);
    tracing::info!(office = %office_id, number = %ticket.ticket.number, "reservation checked in");
    Ok((
        StatusCode::CREATED,
        Json(crate::store::tickets::with_status_token(
            &state.secret,
            ticket,
        )),
    ))
}

/// The reservation behind `token`, if there is one.
async fn existing(db: &Pool, token: &str) -> Result<Option<Reservation>> {
    let mut conn = db.acquire().await?;
    match reservation_by_token(&mut conn, token).await {
        Ok((_, r)) => Ok(Some(r)),
        Err(Error::NotFound(_)) => Ok(None),
        Err(e) => Err(e),
    }
}

/// `POST /api/offices/{office}/reservations` (public): books a place. 201 with the token and
/// the reservation; 200 with the same answer when retried with the same `Idempotency-Key`;
/// 409 `slot_full` with other free slots when the slot has no place left.
pub(crate) async fn reservation_book(
    State(state): State<AppState>,
    Path(office): Path<String>,
    headers: HeaderMap,
    Json(req): Json<BookRequest>,
) -> Result<(StatusCode, Json<Booking>)> {
    let route = format!("reservations\n{office}");
    let key = Idempotency::read(&headers, &state.secret, Caller::Public, &route, &req)?;
    let known = state.office(&office).await?;
    if !known.services.iter().any(|s| s.id == req.service) {
        let ids: Vec<&str> = known.services.iter().map(|s| s.id.as_str()).collect();
        return Err(Error::bad_request(
            "unknown_service",
            format!(
                "office {office:?} has no service {:?}; expected one of {ids:?}",
                req.service
            ),
        ));
    }
    let day = parse_day(&req.day, "day")?;
    let start = parse_time(&req.start, "start")?;
    let contact = contact(req.phone.as_deref(), req.birth_date.as_deref())?;

    let token = match &key {
        Some(k) => keyed(
            &state.secret,
            &format!("{office}\n{}\n{}", k.key(), k.request()),
        ),
        None => crate::capability::random_token(),
    };
    // A retried booking gets the same answer, even if the slot has filled up since; the same
    // key with another booking gets 422.
    if let Some(k) = &key {
        let used = {
            let mut conn = state.db.acquire().await?;
            store::key_used(&mut conn, store::Keyed::Reservations, &office, k).await?
        };
        if used && let Some(reservation) = existing(&state.db, &token).await? {
            return Ok((StatusCode::OK, Json(Booking { token, reservation })));
        }
    }
    let (rule, end) = check_slot(&state, &office, &req.service, day, start).await?;
    let checkin_hash = contact.as_ref().map(|c| checkin_hash(&state, &office, c));
    let (_write, mut tx) = state.begin_write(&[Writes::Bookings(&office)]).await?;
    if let Some(k) = &key
        && store::key_used(&mut tx, store::Keyed::Reservations, &office, k).await?
    {
        let (_, reservation) = reservation_by_token(&mut tx, &token).await?;
        return Ok((StatusCode::OK, Json(Booking { token, reservation })));
    }
    if !take_place(
        &mut tx,
        &office,
        &req.service,
        day,
        start,
        rule.slot.capacity,
    )
    .await?
    {
        // Rolled back before the lock goes (see `AppState::begin_write`); the alternatives
        // are read without it.
        tx.rollback().await?;
        drop(_write);
        let alternatives = alternatives(&state, &office, &req.service, day).await;
        return Err(Error::SlotFull {
            message: format!(
                "{day} {} has no free place for service {:?}",
                req.start, req.service
            ),
            alternatives,
        });
    }
    let hash = token_hash(&token);
    let booking = NewBooking {
        office: &office,
        service: &req.service,
        day,
        start,
        end,
        token_hash: &hash,
        checkin_hash: checkin_hash.as_deref(),
        idempotency_key: key.as_ref(),
        now: now_ms(),
    };
    let mut stored_code = None;
    for code in new_codes(CODE_LEN) {
        if store::reservations::insert(&mut tx, &booking, &code).await? {
            stored_code = Some(code);
            break;
        }
    }
    let code = stored_code.ok_or_else(|| no_unused_code("reservation", &office, CODE_LEN))?;
    tx.commit().await?;
    state.next_slots.forget(&office, &req.service);
    tracing::info!(office = %office, service = %req.service, day = %day, start = %req.start, "reservation booked");
    Ok((
        StatusCode::CREATED,
        Json(Booking {
            token,
            reservation: Reservation {
                office,
                service: req.service,
                day,
                start: calendar::hhmm(start),
                end: calendar::hhmm(end),
                code,
                status: ReservationStatus::Booked,
            },
        }),
    ))
}

/// `GET /api/reservations/{token}`: the reservation, for its holder.
pub(crate) async fn reservation_get(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<Reservation>> {
    let mut conn = state.db.acquire().await?;
    Ok(Json(reservation_by_token(&mut conn, &token).await?.1))
}

/// `DELETE /api/reservations/{token}`: cancels and frees the place (again: same answer).
pub(crate) async fn reservation_cancel(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<Reservation>> {
    // Its office first, to wait only for that office's bookings.
    let office = existing(&state.db, &token)
        .await?
        .ok_or_else(|| Error::NotFound("no reservation for this link".into()))?
        .office;
    let (_write, mut tx) = state.begin_write(&[Writes::Bookings(&office)]).await?;
    let (id, mut r) = reservation_by_token(&mut tx, &token).await?;
    match r.status {
        ReservationStatus::Cancelled => return Ok(Json(r)),
        ReservationStatus::CheckedIn => {
            return Err(Error::Conflict(
                "the reservation is already checked in; ask at the counter".into(),
            ));
        }
        ReservationStatus::Booked => {}
    }
    let start = i64::from(parse_time(&r.start, "start")?);
    free_place(&mut tx, &r.office, &r.service, r.day, start).await?;
    store::reservations::cancel(&mut tx, id).await?;
    tx.commit().await?;
    state.next_slots.forget(&r.office, &r.service);
    r.status = ReservationStatus::Cancelled;
    Ok(Json(r))
}

/// `POST /api/reservations/{token}/reschedule`: moves the booking to another slot of the same
/// service, atomically (the old place is freed only if the new one is taken).
pub(crate) async fn reservation_reschedule(
    State(state): State<AppState>,
    Path(token): Path<String>,
    Json(req): Json<RescheduleRequest>,
) -> Result<Json<Reservation>> {
    let day = parse_day(&req.day, "day")?;
    let start = parse_time(&req.start, "start")?;
    let r = existing(&state.db, &token)
        .await?
        .ok_or_else(|| Error::NotFound("no reservation for this link".into()))?;
    if r.status == ReservationStatus::Booked && r.day == day && r.start == req.start {
        return Ok(Json(r));
    }
    let (rule, end) = check_slot(&state, &r.office, &r.service, day, start).await?;
    let (_write, mut tx) = state.begin_write(&[Writes::Bookings(&r.office)]).await?;
    let (id, r) = reservation_by_token(&mut tx, &token).await?;
    if r.status != ReservationStatus::Booked {
        return Err(Error::Conflict(format!(
            "only a booked reservation can be moved; this one is {:?}",
            r.status
        )));
    }
    if !take_place(
        &mut tx,
        &r.office,
        &r.service,
        day,
        start,
        rule.slot.capacity,
    )
    .await?
    {
        // Rolled back before the lock goes (see `AppState::begin_write`); the alternatives
        // are read without it.
        tx.rollback().await?;
        drop(_write);
        let alternatives = alternatives(&state, &r.office, &r.service, day).await;
        return Err(Error::SlotFull {
            message: format!("{day} {} has no free place", req.start),
            alternatives,
        });
    }
    let old = i64::from(parse_time(&r.start, "start")?);
    free_place(&mut tx, &r.office, &r.service, r.day, old).await?;
    store::reservations::move_to(&mut tx, id, day, start, end).await?;
    tx.commit().await?;
    state.next_slots.forget(&r.office, &r.service);
    Ok(Json(Reservation {
        day,
        start: calendar::hhmm(start),
        end: calendar::hhmm(end),
        ..r
    }))
}

fn ics_text(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace('\n', "\\n")
}

/// Folds a content line at 75 octets (RFC 5545 §3.1), never inside a character.
fn fold(line: &str) -> String {
    let mut out = String::with_capacity(line.len() + line.len() / 70 * 3);
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out
}

/// The visit as an iCalendar event (RFC 5545), Japan time.
pub fn ics(r: &Reservation, office_name: &str, service_name: &str, stamp_ms: i64) -> String {
    let compact = |day: Date, hhmm: &str| {
        format!(
            "{:04}{:02}{:02}T{}00",
            day.year(),
            day.month(),
            day.day(),
            hhmm.replace(':', "")
        )
    };
    let stamp = chrono::DateTime::from_timestamp_millis(stamp_ms)
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%SZ");
    [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Mado//Reservations//JA".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "BEGIN:VTIMEZONE".to_owned(),
        "TZID:Asia/Tokyo".to_owned(),
        "BEGIN:STANDARD".to_owned(),
        "DTSTART:19700101T000000".to_owned(),
        "TZOFFSETFROM:+0900".to_owned(),
        "TZOFFSETTO:+0900".to_owned(),
        "TZNAME:JST".to_owned(),
        "END:STANDARD".to_owned(),
        "END:VTIMEZONE".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:{}-{}@mado", r.office, r.code),
        format!("DTSTAMP:{stamp}"),
        format!("DTSTART;TZID=Asia/Tokyo:{}", compact(r.day, &r.start)),
        format!("DTEND;TZID=Asia/Tokyo:{}", compact(r.day, &r.end)),
        format!(
            "SUMMARY:{}",
            ics_text(&format!("{office_name} {service_name}"))
        ),
        format!(
            "DESCRIPTION:{}",
            ics_text(&format!(
                "受付番号（予約コード） {}。来庁されたら受付機でチェックインしてください。",
                r.code
            ))
        ),
        format!("LOCATION:{}", ics_text(office_name)),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ]
    .iter()
    .map(|l| fold(l) + "\r\n")
    .collect()
}

/// `GET /api/reservations/{token}/ics`: the visit for the resident's calendar.
pub(crate) async fn reservation_ics(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<impl IntoResponse> {
    let mut conn = state.db.acquire().await?;
    let (_, r) = reservation_by_token(&mut conn, &token).await?;
    drop(conn);
    let office = state.office(&r.office).await?;
    let service = office
        .services
        .iter()
        .find(|s| s.id == r.service)
        .map_or(r.service.clone(), |s| s.name.clone());
    let body = ics(&r, &office.name, &service, now_ms());
    Ok((
        [
            (header::CONTENT_TYPE, "text/calendar; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"mado-reservation.ics\"",
            ),
        ],
        body,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn times_phones_and_codes() {
        assert_eq!(parse_time("09:30", "start").unwrap(), 570);
        for bad in ["9:30", "24:00", "09:60", "0930", "ab:cd"] {
            assert!(parse_time(bad, "start").is_err(), "{bad}");
        }
        assert_eq!(normalise_phone("090-1234-5678").unwrap(), "09012345678");
        assert_eq!(
            normalise_phone("０９３（５８２）１１１１").unwrap(),
            "0935821111"
        );
        assert_eq!(normalise_phone("093-582-1111").unwrap(), "0935821111");
        assert!(normalise_phone("12345").is_err());
        let code = crate::capability::new_code(CODE_LEN);
        assert_eq!(code.len(), CODE_LEN);
    }

    #[test]
    fn the_ics_has_crlf_lines_and_japan_time() {
        let r = Reservation {
            office: "kokurakita".into(),
            service: "jumin".into(),
            day: mado_civil::Date::parse_iso("2026-12-01").unwrap(),
            start: "09:00".into(),
            end: "09:30".into(),
            code: "K7MX4P".into(),
            status: ReservationStatus::Booked,
        };
        let text = ics(
            &r,
            "小倉北区役所",
            "住民異動・証明（市民課）",
            1_795_000_000_000,
        );
        assert!(text.contains("\r\nDTSTART;TZID=Asia/Tokyo:20261201T090000\r\n"));
        assert!(text.contains("\r\nDTEND;TZID=Asia/Tokyo:20261201T093000\r\n"));
        assert!(text.contains("UID:kokurakita-K7MX4P@mado"));
        assert!(text.ends_with("END:VCALENDAR\r\n"));
        assert!(text.split("\r\n").all(|l| l.len() <= 75));
        assert!(text.contains("DESCRIPTION:受付番号"));
    }
}

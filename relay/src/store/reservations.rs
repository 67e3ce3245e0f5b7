//! Bookings as stored: each office's calendar and slot rules, the places booked in each
//! slot, and the reservations (only hashes of their tokens and check-in details).

use std::collections::HashMap;

use mado_civil::Date;
use mado_wire::calendar::{self, OfficeCalendar, SlotRule};
use mado_wire::{Reservation, ReservationStatus};
use sqlx::{Any, Row, Transaction};

use crate::db::{Pool, stored_date};
use crate::error::{Error, Result};

/// How one service is booked at one office.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rule {
    pub(crate) slot: SlotRule,
    pub(crate) horizon_days: i64,
    pub(crate) lead_minutes: i64,
}

/// An office's calendar and slot rules, read once and kept with the office (see
/// `AppState::office`): a busy kiosk asks for them with every ticket.
#[derive(Debug)]
pub(crate) struct BookingConfig {
    pub(crate) calendar: Option<OfficeCalendar>,
    rules: HashMap<String, Rule>,
}

impl BookingConfig {
    pub(crate) fn calendar(&self, office: &str) -> Result<&OfficeCalendar> {
        self.calendar
            .as_ref()
            .ok_or_else(|| Error::NotFound(format!("office {office:?} does not take reservations")))
    }

    pub(crate) fn rule(&self, office: &str, service: &str) -> Result<Rule> {
        self.rules.get(service).copied().ok_or_else(|| {
            Error::NotFound(format!(
                "service {service:?} of office {office:?} does not take reservations"
            ))
        })
    }
}

/// The calendar and slot rules of `office` as stored.
pub(crate) async fn booking_config(db: &Pool, office: &str) -> Result<BookingConfig> {
    let calendar = crate::db::load_calendar(db, office).await?;
    let rows = sqlx::query("SELECT service_id, minutes, capacity, horizon_days, lead_minutes FROM slot_rules WHERE office_id = $1")
        .bind(office)
        .fetch_all(db)
        .await?;
    let rules = rows
        .iter()
        .map(|row| {
            let rule = Rule {
                slot: SlotRule {
                    minutes: u16::try_from(row.get::<i64, _>("minutes")).unwrap_or(u16::MAX),
                    capacity: u32::try_from(row.get::<i64, _>("capacity")).unwrap_or(0),
                },
                horizon_days: row.get("horizon_days"),
                lead_minutes: row.get("lead_minutes"),
            };
            (row.get::<String, _>("service_id"), rule)
        })
        .collect();
    Ok(BookingConfig { calendar, rules })
}

/// Gives the demo office weekday hours (8:30–17:15, closed on holidays and 12/29–1/3) and
/// 30-minute slots for every service, bookable up to 60 days ahead and until 30 minutes before.
pub async fn seed_demo_bookings(pool: &Pool, office: &mado_wire::Office) -> Result<()> {
    let cal = OfficeCalendar::weekdays(8 * 60 + 30, 17 * 60 + 15);
    let json = serde_json::to_string(&cal).map_err(|e| Error::Internal(e.to_string()))?;
    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO office_calendars (office_id, calendar) VALUES ($1, $2)")
        .bind(&office.id)
        .bind(json)
        .execute(&mut *tx)
        .await?;
    for s in &office.services {
        sqlx::query("INSERT INTO slot_rules (office_id, service_id, minutes, capacity, horizon_days, lead_minutes) VALUES ($1, $2, 30, 2, 60, 30)")
            .bind(&office.id)
            .bind(&s.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// The places booked in `office`'s slots of `service` from `from` to `to` (office-local days,
/// both included): (day `YYYY-MM-DD`, start minute) → places booked. Days are ISO dates, in
/// order as text.
pub(crate) async fn booked_between(
    db: &Pool,
    office: &str,
    service: &str,
    from: Date,
    to: Date,
) -> Result<HashMap<(String, i64), i64>> {
    let rows: Vec<(String, i64, i64)> = sqlx::query_as(
        "SELECT day, start_min, booked FROM slot_counts WHERE office_id = $1 AND service_id = $2 AND day >= $3 AND day <= $4",
    )
    .bind(office)
    .bind(service)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(day, start, n)| ((day, start), n))
        .collect())
}

/// Takes one place of a slot; `false` when it is full.
pub(crate) async fn take_place(
    tx: &mut Transaction<'_, Any>,
    office: &str,
    service: &str,
    day: Date,
    start: u16,
    capacity: u32,
) -> Result<bool> {
    // One statement: the slot's first booking stores its count, later ones add to it while
    // places are left. (The WHERE of the SELECT also keeps SQLite from reading ON CONFLICT
    // as a join's ON.)
    let done = sqlx::query("INSERT INTO slot_counts (office_id, service_id, day, start_min, capacity, booked) SELECT $1, $2, $3, $4, $5, 1 WHERE $5 > 0 ON CONFLICT (office_id, service_id, day, start_min) DO UPDATE SET booked = slot_counts.booked + 1 WHERE slot_counts.booked < slot_counts.capacity")
        .bind(office)
        .bind(service)
        .bind(day.to_string())
        .bind(i64::from(start))
        .bind(i64::from(capacity))
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Gives back one place of a slot.
pub(crate) async fn free_place(
    tx: &mut Transaction<'_, Any>,
    office: &str,
    service: &str,
    day: Date,
    start: i64,
) -> Result<()> {
    sqlx::query("UPDATE slot_counts SET booked = booked - 1 WHERE office_id = $1 AND service_id = $2 AND day = $3 AND start_min = $4 AND booked > 0")
        .bind(office)
        .bind(service)
        .bind(day.to_string())
        .bind(start)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A reservation row's status as stored.
fn status_of(row: &sqlx::any::AnyRow) -> Result<ReservationStatus> {
    match row.get::<String, _>("status").as_str() {
        "booked" => Ok(ReservationStatus::Booked),
        "cancelled" => Ok(ReservationStatus::Cancelled),
        "checked_in" => Ok(ReservationStatus::CheckedIn),
        other => Err(Error::Internal(format!(
            "stored reservation status {other:?}"
        ))),
    }
}

/// The reservation whose token hashes to `token_hash`, with its row id.
pub(crate) async fn by_token_hash(
    conn: &mut sqlx::AnyConnection,
    token_hash: &str,
) -> Result<Option<(i64, Reservation)>> {
    let Some(row) = sqlx::query("SELECT id, office_id, service_id, day, start_min, end_min, code, status FROM reservations WHERE token_hash = $1")
        .bind(token_hash)
        .fetch_optional(conn)
        .await?
    else {
        return Ok(None);
    };
    let status = status_of(&row)?;
    let minutes = |k: &str| u16::try_from(row.get::<i64, _>(k)).unwrap_or(0);
    Ok(Some((
        row.get("id"),
        Reservation {
            office: row.get("office_id"),
            service: row.get("service_id"),
            day: stored_date(&row.get::<String, _>("day"), "reservation day")?,
            start: calendar::hhmm(minutes("start_min")),
            end: calendar::hhmm(minutes("end_min")),
            code: row.get("code"),
            status,
        },
    )))
}

/// How a resident names their reservation at the kiosk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Lookup {
    /// The short code, upper case.
    Code,
    /// The hash of the booking's token (its QR code).
    TokenHash,
    /// The keyed hash of phone number and birth date.
    CheckinHash,
}

/// A reservation found for checking in.
#[derive(Debug, Clone)]
pub(crate) struct ToCheckIn {
    pub id: i64,
    pub service: String,
    pub day: Date,
    pub start_min: i64,
    pub status: ReservationStatus,
}

/// `office`'s reservation that `value` names by `by`: today's if it has one, else its earliest.
pub(crate) async fn for_check_in(
    tx: &mut Transaction<'_, Any>,
    office: &str,
    by: Lookup,
    value: &str,
    today: Date,
) -> Result<Option<ToCheckIn>> {
    let column = match by {
        Lookup::Code => "code",
        Lookup::TokenHash => "token_hash",
        Lookup::CheckinHash => "checkin_hash",
    };
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT id, service_id, day, start_min, status FROM reservations WHERE office_id = $1 AND {column} = $2 ORDER BY day = $3 DESC, day LIMIT 1"
    ));
    let Some(row) = sqlx::query(sql)
        .bind(office)
        .bind(value)
        .bind(today.to_string())
        .fetch_optional(&mut **tx)
        .await?
    else {
        return Ok(None);
    };
    let status = status_of(&row)?;
    Ok(Some(ToCheckIn {
        id: row.get("id"),
        service: row.get("service_id"),
        day: stored_date(&row.get::<String, _>("day"), "reservation day")?,
        start_min: row.get("start_min"),
        status,
    }))
}

/// The ticket a checked-in reservation was given.
pub(crate) async fn ticket_of(tx: &mut Transaction<'_, Any>, reservation: i64) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT id FROM tickets WHERE reservation_id = $1")
            .bind(reservation)
            .fetch_one(&mut **tx)
            .await?,
    )
}

/// Marks reservation `id` checked in.
pub(crate) async fn checked_in(tx: &mut Transaction<'_, Any>, id: i64) -> Result<()> {
    sqlx::query("UPDATE reservations SET status = 'checked_in' WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// A booking to store.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewBooking<'a> {
    pub office: &'a str,
    pub service: &'a str,
    pub day: Date,
    pub start: u16,
    pub end: u16,
    pub token_hash: &'a str,
    pub checkin_hash: Option<&'a str>,
    pub idempotency_key: Option<&'a crate::headers::Idempotency>,
    pub now: i64,
}

/// Stores `booking` with short code `code`; `false` (nothing stored) when the code is taken
/// in its office.
pub(crate) async fn insert(
    tx: &mut Transaction<'_, Any>,
    booking: &NewBooking<'_>,
    code: &str,
) -> Result<bool> {
    let stored = sqlx::query("INSERT INTO reservations (office_id, service_id, day, start_min, end_min, token_hash, code, checkin_hash, status, created_at_ms, idempotency_key, idempotency_request) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'booked', $9, $10, $11) ON CONFLICT (office_id, code) DO NOTHING")
        .bind(booking.office)
        .bind(booking.service)
        .bind(booking.day.to_string())
        .bind(i64::from(booking.start))
        .bind(i64::from(booking.end))
        .bind(booking.token_hash)
        .bind(code)
        .bind(booking.checkin_hash)
        .bind(booking.now)
        .bind(booking.idempotency_key.map(crate::headers::Idempotency::key))
        .bind(booking.idempotency_key.map(crate::headers::Idempotency::request))
        .execute(&mut **tx)
        .await?;
    Ok(stored.rows_affected() == 1)
}

/// Cancels reservation `id` and forgets its check-in hash.
pub(crate) async fn cancel(tx: &mut Transaction<'_, Any>, id: i64) -> Result<()> {
    sqlx::query("UPDATE reservations SET status = 'cancelled', checkin_hash = NULL WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Moves reservation `id` to another slot (its places are taken and freed by the caller).
pub(crate) async fn move_to(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    day: Date,
    start: u16,
    end: u16,
) -> Result<()> {
    sqlx::query("UPDATE reservations SET day = $1, start_min = $2, end_min = $3 WHERE id = $4")
        .bind(day.to_string())
        .bind(i64::from(start))
        .bind(i64::from(end))
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

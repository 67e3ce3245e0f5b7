//! Guide records as stored: one row per record, its answers, procedures and printed forms as
//! JSON text.

use mado_wire::{GuideRecord, NewGuideRecord};
use sqlx::Row;

use crate::db::{Pool, stored_date};
use crate::error::{Error, Result};

/// Whether ticket `ticket` is one of `office`'s.
pub(crate) async fn ticket_in_office(db: &Pool, ticket: i64, office: &str) -> Result<bool> {
    let found: Option<i64> =
        sqlx::query_scalar("SELECT id FROM tickets WHERE id = $1 AND office_id = $2")
            .bind(ticket)
            .bind(office)
            .fetch_optional(db)
            .await?;
    Ok(found.is_some())
}

/// The columns of a stored record with its staff login, then `$tail` (a static statement).
macro_rules! select {
    ($tail:literal) => {
        concat!(
            "SELECT r.id, r.created_at_ms, r.pack, r.pack_version, r.city, r.ref_date, r.answers, r.procedures, r.ticket_id, r.printed_forms, r.printed_for, r.hand_fields, r.started_at_ms, r.printed_at_ms, r.done_at_ms, r.counter_id, s.login
             FROM guide_records r JOIN staff s ON s.id = r.staff_id ",
            $tail
        )
    };
}

/// The record `office` stored with idempotency key `key`, if any.
pub(crate) async fn by_key(db: &Pool, office: &str, key: &str) -> Result<Option<GuideRecord>> {
    let row = sqlx::query(select!("WHERE r.office_id = $1 AND r.idempotency_key = $2"))
        .bind(office)
        .bind(key)
        .fetch_optional(db)
        .await?;
    row.map(|r| from_row(&r, office)).transpose()
}

/// Stores a record made by staff member `staff_id` at `now` (with the counter's idempotency
/// key, if it sent one); returns its id, or `None` when a record with that key is already
/// stored (a retry that lost the race: read it with [`by_key`]).
pub(crate) async fn insert(
    db: &Pool,
    office: &str,
    staff_id: i64,
    now: i64,
    key: Option<&str>,
    r: &NewGuideRecord,
) -> Result<Option<i64>> {
    let json = |v: serde_json::Result<String>| v.map_err(|e| Error::Internal(e.to_string()));
    let answers = json(serde_json::to_string(&r.answers))?;
    let procedures = json(serde_json::to_string(&r.procedures))?;
    let printed = json(serde_json::to_string(&r.printed_forms))?;
    Ok(sqlx::query_scalar(
        "INSERT INTO guide_records (office_id, staff_id, created_at_ms, pack, pack_version, city, ref_date, answers, procedures, ticket_id, printed_forms, printed_for, hand_fields, started_at_ms, printed_at_ms, done_at_ms, idempotency_key, counter_id)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18)
         ON CONFLICT (office_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
         RETURNING id",
    )
    .bind(office)
    .bind(staff_id)
    .bind(now)
    .bind(&r.pack)
    .bind(&r.version)
    .bind(&r.city)
    .bind(r.date.to_string())
    .bind(answers)
    .bind(procedures)
    .bind(r.ticket_id)
    .bind(printed)
    .bind(&r.printed_for)
    .bind(r.hand_fields.map(i64::from))
    .bind(r.started_at_ms)
    .bind(r.printed_at_ms)
    .bind(r.done_at_ms)
    .bind(key)
    .bind(r.counter_id)
    .fetch_optional(db)
    .await?)
}

/// Which records to list: a span of days (from the start of `from` to the end of `to`, in
/// Japan's time), one counter (0: any) and one life event (empty: any).
#[derive(Debug, Clone)]
pub(crate) struct Filter {
    pub from_ms: i64,
    pub until_ms: i64,
    pub counter: i64,
    pub pack: String,
}

/// The newest `limit` records of `office` the filter lets through, newest first, with the
/// login of who saved each.
pub(crate) async fn newest(
    db: &Pool,
    office: &str,
    f: &Filter,
    limit: i64,
) -> Result<Vec<GuideRecord>> {
    let rows = sqlx::query(select!(
        "WHERE r.office_id = $1 AND r.created_at_ms >= $2 AND r.created_at_ms < $3
           AND ($4 = 0 OR r.counter_id = $4) AND ($5 = '' OR r.pack = $5)
         ORDER BY r.created_at_ms DESC, r.id DESC LIMIT $6"
    ))
    .bind(office)
    .bind(f.from_ms)
    .bind(f.until_ms)
    .bind(f.counter)
    .bind(&f.pack)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter().map(|row| from_row(row, office)).collect()
}

fn from_row(row: &sqlx::any::AnyRow, office: &str) -> Result<GuideRecord> {
    let parse = |col: &str, text: String| {
        Error::Internal(format!(
            "guide record column {col} is not valid JSON: {text}"
        ))
    };
    let answers: String = row.try_get("answers")?;
    let procedures: String = row.try_get("procedures")?;
    let printed: String = row.try_get("printed_forms")?;
    let hand: Option<i64> = row.try_get("hand_fields")?;
    Ok(GuideRecord {
        id: row.try_get("id")?,
        office_id: office.to_owned(),
        staff: row.try_get("login")?,
        created_at_ms: row.try_get("created_at_ms")?,
        record: NewGuideRecord {
            pack: row.try_get("pack")?,
            version: row.try_get("pack_version")?,
            city: row.try_get("city")?,
            date: stored_date(&row.try_get::<String, _>("ref_date")?, "ref_date")?,
            answers: serde_json::from_str(&answers).map_err(|e| parse("answers", e.to_string()))?,
            procedures: serde_json::from_str(&procedures)
                .map_err(|e| parse("procedures", e.to_string()))?,
            ticket_id: row.try_get("ticket_id")?,
            printed_forms: serde_json::from_str(&printed)
                .map_err(|e| parse("printed_forms", e.to_string()))?,
            printed_for: row.try_get("printed_for")?,
            hand_fields: hand
                .map(|n| {
                    u32::try_from(n).map_err(|_| {
                        Error::Internal(format!("guide record hand_fields {n} is not a count"))
                    })
                })
                .transpose()?,
            started_at_ms: row.try_get("started_at_ms")?,
            printed_at_ms: row.try_get("printed_at_ms")?,
            done_at_ms: row.try_get("done_at_ms")?,
            counter_id: row.try_get("counter_id")?,
        },
    })
}

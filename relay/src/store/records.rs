//! Guide records as stored: one row per record, its answers, procedures and printed forms as
//! JSON text.

use mado_wire::{GuideRecord, NewGuideRecord};
use sqlx::Row;

use crate::db::{Pool, stored_date};
use crate::error::{Error, Result};
use crate::headers::Idempotency;

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

/// The record `office` stored with idempotency key `key`, if any; 422
/// `idempotency_key_reused` if the key came with another request.
pub(crate) async fn by_key(
    db: &Pool,
    office: &str,
    key: &Idempotency,
) -> Result<Option<GuideRecord>> {
    let mut conn = db.acquire().await?;
    if !super::key_used(&mut conn, super::Keyed::GuideRecords, office, key).await? {
        return Ok(None);
    }
    let row = sqlx::query(select!("WHERE r.office_id = $1 AND r.idempotency_key = $2"))
        .bind(office)
        .bind(key.key())
        .fetch_one(&mut *conn)
        .await?;
    from_row(&row, office).map(Some)
}

/// How a stored record is found again: by the idempotency key of the request that stored it
/// (`POST`), or by the counter's visit (`PUT …/visits/{visit}`, which may replace it).
#[derive(Debug, Clone, Copy)]
pub(crate) enum Identity<'a> {
    Key(Option<&'a Idempotency>),
    Visit { visit: &'a str, request: &'a str },
}

/// The columns a record is stored in, after `office_id, staff_id, created_at_ms`.
macro_rules! insert {
    ($conflict:literal) => {
        concat!(
            "INSERT INTO guide_records (office_id, staff_id, created_at_ms, pack, pack_version, city, ref_date, answers, procedures, ticket_id, printed_forms, printed_for, hand_fields, started_at_ms, printed_at_ms, done_at_ms, counter_id, idempotency_key, idempotency_request, visit_id)
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20) ",
            $conflict,
            " RETURNING id"
        )
    };
}

/// The record's own values as JSON text: answers, procedures, printed forms.
fn json_columns(r: &NewGuideRecord) -> Result<[String; 3]> {
    let json = |v: serde_json::Result<String>| v.map_err(|e| Error::Internal(e.to_string()));
    Ok([
        json(serde_json::to_string(&r.answers))?,
        json(serde_json::to_string(&r.procedures))?,
        json(serde_json::to_string(&r.printed_forms))?,
    ])
}

/// Stores a record made by staff member `staff_id` at `now`, found again by `identity`;
/// returns its id, or `None` when a record with that key or visit is already stored (a
/// retry that lost the race: read it with [`by_key`] or [`by_visit`]).
pub(crate) async fn insert(
    db: &Pool,
    office: &str,
    staff_id: i64,
    now: i64,
    identity: Identity<'_>,
    r: &NewGuideRecord,
) -> Result<Option<i64>> {
    let (sql, key, request, visit) = match identity {
        Identity::Key(k) => (
            insert!(
                "ON CONFLICT (office_id, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING"
            ),
            k.map(Idempotency::key),
            k.map(Idempotency::request),
            None,
        ),
        Identity::Visit { visit, request } => (
            insert!("ON CONFLICT (office_id, visit_id) WHERE visit_id IS NOT NULL DO NOTHING"),
            None,
            Some(request),
            Some(visit),
        ),
    };
    let q = sqlx::query(sql).bind(office).bind(staff_id).bind(now);
    let row = bind_record(q, r, json_columns(r)?)
        .bind(key)
        .bind(request)
        .bind(visit)
        .fetch_optional(db)
        .await?;
    Ok(row.map(|r| r.try_get("id")).transpose()?)
}

/// Binds the record's own values, in the order `insert` and `replace` name their columns:
/// pack, version, city, reference date, answers, procedures, ticket, printed forms, printed
/// for, hand fields, started, printed, done, counter.
fn bind_record<'q>(
    q: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    r: &'q NewGuideRecord,
    [answers, procedures, printed]: [String; 3],
) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
    q.bind(&r.pack)
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
        .bind(r.counter_id)
}

/// A visit's record as stored: its id, who saved it, whether the visit was finished, and the
/// hash of the request that saved it last.
#[derive(Debug, Clone)]
pub(crate) struct Saved {
    pub id: i64,
    pub staff_id: i64,
    pub finished: bool,
    pub request: Option<String>,
}

/// The record of visit `visit` at `office`, if one is stored.
pub(crate) async fn by_visit(db: &Pool, office: &str, visit: &str) -> Result<Option<Saved>> {
    let row = sqlx::query(
        "SELECT id, staff_id, done_at_ms, idempotency_request FROM guide_records WHERE office_id = $1 AND visit_id = $2",
    )
    .bind(office)
    .bind(visit)
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(Saved {
            id: r.try_get("id")?,
            staff_id: r.try_get("staff_id")?,
            finished: r.try_get::<Option<i64>, _>("done_at_ms")?.is_some(),
            request: r.try_get("idempotency_request")?,
        })
    })
    .transpose()
}

/// Replaces the content of record `id` with `r` (saved again by the same staff member before
/// the visit was finished); `request` is the new request's hash.
pub(crate) async fn replace(db: &Pool, id: i64, request: &str, r: &NewGuideRecord) -> Result<()> {
    let q = sqlx::query(
        "UPDATE guide_records SET pack = $2, pack_version = $3, city = $4, ref_date = $5, answers = $6, procedures = $7, ticket_id = $8, printed_forms = $9, printed_for = $10, hand_fields = $11, started_at_ms = $12, printed_at_ms = $13, done_at_ms = $14, counter_id = $15, idempotency_request = $16 WHERE id = $1",
    )
    .bind(id);
    bind_record(q, r, json_columns(r)?)
        .bind(request)
        .execute(db)
        .await?;
    Ok(())
}

/// Record `id` of `office`, with the login of who saved it.
pub(crate) async fn by_id(db: &Pool, office: &str, id: i64) -> Result<GuideRecord> {
    let row = sqlx::query(select!("WHERE r.id = $1"))
        .bind(id)
        .fetch_one(db)
        .await?;
    from_row(&row, office)
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

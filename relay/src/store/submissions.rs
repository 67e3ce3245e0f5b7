//! Pre-applications as stored: the details only in `body` (JSON), the status with its history,
//! and the anonymous counts kept of those past retention.

use std::collections::HashMap;

use mado_wire::calendar;
use mado_wire::submission::{
    NewSubmission, StatusChange, Submission, SubmissionProgress, SubmissionReceipt,
    SubmissionStatus, display_code,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::capability::token_hash;
use crate::db::Pool;
use crate::error::{Error, Result};

pub(crate) const COLUMNS: &str = "s.id, s.office_id, s.code, s.status, s.created_at_ms, s.updated_at_ms, s.body, r.day AS visit_day, r.start_min AS visit_start";
pub(crate) const FROM: &str =
    "FROM submissions s LEFT JOIN reservations r ON r.id = s.reservation_id";

pub(crate) fn status_of(row: &AnyRow) -> Result<SubmissionStatus> {
    let s: String = row.try_get("status")?;
    SubmissionStatus::parse(&s)
        .ok_or_else(|| Error::Internal(format!("stored submission status {s:?}")))
}

pub(crate) fn body_of(row: &AnyRow) -> Result<NewSubmission> {
    let body: String = row.try_get("body")?;
    serde_json::from_str(&body)
        .map_err(|e| Error::Internal(format!("stored submission does not parse: {e}")))
}

pub(crate) fn visit_of(row: &AnyRow) -> Result<Option<String>> {
    let day: Option<String> = row.try_get("visit_day")?;
    let start: Option<i64> = row.try_get("visit_start")?;
    Ok(day.zip(start).map(|(d, s)| {
        format!(
            "{d} {}",
            calendar::hhmm(u16::try_from(s).unwrap_or_default())
        )
    }))
}

pub(crate) async fn history(db: &Pool, id: i64, with_staff: bool) -> Result<Vec<StatusChange>> {
    let rows = sqlx::query(
        "SELECT h.status, h.at_ms, h.note, st.display_name FROM submission_history h LEFT JOIN staff st ON st.id = h.staff_id WHERE h.submission_id = $1 ORDER BY h.seq",
    )
    .bind(id)
    .fetch_all(db)
    .await?;
    rows.iter().map(|r| status_change(r, with_staff)).collect()
}

/// The histories of `ids` with who made each change, in one query per [`HISTORY_CHUNK`]
/// pre-applications rather than one per pre-application.
pub(crate) async fn histories(db: &Pool, ids: &[i64]) -> Result<HashMap<i64, Vec<StatusChange>>> {
    let mut out: HashMap<i64, Vec<StatusChange>> = HashMap::new();
    for chunk in ids.chunks(HISTORY_CHUNK) {
        let params: Vec<String> = (1..=chunk.len()).map(|i| format!("${i}")).collect();
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT h.submission_id, h.status, h.at_ms, h.note, st.display_name FROM submission_history h LEFT JOIN staff st ON st.id = h.staff_id WHERE h.submission_id IN ({}) ORDER BY h.submission_id, h.seq",
            params.join(", ")
        ));
        let rows = chunk
            .iter()
            .fold(sqlx::query(sql), |q, id| q.bind(*id))
            .fetch_all(db)
            .await?;
        for r in &rows {
            out.entry(r.try_get("submission_id")?)
                .or_default()
                .push(status_change(r, true)?);
        }
    }
    Ok(out)
}

/// Pre-applications whose histories [`histories`] reads in one query (bound parameters:
/// SQLite allows 32,766 and PostgreSQL 65,535).
const HISTORY_CHUNK: usize = 500;

/// One row of `submission_history` (joined with the staff member's name).
fn status_change(r: &AnyRow, with_staff: bool) -> Result<StatusChange> {
    Ok(StatusChange {
        status: status_of(r)?,
        at_ms: r.try_get("at_ms")?,
        by: if with_staff {
            r.try_get("display_name")?
        } else {
            None
        },
        note: r.try_get("note")?,
    })
}

pub(crate) async fn load(db: &Pool, id: i64) -> Result<Submission> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} {FROM} WHERE s.id = $1"));
    let row = sqlx::query(sql)
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no pre-application with id {id}")))?;
    Ok(Submission {
        id,
        office_id: row.try_get("office_id")?,
        code: display_code(&row.try_get::<String, _>("code")?),
        created_at_ms: row.try_get("created_at_ms")?,
        updated_at_ms: row.try_get("updated_at_ms")?,
        status: status_of(&row)?,
        history: history(db, id, true).await?,
        visit: visit_of(&row)?,
        submission: body_of(&row)?,
    })
}

pub(crate) async fn add_history(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    status: SubmissionStatus,
    at_ms: i64,
    staff: Option<i64>,
    note: &str,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO submission_history (submission_id, seq, status, at_ms, staff_id, note) VALUES ($1, (SELECT COALESCE(MAX(seq), 0) + 1 FROM submission_history WHERE submission_id = $1), $2, $3, $4, $5)",
    )
    .bind(id)
    .bind(status.as_str())
    .bind(at_ms)
    .bind(staff)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The receipt of the pre-application `token` stands for, if it exists.
pub(crate) async fn receipt_of(db: &Pool, token: &str) -> Result<Option<SubmissionReceipt>> {
    let row =
        sqlx::query("SELECT code, created_at_ms, status FROM submissions WHERE token_hash = $1")
            .bind(token_hash(token))
            .fetch_optional(db)
            .await?;
    row.map(|row| {
        Ok(SubmissionReceipt {
            code: display_code(&row.try_get::<String, _>("code")?),
            token: token.to_owned(),
            created_at_ms: row.try_get("created_at_ms")?,
            status: status_of(&row)?,
        })
    })
    .transpose()
}

/// The id of `office`'s reservation whose token hashes to `hash`.
pub(crate) async fn reservation_of(db: &Pool, office: &str, hash: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("SELECT id FROM reservations WHERE token_hash = $1 AND office_id = $2")
            .bind(hash)
            .bind(office)
            .fetch_optional(db)
            .await?,
    )
}

/// A pre-application to store.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewRow<'a> {
    pub office: &'a str,
    pub code: &'a str,
    pub token_hash: &'a str,
    pub idempotency_key: Option<&'a crate::headers::Idempotency>,
    pub pack: &'a str,
    pub city: &'a str,
    pub now: i64,
    pub reservation_id: Option<i64>,
    /// The pre-application as JSON.
    pub body: &'a str,
}

/// Stores `row` as 受付済; `None` when its code is taken in its office. The database's own
/// error is returned as it is, so a retry racing its twice-sent original (the idempotency
/// key taken) can be told apart.
pub(crate) async fn insert(
    tx: &mut Transaction<'_, Any>,
    row: &NewRow<'_>,
) -> std::result::Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar::<_, i64>(
        "INSERT INTO submissions (office_id, code, token_hash, idempotency_key, pack, city, status, created_at_ms, updated_at_ms, reservation_id, body, idempotency_request) VALUES ($1, $2, $3, $4, $5, $6, 'received', $7, $7, $8, $9, $10) ON CONFLICT (office_id, code) DO NOTHING RETURNING id",
    )
    .bind(row.office)
    .bind(row.code)
    .bind(row.token_hash)
    .bind(row.idempotency_key.map(crate::headers::Idempotency::key))
    .bind(row.pack)
    .bind(row.city)
    .bind(row.now)
    .bind(row.reservation_id)
    .bind(row.body)
    .bind(row.idempotency_key.map(crate::headers::Idempotency::request))
    .fetch_optional(&mut **tx)
    .await
}

/// The progress of the pre-application whose token hashes to `hash`, as its sender sees it
/// (no staff names).
pub(crate) async fn progress(db: &Pool, hash: &str) -> Result<Option<SubmissionProgress>> {
    let Some(row) = sqlx::query(
        "SELECT id, office_id, code, pack, status, created_at_ms, body FROM submissions WHERE token_hash = $1",
    )
    .bind(hash)
    .fetch_optional(db)
    .await?
    else {
        return Ok(None);
    };
    let id: i64 = row.try_get("id")?;
    Ok(Some(SubmissionProgress {
        code: display_code(&row.try_get::<String, _>("code")?),
        office_id: row.try_get("office_id")?,
        pack: row.try_get("pack")?,
        created_at_ms: row.try_get("created_at_ms")?,
        status: status_of(&row)?,
        history: history(db, id, false).await?,
        procedures: body_of(&row)?
            .procedures
            .into_iter()
            .map(|p| p.name)
            .collect(),
    }))
}

/// `office`'s pre-applications sent from `from_ms` (included) to `to_ms` (excluded), newest
/// first, without their histories.
pub(crate) async fn sent_between(
    db: &Pool,
    office: &str,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<Submission>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} {FROM} WHERE s.office_id = $1 AND s.created_at_ms >= $2 AND s.created_at_ms < $3 ORDER BY s.created_at_ms DESC, s.id DESC"
    ));
    let rows = sqlx::query(sql)
        .bind(office)
        .bind(from_ms)
        .bind(to_ms)
        .fetch_all(db)
        .await?;
    rows.iter()
        .map(|row| {
            Ok(Submission {
                id: row.try_get("id")?,
                office_id: row.try_get("office_id")?,
                code: display_code(&row.try_get::<String, _>("code")?),
                created_at_ms: row.try_get("created_at_ms")?,
                updated_at_ms: row.try_get("updated_at_ms")?,
                status: status_of(row)?,
                history: Vec::new(),
                visit: visit_of(row)?,
                submission: body_of(row)?,
            })
        })
        .collect()
}

/// The status of pre-application `id`.
pub(crate) async fn status(
    tx: &mut Transaction<'_, Any>,
    id: i64,
) -> Result<Option<SubmissionStatus>> {
    let current: Option<String> =
        sqlx::query_scalar("SELECT status FROM submissions WHERE id = $1")
            .bind(id)
            .fetch_optional(&mut **tx)
            .await?;
    current
        .map(|s| {
            SubmissionStatus::parse(&s)
                .ok_or_else(|| Error::Internal(format!("stored submission status {s:?}")))
        })
        .transpose()
}

/// Moves `id` from `from` to `to` at `now`; `false` when its status is no longer `from` (of
/// two staff changing it at once, one wins and the other is told).
pub(crate) async fn move_status(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    from: SubmissionStatus,
    to: SubmissionStatus,
    now: i64,
) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE submissions SET status = $1, updated_at_ms = $2 WHERE id = $3 AND status = $4",
    )
    .bind(to.as_str())
    .bind(now)
    .bind(id)
    .bind(from.as_str())
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How staff name a pre-application at the counter.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Find<'a> {
    /// The receipt code, normalised (no hyphen, upper case).
    Code(&'a str),
    /// The hash of the token its QR code carries.
    TokenHash(&'a str),
    /// The ticket a checked-in booking gave: the pre-application sent with that booking.
    Ticket(i64),
}

/// The id and status of `office`'s pre-application named by `by`.
pub(crate) async fn find(
    db: &Pool,
    office: &str,
    by: Find<'_>,
) -> Result<Option<(i64, SubmissionStatus)>> {
    let row: Option<(i64, String)> = match by {
        Find::Code(code) => {
            sqlx::query_as("SELECT id, status FROM submissions WHERE office_id = $1 AND code = $2")
                .bind(office)
                .bind(code)
                .fetch_optional(db)
                .await?
        }
        Find::TokenHash(hash) => {
            sqlx::query_as(
                "SELECT id, status FROM submissions WHERE office_id = $1 AND token_hash = $2",
            )
            .bind(office)
            .bind(hash)
            .fetch_optional(db)
            .await?
        }
        Find::Ticket(ticket) => {
            // A booking sent with two pre-applications (a second one after a correction):
            // the newest is the one the resident means.
            sqlx::query_as(
                "SELECT s.id, s.status FROM submissions s \
                 JOIN tickets t ON t.reservation_id = s.reservation_id \
                 WHERE s.office_id = $1 AND t.office_id = $1 AND t.id = $2 \
                 ORDER BY s.id DESC LIMIT 1",
            )
            .bind(office)
            .bind(ticket)
            .fetch_optional(db)
            .await?
        }
    };
    row.map(|(id, s)| {
        SubmissionStatus::parse(&s)
            .map(|status| (id, status))
            .ok_or_else(|| Error::Internal(format!("stored submission status {s:?}")))
    })
    .transpose()
}

/// Pre-applications last changed before `cutoff_ms`: (id, office, pack, status, sent at).
pub(crate) async fn unchanged_since(
    tx: &mut Transaction<'_, Any>,
    cutoff_ms: i64,
) -> Result<Vec<(i64, String, String, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT id, office_id, pack, status, created_at_ms FROM submissions WHERE updated_at_ms < $1",
    )
    .bind(cutoff_ms)
    .fetch_all(&mut **tx)
    .await?)
}

/// Adds `n` to the anonymous count of `office`'s pre-applications sent on `day` for `pack`
/// that ended `status`.
pub(crate) async fn count_in(
    tx: &mut Transaction<'_, Any>,
    office: &str,
    day: &str,
    pack: &str,
    status: &str,
    n: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO submission_stats (office_id, day, pack, status, count) VALUES ($1, $2, $3, $4, $5) ON CONFLICT (office_id, day, pack, status) DO UPDATE SET count = submission_stats.count + excluded.count",
    )
    .bind(office)
    .bind(day)
    .bind(pack)
    .bind(status)
    .bind(n)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Deletes pre-application `id` with its history.
pub(crate) async fn delete(tx: &mut Transaction<'_, Any>, id: i64) -> Result<()> {
    sqlx::query("DELETE FROM submission_history WHERE submission_id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("DELETE FROM submissions WHERE id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The kept pre-applications of `office` sent from `from_ms` to `to_ms`: (pack, status, sent at).
pub(crate) async fn kept_between(
    db: &Pool,
    office: &str,
    from_ms: i64,
    to_ms: i64,
) -> Result<Vec<(String, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT pack, status, created_at_ms FROM submissions WHERE office_id = $1 AND created_at_ms >= $2 AND created_at_ms < $3",
    )
    .bind(office)
    .bind(from_ms)
    .bind(to_ms)
    .fetch_all(db)
    .await?)
}

/// The anonymous counts of `office` from `from_day` to `to_day` (`YYYY-MM-DD`, included):
/// (day, pack, status, count).
pub(crate) async fn purged_between(
    db: &Pool,
    office: &str,
    from_day: &str,
    to_day: &str,
) -> Result<Vec<(String, String, String, i64)>> {
    Ok(sqlx::query_as(
        "SELECT day, pack, status, count FROM submission_stats WHERE office_id = $1 AND day >= $2 AND day <= $3",
    )
    .bind(office)
    .bind(from_day)
    .bind(to_day)
    .fetch_all(db)
    .await?)
}

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

/// Stores a record made by staff member `staff_id` at `now`; returns its id.
pub(crate) async fn insert(
    db: &Pool,
    office: &str,
    staff_id: i64,
    now: i64,
    r: &NewGuideRecord,
) -> Result<i64> {
    let json = |v: serde_json::Result<String>| v.map_err(|e| Error::Internal(e.to_string()));
    let answers = json(serde_json::to_string(&r.answers))?;
    let procedures = json(serde_json::to_string(&r.procedures))?;
    let printed = json(serde_json::to_string(&r.printed_forms))?;
    Ok(sqlx::query_scalar(
        "INSERT INTO guide_records (office_id, staff_id, created_at_ms, pack, pack_version, city, ref_date, answers, procedures, ticket_id, printed_forms, printed_for)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
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
    .fetch_one(db)
    .await?)
}

/// The newest `limit` records of `office`, newest first, with the login of who saved each.
pub(crate) async fn newest(db: &Pool, office: &str, limit: i64) -> Result<Vec<GuideRecord>> {
    let rows = sqlx::query(
        "SELECT r.id, r.created_at_ms, r.pack, r.pack_version, r.city, r.ref_date, r.answers, r.procedures, r.ticket_id, r.printed_forms, r.printed_for, s.login
         FROM guide_records r JOIN staff s ON s.id = r.staff_id
         WHERE r.office_id = $1 ORDER BY r.created_at_ms DESC, r.id DESC LIMIT $2",
    )
    .bind(office)
    .bind(limit)
    .fetch_all(db)
    .await?;
    let parse = |col: &str, text: String| {
        Error::Internal(format!(
            "guide record column {col} is not valid JSON: {text}"
        ))
    };
    rows.iter()
        .map(|row| {
            let answers: String = row.try_get("answers")?;
            let procedures: String = row.try_get("procedures")?;
            let printed: String = row.try_get("printed_forms")?;
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
                    answers: serde_json::from_str(&answers)
                        .map_err(|e| parse("answers", e.to_string()))?,
                    procedures: serde_json::from_str(&procedures)
                        .map_err(|e| parse("procedures", e.to_string()))?,
                    ticket_id: row.try_get("ticket_id")?,
                    printed_forms: serde_json::from_str(&printed)
                        .map_err(|e| parse("printed_forms", e.to_string()))?,
                    printed_for: row.try_get("printed_for")?,
                },
            })
        })
        .collect()
}

//! Visits handed over with their tickets (「回さない」窓口): one row per ticket, the visit as
//! opaque JSON text. Kept only while the ticket waits or is being served.

use mado_wire::{Handover, HandoverSummary, NewHandover, TicketNumber};
use sqlx::{Any, Row, Transaction};

use crate::db::Pool;
use crate::error::{Error, Result};

fn json<T: serde::Serialize>(v: &T) -> Result<String> {
    serde_json::to_string(v).map_err(|e| Error::Internal(e.to_string()))
}

fn parse<T: serde::de::DeserializeOwned>(col: &str, text: &str) -> Result<T> {
    serde_json::from_str(text)
        .map_err(|e| Error::Internal(format!("handover column {col} is not valid JSON: {e}")))
}

/// Whether ticket `ticket` still waits or is being served.
pub(crate) async fn ticket_active(db: &Pool, ticket: i64) -> Result<bool> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM tickets WHERE id = $1 AND status IN ('waiting', 'called')",
    )
    .bind(ticket)
    .fetch_optional(db)
    .await?;
    Ok(found.is_some())
}

/// Stores (or replaces) the handover of ticket `ticket` of `office`.
pub(crate) async fn put(
    db: &Pool,
    ticket: i64,
    office: &str,
    h: &NewHandover,
    now: i64,
) -> Result<()> {
    sqlx::query(
        "INSERT INTO handovers (ticket_id, office_id, from_counter_id, title, procedures, visit, created_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7)
         ON CONFLICT (ticket_id) DO UPDATE SET from_counter_id = excluded.from_counter_id,
             title = excluded.title, procedures = excluded.procedures, visit = excluded.visit,
             created_at_ms = excluded.created_at_ms",
    )
    .bind(ticket)
    .bind(office)
    .bind(h.from_counter_id)
    .bind(&h.title)
    .bind(json(&h.procedures)?)
    .bind(json(&h.visit)?)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// The handover of a ticket that still waits or is being served.
pub(crate) async fn get(db: &Pool, ticket: i64) -> Result<Option<Handover>> {
    let row = sqlx::query(
        "SELECT h.ticket_id, h.from_counter_id, h.title, h.procedures, h.visit, h.created_at_ms
         FROM handovers h JOIN tickets t ON t.id = h.ticket_id
         WHERE h.ticket_id = $1 AND t.status IN ('waiting', 'called')",
    )
    .bind(ticket)
    .fetch_optional(db)
    .await?;
    row.map(|r| {
        Ok(Handover {
            ticket_id: r.try_get("ticket_id")?,
            created_at_ms: r.try_get("created_at_ms")?,
            handover: NewHandover {
                from_counter_id: r.try_get("from_counter_id")?,
                title: r.try_get("title")?,
                procedures: parse("procedures", &r.try_get::<String, _>("procedures")?)?,
                visit: parse("visit", &r.try_get::<String, _>("visit")?)?,
            },
        })
    })
    .transpose()
}

/// Who is coming to `office`'s counters with a handover, oldest first: the ticket, the line it
/// waits in, where it comes from and why; never the visit itself.
pub(crate) async fn list(db: &Pool, office: &str) -> Result<Vec<HandoverSummary>> {
    let rows = sqlx::query(
        "SELECT h.ticket_id, h.from_counter_id, h.title, h.procedures, h.created_at_ms, t.service_id, t.status, t.prefix, t.seq
         FROM handovers h JOIN tickets t ON t.id = h.ticket_id
         WHERE h.office_id = $1 AND t.status IN ('waiting', 'called')
         ORDER BY h.created_at_ms, h.ticket_id",
    )
    .bind(office)
    .fetch_all(db)
    .await?;
    let mut out = Vec::with_capacity(rows.len());
    for r in &rows {
        let seq: i64 = r.try_get("seq")?;
        out.push(HandoverSummary {
            ticket_id: r.try_get("ticket_id")?,
            number: TicketNumber::new(
                r.try_get::<String, _>("prefix")?,
                u32::try_from(seq)
                    .map_err(|_| Error::Internal(format!("ticket seq {seq} out of range")))?,
            ),
            service_id: r.try_get("service_id")?,
            status: crate::store::tickets::status_from_db(&r.try_get::<String, _>("status")?)?,
            from_counter_id: r.try_get("from_counter_id")?,
            title: r.try_get("title")?,
            procedures: parse("procedures", &r.try_get::<String, _>("procedures")?)?,
            created_at_ms: r.try_get("created_at_ms")?,
        });
    }
    Ok(out)
}

/// Deletes the handover of a ticket that ended (done or no-show), in its transaction.
pub(crate) async fn delete_in(tx: &mut Transaction<'_, Any>, ticket: i64) -> Result<()> {
    sqlx::query("DELETE FROM handovers WHERE ticket_id = $1")
        .bind(ticket)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Deletes handovers made before `day_start_ms` (yesterday's visits), returning how many.
pub(crate) async fn purge_before(db: &Pool, day_start_ms: i64) -> Result<u64> {
    Ok(
        sqlx::query("DELETE FROM handovers WHERE created_at_ms < $1")
            .bind(day_start_ms)
            .execute(db)
            .await?
            .rows_affected(),
    )
}

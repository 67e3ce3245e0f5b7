//! The stored queue events: read back in order, by office, after an id.

use std::collections::HashMap;

use mado_wire::QueueEvent;

use sqlx::{Any, Transaction};

use crate::db::Pool;
use crate::error::{Error, Result};

/// The events of `office` with an id greater than `after`, oldest first.
pub(crate) async fn events_of(db: &Pool, office: &str, after: i64) -> Result<Vec<QueueEvent>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, payload FROM events WHERE office_id = $1 AND id > $2 AND payload <> '' ORDER BY id",
    )
    .bind(office)
    .bind(after)
    .fetch_all(db)
    .await?;
    rows.iter().map(|(id, p)| parse_event(*id, p)).collect()
}

/// Every office's events after the last one fed, office by office, oldest first.
pub(crate) async fn catch_up(db: &Pool, last: &HashMap<String, i64>) -> Result<Vec<QueueEvent>> {
    let offices: Vec<String> = sqlx::query_scalar("SELECT id FROM offices ORDER BY id")
        .fetch_all(db)
        .await?;
    let mut events = Vec::new();
    for office in offices {
        let after = last.get(&office).copied().unwrap_or(0);
        events.extend(events_of(db, &office, after).await?);
    }
    Ok(events)
}

/// A stored event: its payload, with the row's id (the id is not repeated in the payload,
/// see `tickets::record`).
pub(crate) fn parse_event(id: i64, payload: &str) -> Result<QueueEvent> {
    let mut event: QueueEvent = serde_json::from_str(payload)
        .map_err(|e| Error::Internal(format!("stored event {id} does not parse: {e}")))?;
    event.id = id;
    Ok(event)
}

/// Events of `office_id` with an id greater than `after`, oldest first.
pub(crate) async fn events_after(
    db: &Pool,
    office_id: &str,
    after: i64,
) -> Result<Vec<QueueEvent>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, payload FROM events WHERE office_id = $1 AND id > $2 ORDER BY id",
    )
    .bind(office_id)
    .bind(after)
    .fetch_all(db)
    .await?;
    rows.iter().map(|(id, p)| parse_event(*id, p)).collect()
}

/// Each office's last event id (offices without events are left out).
pub(crate) async fn last_ids(db: &Pool) -> Result<HashMap<String, i64>> {
    let rows: Vec<(String, i64)> =
        sqlx::query_as("SELECT office_id, MAX(id) FROM events GROUP BY office_id")
            .fetch_all(db)
            .await?;
    Ok(rows.into_iter().collect())
}

/// The last event id of `office`, 0 if it has none.
pub(crate) async fn last_id(db: &Pool, office: &str) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events WHERE office_id = $1")
            .bind(office)
            .fetch_one(db)
            .await?,
    )
}

/// `office`'s events stored since `from_ms` (a day's start), oldest first.
pub(crate) async fn since(
    tx: &mut Transaction<'_, Any>,
    office: &str,
    from_ms: i64,
) -> Result<Vec<QueueEvent>> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT id, payload FROM events WHERE office_id = $1 AND at_ms >= $2 ORDER BY id",
    )
    .bind(office)
    .bind(from_ms)
    .fetch_all(&mut **tx)
    .await?;
    rows.iter().map(|(id, p)| parse_event(*id, p)).collect()
}

/// The newest event id of any office, 0 if there is none.
pub(crate) async fn newest_id(tx: &mut Transaction<'_, Any>) -> Result<i64> {
    Ok(
        sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
            .fetch_one(&mut **tx)
            .await?,
    )
}

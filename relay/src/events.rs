//! Queue events: stored in order, broadcast to live listeners, streamed as server-sent events
//! and replayed from `Last-Event-ID` so a reconnecting display misses nothing.

use std::convert::Infallible;
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use mado_wire::QueueEvent;
use serde::Deserialize;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;

use crate::AppState;
use crate::error::{Error, Path, Query, Result};

/// Fans events out to every open stream of this relay.
#[derive(Debug, Clone)]
pub struct EventHub {
    tx: broadcast::Sender<QueueEvent>,
}

impl EventHub {
    pub fn new() -> Self {
        Self {
            tx: broadcast::channel(1024).0,
        }
    }

    /// Sends to current listeners; having none is normal.
    pub fn publish(&self, event: QueueEvent) {
        let _ = self.tx.send(event);
    }

    pub fn subscribe(&self) -> broadcast::Receiver<QueueEvent> {
        self.tx.subscribe()
    }
}

impl Default for EventHub {
    fn default() -> Self {
        Self::new()
    }
}

#[derive(Debug, Deserialize)]
pub struct EventsQuery {
    /// Resume after this event id (for clients that cannot set the `Last-Event-ID` header).
    last_event_id: Option<i64>,
}

/// Events of `office_id` with an id greater than `after`, oldest first.
pub async fn events_after(
    db: &sqlx::SqlitePool,
    office_id: &str,
    after: i64,
) -> Result<Vec<QueueEvent>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT payload FROM events WHERE office_id = ? AND id > ? ORDER BY id")
            .bind(office_id)
            .bind(after)
            .fetch_all(db)
            .await?;
    rows.into_iter()
        .map(|(payload,)| {
            serde_json::from_str(&payload)
                .map_err(|e| Error::Internal(format!("stored event does not parse: {e}")))
        })
        .collect()
}

fn last_event_id(headers: &HeaderMap, query: &EventsQuery) -> Result<Option<i64>> {
    match headers.get("last-event-id") {
        Some(v) => v
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<i64>().ok())
            .map(Some)
            .ok_or_else(|| {
                Error::bad_request(
                    "invalid_header",
                    "Last-Event-ID must be an event id (an integer)",
                )
            }),
        None => Ok(query.last_event_id),
    }
}

fn to_sse(event: &QueueEvent) -> Event {
    Event::default()
        .id(event.id.to_string())
        .event("queue")
        .json_data(event)
        .unwrap_or_else(|_| Event::default().comment("unserialisable event"))
}

/// `GET /api/offices/{office}/events`: the office's queue events as server-sent events.
///
/// With `Last-Event-ID` (or `?last_event_id=`), every stored event after that id is sent
/// first, then live ones; without, only live ones. A listener that falls more than the
/// channel's capacity behind is disconnected, and its browser resumes from its last id.
pub async fn events_stream(
    State(state): State<AppState>,
    Path(office_id): Path<String>,
    Query(query): Query<EventsQuery>,
    headers: HeaderMap,
) -> Result<Sse<impl Stream<Item = Result<Event, Infallible>>>> {
    crate::db::load_office(&state.db, &office_id).await?;
    let resume = last_event_id(&headers, &query)?;
    // Subscribe before reading the backlog so nothing falls between the two.
    let live = BroadcastStream::new(state.events.subscribe());
    let backlog = match resume {
        Some(after) => events_after(&state.db, &office_id, after).await?,
        None => Vec::new(),
    };
    let mut last_sent = backlog.last().map(|e| e.id).or(resume).unwrap_or(i64::MIN);
    let office = office_id.clone();
    let live = live
        .take_while(|r| std::future::ready(r.is_ok()))
        .filter_map(move |r| {
            let keep = match r {
                Ok(e) if e.office_id == office && e.id > last_sent => {
                    last_sent = e.id;
                    Some(e)
                }
                _ => None,
            };
            std::future::ready(keep)
        });
    let shutdown = state.shutdown.clone();
    let stream = stream::iter(backlog)
        .chain(live)
        .map(|e| Ok(to_sse(&e)))
        .take_until(async move { shutdown.cancelled().await });
    Ok(Sse::new(stream).keep_alive(KeepAlive::new().interval(Duration::from_secs(15))))
}

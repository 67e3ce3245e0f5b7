//! Queue events: stored in order, broadcast to live listeners, streamed as server-sent events
//! and replayed from `Last-Event-ID` so a reconnecting display misses nothing.

use std::convert::Infallible;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::sse::{Event, KeepAlive, Sse};
use futures_util::stream::{self, Stream, StreamExt};
use mado_wire::QueueEvent;
use schemars::JsonSchema;
use serde::Deserialize;
use sqlx::postgres::PgListener;
use tokio::sync::broadcast;
use tokio_stream::wrappers::BroadcastStream;
use tokio_util::sync::CancellationToken;

use crate::AppState;
use crate::db::Pool;
use crate::error::{Error, Path, Query, Result};

/// Fans events out to every open stream of this relay.
///
/// With SQLite the relay that commits an event publishes it. With PostgreSQL every relay,
/// the one that committed included, learns of events from the database
/// ([`follow_postgres`]), so all relays see them in the same (commit) order.
#[derive(Debug, Clone)]
pub struct EventHub {
    tx: broadcast::Sender<Arc<Published>>,
    fed_by_database: Arc<AtomicBool>,
}

impl EventHub {
    pub fn new() -> Self {
        Self {
            tx: broadcast::channel(1024).0,
            fed_by_database: Arc::default(),
        }
    }

    /// After a commit: sends `event` to current listeners (having none is normal), unless the
    /// database feeds this hub.
    pub fn publish(&self, event: QueueEvent) {
        if !self.fed_by_database.load(Ordering::Relaxed) {
            self.feed(&event);
        }
    }

    /// Serialises the event once, for every stream.
    fn feed(&self, event: &QueueEvent) {
        if let Some(p) = Published::of(event) {
            let _ = self.tx.send(Arc::new(p));
        }
    }

    pub fn subscribe(&self) -> broadcast::Receiver<Arc<Published>> {
        self.tx.subscribe()
    }
}

/// An event as streams send it: its id, office and JSON, made once however many listen.
#[derive(Debug)]
pub struct Published {
    pub id: i64,
    pub office_id: String,
    pub json: String,
}

impl Published {
    fn of(event: &QueueEvent) -> Option<Self> {
        Some(Self {
            id: event.id,
            office_id: event.office_id.clone(),
            json: serde_json::to_string(event).ok()?,
        })
    }
}

/// Listens to PostgreSQL's `mado_events` channel (see `migrations/postgres/0007`) and feeds
/// every committed event to `hub`, from this relay or another; on `mado_config` it drops the
/// cached settings of the office named. If the listening connection
/// drops, the events committed meanwhile are read back from the table once it is restored.
pub async fn follow_postgres(
    url: &str,
    db: Pool,
    hub: EventHub,
    offices: crate::OfficeCache,
    shutdown: CancellationToken,
) -> Result<()> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen_all(["mado_events", "mado_config"]).await?;
    let mut last: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events")
        .fetch_one(&db)
        .await?;
    hub.fed_by_database.store(true, Ordering::Relaxed);
    tokio::spawn(async move {
        loop {
            let next = tokio::select! {
                () = shutdown.cancelled() => return,
                n = listener.try_recv() => n,
            };
            // `None`: the connection was lost and is being restored; catch up from the table.
            let upto = match next {
                // An office's settings changed (`settings.rs`): read them again when next asked.
                Ok(Some(n)) if n.channel() == "mado_config" => {
                    crate::forget(&offices, n.payload());
                    continue;
                }
                Ok(Some(n)) => n.payload().parse::<i64>().ok(),
                // The connection was lost: settings may have changed meanwhile too.
                Ok(None) => {
                    offices.write().unwrap_or_else(|p| p.into_inner()).clear();
                    None
                }
                Err(e) => {
                    tracing::warn!(error = %e, "event listener: connection lost, retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    None
                }
            };
            if upto.is_some_and(|id| id <= last) {
                continue;
            }
            match events_since(&db, last).await {
                Ok(events) => {
                    for event in events {
                        last = last.max(event.id);
                        hub.feed(&event);
                    }
                }
                Err(e) => tracing::warn!(error = %e, "event listener: cannot read events"),
            }
        }
    });
    Ok(())
}

/// Every office's events with an id greater than `after`, oldest first.
async fn events_since(db: &Pool, after: i64) -> Result<Vec<QueueEvent>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT payload FROM events WHERE id > $1 AND payload <> '' ORDER BY id")
            .bind(after)
            .fetch_all(db)
            .await?;
    rows.iter().map(|(p,)| parse_event(p)).collect()
}

fn parse_event(payload: &str) -> Result<QueueEvent> {
    serde_json::from_str(payload)
        .map_err(|e| Error::Internal(format!("stored event does not parse: {e}")))
}

impl Default for EventHub {
    fn default() -> Self {
        Self::new()
    }
}

/// The query of `GET /api/offices/{office}/events`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct EventsQuery {
    /// Resume after this event id (for clients that cannot set the `Last-Event-ID` header).
    last_event_id: Option<i64>,
}

/// Events of `office_id` with an id greater than `after`, oldest first.
pub async fn events_after(
    db: &crate::db::Pool,
    office_id: &str,
    after: i64,
) -> Result<Vec<QueueEvent>> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT payload FROM events WHERE office_id = $1 AND id > $2 ORDER BY id")
            .bind(office_id)
            .bind(after)
            .fetch_all(db)
            .await?;
    rows.iter().map(|(p,)| parse_event(p)).collect()
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

fn to_sse(event: &Published) -> Event {
    // Compact JSON has no line breaks, so it is one `data:` line as it is.
    Event::default()
        .id(event.id.to_string())
        .event("queue")
        .data(&event.json)
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
    state.office(&office_id).await?;
    let resume = last_event_id(&headers, &query)?;
    // Subscribe before reading the backlog so nothing falls between the two.
    let live = BroadcastStream::new(state.events.subscribe());
    let backlog: Vec<Arc<Published>> = match resume {
        Some(after) => events_after(&state.db, &office_id, after)
            .await?
            .iter()
            .filter_map(Published::of)
            .map(Arc::new)
            .collect(),
        None => Vec::new(),
    };
    // Live only: nothing committed before this moment, even if its notification reaches this
    // relay later (with PostgreSQL, events arrive through LISTEN after their commit).
    let baseline = match resume {
        Some(after) => after,
        None => {
            sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) FROM events WHERE office_id = $1")
                .bind(&office_id)
                .fetch_one(&state.db)
                .await?
        }
    };
    let mut last_sent = backlog.last().map_or(baseline, |e| e.id);
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

//! `GET /api/offices/{office}/events`: an office's queue events as server-sent events,
//! resumable by `Last-Event-ID`.

use std::convert::Infallible;
use std::sync::Arc;
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, HeaderName, header};
use axum::response::{IntoResponse, Response};
use futures_util::stream::{self, StreamExt};
use schemars::JsonSchema;
use serde::Deserialize;
use tokio::sync::broadcast;

use crate::error::{Error, Path, Query, Result};
use crate::events::{Batch, Published};
use crate::state::AppState;
use crate::store;

/// How long a quiet stream waits before it writes a keep-alive comment.
const KEEP_ALIVE: Duration = Duration::from_secs(15);

/// The query of `GET /api/offices/{office}/events`.
#[derive(Debug, Deserialize, JsonSchema)]
pub struct EventsQuery {
    /// Resume after this event id (for clients that cannot set the `Last-Event-ID` header).
    last_event_id: Option<i64>,
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

/// `GET /api/offices/{office}/events`: the office's queue events as server-sent events.
///
/// With `Last-Event-ID` (or `?last_event_id=`), every stored event after that id is sent
/// first, then live ones; without, only live ones. A listener that falls more than the
/// channel's capacity behind is disconnected, and its browser resumes from its last id.
pub(crate) async fn events_stream(
    State(state): State<AppState>,
    Path(office_id): Path<String>,
    Query(query): Query<EventsQuery>,
    headers: HeaderMap,
    extensions: axum::http::Extensions,
) -> Result<Response> {
    state.office(&office_id).await?;
    // Each stream holds a descriptor for as long as it is open: counted per client address
    // and in total, so one address cannot take them all (issue 21 item 9).
    let client = crate::limits::client_of(&headers, &extensions, state.config.trust_forwarded_for);
    let slot = match state.streams.take(client) {
        Ok(slot) => slot,
        Err(why) => return Ok(too_many_streams(&state, why)),
    };
    let resume = last_event_id(&headers, &query)?;
    // Subscribe before reading the backlog so nothing falls between the two.
    let live = state.events.subscribe(&office_id);
    let backlog: Vec<Arc<Published>> = match resume {
        Some(after) => store::events::events_after(&state.db, &office_id, after)
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
        None => store::events::last_id(&state.db, &office_id).await?,
    };
    let last_sent = backlog.last().map_or(baseline, |e| e.id);
    // The backlog in one write.
    let first: Vec<Bytes> = backlog.iter().map(|e| e.frame.clone()).collect();
    let first = (!first.is_empty()).then(|| Bytes::from(first.concat()));
    let batches = Batches {
        rx: live,
        last_sent,
        _slot: slot,
    };
    let shutdown = state.shutdown.clone();
    // `retry:` first: how long a browser waits before it reconnects (3 s, not each browser's
    // own default), then the backlog.
    let body = stream::iter([Bytes::from_static(RETRY)])
        .chain(stream::iter(first))
        .chain(stream::unfold(batches, Batches::next))
        .map(Ok::<_, Infallible>)
        .take_until(async move { shutdown.cancelled().await });
    Ok((
        [
            (header::CONTENT_TYPE, "text/event-stream"),
            (header::CACHE_CONTROL, "no-cache"),
            // Nginx and similar proxies: pass each write on at once.
            (HeaderName::from_static("x-accel-buffering"), "no"),
        ],
        Body::from_stream(body),
    )
        .into_response())
}

/// The stream's first write: the reconnection delay for `EventSource` (SSE `retry:` field).
const RETRY: &[u8] = b"retry: 3000\n\n";

/// 429 `too_many_streams`: the address (or the relay) holds as many streams as it may; the
/// connection is closed so it holds no descriptor either.
fn too_many_streams(state: &AppState, why: crate::conn::Refused) -> Response {
    let message = match why {
        crate::conn::Refused::Address(cap) => {
            format!("this address already holds {cap} event streams; close some and try again")
        }
        crate::conn::Refused::Total(cap) => {
            format!("the relay holds as many event streams as it may ({cap}); try again shortly")
        }
    };
    if state.streams.should_log() {
        tracing::warn!(?why, "event stream refused");
    }
    let mut res = crate::error::error_response(
        axum::http::StatusCode::TOO_MANY_REQUESTS,
        "too_many_streams",
        message,
    );
    res.headers_mut().insert(
        header::RETRY_AFTER,
        axum::http::HeaderValue::from_static("30"),
    );
    res.headers_mut().insert(
        header::CONNECTION,
        axum::http::HeaderValue::from_static("close"),
    );
    res
}

/// The live part of one stream: its office's batches, without the events it already sent.
struct Batches {
    rx: broadcast::Receiver<Arc<Batch>>,
    last_sent: i64,
    /// Its place among the open streams, given back when the stream ends.
    _slot: crate::conn::Held,
}

impl Batches {
    /// The next write: a batch (or the part of it this stream has not sent), or a keep-alive
    /// comment; `None` ends the stream (relay shutting down, or this listener fell more than
    /// the channel's capacity behind: its browser reconnects and resumes from its last id).
    async fn next(mut self) -> Option<(Bytes, Self)> {
        loop {
            let batch = match tokio::time::timeout(KEEP_ALIVE, self.rx.recv()).await {
                Err(_) => return Some((Bytes::from_static(b": keep-alive\n\n"), self)),
                Ok(Ok(batch)) => batch,
                Ok(Err(_)) => return None,
            };
            let Some(&(last, _)) = batch.frames.last() else {
                continue;
            };
            if last <= self.last_sent {
                continue;
            }
            let bytes = if batch.frames[0].0 > self.last_sent {
                batch.all.clone()
            } else {
                Bytes::from(
                    batch
                        .frames
                        .iter()
                        .filter(|(id, _)| *id > self.last_sent)
                        .map(|(_, f)| f.as_ref())
                        .collect::<Vec<_>>()
                        .concat(),
                )
            };
            self.last_sent = last;
            return Some((bytes, self));
        }
    }
}

//! Mado's relay: one binary that serves the built frontend and a small JSON API, stores
//! tickets, bookings, pre-applications, guide records and office settings in SQLite (one
//! relay) or PostgreSQL (several relays), and streams queue events to displays and staff.
//!
//! # Mental model
//!
//! The relay is thin: it validates, stores, orders and notifies; it never decides
//! eligibility (that runs in the browser). [`app`] builds the whole router from an
//! [`AppState`]; `main.rs` only reads the configuration, opens the database and serves.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let config = mado_relay::Config::for_tests();
//! let state = mado_relay::AppState::open(config).await?;
//! let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
//! axum::serve(listener, mado_relay::app(state)).await?;
//! # Ok(()) }
//! ```
//!
//! Routes (all JSON; every 4xx/5xx has the body `{"error":{"code","message"}}`):
//!
//! | route | who | what |
//! |---|---|---|
//! | `GET /healthz` | anyone | liveness and database check |
//! | `GET /api/offices`, `GET /api/offices/{office}` | anyone | offices, services, counters |
//! | `POST /api/offices/{office}/tickets` | kiosk | issue a walk-in ticket (`Idempotency-Key` honoured); 409 `closed` outside the service's hours |
//! | `GET /api/offices/{office}/walk-in` | anyone | whether each service takes walk-in tickets now, why not, from when |
//! | `GET`/`PUT /api/offices/{office}/kiosk-policy` | admin | tickets only at paired kiosks, or from any browser |
//! | `GET /api/offices/{office}/board` | display | recent calls and waiting counts |
//! | `GET /api/offices/{office}/events` | display, staff | server-sent events, resumable by `Last-Event-ID` |
//! | `GET /api/offices/{office}/queue` | staff | every ticket of the day |
//! | `POST /api/counters/{counter}/call-next` | staff | finish the current ticket and call the next |
//! | `POST /api/tickets/{ticket}/{recall,no-show,done,transfer}` | staff | act on a ticket |
//! | `POST /api/auth/login`, `POST /api/auth/logout`, `GET /api/auth/me` | staff | session cookie |
//! | `…/guide-records` | staff | the guide's result kept with the counter record (`Idempotency-Key` honoured: the counter's outbox sends each record once) |
//! | `/api/tickets/{id}/handover`, `…/handovers` | staff | a visit handed over with a ticket sent to another counter, and who is coming (kept while the ticket is served) |
//! | reservations, check-in | residents, kiosk | see `http/reservations.rs` |
//! | pre-applications, exports | residents, staff | see `http/submissions.rs` |
//! | `GET /api/openapi.json` | anyone | all of the above as an OpenAPI 3.1 document ([`openapi`]) |
//!
//! Storage: SQLite (one relay) or PostgreSQL (several relays sharing one database); see
//! `db.rs`. Most SQL serves both engines (tickets are numbered by one statement on both);
//! where they differ (PostgreSQL's writing CTEs, SQLite's step-by-step statements) the store
//! says which.
//!
//! # Where things are
//!
//! Lowest first (`cargo xtask layers` holds imports to this order; ARCHITECTURE.md has the
//! table): `error`; `db` (connections, migrations, the clock, `db::Writer` with the write
//! locks); `store/` (the SQL); `cache`; `events` (the hub); `queue` (each office's queue
//! writer); `state` ([`AppState`]); then `http/`, the routes by resource (`auth`, `stream`,
//! `devices`, `reservations`, `records`, `staff`, `submissions`, `tickets`, `stats`,
//! `settings`, `offices`, `web`), each handler named `<resource>_<verb>` and every query of
//! theirs in `store/`; [`route`] and [`openapi`]; [`routes`], the
//! one route table the router, the OpenAPI document and the auth tests are built from; this
//! file, which opens the state and builds the app.
//!
//! # Not handled
//!
//! - TLS: run behind the city's reverse proxy and set `--secure-cookies`.

pub mod backup;
mod cache;
mod capability;
mod config;
pub mod conn;
mod csv;
mod db;
mod demo;
mod error;
mod events;
mod headers;
mod http;
mod limits;
pub mod openapi;
mod queue;
pub mod route;
pub mod routes;
mod state;
mod store;

use crate::cache::OfficeCache;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::http::{Request, StatusCode};
use tokio_util::sync::CancellationToken;
use tower_http::trace::TraceLayer;

pub use config::{Command, Config};
pub use db::{
    DEMO_OFFICE, Dialect, Pool, Writes, connect, default_url, local_day, migrate, now_ms,
};
pub use demo::seed_demo;
pub use error::{BODY_LIMIT, Error};
pub use events::EventHub;
pub use http::auth::{bootstrap_admin, hash_password};
pub use http::submissions::purge as purge_submissions;
pub use state::AppState;

impl AppState {
    /// Opens the database named by `config`, applies migrations and, unless disabled, loads
    /// the demo office on first start.
    pub async fn open(config: Config) -> Result<Self, Error> {
        if let Some(dir) = &config.data_dir {
            db::private_dir(dir)?;
        }
        if let Some(clock) = &config.clock {
            let start = chrono::DateTime::parse_from_rfc3339(clock).map_err(|e| {
                Error::Internal(format!(
                    "--clock {clock:?}: {e}; expected RFC 3339 such as 2027-03-01T09:00:00+09:00"
                ))
            })?;
            db::set_clock(start.timestamp_millis());
            tracing::warn!(clock = %clock, "the relay's clock is set: for training and tests only");
        }
        let url = config.database_url();
        db::private_sqlite_file(&url)?;
        let in_use = backup::hold(&url)?.map(Arc::new);
        let (db, dialect) = connect(&url).await?;
        migrate(&db, dialect).await?;
        if config.demo && seed_demo(&db).await? {
            tracing::info!("demo office loaded");
        }
        let dummy_hash: Arc<str> = tokio::task::spawn_blocking(|| hash_password("not a password"))
            .await
            .map_err(|e| Error::Internal(e.to_string()))??
            .into();
        let events = EventHub::new();
        let shutdown = CancellationToken::new();
        let offices = Arc::new(OfficeCache::default());
        if dialect == Dialect::Postgres {
            events::follow_postgres(
                &url,
                db.clone(),
                events.clone(),
                offices.clone(),
                shutdown.clone(),
            )
            .await?;
        }
        let secret = Arc::new(capability::secret(&db).await?);
        // One set of write locks for the queue writers and every other writer.
        let writer = db::Writer::new(db.clone(), dialect);
        let config_rate_limits = config.rate_limits;
        let state = Self {
            queue_writers: Arc::new(queue::Writers::new(writer.clone(), events.clone())),
            writer,
            db,
            dialect,
            events,
            config: Arc::new(config),
            counter_offices: Arc::default(),
            next_slots: Arc::default(),
            shutdown,
            dummy_hash,
            limiter: Arc::default(),
            hashing: Arc::default(),
            streams: conn::Counter::new(
                conn::Caps::from_open_files(
                    conn::open_file_limit(),
                    config_rate_limits.then_some(conn::PER_ADDRESS),
                )
                .for_streams(),
            ),
            offices,
            secret,
            _in_use: in_use,
        };
        spawn_retention(state.clone());
        if dialect == Dialect::Sqlite {
            spawn_checkpoints(state.clone());
        }
        Ok(state)
    }
}

/// SQLite: copies the write-ahead log into the database file every second ([`db::checkpoint`]).
fn spawn_checkpoints(state: AppState) {
    let shutdown = state.shutdown.clone();
    tokio::spawn(async move {
        loop {
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(std::time::Duration::from_secs(1)) => {}
            }
            if let Err(e) = db::checkpoint(&state.db).await {
                tracing::warn!(error = %e, "checkpoint failed; writers checkpoint past 64 MB of log");
            }
        }
    });
}

/// Deletes the audit entries made more than `retention_days` before `now_ms`; returns how many.
pub async fn purge_audit(state: &AppState, retention_days: u32, now_ms: i64) -> Result<u64, Error> {
    store::audit::purge_before(&state.db, now_ms - i64::from(retention_days) * 86_400_000).await
}

/// Deletes pre-applications and audit entries past their retention periods, and handovers of
/// earlier days, now and then every hour.
fn spawn_retention(state: AppState) {
    let days = state.config.submission_retention_days;
    let audit_days = state.config.audit_retention_days;
    let shutdown = state.shutdown.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = http::submissions::purge(&state, days, db::now_ms()).await {
                tracing::warn!(error = %e, "retention purge failed; retrying in an hour");
            }
            // Visits handed over with yesterday's tickets are not kept past the day.
            let today = db::local_day_start_ms(db::now_ms());
            match store::handovers::purge_before(&state.db, today).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(handovers = n, "yesterday's handovers deleted"),
                Err(e) => tracing::warn!(error = %e, "handover purge failed; retrying in an hour"),
            }
            match purge_audit(&state, audit_days, db::now_ms()).await {
                Ok(0) => {}
                Ok(n) => {
                    tracing::info!(entries = n, days = audit_days, "old audit entries deleted")
                }
                Err(e) => tracing::warn!(error = %e, "audit purge failed; retrying in an hour"),
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(std::time::Duration::from_secs(3600)) => {}
            }
        }
    });
}

/// The whole relay: API, event streams and the static frontend.
pub fn app(state: AppState) -> Router {
    let api = routes::router()
        .route_layer(axum::middleware::from_fn_with_state(
            limits::Limits {
                limiter: state.limiter.clone(),
                on: state.config.rate_limits,
                trust_forwarded_for: state.config.trust_forwarded_for,
            },
            limits::enforce,
        ))
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed)
        .layer(axum::middleware::from_fn(error::refuse_nul))
        // No API answer is kept by a browser or a proxy: most carry personal data (a
        // pre-application, a booking, the inbox), and the rest are live (issue 21 item 6).
        // Event streams keep their own `no-cache`.
        .layer(
            tower_http::set_header::SetResponseHeaderLayer::if_not_present(
                axum::http::header::CACHE_CONTROL,
                axum::http::HeaderValue::from_static("no-store"),
            ),
        );
    let dist = state.config.dist_dir.clone();
    let tls = state.config.secure_cookies;
    let site = http::web::with_frontend(api.with_state(state), dist.as_deref());
    http::web::with_security_headers(site, dist.as_deref(), tls)
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(
            TraceLayer::new_for_http()
                // Log the route template, never the concrete path or query: no ids or tokens.
                .make_span_with(|req: &Request<_>| {
                    let route = req
                        .extensions()
                        .get::<MatchedPath>()
                        .map_or("static", MatchedPath::as_str);
                    tracing::info_span!("request", method = %req.method(), route = %route)
                }),
        )
}

async fn api_not_found(uri: axum::http::Uri) -> Error {
    Error::NotFound(format!("no API route {}", uri.path()))
}

async fn method_not_allowed(
    method: axum::http::Method,
    uri: axum::http::Uri,
) -> axum::response::Response {
    error::error_response(
        StatusCode::METHOD_NOT_ALLOWED,
        "method_not_allowed",
        format!("{method} is not allowed on {}", uri.path()),
    )
}

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
//! | `…/guide-records` | staff | the guide's result kept with the counter record |
//! | reservations, check-in | residents, kiosk | see [`reservations`] |
//! | pre-applications, exports | residents, staff | see [`submissions`] |
//! | `GET /api/openapi.json` | anyone | all of the above as an OpenAPI 3.1 document ([`openapi`]) |
//!
//! Storage: SQLite (one relay) or PostgreSQL (several relays sharing one database), the same
//! SQL for both; see [`db`].
//!
//! # Not handled
//!
//! - TLS: run behind the city's reverse proxy and set `--secure-cookies`.

mod auth;
mod capability;
mod config;
mod db;
mod demo;
mod devices;
mod error;
mod events;
mod headers;
mod limits;
mod offices;
pub mod openapi;
mod queue;
mod records;
mod reservations;
pub mod routes;
mod settings;
mod staff;
mod stats;
mod store;
mod submissions;
mod tickets;
mod web;

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::extract::{DefaultBodyLimit, MatchedPath};
use axum::http::{Request, StatusCode};
use axum::routing::get;
use tokio_util::sync::CancellationToken;
use tower_http::trace::TraceLayer;

pub use auth::{bootstrap_admin, hash_password};
pub use config::Config;
pub use db::{
    DEMO_OFFICE, Dialect, Pool, Writes, connect, default_url, local_day, migrate, now_ms,
};
pub use demo::seed_demo;
pub use error::{BODY_LIMIT, Error};
pub use events::EventHub;
pub use submissions::purge as purge_submissions;

/// Offices read so far, by id (see [`AppState::office`]).
///
/// A value read from the database is kept only if nothing was forgotten while it was read:
/// a save that lands meanwhile (on this relay or, through `mado_config`, another) cannot
/// leave the older value kept.
#[derive(Debug, Default)]
pub(crate) struct OfficeCache {
    map: std::sync::RwLock<HashMap<String, CachedOffice>>,
    /// Counts forgets: a reader notes it before reading the database.
    epoch: std::sync::atomic::AtomicU64,
}

impl OfficeCache {
    fn map(&self) -> std::sync::RwLockReadGuard<'_, HashMap<String, CachedOffice>> {
        self.map.read().unwrap_or_else(|p| p.into_inner())
    }

    fn map_mut(&self) -> std::sync::RwLockWriteGuard<'_, HashMap<String, CachedOffice>> {
        self.map.write().unwrap_or_else(|p| p.into_inner())
    }

    /// Note this before reading what is to be kept.
    pub(crate) fn epoch(&self) -> u64 {
        self.epoch.load(std::sync::atomic::Ordering::Acquire)
    }

    /// Keeps a value read since `epoch`, unless something was forgotten meanwhile.
    fn keep(&self, office: &str, epoch: u64, set: impl FnOnce(&mut CachedOffice)) {
        let mut map = self.map_mut();
        if self.epoch() == epoch {
            set(map.entry(office.to_owned()).or_default());
        }
    }

    pub(crate) fn kiosks_only(&self, office: &str) -> Option<bool> {
        self.map().get(office).and_then(|c| c.kiosks_only)
    }

    pub(crate) fn keep_kiosks_only(&self, office: &str, epoch: u64, only: bool) {
        self.keep(office, epoch, |c| c.kiosks_only = Some(only));
    }

    /// Forgets what is kept of `office` (its settings changed).
    pub(crate) fn forget(&self, office: &str) {
        let mut map = self.map_mut();
        self.epoch.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        map.remove(office);
    }

    /// Forgets every office (changes may have been missed).
    pub(crate) fn clear(&self) {
        let mut map = self.map_mut();
        self.epoch.fetch_add(1, std::sync::atomic::Ordering::AcqRel);
        map.clear();
    }
}

/// What is kept of one office: the office, and its calendar and slot rules once asked for.
#[derive(Debug, Default)]
pub(crate) struct CachedOffice {
    office: Option<Arc<mado_wire::Office>>,
    bookings: Option<Arc<reservations::BookingConfig>>,
    /// Whether it takes tickets only at its kiosks (`devices::require_kiosk`).
    kiosks_only: Option<bool>,
}

/// Everything handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Pool,
    /// Which engine `db` is: SQLite (one relay) or PostgreSQL (several).
    pub dialect: Dialect,
    pub events: EventHub,
    pub config: Arc<Config>,
    /// This relay's write locks, by [`db::Writes::key`] (SQLite: one for every write).
    write_locks: Arc<std::sync::Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>>,
    /// Each office's queue writer ([`queue`]).
    queue_writers: Arc<queue::Writers>,
    /// Cancelled on shutdown: ends open event streams so the server can stop.
    pub shutdown: CancellationToken,
    /// The relay's own secret for keyed tokens and hashes, read at start (`capability`).
    pub(crate) secret: Arc<Vec<u8>>,
    /// Offices read so far (see [`AppState::office`]).
    pub(crate) offices: Arc<OfficeCache>,
    /// Each counter's office, as read so far: a counter never moves (it is retired, not
    /// deleted, and its id is not used again), so this is never stale.
    counter_offices: Arc<std::sync::RwLock<HashMap<i64, String>>>,
    /// Walk-ins' next free slots, reused for a moment ([`reservations::NextSlots`]).
    pub(crate) next_slots: Arc<reservations::NextSlots>,
    /// Rate-limit buckets of the public endpoints.
    pub limiter: Arc<limits::Limiter>,
    /// A real argon2id hash checked for unknown logins, so timing does not reveal accounts.
    pub dummy_hash: Arc<str>,
}

impl AppState {
    /// Opens the database named by `config`, applies migrations and, unless disabled, loads
    /// the demo office on first start.
    pub async fn open(config: Config) -> Result<Self, Error> {
        if let Some(dir) = &config.data_dir {
            std::fs::create_dir_all(dir).map_err(|e| {
                Error::Internal(format!("cannot create data dir {}: {e}", dir.display()))
            })?;
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
        let state = Self {
            db,
            dialect,
            events,
            config: Arc::new(config),
            write_locks: Arc::default(),
            queue_writers: Arc::default(),
            counter_offices: Arc::default(),
            next_slots: Arc::default(),
            shutdown,
            dummy_hash,
            limiter: Arc::default(),
            offices,
            secret,
        };
        spawn_retention(state.clone());
        if dialect == Dialect::Sqlite {
            spawn_checkpoints(state.clone());
        }
        Ok(state)
    }
}

impl AppState {
    /// An office with its services and counters. Offices are configuration: each is read
    /// from the database once and then served from memory until `/admin` saves it
    /// ([`AppState::forget_office`], and on PostgreSQL every relay through `mado_config`).
    pub(crate) async fn office(&self, id: &str) -> Result<mado_wire::Office, Error> {
        Ok(self.shared_office(id).await?.as_ref().clone())
    }

    /// The office of counter `counter_id` (retired counters included).
    pub(crate) async fn counter_office(&self, counter_id: i64) -> Result<String, Error> {
        let known = self
            .counter_offices
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .get(&counter_id)
            .cloned();
        if let Some(office) = known {
            return Ok(office);
        }
        let office: String = sqlx::query_scalar("SELECT office_id FROM counters WHERE id = $1")
            .bind(counter_id)
            .fetch_optional(&self.db)
            .await?
            .ok_or_else(|| Error::NotFound(format!("no counter with id {counter_id}")))?;
        self.counter_offices
            .write()
            .unwrap_or_else(|p| p.into_inner())
            .insert(counter_id, office.clone());
        Ok(office)
    }

    /// [`AppState::office`] without copying it: the kept value itself.
    pub(crate) async fn shared_office(&self, id: &str) -> Result<Arc<mado_wire::Office>, Error> {
        if let Some(o) = self.offices.map().get(id).and_then(|c| c.office.clone()) {
            return Ok(o);
        }
        let epoch = self.offices.epoch();
        let office = Arc::new(db::load_office(&self.db, id).await?);
        let kept = office.clone();
        self.offices.keep(id, epoch, |c| c.office = Some(kept));
        Ok(office)
    }

    /// The kept calendar and slot rules of `office`, if read since its settings last changed.
    pub(crate) fn cached_bookings(&self, office: &str) -> Option<Arc<reservations::BookingConfig>> {
        self.offices
            .map()
            .get(office)
            .and_then(|c| c.bookings.clone())
    }

    /// Keeps the calendar and slot rules of `office`, read since `epoch`
    /// ([`OfficeCache::epoch`]).
    pub(crate) fn keep_bookings(
        &self,
        office: &str,
        epoch: u64,
        config: Arc<reservations::BookingConfig>,
    ) {
        self.offices
            .keep(office, epoch, |c| c.bookings = Some(config));
    }

    /// Drops the cached copy of `office` after its settings changed.
    pub(crate) fn forget_office(&self, office: &str) {
        self.offices.forget(office);
    }

    /// Starts a transaction that writes `writes` once every other writer of the same things
    /// is done: with SQLite every other writer of this relay; with PostgreSQL every relay's
    /// writers of the same things ([`Dialect::begin_locked`]). Hold the guard until the
    /// transaction is committed.
    pub(crate) async fn begin_write(
        &self,
        writes: &[db::Writes<'_>],
    ) -> Result<(WriteGuard, sqlx::Transaction<'static, sqlx::Any>), Error> {
        let (guard, keys) = self.lock_writes(writes).await;
        let tx = match self.dialect {
            // IMMEDIATE: the database's write lock is taken now, waiting (busy_timeout) for
            // a transaction still being rolled back on another connection (sqlx rolls a
            // dropped transaction back after the drop, when this relay's lock is already
            // free). A deferred transaction that reads first cannot wait for it at its first
            // write: SQLite answers "database is locked" at once.
            Dialect::Sqlite => self.db.begin_with("BEGIN IMMEDIATE").await?,
            // BEGIN and the advisory locks in one round trip.
            Dialect::Postgres => self.db.begin_with(Dialect::begin_locked(&keys)).await?,
        };
        Ok((guard, tx))
    }

    /// Waits until this relay's other writers of `writes` are done (without holding a
    /// connection) and returns the guard with the keys of the database locks the write
    /// still has to take (with PostgreSQL: every relay's writers), in ascending order.
    pub(crate) async fn lock_writes(&self, writes: &[db::Writes<'_>]) -> (WriteGuard, Vec<i64>) {
        let mut keys: Vec<i64> = match self.dialect {
            // One writer at a time.
            Dialect::Sqlite => vec![0],
            Dialect::Postgres => writes.iter().map(|w| w.key()).collect(),
        };
        keys.sort_unstable();
        keys.dedup();
        // Always in ascending key order.
        let locks: Vec<_> = {
            let mut map = self.write_locks.lock().unwrap_or_else(|p| p.into_inner());
            keys.iter()
                .map(|k| map.entry(*k).or_default().clone())
                .collect()
        };
        let mut held = Vec::with_capacity(locks.len());
        for lock in locks {
            held.push(lock.lock_owned().await);
        }
        (WriteGuard { _held: held }, keys)
    }
}

/// This relay's write locks of one transaction, held from its start to its commit.
pub(crate) struct WriteGuard {
    _held: Vec<tokio::sync::OwnedMutexGuard<()>>,
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

/// Deletes pre-applications past the retention period now, then every hour.
fn spawn_retention(state: AppState) {
    let days = state.config.submission_retention_days;
    let shutdown = state.shutdown.clone();
    tokio::spawn(async move {
        loop {
            if let Err(e) = submissions::purge(&state, days, db::now_ms()).await {
                tracing::warn!(error = %e, "retention purge failed; retrying in an hour");
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
    let api = Router::new()
        .route("/healthz", get(healthz))
        .merge(offices::router())
        .merge(tickets::router())
        .merge(auth::router())
        .merge(records::router())
        .merge(reservations::router())
        .merge(submissions::router())
        .merge(devices::router())
        .merge(stats::router())
        .merge(staff::router())
        .merge(openapi::router())
        .route_layer(axum::middleware::from_fn_with_state(
            state.clone(),
            limits::enforce,
        ))
        .route("/api/{*rest}", axum::routing::any(api_not_found))
        .method_not_allowed_fallback(method_not_allowed);
    let dist = state.config.dist_dir.clone();
    let tls = state.config.secure_cookies;
    let site = web::with_frontend(api.with_state(state), dist.as_deref());
    web::with_security_headers(site, dist.as_deref(), tls)
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

async fn healthz(
    axum::extract::State(state): axum::extract::State<AppState>,
) -> Result<&'static str, Error> {
    sqlx::query("SELECT 1").execute(&state.db).await?;
    Ok("ok")
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

#[cfg(test)]
mod cache_tests {
    use super::*;

    fn office(name: &str) -> Arc<mado_wire::Office> {
        let mut o: mado_wire::Office = serde_json::from_str(DEMO_OFFICE).unwrap();
        o.name = name.into();
        Arc::new(o)
    }

    #[test]
    fn a_value_read_across_a_forget_is_not_kept() {
        let cache = OfficeCache::default();
        let before = cache.epoch();
        cache.keep("kokurakita", before, |c| c.office = Some(office("旧")));
        assert_eq!(
            cache.map()["kokurakita"].office.as_ref().unwrap().name,
            "旧"
        );

        // Read begins; the settings are saved meanwhile; the (older) value read is dropped.
        let read_from = cache.epoch();
        cache.forget("kokurakita");
        cache.keep("kokurakita", read_from, |c| c.office = Some(office("旧")));
        assert!(!cache.map().contains_key("kokurakita"));

        // Read again after the save: kept.
        let read_from = cache.epoch();
        cache.keep("kokurakita", read_from, |c| c.office = Some(office("新")));
        assert_eq!(
            cache.map()["kokurakita"].office.as_ref().unwrap().name,
            "新"
        );
        cache.clear();
        assert!(cache.map().is_empty());
    }
}

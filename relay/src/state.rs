//! What every handler shares ([`AppState`]): the database, the event hub, the queue writers,
//! what is kept in memory and the configuration. Made once at start (`AppState::open`, in
//! `lib.rs`) and cloned into each request.

use std::collections::HashMap;
use std::sync::Arc;

use tokio_util::sync::CancellationToken;

use crate::cache::{NextSlots, OfficeCache};
use crate::config::Config;
use crate::db::{Dialect, Pool, WriteGuard, Writer, Writes};
use crate::error::Error;
use crate::events::EventHub;
use crate::limits::Limiter;
use crate::queue::{Work, Writers};
use crate::store::reservations::BookingConfig;
use crate::store::tickets::Done;

/// Everything handlers share.
#[derive(Debug, Clone)]
pub struct AppState {
    pub db: Pool,
    /// Which engine `db` is: SQLite (one relay) or PostgreSQL (several).
    pub dialect: Dialect,
    pub events: EventHub,
    pub config: Arc<Config>,
    /// The database with this relay's write locks ([`AppState::begin_write`]).
    pub(crate) writer: Writer,
    /// Each office's queue writer ([`crate::queue`]).
    pub(crate) queue_writers: Arc<Writers>,
    /// Cancelled on shutdown: ends open event streams so the server can stop.
    pub shutdown: CancellationToken,
    /// The relay's own secret for keyed tokens and hashes, read at start (`capability`).
    pub(crate) secret: Arc<Vec<u8>>,
    /// The shared lock on the SQLite database's lock file while this relay has it open
    /// ([`crate::backup`]: a restore waits for it to go).
    pub(crate) _in_use: Option<Arc<crate::backup::InUse>>,
    /// Offices read so far (see [`AppState::office`]).
    pub(crate) offices: Arc<OfficeCache>,
    /// Each counter's office, as read so far: a counter never moves (it is retired, not
    /// deleted, and its id is not used again), so this is never stale.
    pub(crate) counter_offices: Arc<std::sync::RwLock<HashMap<i64, String>>>,
    /// Walk-ins' next free slots, reused for a moment ([`NextSlots`]).
    pub(crate) next_slots: Arc<NextSlots>,
    /// Rate-limit buckets of the public endpoints.
    pub limiter: Arc<Limiter>,
    /// Password checks, a few at a time ([`crate::limits::HashPool`]).
    pub hashing: Arc<crate::limits::HashPool>,
    /// Open event streams, per client address and in total ([`crate::conn`]).
    pub streams: Arc<crate::conn::Counter>,
    /// A real argon2id hash checked for unknown logins, so timing does not reveal accounts.
    pub dummy_hash: Arc<str>,
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
        let office = crate::store::offices::of_counter(&self.db, counter_id)
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
        let office = Arc::new(crate::db::load_office(&self.db, id).await?);
        let kept = office.clone();
        self.offices.keep(id, epoch, |c| c.office = Some(kept));
        Ok(office)
    }

    /// The kept calendar and slot rules of `office`, if read since its settings last changed.
    pub(crate) fn cached_bookings(&self, office: &str) -> Option<Arc<BookingConfig>> {
        self.offices
            .map()
            .get(office)
            .and_then(|c| c.bookings.clone())
    }

    /// Keeps the calendar and slot rules of `office`, read since `epoch`
    /// ([`OfficeCache::epoch`]).
    pub(crate) fn keep_bookings(&self, office: &str, epoch: u64, config: Arc<BookingConfig>) {
        self.offices
            .keep(office, epoch, |c| c.bookings = Some(config));
    }

    /// Drops the cached copy of `office` after its settings changed.
    pub(crate) fn forget_office(&self, office: &str) {
        self.offices.forget(office);
    }

    /// Starts a transaction that writes `writes` once every other writer of the same things
    /// is done ([`Writer::begin_write`]). Hold the guard until the transaction is committed.
    pub(crate) async fn begin_write(
        &self,
        writes: &[Writes<'_>],
    ) -> Result<(WriteGuard, sqlx::Transaction<'static, sqlx::Any>), Error> {
        self.writer.begin_write(writes).await
    }

    /// Writes `work` to the queue of `office` with the other jobs waiting for it
    /// ([`Writers::write`]).
    pub(crate) async fn write_queue(&self, office: &str, work: Work) -> Result<Done, Error> {
        self.queue_writers.write(office, work).await
    }
}

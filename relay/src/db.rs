//! Storage: the database (SQLite by default, PostgreSQL for several relays), its migrations,
//! the clock and the office loader (the demo office's data is `relay/demo/office.json`, seeded
//! by `demo.rs`).
//!
//! Most queries are written once, in the SQL both engines share, with `$1`-style parameters
//! (SQLite reads `$N` as the N-th parameter too), and run through sqlx's `Any` driver. What
//! differs is kept apart: the schema files per engine (`migrations/` and
//! `migrations/postgres/`), the connection settings and how a writer waits for the writers of
//! the same things ([`Writes`], [`Dialect::begin_locked`]) here; on PostgreSQL a saved
//! setting is announced to the other relays (`pg_notify('mado_config', …)`), and the calls of
//! several counters finish their current tickets in the same statement (`store/tickets.rs`).

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Executor, Row};

use crate::error::{Error, Result};

/// The connection pool, whichever engine is behind it.
pub type Pool = sqlx::AnyPool;

/// Which SQL engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dialect {
    Sqlite,
    Postgres,
}

impl Dialect {
    /// The engine of `url`: `sqlite:…` or `postgres://…` / `postgresql://…`.
    pub fn of(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Self::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Self::Postgres)
        } else {
            Err(Error::Internal(format!(
                "database url must start with sqlite: or postgres://, got {:?}",
                url.split(':').next().unwrap_or("")
            )))
        }
    }

    /// PostgreSQL's `BEGIN` for a write transaction: it then waits until no other relay's
    /// transaction writes the same things ([`Writes`]), with transaction-scoped advisory locks
    /// (released by commit or rollback) taken in ascending key order, so two writers never
    /// wait for each other. SQLite has one relay and one writer at a time: the relay's own
    /// lock is enough.
    pub fn begin_locked(keys: &[i64]) -> sqlx::AssertSqlSafe<String> {
        let mut keys = keys.to_vec();
        keys.sort_unstable();
        let mut sql = String::from("BEGIN");
        for key in keys {
            // Numbers only: nothing to escape.
            sql.push_str(&format!("; SELECT pg_advisory_xact_lock({key})"));
        }
        sqlx::AssertSqlSafe(sql)
    }
}

/// What a write transaction changes. Writers of the same thing go one at a time; with
/// PostgreSQL, writers of different things (two offices' queues, a booking and a ticket) go
/// on together.
#[derive(Debug, Clone, Copy)]
pub enum Writes<'a> {
    /// An office's queue: its tickets and events. Its events are numbered by the database;
    /// one writer at a time from the first write to the commit makes their numbers follow
    /// the commit order, so a display resuming from `Last-Event-ID` misses nothing.
    Queue(&'a str),
    /// An office's reservations and the places left in its slots.
    Bookings(&'a str),
    /// Offices' settings, of every office (counter ids are unique across offices).
    Settings,
    /// Pre-applications, of every office.
    Submissions,
    /// Staff accounts and sessions.
    Staff,
}

impl Writes<'_> {
    /// The lock's key: the first 8 bytes of SHA-256 of what is written, the same in every
    /// relay.
    pub fn key(self) -> i64 {
        use sha2::{Digest, Sha256};
        let name = match self {
            Self::Queue(office) => format!("mado queue\n{office}"),
            Self::Bookings(office) => format!("mado bookings\n{office}"),
            Self::Settings => "mado settings".to_owned(),
            Self::Submissions => "mado submissions".to_owned(),
            Self::Staff => "mado staff".to_owned(),
        };
        let digest = Sha256::digest(name.as_bytes());
        let mut bytes = [0u8; 8];
        bytes.copy_from_slice(&digest[..8]);
        i64::from_be_bytes(bytes)
    }
}

/// The database with this relay's write locks: what every write transaction goes through
/// ([`Writer::begin_write`]). Cloned, it is the same database and the same locks.
#[derive(Debug, Clone)]
pub struct Writer {
    pub pool: Pool,
    pub dialect: Dialect,
    /// This relay's write locks, by [`Writes::key`] (SQLite: one for every write).
    locks: Arc<Mutex<HashMap<i64, Arc<tokio::sync::Mutex<()>>>>>,
}

/// This relay's write locks of one transaction, held from its start to its commit.
pub struct WriteGuard {
    _held: Vec<tokio::sync::OwnedMutexGuard<()>>,
}

impl Writer {
    pub fn new(pool: Pool, dialect: Dialect) -> Self {
        Self {
            pool,
            dialect,
            locks: Arc::default(),
        }
    }

    /// Starts a transaction that writes `writes` once every other writer of the same things
    /// is done: with SQLite every other writer of this relay; with PostgreSQL every relay's
    /// writers of the same things ([`Dialect::begin_locked`]). Hold the guard until the
    /// transaction is committed.
    pub async fn begin_write(
        &self,
        writes: &[Writes<'_>],
    ) -> Result<(WriteGuard, sqlx::Transaction<'static, sqlx::Any>)> {
        let (guard, keys) = self.lock_writes(writes).await;
        let tx = match self.dialect {
            // IMMEDIATE: the database's write lock is taken now, waiting (busy_timeout) for
            // a transaction still being rolled back on another connection (sqlx rolls a
            // dropped transaction back after the drop, when this relay's lock is already
            // free). A deferred transaction that reads first cannot wait for it at its first
            // write: SQLite answers "database is locked" at once.
            Dialect::Sqlite => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            // BEGIN and the advisory locks in one round trip.
            Dialect::Postgres => self.pool.begin_with(Dialect::begin_locked(&keys)).await?,
        };
        Ok((guard, tx))
    }

    /// Waits until this relay's other writers of `writes` are done (without holding a
    /// connection) and returns the guard with the keys of the database locks the write
    /// still has to take (with PostgreSQL: every relay's writers), in ascending order.
    pub async fn lock_writes(&self, writes: &[Writes<'_>]) -> (WriteGuard, Vec<i64>) {
        let mut keys: Vec<i64> = match self.dialect {
            // One writer at a time.
            Dialect::Sqlite => vec![0],
            Dialect::Postgres => writes.iter().map(|w| w.key()).collect(),
        };
        keys.sort_unstable();
        keys.dedup();
        // Always in ascending key order.
        let locks: Vec<_> = {
            let mut map = self.locks.lock().unwrap_or_else(|p| p.into_inner());
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

/// Migrations, applied in order once each, with the schema for each engine. A released
/// migration is never edited; a change adds a new version to both lists.
const MIGRATIONS: &[(i64, &str, &str, &str)] = &[
    (
        1,
        "init",
        include_str!("../migrations/0001_init.sql"),
        include_str!("../migrations/postgres/0001_init.sql"),
    ),
    (
        2,
        "guide_records",
        include_str!("../migrations/0002_guide_records.sql"),
        include_str!("../migrations/postgres/0002_guide_records.sql"),
    ),
    (
        3,
        "printed_forms",
        include_str!("../migrations/0003_printed_forms.sql"),
        include_str!("../migrations/postgres/0003_printed_forms.sql"),
    ),
    (
        4,
        "printed_for",
        include_str!("../migrations/0004_printed_for.sql"),
        include_str!("../migrations/postgres/0004_printed_for.sql"),
    ),
    (
        5,
        "reservations",
        include_str!("../migrations/0005_reservations.sql"),
        include_str!("../migrations/postgres/0005_reservations.sql"),
    ),
    (
        6,
        "ticket_reservations",
        include_str!("../migrations/0006_ticket_reservations.sql"),
        include_str!("../migrations/postgres/0006_ticket_reservations.sql"),
    ),
    (
        7,
        "event_notify",
        include_str!("../migrations/0007_event_notify.sql"),
        include_str!("../migrations/postgres/0007_event_notify.sql"),
    ),
    (
        8,
        "submissions",
        include_str!("../migrations/0008_submissions.sql"),
        include_str!("../migrations/postgres/0008_submissions.sql"),
    ),
    (
        9,
        "devices",
        include_str!("../migrations/0009_devices.sql"),
        include_str!("../migrations/postgres/0009_devices.sql"),
    ),
    (
        10,
        "admin",
        include_str!("../migrations/0010_admin.sql"),
        include_str!("../migrations/postgres/0010_admin.sql"),
    ),
    (
        11,
        "event_notify_on_insert",
        include_str!("../migrations/0011_event_notify_on_insert.sql"),
        include_str!("../migrations/postgres/0011_event_notify_on_insert.sql"),
    ),
    (
        12,
        "event_notify_office",
        include_str!("../migrations/0012_event_notify_office.sql"),
        include_str!("../migrations/postgres/0012_event_notify_office.sql"),
    ),
    (
        13,
        "waiting_counts",
        include_str!("../migrations/0013_waiting_counts.sql"),
        include_str!("../migrations/postgres/0013_waiting_counts.sql"),
    ),
    (
        14,
        "issue_ticket",
        include_str!("../migrations/0014_issue_ticket.sql"),
        include_str!("../migrations/postgres/0014_issue_ticket.sql"),
    ),
    (
        15,
        "issue_tickets",
        include_str!("../migrations/0015_issue_tickets.sql"),
        include_str!("../migrations/postgres/0015_issue_tickets.sql"),
    ),
    (
        16,
        "event_notify_payload",
        include_str!("../migrations/0016_event_notify_payload.sql"),
        include_str!("../migrations/postgres/0016_event_notify_payload.sql"),
    ),
    (
        17,
        "office_contact",
        include_str!("../migrations/0017_office_contact.sql"),
        include_str!("../migrations/postgres/0017_office_contact.sql"),
    ),
    (
        18,
        "walk_in_cutoff",
        include_str!("../migrations/0018_walk_in_cutoff.sql"),
        include_str!("../migrations/postgres/0018_walk_in_cutoff.sql"),
    ),
    (
        19,
        "kiosks_only",
        include_str!("../migrations/0019_kiosks_only.sql"),
        include_str!("../migrations/postgres/0019_kiosks_only.sql"),
    ),
    (
        20,
        "tickets_issued",
        include_str!("../migrations/0020_tickets_issued.sql"),
        include_str!("../migrations/postgres/0020_tickets_issued.sql"),
    ),
    (
        21,
        "numbering_in_one_place",
        include_str!("../migrations/0021_numbering_in_one_place.sql"),
        include_str!("../migrations/postgres/0021_numbering_in_one_place.sql"),
    ),
    (
        22,
        "visit_records",
        include_str!("../migrations/0022_visit_records.sql"),
        include_str!("../migrations/postgres/0022_visit_records.sql"),
    ),
    (
        23,
        "handovers",
        include_str!("../migrations/0023_handovers.sql"),
        include_str!("../migrations/postgres/0023_handovers.sql"),
    ),
    (
        24,
        "record_counter",
        include_str!("../migrations/0024_record_counter.sql"),
        include_str!("../migrations/postgres/0024_record_counter.sql"),
    ),
    (
        25,
        "office_head",
        include_str!("../migrations/0025_office_head.sql"),
        include_str!("../migrations/postgres/0025_office_head.sql"),
    ),
    (
        26,
        "login_lockout",
        include_str!("../migrations/0026_login_lockout.sql"),
        include_str!("../migrations/postgres/0026_login_lockout.sql"),
    ),
    (
        27,
        "idempotency_request",
        include_str!("../migrations/0027_idempotency_request.sql"),
        include_str!("../migrations/postgres/0027_idempotency_request.sql"),
    ),
    (
        28,
        "audit",
        include_str!("../migrations/0028_audit.sql"),
        include_str!("../migrations/postgres/0028_audit.sql"),
    ),
    (
        29,
        "names",
        include_str!("../migrations/0029_names.sql"),
        include_str!("../migrations/postgres/0029_names.sql"),
    ),
];

/// Opens the database at `url` (`sqlite://PATH`, `sqlite::memory:` or `postgres://…`).
///
/// SQLite is opened (and created if missing) with durable settings: WAL journal,
/// `synchronous=FULL` so an acknowledged write survives a crash or power cut, foreign keys
/// on. Its log is copied into the database file by [`checkpoint`] every second, beside the
/// writers; a writer does it itself only if the log passes 64 MB (16,384 pages), so a write
/// does not wait for a checkpoint's copying and syncing. PostgreSQL is durable by its own
/// defaults (`fsync`, `synchronous_commit`).
pub async fn connect(url: &str) -> Result<(Pool, Dialect)> {
    sqlx::any::install_default_drivers();
    let dialect = Dialect::of(url)?;
    let url = match dialect {
        Dialect::Sqlite if !url.contains(":memory:") && !url.contains("mode=") => {
            format!("{url}{}mode=rwc", if url.contains('?') { '&' } else { '?' })
        }
        _ => url.to_owned(),
    };
    let options: AnyConnectOptions = url
        .parse()
        .map_err(|e| Error::Internal(format!("database url: {e}")))?;
    let in_memory = url.contains(":memory:");
    let pool = AnyPoolOptions::new()
        // An in-memory database exists once per connection: keep exactly one.
        // PostgreSQL: writers of different offices go on together, and several relays share
        // the server's connections (100 by default): 16 each.
        .max_connections(if in_memory {
            1
        } else if dialect == Dialect::Postgres {
            16
        } else {
            8
        })
        .min_connections(if in_memory { 1 } else { 0 })
        .idle_timeout(if in_memory {
            None
        } else {
            Some(Duration::from_secs(600))
        })
        .max_lifetime(if in_memory {
            None
        } else {
            Some(Duration::from_secs(3600))
        })
        // A connection used within the last seconds is alive: checking it costs a round trip
        // per query, most of a request's. One that sat idle longer (the server may have
        // restarted or dropped it) is checked before use.
        .test_before_acquire(false)
        .before_acquire(|conn, meta| {
            Box::pin(async move {
                if meta.idle_for > Duration::from_secs(10) {
                    sqlx::Connection::ping(conn).await?;
                }
                Ok(true)
            })
        })
        .after_connect(move |conn, _meta| {
            Box::pin(async move {
                if dialect == Dialect::Sqlite {
                    conn.execute(
                        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; \
                         PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000; \
                         PRAGMA wal_autocheckpoint = 16384;",
                    )
                    .await?;
                }
                Ok(())
            })
        })
        .connect_with(options)
        .await?;
    Ok((pool, dialect))
}

/// Creates the data directory readable by the relay's user only (0700), whatever the umask;
/// an existing one open to others is closed (residents' pre-applications are in it).
pub fn private_dir(dir: &Path) -> Result<()> {
    let fail = |e: std::io::Error| {
        Error::Internal(format!("cannot create data dir {}: {e}", dir.display()))
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(fail)?;
        let mode = std::fs::metadata(dir).map_err(fail)?.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).map_err(fail)?;
            tracing::warn!(dir = %dir.display(), mode = format!("{:o}", mode & 0o777), "the data directory was open to other users; now 0700");
        }
    }
    #[cfg(not(unix))]
    std::fs::create_dir_all(dir).map_err(fail)?;
    Ok(())
}

/// For a SQLite file database: the file (created empty if missing) and its `-wal` and `-shm`
/// readable by the relay's user only (0600), whatever the umask. SQLite gives the `-wal` and
/// `-shm` files it creates the main file's permissions.
pub fn private_sqlite_file(url: &str) -> Result<()> {
    let Some(path) = sqlite_path(url) else {
        return Ok(());
    };
    let Some(path) = path.to_str() else {
        return Err(Error::Internal(format!(
            "{}: the database path must be UTF-8",
            path.display()
        )));
    };
    #[cfg(unix)]
    {
        use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
        let fail = |p: &str, e: std::io::Error| {
            Error::Internal(format!("cannot make {p} private to the relay's user: {e}"))
        };
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .mode(0o600)
            .open(path)
            .map_err(|e| fail(path, e))?;
        for p in [
            path.to_owned(),
            format!("{path}-wal"),
            format!("{path}-shm"),
        ] {
            match std::fs::metadata(&p) {
                Ok(m) if m.permissions().mode() & 0o077 != 0 => {
                    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o600))
                        .map_err(|e| fail(&p, e))?;
                }
                Ok(_) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(fail(&p, e)),
            }
        }
    }
    Ok(())
}

/// The file of a `sqlite://PATH` URL; `None` for PostgreSQL and in-memory databases.
pub fn sqlite_path(url: &str) -> Option<std::path::PathBuf> {
    let rest = url.strip_prefix("sqlite://")?;
    let path = rest.split('?').next().unwrap_or(rest);
    (!path.is_empty() && !path.contains(":memory:")).then(|| std::path::PathBuf::from(path))
}

/// The newest schema version this relay knows (its last migration).
pub const MIGRATIONS_LATEST: i64 = MIGRATIONS[MIGRATIONS.len() - 1].0;

/// The `sqlite://` URL of the database file in `data_dir`.
pub fn default_url(data_dir: &Path) -> String {
    format!("sqlite://{}", data_dir.join("mado.sqlite3").display())
}

/// Applies the migrations not yet applied, each in its own transaction.
pub async fn migrate(pool: &Pool, dialect: Dialect) -> Result<()> {
    sqlx::query(
        "CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)",
    )
    .execute(pool)
    .await?;
    for &(version, name, sqlite, postgres) in MIGRATIONS {
        let done: Option<i64> =
            sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                .bind(version)
                .fetch_optional(pool)
                .await?;
        if done.is_some() {
            continue;
        }
        let sql = match dialect {
            Dialect::Sqlite => sqlite,
            Dialect::Postgres => postgres,
        };
        let mut tx = pool.begin().await?;
        sqlx::raw_sql(sqlx::AssertSqlSafe(sql))
            .execute(&mut *tx)
            .await?;
        sqlx::query(
            "INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)",
        )
        .bind(version)
        .bind(name)
        .bind(now_ms())
        .execute(&mut *tx)
        .await?;
        tx.commit().await?;
        tracing::info!(version, name, "migration applied");
    }
    Ok(())
}

/// SQLite: copies what the write-ahead log holds into the database file without waiting for
/// (or holding up) readers and writers; what is still in use stays for the next time.
pub async fn checkpoint(pool: &Pool) -> Result<()> {
    sqlx::query("PRAGMA wal_checkpoint(PASSIVE)")
        .execute(pool)
        .await?;
    Ok(())
}

/// The demo office (小倉北区役所), as data.
pub const DEMO_OFFICE: &str = include_str!("../demo/office.json");

/// Inserts `office` with its services and counters. Used for the demo office on first start.
pub async fn insert_office(pool: &Pool, office: &mado_wire::Office) -> Result<()> {
    let mut tx = pool.begin().await?;
    sqlx::query(
        "INSERT INTO offices (id, name, name_en, address, phone, head, names) VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(&office.id)
    .bind(&office.name)
    .bind(&office.name_en)
    .bind(&office.address)
    .bind(&office.phone)
    .bind(&office.head)
    .bind(names_json(&office.names))
    .execute(&mut *tx)
    .await?;
    for (sort, s) in office.services.iter().enumerate() {
        sqlx::query(
            "INSERT INTO services (office_id, id, prefix, name, name_en, avg_service_secs, sort, walk_in_cutoff_minutes, names) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(&office.id)
        .bind(&s.id)
        .bind(&s.prefix)
        .bind(&s.name)
        .bind(&s.name_en)
        .bind(i64::from(s.avg_service_secs))
        .bind(sort as i64)
        .bind(i64::from(s.walk_in_cutoff_minutes))
        .bind(names_json(&s.names))
        .execute(&mut *tx)
        .await?;
    }
    for (sort, c) in office.counters.iter().enumerate() {
        sqlx::query(
            "INSERT INTO counters (id, office_id, label, label_en, sort, names) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(c.id)
        .bind(&office.id)
        .bind(&c.label)
        .bind(&c.label_en)
        .bind(sort as i64)
        .bind(names_json(&c.names))
        .execute(&mut *tx)
        .await?;
        for service in &c.service_ids {
            sqlx::query(
                "INSERT INTO counter_services (counter_id, office_id, service_id) VALUES ($1, $2, $3)",
            )
            .bind(c.id)
            .bind(&office.id)
            .bind(service)
            .execute(&mut *tx)
            .await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// The stored calendar of `office`, if it has one; a stored calendar that cannot be read is an
/// error naming the office.
pub async fn load_calendar(
    pool: &Pool,
    office: &str,
) -> Result<Option<mado_wire::calendar::OfficeCalendar>> {
    let json: Option<String> =
        sqlx::query_scalar("SELECT calendar FROM office_calendars WHERE office_id = $1")
            .bind(office)
            .fetch_optional(pool)
            .await?;
    json.map(|json| {
        serde_json::from_str(&json)
            .map_err(|e| Error::Internal(format!("stored calendar of {office:?}: {e}")))
    })
    .transpose()
}

/// A stored [`mado_wire::Names`] (JSON); one that cannot be read is an error naming the office.
pub fn names_of(json: &str, office: &str) -> Result<mado_wire::Names> {
    serde_json::from_str(json)
        .map_err(|e| Error::Internal(format!("stored names of office {office:?}: {e}")))
}

/// [`mado_wire::Names`] as stored.
pub fn names_json(names: &mado_wire::Names) -> String {
    serde_json::to_string(names).unwrap_or_else(|_| "{}".to_owned())
}

/// Loads an office with its services and counters.
pub async fn load_office(pool: &Pool, office_id: &str) -> Result<mado_wire::Office> {
    let row = sqlx::query(
        "SELECT id, name, name_en, address, phone, head, names FROM offices WHERE id = $1",
    )
    .bind(office_id)
    .fetch_optional(pool)
    .await?
    .ok_or_else(|| Error::NotFound(format!("no office with id {office_id:?}")))?;
    let services = sqlx::query(
        "SELECT id, prefix, name, name_en, avg_service_secs, walk_in_cutoff_minutes, names FROM services WHERE office_id = $1 AND retired = 0 ORDER BY sort",
    )
    .bind(office_id)
    .fetch_all(pool)
    .await?
    .into_iter()
    .map(|r| {
        Ok(mado_wire::Service {
        names: names_of(&r.get::<String, _>("names"), office_id)?,
        id: r.get("id"),
        prefix: r.get("prefix"),
        name: r.get("name"),
        name_en: r.get("name_en"),
        avg_service_secs: u32::try_from(r.get::<i64, _>("avg_service_secs")).unwrap_or(u32::MAX),
        // 0..=240 by the column's CHECK.
        walk_in_cutoff_minutes: u16::try_from(r.get::<i64, _>("walk_in_cutoff_minutes"))
            .unwrap_or(mado_wire::admin::MAX_WALK_IN_CUTOFF_MINUTES),
    })
    })
    .collect::<Result<Vec<_>>>()?;
    let links: Vec<(i64, String)> = sqlx::query_as(
        "SELECT cs.counter_id, cs.service_id FROM counter_services cs JOIN services s ON s.office_id = cs.office_id AND s.id = cs.service_id WHERE cs.office_id = $1 AND s.retired = 0 ORDER BY s.sort",
    )
    .bind(office_id)
    .fetch_all(pool)
    .await?;
    let counters =
        sqlx::query("SELECT id, label, label_en, names FROM counters WHERE office_id = $1 AND retired = 0 ORDER BY sort")
            .bind(office_id)
            .fetch_all(pool)
            .await?
            .into_iter()
            .map(|r| {
                let id: i64 = r.get("id");
                Ok(mado_wire::Counter {
                    names: names_of(&r.get::<String, _>("names"), office_id)?,
                    id,
                    label: r.get("label"),
                    label_en: r.get("label_en"),
                    service_ids: links
                        .iter()
                        .filter(|(c, _)| *c == id)
                        .map(|(_, s)| s.clone())
                        .collect(),
                })
            })
            .collect::<Result<Vec<_>>>()?;
    // The hours in words, from the calendar when the office has one.
    let hours = load_calendar(pool, office_id)
        .await?
        .map(|c| c.hours_ja())
        .unwrap_or_default();
    Ok(mado_wire::Office {
        names: names_of(&row.get::<String, _>("names"), office_id)?,
        id: row.get("id"),
        name: row.get("name"),
        name_en: row.get("name_en"),
        services,
        counters,
        address: row.get("address"),
        phone: row.get("phone"),
        head: row.get("head"),
        hours,
    })
}

/// How far the relay's clock is set from the machine's (`--clock`), in milliseconds.
static CLOCK_OFFSET_MS: std::sync::atomic::AtomicI64 = std::sync::atomic::AtomicI64::new(0);

/// Sets the relay's clock to `start_ms` now; it runs on from there. For staff training on a
/// chosen day and for browser tests of same-day flows (see `Config::clock`).
pub fn set_clock(start_ms: i64) {
    let offset = start_ms - chrono::Utc::now().timestamp_millis();
    CLOCK_OFFSET_MS.store(offset, std::sync::atomic::Ordering::Relaxed);
}

/// Milliseconds since the Unix epoch, by the relay's clock.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
        + CLOCK_OFFSET_MS.load(std::sync::atomic::Ordering::Relaxed)
}

/// Whether the database answers (`GET /healthz`).
pub async fn ping(pool: &Pool) -> Result<()> {
    sqlx::query("SELECT 1").execute(pool).await?;
    Ok(())
}

/// A date as stored (`YYYY-MM-DD` text, the same in both engines); `what` names the column for
/// the message if it does not read (the database was written by hand).
pub fn stored_date(text: &str, what: &str) -> Result<mado_civil::Date> {
    mado_civil::Date::parse_iso(text)
        .map_err(|e| Error::Internal(format!("stored {what} does not read: {e}")))
}

/// A day, in milliseconds.
pub const DAY_MS: i64 = 86_400_000;
/// Japan's offset from UTC (offices are in Japan: UTC+9, no daylight saving).
const JAPAN_MS: i64 = 9 * 3_600_000;

/// The office-local day and minute after midnight of a Unix-millisecond instant.
pub fn local_day_minute(at_ms: i64) -> (mado_civil::Date, u16) {
    let local = at_ms + JAPAN_MS;
    let day = mado_civil::Date::from_days_since_epoch(local.div_euclid(DAY_MS));
    // Below 1,440.
    let minute = (local.rem_euclid(DAY_MS) / 60_000) as u16;
    (day, minute)
}

/// The first millisecond of `day` in Japan (15:00 UTC the day before).
pub fn day_start_ms(day: mado_civil::Date) -> i64 {
    day.days_since_epoch() * DAY_MS - JAPAN_MS
}

/// The office-local day (`YYYY-MM-DD`) of a Unix-millisecond instant. Ticket numbers
/// restart each day.
pub fn local_day(at_ms: i64) -> String {
    local_day_minute(at_ms).0.to_string()
}

/// The first millisecond of the office-local day containing `at_ms`.
pub fn local_day_start_ms(at_ms: i64) -> i64 {
    day_start_ms(local_day_minute(at_ms).0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_day_turns_at_midnight_in_japan() {
        // 2026-11-21T14:59:59.999Z is 23:59:59.999 JST on the 21st.
        let before = 1_795_273_199_999;
        assert_eq!(local_day(before), "2026-11-21");
        assert_eq!(local_day(before + 1), "2026-11-22");
        assert_eq!(local_day_start_ms(before + 1), before + 1);
        assert_eq!(local_day_start_ms(before), before + 1 - 86_400_000);
        let (day, minute) = local_day_minute(before);
        assert_eq!(
            (day.to_string(), minute),
            ("2026-11-21".to_owned(), 23 * 60 + 59)
        );
        let (day, minute) = local_day_minute(before + 1);
        assert_eq!((day.to_string(), minute), ("2026-11-22".to_owned(), 0));
    }
}

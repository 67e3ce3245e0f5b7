//! Backups of the embedded SQLite database: `mado-relay backup PATH` while the relay serves,
//! `mado-relay restore PATH` while it is stopped.
//!
//! A backup is SQLite's `VACUUM INTO`: one read transaction, so the copy is the database as it
//! stood at one instant (every write committed before it, none after), taken beside the
//! running relay without stopping its writers (WAL). The copy is made 0600, then checked
//! (`PRAGMA integrity_check`) and its contents counted. A restore checks the backup the same
//! way, refuses while a relay has the database open (the relay holds a shared lock on
//! `mado.sqlite3.lock` while it runs), keeps the database it replaces beside it, and puts the
//! backup in place; the relay migrates it on its next start if it is older.
//!
//! PostgreSQL has its own tools (`pg_dump`, base backups); the commands say so.

use std::path::{Path, PathBuf};

use crate::db::{MIGRATIONS_LATEST, sqlite_path};
use crate::error::{Error, Result};

/// The tables a summary counts: what the relay acknowledges to residents and staff.
const COUNTED: [&str; 6] = [
    "tickets",
    "reservations",
    "submissions",
    "guide_records",
    "staff",
    "audit",
];

/// The lock file beside the database `db`: shared by running relays, exclusive for a
/// restore.
fn lock_path(db: &Path) -> PathBuf {
    let mut name = db.as_os_str().to_owned();
    name.push(".lock");
    PathBuf::from(name)
}

fn fail(what: impl std::fmt::Display) -> Error {
    Error::Internal(what.to_string())
}

/// The relay's hold on its SQLite database: a shared lock on the lock file, so that a restore
/// can tell the database is in use. `None` for PostgreSQL and in-memory databases.
#[derive(Debug)]
pub struct InUse(#[allow(dead_code)] std::fs::File);

/// Takes the relay's shared lock on the database at `url`.
pub(crate) fn hold(url: &str) -> Result<Option<InUse>> {
    let Some(db) = sqlite_path(url) else {
        return Ok(None);
    };
    let lock = lock_path(&db);
    let file = private_file(&lock)?;
    rustix::fs::flock(&file, rustix::fs::FlockOperation::NonBlockingLockShared).map_err(|_| {
        fail(format!(
            "{}: a restore is putting a backup in place of this database; start the relay when it has finished",
            db.display()
        ))
    })?;
    Ok(Some(InUse(file)))
}

/// Opens (creating, 0600) a file the relay keeps to itself.
fn private_file(path: &Path) -> Result<std::fs::File> {
    use std::os::unix::fs::OpenOptionsExt;
    std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| fail(format!("cannot open {}: {e}", path.display())))
}

/// What a backup holds: its size and how many rows of each counted table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Summary {
    pub bytes: u64,
    pub schema: i64,
    pub rows: Vec<(&'static str, i64)>,
}

impl std::fmt::Display for Summary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let rows: Vec<String> = self.rows.iter().map(|(t, n)| format!("{t} {n}")).collect();
        write!(
            f,
            "{:.1} MB, schema version {}, integrity ok: {}",
            self.bytes as f64 / 1_048_576.0,
            self.schema,
            rows.join(", ")
        )
    }
}

/// Opens the SQLite file `path` read-only and checks it: a SQLite database, intact, made by a
/// relay (its migrations table) no newer than this one. Returns what it holds.
pub async fn check(path: &Path) -> Result<Summary> {
    use sqlx::ConnectOptions;
    let meta = std::fs::metadata(path)
        .map_err(|e| fail(format!("cannot read {}: {e}", path.display())))?;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(path)
        .read_only(true)
        .connect()
        .await
        .map_err(|e| {
            fail(format!(
                "{} cannot be opened as SQLite: {e}",
                path.display()
            ))
        })?;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_one(&mut conn)
        .await
        .map_err(|e| {
            fail(format!(
                "{} is not a SQLite database the relay can read: {e}",
                path.display()
            ))
        })?;
    if integrity != "ok" {
        return Err(fail(format!(
            "{} is damaged (PRAGMA integrity_check: {integrity})",
            path.display()
        )));
    }
    let schema: Option<i64> = sqlx::query_scalar("SELECT MAX(version) FROM schema_migrations")
        .fetch_one(&mut conn)
        .await
        .map_err(|_| {
            fail(format!(
                "{} is a SQLite database, but not a Mado relay's (it has no schema_migrations table)",
                path.display()
            ))
        })?;
    let schema = schema.unwrap_or(0);
    if schema > MIGRATIONS_LATEST {
        return Err(fail(format!(
            "{} was made by a newer relay (schema version {schema}; this relay knows up to {MIGRATIONS_LATEST}); restore it with that relay",
            path.display()
        )));
    }
    let mut rows = Vec::new();
    for table in COUNTED {
        let n: Option<i64> =
            sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
                .fetch_one(&mut conn)
                .await
                .ok();
        if let Some(n) = n {
            rows.push((table, n));
        }
    }
    Ok(Summary {
        bytes: meta.len(),
        schema,
        rows,
    })
}

/// `mado-relay backup PATH`: a consistent copy of the database at `url` in the new file
/// `target`, taken while the relay serves.
pub async fn backup(url: &str, target: &Path) -> Result<Summary> {
    let Some(db) = sqlite_path(url) else {
        return Err(fail(
            "mado-relay backup copies the embedded SQLite database; back up PostgreSQL with pg_dump (see INSTALL.md)",
        ));
    };
    if !db.exists() {
        return Err(fail(format!("there is no database at {}", db.display())));
    }
    if target.exists() {
        return Err(fail(format!(
            "{} exists; give a new file name (a backup never overwrites a file)",
            target.display()
        )));
    }
    // An empty file, 0600 before anything is written (VACUUM INTO accepts an empty file).
    drop(private_file(target)?);
    let result = async {
        use sqlx::ConnectOptions;
        let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
            .filename(&db)
            .busy_timeout(std::time::Duration::from_secs(30))
            .connect()
            .await
            .map_err(|e| fail(format!("cannot open {}: {e}", db.display())))?;
        let into = target
            .to_str()
            .ok_or_else(|| fail(format!("{}: not a UTF-8 path", target.display())))?;
        sqlx::query("VACUUM INTO ?1")
            .bind(into)
            .execute(&mut conn)
            .await
            .map_err(|e| fail(format!("backup of {} failed: {e}", db.display())))?;
        std::fs::File::open(target)
            .and_then(|f| f.sync_all())
            .map_err(|e| fail(format!("cannot sync {}: {e}", target.display())))?;
        check(target).await
    }
    .await;
    if result.is_err() {
        let _ = std::fs::remove_file(target);
    }
    result
}

/// `mado-relay restore PATH`: puts the backup `source` in place of the database at `url`,
/// which no relay may have open. The database it replaces is kept as
/// `mado.sqlite3.before-restore-<time>`. Returns the backup's summary and where the old
/// database went.
pub async fn restore(url: &str, source: &Path, now_ms: i64) -> Result<(Summary, Option<PathBuf>)> {
    let Some(db) = sqlite_path(url) else {
        return Err(fail(
            "mado-relay restore replaces the embedded SQLite database; restore PostgreSQL with pg_restore (see INSTALL.md)",
        ));
    };
    let summary = check(source).await?;
    let lock = private_file(&lock_path(&db))?;
    rustix::fs::flock(&lock, rustix::fs::FlockOperation::NonBlockingLockExclusive).map_err(
        |_| {
            fail(format!(
                "a relay is running on {}; stop it first (systemctl stop mado-relay), then restore",
                db.display()
            ))
        },
    )?;
    let dir = db
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    // The copy is written beside the database and renamed over it, so a crash leaves either
    // the old database or the new one, never half of one.
    let name = db
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("mado.sqlite3");
    let incoming = dir.join(format!("{name}.restoring"));
    let _ = std::fs::remove_file(&incoming);
    {
        let mut out = private_file(&incoming)?;
        let mut from = std::fs::File::open(source)
            .map_err(|e| fail(format!("cannot read {}: {e}", source.display())))?;
        std::io::copy(&mut from, &mut out)
            .and_then(|_| out.sync_all())
            .map_err(|e| fail(format!("cannot write {}: {e}", incoming.display())))?;
    }
    let kept = if db.exists() {
        let stamp = chrono::DateTime::from_timestamp_millis(now_ms)
            .map(|t| t.format("%Y%m%dT%H%M%SZ").to_string())
            .unwrap_or_else(|| now_ms.to_string());
        let kept = dir.join(format!("{name}.before-restore-{stamp}"));
        // The old database with its log: the log holds its last commits.
        let wal = dir.join(format!("{name}-wal"));
        if wal.exists() {
            check_in(&db).await?;
        }
        std::fs::rename(&db, &kept)
            .map_err(|e| fail(format!("cannot move {} aside: {e}", db.display())))?;
        Some(kept)
    } else {
        None
    };
    for stale in [format!("{name}-wal"), format!("{name}-shm")] {
        let _ = std::fs::remove_file(dir.join(stale));
    }
    std::fs::rename(&incoming, &db)
        .map_err(|e| fail(format!("cannot put the backup in place: {e}")))?;
    std::fs::File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(|e| fail(format!("cannot sync {}: {e}", dir.display())))?;
    Ok((summary, kept))
}

/// Copies the write-ahead log of the stopped database `db` into it, so the file moved aside
/// holds every commit.
async fn check_in(db: &Path) -> Result<()> {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .connect()
        .await
        .map_err(|e| fail(format!("cannot open {}: {e}", db.display())))?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)")
        .execute(&mut conn)
        .await
        .map_err(|e| fail(format!("cannot checkpoint {}: {e}", db.display())))?;
    Ok(())
}

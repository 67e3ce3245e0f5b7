//! Backups (issue 21): `mado-relay backup PATH` while the relay serves a steady stream of
//! tickets, then `mado-relay restore PATH` after it is stopped. The restored database holds
//! every ticket acknowledged before the backup began, the relay starts on it, and the database
//! it replaced is kept. Restore refuses while a relay runs; both refuse what they cannot do
//! with a message that says why. (The embedded SQLite database; PostgreSQL has pg_dump.)

use std::collections::BTreeSet;
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Output, Stdio};
use std::sync::{Arc, Mutex};
use std::time::Duration;

mod common;
use common::{raw_http as http, wait_healthy};

const WRITERS: usize = 4;

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// The relay binary on `dir`, its clock on a Wednesday morning (walk-in tickets are issued).
fn start(dir: &Path, addr: SocketAddr) -> Child {
    Command::new(env!("CARGO_BIN_EXE_mado-relay"))
        .env("MADO_LISTEN", addr.to_string())
        .env("MADO_DATA_DIR", dir)
        .env_remove("MADO_DATABASE_URL")
        .env("MADO_ADMIN_PASSWORD", common::PASSWORD)
        .env("MADO_CLOCK", "2026-12-09T10:00:00+09:00")
        .env("MADO_RATE_LIMITS", "false")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the relay binary starts")
}

/// `mado-relay <command> <path>` on `dir`.
fn once(dir: &Path, command: &str, path: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mado-relay"))
        .env("MADO_DATA_DIR", dir)
        .env_remove("MADO_DATABASE_URL")
        .arg(command)
        .arg(path)
        .output()
        .expect("the relay binary runs")
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

/// Runs `statements` on the SQLite file `db` (created if missing).
async fn run_sql(db: &Path, statements: &[&str]) {
    use sqlx::ConnectOptions;
    let mut c = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .create_if_missing(true)
        .connect()
        .await
        .unwrap();
    for sql in statements {
        sqlx::raw_sql(sqlx::AssertSqlSafe(*sql))
            .execute(&mut c)
            .await
            .unwrap();
    }
}

async fn ticket_ids(db: &Path) -> BTreeSet<i64> {
    use sqlx::ConnectOptions;
    let mut conn = sqlx::sqlite::SqliteConnectOptions::new()
        .filename(db)
        .read_only(true)
        .connect()
        .await
        .unwrap();
    sqlx::query_scalar::<_, i64>("SELECT id FROM tickets")
        .fetch_all(&mut conn)
        .await
        .unwrap()
        .into_iter()
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_under_load_restores_every_acknowledged_ticket() {
    if std::env::var_os("MADO_TEST_POSTGRES").is_some() {
        // The SQLite path only: the same test has run on the SQLite pass.
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let addr = free_addr();
    let mut relay = start(dir.path(), addr);
    wait_healthy(addr).await;

    // Kiosks taking tickets all along; each acknowledged ticket is noted with its id.
    let acked: Arc<Mutex<BTreeSet<i64>>> = Arc::default();
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let writers: Vec<_> = (0..WRITERS)
        .map(|w| {
            let (acked, stop) = (acked.clone(), stop.clone());
            tokio::spawn(async move {
                let mut n = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    n += 1;
                    let key = format!("kiosk-{w}-{n}");
                    let body = r#"{"service_id":"jumin"}"#;
                    if let Some((201, body)) =
                        http(addr, "POST", "/api/offices/kokurakita/tickets", &key, body).await
                    {
                        let v: serde_json::Value = serde_json::from_str(&body).unwrap();
                        acked
                            .lock()
                            .unwrap()
                            .insert(v["ticket"]["id"].as_i64().unwrap());
                    }
                }
            })
        })
        .collect();
    while acked.lock().unwrap().len() < 200 {
        tokio::time::sleep(Duration::from_millis(20)).await;
    }

    // The backup, while the kiosks go on.
    let before: BTreeSet<i64> = acked.lock().unwrap().clone();
    let file = dir.path().join("backup-2026-12-09.sqlite3");
    let out = tokio::task::spawn_blocking({
        let (dir, file) = (dir.path().to_owned(), file.clone());
        move || once(&dir, "backup", &file)
    })
    .await
    .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    assert!(
        text(&out).contains("integrity ok") && text(&out).contains("tickets "),
        "{}",
        text(&out)
    );
    let during = acked.lock().unwrap().len();
    tokio::time::sleep(Duration::from_millis(300)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);
    for w in writers {
        w.await.unwrap();
    }
    let all: BTreeSet<i64> = acked.lock().unwrap().clone();
    assert!(
        all.len() > during,
        "tickets went on being issued after the backup"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600, "a backup holds residents' data: {mode:o}");
    }
    let in_backup = ticket_ids(&file).await;
    let missing: Vec<_> = before.difference(&in_backup).collect();
    assert!(
        missing.is_empty(),
        "acknowledged before the backup, missing from it: {missing:?}"
    );

    // Again under the same name: refused, the file untouched.
    let again = once(dir.path(), "backup", &file);
    assert!(!again.status.success());
    assert!(text(&again).contains("exists"), "{}", text(&again));

    // A restore while the relay runs is refused.
    let refused = once(dir.path(), "restore", &file);
    assert!(!refused.status.success());
    assert!(
        text(&refused).contains("a relay is running"),
        "{}",
        text(&refused)
    );

    relay.kill().unwrap();
    relay.wait().unwrap();
    let restored = once(dir.path(), "restore", &file);
    assert!(restored.status.success(), "{}", text(&restored));
    let kept: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("mado.sqlite3.before-restore-"))
        .collect();
    assert_eq!(kept.len(), 1, "the replaced database is kept: {kept:?}");
    // The database it replaced still has every acknowledged ticket.
    let old = ticket_ids(&dir.path().join(&kept[0])).await;
    assert!(all.is_subset(&old), "the kept database lost tickets");

    // The relay starts on the restored database, which holds every ticket acknowledged
    // before the backup began, and not the ones issued in the 300 ms after it finished.
    let now = ticket_ids(&dir.path().join("mado.sqlite3")).await;
    assert!(before.is_subset(&now));
    assert!(now.is_subset(&old));
    assert!(
        now.last() < all.last(),
        "the last tickets came after the backup"
    );
    let addr = free_addr();
    let mut relay = start(dir.path(), addr);
    wait_healthy(addr).await;
    let (status, body) = http(
        addr,
        "POST",
        "/api/offices/kokurakita/tickets",
        "after-restore",
        r#"{"service_id":"jumin"}"#,
    )
    .await
    .unwrap();
    assert_eq!(status, 201, "{body}");
    relay.kill().unwrap();
    relay.wait().unwrap();
}

#[tokio::test]
async fn backup_and_restore_refuse_what_they_cannot_do_and_say_why() {
    let dir = tempfile::tempdir().unwrap();
    let url = mado_relay::default_url(dir.path());
    let target = dir.path().join("b.sqlite3");
    // No database yet.
    let e = mado_relay::backup::backup(&url, &target).await.unwrap_err();
    assert!(e.to_string().contains("there is no database"), "{e}");
    assert!(!target.exists());
    // PostgreSQL has its own tools.
    let e = mado_relay::backup::backup("postgres://x@127.0.0.1/mado", &target)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("pg_dump"), "{e}");
    let e = mado_relay::backup::restore("postgres://x@127.0.0.1/mado", &target, 0)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("pg_restore"), "{e}");

    // Not a database, and a database that is not a relay's.
    let junk = dir.path().join("notes.txt");
    std::fs::write(&junk, "住民票の写し 2通\n".repeat(200)).unwrap();
    let e = mado_relay::backup::restore(&url, &junk, 0)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("notes.txt"), "{e}");
    let other = dir.path().join("other.sqlite3");
    run_sql(&other, &["CREATE TABLE t (x INTEGER)"]).await;
    let e = mado_relay::backup::restore(&url, &other, 0)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("not a Mado relay's"), "{e}");
    // A backup from a newer relay.
    run_sql(
        &other,
        &[
            "CREATE TABLE schema_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)",
            "INSERT INTO schema_migrations VALUES (999, 'future', 0)",
        ],
    )
    .await;
    let e = mado_relay::backup::restore(&url, &other, 0)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("newer relay"), "{e}");
    assert!(
        !dir.path().join("mado.sqlite3").exists(),
        "nothing was put in place"
    );
}

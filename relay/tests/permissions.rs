//! Issue 21 item 5: the data directory and the SQLite files are the relay's user's alone
//! (0700, 0600), whatever the umask. A binary of its own: the umask is per process.
#![cfg(unix)]

use std::os::unix::fs::PermissionsExt;

use mado_relay::{AppState, Config};

fn mode(p: &std::path::Path) -> u32 {
    std::fs::metadata(p).unwrap().permissions().mode() & 0o777
}

#[tokio::test]
async fn the_data_directory_and_the_database_are_private_under_umask_022() {
    // The usual umask, which leaves new files readable by all: no other test runs in this
    // binary.
    rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o022));
    let root = tempfile::tempdir().unwrap();
    let data = root.path().join("var").join("mado");
    let config = Config {
        data_dir: Some(data.clone()),
        database_url: None,
        ..Config::for_tests()
    };
    let state = AppState::open(config.clone()).await.expect("opens");
    // A write, so that the WAL and its index exist.
    mado_relay::bootstrap_admin(&state.db, Some("test-password-1"))
        .await
        .unwrap();
    assert_eq!(mode(&data), 0o700, "data directory");
    let db = data.join("mado.sqlite3");
    for p in [
        db.clone(),
        data.join("mado.sqlite3-wal"),
        data.join("mado.sqlite3-shm"),
    ] {
        assert!(p.exists(), "{} exists", p.display());
        assert_eq!(mode(&p), 0o600, "{}", p.display());
    }
    state.db.close().await;

    // Files an older relay left open to everyone are closed on the next start.
    std::fs::set_permissions(&data, std::fs::Permissions::from_mode(0o755)).unwrap();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o644)).unwrap();
    let state = AppState::open(config).await.expect("opens again");
    assert_eq!(mode(&data), 0o700);
    assert_eq!(mode(&db), 0o600);
    state.db.close().await;
}

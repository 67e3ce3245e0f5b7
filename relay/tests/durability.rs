//! Acknowledged data survives a crash: the real relay binary is killed with SIGKILL while 200
//! pre-applications are being sent at once; after a restart every acknowledged one is there,
//! and sending them all again with the same idempotency keys creates no duplicate. Runs on
//! SQLite (a file) and, with `MADO_TEST_POSTGRES`, on PostgreSQL.

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

mod common;
use common::{TestDb, raw_http as http, wait_healthy};

const SENDERS: usize = 200;

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

fn start(db: &TestDb, addr: SocketAddr) -> Child {
    Command::new(env!("CARGO_BIN_EXE_mado-relay"))
        .env("MADO_LISTEN", addr.to_string())
        .env("MADO_DATABASE_URL", &db.url)
        .env("MADO_ADMIN_PASSWORD", common::PASSWORD)
        .env("RUST_LOG", "warn")
        // 200 sends from one address at once: far over the public limit, on purpose.
        .env("MADO_RATE_LIMITS", "false")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("the relay binary starts")
}

fn submission(i: usize) -> String {
    serde_json::json!({
        "pack": "okuyami", "version": "2026.11", "city": "kitakyushu", "date": "2026-11-20",
        "answers": {}, "procedures": [{"id": "kokuho_soshitsu", "name": "国民健康保険の資格喪失", "status": "required"}],
        "applicant": {"name": format!("試験 {i}"), "birth_date": "1960-04-01", "address": "北九州市小倉北区大手町1-1"}
    })
    .to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_pre_applications_survive_kill_9_and_retries_make_no_duplicates() {
    let db = TestDb::new(true).await;
    let addr = free_addr();
    let mut relay = start(&db, addr);
    wait_healthy(addr).await;

    let (ack_tx, mut ack_rx) = tokio::sync::mpsc::unbounded_channel();
    let senders: Vec<_> = (0..SENDERS)
        .map(|i| {
            let ack_tx = ack_tx.clone();
            tokio::spawn(async move {
                let path = "/api/offices/kokurakita/submissions";
                // `None`: the connection broke (the kill); anything answered is reported.
                if let Some((status, body)) =
                    http(addr, "POST", path, &format!("crash-{i}"), &submission(i)).await
                {
                    let _ = ack_tx.send((i, status, body));
                }
            })
        })
        .collect();
    drop(ack_tx);
    // Kill the relay once some answers have come back, while others are still in flight.
    let mut answered = Vec::new();
    while answered.len() < 40 {
        match tokio::time::timeout(Duration::from_secs(20), ack_rx.recv()).await {
            Ok(Some(a)) => answered.push(a),
            _ => break,
        }
    }
    relay.kill().expect("SIGKILL");
    relay.wait().unwrap();
    for s in senders {
        s.await.unwrap();
    }
    while let Ok(a) = ack_rx.try_recv() {
        answered.push(a);
    }
    // Every answer the relay gave before dying was a receipt: no "database is locked", no 5xx.
    for (i, status, body) in &answered {
        assert!(
            *status == 201 || *status == 200,
            "sender {i}: {status} {body}"
        );
    }
    let acknowledged: Vec<(usize, u16, serde_json::Value)> = answered
        .into_iter()
        .map(|(i, status, body)| (i, status, serde_json::from_str(&body).unwrap()))
        .collect();
    assert!(
        acknowledged.len() >= 40,
        "{} acknowledged",
        acknowledged.len()
    );
    assert!(
        acknowledged.len() < SENDERS,
        "the kill came before every request was answered"
    );

    let mut relay = start(&db, addr);
    wait_healthy(addr).await;
    for (i, _, receipt) in &acknowledged {
        let token = receipt["token"].as_str().unwrap();
        let (status, body) = http(
            addr,
            "GET",
            &format!("/api/submission-status/{token}"),
            "-",
            "",
        )
        .await
        .unwrap();
        assert_eq!(
            status, 200,
            "acknowledged pre-application {i} is there: {body}"
        );
        let progress: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(progress["code"], receipt["code"]);
    }
    // Every sender retries with its key: the acknowledged ones get their receipt again.
    for i in 0..SENDERS {
        let (status, body) = http(
            addr,
            "POST",
            "/api/offices/kokurakita/submissions",
            &format!("crash-{i}"),
            &submission(i),
        )
        .await
        .unwrap();
        assert!(status == 200 || status == 201, "{status} {body}");
        if let Some((_, _, receipt)) = acknowledged.iter().find(|(j, ..)| *j == i) {
            assert_eq!(status, 200, "retry of acknowledged {i}");
            let again: serde_json::Value = serde_json::from_str(&body).unwrap();
            assert_eq!(again["code"], receipt["code"]);
        }
    }
    relay.kill().unwrap();
    relay.wait().unwrap();
    let (pool, _) = mado_relay::connect(&db.url).await.unwrap();
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM submissions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(
        rows, SENDERS as i64,
        "one pre-application per key, no duplicates"
    );
    let keys: i64 = sqlx::query_scalar("SELECT COUNT(DISTINCT idempotency_key) FROM submissions")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(keys, SENDERS as i64);
}

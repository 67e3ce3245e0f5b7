//! Issue 21 item 9: one address opening 2,000 event streams against the relay binary started
//! under `ulimit -n 1024` (soft and hard, so it cannot raise it) leaves tickets, calls and
//! `/healthz` answering for everyone else. Before, the streams took every descriptor and the
//! relay stopped accepting ("Too many open files").
#![cfg(unix)]

mod common;

use std::net::SocketAddr;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use common::TestDb;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpSocket, TcpStream};

const STREAMS: usize = 2000;

fn free_addr() -> SocketAddr {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// The relay under `ulimit -n 1024`, its clock on a Wednesday morning (the demo office open:
/// walk-in tickets are issued), its log kept in `log`.
fn start(db: &TestDb, addr: SocketAddr, log: &std::path::Path) -> Child {
    Command::new("sh")
        .arg("-c")
        .arg("ulimit -n 1024 && exec \"$0\" >\"$1\" 2>&1")
        .arg(env!("CARGO_BIN_EXE_mado-relay"))
        .arg(log)
        .env("MADO_LISTEN", addr.to_string())
        .env("MADO_DATABASE_URL", &db.url)
        .env("MADO_ADMIN_PASSWORD", common::PASSWORD)
        .env("MADO_CLOCK", "2026-12-09T10:00:00+09:00")
        .stdout(Stdio::null())
        .spawn()
        .expect("the relay binary starts")
}

/// One request on its own connection from 127.0.0.1: status and body, or `None` when the
/// relay did not answer within 5 s.
async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    cookie: &str,
    body: &str,
) -> Option<(u16, String, String)> {
    let exchange = async {
        let mut stream = TcpStream::connect(addr).await.ok()?;
        let request = format!(
            "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nCookie: {cookie}\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        stream.write_all(request.as_bytes()).await.ok()?;
        let mut answer = Vec::new();
        stream.read_to_end(&mut answer).await.ok()?;
        let text = String::from_utf8(answer).ok()?;
        let status = text.get(9..12)?.parse().ok()?;
        let (head, body) = text.split_once("\r\n\r\n")?;
        Some((status, head.to_owned(), body.to_owned()))
    };
    tokio::time::timeout(Duration::from_secs(5), exchange)
        .await
        .ok()
        .flatten()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn one_address_opening_2000_streams_leaves_tickets_calls_and_healthz_answering() {
    // This test's own process holds the 2,000 client sockets.
    use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
    let mine = getrlimit(Resource::Nofile);
    if mine.current.is_some_and(|c| c < 4096) {
        setrlimit(
            Resource::Nofile,
            Rlimit {
                current: Some(mine.maximum.unwrap_or(8192).min(8192)),
                maximum: mine.maximum,
            },
        )
        .expect("the test can hold 4,096 sockets");
    }
    let db = TestDb::new(true).await;
    let addr = free_addr();
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("relay.log");
    let mut relay = start(&db, addr, &log);
    let until = Instant::now() + Duration::from_secs(30);
    while http(addr, "GET", "/healthz", "", "").await.map(|a| a.0) != Some(200) {
        assert!(Instant::now() < until, "the relay did not become healthy");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }

    // 2,000 display streams from another address (127.0.0.2), each request sent and the
    // connection held open, never read.
    // (Without caps the relay stops accepting and each connect waits: the flood stops after
    // 30 s so that the test fails, not hangs.)
    let mut held = Vec::new();
    let mut refused = 0;
    let flood_until = Instant::now() + Duration::from_secs(30);
    for _ in 0..STREAMS {
        if Instant::now() > flood_until {
            refused += 1;
            continue;
        }
        let socket = TcpSocket::new_v4().unwrap();
        socket.bind("127.0.0.2:0".parse().unwrap()).unwrap();
        match tokio::time::timeout(Duration::from_millis(500), socket.connect(addr)).await {
            Ok(Ok(mut s)) => {
                let req = format!(
                    "GET /api/offices/kokurakita/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
                );
                if s.write_all(req.as_bytes()).await.is_ok() {
                    held.push(s);
                } else {
                    refused += 1;
                }
            }
            _ => refused += 1,
        }
    }

    // Everyone else is still served, promptly.
    let started = Instant::now();
    let health = http(addr, "GET", "/healthz", "", "").await;
    assert_eq!(
        health.as_ref().map(|a| a.0),
        Some(200),
        "/healthz: {health:?}"
    );
    let ticket = http(
        addr,
        "POST",
        "/api/offices/kokurakita/tickets",
        "",
        r#"{"service_id": "jumin"}"#,
    )
    .await;
    assert_eq!(
        ticket.as_ref().map(|a| a.0),
        Some(201),
        "ticket: {ticket:?}"
    );
    let login = http(
        addr,
        "POST",
        "/api/auth/login",
        "",
        &format!(
            r#"{{"login": "admin", "password": "{}"}}"#,
            common::PASSWORD
        ),
    )
    .await
    .expect("login answered");
    assert_eq!(login.0, 200, "login: {}", login.2);
    let cookie = login
        .1
        .lines()
        .find_map(|l| l.strip_prefix("set-cookie: "))
        .and_then(|c| c.split(';').next())
        .expect("a session cookie")
        .to_owned();
    let call = http(addr, "POST", "/api/counters/1/call-next", &cookie, "{}").await;
    assert_eq!(call.as_ref().map(|a| a.0), Some(200), "call: {call:?}");
    assert!(
        started.elapsed() < Duration::from_secs(10),
        "answered, but slowly: {:?}",
        started.elapsed()
    );

    // What became of the 2,000: a few hundred streams at most; the rest closed at once or
    // refused with 429.
    let mut streaming = 0;
    let mut too_many = 0;
    for s in &mut held {
        let mut buf = [0u8; 64];
        if let Ok(Ok(n)) = tokio::time::timeout(Duration::from_millis(20), s.read(&mut buf)).await
            && n >= 12
        {
            match &buf[9..12] {
                b"200" => streaming += 1,
                b"429" => too_many += 1,
                _ => {}
            }
        }
    }
    assert!(streaming <= 256, "{streaming} streams from one address");
    assert!(streaming > 0, "streams are still served");
    drop(held);
    relay.kill().unwrap();
    relay.wait().unwrap();
    let log = std::fs::read_to_string(&log).unwrap();
    assert!(
        log.contains("open-file limit"),
        "the relay says what it may open: {log}"
    );
    assert!(
        !log.contains("Too many open files"),
        "the relay ran out of descriptors: {log}"
    );
    eprintln!("{streaming} streaming, {too_many} refused with 429, {refused} not connected");
}

//! A real relay on a port-0 socket: server-sent events with resume, shutdown, and restarts.

use std::net::SocketAddr;
use std::time::Duration;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
mod common;

use common::TestDb;
use mado_relay::{AppState, app};
use serde_json::Value;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tower::ServiceExt;

const LIMIT: Duration = Duration::from_secs(10);

async fn serve(state: AppState) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let shutdown = state.shutdown.clone();
    tokio::spawn(async move {
        axum::serve(listener, app(state))
            .with_graceful_shutdown(async move { shutdown.cancelled().await })
            .await
            .unwrap();
    });
    addr
}

async fn issue(state: &AppState, service: &str) -> Value {
    issue_at(state, "kokurakita", service).await
}

async fn issue_at(state: &AppState, office: &str, service: &str) -> Value {
    let req = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/offices/{office}/tickets"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from(format!(r#"{{"service_id":"{service}"}}"#)))
        .unwrap();
    let res = app(state.clone()).oneshot(req).await.unwrap();
    assert_eq!(res.status(), StatusCode::CREATED);
    let bytes = http_body_util::BodyExt::collect(res.into_body())
        .await
        .unwrap()
        .to_bytes();
    serde_json::from_slice(&bytes).unwrap()
}

/// Two relays on one new PostgreSQL database, the admin account made through the first;
/// `None` (and a line saying why) on SQLite, which has one relay per database. Keep the
/// `TestDb` alive.
/// Staff logged in on relay `state` call the next ticket at counter 1.
async fn call_next(state: &AppState) -> common::Answer {
    let staff = app(state.clone());
    let cookie = common::login(&staff).await;
    common::send(
        &staff,
        Method::POST,
        "/api/counters/1/call-next",
        Some(serde_json::json!({})),
        Some(&cookie),
    )
    .await
}

async fn two_relays() -> Option<(TestDb, AppState, AppState)> {
    let db = TestDb::new(true).await;
    if !db.is_postgres() {
        eprintln!("one relay per SQLite database: this test needs MADO_TEST_POSTGRES");
        return None;
    }
    let a = AppState::open(db.config()).await.unwrap();
    let b = AppState::open(db.config()).await.unwrap();
    common::open_all_day(&a).await;
    mado_relay::bootstrap_admin(&a.db, Some(common::PASSWORD))
        .await
        .unwrap();
    Some((db, a, b))
}

/// A minimal HTTP/1.1 event-stream reader: decodes the chunked body and yields events.
struct EventStream {
    reader: BufReader<TcpStream>,
    buffer: String,
}

#[derive(Debug)]
struct SseEvent {
    id: i64,
    data: Value,
}

impl EventStream {
    async fn open(addr: SocketAddr, path: &str, last_event_id: Option<i64>) -> Self {
        let mut stream = TcpStream::connect(addr).await.unwrap();
        let resume = last_event_id
            .map(|id| format!("Last-Event-ID: {id}\r\n"))
            .unwrap_or_default();
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n{resume}\r\n"
        );
        stream.write_all(request.as_bytes()).await.unwrap();
        let mut reader = BufReader::new(stream);
        let mut status = String::new();
        reader.read_line(&mut status).await.unwrap();
        assert!(status.starts_with("HTTP/1.1 200"), "{status}");
        loop {
            let mut line = String::new();
            reader.read_line(&mut line).await.unwrap();
            if line == "\r\n" {
                break;
            }
        }
        Self {
            reader,
            buffer: String::new(),
        }
    }

    /// The next chunk of the body, or `None` at the end of the stream.
    async fn chunk(&mut self) -> Option<String> {
        let mut size = String::new();
        if self.reader.read_line(&mut size).await.ok()? == 0 {
            return None;
        }
        let size = usize::from_str_radix(size.trim(), 16).ok()?;
        if size == 0 {
            return None;
        }
        let mut data = vec![0; size + 2];
        self.reader.read_exact(&mut data).await.ok()?;
        data.truncate(size);
        Some(String::from_utf8(data).unwrap())
    }

    /// The next queue event, skipping keep-alive comments; `None` when the stream ends.
    async fn next(&mut self) -> Option<SseEvent> {
        loop {
            if let Some(end) = self.buffer.find("\n\n") {
                let block: String = self.buffer.drain(..end + 2).collect();
                let mut id = None;
                let mut data = None;
                for line in block.lines() {
                    if let Some(v) = line.strip_prefix("id:") {
                        id = v.trim().parse().ok();
                    } else if let Some(v) = line.strip_prefix("data:") {
                        data = serde_json::from_str(v.trim()).ok();
                    }
                }
                if let (Some(id), Some(data)) = (id, data) {
                    return Some(SseEvent { id, data });
                }
                continue;
            }
            let chunk = self.chunk().await?;
            self.buffer.push_str(&chunk);
        }
    }

    async fn expect(&mut self) -> SseEvent {
        tokio::time::timeout(LIMIT, self.next())
            .await
            .expect("an event within the limit")
            .expect("stream is open")
    }
}

#[tokio::test]
async fn events_resume_after_last_event_id_then_continue_live() {
    let state = AppState::open(TestDb::new(false).await.config())
        .await
        .unwrap();
    common::open_all_day(&state).await;
    let addr = serve(state.clone()).await;
    for _ in 0..3 {
        issue(&state, "jumin").await;
    }
    let mut events = EventStream::open(addr, "/api/offices/kokurakita/events", Some(1)).await;
    let replayed = [events.expect().await, events.expect().await];
    assert_eq!(replayed.iter().map(|e| e.id).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(replayed[0].data["kind"], "issued");
    assert_eq!(replayed[1].data["ticket"]["number"]["seq"], 3);
    issue(&state, "kokuho").await;
    let live = events.expect().await;
    assert_eq!(live.id, 4);
    assert_eq!(live.data["ticket"]["number"]["prefix"], "B");
    assert_eq!(live.data["waiting"][0]["count"], 3);
}

/// Each event carries the waiting counts as they stand once it is committed: a call takes one
/// from its service, finishing the ticket before leaves them as they are.
#[tokio::test]
async fn call_events_carry_the_waiting_counts_after_them() {
    let db = TestDb::new(false).await;
    let state = AppState::open(db.config()).await.unwrap();
    mado_relay::bootstrap_admin(&state.db, Some(common::PASSWORD))
        .await
        .unwrap();
    common::open_all_day(&state).await;
    let addr = serve(state.clone()).await;
    let mut events = EventStream::open(addr, "/api/offices/kokurakita/events", None).await;
    for service in ["jumin", "jumin", "kokuho"] {
        issue(&state, service).await;
    }
    let waiting = |e: &SseEvent| -> Vec<i64> {
        e.data["waiting"]
            .as_array()
            .unwrap()
            .iter()
            .map(|w| w["count"].as_i64().unwrap())
            .collect()
    };
    let mut last = events.expect().await;
    for _ in 0..2 {
        last = events.expect().await;
    }
    assert_eq!(waiting(&last), [2, 1, 0, 0, 0]);
    assert_eq!(call_next(&state).await.status, StatusCode::OK);
    let called = events.expect().await;
    assert_eq!(called.data["kind"], "called");
    assert_eq!(waiting(&called), [1, 1, 0, 0, 0]);
    // The next call finishes A-001 (the counts stay) and calls A-002 (one fewer 住民).
    assert_eq!(call_next(&state).await.status, StatusCode::OK);
    let done = events.expect().await;
    assert_eq!(done.data["kind"], "done");
    assert_eq!(waiting(&done), [1, 1, 0, 0, 0]);
    let called = events.expect().await;
    assert_eq!(called.data["ticket"]["number"]["seq"], 2);
    assert_eq!(waiting(&called), [0, 1, 0, 0, 0]);
    // And the board, read afresh, agrees.
    let board = common::send(
        &app(state.clone()),
        Method::GET,
        "/api/offices/kokurakita/board",
        None,
        None,
    )
    .await;
    let counts: Vec<i64> = board.body["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["count"].as_i64().unwrap())
        .collect();
    assert_eq!(counts, waiting(&called));
}

#[tokio::test]
async fn the_query_parameter_resumes_too_and_no_id_means_live_only() {
    let state = AppState::open(TestDb::new(false).await.config())
        .await
        .unwrap();
    common::open_all_day(&state).await;
    let addr = serve(state.clone()).await;
    issue(&state, "jumin").await;
    issue(&state, "jumin").await;
    let mut resumed =
        EventStream::open(addr, "/api/offices/kokurakita/events?last_event_id=1", None).await;
    let mut live_only = EventStream::open(addr, "/api/offices/kokurakita/events", None).await;
    assert_eq!(resumed.expect().await.id, 2);
    issue(&state, "jumin").await;
    assert_eq!(resumed.expect().await.id, 3);
    assert_eq!(
        live_only.expect().await.id,
        3,
        "a fresh listener gets only what happens after it connects"
    );
}

#[tokio::test]
async fn shutdown_ends_open_event_streams() {
    let state = AppState::open(TestDb::new(false).await.config())
        .await
        .unwrap();
    let addr = serve(state.clone()).await;
    let mut events = EventStream::open(addr, "/api/offices/kokurakita/events", None).await;
    state.shutdown.cancel();
    let end = tokio::time::timeout(LIMIT, events.next())
        .await
        .expect("the stream ends within the limit");
    assert!(end.is_none(), "no event, just the end of the stream");
}

#[tokio::test]
async fn a_restart_keeps_ticket_numbering_and_event_ids() {
    let db = TestDb::new(true).await;
    let config = || db.config();
    let first = AppState::open(config()).await.unwrap();
    common::open_all_day(&first).await;
    issue(&first, "jumin").await;
    assert_eq!(issue(&first, "jumin").await["ticket"]["number"]["seq"], 2);
    first.db.close().await;
    drop(first);

    let second = AppState::open(config()).await.unwrap();
    let offices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offices")
        .fetch_one(&second.db)
        .await
        .unwrap();
    assert_eq!(
        offices, 1,
        "the demo office is loaded once, not again on restart"
    );
    assert_eq!(issue(&second, "jumin").await["ticket"]["number"]["seq"], 3);
    let addr = serve(second.clone()).await;
    let mut events = EventStream::open(addr, "/api/offices/kokurakita/events", Some(0)).await;
    let ids = [
        events.expect().await.id,
        events.expect().await.id,
        events.expect().await.id,
    ];
    assert_eq!(ids, [1, 2, 3]);
}

#[tokio::test]
async fn concurrent_kiosks_never_get_the_same_number() {
    let db = TestDb::new(true).await;
    let config = db.config();
    let state = AppState::open(config).await.unwrap();
    common::open_all_day(&state).await;
    let issues = (0..60).map(|_| {
        let state = state.clone();
        tokio::spawn(async move {
            issue(&state, "jumin").await["ticket"]["number"]["seq"]
                .as_u64()
                .unwrap()
        })
    });
    let mut seqs = Vec::new();
    for handle in issues {
        seqs.push(handle.await.unwrap());
    }
    seqs.sort_unstable();
    assert_eq!(
        seqs,
        (1..=60).collect::<Vec<u64>>(),
        "every number once, none skipped"
    );
}

/// Several relays on one PostgreSQL database: a ticket issued or called on one relay reaches
/// the displays connected to every relay, in one order, with no event missing (LISTEN/NOTIFY
/// behind, see `migrations/postgres/0007_event_notify.sql`). SQLite has one relay per
/// database, so this runs only when `MADO_TEST_POSTGRES` is set (as `cargo xtask test` does).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_call_on_one_relay_reaches_displays_on_another() {
    let Some((_db, a, b)) = two_relays().await else {
        return;
    };
    let (addr_a, addr_b) = (serve(a.clone()).await, serve(b.clone()).await);
    let mut on_a = EventStream::open(addr_a, "/api/offices/kokurakita/events", None).await;
    let mut on_b = EventStream::open(addr_b, "/api/offices/kokurakita/events", None).await;

    // Kiosks on both relays at once: every display sees all 20 tickets, in one order.
    let kiosks: Vec<_> = (0..20)
        .map(|i| {
            let state = if i % 2 == 0 { a.clone() } else { b.clone() };
            tokio::spawn(async move { issue(&state, "jumin").await })
        })
        .collect();
    for k in kiosks {
        k.await.unwrap();
    }
    let mut seen_a = Vec::new();
    let mut seen_b = Vec::new();
    for _ in 0..20 {
        seen_a.push(on_a.expect().await.id);
        seen_b.push(on_b.expect().await.id);
    }
    assert_eq!(seen_a, seen_b, "both relays' displays see the same order");
    assert!(seen_a.windows(2).all(|w| w[1] == w[0] + 1), "{seen_a:?}");

    // Staff call on relay A; the display on relay B shows it.
    let called = call_next(&a).await;
    assert_eq!(called.status, StatusCode::OK, "{}", called.body);
    let event = on_b.expect().await;
    assert_eq!(event.data["kind"], "called");
    assert_eq!(event.data["ticket"]["number"]["seq"], 1);
    assert_eq!(event.id, seen_a[19] + 1);
}

/// PostgreSQL: an event travels in its notification when it fits; a larger one (an office
/// with very many services) is only named there and read back from the table, and the events
/// after it travel in their notifications again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_event_too_large_for_its_notification_still_reaches_displays() {
    let Some((_db, a, b)) = two_relays().await else {
        return;
    };
    let mut display = EventStream::open(
        serve(b.clone()).await,
        "/api/offices/kokurakita/events",
        None,
    )
    .await;
    issue(&a, "jumin").await;
    let first = display.expect().await;
    assert_eq!(first.data["ticket"]["number"]["seq"], 1);

    let mut large: Value = serde_json::from_str(
        &sqlx::query_scalar::<_, String>("SELECT payload FROM events WHERE id = $1")
            .bind(first.id)
            .fetch_one(&a.db)
            .await
            .unwrap(),
    )
    .unwrap();
    large["waiting"] = (0..400)
        .map(|i| serde_json::json!({"service_id": format!("service-{i:03}"), "count": i}))
        .collect();
    let large = large.to_string();
    assert!(large.len() > 8000, "{} bytes", large.len());
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO events (office_id, at_ms, payload) VALUES ('kokurakita', 0, $1) RETURNING id",
    )
    .bind(&large)
    .fetch_one(&a.db)
    .await
    .unwrap();
    let event = display.expect().await;
    assert_eq!(event.id, id);
    assert_eq!(event.data["waiting"].as_array().unwrap().len(), 400);
    assert_eq!(event.data["waiting"][399]["service_id"], "service-399");

    issue(&a, "jumin").await;
    let next = display.expect().await;
    assert!(next.id > id, "{} > {id}", next.id);
    assert_eq!(next.data["ticket"]["number"]["seq"], 2);
}

/// PostgreSQL: a relay reads its clock before it waits for the office's queue lock, so
/// another relay may take the lock first and issue a ticket stamped later. Walk-ins are called
/// by issue time, so the ticket numbered second is stamped no earlier than the first, and the
/// first is called first.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_ticket_numbered_after_another_is_never_stamped_before_it() {
    let Some((_db, a, b)) = two_relays().await else {
        return;
    };
    // Relay B's place: it holds the queue lock while relay A's kiosk waits for it.
    let lock = mado_relay::Writes::Queue("kokurakita").key();
    let mut held = b.db.begin().await.unwrap();
    sqlx::query("SELECT pg_advisory_xact_lock($1)")
        .bind(lock)
        .execute(&mut *held)
        .await
        .unwrap();
    let kiosk_a = tokio::spawn({
        let a = a.clone();
        async move { issue(&a, "jumin").await }
    });
    tokio::time::timeout(LIMIT, async {
        loop {
            let waiting: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted",
            )
            .fetch_one(&b.db)
            .await
            .unwrap();
            if waiting == 1 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .expect("relay A waits for the queue lock");
    // Relay B issues its ticket a little later by the clock, and first by the lock.
    tokio::time::sleep(Duration::from_millis(20)).await;
    let later = mado_relay::now_ms();
    sqlx::query(
        "INSERT INTO tickets (office_id, service_id, prefix, day, seq, status, issued_at_ms) SELECT office_id, id, prefix, $1, 1, 'waiting', $2 FROM services WHERE office_id = 'kokurakita' AND id = 'jumin'",
    )
    .bind(mado_relay::local_day(later))
    .bind(later)
    .execute(&mut *held)
    .await
    .unwrap();
    held.commit().await.unwrap();

    let second = tokio::time::timeout(LIMIT, kiosk_a).await.unwrap().unwrap();
    assert_eq!(second["ticket"]["number"]["seq"], 2);
    let stamped = second["ticket"]["issued_at_ms"].as_i64().unwrap();
    assert!(
        stamped >= later,
        "numbered second, stamped {stamped} before {later}"
    );

    let called = call_next(&a).await;
    assert_eq!(called.status, StatusCode::OK, "{}", called.body);
    assert_eq!(called.body["called"]["number"]["seq"], 1, "{}", called.body);
}

/// PostgreSQL: two offices' queues are written side by side (each office's writers wait only
/// for each other), so one office's event may commit after a higher-numbered event of another
/// office; every relay still sends it to that office's displays.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offices_write_side_by_side_and_a_late_commit_still_reaches_displays() {
    let Some((_db, a, b)) = two_relays().await else {
        return;
    };
    // A second office, 門司区役所, with the demo office's services.
    let admin = app(a.clone());
    let cookie = common::login(&admin).await;
    let mut moji = common::send(
        &admin,
        Method::GET,
        "/api/offices/kokurakita/settings",
        None,
        Some(&cookie),
    )
    .await
    .body;
    moji["id"] = "moji".into();
    moji["name"] = "門司区役所".into();
    for c in moji["counters"].as_array_mut().unwrap() {
        c["id"] = Value::Null;
    }
    let created = common::send(
        &admin,
        Method::POST,
        "/api/offices",
        Some(moji),
        Some(&cookie),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);

    let addr_b = serve(b.clone()).await;
    let mut kokura_display =
        EventStream::open(addr_b, "/api/offices/kokurakita/events", None).await;
    let mut moji_display = EventStream::open(addr_b, "/api/offices/moji/events", None).await;
    issue(&a, "jumin").await;
    let first = kokura_display.expect().await;

    // A 小倉北 queue write holds its office's lock and has numbered its event (a copy of the
    // first), not yet committed.
    let key = mado_relay::Writes::Queue("kokurakita").key();
    let mut held =
        a.db.begin_with(mado_relay::Dialect::begin_locked(&[key]))
            .await
            .unwrap();
    let payload: String = sqlx::query_scalar("SELECT payload FROM events WHERE id = $1")
        .bind(first.id)
        .fetch_one(&mut *held)
        .await
        .unwrap();
    let late: i64 = sqlx::query_scalar(
        "INSERT INTO events (office_id, at_ms, payload) VALUES ('kokurakita', 0, $1) RETURNING id",
    )
    .bind(payload)
    .fetch_one(&mut *held)
    .await
    .unwrap();

    // 門司 is not held up: its ticket is issued and shown, with a higher event id.
    tokio::time::timeout(LIMIT, issue_at(&a, "moji", "jumin"))
        .await
        .expect("an office's ticket does not wait for another office's queue");
    let shown = moji_display.expect().await;
    assert!(shown.id > late, "{} > {late}", shown.id);
    // A 小倉北 kiosk waits for the write before it.
    let waiting = tokio::spawn({
        let a = a.clone();
        async move { issue(&a, "jumin").await }
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert!(
        !waiting.is_finished(),
        "one office's queue writers go one at a time"
    );

    held.commit().await.unwrap();
    // The late commit reaches 小倉北's display, though 門司's later-numbered event came first.
    let event = kokura_display.expect().await;
    assert_eq!(event.id, late);
    assert_eq!(event.data["kind"], "issued");
    // Then the kiosk that waited gets its ticket, next in 小倉北's order.
    let ticket = waiting.await.unwrap();
    let next = kokura_display.expect().await;
    assert!(next.id > shown.id, "{} > {}", next.id, shown.id);
    assert_eq!(next.data["ticket"]["id"], ticket["ticket"]["id"]);
}

/// Several relays on PostgreSQL: once a kiosk is paired through one relay, another relay
/// (which had let anonymous kiosks issue tickets) refuses them too.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_kiosk_paired_on_one_relay_closes_anonymous_tickets_on_another() {
    let Some((_db, a, b)) = two_relays().await else {
        return;
    };
    let (on_a, on_b) = (app(a.clone()), app(b.clone()));
    let ticket = || common::walk_in(&on_b, "jumin");
    assert_eq!(ticket().await.status, StatusCode::CREATED);
    let admin = common::login(&on_a).await;
    let created = common::send(
        &on_a,
        Method::POST,
        "/api/offices/kokurakita/devices",
        Some(serde_json::json!({"kind": "kiosk", "label": "ロビー 発券機"})),
        Some(&admin),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let pair = common::send(
        &on_a,
        Method::POST,
        "/api/devices/pair",
        Some(serde_json::json!({"code": created.body["code"]})),
        None,
    )
    .await;
    assert_eq!(pair.status, StatusCode::OK, "{}", pair.body);
    let deadline = tokio::time::Instant::now() + LIMIT;
    loop {
        let refused = ticket().await;
        if refused.status == StatusCode::UNAUTHORIZED {
            assert_eq!(refused.body["error"]["code"], "device_required");
            break;
        }
        assert_eq!(refused.status, StatusCode::CREATED);
        assert!(
            tokio::time::Instant::now() < deadline,
            "relay B still takes anonymous tickets"
        );
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Several relays on PostgreSQL: offices created at the same time through different relays
/// all get their counters, with ids unique across offices.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn offices_created_at_once_on_two_relays_get_distinct_counter_ids() {
    let Some((_db, a, b)) = two_relays().await else {
        return;
    };
    let (on_a, on_b) = (app(a.clone()), app(b.clone()));
    let cookie = common::login(&on_a).await;
    let template = common::send(
        &on_a,
        Method::GET,
        "/api/offices/kokurakita/settings",
        None,
        Some(&cookie),
    )
    .await
    .body;
    let creations: Vec<_> = (0..6)
        .map(|i| {
            let relay = if i % 2 == 0 {
                on_a.clone()
            } else {
                on_b.clone()
            };
            let cookie = cookie.clone();
            let mut office = template.clone();
            office["id"] = format!("branch{i}").into();
            office["name"] = format!("出張所{i}").into();
            for c in office["counters"].as_array_mut().unwrap() {
                c["id"] = Value::Null;
            }
            tokio::spawn(async move {
                common::send(
                    &relay,
                    Method::POST,
                    "/api/offices",
                    Some(office),
                    Some(&cookie),
                )
                .await
            })
        })
        .collect();
    let mut ids = Vec::new();
    for c in creations {
        let created = c.await.unwrap();
        assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
        for counter in created.body["counters"].as_array().unwrap() {
            ids.push(counter["id"].as_i64().unwrap());
        }
    }
    let total = ids.len();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), total, "counter ids are unique: {ids:?}");
}

/// Several relays on PostgreSQL: settings saved through one relay are what every relay serves
/// next, though each keeps offices in memory (`NOTIFY mado_config`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn settings_saved_on_one_relay_are_served_by_another() {
    let Some((_db, a, b)) = two_relays().await else {
        return;
    };
    let (on_a, on_b) = (app(a.clone()), app(b.clone()));
    // Relay B has the office in memory.
    let before = common::get(&on_b, "/api/offices/kokurakita").await;
    assert_eq!(before.body["name"], "小倉北区役所");

    let cookie = common::login(&on_a).await;
    let mut s = common::send(
        &on_a,
        Method::GET,
        "/api/offices/kokurakita/settings",
        None,
        Some(&cookie),
    )
    .await
    .body;
    s["name"] = serde_json::json!("小倉北区役所（仮庁舎）");
    let saved = common::send(
        &on_a,
        Method::PUT,
        "/api/offices/kokurakita/settings",
        Some(s),
        Some(&cookie),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    loop {
        let now = common::get(&on_b, "/api/offices/kokurakita").await;
        if now.body["name"] == "小倉北区役所（仮庁舎）" {
            break;
        }
        assert!(
            std::time::Instant::now() < deadline,
            "relay B still serves {}",
            now.body["name"]
        );
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
}

//! A clock that steps back (a time sync, a restart on a machine whose time is behind) never
//! puts a ticket before one issued earlier: the line is the order of issue, on both engines
//! (`store/tickets.rs`, `number`: one statement for walk-ins and check-ins alike).
//! A file of its own: the relay's clock is one per process.

mod common;
use common::*;

use axum::http::StatusCode;
use mado_relay::{AppState, app, bootstrap_admin};

async fn relay_at(db: &TestDb, clock: &str) -> (axum::Router, AppState) {
    let mut config = db.config();
    config.clock = Some(clock.to_owned());
    let state = AppState::open(config).await.expect("state opens");
    bootstrap_admin(&state.db, Some(PASSWORD))
        .await
        .expect("admin created");
    open_all_day(&state).await;
    (app(state.clone()), state)
}

#[tokio::test]
async fn a_ticket_issued_after_the_clock_steps_back_still_joins_the_end_of_the_line() {
    let db = TestDb::new(true).await;
    let (first_app, _first) = relay_at(&db, "2027-03-01T10:00:00+09:00").await;
    let a = walk_in(&first_app, "jumin").await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    // The relay comes back a minute behind.
    let (app, state) = relay_at(&db, "2027-03-01T09:59:00+09:00").await;
    let b = walk_in(&app, "jumin").await;
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.body);
    let at = |t: &Answer| t.body["ticket"]["issued_at_ms"].as_i64().unwrap();
    let seq = |t: &Answer| t.body["ticket"]["number"]["seq"].as_u64().unwrap();
    assert!(at(&b) >= at(&a), "{} issued before {}", at(&b), at(&a));
    assert_eq!(seq(&b), seq(&a) + 1);
    assert_eq!(b.body["ahead"], 1, "{}", b.body);
    // The first counter to call takes the first ticket issued: the earlier in line.
    let cookie = login(&app).await;
    let called = send(
        &app,
        axum::http::Method::POST,
        "/api/counters/1/call-next",
        Some(serde_json::json!({})),
        Some(&cookie),
    )
    .await;
    assert_eq!(called.status, StatusCode::OK, "{}", called.body);
    assert_eq!(
        called.body["called"]["id"], a.body["ticket"]["id"],
        "{}",
        called.body
    );
    drop(state);
}

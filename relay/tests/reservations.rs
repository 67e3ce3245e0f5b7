//! Reservations through the HTTP API: free slots from the office calendar, booking with an
//! idempotency key, the holder's token (see, cancel, reschedule, .ics), refusals that name
//! what was wrong, and no double booking with 200 concurrent requests for the last place.

use axum::http::{Method, Request, StatusCode, header};
use mado_civil::Date;
use mado_relay::{AppState, app, local_day};
use mado_wire::calendar::OfficeCalendar;
use serde_json::{Value, json};

mod common;
use common::*;

async fn slots(app: &axum::Router, day: &str) -> Vec<Value> {
    let a = get(
        app,
        &format!("/api/offices/kokurakita/services/jumin/slots?from={day}&days=1"),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.body.as_array().unwrap().clone()
}

fn free_at(list: &[Value], start: &str) -> u64 {
    list.iter()
        .find(|s| s["start"] == start)
        .map(|s| s["free"].as_u64().unwrap())
        .unwrap_or_else(|| panic!("no slot at {start}"))
}

async fn book(app: &axum::Router, day: &str, start: &str, key: Option<&str>) -> Answer {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/offices/kokurakita/reservations")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    let body = json!({"service": "jumin", "day": day, "start": start, "phone": "090-1234-5678", "birth_date": "1985-04-01"});
    send_raw(app, req.body(body.to_string().into()).unwrap()).await
}

#[tokio::test]
async fn slots_follow_the_office_calendar() {
    let (app, _) = test_app().await;
    let day = open_day();
    let list = slots(&app, &day).await;
    assert_eq!(list.len(), 17, "8:30–17:15 in 30-minute slots");
    assert_eq!(list[0]["start"], "08:30");
    assert_eq!(list[16]["end"], "17:00");
    assert!(list.iter().all(|s| s["free"] == 2));
    // A Sunday has none.
    let sunday = {
        let mut d = Date::parse_iso(&day).unwrap();
        while d.weekday() != mado_wire::calendar::Weekday::Sun {
            d = d.add_days(1);
        }
        d.to_string()
    };
    assert!(slots(&app, &sunday).await.is_empty());
    let a = get(
        &app,
        "/api/offices/kokurakita/services/jumin/slots?days=400",
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_query");
    let a = get(&app, "/api/offices/kokurakita/services/nope/slots").await;
    assert_error(&a, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_booking_gives_a_token_that_shows_moves_and_cancels_it() {
    let (app, _) = test_app().await;
    let day = open_day();
    let a = book(&app, &day, "10:00", None).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let token = a.body["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 64);
    let code = a.body["reservation"]["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 6);
    assert_eq!(a.body["reservation"]["end"], "10:30");
    assert_eq!(free_at(&slots(&app, &day).await, "10:00"), 1);

    let got = get(&app, &format!("/api/reservations/{token}")).await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body, a.body["reservation"]);
    // The phone number is not given back.
    assert!(got.body.get("phone").is_none());

    let ics = get(&app, &format!("/api/reservations/{token}/ics")).await;
    assert_eq!(
        ics.headers[header::CONTENT_TYPE],
        "text/calendar; charset=utf-8"
    );
    let text = ics.body.as_str().unwrap();
    let compact = day.replace('-', "");
    assert!(text.contains(&format!("DTSTART;TZID=Asia/Tokyo:{compact}T100000\r\n")));
    assert!(text.contains(&code));

    let moved = send(
        &app,
        Method::POST,
        &format!("/api/reservations/{token}/reschedule"),
        Some(json!({"day": day, "start": "14:00"})),
        None,
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    assert_eq!(moved.body["start"], "14:00");
    let list = slots(&app, &day).await;
    assert_eq!((free_at(&list, "10:00"), free_at(&list, "14:00")), (2, 1));

    let cancelled = send(
        &app,
        Method::DELETE,
        &format!("/api/reservations/{token}"),
        None,
        None,
    )
    .await;
    assert_eq!(cancelled.body["status"], "cancelled");
    assert_eq!(free_at(&slots(&app, &day).await, "14:00"), 2);
    // Cancelling again changes nothing.
    let again = send(
        &app,
        Method::DELETE,
        &format!("/api/reservations/{token}"),
        None,
        None,
    )
    .await;
    assert_eq!(
        (again.status, &again.body["status"]),
        (StatusCode::OK, &json!("cancelled"))
    );
    assert_eq!(free_at(&slots(&app, &day).await, "14:00"), 2);

    let unknown = get(&app, &format!("/api/reservations/{}", "0".repeat(64))).await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_retried_booking_returns_the_same_token_and_takes_one_place() {
    let (app, _) = test_app().await;
    let day = open_day();
    let first = book(&app, &day, "09:00", Some("retry-1")).await;
    let second = book(&app, &day, "09:00", Some("retry-1")).await;
    assert_eq!(
        (first.status, second.status),
        (StatusCode::CREATED, StatusCode::OK)
    );
    assert_eq!(first.body, second.body);
    assert_eq!(free_at(&slots(&app, &day).await, "09:00"), 1);
}

#[tokio::test]
async fn a_full_slot_says_so_and_offers_others() {
    let (app, _) = test_app().await;
    let day = open_day();
    for _ in 0..2 {
        assert_eq!(
            book(&app, &day, "11:00", None).await.status,
            StatusCode::CREATED
        );
    }
    let a = book(&app, &day, "11:00", None).await;
    assert_error(&a, StatusCode::CONFLICT, "slot_full");
    let alternatives = a.body["error"]["alternatives"].as_array().unwrap();
    assert!(!alternatives.is_empty());
    assert!(
        alternatives
            .iter()
            .all(|s| s["free"].as_u64().unwrap() > 0 && s["start"] != "11:00")
    );
    // Moving another booking onto the full slot is refused the same way, and keeps it.
    let other = book(&app, &day, "15:00", None).await;
    let token = other.body["token"].as_str().unwrap();
    let moved = send(
        &app,
        Method::POST,
        &format!("/api/reservations/{token}/reschedule"),
        Some(json!({"day": day, "start": "11:00"})),
        None,
    )
    .await;
    assert_error(&moved, StatusCode::CONFLICT, "slot_full");
    assert_eq!(free_at(&slots(&app, &day).await, "15:00"), 1);
}

#[tokio::test]
async fn bad_bookings_are_refused_with_what_was_expected_and_nothing_is_taken() {
    let (app, _) = test_app().await;
    let day = open_day();
    let post = |body: Value| {
        let app = app.clone();
        async move {
            send(
                &app,
                Method::POST,
                "/api/offices/kokurakita/reservations",
                Some(body),
                None,
            )
            .await
        }
    };
    let cases = [
        (
            json!({"service": "jumin", "day": "2026/12/01", "start": "10:00"}),
            "invalid_body",
        ),
        (
            json!({"service": "jumin", "day": day, "start": "10"}),
            "invalid_body",
        ),
        (
            json!({"service": "jumin", "day": day, "start": "10:15"}),
            "no_such_slot",
        ),
        (
            json!({"service": "jumin", "day": day, "start": "17:00"}),
            "no_such_slot",
        ),
        (
            json!({"service": "nope", "day": day, "start": "10:00"}),
            "unknown_service",
        ),
        (
            json!({"service": "jumin", "day": day, "start": "10:00", "phone": "12", "birth_date": "1985-04-01"}),
            "invalid_body",
        ),
        (
            json!({"service": "jumin", "day": day, "start": "10:00", "phone": "090-1234-5678"}),
            "invalid_body",
        ),
        (
            json!({"service": "jumin", "day": day, "start": "10:00", "name": "山田"}),
            "invalid_body",
        ),
        (
            json!({"service": "jumin", "day": "2020-01-06", "start": "10:00"}),
            "not_bookable",
        ),
    ];
    for (body, code) in cases {
        let a = post(body.clone()).await;
        assert_error(&a, StatusCode::BAD_REQUEST, code);
        assert!(
            !a.body["error"]["message"]
                .as_str()
                .unwrap()
                .contains("山田"),
            "{body}"
        );
    }
    assert!(slots(&app, &day).await.iter().all(|s| s["free"] == 2));
}

/// 200 bookings at once for the last place of a slot, against a SQLite file (or PostgreSQL): exactly one
/// succeeds; every other one is told the slot is full, with alternatives.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_bookings_of_the_last_place_book_it_once() {
    let db = TestDb::new(true).await;
    let state = AppState::open(db.config()).await.unwrap();
    let app = app(state.clone());
    let day = open_day();
    assert_eq!(
        book(&app, &day, "13:00", None).await.status,
        StatusCode::CREATED
    );
    let tasks: Vec<_> = (0..200)
        .map(|i| {
            let app = app.clone();
            let day = day.clone();
            tokio::spawn(async move { book(&app, &day, "13:00", Some(&format!("k{i}"))).await })
        })
        .collect();
    let mut created = 0;
    let mut full = 0;
    for t in tasks {
        let a = t.await.unwrap();
        match a.status {
            StatusCode::CREATED => created += 1,
            StatusCode::CONFLICT => {
                assert_eq!(a.body["error"]["code"], "slot_full");
                assert!(
                    !a.body["error"]["alternatives"]
                        .as_array()
                        .unwrap()
                        .is_empty()
                );
                full += 1;
            }
            other => panic!("unexpected {other}: {}", a.body),
        }
    }
    assert_eq!((created, full), (1, 199));
    assert_eq!(free_at(&slots(&app, &day).await, "13:00"), 0);
    let booked: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM reservations WHERE day = $1 AND start_min = 780 AND status = 'booked'",
    )
    .bind(&day)
    .fetch_one(&state.db)
    .await
    .unwrap();
    assert_eq!(booked, 2);
}

#[tokio::test]
async fn check_in_by_code_token_or_phone_gives_a_ticket_once() {
    let (app, state) = test_app().await;
    let (token, code) = booked_today(&state, 0, None).await;
    let check = |body: Value| {
        let app = app.clone();
        async move {
            send(
                &app,
                Method::POST,
                "/api/offices/kokurakita/check-in",
                Some(body),
                None,
            )
            .await
        }
    };
    let a = check(json!({"code": code.to_lowercase()})).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert!(a.body["ticket"]["slot_start_ms"].is_i64());
    let again = check(json!({"token": token})).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["ticket"]["id"], a.body["ticket"]["id"]);
    let got = get(&app, &format!("/api/reservations/{token}")).await;
    assert_eq!(got.body["status"], "checked_in");

    // By phone number and birth date: the relay matches a keyed hash of the two.
    let day = open_day();
    let b = book(&app, &day, "10:00", None).await;
    assert_eq!(b.status, StatusCode::CREATED);
    let stored: Option<String> =
        sqlx::query_scalar("SELECT checkin_hash FROM reservations WHERE code = $1")
            .bind(b.body["reservation"]["code"].as_str().unwrap())
            .fetch_one(&state.db)
            .await
            .unwrap();
    let stored = stored.expect("a check-in hash is kept");
    assert_eq!(stored.len(), 64);
    assert!(stored.bytes().all(|b| b.is_ascii_hexdigit()));
    // Neither the phone number nor the birth date is a column of the table.
    let columns: Vec<String> = sqlx::query_scalar(match state.dialect {
        mado_relay::Dialect::Sqlite => "SELECT name FROM pragma_table_info('reservations')",
        mado_relay::Dialect::Postgres => {
            "SELECT column_name::text FROM information_schema.columns WHERE table_name = 'reservations'"
        }
    })
    .fetch_all(&state.db)
    .await
    .unwrap();
    assert!(
        !columns
            .iter()
            .any(|c| c.contains("phone") || c.contains("birth")),
        "{columns:?}"
    );
    let (_, _) = booked_today(&state, 60, Some(&stored)).await;
    let by_phone = check(json!({"phone": "09012345678", "birth_date": "1985-04-01"})).await;
    assert_eq!(by_phone.status, StatusCode::CREATED, "{}", by_phone.body);

    for (body, status, code) in [
        (
            json!({"code": "NOSUCH"}),
            StatusCode::NOT_FOUND,
            "not_found",
        ),
        (json!({}), StatusCode::BAD_REQUEST, "invalid_body"),
        (
            json!({"code": "X", "token": "Y"}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
        (
            json!({"phone": "09012345678"}),
            StatusCode::BAD_REQUEST,
            "invalid_body",
        ),
    ] {
        assert_error(&check(body).await, status, code);
    }
    // A booking for another day is not checked in today.
    let future = check(json!({"code": b.body["reservation"]["code"]})).await;
    assert_error(&future, StatusCode::CONFLICT, "conflict");
}

#[tokio::test]
async fn a_due_reservation_is_called_before_walk_ins_and_walk_ins_still_move() {
    let (app, state) = test_app().await;
    let cookie = login(&app).await;
    let walk = |n: usize| {
        let app = app.clone();
        async move {
            let mut out = Vec::new();
            for _ in 0..n {
                let a = walk_in(&app, "jumin").await;
                out.push(a.body["ticket"]["id"].as_i64().unwrap());
            }
            out
        }
    };
    let walk_ins = walk(2).await;
    // Three reservations whose slots start about now (due, not late).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let minute = ((now + 9 * 3_600_000).rem_euclid(86_400_000) / 60_000).max(2);
    let mut reserved = Vec::new();
    for start in [minute - 2, minute - 1, minute + 2] {
        let (_, code) = booked_today(&state, start, None).await;
        let a = send(
            &app,
            Method::POST,
            "/api/offices/kokurakita/check-in",
            Some(json!({"code": code})),
            None,
        )
        .await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
        reserved.push(a.body["ticket"]["id"].as_i64().unwrap());
    }
    let mut order = Vec::new();
    for _ in 0..5 {
        let a = send(
            &app,
            Method::POST,
            "/api/counters/1/call-next",
            Some(json!({})),
            Some(&cookie),
        )
        .await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        order.push(a.body["called"]["id"].as_i64().unwrap());
    }
    // Two reservations, then a walk-in's turn, then the last reservation, then the other walk-in.
    assert_eq!(
        order,
        [
            reserved[0],
            reserved[1],
            walk_ins[0],
            reserved[2],
            walk_ins[1]
        ]
    );
}

#[tokio::test]
async fn a_walk_in_facing_a_long_wait_is_offered_the_next_free_slot() {
    let (app, _) = test_app().await;
    let mut last = Value::Null;
    // おくやみコーナー: 30 minutes each, one counter.
    for _ in 0..3 {
        let a = walk_in(&app, "okuyami").await;
        assert_eq!(a.status, StatusCode::CREATED);
        last = a.body;
    }
    assert_eq!(last["estimated_wait_minutes"], 60);
    let slot = last["next_free_slot"].clone();
    assert_eq!(slot["service"], "okuyami");
    let free = slot["free"].as_u64().unwrap();
    assert!(free > 0, "{last}");
    // The offer is reused for a moment, but a booking here shows at once: the next walk-in
    // is offered the same slot with one place less, or the next one once it is full.
    let booked = send(
        &app,
        Method::POST,
        "/api/offices/kokurakita/reservations",
        Some(json!({"service": "okuyami", "day": slot["day"], "start": slot["start"]})),
        None,
    )
    .await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    let next = walk_in(&app, "okuyami").await;
    let offered = &next.body["next_free_slot"];
    if free > 1 {
        assert_eq!(
            (&offered["day"], &offered["start"]),
            (&slot["day"], &slot["start"])
        );
        assert_eq!(offered["free"].as_u64(), Some(free - 1), "{}", next.body);
    } else {
        assert_ne!(
            (&offered["day"], &offered["start"]),
            (&slot["day"], &slot["start"])
        );
    }
    // A short wait offers nothing.
    let short = walk_in(&app, "jumin").await;
    assert!(short.body.get("next_free_slot").is_none(), "{}", short.body);
}

/// Issue 17 item 11: without `days`, the listing covers the service's whole booking window
/// (60 days for the demo office), not a fixed fortnight; `days` goes up to a year.
#[tokio::test]
async fn slots_without_days_cover_the_whole_booking_window() {
    let (app, _) = test_app().await;
    let a = get(&app, "/api/offices/kokurakita/services/jumin/slots").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let list = a.body.as_array().unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let today = Date::parse_iso(&local_day(now)).unwrap();
    let last = Date::parse_iso(list.last().unwrap()["day"].as_str().unwrap()).unwrap();
    // The last open weekday within 60 days (the demo rule) is listed, nothing after it.
    let cal = OfficeCalendar::weekdays(510, 1035);
    let mut want = today.add_days(60);
    while cal.windows(want).unwrap().0.is_empty() {
        want = want.add_days(-1);
    }
    assert_eq!(last, want);
    assert!(list.len() > 14 * 10, "{} slots", list.len());
    let too_many = get(
        &app,
        "/api/offices/kokurakita/services/jumin/slots?days=367",
    )
    .await;
    assert_error(&too_many, StatusCode::BAD_REQUEST, "invalid_query");
}

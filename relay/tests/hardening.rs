//! The relay under abuse (issue 21): what an independent fault-and-security run found, each
//! point a test that failed before its fix. On SQLite by default and on PostgreSQL when
//! `MADO_TEST_POSTGRES` is set (`cargo xtask test` runs both).

mod common;

use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use common::{Answer, assert_error, login, send, send_raw, test_app};
use serde_json::{Value, json};

/// Item 1: an undecodable office in a kiosk route (`%ff` is not UTF-8) is the client's error
/// (400 `invalid_path`), not the relay's (it was 500: the kiosk check turned the path
/// rejection into an internal error).
#[tokio::test]
async fn an_undecodable_path_is_a_400_on_every_kiosk_route() {
    let (app, _state) = test_app().await;
    for uri in [
        "/api/offices/%ff/tickets",
        "/api/offices/%ff/check-in",
        "/api/offices/%c3%28/tickets",
    ] {
        let a = send(
            &app,
            Method::POST,
            uri,
            Some(json!({"service_id": "jumin"})),
            None,
        )
        .await;
        assert_error(&a, StatusCode::BAD_REQUEST, "invalid_path");
    }
    let a = send(&app, Method::GET, "/api/offices/%ff", None, None).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_path");
}

/// Item 2: a NUL character in a path, a query or any string of a JSON body is refused with a
/// 400 that says where, before anything reaches the database (PostgreSQL answered 500
/// "invalid byte sequence for encoding UTF8").
#[tokio::test]
async fn a_nul_anywhere_in_a_request_is_a_400_that_says_where() {
    let (app, _state) = test_app().await;
    for uri in [
        "/api/offices/%00",
        "/api/offices/kokurakita/services/jumin%00/slots",
    ] {
        let a = send(&app, Method::GET, uri, None, None).await;
        assert_error(&a, StatusCode::BAD_REQUEST, "invalid_path");
    }
    let a = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/services/jumin/slots?from=2026-12-07%00",
        None,
        None,
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_query");

    let a = send(
        &app,
        Method::POST,
        "/api/auth/login",
        Some(json!({"login": "\u{0}", "password": "x"})),
        None,
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_body");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("$.login"),
        "{}",
        a.body
    );

    let admin = login(&app).await;
    let a = send(
        &app,
        Method::POST,
        "/api/offices/kokurakita/devices",
        Some(json!({"kind": "kiosk", "label": "ロビー\u{0}発券機"})),
        Some(&admin),
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_body");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("$.label"),
        "{}",
        a.body
    );

    // Deep in a pre-application's answers, and in a key.
    let a = send(
        &app,
        Method::POST,
        "/api/offices/kokurakita/submissions",
        Some(json!({"pack": "okuyami", "answers": {"name\u{0}": "x"}})),
        None,
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_body");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("a key in $.answers"),
        "{}",
        a.body
    );
}

/// `POST /api/offices/kokurakita/tickets` with `body`, as an open kiosk.
async fn ticket(app: &axum::Router, body: serde_json::Value) -> common::Answer {
    send(
        app,
        Method::POST,
        "/api/offices/kokurakita/tickets",
        Some(body),
        None,
    )
    .await
}

/// Item 4: where an object is expected an array is refused, not read field by field
/// (`["jumin"]` issued a ticket; `["admin"]` renamed a staff account).
#[tokio::test]
async fn an_array_is_not_an_object() {
    let (app, _state) = test_app().await;
    let a = ticket(&app, json!(["jumin"])).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_body");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("must be a JSON object"),
        "{}",
        a.body
    );
    let admin = login(&app).await;
    let list = send(&app, Method::GET, "/api/staff", None, Some(&admin)).await;
    let id = list.body[0]["id"].as_i64().expect("an account id");
    let a = send(
        &app,
        Method::PUT,
        &format!("/api/staff/{id}"),
        Some(json!(["admin"])),
        Some(&admin),
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_body");
    for body in [json!("jumin"), json!(1), json!(null), json!(true)] {
        let a = ticket(&app, body).await;
        assert_error(&a, StatusCode::BAD_REQUEST, "invalid_body");
    }
    // An object still reads, and a wrong field still says which.
    let a = ticket(&app, json!({"service_id": 5})).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_body");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("service_id"),
        "{}",
        a.body
    );
    let a = ticket(&app, json!({"service_id": "jumin"})).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
}

/// Item 6: no API answer may be stored by a browser or proxy — a pre-application, the inbox,
/// a booking — and errors neither; event streams keep `no-cache`.
#[tokio::test]
async fn api_answers_carry_no_store() {
    let (app, _state) = test_app().await;
    let admin = login(&app).await;
    for (uri, cookie) in [
        ("/api/offices/kokurakita/submissions", Some(admin.as_str())),
        (
            "/api/offices/kokurakita/submissions/1",
            Some(admin.as_str()),
        ),
        ("/api/staff", Some(admin.as_str())),
        ("/api/offices/kokurakita", None),
        ("/api/no-such-route", None),
    ] {
        let a = send(&app, Method::GET, uri, None, cookie).await;
        assert_eq!(
            a.headers.get("cache-control").and_then(|v| v.to_str().ok()),
            Some("no-store"),
            "{uri}: {}",
            a.status
        );
    }
}

/// Item 7: guessing pairing codes is rate limited per address like the other public POSTs
/// (one address could try ~600 codes a second).
#[tokio::test]
async fn pairing_guesses_are_rate_limited() {
    use axum::http::header;
    let (_db, app) = common::limited_app().await;
    let guess = |code: u32, from: &'static str| {
        let app = app.clone();
        async move {
            let body = json!({"code": format!("{code:06}")}).to_string();
            common::send_from(&app, Method::POST, "/api/devices/pair", Some(&body), from).await
        }
    };
    let mut limited = None;
    for code in 0..30 {
        let a = guess(code, "198.51.100.20").await;
        if a.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(code);
            assert_error(&a, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
            assert!(a.headers.contains_key(header::RETRY_AFTER));
            break;
        }
        assert_ne!(a.status, StatusCode::OK, "a guess paired");
    }
    assert_eq!(limited, Some(10), "the 11th guess from one address waits");
    assert_ne!(
        guess(99, "198.51.100.21").await.status,
        StatusCode::TOO_MANY_REQUESTS
    );
}

/// Item 9 (in process): event streams are counted per client address — behind a trusted
/// proxy, the address it names — and given back when they end; each begins with `retry:`.
#[tokio::test]
async fn streams_are_capped_per_address_and_begin_with_retry() {
    use axum::body::Body;
    use axum::http::{Request, header};
    use http_body_util::BodyExt;
    use tower::ServiceExt;
    let (_db, app) = common::limited_app().await;
    let open = |from: &'static str| {
        let app = app.clone();
        async move {
            let req = Request::builder()
                .uri("/api/offices/kokurakita/events")
                .header("x-forwarded-for", from)
                .body(Body::empty())
                .unwrap();
            app.oneshot(req).await.unwrap()
        }
    };
    let mut first = open("198.51.100.30").await;
    assert_eq!(first.status(), StatusCode::OK);
    let frame = first.body_mut().frame().await.unwrap().unwrap();
    assert_eq!(frame.data_ref().unwrap().as_ref(), b"retry: 3000\n\n");
    let mut held = vec![first];
    for _ in 1..mado_relay::conn::PER_ADDRESS {
        let res = open("198.51.100.30").await;
        assert_eq!(res.status(), StatusCode::OK);
        held.push(res);
    }
    let refused = open("198.51.100.30").await;
    assert_eq!(refused.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(refused.headers()[header::RETRY_AFTER], "30");
    assert_eq!(refused.headers()[header::CONNECTION], "close");
    let body = refused.into_body().collect().await.unwrap().to_bytes();
    let body: serde_json::Value = serde_json::from_slice(&body).unwrap();
    assert_eq!(body["error"]["code"], "too_many_streams");
    // Another address is not affected; a stream that ends gives its place back.
    assert_eq!(open("198.51.100.31").await.status(), StatusCode::OK);
    drop(held.pop());
    assert_eq!(open("198.51.100.30").await.status(), StatusCode::OK);
}

/// Item 8: wrong passwords lock the account with a growing delay (no hashing while locked),
/// the right password then waits too, an admin lifts the lock, and a right password before
/// the lock starts the count again.
#[tokio::test]
async fn wrong_passwords_lock_the_account_until_an_admin_lifts_it() {
    let (app, _state) = test_app().await;
    let admin = login(&app).await;
    let created = send(
        &app,
        Method::POST,
        "/api/staff",
        Some(json!({"login": "tanaka", "display_name": "田中", "role": "staff", "password": "tanaka-password-1"})),
        Some(&admin),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.body["id"].as_i64().unwrap();
    let try_login = |password: &'static str| {
        let app = app.clone();
        async move {
            send(
                &app,
                Method::POST,
                "/api/auth/login",
                Some(json!({"login": "tanaka", "password": password})),
                None,
            )
            .await
        }
    };
    // Four wrong, then the right one: in, and the count starts again.
    for _ in 0..4 {
        assert_error(
            &try_login("wrong").await,
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
        );
    }
    assert_eq!(try_login("tanaka-password-1").await.status, StatusCode::OK);
    for _ in 0..4 {
        assert_error(
            &try_login("wrong").await,
            StatusCode::UNAUTHORIZED,
            "bad_credentials",
        );
    }
    // The fifth in a row locks it for 30 s: even the right password waits.
    assert_error(
        &try_login("wrong").await,
        StatusCode::UNAUTHORIZED,
        "bad_credentials",
    );
    let locked = try_login("tanaka-password-1").await;
    assert_error(&locked, StatusCode::TOO_MANY_REQUESTS, "account_locked");
    let wait: u64 = locked.headers["retry-after"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((25..=30).contains(&wait), "{wait}");
    // The admin sees it and lifts it.
    let list = send(&app, Method::GET, "/api/staff", None, Some(&admin)).await;
    let row = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap()
        .clone();
    assert!(row["locked_until_ms"].as_i64().is_some(), "{row}");
    let lifted = send(
        &app,
        Method::PUT,
        &format!("/api/staff/{id}"),
        Some(json!({"unlock": true})),
        Some(&admin),
    )
    .await;
    assert_eq!(lifted.status, StatusCode::OK, "{}", lifted.body);
    assert!(
        lifted.body.get("locked_until_ms").is_none(),
        "{}",
        lifted.body
    );
    assert_eq!(try_login("tanaka-password-1").await.status, StatusCode::OK);
    // Others are not affected: the admin logs in all along.
    login(&app).await;
}

/// `POST uri` with `body`, an `Idempotency-Key` and, if given, a cookie (a staff session or a
/// paired device).
async fn keyed(
    app: &axum::Router,
    uri: &str,
    key: &str,
    body: &Value,
    cookie: Option<&str>,
) -> Answer {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri(uri)
        .header(header::CONTENT_TYPE, "application/json")
        .header("idempotency-key", key);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    send_raw(app, req.body(Body::from(body.to_string())).unwrap()).await
}

/// Item 3, pre-applications: a second resident sending their own pre-application with a key
/// already used got the first resident's receipt (its token shows their answers), and their
/// own data was dropped. Now: 422, nothing of the first is in the answer, and the second is
/// stored once it comes with a key of its own. A true retry still gets its receipt.
#[tokio::test]
async fn a_used_key_with_another_pre_application_is_a_422_and_leaks_nothing() {
    let (app, state) = test_app().await;
    let uri = "/api/offices/kokurakita/submissions";
    let first = submission("窓口 花子");
    let a = keyed(&app, uri, "phone-1", &first, None).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let again = keyed(&app, uri, "phone-1", &first, None).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.body, a.body, "a retry gets its receipt");

    let other = keyed(&app, uri, "phone-1", &submission("別人 太郎"), None).await;
    assert_error(
        &other,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    let text = other.body.to_string();
    let token = a.body["token"].as_str().unwrap();
    let code = a.body["code"].as_str().unwrap();
    assert!(!text.contains(token) && !text.contains(code), "{text}");
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM submissions")
        .fetch_one(&state.db)
        .await
        .unwrap();
    assert_eq!(stored, 1);
    let own = keyed(&app, uri, "phone-2", &submission("別人 太郎"), None).await;
    assert_eq!(own.status, StatusCode::CREATED, "{}", own.body);
}

fn submission(name: &str) -> Value {
    json!({
        "pack": "okuyami",
        "version": "2026.11.2",
        "city": "kitakyushu",
        "date": "2026-12-07",
        "answers": {"deceased_age": 80},
        "procedures": [{"id": "shibou-todoke", "name": "死亡届", "status": "required"}],
        "applicant": {
            "name": name,
            "kana": "マドグチ ハナコ",
            "birth_date": "1960-04-01",
            "address": "北九州市小倉北区大手町1-1",
            "phone": "093-582-3333"
        }
    })
}

/// Item 3, bookings: another caller reusing a booking's key got that booking's token (and
/// could cancel it). Now the same key for another slot is a 422 without the token, and the
/// first booking's retry still gets its token.
#[tokio::test]
async fn a_used_key_with_another_booking_is_a_422_without_the_token() {
    let (app, state) = test_app().await;
    let uri = "/api/offices/kokurakita/reservations";
    let day = common::open_day();
    let slot = |start: &str| json!({"service": "jumin", "day": day, "start": start});
    let a = keyed(&app, uri, "k-book", &slot("10:00"), None).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let retry = keyed(&app, uri, "k-book", &slot("10:00"), None).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    assert_eq!(retry.body["token"], a.body["token"]);

    let other = keyed(&app, uri, "k-book", &slot("11:00"), None).await;
    assert_error(
        &other,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
    assert!(
        !other
            .body
            .to_string()
            .contains(a.body["token"].as_str().unwrap())
    );
    let booked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reservations")
        .fetch_one(&state.db)
        .await
        .unwrap();
    assert_eq!(booked, 1);
}

/// Item 3, tickets: keys are kept per paired kiosk, so two kiosks that happen to number
/// their requests alike each get their own ticket; one kiosk's key sent again for another
/// service is a 422, not the first ticket.
#[tokio::test]
async fn ticket_keys_are_kept_per_kiosk_and_bound_to_the_service() {
    let (app, _state) = test_app().await;
    let admin = login(&app).await;
    let one = common::paired(&app, &admin, "kiosk").await;
    let two = common::paired(&app, &admin, "kiosk").await;
    let uri = "/api/offices/kokurakita/tickets";
    let jumin = json!({"service_id": "jumin"});
    let a = keyed(&app, uri, "kiosk-0001", &jumin, Some(&one)).await;
    let b = keyed(&app, uri, "kiosk-0001", &jumin, Some(&two)).await;
    assert_eq!(
        (a.status, b.status),
        (StatusCode::CREATED, StatusCode::CREATED)
    );
    assert_ne!(a.body["ticket"]["id"], b.body["ticket"]["id"]);
    let retry = keyed(&app, uri, "kiosk-0001", &jumin, Some(&one)).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    assert_eq!(retry.body["ticket"]["id"], a.body["ticket"]["id"]);
    let other = keyed(
        &app,
        uri,
        "kiosk-0001",
        &json!({"service_id": "kokuho"}),
        Some(&one),
    )
    .await;
    assert_error(
        &other,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
}

/// Item 3, counter records: keys are kept per staff member (one clerk's outbox cannot reach
/// another's record), and a key sent again with another record is a 422.
#[tokio::test]
async fn record_keys_are_kept_per_staff_member_and_bound_to_the_record() {
    let (app, state) = test_app().await;
    let admin = login(&app).await;
    let clerk = common::clerk(&app, &state).await;
    let uri = "/api/offices/kokurakita/guide-records";
    let record = |name: &str| {
        json!({
            "pack": "okuyami", "version": "2026.11.2", "city": "kitakyushu", "date": "2026-12-07",
            "answers": {"deceased_age": 80},
            "procedures": [{"id": "shibou-todoke", "name": "死亡届", "status": "required"}],
            "printed_for": name
        })
    };
    let a = keyed(&app, uri, "outbox-1", &record("山田 花子"), Some(&admin)).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let b = keyed(&app, uri, "outbox-1", &record("山田 花子"), Some(&clerk)).await;
    assert_eq!(b.status, StatusCode::CREATED, "{}", b.body);
    assert_eq!(b.body["staff"], "clerk");
    assert_ne!(a.body["id"], b.body["id"]);
    let retry = keyed(&app, uri, "outbox-1", &record("山田 花子"), Some(&admin)).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    assert_eq!(retry.body["id"], a.body["id"]);
    let other = keyed(&app, uri, "outbox-1", &record("鈴木 一郎"), Some(&admin)).await;
    assert_error(
        &other,
        StatusCode::UNPROCESSABLE_ENTITY,
        "idempotency_key_reused",
    );
}

//! The relay's HTTP API, route by route, through `app(state).oneshot(request)`.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use mado_relay::{AppState, app};
use serde_json::{Value, json};

mod common;
use common::*;

async fn issue(app: &Router, service: &str) -> Value {
    let a = walk_in(app, service).await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    a.body
}

#[tokio::test]
async fn healthz_answers_ok() {
    let (app, _) = test_app().await;
    let a = send(&app, Method::GET, "/healthz", None, None).await;
    assert_eq!((a.status, a.body), (StatusCode::OK, json!("ok")));
}

#[tokio::test]
async fn the_demo_office_is_listed_with_its_services_and_counters() {
    let (app, _) = test_app().await;
    let a = send(&app, Method::GET, "/api/offices", None, None).await;
    assert_eq!(a.status, StatusCode::OK);
    let office = &a.body[0];
    assert_eq!(office["id"], "kokurakita");
    assert_eq!(office["name"], "小倉北区役所");
    assert_eq!(office["services"].as_array().unwrap().len(), 5);
    assert_eq!(office["counters"][2]["label"], "3番窓口");
    assert_eq!(
        office["counters"][5]["service_ids"],
        json!(["fukushi", "okuyami"])
    );
    let one = send(&app, Method::GET, "/api/offices/kokurakita", None, None).await;
    assert_eq!(one.body, *office);
}

#[tokio::test]
async fn unknown_things_are_404_with_a_json_body() {
    let (app, _) = test_app().await;
    assert_error(
        &send(&app, Method::GET, "/api/offices/nowhere", None, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    assert_error(
        &send(&app, Method::GET, "/api/no/such/route", None, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );
    let cookie = login(&app).await;
    let a = send(
        &app,
        Method::POST,
        "/api/tickets/999/done",
        None,
        Some(&cookie),
    )
    .await;
    assert_error(&a, StatusCode::NOT_FOUND, "not_found");
    assert_eq!(a.body["error"]["message"], "no ticket with id 999");
    let a = send(
        &app,
        Method::POST,
        "/api/counters/99/call-next",
        Some(json!({})),
        Some(&cookie),
    )
    .await;
    assert_error(&a, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_wrong_method_is_405_with_a_json_body() {
    let (app, _) = test_app().await;
    let a = send(&app, Method::DELETE, "/api/offices", None, None).await;
    assert_error(&a, StatusCode::METHOD_NOT_ALLOWED, "method_not_allowed");
}

#[tokio::test]
async fn tickets_are_numbered_per_prefix_with_place_and_wait() {
    let (app, _) = test_app().await;
    let first = issue(&app, "jumin").await;
    assert_eq!(first["ticket"]["number"], json!({"prefix": "A", "seq": 1}));
    assert_eq!(first["ticket"]["status"], "waiting");
    assert_eq!(
        (
            first["ahead"].clone(),
            first["estimated_wait_minutes"].clone()
        ),
        (json!(0), json!(0))
    );
    let second = issue(&app, "jumin").await;
    assert_eq!(second["ticket"]["number"]["seq"], 2);
    // One ahead, 600 s each, 2 counters serve 住民異動 → 5 minutes.
    assert_eq!(
        (
            second["ahead"].clone(),
            second["estimated_wait_minutes"].clone()
        ),
        (json!(1), json!(5))
    );
    let other = issue(&app, "kokuho").await;
    assert_eq!(other["ticket"]["number"], json!({"prefix": "B", "seq": 1}));
    assert_eq!(other["ahead"], 0, "other services' tickets are not ahead");

    // The place given at issue (from the ticket's own event) is the place its status page
    // reads afresh, also after a call took one from the line.
    let cookie = login(&app).await;
    let called = send(
        &app,
        Method::POST,
        "/api/counters/1/call-next",
        Some(json!({})),
        Some(&cookie),
    )
    .await;
    assert_eq!(called.status, StatusCode::OK);
    for _ in 0..3 {
        let t = issue(&app, "jumin").await;
        let token = t["status_token"].as_str().unwrap();
        let status = send(
            &app,
            Method::GET,
            &format!("/api/ticket-status/{token}"),
            None,
            None,
        )
        .await;
        assert_eq!(status.body["ahead"], t["ahead"], "{t}");
        assert_eq!(
            status.body["estimated_wait_minutes"],
            t["estimated_wait_minutes"]
        );
    }
}

#[tokio::test]
async fn malformed_ticket_requests_are_refused_and_nothing_is_stored() {
    let (app, state) = test_app().await;
    let uri = "/api/offices/kokurakita/tickets";
    let raw = |ct: Option<&str>, body: &str| {
        let mut r = Request::builder().method(Method::POST).uri(uri);
        if let Some(ct) = ct {
            r = r.header(header::CONTENT_TYPE, ct);
        }
        r.body(Body::from(body.to_owned())).unwrap()
    };
    let a = send_raw(&app, raw(Some("application/json"), "{\"service_id\": ")).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_json");
    let a = send_raw(&app, raw(Some("application/json"), "{\"service_id\": 5}")).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_body");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("service_id"),
        "{}",
        a.body
    );
    let a = send_raw(
        &app,
        raw(
            Some("application/json"),
            "{\"service_id\": \"jumin\", \"name\": \"x\"}",
        ),
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_body");
    let a = send_raw(&app, raw(None, "{\"service_id\": \"jumin\"}")).await;
    assert_error(
        &a,
        StatusCode::UNSUPPORTED_MEDIA_TYPE,
        "unsupported_media_type",
    );
    let huge = format!(
        "{{\"service_id\": \"{}\"}}",
        "x".repeat(mado_relay::BODY_LIMIT + 1)
    );
    let a = send_raw(&app, raw(Some("application/json"), &huge)).await;
    assert_error(&a, StatusCode::PAYLOAD_TOO_LARGE, "too_large");
    let a = send(
        &app,
        Method::POST,
        uri,
        Some(json!({"service_id": "nope"})),
        None,
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "unknown_service");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("jumin"),
        "names the expected ids: {}",
        a.body
    );
    let stored: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets")
        .fetch_one(&state.db)
        .await
        .unwrap();
    assert_eq!(stored, 0);
}

/// A kiosk's ticket request for `service` with idempotency key `key`.
fn keyed_ticket(key: &str, service: &str) -> Request<Body> {
    Request::builder()
        .method(Method::POST)
        .uri("/api/offices/kokurakita/tickets")
        .header(header::CONTENT_TYPE, "application/json")
        .header("idempotency-key", key)
        .body(Body::from(format!(r#"{{"service_id":"{service}"}}"#)))
        .unwrap()
}

#[tokio::test]
async fn an_idempotency_key_returns_the_same_ticket() {
    let (app, _) = test_app().await;
    let req = || keyed_ticket("kiosk-1-0001", "jumin");
    let a = send_raw(&app, req()).await;
    let b = send_raw(&app, req()).await;
    assert_eq!((a.status, b.status), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(a.body["ticket"], b.body["ticket"]);
    assert_eq!(issue(&app, "jumin").await["ticket"]["number"]["seq"], 2);
    let bad = keyed_ticket(&"x".repeat(101), "jumin");
    assert_error(
        &send_raw(&app, bad).await,
        StatusCode::BAD_REQUEST,
        "invalid_header",
    );
}

#[tokio::test]
async fn an_idempotency_key_is_kept_as_sent_whatever_its_characters() {
    let (app, state) = test_app().await;
    // Quotes, a backslash and what would end a statement: visible ASCII, all allowed. It is
    // kept as sent after its caller's scope (`p`: an office that pairs no kiosk).
    let key = r#"kiosk'1"\;--"#;
    let req = || keyed_ticket(key, "kokuho");
    let a = send_raw(&app, req()).await;
    let b = send_raw(&app, req()).await;
    assert_eq!((a.status, b.status), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(a.body["ticket"], b.body["ticket"]);
    let stored: String = sqlx::query_scalar("SELECT idempotency_key FROM tickets WHERE id = $1")
        .bind(a.body["ticket"]["id"].as_i64().unwrap())
        .fetch_one(&state.db)
        .await
        .unwrap();
    assert_eq!(stored, format!("p {key}"));
}

#[tokio::test]
async fn staff_routes_refuse_anonymous_callers() {
    let (app, _) = test_app().await;
    let cases: [(Method, &str, Option<Value>); 10] = [
        (Method::GET, "/api/offices/kokurakita/guide-records", None),
        (
            Method::POST,
            "/api/offices/kokurakita/guide-records",
            Some(guide_record()),
        ),
        (Method::GET, "/api/auth/me", None),
        (Method::GET, "/api/offices/kokurakita/queue", None),
        (Method::POST, "/api/counters/1/call-next", Some(json!({}))),
        (Method::POST, "/api/tickets/1/recall", None),
        (Method::POST, "/api/tickets/1/no-show", None),
        (Method::POST, "/api/tickets/1/done", None),
        (
            Method::POST,
            "/api/tickets/1/transfer",
            Some(json!({"service_id": "kokuho"})),
        ),
        (Method::GET, "/api/offices/kokurakita/queue", None),
    ];
    for (method, uri, body) in cases {
        let a = send(&app, method.clone(), uri, body.clone(), None).await;
        assert_error(&a, StatusCode::UNAUTHORIZED, "unauthorized");
        let forged = send(&app, method, uri, body, Some("mado_session=forged")).await;
        assert_error(&forged, StatusCode::UNAUTHORIZED, "unauthorized");
    }
}

#[tokio::test]
async fn login_sets_a_strict_http_only_cookie_and_logout_ends_the_session() {
    let (app, _) = test_app().await;
    let wrong = send(
        &app,
        Method::POST,
        "/api/auth/login",
        Some(json!({"login": "admin", "password": "nope"})),
        None,
    )
    .await;
    assert_error(&wrong, StatusCode::UNAUTHORIZED, "bad_credentials");
    let nobody = send(
        &app,
        Method::POST,
        "/api/auth/login",
        Some(json!({"login": "ghost", "password": PASSWORD})),
        None,
    )
    .await;
    assert_error(&nobody, StatusCode::UNAUTHORIZED, "bad_credentials");
    assert_eq!(
        wrong.body, nobody.body,
        "the answer does not tell which part was wrong"
    );

    let a = send(
        &app,
        Method::POST,
        "/api/auth/login",
        Some(json!({"login": "admin", "password": PASSWORD})),
        None,
    )
    .await;
    let set_cookie = a.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Strict"),
        "{set_cookie}"
    );
    assert_eq!(a.body["role"], "admin");
    let cookie = set_cookie.split(';').next().unwrap();
    let me = send(&app, Method::GET, "/api/auth/me", None, Some(cookie)).await;
    assert_eq!(me.body["login"], "admin");
    let session = send(&app, Method::GET, "/api/auth/session", None, Some(cookie)).await;
    assert_eq!(session.body["staff"]["login"], "admin");
    let anonymous = send(&app, Method::GET, "/api/auth/session", None, None).await;
    assert_eq!(
        (anonymous.status, anonymous.body),
        (StatusCode::OK, json!({"staff": null}))
    );
    let out = send(&app, Method::POST, "/api/auth/logout", None, Some(cookie)).await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_error(
        &send(&app, Method::GET, "/api/auth/me", None, Some(cookie)).await,
        StatusCode::UNAUTHORIZED,
        "unauthorized",
    );
}

#[tokio::test]
async fn staff_call_recall_no_show_done_and_transfer() {
    let (app, _) = test_app().await;
    let cookie = login(&app).await;
    let c = Some(cookie.as_str());
    let t1 = issue(&app, "jumin").await["ticket"]["id"].as_i64().unwrap();
    let t2 = issue(&app, "jumin").await["ticket"]["id"].as_i64().unwrap();
    let t3 = issue(&app, "jumin").await["ticket"]["id"].as_i64().unwrap();

    let a = send(
        &app,
        Method::POST,
        "/api/counters/1/call-next",
        Some(json!({})),
        c,
    )
    .await;
    assert_eq!(a.body["called"]["id"], t1, "{}", a.body);
    assert_eq!(
        (
            a.body["called"]["status"].clone(),
            a.body["called"]["counter_id"].clone()
        ),
        (json!("called"), json!(1))
    );

    let board = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/board",
        None,
        None,
    )
    .await;
    assert_eq!(board.body["recent_calls"][0]["counter_label"], "1番窓口");
    assert_eq!(
        board.body["recent_calls"][0]["number"],
        json!({"prefix": "A", "seq": 1})
    );
    assert_eq!(
        board.body["waiting"][0],
        json!({"service_id": "jumin", "count": 2})
    );

    // Calling next finishes the current ticket.
    let a = send(
        &app,
        Method::POST,
        "/api/counters/1/call-next",
        Some(json!({})),
        c,
    )
    .await;
    assert_eq!(a.body["called"]["id"], t2);
    let queue = send(&app, Method::GET, "/api/offices/kokurakita/queue", None, c).await;
    let status_of = |id: i64| {
        queue.body["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["id"] == id)
            .unwrap()["status"]
            .clone()
    };
    assert_eq!(status_of(t1), "done");

    let a = send(
        &app,
        Method::POST,
        &format!("/api/tickets/{t2}/recall"),
        None,
        c,
    )
    .await;
    assert_eq!(a.body["status"], "called");
    let a = send(
        &app,
        Method::POST,
        &format!("/api/tickets/{t2}/no-show"),
        None,
        c,
    )
    .await;
    assert_eq!(a.body["status"], "no_show");
    let a = send(
        &app,
        Method::POST,
        &format!("/api/tickets/{t2}/done"),
        None,
        c,
    )
    .await;
    assert_error(&a, StatusCode::CONFLICT, "conflict");
    assert_eq!(
        a.body["error"]["message"],
        "ticket A-002 is no_show; Done needs a called ticket"
    );

    let a = send(
        &app,
        Method::POST,
        &format!("/api/tickets/{t3}/transfer"),
        Some(json!({"service_id": "kokuho"})),
        c,
    )
    .await;
    assert_eq!(
        (a.body["service_id"].clone(), a.body["status"].clone()),
        (json!("kokuho"), json!("waiting"))
    );
    assert_eq!(
        a.body["number"],
        json!({"prefix": "A", "seq": 3}),
        "a transferred ticket keeps its number"
    );
    let a = send(
        &app,
        Method::POST,
        &format!("/api/tickets/{t3}/transfer"),
        Some(json!({"service_id": "nope"})),
        c,
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "unknown_service");

    // Counter 3 serves 国保: it gets the transferred ticket.
    let a = send(
        &app,
        Method::POST,
        "/api/counters/3/call-next",
        Some(json!({})),
        c,
    )
    .await;
    assert_eq!(a.body["called"]["id"], t3);
    let a = send(
        &app,
        Method::POST,
        "/api/counters/3/call-next",
        Some(json!({})),
        c,
    )
    .await;
    assert_eq!(
        a.body,
        json!({"called": null}),
        "nobody waiting is not an error"
    );
    let a = send(
        &app,
        Method::POST,
        "/api/counters/abc/call-next",
        Some(json!({})),
        c,
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_path");
    let a = send(
        &app,
        Method::POST,
        "/api/counters/1/call-next",
        Some(json!({"service_ids": ["nope"]})),
        c,
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "unknown_service");
}

#[tokio::test]
async fn the_frontend_is_served_for_client_routes_but_not_for_api_routes() {
    let dist = tempfile::tempdir().unwrap();
    std::fs::write(
        dist.path().join("index.html"),
        "<!doctype html><title>Mado</title>",
    )
    .unwrap();
    std::fs::write(dist.path().join("app-abc123.js"), "console.log(1)").unwrap();
    std::fs::create_dir(dist.path().join("desk")).unwrap();
    std::fs::write(
        dist.path().join("desk").join("index.html"),
        "<!doctype html><title>Mado desk</title>",
    )
    .unwrap();
    std::fs::create_dir(dist.path().join("resident")).unwrap();
    std::fs::write(
        dist.path().join("resident").join("index.html"),
        "<!doctype html><title>Mado resident</title>",
    )
    .unwrap();
    std::fs::create_dir_all(dist.path().join("lang").join("ui")).unwrap();
    std::fs::write(
        dist.path().join("lang").join("ui").join("vi.json"),
        r#"{"texts.kiosk_title":"Lấy số thứ tự"}"#,
    )
    .unwrap();
    std::fs::write(dist.path().join("sw.js"), "'use strict';").unwrap();
    let mut config = TestDb::new(false).await.config();
    config.dist_dir = Some(dist.path().to_owned());
    let app = app(AppState::open(config).await.unwrap());
    // The service worker (scope "/" from the root) and the language data, whose names do not
    // change from build to build, are never kept stale.
    let sw = send(&app, Method::GET, "/sw.js", None, None).await;
    assert_eq!(sw.status, StatusCode::OK);
    assert_eq!(sw.headers[header::CACHE_CONTROL], "no-cache");
    let vi = send(&app, Method::GET, "/lang/ui/vi.json", None, None).await;
    assert_eq!(vi.status, StatusCode::OK);
    assert_eq!(vi.headers[header::CACHE_CONTROL], "no-cache");
    assert_eq!(vi.body["texts.kiosk_title"], "Lấy số thứ tự");
    let none = send(&app, Method::GET, "/lang/ui/fr.json", None, None).await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    let page = send(&app, Method::GET, "/kiosk", None, None).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.as_str().unwrap().contains("<title>Mado</title>"));
    assert_eq!(page.headers[header::CACHE_CONTROL], "no-cache");
    for route in ["/counter", "/office", "/admin", "/counter/anything"] {
        let desk = send(&app, Method::GET, route, None, None).await;
        assert_eq!(desk.status, StatusCode::OK, "{route}");
        assert!(desk.body.as_str().unwrap().contains("Mado desk"), "{route}");
        assert_eq!(desk.headers[header::CACHE_CONTROL], "no-cache");
    }
    for route in ["/apply", "/r", "/s", "/t", "/checkin"] {
        let page = send(&app, Method::GET, route, None, None).await;
        assert_eq!(page.status, StatusCode::OK, "{route}");
        assert!(
            page.body.as_str().unwrap().contains("Mado resident"),
            "{route}"
        );
        assert_eq!(page.headers[header::CACHE_CONTROL], "no-cache");
    }
    let js = send(&app, Method::GET, "/app-abc123.js", None, None).await;
    assert!(
        js.headers[header::CACHE_CONTROL]
            .to_str()
            .unwrap()
            .contains("immutable")
    );
    // A missing asset is a 404, not the app's page.
    let missing = send(&app, Method::GET, "/fonts/nope-1.ttf", None, None).await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert_error(
        &send(&app, Method::GET, "/api/nope", None, None).await,
        StatusCode::NOT_FOUND,
        "not_found",
    );

    let (bare, _) = test_app().await;
    let page = send(&bare, Method::GET, "/kiosk", None, None).await;
    assert_eq!(page.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(page.body.as_str().unwrap().contains("cargo xtask run"));
}

fn guide_record() -> Value {
    json!({
        "pack": "okuyami",
        "version": "2026.11.2",
        "city": "kitakyushu",
        "date": "2026-11-22",
        "answers": {"death_date": "2026-11-20", "deceased_age": 80, "householder": true, "parts": ["heart"]},
        "procedures": [
            {"id": "kouki-soushitsu", "name": "後期高齢者医療の資格喪失", "status": "required", "mark": "today"},
            {"id": "techo-henkan", "name": "身体障害者手帳の返還", "status": "needs_answer"}
        ],
        "printed_forms": ["kouki-sousaihi", "kaigo-soushitsu"],
        "printed_for": "山田 花子"
    })
}

/// The counter saves its visit's record by the visit's id: saved again while the visit is
/// open (an answer changed, the visit ended) it is replaced, so the record ends with what
/// the visit ended with, and one visit is one record. Before, the record went by an
/// idempotency key, and a save after the first one was answered with the first record: the
/// visit's end time and later answers were lost.
#[tokio::test]
async fn a_visit_record_saved_again_while_the_visit_is_open_is_replaced() {
    let (app, state) = test_app().await;
    let admin = login(&app).await;
    let uri = "/api/offices/kokurakita/guide-records/visits/5f0c2a1e-8d7b-4c3a-9e1f-2b6d7c8a9e00";
    let saved = send(&app, Method::PUT, uri, Some(guide_record()), Some(&admin)).await;
    assert_eq!(saved.status, StatusCode::CREATED, "{}", saved.body);
    let id = saved.body["id"].clone();
    // The outbox sends it again (its answer was lost): the same record.
    let again = send(&app, Method::PUT, uri, Some(guide_record()), Some(&admin)).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    assert_eq!(again.body, saved.body);
    // The visit ends: the record is replaced, not duplicated.
    let mut done = guide_record();
    done["done_at_ms"] = json!(1_765_000_000_000_i64);
    done["answers"]["householder"] = json!(false);
    let ended = send(&app, Method::PUT, uri, Some(done.clone()), Some(&admin)).await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
    assert_eq!(ended.body["id"], id);
    assert_eq!(ended.body["done_at_ms"], 1_765_000_000_000_i64);
    assert_eq!(ended.body["answers"]["householder"], false);
    let rows: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM guide_records")
        .fetch_one(&state.db)
        .await
        .unwrap();
    assert_eq!(rows, 1);
    // A finished visit's record stays as it ended; its retry is still answered.
    let retry = send(&app, Method::PUT, uri, Some(done.clone()), Some(&admin)).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    let mut later = done.clone();
    later["printed_for"] = json!("別人");
    let a = send(&app, Method::PUT, uri, Some(later), Some(&admin)).await;
    assert_error(&a, StatusCode::CONFLICT, "conflict");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("finished")
    );
    // Another staff member's counter cannot replace it.
    let clerk = clerk(&app, &state).await;
    let open = "/api/offices/kokurakita/guide-records/visits/visit-2";
    let first = send(&app, Method::PUT, open, Some(guide_record()), Some(&admin)).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.body);
    let a = send(&app, Method::PUT, open, Some(done), Some(&clerk)).await;
    assert_error(&a, StatusCode::CONFLICT, "conflict");
    // A visit id that is not one.
    let a = send(
        &app,
        Method::PUT,
        "/api/offices/kokurakita/guide-records/visits/a%20b",
        Some(guide_record()),
        Some(&admin),
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_path");
}

#[tokio::test]
async fn guide_records_are_kept_with_the_counter_record() {
    let (app, _) = test_app().await;
    let cookie = login(&app).await;
    let ticket = issue(&app, "kokuho").await;
    let mut body = guide_record();
    body["ticket_id"] = ticket["ticket"]["id"].clone();
    let a = send(
        &app,
        Method::POST,
        "/api/offices/kokurakita/guide-records",
        Some(body.clone()),
        Some(&cookie),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(a.body["staff"], "admin");
    assert_eq!(a.body["version"], "2026.11.2");
    let list = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/guide-records",
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let first = &list.body[0];
    assert_eq!(first["id"], a.body["id"]);
    assert_eq!(first["answers"], body["answers"]);
    assert_eq!(first["procedures"], body["procedures"]);
    assert_eq!(first["ticket_id"], body["ticket_id"]);
    assert_eq!(first["printed_forms"], body["printed_forms"]);
    assert_eq!(first["printed_for"], body["printed_for"]);
}

/// Issue 19 item 5: the counter's outbox sends a record with a key; sent again after a lost
/// answer, the same key gives the first record, and only one is stored. The record keeps the
/// fields left for the hand and the visit's times.
#[tokio::test]
async fn a_record_sent_twice_with_its_key_is_stored_once_with_its_hand_count_and_times() {
    let (app, _) = test_app().await;
    let cookie = login(&app).await;
    let mut body = guide_record();
    body["hand_fields"] = json!(0);
    body["started_at_ms"] = json!(1_795_000_000_000_i64);
    body["printed_at_ms"] = json!(1_795_000_300_000_i64);
    body["done_at_ms"] = json!(1_795_000_600_000_i64);
    let req = |key: &str| {
        Request::builder()
            .method(Method::POST)
            .uri("/api/offices/kokurakita/guide-records")
            .header(header::CONTENT_TYPE, "application/json")
            .header(header::COOKIE, &cookie)
            .header("idempotency-key", key)
            .body(Body::from(body.to_string()))
            .unwrap()
    };
    let a = send_raw(&app, req("visit-7f3a")).await;
    let b = send_raw(&app, req("visit-7f3a")).await;
    assert_eq!(
        (a.status, b.status),
        (StatusCode::CREATED, StatusCode::OK),
        "{}",
        b.body
    );
    assert_eq!(a.body["id"], b.body["id"]);
    let other = send_raw(&app, req("visit-9c01")).await;
    assert_eq!(other.status, StatusCode::CREATED);
    let list = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/guide-records",
        None,
        Some(&cookie),
    )
    .await;
    let list = list.body.as_array().unwrap();
    assert_eq!(list.len(), 2, "{list:?}");
    let first = list.iter().find(|r| r["id"] == a.body["id"]).unwrap();
    assert_eq!(first["hand_fields"], 0);
    assert_eq!(first["started_at_ms"], body["started_at_ms"]);
    assert_eq!(first["printed_at_ms"], body["printed_at_ms"]);
    assert_eq!(first["done_at_ms"], body["done_at_ms"]);
    let mut late = body.clone();
    late["done_at_ms"] = json!(1_794_000_000_000_i64);
    let bad = send(
        &app,
        Method::POST,
        "/api/offices/kokurakita/guide-records",
        Some(late),
        Some(&cookie),
    )
    .await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("done_at_ms (1794000000000) is before started_at_ms"),
        "{}",
        bad.body
    );
}

/// Issue 19 item 8: the office lists counter records by day, counter and life event.
#[tokio::test]
async fn records_are_listed_by_day_counter_and_life_event() {
    let (app, _) = test_app().await;
    let cookie = login(&app).await;
    let url = "/api/offices/kokurakita/guide-records";
    for (counter, pack) in [(3, "okuyami"), (4, "okuyami"), (3, "hikkoshi")] {
        let mut body = guide_record();
        body["counter_id"] = json!(counter);
        body["pack"] = json!(pack);
        let a = send(&app, Method::POST, url, Some(body), Some(&cookie)).await;
        assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    }
    let list = |query: &'static str| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move {
            send(
                &app,
                Method::GET,
                &format!("{url}?{query}"),
                None,
                Some(&cookie),
            )
            .await
        }
    };
    let today = mado_relay::local_day(mado_relay::now_ms());
    let count = |a: &Answer| a.body.as_array().map_or(usize::MAX, Vec::len);
    assert_eq!(count(&list("counter=3").await), 2);
    assert_eq!(count(&list("pack=okuyami").await), 2);
    assert_eq!(count(&list("counter=3&pack=hikkoshi").await), 1);
    let day = send(
        &app,
        Method::GET,
        &format!("{url}?from={today}&to={today}"),
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(count(&day), 3, "{}", day.body);
    assert_eq!(day.body[0]["counter_id"], 3);
    let yesterday = send(
        &app,
        Method::GET,
        &format!("{url}?to=2020-01-01"),
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(count(&yesterday), 0);
    let bad = list("from=2026-12-07&to=2026-12-01").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        bad.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("before from")
    );
    let mut unknown = guide_record();
    unknown["counter_id"] = json!(99);
    let refused = send(&app, Method::POST, url, Some(unknown), Some(&cookie)).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
}

/// Issue 19 item 6 (「回さない」窓口): a counter leaves the visit with a ticket it sends to
/// another service; the office's list says who is coming and why without the visit; the
/// next counter opens the visit; it is gone once the ticket is done.
#[tokio::test]
async fn a_visit_handed_over_with_a_ticket_is_opened_by_the_next_counter_and_gone_when_done() {
    let (app, _) = test_app().await;
    let cookie = login(&app).await;
    let ticket = issue(&app, "jumin").await;
    let id = ticket["ticket"]["id"].as_i64().unwrap();
    let called = send(
        &app,
        Method::POST,
        "/api/counters/1/call-next",
        Some(json!({})),
        Some(&cookie),
    )
    .await;
    assert_eq!(called.body["called"]["id"], id, "{}", called.body);
    let visit =
        json!({"id": "v-1", "people": {"applicant": {"name": "佐藤 健"}, "subject": "applicant"}});
    let url = format!("/api/tickets/{id}/handover");
    let put = |body: Value| send(&app, Method::PUT, &url, Some(body), Some(&cookie));
    let a = put(json!({
        "from_counter_id": 1, "title": "引越し（転入）",
        "procedures": ["国民健康保険の加入"], "visit": visit
    }))
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let moved = send(
        &app,
        Method::POST,
        &format!("/api/tickets/{id}/transfer"),
        Some(json!({"service_id": "kokuho"})),
        Some(&cookie),
    )
    .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.body);
    let list = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/handovers",
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let row = &list.body[0];
    assert_eq!(row["ticket_id"], id);
    assert_eq!(row["service_id"], "kokuho");
    assert_eq!(row["status"], "waiting");
    assert_eq!(row["from_counter_id"], 1);
    assert_eq!(row["title"], "引越し（転入）");
    assert!(
        !list.body.to_string().contains("佐藤"),
        "the list carries no personal data: {}",
        list.body
    );
    let got = send(
        &app,
        Method::GET,
        &format!("/api/tickets/{id}/handover"),
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(got.status, StatusCode::OK);
    assert_eq!(got.body["visit"], visit);
    // Refused with what was expected.
    for (body, want) in [
        (
            json!({"title": "", "visit": {}}),
            "title must be 1–200 characters",
        ),
        (
            json!({"title": "x", "visit": [1]}),
            "visit must be a JSON object",
        ),
        (
            json!({"title": "x", "visit": {"a": "あ".repeat(18_000)}}),
            "at most 49152",
        ),
    ] {
        let r = put(body).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
        assert!(
            r.body["error"]["message"].as_str().unwrap().contains(want),
            "{}",
            r.body
        );
    }
    let unknown = put(json!({"from_counter_id": 99, "title": "x", "visit": {}})).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    // Called by the next counter and served: the visit is not kept.
    send(
        &app,
        Method::POST,
        "/api/counters/3/call-next",
        Some(json!({})),
        Some(&cookie),
    )
    .await;
    let done = send(
        &app,
        Method::POST,
        &format!("/api/tickets/{id}/done"),
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let gone = send(
        &app,
        Method::GET,
        &format!("/api/tickets/{id}/handover"),
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND);
    let after = put(json!({"title": "x", "visit": {}})).await;
    assert_eq!(after.status, StatusCode::CONFLICT, "{}", after.body);
    let list = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/handovers",
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(list.body, json!([]));
}

#[tokio::test]
async fn malformed_guide_records_are_refused_with_what_was_expected() {
    let (app, _) = test_app().await;
    let cookie = login(&app).await;
    let url = "/api/offices/kokurakita/guide-records";
    let with = |f: &dyn Fn(&mut Value)| {
        let mut v = guide_record();
        f(&mut v);
        v
    };
    let cases: Vec<(Value, StatusCode, &str, &str)> = vec![
        // The guide's date is a date by its type (like a status or a mark): refused as the
        // body is read, naming the field.
        (
            with(&|v| v["date"] = json!("2026-13-01")),
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "date: 2026-13-01 is not a calendar date",
        ),
        (
            with(&|v| v["date"] = json!("2026/12/01")),
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "date: expected a date as YYYY-MM-DD",
        ),
        (
            with(&|v| v["pack"] = json!("お悔やみ")),
            StatusCode::BAD_REQUEST,
            "invalid_record",
            "pack must be",
        ),
        (
            with(&|v| v["procedures"] = json!([])),
            StatusCode::BAD_REQUEST,
            "invalid_record",
            "1–200",
        ),
        (
            with(&|v| v["procedures"][0]["status"] = json!("maybe")),
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "status",
        ),
        (
            with(&|v| v["procedures"][0]["mark"] = json!("yesterday")),
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "mark",
        ),
        (
            with(&|v| v["extra"] = json!(1)),
            StatusCode::BAD_REQUEST,
            "invalid_body",
            "extra",
        ),
        (
            with(&|v| v["ticket_id"] = json!(999_999)),
            StatusCode::NOT_FOUND,
            "not_found",
            "999999",
        ),
    ];
    for (body, status, code, mentions) in cases {
        let a = send(&app, Method::POST, url, Some(body.clone()), Some(&cookie)).await;
        assert_error(&a, status, code);
        let msg = a.body["error"]["message"].as_str().unwrap();
        assert!(
            msg.contains(mentions),
            "{msg:?} should mention {mentions:?} for {body}"
        );
    }
    let unknown = send(
        &app,
        Method::POST,
        "/api/offices/nowhere/guide-records",
        Some(guide_record()),
        Some(&cookie),
    )
    .await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "not_found");
    let list = send(&app, Method::GET, url, None, Some(&cookie)).await;
    assert_eq!(list.body, json!([]), "nothing refused was stored");
    let bad_limit = send(
        &app,
        Method::GET,
        &format!("{url}?limit=0"),
        None,
        Some(&cookie),
    )
    .await;
    assert_error(&bad_limit, StatusCode::BAD_REQUEST, "invalid_query");
}

#[tokio::test]
async fn every_answer_carries_the_security_headers_and_the_csp_allows_only_the_built_loader() {
    let dist = tempfile::tempdir().unwrap();
    let loader = "\nimport init from '/app-abc.js';\nawait init();\n";
    std::fs::write(
        dist.path().join("index.html"),
        format!("<!doctype html><title>Mado</title><script type=\"module\">{loader}</script><script src=\"/x.js\"></script>"),
    )
    .unwrap();
    let mut config = TestDb::new(false).await.config();
    config.dist_dir = Some(dist.path().to_owned());
    let app = app(AppState::open(config).await.unwrap());
    let expected = {
        use base64::Engine;
        use sha2::Digest;
        format!(
            "'sha256-{}'",
            base64::engine::general_purpose::STANDARD.encode(sha2::Sha256::digest(loader))
        )
    };
    for path in ["/kiosk", "/api/offices", "/api/nowhere", "/healthz"] {
        let a = get(&app, path).await;
        let csp = a.headers[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.starts_with("default-src 'self'; script-src 'self' 'wasm-unsafe-eval' 'sha256-"),
            "{path}: {csp}"
        );
        assert!(csp.contains(&expected), "{path}: {csp}");
        assert_eq!(
            csp.matches("'sha256-").count(),
            1,
            "only the inline loader: {csp}"
        );
        assert!(csp.contains("object-src 'none'") && csp.contains("frame-ancestors 'none'"));
        assert_eq!(
            a.headers[header::X_CONTENT_TYPE_OPTIONS],
            "nosniff",
            "{path}"
        );
        assert_eq!(a.headers[header::REFERRER_POLICY], "no-referrer", "{path}");
        assert_eq!(a.headers[header::X_FRAME_OPTIONS], "DENY", "{path}");
        assert!(
            a.headers.get(header::STRICT_TRANSPORT_SECURITY).is_none(),
            "no HSTS without TLS"
        );
    }
}

#[tokio::test]
async fn public_endpoints_are_rate_limited_per_address_with_retry_after() {
    let (_db, app) = limited_app().await;
    let submit = |from: &'static str| {
        let app = app.clone();
        async move {
            send_from(
                &app,
                Method::POST,
                "/api/offices/kokurakita/submissions",
                Some("{}"),
                &format!("203.0.113.9, {from}"),
            )
            .await
        }
    };
    // Five at once are fine (each refused only for its empty body)…
    for _ in 0..5 {
        assert_error(
            &submit("198.51.100.7").await,
            StatusCode::BAD_REQUEST,
            "invalid_body",
        );
    }
    // …the sixth from the same address waits.
    let limited = submit("198.51.100.7").await;
    assert_error(&limited, StatusCode::TOO_MANY_REQUESTS, "rate_limited");
    let wait: u64 = limited.headers[header::RETRY_AFTER]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    assert!((1..=6).contains(&wait), "{wait}");
    // Another address (the last one the proxy added counts) is not affected.
    assert_error(
        &submit("198.51.100.8").await,
        StatusCode::BAD_REQUEST,
        "invalid_body",
    );
    // Reading is never limited.
    for _ in 0..50 {
        assert_eq!(get(&app, "/api/offices").await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn a_ticket_status_link_follows_the_ticket_and_cannot_be_guessed() {
    let (app, _) = test_app().await;
    let cookie = login(&app).await;
    let first = issue(&app, "kokuho").await;
    let second = issue(&app, "kokuho").await;
    let token = second["status_token"].as_str().unwrap().to_owned();
    assert!(
        token.starts_with(&format!("{}-", second["ticket"]["id"])),
        "{token}"
    );
    let status = get(&app, &format!("/api/ticket-status/{token}")).await;
    assert_eq!(status.status, StatusCode::OK, "{}", status.body);
    assert_eq!(status.body["ticket"]["number"]["seq"], 2);
    assert_eq!(status.body["ahead"], 1);
    // The holder's page is not a kiosk: it never gets a token of its own.
    assert!(status.body.get("status_token").is_none(), "{}", status.body);

    // The first is called: the second is next; then the second is called at counter 3.
    for expected in [&first, &second] {
        let called = send(
            &app,
            Method::POST,
            "/api/counters/3/call-next",
            Some(json!({})),
            Some(&cookie),
        )
        .await;
        assert_eq!(called.body["called"]["id"], expected["ticket"]["id"]);
    }
    let status = get(&app, &format!("/api/ticket-status/{token}")).await;
    assert_eq!(status.body["ticket"]["status"], "called");
    assert_eq!(status.body["ticket"]["counter_id"], 3);

    // Another ticket's id with this tag, a changed tag, nonsense: all unknown.
    let (id, tag) = token.split_once('-').unwrap();
    let other = first["ticket"]["id"].as_i64().unwrap();
    let mut flipped = tag.to_owned();
    flipped.replace_range(0..1, if tag.starts_with('0') { "1" } else { "0" });
    for bad in [
        format!("{other}-{tag}"),
        format!("{id}-{flipped}"),
        format!("{id}-{}", &tag[..31]),
        "x-y".to_owned(),
        "12".to_owned(),
    ] {
        let a = get(&app, &format!("/api/ticket-status/{bad}")).await;
        assert_error(&a, StatusCode::NOT_FOUND, "not_found");
    }
}

/// Waiting tickets per service, in the office's order.
type Counts = Vec<(String, i64)>;

/// The waiting counts of the board, and the same counted from the day's tickets.
async fn counts_and_queue(app: &Router, cookie: &str) -> (Counts, Counts) {
    let board = get(app, "/api/offices/kokurakita/board").await;
    let kept: Vec<(String, i64)> = board.body["waiting"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["service_id"].as_str().unwrap().to_owned(),
                w["count"].as_i64().unwrap(),
            )
        })
        .collect();
    let queue = send(
        app,
        Method::GET,
        "/api/offices/kokurakita/queue",
        None,
        Some(cookie),
    )
    .await;
    let tickets = queue.body["tickets"].as_array().unwrap();
    let counted = kept
        .iter()
        .map(|(service, _)| {
            let n = tickets
                .iter()
                .filter(|t| t["service_id"] == service.as_str() && t["status"] == "waiting")
                .count();
            (service.clone(), i64::try_from(n).unwrap())
        })
        .collect();
    (kept, counted)
}

#[tokio::test]
async fn the_waiting_counts_follow_every_change_of_a_ticket() {
    let (app, _) = test_app().await;
    let cookie = login(&app).await;
    let c = Some(cookie.as_str());
    let mut ids = Vec::new();
    for service in ["jumin", "jumin", "jumin", "kokuho", "kokuho"] {
        ids.push(issue(&app, service).await["ticket"]["id"].as_i64().unwrap());
    }
    let post = |path: String, body: Option<Value>| {
        let app = app.clone();
        async move {
            let a = send(&app, Method::POST, &path, body, c).await;
            assert!(a.status.is_success(), "{path}: {}", a.body);
        }
    };
    let check = |step: &'static str| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move {
            let (kept, counted) = counts_and_queue(&app, &cookie).await;
            assert_eq!(kept, counted, "after {step}");
            kept
        }
    };
    let kept = check("issuing").await;
    assert_eq!(kept[0], ("jumin".to_owned(), 3));
    assert_eq!(kept[1], ("kokuho".to_owned(), 2));
    post("/api/counters/1/call-next".into(), Some(json!({}))).await;
    check("a call").await;
    // A waiting ticket moves to another service; the called one goes back to waiting in a
    // third.
    post(
        format!("/api/tickets/{}/transfer", ids[1]),
        Some(json!({"service_id": "kokuho"})),
    )
    .await;
    check("moving a waiting ticket").await;
    post(
        format!("/api/tickets/{}/transfer", ids[0]),
        Some(json!({"service_id": "fukushi"})),
    )
    .await;
    let kept = check("moving a called ticket").await;
    assert_eq!(kept[0], ("jumin".to_owned(), 1));
    assert_eq!(kept[1], ("kokuho".to_owned(), 3));
    post("/api/counters/1/call-next".into(), Some(json!({}))).await;
    post(format!("/api/tickets/{}/recall", ids[2]), None).await;
    check("a recall").await;
    post(format!("/api/tickets/{}/no-show", ids[2]), None).await;
    check("a no-show").await;
    post("/api/counters/3/call-next".into(), Some(json!({}))).await;
    post("/api/counters/3/call-next".into(), Some(json!({}))).await;
    check("a call that finishes one and calls the next").await;
    post(format!("/api/tickets/{}/done", ids[3]), None).await;
    check("done").await;
}

#[tokio::test]
async fn upgrading_counts_the_tickets_already_waiting() {
    let db = TestDb::new(true).await;
    let (app, state) = test_app_on(&db).await;
    let cookie = login(&app).await;
    for service in ["jumin", "jumin", "kokuho"] {
        issue(&app, service).await;
    }
    send(
        &app,
        Method::POST,
        "/api/counters/1/call-next",
        Some(json!({})),
        Some(&cookie),
    )
    .await;
    // The database as it was before migration 13, with these tickets.
    let downgrade = if db.is_postgres() {
        "DROP TRIGGER tickets_count_waiting ON tickets; DROP FUNCTION mado_count_waiting(); DROP TABLE waiting_counts; DROP INDEX tickets_called; DROP INDEX tickets_counter_day; DROP INDEX tickets_reserved; DELETE FROM schema_migrations WHERE version = 13"
    } else {
        "DROP TRIGGER tickets_waiting_insert; DROP TRIGGER tickets_waiting_update; DROP TRIGGER tickets_waiting_delete; DROP TABLE waiting_counts; DROP INDEX tickets_called; DROP INDEX tickets_counter_day; DROP INDEX tickets_reserved; DELETE FROM schema_migrations WHERE version = 13"
    };
    sqlx::raw_sql(sqlx::AssertSqlSafe(downgrade))
        .execute(&state.db)
        .await
        .unwrap();
    state.db.close().await;
    drop((app, state));
    let (app, _state) = test_app_on(&db).await;
    let cookie = login(&app).await;
    let (kept, counted) = counts_and_queue(&app, &cookie).await;
    assert_eq!(kept, counted);
    assert_eq!(kept[0], ("jumin".to_owned(), 1));
    assert_eq!(kept[1], ("kokuho".to_owned(), 1));
    // And they are kept from then on.
    issue(&app, "kokuho").await;
    let (kept, counted) = counts_and_queue(&app, &cookie).await;
    assert_eq!(kept, counted);
    assert_eq!(kept[1], ("kokuho".to_owned(), 2));
}

#[tokio::test]
async fn sqlite_copies_its_log_into_the_database_file_beside_the_writers() {
    let db = TestDb::new(true).await;
    if db.is_postgres() {
        // PostgreSQL checkpoints by itself.
        return;
    }
    let file = std::path::PathBuf::from(db.url.trim_start_matches("sqlite://"));
    let (app, _state) = test_app_on(&db).await;
    let size = || std::fs::metadata(&file).unwrap().len();
    // Let a first checkpoint take what opening wrote.
    tokio::time::sleep(std::time::Duration::from_millis(1500)).await;
    let before = size();
    for _ in 0..200 {
        issue(&app, "jumin").await;
    }
    // Far below the 64 MB at which a writer would checkpoint: only the relay's own
    // checkpoints move these tickets into the file.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
    while size() <= before {
        assert!(
            std::time::Instant::now() < deadline,
            "the database file stayed at {before} bytes"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
}

/// The office-local day (`YYYY-MM-DD`) and minute after midnight now, as the relay reckons.
fn local_now() -> (String, u16) {
    let now = mado_relay::now_ms();
    let minute = ((now + 9 * 3_600_000).rem_euclid(86_400_000) / 60_000) as u16;
    (mado_relay::local_day(now), minute)
}

async fn settings(app: &Router, cookie: &str) -> Value {
    let a = send(
        app,
        Method::GET,
        "/api/offices/kokurakita/settings",
        None,
        Some(cookie),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.body
}

async fn save_settings(app: &Router, cookie: &str, s: &Value) {
    let a = send(
        app,
        Method::PUT,
        "/api/offices/kokurakita/settings",
        Some(s.clone()),
        Some(cookie),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
}

/// Issue 17 item 6: on a day the office is closed, no walk-in ticket is issued (409 `closed`,
/// saying why and when tickets start again) and nothing is stored; `GET …/walk-in` tells a
/// kiosk the same before anybody taps.
#[tokio::test]
async fn issue_17_walk_in_tickets_are_refused_on_a_closed_day_with_the_next_opening() {
    let (app, _) = test_app().await;
    let cookie = login(&app).await;
    let mut s = settings(&app, &cookie).await;
    // Closed every weekday; one 休日開庁 morning the day after tomorrow.
    let (today, _) = local_now();
    let later = mado_civil::Date::parse_iso(&today)
        .unwrap()
        .add_days(2)
        .to_string();
    s["calendar"]["weekly"] = json!([[], [], [], [], [], [], []]);
    s["calendar"]["extra"] = json!([[later, [[540, 720]]]]);
    save_settings(&app, &cookie, &s).await;

    let a = walk_in(&app, "jumin").await;
    assert_error(&a, StatusCode::CONFLICT, "closed");
    let walk_in = &a.body["error"]["walk_in"];
    assert_eq!(walk_in["state"], "closed", "{}", a.body);
    assert_eq!(walk_in["why"]["kind"], "closed_day", "{}", a.body);
    assert_eq!(walk_in["next"], json!({"day": later, "at": 540}));
    let message = a.body["error"]["message"].as_str().unwrap();
    assert!(
        message.contains(&format!("next from {later} 09:00")),
        "{message}"
    );
    // Nothing was issued.
    let board = get(&app, "/api/offices/kokurakita/board").await.body;
    assert_eq!(board["last_event_id"], 0, "{board}");
    assert!(
        board["waiting"]
            .as_array()
            .unwrap()
            .iter()
            .all(|w| w["count"] == 0),
        "{board}"
    );

    let hours = get(&app, "/api/offices/kokurakita/walk-in").await;
    assert_eq!(hours.status, StatusCode::OK);
    let services = hours.body.as_array().unwrap();
    assert_eq!(services.len(), 5);
    assert!(
        services
            .iter()
            .all(|s| s["walk_in"]["state"] == "closed" && s["walk_in"]["next"]["day"] == later),
        "{}",
        hours.body
    );
}

/// Issue 17 item 6: a service's cut-off (受付は閉庁の何分前まで) ends its walk-in tickets
/// before the office closes, while another service still issues them; a kiosk's retry of a
/// ticket issued before the cut-off still gets that ticket, a new request does not.
#[tokio::test]
async fn issue_17_walk_in_tickets_end_at_the_services_cut_off() {
    let (app, _) = test_app().await;
    let cookie = login(&app).await;
    // Today open from midnight until two hours from now (at most until midnight).
    let (today, minute) = local_now();
    let close = (minute + 120).min(24 * 60);
    let mut s = settings(&app, &cookie).await;
    s["calendar"]["extra"] = json!([[today, [[0, close]]]]);
    save_settings(&app, &cookie, &s).await;
    let before = send_raw(&app, keyed_ticket("before-the-cut-off", "kokuho")).await;
    assert_eq!(before.status, StatusCode::CREATED, "{}", before.body);

    // 住民異動 and 国保 now stop four hours before the closing: already past.
    s["services"][0]["walk_in_cutoff_minutes"] = json!(240);
    s["services"][1]["walk_in_cutoff_minutes"] = json!(240);
    save_settings(&app, &cookie, &s).await;
    let a = walk_in(&app, "jumin").await;
    assert_error(&a, StatusCode::CONFLICT, "closed");
    assert_eq!(
        a.body["error"]["walk_in"]["why"]["kind"], "ended",
        "{}",
        a.body
    );
    // Another service without a cut-off still issues tickets until the closing.
    let c = walk_in(&app, "fukushi").await;
    assert_eq!(c.status, StatusCode::CREATED, "{}", c.body);
    let hours = get(&app, "/api/offices/kokurakita/walk-in").await.body;
    assert_eq!(hours[2]["service_id"], "fukushi");
    assert_eq!(
        hours[2]["walk_in"],
        json!({"state": "open", "until": close})
    );
    assert_eq!(hours[0]["walk_in"]["state"], "closed");

    // The kiosk's retry of the ticket issued before: the same ticket.
    let retry = send_raw(&app, keyed_ticket("before-the-cut-off", "kokuho")).await;
    assert_eq!(retry.status, StatusCode::OK, "{}", retry.body);
    assert_eq!(retry.body["ticket"]["id"], before.body["ticket"]["id"]);
    let fresh = send_raw(&app, keyed_ticket("after-the-cut-off", "kokuho")).await;
    assert_error(&fresh, StatusCode::CONFLICT, "closed");

    // The cut-off is kept with the settings, and refused beyond 240 minutes.
    let stored = settings(&app, &cookie).await;
    assert_eq!(stored["services"][0]["walk_in_cutoff_minutes"], 240);
    s["services"][0]["walk_in_cutoff_minutes"] = json!(241);
    let a = send(
        &app,
        Method::PUT,
        "/api/offices/kokurakita/settings",
        Some(s),
        Some(&cookie),
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_settings");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("services[0].walk_in_cutoff_minutes"),
        "{}",
        a.body
    );
}

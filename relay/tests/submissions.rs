//! Online pre-applications: sending, the resident's status page, the staff inbox, opening
//! at the counter, statuses with history, exports and the retention purge. The same tests
//! run on PostgreSQL when `MADO_TEST_POSTGRES` is set.

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use serde_json::{Value, json};

mod common;
use common::*;

fn sample(name: &str) -> Value {
    json!({
        "pack": "okuyami",
        "version": "2026.11",
        "city": "kitakyushu",
        "date": "2026-11-20",
        "answers": {"death_date": "2026-11-18", "deceased_age": 80},
        "procedures": [
            {"id": "kokuho_soshitsu", "name": "国民健康保険の資格喪失", "status": "required"},
            {"id": "sosaihi", "name": "葬祭費の支給申請", "status": "may_apply"}
        ],
        "applicant": {
            "name": name,
            "kana": "まどぐち はなこ",
            "birth_date": "1960-04-01",
            "sex": "female",
            "postal_code": "803-8501",
            "address": "北九州市小倉北区大手町1-1",
            "phone": "093-582-3333"
        },
        "note": "=1+1 平日の午前に伺います"
    })
}

async fn submit(app: &Router, body: &Value, key: Option<&str>) -> Answer {
    let mut req = Request::builder()
        .method(Method::POST)
        .uri("/api/offices/kokurakita/submissions")
        .header(header::CONTENT_TYPE, "application/json");
    if let Some(k) = key {
        req = req.header("idempotency-key", k);
    }
    send_raw(app, req.body(Body::from(body.to_string())).unwrap()).await
}

/// `POST /api/offices/{office}/submissions/open` as staff with `cookie`.
async fn open_at(app: &Router, cookie: &str, office: &str, body: Value) -> Answer {
    send(
        app,
        Method::POST,
        &format!("/api/offices/{office}/submissions/open"),
        Some(body),
        Some(cookie),
    )
    .await
}

async fn count(state: &mado_relay::AppState, table: &str) -> i64 {
    sqlx::query_scalar(sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
        .fetch_one(&state.db)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_resident_sends_a_pre_application_and_follows_it_by_its_link() {
    let (app, state) = test_app().await;
    let sent = submit(&app, &sample("窓口 花子"), Some("k-1")).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    let code = sent.body["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 9, "XXXX-XXXX: {code}");
    assert_eq!(&code[4..5], "-");
    assert_eq!(sent.body["status"], "received");
    let token = sent.body["token"].as_str().unwrap().to_owned();
    assert_eq!(token.len(), 64);

    // A retry with the same key (the resident's phone lost the answer): the same receipt.
    let again = submit(&app, &sample("窓口 花子"), Some("k-1")).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(again.body["code"], code.as_str());
    assert_eq!(again.body["token"], token.as_str());
    assert_eq!(count(&state, "submissions").await, 1);

    let progress = get(&app, &format!("/api/submission-status/{token}")).await;
    assert_eq!(progress.status, StatusCode::OK);
    assert_eq!(progress.body["status"], "received");
    assert_eq!(progress.body["code"], code.as_str());
    assert_eq!(progress.body["procedures"][1], "葬祭費の支給申請");
    assert!(
        !progress.body.to_string().contains("窓口 花子"),
        "the status page carries no personal details: {}",
        progress.body
    );
    let unknown = get(&app, &format!("/api/submission-status/{}", "0".repeat(64))).await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_bad_pre_application_names_every_wrong_field_and_stores_nothing() {
    let (app, state) = test_app().await;
    let mut bad = sample("");
    bad["applicant"]["birth_date"] = json!("1960/04/01");
    bad["applicant"]["phone"] = json!("call me");
    bad["procedures"] = json!([]);
    let a = submit(&app, &bad, None).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_submission");
    let message = a.body["error"]["message"].as_str().unwrap();
    for field in [
        "procedures",
        "applicant.name",
        "applicant.birth_date",
        "applicant.phone",
    ] {
        assert!(message.contains(field), "{field} in {message}");
    }
    let mut unknown_field = sample("窓口 花子");
    unknown_field["applicant"]["my_number"] = json!("123456789012");
    let a = submit(&app, &unknown_field, None).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_body");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("my_number")
    );
    let mut stranger = sample("窓口 花子");
    stranger["reservation_token"] = json!("f".repeat(64));
    let a = submit(&app, &stranger, None).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "unknown_reservation");
    assert_eq!(count(&state, "submissions").await, 0);
    assert_eq!(count(&state, "submission_history").await, 0);
}

#[tokio::test]
async fn staff_open_it_at_the_counter_and_complete_it_with_history() {
    let (app, _state) = test_app().await;
    let sent = submit(&app, &sample("窓口 花子"), None).await;
    let code = sent.body["code"].as_str().unwrap().to_owned();
    let token = sent.body["token"].as_str().unwrap().to_owned();

    // Staff only.
    let anonymous = get(&app, "/api/offices/kokurakita/submissions").await;
    assert_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthorized");
    let cookie = login(&app).await;
    let inbox = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/submissions?status=received",
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(inbox.status, StatusCode::OK, "{}", inbox.body);
    assert_eq!(inbox.body.as_array().unwrap().len(), 1);
    assert_eq!(inbox.body[0]["name"], "窓口 花子");
    assert_eq!(inbox.body[0]["procedures"], 2);

    // Typed at the counter in lower case without the hyphen, as an IME might.
    let typed = code.replace('-', "").to_lowercase();
    let opened = open_at(&app, &cookie, "kokurakita", json!({ "code": typed })).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    assert_eq!(opened.body["status"], "in_progress");
    assert_eq!(opened.body["applicant"]["name"], "窓口 花子");
    assert_eq!(opened.body["answers"]["deceased_age"], 80);
    let id = opened.body["id"].as_i64().unwrap();
    // Scanning the QR code (the status link) finds the same one.
    let scanned = open_at(
        &app,
        &cookie,
        "kokurakita",
        json!({ "token": format!("https://mado.example/s#{token}") }),
    )
    .await;
    assert_eq!(scanned.body["id"], id);
    let wrong = open_at(&app, &cookie, "kokurakita", json!({ "code": "AAAA-AAAA" })).await;
    assert_error(&wrong, StatusCode::NOT_FOUND, "not_found");

    let status = |body: Value| {
        let app = app.clone();
        let cookie = cookie.clone();
        async move {
            send(
                &app,
                Method::POST,
                &format!("/api/submissions/{id}/status"),
                Some(body),
                Some(&cookie),
            )
            .await
        }
    };
    let a = status(json!({"status": "returned"})).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_body");
    let a = status(json!({"status": "completed", "note": "本日受付"})).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body["status"], "completed");
    let a = status(json!({"status": "returned", "note": "印鑑をお持ちください"})).await;
    assert_error(&a, StatusCode::CONFLICT, "conflict");

    let full = send(
        &app,
        Method::GET,
        &format!("/api/submissions/{id}"),
        None,
        Some(&cookie),
    )
    .await;
    let history: Vec<(&str, Option<&str>)> = full.body["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["status"].as_str().unwrap(), h["by"].as_str()))
        .collect();
    assert_eq!(
        history,
        [
            ("received", None),
            ("in_progress", Some("管理者")),
            ("completed", Some("管理者"))
        ]
    );
    // The resident sees the steps, not who made them.
    let progress = get(&app, &format!("/api/submission-status/{token}")).await;
    assert_eq!(progress.body["status"], "completed");
    assert_eq!(progress.body["history"].as_array().unwrap().len(), 3);
    assert!(!progress.body.to_string().contains("管理者"));
}

/// Issue 19 item 6: a ticket checked in for a booking that came with a pre-application
/// opens that pre-application at the counter that calls it; a walk-in ticket has none.
#[tokio::test]
async fn the_ticket_of_a_booking_opens_its_pre_application() {
    let (app, state) = test_app().await;
    open_all_day(&state).await;
    let (token, code) = booked_today(&state, 0, None).await;
    let mut body = sample("窓口 花子");
    body["reservation_token"] = json!(token);
    let sent = submit(&app, &body, None).await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    let checked = send(
        &app,
        Method::POST,
        "/api/offices/kokurakita/check-in",
        Some(json!({ "code": code })),
        None,
    )
    .await;
    assert_eq!(checked.status, StatusCode::CREATED, "{}", checked.body);
    let ticket = checked.body["ticket"]["id"].as_i64().unwrap();
    let walk = walk_in(&app, "jumin").await;
    assert_eq!(walk.status, StatusCode::CREATED, "{}", walk.body);
    let walk = walk.body["ticket"]["id"].as_i64().unwrap();

    let cookie = login(&app).await;
    let open = |body: Value| open_at(&app, &cookie, "kokurakita", body);
    let opened = open(json!({ "ticket": ticket })).await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    assert_eq!(opened.body["code"], sent.body["code"]);
    assert_eq!(opened.body["status"], "in_progress");
    assert_eq!(opened.body["applicant"]["name"], "窓口 花子");
    let none = open(json!({ "ticket": walk })).await;
    assert_error(&none, StatusCode::NOT_FOUND, "not_found");
    assert!(
        none.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("no pre-application"),
        "{}",
        none.body
    );
    // The ticket of another office is not this office's.
    let elsewhere = open_at(&app, &cookie, "moji", json!({ "ticket": ticket })).await;
    assert_ne!(elsewhere.status, StatusCode::OK, "{}", elsewhere.body);
    let both = open(json!({ "ticket": ticket, "code": code })).await;
    assert_error(&both, StatusCode::BAD_REQUEST, "invalid_body");
}

#[tokio::test]
async fn exports_give_csv_and_json_with_the_filters_of_the_inbox() {
    let (app, _state) = test_app().await;
    submit(&app, &sample("窓口 花子"), None).await;
    submit(&app, &sample("門司 太郎"), None).await;
    let cookie = login(&app).await;
    let csv = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/submissions/export.csv?q=%E7%AA%93%E5%8F%A3",
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(csv.status, StatusCode::OK);
    assert_eq!(csv.headers[header::CONTENT_TYPE], "text/csv; charset=utf-8");
    let text = csv.body.as_str().unwrap();
    assert!(
        text.starts_with("\u{FEFF}受付番号,受付日時,状態,"),
        "{text}"
    );
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 2, "header and the one match: {text}");
    assert!(lines[1].contains(",受付済,"));
    // Issue 17 item 14: names as staff read them, ids beside them.
    assert!(
        lines[1].contains(",ご家族が亡くなったとき（おくやみ）,okuyami,北九州市,kitakyushu,"),
        "{}",
        lines[1]
    );
    assert!(lines[1].contains("窓口 花子"));
    assert!(lines[1].contains("国民健康保険の資格喪失、葬祭費の支給申請"));
    assert!(
        lines[1].ends_with("'=1+1 平日の午前に伺います"),
        "{}",
        lines[1]
    );
    assert!(!text.contains("門司"));

    let json = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/submissions/export.json?status=received",
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(json.status, StatusCode::OK);
    let list = json.body.as_array().unwrap();
    assert_eq!(list.len(), 2);
    assert_eq!(list[0]["history"][0]["status"], "received");
    let bad = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/submissions?status=done",
        None,
        Some(&cookie),
    )
    .await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "invalid_query");
    let anonymous = get(&app, "/api/offices/kokurakita/submissions/export.csv").await;
    assert_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthorized");
}

/// The JSON export carries each pre-application's own history, as staff see it one by one:
/// read for the whole export at once, no change lands on the wrong pre-application.
#[tokio::test]
async fn the_json_export_gives_each_pre_application_its_own_history() {
    let (app, _state) = test_app().await;
    let cookie = login(&app).await;
    let mut ids = Vec::new();
    for name in ["窓口 花子", "窓口 太郎", "窓口 次郎"] {
        let sent = submit(&app, &sample(name), None).await;
        assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
        ids.push(sent.body["code"].as_str().unwrap().to_owned());
    }
    // The first is opened and completed, the second only opened, the third left as sent.
    let mut opened = Vec::new();
    for code in &ids[..2] {
        let a = open_at(&app, &cookie, "kokurakita", json!({ "code": code })).await;
        assert_eq!(a.status, StatusCode::OK, "{}", a.body);
        opened.push(a.body["id"].as_i64().unwrap());
    }
    let done = send(
        &app,
        Method::POST,
        &format!("/api/submissions/{}/status", opened[0]),
        Some(json!({"status": "completed", "note": "本日受付"})),
        Some(&cookie),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    let export = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/submissions/export.json",
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(export.status, StatusCode::OK, "{}", export.body);
    let list = export.body.as_array().unwrap();
    assert_eq!(list.len(), 3);
    let mut steps = Vec::new();
    for item in list {
        let one = send(
            &app,
            Method::GET,
            &format!("/api/submissions/{}", item["id"]),
            None,
            Some(&cookie),
        )
        .await;
        assert_eq!(item["history"], one.body["history"], "{}", item["id"]);
        let statuses: Vec<&str> = item["history"]
            .as_array()
            .unwrap()
            .iter()
            .map(|h| h["status"].as_str().unwrap())
            .collect();
        steps.push((item["applicant"]["name"].as_str().unwrap(), statuses));
    }
    steps.sort();
    assert_eq!(
        steps,
        [
            ("窓口 太郎", vec!["received", "in_progress"]),
            ("窓口 次郎", vec!["received"]),
            ("窓口 花子", vec!["received", "in_progress", "completed"]),
        ]
    );
    let completed = &list
        .iter()
        .find(|i| i["applicant"]["name"] == "窓口 花子")
        .unwrap()["history"][2];
    assert_eq!(completed["note"], "本日受付");
    assert!(completed["by"].is_string(), "{completed}");
}

#[tokio::test]
async fn the_retention_purge_deletes_details_and_keeps_anonymous_counts() {
    let (app, state) = test_app().await;
    let sent = submit(&app, &sample("窓口 花子"), None).await;
    let token = sent.body["token"].as_str().unwrap().to_owned();
    let now = chrono_now();
    assert_eq!(
        mado_relay::purge_submissions(&state, 30, now)
            .await
            .unwrap(),
        0,
        "nothing is old enough yet"
    );
    let later = now + 31 * 86_400_000;
    assert_eq!(
        mado_relay::purge_submissions(&state, 30, later)
            .await
            .unwrap(),
        1
    );
    assert_eq!(count(&state, "submissions").await, 0);
    assert_eq!(count(&state, "submission_history").await, 0);
    let gone = get(&app, &format!("/api/submission-status/{token}")).await;
    assert_error(&gone, StatusCode::NOT_FOUND, "not_found");
    let stats: Vec<(String, String, i64)> =
        sqlx::query_as("SELECT pack, status, count FROM submission_stats")
            .fetch_all(&state.db)
            .await
            .unwrap();
    assert_eq!(stats, [("okuyami".into(), "received".into(), 1)]);
}

fn chrono_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64
}

#[tokio::test]
async fn office_statistics_count_waits_service_times_and_pre_applications() {
    let (app, _state) = test_app().await;
    let cookie = login(&app).await;
    submit(&app, &sample("窓口 花子"), None).await;
    for _ in 0..2 {
        let t = walk_in(&app, "jumin").await;
        assert_eq!(t.status, StatusCode::CREATED);
    }
    // Call both at counter 1: the second call finishes the first.
    for _ in 0..2 {
        let c = send(
            &app,
            Method::POST,
            "/api/counters/1/call-next",
            Some(json!({})),
            Some(&cookie),
        )
        .await;
        assert_eq!(c.status, StatusCode::OK, "{}", c.body);
    }
    let stats = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/stats",
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(stats.status, StatusCode::OK, "{}", stats.body);
    let hours = stats.body["hours"].as_array().unwrap();
    assert_eq!(hours.len(), 1, "{}", stats.body);
    assert_eq!(hours[0]["service_id"], "jumin");
    assert_eq!(hours[0]["wait"]["count"], 2);
    assert_eq!(
        hours[0]["service"]["count"], 1,
        "one finished, one at the counter"
    );
    assert_eq!(
        stats.body["submissions"],
        json!([{"pack": "okuyami", "status": "received", "count": 1}])
    );
    let bad = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/stats?from=2026-12-01&to=2026-11-01",
        None,
        Some(&cookie),
    )
    .await;
    assert_error(&bad, StatusCode::BAD_REQUEST, "invalid_query");
}

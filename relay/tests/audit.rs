//! The audit trail (issue 21): staff logins and failures, every view, status change and export
//! of a pre-application, every change in 管理 — who, when, what, to which thing, with ids only.
//! Appended and never changed; kept for the retention period; listed and exported in 管理.
//! On SQLite, and on PostgreSQL when `MADO_TEST_POSTGRES` is set.

mod common;

use axum::http::{Method, StatusCode, header};
use common::*;
use serde_json::{Value, json};

/// What a resident typed into the pre-application: none of it may reach the audit trail.
const NAME: &str = "監査 花子";
const KANA: &str = "かんさ はなこ";
const ADDRESS: &str = "北九州市小倉北区城内9-9";
const PHONE: &str = "093-000-1234";

fn pre_application() -> Value {
    json!({
        "pack": "okuyami",
        "version": "2026.12.5",
        "city": "kitakyushu",
        "date": "2026-12-07",
        "answers": {"death_date": "2026-12-05", "deceased_age": 80},
        "procedures": [{"id": "shibou-todoke", "name": "死亡届", "status": "required"}],
        "applicant": {
            "name": NAME, "kana": KANA, "birth_date": "1950-02-03", "sex": "female",
            "postal_code": "803-8510", "address": ADDRESS, "phone": PHONE
        }
    })
}

async fn trail(app: &axum::Router, admin: &str, query: &str) -> Vec<Value> {
    let a = send(
        app,
        Method::GET,
        &format!("/api/audit?{query}"),
        None,
        Some(admin),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.body.as_array().unwrap().clone()
}

fn actions(list: &[Value]) -> Vec<String> {
    list.iter()
        .map(|e| e["action"].as_str().unwrap().to_owned())
        .collect()
}

async fn log_in(app: &axum::Router, login: &str, password: &str) -> Answer {
    send(
        app,
        Method::POST,
        "/api/auth/login",
        Some(json!({"login": login, "password": password})),
        None,
    )
    .await
}

#[tokio::test]
async fn logins_pre_applications_and_admin_changes_are_recorded_with_ids_only() {
    let (app, _state) = test_app().await;
    // Logins: an unknown login (a password typed in the login field), a wrong password, a
    // right one.
    let typed = "Secret-Typed-In-Login";
    assert_eq!(
        log_in(&app, typed, "x").await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_eq!(
        log_in(&app, "admin", "wrong password").await.status,
        StatusCode::UNAUTHORIZED
    );
    let admin = login(&app).await;

    // A resident's pre-application, read, opened by its code, moved on and exported.
    let sent = send(
        &app,
        Method::POST,
        "/api/offices/kokurakita/submissions",
        Some(pre_application()),
        None,
    )
    .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    let code = sent.body["code"].as_str().unwrap().to_owned();
    let inbox = "/api/offices/kokurakita/submissions";
    assert_eq!(
        send(&app, Method::GET, inbox, None, Some(&admin))
            .await
            .status,
        StatusCode::OK
    );
    let opened = send(
        &app,
        Method::POST,
        "/api/offices/kokurakita/submissions/open",
        Some(json!({"code": code})),
        Some(&admin),
    )
    .await;
    assert_eq!(opened.status, StatusCode::OK, "{}", opened.body);
    let id = opened.body["id"].as_i64().unwrap();
    let one = format!("/api/submissions/{id}");
    assert_eq!(
        send(&app, Method::GET, &one, None, Some(&admin))
            .await
            .status,
        StatusCode::OK
    );
    let done = send(
        &app,
        Method::POST,
        &format!("{one}/status"),
        Some(json!({"status": "completed"})),
        Some(&admin),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    for kind in ["csv", "json"] {
        let uri = format!("{inbox}/export.{kind}");
        assert_eq!(
            send(&app, Method::GET, &uri, None, Some(&admin))
                .await
                .status,
            StatusCode::OK
        );
    }

    // Changes in 管理: a staff account added and changed, a device registered and revoked,
    // the office's settings and kiosk policy.
    let clerk = send(
        &app,
        Method::POST,
        "/api/staff",
        Some(json!({"login": "kansa.t", "display_name": "監査 太郎", "role": "staff", "password": "long enough 1"})),
        Some(&admin),
    )
    .await;
    assert_eq!(clerk.status, StatusCode::CREATED, "{}", clerk.body);
    let clerk_id = clerk.body["id"].as_i64().unwrap();
    let changed = send(
        &app,
        Method::PUT,
        &format!("/api/staff/{clerk_id}"),
        Some(json!({"display_name": "監査 次郎", "password": "another long one 2"})),
        Some(&admin),
    )
    .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    let device = send(
        &app,
        Method::POST,
        "/api/offices/kokurakita/devices",
        Some(json!({"kind": "display", "label": "ロビーの画面"})),
        Some(&admin),
    )
    .await;
    assert_eq!(device.status, StatusCode::CREATED, "{}", device.body);
    let device_id = device.body["device"]["id"].as_i64().unwrap();
    let revoked = send(
        &app,
        Method::DELETE,
        &format!("/api/devices/{device_id}"),
        None,
        Some(&admin),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK, "{}", revoked.body);
    let settings = "/api/offices/kokurakita/settings";
    let current = send(&app, Method::GET, settings, None, Some(&admin)).await;
    let saved = send(
        &app,
        Method::PUT,
        settings,
        Some(current.body),
        Some(&admin),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let policy = send(
        &app,
        Method::PUT,
        "/api/offices/kokurakita/kiosk-policy",
        Some(json!({"kiosks_only": false})),
        Some(&admin),
    )
    .await;
    assert_eq!(policy.status, StatusCode::OK, "{}", policy.body);
    let bye = send(&app, Method::POST, "/api/auth/logout", None, Some(&admin)).await;
    assert_eq!(bye.status, StatusCode::NO_CONTENT);
    let admin = login(&app).await;

    let list = trail(&app, &admin, "").await;
    let mut seen = actions(&list);
    seen.reverse();
    assert_eq!(
        seen,
        [
            "login_failed",
            "login_failed",
            "login",
            "submissions_listed",
            "submission_viewed",
            "submission_viewed",
            "submission_status",
            "submissions_exported",
            "submissions_exported",
            "staff_created",
            "staff_updated",
            "device_created",
            "device_revoked",
            "settings_changed",
            "kiosk_policy_changed",
            "logout",
            "login",
        ]
    );
    let find = |action: &str| list.iter().rev().find(|e| e["action"] == action).unwrap();
    // Who: the unknown login names nobody; the wrong password names the account.
    assert!(find("login_failed").get("staff_id").is_none());
    assert_eq!(find("login_failed")["detail"], "登録のないログインID");
    let wrong = list
        .iter()
        .rev()
        .filter(|e| e["action"] == "login_failed")
        .nth(1)
        .unwrap();
    assert_eq!(wrong["staff_login"], "admin");
    assert_eq!(wrong["detail"], "1回続けて誤り");
    // To what: the pre-application by id, the account, the device.
    assert_eq!(
        find("submission_viewed")["target"],
        format!("submission:{id}")
    );
    assert_eq!(find("submission_viewed")["detail"], "受付番号で開く");
    assert_eq!(find("submission_viewed")["office_id"], "kokurakita");
    assert_eq!(find("submission_status")["detail"], "完了");
    assert_eq!(find("submissions_exported")["detail"], "CSV・1件");
    assert_eq!(find("staff_updated")["target"], format!("staff:{clerk_id}"));
    assert_eq!(find("staff_updated")["detail"], "表示名、パスワード");
    assert_eq!(
        find("device_revoked")["target"],
        format!("device:{device_id}")
    );
    assert!(list.iter().all(|e| e["at_ms"].as_i64().unwrap() > 0));

    // Nothing a resident or a staff member typed: no name, address, phone, code, password,
    // nor the text typed as a login.
    let text = list.iter().map(Value::to_string).collect::<String>();
    for secret in [
        NAME,
        KANA,
        ADDRESS,
        PHONE,
        code.as_str(),
        typed,
        "wrong password",
        "監査 太郎",
        "監査 次郎",
        "long enough 1",
        "ロビーの画面",
    ] {
        assert!(
            !text.contains(secret),
            "{secret:?} in the audit trail: {text}"
        );
    }

    // Filters: one action, one staff member; a wrong action is named.
    let failed = trail(&app, &admin, "action=login_failed").await;
    assert_eq!(actions(&failed), ["login_failed", "login_failed"]);
    let by_admin = trail(&app, &admin, &format!("staff={}", wrong["staff_id"])).await;
    assert!(by_admin.iter().all(|e| e["staff_id"] == wrong["staff_id"]));
    assert_eq!(by_admin.len(), list.len() - 1, "all but the unknown login");
    let a = send(
        &app,
        Method::GET,
        "/api/audit?action=tea",
        None,
        Some(&admin),
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_query");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("login_failed")
    );
}

#[tokio::test]
async fn the_csv_export_has_a_japanese_header_and_is_itself_recorded() {
    let (app, _state) = test_app().await;
    let admin = login(&app).await;
    let a = send_raw(
        &app,
        axum::http::Request::get("/api/audit/export.csv")
            .header(header::COOKIE, &admin)
            .body(axum::body::Body::empty())
            .unwrap(),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers[header::CACHE_CONTROL], "no-store");
    let csv = a.body.as_str().unwrap();
    assert!(csv.starts_with('\u{FEFF}'));
    let mut lines = csv.trim_start_matches('\u{FEFF}').split("\r\n");
    assert_eq!(
        lines.next().unwrap(),
        "日時,操作,操作ID,職員ID,ログインID,事務所,対象,内容"
    );
    let row = lines.next().unwrap();
    assert!(
        row.contains(",ログイン,login,") && row.contains(",admin,"),
        "{row}"
    );
    let list = trail(&app, &admin, "").await;
    assert_eq!(list[0]["action"], "audit_exported");
    assert_eq!(list[0]["detail"], "1件");
}

#[tokio::test]
async fn only_admins_read_the_trail() {
    let (app, state) = test_app().await;
    let clerk = clerk(&app, &state).await;
    for uri in ["/api/audit", "/api/audit/export.csv"] {
        let a = send(&app, Method::GET, uri, None, Some(&clerk)).await;
        assert_error(&a, StatusCode::FORBIDDEN, "forbidden");
        let a = send(&app, Method::GET, uri, None, None).await;
        assert_error(&a, StatusCode::UNAUTHORIZED, "unauthorized");
    }
}

/// Appended, never changed: the database itself refuses to change an entry (both engines).
/// Entries older than the retention period go; newer ones stay.
#[tokio::test]
async fn entries_cannot_be_changed_and_go_after_the_retention_period() {
    let (app, state) = test_app().await;
    let admin = login(&app).await;
    let changed = sqlx::query("UPDATE audit SET detail = 'rewritten'")
        .execute(&state.db)
        .await;
    let err = changed.expect_err("an UPDATE of the audit trail must fail");
    assert!(err.to_string().contains("append-only"), "{err}");

    const DAY: i64 = 86_400_000;
    let now = mado_relay::now_ms();
    for (age_days, detail) in [(400, "old"), (366, "just over"), (364, "just under")] {
        sqlx::query("INSERT INTO audit (at_ms, action, staff_id, target, detail) VALUES ($1, 'login', 1, '', $2)")
            .bind(now - age_days * DAY)
            .bind(detail)
            .execute(&state.db)
            .await
            .unwrap();
    }
    let gone = mado_relay::purge_audit(&state, 365, now).await.unwrap();
    assert_eq!(gone, 2);
    let left: Vec<String> = sqlx::query_scalar("SELECT detail FROM audit ORDER BY at_ms")
        .fetch_all(&state.db)
        .await
        .unwrap();
    assert_eq!(
        left,
        ["just under", ""],
        "the old entries went, the login stayed"
    );
    let from = mado_civil::Date::from_days_since_epoch((now - 400 * DAY) / DAY);
    let list = trail(&app, &admin, &format!("from={from}")).await;
    assert_eq!(list.len(), 2);
}

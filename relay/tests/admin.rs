//! `/admin` through the HTTP API: an office's settings (services, average times, counters,
//! hours, booking rules) saved whole and seen at once by kiosks and bookings; refusals that
//! name the field; nothing lost (services with residents waiting or booked are not removed);
//! staff accounts (add, disable, new password, roles) with their sessions.

use axum::http::{Method, StatusCode};
use mado_civil::Date;
use mado_relay::local_day;
use mado_wire::calendar::OfficeCalendar;
use serde_json::{Value, json};

mod common;
use common::*;

const SETTINGS: &str = "/api/offices/kokurakita/settings";

async fn settings(app: &axum::Router, cookie: &str) -> Value {
    let a = send(app, Method::GET, SETTINGS, None, Some(cookie)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    a.body
}

async fn put(app: &axum::Router, cookie: &str, body: &Value) -> Answer {
    send(app, Method::PUT, SETTINGS, Some(body.clone()), Some(cookie)).await
}

fn open_day() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let today = Date::parse_iso(&local_day(now)).unwrap();
    OfficeCalendar::weekdays(510, 1035)
        .next_open(today.add_days(3), 30)
        .unwrap()
        .unwrap()
        .to_string()
}

/// Logs in as a new account with `role`, made through the API.
async fn account(app: &axum::Router, admin: &str, login: &str, role: &str) -> (i64, String) {
    let a = send(
        app,
        Method::POST,
        "/api/staff",
        Some(json!({"login": login, "display_name": "窓口 花子", "role": role, "password": "long enough 1"})),
        Some(admin),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    let id = a.body["id"].as_i64().unwrap();
    (id, login_as(app, login, "long enough 1").await.unwrap())
}

async fn login_as(app: &axum::Router, login: &str, password: &str) -> Option<String> {
    let a = send(
        app,
        Method::POST,
        "/api/auth/login",
        Some(json!({"login": login, "password": password})),
        None,
    )
    .await;
    (a.status == StatusCode::OK).then(|| {
        let c = a.headers["set-cookie"].to_str().unwrap();
        c.split(';').next().unwrap().to_owned()
    })
}

#[tokio::test]
async fn settings_round_trip_and_kiosks_see_the_change_at_once() {
    let (app, _) = test_app().await;
    let cookie = login(&app).await;
    let mut s = settings(&app, &cookie).await;
    assert_eq!(s["name"], "小倉北区役所");
    assert_eq!(s["services"].as_array().unwrap().len(), 5);
    assert_eq!(s["services"][0]["booking"]["minutes"], 30);
    // A counter's services are listed in the office's service order.
    assert_eq!(
        s["counters"][5]["service_ids"],
        json!(["fukushi", "okuyami"])
    );
    assert_eq!(s["calendar"]["weekly"][0], json!([[510, 1035]]));

    // Office name, a handling time, a new service taking bookings, a new counter calling it,
    // a lunch break on Wednesdays and a closed day.
    s["name"] = json!("小倉北区役所（本庁舎）");
    s["services"][0]["avg_service_secs"] = json!(480);
    s["services"].as_array_mut().unwrap().push(json!({
        "id": "passport", "prefix": "F", "name": "旅券（パスポート）", "name_en": "Passports",
        "avg_service_secs": 900,
        "booking": {"minutes": 20, "capacity": 1, "horizon_days": 30, "lead_minutes": 60}
    }));
    s["counters"].as_array_mut().unwrap().push(json!({
        "label": "7番窓口", "label_en": "Counter 7", "service_ids": ["passport"]
    }));
    s["calendar"]["weekly"][2] = json!([[510, 720], [780, 1035]]);
    let day = open_day();
    s["calendar"]["closed"] = json!(["2030-01-07"]);
    let a = put(&app, &cookie, &s).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(
        a.body["counters"][6]["id"], 7,
        "a new counter gets the next id"
    );
    assert_eq!(a.body["counters"][6]["label"], "7番窓口");

    // The public office (kiosks, displays, the counter page) shows it without a restart.
    let office = get(&app, "/api/offices/kokurakita").await.body;
    assert_eq!(office["name"], "小倉北区役所（本庁舎）");
    assert_eq!(office["services"][0]["avg_service_secs"], 480);
    assert_eq!(office["services"][5]["prefix"], "F");
    assert_eq!(office["counters"][6]["service_ids"], json!(["passport"]));
    // The new service books in 20-minute slots of one place.
    let slots = get(
        &app,
        &format!("/api/offices/kokurakita/services/passport/slots?from={day}&days=1"),
    )
    .await;
    assert_eq!(slots.status, StatusCode::OK, "{}", slots.body);
    let slots = slots.body.as_array().unwrap().clone();
    assert_eq!(slots[0]["start"], "08:30");
    assert_eq!(slots[0]["end"], "08:50");
    assert!(slots.iter().all(|x| x["free"] == 1));
    // Tickets of the new service start at F-1 and counter 7 calls them.
    let t = walk_in(&app, "passport").await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.body);
    assert_eq!(t.body["ticket"]["number"]["prefix"], "F");
    let called = send(
        &app,
        Method::POST,
        "/api/counters/7/call-next",
        Some(json!({})),
        Some(&cookie),
    )
    .await;
    assert_eq!(called.status, StatusCode::OK, "{}", called.body);
    assert_eq!(
        called.body["called"]["number"]["prefix"], "F",
        "{}",
        called.body
    );

    // Taking bookings away from a service: its slots are gone.
    let mut s = settings(&app, &cookie).await;
    s["services"][5]["booking"] = Value::Null;
    assert_eq!(put(&app, &cookie, &s).await.status, StatusCode::OK);
    let gone = get(
        &app,
        &format!("/api/offices/kokurakita/services/passport/slots?from={day}&days=1"),
    )
    .await;
    assert_eq!(gone.status, StatusCode::NOT_FOUND, "{}", gone.body);
}

#[tokio::test]
async fn bad_settings_name_each_field_and_change_nothing() {
    let (app, _) = test_app().await;
    let cookie = login(&app).await;
    let before = settings(&app, &cookie).await;
    let mut s = before.clone();
    s["services"][1]["prefix"] = json!("A");
    s["services"][2]["avg_service_secs"] = json!(5);
    s["counters"][0]["service_ids"] = json!(["nothing"]);
    s["calendar"]["weekly"][4] = json!([[1035, 510]]);
    let a = put(&app, &cookie, &s).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_settings");
    let message = a.body["error"]["message"].as_str().unwrap();
    for field in [
        "services[1].prefix",
        "services[2].avg_service_secs",
        "counters[0].service_ids",
        "金曜日",
    ] {
        assert!(message.contains(field), "{field} in {message}");
    }
    // A counter id of another office, a changed office id, unknown fields, not JSON.
    let mut s = before.clone();
    s["counters"][0]["id"] = json!(99);
    let a = put(&app, &cookie, &s).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_settings");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("counters[0].id")
    );
    let mut s = before.clone();
    s["id"] = json!("minami");
    assert_error(
        &put(&app, &cookie, &s).await,
        StatusCode::BAD_REQUEST,
        "invalid_settings",
    );
    let mut s = before.clone();
    s["colour"] = json!("blue");
    let a = put(&app, &cookie, &s).await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_body");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("colour"),
        "{}",
        a.body
    );
    assert_eq!(settings(&app, &cookie).await, before, "nothing was changed");
}

#[tokio::test]
async fn a_service_with_residents_waiting_or_booked_is_not_removed() {
    let (app, _) = test_app().await;
    let cookie = login(&app).await;
    let t = walk_in(&app, "kodomo").await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.body);
    let mut s = settings(&app, &cookie).await;
    s["services"].as_array_mut().unwrap().remove(3);
    s["counters"][4]["service_ids"] = json!(["jumin"]);
    let a = put(&app, &cookie, &s).await;
    assert_error(&a, StatusCode::CONFLICT, "conflict");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("kodomo")
    );

    // Once the ticket is served the service can go; the office no longer offers it.
    let id = t.body["ticket"]["id"].as_i64().unwrap();
    let called = send(
        &app,
        Method::POST,
        "/api/counters/5/call-next",
        Some(json!({})),
        Some(&cookie),
    )
    .await;
    assert_eq!(called.body["called"]["id"], id, "{}", called.body);
    let done = send(
        &app,
        Method::POST,
        &format!("/api/tickets/{id}/done"),
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(put(&app, &cookie, &s).await.status, StatusCode::OK);
    let office = get(&app, "/api/offices/kokurakita").await.body;
    assert!(
        !office["services"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == "kodomo")
    );
    let refused = walk_in(&app, "kodomo").await;
    assert!(refused.status.is_client_error(), "{}", refused.body);
    // The served ticket is still in the day's queue.
    let queue = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/queue",
        None,
        Some(&cookie),
    )
    .await;
    assert!(
        queue.body["tickets"]
            .as_array()
            .unwrap()
            .iter()
            .any(|x| x["id"] == id)
    );

    // A booked service is kept until its bookings are cancelled or moved.
    let day = open_day();
    let booked = send(
        &app,
        Method::POST,
        "/api/offices/kokurakita/reservations",
        Some(json!({"service": "okuyami", "day": day, "start": "10:00", "phone": "090-1234-5678", "birth_date": "1985-04-01"})),
        None,
    )
    .await;
    assert_eq!(booked.status, StatusCode::CREATED, "{}", booked.body);
    let mut s = settings(&app, &cookie).await;
    let at = s["services"]
        .as_array()
        .unwrap()
        .iter()
        .position(|x| x["id"] == "okuyami")
        .unwrap();
    s["services"].as_array_mut().unwrap().remove(at);
    s["counters"][5]["service_ids"] = json!(["fukushi"]);
    let a = put(&app, &cookie, &s).await;
    assert_error(&a, StatusCode::CONFLICT, "conflict");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("booking")
    );
}

#[tokio::test]
async fn offices_are_created_by_admins_only() {
    let (app, _) = test_app().await;
    let admin = login(&app).await;
    let mut s = settings(&app, &admin).await;
    s["id"] = json!("moji");
    s["name"] = json!("門司区役所");
    s["name_en"] = json!("Moji Ward Office");
    for c in s["counters"].as_array_mut().unwrap() {
        c["id"] = Value::Null;
    }
    let (_, clerk) = account(&app, &admin, "clerk", "staff").await;
    let refused = send(
        &app,
        Method::POST,
        "/api/offices",
        Some(s.clone()),
        Some(&clerk),
    )
    .await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");
    let a = send(
        &app,
        Method::POST,
        "/api/offices",
        Some(s.clone()),
        Some(&admin),
    )
    .await;
    assert_eq!(a.status, StatusCode::CREATED, "{}", a.body);
    assert_eq!(
        a.body["counters"][0]["id"], 7,
        "counter ids are unique across offices"
    );
    let again = send(&app, Method::POST, "/api/offices", Some(s), Some(&admin)).await;
    assert_error(&again, StatusCode::CONFLICT, "conflict");
    let list = get(&app, "/api/offices").await.body;
    assert_eq!(list.as_array().unwrap().len(), 2);
    assert_eq!(
        get(&app, "/api/offices/moji").await.body["name"],
        "門司区役所"
    );
}

#[tokio::test]
async fn staff_accounts_disable_and_new_passwords_end_sessions() {
    let (app, _) = test_app().await;
    let admin = login(&app).await;
    let (id, clerk) = account(&app, &admin, "tanaka.h", "staff").await;
    let me = send(&app, Method::GET, "/api/auth/me", None, Some(&clerk)).await;
    assert_eq!(me.body["display_name"], "窓口 花子");

    // The list never carries a password or its hash.
    let list = send(&app, Method::GET, "/api/staff", None, Some(&admin)).await;
    assert_eq!(list.status, StatusCode::OK);
    let text = list.body.to_string();
    assert!(
        !text.contains("argon2") && !text.contains("password"),
        "{text}"
    );
    assert_eq!(list.body.as_array().unwrap().len(), 2);
    // Staff may not manage accounts.
    let refused = send(&app, Method::GET, "/api/staff", None, Some(&clerk)).await;
    assert_error(&refused, StatusCode::FORBIDDEN, "forbidden");

    // Taken login, short password: named.
    let dup = send(
        &app,
        Method::POST,
        "/api/staff",
        Some(json!({"login": "tanaka.h", "display_name": "別人", "role": "staff", "password": "long enough 2"})),
        Some(&admin),
    )
    .await;
    assert_error(&dup, StatusCode::CONFLICT, "conflict");
    let short = send(
        &app,
        Method::POST,
        "/api/staff",
        Some(
            json!({"login": "sato", "display_name": "佐藤", "role": "staff", "password": "short"}),
        ),
        Some(&admin),
    )
    .await;
    assert_error(&short, StatusCode::BAD_REQUEST, "invalid_staff");
    assert!(
        short.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("password")
    );

    // A new password ends the clerk's session; the new one works, the old one not.
    let uri = format!("/api/staff/{id}");
    let a = send(
        &app,
        Method::PUT,
        &uri,
        Some(json!({"password": "a new passphrase"})),
        Some(&admin),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let me = send(&app, Method::GET, "/api/auth/me", None, Some(&clerk)).await;
    assert_error(&me, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(login_as(&app, "tanaka.h", "long enough 1").await.is_none());
    let clerk = login_as(&app, "tanaka.h", "a new passphrase")
        .await
        .unwrap();

    // Disabled: the session ends and login is refused.
    let a = send(
        &app,
        Method::PUT,
        &uri,
        Some(json!({"disabled": true})),
        Some(&admin),
    )
    .await;
    assert_eq!(a.body["disabled"], true);
    let me = send(&app, Method::GET, "/api/auth/me", None, Some(&clerk)).await;
    assert_error(&me, StatusCode::UNAUTHORIZED, "unauthorized");
    assert!(
        login_as(&app, "tanaka.h", "a new passphrase")
            .await
            .is_none()
    );
    // Enabled again and made an admin.
    let a = send(
        &app,
        Method::PUT,
        &uri,
        Some(json!({"disabled": false, "role": "admin"})),
        Some(&admin),
    )
    .await;
    assert_eq!(
        (a.body["disabled"].clone(), a.body["role"].clone()),
        (json!(false), json!("admin"))
    );
    let second = login_as(&app, "tanaka.h", "a new passphrase")
        .await
        .unwrap();
    assert_eq!(
        send(&app, Method::GET, "/api/staff", None, Some(&second))
            .await
            .status,
        StatusCode::OK
    );
}

#[tokio::test]
async fn the_relay_keeps_an_active_admin() {
    let (app, _) = test_app().await;
    let admin = login(&app).await;
    let me: i64 = {
        let list = send(&app, Method::GET, "/api/staff", None, Some(&admin)).await;
        list.body[0]["id"].as_i64().unwrap()
    };
    let uri = format!("/api/staff/{me}");
    for change in [json!({"disabled": true}), json!({"role": "staff"})] {
        let a = send(&app, Method::PUT, &uri, Some(change), Some(&admin)).await;
        assert_error(&a, StatusCode::CONFLICT, "conflict");
    }
    // Another admin cannot take away the last other admin either.
    let (other, other_cookie) = account(&app, &admin, "suzuki", "admin").await;
    let a = send(
        &app,
        Method::PUT,
        &uri,
        Some(json!({"role": "staff"})),
        Some(&other_cookie),
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "two admins: one may step down");
    let a = send(
        &app,
        Method::PUT,
        &format!("/api/staff/{other}"),
        Some(json!({"disabled": true})),
        Some(&other_cookie),
    )
    .await;
    assert_error(&a, StatusCode::CONFLICT, "conflict");
    let missing = send(
        &app,
        Method::PUT,
        "/api/staff/999",
        Some(json!({})),
        Some(&other_cookie),
    )
    .await;
    assert_error(&missing, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn a_retired_counter_calls_nobody() {
    let (app, _) = test_app().await;
    let cookie = login(&app).await;
    let call = |counter: i64| {
        let (app, cookie) = (&app, &cookie);
        async move {
            let uri = format!("/api/counters/{counter}/call-next");
            send(app, Method::POST, &uri, Some(json!({})), Some(cookie)).await
        }
    };
    // In use: it calls (nobody is waiting).
    let a = call(1).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let mut s = settings(&app, &cookie).await;
    s["counters"].as_array_mut().unwrap().remove(0);
    let saved = put(&app, &cookie, &s).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let t = walk_in(&app, "jumin").await;
    assert_eq!(t.status, StatusCode::CREATED, "{}", t.body);
    // Retired: refused, and the ticket still waits.
    let a = call(1).await;
    assert_error(&a, StatusCode::CONFLICT, "conflict");
    assert!(
        a.body["error"]["message"]
            .as_str()
            .unwrap()
            .contains("retired"),
        "{}",
        a.body
    );
    let unknown = call(99).await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "not_found");
    let queue = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/queue",
        None,
        Some(&cookie),
    )
    .await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    let id = &t.body["ticket"]["id"];
    let ticket = queue.body["tickets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|w| &w["id"] == id)
        .cloned();
    assert_eq!(ticket.unwrap()["status"], "waiting", "{}", queue.body);
}

/// Issue 17 item 4: the office's address, telephone and hours (in words, from the calendar)
/// are settings, public with the office for the handout's foot, and checked when saved.
#[tokio::test]
async fn the_office_contact_is_a_setting_and_public_with_the_office() {
    let (app, _) = test_app().await;
    let admin = login(&app).await;
    let office = get(&app, "/api/offices/kokurakita").await.body;
    assert_eq!(office["address"], "北九州市小倉北区大手町1番1号");
    assert!(!office["phone"].as_str().unwrap().is_empty());
    assert_eq!(
        office["hours"],
        "月〜金 8:30〜17:15（土・日・祝日・年末年始は休み）"
    );
    // Issue 19 item 2: the 宛先 of the office's own forms is a setting too.
    assert_eq!(office["head"], "北九州市小倉北区長");
    let mut s = settings(&app, &admin).await;
    assert_eq!(s["head"], "北九州市小倉北区長");
    s["phone"] = json!("call us");
    s["address"] = json!("");
    s["head"] = json!("北九州市長\n小倉北区長");
    let refused = put(&app, &admin, &s).await;
    assert_error(&refused, StatusCode::BAD_REQUEST, "invalid_settings");
    let m = refused.body["error"]["message"].as_str().unwrap();
    assert!(
        m.contains("phone") && m.contains("address") && m.contains("head"),
        "{m}"
    );
    s["head"] = json!("北九州市長");
    s["phone"] = json!("093-582-3311");
    s["address"] = json!("北九州市小倉北区大手町1番1号 北九州市役所");
    s["calendar"]["weekly"][2] = json!([[510, 720], [780, 1035]]);
    let saved = put(&app, &admin, &s).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let office = get(&app, "/api/offices/kokurakita").await.body;
    assert_eq!(office["phone"], "093-582-3311");
    assert_eq!(office["head"], "北九州市長");
    assert_eq!(
        office["hours"],
        "月・火・木・金 8:30〜17:15、水 8:30〜12:00・13:00〜17:15（土・日・祝日・年末年始は休み）"
    );
}

/// Issue 22: the office, its services and counters have names in the resident languages,
/// set in /admin, public with the office (the demo office has them), and checked when saved:
/// a language Mado does not have, or an empty name, is refused naming the field.
#[tokio::test]
async fn names_in_the_resident_languages_are_settings_and_public_with_the_office() {
    let (app, _) = test_app().await;
    let admin = login(&app).await;
    let office = get(&app, "/api/offices/kokurakita").await.body;
    assert_eq!(office["names"]["vi"], "Văn phòng Quận Kokurakita");
    let okuyami = office["services"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["id"] == "okuyami")
        .unwrap();
    assert_eq!(
        okuyami["names"]["pt-BR"],
        "Atendimento em caso de falecimento"
    );
    assert_eq!(office["counters"][2]["names"]["ko"], "3번 창구");

    let mut s = settings(&app, &admin).await;
    s["services"][0]["names"] = json!({"vi": "Hộ tịch", "fr": "État civil", "ko": " "});
    let refused = put(&app, &admin, &s).await;
    assert_error(&refused, StatusCode::BAD_REQUEST, "invalid_settings");
    let m = refused.body["error"]["message"].as_str().unwrap();
    assert!(
        m.contains("services[0].names.fr") && m.contains("services[0].names.ko"),
        "{m}"
    );
    s["services"][0]["names"] = json!({"vi": "Hộ tịch"});
    s["counters"][0]["names"] = json!({"zh-Hans": "1号窗口"});
    s["names"] = json!({});
    let saved = put(&app, &admin, &s).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let office = get(&app, "/api/offices/kokurakita").await.body;
    assert_eq!(office["services"][0]["names"], json!({"vi": "Hộ tịch"}));
    assert_eq!(office["counters"][0]["names"]["zh-Hans"], "1号窗口");
    assert!(office.get("names").is_none(), "{office}");
    assert_eq!(
        settings(&app, &admin).await["services"][0]["names"]["vi"],
        "Hộ tịch"
    );
}

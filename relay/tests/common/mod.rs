//! Helpers shared by the relay's API test files.
#![allow(dead_code)]

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use mado_relay::{AppState, Config, app, bootstrap_admin};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tower::ServiceExt;

pub const PASSWORD: &str = "test-password-1";

/// A fresh database for one test. By default SQLite: in memory, or with `file` a file in a
/// temporary directory (deleted with this value). When `MADO_TEST_POSTGRES` names a
/// PostgreSQL server (an admin URL such as `postgres://postgres@127.0.0.1:5432/postgres`;
/// `cargo xtask test` starts one), a new database on that server instead, so the same tests
/// check both engines.
pub struct TestDb {
    pub url: String,
    _dir: Option<tempfile::TempDir>,
}

impl TestDb {
    pub async fn new(file: bool) -> Self {
        if let Ok(admin) = std::env::var("MADO_TEST_POSTGRES") {
            use sqlx::Connection;
            static NEXT: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
            let name = format!(
                "mado_test_{}_{}_{}",
                std::process::id(),
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
                rand_suffix()
            );
            let mut conn = sqlx::PgConnection::connect(&admin)
                .await
                .expect("MADO_TEST_POSTGRES accepts connections");
            sqlx::raw_sql(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut conn)
                .await
                .expect("test database created");
            let base = admin.rsplit_once('/').expect("URL with a database").0;
            return Self {
                url: format!("{base}/{name}"),
                _dir: None,
            };
        }
        if !file {
            return Self {
                url: "sqlite::memory:".into(),
                _dir: None,
            };
        }
        let dir = tempfile::tempdir().unwrap();
        Self {
            url: format!("sqlite://{}", dir.path().join("mado.sqlite3").display()),
            _dir: Some(dir),
        }
    }

    /// The test configuration on this database.
    pub fn config(&self) -> Config {
        Config {
            database_url: Some(self.url.clone()),
            ..Config::for_tests()
        }
    }

    pub fn is_postgres(&self) -> bool {
        self.url.starts_with("postgres")
    }
}

fn rand_suffix() -> u64 {
    use std::hash::{BuildHasher, RandomState};
    RandomState::new().hash_one(std::time::SystemTime::now()) % 1_000_000
}

/// An app on a fresh database ([`TestDb`]) with the admin account; keep the `TestDb` alive.
/// The demo office takes walk-in tickets around the clock today and tomorrow
/// ([`open_all_day`]), so the tests run at any hour.
pub async fn test_app_on(db: &TestDb) -> (Router, AppState) {
    let state = AppState::open(db.config()).await.expect("state opens");
    bootstrap_admin(&state.db, Some(PASSWORD))
        .await
        .expect("admin created");
    open_all_day(&state).await;
    (app(state.clone()), state)
}

/// An app on a fresh in-memory SQLite database (or PostgreSQL database, see [`TestDb`]), with
/// the demo office open around the clock today and tomorrow ([`open_all_day`]).
pub async fn test_app() -> (Router, AppState) {
    let db = TestDb::new(false).await;
    test_app_on(&db).await
}

/// Gives the demo office, before its first request, two 休日開庁 days as an administrator
/// would: today and tomorrow (office-local) open 00:00–24:00, its weekly hours unchanged. The
/// tests that issue walk-in tickets then run at any hour of any day; the hours themselves are
/// tested with calendars that say so (`issue_17_walk_in_*` in `api.rs`).
pub async fn open_all_day(state: &AppState) {
    use mado_civil::Date;
    use mado_wire::calendar::OfficeCalendar;
    let stored: String =
        sqlx::query_scalar("SELECT calendar FROM office_calendars WHERE office_id = 'kokurakita'")
            .fetch_one(&state.db)
            .await
            .expect("the demo office has a calendar");
    let mut calendar: OfficeCalendar = serde_json::from_str(&stored).unwrap();
    let today = Date::parse_iso(&mado_relay::local_day(mado_relay::now_ms())).unwrap();
    for day in [today, today.add_days(1)] {
        calendar.extra.push((day, vec![(0, 24 * 60)]));
    }
    sqlx::query("UPDATE office_calendars SET calendar = $1 WHERE office_id = 'kokurakita'")
        .bind(serde_json::to_string(&calendar).unwrap())
        .execute(&state.db)
        .await
        .expect("calendar stored");
}

pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Value,
}

pub async fn send(
    app: &Router,
    method: Method,
    uri: &str,
    body: Option<Value>,
    cookie: Option<&str>,
) -> Answer {
    let mut req = Request::builder().method(method).uri(uri);
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_string())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    send_raw(app, req).await
}

/// A walk-in ticket of `service` at the demo office, taken at an open kiosk (no session).
pub async fn walk_in(app: &Router, service: &str) -> Answer {
    send(
        app,
        Method::POST,
        "/api/offices/kokurakita/tickets",
        Some(serde_json::json!({ "service_id": service })),
        None,
    )
    .await
}

/// `GET uri` without a session.
pub async fn get(app: &Router, uri: &str) -> Answer {
    send(app, Method::GET, uri, None, None).await
}

pub async fn send_raw(app: &Router, req: Request<Body>) -> Answer {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    let headers = res.headers().clone();
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let body = if bytes.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&bytes)
            .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&bytes).into()))
    };
    Answer {
        status,
        headers,
        body,
    }
}

/// Asserts our JSON error body with `code`.
pub fn assert_error(a: &Answer, status: StatusCode, code: &str) {
    assert_eq!(a.status, status, "body: {}", a.body);
    assert_eq!(a.body["error"]["code"], code, "body: {}", a.body);
    assert!(
        a.body["error"]["message"]
            .as_str()
            .is_some_and(|m| !m.is_empty()),
        "body: {}",
        a.body
    );
}

pub async fn login(app: &Router) -> String {
    let a = send(
        app,
        Method::POST,
        "/api/auth/login",
        Some(json!({"login": "admin", "password": PASSWORD})),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let cookie = a.headers[header::SET_COOKIE].to_str().unwrap().to_owned();
    cookie.split(';').next().unwrap().to_owned()
}

/// Books a reservation for today directly in the database (bookings close 30 minutes before
/// a slot, so a test cannot book "now" through the API), returning its token and code.
pub async fn booked_today(
    state: &AppState,
    start_min: i64,
    contact_hash: Option<&str>,
) -> (String, String) {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let token = format!("{:064x}", start_min + 7);
    let hash = {
        use sha2::Digest;
        sha2::Sha256::digest(token.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect::<String>()
    };
    let code = format!("T{start_min:05}");
    sqlx::query("INSERT INTO reservations (office_id, service_id, day, start_min, end_min, token_hash, code, checkin_hash, status, created_at_ms) VALUES ('kokurakita', 'jumin', $1, $2, $3, $4, $5, $6, 'booked', $7)")
        .bind(mado_relay::local_day(now))
        .bind(start_min)
        .bind(start_min + 30)
        .bind(hash)
        .bind(&code)
        .bind(contact_hash)
        .bind(now)
        .execute(&state.db)
        .await
        .unwrap();
    (token, code)
}

/// An app on a fresh database with the rate limits on and `X-Forwarded-For` trusted, as
/// behind the city's proxy: each test request can come from an address of its choosing
/// ([`send_from`]). Keep the `TestDb` alive.
pub async fn limited_app() -> (TestDb, Router) {
    let db = TestDb::new(false).await;
    let mut config = db.config();
    config.rate_limits = true;
    config.trust_forwarded_for = true;
    let app = app(AppState::open(config).await.expect("state opens"));
    (db, app)
}

/// `method uri` with a JSON `body` (or none) from client address `from` (the proxy's
/// `X-Forwarded-For`, read by [`limited_app`]).
pub async fn send_from(
    app: &Router,
    method: Method,
    uri: &str,
    body: Option<&str>,
    from: &str,
) -> Answer {
    let req = Request::builder()
        .method(method)
        .uri(uri)
        .header("x-forwarded-for", from);
    let req = match body {
        Some(b) => req
            .header(header::CONTENT_TYPE, "application/json")
            .body(Body::from(b.to_owned())),
        None => req.body(Body::empty()),
    }
    .unwrap();
    send_raw(app, req).await
}

/// Pairs a device of `kind` and returns its cookie.
pub async fn paired(app: &Router, admin: &str, kind: &str) -> String {
    let created = send(
        app,
        Method::POST,
        "/api/offices/kokurakita/devices",
        Some(json!({"kind": kind, "label": format!("ロビー {kind}")})),
        Some(admin),
    )
    .await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let code = created.body["code"].as_str().unwrap().to_owned();
    assert_eq!(code.len(), 8);
    let pair = send(
        app,
        Method::POST,
        "/api/devices/pair",
        Some(json!({ "code": code })),
        None,
    )
    .await;
    assert_eq!(pair.status, StatusCode::OK, "{}", pair.body);
    let cookie = pair.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"));
    // The code works once.
    let again = send(
        app,
        Method::POST,
        "/api/devices/pair",
        Some(json!({ "code": code })),
        None,
    )
    .await;
    assert_error(&again, StatusCode::NOT_FOUND, "not_found");
    cookie.split(';').next().unwrap().to_owned()
}

/// An open day at least three days ahead (so no booking is too late, whatever the hour).
pub fn open_day() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let today = mado_civil::Date::parse_iso(&mado_relay::local_day(now)).unwrap();
    mado_wire::calendar::OfficeCalendar::weekdays(510, 1035)
        .next_open(today.add_days(3), 30)
        .unwrap()
        .unwrap()
        .to_string()
}

/// A staff member who is not an admin (login `clerk`), added straight into the database, and
/// their session cookie.
pub async fn clerk(app: &Router, state: &AppState) -> String {
    sqlx::query("INSERT INTO staff (login, display_name, role, password_hash) VALUES ('clerk', '窓口 一郎', 'staff', $1)")
        .bind(mado_relay::hash_password("clerk-password-1").unwrap())
        .execute(&state.db)
        .await
        .unwrap();
    let a = send(
        app,
        Method::POST,
        "/api/auth/login",
        Some(json!({"login": "clerk", "password": "clerk-password-1"})),
        None,
    )
    .await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    let cookie = a.headers[header::SET_COOKIE].to_str().unwrap();
    cookie.split(';').next().unwrap().to_owned()
}

/// One HTTP/1.1 request on a fresh connection; `None` if the connection fails or breaks.
pub async fn raw_http(
    addr: std::net::SocketAddr,
    method: &str,
    path: &str,
    key: &str,
    body: &str,
) -> Option<(u16, String)> {
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nIdempotency-Key: {key}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.ok()?;
    let text = String::from_utf8(answer).ok()?;
    let status = text.get(9..12)?.parse().ok()?;
    let (_, body) = text.split_once("\r\n\r\n")?;
    Some((status, body.to_owned()))
}

/// Waits until the relay at `addr` answers `/healthz` (at most 30 s).
pub async fn wait_healthy(addr: std::net::SocketAddr) {
    let until = std::time::Instant::now() + std::time::Duration::from_secs(30);
    while std::time::Instant::now() < until {
        if let Some((200, _)) = raw_http(addr, "GET", "/healthz", "-", "").await {
            return;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("the relay did not become healthy within 30 s");
}

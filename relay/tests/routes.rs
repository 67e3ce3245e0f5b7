//! Every route, enumerated: the router is built from the route list
//! (`mado_relay::routes::ROUTES`) and nothing else declares a route; every route is routed; staff routes refuse anonymous
//! callers and paired devices; admin routes refuse other staff; kiosk routes refuse anyone
//! but the office's kiosks once one is paired.

use std::collections::BTreeSet;

use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use mado_relay::routes::{Access, ROUTES};
use serde_json::json;

mod common;
use common::*;

/// Every `.route(` in the relay's source, by file: the router is built from the route table
/// alone (`routes::router`), so nothing else may declare one.
fn route_calls() -> Vec<(String, String)> {
    let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut dirs = vec![src.clone()];
    let mut out = Vec::new();
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            let name = path.strip_prefix(&src).unwrap().display().to_string();
            for (at, _) in source.match_indices(".route(") {
                let line = source[at..].lines().next().unwrap_or_default().to_owned();
                out.push((name.clone(), line));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn the_router_is_the_route_list_and_nothing_else_declares_a_route() {
    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    assert_eq!(listed.len(), ROUTES.len(), "a route is listed twice");
    // The fold in routes.rs, and the JSON 404 for unknown API paths (not a route of the API).
    assert_eq!(
        route_calls(),
        vec![
            (
                "lib.rs".to_owned(),
                r#".route("/api/{*rest}", axum::routing::any(api_not_found))"#.to_owned()
            ),
            (
                "routes.rs".to_owned(),
                ".route(route.path, (route.handler)(route.filter))".to_owned()
            ),
        ],
        "a route declared outside the route table (relay/src/routes.rs)"
    );
}

fn concrete(path: &str) -> String {
    path.replace("{office}", "kokurakita")
        .replace("{service}", "jumin")
        .replace("{counter}", "1")
        .replace("{ticket}", "1")
        .replace("{id}", "1")
        .replace("{token}", &"0".repeat(64))
}

async fn call(app: &Router, method: &str, path: &str, cookie: Option<&str>) -> Answer {
    let mut req = Request::builder()
        .method(Method::from_bytes(method.as_bytes()).unwrap())
        .uri(concrete(path));
    if let Some(c) = cookie {
        req = req.header(header::COOKIE, c);
    }
    let req = if method == "GET" || method == "DELETE" {
        req.body(Body::empty())
    } else {
        req.header(header::CONTENT_TYPE, "application/json")
            .body(Body::from("{}"))
    }
    .unwrap();
    if path.ends_with("/events") {
        // An event stream never ends: look at the head only.
        let res = tower::ServiceExt::oneshot(app.clone(), req).await.unwrap();
        return Answer {
            status: res.status(),
            headers: res.headers().clone(),
            body: serde_json::Value::Null,
        };
    }
    send_raw(app, req).await
}

#[tokio::test]
async fn staff_routes_refuse_anonymous_callers_and_devices_and_admin_routes_refuse_staff() {
    let (app, state) = test_app().await;
    let admin = login(&app).await;
    let kiosk = paired(&app, &admin, "kiosk").await;
    let display = paired(&app, &admin, "display").await;
    // A staff member who is not an admin.
    let clerk = clerk(&app, &state).await;

    let mut checked = 0;
    for route in ROUTES {
        // Routed: never the catch-all's "no API route", never 405.
        let anonymous = call(&app, route.method, route.path, None).await;
        let message = anonymous.body["error"]["message"].as_str().unwrap_or("");
        assert!(
            !message.starts_with("no API route")
                && anonymous.status != StatusCode::METHOD_NOT_ALLOWED,
            "{} {} is not routed: {}",
            route.method,
            route.path,
            anonymous.body
        );
        match route.access {
            Access::Staff | Access::Admin => {
                assert_error(&anonymous, StatusCode::UNAUTHORIZED, "unauthorized");
                for device in [&kiosk, &display] {
                    let a = call(&app, route.method, route.path, Some(device)).await;
                    assert_error(&a, StatusCode::UNAUTHORIZED, "unauthorized");
                }
                if route.access == Access::Admin {
                    let a = call(&app, route.method, route.path, Some(&clerk)).await;
                    assert_error(&a, StatusCode::FORBIDDEN, "forbidden");
                }
                checked += 1;
            }
            Access::Kiosk => {
                // A kiosk is paired: anyone else is refused before anything is looked at.
                assert_error(&anonymous, StatusCode::UNAUTHORIZED, "device_required");
                let a = call(&app, route.method, route.path, Some(&display)).await;
                assert_error(&a, StatusCode::FORBIDDEN, "forbidden");
                let a = call(&app, route.method, route.path, Some(&admin)).await;
                assert_error(&a, StatusCode::UNAUTHORIZED, "device_required");
                let a = call(&app, route.method, route.path, Some(&kiosk)).await;
                assert_ne!(
                    a.status,
                    StatusCode::UNAUTHORIZED,
                    "{} {}",
                    route.method,
                    route.path
                );
                assert_ne!(
                    a.status,
                    StatusCode::FORBIDDEN,
                    "{} {}",
                    route.method,
                    route.path
                );
                checked += 1;
            }
            Access::Device => {
                assert_error(&anonymous, StatusCode::UNAUTHORIZED, "device_required");
                let a = call(&app, route.method, route.path, Some(&admin)).await;
                assert_error(&a, StatusCode::UNAUTHORIZED, "device_required");
                let a = call(&app, route.method, route.path, Some(&kiosk)).await;
                assert_eq!(a.status, StatusCode::OK);
                checked += 1;
            }
            Access::Public | Access::Capability => {
                assert_ne!(
                    anonymous.status,
                    StatusCode::UNAUTHORIZED,
                    "{} {}",
                    route.method,
                    route.path
                );
            }
        }
    }
    assert!(checked >= 20, "{checked} protected routes checked");
}

#[tokio::test]
async fn a_revoked_kiosk_can_no_longer_issue_tickets() {
    let (app, _state) = test_app().await;
    let admin = login(&app).await;
    // Before any kiosk is paired the office takes tickets from anyone (demo, small office).
    let open = walk_in(&app, "jumin").await;
    assert_eq!(open.status, StatusCode::CREATED);
    let kiosk = paired(&app, &admin, "kiosk").await;
    let issue = |cookie: Option<String>| {
        let app = app.clone();
        async move {
            send(
                &app,
                Method::POST,
                "/api/offices/kokurakita/tickets",
                Some(json!({"service_id": "jumin"})),
                cookie.as_deref(),
            )
            .await
        }
    };
    assert_eq!(issue(Some(kiosk.clone())).await.status, StatusCode::CREATED);
    assert_error(
        &issue(None).await,
        StatusCode::UNAUTHORIZED,
        "device_required",
    );
    let list = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/devices",
        None,
        Some(&admin),
    )
    .await;
    let id = list.body[0]["id"].as_i64().unwrap();
    assert!(list.body[0]["paired_at_ms"].as_i64().is_some());
    let revoked = send(
        &app,
        Method::DELETE,
        &format!("/api/devices/{id}"),
        None,
        Some(&admin),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK);
    assert!(revoked.body["revoked_at_ms"].as_i64().is_some());
    assert_error(
        &issue(Some(kiosk)).await,
        StatusCode::UNAUTHORIZED,
        "device_required",
    );
}

async fn policy(app: &Router, admin: &str, set: Option<bool>) -> Answer {
    match set {
        None => {
            send(
                app,
                Method::GET,
                "/api/offices/kokurakita/kiosk-policy",
                None,
                Some(admin),
            )
            .await
        }
        Some(on) => {
            send(
                app,
                Method::PUT,
                "/api/offices/kokurakita/kiosk-policy",
                Some(json!({ "kiosks_only": on })),
                Some(admin),
            )
            .await
        }
    }
}

/// Issue 17 item 9: revoking the last kiosk leaves the office closed to other browsers until
/// an admin opens it again; the admin can, and pairing a kiosk closes it again. Turning it on
/// without a paired kiosk is refused (nobody could take a ticket).
#[tokio::test]
async fn issue_17_after_the_last_kiosk_is_revoked_an_admin_can_open_the_office_again() {
    let (app, _state) = test_app().await;
    let admin = login(&app).await;
    let a = policy(&app, &admin, None).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body, json!({"kiosks_only": false, "paired_kiosks": 0}));
    assert_error(
        &policy(&app, &admin, Some(true)).await,
        StatusCode::CONFLICT,
        "conflict",
    );
    // A display does not close the office; a kiosk does.
    paired(&app, &admin, "display").await;
    assert_eq!(walk_in(&app, "jumin").await.status, StatusCode::CREATED);
    paired(&app, &admin, "kiosk").await;
    let a = policy(&app, &admin, None).await;
    assert_eq!(a.body, json!({"kiosks_only": true, "paired_kiosks": 1}));
    assert_error(
        &walk_in(&app, "jumin").await,
        StatusCode::UNAUTHORIZED,
        "device_required",
    );

    // The last kiosk revoked: still closed, and the policy says no kiosk is left.
    let list = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/devices",
        None,
        Some(&admin),
    )
    .await;
    let kiosk = list
        .body
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["kind"] == "kiosk")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let revoked = send(
        &app,
        Method::DELETE,
        &format!("/api/devices/{kiosk}"),
        None,
        Some(&admin),
    )
    .await;
    assert_eq!(revoked.status, StatusCode::OK);
    let a = policy(&app, &admin, None).await;
    assert_eq!(a.body, json!({"kiosks_only": true, "paired_kiosks": 0}));
    assert_error(
        &walk_in(&app, "jumin").await,
        StatusCode::UNAUTHORIZED,
        "device_required",
    );

    // The admin opens the office to any browser again.
    let a = policy(&app, &admin, Some(false)).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.body);
    assert_eq!(a.body, json!({"kiosks_only": false, "paired_kiosks": 0}));
    assert_eq!(walk_in(&app, "jumin").await.status, StatusCode::CREATED);
    let check = get(&app, "/api/offices/kokurakita/kiosk").await;
    assert_eq!(check.status, StatusCode::NO_CONTENT);

    // A new kiosk closes it again.
    paired(&app, &admin, "kiosk").await;
    assert_error(
        &walk_in(&app, "jumin").await,
        StatusCode::UNAUTHORIZED,
        "device_required",
    );
    // Bad bodies say what was expected.
    let a = send(
        &app,
        Method::PUT,
        "/api/offices/kokurakita/kiosk-policy",
        Some(json!({ "kiosks_only": "yes" })),
        Some(&admin),
    )
    .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_body");
}

/// Issue 17 item 9: an office that had paired a kiosk before the policy was stored stays
/// kiosks-only after the upgrade (migration 19).
#[tokio::test]
async fn upgrading_keeps_an_office_with_a_paired_kiosk_kiosks_only() {
    let db = TestDb::new(true).await;
    let (app, state) = test_app_on(&db).await;
    let admin = login(&app).await;
    paired(&app, &admin, "kiosk").await;
    sqlx::raw_sql(
        "ALTER TABLE offices DROP COLUMN kiosks_only; DELETE FROM schema_migrations WHERE version = 19",
    )
    .execute(&state.db)
    .await
    .unwrap();
    state.db.close().await;
    drop((app, state));
    let (app, _state) = test_app_on(&db).await;
    assert_error(
        &walk_in(&app, "jumin").await,
        StatusCode::UNAUTHORIZED,
        "device_required",
    );
    let admin = login(&app).await;
    let a = policy(&app, &admin, None).await;
    assert_eq!(a.body, json!({"kiosks_only": true, "paired_kiosks": 1}));
}

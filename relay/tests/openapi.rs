//! The OpenAPI document (`GET /api/openapi.json`, issue: "OpenAPI document served by the
//! relay, generated from the code, for integrators"): it lists every route of the route list
//! with its method, access and parameters; every `$ref` resolves; the routes that read a JSON
//! body, a query or an `Idempotency-Key` say so, as the relay's own refusals show; and the
//! answers of every route, driven through the app, validate against the schema the document
//! declares for that route and status.

use std::collections::BTreeSet;

use axum::Router;
use axum::body::Body;
use axum::http::{HeaderValue, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use mado_relay::routes::{Access, ROUTES, Route};
use serde_json::{Value, json};
use tower::ServiceExt;

mod common;
use common::*;

/// The document as served.
async fn served(app: &Router) -> Value {
    let a = get(app, "/api/openapi.json").await;
    assert_eq!(a.status, StatusCode::OK);
    assert_eq!(a.headers[header::CONTENT_TYPE], "application/json");
    a.body
}

fn operation<'d>(doc: &'d Value, route: &Route) -> &'d Value {
    &doc["paths"][route.path][route.method.to_ascii_lowercase()]
}

/// `(METHOD, path)` of every operation in the document.
fn operations(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, ops) in doc["paths"].as_object().unwrap() {
        for method in ops.as_object().unwrap().keys() {
            out.insert((method.to_ascii_uppercase(), path.clone()));
        }
    }
    out
}

#[tokio::test]
async fn the_document_lists_every_route_with_its_method_access_and_parameters() {
    let (app, _) = test_app().await;
    let doc = served(&app).await;
    assert_eq!(doc["openapi"], "3.1.0");
    assert_eq!(doc["info"]["title"], "Mado relay API");
    assert_eq!(doc["info"]["version"], env!("CARGO_PKG_VERSION"));
    assert!(
        doc["info"]["description"]
            .as_str()
            .unwrap()
            .contains("Japanese")
    );
    // Built once: the same text every time.
    assert!(std::ptr::eq(
        mado_relay::routes::openapi_document(),
        mado_relay::routes::openapi_document()
    ));
    assert_eq!(
        serde_json::from_str::<Value>(mado_relay::routes::openapi_document()).unwrap(),
        doc
    );

    let listed: BTreeSet<(String, String)> = ROUTES
        .iter()
        .map(|r| (r.method.to_owned(), r.path.to_owned()))
        .collect();
    assert_eq!(operations(&doc), listed, "the document's operations");
    for route in ROUTES {
        let name = format!("{} {}", route.method, route.path);
        assert!(
            route.answer.is_some(),
            "{name} states no answer: add .json::<T>(), .created::<T>(), .text(…), \
             .events::<T>() or .no_content() to it in routes.rs"
        );
        let op = operation(&doc, route);
        assert!(op["operationId"].is_string(), "{name}");
        assert_eq!(op["summary"], route.summary, "{name}");
        assert_eq!(op["tags"].as_array().unwrap().len(), 1, "{name}");
        let security = op["security"].as_array().unwrap();
        let schemes: Vec<&str> = security
            .iter()
            .flat_map(|s| s.as_object().unwrap().keys())
            .map(String::as_str)
            .collect();
        let expected: &[&str] = match route.access {
            Access::Public | Access::Capability => &[],
            Access::Kiosk | Access::Device => &["deviceCookie"],
            Access::Staff | Access::Admin => &["staffSession"],
        };
        assert_eq!(schemes, expected, "{name}");
        // A kiosk route is open to anyone until the office pairs a kiosk: `{}` says so.
        assert_eq!(
            security.iter().any(|s| s == &json!({})),
            route.access == Access::Kiosk,
            "{name}"
        );
        for scheme in schemes {
            assert!(doc["components"]["securitySchemes"][scheme].is_object());
        }
        let responses = op["responses"].as_object().unwrap();
        assert!(responses.contains_key("4XX") && responses.contains_key("5XX"));
        if matches!(route.access, Access::Staff | Access::Admin) {
            assert!(responses.contains_key("401"), "{name}");
        }
        if route.access == Access::Admin {
            assert!(responses.contains_key("403"), "{name}");
        }

        // Path parameters: exactly the template's, in order, described.
        let parameters = op["parameters"].as_array().cloned().unwrap_or_default();
        let in_path: Vec<&str> = parameters
            .iter()
            .filter(|p| p["in"] == "path")
            .map(|p| p["name"].as_str().unwrap())
            .collect();
        assert_eq!(
            in_path,
            mado_relay::openapi::path_parameters(route.path),
            "{name}"
        );
        assert!(
            parameters
                .iter()
                .filter(|p| p["in"] == "path")
                .all(|p| p["required"] == true && p["description"].is_string()),
            "{name}"
        );
        let header = parameters
            .iter()
            .any(|p| p["in"] == "header" && p["name"] == "Idempotency-Key");
        assert_eq!(header, route.idempotent, "{name}: Idempotency-Key");
        let in_query = parameters.iter().filter(|p| p["in"] == "query").count();
        assert_eq!(in_query > 0, route.query.is_some(), "{name}: query");
        let body = &op["requestBody"]["content"]["application/json"]["schema"];
        assert_eq!(body.is_object(), route.body.is_some(), "{name}: body");
    }

    // The inbox's filters, by name, from the handler's query struct.
    let inbox = &doc["paths"]["/api/offices/{office}/submissions"]["get"]["parameters"];
    let names: BTreeSet<&str> = inbox
        .as_array()
        .unwrap()
        .iter()
        .filter(|p| p["in"] == "query")
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, BTreeSet::from(["status", "from", "to", "q", "pack"]));
    let slots = &doc["paths"]["/api/offices/{office}/services/{service}/slots"]["get"];
    let days = slots["parameters"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "days")
        .unwrap();
    assert_eq!(days["schema"]["type"], "integer");
    assert_eq!(days["required"], false);
    // A day's schema is the string serde writes, not the struct.
    assert_eq!(
        doc["components"]["schemas"]["OfficeCalendar"]["properties"]["closed"]["items"],
        json!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A civil date in Japan, `YYYY-MM-DD`."
        })
    );
    // Non-JSON answers name their media type.
    let media = |path: &str| -> Vec<String> {
        doc["paths"][path]["get"]["responses"]["200"]["content"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect()
    };
    assert_eq!(
        media("/api/offices/{office}/submissions/export.csv"),
        ["text/csv; charset=utf-8"]
    );
    assert_eq!(
        media("/api/reservations/{token}/ics"),
        ["text/calendar; charset=utf-8"]
    );
    assert_eq!(media("/api/offices/{office}/events"), ["text/event-stream"]);
    // Creations answer 201; retried with the same key, 200 with the same body.
    let issue = &doc["paths"]["/api/offices/{office}/tickets"]["post"]["responses"];
    assert_eq!(
        issue["201"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/IssuedTicket"
    );
    assert_eq!(issue["200"]["content"], issue["201"]["content"]);
}

/// Every `$ref` string in `value`.
fn refs(value: &Value, out: &mut Vec<String>) {
    match value {
        Value::Object(map) => {
            for (key, v) in map {
                match (key.as_str(), v) {
                    ("$ref", Value::String(r)) => out.push(r.clone()),
                    _ => refs(v, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_ref_resolves_and_every_component_is_used() {
    let doc: Value = serde_json::from_str(mado_relay::routes::openapi_document()).unwrap();
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 100, "{} refs", all.len());
    for r in &all {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{r} is not local"));
        assert!(doc.pointer(pointer).is_some(), "{r} does not resolve");
    }
    let used: BTreeSet<&str> = all.iter().map(String::as_str).collect();
    for kind in ["schemas", "responses"] {
        for name in doc["components"][kind].as_object().unwrap().keys() {
            let r = format!("#/components/{kind}/{name}");
            assert!(used.contains(r.as_str()), "{r} is never used");
        }
    }
    // One name, one type: schemars numbers a second type of the same name (`Filter2`), and
    // the two generators could number them differently.
    for name in doc["components"]["schemas"].as_object().unwrap().keys() {
        assert!(
            !name.ends_with(|c: char| c.is_ascii_digit()),
            "two wire types are named like {name}; rename one"
        );
    }
    // No marker of the generator's is left.
    assert!(!mado_relay::routes::openapi_document().contains("x-reads"));
}

/// A concrete path for a template.
fn concrete(path: &str) -> String {
    path.replace("{office}", "kokurakita")
        .replace("{service}", "jumin")
        .replace("{counter}", "1")
        .replace("{ticket}", "1")
        .replace("{id}", "1")
        .replace("{token}", &"0".repeat(64))
}

/// The smallest value of `schema` (required fields only, first choices), with refs resolved
/// in `doc`: enough to get past the relay's JSON extractor.
fn smallest(doc: &Value, schema: &Value) -> Value {
    if let Some(r) = schema["$ref"].as_str() {
        return smallest(doc, doc.pointer(&r[1..]).unwrap());
    }
    if let Some(value) = schema.get("const") {
        return value.clone();
    }
    if let Some(values) = schema["enum"].as_array() {
        return values[0].clone();
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(choices) = schema[key].as_array() {
            return smallest(doc, &choices[0]);
        }
    }
    let ty = match &schema["type"] {
        Value::String(t) => t.as_str(),
        Value::Array(types) => types
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("null"),
        _ => "object",
    };
    match ty {
        "object" => {
            let mut out = serde_json::Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                out.insert(name.to_owned(), smallest(doc, &schema["properties"][name]));
            }
            Value::Object(out)
        }
        "array" => match schema["prefixItems"].as_array() {
            Some(items) => items.iter().map(|s| smallest(doc, s)).collect(),
            None => {
                let n = schema["minItems"].as_u64().unwrap_or(0) as usize;
                vec![smallest(doc, &schema["items"]); n].into()
            }
        },
        "string" if schema["format"] == "date" => json!("2027-03-01"),
        "string" => json!("x"),
        "integer" => json!(schema["minimum"].as_i64().unwrap_or(0).max(1)),
        "number" => json!(1.0),
        "boolean" => json!(false),
        _ => Value::Null,
    }
}

/// Status and error code of a request, the body not read past its first frame (an event
/// stream never ends).
async fn probe(app: &Router, req: Request<Body>) -> (StatusCode, String) {
    let res = app.clone().oneshot(req).await.unwrap();
    let status = res.status();
    if res
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|m| m == "text/event-stream")
    {
        return (status, String::new());
    }
    let bytes = res.into_body().collect().await.unwrap().to_bytes();
    let body: Value = serde_json::from_slice(&bytes).unwrap_or(Value::Null);
    let code = body["error"]["code"].as_str().unwrap_or("").to_owned();
    (status, code)
}

fn request(route: &Route, query: &str, cookie: &str) -> axum::http::request::Builder {
    Request::builder()
        .method(Method::from_bytes(route.method.as_bytes()).unwrap())
        .uri(format!("{}{query}", concrete(route.path)))
        .header(header::COOKIE, cookie)
}

/// The relay's own refusals say what a route reads: a route that reads JSON refuses a request
/// without a body (415), one that reads a query refuses an unknown parameter (400
/// `invalid_query`), one that honours `Idempotency-Key` refuses a malformed key (400
/// `invalid_header`). The document must say the same.
#[tokio::test]
async fn every_route_that_reads_a_body_a_query_or_a_key_declares_it() {
    let (app, _) = test_app().await;
    let doc = served(&app).await;
    let mut cookie = login(&app).await;
    let (mut bodies, mut queries) = (0, 0);
    for route in ROUTES {
        let name = format!("{} {}", route.method, route.path);
        let op = operation(&doc, route);
        let declared = &op["requestBody"]["content"]["application/json"]["schema"];

        let (status, _) = probe(
            &app,
            request(route, "", &cookie).body(Body::empty()).unwrap(),
        )
        .await;
        let reads_json = status == StatusCode::UNSUPPORTED_MEDIA_TYPE;
        assert_eq!(
            reads_json,
            declared.is_object(),
            "{name}: reads a JSON body: {reads_json}; the document declares one: {}",
            declared.is_object()
        );
        if route.path == "/api/auth/logout" {
            cookie = login(&app).await;
        }
        bodies += usize::from(reads_json);

        let (_, code) = probe(
            &app,
            request(route, "?openapi_probe=1", &cookie)
                .body(Body::empty())
                .unwrap(),
        )
        .await;
        if code == "invalid_query" {
            queries += 1;
            assert!(
                op["parameters"]
                    .as_array()
                    .is_some_and(|p| p.iter().any(|p| p["in"] == "query")),
                "{name} reads a query string the document does not declare"
            );
        }
        if route.path == "/api/auth/logout" {
            cookie = login(&app).await;
        }

        if declared.is_object() {
            let body = smallest(&doc, declared);
            let req = request(route, "", &cookie)
                .header(header::CONTENT_TYPE, "application/json")
                .header(
                    "idempotency-key",
                    HeaderValue::from_static("a key with spaces"),
                )
                .body(Body::from(body.to_string()))
                .unwrap();
            let (_, code) = probe(&app, req).await;
            assert_eq!(
                code == "invalid_header",
                route.idempotent,
                "{name}: honours Idempotency-Key: {}; declared: {}",
                code == "invalid_header",
                route.idempotent
            );
        }
    }
    // The probes reached the extractors (not refused before them).
    assert!(bodies >= 15, "{bodies} routes read a JSON body");
    assert!(
        queries >= 5,
        "{queries} routes refuse unknown query parameters"
    );
}

/// An open day at least three days ahead (so no booking is too late, whatever the hour).
fn open_day() -> String {
    use mado_civil::Date;
    use mado_wire::calendar::OfficeCalendar;
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    let today = Date::parse_iso(&mado_relay::local_day(now)).unwrap();
    OfficeCalendar::weekdays(510, 1035)
        .next_open(today.add_days(3), 30)
        .unwrap()
        .unwrap()
        .to_string()
}

/// The route whose template `uri` matches, literal segments before parameters.
fn route_of(method: &Method, uri: &str) -> &'static Route {
    let path = uri.split('?').next().unwrap();
    let segments: Vec<&str> = path.split('/').collect();
    ROUTES
        .iter()
        .filter(|r| r.method == method.as_str())
        .filter(|r| {
            let template: Vec<&str> = r.path.split('/').collect();
            template.len() == segments.len()
                && template
                    .iter()
                    .zip(&segments)
                    .all(|(t, s)| t.starts_with('{') || t == s)
        })
        .min_by_key(|r| r.path.matches('{').count())
        .unwrap_or_else(|| panic!("no route for {method} {uri}"))
}

/// Adds `unevaluatedProperties: false` to every object schema that does not say what other
/// properties it allows, so an answer field the document does not name fails the check.
fn strict(schema: &mut Value) {
    match schema {
        Value::Object(map) => {
            if map.contains_key("properties")
                && !map.contains_key("additionalProperties")
                && !map.contains_key("unevaluatedProperties")
            {
                map.insert("unevaluatedProperties".into(), false.into());
            }
            map.values_mut().for_each(strict);
        }
        Value::Array(items) => items.iter_mut().for_each(strict),
        _ => {}
    }
}

/// Drives the app and checks every answer against the document: its status is declared for
/// the route, its media type is the declared one and a JSON body validates against the
/// declared schema (formats included, undeclared fields refused).
struct Tour {
    app: Router,
    doc: Value,
    components: Value,
    /// Routes whose success answer was checked.
    checked: BTreeSet<(String, String)>,
    /// Answers checked, errors included.
    answers: usize,
}

impl Tour {
    async fn new(app: &Router) -> Self {
        let doc = served(app).await;
        let mut components = doc["components"].clone();
        strict(&mut components);
        Self {
            app: app.clone(),
            doc,
            components,
            checked: BTreeSet::new(),
            answers: 0,
        }
    }

    async fn call(
        &mut self,
        method: Method,
        uri: &str,
        body: Option<Value>,
        cookie: Option<&str>,
    ) -> Answer {
        self.call_with(method, uri, body, cookie, &[]).await
    }

    async fn call_with(
        &mut self,
        method: Method,
        uri: &str,
        body: Option<Value>,
        cookie: Option<&str>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut req = Request::builder().method(method.clone()).uri(uri);
        if let Some(c) = cookie {
            req = req.header(header::COOKIE, c);
        }
        for (name, value) in headers {
            req = req.header(*name, *value);
        }
        let req = match body {
            Some(b) => req
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(b.to_string())),
            None => req.body(Body::empty()),
        }
        .unwrap();
        let answer = send_raw(&self.app, req).await;
        self.check(&method, uri, &answer);
        answer
    }

    /// The declared response of `route` for `status`: exact, else its range (`4XX`).
    fn response(&self, route: &Route, status: StatusCode) -> Value {
        let name = format!("{} {}", route.method, route.path);
        let responses = &operation(&self.doc, route)["responses"];
        let declared = responses
            .get(status.as_str())
            .or_else(|| responses.get(format!("{}XX", status.as_u16() / 100)))
            .unwrap_or_else(|| panic!("{name}: {status} is not declared"));
        match declared["$ref"].as_str() {
            Some(r) => self.doc.pointer(&r[1..]).unwrap().clone(),
            None => declared.clone(),
        }
    }

    fn check(&mut self, method: &Method, uri: &str, answer: &Answer) {
        let route = route_of(method, uri);
        let name = format!("{method} {uri} ({})", answer.status);
        let response = self.response(route, answer.status);
        let content = &response["content"];
        match answer.headers.get(header::CONTENT_TYPE) {
            None => {
                assert!(content.is_null(), "{name}: no body; declared {content}");
                assert!(answer.body.is_null(), "{name}");
            }
            Some(media) => {
                let media = media.to_str().unwrap();
                let essence = |m: &str| m.split(';').next().unwrap().trim().to_owned();
                let (declared, media_type) = content
                    .as_object()
                    .unwrap_or_else(|| panic!("{name}: answered {media}; declared no body"))
                    .iter()
                    .find(|(m, _)| essence(m) == essence(media))
                    .unwrap_or_else(|| panic!("{name}: answered {media}; declared {content}"));
                assert_eq!(
                    declared, media,
                    "{name}: the media type with its parameters"
                );
                if essence(media) == "application/json" {
                    self.validate(&name, &media_type["schema"], &answer.body);
                }
            }
        }
        self.answers += 1;
        if answer.status.is_success() {
            self.checked
                .insert((route.method.to_owned(), route.path.to_owned()));
        }
    }

    fn validate(&self, name: &str, schema: &Value, instance: &Value) {
        let errors = self.errors(name, schema, instance);
        assert!(
            errors.is_empty(),
            "{name}: the answer does not match the document:\n{}\nanswer: {instance:#}",
            errors.join("\n")
        );
    }

    /// Why `instance` does not match `schema` (with the document's components); empty if it
    /// does.
    fn errors(&self, name: &str, schema: &Value, instance: &Value) -> Vec<String> {
        let mut schema = schema.clone();
        strict(&mut schema);
        let root = json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [schema],
            "components": self.components,
        });
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .should_validate_formats(true)
            .build(&root)
            .unwrap_or_else(|e| panic!("{name}: the declared schema does not compile: {e}"));
        validator
            .iter_errors(instance)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect()
    }

    /// `GET …/events` resumed from event 0: the first stored event, checked against the
    /// declared event data.
    async fn first_event(&mut self, uri: &str) -> Value {
        let req = Request::builder()
            .uri(uri)
            .header("last-event-id", "0")
            .body(Body::empty())
            .unwrap();
        let res = self.app.clone().oneshot(req).await.unwrap();
        assert_eq!(res.status(), StatusCode::OK);
        let route = route_of(&Method::GET, uri);
        let response = self.response(route, StatusCode::OK);
        let declared = &response["content"]["text/event-stream"];
        assert!(declared.is_object(), "{response}");
        assert_eq!(res.headers()[header::CONTENT_TYPE], "text/event-stream");
        let mut body = res.into_body();
        let mut text = String::new();
        // The stream opens with its `retry:` field, a block without data; then the events.
        let has_event = |t: &str| {
            t.split_inclusive("\n\n")
                .any(|b| b.ends_with("\n\n") && b.lines().any(|l| l.starts_with("data: ")))
        };
        assert!(!has_event("retry: 3000\n\n"));
        while !has_event(&text) {
            let frame = tokio::time::timeout(std::time::Duration::from_secs(10), body.frame())
                .await
                .expect("an event within 10 s")
                .expect("the stream goes on")
                .unwrap();
            if let Ok(data) = frame.into_data() {
                text.push_str(std::str::from_utf8(&data).unwrap());
            }
        }
        assert!(text.starts_with("retry: 3000\n\n"), "{text}");
        let event = text
            .split("\n\n")
            .find(|b| b.lines().any(|l| l.starts_with("data: ")))
            .unwrap();
        assert!(event.lines().any(|l| l == "event: queue"), "{event}");
        let data = event
            .lines()
            .find_map(|l| l.strip_prefix("data: "))
            .unwrap_or_else(|| panic!("no data line in {event:?}"));
        let data: Value = serde_json::from_str(data).unwrap();
        self.validate(uri, &declared["x-event-data"], &data);
        self.checked
            .insert((route.method.to_owned(), route.path.to_owned()));
        self.answers += 1;
        data
    }
}

fn cookie_of(a: &Answer) -> String {
    let c = a.headers[header::SET_COOKIE].to_str().unwrap();
    c.split(';').next().unwrap().to_owned()
}

fn submission() -> Value {
    json!({
        "pack": "okuyami",
        "version": "2026.11",
        "city": "kitakyushu",
        "date": "2026-11-20",
        "answers": {"death_date": "2026-11-18", "deceased_age": 80, "householder": true, "parts": ["heart"]},
        "procedures": [
            {"id": "kokuho_soshitsu", "name": "国民健康保険の資格喪失", "status": "required"},
            {"id": "sosaihi", "name": "葬祭費の支給申請", "status": "may_apply", "mark": "later"}
        ],
        "applicant": {
            "name": "窓口 花子",
            "birth_date": "1960-04-01",
            "address": "北九州市小倉北区大手町1-1"
        }
    })
}

/// Every route of the list, driven through the app as an integrator would use it, each
/// answer (successes and a few refusals) checked against the document.
#[tokio::test]
async fn every_answer_validates_against_the_declared_schema() {
    use Method as M;
    let (app, state) = test_app().await;
    let mut t = Tour::new(&app).await;
    let json_ok = |a: &Answer, status: StatusCode| assert_eq!(a.status, status, "{}", a.body);

    // The relay itself, and sessions.
    t.call(M::GET, "/healthz", None, None).await;
    t.call(M::GET, "/api/openapi.json", None, None).await;
    let anonymous = t.call(M::GET, "/api/auth/session", None, None).await;
    assert_eq!(anonymous.body["staff"], Value::Null);
    let login = json!({"login": "admin", "password": PASSWORD});
    let a = t.call(M::POST, "/api/auth/login", Some(login), None).await;
    json_ok(&a, StatusCode::OK);
    let admin = cookie_of(&a);
    let admin = admin.as_str();
    let a = t.call(M::GET, "/api/auth/session", None, Some(admin)).await;
    assert_eq!(a.body["staff"]["role"], "admin");
    t.call(M::GET, "/api/auth/me", None, Some(admin)).await;

    // Refusals have the shared error body.
    let a = t
        .call(M::GET, "/api/offices/kokurakita/queue", None, None)
        .await;
    assert_error(&a, StatusCode::UNAUTHORIZED, "unauthorized");
    let a = t
        .call(
            M::GET,
            &format!("/api/reservations/{}", "0".repeat(64)),
            None,
            None,
        )
        .await;
    assert_error(&a, StatusCode::NOT_FOUND, "not_found");
    let bad = json!({"service_id": 1});
    let a = t
        .call(M::POST, "/api/offices/kokurakita/tickets", Some(bad), None)
        .await;
    assert_error(&a, StatusCode::BAD_REQUEST, "invalid_body");

    // Offices and the queue.
    t.call(M::GET, "/api/offices", None, None).await;
    t.call(M::GET, "/api/offices/kokurakita", None, None).await;
    let tickets = "/api/offices/kokurakita/tickets";
    let key = [("idempotency-key", "kiosk-1-0001")];
    let jumin = json!({"service_id": "jumin"});
    let first = t
        .call_with(M::POST, tickets, Some(jumin.clone()), None, &key)
        .await;
    json_ok(&first, StatusCode::CREATED);
    let again = t
        .call_with(M::POST, tickets, Some(jumin.clone()), None, &key)
        .await;
    json_ok(&again, StatusCode::OK);
    let second = t.call(M::POST, tickets, Some(jumin), None).await;
    let kokuho = json!({"service_id": "kokuho"});
    let third = t.call(M::POST, tickets, Some(kokuho), None).await;
    let status_token = first.body["status_token"].as_str().unwrap();
    let a = t
        .call(
            M::GET,
            &format!("/api/ticket-status/{status_token}"),
            None,
            None,
        )
        .await;
    json_ok(&a, StatusCode::OK);
    t.call(M::GET, "/api/offices/kokurakita/board", None, None)
        .await;
    // An office without paired kiosks takes tickets from any browser.
    let a = t
        .call(M::GET, "/api/offices/kokurakita/kiosk", None, None)
        .await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);
    let a = t
        .call(M::GET, "/api/offices/kokurakita/walk-in", None, None)
        .await;
    json_ok(&a, StatusCode::OK);
    let a = t
        .call(
            M::GET,
            "/api/offices/kokurakita/kiosk-policy",
            None,
            Some(admin),
        )
        .await;
    json_ok(&a, StatusCode::OK);
    let a = t
        .call(
            M::PUT,
            "/api/offices/kokurakita/kiosk-policy",
            Some(json!({"kiosks_only": false})),
            Some(admin),
        )
        .await;
    json_ok(&a, StatusCode::OK);
    let event = t.first_event("/api/offices/kokurakita/events").await;
    assert_eq!(event["kind"], "issued");
    t.call(M::GET, "/api/offices/kokurakita/queue", None, Some(admin))
        .await;
    let call_next = "/api/counters/1/call-next";
    let a = t
        .call(M::POST, call_next, Some(json!({})), Some(admin))
        .await;
    assert_eq!(a.body["called"]["id"], first.body["ticket"]["id"]);
    let id = |a: &Answer| a.body["ticket"]["id"].as_i64().unwrap();
    let recall = format!("/api/tickets/{}/recall", id(&first));
    json_ok(
        &t.call(M::POST, &recall, None, Some(admin)).await,
        StatusCode::OK,
    );
    let no_show = format!("/api/tickets/{}/no-show", id(&first));
    json_ok(
        &t.call(M::POST, &no_show, None, Some(admin)).await,
        StatusCode::OK,
    );
    t.call(M::POST, call_next, Some(json!({})), Some(admin))
        .await;
    let done = format!("/api/tickets/{}/done", id(&second));
    json_ok(
        &t.call(M::POST, &done, None, Some(admin)).await,
        StatusCode::OK,
    );
    let transfer = format!("/api/tickets/{}/transfer", id(&third));
    let handover = format!("/api/tickets/{}/handover", id(&third));
    let visit = json!({"title": "引越し（転入）", "from_counter_id": 1, "procedures": ["国民健康保険の加入"], "visit": {"id": "v-1"}});
    json_ok(
        &t.call(M::PUT, &handover, Some(visit), Some(admin)).await,
        StatusCode::OK,
    );
    let to = json!({"service_id": "fukushi"});
    json_ok(
        &t.call(M::POST, &transfer, Some(to), Some(admin)).await,
        StatusCode::OK,
    );
    json_ok(
        &t.call(M::GET, &handover, None, Some(admin)).await,
        StatusCode::OK,
    );
    json_ok(
        &t.call(
            M::GET,
            "/api/offices/kokurakita/handovers",
            None,
            Some(admin),
        )
        .await,
        StatusCode::OK,
    );
    let nobody = t
        .call(M::POST, call_next, Some(json!({})), Some(admin))
        .await;
    assert_eq!(nobody.body["called"], Value::Null);

    // Guide records.
    let records = "/api/offices/kokurakita/guide-records";
    let record = json!({
        "pack": "okuyami", "version": "2026.11.2", "city": "kitakyushu", "date": "2026-11-22",
        "answers": {"death_date": "2026-11-20", "deceased_age": 80},
        "procedures": [{"id": "kouki-soushitsu", "name": "後期高齢者医療の資格喪失", "status": "required", "mark": "today"}],
        "ticket_id": id(&second),
        "printed_forms": ["kouki-sousaihi"],
        "printed_for": "山田 花子"
    });
    let a = t
        .call(M::POST, records, Some(record.clone()), Some(admin))
        .await;
    json_ok(&a, StatusCode::CREATED);
    let visit = format!("{records}/visits/0b9e4c52-3f1a-4d8e-a7b6-5c2d1e0f9a88");
    let a = t
        .call(M::PUT, &visit, Some(record.clone()), Some(admin))
        .await;
    json_ok(&a, StatusCode::CREATED);
    let mut ended = record;
    ended["done_at_ms"] = json!(1_765_000_000_000_i64);
    let a = t.call(M::PUT, &visit, Some(ended), Some(admin)).await;
    json_ok(&a, StatusCode::OK);
    t.call(M::GET, &format!("{records}?limit=10"), None, Some(admin))
        .await;

    // Reservations.
    let day = open_day();
    let slots = format!("/api/offices/kokurakita/services/jumin/slots?from={day}&days=1");
    let a = t.call(M::GET, &slots, None, None).await;
    assert_eq!(a.body[0]["free"], 2, "{}", a.body);
    let book = "/api/offices/kokurakita/reservations";
    let visit = |start: &str| json!({"service": "jumin", "day": day, "start": start, "phone": "090-1234-5678", "birth_date": "1985-04-01"});
    let key = [("idempotency-key", "phone-line-7f3a")];
    let booked = t
        .call_with(M::POST, book, Some(visit("10:00")), None, &key)
        .await;
    json_ok(&booked, StatusCode::CREATED);
    let again = t
        .call_with(M::POST, book, Some(visit("10:00")), None, &key)
        .await;
    json_ok(&again, StatusCode::OK);
    let token = booked.body["token"].as_str().unwrap();
    let holder = format!("/api/reservations/{token}");
    json_ok(&t.call(M::GET, &holder, None, None).await, StatusCode::OK);
    let ics = t.call(M::GET, &format!("{holder}/ics"), None, None).await;
    assert!(ics.body.as_str().unwrap().starts_with("BEGIN:VCALENDAR"));
    let moved = json!({"day": day, "start": "14:00"});
    let a = t
        .call(M::POST, &format!("{holder}/reschedule"), Some(moved), None)
        .await;
    json_ok(&a, StatusCode::OK);
    let a = t.call(M::DELETE, &holder, None, None).await;
    assert_eq!(a.body["status"], "cancelled");
    // A full slot is refused with other slots to offer.
    for _ in 0..2 {
        let a = t.call(M::POST, book, Some(visit("15:00")), None).await;
        json_ok(&a, StatusCode::CREATED);
    }
    let full = t.call(M::POST, book, Some(visit("15:00")), None).await;
    assert_error(&full, StatusCode::CONFLICT, "slot_full");
    assert!(
        !full.body["error"]["alternatives"]
            .as_array()
            .unwrap()
            .is_empty()
    );
    // Check-in of a visit booked for today (made in the database: bookings close before).
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    sqlx::query("INSERT INTO reservations (office_id, service_id, day, start_min, end_min, token_hash, code, status, created_at_ms) VALUES ('kokurakita', 'jumin', $1, 0, 30, 'openapi-test', 'T00000', 'booked', $2)")
        .bind(mado_relay::local_day(now))
        .bind(now)
        .execute(&state.db)
        .await
        .unwrap();
    let check_in = "/api/offices/kokurakita/check-in";
    let code = json!({"code": "T00000"});
    let a = t.call(M::POST, check_in, Some(code.clone()), None).await;
    json_ok(&a, StatusCode::CREATED);
    let a = t.call(M::POST, check_in, Some(code), None).await;
    json_ok(&a, StatusCode::OK);

    // Pre-applications.
    let submissions = "/api/offices/kokurakita/submissions";
    let key = [("idempotency-key", "rpa-0001")];
    let sent = t
        .call_with(M::POST, submissions, Some(submission()), None, &key)
        .await;
    json_ok(&sent, StatusCode::CREATED);
    let again = t
        .call_with(M::POST, submissions, Some(submission()), None, &key)
        .await;
    json_ok(&again, StatusCode::OK);
    let receipt_token = sent.body["token"].as_str().unwrap();
    let progress = format!("/api/submission-status/{receipt_token}");
    json_ok(&t.call(M::GET, &progress, None, None).await, StatusCode::OK);
    let inbox = format!("{submissions}?status=received&pack=okuyami");
    let a = t.call(M::GET, &inbox, None, Some(admin)).await;
    assert_eq!(a.body.as_array().unwrap().len(), 1);
    let open = json!({"code": sent.body["code"]});
    let opened = t
        .call(
            M::POST,
            &format!("{submissions}/open"),
            Some(open),
            Some(admin),
        )
        .await;
    assert_eq!(opened.body["status"], "in_progress");
    let one = format!("/api/submissions/{}", opened.body["id"]);
    json_ok(
        &t.call(M::GET, &one, None, Some(admin)).await,
        StatusCode::OK,
    );
    let completed = json!({"status": "completed", "note": "受付しました"});
    let a = t
        .call(
            M::POST,
            &format!("{one}/status"),
            Some(completed),
            Some(admin),
        )
        .await;
    assert_eq!(a.body["status"], "completed");
    let csv = t
        .call(
            M::GET,
            &format!("{submissions}/export.csv"),
            None,
            Some(admin),
        )
        .await;
    assert!(csv.body.as_str().unwrap().contains("受付番号"));
    let exported = t
        .call(
            M::GET,
            &format!("{submissions}/export.json?from={}", "2020-01-01"),
            None,
            Some(admin),
        )
        .await;
    assert_eq!(exported.body.as_array().unwrap().len(), 1);
    t.call(M::GET, "/api/offices/kokurakita/stats", None, Some(admin))
        .await;

    // Administration.
    let settings = "/api/offices/kokurakita/settings";
    let mut s = t.call(M::GET, settings, None, Some(admin)).await.body;
    s["calendar"]["closed"] = json!(["2030-01-07"]);
    s["calendar"]["extra"] = json!([["2030-03-24", [[540, 720]]]]);
    let saved = t.call(M::PUT, settings, Some(s.clone()), Some(admin)).await;
    json_ok(&saved, StatusCode::OK);
    assert_eq!(saved.body["calendar"]["closed"], json!(["2030-01-07"]));
    s["id"] = json!("moji");
    s["name"] = json!("門司区役所");
    s["name_en"] = json!("Moji Ward Office");
    for c in s["counters"].as_array_mut().unwrap() {
        c["id"] = Value::Null;
    }
    let a = t.call(M::POST, "/api/offices", Some(s), Some(admin)).await;
    json_ok(&a, StatusCode::CREATED);
    t.call(M::GET, "/api/staff", None, Some(admin)).await;
    let clerk = json!({"login": "tanaka.h", "display_name": "田中 花子", "role": "staff", "password": "long enough 1"});
    let a = t
        .call(M::POST, "/api/staff", Some(clerk), Some(admin))
        .await;
    json_ok(&a, StatusCode::CREATED);
    let update = json!({"display_name": "田中 春子"});
    let a = t
        .call(
            M::PUT,
            &format!("/api/staff/{}", a.body["id"]),
            Some(update),
            Some(admin),
        )
        .await;
    assert_eq!(a.body["display_name"], "田中 春子");

    // The audit trail of all of the above, as JSON and as CSV.
    let a = t
        .call(M::GET, "/api/audit?limit=100", None, Some(admin))
        .await;
    json_ok(&a, StatusCode::OK);
    assert!(!a.body.as_array().unwrap().is_empty());
    let a = t
        .call(
            M::GET,
            "/api/audit/export.csv?action=staff_updated",
            None,
            Some(admin),
        )
        .await;
    assert_eq!(a.status, StatusCode::OK);

    // Devices: a lobby display paired, another revoked.
    let devices = "/api/offices/kokurakita/devices";
    let display = json!({"kind": "display", "label": "1階ロビー 呼出表示"});
    let created = t.call(M::POST, devices, Some(display), Some(admin)).await;
    json_ok(&created, StatusCode::CREATED);
    let pair = json!({"code": created.body["code"]});
    let paired = t.call(M::POST, "/api/devices/pair", Some(pair), None).await;
    json_ok(&paired, StatusCode::OK);
    let device = cookie_of(&paired);
    let me = t.call(M::GET, "/api/devices/me", None, Some(&device)).await;
    assert_eq!(me.body["kind"], "display");
    let spare = json!({"kind": "kiosk", "label": "予備の受付機"});
    let spare = t.call(M::POST, devices, Some(spare), Some(admin)).await;
    t.call(M::GET, devices, None, Some(admin)).await;
    let revoke = format!("/api/devices/{}", spare.body["device"]["id"]);
    let a = t.call(M::DELETE, &revoke, None, Some(admin)).await;
    assert!(a.body["revoked_at_ms"].is_i64());

    let a = t.call(M::POST, "/api/auth/logout", None, Some(admin)).await;
    assert_eq!(a.status, StatusCode::NO_CONTENT);

    let missing: Vec<String> = ROUTES
        .iter()
        .filter(|r| {
            !t.checked
                .contains(&(r.method.to_owned(), r.path.to_owned()))
        })
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    assert!(
        missing.is_empty(),
        "no success answer of these routes was checked against the document; add them to \
         this tour: {missing:?}"
    );
    assert!(t.answers > ROUTES.len(), "{} answers checked", t.answers);
}

/// The check is not vacuous: a real answer passes, and the same answer with a field the
/// document does not name, without a required field, with a wrong type or a malformed date
/// fails.
#[tokio::test]
async fn the_check_refuses_answers_the_document_does_not_describe() {
    let (app, _) = test_app().await;
    let t = Tour::new(&app).await;
    let a = get(&app, "/api/offices/kokurakita").await;
    let issued = walk_in(&app, "jumin").await;
    let schema = |path: &str, method: &str, status: &str| {
        t.doc["paths"][path][method]["responses"][status]["content"]["application/json"]["schema"]
            .clone()
    };
    let ticket = schema("/api/offices/{office}/tickets", "post", "201");
    assert!(t.errors("issued", &ticket, &issued.body).is_empty());
    let office = schema("/api/offices/{office}", "get", "200");
    assert!(t.errors("office", &office, &a.body).is_empty());

    let mut extra = issued.body.clone();
    extra["ticket"]["colour"] = json!("blue");
    let mut missing = issued.body.clone();
    missing["ticket"]
        .as_object_mut()
        .unwrap()
        .remove("called_at_ms");
    let mut wrong = issued.body.clone();
    wrong["ahead"] = json!("three");
    let mut status = issued.body.clone();
    status["ticket"]["status"] = json!("lost");
    for (what, bad) in [
        ("a field the document does not name", extra),
        ("no called_at_ms", missing),
        ("a string for a count", wrong),
        ("an unknown status", status),
    ] {
        assert!(!t.errors(what, &ticket, &bad).is_empty(), "{what} passed");
    }
    let settings = t.doc["paths"]["/api/offices/{office}/settings"]["get"]["responses"]["200"]
        ["content"]["application/json"]["schema"]
        .clone();
    let cookie = login(&app).await;
    let mut s = send(
        &app,
        Method::GET,
        "/api/offices/kokurakita/settings",
        None,
        Some(&cookie),
    )
    .await
    .body;
    s["calendar"]["closed"] = json!(["2030-01-07"]);
    assert!(t.errors("settings", &settings, &s).is_empty());
    s["calendar"]["closed"] = json!(["2030-02-30"]);
    assert!(!t.errors("30 February", &settings, &s).is_empty());
}

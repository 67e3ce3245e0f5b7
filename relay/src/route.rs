//! What the route table says of each route: its method and path, who may call it, what it
//! reads and answers, and its handler. The table itself is [`crate::routes::ROUTES`].

use axum::routing::{MethodFilter, MethodRouter};
use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::state::AppState;

/// Who may call a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone: office data, public queue state, health.
    Public,
    /// Whoever holds the capability token in the path (a resident's booking or pre-application).
    Capability,
    /// A paired kiosk of the office, or anyone while the office has no paired kiosk.
    Kiosk,
    /// A paired device (the device itself, when pairing or asking who it is).
    Device,
    /// A logged-in staff member.
    Staff,
    /// A logged-in staff member with the admin role.
    Admin,
}

/// Adds the JSON Schema of one type to a generator and returns it (a `$ref` once the type
/// is named in the generator's definitions).
pub type SchemaFn = fn(&mut SchemaGenerator) -> Schema;

fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

/// The schema of `T` itself, never a `$ref`: for a query string, whose fields become
/// parameters.
fn inline<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    T::json_schema(generator)
}

/// What a route answers when it succeeds.
#[derive(Debug, Clone, Copy)]
pub enum Answer {
    /// JSON of this schema, with this status.
    Json { status: u16, schema: SchemaFn },
    /// Text of this media type (`text/csv; charset=utf-8`), described in words.
    Text {
        media_type: &'static str,
        description: &'static str,
    },
    /// Server-sent events whose `data:` lines are JSON of this schema; resumable by
    /// `Last-Event-ID`.
    Events(SchemaFn),
    /// 204 without a body.
    NoContent,
}

/// One route: method, path template, access, what it does, reads and answers.
#[derive(Debug, Clone, Copy)]
pub struct Route {
    pub method: &'static str,
    pub path: &'static str,
    pub access: Access,
    pub summary: &'static str,
    /// The JSON body it reads, if it reads one.
    pub body: Option<SchemaFn>,
    /// The query string, as the struct the handler reads it into.
    pub query: Option<SchemaFn>,
    /// Whether it honours an `Idempotency-Key` header.
    pub idempotent: bool,
    /// What it answers on success; `None` until stated (the OpenAPI test refuses that).
    pub answer: Option<Answer>,
    /// When [`Route::answer`] is 201: when the route answers 200 with the same body instead.
    pub also_ok: Option<&'static str>,
    /// Its handler, for the method given.
    pub handler: Handler,
    /// [`Route::method`] as the router matches it.
    pub filter: MethodFilter,
}

/// A route's handler: `|m| on(m, tickets::tickets_issue)`, given the route's method, so the
/// method is written once, in the table.
pub type Handler = fn(MethodFilter) -> MethodRouter<AppState>;

/// The filter of an HTTP method; the table is a constant, so a method not listed here stops
/// the build.
const fn method_filter(method: &str) -> MethodFilter {
    match method.as_bytes() {
        b"GET" => MethodFilter::GET,
        b"POST" => MethodFilter::POST,
        b"PUT" => MethodFilter::PUT,
        b"DELETE" => MethodFilter::DELETE,
        b"PATCH" => MethodFilter::PATCH,
        _ => panic!("route table: a method must be GET, POST, PUT, DELETE or PATCH"),
    }
}

pub(crate) const fn r(
    method: &'static str,
    path: &'static str,
    access: Access,
    summary: &'static str,
    handler: Handler,
) -> Route {
    Route {
        method,
        path,
        access,
        summary,
        handler,
        filter: method_filter(method),
        body: None,
        query: None,
        idempotent: false,
        answer: None,
        also_ok: None,
    }
}

impl Route {
    /// Reads a JSON body of type `T`.
    pub(crate) const fn body<T: JsonSchema>(self) -> Self {
        Self {
            body: Some(schema::<T>),
            ..self
        }
    }

    /// Reads its query string into `T`.
    pub(crate) const fn query<T: JsonSchema>(self) -> Self {
        Self {
            query: Some(inline::<T>),
            ..self
        }
    }

    /// Answers 200 with JSON of type `T`.
    pub(crate) const fn json<T: JsonSchema>(self) -> Self {
        Self {
            answer: Some(Answer::Json {
                status: 200,
                schema: schema::<T>,
            }),
            ..self
        }
    }

    /// Answers 201 with JSON of type `T`.
    pub(crate) const fn created<T: JsonSchema>(self) -> Self {
        Self {
            answer: Some(Answer::Json {
                status: 201,
                schema: schema::<T>,
            }),
            ..self
        }
    }

    /// Answers text of `media_type`.
    pub(crate) const fn text(self, media_type: &'static str, description: &'static str) -> Self {
        Self {
            answer: Some(Answer::Text {
                media_type,
                description,
            }),
            ..self
        }
    }

    /// Answers server-sent events carrying JSON of type `T`.
    pub(crate) const fn events<T: JsonSchema>(self) -> Self {
        Self {
            answer: Some(Answer::Events(schema::<T>)),
            ..self
        }
    }

    /// Answers 204.
    pub(crate) const fn no_content(self) -> Self {
        Self {
            answer: Some(Answer::NoContent),
            ..self
        }
    }

    /// Honours `Idempotency-Key`: a repeat with the same key answers 200 with the first answer.
    pub(crate) const fn idempotent(self) -> Self {
        Self {
            idempotent: true,
            also_ok: Some("repeated with the same Idempotency-Key: the first answer again"),
            ..self
        }
    }

    /// Answers 200 with the same body when `why`.
    pub(crate) const fn also_ok(self, why: &'static str) -> Self {
        Self {
            also_ok: Some(why),
            ..self
        }
    }
}

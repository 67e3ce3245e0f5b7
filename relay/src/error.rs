//! The relay's one error type and the extractors whose rejections use its JSON body.

use axum::extract::rejection::{JsonRejection, PathRejection, QueryRejection};
use axum::extract::{FromRequest, FromRequestParts};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use mado_wire::{ErrorBody, ErrorDetail};

/// Largest request body accepted, in bytes.
pub const BODY_LIMIT: usize = 64 * 1024;

/// Everything a handler can answer besides success. Client errors carry a message naming
/// what was wrong and what was expected; internal errors are logged and answered generically.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input: a body, query or path the relay cannot use.
    #[error("{message}")]
    BadRequest { code: &'static str, message: String },
    /// Bad input: no staff session, or an expired one.
    #[error("staff login required")]
    Unauthorized,
    /// Bad input: the login or password is wrong (never says which).
    #[error("login or password is wrong")]
    BadCredentials,
    /// This needs a paired kiosk or display (the office pairs its lobby devices).
    #[error("{0}")]
    DeviceRequired(String),
    /// Logged in, but not allowed (an admin-only action by other staff, a device of another
    /// office or kind).
    #[error("{0}")]
    Forbidden(String),
    /// Bad input: the thing named in the path does not exist.
    #[error("{0}")]
    NotFound(String),
    /// Bad input: the request conflicts with the current state (e.g. calling a finished ticket).
    #[error("{0}")]
    Conflict(String),
    /// Bad input: an `Idempotency-Key` sent again with another request
    /// ([`crate::headers::Idempotency`]).
    #[error(
        "this Idempotency-Key was sent before with another request; a new request needs a new key"
    )]
    KeyReused,
    /// The slot asked for has no free place; other slots are offered.
    #[error("{message}")]
    SlotFull {
        message: String,
        alternatives: Vec<mado_wire::SlotOffer>,
    },
    /// The service takes no walk-in tickets now (office hours, its cut-off, a closed day).
    #[error("{message}")]
    Closed {
        message: String,
        walk_in: mado_wire::calendar::WalkIn,
    },
    /// Bad input: a body without `Content-Type: application/json`.
    #[error("expected a body with Content-Type: application/json")]
    UnsupportedMediaType,
    /// Bad input: a body over the size limit.
    #[error("request body is larger than {0} bytes")]
    TooLarge(usize),
    /// Not now: an account locked after wrong passwords (`account_locked`), too many logins
    /// waiting for the password check (`logins_busy`). 429 with `Retry-After`.
    #[error("{message}")]
    Busy {
        code: &'static str,
        message: String,
        retry_after_secs: u64,
    },
    /// Bug or environment failure: database, hashing, I/O.
    #[error("internal error: {0}")]
    Internal(String),
}

impl Error {
    pub fn bad_request(code: &'static str, message: impl Into<String>) -> Self {
        Error::BadRequest {
            code,
            message: message.into(),
        }
    }

    fn status_and_code(&self) -> (StatusCode, &'static str) {
        match self {
            Error::BadRequest { code, .. } => (StatusCode::BAD_REQUEST, code),
            Error::Unauthorized => (StatusCode::UNAUTHORIZED, "unauthorized"),
            Error::BadCredentials => (StatusCode::UNAUTHORIZED, "bad_credentials"),
            Error::Busy { code, .. } => (StatusCode::TOO_MANY_REQUESTS, code),
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Error::DeviceRequired(_) => (StatusCode::UNAUTHORIZED, "device_required"),
            Error::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Error::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
            Error::KeyReused => (StatusCode::UNPROCESSABLE_ENTITY, "idempotency_key_reused"),
            Error::SlotFull { .. } => (StatusCode::CONFLICT, "slot_full"),
            Error::Closed { .. } => (StatusCode::CONFLICT, "closed"),
            Error::UnsupportedMediaType => {
                (StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type")
            }
            Error::TooLarge(_) => (StatusCode::PAYLOAD_TOO_LARGE, "too_large"),
            Error::Internal(_) => (StatusCode::INTERNAL_SERVER_ERROR, "internal"),
        }
    }
}

/// The JSON error response for a status and message (also used by fallbacks).
pub fn error_response(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    let body = ErrorBody {
        error: ErrorDetail {
            code: code.to_owned(),
            message: message.into(),
            alternatives: Vec::new(),
            walk_in: None,
        },
    };
    (status, axum::Json(body)).into_response()
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let (status, code) = self.status_and_code();
        let detail = match self {
            Error::SlotFull {
                message,
                alternatives,
            } => ErrorDetail {
                code: code.to_owned(),
                message,
                alternatives,
                walk_in: None,
            },
            Error::Closed { message, walk_in } => ErrorDetail {
                code: code.to_owned(),
                message,
                alternatives: Vec::new(),
                walk_in: Some(walk_in),
            },
            Error::Busy {
                retry_after_secs, ..
            } => {
                let secs = retry_after_secs.max(1).to_string();
                let mut res = self.plain_response(status, code);
                if let Ok(v) = axum::http::HeaderValue::from_str(&secs) {
                    res.headers_mut().insert(axum::http::header::RETRY_AFTER, v);
                }
                return res;
            }
            other => return other.plain_response(status, code),
        };
        let body = ErrorBody { error: detail };
        (status, axum::Json(body)).into_response()
    }
}

impl Error {
    /// The body of an error without details of its own: its code and message.
    fn plain_response(self, status: StatusCode, code: &str) -> Response {
        let message = match &self {
            Error::Internal(detail) => {
                tracing::error!(error = %detail, "internal error");
                "internal error; the relay log has the details".to_owned()
            }
            other => other.to_string(),
        };
        error_response(status, code, message)
    }
}

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        Error::Internal(format!("database: {e}"))
    }
}

impl From<JsonRejection> for Error {
    fn from(r: JsonRejection) -> Self {
        match r {
            JsonRejection::MissingJsonContentType(_) => Error::UnsupportedMediaType,
            JsonRejection::BytesRejection(_) if r.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                Error::TooLarge(BODY_LIMIT)
            }
            JsonRejection::JsonSyntaxError(_) => Error::bad_request("invalid_json", r.body_text()),
            JsonRejection::JsonDataError(_) => Error::bad_request("invalid_body", r.body_text()),
            other => Error::bad_request("invalid_body", other.body_text()),
        }
    }
}

impl From<PathRejection> for Error {
    fn from(r: PathRejection) -> Self {
        Error::bad_request("invalid_path", r.body_text())
    }
}

impl From<QueryRejection> for Error {
    fn from(r: QueryRejection) -> Self {
        Error::bad_request("invalid_query", r.body_text())
    }
}

/// A JSON request body read strictly, whose rejections are our JSON error body: an object
/// where the type is a struct (serde would read an array field by field: `["admin"]` as a
/// name), and no NUL character in any string or key (PostgreSQL cannot store one: it would be
/// a 500 after the work was done). As an answer, plain `axum::Json`.
#[derive(Debug)]
pub struct Json<T>(pub T);

impl<T, S> FromRequest<S> for Json<T>
where
    T: serde::de::DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = Error;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self> {
        let axum::Json(value) = axum::Json::<serde_json::Value>::from_request(req, state).await?;
        if !value.is_object() {
            return Err(Error::bad_request(
                "invalid_body",
                format!(
                    "the body must be a JSON object ({{\"…\": …}}), found {}",
                    json_kind(&value)
                ),
            ));
        }
        if let Some(at) = nul_at(&value, &mut String::from("$")) {
            return Err(Error::bad_request(
                "invalid_body",
                format!("{at} holds a NUL character (\\u0000), which no field can hold"),
            ));
        }
        serde_path_to_error::deserialize(value).map(Json).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            Error::bad_request(
                "invalid_body",
                if path == "." {
                    format!("Failed to deserialize the JSON body into the target type: {inner}")
                } else {
                    format!(
                        "Failed to deserialize the JSON body into the target type: {path}: {inner}"
                    )
                },
            )
        })
    }
}

/// What a JSON value is, for messages.
fn json_kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "true or false",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

/// Where the first NUL character is in a JSON value (`$.label`, `$.answers.name`, `$[2]`).
fn nul_at(v: &serde_json::Value, at: &mut String) -> Option<String> {
    match v {
        serde_json::Value::String(s) => s.contains('\0').then(|| at.clone()),
        serde_json::Value::Array(items) => items.iter().enumerate().find_map(|(i, x)| {
            let len = at.len();
            at.push_str(&format!("[{i}]"));
            let found = nul_at(x, at);
            at.truncate(len);
            found
        }),
        serde_json::Value::Object(map) => map.iter().find_map(|(k, x)| {
            if k.contains('\0') {
                return Some(format!("a key in {at}"));
            }
            let len = at.len();
            at.push('.');
            at.push_str(k);
            let found = nul_at(x, at);
            at.truncate(len);
            found
        }),
        _ => None,
    }
}

impl<T: serde::Serialize> IntoResponse for Json<T> {
    fn into_response(self) -> Response {
        axum::Json(self.0).into_response()
    }
}

/// `axum::extract::Path` whose rejections are our JSON error body.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Path), rejection(Error))]
pub struct Path<T>(pub T);

/// `axum::extract::Query` whose rejections are our JSON error body.
#[derive(Debug, FromRequestParts)]
#[from_request(via(axum::extract::Query), rejection(Error))]
pub struct Query<T>(pub T);

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Refuses a path or query holding an encoded NUL (`%00`) before any handler reads it: no id,
/// token or filter holds one, and PostgreSQL cannot take one as text.
pub async fn refuse_nul(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    let nul = |s: &str| s.as_bytes().windows(3).any(|w| w == b"%00");
    let uri = req.uri();
    if nul(uri.path()) {
        return Error::bad_request("invalid_path", "the path holds a NUL character (%00)")
            .into_response();
    }
    if uri.query().is_some_and(nul) {
        return Error::bad_request("invalid_query", "the query holds a NUL character (%00)")
            .into_response();
    }
    next.run(req).await
}

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
            Error::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden"),
            Error::DeviceRequired(_) => (StatusCode::UNAUTHORIZED, "device_required"),
            Error::NotFound(_) => (StatusCode::NOT_FOUND, "not_found"),
            Error::Conflict(_) => (StatusCode::CONFLICT, "conflict"),
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

/// `axum::Json` whose rejections are our JSON error body.
#[derive(Debug, FromRequest)]
#[from_request(via(axum::Json), rejection(Error))]
pub struct Json<T>(pub T);

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

//! Request headers the routes read themselves.

use axum::http::HeaderMap;

use crate::error::{Error, Result};

/// Validates an idempotency key: 1 to 100 visible ASCII characters.
pub(crate) fn idempotency_key(headers: &HeaderMap) -> Result<Option<String>> {
    let Some(v) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    match v.to_str() {
        Ok(s) if (1..=100).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic()) => {
            Ok(Some(s.to_owned()))
        }
        _ => Err(Error::bad_request(
            "invalid_header",
            "Idempotency-Key must be 1 to 100 visible ASCII characters",
        )),
    }
}

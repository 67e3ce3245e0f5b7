//! Request headers the routes read themselves: the `Idempotency-Key`.
//!
//! A client that may have lost an answer (a kiosk on a flaky network, the counter's outbox, a
//! phone going through a tunnel) sends the request again with the same key and gets the first
//! answer. The key alone must not reach anyone else's answer, so the relay keeps it
//!
//! - **scoped to its caller**: a paired kiosk's keys, a staff member's keys and the public's
//!   keys are kept apart (a kiosk cannot reach a key a counter used), and
//! - **bound to its request**: with the key the relay keeps a keyed hash of the request (its
//!   route, the office and the body as parsed; HMAC-SHA-256 under the relay's secret, so the
//!   hash of a body with a phone number or a name cannot be tried against guesses). The same
//!   key with another request is refused with 422 `idempotency_key_reused`, never answered
//!   with the first request's result.
//!
//! For public routes (bookings, pre-applications) the request itself is the scope: only a
//! request equal to the first in every field gets its answer again. A pre-application's body
//! holds its sender's name, address and birth date, so nobody else can send it.

use axum::http::HeaderMap;
use serde::Serialize;

use crate::error::{Error, Result};

/// Who sent a keyed request: its keys are kept apart from other callers'.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Caller {
    /// A paired device (a lobby kiosk), by id.
    Device(i64),
    /// A staff member, by id.
    Staff(i64),
    /// Anyone: residents on their phones, a kiosk of an office that pairs none.
    Public,
}

/// An `Idempotency-Key` as the relay keeps it: scoped to its caller, with the hash of the
/// request it came with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Idempotency {
    /// The key as stored: the caller's scope, a space, the client's key.
    key: String,
    /// HMAC-SHA-256 of the route, the office and the body under the relay's secret, in hex.
    request: String,
}

impl Idempotency {
    /// The request's key, if it sent one: 1 to 100 visible ASCII characters (400
    /// `invalid_header` otherwise). `route` names the route and its path parameters (e.g.
    /// `"tickets\n{office}"`); `body` is the request as parsed; `secret` is the relay's
    /// (`AppState::secret`).
    pub(crate) fn read(
        headers: &HeaderMap,
        secret: &[u8],
        caller: Caller,
        route: &str,
        body: &impl Serialize,
    ) -> Result<Option<Self>> {
        let Some(v) = headers.get("idempotency-key") else {
            return Ok(None);
        };
        let key = match v.to_str() {
            Ok(s) if (1..=100).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic()) => s,
            _ => {
                return Err(Error::bad_request(
                    "invalid_header",
                    "Idempotency-Key must be 1 to 100 visible ASCII characters",
                ));
            }
        };
        let scope = match caller {
            Caller::Device(id) => format!("d{id}"),
            Caller::Staff(id) => format!("s{id}"),
            Caller::Public => "p".to_owned(),
        };
        Ok(Some(Idempotency {
            key: format!("{scope} {key}"),
            request: request_hash(secret, route, body)?,
        }))
    }

    /// The key as stored (scoped to its caller).
    pub(crate) fn key(&self) -> &str {
        &self.key
    }

    /// The hash of the request, as stored with the key.
    pub(crate) fn request(&self) -> &str {
        &self.request
    }

    /// Fine when `stored`, the request hash kept with this key's first answer, is this
    /// request's; 422 `idempotency_key_reused` otherwise (also for a key stored without one).
    pub(crate) fn same_request(&self, stored: Option<&str>) -> Result<()> {
        if stored == Some(self.request.as_str()) {
            Ok(())
        } else {
            Err(Error::KeyReused)
        }
    }
}

/// The keyed hash of a request (`route`, then `body` as JSON) under the relay's `secret`,
/// in hex: what the relay keeps to tell a repeated request from another one.
pub(crate) fn request_hash(secret: &[u8], route: &str, body: &impl Serialize) -> Result<String> {
    let mut message = route.as_bytes().to_vec();
    message.push(b'\n');
    serde_json::to_writer(&mut message, body).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(crate::capability::hex(&crate::capability::hmac_sha256(
        secret, &message,
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(key: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert("idempotency-key", key.parse().unwrap());
        h
    }

    #[test]
    fn a_key_is_scoped_to_its_caller_and_bound_to_its_request() {
        let h = headers("k-1");
        let read = |caller, route: &str, body: &serde_json::Value| {
            Idempotency::read(&h, b"secret", caller, route, body)
                .unwrap()
                .unwrap()
        };
        let body = serde_json::json!({"service_id": "jumin"});
        let kiosk = read(Caller::Device(3), "tickets\nhonch", &body);
        assert_eq!(kiosk.key(), "d3 k-1");
        assert_eq!(
            read(Caller::Staff(3), "tickets\nhonch", &body).key(),
            "s3 k-1"
        );
        assert_eq!(read(Caller::Public, "tickets\nhonch", &body).key(), "p k-1");
        // The same request hashes the same; another body, route or office does not.
        let again = read(Caller::Device(3), "tickets\nhonch", &body);
        assert!(kiosk.same_request(Some(again.request())).is_ok());
        for other in [
            read(
                Caller::Device(3),
                "tickets\nhonch",
                &serde_json::json!({"service_id": "x"}),
            ),
            read(Caller::Device(3), "tickets\nother", &body),
            read(Caller::Device(3), "check-in\nhonch", &body),
        ] {
            assert!(matches!(
                kiosk.same_request(Some(other.request())),
                Err(Error::KeyReused)
            ));
        }
        // A key stored before requests were hashed is never taken for this one.
        assert!(matches!(kiosk.same_request(None), Err(Error::KeyReused)));
        // Keyed: under another secret the same request hashes otherwise.
        let other_secret =
            Idempotency::read(&h, b"other", Caller::Device(3), "tickets\nhonch", &body);
        assert_ne!(other_secret.unwrap().unwrap().request(), kiosk.request());
        assert_eq!(kiosk.request().len(), 64);
    }

    #[test]
    fn a_malformed_key_is_refused() {
        for bad in ["", "a b", &"x".repeat(101)] {
            let mut h = HeaderMap::new();
            h.insert("idempotency-key", bad.parse().unwrap());
            let err = Idempotency::read(&h, b"s", Caller::Public, "r", &()).unwrap_err();
            assert!(
                err.to_string().contains("1 to 100 visible ASCII"),
                "{bad:?}"
            );
        }
        assert!(
            Idempotency::read(&HeaderMap::new(), b"s", Caller::Public, "r", &())
                .unwrap()
                .is_none()
        );
    }
}

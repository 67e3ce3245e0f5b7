//! Rate limits on the public endpoints: each client address gets a bucket per kind of
//! request (staff login, ticket, check-in, booking, pre-application) that refills steadily;
//! an empty bucket answers 429 `rate_limited` with `Retry-After`. What a person at a kiosk or
//! on a phone does stays far below the limits; scripts that hammer the relay do not.
//!
//! The address is the TCP peer, or with `--trust-forwarded-for` (behind the city's reverse
//! proxy) the last address the proxy added to `X-Forwarded-For`.

use std::collections::HashMap;
use std::net::{IpAddr, SocketAddr};
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::{ConnectInfo, MatchedPath, Request, State};
use axum::http::{HeaderValue, Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

/// A kind of limited request: how many may come at once, and how many per minute after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limit {
    pub name: &'static str,
    pub burst: u32,
    pub per_minute: u32,
}

/// The limited routes (POST only): route template → limit.
pub fn limit_for(method: &Method, route: &str) -> Option<Limit> {
    if method != Method::POST {
        return None;
    }
    let limit = |name, burst, per_minute| {
        Some(Limit {
            name,
            burst,
            per_minute,
        })
    };
    match route {
        "/api/auth/login" => limit("login", 30, 30),
        "/api/offices/{office}/tickets" => limit("ticket", 30, 60),
        "/api/offices/{office}/check-in" => limit("check-in", 20, 30),
        "/api/offices/{office}/reservations" | "/api/reservations/{token}/reschedule" => {
            limit("booking", 10, 20)
        }
        "/api/offices/{office}/submissions" => limit("submission", 5, 10),
        // A pairing code is short-lived but short: guessing it is held to a few tries.
        "/api/devices/pair" => limit("pairing", 10, 10),
        _ => None,
    }
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    at: Instant,
}

/// Buckets per (client, limit).
#[derive(Debug, Default)]
pub struct Limiter {
    buckets: Mutex<HashMap<(IpAddr, &'static str), Bucket>>,
}

impl Limiter {
    /// Takes one request from the bucket; `Err(wait)` when it is empty.
    pub fn take(&self, client: IpAddr, limit: Limit, now: Instant) -> Result<(), Duration> {
        let mut buckets = self.buckets.lock().unwrap_or_else(|p| p.into_inner());
        let rate = f64::from(limit.per_minute) / 60.0;
        let burst = f64::from(limit.burst);
        if buckets.len() > 50_000 {
            // Forget clients whose buckets have refilled: they are as good as new.
            buckets.retain(|(_, name), b| {
                let full_after = burst / rate;
                *name != limit.name || now.duration_since(b.at).as_secs_f64() < full_after
            });
        }
        let bucket = buckets.entry((client, limit.name)).or_insert(Bucket {
            tokens: burst,
            at: now,
        });
        let elapsed = now.saturating_duration_since(bucket.at).as_secs_f64();
        bucket.tokens = (bucket.tokens + elapsed * rate).min(burst);
        bucket.at = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            Err(Duration::from_secs_f64((1.0 - bucket.tokens) / rate))
        }
    }
}

/// The client's address, as far as the relay can tell.
fn client(req: &Request, trust_forwarded_for: bool) -> IpAddr {
    client_of(req.headers(), req.extensions(), trust_forwarded_for)
}

/// The client address of a request from its headers and extensions (see [`client`]).
pub(crate) fn client_of(
    headers: &axum::http::HeaderMap,
    extensions: &axum::http::Extensions,
    trust_forwarded_for: bool,
) -> IpAddr {
    if trust_forwarded_for
        && let Some(ip) = headers
            .get("x-forwarded-for")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.rsplit(',').next())
            .and_then(|v| v.trim().parse().ok())
    {
        return ip;
    }
    extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::from([0, 0, 0, 0]), |c| c.0.ip())
}

/// What the middleware needs: the buckets, and how the relay is configured
/// (`--no-rate-limits`, `--trust-forwarded-for`).
#[derive(Debug, Clone)]
pub struct Limits {
    pub limiter: std::sync::Arc<Limiter>,
    pub on: bool,
    pub trust_forwarded_for: bool,
}

/// The middleware: limited routes take from their bucket first.
pub async fn enforce(State(limits): State<Limits>, req: Request, next: Next) -> Response {
    if limits.on {
        let route = req
            .extensions()
            .get::<MatchedPath>()
            .map(|m| m.as_str().to_owned());
        if let Some(limit) = route.and_then(|r| limit_for(req.method(), &r)) {
            let ip = client(&req, limits.trust_forwarded_for);
            if let Err(wait) = limits.limiter.take(ip, limit, Instant::now()) {
                tracing::warn!(limit = limit.name, "rate limited");
                let secs = wait.as_secs().max(1);
                let mut res = crate::error::error_response(
                    StatusCode::TOO_MANY_REQUESTS,
                    "rate_limited",
                    format!(
                        "too many {} requests from this address; try again in {secs} s",
                        limit.name
                    ),
                );
                if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                    res.headers_mut().insert(header::RETRY_AFTER, v);
                }
                return res;
            }
        }
    }
    next.run(req).await.into_response()
}

/// Password checks (argon2id: ~20 MB and tens of milliseconds each) on a bounded pool: at most
/// half the cores at once, and at most [`HashPool::MAX_WAITING`] waiting, so that a flood of
/// logins can never take the processor from the kiosks and counters (issue 21 item 8).
#[derive(Debug)]
pub struct HashPool {
    permits: tokio::sync::Semaphore,
    waiting: std::sync::atomic::AtomicUsize,
}

impl Default for HashPool {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(1, std::num::NonZero::get);
        Self {
            permits: tokio::sync::Semaphore::new((cores / 2).max(1)),
            waiting: std::sync::atomic::AtomicUsize::new(0),
        }
    }
}

impl HashPool {
    /// Logins that may wait for a check; more are answered 429 at once.
    pub const MAX_WAITING: usize = 32;

    /// Runs `check` on the blocking pool when a place is free; `None` when too many wait.
    pub async fn run<T: Send + 'static>(
        &self,
        check: impl FnOnce() -> T + Send + 'static,
    ) -> Option<std::result::Result<T, tokio::task::JoinError>> {
        use std::sync::atomic::Ordering;
        if self.waiting.fetch_add(1, Ordering::AcqRel) >= Self::MAX_WAITING {
            self.waiting.fetch_sub(1, Ordering::AcqRel);
            return None;
        }
        struct Leave<'a>(&'a std::sync::atomic::AtomicUsize);
        impl Drop for Leave<'_> {
            fn drop(&mut self) {
                self.0.fetch_sub(1, std::sync::atomic::Ordering::AcqRel);
            }
        }
        let _leave = Leave(&self.waiting);
        let _permit = self.permits.acquire().await.ok()?;
        Some(tokio::task::spawn_blocking(check).await)
    }
}

/// How long an account is locked after `failed` wrong passwords in a row: free for the
/// first four, then 30 s, doubling with each further one, at most an hour.
pub fn lock_ms(failed: i64) -> i64 {
    const FREE: i64 = 4;
    if failed <= FREE {
        return 0;
    }
    let doublings = (failed - FREE - 1).min(10) as u32;
    (30_000_i64 << doublings).min(3_600_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_lock_grows_with_each_wrong_password_up_to_an_hour() {
        assert_eq!((1..=4).map(lock_ms).collect::<Vec<_>>(), [0, 0, 0, 0]);
        assert_eq!(lock_ms(5), 30_000);
        assert_eq!(lock_ms(6), 60_000);
        assert_eq!(lock_ms(7), 120_000);
        assert_eq!(lock_ms(12), 3_600_000);
        assert_eq!(lock_ms(300), 3_600_000);
    }

    #[tokio::test]
    async fn the_hash_pool_refuses_what_would_wait_too_long() {
        let pool = std::sync::Arc::new(HashPool::default());
        let (tx, rx) = std::sync::mpsc::channel::<()>();
        let rx = std::sync::Arc::new(std::sync::Mutex::new(rx));
        let mut waiting = Vec::new();
        for _ in 0..HashPool::MAX_WAITING {
            let (pool, rx) = (pool.clone(), rx.clone());
            waiting.push(tokio::spawn(async move {
                pool.run(move || {
                    let _ = rx.lock().unwrap().recv();
                })
                .await
                .is_some()
            }));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        assert!(pool.run(|| ()).await.is_none(), "the 33rd is refused");
        for _ in 0..HashPool::MAX_WAITING {
            tx.send(()).unwrap();
        }
        for w in waiting {
            assert!(w.await.unwrap());
        }
        assert!(pool.run(|| ()).await.is_some(), "room again");
    }

    #[test]
    fn a_bucket_allows_the_burst_then_refills_at_its_rate() {
        let limiter = Limiter::default();
        let limit = limit_for(&Method::POST, "/api/auth/login").unwrap();
        let ip = IpAddr::from([192, 0, 2, 1]);
        let other = IpAddr::from([192, 0, 2, 2]);
        let t0 = Instant::now();
        for _ in 0..30 {
            assert!(limiter.take(ip, limit, t0).is_ok());
        }
        let wait = limiter.take(ip, limit, t0).unwrap_err();
        assert!((1.9..=2.1).contains(&wait.as_secs_f64()), "{wait:?}");
        assert!(limiter.take(other, limit, t0).is_ok(), "per address");
        assert!(limiter.take(ip, limit, t0 + Duration::from_secs(2)).is_ok());
        assert!(
            limiter
                .take(ip, limit, t0 + Duration::from_secs(2))
                .is_err()
        );
        assert_eq!(limit_for(&Method::GET, "/api/auth/login"), None);
        assert_eq!(
            limit_for(&Method::POST, "/api/counters/{counter}/call-next"),
            None
        );
    }
}

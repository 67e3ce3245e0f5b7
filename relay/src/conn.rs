//! Open connections and event streams, held within what the process may open (issue 21 item 9).
//!
//! Every connection and every event stream holds a file descriptor. One address opening a
//! thousand streams used to take them all: under the common 1,024 open-file limit the relay
//! then stopped accepting kiosks, staff and `/healthz` ("Too many open files"). So:
//! - at start the relay raises its soft open-file limit to the hard one, and says so;
//! - it accepts at most `total` connections (the limit less a reserve for the database, the
//!   log and the frontend's files) and, unless the peer is a trusted proxy, at most
//!   `per_address` from one address; a connection over either is closed at once, before a
//!   byte is read, so it never holds a descriptor;
//! - event streams are counted apart, per client address (the proxy's `X-Forwarded-For` when
//!   trusted) and in total, a little below the connection total, so requests always find room.

use std::collections::HashMap;
use std::io;
use std::net::{IpAddr, SocketAddr};
use std::pin::Pin;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::{Duration, Instant};

use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};
use tokio::net::{TcpListener, TcpStream};

/// Descriptors kept for everything but client connections: the database pool, the log, the
/// frontend's files, the listener itself.
pub const RESERVE: u32 = 128;
/// Connections kept for requests when event streams are at their total.
pub const FOR_REQUESTS: u32 = 64;
/// Default most connections, and most event streams, from one address.
pub const PER_ADDRESS: u32 = 256;

/// Raises the soft open-file limit to the hard one; returns (before, after). Where the
/// platform has no such limit, `None`.
pub fn raise_open_file_limit() -> Option<(u64, u64)> {
    #[cfg(unix)]
    {
        use rustix::process::{Resource, Rlimit, getrlimit, setrlimit};
        // `None` in an rlimit is "unlimited".
        let now = getrlimit(Resource::Nofile);
        let before = now.current.unwrap_or(u64::MAX);
        // Unlimited hard limit: the kernel still caps descriptors (fs.nr_open, 1,048,576 by
        // default), so ask for that.
        let want = now.maximum.unwrap_or(1_048_576);
        if want > before {
            let _ = setrlimit(
                Resource::Nofile,
                Rlimit {
                    current: Some(want),
                    maximum: now.maximum,
                },
            );
        }
        let after = getrlimit(Resource::Nofile).current.unwrap_or(u64::MAX);
        Some((before, after))
    }
    #[cfg(not(unix))]
    None
}

/// The soft open-file limit now (`u64::MAX`: unlimited); `None` where there is none.
pub fn open_file_limit() -> Option<u64> {
    #[cfg(unix)]
    {
        Some(
            rustix::process::getrlimit(rustix::process::Resource::Nofile)
                .current
                .unwrap_or(u64::MAX),
        )
    }
    #[cfg(not(unix))]
    None
}

/// How many connections and streams the relay holds at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Caps {
    pub total: u32,
    /// `None`: behind a trusted proxy (every peer is the proxy) or with rate limits off.
    pub per_address: Option<u32>,
}

impl Caps {
    /// From the open-file limit (`None`: unknown, taken as 1,024).
    pub fn from_open_files(limit: Option<u64>, per_address: Option<u32>) -> Self {
        let limit = u32::try_from(limit.unwrap_or(1024)).unwrap_or(u32::MAX);
        Self {
            total: limit.saturating_sub(RESERVE).max(16),
            per_address,
        }
    }

    /// The streams' caps: below the connections', so requests always find a connection.
    pub fn for_streams(self) -> Self {
        Self {
            total: self.total.saturating_sub(FOR_REQUESTS).max(8),
            per_address: self.per_address,
        }
    }
}

/// Counts of what is open, in total and per address.
#[derive(Debug)]
pub struct Counter {
    caps: Caps,
    total: AtomicU32,
    by_address: Mutex<HashMap<IpAddr, u32>>,
    /// When a refusal was last logged (at most one line a second).
    logged: Mutex<Option<Instant>>,
}

/// Why a connection or stream was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refused {
    Total(u32),
    Address(u32),
}

impl Counter {
    pub fn new(caps: Caps) -> Arc<Self> {
        Arc::new(Self {
            caps,
            total: AtomicU32::new(0),
            by_address: Mutex::new(HashMap::new()),
            logged: Mutex::new(None),
        })
    }

    pub fn caps(&self) -> Caps {
        self.caps
    }

    /// Takes a place for `ip`; it is given back when the [`Held`] is dropped.
    pub fn take(self: &Arc<Self>, ip: IpAddr) -> Result<Held, Refused> {
        let mut by = self.by_address.lock().unwrap_or_else(|p| p.into_inner());
        let total = self.total.load(Ordering::Relaxed);
        if total >= self.caps.total {
            return Err(Refused::Total(self.caps.total));
        }
        let mine = by.entry(ip).or_insert(0);
        if let Some(cap) = self.caps.per_address
            && *mine >= cap
        {
            return Err(Refused::Address(cap));
        }
        *mine += 1;
        self.total.store(total + 1, Ordering::Relaxed);
        Ok(Held {
            counter: self.clone(),
            ip,
        })
    }

    /// What is open now.
    pub fn open(&self) -> u32 {
        self.total.load(Ordering::Relaxed)
    }

    /// True at most once a second: for a log line about refusals that does not flood.
    pub fn should_log(&self) -> bool {
        let mut at = self.logged.lock().unwrap_or_else(|p| p.into_inner());
        let now = Instant::now();
        if at.is_some_and(|t| now.duration_since(t) < Duration::from_secs(1)) {
            return false;
        }
        *at = Some(now);
        true
    }
}

/// A place taken in a [`Counter`], given back on drop.
#[derive(Debug)]
pub struct Held {
    counter: Arc<Counter>,
    ip: IpAddr,
}

impl Drop for Held {
    fn drop(&mut self) {
        let mut by = self
            .counter
            .by_address
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if let Some(n) = by.get_mut(&self.ip) {
            *n -= 1;
            if *n == 0 {
                by.remove(&self.ip);
            }
        }
        self.counter.total.fetch_sub(1, Ordering::Relaxed);
    }
}

/// A TCP listener that holds connections within a [`Counter`]'s caps.
#[derive(Debug)]
pub struct LimitedListener {
    inner: TcpListener,
    counter: Arc<Counter>,
}

impl LimitedListener {
    pub fn new(inner: TcpListener, counter: Arc<Counter>) -> Self {
        Self { inner, counter }
    }
}

impl axum::serve::Listener for LimitedListener {
    type Io = Counted;
    type Addr = SocketAddr;

    async fn accept(&mut self) -> (Self::Io, Self::Addr) {
        loop {
            match self.inner.accept().await {
                Ok((io, addr)) => match self.counter.take(addr.ip()) {
                    Ok(held) => return (Counted { io, _held: held }, addr),
                    // Closed at once (the stream is dropped): it holds no descriptor.
                    Err(why) => {
                        if self.counter.should_log() {
                            match why {
                                Refused::Total(cap) => tracing::warn!(
                                    cap,
                                    "connection refused: the relay holds as many connections as its open-file limit allows"
                                ),
                                Refused::Address(cap) => tracing::warn!(
                                    cap,
                                    "connection refused: too many connections from one address"
                                ),
                            }
                        }
                    }
                },
                Err(e) => {
                    // EMFILE and the like: the reserve is being used; wait a moment.
                    if self.counter.should_log() {
                        tracing::error!(error = %e, "accept failed");
                    }
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
            }
        }
    }

    fn local_addr(&self) -> io::Result<Self::Addr> {
        self.inner.local_addr()
    }
}

/// An accepted connection and its place in the count.
#[derive(Debug)]
pub struct Counted {
    io: TcpStream,
    _held: Held,
}

impl AsyncRead for Counted {
    fn poll_read(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_read(cx, buf)
    }
}

impl AsyncWrite for Counted {
    fn poll_write(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write(cx, buf)
    }

    fn poll_flush(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_flush(cx)
    }

    fn poll_shutdown(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        Pin::new(&mut self.io).poll_shutdown(cx)
    }

    fn poll_write_vectored(
        mut self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        bufs: &[io::IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        Pin::new(&mut self.io).poll_write_vectored(cx, bufs)
    }

    fn is_write_vectored(&self) -> bool {
        self.io.is_write_vectored()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_counted_per_address_and_in_total_and_given_back() {
        let c = Counter::new(Caps {
            total: 3,
            per_address: Some(2),
        });
        let a = IpAddr::from([192, 0, 2, 1]);
        let b = IpAddr::from([192, 0, 2, 2]);
        let a1 = c.take(a).unwrap();
        let _a2 = c.take(a).unwrap();
        assert_eq!(c.take(a).unwrap_err(), Refused::Address(2));
        let _b1 = c.take(b).unwrap();
        assert_eq!(c.take(b).unwrap_err(), Refused::Total(3));
        drop(a1);
        assert_eq!(c.open(), 2);
        assert!(c.take(b).is_ok(), "a place given back is free again");
    }

    #[test]
    fn caps_leave_a_reserve_and_room_for_requests() {
        let caps = Caps::from_open_files(Some(1024), Some(PER_ADDRESS));
        assert_eq!(caps.total, 1024 - RESERVE);
        assert_eq!(caps.for_streams().total, 1024 - RESERVE - FOR_REQUESTS);
        assert_eq!(Caps::from_open_files(None, None).total, 1024 - RESERVE);
    }
}

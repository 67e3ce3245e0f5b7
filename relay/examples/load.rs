//! Load generator for `cargo xtask bench`: holds open many display streams (server-sent
//! events) on a running relay, sends an open-loop mix of ticket issues, calls and bookings
//! at a fixed rate, and reports latency percentiles per kind and how long each call took to
//! reach every display. With `--bare` it measures the ceiling of a bare axum server (one
//! route answering "ok") with the same client, in the same process.
//!
//! Every request uses a fresh loopback connection (`Connection: close`), as kiosks and
//! counter PCs behind a proxy do; latencies are measured from the request's scheduled time,
//! so a slow answer delays nothing else (no coordinated omission). Given the relay's data
//! directory, it also samples how long the disk takes to flush meanwhile ([`DiskProbe`]).
//!
//! ```text
//! cargo run --profile relay -p mado-relay --example load -- http://127.0.0.1:18180 PASSWORD 1000 500 10 [DATA_DIR]
//! cargo run --profile relay -p mado-relay --example load -- --bare 64 3
//! ```

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use memchr::memmem;
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

fn now_ms() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as i64)
}

/// One request on a fresh connection: status and body.
async fn http(
    addr: SocketAddr,
    method: &str,
    path: &str,
    headers: &str,
    body: &str,
) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    stream.set_nodelay(true).ok()?;
    let request = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n{headers}\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut answer = Vec::with_capacity(1024);
    stream.read_to_end(&mut answer).await.ok()?;
    let text = String::from_utf8_lossy(&answer);
    let status = text.get(9..12)?.parse().ok()?;
    let body = text.split_once("\r\n\r\n").map(|(_, b)| b.to_owned())?;
    Some((status, body))
}

/// Walk-in tickets are issued only while the office is open (issue 17 item 6) and the
/// benchmark runs at any hour: opens the demo office today and tomorrow 00:00–24:00 first, as
/// an administrator opens a 休日開庁 day (its weekly hours stay as they are).
async fn open_all_day(addr: SocketAddr, cookie: &str) {
    let path = "/api/offices/kokurakita/settings";
    let session = format!("Cookie: {cookie}\r\n");
    let (status, body) = http(addr, "GET", path, &session, "")
        .await
        .expect("the office settings");
    assert_eq!(status, 200, "GET {path}: {body}");
    let mut settings: Value = serde_json::from_str(&body).expect("settings JSON");
    let now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .expect("after 1970")
        .as_millis() as i64;
    let today = mado_civil::Date::from_days_since_epoch((now_ms + 9 * 3_600_000) / 86_400_000);
    let extra = settings["calendar"]["extra"]
        .as_array_mut()
        .expect("calendar.extra");
    for day in [today, today.add_days(1)] {
        extra.push(json!([day.to_string(), [[0, 24 * 60]]]));
    }
    let (status, body) = http(addr, "PUT", path, &session, &settings.to_string())
        .await
        .expect("settings saved");
    assert_eq!(status, 200, "PUT {path}: {body}");
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let rank = ((sorted.len() as f64) * p).ceil().max(1.0) as usize;
    sorted[rank.min(sorted.len()) - 1]
}

fn summary(mut v: Vec<f64>) -> Value {
    v.sort_by(f64::total_cmp);
    json!({
        "count": v.len(),
        "p50": percentile(&v, 0.50),
        "p99": percentile(&v, 0.99),
        "max": v.last().copied().unwrap_or(f64::NAN),
    })
}

/// Display streams: each records (event id, ms from the call's commit to arrival) of calls.
///
/// A stream reads what arrived in one go and looks only for calls in it, as cheaply as it
/// can: the thousand streams stand for a thousand screens on other machines, and the time
/// they take here is taken from the relay they share the cores with.
async fn open_stream(addr: SocketAddr, seen: Arc<Mutex<Vec<(i64, f64)>>>) -> Option<()> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    let request = format!(
        "GET /api/offices/kokurakita/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    // Status line and headers.
    let mut buf = Vec::with_capacity(64 * 1024);
    let body = loop {
        if stream.read_buf(&mut buf).await.ok()? == 0 {
            return None;
        }
        if let Some(end) = memmem::find(&buf, b"\r\n\r\n") {
            break end + 4;
        }
    };
    buf.drain(..body);
    tokio::spawn(async move {
        let called = memmem::Finder::new(br#""kind":"called""#);
        let mut mine = Vec::new();
        loop {
            // Events end with a blank line; an event cut by the read waits for its end. The
            // chunked framing around each batch of events is skipped by looking for events.
            if let Some(end) = memmem::rfind(&buf, b"\n\n") {
                let arrived = now_ms();
                let complete = &buf[..end + 2];
                for hit in called.find_iter(complete) {
                    if let Some(call) = call_at(complete, hit) {
                        mine.push((call.0, (arrived - call.1) as f64));
                    }
                }
                buf.drain(..end + 2);
                if !mine.is_empty() {
                    seen.lock().unwrap().append(&mut mine);
                }
            }
            if buf.capacity() - buf.len() < 16 * 1024 {
                buf.reserve(64 * 1024);
            }
            match stream.read_buf(&mut buf).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
        }
        seen.lock().unwrap().append(&mut mine);
    });
    Some(())
}

/// The id and commit time (`at_ms`) of the call event whose `"kind":"called"` is at `hit`.
fn call_at(text: &[u8], hit: usize) -> Option<(i64, i64)> {
    let number = |from: &[u8]| -> Option<i64> {
        let digits = from.iter().take_while(|b| b.is_ascii_digit()).count();
        std::str::from_utf8(&from[..digits]).ok()?.parse().ok()
    };
    let from = memmem::rfind(&text[..hit], b"\n\n").map_or(0, |i| i + 2);
    let to = memmem::find(&text[hit..], b"\n\n").map_or(text.len(), |i| hit + i);
    let event = &text[from..to];
    let id = memmem::find(event, b"id: ")?;
    let at = memmem::find(event, br#""at_ms":"#)?;
    Some((number(&event[id + 4..])?, number(&event[at + 8..])?))
}

/// Each request: its kind, when it was sent (ms from the start) and its latency (ms).
type Timeline = Vec<(&'static str, f64, f64)>;

/// Per kind of request: latencies (ms) and how many answers of each status.
type Results = HashMap<&'static str, (Vec<f64>, HashMap<u16, u64>)>;

#[derive(Clone, Copy, Debug)]
enum Kind {
    Ticket,
    Call,
    Booking,
}

async fn relay_load(
    addr: SocketAddr,
    password: &str,
    streams: usize,
    rate: u32,
    seconds: u64,
    probe_dir: Option<PathBuf>,
) -> Value {
    // Staff session for calling.
    let cookie = {
        let mut s = TcpStream::connect(addr).await.unwrap();
        let body = json!({"login": "admin", "password": password}).to_string();
        let req = format!(
            "POST /api/auth/login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
            body.len()
        );
        s.write_all(req.as_bytes()).await.unwrap();
        let mut a = String::new();
        s.read_to_string(&mut a).await.unwrap();
        a.lines()
            .find_map(|l| l.strip_prefix("set-cookie: "))
            .and_then(|c| c.split(';').next())
            .expect("a session cookie")
            .to_owned()
    };
    open_all_day(addr, &cookie).await;
    // Bookable slots of one service, to book from.
    let (_, slots) = http(
        addr,
        "GET",
        "/api/offices/kokurakita/services/jumin/slots?days=31",
        "",
        "",
    )
    .await
    .expect("slots");
    let slots: Vec<(String, String)> = serde_json::from_str::<Vec<Value>>(&slots)
        .unwrap_or_default()
        .iter()
        .filter(|s| s["free"].as_u64().unwrap_or(0) > 0)
        .map(|s| {
            (
                s["day"].as_str().unwrap_or("").to_owned(),
                s["start"].as_str().unwrap_or("").to_owned(),
            )
        })
        .collect();

    let seen = Arc::new(Mutex::new(Vec::new()));
    let mut opened = 0;
    for _ in 0..streams {
        if open_stream(addr, seen.clone()).await.is_some() {
            opened += 1;
        }
    }
    tokio::time::sleep(Duration::from_millis(500)).await;

    let results: Arc<Mutex<Results>> = Arc::default();
    let timeline: Arc<Mutex<Timeline>> = Arc::default();
    // One more second first, not recorded: connections to the database open, caches fill.
    let warmup = u64::from(rate);
    let total = u64::from(rate) * seconds + warmup;
    let period = Duration::from_secs_f64(1.0 / f64::from(rate));
    let start = tokio::time::Instant::now();
    let probe = probe_dir.map(|dir| DiskProbe::start(dir, start.into_std()));
    let mut tasks = Vec::with_capacity(total as usize);
    // How late the sender woke for each request: when it is late, the load generator itself
    // stalled (the machine is shared), not the relay.
    let mut sender_lag = Vec::with_capacity(total as usize);
    let services = ["jumin", "kokuho", "fukushi", "kodomo", "okuyami"];
    for i in 0..total {
        let scheduled = start + period * u32::try_from(i).unwrap_or(u32::MAX);
        tokio::time::sleep_until(scheduled).await;
        if i >= warmup {
            sender_lag.push(scheduled.elapsed().as_secs_f64() * 1000.0);
        }
        // 50% tickets, 30% calls, 20% bookings.
        let kind = match i % 10 {
            0..=4 => Kind::Ticket,
            5..=7 => Kind::Call,
            _ => Kind::Booking,
        };
        let cookie = cookie.clone();
        let slot = slots.get((i as usize) % slots.len().max(1)).cloned();
        let results = results.clone();
        let timeline = timeline.clone();
        tasks.push(tokio::spawn(async move {
            let (name, answer) = match kind {
                Kind::Ticket => (
                    "ticket issue",
                    http(
                        addr,
                        "POST",
                        "/api/offices/kokurakita/tickets",
                        "",
                        &json!({"service_id": services[(i as usize / 10) % services.len()]})
                            .to_string(),
                    )
                    .await,
                ),
                Kind::Call => (
                    "call next",
                    http(
                        addr,
                        "POST",
                        &format!("/api/counters/{}/call-next", 1 + (i % 6)),
                        &format!("Cookie: {cookie}\r\n"),
                        "{}",
                    )
                    .await,
                ),
                Kind::Booking => {
                    let (day, start) = slot.unwrap_or_default();
                    (
                        "booking",
                        http(
                            addr,
                            "POST",
                            "/api/offices/kokurakita/reservations",
                            &format!("Idempotency-Key: load-{i}\r\n"),
                            &json!({"service": "jumin", "day": day, "start": start}).to_string(),
                        )
                        .await,
                    )
                }
            };
            let ms = scheduled.elapsed().as_secs_f64() * 1000.0;
            if i < warmup {
                return;
            }
            let status = answer.map_or(0, |(s, _)| s);
            let mut r = results.lock().unwrap();
            let entry = r.entry(name).or_default();
            entry.0.push(ms);
            *entry.1.entry(status).or_default() += 1;
            drop(r);
            let sent_at = (scheduled - start).as_secs_f64() * 1000.0;
            timeline.lock().unwrap().push((name, sent_at, ms));
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = start.elapsed().as_secs_f64();
    let flushes = match probe {
        Some(probe) => Some(probe.stop().await),
        None => None,
    };
    // Let the last events reach the displays.
    tokio::time::sleep(Duration::from_secs(1)).await;
    let deliveries = std::mem::take(&mut *seen.lock().unwrap());
    let mut per_event: HashMap<i64, (f64, usize)> = HashMap::new();
    for (id, ms) in &deliveries {
        let e = per_event.entry(*id).or_insert((0.0, 0));
        e.0 = e.0.max(*ms);
        e.1 += 1;
    }
    let complete = per_event.values().filter(|(_, n)| *n == opened).count();
    let mut kinds = serde_json::Map::new();
    for (name, (lat, statuses)) in std::mem::take(&mut *results.lock().unwrap()) {
        let mut s = summary(lat);
        s["statuses"] = json!(
            statuses
                .iter()
                .map(|(k, v)| (k.to_string(), json!(v)))
                .collect::<serde_json::Map<_, _>>()
        );
        kinds.insert(name.to_owned(), s);
    }
    let timeline = std::mem::take(&mut *timeline.lock().unwrap());
    let disk = match &flushes {
        None => Value::Null,
        Some(Ok(flushes)) => json!({
            "flushes": summary(flushes.iter().map(|f| f.1).collect()),
            "stalls": flushes.iter().filter(|f| f.1 > STALL_MS)
                .map(|f| json!({"from_ms": f.0.round(), "ms": f.1.round()}))
                .collect::<Vec<_>>(),
        }),
        Some(Err(e)) => json!({"error": e}),
    };
    json!({
        "disk": disk,
        "slowest_windows": slowest_windows(&timeline),
        "sender_lag": summary(sender_lag),
        "streams": opened,
        "rate": rate,
        "seconds": seconds,
        "sent": total - warmup,
        "warmup_requests": warmup,
        "achieved_rate": total as f64 / elapsed,
        "kinds": kinds,
        "call_to_display": summary(deliveries.iter().map(|(_, ms)| *ms).collect()),
        "call_to_all_displays": summary(per_event.values().map(|(ms, _)| *ms).collect()),
        "calls_seen_by_every_display": complete,
        "calls_seen": per_event.len(),
    })
}

/// A flush slower than this is a stall of the disk.
const STALL_MS: f64 = 20.0;

/// The flush latency of a disk, sampled while the load runs: a durable commit waits for the
/// disk to flush, so when the disk stalls (a virtual disk may, for hundreds of milliseconds)
/// every request that commits waits for it, whatever the relay does. Sampled in a file of the
/// directory given (the relay's data directory, on the databases' disk), one 4 KiB block
/// written over and flushed every 100 ms: light next to the relay's own commits.
struct DiskProbe {
    stop: Arc<std::sync::atomic::AtomicBool>,
    thread: std::thread::JoinHandle<Result<Vec<(f64, f64)>, String>>,
}

impl DiskProbe {
    fn start(dir: PathBuf, start: Instant) -> Self {
        let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let stopped = stop.clone();
        let thread = std::thread::spawn(move || {
            use std::os::unix::fs::FileExt;
            let path = dir.join(format!("mado-load-probe-{}", std::process::id()));
            let file =
                std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            let block = [0x5a_u8; 4096];
            let mut flushes = Vec::new();
            let mut result = Ok(());
            while !stopped.load(std::sync::atomic::Ordering::Relaxed) {
                let began = Instant::now();
                if let Err(e) = file.write_all_at(&block, 0).and_then(|()| file.sync_data()) {
                    result = Err(format!("{}: {e}", path.display()));
                    break;
                }
                let ms = began.elapsed().as_secs_f64() * 1000.0;
                // When it began, in ms from the load's start (before it: negative).
                let from = match began.checked_duration_since(start) {
                    Some(d) => d.as_secs_f64() * 1000.0,
                    None => -(start - began).as_secs_f64() * 1000.0,
                };
                flushes.push((from, ms));
                std::thread::sleep(Duration::from_millis(100));
            }
            let _ = std::fs::remove_file(&path);
            result.map(|()| flushes)
        });
        Self { stop, thread }
    }

    /// Each flush: when it began (ms from the load's start) and how long it took (ms).
    async fn stop(self) -> Result<Vec<(f64, f64)>, String> {
        self.stop.store(true, std::sync::atomic::Ordering::Relaxed);
        tokio::task::spawn_blocking(move || self.thread.join())
            .await
            .map_err(|e| e.to_string())?
            .map_err(|_| "the disk probe panicked".to_owned())?
    }
}

/// The five 100 ms windows (by send time) whose slowest request was slowest: where the p99
/// comes from, a few stalls or a load the relay cannot follow.
fn slowest_windows(timeline: &[(&str, f64, f64)]) -> Value {
    let mut windows: HashMap<u64, (f64, usize, usize)> = HashMap::new();
    for (_, sent_at, ms) in timeline {
        let w = windows.entry((sent_at / 100.0) as u64).or_default();
        w.0 = w.0.max(*ms);
        w.1 += 1;
        w.2 += usize::from(*ms > 20.0);
    }
    let mut windows: Vec<_> = windows.into_iter().collect();
    windows.sort_by(|a, b| b.1.0.total_cmp(&a.1.0));
    windows
        .iter()
        .take(5)
        .map(|(w, (max, n, slow))| json!({"from_ms": w * 100, "max": max, "requests": n, "over_20ms": slow}))
        .collect()
}

/// Closed-loop throughput of a bare axum server with the same client.
async fn bare(workers: usize, seconds: u64) -> Value {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let app = axum::Router::new().route("/", axum::routing::get(|| async { "ok" }));
    tokio::spawn(async move { axum::serve(listener, app).await });
    let until = Instant::now() + Duration::from_secs(seconds);
    let lat: Arc<Mutex<Vec<f64>>> = Arc::default();
    let tasks: Vec<_> = (0..workers)
        .map(|_| {
            let lat = lat.clone();
            tokio::spawn(async move {
                let mut mine = Vec::new();
                while Instant::now() < until {
                    let t = Instant::now();
                    if http(addr, "GET", "/", "", "").await.is_some() {
                        mine.push(t.elapsed().as_secs_f64() * 1000.0);
                    }
                }
                lat.lock().unwrap().extend(mine);
            })
        })
        .collect();
    for t in tasks {
        let _ = t.await;
    }
    let lat = std::mem::take(&mut *lat.lock().unwrap());
    let n = lat.len();
    let mut s = summary(lat);
    s["requests_per_second"] = json!(n as f64 / seconds as f64);
    s["workers"] = json!(workers);
    s
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = if args.first().map(String::as_str) == Some("--bare") {
        let workers = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(64);
        let seconds = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(3);
        bare(workers, seconds).await
    } else {
        let base = args
            .first()
            .expect("relay URL, e.g. http://127.0.0.1:18180");
        let addr: SocketAddr = base
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .parse()
            .expect("relay URL http://HOST:PORT");
        let password = args.get(1).expect("admin password");
        let streams = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(1000);
        let rate = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(500);
        let seconds = args.get(4).and_then(|a| a.parse().ok()).unwrap_or(10);
        let probe_dir = args.get(5).map(PathBuf::from);
        relay_load(addr, password, streams, rate, seconds, probe_dir).await
    };
    println!("{result}");
}

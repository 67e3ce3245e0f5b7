//! Load generator for `cargo xtask bench`: holds open many display streams (server-sent
//! events) on a running relay, sends an open-loop mix of ticket issues, calls and bookings
//! at a fixed rate, and reports latency percentiles per kind and how long each call took to
//! reach every display. With `--bare` it measures the ceiling of a bare axum server (one
//! route answering "ok") with the same client, in the same process.
//!
//! Every request uses a fresh loopback connection (`Connection: close`), as kiosks and
//! counter PCs behind a proxy do; latencies are measured from the request's scheduled time,
//! so a slow answer delays nothing else (no coordinated omission).
//!
//! ```text
//! cargo run --profile relay -p mado-relay --example load -- http://127.0.0.1:18180 PASSWORD 1000 500 10
//! cargo run --profile relay -p mado-relay --example load -- --bare 64 3
//! ```

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use serde_json::{Value, json};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
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
async fn open_stream(addr: SocketAddr, seen: Arc<Mutex<Vec<(i64, f64)>>>) -> Option<()> {
    let mut stream = TcpStream::connect(addr).await.ok()?;
    let request = format!(
        "GET /api/offices/kokurakita/events HTTP/1.1\r\nHost: {addr}\r\nAccept: text/event-stream\r\n\r\n"
    );
    stream.write_all(request.as_bytes()).await.ok()?;
    let mut reader = BufReader::new(stream);
    let mut line = String::new();
    // Status line and headers.
    loop {
        line.clear();
        if reader.read_line(&mut line).await.ok()? == 0 {
            return None;
        }
        if line == "\r\n" {
            break;
        }
    }
    tokio::spawn(async move {
        let mut mine = Vec::new();
        let mut line = String::new();
        let mut event_id = 0_i64;
        loop {
            line.clear();
            match reader.read_line(&mut line).await {
                Ok(0) | Err(_) => break,
                Ok(_) => {}
            }
            // Chunked framing lines are hex sizes; event lines start with a field name. The
            // JSON is not parsed: a thousand streams parsing every event would measure the
            // load generator, not the relay.
            let l = line.trim_end();
            if let Some(id) = l.strip_prefix("id:") {
                event_id = id.trim().parse().unwrap_or(0);
            } else if let Some(data) = l.strip_prefix("data:") {
                let arrived = now_ms();
                if data.contains("\"kind\":\"called\"") {
                    let at = data
                        .split_once("\"at_ms\":")
                        .and_then(|(_, rest)| rest.split(',').next())
                        .and_then(|n| n.parse::<i64>().ok())
                        .unwrap_or(arrived);
                    mine.push((event_id, (arrived - at) as f64));
                    if mine.len() >= 64 {
                        seen.lock().unwrap().append(&mut mine);
                    }
                }
            } else if l == "0" {
                break;
            }
            if line.is_empty() {
                break;
            }
        }
        seen.lock().unwrap().append(&mut mine);
    });
    Some(())
}

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
    // One more second first, not recorded: connections to the database open, caches fill.
    let warmup = u64::from(rate);
    let total = u64::from(rate) * seconds + warmup;
    let period = Duration::from_secs_f64(1.0 / f64::from(rate));
    let start = tokio::time::Instant::now();
    let mut tasks = Vec::with_capacity(total as usize);
    let services = ["jumin", "kokuho", "fukushi", "kodomo", "okuyami"];
    for i in 0..total {
        let scheduled = start + period * u32::try_from(i).unwrap_or(u32::MAX);
        tokio::time::sleep_until(scheduled).await;
        // 50% tickets, 30% calls, 20% bookings.
        let kind = match i % 10 {
            0..=4 => Kind::Ticket,
            5..=7 => Kind::Call,
            _ => Kind::Booking,
        };
        let cookie = cookie.clone();
        let slot = slots.get((i as usize) % slots.len().max(1)).cloned();
        let results = results.clone();
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
        }));
    }
    for t in tasks {
        let _ = t.await;
    }
    let elapsed = start.elapsed().as_secs_f64();
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
    json!({
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
        relay_load(addr, password, streams, rate, seconds).await
    };
    println!("{result}");
}

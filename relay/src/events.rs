//! Queue events as they reach this relay's listeners: the hub that fans each office's events
//! out to its open streams in batches, and (PostgreSQL) the listener that feeds it every
//! relay's commits. The streams themselves are `stream.rs`; the stored events `store/events.rs`.

use std::collections::{HashMap, HashSet};

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use axum::body::Bytes;
use mado_wire::QueueEvent;
use sqlx::postgres::PgListener;
use tokio::sync::{broadcast, mpsc};
use tokio_util::sync::CancellationToken;

use crate::cache::OfficeCache;
use crate::db::Pool;
use crate::error::Result;
use crate::store;

/// Fans events out to every open stream of this relay.
///
/// With SQLite the relay that commits an event publishes it. With PostgreSQL every relay,
/// the one that committed included, learns of events from the database
/// ([`follow_postgres`]), so all relays see them in the same (commit) order.
///
/// An office's streams get at most one [`Batch`] per [`BATCH`]: an event of a quiet office
/// goes out at once; events that follow within the window are gathered and go out together
/// when it ends. Each stream then wakes and writes at most 20 times a second however busy
/// the office, which is what lets a thousand displays follow it on a small machine, and a
/// call still reaches them well within the 100 ms the lobby needs.
///
/// An office with many streams gets each batch [`GROUP`] streams at a time, [`PACE`] apart
/// ([`distribute`]): a thousand streams writing at once would take both cores of a small
/// machine for several milliseconds, and every ticket or call arriving meanwhile would wait
/// for them. Spread out, the writes leave room for requests; the last display gets the batch
/// some 15 ms later, still well within the lobby's 100 ms.
#[derive(Debug, Clone)]
pub struct EventHub {
    offices: Arc<std::sync::Mutex<HashMap<String, OfficeChannel>>>,
    fed_by_database: Arc<AtomicBool>,
}

#[derive(Debug)]
struct OfficeChannel {
    /// The office's streams, in groups of at most [`GROUP`].
    groups: Vec<broadcast::Sender<Arc<Batch>>>,
    /// Batches to hand to the groups, in order ([`distribute`]).
    out: mpsc::UnboundedSender<Arc<Batch>>,
    /// Events waiting for the current window to close.
    pending: Vec<Published>,
    /// When the last batch went out.
    sent_at: Option<tokio::time::Instant>,
}

/// Events of one office gathered in one window, in order.
#[derive(Debug)]
pub struct Batch {
    /// Each event's id and frame.
    pub frames: Vec<(i64, Bytes)>,
    /// All frames in one buffer, for the streams that take the whole batch.
    pub all: Bytes,
}

/// How long events are gathered before they are sent to the streams.
pub const BATCH: Duration = Duration::from_millis(50);
/// Batches a stream may fall behind before it is disconnected (it then resumes by its last id).
const CHANNEL_BATCHES: usize = 256;
/// Streams that get a batch at once.
pub const GROUP: usize = 64;
/// The pause between two groups of streams getting the same batch.
pub const PACE: Duration = Duration::from_millis(1);

impl EventHub {
    pub fn new() -> Self {
        Self {
            offices: Arc::default(),
            fed_by_database: Arc::default(),
        }
    }

    /// After a commit: sends `event` to current listeners (having none is normal), unless the
    /// database feeds this hub.
    pub fn publish(&self, event: QueueEvent) {
        if !self.fed_by_database.load(Ordering::Relaxed) {
            self.feed(&event);
        }
    }

    fn channels(&self) -> std::sync::MutexGuard<'_, HashMap<String, OfficeChannel>> {
        self.offices.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Serialises the event once, for every stream, and sends it at once if the office's last
    /// batch is a window old; otherwise adds it to the batch that goes when the window ends.
    fn feed(&self, event: &QueueEvent) {
        let Some(p) = Published::of(event) else {
            return;
        };
        let office = p.office_id.clone();
        let mut channels = self.channels();
        let channel = self.channel(&mut channels, &office);
        channel.pending.push(p);
        if channel.pending.len() > 1 {
            // The window's end is already scheduled.
            return;
        }
        let now = tokio::time::Instant::now();
        match channel.sent_at.map(|t| t + BATCH).filter(|due| *due > now) {
            Some(due) => {
                let hub = self.clone();
                tokio::spawn(async move {
                    tokio::time::sleep_until(due).await;
                    hub.flush(&office);
                });
            }
            None => send(channel, now),
        }
    }

    /// Closes the office's window: its events go to its streams as one batch.
    fn flush(&self, office: &str) {
        let mut channels = self.channels();
        if let Some(channel) = channels.get_mut(office) {
            send(channel, tokio::time::Instant::now());
        }
    }

    /// The batches of `office` from now on.
    pub fn subscribe(&self, office: &str) -> broadcast::Receiver<Arc<Batch>> {
        let mut channels = self.channels();
        let channel = self.channel(&mut channels, office);
        // The first group with room (streams that ended leave some), or a new one.
        if let Some(group) = channel.groups.iter().find(|g| g.receiver_count() < GROUP) {
            return group.subscribe();
        }
        let (group, rx) = broadcast::channel(CHANNEL_BATCHES);
        channel.groups.push(group);
        rx
    }

    /// The office's channel, made (with its [`distribute`] task) on first use.
    fn channel<'a>(
        &self,
        channels: &'a mut HashMap<String, OfficeChannel>,
        office: &str,
    ) -> &'a mut OfficeChannel {
        channels.entry(office.to_owned()).or_insert_with(|| {
            let (out, batches) = mpsc::unbounded_channel();
            tokio::spawn(distribute(
                Arc::downgrade(&self.offices),
                office.to_owned(),
                batches,
            ));
            OfficeChannel {
                groups: Vec::new(),
                out,
                pending: Vec::new(),
                sent_at: None,
            }
        })
    }
}

/// Hands each batch of `office` to its groups of streams in order, [`PACE`] apart; it ends
/// with the hub (which it does not keep alive).
///
/// A stream that subscribes while a batch is being handed out may miss it: every batch here
/// is already committed, and a new stream reads what was committed before it from the
/// database after subscribing, so nothing is lost.
async fn distribute(
    offices: std::sync::Weak<std::sync::Mutex<HashMap<String, OfficeChannel>>>,
    office: String,
    mut batches: mpsc::UnboundedReceiver<Arc<Batch>>,
) {
    while let Some(batch) = batches.recv().await {
        let mut paused = false;
        for i in 0.. {
            let Some(offices) = offices.upgrade() else {
                return;
            };
            let group = offices
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .get(&office)
                .and_then(|c| c.groups.get(i).cloned());
            drop(offices);
            let Some(group) = group else {
                break;
            };
            if group.receiver_count() == 0 {
                continue;
            }
            if paused {
                tokio::time::sleep(PACE).await;
            }
            let _ = group.send(batch.clone());
            paused = true;
        }
    }
}

/// Sends the office's gathered events to its streams as one batch.
fn send(channel: &mut OfficeChannel, now: tokio::time::Instant) {
    let pending = std::mem::take(&mut channel.pending);
    if pending.is_empty() {
        return;
    }
    let all = if pending.len() == 1 {
        pending[0].frame.clone()
    } else {
        Bytes::from(
            pending
                .iter()
                .map(|p| p.frame.as_ref())
                .collect::<Vec<_>>()
                .concat(),
        )
    };
    let batch = Batch {
        frames: pending.into_iter().map(|p| (p.id, p.frame)).collect(),
        all,
    };
    channel.sent_at = Some(now);
    // The distributing task lives as long as the channel.
    let _ = channel.out.send(Arc::new(batch));
}

/// An event as streams send it: its id, office and server-sent-event frame, made once however
/// many listen.
#[derive(Debug)]
pub struct Published {
    pub id: i64,
    pub office_id: String,
    /// `id: 7\nevent: queue\ndata: {…}\n\n` (compact JSON has no line breaks: one `data:` line).
    pub frame: Bytes,
}

impl Published {
    pub(crate) fn of(event: &QueueEvent) -> Option<Self> {
        let json = serde_json::to_string(event).ok()?;
        Some(Self {
            id: event.id,
            office_id: event.office_id.clone(),
            frame: Bytes::from(format!("id: {}\nevent: queue\ndata: {json}\n\n", event.id)),
        })
    }
}

/// Listens to PostgreSQL's `mado_events` channel (see `migrations/postgres/0016`) and feeds
/// every committed event to `hub`, from this relay or another; on `mado_config` it drops the
/// cached settings of the office named.
///
/// Each office is followed by its own last id: one office's events commit in id order (its
/// queue writers go one at a time, [`crate::db::Writes::Queue`]), two offices' need not, and
/// PostgreSQL delivers notifications in commit order. So a notification that carries its event
/// is the office's next one, fed as it comes; one that only names it (the event did not fit)
/// is read back from the table with any other of the office's events not yet fed. Once a read
/// has failed, the office is read back from the table until a read succeeds; if the listening
/// connection drops, every office's events committed meanwhile are read back once it is
/// restored.
pub async fn follow_postgres(
    url: &str,
    db: Pool,
    hub: EventHub,
    offices: Arc<OfficeCache>,
    shutdown: CancellationToken,
) -> Result<()> {
    let mut listener = PgListener::connect(url).await?;
    listener.listen_all(["mado_events", "mado_config"]).await?;
    let mut last = store::events::last_ids(&db).await?;
    hub.fed_by_database.store(true, Ordering::Relaxed);
    tokio::spawn(async move {
        // Offices whose last read failed: events of theirs may not have been fed.
        let mut unread: HashSet<String> = HashSet::new();
        // The connection was lost and the catch-up after it failed.
        let mut lost = false;
        loop {
            let next = tokio::select! {
                () = shutdown.cancelled() => return,
                n = listener.try_recv() => n,
            };
            // The events read, and whether every office was read (a catch-up).
            let (caught_up, all) = match next {
                // An office's settings changed (`settings.rs`): read them again when next asked.
                Ok(Some(n)) if n.channel() == "mado_config" => {
                    offices.forget(n.payload());
                    continue;
                }
                Ok(Some(_)) if lost => (store::events::catch_up(&db, &last).await, true),
                Ok(Some(n)) => {
                    let Some(notice) = Notice::parse(n.payload()) else {
                        tracing::warn!("event listener: unexpected notification");
                        continue;
                    };
                    let after = last.get(notice.office).copied().unwrap_or(0);
                    if notice.id <= after {
                        // An earlier read took it already.
                        continue;
                    }
                    let carried = notice
                        .payload
                        .filter(|_| !unread.contains(notice.office))
                        .and_then(|p| store::events::parse_event(notice.id, p).ok());
                    let read = match carried {
                        Some(event) => Ok(vec![event]),
                        None => {
                            let read = store::events::events_of(&db, notice.office, after).await;
                            if read.is_ok() {
                                unread.remove(notice.office);
                            } else {
                                unread.insert(notice.office.to_owned());
                            }
                            read
                        }
                    };
                    (read, false)
                }
                // The connection was lost and is being restored: catch up on every office
                // (settings may have changed meanwhile too).
                Ok(None) => {
                    offices.clear();
                    (store::events::catch_up(&db, &last).await, true)
                }
                Err(e) => {
                    tracing::warn!(error = %e, "event listener: connection lost, retrying");
                    tokio::time::sleep(Duration::from_millis(500)).await;
                    (store::events::catch_up(&db, &last).await, true)
                }
            };
            if all {
                lost = caught_up.is_err();
                if !lost {
                    unread.clear();
                }
            }
            match caught_up {
                Ok(events) => {
                    for event in events {
                        let seen = last.entry(event.office_id.clone()).or_insert(0);
                        if event.id > *seen {
                            *seen = event.id;
                            hub.feed(&event);
                        }
                    }
                }
                Err(e) => tracing::warn!(error = %e, "event listener: cannot read events"),
            }
        }
    });
    Ok(())
}

/// A `mado_events` notification: `office id` and, when the event fits, ` payload`.
#[derive(Debug, PartialEq)]
struct Notice<'a> {
    office: &'a str,
    id: i64,
    /// The stored payload (see `tickets::record`), `None` if it must be read back.
    payload: Option<&'a str>,
}

impl<'a> Notice<'a> {
    fn parse(text: &'a str) -> Option<Self> {
        let mut parts = text.splitn(3, ' ');
        let office = parts.next().filter(|o| !o.is_empty())?;
        let id = parts.next()?.parse().ok()?;
        let payload = parts.next().filter(|p| !p.is_empty());
        Some(Self {
            office,
            id,
            payload,
        })
    }
}

impl Default for EventHub {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mado_wire::{EventKind, Ticket, TicketNumber, TicketStatus};

    fn event(id: i64) -> QueueEvent {
        QueueEvent {
            id,
            office_id: "kokurakita".into(),
            at_ms: 0,
            kind: EventKind::Issued,
            ticket: Ticket {
                id,
                office_id: "kokurakita".into(),
                service_id: "jumin".into(),
                number: TicketNumber::new("A", u32::try_from(id).unwrap()),
                status: TicketStatus::Waiting,
                issued_at_ms: 0,
                called_at_ms: None,
                counter_id: None,
                slot_start_ms: None,
            },
            waiting: Vec::new(),
        }
    }

    fn ids(batch: &Arc<Batch>) -> Vec<i64> {
        batch.frames.iter().map(|(id, _)| *id).collect()
    }

    /// The next batch, checking it came without waiting for the clock.
    async fn at_once(rx: &mut broadcast::Receiver<Arc<Batch>>) -> Arc<Batch> {
        let asked = tokio::time::Instant::now();
        let batch = rx.recv().await.unwrap();
        assert_eq!(asked.elapsed(), Duration::ZERO, "sent at once");
        batch
    }

    #[tokio::test(start_paused = true)]
    async fn a_quiet_office_sends_at_once_a_busy_one_once_per_window() {
        let hub = EventHub::new();
        let mut rx = hub.subscribe("kokurakita");
        hub.publish(event(1));
        assert_eq!(ids(&at_once(&mut rx).await), [1]);
        // Within the window: gathered, sent together when it ends.
        tokio::time::advance(Duration::from_millis(10)).await;
        hub.publish(event(2));
        hub.publish(event(3));
        let asked = tokio::time::Instant::now();
        let batch = rx.recv().await.unwrap();
        assert_eq!(asked.elapsed(), BATCH - Duration::from_millis(10));
        assert_eq!(ids(&batch), [2, 3]);
        assert_eq!(
            batch.all,
            [batch.frames[0].1.as_ref(), batch.frames[1].1.as_ref()].concat()
        );
        // Quiet for a window: the next event goes at once again.
        tokio::time::advance(BATCH).await;
        hub.publish(event(4));
        assert_eq!(ids(&at_once(&mut rx).await), [4]);
        // Another office has its own window.
        let mut other = hub.subscribe("moji");
        hub.publish(QueueEvent {
            office_id: "moji".into(),
            ..event(5)
        });
        assert_eq!(ids(&at_once(&mut other).await), [5]);
    }

    #[tokio::test(start_paused = true)]
    async fn many_streams_get_each_batch_a_group_at_a_time_in_order() {
        let hub = EventHub::new();
        // Three groups and part of a fourth.
        let mut streams: Vec<_> = (0..GROUP * 3 + 5)
            .map(|_| hub.subscribe("kokurakita"))
            .collect();
        let start = tokio::time::Instant::now();
        for id in 1..=3 {
            hub.publish(event(id));
        }
        // Event 1 goes at once, 2 and 3 together when the window ends; each batch reaches
        // the groups PACE apart.
        for (batch, sent) in [(vec![1], Duration::ZERO), (vec![2, 3], BATCH)] {
            for (i, rx) in streams.iter_mut().enumerate() {
                let group = u32::try_from(i / GROUP).unwrap();
                assert_eq!(ids(&rx.recv().await.unwrap()), batch, "stream {i}");
                assert_eq!(start.elapsed(), sent + PACE * group, "stream {i}");
            }
        }
        // Streams that ended leave room: a new one fills a group rather than adding one.
        let groups = |hub: &EventHub| hub.channels()["kokurakita"].groups.len();
        assert_eq!(groups(&hub), 4);
        streams.truncate(10);
        let _new = hub.subscribe("kokurakita");
        assert_eq!(groups(&hub), 4);
    }

    #[test]
    fn a_notice_names_the_office_and_event_and_may_carry_it() {
        let payload = r#"{"office_id":"kokurakita","kind":"issued","note":"a b"}"#;
        assert_eq!(
            Notice::parse(&format!("kokurakita 42 {payload}")),
            Some(Notice {
                office: "kokurakita",
                id: 42,
                payload: Some(payload),
            })
        );
        // Too large to carry, or an event stored without payload: read back.
        for text in ["kokurakita 42", "kokurakita 42 "] {
            assert_eq!(
                Notice::parse(text),
                Some(Notice {
                    office: "kokurakita",
                    id: 42,
                    payload: None,
                }),
                "{text:?}"
            );
        }
        for text in ["", "42", " 42", "kokurakita", "kokurakita x {}"] {
            assert_eq!(Notice::parse(text), None, "{text:?}");
        }
    }
}

//! The tickets in the database: numbering, the events stored with each change, the calls of
//! the next tickets (several in one statement), the statuses staff set, the places in line.
//! Everything here runs inside a transaction its caller holds under the office's queue lock
//! (the queue writer, [`crate::queue`], for issues and calls); the routes are
//! [`crate::http::tickets`].

use mado_wire::{
    EventKind, IssuedTicket, QueueEvent, Ticket, TicketNumber, TicketStatus, WaitingCount,
    estimate_wait_minutes,
};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use mado_wire::policy::{CallPolicy, Waiting, pick_next};

use crate::db::{Dialect, local_day, now_ms};
use crate::error::{Error, Result};
use crate::headers::Idempotency;

/// What a job did.
#[derive(Debug)]
pub(crate) enum Done {
    /// The ticket was issued; its event (published) carries it.
    Issued(QueueEvent),
    /// The idempotency key was used before with the same request: the ticket it issued then.
    AlreadyIssued(Ticket),
    /// The idempotency key was used before with another request: nothing issued (422).
    KeyReused,
    /// The counter called this ticket, or nobody (nobody waiting).
    Called(Option<Ticket>),
}

/// A job's result and the events to publish once it is committed.
#[derive(Debug)]
pub(crate) struct Written {
    pub events: Vec<QueueEvent>,
    pub done: Done,
}

pub(crate) const TICKET_COLUMNS: &str = "id, office_id, service_id, prefix, seq, status, issued_at_ms, called_at_ms, counter_id, slot_start_ms";

pub(crate) fn status_from_db(s: &str) -> Result<TicketStatus> {
    match s {
        "waiting" => Ok(TicketStatus::Waiting),
        "called" => Ok(TicketStatus::Called),
        "no_show" => Ok(TicketStatus::NoShow),
        "done" => Ok(TicketStatus::Done),
        other => Err(Error::Internal(format!(
            "unknown ticket status {other:?} in the database"
        ))),
    }
}

pub(crate) fn status_to_db(s: TicketStatus) -> &'static str {
    match s {
        TicketStatus::Waiting => "waiting",
        TicketStatus::Called => "called",
        TicketStatus::NoShow => "no_show",
        TicketStatus::Done => "done",
    }
}

pub(crate) fn ticket_from_row(r: &AnyRow) -> Result<Ticket> {
    Ok(Ticket {
        id: r.get("id"),
        office_id: r.get("office_id"),
        service_id: r.get("service_id"),
        number: TicketNumber::new(
            r.get::<String, _>("prefix"),
            u32::try_from(r.get::<i64, _>("seq")).unwrap_or(0),
        ),
        status: status_from_db(r.get::<&str, _>("status"))?,
        issued_at_ms: r.get("issued_at_ms"),
        called_at_ms: r.get("called_at_ms"),
        counter_id: r.get("counter_id"),
        slot_start_ms: r.get("slot_start_ms"),
    })
}

pub(crate) async fn fetch_ticket(conn: &mut sqlx::AnyConnection, id: i64) -> Result<Ticket> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE id = $1"
    ));
    let row = sqlx::query(sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no ticket with id {id}")))?;
    ticket_from_row(&row)
}

/// The office's waiting counts on `day`, per service in service order.
pub(crate) async fn waiting_counts(
    tx: &mut Transaction<'_, Any>,
    office_id: &str,
    day: &str,
) -> Result<Vec<WaitingCount>> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {}", waiting_counts_sql("$1", "$2")));
    let text: Option<String> = sqlx::query_scalar(sql)
        .bind(office_id)
        .bind(day)
        .fetch_one(&mut **tx)
        .await?;
    parse_waiting_counts(text.as_deref())
}

/// An SQL expression for the office's waiting counts (`service:count,…` in service order,
/// from the counts the database keeps: migration 0013), to read them in a statement that
/// reads the queue anyway rather than in one more round trip under the queue lock. `office`
/// and `day` are the statement's parameters.
pub(crate) fn waiting_counts_sql(office: &str, day: &str) -> String {
    format!(
        "(SELECT string_agg(s.id || ':' || COALESCE(c.waiting, 0), ',' ORDER BY s.sort) FROM services s LEFT JOIN waiting_counts c ON c.office_id = s.office_id AND c.service_id = s.id AND c.day = {day} WHERE s.office_id = {office})"
    )
}

/// The counts of [`waiting_counts_sql`]; `None` (an office without services) is no counts.
pub(crate) fn parse_waiting_counts(text: Option<&str>) -> Result<Vec<WaitingCount>> {
    let Some(text) = text else {
        return Ok(Vec::new());
    };
    text.split(',')
        .map(|entry| {
            let parsed = entry
                .rsplit_once(':')
                .and_then(|(id, n)| Some((id, n.parse::<u32>().ok()?)));
            match parsed {
                Some((service_id, count)) => Ok(WaitingCount {
                    service_id: service_id.to_owned(),
                    count,
                }),
                None => Err(Error::Internal(format!(
                    "waiting counts {text:?}: expected service:count, found {entry:?}"
                ))),
            }
        })
        .collect()
}

/// Stores the event for `ticket` (as it is now) and returns it for broadcasting after commit.
pub(crate) async fn record(
    tx: &mut Transaction<'_, Any>,
    kind: EventKind,
    ticket: &Ticket,
    at_ms: i64,
) -> Result<QueueEvent> {
    let waiting = waiting_counts(tx, &ticket.office_id, &local_day(at_ms)).await?;
    record_with(tx, kind, ticket, at_ms, waiting).await
}

/// [`record`] with the waiting counts already known.
pub(crate) async fn record_with(
    tx: &mut Transaction<'_, Any>,
    kind: EventKind,
    ticket: &Ticket,
    at_ms: i64,
    waiting: Vec<WaitingCount>,
) -> Result<QueueEvent> {
    let mut stored = store_events(tx, vec![event(kind, ticket, at_ms, waiting)]).await?;
    stored
        .pop()
        .ok_or_else(|| Error::Internal("event not stored".into()))
}

/// An event for `ticket` (as it is now), not yet stored (id 0).
pub(crate) fn event(
    kind: EventKind,
    ticket: &Ticket,
    at_ms: i64,
    waiting: Vec<WaitingCount>,
) -> QueueEvent {
    QueueEvent {
        id: 0,
        office_id: ticket.office_id.clone(),
        at_ms,
        kind,
        ticket: ticket.clone(),
        waiting,
    }
}

/// Stores `events` in one statement and returns them with their ids, for broadcasting after
/// commit. Each row's id is its event's id, so the stored payload carries 0 and readers take
/// the id from the row (`events::parse_event`).
pub(crate) async fn store_events(
    tx: &mut Transaction<'_, Any>,
    events: Vec<QueueEvent>,
) -> Result<Vec<QueueEvent>> {
    if events.is_empty() {
        return Ok(events);
    }
    let payloads = payloads(&events)?;
    let mut args = Args::default();
    let values: Vec<String> = events
        .iter()
        .zip(&payloads)
        .map(|(e, p)| {
            format!(
                "({}, {}, {})",
                args.text(&e.office_id),
                args.int(e.at_ms),
                args.text(p)
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO events (office_id, at_ms, payload) VALUES {} RETURNING id, payload",
        values.join(", ")
    );
    let rows = args.bind(&sql).fetch_all(&mut **tx).await?;
    with_ids(events, &payloads, &rows)
}

/// The events' JSON, as stored.
pub(crate) fn payloads(events: &[QueueEvent]) -> Result<Vec<String>> {
    events
        .iter()
        .map(serde_json::to_string)
        .collect::<std::result::Result<Vec<_>, _>>()
        .map_err(|e| Error::Internal(format!("event json: {e}")))
}

/// `events` with the ids of the rows (`id`, `payload`) that stored them. Engines may return
/// the rows in any order: each event takes the id of the row that holds its payload (the
/// events of one statement differ in kind or ticket).
pub(crate) fn with_ids(
    mut events: Vec<QueueEvent>,
    payloads: &[String],
    rows: &[AnyRow],
) -> Result<Vec<QueueEvent>> {
    for (e, payload) in events.iter_mut().zip(payloads) {
        e.id = rows
            .iter()
            .find(|r| r.get::<&str, _>("payload") == payload)
            .map(|r| r.get::<i64, _>("id"))
            .ok_or_else(|| Error::Internal("a stored event is missing from RETURNING".into()))?;
    }
    Ok(events)
}

/// A statement's parameters, numbered in the order they are added, for statements whose
/// shape depends on the request (how many events, calls, services).
#[derive(Default)]
pub(crate) struct Args<'a>(Vec<Arg<'a>>);

pub(crate) enum Arg<'a> {
    Int(i64),
    Text(&'a str),
    OptInt(Option<i64>),
    OptText(Option<&'a str>),
}

impl<'a> Args<'a> {
    /// Adds an integer parameter and returns its placeholder.
    fn int(&mut self, n: i64) -> String {
        self.0.push(Arg::Int(n));
        format!("${}", self.0.len())
    }

    /// Adds a text parameter and returns its placeholder.
    fn text(&mut self, t: &'a str) -> String {
        self.0.push(Arg::Text(t));
        format!("${}", self.0.len())
    }

    /// Adds an integer parameter that may be NULL and returns its placeholder.
    fn opt_int(&mut self, n: Option<i64>) -> String {
        self.0.push(Arg::OptInt(n));
        format!("${}", self.0.len())
    }

    /// Adds a text parameter that may be NULL and returns its placeholder.
    fn opt_text(&mut self, t: Option<&'a str>) -> String {
        self.0.push(Arg::OptText(t));
        format!("${}", self.0.len())
    }

    /// `sql` with these parameters bound.
    fn bind(&self, sql: &str) -> sqlx::query::Query<'a, Any, <Any as sqlx::Database>::Arguments> {
        self.0.iter().fold(
            sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())),
            |q, a| match a {
                Arg::Int(n) => q.bind(*n),
                Arg::Text(t) => q.bind(*t),
                Arg::OptInt(n) => q.bind(*n),
                Arg::OptText(t) => q.bind(*t),
            },
        )
    }
}

/// A walk-in ticket to issue: its office and service, and its idempotency key if it has one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ToIssue<'a> {
    pub office: &'a mado_wire::Office,
    pub service: &'a mado_wire::Service,
    pub key: Option<&'a Idempotency>,
}

/// Issues walk-in tickets of one office, in order, inside `tx`, which holds the office's queue
/// lock (the queue writer's transaction: [`crate::queue`]). Each gives its event, or (a retry)
/// the ticket its idempotency key issued before. The same statements on both engines: one
/// read (the keys already used, the waiting counts), one numbering insert for the whole batch
/// ([`number`]), one insert of their events, built here ([`event`]).
pub(crate) async fn issue_in(
    tx: &mut Transaction<'_, Any>,
    items: &[ToIssue<'_>],
) -> Result<Vec<Written>> {
    let Some(first) = items.first() else {
        return Ok(Vec::new());
    };
    let office = first.office;
    if let Some(other) = items.iter().find(|i| i.office.id != office.id) {
        return Err(Error::Internal(format!(
            "tickets of offices {:?} and {:?} issued together",
            office.id, other.office.id
        )));
    }
    let tickets: Vec<NewTicket<'_>> = items
        .iter()
        .map(|i| NewTicket {
            service: i.service,
            key: i.key,
            reservation: None,
        })
        .collect();
    let issued = issue(tx, office, &tickets).await?;
    let mut written = Vec::with_capacity(items.len());
    for result in issued {
        written.push(match result {
            Issue::New(event) => Written {
                events: vec![event.clone()],
                done: Done::Issued(event),
            },
            Issue::Before(ticket) => Written {
                events: Vec::new(),
                done: Done::AlreadyIssued(ticket),
            },
            Issue::KeyReused => Written {
                events: Vec::new(),
                done: Done::KeyReused,
            },
        });
    }
    Ok(written)
}

/// The status-page capability of ticket `id`: the id and a keyed tag (128 bits), so nothing
/// is stored and nobody can guess another ticket's page.
pub(crate) fn status_token(secret: &[u8], id: i64) -> String {
    let tag = crate::capability::keyed(secret, &format!("ticket-status\n{id}"));
    format!("{id}-{}", &tag[..32])
}

/// `issued` with its status-page token, for the kiosk (or check-in) that issued it.
pub(crate) fn with_status_token(secret: &[u8], mut issued: IssuedTicket) -> IssuedTicket {
    issued.status_token = Some(status_token(secret, issued.ticket.id));
    issued
}

/// A checked-in reservation behind a ticket: its row id and when its slot starts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CheckedIn {
    pub reservation_id: i64,
    pub slot_start_ms: i64,
}

/// A ticket to issue: its service, its idempotency key if it has one, and the checked-in
/// reservation behind it if it is one.
#[derive(Debug, Clone, Copy)]
pub(crate) struct NewTicket<'a> {
    pub service: &'a mado_wire::Service,
    pub key: Option<&'a Idempotency>,
    pub reservation: Option<CheckedIn>,
}

/// What issuing one ticket did.
#[derive(Debug, Clone)]
pub(crate) enum Issue {
    /// Issued now: its event (stored; published after the commit) carries it.
    New(QueueEvent),
    /// Its idempotency key issued this ticket before, for the same request.
    Before(Ticket),
    /// Its idempotency key came before with another request: nothing issued.
    KeyReused,
}

/// Issues `tickets` of `office`, in order, inside `tx` (which holds the office's queue lock),
/// with their events. A key used before, or twice in `tickets`, gives the ticket it issued if
/// it came with the same request, and [`Issue::KeyReused`] if not.
///
/// Three statements however many tickets: the keys already used with the waiting counts,
/// the tickets ([`number`]), their events. Each event is built here ([`event`]) with the
/// waiting counts as they stand after its ticket: the counts before the batch (the database
/// keeps them, migration 0013) plus the batch's tickets up to it.
pub(crate) async fn issue(
    tx: &mut Transaction<'_, Any>,
    office: &mado_wire::Office,
    tickets: &[NewTicket<'_>],
) -> Result<Vec<Issue>> {
    if tickets.is_empty() {
        return Ok(Vec::new());
    }
    let now = now_ms();
    let day = local_day(now);
    // The keys already used and the counts, in one read.
    let mut args = Args::default();
    let office_p = args.text(&office.id);
    let day_p = args.text(&day);
    let keys: Vec<String> = tickets
        .iter()
        .filter_map(|t| t.key)
        .map(|k| args.text(k.key()))
        .collect();
    let keys_sql = if keys.is_empty() {
        String::new()
    } else {
        format!(
            "SELECT 'key' AS part, idempotency_key AS k, id AS n, idempotency_request AS r FROM tickets WHERE office_id = {office_p} AND idempotency_key IN ({}) UNION ALL ",
            keys.join(", ")
        )
    };
    let sql = format!(
        "{keys_sql}SELECT 'counts' AS part, {} AS k, 0 AS n, NULL AS r",
        waiting_counts_sql(&office_p, &day_p)
    );
    let rows = args.bind(&sql).fetch_all(&mut **tx).await?;
    let mut taken: std::collections::HashMap<String, (i64, Option<String>)> =
        std::collections::HashMap::new();
    let mut waiting = Vec::new();
    for r in &rows {
        match r.get::<&str, _>("part") {
            "key" => {
                taken.insert(
                    r.get::<String, _>("k"),
                    (r.get::<i64, _>("n"), r.get::<Option<String>, _>("r")),
                );
            }
            _ => waiting = parse_waiting_counts(r.get::<Option<String>, _>("k").as_deref())?,
        }
    }
    // Which tickets are new; a key used before (or earlier in the batch) gives that ticket.
    enum Plan {
        New(usize),
        Taken(i64),
        SameAs(usize),
        Reused,
    }
    let mut plan = Vec::with_capacity(tickets.len());
    let mut new = Vec::new();
    let mut first_of_key: std::collections::HashMap<&str, usize> = Default::default();
    for (i, t) in tickets.iter().enumerate() {
        plan.push(match t.key {
            Some(k) if taken.contains_key(k.key()) => {
                let (id, request) = &taken[k.key()];
                match k.same_request(request.as_deref()) {
                    Ok(()) => Plan::Taken(*id),
                    Err(_) => Plan::Reused,
                }
            }
            Some(k) if first_of_key.contains_key(k.key()) => {
                let first = first_of_key[k.key()];
                match tickets[first]
                    .key
                    .map(|f| k.same_request(Some(f.request())))
                {
                    Some(Ok(())) => Plan::SameAs(first),
                    _ => Plan::Reused,
                }
            }
            _ => {
                if let Some(k) = t.key {
                    first_of_key.insert(k.key(), i);
                }
                new.push(*t);
                Plan::New(new.len() - 1)
            }
        });
    }
    let numbered = number(tx, &office.id, &day, now, &new).await?;
    let mut events = Vec::with_capacity(new.len());
    for (t, n) in new.iter().zip(&numbered) {
        if let Some(w) = waiting.iter_mut().find(|w| w.service_id == t.service.id) {
            w.count += 1;
        }
        let ticket = Ticket {
            id: n.id,
            office_id: office.id.clone(),
            service_id: t.service.id.clone(),
            number: TicketNumber::new(t.service.prefix.clone(), n.seq),
            status: TicketStatus::Waiting,
            issued_at_ms: n.issued_at_ms,
            called_at_ms: None,
            counter_id: None,
            slot_start_ms: t.reservation.map(|r| r.slot_start_ms),
        };
        events.push(event(
            EventKind::Issued,
            &ticket,
            n.issued_at_ms,
            waiting.clone(),
        ));
    }
    let events = store_events(tx, events).await?;
    let mut out = Vec::with_capacity(tickets.len());
    for p in plan {
        out.push(match p {
            Plan::New(j) => Issue::New(events[j].clone()),
            Plan::SameAs(i) => match &out[i] {
                Issue::New(e) => Issue::Before(e.ticket.clone()),
                Issue::Before(t) => Issue::Before(t.clone()),
                Issue::KeyReused => Issue::KeyReused,
            },
            Plan::Taken(id) => Issue::Before(fetch_ticket(tx, id).await?),
            Plan::Reused => Issue::KeyReused,
        });
    }
    Ok(out)
}

/// A ticket as numbered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Numbered {
    pub id: i64,
    pub seq: u32,
    pub issued_at_ms: i64,
}

/// How tickets are numbered: the one definition, the same statement on both engines. Each
/// ticket gets the next number of its prefix today (1 for the first; a batch's tickets of one
/// prefix take the next ones in order), and as its time of issue the relay's clock, or the
/// office's last time of issue today if that is later — so a clock that steps back never puts
/// a ticket before one issued earlier (the line is ordered by time of issue, then id).
/// Writers hold the office's queue lock, so nobody numbers between the reads and the write.
/// Returns each ticket's id, number and time of issue, in the order of `tickets`.
pub(crate) async fn number(
    tx: &mut Transaction<'_, Any>,
    office: &str,
    day: &str,
    now: i64,
    tickets: &[NewTicket<'_>],
) -> Result<Vec<Numbered>> {
    if tickets.is_empty() {
        return Ok(Vec::new());
    }
    let mut args = Args::default();
    let office_p = args.text(office);
    let day_p = args.text(day);
    let now_p = args.int(now);
    // Each ticket's place among the batch's tickets of its prefix.
    let mut nth: std::collections::HashMap<&str, i64> = Default::default();
    let mut places = Vec::with_capacity(tickets.len());
    let rows: Vec<String> = tickets
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let n = nth.entry(t.service.prefix.as_str()).or_insert(0);
            *n += 1;
            places.push((t.service.prefix.as_str(), *n));
            format!(
                "({}, {}, {}, {}, {}, {}, {}, {})",
                args.int(i64::try_from(i).unwrap_or(i64::MAX)),
                args.text(&t.service.id),
                args.text(&t.service.prefix),
                args.int(*n),
                args.opt_text(t.key.map(Idempotency::key)),
                args.opt_int(t.reservation.map(|r| r.reservation_id)),
                args.opt_int(t.reservation.map(|r| r.slot_start_ms)),
                args.opt_text(t.key.map(Idempotency::request)),
            )
        })
        .collect();
    let sql = format!(
        "INSERT INTO tickets (office_id, service_id, prefix, day, seq, status, issued_at_ms, idempotency_key, reservation_id, slot_start_ms, idempotency_request) \
         SELECT {office_p}, v.column2, v.column3, {day_p}, \
         COALESCE((SELECT MAX(t.seq) FROM tickets t WHERE t.office_id = {office_p} AND t.prefix = v.column3 AND t.day = {day_p}), 0) + v.column4, \
         'waiting', CASE WHEN last.at > {now_p} THEN last.at ELSE {now_p} END, v.column5, v.column6, v.column7, v.column8 \
         FROM (VALUES {}) AS v, \
         (SELECT COALESCE((SELECT t.issued_at_ms FROM tickets t WHERE t.office_id = {office_p} AND t.day = {day_p} ORDER BY t.issued_at_ms DESC LIMIT 1), {now_p}) AS at) AS last \
         ORDER BY v.column1 \
         RETURNING id, prefix, seq, issued_at_ms",
        rows.join(", ")
    );
    let stored = args.bind(&sql).fetch_all(&mut **tx).await?;
    // Engines may return the rows in any order. A prefix's tickets took the numbers after its
    // last one in order, so its n-th ticket has the prefix's lowest number returned + n - 1.
    let mut by_number: std::collections::HashMap<(String, i64), Numbered> = Default::default();
    let mut lowest: std::collections::HashMap<String, i64> = Default::default();
    for r in &stored {
        let prefix: String = r.get("prefix");
        let seq: i64 = r.get("seq");
        let e = lowest.entry(prefix.clone()).or_insert(seq);
        *e = (*e).min(seq);
        by_number.insert(
            (prefix, seq),
            Numbered {
                id: r.get("id"),
                seq: u32::try_from(seq)
                    .map_err(|_| Error::Internal(format!("ticket number {seq} out of range")))?,
                issued_at_ms: r.get("issued_at_ms"),
            },
        );
    }
    places
        .iter()
        .map(|(prefix, n)| {
            let base = lowest.get(*prefix).copied().ok_or_else(|| {
                Error::Internal(format!("no ticket of prefix {prefix:?} was numbered"))
            })?;
            by_number
                .get(&((*prefix).to_owned(), base + n - 1))
                .copied()
                .ok_or_else(|| Error::Internal("a numbered ticket is missing".into()))
        })
        .collect()
}

/// Issues a waiting ticket for a checked-in reservation inside `tx` (which holds the office's
/// queue lock) and returns it with the event to publish after commit; the event's waiting
/// counts give its place in line ([`just_issued`]).
pub(crate) async fn insert_ticket(
    tx: &mut Transaction<'_, Any>,
    office: &mado_wire::Office,
    service: &mado_wire::Service,
    key: Option<&Idempotency>,
    reservation: Option<CheckedIn>,
) -> Result<(Ticket, QueueEvent)> {
    let ticket = NewTicket {
        service,
        key,
        reservation,
    };
    match issue(tx, office, &[ticket]).await?.pop() {
        Some(Issue::New(event)) => Ok((event.ticket.clone(), event)),
        Some(Issue::Before(t)) => Err(Error::Internal(format!(
            "ticket {} was issued before with this key",
            t.id
        ))),
        Some(Issue::KeyReused) => Err(Error::KeyReused),
        None => Err(Error::Internal("the ticket was not issued".into())),
    }
}

/// The ticket with its place in line and wait estimate.
pub(crate) async fn issued(
    conn: &mut sqlx::AnyConnection,
    office: &mado_wire::Office,
    ticket: Ticket,
) -> Result<IssuedTicket> {
    let ahead: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM tickets WHERE office_id = $1 AND service_id = $2 AND day = $3 AND status = 'waiting' AND (issued_at_ms, id) < ($4, $5)",
    )
    .bind(&ticket.office_id)
    .bind(&ticket.service_id)
    .bind(local_day(ticket.issued_at_ms))
    .bind(ticket.issued_at_ms)
    .bind(ticket.id)
    .fetch_one(&mut *conn)
    .await?;
    Ok(in_line(
        office,
        ticket,
        u32::try_from(ahead).unwrap_or(u32::MAX),
    ))
}

/// A ticket just issued, with its place in line from its own event: the tickets of its
/// service waiting when it was stored, less itself. (It was numbered last under the queue
/// lock, so every other waiting ticket of its service is ahead of it.)
pub(crate) fn just_issued(
    office: &mado_wire::Office,
    ticket: Ticket,
    event: &QueueEvent,
) -> IssuedTicket {
    let waiting = event
        .waiting
        .iter()
        .find(|w| w.service_id == ticket.service_id)
        .map_or(0, |w| w.count);
    in_line(office, ticket, waiting.saturating_sub(1))
}

/// The ticket with `ahead` people before it and the wait that makes.
pub(crate) fn in_line(office: &mado_wire::Office, ticket: Ticket, ahead: u32) -> IssuedTicket {
    let avg = office
        .services
        .iter()
        .find(|s| s.id == ticket.service_id)
        .map_or(600, |s| s.avg_service_secs);
    let counters = office
        .counters
        .iter()
        .filter(|c| c.service_ids.contains(&ticket.service_id))
        .count();
    let estimated_wait_minutes = if ticket.status == TicketStatus::Waiting {
        estimate_wait_minutes(ahead, avg, u32::try_from(counters).unwrap_or(1))
    } else {
        0
    };
    IssuedTicket {
        ticket,
        ahead,
        estimated_wait_minutes,
        next_free_slot: None,
        status_token: None,
    }
}

/// What staff can do to a called or waiting ticket.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Action {
    Recall,
    NoShow,
    Done,
    Transfer,
}

/// Checks that `action` makes sense for a ticket in `status`; the error names both.
pub(crate) fn check_transition(
    number: &TicketNumber,
    status: TicketStatus,
    action: Action,
) -> Result<()> {
    let allowed = match action {
        Action::Recall | Action::NoShow | Action::Done => status == TicketStatus::Called,
        Action::Transfer => matches!(status, TicketStatus::Called | TicketStatus::Waiting),
    };
    if allowed {
        return Ok(());
    }
    let expected = if action == Action::Transfer {
        "a waiting or called ticket"
    } else {
        "a called ticket"
    };
    Err(Error::Conflict(format!(
        "ticket {number} is {}; {action:?} needs {expected}",
        status_to_db(status)
    )))
}

pub(crate) async fn set_status(
    tx: &mut Transaction<'_, Any>,
    ticket: &Ticket,
    status: TicketStatus,
    counter_id: Option<i64>,
    called_at_ms: Option<i64>,
    service_id: &str,
) -> Result<Ticket> {
    // When the counter finished with it, for service-time statistics.
    let finished_at_ms = (status == TicketStatus::Done).then(now_ms);
    let sql = sqlx::AssertSqlSafe(format!(
        "UPDATE tickets SET status = $1, counter_id = $2, called_at_ms = $3, service_id = $4, finished_at_ms = $5 WHERE id = $6 RETURNING {TICKET_COLUMNS}"
    ));
    let row = sqlx::query(sql)
        .bind(status_to_db(status))
        .bind(counter_id)
        .bind(called_at_ms)
        .bind(service_id)
        .bind(finished_at_ms)
        .bind(ticket.id)
        .fetch_one(&mut **tx)
        .await?;
    ticket_from_row(&row)
}

/// The waiting counts once a ticket of `service` has been called from them.
pub(crate) fn after_call(mut waiting: Vec<WaitingCount>, service: &str) -> Vec<WaitingCount> {
    if let Some(w) = waiting.iter_mut().find(|w| w.service_id == service) {
        w.count = w.count.saturating_sub(1);
    }
    waiting
}

/// A call of the queue writer's batch: the counter, and the services it calls from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct ToCall<'a> {
    pub counter_id: i64,
    pub services: &'a [String],
}

/// For each of `calls`, in order: finishes the counter's current ticket (if any) and calls the
/// longest-waiting ticket of its services, inside `tx`, which holds the office's queue lock
/// (the queue writer's transaction: [`crate::queue`]).
///
/// Calls of different counters are written together, in the same few statements however many
/// they are ([`call_together`]); a counter that calls twice in one batch starts a new group,
/// since its second call finishes what its first called.
pub(crate) async fn call_next_in(
    dialect: Dialect,
    tx: &mut Transaction<'_, Any>,
    office_id: &str,
    calls: &[ToCall<'_>],
) -> Result<Vec<Written>> {
    let mut written = Vec::with_capacity(calls.len());
    let mut rest = calls;
    while !rest.is_empty() {
        let group = rest
            .iter()
            .enumerate()
            .position(|(i, c)| rest[..i].iter().any(|d| d.counter_id == c.counter_id))
            .unwrap_or(rest.len());
        written.extend(call_together(dialect, tx, office_id, &rest[..group]).await?);
        rest = &rest[group..];
    }
    Ok(written)
}

/// The query of [`call_together`], with its parameters: rows of `part` `candidate` (the
/// checked-in reservations waiting, and the first walk-ins waiting of each service asked, as
/// many as the calls that may take one), `recent` (each counter's last ten calls of `day`) and
/// one row `counts` (the waiting counts, in column `waiting`). With PostgreSQL the counters'
/// current tickets are finished in the same statement (rows of part `finished`).
///
/// The policy picks among these candidates exactly as among the whole queue: reservations are
/// few (one per booking), and a walk-in is chosen by its place in line alone, so a call takes
/// the first walk-in of a service that the calls before it left. The long line of walk-ins is
/// never read row by row. (Finishing a called ticket changes none of them.)
pub(crate) fn call_query<'a>(
    dialect: Dialect,
    office_id: &'a str,
    day: &'a str,
    calls: &[ToCall<'a>],
    now: i64,
) -> (String, Args<'a>) {
    let mut args = Args::default();
    let office = args.text(office_id);
    let day = args.text(day);
    let mut sql = String::new();
    if dialect == Dialect::Postgres {
        let at = args.int(now);
        let counters: Vec<String> = calls.iter().map(|c| args.int(c.counter_id)).collect();
        sql.push_str(&format!(
            "WITH finished AS ({}) SELECT 'finished' AS part, {TICKET_COLUMNS}, NULL AS waiting FROM finished UNION ALL ",
            finish_sql(&counters.join(", "), &at)
        ));
    }
    sql.push_str(&format!(
        "SELECT 'candidate' AS part, {TICKET_COLUMNS}, NULL AS waiting FROM tickets WHERE office_id = {office} AND day = {day} AND status = 'waiting' AND slot_start_ms IS NOT NULL"
    ));
    // Each service with the number of calls that may take one of its walk-ins.
    let mut services: Vec<(&str, i64)> = Vec::new();
    for call in calls {
        for s in call.services {
            match services.iter_mut().find(|(id, _)| id == s) {
                Some((_, n)) => *n += 1,
                None => services.push((s.as_str(), 1)),
            }
        }
    }
    // One branch per service, each read in line order from the queue index (one branch for
    // all of them would read and sort every waiting ticket of those services).
    for (i, (service, n)) in services.into_iter().enumerate() {
        let service = args.text(service);
        let limit = args.int(n);
        sql.push_str(&format!(
            " UNION ALL SELECT * FROM (SELECT 'candidate' AS part, {TICKET_COLUMNS}, NULL AS waiting FROM tickets WHERE office_id = {office} AND day = {day} AND status = 'waiting' AND service_id = {service} AND slot_start_ms IS NULL ORDER BY issued_at_ms, id LIMIT {limit}) AS walk_in_{i}"
        ));
    }
    for (i, call) in calls.iter().enumerate() {
        let counter = args.int(call.counter_id);
        sql.push_str(&format!(
            " UNION ALL SELECT * FROM (SELECT 'recent' AS part, {TICKET_COLUMNS}, NULL AS waiting FROM tickets WHERE counter_id = {counter} AND day = {day} AND called_at_ms IS NOT NULL ORDER BY called_at_ms DESC, id DESC LIMIT 10) AS recent_{i}"
        ));
    }
    let nulls = TICKET_COLUMNS
        .split(", ")
        .map(|c| format!("NULL AS {c}"))
        .collect::<Vec<_>>()
        .join(", ");
    sql.push_str(&format!(
        " UNION ALL SELECT 'counts' AS part, {nulls}, {} AS waiting",
        waiting_counts_sql(&office, &day)
    ));
    (sql, args)
}

/// Finishes the current tickets of the counters `counters` (placeholders) at `at`.
pub(crate) fn finish_sql(counters: &str, at: &str) -> String {
    format!(
        "UPDATE tickets SET status = 'done', finished_at_ms = {at} WHERE counter_id IN ({counters}) AND status = 'called' RETURNING {TICKET_COLUMNS}"
    )
}

/// [`call_next_in`] for calls of different counters: their current tickets finished, the
/// candidates, their recent calls and the counts read in one statement; the policy then picks
/// for each call in turn from what the calls before it left; every call and event is written
/// in one more statement (two with SQLite, which has no writing CTE).
pub(crate) async fn call_together(
    dialect: Dialect,
    tx: &mut Transaction<'_, Any>,
    office_id: &str,
    calls: &[ToCall<'_>],
) -> Result<Vec<Written>> {
    let now = now_ms();
    let day = local_day(now);
    let mut finished = match dialect {
        Dialect::Postgres => Vec::new(),
        Dialect::Sqlite => {
            let mut args = Args::default();
            let at = args.int(now);
            let counters: Vec<String> = calls.iter().map(|c| args.int(c.counter_id)).collect();
            args.bind(&finish_sql(&counters.join(", "), &at))
                .fetch_all(&mut **tx)
                .await?
                .iter()
                .map(ticket_from_row)
                .collect::<Result<Vec<_>>>()?
        }
    };
    let (sql, args) = call_query(dialect, office_id, &day, calls, now);
    let rows = args.bind(&sql).fetch_all(&mut **tx).await?;
    let mut candidates = Vec::new();
    let mut recent = Vec::new();
    let mut counts = None;
    for row in &rows {
        match row.get::<&str, _>("part") {
            "candidate" => candidates.push(ticket_from_row(row)?),
            "recent" => recent.push(ticket_from_row(row)?),
            "finished" => finished.push(ticket_from_row(row)?),
            "counts" => counts = Some(parse_waiting_counts(row.get("waiting"))?),
            other => {
                return Err(Error::Internal(format!(
                    "call-next query: unexpected row part {other:?}"
                )));
            }
        }
    }
    let mut counts =
        counts.ok_or_else(|| Error::Internal("call-next query: no waiting counts".into()))?;
    candidates.sort_by_key(|t| (t.issued_at_ms, t.id));
    // Each counter's calls of today, newest first.
    recent.sort_by_key(|t| std::cmp::Reverse((t.called_at_ms, t.id)));

    let mut events = Vec::new();
    let mut called = Vec::new();
    let mut results = Vec::with_capacity(calls.len());
    for call in calls {
        let first_event = events.len();
        // Finishing a called ticket leaves the counts as they are.
        for done in finished
            .iter()
            .filter(|t| t.counter_id == Some(call.counter_id))
        {
            events.push(event(EventKind::Done, done, now, counts.clone()));
        }
        // Reservations this counter called in a row just before (walk-ins must still move).
        let in_a_row = recent
            .iter()
            .filter(|t| t.counter_id == Some(call.counter_id))
            .take_while(|t| t.slot_start_ms.is_some())
            .count();
        let waiting: Vec<usize> = (0..candidates.len())
            .filter(|&i| call.services.contains(&candidates[i].service_id))
            .collect();
        let views: Vec<Waiting> = waiting
            .iter()
            .map(|&i| Waiting {
                issued_at_ms: candidates[i].issued_at_ms,
                slot_start_ms: candidates[i].slot_start_ms,
            })
            .collect();
        let next = pick_next(
            &views,
            now,
            u32::try_from(in_a_row).unwrap_or(u32::MAX),
            &CallPolicy::default(),
        );
        let ticket = next.map(|(i, _reason)| {
            let waiting_ticket = candidates.remove(waiting[i]);
            Ticket {
                status: TicketStatus::Called,
                counter_id: Some(call.counter_id),
                called_at_ms: Some(now),
                ..waiting_ticket
            }
        });
        if let Some(t) = &ticket {
            // Calling a ticket takes one from its service's count.
            counts = after_call(counts, &t.service_id);
            events.push(event(EventKind::Called, t, now, counts.clone()));
            called.push(t.clone());
        }
        results.push((first_event..events.len(), ticket));
    }
    let events = store_calls(dialect, tx, events, &called).await?;
    Ok(results
        .into_iter()
        .map(|(range, ticket)| Written {
            events: events[range].to_vec(),
            done: Done::Called(ticket),
        })
        .collect())
}

/// Calls the tickets `called` (each as it is once called: counter and time) and stores
/// `events`, in one statement with PostgreSQL: the events are stored only if every call is.
pub(crate) async fn store_calls(
    dialect: Dialect,
    tx: &mut Transaction<'_, Any>,
    events: Vec<QueueEvent>,
    called: &[Ticket],
) -> Result<Vec<QueueEvent>> {
    let Some(first) = called.first() else {
        return store_events(tx, events).await;
    };
    // One UPDATE for all: each ticket's counter by its id; all are called at the same time.
    let mut args = Args::default();
    let at = args.int(first.called_at_ms.unwrap_or_default());
    let cases: Vec<String> = called
        .iter()
        .map(|t| {
            format!(
                "WHEN {} THEN {}",
                args.int(t.id),
                args.int(t.counter_id.unwrap_or_default())
            )
        })
        .collect();
    let ids: Vec<String> = called.iter().map(|t| args.int(t.id)).collect();
    let update = format!(
        "UPDATE tickets SET status = 'called', counter_id = CASE id {} END, called_at_ms = {at}, finished_at_ms = NULL WHERE id IN ({}) AND status = 'waiting' RETURNING id",
        cases.join(" "),
        ids.join(", ")
    );
    let not_waiting = || {
        let numbers: Vec<String> = called.iter().map(|t| t.number.to_string()).collect();
        Error::Internal(format!(
            "tickets {} were not all waiting when called under their office's queue lock",
            numbers.join(", ")
        ))
    };
    match dialect {
        Dialect::Sqlite => {
            let rows = args.bind(&update).fetch_all(&mut **tx).await?;
            if rows.len() != called.len() {
                return Err(not_waiting());
            }
            store_events(tx, events).await
        }
        Dialect::Postgres => {
            let payloads = payloads(&events)?;
            let values: Vec<String> = events
                .iter()
                .zip(&payloads)
                .enumerate()
                .map(|(i, (e, p))| {
                    format!(
                        "({}, {}::bigint, {}, {i})",
                        args.text(&e.office_id),
                        args.int(e.at_ms),
                        args.text(p)
                    )
                })
                .collect();
            let count = args.int(i64::try_from(called.len()).unwrap_or(i64::MAX));
            // The events in their order (ids are taken in it), only if every call was made.
            let sql = format!(
                "WITH called AS ({update}) INSERT INTO events (office_id, at_ms, payload) SELECT v.office_id, v.at_ms, v.payload FROM (VALUES {}) AS v (office_id, at_ms, payload, n) WHERE (SELECT count(*) FROM called) = {count} ORDER BY v.n RETURNING id, payload",
                values.join(", ")
            );
            let rows = args.bind(&sql).fetch_all(&mut **tx).await?;
            if rows.is_empty() {
                return Err(not_waiting());
            }
            with_ids(events, &payloads, &rows)
        }
    }
}

/// Every ticket of `office` on `day`, in order of issue.
pub(crate) async fn of_day(
    tx: &mut Transaction<'_, Any>,
    office: &str,
    day: &str,
) -> Result<Vec<Ticket>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {TICKET_COLUMNS} FROM tickets WHERE office_id = $1 AND day = $2 ORDER BY issued_at_ms, id"
    ));
    sqlx::query(sql)
        .bind(office)
        .bind(day)
        .fetch_all(&mut **tx)
        .await?
        .iter()
        .map(ticket_from_row)
        .collect()
}

/// The office of ticket `id` (a ticket never moves to another office).
pub(crate) async fn office_of(db: &crate::db::Pool, id: i64) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT office_id FROM tickets WHERE id = $1")
            .bind(id)
            .fetch_optional(db)
            .await?,
    )
}

/// Whether `office` has a service `service` (retired ones included).
pub(crate) async fn service_exists(
    tx: &mut Transaction<'_, Any>,
    office: &str,
    service: &str,
) -> Result<bool> {
    let known: Option<i64> =
        sqlx::query_scalar("SELECT 1 FROM services WHERE office_id = $1 AND id = $2")
            .bind(office)
            .bind(service)
            .fetch_optional(&mut **tx)
            .await?;
    Ok(known.is_some())
}

/// A ticket's times for the statistics: service, issued, called, finished, status.
pub(crate) type TicketTimes = (String, i64, Option<i64>, Option<i64>, String);

/// The times of `office`'s tickets from `from` to `to` (office-local days, both included).
pub(crate) async fn times_between(
    db: &crate::db::Pool,
    office: &str,
    from: mado_civil::Date,
    to: mado_civil::Date,
) -> Result<Vec<TicketTimes>> {
    Ok(sqlx::query_as(
        "SELECT service_id, issued_at_ms, called_at_ms, finished_at_ms, status FROM tickets WHERE office_id = $1 AND day >= $2 AND day <= $3",
    )
    .bind(office)
    .bind(from.to_string())
    .bind(to.to_string())
    .fetch_all(db)
    .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_call_takes_one_from_its_service_only() {
        let counts = |c: &[(&str, u32)]| -> Vec<WaitingCount> {
            c.iter()
                .map(|(s, n)| WaitingCount {
                    service_id: (*s).to_owned(),
                    count: *n,
                })
                .collect()
        };
        assert_eq!(
            after_call(counts(&[("jumin", 2), ("kokuho", 1)]), "kokuho"),
            counts(&[("jumin", 2), ("kokuho", 0)])
        );
        // Never below zero, and an unknown service changes nothing.
        assert_eq!(
            after_call(counts(&[("jumin", 0)]), "jumin"),
            counts(&[("jumin", 0)])
        );
        assert_eq!(
            after_call(counts(&[("jumin", 1)]), "okuyami"),
            counts(&[("jumin", 1)])
        );
    }

    #[test]
    fn only_called_tickets_can_be_recalled_or_finished() {
        let n = TicketNumber::new("A", 3);
        for action in [Action::Recall, Action::NoShow, Action::Done] {
            assert!(check_transition(&n, TicketStatus::Called, action).is_ok());
            for s in [
                TicketStatus::Waiting,
                TicketStatus::Done,
                TicketStatus::NoShow,
            ] {
                assert!(
                    check_transition(&n, s, action).is_err(),
                    "{action:?} from {s:?}"
                );
            }
        }
    }

    #[test]
    fn transfer_works_from_waiting_or_called_and_says_why_not_otherwise() {
        let n = TicketNumber::new("B", 14);
        assert!(check_transition(&n, TicketStatus::Waiting, Action::Transfer).is_ok());
        assert!(check_transition(&n, TicketStatus::Called, Action::Transfer).is_ok());
        let err = check_transition(&n, TicketStatus::Done, Action::Transfer).unwrap_err();
        assert_eq!(
            err.to_string(),
            "ticket B-014 is done; Transfer needs a waiting or called ticket"
        );
    }
}

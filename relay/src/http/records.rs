//! Guide records: the procedure guide's answers, final list (with staff marks) and pack
//! version, kept with the counter record. Staff only. The relay stores them as given; it
//! never decides eligibility.

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use mado_wire::{AnswerValue, GuideRecord, NewGuideRecord};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::db::{DAY_MS, day_start_ms, now_ms};
use crate::error::{Error, Json, Path, Query, Result};
use crate::headers::{Caller, Idempotency};
use crate::http::auth::Staff;
use crate::state::AppState;
use crate::store;

const MAX_ANSWERS: usize = 200;
const MAX_PROCEDURES: usize = 200;
const MAX_ID: usize = 64;
const MAX_NAME: usize = 200;
const MAX_LIST: usize = 50;

fn bad(message: String) -> Error {
    Error::bad_request("invalid_record", message)
}

fn check_id(what: &str, v: &str) -> Result<()> {
    let ok = !v.is_empty()
        && v.len() <= MAX_ID
        && v.bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b));
    if ok {
        Ok(())
    } else {
        Err(bad(format!(
            "{what} must be 1–{MAX_ID} characters of a-z, 0-9, '.', '_' or '-', found {v:?}"
        )))
    }
}

/// Checks sizes and shapes; the content is the guide's and is stored as given.
pub fn validate(r: &NewGuideRecord) -> Result<()> {
    check_id("pack", &r.pack)?;
    check_id("version", &r.version)?;
    check_id("city", &r.city)?;
    if r.answers.len() > MAX_ANSWERS {
        return Err(bad(format!(
            "answers has {} entries; at most {MAX_ANSWERS}",
            r.answers.len()
        )));
    }
    for (k, v) in &r.answers {
        check_id("an answer id", k)?;
        match v {
            AnswerValue::Text(t) if t.len() > MAX_ID => {
                return Err(bad(format!(
                    "answer {k:?} is longer than {MAX_ID} characters"
                )));
            }
            AnswerValue::List(l) if l.len() > MAX_LIST || l.iter().any(|x| x.len() > MAX_ID) => {
                return Err(bad(format!(
                    "answer {k:?} must list at most {MAX_LIST} options of at most {MAX_ID} characters"
                )));
            }
            _ => {}
        }
    }
    if r.procedures.is_empty() || r.procedures.len() > MAX_PROCEDURES {
        return Err(bad(format!(
            "procedures must list 1–{MAX_PROCEDURES} procedures, found {}",
            r.procedures.len()
        )));
    }
    if r.printed_forms.len() > MAX_LIST {
        return Err(bad(format!(
            "printed_forms lists more than {MAX_LIST} forms"
        )));
    }
    if r.printed_for.chars().count() > MAX_NAME {
        return Err(bad(format!(
            "printed_for must be at most {MAX_NAME} characters"
        )));
    }
    for f in &r.printed_forms {
        check_id("a printed form id", f)?;
    }
    if r.hand_fields.is_some_and(|n| n > 10_000) {
        return Err(bad(format!(
            "hand_fields must be at most 10000, found {:?}",
            r.hand_fields
        )));
    }
    let times = [
        ("started_at_ms", r.started_at_ms),
        ("printed_at_ms", r.printed_at_ms),
        ("done_at_ms", r.done_at_ms),
    ];
    for (what, t) in times {
        if t.is_some_and(|t| t <= 0) {
            return Err(bad(format!(
                "{what} must be a time in ms since 1970, found {t:?}"
            )));
        }
    }
    if let (Some(a), Some(b)) = (r.started_at_ms, r.done_at_ms)
        && b < a
    {
        return Err(bad(format!(
            "done_at_ms ({b}) is before started_at_ms ({a})"
        )));
    }
    for p in &r.procedures {
        check_id("a procedure id", &p.id)?;
        if p.name.is_empty() || p.name.chars().count() > MAX_NAME {
            return Err(bad(format!(
                "procedure {:?}: name must be 1–{MAX_NAME} characters",
                p.id
            )));
        }
    }
    Ok(())
}

/// The query of `GET /api/offices/{office}/guide-records`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ListQuery {
    /// How many records, newest first.
    #[serde(default = "default_limit")]
    #[schemars(range(min = 1, max = 500))]
    limit: i64,
    /// The first day (Japan's time), `YYYY-MM-DD`.
    #[serde(default)]
    from: Option<mado_civil::Date>,
    /// The last day, `YYYY-MM-DD`.
    #[serde(default)]
    to: Option<mado_civil::Date>,
    /// One counter's records.
    #[serde(default)]
    counter: Option<i64>,
    /// One life event's records (a pack id).
    #[serde(default)]
    pack: Option<String>,
}

fn default_limit() -> i64 {
    50
}

/// The counter and ticket a record names must be the office's (404 otherwise).
async fn check_refs(state: &AppState, office_id: &str, req: &NewGuideRecord) -> Result<()> {
    if let Some(c) = req.counter_id
        && !state
            .office(office_id)
            .await?
            .counters
            .iter()
            .any(|x| x.id == c)
    {
        return Err(Error::NotFound(format!(
            "office {office_id:?} has no counter {c}"
        )));
    }
    if let Some(t) = req.ticket_id
        && !store::records::ticket_in_office(&state.db, t, office_id).await?
    {
        return Err(Error::NotFound(format!(
            "no ticket with id {t} in office {office_id:?}"
        )));
    }
    Ok(())
}

pub(crate) async fn records_create(
    staff: Staff,
    State(state): State<AppState>,
    Path(office_id): Path<String>,
    headers: HeaderMap,
    Json(req): Json<NewGuideRecord>,
) -> Result<(StatusCode, Json<GuideRecord>)> {
    let route = format!("records\n{office_id}");
    let key = Idempotency::read(
        &headers,
        &state.secret,
        Caller::Staff(staff.id),
        &route,
        &req,
    )?;
    state.office(&office_id).await?;
    validate(&req)?;
    // The counter's outbox may send a record again when an answer was lost: the same key gives
    // the record stored the first time.
    if let Some(k) = &key
        && let Some(first) = store::records::by_key(&state.db, &office_id, k).await?
    {
        return Ok((StatusCode::OK, Json(first)));
    }
    check_refs(&state, &office_id, &req).await?;
    let now = now_ms();
    let identity = store::records::Identity::Key(key.as_ref());
    let Some(id) =
        store::records::insert(&state.db, &office_id, staff.id, now, identity, &req).await?
    else {
        // Another request with the same key stored it between the look and the insert.
        let first = match &key {
            Some(k) => store::records::by_key(&state.db, &office_id, k).await?,
            None => None,
        }
        .ok_or_else(|| Error::Internal("a record stored with this key vanished".into()))?;
        return Ok((StatusCode::OK, Json(first)));
    };
    tracing::info!(record = id, staff = staff.id, "guide record saved");
    Ok((
        StatusCode::CREATED,
        Json(GuideRecord {
            id,
            office_id,
            staff: staff.me.login,
            created_at_ms: now,
            record: req,
        }),
    ))
}

/// `PUT /api/offices/{office}/guide-records/visits/{visit}`: the counter's record of one visit
/// (its id is the visit's). The first save stores it (201); saved again by the same staff
/// member before the visit is finished, it is replaced (200: an answer changed, forms were
/// printed, the visit ended). The same record again answers 200 with it. A finished visit's
/// record, or another staff member's, is not replaced (409).
pub(crate) async fn records_save_visit(
    staff: Staff,
    State(state): State<AppState>,
    Path((office_id, visit)): Path<(String, String)>,
    Json(req): Json<NewGuideRecord>,
) -> Result<(StatusCode, Json<GuideRecord>)> {
    state.office(&office_id).await?;
    if visit.is_empty()
        || visit.len() > 100
        || !visit
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-')
    {
        return Err(Error::bad_request(
            "invalid_path",
            format!("visit must be 1–100 letters, digits or '-' (a UUID), found {visit:?}"),
        ));
    }
    validate(&req)?;
    check_refs(&state, &office_id, &req).await?;
    let route = format!("records\n{office_id}\n{visit}");
    let request = crate::headers::request_hash(&state.secret, &route, &req)?;
    for _ in 0..2 {
        match store::records::by_visit(&state.db, &office_id, &visit).await? {
            None => {
                let identity = store::records::Identity::Visit {
                    visit: &visit,
                    request: &request,
                };
                let now = now_ms();
                if let Some(id) =
                    store::records::insert(&state.db, &office_id, staff.id, now, identity, &req)
                        .await?
                {
                    tracing::info!(record = id, staff = staff.id, "visit record saved");
                    let saved = store::records::by_id(&state.db, &office_id, id).await?;
                    return Ok((StatusCode::CREATED, Json(saved)));
                }
                // Saved at the same moment by a retry: look again.
            }
            Some(saved) if saved.request.as_deref() == Some(request.as_str()) => {
                let record = store::records::by_id(&state.db, &office_id, saved.id).await?;
                return Ok((StatusCode::OK, Json(record)));
            }
            Some(saved) if saved.staff_id != staff.id => {
                return Err(Error::Conflict(format!(
                    "visit {visit:?} has a record saved by another staff member; a visit's record is saved from its own counter"
                )));
            }
            Some(saved) if saved.finished => {
                return Err(Error::Conflict(format!(
                    "visit {visit:?} is finished and its record is kept as it was; a new visit has its own record"
                )));
            }
            Some(saved) => {
                store::records::replace(&state.db, saved.id, &request, &req).await?;
                tracing::info!(
                    record = saved.id,
                    staff = staff.id,
                    "visit record saved again"
                );
                let record = store::records::by_id(&state.db, &office_id, saved.id).await?;
                return Ok((StatusCode::OK, Json(record)));
            }
        }
    }
    Err(Error::Conflict(format!(
        "visit {visit:?}'s record is being saved twice at once; retry"
    )))
}

pub(crate) async fn records_list(
    _staff: Staff,
    State(state): State<AppState>,
    Path(office_id): Path<String>,
    Query(q): Query<ListQuery>,
) -> Result<Json<Vec<GuideRecord>>> {
    state.office(&office_id).await?;
    if !(1..=500).contains(&q.limit) {
        return Err(Error::bad_request(
            "invalid_query",
            format!("limit must be 1–500, found {}", q.limit),
        ));
    }
    if let (Some(a), Some(b)) = (q.from, q.to)
        && b < a
    {
        return Err(Error::bad_request(
            "invalid_query",
            format!("to ({b}) is before from ({a})"),
        ));
    }
    if q.counter.is_some_and(|c| c < 1) {
        return Err(Error::bad_request(
            "invalid_query",
            format!("counter must be a counter id, found {:?}", q.counter),
        ));
    }
    let filter = store::records::Filter {
        from_ms: q.from.map_or(i64::MIN, day_start_ms),
        until_ms: q.to.map_or(i64::MAX, |d| day_start_ms(d) + DAY_MS),
        counter: q.counter.unwrap_or(0),
        pack: q.pack.unwrap_or_default(),
    };
    Ok(Json(
        store::records::newest(&state.db, &office_id, &filter, q.limit).await?,
    ))
}

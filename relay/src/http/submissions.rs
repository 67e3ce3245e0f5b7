//! Online pre-applications (事前申請). A resident sends the guide's answers, the procedures
//! and their details from home and gets a receipt code and a capability token (the QR code of
//! their status page). Staff open it at the counter by the code or the scanned link, move it
//! through 受付済 → 処理中 → 完了 / 差戻し (every change kept with who and when), and export
//! the office's pre-applications as CSV or JSON for RPA and core systems.
//!
//! Personal data: the details are kept only in `submissions.body`, shown only to staff, never
//! logged, and deleted [`purge`]d after the retention period; what remains are anonymous
//! counts per day, life event and final status.
//!
//! | route | who |
//! |---|---|
//! | `POST /api/offices/{office}/submissions` | anyone (`Idempotency-Key` honoured) |
//! | `GET /api/submission-status/{token}` | the resident, by capability token |
//! | `GET /api/offices/{office}/submissions?status=&from=&to=&q=` | staff: the inbox |
//! | `POST /api/offices/{office}/submissions/open` | staff: by code, token or called ticket, 受付済 → 処理中 |
//! | `GET /api/submissions/{id}`, `POST /api/submissions/{id}/status` | staff |
//! | `GET /api/offices/{office}/submissions/export.csv`, `…/export.json` | staff |

use std::collections::BTreeMap;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::IntoResponse;
use mado_civil::Date;
use mado_wire::audit::AuditAction;
use mado_wire::submission::{
    NewSubmission, StatusUpdate, Submission, SubmissionProgress, SubmissionReceipt,
    SubmissionStatus, SubmissionSummary, display_code, normalise_code,
};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::capability::{keyed, new_codes, no_unused_code, random_token, token_hash};
use crate::csv::{Csv, download, local_time};
use crate::db::{DAY_MS, Pool, Writes, local_day, now_ms};
use crate::error::{Error, Json, Path, Query, Result};
use crate::headers::{Caller, Idempotency};
use crate::http::auth::Staff;
use crate::state::AppState;
use crate::store;
use crate::store::submissions::Find;

/// Receipt codes: 8 characters, shown as `XXXX-XXXX`.
const CODE_LEN: usize = 8;
/// Most pre-applications one inbox page or export returns.
const MAX_LIST: usize = 1000;
/// Longest staff note on a status change, in characters.
const MAX_STAFF_NOTE: usize = 500;

/// `POST /api/offices/{office}/submissions` (public): stores a pre-application. 201 with the
/// receipt; 200 with the same receipt when retried with the same `Idempotency-Key`; 400
/// `invalid_submission` naming every field that is wrong.
pub(crate) async fn submission_create(
    State(state): State<AppState>,
    Path(office): Path<String>,
    headers: HeaderMap,
    Json(sub): Json<NewSubmission>,
) -> Result<(StatusCode, Json<SubmissionReceipt>)> {
    let route = format!("submissions\n{office}");
    let key = Idempotency::read(&headers, &state.secret, Caller::Public, &route, &sub)?;
    state.office(&office).await?;
    let problems = sub.problems();
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(Error::bad_request(
            "invalid_submission",
            format!("the pre-application cannot be stored: {}", list.join("; ")),
        ));
    }
    let token = match &key {
        Some(k) => keyed(
            &state.secret,
            &format!("submission\n{office}\n{}\n{}", k.key(), k.request()),
        ),
        None => random_token(),
    };
    let reservation_id: Option<i64> = match &sub.reservation_token {
        None => None,
        Some(t) => Some(
            store::submissions::reservation_of(&state.db, &office, &token_hash(t))
                .await?
                .ok_or_else(|| {
                    Error::bad_request(
                        "unknown_reservation",
                        "reservation_token: no booking of this office has this token",
                    )
                })?,
        ),
    };
    let body = serde_json::to_string(&sub).map_err(|e| Error::Internal(e.to_string()))?;
    // A retry gets its receipt again; the same key with another pre-application gets 422.
    if let Some(k) = &key {
        let used = {
            let mut conn = state.db.acquire().await?;
            store::key_used(&mut conn, store::Keyed::Submissions, &office, k).await?
        };
        if used && let Some(receipt) = store::submissions::receipt_of(&state.db, &token).await? {
            return Ok((StatusCode::OK, Json(receipt)));
        }
    }
    // Writes go one at a time (SQLite allows one writer; see `AppState::begin_write`).
    let (_write, mut tx) = state.begin_write(&[Writes::Submissions]).await?;
    let now = now_ms();
    let hash = token_hash(&token);
    let mut inserted = Ok(None);
    for code in new_codes(CODE_LEN) {
        inserted = store::submissions::insert(
            &mut tx,
            &store::submissions::NewRow {
                office: &office,
                code: &code,
                token_hash: &hash,
                idempotency_key: key.as_ref(),
                pack: &sub.pack,
                city: &sub.city,
                now,
                reservation_id,
                body: &body,
            },
        )
        .await
        .map(|id| id.map(|id| (code, id)));
        if !matches!(inserted, Ok(None)) {
            break;
        }
    }
    let (code, id) = match inserted {
        Ok(Some(stored)) => stored,
        Ok(None) => return Err(no_unused_code("pre-application", &office, CODE_LEN)),
        // The same retry arriving twice at once: the other one stored it.
        Err(sqlx::Error::Database(e)) if e.is_unique_violation() && key.is_some() => {
            tx.rollback().await?;
            if let Some(k) = &key {
                let mut conn = state.db.acquire().await?;
                store::key_used(&mut conn, store::Keyed::Submissions, &office, k).await?;
            }
            return match store::submissions::receipt_of(&state.db, &token).await? {
                Some(receipt) => Ok((StatusCode::OK, Json(receipt))),
                None => Err(Error::Conflict(
                    "the same pre-application is being sent twice at once; retry".into(),
                )),
            };
        }
        Err(e) => return Err(e.into()),
    };
    store::submissions::add_history(&mut tx, id, SubmissionStatus::Received, now, None, "").await?;
    tx.commit().await?;
    tracing::info!(office = %office, submission = id, pack = %sub.pack, "pre-application received");
    Ok((
        StatusCode::CREATED,
        Json(SubmissionReceipt {
            code: display_code(&code),
            token,
            created_at_ms: now,
            status: SubmissionStatus::Received,
        }),
    ))
}

/// `GET /api/submission-status/{token}`: the resident's own pre-application, progress only.
pub(crate) async fn submission_progress(
    State(state): State<AppState>,
    Path(token): Path<String>,
) -> Result<Json<SubmissionProgress>> {
    store::submissions::progress(&state.db, &token_hash(&token))
        .await?
        .map(Json)
        .ok_or_else(|| {
            Error::NotFound(
                "no pre-application for this link (it may have been deleted after the retention period)"
                    .into(),
            )
        })
}

/// Inbox and export filters.
#[derive(Debug, Default, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Filter {
    /// Statuses, comma-separated (`received,in_progress`); all when absent.
    status: Option<String>,
    /// First day sent (office-local `YYYY-MM-DD`).
    from: Option<String>,
    /// Last day sent (office-local `YYYY-MM-DD`), inclusive.
    to: Option<String>,
    /// Part of the receipt code or of the applicant's name or kana.
    q: Option<String>,
    /// Life event (rule pack id).
    pack: Option<String>,
}

/// The first millisecond of the day `s` (`YYYY-MM-DD`, the query's `field`) in Japan.
fn day_start_ms(s: &str, field: &str) -> Result<i64> {
    let day = Date::parse_iso(s).map_err(|_| {
        Error::bad_request(
            "invalid_query",
            format!("{field}: {s:?} is not a date; expected YYYY-MM-DD"),
        )
    })?;
    Ok(crate::db::day_start_ms(day))
}

/// The office's pre-applications matching `filter`, newest first.
async fn matching(db: &Pool, office: &str, filter: &Filter) -> Result<Vec<Submission>> {
    let from = match &filter.from {
        Some(d) => day_start_ms(d, "from")?,
        None => i64::MIN,
    };
    let to = match &filter.to {
        Some(d) => day_start_ms(d, "to")? + DAY_MS,
        None => i64::MAX,
    };
    let statuses: Option<Vec<SubmissionStatus>> = filter
        .status
        .as_deref()
        .map(|list| {
            list.split(',')
                .map(|s| {
                    SubmissionStatus::parse(s.trim()).ok_or_else(|| {
                        Error::bad_request(
                            "invalid_query",
                            format!(
                                "status: {s:?} is not a status; expected received, in_progress, completed or returned"
                            ),
                        )
                    })
                })
                .collect()
        })
        .transpose()?;
    let q = filter.q.as_deref().map(str::trim).unwrap_or_default();
    let code_q = normalise_code(q);
    let mut out = Vec::new();
    for sub in store::submissions::sent_between(db, office, from, to).await? {
        if statuses.as_ref().is_some_and(|s| !s.contains(&sub.status)) {
            continue;
        }
        let body = &sub.submission;
        if filter.pack.as_ref().is_some_and(|p| *p != body.pack) {
            continue;
        }
        // The code as stored has no hyphen.
        let code = normalise_code(&sub.code);
        let hit = q.is_empty()
            || (!code_q.is_empty() && code.contains(&code_q))
            || body
                .applicant
                .name
                .replace([' ', '　'], "")
                .contains(&q.replace([' ', '　'], ""))
            || body
                .applicant
                .kana
                .replace([' ', '　'], "")
                .contains(&q.replace([' ', '　'], ""));
        if !hit {
            continue;
        }
        out.push(sub);
        if out.len() >= MAX_LIST {
            break;
        }
    }
    Ok(out)
}

/// `GET /api/offices/{office}/submissions` (staff): the inbox.
pub(crate) async fn submissions_list(
    staff: Staff,
    State(state): State<AppState>,
    Path(office): Path<String>,
    Query(filter): Query<Filter>,
) -> Result<Json<Vec<SubmissionSummary>>> {
    state.office(&office).await?;
    let list = matching(&state.db, &office, &filter).await?;
    let detail = format!("{}件を表示", list.len());
    audit(
        &state,
        AuditAction::SubmissionsListed,
        &staff,
        &office,
        None,
        detail,
    )
    .await?;
    Ok(Json(
        list.into_iter()
            .map(|s| SubmissionSummary {
                id: s.id,
                code: s.code,
                pack: s.submission.pack,
                city: s.submission.city,
                name: s.submission.applicant.name,
                created_at_ms: s.created_at_ms,
                updated_at_ms: s.updated_at_ms,
                status: s.status,
                procedures: s.submission.procedures.len(),
                visit: s.visit,
            })
            .collect(),
    ))
}

/// `GET /api/submissions/{id}` (staff).
pub(crate) async fn submission_get(
    staff: Staff,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Submission>> {
    let s = store::submissions::load(&state.db, id).await?;
    let office = s.office_id.clone();
    audit(
        &state,
        AuditAction::SubmissionViewed,
        &staff,
        &office,
        Some(id),
        String::new(),
    )
    .await?;
    Ok(Json(s))
}

/// Appends staff member `staff`'s `action` on `office`'s pre-applications (one, `id`, or a
/// list) to the audit trail.
async fn audit(
    state: &AppState,
    action: AuditAction,
    staff: &Staff,
    office: &str,
    id: Option<i64>,
    detail: String,
) -> Result<()> {
    let mut entry = store::audit::New::by(action, Some(staff.id))
        .office(office)
        .detail(detail);
    if let Some(id) = id {
        entry = entry.target("submission", id);
    }
    store::audit::append(&state.db, now_ms(), &entry).await
}

/// Moves `id` to `next`, recording who and why; refuses a move [`SubmissionStatus::may_become`]
/// does not allow.
async fn change(
    state: &AppState,
    id: i64,
    next: SubmissionStatus,
    staff: i64,
    note: &str,
) -> Result<()> {
    let (_write, mut tx) = state.begin_write(&[Writes::Submissions]).await?;
    let current = store::submissions::status(&mut tx, id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no pre-application with id {id}")))?;
    if !current.may_become(next) {
        return Err(Error::Conflict(format!(
            "a pre-application that is {} cannot become {}",
            current.as_str(),
            next.as_str()
        )));
    }
    let now = now_ms();
    // Conditional on the status read above: of two staff changing it at once, one wins and
    // the other is told, rather than both writing history.
    if !store::submissions::move_status(&mut tx, id, current, next, now).await? {
        return Err(Error::Conflict(
            "the pre-application was changed meanwhile; reload it".into(),
        ));
    }
    store::submissions::add_history(&mut tx, id, next, now, Some(staff), note).await?;
    tx.commit().await?;
    tracing::info!(
        submission = id,
        status = next.as_str(),
        "pre-application status changed"
    );
    Ok(())
}

/// `POST /api/submissions/{id}/status` (staff): 処理中, 完了 or 差戻し (which needs a note for
/// the resident). 409 when the move is not allowed from the current status.
pub(crate) async fn submission_status_set(
    staff: Staff,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(req): Json<StatusUpdate>,
) -> Result<Json<Submission>> {
    let note = req.note.trim();
    if note.chars().count() > MAX_STAFF_NOTE || note.contains(['\r', '\0']) {
        return Err(Error::bad_request(
            "invalid_body",
            format!("note: at most {MAX_STAFF_NOTE} characters"),
        ));
    }
    if req.status == SubmissionStatus::Returned && note.is_empty() {
        return Err(Error::bad_request(
            "invalid_body",
            "note: a returned pre-application needs a note telling the resident what to do",
        ));
    }
    if req.status == SubmissionStatus::Received {
        return Err(Error::bad_request(
            "invalid_body",
            "status: received is set only when the resident sends it",
        ));
    }
    change(&state, id, req.status, staff.id, note).await?;
    let s = store::submissions::load(&state.db, id).await?;
    let office = s.office_id.clone();
    let detail = req.status.label_ja().to_owned();
    audit(
        &state,
        AuditAction::SubmissionStatus,
        &staff,
        &office,
        Some(id),
        detail,
    )
    .await?;
    Ok(Json(s))
}

/// Body of `POST /api/offices/{office}/submissions/open`: exactly one of `code`, `token`,
/// `ticket`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OpenRequest {
    /// The receipt code as typed (`ABCD-EFGH`, any case, full-width allowed)…
    #[serde(default)]
    code: Option<String>,
    /// …or what a code reader typed from the QR code: the status link `…/s#TOKEN` or the
    /// token alone.
    #[serde(default)]
    token: Option<String>,
    /// …or the ticket just called: the pre-application sent with the booking that ticket was
    /// checked in for (404 when it has none, as a walk-in ticket).
    #[serde(default)]
    ticket: Option<i64>,
}

/// `POST /api/offices/{office}/submissions/open` (staff, at the counter): finds a
/// pre-application by its receipt code or QR code and, if it was 受付済, marks it 処理中.
pub(crate) async fn submission_open(
    staff: Staff,
    State(state): State<AppState>,
    Path(office): Path<String>,
    Json(req): Json<OpenRequest>,
) -> Result<Json<Submission>> {
    let row = match (&req.code, &req.token, req.ticket) {
        (Some(code), None, None) => {
            store::submissions::find(&state.db, &office, Find::Code(&normalise_code(code))).await?
        }
        (None, Some(token), None) => {
            let token = token.trim();
            let token = token.rsplit_once('#').map_or(token, |(_, t)| t);
            store::submissions::find(&state.db, &office, Find::TokenHash(&token_hash(token)))
                .await?
        }
        (None, None, Some(ticket)) => {
            store::submissions::find(&state.db, &office, Find::Ticket(ticket))
                .await?
                .ok_or_else(|| {
                    Error::NotFound(format!(
                        "ticket {ticket} of this office came with no pre-application"
                    ))
                })
                .map(Some)?
        }
        _ => {
            return Err(Error::bad_request(
                "invalid_body",
                "give exactly one of: code, token, ticket",
            ));
        }
    };
    let (id, status) = row.ok_or_else(|| {
        Error::NotFound(
            "no pre-application of this office has this code; check it with the resident".into(),
        )
    })?;
    if status == SubmissionStatus::Received {
        match change(&state, id, SubmissionStatus::InProgress, staff.id, "").await {
            // Opened by a colleague at the same moment: it is 処理中 either way.
            Ok(()) | Err(Error::Conflict(_)) => {}
            Err(e) => return Err(e),
        }
    }
    let how = match (&req.code, &req.token) {
        (Some(_), _) => "受付番号で開く",
        (_, Some(_)) => "QRコードで開く",
        _ => "呼び出した番号札で開く",
    };
    audit(
        &state,
        AuditAction::SubmissionViewed,
        &staff,
        &office,
        Some(id),
        how.into(),
    )
    .await?;
    Ok(Json(store::submissions::load(&state.db, id).await?))
}

/// `GET …/export.json` (staff): the filtered pre-applications with their history.
pub(crate) async fn submissions_export_json(
    staff: Staff,
    State(state): State<AppState>,
    Path(office): Path<String>,
    Query(filter): Query<Filter>,
) -> Result<impl IntoResponse> {
    state.office(&office).await?;
    let mut list = matching(&state.db, &office, &filter).await?;
    let ids: Vec<i64> = list.iter().map(|s| s.id).collect();
    let mut histories = store::submissions::histories(&state.db, &ids).await?;
    for s in &mut list {
        s.history = histories.remove(&s.id).unwrap_or_default();
    }
    exported(&state, &staff, &office, "JSON", list.len()).await?;
    let body = serde_json::to_vec_pretty(&list).map_err(|e| Error::Internal(e.to_string()))?;
    Ok(download(
        &format!("mado-submissions-{office}.json"),
        "application/json",
        body,
    ))
}

/// Logs and records (audit trail) an export of `rows` pre-applications as `format`.
async fn exported(
    state: &AppState,
    staff: &Staff,
    office: &str,
    format: &str,
    rows: usize,
) -> Result<()> {
    tracing::info!(office = %office, rows, format, "pre-applications exported");
    let detail = format!("{format}・{rows}件");
    audit(
        state,
        AuditAction::SubmissionsExported,
        staff,
        office,
        None,
        detail,
    )
    .await
}

/// `GET …/export.csv` (staff): one row per pre-application, for spreadsheets and RPA.
pub(crate) async fn submissions_export_csv(
    staff: Staff,
    State(state): State<AppState>,
    Path(office): Path<String>,
    Query(filter): Query<Filter>,
) -> Result<impl IntoResponse> {
    state.office(&office).await?;
    let list = matching(&state.db, &office, &filter).await?;
    exported(&state, &staff, &office, "CSV", list.len()).await?;
    Ok(download(
        &format!("mado-submissions-{office}.csv"),
        "text/csv; charset=utf-8",
        csv(&list),
    ))
}

mod names {
    include!(concat!(env!("OUT_DIR"), "/names.rs"));
}

/// What staff read for a life event or city id: its title or name from the rule packs, or,
/// for an id the packs no longer have, 「不明（id）」 (never an empty cell).
fn name_of(list: &[(&str, &str)], id: &str) -> String {
    list.iter()
        .find(|(i, _)| *i == id)
        .map_or_else(|| format!("不明（{id}）"), |(_, name)| (*name).to_owned())
}

/// The CSV columns, in order: names as residents and staff read them, ids in their own
/// columns for RPA.
pub const CSV_HEADER: [&str; 19] = [
    "受付番号",
    "受付日時",
    "状態",
    "更新日時",
    "手続きの種類",
    "手続きの種類ID",
    "市区町村",
    "市区町村ID",
    "氏名",
    "ふりがな",
    "生年月日",
    "性別",
    "郵便番号",
    "住所",
    "電話番号",
    "申請する手続き",
    "手続きID",
    "来庁予約",
    "備考",
];

/// UTF-8 with a byte-order mark (so Excel in Japanese opens it as UTF-8), CRLF line ends.
pub fn csv(list: &[Submission]) -> String {
    let mut out = Csv::new();
    out.row(&CSV_HEADER);
    for s in list {
        let a = &s.submission.applicant;
        let sex = match a.sex.as_str() {
            "male" => "男",
            "female" => "女",
            _ => "",
        };
        let names: Vec<&str> = s
            .submission
            .procedures
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        let ids: Vec<&str> = s
            .submission
            .procedures
            .iter()
            .map(|p| p.id.as_str())
            .collect();
        out.row(&[
            &s.code,
            &local_time(s.created_at_ms),
            s.status.label_ja(),
            &local_time(s.updated_at_ms),
            &name_of(names::PACK_TITLES, &s.submission.pack),
            &s.submission.pack,
            &name_of(names::CITY_NAMES, &s.submission.city),
            &s.submission.city,
            &a.name,
            &a.kana,
            &a.birth_date,
            sex,
            &a.postal_code,
            &a.address,
            &a.phone,
            &names.join("、"),
            &ids.join(" "),
            s.visit.as_deref().unwrap_or(""),
            &s.submission.note,
        ]);
    }
    out.finish()
}

/// Deletes the pre-applications last changed more than `retention_days` before `now_ms`,
/// with their history, after adding each to the anonymous counts (office, day sent, life
/// event, final status). Returns how many were deleted.
pub async fn purge(state: &AppState, retention_days: u32, now_ms: i64) -> Result<u64> {
    let cutoff = now_ms - i64::from(retention_days) * DAY_MS;
    let (_write, mut tx) = state.begin_write(&[Writes::Submissions]).await?;
    let rows = store::submissions::unchanged_since(&mut tx, cutoff).await?;
    let mut counts: BTreeMap<(String, String, String, String), i64> = BTreeMap::new();
    for (_, office, pack, status, created) in &rows {
        *counts
            .entry((
                office.clone(),
                local_day(*created),
                pack.clone(),
                status.clone(),
            ))
            .or_default() += 1;
    }
    for ((office, day, pack, status), n) in counts {
        store::submissions::count_in(&mut tx, &office, &day, &pack, &status, n).await?;
    }
    for (id, ..) in &rows {
        store::submissions::delete(&mut tx, *id).await?;
    }
    tx.commit().await?;
    let n = rows.len() as u64;
    if n > 0 {
        tracing::info!(
            deleted = n,
            retention_days,
            "pre-applications past retention deleted"
        );
    }
    Ok(n)
}

/// Pre-applications per day sent, life event and status: the ones still kept and the
/// purged ones' counts together.
pub async fn counts(
    db: &Pool,
    office: &str,
    from_day: &str,
    to_day: &str,
) -> Result<BTreeMap<(String, String, SubmissionStatus), i64>> {
    let mut out = BTreeMap::new();
    let kept = store::submissions::kept_between(
        db,
        office,
        day_start_ms(from_day, "from")?,
        day_start_ms(to_day, "to")? + DAY_MS,
    )
    .await?;
    let purged = store::submissions::purged_between(db, office, from_day, to_day).await?;
    let rows = kept
        .into_iter()
        .map(|(pack, status, at)| (local_day(at), pack, status, 1))
        .chain(purged);
    for (day, pack, status, n) in rows {
        if let Some(status) = SubmissionStatus::parse(&status) {
            *out.entry((day, pack, status)).or_default() += n;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 17 item 14: the CSV names the life event and the city as people read them, with
    /// the ids in their own columns.
    #[test]
    fn issue_17_csv_names_life_events_and_cities() {
        assert_eq!(
            name_of(names::PACK_TITLES, "okuyami"),
            "ご家族が亡くなったとき（おくやみ）"
        );
        assert_eq!(name_of(names::CITY_NAMES, "kitakyushu"), "北九州市");
        assert_eq!(name_of(names::CITY_NAMES, "nowhere"), "不明（nowhere）");
        assert_eq!(
            CSV_HEADER[4..8],
            ["手続きの種類", "手続きの種類ID", "市区町村", "市区町村ID"]
        );
    }

    #[test]
    fn times_are_japan_time() {
        // 2026-11-21T15:30:00Z is 00:30 on the 22nd in Japan.
        assert_eq!(local_time(1_795_275_000_000), "2026-11-22 00:30");
        let start = day_start_ms("2026-11-22", "from").unwrap();
        assert_eq!(local_day(start), "2026-11-22");
        assert_eq!(local_day(start - 1), "2026-11-21");
    }
}

//! Guide records: the procedure guide's answers, final list (with staff marks) and pack
//! version, kept with the counter record. Staff only. The relay stores them as given; it
//! never decides eligibility.

use axum::extract::State;
use axum::http::StatusCode;
use mado_wire::{AnswerValue, GuideRecord, NewGuideRecord};
use schemars::JsonSchema;
use serde::Deserialize;
use sqlx::Row;

use crate::auth::Staff;
use crate::db::now_ms;
use crate::error::{Error, Json, Path, Query, Result};
use crate::state::AppState;

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
}

fn default_limit() -> i64 {
    50
}

pub(crate) async fn records_create(
    staff: Staff,
    State(state): State<AppState>,
    Path(office_id): Path<String>,
    Json(req): Json<NewGuideRecord>,
) -> Result<(StatusCode, Json<GuideRecord>)> {
    state.office(&office_id).await?;
    validate(&req)?;
    if let Some(t) = req.ticket_id {
        let found: Option<i64> =
            sqlx::query_scalar("SELECT id FROM tickets WHERE id = $1 AND office_id = $2")
                .bind(t)
                .bind(&office_id)
                .fetch_optional(&state.db)
                .await?;
        if found.is_none() {
            return Err(Error::NotFound(format!(
                "no ticket with id {t} in office {office_id:?}"
            )));
        }
    }
    let answers =
        serde_json::to_string(&req.answers).map_err(|e| Error::Internal(e.to_string()))?;
    let procedures =
        serde_json::to_string(&req.procedures).map_err(|e| Error::Internal(e.to_string()))?;
    let printed =
        serde_json::to_string(&req.printed_forms).map_err(|e| Error::Internal(e.to_string()))?;
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO guide_records (office_id, staff_id, created_at_ms, pack, pack_version, city, ref_date, answers, procedures, ticket_id, printed_forms, printed_for)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
    )
    .bind(&office_id)
    .bind(staff.id)
    .bind(now)
    .bind(&req.pack)
    .bind(&req.version)
    .bind(&req.city)
    .bind(req.date.to_string())
    .bind(answers)
    .bind(procedures)
    .bind(req.ticket_id)
    .bind(printed)
    .bind(&req.printed_for)
    .fetch_one(&state.db)
    .await?;
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
    let rows = sqlx::query(
        "SELECT r.id, r.created_at_ms, r.pack, r.pack_version, r.city, r.ref_date, r.answers, r.procedures, r.ticket_id, r.printed_forms, r.printed_for, s.login
         FROM guide_records r JOIN staff s ON s.id = r.staff_id
         WHERE r.office_id = $1 ORDER BY r.created_at_ms DESC, r.id DESC LIMIT $2",
    )
    .bind(&office_id)
    .bind(q.limit)
    .fetch_all(&state.db)
    .await?;
    let parse = |col: &str, text: String| {
        Error::Internal(format!(
            "guide record column {col} is not valid JSON: {text}"
        ))
    };
    rows.iter()
        .map(|row| {
            let answers: String = row.try_get("answers")?;
            let procedures: String = row.try_get("procedures")?;
            let printed: String = row.try_get("printed_forms")?;
            Ok(GuideRecord {
                id: row.try_get("id")?,
                office_id: office_id.clone(),
                staff: row.try_get("login")?,
                created_at_ms: row.try_get("created_at_ms")?,
                record: NewGuideRecord {
                    pack: row.try_get("pack")?,
                    version: row.try_get("pack_version")?,
                    city: row.try_get("city")?,
                    date: crate::db::stored_date(
                        &row.try_get::<String, _>("ref_date")?,
                        "ref_date",
                    )?,
                    answers: serde_json::from_str(&answers)
                        .map_err(|e| parse("answers", e.to_string()))?,
                    procedures: serde_json::from_str(&procedures)
                        .map_err(|e| parse("procedures", e.to_string()))?,
                    ticket_id: row.try_get("ticket_id")?,
                    printed_forms: serde_json::from_str(&printed)
                        .map_err(|e| parse("printed_forms", e.to_string()))?,
                    printed_for: row.try_get("printed_for")?,
                },
            })
        })
        .collect::<Result<Vec<_>>>()
        .map(Json)
}

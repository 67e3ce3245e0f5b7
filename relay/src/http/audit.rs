//! The audit trail in 管理 (admins only): the entries of a span of days, filtered by staff
//! member, action and office, as JSON and as CSV. Exporting it is itself an entry.

use axum::extract::State;
use axum::response::IntoResponse;
use mado_wire::audit::{AuditAction, AuditEntry};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::csv::{Csv, download, local_time};
use crate::db::{DAY_MS, day_start_ms, now_ms};
use crate::error::{Error, Json, Query, Result};
use crate::http::auth::Admin;
use crate::state::AppState;
use crate::store;
use crate::store::audit::New;

/// Most entries one answer holds.
const MAX_LIST: i64 = 5000;

#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AuditQuery {
    /// The first day (Japan's time), `YYYY-MM-DD`; by default 30 days before `to`.
    #[serde(default)]
    from: Option<mado_civil::Date>,
    /// The last day, `YYYY-MM-DD`, included; by default today.
    #[serde(default)]
    to: Option<mado_civil::Date>,
    /// One staff member's entries (their account id).
    #[serde(default)]
    staff: Option<i64>,
    /// One action's entries (`login_failed`, `submission_viewed`, …).
    #[serde(default)]
    action: Option<String>,
    /// One office's entries.
    #[serde(default)]
    office: Option<String>,
    /// How many entries, newest first (at most 5000).
    #[serde(default = "default_limit")]
    #[schemars(range(min = 1, max = 5000))]
    limit: i64,
}

fn default_limit() -> i64 {
    500
}

fn filter(q: &AuditQuery) -> Result<store::audit::Filter> {
    if !(1..=MAX_LIST).contains(&q.limit) {
        return Err(Error::bad_request(
            "invalid_query",
            format!("limit must be 1–{MAX_LIST}, found {}", q.limit),
        ));
    }
    let to =
        q.to.map_or_else(|| crate::db::local_day_start_ms(now_ms()), day_start_ms) + DAY_MS;
    let from = q.from.map_or(to - 31 * DAY_MS, day_start_ms);
    if to <= from {
        return Err(Error::bad_request(
            "invalid_query",
            "to must not be before from".to_owned(),
        ));
    }
    let action = match q.action.as_deref() {
        None | Some("") => None,
        Some(a) => Some(AuditAction::parse(a).ok_or_else(|| {
            let known: Vec<&str> = AuditAction::ALL.iter().map(|a| a.as_str()).collect();
            Error::bad_request(
                "invalid_query",
                format!("action: {a:?} is not an action; expected one of {known:?}"),
            )
        })?),
    };
    Ok(store::audit::Filter {
        from_ms: from,
        until_ms: to,
        staff: q.staff.unwrap_or(0),
        action,
        office: q.office.clone().unwrap_or_default(),
    })
}

/// `GET /api/audit` (admin): the entries, newest first.
pub(crate) async fn audit_list(
    _admin: Admin,
    State(state): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> Result<Json<Vec<AuditEntry>>> {
    let f = filter(&q)?;
    Ok(Json(store::audit::newest(&state.db, &f, q.limit).await?))
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 8] = [
    "日時",
    "操作",
    "操作ID",
    "職員ID",
    "ログインID",
    "事務所",
    "対象",
    "内容",
];

/// `GET /api/audit/export.csv` (admin): the same entries as CSV; the export is recorded.
pub(crate) async fn audit_export_csv(
    Admin(admin): Admin,
    State(state): State<AppState>,
    Query(q): Query<AuditQuery>,
) -> Result<impl IntoResponse> {
    let f = filter(&q)?;
    let list = store::audit::newest(&state.db, &f, q.limit).await?;
    let entry =
        New::by(AuditAction::AuditExported, Some(admin.id)).detail(format!("{}件", list.len()));
    store::audit::append(&state.db, now_ms(), &entry).await?;
    let mut out = Csv::new();
    out.row(&CSV_HEADER);
    for e in &list {
        let staff = e.staff_id.map(|i| i.to_string()).unwrap_or_default();
        out.row(&[
            &local_time(e.at_ms),
            e.action.label_ja(),
            e.action.as_str(),
            &staff,
            e.staff_login.as_deref().unwrap_or(""),
            e.office_id.as_deref().unwrap_or(""),
            &e.target,
            &e.detail,
        ]);
    }
    Ok(download(
        "mado-audit.csv",
        "text/csv; charset=utf-8",
        out.finish(),
    ))
}

//! `GET /api/offices/{office}/stats?from=&to=` (staff): waits and service times per service
//! and hour, and pre-applications per life event and status, for `/office`'s charts. The
//! figures are computed by `mado_wire::stats`; this only selects the rows.

use std::collections::BTreeMap;

use axum::extract::State;
use mado_civil::Date;
use mado_wire::stats::{OfficeStats, SubmissionCount, TicketTimes, hour_stats};
use schemars::JsonSchema;
use serde::Deserialize;

use crate::db::{local_day, now_ms};
use crate::error::{Error, Json, Path, Query, Result};
use crate::http::auth::Staff;
use crate::state::AppState;
use crate::store;

/// The query of `GET /api/offices/{office}/stats`.
#[derive(Debug, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Period {
    /// First day (office-local `YYYY-MM-DD`); six days before `to` when absent.
    from: Option<String>,
    /// Last day (office-local `YYYY-MM-DD`), inclusive; today when absent.
    to: Option<String>,
}

/// The longest period one request covers.
const MAX_DAYS: i64 = 366;

fn day(s: &str, field: &str) -> Result<Date> {
    Date::parse_iso(s).map_err(|_| {
        Error::bad_request(
            "invalid_query",
            format!("{field}: {s:?} is not a date; expected YYYY-MM-DD"),
        )
    })
}

pub(crate) async fn stats_get(
    _staff: Staff,
    State(state): State<AppState>,
    Path(office): Path<String>,
    Query(period): Query<Period>,
) -> Result<Json<OfficeStats>> {
    state.office(&office).await?;
    let today = day(&local_day(now_ms()), "today")?;
    let to = match &period.to {
        Some(s) => day(s, "to")?,
        None => today,
    };
    let from = match &period.from {
        Some(s) => day(s, "from")?,
        None => to.add_days(-6),
    };
    if from.days_since_epoch() > to.days_since_epoch()
        || to.days_since_epoch() - from.days_since_epoch() >= MAX_DAYS
    {
        return Err(Error::bad_request(
            "invalid_query",
            format!("from..to must be 1 to {MAX_DAYS} days, from first to last"),
        ));
    }
    let rows = store::tickets::times_between(&state.db, &office, from, to).await?;
    let tickets: Vec<TicketTimes<'_>> = rows
        .iter()
        .map(|(service, issued, called, finished, status)| TicketTimes {
            service_id: service,
            issued_at_ms: *issued,
            called_at_ms: *called,
            finished_at_ms: if status == "done" { *finished } else { None },
        })
        .collect();
    let mut per_status: BTreeMap<(String, mado_wire::submission::SubmissionStatus), u64> =
        BTreeMap::new();
    let counts =
        crate::http::submissions::counts(&state.db, &office, &from.to_string(), &to.to_string())
            .await?;
    for ((_, pack, status), n) in counts {
        *per_status.entry((pack, status)).or_default() += u64::try_from(n).unwrap_or(0);
    }
    Ok(Json(OfficeStats {
        from: from.to_string(),
        to: to.to_string(),
        hours: hour_stats(&tickets),
        submissions: per_status
            .into_iter()
            .map(|((pack, status), count)| SubmissionCount {
                pack,
                status,
                count,
            })
            .collect(),
    }))
}

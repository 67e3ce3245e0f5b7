//! Visits handed over with their tickets (「回さない」窓口): the counter that transfers a
//! resident leaves the visit with the ticket; the counter that will call them sees who is
//! coming and why, and opens the same visit. Staff only; the visit is stored as given (the
//! relay never reads it) and deleted when the ticket is done or a no-show, or the day ends.

use axum::extract::State;
use mado_wire::{Handover, HandoverSummary, NewHandover};

use crate::db::now_ms;
use crate::error::{Error, Json, Path, Result};
use crate::http::auth::Staff;
use crate::state::AppState;
use crate::store;

/// The largest visit a handover keeps, as JSON text.
/// (Below the relay's 64 KB body limit, so a visit too large is named as such.)
const MAX_VISIT: usize = 48 * 1024;
const MAX_TITLE: usize = 200;
const MAX_PROCEDURES: usize = 50;

fn bad(message: String) -> Error {
    Error::bad_request("invalid_handover", message)
}

fn validate(h: &NewHandover) -> Result<()> {
    if h.title.trim().is_empty() || h.title.chars().count() > MAX_TITLE {
        return Err(bad(format!(
            "title must be 1–{MAX_TITLE} characters, found {}",
            h.title.chars().count()
        )));
    }
    if h.procedures.len() > MAX_PROCEDURES
        || h.procedures.iter().any(|p| p.chars().count() > MAX_TITLE)
    {
        return Err(bad(format!(
            "procedures must list at most {MAX_PROCEDURES} names of at most {MAX_TITLE} characters"
        )));
    }
    if !h.visit.is_object() {
        return Err(bad(
            "visit must be a JSON object (the counter's visit)".into()
        ));
    }
    let size = serde_json::to_string(&h.visit).map_or(usize::MAX, |t| t.len());
    if size > MAX_VISIT {
        return Err(bad(format!(
            "visit is {size} bytes of JSON; at most {MAX_VISIT}"
        )));
    }
    Ok(())
}

/// A ticket's office, or 404.
async fn office_of(state: &AppState, ticket: i64) -> Result<String> {
    store::tickets::office_of(&state.db, ticket)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no ticket with id {ticket}")))
}

pub(crate) async fn handover_put(
    staff: Staff,
    State(state): State<AppState>,
    Path(ticket): Path<i64>,
    Json(req): Json<NewHandover>,
) -> Result<Json<Handover>> {
    validate(&req)?;
    let office = office_of(&state, ticket).await?;
    if let Some(c) = req.from_counter_id
        && !state
            .office(&office)
            .await?
            .counters
            .iter()
            .any(|x| x.id == c)
    {
        return Err(Error::NotFound(format!(
            "office {office:?} has no counter {c}"
        )));
    }
    if !store::handovers::ticket_active(&state.db, ticket).await? {
        return Err(Error::Conflict(format!(
            "ticket {ticket} is done or a no-show: nothing to hand over"
        )));
    }
    store::handovers::put(&state.db, ticket, &office, &req, now_ms()).await?;
    let stored = store::handovers::get(&state.db, ticket)
        .await?
        .ok_or_else(|| Error::Internal(format!("the handover of ticket {ticket} vanished")))?;
    tracing::info!(ticket, staff = staff.id, "visit handed over");
    Ok(Json(stored))
}

pub(crate) async fn handover_get(
    _staff: Staff,
    State(state): State<AppState>,
    Path(ticket): Path<i64>,
) -> Result<Json<Handover>> {
    office_of(&state, ticket).await?;
    store::handovers::get(&state.db, ticket)
        .await?
        .map(Json)
        .ok_or_else(|| Error::NotFound(format!("no visit handed over with ticket {ticket}")))
}

pub(crate) async fn handovers_list(
    _staff: Staff,
    State(state): State<AppState>,
    Path(office): Path<String>,
) -> Result<Json<Vec<HandoverSummary>>> {
    state.office(&office).await?;
    Ok(Json(store::handovers::list(&state.db, &office).await?))
}

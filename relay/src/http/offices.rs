//! Offices with their services and counters (public: kiosks and displays need them).

use axum::extract::State;
use mado_wire::Office;

use crate::error::{Json, Path, Result};
use crate::state::AppState;
use crate::store;

pub(crate) async fn offices_list(State(state): State<AppState>) -> Result<Json<Vec<Office>>> {
    let ids = store::offices::ids(&state.db).await?;
    let mut offices = Vec::with_capacity(ids.len());
    for id in ids {
        offices.push(state.office(&id).await?);
    }
    Ok(Json(offices))
}

pub(crate) async fn office_get(
    State(state): State<AppState>,
    Path(office_id): Path<String>,
) -> Result<Json<Office>> {
    state.office(&office_id).await.map(Json)
}

//! Offices with their services and counters (public: kiosks and displays need them).

use axum::Router;
use axum::extract::State;
use axum::routing::get;
use mado_wire::Office;

use crate::error::{Json, Path, Result};
use crate::state::AppState;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/api/offices",
            get(offices_list).post(crate::settings::office_create),
        )
        .route(
            "/api/offices/{office}/settings",
            get(crate::settings::settings_get).put(crate::settings::settings_put),
        )
        .route("/api/offices/{office}", get(office_get))
        .route(
            "/api/offices/{office}/events",
            get(crate::stream::events_stream),
        )
}

async fn offices_list(State(state): State<AppState>) -> Result<Json<Vec<Office>>> {
    let ids: Vec<String> = sqlx::query_scalar("SELECT id FROM offices ORDER BY id")
        .fetch_all(&state.db)
        .await?;
    let mut offices = Vec::with_capacity(ids.len());
    for id in ids {
        offices.push(state.office(&id).await?);
    }
    Ok(Json(offices))
}

async fn office_get(
    State(state): State<AppState>,
    Path(office_id): Path<String>,
) -> Result<Json<Office>> {
    state.office(&office_id).await.map(Json)
}

//! An office's configuration as `/admin` edits it: names, services (ticket letter, average
//! handling time, booking rule), counters and the opening calendar. Read and saved whole, in
//! one transaction; checked by [`OfficeSettings::problems`] first.
//!
//! Nothing is lost by an edit: a service or counter left out is retired (today's tickets and
//! the statistics still name it), and the relay refuses to retire one that still has residents
//! waiting, being served or booked. Slots already booked keep their places when a capacity
//! shrinks below what they hold. Every relay serving the office forgets its cached copy
//! (on PostgreSQL through `NOTIFY mado_config`).

use axum::extract::State;
use axum::http::StatusCode;
use mado_wire::admin::OfficeSettings;
use mado_wire::audit::AuditAction;

use crate::db;
use crate::db::{Writes, now_ms};
use crate::error::{Error, Json, Path, Result};
use crate::http::auth::Admin;
use crate::state::AppState;
use crate::store;

/// `GET /api/offices/{office}/settings` (admin).
pub(crate) async fn settings_get(
    _admin: Admin,
    State(state): State<AppState>,
    Path(office): Path<String>,
) -> Result<Json<OfficeSettings>> {
    store::settings::load(&state.db, &office).await.map(Json)
}

/// `PUT /api/offices/{office}/settings` (admin): saves the whole configuration.
pub(crate) async fn settings_put(
    Admin(admin): Admin,
    State(state): State<AppState>,
    Path(office): Path<String>,
    Json(settings): Json<OfficeSettings>,
) -> Result<Json<OfficeSettings>> {
    if settings.id != office {
        return Err(Error::bad_request(
            "invalid_settings",
            format!(
                "id: {:?} in the body, {office:?} in the path; an office's id cannot change",
                settings.id
            ),
        ));
    }
    save(&state, &settings, false).await?;
    tracing::info!(office = %office, staff_id = admin.id, "office settings saved");
    let entry = store::audit::New::by(AuditAction::SettingsChanged, Some(admin.id)).office(&office);
    store::audit::append(&state.db, now_ms(), &entry).await?;
    store::settings::load(&state.db, &office).await.map(Json)
}

/// `POST /api/offices` (admin): a new office.
pub(crate) async fn office_create(
    Admin(admin): Admin,
    State(state): State<AppState>,
    Json(settings): Json<OfficeSettings>,
) -> Result<(StatusCode, Json<OfficeSettings>)> {
    save(&state, &settings, true).await?;
    tracing::info!(office = %settings.id, staff_id = admin.id, "office created");
    let entry =
        store::audit::New::by(AuditAction::OfficeCreated, Some(admin.id)).office(&settings.id);
    store::audit::append(&state.db, now_ms(), &entry).await?;
    Ok((
        StatusCode::CREATED,
        Json(store::settings::load(&state.db, &settings.id).await?),
    ))
}

fn invalid(message: String) -> Error {
    Error::bad_request("invalid_settings", message)
}

/// Checks and stores `settings`, creating the office when `create`.
async fn save(state: &AppState, settings: &OfficeSettings, create: bool) -> Result<()> {
    let problems = settings.problems();
    if !problems.is_empty() {
        let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
        return Err(invalid(format!(
            "the settings cannot be saved: {}",
            list.join("; ")
        )));
    }
    let office = settings.id.as_str();
    let today = db::local_day(db::now_ms());
    let (_guard, mut tx) = state
        .begin_write(&[
            Writes::Settings,
            Writes::Queue(office),
            Writes::Bookings(office),
        ])
        .await?;
    store::settings::save_in(&mut tx, state.dialect, settings, create, &today).await?;
    tx.commit().await?;
    state.forget_office(office);
    Ok(())
}

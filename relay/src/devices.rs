//! Kiosks and displays. An admin creates a device (kind, label) and gets a one-time,
//! eight-digit pairing code valid for 15 minutes; typed on the device (`/pair`), it gives the
//! browser a device token in an HttpOnly cookie. Pairing a kiosk makes the office take
//! tickets and check-ins only at its kiosks (`kiosks_only`): nobody on the internet can fill
//! the queue. An office that has never paired a kiosk stays open (a demo, a small office);
//! revoking its kiosks does not open it again by itself: an admin decides
//! (`PUT /api/offices/{office}/kiosk-policy`, asked when the last kiosk is revoked).
//!
//! A device token is not a staff session: staff routes refuse it (tested by enumerating every
//! route, `tests/routes.rs`).

use axum::extract::{FromRequestParts, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mado_wire::device::{
    Device, DeviceKind, KioskPolicy, NewDevice, PairRequest, PairingCode, SetKioskPolicy,
};
use rand::Rng;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::auth::{Admin, cookie};
use crate::capability::{random_token, token_hash};
use crate::db::now_ms;
use crate::error::{Error, Json, Path, Result};
use crate::state::AppState;

/// Name of the device cookie.
pub const COOKIE_NAME: &str = "mado_device";
/// How long a pairing code is valid.
const PAIRING_MS: i64 = 15 * 60 * 1000;
/// A device token lasts until it is revoked; the cookie is renewed for ten years.
const COOKIE_SECS: i64 = 10 * 365 * 86_400;

/// The office's kiosk policy as stored.
async fn kiosk_policy(state: &AppState, office: &str) -> Result<KioskPolicy> {
    state.office(office).await?;
    let kiosks_only: i64 = sqlx::query_scalar("SELECT kiosks_only FROM offices WHERE id = $1")
        .bind(office)
        .fetch_one(&state.db)
        .await?;
    let paired: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM devices WHERE office_id = $1 AND kind = 'kiosk' AND paired_at_ms IS NOT NULL AND revoked_at_ms IS NULL",
    )
    .bind(office)
    .fetch_one(&state.db)
    .await?;
    Ok(KioskPolicy {
        kiosks_only: kiosks_only == 1,
        paired_kiosks: u32::try_from(paired).unwrap_or(u32::MAX),
    })
}

/// `GET /api/offices/{office}/kiosk-policy` (admin).
pub(crate) async fn kiosk_policy_get(
    _admin: Admin,
    State(state): State<AppState>,
    Path(office): Path<String>,
) -> Result<Json<KioskPolicy>> {
    kiosk_policy(&state, &office).await.map(Json)
}

/// `PUT /api/offices/{office}/kiosk-policy` (admin): tickets and check-ins only at the
/// office's paired kiosks, or from any browser again. Turning it on needs a paired kiosk (or
/// nobody could take a ticket).
pub(crate) async fn kiosk_policy_put(
    Admin(admin): Admin,
    State(state): State<AppState>,
    Path(office): Path<String>,
    Json(set): Json<SetKioskPolicy>,
) -> Result<Json<KioskPolicy>> {
    let before = kiosk_policy(&state, &office).await?;
    if set.kiosks_only && before.paired_kiosks == 0 {
        return Err(Error::Conflict(format!(
            "office {office:?} has no paired kiosk, so nobody could take a ticket; pair a kiosk (which turns this on)"
        )));
    }
    let mut tx = state.db.begin().await?;
    sqlx::query("UPDATE offices SET kiosks_only = $2 WHERE id = $1")
        .bind(&office)
        .bind(i64::from(set.kiosks_only))
        .execute(&mut *tx)
        .await?;
    if state.dialect == crate::db::Dialect::Postgres {
        sqlx::query("SELECT pg_notify('mado_config', $1)")
            .bind(&office)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    state.offices.forget(&office);
    tracing::info!(office = %office, staff_id = admin.id, kiosks_only = set.kiosks_only, "kiosk policy set");
    kiosk_policy(&state, &office).await.map(Json)
}

/// `GET /api/offices/{office}/kiosk`: whether this browser may issue tickets at `office`, asked
/// by the kiosk when it starts, so an unpaired kiosk says so before a resident taps anything
/// (issue 17 item 9): 204, or the same refusal a ticket would get.
pub(crate) async fn kiosk_check(
    _kiosk: KioskAccess,
    State(state): State<AppState>,
    Path(office): Path<String>,
) -> Result<StatusCode> {
    state.office(&office).await?;
    Ok(StatusCode::NO_CONTENT)
}

const COLUMNS: &str =
    "id, office_id, kind, label, created_at_ms, paired_at_ms, last_seen_ms, revoked_at_ms";

fn device_of(row: &AnyRow) -> Result<Device> {
    let kind: String = row.try_get("kind")?;
    Ok(Device {
        id: row.try_get("id")?,
        office_id: row.try_get("office_id")?,
        kind: DeviceKind::parse(&kind)
            .ok_or_else(|| Error::Internal(format!("stored device kind {kind:?}")))?,
        label: row.try_get("label")?,
        created_at_ms: row.try_get("created_at_ms")?,
        paired_at_ms: row.try_get("paired_at_ms")?,
        last_seen_ms: row.try_get("last_seen_ms")?,
        revoked_at_ms: row.try_get("revoked_at_ms")?,
    })
}

/// Eight random digits.
fn pairing_code() -> String {
    let mut rng = rand::rng();
    (0..8)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

/// `POST /api/offices/{office}/devices` (admin): a device and its pairing code.
pub(crate) async fn device_create(
    Admin(admin): Admin,
    State(state): State<AppState>,
    Path(office): Path<String>,
    Json(req): Json<NewDevice>,
) -> Result<(StatusCode, Json<PairingCode>)> {
    state.office(&office).await?;
    let label = req.label.trim();
    if label.is_empty() || label.chars().count() > 60 || label.contains(['\n', '\r']) {
        return Err(Error::bad_request(
            "invalid_body",
            "label: where the device stands, one line of 1 to 60 characters",
        ));
    }
    let code = pairing_code();
    let now = now_ms();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO devices (office_id, kind, label, created_at_ms, pairing_hash, pairing_expires_ms) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&office)
    .bind(req.kind.as_str())
    .bind(label)
    .bind(now)
    .bind(token_hash(&code))
    .bind(now + PAIRING_MS)
    .fetch_one(&state.db)
    .await?;
    tracing::info!(office = %office, device = id, kind = req.kind.as_str(), staff_id = admin.id, "device created");
    Ok((
        StatusCode::CREATED,
        Json(PairingCode {
            device: load(&state, id).await?,
            code,
            expires_at_ms: now + PAIRING_MS,
        }),
    ))
}

async fn load(state: &AppState, id: i64) -> Result<Device> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM devices WHERE id = $1"));
    let row = sqlx::query(sql)
        .bind(id)
        .fetch_optional(&state.db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no device with id {id}")))?;
    device_of(&row)
}

/// `GET /api/offices/{office}/devices` (admin).
pub(crate) async fn devices_list(
    _admin: Admin,
    State(state): State<AppState>,
    Path(office): Path<String>,
) -> Result<Json<Vec<Device>>> {
    state.office(&office).await?;
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM devices WHERE office_id = $1 ORDER BY kind, label, id"
    ));
    let rows = sqlx::query(sql).bind(&office).fetch_all(&state.db).await?;
    Ok(Json(rows.iter().map(device_of).collect::<Result<_>>()?))
}

/// `DELETE /api/devices/{id}` (admin): the device's token stops working at once.
pub(crate) async fn device_revoke(
    Admin(admin): Admin,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Device>> {
    let done = sqlx::query(
        "UPDATE devices SET revoked_at_ms = $1, token_hash = NULL, pairing_hash = NULL WHERE id = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now_ms())
    .bind(id)
    .execute(&state.db)
    .await?;
    let device = load(&state, id).await?;
    if done.rows_affected() == 1 {
        tracing::info!(device = id, staff_id = admin.id, "device revoked");
    }
    Ok(Json(device))
}

fn device_cookie(token: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age_secs}{secure}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("mado_device=; Max-Age=0"))
}

/// `POST /api/devices/pair` (the device): trades a valid pairing code for a device token.
pub(crate) async fn device_pair(
    State(state): State<AppState>,
    Json(req): Json<PairRequest>,
) -> Result<Response> {
    let code: String = req.code.chars().filter(char::is_ascii_digit).collect();
    let now = now_ms();
    let token = random_token();
    let mut tx = state.db.begin().await?;
    let paired: Option<(i64, String, String)> = sqlx::query_as(
        "UPDATE devices SET token_hash = $1, pairing_hash = NULL, pairing_expires_ms = NULL, paired_at_ms = $2, last_seen_ms = $2 WHERE pairing_hash = $3 AND pairing_expires_ms > $2 AND revoked_at_ms IS NULL RETURNING id, office_id, kind",
    )
    .bind(token_hash(&token))
    .bind(now)
    .bind(token_hash(&code))
    .fetch_optional(&mut *tx)
    .await?;
    // A kiosk: the office now takes tickets only at its kiosks, and every relay reads that
    // again.
    let kiosk_office = paired
        .as_ref()
        .filter(|(_, _, kind)| kind == "kiosk")
        .map(|(_, office, _)| office.clone());
    if let Some(office) = &kiosk_office {
        sqlx::query("UPDATE offices SET kiosks_only = 1 WHERE id = $1")
            .bind(office)
            .execute(&mut *tx)
            .await?;
        if state.dialect == crate::db::Dialect::Postgres {
            sqlx::query("SELECT pg_notify('mado_config', $1)")
                .bind(office)
                .execute(&mut *tx)
                .await?;
        }
    }
    tx.commit().await?;
    if let Some(office) = &kiosk_office {
        state.offices.forget(office);
    }
    let id = paired.map(|(id, _, _)| id).ok_or_else(|| {
        Error::NotFound(
            "no device is waiting for this pairing code (it is used once and lasts 15 minutes)"
                .into(),
        )
    })?;
    let device = load(&state, id).await?;
    tracing::info!(device = id, office = %device.office_id, "device paired");
    let mut res = Json(device).into_response();
    res.headers_mut().insert(
        SET_COOKIE,
        device_cookie(&token, COOKIE_SECS, state.config.secure_cookies),
    );
    Ok(res)
}

/// Whether `office` takes tickets only at its kiosks: kept with the office once read (every
/// ticket asks), forgotten when a kiosk pairs or an admin sets the policy.
async fn kiosks_only(state: &AppState, office: &str) -> Result<bool> {
    // An unknown office is refused here, so nothing is kept for it.
    state.office(office).await?;
    if let Some(only) = state.offices.kiosks_only(office) {
        return Ok(only);
    }
    let epoch = state.offices.epoch();
    let only: i64 = sqlx::query_scalar("SELECT kiosks_only FROM offices WHERE id = $1")
        .bind(office)
        .fetch_one(&state.db)
        .await?;
    state.offices.keep_kiosks_only(office, epoch, only == 1);
    Ok(only == 1)
}

/// `GET /api/devices/me`: the device this browser is, or 401.
pub(crate) async fn device_me(device: PairedDevice) -> Json<Device> {
    Json(device.0)
}

/// The paired, unrevoked device making the request.
#[derive(Debug, Clone)]
pub struct PairedDevice(pub Device);

impl FromRequestParts<AppState> for PairedDevice {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let token = cookie(&parts.headers, COOKIE_NAME)
            .ok_or_else(|| Error::DeviceRequired("this browser is not a paired device".into()))?;
        let sql = sqlx::AssertSqlSafe(format!(
            "SELECT {COLUMNS} FROM devices WHERE token_hash = $1 AND revoked_at_ms IS NULL"
        ));
        let row = sqlx::query(sql)
            .bind(token_hash(token))
            .fetch_optional(&state.db)
            .await?
            .ok_or_else(|| {
                Error::DeviceRequired("this device's pairing was revoked or is unknown".into())
            })?;
        let device = device_of(&row)?;
        // Last seen: at most once a minute per device, to keep writes rare.
        sqlx::query("UPDATE devices SET last_seen_ms = $1 WHERE id = $2 AND (last_seen_ms IS NULL OR last_seen_ms < $3)")
            .bind(now_ms())
            .bind(device.id)
            .bind(now_ms() - 60_000)
            .execute(&state.db)
            .await?;
        Ok(PairedDevice(device))
    }
}

impl axum::extract::OptionalFromRequestParts<AppState> for PairedDevice {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>> {
        match <PairedDevice as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(d) => Ok(Some(d)),
            Err(Error::DeviceRequired(_)) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

/// A kiosk action's permission (tickets, check-in), checked before the body is read: the
/// office is the route's `{office}`; see [`require_kiosk`].
#[derive(Debug, Clone, Copy)]
pub struct KioskAccess;

impl FromRequestParts<AppState> for KioskAccess {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let params = axum::extract::RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| Error::Internal(format!("kiosk route without path parameters: {e}")))?;
        let office = params
            .iter()
            .find(|(k, _)| *k == "office")
            .map(|(_, v)| v.to_owned())
            .ok_or_else(|| Error::Internal("kiosk route without {office}".into()))?;
        let device =
            <PairedDevice as axum::extract::OptionalFromRequestParts<AppState>>::from_request_parts(
                parts, state,
            )
            .await?;
        require_kiosk(state, &office, device.as_ref()).await?;
        Ok(KioskAccess)
    }
}

/// For a kiosk action at `office`: fine when the office is not kiosks-only (never paired a
/// kiosk, or an admin opened it again), or when `device` is one of its kiosks; otherwise 401
/// `device_required` (or 403 for a device of another office or kind).
pub async fn require_kiosk(
    state: &AppState,
    office: &str,
    device: Option<&PairedDevice>,
) -> Result<()> {
    if let Some(PairedDevice(d)) = device {
        if d.office_id == office && d.kind == DeviceKind::Kiosk {
            return Ok(());
        }
        return Err(Error::Forbidden(format!(
            "this device is a {} of office {:?}, not a kiosk of {office:?}",
            d.kind.as_str(),
            d.office_id
        )));
    }
    if !kiosks_only(state, office).await? {
        Ok(())
    } else {
        Err(Error::DeviceRequired(format!(
            "office {office:?} takes tickets and check-ins only at its paired kiosks"
        )))
    }
}

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

use crate::capability::{random_token, token_hash};
use crate::db::now_ms;
use crate::error::{Error, Json, Path, Result};
use crate::headers::Caller;
use crate::http::auth::{Admin, cookie};
use crate::state::AppState;
use crate::store;
use mado_wire::audit::AuditAction;

/// Name of the device cookie.
pub const COOKIE_NAME: &str = "mado_device";
/// How long a pairing code is valid.
const PAIRING_MS: i64 = 15 * 60 * 1000;
/// A device token lasts until it is revoked; the cookie is renewed for ten years.
const COOKIE_SECS: i64 = 10 * 365 * 86_400;

/// The office's kiosk policy as stored.
async fn kiosk_policy(state: &AppState, office: &str) -> Result<KioskPolicy> {
    state.office(office).await?;
    store::devices::policy(&state.db, office).await
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
    store::devices::set_kiosks_only(&mut tx, state.dialect, &office, set.kiosks_only).await?;
    tx.commit().await?;
    state.offices.forget(&office);
    tracing::info!(office = %office, staff_id = admin.id, kiosks_only = set.kiosks_only, "kiosk policy set");
    let detail = if set.kiosks_only {
        "登録した発券機だけで発券"
    } else {
        "どのブラウザでも発券"
    };
    let entry = store::audit::New::by(AuditAction::KioskPolicyChanged, Some(admin.id))
        .office(&office)
        .detail(detail);
    store::audit::append(&state.db, now_ms(), &entry).await?;
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
    let id = store::devices::insert(
        &state.db,
        &office,
        req.kind,
        label,
        now,
        &token_hash(&code),
        now + PAIRING_MS,
    )
    .await?;
    tracing::info!(office = %office, device = id, kind = req.kind.as_str(), staff_id = admin.id, "device created");
    let entry = store::audit::New::by(AuditAction::DeviceCreated, Some(admin.id))
        .office(&office)
        .target("device", id)
        .detail(match req.kind {
            DeviceKind::Kiosk => "発券機",
            DeviceKind::Display => "呼出表示",
        });
    store::audit::append(&state.db, now_ms(), &entry).await?;
    Ok((
        StatusCode::CREATED,
        Json(PairingCode {
            device: store::devices::by_id(&state.db, id).await?,
            code,
            expires_at_ms: now + PAIRING_MS,
        }),
    ))
}

/// `GET /api/offices/{office}/devices` (admin).
pub(crate) async fn devices_list(
    _admin: Admin,
    State(state): State<AppState>,
    Path(office): Path<String>,
) -> Result<Json<Vec<Device>>> {
    state.office(&office).await?;
    Ok(Json(store::devices::of_office(&state.db, &office).await?))
}

/// `DELETE /api/devices/{id}` (admin): the device's token stops working at once.
pub(crate) async fn device_revoke(
    Admin(admin): Admin,
    State(state): State<AppState>,
    Path(id): Path<i64>,
) -> Result<Json<Device>> {
    let revoked = store::devices::revoke(&state.db, id, now_ms()).await?;
    let device = store::devices::by_id(&state.db, id).await?;
    if revoked {
        tracing::info!(device = id, staff_id = admin.id, "device revoked");
        let entry = store::audit::New::by(AuditAction::DeviceRevoked, Some(admin.id))
            .office(&device.office_id)
            .target("device", id);
        store::audit::append(&state.db, now_ms(), &entry).await?;
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
    let paired =
        store::devices::pair(&mut tx, &token_hash(&code), &token_hash(&token), now).await?;
    // A kiosk: the office now takes tickets only at its kiosks, and every relay reads that
    // again.
    let kiosk_office = paired
        .as_ref()
        .filter(|p| p.kind == "kiosk")
        .map(|p| p.office.clone());
    if let Some(office) = &kiosk_office {
        store::devices::set_kiosks_only(&mut tx, state.dialect, office, true).await?;
    }
    tx.commit().await?;
    if let Some(office) = &kiosk_office {
        state.offices.forget(office);
    }
    let id = paired.map(|p| p.id).ok_or_else(|| {
        Error::NotFound(
            "no device is waiting for this pairing code (it is used once and lasts 15 minutes)"
                .into(),
        )
    })?;
    let device = store::devices::by_id(&state.db, id).await?;
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
    let only = store::devices::kiosks_only(&state.db, office).await?;
    state.offices.keep_kiosks_only(office, epoch, only);
    Ok(only)
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
        let device = store::devices::by_token(&state.db, &token_hash(token))
            .await?
            .ok_or_else(|| {
                Error::DeviceRequired("this device's pairing was revoked or is unknown".into())
            })?;
        store::devices::seen(&state.db, device.id, now_ms()).await?;
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
/// office is the route's `{office}`; see [`require_kiosk`]. It holds who asks, for their
/// idempotency keys: the office's paired kiosk, or the public where the office pairs none.
#[derive(Debug, Clone, Copy)]
pub struct KioskAccess(pub(crate) Caller);

impl FromRequestParts<AppState> for KioskAccess {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let params = axum::extract::RawPathParams::from_request_parts(parts, state)
            .await
            .map_err(|e| match e {
                // `/api/offices/%ff/tickets`: the client's path, not our route, is wrong.
                axum::extract::rejection::RawPathParamsRejection::InvalidUtf8InPathParam(e) => {
                    Error::bad_request("invalid_path", e.body_text())
                }
                e => Error::Internal(format!("kiosk route without path parameters: {e}")),
            })?;
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
        Ok(KioskAccess(match device {
            Some(PairedDevice(d)) if d.office_id == office && d.kind == DeviceKind::Kiosk => {
                Caller::Device(d.id)
            }
            _ => Caller::Public,
        }))
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

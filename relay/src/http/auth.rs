//! Staff login: argon2id password hashes, opaque session tokens in an HttpOnly cookie.
//!
//! Only the SHA-256 of a session token is stored, so a copy of the database opens no session.

use crate::db::Pool;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::{FromRequestParts, State};
use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mado_wire::audit::AuditAction;
use mado_wire::{LoginRequest, Role, Session, StaffMe};
use rand::RngCore;

use crate::capability::{random_token, token_hash};
use crate::db::now_ms;
use crate::error::{Error, Json, Result};
use crate::state::AppState;
use crate::store;

/// Name of the session cookie.
pub const COOKIE_NAME: &str = "mado_session";
/// How long a staff session lasts: one working day.
const SESSION_MS: i64 = 12 * 3600 * 1000;
/// Longest accepted password, to bound hashing work.
const MAX_PASSWORD: usize = 256;

/// Hashes a password with argon2id and a random salt (PHC string format).
pub fn hash_password(password: &str) -> Result<String> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| Error::Internal(format!("salt: {e}")))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| Error::Internal(format!("hashing: {e}")))
}

fn verify_password(password: &str, phc: &str) -> bool {
    PasswordHash::new(phc).is_ok_and(|h| {
        Argon2::default()
            .verify_password(password.as_bytes(), &h)
            .is_ok()
    })
}

/// Creates the first admin account if there is no staff account at all. Returns the
/// generated password when `password` was `None`, so the caller can show it once.
pub async fn bootstrap_admin(pool: &Pool, password: Option<&str>) -> Result<Option<String>> {
    if store::sessions::staff_count(pool).await? > 0 {
        return Ok(None);
    }
    let (password, generated) = match password {
        Some(p) => (p.to_owned(), None),
        None => {
            let p = random_token()[..16].to_owned();
            (p.clone(), Some(p))
        }
    };
    let hash = tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::Internal(format!("hashing task: {e}")))??;
    store::sessions::insert_first_admin(pool, &hash).await?;
    Ok(generated)
}

/// 429 `account_locked`, for `ms` more.
fn locked(ms: i64) -> Error {
    let secs = u64::try_from((ms + 999) / 1000).unwrap_or(1).max(1);
    Error::Busy {
        code: "account_locked",
        message: format!(
            "this account is locked after wrong passwords for {secs} s more; an administrator can unlock it in 管理"
        ),
        retry_after_secs: secs,
    }
}

fn session_cookie(token: &str, max_age_secs: i64, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    let value = format!(
        "{COOKIE_NAME}={token}; HttpOnly; SameSite=Strict; Path=/; Max-Age={max_age_secs}{secure}"
    );
    HeaderValue::from_str(&value)
        .unwrap_or_else(|_| HeaderValue::from_static("mado_session=; Max-Age=0"))
}

fn cookie_token(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, COOKIE_NAME)
}

/// The value of cookie `name`, if the request carries it (and it is not empty).
pub(crate) fn cookie<'h>(headers: &'h HeaderMap, name: &str) -> Option<&'h str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, v)| *k == name && !v.is_empty())
        .map(|(_, v)| v)
}

pub(crate) async fn auth_login(
    State(state): State<AppState>,
    Json(req): Json<LoginRequest>,
) -> Result<Response> {
    if req.login.is_empty() || req.login.len() > 64 || req.password.len() > MAX_PASSWORD {
        return Err(Error::BadCredentials);
    }
    let account = store::sessions::credentials(&state.db, &req.login).await?;
    let now = now_ms();
    // A locked account takes no password (and costs no hashing) until its lock ends.
    if let Some(a) = &account
        && a.locked_until_ms > now
    {
        audit(&state, AuditAction::LoginLocked, Some(a.id), now, "").await?;
        return Err(locked(a.locked_until_ms - now));
    }
    // Verify against a real hash even for unknown logins, so timing does not tell which; on
    // the bounded pool, so that logins never slow the kiosks and counters.
    let phc = account
        .as_ref()
        .map_or_else(|| state.dummy_hash.to_string(), |a| a.phc.clone());
    let password = req.password;
    let ok = state
        .hashing
        .run(move || verify_password(&password, &phc))
        .await
        .ok_or_else(|| Error::Busy {
            code: "logins_busy",
            message: "too many logins are being checked at once; try again in a moment".into(),
            retry_after_secs: 2,
        })?
        .map_err(|e| Error::Internal(format!("verify task: {e}")))?;
    let Some(account) = account else {
        tracing::info!("staff login refused");
        // The login typed is not kept: it may be a password typed in the wrong field.
        audit(
            &state,
            AuditAction::LoginFailed,
            None,
            now,
            "登録のないログインID",
        )
        .await?;
        return Err(Error::BadCredentials);
    };
    let staff_id = account.id;
    if !ok {
        let (failed, until) =
            store::sessions::login_failed(&state.db, staff_id, now, crate::limits::lock_ms).await?;
        if until > 0 {
            tracing::warn!(
                staff_id,
                failed,
                lock_s = (until - now) / 1000,
                "staff account locked after wrong passwords"
            );
        } else {
            tracing::info!(staff_id, failed, "staff login refused");
        }
        let detail = if until > 0 {
            format!("{failed}回続けて誤り。{}秒ロック", (until - now) / 1000)
        } else {
            format!("{failed}回続けて誤り")
        };
        audit(
            &state,
            AuditAction::LoginFailed,
            Some(staff_id),
            now,
            &detail,
        )
        .await?;
        return Err(Error::BadCredentials);
    }
    if account.failed > 0 {
        store::sessions::login_reset(&state.db, staff_id).await?;
    }
    let token = random_token();
    store::sessions::start(
        &state.db,
        &token_hash(&token),
        staff_id,
        now,
        now + SESSION_MS,
    )
    .await?;
    tracing::info!(staff_id, "staff login");
    audit(&state, AuditAction::Login, Some(staff_id), now, "").await?;
    let me = store::sessions::me(&state.db, staff_id).await?;
    let mut response = Json(me).into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        session_cookie(&token, SESSION_MS / 1000, state.config.secure_cookies),
    );
    Ok(response)
}

/// Appends a login's entry to the audit trail.
async fn audit(
    state: &AppState,
    action: AuditAction,
    staff: Option<i64>,
    now: i64,
    detail: &str,
) -> Result<()> {
    let entry = store::audit::New::by(action, staff).detail(detail);
    store::audit::append(&state.db, now, &entry).await
}

pub(crate) async fn auth_logout(
    State(state): State<AppState>,
    headers: HeaderMap,
) -> Result<Response> {
    if let Some(token) = cookie_token(&headers)
        && let Some(staff_id) = store::sessions::end(&state.db, &token_hash(token)).await?
    {
        audit(&state, AuditAction::Logout, Some(staff_id), now_ms(), "").await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(
        SET_COOKIE,
        session_cookie("", 0, state.config.secure_cookies),
    );
    Ok(response)
}

pub(crate) async fn auth_me(staff: Staff) -> Json<StaffMe> {
    Json(staff.me)
}

/// `GET /api/auth/session`: the logged-in staff member, or `null`. Always 200, so a page
/// can ask "am I logged in?" without a failed request in the browser console.
pub(crate) async fn auth_session(staff: Option<Staff>) -> Json<Session> {
    Json(Session {
        staff: staff.map(|s| s.me),
    })
}

/// A logged-in staff member. As an extractor it refuses requests without a live session
/// with 401 and our JSON error body.
#[derive(Debug, Clone)]
pub struct Staff {
    pub id: i64,
    pub me: StaffMe,
}

impl axum::extract::OptionalFromRequestParts<AppState> for Staff {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Option<Self>> {
        match <Staff as FromRequestParts<AppState>>::from_request_parts(parts, state).await {
            Ok(staff) => Ok(Some(staff)),
            Err(Error::Unauthorized) => Ok(None),
            Err(e) => Err(e),
        }
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let token = cookie_token(&parts.headers).ok_or(Error::Unauthorized)?;
        let (id, me) = store::sessions::holder(&state.db, &token_hash(token), now_ms())
            .await?
            .ok_or(Error::Unauthorized)?;
        Ok(Staff { id, me })
    }
}

/// A logged-in staff member with the admin role; 403 for other staff, 401 for anyone else.
#[derive(Debug, Clone)]
pub struct Admin(pub Staff);

impl FromRequestParts<AppState> for Admin {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self> {
        let staff = <Staff as FromRequestParts<AppState>>::from_request_parts(parts, state).await?;
        if staff.me.role == Role::Admin {
            Ok(Admin(staff))
        } else {
            Err(Error::Forbidden(
                "this needs an administrator account".into(),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_argon2id_and_verify_only_the_right_password() {
        let phc = hash_password("正しい馬電池ホチキス").unwrap();
        assert!(phc.starts_with("$argon2id$"), "{phc}");
        assert!(verify_password("正しい馬電池ホチキス", &phc));
        assert!(!verify_password("wrong", &phc));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn the_session_cookie_is_http_only_and_same_site_strict() {
        let c = session_cookie("abc", 60, true);
        assert_eq!(
            c,
            "mado_session=abc; HttpOnly; SameSite=Strict; Path=/; Max-Age=60; Secure"
        );
    }

    #[test]
    fn the_session_token_is_found_among_other_cookies() {
        let mut h = HeaderMap::new();
        h.insert(
            COOKIE,
            HeaderValue::from_static("a=1; mado_session=tok; b=2"),
        );
        assert_eq!(cookie_token(&h), Some("tok"));
        assert_eq!(cookie_token(&HeaderMap::new()), None);
    }
}

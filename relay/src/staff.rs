//! Staff accounts, managed by admins in `/admin`: add (argon2id password), rename, change
//! role, set a new password, disable. An account is never deleted (guide records and status
//! histories name who made them); a disabled one cannot log in and its sessions end at once,
//! as they do when its password changes. The relay never leaves itself without an active
//! admin, and an admin cannot disable or demote themself.

use axum::extract::State;
use axum::http::StatusCode;
use mado_wire::Role;
use mado_wire::admin::{NewStaff, StaffAccount, StaffUpdate};
use sqlx::Row;

use crate::auth::{Admin, hash_password};
use crate::db::Writes;
use crate::error::{Error, Json, Path, Result};
use crate::state::AppState;

fn role_str(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Staff => "staff",
    }
}

fn invalid(problems: &[mado_wire::submission::FieldProblem]) -> Error {
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    Error::bad_request(
        "invalid_staff",
        format!("the account cannot be saved: {}", list.join("; ")),
    )
}

async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| Error::Internal(format!("hash task: {e}")))?
}

async fn accounts(state: &AppState, id: Option<i64>) -> Result<Vec<StaffAccount>> {
    let rows = sqlx::query(
        "SELECT id, login, display_name, role, disabled FROM staff WHERE $1 = 0 OR id = $1 ORDER BY disabled, login",
    )
    .bind(id.unwrap_or(0))
    .fetch_all(&state.db)
    .await?;
    rows.iter()
        .map(|r| {
            Ok(StaffAccount {
                id: r.try_get("id")?,
                login: r.try_get("login")?,
                display_name: r.try_get("display_name")?,
                role: match r.try_get::<String, _>("role")?.as_str() {
                    "admin" => Role::Admin,
                    _ => Role::Staff,
                },
                disabled: r.try_get::<i64, _>("disabled")? != 0,
            })
        })
        .collect()
}

/// `GET /api/staff` (admin): every account, active first.
pub(crate) async fn staff_list(
    _admin: Admin,
    State(state): State<AppState>,
) -> Result<Json<Vec<StaffAccount>>> {
    accounts(&state, None).await.map(Json)
}

/// `POST /api/staff` (admin): a new account.
pub(crate) async fn staff_create(
    Admin(admin): Admin,
    State(state): State<AppState>,
    Json(req): Json<NewStaff>,
) -> Result<(StatusCode, Json<StaffAccount>)> {
    let problems = req.problems();
    if !problems.is_empty() {
        return Err(invalid(&problems));
    }
    let phc = hash(req.password).await?;
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO staff (login, display_name, role, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (login) DO NOTHING RETURNING id",
    )
    .bind(&req.login)
    .bind(req.display_name.trim())
    .bind(role_str(req.role))
    .bind(phc)
    .fetch_optional(&state.db)
    .await?;
    let id = id.ok_or_else(|| {
        Error::Conflict(format!("login {:?} is taken; choose another", req.login))
    })?;
    tracing::info!(staff_id = admin.id, account = id, "staff account created");
    let account = accounts(&state, Some(id)).await?.pop();
    let account = account.ok_or_else(|| Error::Internal(format!("account {id} vanished")))?;
    Ok((StatusCode::CREATED, Json(account)))
}

/// `PUT /api/staff/{id}` (admin): changes what the body names.
pub(crate) async fn staff_update(
    Admin(admin): Admin,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(req): Json<StaffUpdate>,
) -> Result<Json<StaffAccount>> {
    let problems = req.problems();
    if !problems.is_empty() {
        return Err(invalid(&problems));
    }
    let demotes = req.role == Some(Role::Staff) || req.disabled == Some(true);
    if demotes && id == admin.id {
        return Err(Error::Conflict(
            "you cannot disable your own account or take away your own admin role; ask another admin"
                .into(),
        ));
    }
    let phc = match req.password {
        Some(p) => Some(hash(p).await?),
        None => None,
    };
    let (_guard, mut tx) = state.begin_write(&[Writes::Staff]).await?;
    let row = sqlx::query("SELECT role, disabled FROM staff WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut *tx)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no staff account with id {id}")))?;
    let was_admin =
        row.try_get::<String, _>("role")? == "admin" && row.try_get::<i64, _>("disabled")? == 0;
    if was_admin && demotes {
        let admins: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM staff WHERE role = 'admin' AND disabled = 0 AND id <> $1",
        )
        .bind(id)
        .fetch_one(&mut *tx)
        .await?;
        if admins == 0 {
            return Err(Error::Conflict(
                "this is the last active admin account; make another admin first".into(),
            ));
        }
    }
    if let Some(name) = &req.display_name {
        sqlx::query("UPDATE staff SET display_name = $2 WHERE id = $1")
            .bind(id)
            .bind(name.trim())
            .execute(&mut *tx)
            .await?;
    }
    if let Some(role) = req.role {
        sqlx::query("UPDATE staff SET role = $2 WHERE id = $1")
            .bind(id)
            .bind(role_str(role))
            .execute(&mut *tx)
            .await?;
    }
    if let Some(disabled) = req.disabled {
        sqlx::query("UPDATE staff SET disabled = $2 WHERE id = $1")
            .bind(id)
            .bind(i64::from(disabled))
            .execute(&mut *tx)
            .await?;
    }
    if let Some(phc) = &phc {
        sqlx::query("UPDATE staff SET password_hash = $2 WHERE id = $1")
            .bind(id)
            .bind(phc)
            .execute(&mut *tx)
            .await?;
    }
    // A new password or a disabled account: every session of it ends now.
    if phc.is_some() || req.disabled == Some(true) {
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
            .bind(id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    tracing::info!(
        staff_id = admin.id,
        account = id,
        password_changed = phc.is_some(),
        "staff account changed"
    );
    let account = accounts(&state, Some(id)).await?.pop();
    account
        .map(Json)
        .ok_or_else(|| Error::Internal(format!("account {id} vanished")))
}

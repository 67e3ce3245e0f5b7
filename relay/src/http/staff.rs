//! Staff accounts, managed by admins in `/admin`: add (argon2id password), rename, change
//! role, set a new password, disable. An account is never deleted (guide records and status
//! histories name who made them); a disabled one cannot log in and its sessions end at once,
//! as they do when its password changes. The relay never leaves itself without an active
//! admin, and an admin cannot disable or demote themself.

use axum::extract::State;
use axum::http::StatusCode;
use mado_wire::Role;
use mado_wire::admin::{NewStaff, StaffAccount, StaffUpdate};
use mado_wire::audit::AuditAction;

use crate::db::{Writes, now_ms};
use crate::error::{Error, Json, Path, Result};
use crate::http::auth::{Admin, hash_password};
use crate::state::AppState;
use crate::store;

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

/// `GET /api/staff` (admin): every account, active first.
pub(crate) async fn staff_list(
    _admin: Admin,
    State(state): State<AppState>,
) -> Result<Json<Vec<StaffAccount>>> {
    store::staff::accounts(&state.db, None).await.map(Json)
}

/// `POST /api/staff` (admin): a new account.
pub(crate) async fn staff_create(
    Admin(admin): Admin,
    State(state): State<AppState>,
    Json(mut req): Json<NewStaff>,
) -> Result<(StatusCode, Json<StaffAccount>)> {
    let problems = req.problems();
    if !problems.is_empty() {
        return Err(invalid(&problems));
    }
    let phc = hash(std::mem::take(&mut req.password)).await?;
    let id = store::staff::insert(&state.db, &req, &phc).await?;
    tracing::info!(staff_id = admin.id, account = id, "staff account created");
    let entry = store::audit::New::by(AuditAction::StaffCreated, Some(admin.id))
        .target("staff", id)
        .detail(format!("権限: {}", role_ja(req.role)));
    store::audit::append(&state.db, now_ms(), &entry).await?;
    let account = store::staff::accounts(&state.db, Some(id)).await?.pop();
    let account = account.ok_or_else(|| Error::Internal(format!("account {id} vanished")))?;
    Ok((StatusCode::CREATED, Json(account)))
}

/// 管理者 or 職員, as the audit trail says it.
fn role_ja(role: Role) -> &'static str {
    match role {
        Role::Admin => "管理者",
        Role::Staff => "職員",
    }
}

/// `PUT /api/staff/{id}` (admin): changes what the body names.
pub(crate) async fn staff_update(
    Admin(admin): Admin,
    State(state): State<AppState>,
    Path(id): Path<i64>,
    Json(mut req): Json<StaffUpdate>,
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
    let phc = match req.password.take() {
        Some(p) => Some(hash(p).await?),
        None => None,
    };
    let (_guard, mut tx) = state.begin_write(&[Writes::Staff]).await?;
    let was_admin = store::staff::active_admin(&mut tx, id)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no staff account with id {id}")))?;
    if was_admin && demotes && store::staff::other_active_admins(&mut tx, id).await? == 0 {
        return Err(Error::Conflict(
            "this is the last active admin account; make another admin first".into(),
        ));
    }
    store::staff::apply(&mut tx, id, &req, phc.as_deref()).await?;
    tx.commit().await?;
    // Which fields changed, never their values (a name, a password).
    let mut changed = Vec::new();
    if req.display_name.is_some() {
        changed.push("表示名".to_owned());
    }
    if let Some(r) = req.role {
        changed.push(format!("権限: {}", role_ja(r)));
    }
    match req.disabled {
        Some(true) => changed.push("無効にした".to_owned()),
        Some(false) => changed.push("有効にした".to_owned()),
        None => {}
    }
    if phc.is_some() {
        changed.push("パスワード".to_owned());
    }
    if req.unlock == Some(true) {
        changed.push("ロック解除".to_owned());
    }
    let entry = store::audit::New::by(AuditAction::StaffUpdated, Some(admin.id))
        .target("staff", id)
        .detail(changed.join("、"));
    store::audit::append(&state.db, now_ms(), &entry).await?;
    tracing::info!(
        staff_id = admin.id,
        account = id,
        password_changed = phc.is_some(),
        "staff account changed"
    );
    let account = store::staff::accounts(&state.db, Some(id)).await?.pop();
    account
        .map(Json)
        .ok_or_else(|| Error::Internal(format!("account {id} vanished")))
}

//! Staff accounts as stored. An account is never deleted; a new password or a disabled
//! account ends its sessions in the same transaction.

use mado_wire::Role;
use mado_wire::admin::{NewStaff, StaffAccount, StaffUpdate};
use sqlx::{Any, Row, Transaction};

use crate::db::Pool;
use crate::error::{Error, Result};

fn role_str(role: Role) -> &'static str {
    match role {
        Role::Admin => "admin",
        Role::Staff => "staff",
    }
}

/// A role as stored: `admin`, anything else is staff.
pub(crate) fn role_from_db(role: &str) -> Role {
    match role {
        "admin" => Role::Admin,
        _ => Role::Staff,
    }
}

/// Every account (active first, then by login), or the one with `id`.
pub(crate) async fn accounts(db: &Pool, id: Option<i64>) -> Result<Vec<StaffAccount>> {
    let rows = sqlx::query(
        "SELECT id, login, display_name, role, disabled, locked_until_ms FROM staff WHERE $1 = 0 OR id = $1 ORDER BY disabled, login",
    )
    .bind(id.unwrap_or(0))
    .fetch_all(db)
    .await?;
    let now = crate::db::now_ms();
    rows.iter()
        .map(|r| {
            Ok(StaffAccount {
                id: r.try_get("id")?,
                login: r.try_get("login")?,
                display_name: r.try_get("display_name")?,
                role: role_from_db(&r.try_get::<String, _>("role")?),
                disabled: r.try_get::<i64, _>("disabled")? != 0,
                locked_until_ms: Some(r.try_get::<i64, _>("locked_until_ms")?)
                    .filter(|&until| until > now),
            })
        })
        .collect()
}

/// Stores a new account with password hash `phc`; a login already taken is a conflict.
pub(crate) async fn insert(db: &Pool, new: &NewStaff, phc: &str) -> Result<i64> {
    let id: Option<i64> = sqlx::query_scalar(
        "INSERT INTO staff (login, display_name, role, password_hash) VALUES ($1, $2, $3, $4) ON CONFLICT (login) DO NOTHING RETURNING id",
    )
    .bind(&new.login)
    .bind(new.display_name.trim())
    .bind(role_str(new.role))
    .bind(phc)
    .fetch_optional(db)
    .await?;
    id.ok_or_else(|| Error::Conflict(format!("login {:?} is taken; choose another", new.login)))
}

/// Whether account `id` is an active admin; `None` if there is no such account.
pub(crate) async fn active_admin(tx: &mut Transaction<'_, Any>, id: i64) -> Result<Option<bool>> {
    let row = sqlx::query("SELECT role, disabled FROM staff WHERE id = $1")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    row.map(|r| {
        Ok(r.try_get::<String, _>("role")? == "admin" && r.try_get::<i64, _>("disabled")? == 0)
    })
    .transpose()
}

/// How many active admins there are besides account `id`.
pub(crate) async fn other_active_admins(tx: &mut Transaction<'_, Any>, id: i64) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM staff WHERE role = 'admin' AND disabled = 0 AND id <> $1",
    )
    .bind(id)
    .fetch_one(&mut **tx)
    .await?)
}

/// Writes what `update` names (with `phc`, the new password's hash); a new password or a
/// disabled account ends every session of it.
pub(crate) async fn apply(
    tx: &mut Transaction<'_, Any>,
    id: i64,
    update: &StaffUpdate,
    phc: Option<&str>,
) -> Result<()> {
    if let Some(name) = &update.display_name {
        sqlx::query("UPDATE staff SET display_name = $2 WHERE id = $1")
            .bind(id)
            .bind(name.trim())
            .execute(&mut **tx)
            .await?;
    }
    if let Some(role) = update.role {
        sqlx::query("UPDATE staff SET role = $2 WHERE id = $1")
            .bind(id)
            .bind(role_str(role))
            .execute(&mut **tx)
            .await?;
    }
    if let Some(disabled) = update.disabled {
        sqlx::query("UPDATE staff SET disabled = $2 WHERE id = $1")
            .bind(id)
            .bind(i64::from(disabled))
            .execute(&mut **tx)
            .await?;
    }
    if let Some(phc) = phc {
        sqlx::query("UPDATE staff SET password_hash = $2 WHERE id = $1")
            .bind(id)
            .bind(phc)
            .execute(&mut **tx)
            .await?;
    }
    if phc.is_some() || update.unlock == Some(true) {
        sqlx::query("UPDATE staff SET failed_logins = 0, locked_until_ms = 0 WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    if phc.is_some() || update.disabled == Some(true) {
        sqlx::query("DELETE FROM sessions WHERE staff_id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

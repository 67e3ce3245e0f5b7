//! Staff sessions as stored (only the SHA-256 of a session token) and what a login reads.

use mado_wire::StaffMe;
use sqlx::Row;

use crate::db::Pool;
use crate::error::Result;

fn me_from_row(row: &sqlx::any::AnyRow) -> StaffMe {
    StaffMe {
        login: row.get("login"),
        display_name: row.get("display_name"),
        role: super::staff::role_from_db(&row.get::<String, _>("role")),
    }
}

/// How many staff accounts there are, disabled ones included.
pub(crate) async fn staff_count(db: &Pool) -> Result<i64> {
    Ok(sqlx::query_scalar("SELECT COUNT(*) FROM staff")
        .fetch_one(db)
        .await?)
}

/// Stores the first admin account, `admin`, with password hash `phc`.
pub(crate) async fn insert_first_admin(db: &Pool, phc: &str) -> Result<()> {
    sqlx::query("INSERT INTO staff (login, display_name, role, password_hash) VALUES ('admin', '管理者', 'admin', $1)")
        .bind(phc)
        .execute(db)
        .await?;
    Ok(())
}

/// The id and password hash of the active account `login`.
pub(crate) async fn credentials(db: &Pool, login: &str) -> Result<Option<Credentials>> {
    let row: Option<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT id, password_hash, failed_logins, locked_until_ms FROM staff WHERE login = $1 AND disabled = 0",
    )
    .bind(login)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|(id, phc, failed, locked_until_ms)| Credentials {
        id,
        phc,
        failed,
        locked_until_ms,
    }))
}

/// An active account's password hash and its wrong passwords in a row.
#[derive(Debug, Clone)]
pub(crate) struct Credentials {
    pub id: i64,
    pub phc: String,
    pub failed: i64,
    pub locked_until_ms: i64,
}

/// Counts one more wrong password for `id`; returns the new count. `lock_ms(count)` says
/// until when the account is locked (0: not). One statement, so that logins racing on
/// several relays all count.
pub(crate) async fn login_failed(
    db: &Pool,
    id: i64,
    now: i64,
    lock_ms: impl Fn(i64) -> i64,
) -> Result<(i64, i64)> {
    let failed: i64 = sqlx::query_scalar(
        "UPDATE staff SET failed_logins = failed_logins + 1 WHERE id = $1 RETURNING failed_logins",
    )
    .bind(id)
    .fetch_one(db)
    .await?;
    let lock = lock_ms(failed);
    let until = if lock > 0 { now + lock } else { 0 };
    if until > 0 {
        sqlx::query("UPDATE staff SET locked_until_ms = $1 WHERE id = $2")
            .bind(until)
            .bind(id)
            .execute(db)
            .await?;
    }
    Ok((failed, until))
}

/// A right password, or an admin lifting the lock: the count starts again.
pub(crate) async fn login_reset(db: &Pool, id: i64) -> Result<()> {
    sqlx::query("UPDATE staff SET failed_logins = 0, locked_until_ms = 0 WHERE id = $1 AND (failed_logins <> 0 OR locked_until_ms <> 0)")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// Starts a session of `staff_id` until `expires_at_ms`, and deletes the ones that ended.
pub(crate) async fn start(
    db: &Pool,
    token_hash: &str,
    staff_id: i64,
    now: i64,
    expires_at_ms: i64,
) -> Result<()> {
    sqlx::query("INSERT INTO sessions (token_hash, staff_id, created_at_ms, expires_at_ms) VALUES ($1, $2, $3, $4)")
        .bind(token_hash)
        .bind(staff_id)
        .bind(now)
        .bind(expires_at_ms)
        .execute(db)
        .await?;
    sqlx::query("DELETE FROM sessions WHERE expires_at_ms < $1")
        .bind(now)
        .execute(db)
        .await?;
    Ok(())
}

/// Ends the session whose token hashes to `token_hash` (if there is one); returns whose it was.
pub(crate) async fn end(db: &Pool, token_hash: &str) -> Result<Option<i64>> {
    Ok(
        sqlx::query_scalar("DELETE FROM sessions WHERE token_hash = $1 RETURNING staff_id")
            .bind(token_hash)
            .fetch_optional(db)
            .await?,
    )
}

/// Who staff member `staff_id` is.
pub(crate) async fn me(db: &Pool, staff_id: i64) -> Result<StaffMe> {
    let row = sqlx::query("SELECT login, display_name, role FROM staff WHERE id = $1")
        .bind(staff_id)
        .fetch_one(db)
        .await?;
    Ok(me_from_row(&row))
}

/// The live session whose token hashes to `token_hash` at `now`, and who holds it (an active
/// account), in one query: every staff request asks.
pub(crate) async fn holder(
    db: &Pool,
    token_hash: &str,
    now: i64,
) -> Result<Option<(i64, StaffMe)>> {
    let row = sqlx::query(
        "SELECT s.staff_id, staff.login, staff.display_name, staff.role FROM sessions s JOIN staff ON staff.id = s.staff_id WHERE s.token_hash = $1 AND s.expires_at_ms > $2 AND staff.disabled = 0",
    )
    .bind(token_hash)
    .bind(now)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| (r.get("staff_id"), me_from_row(&r))))
}

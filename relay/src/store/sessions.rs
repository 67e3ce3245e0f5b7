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
pub(crate) async fn credentials(db: &Pool, login: &str) -> Result<Option<(i64, String)>> {
    Ok(
        sqlx::query_as("SELECT id, password_hash FROM staff WHERE login = $1 AND disabled = 0")
            .bind(login)
            .fetch_optional(db)
            .await?,
    )
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

/// Ends the session whose token hashes to `token_hash` (if there is one).
pub(crate) async fn end(db: &Pool, token_hash: &str) -> Result<()> {
    sqlx::query("DELETE FROM sessions WHERE token_hash = $1")
        .bind(token_hash)
        .execute(db)
        .await?;
    Ok(())
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

//! Kiosks and displays as stored, and each office's kiosk policy. Only hashes of pairing
//! codes and device tokens are kept.

use mado_wire::device::{Device, DeviceKind, KioskPolicy};
use sqlx::any::AnyRow;
use sqlx::{Any, Row, Transaction};

use crate::db::{Dialect, Pool};
use crate::error::{Error, Result};

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

/// Whether `office` takes tickets only at its kiosks.
pub(crate) async fn kiosks_only(db: &Pool, office: &str) -> Result<bool> {
    let only: i64 = sqlx::query_scalar("SELECT kiosks_only FROM offices WHERE id = $1")
        .bind(office)
        .fetch_one(db)
        .await?;
    Ok(only == 1)
}

/// The office's kiosk policy: kiosks only or not, and how many kiosks are paired.
pub(crate) async fn policy(db: &Pool, office: &str) -> Result<KioskPolicy> {
    let kiosks_only = kiosks_only(db, office).await?;
    let paired: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM devices WHERE office_id = $1 AND kind = 'kiosk' AND paired_at_ms IS NOT NULL AND revoked_at_ms IS NULL",
    )
    .bind(office)
    .fetch_one(db)
    .await?;
    Ok(KioskPolicy {
        kiosks_only,
        paired_kiosks: u32::try_from(paired).unwrap_or(u32::MAX),
    })
}

/// Sets whether `office` takes tickets only at its kiosks, and tells every relay its settings
/// changed (`offices::config_changed`).
pub(crate) async fn set_kiosks_only(
    tx: &mut Transaction<'_, Any>,
    dialect: Dialect,
    office: &str,
    on: bool,
) -> Result<()> {
    sqlx::query("UPDATE offices SET kiosks_only = $2 WHERE id = $1")
        .bind(office)
        .bind(i64::from(on))
        .execute(&mut **tx)
        .await?;
    super::offices::config_changed(tx, dialect, office).await
}

/// Stores a new device waiting to be paired with the code whose hash is `pairing_hash`.
pub(crate) async fn insert(
    db: &Pool,
    office: &str,
    kind: DeviceKind,
    label: &str,
    now: i64,
    pairing_hash: &str,
    pairing_expires_ms: i64,
) -> Result<i64> {
    Ok(sqlx::query_scalar(
        "INSERT INTO devices (office_id, kind, label, created_at_ms, pairing_hash, pairing_expires_ms) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(office)
    .bind(kind.as_str())
    .bind(label)
    .bind(now)
    .bind(pairing_hash)
    .bind(pairing_expires_ms)
    .fetch_one(db)
    .await?)
}

/// The device with `id`.
pub(crate) async fn by_id(db: &Pool, id: i64) -> Result<Device> {
    let sql = sqlx::AssertSqlSafe(format!("SELECT {COLUMNS} FROM devices WHERE id = $1"));
    let row = sqlx::query(sql)
        .bind(id)
        .fetch_optional(db)
        .await?
        .ok_or_else(|| Error::NotFound(format!("no device with id {id}")))?;
    device_of(&row)
}

/// Every device of `office`, by kind and label.
pub(crate) async fn of_office(db: &Pool, office: &str) -> Result<Vec<Device>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM devices WHERE office_id = $1 ORDER BY kind, label, id"
    ));
    let rows = sqlx::query(sql).bind(office).fetch_all(db).await?;
    rows.iter().map(device_of).collect()
}

/// The unrevoked device whose token hashes to `token_hash`, if any.
pub(crate) async fn by_token(db: &Pool, token_hash: &str) -> Result<Option<Device>> {
    let sql = sqlx::AssertSqlSafe(format!(
        "SELECT {COLUMNS} FROM devices WHERE token_hash = $1 AND revoked_at_ms IS NULL"
    ));
    let row = sqlx::query(sql).bind(token_hash).fetch_optional(db).await?;
    row.as_ref().map(device_of).transpose()
}

/// Notes that device `id` was seen at `now`: at most once a minute, to keep writes rare.
pub(crate) async fn seen(db: &Pool, id: i64, now: i64) -> Result<()> {
    sqlx::query("UPDATE devices SET last_seen_ms = $1 WHERE id = $2 AND (last_seen_ms IS NULL OR last_seen_ms < $3)")
        .bind(now)
        .bind(id)
        .bind(now - 60_000)
        .execute(db)
        .await?;
    Ok(())
}

/// Revokes device `id` (its token and any pairing code stop working); `false` if it was
/// revoked already or does not exist.
pub(crate) async fn revoke(db: &Pool, id: i64, now: i64) -> Result<bool> {
    let done = sqlx::query(
        "UPDATE devices SET revoked_at_ms = $1, token_hash = NULL, pairing_hash = NULL WHERE id = $2 AND revoked_at_ms IS NULL",
    )
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A device paired: its id, office and kind.
#[derive(Debug, Clone)]
pub(crate) struct Paired {
    pub id: i64,
    pub office: String,
    pub kind: String,
}

/// Pairs the device waiting for the code hashing to `code_hash` (unexpired, unrevoked) with
/// the token hashing to `token_hash`; `None` if no device waits for that code.
pub(crate) async fn pair(
    tx: &mut Transaction<'_, Any>,
    code_hash: &str,
    token_hash: &str,
    now: i64,
) -> Result<Option<Paired>> {
    let paired: Option<(i64, String, String)> = sqlx::query_as(
        "UPDATE devices SET token_hash = $1, pairing_hash = NULL, pairing_expires_ms = NULL, paired_at_ms = $2, last_seen_ms = $2 WHERE pairing_hash = $3 AND pairing_expires_ms > $2 AND revoked_at_ms IS NULL RETURNING id, office_id, kind",
    )
    .bind(token_hash)
    .bind(now)
    .bind(code_hash)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(paired.map(|(id, office, kind)| Paired { id, office, kind }))
}

//! The audit trail as stored: one row per entry, appended and never changed (the database
//! refuses an UPDATE: migration 0028), deleted only past the retention period.

use mado_wire::audit::{AuditAction, AuditEntry};
use sqlx::Row;

use crate::db::Pool;
use crate::error::{Error, Result};

/// An entry to append: what, by whom, about which office and thing. `target` and `detail`
/// hold ids and the relay's own words, never personal data.
#[derive(Debug, Clone)]
pub(crate) struct New<'a> {
    pub action: AuditAction,
    pub staff: Option<i64>,
    pub office: Option<&'a str>,
    pub target: String,
    pub detail: String,
}

impl<'a> New<'a> {
    /// `action` by staff member `staff`.
    pub(crate) fn by(action: AuditAction, staff: Option<i64>) -> Self {
        Self {
            action,
            staff,
            office: None,
            target: String::new(),
            detail: String::new(),
        }
    }

    pub(crate) fn office(mut self, office: &'a str) -> Self {
        self.office = Some(office);
        self
    }

    /// What it was done to, as `kind:id`.
    pub(crate) fn target(mut self, kind: &str, id: impl std::fmt::Display) -> Self {
        self.target = format!("{kind}:{id}");
        self
    }

    pub(crate) fn detail(mut self, detail: impl Into<String>) -> Self {
        self.detail = detail.into();
        self
    }
}

/// Appends `entry` at `now`.
pub(crate) async fn append(db: &Pool, now: i64, entry: &New<'_>) -> Result<()> {
    sqlx::query(
        "INSERT INTO audit (at_ms, action, staff_id, office_id, target, detail) VALUES ($1, $2, $3, $4, $5, $6)",
    )
    .bind(now)
    .bind(entry.action.as_str())
    .bind(entry.staff)
    .bind(entry.office)
    .bind(&entry.target)
    .bind(&entry.detail)
    .execute(db)
    .await?;
    Ok(())
}

/// Which entries to list: a span of time, and optionally one staff member (0: any), one
/// action (`None`: any) and one office (empty: any).
#[derive(Debug, Clone)]
pub(crate) struct Filter {
    pub from_ms: i64,
    pub until_ms: i64,
    pub staff: i64,
    pub action: Option<AuditAction>,
    pub office: String,
}

/// The newest `limit` entries the filter lets through, newest first, with each staff
/// member's login as it is now.
pub(crate) async fn newest(db: &Pool, f: &Filter, limit: i64) -> Result<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT a.id, a.at_ms, a.action, a.staff_id, s.login, a.office_id, a.target, a.detail
         FROM audit a LEFT JOIN staff s ON s.id = a.staff_id
         WHERE a.at_ms >= $1 AND a.at_ms < $2
           AND ($3 = 0 OR a.staff_id = $3) AND ($4 = '' OR a.action = $4)
           AND ($5 = '' OR a.office_id = $5)
         ORDER BY a.at_ms DESC, a.id DESC LIMIT $6",
    )
    .bind(f.from_ms)
    .bind(f.until_ms)
    .bind(f.staff)
    .bind(f.action.map_or("", AuditAction::as_str))
    .bind(&f.office)
    .bind(limit)
    .fetch_all(db)
    .await?;
    rows.iter()
        .map(|r| {
            let action: String = r.try_get("action")?;
            Ok(AuditEntry {
                id: r.try_get("id")?,
                at_ms: r.try_get("at_ms")?,
                action: AuditAction::parse(&action).ok_or_else(|| {
                    Error::Internal(format!("audit entry with an unknown action {action:?}"))
                })?,
                staff_id: r.try_get("staff_id")?,
                staff_login: r.try_get("login")?,
                office_id: r.try_get("office_id")?,
                target: r.try_get("target")?,
                detail: r.try_get("detail")?,
            })
        })
        .collect()
}

/// Deletes the entries made before `before_ms`; returns how many.
pub(crate) async fn purge_before(db: &Pool, before_ms: i64) -> Result<u64> {
    Ok(sqlx::query("DELETE FROM audit WHERE at_ms < $1")
        .bind(before_ms)
        .execute(db)
        .await?
        .rows_affected())
}

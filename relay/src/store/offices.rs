//! Offices: their ids, and what every relay must hear of an office's settings.

use sqlx::{Any, Transaction};

use crate::db::{Dialect, Pool};
use crate::error::Result;

/// With PostgreSQL, tells every relay (`mado_config`, at commit) that `office`'s settings
/// changed, so each reads them again (`events::follow_postgres`). With SQLite there is one
/// relay, which forgets them itself.
pub(crate) async fn config_changed(
    tx: &mut Transaction<'_, Any>,
    dialect: Dialect,
    office: &str,
) -> Result<()> {
    if dialect == Dialect::Postgres {
        sqlx::query("SELECT pg_notify('mado_config', $1)")
            .bind(office)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Every office's id, in order.
pub(crate) async fn ids(db: &Pool) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar("SELECT id FROM offices ORDER BY id")
        .fetch_all(db)
        .await?)
}

/// The office of counter `counter` (retired counters included).
pub(crate) async fn of_counter(db: &Pool, counter: i64) -> Result<Option<String>> {
    Ok(
        sqlx::query_scalar("SELECT office_id FROM counters WHERE id = $1")
            .bind(counter)
            .fetch_optional(db)
            .await?,
    )
}

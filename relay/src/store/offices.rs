//! What every relay must hear of an office's settings.

use sqlx::{Any, Transaction};

use crate::db::Dialect;
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

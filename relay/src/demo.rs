//! The demo office (`relay/demo/office.json`) with weekday hours and bookable slots, loaded
//! on the first start of an empty database.

use crate::db::{self, Pool};
use crate::error::{Error, Result};

/// Loads the demo office if the database has no office yet. Returns whether it did.
pub async fn seed_demo(pool: &Pool) -> Result<bool> {
    let offices: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM offices")
        .fetch_one(pool)
        .await?;
    if offices > 0 {
        return Ok(false);
    }
    let office: mado_wire::Office = serde_json::from_str(db::DEMO_OFFICE)
        .map_err(|e| Error::Internal(format!("relay/demo/office.json: {e}")))?;
    db::insert_office(pool, &office).await?;
    crate::store::reservations::seed_demo_bookings(pool, &office).await?;
    Ok(true)
}

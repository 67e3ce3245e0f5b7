//! What the relay keeps in its database, one module per resource, below the routes that use it.

pub(crate) mod audit;
pub(crate) mod devices;
pub(crate) mod events;
pub(crate) mod handovers;
pub(crate) mod offices;
pub(crate) mod records;
pub(crate) mod reservations;
pub(crate) mod sessions;
pub(crate) mod settings;
pub(crate) mod staff;
pub(crate) mod submissions;
pub(crate) mod tickets;

/// The tables whose rows a request with an `Idempotency-Key` creates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Keyed {
    Tickets,
    Reservations,
    Submissions,
    GuideRecords,
}

/// Whether `key` created a row of `table` at `office` before: for the same request, true; for
/// another request, 422 `idempotency_key_reused` ([`crate::headers::Idempotency`]).
pub(crate) async fn key_used(
    conn: &mut sqlx::AnyConnection,
    table: Keyed,
    office: &str,
    key: &crate::headers::Idempotency,
) -> crate::error::Result<bool> {
    let sql = match table {
        Keyed::Tickets => {
            "SELECT idempotency_request FROM tickets WHERE office_id = $1 AND idempotency_key = $2"
        }
        Keyed::Reservations => {
            "SELECT idempotency_request FROM reservations WHERE office_id = $1 AND idempotency_key = $2"
        }
        Keyed::Submissions => {
            "SELECT idempotency_request FROM submissions WHERE office_id = $1 AND idempotency_key = $2"
        }
        Keyed::GuideRecords => {
            "SELECT idempotency_request FROM guide_records WHERE office_id = $1 AND idempotency_key = $2"
        }
    };
    let stored: Option<Option<String>> = sqlx::query_scalar(sql)
        .bind(office)
        .bind(key.key())
        .fetch_optional(conn)
        .await?;
    match stored {
        None => Ok(false),
        Some(request) => key.same_request(request.as_deref()).map(|()| true),
    }
}

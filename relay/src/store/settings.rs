//! An office's configuration as stored: names, services with their booking rules, counters
//! and the opening calendar. Saving retires what was left out, and refuses to retire a
//! service or counter that still has residents waiting, being served or booked.

use mado_wire::admin::{BookingRule, CounterSettings, OfficeSettings, ServiceSettings};
use mado_wire::calendar::OfficeCalendar;
use sqlx::{Any, Transaction};

use crate::db::{self, Dialect, Pool};
use crate::error::{Error, Result};

fn invalid(message: String) -> Error {
    Error::bad_request("invalid_settings", message)
}

/// The settings of `office` as stored.
pub(crate) async fn load(db: &Pool, office: &str) -> Result<OfficeSettings> {
    let o = db::load_office(db, office).await?;
    let rules: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT service_id, minutes, capacity, horizon_days, lead_minutes FROM slot_rules WHERE office_id = $1",
    )
    .bind(office)
    .fetch_all(db)
    .await?;
    let calendar = match db::load_calendar(db, office).await? {
        Some(c) => c,
        // An office loaded without hours: shown closed every day until hours are set.
        None => OfficeCalendar {
            weekly: Default::default(),
            closed_on_holidays: true,
            closed_year_end: true,
            closed: Vec::new(),
            extra: Vec::new(),
        },
    };
    let n = |v: i64| u32::try_from(v).unwrap_or(u32::MAX);
    Ok(OfficeSettings {
        names: o.names,
        id: o.id,
        name: o.name,
        name_en: o.name_en,
        address: o.address,
        phone: o.phone,
        head: o.head,
        services: o
            .services
            .into_iter()
            .map(|s| ServiceSettings {
                names: s.names,
                booking: rules.iter().find(|r| r.0 == s.id).map(
                    |&(_, minutes, capacity, horizon, lead)| BookingRule {
                        minutes: u16::try_from(minutes).unwrap_or(u16::MAX),
                        capacity: n(capacity),
                        horizon_days: n(horizon),
                        lead_minutes: n(lead),
                    },
                ),
                id: s.id,
                prefix: s.prefix,
                name: s.name,
                name_en: s.name_en,
                avg_service_secs: s.avg_service_secs,
                walk_in_cutoff_minutes: s.walk_in_cutoff_minutes,
            })
            .collect(),
        counters: o
            .counters
            .into_iter()
            .map(|c| CounterSettings {
                names: c.names,
                id: Some(c.id),
                label: c.label,
                label_en: c.label_en,
                service_ids: c.service_ids,
            })
            .collect(),
        calendar,
    })
}

/// Stores `settings` (checked already) inside `tx`, which holds the settings', the office's
/// queue and bookings' locks, creating the office when `create`; `today` is the office-local
/// day (`YYYY-MM-DD`) from which bookings and tickets count as current.
pub(crate) async fn save_in(
    tx: &mut Transaction<'static, Any>,
    dialect: Dialect,
    settings: &OfficeSettings,
    create: bool,
    today: &str,
) -> Result<()> {
    let office = settings.id.as_str();
    let exists: Option<String> = sqlx::query_scalar("SELECT id FROM offices WHERE id = $1")
        .bind(office)
        .fetch_optional(&mut **tx)
        .await?;
    match (create, exists.is_some()) {
        (true, true) => {
            return Err(Error::Conflict(format!(
                "an office with id {office:?} exists already"
            )));
        }
        (false, false) => return Err(Error::NotFound(format!("no office with id {office:?}"))),
        (true, false) => {
            sqlx::query("INSERT INTO offices (id, name, name_en, address, phone, head, names) VALUES ($1, $2, $3, $4, $5, $6, $7)")
                .bind(office)
                .bind(&settings.name)
                .bind(&settings.name_en)
                .bind(settings.address.trim())
                .bind(settings.phone.trim())
                .bind(settings.head.trim())
                .bind(db::names_json(&settings.names))
                .execute(&mut **tx)
                .await?;
        }
        (false, true) => {
            sqlx::query("UPDATE offices SET name = $2, name_en = $3, address = $4, phone = $5, head = $6, names = $7 WHERE id = $1")
                .bind(office)
                .bind(&settings.name)
                .bind(&settings.name_en)
                .bind(settings.address.trim())
                .bind(settings.phone.trim())
                .bind(settings.head.trim())
                .bind(db::names_json(&settings.names))
                .execute(&mut **tx)
                .await?;
        }
    }
    save_services(tx, office, &settings.services, today).await?;
    save_counters(tx, office, &settings.counters).await?;
    let calendar = serde_json::to_string(&settings.calendar)
        .map_err(|e| Error::Internal(format!("calendar: {e}")))?;
    sqlx::query("INSERT INTO office_calendars (office_id, calendar) VALUES ($1, $2) ON CONFLICT (office_id) DO UPDATE SET calendar = excluded.calendar")
        .bind(office)
        .bind(calendar)
        .execute(&mut **tx)
        .await?;
    super::offices::config_changed(tx, dialect, office).await?;
    Ok(())
}

async fn save_services(
    tx: &mut Transaction<'static, Any>,
    office: &str,
    services: &[ServiceSettings],
    today: &str,
) -> Result<()> {
    let stored: Vec<(String, i64)> =
        sqlx::query_as("SELECT id, retired FROM services WHERE office_id = $1")
            .bind(office)
            .fetch_all(&mut **tx)
            .await?;
    for (id, retired) in &stored {
        if *retired != 0 || services.iter().any(|s| &s.id == id) {
            continue;
        }
        let busy: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM tickets WHERE office_id = $1 AND service_id = $2 AND day = $3 AND status IN ('waiting', 'called')")
            .bind(office)
            .bind(id)
            .bind(today)
            .fetch_one(&mut **tx)
            .await?;
        if busy > 0 {
            return Err(Error::Conflict(format!(
                "service {id:?} still has {busy} ticket(s) waiting or at a counter today; it can be removed once they are served"
            )));
        }
        let booked: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM reservations WHERE office_id = $1 AND service_id = $2 AND day >= $3 AND status = 'booked'")
            .bind(office)
            .bind(id)
            .bind(today)
            .fetch_one(&mut **tx)
            .await?;
        if booked > 0 {
            return Err(Error::Conflict(format!(
                "service {id:?} has {booked} booking(s) from today on; cancel or move them before removing it"
            )));
        }
        sqlx::query("UPDATE services SET retired = 1 WHERE office_id = $1 AND id = $2")
            .bind(office)
            .bind(id)
            .execute(&mut **tx)
            .await?;
        sqlx::query("DELETE FROM slot_rules WHERE office_id = $1 AND service_id = $2")
            .bind(office)
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    for (sort, s) in services.iter().enumerate() {
        let known = stored.iter().any(|(id, _)| id == &s.id);
        let sql = if known {
            "UPDATE services SET prefix = $3, name = $4, name_en = $5, avg_service_secs = $6, sort = $7, walk_in_cutoff_minutes = $8, names = $9, retired = 0 WHERE office_id = $1 AND id = $2"
        } else {
            "INSERT INTO services (office_id, id, prefix, name, name_en, avg_service_secs, sort, walk_in_cutoff_minutes, names) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)"
        };
        sqlx::query(sql)
            .bind(office)
            .bind(&s.id)
            .bind(&s.prefix)
            .bind(&s.name)
            .bind(&s.name_en)
            .bind(i64::from(s.avg_service_secs))
            .bind(sort as i64)
            .bind(i64::from(s.walk_in_cutoff_minutes))
            .bind(db::names_json(&s.names))
            .execute(&mut **tx)
            .await?;
        match &s.booking {
            Some(b) => {
                sqlx::query("INSERT INTO slot_rules (office_id, service_id, minutes, capacity, horizon_days, lead_minutes) VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (office_id, service_id) DO UPDATE SET minutes = excluded.minutes, capacity = excluded.capacity, horizon_days = excluded.horizon_days, lead_minutes = excluded.lead_minutes")
                    .bind(office)
                    .bind(&s.id)
                    .bind(i64::from(b.minutes))
                    .bind(i64::from(b.capacity))
                    .bind(i64::from(b.horizon_days))
                    .bind(i64::from(b.lead_minutes))
                    .execute(&mut **tx)
                    .await?;
                // Slots already counted take the new capacity, unless they hold more bookings
                // than it allows (those keep their residents and their old capacity).
                sqlx::query("UPDATE slot_counts SET capacity = $4 WHERE office_id = $1 AND service_id = $2 AND day >= $3 AND booked <= $4")
                    .bind(office)
                    .bind(&s.id)
                    .bind(today)
                    .bind(i64::from(b.capacity))
                    .execute(&mut **tx)
                    .await?;
            }
            None => {
                sqlx::query("DELETE FROM slot_rules WHERE office_id = $1 AND service_id = $2")
                    .bind(office)
                    .bind(&s.id)
                    .execute(&mut **tx)
                    .await?;
            }
        }
    }
    Ok(())
}

async fn save_counters(
    tx: &mut Transaction<'static, Any>,
    office: &str,
    counters: &[CounterSettings],
) -> Result<()> {
    let stored: Vec<(i64, i64)> =
        sqlx::query_as("SELECT id, retired FROM counters WHERE office_id = $1")
            .bind(office)
            .fetch_all(&mut **tx)
            .await?;
    for (i, c) in counters.iter().enumerate() {
        if let Some(id) = c.id
            && !stored.iter().any(|(s, _)| *s == id)
        {
            return Err(invalid(format!(
                "counters[{i}].id: this office has no counter {id}; leave the id out to add a counter"
            )));
        }
    }
    for &(id, retired) in &stored {
        if retired != 0 || counters.iter().any(|c| c.id == Some(id)) {
            continue;
        }
        let serving: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM tickets WHERE counter_id = $1 AND status = 'called'",
        )
        .bind(id)
        .fetch_one(&mut **tx)
        .await?;
        if serving > 0 {
            return Err(Error::Conflict(format!(
                "counter {id} is serving a resident; it can be removed once that ticket is finished"
            )));
        }
        sqlx::query("UPDATE counters SET retired = 1 WHERE id = $1")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    sqlx::query("DELETE FROM counter_services WHERE office_id = $1")
        .bind(office)
        .execute(&mut **tx)
        .await?;
    for (sort, c) in counters.iter().enumerate() {
        let id = match c.id {
            Some(id) => {
                sqlx::query("UPDATE counters SET label = $2, label_en = $3, sort = $4, names = $5, retired = 0 WHERE id = $1")
                    .bind(id)
                    .bind(&c.label)
                    .bind(&c.label_en)
                    .bind(sort as i64)
                    .bind(db::names_json(&c.names))
                    .execute(&mut **tx)
                    .await?;
                id
            }
            None => {
                // Counter ids are unique across offices; settings are saved one at a time
                // (`Writes::Settings`), so MAX + 1 is safe.
                let id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM counters")
                    .fetch_one(&mut **tx)
                    .await?;
                sqlx::query("INSERT INTO counters (id, office_id, label, label_en, sort, names) VALUES ($1, $2, $3, $4, $5, $6)")
                    .bind(id)
                    .bind(office)
                    .bind(&c.label)
                    .bind(&c.label_en)
                    .bind(sort as i64)
                    .bind(db::names_json(&c.names))
                    .execute(&mut **tx)
                    .await?;
                id
            }
        };
        for service in &c.service_ids {
            sqlx::query(
                "INSERT INTO counter_services (counter_id, office_id, service_id) VALUES ($1, $2, $3)",
            )
            .bind(id)
            .bind(office)
            .bind(service)
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

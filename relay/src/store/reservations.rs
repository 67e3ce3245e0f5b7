//! Bookings as stored: each office's calendar and slot rules.

use std::collections::HashMap;

use mado_wire::calendar::{OfficeCalendar, SlotRule};
use sqlx::Row;

use crate::db::Pool;
use crate::error::{Error, Result};

/// How one service is booked at one office.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rule {
    pub(crate) slot: SlotRule,
    pub(crate) horizon_days: i64,
    pub(crate) lead_minutes: i64,
}

/// An office's calendar and slot rules, read once and kept with the office (see
/// `AppState::office`): a busy kiosk asks for them with every ticket.
#[derive(Debug)]
pub(crate) struct BookingConfig {
    pub(crate) calendar: Option<OfficeCalendar>,
    rules: HashMap<String, Rule>,
}

impl BookingConfig {
    pub(crate) fn calendar(&self, office: &str) -> Result<&OfficeCalendar> {
        self.calendar
            .as_ref()
            .ok_or_else(|| Error::NotFound(format!("office {office:?} does not take reservations")))
    }

    pub(crate) fn rule(&self, office: &str, service: &str) -> Result<Rule> {
        self.rules.get(service).copied().ok_or_else(|| {
            Error::NotFound(format!(
                "service {service:?} of office {office:?} does not take reservations"
            ))
        })
    }
}

/// The calendar and slot rules of `office` as stored.
pub(crate) async fn booking_config(db: &Pool, office: &str) -> Result<BookingConfig> {
    let calendar = crate::db::load_calendar(db, office).await?;
    let rows = sqlx::query("SELECT service_id, minutes, capacity, horizon_days, lead_minutes FROM slot_rules WHERE office_id = $1")
        .bind(office)
        .fetch_all(db)
        .await?;
    let rules = rows
        .iter()
        .map(|row| {
            let rule = Rule {
                slot: SlotRule {
                    minutes: u16::try_from(row.get::<i64, _>("minutes")).unwrap_or(u16::MAX),
                    capacity: u32::try_from(row.get::<i64, _>("capacity")).unwrap_or(0),
                },
                horizon_days: row.get("horizon_days"),
                lead_minutes: row.get("lead_minutes"),
            };
            (row.get::<String, _>("service_id"), rule)
        })
        .collect();
    Ok(BookingConfig { calendar, rules })
}

/// Gives the demo office weekday hours (8:30–17:15, closed on holidays and 12/29–1/3) and
/// 30-minute slots for every service, bookable up to 60 days ahead and until 30 minutes before.
pub async fn seed_demo_bookings(pool: &Pool, office: &mado_wire::Office) -> Result<()> {
    let cal = OfficeCalendar::weekdays(8 * 60 + 30, 17 * 60 + 15);
    let json = serde_json::to_string(&cal).map_err(|e| Error::Internal(e.to_string()))?;
    let mut tx = pool.begin().await?;
    sqlx::query("INSERT INTO office_calendars (office_id, calendar) VALUES ($1, $2)")
        .bind(&office.id)
        .bind(json)
        .execute(&mut *tx)
        .await?;
    for s in &office.services {
        sqlx::query("INSERT INTO slot_rules (office_id, service_id, minutes, capacity, horizon_days, lead_minutes) VALUES ($1, $2, 30, 2, 60, 30)")
            .bind(&office.id)
            .bind(&s.id)
            .execute(&mut *tx)
            .await?;
    }
    tx.commit().await?;
    Ok(())
}

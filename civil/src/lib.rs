//! Civil dates in Japan, once for the whole workspace: the guide's ages and deadlines
//! (`mado-rules`), the dates printed on forms (`mado-forms`), office calendars and bookings
//! (`mado-wire`, the relay) and the browser all use these types, and a date crosses from one
//! crate to another as a [`Date`], never as text.
//!
//! # Mental model
//!
//! - [`Date`]: a day of the proleptic Gregorian calendar, with no clock and no time zone (the
//!   day of the office, in Japan). In JSON it is the text `"YYYY-MM-DD"`, read strictly.
//! - [`Weekday`]: Monday first.
//! - [`Date::wareki`]: the era form printed on forms (`令和8年12月6日`, `元年`).
//! - [`holiday`]: the national holidays of 国民の祝日に関する法律, with 振替休日 and 国民の休日,
//!   for [`HOLIDAY_YEARS`].
//! - [`closed`]: the days 行政機関の休日に関する法律 closes offices (土日, holidays, 12/29–1/3),
//!   and [`open_on_or_after`], the day a deadline that falls on one moves to (地方自治法第4条の2
//!   第4項, 行政手続の期限の特例).
//! - [`Date::add_months`], [`Date::period_end`] (民法第143条), [`age`] and [`fiscal_age`]
//!   (年齢計算ニ関スル法律).
//!
//! ```
//! use mado_civil::{Date, Weekday, closed, open_on_or_after};
//! let d = Date::parse_iso("2026-12-29").unwrap();
//! assert_eq!(d.weekday(), Weekday::Tue);
//! assert_eq!(d.wareki().unwrap().to_string(), "令和8年12月29日");
//! // A deadline on 12/29 moves past the year-end closure to Monday 1/4.
//! assert_eq!(closed(d).map(|c| c.ja()), Some("年末年始"));
//! assert_eq!(open_on_or_after(d).to_string(), "2027-01-04");
//! ```
//!
//! # Not handled
//!
//! - Holidays outside [`HOLIDAY_YEARS`] (the current law and the equinox formula's range):
//!   [`holiday`] says `None` there, and callers that need to know check the range.
//! - A city's own closed days (開庁日・閉庁日 of one office): that is an office calendar
//!   (`mado_wire::calendar::OfficeCalendar`), built on these.

mod date;
mod holiday;
mod period;
mod wareki;

pub use date::{Date, DateError, Weekday};
pub use holiday::{Closed, HOLIDAY_YEARS, closed, holiday, open_on_or_after, year_end};
pub use period::{age, fiscal_age};
pub use wareki::{Era, Wareki};

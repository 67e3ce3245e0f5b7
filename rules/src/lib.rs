//! Mado's procedure-guide rules. Pure: no I/O and no clock; the reference date is always
//! passed in, so the same code gives the same answer natively and in the browser.
//!
//! # Mental model
//!
//! Law changes on a date. A [`Parameter`] (an income limit, an age, an amount) holds every
//! value it has had, each with the date it took effect and its legal reference; asking for
//! the value on a date picks the latest value that had started by then. A change of law adds
//! a value and never edits history. [`Date`] is the civil date the engine works in, with its
//! 和暦 form for deadlines printed to residents.
//!
//! ```
//! use mado_rules::{Date, Parameter};
//!
//! let limit = Parameter::new("特別障害者手当 所得制限（本人・扶養0人）", "円")
//!     .with_value("2002-08-01", 3_604_000, "特別児童扶養手当等の支給に関する法律施行令 第7条")
//!     .unwrap();
//! let on = Date::parse_iso("2026-11-22").unwrap();
//! assert_eq!(limit.value_on(on).map(|v| v.value), Ok(3_604_000));
//! assert_eq!(on.add_days(14).wareki().unwrap().to_string(), "令和8年12月6日");
//! ```
//!
//! # Not handled
//!
//! - Rule packs, questions and the eligibility engine are issue 3.
//! - Dates before 1873-01-01 have no era form (see [`Date::wareki`]).

mod parameter;
mod wareki;

pub use parameter::{DatedValue, Parameter, ParameterError};
pub use wareki::{Date, DateError, Era, Wareki, Weekday};

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

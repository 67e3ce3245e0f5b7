//! Mado's procedure-guide rules. Pure: no I/O and no clock; the reference date is always
//! passed in, so the same code gives the same answer natively and in the browser.
//!
//! # Mental model
//!
//! A **pack** (one life event: おくやみ, 身体障害者手帳, 引越し) holds questions, dated
//! parameters and procedures, and what each city does differently (`<pack>/cities/<city>.yaml`,
//! put into the pack by the loader, `load.rs`); a **city profile** names the counters.
//! [`Guide::build`] joins a pack with one city, parses every condition and checks its types.
//! [`Guide::evaluate`] takes the answers so far and the day of the visit and returns, for each
//! procedure, `required`, `may_apply`, `not_applicable` or `needs_answer`, with the facts that
//! decided it, the counter, the deadline as a date, and the questions still worth asking.
//!
//! Each procedure is a small decision table read top to bottom: the first row whose
//! condition holds decides (DMN hit policy FIRST); `else` decides when none does. Conditions
//! are three-valued: an unanswered question makes a row *unknown*, and an unknown row stops
//! the table with `needs_answer`, so a missing answer never silently excludes anything.
//!
//! Law changes on a date. A [`Parameter`] (an income limit, an age, an amount) holds every
//! value it has had, each with the date it took effect and its legal reference; asking for
//! the value on a date picks the latest value that had started by then.
//!
//! ```
//! use mado_civil::Date;
//! use mado_rules::Parameter;
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
//! - Deadlines are shown as computed; a last day on a closed day (土日祝・年末年始) is not
//!   moved to the next open day yet (the calendar to do it with is `mado_civil::closed`;
//!   issue 20).
//! - Dates before 1873-01-01 have no era form (see `mado_civil::Date::wareki`).

#[cfg(feature = "bench")]
pub mod bench;
pub mod bundle;
pub mod complete;
pub mod engine;
pub mod expr;
pub mod guide;
pub mod i18n;
#[cfg(feature = "yaml")]
pub mod lint;
#[cfg(feature = "yaml")]
pub mod load;
pub mod pack;
mod parameter;
pub mod phrases;
pub mod scenario;

pub use bundle::{Bundle, LocalizedBundle};
pub use engine::{Answers, EvalError, Evaluation, ProcedureResult, Reason, Value};
pub use guide::{BuildError, Guide};
pub use pack::{CityFile, MovesDef, PackFile, Status, VisitDef};
pub use parameter::{DatedValue, Parameter, ParameterError, fiscal_year_name, fiscal_year_start};
pub use phrases::Phrases;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

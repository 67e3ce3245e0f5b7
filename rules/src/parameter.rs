//! Dated parameters (OpenFisca's `parameters/` idea): values with a start date and a source.

use mado_civil::{Date, DateError};

/// The first day (4月1日) of the fiscal year `on` falls in.
pub fn fiscal_year_start(on: Date) -> Date {
    let year = if on.month() >= 4 {
        on.year()
    } else {
        on.year() - 1
    };
    Date::new(year, 4, 1).unwrap_or(on)
}

/// 「令和8年度」: the fiscal year beginning on `start` (a 4月1日), in the era of that day.
pub fn fiscal_year_name(start: Date) -> String {
    match start.wareki() {
        Ok(w) if w.year == 1 => format!("{}元年度", w.era.kanji()),
        Ok(w) => format!("{}{}年度", w.era.kanji(), w.year),
        Err(_) => format!("{}年度", start.year()),
    }
}

/// One value of a parameter and the day it took effect.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DatedValue<T> {
    pub since: Date,
    pub value: T,
    /// Where the value comes from: statute article, 要綱, or a source URL.
    pub reference: String,
}

/// A value that changes with the law, e.g. an income limit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Parameter<T> {
    pub name: String,
    pub unit: String,
    /// Sorted by `since`, oldest first; no two values start on the same day.
    values: Vec<DatedValue<T>>,
}

/// Why a parameter could not be built or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParameterError {
    /// Bad input: a start date that does not parse.
    #[error("parameter {name:?}: {source}")]
    BadDate { name: String, source: DateError },
    /// Bad input: two values starting on the same day.
    #[error("parameter {name:?} has two values starting on {since}; expected one per date")]
    DuplicateDate { name: String, since: Date },
    /// Bad input: asking for a date before the first value took effect.
    #[error("parameter {name:?} has no value on {on}; its first value starts on {first}")]
    NotYetInForce { name: String, on: Date, first: Date },
    /// Bad input: a parameter with no values at all.
    #[error("parameter {name:?} has no values")]
    Empty { name: String },
}

impl<T> Parameter<T> {
    pub fn new(name: impl Into<String>, unit: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            unit: unit.into(),
            values: Vec::new(),
        }
    }

    /// Adds a value in force from `since` (`YYYY-MM-DD`).
    pub fn with_value(
        mut self,
        since: &str,
        value: T,
        reference: impl Into<String>,
    ) -> Result<Self, ParameterError> {
        let since = Date::parse_iso(since).map_err(|source| ParameterError::BadDate {
            name: self.name.clone(),
            source,
        })?;
        match self.values.binary_search_by_key(&since, |v| v.since) {
            Ok(_) => Err(ParameterError::DuplicateDate {
                name: self.name.clone(),
                since,
            }),
            Err(at) => {
                self.values.insert(
                    at,
                    DatedValue {
                        since,
                        value,
                        reference: reference.into(),
                    },
                );
                Ok(self)
            }
        }
    }

    /// The value in force on `on`: the one with the latest start date not after `on`.
    pub fn value_on(&self, on: Date) -> Result<&DatedValue<T>, ParameterError> {
        let first = self.values.first().ok_or_else(|| ParameterError::Empty {
            name: self.name.clone(),
        })?;
        self.values
            .iter()
            .rev()
            .find(|v| v.since <= on)
            .ok_or_else(|| ParameterError::NotYetInForce {
                name: self.name.clone(),
                on,
                first: first.since,
            })
    }

    /// Every value, oldest first.
    pub fn history(&self) -> &[DatedValue<T>] {
        &self.values
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    fn amount() -> Parameter<u32> {
        Parameter::new("月額", "円")
            .with_value("2026-04-01", 29_590, "令和8年度 告示")
            .unwrap()
            .with_value("2025-04-01", 29_590 - 760, "令和7年度 告示")
            .unwrap()
    }

    #[test]
    fn the_april_first_change_takes_effect_on_the_day() {
        let p = amount();
        assert_eq!(p.value_on(d("2026-03-31")).unwrap().value, 28_830);
        assert_eq!(p.value_on(d("2026-04-01")).unwrap().value, 29_590);
        assert_eq!(
            p.value_on(d("2026-04-01")).unwrap().reference,
            "令和8年度 告示"
        );
    }

    #[test]
    fn values_are_kept_in_date_order_whatever_order_they_were_added() {
        let since: Vec<String> = amount()
            .history()
            .iter()
            .map(|v| v.since.to_string())
            .collect();
        assert_eq!(since, ["2025-04-01", "2026-04-01"]);
    }

    #[test]
    fn a_date_before_the_first_value_is_an_error_not_a_guess() {
        assert_eq!(
            amount().value_on(d("2025-03-31")),
            Err(ParameterError::NotYetInForce {
                name: "月額".into(),
                on: d("2025-03-31"),
                first: d("2025-04-01")
            })
        );
        assert_eq!(
            Parameter::<u32>::new("x", "円").value_on(d("2025-03-31")),
            Err(ParameterError::Empty { name: "x".into() })
        );
    }

    #[test]
    fn two_values_on_one_day_and_bad_dates_are_refused() {
        let err = amount().with_value("2026-04-01", 1, "dup").unwrap_err();
        assert_eq!(
            err.to_string(),
            "parameter \"月額\" has two values starting on 2026-04-01; expected one per date"
        );
        let err = Parameter::new("x", "円")
            .with_value("2026-4-1", 1, "r")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "parameter \"x\": expected a date as YYYY-MM-DD, found \"2026-4-1\""
        );
    }
}

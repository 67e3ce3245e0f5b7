//! [`Date`] and [`Weekday`].

use core::fmt;

use serde::{Deserialize, Serialize};

/// A civil date (proleptic Gregorian): a day in Japan, without clock or time zone. In JSON
/// `"YYYY-MM-DD"`, read strictly ([`Date::parse_iso`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Date {
    year: i32,
    month: u8,
    day: u8,
}

/// Why a date could not be built or converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    /// Bad input: the month or day does not exist.
    #[error("{year:04}-{month:02}-{day:02} is not a calendar date")]
    NotADate { year: i32, month: u8, day: u8 },
    /// Bad input: text that is not `YYYY-MM-DD`.
    #[error("expected a date as YYYY-MM-DD, found {0:?}")]
    Malformed(String),
    /// Bad input: the date is before the Gregorian calendar was adopted in Japan.
    #[error("{0} is before 1873-01-01 and has no era form here")]
    BeforeGregorian(Date),
    /// Bad input: text that is not a date in era form (昭和31年4月10日, S31.4.10).
    #[error("expected a date in era form such as 昭和31年4月10日 or S31.4.10, found {0:?}")]
    NotWareki(String),
    /// Bad input: an era date the era does not have (昭和64年1月8日 is 平成元年1月8日).
    #[error("{text} is not a day of {era}: {date} is {actual}")]
    OutsideEra {
        text: String,
        era: &'static str,
        date: Date,
        actual: String,
    },
}

/// Day of the week, Monday first. In JSON its English abbreviation (`"Mon"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Weekday {
    Mon,
    Tue,
    Wed,
    Thu,
    Fri,
    Sat,
    Sun,
}

impl Weekday {
    /// Monday to Sunday.
    pub const ALL: [Weekday; 7] = [
        Weekday::Mon,
        Weekday::Tue,
        Weekday::Wed,
        Weekday::Thu,
        Weekday::Fri,
        Weekday::Sat,
        Weekday::Sun,
    ];

    /// 0 for Monday … 6 for Sunday.
    pub fn index(self) -> usize {
        self as usize
    }

    /// One kanji, as in `12月6日（日）`.
    pub fn kanji(self) -> &'static str {
        match self {
            Weekday::Mon => "月",
            Weekday::Tue => "火",
            Weekday::Wed => "水",
            Weekday::Thu => "木",
            Weekday::Fri => "金",
            Weekday::Sat => "土",
            Weekday::Sun => "日",
        }
    }
}

fn days_in_month(year: i32, month: u8) -> u8 {
    match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 => 29,
        2 => 28,
        _ => 0,
    }
}

impl Date {
    /// Returns the date if and only if it exists in the Gregorian calendar.
    pub fn new(year: i32, month: u8, day: u8) -> Result<Self, DateError> {
        if day == 0 || day > days_in_month(year, month) {
            return Err(DateError::NotADate { year, month, day });
        }
        Ok(Self { year, month, day })
    }

    /// Parses `YYYY-MM-DD` exactly (four-digit year, two-digit month and day).
    pub fn parse_iso(text: &str) -> Result<Self, DateError> {
        let bad = || DateError::Malformed(text.to_owned());
        let b = text.as_bytes();
        let digits = |r: core::ops::Range<usize>| b[r].iter().all(u8::is_ascii_digit);
        if b.len() != 10
            || b[4] != b'-'
            || b[7] != b'-'
            || !digits(0..4)
            || !digits(5..7)
            || !digits(8..10)
        {
            return Err(bad());
        }
        let num = |r: core::ops::Range<usize>| {
            b[r].iter().fold(0u16, |n, d| n * 10 + u16::from(d - b'0'))
        };
        Self::new(i32::from(num(0..4)), num(5..7) as u8, num(8..10) as u8)
    }

    pub fn year(self) -> i32 {
        self.year
    }
    pub fn month(self) -> u8 {
        self.month
    }
    pub fn day(self) -> u8 {
        self.day
    }

    /// Days since 1970-01-01 (negative before), by Howard Hinnant's `days_from_civil`.
    pub fn days_since_epoch(self) -> i64 {
        let y = i64::from(self.year) - i64::from(self.month <= 2);
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let m = i64::from(self.month);
        let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + i64::from(self.day) - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        era * 146_097 + doe - 719_468
    }

    /// The date `days` after this one (before, if negative).
    pub fn add_days(self, days: i64) -> Self {
        Self::from_days_since_epoch(self.days_since_epoch() + days)
    }

    /// Inverse of [`Date::days_since_epoch`].
    pub fn from_days_since_epoch(z: i64) -> Self {
        let z = z + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z - era * 146_097;
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = (doy - (153 * mp + 2) / 5 + 1) as u8;
        let month = (if mp < 10 { mp + 3 } else { mp - 9 }) as u8;
        let year = (yoe + era * 400 + i64::from(month <= 2)) as i32;
        Self { year, month, day }
    }

    pub fn weekday(self) -> Weekday {
        // 1970-01-01 was a Thursday.
        const FROM_THURSDAY: [Weekday; 7] = [
            Weekday::Thu,
            Weekday::Fri,
            Weekday::Sat,
            Weekday::Sun,
            Weekday::Mon,
            Weekday::Tue,
            Weekday::Wed,
        ];
        FROM_THURSDAY[self.days_since_epoch().rem_euclid(7) as usize]
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl core::str::FromStr for Date {
    type Err = DateError;
    fn from_str(s: &str) -> Result<Self, DateError> {
        Self::parse_iso(s)
    }
}

impl TryFrom<String> for Date {
    type Error = DateError;
    fn try_from(s: String) -> Result<Self, DateError> {
        Self::parse_iso(&s)
    }
}

impl From<Date> for String {
    fn from(d: Date) -> String {
        d.to_string()
    }
}

/// In a JSON Schema a date is the string serde writes (`"2027-03-01"`), not the struct.
#[cfg(feature = "schema")]
impl schemars::JsonSchema for Date {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Date".into()
    }

    fn inline_schema() -> bool {
        true
    }

    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "format": "date",
            "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$",
            "description": "A civil date in Japan, `YYYY-MM-DD`."
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn w(y: i32, m: u8, d: u8) -> String {
        Date::new(y, m, d).unwrap().wareki().unwrap().to_string()
    }

    #[test]
    fn era_boundaries_fall_on_the_right_day() {
        assert_eq!(w(2019, 4, 30), "平成31年4月30日");
        assert_eq!(w(2019, 5, 1), "令和元年5月1日");
        assert_eq!(w(1989, 1, 7), "昭和64年1月7日");
        assert_eq!(w(1989, 1, 8), "平成元年1月8日");
        assert_eq!(w(1926, 12, 24), "大正15年12月24日");
        assert_eq!(w(1926, 12, 25), "昭和元年12月25日");
        assert_eq!(w(1912, 7, 29), "明治45年7月29日");
        assert_eq!(w(1912, 7, 30), "大正元年7月30日");
        assert_eq!(w(1873, 1, 1), "明治6年1月1日");
    }

    #[test]
    fn dates_before_the_gregorian_calendar_in_japan_are_refused() {
        let d = Date::new(1872, 12, 31).unwrap();
        assert_eq!(d.wareki(), Err(DateError::BeforeGregorian(d)));
    }

    #[test]
    fn impossible_dates_are_refused() {
        assert!(Date::new(2026, 2, 29).is_err());
        assert!(Date::new(2024, 2, 29).is_ok());
        assert!(Date::new(1900, 2, 29).is_err());
        assert!(Date::new(2000, 2, 29).is_ok());
        assert!(Date::new(2026, 13, 1).is_err());
        assert!(Date::new(2026, 4, 31).is_err());
    }

    #[test]
    fn iso_parsing_is_strict_and_says_what_it_found() {
        assert_eq!(Date::parse_iso("2026-11-22"), Date::new(2026, 11, 22));
        assert_eq!(
            Date::parse_iso("2026-1-22"),
            Err(DateError::Malformed("2026-1-22".into()))
        );
        assert_eq!(
            Date::parse_iso("２０２６-11-22"),
            Err(DateError::Malformed("２０２６-11-22".into()))
        );
        assert!(matches!(
            Date::parse_iso("2026-02-30"),
            Err(DateError::NotADate { .. })
        ));
        // Ten bytes with a multi-byte character: an error, not a panic on a char boundary.
        assert!(Date::parse_iso("20é6-11-2").is_err());
        assert!(Date::parse_iso("2026-1é-2").is_err());
    }

    #[test]
    fn day_arithmetic_round_trips_and_knows_weekdays() {
        let d = Date::new(2026, 11, 22).unwrap();
        assert_eq!(d.weekday(), Weekday::Sun);
        // 14日以内 from 2026-11-22 → 2026-12-06 (日).
        let deadline = d.add_days(14);
        assert_eq!(deadline.to_string(), "2026-12-06");
        assert_eq!(deadline.weekday().kanji(), "日");
        assert_eq!(
            Date::new(2024, 2, 28).unwrap().add_days(1).to_string(),
            "2024-02-29"
        );
        assert_eq!(
            Date::new(1970, 1, 1).unwrap().add_days(-1).to_string(),
            "1969-12-31"
        );
        for z in [-800_000_i64, -1, 0, 1, 19_000, 2_000_000] {
            assert_eq!(Date::from_days_since_epoch(z).days_since_epoch(), z);
        }
    }

    #[test]
    fn in_json_a_date_is_its_iso_text_read_strictly() {
        let d = Date::new(2027, 3, 1).unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), "\"2027-03-01\"");
        assert_eq!(serde_json::from_str::<Date>("\"2027-03-01\"").unwrap(), d);
        let err = serde_json::from_str::<Date>("\"2027-02-29\"").unwrap_err();
        assert!(
            err.to_string()
                .contains("2027-02-29 is not a calendar date"),
            "{err}"
        );
        let err = serde_json::from_str::<Date>("\"2027/03/01\"").unwrap_err();
        assert!(
            err.to_string().contains("expected a date as YYYY-MM-DD"),
            "{err}"
        );
        assert_eq!(serde_json::to_string(&Weekday::Mon).unwrap(), "\"Mon\"");
    }

    /// The schema says what serde writes: the string, not the struct.
    #[cfg(feature = "schema")]
    #[test]
    fn a_date_is_a_date_string_in_its_json_schema() {
        let schema = schemars::SchemaGenerator::default()
            .subschema_for::<Date>()
            .to_value();
        assert_eq!(schema["type"], "string");
        assert_eq!(schema["format"], "date");
        assert_eq!(schema["pattern"], "^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
    }

    #[test]
    fn the_era_form_with_the_weekday_is_what_handouts_print() {
        let d = Date::parse_iso("2026-12-06").unwrap();
        assert_eq!(d.wareki_with_weekday(), "令和8年12月6日（日）");
        let d = Date::parse_iso("2019-05-01").unwrap();
        assert_eq!(d.wareki_with_weekday(), "令和元年5月1日（水）");
        let d = Date::parse_iso("1872-12-31").unwrap();
        assert_eq!(d.wareki_with_weekday(), "1872-12-31");
    }

    #[test]
    fn weekdays_count_from_monday() {
        assert_eq!(Weekday::ALL[0], Weekday::Mon);
        assert_eq!(Weekday::Sun.index(), 6);
        assert_eq!(Date::parse_iso("1970-01-01").unwrap().days_since_epoch(), 0);
        assert_eq!(
            Date::parse_iso("1970-01-01").unwrap().weekday(),
            Weekday::Thu
        );
    }
}

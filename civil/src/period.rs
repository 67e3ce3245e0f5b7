//! Periods counted in months (民法第143条) and ages (年齢計算ニ関スル法律).

use crate::Date;

impl Date {
    /// The same day `months` later (earlier, if negative), or the month's last day when it has
    /// no such day (民法第143条第2項: 1/31 + 1 month is 2/28 or 2/29).
    pub fn add_months(self, months: i64) -> Date {
        let total = i64::from(self.year()) * 12 + i64::from(self.month()) - 1 + months;
        let year = total.div_euclid(12) as i32;
        let month = (total.rem_euclid(12) + 1) as u8;
        let mut day = self.day();
        loop {
            if let Ok(d) = Date::new(year, month, day) {
                return d;
            }
            day -= 1;
        }
    }

    /// The last day of a period of `months` that begins on this day (民法第143条): the day
    /// before the corresponding day, or the month's last day when there is no corresponding
    /// day.
    pub fn period_end(self, months: i64) -> Date {
        let same = self.add_months(months);
        if same.day() == self.day() {
            same.add_days(-1)
        } else {
            same
        }
    }
}

/// Civil age on `on` for someone born on `birth` (birthdays counted on the day).
pub fn age(birth: Date, on: Date) -> i64 {
    let mut years = i64::from(on.year() - birth.year());
    if (on.month(), on.day()) < (birth.month(), birth.day()) {
        years -= 1;
    }
    years
}

/// The age reached by the end of the 年度 (April–March) containing `on`, under
/// 年齢計算ニ関スル法律 (an age is reached the day before the birthday, so someone born on
/// 1 April belongs to the earlier school year). 「その年度中に70歳になる人」 is
/// `fiscal_age(birth, today) >= 70`; 「18歳到達後の最初の3月31日まで」 is `fiscal_age <= 18`.
pub fn fiscal_age(birth: Date, on: Date) -> i64 {
    let fy_end_year = if on.month() >= 4 {
        on.year() + 1
    } else {
        on.year()
    };
    let end = Date::new(fy_end_year, 3, 31).unwrap_or(on);
    // Reached the day before the birthday: age(birth, end + 1 day).
    age(birth, end.add_days(1))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn ages_count_birthdays_and_school_years_start_on_april_2() {
        assert_eq!(age(d("1961-11-23"), d("2026-11-22")), 64);
        assert_eq!(age(d("1961-11-22"), d("2026-11-22")), 65);
        // Born 1 April: reaches 18 on 31 March, so belongs to the earlier school year.
        assert_eq!(fiscal_age(d("2008-04-01"), d("2025-06-01")), 18);
        assert_eq!(fiscal_age(d("2008-04-02"), d("2025-06-01")), 17);
        // In January the school year is the one that started the April before.
        assert_eq!(fiscal_age(d("1956-03-31"), d("2026-01-10")), 70);
    }

    #[test]
    fn months_clamp_to_the_last_day() {
        assert_eq!(d("2024-02-29").add_months(12), d("2025-02-28"));
        assert_eq!(d("2026-01-31").add_months(1), d("2026-02-28"));
        assert_eq!(d("2026-11-22").add_months(24), d("2028-11-22"));
    }

    #[test]
    fn periods_end_by_civil_code_article_143() {
        // Death 2026-02-28, "翌日から2年": begins 03-01, ends the day before 2028-03-01.
        assert_eq!(d("2026-03-01").period_end(24), d("2028-02-29"));
        // Begins 05-01, one month: ends 05-31.
        assert_eq!(d("2026-05-01").period_end(1), d("2026-05-31"));
        // Begins 01-31, one month: no 02-31, so the last day of February.
        assert_eq!(d("2026-01-31").period_end(1), d("2026-02-28"));
        assert_eq!(d("2026-11-23").period_end(24), d("2028-11-22"));
    }
}

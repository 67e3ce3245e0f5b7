//! National holidays and the days offices close.

use crate::{Date, Weekday};

/// The years whose holidays [`holiday`] knows: the current law (天皇誕生日 on 2/23 since 2020)
/// and the equinox formula's range.
pub const HOLIDAY_YEARS: std::ops::RangeInclusive<i32> = 2020..=2099;

fn nth_monday(year: i32, month: u8, n: u8) -> u8 {
    let Ok(first) = Date::new(year, month, 1) else {
        return 0;
    };
    let offset = (7 - first.weekday().index() as u8) % 7; // days to the first Monday
    1 + offset + 7 * (n - 1)
}

/// 春分日 and 秋分日 by the usual approximation (valid 1980–2099; the Cabinet Office's
/// announcements have matched it for these years).
fn equinoxes(year: i32) -> (u8, u8) {
    let y = f64::from(year - 1980);
    let leap = f64::from((year - 1980).div_euclid(4));
    let spring = (20.8431 + 0.242_194 * y - leap).floor() as u8;
    let autumn = (23.2488 + 0.242_194 * y - leap).floor() as u8;
    (spring, autumn)
}

/// The named holiday on `day`, by the law alone (without 振替休日 and 国民の休日).
fn named_holiday(day: Date) -> Option<&'static str> {
    let (year, month, d) = (day.year(), day.month(), day.day());
    let (spring, autumn) = equinoxes(year);
    // The 2020 and 2021 Olympic years moved three holidays.
    let (umi, sports, yama) = match year {
        2020 => ((7, 23), (7, 24), (8, 10)),
        2021 => ((7, 22), (7, 23), (8, 8)),
        _ => (
            (7, nth_monday(year, 7, 3)),
            (10, nth_monday(year, 10, 2)),
            (8, 11),
        ),
    };
    Some(match (month, d) {
        (1, 1) => "元日",
        (1, x) if x == nth_monday(year, 1, 2) => "成人の日",
        (2, 11) => "建国記念の日",
        (2, 23) => "天皇誕生日",
        (3, x) if x == spring => "春分の日",
        (4, 29) => "昭和の日",
        (5, 3) => "憲法記念日",
        (5, 4) => "みどりの日",
        (5, 5) => "こどもの日",
        (m, x) if (m, x) == umi => "海の日",
        (m, x) if (m, x) == yama => "山の日",
        (9, x) if x == nth_monday(year, 9, 3) => "敬老の日",
        (9, x) if x == autumn => "秋分の日",
        (m, x) if (m, x) == sports => "スポーツの日",
        (11, 3) => "文化の日",
        (11, 23) => "勤労感謝の日",
        _ => return None,
    })
}

/// The national holiday on `day`, with its name: the named holidays, 振替休日 (the first
/// non-holiday after a holiday on a Sunday) and 国民の休日 (a day between two holidays).
/// `None` for other days and for years outside [`HOLIDAY_YEARS`] (callers check the range).
pub fn holiday(day: Date) -> Option<&'static str> {
    if !HOLIDAY_YEARS.contains(&day.year()) {
        return None;
    }
    if let Some(name) = named_holiday(day) {
        return Some(name);
    }
    // 振替休日: walk back over consecutive named holidays; if one of them is a Sunday, this
    // day is the substitute.
    let mut back = day.add_days(-1);
    while named_holiday(back).is_some() {
        if back.weekday() == Weekday::Sun {
            return Some("振替休日");
        }
        back = back.add_days(-1);
    }
    if day.weekday() != Weekday::Sun
        && named_holiday(day.add_days(-1)).is_some()
        && named_holiday(day.add_days(1)).is_some()
    {
        return Some("国民の休日");
    }
    None
}

/// Whether `day` is in the year-end closure, 12/29–1/3 (行政機関の休日に関する法律第1条第1項
/// 第3号; cities close the same days by 条例 under 地方自治法第4条の2).
pub fn year_end(day: Date) -> bool {
    matches!((day.month(), day.day()), (12, 29..=31) | (1, 1..=3))
}

/// Why offices are closed on a day (行政機関の休日に関する法律第1条).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Closed {
    /// A national holiday, with its name (「元日」「振替休日」).
    Holiday(&'static str),
    /// 12/29–1/3.
    YearEnd,
    Saturday,
    Sunday,
}

impl Closed {
    /// Why, as a clerk says it: 「元日」「年末年始」「土曜日」「日曜日」.
    pub fn ja(self) -> &'static str {
        match self {
            Closed::Holiday(name) => name,
            Closed::YearEnd => "年末年始",
            Closed::Saturday => "土曜日",
            Closed::Sunday => "日曜日",
        }
    }
}

/// Why offices are closed on `day`, or `None` on a working day. A holiday's name comes
/// first (1/1 is 元日), then the year end, then the weekend. Outside [`HOLIDAY_YEARS`] only
/// the year end and weekends are known.
pub fn closed(day: Date) -> Option<Closed> {
    if let Some(name) = holiday(day) {
        return Some(Closed::Holiday(name));
    }
    if year_end(day) {
        return Some(Closed::YearEnd);
    }
    match day.weekday() {
        Weekday::Sat => Some(Closed::Saturday),
        Weekday::Sun => Some(Closed::Sunday),
        _ => None,
    }
}

/// `day` if offices are open on it, else the next day they are: where a deadline that falls
/// on a closed day moves to (地方自治法第4条の2第4項: 「休日の翌日をもつてその期限とみなす」;
/// for the nation's offices 行政機関の休日に関する法律第2条).
pub fn open_on_or_after(day: Date) -> Date {
    let mut d = day;
    // At most 12/27 (Sat) … 1/4 plus a holiday run: a few days; the bound is a guard only.
    for _ in 0..31 {
        if closed(d).is_none() {
            return d;
        }
        d = d.add_days(1);
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    fn holidays_of(year: i32) -> Vec<String> {
        let mut day = Date::new(year, 1, 1).unwrap();
        let mut out = Vec::new();
        while day.year() == year {
            if let Some(name) = holiday(day) {
                out.push(format!("{day} {name}"));
            }
            day = day.add_days(1);
        }
        out
    }

    /// 内閣府「国民の祝日について」の一覧 (2025年・2026年・2027年).
    #[test]
    fn holidays_match_the_cabinet_office_lists() {
        assert_eq!(
            holidays_of(2025),
            [
                "2025-01-01 元日",
                "2025-01-13 成人の日",
                "2025-02-11 建国記念の日",
                "2025-02-23 天皇誕生日",
                "2025-02-24 振替休日",
                "2025-03-20 春分の日",
                "2025-04-29 昭和の日",
                "2025-05-03 憲法記念日",
                "2025-05-04 みどりの日",
                "2025-05-05 こどもの日",
                "2025-05-06 振替休日",
                "2025-07-21 海の日",
                "2025-08-11 山の日",
                "2025-09-15 敬老の日",
                "2025-09-23 秋分の日",
                "2025-10-13 スポーツの日",
                "2025-11-03 文化の日",
                "2025-11-23 勤労感謝の日",
                "2025-11-24 振替休日",
            ]
        );
        assert_eq!(
            holidays_of(2026),
            [
                "2026-01-01 元日",
                "2026-01-12 成人の日",
                "2026-02-11 建国記念の日",
                "2026-02-23 天皇誕生日",
                "2026-03-20 春分の日",
                "2026-04-29 昭和の日",
                "2026-05-03 憲法記念日",
                "2026-05-04 みどりの日",
                "2026-05-05 こどもの日",
                "2026-05-06 振替休日",
                "2026-07-20 海の日",
                "2026-08-11 山の日",
                "2026-09-21 敬老の日",
                "2026-09-22 国民の休日",
                "2026-09-23 秋分の日",
                "2026-10-12 スポーツの日",
                "2026-11-03 文化の日",
                "2026-11-23 勤労感謝の日",
            ]
        );
        assert_eq!(
            holidays_of(2027),
            [
                "2027-01-01 元日",
                "2027-01-11 成人の日",
                "2027-02-11 建国記念の日",
                "2027-02-23 天皇誕生日",
                "2027-03-21 春分の日",
                "2027-03-22 振替休日",
                "2027-04-29 昭和の日",
                "2027-05-03 憲法記念日",
                "2027-05-04 みどりの日",
                "2027-05-05 こどもの日",
                "2027-07-19 海の日",
                "2027-08-11 山の日",
                "2027-09-20 敬老の日",
                "2027-09-23 秋分の日",
                "2027-10-11 スポーツの日",
                "2027-11-03 文化の日",
                "2027-11-23 勤労感謝の日",
            ]
        );
    }

    /// 行政機関の休日に関する法律第1条: 土日, 祝日, 12/29–1/3; the holiday's name first.
    #[test]
    fn offices_close_on_weekends_holidays_and_the_year_end() {
        assert_eq!(closed(d("2026-12-07")), None); // 月
        assert_eq!(closed(d("2026-12-05")), Some(Closed::Saturday));
        assert_eq!(closed(d("2026-12-06")), Some(Closed::Sunday));
        assert_eq!(closed(d("2026-12-29")), Some(Closed::YearEnd)); // 火
        assert_eq!(closed(d("2027-01-01")), Some(Closed::Holiday("元日")));
        assert_eq!(closed(d("2027-01-03")), Some(Closed::YearEnd)); // 日, but 年末年始
        assert_eq!(closed(d("2026-05-06")), Some(Closed::Holiday("振替休日")));
        assert_eq!(closed(d("2026-09-22")).map(Closed::ja), Some("国民の休日"));
        assert!(
            year_end(d("2026-12-31")) && !year_end(d("2026-12-28")) && !year_end(d("2027-01-04"))
        );
    }

    /// 地方自治法第4条の2第4項: a deadline on a closed day moves to the next open day.
    #[test]
    fn a_deadline_on_a_closed_day_moves_to_the_next_open_day() {
        // Fri stays.
        assert_eq!(open_on_or_after(d("2026-12-04")), d("2026-12-04"));
        // Sat → Mon.
        assert_eq!(open_on_or_after(d("2026-12-05")), d("2026-12-07"));
        // Year end: 12/28 (月) is open; 12/29 … 1/3, then 1/4 (月).
        assert_eq!(open_on_or_after(d("2026-12-28")), d("2026-12-28"));
        assert_eq!(open_on_or_after(d("2026-12-29")), d("2027-01-04"));
        // Golden week 2026: 5/2 (土) … 5/6 (振替休日) → 5/7 (木).
        assert_eq!(open_on_or_after(d("2026-05-02")), d("2026-05-07"));
        // Silver week 2026: 9/19 (土) … 9/23 (秋分の日) → 9/24 (木).
        assert_eq!(open_on_or_after(d("2026-09-19")), d("2026-09-24"));
    }
}

//! The era form (和暦) of a [`Date`], as printed on forms.

use core::fmt;

use crate::{Date, DateError};

/// Japanese eras since the adoption of the Gregorian calendar.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Era {
    Meiji,
    Taisho,
    Showa,
    Heisei,
    Reiwa,
}

impl Era {
    /// The era's name as printed on forms.
    pub fn kanji(self) -> &'static str {
        match self {
            Era::Meiji => "明治",
            Era::Taisho => "大正",
            Era::Showa => "昭和",
            Era::Heisei => "平成",
            Era::Reiwa => "令和",
        }
    }
}

/// First day of each era, newest first (元号法 and the 改元 政令 of each era).
const ERAS: [(Era, i32, u8, u8); 5] = [
    (Era::Reiwa, 2019, 5, 1),
    (Era::Heisei, 1989, 1, 8),
    (Era::Showa, 1926, 12, 25),
    (Era::Taisho, 1912, 7, 30),
    (Era::Meiji, 1868, 1, 25),
];

/// A date in era form.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wareki {
    pub era: Era,
    /// 1 for 元年.
    pub year: i32,
    pub month: u8,
    pub day: u8,
}

impl fmt::Display for Wareki {
    /// `令和8年12月6日`; the first year of an era is written `元年`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.era.kanji())?;
        if self.year == 1 {
            f.write_str("元")?;
        } else {
            write!(f, "{}", self.year)?;
        }
        write!(f, "年{}月{}日", self.month, self.day)
    }
}

impl Era {
    /// The era a clerk types: its name (昭和) or letter (S, s).
    fn from_text(t: &str) -> Option<Era> {
        Some(match t {
            "明治" | "M" | "m" | "Ｍ" => Era::Meiji,
            "大正" | "T" | "t" | "Ｔ" => Era::Taisho,
            "昭和" | "S" | "s" | "Ｓ" => Era::Showa,
            "平成" | "H" | "h" | "Ｈ" => Era::Heisei,
            "令和" | "R" | "r" | "Ｒ" => Era::Reiwa,
            _ => return None,
        })
    }

    fn start_year(self) -> i32 {
        ERAS.iter()
            .find(|(e, ..)| *e == self)
            .map_or(1868, |(_, y, ..)| *y)
    }
}

impl Date {
    /// Reads a date in era form as a clerk types it: `昭和31年4月10日`, `令和元年5月1日`,
    /// `S31.4.10`, `h1/1/8`, `R8-11-20` (full-width digits too). The day must belong to the era:
    /// `昭和64年1月8日` is refused (that day is 平成元年1月8日).
    pub fn parse_wareki(text: &str) -> Result<Date, DateError> {
        let malformed = || DateError::NotWareki(text.to_owned());
        let t: String = text
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                '．' | '／' | '－' | '-' | '/' | '・' | '　' | ' ' => '.',
                c => c,
            })
            .collect();
        let era_len = t
            .char_indices()
            .find(|(_, c)| c.is_ascii_digit() || *c == '元' || *c == '.')
            .map_or(t.len(), |(i, _)| i);
        let era = Era::from_text(&t[..era_len]).ok_or_else(malformed)?;
        let rest = t[era_len..].trim_start_matches('.');
        let parts: Vec<&str> = rest
            .split(['年', '月', '日', '.'])
            .filter(|p| !p.is_empty())
            .collect();
        let [y, m, d] = parts.as_slice() else {
            return Err(malformed());
        };
        let year: i32 = if *y == "元" {
            1
        } else {
            y.parse().map_err(|_| malformed())?
        };
        let month: u8 = m.parse().map_err(|_| malformed())?;
        let day: u8 = d.parse().map_err(|_| malformed())?;
        if year < 1 {
            return Err(malformed());
        }
        let date = Date::new(era.start_year() + year - 1, month, day)?;
        match date.wareki() {
            Ok(w) if w.era == era => Ok(date),
            Ok(w) => Err(DateError::OutsideEra {
                text: text.trim().to_owned(),
                era: era.kanji(),
                date,
                actual: w.to_string(),
            }),
            Err(e) => Err(e),
        }
    }

    /// The era form of this date. Errors for dates before 1873-01-01.
    pub fn wareki(self) -> Result<Wareki, DateError> {
        if (self.year(), self.month(), self.day()) < (1873, 1, 1) {
            return Err(DateError::BeforeGregorian(self));
        }
        let (era, start_year, ..) = ERAS
            .iter()
            .copied()
            .find(|&(_, y, m, d)| (self.year(), self.month(), self.day()) >= (y, m, d))
            .ok_or(DateError::BeforeGregorian(self))?;
        Ok(Wareki {
            era,
            year: self.year() - start_year + 1,
            month: self.month(),
            day: self.day(),
        })
    }

    /// The era form with the weekday, as handouts and deadlines print it:
    /// `令和8年12月6日（日）`; before 1873 (no era form) `YYYY-MM-DD`.
    pub fn wareki_with_weekday(self) -> String {
        match self.wareki() {
            Ok(w) => format!("{w}（{}）", self.weekday().kanji()),
            Err(_) => self.to_string(),
        }
    }
}

#[cfg(test)]
mod parse_tests {
    use crate::{Date, DateError};

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    /// 元号法 and the 改元 政令: 昭和 ended on 1989-01-07, 平成 began on 1989-01-08 and ended on
    /// 2019-04-30, 令和 began on 2019-05-01.
    #[test]
    fn era_dates_read_as_a_clerk_types_them() {
        for (text, iso) in [
            ("昭和31年4月10日", "1956-04-10"),
            ("S31.4.10", "1956-04-10"),
            ("s31/4/10", "1956-04-10"),
            ("Ｓ３１．４．１０", "1956-04-10"),
            ("昭和64年1月7日", "1989-01-07"),
            ("平成元年1月8日", "1989-01-08"),
            ("H1.1.8", "1989-01-08"),
            ("平成31年4月30日", "2019-04-30"),
            ("令和元年5月1日", "2019-05-01"),
            ("R8-11-20", "2026-11-20"),
            (" 大正15年12月24日 ", "1926-12-24"),
            ("明治6年1月1日", "1873-01-01"),
        ] {
            assert_eq!(Date::parse_wareki(text), Ok(d(iso)), "{text}");
            // And back: the era form prints what was read.
            assert_eq!(
                Date::parse_wareki(&d(iso).wareki().unwrap().to_string()),
                Ok(d(iso))
            );
        }
    }

    #[test]
    fn a_day_outside_its_era_or_text_that_is_no_era_date_is_refused_saying_why() {
        let e = Date::parse_wareki("昭和64年1月8日").unwrap_err();
        assert_eq!(
            e.to_string(),
            "昭和64年1月8日 is not a day of 昭和: 1989-01-08 is 平成元年1月8日"
        );
        assert!(matches!(
            Date::parse_wareki("平成31年5月1日"),
            Err(DateError::OutsideEra { .. })
        ));
        assert!(matches!(
            Date::parse_wareki("昭和31年2月30日"),
            Err(DateError::NotADate { .. })
        ));
        for bad in [
            "1956-04-10",
            "X31.4.10",
            "昭和31年4月",
            "昭和年4月10日",
            "",
            "S0.1.1",
        ] {
            assert_eq!(
                Date::parse_wareki(bad),
                Err(DateError::NotWareki(bad.to_owned())),
                "{bad}"
            );
        }
    }
}

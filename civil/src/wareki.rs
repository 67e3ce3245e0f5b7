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

impl Date {
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

//! What fills a form: the applicant (基本4情報 and contact), the guide's answers, and the
//! visit (dates, office, staff). The JSON schema is documented in `forms/README.md`.

use std::collections::BTreeMap;

use mado_civil::Date;
use serde::{Deserialize, Serialize};

/// The person the forms are for.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicant {
    /// 氏名 as on the My Number card.
    pub name: String,
    /// ふりがな (typed by staff; the card has none).
    #[serde(default)]
    pub kana: String,
    /// 住所 as on the card.
    pub address: String,
    #[serde(default)]
    pub postal_code: String,
    /// `YYYY-MM-DD`.
    pub birth_date: String,
    /// `male` or `female` (as on the card).
    pub sex: String,
    #[serde(default)]
    pub phone: String,
}

/// Everything a batch of forms is filled from.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Data {
    pub applicant: Applicant,
    /// The person the procedure is about when it is not the applicant: the deceased (おくやみ),
    /// the child (児童手当, 子ども医療), the person with the certificate when a parent applies.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Applicant>,
    /// Guide answers: question id → the text to print (an option's label, a number, a date).
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    /// The life event's date (死亡日, 異動日, 手帳交付日), `YYYY-MM-DD`.
    #[serde(default)]
    pub event_date: String,
    /// The day of printing, `YYYY-MM-DD`.
    pub today: String,
    /// 小倉北区役所.
    #[serde(default)]
    pub office: String,
    /// 北九州市.
    #[serde(default)]
    pub city: String,
    /// The staff member who prepared the forms.
    #[serde(default)]
    pub staff: String,
}

/// A source a template names that the data cannot give.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceError {
    /// Bad template: a source name the renderer does not know.
    #[error("unknown source {0:?}; see forms/README.md for the list")]
    Unknown(String),
    /// Bad data: a date that is not `YYYY-MM-DD`.
    #[error("{source_name}: {message}")]
    BadDate {
        source_name: String,
        message: String,
    },
}

/// Data that cannot fill a form: which field (a JSON path) and what it must hold. The batch is
/// refused with every problem listed; nothing is printed from such data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataProblem {
    pub field: String,
    pub message: String,
}

impl DataProblem {
    /// The problem as staff read it: whose field, then what is wrong (「申請者: 氏名が空です…」).
    pub fn for_staff(&self) -> String {
        match self.field.split_once('.') {
            Some(("applicant", _)) => format!("申請者: {}", self.message),
            Some(("subject", _)) => format!("対象の方: {}", self.message),
            _ => self.message.clone(),
        }
    }
}

impl std::fmt::Display for DataProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// Every source name a template may use (answers are `answers.<question id>`).
pub const SOURCES: &[&str] = &[
    "subject.name",
    "subject.kana",
    "subject.address",
    "subject.postal_code",
    "subject.phone",
    "subject.birth_date",
    "subject.birth_date.seireki",
    "subject.sex",
    "applicant.name",
    "applicant.kana",
    "applicant.address",
    "applicant.postal_code",
    "applicant.phone",
    "applicant.birth_date",
    "applicant.birth_date.seireki",
    "applicant.sex",
    "event_date",
    "event_date.seireki",
    "today",
    "today.seireki",
    "office",
    "city",
    "staff",
];

/// Is `name` a source a template may use?
pub fn is_source(name: &str) -> bool {
    SOURCES.contains(&name) || name.strip_prefix("answers.").is_some_and(|q| !q.is_empty())
}

fn wareki(date: &str, source: &str) -> Result<String, SourceError> {
    if date.is_empty() {
        return Ok(String::new());
    }
    let bad = |message: String| SourceError::BadDate {
        source_name: source.to_owned(),
        message,
    };
    let d = Date::parse_iso(date).map_err(|e| bad(e.to_string()))?;
    d.wareki()
        .map(|w| w.to_string())
        .map_err(|e| bad(e.to_string()))
}

fn seireki(date: &str, source: &str) -> Result<String, SourceError> {
    if date.is_empty() {
        return Ok(String::new());
    }
    let d = Date::parse_iso(date).map_err(|e| SourceError::BadDate {
        source_name: source.to_owned(),
        message: e.to_string(),
    })?;
    Ok(format!("{}年{}月{}日", d.year(), d.month(), d.day()))
}

impl Data {
    /// Everything wrong with the data, whatever the templates print (issue 17 item 5): a blank
    /// name, any date that is not a calendar date (`today` is required), a sex other than
    /// `male`, `female` or empty (not known), and a birth date after the day of printing.
    pub fn problems(&self) -> Vec<DataProblem> {
        let mut out = Vec::new();
        let mut add = |field: String, message: String| out.push(DataProblem { field, message });
        let date = |text: &str| Date::parse_iso(text).ok();
        let today = date(&self.today);
        if today.is_none() {
            add(
                "today".into(),
                format!(
                    "作成日は YYYY-MM-DD の日付が必要です（「{}」は日付として読めません）",
                    self.today
                ),
            );
        }
        let mut people = vec![("applicant", &self.applicant)];
        if let Some(s) = &self.subject {
            people.push(("subject", s));
        }
        for (who, a) in people {
            let at = |f: &str| format!("{who}.{f}");
            if a.name.trim().is_empty() {
                add(
                    at("name"),
                    "氏名が空です。カードから読み取るか入力してください".into(),
                );
            }
            if !a.birth_date.is_empty() {
                match date(&a.birth_date) {
                    None => add(
                        at("birth_date"),
                        format!(
                            "生年月日は YYYY-MM-DD で入力してください（「{}」は日付として読めません）",
                            a.birth_date
                        ),
                    ),
                    Some(b) if today.is_some_and(|t| b > t) => add(
                        at("birth_date"),
                        format!(
                            "生年月日（{b}）が作成日（{}）より後になっています",
                            self.today
                        ),
                    ),
                    Some(_) => {}
                }
            }
            if !matches!(a.sex.as_str(), "" | "male" | "female") {
                add(
                    at("sex"),
                    format!("性別は male・female・空欄のいずれかです（「{}」）", a.sex),
                );
            }
        }
        if !self.event_date.is_empty() && date(&self.event_date).is_none() {
            add(
                "event_date".into(),
                format!(
                    "届出の事由の日は YYYY-MM-DD で入力してください（「{}」は日付として読めません）",
                    self.event_date
                ),
            );
        }
        out
    }

    /// The text of a source: dates in 和暦 unless `.seireki`; `""` when not given.
    pub fn value(&self, source: &str) -> Result<String, SourceError> {
        let person = |a: &Applicant, field: &str| -> Result<String, SourceError> {
            Ok(match field {
                "name" => a.name.clone(),
                "kana" => a.kana.clone(),
                "address" => a.address.clone(),
                "postal_code" => a.postal_code.clone(),
                "phone" => a.phone.clone(),
                "birth_date" => wareki(&a.birth_date, source)?,
                "birth_date.seireki" => seireki(&a.birth_date, source)?,
                "sex" => match a.sex.as_str() {
                    "male" => "男".into(),
                    "female" => "女".into(),
                    other => other.to_owned(),
                },
                _ => return Err(SourceError::Unknown(source.to_owned())),
            })
        };
        if let Some(field) = source.strip_prefix("applicant.") {
            return person(&self.applicant, field);
        }
        if let Some(field) = source.strip_prefix("subject.") {
            return match &self.subject {
                Some(s) => person(s, field),
                None if SOURCES.contains(&source) => Ok(String::new()),
                None => Err(SourceError::Unknown(source.to_owned())),
            };
        }
        Ok(match source {
            "event_date" => wareki(&self.event_date, source)?,
            "event_date.seireki" => seireki(&self.event_date, source)?,
            "today" => wareki(&self.today, source)?,
            "today.seireki" => seireki(&self.today, source)?,
            "office" => self.office.clone(),
            "city" => self.city.clone(),
            "staff" => self.staff.clone(),
            other => match other.strip_prefix("answers.") {
                Some(q) if !q.is_empty() => self.answers.get(q).cloned().unwrap_or_default(),
                _ => return Err(SourceError::Unknown(other.to_owned())),
            },
        })
    }

    /// Fills `{source}` in fixed text: 「{office}長 様」.
    pub fn fill(&self, text: &str) -> Result<String, SourceError> {
        let mut out = String::with_capacity(text.len());
        let mut rest = text;
        while let Some(open) = rest.find('{') {
            out.push_str(&rest[..open]);
            let after = &rest[open + 1..];
            let Some(close) = after.find('}') else {
                out.push_str(&rest[open..]);
                return Ok(out);
            };
            out.push_str(&self.value(&after[..close])?);
            rest = &after[close + 1..];
        }
        out.push_str(rest);
        Ok(out)
    }
}

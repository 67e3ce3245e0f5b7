//! Online pre-applications (事前申請): the resident does the guide at home, types their
//! details once, and sends them; staff load them at the counter by the receipt code and
//! follow them through 受付済 → 処理中 → 完了 / 差戻し.
//!
//! The checks here are the relay's (and the page's, before sending): what a field must hold
//! and which status may follow which. They run natively and in the browser alike.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{AnswerValue, GuideRecordItem};

/// The resident's details: 基本4情報 (name, address, birth date, sex) and how to reach them.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ApplicantDetails {
    /// 氏名, as on the residence record.
    pub name: String,
    /// ふりがな.
    #[serde(default)]
    pub kana: String,
    /// 生年月日, `YYYY-MM-DD`.
    pub birth_date: String,
    /// `male`, `female` or empty (not given).
    #[serde(default)]
    pub sex: String,
    /// 郵便番号, seven digits (a hyphen is allowed).
    #[serde(default)]
    pub postal_code: String,
    /// 住所.
    pub address: String,
    /// 電話番号, for the office to call back.
    #[serde(default)]
    pub phone: String,
}

/// `POST /api/offices/{office}/submissions` (public): a pre-application.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct NewSubmission {
    /// The guide's life event (rule pack id), its version and city.
    pub pack: String,
    pub version: String,
    pub city: String,
    /// The reference date the guide was evaluated on (`YYYY-MM-DD`).
    pub date: mado_civil::Date,
    pub answers: BTreeMap<String, AnswerValue>,
    /// The procedures the guide listed (the ones that apply or may apply).
    pub procedures: Vec<GuideRecordItem>,
    pub applicant: ApplicantDetails,
    /// Anything the resident wants the counter to know.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// The capability token of a visit booked with it, so the counter sees both together.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reservation_token: Option<String>,
}

/// Where a pre-application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubmissionStatus {
    /// 受付済: sent, not yet opened by staff.
    Received,
    /// 処理中: staff are working on it.
    InProgress,
    /// 完了: done.
    Completed,
    /// 差戻し: sent back to the resident (something is missing or wrong).
    Returned,
}

impl SubmissionStatus {
    pub const ALL: [Self; 4] = [
        Self::Received,
        Self::InProgress,
        Self::Completed,
        Self::Returned,
    ];

    /// The wire and database name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Received => "received",
            Self::InProgress => "in_progress",
            Self::Completed => "completed",
            Self::Returned => "returned",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// 受付済, 処理中, 完了, 差戻し.
    pub fn label_ja(self) -> &'static str {
        match self {
            Self::Received => "受付済",
            Self::InProgress => "処理中",
            Self::Completed => "完了",
            Self::Returned => "差戻し",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Self::Received => "Received",
            Self::InProgress => "In progress",
            Self::Completed => "Completed",
            Self::Returned => "Returned",
        }
    }

    /// Whether staff may move a pre-application from `self` to `next`. Work starts from
    /// 受付済; 完了 and 差戻し end it, and either can be reopened (処理中) when the resident
    /// brings what was missing or a mistake is found.
    pub fn may_become(self, next: Self) -> bool {
        use SubmissionStatus::*;
        matches!(
            (self, next),
            (Received, InProgress | Returned | Completed)
                | (InProgress, Completed | Returned)
                | (Completed | Returned, InProgress)
        )
    }
}

/// One step of a pre-application's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatusChange {
    pub status: SubmissionStatus,
    pub at_ms: i64,
    /// The staff member's display name; `None` for the resident's sending.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub by: Option<String>,
    /// Why (shown to the resident for 差戻し).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

/// The answer to sending a pre-application: what the resident keeps.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SubmissionReceipt {
    /// The receipt code to show or read out at the counter (`XXXX-XXXX`).
    pub code: String,
    /// The resident's capability token: the status page `/s#TOKEN`, also the QR code.
    pub token: String,
    pub created_at_ms: i64,
    pub status: SubmissionStatus,
}

/// `GET /api/submission-status/{token}` (the resident, by capability token): progress only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SubmissionProgress {
    pub code: String,
    pub office_id: String,
    pub pack: String,
    pub created_at_ms: i64,
    pub status: SubmissionStatus,
    /// Status changes, without staff names.
    pub history: Vec<StatusChange>,
    /// Names of the procedures sent.
    pub procedures: Vec<String>,
}

/// One line of the staff inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SubmissionSummary {
    pub id: i64,
    pub code: String,
    pub pack: String,
    pub city: String,
    pub name: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub status: SubmissionStatus,
    pub procedures: usize,
    /// The booked visit, `YYYY-MM-DD HH:MM`, if one was booked with it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<String>,
}

/// A whole pre-application (staff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Submission {
    pub id: i64,
    pub office_id: String,
    pub code: String,
    pub created_at_ms: i64,
    pub updated_at_ms: i64,
    pub status: SubmissionStatus,
    pub history: Vec<StatusChange>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visit: Option<String>,
    #[serde(flatten)]
    pub submission: NewSubmission,
}

/// `POST /api/submissions/{id}/status` (staff).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct StatusUpdate {
    pub status: SubmissionStatus,
    #[serde(default)]
    pub note: String,
}

/// A field that does not hold what it must: which one (a JSON path) and what was expected.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: String,
    pub expected: &'static str,
}

impl std::fmt::Display for FieldProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.expected)
    }
}

/// Longest free text accepted in a name or address field, in characters.
pub const MAX_FIELD_CHARS: usize = 200;
/// Longest note, in characters.
pub const MAX_NOTE_CHARS: usize = 1000;
/// Most procedures in one pre-application.
pub const MAX_PROCEDURES: usize = 200;

/// A calendar date written `YYYY-MM-DD` (what a person typed is checked here, so that every
/// wrong field is named at once).
fn is_date(s: &str) -> bool {
    mado_civil::Date::parse_iso(s).is_ok()
}

fn is_id(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 64
        && s.bytes()
            .all(|c| c.is_ascii_alphanumeric() || c == b'_' || c == b'-')
}

impl ApplicantDetails {
    /// Every problem with the details, empty when they can be sent.
    pub fn problems(&self, at: &str) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let mut check = |ok: bool, field: &str, expected: &'static str| {
            if !ok {
                out.push(FieldProblem {
                    field: format!("{at}.{field}"),
                    expected,
                });
            }
        };
        let text = |s: &str| s.chars().count() <= MAX_FIELD_CHARS && !s.contains(['\n', '\r']);
        check(
            !self.name.trim().is_empty() && text(&self.name),
            "name",
            "the name, one line of at most 200 characters",
        );
        check(text(&self.kana), "kana", "at most 200 characters, one line");
        check(is_date(&self.birth_date), "birth_date", "a date YYYY-MM-DD");
        check(
            matches!(self.sex.as_str(), "" | "male" | "female"),
            "sex",
            "\"male\", \"female\" or empty",
        );
        let postal: String = self.postal_code.chars().filter(|c| *c != '-').collect();
        check(
            postal.is_empty() || (postal.len() == 7 && postal.bytes().all(|c| c.is_ascii_digit())),
            "postal_code",
            "seven digits (123-4567) or empty",
        );
        check(
            !self.address.trim().is_empty() && text(&self.address),
            "address",
            "the address, one line of at most 200 characters",
        );
        let digits = self.phone.chars().filter(char::is_ascii_digit).count();
        check(
            self.phone.is_empty()
                || ((10..=11).contains(&digits)
                    && self
                        .phone
                        .chars()
                        .all(|c| c.is_ascii_digit() || matches!(c, '-' | ' ' | '(' | ')'))),
            "phone",
            "a Japanese phone number of 10 or 11 digits, or empty",
        );
        out
    }
}

impl NewSubmission {
    /// Every problem with the pre-application, empty when it can be stored.
    pub fn problems(&self) -> Vec<FieldProblem> {
        let mut out = Vec::new();
        let mut check = |ok: bool, field: &str, expected: &'static str| {
            if !ok {
                out.push(FieldProblem {
                    field: field.to_owned(),
                    expected,
                });
            }
        };
        check(is_id(&self.pack), "pack", "a rule pack id");
        check(
            !self.version.is_empty() && self.version.len() <= 64,
            "version",
            "the rule pack version",
        );
        check(is_id(&self.city), "city", "a city id");
        check(
            self.answers.len() <= 200 && self.answers.keys().all(|k| is_id(k)),
            "answers",
            "at most 200 answers keyed by question id",
        );
        check(
            !self.procedures.is_empty() && self.procedures.len() <= MAX_PROCEDURES,
            "procedures",
            "between 1 and 200 procedures",
        );
        check(
            self.note.chars().count() <= MAX_NOTE_CHARS,
            "note",
            "at most 1000 characters",
        );
        for (i, p) in self.procedures.iter().enumerate() {
            if !is_id(&p.id) || p.name.trim().is_empty() || p.name.chars().count() > 200 {
                out.push(FieldProblem {
                    field: format!("procedures[{i}]"),
                    expected: "a procedure id and its name",
                });
            }
        }
        out.extend(self.applicant.problems("applicant"));
        out
    }
}

/// The receipt code as shown: `ABCD-EFGH`. Input is accepted with or without the hyphen, in
/// either case, with full-width characters (as a Japanese IME types them).
pub fn normalise_code(input: &str) -> String {
    input
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `ABCDEFGH` → `ABCD-EFGH`.
pub fn display_code(code: &str) -> String {
    if code.len() == 8 && code.is_ascii() {
        format!("{}-{}", &code[..4], &code[4..])
    } else {
        code.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::GuideStatus;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn sample() -> NewSubmission {
        NewSubmission {
            pack: "okuyami".into(),
            version: "2026.11".into(),
            city: "kitakyushu".into(),
            date: mado_civil::Date::parse_iso("2026-11-20").unwrap(),
            answers: BTreeMap::from([(
                "death_date".into(),
                AnswerValue::Text("2026-11-18".into()),
            )]),
            procedures: vec![GuideRecordItem {
                id: "kokuho_soshitsu".into(),
                name: "国民健康保険の資格喪失".into(),
                status: GuideStatus::Required,
                mark: None,
            }],
            applicant: ApplicantDetails {
                name: "窓口 花子".into(),
                kana: "まどぐち はなこ".into(),
                birth_date: "1960-04-01".into(),
                sex: "female".into(),
                postal_code: "803-8501".into(),
                address: "北九州市小倉北区大手町1-1".into(),
                phone: "093-582-3333".into(),
            },
            note: String::new(),
            reservation_token: None,
        }
    }

    #[test]
    fn a_complete_submission_has_no_problems() {
        assert_eq!(sample().problems(), vec![]);
    }

    #[test]
    fn each_bad_field_is_named_with_what_was_expected() {
        let mut s = sample();
        s.applicant.name = "  ".into();
        s.applicant.birth_date = "1960/04/01".into();
        s.applicant.sex = "m".into();
        s.applicant.postal_code = "80385".into();
        s.applicant.phone = "call me".into();
        s.procedures.clear();
        let fields: Vec<String> = s.problems().into_iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                "procedures",
                "applicant.name",
                "applicant.birth_date",
                "applicant.sex",
                "applicant.postal_code",
                "applicant.phone"
            ]
        );
        let mut s = sample();
        s.applicant.address = "北九州市\n小倉北区".into();
        s.applicant.birth_date = "2026-02-30".into();
        let problems = s.problems();
        assert_eq!(problems.len(), 2);
        // A day that does not exist is not a date (the old check took any 01–31).
        assert_eq!(
            problems[0].to_string(),
            "applicant.birth_date: a date YYYY-MM-DD"
        );
        assert!(
            problems[1]
                .to_string()
                .starts_with("applicant.address: the address")
        );
        // The guide's date is a date by its type: text that is not one does not read.
        let mut json = serde_json::to_value(sample()).unwrap();
        json["date"] = "2026-13-01".into();
        let err = serde_json::from_value::<NewSubmission>(json).unwrap_err();
        assert!(
            err.to_string()
                .contains("2026-13-01 is not a calendar date"),
            "{err}"
        );
    }

    #[test]
    fn statuses_move_forward_and_can_be_reopened() {
        use SubmissionStatus::*;
        assert!(Received.may_become(InProgress));
        assert!(InProgress.may_become(Completed));
        assert!(InProgress.may_become(Returned));
        assert!(Returned.may_become(InProgress));
        assert!(Completed.may_become(InProgress));
        assert!(!Completed.may_become(Returned));
        assert!(!InProgress.may_become(Received));
        assert!(!Received.may_become(Received));
        for s in SubmissionStatus::ALL {
            assert_eq!(SubmissionStatus::parse(s.as_str()), Some(s));
            assert_eq!(
                serde_json::to_value(s).unwrap(),
                serde_json::Value::String(s.as_str().into())
            );
        }
    }

    #[test]
    fn codes_are_read_however_they_are_typed() {
        assert_eq!(normalise_code("abcd-efgh"), "ABCDEFGH");
        assert_eq!(normalise_code("ＡＢＣＤ－ＥＦＧＨ"), "ABCDEFGH");
        assert_eq!(normalise_code(" AB CD EF GH "), "ABCDEFGH");
        assert_eq!(display_code("ABCDEFGH"), "ABCD-EFGH");
    }
}

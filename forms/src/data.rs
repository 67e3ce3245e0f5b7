//! What fills a form: the people of the visit, each in the role a form names them by (申請者,
//! 対象の方, 世帯主, 口座の名義人), the guide's answers, and the visit (dates, addresses before
//! and after a move, office, addressee, staff). The JSON schema is documented in
//! `forms/README.md`.

use std::collections::BTreeMap;

use mado_civil::Date;
use serde::{Deserialize, Serialize};

/// 性別 as forms print it (男 / 女). Unknown is `None`: the box is left for the resident.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Sex {
    Male,
    Female,
}

impl Sex {
    /// 男 / 女.
    pub fn ja(self) -> &'static str {
        match self {
            Sex::Male => "男",
            Sex::Female => "女",
        }
    }
}

/// An account money is paid into (葬祭費, 手当): 金融機関・支店・種別・口座番号・名義（カナ）.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Account {
    /// 金融機関名: 北九州銀行.
    #[serde(default)]
    pub bank: String,
    /// 支店名: 本店営業部.
    #[serde(default)]
    pub branch: String,
    /// 預金種別: 普通 / 当座.
    #[serde(default)]
    pub kind: String,
    /// 口座番号.
    #[serde(default)]
    pub number: String,
    /// 口座名義（カナ）.
    #[serde(default)]
    pub holder: String,
}

impl Account {
    pub fn is_empty(&self) -> bool {
        *self == Account::default()
    }
}

/// A person a form names: 基本4情報 and what else forms ask of them.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// 氏名 as on the My Number card.
    pub name: String,
    /// ふりがな (typed by staff; the card has none).
    #[serde(default)]
    pub kana: String,
    /// 住所 as the form asks it (after a 転入 or 転居, the new one: see `Data::previous_address`).
    #[serde(default)]
    pub address: String,
    #[serde(default)]
    pub postal_code: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<Date>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
    #[serde(default)]
    pub phone: String,
    /// 続柄: the applicant's to the person concerned (妻, 長男); a child's to the applicant
    /// (長男); anyone else's to the 世帯主 (世帯主, 妻).
    #[serde(default)]
    pub relation: String,
    /// 本籍 (住民異動届; not on the card: asked once).
    #[serde(default)]
    pub domicile: String,
    /// 戸籍の筆頭者 (住民異動届).
    #[serde(default)]
    pub family_head: String,
    /// 身体障害者手帳の番号.
    #[serde(default)]
    pub techo_number: String,
    /// 職業.
    #[serde(default)]
    pub occupation: String,
    /// 健康保険の種類: 国民健康保険, 協会けんぽ, 共済組合….
    #[serde(default)]
    pub insurance_kind: String,
    /// The insured person's name when this person is their dependant (a child on a parent's
    /// insurance: 被保険者氏名).
    #[serde(default)]
    pub insurance_holder: String,
    /// 保険者名 of the health insurance the forms concern (全国健康保険協会福岡支部).
    #[serde(default)]
    pub insurer_name: String,
    /// 保険者番号 of the health or care insurance the forms concern.
    #[serde(default)]
    pub insurer_number: String,
    /// The health insurance's 記号・番号 (国保) or 被保険者番号 (後期高齢者医療).
    #[serde(default)]
    pub insured_number: String,
    /// 介護保険の被保険者番号 (apart from the health insurance's).
    #[serde(default)]
    pub care_number: String,
    #[serde(default, skip_serializing_if = "Account::is_empty")]
    pub account: Account,
}

/// The part a person plays on a form. A template names a person by role: `applicant.name`,
/// `subject.birth_date`, `householder.address`, `payee.account.number`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// 申請者・届出人・請求者: who comes to the counter and signs.
    Applicant,
    /// 対象の方: whom the procedure is about (the deceased, the child, the holder of the
    /// certificate, the person joining 国保). The applicant themselves when they apply for
    /// themselves.
    Subject,
    /// 世帯主.
    Householder,
    /// 口座の名義人・受取人: whose account money is paid into.
    Payee,
    /// The child a form is about (児童手当・子ども医療: the first child; the form's other rows
    /// are spare).
    Child,
    /// The applicant's 配偶者.
    Spouse,
    /// 生計維持者: who mainly supports the household (子ども医療, 重度医療 check their income).
    Supporter,
}

impl Role {
    pub const ALL: [Role; 7] = [
        Role::Applicant,
        Role::Subject,
        Role::Householder,
        Role::Payee,
        Role::Child,
        Role::Spouse,
        Role::Supporter,
    ];

    /// The prefix templates use: `applicant`.
    pub fn key(self) -> &'static str {
        match self {
            Role::Applicant => "applicant",
            Role::Subject => "subject",
            Role::Householder => "householder",
            Role::Payee => "payee",
            Role::Child => "child",
            Role::Spouse => "spouse",
            Role::Supporter => "supporter",
        }
    }

    /// The role as staff read it: 申請者（届出人）.
    pub fn ja(self) -> &'static str {
        match self {
            Role::Applicant => "申請者（届出人）",
            Role::Subject => "対象の方",
            Role::Householder => "世帯主",
            Role::Payee => "口座の名義人",
            Role::Child => "お子さん",
            Role::Spouse => "配偶者",
            Role::Supporter => "生計維持者",
        }
    }

    pub fn from_key(key: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// Everything a batch of forms is filled from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Data {
    pub applicant: Person,
    /// The person the procedure is about. The applicant again when they apply for themselves
    /// (the visit fills it so: 本人が申請).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub householder: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub payee: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spouse: Option<Person>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supporter: Option<Person>,
    /// Guide answers: question id → the text to print (an option's label, a number, a date).
    #[serde(default)]
    pub answers: BTreeMap<String, String>,
    /// The life event's date (死亡日, 異動日, 手帳交付日).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub event_date: Option<Date>,
    /// The day of printing.
    pub today: Date,
    /// At a move: the address before it (従前の住所, 前住所; at a 転出 the address being left).
    #[serde(default)]
    pub previous_address: String,
    /// At a move: the address after it (新住所; at a 転出, 転出先).
    #[serde(default)]
    pub new_address: String,
    /// 小倉北区役所.
    #[serde(default)]
    pub office: String,
    /// 北九州市.
    #[serde(default)]
    pub city: String,
    /// The head of the office, to whom the ward's own procedures are addressed: 北九州市小倉北区長
    /// (a ward office), 北見市長.
    #[serde(default)]
    pub head: String,
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
}

/// Data that cannot fill a form: which field (a JSON path) and what it must hold. The batch is
/// refused with every problem listed; nothing is printed from such data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataProblem {
    pub field: String,
    pub message: String,
}

impl DataProblem {
    /// The problem as staff read it: whose field, then what is wrong (「申請者（届出人）: 氏名が空です…」).
    pub fn for_staff(&self) -> String {
        match self
            .field
            .split_once('.')
            .and_then(|(role, _)| Role::from_key(role))
        {
            Some(role) => format!("{}: {}", role.ja(), self.message),
            None => self.message.clone(),
        }
    }
}

impl std::fmt::Display for DataProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

/// The fields of a person a template may print, after `<role>.`.
pub const PERSON_FIELDS: &[&str] = &[
    "name",
    "kana",
    "address",
    "postal_code",
    "phone",
    "birth_date",
    "birth_date.seireki",
    "sex",
    "relation",
    "domicile",
    "family_head",
    "techo_number",
    "occupation",
    "insurance_kind",
    "insurance_holder",
    "insurer_name",
    "insurer_number",
    "insured_number",
    "care_number",
    "account.bank",
    "account.branch",
    "account.kind",
    "account.number",
    "account.holder",
];

/// Every other source a template may use (answers are `answers.<question id>`).
pub const VISIT_SOURCES: &[&str] = &[
    "event_date",
    "event_date.seireki",
    "today",
    "today.seireki",
    "previous_address",
    "new_address",
    "office",
    "city",
    "head",
    "staff",
];

/// Is `name` a source a template may use?
pub fn is_source(name: &str) -> bool {
    if let Some((role, field)) = name.split_once('.')
        && Role::from_key(role).is_some()
    {
        return PERSON_FIELDS.contains(&field);
    }
    VISIT_SOURCES.contains(&name) || name.strip_prefix("answers.").is_some_and(|q| !q.is_empty())
}

fn wareki(d: Option<Date>) -> String {
    // Dates before 明治6年 have no 和暦 here; a birth date so early is not a living person's.
    d.and_then(|d| d.wareki().ok())
        .map(|w| w.to_string())
        .unwrap_or_default()
}

fn seireki(d: Option<Date>) -> String {
    d.map(|d| format!("{}年{}月{}日", d.year(), d.month(), d.day()))
        .unwrap_or_default()
}

impl Person {
    /// The text of one of [`PERSON_FIELDS`]; `None` for a name that is not one.
    pub fn value(&self, field: &str) -> Option<String> {
        Some(match field {
            "name" => self.name.clone(),
            "kana" => self.kana.clone(),
            "address" => self.address.clone(),
            "postal_code" => self.postal_code.clone(),
            "phone" => self.phone.clone(),
            "birth_date" => wareki(self.birth_date),
            "birth_date.seireki" => seireki(self.birth_date),
            "sex" => self.sex.map(Sex::ja).unwrap_or_default().to_owned(),
            "relation" => self.relation.clone(),
            "domicile" => self.domicile.clone(),
            "family_head" => self.family_head.clone(),
            "techo_number" => self.techo_number.clone(),
            "occupation" => self.occupation.clone(),
            "insurance_kind" => self.insurance_kind.clone(),
            "insurance_holder" => self.insurance_holder.clone(),
            "insurer_name" => self.insurer_name.clone(),
            "insurer_number" => self.insurer_number.clone(),
            "insured_number" => self.insured_number.clone(),
            "care_number" => self.care_number.clone(),
            "account.bank" => self.account.bank.clone(),
            "account.branch" => self.account.branch.clone(),
            "account.kind" => self.account.kind.clone(),
            "account.number" => self.account.number.clone(),
            "account.holder" => self.account.holder.clone(),
            _ => return None,
        })
    }
}

impl Data {
    /// Data with nobody named yet but a blank applicant, printed on `today`.
    pub fn new(today: Date) -> Data {
        Data {
            applicant: Person::default(),
            subject: None,
            householder: None,
            payee: None,
            child: None,
            spouse: None,
            supporter: None,
            answers: BTreeMap::new(),
            event_date: None,
            today,
            previous_address: String::new(),
            new_address: String::new(),
            office: String::new(),
            city: String::new(),
            head: String::new(),
            staff: String::new(),
        }
    }

    /// The person in `role`, if the visit has one.
    pub fn person(&self, role: Role) -> Option<&Person> {
        match role {
            Role::Applicant => Some(&self.applicant),
            Role::Subject => self.subject.as_ref(),
            Role::Householder => self.householder.as_ref(),
            Role::Payee => self.payee.as_ref(),
            Role::Child => self.child.as_ref(),
            Role::Spouse => self.spouse.as_ref(),
            Role::Supporter => self.supporter.as_ref(),
        }
    }

    /// Everything wrong with the data, whatever the templates print (issue 17 item 5): a blank
    /// name of anyone named, and a birth date after the day of printing. (Dates that are not
    /// calendar dates and sexes other than male or female are refused when the JSON is read.)
    pub fn problems(&self) -> Vec<DataProblem> {
        let mut out = Vec::new();
        for role in Role::ALL {
            let Some(p) = self.person(role) else {
                continue;
            };
            let at = |f: &str| format!("{}.{f}", role.key());
            if p.name.trim().is_empty() {
                out.push(DataProblem {
                    field: at("name"),
                    message: "氏名が空です。カードから読み取るか入力してください".into(),
                });
            }
            if let Some(b) = p.birth_date
                && b > self.today
            {
                out.push(DataProblem {
                    field: at("birth_date"),
                    message: format!(
                        "生年月日（{b}）が作成日（{}）より後になっています",
                        self.today
                    ),
                });
            }
        }
        out
    }

    /// The text of a source: dates in 和暦 unless `.seireki`; `""` when not given (a role
    /// the visit has nobody in prints empty).
    pub fn value(&self, source: &str) -> Result<String, SourceError> {
        let unknown = || SourceError::Unknown(source.to_owned());
        if let Some((role, field)) = source.split_once('.')
            && let Some(role) = Role::from_key(role)
        {
            if !PERSON_FIELDS.contains(&field) {
                return Err(unknown());
            }
            return Ok(self
                .person(role)
                .and_then(|p| p.value(field))
                .unwrap_or_default());
        }
        Ok(match source {
            "event_date" => wareki(self.event_date),
            "event_date.seireki" => seireki(self.event_date),
            "today" => wareki(Some(self.today)),
            "today.seireki" => seireki(Some(self.today)),
            "previous_address" => self.previous_address.clone(),
            "new_address" => self.new_address.clone(),
            "office" => self.office.clone(),
            "city" => self.city.clone(),
            "head" => self.head.clone(),
            "staff" => self.staff.clone(),
            other => match other.strip_prefix("answers.") {
                Some(q) if !q.is_empty() => self.answers.get(q).cloned().unwrap_or_default(),
                _ => return Err(unknown()),
            },
        })
    }

    /// Fills `{source}` in fixed text: 「{head}　様」.
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

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    #[test]
    fn a_person_is_named_by_role_and_an_absent_role_prints_empty() {
        let data = Data {
            applicant: Person {
                name: "山田 花子".into(),
                birth_date: Some(d("1956-05-01")),
                sex: Some(Sex::Female),
                insured_number: "12-345".into(),
                account: Account {
                    bank: "北九州銀行".into(),
                    ..Account::default()
                },
                ..Person::default()
            },
            ..Data::new(d("2026-11-22"))
        };
        assert_eq!(
            data.value("applicant.birth_date").unwrap(),
            "昭和31年5月1日"
        );
        assert_eq!(
            data.value("applicant.birth_date.seireki").unwrap(),
            "1956年5月1日"
        );
        assert_eq!(data.value("applicant.sex").unwrap(), "女");
        assert_eq!(data.value("applicant.insured_number").unwrap(), "12-345");
        assert_eq!(data.value("applicant.account.bank").unwrap(), "北九州銀行");
        assert_eq!(data.value("householder.name").unwrap(), "");
        assert_eq!(data.value("today").unwrap(), "令和8年11月22日");
        assert_eq!(data.value("event_date").unwrap(), "");
        assert_eq!(
            data.value("payee.age"),
            Err(SourceError::Unknown("payee.age".into()))
        );
        assert!(is_source("payee.account.holder") && is_source("head"));
        assert!(!is_source("agent.name") && !is_source("answers."));
    }

    #[test]
    fn dates_and_sexes_that_are_not_are_refused_when_the_json_is_read() {
        let ok = r#"{"applicant":{"name":"山田","birth_date":"1956-05-01","sex":"male"},"today":"2026-11-22"}"#;
        let data: Data = serde_json::from_str(ok).unwrap();
        assert_eq!(data.applicant.sex, Some(Sex::Male));
        for (bad, want) in [
            (ok.replace("1956-05-01", "1956-02-30"), "1956-02-30"),
            (ok.replace("\"male\"", "\"1\""), "unknown variant"),
            (ok.replace("2026-11-22", "2026/11/22"), "2026/11/22"),
        ] {
            let e = serde_json::from_str::<Data>(&bad).unwrap_err().to_string();
            assert!(e.contains(want), "{e}");
        }
    }

    #[test]
    fn problems_name_each_role_for_staff() {
        let data = Data {
            applicant: Person::default(),
            payee: Some(Person {
                name: "山田 一郎".into(),
                birth_date: Some(d("2030-01-01")),
                ..Person::default()
            }),
            ..Data::new(d("2026-11-22"))
        };
        let staff: Vec<String> = data.problems().iter().map(DataProblem::for_staff).collect();
        assert_eq!(
            staff,
            [
                "申請者（届出人）: 氏名が空です。カードから読み取るか入力してください",
                "口座の名義人: 生年月日（2030-01-01）が作成日（2026-11-22）より後になっています",
            ]
        );
    }
}

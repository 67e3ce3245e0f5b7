//! The rule-pack file format, exactly as written in `rules/packs/<pack>/pack.yaml`, the
//! pack's city differences `rules/packs/<pack>/cities/<city>.yaml` ([`PackCityFile`]) and the
//! city profiles `rules/packs/cities/<city>.yaml` ([`CityFile`]). The loader puts each city's
//! differences into the pack ([`PackFile::cities`], [`ProcedureDef::cities`]), and the pack
//! travels to the browser so, as JSON.
//!
//! Nothing here is checked beyond its shape; [`crate::Guide::build`] resolves names, parses
//! conditions and checks types for one city.

use std::collections::BTreeMap;

use mado_civil::Date;
use serde::{Deserialize, Serialize};

/// One life event's pack (`okuyami`, `shintai-techo`, `hikkoshi`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackFile {
    pub id: String,
    /// Bumped on every rule change; recorded with each counter record.
    pub version: String,
    /// The life event as residents say it: 「ご家族が亡くなったとき」.
    pub title: String,
    #[serde(default)]
    pub summary: String,
    /// The date question the deadlines count from (死亡日, 異動日, 交付日).
    pub event_date: String,
    /// Cities the pack is written for: one file `cities/<city>.yaml` each beside `pack.yaml`
    /// (filled in by the loader; `pack.yaml` itself names none). `Guide::build` refuses others.
    #[serde(default)]
    pub cities: Vec<String>,
    pub questions: Vec<QuestionDef>,
    #[serde(default)]
    pub derived: Vec<DerivedDef>,
    #[serde(default)]
    pub parameters: Vec<ParameterDef>,
    pub procedures: Vec<ProcedureDef>,
    /// Who the people of a visit are for this life event (issue 19).
    #[serde(default)]
    pub visit: VisitDef,
}

/// What the counter's visit takes from the pack: whom the procedures are about, and whether
/// the life event is a move (which way it goes, from derived facts).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VisitDef {
    /// 対象の方 as this life event names them: 亡くなった方, 手帳の交付を受ける方, 引越しする方.
    #[serde(default)]
    pub subject: String,
    /// The applicant can be that person (本人が申請); not when they have died.
    #[serde(default = "yes")]
    pub subject_can_apply: bool,
    /// A move: the derived yes/no facts that say it comes into the city, stays within it, or
    /// leaves it. The forms then print the address before and after it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moves: Option<MovesDef>,
}

fn yes() -> bool {
    true
}

/// The derived facts naming a move's direction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MovesDef {
    pub into: String,
    pub within: String,
    pub out: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionType {
    /// はい / いいえ.
    Bool,
    /// A whole number, with `unit`, `min` and `max`.
    Number,
    /// `YYYY-MM-DD`.
    Date,
    /// One of `options`.
    Choice,
    /// Any of `options` (none is a valid answer).
    Multi,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QuestionDef {
    pub id: String,
    #[serde(rename = "type")]
    pub kind: QuestionType,
    /// The question as staff read it out.
    pub label: String,
    /// A few words used in reasons: 「故人の年齢」.
    pub short: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub help: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<i64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<OptionDef>,
    /// Ask only when this condition holds (answers to questions not asked are ignored).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ask_if: Option<String>,
    /// A date question about something that has happened (a birth, a death, a 手帳 received):
    /// an answer after the day of the visit is refused.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub past: bool,
    /// Offers 「わからない」 where a resident may not know the answer (income, insurance
    /// history): the document or office that settles it, shown in the reason of what waits
    /// for it (「課税証明書の「所得割額」で確かめられます」).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unknown: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct OptionDef {
    pub id: String,
    pub label: String,
    /// Offered only in these cities (e.g. 区間異動 only where there are wards); empty: all.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cities: Vec<String>,
}

/// A value computed from answers, e.g. `age(birth_date, today)`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DerivedDef {
    pub id: String,
    pub short: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub unit: String,
    pub expr: String,
}

/// A dated value or table (income limits by number of dependents).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterDef {
    pub id: String,
    pub name: String,
    pub unit: String,
    /// For tables: added per person beyond the last entry (北見市: 6人目以降 +213,000円).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub step: Option<i64>,
    /// Revised every fiscal year from 4月1日 (手当の月額): `mado-rules lint` warns when a date
    /// falls in a fiscal year with no value of its own, and the guide then says which year's
    /// amount it shows instead of showing it as current.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub yearly: bool,
    pub values: Vec<ParameterValueDef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParameterValueDef {
    /// `YYYY-MM-DD`, the day the value took effect.
    pub since: String,
    pub value: ParamValue,
    /// Statute, 要綱 or source page.
    #[serde(rename = "ref")]
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum ParamValue {
    One(i64),
    /// Entry *n* is for *n* dependents.
    Table(Vec<i64>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// 必要な手続き.
    Required,
    /// 対象の可能性あり: conditions hold that the counter cannot settle (a medical assessment,
    /// a document to check).
    MayApply,
    /// 対象外.
    NotApplicable,
    /// 確認が必要: an unanswered question decides it.
    NeedsAnswer,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::MayApply => "may_apply",
            Self::NotApplicable => "not_applicable",
            Self::NeedsAnswer => "needs_answer",
        }
    }
    /// The group heading staff and residents see.
    pub fn heading_ja(self) -> &'static str {
        match self {
            Self::Required => "必要な手続き",
            Self::MayApply => "対象の可能性あり",
            Self::NotApplicable => "対象外",
            Self::NeedsAnswer => "確認が必要",
        }
    }
}

/// One decision-table row: the first row whose `when` holds decides (hit policy FIRST).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RowDef {
    pub when: String,
    pub then: Status,
    /// A sentence staff can read out; the facts that held are added automatically.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub because: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DeadlineDef {
    /// As the source words it: 「死亡を知った日から7日以内」.
    pub text: String,
    /// The date the period counts from (a date question or derived value).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub months: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub years: Option<i64>,
    /// The first day counts as day 1 (戸籍法第43条); otherwise it does not (民法第140条).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub first_day: bool,
    /// `MM-DD`: the next such day after `from` (固定資産税の賦課期日 01-01).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// The law that moves a last day falling on a day the office is closed (土日祝・12/29–1/3)
    /// to the next day it is open: 「地方自治法第4条の2第4項」 for a period a law or an order
    /// under it sets for the city, 「行政機関の休日に関する法律第2条」 for the nation's offices,
    /// the city's 休日条例 for its own rules. Without it the day stays (a 時効 is not moved).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub closed: Option<String>,
    /// Only in `cases`: the condition under which this deadline replaces the main one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub when: Option<String>,
    /// Deadlines that apply instead of this one when their `when` holds, the first that holds
    /// winning (死亡届: 国外で亡くなったときは3か月; 年金受給権者死亡届: 国民年金は14日).
    /// When a case's condition is not yet answered, this main deadline is shown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cases: Vec<DeadlineDef>,
}

/// Fields a city profile may replace for one procedure.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcedureOverride {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub counter: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DeadlineDef>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub documents: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub forms: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rules: Option<Vec<RowDef>>,
    /// The day this city's facts were last checked against its source (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<String>,
    /// The city does not offer this procedure.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub absent: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProcedureDef {
    pub id: String,
    pub name: String,
    /// A counter id from the city profile (`shimin`, `kokuho`, `shogai`, …).
    pub counter: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DeadlineDef>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub documents: Vec<String>,
    /// Form template ids (`forms/templates/`) printed for this procedure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub forms: Vec<String>,
    /// The page the rule is written from.
    pub source: String,
    /// The day its facts (deadline, counter, documents, amounts, forms) were last checked
    /// against `source` (`YYYY-MM-DD`); `mado-rules lint` lists those older than a year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub checked: Option<String>,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    pub rules: Vec<RowDef>,
    /// What holds when no row matches.
    #[serde(rename = "else")]
    pub otherwise: Status,
    /// What each city does differently (from `cities/<city>.yaml`, filled in by the loader).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub cities: BTreeMap<String, ProcedureOverride>,
}

/// One city's differences from a pack: `rules/packs/<pack>/cities/<city>.yaml`. The file's
/// name is the city's id; a city with no differences has the file all the same
/// (`procedures: {}`): the file is what makes the pack offer the city.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PackCityFile {
    /// Procedure id → the fields the city replaces, or `absent: true`.
    pub procedures: BTreeMap<String, ProcedureOverride>,
}

/// A municipality profile: its name and counters.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CityFile {
    pub id: String,
    /// 北九州市.
    pub name: String,
    /// Words that belong to this city alone (its name, its web hosts' names): a procedure
    /// shown in another city must not contain them, so a pack never silently hands one city's
    /// counter, documents, page or form to the other.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub marks: Vec<String>,
    pub counters: BTreeMap<String, CounterDef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CounterDef {
    /// 区役所 国保年金課.
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
}

/// A scenario test file: `rules/packs/*/tests/*.yaml`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScenarioDef {
    /// A full sentence saying what the case shows.
    pub name: String,
    /// The page the expectation is written from.
    pub source: String,
    pub city: String,
    /// The reference date (the day of the counter visit).
    pub date: Date,
    #[serde(default)]
    pub answers: BTreeMap<String, serde_json::Value>,
    /// Procedure id → expected status. Procedures not listed are not checked.
    pub expect: BTreeMap<String, Status>,
    /// Procedure id → text each expected to appear in one of its reasons.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub reasons: BTreeMap<String, Vec<String>>,
    /// Procedure id → expected deadline date (`YYYY-MM-DD`).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub deadlines: BTreeMap<String, Date>,
    /// Questions expected among those still worth asking.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub ask: Vec<String>,
    /// Questions expected not to be shown at all: no answer to them changes anything now.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_asked: Vec<String>,
    /// Questions expected not among those still to ask, though they may be shown (answered
    /// 「わからない」: not asked again).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_to_ask: Vec<String>,
    /// Procedure id → the counter's name, exactly as shown.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub counters: BTreeMap<String, String>,
    /// Procedure id → texts each expected somewhere in what the guide and the handout show for
    /// it: its name, counter (name and note), deadline, documents, note and reasons.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub shown: BTreeMap<String, Vec<String>>,
    /// Procedure id → texts that must appear nowhere in what is shown for it.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub not_shown: BTreeMap<String, Vec<String>>,
}

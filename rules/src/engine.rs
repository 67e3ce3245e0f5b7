//! Evaluation: answers + reference date → every procedure's status, reasons, counter and
//! deadline, and the questions still worth asking.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::expr::{CmpOp, Expr};
use crate::guide::{Guide, Name, Procedure, Ty};
use crate::pack::{DeadlineDef, ParamValue, QuestionType, Status};
use crate::phrases::Phrases;
use mado_civil::Date;

/// One answer, already checked against its question.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Value {
    Bool(bool),
    Int(i64),
    Date(Date),
    Choice(String),
    Multi(Vec<String>),
    /// 「わからない」: the resident does not know, on a question whose pack says which document
    /// settles it (`unknown:`). Evaluated as unanswered, but not asked again (issue 20 item 4).
    Unknown,
}

/// How an answer of 「わからない」 is written in answers JSON and links.
pub const UNKNOWN: &str = "unknown";

/// Answers by question id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers(pub BTreeMap<String, Value>);

/// Bad input in answers: which answer, what was found, what was expected.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AnswerError {
    #[error("answer {id:?}: there is no such question in pack {pack:?}")]
    UnknownQuestion { id: String, pack: String },
    #[error("answer {id:?}: expected {expected}, found {found}")]
    WrongType {
        id: String,
        expected: String,
        found: String,
    },
    #[error("answers must be a JSON object of question id → answer, found {0}")]
    NotAnObject(String),
    #[error(
        "answer {id:?}: {date} is after the day of the visit ({today}); it asks about something that has already happened"
    )]
    AfterVisit { id: String, date: Date, today: Date },
}

fn json_kind(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::Null => "null".into(),
        serde_json::Value::Bool(b) => format!("{b}"),
        serde_json::Value::Number(n) => format!("the number {n}"),
        serde_json::Value::String(s) => format!("the text {s:?}"),
        serde_json::Value::Array(_) => "a list".into(),
        serde_json::Value::Object(_) => "an object".into(),
    }
}

impl Answers {
    /// Refuses an answer to a `past` date question that falls after `today`, the day of the
    /// visit (a death or a birth cannot be tomorrow).
    pub fn check_on(&self, guide: &Guide, today: Date) -> Result<(), AnswerError> {
        for q in guide.questions.iter().filter(|q| q.def.past) {
            if let Some(Value::Date(d)) = self.0.get(&q.def.id)
                && *d > today
            {
                return Err(AnswerError::AfterVisit {
                    id: q.def.id.clone(),
                    date: *d,
                    today,
                });
            }
        }
        Ok(())
    }

    /// As [`Answers::from_json`], for the visit on `today`: an answer to a question not shown
    /// (its `ask_if` false on the other answers) is ignored, not type-checked, as the README
    /// says; a `past` date after `today` is refused.
    pub fn from_json_on(
        guide: &Guide,
        raw: &serde_json::Value,
        today: Date,
    ) -> Result<Self, AnswerError> {
        let obj = raw
            .as_object()
            .ok_or_else(|| AnswerError::NotAnObject(json_kind(raw)))?;
        let mut good = serde_json::Map::new();
        let mut bad = Vec::new();
        for (id, v) in obj {
            let one = serde_json::Value::Object([(id.clone(), v.clone())].into_iter().collect());
            match Self::from_json(guide, &one) {
                Ok(_) => {
                    good.insert(id.clone(), v.clone());
                }
                Err(e @ AnswerError::UnknownQuestion { .. }) => return Err(e),
                Err(e) => bad.push((id.clone(), e)),
            }
        }
        let answers = Self::from_json(guide, &serde_json::Value::Object(good))?;
        if !bad.is_empty() {
            let visible = guide.visibility(&answers, today).unwrap_or_default();
            for (id, e) in bad {
                let shown = guide
                    .questions
                    .iter()
                    .position(|q| q.def.id == id)
                    .is_none_or(|i| visible.get(i).copied().unwrap_or(true));
                if shown {
                    return Err(e);
                }
            }
        }
        answers.check_on(guide, today)?;
        Ok(answers)
    }

    /// Checks raw answers (`{"grade": 2, "parts": ["heart"]}`) against the guide's questions.
    /// `null` means "not answered yet".
    pub fn from_json(guide: &Guide, raw: &serde_json::Value) -> Result<Self, AnswerError> {
        let obj = raw
            .as_object()
            .ok_or_else(|| AnswerError::NotAnObject(json_kind(raw)))?;
        let mut out = BTreeMap::new();
        for (id, v) in obj {
            let q = guide
                .question(id)
                .ok_or_else(|| AnswerError::UnknownQuestion {
                    id: id.clone(),
                    pack: guide.pack.clone(),
                })?;
            if v.is_null() {
                continue;
            }
            let def = &q.def;
            if v.as_str() == Some(UNKNOWN) {
                if def.unknown.is_none() {
                    return Err(AnswerError::WrongType {
                        id: id.clone(),
                        expected: "an answer (this question does not offer 「わからない」)".into(),
                        found: json_kind(v),
                    });
                }
                out.insert(id.clone(), Value::Unknown);
                continue;
            }
            let options = || {
                def.options
                    .iter()
                    .map(|o| o.id.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let wrong = |expected: String| AnswerError::WrongType {
                id: id.clone(),
                expected,
                found: json_kind(v),
            };
            let value = match def.kind {
                QuestionType::Bool => {
                    Value::Bool(v.as_bool().ok_or_else(|| wrong("true or false".into()))?)
                }
                QuestionType::Number => {
                    let range = format!(
                        "a whole number{}{}",
                        def.min.map(|m| format!(" ≥ {m}")).unwrap_or_default(),
                        def.max.map(|m| format!(" ≤ {m}")).unwrap_or_default()
                    );
                    // 70.0 is 70; 70.5 is not a whole number.
                    let n = v
                        .as_i64()
                        .or_else(|| {
                            v.as_f64()
                                .filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15)
                                .map(|f| f as i64)
                        })
                        .ok_or_else(|| wrong(range.clone()))?;
                    if def.min.is_some_and(|m| n < m) || def.max.is_some_and(|m| n > m) {
                        return Err(wrong(range));
                    }
                    Value::Int(n)
                }
                QuestionType::Date => {
                    let s = v
                        .as_str()
                        .ok_or_else(|| wrong("a date \"YYYY-MM-DD\"".into()))?;
                    Value::Date(
                        Date::parse_iso(s).map_err(|_| wrong("a date \"YYYY-MM-DD\"".into()))?,
                    )
                }
                QuestionType::Choice => {
                    let s = v
                        .as_str()
                        .filter(|s| def.options.iter().any(|o| o.id == *s))
                        .ok_or_else(|| wrong(format!("one of {}", options())))?;
                    Value::Choice(s.to_owned())
                }
                QuestionType::Multi => {
                    let list = v
                        .as_array()
                        .ok_or_else(|| wrong(format!("a list of {}", options())))?;
                    let mut chosen = Vec::new();
                    for item in list {
                        let s = item
                            .as_str()
                            .filter(|s| def.options.iter().any(|o| o.id == *s))
                            .ok_or_else(|| AnswerError::WrongType {
                                id: id.clone(),
                                expected: format!("a list of {}", options()),
                                found: format!("a list holding {}", json_kind(item)),
                            })?;
                        if !chosen.iter().any(|c| c == s) {
                            chosen.push(s.to_owned());
                        }
                    }
                    // `min:` on a multiple choice: at least that many options.
                    if let Some(m) = def.min
                        && (chosen.len() as i64) < m
                    {
                        return Err(AnswerError::WrongType {
                            id: id.clone(),
                            expected: format!("a list of at least {m} of {}", options()),
                            found: format!("a list of {}", chosen.len()),
                        });
                    }
                    Value::Multi(chosen)
                }
            };
            out.insert(id.clone(), value);
        }
        Ok(Self(out))
    }

    /// A compact, URL-safe form for a link (`death_date=2026-11-20&deceased_age=80&parts=heart,liver&householder=1`).
    pub fn to_query(&self) -> String {
        let mut parts = Vec::new();
        for (k, v) in &self.0 {
            let v = match v {
                Value::Bool(b) => {
                    if *b {
                        "1".to_owned()
                    } else {
                        "0".to_owned()
                    }
                }
                Value::Int(n) => n.to_string(),
                Value::Date(d) => d.to_string(),
                Value::Choice(s) => s.clone(),
                Value::Multi(v) => v.join(","),
                Value::Unknown => UNKNOWN.to_owned(),
            };
            parts.push(format!("{k}={v}"));
        }
        parts.join("&")
    }

    /// Reads [`Answers::to_query`]'s form. Pairs that do not fit a question are left out and
    /// their keys returned, so the page can say which answers to give again.
    pub fn from_query(guide: &Guide, query: &str) -> (Self, Vec<String>) {
        let mut raw = serde_json::Map::new();
        let mut bad = Vec::new();
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            let Some(q) = guide.question(k) else {
                bad.push(k.to_owned());
                continue;
            };
            let j = match q.def.kind {
                _ if v == UNKNOWN && q.def.unknown.is_some() => {
                    serde_json::Value::String(UNKNOWN.to_owned())
                }
                QuestionType::Bool => match v {
                    "1" => serde_json::Value::Bool(true),
                    "0" => serde_json::Value::Bool(false),
                    _ => serde_json::Value::String(v.to_owned()),
                },
                QuestionType::Number => v.parse::<i64>().map_or_else(
                    |_| serde_json::Value::String(v.to_owned()),
                    serde_json::Value::from,
                ),
                QuestionType::Multi if v.is_empty() => serde_json::Value::Array(vec![]),
                QuestionType::Multi => v
                    .split(',')
                    .map(|s| serde_json::Value::String(s.to_owned()))
                    .collect(),
                QuestionType::Date | QuestionType::Choice => {
                    serde_json::Value::String(v.to_owned())
                }
            };
            // Check each pair on its own so one bad value does not lose the rest.
            let mut one = serde_json::Map::new();
            one.insert(k.to_owned(), j.clone());
            if Self::from_json(guide, &serde_json::Value::Object(one)).is_ok() {
                raw.insert(k.to_owned(), j);
            } else {
                bad.push(k.to_owned());
            }
        }
        let answers = Self::from_json(guide, &serde_json::Value::Object(raw)).unwrap_or_default();
        (answers, bad)
    }

    /// The answers as JSON (the inverse of [`Answers::from_json`]).
    pub fn to_json(&self) -> serde_json::Value {
        let mut m = serde_json::Map::new();
        for (k, v) in &self.0 {
            let j = match v {
                Value::Bool(b) => serde_json::Value::Bool(*b),
                Value::Int(n) => serde_json::Value::from(*n),
                Value::Date(d) => serde_json::Value::String(d.to_string()),
                Value::Choice(s) => serde_json::Value::String(s.clone()),
                Value::Multi(v) => v.iter().cloned().map(serde_json::Value::String).collect(),
                Value::Unknown => serde_json::Value::String(UNKNOWN.to_owned()),
            };
            m.insert(k.clone(), j);
        }
        serde_json::Value::Object(m)
    }
}

/// A bug in the pack data that only shows on some dates or answers.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EvalError {
    /// Bad pack data: a parameter has no value on the reference date.
    #[error("{0}")]
    Parameter(#[from] crate::ParameterError),
    /// Bad pack data: a table has no entry for the index and no `step`.
    #[error("parameter {name:?} has no entry for {index} (it has {len} entries and no step)")]
    NoEntry {
        name: String,
        index: i64,
        len: usize,
    },
}

/// Why a procedure got its status: one sentence, and where it comes from.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Reason {
    pub text: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CounterOut {
    pub id: String,
    pub name: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub phone: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct DeadlineOut {
    /// As the source words it.
    pub text: String,
    /// The last day (`YYYY-MM-DD` in JSON), when the date it counts from is known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<Date>,
    /// `令和8年12月6日（日）`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wareki: Option<String>,
    /// Why the last day is later than the period's end: 「令和8年12月6日（日）は日曜日のため、
    /// 翌開庁日まで（地方自治法第4条の2第4項）」.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub moved: Option<String>,
    /// The whole deadline as the guide shows it, in the bundle's language: 「令和8年12月6日
    /// （日）まで（死亡の事実を知った日から7日以内）」 (only with a last day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub until: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProcedureResult {
    pub id: String,
    pub name: String,
    pub status: Status,
    pub reasons: Vec<Reason>,
    pub counter: CounterOut,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<DeadlineOut>,
    pub documents: Vec<String>,
    pub forms: Vec<String>,
    pub source: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// For `needs_answer`: the questions that decide it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub missing: Vec<String>,
}

/// The result for one set of answers: the eval JSON contract (`rules/README.md`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub pack: String,
    pub version: String,
    pub city: String,
    /// The day of the visit the rules were read on (`YYYY-MM-DD` in JSON).
    pub date: Date,
    pub procedures: Vec<ProcedureResult>,
    /// Questions shown now (their `ask_if` holds), in order.
    pub questions: Vec<String>,
    /// Unanswered questions that would settle a `needs_answer` procedure, in order.
    pub ask: Vec<String>,
    /// Of `questions`, those no status or deadline of this city reads: asked only for what
    /// the forms of the applying procedures print (the counter lists them after the others).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub for_forms: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Truth {
    True,
    False,
    Unknown,
}

#[derive(Debug, Default)]
struct Outcome {
    facts: Vec<Reason>,
    missing: Vec<usize>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Val {
    Bool(bool),
    Int(i64),
    Date(Date),
    Opt(String),
    Set(Vec<String>),
}

/// A row's status and which row gave it (`None`: `else`).
type Decided = (Status, Option<usize>);

/// A status no open answer changes, and the rows that gave it.
type Settled = (Status, BTreeSet<Option<usize>>);

/// The state of [`Guide::settle`]'s search for one procedure.
struct Search<'a> {
    p: &'a Procedure,
    /// The answers with the values being tried.
    work: Answers,
    today: Date,
    /// Steps left.
    budget: u32,
    /// The status every way of answering tried so far gave.
    found: Option<Status>,
    /// The rows that gave it.
    rows: BTreeSet<Option<usize>>,
}

/// Steps allowed to settle one procedure by trying the ways its open questions can be
/// answered; past it the procedure keeps waiting for the answer (never a guess).
const SETTLE_BUDGET: u32 = 128;

/// Ways of answering a row's open questions tried to see whether it can still change.
const ROW_COMBINATIONS: usize = 16;

/// Thousands separators for amounts: 4596000 → 4,596,000.
pub fn group_digits(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    if digits.len() <= 3 {
        return n.to_string();
    }
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    if n < 0 { format!("-{out}") } else { out }
}

/// A row's condition on partial answers and, when undecided, the questions it waits for.
#[cfg(feature = "yaml")]
pub(crate) type RowTruth = (Option<bool>, Vec<usize>);

struct Ctx<'a> {
    g: &'a Guide,
    answers: &'a Answers,
    visible: Vec<bool>,
    today: Date,
    /// Build the sentences of the facts that held (off while searching: only truth counts).
    explain: bool,
}

impl Ctx<'_> {
    fn val(&self, e: &Expr) -> Result<Result<Val, Vec<usize>>, EvalError> {
        Ok(Ok(match e {
            Expr::Bool(b) => Val::Bool(*b),
            Expr::Int(n) => Val::Int(*n),
            Expr::Name { name, .. } => match self.g.names.get(name) {
                Some(Name::Today) => Val::Date(self.today),
                Some(Name::City) => Val::Opt(self.g.city.clone()),
                Some(Name::Question(i)) => {
                    let q = &self.g.questions[*i].def;
                    match self.answers.0.get(&q.id).filter(|_| self.visible[*i]) {
                        Some(Value::Bool(b)) => Val::Bool(*b),
                        Some(Value::Int(n)) => Val::Int(*n),
                        Some(Value::Date(d)) => Val::Date(*d),
                        Some(Value::Choice(s)) => Val::Opt(s.clone()),
                        Some(Value::Multi(v)) => Val::Set(v.clone()),
                        Some(Value::Unknown) | None => return Ok(Err(vec![*i])),
                    }
                }
                Some(Name::Derived(i)) => return self.val(&self.g.derived[*i].expr),
                Some(Name::Param(i)) => {
                    let p = &self.g.params[*i];
                    match &p.values.value_on(self.today)?.value {
                        ParamValue::One(n) => Val::Int(*n),
                        ParamValue::Table(_) => return Ok(Err(vec![])),
                    }
                }
                // An option id beside a choice (checked when the guide was built).
                None => Val::Opt(name.clone()),
            },
            Expr::Index { name, index, .. } => {
                let idx = match self.val(index)? {
                    Ok(Val::Int(n)) => n,
                    Ok(_) => return Ok(Err(vec![])),
                    Err(m) => return Ok(Err(m)),
                };
                Val::Int(self.entry(name, idx)?.1)
            }
            Expr::Call { func, args, .. } if func == "count" => match args.first() {
                Some(a) => match self.val(a)? {
                    Ok(Val::Set(v)) => Val::Int(v.len() as i64),
                    Ok(_) => return Ok(Err(vec![])),
                    Err(m) => return Ok(Err(m)),
                },
                None => return Ok(Err(vec![])),
            },
            Expr::Call { func, args, .. } => {
                let mut dates = Vec::new();
                let mut missing = Vec::new();
                for a in args {
                    match self.val(a)? {
                        Ok(Val::Date(d)) => dates.push(d),
                        Ok(_) => {}
                        Err(m) => missing.extend(m),
                    }
                }
                if !missing.is_empty() || dates.len() != 2 {
                    return Ok(Err(missing));
                }
                Val::Int(match func.as_str() {
                    "fiscal_age" => mado_civil::fiscal_age(dates[0], dates[1]),
                    _ => mado_civil::age(dates[0], dates[1]),
                })
            }
            Expr::Add(a, b) | Expr::Sub(a, b) => {
                let (x, y) = (self.val(a)?, self.val(b)?);
                match (x, y) {
                    (Ok(Val::Int(x)), Ok(Val::Int(y))) => Val::Int(if matches!(e, Expr::Add(..)) {
                        x.saturating_add(y)
                    } else {
                        x.saturating_sub(y)
                    }),
                    (x, y) => {
                        let mut m = x.err().unwrap_or_default();
                        m.extend(y.err().unwrap_or_default());
                        return Ok(Err(m));
                    }
                }
            }
            _ => match self.truth(e)? {
                (Truth::True, _) => Val::Bool(true),
                (Truth::False, _) => Val::Bool(false),
                (Truth::Unknown, o) => return Ok(Err(o.missing)),
            },
        }))
    }

    /// Table entry `name[idx]`: (the parameter index, the value).
    fn entry(&self, name: &str, idx: i64) -> Result<(usize, i64), EvalError> {
        let Some(Name::Param(i)) = self.g.names.get(name) else {
            return Err(EvalError::NoEntry {
                name: name.into(),
                index: idx,
                len: 0,
            });
        };
        let p = &self.g.params[*i];
        let v = match &p.values.value_on(self.today)?.value {
            ParamValue::Table(t) => {
                let last = t.len() as i64 - 1;
                if idx < 0 || (idx > last && p.def.step.is_none()) {
                    return Err(EvalError::NoEntry {
                        name: p.def.name.clone(),
                        index: idx,
                        len: t.len(),
                    });
                }
                if idx > last {
                    t[last as usize] + (idx - last) * p.def.step.unwrap_or(0)
                } else {
                    t[idx as usize]
                }
            }
            ParamValue::One(n) => *n,
        };
        Ok((*i, v))
    }

    /// Label and unit for the left side of a fact.
    fn label(&self, e: &Expr) -> (String, String) {
        match e {
            Expr::Name { name, .. } => match self.g.names.get(name) {
                Some(Name::Question(i)) => {
                    let d = &self.g.questions[*i].def;
                    (d.short.clone(), d.unit.clone())
                }
                Some(Name::Derived(i)) => {
                    let d = &self.g.derived[*i].def;
                    (d.short.clone(), d.unit.clone())
                }
                Some(Name::Param(i)) => {
                    let d = &self.g.params[*i].def;
                    (d.name.clone(), d.unit.clone())
                }
                Some(Name::Today) => (self.g.phrases.reference_date.clone(), String::new()),
                Some(Name::City) => (self.g.phrases.city.clone(), String::new()),
                None => (name.clone(), String::new()),
            },
            other => (other.to_string(), String::new()),
        }
    }

    fn show(&self, v: &Val, unit: &str, choice_of: Option<usize>) -> String {
        let label_of = |id: &str| {
            choice_of
                .and_then(|q| self.g.questions[q].def.options.iter().find(|o| o.id == id))
                .map_or_else(|| id.to_owned(), |o| o.label.clone())
        };
        match v {
            Val::Bool(true) => self.g.phrases.yes.clone(),
            Val::Bool(false) => self.g.phrases.no.clone(),
            Val::Int(n) => format!("{}{unit}", group_digits(*n)),
            Val::Date(d) => self.g.phrases.date_of(*d),
            Val::Opt(s) if choice_of.is_none() && *s == self.g.city => self.g.city_name.clone(),
            Val::Opt(s) => label_of(s),
            Val::Set(v) if v.is_empty() => self.g.phrases.none.clone(),
            Val::Set(v) => v
                .iter()
                .map(|s| label_of(s))
                .collect::<Vec<_>>()
                .join(&self.g.phrases.list_sep),
        }
    }

    fn choice_q(&self, e: &Expr) -> Option<usize> {
        match self.g.ty(e) {
            Ok(Ty::Choice(q) | Ty::Multi(q)) => Some(q),
            _ => None,
        }
    }

    /// The legal reference of parameter `i`'s value on the reference date.
    fn reference_of(&self, i: usize) -> Option<String> {
        self.g.params[i]
            .values
            .value_on(self.today)
            .ok()
            .map(|x| x.reference.clone())
    }

    /// The right side of a comparison, as staff read it, and its source if it is a parameter.
    fn rhs_text(
        &self,
        e: &Expr,
        unit: &str,
        v: &Val,
        choice: Option<usize>,
    ) -> (String, Option<String>) {
        match e {
            Expr::Index { name, index, .. } => {
                let Some(Name::Param(i)) = self.g.names.get(name) else {
                    return (self.show(v, unit, choice), None);
                };
                let p = &self.g.params[*i];
                let at = match self.val(index) {
                    Ok(Ok(iv)) => {
                        let (l, u) = self.label(index);
                        format!("（{l} {}）", self.show(&iv, &u, None))
                    }
                    _ => String::new(),
                };
                (
                    format!("{}{at} {}", p.def.name, self.show(v, &p.def.unit, None)),
                    self.reference_of(*i),
                )
            }
            Expr::Name { name, .. } => match self.g.names.get(name) {
                Some(Name::Param(i)) => {
                    let p = &self.g.params[*i];
                    (
                        format!("{} {}", p.def.name, self.show(v, &p.def.unit, None)),
                        self.reference_of(*i),
                    )
                }
                Some(Name::Question(_) | Name::Derived(_) | Name::Today | Name::City) => {
                    let (l, u) = self.label(e);
                    (format!("{l} {}", self.show(v, &u, None)), None)
                }
                None => (self.show(v, unit, choice), None),
            },
            _ => (self.show(v, unit, choice), None),
        }
    }

    fn fact_cmp(
        &self,
        op: CmpOp,
        lhs: &Expr,
        rhs: &Expr,
        lv: &Val,
        rv: &Val,
        held: bool,
    ) -> Reason {
        let (label, unit) = self.label(lhs);
        let choice = self.choice_q(lhs);
        let shown = self.show(lv, &unit, choice);
        let op = if held { op } else { op.negated() };
        let (rt, source) = self.rhs_text(rhs, &unit, rv, choice);
        let w = &self.g.phrases;
        let template = match op {
            CmpOp::Eq => {
                if matches!(lv, Val::Bool(_)) || choice.is_some() || matches!(rhs, Expr::Int(_)) {
                    &w.is
                } else {
                    &w.is_than
                }
            }
            CmpOp::Ne => &w.not,
            CmpOp::Lt => &w.below,
            CmpOp::Le => &w.at_most,
            CmpOp::Gt => &w.above,
            CmpOp::Ge => &w.at_least,
        };
        let text = Phrases::say(
            template,
            &[("label", &label), ("value", &shown), ("than", &rt)],
        );
        Reason { text, source }
    }

    fn truth(&self, e: &Expr) -> Result<(Truth, Outcome), EvalError> {
        Ok(match e {
            Expr::Bool(b) => (
                if *b { Truth::True } else { Truth::False },
                Outcome::default(),
            ),
            Expr::Not(inner) => {
                let (t, o) = self.truth(inner)?;
                let t = match t {
                    Truth::True => Truth::False,
                    Truth::False => Truth::True,
                    Truth::Unknown => Truth::Unknown,
                };
                (t, o)
            }
            Expr::And(items) | Expr::Or(items) => {
                let is_and = matches!(e, Expr::And(_));
                // The value that settles the whole: false for and, true for or.
                let settle = if is_and { Truth::False } else { Truth::True };
                let mut all = Outcome::default();
                let mut unknown = false;
                for x in items {
                    let (t, o) = self.truth(x)?;
                    if t == settle {
                        return Ok((settle, o));
                    }
                    if t == Truth::Unknown {
                        unknown = true;
                    }
                    all.facts.extend(o.facts);
                    all.missing.extend(o.missing);
                }
                if unknown {
                    (Truth::Unknown, all)
                } else {
                    (if is_and { Truth::True } else { Truth::False }, all)
                }
            }
            Expr::Cmp { op, lhs, rhs } => {
                let (l, r) = (self.val(lhs)?, self.val(rhs)?);
                match (l, r) {
                    (Ok(lv), Ok(rv)) => {
                        let held = match (&lv, &rv) {
                            (Val::Int(a), Val::Int(b)) => op.holds(a, b),
                            (Val::Date(a), Val::Date(b)) => op.holds(a, b),
                            (Val::Bool(a), Val::Bool(b)) => op.holds(a, b),
                            (Val::Opt(a), Val::Opt(b)) => op.holds(a, b),
                            _ => false,
                        };
                        let facts = if self.explain {
                            vec![self.fact_cmp(*op, lhs, rhs, &lv, &rv, held)]
                        } else {
                            vec![]
                        };
                        (
                            if held { Truth::True } else { Truth::False },
                            Outcome {
                                facts,
                                missing: vec![],
                            },
                        )
                    }
                    (l, r) => {
                        let mut missing = l.err().unwrap_or_default();
                        missing.extend(r.err().unwrap_or_default());
                        (
                            Truth::Unknown,
                            Outcome {
                                facts: vec![],
                                missing,
                            },
                        )
                    }
                }
            }
            Expr::In { lhs, set, negated } => match self.val(lhs)? {
                Ok(lv) => {
                    let mut items = Vec::new();
                    for x in set {
                        if let Ok(v) = self.val(x)? {
                            items.push(v);
                        }
                    }
                    let member = items.contains(&lv);
                    if !self.explain {
                        let held = member != *negated;
                        return Ok((
                            if held { Truth::True } else { Truth::False },
                            Outcome::default(),
                        ));
                    }
                    let (label, unit) = self.label(lhs);
                    let choice = self.choice_q(lhs);
                    let list = items
                        .iter()
                        .map(|v| self.show(v, &unit, choice))
                        .collect::<Vec<_>>()
                        .join(&self.g.phrases.or_sep);
                    let w = &self.g.phrases;
                    let text = Phrases::say(
                        if member { &w.one_of } else { &w.none_of },
                        &[
                            ("label", &label),
                            ("value", &self.show(&lv, &unit, choice)),
                            ("list", &list),
                        ],
                    );
                    let held = member != *negated;
                    (
                        if held { Truth::True } else { Truth::False },
                        Outcome {
                            facts: vec![Reason { text, source: None }],
                            missing: vec![],
                        },
                    )
                }
                Err(missing) => (
                    Truth::Unknown,
                    Outcome {
                        facts: vec![],
                        missing,
                    },
                ),
            },
            Expr::Has { lhs, option } => match (self.val(lhs)?, self.val(option)?) {
                (Ok(Val::Set(chosen)), Ok(Val::Opt(o))) => {
                    let held = chosen.contains(&o);
                    if !self.explain {
                        return Ok((
                            if held { Truth::True } else { Truth::False },
                            Outcome::default(),
                        ));
                    }
                    let (label, _) = self.label(lhs);
                    let choice = self.choice_q(lhs);
                    let w = &self.g.phrases;
                    let text = Phrases::say(
                        if held { &w.includes } else { &w.excludes },
                        &[
                            ("label", &label),
                            ("value", &self.show(&Val::Opt(o), "", choice)),
                        ],
                    );
                    (
                        if held { Truth::True } else { Truth::False },
                        Outcome {
                            facts: vec![Reason { text, source: None }],
                            missing: vec![],
                        },
                    )
                }
                (Err(m), _) => (
                    Truth::Unknown,
                    Outcome {
                        facts: vec![],
                        missing: m,
                    },
                ),
                _ => (Truth::Unknown, Outcome::default()),
            },
            Expr::Name { .. }
            | Expr::Index { .. }
            | Expr::Call { .. }
            | Expr::Int(_)
            | Expr::Add(..)
            | Expr::Sub(..) => match self.val(e)? {
                Ok(Val::Bool(b)) if !self.explain => (
                    if b { Truth::True } else { Truth::False },
                    Outcome::default(),
                ),
                Ok(Val::Bool(b)) => {
                    let (label, _) = self.label(e);
                    let text = format!("{label}: {}", if b { "はい" } else { "いいえ" });
                    (
                        if b { Truth::True } else { Truth::False },
                        Outcome {
                            facts: vec![Reason { text, source: None }],
                            missing: vec![],
                        },
                    )
                }
                Ok(_) => (Truth::Unknown, Outcome::default()),
                Err(missing) => (
                    Truth::Unknown,
                    Outcome {
                        facts: vec![],
                        missing,
                    },
                ),
            },
        })
    }

    /// Fills `{name}` with the value on this date, with its unit: 「月額は{tokubetsu_monthly}です」
    /// → 「月額は29,590円です」. Unanswered values read 「（未回答）」.
    fn fill(&self, text: &str) -> String {
        if !text.contains('{') {
            return text.to_owned();
        }
        let mut out = text.to_owned();
        let mut stale = Vec::new();
        for name in crate::guide::placeholders(text) {
            let e = Expr::Name {
                name: name.to_owned(),
                at: 0,
            };
            let shown = match self.val(&e) {
                Ok(Ok(v)) => {
                    let (_, unit) = self.label(&e);
                    self.show(&v, &unit, self.choice_q(&e))
                }
                _ => self.g.phrases.unanswered.clone(),
            };
            out = out.replace(&format!("{{{name}}}"), &shown);
            if let Some(note) = self.stale_note(name) {
                stale.push(note);
            }
        }
        if !stale.is_empty() {
            out.push_str(&format!("（{}）", stale.join("。")));
        }
        out
    }

    /// For a yearly amount (`yearly: true`) whose newest value is from an earlier fiscal year
    /// than the visit's: which year's amount is shown, so it is never read as current.
    fn stale_note(&self, name: &str) -> Option<String> {
        let Some(Name::Param(i)) = self.g.names.get(name) else {
            return None;
        };
        let p = &self.g.params[*i];
        if !p.def.yearly {
            return None;
        }
        let since = p.values.value_on(self.today).ok()?.since;
        let fy = crate::parameter::fiscal_year_start(self.today);
        (since < fy).then(|| {
            Phrases::say(
                &self.g.phrases.amount_pending,
                &[
                    (
                        "this",
                        &crate::parameter::fiscal_year_name(crate::parameter::fiscal_year_start(
                            since,
                        )),
                    ),
                    ("next", &crate::parameter::fiscal_year_name(fy)),
                ],
            )
        })
    }

    fn deadline(&self, d: &DeadlineDef) -> DeadlineOut {
        let from = d.from.as_ref().and_then(|f| {
            match self.val(&Expr::Name {
                name: f.clone(),
                at: 0,
            }) {
                Ok(Ok(Val::Date(x))) => Some(x),
                _ => None,
            }
        });
        let date = from.and_then(|from| {
            // The period begins on the day after `from` (民法第140条) or on `from` itself.
            let begin = if d.first_day { from } else { from.add_days(1) };
            if let Some(n) = d.days {
                Some(begin.add_days(n - 1))
            } else if let Some(n) = d.months {
                Some(begin.period_end(n))
            } else if let Some(n) = d.years {
                Some(begin.period_end(n * 12))
            } else {
                let next = d.next.as_ref()?;
                let this_year = Date::parse_iso(&format!("{:04}-{next}", from.year())).ok()?;
                if this_year > from {
                    Some(this_year)
                } else {
                    Date::parse_iso(&format!("{:04}-{next}", from.year() + 1)).ok()
                }
            }
        });
        // A last day on a closed day moves to the next open day where the law says so.
        let mut moved = None;
        let date = match (date, &d.closed) {
            (Some(last), Some(law)) => match mado_civil::closed(last) {
                Some(why) => {
                    moved = Some(Phrases::say(
                        &self.g.phrases.deadline_moved,
                        &[
                            ("date", &self.g.phrases.date_of(last)),
                            ("why", why.ja()),
                            ("law", law),
                        ],
                    ));
                    Some(mado_civil::open_on_or_after(last))
                }
                None => Some(last),
            },
            (date, _) => date,
        };
        let w = &self.g.phrases;
        let until = date.map(|last| {
            let shown = w.date_of(last);
            match &moved {
                Some(m) => Phrases::say(
                    &w.until_moved,
                    &[("date", &shown), ("how", &d.text), ("moved", m)],
                ),
                None => Phrases::say(&w.until, &[("date", &shown), ("how", &d.text)]),
            }
        });
        DeadlineOut {
            text: d.text.clone(),
            date,
            wareki: date.map(Date::wareki_with_weekday),
            moved,
            until,
        }
    }
}

fn dedup(reasons: Vec<Reason>) -> Vec<Reason> {
    let mut out: Vec<Reason> = Vec::new();
    for r in reasons {
        if !out.iter().any(|o| o.text == r.text) {
            out.push(r);
        }
    }
    out
}

impl Guide {
    /// For lint: each row's condition of procedure `p` on these (possibly partial)
    /// answers: `Some(true)`, `Some(false)`, or `None` when unanswered questions decide it.
    /// Three-valued logic is monotone, so a settled row stays settled whatever is answered
    /// later.
    #[cfg(feature = "yaml")]
    /// With `None`, the questions still missing for that row.
    pub(crate) fn row_truths(
        &self,
        p: usize,
        answers: &Answers,
        today: Date,
    ) -> Result<Vec<RowTruth>, EvalError> {
        let mut ctx = Ctx {
            g: self,
            answers,
            visible: vec![false; self.questions.len()],
            today,
            explain: false,
        };
        for i in 0..self.questions.len() {
            ctx.visible[i] = match &self.questions[i].ask_if {
                None => true,
                Some(e) => ctx.truth(e)?.0 == Truth::True,
            };
        }
        self.procedures[p]
            .rows
            .iter()
            .map(|row| {
                let (t, o) = ctx.truth(&row.when)?;
                Ok(match t {
                    Truth::True => (Some(true), vec![]),
                    Truth::False => (Some(false), vec![]),
                    Truth::Unknown => (None, o.missing),
                })
            })
            .collect()
    }
}

impl Guide {
    /// Each answer as a form prints it: an option's label, はい/いいえ, a number with its unit
    /// (「1級」), a date in 和暦.
    pub fn answers_as_text(&self, answers: &Answers) -> BTreeMap<String, String> {
        let mut out = BTreeMap::new();
        for q in &self.questions {
            let d = &q.def;
            let Some(v) = answers.0.get(&d.id) else {
                continue;
            };
            let label = |id: &str| {
                d.options
                    .iter()
                    .find(|o| o.id == id)
                    .map_or_else(|| id.to_owned(), |o| o.label.clone())
            };
            let text = match v {
                Value::Bool(b) => {
                    if *b {
                        self.phrases.yes.clone()
                    } else {
                        self.phrases.no.clone()
                    }
                }
                Value::Int(n) => format!("{}{}", group_digits(*n), d.unit),
                Value::Date(x) => x.wareki().map_or_else(|_| x.to_string(), |w| w.to_string()),
                Value::Choice(c) => label(c),
                Value::Multi(list) => list.iter().map(|c| label(c)).collect::<Vec<_>>().join("、"),
                // Not known: the form leaves the box for the resident, reported as not filled.
                Value::Unknown => continue,
            };
            out.insert(d.id.clone(), text);
        }
        out
    }

    /// A derived yes/no fact on these answers: `Some(true)`, `Some(false)`, or `None` when
    /// unanswered questions decide it (or the pack has no such fact).
    pub fn fact(
        &self,
        answers: &Answers,
        id: &str,
        today: Date,
    ) -> Result<Option<bool>, EvalError> {
        let Some(d) = self.derived.iter().find(|d| d.def.id == id) else {
            return Ok(None);
        };
        let mut ctx = Ctx {
            g: self,
            answers,
            visible: vec![false; self.questions.len()],
            today,
            explain: false,
        };
        // As in `evaluate`: an answer to a question not shown now does not count.
        for i in 0..self.questions.len() {
            ctx.visible[i] = match &self.questions[i].ask_if {
                None => true,
                Some(e) => ctx.truth(e)?.0 == Truth::True,
            };
        }
        Ok(match ctx.truth(&d.expr)?.0 {
            Truth::True => Some(true),
            Truth::False => Some(false),
            Truth::Unknown => None,
        })
    }

    /// The question visibility on these answers: a question is shown when its `ask_if` holds
    /// on the answers before it.
    fn visibility(&self, answers: &Answers, today: Date) -> Result<Vec<bool>, EvalError> {
        self.visibility_from(answers, today, vec![false; self.questions.len()], 0)
    }

    /// As [`Guide::visibility`], keeping `base` for the questions before `from`: an `ask_if`
    /// reads only earlier questions, so an answer to question `k` changes nothing up to `k`.
    fn visibility_from(
        &self,
        answers: &Answers,
        today: Date,
        base: Vec<bool>,
        from: usize,
    ) -> Result<Vec<bool>, EvalError> {
        let mut ctx = Ctx {
            g: self,
            answers,
            visible: base,
            today,
            explain: false,
        };
        for i in from..self.questions.len() {
            ctx.visible[i] = match &self.questions[i].ask_if {
                None => true,
                Some(e) => ctx.truth(e)?.0 == Truth::True,
            };
        }
        Ok(ctx.visible)
    }

    /// How `p`'s table comes out on these answers: the status and the row that decided it
    /// (`None`: `else`), or the questions the first undecided row waits for.
    fn decide(
        &self,
        p: &Procedure,
        answers: &Answers,
        today: Date,
        visible: Vec<bool>,
    ) -> Result<Result<Decided, Vec<usize>>, EvalError> {
        let ctx = Ctx {
            g: self,
            answers,
            visible,
            today,
            explain: false,
        };
        for (r, row) in p.rows.iter().enumerate() {
            match ctx.truth(&row.when)? {
                (Truth::True, _) => return Ok(Ok((row.then, Some(r)))),
                (Truth::False, _) => {}
                // The search that calls this tries the answers itself.
                (Truth::Unknown, o) => return Ok(Err(o.missing)),
            }
        }
        Ok(Ok((p.otherwise, None)))
    }

    /// A row waiting for answers whose condition comes out the same for every way of
    /// answering the questions it waits for (「所得が限度額以上」 with an income below every
    /// entry of the table does not need the number of dependants): that truth. `None` when
    /// an answer changes it, when it waits for a question not shown now, or when there are
    /// more than [`ROW_COMBINATIONS`] ways to try.
    fn row_fixed(
        &self,
        p: &Procedure,
        when: &Expr,
        answers: &Answers,
        today: Date,
        visible: &[bool],
        missing: &[usize],
    ) -> Result<Option<bool>, EvalError> {
        let mut open: Vec<usize> = missing.to_vec();
        open.sort_unstable();
        open.dedup();
        if open.is_empty() || open.iter().any(|&i| !visible[i]) {
            return Ok(None);
        }
        let values: Vec<Vec<Value>> = open
            .iter()
            .map(|&q| crate::complete::candidates(self, q, &p.bounds, today))
            .collect();
        let combinations = values
            .iter()
            .try_fold(1usize, |n, v| n.checked_mul(v.len()))
            .unwrap_or(usize::MAX);
        if combinations == 0 || combinations > ROW_COMBINATIONS {
            return Ok(None);
        }
        let mut work = answers.clone();
        let mut seen = None;
        for k in 0..combinations {
            let mut rest = k;
            for (j, &q) in open.iter().enumerate() {
                let v = &values[j][rest % values[j].len()];
                rest /= values[j].len();
                work.0.insert(self.questions[q].def.id.clone(), v.clone());
            }
            let ctx = Ctx {
                g: self,
                answers: &work,
                visible: self.visibility_from(&work, today, visible.to_vec(), open[0] + 1)?,
                today,
                explain: false,
            };
            let held = match ctx.truth(when)?.0 {
                Truth::True => true,
                Truth::False => false,
                Truth::Unknown => return Ok(None),
            };
            if seen.is_some_and(|s| s != held) {
                return Ok(None);
            }
            seen = Some(held);
        }
        Ok(seen)
    }

    /// `p`'s status when every way of answering its open questions gives the same one (each
    /// option, each side of every boundary its conditions use), with the rows that gave it;
    /// `None` when an answer can change it, or when a question it waits for can never be
    /// asked, or when trying them all would take more than [`SETTLE_BUDGET`] steps.
    fn settle(
        &self,
        p: &Procedure,
        answers: &Answers,
        today: Date,
    ) -> Result<Option<Settled>, EvalError> {
        let mut search = Search {
            p,
            work: answers.clone(),
            today,
            budget: SETTLE_BUDGET,
            found: None,
            rows: BTreeSet::new(),
        };
        let same = self.complete(&mut search, None)?;
        Ok(search.found.filter(|_| same).map(|s| (s, search.rows)))
    }

    /// One step of [`Guide::settle`]: false as soon as two ways of answering disagree.
    fn complete(
        &self,
        search: &mut Search,
        changed: Option<(&[bool], usize)>,
    ) -> Result<bool, EvalError> {
        if search.budget == 0 {
            return Ok(false);
        }
        search.budget -= 1;
        let (p, today) = (search.p, search.today);
        let work = &search.work;
        let visible = match changed {
            Some((base, q)) => self.visibility_from(work, today, base.to_vec(), q + 1)?,
            None => self.visibility(work, today)?,
        };
        let missing = match self.decide(p, work, today, visible.clone())? {
            Ok((status, row)) => {
                if search.found.is_some_and(|f| f != status) {
                    return Ok(false);
                }
                search.found = Some(status);
                search.rows.insert(row);
                return Ok(true);
            }
            Err(missing) => missing,
        };
        // Branch on a question shown now; else on one that decides whether a hidden one the
        // row reads is shown.
        let mut pick = missing.iter().copied().find(|&i| visible[i]);
        if pick.is_none() {
            let ctx = Ctx {
                g: self,
                answers: work,
                visible: visible.clone(),
                today,
                explain: false,
            };
            for &h in &missing {
                if let Some(a) = &self.questions[h].ask_if
                    && let (Truth::Unknown, o) = ctx.truth(a)?
                {
                    pick = o.missing.into_iter().find(|&i| visible[i]);
                    if pick.is_some() {
                        break;
                    }
                }
            }
        }
        let Some(q) = pick else {
            return Ok(false);
        };
        let id = self.questions[q].def.id.clone();
        // The answer given (「わからない」) comes back after each way of answering is tried.
        let given = search.work.0.get(&id).cloned();
        for value in crate::complete::candidates(self, q, &p.bounds, today) {
            search.work.0.insert(id.clone(), value);
            let same = self.complete(search, Some((&visible, q)))?;
            match &given {
                Some(v) => search.work.0.insert(id.clone(), v.clone()),
                None => search.work.0.remove(&id),
            };
            if !same {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// 「「葬儀の日」がどの答えでも、必要な手続きです」: the reason of a status no open question
    /// changes.
    fn whatever_the_answer(&self, open: &[usize], status: Status) -> String {
        let w = &self.phrases;
        let what = match status {
            Status::Required => &w.required,
            Status::MayApply => &w.may_apply,
            Status::NotApplicable | Status::NeedsAnswer => &w.not_applicable,
        };
        let labels: Vec<String> = open
            .iter()
            .map(|&i| Phrases::say(&w.quote, &[("text", &self.questions[i].def.short)]))
            .collect();
        match open {
            [] => Phrases::say(&w.whatever_unanswered, &[("what", what)]),
            [q] if self.questions[*q].def.kind == QuestionType::Bool => Phrases::say(
                &w.whatever_yes_no,
                &[("question", &labels[0]), ("what", what)],
            ),
            _ => Phrases::say(
                &w.whatever_any,
                &[("question", &labels.join(&w.and_sep)), ("what", what)],
            ),
        }
    }

    /// Evaluates every procedure on `today` (the day of the visit; parameters are read on it).
    pub fn evaluate(&self, answers: &Answers, today: Date) -> Result<Evaluation, EvalError> {
        let mut ctx = Ctx {
            g: self,
            answers,
            visible: vec![false; self.questions.len()],
            today,
            explain: true,
        };
        // A question is shown when its ask_if holds on the answers before it.
        for i in 0..self.questions.len() {
            let shown = match &self.questions[i].ask_if {
                None => true,
                Some(e) => ctx.truth(e)?.0 == Truth::True,
            };
            ctx.visible[i] = shown;
        }
        let mut procedures = Vec::with_capacity(self.procedures.len());
        // How many procedures each unanswered question can still change.
        let mut ask = vec![0usize; self.questions.len()];
        // Questions whose answer is used although no status waits for it: the deadline's
        // date, a deadline case, what the procedure's forms print.
        let mut used = vec![false; self.questions.len()];
        // The event's date is asked where deadlines count from it (not in 手帳, where none do).
        used[self.event_date] = self
            .procedures
            .iter()
            .any(|p| p.date_questions.contains(&self.event_date));
        for p in &self.procedures {
            let mut status = None;
            let mut reasons = Vec::new();
            let mut missing: Vec<usize> = Vec::new();
            let mut unmatched = Vec::new();
            for row in &p.rows {
                let (t, o) = ctx.truth(&row.when)?;
                match t {
                    Truth::True => {
                        if !row.because.is_empty() {
                            reasons.push(Reason {
                                text: ctx.fill(&row.because),
                                source: Some(p.source.clone()),
                            });
                        }
                        reasons.extend(o.facts);
                        status = Some(row.then);
                        break;
                    }
                    Truth::False => unmatched.extend(o.facts),
                    Truth::Unknown
                        if let Some(fixed) = self.row_fixed(
                            p,
                            &row.when,
                            answers,
                            today,
                            &ctx.visible,
                            &o.missing,
                        )? =>
                    {
                        // Every answer to what the row waits for gives the row the same truth.
                        if fixed {
                            if !row.because.is_empty() {
                                reasons.push(Reason {
                                    text: ctx.fill(&row.because),
                                    source: Some(p.source.clone()),
                                });
                            }
                            let open: Vec<usize> = o
                                .missing
                                .iter()
                                .copied()
                                .filter(|&i| ctx.visible[i])
                                .collect();
                            reasons.push(Reason {
                                text: self.whatever_the_answer(&open, row.then),
                                source: None,
                            });
                            status = Some(row.then);
                            break;
                        }
                    }
                    Truth::Unknown => {
                        missing = o.missing;
                        missing.sort_unstable();
                        missing.dedup();
                        status = Some(Status::NeedsAnswer);
                        break;
                    }
                }
            }
            // Waiting for answers: when every way of answering gives one status, that is the
            // status (issue 20), and the reason says no answer changes it.
            if status == Some(Status::NeedsAnswer)
                && let Some((settled, rows)) = self.settle(p, answers, today)?
            {
                let open: Vec<usize> = if missing.iter().any(|&i| ctx.visible[i]) {
                    missing
                        .iter()
                        .copied()
                        .filter(|&i| ctx.visible[i])
                        .collect()
                } else {
                    missing.clone()
                };
                reasons.clear();
                if let [Some(r)] = rows.iter().copied().collect::<Vec<_>>()[..]
                    && !p.rows[r].because.is_empty()
                {
                    reasons.push(Reason {
                        text: ctx.fill(&p.rows[r].because),
                        source: Some(p.source.clone()),
                    });
                }
                reasons.push(Reason {
                    text: self.whatever_the_answer(&open, settled),
                    source: None,
                });
                status = Some(settled);
                missing.clear();
            }
            let status = match status {
                Some(Status::NeedsAnswer) => {
                    // Name the questions shown now; hidden ones follow from them.
                    if missing.iter().any(|&i| ctx.visible[i]) {
                        missing.retain(|&i| ctx.visible[i]);
                    }
                    // 「わからない」 answers: what settles each; the others: their answers.
                    let (unknown, open): (Vec<usize>, Vec<usize>) =
                        missing.iter().partition(|&&i| {
                            answers.0.get(&self.questions[i].def.id) == Some(&Value::Unknown)
                        });
                    if !open.is_empty() {
                        let w = &self.phrases;
                        let labels: Vec<String> = open
                            .iter()
                            .map(|&i| {
                                Phrases::say(&w.quote, &[("text", &self.questions[i].def.short)])
                            })
                            .collect();
                        reasons.push(Reason {
                            text: Phrases::say(
                                &w.decided_by,
                                &[("questions", &labels.join(&w.and_sep))],
                            ),
                            source: None,
                        });
                    }
                    for &i in &unknown {
                        let def = &self.questions[i].def;
                        reasons.push(Reason {
                            text: Phrases::say(
                                &self.phrases.unknown_blocks,
                                &[
                                    ("question", &def.short),
                                    ("how", def.unknown.as_deref().unwrap_or_default()),
                                ],
                            ),
                            source: None,
                        });
                    }
                    for &i in &missing {
                        ask[i] += 1;
                    }
                    Status::NeedsAnswer
                }
                Some(s) => s,
                None => {
                    reasons.extend(unmatched);
                    p.otherwise
                }
            };
            if matches!(status, Status::Required | Status::MayApply) {
                for (when, _) in &p.deadline_cases {
                    // A case still open can change the date: its questions are worth asking.
                    if let (Truth::Unknown, o) = ctx.truth(when)? {
                        for i in o.missing {
                            ask[i] += 1;
                        }
                    }
                }
                for &i in p.date_questions.iter().chain(&p.form_answers) {
                    used[i] = true;
                }
            }
            procedures.push(ProcedureResult {
                id: p.id.clone(),
                name: p.name.clone(),
                status,
                reasons: dedup(reasons),
                counter: CounterOut {
                    id: p.counter.id.clone(),
                    name: p.counter.def.name.clone(),
                    note: p.counter.def.note.clone(),
                    phone: p.counter.def.phone.clone(),
                },
                deadline: match &p.deadline {
                    None => None,
                    Some(main) => {
                        // The first case whose condition holds; unanswered ones leave the main.
                        let mut chosen = main;
                        for (when, case) in &p.deadline_cases {
                            if ctx.truth(when)?.0 == Truth::True {
                                chosen = case;
                                break;
                            }
                        }
                        Some(ctx.deadline(chosen))
                    }
                },
                documents: p.documents.clone(),
                forms: p.forms.clone(),
                source: p.source.clone(),
                note: ctx.fill(&p.note),
                missing: missing
                    .iter()
                    .map(|&i| self.questions[i].def.id.clone())
                    .collect(),
            });
        }
        let shown: Vec<usize> = (0..self.questions.len())
            .filter(|&i| ctx.visible[i])
            .filter(|&i| answers.0.contains_key(&self.questions[i].def.id) || ask[i] > 0 || used[i])
            .collect();
        Ok(Evaluation {
            pack: self.pack.clone(),
            version: self.version.clone(),
            city: self.city.clone(),
            date: today,
            procedures,
            // Shown: what is answered (it can be changed), what can still change a status or
            // a date, and what the forms print; a question no answer of which changes anything
            // is not asked.
            questions: shown
                .iter()
                .map(|&i| self.questions[i].def.id.clone())
                .collect(),
            for_forms: shown
                .iter()
                .filter(|&&i| !self.decides[i])
                .map(|&i| self.questions[i].def.id.clone())
                .collect(),
            ask: {
                // Those that decide the most procedures first.
                let mut open: Vec<usize> = (0..self.questions.len())
                    .filter(|&i| ask[i] > 0 && ctx.visible[i])
                    .filter(|&i| !answers.0.contains_key(&self.questions[i].def.id))
                    .collect();
                open.sort_by_key(|&i| (std::cmp::Reverse(ask[i]), i));
                open.into_iter()
                    .map(|i| self.questions[i].def.id.clone())
                    .collect()
            },
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn amounts_get_thousands_separators() {
        assert_eq!(group_digits(4_596_000), "4,596,000");
        assert_eq!(group_digits(37_200), "37,200");
        assert_eq!(group_digits(3000), "3,000");
        assert_eq!(group_digits(999), "999");
        assert_eq!(group_digits(-213_000), "-213,000");
    }
}

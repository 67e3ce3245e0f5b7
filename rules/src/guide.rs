//! A pack resolved for one city: names bound, conditions parsed and type-checked.

use std::collections::HashMap;

use crate::expr::{self, CmpOp, Expr};
use crate::pack::{
    CityFile, CounterDef, DeadlineDef, DerivedDef, PackFile, ParamValue, ParameterDef, QuestionDef,
    QuestionType, Status, VisitDef,
};
use mado_civil::Date;

use crate::Parameter;

/// A problem in a pack or city file: which item, which text, what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{item}: {message}")]
pub struct BuildError {
    /// `procedure juudo-iryo`, `question grade`, `parameter kk_limit`, `pack`.
    pub item: String,
    /// The id to look for in the file (`id: juudo-iryo`), to report its line.
    pub id: Option<String>,
    /// The offending text (a condition), to report its line.
    pub snippet: Option<String>,
    pub message: String,
}

/// The type of a value in a condition.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Ty {
    Bool,
    Int,
    Date,
    /// Answer to a choice question (index into `Guide::questions`).
    Choice(usize),
    /// Answer to a multiple-choice question.
    Multi(usize),
    /// The city the guide is built for (`city == kitami`).
    City,
}

impl Ty {
    fn describe(&self) -> &'static str {
        match self {
            Ty::Bool => "a yes/no value",
            Ty::Int => "a number",
            Ty::Date => "a date",
            Ty::Choice(_) => "a choice",
            Ty::Multi(_) => "a multiple choice",
            Ty::City => "the city",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Name {
    Question(usize),
    Derived(usize),
    Param(usize),
    Today,
    City,
}

#[derive(Debug, Clone)]
pub struct Question {
    pub def: QuestionDef,
    pub ask_if: Option<Expr>,
}

#[derive(Debug, Clone)]
pub struct Derived {
    pub def: DerivedDef,
    pub expr: Expr,
    pub ty: Ty,
}

#[derive(Debug, Clone)]
pub struct Param {
    pub def: ParameterDef,
    pub values: Parameter<ParamValue>,
    pub is_table: bool,
}

#[derive(Debug, Clone)]
pub struct Row {
    pub when: Expr,
    pub when_src: String,
    pub then: Status,
    pub because: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counter {
    pub id: String,
    pub def: CounterDef,
}

/// A procedure as it stands in one city.
#[derive(Debug, Clone)]
pub struct Procedure {
    pub id: String,
    pub name: String,
    pub counter: Counter,
    pub deadline: Option<DeadlineDef>,
    /// The deadline's `cases`, their conditions parsed: the first that holds replaces it.
    pub deadline_cases: Vec<(Expr, DeadlineDef)>,
    pub documents: Vec<String>,
    pub forms: Vec<String>,
    pub source: String,
    pub note: String,
    pub rows: Vec<Row>,
    pub otherwise: Status,
    /// The values worth trying for its unanswered questions (filled in once the guide is built).
    pub bounds: crate::complete::Boundaries,
    /// Questions whose answers its forms print (see [`Guide::with_form_answers`]): shown
    /// while it applies, though no status waits for them.
    pub form_answers: Vec<usize>,
    /// Questions its deadlines count from (filled in once the guide is built): shown while it
    /// applies.
    pub date_questions: Vec<usize>,
}

/// One pack for one city, ready to evaluate.
#[derive(Debug, Clone)]
pub struct Guide {
    pub pack: String,
    pub version: String,
    pub title: String,
    pub summary: String,
    pub city: String,
    pub city_name: String,
    pub event_date: usize,
    pub questions: Vec<Question>,
    pub derived: Vec<Derived>,
    pub params: Vec<Param>,
    pub procedures: Vec<Procedure>,
    /// Every city of the pack (the values `city` can be compared with).
    pub cities: Vec<String>,
    /// Who the visit's people are (`visit:` in the pack).
    pub visit: VisitDef,
    pub(crate) names: HashMap<String, Name>,
    /// Per question: whether a status or a deadline of this city can read it (through
    /// derived facts and `ask_if`s); the others are asked only for what the forms print.
    pub(crate) decides: Vec<bool>,
    /// The engine's own words (Japanese unless the bundle is in another language).
    pub phrases: crate::Phrases,
}

const BUILTIN_FUNCS: [&str; 3] = ["age", "fiscal_age", "count"];

fn err(
    item: impl Into<String>,
    id: Option<&str>,
    snippet: Option<&str>,
    message: String,
) -> BuildError {
    BuildError {
        item: item.into(),
        id: id.map(str::to_owned),
        snippet: snippet.map(str::to_owned),
        message,
    }
}

/// The names written as `{name}` in a sentence.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

fn valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-')
}

impl Guide {
    /// Resolves `pack` for `city`. Returns every problem found, not just the first.
    pub fn build(pack: &PackFile, city: &CityFile) -> Result<Self, Vec<BuildError>> {
        let mut errors = Vec::new();
        if !pack.cities.contains(&city.id) {
            errors.push(err(
                "pack",
                None,
                None,
                format!(
                    "pack {:?} has no profile for city {:?}; it lists {:?}",
                    pack.id, city.id, pack.cities
                ),
            ));
            return Err(errors);
        }
        let mut g = Guide {
            pack: pack.id.clone(),
            version: pack.version.clone(),
            title: pack.title.clone(),
            summary: pack.summary.clone(),
            city: city.id.clone(),
            city_name: city.name.clone(),
            event_date: 0,
            questions: Vec::new(),
            derived: Vec::new(),
            params: Vec::new(),
            procedures: Vec::new(),
            cities: Vec::new(),
            visit: pack.visit.clone(),
            names: HashMap::new(),
            decides: Vec::new(),
            phrases: crate::Phrases::default(),
        };
        g.names.insert("today".into(), Name::Today);
        g.names.insert("city".into(), Name::City);
        g.cities = pack.cities.clone();
        let declare =
            |g: &mut Guide, kind: &str, id: &str, name: Name, errors: &mut Vec<BuildError>| {
                if !valid_id(id) && kind != "procedure" {
                    errors.push(err(
                    format!("{kind} {id}"),
                    Some(id),
                    None,
                    "ids are lower-case ASCII letters, digits and _ (they are used in conditions)"
                        .into(),
                ));
                }
                if id.contains('-') {
                    errors.push(err(
                        format!("{kind} {id}"),
                        Some(id),
                        None,
                        format!("{id:?} contains '-', which conditions read as minus; use '_'"),
                    ));
                }
                if g.names.insert(id.to_owned(), name).is_some() || BUILTIN_FUNCS.contains(&id) {
                    errors.push(err(
                    format!("{kind} {id}"),
                    Some(id),
                    None,
                    format!(
                        "the name {id:?} is already used by another question, value or parameter"
                    ),
                ));
                }
            };

        for p in &pack.parameters {
            let item = format!("parameter {}", p.id);
            let next = g.params.len();
            declare(&mut g, "parameter", &p.id, Name::Param(next), &mut errors);
            let mut values = Parameter::new(p.name.clone(), p.unit.clone());
            let mut is_table = None;
            for v in &p.values {
                let table = matches!(v.value, ParamValue::Table(_));
                if let ParamValue::Table(t) = &v.value
                    && t.is_empty()
                {
                    errors.push(err(
                        &item,
                        Some(&p.id),
                        None,
                        format!("the value since {} is an empty table", v.since),
                    ));
                }
                if *is_table.get_or_insert(table) != table {
                    errors.push(err(
                        &item,
                        Some(&p.id),
                        Some(&v.since),
                        "mixes single values and tables; use one kind for every date".into(),
                    ));
                }
                if v.reference.trim().is_empty() {
                    errors.push(err(
                        &item,
                        Some(&p.id),
                        Some(&v.since),
                        format!(
                            "the value since {} has no ref (legal reference or source)",
                            v.since
                        ),
                    ));
                }
                match values
                    .clone()
                    .with_value(&v.since, v.value.clone(), v.reference.clone())
                {
                    Ok(next) => values = next,
                    Err(e) => errors.push(err(&item, Some(&p.id), Some(&v.since), e.to_string())),
                }
            }
            if p.values.is_empty() {
                errors.push(err(&item, Some(&p.id), None, "has no values".into()));
            }
            g.params.push(Param {
                def: p.clone(),
                values,
                is_table: is_table.unwrap_or(false),
            });
        }

        for q in &pack.questions {
            let item = format!("question {}", q.id);
            let next = g.questions.len();
            declare(&mut g, "question", &q.id, Name::Question(next), &mut errors);
            let has_options = matches!(q.kind, QuestionType::Choice | QuestionType::Multi);
            if has_options && q.options.is_empty() {
                errors.push(err(
                    &item,
                    Some(&q.id),
                    None,
                    "a choice question needs options".into(),
                ));
            }
            if !has_options && !q.options.is_empty() {
                errors.push(err(
                    &item,
                    Some(&q.id),
                    None,
                    format!(
                        "options are only for choice and multi questions, not {:?}",
                        q.kind
                    ),
                ));
            }
            let mut seen = Vec::new();
            for o in &q.options {
                if !valid_id(&o.id) || o.id.contains('-') {
                    errors.push(err(
                        &item,
                        Some(&q.id),
                        Some(&o.id),
                        format!(
                            "option id {:?}: use lower-case ASCII letters, digits and _",
                            o.id
                        ),
                    ));
                }
                if seen.contains(&&o.id) {
                    errors.push(err(
                        &item,
                        Some(&q.id),
                        Some(&o.id),
                        format!("option {:?} appears twice", o.id),
                    ));
                }
                seen.push(&o.id);
            }
            match (&q.unknown, q.kind) {
                (Some(_), QuestionType::Multi) => errors.push(err(
                    &item,
                    Some(&q.id),
                    None,
                    "unknown: is for yes/no, number, date and choice questions; a list question can have an option for it".into(),
                )),
                (Some(text), _) if text.trim().is_empty() => errors.push(err(
                    &item,
                    Some(&q.id),
                    None,
                    "unknown: must say what settles the answer (a document or an office)".into(),
                )),
                (Some(_), _) if q.options.iter().any(|o| o.id == crate::engine::UNKNOWN) => {
                    errors.push(err(
                        &item,
                        Some(&q.id),
                        Some(crate::engine::UNKNOWN),
                        "option id \"unknown\" is how 「わからない」 is written when the question has unknown:".into(),
                    ))
                }
                _ => {}
            }
            if !matches!(q.kind, QuestionType::Number | QuestionType::Multi)
                && (q.min.is_some() || q.max.is_some())
            {
                errors.push(err(
                    &item,
                    Some(&q.id),
                    None,
                    "min and max are for number questions (and min for the least options of a multi); this question is not one".into(),
                ));
            }
            if q.kind == QuestionType::Multi && q.max.is_some() {
                errors.push(err(
                    &item,
                    Some(&q.id),
                    None,
                    "a multiple choice takes min (the least options to choose), not max".into(),
                ));
            }
            if let (Some(min), Some(max)) = (q.min, q.max)
                && min > max
            {
                errors.push(err(
                    &item,
                    Some(&q.id),
                    None,
                    format!("min {min} is above max {max}"),
                ));
            }
            let ask_if = q.ask_if.as_deref().and_then(|src| match expr::parse(src) {
                Ok(e) => Some(e),
                Err(e) => {
                    errors.push(err(
                        &item,
                        Some(&q.id),
                        Some(src),
                        format!("ask_if {src:?}: {e}"),
                    ));
                    None
                }
            });
            for o in &q.options {
                for c in &o.cities {
                    if !pack.cities.contains(c) {
                        errors.push(err(
                            &item,
                            Some(&q.id),
                            Some(&o.id),
                            format!(
                                "option {:?}: city {c:?} is not one of the pack's cities {:?}",
                                o.id, pack.cities
                            ),
                        ));
                    }
                }
            }
            let mut def = q.clone();
            // Options this city does not offer are not shown, not accepted, not usable in rules.
            def.options
                .retain(|o| o.cities.is_empty() || o.cities.contains(&city.id));
            if has_options && def.options.is_empty() && !q.options.is_empty() {
                errors.push(err(
                    &item,
                    Some(&q.id),
                    None,
                    format!("no option of this question is offered in {}", city.id),
                ));
            }
            g.questions.push(Question { def, ask_if });
        }
        match g.names.get(&pack.event_date) {
            Some(Name::Question(i)) if g.questions[*i].def.kind == QuestionType::Date => {
                g.event_date = *i
            }
            _ => errors.push(err(
                "pack",
                None,
                Some(&pack.event_date),
                format!("event_date {:?} must name a date question", pack.event_date),
            )),
        }

        for d in &pack.derived {
            let item = format!("derived {}", d.id);
            let parsed = match expr::parse(&d.expr) {
                Ok(e) => e,
                Err(e) => {
                    errors.push(err(
                        &item,
                        Some(&d.id),
                        Some(&d.expr),
                        format!("{:?}: {e}", d.expr),
                    ));
                    continue;
                }
            };
            match g.ty(&parsed) {
                Ok(ty) => {
                    let next = g.derived.len();
                    declare(&mut g, "derived", &d.id, Name::Derived(next), &mut errors);
                    g.derived.push(Derived {
                        def: d.clone(),
                        expr: parsed,
                        ty,
                    });
                }
                Err(m) => errors.push(err(
                    &item,
                    Some(&d.id),
                    Some(&d.expr),
                    format!("{:?}: {m}", d.expr),
                )),
            }
        }

        // ask_if may only read questions asked before it (directly or through derived values).
        for (i, q) in g.questions.iter().enumerate() {
            if let Some(e) = &q.ask_if {
                let src = q.def.ask_if.as_deref();
                let item = format!("question {}", q.def.id);
                match g.ty(e) {
                    Ok(Ty::Bool) => {}
                    Ok(t) => errors.push(err(
                        &item,
                        Some(&q.def.id),
                        src,
                        format!("ask_if must be a condition, found {}", t.describe()),
                    )),
                    Err(m) => errors.push(err(&item, Some(&q.def.id), src, format!("ask_if: {m}"))),
                }
                for j in g.questions_read(e) {
                    let n = &g.questions[j].def.id;
                    if j >= i {
                        errors.push(err(
                            &item,
                            Some(&q.def.id),
                            src,
                            format!("ask_if reads {n:?}, which is not asked before this question"),
                        ));
                    }
                }
            }
        }

        for p in &pack.procedures {
            let item = format!("procedure {}", p.id);
            for c in p.cities.keys() {
                if !pack.cities.contains(c) {
                    errors.push(err(
                        &item,
                        Some(&p.id),
                        Some(c),
                        format!(
                            "city {c:?} is not one of the pack's cities {:?}",
                            pack.cities
                        ),
                    ));
                }
            }
            let o = p.cities.get(&city.id).cloned().unwrap_or_default();
            if o.absent {
                continue;
            }
            let counter_id = o.counter.clone().unwrap_or_else(|| p.counter.clone());
            let counter = match city.counters.get(&counter_id) {
                Some(def) => Counter {
                    id: counter_id,
                    def: def.clone(),
                },
                None => {
                    errors.push(err(&item, Some(&p.id), Some(&counter_id), format!(
                        "counter {counter_id:?} is not in the {} profile (cities/{}.yaml); it has {:?}",
                        city.name, city.id, city.counters.keys().collect::<Vec<_>>()
                    )));
                    continue;
                }
            };
            let source = o.source.clone().unwrap_or_else(|| p.source.clone());
            if !(source.starts_with("https://") || source.starts_with("http://")) {
                errors.push(err(&item, Some(&p.id), Some(&source), format!("source must be the URL of the page the rule is written from, found {source:?}")));
            }
            let deadline = o.deadline.clone().or_else(|| p.deadline.clone());
            let mut deadline_cases = Vec::new();
            if let Some(d) = &deadline {
                g.check_deadline(d, &item, &p.id, &mut errors);
                if let Some(w) = &d.when {
                    errors.push(err(&item, Some(&p.id), Some(w), format!(
                        "the main deadline cannot have when: {w:?}; put the deadline that applies under a condition in cases:"
                    )));
                }
                for c in &d.cases {
                    g.check_deadline(c, &item, &p.id, &mut errors);
                    if !c.cases.is_empty() {
                        errors.push(err(
                            &item,
                            Some(&p.id),
                            Some(&c.text),
                            "a deadline case cannot have cases of its own".into(),
                        ));
                    }
                    let Some(w) = &c.when else {
                        errors.push(err(&item, Some(&p.id), Some(&c.text), format!(
                            "deadline case {:?} needs when: (the condition under which it applies)", c.text
                        )));
                        continue;
                    };
                    match expr::parse(w)
                        .map_err(|e| e.to_string())
                        .and_then(|e| g.ty(&e).map(|t| (e, t)))
                    {
                        Ok((e, Ty::Bool)) => deadline_cases.push((e, c.clone())),
                        Ok((_, t)) => errors.push(err(
                            &item,
                            Some(&p.id),
                            Some(w),
                            format!(
                                "deadline case when {w:?} must be a condition, found {}",
                                t.describe()
                            ),
                        )),
                        Err(m) => errors.push(err(
                            &item,
                            Some(&p.id),
                            Some(w),
                            format!("deadline case when {w:?}: {m}"),
                        )),
                    }
                }
            }
            let note = o.note.clone().unwrap_or_else(|| p.note.clone());
            for text in std::iter::once(&note).chain(
                o.rules
                    .as_ref()
                    .unwrap_or(&p.rules)
                    .iter()
                    .map(|r| &r.because),
            ) {
                if let Err(m) = g.check_placeholders(text) {
                    errors.push(err(&item, Some(&p.id), Some(text), m));
                }
            }
            let mut rows = Vec::new();
            for r in o.rules.as_ref().unwrap_or(&p.rules) {
                if r.then == Status::NeedsAnswer {
                    errors.push(err(&item, Some(&p.id), Some(&r.when), "a row cannot decide needs_answer; the engine says so when a question it reads is unanswered".into()));
                }
                match expr::parse(&r.when) {
                    Ok(e) => match g.ty(&e) {
                        Ok(Ty::Bool) => rows.push(Row {
                            when: e,
                            when_src: r.when.clone(),
                            then: r.then,
                            because: r.because.clone(),
                        }),
                        Ok(t) => errors.push(err(
                            &item,
                            Some(&p.id),
                            Some(&r.when),
                            format!(
                                "when {:?} must be a condition, found {}",
                                r.when,
                                t.describe()
                            ),
                        )),
                        Err(m) => errors.push(err(
                            &item,
                            Some(&p.id),
                            Some(&r.when),
                            format!("when {:?}: {m}", r.when),
                        )),
                    },
                    Err(e) => errors.push(err(
                        &item,
                        Some(&p.id),
                        Some(&r.when),
                        format!("when {:?}: {e}", r.when),
                    )),
                }
            }
            if p.otherwise == Status::NeedsAnswer {
                errors.push(err(
                    &item,
                    Some(&p.id),
                    None,
                    "else cannot be needs_answer".into(),
                ));
            }
            g.procedures.push(Procedure {
                id: p.id.clone(),
                name: o.name.clone().unwrap_or_else(|| p.name.clone()),
                counter,
                deadline,
                deadline_cases,
                documents: o.documents.clone().unwrap_or_else(|| p.documents.clone()),
                forms: o.forms.clone().unwrap_or_else(|| p.forms.clone()),
                source,
                note,
                rows,
                otherwise: p.otherwise,
                bounds: Default::default(),
                form_answers: Vec::new(),
                date_questions: Vec::new(),
            });
        }
        let mut ids: Vec<&str> = pack.procedures.iter().map(|p| p.id.as_str()).collect();
        ids.sort_unstable();
        for w in ids.windows(2) {
            if w[0] == w[1] {
                errors.push(err(
                    format!("procedure {}", w[0]),
                    Some(w[0]),
                    None,
                    "two procedures have this id".into(),
                ));
            }
        }
        if let Some(m) = &pack.visit.moves {
            for fact in [&m.into, &m.within, &m.out] {
                let ty = g.names.get(fact).map(|n| g.name_ty(*n));
                if !matches!(g.names.get(fact), Some(Name::Derived(_))) || ty != Some(Ty::Bool) {
                    errors.push(err(
                        "visit",
                        None,
                        Some(fact),
                        format!("visit.moves names {fact:?}, which must be a derived yes/no fact of the pack"),
                    ));
                }
            }
        }
        if errors.is_empty() {
            for i in 0..g.procedures.len() {
                g.procedures[i].bounds =
                    crate::complete::procedure_bounds(&g, &g.procedures[i].rows);
                let mut qs = std::collections::BTreeSet::new();
                if let Some(d) = &g.procedures[i].deadline {
                    for name in std::iter::once(d)
                        .chain(&d.cases)
                        .filter_map(|d| d.from.clone())
                    {
                        crate::complete::questions_in(&g, &Expr::Name { name, at: 0 }, &mut qs);
                    }
                }
                g.procedures[i].date_questions = qs.into_iter().collect();
            }
            let mut read = std::collections::BTreeSet::new();
            for p in &g.procedures {
                for e in p
                    .rows
                    .iter()
                    .map(|r| &r.when)
                    .chain(p.deadline_cases.iter().map(|c| &c.0))
                {
                    crate::complete::questions_in(&g, e, &mut read);
                }
                read.extend(p.date_questions.iter().copied());
            }
            g.decides = (0..g.questions.len()).map(|i| read.contains(&i)).collect();
            Ok(g)
        } else {
            Err(errors)
        }
    }

    fn check_deadline(&self, d: &DeadlineDef, item: &str, id: &str, errors: &mut Vec<BuildError>) {
        let counts = [
            d.days.is_some(),
            d.months.is_some(),
            d.years.is_some(),
            d.next.is_some(),
        ]
        .iter()
        .filter(|b| **b)
        .count();
        if counts > 1 {
            errors.push(err(
                item,
                Some(id),
                Some(&d.text),
                "a deadline has one of days, months, years or next".into(),
            ));
        }
        if counts == 1 && d.from.is_none() {
            errors.push(err(
                item,
                Some(id),
                Some(&d.text),
                "a deadline with a period needs from: (the date it counts from)".into(),
            ));
        }
        if let Some(from) = &d.from {
            let ty = self.names.get(from).map(|n| self.name_ty(*n));
            if ty != Some(Ty::Date) {
                errors.push(err(
                    item,
                    Some(id),
                    Some(from),
                    format!("deadline from {from:?} must name a date question or value"),
                ));
            }
            if counts == 0 {
                errors.push(err(
                    item,
                    Some(id),
                    Some(&d.text),
                    "a deadline with from: needs days, months, years or next".into(),
                ));
            }
        }
        if let Some(next) = &d.next
            && Date::parse_iso(&format!("2000-{next}")).is_err()
        {
            errors.push(err(
                item,
                Some(id),
                Some(next),
                format!("next must be MM-DD, found {next:?}"),
            ));
        }
    }

    /// Tells the guide which answers each form prints (`answers.<question id>` sources of the
    /// templates, and `event_date` for the pack's date question, given by `reads` for a
    /// template id), so those questions stay asked while a
    /// procedure printing that form applies. Unknown ids are ignored.
    pub fn with_form_answers(mut self, reads: impl Fn(&str) -> Vec<String>) -> Self {
        for p in &mut self.procedures {
            let mut qs: Vec<usize> = p
                .forms
                .iter()
                .flat_map(|f| reads(f))
                .filter_map(|id| match self.names.get(&id) {
                    Some(Name::Question(i)) => Some(*i),
                    _ if id == "event_date" => Some(self.event_date),
                    _ => None,
                })
                .collect();
            qs.sort_unstable();
            qs.dedup();
            p.form_answers = qs;
        }
        self
    }

    pub(crate) fn name_ty(&self, n: Name) -> Ty {
        match n {
            Name::Question(i) => match self.questions[i].def.kind {
                QuestionType::Bool => Ty::Bool,
                QuestionType::Number => Ty::Int,
                QuestionType::Date => Ty::Date,
                QuestionType::Choice => Ty::Choice(i),
                QuestionType::Multi => Ty::Multi(i),
            },
            Name::Derived(i) => self.derived[i].ty.clone(),
            Name::Param(_) => Ty::Int,
            Name::Today => Ty::Date,
            Name::City => Ty::City,
        }
    }

    fn city_of(&self, e: &Expr) -> Result<(), String> {
        match e {
            Expr::Name { name, .. } if self.cities.contains(name) => Ok(()),
            other => Err(format!(
                "`city` compares with one of the pack's cities {:?}, found {other}",
                self.cities
            )),
        }
    }

    fn option_of(&self, q: usize, e: &Expr) -> Result<(), String> {
        let def = &self.questions[q].def;
        match e {
            Expr::Name { name, .. } if def.options.iter().any(|o| &o.id == name) => Ok(()),
            Expr::Name { name, .. } => Err(format!(
                "{name:?} is not an option of {:?}; its options are {:?}",
                def.id,
                def.options
                    .iter()
                    .map(|o| o.id.as_str())
                    .collect::<Vec<_>>()
            )),
            other => Err(format!("expected an option of {:?}, found {other}", def.id)),
        }
    }

    /// The type of `e`, or what is wrong with it.
    pub fn ty(&self, e: &Expr) -> Result<Ty, String> {
        match e {
            Expr::Bool(_) => Ok(Ty::Bool),
            Expr::Int(_) => Ok(Ty::Int),
            Expr::Name { name, .. } => match self.names.get(name) {
                Some(Name::Param(i)) if self.params[*i].is_table => Err(format!(
                    "{name:?} is a table; pick an entry, e.g. {name}[dependents]"
                )),
                Some(n) => Ok(self.name_ty(*n)),
                None => Err(format!(
                    "unknown name {name:?} (not a question, derived value or parameter of this pack)"
                )),
            },
            Expr::Index { name, index, .. } => match self.names.get(name) {
                Some(Name::Param(i)) if self.params[*i].is_table => match self.ty(index)? {
                    Ty::Int => Ok(Ty::Int),
                    t => Err(format!(
                        "the entry of {name:?} must be a number, found {}",
                        t.describe()
                    )),
                },
                Some(_) => Err(format!(
                    "{name:?} is not a parameter table, so it cannot be indexed"
                )),
                None => Err(format!("unknown parameter {name:?}")),
            },
            Expr::Call { func, args, .. } => {
                if !BUILTIN_FUNCS.contains(&func.as_str()) {
                    return Err(format!(
                        "unknown function {func:?}; there are {BUILTIN_FUNCS:?}"
                    ));
                }
                if func == "count" {
                    // `count(parts)`: how many options a multiple-choice answer holds.
                    let [arg] = args.as_slice() else {
                        return Err(format!(
                            "count(answer) takes 1 multiple-choice answer, found {} arguments",
                            args.len()
                        ));
                    };
                    return match self.ty(arg)? {
                        Ty::Multi(_) => Ok(Ty::Int),
                        t => Err(format!(
                            "count() takes a multiple-choice answer, found {} ({arg})",
                            t.describe()
                        )),
                    };
                }
                if args.len() != 2 {
                    return Err(format!(
                        "{func}(birth, on) takes 2 dates, found {} arguments",
                        args.len()
                    ));
                }
                for a in args {
                    let t = self.ty(a)?;
                    if t != Ty::Date {
                        return Err(format!(
                            "{func}() takes dates, found {} ({a})",
                            t.describe()
                        ));
                    }
                }
                Ok(Ty::Int)
            }
            Expr::Not(inner) => self.want(inner, &Ty::Bool, "not").map(|_| Ty::Bool),
            Expr::And(v) | Expr::Or(v) => {
                for x in v {
                    self.want(x, &Ty::Bool, "and/or")?;
                }
                Ok(Ty::Bool)
            }
            Expr::Cmp { op, lhs, rhs } => {
                let lt = self.ty(lhs)?;
                match lt {
                    Ty::Choice(q) => {
                        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                            return Err(format!(
                                "choices compare only with == or !=, found {}",
                                op.symbol()
                            ));
                        }
                        self.option_of(q, rhs)?;
                    }
                    Ty::City => {
                        if !matches!(op, CmpOp::Eq | CmpOp::Ne) {
                            return Err(format!(
                                "`city` compares only with == or !=, found {}",
                                op.symbol()
                            ));
                        }
                        self.city_of(rhs)?;
                    }
                    Ty::Bool if matches!(op, CmpOp::Eq | CmpOp::Ne) => {
                        self.want(rhs, &Ty::Bool, op.symbol())?;
                    }
                    Ty::Int | Ty::Date => {
                        self.want(rhs, &lt, op.symbol())?;
                    }
                    t => {
                        return Err(format!(
                            "{} cannot be compared with {}",
                            t.describe(),
                            op.symbol()
                        ));
                    }
                }
                Ok(Ty::Bool)
            }
            Expr::In { lhs, set, .. } => {
                match self.ty(lhs)? {
                    Ty::Choice(q) => {
                        for x in set {
                            self.option_of(q, x)?;
                        }
                    }
                    Ty::Int => {
                        for x in set {
                            self.want(x, &Ty::Int, "in")?;
                        }
                    }
                    Ty::City => {
                        for x in set {
                            self.city_of(x)?;
                        }
                    }
                    t => {
                        return Err(format!(
                            "`in` needs a choice or a number on the left, found {}",
                            t.describe()
                        ));
                    }
                }
                Ok(Ty::Bool)
            }
            Expr::Has { lhs, option } => match self.ty(lhs)? {
                Ty::Multi(q) => self.option_of(q, option).map(|_| Ty::Bool),
                t => Err(format!(
                    "`has` needs a multiple-choice answer on the left, found {}",
                    t.describe()
                )),
            },
            Expr::Add(a, b) | Expr::Sub(a, b) => {
                self.want(a, &Ty::Int, "+/-")?;
                self.want(b, &Ty::Int, "+/-")?;
                Ok(Ty::Int)
            }
        }
    }

    fn want(&self, e: &Expr, want: &Ty, ctx: &str) -> Result<(), String> {
        let t = self.ty(e)?;
        if &t == want {
            Ok(())
        } else {
            Err(format!(
                "{ctx} needs {}, but {e} is {}",
                want.describe(),
                t.describe()
            ))
        }
    }

    /// `{name}` in a sentence must name a question, derived value or single-valued parameter.
    fn check_placeholders(&self, text: &str) -> Result<(), String> {
        for name in placeholders(text) {
            match self.names.get(name) {
                Some(Name::Param(i)) if self.params[*i].is_table => {
                    return Err(format!(
                        "{{{name}}} is a table; only single values can be shown in a sentence"
                    ));
                }
                Some(
                    Name::Question(_)
                    | Name::Derived(_)
                    | Name::Param(_)
                    | Name::Today
                    | Name::City,
                ) => {}
                None => {
                    return Err(format!(
                        "{{{name}}} in the text is not a question, derived value or parameter"
                    ));
                }
            }
        }
        Ok(())
    }

    /// The questions `e` reads, directly or through derived values.
    pub fn questions_read(&self, e: &Expr) -> Vec<usize> {
        let mut names = Vec::new();
        e.names(&mut names);
        let mut out = Vec::new();
        for (n, _) in names {
            match self.names.get(&n) {
                Some(Name::Question(j)) => out.push(*j),
                Some(Name::Derived(d)) => out.extend(self.questions_read(&self.derived[*d].expr)),
                _ => {}
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn question(&self, id: &str) -> Option<&Question> {
        self.questions.iter().find(|q| q.def.id == id)
    }

    pub fn procedure(&self, id: &str) -> Option<&Procedure> {
        self.procedures.iter().find(|p| p.id == id)
    }
}

//! `mado-rules lint`: everything that can be wrong with a pack before anyone relies on it.
//!
//! Besides the build checks (unknown names, type errors, missing sources, unknown counters),
//! each procedure's decision table is explored over the values that matter to it (every
//! option, both sides of every number and age boundary, unanswered) to find procedures
//! that can never apply and rows that are never reached because earlier rows always decide
//! first.

use std::collections::BTreeSet;

use mado_civil::Date;

use crate::complete::{Boundaries, candidates, questions_in};
use crate::engine::{Answers, Value};
use crate::guide::Guide;
use crate::load::{Diagnostic, Library, LoadedPack, Source};
use crate::pack::{ParamValue, Status};
use crate::parameter::{fiscal_year_name, fiscal_year_start};
use crate::scenario;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

#[derive(Debug, Clone)]
pub struct Finding {
    pub severity: Severity,
    pub diag: Diagnostic,
}

impl std::fmt::Display for Finding {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(
            f,
            "{}:{}: {s}: {}",
            self.diag.file, self.diag.line, self.diag.message
        )
    }
}

fn finding(severity: Severity, src: &Source, line: usize, message: String) -> Finding {
    Finding {
        severity,
        diag: Diagnostic {
            file: src.file.clone(),
            line,
            message,
        },
    }
}

/// Lints every pack of the library for every city it names, and its scenario files, as
/// they stand on `on` (the day of the visits to come: `mado-rules lint` takes today): a
/// yearly amount with no value for `on`'s fiscal year, and facts last checked more than a
/// year before `on`, are warnings.
pub fn lint(lib: &Library, on: Date) -> Vec<Finding> {
    let mut out = Vec::new();
    let cities: Vec<&crate::pack::CityFile> = lib.cities.values().map(|(_, c)| c).collect();
    let city_texts = crate::i18n::city_texts(&cities);
    for (src, tr) in lib.city_translations.values() {
        translations(src, &city_texts, tr, &mut out);
    }
    for lp in &lib.packs {
        staleness(lp, on, &mut out);
        let texts = crate::i18n::texts(&lp.pack);
        for (src, tr) in lp.translations.values() {
            translations(src, &texts, tr, &mut out);
        }
        let src = &lp.source;
        let mut guides = Vec::new();
        for city in &lp.pack.cities {
            match lib.guide(&lp.pack.id, city) {
                Ok(g) => guides.push(g),
                Err(diags) => out.extend(diags.into_iter().map(|diag| Finding {
                    severity: Severity::Error,
                    diag,
                })),
            }
        }
        for p in &lp.pack.procedures {
            if p.rules.is_empty() && p.cities.values().all(|o| o.rules.is_none()) {
                out.push(finding(
                    Severity::Error,
                    src,
                    src.line_of(Some(&p.id), None),
                    format!("procedure {}: has no rules", p.id),
                ));
            }
        }
        other_cities(lib, lp, &guides, &mut out);
        for g in &guides {
            explore(g, lp, &mut out);
        }
        if let Some(g) = guides.first() {
            unused_questions(g, &guides, src, &mut out);
        }
        for (tsrc, cases) in &lp.scenarios {
            for case in cases {
                let line = tsrc.line_of(None, Some(&format!("name: {}", case.name)));
                if case.name.trim().len() < 10 {
                    out.push(finding(
                        Severity::Error,
                        tsrc,
                        line,
                        format!("scenario {:?}: name it with a full sentence", case.name),
                    ));
                }
                if !(case.source.starts_with("https://") || case.source.starts_with("http://")) {
                    out.push(finding(
                        Severity::Error,
                        tsrc,
                        line,
                        format!(
                            "scenario {:?}: source must be the URL it is written from",
                            case.name
                        ),
                    ));
                }
                if !lp.pack.cities.contains(&case.city) {
                    out.push(finding(
                        Severity::Error,
                        tsrc,
                        line,
                        format!(
                            "scenario {:?}: city {:?} is not one of {:?}",
                            case.name, case.city, lp.pack.cities
                        ),
                    ));
                    continue;
                }
                // A guide that does not build is reported above.
                let Some(g) = guides.iter().find(|g| g.city == case.city) else {
                    continue;
                };
                let raw = serde_json::Value::Object(case.answers.clone().into_iter().collect());
                if let Err(e) = Answers::from_json(g, &raw) {
                    out.push(finding(
                        Severity::Error,
                        tsrc,
                        line,
                        format!("scenario {:?}: {e}", case.name),
                    ));
                }
                let ids = case
                    .expect
                    .keys()
                    .chain(case.reasons.keys())
                    .chain(case.deadlines.keys())
                    .chain(case.counters.keys())
                    .chain(case.shown.keys())
                    .chain(case.not_shown.keys());
                for id in ids {
                    if g.procedure(id).is_none() {
                        out.push(finding(
                            Severity::Error,
                            tsrc,
                            line,
                            format!(
                                "scenario {:?}: no procedure {id:?} in {} for {}",
                                case.name, g.pack, g.city
                            ),
                        ));
                    }
                }
                for q in case.ask.iter().chain(&case.not_asked) {
                    if g.question(q).is_none() {
                        out.push(finding(
                            Severity::Error,
                            tsrc,
                            line,
                            format!("scenario {:?}: no question {q:?}", case.name),
                        ));
                    }
                }
            }
        }
    }
    out
}

/// Yearly amounts without a value for `on`'s fiscal year, and procedures whose facts were
/// last checked against their source more than a year before `on` (or never).
/// A language's translations against the texts they translate (issue 22): stale, left-over
/// and placeholder-mismatched ones are errors (a stale translation would say what the
/// Japanese no longer says); a missing one is a warning (the guide shows the Japanese, marked).
fn translations(
    src: &Source,
    texts: &std::collections::BTreeMap<String, String>,
    tr: &crate::i18n::Translations,
    out: &mut Vec<Finding>,
) {
    for problem in crate::i18n::check(texts, tr) {
        let severity = match problem {
            crate::i18n::Problem::Missing { .. } => Severity::Warning,
            _ => Severity::Error,
        };
        let line = src.line_of(None, Some(&format!("{}:", problem.key())));
        out.push(finding(severity, src, line, problem.to_string()));
    }
}

fn staleness(lp: &LoadedPack, on: Date, out: &mut Vec<Finding>) {
    let src = &lp.source;
    let fy = fiscal_year_start(on);
    for p in lp.pack.parameters.iter().filter(|p| p.yearly) {
        let last = p
            .values
            .iter()
            .filter_map(|v| Date::parse_iso(&v.since).ok().map(|d| (d, v)))
            .max_by_key(|(d, _)| *d);
        let Some((since, v)) = last else { continue };
        if since < fy {
            let shown = match &v.value {
                ParamValue::One(n) => format!("{}{}", crate::engine::group_digits(*n), p.unit),
                ParamValue::Table(_) => "表".to_owned(),
            };
            out.push(finding(
                Severity::Warning,
                src,
                src.line_of(Some(&p.id), None),
                format!(
                    "parameter {}（{}）: {}の額が未入力です。{on} の案内では{}の額（{shown}、{since}から）を、その年度の額として示します。{fy} からの値を出典とともに足してください",
                    p.id,
                    p.name,
                    fiscal_year_name(fy),
                    fiscal_year_name(fiscal_year_start(since)),
                ),
            ));
        }
    }
    let year_before = on.add_days(-365);
    let mut check = |file: &Source,
                     id: &str,
                     what: &str,
                     checked: Option<&String>,
                     source: &str| {
        let line = file.line_of(Some(id), Some("checked:"));
        match checked.map(|c| (c, Date::parse_iso(c))) {
            None => out.push(finding(
                Severity::Error,
                file,
                file.line_of(Some(id), None),
                format!("procedure {id}{what}: checked: is missing (the day its facts were last checked against {source}, YYYY-MM-DD)"),
            )),
            Some((c, Err(e))) => out.push(finding(
                Severity::Error,
                file,
                line,
                format!("procedure {id}{what}: checked: {c:?} is not a date: {e}"),
            )),
            Some((_, Ok(d))) if d < year_before => out.push(finding(
                Severity::Warning,
                file,
                line,
                format!("procedure {id}{what}: its facts were last checked on {d}, more than a year before {on}; check them against {source} and update checked:"),
            )),
            Some(_) => {}
        }
    };
    for p in &lp.pack.procedures {
        check(src, &p.id, "", p.checked.as_ref(), &p.source);
        for (city, o) in &p.cities {
            let Some(file) = lp.city_sources.get(city) else {
                continue;
            };
            // A city that writes its facts from its own page dates them itself.
            if let Some(own) = &o.source {
                check(file, &p.id, &format!(" in {city}"), o.checked.as_ref(), own);
            } else if let Some(c) = &o.checked {
                check(file, &p.id, &format!(" in {city}"), Some(c), &p.source);
            }
        }
    }
}

/// An amount of money written out in a sentence (「46万円」「37,200円」「3千円」), outside any
/// `{placeholder}`: amounts change with the law and must be dated parameters instead.
pub fn written_amount(text: &str) -> Option<String> {
    let chars: Vec<char> = text.chars().collect();
    let mut depth = 0;
    for (i, &c) in chars.iter().enumerate() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            '円' if depth == 0 => {
                let mut j = i;
                while j > 0
                    && (chars[j - 1].is_ascii_digit()
                        || matches!(chars[j - 1], ',' | '万' | '千' | '億' | '０'..='９'))
                {
                    j -= 1;
                }
                if chars[j..i]
                    .iter()
                    .any(|c| c.is_ascii_digit() || matches!(c, '０'..='９'))
                {
                    return Some(chars[j..=i].iter().collect());
                }
            }
            _ => {}
        }
    }
    None
}

/// A procedure as shown in one city must not carry another city's name, page or form: that
/// is the pack's text for one city silently falling back to the other (`marks:` in the city
/// profiles).
fn other_cities(lib: &Library, lp: &LoadedPack, guides: &[Guide], out: &mut Vec<Finding>) {
    for g in guides {
        let city = &g.city;
        let others: Vec<(&str, &String)> = lp
            .pack
            .cities
            .iter()
            .filter(|c| *c != city)
            .filter_map(|c| lib.cities.get(c))
            .flat_map(|(_, cf)| cf.marks.iter().map(move |m| (cf.name.as_str(), m)))
            .collect();
        for p in &g.procedures {
            let mut texts: Vec<(&str, &String)> =
                vec![("name", &p.name), ("source", &p.source), ("note", &p.note)];
            texts.extend(p.documents.iter().map(|d| ("documents", d)));
            texts.extend(p.forms.iter().map(|f| ("forms", f)));
            texts.extend(p.rows.iter().map(|r| ("because", &r.because)));
            if let Some(d) = &p.deadline {
                texts.push(("deadline", &d.text));
                texts.extend(p.deadline_cases.iter().map(|(_, c)| ("deadline", &c.text)));
            }
            for (field, text) in texts {
                let mut problems = Vec::new();
                if let Some(amount) = written_amount(text) {
                    problems.push(format!(
                        "procedure {} for {}: its {field} writes the amount 「{amount}」; make it a dated parameter (with its source) and write {{id}}",
                        p.id, g.city_name
                    ));
                }
                if let Some((other, mark)) = others.iter().find(|(_, m)| text.contains(m.as_str()))
                {
                    problems.push(format!(
                        "procedure {} for {}: its {field} {text:?} is {other}'s ({mark:?}); write {}'s own in cities/{city}.yaml",
                        p.id, g.city_name, g.city_name
                    ));
                }
                // Reported where the text is written: the city's file when it replaces it.
                let file = lp.source_of(city, Some(&p.id), Some(text));
                let line = file.line_of(Some(&p.id), Some(text.lines().next().unwrap_or("")));
                out.extend(
                    problems
                        .into_iter()
                        .map(|m| finding(Severity::Error, file, line, m)),
                );
            }
        }
    }
}

/// Outcome of running every scenario: (file, case name, problems).
pub fn run_scenarios(lib: &Library) -> Vec<(String, String, Vec<String>)> {
    let mut out = Vec::new();
    for lp in &lib.packs {
        for (tsrc, cases) in &lp.scenarios {
            for case in cases {
                let problems = match lib.guide(&lp.pack.id, &case.city) {
                    Ok(g) => scenario::check(&g, case),
                    Err(d) => d.iter().map(ToString::to_string).collect(),
                };
                out.push((tsrc.file.clone(), case.name.clone(), problems));
            }
        }
    }
    out
}

/// The dates a guide is checked on: the day every parameter first has a value, and each
/// later change (a 4/1 revision).
fn lint_dates(g: &Guide) -> Vec<Date> {
    let start = g
        .params
        .iter()
        .filter_map(|p| p.values.history().first().map(|v| v.since))
        .max()
        .unwrap_or(Date::from_days_since_epoch(0));
    let mut dates: BTreeSet<Date> = g
        .params
        .iter()
        .flat_map(|p| p.values.history().iter().map(|v| v.since))
        .filter(|d| *d >= start)
        .collect();
    if dates.is_empty() {
        dates.insert(Date::new(2026, 4, 1).unwrap_or(start));
    }
    dates.into_iter().collect()
}

/// Search nodes allowed per question asked of one procedure (a bound, reported if hit).
const MAX_NODES: u64 = 400_000;

/// What a search looks for in one procedure's table.
#[derive(Debug, Clone, Copy)]
enum Goal {
    /// Row `r` holds (whatever the rows before it say).
    Holds(usize),
    /// Row `r` decides: the rows before it are false and it holds.
    Decides(usize),
    /// No row holds, so `else` decides.
    Else,
}

struct Search<'a> {
    g: &'a Guide,
    p: usize,
    today: Date,
    /// Candidate answers per question index (only the questions the table reads).
    cands: &'a std::collections::BTreeMap<usize, Vec<Value>>,
    nodes: u64,
    failure: Option<String>,
}

impl Search<'_> {
    /// Depth-first, branching only on a question an undecided row is missing, and pruning as
    /// soon as three-valued evaluation settles the goal either way. `Some(true)` found,
    /// `Some(false)` impossible, `None` out of budget.
    fn run(&mut self, goal: Goal, answers: &mut Answers) -> Option<bool> {
        self.nodes += 1;
        if self.nodes > MAX_NODES {
            return None;
        }
        let rows = match self.g.row_truths(self.p, answers, self.today) {
            Ok(t) => t,
            Err(e) => {
                // Answers within the questions' ranges that the pack cannot evaluate.
                self.failure
                    .get_or_insert_with(|| format!("{e} (answers: {})", answers.to_query()));
                return Some(false);
            }
        };
        let t = |r: usize| rows[r].0;
        let (verdict, relevant): (Option<bool>, std::ops::Range<usize>) = match goal {
            Goal::Holds(r) => (t(r), r..r + 1),
            Goal::Decides(r) => {
                if (0..r).any(|i| t(i) == Some(true)) || t(r) == Some(false) {
                    (Some(false), 0..0)
                } else if (0..r).all(|i| t(i) == Some(false)) && t(r) == Some(true) {
                    (Some(true), 0..0)
                } else {
                    (None, 0..r + 1)
                }
            }
            Goal::Else => {
                if rows.iter().any(|x| x.0 == Some(true)) {
                    (Some(false), 0..0)
                } else if rows.iter().all(|x| x.0 == Some(false)) {
                    (Some(true), 0..0)
                } else {
                    (None, 0..rows.len())
                }
            }
        };
        if let Some(v) = verdict {
            return Some(v);
        }
        // The first question an undecided row is waiting for; if it is answered but hidden,
        // one its ask_if is waiting for.
        let mut next = None;
        'rows: for r in relevant {
            for &q in &rows[r].1 {
                let mut todo = vec![q];
                while let Some(q) = todo.pop() {
                    let id = &self.g.questions[q].def.id;
                    if !answers.0.contains_key(id) {
                        if self.cands.contains_key(&q) {
                            next = Some(q);
                            break 'rows;
                        }
                        continue;
                    }
                    if let Some(a) = &self.g.questions[q].ask_if {
                        let mut qs = BTreeSet::new();
                        questions_in(self.g, a, &mut qs);
                        qs.remove(&q);
                        todo.extend(qs);
                    }
                }
            }
        }
        let Some(q) = next else {
            return Some(false);
        };
        let id = self.g.questions[q].def.id.clone();
        let mut out_of_budget = false;
        for v in &self.cands[&q] {
            answers.0.insert(id.clone(), v.clone());
            match self.run(goal, answers) {
                Some(true) => {
                    answers.0.remove(&id);
                    return Some(true);
                }
                Some(false) => {}
                None => out_of_budget = true,
            }
        }
        answers.0.remove(&id);
        if out_of_budget { None } else { Some(false) }
    }
}

/// Where a procedure's table is written for `city`: the city's file when it replaces the
/// rules, else `pack.yaml`.
fn table_source<'a>(lp: &'a LoadedPack, city: &str, id: &str) -> &'a Source {
    let replaced = lp
        .pack
        .procedures
        .iter()
        .find(|p| p.id == id)
        .and_then(|p| p.cities.get(city))
        .is_some_and(|o| o.rules.is_some());
    match lp.city_sources.get(city) {
        Some(cs) if replaced => cs,
        _ => &lp.source,
    }
}

fn explore(g: &Guide, lp: &LoadedPack, out: &mut Vec<Finding>) {
    let dates = lint_dates(g);
    for (pi, p) in g.procedures.iter().enumerate() {
        let started = std::time::Instant::now();
        let src = table_source(lp, &g.city, &p.id);
        let line = src.line_of(Some(&p.id), None);
        let mut qs = BTreeSet::new();
        let mut b = Boundaries::default();
        for r in &p.rows {
            questions_in(g, &r.when, &mut qs);
            b.walk(g, &r.when);
        }
        for &q in &qs {
            if let Some(a) = &g.questions[q].ask_if {
                b.walk(g, a);
            }
        }
        let n = p.rows.len();
        let mut holds = vec![false; n];
        let mut decides = vec![false; n];
        let mut else_reached = false;
        let mut unsure = false;
        let mut failures = BTreeSet::new();
        for &today in &dates {
            let cands: std::collections::BTreeMap<usize, Vec<Value>> = qs
                .iter()
                .map(|&q| (q, candidates(g, q, &b, today)))
                .collect();
            let mut s = Search {
                g,
                p: pi,
                today,
                cands: &cands,
                nodes: 0,
                failure: None,
            };
            let mut answers = Answers::default();
            let mut check = |goal: Goal, s: &mut Search<'_>| {
                s.nodes = 0;
                match s.run(goal, &mut answers) {
                    Some(found) => found,
                    None => {
                        unsure = true;
                        true
                    }
                }
            };
            for r in 0..n {
                if !decides[r] {
                    decides[r] = check(Goal::Decides(r), &mut s);
                }
                if decides[r] {
                    holds[r] = true;
                } else if !holds[r] {
                    holds[r] = check(Goal::Holds(r), &mut s);
                }
            }
            if !else_reached {
                else_reached = check(Goal::Else, &mut s);
            }
            if let Some(f) = s.failure.take() {
                failures.insert(format!("on {today}: {f}"));
            }
        }
        for f in failures {
            out.push(finding(
                Severity::Error,
                src,
                line,
                format!("[{}] procedure {} cannot be evaluated {f}", g.city, p.id),
            ));
        }
        if std::env::var_os("MADO_LINT_TIMES").is_some() {
            eprintln!("{} {} {:?}", g.city, p.id, started.elapsed());
        }
        if unsure {
            out.push(finding(Severity::Warning, src, line, format!(
                "[{}] procedure {}: its table has too many combinations to explore fully ({MAX_NODES} steps per check); split the conditions or use derived values",
                g.city, p.id
            )));
        }
        let applies = p
            .rows
            .iter()
            .zip(&decides)
            .any(|(row, d)| *d && matches!(row.then, Status::Required | Status::MayApply))
            || (else_reached && matches!(p.otherwise, Status::Required | Status::MayApply));
        if !applies {
            out.push(finding(
                Severity::Error,
                src,
                line,
                format!(
                    "[{}] procedure {} is unreachable: no answers make it required or may_apply",
                    g.city, p.id
                ),
            ));
        }
        for (r, row) in p.rows.iter().enumerate() {
            let rl = src.line_of(Some(&p.id), Some(&row.when_src));
            if !holds[r] {
                out.push(finding(
                    Severity::Error,
                    src,
                    rl,
                    format!(
                        "[{}] procedure {}: row {} (when: {}) never holds for any answers",
                        g.city,
                        p.id,
                        r + 1,
                        row.when_src
                    ),
                ));
            } else if !decides[r] {
                out.push(finding(Severity::Error, src, rl, format!(
                    "[{}] procedure {}: row {} (when: {}) overlaps earlier rows and is never reached: they decide every case where it holds",
                    g.city, p.id, r + 1, row.when_src
                )));
            }
        }
    }
}

fn unused_questions(first: &Guide, guides: &[Guide], src: &Source, out: &mut Vec<Finding>) {
    for q in &first.questions {
        let id = &q.def.id;
        let used = guides.iter().any(|g| {
            let mut names = Vec::new();
            for p in &g.procedures {
                for r in &p.rows {
                    r.when.names(&mut names);
                }
                if let Some(d) = &p.deadline {
                    for d in std::iter::once(d).chain(&d.cases) {
                        if let Some(f) = &d.from {
                            names.push((f.clone(), 0));
                        }
                    }
                }
                for (when, _) in &p.deadline_cases {
                    when.names(&mut names);
                }
            }
            for d in &g.derived {
                d.expr.names(&mut names);
            }
            for q in &g.questions {
                if let Some(a) = &q.ask_if {
                    a.names(&mut names);
                }
            }
            names.iter().any(|(n, _)| n == id)
        });
        if !used {
            out.push(finding(
                Severity::Warning,
                src,
                src.line_of(Some(id), None),
                format!("question {id} is asked but no rule, deadline or derived value reads it"),
            ));
        }
    }
}

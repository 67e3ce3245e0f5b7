//! `mado-rules lint`: everything that can be wrong with a pack before anyone relies on it.
//!
//! Besides the build checks (unknown names, type errors, missing sources, unknown counters),
//! each procedure's decision table is explored over the values that matter to it (every
//! option, both sides of every number and age boundary, unanswered) to find procedures
//! that can never apply and rows that are never reached because earlier rows always decide
//! first.

use std::collections::BTreeSet;

use crate::Date;
use crate::engine::{Answers, Value, add_months};
use crate::expr::Expr;
use crate::guide::{Guide, Name};
use crate::load::{Diagnostic, Library, Source};
use crate::pack::{ParamValue, QuestionType, Status};
use crate::scenario;

/// Beyond this many combinations a procedure's table is not explored (reported as a warning).
const MAX_COMBINATIONS: u64 = 250_000;

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

/// Lints every pack of the library for every city it names, and its scenario files.
pub fn lint(lib: &Library) -> Vec<Finding> {
    let mut out = Vec::new();
    for lp in &lib.packs {
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
        for g in &guides {
            explore(g, src, &mut out);
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
                let Some(g) = guides.iter().find(|g| g.city == case.city) else {
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
                };
                if let Err(e) = Date::parse_iso(&case.date) {
                    out.push(finding(
                        Severity::Error,
                        tsrc,
                        line,
                        format!("scenario {:?}: date: {e}", case.name),
                    ));
                }
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
                    .chain(case.deadlines.keys());
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
                for q in &case.ask {
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

fn names_in(g: &Guide, e: &Expr, qs: &mut BTreeSet<usize>, consts: &mut BTreeSet<i64>) {
    let mut names = Vec::new();
    e.names(&mut names);
    collect_consts(e, consts);
    for (n, _) in names {
        match g.names.get(&n) {
            Some(Name::Question(i)) => {
                if qs.insert(*i)
                    && let Some(a) = &g.questions[*i].ask_if
                {
                    names_in(g, a, qs, consts);
                }
            }
            Some(Name::Derived(i)) => names_in(g, &g.derived[*i].expr, qs, consts),
            Some(Name::Param(i)) => {
                for v in g.params[*i].values.history() {
                    match &v.value {
                        ParamValue::One(n) => {
                            consts.insert(*n);
                        }
                        ParamValue::Table(t) => {
                            consts.extend(t.iter().copied());
                            consts.extend(0..=t.len() as i64 + 1);
                            if let (Some(step), Some(last)) = (g.params[*i].def.step, t.last()) {
                                consts.extend((1..=3).map(|k| last + k * step));
                            }
                        }
                    }
                }
            }
            _ => {}
        }
    }
}

fn collect_consts(e: &Expr, out: &mut BTreeSet<i64>) {
    match e {
        Expr::Int(n) => {
            out.insert(*n);
        }
        Expr::Index { index, .. } => collect_consts(index, out),
        Expr::Call { args, .. } => args.iter().for_each(|a| collect_consts(a, out)),
        Expr::Not(x) => collect_consts(x, out),
        Expr::And(v) | Expr::Or(v) => v.iter().for_each(|a| collect_consts(a, out)),
        Expr::Cmp { lhs, rhs, .. } | Expr::Add(lhs, rhs) | Expr::Sub(lhs, rhs) => {
            collect_consts(lhs, out);
            collect_consts(rhs, out);
        }
        Expr::In { lhs, set, .. } => {
            collect_consts(lhs, out);
            set.iter().for_each(|a| collect_consts(a, out));
        }
        Expr::Has { lhs, option } => {
            collect_consts(lhs, out);
            collect_consts(option, out);
        }
        Expr::Bool(_) | Expr::Name { .. } => {}
    }
}

fn candidates(g: &Guide, q: usize, consts: &BTreeSet<i64>, today: Date) -> Vec<Option<Value>> {
    let def = &g.questions[q].def;
    let mut v: Vec<Option<Value>> = vec![None];
    match def.kind {
        QuestionType::Bool => v.extend([Some(Value::Bool(true)), Some(Value::Bool(false))]),
        QuestionType::Choice => v.extend(
            def.options
                .iter()
                .map(|o| Some(Value::Choice(o.id.clone()))),
        ),
        QuestionType::Multi => {
            v.push(Some(Value::Multi(vec![])));
            v.extend(
                def.options
                    .iter()
                    .map(|o| Some(Value::Multi(vec![o.id.clone()]))),
            );
            v.push(Some(Value::Multi(
                def.options.iter().map(|o| o.id.clone()).collect(),
            )));
        }
        QuestionType::Number => {
            let mut nums = BTreeSet::new();
            for &c in consts {
                // Sums of two constants catch `income - 80000 < limit[n]`.
                nums.extend([c - 1, c, c + 1]);
            }
            let small: Vec<i64> = consts
                .iter()
                .copied()
                .filter(|c| c.abs() <= 100_000)
                .collect();
            for &c in consts {
                for &s in &small {
                    nums.extend([c + s - 1, c + s, c + s + 1]);
                }
            }
            nums.insert(0);
            if let Some(m) = def.min {
                nums.insert(m);
            }
            if let Some(m) = def.max {
                nums.insert(m);
            }
            v.extend(
                nums.into_iter()
                    .filter(|n| def.min.is_none_or(|m| *n >= m) && def.max.is_none_or(|m| *n <= m))
                    .map(|n| Some(Value::Int(n))),
            );
        }
        QuestionType::Date => {
            let mut dates = BTreeSet::new();
            dates.insert(today);
            for &k in consts.iter().filter(|k| (0..=130).contains(*k)) {
                let d = add_months(today, -12 * k);
                dates.extend([d.add_days(-1), d, d.add_days(1)]);
                let fy = if today.month() >= 4 {
                    today.year() + 1
                } else {
                    today.year()
                } - k as i32;
                if let (Ok(a), Ok(b)) = (Date::new(fy, 4, 1), Date::new(fy, 4, 2)) {
                    dates.extend([a, b]);
                }
            }
            v.extend(dates.into_iter().map(|d| Some(Value::Date(d))));
        }
    }
    v
}

fn lint_dates(g: &Guide) -> Vec<Date> {
    let mut dates: BTreeSet<Date> = g
        .params
        .iter()
        .flat_map(|p| p.values.history().iter().map(|v| v.since))
        .collect();
    if dates.is_empty() {
        dates.insert(Date::new(2026, 4, 1).unwrap_or(Date::from_days_since_epoch(0)));
    }
    dates.into_iter().collect()
}

fn explore(g: &Guide, src: &Source, out: &mut Vec<Finding>) {
    let dates = lint_dates(g);
    for (pi, p) in g.procedures.iter().enumerate() {
        let line = src.line_of(Some(&p.id), None);
        let mut qs = BTreeSet::new();
        let mut consts = BTreeSet::new();
        for r in &p.rows {
            names_in(g, &r.when, &mut qs, &mut consts);
        }
        let qs: Vec<usize> = qs.into_iter().collect();
        let mut reached = vec![false; p.rows.len()];
        let mut holds = vec![false; p.rows.len()];
        let mut applies = false;
        let mut skipped = false;
        for &today in &dates {
            let cands: Vec<Vec<Option<Value>>> = qs
                .iter()
                .map(|&q| candidates(g, q, &consts, today))
                .collect();
            let total = cands
                .iter()
                .fold(1u64, |a, c| a.saturating_mul(c.len() as u64));
            if total > MAX_COMBINATIONS {
                skipped = true;
                out.push(finding(Severity::Warning, src, line, format!(
                    "[{}] procedure {}: {total} combinations of answers, more than {MAX_COMBINATIONS}; its rows were not explored (split the conditions or use derived values)",
                    g.city, p.id
                )));
                break;
            }
            let mut idx = vec![0usize; qs.len()];
            loop {
                let mut answers = Answers::default();
                for (k, &q) in qs.iter().enumerate() {
                    if let Some(v) = &cands[k][idx[k]] {
                        answers.0.insert(g.questions[q].def.id.clone(), v.clone());
                    }
                }
                if let Ok((hit, status, truths)) = g.decide(pi, &answers, today) {
                    if let Some(r) = hit {
                        reached[r] = true;
                    }
                    for (r, t) in truths.iter().enumerate() {
                        holds[r] |= *t;
                    }
                    if matches!(status, Status::Required | Status::MayApply) {
                        applies = true;
                    }
                }
                // Next combination.
                let mut k = 0;
                loop {
                    if k == idx.len() {
                        break;
                    }
                    idx[k] += 1;
                    if idx[k] < cands[k].len() {
                        break;
                    }
                    idx[k] = 0;
                    k += 1;
                }
                if k == idx.len() {
                    break;
                }
            }
        }
        if skipped {
            continue;
        }
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
            } else if !reached[r] {
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
                if let Some(d) = &p.deadline
                    && let Some(f) = &d.from
                {
                    names.push((f.clone(), 0));
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

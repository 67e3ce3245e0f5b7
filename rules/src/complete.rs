//! Every way the unanswered questions of a procedure's table can still be answered: the
//! values that matter to its conditions (each option; each side of every number, age and
//! parameter boundary). The lint explores them to find rows that never decide; the engine, to
//! give a status that no answer can change without asking for it (issue 20).

use std::collections::BTreeSet;

use mado_civil::Date;

use crate::engine::Value;
use crate::expr::Expr;
use crate::guide::{Guide, Name};
use crate::pack::{ParamValue, QuestionType};

/// Every question a condition reads, through derived values and `ask_if`.
pub(crate) fn questions_in(g: &Guide, e: &Expr, qs: &mut BTreeSet<usize>) {
    let mut names = Vec::new();
    e.names(&mut names);
    for (n, _) in names {
        match g.names.get(&n) {
            Some(Name::Question(i)) => {
                if qs.insert(*i)
                    && let Some(a) = &g.questions[*i].ask_if
                {
                    questions_in(g, a, qs);
                }
            }
            Some(Name::Derived(i)) => questions_in(g, &g.derived[*i].expr, qs),
            _ => {}
        }
    }
}

/// The values an expression can take that do not depend on answers: constants and every
/// value a parameter has had (tables: every entry, and a few beyond with `step`).
fn values_of(g: &Guide, e: &Expr) -> Vec<i64> {
    match e {
        Expr::Int(n) => vec![*n],
        Expr::Name { name, .. } | Expr::Index { name, .. } => match g.names.get(name) {
            Some(Name::Param(i)) => {
                let p = &g.params[*i];
                let mut v = Vec::new();
                for dv in p.values.history() {
                    match &dv.value {
                        ParamValue::One(n) => v.push(*n),
                        ParamValue::Table(t) => {
                            v.extend(t.iter().copied());
                            if let (Some(step), Some(last)) = (p.def.step, t.last()) {
                                v.extend((1..=2).map(|k| last + k * step));
                            }
                        }
                    }
                }
                v
            }
            Some(Name::Derived(i)) => values_of(g, &g.derived[*i].expr),
            _ => Vec::new(),
        },
        Expr::Add(a, b) | Expr::Sub(a, b) => {
            let (x, y) = (values_of(g, a), values_of(g, b));
            let add = matches!(e, Expr::Add(..));
            x.iter()
                .flat_map(|p| y.iter().map(move |q| if add { p + q } else { p - q }))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// Interesting values per question: each side of every boundary it is compared with.
#[derive(Debug, Clone, Default)]
pub struct Boundaries {
    numbers: std::collections::BTreeMap<usize, BTreeSet<i64>>,
    /// Ages compared with `age(q, …)` / `fiscal_age(q, …)` for a date question `q`.
    ages: std::collections::BTreeMap<usize, BTreeSet<i64>>,
}

impl Boundaries {
    /// `e` is compared with any of `values`: record what that means for the questions in `e`.
    fn solve(&mut self, g: &Guide, e: &Expr, values: &[i64]) {
        match e {
            Expr::Name { name, .. } => match g.names.get(name) {
                Some(Name::Question(i)) => self
                    .numbers
                    .entry(*i)
                    .or_default()
                    .extend(values.iter().flat_map(|v| [v - 1, *v, v + 1])),
                Some(Name::Derived(i)) => self.solve(g, &g.derived[*i].expr, values),
                _ => {}
            },
            Expr::Sub(a, b) | Expr::Add(a, b) => {
                let add = matches!(e, Expr::Add(..));
                let bs = values_of(g, b);
                let shifted: Vec<i64> = values
                    .iter()
                    .flat_map(|v| bs.iter().map(move |k| if add { v - k } else { v + k }))
                    .collect();
                self.solve(g, a, &shifted);
                let av = values_of(g, a);
                let other: Vec<i64> = values
                    .iter()
                    .flat_map(|v| av.iter().map(move |k| if add { v - k } else { k - v }))
                    .collect();
                self.solve(g, b, &other);
            }
            Expr::Call { func, args, .. } if func != "count" => {
                if let Some(Expr::Name { name, .. }) = args.first() {
                    let mut qs = BTreeSet::new();
                    questions_in(
                        g,
                        &Expr::Name {
                            name: name.clone(),
                            at: 0,
                        },
                        &mut qs,
                    );
                    if let Some(Name::Question(i)) = g.names.get(name) {
                        self.ages
                            .entry(*i)
                            .or_default()
                            .extend(values.iter().copied());
                    } else if let Some(Name::Derived(d)) = g.names.get(name) {
                        // A derived date: follow it if it is a plain question.
                        if let Expr::Name { name: inner, .. } = &g.derived[*d].expr
                            && let Some(Name::Question(i)) = g.names.get(inner)
                        {
                            self.ages
                                .entry(*i)
                                .or_default()
                                .extend(values.iter().copied());
                        }
                    }
                }
            }
            _ => {}
        }
    }

    pub(crate) fn walk(&mut self, g: &Guide, e: &Expr) {
        match e {
            Expr::Cmp { lhs, rhs, .. } => {
                let (lv, rv) = (values_of(g, lhs), values_of(g, rhs));
                self.solve(g, lhs, &rv);
                self.solve(g, rhs, &lv);
                if let Expr::Index { index, .. } = &**rhs {
                    self.index(g, rhs, index);
                }
                if let Expr::Index { index, .. } = &**lhs {
                    self.index(g, lhs, index);
                }
            }
            Expr::In { lhs, set, .. } => {
                let vals: Vec<i64> = set.iter().flat_map(|x| values_of(g, x)).collect();
                if !vals.is_empty() {
                    self.solve(g, lhs, &vals);
                }
            }
            Expr::Not(x) => self.walk(g, x),
            Expr::And(v) | Expr::Or(v) => v.iter().for_each(|x| self.walk(g, x)),
            Expr::Name { name, .. } => {
                if let Some(Name::Derived(i)) = g.names.get(name) {
                    self.walk(g, &g.derived[*i].expr);
                }
            }
            _ => {}
        }
    }

    /// A table index: every entry, one past the end, and zero.
    fn index(&mut self, g: &Guide, table: &Expr, index: &Expr) {
        let Expr::Index { name, .. } = table else {
            return;
        };
        let Some(Name::Param(i)) = g.names.get(name) else {
            return;
        };
        let len = g.params[*i]
            .values
            .history()
            .iter()
            .map(|v| match &v.value {
                ParamValue::Table(t) => t.len() as i64,
                ParamValue::One(_) => 1,
            })
            .max()
            .unwrap_or(1);
        let idx: Vec<i64> = (0..=len + 1).collect();
        self.solve(g, index, &idx);
    }
}

pub(crate) fn candidates(g: &Guide, q: usize, b: &Boundaries, today: Date) -> Vec<Value> {
    let def = &g.questions[q].def;
    let mut v: Vec<Value> = Vec::new();
    match def.kind {
        QuestionType::Bool => v.extend([Value::Bool(true), Value::Bool(false)]),
        QuestionType::Choice => v.extend(def.options.iter().map(|o| Value::Choice(o.id.clone()))),
        QuestionType::Multi => {
            // None, each alone, each with the next (two chosen, most left out), all, and all
            // but each one: enough to reach "two or more, but not this one" in a condition.
            let ids: Vec<String> = def.options.iter().map(|o| o.id.clone()).collect();
            let n = ids.len();
            let mut sets: Vec<Vec<String>> = vec![vec![]];
            sets.extend(ids.iter().map(|o| vec![o.clone()]));
            if n > 2 {
                sets.extend((0..n).map(|i| vec![ids[i].clone(), ids[(i + 1) % n].clone()]));
            }
            sets.push(ids.clone());
            if n > 2 {
                sets.extend((0..n).map(|i| {
                    ids.iter()
                        .enumerate()
                        .filter(|&(j, _)| j != i)
                        .map(|(_, o)| o.clone())
                        .collect()
                }));
            }
            v.extend(
                sets.into_iter()
                    .filter(|s| def.min.is_none_or(|m| s.len() as i64 >= m))
                    .map(Value::Multi),
            );
        }
        QuestionType::Number => {
            let mut nums: BTreeSet<i64> = b.numbers.get(&q).cloned().unwrap_or_default();
            nums.insert(0);
            nums.extend(def.min);
            nums.extend(def.max);
            v.extend(
                nums.into_iter()
                    .filter(|n| def.min.is_none_or(|m| *n >= m) && def.max.is_none_or(|m| *n <= m))
                    .map(Value::Int),
            );
        }
        QuestionType::Date => {
            let mut dates = BTreeSet::new();
            dates.insert(today);
            for &k in b
                .ages
                .get(&q)
                .into_iter()
                .flatten()
                .filter(|k| (-1..=131).contains(*k))
            {
                let d = today.add_months(-12 * k);
                dates.extend([d.add_days(-1), d, d.add_days(1)]);
                let fy = if today.month() >= 4 {
                    today.year() + 1
                } else {
                    today.year()
                } - k as i32;
                if let (Ok(a), Ok(c)) = (Date::new(fy, 4, 1), Date::new(fy, 4, 2)) {
                    dates.extend([a, c]);
                }
            }
            v.extend(dates.into_iter().map(Value::Date));
        }
    }
    v
}

/// What the engine needs to complete one procedure's unanswered questions: the boundaries of
/// its conditions (and of the `ask_if` of every question they read).
pub(crate) fn procedure_bounds(g: &Guide, rows: &[crate::guide::Row]) -> Boundaries {
    let mut qs = BTreeSet::new();
    let mut b = Boundaries::default();
    for r in rows {
        questions_in(g, &r.when, &mut qs);
        b.walk(g, &r.when);
    }
    for &q in &qs {
        if let Some(a) = &g.questions[q].ask_if {
            b.walk(g, a);
        }
    }
    b
}

//! Timing the engine the way the counter uses it: change one answer, re-evaluate every
//! procedure. The clock is passed in, so the same code measures natively (`cargo xtask
//! bench`) and in Chromium (the desk bundle's `guide_eval_timing`).

use serde::{Deserialize, Serialize};

use crate::engine::{Answers, Value};
use crate::pack::QuestionType;
use mado_civil::Date;

use crate::Guide;

/// Re-evaluations per timed block; the browser's clock is coarse (0.1 ms), so single
/// evaluations are not timed one by one.
const BLOCK: u32 = 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Timing {
    pub pack: String,
    pub city: String,
    pub procedures: usize,
    pub questions: usize,
    pub evaluations: u32,
    /// Median over blocks of the mean time of one re-evaluation, in milliseconds.
    pub median_ms: f64,
    /// The slowest block's mean, in milliseconds.
    pub max_ms: f64,
}

/// An answer for every question: yes, the first option, the minimum (or 0), `on` for dates.
/// Every `ask_if` then holds as far as answers can make it, which is the most work for the
/// engine.
pub fn all_answered(guide: &Guide, on: Date) -> Answers {
    let mut a = Answers::default();
    for q in &guide.questions {
        let d = &q.def;
        let v = match d.kind {
            QuestionType::Bool => Value::Bool(true),
            QuestionType::Number => {
                Value::Int(d.min.unwrap_or(0).max(0).min(d.max.unwrap_or(i64::MAX)))
            }
            QuestionType::Date => Value::Date(on),
            QuestionType::Choice => {
                Value::Choice(d.options.first().map(|o| o.id.clone()).unwrap_or_default())
            }
            QuestionType::Multi => Value::Multi(
                d.options
                    .first()
                    .map(|o| vec![o.id.clone()])
                    .unwrap_or_default(),
            ),
        };
        a.0.insert(d.id.clone(), v);
    }
    a
}

/// Changes one answer a little (the kind of edit a person makes at the counter).
fn nudge(guide: &Guide, answers: &mut Answers, round: u32) {
    let n = guide.questions.len().max(1);
    let Some(q) = guide.questions.get(round as usize % n) else {
        return;
    };
    let d = &q.def;
    let Some(v) = answers.0.get_mut(&d.id) else {
        return;
    };
    match v {
        Value::Bool(b) => *b = !*b,
        Value::Int(x) => {
            let max = d.max.unwrap_or(i64::MAX);
            *x = if *x < max { *x + 1 } else { d.min.unwrap_or(0) };
        }
        Value::Date(day) => *day = day.add_days(if round.is_multiple_of(2) { 1 } else { -1 }),
        Value::Choice(c) => {
            let i = d.options.iter().position(|o| &o.id == c).unwrap_or(0);
            if let Some(o) = d.options.get((i + 1) % d.options.len().max(1)) {
                c.clone_from(&o.id);
            }
        }
        Value::Multi(list) => {
            if list.is_empty() {
                if let Some(o) = d.options.first() {
                    list.push(o.id.clone());
                }
            } else {
                list.clear();
            }
        }
    }
}

/// The answers of a counter that has answered the first `k` questions (in the pack's order)
/// of `full`: the states the guide passes through, where the engine also tries the ways the
/// open questions can be answered (issue 20), which is its slowest work.
fn first_answered(guide: &Guide, full: &Answers, k: usize) -> Answers {
    let mut a = Answers::default();
    for q in guide.questions.iter().take(k) {
        if let Some(v) = full.0.get(&q.def.id) {
            a.0.insert(q.def.id.clone(), v.clone());
        }
    }
    a
}

/// Times `blocks` × 20 re-evaluations with `now()` in milliseconds: each after a one-answer
/// change, alternately of the whole set of answers and of a set answered only up to some
/// question (every prefix in turn).
pub fn time_reevaluation(
    guide: &Guide,
    today: Date,
    blocks: u32,
    now: &mut dyn FnMut() -> f64,
) -> Timing {
    let mut answers = all_answered(guide, today);
    let mut per_eval = Vec::with_capacity(blocks as usize);
    let mut round = 0;
    let mut sink = 0usize;
    // One untimed block first: the browser compiles and optimises the code on first use.
    let n = guide.questions.len();
    let step = |answers: &mut Answers, round: u32| {
        nudge(guide, answers, round);
        let partial;
        let which = if round.is_multiple_of(2) {
            &*answers
        } else {
            partial = first_answered(guide, answers, (round as usize / 2) % (n + 1));
            &partial
        };
        guide
            .evaluate(which, today)
            .map_or(0, |e| e.procedures.len())
    };
    for _ in 0..BLOCK {
        sink = sink.wrapping_add(step(&mut answers, round));
        round += 1;
    }
    round = 0;
    for _ in 0..blocks.max(1) {
        let t0 = now();
        for _ in 0..BLOCK {
            sink = sink.wrapping_add(step(&mut answers, round));
            round += 1;
        }
        per_eval.push((now() - t0) / f64::from(BLOCK));
    }
    per_eval.sort_by(f64::total_cmp);
    Timing {
        pack: guide.pack.clone(),
        city: guide.city.clone(),
        procedures: guide.procedures.len(),
        questions: guide.questions.len(),
        evaluations: round + u32::from(sink == usize::MAX),
        median_ms: per_eval[per_eval.len() / 2],
        max_ms: per_eval.last().copied().unwrap_or(f64::NAN),
    }
}

//! Scenario tests: a YAML case names answers, a date and the expected statuses, reasons
//! and deadlines. One harness runs them natively (`mado-rules test`, `cargo test`) and in
//! the browser (wasm-bindgen-test).

use crate::Guide;
use crate::engine::Answers;
use crate::pack::ScenarioDef;

/// Runs one case against the guide for its city; returns every mismatch (empty = passed).
pub fn check(guide: &Guide, case: &ScenarioDef) -> Vec<String> {
    let mut problems = Vec::new();
    let date = case.date;
    let raw = serde_json::Value::Object(case.answers.clone().into_iter().collect());
    let answers = match Answers::from_json(guide, &raw) {
        Ok(a) => a,
        Err(e) => return vec![e.to_string()],
    };
    let eval = match guide.evaluate(&answers, date) {
        Ok(e) => e,
        Err(e) => return vec![format!("evaluation failed: {e}")],
    };
    let find = |id: &str| eval.procedures.iter().find(|p| p.id == id);
    for (id, want) in &case.expect {
        match find(id) {
            None => problems.push(format!(
                "{id}: no such procedure in {} for {}",
                guide.pack, guide.city
            )),
            Some(p) if p.status != *want => {
                let why: Vec<&str> = p.reasons.iter().map(|r| r.text.as_str()).collect();
                problems.push(format!(
                    "{id}: expected {}, got {} (reasons: {})",
                    want.as_str(),
                    p.status.as_str(),
                    why.join(" / ")
                ));
            }
            Some(_) => {}
        }
    }
    for (id, texts) in &case.reasons {
        let Some(p) = find(id) else {
            problems.push(format!("{id}: no such procedure (in reasons:)"));
            continue;
        };
        for t in texts {
            if !p.reasons.iter().any(|r| r.text.contains(t.as_str())) {
                let why: Vec<&str> = p.reasons.iter().map(|r| r.text.as_str()).collect();
                problems.push(format!(
                    "{id}: no reason mentions {t:?} (reasons: {})",
                    why.join(" / ")
                ));
            }
        }
    }
    for (id, want) in &case.deadlines {
        let Some(p) = find(id) else {
            problems.push(format!("{id}: no such procedure (in deadlines:)"));
            continue;
        };
        let got = p.deadline.as_ref().and_then(|d| d.date);
        if got != Some(*want) {
            problems.push(format!(
                "{id}: expected deadline {want}, got {}",
                got.map_or_else(|| "none".to_owned(), |d| d.to_string())
            ));
        }
    }
    for (id, want) in &case.counters {
        match find(id) {
            None => problems.push(format!("{id}: no such procedure (in counters:)")),
            Some(p) if p.counter.name != *want => problems.push(format!(
                "{id}: expected the counter {want:?}, got {:?}",
                p.counter.name
            )),
            Some(_) => {}
        }
    }
    for (id, texts, present) in case
        .shown
        .iter()
        .map(|(id, t)| (id, t, true))
        .chain(case.not_shown.iter().map(|(id, t)| (id, t, false)))
    {
        let Some(p) = find(id) else {
            problems.push(format!("{id}: no such procedure (in shown:/not_shown:)"));
            continue;
        };
        let mut all = vec![
            p.name.as_str(),
            p.counter.name.as_str(),
            p.counter.note.as_str(),
            p.note.as_str(),
        ];
        if let Some(d) = &p.deadline {
            all.push(d.text.as_str());
            all.extend(d.moved.as_deref());
        }
        all.extend(p.documents.iter().map(String::as_str));
        all.extend(p.reasons.iter().map(|r| r.text.as_str()));
        for t in texts {
            if all.iter().any(|s| s.contains(t.as_str())) != present {
                problems.push(format!(
                    "{id}: {t:?} is {} what is shown ({})",
                    if present { "not in" } else { "in" },
                    all.iter()
                        .filter(|s| !s.is_empty())
                        .copied()
                        .collect::<Vec<_>>()
                        .join(" / ")
                ));
            }
        }
    }
    for q in &case.not_asked {
        if eval.questions.contains(q) {
            problems.push(format!(
                "expected {q:?} not to be asked (no answer to it changes anything), but it is shown: {:?}",
                eval.questions
            ));
        }
    }
    for q in &case.not_to_ask {
        if eval.ask.contains(q) {
            problems.push(format!(
                "expected {q:?} not among the questions to ask, got {:?}",
                eval.ask
            ));
        }
    }
    for q in &case.ask {
        if !eval.ask.contains(q) {
            problems.push(format!(
                "expected {q:?} among the questions to ask, got {:?}",
                eval.ask
            ));
        }
    }
    problems
}

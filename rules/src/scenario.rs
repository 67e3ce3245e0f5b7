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

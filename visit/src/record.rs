//! The visit as the relay keeps it: the counter record and a pre-application's procedures.

use std::collections::BTreeMap;

use mado_rules::{Answers, Evaluation, Status};
use mado_wire::{AnswerValue, GuideMark, GuideRecordItem, GuideStatus, NewGuideRecord};

use crate::Mark;

/// The guide's status as the relay stores it.
pub fn guide_status(s: Status) -> GuideStatus {
    match s {
        Status::Required => GuideStatus::Required,
        Status::MayApply => GuideStatus::MayApply,
        Status::NotApplicable => GuideStatus::NotApplicable,
        Status::NeedsAnswer => GuideStatus::NeedsAnswer,
    }
}

/// A staff mark as the relay stores it.
pub fn guide_mark(m: Mark) -> GuideMark {
    match m {
        Mark::Today => GuideMark::Today,
        Mark::Later => GuideMark::Later,
        Mark::Informed => GuideMark::Informed,
    }
}

/// The answers as the relay takes them. An answer the wire cannot carry is an error, never
/// dropped.
pub fn wire_answers(answers: &Answers) -> Result<BTreeMap<String, AnswerValue>, String> {
    serde_json::from_value(answers.to_json())
        .map_err(|e| format!("the answers cannot be sent: {e}"))
}

/// The guide's result as the counter record.
pub fn record(
    eval: &Evaluation,
    answers: &Answers,
    marks: &BTreeMap<String, Mark>,
    printed_forms: Vec<String>,
    printed_for: String,
) -> Result<NewGuideRecord, String> {
    let procedures = eval
        .procedures
        .iter()
        .map(|p| GuideRecordItem {
            id: p.id.clone(),
            name: p.name.clone(),
            status: guide_status(p.status),
            mark: marks.get(&p.id).copied().map(guide_mark),
        })
        .collect();
    Ok(NewGuideRecord {
        pack: eval.pack.clone(),
        version: eval.version.clone(),
        city: eval.city.clone(),
        date: eval.date,
        answers: wire_answers(answers)?,
        procedures,
        ticket_id: None,
        printed_forms,
        printed_for,
        counter_id: None,
        hand_fields: None,
        started_at_ms: None,
        printed_at_ms: None,
        done_at_ms: None,
    })
}

/// The procedures a pre-application lists: those that apply or may apply.
pub fn submission_procedures(eval: &Evaluation) -> Vec<GuideRecordItem> {
    eval.procedures
        .iter()
        .filter(|p| matches!(p.status, Status::Required | Status::MayApply))
        .map(|p| GuideRecordItem {
            id: p.id.clone(),
            name: p.name.clone(),
            status: guide_status(p.status),
            mark: None,
        })
        .collect()
}

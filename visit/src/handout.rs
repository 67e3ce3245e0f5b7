//! The resident's handout: every procedure that applies, where, by when, with staff's marks.

use std::collections::BTreeMap;

use mado_civil::Date;
use mado_forms::{Handout, HandoutItem};
use mado_rules::{Evaluation, Status};

use crate::Mark;

/// The handout's lines: every procedure that applies, may apply or needs an answer, with its
/// counter, deadline, documents and staff's mark.
pub fn items(eval: &Evaluation, marks: &BTreeMap<String, Mark>) -> Vec<HandoutItem> {
    eval.procedures
        .iter()
        .filter(|p| p.status != Status::NotApplicable)
        .map(|p| HandoutItem {
            name: p.name.clone(),
            group: p.status.heading_ja().to_owned(),
            counter: p.counter.name.clone(),
            deadline: p
                .deadline
                .as_ref()
                .map(|d| match (&d.wareki, &d.moved) {
                    (Some(w), Some(m)) => format!("{w}まで（{}。{m}）", d.text),
                    (Some(w), None) => format!("{w}まで（{}）", d.text),
                    (None, _) => d.text.clone(),
                })
                .unwrap_or_default(),
            documents: p.documents.clone(),
            done: marks
                .get(&p.id)
                .map(|m| m.ja().to_owned())
                .unwrap_or_default(),
        })
        .collect()
}

/// The handout's contact line from the office settings: 「所在地　電話 …　受付 …」.
pub fn contact_line(o: &mado_wire::Office) -> String {
    let mut parts = Vec::new();
    if !o.address.is_empty() {
        parts.push(o.address.clone());
    }
    if !o.phone.is_empty() {
        parts.push(format!("電話 {}", o.phone));
    }
    if !o.hours.is_empty() {
        parts.push(format!("受付 {}", o.hours));
    }
    parts.join("　")
}

/// The handout: the life event, the resident, the office (with its city), the day, the
/// contact line, the link to the guide online and its lines.
pub fn handout(
    title: String,
    name: &str,
    desk: &crate::Desk,
    today: Date,
    contact: String,
    url: String,
    items: Vec<HandoutItem>,
) -> Handout {
    Handout {
        title,
        name: name.to_owned(),
        office: format!("{} {}", desk.city, desk.office),
        date: today,
        contact,
        url,
        items,
    }
}

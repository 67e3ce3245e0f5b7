//! The visit as the counter PC keeps it while it is open (in IndexedDB): everything staff
//! entered, so a reload, a crash or a closed tab resumes it; and the records waiting in the
//! outbox for the relay. Never a PIN: the card's PIN is sent to the card and forgotten.

use std::collections::BTreeMap;

use mado_wire::NewGuideRecord;
use serde::{Deserialize, Serialize};

use crate::{Mark, People};

/// A visit in progress at a counter.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Visit {
    /// Random: the IndexedDB key, and the idempotency key its record is sent with.
    pub id: String,
    pub office: String,
    /// The staff member's login who has it open.
    pub staff: String,
    pub started_ms: i64,
    pub updated_ms: i64,
    /// The life event's pack, once chosen.
    #[serde(default)]
    pub pack: Option<String>,
    pub city: String,
    /// The guide's answers (`Answers::to_json`).
    #[serde(default)]
    pub answers: serde_json::Value,
    pub people: People,
    #[serde(default)]
    pub new_address: String,
    #[serde(default)]
    pub marks: BTreeMap<String, Mark>,
    /// Forms staff switched on or off.
    #[serde(default)]
    pub chosen: BTreeMap<String, bool>,
    /// The last batch printed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub printed: Option<Printed>,
    /// The ticket being served, when the visit began from a call, and its number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ticket_number: Option<String>,
}

/// A printed batch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Printed {
    pub at_ms: i64,
    /// Template ids, in print order.
    pub forms: Vec<String>,
    /// Whom they were printed for.
    pub printed_for: String,
    /// Fields the batch left for the hand that Mado could have filled.
    pub hand_fields: u32,
}

impl Visit {
    /// A new visit with nobody in it yet.
    pub fn new(id: String, office: String, staff: String, city: String, now_ms: i64) -> Visit {
        Visit {
            id,
            office,
            staff,
            started_ms: now_ms,
            updated_ms: now_ms,
            pack: None,
            city,
            answers: serde_json::Value::Null,
            people: People::default(),
            new_address: String::new(),
            marks: BTreeMap::new(),
            chosen: BTreeMap::new(),
            printed: None,
            ticket: None,
            ticket_number: None,
        }
    }

    /// The visit handed over from another counter, continued here: a visit of its own (its
    /// own id, its own record, begun now) with everything already known and the same ticket.
    pub fn continued(mut self, id: String, office: String, staff: String, now_ms: i64) -> Visit {
        self.id = id;
        self.office = office;
        self.staff = staff;
        self.started_ms = now_ms;
        self.updated_ms = now_ms;
        self.printed = None;
        self.chosen = BTreeMap::new();
        self
    }

    /// Nothing worth keeping: no life event chosen and nobody named.
    pub fn is_empty(&self) -> bool {
        self.pack.is_none()
            && self.people == People::default()
            && self.new_address.is_empty()
            && self.ticket.is_none()
    }

    /// How the list of open visits names it: the applicant, or that nobody is named yet.
    pub fn who(&self) -> String {
        let name = self.people.applicant.name.trim();
        if name.is_empty() {
            "（氏名未入力）".to_owned()
        } else {
            format!("{name} 様")
        }
    }

    /// Begun before `day_start_ms` (the start of today): personal data the PC no longer keeps.
    pub fn stale(&self, day_start_ms: i64) -> bool {
        self.started_ms < day_start_ms
    }
}

/// A record waiting in the outbox: sent with its key until the relay has it, then removed.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Outgoing {
    /// The visit's id: the relay keeps one record per visit, however often it is sent
    /// (replaced while the visit is open).
    pub key: String,
    pub office: String,
    pub record: NewGuideRecord,
    pub queued_ms: i64,
    /// Why the relay refused it (a refusal is kept, shown to staff, never dropped).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub refused: Option<String>,
}

/// The record of a visit as it stands: the guide's result with what was printed, the fields
/// left for the hand, the counter that served it and the visit's times. `done_ms` when staff
/// end the visit.
pub fn finish(
    mut record: NewGuideRecord,
    v: &Visit,
    counter: Option<i64>,
    done_ms: Option<i64>,
) -> NewGuideRecord {
    record.ticket_id = v.ticket;
    record.counter_id = counter;
    record.started_at_ms = Some(v.started_ms);
    if let Some(p) = &v.printed {
        record.printed_forms = p.forms.clone();
        record.printed_for = p.printed_for.clone();
        record.hand_fields = Some(p.hand_fields);
        record.printed_at_ms = Some(p.at_ms);
    }
    record.done_at_ms = done_ms.map(|d| d.max(v.started_ms));
    record
}

#[cfg(test)]
mod tests {
    use super::*;

    fn visit() -> Visit {
        Visit::new(
            "v-1".into(),
            "kokurakita".into(),
            "admin".into(),
            "kitakyushu".into(),
            1_000,
        )
    }

    #[test]
    fn a_visit_survives_its_json_and_is_empty_until_something_is_entered() {
        let mut v = visit();
        assert!(v.is_empty());
        assert_eq!(v.who(), "（氏名未入力）");
        v.people.applicant.name = "山田 花子".into();
        v.marks.insert("kokuho-kanyu".into(), Mark::Today);
        v.printed = Some(Printed {
            at_ms: 2_000,
            forms: vec!["kokuho-shikaku".into()],
            printed_for: "山田 花子".into(),
            hand_fields: 0,
        });
        assert!(!v.is_empty());
        assert_eq!(v.who(), "山田 花子 様");
        let back: Visit = serde_json::from_str(&serde_json::to_string(&v).unwrap()).unwrap();
        assert_eq!(back, v);
        assert!(v.stale(1_001) && !v.stale(1_000));
    }

    #[test]
    fn the_record_carries_the_ticket_the_printed_batch_and_the_times() {
        let mut v = visit();
        v.ticket = Some(7);
        v.printed = Some(Printed {
            at_ms: 2_000,
            forms: vec!["jumin-ido".into(), "kokuho-shikaku".into()],
            printed_for: "佐藤 健".into(),
            hand_fields: 2,
        });
        let base = NewGuideRecord {
            pack: "hikkoshi".into(),
            version: "1".into(),
            city: "kitakyushu".into(),
            date: mado_civil::Date::parse_iso("2026-11-20").unwrap(),
            answers: BTreeMap::new(),
            procedures: Vec::new(),
            ticket_id: None,
            printed_forms: Vec::new(),
            printed_for: String::new(),
            counter_id: None,
            hand_fields: None,
            started_at_ms: None,
            printed_at_ms: None,
            done_at_ms: None,
        };
        let r = finish(base.clone(), &v, Some(4), Some(3_000));
        assert_eq!(r.counter_id, Some(4));
        assert_eq!(r.ticket_id, Some(7));
        assert_eq!(r.printed_forms, ["jumin-ido", "kokuho-shikaku"]);
        assert_eq!((r.hand_fields, r.printed_at_ms), (Some(2), Some(2_000)));
        assert_eq!((r.started_at_ms, r.done_at_ms), (Some(1_000), Some(3_000)));
        // A clock that stepped back never ends a visit before it began.
        assert_eq!(finish(base, &v, None, Some(500)).done_at_ms, Some(1_000));
    }
}

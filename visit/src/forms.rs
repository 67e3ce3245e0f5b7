//! The data every form of a visit is filled from, and which forms the guide asks for.

use std::collections::BTreeSet;

use mado_civil::Date;
use mado_forms::{Blank, Data, FormError, Person, Template};
use mado_rules::{Answers, EvalError, Evaluation, Guide, Status, Value};

use crate::people::{People, Who};

/// Where and by whom the forms are printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Desk {
    /// 小倉北区役所.
    pub office: String,
    /// 北九州市.
    pub city: String,
    /// The staff member's name.
    pub staff: String,
    /// 宛先 as the office settings give it (`北九州市小倉北区長`); empty: made by [`Desk::head`].
    pub addressee: String,
}

impl Desk {
    /// The head of the office, to whom the ward's own procedures (住民異動届, 世帯主変更) are
    /// addressed: the office settings' 宛先 when set; else a ward office's is the ward head
    /// (小倉北区役所 of 北九州市 → 北九州市小倉北区長: 地方自治法第252条の20, a ward of a 政令市
    /// has a 区長) and any other office's is the mayor (北見市長).
    pub fn head(&self) -> String {
        if !self.addressee.trim().is_empty() {
            return self.addressee.trim().to_owned();
        }
        match self.office.trim().strip_suffix("区役所") {
            Some(ward) if !ward.is_empty() && !self.city.is_empty() => {
                format!("{}{ward}区長", self.city)
            }
            _ if !self.city.is_empty() => format!("{}長", self.city),
            _ => String::new(),
        }
    }
}

/// Which way a move goes, from the pack's derived facts (`visit.moves`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// 転入: into the city.
    Into,
    /// 転居・区間異動: within the city.
    Within,
    /// 転出: out of it.
    Out,
}

/// The move the answers describe, if the life event is a move and the answers say which way.
pub fn move_of(guide: &Guide, answers: &Answers, today: Date) -> Result<Option<Move>, EvalError> {
    let Some(m) = &guide.visit.moves else {
        return Ok(None);
    };
    for (fact, way) in [
        (&m.into, Move::Into),
        (&m.within, Move::Within),
        (&m.out, Move::Out),
    ] {
        if guide.fact(answers, fact, today)? == Some(true) {
            return Ok(Some(way));
        }
    }
    Ok(None)
}

/// What the forms are filled from: the people by role, the answers as forms print them, the
/// life event's date, the day, the office and, at a move, the addresses before and after it.
///
/// At a 転入 or 転居 the card's address is the old one: it prints as 従前の住所 and everyone who
/// lived there with the applicant (an address left blank counts as theirs) prints at
/// `new_address`. At a 転出 the address being left is the current one and `new_address` is the
/// 転出先. Anyone named without an address of their own lives at the applicant's.
pub fn data(
    guide: &Guide,
    answers: &Answers,
    people: &People,
    new_address: &str,
    desk: &Desk,
    today: Date,
) -> Result<Data, EvalError> {
    use mado_forms::Role;
    let mut applicant = people.applicant.clone();
    let mut subject = people.subject().clone();
    if subject.address.trim().is_empty() {
        subject.address = applicant.address.clone();
    }
    // Anyone named without an address of their own lives at the applicant's (the person
    // concerned, the 世帯主, a child, a spouse: the household the applicant comes for).
    let at_home = |p: Option<&Person>| {
        p.cloned().map(|mut p| {
            if p.address.trim().is_empty() {
                p.address = applicant.address.clone();
            }
            p
        })
    };
    let mut householder = at_home(people.get(Role::Householder));
    let mut payee = at_home(people.get(Role::Payee));
    let mut child = at_home(people.get(Role::Child));
    let mut spouse = at_home(people.get(Role::Spouse));
    // The 生計維持者's 続柄 is to the applicant: 申請者本人 when the applicant supports the
    // household (the applicant's own 続柄 is to someone else).
    let mut supporter = at_home(people.get(Role::Supporter));
    if let (Some(Who::Applicant), Some(s)) = (&people.supporter, supporter.as_mut()) {
        s.relation = "申請者本人".into();
    }
    if let (Some(Who::Subject), Some(s)) = (&people.supporter, supporter.as_mut())
        && people.self_applying()
    {
        s.relation = "申請者本人".into();
    }
    // 続柄 that follow from the roles: the applicant applying for themselves is 本人; the
    // person concerned who is the 世帯主 is 世帯主 (as the household forms write it).
    if people.self_applying() && applicant.relation.trim().is_empty() {
        applicant.relation = "本人".into();
    }
    let subject_heads = match &people.householder {
        Some(Who::Subject) => true,
        Some(Who::Applicant) => people.self_applying(),
        _ => false,
    };
    if subject_heads && subject.relation.trim().is_empty() {
        subject.relation = "世帯主".into();
    }
    if let Some(h) = householder.as_mut()
        && h.relation.trim().is_empty()
    {
        h.relation = "世帯主".into();
    }
    let moving = move_of(guide, answers, today)?;
    let new_address = new_address.trim().to_owned();
    let card_address = applicant.address.clone();
    let previous_address = if moving.is_some() {
        card_address.clone()
    } else {
        String::new()
    };
    if matches!(moving, Some(Move::Into | Move::Within)) && !new_address.is_empty() {
        // Everyone living at the applicant's moves with them.
        for p in [
            Some(&mut applicant),
            Some(&mut subject),
            householder.as_mut(),
            payee.as_mut(),
            child.as_mut(),
            spouse.as_mut(),
            supporter.as_mut(),
        ]
        .into_iter()
        .flatten()
        {
            if p.address.trim().is_empty() || p.address == card_address {
                p.address = new_address.clone();
            }
        }
    }
    let event_date = match answers.0.get(&guide.questions[guide.event_date].def.id) {
        Some(Value::Date(d)) => Some(*d),
        _ => None,
    };
    Ok(Data {
        applicant,
        subject: Some(subject),
        householder,
        payee,
        child,
        spouse,
        supporter,
        answers: guide.answers_as_text(answers),
        event_date,
        today,
        previous_address,
        new_address: if moving.is_some() {
            new_address
        } else {
            String::new()
        },
        office: desk.office.clone(),
        city: desk.city.clone(),
        head: desk.head(),
        staff: desk.staff.clone(),
    })
}

/// One form the guide asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormChoice {
    /// Its template id.
    pub template: String,
    pub title: String,
    /// The procedure it is for (the first that names it).
    pub procedure: String,
    /// Printed unless staff switch it off: the forms of required procedures.
    pub preselected: bool,
}

/// The forms of the procedures that apply or may apply, each once, in the guide's order;
/// `title_of` gives a template's title, `None` for a template the bundle does not have
/// (left out).
pub fn forms_of(eval: &Evaluation, title_of: impl Fn(&str) -> Option<String>) -> Vec<FormChoice> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for p in &eval.procedures {
        if !matches!(p.status, Status::Required | Status::MayApply) {
            continue;
        }
        for f in &p.forms {
            if let Some(title) = title_of(f)
                && seen.insert(f.clone())
            {
                out.push(FormChoice {
                    template: f.clone(),
                    title,
                    procedure: p.name.clone(),
                    preselected: p.status == Status::Required,
                });
            }
        }
    }
    out
}

/// What a batch leaves for the hand, split: the fields Mado should have filled and did not
/// (to be filled by staff before printing: each is a field to type), and those written by
/// hand on purpose (署名, 個人番号, the office's boxes).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HandReport {
    pub missing: Vec<Blank>,
    pub by_design: Vec<Blank>,
}

impl HandReport {
    /// The count the record keeps: fields the resident would have to write that Mado could
    /// have filled.
    pub fn missing_count(&self) -> usize {
        self.missing.len()
    }
}

/// The report for `templates` filled from `data`.
pub fn hand_report(templates: &[&Template], data: &Data) -> Result<HandReport, FormError> {
    let (missing, by_design) = mado_forms::blanks(templates, data)?
        .into_iter()
        .partition(Blank::is_missing);
    Ok(HandReport { missing, by_design })
}

/// Every source the templates read (fields, ticks, `when:` and `{…}` in texts), so the counter
/// asks only for what the chosen forms print: `subject.techo_number`, `new_address`.
pub fn sources(templates: &[&Template]) -> BTreeSet<String> {
    use mado_forms::template::Element;
    let mut out = BTreeSet::new();
    for t in templates {
        for e in &t.elements {
            match e {
                Element::Field { source, when, .. } => {
                    out.extend(source.iter().cloned());
                    out.extend(when.iter().cloned());
                }
                Element::Check { source, label, .. } => {
                    out.extend(source.iter().cloned());
                    out.extend(placeholders(label));
                }
                Element::Text { text, .. } => out.extend(placeholders(text)),
                Element::Grid { labels, .. } => {
                    for l in labels {
                        out.extend(placeholders(&l.text));
                    }
                }
                Element::Line { .. } | Element::Box { .. } => {}
            }
        }
    }
    out
}

fn placeholders(text: &str) -> Vec<String> {
    mado_rules::guide::placeholders(text)
        .into_iter()
        .map(str::to_owned)
        .collect()
}

/// Does any of `sources` ask `field` of a person in any role (`kana` → `subject.kana`)?
pub fn asks_person_field(sources: &BTreeSet<String>, field: &str) -> bool {
    mado_forms::Role::ALL
        .iter()
        .any(|r| sources.contains(&format!("{}.{field}", r.key())))
}

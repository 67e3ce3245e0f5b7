//! The visit as plain data: what the counter and the resident's pre-application make of the
//! guide's result — the counter record, the forms to print, the data they are filled from,
//! the handout, the pre-application's procedures. No signals and no browser here: the
//! surfaces read their inputs and call these, and these are tested natively
//! (`cargo test -p mado-frontend`).

use std::collections::{BTreeMap, BTreeSet};

use mado_civil::Date;
use mado_forms::{Applicant, Data, Handout, HandoutItem};
use mado_rules::{Answers, Evaluation, Status};
use mado_wire::{AnswerValue, GuideMark, GuideRecordItem, GuideStatus, NewGuideRecord};

use crate::guide::Mark;

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

/// How a mark is printed on the handout (in Japanese whatever the screen's language).
pub fn mark_ja(m: Mark) -> &'static str {
    let t = crate::i18n::Lang::Ja.desk();
    match m {
        Mark::Today => t.guide_mark_today,
        Mark::Later => t.guide_mark_later,
        Mark::Informed => t.guide_mark_informed,
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

/// A person's details as typed at the counter (or read from the card).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Typed {
    pub name: String,
    pub kana: String,
    pub address: String,
    /// `YYYY-MM-DD`, as the date field gives it.
    pub birth: String,
    /// `male`, `female` or empty.
    pub sex: String,
    pub phone: String,
}

/// A field the forms cannot do without.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Needed {
    Name,
    Address,
    Birth,
    Sex,
}

impl Typed {
    /// What is still blank of the 基本4情報, in the order the panel shows them.
    pub fn missing(&self) -> Vec<Needed> {
        [
            (Needed::Name, &self.name),
            (Needed::Address, &self.address),
            (Needed::Birth, &self.birth),
            (Needed::Sex, &self.sex),
        ]
        .into_iter()
        .filter(|(_, v)| v.trim().is_empty())
        .map(|(n, _)| n)
        .collect()
    }

    fn applicant(&self) -> Applicant {
        Applicant {
            name: self.name.trim().to_owned(),
            kana: self.kana.trim().to_owned(),
            address: self.address.trim().to_owned(),
            postal_code: String::new(),
            birth_date: self.birth.trim().to_owned(),
            sex: self.sex.clone(),
            phone: self.phone.trim().to_owned(),
        }
    }
}

/// Where and by whom the forms are printed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Desk {
    /// 小倉北区役所.
    pub office: String,
    /// 北九州市.
    pub city: String,
    /// The staff member's name.
    pub staff: String,
}

/// What the forms are filled from: the applicant, the person the procedure is about when a
/// name is given for them (the address is the applicant's), the answers as text, the life
/// event's date and the day of printing.
pub fn forms_data(
    applicant: &Typed,
    subject_name: &str,
    subject_birth: &str,
    answers_text: BTreeMap<String, String>,
    event_date: Option<Date>,
    today: Date,
    desk: &Desk,
) -> Data {
    let applicant = applicant.applicant();
    let subject = (!subject_name.trim().is_empty()).then(|| Applicant {
        name: subject_name.trim().to_owned(),
        address: applicant.address.clone(),
        birth_date: subject_birth.trim().to_owned(),
        ..Applicant::default()
    });
    Data {
        applicant,
        subject,
        answers: answers_text,
        event_date: event_date.map(|d| d.to_string()).unwrap_or_default(),
        today: today.to_string(),
        office: desk.office.clone(),
        city: desk.city.clone(),
        staff: desk.staff.clone(),
    }
}

/// The handout's lines: every procedure that applies, may apply or needs an answer, with its
/// counter, deadline, documents and staff's mark.
pub fn handout_items(eval: &Evaluation, marks: &BTreeMap<String, Mark>) -> Vec<HandoutItem> {
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
                .map(|d| match &d.wareki {
                    Some(w) => format!("{w}まで（{}）", d.text),
                    None => d.text.clone(),
                })
                .unwrap_or_default(),
            documents: p.documents.clone(),
            done: marks
                .get(&p.id)
                .map(|m| mark_ja(*m).to_owned())
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
    data: &Data,
    today: Date,
    contact: String,
    url: String,
    items: Vec<HandoutItem>,
) -> Handout {
    Handout {
        title,
        name: data.applicant.name.clone(),
        office: format!("{} {}", data.city, data.office),
        date: today,
        contact,
        url,
        items,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse_iso(s).unwrap()
    }

    /// The real おくやみ pack for 北九州市, evaluated for an 80-year-old on 後期高齢者医療
    /// who died on 2026-11-20, seen on 2026-11-22.
    fn okuyami() -> (Evaluation, Answers) {
        // The packs as the desk bundle carries them (built from rules/packs by build.rs).
        let guide = crate::guide::bundle()
            .unwrap()
            .guide("okuyami", "kitakyushu")
            .unwrap();
        let answers = Answers::from_json(
            &guide,
            &serde_json::json!({
                "death_date": "2026-11-20",
                "deceased_age": 80,
                "deceased_insurance": "kouki",
            }),
        )
        .unwrap();
        let eval = guide.evaluate(&answers, d("2026-11-22")).unwrap();
        (eval, answers)
    }

    #[test]
    fn the_record_keeps_every_procedure_with_its_status_and_staffs_marks() {
        let (eval, answers) = okuyami();
        let kouki = eval
            .procedures
            .iter()
            .find(|p| p.id == "kouki-soushitsu")
            .unwrap();
        assert_eq!(kouki.status, Status::Required);
        let marks = BTreeMap::from([("kouki-soushitsu".to_owned(), Mark::Today)]);
        let r = record(
            &eval,
            &answers,
            &marks,
            vec!["kouki-soushitsu".into()],
            "山田 花子".into(),
        )
        .unwrap();
        assert_eq!(r.pack, "okuyami");
        assert_eq!(r.city, "kitakyushu");
        assert_eq!(r.date, d("2026-11-22"));
        assert_eq!(r.procedures.len(), eval.procedures.len());
        let item = r
            .procedures
            .iter()
            .find(|p| p.id == "kouki-soushitsu")
            .unwrap();
        assert_eq!(item.status, GuideStatus::Required);
        assert_eq!(item.mark, Some(GuideMark::Today));
        assert!(
            r.procedures
                .iter()
                .filter(|p| p.id != "kouki-soushitsu")
                .all(|p| p.mark.is_none())
        );
        assert_eq!(r.answers["deceased_age"], AnswerValue::Int(80));
        assert_eq!(r.printed_for, "山田 花子");
    }

    #[test]
    fn a_pre_application_lists_only_what_applies_or_may_apply() {
        let (eval, _) = okuyami();
        let listed = submission_procedures(&eval);
        assert!(!listed.is_empty());
        assert!(
            listed
                .iter()
                .all(|p| matches!(p.status, GuideStatus::Required | GuideStatus::MayApply))
        );
        let applying = eval
            .procedures
            .iter()
            .filter(|p| matches!(p.status, Status::Required | Status::MayApply))
            .count();
        assert_eq!(listed.len(), applying);
    }

    #[test]
    fn each_form_is_offered_once_and_preselected_for_required_procedures() {
        let (eval, _) = okuyami();
        let titles = |id: &str| Some(format!("様式 {id}"));
        let forms = forms_of(&eval, titles);
        let ids: Vec<&str> = forms.iter().map(|f| f.template.as_str()).collect();
        let unique: BTreeSet<&str> = ids.iter().copied().collect();
        assert_eq!(ids.len(), unique.len(), "{ids:?}");
        let kouki = forms
            .iter()
            .find(|f| f.template == "kouki-soushitsu")
            .unwrap();
        assert!(kouki.preselected);
        assert_eq!(kouki.title, "様式 kouki-soushitsu");
        // A template the bundle does not have is left out.
        assert!(forms_of(&eval, |_| None).is_empty());
    }

    #[test]
    fn the_forms_data_takes_what_was_typed_trimmed_and_the_subject_only_when_named() {
        let typed = Typed {
            name: " 山田 花子 ".into(),
            kana: "やまだ はなこ".into(),
            address: "北九州市小倉北区大手町1-1".into(),
            birth: "1950-04-01".into(),
            sex: "female".into(),
            phone: "".into(),
        };
        assert!(typed.missing().is_empty());
        assert_eq!(
            Typed::default().missing(),
            [Needed::Name, Needed::Address, Needed::Birth, Needed::Sex]
        );
        let desk = Desk {
            office: "小倉北区役所".into(),
            city: "北九州市".into(),
            staff: "窓口 一郎".into(),
        };
        let data = forms_data(
            &typed,
            "",
            "",
            BTreeMap::new(),
            Some(d("2026-11-20")),
            d("2026-11-22"),
            &desk,
        );
        assert_eq!(data.applicant.name, "山田 花子");
        assert_eq!(data.subject, None);
        assert_eq!(data.event_date, "2026-11-20");
        assert_eq!(data.today, "2026-11-22");
        assert!(data.problems().is_empty(), "{:?}", data.problems());
        let data = forms_data(
            &typed,
            "山田 太郎",
            "1945-01-02",
            BTreeMap::new(),
            None,
            d("2026-11-22"),
            &desk,
        );
        let subject = data.subject.as_ref().unwrap();
        assert_eq!(subject.name, "山田 太郎");
        assert_eq!(subject.address, "北九州市小倉北区大手町1-1");
        assert_eq!(data.event_date, "");
        assert_eq!(data.value("subject.birth_date").unwrap(), "昭和20年1月2日");
    }

    #[test]
    fn the_handout_lists_what_applies_with_deadlines_in_wareki_and_staffs_marks() {
        let (eval, _) = okuyami();
        let marks = BTreeMap::from([("kouki-soushitsu".to_owned(), Mark::Later)]);
        let items = handout_items(&eval, &marks);
        assert_eq!(
            items.len(),
            eval.procedures
                .iter()
                .filter(|p| p.status != Status::NotApplicable)
                .count()
        );
        let kouki = items
            .iter()
            .find(|i| i.name.contains("後期高齢者医療"))
            .unwrap();
        assert_eq!(kouki.done, "後日");
        // A deadline in words only stays as the rule words it.
        assert_eq!(kouki.deadline, "速やかに");
        // 介護保険: 死亡日 2026-11-20 + 14日以内 → 12/4 (金).
        let kaigo = items
            .iter()
            .find(|i| i.name.starts_with("介護保険"))
            .unwrap();
        assert_eq!(kaigo.done, "");
        assert!(
            kaigo.deadline.starts_with("令和8年12月4日（金）まで（"),
            "{}",
            kaigo.deadline
        );
        let office = mado_wire::Office {
            address: "北九州市小倉北区大手町1-1".into(),
            phone: "093-582-3333".into(),
            hours: "月〜金 8:30〜17:15".into(),
            // The relay's demo office.
            ..serde_json::from_str(include_str!("../../relay/demo/office.json")).unwrap()
        };
        assert_eq!(
            contact_line(&office),
            "北九州市小倉北区大手町1-1　電話 093-582-3333　受付 月〜金 8:30〜17:15"
        );
    }
}

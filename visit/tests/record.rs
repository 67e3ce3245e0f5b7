//! The counter record, the pre-application's procedures, the forms offered and the handout,
//! from the real おくやみ pack for 北九州市.
#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use mado_civil::Date;
use mado_rules::{Answers, Evaluation, Status};
use mado_visit::{Mark, forms, handout, record};
use mado_wire::{AnswerValue, GuideMark, GuideStatus};

fn d(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

/// The real おくやみ pack for 北九州市, evaluated for an 80-year-old on 後期高齢者医療
/// who died on 2026-11-20, seen on 2026-11-22.
fn okuyami() -> (Evaluation, Answers) {
    let guide = mado_rules::load::Library::load_dir(Path::new(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../rules/packs"
    )))
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
    let r = record::record(
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
    let listed = record::submission_procedures(&eval);
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
    let forms = forms::forms_of(&eval, titles);
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
    assert!(forms::forms_of(&eval, |_| None).is_empty());
}

#[test]
fn the_handout_lists_what_applies_with_deadlines_in_wareki_and_staffs_marks() {
    let (eval, _) = okuyami();
    let marks = BTreeMap::from([("kouki-soushitsu".to_owned(), Mark::Later)]);
    let items = handout::items(&eval, &marks);
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
        handout::contact_line(&office),
        "北九州市小倉北区大手町1-1　電話 093-582-3333　受付 月〜金 8:30〜17:15"
    );
}

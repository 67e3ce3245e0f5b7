//! Six scripted counter visits (3 life events × 北九州市 and 北見市), run against the real rule
//! packs and form templates: each visit's forms are filled from its people and answers, and
//! nothing is left for the hand but what the templates mark as written by hand (署名, 個人番号,
//! the office's boxes, a choice only the resident makes). Then every template each pack names
//! is filled from a full visit of that pack, so every mapping from the guide and the people to
//! every template is exercised.
#![cfg(not(target_arch = "wasm32"))]

use std::path::Path;
use std::process::Command;

use mado_civil::Date;
use mado_forms::{Account, Data, Document, Font, Person, Role, Sex, Template};
use mado_rules::{Answers, Guide, Status};
use mado_visit::forms::{self, Move};
use mado_visit::{Desk, People, Who};
use serde_json::{Value, json};

fn d(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

fn root() -> &'static Path {
    Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/.."))
}

fn guide(pack: &str, city: &str) -> Guide {
    let lib = mado_rules::load::Library::load_dir(&root().join("rules/packs"))
        .unwrap_or_else(|e| panic!("{e:?}"));
    lib.guide(pack, city).unwrap_or_else(|e| panic!("{e:?}"))
}

fn templates() -> Vec<Template> {
    mado_forms::load::load_dir(&root().join("forms/templates"))
        .unwrap_or_else(|e| panic!("{e:?}"))
        .into_iter()
        .map(|l| l.template)
        .collect()
}

fn desk(city: &str) -> Desk {
    match city {
        "kitakyushu" => Desk {
            office: "小倉北区役所".into(),
            city: "北九州市".into(),
            staff: "窓口 一郎".into(),
            addressee: String::new(),
        },
        _ => Desk {
            office: "北見市役所".into(),
            city: "北見市".into(),
            staff: "窓口 一郎".into(),
            addressee: String::new(),
        },
    }
}

/// A resident as the card gives them, with what staff type once (ふりがな, 電話).
fn resident(name: &str, kana: &str, address: &str, birth: &str, sex: Sex) -> Person {
    Person {
        name: name.into(),
        kana: kana.into(),
        address: address.into(),
        postal_code: String::new(),
        birth_date: Some(d(birth)),
        sex: Some(sex),
        phone: "090-1234-5678".into(),
        ..Person::default()
    }
}

fn account(holder: &str) -> Account {
    Account {
        bank: "北九州銀行".into(),
        branch: "本店営業部".into(),
        kind: "普通".into(),
        number: "1234567".into(),
        holder: holder.into(),
    }
}

/// One scripted visit.
struct Visit {
    name: &'static str,
    pack: &'static str,
    city: &'static str,
    answers: Value,
    people: People,
    new_address: &'static str,
    today: Date,
}

fn city_address(city: &str) -> &'static str {
    match city {
        "kitakyushu" => "福岡県北九州市小倉北区大手町1番1号",
        _ => "北海道北見市北5条東2丁目15番地",
    }
}

/// A resident moving in alone from another city, who joins 国保.
fn moving_in(city: &'static str) -> Visit {
    let me = resident(
        "佐藤 健",
        "さとう けん",
        "東京都千代田区霞が関1丁目2番2号",
        "1990-06-15",
        Sex::Male,
    );
    let mut me = me;
    me.domicile = "東京都千代田区千代田1番".into();
    me.family_head = "佐藤 健".into();
    Visit {
        name: "転入して国保に入る（一人で）",
        pack: "hikkoshi",
        city,
        answers: json!({
            "move_date": "2026-11-16", "move_type": "from_outside", "japan_1y": true,
            "tokurei": false, "kokuho_join": true, "nenkin_first": true, "oldest_age": 36,
            "has_child": false, "has_techo": false, "has_juudo": false, "seiho": false,
            "has_dog": false, "kaigo_certified": false
        }),
        people: People {
            subject: Who::Applicant,
            householder: Some(Who::Applicant),
            ..People {
                applicant: me,
                ..People::default()
            }
        },
        new_address: city_address(city),
        today: d("2026-11-20"),
    }
}

/// A resident receiving their own 身体障害者手帳 1級 at 70.
fn own_techo(city: &'static str) -> Visit {
    let mut me = resident(
        "田中 一郎",
        "たなか いちろう",
        city_address(city),
        "1956-04-10",
        Sex::Male,
    );
    me.techo_number = "第012345号".into();
    me.insurer_number = "39401014".into();
    me.insured_number = "12345678".into();
    me.account = account("タナカ イチロウ");
    Visit {
        name: "手帳1級をご本人が受け取る（70歳）",
        pack: "shintai-techo",
        city,
        answers: json!({
            "techo_stage": "issued", "issue_date": "2026-11-10", "birth_date": "1956-04-10",
            "grade": 1, "parts": ["heart"], "insurance": "kokuho",
            "residence": "home", "income": 1200000, "dependents": 1, "supporter": "self",
            "household_nontaxable": false, "nhk_householder": true, "want_device": true,
            "shotokuwari": 50000, "treatment": false, "car": "none", "dialysis_transport": false
        }),
        people: People {
            applicant: me,
            subject: Who::Applicant,
            householder: Some(Who::Applicant),
            payee: Some(Who::Applicant),
            ..People::default()
        },
        new_address: "",
        today: d("2026-11-20"),
    }
}

/// A bereaved spouse applying for 葬祭費 after her husband (国保) died.
fn bereaved_spouse(city: &'static str) -> Visit {
    let mut me = resident(
        "鈴木 和子",
        "すずき かずこ",
        city_address(city),
        "1955-09-01",
        Sex::Female,
    );
    me.relation = "妻".into();
    me.account = account("スズキ カズコ");
    // Typed at the counter without an address: he lived at hers.
    let mut husband = resident("鈴木 茂", "すずき しげる", "", "1952-03-03", Sex::Male);
    husband.phone = String::new();
    husband.relation = "世帯主".into();
    husband.insurer_number = "401000".into();
    husband.insured_number = "北九 12-3456".into();
    husband.care_number = "0012345678".into();
    Visit {
        name: "夫を亡くした妻が葬祭費を申請する",
        pack: "okuyami",
        city,
        answers: json!({
            "death_date": "2026-11-12", "death_registered": true, "deceased_age": 74,
            "deceased_insurance": "kokuho", "switched_from_shaho": false,
            "funeral_date": "2026-11-15", "kaigo_certified": false, "householder": true,
            "remaining_15plus": 1, "pension_recipient": true, "pension_kind": "kosei",
            "same_livelihood": true, "kokumin_first": false, "child_under_18": false,
            "had_techo": false, "had_juudo_iryo": false, "jidou_teate_recipient": false,
            "deceased_was_child": false, "single_parent_now": false, "child_school": false,
            "child_preschool": false, "owned_property": false, "shiei_tenant": false,
            "plan_reien": false
        }),
        people: People {
            applicant: me,
            subject: Who::Other(Box::new(husband)),
            householder: Some(Who::Subject),
            payee: Some(Who::Applicant),
            ..People::default()
        },
        new_address: "",
        today: d("2026-11-20"),
    }
}

fn scripted() -> Vec<Visit> {
    let mut v = Vec::new();
    for city in ["kitakyushu", "kitami"] {
        v.push(moving_in(city));
        v.push(own_techo(city));
        v.push(bereaved_spouse(city));
    }
    v
}

struct Filled {
    guide: Guide,
    data: Data,
    forms: Vec<Template>,
}

fn fill(v: &Visit, all: &[Template]) -> Filled {
    let guide = guide(v.pack, v.city);
    let answers =
        Answers::from_json(&guide, &v.answers).unwrap_or_else(|e| panic!("{}: {e}", v.name));
    let eval = guide.evaluate(&answers, v.today).unwrap();
    let chosen: Vec<Template> = forms::forms_of(&eval, |id| {
        all.iter().find(|t| t.id == id).map(|t| t.title.clone())
    })
    .into_iter()
    .filter(|f| f.preselected)
    .map(|f| all.iter().find(|t| t.id == f.template).unwrap().clone())
    .collect();
    let data = forms::data(
        &guide,
        &answers,
        &v.people,
        v.new_address,
        &desk(v.city),
        v.today,
    )
    .unwrap();
    assert!(
        eval.procedures
            .iter()
            .all(|p| p.status != Status::NeedsAnswer || p.forms.is_empty()),
        "{} ({}): a procedure with forms still needs an answer: {:?}",
        v.name,
        v.city,
        eval.procedures
            .iter()
            .filter(|p| p.status == Status::NeedsAnswer)
            .map(|p| (&p.id, &p.reasons))
            .collect::<Vec<_>>()
    );
    Filled {
        guide,
        data,
        forms: chosen,
    }
}

fn font() -> Font {
    let path = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";
    Font::from_bytes(std::fs::read(path).unwrap_or_else(|e| panic!("{path}: {e}"))).unwrap()
}

fn pdftotext(pdf: &Path) -> String {
    let o = Command::new("pdftotext")
        .args(["-layout", pdf.to_str().unwrap(), "-"])
        .output()
        .expect("pdftotext (poppler-utils)");
    assert!(o.status.success());
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn each_scripted_visit_prints_its_batch_with_nothing_left_for_the_hand_but_what_is_marked() {
    let all = templates();
    let font = font();
    let out = root().join("target/visit-artifacts");
    std::fs::create_dir_all(&out).unwrap();
    let mut failures = Vec::new();
    for v in scripted() {
        let f = fill(&v, &all);
        assert!(!f.forms.is_empty(), "{} ({}): no forms", v.name, v.city);
        let refs: Vec<&Template> = f.forms.iter().collect();
        let report = forms::hand_report(&refs, &f.data).unwrap();
        for b in &report.missing {
            failures.push(format!("{} ({}): {b}", v.name, v.city));
        }
        let mut doc = Document::new(&font, v.name);
        mado_forms::render(&mut doc, &font, &refs, &f.data)
            .unwrap_or_else(|e| panic!("{} ({}): {e}", v.name, v.city));
        let pdf = out.join(format!("{}-{}.pdf", v.pack, v.city));
        std::fs::write(&pdf, doc.finish().unwrap()).unwrap();
        let text = pdftotext(&pdf);
        assert!(
            text.contains(&f.data.applicant.name),
            "{}: the applicant's name is not printed",
            v.name
        );
        let _ = &f.guide;
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn a_resident_moving_in_alone_is_the_person_joining_and_the_new_address_prints_as_new() {
    let all = templates();
    for city in ["kitakyushu", "kitami"] {
        let v = moving_in(city);
        let f = fill(&v, &all);
        let g = &f.guide;
        let answers = Answers::from_json(g, &v.answers).unwrap();
        assert_eq!(
            forms::move_of(g, &answers, v.today).unwrap(),
            Some(Move::Into)
        );
        // The card's address is the old one; everyone who lived there prints at the new one.
        assert_eq!(f.data.previous_address, "東京都千代田区霞が関1丁目2番2号");
        assert_eq!(f.data.new_address, city_address(city));
        assert_eq!(f.data.applicant.address, city_address(city));
        // Joining 国保 alone: the person concerned and the 世帯主 are the applicant.
        for role in [Role::Subject, Role::Householder] {
            assert_eq!(
                f.data.value(&format!("{}.name", role.key())).unwrap(),
                "佐藤 健"
            );
        }
        // Each city prints its own 住民異動届 (北見市 has no 区間異動 box, and its head is the mayor).
        let jumin = if city == "kitami" {
            "jumin-ido-kitami"
        } else {
            "jumin-ido"
        };
        assert!(f.forms.iter().any(|t| t.id == jumin), "{city}");
        assert!(f.forms.iter().any(|t| t.id == "kokuho-shikaku"), "{city}");
    }
}

#[test]
fn the_ward_head_is_addressed_at_a_ward_office_and_the_mayor_elsewhere() {
    assert_eq!(desk("kitakyushu").head(), "北九州市小倉北区長");
    assert_eq!(desk("kitami").head(), "北見市長");
    assert_eq!(Desk::default().head(), "");
    // The office settings' 宛先 wins (an 出張所 whose forms go to the ward head).
    let branch = Desk {
        office: "東部出張所".into(),
        addressee: " 北九州市小倉北区長 ".into(),
        ..desk("kitakyushu")
    };
    assert_eq!(branch.head(), "北九州市小倉北区長");
}

/// The 生計維持者 (issue 26: 子ども医療 and 北見市's 重度医療 print them): the applicant prints as
/// 申請者本人 whatever their own 続柄 to someone else; another person keeps the 続柄 typed and,
/// with no address of their own, lives at the applicant's (the new one at a move).
#[test]
fn the_supporter_is_the_applicant_or_someone_typed_once() {
    let all = templates();
    let mut v = moving_in("kitakyushu");
    v.people.applicant.relation = "世帯主".into();
    v.people.supporter = Some(Who::Applicant);
    let f = fill(&v, &all);
    assert_eq!(f.data.value("supporter.name").unwrap(), "佐藤 健");
    assert_eq!(f.data.value("supporter.relation").unwrap(), "申請者本人");
    assert_eq!(f.data.value("applicant.relation").unwrap(), "世帯主");
    let mut husband = resident("佐藤 進", "さとう すすむ", "", "1980-01-01", Sex::Male);
    husband.relation = "夫".into();
    v.people.supporter = Some(Who::Other(Box::new(husband)));
    let f = fill(&v, &all);
    assert_eq!(f.data.value("supporter.name").unwrap(), "佐藤 進");
    assert_eq!(f.data.value("supporter.relation").unwrap(), "夫");
    assert_eq!(
        f.data.value("supporter.address").unwrap(),
        city_address("kitakyushu")
    );
    // Nobody named: the forms that ask report it as not filled, nothing is guessed.
    v.people.supporter = None;
    assert_eq!(fill(&v, &all).data.value("supporter.name").unwrap(), "");
}

/// A scripted visit with everyone a form of its pack may name: a child (on the applicant's
/// insurance), a spouse, the applicant's occupation and an account, the applicant as 生計維持者.
fn full(mut v: Visit) -> Visit {
    let child = Person {
        relation: "長男".into(),
        insurance_kind: "国民健康保険".into(),
        insurance_holder: v.people.applicant.name.clone(),
        insurer_name: "北九州市".into(),
        insurer_number: "401000".into(),
        insured_number: "北九 12-3456".into(),
        ..resident("山本 翔", "やまもと しょう", "", "2019-05-05", Sex::Male)
    };
    let spouse = resident("山本 由美", "やまもと ゆみ", "", "1991-01-01", Sex::Female);
    let alone = v.people.self_applying();
    let a = &mut v.people.applicant;
    a.occupation = "会社員".into();
    if a.account.is_empty() {
        a.account = account("ヤマモト");
    }
    if a.domicile.is_empty() {
        a.domicile = "福岡県北九州市小倉北区大手町1番".into();
        a.family_head = a.name.clone();
    }
    if alone {
        a.insurer_number = "401000".into();
        a.insured_number = "北九 12-3456".into();
        a.care_number = "0012345678".into();
        a.insurer_name = "北九州市".into();
        a.techo_number = "第012345号".into();
    }
    v.people.child = Some(Who::Other(Box::new(child)));
    v.people.spouse = Some(Who::Other(Box::new(spouse)));
    v.people.payee = Some(Who::Applicant);
    // The applicant supports the household: the forms print 申請者本人 as the 続柄.
    v.people.supporter = Some(Who::Applicant);
    v
}

/// Every template a pack names, filled from a full visit of that pack, leaves nothing for the
/// hand but what it marks: each of the guide's answers and each person's detail a form asks
/// for has a source the visit fills.
#[test]
fn every_template_each_pack_names_is_filled_whole_by_a_full_visit_of_that_pack() {
    let all = templates();
    let mut failures = Vec::new();
    for v in scripted().into_iter().map(full) {
        let f = fill(&v, &all);
        let named: std::collections::BTreeSet<&str> = f
            .guide
            .procedures
            .iter()
            .flat_map(|p| p.forms.iter().map(String::as_str))
            .collect();
        for id in named {
            let t = all.iter().find(|t| t.id == id).unwrap();
            let report = forms::hand_report(&[t], &f.data).unwrap();
            for b in &report.missing {
                failures.push(format!("{} ({}): {b}", v.pack, v.city));
            }
        }
    }
    failures.sort();
    failures.dedup();
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

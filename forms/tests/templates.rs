//! Every template in forms/templates renders with a sample applicant; `pdftotext` finds the
//! applicant's name and address on every page; each page is rendered to PNG in
//! target/forms-artifacts/ to be looked at.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

use mado_civil::Date;
use mado_forms::{Data, Document, Font, NoticeKind, Sex, Template};

fn font() -> Font {
    let path = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";
    Font::from_bytes(
        std::fs::read(path)
            .unwrap_or_else(|e| panic!("{path}: {e}; install fonts-ipaexfont-gothic")),
    )
    .unwrap()
}

fn templates() -> Vec<(PathBuf, Template)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut v: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml"))
        .collect();
    v.sort();
    v.into_iter()
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            // Elements are written `- text: {…}` (one-key maps), as serde's JSON form has them.
            let t: Template = serde_yaml::with::singleton_map_recursive::deserialize(
                serde_yaml::Deserializer::from_str(&text),
            )
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (p, t)
        })
        .collect()
}

/// The template in `templates/{id}.yaml`.
fn template(id: &str) -> Template {
    templates()
        .into_iter()
        .find(|(p, _)| p.ends_with(format!("{id}.yaml")))
        .unwrap_or_else(|| panic!("no template {id}"))
        .1
}

/// A visit naming someone in every role, with the answers the templates print: the example
/// the README documents (forms/examples/full-visit.json).
fn sample() -> Data {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples/full-visit.json");
    serde_json::from_str(&std::fs::read_to_string(&path).unwrap())
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn out_dir() -> PathBuf {
    let d = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/forms-artifacts");
    std::fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &str, args: &[&str]) -> String {
    let o = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}; install poppler-utils"));
    assert!(
        o.status.success(),
        "{cmd}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap()
}

#[test]
fn every_template_renders_with_the_applicant_on_its_page() {
    let font = font();
    let data = sample();
    let all = templates();
    assert!(!all.is_empty());
    for (path, t) in &all {
        let mut doc = Document::new(&font, &t.title);
        let notices = mado_forms::render(&mut doc, &font, &[t], &data)
            .unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(
            !notices
                .iter()
                .any(|n| matches!(n.kind, NoticeKind::TooLong | NoticeKind::Gaiji(_))),
            "{notices:?}"
        );
        let pdf = out_dir().join(format!("{}.pdf", t.id));
        std::fs::write(&pdf, doc.finish().unwrap()).unwrap();
        let p = pdf.to_str().unwrap();
        let text = run("pdftotext", &["-layout", p, "-"]);
        for want in [&t.title, "山田 花子", "福岡県北九州市小倉北区大手町1番1号"]
        {
            assert!(
                text.contains(want),
                "{}: {want:?} not found in\n{text}",
                t.id
            );
        }
        run(
            "pdftoppm",
            &[
                "-png",
                "-r",
                "70",
                p,
                out_dir().join(&t.id).to_str().unwrap(),
            ],
        );
    }
}

/// Every template passes the lint against the real rule packs (issue 26: each cites its 様式,
/// is named by a procedure, and is printed only in its own cities).
#[test]
fn every_template_passes_lint() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let all = mado_forms::load::load_dir(&dir).unwrap_or_else(|d| panic!("{d:?}"));
    let lib = mado_rules::load::Library::load_dir(&dir.join("../../rules/packs")).unwrap();
    let named = mado_forms::load::named_forms(&lib);
    assert!(named.len() >= all.len(), "{named:?}");
    let findings: Vec<String> = mado_forms::load::lint(&all, &named)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

/// Issue 19 item 2: every answer a template prints is a question of the packs that name it,
/// and every text a tick compares with is one its answer prints as (checked against the real
/// packs in rules/packs).
#[test]
fn every_answer_a_template_prints_is_asked_by_the_packs_that_name_it() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let all = mado_forms::load::load_dir(&dir.join("templates")).unwrap();
    let lib = mado_rules::load::Library::load_dir(&dir.join("../rules/packs")).unwrap();
    let packs: Vec<_> = lib
        .packs
        .iter()
        .map(|lp| mado_forms::load::PackAnswers::of(&lp.source.file, &lp.pack))
        .collect();
    assert_eq!(packs.len(), 4);
    let findings: Vec<String> = mado_forms::load::lint_answers(&all, &packs)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(findings.is_empty(), "{}", findings.join("\n"));
    // A question no pack naming the form asks, and a tick on a text the answer never prints.
    let mut wrong = all
        .iter()
        .find(|l| l.template.id == "kokuho-shikaku")
        .unwrap()
        .clone();
    wrong.text = wrong.text.replace(
        "answers.kokuho_join, value: はい",
        "answers.kokuho_joined, value: はい",
    );
    wrong.template = mado_forms::load::parse(&wrong.file, &wrong.text).unwrap();
    let mut odd = wrong.clone();
    odd.text = odd.text.replace(
        "answers.kokuho_joined, value: はい",
        "answers.kokuho_join, value: 加入",
    );
    odd.template = mado_forms::load::parse(&odd.file, &odd.text).unwrap();
    let found: Vec<String> = mado_forms::load::lint_answers(&[wrong, odd], &packs)
        .iter()
        .map(|d| d.message.replace(&format!("{}/../", dir.display()), ""))
        .collect();
    assert_eq!(
        found,
        [
            "answers.kokuho_joined: no question \"kokuho_joined\" in the packs that name this form (rules/packs/hikkoshi/pack.yaml, rules/packs/okuyami/pack.yaml, rules/packs/shussan/pack.yaml)".to_owned(),
            "answers.kokuho_join: \"加入\" is never an answer to \"kokuho_join\"; it prints as one of [\"はい\", \"いいえ\"]".to_owned(),
        ]
    );
}

/// A long address (two lines at 13 pt in a 140 mm cell, one line would need 9 pt).
const LONG_ADDRESS: &str =
    "北海道河東郡音更町木野大通西7丁目1番地10 サンハイツ木野グランドステージ南棟201号室";

#[test]
fn a_long_address_prints_on_two_lines_at_12_points_or_more_on_every_form() {
    let font = font();
    let mut data = sample();
    data.applicant.address = LONG_ADDRESS.into();
    data.new_address = LONG_ADDRESS.into();
    data.previous_address = LONG_ADDRESS.into();
    for p in [data.subject.as_mut(), data.householder.as_mut()]
        .into_iter()
        .flatten()
    {
        p.address = LONG_ADDRESS.into();
    }
    let all = templates();
    let list: Vec<&Template> = all.iter().map(|(_, t)| t).collect();
    let mut doc = Document::new(&font, "long address");
    let notices = mado_forms::render(&mut doc, &font, &list, &data).unwrap();
    for (_, t) in &all {
        let wrapped: Vec<&NoticeKind> = notices
            .iter()
            .filter(|n| n.form == t.title)
            .map(|n| &n.kind)
            .collect();
        assert!(!wrapped.is_empty(), "{}: no address field?", t.id);
        for kind in wrapped {
            assert!(
                matches!(kind, NoticeKind::Wrapped { size } if *size >= 12.0),
                "{}: {kind:?}",
                t.id
            );
        }
    }
    let pdf = out_dir().join("long-address.pdf");
    std::fs::write(&pdf, doc.finish().unwrap()).unwrap();
    let text = run("pdftotext", &["-layout", pdf.to_str().unwrap(), "-"]);
    for page in text.split('\u{c}').filter(|p| !p.trim().is_empty()) {
        for half in [
            "北海道河東郡音更町木野大通西7丁目1番地10",
            "サンハイツ木野グランドステージ南棟201号室",
        ] {
            assert!(page.contains(half), "{half:?} not in\n{page}");
        }
    }
}

#[test]
fn every_template_survives_the_json_the_desk_bundle_embeds() {
    for (path, t) in templates() {
        let json = serde_json::to_string(&t).unwrap();
        let back: Template = serde_json::from_str(&json)
            .unwrap_or_else(|e| panic!("{}: {e}\n{json}", path.display()));
        assert_eq!(back, t, "{}", path.display());
    }
}

/// Issue 17 item 5: the data is checked whole, whatever a template prints: a blank name in any
/// role, a birth date after the day of printing. The batch is refused with every problem named,
/// and nothing is drawn. (Dates that are not dates and unknown sexes cannot be in a `Data`:
/// the JSON is refused when read, see the CLI test below.)
#[test]
fn issue_17_bad_data_is_refused_whole_even_where_no_template_prints_it() {
    let font = font();
    // One template that prints neither the payee nor the spouse.
    let t = &template("jumin-ido");
    let mut data = sample();
    data.applicant.name = " 　".into();
    data.payee.as_mut().unwrap().name = String::new();
    data.spouse.as_mut().unwrap().birth_date = Some(Date::parse_iso("2026-11-23").unwrap());
    let mut doc = Document::new(&font, "test");
    let e = mado_forms::render(&mut doc, &font, &[t], &data).unwrap_err();
    let text = e.to_string();
    for w in [
        "applicant.name: 氏名が空です",
        "payee.name: 氏名が空です",
        "spouse.birth_date: 生年月日（2026-11-23）が作成日（2026-11-22）より後",
    ] {
        assert!(text.contains(w), "{w} missing from {text}");
    }
    assert_eq!(doc.page_count(), 0, "nothing is drawn from bad data");
    assert!(sample().problems().is_empty());
    let mut sexless = sample();
    sexless.applicant.sex = None;
    assert!(
        sexless.problems().is_empty(),
        "an unknown sex is left for the form"
    );
    assert_eq!(sample().applicant.sex, Some(Sex::Female));
}

/// Issue 17 item 5: a batch without the city prints 「長　様」 only with a warning to staff; a
/// ward's own form without the office head warns the same way.
#[test]
fn issue_17_an_addressee_without_the_city_is_warned_about() {
    let font = font();
    let mut data = sample();
    let headless = data.clone();
    data.city = String::new();
    let t = &template("kokuho-shikaku");
    let mut doc = Document::new(&font, "test");
    let notices = mado_forms::render(&mut doc, &font, &[t], &data).unwrap();
    let n = notices
        .iter()
        .find(|n| matches!(&n.kind, NoticeKind::EmptySource { source, .. } if source == "city"))
        .expect("a warning about the addressee");
    assert!(n.to_string().contains("「長　様」と印刷されます"), "{n}");
    let mut doc = Document::new(&font, "test");
    let fine = mado_forms::render(&mut doc, &font, &[t], &sample()).unwrap();
    assert!(
        !fine
            .iter()
            .any(|n| matches!(n.kind, NoticeKind::EmptySource { .. }))
    );
    let mut headless = headless;
    headless.head = String::new();
    let mut doc = Document::new(&font, "test");
    let notices =
        mado_forms::render(&mut doc, &font, &[&template("jumin-ido")], &headless).unwrap();
    assert!(
        notices
            .iter()
            .any(|n| matches!(&n.kind, NoticeKind::EmptySource { source, .. } if source == "head")),
        "{notices:?}"
    );
}

/// Issue 17 item 5, the CLI: bad data exits 2 naming every problem and writes no PDF; a
/// batch without the city prints with a warning.
#[test]
fn issue_17_the_cli_refuses_bad_data_and_warns_of_a_bare_addressee() {
    let dir = tempfile_dir();
    let mut bad = sample();
    bad.applicant.name = String::new();
    bad.applicant.birth_date = Some(Date::parse_iso("2030-01-01").unwrap());
    let write = |data: &Data, out: &str| {
        let json = dir.join(format!("{out}.json"));
        std::fs::write(&json, serde_json::to_string(data).unwrap()).unwrap();
        json
    };
    let run = |json: &Path, out: &str| {
        Command::new(env!("CARGO_BIN_EXE_mado-forms"))
            .args(["render", "--template", "kokuho-shikaku", "--data"])
            .arg(json)
            .arg("-o")
            .arg(dir.join(format!("{out}.pdf")))
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .output()
            .unwrap()
    };
    let o = run(&write(&bad, "bad"), "bad");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("error: applicant.name: 氏名が空です"), "{err}");
    assert!(
        err.contains("error: applicant.birth_date: 生年月日（2030-01-01）"),
        "{err}"
    );
    assert!(!dir.join("bad.pdf").exists());
    // A date that is not one, in the JSON: refused where it stands, line and column.
    let json = write(&sample(), "baddate");
    let text = std::fs::read_to_string(&json)
        .unwrap()
        .replace("1958-05-01", "1958-02-30");
    std::fs::write(&json, text).unwrap();
    let o = run(&json, "baddate");
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(
        err.contains("baddate.json:1:") && err.contains("1958-02-30"),
        "{err}"
    );
    assert!(!dir.join("baddate.pdf").exists());
    let run = |data: &Data, out: &str| run(&write(data, out), out);
    let mut no_city = sample();
    no_city.city = String::new();
    let o = run(&no_city, "nocity");
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(o.status.success(), "{err}");
    assert!(
        err.contains("warning: ") && err.contains("「長　様」と印刷されます"),
        "{err}"
    );
}

fn tempfile_dir() -> PathBuf {
    let d = out_dir().join("cli-issue-17");
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Issue 24 item 4: in おくやみ the `subject` is the deceased, so a form おくやみ prints for
/// the family that goes on (the 児童手当認定請求書 after the recipient's death) must take its
/// child rows from `child` and its claimant from `applicant`, never from `subject`: the
/// deceased was printed as a child being raised.
#[test]
fn the_claim_after_a_death_never_prints_the_deceased_as_a_child() {
    use mado_forms::template::Element;
    let t = template("jidou-teate-nintei");
    let sources: Vec<&str> = t
        .elements
        .iter()
        .filter_map(|e| match e {
            Element::Field { source, .. } | Element::Check { source, .. } => source.as_deref(),
            _ => None,
        })
        .collect();
    assert!(
        sources.iter().any(|s| s.starts_with("child.")),
        "the child rows come from `child`: {sources:?}"
    );
    let subject: Vec<&&str> = sources
        .iter()
        .filter(|s| s.starts_with("subject."))
        .collect();
    assert!(subject.is_empty(), "sources from the deceased: {subject:?}");
}

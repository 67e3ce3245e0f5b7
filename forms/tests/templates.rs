//! Every template in forms/templates renders with a sample applicant; `pdftotext` finds the
//! applicant's name and address on every page; each page is rendered to PNG in
//! target/forms-artifacts/ to be looked at.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

use mado_forms::{Applicant, Data, Document, Font, NoticeKind, Template};

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

fn sample() -> Data {
    Data {
        applicant: Applicant {
            name: "山田 太郎".into(),
            kana: "やまだ たろう".into(),
            address: "福岡県北九州市小倉北区大手町1番1号".into(),
            postal_code: "803-8501".into(),
            birth_date: "1956-05-01".into(),
            sex: "male".into(),
            phone: "093-582-2102".into(),
        },
        subject: Some(Applicant {
            name: "山田 一郎".into(),
            kana: "やまだ いちろう".into(),
            address: "福岡県北九州市小倉北区大手町1番1号".into(),
            postal_code: "803-8501".into(),
            birth_date: "1940-02-03".into(),
            sex: "male".into(),
            phone: String::new(),
        }),
        answers: [
            ("grade", "1級"),
            ("part", "心臓機能障害"),
            ("insurance", "国民健康保険"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect(),
        event_date: "2026-11-20".into(),
        today: "2026-11-22".into(),
        office: "小倉北区役所".into(),
        city: "北九州市".into(),
        staff: "窓口 花子".into(),
    }
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
        for want in [&t.title, "山田 太郎", "福岡県北九州市小倉北区大手町1番1号"]
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

#[test]
fn every_template_passes_lint() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let all = mado_forms::load::load_dir(&dir).unwrap_or_else(|d| panic!("{d:?}"));
    let findings: Vec<String> = mado_forms::load::lint(&all, &[])
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(findings.is_empty(), "{}", findings.join("\n"));
}

/// A long address (two lines at 13 pt in a 140 mm cell, one line would need 9 pt).
const LONG_ADDRESS: &str =
    "北海道河東郡音更町木野大通西7丁目1番地10 サンハイツ木野グランドステージ南棟201号室";

#[test]
fn a_long_address_prints_on_two_lines_at_12_points_or_more_on_every_form() {
    let font = font();
    let mut data = sample();
    data.applicant.address = LONG_ADDRESS.into();
    if let Some(s) = data.subject.as_mut() {
        s.address = LONG_ADDRESS.into();
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

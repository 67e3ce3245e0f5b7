//! Template elements checked on real PDFs with the real font: where `pdftotext -bbox` finds
//! each text (labels aligned, sized and placed; a long address on two lines inside its box)
//! and which tick boxes `pdftoppm` shows ticked.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::Command;

use mado_civil::Date;
use mado_forms::{Data, Document, Font, Notice, NoticeKind, Person, Sex, Template};

fn font() -> Font {
    let path = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";
    Font::from_bytes(
        std::fs::read(path)
            .unwrap_or_else(|e| panic!("{path}: {e}; install fonts-ipaexfont-gothic")),
    )
    .unwrap()
}

fn template(elements: &str) -> Template {
    let text = format!(
        "id: t\ntitle: 試験\nsource: https://example.invalid/form\nelements:\n  - field: {{name: 氏名, source: applicant.name, x: 20, y: 10, w: 80, h: 10}}\n{elements}"
    );
    mado_forms::load::parse("t.yaml", &text).unwrap_or_else(|d| panic!("{d}"))
}

fn data(address: &str, answers: &[(&str, &str)]) -> Data {
    Data {
        applicant: Person {
            name: "山田 太郎".into(),
            address: address.into(),
            birth_date: Some(Date::parse_iso("1956-05-01").unwrap()),
            sex: Some(Sex::Male),
            ..Person::default()
        },
        answers: answers
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect(),
        ..Data::new(Date::parse_iso("2026-11-22").unwrap())
    }
}

fn run(cmd: &str, args: &[&str]) -> Vec<u8> {
    let o = Command::new(cmd)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{cmd}: {e}; install poppler-utils"));
    assert!(
        o.status.success(),
        "{cmd}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    o.stdout
}

/// Renders `t` to target/forms-artifacts/elements-NAME.pdf.
fn render(name: &str, t: &Template, data: &Data) -> (PathBuf, Vec<Notice>) {
    let font = font();
    let mut doc = Document::new(&font, &t.title);
    let notices = mado_forms::render(&mut doc, &font, &[t], data).unwrap();
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../target/forms-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    let pdf = dir.join(format!("elements-{name}.pdf"));
    std::fs::write(&pdf, doc.finish().unwrap()).unwrap();
    (pdf, notices)
}

/// A word `pdftotext -bbox` found, in millimetres from the top-left corner.
#[derive(Debug)]
struct Word {
    text: String,
    x0: f32,
    y0: f32,
    x1: f32,
    y1: f32,
}

fn words(pdf: &Path) -> Vec<Word> {
    let html = String::from_utf8(run("pdftotext", &["-bbox", pdf.to_str().unwrap(), "-"])).unwrap();
    let mm = |line: &str, key: &str| -> f32 {
        let at = line.find(&format!("{key}=\"")).unwrap() + key.len() + 2;
        let v: f32 = line[at..at + line[at..].find('"').unwrap()]
            .parse()
            .unwrap();
        v * 25.4 / 72.0
    };
    html.lines()
        .filter(|l| l.trim_start().starts_with("<word "))
        .map(|l| Word {
            text: l[l.find('>').unwrap() + 1..l.rfind("</word>").unwrap()].to_owned(),
            x0: mm(l, "xMin"),
            y0: mm(l, "yMin"),
            x1: mm(l, "xMax"),
            y1: mm(l, "yMax"),
        })
        .collect()
}

fn word<'a>(all: &'a [Word], text: &str) -> &'a Word {
    all.iter()
        .find(|w| w.text == text)
        .unwrap_or_else(|| panic!("{text:?} not in {all:#?}"))
}

/// Dark pixels of the page (rendered at 200 dpi, grey) inside a rectangle given in mm.
fn dark_pixels(pdf: &Path, x: f32, y: f32, w: f32, h: f32) -> usize {
    let pgm = run(
        "pdftoppm",
        &[
            "-gray",
            "-r",
            "200",
            "-f",
            "1",
            "-l",
            "1",
            pdf.to_str().unwrap(),
        ],
    );
    // P5\n<width> <height>\n255\n<pixels>
    let mut fields = pgm.splitn(4, |b| *b == b'\n');
    assert_eq!(fields.next(), Some(&b"P5"[..]));
    let size = String::from_utf8(fields.next().unwrap().to_vec()).unwrap();
    let width: usize = size.split(' ').next().unwrap().parse().unwrap();
    fields.next();
    let pixels = fields.next().unwrap();
    let px = |mm: f32| (mm / 25.4 * 200.0).round() as usize;
    let mut n = 0;
    for row in px(y)..px(y + h) {
        for col in px(x)..px(x + w) {
            n += usize::from(pixels[row * width + col] < 128);
        }
    }
    n
}

#[test]
fn checks_tick_on_any_of_their_values_and_checks_without_a_source_never() {
    let t = template(
        "  - check: {source: answers.move_type, values: [市外へ転出, 国外へ転出], x: 30, y: 40, label: 転出}\n  - check: {source: answers.move_type, value: 市外から転入, x: 60, y: 40, label: 転入}\n  - check: {x: 90, y: 40, label: その他}\n  - check: {source: answers.agree, x: 120, y: 40, label: 同意}\n",
    );
    for (move_type, ticked) in [
        ("国外へ転出", [true, false, false, true]),
        ("市外へ転出", [true, false, false, true]),
        ("市外から転入", [false, true, false, true]),
    ] {
        let (pdf, _) = render(
            "checks",
            &t,
            &data("", &[("move_type", move_type), ("agree", "はい")]),
        );
        let inside: Vec<bool> = [30.0, 60.0, 90.0, 120.0]
            .into_iter()
            .map(|x| dark_pixels(&pdf, x + 0.5, 40.5, 2.6, 2.6) > 10)
            .collect();
        assert_eq!(inside, ticked, "move_type {move_type}");
    }
    // Labels 1 mm right of the 3.6 mm box, on one line: the hand-ticked box like the others.
    let (pdf, _) = render("checks", &t, &data("", &[]));
    let all = words(&pdf);
    let labels = [
        ("転出", 30.0),
        ("転入", 60.0),
        ("その他", 90.0),
        ("同意", 120.0),
    ];
    for (text, x) in labels {
        let w = word(&all, text);
        assert!((w.x0 - (x + 4.6)).abs() < 0.1, "{w:?}");
        assert!((w.y0 - word(&all, "転出").y0).abs() < 0.01, "{w:?}");
        assert!(w.y0 < 40.0 + 3.6 && w.y1 > 40.0, "{w:?} beside the box");
    }
}

#[test]
fn grid_labels_are_aligned_and_sized_each_their_own_way() {
    let t = template(
        "  - grid:\n      x: 20\n      y: 40\n      columns: [40, 40, 40]\n      rows: [10]\n      size: 10\n      labels:\n        - {row: 0, col: 0, text: 氏名}\n        - {row: 0, col: 1, text: 性別, align: center, size: 8}\n        - {row: 0, col: 2, text: 続柄, align: right, size: 14}\n",
    );
    let (pdf, _) = render("grid", &t, &data("", &[]));
    let all = words(&pdf);
    let (left, center, right) = (word(&all, "氏名"), word(&all, "性別"), word(&all, "続柄"));
    assert!((left.x0 - 21.2).abs() < 0.1, "{left:?}");
    assert!(
        ((center.x0 + center.x1) / 2.0 - 80.0).abs() < 0.1,
        "{center:?}"
    );
    assert!((right.x1 - 138.8).abs() < 0.1, "{right:?}");
    // pdftotext's box is the font size high.
    let pt = |w: &Word| (w.y1 - w.y0) * 72.0 / 25.4;
    assert!((pt(left) - 10.0).abs() < 0.05, "{left:?}");
    assert!((pt(center) - 8.0).abs() < 0.05, "{center:?}");
    assert!((pt(right) - 14.0).abs() < 0.05, "{right:?}");
    for w in [left, center, right] {
        let mid = (w.y0 + w.y1) / 2.0;
        assert!((mid - 45.0).abs() < 1.0, "{w:?} is not centred in its row");
    }
}

const LONG: &str =
    "福岡県北九州市小倉北区大手町1番1号 グランドメゾン小倉駅前通りサウスタワー北棟2001号室";

#[test]
fn a_long_address_prints_on_two_lines_at_its_size_inside_its_box() {
    let t = template(
        "  - field: {name: 住所, source: applicant.address, x: 50, y: 80, w: 140, h: 14, size: 13}\n",
    );
    let (pdf, notices) = render("two-lines", &t, &data(LONG, &[]));
    assert_eq!(
        notices.iter().map(|n| &n.kind).collect::<Vec<_>>(),
        [&NoticeKind::Wrapped { size: 13.0 }]
    );
    let all = words(&pdf);
    let first = word(&all, "福岡県北九州市小倉北区大手町1番1号");
    let second = word(&all, "グランドメゾン小倉駅前通りサウスタワー北棟2001号室");
    for w in [first, second] {
        assert!(w.x0 >= 50.0 && w.x1 <= 190.0, "{w:?} overflows the box");
        assert!(w.y0 >= 80.0 && w.y1 <= 94.0, "{w:?} overflows the box");
        assert!(((w.y1 - w.y0) * 72.0 / 25.4 - 13.0).abs() < 0.05, "{w:?}");
    }
    assert!(
        second.y0 >= first.y1 - 0.01,
        "{first:?} and {second:?} overlap"
    );
}

#[test]
fn an_address_that_fits_nowhere_is_left_blank_with_a_notice() {
    let t = template(
        "  - field: {name: 住所, source: applicant.address, x: 50, y: 80, w: 40, h: 8, size: 12, min_size: 9}\n",
    );
    let (pdf, notices) = render("too-long", &t, &data(LONG, &[]));
    assert_eq!(notices.len(), 1);
    assert_eq!(notices[0].kind, NoticeKind::TooLong);
    assert_eq!(
        notices[0].to_string(),
        "試験の住所: 枠に収まらないため空欄にしました。手書きで記入してください"
    );
    let text = String::from_utf8(run("pdftotext", &[pdf.to_str().unwrap(), "-"])).unwrap();
    assert!(!text.contains("福岡県"), "{text}");
}

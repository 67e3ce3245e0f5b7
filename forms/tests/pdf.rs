//! A real PDF with the real font, checked the way people and machines read it: `pdftotext`
//! finds the text, `pdftoppm` renders the page (kept in target/forms-artifacts/ to look at).
#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;
use std::process::Command;

use mado_forms::{Align, Document, Font, Paper, RenderError};

const IPAEX: &str = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";

fn font() -> Font {
    let bytes = std::fs::read(IPAEX).unwrap_or_else(|e| {
        panic!("{IPAEX}: {e}; install Debian's fonts-ipaexfont-gothic (cargo xtask test does)")
    });
    Font::from_bytes(bytes).expect("IPAexGothic loads")
}

fn artifacts() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target/forms-artifacts");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn tool(cmd: &str, args: &[&str]) -> String {
    let out = Command::new(cmd).args(args).output().unwrap_or_else(|e| {
        panic!("{cmd}: {e}; install Debian's poppler-utils (cargo xtask test does)")
    });
    assert!(
        out.status.success(),
        "{cmd} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn japanese_text_is_embedded_subsetted_and_extractable() {
    let font = font();
    assert_eq!(font.name, "IPAexGothic");
    let mut doc = Document::new(&font, "テスト");
    let p = doc.add_page(Paper::A4);
    doc.rect(p, 20.0, 30.0, 170.0, 40.0, 0.8);
    doc.line(p, (20.0, 50.0), (190.0, 50.0), 0.5);
    doc.fill(p, 20.0, 30.0, 30.0, 20.0, 0.9);
    doc.text(p, 22.0, 42.0, 10.5, Align::Left, "氏名").unwrap();
    doc.text(p, 55.0, 43.0, 16.0, Align::Left, "山田 太郎")
        .unwrap();
    doc.text(p, 22.0, 62.0, 10.5, Align::Left, "住所").unwrap();
    doc.text(
        p,
        55.0,
        62.0,
        12.0,
        Align::Left,
        "北九州市小倉北区大手町1番1号",
    )
    .unwrap();
    doc.text(p, 190.0, 20.0, 10.5, Align::Right, "令和8年11月22日")
        .unwrap();
    let p2 = doc.add_page(Paper::A5);
    doc.text(p2, 74.0, 20.0, 14.0, Align::Center, "二枚目（A5）")
        .unwrap();
    let bytes = doc.finish().unwrap();
    // A subset: far smaller than the 6 MB font.
    assert!(bytes.len() < 60_000, "{} bytes", bytes.len());
    let path = artifacts().join("pdf-smoke.pdf");
    std::fs::write(&path, &bytes).unwrap();
    let p = path.to_str().unwrap();
    let text = tool("pdftotext", &["-layout", p, "-"]);
    for want in [
        "氏名",
        "山田 太郎",
        "北九州市小倉北区大手町1番1号",
        "令和8年11月22日",
        "二枚目（A5）",
    ] {
        assert!(
            text.contains(want),
            "{want:?} not in extracted text:\n{text}"
        );
    }
    let info = tool("pdfinfo", &[p]);
    assert!(info.contains("Pages:           2"), "{info}");
    assert!(info.contains("595.276 x 841.89 pts (A4)"), "{info}");
    let fonts = tool("pdffonts", &[p]);
    let row = fonts
        .lines()
        .find(|l| l.contains("IPAexGothic"))
        .unwrap_or_else(|| panic!("{fonts}"));
    assert!(
        row.contains("CID TrueType") && row.contains("Identity-H"),
        "{row}"
    );
    assert!(
        row.split_whitespace().filter(|w| *w == "yes").count() >= 3,
        "embedded, subset, unicode: {row}"
    );
    let png = artifacts().join("pdf-smoke");
    tool(
        "pdftoppm",
        &[
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            p,
            png.to_str().unwrap(),
        ],
    );
}

#[test]
fn characters_the_font_lacks_are_reported_never_dropped() {
    let font = font();
    assert_eq!(font.missing("髙橋 太郎"), Vec::<char>::new());
    let gaiji = "\u{E000}";
    let name = format!("山田{gaiji}郎");
    assert_eq!(font.missing(&name), vec!['\u{E000}']);
    let mut doc = Document::new(&font, "外字");
    let p = doc.add_page(Paper::A4);
    assert_eq!(
        doc.text(p, 20.0, 20.0, 12.0, Align::Left, &name),
        Err(RenderError::MissingGlyphs {
            text: name.clone(),
            chars: vec!['\u{E000}']
        })
    );
}

#[test]
fn bytes_that_are_not_a_font_are_refused() {
    assert!(Font::from_bytes(b"not a font".to_vec()).is_err());
}

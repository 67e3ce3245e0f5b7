//! The PDF's object structure, compared with what a reader expects of a CID-keyed Japanese
//! font: a readable EXPECTED/FOUND diff if anything changes (stream contents and lengths are
//! left out; they depend on the font and compression).
#![cfg(not(target_arch = "wasm32"))]

use mado_forms::{Align, Document, Font, Paper};

/// Each object as `N: /Key /Key …` with the values of the keys that define the structure.
fn structure(pdf: &[u8]) -> String {
    let raw = String::from_utf8_lossy(pdf);
    // A subset's name (`/ABCDEF+IPAexGothic`) is a value, not a key: drop its slash.
    let mut text = String::with_capacity(raw.len());
    for (i, c) in raw.char_indices() {
        let tag = raw.get(i + 1..i + 8).is_some_and(|t| {
            t.as_bytes()[..6].iter().all(u8::is_ascii_uppercase) && t.as_bytes()[6] == b'+'
        });
        if !(c == '/' && tag) {
            text.push(c);
        }
    }
    let mut out = Vec::new();
    for part in text.split(" 0 obj").skip(1) {
        let body = part.split("endobj").next().unwrap_or("");
        let dict = body.split("stream").next().unwrap_or("");
        let mut keys: Vec<String> = Vec::new();
        for token in dict.split('/').skip(1) {
            let key: String = token
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric())
                .collect();
            let value: String = token[key.len()..]
                .trim()
                .chars()
                .take_while(|c| !matches!(c, '/' | '\n' | '>' | '[' | '(' | '<'))
                .collect();
            let value = value.trim();
            // Sizes and the subset tag change with the font and compression; the rest must not.
            let value = if matches!(key.as_str(), "Length" | "Length1" | "BaseFont" | "FontName") {
                ""
            } else {
                value
            };
            keys.push(if value.is_empty() {
                format!("/{key}")
            } else {
                format!("/{key} {value}")
            });
        }
        out.push(keys.join(" "));
    }
    out.join("\n")
}

#[test]
fn the_document_structure_is_that_of_a_searchable_cid_font_pdf() {
    let font = Font::from_bytes(
        std::fs::read("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf")
            .expect("fonts-ipaexfont-gothic"),
    )
    .unwrap();
    let mut doc = Document::new(&font, "golden");
    let p = doc.add_page(Paper::A4);
    doc.text(p, 20.0, 20.0, 12.0, Align::Left, "氏名 山田")
        .unwrap();
    doc.line(p, (20.0, 22.0), (60.0, 22.0), 0.5);
    let found = structure(&doc.finish().unwrap());
    let expected = "\
/Type /Catalog /Pages 2 0 R
/Type /Pages /Kids /Count 1
/Title /Producer
/Type /Page /MediaBox /Parent 2 0 R /Contents 10 0 R /Resources /Font /F1 4 0 R
/Length /Filter /FlateDecode
/Type /Font /Subtype /Type0 /BaseFont /Encoding /Identity -H /DescendantFonts /ToUnicode 8 0 R
/Type /Font /Subtype /CIDFontType2 /BaseFont /CIDSystemInfo /Registry /Ordering /Supplement 0 /FontDescriptor 6 0 R /DW 1000 /CIDToGIDMap /Identity /W
/Type /FontDescriptor /FontName /Flags 4 /FontBBox /ItalicAngle 0 /Ascent 879.8828 /Descent -120.11719 /CapHeight 724.1211 /StemV 80 /FontFile2 7 0 R
/Length /Filter /FlateDecode /Length1
/Length /Type /CMap";
    if found != expected {
        let e: Vec<&str> = expected.lines().collect();
        let f: Vec<&str> = found.lines().collect();
        let mut diff = String::new();
        for i in 0..e.len().max(f.len()) {
            let (a, b) = (
                e.get(i).copied().unwrap_or("(none)"),
                f.get(i).copied().unwrap_or("(none)"),
            );
            if a != b {
                diff.push_str(&format!(
                    "object {}:\n  EXPECTED {a}\n  FOUND    {b}\n",
                    i + 1
                ));
            }
        }
        panic!("PDF structure changed:\n{diff}");
    }
}

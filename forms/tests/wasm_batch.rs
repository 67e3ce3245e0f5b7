//! A batch rendered in the browser (wasm32 in headless Chromium, `cargo xtask test`): the real
//! font and templates compiled into the test, one PDF with the handout and three forms, its
//! text recoverable through the ToUnicode map.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen_test::{wasm_bindgen_test as test, wasm_bindgen_test_configure};

use mado_forms::{Document, Font, Template, render, render_handout};

wasm_bindgen_test_configure!(run_in_browser);

/// Debian's fonts-ipaexfont-gothic (installed by `cargo xtask test`).
static FONT: &[u8] = include_bytes!("/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf");

fn template(text: &str) -> Template {
    serde_yaml::with::singleton_map_recursive::deserialize(serde_yaml::Deserializer::from_str(text))
        .expect("template parses")
}

#[test]
fn a_batch_renders_in_the_browser() {
    let font = Font::from_bytes(FONT.to_vec()).expect("font loads");
    let forms = [
        template(include_str!("../templates/juudo-iryo-shinsei.yaml")),
        template(include_str!("../templates/hosougu-shinsei.yaml")),
        template(include_str!("../templates/tokubetsu-shougaisha-teate.yaml")),
    ];
    let refs: Vec<&Template> = forms.iter().collect();
    let data = mado_forms::bench::sample_data();
    let mut doc = Document::new(&font, "wasm");
    render_handout(&mut doc, &font, &mado_forms::bench::sample_handout()).unwrap();
    let handout_pages = doc.page_count();
    render(&mut doc, &font, &refs, &data).unwrap();
    assert_eq!(doc.page_count(), handout_pages + 3);
    let pdf = doc.finish().unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    assert!(pdf.len() < 300_000, "{} bytes", pdf.len());
    // The ToUnicode map (uncompressed) maps glyphs back to 山 (U+5C71) and 郎 (U+90CE).
    let text = String::from_utf8_lossy(&pdf);
    assert!(
        text.contains("<5C71>") && text.contains("<90CE>"),
        "ToUnicode map lacks the applicant's name"
    );
    assert!(text.contains("/Identity-H") && text.contains("/FontFile2"));
}

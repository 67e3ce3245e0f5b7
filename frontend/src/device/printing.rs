//! Printing at the counter: the form templates (embedded at build time), the font (fetched
//! once, only when printing), and one PDF for the handout and every chosen form, made in the
//! browser and opened for printing.

use std::cell::RefCell;
use std::sync::OnceLock;

use mado_forms::{
    Data, Document, Font, FormError, Handout, Notice, Template, render, render_handout,
};

/// Every form template, checked and embedded at build time (`build.rs`).
static TEMPLATES_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/templates.json"));

/// The font forms are printed with; the name carries its version, so it is cached for good.
pub const FONT_URL: &str = "/fonts/ipaexg-00401.ttf";

pub fn templates() -> &'static [Template] {
    static T: OnceLock<Vec<Template>> = OnceLock::new();
    T.get_or_init(|| serde_json::from_str(TEMPLATES_JSON).unwrap_or_default())
}

pub fn template(id: &str) -> Option<&'static Template> {
    templates().iter().find(|t| t.id == id)
}

thread_local! {
    static FONT: RefCell<Option<Font>> = const { RefCell::new(None) };
}

/// The font, fetched the first time a batch is printed.
pub async fn font() -> Result<Font, String> {
    if let Some(f) = FONT.with(|f| f.borrow().clone()) {
        return Ok(f);
    }
    let response = gloo_net::http::Request::get(FONT_URL)
        .send()
        .await
        .map_err(|e| format!("{FONT_URL}: {e}"))?;
    if !response.ok() {
        return Err(format!("{FONT_URL}: HTTP {}", response.status()));
    }
    let bytes = response
        .binary()
        .await
        .map_err(|e| format!("{FONT_URL}: {e}"))?;
    let font = Font::from_bytes(bytes).map_err(|e| format!("{FONT_URL}: {e}"))?;
    FONT.with(|f| *f.borrow_mut() = Some(font.clone()));
    Ok(font)
}

/// The handout first, then each form: one PDF, and what staff should look at.
pub fn batch(
    font: &Font,
    handout: &Handout,
    forms: &[&Template],
    data: &Data,
) -> Result<(Vec<u8>, Vec<Notice>), FormError> {
    let mut doc = Document::new(font, "申請・手続きのご案内");
    render_handout(&mut doc, font, handout)?;
    let notices = render(&mut doc, font, forms, data)?;
    Ok((doc.finish()?, notices))
}

/// Wraps PDF bytes in a `blob:` URL the browser can open and print.
pub fn pdf_url(bytes: &[u8]) -> Result<String, String> {
    let array = js_sys::Uint8Array::from(bytes);
    let parts = js_sys::Array::of1(&array.buffer());
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/pdf");
    let blob = web_sys::Blob::new_with_buffer_source_sequence_and_options(&parts, &options)
        .map_err(|e| format!("{e:?}"))?;
    web_sys::Url::create_object_url_with_blob(&blob).map_err(|e| format!("{e:?}"))
}

/// Opens the browser's print dialog for this page.
pub fn print_page() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

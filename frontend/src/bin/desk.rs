//! Mounts the desk app (counter, resident guide, back office, admin).

use wasm_bindgen::prelude::wasm_bindgen;

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(mado_frontend::DeskApp);
}

/// For `cargo xtask bench`: times re-evaluating every procedure of a pack after one changed
/// answer, in this browser with this build. Returns [`mado_rules::bench::Timing`] as JSON.
/// Defined here, not in the library, so the lobby bundle does not carry the rules.
#[wasm_bindgen]
pub fn guide_eval_timing(pack: &str, city: &str, blocks: u32) -> Result<String, String> {
    let bundle = mado_frontend::guide::bundle()?;
    let guide = bundle.guide(pack, city).map_err(|errs| {
        errs.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    })?;
    let perf = web_sys::window()
        .and_then(|w| w.performance())
        .ok_or("no performance clock")?;
    let timing = mado_rules::bench::time_reevaluation(
        &guide,
        mado_frontend::guide::today(),
        blocks,
        &mut || perf.now(),
    );
    serde_json::to_string(&timing).map_err(|e| e.to_string())
}

/// For `cargo xtask bench`: times rendering the handout and eight filled forms in this
/// browser with this build. `font` is the printing font's bytes. Returns
/// [`mado_forms::bench::BatchTiming`] as JSON.
#[wasm_bindgen]
pub fn forms_batch_timing(font: Vec<u8>, runs: u32) -> Result<String, String> {
    let font = mado_forms::Font::from_bytes(font).map_err(|e| e.to_string())?;
    let templates: Vec<&mado_forms::Template> = mado_frontend::device::printing::templates()
        .iter()
        .collect();
    let perf = web_sys::window()
        .and_then(|w| w.performance())
        .ok_or("no performance clock")?;
    let timing = mado_forms::bench::time_batch(&font, &templates, runs, &mut || perf.now())
        .map_err(|e| e.to_string())?;
    serde_json::to_string(&timing).map_err(|e| e.to_string())
}

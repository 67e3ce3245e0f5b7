//! Whether a form on `/admin` holds changes not saved yet: leaving the tab or the page asks
//! first (issue 17 item 13).

use leptos::prelude::*;

/// Whether a form on `/admin` holds changes not saved yet; leaving the tab or the page asks
/// first (issue 17 item 13).
#[derive(Clone, Copy)]
struct Unsaved(RwSignal<bool>);

/// The admin screen's unsaved-changes flag (a fresh one outside `/admin`).
pub(crate) fn unsaved() -> RwSignal<bool> {
    use_context::<Unsaved>().map_or_else(|| RwSignal::new(false), |u| u.0)
}

/// Asks the browser to confirm leaving the page while `unsaved` is set.
fn guard_page(unsaved: RwSignal<bool>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let ask = wasm_bindgen::closure::Closure::<dyn FnMut(web_sys::Event)>::new(
        move |ev: web_sys::Event| {
            if unsaved.try_get_untracked().unwrap_or(false) {
                ev.prevent_default();
                // Older browsers show the prompt only when returnValue is set.
                let _ = js_sys::Reflect::set(&ev, &"returnValue".into(), &"".into());
            }
        },
    );
    let _ = window.add_event_listener_with_callback(
        "beforeunload",
        wasm_bindgen::JsCast::unchecked_ref(ask.as_ref()),
    );
    ask.forget();
}

/// Gives the admin screen its unsaved-changes flag and asks before the page is left with it
/// set.
pub(super) fn provide(unsaved: RwSignal<bool>) {
    provide_context(Unsaved(unsaved));
    guard_page(unsaved);
}

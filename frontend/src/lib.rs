//! Mado's browser app: Leptos client-side apps with a route per surface, in two bundles:
//! the lobby (kiosk, display: public screens, small) and the desk (counter, staff queue,
//! resident guide and booking, kiosk check-in, office, admin).
//!
//! # Mental model
//!
//! Each surface (kiosk, display, staff queue, …) is a route. Components are thin: queue state
//! comes from [`mado_wire`]'s reducers, fed by a snapshot from the relay ([`api`]) and then
//! by live events ([`live`]). Every visible string comes from [`i18n`].
//!
//! # Not handled
//!
//! - Pre-application, back office and administration are not built yet (`/office` and
//!   `/admin` show only their name).

pub mod api;
pub mod cardio;
pub mod guide;
pub mod i18n;
pub mod live;
mod pages;
pub mod printing;
pub mod qr;
pub mod qrscan;
pub mod sound;

use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;

use crate::i18n::{Lang, provide_lang, use_lang};

/// Browser storage key of the chosen language.
const LANG_KEY: &str = "mado.lang";

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok()?
}

/// A fresh key for `Idempotency-Key`: retrying the same request with it never acts twice.
pub fn new_idempotency_key() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("mado-{}", js_sys::Date::now()))
}

/// Reads a value saved in the browser (kiosk and staff choices survive a reload).
pub fn load_setting(key: &str) -> Option<String> {
    local_storage()?.get_item(key).ok()?
}

/// Saves a value in the browser; storage being unavailable only loses the preference.
pub fn save_setting(key: &str, value: &str) {
    if let Some(s) = local_storage() {
        let _ = s.set_item(key, value);
    }
}

fn initial_lang() -> Lang {
    let from_query = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| {
            q.trim_start_matches('?')
                .split('&')
                .find_map(|kv| kv.strip_prefix("lang=").and_then(Lang::from_code))
        });
    from_query
        .or_else(|| load_setting(LANG_KEY).as_deref().and_then(Lang::from_code))
        .unwrap_or_default()
}

/// Runs `f` every `period` until the calling component is unmounted.
pub fn every(period: std::time::Duration, f: impl Fn() + 'static) {
    if let Ok(handle) = set_interval_with_handle(f, period) {
        on_cleanup(move || handle.clear());
    }
}

/// Sets up the language (from `?lang=`, then the saved choice) and keeps `<html lang>` and
/// the saved choice in step with it.
fn setup_lang() {
    let lang = provide_lang(initial_lang());
    Effect::new(move |_| {
        let l = lang.get();
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", l.code());
        }
        save_setting(LANG_KEY, l.code());
    });
}

/// The lobby bundle: home, kiosk and display (public screens; kept under 200 KB).
#[component]
pub fn LobbyApp() -> impl IntoView {
    setup_lang();
    view! {
        <Router>
            <Routes fallback=|| view! { <pages::NotFound/> }>
                <Route path=path!("/") view=pages::Home/>
                <Route path=path!("/kiosk") view=pages::Kiosk/>
                <Route path=path!("/display") view=pages::Display/>
                <Route path=path!("/t") view=pages::TicketStatusPage/>
            </Routes>
        </Router>
    }
}

/// The desk bundle (served under `/desk/`): the counter with the procedure guide, the
/// resident guide, back office and administration.
#[component]
pub fn DeskApp() -> impl IntoView {
    setup_lang();
    view! {
        <Router>
            <Routes fallback=|| view! { <pages::NotFound/> }>
                <Route path=path!("/counter") view=pages::Counter/>
                <Route path=path!("/queue") view=pages::Queue/>
                <Route path=path!("/apply") view=pages::Apply/>
                <Route path=path!("/r") view=pages::MyReservation/>
                <Route path=path!("/s") view=pages::PreApplicationStatus/>
                <Route path=path!("/checkin") view=pages::CheckIn/>
                <Route path=path!("/office") view=pages::Office/>
                <Route path=path!("/admin") view=pages::Admin/>
                <Route path=path!("/pair") view=pages::Pair/>
            </Routes>
        </Router>
    }
}

/// A button that switches between Japanese and English.
#[component]
pub fn LangToggle() -> impl IntoView {
    let lang = use_lang();
    view! {
        <button class="lang-toggle" type="button" on:click=move |_| lang.update(|l| *l = l.other())
            lang=move || lang.get().other().code()>
            {move || lang.get().texts().switch_language}
        </button>
    }
}

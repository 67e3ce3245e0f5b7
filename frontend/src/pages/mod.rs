//! One module per surface.

mod admin;
mod admin_settings;
mod admin_staff;
mod apply;
mod booking;
mod card_reader;
mod checkin;
mod counter;
mod display;
mod forms_panel;
mod kiosk;
mod office;
mod office_stats;
mod preapply;
mod queue;
mod ticket;

pub use admin::{Admin, Pair};
pub use apply::Apply;
pub use booking::MyReservation;
pub use checkin::CheckIn;
pub use counter::Counter;
pub use display::Display;
pub use kiosk::Kiosk;
pub use office::Office;
pub use preapply::PreApplicationStatus;
pub use queue::Queue;
pub use ticket::TicketStatusPage;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use mado_wire::{Board, Office};

use crate::LangToggle;
use crate::api::{self, ApiError};
use crate::i18n::{Lang, use_lang};

/// The office this device serves: `?office=ID`, else the relay's first office.
async fn resolve_office(requested: Option<String>) -> Result<Office, ApiError> {
    match requested {
        Some(id) => api::office(&id).await,
        None => api::offices()
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| ApiError::Refused {
                status: 404,
                code: "no_office".into(),
                message: "the relay has no office".into(),
            }),
    }
}

/// What a lobby screen shows while it cannot load its office (it tries again meanwhile):
/// the relay out of reach, no such office (a mistyped `?office=`), or the relay's error.
fn lobby_problem(lang: Lang, requested: Option<&str>, e: &ApiError) -> String {
    match (e, requested) {
        (ApiError::Network(_), _) => lang.texts().relay_retrying.to_owned(),
        (ApiError::Refused { status: 404, .. }, Some(id)) => lang.office_unknown(id),
        (ApiError::Refused { status: 404, .. }, None) => lang.texts().no_office.to_owned(),
        _ => lang.texts().relay_error_retrying.to_owned(),
    }
}

/// The office and its lobby board, both or neither. With the office named, both are asked for
/// at once (a lobby screen comes up one round trip sooner); else the relay's first office is
/// looked up first.
async fn office_and_board(requested: Option<String>) -> Result<(Office, Board), ApiError> {
    match requested {
        Some(id) => futures_util::future::try_join(api::office(&id), api::board(&id)).await,
        None => {
            let office = resolve_office(None).await?;
            let board = api::board(&office.id).await?;
            Ok((office, board))
        }
    }
}

/// How long a lobby screen waits before trying the relay again.
const RETRY_MS: u32 = 5_000;

/// Calls `attempt` until it succeeds, showing each failure in `office`. A lobby screen must
/// come up by itself after a power cut, even when the relay starts after it. Returns `None`
/// when the page was closed meanwhile (the signal is disposed).
async fn retry_until_loaded<T, F, Fut>(
    office: RwSignal<Option<Result<Office, ApiError>>>,
    mut attempt: F,
) -> Option<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = Result<T, ApiError>>,
{
    loop {
        match attempt().await {
            Ok(value) => return Some(value),
            Err(e) => {
                if office.try_set(Some(Err(e))).is_some() {
                    return None;
                }
                gloo_timers::future::TimeoutFuture::new(RETRY_MS).await;
            }
        }
    }
}

/// The `?office=` query parameter, read once.
fn office_param() -> Option<String> {
    use_query_map().get_untracked().get("office")
}

#[component]
pub fn Home() -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts();
    view! {
        <main class="home">
            <header class="bar">
                <h1>{move || t().app_name}</h1>
                <LangToggle/>
            </header>
            <p>{move || t().app_tagline}</p>
            <ul class="surfaces">
                <li><a href="/kiosk"><strong>{move || t().surface_kiosk}</strong><span>{move || t().surface_kiosk_desc}</span></a></li>
                <li><a href="/display"><strong>{move || t().surface_display}</strong><span>{move || t().surface_display_desc}</span></a></li>
                <li><a href="/queue" rel="external"><strong>{move || t().surface_queue}</strong><span>{move || t().surface_queue_desc}</span></a></li>
                <li><a href="/counter" rel="external"><strong>{move || t().surface_counter}</strong></a></li>
                <li><a href="/apply" rel="external"><strong>{move || t().surface_apply}</strong></a></li>
                <li><a href="/office" rel="external"><strong>{move || t().surface_office}</strong></a></li>
                <li><a href="/admin" rel="external"><strong>{move || t().surface_admin}</strong></a></li>
            </ul>
        </main>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    let lang = use_lang();
    view! {
        <main class="not-built">
            <h1>{move || lang.get().texts().not_found}</h1>
        </main>
    }
}

/// Seconds a result (a ticket, a check-in) stays on a lobby screen before it returns to the
/// start for the next resident.
pub(crate) const SHOW_RESULT_SECS: u32 = 30;

/// Seconds without a touch or a key after which a half-used lobby screen (a language switched,
/// a phone number half typed) returns to the start, wiping what was typed.
pub(crate) const LOBBY_IDLE_SECS: u32 = 60;

/// The language a lobby screen starts in for every resident: the one its URL was set up with
/// (`?lang=en` for an English-only kiosk), else Japanese, never the last resident's choice.
pub(crate) fn start_lang() -> Lang {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .and_then(|q| {
            q.trim_start_matches('?')
                .split('&')
                .find_map(|kv| kv.strip_prefix("lang=").and_then(Lang::from_code))
        })
        .unwrap_or(Lang::Ja)
}

/// Whether a lobby screen should go back to its start now: a result shown for
/// [`SHOW_RESULT_SECS`], or a screen left half used (not at the start, or in another language
/// than the start one) for [`LOBBY_IDLE_SECS`].
pub(crate) fn lobby_should_reset(
    idle_secs: u32,
    showing_result: bool,
    at_start: bool,
    lang_is_start: bool,
) -> bool {
    if showing_result {
        idle_secs >= SHOW_RESULT_SECS
    } else {
        !(at_start && lang_is_start) && idle_secs >= LOBBY_IDLE_SECS
    }
}

/// Seconds since the last touch, click or key on this page (a lobby screen's idle clock).
#[derive(Clone, Copy)]
pub(crate) struct IdleClock(StoredValue<f64, leptos::prelude::LocalStorage>);

impl IdleClock {
    /// Starts counting; every pointer or key event on the page sets it back to zero.
    pub(crate) fn start() -> Self {
        let last = StoredValue::new_local(js_sys::Date::now());
        if let Some(doc) = web_sys::window().and_then(|w| w.document()) {
            for event in ["pointerdown", "keydown", "input"] {
                let touch = wasm_bindgen::closure::Closure::<dyn FnMut()>::new(move || {
                    let _ = last.try_set_value(js_sys::Date::now());
                });
                let _ = doc.add_event_listener_with_callback_and_bool(
                    event,
                    wasm_bindgen::JsCast::unchecked_ref(touch.as_ref()),
                    true,
                );
                // The listener lives as long as the page (a lobby screen is one page).
                touch.forget();
            }
        }
        Self(last)
    }

    /// Whole seconds since the last interaction.
    pub(crate) fn idle_secs(self) -> u32 {
        let last = self.0.try_get_value().unwrap_or_else(js_sys::Date::now);
        ((js_sys::Date::now() - last).max(0.0) / 1000.0) as u32
    }

    /// Counts from now (a screen change the resident did not make, e.g. a result shown).
    pub(crate) fn restart(self) {
        let _ = self.0.try_set_value(js_sys::Date::now());
    }
}

#[cfg(test)]
mod lobby_tests {
    use super::*;

    /// Issue 17 item 7: a result goes after 30 s; a half-used screen (another language, a
    /// half-typed number) after 60 s idle; the untouched start screen stays.
    #[test]
    fn issue_17_lobby_screens_return_to_the_start() {
        assert!(!lobby_should_reset(29, true, false, true));
        assert!(lobby_should_reset(30, true, false, true));
        assert!(!lobby_should_reset(59, false, false, true));
        assert!(lobby_should_reset(60, false, false, true));
        assert!(lobby_should_reset(60, false, true, false));
        assert!(!lobby_should_reset(3_600, false, true, true));
    }
}

//! What every surface stands on: the office a device serves (`?office=`), a lobby screen's
//! loading and idle clock, the language switch, browser settings, the staff login gate
//! ([`staff`]), and date-time wording shared by several surfaces. Imports only [`crate::api`],
//! [`crate::i18n`] and [`crate::device`], never a surface.

pub mod staff;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use mado_wire::{Board, Office};

use crate::api::{self, ApiError};
use crate::i18n::{Base, Lang, provide_lang, use_lang};

/// The office this device serves: `?office=ID`, else the relay's first office.
pub(crate) async fn resolve_office(requested: Option<String>) -> Result<Office, ApiError> {
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
pub(crate) fn lobby_problem(lang: Lang, requested: Option<&str>, e: &ApiError) -> String {
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
pub(crate) async fn office_and_board(
    requested: Option<String>,
) -> Result<(Office, Board), ApiError> {
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
pub(crate) async fn retry_until_loaded<T, F, Fut>(
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
pub(crate) fn office_param() -> Option<String> {
    use_query_map().get_untracked().get("office")
}

/// `1795275000000` → `2026年11月22日 0:30` (Japan time), or `2026-11-22 00:30`.
pub fn when(ms: i64, lang: Lang) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(
        ms as f64 + 9.0 * 3_600_000.0,
    ));
    let (y, m, day, h, min) = (
        d.get_utc_full_year(),
        d.get_utc_month() + 1,
        d.get_utc_date(),
        d.get_utc_hours(),
        d.get_utc_minutes(),
    );
    match lang.base() {
        Base::Ja => format!("{y}年{m}月{day}日 {h}:{min:02}"),
        Base::En => format!("{y}-{m:02}-{day:02} {h:02}:{min:02}"),
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

/// The work a component starts (its relay calls): it stops at its next step once the
/// component is gone, so no answer lands in a screen that is gone. Made in the component's
/// body, not in a part of its view: work a button starts must outlive the button's own
/// re-render (the card read, a save), and ends only with the component.
#[derive(Debug, Clone, Copy)]
pub struct Tasks(StoredValue<std::sync::Arc<std::sync::atomic::AtomicBool>>);

impl Tasks {
    /// The current component's work; call at the top of its body.
    pub fn here() -> Self {
        let gone = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let flag = gone.clone();
        on_cleanup(move || flag.store(true, std::sync::atomic::Ordering::Relaxed));
        Self(StoredValue::new(gone))
    }

    /// Starts `work`; it runs until it ends or the component goes. Nothing starts once the
    /// component is gone.
    pub fn spawn(self, work: impl std::future::Future<Output = ()> + 'static) {
        if let Some(gone) = self.0.try_get_value()
            && !gone.load(std::sync::atomic::Ordering::Relaxed)
        {
            leptos::task::spawn_local(UntilGone {
                gone,
                work: Box::pin(work),
            });
        }
    }
}

/// `work`, dropped at its next step once `gone` is set.
struct UntilGone<F> {
    gone: std::sync::Arc<std::sync::atomic::AtomicBool>,
    work: std::pin::Pin<Box<F>>,
}

impl<F: std::future::Future<Output = ()>> std::future::Future for UntilGone<F> {
    type Output = ();

    fn poll(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<()> {
        if self.gone.load(std::sync::atomic::Ordering::Relaxed) {
            return std::task::Poll::Ready(());
        }
        self.work.as_mut().poll(cx)
    }
}

/// Runs `f` every `period` until the calling component is unmounted.
pub fn every(period: std::time::Duration, f: impl Fn() + 'static) {
    if let Ok(handle) = set_interval_with_handle(f, period) {
        on_cleanup(move || handle.clear());
    }
}

/// Sets up the language (from `?lang=`, then the saved choice) and keeps `<html lang>` and
/// the saved choice in step with it. Staff screens (`resident` false) work in Japanese or
/// English; a resident's page may start in any language: one whose texts are data starts in
/// Japanese and switches once they have arrived.
pub(crate) fn setup_lang(resident: bool) {
    let wanted = initial_lang();
    let start = if wanted.is_ready() { wanted } else { Lang::Ja };
    let start = if resident || start.base() == Base::En || start == Lang::Ja {
        start
    } else {
        Lang::Ja
    };
    let lang = provide_lang(start);
    if resident && wanted != start {
        leptos::task::spawn_local(async move {
            match load_language(wanted).await {
                Ok(()) => lang.set(wanted),
                Err(e) => leptos::logging::warn!("{e}"),
            }
        });
    }
    Effect::new(move |_| {
        let l = lang.get();
        if let Some(html) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = html.set_attribute("lang", l.tag());
        }
        save_setting(LANG_KEY, l.code());
    });
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

/// Fetches a data language's texts once (`/lang/ui/<code>.json`); a compiled-in language, or
/// one already here, needs nothing.
async fn load_language(lang: Lang) -> Result<(), String> {
    if lang.is_ready() {
        return Ok(());
    }
    let texts = api::ui_texts(lang.code())
        .await
        .map_err(|e| format!("/lang/ui/{}.json: {e}", lang.code()))?;
    crate::i18n::install(lang, texts);
    Ok(())
}

/// Switches to `l` once its texts are here (fetched first for a data language), so a page
/// never shows half a language; `failed` says whether they could not be fetched.
fn switch_to(lang: RwSignal<Lang>, l: Lang, failed: RwSignal<bool>) {
    leptos::task::spawn_local(async move {
        match load_language(l).await {
            Ok(()) => {
                failed.set(false);
                lang.set(l);
            }
            Err(e) => {
                leptos::logging::warn!("{e}");
                failed.set(true);
            }
        }
    });
}

/// A resident's language menu (phones): the seven languages, each in its own name. If a
/// language's texts cannot be fetched the page stays as it is and says so.
#[component]
pub fn LangMenu() -> impl IntoView {
    let lang = use_lang();
    let failed = RwSignal::new(false);
    view! {
        <label class="lang-menu">
            <svg class="lang-globe" aria-hidden="true" viewBox="0 0 24 24" width="24" height="24">
                <circle cx="12" cy="12" r="10" fill="none" stroke="currentColor" stroke-width="2"/>
                <path d="M2 12h20M12 2c3 3 4.5 6.5 4.5 10S15 19 12 22M12 2C9 5 7.5 8.5 7.5 12S9 19 12 22" fill="none" stroke="currentColor" stroke-width="2"/>
            </svg>
            <span class="sr-only">"Language / 言語"</span>
            <select on:change=move |ev| {
                if let Some(l) = Lang::from_code(&event_target_value(&ev)) {
                    switch_to(lang, l, failed);
                }
            } prop:value=move || lang.get().code()>
                {Lang::ALL.into_iter().map(|l| view! {
                    <option value=l.code() lang=l.tag() selected=move || lang.get() == l>{l.own_name()}</option>
                }).collect_view()}
            </select>
            {move || failed.get().then(|| view! {
                <span class="problem" role="alert">{move || lang.get().texts().relay_unreachable}</span>
            })}
        </label>
    }
}

/// The kiosk's language buttons (a touch screen): the seven languages, each in its own name,
/// the one in use pressed.
#[component]
pub fn LangButtons() -> impl IntoView {
    let lang = use_lang();
    let failed = RwSignal::new(false);
    view! {
        <nav class="lang-buttons no-print" aria-label="Language / 言語">
            {Lang::ALL.into_iter().map(|l| view! {
                <button type="button" lang=l.tag() data-lang=l.code()
                    aria-pressed=move || (lang.get() == l).to_string()
                    on:click=move |_| switch_to(lang, l, failed)>
                    {l.own_name()}
                </button>
            }).collect_view()}
            {move || failed.get().then(|| view! {
                <span class="problem" role="alert">{move || lang.get().texts().relay_unreachable}</span>
            })}
        </nav>
    }
}

/// Registers the service worker (`frontend/sw.js`, served as `/sw.js`), which keeps the page
/// and assets of the bundle open now (desk or resident), the print font and the language data
/// this browser used, so a counter or a resident's phone opened or reloaded with no network
/// still loads, guides and prints. A browser without service workers just goes without.
pub fn keep_offline() {
    let Some(sw) = web_sys::window().map(|w| w.navigator().service_worker()) else {
        return;
    };
    let options = web_sys::RegistrationOptions::new();
    options.set_scope("/");
    let _ = sw.register_with_options("/sw.js", &options);
}

/// Removes the page's loading indicator (`#boot` in the resident page's HTML, shown before
/// the WebAssembly has arrived) once the app is mounted.
pub fn boot_done() {
    if let Some(boot) = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("boot"))
    {
        boot.remove();
    }
}

#[cfg(test)]
mod lobby_tests {
    use super::*;

    /// Issue 18: work whose component is gone takes no further step (its answer would land in
    /// a screen that is gone), and work that runs on is polled as it was.
    #[test]
    fn work_stops_at_its_next_step_once_its_component_is_gone() {
        use std::sync::Arc;
        use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
        use std::task::{Context, Poll, Waker};
        let polled = Arc::new(AtomicU32::new(0));
        let counted = polled.clone();
        // Pending once (a relay call in flight), then done.
        let work = std::future::poll_fn(move |_| {
            if counted.fetch_add(1, Ordering::Relaxed) == 0 {
                Poll::Pending
            } else {
                Poll::Ready(())
            }
        });
        let gone = Arc::new(AtomicBool::new(false));
        let mut task = UntilGone {
            gone: gone.clone(),
            work: Box::pin(work),
        };
        let mut cx = Context::from_waker(Waker::noop());
        assert_eq!(std::pin::Pin::new(&mut task).poll(&mut cx), Poll::Pending);
        assert_eq!(polled.load(Ordering::Relaxed), 1);
        // The component goes while the call is in flight: the answer is not read.
        gone.store(true, Ordering::Relaxed);
        assert_eq!(std::pin::Pin::new(&mut task).poll(&mut cx), Poll::Ready(()));
        assert_eq!(polled.load(Ordering::Relaxed), 1);
    }

    /// A component's cleanup marks its work gone; nothing starts after.
    #[test]
    fn a_components_cleanup_ends_its_work() {
        let owner = Owner::new();
        let tasks = owner.with(Tasks::here);
        let gone = tasks.0.get_value();
        assert!(!gone.load(std::sync::atomic::Ordering::Relaxed));
        owner.cleanup();
        assert!(gone.load(std::sync::atomic::Ordering::Relaxed));
    }

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

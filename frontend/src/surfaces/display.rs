//! `/display`: the lobby screen. Called numbers with their counters, newest first, the
//! waiting count per service, a chime and a voice announcement on each call: shown and said in
//! Japanese and English (English first with `lang=en`).
//!
//! The visible text never depends on sound. State is bounded (at most
//! [`mado_wire::MAX_RECENT_CALLS`] calls), so the page can run for days on a TV.
//! Query parameters: `office=ID`, `lang=en`.

use std::time::Duration;

use leptos::prelude::*;
use mado_wire::{Board, Call, Office};

use crate::api::ApiError;
use crate::device::live::{LinkStatus, Live};
use crate::device::sound::Announcer;
use crate::i18n::use_lang;
use crate::shell::{lobby_problem, office_and_board, office_param, retry_until_loaded};

/// `HH:MM` now, in the browser's local time.
fn clock_now() -> String {
    let d = js_sys::Date::new_0();
    format!("{:02}:{:02}", d.get_hours(), d.get_minutes())
}

/// Calls on screen: the latest and the six before it (the board keeps
/// [`mado_wire::MAX_RECENT_CALLS`]).
const SHOWN_CALLS: usize = 7;

#[component]
pub fn Display() -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let t = move || lang.get().texts();
    let office: RwSignal<Option<Result<Office, ApiError>>> = RwSignal::new(None);
    let board = RwSignal::new(Board::default());
    let link = RwSignal::new(LinkStatus::Connecting);
    let latest: RwSignal<Option<Call>> = RwSignal::new(None);
    let announcer: StoredValue<Announcer, LocalStorage> = StoredValue::new_local(Announcer::new());
    let sound_on = RwSignal::new(announcer.with_value(Announcer::is_enabled));
    let live: StoredValue<Option<Live>, LocalStorage> = StoredValue::new_local(None);
    let clock = RwSignal::new(clock_now());

    let requested = office_param();
    let asked_for = requested.clone();
    tasks.spawn(async move {
        let Some((o, b)) = retry_until_loaded(office, || office_and_board(requested.clone())).await
        else {
            return;
        };
        let after = b.last_event_id;
        board.set(b);
        let counters = o.counters.clone();
        let on_event = move |e| {
            let call = board.try_update(|b| b.apply(&e, &counters)).flatten();
            if let Some(call) = call {
                // In the screen's language, then in the other (Japanese then English by
                // default), each with the counter's name in that language.
                let l = lang.get_untracked();
                let said: Vec<(String, &str)> = [l, l.other()]
                    .into_iter()
                    .map(|l| {
                        let label = l.pick(&call.counter_label, &call.counter_label_en);
                        (l.announcement(&call.number.spoken(), label), l.tag())
                    })
                    .collect();
                announcer.with_value(|a| a.announce(&said));
                latest.set(Some(call));
            }
        };
        live.set_value(Some(Live::connect(&o.id, after, on_event, move |s| {
            link.set(s)
        })));
        office.set(Some(Ok(o)));
    });
    on_cleanup(move || live.set_value(None));

    crate::shell::every(Duration::from_secs(5), move || clock.set(clock_now()));

    let enable_sound = move |_| {
        announcer.with_value(Announcer::enable);
        sound_on.set(true);
    };
    let fullscreen = move |_| {
        if let Some(el) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = el.request_fullscreen();
        }
    };

    view! {
        <main class="display">
            <header class="bar">
                <h1>{move || office.with(|o| match o { Some(Ok(o)) => lang.get().pick(&o.name, &o.name_en).to_owned(), _ => String::new() })}</h1>
                <div class="display-tools">
                    <Show when=move || !sound_on.get()>
                        <button type="button" on:click=enable_sound>{move || t().display_enable_sound}</button>
                    </Show>
                    <button type="button" on:click=fullscreen>{move || t().display_fullscreen}</button>
                    <span class="clock" aria-hidden="true">{move || clock.get()}</span>
                </div>
            </header>
            <Show when=move || link.get() == LinkStatus::Reconnecting>
                <p class="banner" role="status">{move || t().display_reconnecting}</p>
            </Show>
            {move || match office.get() {
                None => view! { <p class="status" role="status">{t().loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="problem" role="alert">{lobby_problem(lang.get(), asked_for.as_deref(), &e)}</p> }.into_any(),
                Some(Ok(o)) => {
                    let l = lang.get();
                    let services = o.services.clone();
                    let shown = move || {
                        let calls: Vec<(usize, mado_wire::Call)> =
                            board.get().recent_calls.into_iter().take(SHOWN_CALLS).enumerate().collect();
                        calls
                    };
                    view! {
                        <div class="display-grid">
                            <section class="calls" aria-labelledby="calls-title">
                                <h2 id="calls-title">{both(l.texts().display_now_calling, l.other().texts().display_now_calling)}</h2>
                                <Show when=move || board.with(|b| b.recent_calls.is_empty())>
                                    <p class="empty">{move || t().display_no_calls}</p>
                                </Show>
                                // Readable from 5 m (issue 17 item 8): the latest call across the
                                // screen, the six before it in two columns below.
                                <ol class="call-list">
                                    <For each=shown
                                        key=|(i, c)| (*i == 0, c.event_id) let:item>
                                        {
                                            let (i, call) = item;
                                            view! {
                                                <li class="call" class:latest=i == 0 data-testid="call">
                                                    <span class="number">{call.number.to_string()}</span>
                                                    <span class="arrow" aria-hidden="true">"→"</span>
                                                    <span class="counter">
                                                        {both(l.pick(&call.counter_label, &call.counter_label_en), l.other().pick(&call.counter_label, &call.counter_label_en))}
                                                    </span>
                                                </li>
                                            }
                                        }
                                    </For>
                                </ol>
                            </section>
                            <section class="waiting" aria-labelledby="waiting-title">
                                <h2 id="waiting-title">{both(l.texts().display_waiting, l.other().texts().display_waiting)}</h2>
                                <ul class="waiting-list">
                                    {services.into_iter().map(|s| {
                                        let id = s.id.clone();
                                        view! {
                                            <li data-testid="waiting-row">
                                                <span class="prefix">{s.prefix.clone()}</span>
                                                <span class="service">
                                                    {both(l.pick(&s.name, &s.name_en), l.other().pick(&s.name, &s.name_en))}
                                                </span>
                                                <span class="count">{move || lang.get().people(board.with(|b| b.waiting_for(&id)))}</span>
                                            </li>
                                        }
                                    }).collect_view()}
                                </ul>
                            </section>
                        </div>
                    }.into_any()
                }
            }}
            <p class="sr-only" aria-live="assertive" data-testid="announcement">
                {move || latest.get().map(|c| {
                    let l = lang.get();
                    [l, l.other()]
                        .map(|l| l.announcement(&c.number.spoken(), l.pick(&c.counter_label, &c.counter_label_en)))
                        .join(" / ")
                }).unwrap_or_default()}
            </p>
        </main>
    }
}

/// Words in the screen's language and, smaller under them, in the other (English under
/// Japanese, or Japanese under English) when they differ: a lobby shows its calls in both
/// (issue 22). A display keeps the language it was opened in, so this is drawn once.
fn both(first: &str, second: &str) -> impl IntoView + use<> {
    let second = (first != second).then(|| second.to_owned());
    let other = use_lang().get_untracked().other().tag();
    view! {
        {first.to_owned()}
        {second.map(|s| view! { <span class="second" lang=other>{s}</span> })}
    }
}

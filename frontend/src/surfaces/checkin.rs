//! `/checkin`: the kiosk's check-in for residents who booked. They type the booking code on a
//! large keypad, scan the booking's QR code with the kiosk's code reader (it types the link
//! into the focused field) or to the kiosk's camera (`qrscan.rs`; `?camera=1` turns it on at
//! once), or give their phone number and birth date. The answer is a ticket that is called at
//! the booking's time.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use mado_wire::{CheckInRequest, IssuedTicket};

use crate::api::{self, ApiError};
use crate::i18n::{Lang, use_lang};

/// Letters of booking codes (the relay's alphabet), in keypad order.
const KEYS: &str = "ACEFHJKLMNPRTWXY3479";

/// A booking code, or the token inside a scanned booking link (`…/r#TOKEN`).
fn request_from(typed: &str) -> CheckInRequest {
    let typed = typed.trim();
    if let Some((_, token)) = typed.rsplit_once("/r#") {
        return CheckInRequest {
            token: Some(token.to_owned()),
            ..CheckInRequest::default()
        };
    }
    if typed.len() == 64 && typed.bytes().all(|b| b.is_ascii_hexdigit()) {
        return CheckInRequest {
            token: Some(typed.to_owned()),
            ..CheckInRequest::default()
        };
    }
    CheckInRequest {
        code: Some(typed.to_uppercase()),
        ..CheckInRequest::default()
    }
}

fn refusal(e: &ApiError, lang: Lang) -> String {
    let t = lang.desk();
    match e {
        ApiError::Refused { status: 404, .. } => t.checkin_not_found.to_owned(),
        ApiError::Refused {
            status: 409,
            message,
            ..
        } if message.contains("cancelled") => t.checkin_cancelled.to_owned(),
        ApiError::Refused {
            status: 409,
            message,
            ..
        } => match message
            .split_once("is for ")
            .and_then(|(_, rest)| rest.split_once(','))
        {
            Some((day, _)) => lang.checkin_other_day(&crate::i18n::day_label(day, lang)),
            None => t.checkin_failed.to_owned(),
        },
        ApiError::Refused { message, .. } if message.starts_with("phone") => {
            t.book_bad_phone.to_owned()
        }
        _ => t.checkin_failed.to_owned(),
    }
}

#[component]
pub fn CheckIn() -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let t = move || lang.get().desk();
    // The kiosk's office (`?office=`), or the relay's first office.
    let office = RwSignal::new(crate::shell::office_param().unwrap_or_default());
    if office.get_untracked().is_empty() {
        tasks.spawn(async move {
            if let Ok(list) = api::offices().await
                && let Some(first) = list.first()
            {
                office.set(first.id.clone());
            }
        });
    }
    let code = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let birth = RwSignal::new(String::new());
    let by_phone = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<IssuedTicket>);
    let busy = RwSignal::new(false);

    // Back to the start for the next resident, in the start language, as the kiosk does: 30 s
    // after a check-in, 60 s after the last touch on a half-used screen, wiping what was typed
    // (issue 17 item 7).
    let idle = crate::shell::IdleClock::start();
    let start_lang = crate::shell::start_lang();
    let countdown = RwSignal::new(crate::shell::SHOW_RESULT_SECS);
    let scanning = RwSignal::new(false);
    let camera = StoredValue::new_local(None::<crate::device::qrscan::Camera>);
    crate::shell::every(std::time::Duration::from_secs(1), move || {
        let showing = done.with_untracked(Option::is_some);
        let idle_secs = idle.idle_secs();
        if showing {
            countdown.set(crate::shell::SHOW_RESULT_SECS.saturating_sub(idle_secs));
        }
        let at_start = !showing
            && !by_phone.get_untracked()
            && !scanning.get_untracked()
            && code.with_untracked(String::is_empty)
            && phone.with_untracked(String::is_empty)
            && birth.with_untracked(String::is_empty)
            && problem.with_untracked(Option::is_none);
        if crate::shell::lobby_should_reset(
            idle_secs,
            showing,
            at_start,
            lang.get_untracked() == start_lang,
        ) {
            camera.set_value(None);
            scanning.set(false);
            done.set(None);
            code.set(String::new());
            phone.set(String::new());
            birth.set(String::new());
            problem.set(None);
            by_phone.set(false);
            lang.set(start_lang);
            idle.restart();
        }
    });

    let send = move |req: CheckInRequest| {
        busy.set(true);
        problem.set(None);
        tasks.spawn(async move {
            match api::check_in(&office.get_untracked(), &req).await {
                Ok(ticket) => {
                    code.set(String::new());
                    phone.set(String::new());
                    birth.set(String::new());
                    idle.restart();
                    countdown.set(crate::shell::SHOW_RESULT_SECS);
                    done.set(Some(ticket));
                }
                Err(e) => problem.set(Some(refusal(&e, lang.get_untracked()))),
            }
            busy.set(false);
        });
    };
    let submit_code = move || {
        let typed = code.get_untracked();
        if typed.trim().is_empty() {
            return;
        }
        send(request_from(&typed));
    };
    let submit_phone = move || {
        send(CheckInRequest {
            phone: Some(phone.get_untracked()),
            birth_date: Some(birth.get_untracked()),
            ..CheckInRequest::default()
        });
    };
    // The camera: on while `scanning`; a frame is read every 150 ms until a code is found.
    let camera_problem = RwSignal::new(None::<String>);
    let video = NodeRef::<leptos::html::Video>::new();
    let stop_camera = move || {
        camera.set_value(None);
        scanning.set(false);
    };
    let start_camera = move || {
        if scanning.get_untracked() {
            return;
        }
        camera_problem.set(None);
        scanning.set(true);
        tasks.spawn(async move {
            // Wait for the <video> to be in the page.
            gloo_timers::future::TimeoutFuture::new(0).await;
            let Some(el) = video.get_untracked() else {
                scanning.set(false);
                return;
            };
            match crate::device::qrscan::Camera::start(el).await {
                Ok(cam) => camera.set_value(Some(cam)),
                Err(e) => {
                    web_sys::console::warn_1(&format!("camera: {e}").into());
                    camera_problem.set(Some(
                        lang.get_untracked().desk().checkin_no_camera.to_owned(),
                    ));
                    scanning.set(false);
                    return;
                }
            }
            while scanning.get_untracked() {
                let found =
                    camera.with_value(|c| c.as_ref().and_then(crate::device::qrscan::Camera::scan));
                if let Some(text) = found {
                    stop_camera();
                    send(request_from(&text));
                    return;
                }
                gloo_timers::future::TimeoutFuture::new(150).await;
            }
        });
    };
    if use_query_map()
        .get_untracked()
        .get("camera")
        .is_some_and(|v| v == "1")
    {
        start_camera();
    }
    on_cleanup(move || camera.set_value(None));
    let back = move || match office.get() {
        o if o.is_empty() => "/kiosk".to_owned(),
        o => format!("/kiosk?office={o}"),
    };

    view! {
        <main class="desk checkin">
            <header class="bar">
                <h1>{move || t().checkin_title}</h1>
                <crate::shell::LangMenu/>
            </header>
            {move || match done.get() {
                Some(issued) => view! {
                    <section class="checked-in" role="status" data-testid="checked-in">
                        <p class="label">{t().checkin_done}</p>
                        <p class="number" data-testid="checkin-number">{issued.ticket.number.to_string()}</p>
                        <p>{t().checkin_wait}</p>
                        <a class="button big" rel="external" href=back()>{t().checkin_back}</a>
                        <p class="countdown" data-testid="checkin-countdown">{move || lang.get().back_in(countdown.get())}</p>
                    </section>
                }.into_any(),
                None => view! {
                    <div class="checkin-ways">
                        <Show when=move || !by_phone.get() fallback=move || view! {
                            <form class="code-b" on:submit=move |ev| { ev.prevent_default(); submit_phone(); }>
                                <p class="pin-title">{t().checkin_phone_title}</p>
                                <div class="entry"><label for="ci-phone">{t().forms_phone}</label>
                                    <input id="ci-phone" type="tel" inputmode="tel" autocomplete="off" prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev))/></div>
                                <div class="entry"><label for="ci-birth">{t().forms_birth}</label>
                                    <input id="ci-birth" type="date" autocomplete="off" prop:value=move || birth.get() on:input=move |ev| birth.set(event_target_value(&ev))/></div>
                                <div class="card-actions">
                                    <button type="submit" class="big" disabled=move || busy.get()>{t().checkin_submit}</button>
                                    <button type="button" class="secondary" on:click=move |_| by_phone.set(false)>{t().checkin_use_code}</button>
                                </div>
                            </form>
                        }>
                            <form class="code-entry" on:submit=move |ev| { ev.prevent_default(); submit_code(); }>
                                <label for="ci-code" class="pin-title">{t().checkin_code_title}</label>
                                <p class="hint">{t().checkin_code_help}</p>
                                <input id="ci-code" class="code-input" autocomplete="off" autofocus=true maxlength="200"
                                    prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                                <div class="code-keys">
                                    {KEYS.chars().map(|k| view! {
                                        <button type="button" class="key" on:click=move |_| code.update(|c| if c.chars().count() < 6 { c.push(k) })>{k.to_string()}</button>
                                    }).collect_view()}
                                    <button type="button" class="key small" on:click=move |_| code.update(|c| { c.pop(); })>{t().card_backspace}</button>
                                </div>
                                <div class="card-actions">
                                    <button type="submit" class="big" disabled=move || busy.get() || code.with(|c| c.trim().is_empty())>{t().checkin_submit}</button>
                                    <button type="button" class="secondary" on:click=move |_| start_camera() disabled=move || scanning.get()>{t().checkin_camera}</button>
                                    <button type="button" class="secondary" on:click=move |_| by_phone.set(true)>{t().checkin_use_phone}</button>
                                </div>
                                <div class="camera" class:on=move || scanning.get() data-testid="camera">
                                    <video node_ref=video aria-label=move || t().checkin_camera_help></video>
                                    <Show when=move || scanning.get()>
                                        <p class="hint" role="status">{t().checkin_camera_help}</p>
                                        <button type="button" class="secondary" on:click=move |_| stop_camera()>{t().checkin_camera_stop}</button>
                                    </Show>
                                </div>
                                {move || camera_problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
                            </form>
                        </Show>
                        {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
                        <a class="button secondary" rel="external" href=back()>{t().checkin_back}</a>
                    </div>
                }.into_any(),
            }}
        </main>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanned_links_tokens_and_codes_are_told_apart() {
        let token = "ab".repeat(32);
        assert_eq!(
            request_from(&format!("https://mado.example.lg.jp/r#{token}")).token,
            Some(token.clone())
        );
        assert_eq!(request_from(&token).token, Some(token));
        assert_eq!(request_from(" k7mx4p ").code.as_deref(), Some("K7MX4P"));
    }
}

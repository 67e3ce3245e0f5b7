//! Booking a counter visit from `/apply` (after the guide), and `/r#TOKEN`, where the holder
//! of a booking sees it, adds it to a calendar or cancels it. The capability token lives only
//! in the link's fragment and in the QR code; it is never put in a query string or a log.

use std::collections::BTreeMap;

use leptos::prelude::*;
use mado_civil::Date;
use mado_wire::{BookRequest, Booking, Office, Reservation, ReservationStatus, SlotOffer};

use crate::api::{self, ApiError};
use crate::i18n::{Lang, use_lang};

pub(super) use crate::i18n::day_label_of;

/// `09:00` → `9:00`.
fn time_label(t: &str) -> String {
    t.strip_prefix('0').unwrap_or(t).to_owned()
}

/// Today in the browser's clock, `YYYY-MM-DD`.
fn today() -> String {
    let d = js_sys::Date::new_0();
    format!(
        "{:04}-{:02}-{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date()
    )
}

fn reservation_link(token: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}/r#{token}")
}

fn error_text(e: &ApiError, lang: Lang) -> String {
    let t = lang.desk();
    match e {
        ApiError::Refused { code, .. } if code == "slot_full" => t.book_full.to_owned(),
        ApiError::Refused { code, .. } if code == "not_bookable" => t.book_closed.to_owned(),
        ApiError::Refused { message, .. } if message.starts_with("phone") => {
            t.book_bad_phone.to_owned()
        }
        ApiError::Network(_) => t.book_network.to_owned(),
        other => format!("{} ({other})", t.book_failed),
    }
}

/// The booking's details and its QR code (shared by the receipt and `/r`).
#[component]
fn ReservationCard(
    reservation: Reservation,
    token: String,
    office: String,
    service: String,
) -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().desk();
    let link = reservation_link(&token);
    let qr = crate::device::qr::svg(&link).unwrap_or_default();
    let ics = format!("/api/reservations/{token}/ics");
    let when = format!(
        "{} {}〜{}",
        day_label_of(reservation.day, lang.get_untracked()),
        time_label(&reservation.start),
        time_label(&reservation.end)
    );
    let cancelled = reservation.status == ReservationStatus::Cancelled;
    view! {
        <div class="reservation-card" data-testid="reservation">
            <dl>
                <dt>{move || t().book_code}</dt>
                <dd class="code" data-testid="reservation-code">{reservation.code.clone()}</dd>
                <dt>{move || t().book_when}</dt>
                <dd data-testid="reservation-when">{when}</dd>
                <dt>{move || t().book_where}</dt>
                <dd>{office}" "{service}</dd>
            </dl>
            {(!cancelled).then(|| view! {
                <div class="qr" inner_html=qr></div>
                <p class="hint">{move || t().book_qr_help}</p>
                <p class="links">
                    <a class="button secondary" href=ics download="mado-reservation.ics">{move || t().book_ics}</a>
                    <a class="button secondary" href=link.clone() data-testid="reservation-link">{move || t().book_manage}</a>
                </p>
            })}
        </div>
    }
}

/// Each day of `offers` with its free places, in order (a day whose slots are all taken has 0).
fn free_by_day(offers: &[SlotOffer]) -> Vec<(Date, u32)> {
    let mut by_day: BTreeMap<Date, u32> = BTreeMap::new();
    for o in offers {
        *by_day.entry(o.day).or_default() += o.free;
    }
    by_day.into_iter().collect()
}

/// The days of a booking window as buttons with their free places; choosing one clears the
/// chosen time.
#[component]
fn DayList(
    days: Memo<Vec<(Date, u32)>>,
    day: RwSignal<Option<Date>>,
    /// The chosen time, cleared when another day is chosen (not `slot`: a Leptos keyword).
    time: RwSignal<Option<String>>,
) -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().desk();
    view! {
        <div class="day-list">
            <For each=move || days.get() key=|(d, free)| (*d, *free) let:item>
                {
                    let (d, free) = item;
                    let label = day_label_of(d, lang.get_untracked());
                    view! {
                        <button type="button" class="day" class:chosen=move || day.get() == Some(d)
                            disabled=free == 0 on:click=move |_| { day.set(Some(d)); time.set(None); }>
                            {label}<small>{move || if free == 0 { t().book_full_day.to_owned() } else { lang.get().book_free(free) }}</small>
                        </button>
                    }
                }
            </For>
        </div>
    }
}

/// The phone number and birth date a resident typed for a booking, offered again for the
/// pre-application on the same page (issue 17 item 12); never stored in the browser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BookingContact {
    pub phone: String,
    pub birth_date: String,
}

/// The demo office's service for each life event, chosen before the resident picks one (they
/// can still pick another). An office without that service starts with none chosen.
const SERVICE_FOR_EVENT: [(&str, &str); 4] = [
    ("okuyami", "okuyami"),
    ("shintai-techo", "fukushi"),
    ("hikkoshi", "jumin"),
    ("shussan", "jumin"),
];

/// The service to preselect for life event `pack` among `office`'s services.
fn preferred_service(pack: &str, office: &Office) -> Option<String> {
    let (_, id) = SERVICE_FOR_EVENT.iter().find(|(p, _)| *p == pack)?;
    office
        .services
        .iter()
        .any(|s| s.id == *id)
        .then(|| (*id).to_owned())
}

/// Booking a visit: office, service, day, time, optional phone and birth date for checking
/// in, then the receipt.
#[component]
pub fn BookVisit(
    /// The booking, once made (shared with the pre-application, which links to it).
    booked: RwSignal<Option<Booking>>,
    /// Set with what was typed once the booking is made.
    contact: RwSignal<Option<BookingContact>>,
    /// The life event (rule pack id), whose service is chosen first.
    prefer: String,
) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let t = move || lang.get().desk();
    // Nothing is asked of the relay until the resident opens the booking: the guide above
    // sends nothing to the server.
    let opened = RwSignal::new(false);
    let office = RwSignal::new(None::<Office>);
    let service = RwSignal::new(None::<String>);
    let offers = RwSignal::new(Vec::<SlotOffer>::new());
    let day = RwSignal::new(None::<Date>);
    let slot = RwSignal::new(None::<String>);
    let phone = RwSignal::new(String::new());
    let birth = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let key = StoredValue::new(crate::shell::new_idempotency_key());

    let load = move || {
        let (Some(o), Some(s)) = (office.get_untracked(), service.get_untracked()) else {
            return;
        };
        tasks.spawn(async move {
            match api::slots(&o.id, &s, &today()).await {
                Ok(list) => {
                    problem.set(None);
                    offers.set(list);
                }
                Err(e) => problem.set(Some(error_text(&e, lang.get_untracked()))),
            }
        });
    };
    let prefer = StoredValue::new(prefer);
    let open = move |_| {
        opened.set(true);
        tasks.spawn(async move {
            match api::offices().await {
                Ok(list) => {
                    let first = list.first().cloned();
                    if let Some(o) = &first
                        && service.get_untracked().is_none()
                    {
                        service.set(preferred_service(&prefer.get_value(), o));
                    }
                    office.set(first);
                    load();
                }
                Err(e) => problem.set(Some(error_text(&e, lang.get_untracked()))),
            }
        });
    };
    let days = Memo::new(move |_| offers.with(|o| free_by_day(o)));
    let submit = move |_| {
        let (Some(o), Some(s), Some(d), Some(start)) = (
            office.get_untracked(),
            service.get_untracked(),
            day.get_untracked(),
            slot.get_untracked(),
        ) else {
            return;
        };
        let (p, b) = (phone.get_untracked(), birth.get_untracked());
        let (phone_opt, birth_opt) = match (p.trim().is_empty(), b.trim().is_empty()) {
            (true, true) => (None, None),
            (false, false) => (Some(p.trim().to_owned()), Some(b)),
            _ => {
                problem.set(Some(t().book_phone_and_birth.to_owned()));
                return;
            }
        };
        let req = BookRequest {
            service: s,
            day: d.to_string(),
            start,
            phone: phone_opt,
            birth_date: birth_opt,
        };
        busy.set(true);
        let (req_phone, req_birth) = (req.phone.clone(), req.birth_date.clone());
        tasks.spawn(async move {
            let result = api::book(&o.id, &req, &key.get_value()).await;
            busy.set(false);
            match result {
                Ok(b) => {
                    problem.set(None);
                    if let (Some(p), Some(d)) = (&req_phone, &req_birth) {
                        contact.set(Some(BookingContact {
                            phone: p.clone(),
                            birth_date: d.clone(),
                        }));
                    }
                    phone.set(String::new());
                    birth.set(String::new());
                    booked.set(Some(b));
                }
                Err(e) => {
                    // A refused booking gets a new key: the next try is a new request.
                    key.set_value(crate::shell::new_idempotency_key());
                    problem.set(Some(error_text(&e, lang.get_untracked())));
                    slot.set(None);
                    load();
                }
            }
        });
    };

    view! {
        <section class="book-visit" aria-labelledby="book-title" data-testid="book-visit">
            <h2 id="book-title">{move || t().book_title}</h2>
            <p class="hint">{move || t().book_intro}</p>
            {move || match booked.get() {
                Some(b) => {
                    let o = office.get_untracked();
                    let l = lang.get();
                    let office_name = o.as_ref().map(|o| l.name(&o.name, &o.name_en, &o.names).to_owned()).unwrap_or_default();
                    let service_name = o
                        .and_then(|o| o.services.into_iter().find(|s| s.id == b.reservation.service))
                        .map(|s| l.name(&s.name, &s.name_en, &s.names).to_owned())
                        .unwrap_or_default();
                    view! {
                        <div role="status" class="done">{move || t().book_done}</div>
                        <ReservationCard reservation=b.reservation token=b.token office=office_name service=service_name/>
                    }.into_any()
                }
                None if !opened.get() => view! {
                    <button type="button" class="big" on:click=open>{move || t().book_open}</button>
                }.into_any(),
                None => view! {
                    <fieldset class="q">
                        <legend>{move || t().book_service}</legend>
                        <div class="choices">
                            {move || office.get().map(|o| o.services.into_iter().map(|s| {
                                let id = s.id.clone();
                                let id2 = s.id.clone();
                                view! {
                                    <label class="choice">
                                        <input type="radio" name="book-service" prop:checked=move || service.get().as_deref() == Some(id.as_str())
                                            on:change=move |_| { service.set(Some(id2.clone())); day.set(None); slot.set(None); load(); }/>
                                        {move || lang.get().name(&s.name, &s.name_en, &s.names).to_owned()}
                                    </label>
                                }
                            }).collect_view())}
                        </div>
                    </fieldset>
                    <Show when=move || service.get().is_some()>
                        <fieldset class="q">
                            <legend>{move || t().book_day}</legend>
                            <Show when=move || days.with(Vec::is_empty)>
                                <p class="hint">{move || t().book_no_slots}</p>
                            </Show>
                            <DayList days=days day=day time=slot/>
                        </fieldset>
                    </Show>
                    <Show when=move || day.get().is_some()>
                        <fieldset class="q">
                            <legend>{move || t().book_time}</legend>
                            <div class="slot-list">
                                {move || {
                                    let d = day.get();
                                    offers.get().into_iter().filter(|o| Some(o.day) == d).map(|o| {
                                        let start = o.start.clone();
                                        let start2 = o.start.clone();
                                        view! {
                                            <button type="button" class="slot" class:chosen=move || slot.get().as_deref() == Some(start.as_str())
                                                disabled=o.free == 0 on:click=move |_| slot.set(Some(start2.clone()))>
                                                {time_label(&o.start)}
                                            </button>
                                        }
                                    }).collect_view()
                                }}
                            </div>
                        </fieldset>
                    </Show>
                    <Show when=move || slot.get().is_some()>
                        <fieldset class="q">
                            <legend>{move || t().book_contact}</legend>
                            <p class="help">{move || t().book_contact_help}</p>
                            <div class="entry"><label for="book-phone">{move || t().forms_phone}</label>
                                <input id="book-phone" type="tel" autocomplete="tel" prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev))/></div>
                            <div class="entry"><label for="book-birth">{move || t().forms_birth}</label>
                                <input id="book-birth" type="date" autocomplete="bday" prop:value=move || birth.get() on:input=move |ev| birth.set(event_target_value(&ev))/></div>
                        </fieldset>
                        <button type="button" class="big" on:click=submit disabled=move || busy.get()>{move || t().book_submit}</button>
                    </Show>
                    {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
                }.into_any(),
            }}
        </section>
    }
}

/// 「日時を変更する」 on `/r`: the same service's free slots through its whole booking window;
/// the chosen one replaces the booking (same code and link).
#[component]
fn MoveBooking(
    token: String,
    office: String,
    service: String,
    /// The booking's day and start, which are not offered as a move.
    current: (Date, String),
    on_moved: Callback<Reservation>,
) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let t = move || lang.get().desk();
    let open = RwSignal::new(false);
    let offers = RwSignal::new(Vec::<SlotOffer>::new());
    let day = RwSignal::new(None::<Date>);
    let slot = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let token = StoredValue::new(token);
    let current = StoredValue::new(current);
    let load = move || {
        let (office, service) = (office.clone(), service.clone());
        tasks.spawn(async move {
            match api::slots(&office, &service, &today()).await {
                Ok(list) => {
                    problem.set(None);
                    offers.set(list);
                }
                Err(e) => problem.set(Some(error_text(&e, lang.get_untracked()))),
            }
        });
    };
    let days = Memo::new(move |_| offers.with(|o| free_by_day(o)));
    let submit = move |_| {
        let (Some(d), Some(start)) = (day.get_untracked(), slot.get_untracked()) else {
            return;
        };
        busy.set(true);
        tasks.spawn(async move {
            let req = mado_wire::RescheduleRequest {
                day: d.to_string(),
                start,
            };
            match api::reschedule_reservation(&token.get_value(), &req).await {
                Ok(r) => {
                    open.set(false);
                    on_moved.run(r);
                }
                Err(e) => problem.set(Some(error_text(&e, lang.get_untracked()))),
            }
            busy.set(false);
        });
    };
    view! {
        <Show when=move || open.get() fallback=move || {
            let load = load.clone();
            view! { <button type="button" class="secondary" data-testid="move-booking" on:click=move |_| { open.set(true); load(); }>{t().book_move}</button> }
        }>
            <fieldset class="q move-booking">
                <legend>{t().book_move_title}</legend>
                <DayList days=days day=day time=slot/>
                <div class="slot-list">
                    {move || {
                        let d = day.get();
                        let (cur_day, cur_start) = current.get_value();
                        offers.get().into_iter().filter(|o| Some(o.day) == d).map(|o| {
                            let (start, start2) = (o.start.clone(), o.start.clone());
                            let is_current = o.day == cur_day && o.start == cur_start;
                            view! {
                                <button type="button" class="slot" class:chosen=move || slot.get().as_deref() == Some(start.as_str())
                                    disabled=o.free == 0 || is_current on:click=move |_| slot.set(Some(start2.clone()))>
                                    {time_label(&o.start)}
                                </button>
                            }
                        }).collect_view()
                    }}
                </div>
                <button type="button" class="big" data-testid="move-submit" on:click=submit
                    disabled=move || busy.get() || slot.get().is_none()>{t().book_move_submit}</button>
                <button type="button" class="secondary" on:click=move |_| open.set(false)>{t().card_cancel}</button>
                {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
            </fieldset>
        </Show>
    }
}

/// `/r#TOKEN`: the holder's view of a booking.
#[component]
pub fn MyReservation() -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let t = move || lang.get().desk();
    let token = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_owned())
        .unwrap_or_default();
    let token = StoredValue::new(token);
    let reservation = RwSignal::new(None::<Result<Reservation, String>>);
    let office = RwSignal::new(None::<Office>);
    let confirm = RwSignal::new(false);
    let moved = RwSignal::new(false);
    tasks.spawn(async move {
        let got = api::reservation(&token.get_value()).await;
        if let Ok(r) = &got
            && let Ok(o) = api::office(&r.office).await
        {
            office.set(Some(o));
        }
        reservation.set(Some(got.map_err(|e| match e {
            ApiError::Refused { status: 404, .. } => {
                lang.get_untracked().desk().book_unknown.to_owned()
            }
            other => error_text(&other, lang.get_untracked()),
        })));
    });
    let cancel = move |_| {
        tasks.spawn(async move {
            match api::cancel_reservation(&token.get_value()).await {
                Ok(r) => reservation.set(Some(Ok(r))),
                Err(e) => reservation.set(Some(Err(error_text(&e, lang.get_untracked())))),
            }
            confirm.set(false);
        });
    };
    view! {
        <div class="desk apply">
            <header class="bar">
                <h1>{move || t().book_my_title}</h1>
                <crate::shell::LangMenu/>
            </header>
            <main class="my-reservation">
                {move || match reservation.get() {
                    None => view! { <p role="status">{t().book_loading}</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="problem" role="alert">{e}</p> }.into_any(),
                    Some(Ok(r)) => {
                        let o = office.get();
                        let l = lang.get();
                        let office_name = o.as_ref().map(|o| l.name(&o.name, &o.name_en, &o.names).to_owned()).unwrap_or_else(|| r.office.clone());
                        let service_name = o
                            .and_then(|o| o.services.into_iter().find(|s| s.id == r.service))
                            .map_or_else(|| r.service.clone(), |s| l.name(&s.name, &s.name_en, &s.names).to_owned());
                        let status = match r.status {
                            ReservationStatus::Booked => t().book_status_booked,
                            ReservationStatus::Cancelled => t().book_status_cancelled,
                            ReservationStatus::CheckedIn => t().book_status_checked_in,
                        };
                        let booked = r.status == ReservationStatus::Booked;
                        let (r_office, r_service) = (r.office.clone(), r.service.clone());
                        let (r_day, r_start) = (r.day, r.start.clone());
                        view! {
                            <p class="status-line" data-testid="reservation-status">{status}</p>
                            <Show when=move || moved.get()>
                                <p class="done" role="status" data-testid="reservation-moved">{t().book_moved}</p>
                            </Show>
                            <ReservationCard reservation=r token=token.get_value() office=office_name service=service_name/>
                            {booked.then(|| view! {
                                <MoveBooking token=token.get_value() office=r_office.clone() service=r_service.clone() current=(r_day, r_start.clone())
                                    on_moved=Callback::new(move |new: Reservation| { moved.set(true); reservation.set(Some(Ok(new))); })/>
                                <Show when=move || confirm.get() fallback=move || view! {
                                    <button type="button" class="secondary" on:click=move |_| confirm.set(true)>{t().book_cancel}</button>
                                }>
                                    <div class="last-try" role="alert">
                                        <p>{t().book_cancel_confirm}</p>
                                        <button type="button" class="big" on:click=cancel>{t().book_cancel_yes}</button>
                                        <button type="button" class="secondary" on:click=move |_| confirm.set(false)>{t().card_cancel}</button>
                                    </div>
                                </Show>
                            })}
                        }.into_any()
                    }
                }}
            </main>
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Issue 17 item 12: the life event's service is chosen first when the office has it.
    #[test]
    fn issue_17_the_life_events_service_is_chosen_first() {
        let office: Office = serde_json::from_str(
            r#"{"id":"o","name":"o","name_en":"o","counters":[],"services":[
                {"id":"jumin","prefix":"A","name":"市民課","name_en":"c","avg_service_secs":600},
                {"id":"okuyami","prefix":"E","name":"おくやみコーナー","name_en":"b","avg_service_secs":600}]}"#,
        )
        .unwrap();
        assert_eq!(
            preferred_service("okuyami", &office).as_deref(),
            Some("okuyami")
        );
        assert_eq!(
            preferred_service("hikkoshi", &office).as_deref(),
            Some("jumin")
        );
        // 身体障害者手帳 goes to 保健福祉課 (fukushi), which this office does not have.
        assert_eq!(preferred_service("shintai-techo", &office), None);
        assert_eq!(preferred_service("unknown", &office), None);
    }
}

//! `/kiosk`: the lobby ticket machine. Big buttons per service; a tap issues a walk-in
//! ticket, shown very large with the people ahead and the wait estimate, printable on a
//! receipt-size page; the screen returns to the start by itself.
//!
//! Query parameters: `office=ID`, `autoprint=1` (print each ticket at once: for kiosk
//! browsers started with silent printing), `lang=en`.

use std::time::Duration;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use mado_civil::Date;
use mado_wire::calendar::{ClosedWhy, Opening, WalkIn};
use mado_wire::{Board, IssuedTicket, Office, Service, ServiceWalkIn};

use crate::api::{self, ApiError};
use crate::device::live::Live;
use crate::i18n::use_lang;
use crate::shell::LangButtons;
use crate::shell::{lobby_problem, office_and_board, office_param, retry_until_loaded};

#[derive(Debug, Clone, PartialEq)]
enum Screen {
    Choose,
    Issuing,
    Issued(Box<IssuedTicket>),
    /// Issuing failed; retrying sends the same idempotency key, so it never issues twice.
    Failed {
        service_id: String,
        key: String,
    },
    /// The office takes tickets only at its paired kiosks, and this browser is not one.
    NotPaired,
    /// The service chosen takes no walk-in tickets now (its cut-off passed as it was chosen).
    Closed(WalkIn),
}

use crate::shell::new_idempotency_key;

/// This relay's origin (`https://mado.city.example.lg.jp`), for links in QR codes.
fn origin() -> String {
    web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default()
}

/// `2026年11月22日 10:15` in the browser's (the office's) local time.
fn local_time(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{}年{}月{}日 {:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes()
    )
}

/// Today in the kiosk's (the office's) time zone.
fn today() -> Date {
    let d = js_sys::Date::new_0();
    // The browser's local time (the office's), in whole days since 1970-01-01.
    let local_ms = d.get_time() - d.get_timezone_offset() * 60_000.0;
    Date::from_days_since_epoch((local_ms / 86_400_000.0).floor() as i64)
}

/// How often the kiosk asks whether its services take tickets (a cut-off at 16:45 shows by
/// 16:46 at the latest).
const HOURS_EVERY: Duration = Duration::from_secs(60);

/// When every service is closed: why (the service opening soonest), and when tickets start.
fn all_closed(hours: &[ServiceWalkIn]) -> Option<(ClosedWhy, Option<Opening>)> {
    let mut soonest: Option<(ClosedWhy, Option<Opening>)> = None;
    for h in hours {
        match &h.walk_in {
            WalkIn::Open { .. } => return None,
            WalkIn::Closed { why, next } => {
                let sooner = match (&soonest, next) {
                    (None, _) => true,
                    (Some((_, None)), Some(_)) => true,
                    (Some((_, Some(a))), Some(b)) => (b.day, b.at) < (a.day, a.at),
                    _ => false,
                };
                if sooner {
                    soonest = Some((why.clone(), *next));
                }
            }
        }
    }
    soonest
}

#[component]
pub fn Kiosk() -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let t = move || lang.get().texts();
    let autoprint = use_query_map()
        .get_untracked()
        .get("autoprint")
        .is_some_and(|v| v == "1");
    let office: RwSignal<Option<Result<Office, ApiError>>> = RwSignal::new(None);
    let board = RwSignal::new(Board::default());
    let screen = RwSignal::new(Screen::Choose);
    let countdown = RwSignal::new(0u32);
    let live: StoredValue<Option<Live>, LocalStorage> = StoredValue::new_local(None);
    // Whether each service takes tickets now (issue 17 item 6); empty until first asked.
    let hours: RwSignal<Vec<ServiceWalkIn>> = RwSignal::new(Vec::new());
    let refresh_hours = move |office_id: String| {
        tasks.spawn(async move {
            if let Ok(h) = api::walk_in(&office_id).await {
                let _ = hours.try_set(h);
            }
        });
    };

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
        let on_event = move |e| board.update(|b| drop(b.apply(&e, &counters)));
        live.set_value(Some(Live::connect(&o.id, after, on_event, |_| {})));
        // An unpaired kiosk of an office that takes tickets only at its kiosks says so now,
        // before a resident taps anything (issue 17 item 9).
        if let Err(ApiError::Refused { code, .. }) = api::kiosk_check(&o.id).await
            && (code == "device_required" || code == "forbidden")
        {
            screen.set(Screen::NotPaired);
        }
        if let Ok(h) = api::walk_in(&o.id).await {
            hours.set(h);
        }
        let office_id = o.id.clone();
        office.set(Some(Ok(o)));
        crate::shell::every(HOURS_EVERY, move || refresh_hours(office_id.clone()));
    });
    on_cleanup(move || live.set_value(None));

    // Back to the start for the next resident, in the start language: 30 s after a ticket,
    // 60 s after the last touch on a screen left half used (issue 17 item 7).
    let idle = crate::shell::IdleClock::start();
    let start_lang = crate::shell::start_lang();
    crate::shell::every(Duration::from_secs(1), move || {
        let current = screen.get_untracked();
        let showing = matches!(current, Screen::Issued(_));
        let idle_secs = idle.idle_secs();
        if showing {
            countdown.set(crate::shell::SHOW_RESULT_SECS.saturating_sub(idle_secs));
        }
        let at_start = matches!(
            current,
            Screen::Choose | Screen::Issuing | Screen::NotPaired
        );
        if crate::shell::lobby_should_reset(
            idle_secs,
            showing,
            at_start,
            lang.get_untracked() == start_lang,
        ) {
            if !matches!(
                current,
                Screen::NotPaired | Screen::Issuing | Screen::Choose
            ) {
                screen.set(Screen::Choose);
            }
            lang.set(start_lang);
            idle.restart();
        }
    });

    let issue = move |office_id: String, service_id: String, key: String| {
        screen.set(Screen::Issuing);
        tasks.spawn(async move {
            match api::issue_ticket(&office_id, &service_id, &key).await {
                Ok(issued) => {
                    idle.restart();
                    countdown.set(crate::shell::SHOW_RESULT_SECS);
                    screen.set(Screen::Issued(Box::new(issued)));
                    if autoprint {
                        request_animation_print();
                    }
                }
                Err(ApiError::Refused { code, .. })
                    if code == "device_required" || code == "forbidden" =>
                {
                    screen.set(Screen::NotPaired);
                }
                Err(ApiError::Closed(walk_in)) => {
                    hours.update(|h| {
                        if let Some(s) = h.iter_mut().find(|s| s.service_id == service_id) {
                            s.walk_in = walk_in.clone();
                        }
                    });
                    refresh_hours(office_id);
                    screen.set(Screen::Closed(walk_in));
                }
                Err(_) => screen.set(Screen::Failed { service_id, key }),
            }
        });
    };

    let service_of = move |id: &str| -> Option<Service> {
        office.with(|o| {
            o.as_ref()?
                .as_ref()
                .ok()?
                .services
                .iter()
                .find(|s| s.id == id)
                .cloned()
        })
    };

    view! {
        <main class="kiosk">
            <header class="bar no-print">
                <h1>{move || t().kiosk_title}</h1>
                <span class="office-name">{move || office.with(|o| match o { Some(Ok(o)) => o.name.clone(), _ => String::new() })}</span>
            </header>
            <LangButtons/>
            {move || match office.get() {
                None => view! { <p class="status" role="status">{t().loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="problem" role="alert">{lobby_problem(lang.get(), asked_for.as_deref(), &e)}</p> }.into_any(),
                Some(Ok(o)) => {
                    let office_id = o.id.clone();
                    match screen.get() {
                        Screen::Choose => view! {
                            <section class="choose" aria-labelledby="kiosk-prompt">
                                {move || hours.with(|h| all_closed(h)).map(|(why, next)| view! {
                                    <ClosedNotice why=why next=next testid="kiosk-closed"/>
                                })}
                                <h2 id="kiosk-prompt">{t().kiosk_prompt}</h2>
                                {if o.services.is_empty() {
                                    view! { <p>{t().kiosk_no_services}</p> }.into_any()
                                } else {
                                    view! {
                                        <div class="service-grid">
                                            {o.services.iter().map(|s| {
                                                let office_id = office_id.clone();
                                                let pick = Callback::new(move |service_id: String| issue(office_id.clone(), service_id, new_idempotency_key()));
                                                view! { <ServiceButton service=s.clone() board=board hours=hours on_pick=pick/> }
                                            }).collect_view()}
                                            // A button among the services, of the same weight.
                                            <a class="checkin-link" rel="external" href=format!("/checkin?office={office_id}")>{t().kiosk_checkin}</a>
                                        </div>
                                    }.into_any()
                                }}
                                {(!o.hours.is_empty()).then(|| view! {
                                    <p class="office-hours" data-testid="kiosk-hours">{move || t().kiosk_hours_label}"："{o.hours.clone()}</p>
                                })}
                            </section>
                        }.into_any(),
                        Screen::Issuing => view! { <p class="status big-status" role="status">{t().kiosk_issuing}</p> }.into_any(),
                        Screen::NotPaired => view! {
                            <div class="problem" role="alert" data-testid="not-paired">
                                <p>{t().kiosk_not_paired}</p>
                                <p class="hint">{t().kiosk_pair_hint}</p>
                                <div class="actions">
                                    <a class="button secondary" rel="external" href="/pair">{t().kiosk_pair_link}</a>
                                    <button type="button" class="big secondary" on:click=move |_| screen.set(Screen::Choose)>{t().kiosk_back}</button>
                                </div>
                            </div>
                        }.into_any(),
                        Screen::Closed(walk_in) => {
                            let (why, next) = match walk_in {
                                WalkIn::Closed { why, next } => (why, next),
                                WalkIn::Open { .. } => (ClosedWhy::NotYet, None),
                            };
                            view! {
                                <ClosedNotice why=why next=next testid="kiosk-refused-closed">
                                    <div class="actions">
                                        <button type="button" class="big secondary" on:click=move |_| screen.set(Screen::Choose)>{t().kiosk_back}</button>
                                    </div>
                                </ClosedNotice>
                            }.into_any()
                        }
                        Screen::Failed { service_id, key } => view! {
                            <div class="problem" role="alert">
                                <p>{t().kiosk_issue_failed}</p>
                                <div class="actions">
                                    <button type="button" class="big" on:click=move |_| issue(office_id.clone(), service_id.clone(), key.clone())>{t().retry}</button>
                                    <button type="button" class="big secondary" on:click=move |_| screen.set(Screen::Choose)>{t().kiosk_back}</button>
                                </div>
                            </div>
                        }.into_any(),
                        Screen::Issued(issued) => {
                            let service = service_of(&issued.ticket.service_id);
                            let service_name = move || {
                                service.as_ref().map(|s| lang.get().name(&s.name, &s.name_en, &s.names).to_owned()).unwrap_or_default()
                            };
                            let office_name = o.name.clone();
                            view! {
                                <section class="ticket" aria-live="polite">
                                    <p class="print-only print-office">{office_name}</p>
                                    <p class="label">{t().kiosk_your_number}</p>
                                    <p class="number" data-testid="ticket-number">{issued.ticket.number.to_string()}</p>
                                    <p class="service-name">{service_name}</p>
                                    <dl class="facts">
                                        <div><dt>{t().kiosk_ahead_label}</dt><dd data-testid="ahead">{lang.get().people(issued.ahead)}</dd></div>
                                        <div><dt>{t().kiosk_wait_label}</dt><dd data-testid="wait">{lang.get().wait(issued.estimated_wait_minutes)}</dd></div>
                                    </dl>
                                    <p class="hint">{t().kiosk_please_wait}</p>
                                    {issued.status_token.as_deref().and_then(|token| {
                                        let qr = crate::device::qr::svg(&format!("{}/t#{token}", origin()))?;
                                        Some(view! {
                                            <div class="follow" data-testid="ticket-follow">
                                                <div class="qr" inner_html=qr></div>
                                                <p>{t().kiosk_follow}</p>
                                            </div>
                                        })
                                    })}
                                    {issued.next_free_slot.clone().map(|slot| {
                                        let l = lang.get();
                                        let link = format!("{}/apply?office={}", origin(), issued.ticket.office_id);
                                        let qr = crate::device::qr::svg(&link).unwrap_or_default();
                                        view! {
                                            <div class="book-instead no-print" data-testid="book-instead">
                                                <p><strong>{t().kiosk_long_wait}</strong>{t().kiosk_book_instead}</p>
                                                <p class="slot" data-testid="next-free-slot">{format!("{} {}", crate::i18n::day_label_of(slot.day, l), slot.start)}</p>
                                                <div class="qr" inner_html=qr></div>
                                                <p class="hint">{t().kiosk_book_scan}</p>
                                            </div>
                                        }
                                    })}
                                    <p class="print-only print-time">{local_time(issued.ticket.issued_at_ms)}</p>
                                    <div class="actions no-print">
                                        <button type="button" class="big" on:click=move |_| print()>{t().kiosk_print}</button>
                                        <button type="button" class="big secondary" on:click=move |_| screen.set(Screen::Choose)>{t().kiosk_back}</button>
                                    </div>
                                    <p class="countdown no-print">{move || lang.get().back_in(countdown.get())}</p>
                                </section>
                            }.into_any()
                        }
                    }
                }
            }}
        </main>
    }
}

/// Why no tickets are issued now and from when: above the services when all are closed, or
/// after a tap that met a cut-off (then with a way back).
#[component]
fn ClosedNotice(
    why: ClosedWhy,
    next: Option<Opening>,
    testid: &'static str,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="closed-notice" role="status" data-testid=testid>
            <p class="why">{move || lang.get().walk_in_closed(&why)}</p>
            {next.map(|n| view! { <p class="next">{move || lang.get().walk_in_next(&n, today())}</p> })}
            {children.map(|c| c())}
        </div>
    }
}

/// One big touch button: service name, its letter and how many are waiting.
#[component]
fn ServiceButton(
    service: Service,
    board: RwSignal<Board>,
    hours: RwSignal<Vec<ServiceWalkIn>>,
    on_pick: Callback<String>,
) -> impl IntoView {
    let lang = use_lang();
    let id = service.id.clone();
    let waiting_id = service.id.clone();
    let closed_id = service.id.clone();
    // Why this service takes no tickets now, if it does not.
    let closed = Memo::new(move |_| {
        hours.with(|h| {
            h.iter()
                .find(|s| s.service_id == closed_id)
                .and_then(|s| match &s.walk_in {
                    WalkIn::Closed { why, next } => Some((why.clone(), *next)),
                    WalkIn::Open { .. } => None,
                })
        })
    });
    let Service {
        prefix,
        name,
        name_en,
        names,
        ..
    } = service;
    view! {
        <button type="button" class="service" class:closed=move || closed.with(Option::is_some)
            disabled=move || closed.with(Option::is_some) on:click=move |_| on_pick.run(id.clone())>
            <span class="prefix" aria-hidden="true">{prefix}</span>
            <span class="name">{move || lang.get().name(&name, &name_en, &names).to_owned()}</span>
            <span class="waiting">
                {move || {
                    let l = lang.get();
                    match closed.get() {
                        Some((why, next)) => l.walk_in_button(&why, next.as_ref(), today()),
                        None => format!("{} {}", l.texts().display_waiting, l.people(board.with(|b| b.waiting_for(&waiting_id)))),
                    }
                }}
            </span>
        </button>
    }
}

fn print() {
    if let Some(w) = web_sys::window() {
        let _ = w.print();
    }
}

/// Prints after the ticket has been painted.
fn request_animation_print() {
    leptos::task::spawn_local(async {
        gloo_timers::future::TimeoutFuture::new(100).await;
        print();
    });
}

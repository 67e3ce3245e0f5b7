//! `/t#TOKEN`: the resident's phone follows their ticket after scanning the QR code on the
//! kiosk's screen or printed ticket: the number, the people ahead and the wait, then which
//! counter to go to when it is called (the phone vibrates). It listens to the office's public
//! event stream and asks for the ticket again after each change, so it stays current without
//! polling; no personal data is involved.

use std::cell::Cell;
use std::rc::Rc;

use leptos::prelude::*;
use mado_wire::{IssuedTicket, Office, TicketStatus};

use crate::api::{self, ApiError};
use crate::device::live::{LinkStatus, Live};
use crate::i18n::use_lang;
use crate::shell::office_and_board;

#[component]
pub fn TicketStatusPage() -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let t = move || lang.get().texts();
    let token = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_owned())
        .unwrap_or_default();
    let state = RwSignal::new(None::<Result<IssuedTicket, ApiError>>);
    let office = RwSignal::new(None::<Office>);
    let link = RwSignal::new(LinkStatus::Connecting);
    let live = StoredValue::new_local(None::<Live>);

    // Asks for the ticket again; changes that arrive while a request is out are folded into
    // one more request after it.
    let busy = Rc::new(Cell::new(false));
    let again = Rc::new(Cell::new(false));
    let refresh = {
        let token = token.clone();
        Rc::new(move || {
            if busy.replace(true) {
                again.set(true);
                return;
            }
            let (token, busy, again) = (token.clone(), busy.clone(), again.clone());
            tasks.spawn(async move {
                loop {
                    let now = api::ticket_status(&token).await;
                    let was_called = state.with_untracked(
                        |s| matches!(s, Some(Ok(i)) if i.ticket.status == TicketStatus::Called),
                    );
                    if let Ok(i) = &now
                        && i.ticket.status == TicketStatus::Called
                        && !was_called
                        && let Some(w) = web_sys::window()
                    {
                        let _ = w.navigator().vibrate_with_duration(600);
                    }
                    state.set(Some(now));
                    if !again.replace(false) {
                        break;
                    }
                }
                busy.set(false);
            });
        })
    };

    {
        let refresh = refresh.clone();
        tasks.spawn(async move {
            let first = api::ticket_status(&token).await;
            let office_id = first.as_ref().ok().map(|i| i.ticket.office_id.clone());
            state.set(Some(first));
            let Some(office_id) = office_id else {
                return;
            };
            let Ok((o, board)) = office_and_board(Some(office_id)).await else {
                return;
            };
            let on_event = {
                let refresh = refresh.clone();
                move |_| refresh()
            };
            let on_status = move |s| {
                // Back after a break: whatever happened meanwhile, ask once.
                if s == LinkStatus::Open && link.get_untracked() == LinkStatus::Reconnecting {
                    refresh();
                }
                link.set(s);
            };
            live.set_value(Some(Live::connect(
                &o.id,
                board.last_event_id,
                on_event,
                on_status,
            )));
            office.set(Some(o));
        });
    }
    on_cleanup(move || live.set_value(None));

    view! {
        <main class="ticket-status" data-testid="ticket-status">
            <header class="bar">
                <h1>{move || lang.get().desk().ticket_title}</h1>
                <crate::shell::LangMenu/>
            </header>
            <Show when=move || link.get() == LinkStatus::Reconnecting>
                <p class="problem" role="status">{move || t().display_reconnecting}</p>
            </Show>
            {move || match state.get() {
                None => view! { <p role="status">{t().loading}</p> }.into_any(),
                Some(Err(ApiError::Refused { status: 404, .. })) => {
                    view! { <p class="problem" role="alert">{lang.get().desk().ticket_unknown}</p> }.into_any()
                }
                Some(Err(e)) => view! {
                    <p class="problem" role="alert">{format!("{} ({e})", t().relay_unreachable)}</p>
                }.into_any(),
                Some(Ok(i)) => {
                    let l = lang.get();
                    let o = office.get();
                    let service = o.as_ref().and_then(|o| o.services.iter().find(|s| s.id == i.ticket.service_id).cloned());
                    let counter = o.as_ref().and_then(|o| {
                        i.ticket.counter_id.and_then(|id| o.counters.iter().find(|c| c.id == id).cloned())
                    });
                    let (class, state_view) = match i.ticket.status {
                        TicketStatus::Waiting => ("waiting", view! {
                            <dl class="facts">
                                <div><dt>{t().kiosk_ahead_label}</dt><dd data-testid="ticket-ahead">{l.people(i.ahead)}</dd></div>
                                <div><dt>{t().kiosk_wait_label}</dt><dd>{l.wait(i.estimated_wait_minutes)}</dd></div>
                            </dl>
                            <p class="hint">{lang.get().desk().ticket_waiting}</p>
                        }.into_any()),
                        TicketStatus::Called => ("called", view! {
                            <p class="called-now" role="alert" data-testid="ticket-called">
                                <span>{lang.get().desk().ticket_called_now}</span>
                                <strong>{counter.map(|c| l.go_to(l.name(&c.label, &c.label_en, &c.names))).unwrap_or_default()}</strong>
                            </p>
                        }.into_any()),
                        TicketStatus::Done => ("done", view! { <p class="done" role="status">{lang.get().desk().ticket_done}</p> }.into_any()),
                        TicketStatus::NoShow => ("no-show", view! { <p class="problem" role="alert">{lang.get().desk().ticket_no_show}</p> }.into_any()),
                    };
                    view! {
                        <section class=format!("ticket {class}") aria-live="polite">
                            <p class="label">{o.as_ref().map(|o| l.name(&o.name, &o.name_en, &o.names).to_owned())}</p>
                            <p class="number" data-testid="ticket-number">{i.ticket.number.to_string()}</p>
                            <p class="service-name">{service.map(|s| l.name(&s.name, &s.name_en, &s.names).to_owned())}</p>
                            {state_view}
                            <p class="hint small">{lang.get().desk().ticket_live}</p>
                        </section>
                    }.into_any()
                }
            }}
        </main>
    }
}

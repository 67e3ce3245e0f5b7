//! The counter's ticket bar (issue 19 item 6): the queue and the counter as one staff flow.
//! Staff choose their counter (the same choice as `/queue`), call the next number — the visit
//! opens linked to that ticket, with the visit handed over by another counter if there is
//! one, or the pre-application sent with the booking the ticket was checked in for — and see who is coming to their counter with a handed-over visit, and why. Sending a
//! resident on (「回す」) and ending the visit are the counter's (`super`).

use leptos::prelude::*;
use mado_wire::submission::Submission;
use mado_wire::{Handover, HandoverSummary, Office, Ticket};

use crate::api::{self, ApiError};
use crate::i18n::use_lang;
use crate::shell::{load_setting, save_setting};

/// The counter this PC serves (shared with `/queue`).
pub const COUNTER_KEY: &str = "mado.counter";

/// A called ticket, with the visit handed over with it, or else the pre-application sent
/// with its booking (now 処理中).
#[derive(Debug, Clone)]
pub struct Called {
    pub ticket: Ticket,
    pub handover: Option<Handover>,
    pub pre: Option<Submission>,
}

#[component]
pub fn TicketBar(
    office: RwSignal<Option<Office>>,
    /// The counter chosen here.
    counter: RwSignal<Option<i64>>,
    /// The ticket the visit is linked to, and its number.
    ticket: RwSignal<Option<i64>>,
    number: RwSignal<Option<String>>,
    /// A number was called.
    on_called: Callback<Called>,
    /// Send the resident on to `service` with the visit (「回す」).
    on_transfer: Callback<String>,
) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let d = move || lang.get().desk();
    let t = move || lang.get().texts();
    let problem = RwSignal::new(None::<String>);
    let coming = RwSignal::new(Vec::<HandoverSummary>::new());
    let transfer_to = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    if counter.get_untracked().is_none() {
        counter.set(load_setting(COUNTER_KEY).and_then(|c| c.parse().ok()));
    }
    let say = move |e: ApiError| {
        problem.set(Some(match e {
            ApiError::Network(_) => t().relay_unreachable.to_owned(),
            ApiError::Refused { message, .. } => message,
            other => other.to_string(),
        }))
    };
    // Who is coming with a handed-over visit: asked now and every 15 seconds.
    let refresh = move || {
        let Some(o) = office.get_untracked().map(|o| o.id) else {
            return;
        };
        tasks.spawn(async move {
            if let Ok(list) = api::handovers(&o).await {
                coming.set(list);
            }
        });
    };
    Effect::new(move |_| {
        office.track();
        refresh();
    });
    crate::shell::every(std::time::Duration::from_secs(15), refresh);

    let my_services = move || {
        let c = counter.get();
        office.with(|o| {
            o.as_ref()
                .and_then(|o| o.counters.iter().find(|x| Some(x.id) == c))
                .map(|x| x.service_ids.clone())
                .unwrap_or_default()
        })
    };
    let label_of = move |id: Option<i64>| {
        office.with(|o| {
            o.as_ref()
                .and_then(|o| o.counters.iter().find(|x| Some(x.id) == id))
                .map(|x| lang.get().pick(&x.label, &x.label_en).to_owned())
                .unwrap_or_default()
        })
    };
    let call = move |_| {
        let Some(c) = counter.get_untracked() else {
            problem.set(Some(d().ticket_choose_counter_first.to_owned()));
            return;
        };
        problem.set(None);
        busy.set(true);
        tasks.spawn(async move {
            match api::call_next(c).await {
                Ok(r) => match r.called {
                    Some(ticket) => {
                        // Only a ticket the office's list names has a visit to open.
                        let office_id = office.get_untracked().map(|o| o.id).unwrap_or_default();
                        let handed = api::handovers(&office_id)
                            .await
                            .map(|l| l.iter().any(|h| h.ticket_id == ticket.id))
                            .unwrap_or(false);
                        let handover = if handed {
                            match api::handover(ticket.id).await {
                                Ok(h) => Some(h),
                                Err(e) => {
                                    say(e);
                                    None
                                }
                            }
                        } else {
                            None
                        };
                        // A booked resident who sent a pre-application: it opens with the visit.
                        let pre = if handover.is_none() && ticket.slot_start_ms.is_some() {
                            match api::open_submission(&office_id, api::OpenBy::Ticket(ticket.id))
                                .await
                            {
                                Ok(s) => Some(s),
                                Err(ApiError::Refused { status: 404, .. }) => None,
                                Err(e) => {
                                    say(e);
                                    None
                                }
                            }
                        } else {
                            None
                        };
                        on_called.run(Called {
                            ticket,
                            handover,
                            pre,
                        });
                        refresh();
                    }
                    None => problem.set(Some(d().ticket_nobody_waiting.to_owned())),
                },
                Err(e) => say(e),
            }
            busy.set(false);
        });
    };
    let recall = move |_| {
        if let Some(id) = ticket.get_untracked() {
            tasks.spawn(async move {
                if let Err(e) = api::ticket_action(id, api::TicketAction::Recall).await {
                    say(e);
                }
            });
        }
    };

    view! {
        <section class="ticket-bar" aria-label=move || d().ticket_bar>
            <label for="counter-select">{move || lang.get().staff().queue_choose_counter}</label>
            <select id="counter-select" on:change=move |e| {
                let v = event_target_value(&e);
                save_setting(COUNTER_KEY, &v);
                counter.set(v.parse().ok());
            }>
                <option value="" selected=move || counter.get().is_none()>"—"</option>
                {move || office.get().map(|o| o.counters.into_iter().map(|c| {
                    let id = c.id;
                    view! { <option value=id.to_string() selected=move || counter.get() == Some(id)>{lang.get().pick(&c.label, &c.label_en).to_owned()}</option> }
                }).collect_view())}
            </select>
            {move || match number.get() {
                None => view! {
                    <button type="button" class="call" data-testid="call-next" on:click=call disabled=move || busy.get() || counter.get().is_none()>{d().ticket_call_next}</button>
                }.into_any(),
                Some(n) => view! {
                    <span class="serving">{d().ticket_serving}" "<strong data-testid="serving">{n}</strong></span>
                    <button type="button" class="secondary" on:click=recall>{lang.get().staff().queue_recall}</button>
                    <label for="send-to" class="sr-only">{lang.get().staff().queue_transfer_to}</label>
                    <select id="send-to" on:change=move |e| transfer_to.set(event_target_value(&e))>
                        <option value="">{d().ticket_send_to}</option>
                        {office.get().map(|o| o.services.into_iter().map(|s| {
                            view! { <option value=s.id.clone()>{lang.get().pick(&s.name, &s.name_en).to_owned()}</option> }
                        }).collect_view())}
                    </select>
                    <button type="button" class="secondary" disabled=move || transfer_to.get().is_empty()
                        on:click=move |_| { let to = transfer_to.get_untracked(); transfer_to.set(String::new()); on_transfer.run(to); }>
                        {d().ticket_send}
                    </button>
                }.into_any(),
            }}
            {move || problem.get().map(|p| view! { <p class="problem" role="alert">{p}</p> })}
            {move || {
                let mine = my_services();
                let list: Vec<HandoverSummary> = coming.get().into_iter().filter(|h| h.status == mado_wire::TicketStatus::Waiting && mine.contains(&h.service_id)).collect();
                (!list.is_empty()).then(|| view! {
                    <div class="coming" data-testid="coming">
                        <h2>{d().ticket_coming}</h2>
                        <ul>{list.into_iter().map(|h| view! {
                            <li>
                                <strong>{h.number.to_string()}</strong>" "
                                {lang.get().ticket_from(&label_of(h.from_counter_id))}"　"{h.title}
                                {(!h.procedures.is_empty()).then(|| format!("（{}）", h.procedures.join("・")))}
                            </li>
                        }).collect_view()}</ul>
                    </div>
                })
            }}
        </section>
    }
}

//! `/queue` (staff): choose your counter, call the next resident, recall, mark no-show or
//! done, transfer to another service; see the waiting lines and what every counter is doing.

use std::time::Duration;

use leptos::prelude::*;
use mado_wire::{Office, QueueState, StaffMe, Ticket};

use crate::api::{self, ApiError, TicketAction};
use crate::device::live::{LinkStatus, Live};
use crate::i18n::use_lang;
use crate::shell::staff::StaffGate;
use crate::shell::{LangToggle, load_setting, save_setting};
use crate::shell::{office_param, resolve_office};

const COUNTER_KEY: &str = "mado.counter";

#[component]
pub fn Queue() -> impl IntoView {
    view! { <StaffGate view=|staff, logged_out| view! { <QueueBoard staff=staff on_logout=logged_out/> }/> }
}

#[component]
fn QueueBoard(staff: StaffMe, on_logout: Callback<()>) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let t = move || lang.get().texts();
    let office: RwSignal<Option<Result<Office, ApiError>>> = RwSignal::new(None);
    let state = RwSignal::new(QueueState::default());
    let link = RwSignal::new(LinkStatus::Connecting);
    let counter: RwSignal<Option<i64>> =
        RwSignal::new(load_setting(COUNTER_KEY).and_then(|c| c.parse().ok()));
    let problem: RwSignal<Option<String>> = RwSignal::new(None);
    let now = RwSignal::new(js_sys::Date::now() as i64);
    let live: StoredValue<Option<Live>, LocalStorage> = StoredValue::new_local(None);

    let requested = office_param();
    tasks.spawn(async move {
        let loaded = resolve_office(requested).await;
        if let Ok(o) = &loaded {
            match api::queue(&o.id).await {
                Ok(snapshot) => {
                    let after = snapshot.last_event_id;
                    state.set(QueueState::from_snapshot(&snapshot));
                    live.set_value(Some(Live::connect(
                        &o.id,
                        after,
                        move |e| {
                            state.update(|s| {
                                s.apply(&e);
                            })
                        },
                        move |s| link.set(s),
                    )));
                }
                Err(ApiError::Unauthorized) => on_logout.run(()),
                Err(e) => problem.set(Some(e.to_string())),
            }
        }
        office.set(Some(loaded));
    });
    on_cleanup(move || live.set_value(None));
    crate::shell::every(Duration::from_secs(30), move || {
        now.set(js_sys::Date::now() as i64)
    });

    let run =
        move |fut: std::pin::Pin<Box<dyn std::future::Future<Output = Result<(), ApiError>>>>| {
            problem.set(None);
            tasks.spawn(async move {
                if let Err(e) = fut.await {
                    let text = match e {
                        // The session ran out (or was ended elsewhere): log in again.
                        ApiError::Unauthorized => return on_logout.run(()),
                        ApiError::Refused { message, .. } => {
                            format!("{} ({message})", lang.get().staff().queue_action_failed)
                        }
                        ApiError::Network(_) => t().relay_unreachable.to_owned(),
                        other => format!("{} ({other})", lang.get().staff().queue_action_failed),
                    };
                    problem.set(Some(text));
                }
            });
        };
    let call_next = move |_| {
        if let Some(c) = counter.get_untracked() {
            run(Box::pin(async move { api::call_next(c).await.map(drop) }));
        }
    };
    let act = move |id: i64, action: TicketAction| {
        run(Box::pin(async move {
            api::ticket_action(id, action).await.map(drop)
        }))
    };
    let transfer_to = RwSignal::new(String::new());
    let logout = move |_| {
        tasks.spawn(async move {
            let _ = api::logout().await;
            on_logout.run(());
        });
    };

    let serving = move || {
        counter
            .get()
            .and_then(|c| state.with(|s| s.at_counter(c).cloned()))
    };

    view! {
        <main class="queue">
            <header class="bar">
                <h1>{move || lang.get().staff().queue_title}</h1>
                <span class="who">{staff.display_name.clone()}</span>
                <LangToggle/>
                <button type="button" class="secondary" on:click=logout>{move || lang.get().staff().logout}</button>
            </header>
            <Show when=move || link.get() == LinkStatus::Reconnecting>
                <p class="banner" role="status">{move || t().display_reconnecting}</p>
            </Show>
            <Show when=move || problem.get().is_some()>
                <p class="error" role="alert">{move || problem.get().unwrap_or_default()}</p>
            </Show>
            {move || match office.get() {
                None => view! { <p class="status" role="status">{t().loading}</p> }.into_any(),
                Some(Err(_)) => view! { <p class="error" role="alert">{t().relay_unreachable}</p> }.into_any(),
                Some(Ok(o)) => {
                    let counters = o.counters.clone();
                    let counters_for_table = o.counters.clone();
                    let services = o.services.clone();
                    let services_for_lists = o.services.clone();
                    let name_of = {
                        let services = o.services.clone();
                        move |id: &str| services.iter().find(|s| s.id == id).map(|s| lang.get().pick(&s.name, &s.name_en).to_owned()).unwrap_or_default()
                    };
                    let name_of_serving = name_of.clone();
                    view! {
                        <section class="my-counter" aria-labelledby="my-counter-title">
                            <h2 id="my-counter-title" class="sr-only">{lang.get().staff().queue_my_counter}</h2>
                            <label for="counter-select">{lang.get().staff().queue_choose_counter}</label>
                            <select id="counter-select" on:change=move |e| {
                                let v = event_target_value(&e);
                                save_setting(COUNTER_KEY, &v);
                                counter.set(v.parse().ok());
                            }>
                                <option value="" selected=move || counter.get().is_none()>"—"</option>
                                {counters.into_iter().map(|c| {
                                    let id = c.id;
                                    view! { <option value=id.to_string() selected=move || counter.get() == Some(id)>{move || lang.get().pick(&c.label, &c.label_en).to_owned()}</option> }
                                }).collect_view()}
                            </select>
                            <div class="serving" aria-live="polite">
                                <h3>{lang.get().staff().queue_serving}</h3>
                                {move || match serving() {
                                    None => view! { <p class="none">{lang.get().staff().queue_serving_none}</p> }.into_any(),
                                    Some(ticket) => {
                                        let id = ticket.id;
                                        let service_name = name_of_serving(&ticket.service_id);
                                        let services = services.clone();
                                        view! {
                                            <p class="number" data-testid="serving-number">{ticket.number.to_string()}</p>
                                            <p class="service-name">{service_name}</p>
                                            <div class="actions">
                                                <button type="button" on:click=move |_| act(id, TicketAction::Recall)>{lang.get().staff().queue_recall}</button>
                                                <button type="button" on:click=move |_| act(id, TicketAction::NoShow)>{lang.get().staff().queue_no_show}</button>
                                                <button type="button" on:click=move |_| act(id, TicketAction::Done)>{lang.get().staff().queue_done}</button>
                                            </div>
                                            <div class="transfer">
                                                <label for="transfer-select">{lang.get().staff().queue_transfer_to}</label>
                                                <select id="transfer-select" on:change=move |e| transfer_to.set(event_target_value(&e))>
                                                    <option value="">"—"</option>
                                                    {services.iter().filter(|s| s.id != ticket.service_id).map(|s| {
                                                        view! { <option value=s.id.clone()>{lang.get().pick(&s.name, &s.name_en).to_owned()}</option> }
                                                    }).collect_view()}
                                                </select>
                                                <button type="button" disabled=move || transfer_to.get().is_empty() on:click=move |_| {
                                                    let to = transfer_to.get_untracked();
                                                    transfer_to.set(String::new());
                                                    run(Box::pin(async move { api::transfer(id, to).await.map(drop) }));
                                                }>{lang.get().staff().queue_transfer}</button>
                                            </div>
                                        }.into_any()
                                    }
                                }}
                            </div>
                            <button type="button" class="big call-next" disabled=move || counter.get().is_none() on:click=call_next>
                                {move || lang.get().staff().queue_call_next}
                            </button>
                        </section>
                        <section class="lines" aria-labelledby="lines-title">
                            <h2 id="lines-title">{lang.get().staff().queue_waiting_lists}</h2>
                            <div class="line-grid">
                                {services_for_lists.into_iter().map(|s| {
                                    let id = s.id.clone();
                                    let waiting = move || state.with(|st| st.waiting(&id).cloned().collect::<Vec<Ticket>>());
                                    let count = waiting.clone();
                                    let empty = waiting.clone();
                                    view! {
                                        <div class="line" data-testid="line">
                                            <h3><span class="prefix">{s.prefix.clone()}</span>{move || lang.get().pick(&s.name, &s.name_en).to_owned()}
                                                <span class="count">{move || lang.get().people(count().len() as u32)}</span></h3>
                                            <Show when=move || empty().is_empty()>
                                                <p class="none">{move || lang.get().staff().queue_nobody_waiting}</p>
                                            </Show>
                                            <ol>
                                                <For each=waiting key=|t| (t.id, t.issued_at_ms) let:ticket>
                                                    <li><span class="number">{ticket.number.to_string()}</span>
                                                        <span class="waited">{move || lang.get().waited((now.get() - ticket.issued_at_ms).max(0) / 60_000)}</span></li>
                                                </For>
                                            </ol>
                                        </div>
                                    }
                                }).collect_view()}
                            </div>
                        </section>
                        <section class="counters" aria-labelledby="counters-title">
                            <h2 id="counters-title">{lang.get().staff().queue_counters}</h2>
                            <table>
                                <tbody>
                                    {counters_for_table.into_iter().map(|c| {
                                        let id = c.id;
                                        let name_of = name_of.clone();
                                        view! {
                                            <tr data-testid="counter-row">
                                                <th scope="row">{move || lang.get().pick(&c.label, &c.label_en).to_owned()}</th>
                                                <td>{move || state.with(|s| s.at_counter(id).map(|t: &Ticket| format!("{} {}", t.number, name_of(&t.service_id))))
                                                    .unwrap_or_else(|| lang.get().staff().queue_counter_idle.to_owned())}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        </section>
                    }.into_any()
                }
            }}
        </main>
    }
}

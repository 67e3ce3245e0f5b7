//! `/office`: the back office's inbox of online pre-applications. Staff filter by status,
//! date sent and code or name, open one to see everything the resident sent with its
//! history, move it to 処理中 / 完了 / 差戻し (with a note the resident sees), and export
//! what the filter shows as CSV or JSON for RPA and core systems.

mod records;
mod stats;

use leptos::prelude::*;
use mado_wire::StaffMe;
use mado_wire::submission::{StatusUpdate, Submission, SubmissionStatus, SubmissionSummary};

use crate::api::{self, ApiError};
use crate::guide;
use crate::i18n::{Lang, use_lang};
use crate::shell::LangToggle;
use crate::shell::staff::StaffGate;
use crate::shell::{office_param, resolve_office, when};

#[component]
pub fn Office() -> impl IntoView {
    view! { <StaffGate view=|staff, _| view! { <Inbox staff=staff/> }/> }
}

fn query_of(status: &str, from: &str, to: &str, q: &str) -> String {
    let enc = |s: &str| String::from(js_sys::encode_uri_component(s));
    let mut parts = Vec::new();
    for (k, v) in [("status", status), ("from", from), ("to", to), ("q", q)] {
        if !v.trim().is_empty() {
            parts.push(format!("{k}={}", enc(v.trim())));
        }
    }
    parts.join("&")
}

#[component]
fn Inbox(staff: StaffMe) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let p = move || lang.get().pre();
    let office = RwSignal::new(None::<mado_wire::Office>);
    let status = RwSignal::new(String::new());
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let q = RwSignal::new(String::new());
    let list = RwSignal::new(None::<Result<Vec<SubmissionSummary>, ApiError>>);
    let open = RwSignal::new(None::<Submission>);
    // 0: the inbox, 1: statistics, 2: counter records.
    let tab = RwSignal::new(0u8);
    let requested = StoredValue::new(office_param());

    let query = move || {
        query_of(
            &status.get_untracked(),
            &from.get_untracked(),
            &to.get_untracked(),
            &q.get_untracked(),
        )
    };
    let reload = move || {
        let query = query();
        tasks.spawn(async move {
            let result = async {
                let o = match office.get_untracked() {
                    Some(o) => o,
                    None => {
                        let o = resolve_office(requested.get_value()).await?;
                        office.set(Some(o.clone()));
                        o
                    }
                };
                api::submissions(&o.id, &query).await
            }
            .await;
            list.set(Some(result));
        });
    };
    reload();
    let show = move |id: i64| {
        tasks.spawn(async move {
            if let Ok(s) = api::submission(id).await {
                open.set(Some(s));
            }
        });
    };
    let export = move |kind: &'static str| {
        office.get().map(|o| {
            let query = query_of(&status.get(), &from.get(), &to.get(), &q.get());
            format!("/api/offices/{}/submissions/export.{kind}?{query}", o.id)
        })
    };

    view! {
        <div class="desk office">
            <header class="bar">
                <h1>{move || p().office_title}</h1>
                <span class="where">{move || office.get().map(|o| lang.get().pick(&o.name, &o.name_en).to_owned())}</span>
                <span class="who">{staff.display_name.clone()}</span>
                <LangToggle/>
            </header>
            <nav class="tabs" aria-label=move || lang.get().stats().tabs>
                <button type="button" class="tab" aria-pressed=move || (tab.get() == 0).to_string() on:click=move |_| tab.set(0)>{move || lang.get().stats().inbox}</button>
                <button type="button" class="tab" aria-pressed=move || (tab.get() == 1).to_string() on:click=move |_| tab.set(1)>{move || lang.get().stats().title}</button>
                <button type="button" class="tab" aria-pressed=move || (tab.get() == 2).to_string() on:click=move |_| tab.set(2)>{move || lang.get().desk().records_title}</button>
            </nav>
            {move || (tab.get() == 1).then(|| office.get().map(|o| view! { <stats::Stats office=o/> }))}
            {move || (tab.get() == 2).then(|| office.get().map(|o| view! { <records::Records office=o/> }))}
            <Show when=move || tab.get() == 0>
            <form class="filters" on:submit=move |ev| { ev.prevent_default(); reload(); }>
                <label>{move || p().status}
                    <select prop:value=move || status.get() on:change=move |ev| { status.set(event_target_value(&ev)); reload(); }>
                        <option value="">{move || p().all}</option>
                        {SubmissionStatus::ALL.into_iter().map(|s| view! {
                            <option value=s.as_str()>{move || lang.get().status_label(s)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || p().from}<input type="date" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/></label>
                <label>{move || p().to}<input type="date" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/></label>
                <label class="grow">{move || p().search}<input type="search" prop:value=move || q.get() on:input=move |ev| q.set(event_target_value(&ev))/></label>
                <button type="submit">{move || p().search_button}</button>
                <span class="exports">
                    <a class="button secondary" rel="external" download="" href=move || export("csv") data-testid="export-csv">{move || p().export_csv}</a>
                    <a class="button secondary" rel="external" download="" href=move || export("json")>{move || p().export_json}</a>
                </span>
            </form>
            {move || match list.get() {
                None => view! { <p role="status">{lang.get().texts().loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="problem" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(rows)) if rows.is_empty() => view! { <p class="hint">{p().empty}</p> }.into_any(),
                Some(Ok(rows)) => {
                    let l = lang.get();
                    let n = rows.len();
                    view! {
                        <p class="count" role="status">{format!("{n}{}", p().count_suffix)}</p>
                        <table class="inbox" data-testid="inbox">
                            <thead><tr>
                                <th>{p().col_code}</th><th>{p().col_received}</th><th>{p().col_name}</th>
                                <th>{p().col_event}</th><th>{p().status}</th><th>{p().col_visit}</th>
                            </tr></thead>
                            <tbody>
                                {rows.into_iter().map(|r| {
                                    let id = r.id;
                                    view! {
                                        <tr>
                                            <td><button type="button" class="link code" on:click=move |_| show(id)>{r.code.clone()}</button></td>
                                            <td>{when(r.created_at_ms, l)}</td>
                                            <td>{r.name.clone()}</td>
                                            <td>{guide::event_title(&r.pack, &r.city)}</td>
                                            <td><span class=format!("badge status-{}", r.status.as_str())>{l.status_label(r.status)}</span></td>
                                            <td>{r.visit.clone().unwrap_or_default()}</td>
                                        </tr>
                                    }
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }
            }}
            {move || open.get().map(|s| view! {
                <Detail submission=s on_close=Callback::new(move |()| open.set(None))
                    on_change=Callback::new(move |s: Submission| { open.set(Some(s)); reload(); })/>
            })}
            </Show>
        </div>
    }
}

/// A text picked by language.
type Label = fn(Lang) -> &'static str;

#[component]
fn Detail(
    submission: Submission,
    on_close: Callback<()>,
    on_change: Callback<Submission>,
) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let p = move || lang.get().pre();
    let d = move || lang.get().desk();
    let l = lang.get_untracked();
    let note = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let id = submission.id;
    let current = submission.status;
    let change = move |next: SubmissionStatus| {
        let update = StatusUpdate {
            status: next,
            note: note.get_untracked(),
        };
        tasks.spawn(async move {
            match api::set_submission_status(id, &update).await {
                Ok(s) => {
                    problem.set(None);
                    note.set(String::new());
                    on_change.run(s);
                }
                Err(ApiError::Refused { message, .. }) => problem.set(Some(message)),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let a = submission.submission.applicant.clone();
    let sex = match (a.sex.as_str(), l) {
        ("male", _) => d().forms_male,
        ("female", _) => d().forms_female,
        _ => "",
    };
    let actions: Vec<(SubmissionStatus, Label)> = SubmissionStatus::ALL
        .into_iter()
        .filter(|n| current.may_become(*n))
        .map(|n| {
            let label: Label = match (current, n) {
                (_, SubmissionStatus::Completed) => |l| l.pre().complete,
                (_, SubmissionStatus::Returned) => |l| l.pre().send_back,
                (SubmissionStatus::Received, _) => |l| l.pre().to_progress,
                _ => |l| l.pre().reopen,
            };
            (n, label)
        })
        .collect();
    view! {
        <section class="detail" aria-labelledby="detail-title" data-testid="detail">
            <header>
                <h2 id="detail-title">{p().col_code}" "{submission.code.clone()}</h2>
                <span class=format!("badge status-{}", current.as_str()) data-testid="detail-status">{l.status_label(current)}</span>
                <button type="button" class="secondary" on:click=move |_| on_close.run(())>{move || p().close}</button>
            </header>
            <div class="detail-grid">
                <dl>
                    <dt>{p().col_event}</dt><dd>{guide::event_title(&submission.submission.pack, &submission.submission.city)}</dd>
                    <dt>{p().col_received}</dt><dd>{when(submission.created_at_ms, l)}</dd>
                    <dt>{d().forms_name}</dt><dd>{a.name.clone()}</dd>
                    <dt>{d().forms_kana}</dt><dd>{a.kana.clone()}</dd>
                    <dt>{d().forms_birth}</dt><dd>{a.birth_date.clone()}</dd>
                    <dt>{d().forms_sex}</dt><dd>{sex}</dd>
                    <dt>{p().postal}</dt><dd>{a.postal_code.clone()}</dd>
                    <dt>{d().forms_address}</dt><dd>{a.address.clone()}</dd>
                    <dt>{d().forms_phone}</dt><dd>{a.phone.clone()}</dd>
                    <dt>{p().col_visit}</dt><dd>{submission.visit.clone().unwrap_or_default()}</dd>
                    <dt>{p().resident_note}</dt><dd>{submission.submission.note.clone()}</dd>
                </dl>
                <div>
                    <h3>{p().procedures}</h3>
                    <ul class="pre-procedures">
                        {submission.submission.procedures.iter().map(|pr| view! { <li>{pr.name.clone()}</li> }).collect_view()}
                    </ul>
                    <h3>{p().history}</h3>
                    <ol class="history">
                        {submission.history.iter().map(|h| view! {
                            <li>
                                <time>{when(h.at_ms, l)}</time>" "{l.status_label(h.status)}
                                {h.by.clone().map(|b| format!("（{b}）"))}
                                {(!h.note.is_empty()).then(|| view! { <q>{h.note.clone()}</q> })}
                            </li>
                        }).collect_view()}
                    </ol>
                </div>
            </div>
            <div class="actions">
                <label for="status-note">{move || p().staff_note}</label>
                <textarea id="status-note" rows="2" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                <div class="buttons">
                    {actions.into_iter().map(|(next, label)| view! {
                        <button type="button" class=if next == SubmissionStatus::Returned { "secondary" } else { "" }
                            on:click=move |_| change(next)>{move || label(lang.get())}</button>
                    }).collect_view()}
                </div>
                {move || problem.get().map(|m| view! { <p class="problem" role="alert">{m}</p> })}
            </div>
        </section>
    }
}

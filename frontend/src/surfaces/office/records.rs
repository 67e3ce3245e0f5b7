//! `/office` 窓口の記録 (issue 19 item 8): the counter records of a span of days, by counter and
//! life event; per day the visits, the forms printed, the fields left for the hand per visit and
//! the minutes per visit (`mado_visit::report`); one record opened with its procedures and marks;
//! the list as CSV.

use leptos::prelude::*;
use mado_wire::{GuideRecord, Office};

use crate::api;
use crate::i18n::use_lang;

fn today() -> String {
    crate::guide::today().to_string()
}

/// The CSV offered as a download (a blob URL).
fn csv_url(text: &str) -> Option<String> {
    let parts = js_sys::Array::of1(&wasm_bindgen::JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

#[component]
pub fn Records(office: Office) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let d = move || lang.get().desk();
    let from = RwSignal::new(today());
    let to = RwSignal::new(today());
    let counter = RwSignal::new(String::new());
    let pack = RwSignal::new(String::new());
    let list = RwSignal::new(None::<Result<Vec<GuideRecord>, String>>);
    let open = RwSignal::new(None::<GuideRecord>);
    let office = StoredValue::new(office);
    let load = move || {
        let mut q = format!(
            "limit=500&from={}&to={}",
            from.get_untracked(),
            to.get_untracked()
        );
        if !counter.get_untracked().is_empty() {
            q.push_str(&format!("&counter={}", counter.get_untracked()));
        }
        if !pack.get_untracked().is_empty() {
            q.push_str(&format!("&pack={}", pack.get_untracked()));
        }
        let id = office.with_value(|o| o.id.clone());
        tasks.spawn(async move {
            list.set(Some(
                api::guide_records(&id, &q).await.map_err(|e| e.to_string()),
            ));
        });
    };
    load();
    let counter_label = move |id: Option<i64>| {
        office.with_value(|o| {
            o.counters
                .iter()
                .find(|c| Some(c.id) == id)
                .map(|c| lang.get_untracked().pick(&c.label, &c.label_en).to_owned())
                .unwrap_or_default()
        })
    };
    let title = |pack: &str, city: &str| crate::guide::event_title(pack, city);
    let csv = move || {
        list.with(|l| match l {
            Some(Ok(rs)) => csv_url(&mado_visit::report::csv(rs, counter_label, title)),
            _ => None,
        })
    };
    let packs = crate::guide::bundle()
        .map(|b| {
            b.packs
                .iter()
                .map(|p| (p.id.clone(), p.title.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();

    view! {
        <section class="records" aria-labelledby="records-title">
            <h2 id="records-title">{move || d().records_title}</h2>
            <form class="filters" on:submit=move |ev| { ev.prevent_default(); load(); }>
                <label>{move || d().records_from}<input type="date" prop:value=move || from.get() on:change=move |ev| { from.set(event_target_value(&ev)); load(); }/></label>
                <label>{move || d().records_to}<input type="date" prop:value=move || to.get() on:change=move |ev| { to.set(event_target_value(&ev)); load(); }/></label>
                <label>{move || d().records_counter}
                    <select id="records-counter" on:change=move |ev| { counter.set(event_target_value(&ev)); load(); }>
                        <option value="">{move || d().records_all}</option>
                        {office.with_value(|o| o.counters.clone()).into_iter().map(|c| view! { <option value=c.id.to_string()>{c.label.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label>{move || d().records_event}
                    <select id="records-event" on:change=move |ev| { pack.set(event_target_value(&ev)); load(); }>
                        <option value="">{move || d().records_all}</option>
                        {packs.into_iter().map(|(id, t)| view! { <option value=id>{t}</option> }).collect_view()}
                    </select>
                </label>
                {move || csv().map(|u| view! { <a class="button secondary" href=u download="mado-counter-records.csv">{d().records_csv}</a> })}
            </form>
            {move || match list.get() {
                None => view! { <p role="status">{lang.get().texts().loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="problem" role="alert">{e}</p> }.into_any(),
                Some(Ok(rs)) => {
                    let days = mado_visit::report::daily(&rs);
                    let one = |x: Option<f64>| x.map(|v| format!("{v:.1}")).unwrap_or_else(|| "—".into());
                    view! {
                        <table class="days" data-testid="records-days">
                            <thead><tr>
                                <th>{d().records_day}</th><th>{d().records_visits}</th><th>{d().records_forms}</th>
                                <th>{d().records_hand}</th><th>{d().records_minutes}</th>
                            </tr></thead>
                            <tbody>{days.into_iter().map(|day| view! {
                                <tr>
                                    <td>{day.day.wareki_with_weekday()}</td><td>{day.visits}</td><td>{day.forms_printed}</td>
                                    <td>{one(day.hand_per_visit)}</td><td>{one(day.minutes_per_visit)}</td>
                                </tr>
                            }).collect_view()}</tbody>
                        </table>
                        <table class="list" data-testid="records-list">
                            <thead><tr>
                                <th>{d().records_time}</th><th>{d().records_counter}</th><th>{d().records_event}</th>
                                <th>{d().records_forms}</th><th>{d().records_hand}</th><th>{d().records_minutes}</th><th></th>
                            </tr></thead>
                            <tbody>{rs.into_iter().map(|r| {
                                let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(r.created_at_ms as f64));
                                let time = format!("{}:{:02}", at.get_hours(), at.get_minutes());
                                let event = title(&r.record.pack, &r.record.city);
                                let mins = mado_visit::report::minutes(&r).map(|m| format!("{m:.0}")).unwrap_or_default();
                                let hand = r.record.hand_fields.map(|n| n.to_string()).unwrap_or_default();
                                let forms = r.record.printed_forms.len();
                                let counter = counter_label(r.record.counter_id);
                                view! {
                                    <tr>
                                        <td>{time}</td><td>{counter}</td><td>{event}</td><td>{forms}</td><td>{hand}</td><td>{mins}</td>
                                        <td><button type="button" class="link" on:click=move |_| open.set(Some(r.clone()))>{d().records_open}</button></td>
                                    </tr>
                                }
                            }).collect_view()}</tbody>
                        </table>
                    }.into_any()
                }
            }}
            {move || open.get().map(|r| {
                let event = title(&r.record.pack, &r.record.city);
                view! {
                    <div class="record-detail" role="dialog" aria-label=move || d().records_open data-testid="record-detail">
                        <h3>{format!("No.{} {event}", r.id)}</h3>
                        <p>{format!("{}　{}　{}", counter_label(r.record.counter_id), r.staff, r.record.printed_for)}</p>
                        <ul>{r.record.procedures.iter().filter(|p| p.mark.is_some() || p.status != mado_wire::GuideStatus::NotApplicable).map(|p| {
                            let mark = p.mark.map(|m| match m {
                                mado_wire::GuideMark::Today => mado_visit::Mark::Today.ja(),
                                mado_wire::GuideMark::Later => mado_visit::Mark::Later.ja(),
                                mado_wire::GuideMark::Informed => mado_visit::Mark::Informed.ja(),
                            }).unwrap_or_default();
                            view! { <li>{p.name.clone()}" "<strong>{mark}</strong></li> }
                        }).collect_view()}</ul>
                        <button type="button" class="secondary" on:click=move |_| open.set(None)>{d().records_close}</button>
                    </div>
                }
            })}
        </section>
    }
}

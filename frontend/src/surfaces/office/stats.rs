//! `/office`'s statistics: for each service, the mean wait (issue to call) and service time
//! (call to done) per hour of the day as bar charts with the 90th percentile marked, and the
//! pre-applications per life event and status. Drawn as inline SVG: no chart library.

use leptos::prelude::*;
use mado_wire::Office;
use mado_wire::stats::{HourStats, Minutes, OfficeStats};
use mado_wire::submission::SubmissionStatus;

use crate::api::{self, ApiError};
use crate::i18n::use_lang;

/// Hours drawn: the usual opening hours, widened to any hour with data.
fn hour_range(hours: &[HourStats]) -> (u8, u8) {
    let lo = hours.iter().map(|h| h.hour).min().unwrap_or(8).min(8);
    let hi = hours.iter().map(|h| h.hour).max().unwrap_or(17).max(17);
    (lo, hi)
}

/// A bar chart of minutes per hour: bars are means, ticks the 90th percentiles.
#[component]
fn Bars(
    title: String,
    points: Vec<(u8, Option<Minutes>)>,
    lo: u8,
    hi: u8,
    #[prop(into)] class: String,
) -> impl IntoView {
    const W: f64 = 360.0;
    const H: f64 = 130.0;
    const TOP: f64 = 14.0;
    const BOTTOM: f64 = 20.0;
    const LEFT: f64 = 30.0;
    let slots = f64::from(hi - lo + 1);
    let max = points
        .iter()
        .filter_map(|(_, m)| m.map(|m| m.p90.max(m.mean)))
        .fold(0.0_f64, f64::max)
        .max(5.0);
    let max = (max / 5.0).ceil() * 5.0;
    let slot_w = (W - LEFT) / slots;
    let y = move |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - v / max);
    let label = points
        .iter()
        .filter_map(|(h, m)| m.map(|m| format!("{h}時 平均{:.0}分", m.mean)))
        .collect::<Vec<_>>()
        .join("、");
    let aria = format!("{title}: {label}");
    view! {
        <figure class=format!("chart {class}")>
            <figcaption>{title}</figcaption>
            <svg viewBox=format!("0 0 {W} {H}") role="img" aria-label=aria>
                <line x1=LEFT y1=y(0.0) x2=W y2=y(0.0) class="axis"/>
                <text x=LEFT - 4.0 y=y(max) + 4.0 text-anchor="end" class="tick">{format!("{max:.0}")}</text>
                <text x=LEFT - 4.0 y=y(0.0) text-anchor="end" class="tick">"0"</text>
                {(lo..=hi).map(|h| {
                    let x = LEFT + f64::from(h - lo) * slot_w;
                    let m = points.iter().find(|(ph, _)| *ph == h).and_then(|(_, m)| *m);
                    view! {
                        <text x=x + slot_w / 2.0 y=H - 5.0 text-anchor="middle" class="tick">{h}</text>
                        {m.map(|m| view! {
                            <rect x=x + slot_w * 0.18 y=y(m.mean) width=slot_w * 0.64 height=(y(0.0) - y(m.mean)).max(0.5) class="bar">
                                <title>{format!("{h}時台: 平均 {:.1}分 / 90% {:.0}分（{}件）", m.mean, m.p90, m.count)}</title>
                            </rect>
                            <line x1=x + slot_w * 0.1 x2=x + slot_w * 0.9 y1=y(m.p90) y2=y(m.p90) class="p90"/>
                        })}
                    }
                }).collect_view()}
            </svg>
        </figure>
    }
}

fn seven_days_ago_and_today() -> (String, String) {
    let fmt = |ms: f64| {
        let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms));
        format!(
            "{:04}-{:02}-{:02}",
            d.get_full_year(),
            d.get_month() + 1,
            d.get_date()
        )
    };
    let now = js_sys::Date::now();
    (fmt(now - 6.0 * 86_400_000.0), fmt(now))
}

#[component]
pub fn Stats(office: Office) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let s = move || lang.get().stats();
    let (week_ago, today) = seven_days_ago_and_today();
    let from = RwSignal::new(week_ago);
    let to = RwSignal::new(today);
    let data = RwSignal::new(None::<Result<OfficeStats, ApiError>>);
    let office = StoredValue::new(office);
    let load = move || {
        let (f, t) = (from.get_untracked(), to.get_untracked());
        tasks.spawn(async move {
            data.set(Some(
                api::office_stats(&office.get_value().id, &f, &t).await,
            ));
        });
    };
    load();
    view! {
        <section class="stats" aria-labelledby="stats-title" data-testid="stats">
            <h2 id="stats-title">{move || s().title}</h2>
            <form class="filters" on:submit=move |ev| { ev.prevent_default(); load(); }>
                <label>{move || s().from}<input type="date" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/></label>
                <label>{move || s().to}<input type="date" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/></label>
                <button type="submit">{move || s().show}</button>
            </form>
            <p class="hint">{move || s().legend}</p>
            {move || match data.get() {
                None => view! { <p role="status">{lang.get().texts().loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="problem" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(st)) => {
                    let l = lang.get();
                    let (lo, hi) = hour_range(&st.hours);
                    let o = office.get_value();
                    let charts = o.services.iter().filter(|svc| st.hours.iter().any(|h| h.service_id == svc.id)).map(|svc| {
                        let of = |f: fn(&HourStats) -> Option<Minutes>| st.hours.iter().filter(|h| h.service_id == svc.id).map(|h| (h.hour, f(h))).collect::<Vec<_>>();
                        let name = l.pick(&svc.name, &svc.name_en).to_owned();
                        view! {
                            <div class="service-charts">
                                <h3>{name.clone()}</h3>
                                <Bars title=format!("{} {}", name, l.stats().wait) points=of(|h| h.wait) lo=lo hi=hi class="wait"/>
                                <Bars title=format!("{} {}", name, l.stats().service) points=of(|h| h.service) lo=lo hi=hi class="service"/>
                            </div>
                        }
                    }).collect_view();
                    let empty = st.hours.is_empty();
                    view! {
                        {empty.then(|| view! { <p class="hint">{l.stats().no_tickets}</p> })}
                        <div class="chart-grid">{charts}</div>
                        <h3>{l.stats().submissions}</h3>
                        {if st.submissions.is_empty() {
                            view! { <p class="hint">{l.stats().no_submissions}</p> }.into_any()
                        } else {
                            view! {
                                <table class="inbox submission-counts">
                                    <thead><tr><th>{l.pre().col_event}</th>
                                        {SubmissionStatus::ALL.iter().map(|s| view! { <th>{l.status_label(*s)}</th> }).collect_view()}
                                    </tr></thead>
                                    <tbody>
                                        {let mut packs: Vec<String> = st.submissions.iter().map(|c| c.pack.clone()).collect();
                                        packs.dedup();
                                        packs.into_iter().map(|p| view! {
                                            <tr><td>{crate::guide::pack_title(&p)}</td>
                                                {SubmissionStatus::ALL.iter().map(|s| {
                                                    let n: u64 = st.submissions.iter().filter(|c| c.pack == p && c.status == *s).map(|c| c.count).sum();
                                                    view! { <td class="num">{n}</td> }
                                                }).collect_view()}
                                            </tr>
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            }.into_any()
                        }}
                    }.into_any()
                }
            }}
        </section>
    }
}

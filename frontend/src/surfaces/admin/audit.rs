//! The audit trail in `/admin#audit`: entries of a span of days, filtered by staff member and
//! action, newest first, and the same as CSV. What is recorded and kept is the relay's
//! (`relay/src/http/audit.rs`); this page only reads it.

use leptos::prelude::*;
use mado_wire::audit::{AuditAction, AuditEntry};

use crate::api::{self, ApiError};
use crate::i18n::{Base, Lang, use_lang};

/// The filter as a URL query.
fn query_of(from: &str, to: &str, staff: &str, action: &str) -> String {
    [
        ("from", from),
        ("to", to),
        ("staff", staff),
        ("action", action),
    ]
    .into_iter()
    .filter(|(_, v)| !v.is_empty())
    .map(|(k, v)| format!("{k}={}", js_sys::encode_uri_component(v)))
    .collect::<Vec<_>>()
    .join("&")
}

/// `submission:12` as staff read it: 「事前申請 12」.
fn target(t: &str, lang: Lang) -> String {
    let a = lang.admin();
    match t.split_once(':') {
        Some(("submission", id)) => format!("{} {id}", a.audit_target_submission),
        Some(("staff", id)) => format!("{} {id}", a.audit_target_staff),
        Some(("device", id)) => format!("{} {id}", a.audit_target_device),
        _ => t.to_owned(),
    }
}

fn action_label(action: AuditAction, lang: Lang) -> &'static str {
    match lang.base() {
        Base::Ja => action.label_ja(),
        Base::En => action.label_en(),
    }
}

/// `ms` as the browser's local date and time to the second.
fn when(ms: i64) -> String {
    let d = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(ms as f64));
    format!(
        "{}-{:02}-{:02} {:02}:{:02}:{:02}",
        d.get_full_year(),
        d.get_month() + 1,
        d.get_date(),
        d.get_hours(),
        d.get_minutes(),
        d.get_seconds()
    )
}

#[component]
pub fn AuditPanel() -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let a = move || lang.get().admin();
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let staff = RwSignal::new(String::new());
    let action = RwSignal::new(String::new());
    let list = RwSignal::new(None::<Result<Vec<AuditEntry>, ApiError>>);
    let accounts = RwSignal::new(Vec::<mado_wire::admin::StaffAccount>::new());
    let offices = RwSignal::new(Vec::<mado_wire::Office>::new());
    tasks.spawn(async move {
        if let Ok(all) = api::staff_accounts().await {
            accounts.set(all);
        }
        if let Ok(all) = api::offices().await {
            offices.set(all);
        }
    });
    // An office by its name, as staff know it (its id if it is gone).
    let office_name = move |id: &str, lang: Lang| {
        offices.with(|all| {
            all.iter().find(|o| o.id == id).map_or_else(
                || id.to_owned(),
                |o| lang.pick(&o.name, &o.name_en).to_owned(),
            )
        })
    };
    let query = move || {
        query_of(
            &from.get_untracked(),
            &to.get_untracked(),
            &staff.get_untracked(),
            &action.get_untracked(),
        )
    };
    let load = move || {
        let q = query();
        tasks.spawn(async move { list.set(Some(api::audit(&q).await)) });
    };
    load();
    let csv = move || {
        let q = query_of(&from.get(), &to.get(), &staff.get(), &action.get());
        format!("/api/audit/export.csv?{q}")
    };
    view! {
        <section class="audit" aria-labelledby="audit-title">
            <h2 id="audit-title">{move || a().audit_section}</h2>
            <p class="hint">{move || a().audit_help}</p>
            <form class="filters" on:submit=move |ev| { ev.prevent_default(); load(); }>
                <label>{move || a().audit_from}<input type="date" prop:value=move || from.get() on:change=move |ev| { from.set(event_target_value(&ev)); load(); }/></label>
                <label>{move || a().audit_to}<input type="date" prop:value=move || to.get() on:change=move |ev| { to.set(event_target_value(&ev)); load(); }/></label>
                <label>{move || a().audit_staff}
                    <select id="audit-staff" on:change=move |ev| { staff.set(event_target_value(&ev)); load(); }>
                        <option value="">{move || a().audit_all}</option>
                        {move || accounts.get().into_iter().map(|s| view! {
                            <option value=s.id.to_string()>{format!("{}（{}）", s.display_name, s.login)}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label>{move || a().audit_action}
                    <select id="audit-action" on:change=move |ev| { action.set(event_target_value(&ev)); load(); }>
                        <option value="">{move || a().audit_all}</option>
                        {AuditAction::ALL.into_iter().map(|x| view! {
                            <option value=x.as_str()>{move || action_label(x, lang.get())}</option>
                        }).collect_view()}
                    </select>
                </label>
                <button type="submit" class="secondary">{move || a().audit_show}</button>
                <a class="button secondary" href=csv download="mado-audit.csv">{move || a().audit_csv}</a>
            </form>
            {move || match list.get() {
                None => view! { <p role="status">{lang.get().texts().loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="problem" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(entries)) if entries.is_empty() => view! { <p role="status">{a().audit_none}</p> }.into_any(),
                Some(Ok(entries)) => {
                    let l = lang.get();
                    view! {
                        <p class="count" role="status">{l.audit_count(entries.len())}</p>
                        <table class="list" data-testid="audit-list">
                            <thead><tr>
                                <th>{a().audit_col_time}</th><th>{a().audit_col_action}</th><th>{a().audit_col_staff}</th>
                                <th>{a().audit_col_office}</th><th>{a().audit_col_target}</th><th>{a().audit_col_detail}</th>
                            </tr></thead>
                            <tbody>{entries.into_iter().map(|e| {
                                let who = match (&e.staff_login, e.staff_id) {
                                    (Some(login), _) => login.clone(),
                                    (None, Some(id)) => format!("#{id}"),
                                    (None, None) => a().audit_unknown_staff.to_owned(),
                                };
                                let failed = matches!(e.action, AuditAction::LoginFailed | AuditAction::LoginLocked);
                                view! {
                                    <tr class:failed=failed>
                                        <td>{when(e.at_ms)}</td>
                                        <td>{action_label(e.action, l)}</td>
                                        <td>{who}</td>
                                        <td>{e.office_id.as_deref().map(|o| office_name(o, l)).unwrap_or_default()}</td>
                                        <td>{target(&e.target, l)}</td>
                                        <td>{e.detail.clone()}</td>
                                    </tr>
                                }
                            }).collect_view()}</tbody>
                        </table>
                    }.into_any()
                }
            }}
        </section>
    }
}

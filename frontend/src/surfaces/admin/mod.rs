//! `/admin` (administrators), in four tabs: the office's counters, services and hours
//! (`settings.rs`), staff accounts (`staff.rs`), kiosks and displays — add
//! one and get its pairing code, see which are paired and when they were last seen, revoke
//! one — and the audit trail (`audit.rs`). The device side, where the code is typed once, is `/pair` (`surfaces/pair.rs`).

mod audit;
mod settings;
mod staff;
mod unsaved;

use leptos::prelude::*;
use mado_wire::StaffMe;
use mado_wire::device::{Device, DeviceKind, KioskPolicy, NewDevice, PairingCode};

use crate::api::{self, ApiError};
use crate::i18n::{Lang, use_lang};
use crate::shell::LangToggle;
use crate::shell::staff::StaffGate;
use crate::shell::{office_param, resolve_office, when};

#[component]
pub fn Admin() -> impl IntoView {
    view! { <StaffGate admin_only=true view=|staff, _| view! { <AdminTabs staff=staff/> }/> }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Settings,
    Staff,
    Devices,
    Audit,
}

impl Tab {
    fn hash(self) -> &'static str {
        match self {
            Tab::Settings => "#settings",
            Tab::Staff => "#staff",
            Tab::Devices => "#devices",
            Tab::Audit => "#audit",
        }
    }

    fn from_hash(hash: &str) -> Self {
        [Tab::Staff, Tab::Devices, Tab::Audit]
            .into_iter()
            .find(|t| t.hash() == hash)
            .unwrap_or(Tab::Settings)
    }
}

#[component]
fn AdminTabs(staff: StaffMe) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let a = move || lang.get().admin();
    let unsaved = RwSignal::new(false);
    unsaved::provide(unsaved);
    let office = RwSignal::new(None::<Result<mado_wire::Office, ApiError>>);
    let requested = office_param();
    tasks.spawn(async move { office.set(Some(resolve_office(requested).await)) });
    // The tab is kept in the address (`/admin#staff`), so a reload stays on it.
    let tab = RwSignal::new(Tab::from_hash(
        &web_sys::window()
            .and_then(|w| w.location().hash().ok())
            .unwrap_or_default(),
    ));
    let tab_button = move |t: Tab, label: fn(Lang) -> &'static str| {
        view! {
            <button type="button" class="tab" aria-pressed=move || (tab.get() == t).to_string()
                on:click=move |_| {
                    if tab.get_untracked() == t {
                        return;
                    }
                    if unsaved.get_untracked() {
                        let leave = web_sys::window()
                            .and_then(|w| w.confirm_with_message(lang.get_untracked().admin().leave_unsaved).ok())
                            .unwrap_or(false);
                        if !leave {
                            return;
                        }
                        unsaved.set(false);
                    }
                    tab.set(t);
                    if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
                        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(t.hash()));
                    }
                }>{move || label(lang.get())}</button>
        }
    };
    let me = staff.login.clone();
    view! {
        <div class="desk admin">
            <header class="bar">
                <h1>{move || a().title}</h1>
                <span class="where">{move || office.get().and_then(Result::ok).map(|o| lang.get().pick(&o.name, &o.name_en).to_owned())}</span>
                <span class="who">{staff.display_name.clone()}</span>
                <LangToggle/>
            </header>
            <nav class="tabs" aria-label=move || a().title>
                {tab_button(Tab::Settings, |l| l.admin().tab_settings)}
                {tab_button(Tab::Staff, |l| l.admin().tab_staff)}
                {tab_button(Tab::Devices, |l| l.admin().tab_devices)}
                {tab_button(Tab::Audit, |l| l.admin().tab_audit)}
            </nav>
            {move || match (office.get(), tab.get()) {
                (_, Tab::Staff) => view! { <staff::StaffPanel me=me.clone()/> }.into_any(),
                (_, Tab::Audit) => view! { <audit::AuditPanel/> }.into_any(),
                (None, _) => view! { <p role="status">{lang.get().texts().loading}</p> }.into_any(),
                (Some(Err(e)), _) => view! { <p class="problem" role="alert">{e.to_string()}</p> }.into_any(),
                (Some(Ok(o)), Tab::Settings) => view! { <settings::OfficeSettingsPanel office=o.id/> }.into_any(),
                (Some(Ok(o)), Tab::Devices) => view! { <Devices office=o/><ThisPc/> }.into_any(),
            }}
        </div>
    }
}

#[component]
fn Devices(office: mado_wire::Office) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let a = move || lang.get().admin();
    let office = RwSignal::new(Some(office));
    let list = RwSignal::new(None::<Result<Vec<Device>, ApiError>>);
    let kind = RwSignal::new(DeviceKind::Kiosk);
    let label = RwSignal::new(String::new());
    let code = RwSignal::new(None::<PairingCode>);
    let problem = RwSignal::new(None::<String>);
    let policy = RwSignal::new(None::<KioskPolicy>);
    let reload = move || {
        let Some(o) = office.get_untracked() else {
            return;
        };
        tasks.spawn(async move {
            list.set(Some(api::devices(&o.id).await));
            match api::kiosk_policy(&o.id).await {
                Ok(p) => policy.set(Some(p)),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let set_policy = move |on: bool| {
        let Some(o) = office.get_untracked() else {
            return;
        };
        // Opening the office to any browser is asked first.
        let confirmed = on
            || web_sys::window()
                .and_then(|w| {
                    w.confirm_with_message(lang.get_untracked().admin().open_confirm)
                        .ok()
                })
                .unwrap_or(false);
        if !confirmed {
            // The box shows the stored policy again.
            policy.update(|_| ());
            return;
        }
        tasks.spawn(async move {
            match api::set_kiosk_policy(&o.id, on).await {
                Ok(p) => {
                    problem.set(None);
                    policy.set(Some(p));
                }
                Err(ApiError::Refused { message, .. }) => problem.set(Some(message)),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    reload();
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(o) = office.get_untracked() else {
            return;
        };
        let req = NewDevice {
            kind: kind.get_untracked(),
            label: label.get_untracked().trim().to_owned(),
        };
        tasks.spawn(async move {
            match api::add_device(&o.id, &req).await {
                Ok(c) => {
                    problem.set(None);
                    label.set(String::new());
                    code.set(Some(c));
                    reload();
                }
                Err(ApiError::Refused { message, .. }) => problem.set(Some(message)),
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    };
    let revoke = move |id: i64| {
        let confirmed = web_sys::window()
            .and_then(|w| {
                w.confirm_with_message(lang.get_untracked().admin().revoke_confirm)
                    .ok()
            })
            .unwrap_or(false);
        if !confirmed {
            return;
        }
        let Some(o) = office.get_untracked() else {
            return;
        };
        tasks.spawn(async move {
            if let Err(e) = api::revoke_device(id).await {
                problem.set(Some(e.to_string()));
            }
            // The last kiosk gone while the office takes tickets only at its kiosks: nobody
            // can take a ticket now. Ask whether to open the office to any browser again
            // (issue 17 item 9).
            if let Ok(p) = api::kiosk_policy(&o.id).await
                && p.kiosks_only
                && p.paired_kiosks == 0
            {
                let reopen = web_sys::window()
                    .and_then(|w| {
                        w.confirm_with_message(lang.get_untracked().admin().reopen_confirm)
                            .ok()
                    })
                    .unwrap_or(false);
                if reopen && let Err(e) = api::set_kiosk_policy(&o.id, false).await {
                    problem.set(Some(e.to_string()));
                }
            }
            reload();
        });
    };
    view! {
            <section class="devices" aria-labelledby="devices-title">
                <h2 id="devices-title">{move || a().devices}</h2>
                <p class="hint">{move || a().devices_help}</p>
                <form class="add-device" on:submit=add>
                    <label>{move || a().kind}
                        <select on:change=move |ev| kind.set(if event_target_value(&ev) == "display" { DeviceKind::Display } else { DeviceKind::Kiosk })>
                            <option value="kiosk">{move || a().kiosk}</option>
                            <option value="display">{move || a().display}</option>
                        </select>
                    </label>
                    <label class="grow">{move || a().label}
                        <input required placeholder=move || a().label_placeholder prop:value=move || label.get()
                            on:input=move |ev| label.set(event_target_value(&ev))/>
                    </label>
                    <button type="submit">{move || a().add}</button>
                </form>
                {move || policy.get().map(|p| {
                    let l = lang.get();
                    let state = if p.kiosks_only { l.admin().kiosks_only_on } else { l.admin().kiosks_only_off };
                    view! {
                        <div class="kiosk-policy" data-testid="kiosk-policy">
                            <label class="check">
                                <input type="checkbox" prop:checked=p.kiosks_only
                                    disabled=!p.kiosks_only && p.paired_kiosks == 0
                                    on:change=move |ev| set_policy(event_target_checked(&ev))/>
                                {l.admin().kiosks_only}
                            </label>
                            <p class="hint">{state}{(!p.kiosks_only && p.paired_kiosks == 0).then(|| format!(" {}", l.admin().kiosks_only_needs_kiosk))}</p>
                        </div>
                    }
                })}
                {move || problem.get().map(|m| view! { <p class="problem" role="alert">{m}</p> })}
                {move || code.get().map(|c| {
                    let l = lang.get();
                    view! {
                        <div class="pairing-code" role="status" data-testid="pairing-code">
                            <p>{c.device.label.clone()}"（"{crate::i18n::device_kind_label(c.device.kind, l)}"）"{l.admin().code_for}</p>
                            <p class="code" data-testid="pairing-digits">{format!("{} {}", &c.code[..4], &c.code[4..])}</p>
                            <p class="hint">{l.admin().code_help}" "{l.admin().until}": "{when(c.expires_at_ms, l)}</p>
                        </div>
                    }
                })}
                {move || match list.get() {
                    None => view! { <p role="status">{lang.get().texts().loading}</p> }.into_any(),
                    Some(Err(e)) => view! { <p class="problem" role="alert">{e.to_string()}</p> }.into_any(),
                    Some(Ok(devices)) if devices.is_empty() => view! { <p class="hint">{a().none}</p> }.into_any(),
                    Some(Ok(devices)) => {
                        let l = lang.get();
                        view! {
                            <table class="inbox" data-testid="devices">
                                <thead><tr>
                                    <th>{a().col_label}</th><th>{a().col_kind}</th><th>{a().col_state}</th><th>{a().col_seen}</th><th></th>
                                </tr></thead>
                                <tbody>
                                    {devices.into_iter().map(|d| {
                                        let id = d.id;
                                        let (state, class) = match (d.revoked_at_ms, d.paired_at_ms) {
                                            (Some(_), _) => (l.admin().revoked, "revoked"),
                                            (None, Some(_)) => (l.admin().paired, "paired"),
                                            (None, None) => (l.admin().waiting, "waiting"),
                                        };
                                        view! {
                                            <tr>
                                                <td>{d.label.clone()}</td>
                                                <td>{crate::i18n::device_kind_label(d.kind, l)}</td>
                                                <td><span class=format!("badge device-{class}")>{state}</span></td>
                                                <td>{d.last_seen_ms.map(|t| when(t, l)).unwrap_or_default()}</td>
                                                <td>{d.revoked_at_ms.is_none().then(|| view! {
                                                    <button type="button" class="secondary" on:click=move |_| revoke(id)>{l.admin().revoke}</button>
                                                })}</td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table>
                        }.into_any()
                    }
                }}
            </section>
    }
}

/// Settings kept in this PC's browser only: 記録モード for the card panel (issue 25 item 10),
/// which records a read on a real reader as a masked test vector.
#[component]
fn ThisPc() -> impl IntoView {
    let lang = use_lang();
    let a = move || lang.get().admin();
    let key = crate::device::cardio::CAPTURE_SETTING;
    let on = RwSignal::new(crate::shell::load_setting(key).as_deref() == Some("on"));
    view! {
        <section class="this-pc" aria-labelledby="this-pc-title">
            <h2 id="this-pc-title">{move || a().this_pc}</h2>
            <label class="choice">
                <input type="checkbox" data-testid="capture-setting" prop:checked=move || on.get()
                    on:change=move |ev| {
                        let v = event_target_checked(&ev);
                        crate::shell::save_setting(key, if v { "on" } else { "off" });
                        on.set(v);
                    }/>
                {move || a().capture_mode}
            </label>
            <p class="hint">{move || a().capture_mode_help}</p>
            <Show when=move || on.get()>
                <p class="done" role="status">{move || a().capture_mode_on}</p>
            </Show>
        </section>
    }
}

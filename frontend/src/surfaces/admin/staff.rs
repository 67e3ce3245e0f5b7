//! `/admin` → 職員アカウント: add an account, change its role, set a new password, disable or
//! enable it. The relay refuses what would leave no active admin or lock the admin out.

use leptos::prelude::*;
use mado_wire::Role;
use mado_wire::admin::{NewStaff, StaffAccount, StaffUpdate};

use crate::api::{self, ApiError};
use crate::i18n::{Base, Lang, use_lang};

fn role_label(role: Role, lang: Lang) -> &'static str {
    match role {
        Role::Admin => lang.admin().role_admin,
        Role::Staff => lang.admin().role_staff,
    }
}

fn refusal(e: ApiError, lang: Lang) -> String {
    let problem = match &e {
        ApiError::Refused { code, message, .. } if code == "invalid_staff" => {
            if message.contains("login") && lang == Lang::Ja {
                Some("ログインIDは半角の英小文字・数字・「.」「-」「_」で3〜32文字にしてください。")
            } else if message.contains("password") && lang == Lang::Ja {
                Some("パスワードは10文字以上にしてください。")
            } else if message.contains("display_name") && lang == Lang::Ja {
                Some("氏名を60文字以内で入力してください。")
            } else {
                None
            }
        }
        ApiError::Refused {
            status: 409,
            message,
            ..
        } if lang == Lang::Ja => Some(if message.contains("taken") {
            "このログインIDはすでに使われています。別のIDにしてください。"
        } else if message.contains("last active admin") {
            "有効な管理者がいなくなるため変更できません。先にほかの職員を管理者にしてください。"
        } else if message.contains("your own") {
            "ご自身のアカウントは無効にしたり職員に変えたりできません。ほかの管理者に依頼してください。"
        } else {
            "変更できませんでした。"
        }),
        _ => None,
    };
    match (problem, lang.base()) {
        (Some(p), _) => p.to_owned(),
        // Never the relay's English in Japanese mode.
        (None, Base::Ja) => lang.admin().staff_failed.to_owned(),
        (None, Base::En) => e.to_string(),
    }
}

#[component]
pub fn StaffPanel(me: String) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let a = move || lang.get().admin();
    let list = RwSignal::new(None::<Result<Vec<StaffAccount>, ApiError>>);
    let problem = RwSignal::new(None::<String>);
    let notice = RwSignal::new(None::<String>);
    let unsaved = super::unsaved::unsaved();
    let reload = move || {
        tasks.spawn(async move { list.set(Some(api::staff_accounts().await)) });
    };
    reload();
    let login = RwSignal::new(String::new());
    let display = RwSignal::new(String::new());
    let role = RwSignal::new(Role::Staff);
    let password = RwSignal::new(String::new());
    let add = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let req = NewStaff {
            login: login.get_untracked().trim().to_owned(),
            display_name: display.get_untracked().trim().to_owned(),
            role: role.get_untracked(),
            password: password.get_untracked(),
        };
        tasks.spawn(async move {
            match api::add_staff(&req).await {
                Ok(_) => {
                    problem.set(None);
                    login.set(String::new());
                    display.set(String::new());
                    password.set(String::new());
                    unsaved.set(false);
                    notice.set(Some(lang.get_untracked().admin().staff_added.to_owned()));
                    reload();
                }
                Err(e) => problem.set(Some(refusal(e, lang.get_untracked()))),
            }
        });
    };
    let change = move |id: i64, update: StaffUpdate, done: Option<&'static str>| {
        tasks.spawn(async move {
            match api::update_staff(id, &update).await {
                Ok(_) => {
                    problem.set(None);
                    // Every change says it was saved.
                    let l = lang.get_untracked();
                    notice.set(Some(done.unwrap_or(l.admin().staff_changed).to_owned()));
                    reload();
                }
                Err(e) => problem.set(Some(refusal(e, lang.get_untracked()))),
            }
        });
    };
    view! {
        <section class="staff" aria-labelledby="staff-title">
            <h2 id="staff-title">{move || a().staff_section}</h2>
            <p class="hint">{move || a().staff_help}</p>
            <form class="add-device" on:submit=add on:input=move |_| unsaved.set(true)>
                <label>{move || a().col_login}
                    <input autocomplete="off" required prop:value=move || login.get() on:input=move |ev| login.set(event_target_value(&ev))/>
                </label>
                <label>{move || a().col_display}
                    <input required prop:value=move || display.get() on:input=move |ev| display.set(event_target_value(&ev))/>
                </label>
                <label>{move || a().col_role}
                    <select on:change=move |ev| role.set(if event_target_value(&ev) == "admin" { Role::Admin } else { Role::Staff })>
                        <option value="staff" selected=move || role.get() == Role::Staff>{move || a().role_staff}</option>
                        <option value="admin" selected=move || role.get() == Role::Admin>{move || a().role_admin}</option>
                    </select>
                </label>
                <label class="grow">{move || a().password}
                    <input type="password" autocomplete="new-password" required prop:value=move || password.get() on:input=move |ev| password.set(event_target_value(&ev))/>
                </label>
                <button type="submit">{move || a().add_staff}</button>
            </form>
            {move || problem.get().map(|m| view! { <p class="problem" role="alert" data-testid="staff-problem">{m}</p> })}
            {move || notice.get().map(|m| view! { <p class="done" role="status">{m}</p> })}
            {move || match list.get() {
                None => view! { <p role="status">{lang.get().texts().loading}</p> }.into_any(),
                Some(Err(e)) => view! { <p class="problem" role="alert">{e.to_string()}</p> }.into_any(),
                Some(Ok(accounts)) => {
                    let l = lang.get();
                    let me = me.clone();
                    view! {
                        <table class="inbox" data-testid="staff">
                            <thead><tr>
                                <th>{a().col_login}</th><th>{a().col_display}</th><th>{a().col_role}</th><th>{a().col_status}</th><th></th>
                            </tr></thead>
                            <tbody>
                                {accounts.into_iter().map(|acc| {
                                    let id = acc.id;
                                    let mine = acc.login == me;
                                    let new_password = RwSignal::new(String::new());
                                    let set_password = move |ev: leptos::ev::SubmitEvent| {
                                        ev.prevent_default();
                                        let p = new_password.get_untracked();
                                        new_password.set(String::new());
                                        change(id, StaffUpdate { password: Some(p), ..StaffUpdate::default() }, Some(lang.get_untracked().admin().password_set));
                                    };
                                    let toggle_role = acc.role;
                                    let disabled = acc.disabled;
                                    let locked = acc.locked_until_ms.is_some();
                                    view! {
                                        <tr class:disabled=disabled>
                                            <td><code>{acc.login.clone()}</code></td>
                                            <td>{acc.display_name.clone()}{mine.then_some(l.admin().you)}</td>
                                            <td>{role_label(acc.role, l)}</td>
                                            <td>
                                                <span class=if disabled { "badge device-revoked" } else { "badge device-paired" }>{if disabled { l.admin().inactive } else { l.admin().active }}</span>
                                                {locked.then(|| view! { " "<span class="badge device-revoked" data-testid="staff-locked">{l.admin().locked}</span> })}
                                            </td>
                                            <td class="row-buttons">
                                                {locked.then(|| view! {
                                                    <button type="button" class="small" on:click=move |_| change(id, StaffUpdate { unlock: Some(true), ..StaffUpdate::default() }, Some(lang.get_untracked().admin().unlocked))>{l.admin().unlock}</button>
                                                })}
                                                {(!mine).then(|| view! {
                                                    <button type="button" class="secondary small" on:click=move |_| change(id, StaffUpdate {
                                                        role: Some(if toggle_role == Role::Admin { Role::Staff } else { Role::Admin }),
                                                        ..StaffUpdate::default()
                                                    }, None)>{if toggle_role == Role::Admin { l.admin().make_staff } else { l.admin().make_admin }}</button>
                                                    <button type="button" class="secondary small" on:click=move |_| {
                                                        let ok = disabled || web_sys::window()
                                                            .and_then(|w| w.confirm_with_message(lang.get_untracked().admin().disable_confirm).ok())
                                                            .unwrap_or(false);
                                                        if ok {
                                                            change(id, StaffUpdate { disabled: Some(!disabled), ..StaffUpdate::default() }, None);
                                                        }
                                                    }>{if disabled { l.admin().enable } else { l.admin().disable }}</button>
                                                })}
                                                <form class="inline" on:submit=set_password>
                                                    <input type="password" autocomplete="new-password" aria-label=l.admin().password placeholder=l.admin().password
                                                        prop:value=move || new_password.get() on:input=move |ev| new_password.set(event_target_value(&ev))/>
                                                    <button type="submit" class="secondary small">{l.admin().set_password}</button>
                                                </form>
                                            </td>
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

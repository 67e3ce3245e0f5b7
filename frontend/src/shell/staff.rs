//! The staff gate, once for every staff surface (counter, queue, office, admin): the login
//! form until a member of staff is logged in; a relay out of reach says so and offers to try
//! again (it is not a logged-out state); an admin-only surface refuses other staff.

use leptos::prelude::*;
use mado_wire::{Role, StaffMe};

use crate::api::{self, ApiError};
use crate::i18n::use_lang;
use crate::shell::LangToggle;

/// Shows `view` with the logged-in member of staff and a callback that logs the surface out
/// again (the relay ended the session), or what keeps that from happening.
#[component]
pub fn StaffGate<F, V>(
    /// Other staff see that the surface is for administrators.
    #[prop(optional)]
    admin_only: bool,
    /// With the relay out of reach, the member of staff this tab last saw logged in may go on
    /// (the counter works offline: its visit and records are kept on the PC).
    #[prop(optional)]
    offline_ok: bool,
    view: F,
) -> impl IntoView
where
    F: Fn(StaffMe, Callback<()>) -> V + Send + Sync + 'static,
    V: IntoView + 'static,
{
    // The gate itself is compiled once; only this wrapper is made for each surface.
    gate(
        admin_only,
        offline_ok,
        std::sync::Arc::new(move |staff, logged_out| view(staff, logged_out).into_any()),
    )
}

/// What a surface shows once the gate lets staff in.
type Inside = std::sync::Arc<dyn Fn(StaffMe, Callback<()>) -> AnyView + Send + Sync>;

/// The member of staff this tab last saw logged in (per tab, gone with it; no secret in it).
const TAB_STAFF: &str = "mado.staff";

fn tab_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.session_storage().ok()?
}

fn remember(staff: &StaffMe) {
    if let (Some(s), Ok(json)) = (tab_storage(), serde_json::to_string(staff)) {
        let _ = s.set_item(TAB_STAFF, &json);
    }
}

fn remembered() -> Option<StaffMe> {
    serde_json::from_str(&tab_storage()?.get_item(TAB_STAFF).ok()??).ok()
}

fn forget() {
    if let Some(s) = tab_storage() {
        let _ = s.remove_item(TAB_STAFF);
    }
}

fn gate(admin_only: bool, offline_ok: bool, view: Inside) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let me: RwSignal<Option<Result<StaffMe, ApiError>>> = RwSignal::new(None);
    let ask = move || {
        tasks.spawn(async move {
            let answer = match api::me().await {
                Ok(staff) => {
                    remember(&staff);
                    Ok(staff)
                }
                Err(ApiError::Network(e)) => match remembered().filter(|_| offline_ok) {
                    Some(staff) => Ok(staff),
                    None => Err(ApiError::Network(e)),
                },
                Err(ApiError::Unauthorized) => {
                    forget();
                    Err(ApiError::Unauthorized)
                }
                Err(e) => Err(e),
            };
            // The surface may be gone by the time the relay answers.
            let _ = me.try_set(Some(answer));
        })
    };
    ask();
    let logged_out = Callback::new(move |()| {
        forget();
        me.set(Some(Err(ApiError::Unauthorized)));
    });
    move || {
        match me.get() {
        None => view! { <p class="status" role="status">{move || lang.get().texts().loading}</p> }
            .into_any(),
        Some(Ok(staff)) if admin_only && staff.role != Role::Admin => {
            view! { <p class="problem" role="alert">{move || lang.get().admin().admins_only}</p> }
                .into_any()
        }
        Some(Ok(staff)) => view(staff, logged_out),
        Some(Err(ApiError::Unauthorized)) => {
            view! { <Login on_login=Callback::new(move |s: StaffMe| { remember(&s); me.set(Some(Ok(s))); })/> }.into_any()
        }
        Some(Err(e)) => {
            let t = move || lang.get().texts();
            let text = match e {
                ApiError::Network(_) => t().relay_unreachable.to_owned(),
                other => other.to_string(),
            };
            view! {
                <div class="problem" role="alert" data-testid="staff-gate-problem">
                    <p>{text}</p>
                    <button type="button" on:click=move |_| { me.set(None); ask(); }>{move || t().retry}</button>
                </div>
            }
            .into_any()
        }
    }
    }
}

/// The staff login form.
#[component]
pub fn Login(on_login: Callback<StaffMe>) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let t = move || lang.get().texts();
    let login = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let failed: RwSignal<Option<&'static str>> = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        busy.set(true);
        let (l, p) = (login.get_untracked(), password.get_untracked());
        tasks.spawn(async move {
            let result = api::login(l, p).await;
            busy.set(false);
            match result {
                Ok(staff) => {
                    password.set(String::new());
                    on_login.run(staff);
                }
                Err(ApiError::Refused { status: 401, .. } | ApiError::Unauthorized) => {
                    failed.set(Some(lang.get().staff().login_failed))
                }
                Err(ApiError::Refused {
                    status: 429, code, ..
                }) => failed.set(Some(if code == "account_locked" {
                    lang.get().staff().login_locked
                } else {
                    lang.get().staff().login_busy
                })),
                Err(_) => failed.set(Some(t().relay_unreachable)),
            }
        });
    };
    view! {
        <main class="login">
            <header class="bar">
                <h1>{move || lang.get().staff().login_title}</h1>
                <LangToggle/>
            </header>
            <form on:submit=submit class="login-form">
                <label for="login-id">{move || lang.get().staff().login_id}</label>
                <input id="login-id" name="username" autocomplete="username" required autofocus
                    prop:value=move || login.get() on:input=move |e| login.set(event_target_value(&e))/>
                <label for="login-password">{move || lang.get().staff().login_password}</label>
                <input id="login-password" name="password" type="password" autocomplete="current-password" required
                    prop:value=move || password.get() on:input=move |e| password.set(event_target_value(&e))/>
                <Show when=move || failed.get().is_some()>
                    <p class="error" role="alert">{move || failed.get().unwrap_or_default()}</p>
                </Show>
                <button type="submit" class="big" disabled=move || busy.get()>{move || lang.get().staff().login_submit}</button>
            </form>
        </main>
    }
}

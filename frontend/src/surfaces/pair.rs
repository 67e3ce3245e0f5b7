//! `/pair`: typed on the kiosk or display itself, once, with the code an admin got in
//! `/admin` → 端末.

use leptos::prelude::*;
use mado_wire::device::Device;

use crate::api::{self, ApiError};
use crate::i18n::use_lang;
use crate::shell::LangToggle;

/// `/pair`: typed on the kiosk or display itself.
#[component]
pub fn Pair() -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let a = move || lang.get().admin();
    let code = RwSignal::new(String::new());
    let result = RwSignal::new(None::<Result<Device, ApiError>>);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let c = code.get_untracked();
        tasks.spawn(async move { result.set(Some(api::pair(&c).await)) });
    };
    view! {
        <div class="desk pair">
            <header class="bar">
                <h1>{move || a().pair_title}</h1>
                <LangToggle/>
            </header>
            <main class="pair-main">
                {move || match result.get() {
                    Some(Ok(d)) => {
                        let l = lang.get();
                        let href = format!("{}?office={}", d.kind.path(), d.office_id);
                        view! {
                            <p role="status" class="done" data-testid="paired">{l.admin().pair_done}" "{d.label.clone()}"（"{crate::i18n::device_kind_label(d.kind, l)}"）"</p>
                            <a class="button big" rel="external" href=href>{l.admin().pair_open}</a>
                        }.into_any()
                    }
                    other => view! {
                        <form on:submit=submit>
                            <p class="hint">{a().pair_help}</p>
                            <label for="pair-code">{a().pair_code}</label>
                            <input id="pair-code" class="code-input" inputmode="numeric" autocomplete="off" maxlength="9"
                                prop:value=move || code.get() on:input=move |ev| code.set(event_target_value(&ev))/>
                            <button type="submit" class="big">{a().pair_button}</button>
                            {match other {
                                Some(Err(ApiError::Refused { status: 404, .. })) => Some(view! { <p class="problem" role="alert">{a().pair_unknown}</p> }.into_any()),
                                Some(Err(e)) => Some(view! { <p class="problem" role="alert">{e.to_string()}</p> }.into_any()),
                                _ => None,
                            }}
                        </form>
                    }.into_any(),
                }}
            </main>
        </div>
    }
}

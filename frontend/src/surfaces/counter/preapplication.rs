//! The counter's loader of a pre-application (事前申請): a receipt code typed or its QR code
//! shown to a code reader.

use leptos::prelude::*;
use mado_wire::submission::Submission;

use crate::api::{self, ApiError, OpenBy};
use crate::i18n::{Base, use_lang};

/// The counter's loader: a receipt code typed or a QR code scanned (a code reader types the
/// status link), then `on_load` with the pre-application, now 処理中.
#[component]
pub fn LoadPreApplication(office: String, on_load: Callback<Submission>) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let p = move || lang.get().pre();
    let input = RwSignal::new(String::new());
    let message = RwSignal::new(None::<(bool, String)>);
    let busy = RwSignal::new(false);
    let office = StoredValue::new(office);
    let load = move || {
        let raw = input.get_untracked().trim().to_owned();
        if raw.is_empty() {
            return;
        }
        let by = if raw.contains('#') || raw.len() >= 32 {
            OpenBy::Token(raw)
        } else {
            OpenBy::Code(raw)
        };
        busy.set(true);
        tasks.spawn(async move {
            let result = api::open_submission(&office.get_value(), by).await;
            busy.set(false);
            let l = lang.get_untracked();
            match result {
                Ok(s) => {
                    input.set(String::new());
                    let prefix = match l.base() {
                        Base::Ja => format!("受付番号 {}", s.code),
                        Base::En => s.code.clone(),
                    };
                    message.set(Some((true, format!("{prefix}{}", l.pre().loaded))));
                    on_load.run(s);
                }
                Err(ApiError::Refused { status: 404, .. }) => {
                    message.set(Some((false, l.pre().not_found.to_owned())));
                }
                Err(e) => message.set(Some((false, e.to_string()))),
            }
        });
    };
    view! {
        <form class="pre-load" data-testid="pre-load" on:submit=move |ev| { ev.prevent_default(); load(); }>
            <label for="pre-load-code">{move || p().load}</label>
            <input id="pre-load-code" autocomplete="off" placeholder="ABCD-EFGH" prop:value=move || input.get()
                on:input=move |ev| input.set(event_target_value(&ev))/>
            <button type="submit" class="secondary" disabled=move || busy.get()>{move || p().load_button}</button>
            <small class="help">{move || p().load_help}</small>
            {move || message.get().map(|(ok, m)| view! {
                <p class=if ok { "loaded" } else { "problem" } role=if ok { "status" } else { "alert" }>{m}</p>
            })}
        </form>
    }
}

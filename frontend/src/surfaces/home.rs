//! `/`: the list of Mado's screens.

use leptos::prelude::*;

use crate::i18n::use_lang;
use crate::shell::LangToggle;

#[component]
pub fn Home() -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts();
    view! {
        <main class="home">
            <header class="bar">
                <h1>{move || t().app_name}</h1>
                <LangToggle/>
            </header>
            <p>{move || t().app_tagline}</p>
            <ul class="surfaces">
                <li><a href="/kiosk"><strong>{move || t().surface_kiosk}</strong><span>{move || t().surface_kiosk_desc}</span></a></li>
                <li><a href="/display"><strong>{move || t().surface_display}</strong><span>{move || t().surface_display_desc}</span></a></li>
                <li><a href="/queue" rel="external"><strong>{move || t().surface_queue}</strong><span>{move || t().surface_queue_desc}</span></a></li>
                <li><a href="/counter" rel="external"><strong>{move || t().surface_counter}</strong></a></li>
                <li><a href="/apply" rel="external"><strong>{move || t().surface_apply}</strong></a></li>
                <li><a href="/office" rel="external"><strong>{move || t().surface_office}</strong></a></li>
                <li><a href="/admin" rel="external"><strong>{move || t().surface_admin}</strong></a></li>
            </ul>
        </main>
    }
}

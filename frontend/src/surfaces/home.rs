//! `/`: the list of Mado's screens.

use leptos::prelude::*;

use crate::i18n::use_lang;

#[component]
pub fn Home() -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().texts();
    view! {
        <main class="home">
            <header class="bar">
                <h1>{move || t().app_name}</h1>
                // A link, not the staff screens' toggle button: this page loads again in the other
                // language (`?lang=`), and the lobby bundle carries no toggle.
                <a class="lang-toggle" href=move || format!("?lang={}", lang.get().other().code())
                    lang=move || lang.get().other().tag()>{move || t().switch_language}</a>
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

//! `/apply`: the procedure guide for residents at home, phone first, no login. The same
//! engine runs in the page; the answers live only in the URL fragment
//! (`#okuyami/kitakyushu?death_date=2026-11-20&deceased_age=80`), never sent to the server,
//! so the result can be bookmarked, shared with family, shown at the counter and printed.

mod booking;
mod preapply;

pub use booking::MyReservation;
pub use preapply::PreApplicationStatus;

use leptos::prelude::*;
use mado_rules::Answers;

use crate::device::printing::print_page;
use crate::guide::{self, EventPicker, Questions, Results, Session};
use crate::guide::{CityPicker, initial_city};
use crate::i18n::use_lang;
use crate::shell::LangMenu;

/// `#pack/city?answers` → (pack, city, answers query).
fn read_fragment() -> Option<(String, String, String)> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let hash = hash.trim_start_matches('#');
    let (path, query) = hash.split_once('?').unwrap_or((hash, ""));
    let (pack, city) = path.split_once('/')?;
    Some((pack.to_owned(), city.to_owned(), query.to_owned()))
}

fn write_fragment(pack: &str, city: &str, answers: &Answers) {
    let Some(w) = web_sys::window() else { return };
    let q = answers.to_query();
    let frag = if q.is_empty() {
        format!("#{pack}/{city}")
    } else {
        format!("#{pack}/{city}?{q}")
    };
    if w.location().hash().ok().as_deref() != Some(frag.as_str())
        && let Ok(h) = w.history()
    {
        let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&frag));
    }
}

#[component]
pub fn Apply() -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().desk();
    let from_link = read_fragment();
    let city = RwSignal::new(
        from_link
            .as_ref()
            .map(|(_, c, _)| c.clone())
            .filter(|c| guide::cities().iter().any(|(id, _)| id == c))
            .unwrap_or_else(initial_city),
    );
    let pack = RwSignal::new(from_link.as_ref().map(|(p, _, _)| p.clone()));
    let pending_query = StoredValue::new(from_link.map(|(_, _, q)| q));
    let session = RwSignal::new(None::<Session>);
    let bad = RwSignal::new(Vec::<String>::new());
    let problem = RwSignal::new(None::<String>);
    let booking = RwSignal::new(None::<mado_wire::Booking>);
    // The phone and birth date typed for a booking, offered again for the pre-application
    // (kept in this page only).
    let contact = RwSignal::new(None::<booking::BookingContact>);

    // The packs may arrive after the page (the resident bundle fetches them): then the city
    // is chosen as it would have been, once the cities are known.
    Effect::new(move |_| {
        let known = guide::cities_in(lang.get());
        if !known.is_empty() && !known.iter().any(|(id, _)| *id == city.get_untracked()) {
            city.set(initial_city());
        }
    });
    let owner = Owner::current().unwrap_or_default();
    Effect::new(move |_| guide::load_language(lang.get()));
    Effect::new(move |_| {
        let (Some(p), c) = (pack.get(), city.get()) else {
            session.set(None);
            return;
        };
        // In the resident's language once its packs have arrived (issue 22).
        let l = lang.get();
        let Some(packs) = guide::bundle_in(l) else {
            // Not here yet: the page says it is loading (or why they cannot be fetched).
            problem.set(guide::load_problem(l));
            return;
        };
        let built = packs.guide(&p, &c).map_err(|errs| {
            errs.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("; ")
        });
        match built {
            Ok(g) => {
                let answers = match pending_query.get_value() {
                    Some(q) => {
                        pending_query.set_value(None);
                        let (a, unreadable) = Answers::from_query(&g, &q);
                        bad.set(unreadable);
                        a
                    }
                    None => session
                        .get_untracked()
                        .map(|s| s.answers.get_untracked())
                        .unwrap_or_default(),
                };
                problem.set(None);
                // Owned by the page, not by this effect: a rerun must not dispose the session it
                // reads the answers from.
                session.set(Some(
                    owner.with(|| Session::new(g, answers, guide::today())),
                ));
            }
            Err(e) => problem.set(Some(e)),
        }
    });
    // Every change of answers is written to the fragment (replaceState: no history spam).
    Effect::new(move |_| {
        if let (Some(s), Some(p)) = (session.get(), pack.get()) {
            let c = city.get();
            s.answers.with(|a| write_fragment(&p, &c, a));
        }
    });

    let change_event = move |_| {
        session.set(None);
        pack.set(None);
        bad.set(Vec::new());
        if let Some(h) = web_sys::window().and_then(|w| w.history().ok()) {
            let _ = h.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some("#"));
        }
    };

    view! {
        <div class="desk apply">
            <header class="bar">
                <h1>{move || t().apply_title}</h1>
                <LangMenu/>
            </header>
            <div class="apply-intro">
                <p>{move || t().apply_intro}</p>
                <CityPicker city=city/>
            </div>
            {move || problem.get().map(|p| view! { <p class="problem" role="alert">{t().guide_load_failed}" "{p}</p> })}
            {move || (!bad.get().is_empty()).then(|| view! {
                <p class="problem" role="alert">{t().guide_bad_link}" "{bad.get().join(", ")}</p>
            })}
            {move || match session.get() {
                None => view! {
                    <EventPicker on_pick=Callback::new(move |id: String| pack.set(Some(id)))/>
                }.into_any(),
                Some(s) => {
                    let title = s.guide.with_value(|g| g.title.clone());
                    let meta = s.guide.with_value(|g| format!("{}　{}: {}", g.city_name, t().guide_version, g.version));
                    view! {
                        <div class="guide-head">
                            <div class="what">
                                <h2>{title}</h2>
                                <p class="meta">{meta}</p>
                            </div>
                            <div class="tools">
                                <button type="button" class="secondary" on:click=change_event>{move || t().guide_change_event}</button>
                                <a class="button" href="#results-title">{move || t().apply_see_results}</a>
                            </div>
                        </div>
                        <div class="guide-layout">
                            <Questions session=s/>
                            <Results session=s/>
                        </div>
                        <footer class="apply-foot">
                            <p>{move || t().apply_share}</p>
                            <button type="button" on:click=move |_| print_page()>{move || t().guide_print}</button>
                        </footer>
                        <booking::BookVisit booked=booking contact=contact prefer=pack.get_untracked().unwrap_or_default()/>
                        <preapply::PreApply session=s booking=booking contact=contact/>
                    }.into_any()
                }
            }}
        </div>
    }
}

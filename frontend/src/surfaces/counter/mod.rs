//! `/counter`: the procedure guide at the counter. Staff pick the life event, ask the
//! questions with the resident (all on one screen, any answer can be changed), and see the
//! procedures grouped as they answer; each can be marked 本日受付 / 後日 / 案内済み.
//!
//! Query parameters: `city=kitakyushu|kitami` (otherwise the device's saved choice), `lang=en`.

mod card_reader;
mod forms_panel;
mod preapplication;

use std::collections::BTreeMap;

use leptos::prelude::*;
use mado_rules::Answers;

use mado_visit::People;
use mado_wire::submission::Submission;
use mado_wire::{NewGuideRecord, StaffMe};

use crate::api;
use crate::device::printing::print_page;
use crate::guide::{
    self, CITY_KEY, CityPicker, EventPicker, Mark, Questions, Results, Session, initial_city,
};
use crate::i18n::use_lang;
use crate::shell::staff::StaffGate;
use crate::shell::{LangToggle, save_setting};
use crate::shell::{office_param, resolve_office};

/// The counter is a staff surface: it asks for a login first.
#[component]
pub fn Counter() -> impl IntoView {
    view! { <StaffGate view=|staff, _| view! { <CounterGuide staff=staff/> }/> }
}

/// The guide's result as a record for the relay.
fn record_of(
    session: Session,
    marks: &BTreeMap<String, Mark>,
    printed: Vec<String>,
    printed_for: String,
) -> Result<NewGuideRecord, String> {
    let eval = session.eval.get_untracked()?;
    session
        .answers
        .with_untracked(|a| mado_visit::record::record(&eval, a, marks, printed, printed_for))
}

#[derive(Debug, Clone, PartialEq)]
enum SaveState {
    Idle,
    Saving,
    Saved(i64),
    Failed(String),
}

#[component]
fn CounterGuide(staff: StaffMe) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let staff_name = StoredValue::new(staff.display_name.clone());
    let lang = use_lang();
    let t = move || lang.get().texts();
    let city = RwSignal::new(initial_city());
    let pack = RwSignal::new(None::<String>);
    let session = RwSignal::new(None::<Session>);
    let marks = RwSignal::new(BTreeMap::<String, Mark>::new());
    let problem = RwSignal::new(None::<String>);
    let saved = RwSignal::new(SaveState::Idle);
    let printed = RwSignal::new(Vec::<String>::new());
    let printed_for = RwSignal::new(String::new());
    let office_name = RwSignal::new(String::new());
    let office_contact = RwSignal::new(String::new());
    let office_id = RwSignal::new(None::<String>);
    let requested_office = StoredValue::new(office_param());
    tasks.spawn(async move {
        if let Ok(o) = resolve_office(requested_office.get_value()).await {
            office_contact.set(mado_visit::handout::contact_line(&o));
            office_name.set(o.name);
            office_id.set(Some(o.id));
        }
    });
    // The people of the visit and, at a move, the new address: cleared for the next resident.
    let people = RwSignal::new(People::default());
    let new_address = RwSignal::new(String::new());
    // A pre-application loaded at the counter: its answers wait for the guide to be built; its
    // applicant becomes the visit's.
    let pending_answers = StoredValue::new(None::<serde_json::Value>);
    let load_pre = Callback::new(move |s: Submission| {
        pending_answers.set_value(serde_json::to_value(&s.submission.answers).ok());
        match mado_visit::people::from_details(&s.submission.applicant) {
            Ok(applicant) => people.set(People {
                applicant,
                ..People::default()
            }),
            Err(e) => problem.set(Some(e)),
        }
        new_address.set(String::new());
        marks.set(BTreeMap::new());
        if guide::cities()
            .iter()
            .any(|(id, _)| *id == s.submission.city)
        {
            city.set(s.submission.city.clone());
        }
        session.set(None);
        pack.set(Some(s.submission.pack.clone()));
    });
    // Any change after saving makes the record stale again.
    Effect::new(move |_| {
        if let Some(s) = session.get() {
            s.answers.track();
        }
        marks.track();
        saved.set(SaveState::Idle);
    });
    let save = move |_| {
        let Some(s) = session.get_untracked() else {
            return;
        };
        let record = match record_of(
            s,
            &marks.get_untracked(),
            printed.get_untracked(),
            printed_for.get_untracked(),
        ) {
            Ok(r) => r,
            Err(e) => {
                saved.set(SaveState::Failed(e));
                return;
            }
        };
        saved.set(SaveState::Saving);
        let requested = requested_office.get_value();
        tasks.spawn(async move {
            let result = async {
                let office = resolve_office(requested).await?;
                api::save_guide_record(&office.id, &record).await
            }
            .await;
            saved.set(match result {
                Ok(r) => SaveState::Saved(r.id),
                Err(e) => SaveState::Failed(e.to_string()),
            });
        });
    };

    // (Re)builds the guide when the event or the city changes, keeping the answers.
    let owner = Owner::current().unwrap_or_default();
    Effect::new(move |_| {
        let (Some(p), c) = (pack.get(), city.get()) else {
            session.set(None);
            return;
        };
        save_setting(CITY_KEY, &c);
        let kept = session
            .get_untracked()
            .map(|s| s.answers.get_untracked())
            .unwrap_or_default();
        match guide::bundle().and_then(|b| {
            b.guide(&p, &c).map_err(|errs| {
                errs.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join("; ")
            })
        }) {
            Ok(g) => {
                let answers = match pending_answers.get_value() {
                    Some(raw) => {
                        pending_answers.set_value(None);
                        Answers::from_json(&g, &raw).unwrap_or_else(|e| {
                            problem.set(Some(e.to_string()));
                            Answers::default()
                        })
                    }
                    None => kept,
                };
                problem.set(None);
                // The deceased cannot be the one who applies: the person concerned is someone
                // else from the start (おくやみ).
                if !g.visit.subject_can_apply && people.with_untracked(People::self_applying) {
                    people.update(|p| p.subject = mado_visit::Who::Other(Default::default()));
                }
                // Owned by the page, not by this effect: a rerun must not dispose the session it
                // reads the answers from.
                session.set(Some(
                    owner.with(|| Session::new(g, answers, guide::today())),
                ));
            }
            Err(e) => problem.set(Some(e)),
        }
    });

    // Starting over or changing the life event clears every person: the next resident's forms
    // never carry the previous one's name.
    let clear_people = move || {
        let can_apply = session
            .get_untracked()
            .map(|s| s.guide.with_value(|g| g.visit.subject_can_apply))
            .unwrap_or(true);
        people.set(People::for_event(can_apply));
        new_address.set(String::new());
    };
    let restart = move |_| {
        clear_people();
        if let Some(s) = session.get_untracked() {
            s.answers.set(Answers::default());
        }
        marks.set(BTreeMap::new());
    };
    let change_event = move |_| {
        clear_people();
        session.set(None);
        pack.set(None);
        marks.set(BTreeMap::new());
    };

    view! {
        <div class="desk counter">
            <header class="bar">
                <h1>{move || t().surface_counter}" — "{move || lang.get().desk().guide_title}</h1>
                <CityPicker city=city/>
                <span class="who">{staff.display_name.clone()}</span>
                <LangToggle/>
            </header>
            {move || office_id.get().map(|o| view! { <preapplication::LoadPreApplication office=o on_load=load_pre/> })}
            {move || problem.get().map(|p| view! { <p class="problem" role="alert">{lang.get().desk().guide_load_failed}" "{p}</p> })}
            {move || match session.get() {
                None => view! {
                    <EventPicker on_pick=Callback::new(move |id: String| pack.set(Some(id)))/>
                }.into_any(),
                Some(s) => {
                    let (title, version) = s.guide.with_value(|g| (g.title.clone(), g.version.clone()));
                    let city_name = s.guide.with_value(|g| g.city_name.clone());
                    let as_of = s.today.wareki_with_weekday();
                    view! {
                        <div class="guide-head">
                            <div class="what">
                                <h2>{title}</h2>
                                <p class="meta">
                                    {city_name}"　"{move || lang.get().desk().guide_as_of}": "{as_of}"　"
                                    {move || lang.get().desk().guide_version}": "{version}
                                </p>
                            </div>
                            <div class="tools">
                                <button type="button" class="secondary" on:click=change_event>{move || lang.get().desk().guide_change_event}</button>
                                <button type="button" class="secondary" on:click=restart>{move || lang.get().desk().guide_restart}</button>
                                <button type="button" class="secondary" on:click=move |_| print_page()>{move || lang.get().desk().guide_print}</button>
                                <button type="button" class="save" on:click=save disabled=move || saved.get() == SaveState::Saving>
                                    {move || lang.get().desk().counter_save}
                                </button>
                            </div>
                        </div>
                        <p class="save-state" role="status">
                            {move || match saved.get() {
                                SaveState::Saved(id) => format!("{}（No.{id}）", lang.get().desk().counter_saved),
                                SaveState::Failed(e) => format!("{} {e}", lang.get().desk().counter_save_failed),
                                _ => String::new(),
                            }}
                        </p>
                        <div class="guide-layout">
                            <Questions session=s/>
                            <Results session=s marks=marks/>
                        </div>
                        <forms_panel::FormsPanel session=s marks=marks people=people new_address=new_address printed=printed printed_for=printed_for office_name=office_name office_contact=office_contact staff_name=staff_name.get_value()/>
                    }.into_any()
                }
            }}
        </div>
    }
}

//! The counter's printing step: the resident's 基本4情報 (typed once; the card reader comes
//! with issue 4), the forms the guide selected (editable), and one PDF — the handout first,
//! then every form — opened for printing.

use std::collections::BTreeMap;

use leptos::prelude::*;
use mado_forms::{FormError, NoticeKind};

use crate::device::printing;
use crate::guide::{Mark, Session};
use crate::i18n::use_lang;
use crate::visit::{self, FormChoice};

/// The forms the guide asks for, with the bundle's titles.
fn forms_of(session: Session) -> Vec<FormChoice> {
    match session.eval.get() {
        Ok(eval) => visit::forms_of(&eval, |id| printing::template(id).map(|t| t.title.clone())),
        Err(_) => Vec::new(),
    }
}

#[derive(Debug, Clone, PartialEq)]
enum PrintState {
    Idle,
    Working,
    Ready {
        url: String,
        pages: usize,
        notes: Vec<String>,
    },
    Failed(Vec<String>),
}

/// Prints the PDF shown in the preview frame (the browser's own print dialog).
fn print_preview() {
    use wasm_bindgen::JsCast;
    let frame = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.get_element_by_id("pdf-preview"))
        .and_then(|e| e.dyn_into::<web_sys::HtmlIFrameElement>().ok())
        .and_then(|f| f.content_window());
    if let Some(w) = frame {
        let _ = w.print();
    }
}

/// A labelled text input bound to one field of the applicant.
#[component]
fn Input(
    label: fn(&'static crate::i18n::DeskTexts) -> &'static str,
    id: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="entry">
            <label for=id>{move || label(use_lang().get().desk())}</label>
            <input id=id type=kind.unwrap_or("text") autocomplete=autocomplete.unwrap_or("off")
                prop:value=move || value.get() on:input=move |ev| value.set(event_target_value(&ev))/>
        </div>
    }
}

#[component]
pub fn FormsPanel(
    session: Session,
    marks: RwSignal<BTreeMap<String, Mark>>,
    /// Template ids printed, for the counter record.
    printed: RwSignal<Vec<String>>,
    /// Whom they were printed for.
    printed_for: RwSignal<String>,
    office_name: RwSignal<String>,
    /// The office's address, telephone and hours for the handout's foot (`visit::contact_line`).
    office_contact: RwSignal<String>,
    staff_name: String,
    /// Details from a pre-application loaded at the counter, filled in when it is loaded.
    #[prop(optional)]
    prefill: Option<RwSignal<Option<mado_wire::submission::ApplicantDetails>>>,
) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let t = move || lang.get().desk();
    let name = RwSignal::new(String::new());
    let kana = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let birth = RwSignal::new(String::new());
    let sex = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let subject_name = RwSignal::new(String::new());
    let subject_birth = RwSignal::new(String::new());
    // Forms staff switched on or off (otherwise: required procedures' forms are on).
    let chosen = RwSignal::new(BTreeMap::<String, bool>::new());
    let state = RwSignal::new(PrintState::Idle);
    let staff_name = StoredValue::new(staff_name);

    let forms = Memo::new(move |_| forms_of(session));
    if let Some(prefill) = prefill {
        Effect::new(move |_| {
            if let Some(a) = prefill.get() {
                name.set(a.name);
                kana.set(a.kana);
                address.set(a.address);
                birth.set(a.birth_date);
                sex.set(a.sex);
                phone.set(a.phone);
            }
        });
    }
    // The guide may already know the birth date (身体障害者手帳: ご本人の生年月日).
    Effect::new(move |_| {
        if let Some(mado_rules::Value::Date(d)) =
            session.answers.with(|a| a.0.get("birth_date").cloned())
            && birth.get_untracked().is_empty()
        {
            birth.set(d.to_string());
        }
    });
    let selected = move || {
        forms
            .get()
            .into_iter()
            .filter(|f| chosen.with(|c| c.get(&f.template).copied().unwrap_or(f.preselected)))
            .map(|f| f.template)
            .collect::<Vec<_>>()
    };

    let print = move |_| {
        let l = lang.get_untracked();
        let typed = visit::Typed {
            name: name.get_untracked(),
            kana: kana.get_untracked(),
            address: address.get_untracked(),
            birth: birth.get_untracked(),
            sex: sex.get_untracked(),
            phone: phone.get_untracked(),
        };
        let problems: Vec<String> = typed
            .missing()
            .into_iter()
            .map(|n| {
                let d = l.desk();
                l.fill_in(match n {
                    visit::Needed::Name => d.forms_name,
                    visit::Needed::Address => d.forms_address,
                    visit::Needed::Birth => d.forms_birth,
                    visit::Needed::Sex => d.forms_sex,
                })
            })
            .collect();
        if !problems.is_empty() {
            state.set(PrintState::Failed(problems));
            return;
        }
        let Ok(eval) = session.eval.get_untracked() else {
            return;
        };
        let ids = selected();
        let (title, city_name, event_id) = session.guide.with_value(|g| {
            (
                g.title.clone(),
                g.city_name.clone(),
                g.questions[g.event_date].def.id.clone(),
            )
        });
        let answers = session.answers.get_untracked();
        let answer_text = session.guide.with_value(|g| g.answers_as_text(&answers));
        let event_date = match answers.0.get(&event_id) {
            Some(mado_rules::Value::Date(d)) => Some(*d),
            _ => None,
        };
        let desk = visit::Desk {
            office: office_name.get_untracked(),
            city: city_name,
            staff: staff_name.get_value(),
        };
        let data = visit::forms_data(
            &typed,
            &subject_name.get_untracked(),
            &subject_birth.get_untracked(),
            answer_text,
            event_date,
            session.today,
            &desk,
        );
        let link = web_sys::window()
            .and_then(|w| w.location().origin().ok())
            .map(|origin| {
                format!(
                    "{origin}/apply#{}/{}?{}",
                    eval.pack,
                    eval.city,
                    answers.to_query()
                )
            })
            .unwrap_or_default();
        let items = visit::handout_items(&eval, &marks.get_untracked());
        let handout = visit::handout(
            title,
            &data,
            session.today,
            office_contact.get_untracked(),
            link,
            items,
        );
        state.set(PrintState::Working);
        tasks.spawn(async move {
            let font = match printing::font().await {
                Ok(f) => f,
                Err(e) => {
                    state.set(PrintState::Failed(vec![format!(
                        "{} {e}",
                        lang.get_untracked().desk().forms_font_failed
                    )]));
                    return;
                }
            };
            let templates: Vec<&mado_forms::Template> =
                ids.iter().filter_map(|id| printing::template(id)).collect();
            match printing::batch(&font, &handout, &templates, &data) {
                Ok((bytes, notices)) => match printing::pdf_url(&bytes) {
                    Ok(url) => {
                        printed.set(ids.clone());
                        printed_for.set(data.applicant.name.clone());
                        let notes = notices
                            .iter()
                            .filter(|n| !matches!(n.kind, NoticeKind::Shrunk { .. }))
                            .map(ToString::to_string)
                            .collect();
                        state.set(PrintState::Ready {
                            url,
                            pages: templates.len(),
                            notes,
                        });
                    }
                    Err(e) => state.set(PrintState::Failed(vec![e])),
                },
                Err(FormError::Gaiji(list)) => state.set(PrintState::Failed(
                    list.iter().map(ToString::to_string).collect(),
                )),
                Err(FormError::Data(list)) => state.set(PrintState::Failed(
                    list.iter()
                        .map(mado_forms::data::DataProblem::for_staff)
                        .collect(),
                )),
                Err(e) => state.set(PrintState::Failed(vec![e.to_string()])),
            }
        });
    };

    view! {
        <section class="forms-panel" aria-labelledby="forms-title">
            <h2 id="forms-title">{move || t().forms_title}</h2>
            <div class="forms-grid">
                <fieldset class="applicant">
                    <legend>{move || t().forms_applicant}</legend>
                    <super::card_reader::CardReader name=name address=address birth=birth sex=sex/>
                    <Input label=|t| t.forms_name id="ap-name" value=name autocomplete="off"/>
                    <Input label=|t| t.forms_kana id="ap-kana" value=kana/>
                    <Input label=|t| t.forms_address id="ap-address" value=address/>
                    <Input label=|t| t.forms_birth id="ap-birth" value=birth kind="date"/>
                    <div class="entry" role="radiogroup" aria-label=move || t().forms_sex>
                        <span class="label">{move || t().forms_sex}</span>
                        <label class="choice"><input type="radio" name="ap-sex" prop:checked=move || sex.get() == "male" on:change=move |_| sex.set("male".into())/>{move || t().forms_male}</label>
                        <label class="choice"><input type="radio" name="ap-sex" prop:checked=move || sex.get() == "female" on:change=move |_| sex.set("female".into())/>{move || t().forms_female}</label>
                    </div>
                    <Input label=|t| t.forms_phone id="ap-phone" value=phone kind="tel"/>
                    <p class="help">{move || t().forms_subject_help}</p>
                    <Input label=|t| t.forms_subject_name id="sub-name" value=subject_name/>
                    <Input label=|t| t.forms_subject_birth id="sub-birth" value=subject_birth kind="date"/>
                </fieldset>
                <fieldset class="form-list">
                    <legend>{move || t().forms_list}</legend>
                    <p class="help">{move || t().forms_list_help}</p>
                    <Show when=move || forms.with(Vec::is_empty)>
                        <p class="hint">{move || t().forms_none}</p>
                    </Show>
                    <For each=move || forms.get() key=|f| f.template.clone() let:f>
                        {
                            let FormChoice { template: id, title, procedure, preselected: pre } = f;
                            let id2 = id.clone();
                            view! {
                                <label class="form-choice">
                                    <input type="checkbox" prop:checked=move || chosen.with(|c| c.get(&id).copied().unwrap_or(pre))
                                        on:change=move |ev| { let on = event_target_checked(&ev); chosen.update(|c| { c.insert(id2.clone(), on); }); }/>
                                    <span><strong>{title}</strong><small>{procedure}</small></span>
                                </label>
                            }
                        }
                    </For>
                    <button type="button" class="big print-batch" on:click=print disabled=move || state.get() == PrintState::Working>
                        {move || lang.get().forms_print(selected().len())}
                    </button>
                    {move || match state.get() {
                        PrintState::Idle => ().into_any(),
                        PrintState::Working => view! { <p role="status">{t().forms_working}</p> }.into_any(),
                        PrintState::Ready { url, pages, notes } => view! {
                            <div role="status" class="print-ready">
                                <p>{lang.get_untracked().forms_ready(pages)}</p>
                                <div class="print-actions">
                                    <button type="button" class="big" on:click=move |_| print_preview()>{t().guide_print_pdf}</button>
                                    <a class="button secondary" href=url.clone() target="_blank" rel="noopener" data-testid="batch-pdf">{t().forms_open_pdf}</a>
                                </div>
                                <iframe class="pdf-preview" id="pdf-preview" src=url title=t().forms_preview></iframe>
                                <ul>{notes.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                            </div>
                        }.into_any(),
                        PrintState::Failed(list) => view! {
                            <div role="alert" class="problem">
                                <ul>{list.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}</ul>
                            </div>
                        }.into_any(),
                    }}
                </fieldset>
            </div>
        </section>
    }
}

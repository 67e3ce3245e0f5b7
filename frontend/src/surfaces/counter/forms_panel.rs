//! The counter's printing step: the people of the visit by role (the applicant from the card
//! or typed once; the person concerned — the applicant themselves or someone else — the 世帯主,
//! the account, a child, a spouse, the 生計維持者, each asked only when a chosen form prints them), the forms the
//! guide selected (editable), what the forms would still leave blank, and one PDF — the handout
//! first, then every form — opened for printing.

use leptos::prelude::*;
use mado_forms::{FormError, NoticeKind, Person, Role, Sex};
use mado_visit::people::{self, People, Who};
use mado_visit::{Desk, FormChoice, HandReport, forms};

use crate::device::printing;
use crate::guide::{Mark, Session};
use crate::i18n::{DeskTexts, use_lang};

/// The forms the guide asks for, with the bundle's titles.
fn forms_of(session: Session) -> Vec<FormChoice> {
    match session.eval.get() {
        Ok(eval) => forms::forms_of(&eval, |id| printing::template(id).map(|t| t.title.clone())),
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

/// A text of the desk table, picked when the language is known.
type Label = fn(&'static DeskTexts) -> &'static str;

/// The label of a person's text field (`mado_visit::people::TEXT_FIELDS`).
fn label_of(t: &'static DeskTexts, key: &str) -> &'static str {
    match key {
        "name" => t.forms_name,
        "birth" => t.forms_birth,
        "kana" => t.forms_kana,
        "address" => t.forms_address,
        "postal_code" => t.forms_postal,
        "phone" => t.forms_phone,
        "relation" => t.forms_relation_head,
        "domicile" => t.forms_domicile,
        "family_head" => t.forms_family_head,
        "techo_number" => t.forms_techo_number,
        "occupation" => t.forms_occupation,
        "insurance_kind" => t.forms_insurance_kind,
        "insurance_holder" => t.forms_insurance_holder,
        "insurer_name" => t.forms_insurer_name,
        "insurer_number" => t.forms_insurer_number,
        "insured_number" => t.forms_insured_number,
        "care_number" => t.forms_care_number,
        "account.bank" => t.forms_bank,
        "account.branch" => t.forms_branch,
        "account.kind" => t.forms_account_kind,
        "account.number" => t.forms_account_number,
        "account.holder" => t.forms_account_holder,
        _ => "",
    }
}

/// A text field of the person in `role`, written where that role points (the applicant's
/// details when they apply for themselves).
#[component]
fn TextEntry(
    people: RwSignal<People>,
    role: Role,
    key: &'static str,
    /// Replaces the field's usual label (「対象の方との続柄」 for the applicant).
    #[prop(optional)]
    label: Option<Label>,
) -> impl IntoView {
    let lang = use_lang();
    let id = format!("{}-{}", role.key(), key.replace('.', "-"));
    let kind = if key == "phone" { "tel" } else { "text" };
    view! {
        <div class="entry">
            <label for=id.clone()>{move || {
                let t = lang.get().desk();
                label.map_or_else(|| label_of(t, key), |f| f(t))
            }}</label>
            <input id=id type=kind autocomplete="off"
                prop:value=move || people.with(|p| p.get(role).map(|x| people::text(x, key)).unwrap_or_default())
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    people.update(|p| {
                        if let Some(x) = p.get_mut(role) {
                            people::set_text(x, key, v);
                        }
                    });
                }/>
        </div>
    }
}

/// The birth date of the person in `role` (a date field), with the reading in 和暦.
#[component]
fn BirthEntry(people: RwSignal<People>, role: Role) -> impl IntoView {
    let lang = use_lang();
    let id = format!("{}-birth", role.key());
    let problem = RwSignal::new(None::<String>);
    let shown = move || {
        people.with(|p| {
            p.get(role)
                .and_then(|x| x.birth_date)
                .map(|d| d.to_string())
                .unwrap_or_default()
        })
    };
    view! {
        <div class="entry">
            <label for=id.clone()>{move || lang.get().desk().forms_birth}</label>
            <input id=id type="date" prop:value=shown
                on:change=move |ev| match people::typed_date(&event_target_value(&ev)) {
                    Ok(d) => {
                        problem.set(None);
                        people.update(|p| if let Some(x) = p.get_mut(role) { x.birth_date = d; });
                    }
                    Err(e) => problem.set(Some(e)),
                }/>
            <crate::guide::WarekiInput label=label_of(lang.get_untracked().desk(), "birth").to_owned()
                current=Signal::derive(move || people.with(|p| p.get(role).and_then(|x| x.birth_date)))
                on_date=Callback::new(move |d| people.update(|p| if let Some(x) = p.get_mut(role) { x.birth_date = Some(d); }))/>
            {move || problem.get().map(|e| view! { <span class="problem" role="alert">{e}</span> })}
        </div>
    }
}

/// The sex of the person in `role`.
#[component]
fn SexEntry(people: RwSignal<People>, role: Role) -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().desk();
    let name = format!("{}-sex", role.key());
    let is = move |s: Sex| people.with(|p| p.get(role).and_then(|x| x.sex) == Some(s));
    let set = move |s: Sex| {
        people.update(|p| {
            if let Some(x) = p.get_mut(role) {
                x.sex = Some(s);
            }
        })
    };
    view! {
        <div class="entry" role="radiogroup" aria-label=move || t().forms_sex>
            <span class="label">{move || t().forms_sex}</span>
            <label class="choice"><input type="radio" name=name.clone() prop:checked=move || is(Sex::Male) on:change=move |_| set(Sex::Male)/>{move || t().forms_male}</label>
            <label class="choice"><input type="radio" name=name prop:checked=move || is(Sex::Female) on:change=move |_| set(Sex::Female)/>{move || t().forms_female}</label>
        </div>
    }
}

/// Who fills a role: the applicant, the person concerned, or someone else (whose details are
/// then asked). `Role::Subject` offers only the applicant and someone else.
#[component]
fn WhoChoice(people: RwSignal<People>, role: Role) -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().desk();
    let name = format!("{}-who", role.key());
    let current = move || {
        people.with(|p| match role {
            Role::Subject => Some(p.subject.clone()),
            Role::Householder => p.householder.clone(),
            Role::Payee => p.payee.clone(),
            Role::Child => p.child.clone(),
            Role::Spouse => p.spouse.clone(),
            Role::Supporter => p.supporter.clone(),
            Role::Applicant => None,
        })
    };
    let set = move |w: Who| {
        people.update(|p| match role {
            Role::Subject => p.subject = w,
            Role::Householder => p.householder = Some(w),
            Role::Payee => p.payee = Some(w),
            Role::Child => p.child = Some(w),
            Role::Spouse => p.spouse = Some(w),
            Role::Supporter => p.supporter = Some(w),
            Role::Applicant => {}
        })
    };
    let options: Vec<(u8, Label)> = match role {
        Role::Subject => vec![
            (0, |t| t.forms_subject_self),
            (2, |t| t.forms_subject_other),
        ],
        _ => vec![
            (0, |t| t.forms_subject_self),
            (1, |t| t.forms_subject),
            (2, |t| t.forms_subject_other),
        ],
    };
    view! {
        <div class="entry who" role="radiogroup">
            {options.into_iter().map(|(i, label)| {
                let name = name.clone();
                view! {
                    <label class="choice">
                        <input type="radio" name=name prop:checked=move || matches!((i, current()), (0, Some(Who::Applicant)) | (1, Some(Who::Subject)) | (2, Some(Who::Other(_))))
                            on:change=move |_| set(match i {
                                0 => Who::Applicant,
                                1 => Who::Subject,
                                _ => Who::Other(Box::default()),
                            })/>
                        {move || label(t())}
                    </label>
                }
            }).collect_view()}
        </div>
    }
}

/// Is someone else (not the applicant or the person concerned) in `role`?
fn someone_else(p: &People, role: Role) -> bool {
    matches!(
        match role {
            Role::Subject => Some(&p.subject),
            Role::Householder => p.householder.as_ref(),
            Role::Payee => p.payee.as_ref(),
            Role::Child => p.child.as_ref(),
            Role::Spouse => p.spouse.as_ref(),
            Role::Supporter => p.supporter.as_ref(),
            Role::Applicant => None,
        },
        Some(Who::Other(_))
    )
}

#[component]
pub fn FormsPanel(
    session: Session,
    marks: RwSignal<std::collections::BTreeMap<String, Mark>>,
    /// The people of the visit (cleared by the counter for the next resident).
    people: RwSignal<People>,
    /// At a move: the new address (at a 転出, the 転出先), typed once.
    new_address: RwSignal<String>,
    /// Forms staff switched on or off (otherwise: required procedures' forms are on).
    chosen: RwSignal<std::collections::BTreeMap<String, bool>>,
    /// The batch printed, for the counter record: its forms, for whom, the fields left for the
    /// hand.
    printed: RwSignal<Option<mado_visit::Printed>>,
    office_name: RwSignal<String>,
    /// The office's address, telephone and hours for the handout's foot
    /// (`mado_visit::handout::contact_line`).
    office_contact: RwSignal<String>,
    /// 宛先 from the office settings (empty: made from the office's name and the city).
    office_head: RwSignal<String>,
    staff_name: String,
) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let t = move || lang.get().desk();
    let state = RwSignal::new(PrintState::Idle);
    let staff_name = StoredValue::new(staff_name);
    let visit_def = session.guide.with_value(|g| g.visit.clone());
    let can_apply = visit_def.subject_can_apply;
    let moves = visit_def.moves.is_some();
    let subject_title = StoredValue::new(visit_def.subject.clone());

    let forms = Memo::new(move |_| forms_of(session));
    // The card (or the typed 基本4情報) may already know the person concerned's birth date:
    // the guide does not ask it again (身体障害者手帳: ご本人の生年月日, issue 20).
    Effect::new(move |_| {
        let known = people.with(|p| p.subject().birth_date);
        if let Some(d) = known
            && session
                .guide
                .with_value(|g| g.question("birth_date").is_some())
            && session
                .answers
                .with_untracked(|a| !a.0.contains_key("birth_date"))
            && d <= session.today
        {
            session.answers.update(|a| {
                a.0.insert("birth_date".into(), mado_rules::Value::Date(d));
            });
        }
    });
    // The guide may already know the person concerned's birth date (身体障害者手帳:
    // ご本人の生年月日).
    Effect::new(move |_| {
        if let Some(mado_rules::Value::Date(d)) =
            session.answers.with(|a| a.0.get("birth_date").cloned())
            && people.with_untracked(|p| p.subject().birth_date.is_none())
        {
            people.update(|p| {
                if let Some(s) = p.get_mut(Role::Subject) {
                    s.birth_date = Some(d);
                }
            });
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
    let templates = Memo::new(move |_| {
        selected()
            .iter()
            .filter_map(|id| printing::template(id))
            .collect::<Vec<_>>()
    });
    // What the chosen forms print: only that is asked.
    let asked = Memo::new(move |_| templates.with(|t| forms::sources(t)));
    let asks =
        move |role: Role, key: &str| asked.with(|a| a.contains(&format!("{}.{key}", role.key())));
    let asks_role = move |role: Role| {
        asked.with(|a| a.iter().any(|s| s.starts_with(&format!("{}.", role.key()))))
    };
    let desk = move || Desk {
        office: office_name.get(),
        city: session.guide.with_value(|g| g.city_name.clone()),
        staff: staff_name.get_value(),
        addressee: office_head.get(),
    };
    // The data the forms are filled from, as it stands now.
    let data = Memo::new(move |_| {
        let answers = session.answers.get();
        let p = people.get();
        let addr = new_address.get();
        let d = desk();
        session
            .guide
            .with_value(|g| forms::data(g, &answers, &p, &addr, &d, session.today))
            .map_err(|e| e.to_string())
    });
    // What the chosen forms would leave blank: shown before printing, to be typed now.
    let report = Memo::new(move |_| {
        data.with(|d| match d {
            Ok(d) => templates.with(|t| forms::hand_report(t, d).unwrap_or_default()),
            Err(_) => HandReport::default(),
        })
    });

    let print = move |_| {
        let l = lang.get_untracked();
        let problems: Vec<String> = people
            .with_untracked(People::missing)
            .into_iter()
            .map(|n| {
                let d = l.desk();
                match n {
                    people::Missing::Name(Role::Applicant) => l.fill_in(d.forms_name),
                    people::Missing::Name(role) => {
                        format!("{}: {}", role.ja(), l.fill_in(d.forms_name))
                    }
                    people::Missing::Address => l.fill_in(d.forms_address),
                    people::Missing::Birth => l.fill_in(d.forms_birth),
                    people::Missing::Sex => l.fill_in(d.forms_sex),
                }
            })
            .collect();
        if !problems.is_empty() {
            state.set(PrintState::Failed(problems));
            return;
        }
        let Ok(eval) = session.eval.get_untracked() else {
            return;
        };
        let data = match data.get_untracked() {
            Ok(d) => d,
            Err(e) => {
                state.set(PrintState::Failed(vec![e]));
                return;
            }
        };
        let ids = selected();
        let hand_fields = report.with_untracked(HandReport::missing_count);
        let title = session.guide.with_value(|g| g.title.clone());
        let answers = session.answers.get_untracked();
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
        let items = mado_visit::handout::items(&eval, &marks.get_untracked());
        let handout = mado_visit::handout::handout(
            title,
            &data.applicant.name,
            &desk(),
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
                        printed.set(Some(mado_visit::Printed {
                            at_ms: js_sys::Date::now() as i64,
                            forms: ids.clone(),
                            printed_for: data.applicant.name.clone(),
                            hand_fields: u32::try_from(hand_fields).unwrap_or(u32::MAX),
                        }));
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

    // The text fields of `role` the chosen forms print, beyond those given.
    let extra = move |role: Role, skip: &'static [&'static str]| {
        people::TEXT_FIELDS
            .iter()
            .copied()
            .filter(move |k| !skip.contains(k))
            .filter(move |k| asks(role, k))
            .map(move |key| view! { <TextEntry people=people role=role key=key/> })
            .collect_view()
    };
    const BASIC: &[&str] = &["name", "kana", "address", "phone", "relation"];
    let block = move |role: Role, title: Label| {
        view! {
            <fieldset class="person" data-role=role.key()>
                <legend>{move || title(t())}</legend>
                <WhoChoice people=people role=role/>
                <Show when=move || people.with(|p| someone_else(p, role))>
                    <TextEntry people=people role=role key="name"/>
                    <TextEntry people=people role=role key="kana"/>
                    {(asks(role, "birth_date") || asks(role, "birth_date.seireki")).then(|| view! { <BirthEntry people=people role=role/> })}
                    {asks(role, "sex").then(|| view! { <SexEntry people=people role=role/> })}
                    {asks(role, "address").then(|| view! { <TextEntry people=people role=role key="address"/> })}
                    {asks(role, "relation").then(|| view! { <TextEntry people=people role=role key="relation"/> })}
                </Show>
                {move || people.with(|p| p.get(role).is_some()).then(|| extra(role, BASIC))}
            </fieldset>
        }
    };

    view! {
        <section class="forms-panel" aria-labelledby="forms-title">
            <h2 id="forms-title">{move || t().forms_title}</h2>
            <div class="forms-grid">
                <div class="people">
                    <fieldset class="applicant">
                        <legend>{move || t().forms_applicant}</legend>
                        <super::card_reader::CardReader on_apply=Callback::new(move |read: Person| {
                            people.update(|p| mado_visit::card::take(&mut p.applicant, &read));
                        })/>
                        <TextEntry people=people role=Role::Applicant key="name"/>
                        <TextEntry people=people role=Role::Applicant key="kana"/>
                        <TextEntry people=people role=Role::Applicant key="address"/>
                        <BirthEntry people=people role=Role::Applicant/>
                        <SexEntry people=people role=Role::Applicant/>
                        <TextEntry people=people role=Role::Applicant key="phone"/>
                        {move || (asks(Role::Applicant, "relation") && !people.with(People::self_applying)).then(|| view! {
                            <TextEntry people=people role=Role::Applicant key="relation" label=|t| t.forms_relation/>
                        })}
                        {move || extra(Role::Applicant, BASIC)}
                    </fieldset>
                    {moves.then(|| view! {
                        <fieldset class="move">
                            <legend>{move || t().forms_new_address}</legend>
                            <p class="help">{move || t().forms_move_help}</p>
                            <div class="entry">
                                <label for="new-address">{move || t().forms_new_address}</label>
                                <input id="new-address" autocomplete="off" prop:value=move || new_address.get()
                                    on:input=move |ev| new_address.set(event_target_value(&ev))/>
                            </div>
                        </fieldset>
                    })}
                    <fieldset class="person" data-role="subject">
                        <legend>{move || t().forms_subject}{move || subject_title.with_value(|s| if s.is_empty() { String::new() } else { format!("（{s}）") })}</legend>
                        {can_apply.then(|| view! { <WhoChoice people=people role=Role::Subject/> })}
                        <Show when=move || !people.with(People::self_applying)>
                            <TextEntry people=people role=Role::Subject key="name"/>
                            <TextEntry people=people role=Role::Subject key="kana"/>
                            <BirthEntry people=people role=Role::Subject/>
                            <SexEntry people=people role=Role::Subject/>
                            <p class="help">{move || t().forms_same_address}</p>
                            <TextEntry people=people role=Role::Subject key="address"/>
                        </Show>
                        {move || extra(Role::Subject, &["name", "kana", "address", "phone"])}
                    </fieldset>
                    {move || asks_role(Role::Householder).then(|| block(Role::Householder, |t| t.forms_householder))}
                    {move || asks_role(Role::Payee).then(|| view! {
                        <p class="help">{move || t().forms_payee_help}</p>
                        {block(Role::Payee, |t| t.forms_payee)}
                    })}
                    {move || asks_role(Role::Child).then(|| block(Role::Child, |t| t.forms_child))}
                    {move || asks_role(Role::Spouse).then(|| block(Role::Spouse, |t| t.forms_spouse))}
                    {move || asks_role(Role::Supporter).then(|| view! {
                        <p class="help">{move || t().forms_supporter_help}</p>
                        {block(Role::Supporter, |t| t.forms_supporter)}
                    })}
                </div>
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
                    <div class="blanks" data-testid="blanks" data-missing=move || report.with(HandReport::missing_count)>
                        <h3>{move || t().forms_blank_title}</h3>
                        {move || report.with(|r| if r.missing.is_empty() {
                            view! { <p class="ok">{t().forms_blank_none}</p> }.into_any()
                        } else {
                            view! {
                                <p class="warn">{lang.get().forms_blanks(r.missing.len())}</p>
                                <ul data-testid="blank-list">{r.missing.iter().map(|b| view! { <li>{b.form.clone()}"：" {b.field.clone()}</li> }).collect_view()}</ul>
                            }.into_any()
                        })}
                        <details>
                            <summary>{move || format!("{}（{}）", t().forms_by_hand, report.with(|r| r.by_design.iter().filter(|b| matches!(b.kind, mado_forms::BlankKind::Hand(h) if h.by_resident())).count()))}</summary>
                            <ul>{move || report.with(|r| r.by_design.iter().filter(|b| matches!(b.kind, mado_forms::BlankKind::Hand(h) if h.by_resident())).map(|b| view! { <li>{b.to_string()}</li> }).collect_view())}</ul>
                        </details>
                    </div>
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

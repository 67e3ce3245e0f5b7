//! The procedure guide's shared parts: the embedded rule packs, a guide session (answers and
//! the live evaluation), the question fields and the grouped list of procedures. The
//! counter (`/counter`) and the resident page (`/apply`) are built from these.

use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

use leptos::prelude::*;
use mado_civil::Date;
use mado_rules::pack::{QuestionDef, QuestionType, Status};
use mado_rules::{Answers, Bundle, Evaluation, Guide, ProcedureResult, Value};

use crate::i18n::{Lang, use_lang};

/// Every pack and city profile, checked and embedded at build time (`build.rs`). Only the
/// desk carries it ([`embed_japanese`]); the resident bundle fetches its language's packs.
static BUNDLE_JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/packs.json"));

/// The embedded rule packs, parsed once (the desk's).
pub fn bundle() -> Result<&'static Bundle, String> {
    static BUNDLE: OnceLock<Result<Bundle, String>> = OnceLock::new();
    BUNDLE
        .get_or_init(|| serde_json::from_str(BUNDLE_JSON).map_err(|e| e.to_string()))
        .as_ref()
        .map_err(Clone::clone)
}

thread_local! {
    /// The packs in each language here so far (kept for the page's life).
    static PACKS: std::cell::RefCell<BTreeMap<Lang, &'static Bundle>> =
        std::cell::RefCell::default();
    /// Bumped when a language's packs arrive or cannot, so what reads [`bundle_in`] runs again.
    static ARRIVED: ArcRwSignal<u32> = ArcRwSignal::new(0);
    /// Why a language's packs could not be fetched, by language.
    static FAILED: std::cell::RefCell<BTreeMap<Lang, String>> = std::cell::RefCell::default();
}

/// The desk's Japanese packs come from its own bundle, not the network: the counter guides
/// with no relay at all.
pub fn embed_japanese() -> Result<(), String> {
    let b = bundle()?;
    PACKS.with(|p| p.borrow_mut().insert(Lang::Ja, b));
    Ok(())
}

/// The rule packs as a resident reading `lang` sees them: in `lang` once they have arrived
/// ([`load_language`]), else in Japanese if those are here, else `None` (still loading, or
/// see [`load_problem`]). Reactive: read inside a closure, it runs again when packs arrive.
pub fn bundle_in(lang: Lang) -> Option<&'static Bundle> {
    ARRIVED.with(|a| a.track());
    PACKS.with(|p| {
        let p = p.borrow();
        p.get(&lang).or_else(|| p.get(&Lang::Ja)).copied()
    })
}

/// Why the packs for `lang` could not be fetched (reactive, like [`bundle_in`]).
pub fn load_problem(lang: Lang) -> Option<String> {
    ARRIVED.with(|a| a.track());
    FAILED.with(|f| f.borrow().get(&lang).cloned())
}

/// Fetches the packs in `lang` once (`/lang/packs/<code>.json`), unless they are here already.
/// Until they arrive the guide shows what it has (Japanese, at the desk).
pub fn load_language(lang: Lang) {
    if PACKS.with(|p| p.borrow().contains_key(&lang)) {
        return;
    }
    leptos::task::spawn_local(async move {
        if PACKS.with(|p| p.borrow().contains_key(&lang)) {
            return;
        }
        match crate::api::localized_packs(lang.code()).await {
            Ok(b) => {
                let leaked: &'static Bundle = Box::leak(Box::new(b.bundle));
                PACKS.with(|p| p.borrow_mut().insert(lang, leaked));
                FAILED.with(|f| f.borrow_mut().remove(&lang));
            }
            Err(e) => {
                leptos::logging::warn!("the packs in {} could not be loaded: {e}", lang.code());
                FAILED.with(|f| f.borrow_mut().insert(lang, e.to_string()));
            }
        }
        ARRIVED.with(|a| a.update(|n| *n += 1));
    });
}

/// Today in the browser's time zone (the office's).
pub fn today() -> Date {
    let d = js_sys::Date::new_0();
    Date::new(
        d.get_full_year() as i32,
        d.get_month() as u8 + 1,
        d.get_date() as u8,
    )
    .unwrap_or(Date::from_days_since_epoch(
        (d.get_time() / 86_400_000.0) as i64,
    ))
}

/// The life event's title from the rule packs (the pack id if unknown).
pub fn event_title(pack: &str, city: &str) -> String {
    bundle_in(Lang::Ja)
        .and_then(|b| b.guide(pack, city).ok())
        .map_or_else(|| pack.to_owned(), |g| g.title.clone())
}

/// The answers form `id` prints (`Template::answers_read` of each template, worked out at
/// build time so the guide needs no templates: `build.rs`).
fn form_answers(id: &str) -> &'static [String] {
    static JSON: &str = include_str!(concat!(env!("OUT_DIR"), "/form_answers.json"));
    static READS: OnceLock<BTreeMap<String, Vec<String>>> = OnceLock::new();
    READS
        .get_or_init(|| serde_json::from_str(JSON).unwrap_or_default())
        .get(id)
        .map_or(&[], Vec::as_slice)
}

/// Saved per device: which city's rules the counter uses.
pub const CITY_KEY: &str = "mado.city";

/// One guide in progress: the guide, the answers so far and the live result.
#[derive(Debug, Clone, Copy)]
pub struct Session {
    pub guide: StoredValue<Arc<Guide>>,
    pub answers: RwSignal<Answers>,
    pub eval: Memo<Result<Evaluation, String>>,
    pub today: Date,
}

impl Session {
    pub fn new(guide: Guide, answers: Answers, today: Date) -> Self {
        // What the forms print stays asked while their procedure applies (issue 20).
        let guide = guide.with_form_answers(|id| form_answers(id).to_vec());
        let guide = Arc::new(guide);
        let answers = RwSignal::new(answers);
        let g = guide.clone();
        let eval =
            Memo::new(move |_| answers.with(|a| g.evaluate(a, today).map_err(|e| e.to_string())));
        Self {
            guide: StoredValue::new(guide),
            answers,
            eval,
            today,
        }
    }

    fn question(&self, id: &str) -> Option<QuestionDef> {
        self.guide
            .with_value(|g| g.question(id).map(|q| q.def.clone()))
    }

    fn set(&self, id: &str, v: Option<Value>) {
        self.answers.update(|a| {
            match v {
                Some(v) => a.0.insert(id.to_owned(), v),
                None => a.0.remove(id),
            };
        });
    }

    fn get(&self, id: &str) -> Option<Value> {
        self.answers.with(|a| a.0.get(id).cloned())
    }
}

/// How staff handled a procedure at the counter (the visit's own type).
pub use mado_visit::Mark;

/// Scrolls to a question and focuses its first input.
fn go_to_question(id: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Some(el) = doc.get_element_by_id(&format!("q-{id}")) {
        el.scroll_into_view();
        if let Ok(Some(input)) = el.query_selector("input") {
            use wasm_bindgen::JsCast;
            if let Ok(input) = input.dyn_into::<web_sys::HtmlElement>() {
                let _ = input.focus();
            }
        }
    }
}

/// The questions shown now, in order; each can be changed at any time.
#[component]
pub fn Questions(session: Session) -> impl IntoView {
    let lang = use_lang();
    // What decides the list first; what only the forms print after, under its own heading,
    // so that the list is complete once the first part is answered (issue 20).
    let part = move |forms: bool| {
        session.eval.with(|e| {
            e.as_ref()
                .map(|e| {
                    e.questions
                        .iter()
                        .filter(|q| e.for_forms.contains(q) == forms)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let any_for_forms = move || !part(true).is_empty();
    view! {
        <section class="questions" aria-labelledby="questions-title">
            <h2 id="questions-title">{move || lang.get().desk().guide_questions}</h2>
            <For each=move || part(false) key=|id| id.clone() let:id>
                <QuestionField session=session id=id/>
            </For>
            <div class="for-forms-part">
                <Show when=any_for_forms>
                    <h3 class="for-forms">{move || lang.get().desk().guide_for_forms}</h3>
                    <p class="help">{move || lang.get().desk().guide_for_forms_help}</p>
                </Show>
                <For each=move || part(true) key=|id| id.clone() let:id>
                    <QuestionField session=session id=id/>
                </For>
            </div>
        </section>
    }
}

#[component]
fn QuestionField(session: Session, id: String) -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().desk();
    let Some(def) = session.question(&id) else {
        return ().into_any();
    };
    let answered = {
        let id = id.clone();
        move || session.answers.with(|a| a.0.contains_key(&id))
    };
    let clear = {
        let id = id.clone();
        move |_| session.set(&id, None)
    };
    let problem = RwSignal::new(None::<String>);
    let input_id = format!("in-{id}");
    let help = (!def.help.is_empty()).then(|| view! { <p class="help">{def.help.clone()}</p> });
    // 「わからない」 where the pack offers it (issue 20 item 4): not asked again, and what
    // settles it is said here and in the reasons of what waits for it.
    let unknown = def.unknown.clone().map(|settles| {
        let (id2, id3) = (id.clone(), id.clone());
        let is_unknown = move || session.get(&id2) == Some(Value::Unknown);
        let name = format!("{id}-unknown");
        view! {
            <label class="choice unknown">
                <input type="checkbox" name=name prop:checked=is_unknown.clone()
                    on:change=move |ev| {
                        problem.set(None);
                        session.set(&id3, event_target_checked(&ev).then_some(Value::Unknown));
                    }/>
                <span>{move || t().guide_unknown}</span>
            </label>
            <Show when=is_unknown>
                <p class="help unknown-help">{settles.clone()}</p>
            </Show>
        }
    });
    let body = match def.kind {
        QuestionType::Bool => {
            [true, false]
                .into_iter()
                .map(|value| {
                    let id2 = id.clone();
                    let checked = move || session.get(&id2) == Some(Value::Bool(value));
                    let id3 = id.clone();
                    view! {
                        <label class="choice">
                            <input type="radio" name=id.clone() prop:checked=checked
                                on:change=move |_| session.set(&id3, Some(Value::Bool(value)))/>
                            <span>{move || if value { t().guide_yes } else { t().guide_no }}</span>
                        </label>
                    }
                })
                .collect_view()
                .into_any()
        }
        QuestionType::Choice => def
            .options
            .iter()
            .map(|o| {
                let (id2, id3, oid, oid2) = (id.clone(), id.clone(), o.id.clone(), o.id.clone());
                let checked = move || session.get(&id2) == Some(Value::Choice(oid.clone()));
                view! {
                    <label class="choice">
                        <input type="radio" name=id.clone() prop:checked=checked
                            on:change=move |_| session.set(&id3, Some(Value::Choice(oid2.clone())))/>
                        <span>{o.label.clone()}</span>
                    </label>
                }
            })
            .collect_view()
            .into_any(),
        QuestionType::Multi => def
            .options
            .iter()
            .map(|o| {
                let (id2, id3, oid, oid2) = (id.clone(), id.clone(), o.id.clone(), o.id.clone());
                let checked = move || matches!(session.get(&id2), Some(Value::Multi(v)) if v.contains(&oid));
                view! {
                    <label class="choice">
                        <input type="checkbox" prop:checked=checked
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                let mut v = match session.get(&id3) {
                                    Some(Value::Multi(v)) => v,
                                    _ => Vec::new(),
                                };
                                v.retain(|x| x != &oid2);
                                if on {
                                    v.push(oid2.clone());
                                }
                                session.set(&id3, Some(Value::Multi(v)));
                            }/>
                        <span>{o.label.clone()}</span>
                    </label>
                }
            })
            .collect_view()
            .into_any(),
        QuestionType::Number => {
            let (id2, id3) = (id.clone(), id.clone());
            let (min, max) = (def.min, def.max);
            let value = move || match session.get(&id2) {
                Some(Value::Int(n)) => n.to_string(),
                _ => String::new(),
            };
            view! {
                <span class="number">
                    <input id=input_id.clone() type="number" inputmode="numeric" min=min max=max
                        prop:value=value
                        aria-invalid=move || problem.get().is_some().then_some("true")
                        on:input=move |ev| {
                            let text = event_target_value(&ev);
                            let text = text.trim();
                            if text.is_empty() {
                                problem.set(None);
                                session.set(&id3, None);
                                return;
                            }
                            match text.parse::<i64>() {
                                Ok(n) if min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m) => {
                                    problem.set(None);
                                    session.set(&id3, Some(Value::Int(n)));
                                }
                                _ => problem.set(Some(lang.get_untracked().number_range(min, max))),
                            }
                        }/>
                    <span class="unit">{def.unit.clone()}</span>
                </span>
            }
            .into_any()
        }
        QuestionType::Date => {
            let (id2, id3, id4, id5) = (id.clone(), id.clone(), id.clone(), id.clone());
            let value = move || match session.get(&id2) {
                Some(Value::Date(d)) => d.to_string(),
                _ => String::new(),
            };
            let current = move || match session.get(&id5) {
                Some(Value::Date(d)) => Some(d),
                _ => None,
            };
            // A date of something that has happened (a death, a birth) cannot be after today:
            // refused here as `mado-rules eval` refuses it, the answer kept as it was.
            let past = def.past;
            let today = session.today;
            let accept = move |id: &str, d: Option<Date>| match d {
                Some(d) if past && d > today => {
                    problem.set(Some(t().guide_future_date.to_owned()));
                }
                d => {
                    problem.set(None);
                    session.set(id, d.map(Value::Date));
                }
            };
            view! {
                <span class="date">
                    <input id=input_id.clone() type="date" prop:value=value
                        aria-invalid=move || problem.get().is_some().then_some("true")
                        on:change=move |ev| {
                            let text = event_target_value(&ev);
                            accept(&id3, Date::parse_iso(text.trim()).ok());
                        }/>
                    <WarekiInput label=def.label.clone() current=Signal::derive(current)
                        on_date=Callback::new(move |d: Date| accept(&id4, Some(d)))/>
                </span>
            }
            .into_any()
        }
    };
    let labelled = matches!(def.kind, QuestionType::Number | QuestionType::Date);
    let legend = if labelled {
        view! { <label class="legend" for=input_id.clone()>{def.label.clone()}</label> }.into_any()
    } else {
        view! { <legend>{def.label.clone()}</legend> }.into_any()
    };
    view! {
        <fieldset class="q" id=format!("q-{id}") class:answered=answered.clone()>
            {legend}
            {help}
            <div class="answer">{body}{unknown}</div>
            {move || problem.get().map(|p| view! { <p class="field-error" role="alert">{p}</p> })}
            <Show when=answered.clone()>
                <button type="button" class="link" on:click=clear.clone()>{move || t().guide_clear}</button>
            </Show>
        </fieldset>
    }
    .into_any()
}

/// A date typed in era form beside a date field (issue 19 item 7): 「S31.4.10」「昭和31年4月10日」
/// as a clerk reads it off a document; shows the current date in era form, and says what is
/// wrong with text that is not one.
#[component]
pub fn WarekiInput(
    /// The question or field, for the input's accessible name.
    label: String,
    current: Signal<Option<Date>>,
    on_date: Callback<Date>,
) -> impl IntoView {
    let lang = use_lang();
    let text = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let name = move || format!("{label}（{}）", lang.get().desk().guide_wareki);
    let read = move || {
        let t = text.get_untracked();
        if t.trim().is_empty() {
            problem.set(None);
            return;
        }
        match Date::parse_wareki(&t) {
            Ok(d) => {
                problem.set(None);
                text.set(String::new());
                on_date.run(d);
            }
            Err(e) => problem.set(Some(lang.get_untracked().wareki_problem(&t, &e))),
        }
    };
    view! {
        <span class="wareki-entry">
            <input type="text" class="wareki-input" aria-label=name inputmode="text" autocomplete="off"
                placeholder=move || lang.get().desk().guide_wareki_placeholder
                prop:value=move || text.get()
                on:input=move |ev| text.set(event_target_value(&ev))
                on:change=move |_| read()
                on:keydown=move |ev| if ev.key() == "Enter" { ev.prevent_default(); read(); }/>
            <span class="wareki">{move || current.get().and_then(|d| d.wareki().ok()).map(|w| w.to_string()).unwrap_or_default()}</span>
            {move || problem.get().map(|p| view! { <span class="field-error" role="alert">{p}</span> })}
        </span>
    }
}

fn heading(status: Status, t: &'static crate::i18n::DeskTexts) -> &'static str {
    match status {
        Status::Required => t.guide_required,
        Status::MayApply => t.guide_may_apply,
        Status::NeedsAnswer => t.guide_needs_answer,
        Status::NotApplicable => t.guide_not_applicable,
    }
}

/// The procedures grouped 必要な手続き / 対象の可能性あり / 確認が必要, then 対象外 folded.
/// With `marks`, staff can mark each one 本日受付 / 後日 / 案内済み.
#[component]
pub fn Results(
    session: Session,
    #[prop(optional)] marks: Option<RwSignal<BTreeMap<String, Mark>>>,
) -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().desk();
    let group = move |status: Status| {
        session.eval.with(|e| {
            e.as_ref()
                .map(|e| {
                    e.procedures
                        .iter()
                        .filter(|p| p.status == status)
                        .cloned()
                        .collect::<Vec<_>>()
                })
                .unwrap_or_default()
        })
    };
    let failed = move || session.eval.with(|e| e.as_ref().err().cloned());
    let nothing_yet = move || {
        session.eval.with(|e| {
            e.as_ref().is_ok_and(|e| {
                e.procedures
                    .iter()
                    .all(|p| matches!(p.status, Status::NotApplicable | Status::NeedsAnswer))
            })
        })
    };
    let section = move |status: Status, class: &'static str| {
        view! {
            <Show when=move || !group(status).is_empty()>
                <section class=format!("group {class}")>
                    <h3>
                        {move || heading(status, t())}
                        <span class="count">{move || lang.get().count(group(status).len())}</span>
                    </h3>
                    <For each=move || group(status) key=|p| (p.id.clone(), p.status, p.reasons.clone(), p.deadline.clone()) let:p>
                        <ProcedureCard p=p marks=marks/>
                    </For>
                </section>
            </Show>
        }
    };
    view! {
        <section class="results" aria-labelledby="results-title" aria-live="polite">
            <h2 id="results-title">{move || t().guide_results}</h2>
            {move || failed().map(|e| view! { <p class="problem">{t().guide_load_failed}" "{e}</p> })}
            <Show when=nothing_yet>
                <p class="hint">{move || t().guide_nothing_yet}</p>
            </Show>
            {section(Status::Required, "required")}
            {section(Status::MayApply, "may-apply")}
            {section(Status::NeedsAnswer, "needs-answer")}
            <Show when=move || !group(Status::NotApplicable).is_empty()>
                <details class="group not-applicable">
                    <summary>
                        {move || t().guide_not_applicable}
                        <span class="count">{move || lang.get().count(group(Status::NotApplicable).len())}</span>
                    </summary>
                    <ul class="na-list">
                        <For each=move || group(Status::NotApplicable) key=|p| (p.id.clone(), p.reasons.clone()) let:p>
                            <li>
                                <strong>{p.name.clone()}</strong>
                                <span class="why">{p.reasons.iter().map(|r| r.text.clone()).collect::<Vec<_>>().join("／")}</span>
                            </li>
                        </For>
                    </ul>
                </details>
            </Show>
        </section>
    }
}

#[component]
fn ProcedureCard(
    p: ProcedureResult,
    marks: Option<RwSignal<BTreeMap<String, Mark>>>,
) -> impl IntoView {
    let lang = use_lang();
    let t = move || lang.get().desk();
    let id = p.id.clone();
    let deadline = p.deadline.clone().map(|d| {
        // In the packs' language (the engine's phrases), with how it is counted.
        let when = d.until.unwrap_or(d.text);
        view! {
            <div class="row"><dt>{move || t().guide_deadline}</dt><dd class="deadline">{when}</dd></div>
        }
    });
    let documents = (!p.documents.is_empty()).then(|| {
        let docs = p.documents.clone();
        view! {
            <div class="row"><dt>{move || t().guide_documents}</dt>
                <dd><ul class="docs">{docs.into_iter().map(|d| view! { <li>{d}</li> }).collect_view()}</ul></dd>
            </div>
        }
    });
    let counter = {
        let c = p.counter.clone();
        let extra = [c.phone.clone(), c.note.clone()]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect::<Vec<_>>()
            .join("　");
        view! {
            <div class="row"><dt>{move || t().guide_counter}</dt>
                <dd><span class="counter-name">{c.name}</span>
                    {(!extra.is_empty()).then(|| view! { <span class="counter-note">{extra}</span> })}
                </dd>
            </div>
        }
    };
    let note = (!p.note.is_empty()).then(|| view! { <p class="note">{p.note.clone()}</p> });
    let missing = p.missing.first().cloned().map(|q| {
        view! {
            <button type="button" class="secondary go" on:click=move |_| go_to_question(&q)>
                {move || t().guide_go_question}
            </button>
        }
    });
    let mark_buttons = marks.filter(|_| matches!(p.status, Status::Required | Status::MayApply)).map(|marks| {
        let choices = [
            (Mark::Today, t().guide_mark_today),
            (Mark::Later, t().guide_mark_later),
            (Mark::Informed, t().guide_mark_informed),
        ];
        let id = id.clone();
        view! {
            <div class="marks" role="group" aria-label=move || t().guide_mark_label>
                {choices.into_iter().map(|(m, _)| {
                    let (id1, id2) = (id.clone(), id.clone());
                    let pressed = move || marks.with(|ms| ms.get(&id1) == Some(&m));
                    let label = move || match m {
                        Mark::Today => t().guide_mark_today,
                        Mark::Later => t().guide_mark_later,
                        Mark::Informed => t().guide_mark_informed,
                    };
                    view! {
                        <button type="button" class="mark" aria-pressed=move || if pressed() { "true" } else { "false" }
                            on:click=move |_| marks.update(|ms| {
                                if ms.get(&id2) == Some(&m) {
                                    ms.remove(&id2);
                                } else {
                                    ms.insert(id2.clone(), m);
                                }
                            })>
                            {label}
                        </button>
                    }
                }).collect_view()}
            </div>
        }
    });
    let reasons = p.reasons.clone();
    let source = p.source.clone();
    view! {
        <article class="procedure" data-id=p.id.clone()>
            <h4>{p.name.clone()}</h4>
            <dl>
                {counter}
                {deadline}
                {documents}
            </dl>
            {note}
            <div class="reasons">
                <span class="label">{move || t().guide_reasons}</span>
                <ul>{reasons.into_iter().map(|r| view! { <li>{r.text}</li> }).collect_view()}</ul>
                <a class="source" href=source target="_blank" rel="noopener">{move || t().guide_source}</a>
            </div>
            {missing}
            {mark_buttons}
        </article>
    }
}

/// Big buttons, one per life event (pack), with its summary.
#[component]
pub fn EventPicker(on_pick: Callback<String>) -> impl IntoView {
    let lang = use_lang();
    Effect::new(move |_| load_language(lang.get()));
    let packs = move || -> Vec<(String, String, String)> {
        bundle_in(lang.get())
            .map(|b| {
                b.packs
                    .iter()
                    .map(|p| (p.id.clone(), p.title.clone(), p.summary.clone()))
                    .collect()
            })
            .unwrap_or_default()
    };
    view! {
        <section class="events">
            <h2>{move || lang.get().desk().guide_choose_event}</h2>
            <div class="event-grid">
                {move || packs().into_iter().map(|(id, title, summary)| {
                    view! {
                        <button type="button" class="event" data-pack=id.clone() on:click=move |_| on_pick.run(id.clone())>
                            <strong>{title}</strong>
                            <span>{summary}</span>
                        </button>
                    }
                }).collect_view()}
            </div>
        </section>
    }
}

/// The cities with a profile, for a picker: (id, name), named in Japanese if those packs are
/// here, else in the language that is (the ids are the same in every language).
pub fn cities() -> Vec<(String, String)> {
    let lang = PACKS.with(|p| {
        let p = p.borrow();
        if p.contains_key(&Lang::Ja) {
            Lang::Ja
        } else {
            p.keys().next().copied().unwrap_or(Lang::Ja)
        }
    });
    cities_in(lang)
}

/// The cities with a profile, named in `lang` once its packs have arrived.
pub fn cities_in(lang: Lang) -> Vec<(String, String)> {
    bundle_in(lang)
        .map(|b| {
            b.cities
                .iter()
                .map(|c| (c.id.clone(), c.name.clone()))
                .collect()
        })
        .unwrap_or_default()
}

/// The city from `?city=`, the saved choice, or the first profile.
pub fn initial_city() -> String {
    let cities = cities();
    let known = |c: &String| cities.iter().any(|(id, _)| id == c);
    leptos_router::hooks::use_query_map()
        .get_untracked()
        .get("city")
        .filter(known)
        .or_else(|| crate::shell::load_setting(CITY_KEY).filter(known))
        .or_else(|| cities.first().map(|(id, _)| id.clone()))
        .unwrap_or_default()
}

/// A select of the cities with rule profiles.
#[component]
pub fn CityPicker(city: RwSignal<String>) -> impl IntoView {
    let lang = use_lang();
    view! {
        <label class="city-picker">
            <span>{move || lang.get().desk().guide_city}</span>
            <select on:change=move |ev| city.set(event_target_value(&ev)) prop:value=move || city.get()>
                {move || cities_in(lang.get()).into_iter().map(|(id, name)| {
                    let selected = city.get_untracked() == id;
                    view! { <option value=id selected=selected>{name}</option> }
                }).collect_view()}
            </select>
        </label>
    }
}

/// The life event's title in whichever city's rules have it (the pack id if none).
pub fn pack_title(pack: &str) -> String {
    cities()
        .iter()
        .find_map(|(city, _)| {
            bundle_in(Lang::Ja)
                .and_then(|b| b.guide(pack, city).ok())
                .map(|g| g.title.clone())
        })
        .unwrap_or_else(|| pack.to_owned())
}

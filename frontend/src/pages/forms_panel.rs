//! The counter's printing step: the resident's 基本4情報 (typed once; the card reader comes
//! with issue 4), the forms the guide selected (editable), and one PDF — the handout first,
//! then every form — opened for printing.

use std::collections::{BTreeMap, BTreeSet};

use leptos::prelude::*;
use mado_forms::{Applicant, Data, FormError, Handout, HandoutItem, NoticeKind};
use mado_rules::Status;

use crate::guide::{Mark, Session};
use crate::printing;

/// One form the guide asks for: (template id, title, the procedure it is for, preselected).
fn forms_of(session: Session) -> Vec<(String, String, String, bool)> {
    let Ok(eval) = session.eval.get() else {
        return Vec::new();
    };
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for p in &eval.procedures {
        if !matches!(p.status, Status::Required | Status::MayApply) {
            continue;
        }
        for f in &p.forms {
            if let Some(t) = printing::template(f)
                && seen.insert(f.clone())
            {
                out.push((
                    f.clone(),
                    t.title.clone(),
                    p.name.clone(),
                    p.status == Status::Required,
                ));
            }
        }
    }
    out
}

fn mark_text(m: Mark) -> &'static str {
    match m {
        Mark::Today => "本日受付",
        Mark::Later => "後日",
        Mark::Informed => "案内済み",
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

/// A labelled text input bound to one field of the applicant.
#[component]
fn Input(
    label: &'static str,
    id: &'static str,
    value: RwSignal<String>,
    #[prop(optional)] kind: Option<&'static str>,
    #[prop(optional)] autocomplete: Option<&'static str>,
) -> impl IntoView {
    view! {
        <div class="entry">
            <label for=id>{label}</label>
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
    office_name: RwSignal<String>,
    staff_name: String,
) -> impl IntoView {
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
    let selected = move || {
        forms
            .get()
            .into_iter()
            .filter(|(id, _, _, pre)| chosen.with(|c| c.get(id).copied().unwrap_or(*pre)))
            .map(|(id, ..)| id)
            .collect::<Vec<_>>()
    };

    let print = move |_| {
        let mut problems = Vec::new();
        for (v, what) in [
            (name, "氏名"),
            (address, "住所"),
            (birth, "生年月日"),
            (sex, "性別"),
        ] {
            if v.get_untracked().trim().is_empty() {
                problems.push(format!("{what}を入力してください"));
            }
        }
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
            Some(mado_rules::Value::Date(d)) => d.to_string(),
            _ => String::new(),
        };
        let subject = (!subject_name.get_untracked().trim().is_empty()).then(|| Applicant {
            name: subject_name.get_untracked().trim().to_owned(),
            address: address.get_untracked().trim().to_owned(),
            birth_date: subject_birth.get_untracked(),
            ..Applicant::default()
        });
        let data = Data {
            applicant: Applicant {
                name: name.get_untracked().trim().to_owned(),
                kana: kana.get_untracked().trim().to_owned(),
                address: address.get_untracked().trim().to_owned(),
                postal_code: String::new(),
                birth_date: birth.get_untracked(),
                sex: sex.get_untracked(),
                phone: phone.get_untracked().trim().to_owned(),
            },
            subject,
            answers: answer_text,
            event_date,
            today: session.today.to_string(),
            office: office_name.get_untracked(),
            city: city_name.clone(),
            staff: staff_name.get_value(),
        };
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
        let ms = marks.get_untracked();
        let items: Vec<HandoutItem> = eval
            .procedures
            .iter()
            .filter(|p| p.status != Status::NotApplicable)
            .map(|p| HandoutItem {
                name: p.name.clone(),
                group: p.status.heading_ja().to_owned(),
                counter: p.counter.name.clone(),
                deadline: p
                    .deadline
                    .as_ref()
                    .map(|d| match &d.wareki {
                        Some(w) => format!("{w}まで（{}）", d.text),
                        None => d.text.clone(),
                    })
                    .unwrap_or_default(),
                documents: p.documents.clone(),
                done: ms
                    .get(&p.id)
                    .map(|m| mark_text(*m).to_owned())
                    .unwrap_or_default(),
            })
            .collect();
        let handout = Handout {
            title,
            name: data.applicant.name.clone(),
            office: format!("{city_name} {}", data.office),
            date: mado_rules::engine::wareki_with_weekday(session.today),
            contact: String::new(),
            url: link,
            items,
        };
        state.set(PrintState::Working);
        leptos::task::spawn_local(async move {
            let font = match printing::font().await {
                Ok(f) => f,
                Err(e) => {
                    state.set(PrintState::Failed(vec![format!(
                        "印刷用の文字（フォント）を読み込めませんでした: {e}"
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
                        let notes = notices
                            .iter()
                            .filter(|n| !matches!(n.kind, NoticeKind::Shrunk { .. }))
                            .map(ToString::to_string)
                            .collect();
                        if let Some(w) = web_sys::window() {
                            let _ = w.open_with_url_and_target(&url, "_blank");
                        }
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
                Err(e) => state.set(PrintState::Failed(vec![e.to_string()])),
            }
        });
    };

    view! {
        <section class="forms-panel" aria-labelledby="forms-title">
            <h2 id="forms-title">"申請書の印刷"</h2>
            <div class="forms-grid">
                <fieldset class="applicant">
                    <legend>"申請者（マイナンバーカードの券面どおりに）"</legend>
                    <Input label="氏名" id="ap-name" value=name autocomplete="off"/>
                    <Input label="ふりがな" id="ap-kana" value=kana/>
                    <Input label="住所" id="ap-address" value=address/>
                    <Input label="生年月日" id="ap-birth" value=birth kind="date"/>
                    <div class="entry" role="radiogroup" aria-label="性別">
                        <span class="label">"性別"</span>
                        <label class="choice"><input type="radio" name="ap-sex" prop:checked=move || sex.get() == "male" on:change=move |_| sex.set("male".into())/>"男"</label>
                        <label class="choice"><input type="radio" name="ap-sex" prop:checked=move || sex.get() == "female" on:change=move |_| sex.set("female".into())/>"女"</label>
                    </div>
                    <Input label="電話番号" id="ap-phone" value=phone kind="tel"/>
                    <p class="help">"亡くなった方やお子さんの手続きでは、その方の氏名と生年月日も入れてください。"</p>
                    <Input label="対象の方の氏名" id="sub-name" value=subject_name/>
                    <Input label="対象の方の生年月日" id="sub-birth" value=subject_birth kind="date"/>
                </fieldset>
                <fieldset class="form-list">
                    <legend>"印刷する申請書"</legend>
                    <p class="help">"必要な手続きの申請書を選んであります。外すこと、加えることができます。最初に「申請・手続きのご案内」を印刷します。"</p>
                    <Show when=move || forms.with(Vec::is_empty)>
                        <p class="hint">"この一覧には、印刷できる申請書がまだありません。"</p>
                    </Show>
                    <For each=move || forms.get() key=|f| f.0.clone() let:f>
                        {
                            let (id, title, procedure, pre) = f;
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
                        {move || format!("ご案内と申請書をまとめて印刷（{}件）", selected().len())}
                    </button>
                    {move || match state.get() {
                        PrintState::Idle => ().into_any(),
                        PrintState::Working => view! { <p role="status">"作成しています…"</p> }.into_any(),
                        PrintState::Ready { url, pages, notes } => view! {
                            <div role="status" class="print-ready">
                                <p>{format!("ご案内と申請書{pages}件のPDFを作りました。開いたPDFから印刷してください。")}</p>
                                <a class="button" href=url target="_blank" rel="noopener" data-testid="batch-pdf">"PDFを開く"</a>
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

//! Online pre-applications. On `/apply` the resident sends the guide's result with their
//! details and keeps a receipt (code and QR code); `/s#TOKEN` shows its status; at the
//! counter staff load it by the code or by scanning the QR code, which fills the guide's
//! answers and the applicant fields the forms are printed with.

use leptos::prelude::*;
use mado_wire::submission::{
    ApplicantDetails, NewSubmission, SubmissionProgress, SubmissionReceipt, SubmissionStatus,
};
use mado_wire::{Booking, GuideRecordItem};

use crate::api::{self, ApiError};
use crate::guide::Session;
use crate::i18n::{Lang, use_lang};
use crate::shell::when;

fn status_link(token: &str) -> String {
    let origin = web_sys::window()
        .and_then(|w| w.location().origin().ok())
        .unwrap_or_default();
    format!("{origin}/s#{token}")
}

/// The procedures the guide lists as required or possibly applicable.
fn chosen_procedures(session: Session) -> Vec<GuideRecordItem> {
    match session.eval.get() {
        Ok(eval) => mado_visit::record::submission_procedures(&eval),
        Err(_) => Vec::new(),
    }
}

/// A field's label for a problem the wire checks report.
fn field_label(field: &str, lang: Lang) -> String {
    let t = lang.desk();
    let p = lang.pre();
    let label = match field {
        "applicant.name" => t.forms_name,
        "applicant.kana" => t.forms_kana,
        "applicant.birth_date" => t.forms_birth,
        "applicant.sex" => t.forms_sex,
        "applicant.postal_code" => p.postal,
        "applicant.address" => t.forms_address,
        "applicant.phone" => t.forms_phone,
        "note" => p.note,
        "procedures" => p.procedures,
        other => other,
    };
    match lang {
        Lang::En => format!("Check the {label}"),
        other => other
            .message("check_field", &[("field", &label)])
            .unwrap_or_else(|| format!("{label}の入力を確認してください")),
    }
}

#[component]
fn Field(
    label: fn(Lang) -> &'static str,
    id: &'static str,
    value: RwSignal<String>,
    #[prop(default = "text")] kind: &'static str,
    #[prop(default = "off")] autocomplete: &'static str,
) -> impl IntoView {
    let lang = use_lang();
    view! {
        <div class="entry">
            <label for=id>{move || label(lang.get())}</label>
            <input id=id type=kind autocomplete=autocomplete prop:value=move || value.get()
                on:input=move |ev| value.set(event_target_value(&ev))/>
        </div>
    }
}

/// `/apply`'s pre-application: the procedures, the resident's details, consent, the receipt.
#[component]
pub fn PreApply(
    session: Session,
    booking: RwSignal<Option<Booking>>,
    /// What the resident typed for the booking above: offered here, not typed again.
    contact: RwSignal<Option<super::booking::BookingContact>>,
) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let p = move || lang.get().pre();
    let d = move || lang.get().desk();
    let opened = RwSignal::new(false);
    let name = RwSignal::new(String::new());
    let kana = RwSignal::new(String::new());
    let birth = RwSignal::new(String::new());
    let sex = RwSignal::new(String::new());
    let postal = RwSignal::new(String::new());
    let address = RwSignal::new(String::new());
    let phone = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let consent = RwSignal::new(false);
    let problems = RwSignal::new(Vec::<String>::new());
    let busy = RwSignal::new(false);
    let receipt = RwSignal::new(None::<SubmissionReceipt>);
    let key = StoredValue::new(crate::shell::new_idempotency_key());
    // What was typed for the booking above is offered here, not typed again (issue 17 item 12).
    Effect::new(move |_| {
        if let Some(c) = contact.get() {
            if phone.get_untracked().is_empty() {
                phone.set(c.phone);
            }
            if birth.get_untracked().is_empty() {
                birth.set(c.birth_date);
            }
        }
    });
    // The guide already knows the birth date for some events (身体障害者手帳: ご本人の生年月日).
    Effect::new(move |_| {
        if let Some(mado_rules::Value::Date(d)) =
            session.answers.with(|a| a.0.get("birth_date").cloned())
            && birth.get_untracked().is_empty()
        {
            birth.set(d.to_string());
        }
    });
    let procedures = Memo::new(move |_| chosen_procedures(session));
    // Problems shown after a failed send go away as soon as the resident corrects something.
    Effect::new(move |_| {
        for f in [name, kana, birth, sex, postal, address, phone] {
            f.track();
        }
        consent.track();
        problems.set(Vec::new());
    });

    let send = move |_| {
        let l = lang.get_untracked();
        let Ok(eval) = session.eval.get_untracked() else {
            return;
        };
        let answers = match session
            .answers
            .with_untracked(mado_visit::record::wire_answers)
        {
            Ok(a) => a,
            Err(e) => {
                problems.set(vec![e]);
                return;
            }
        };
        let sub = NewSubmission {
            pack: eval.pack,
            version: eval.version,
            city: eval.city,
            date: eval.date,
            answers,
            procedures: procedures.get_untracked(),
            applicant: ApplicantDetails {
                name: name.get_untracked().trim().to_owned(),
                kana: kana.get_untracked().trim().to_owned(),
                birth_date: birth.get_untracked(),
                sex: sex.get_untracked(),
                postal_code: postal.get_untracked().trim().to_owned(),
                address: address.get_untracked().trim().to_owned(),
                phone: phone.get_untracked().trim().to_owned(),
            },
            note: note.get_untracked().trim().to_owned(),
            reservation_token: booking.get_untracked().map(|b| b.token),
        };
        let mut found: Vec<String> = sub
            .problems()
            .iter()
            .map(|pr| {
                let field = pr.field.split('[').next().unwrap_or(&pr.field);
                field_label(field, l)
            })
            .collect();
        found.dedup();
        if !consent.get_untracked() {
            found.push(l.pre().consent_needed.to_owned());
        }
        if !found.is_empty() {
            problems.set(found);
            return;
        }
        problems.set(Vec::new());
        busy.set(true);
        tasks.spawn(async move {
            let office = match booking.get_untracked() {
                Some(b) => Ok(b.reservation.office),
                None => api::offices().await.and_then(|list| {
                    list.into_iter()
                        .next()
                        .map(|o| o.id)
                        .ok_or_else(|| ApiError::BadAnswer("the relay has no office".into()))
                }),
            };
            let result = match office {
                Ok(o) => api::submit(&o, &sub, &key.get_value()).await,
                Err(e) => Err(e),
            };
            busy.set(false);
            match result {
                Ok(r) => receipt.set(Some(r)),
                // A lost answer keeps the key: sending again returns the same receipt.
                Err(ApiError::Network(_)) => problems.set(vec![l.pre().network.to_owned()]),
                Err(e) => {
                    key.set_value(crate::shell::new_idempotency_key());
                    problems.set(vec![format!("{} ({e})", l.pre().failed)]);
                }
            }
        });
    };

    view! {
        <section class="pre-apply" aria-labelledby="pre-title" data-testid="pre-apply">
            <h2 id="pre-title">{move || p().title}</h2>
            {move || match receipt.get() {
                Some(r) => view! { <Receipt receipt=r booking=booking.get_untracked()/> }.into_any(),
                None if !opened.get() => view! {
                    <p class="hint">{move || p().intro}</p>
                    <button type="button" class="big" on:click=move |_| opened.set(true)>{move || p().open}</button>
                }.into_any(),
                None => view! {
                    <p class="hint">{move || p().intro}</p>
                    <fieldset class="q">
                        <legend>{move || p().procedures}</legend>
                        <p class="help">{move || p().procedures_help}</p>
                        <Show when=move || procedures.with(Vec::is_empty)>
                            <p class="hint">{move || p().no_procedures}</p>
                        </Show>
                        <ul class="pre-procedures">
                            <For each=move || procedures.get() key=|i| i.id.clone() let:item>
                                <li>{item.name}</li>
                            </For>
                        </ul>
                    </fieldset>
                    <fieldset class="q pre-details">
                        <legend>{move || p().details}</legend>
                        <Field label=|l| l.desk().forms_name id="pre-name" value=name autocomplete="name"/>
                        <Field label=|l| l.desk().forms_kana id="pre-kana" value=kana/>
                        <Field label=|l| l.desk().forms_birth id="pre-birth" value=birth kind="date" autocomplete="bday"/>
                        <div class="entry" role="radiogroup" aria-label=move || d().forms_sex>
                            <span class="label">{move || d().forms_sex}</span>
                            <label class="choice"><input type="radio" name="pre-sex" prop:checked=move || sex.get() == "male" on:change=move |_| sex.set("male".into())/>{move || d().forms_male}</label>
                            <label class="choice"><input type="radio" name="pre-sex" prop:checked=move || sex.get() == "female" on:change=move |_| sex.set("female".into())/>{move || d().forms_female}</label>
                            <label class="choice"><input type="radio" name="pre-sex" prop:checked=move || sex.get().is_empty() on:change=move |_| sex.set(String::new())/>{move || p().sex_none}</label>
                        </div>
                        <Field label=|l| l.pre().postal id="pre-postal" value=postal autocomplete="postal-code"/>
                        <Field label=|l| l.desk().forms_address id="pre-address" value=address autocomplete="street-address"/>
                        <Field label=|l| l.desk().forms_phone id="pre-phone" value=phone kind="tel" autocomplete="tel"/>
                        <div class="entry stack">
                            <label for="pre-note">{move || p().note}</label>
                            <textarea id="pre-note" rows="3" prop:value=move || note.get() on:input=move |ev| note.set(event_target_value(&ev))></textarea>
                        </div>
                    </fieldset>
                    <label class="consent">
                        <input type="checkbox" prop:checked=move || consent.get() on:change=move |ev| consent.set(event_target_checked(&ev))/>
                        {move || p().consent}
                    </label>
                    <Show when=move || !problems.with(Vec::is_empty)>
                        <ul class="problem" role="alert">
                            {move || problems.get().into_iter().map(|m| view! { <li>{m}</li> }).collect_view()}
                        </ul>
                    </Show>
                    <button type="button" class="big" on:click=send disabled=move || busy.get()>
                        {move || if busy.get() { p().sending } else { p().submit }}
                    </button>
                }.into_any(),
            }}
        </section>
    }
}

/// The receipt: code, QR code of the status page, the booked visit.
#[component]
fn Receipt(receipt: SubmissionReceipt, booking: Option<Booking>) -> impl IntoView {
    let lang = use_lang();
    let p = move || lang.get().pre();
    let link = status_link(&receipt.token);
    let qr = crate::device::qr::svg(&link).unwrap_or_default();
    let visit = booking.map(|b| {
        format!(
            "{} {}（{}）",
            super::booking::day_label_of(b.reservation.day, lang.get_untracked()),
            b.reservation.start,
            b.reservation.code
        )
    });
    view! {
        <div role="status" class="done">{move || p().done}</div>
        <div class="reservation-card" data-testid="pre-receipt">
            <dl>
                <dt>{move || p().code}</dt>
                <dd class="code" data-testid="pre-code">{receipt.code.clone()}</dd>
                {visit.map(|v| view! { <dt>{move || p().with_visit}</dt><dd>{v}</dd> })}
            </dl>
            <div class="qr" inner_html=qr></div>
            <p class="hint">{move || p().receipt_help}</p>
            <p class="links">
                <a class="button secondary" href=link rel="external" data-testid="pre-status-link">{move || p().status_link}</a>
                <button type="button" class="secondary" on:click=move |_| crate::device::printing::print_page()>{move || p().print}</button>
            </p>
        </div>
    }
}

/// `/s#TOKEN`: the resident's view of their pre-application.
#[component]
pub fn PreApplicationStatus() -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let p = move || lang.get().pre();
    let token = web_sys::window()
        .and_then(|w| w.location().hash().ok())
        .map(|h| h.trim_start_matches('#').to_owned())
        .unwrap_or_default();
    let state = RwSignal::new(None::<Result<SubmissionProgress, ApiError>>);
    tasks.spawn(async move {
        state.set(Some(api::submission_progress(&token).await));
    });
    view! {
        <div class="desk apply status-page">
            <header class="bar">
                <h1>{move || p().status_title}</h1>
                <crate::shell::LangMenu/>
            </header>
            {move || match state.get() {
                None => view! { <p role="status">{lang.get().texts().loading}</p> }.into_any(),
                Some(Err(ApiError::Refused { status: 404, .. })) => view! {
                    <p class="problem" role="alert">{p().unknown}</p>
                }.into_any(),
                Some(Err(e)) => view! {
                    <p class="problem" role="alert">{format!("{} ({e})", lang.get().texts().relay_unreachable)}</p>
                }.into_any(),
                Some(Ok(s)) => {
                    let l = lang.get();
                    let returned = s.status == SubmissionStatus::Returned;
                    let last_note = s.history.last().map(|h| h.note.clone()).unwrap_or_default();
                    view! {
                        <div class="reservation-card" data-testid="pre-status">
                            <dl>
                                <dt>{p().code}</dt><dd class="code">{s.code.clone()}</dd>
                                <dt>{p().status_now}</dt>
                                <dd><span class=format!("badge status-{}", s.status.as_str()) data-testid="pre-status-now">{l.status_label(s.status)}</span></dd>
                            </dl>
                            {returned.then(|| view! {
                                <p class="problem" role="alert">{p().returned_help}" "{last_note.clone()}</p>
                            })}
                            <h2>{p().procedures}</h2>
                            <ul class="pre-procedures">
                                {s.procedures.iter().map(|n| view! { <li>{n.clone()}</li> }).collect_view()}
                            </ul>
                            <h2>{p().history}</h2>
                            <ol class="history">
                                {s.history.iter().map(|h| view! {
                                    <li><time>{when(h.at_ms, l)}</time>" "{l.status_label(h.status)}</li>
                                }).collect_view()}
                            </ol>
                        </div>
                    }.into_any()
                }
            }}
        </div>
    }
}

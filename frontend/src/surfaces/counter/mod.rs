//! `/counter`: the procedure guide at the counter. Staff pick the life event, ask the
//! questions with the resident (all on one screen, any answer can be changed), and see the
//! procedures grouped as they answer; each can be marked 本日受付 / 後日 / 案内済み.
//!
//! The visit is kept in IndexedDB on every change (`device::keep`): a reload, a crash or a
//! closed tab resumes it, and the PC lists its other open visits. 「次の方」 ends it: its record
//! goes to the outbox (sent once, by its key, when the relay is reachable) and every person is
//! cleared. Visits begun before today are removed when the counter opens, every visit at logout.
//!
//! Query parameters: `city=kitakyushu|kitami` (otherwise the device's saved choice), `lang=en`.

mod card_reader;
mod forms_panel;
mod preapplication;
mod ticket_bar;

use std::collections::BTreeMap;

use leptos::prelude::*;
use mado_rules::Answers;

use mado_visit::{Outgoing, People, Printed, Visit};
use mado_wire::submission::Submission;
use mado_wire::{NewGuideRecord, NewHandover, Office, StaffMe};

use crate::api;
use crate::device::keep;
use crate::device::printing::print_page;
use crate::guide::{
    self, CITY_KEY, CityPicker, EventPicker, Mark, Questions, Results, Session, initial_city,
};
use crate::i18n::use_lang;
use crate::shell::staff::StaffGate;
use crate::shell::{LangToggle, new_idempotency_key, save_setting};
use crate::shell::{office_param, resolve_office};

/// The counter is a staff surface: it asks for a login first.
#[component]
pub fn Counter() -> impl IntoView {
    view! { <StaffGate offline_ok=true view=|staff, logged_out| view! { <CounterGuide staff=staff on_logout=logged_out/> }/> }
}

/// The guide's result as a record for the relay.
fn record_of(session: Session, marks: &BTreeMap<String, Mark>) -> Result<NewGuideRecord, String> {
    let eval = session.eval.get_untracked()?;
    session
        .answers
        .with_untracked(|a| mado_visit::record::record(&eval, a, marks, Vec::new(), String::new()))
}

/// The office this PC last served, for a counter opened while the relay is out of reach.
const OFFICE_KEY: &str = "mado.counter.office";

/// The key under which this tab remembers which visit it has open (a reload resumes it).
const TAB_VISIT: &str = "mado.counter.visit";

fn tab_visit() -> Option<String> {
    web_sys::window()?
        .session_storage()
        .ok()??
        .get_item(TAB_VISIT)
        .ok()?
}

fn set_tab_visit(id: &str) {
    if let Some(s) = web_sys::window().and_then(|w| w.session_storage().ok().flatten()) {
        let _ = s.set_item(TAB_VISIT, id);
    }
}

/// The start of today on this PC's clock, ms since the epoch.
fn day_start_ms() -> i64 {
    let d = js_sys::Date::new_0();
    d.set_hours(0);
    d.set_minutes(0);
    d.set_seconds(0);
    d.set_milliseconds(0);
    d.get_time() as i64
}

fn now_ms() -> i64 {
    js_sys::Date::now() as i64
}

/// Asks staff to confirm, in the browser's own dialog.
fn confirm(text: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.confirm_with_message(text).ok())
        .unwrap_or(false)
}

#[derive(Debug, Clone, PartialEq)]
enum SaveState {
    Idle,
    Saving,
    Saved(i64),
    /// In the outbox: the relay is out of reach; sent by itself when it is back.
    Waiting,
    Failed(String),
}

#[component]
fn CounterGuide(staff: StaffMe, on_logout: Callback<()>) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let staff_name = StoredValue::new(staff.display_name.clone());
    let staff_login = StoredValue::new(staff.login.clone());
    let lang = use_lang();
    let t = move || lang.get().texts();
    let d = move || lang.get().desk();
    let city = RwSignal::new(initial_city());
    let pack = RwSignal::new(None::<String>);
    let session = RwSignal::new(None::<Session>);
    let marks = RwSignal::new(BTreeMap::<String, Mark>::new());
    let problem = RwSignal::new(None::<String>);
    let saved = RwSignal::new(SaveState::Idle);
    let printed = RwSignal::new(None::<Printed>);
    let chosen = RwSignal::new(BTreeMap::<String, bool>::new());
    let ticket = RwSignal::new(None::<i64>);
    let ticket_number = RwSignal::new(None::<String>);
    let counter = RwSignal::new(None::<i64>);
    let office = RwSignal::new(None::<Office>);
    // Where a handed-over visit came from, shown while it is served here.
    let handed = RwSignal::new(None::<String>);
    // The pre-application that came with a called booking: loaded, or waiting to be.
    let pre_note = RwSignal::new(None::<String>);
    let office_name = RwSignal::new(String::new());
    let office_contact = RwSignal::new(String::new());
    let office_head = RwSignal::new(String::new());
    let office_id = RwSignal::new(None::<String>);
    let requested_office = StoredValue::new(office_param());
    // The people of the visit and, at a move, the new address: cleared for the next resident.
    let people = RwSignal::new(People::default());
    let new_address = RwSignal::new(String::new());
    // The visit this tab has open, when it began, and the others open at this PC.
    let visit_id = StoredValue::new(String::new());
    let started = StoredValue::new(now_ms());
    let others = RwSignal::new(Vec::<Visit>::new());
    // Nothing is written to the PC before what it kept has been read back.
    let restored = RwSignal::new(false);
    let outbox = RwSignal::new(keep::Flushed::default());
    let pending_answers = StoredValue::new(None::<serde_json::Value>);

    // Puts a kept visit back on the screen.
    let restore = move |v: Visit| {
        visit_id.set_value(v.id.clone());
        set_tab_visit(&v.id);
        started.set_value(v.started_ms);
        if guide::cities().iter().any(|(id, _)| *id == v.city) {
            city.set(v.city.clone());
        }
        people.set(v.people);
        new_address.set(v.new_address);
        marks.set(v.marks);
        chosen.set(v.chosen);
        printed.set(v.printed);
        ticket.set(v.ticket);
        ticket_number.set(v.ticket_number);
        pending_answers.set_value((!v.answers.is_null()).then_some(v.answers));
        session.set(None);
        pack.set(v.pack);
    };
    let flush = move || {
        tasks.spawn(async move {
            match keep::flush().await {
                Ok(f) => {
                    if let Some((_, id)) = f.sent.iter().find(|(k, _)| *k == visit_id.get_value()) {
                        saved.set(SaveState::Saved(*id));
                    }
                    outbox.set(f);
                }
                Err(e) => problem.set(Some(e)),
            }
        });
    };
    tasks.spawn(async move {
        match resolve_office(requested_office.get_value()).await {
            Ok(o) => {
                // Kept for a counter opened while the relay is out of reach.
                save_setting(OFFICE_KEY, &serde_json::to_string(&o).unwrap_or_default());
                office_contact.set(mado_visit::handout::contact_line(&o));
                office_head.set(o.head.clone());
                office_name.set(o.name.clone());
                office_id.set(Some(o.id.clone()));
                office.set(Some(o));
            }
            Err(_) => {
                if let Some(o) = crate::shell::load_setting(OFFICE_KEY)
                    .and_then(|j| serde_json::from_str::<mado_wire::Office>(&j).ok())
                {
                    office_contact.set(mado_visit::handout::contact_line(&o));
                    office_head.set(o.head.clone());
                    office_name.set(o.name.clone());
                    office_id.set(Some(o.id.clone()));
                    office.set(Some(o));
                }
            }
        }
        // Yesterday's visits are personal data this PC no longer keeps.
        if let Err(e) = keep::purge_before(day_start_ms()).await {
            problem.set(Some(e));
        }
        match keep::visits().await {
            Ok(mut list) => {
                let mine = tab_visit().and_then(|id| list.iter().position(|v| v.id == id));
                match mine {
                    Some(i) => restore(list.remove(i)),
                    None => {
                        let id = new_idempotency_key();
                        visit_id.set_value(id.clone());
                        set_tab_visit(&id);
                    }
                }
                others.set(list);
            }
            Err(e) => {
                problem.set(Some(e));
                visit_id.set_value(new_idempotency_key());
            }
        }
        restored.set(true);
        flush();
    });
    // The outbox is tried every 20 seconds while the counter is open.
    crate::shell::every(std::time::Duration::from_secs(20), flush);
    // And at once when the browser says the network is back.
    let online = window_event_listener(leptos::ev::online, move |_| flush());
    on_cleanup(move || online.remove());

    // The visit as the PC keeps it, saved on every change.
    let visit_now = move || {
        let mut v = Visit::new(
            visit_id.get_value(),
            office_id.get().unwrap_or_default(),
            staff_login.get_value(),
            city.get(),
            started.get_value(),
        );
        v.updated_ms = now_ms();
        v.pack = pack.get();
        v.answers = session
            .get()
            .map(|s| s.answers.with(Answers::to_json))
            .unwrap_or(serde_json::Value::Null);
        v.people = people.get();
        v.new_address = new_address.get();
        v.marks = marks.get();
        v.chosen = chosen.get();
        v.printed = printed.get();
        v.ticket = ticket.get();
        v.ticket_number = ticket_number.get();
        v
    };
    Effect::new(move |_| {
        let v = visit_now();
        if !restored.get() || office_id.get().is_none() {
            return;
        }
        tasks.spawn(async move {
            let result = if v.is_empty() {
                keep::remove_visits(std::slice::from_ref(&v.id)).await
            } else {
                keep::save_visit(&v).await
            };
            if let Err(e) = result {
                problem.set(Some(format!(
                    "この PC に来庁記録を保存できませんでした: {e}"
                )));
            }
        });
    });

    // A pre-application loaded at the counter: its answers wait for the guide to be built; its
    // applicant becomes the visit's.
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
    // The visit's record, in the outbox under the visit's key, then sent.
    let queue_record = move |done: Option<i64>| -> Result<bool, String> {
        let Some(s) = session.get_untracked() else {
            return Ok(false);
        };
        let record = record_of(s, &marks.get_untracked())?;
        let v = visit_now_untracked(
            visit_id.get_value(),
            started.get_value(),
            ticket.get_untracked(),
            printed.get_untracked(),
        );
        let office = office_id.get_untracked().ok_or(
            "この窓口の事務所がまだわかりません。サーバーにつながってから保存してください",
        )?;
        let out = Outgoing {
            key: v.id.clone(),
            office,
            record: mado_visit::keep::finish(record, &v, counter.get_untracked(), done),
            queued_ms: now_ms(),
            refused: None,
        };
        tasks.spawn(async move {
            match keep::enqueue(&out).await {
                Ok(()) => flush(),
                Err(e) => saved.set(SaveState::Failed(e)),
            }
        });
        Ok(true)
    };
    let save = move |_: ()| match queue_record(None) {
        Ok(true) => saved.set(SaveState::Waiting),
        Ok(false) => {}
        Err(e) => saved.set(SaveState::Failed(e)),
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
        printed.set(None);
        chosen.set(BTreeMap::new());
    };
    let restart = move |_| {
        if !confirm(d().counter_confirm_restart) {
            return;
        }
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
    // Ends this counter's part of the visit: a new, empty visit begins and the old one is
    // removed from the PC (its record is in the outbox by then).
    let end_visit = move || {
        let old = visit_id.get_value();
        let id = new_idempotency_key();
        visit_id.set_value(id.clone());
        set_tab_visit(&id);
        started.set_value(now_ms());
        people.set(People::default());
        new_address.set(String::new());
        printed.set(None);
        chosen.set(BTreeMap::new());
        ticket.set(None);
        ticket_number.set(None);
        handed.set(None);
        pre_note.set(None);
        marks.set(BTreeMap::new());
        session.set(None);
        pack.set(None);
        tasks.spawn(async move {
            if let Err(e) = keep::remove_visits(&[old]).await {
                problem.set(Some(e));
            }
        });
    };
    // A number called: the visit is linked to its ticket; a visit handed over with it by
    // another counter is opened here with everything already known.
    let on_called = Callback::new(move |c: ticket_bar::Called| match c.handover {
        Some(h) => match serde_json::from_value::<Visit>(h.handover.visit.clone()) {
            Ok(v) => {
                let from = office.with_untracked(|o| {
                    o.as_ref()
                        .and_then(|o| {
                            o.counters
                                .iter()
                                .find(|x| Some(x.id) == h.handover.from_counter_id)
                        })
                        .map(|x| x.label.clone())
                        .unwrap_or_default()
                });
                let mut v = v.continued(
                    visit_id.get_value(),
                    office_id.get_untracked().unwrap_or_default(),
                    staff_login.get_value(),
                    now_ms(),
                );
                v.ticket = Some(c.ticket.id);
                v.ticket_number = Some(c.ticket.number.to_string());
                restore(v);
                handed.set(Some(format!(
                    "{}{}",
                    lang.get_untracked().ticket_from(&from),
                    h.handover.title
                )));
            }
            Err(e) => problem.set(Some(format!("{} {e}", d().ticket_handed_over))),
        },
        None => {
            // A visit begun before the call keeps what was typed; the pre-application waits.
            let empty = pack.get_untracked().is_none()
                && people.with_untracked(|p| *p == People::default())
                && new_address.with_untracked(String::is_empty);
            ticket.set(Some(c.ticket.id));
            ticket_number.set(Some(c.ticket.number.to_string()));
            if let Some(s) = c.pre {
                let l = lang.get_untracked();
                if empty {
                    pre_note.set(Some(l.ticket_pre_loaded(&s.code)));
                    load_pre.run(s);
                } else {
                    pre_note.set(Some(l.ticket_pre_waiting(&s.code)));
                }
            }
        }
    });
    // 「回す」: the visit goes with the ticket to another service's line; this counter's record
    // is saved and its part ends.
    let on_transfer = Callback::new(move |service: String| {
        let Some(t) = ticket.get_untracked() else {
            return;
        };
        if !confirm(d().ticket_confirm_send) {
            return;
        }
        let v = untrack(visit_now);
        let (title, procedures) = match session.get_untracked() {
            Some(s) => {
                let title = s.guide.with_value(|g| g.title.clone());
                let marked = marks.get_untracked();
                let left = s
                    .eval
                    .get_untracked()
                    .map(|e| {
                        e.procedures
                            .iter()
                            .filter(|p| {
                                matches!(
                                    p.status,
                                    mado_rules::Status::Required | mado_rules::Status::MayApply
                                ) && !marked.contains_key(&p.id)
                            })
                            .map(|p| p.name.clone())
                            .collect()
                    })
                    .unwrap_or_default();
                (title, left)
            }
            None => (d().ticket_send.to_owned(), Vec::new()),
        };
        let visit = match serde_json::to_value(&v) {
            Ok(j) => j,
            Err(e) => return problem.set(Some(e.to_string())),
        };
        let handover = NewHandover {
            from_counter_id: counter.get_untracked(),
            title,
            procedures,
            visit,
        };
        tasks.spawn(async move {
            let sent = async {
                api::put_handover(t, &handover).await?;
                api::transfer(t, service).await
            }
            .await;
            match sent {
                Ok(_) => match queue_record(Some(now_ms())) {
                    Ok(_) => end_visit(),
                    Err(e) => saved.set(SaveState::Failed(e)),
                },
                Err(e) => problem.set(Some(e.to_string())),
            }
        });
    });
    // 「次の方」: the record goes to the outbox, the visit is removed from the PC, everything
    // about this resident is cleared, and a new visit begins.
    let next = move |_: ()| {
        if !confirm(d().counter_confirm_next) {
            return;
        }
        if let Err(e) = queue_record(Some(now_ms())) {
            saved.set(SaveState::Failed(e));
            return;
        }
        // The ticket is served: done.
        if let Some(t) = ticket.get_untracked() {
            tasks.spawn(async move {
                if let Err(e) = api::ticket_action(t, api::TicketAction::Done).await {
                    problem.set(Some(format!("{} {e}", d().counter_ticket_not_done)));
                }
            });
        }
        end_visit();
    };
    // 「必要な手続きをまとめて本日受付」: every required procedure marked in one action.
    let all_today = move || {
        let Some(s) = session.get_untracked() else {
            return;
        };
        if let Ok(e) = s.eval.get_untracked() {
            marks.update(|m| {
                for p in e
                    .procedures
                    .iter()
                    .filter(|p| p.status == mado_rules::Status::Required)
                {
                    m.insert(p.id.clone(), Mark::Today);
                }
            });
        }
    };
    // To the forms panel, and its print button.
    let to_print = move || {
        if let Some(b) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.query_selector("button.print-batch").ok().flatten())
        {
            b.scroll_into_view();
            if let Ok(b) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(b) {
                let _ = b.focus();
            }
        }
    };
    // Keyboard shortcuts (listed on the screen): Alt+A, Alt+P, Alt+S, Alt+N.
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        if !ev.alt_key() || ev.ctrl_key() || ev.meta_key() || session.get_untracked().is_none() {
            return;
        }
        let handled = match ev.code().as_str() {
            "KeyA" => {
                all_today();
                true
            }
            "KeyP" => {
                to_print();
                true
            }
            "KeyS" => {
                save(());
                true
            }
            "KeyN" => {
                next(());
                true
            }
            _ => false,
        };
        if handled {
            ev.prevent_default();
        }
    });
    on_cleanup(move || keys.remove());
    // Switching to another visit open at this PC: this one stays kept.
    let resume = move |v: Visit| {
        others.update(|o| o.retain(|x| x.id != v.id));
        restore(v);
        tasks.spawn(async move {
            if let Ok(list) = keep::visits().await {
                let me = visit_id.get_value();
                others.set(list.into_iter().filter(|x| x.id != me).collect());
            }
        });
    };
    // Logout removes every visit of this PC, after putting their records in the outbox.
    let logout = move |_| {
        if !confirm(d().counter_confirm_logout) {
            return;
        }
        let _ = queue_record(Some(now_ms()));
        tasks.spawn(async move {
            let ids: Vec<String> = keep::visits()
                .await
                .map(|l| l.into_iter().map(|v| v.id).collect())
                .unwrap_or_default();
            let mut all = ids;
            all.push(visit_id.get_value());
            let _ = keep::remove_visits(&all).await;
            let _ = api::logout().await;
            on_logout.run(());
        });
    };

    view! {
        <div class="desk counter">
            <header class="bar">
                <h1>{move || t().surface_counter}" — "{move || d().guide_title}</h1>
                <CityPicker city=city/>
                <span class="who">{staff.display_name.clone()}</span>
                {move || (outbox.with(|o| o.waiting) > 0).then(|| view! {
                    <span class="outbox-waiting" role="status" data-testid="outbox">{lang.get().counter_outbox_waiting(outbox.with(|o| o.waiting))}</span>
                })}
                <LangToggle/>
                <button type="button" class="secondary" on:click=logout>{move || lang.get().staff().logout}</button>
            </header>
            <ticket_bar::TicketBar office=office counter=counter ticket=ticket number=ticket_number on_called=on_called on_transfer=on_transfer/>
            {move || handed.get().map(|h| view! { <p class="handed" role="status" data-testid="handed">{d().ticket_handed_over}" "{h}</p> })}
            {move || pre_note.get().map(|n| view! { <p class="handed" role="status" data-testid="ticket-pre">{n}</p> })}
            {move || outbox.with(|o| (!o.refused.is_empty()).then(|| view! {
                <div class="problem" role="alert">
                    <p>{d().counter_outbox_refused}</p>
                    <ul>{o.refused.iter().map(|r| view! { <li>{r.clone()}</li> }).collect_view()}</ul>
                </div>
            }))}
            {move || (!others.with(Vec::is_empty)).then(|| view! {
                <section class="open-visits" aria-labelledby="open-visits-title">
                    <h2 id="open-visits-title">{d().counter_open_visits}</h2>
                    <ul>
                        {others.get().into_iter().map(|v| {
                            let who = v.who();
                            let at = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(v.started_ms as f64));
                            let time = format!("{}:{:02}", at.get_hours(), at.get_minutes());
                            view! {
                                <li>
                                    <span>{time}" "{who}</span>
                                    <button type="button" class="secondary" on:click=move |_| resume(v.clone())>{d().counter_resume}</button>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })}
            {move || office_id.get().map(|o| view! { <preapplication::LoadPreApplication office=o on_load=load_pre/> })}
            {move || problem.get().map(|p| view! { <p class="problem" role="alert">{d().guide_load_failed}" "{p}</p> })}
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
                                    {city_name}"　"{move || d().guide_as_of}": "{as_of}"　"
                                    {move || d().guide_version}": "{version}
                                </p>
                            </div>
                            <div class="tools">
                                <button type="button" class="secondary" on:click=change_event>{move || d().guide_change_event}</button>
                                <button type="button" class="secondary" on:click=restart>{move || d().guide_restart}</button>
                                <button type="button" class="secondary" on:click=move |_| print_page()>{move || d().guide_print}</button>
                                <button type="button" class="secondary" on:click=move |_| all_today()>{move || d().counter_all_today}</button>
                                <button type="button" class="secondary" on:click=move |_| to_print()>{move || d().counter_to_print}</button>
                                <button type="button" class="save" on:click=move |_| save(()) disabled=move || saved.get() == SaveState::Saving>
                                    {move || d().counter_save}
                                </button>
                                <button type="button" class="next" on:click=move |_| next(())>{move || d().counter_next}</button>
                            </div>
                            <p class="shortcuts">{move || d().counter_shortcuts}</p>
                        </div>
                        <p class=move || match saved.get() { SaveState::Saved(_) => "save-state ok", SaveState::Waiting => "save-state waiting", SaveState::Failed(_) => "save-state problem", _ => "save-state" } role="status">
                            {move || match saved.get() {
                                SaveState::Saved(id) => format!("{}（No.{id}）", d().counter_saved),
                                SaveState::Waiting => d().counter_save_waiting.to_owned(),
                                SaveState::Failed(e) => format!("{} {e}", d().counter_save_failed),
                                _ => String::new(),
                            }}
                        </p>
                        <div class="guide-layout">
                            <Questions session=s/>
                            <Results session=s marks=marks/>
                        </div>
                        <forms_panel::FormsPanel session=s marks=marks people=people new_address=new_address chosen=chosen printed=printed office_name=office_name office_contact=office_contact office_head=office_head staff_name=staff_name.get_value()/>
                    }.into_any()
                }
            }}
        </div>
    }
}

/// The parts of a visit its record needs, read without tracking.
fn visit_now_untracked(
    id: String,
    started_ms: i64,
    ticket: Option<i64>,
    printed: Option<Printed>,
) -> Visit {
    let mut v = Visit::new(id, String::new(), String::new(), String::new(), started_ms);
    v.ticket = ticket;
    v.printed = printed;
    v
}

//! `/admin` → 窓口・業務・開庁時間: the office's name, its services (ticket letter, average
//! handling time, booking rule), counters and opening calendar, edited in one form and saved
//! whole. Problems are named before sending (the same checks as the relay,
//! `mado_wire::admin`), in the clerk's language.

use leptos::prelude::*;
use mado_wire::admin::{BookingRule, CounterSettings, OfficeSettings, ServiceSettings};
use mado_wire::calendar::{OfficeCalendar, Weekday};
use mado_wire::hours;
use mado_wire::submission::FieldProblem;

use crate::api::{self, ApiError};
use crate::i18n::{Base, Lang, use_lang};

/// The editor, once the settings are loaded.
#[component]
pub fn OfficeSettingsPanel(office: String) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let loaded = RwSignal::new(None::<Result<OfficeSettings, ApiError>>);
    let id = office.clone();
    tasks.spawn(async move { loaded.set(Some(api::office_settings(&id).await)) });
    view! {
        {move || match loaded.get() {
            None => view! { <p role="status">{lang.get().texts().loading}</p> }.into_any(),
            Some(Err(e)) => view! { <p class="problem" role="alert">{e.to_string()}</p> }.into_any(),
            Some(Ok(s)) => view! { <SettingsForm initial=s/> }.into_any(),
        }}
    }
}

/// One service row; `key` keeps the row's inputs when rows move.
#[derive(Clone, Copy)]
struct ServiceRow {
    key: u32,
    /// Loaded from the relay: its id is fixed.
    stored: bool,
    s: RwSignal<ServiceSettings>,
    /// Average time in minutes, as typed.
    minutes: RwSignal<String>,
}

#[derive(Clone, Copy)]
struct CounterRow {
    key: u32,
    c: RwSignal<CounterSettings>,
}

fn minutes_text(secs: u32) -> String {
    if secs.is_multiple_of(60) {
        (secs / 60).to_string()
    } else {
        format!("{:.1}", f64::from(secs) / 60.0)
    }
}

/// The clerk's wording of a problem the checks found.
pub fn describe(p: &FieldProblem, lang: Lang) -> String {
    describe_parts(&p.field, p.expected, lang)
}

/// The clerk's wording of a refusal from the relay (`field: expected; …`, the same checks):
/// in Japanese mode never the relay's English.
pub fn describe_refusal(message: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return message.to_owned();
    }
    message
        .split("; ")
        .map(|part| match part.split_once(": ") {
            Some((field, expected)) => describe_parts(field, expected, lang),
            None => "入力内容を確かめてください。".to_owned(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

fn describe_parts(field: &str, expected: &str, lang: Lang) -> String {
    if lang == Lang::En {
        return format!("{field}: {expected}");
    }
    let row = |what: &str| {
        field
            .split_once('[')
            .and_then(|(_, rest)| rest.split_once(']'))
            .and_then(|(i, _)| i.parse::<usize>().ok())
            .map(|i| format!("{what}{}行目：", i + 1))
            .unwrap_or_default()
    };
    let at = if field.starts_with("services[") {
        row("業務")
    } else if field.starts_with("counters[") {
        row("窓口")
    } else {
        String::new()
    };
    let what = match expected {
        "1 to 32 of a-z, 0-9, - and _, starting with a letter" => {
            "IDは英小文字で始まる半角の英小文字・数字・「-」「_」で、32文字以内にしてください。"
        }
        "an id no other service of the office has" => "IDがほかの業務と重なっています。",
        "one or two letters A-Z that start the ticket numbers" => {
            "記号は半角の英大文字1〜2文字にしてください（番号札の先頭に付きます）。"
        }
        "a ticket letter no other service of the office uses" => {
            "記号がほかの業務と重なっています。"
        }
        "the office's name, one line of 1 to 60 characters"
        | "the service's name, one line of 1 to 60 characters" => {
            "名称を60文字以内で入力してください。"
        }
        "the English name, one line of 1 to 60 characters"
        | "the English label, one line of 1 to 60 characters" => {
            "英語名を60文字以内で入力してください。"
        }
        "between 60 seconds and 4 hours" => "平均対応時間は1分から240分の間にしてください。",
        "0 to 240 minutes before the closing" => {
            "当日受付の終了は、閉庁の0分前から240分前の間にしてください。"
        }
        "the office's address for residents, one line of 1 to 100 characters" => {
            "所在地を100文字以内で入力してください（ご案内の用紙に印刷されます）。"
        }
        "the addressee of the office's forms (北九州市小倉北区長), one line of at most 40 characters, or empty" => {
            "申請書の宛先は40文字以内の1行で入力してください（空欄なら庁舎の名称から作ります）。"
        }
        "a telephone number such as 093-582-0000 (digits, hyphens, parentheses)" => {
            "電話番号は 093-582-0000 のように数字とハイフンで入力してください。"
        }
        "a slot of 5 to 240 minutes" => "予約枠の長さは5分から240分の間にしてください。",
        "1 to 50 residents per slot" => "定員は1人から50人の間にしてください。",
        "1 to 365 days ahead" => "予約を受け付ける期間は1日先から365日先の間にしてください。",
        "at most 7 days (10080 minutes)" => "締切は10080分（7日）前までにしてください。",
        "between 1 and 26 services" => "業務は1件以上、26件までにしてください。",
        "between 1 and 60 counters" => "窓口は1か所以上、60か所までにしてください。",
        "the label as announced (3番窓口), one line of 1 to 60 characters" => {
            "窓口名（例：3番窓口）を60文字以内で入力してください。"
        }
        "a label no other counter of the office has" => "窓口名がほかの窓口と重なっています。",
        "at least one of the office's services, each once" => {
            "呼び出す業務を1つ以上選んでください。"
        }
        "a service that at least one counter calls" => {
            "この業務を呼び出す窓口がありません。どれかの窓口で選んでください。"
        }
        "the id of an existing counter, or none for a new one" | "each counter once" => {
            "窓口の指定が正しくありません。画面を開き直してください。"
        }
        "opening windows within the day, each opening before it closes" => {
            "開庁時間は 08:30-17:15 のように、その日のうちで開始が終了より前になるよう入力してください。"
        }
        // A check this screen does not know yet: still in the clerk's language.
        _ => "入力内容を確かめてください。",
    };
    format!("{at}{what}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use mado_wire::admin::{BookingRule, CounterSettings};

    /// Issue 17 item 13: every check the settings can fail reads in Japanese, with no English
    /// left in it (English stays for English mode).
    #[test]
    fn issue_17_every_settings_problem_reads_in_japanese() {
        let bad_service = ServiceSettings {
            names: Default::default(),
            id: "9bad id".into(),
            prefix: "a1".into(),
            name: String::new(),
            name_en: "x".repeat(61),
            avg_service_secs: 5,
            walk_in_cutoff_minutes: 300,
            booking: Some(BookingRule {
                minutes: 1,
                capacity: 0,
                horizon_days: 0,
                lead_minutes: 20_000,
            }),
        };
        let mut calendar = OfficeCalendar::weekdays(510, 1035);
        calendar.weekly[0] = vec![(600, 500)];
        let bad = OfficeSettings {
            names: Default::default(),
            id: "Bad Office".into(),
            name: String::new(),
            name_en: String::new(),
            address: String::new(),
            phone: "call us".into(),
            head: String::new(),
            services: vec![bad_service.clone(), bad_service],
            counters: vec![
                CounterSettings {
                    names: Default::default(),
                    id: Some(99),
                    label: String::new(),
                    label_en: String::new(),
                    service_ids: vec![],
                },
                CounterSettings {
                    names: Default::default(),
                    id: Some(99),
                    label: String::new(),
                    label_en: String::new(),
                    service_ids: vec!["nope".into()],
                },
            ],
            calendar,
        };
        let mut empty = bad.clone();
        empty.services.clear();
        empty.counters.clear();
        let problems: Vec<FieldProblem> = [bad.problems(), empty.problems()]
            .into_iter()
            .flatten()
            .collect();
        assert!(problems.len() >= 15, "{problems:?}");
        for p in &problems {
            let ja = describe(p, Lang::Ja);
            assert!(
                !ja.chars().any(|c| c.is_ascii_lowercase()),
                "{p} reads as {ja:?}"
            );
            assert_ne!(
                ja, "入力内容を確かめてください。",
                "{p} has no wording of its own"
            );
            assert_eq!(describe(p, Lang::En), p.to_string());
        }
        // A refusal from the relay is worded the same way.
        let relay = format!("{}; {}", problems[0], problems[1]);
        assert!(
            !describe_refusal(&relay, Lang::Ja)
                .chars()
                .any(|c| c.is_ascii_lowercase())
        );
        assert_eq!(
            describe_refusal("something new", Lang::Ja),
            "入力内容を確かめてください。"
        );
    }
}

#[component]
fn SettingsForm(initial: OfficeSettings) -> impl IntoView {
    let tasks = crate::shell::Tasks::here();
    let lang = use_lang();
    let a = move || lang.get().admin();
    let office_id = initial.id.clone();
    let name = RwSignal::new(initial.name.clone());
    let name_en = RwSignal::new(initial.name_en.clone());
    let names = RwSignal::new(initial.names.clone());
    let address = RwSignal::new(initial.address.clone());
    let phone = RwSignal::new(initial.phone.clone());
    let head = RwSignal::new(initial.head.clone());
    let next_key = StoredValue::new(0u32);
    let key = move || {
        let k = next_key.get_value();
        next_key.set_value(k + 1);
        k
    };
    let services = RwSignal::new(
        initial
            .services
            .iter()
            .map(|s| ServiceRow {
                key: key(),
                stored: true,
                s: RwSignal::new(s.clone()),
                minutes: RwSignal::new(minutes_text(s.avg_service_secs)),
            })
            .collect::<Vec<_>>(),
    );
    let counters = RwSignal::new(
        initial
            .counters
            .iter()
            .map(|c| CounterRow {
                key: key(),
                c: RwSignal::new(c.clone()),
            })
            .collect::<Vec<_>>(),
    );
    let cal = initial.calendar.clone();
    let weekly: Vec<RwSignal<String>> = cal
        .weekly
        .iter()
        .map(|w| RwSignal::new(hours::format_windows(w)))
        .collect();
    let holidays = RwSignal::new(cal.closed_on_holidays);
    let year_end = RwSignal::new(cal.closed_year_end);
    let closed = RwSignal::new(hours::format_days(&cal.closed));
    let extra = RwSignal::new(hours::format_extra(&cal.extra));
    let problems = RwSignal::new(Vec::<String>::new());
    let saved = RwSignal::new(false);
    let saving = RwSignal::new(false);
    // Anything typed or chosen is unsaved until the relay has stored it (issue 17 item 13).
    let unsaved = super::unsaved::unsaved();
    let edited = move || {
        unsaved.set(true);
        saved.set(false);
    };

    let weekly_for_save = weekly.clone();
    // The settings as typed, or what keeps them from being sent.
    let collect = move || -> Result<OfficeSettings, Vec<String>> {
        let l = lang.get_untracked();
        let ja = l == Lang::Ja;
        let mut errors = Vec::new();
        let mut week: [Vec<(u16, u16)>; 7] = Default::default();
        for ((text, day), slot) in weekly_for_save
            .iter()
            .zip(Weekday::ALL)
            .zip(week.iter_mut())
        {
            match hours::parse_windows(&text.get_untracked()) {
                Ok(w) => *slot = w,
                Err(e) if ja => errors.push(format!(
                    "{}曜日の開庁時間は 08:30-17:15 のように入力してください（{e}）。",
                    day.kanji()
                )),
                Err(e) => errors.push(format!("{day:?}: {e}")),
            }
        }
        let closed_days = hours::parse_days(&closed.get_untracked()).unwrap_or_else(|e| {
            errors.push(if ja {
                format!("臨時休庁日は 2027-05-06 のように1行に1日ずつ入力してください（{e}）。")
            } else {
                format!("Extra closed days: {e}")
            });
            Vec::new()
        });
        let extra_days = hours::parse_extra(&extra.get_untracked()).unwrap_or_else(|e| {
            errors.push(if ja {
                format!(
                    "休日開庁日は 2027-03-28 09:00-12:00 のように1行に1日ずつ入力してください（{e}）。"
                )
            } else {
                format!("Extra opening days: {e}")
            });
            Vec::new()
        });
        let mut service_list = Vec::new();
        for (i, row) in services.get_untracked().iter().enumerate() {
            let mut s = row.s.get_untracked();
            let typed = row.minutes.get_untracked();
            match typed.trim().parse::<f64>() {
                Ok(m) if m.is_finite() && m > 0.0 => s.avg_service_secs = (m * 60.0).round() as u32,
                _ => errors.push(if ja {
                    format!("業務{}行目：平均対応時間を分で入力してください。", i + 1)
                } else {
                    format!("services[{i}]: the average time in minutes")
                }),
            }
            s.prefix = s.prefix.trim().to_uppercase();
            service_list.push(s);
        }
        let settings = OfficeSettings {
            names: names.get_untracked(),
            id: office_id.clone(),
            name: name.get_untracked().trim().to_owned(),
            name_en: name_en.get_untracked().trim().to_owned(),
            address: address.get_untracked().trim().to_owned(),
            phone: phone.get_untracked().trim().to_owned(),
            head: head.get_untracked().trim().to_owned(),
            services: service_list,
            counters: counters
                .get_untracked()
                .iter()
                .map(|r| r.c.get_untracked())
                .collect(),
            calendar: OfficeCalendar {
                weekly: week,
                closed_on_holidays: holidays.get_untracked(),
                closed_year_end: year_end.get_untracked(),
                closed: closed_days,
                extra: extra_days,
            },
        };
        if errors.is_empty() {
            errors.extend(settings.problems().iter().map(|p| describe(p, l)));
        }
        if errors.is_empty() {
            Ok(settings)
        } else {
            Err(errors)
        }
    };
    let save = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        saved.set(false);
        let settings = match collect() {
            Ok(s) => s,
            Err(list) => {
                problems.set(list);
                return;
            }
        };
        problems.set(Vec::new());
        saving.set(true);
        tasks.spawn(async move {
            match api::save_office_settings(&settings).await {
                Ok(stored) => {
                    // New counters got their ids: keep them, so a second save does not add them again.
                    for (row, c) in counters.get_untracked().iter().zip(stored.counters) {
                        row.c.update(|x| x.id = c.id);
                    }
                    services.update(|rows| rows.iter_mut().for_each(|r| r.stored = true));
                    saved.set(true);
                    unsaved.set(false);
                }
                Err(ApiError::Refused { message, .. }) => {
                    let l = lang.get_untracked();
                    problems.set(vec![format!(
                        "{}{}",
                        l.admin().save_failed,
                        describe_refusal(&message, l)
                    )]);
                }
                Err(e) => {
                    let l = lang.get_untracked();
                    problems.set(vec![match l.base() {
                        Base::Ja => format!("{}{}", l.admin().save_failed, l.admin().save_network),
                        Base::En => format!("{}{e}", l.admin().save_failed),
                    }]);
                }
            }
            saving.set(false);
        });
    };
    let add_service = move |_| {
        let n = services.with_untracked(Vec::len);
        let used: Vec<String> = services.with_untracked(|v| {
            v.iter()
                .map(|r| r.s.with_untracked(|s| s.prefix.clone()))
                .collect()
        });
        let prefix = ('A'..='Z')
            .map(String::from)
            .find(|p| !used.contains(p))
            .unwrap_or_default();
        let row = ServiceRow {
            key: key(),
            stored: false,
            s: RwSignal::new(ServiceSettings {
                names: Default::default(),
                id: format!("service{}", n + 1),
                prefix,
                name: String::new(),
                name_en: String::new(),
                avg_service_secs: 600,
                walk_in_cutoff_minutes: 0,
                booking: None,
            }),
            minutes: RwSignal::new("10".into()),
        };
        services.update(|v| v.push(row));
    };
    let move_service = move |k: u32, by: isize| {
        services.update(|v| {
            if let Some(i) = v.iter().position(|r| r.key == k) {
                let j = i as isize + by;
                if (0..v.len() as isize).contains(&j) {
                    v.swap(i, j as usize);
                }
            }
        });
    };
    let add_counter = move |_| {
        let n = counters.with_untracked(Vec::len) + 1;
        let row = CounterRow {
            key: key(),
            c: RwSignal::new(CounterSettings {
                names: Default::default(),
                id: None,
                label: format!("{n}番窓口"),
                label_en: format!("Counter {n}"),
                service_ids: Vec::new(),
            }),
        };
        counters.update(|v| v.push(row));
    };
    // Services as the counters' check boxes list them.
    let service_choices = move || {
        services.with(|v| {
            v.iter()
                .map(|r| {
                    r.s.with(|s| (s.id.clone(), s.prefix.clone(), s.name.clone()))
                })
                .collect::<Vec<_>>()
        })
    };

    view! {
        <form class="settings" on:submit=save novalidate on:input=move |_| edited() on:change=move |_| edited()
            on:click=move |ev| {
                // Adding, removing or moving a row is an edit too.
                let row_button = event_target::<web_sys::Element>(&ev)
                    .closest("button[type=button]")
                    .ok()
                    .flatten();
                if row_button.is_some() {
                    edited();
                }
            }>
            <section aria-labelledby="office-title">
                <h2 id="office-title">{move || a().office_section}</h2>
                <div class="fields">
                    <label>{move || a().office_name}
                        <input prop:value=move || name.get() on:input=move |ev| name.set(event_target_value(&ev))/>
                    </label>
                    <label>{move || a().office_name_en}
                        <input prop:value=move || name_en.get() on:input=move |ev| name_en.set(event_target_value(&ev))/>
                    </label>
                    <OtherNames value=Signal::derive(move || names.get())
                        set=Callback::new(move |(code, v): (String, String)| names.update(|n| set_name(n, code, v)))/>
                    <label class="grow">{move || a().office_address}
                        <input data-testid="office-address" prop:value=move || address.get() on:input=move |ev| address.set(event_target_value(&ev))/>
                    </label>
                    <label>{move || a().office_phone}
                        <input type="tel" data-testid="office-phone" prop:value=move || phone.get() on:input=move |ev| phone.set(event_target_value(&ev))/>
                    </label>
                    <label class="grow">{move || a().office_head}
                        <input data-testid="office-head" placeholder=move || a().office_head_placeholder prop:value=move || head.get() on:input=move |ev| head.set(event_target_value(&ev))/>
                    </label>
                </div>
                <p class="hint">{move || a().office_contact_help}</p>
            </section>

            <section aria-labelledby="services-title">
                <h2 id="services-title">{move || a().services_section}</h2>
                <p class="hint">{move || a().services_help}</p>
                <table class="edit" data-testid="services">
                    <thead><tr>
                        <th>{move || a().col_prefix}</th><th>{move || a().col_id}</th><th>{move || a().col_name}</th><th>{move || a().col_name_en}</th>
                        <th>{move || a().col_avg}</th><th>{move || a().col_cutoff}</th><th>{move || a().col_booking}</th><th>{move || a().col_slot}</th><th>{move || a().col_capacity}</th>
                        <th>{move || a().col_horizon}</th><th>{move || a().col_lead}</th><th></th>
                    </tr></thead>
                    <tbody>
                        <For each=move || services.get() key=|r| r.key let:row>
                            <ServiceRowView row=row on_move=move_service on_remove=move |k| services.update(|v| v.retain(|r| r.key != k))/>
                        </For>
                    </tbody>
                </table>
                <button type="button" class="secondary" on:click=add_service>{move || a().add_service}</button>
            </section>

            <section aria-labelledby="counters-title">
                <h2 id="counters-title">{move || a().counters_section}</h2>
                <p class="hint">{move || a().counters_help}</p>
                <table class="edit" data-testid="counters">
                    <thead><tr>
                        <th>{move || a().col_counter}</th><th>{move || a().col_counter_en}</th><th>{move || a().col_calls}</th><th></th>
                    </tr></thead>
                    <tbody>
                        <For each=move || counters.get() key=|r| r.key let:row>
                            {
                                let c = row.c;
                                let k = row.key;
                                view! {
                                    <tr>
                                        <td><input aria-label=move || a().col_counter prop:value=move || c.with(|x| x.label.clone())
                                            on:input=move |ev| c.update(|x| x.label = event_target_value(&ev))/></td>
                                        <td><input aria-label=move || a().col_counter_en prop:value=move || c.with(|x| x.label_en.clone())
                                            on:input=move |ev| c.update(|x| x.label_en = event_target_value(&ev))/>
                                            <OtherNames value=Signal::derive(move || c.with(|x| x.names.clone()))
                                                set=Callback::new(move |(code, v): (String, String)| c.update(|x| set_name(&mut x.names, code, v)))/></td>
                                        <td class="calls">
                                            {move || service_choices().into_iter().map(|(id, prefix, sname)| {
                                                let checked_id = id.clone();
                                                let toggled_id = id.clone();
                                                view! {
                                                    <label class="check">
                                                        <input type="checkbox" prop:checked=move || c.with(|x| x.service_ids.contains(&checked_id))
                                                            on:change=move |ev| {
                                                                let on = event_target_checked(&ev);
                                                                let id = toggled_id.clone();
                                                                c.update(|x| {
                                                                    x.service_ids.retain(|s| *s != id);
                                                                    if on { x.service_ids.push(id); }
                                                                });
                                                            }/>
                                                        {format!("{prefix} {sname}")}
                                                    </label>
                                                }
                                            }).collect_view()}
                                        </td>
                                        <td><button type="button" class="secondary small" on:click=move |_| counters.update(|v| v.retain(|r| r.key != k))>{move || a().remove}</button></td>
                                    </tr>
                                }
                            }
                        </For>
                    </tbody>
                </table>
                <button type="button" class="secondary" on:click=add_counter>{move || a().add_counter}</button>
            </section>

            <section aria-labelledby="hours-title">
                <h2 id="hours-title">{move || a().hours_section}</h2>
                <p class="hint">{move || a().hours_help}</p>
                <div class="week">
                    {weekly.iter().zip(Weekday::ALL).map(|(text, day)| {
                        let text = *text;
                        view! {
                            <label>{format!("{}曜日", day.kanji())}
                                <input data-testid=format!("hours-{}", day.index()) placeholder=move || a().closed_placeholder prop:value=move || text.get()
                                    on:input=move |ev| text.set(event_target_value(&ev))/>
                            </label>
                        }
                    }).collect_view()}
                </div>
                <div class="flags">
                <label class="check"><input type="checkbox" prop:checked=move || holidays.get() on:change=move |ev| holidays.set(event_target_checked(&ev))/>{move || a().closed_on_holidays}</label>
                <label class="check"><input type="checkbox" prop:checked=move || year_end.get() on:change=move |ev| year_end.set(event_target_checked(&ev))/>{move || a().closed_year_end}</label>
                </div>
                <div class="fields">
                    <label>{move || a().closed_days}
                        <textarea rows="4" data-testid="closed-days" prop:value=move || closed.get() on:input=move |ev| closed.set(event_target_value(&ev))></textarea>
                    </label>
                    <label>{move || a().extra_days}
                        <textarea rows="4" prop:value=move || extra.get() on:input=move |ev| extra.set(event_target_value(&ev))></textarea>
                    </label>
                </div>
            </section>

            {move || (!problems.get().is_empty()).then(|| view! {
                <div class="problem" role="alert" data-testid="settings-problems">
                    <p>{a().cannot_save}</p>
                    <ul>{problems.get().into_iter().map(|p| view! { <li>{p}</li> }).collect_view()}</ul>
                </div>
            })}
            {move || saved.get().then(|| view! { <p class="done" role="status" data-testid="settings-saved">{a().saved}</p> })}
            <button type="submit" class="big" disabled=move || saving.get()>{move || a().save}</button>
        </form>
    }
}

#[component]
fn ServiceRowView(
    row: ServiceRow,
    on_move: impl Fn(u32, isize) + Copy + Send + Sync + 'static,
    on_remove: impl Fn(u32) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let lang = use_lang();
    let a = move || lang.get().admin();
    let s = row.s;
    let k = row.key;
    let booking = move || s.with(|x| x.booking);
    let set_booking = move |f: &dyn Fn(&mut BookingRule, u32), ev: leptos::ev::Event| {
        let v = event_target_value(&ev).trim().parse::<u32>().unwrap_or(0);
        s.update(|x| {
            if let Some(b) = x.booking.as_mut() {
                f(b, v);
            }
        });
    };
    let number = move |get: fn(&BookingRule) -> u32,
                       set: fn(&mut BookingRule, u32),
                       label: fn(Lang) -> &'static str| {
        view! {
            <td><input type="number" min="0" class="num" aria-label=move || label(lang.get())
                disabled=move || booking().is_none()
                prop:value=move || booking().map(|b| get(&b).to_string()).unwrap_or_default()
                on:change=move |ev| set_booking(&set, ev)/></td>
        }
    };
    view! {
        <tr>
            <td><input class="letter" maxlength="2" aria-label=move || a().col_prefix prop:value=move || s.with(|x| x.prefix.clone())
                on:input=move |ev| s.update(|x| x.prefix = event_target_value(&ev))/></td>
            <td>{if row.stored {
                view! { <code>{s.with_untracked(|x| x.id.clone())}</code> }.into_any()
            } else {
                view! { <input class="id" aria-label=move || a().col_id prop:value=move || s.with(|x| x.id.clone())
                    on:input=move |ev| s.update(|x| x.id = event_target_value(&ev))/> }.into_any()
            }}</td>
            <td><input class="name" aria-label=move || a().col_name prop:value=move || s.with(|x| x.name.clone())
                on:input=move |ev| s.update(|x| x.name = event_target_value(&ev))/></td>
            <td><input class="name-en" aria-label=move || a().col_name_en prop:value=move || s.with(|x| x.name_en.clone())
                on:input=move |ev| s.update(|x| x.name_en = event_target_value(&ev))/>
                <OtherNames value=Signal::derive(move || s.with(|x| x.names.clone()))
                    set=Callback::new(move |(code, v): (String, String)| s.update(|x| set_name(&mut x.names, code, v)))/></td>
            <td><input class="num" inputmode="decimal" aria-label=move || a().col_avg prop:value=move || row.minutes.get()
                on:input=move |ev| row.minutes.set(event_target_value(&ev))/></td>
            // Minutes before the closing that walk-in tickets end; what cannot be read is sent
            // as out of range, and the relay's check says what is expected.
            <td><input type="number" min="0" max="240" class="num" aria-label=move || a().col_cutoff
                prop:value=move || s.with(|x| x.walk_in_cutoff_minutes.to_string())
                on:change=move |ev| {
                    let v = event_target_value(&ev).trim().parse::<u16>().unwrap_or(u16::MAX);
                    s.update(|x| x.walk_in_cutoff_minutes = v);
                }/></td>
            <td><label class="check"><input type="checkbox" prop:checked=move || booking().is_some()
                on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    s.update(|x| x.booking = on.then_some(x.booking.unwrap_or(BookingRule::DEFAULT)));
                }/>{move || a().takes_bookings}</label></td>
            {number(|b| u32::from(b.minutes), |b, v| b.minutes = u16::try_from(v).unwrap_or(u16::MAX), |l| l.admin().col_slot)}
            {number(|b| b.capacity, |b, v| b.capacity = v, |l| l.admin().col_capacity)}
            {number(|b| b.horizon_days, |b, v| b.horizon_days = v, |l| l.admin().col_horizon)}
            {number(|b| b.lead_minutes, |b, v| b.lead_minutes = v, |l| l.admin().col_lead)}
            <td class="row-buttons">
                <button type="button" class="secondary small" aria-label=move || a().up on:click=move |_| on_move(k, -1)>"↑"</button>
                <button type="button" class="secondary small" aria-label=move || a().down on:click=move |_| on_move(k, 1)>"↓"</button>
                <button type="button" class="secondary small" on:click=move |_| on_remove(k)>{move || a().remove}</button>
            </td>
        </tr>
    }
}

/// Sets the name in language `code`; an emptied one is removed (the Japanese is shown).
fn set_name(names: &mut mado_wire::Names, code: String, value: String) {
    let value = value.trim().to_owned();
    if value.is_empty() {
        names.remove(&code);
    } else {
        names.insert(code, value);
    }
}

/// The names of an office, service or counter in the resident languages other than Japanese
/// and English (issue 22), folded away under one line that says how many are set.
#[component]
fn OtherNames(value: Signal<mado_wire::Names>, set: Callback<(String, String)>) -> impl IntoView {
    let lang = use_lang();
    let a = move || lang.get().admin();
    view! {
        <details class="other-names">
            <summary>{move || format!("{}（{}/{}）", a().other_names, value.with(|n| n.len()), mado_wire::NAME_LANGUAGES.len())}</summary>
            <p class="hint">{move || a().other_names_help}</p>
            {Lang::DATA.into_iter().map(|l| view! {
                <label class="other-name">
                    <span lang=l.tag()>{l.own_name()}</span>
                    <input lang=l.tag() data-lang=l.code()
                        prop:value=move || value.with(|n| n.get(l.code()).cloned().unwrap_or_default())
                        on:change=move |ev| set.run((l.code().to_owned(), event_target_value(&ev)))/>
                </label>
            }).collect_view()}
        </details>
    }
}

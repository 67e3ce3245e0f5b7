//! The data languages' files (`frontend/i18n/<code>.yaml`, issue 22): which texts each must
//! have, and a check of every file against them. Each key holds the Japanese it was
//! translated from (`ja`, so a changed Japanese text shows its translation is stale) and the
//! translation (`text`); `cargo xtask build` turns each file into `dist/lang/ui/<code>.json`
//! (a flat object: key → text), fetched when a resident chooses the language.

use std::collections::BTreeMap;

use serde::Deserialize;

use mado_rules::guide::placeholders;

use super::lang::Lang;
use super::{DeskTexts, PreTexts, Texts};

/// The texts a resident sees (`/apply`, `/r`, `/s`, `/t`, `/checkin`, `/kiosk`): every data
/// language translates all of them. `table.field`: `texts` is [`Texts`], `desk`
/// [`DeskTexts`], `pre` [`PreTexts`]. Staff texts are not translated (staff work in Japanese
/// or English).
pub const RESIDENT: &[&str] = &[
    "texts.switch_language",
    "texts.not_found",
    "texts.loading",
    "texts.relay_unreachable",
    "texts.relay_retrying",
    "texts.relay_error_retrying",
    "texts.no_office",
    "texts.retry",
    "texts.kiosk_title",
    "texts.kiosk_prompt",
    "texts.kiosk_issuing",
    "texts.kiosk_issue_failed",
    "texts.kiosk_not_paired",
    "texts.kiosk_pair_hint",
    "texts.kiosk_pair_link",
    "texts.kiosk_your_number",
    "texts.kiosk_please_wait",
    "texts.kiosk_print",
    "texts.kiosk_back",
    "texts.kiosk_ahead_label",
    "texts.kiosk_wait_label",
    "texts.kiosk_no_services",
    "texts.kiosk_checkin",
    "texts.kiosk_hours_label",
    "texts.display_waiting",
    "texts.display_reconnecting",
    "texts.kiosk_follow",
    "texts.kiosk_long_wait",
    "texts.kiosk_book_instead",
    "texts.kiosk_book_scan",
    "desk.ticket_title",
    "desk.ticket_waiting",
    "desk.ticket_called_now",
    "desk.ticket_done",
    "desk.ticket_no_show",
    "desk.ticket_unknown",
    "desk.ticket_live",
    "desk.guide_choose_event",
    "desk.guide_city",
    "desk.guide_questions",
    "desk.guide_for_forms",
    "desk.guide_for_forms_help",
    "desk.guide_results",
    "desk.guide_required",
    "desk.guide_may_apply",
    "desk.guide_needs_answer",
    "desk.guide_not_applicable",
    "desk.guide_counter",
    "desk.guide_deadline",
    "desk.guide_documents",
    "desk.guide_reasons",
    "desk.guide_source",
    "desk.guide_change_event",
    "desk.guide_print",
    "desk.guide_mark_today",
    "desk.guide_mark_later",
    "desk.guide_mark_informed",
    "desk.guide_mark_label",
    "desk.guide_go_question",
    "desk.guide_yes",
    "desk.guide_no",
    "desk.guide_unknown",
    "desk.guide_clear",
    "desk.guide_future_date",
    "desk.guide_nothing_yet",
    "desk.guide_bad_link",
    "desk.guide_load_failed",
    "desk.guide_version",
    "desk.apply_title",
    "desk.apply_intro",
    "desk.apply_share",
    "desk.apply_see_results",
    "desk.forms_name",
    "desk.forms_kana",
    "desk.forms_address",
    "desk.forms_birth",
    "desk.forms_sex",
    "desk.forms_male",
    "desk.forms_female",
    "desk.forms_phone",
    "desk.guide_wareki",
    "desk.guide_wareki_placeholder",
    "desk.card_backspace",
    "desk.card_cancel",
    "desk.book_title",
    "desk.book_intro",
    "desk.book_open",
    "desk.book_service",
    "desk.book_day",
    "desk.book_time",
    "desk.book_no_slots",
    "desk.book_full_day",
    "desk.book_contact",
    "desk.book_contact_help",
    "desk.book_phone_and_birth",
    "desk.book_submit",
    "desk.book_done",
    "desk.book_code",
    "desk.book_when",
    "desk.book_where",
    "desk.book_qr_help",
    "desk.book_ics",
    "desk.book_manage",
    "desk.book_full",
    "desk.book_closed",
    "desk.book_bad_phone",
    "desk.book_network",
    "desk.book_failed",
    "desk.book_my_title",
    "desk.book_loading",
    "desk.book_unknown",
    "desk.book_status_booked",
    "desk.book_status_cancelled",
    "desk.book_status_checked_in",
    "desk.book_cancel",
    "desk.book_cancel_confirm",
    "desk.book_cancel_yes",
    "desk.book_move",
    "desk.book_move_title",
    "desk.book_move_submit",
    "desk.book_moved",
    "desk.checkin_title",
    "desk.checkin_code_title",
    "desk.checkin_code_help",
    "desk.checkin_phone_title",
    "desk.checkin_use_phone",
    "desk.checkin_use_code",
    "desk.checkin_camera",
    "desk.checkin_camera_help",
    "desk.checkin_camera_stop",
    "desk.checkin_no_camera",
    "desk.checkin_submit",
    "desk.checkin_done",
    "desk.checkin_wait",
    "desk.checkin_back",
    "desk.checkin_not_found",
    "desk.checkin_cancelled",
    "desk.checkin_failed",
    "pre.title",
    "pre.intro",
    "pre.open",
    "pre.procedures",
    "pre.procedures_help",
    "pre.no_procedures",
    "pre.details",
    "pre.postal",
    "pre.sex_none",
    "pre.note",
    "pre.consent",
    "pre.consent_needed",
    "pre.submit",
    "pre.sending",
    "pre.done",
    "pre.code",
    "pre.receipt_help",
    "pre.status_link",
    "pre.print",
    "pre.failed",
    "pre.network",
    "pre.with_visit",
    "pre.status_title",
    "pre.status_now",
    "pre.unknown",
    "pre.history",
    "pre.returned_help",
    "pre.load",
    "pre.not_found",
    "pre.all",
    "pre.status",
    "pre.search",
    "pre.close",
];

/// The messages with numbers or names (`msg.<key>`) and the placeholders each template must
/// use, all of them and no other. `weekdays` is the seven day names from Monday, separated by
/// spaces; `status_*` are a pre-application's states.
pub const MESSAGES: &[(&str, &[&str])] = &[
    ("office_unknown", &["id"]),
    ("closed_not_yet", &[]),
    ("closed_break", &[]),
    ("closed_ended", &["until"]),
    ("closed_today", &[]),
    ("closed_day", &["name"]),
    ("closed_no_hours", &[]),
    ("next_today", &["time"]),
    ("next_day", &["day", "time"]),
    ("button_from", &["time"]),
    ("button_ended", &["until"]),
    ("button_closed", &[]),
    ("people_one", &["n"]),
    ("people", &["n"]),
    ("wait_soon", &[]),
    ("wait_minutes", &["m"]),
    ("go_to", &["counter"]),
    ("back_in", &["seconds"]),
    ("count_one", &["n"]),
    ("count", &["n"]),
    ("number_range", &["min", "max"]),
    ("checkin_other_day", &["day"]),
    ("book_free", &["n"]),
    ("wareki_outside_era", &["text", "era", "actual"]),
    ("wareki_not_a_date", &["text"]),
    ("wareki_unreadable", &["text"]),
    ("fill_in", &["what"]),
    ("check_field", &["field"]),
    ("day", &["month", "day", "weekday"]),
    ("weekdays", &[]),
    ("status_received", &[]),
    ("status_in_progress", &[]),
    ("status_completed", &[]),
    ("status_returned", &[]),
];

/// One key of a language file.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// The Japanese the text was translated from (for a table's text; messages have none).
    #[serde(default)]
    pub ja: Option<String>,
    pub text: String,
}

/// The Japanese text of `table.field`, if there is such a text.
fn japanese(key: &str) -> Option<&'static str> {
    let (table, field) = key.split_once('.')?;
    let ja = Lang::Ja;
    match table {
        "texts" => ja.texts().get(field),
        "desk" => ja.desk().get(field),
        "pre" => ja.pre().get(field),
        _ => None,
    }
}

/// What is wrong with a data language's file, one line each: a resident text or message
/// missing or empty, a text whose Japanese has changed since it was translated (stale), a key
/// no table or message has, a message whose placeholders differ from what it is given.
pub fn problems(lang: Lang, entries: &BTreeMap<String, Entry>) -> Vec<String> {
    let file = format!("frontend/i18n/{}.yaml", lang.code());
    let mut found = Vec::new();
    for (key, entry) in entries {
        if let (Some(now), Some(was)) = (japanese(key), entry.ja.as_deref())
            && now != was
        {
            found.push(format!(
                "{file}: `{key}` is stale: translated from 「{was}」, the Japanese is now 「{now}」"
            ));
        }
        if key.starts_with("msg.") && entry.ja.is_some() {
            found.push(format!("{file}: `{key}` is a message: it has only `text`"));
        }
        if !key.starts_with("msg.") && entry.ja.is_none() && japanese(key).is_some() {
            found.push(format!(
                "{file}: `{key}` has no `ja` (the Japanese it was translated from)"
            ));
        }
    }
    let texts: BTreeMap<&str, &str> = entries
        .iter()
        .map(|(k, e)| (k.as_str(), e.text.as_str()))
        .collect();
    let messages = MESSAGES.iter().map(|(k, _)| format!("msg.{k}"));
    for key in RESIDENT.iter().map(|k| (*k).to_owned()).chain(messages) {
        match texts.get(key.as_str()) {
            None => found.push(format!("{file}: `{key}` is missing")),
            Some(t) if t.trim().is_empty() => found.push(format!("{file}: `{key}` is empty")),
            Some(_) => {}
        }
    }
    for (&key, &text) in &texts {
        let known = match key.split_once('.') {
            Some(("texts", f)) => Texts::KEYS.contains(&f),
            Some(("desk", f)) => DeskTexts::KEYS.contains(&f),
            Some(("pre", f)) => PreTexts::KEYS.contains(&f),
            Some(("msg", m)) => MESSAGES.iter().any(|(k, _)| *k == m),
            _ => false,
        };
        if !known {
            found.push(format!(
                "{file}: `{key}` is no text of the UI (expected texts.*, desk.*, pre.* or msg.* as listed in frontend/src/i18n/data.rs)"
            ));
            continue;
        }
        let wanted: &[&str] = key
            .strip_prefix("msg.")
            .and_then(|m| MESSAGES.iter().find(|(k, _)| *k == m))
            .map_or(&[], |(_, p)| p);
        let mut have = placeholders(text);
        have.sort_unstable();
        let mut want = wanted.to_vec();
        want.sort_unstable();
        if have != want {
            found.push(format!(
                "{file}: `{key}` uses the placeholders {have:?}; expected {want:?}"
            ));
        }
    }
    if let Some(w) = texts.get("msg.weekdays") {
        let n = w.split(' ').count();
        if n != 7 {
            found.push(format!(
                "{file}: `msg.weekdays` has {n} names; expected 7 (Monday to Sunday, one space between each)"
            ));
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(lang: Lang) -> BTreeMap<String, Entry> {
        let path = format!("{}/i18n/{}.yaml", env!("CARGO_MANIFEST_DIR"), lang.code());
        let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
    }

    #[test]
    fn every_resident_text_is_a_field_of_its_table() {
        for key in RESIDENT {
            let found = match key.split_once('.') {
                Some(("texts", f)) => Texts::KEYS.contains(&f),
                Some(("desk", f)) => DeskTexts::KEYS.contains(&f),
                Some(("pre", f)) => PreTexts::KEYS.contains(&f),
                _ => false,
            };
            assert!(found, "{key} is in RESIDENT but no table has it");
        }
    }

    /// Issue 22: every data language has every resident text and message, nothing else, and
    /// each message with the placeholders it is given.
    #[test]
    fn every_data_language_is_complete_and_well_formed() {
        let mut all = Vec::new();
        for lang in Lang::DATA {
            all.extend(problems(lang, &file(lang)));
        }
        assert!(all.is_empty(), "{}", all.join("\n"));
    }

    #[test]
    fn the_check_reports_a_missing_text_a_stray_key_and_a_wrong_placeholder() {
        let mut texts = file(Lang::Vi);
        let text = |ja: Option<&str>, text: &str| Entry {
            ja: ja.map(str::to_owned),
            text: text.to_owned(),
        };
        texts.remove("texts.kiosk_title");
        texts.insert("texts.no_such_field".into(), text(None, "x"));
        texts.insert(
            "msg.wait_minutes".into(),
            text(None, "khoảng {minutes} phút"),
        );
        texts.insert(
            "desk.book_title".into(),
            text(Some("窓口の予約を"), "Đặt lịch"),
        );
        let found = problems(Lang::Vi, &texts).join("\n");
        assert!(found.contains("`texts.kiosk_title` is missing"), "{found}");
        assert!(
            found.contains(&format!(
                "`desk.book_title` is stale: translated from 「窓口の予約を」, the Japanese is now 「{}」",
                Lang::Ja.desk().book_title
            )),
            "{found}"
        );
        assert!(
            found.contains("`texts.no_such_field` is no text"),
            "{found}"
        );
        assert!(
            found.contains(
                "`msg.wait_minutes` uses the placeholders [\"minutes\"]; expected [\"m\"]"
            ),
            "{found}"
        );
    }

    /// A data language's texts fill the tables and messages; what it lacks stays Japanese.
    #[test]
    fn a_loaded_language_fills_the_tables_and_messages() {
        let mut texts: BTreeMap<String, String> = file(Lang::PtBr)
            .into_iter()
            .map(|(k, e)| (k, e.text))
            .collect();
        texts.remove("texts.kiosk_back");
        super::super::install(Lang::PtBr, texts.clone());
        let t = Lang::PtBr.texts();
        assert_eq!(t.kiosk_title, texts["texts.kiosk_title"]);
        assert_eq!(t.kiosk_back, Lang::Ja.texts().kiosk_back);
        assert_eq!(Lang::PtBr.desk().book_title, texts["desk.book_title"]);
        assert_eq!(
            Lang::PtBr.people(3),
            super::super::fill(&texts["msg.people"], &[("n", &3)])
        );
        assert_ne!(Lang::PtBr.people(1), Lang::PtBr.people(2));
        // Staff tables stay Japanese.
        assert_eq!(Lang::PtBr.admin().kiosk, Lang::Ja.admin().kiosk);
    }

    /// Prints what a translator works from: each resident text in Japanese and English, and
    /// each message as Mado says it in both. `cargo test -p mado-frontend --lib
    /// translation_source -- --ignored --nocapture`.
    #[test]
    #[ignore = "prints the translators' source"]
    fn translation_source() {
        for key in RESIDENT {
            let (table, field) = key.split_once('.').unwrap();
            let get = |l: Lang| match table {
                "texts" => l.texts().get(field),
                "desk" => l.desk().get(field),
                _ => l.pre().get(field),
            };
            println!(
                "{key}:\n  ja: {:?}\n  en: {:?}",
                get(Lang::Ja).unwrap(),
                get(Lang::En).unwrap()
            );
        }
        for (key, ps) in MESSAGES {
            println!("msg.{key}: placeholders {ps:?}");
        }
    }
}

//! The engine on a small pack built in code: three-valued logic, reasons, hidden questions,
//! links, and `{name}` values in sentences. Runs natively and in Chromium.

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use mado_civil::Date;
use mado_rules::{Answers, CityFile, Guide, PackFile, Status};
use serde_json::json;

fn guide(city: &str) -> Guide {
    let pack: PackFile = serde_json::from_value(json!({
        "id": "t", "version": "1", "title": "テスト", "event_date": "day",
        "cities": ["kitakyushu", "kitami"],
        "parameters": [
            {"id": "age_limit", "name": "対象年齢", "unit": "歳",
             "values": [{"since": "2000-04-01", "value": 65, "ref": "法 第1条"}]},
            {"id": "amount", "name": "月額", "unit": "円",
             "values": [{"since": "2025-04-01", "value": 29590, "ref": "告示 R7"},
                        {"since": "2024-04-01", "value": 28840, "ref": "告示 R6"}]}
        ],
        "questions": [
            {"id": "day", "type": "date", "label": "いつですか", "short": "日付"},
            {"id": "years", "type": "number", "label": "何歳ですか", "short": "年齢", "unit": "歳", "min": 0, "max": 130},
            {"id": "insured", "type": "bool", "label": "加入していますか", "short": "加入"},
            {"id": "kind", "type": "choice", "label": "どれですか", "short": "種類",
             "options": [{"id": "a", "label": "甲"}, {"id": "b", "label": "乙"}], "ask_if": "insured"}
        ],
        "procedures": [
            {"id": "p1", "name": "手続き1", "counter": "shimin", "source": "https://example.invalid/1",
             "deadline": {"text": "14日以内", "from": "day", "days": 14},
             "rules": [
                 {"when": "years < age_limit", "then": "not_applicable", "because": "65歳未満は対象外です"},
                 {"when": "insured and kind == a", "then": "required", "because": "月額は{amount}です"}
             ],
             "else": "may_apply"}
        ]
    }))
    .unwrap();
    let city: CityFile = serde_json::from_value(json!({
        "id": city, "name": if city == "kitami" { "北見市" } else { "北九州市" },
        "counters": {"shimin": {"name": "市民課"}}
    }))
    .unwrap();
    Guide::build(&pack, &city).unwrap()
}

fn d(s: &str) -> Date {
    Date::parse_iso(s).unwrap()
}

fn eval(g: &Guide, answers: serde_json::Value, on: &str) -> mado_rules::ProcedureResult {
    let a = Answers::from_json(g, &answers).unwrap();
    g.evaluate(&a, d(on)).unwrap().procedures.remove(0)
}

#[test]
fn an_unanswered_question_never_excludes() {
    let g = guide("kitakyushu");
    let p = eval(&g, json!({}), "2026-11-22");
    assert_eq!(p.status, Status::NeedsAnswer);
    assert_eq!(p.missing, ["years"]);
    assert_eq!(p.reasons[0].text, "「年齢」の回答で決まります");
    // Old enough but the rest unanswered: still open, now waiting for 加入.
    let p = eval(&g, json!({"years": 70}), "2026-11-22");
    assert_eq!(p.status, Status::NeedsAnswer);
    assert_eq!(p.missing, ["insured"]);
}

#[test]
fn reasons_name_the_facts_with_values_and_sources() {
    let g = guide("kitakyushu");
    let p = eval(&g, json!({"years": 64}), "2026-11-22");
    assert_eq!(p.status, Status::NotApplicable);
    assert_eq!(p.reasons[0].text, "65歳未満は対象外です");
    assert_eq!(p.reasons[1].text, "年齢: 64歳（対象年齢 65歳未満）");
    assert_eq!(p.reasons[1].source.as_deref(), Some("法 第1条"));
    let p = eval(
        &g,
        json!({"years": 65, "insured": true, "kind": "a"}),
        "2026-11-22",
    );
    assert_eq!(p.status, Status::Required);
    assert_eq!(p.reasons[0].text, "月額は29,590円です");
    assert!(
        p.reasons.iter().any(|r| r.text == "種類: 甲"),
        "{:?}",
        p.reasons
    );
    // On the day before the 4/1 change, the earlier amount.
    let p = eval(
        &g,
        json!({"years": 65, "insured": true, "kind": "a"}),
        "2025-03-31",
    );
    assert_eq!(p.reasons[0].text, "月額は28,840円です");
    // When no row holds, the facts of every row explain why.
    let p = eval(&g, json!({"years": 80, "insured": false}), "2026-11-22");
    assert_eq!(p.status, Status::MayApply);
    assert!(
        p.reasons
            .iter()
            .any(|r| r.text == "年齢: 80歳（対象年齢 65歳以上）"),
        "{:?}",
        p.reasons
    );
    assert!(
        p.reasons.iter().any(|r| r.text == "加入: いいえ"),
        "{:?}",
        p.reasons
    );
}

#[test]
fn answers_to_hidden_questions_are_ignored() {
    let g = guide("kitami");
    // `kind` is asked only when insured; the stale answer must not count.
    let a = Answers::from_json(&g, &json!({"years": 70, "insured": false, "kind": "a"})).unwrap();
    let e = g.evaluate(&a, d("2026-11-22")).unwrap();
    assert_eq!(e.questions, ["day", "years", "insured"]);
    assert_eq!(e.procedures[0].status, Status::MayApply);
}

#[test]
fn deadlines_count_from_the_event_date() {
    let g = guide("kitakyushu");
    let p = eval(&g, json!({"day": "2026-11-22"}), "2026-11-22");
    let dl = p.deadline.unwrap();
    assert_eq!(
        dl.date.map(|d| d.to_string()).as_deref(),
        Some("2026-12-06")
    );
    assert_eq!(dl.wareki.as_deref(), Some("令和8年12月6日（日）"));
}

#[test]
fn a_link_round_trips_and_bad_pairs_are_named() {
    let g = guide("kitakyushu");
    let a = Answers::from_json(
        &g,
        &json!({"day": "2026-11-22", "years": 70, "insured": true, "kind": "b"}),
    )
    .unwrap();
    let q = a.to_query();
    assert_eq!(q, "day=2026-11-22&insured=1&kind=b&years=70");
    let (back, bad) = Answers::from_query(&g, &q);
    assert_eq!(back, a);
    assert!(bad.is_empty());
    let (partial, bad) =
        Answers::from_query(&g, "years=abc&insured=1&kind=z&nope=1&day=2026-02-30");
    assert_eq!(partial.to_query(), "insured=1");
    assert_eq!(bad, ["years", "kind", "nope", "day"]);
}

#[test]
fn wrong_answers_are_refused_with_what_was_expected() {
    let g = guide("kitakyushu");
    let err = |v| Answers::from_json(&g, &v).unwrap_err().to_string();
    assert_eq!(
        err(json!({"years": 131})),
        "answer \"years\": expected a whole number ≥ 0 ≤ 130, found the number 131"
    );
    assert_eq!(
        err(json!({"kind": "c"})),
        "answer \"kind\": expected one of a, b, found the text \"c\""
    );
    assert_eq!(
        err(json!({"insured": "yes"})),
        "answer \"insured\": expected true or false, found the text \"yes\""
    );
    assert_eq!(
        err(json!({"x": 1})),
        "answer \"x\": there is no such question in pack \"t\""
    );
}

#[test]
fn build_errors_name_the_item_and_what_is_wrong() {
    let pack: PackFile = serde_json::from_value(json!({
        "id": "t", "version": "1", "title": "テスト", "event_date": "day", "cities": ["kitami"],
        "questions": [
            {"id": "day", "type": "date", "label": "いつ", "short": "日付"},
            {"id": "n", "type": "number", "label": "数", "short": "数", "ask_if": "later"},
            {"id": "later", "type": "bool", "label": "後", "short": "後"}
        ],
        "procedures": [
            {"id": "p", "name": "手続き", "counter": "nowhere", "source": "北見市",
             "rules": [{"when": "n == a", "then": "required", "because": "{missing}"}], "else": "not_applicable"}
        ]
    }))
    .unwrap();
    let city: CityFile =
        serde_json::from_value(json!({"id": "kitami", "name": "北見市", "counters": {}})).unwrap();
    let errs: Vec<String> = Guide::build(&pack, &city)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        errs.iter()
            .any(|e| e.contains("ask_if reads \"later\", which is not asked before this question")),
        "{errs:?}"
    );
    assert!(
        errs.iter()
            .any(|e| e.contains("counter \"nowhere\" is not in the 北見市 profile")),
        "{errs:?}"
    );
}

/// `count(parts)` and `parts has any [..]` on a multiple choice (the 手帳's impairments, chosen
/// all at once: one question where a choice and a yes/no were two), and `min:` on it.
#[test]
fn a_multiple_choice_is_counted_and_matched_against_a_list() {
    let pack: PackFile = serde_json::from_value(json!({
        "id": "t", "version": "1", "title": "テスト", "event_date": "day", "cities": ["kitami"],
        "questions": [
            {"id": "day", "type": "date", "label": "いつ", "short": "日付"},
            {"id": "parts", "type": "multi", "label": "障害をすべて", "short": "障害", "min": 1,
             "options": [{"id": "visual", "label": "視覚"}, {"id": "hearing", "label": "聴覚"},
                         {"id": "heart", "label": "心臓"}]}
        ],
        "derived": [{"id": "multi", "short": "障害が2つ以上", "expr": "count(parts) >= 2"}],
        "procedures": [
            {"id": "p", "name": "手続き", "counter": "shimin", "source": "https://example.invalid/p",
             "rules": [
                 {"when": "multi", "then": "may_apply", "because": "障害ごとの等級で確かめます"},
                 {"when": "parts has any [visual, hearing]", "then": "required", "because": "視覚・聴覚"}
             ],
             "else": "not_applicable"}
        ]
    }))
    .unwrap();
    let city: CityFile = serde_json::from_value(
        json!({"id": "kitami", "name": "北見市", "counters": {"shimin": {"name": "市民課"}}}),
    )
    .unwrap();
    let g = Guide::build(&pack, &city).unwrap();
    let on = "2026-12-07";
    assert_eq!(
        eval(&g, json!({"parts": ["hearing"]}), on).status,
        Status::Required
    );
    assert_eq!(
        eval(&g, json!({"parts": ["heart"]}), on).status,
        Status::NotApplicable
    );
    assert_eq!(
        eval(&g, json!({"parts": ["heart", "visual"]}), on).status,
        Status::MayApply
    );
    // The same option twice is one.
    assert_eq!(
        eval(&g, json!({"parts": ["heart", "heart"]}), on).status,
        Status::NotApplicable
    );
    assert_eq!(eval(&g, json!({}), on).status, Status::NeedsAnswer);
    assert_eq!(
        Answers::from_json(&g, &json!({"parts": []}))
            .unwrap_err()
            .to_string(),
        "answer \"parts\": expected a list of at least 1 of visual, hearing, heart, found a list of 0"
    );
    // count() reads a multiple choice only.
    let mut bad = pack.clone();
    bad.derived[0].expr = "count(day) >= 2".into();
    let errs: Vec<String> = Guide::build(&bad, &city)
        .unwrap_err()
        .iter()
        .map(ToString::to_string)
        .collect();
    assert!(
        errs.iter()
            .any(|e| e.contains("count() takes a multiple-choice answer, found a date (day)")),
        "{errs:?}"
    );
}

//! The `mado-rules` command as integrators and CI use it: exit codes, JSON, and messages
//! that name the file and line or the answer at fault.
#![cfg(not(target_arch = "wasm32"))]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn cli(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_mado-rules"))
        .args(args)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("mado-rules runs")
}

/// `mado-rules lint` of a packs directory as of 2026-12-07 (a fixed day, so the checked dates
/// and the yearly amounts do not drift with the calendar).
fn lint_on(dir: &Path) -> Output {
    cli(&["lint", "--on", "2026-12-07", dir.to_str().unwrap()])
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

/// A packs directory with the real city profiles and one small pack for both cities, with no
/// city differences.
fn packs_with(name: &str, pack: &str, tests: &str) -> PathBuf {
    packs_with_cities(
        name,
        pack,
        tests,
        &[("kitakyushu", NO_DIFFERENCES), ("kitami", NO_DIFFERENCES)],
    )
}

/// A city file that changes nothing.
const NO_DIFFERENCES: &str = "procedures: {}\n";

/// A packs directory with the real city profiles and one small pack with these cities' files.
fn packs_with_cities(
    name: &str,
    pack: &str,
    tests: &str,
    cities_of_pack: &[(&str, &str)],
) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("mado-rules-cli-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("cities")).unwrap();
    std::fs::create_dir_all(dir.join("mini").join("tests")).unwrap();
    let cities = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("packs")
        .join("cities");
    for c in ["kitakyushu.yaml", "kitami.yaml"] {
        std::fs::copy(cities.join(c), dir.join("cities").join(c)).unwrap();
    }
    std::fs::write(dir.join("mini").join("pack.yaml"), pack).unwrap();
    std::fs::write(dir.join("mini").join("tests").join("cases.yaml"), tests).unwrap();
    std::fs::create_dir_all(dir.join("mini").join("cities")).unwrap();
    for (city, text) in cities_of_pack {
        std::fs::write(
            dir.join("mini").join("cities").join(format!("{city}.yaml")),
            text,
        )
        .unwrap();
    }
    dir
}

const MINI: &str = r#"id: mini
version: 1.0.0
title: 小さな例
event_date: event
parameters:
  - id: limit
    name: 所得制限額
    unit: 円
    step: 100000
    values:
      - since: 2025-04-01
        value: [3000000, 3500000]
        ref: https://example.invalid/limit-2025
      - since: 2026-04-01
        value: [3100000, 3600000]
        ref: https://example.invalid/limit-2026
questions:
  - id: event
    type: date
    label: いつですか
    short: 日付
  - id: grade
    type: number
    label: 等級は何級ですか
    short: 等級
    unit: 級
    min: 1
    max: 6
  - id: income
    type: number
    label: 所得はいくらですか
    short: 所得
    unit: 円
    min: 0
    ask_if: grade <= 2
  - id: dependents
    type: number
    label: 扶養している人は何人ですか
    short: 扶養親族の数
    unit: 人
    min: 0
    max: 10
    ask_if: grade <= 2
  - id: bus
    type: bool
    label: 市内のバスを使いますか
    short: バスの利用
    ask_if: city == kitami and severe
derived:
  - id: severe
    short: 重度
    expr: grade <= 2
procedures:
  - id: iryo
    name: 医療証の申請
    counter: shogai
    deadline: {text: 14日以内, from: event, days: 14}
    source: https://example.invalid/iryo
    checked: 2026-11-22
    rules:
      - when: grade >= 3
        then: not_applicable
        because: 1・2級の方が対象です
      - when: income >= limit[dependents]
        then: not_applicable
        because: 所得制限を超えています
      - when: grade <= 2
        then: required
    else: not_applicable
  - id: bus-pass
    name: バス乗車証
    counter: kotsu
    source: https://example.invalid/bus
    checked: 2026-11-22
    rules:
      - when: (city == kitami and bus) or (city == kitakyushu and severe)
        then: may_apply
    else: not_applicable
"#;

const MINI_TESTS: &str = r#"- name: 2級で所得が限度額より1円少ない方は医療証の申請が必要で、期限は14日後になる
  source: https://example.invalid/iryo
  city: kitakyushu
  date: 2026-11-22
  answers: {event: 2026-11-22, grade: 2, income: 3599999, dependents: 1}
  expect: {iryo: required}
  deadlines: {iryo: 2026-12-06}
- name: 限度額ちょうどの所得は所得制限を超えているので対象外になる
  source: https://example.invalid/iryo
  city: kitami
  date: 2026-11-22
  answers: {event: 2026-11-22, grade: 2, income: 3600000, dependents: 1}
  expect: {iryo: not_applicable}
  reasons: {iryo: ["所得: 3,600,000円（所得制限額（扶養親族の数 1人） 3,600,000円以上）"]}
- name: 4月1日の改定の前日は前の年度の限度額で判定する
  source: https://example.invalid/limit-2025
  city: kitami
  date: 2026-03-31
  answers: {event: 2026-03-31, grade: 2, income: 3550000, dependents: 1}
  expect: {iryo: not_applicable}
- name: 所得を答えていなければ対象外にはせず、確認が必要とする
  source: https://example.invalid/iryo
  city: kitami
  date: 2026-11-22
  answers: {event: 2026-11-22, grade: 1}
  expect: {iryo: needs_answer}
  ask: [income]
- name: 北見市だけで聞く質問は、重度の方に北見市でだけ聞き、答えがなければ確認が必要になる
  source: https://example.invalid/bus
  city: kitami
  date: 2026-11-22
  answers: {event: 2026-11-22, grade: 1}
  expect: {bus-pass: needs_answer}
  ask: [bus]
- name: 北九州市では北見市だけの質問を聞かないので、その答えがあっても使わずに判定する
  source: https://example.invalid/bus
  city: kitakyushu
  date: 2026-11-22
  answers: {event: 2026-11-22, grade: 3, bus: true}
  expect: {bus-pass: not_applicable}
"#;

#[test]
fn lint_and_test_pass_on_the_real_packs() {
    // On 2026-03-31 (the last day of 令和7年度) every amount is current and every fact was
    // checked within the year: no warnings at all.
    let lint = cli(&["lint", "--on", "2026-03-31"]);
    assert!(lint.status.success(), "{}", text(&lint));
    assert!(
        text(&lint).contains("0 errors, 0 warnings"),
        "{}",
        text(&lint)
    );
    // From 2026-04-01 the 手当 amounts of 令和8年度 are missing (no published source was found
    // yet): exactly those four warnings, and still no error.
    let lint = cli(&["lint", "--on", "2026-12-07"]);
    assert!(lint.status.success(), "{}", text(&lint));
    let out = text(&lint);
    assert!(out.contains("0 errors, 4 warnings"), "{out}");
    for p in [
        "tokubetsu_monthly（特別障害者手当の月額）",
        "shougaiji_monthly（障害児福祉手当の月額）",
        "tokuji_monthly_1（特別児童扶養手当の月額（1級））",
        "tokuji_monthly_2（特別児童扶養手当の月額（2級））",
    ] {
        assert!(
            out.contains(&format!(
                "warning: parameter {p}: 令和8年度の額が未入力です"
            )),
            "{out}"
        );
    }
    let test = cli(&["test"]);
    assert!(test.status.success(), "{}", text(&test));
    assert!(
        text(&test).trim_end().ends_with(" 0 failed"),
        "{}",
        text(&test)
    );
}

/// Issue 22: `mado-rules i18n --lang en` writes every text of the pack with its Japanese;
/// a text left empty is a warning (shown in Japanese); once the Japanese of a translated text
/// changes, lint reports the translation as stale, at its line, and fails.
#[test]
fn a_translation_goes_stale_when_its_japanese_changes() {
    let dir = packs_with("i18n", MINI, MINI_TESTS);
    let d = dir.to_str().unwrap();
    let made = cli(&["i18n", "--lang", "en", d]);
    assert!(made.status.success(), "{}", text(&made));
    let file = dir.join("mini").join("i18n").join("en.yaml");
    let yaml = std::fs::read_to_string(&file).unwrap();
    assert!(
        yaml.contains("title:\n  ja: 小さな例\n  text: ''"),
        "{yaml}"
    );
    assert!(dir.join("cities").join("i18n").join("en.yaml").is_file());
    let lint = lint_on(&dir);
    assert!(lint.status.success(), "{}", text(&lint));
    assert!(
        text(&lint).contains("warning: title: no translation"),
        "{}",
        text(&lint)
    );

    std::fs::write(
        &file,
        yaml.replace(
            "title:\n  ja: 小さな例\n  text: ''",
            "title:\n  ja: 小さな例\n  text: A small example",
        ),
    )
    .unwrap();
    let lint = lint_on(&dir);
    assert!(
        !text(&lint).contains("title: no translation"),
        "{}",
        text(&lint)
    );
    // Written again, the translation is kept.
    assert!(cli(&["i18n", "--lang", "en", d]).status.success());
    assert!(
        std::fs::read_to_string(&file)
            .unwrap()
            .contains("text: A small example")
    );

    let pack = dir.join("mini").join("pack.yaml");
    let changed = MINI.replace("title: 小さな例", "title: 小さな例（改）");
    std::fs::write(&pack, changed).unwrap();
    let lint = lint_on(&dir);
    assert_eq!(lint.status.code(), Some(1), "{}", text(&lint));
    let said = text(&lint);
    let line = said
        .lines()
        .find(|l| l.contains("title: the Japanese changed since the translation was made"))
        .unwrap_or_else(|| panic!("{said}"));
    assert!(
        line.contains("en.yaml:") && line.contains("小さな例（改）"),
        "{line}"
    );
    // A file for a language the guide does not have is refused, naming the languages.
    std::fs::write(dir.join("mini").join("i18n").join("fr.yaml"), "{}\n").unwrap();
    let lint = lint_on(&dir);
    assert_eq!(lint.status.code(), Some(2), "{}", text(&lint));
    assert!(
        text(&lint).contains("\"fr\" is not a language of the guide"),
        "{}",
        text(&lint)
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_small_pack_with_boundaries_and_a_4_1_change_passes() {
    let dir = packs_with("ok", MINI, MINI_TESTS);
    let d = dir.to_str().unwrap();
    let lint = cli(&["lint", "--on", "2026-12-07", d]);
    assert!(lint.status.success(), "{}", text(&lint));
    let test = cli(&["test", d]);
    assert!(test.status.success(), "{}", text(&test));
    assert!(
        text(&test).contains("6 passed, 0 failed"),
        "{}",
        text(&test)
    );
}

#[test]
fn lint_reports_each_problem_with_file_and_line_and_exits_1() {
    let broken = MINI
        .replace(
            "      - when: grade <= 2\n        then: required",
            "      - when: grade <= 2 and grade >= 3\n        then: required",
        )
        .replace(
            "      - when: income >= limit[dependents]",
            "      - when: incme >= limit[dependents]",
        )
        .replace(
            "    source: https://example.invalid/iryo\n",
            "    source: 北九州市のページ\n",
        )
        .replace(
            "    counter: shogai\n",
            "    counter: shogai\n  # overlapping row below\n",
        );
    let broken = broken.replacen(
        "    else: not_applicable\n",
        "    else: not_applicable\n  - id: katachigai\n    name: 型の誤り\n    counter: shogai\n    source: https://example.invalid/t\n    checked: 2026-11-22\n    rules:\n      - when: grade == heart\n        then: required\n    else: not_applicable\n",
        1,
    );
    let dir = packs_with("broken", &broken, "[]\n");
    let file = dir.join("mini").join("pack.yaml");
    let f = file.display().to_string();
    let out = lint_on(&dir);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    let line_of = |needle: &str| {
        broken
            .lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap()
    };
    let expect = [
        (line_of("incme"), "unknown name \"incme\""),
        (
            line_of("source: 北九州市のページ"),
            "source must be the URL",
        ),
        (line_of("grade == heart"), "unknown name \"heart\""),
    ];
    for (line, what) in expect {
        let want = format!("{f}:{line}: error:");
        assert!(
            t.lines().any(|l| l.starts_with(&want) && l.contains(what)),
            "expected {want} … {what}\n{t}"
        );
    }
}

#[test]
fn lint_finds_unreachable_procedures_overlapping_rows_and_rows_that_never_hold() {
    let pack = MINI
        .replace("      - when: grade <= 2\n        then: required", "      - when: grade <= 2 and grade >= 3\n        then: required")
        .replacen(
            "    else: not_applicable\n",
            "    else: not_applicable\n  - id: kaburi\n    name: 重なりの例\n    counter: shogai\n    source: https://example.invalid/k\n    checked: 2026-11-22\n    rules:\n      - when: grade <= 3\n        then: required\n      - when: grade == 2\n        then: not_applicable\n    else: not_applicable\n",
            1,
        );
    let dir = packs_with("unreachable", &pack, "[]\n");
    let f = dir.join("mini").join("pack.yaml").display().to_string();
    let out = lint_on(&dir);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    let line_of = |needle: &str| {
        pack.lines()
            .position(|l| l.contains(needle))
            .map(|i| i + 1)
            .unwrap()
    };
    let expect = [
        (line_of("id: iryo"), "procedure iryo is unreachable"),
        (
            line_of("grade <= 2 and grade >= 3"),
            "never holds for any answers",
        ),
        (
            line_of("when: grade == 2"),
            "overlaps earlier rows and is never reached",
        ),
    ];
    for (line, what) in expect {
        let want = format!("{f}:{line}: error:");
        assert!(
            t.lines().any(|l| l.starts_with(&want) && l.contains(what)),
            "expected {want} … {what}\n{t}"
        );
    }
}

#[test]
fn malformed_yaml_is_reported_with_its_line_and_exit_2() {
    let dir = packs_with(
        "yaml",
        &MINI.replace(
            "    type: number\n    label: 等級",
            "    type: numbr\n    label: 等級",
        ),
        "[]\n",
    );
    let out = lint_on(&dir);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    let line = MINI
        .lines()
        .position(|l| l.contains("label: 等級"))
        .unwrap();
    assert!(t.contains(&format!("pack.yaml:{line}:")), "{t}");
    assert!(t.contains("unknown variant `numbr`"), "{t}");
}

#[test]
fn questions_list_ids_types_labels_and_option_values() {
    let out = cli(&["questions", "--pack", "okuyami", "--city", "kitami"]);
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let ins = v
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["id"] == "deceased_insurance")
        .unwrap();
    assert_eq!(ins["type"], "choice");
    assert_eq!(ins["label"], "亡くなった方の健康保険はどれでしたか");
    assert_eq!(
        ins["options"][0],
        serde_json::json!({"value": "kokuho", "label": "国民健康保険"})
    );
    let yes_no = v
        .as_array()
        .unwrap()
        .iter()
        .find(|q| q["type"] == "bool")
        .unwrap();
    assert_eq!(yes_no["options"][0]["value"], true);
}

fn answers_file(name: &str, json: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("mado-rules-cli-{}-{name}.json", std::process::id()));
    std::fs::write(&p, json).unwrap();
    p
}

#[test]
fn eval_prints_the_documented_contract() {
    let a = answers_file(
        "eval",
        r#"{"death_date": "2026-11-22", "deceased_age": 80, "deceased_insurance": "kouki"}"#,
    );
    let out = cli(&[
        "eval",
        "--pack",
        "okuyami",
        "--city",
        "kitakyushu",
        "--date",
        "2026-11-22",
        "--answers",
        a.to_str().unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["pack"], "okuyami");
    assert_eq!(v["city"], "kitakyushu");
    assert!(v["version"].as_str().is_some_and(|s| !s.is_empty()));
    let kaigo = v["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "kaigo-soushitsu")
        .unwrap();
    assert_eq!(kaigo["status"], "required");
    assert_eq!(kaigo["counter"]["name"], "区役所 保健福祉課（介護保険）");
    // The 14th day is a Sunday: the deadline moves to Monday (地方自治法第4条の2第4項).
    assert_eq!(kaigo["deadline"]["date"], "2026-12-07");
    assert_eq!(kaigo["deadline"]["wareki"], "令和8年12月7日（月）");
    assert_eq!(
        kaigo["deadline"]["moved"],
        "令和8年12月6日（日）は日曜日のため、翌開庁日まで（地方自治法第4条の2第4項）"
    );
    assert!(
        kaigo["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["text"]
                == "亡くなった方の年齢: 80歳（介護保険 第1号被保険者の年齢 65歳以上）")
    );
    let techo = v["procedures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["id"] == "techo-henkan")
        .unwrap();
    assert_eq!(techo["status"], "needs_answer");
    assert_eq!(techo["missing"], serde_json::json!(["had_techo"]));
}

#[test]
fn bad_answers_get_a_clear_message_and_exit_2() {
    let cases = [
        (
            "unknown",
            r#"{"age": 80}"#,
            "answer \"age\": there is no such question in pack \"okuyami\"",
        ),
        (
            "type",
            r#"{"deceased_age": "八十"}"#,
            "answer \"deceased_age\": expected a whole number ≥ 0 ≤ 130, found the text \"八十\"",
        ),
        (
            "range",
            r#"{"deceased_age": 131}"#,
            "expected a whole number ≥ 0 ≤ 130, found the number 131",
        ),
        (
            "option",
            r#"{"deceased_insurance": "kenpo"}"#,
            "expected one of kokuho, kouki, shaho, seiho",
        ),
        (
            "date",
            r#"{"death_date": "2026-02-30"}"#,
            "expected a date \"YYYY-MM-DD\"",
        ),
        ("json", "{\"deceased_age\": 80,\n}", ":2:1: malformed JSON"),
        ("array", "[1, 2]", "answers must be a JSON object"),
    ];
    for (name, json, want) in cases {
        let a = answers_file(name, json);
        let out = cli(&[
            "eval",
            "--pack",
            "okuyami",
            "--city",
            "kitami",
            "--date",
            "2026-11-22",
            "--answers",
            a.to_str().unwrap(),
        ]);
        let t = text(&out);
        assert_eq!(out.status.code(), Some(2), "{name}: {t}");
        assert!(t.contains(want), "{name}: expected {want:?} in {t}");
        assert!(out.stdout.is_empty(), "{name}: nothing on stdout");
    }
    let out = cli(&[
        "eval",
        "--pack",
        "okuyami",
        "--city",
        "sapporo",
        "--date",
        "2026-11-22",
        "--answers",
        "-",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("unknown city \"sapporo\""),
        "{}",
        text(&out)
    );
    let out = cli(&[
        "eval",
        "--pack",
        "okuyami",
        "--city",
        "kitami",
        "--date",
        "2026-11-31",
        "--answers",
        "-",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        text(&out).contains("--date: 2026-11-31 is not a calendar date"),
        "{}",
        text(&out)
    );
}

/// Issue 18: a city's differences live in `cities/<city>.yaml` beside `pack.yaml`, and a
/// problem in one is reported in that file, at its line.
#[test]
fn a_problem_in_a_city_file_is_reported_in_that_file_at_its_line() {
    let kitami = "procedures:\n  bus-pass:\n    source: https://example.invalid/kitami-bus\n    checked: 2026-11-22\n    rules:\n      - when: bus and grade == heart\n        then: may_apply\n  no-such-procedure:\n    absent: true\n";
    let dir = packs_with_cities(
        "city-file",
        MINI,
        "[]\n",
        &[("kitakyushu", NO_DIFFERENCES), ("kitami", kitami)],
    );
    let f = dir.join("mini").join("cities").join("kitami.yaml");
    let f = f.display().to_string();
    let out = lint_on(&dir);
    let t = text(&out);
    assert_ne!(out.status.code(), Some(0), "{t}");
    assert!(
        t.lines().any(|l| l.starts_with(&format!("{f}:8: "))
            && l.contains("procedure \"no-such-procedure\" is not in")),
        "{t}"
    );
    // Fix the unknown procedure: the bad condition is then reported in the city file.
    let kitami = kitami.replace("  no-such-procedure:\n    absent: true\n", "");
    let dir = packs_with_cities(
        "city-file-rule",
        MINI,
        "[]\n",
        &[("kitakyushu", NO_DIFFERENCES), ("kitami", &kitami)],
    );
    let f = dir.join("mini").join("cities").join("kitami.yaml");
    let f = f.display().to_string();
    let out = lint_on(&dir);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(1), "{t}");
    assert!(
        t.lines().any(|l| l.starts_with(&format!("{f}:6: error:"))
            && l.contains("[kitami]")
            && l.contains("unknown name \"heart\"")),
        "{t}"
    );
}

/// Issue 18: `pack.yaml` names no city; the old inline form gets a message that says where
/// the differences go.
#[test]
fn cities_written_in_pack_yaml_are_refused_with_where_they_belong() {
    let inline = MINI
        .replace(
            "event_date: event\n",
            "event_date: event\ncities: [kitakyushu, kitami]\n",
        )
        .replace(
            "    source: https://example.invalid/bus\n",
            "    source: https://example.invalid/bus\n    cities:\n      kitami:\n        absent: true\n",
        );
    let dir = packs_with("inline-cities", &inline, "[]\n");
    let out = lint_on(&dir);
    let t = text(&out);
    assert_eq!(out.status.code(), Some(2), "{t}");
    assert!(t.contains("pack.yaml:5:"), "{t}");
    assert!(t.contains("remove this list"), "{t}");
    assert!(
        t.contains(
            "procedure bus-pass: what kitami does differently belongs in cities/kitami.yaml"
        ),
        "{t}"
    );
}

/// `mado-rules questions` for the small pack in the third city.
fn questions(dir: &Path) -> Output {
    cli(&[
        "questions",
        "--pack",
        "mini",
        "--city",
        "obihiro",
        "--dir",
        dir.to_str().unwrap(),
    ])
}

/// Issue 18: a third city is its profile and one file per pack.
#[test]
fn a_third_city_is_its_profile_and_one_file_per_pack() {
    let dir = packs_with("third-city", MINI, "[]\n");
    let profile = std::fs::read_to_string(dir.join("cities").join("kitami.yaml"))
        .unwrap()
        .replace("id: kitami", "id: obihiro")
        .replace("name: 北見市", "name: 帯広市");
    std::fs::write(dir.join("cities").join("obihiro.yaml"), profile).unwrap();
    // The profile alone: the pack does not offer the city.
    let out = questions(&dir);
    assert_eq!(out.status.code(), Some(2), "{}", text(&out));
    assert!(text(&out).contains("obihiro"), "{}", text(&out));
    // With the pack's file for it: offered, and it lints clean once the file says what the
    // city does differently (the bus pass is written for the two cities' own buses).
    std::fs::write(
        dir.join("mini").join("cities").join("obihiro.yaml"),
        "procedures:\n  bus-pass:\n    absent: true\n",
    )
    .unwrap();
    let out = questions(&dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    assert!(text(&out).contains("grade"), "{}", text(&out));
    let out = lint_on(&dir);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// A yearly amount (`yearly: true`) whose newest value is from an earlier fiscal year: lint
/// warns from the 4月1日 it goes stale, at the parameter's line, and the guide then says
/// which year's amount it shows (issue 24).
#[test]
fn lint_warns_when_a_yearly_amount_has_no_value_for_the_visits_fiscal_year() {
    let pack = MINI.replace(
        "  - id: limit\n    name: 所得制限額\n    unit: 円\n",
        "  - id: monthly\n    name: 手当の月額\n    unit: 円\n    yearly: true\n    values:\n      - since: 2025-04-01\n        value: 29590\n        ref: https://example.invalid/monthly-r7\n  - id: limit\n    name: 所得制限額\n    unit: 円\n",
    );
    let dir = packs_with("yearly", &pack, "[]\n");
    let d = dir.to_str().unwrap();
    let before = cli(&["lint", "--on", "2026-03-31", d]);
    assert!(
        text(&before).contains("0 errors, 0 warnings"),
        "{}",
        text(&before)
    );
    let after = cli(&["lint", "--on", "2026-04-01", d]);
    let out = text(&after);
    assert!(after.status.success(), "a warning is not an error: {out}");
    let line = pack.lines().position(|l| l == "  - id: monthly").unwrap() + 1;
    assert!(
        out.contains(&format!(
            "mini/pack.yaml:{line}: warning: parameter monthly（手当の月額）: 令和8年度の額が未入力です。2026-04-01 の案内では令和7年度の額（29,590円、2025-04-01から）を、その年度の額として示します"
        )),
        "{out}"
    );
    assert!(out.contains("0 errors, 1 warnings"), "{out}");
    // The income limit is not yearly: its 2026-04-01 value is simply in force.
    assert!(!out.contains("parameter limit"), "{out}");
}

/// Every procedure says when its facts were last checked against its source; lint lists those
/// checked more than a year before the date, refuses a missing or malformed date, and a city
/// that replaces the source dates its own facts.
#[test]
fn lint_lists_facts_checked_more_than_a_year_ago_and_refuses_a_missing_date() {
    let old = MINI.replacen("    checked: 2026-11-22\n", "    checked: 2025-03-01\n", 1);
    let dir = packs_with("checked-old", &old, "[]\n");
    let out = text(&lint_on(&dir));
    let line = old
        .lines()
        .position(|l| l == "    checked: 2025-03-01")
        .unwrap()
        + 1;
    assert!(
        out.contains(&format!("mini/pack.yaml:{line}: warning: procedure iryo: its facts were last checked on 2025-03-01, more than a year before 2026-12-07; check them against https://example.invalid/iryo and update checked:")),
        "{out}"
    );
    assert!(out.contains("0 errors, 1 warnings"), "{out}");

    let missing = MINI.replacen("    checked: 2026-11-22\n", "", 1);
    let dir = packs_with("checked-missing", &missing, "[]\n");
    let o = lint_on(&dir);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("error: procedure iryo: checked: is missing (the day its facts were last checked against https://example.invalid/iryo, YYYY-MM-DD)"), "{}", text(&o));

    let city = "procedures:\n  bus-pass:\n    source: https://example.invalid/kitami-bus\n";
    let dir = packs_with_cities(
        "checked-city",
        MINI,
        "[]\n",
        &[("kitakyushu", NO_DIFFERENCES), ("kitami", city)],
    );
    let o = lint_on(&dir);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    assert!(text(&o).contains("mini/cities/kitami.yaml:2: error: procedure bus-pass in kitami: checked: is missing (the day its facts were last checked against https://example.invalid/kitami-bus"), "{}", text(&o));
}

/// A procedure shown in one city must not carry the other city's name, page or form: the
/// pack's text silently falling back to the other city (the city profiles' `marks:`).
#[test]
fn lint_refuses_one_citys_page_or_words_shown_in_the_other_city() {
    let pack = MINI.replace(
        "    source: https://example.invalid/iryo\n",
        "    source: https://www.city.kitakyushu.lg.jp/iryo.html\n",
    );
    let dir = packs_with("other-city", &pack, "[]\n");
    let o = lint_on(&dir);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let line = pack
        .lines()
        .position(|l| l.contains("city.kitakyushu.lg.jp/iryo"))
        .unwrap()
        + 1;
    assert!(
        out.contains(&format!("mini/pack.yaml:{line}: error: procedure iryo for 北見市: its source \"https://www.city.kitakyushu.lg.jp/iryo.html\" is 北九州市's (\"kitakyushu\"); write 北見市's own in cities/kitami.yaml")),
        "{out}"
    );
    // 北九州市 showing its own page is fine; so is 北見市 once it has its own.
    assert_eq!(out.matches("error: procedure iryo").count(), 1, "{out}");
    let kitami = "procedures:\n  iryo:\n    source: https://www.city.kitami.lg.jp/iryo.html\n    checked: 2026-12-01\n";
    let dir = packs_with_cities(
        "other-city-fixed",
        &pack,
        "[]\n",
        &[("kitakyushu", NO_DIFFERENCES), ("kitami", kitami)],
    );
    let o = lint_on(&dir);
    assert!(text(&o).contains("0 errors, 0 warnings"), "{}", text(&o));
}

/// A deadline with cases: the first case whose condition holds replaces it; a case needs a
/// condition, of yes/no type.
#[test]
fn a_deadline_case_needs_a_yes_no_condition() {
    let pack = MINI.replace(
        "    deadline: {text: 14日以内, from: event, days: 14}\n",
        "    deadline:\n      text: 14日以内\n      from: event\n      days: 14\n      cases:\n        - when: grade\n          text: 30日以内\n          from: event\n          days: 30\n        - text: 条件のない場合\n",
    );
    let dir = packs_with("deadline-cases", &pack, "[]\n");
    let o = lint_on(&dir);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("deadline case when \"grade\" must be a condition, found a number"),
        "{out}"
    );
    assert!(
        out.contains(
            "deadline case \"条件のない場合\" needs when: (the condition under which it applies)"
        ),
        "{out}"
    );
}

/// 「わからない」 (issue 20 item 4): offered with what settles the answer, never on a list
/// question, never empty.
#[test]
fn unknown_needs_a_document_and_a_question_that_is_not_a_list() {
    let pack = MINI
        .replace(
            "    short: 所得\n",
            "    short: 所得\n    unknown: \"  \"\n",
        )
        .replace(
            "derived:\n",
            "  - id: parts\n    type: multi\n    label: どれですか\n    short: 部位\n    unknown: 手帳で確かめられます\n    options:\n      - {id: a, label: あ}\nderived:\n",
        );
    let dir = packs_with("unknown", &pack, "[]\n");
    let o = lint_on(&dir);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    assert!(
        out.contains("unknown: must say what settles the answer (a document or an office)"),
        "{out}"
    );
    assert!(
        out.contains("unknown: is for yes/no, number, date and choice questions"),
        "{out}"
    );
}

/// An amount written out in a procedure's sentence is refused: amounts change with the law
/// and must be dated parameters shown through `{id}` (issue 24).
#[test]
fn lint_refuses_an_amount_written_out_in_a_sentence() {
    let pack = MINI.replacen(
        "        because: 1・2級の方が対象です\n",
        "        because: 1・2級の方が対象です（月額は3万5千円です）\n",
        1,
    );
    let dir = packs_with("written-amount", &pack, "[]\n");
    let o = lint_on(&dir);
    let out = text(&o);
    assert_eq!(o.status.code(), Some(1), "{out}");
    let line = pack
        .lines()
        .position(|l| l.contains("月額は3万5千円です"))
        .unwrap()
        + 1;
    for city in ["北九州市", "北見市"] {
        assert!(
            out.contains(&format!("mini/pack.yaml:{line}: error: procedure iryo for {city}: its because writes the amount 「3万5千円」; make it a dated parameter (with its source) and write {{id}}")),
            "{out}"
        );
    }
    // Through a parameter it is fine: 「月額は{limit[1]}」 is not a written amount.
    assert_eq!(
        mado_rules::lint::written_amount("上限は{hosougu_futan_max}まで（37,200円）"),
        Some("37,200円".to_owned())
    );
    assert_eq!(
        mado_rules::lint::written_amount("上限は{hosougu_futan_max}まで"),
        None
    );
    assert_eq!(
        mado_rules::lint::written_amount("負担は0円"),
        Some("0円".to_owned())
    );
    assert_eq!(mado_rules::lint::written_amount("円の形の印鑑"), None);
}

/// `mado-rules … | head` closes the pipe early: the command stops quietly, without a panic.
#[test]
fn a_closed_pipe_ends_the_command_quietly() {
    use std::io::Read as _;
    // A question help longer than a pipe's buffer (64 KiB), so the write must meet the
    // closed pipe.
    let long = "長い説明".repeat(20_000);
    let pack = MINI.replacen(
        "    short: 日付\n",
        &format!("    short: 日付\n    help: {long}\n"),
        1,
    );
    let dir = packs_with("closed-pipe", &pack, "[]\n");
    let mut child = Command::new(env!("CARGO_BIN_EXE_mado-rules"))
        .args([
            "questions",
            "--pack",
            "mini",
            "--city",
            "kitakyushu",
            "--dir",
        ])
        .arg(&dir)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("mado-rules runs");
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The read end is dropped here: the rest of the output meets a closed pipe.
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success(), "{:?}: {err}", out.status);
}

/// `mado-rules eval` reading `bytes` as the answers for 北九州市's おくやみ on 2026-11-24.
fn eval_okuyami(name: &str, bytes: &[u8]) -> Output {
    let file = std::env::temp_dir().join(format!(
        "mado-rules-eval-{}-{name}.json",
        std::process::id()
    ));
    std::fs::write(&file, bytes).unwrap();
    cli(&[
        "eval",
        "--pack",
        "okuyami",
        "--city",
        "kitakyushu",
        "--date",
        "2026-11-24",
        "--answers",
        file.to_str().unwrap(),
    ])
}

/// Issue 20 item 6: what eval refuses, and what it accepts, with a message saying what and
/// where.
#[test]
fn eval_refuses_a_bom_a_repeated_answer_and_a_death_after_the_visit_and_takes_unknown_where_offered()
 {
    let bom = eval_okuyami("bom", b"\xef\xbb\xbf{\"deceased_age\": 70}");
    assert_eq!(bom.status.code(), Some(2));
    assert!(
        text(&bom).contains("starts with a UTF-8 BOM"),
        "{}",
        text(&bom)
    );

    let twice = eval_okuyami("twice", br#"{"deceased_age": 70, "deceased_age": 71}"#);
    assert_eq!(twice.status.code(), Some(2));
    assert!(
        text(&twice).contains("the answer \"deceased_age\" is given twice"),
        "{}",
        text(&twice)
    );

    let later = eval_okuyami("later", br#"{"death_date": "2026-11-25"}"#);
    assert_eq!(later.status.code(), Some(2));
    assert!(
        text(&later).contains(
            "answer \"death_date\": 2026-11-25 is after the day of the visit (2026-11-24)"
        ),
        "{}",
        text(&later)
    );

    // 70.0 is the whole number 70; 70.5 is not.
    let whole = eval_okuyami("whole", br#"{"deceased_age": 70.0}"#);
    assert!(whole.status.success(), "{}", text(&whole));
    let half = eval_okuyami("half", br#"{"deceased_age": 70.5}"#);
    assert_eq!(half.status.code(), Some(2));
    assert!(
        text(&half).contains("expected a whole number"),
        "{}",
        text(&half)
    );

    // 「わからない」 only where the question offers it (issue 20 item 4), and said so elsewhere.
    let dunno = eval_okuyami(
        "dunno",
        br#"{"deceased_insurance": "kokuho", "switched_from_shaho": "unknown"}"#,
    );
    assert!(dunno.status.success(), "{}", text(&dunno));
    let out: serde_json::Value = serde_json::from_slice(&dunno.stdout).unwrap();
    assert!(
        !out["ask"]
            .as_array()
            .unwrap()
            .iter()
            .any(|q| q == "switched_from_shaho"),
        "asked again: {out}"
    );
    let not_offered = eval_okuyami("not-offered", br#"{"deceased_age": "unknown"}"#);
    assert_eq!(not_offered.status.code(), Some(2));
    assert!(
        text(&not_offered).contains("this question does not offer 「わからない」"),
        "{}",
        text(&not_offered)
    );

    // An answer to a question not shown is ignored, not type-checked (README): 葬儀の日 is
    // asked only for 国保・後期.
    let hidden = eval_okuyami(
        "hidden",
        br#"{"deceased_insurance": "shaho", "funeral_date": "someday"}"#,
    );
    assert!(hidden.status.success(), "{}", text(&hidden));
    let shown = eval_okuyami(
        "shown",
        br#"{"deceased_insurance": "kokuho", "funeral_date": "someday"}"#,
    );
    assert_eq!(shown.status.code(), Some(2));
    assert!(
        text(&shown).contains("answer \"funeral_date\": expected a date"),
        "{}",
        text(&shown)
    );

    // An unknown pack is named, with no made-up file and line.
    let unknown = cli(&[
        "eval",
        "--pack",
        "nope",
        "--city",
        "kitami",
        "--date",
        "2026-11-24",
        "--answers",
        "-",
    ]);
    assert_eq!(unknown.status.code(), Some(2));
    assert!(
        text(&unknown).starts_with("error: unknown pack \"nope\"; there are"),
        "{}",
        text(&unknown)
    );
}

/// Issue 22: `mado-rules bundle --out DIR` writes the packs in every resident language in one
/// run (what `cargo xtask build` puts in `dist/lang/packs/`), each fully translated.
#[test]
fn bundle_writes_every_language_fully_translated() {
    let out = std::env::temp_dir().join(format!("mado-rules-bundle-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let made = cli(&["bundle", "--out", out.to_str().unwrap()]);
    assert!(made.status.success(), "{}", text(&made));
    let ja: mado_rules::LocalizedBundle =
        serde_json::from_str(&std::fs::read_to_string(out.join("ja.json")).unwrap()).unwrap();
    assert_eq!((ja.lang.as_str(), ja.bundle.packs.len()), ("ja", 4));
    assert!(ja.bundle.packs.iter().any(|p| p.title.contains("とき")));
    for code in ["easy-ja", "en", "zh-Hans", "ko", "vi", "pt-BR"] {
        let json = std::fs::read_to_string(out.join(format!("{code}.json"))).unwrap();
        let b: mado_rules::LocalizedBundle = serde_json::from_str(&json).unwrap();
        assert_eq!(b.lang, code);
        assert!(b.fallback.is_empty(), "{code}: {:?}", b.fallback);
        assert_eq!(b.bundle.packs.len(), 4);
        assert!(
            b.bundle
                .packs
                .iter()
                .all(|p| !p.title.contains("とき") || code == "easy-ja")
        );
    }
    let none = cli(&["bundle"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(text(&none).contains("--lang"), "{}", text(&none));
    let _ = std::fs::remove_dir_all(&out);
}

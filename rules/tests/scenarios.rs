//! Every pack lints clean and every scenario passes: natively here, and in Chromium when
//! compiled to wasm32 (`cargo xtask test`), from the same YAML compiled into the test.
#![cfg(feature = "yaml")]

#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;
#[cfg(target_arch = "wasm32")]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

use mado_rules::lint;
use mado_rules::load::{Library, PackSources, Source};

mod sources {
    include!(concat!(env!("OUT_DIR"), "/pack_sources.rs"));
}

fn src(&(file, text): &(&str, &str)) -> Source {
    Source {
        file: file.to_owned(),
        text: text.to_owned(),
    }
}

fn library() -> Library {
    let cities = sources::CITIES.iter().map(src).collect();
    let packs = sources::PACKS
        .iter()
        .map(|(pack, cities, tests)| PackSources {
            pack: src(pack),
            cities: cities.iter().map(src).collect(),
            tests: tests.iter().map(src).collect(),
        })
        .collect();
    match Library::from_sources(cities, packs) {
        Ok(lib) => lib,
        Err(diags) => panic!(
            "packs do not load:\n{}",
            diags
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join("\n")
        ),
    }
}

#[test]
fn the_four_packs_exist_for_both_cities() {
    let lib = library();
    for pack in ["okuyami", "shintai-techo", "hikkoshi", "shussan"] {
        for city in ["kitakyushu", "kitami"] {
            if let Err(d) = lib.guide(pack, city) {
                panic!(
                    "{pack} for {city}: {}",
                    d.iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join("\n")
                );
            }
        }
    }
}

#[test]
fn every_scenario_passes_and_there_are_at_least_80_with_sources() {
    let lib = library();
    let results = lint::run_scenarios(&lib);
    let failures: Vec<String> = results
        .iter()
        .filter(|(_, _, p)| !p.is_empty())
        .map(|(file, name, p)| format!("{file}: {name}\n    {}", p.join("\n    ")))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        results.len(),
        failures.join("\n")
    );
    assert!(
        results.len() >= 80,
        "only {} scenarios; the issue asks for at least 80",
        results.len()
    );
    for lp in &lib.packs {
        for (_, cases) in &lp.scenarios {
            for c in cases {
                assert!(c.source.starts_with("http"), "{}: no source", c.name);
            }
        }
    }
}

#[cfg(not(target_arch = "wasm32"))]
#[test]
fn every_pack_lints_without_errors_or_warnings_while_its_amounts_are_current() {
    let date = |s| mado_civil::Date::parse_iso(s).unwrap();
    let show = |f: &[lint::Finding]| {
        f.iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("\n")
    };
    // The last day of 令和7年度: every amount has its value and every fact a recent check.
    let findings = lint::lint(&library(), date("2026-03-31"));
    assert!(findings.is_empty(), "{}", show(&findings));
    // In 令和8年度 the 手当 amounts are not entered yet (no published source found): those
    // four warnings, nothing else.
    let findings = lint::lint(&library(), date("2026-12-07"));
    let mut ids: Vec<&str> = findings
        .iter()
        .filter(|f| f.diag.message.contains("令和8年度の額が未入力です"))
        .filter_map(|f| f.diag.message.strip_prefix("parameter "))
        .filter_map(|m| m.split('（').next())
        .collect();
    ids.sort_unstable();
    assert_eq!(findings.len(), 4, "{}", show(&findings));
    assert_eq!(
        ids,
        [
            "shougaiji_monthly",
            "tokubetsu_monthly",
            "tokuji_monthly_1",
            "tokuji_monthly_2"
        ],
        "{}",
        show(&findings)
    );
}

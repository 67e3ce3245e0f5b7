//! Issue 22: every pack's texts and the city profiles' are translated into every language the
//! guide offers, each translation made from the Japanese as it is now, with its placeholders.
#![cfg(all(feature = "yaml", not(target_arch = "wasm32")))]

use std::path::Path;

use mado_rules::i18n::{self, Lang};
use mado_rules::load::Library;

fn library() -> Library {
    Library::load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("packs"))
        .unwrap_or_else(|d| panic!("packs do not load: {d:?}"))
}

#[test]
fn every_pack_is_translated_into_every_language_with_nothing_missing_or_stale() {
    let lib = library();
    for lp in &lib.packs {
        let texts = i18n::texts(&lp.pack);
        assert!(texts.len() > 100, "{}: {} texts", lp.pack.id, texts.len());
        for lang in Lang::ALL {
            let (src, tr) = lp
                .translations
                .get(&lang)
                .unwrap_or_else(|| panic!("{}: no {} file", lp.pack.id, lang.code()));
            let problems = i18n::check(&texts, tr);
            assert!(problems.is_empty(), "{}: {problems:?}", src.file);
            // Localized, nothing is left in Japanese.
            let (localized, fallback) = i18n::localize(&lp.pack, tr);
            assert!(fallback.is_empty(), "{}: {fallback:?}", src.file);
            assert_ne!(localized.title, lp.pack.title, "{}", src.file);
        }
    }
    let cities: Vec<&mado_rules::CityFile> = lib.cities.values().map(|(_, c)| c).collect();
    let texts = i18n::city_texts(&cities);
    for lang in Lang::ALL {
        let (src, tr) = lib
            .city_translations
            .get(&lang)
            .unwrap_or_else(|| panic!("cities: no {} file", lang.code()));
        assert_eq!(i18n::check(&texts, tr), [], "{}", src.file);
        for c in &cities {
            let (_, fallback) = i18n::localize_city(c, tr);
            assert!(fallback.is_empty(), "{}: {fallback:?}", src.file);
        }
    }
}

/// A localized pack still builds and evaluates: a translated reason keeps its placeholders,
/// so the amounts are put in as in Japanese.
#[test]
fn a_localized_pack_evaluates_with_its_amounts_in_place() {
    let lib = library();
    let lp = lib
        .packs
        .iter()
        .find(|p| p.pack.id == "shintai-techo")
        .unwrap();
    let (_, city) = &lib.cities["kitakyushu"];
    for lang in [Lang::En, Lang::Vi, Lang::PtBr] {
        let (_, tr) = &lp.translations[&lang];
        let (pack, _) = i18n::localize(&lp.pack, tr);
        let g = mado_rules::Guide::build(&pack, city).expect("the localized pack builds");
        let on = mado_civil::Date::parse_iso("2026-12-07").unwrap();
        let raw = serde_json::json!({
            "birth_date": "1960-05-01", "grade": 2, "parts": ["visual"], "insurance": "kokuho"
        });
        let answers = mado_rules::Answers::from_json_on(&g, &raw, on).expect("answers fit");
        let e = g.evaluate(&answers, on).expect("evaluates");
        let sukoyaka = e
            .procedures
            .iter()
            .find(|p| p.id == "sukoyaka-jutaku")
            .unwrap();
        let reason = &sukoyaka.reasons[0].text;
        assert!(reason.contains("300,000"), "{}: {reason}", lang.code());
        assert!(!reason.contains('{'), "{}: {reason}", lang.code());
        assert!(
            !reason.contains("世帯"),
            "{}: still Japanese: {reason}",
            lang.code()
        );
    }
}

//! Rule-pack content in the languages residents read (issue 22): every sentence of a pack
//! a resident sees — the life event's title, questions, options, help, procedure names,
//! reasons, documents, notes, deadline words, counters — is a *key* with its Japanese text
//! ([`texts`]), and each language has a file of translations beside the pack
//! (`rules/packs/<pack>/i18n/<lang>.yaml`, [`Translations`]) that records, with each
//! translation, the Japanese it was made from. So `mado-rules lint` can say, per language,
//! which keys are missing, which are stale (the Japanese changed since), which are left over,
//! and where a translation's `{placeholders}` differ from the Japanese ([`check`]).
//! [`localize`] gives the pack in a language; what has no current translation stays Japanese
//! and is listed, so a screen can mark it — never an empty string.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::pack::{CityFile, DeadlineDef, PackFile, ProcedureOverride};

/// The languages a resident may choose besides Japanese.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Lang {
    /// やさしい日本語: short sentences, one idea each, everyday words, 「〜てください」.
    EasyJa,
    En,
    /// 中文（简体）.
    ZhHans,
    Ko,
    Vi,
    /// Português (Brasil).
    PtBr,
}

impl Lang {
    pub const ALL: [Lang; 6] = [
        Lang::EasyJa,
        Lang::En,
        Lang::ZhHans,
        Lang::Ko,
        Lang::Vi,
        Lang::PtBr,
    ];

    /// The file name's stem and the code the frontend uses: `easy-ja`, `en`, `zh-Hans`, …
    pub fn code(self) -> &'static str {
        match self {
            Lang::EasyJa => "easy-ja",
            Lang::En => "en",
            Lang::ZhHans => "zh-Hans",
            Lang::Ko => "ko",
            Lang::Vi => "vi",
            Lang::PtBr => "pt-BR",
        }
    }

    pub fn parse(code: &str) -> Option<Lang> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
    }

    /// The language in its own words, for the language buttons.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::EasyJa => "やさしい にほんご",
            Lang::En => "English",
            Lang::ZhHans => "中文（简体）",
            Lang::Ko => "한국어",
            Lang::Vi => "Tiếng Việt",
            Lang::PtBr => "Português",
        }
    }
}

/// One translation: the Japanese it was made from, and the text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    pub ja: String,
    pub text: String,
}

/// A language's file for one pack: key → translation.
pub type Translations = BTreeMap<String, Entry>;

/// Every sentence of `pack` a resident may see, by key, with its Japanese. Keys name where
/// the text is: `title`, `questions.<id>.label`, `questions.<id>.options.<id>`,
/// `procedures.<id>.rules.<n>.because`, `procedures.<id>.documents.<n>`,
/// `cities.<city>.procedures.<id>.note`, … (the counters' names are the city profiles':
/// [`city_texts`]). Empty texts have no key. A row's position is its key: when rows move,
/// `check` reports the translations whose Japanese no longer matches as stale.
pub fn texts(pack: &PackFile) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    let mut put = |key: String, ja: &str| {
        if !ja.trim().is_empty() {
            out.insert(key, ja.to_owned());
        }
    };
    put("title".into(), &pack.title);
    put("summary".into(), &pack.summary);
    put("visit.subject".into(), &pack.visit.subject);
    for q in &pack.questions {
        let k = format!("questions.{}", q.id);
        put(format!("{k}.label"), &q.label);
        put(format!("{k}.short"), &q.short);
        put(format!("{k}.help"), &q.help);
        put(format!("{k}.unit"), &q.unit);
        if let Some(u) = &q.unknown {
            put(format!("{k}.unknown"), u);
        }
        for o in &q.options {
            put(format!("{k}.options.{}", o.id), &o.label);
        }
    }
    for d in &pack.derived {
        put(format!("derived.{}.short", d.id), &d.short);
        put(format!("derived.{}.unit", d.id), &d.unit);
    }
    for p in &pack.parameters {
        put(format!("parameters.{}.name", p.id), &p.name);
    }
    for p in &pack.procedures {
        let k = format!("procedures.{}", p.id);
        put(format!("{k}.name"), &p.name);
        put(format!("{k}.note"), &p.note);
        for (i, d) in p.documents.iter().enumerate() {
            put(format!("{k}.documents.{i}"), d);
        }
        for (i, r) in p.rules.iter().enumerate() {
            put(format!("{k}.rules.{i}.because"), &r.because);
        }
        if let Some(d) = &p.deadline {
            deadline_texts(&format!("{k}.deadline"), d, &mut put);
        }
        for (city, o) in &p.cities {
            override_texts(&format!("cities.{city}.{k}"), o, &mut put);
        }
    }
    out
}

/// The city profiles' texts a resident sees: their name and their counters' names and notes
/// (`cities/i18n/<lang>.yaml`), keyed `name.<city>`, `counters.<city>.<id>.name`, ….
pub fn city_texts(cities: &[&CityFile]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for c in cities {
        out.insert(format!("name.{}", c.id), c.name.clone());
        for (id, counter) in &c.counters {
            let k = format!("counters.{}.{id}", c.id);
            for (key, ja) in [
                (format!("{k}.name"), &counter.name),
                (format!("{k}.note"), &counter.note),
            ] {
                if !ja.trim().is_empty() {
                    out.insert(key, ja.clone());
                }
            }
        }
    }
    out
}

fn deadline_texts(key: &str, d: &DeadlineDef, put: &mut impl FnMut(String, &str)) {
    put(format!("{key}.text"), &d.text);
    for (i, c) in d.cases.iter().enumerate() {
        deadline_texts(&format!("{key}.cases.{i}"), c, put);
    }
}

fn override_texts(key: &str, o: &ProcedureOverride, put: &mut impl FnMut(String, &str)) {
    if let Some(n) = &o.name {
        put(format!("{key}.name"), n);
    }
    if let Some(n) = &o.note {
        put(format!("{key}.note"), n);
    }
    for (i, d) in o.documents.iter().flatten().enumerate() {
        put(format!("{key}.documents.{i}"), d);
    }
    for (i, r) in o.rules.iter().flatten().enumerate() {
        put(format!("{key}.rules.{i}.because"), &r.because);
    }
    if let Some(d) = &o.deadline {
        deadline_texts(&format!("{key}.deadline"), d, put);
    }
}

/// The `{name}` placeholders of a text, as a set.
pub fn placeholders(text: &str) -> BTreeSet<&str> {
    let mut out = BTreeSet::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.insert(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

/// What is wrong with one language's translations of a pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// A key with Japanese and no translation (or an empty one).
    Missing { key: String },
    /// The Japanese changed since the translation was made: `was` → `now`.
    Stale {
        key: String,
        was: String,
        now: String,
    },
    /// A translation of a key the pack no longer has.
    Extra { key: String },
    /// The translation's `{placeholders}` are not the Japanese's.
    Placeholders {
        key: String,
        ja: Vec<String>,
        text: Vec<String>,
    },
}

impl Problem {
    pub fn key(&self) -> &str {
        match self {
            Problem::Missing { key }
            | Problem::Stale { key, .. }
            | Problem::Extra { key }
            | Problem::Placeholders { key, .. } => key,
        }
    }
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Missing { key } => write!(f, "{key}: no translation"),
            Problem::Stale { key, was, now } => write!(
                f,
                "{key}: the Japanese changed since the translation was made (it was {was:?}, it is {now:?}); translate it again and record the new Japanese in `ja:`"
            ),
            Problem::Extra { key } => {
                write!(f, "{key}: the pack has no such text any more; remove it")
            }
            Problem::Placeholders { key, ja, text } => write!(
                f,
                "{key}: the Japanese has the placeholders {ja:?}, the translation {text:?}; they must be the same"
            ),
        }
    }
}

/// Checks `tr` against the pack's current `texts`.
pub fn check(texts: &BTreeMap<String, String>, tr: &Translations) -> Vec<Problem> {
    let mut out = Vec::new();
    for (key, ja) in texts {
        match tr.get(key) {
            None => out.push(Problem::Missing { key: key.clone() }),
            Some(e) if e.text.trim().is_empty() => out.push(Problem::Missing { key: key.clone() }),
            Some(e) if e.ja != *ja => out.push(Problem::Stale {
                key: key.clone(),
                was: e.ja.clone(),
                now: ja.clone(),
            }),
            Some(e) => {
                let want = placeholders(ja);
                let got = placeholders(&e.text);
                if want != got {
                    out.push(Problem::Placeholders {
                        key: key.clone(),
                        ja: want.into_iter().map(str::to_owned).collect(),
                        text: got.into_iter().map(str::to_owned).collect(),
                    });
                }
            }
        }
    }
    for key in tr.keys() {
        if !texts.contains_key(key) {
            out.push(Problem::Extra { key: key.clone() });
        }
    }
    out
}

/// The translation of `key` if it is current (made from `ja` as it is now, not empty, with
/// the same placeholders).
fn current<'a>(tr: &'a Translations, key: &str, ja: &str) -> Option<&'a str> {
    tr.get(key)
        .filter(|e| e.ja == ja && !e.text.trim().is_empty())
        .filter(|e| placeholders(&e.text) == placeholders(ja))
        .map(|e| e.text.as_str())
}

/// `pack` with every text that has a current translation in `tr` replaced by it, and the keys
/// left in Japanese (no translation, or a stale one), for the screen to mark.
pub fn localize(pack: &PackFile, tr: &Translations) -> (PackFile, Vec<String>) {
    let mut out = pack.clone();
    let mut fallback = Vec::new();
    let mut swap = |key: String, text: &mut String| {
        if text.trim().is_empty() {
            return;
        }
        match current(tr, &key, text) {
            Some(t) => *text = t.to_owned(),
            None => fallback.push(key),
        }
    };
    swap("title".into(), &mut out.title);
    swap("summary".into(), &mut out.summary);
    swap("visit.subject".into(), &mut out.visit.subject);
    for q in &mut out.questions {
        let k = format!("questions.{}", q.id);
        swap(format!("{k}.label"), &mut q.label);
        swap(format!("{k}.short"), &mut q.short);
        swap(format!("{k}.help"), &mut q.help);
        swap(format!("{k}.unit"), &mut q.unit);
        if let Some(u) = &mut q.unknown {
            swap(format!("{k}.unknown"), u);
        }
        for o in &mut q.options {
            swap(format!("{k}.options.{}", o.id), &mut o.label);
        }
    }
    for d in &mut out.derived {
        swap(format!("derived.{}.short", d.id), &mut d.short);
        swap(format!("derived.{}.unit", d.id), &mut d.unit);
    }
    for p in &mut out.parameters {
        swap(format!("parameters.{}.name", p.id), &mut p.name);
    }
    for p in &mut out.procedures {
        let k = format!("procedures.{}", p.id);
        swap(format!("{k}.name"), &mut p.name);
        swap(format!("{k}.note"), &mut p.note);
        for (i, d) in p.documents.iter_mut().enumerate() {
            swap(format!("{k}.documents.{i}"), d);
        }
        for (i, r) in p.rules.iter_mut().enumerate() {
            swap(format!("{k}.rules.{i}.because"), &mut r.because);
        }
        if let Some(d) = &mut p.deadline {
            localize_deadline(&format!("{k}.deadline"), d, &mut swap);
        }
        for (city, o) in &mut p.cities {
            let ck = format!("cities.{city}.{k}");
            if let Some(n) = &mut o.name {
                swap(format!("{ck}.name"), n);
            }
            if let Some(n) = &mut o.note {
                swap(format!("{ck}.note"), n);
            }
            for (i, d) in o.documents.iter_mut().flatten().enumerate() {
                swap(format!("{ck}.documents.{i}"), d);
            }
            for (i, r) in o.rules.iter_mut().flatten().enumerate() {
                swap(format!("{ck}.rules.{i}.because"), &mut r.because);
            }
            if let Some(d) = &mut o.deadline {
                localize_deadline(&format!("{ck}.deadline"), d, &mut swap);
            }
        }
    }
    (out, fallback)
}

fn localize_deadline(key: &str, d: &mut DeadlineDef, swap: &mut impl FnMut(String, &mut String)) {
    swap(format!("{key}.text"), &mut d.text);
    for (i, c) in d.cases.iter_mut().enumerate() {
        localize_deadline(&format!("{key}.cases.{i}"), c, swap);
    }
}

/// `city` with its counters' names and notes in the language of `tr` where current; the keys
/// left in Japanese.
pub fn localize_city(city: &CityFile, tr: &Translations) -> (CityFile, Vec<String>) {
    let mut out = city.clone();
    let mut fallback = Vec::new();
    match current(tr, &format!("name.{}", city.id), &city.name) {
        Some(t) => out.name = t.to_owned(),
        None => fallback.push(format!("name.{}", city.id)),
    }
    for (id, c) in &mut out.counters {
        let k = format!("counters.{}.{id}", city.id);
        for (key, text) in [
            (format!("{k}.name"), &mut c.name),
            (format!("{k}.note"), &mut c.note),
        ] {
            if text.trim().is_empty() {
                continue;
            }
            match current(tr, &key, text) {
                Some(t) => *text = t.to_owned(),
                None => fallback.push(key),
            }
        }
    }
    (out, fallback)
}

/// A file for a language with every key of `texts`: the translations of `existing` that are
/// still current kept, the rest with the Japanese and an empty text to fill in (which
/// `check` reports as missing until it is filled).
pub fn scaffold(texts: &BTreeMap<String, String>, existing: &Translations) -> Translations {
    texts
        .iter()
        .map(|(key, ja)| {
            let text = existing
                .get(key)
                .filter(|e| e.ja == *ja)
                .map(|e| e.text.clone())
                .unwrap_or_default();
            (
                key.clone(),
                Entry {
                    ja: ja.clone(),
                    text,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pack::{QuestionDef, QuestionType, RowDef, Status};

    fn pack() -> PackFile {
        let q = QuestionDef {
            id: "age".into(),
            kind: QuestionType::Number,
            label: "亡くなった方は何歳でしたか".into(),
            short: "故人の年齢".into(),
            help: String::new(),
            unit: "歳".into(),
            min: None,
            max: None,
            options: Vec::new(),
            ask_if: None,
            past: false,
            unknown: None,
        };
        let p = crate::pack::ProcedureDef {
            id: "sousaihi".into(),
            name: "葬祭費の申請".into(),
            counter: "kokuho".into(),
            deadline: None,
            documents: vec!["会葬礼状".into()],
            forms: Vec::new(),
            source: "https://example.lg.jp/".into(),
            checked: None,
            note: String::new(),
            rules: vec![RowDef {
                when: "age >= 75".into(),
                then: Status::Required,
                because: "{amount}を支給します".into(),
            }],
            otherwise: Status::NotApplicable,
            cities: BTreeMap::new(),
        };
        PackFile {
            id: "okuyami".into(),
            version: "1".into(),
            title: "ご家族が亡くなったとき".into(),
            summary: String::new(),
            event_date: "death_date".into(),
            cities: Vec::new(),
            questions: vec![q],
            derived: Vec::new(),
            parameters: Vec::new(),
            procedures: vec![p],
            visit: Default::default(),
        }
    }

    fn entry(ja: &str, text: &str) -> Entry {
        Entry {
            ja: ja.into(),
            text: text.into(),
        }
    }

    #[test]
    fn every_text_a_resident_sees_has_a_key_and_empty_ones_none() {
        let keys: Vec<String> = texts(&pack()).into_keys().collect();
        assert_eq!(
            keys,
            [
                "procedures.sousaihi.documents.0",
                "procedures.sousaihi.name",
                "procedures.sousaihi.rules.0.because",
                "questions.age.label",
                "questions.age.short",
                "questions.age.unit",
                "title",
            ]
        );
    }

    /// Issue 22: a translation made before the Japanese changed is reported as stale, with
    /// the old and the new Japanese, and is not shown.
    #[test]
    fn a_translation_is_stale_once_its_japanese_changes() {
        let mut tr = scaffold(&texts(&pack()), &Translations::new());
        for (key, text) in [
            ("title", "When a family member dies"),
            ("questions.age.label", "How old was the person who died?"),
            ("questions.age.short", "age of the deceased"),
            ("questions.age.unit", "years"),
            ("procedures.sousaihi.name", "Funeral expenses"),
            (
                "procedures.sousaihi.documents.0",
                "The funeral's thank-you card",
            ),
            ("procedures.sousaihi.rules.0.because", "{amount} is paid"),
        ] {
            tr.get_mut(key).unwrap().text = text.into();
        }
        assert_eq!(check(&texts(&pack()), &tr), []);
        let (en, fallback) = localize(&pack(), &tr);
        assert_eq!(en.procedures[0].name, "Funeral expenses");
        assert!(fallback.is_empty());

        let mut changed = pack();
        changed.procedures[0].name = "葬祭費の支給申請".into();
        let problems = check(&texts(&changed), &tr);
        assert_eq!(
            problems,
            [Problem::Stale {
                key: "procedures.sousaihi.name".into(),
                was: "葬祭費の申請".into(),
                now: "葬祭費の支給申請".into(),
            }]
        );
        assert!(problems[0].to_string().contains("changed since"));
        // Shown in Japanese, and listed for the screen to mark.
        let (en, fallback) = localize(&changed, &tr);
        assert_eq!(en.procedures[0].name, "葬祭費の支給申請");
        assert_eq!(fallback, ["procedures.sousaihi.name"]);
        assert_eq!(en.title, "When a family member dies");
    }

    #[test]
    fn missing_extra_and_placeholder_mismatches_are_reported() {
        let texts = texts(&pack());
        let mut tr = Translations::new();
        tr.insert(
            "title".into(),
            entry("ご家族が亡くなったとき", "When a family member dies"),
        );
        tr.insert(
            "procedures.sousaihi.rules.0.because".into(),
            entry("{amount}を支給します", "{amout} is paid"),
        );
        tr.insert("procedures.gone.name".into(), entry("廃止", "Abolished"));
        tr.insert(
            "questions.age.label".into(),
            entry("亡くなった方は何歳でしたか", " "),
        );
        let problems = check(&texts, &tr);
        let said: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(
            said.contains(&"questions.age.label: no translation".to_owned()),
            "{said:?}"
        );
        assert!(said.contains(&"procedures.sousaihi.name: no translation".to_owned()));
        assert!(
            said.iter()
                .any(|s| s.starts_with("procedures.gone.name: the pack has no such text"))
        );
        assert!(
            said.iter()
                .any(|s| s.contains(r#"["amount"]"#) && s.contains(r#"["amout"]"#))
        );
        // A translation with the wrong placeholders is never shown.
        let (en, fallback) = localize(&pack(), &tr);
        assert_eq!(en.procedures[0].rules[0].because, "{amount}を支給します");
        assert!(fallback.contains(&"procedures.sousaihi.rules.0.because".to_owned()));
        assert_eq!(en.title, "When a family member dies");
    }

    #[test]
    fn a_scaffold_keeps_current_translations_and_leaves_the_rest_to_fill() {
        let texts = texts(&pack());
        let mut old = Translations::new();
        old.insert(
            "title".into(),
            entry("ご家族が亡くなったとき", "When a family member dies"),
        );
        old.insert(
            "procedures.sousaihi.name".into(),
            entry("葬祭費", "Funeral"),
        );
        let s = scaffold(&texts, &old);
        assert_eq!(s.len(), texts.len());
        assert_eq!(s["title"].text, "When a family member dies");
        assert_eq!(s["procedures.sousaihi.name"], entry("葬祭費の申請", ""));
    }

    #[test]
    fn languages_have_codes_and_names_of_their_own() {
        for l in Lang::ALL {
            assert_eq!(Lang::parse(l.code()), Some(l));
        }
        assert_eq!(Lang::parse("ja"), None);
        assert_eq!(placeholders("{a}と{b}、{a}"), BTreeSet::from(["a", "b"]));
    }
}

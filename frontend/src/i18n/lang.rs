//! [`Lang`], the UI languages: what every table of strings is chosen by.
//!
//! Japanese and English are compiled in (staff work in either). The five other languages a
//! resident can choose (issue 22) are data: `frontend/i18n/<code>.yaml`, served as
//! `/lang/ui/<code>.json` and fetched only when chosen ([`load`]). Their texts fill the same
//! tables ([`strings_table!`](crate::i18n)); a text a language file lacks is shown in Japanese.

use std::cell::RefCell;
use std::collections::BTreeMap;

/// A UI language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, PartialOrd, Ord, Hash)]
pub enum Lang {
    #[default]
    Ja,
    /// やさしい日本語: short sentences, common words, 「〜てください」.
    EasyJa,
    En,
    ZhHans,
    Ko,
    Vi,
    PtBr,
}

/// The language a compiled-in table or message is written in: Japanese or English. Every
/// other language is data over Japanese.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    Ja,
    En,
}

impl Lang {
    /// Every language, in the order a resident's language menu lists them.
    pub const ALL: [Lang; 7] = [
        Lang::Ja,
        Lang::EasyJa,
        Lang::En,
        Lang::ZhHans,
        Lang::Ko,
        Lang::Vi,
        Lang::PtBr,
    ];

    /// The languages whose texts are data (fetched when chosen), not compiled in.
    pub const DATA: [Lang; 5] = [Lang::EasyJa, Lang::ZhHans, Lang::Ko, Lang::Vi, Lang::PtBr];

    /// The code in URLs (`?lang=`), settings and file names; the same as the rule packs'
    /// translation files (`rules/packs/<pack>/i18n/<code>.yaml`).
    pub fn code(self) -> &'static str {
        match self {
            Lang::Ja => "ja",
            Lang::EasyJa => "easy-ja",
            Lang::En => "en",
            Lang::ZhHans => "zh-Hans",
            Lang::Ko => "ko",
            Lang::Vi => "vi",
            Lang::PtBr => "pt-BR",
        }
    }

    /// The BCP 47 tag for `<html lang>`, `lang=` attributes and speech synthesis. やさしい日本語
    /// is Japanese to a screen reader.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Ja | Lang::EasyJa => "ja",
            Lang::En => "en",
            Lang::ZhHans => "zh-Hans",
            Lang::Ko => "ko",
            Lang::Vi => "vi",
            Lang::PtBr => "pt-BR",
        }
    }

    /// The language's name in itself, for the language menu.
    pub fn own_name(self) -> &'static str {
        match self {
            Lang::Ja => "日本語",
            Lang::EasyJa => "やさしい にほんご",
            Lang::En => "English",
            Lang::ZhHans => "中文（简体）",
            Lang::Ko => "한국어",
            Lang::Vi => "Tiếng Việt",
            Lang::PtBr => "Português",
        }
    }

    /// A language code (`ja`, `easy-ja`, `en`, `zh-Hans`, …, with a few common spellings of
    /// each) → the language; anything else → `None`.
    pub fn from_code(code: &str) -> Option<Self> {
        let lower = code.to_ascii_lowercase();
        Some(match lower.as_str() {
            "ja" | "ja-jp" => Lang::Ja,
            "easy-ja" | "ja-easy" => Lang::EasyJa,
            "en" | "en-us" | "en-gb" => Lang::En,
            "zh-hans" | "zh" | "zh-cn" => Lang::ZhHans,
            "ko" | "ko-kr" => Lang::Ko,
            "vi" | "vi-vn" => Lang::Vi,
            "pt-br" | "pt" => Lang::PtBr,
            _ => return None,
        })
    }

    /// The compiled-in language this one's tables and messages start from: itself for
    /// Japanese and English, Japanese for the data languages.
    pub fn base(self) -> Base {
        match self {
            Lang::En => Base::En,
            _ => Base::Ja,
        }
    }

    /// Whether this language's texts are data fetched when chosen.
    pub fn is_data(self) -> bool {
        Lang::DATA.contains(&self)
    }

    /// The staff screens' switch: Japanese ⇄ English (a resident language switches to
    /// Japanese).
    pub fn other(self) -> Self {
        match self {
            Lang::Ja => Lang::En,
            _ => Lang::Ja,
        }
    }

    /// Picks the text of this language from data that carries Japanese and English (office
    /// and service names): English only for English.
    pub fn pick<'a>(self, ja: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::En if !en.is_empty() => en,
            _ => ja,
        }
    }

    /// An office's, service's or counter's name as this language's reader sees it: English
    /// for English, the office's own name in a resident language where it set one
    /// (`/admin`), else Japanese.
    pub fn name<'a>(self, ja: &'a str, en: &'a str, names: &'a mado_wire::Names) -> &'a str {
        match self {
            Lang::Ja => ja,
            Lang::En => self.pick(ja, en),
            other => names
                .get(other.code())
                .map(String::as_str)
                .filter(|n| !n.trim().is_empty())
                .unwrap_or(ja),
        }
    }

    /// The text named `key` (`texts.kiosk_title`, `msg.wait_minutes`, …) in this language's
    /// data, if it is a data language, is loaded and has it.
    pub fn data(self, key: &str) -> Option<&'static str> {
        DATA.with(|d| d.borrow().get(&self).and_then(|m| m.get(key).copied()))
    }

    /// A message of this language's data with its `{name}` placeholders filled, or `None`
    /// (then the caller says it in Japanese).
    pub fn message(self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> Option<String> {
        let template = self.data(&format!("msg.{key}"))?;
        Some(fill(template, args))
    }

    /// Whether this language can be shown now: compiled in, or its data has arrived.
    pub fn is_ready(self) -> bool {
        !self.is_data() || DATA.with(|d| d.borrow().contains_key(&self))
    }
}

/// `template` with each `{name}` replaced by its argument; a `{name}` with no argument stays
/// as written (the lint refuses such a file, so it is never seen).
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) => {
                let name = &after[..close];
                match args.iter().find(|(n, _)| *n == name) {
                    Some((_, value)) => out.push_str(&value.to_string()),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            None => {
                out.push_str(&rest[open..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    out
}

thread_local! {
    /// The data languages loaded so far: each text by its key, kept for the page's life.
    static DATA: RefCell<BTreeMap<Lang, BTreeMap<String, &'static str>>> = RefCell::default();
}

/// Takes a data language's texts (the JSON object of `/lang/ui/<code>.json`): every value must
/// be a string. Kept for the page's life (tables made from them borrow them).
pub fn install(lang: Lang, json: &str) -> Result<(), String> {
    let kept = parse_texts(json).map_err(|e| format!("/lang/ui/{}.json: {e}", lang.code()))?;
    DATA.with(|d| d.borrow_mut().insert(lang, kept));
    Ok(())
}

/// `{"key": "text", …}` → each text by its key, leaked for the page's life. In the browser
/// the browser's own JSON parser reads it (the lobby bundle stays small); natively, serde.
fn parse_texts(json: &str) -> Result<BTreeMap<String, &'static str>, String> {
    let leak = |v: String| -> &'static str { Box::leak(v.into_boxed_str()) };
    #[cfg(target_arch = "wasm32")]
    {
        use wasm_bindgen::JsCast;
        let value = js_sys::JSON::parse(json)
            .map_err(|e| e.as_string().unwrap_or_else(|| "not JSON".to_owned()))?;
        let object = value
            .dyn_into::<js_sys::Object>()
            .map_err(|_| "expected an object of texts".to_owned())?;
        let mut out = BTreeMap::new();
        for entry in js_sys::Object::entries(&object).iter() {
            let pair = js_sys::Array::from(&entry);
            let key = pair.get(0).as_string().unwrap_or_default();
            let text = pair
                .get(1)
                .as_string()
                .ok_or_else(|| format!("`{key}`: expected a text"))?;
            out.insert(key, leak(text));
        }
        Ok(out)
    }
    #[cfg(not(target_arch = "wasm32"))]
    {
        let map: BTreeMap<String, String> =
            serde_json::from_str(json).map_err(|e| e.to_string())?;
        Ok(map.into_iter().map(|(k, v)| (k, leak(v))).collect())
    }
}

/// Fetches a data language's texts once (`/lang/ui/<code>.json`); a compiled-in language, or
/// one already here, needs nothing.
pub async fn load(lang: Lang) -> Result<(), String> {
    if lang.is_ready() {
        return Ok(());
    }
    let url = format!("/lang/ui/{}.json", lang.code());
    let res = gloo_net::http::Request::get(&url)
        .send()
        .await
        .map_err(|e| format!("{url}: {e}"))?;
    if !res.ok() {
        return Err(format!("{url}: HTTP {}", res.status()));
    }
    let body = res.text().await.map_err(|e| format!("{url}: {e}"))?;
    install(lang, &body)
}

/// Where a data language's table gets each field's text (`None`: keep the Japanese).
pub type TextOf<'a> = dyn FnMut(&str) -> Option<&'static str> + 'a;

/// A table of data language `lang`, made once from its texts over the Japanese table `ja`,
/// or `ja` itself before its texts arrive. `cache` keeps what was made, one per language.
pub(super) fn table<T: 'static>(
    cache: &'static std::thread::LocalKey<RefCell<BTreeMap<Lang, &'static T>>>,
    lang: Lang,
    prefix: &str,
    ja: &'static T,
    make: for<'t> fn(&T, &'t mut TextOf<'t>) -> T,
) -> &'static T {
    if let Some(t) = cache.with(|c| c.borrow().get(&lang).copied()) {
        return t;
    }
    if !lang.is_ready() {
        return ja;
    }
    let made: &'static T = Box::leak(Box::new(make(ja, &mut |field| {
        lang.data(&format!("{prefix}.{field}"))
    })));
    cache.with(|c| c.borrow_mut().insert(lang, made));
    made
}

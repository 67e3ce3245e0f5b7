//! [`Lang`], the UI languages: what every table of strings is chosen by.
//!
//! Japanese and English are compiled in (staff work in either). The five other languages a
//! resident can choose (issue 22) are data: `frontend/i18n/<code>.yaml`, served as
//! `/lang/ui/<code>.json`, fetched only when chosen (by `shell`) and [`install`]ed. Their
//! texts fill the same tables (`strings_table!`); a text a language file lacks is shown in
//! Japanese.

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

/// Each language's code, BCP 47 tag and name in itself, in the order of [`Lang`].
const NAMES: [(&str, &str, &str); 7] = [
    ("ja", "ja", "日本語"),
    ("easy-ja", "ja", "やさしい にほんご"),
    ("en", "en", "English"),
    ("zh-Hans", "zh-Hans", "中文（简体）"),
    ("ko", "ko", "한국어"),
    ("vi", "vi", "Tiếng Việt"),
    ("pt-BR", "pt-BR", "Português"),
];

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
        NAMES[self as usize].0
    }

    /// The BCP 47 tag for `<html lang>`, `lang=` attributes and speech synthesis. やさしい日本語
    /// is Japanese to a screen reader.
    pub fn tag(self) -> &'static str {
        NAMES[self as usize].1
    }

    /// The language's name in itself, for the language menu.
    pub fn own_name(self) -> &'static str {
        NAMES[self as usize].2
    }

    /// A language code (`ja`, `easy-ja`, `en`, `zh-Hans`, `ko`, `vi`, `pt-BR`, as [`code`](Self::code)
    /// writes them) → the language; anything else → `None`.
    pub fn from_code(code: &str) -> Option<Self> {
        Lang::ALL.into_iter().find(|l| l.code() == code)
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
        texts_of(self).and_then(|m| m.get(key)).map(String::as_str)
    }

    /// A message of this language's data with its `{name}` placeholders filled, or `None`
    /// (then the caller says it in Japanese).
    pub fn message(self, key: &str, args: &[(&str, &dyn std::fmt::Display)]) -> Option<String> {
        let template = self.data(&format!("msg.{key}"))?;
        Some(fill(template, args))
    }

    /// Whether this language can be shown now: compiled in, or its data has arrived.
    pub fn is_ready(self) -> bool {
        !self.is_data() || texts_of(self).is_some()
    }
}

/// `template` with each `{name}` replaced by its argument (the file check refuses a template
/// with other placeholders, so none is left).
pub fn fill(template: &str, args: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = template.to_owned();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

/// A data language's texts, by key (the same map type as an office's [`mado_wire::Names`], so
/// the lobby bundle carries one).
type Texts = mado_wire::Names;

thread_local! {
    /// The data languages loaded so far, by [`Lang`] as an index: each text by its key, kept
    /// for the page's life.
    static DATA: [std::cell::Cell<Option<&'static Texts>>; 7] = Default::default();
}

fn texts_of(lang: Lang) -> Option<&'static Texts> {
    DATA.with(|d| d[lang as usize].get())
}

/// Takes a data language's texts (the JSON object of `/lang/ui/<code>.json`: every value a
/// string). Kept for the page's life (tables made from them borrow them).
pub fn install(lang: Lang, texts: Texts) {
    let kept: &'static Texts = Box::leak(Box::new(texts));
    DATA.with(|d| d[lang as usize].set(Some(kept)));
}

/// Where a data language's table gets each field's text (`None`: keep the Japanese).
pub type TextOf<'a> = dyn FnMut(&str) -> Option<&'static str> + 'a;

/// A table of data language `lang`, made once from its texts over the Japanese table `ja`,
/// or `ja` itself before its texts arrive. `cache` keeps what was made, one per language.
pub(super) fn table<T: 'static>(
    cache: &'static std::thread::LocalKey<[std::cell::Cell<Option<&'static T>>; 7]>,
    lang: Lang,
    prefix: &str,
    ja: &'static T,
    make: for<'t> fn(&T, &'t mut TextOf<'t>) -> T,
) -> &'static T {
    if let Some(t) = cache.with(|c| c[lang as usize].get()) {
        return t;
    }
    if !lang.is_ready() {
        return ja;
    }
    let made: &'static T = Box::leak(Box::new(make(ja, &mut |field| {
        lang.data(&format!("{prefix}.{field}"))
    })));
    cache.with(|c| c[lang as usize].set(Some(made)));
    made
}

//! [`Phrases`]: the engine's own words in a reason or a deadline (「…以上」, 「はい」,
//! 「…の回答で決まります」), as templates with `{name}` placeholders. Japanese is built in
//! ([`Phrases::default`]); a resident language's are in `rules/i18n/<code>.yaml` (issue 22),
//! put into the packs served in that language ([`crate::Bundle::phrases`]), so every sentence
//! a guide shows reads in one language.

use serde::{Deserialize, Serialize};

use crate::guide::placeholders;

macro_rules! phrases {
    ($( $(#[$m:meta])* $field:ident: $ja:literal, )*) => {
        /// The engine's own words, in one language. Every field is a template; the
        /// placeholders each may use are those of its Japanese.
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
        #[serde(deny_unknown_fields)]
        pub struct Phrases {
            $( $(#[$m])* pub $field: String, )*
        }

        impl Default for Phrases {
            fn default() -> Self {
                Self { $( $field: $ja.to_owned(), )* }
            }
        }

        impl Phrases {
            /// Every phrase: its name and its text.
            pub fn all(&self) -> Vec<(&'static str, &str)> {
                vec![$( (stringify!($field), self.$field.as_str()), )*]
            }
        }
    };
}

phrases! {
    /// The reference date (today, in a rule that compares with it).
    reference_date: "基準日",
    /// The city (in a rule that compares with it).
    city: "市",
    yes: "はい",
    no: "いいえ",
    /// An empty list of answers.
    none: "なし",
    /// Between the answers of a list.
    list_sep: "、",
    /// Between the choices a rule names.
    or_sep: "・",
    /// Between two question names (「年齢」と「保険」).
    and_sep: "と",
    /// A question's name quoted in a sentence.
    quote: "「{text}」",
    /// A date: `{wareki}` (令和8年4月1日（水）), or `{year}`, `{month}`, `{day}`.
    date: "{wareki}",
    is: "{label}: {value}",
    is_than: "{label}: {value}（{than}）",
    not: "{label}: {value}（{than}以外）",
    below: "{label}: {value}（{than}未満）",
    at_most: "{label}: {value}（{than}以下）",
    above: "{label}: {value}（{than}を超える）",
    at_least: "{label}: {value}（{than}以上）",
    one_of: "{label}: {value}（{list}のいずれか）",
    none_of: "{label}: {value}（{list}のいずれでもない）",
    includes: "{label}: {value}を含む",
    excludes: "{label}: {value}を含まない",
    /// A question not answered yet, named in a note.
    unanswered: "（未回答）",
    /// A yearly amount whose newest value is from an earlier fiscal year.
    amount_pending: "{this}の額です。{next}の額はまだ登録されていません",
    /// A last day on a closed day, moved to the next open day.
    deadline_moved: "{date}は{why}のため、翌開庁日まで（{law}）",
    /// A deadline with its last day: the day, then how it is counted (from the pack).
    until: "{date}まで（{how}）",
    /// The same when the last day was moved off a closed day (`{moved}`: why).
    until_moved: "{date}まで（{how}。{moved}）",
    required: "必要な手続きです",
    may_apply: "対象になる可能性があります",
    not_applicable: "対象外です",
    whatever_unanswered: "まだ答えていない質問がどの答えでも、{what}",
    whatever_yes_no: "{question}がはい・いいえのどちらでも、{what}",
    whatever_any: "{question}がどの答えでも、{what}",
    decided_by: "{questions}の回答で決まります",
    /// 「わからない」 answered: what settles it (`{how}`, from the pack).
    unknown_blocks: "「{question}」がわからないため、まだ決まりません。{how}",
}

impl Phrases {
    /// Whether these are the built-in Japanese (not written into a bundle).
    pub fn is_japanese(&self) -> bool {
        *self == Self::default()
    }

    /// `template` with each `{name}` replaced by its value.
    pub fn say(template: &str, args: &[(&str, &str)]) -> String {
        let mut out = template.to_owned();
        for (name, value) in args {
            out = out.replace(&format!("{{{name}}}"), value);
        }
        out
    }

    /// A date in these words.
    pub fn date_of(&self, d: mado_civil::Date) -> String {
        let (y, m, day) = (
            d.year().to_string(),
            d.month().to_string(),
            d.day().to_string(),
        );
        Self::say(
            &self.date,
            &[
                ("wareki", &d.wareki_with_weekday()),
                ("year", &y),
                ("month", &m),
                ("day", &day),
            ],
        )
    }

    /// What is wrong with translated phrases, one line each: a phrase whose placeholders
    /// differ from the Japanese's (`date` may use any of its four).
    pub fn problems(&self, file: &str) -> Vec<String> {
        let ja = Self::default();
        let mut out = Vec::new();
        for ((name, text), (_, base)) in self.all().into_iter().zip(ja.all()) {
            let mut have = placeholders(text);
            have.sort_unstable();
            have.dedup();
            let ok = if name == "date" {
                !have.is_empty()
                    && have
                        .iter()
                        .all(|p| ["wareki", "year", "month", "day"].contains(p))
            } else {
                let mut want = placeholders(base);
                want.sort_unstable();
                want.dedup();
                have == want
            };
            if !ok {
                out.push(format!(
                    "{file}: `{name}` uses the placeholders {have:?}; expected those of 「{base}」"
                ));
            }
            if text.trim().is_empty() && !base.trim().is_empty() {
                out.push(format!("{file}: `{name}` is empty"));
            }
        }
        out
    }
}

/// The phrases of a resident language, from `rules/i18n/<code>.yaml` (built in): each
/// phrase by name. An error names the file and what is wrong; a phrase the file lacks is an
/// error too (every sentence of a guide is then in one language).
#[cfg(feature = "yaml")]
pub fn translated(lang: crate::i18n::Lang) -> Result<Phrases, String> {
    use crate::i18n::Lang;
    let (file, text) = match lang {
        Lang::EasyJa => (
            "rules/i18n/easy-ja.yaml",
            include_str!("../i18n/easy-ja.yaml"),
        ),
        Lang::En => ("rules/i18n/en.yaml", include_str!("../i18n/en.yaml")),
        Lang::ZhHans => (
            "rules/i18n/zh-Hans.yaml",
            include_str!("../i18n/zh-Hans.yaml"),
        ),
        Lang::Ko => ("rules/i18n/ko.yaml", include_str!("../i18n/ko.yaml")),
        Lang::Vi => ("rules/i18n/vi.yaml", include_str!("../i18n/vi.yaml")),
        Lang::PtBr => ("rules/i18n/pt-BR.yaml", include_str!("../i18n/pt-BR.yaml")),
    };
    let p: Phrases = serde_yaml::from_str(text).map_err(|e| format!("{file}: {e}"))?;
    let problems = p.problems(file);
    if problems.is_empty() {
        Ok(p)
    } else {
        Err(problems.join("\n"))
    }
}

#[cfg(all(test, feature = "yaml"))]
mod tests {
    use super::*;
    use crate::i18n::Lang;

    /// Issue 22: every resident language has every phrase, each with the placeholders of its
    /// Japanese.
    #[test]
    fn every_language_has_every_phrase() {
        for lang in Lang::ALL {
            let p = translated(lang).unwrap_or_else(|e| panic!("{e}"));
            assert!(!p.is_japanese(), "{lang:?}");
        }
    }

    #[test]
    fn a_phrase_with_other_placeholders_is_reported() {
        let p = Phrases {
            at_least: "{label}: {value} (at least {limit})".into(),
            ..Phrases::default()
        };
        let found = p.problems("x.yaml").join("\n");
        assert!(
            found.contains("`at_least` uses the placeholders"),
            "{found}"
        );
        let mut p = Phrases {
            date: "{day}/{month}/{year}".into(),
            ..Phrases::default()
        };
        assert!(p.problems("x.yaml").is_empty());
        p.date = "{dia}".into();
        assert!(!p.problems("x.yaml").is_empty());
    }

    #[test]
    fn dates_and_sentences_follow_the_phrases() {
        let d = mado_civil::Date::new(2026, 4, 1).unwrap();
        let ja = Phrases::default();
        assert_eq!(ja.date_of(d), d.wareki_with_weekday());
        let vi = Phrases {
            date: "{day}/{month}/{year}".into(),
            ..Phrases::default()
        };
        assert_eq!(vi.date_of(d), "1/4/2026");
        assert_eq!(
            Phrases::say(&ja.decided_by, &[("questions", "「年齢」")]),
            "「年齢」の回答で決まります"
        );
    }
}

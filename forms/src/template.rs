//! Form templates as data (`forms/templates/*.yaml`): the sheet, its ruled boxes and fixed
//! labels, and the fields filled from the applicant, the guide's answers and the visit.
//!
//! Coordinates are millimetres from the top-left corner, read off the real form.

use serde::{Deserialize, Serialize};

use crate::geometry::Paper;
use crate::pdf::Align;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Template {
    /// `juudo-iryo-shinsei`: what rule-pack procedures name in `forms:`.
    pub id: String,
    /// 重度障害者医療証交付申請書.
    pub title: String,
    #[serde(default)]
    pub paper: PaperName,
    /// The municipal form (or its instructions) this layout follows.
    pub source: String,
    /// The official 様式 this template reproduces, and its version (issue 26): required
    /// (`mado-forms lint` refuses a template without it).
    #[serde(default)]
    pub form: Option<FormCitation>,
    /// The cities whose own form this is (`[kitami]`); empty: a national or shared form any
    /// city may print. A rule pack that gives a city another city's form is refused by the lint.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub cities: Vec<String>,
    pub elements: Vec<Element>,
}

impl Template {
    /// The questions whose answers the form prints or ticks (`answers.<id>` in a field's or a
    /// box's `source`, or a field's `when`; `event_date` for the pack's date question), each
    /// once, in the order they first appear: the guide keeps asking them while a procedure
    /// printing this form applies.
    pub fn answers_read(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for e in &self.elements {
            let sources: Vec<&String> = match e {
                Element::Field { source, when, .. } => source.iter().chain(when.iter()).collect(),
                Element::Check { source, .. } => source.iter().collect(),
                _ => continue,
            };
            // `event_date` is the answer to the pack's date question (死亡日, 交付日, 異動日).
            let read = sources.into_iter().filter_map(|s| {
                s.strip_prefix("answers.")
                    .or_else(|| (s == "event_date").then_some("event_date"))
            });
            for q in read {
                if !q.is_empty() && !out.iter().any(|o| o == q) {
                    out.push(q.to_owned());
                }
            }
        }
        out
    }
}

/// Which official form a template follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormCitation {
    /// The 様式 and what defines it: 「障害児福祉手当及び特別障害者手当の支給に関する省令（昭和50年
    /// 厚生省令第34号）様式第1号」, 「福岡県後期高齢者医療広域連合後期高齢者医療に関する規則 様式第1号」;
    /// for a form no law or rule numbers, the law that sets its items.
    pub cites: String,
    /// The version followed (「平成28年5月改正（個人番号の追加）」), or that it could not be
    /// established and as of when.
    pub version: String,
    /// Where the city's own sheet could not be found: saying so, and what is followed instead.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum PaperName {
    #[default]
    A4,
    A5,
    B5,
}

impl From<PaperName> for Paper {
    fn from(p: PaperName) -> Self {
        match p {
            PaperName::A4 => Paper::A4,
            PaperName::A5 => Paper::A5,
            PaperName::B5 => Paper::B5,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AlignName {
    #[default]
    Left,
    Center,
    Right,
}

impl From<AlignName> for Align {
    fn from(a: AlignName) -> Self {
        match a {
            AlignName::Left => Align::Left,
            AlignName::Center => Align::Center,
            AlignName::Right => Align::Right,
        }
    }
}

/// One thing drawn on the sheet.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum Element {
    /// Fixed text: a title, a label, a note. `{office}`-style values may appear (see
    /// [`crate::data::Data::value`]).
    Text {
        x: f32,
        y: f32,
        #[serde(default = "default_size")]
        size: f32,
        #[serde(default)]
        align: AlignName,
        text: String,
    },
    /// A straight ruled line; `width` in points.
    Line {
        from: [f32; 2],
        to: [f32; 2],
        #[serde(default = "default_line")]
        width: f32,
    },
    /// A box outline.
    Box {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        #[serde(default = "default_line")]
        width: f32,
    },
    /// A ruled table: column widths and row heights from `(x, y)`, each cell outlined, and
    /// labels in the cells given (row, column → text), on a light grey ground, at `size`
    /// points unless a label has its own.
    Grid {
        x: f32,
        y: f32,
        columns: Vec<f32>,
        rows: Vec<f32>,
        #[serde(default)]
        labels: Vec<CellLabel>,
        #[serde(default = "default_size")]
        size: f32,
        /// The last rows are for more people than a visit names (a household's other members):
        /// their blank cells need no field.
        #[serde(default, skip_serializing_if = "is_zero")]
        spare_rows: usize,
    },
    /// A value filled in: the text of `source`, fitted to the box on one line or two, never
    /// below `min_size` (then left blank with a notice, never cut); see [`crate::fit`].
    Field {
        /// Name shown to staff in warnings: 「申請者 氏名」.
        name: String,
        /// Where the text comes from. Without one the field is written by hand, and `hand`
        /// says why.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        /// Written by hand on purpose (a signature, the 個人番号, a choice only the resident
        /// makes, the office's own boxes): never filled, reported apart from what Mado failed
        /// to fill.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hand: Option<Hand>,
        /// Asked only when this source has a text (not いいえ/false/0): 転出先 only at a move.
        /// Left empty otherwise without being reported.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        when: Option<String>,
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        #[serde(default = "default_field_size")]
        size: f32,
        #[serde(default = "default_min_size")]
        min_size: f32,
        #[serde(default)]
        align: AlignName,
    },
    /// A 3.6 mm tick box with its label to the right. Ticked when the text of `source`
    /// equals `value`, or any of `values`, or (with neither) is はい/true/1. Without `source`
    /// it is a box staff or the applicant tick by hand: never ticked, drawn the same way.
    Check {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        source: Option<String>,
        /// Why a box without a source is ticked by hand (required then).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        hand: Option<Hand>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
        /// Ticked when the source's text equals any of these (「市外へ転出」「国外へ転出」).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        values: Option<Vec<String>>,
        x: f32,
        y: f32,
        label: String,
    },
}

/// Why a field or box is written by hand on purpose.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Hand {
    /// 署名（自署）.
    Signature,
    /// 個人番号: Mado never reads the individual number, the resident writes it.
    MyNumber,
    /// A choice only the resident can make (受取方法, 理由の「その他」).
    Choice,
    /// A photo pasted on.
    Photo,
    /// A seal pressed (the 印影 of the seal registered).
    Seal,
    /// The office's own boxes (市記入欄, 本人確認), filled by staff on acceptance.
    Office,
}

impl Hand {
    /// As the list before printing says it: 本人が記入（署名）.
    pub fn ja(self) -> &'static str {
        match self {
            Hand::Signature => "本人が記入（署名）",
            Hand::MyNumber => "本人が記入（個人番号）",
            Hand::Choice => "本人が選んで記入",
            Hand::Photo => "本人が貼付（写真）",
            Hand::Seal => "本人が押印（印影）",
            Hand::Office => "市記入欄（受付時に職員が記入）",
        }
    }

    /// Does the resident write it (everything but the office's own boxes)?
    pub fn by_resident(self) -> bool {
        self != Hand::Office
    }
}

/// Is a `when:` source's text a yes: not empty, not いいえ/false/0?
pub fn holds(text: &str) -> bool {
    !matches!(text.trim(), "" | "いいえ" | "false" | "0")
}

impl Element {
    /// Whether a check is ticked when its source's text is `got` (see [`Element::Check`]).
    /// `false` for a check without a source and for every other element.
    pub fn ticked(&self, got: &str) -> bool {
        let Element::Check {
            source: Some(_),
            value,
            values,
            ..
        } = self
        else {
            return false;
        };
        match (value, values) {
            (None, None) => matches!(got, "はい" | "true" | "1"),
            // Both given is refused by the linter; here either one ticks.
            (value, values) => {
                value.as_deref() == Some(got) || values.iter().flatten().any(|v| v == got)
            }
        }
    }
}

/// A label in a grid cell, on the light grey ground.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellLabel {
    pub row: usize,
    pub col: usize,
    pub text: String,
    /// Left (default, 1.2 mm in from the cell's left edge), centre, or right (1.2 mm in).
    #[serde(default, skip_serializing_if = "is_left")]
    pub align: AlignName,
    /// Points; the grid's `size` when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<f32>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

fn is_left(a: &AlignName) -> bool {
    *a == AlignName::Left
}

fn default_size() -> f32 {
    10.5
}
fn default_field_size() -> f32 {
    12.0
}
fn default_min_size() -> f32 {
    7.0
}
fn default_line() -> f32 {
    0.6
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn check(yaml: &str) -> Element {
        serde_yaml::with::singleton_map_recursive::deserialize(serde_yaml::Deserializer::from_str(
            yaml,
        ))
        .unwrap_or_else(|e| panic!("{yaml}: {e}"))
    }

    #[test]
    fn a_check_ticks_on_its_value_any_of_its_values_or_yes() {
        let one = check("check: {source: answers.a, value: 市外へ転出, x: 1, y: 1, label: 転出}");
        assert!(one.ticked("市外へ転出"));
        assert!(!one.ticked("国外へ転出"));
        let any = check(
            "check: {source: answers.a, values: [市外へ転出, 国外へ転出], x: 1, y: 1, label: 転出}",
        );
        assert!(any.ticked("市外へ転出") && any.ticked("国外へ転出"));
        assert!(!any.ticked("市外から転入") && !any.ticked("") && !any.ticked("はい"));
        let yes = check("check: {source: answers.a, x: 1, y: 1, label: 同意}");
        assert!(yes.ticked("はい") && yes.ticked("true") && yes.ticked("1"));
        assert!(!yes.ticked("いいえ") && !yes.ticked(""));
    }

    #[test]
    fn a_check_without_a_source_is_never_ticked() {
        let hand = check("check: {x: 1, y: 1, label: その他}");
        assert_eq!(
            hand,
            Element::Check {
                source: None,
                hand: None,
                value: None,
                values: None,
                x: 1.0,
                y: 1.0,
                label: "その他".into()
            }
        );
        assert!(!hand.ticked("はい") && !hand.ticked("その他"));
    }

    #[test]
    fn grid_labels_take_an_alignment_and_a_size() {
        let grid = check(
            "grid: {x: 0, y: 0, columns: [30], rows: [8], labels: [{row: 0, col: 0, text: 性別, align: center, size: 9}, {row: 0, col: 0, text: 氏名}]}",
        );
        let Element::Grid { labels, size, .. } = grid else {
            panic!("{grid:?}")
        };
        assert_eq!(size, 10.5);
        assert_eq!(
            (
                labels[0].align,
                labels[0].size,
                labels[1].align,
                labels[1].size
            ),
            (AlignName::Center, Some(9.0), AlignName::Left, None)
        );
    }
}

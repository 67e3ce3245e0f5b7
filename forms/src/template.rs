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
    pub elements: Vec<Element>,
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
    /// labels in the cells given (row, column → text), on a light grey ground.
    Grid {
        x: f32,
        y: f32,
        columns: Vec<f32>,
        rows: Vec<f32>,
        #[serde(default)]
        labels: Vec<CellLabel>,
        #[serde(default = "default_size")]
        size: f32,
    },
    /// A value filled in: the text of `source`, shrunk to fit the box (never beyond
    /// `min_size`: then a warning, never a cut).
    Field {
        /// Name shown to staff in warnings: 「申請者 氏名」.
        name: String,
        source: String,
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
    /// A tick box, ticked when `source` equals `value` (or is true when `value` is absent).
    Check {
        source: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        value: Option<String>,
        x: f32,
        y: f32,
        label: String,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CellLabel {
    pub row: usize,
    pub col: usize,
    pub text: String,
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

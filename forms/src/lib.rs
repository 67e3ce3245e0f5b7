//! Mado's forms: form templates as data, filled from the applicant, the guide's answers and
//! the visit, and written as one PDF per batch with one subsetted Japanese font. Pure: the same
//! code natively (`mado-forms`) and in the browser (the counter prints without a server).
//!
//! # Mental model
//!
//! A [`Template`] is what a paper form looks like, in millimetres from its top-left corner:
//! fixed text, ruled lines, grids with grey label cells, fields bound to a source
//! (`applicant.name`, `answers.grade`, `today`…) and tick boxes. [`render`] fills templates
//! from [`Data`] into a [`Document`]; [`render_handout`] writes the resident's list from the
//! guide first. The document embeds only the glyphs used (Type0 / CIDFontType2, Identity-H)
//! with a ToUnicode map, so the text stays searchable.
//!
//! Text never overflows and is never cut: a field shrinks in half-point steps to its minimum
//! ([`fit_font_size`]), then goes to two lines, and if even that does not fit it is left blank
//! with a [`Notice`] telling staff to write it by hand. Characters the font lacks (外字) are
//! found before anything is drawn ([`preflight`]) and refuse the batch until staff resolve them.
//!
//! ```
//! use mado_forms::{fit_font_size, Fit, Mm, Paper};
//!
//! assert_eq!(Paper::A4.size_mm(), (Mm(210.0), Mm(297.0)));
//! // A text 40 em wide at 10.5 pt needs 420 pt; the box is 300 pt wide.
//! assert_eq!(fit_font_size(40.0, 300.0, 10.5, 6.0), Fit::Shrunk(7.5));
//! assert_eq!(fit_font_size(80.0, 300.0, 10.5, 6.0), Fit::TooLong { at_min_width: 480.0 });
//! ```
//!
//! # Not handled
//!
//! - One font per document, horizontal writing only; no bold.
//! - Text is laid out glyph by glyph without kerning or OpenType shaping (Japanese forms
//!   need none; Latin text is spaced by advance widths only).

#[cfg(feature = "bench")]
pub mod bench;
pub mod data;
pub mod fit;
pub mod font;
mod geometry;
pub mod handout;
#[cfg(feature = "yaml")]
pub mod load;
pub mod pdf;
pub mod render;
pub mod template;

pub use data::{Account, Data, Person, Role, Sex};
pub use font::{Font, FontError};
pub use geometry::{Fit, Mm, Paper, Pt, fit_font_size};
pub use handout::{Handout, HandoutItem, render_handout};
pub use pdf::{Align, Document, RenderError};
pub use render::{Blank, BlankKind, FormError, Notice, NoticeKind, blanks, preflight, render};
pub use template::{Hand, Template};

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

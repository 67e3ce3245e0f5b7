//! Mado's forms: form templates as data and the PDF renderer (issue 5). This first part is the
//! page geometry every template is laid out in and the rule that fits long text into a box.
//!
//! # Mental model
//!
//! Templates are measured in millimetres, like the paper forms they copy; PDF speaks points
//! (1/72 inch). [`Paper`] gives the sheet sizes of Japanese forms (A4, A5, B5 = JIS B5).
//! [`fit_font_size`] picks the largest font size, in half-point steps, at which a text fits
//! its box, and says so when even the smallest legible size does not fit: a long address is
//! never overflowing and never silently cut.
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
//! - Templates, fonts and PDF output are issue 5.
//! - Width is measured by the caller in em units (sum of glyph advances / units per em).

pub mod bench;
pub mod data;
pub mod font;
mod geometry;
pub mod handout;
#[cfg(feature = "yaml")]
pub mod load;
pub mod pdf;
pub mod render;
pub mod template;

pub use data::{Applicant, Data};
pub use font::{Font, FontError};
pub use geometry::{Fit, Mm, Paper, Pt, fit_font_size};
pub use handout::{Handout, HandoutItem, render_handout};
pub use pdf::{Align, Document, RenderError};
pub use render::{FormError, Notice, NoticeKind, preflight, render};
pub use template::Template;

#[cfg(all(test, target_arch = "wasm32"))]
wasm_bindgen_test::wasm_bindgen_test_configure!(run_in_browser);

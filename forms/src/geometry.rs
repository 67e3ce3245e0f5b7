//! Units, paper sizes and shrink-to-fit.

/// A length in millimetres.
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Mm(pub f32);

/// A length in PDF points (1/72 inch).
#[derive(Debug, Clone, Copy, PartialEq, PartialOrd)]
pub struct Pt(pub f32);

impl From<Mm> for Pt {
    fn from(mm: Mm) -> Self {
        Pt(mm.0 * 72.0 / 25.4)
    }
}

/// Sheet sizes used by municipal forms (JIS P 0138).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paper {
    A4,
    A5,
    /// JIS B5 (182 × 257 mm), not ISO B5.
    B5,
}

impl Paper {
    /// Width and height in portrait orientation.
    pub fn size_mm(self) -> (Mm, Mm) {
        match self {
            Paper::A4 => (Mm(210.0), Mm(297.0)),
            Paper::A5 => (Mm(148.0), Mm(210.0)),
            Paper::B5 => (Mm(182.0), Mm(257.0)),
        }
    }
}

/// How a text fits a box; see [`fit_font_size`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Fit {
    /// Fits at the preferred size.
    AsIs(f32),
    /// Fits only at this smaller size.
    Shrunk(f32),
    /// Does not fit even at the minimum size; needs this many points at the minimum.
    TooLong { at_min_width: f32 },
}

/// The largest size from `preferred` down to `min`, in 0.5 pt steps, at which a text
/// `width_em` ems wide fits within `box_width_pt`.
///
/// Returns [`Fit::TooLong`] if and only if the text is wider than the box at `min`; the
/// caller must warn staff then, and never cut the text. Non-finite or negative inputs are
/// treated as a text that does not fit.
pub fn fit_font_size(width_em: f32, box_width_pt: f32, preferred: f32, min: f32) -> Fit {
    let fits = |size: f32| width_em * size <= box_width_pt + 1e-3;
    let sane = width_em.is_finite()
        && box_width_pt.is_finite()
        && width_em >= 0.0
        && min > 0.0
        && preferred >= min;
    if !sane {
        return Fit::TooLong {
            at_min_width: f32::INFINITY,
        };
    }
    if fits(preferred) {
        return Fit::AsIs(preferred);
    }
    let mut size = (preferred * 2.0).floor() / 2.0;
    while size >= min {
        if fits(size) {
            return Fit::Shrunk(size);
        }
        size -= 0.5;
    }
    Fit::TooLong {
        at_min_width: width_em * min,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    #[test]
    fn millimetres_convert_to_points() {
        let Pt(w) = Mm(210.0).into();
        assert!((w - 595.276).abs() < 0.01, "A4 width is 595.28 pt, got {w}");
    }

    #[test]
    fn short_text_keeps_its_size() {
        assert_eq!(fit_font_size(10.0, 200.0, 12.0, 6.0), Fit::AsIs(12.0));
    }

    #[test]
    fn long_text_shrinks_in_half_points_down_to_the_minimum() {
        // 30 em into 200 pt: 6.5 pt gives 195 pt, 7.0 gives 210 pt.
        assert_eq!(fit_font_size(30.0, 200.0, 12.0, 6.0), Fit::Shrunk(6.5));
        // Exactly the minimum still fits.
        assert_eq!(fit_font_size(20.0, 120.0, 12.0, 6.0), Fit::Shrunk(6.0));
    }

    #[test]
    fn text_too_long_for_the_minimum_is_reported_not_cut() {
        assert_eq!(
            fit_font_size(21.0, 120.0, 12.0, 6.0),
            Fit::TooLong {
                at_min_width: 126.0
            }
        );
    }

    #[test]
    fn nonsense_inputs_never_claim_to_fit() {
        assert!(matches!(
            fit_font_size(f32::NAN, 100.0, 12.0, 6.0),
            Fit::TooLong { .. }
        ));
        assert!(matches!(
            fit_font_size(1.0, 100.0, 5.0, 6.0),
            Fit::TooLong { .. }
        ));
        assert!(matches!(
            fit_font_size(-1.0, 100.0, 12.0, 6.0),
            Fit::TooLong { .. }
        ));
    }
}

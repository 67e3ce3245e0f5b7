//! Fitting a field's text into its box: one line at the form's size or a little smaller, else
//! two lines, else one line smaller still — whichever prints larger — and never below the
//! field's `min_size`. A text that does not fit is left out (staff are told), never cut and
//! never overflowing.
//!
//! Widths are measured by the caller (`width_em`: the text's width in ems), so the rule can be
//! checked without a font.

use crate::geometry::{Fit, fit_font_size};

/// How a field's text is laid out in its box.
#[derive(Debug, Clone, PartialEq)]
pub enum Layout {
    /// One line at `size` points; `shrunk` when smaller than the field's size.
    One { size: f32, shrunk: bool },
    /// Two lines at `size` points.
    Two {
        size: f32,
        first: String,
        second: String,
    },
    /// Nothing fits at `min_size`: leave the box blank for a hand-written value.
    TooLong,
}

/// One line may shrink to this share of the field's size before two lines are tried.
pub const ONE_LINE_SHARE: f32 = 0.8;

/// Two lines take this many line heights of the box's inner height (line gap included).
pub const TWO_LINE_HEIGHTS: f32 = 2.2;

fn fitted(f: Fit) -> Option<f32> {
    match f {
        Fit::AsIs(s) | Fit::Shrunk(s) => Some(s),
        Fit::TooLong { .. } => None,
    }
}

/// Lays `text` out in a box `width_pt` × `height_pt` (inside its padding) at `size` points,
/// never below `min_size`:
///
/// 1. one line at `size`, shrunk in half points down to about 80 % of it;
/// 2. else two lines (each at most 1/2.2 of the height) or one line down to `min_size`,
///    whichever prints larger (one line on a tie); see [`split`] for where the text breaks;
/// 3. else [`Layout::TooLong`].
///
/// A box shorter than `size` caps the one-line size at its height.
pub fn layout(
    text: &str,
    width_em: impl Fn(&str) -> f32,
    width_pt: f32,
    height_pt: f32,
    size: f32,
    min_size: f32,
) -> Layout {
    let cap = size.min(height_pt);
    let min_one = min_size.min(cap);
    let em = width_em(text);
    let comfortable = ((cap * ONE_LINE_SHARE * 2.0).ceil() / 2.0).clamp(min_one, cap);
    match fit_font_size(em, width_pt, cap, comfortable) {
        Fit::AsIs(s) => {
            return Layout::One {
                size: s,
                shrunk: false,
            };
        }
        Fit::Shrunk(s) => {
            return Layout::One {
                size: s,
                shrunk: true,
            };
        }
        Fit::TooLong { .. } => {}
    }
    let one = fitted(fit_font_size(em, width_pt, cap, min_one));
    let two = split(
        text,
        &width_em,
        width_pt,
        size.min(height_pt / TWO_LINE_HEIGHTS),
        min_size,
    );
    match (one, two) {
        (one, Some((size, first, second))) if one.is_none_or(|s| size > s) => Layout::Two {
            size,
            first,
            second,
        },
        (Some(size), _) => Layout::One { size, shrunk: true },
        (None, _) => Layout::TooLong,
    }
}

/// How good a place between two characters is to break a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Break {
    /// Inside a run of digits or Latin letters, before closing punctuation or a small kana,
    /// after an opening bracket: only when nothing else fits.
    Bad,
    Plain,
    /// At a space; after 丁目, 番地, 番, 号 or a middle dot (・) unless 地・室・棟・館 follows
    /// (番地, 号室 are one word); after a dash following a digit (1ー2).
    Good,
}

fn alnum(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ')
}

fn digit(c: char) -> bool {
    c.is_ascii_digit() || matches!(c, '０'..='９')
}

fn break_at(chars: &[char], i: usize) -> Break {
    let (before, after) = (chars[i - 1], chars[i]);
    if before.is_whitespace() || after.is_whitespace() {
        return Break::Good;
    }
    if alnum(before) && alnum(after)
        || "、。，．）」』】〕ーぁぃぅぇぉっゃゅょァィゥェォッャュョ々".contains(after)
        || "（「『【〔".contains(before)
    {
        return Break::Bad;
    }
    let head: String = chars[i.saturating_sub(2)..i].iter().collect();
    let dash = "ー－-‐".contains(before) && i >= 2 && digit(chars[i - 2]);
    // 番地 and 号室 read as one word: not after 番 before 地, nor after 号 before 室.
    let suffix = ["丁目", "番地", "番", "号", "・"]
        .iter()
        .any(|s| head.ends_with(s))
        && !"地室棟館".contains(after);
    if dash || suffix {
        Break::Good
    } else {
        Break::Plain
    }
}

/// The best two lines for `text` and the largest size from `cap` down to `min` (half-point
/// steps) at which both fit `width_pt`, or `None` when no break fits at `min`.
///
/// Breaks inside a run of digits or Latin letters, before closing punctuation or a small
/// kana, or after an opening bracket are used only when no other break fits. Then the largest
/// size wins; at equal size a good place wins (a space; after 丁目, 番地, 番, 号 or ・; a dash
/// after a digit), then the break nearest the middle (the narrower longer line). Spaces at
/// the break are dropped.
pub fn split(
    text: &str,
    width_em: impl Fn(&str) -> f32,
    width_pt: f32,
    cap: f32,
    min: f32,
) -> Option<(f32, String, String)> {
    let chars: Vec<char> = text.chars().collect();
    // (not bad, size, good, -longer line): larger is better.
    type Key = (bool, f32, bool, f32);
    let mut best: Option<(Key, String, String)> = None;
    for i in 1..chars.len() {
        let first: String = chars[..i].iter().collect();
        let second: String = chars[i..].iter().collect();
        let (first, second) = (first.trim_end(), second.trim_start());
        if first.is_empty() || second.is_empty() {
            continue;
        }
        let wide = width_em(first).max(width_em(second));
        let Some(size) = fitted(fit_font_size(wide, width_pt, cap, min)) else {
            continue;
        };
        let rank = break_at(&chars, i);
        let key = (rank != Break::Bad, size, rank == Break::Good, -wide);
        if best.as_ref().is_none_or(|(k, ..)| key > *k) {
            best = Some((key, first.to_owned(), second.to_owned()));
        }
    }
    best.map(|((_, size, ..), a, b)| (size, a, b))
}

#[cfg(test)]
mod tests {
    use super::*;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    /// Full-width characters 1 em, ASCII ½ em: close to IPAexGothic.
    fn em(text: &str) -> f32 {
        text.chars()
            .map(|c| if c.is_ascii() { 0.5 } else { 1.0 })
            .sum()
    }

    /// A 140 mm address cell, 14 mm high, at 13 pt: 390 × 37 pt inside the padding.
    const W: f32 = 390.0;
    const H: f32 = 37.4;

    #[test]
    fn a_short_text_keeps_its_size_on_one_line() {
        assert_eq!(
            layout("福岡県北九州市小倉北区大手町1番1号", em, W, H, 13.0, 7.0),
            Layout::One {
                size: 13.0,
                shrunk: false
            }
        );
    }

    #[test]
    fn one_line_shrinks_to_about_80_percent_before_two_lines_are_tried() {
        // 33 em: 12 pt needs 396 pt, 11.5 pt needs 379.5 pt (≥ 10.5 pt = 80 % of 13).
        let text = "北海道北見市北進町一丁目二番三号北見グランドハイツ弐番館千二百号室";
        assert_eq!(em(text), 33.0);
        assert_eq!(
            layout(text, em, W, H, 13.0, 7.0),
            Layout::One {
                size: 11.5,
                shrunk: true
            }
        );
    }

    #[test]
    fn a_long_address_prints_on_two_lines_at_its_size_not_one_line_at_8_points() {
        let text = "福岡県北九州市小倉北区大手町1番1号 グランドメゾン小倉駅前通りサウスタワー北棟東2001号室";
        // One line would need 8.5 pt.
        assert_eq!(fit_font_size(em(text), W, 13.0, 7.0), Fit::Shrunk(8.5));
        assert_eq!(
            layout(text, em, W, H, 13.0, 7.0),
            Layout::Two {
                size: 13.0,
                first: "福岡県北九州市小倉北区大手町1番1号".into(),
                second: "グランドメゾン小倉駅前通りサウスタワー北棟東2001号室".into(),
            }
        );
    }

    #[test]
    fn the_break_prefers_a_good_place_nearest_the_middle_when_it_costs_no_size() {
        // 大手町一丁目 | あいうえおかきく二番地たちつ: after 丁目 (6 | 14 em) and after 番地
        // (17 | 3) are good places; the middle (10 | 10) is not.
        let text = "大手町一丁目あいうえおかきく二番地たちつ";
        let (size, a, b) = split(text, em, 390.0, 13.0, 7.0).unwrap();
        assert_eq!(
            (size, a.as_str(), b.as_str()),
            (13.0, "大手町一丁目", "あいうえおかきく二番地たちつ")
        );
        // When the good place would print smaller, the middle wins.
        let (size, a, b) = split(text, em, 130.0, 13.0, 7.0).unwrap();
        assert_eq!(
            (size, a.as_str(), b.as_str()),
            (13.0, "大手町一丁目あいうえ", "おかきく二番地たちつ")
        );
    }

    #[test]
    fn the_break_avoids_runs_of_digits_and_latin_letters_and_word_endings() {
        // The middle falls inside the digits (7 | 7 em would print at 8.5 pt); the break
        // moves before the run, at 6 pt.
        let (size, a, b) = split("区役所前1234567890123456ビル", em, 60.0, 12.0, 5.0).unwrap();
        assert_eq!(
            (size, a.as_str(), b.as_str()),
            (6.0, "区役所前", "1234567890123456ビル")
        );
        let (_, a, b) = split("センターABCDEFGHIJKLMNOPビル", em, 60.0, 12.0, 5.0).unwrap();
        assert_eq!(
            (a.as_str(), b.as_str()),
            ("センター", "ABCDEFGHIJKLMNOPビル")
        );
        // Not between 番 and 地, not after the ー of コーポ.
        let (_, a, b) = split("小倉北区大手町一番地コーポ大手", em, 1000.0, 12.0, 5.0).unwrap();
        assert_eq!(
            (a.as_str(), b.as_str()),
            ("小倉北区大手町一番地", "コーポ大手")
        );
        // With no other place, a run of digits is broken rather than nothing printed.
        let (_, a, b) = split("1234567890", em, 15.0, 12.0, 5.0).unwrap();
        assert_eq!(format!("{a}{b}"), "1234567890");
    }

    #[test]
    fn two_lines_are_used_only_when_they_print_larger_than_one() {
        // 30.5 em in 230 pt: one line at 7.5 pt. A box 14 pt high fits two lines only at 6 pt:
        // one line it is.
        let text = "福岡県北九州市小倉北区大手町1番1号 グランドメゾン小倉駅前通り";
        assert_eq!(
            layout(text, em, 230.0, 14.0, 12.0, 5.0),
            Layout::One {
                size: 7.5,
                shrunk: true
            }
        );
        // Taller: two lines at 12 pt beat one line at 7.5 pt.
        assert!(matches!(
            layout(text, em, 230.0, 28.0, 12.0, 5.0),
            Layout::Two { size: 12.0, .. }
        ));
    }

    #[test]
    fn nothing_legible_fits_then_the_box_is_left_blank() {
        let text =
            "福岡県北九州市小倉北区大手町1番1号 グランドメゾン小倉駅前通りサウスタワー2001号室";
        // 40.5 em: the most even two lines are over 20 em, 200 pt at 10 pt; the box has 180.
        assert_eq!(layout(text, em, 180.0, H, 13.0, 10.0), Layout::TooLong);
        assert_eq!(layout("長い", em, 8.0, H, 13.0, 10.0), Layout::TooLong);
    }

    #[test]
    fn lines_never_overflow_the_box() {
        let text = "北海道河東郡音更町木野大通西七丁目一番地十 サンハイツ木野二百一号室 北棟";
        for w in [120.0, 200.0, 300.0] {
            for h in [10.0, 20.0, 37.0] {
                match layout(text, em, w, h, 13.0, 5.0) {
                    Layout::One { size, .. } => {
                        assert!(em(text) * size <= w + 1e-3 && size <= h);
                    }
                    Layout::Two {
                        size,
                        first,
                        second,
                    } => {
                        assert!(em(&first).max(em(&second)) * size <= w + 1e-3);
                        assert!(size * TWO_LINE_HEIGHTS <= h + 1e-3);
                        assert_eq!(
                            format!("{first} {second}").replace(' ', ""),
                            text.replace(' ', "")
                        );
                    }
                    Layout::TooLong => {}
                }
            }
        }
    }
}

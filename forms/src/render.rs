//! Filling templates into one document, with what staff must look at before printing:
//! characters the font lacks (外字), text shrunk to fit, text that does not fit at all.

use crate::data::{Data, SourceError};
use crate::font::Font;
use crate::geometry::{Fit, Mm, Pt, fit_font_size};
use crate::pdf::{Align, Document, RenderError};
use crate::template::{Element, Template};

/// Something staff must see before printing, with the form and field it concerns.
#[derive(Debug, Clone, PartialEq)]
pub struct Notice {
    /// The form's title.
    pub form: String,
    /// The field's name (「申請者 氏名」).
    pub field: String,
    pub kind: NoticeKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum NoticeKind {
    /// Characters the font does not have. The form is not printed until they are resolved.
    Gaiji(Vec<char>),
    /// Printed smaller than the form's size so it fits (information).
    Shrunk { size: f32 },
    /// Printed on two lines so it fits (information).
    Wrapped { size: f32 },
    /// Does not fit even at the smallest legible size: left blank to be written by hand.
    TooLong,
}

impl std::fmt::Display for Notice {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (form, field) = (&self.form, &self.field);
        match &self.kind {
            NoticeKind::Gaiji(chars) => {
                let list: Vec<String> = chars
                    .iter()
                    .map(|c| format!("「{c}」(U+{:04X})", *c as u32))
                    .collect();
                write!(
                    f,
                    "{form}の{field}: {}はフォントにない文字（外字）です。表記を確認してください",
                    list.join("、")
                )
            }
            NoticeKind::Shrunk { size } => write!(
                f,
                "{form}の{field}: 枠に収めるため{size}ポイントに縮小しました"
            ),
            NoticeKind::Wrapped { size } => write!(
                f,
                "{form}の{field}: 枠に収めるため2行（{size}ポイント）にしました"
            ),
            NoticeKind::TooLong => write!(
                f,
                "{form}の{field}: 枠に収まらないため空欄にしました。手書きで記入してください"
            ),
        }
    }
}

/// Why a batch could not be rendered.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum FormError {
    /// Bad template or data: see [`SourceError`].
    #[error("{form}: {source}")]
    Source { form: String, source: SourceError },
    /// Bad data: characters the font lacks; staff must resolve them first.
    #[error("外字: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(" / "))]
    Gaiji(Vec<Notice>),
    #[error(transparent)]
    Render(#[from] RenderError),
}

fn mm_of_pt(pt: f32) -> f32 {
    pt * 25.4 / 72.0
}

/// Padding inside a field's box, millimetres.
const PAD: f32 = 1.2;
/// Below this a text is not legible on paper.
const FLOOR: f32 = 5.0;

/// Baseline that centres a line of `size` points vertically on `center` (mm).
fn baseline(center: f32, size: f32) -> f32 {
    center + mm_of_pt(size) * 0.36
}

/// The texts of every field, checked for characters the font lacks, before anything is drawn.
pub fn preflight(
    templates: &[&Template],
    data: &Data,
    font: &Font,
) -> Result<Vec<Notice>, FormError> {
    let mut out = Vec::new();
    for t in templates {
        for e in &t.elements {
            let (field, text) = match e {
                Element::Field { name, source, .. } => (name.clone(), value(t, data, source)?),
                Element::Text { text, .. } => (text.clone(), fill(t, data, text)?),
                _ => continue,
            };
            let missing = font.missing(&text);
            if !missing.is_empty() {
                out.push(Notice {
                    form: t.title.clone(),
                    field,
                    kind: NoticeKind::Gaiji(missing),
                });
            }
        }
    }
    Ok(out)
}

fn value(t: &Template, data: &Data, source: &str) -> Result<String, FormError> {
    data.value(source).map_err(|source| FormError::Source {
        form: t.title.clone(),
        source,
    })
}

fn fill(t: &Template, data: &Data, text: &str) -> Result<String, FormError> {
    data.fill(text).map_err(|source| FormError::Source {
        form: t.title.clone(),
        source,
    })
}

/// Splits a text into two lines of about equal width, preferring a space.
fn split_two(font: &Font, text: &str) -> (String, String) {
    let chars: Vec<char> = text.chars().collect();
    let total = font.width_em(text);
    let mut acc = 0.0;
    let mut cut = chars.len() / 2;
    for (i, c) in chars.iter().enumerate() {
        acc += font.width_em(&c.to_string());
        if acc >= total / 2.0 {
            cut = i + 1;
            break;
        }
    }
    // A space within a few characters of the middle is a better break.
    if let Some(sp) = (cut.saturating_sub(4)..(cut + 4).min(chars.len()))
        .find(|&i| chars[i] == ' ' || chars[i] == '　')
    {
        cut = sp + 1;
    }
    let first: String = chars[..cut].iter().collect();
    let second: String = chars[cut..].iter().collect();
    (first.trim_end().to_owned(), second.trim_start().to_owned())
}

/// Renders each template as one page of `doc`, in order. Refuses (with every 外字 listed)
/// before drawing anything if a text has characters the font lacks.
pub fn render(
    doc: &mut Document<'_>,
    font: &Font,
    templates: &[&Template],
    data: &Data,
) -> Result<Vec<Notice>, FormError> {
    let gaiji = preflight(templates, data, font)?;
    if !gaiji.is_empty() {
        return Err(FormError::Gaiji(gaiji));
    }
    let mut notices = Vec::new();
    for t in templates {
        let page = doc.add_page(t.paper.into());
        for e in &t.elements {
            match e {
                Element::Text {
                    x,
                    y,
                    size,
                    align,
                    text,
                } => {
                    let text = fill(t, data, text)?;
                    doc.text(page, *x, *y, *size, (*align).into(), &text)?;
                }
                Element::Line { from, to, width } => {
                    doc.line(page, (from[0], from[1]), (to[0], to[1]), *width)
                }
                Element::Box { x, y, w, h, width } => doc.rect(page, *x, *y, *w, *h, *width),
                Element::Grid {
                    x,
                    y,
                    columns,
                    rows,
                    labels,
                    size,
                } => {
                    let col_x: Vec<f32> = std::iter::once(*x)
                        .chain(columns.iter().scan(*x, |a, w| {
                            *a += w;
                            Some(*a)
                        }))
                        .collect();
                    let row_y: Vec<f32> = std::iter::once(*y)
                        .chain(rows.iter().scan(*y, |a, h| {
                            *a += h;
                            Some(*a)
                        }))
                        .collect();
                    for l in labels {
                        if let (Some(&cx), Some(&cy), Some(&w), Some(&h)) = (
                            col_x.get(l.col),
                            row_y.get(l.row),
                            columns.get(l.col),
                            rows.get(l.row),
                        ) {
                            doc.fill(page, cx, cy, w, h, 0.93);
                            let text = fill(t, data, &l.text)?;
                            doc.text(
                                page,
                                cx + PAD,
                                baseline(cy + h / 2.0, *size),
                                *size,
                                Align::Left,
                                &text,
                            )?;
                        }
                    }
                    let (x1, y1) = (
                        col_x.last().copied().unwrap_or(*x),
                        row_y.last().copied().unwrap_or(*y),
                    );
                    for cx in &col_x {
                        doc.line(page, (*cx, *y), (*cx, y1), 0.6);
                    }
                    for cy in &row_y {
                        doc.line(page, (*x, *cy), (x1, *cy), 0.6);
                    }
                }
                Element::Field {
                    name,
                    source,
                    x,
                    y,
                    w,
                    h,
                    size,
                    min_size,
                    align,
                } => {
                    let text = value(t, data, source)?;
                    if text.is_empty() {
                        continue;
                    }
                    let inner_w = Pt::from(Mm(w - 2.0 * PAD)).0;
                    let inner_h = Pt::from(Mm(h - 0.8)).0;
                    let size = size.min(inner_h);
                    let ax = match align {
                        crate::template::AlignName::Left => x + PAD,
                        crate::template::AlignName::Center => x + w / 2.0,
                        crate::template::AlignName::Right => x + w - PAD,
                    };
                    let notice = |kind| Notice {
                        form: t.title.clone(),
                        field: name.clone(),
                        kind,
                    };
                    match fit_font_size(font.width_em(&text), inner_w, size, min_size.min(size)) {
                        Fit::AsIs(s) => doc.text(
                            page,
                            ax,
                            baseline(y + h / 2.0, s),
                            s,
                            (*align).into(),
                            &text,
                        )?,
                        Fit::Shrunk(s) => {
                            doc.text(
                                page,
                                ax,
                                baseline(y + h / 2.0, s),
                                s,
                                (*align).into(),
                                &text,
                            )?;
                            notices.push(notice(NoticeKind::Shrunk { size: s }));
                        }
                        Fit::TooLong { .. } => {
                            // Two lines, each at most half the box's height.
                            let (a, b) = split_two(font, &text);
                            let wide = font.width_em(&a).max(font.width_em(&b));
                            let line_h = inner_h / 2.2;
                            match fit_font_size(wide, inner_w, size.min(line_h), FLOOR.min(line_h))
                            {
                                Fit::AsIs(s) | Fit::Shrunk(s) => {
                                    let gap = mm_of_pt(s) * 1.1;
                                    doc.text(
                                        page,
                                        ax,
                                        baseline(y + h / 2.0 - gap / 2.0, s),
                                        s,
                                        (*align).into(),
                                        &a,
                                    )?;
                                    doc.text(
                                        page,
                                        ax,
                                        baseline(y + h / 2.0 + gap / 2.0, s),
                                        s,
                                        (*align).into(),
                                        &b,
                                    )?;
                                    notices.push(notice(NoticeKind::Wrapped { size: s }));
                                }
                                Fit::TooLong { .. } => notices.push(notice(NoticeKind::TooLong)),
                            }
                        }
                    }
                }
                Element::Check {
                    source,
                    value: want,
                    x,
                    y,
                    label,
                } => {
                    let got = value(t, data, source)?;
                    let ticked = match want {
                        Some(v) => &got == v,
                        None => matches!(got.as_str(), "はい" | "true" | "1"),
                    };
                    let s = 3.6;
                    doc.rect(page, *x, *y, s, s, 0.6);
                    if ticked {
                        doc.line(page, (x + 0.6, y + 1.9), (x + 1.5, y + 3.0), 1.0);
                        doc.line(page, (x + 1.5, y + 3.0), (x + 3.2, y + 0.5), 1.0);
                    }
                    let label = fill(t, data, label)?;
                    doc.text(
                        page,
                        x + s + 1.0,
                        baseline(y + s / 2.0, 10.5),
                        10.5,
                        Align::Left,
                        &label,
                    )?;
                }
            }
        }
    }
    Ok(notices)
}

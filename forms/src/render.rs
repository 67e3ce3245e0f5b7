//! Filling templates into one document, with what staff must look at before printing:
//! characters the font lacks (外字), text shrunk to fit, text that does not fit at all.

use crate::data::{Data, SourceError};
use crate::fit::{Layout, TWO_LINE_HEIGHTS, layout};
use crate::font::Font;
use crate::geometry::{Mm, Pt};
use crate::pdf::{Align, Document, RenderError};
use crate::template::{AlignName, Element, Hand, Template, holds};

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
    /// A text names the city or office, which the data leaves empty: the 宛先 would read
    /// 「長　様」 (printed; staff fix the data or write it in).
    EmptySource { source: String, printed: String },
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
            NoticeKind::EmptySource { source, printed } => write!(
                f,
                "{form}の{field}: {source} が空のため「{printed}」と印刷されます。市区町村名・役所名を設定してください"
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
    /// Bad data: every problem [`Data::problems`] finds; nothing is drawn.
    #[error("データ: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(" / "))]
    Data(Vec<crate::data::DataProblem>),
    /// Bad data: characters the font lacks; staff must resolve them first.
    #[error("外字: {}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join(" / "))]
    Gaiji(Vec<Notice>),
    #[error(transparent)]
    Render(#[from] RenderError),
}

fn mm_of_pt(pt: f32) -> f32 {
    pt * 25.4 / 72.0
}

/// Padding inside a field's box or a grid cell, millimetres.
pub const PAD: f32 = 1.2;
/// A check's box, millimetres square; its label starts 1 mm to the right, at 10.5 pt.
pub const CHECK_BOX: f32 = 3.6;
const CHECK_LABEL_SIZE: f32 = 10.5;

/// Baseline that centres a line of `size` points vertically on `center` (mm).
fn baseline(center: f32, size: f32) -> f32 {
    center + mm_of_pt(size) * 0.36
}

/// Where text aligned `align` is anchored in a box from `x`, `w` wide: `PAD` in from the
/// left or right edge, or the centre.
fn anchor(align: AlignName, x: f32, w: f32) -> f32 {
    match align {
        AlignName::Left => x + PAD,
        AlignName::Center => x + w / 2.0,
        AlignName::Right => x + w - PAD,
    }
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
            let texts: Vec<(&String, String)> = match e {
                Element::Field {
                    name,
                    source: Some(source),
                    ..
                } => vec![(name, value(t, data, source)?)],
                Element::Field { source: None, .. } => continue,
                Element::Text { text, .. } | Element::Check { label: text, .. } => {
                    vec![(text, fill(t, data, text)?)]
                }
                Element::Grid { labels, .. } => labels
                    .iter()
                    .map(|l| Ok((&l.text, fill(t, data, &l.text)?)))
                    .collect::<Result<_, FormError>>()?,
                Element::Line { .. } | Element::Box { .. } => continue,
            };
            for (field, text) in texts {
                let missing = font.missing(&text);
                if !missing.is_empty() {
                    out.push(Notice {
                        form: t.title.clone(),
                        field: field.clone(),
                        kind: NoticeKind::Gaiji(missing),
                    });
                }
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

/// Renders each template as one page of `doc`, in order. Refuses (with every 外字 listed)
/// before drawing anything if a text has characters the font lacks.
pub fn render(
    doc: &mut Document<'_>,
    font: &Font,
    templates: &[&Template],
    data: &Data,
) -> Result<Vec<Notice>, FormError> {
    let problems = data.problems();
    if !problems.is_empty() {
        return Err(FormError::Data(problems));
    }
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
                    let filled = fill(t, data, text)?;
                    for (source, value) in [
                        ("city", &data.city),
                        ("office", &data.office),
                        ("head", &data.head),
                    ] {
                        if text.contains(&format!("{{{source}}}")) && value.trim().is_empty() {
                            notices.push(Notice {
                                form: t.title.clone(),
                                field: "宛先".into(),
                                kind: NoticeKind::EmptySource {
                                    source: source.into(),
                                    printed: filled.clone(),
                                },
                            });
                        }
                    }
                    doc.text(page, *x, *y, *size, (*align).into(), &filled)?;
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
                    ..
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
                            let size = l.size.unwrap_or(*size);
                            doc.text(
                                page,
                                anchor(l.align, cx, w),
                                baseline(cy + h / 2.0, size),
                                size,
                                l.align.into(),
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
                    ..
                } => {
                    let Some(source) = source else {
                        continue;
                    };
                    let text = value(t, data, source)?;
                    if text.is_empty() {
                        continue;
                    }
                    let inner_w = Pt::from(Mm(w - 2.0 * PAD)).0;
                    let inner_h = Pt::from(Mm(h - 0.8)).0;
                    let (ax, align_pdf) = (anchor(*align, *x, *w), (*align).into());
                    let center = y + h / 2.0;
                    let notice = |kind| Notice {
                        form: t.title.clone(),
                        field: name.clone(),
                        kind,
                    };
                    match layout(
                        &text,
                        |s| font.width_em(s),
                        inner_w,
                        inner_h,
                        *size,
                        *min_size,
                    ) {
                        Layout::One { size: s, shrunk } => {
                            doc.text(page, ax, baseline(center, s), s, align_pdf, &text)?;
                            if shrunk {
                                notices.push(notice(NoticeKind::Shrunk { size: s }));
                            }
                        }
                        Layout::Two {
                            size: s,
                            first,
                            second,
                        } => {
                            // Baselines 1.1 line apart, the pair centred in the box.
                            let gap = mm_of_pt(s) * TWO_LINE_HEIGHTS / 2.0;
                            let (y1, y2) = (center - gap / 2.0, center + gap / 2.0);
                            doc.text(page, ax, baseline(y1, s), s, align_pdf, &first)?;
                            doc.text(page, ax, baseline(y2, s), s, align_pdf, &second)?;
                            notices.push(notice(NoticeKind::Wrapped { size: s }));
                        }
                        Layout::TooLong => notices.push(notice(NoticeKind::TooLong)),
                    }
                }
                Element::Check {
                    source,
                    x,
                    y,
                    label,
                    ..
                } => {
                    let ticked = match source {
                        Some(source) => e.ticked(&value(t, data, source)?),
                        None => false,
                    };
                    let s = CHECK_BOX;
                    doc.rect(page, *x, *y, s, s, 0.6);
                    if ticked {
                        doc.line(page, (x + 0.6, y + 1.9), (x + 1.5, y + 3.0), 1.0);
                        doc.line(page, (x + 1.5, y + 3.0), (x + 3.2, y + 0.5), 1.0);
                    }
                    let label = fill(t, data, label)?;
                    doc.text(
                        page,
                        x + s + 1.0,
                        baseline(y + s / 2.0, CHECK_LABEL_SIZE),
                        CHECK_LABEL_SIZE,
                        Align::Left,
                        &label,
                    )?;
                }
            }
        }
    }
    Ok(notices)
}

/// A field of a batch that prints nothing: written by hand on purpose, or not filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blank {
    /// The form's title.
    pub form: String,
    /// The field's name, or a tick box's label.
    pub field: String,
    pub kind: BlankKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlankKind {
    /// Written by hand on purpose (the template says why).
    Hand(Hand),
    /// The data has nothing for it: the resident would have to write it. The source it reads.
    Empty { source: String },
}

impl Blank {
    /// Left for the resident's hand although Mado should have filled it.
    pub fn is_missing(&self) -> bool {
        matches!(self.kind, BlankKind::Empty { .. })
    }
}

impl std::fmt::Display for Blank {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            BlankKind::Hand(h) => write!(f, "{}の{}: {}", self.form, self.field, h.ja()),
            BlankKind::Empty { .. } => {
                write!(
                    f,
                    "{}の{}: 未入力（手書きになります）",
                    self.form, self.field
                )
            }
        }
    }
}

/// Every field of `templates` that `data` leaves empty, in the order of the forms: those written
/// by hand on purpose (their reason) and those Mado has nothing for (their source). A field
/// asked only `when:` something holds is left out when it does not; tick boxes filled from a
/// source are answers (unticked is "no"), and hand-ticked boxes are listed with their reason,
/// but not a choice on a row where the data ticked a box (転入 ticked: 「職場の保険をやめた」
/// on that row is settled).
pub fn blanks(templates: &[&Template], data: &Data) -> Result<Vec<Blank>, FormError> {
    let mut out = Vec::new();
    for t in templates {
        // Rows of tick boxes where the data ticked one: the other choices on that row are
        // settled, not left for the resident.
        let mut ticked_rows: Vec<f32> = Vec::new();
        for e in &t.elements {
            if let Element::Check {
                source: Some(source),
                y,
                ..
            } = e
                && e.ticked(&value(t, data, source)?)
            {
                ticked_rows.push(*y);
            }
        }
        for e in &t.elements {
            let (field, kind) = match e {
                Element::Field {
                    name,
                    source,
                    hand,
                    when,
                    ..
                } => {
                    if let Some(w) = when
                        && !holds(&value(t, data, w)?)
                    {
                        continue;
                    }
                    match (hand, source) {
                        (Some(h), _) => (name, BlankKind::Hand(*h)),
                        (None, Some(s)) if value(t, data, s)?.trim().is_empty() => {
                            (name, BlankKind::Empty { source: s.clone() })
                        }
                        (None, Some(_)) => continue,
                        // The linter refuses a field with neither; listed as missing if it
                        // slips through.
                        (None, None) => (
                            name,
                            BlankKind::Empty {
                                source: String::new(),
                            },
                        ),
                    }
                }
                Element::Check {
                    source: None,
                    hand: Some(h),
                    label,
                    y,
                    ..
                } => {
                    if *h == Hand::Choice && ticked_rows.iter().any(|r| (r - y).abs() < 1.0) {
                        continue;
                    }
                    (label, BlankKind::Hand(*h))
                }
                _ => continue,
            };
            out.push(Blank {
                form: t.title.clone(),
                field: field.clone(),
                kind,
            });
        }
    }
    Ok(out)
}

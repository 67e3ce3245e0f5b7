//! One PDF for a batch of pages: vector lines and boxes, and Japanese text in one embedded,
//! subsetted CID font (Type0 / CIDFontType2, Identity-H) with a ToUnicode map, so the text
//! can be searched, copied and checked with `pdftotext`.
//!
//! Coordinates are millimetres from the top-left corner of the sheet, as on a paper form;
//! the writer converts them to PDF points from the bottom-left.

use std::collections::BTreeMap;

use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str};
use subsetter::GlyphRemapper;

use crate::font::Font;
use crate::geometry::{Mm, Paper, Pt};

/// Why a document could not be written.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// Bad input: text with characters the font does not have. Staff must see them; they are
    /// never dropped or replaced.
    #[error("the font has no glyph for {chars:?} in {text:?}")]
    MissingGlyphs { text: String, chars: Vec<char> },
    /// Bug or bad font: the subsetter refused the font.
    #[error("cannot subset the font: {0}")]
    Subset(String),
}

fn pt(mm: f32) -> f32 {
    Pt::from(Mm(mm)).0
}

/// Horizontal placement of text in its box.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// A page being drawn.
pub struct Page {
    height_pt: f32,
    width_pt: f32,
    content: Content,
}

impl std::fmt::Debug for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Page")
            .field("width_pt", &self.width_pt)
            .field("height_pt", &self.height_pt)
            .finish_non_exhaustive()
    }
}

/// A PDF under construction: pages in order, one font shared by all of them.
#[derive(Debug)]
pub struct Document<'f> {
    font: &'f Font,
    pages: Vec<Page>,
    remapper: GlyphRemapper,
    /// New glyph id → (the character it prints, advance in 1/1000 em).
    used: BTreeMap<u16, (char, f32)>,
    title: String,
}

const FONT: Name<'static> = Name(b"F1");

impl<'f> Document<'f> {
    pub fn new(font: &'f Font, title: impl Into<String>) -> Self {
        Self {
            font,
            pages: Vec::new(),
            remapper: GlyphRemapper::new(),
            used: BTreeMap::new(),
            title: title.into(),
        }
    }

    /// Starts a new page and returns its index.
    pub fn add_page(&mut self, paper: Paper) -> usize {
        let (w, h) = paper.size_mm();
        self.pages.push(Page {
            width_pt: Pt::from(w).0,
            height_pt: Pt::from(h).0,
            content: Content::new(),
        });
        self.pages.len() - 1
    }

    pub fn page_count(&self) -> usize {
        self.pages.len()
    }

    /// The text's glyph codes in the subset, or the characters the font lacks.
    fn encode(&mut self, text: &str) -> Result<Vec<u8>, RenderError> {
        let glyphs = self.font.glyphs(text);
        let missing: Vec<char> = self.font.missing(text);
        if !missing.is_empty() {
            return Err(RenderError::MissingGlyphs {
                text: text.to_owned(),
                chars: missing,
            });
        }
        let upem = f32::from(self.font.units_per_em.max(1));
        let mut bytes = Vec::with_capacity(glyphs.len() * 2);
        for (c, g) in glyphs {
            let Some(g) = g else { continue };
            let new = self.remapper.remap(g);
            self.used
                .entry(new)
                .or_insert_with(|| (c, f32::from(self.font.advance(g)) * 1000.0 / upem));
            bytes.extend_from_slice(&new.to_be_bytes());
        }
        Ok(bytes)
    }

    /// A straight line, `width` in points.
    pub fn line(&mut self, page: usize, from: (f32, f32), to: (f32, f32), width: f32) {
        let p = &mut self.pages[page];
        let h = p.height_pt;
        p.content
            .set_line_width(width)
            .move_to(pt(from.0), h - pt(from.1))
            .line_to(pt(to.0), h - pt(to.1))
            .stroke();
    }

    /// A rectangle outline at `(x, y)` (top-left), `w` × `h` millimetres.
    pub fn rect(&mut self, page: usize, x: f32, y: f32, w: f32, h: f32, width: f32) {
        let p = &mut self.pages[page];
        let ph = p.height_pt;
        p.content
            .set_line_width(width)
            .rect(pt(x), ph - pt(y + h), pt(w), pt(h))
            .stroke();
    }

    /// A filled grey rectangle (label cells), `gray` from 0 (black) to 1 (white).
    pub fn fill(&mut self, page: usize, x: f32, y: f32, w: f32, h: f32, gray: f32) {
        let p = &mut self.pages[page];
        let ph = p.height_pt;
        p.content
            .save_state()
            .set_fill_gray(gray)
            .rect(pt(x), ph - pt(y + h), pt(w), pt(h))
            .fill_nonzero()
            .restore_state();
    }

    /// Text with its baseline at `y`, starting at `x` (or ending there for
    /// [`Align::Right`], centred on it for [`Align::Center`]), `size` in points.
    pub fn text(
        &mut self,
        page: usize,
        x: f32,
        y: f32,
        size: f32,
        align: Align,
        text: &str,
    ) -> Result<(), RenderError> {
        if text.is_empty() {
            return Ok(());
        }
        let width_pt = self.font.width_em(text) * size;
        let bytes = self.encode(text)?;
        let p = &mut self.pages[page];
        let x_pt = match align {
            Align::Left => pt(x),
            Align::Center => pt(x) - width_pt / 2.0,
            Align::Right => pt(x) - width_pt,
        };
        p.content
            .begin_text()
            .set_font(FONT, size)
            .next_line(x_pt, p.height_pt - pt(y))
            .show(Str(&bytes))
            .end_text();
        Ok(())
    }

    /// Writes the PDF: the pages, the subsetted font and its ToUnicode map.
    pub fn finish(self) -> Result<Vec<u8>, RenderError> {
        let mut alloc = Ref::new(1);
        let catalog = alloc.bump();
        let tree = alloc.bump();
        let info = alloc.bump();
        let type0 = alloc.bump();
        let cid = alloc.bump();
        let descriptor = alloc.bump();
        let font_file = alloc.bump();
        let to_unicode = alloc.bump();
        let page_ids: Vec<(Ref, Ref)> = self
            .pages
            .iter()
            .map(|_| (alloc.bump(), alloc.bump()))
            .collect();

        let mut pdf = Pdf::new();
        pdf.catalog(catalog).pages(tree);
        pdf.pages(tree)
            .kids(page_ids.iter().map(|(p, _)| *p))
            .count(page_ids.len() as i32);
        pdf.document_info(info)
            .title(pdf_writer::TextStr(&self.title))
            .producer(pdf_writer::TextStr("Mado"));

        for (page, (page_id, content_id)) in self.pages.into_iter().zip(&page_ids) {
            let mut p = pdf.page(*page_id);
            p.media_box(Rect::new(0.0, 0.0, page.width_pt, page.height_pt))
                .parent(tree)
                .contents(*content_id);
            p.resources().fonts().pair(FONT, type0);
            p.finish();
            let raw = page.content.finish();
            let packed = miniz_oxide::deflate::compress_to_vec_zlib(&raw, 6);
            pdf.stream(*content_id, &packed).filter(Filter::FlateDecode);
        }

        // The subset: only the glyphs used, renumbered in order of first use.
        let subset = subsetter::subset(self.font.data(), 0, &self.remapper)
            .map_err(|e| RenderError::Subset(format!("{e:?}")))?;
        let tag = subset_tag(&self.used);
        let base = format!("{tag}+{}", self.font.name);
        let base = Name(base.as_bytes());
        let system = SystemInfo {
            registry: Str(b"Adobe"),
            ordering: Str(b"Identity"),
            supplement: 0,
        };
        pdf.type0_font(type0)
            .base_font(base)
            .encoding_predefined(Name(b"Identity-H"))
            .descendant_font(cid)
            .to_unicode(to_unicode);
        let mut cid_font = pdf.cid_font(cid);
        cid_font
            .subtype(CidFontType::Type2)
            .base_font(base)
            .system_info(system)
            .font_descriptor(descriptor)
            .default_width(1000.0)
            .cid_to_gid_map_predefined(Name(b"Identity"));
        {
            let mut w = cid_font.widths();
            for (gid, (_, width)) in &self.used {
                w.consecutive(*gid, [*width]);
            }
        }
        cid_font.finish();
        let scale = |v: i16| f32::from(v) * 1000.0 / f32::from(self.font.units_per_em.max(1));
        let [x0, y0, x1, y1] = self.font.bbox;
        pdf.font_descriptor(descriptor)
            .name(base)
            .flags(FontFlags::SYMBOLIC)
            .bbox(Rect::new(scale(x0), scale(y0), scale(x1), scale(y1)))
            .italic_angle(0.0)
            .ascent(scale(self.font.ascender))
            .descent(scale(self.font.descender))
            .cap_height(scale(self.font.cap_height))
            .stem_v(80.0)
            .font_file2(font_file);
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(&subset, 6);
        pdf.stream(font_file, &packed)
            .filter(Filter::FlateDecode)
            .pair(Name(b"Length1"), subset.len() as i32);

        let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Mado-UCS"), system);
        for (gid, (c, _)) in &self.used {
            cmap.pair(*gid, *c);
        }
        let cmap = cmap.finish();
        pdf.cmap(to_unicode, &cmap);
        Ok(pdf.finish())
    }
}

/// Six capital letters naming this subset (PDF 32000 §9.6.4), from the glyphs it holds.
fn subset_tag(used: &BTreeMap<u16, (char, f32)>) -> String {
    let mut h: u32 = 2_166_136_261;
    for (gid, (c, _)) in used {
        for b in gid
            .to_be_bytes()
            .into_iter()
            .chain((*c as u32).to_be_bytes())
        {
            h = (h ^ u32::from(b)).wrapping_mul(16_777_619);
        }
    }
    (0..6)
        .map(|i| char::from(b'A' + ((h >> (i * 5)) % 26) as u8))
        .collect()
}

//! The Japanese font forms are printed with: glyph lookup, advance widths and the check for
//! characters the font does not have (外字), which staff must see before printing.

use std::sync::Arc;

use ttf_parser::Face;

/// Why a font could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FontError {
    /// Bad input: bytes that are not a TrueType/OpenType font.
    #[error("not a TrueType/OpenType font: {0}")]
    Parse(String),
    /// Bad input: a font without the Unicode character map text needs.
    #[error("the font has no Unicode character map")]
    NoUnicodeMap,
    /// Bad input: a font whose licence forbids embedding it in a document.
    #[error("the font's licence does not allow embedding it (OS/2 fsType restricted)")]
    NotEmbeddable,
}

/// A font's metrics in its design units, and its bytes for embedding.
#[derive(Debug, Clone)]
pub struct Font {
    data: Arc<[u8]>,
    /// The PostScript name (`IPAexGothic`).
    pub name: String,
    pub units_per_em: u16,
    pub ascender: i16,
    pub descender: i16,
    pub cap_height: i16,
    /// x min, y min, x max, y max.
    pub bbox: [i16; 4],
}

impl Font {
    /// Reads a font file's bytes (the first face of a collection).
    pub fn from_bytes(data: impl Into<Arc<[u8]>>) -> Result<Self, FontError> {
        let data: Arc<[u8]> = data.into();
        let face = Face::parse(&data, 0).map_err(|e| FontError::Parse(e.to_string()))?;
        if face.tables().cmap.is_none() {
            return Err(FontError::NoUnicodeMap);
        }
        if matches!(
            face.permissions(),
            Some(ttf_parser::Permissions::Restricted)
        ) {
            return Err(FontError::NotEmbeddable);
        }
        let name = face
            .names()
            .into_iter()
            .filter(|n| n.name_id == ttf_parser::name_id::POST_SCRIPT_NAME)
            // Unicode records decode as UTF-16; Macintosh Roman ones are ASCII for these names.
            .find_map(|n| {
                n.to_string().or_else(|| {
                    n.name
                        .is_ascii()
                        .then(|| String::from_utf8_lossy(n.name).into_owned())
                })
            })
            .unwrap_or_else(|| "MadoFont".to_owned())
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .collect();
        let b = face.global_bounding_box();
        Ok(Self {
            name,
            units_per_em: face.units_per_em(),
            ascender: face.ascender(),
            descender: face.descender(),
            cap_height: face.capital_height().unwrap_or(face.ascender()),
            bbox: [b.x_min, b.y_min, b.x_max, b.y_max],
            data,
        })
    }

    /// The font file's bytes.
    pub fn data(&self) -> &[u8] {
        &self.data
    }

    fn face(&self) -> Face<'_> {
        // Parsed successfully in `from_bytes`; the bytes never change.
        Face::parse(&self.data, 0).unwrap_or_else(|_| unreachable!("font bytes were checked"))
    }

    /// The glyph for each character, `None` where the font has none.
    pub fn glyphs(&self, text: &str) -> Vec<(char, Option<u16>)> {
        let face = self.face();
        text.chars()
            .map(|c| (c, face.glyph_index(c).map(|g| g.0).filter(|g| *g != 0)))
            .collect()
    }

    /// Characters of `text` the font cannot print (外字 and anything else it lacks), each once.
    pub fn missing(&self, text: &str) -> Vec<char> {
        let mut out: Vec<char> = Vec::new();
        for (c, g) in self.glyphs(text) {
            if g.is_none() && !c.is_control() && !out.contains(&c) {
                out.push(c);
            }
        }
        out
    }

    /// Advance width of a glyph in design units.
    pub fn advance(&self, glyph: u16) -> u16 {
        self.face()
            .glyph_hor_advance(ttf_parser::GlyphId(glyph))
            .unwrap_or(self.units_per_em)
    }

    /// The width of `text` in ems (missing characters count as one em).
    pub fn width_em(&self, text: &str) -> f32 {
        let face = self.face();
        let upem = f32::from(self.units_per_em.max(1));
        text.chars()
            .map(|c| {
                face.glyph_index(c)
                    .and_then(|g| face.glyph_hor_advance(g))
                    .map_or(1.0, |a| f32::from(a) / upem)
            })
            .sum()
    }
}

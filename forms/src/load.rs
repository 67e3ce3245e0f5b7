//! Reading templates from YAML with file:line in every message, and `mado-forms lint`.

use std::path::{Path, PathBuf};

use crate::data::is_source;
use crate::geometry::Paper;
use crate::template::{Element, Template};

/// `file:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// A template with the file it came from.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub file: String,
    pub text: String,
    pub template: Template,
}

impl Loaded {
    /// The 1-based line of the first line containing `needle`, or 1.
    pub fn line_of(&self, needle: &str) -> usize {
        self.text
            .lines()
            .position(|l| l.contains(needle))
            .map_or(1, |i| i + 1)
    }
}

/// Parses one template (`- text: {…}` one-key maps for elements).
pub fn parse(file: &str, text: &str) -> Result<Template, Diagnostic> {
    serde_yaml::with::singleton_map_recursive::deserialize(serde_yaml::Deserializer::from_str(text))
        .map_err(|e| {
            let msg = e.to_string();
            Diagnostic {
                file: file.to_owned(),
                line: e.location().map_or(1, |l| l.line()),
                message: msg.split(" at line ").next().unwrap_or(&msg).to_owned(),
            }
        })
}

/// Every `*.yaml` in `dir`, sorted by name.
pub fn load_dir(dir: &Path) -> Result<Vec<Loaded>, Vec<Diagnostic>> {
    let entries = std::fs::read_dir(dir).map_err(|e| {
        vec![Diagnostic {
            file: dir.display().to_string(),
            line: 1,
            message: format!("cannot read: {e}"),
        }]
    })?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        .collect();
    paths.sort();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for p in paths {
        let file = p.display().to_string();
        match std::fs::read_to_string(&p) {
            Ok(text) => match parse(&file, &text) {
                Ok(template) => out.push(Loaded {
                    file,
                    text,
                    template,
                }),
                Err(d) => errors.push(d),
            },
            Err(e) => errors.push(Diagnostic {
                file,
                line: 1,
                message: format!("cannot read: {e}"),
            }),
        }
    }
    if errors.is_empty() {
        Ok(out)
    } else {
        Err(errors)
    }
}

fn placeholders(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let Some(close) = after.find('}') else { break };
        out.push(&after[..close]);
        rest = &after[close + 1..];
    }
    out
}

/// Checks templates: unknown sources, elements off the sheet, overlapping fields, bad grid
/// labels, missing sources, duplicate ids; and that every form a rule pack names exists.
/// A form a rule pack names: (file, line, template id).
pub type NamedForm = (String, usize, String);

pub fn lint(templates: &[Loaded], forms_named_by_packs: &[NamedForm]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for l in templates {
        let t = &l.template;
        let d = |needle: &str, message: String| Diagnostic {
            file: l.file.clone(),
            line: l.line_of(needle),
            message,
        };
        let stem = Path::new(&l.file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or("");
        if t.id != stem {
            out.push(d(
                "id:",
                format!("id {:?} must match the file name {stem:?}", t.id),
            ));
        }
        if !(t.source.starts_with("https://") || t.source.starts_with("http://")) {
            out.push(d(
                "source:",
                format!(
                    "source must be the URL of the form or page this layout follows, found {:?}",
                    t.source
                ),
            ));
        }
        let (w, h) = Paper::from(t.paper).size_mm();
        let (pw, ph) = (w.0, h.0);
        let inside = |x: f32, y: f32, bw: f32, bh: f32| {
            x >= 0.0
                && y >= 0.0
                && x + bw <= pw + 0.01
                && y + bh <= ph + 0.01
                && bw >= 0.0
                && bh >= 0.0
        };
        let mut fields: Vec<(&str, [f32; 4])> = Vec::new();
        let mut has_name = false;
        for e in &t.elements {
            match e {
                Element::Text { x, y, text, .. } => {
                    if !inside(*x, *y - 3.0, 0.0, 3.0) {
                        out.push(d(
                            text,
                            format!("text {text:?} at ({x}, {y}) is off the {pw}×{ph} mm sheet"),
                        ));
                    }
                    for p in placeholders(text) {
                        if !is_source(p) {
                            out.push(d(
                                text,
                                format!("unknown source {{{p}}} in {text:?}; see forms/README.md"),
                            ));
                        }
                    }
                }
                Element::Line { from, to, .. } => {
                    if !inside(from[0], from[1], 0.0, 0.0) || !inside(to[0], to[1], 0.0, 0.0) {
                        out.push(d(
                            &format!("{}", from[0]),
                            format!("line {from:?}→{to:?} is off the sheet"),
                        ));
                    }
                }
                Element::Box { x, y, w, h, .. } => {
                    if !inside(*x, *y, *w, *h) {
                        out.push(d(
                            "box:",
                            format!("box at ({x}, {y}) {w}×{h} is off the sheet"),
                        ));
                    }
                }
                Element::Grid {
                    x,
                    y,
                    columns,
                    rows,
                    labels,
                    ..
                } => {
                    let (gw, gh): (f32, f32) = (columns.iter().sum(), rows.iter().sum());
                    if !inside(*x, *y, gw, gh) {
                        out.push(d(
                            &format!("y: {y}"),
                            format!("grid at ({x}, {y}) {gw}×{gh} is off the sheet"),
                        ));
                    }
                    for lab in labels {
                        if lab.row >= rows.len() || lab.col >= columns.len() {
                            out.push(d(
                                &lab.text,
                                format!(
                                    "label {:?} is in row {}, column {}, outside the {}×{} grid",
                                    lab.text,
                                    lab.row,
                                    lab.col,
                                    rows.len(),
                                    columns.len()
                                ),
                            ));
                        }
                        for p in placeholders(&lab.text) {
                            if !is_source(p) {
                                out.push(d(&lab.text, format!("unknown source {{{p}}}")));
                            }
                        }
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
                    ..
                } => {
                    if !is_source(source) {
                        out.push(d(
                            source,
                            format!(
                                "field {name:?}: unknown source {source:?}; see forms/README.md"
                            ),
                        ));
                    }
                    if !inside(*x, *y, *w, *h) {
                        out.push(d(
                            source,
                            format!("field {name:?} at ({x}, {y}) {w}×{h} is off the sheet"),
                        ));
                    }
                    if min_size > size || *min_size < 5.0 {
                        out.push(d(source, format!("field {name:?}: min_size {min_size} must be between 5 and size {size}")));
                    }
                    has_name |= source == "applicant.name";
                    fields.push((name, [*x, *y, *w, *h]));
                }
                Element::Check {
                    source,
                    x,
                    y,
                    label,
                    ..
                } => {
                    if !is_source(source) {
                        out.push(d(
                            source,
                            format!("check {label:?}: unknown source {source:?}"),
                        ));
                    }
                    if !inside(*x, *y, 3.6, 3.6) {
                        out.push(d(label, format!("check {label:?} is off the sheet")));
                    }
                }
            }
        }
        if !has_name {
            out.push(d(
                "elements:",
                "no field prints applicant.name; every form names who it is for".into(),
            ));
        }
        for (i, (a, ra)) in fields.iter().enumerate() {
            for (b, rb) in &fields[i + 1..] {
                let ox = (ra[0] + ra[2]).min(rb[0] + rb[2]) - ra[0].max(rb[0]);
                let oy = (ra[1] + ra[3]).min(rb[1] + rb[3]) - ra[1].max(rb[1]);
                if ox > 0.5 && oy > 0.5 {
                    out.push(d(a, format!("fields {a:?} and {b:?} overlap")));
                }
            }
        }
    }
    let mut ids: Vec<&str> = templates.iter().map(|l| l.template.id.as_str()).collect();
    ids.sort_unstable();
    for w in ids.windows(2) {
        if w[0] == w[1] {
            out.push(Diagnostic {
                file: "forms/templates".into(),
                line: 1,
                message: format!("two templates have id {:?}", w[0]),
            });
        }
    }
    for (file, line, id) in forms_named_by_packs {
        if !templates.iter().any(|l| &l.template.id == id) {
            out.push(Diagnostic {
                file: file.clone(),
                line: *line,
                message: format!(
                    "the rule pack names form {id:?}, but forms/templates has no such template"
                ),
            });
        }
    }
    out
}

//! Reading templates from YAML with file:line in every message, and `mado-forms lint`.

use std::path::{Path, PathBuf};

use crate::data::is_source;
use crate::geometry::Paper;
use crate::render::{CHECK_BOX, PAD};
use crate::template::{Element, Template};

/// `file:line: message`, the same type the rule packs' loader reports with.
pub use mado_rules::load::Diagnostic;

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

/// `{source}` names in fixed text (the same reading as the rule packs' sentences).
use mado_rules::guide::placeholders;

/// A label's width in millimetres as the linter estimates it without a font: ASCII ½ em,
/// everything else 1 em, `{source}` placeholders not counted (their text is not known).
pub fn label_width_mm(text: &str, size: f32) -> f32 {
    let mut em = 0.0;
    let mut in_source = false;
    for c in text.chars() {
        match c {
            '{' => in_source = true,
            '}' if in_source => in_source = false,
            _ if in_source => {}
            c if c.is_ascii() => em += 0.5,
            _ => em += 1.0,
        }
    }
    em * size * 25.4 / 72.0
}

/// A form a rule pack names: where (file and line), for which procedure, and the cities that
/// print it there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NamedForm {
    pub file: String,
    pub line: usize,
    pub procedure: String,
    pub form: String,
    pub cities: Vec<String>,
}

/// Every form the packs of `lib` name: a procedure's `forms:` for the pack's cities that keep
/// them, and a city's own `forms:` (cities/<city>.yaml) for that city; a procedure a city does
/// not have (`absent`) names nothing there.
pub fn named_forms(lib: &mado_rules::load::Library) -> Vec<NamedForm> {
    let mut out = Vec::new();
    for lp in &lib.packs {
        for p in &lp.pack.procedures {
            let keeping: Vec<String> = lp
                .pack
                .cities
                .iter()
                .filter(|c| {
                    p.cities
                        .get(*c)
                        .is_none_or(|o| !o.absent && o.forms.is_none())
                })
                .cloned()
                .collect();
            for f in &p.forms {
                out.push(NamedForm {
                    file: lp.source.file.clone(),
                    line: lp.source.line_of(Some(&p.id), Some(f)),
                    procedure: p.id.clone(),
                    form: f.clone(),
                    cities: keeping.clone(),
                });
            }
            for (city, o) in &p.cities {
                if o.absent {
                    continue;
                }
                let src = lp.city_sources.get(city).unwrap_or(&lp.source);
                for f in o.forms.iter().flatten() {
                    out.push(NamedForm {
                        file: src.file.clone(),
                        line: src.line_of(Some(&p.id), Some(f)),
                        procedure: p.id.clone(),
                        form: f.clone(),
                        cities: vec![city.clone()],
                    });
                }
            }
        }
    }
    out
}

/// Checks templates: unknown sources, elements off the sheet, overlapping fields, grid labels
/// outside their grid or wider than their cell ([`label_width_mm`]), checks with both
/// `value` and `values` or with either but no source, missing sources, duplicate ids, a
/// missing 様式 citation (`form:`); and, given the forms the rule packs name, that each exists,
/// is printed only in its own cities (`cities:`), and that every template is named by a pack
/// (a form no procedure prints is refused, so the two stay linted both ways).
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
        match &t.form {
            None => out.push(d(
                "title:",
                "form: missing — say which official 様式 this template follows and its version \
                 (form: {cites: 〇〇省令 様式第1号, version: 令和〇年〇月改正}); where the city's own \
                 sheet could not be found, say so in form.note and cite what is followed instead"
                    .to_owned(),
            )),
            Some(f) => {
                for (key, value) in [("cites", &f.cites), ("version", &f.version)] {
                    if value.trim().is_empty() {
                        out.push(d(
                            "form:",
                            format!("form.{key}: empty; the 様式 citation needs its {key}"),
                        ));
                    }
                }
            }
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
        // Where something is filled in or ticked: every blank cell of a grid must hold one.
        let mut writable: Vec<[f32; 4]> = Vec::new();
        let mut cells: Vec<(String, [f32; 4])> = Vec::new();
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
                    size,
                    spare_rows,
                } => {
                    let (gw, gh): (f32, f32) = (columns.iter().sum(), rows.iter().sum());
                    if *spare_rows >= rows.len() {
                        out.push(d(
                            &format!("y: {y}"),
                            format!("grid at ({x}, {y}): spare_rows {spare_rows} leaves no row of its {} to fill", rows.len()),
                        ));
                    }
                    let mut cy = *y;
                    for (r, rh) in rows
                        .iter()
                        .enumerate()
                        .take(rows.len().saturating_sub(*spare_rows))
                    {
                        let mut cx = *x;
                        for (c, cw) in columns.iter().enumerate() {
                            if !labels.iter().any(|l| l.row == r && l.col == c) {
                                cells.push((format!("y: {y}"), [cx, cy, *cw, *rh]));
                            }
                            cx += cw;
                        }
                        cy += rh;
                    }
                    if !inside(*x, *y, gw, gh) {
                        out.push(d(
                            &format!("y: {y}"),
                            format!("grid at ({x}, {y}) {gw}×{gh} is off the sheet"),
                        ));
                    }
                    for lab in labels {
                        let lsize = lab.size.unwrap_or(*size);
                        if !(5.0..=30.0).contains(&lsize) {
                            out.push(d(
                                &lab.text,
                                format!(
                                    "label {:?}: size {lsize} must be between 5 and 30 points",
                                    lab.text
                                ),
                            ));
                        }
                        if let Some(&cw) = columns.get(lab.col) {
                            let (need, room) = (label_width_mm(&lab.text, lsize), cw - 2.0 * PAD);
                            if need > room + 0.05 {
                                out.push(d(
                                    &lab.text,
                                    format!(
                                        "label {:?} is wider than its cell: about {need:.1} mm at {lsize} pt, the cell has {room:.1} mm inside its padding; give it a smaller size or a wider column",
                                        lab.text
                                    ),
                                ));
                            }
                        }
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
                    hand,
                    when,
                    x,
                    y,
                    w,
                    h,
                    size,
                    min_size,
                    ..
                } => {
                    let at = source.as_deref().unwrap_or(name);
                    match (source, hand) {
                        (Some(source), _) if !is_source(source) => out.push(d(
                            source,
                            format!(
                                "field {name:?}: unknown source {source:?}; see forms/README.md"
                            ),
                        )),
                        (Some(_), Some(_)) => out.push(d(
                            at,
                            format!("field {name:?}: has both a source and hand; a field is either filled or written by hand"),
                        )),
                        (None, None) => out.push(d(
                            name,
                            format!("field {name:?}: has no source; give one, or hand: signature, my_number, choice, photo, seal or office to say why it is written by hand"),
                        )),
                        _ => {}
                    }
                    if let Some(wn) = when
                        && !is_source(wn)
                    {
                        out.push(d(
                            at,
                            format!(
                                "field {name:?}: unknown source {wn:?} in when; see forms/README.md"
                            ),
                        ));
                    }
                    if !inside(*x, *y, *w, *h) {
                        out.push(d(
                            at,
                            format!("field {name:?} at ({x}, {y}) {w}×{h} is off the sheet"),
                        ));
                    }
                    if min_size > size || *min_size < 5.0 {
                        out.push(d(at, format!("field {name:?}: min_size {min_size} must be between 5 and size {size}")));
                    }
                    has_name |= source.as_deref() == Some("applicant.name");
                    fields.push((name, [*x, *y, *w, *h]));
                    writable.push([*x, *y, *w, *h]);
                }
                Element::Check {
                    source,
                    hand,
                    value,
                    values,
                    x,
                    y,
                    label,
                } => {
                    let at = if label.is_empty() { "check:" } else { label };
                    let what = format!("check {label:?} at ({x}, {y})");
                    match source {
                        Some(source) if !is_source(source) => out.push(d(
                            source,
                            format!("{what}: unknown source {source:?}; see forms/README.md"),
                        )),
                        Some(_) if hand.is_some() => out.push(d(
                            at,
                            format!("{what}: has both a source and hand; a box is either ticked from the data or by hand"),
                        )),
                        Some(_) => {}
                        None if value.is_some() || values.is_some() => out.push(d(
                            at,
                            format!("{what}: value or values without a source never tick; add a source or remove them"),
                        )),
                        None if hand.is_none() => out.push(d(
                            at,
                            format!("{what}: has no source; give one, or hand: choice or office to say who ticks it"),
                        )),
                        None => {}
                    }
                    writable.push([*x, *y, CHECK_BOX, CHECK_BOX]);
                    if value.is_some() && values.is_some() {
                        out.push(d(
                            at,
                            format!("{what}: has both value and values; use values: [a, b] alone"),
                        ));
                    }
                    if values.as_ref().is_some_and(Vec::is_empty) {
                        out.push(d(
                            at,
                            format!("{what}: values is empty; list the texts that tick it"),
                        ));
                    }
                    if !inside(*x, *y, CHECK_BOX, CHECK_BOX) {
                        out.push(d(at, format!("{what} is off the sheet")));
                    }
                }
            }
        }
        for (needle, [cx, cy, cw, ch]) in &cells {
            // A field or box whose centre lies in the cell, or one spanning the cell's centre
            // (a field across merged cells).
            let (ccx, ccy) = (cx + cw / 2.0, cy + ch / 2.0);
            let holds_one = writable.iter().any(|[fx, fy, fw, fh]| {
                let (mx, my) = (fx + fw / 2.0, fy + fh / 2.0);
                (mx > *cx && mx < cx + cw && my > *cy && my < cy + ch)
                    || (ccx > *fx && ccx < fx + fw && ccy > *fy && ccy < fy + fh)
            });
            if !holds_one {
                out.push(d(
                    needle,
                    format!(
                        "the grid's blank cell at ({cx}, {cy}) {cw}×{ch} holds no field or tick box: a resident would write there by hand; add a field with its source, or with hand: and why"
                    ),
                ));
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
    for n in forms_named_by_packs {
        let Some(l) = templates.iter().find(|l| l.template.id == n.form) else {
            out.push(Diagnostic {
                file: n.file.clone(),
                line: n.line,
                message: format!(
                    "procedure {:?} names form {:?}, but forms/templates has no such template",
                    n.procedure, n.form
                ),
            });
            continue;
        };
        let own = &l.template.cities;
        for city in n
            .cities
            .iter()
            .filter(|c| !own.is_empty() && !own.contains(c))
        {
            out.push(Diagnostic {
                file: n.file.clone(),
                line: n.line,
                message: format!(
                    "procedure {:?} gives {city} the form {:?}, which is the form of {} \
                     (its cities:); name {city}'s own form in cities/{city}.yaml",
                    n.procedure,
                    n.form,
                    own.join(", ")
                ),
            });
        }
    }
    if !forms_named_by_packs.is_empty() {
        for l in templates {
            if !forms_named_by_packs
                .iter()
                .any(|n| n.form == l.template.id && !n.cities.is_empty())
            {
                out.push(Diagnostic {
                    file: l.file.clone(),
                    line: l.line_of("id:"),
                    message: format!(
                        "no procedure of the rule packs prints {:?}; name it in a procedure's \
                         forms: (or a city's), or remove it",
                        l.template.id
                    ),
                });
            }
        }
    }
    out
}

/// What a rule pack asks, for checking the answers its forms print: the forms its procedures
/// name (in any city), and each question with the texts its answer prints as (an option's
/// label, はい/いいえ; empty for numbers and dates, which print as typed).
#[derive(Debug, Clone)]
pub struct PackAnswers {
    /// `rules/packs/okuyami/pack.yaml`.
    pub file: String,
    pub forms: Vec<String>,
    pub questions: Vec<(String, Vec<String>)>,
}

impl PackAnswers {
    /// The pack's forms and questions (a city's extra options included).
    pub fn of(file: &str, pack: &mado_rules::PackFile) -> Self {
        use mado_rules::pack::QuestionType;
        let mut forms: Vec<String> = pack
            .procedures
            .iter()
            .flat_map(|p| {
                p.forms
                    .iter()
                    .chain(p.cities.values().flat_map(|o| o.forms.iter().flatten()))
                    .cloned()
            })
            .collect();
        forms.sort();
        forms.dedup();
        let questions = pack
            .questions
            .iter()
            .map(|q| {
                let texts = match q.kind {
                    QuestionType::Bool => vec!["はい".to_owned(), "いいえ".to_owned()],
                    QuestionType::Choice | QuestionType::Multi => {
                        q.options.iter().map(|o| o.label.clone()).collect()
                    }
                    QuestionType::Number | QuestionType::Date => Vec::new(),
                };
                (q.id.clone(), texts)
            })
            .collect();
        PackAnswers {
            file: file.to_owned(),
            forms,
            questions,
        }
    }
}

/// The guide's answers a template prints, checked against the packs that name it: every
/// `answers.<id>` (fields, ticks, `when:`) is a question of one of those packs, and every text a
/// tick compares with is one its answer prints as. A template no pack names is not checked.
pub fn lint_answers(templates: &[Loaded], packs: &[PackAnswers]) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for l in templates {
        let t = &l.template;
        let naming: Vec<&PackAnswers> = packs.iter().filter(|p| p.forms.contains(&t.id)).collect();
        if naming.is_empty() {
            continue;
        }
        let names = naming
            .iter()
            .map(|p| p.file.as_str())
            .collect::<Vec<_>>()
            .join(", ");
        let question = |q: &str| {
            naming
                .iter()
                .flat_map(|p| p.questions.iter())
                .filter(|(id, _)| id == q)
                .collect::<Vec<_>>()
        };
        for e in &t.elements {
            let (sources, compared): (Vec<&String>, Vec<&String>) = match e {
                Element::Field { source, when, .. } => {
                    (source.iter().chain(when.iter()).collect(), Vec::new())
                }
                Element::Check {
                    source,
                    value,
                    values,
                    ..
                } => (
                    source.iter().collect(),
                    value.iter().chain(values.iter().flatten()).collect(),
                ),
                _ => continue,
            };
            for source in sources {
                let Some(q) = source.strip_prefix("answers.") else {
                    continue;
                };
                let found = question(q);
                if found.is_empty() {
                    out.push(Diagnostic {
                        file: l.file.clone(),
                        line: l.line_of(source),
                        message: format!(
                            "{source}: no question {q:?} in the packs that name this form ({names})"
                        ),
                    });
                    continue;
                }
                // Each text once, though several packs print the same (はい・いいえ).
                let mut texts: Vec<&String> = Vec::new();
                for t in found.iter().flat_map(|(_, t)| t.iter()) {
                    if !texts.contains(&t) {
                        texts.push(t);
                    }
                }
                for v in &compared {
                    if !texts.is_empty() && !texts.contains(v) {
                        out.push(Diagnostic {
                            file: l.file.clone(),
                            line: l.line_of(v),
                            message: format!(
                                "{source}: {v:?} is never an answer to {q:?}; it prints as one of {texts:?}"
                            ),
                        });
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::template::FormCitation;
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    fn loaded(elements: &str) -> Loaded {
        let text = format!(
            "id: t\ntitle: T\nsource: https://example.invalid/form\nelements:\n  - field: {{name: 氏名, source: applicant.name, x: 50, y: 20, w: 100, h: 10}}\n{elements}\nform: {{cites: 試験の様式第1号, version: 2026年12月}}\n"
        );
        let template = parse("t.yaml", &text).unwrap_or_else(|d| panic!("{d}"));
        Loaded {
            file: "t.yaml".into(),
            text,
            template,
        }
    }

    fn findings(elements: &str) -> Vec<String> {
        lint(&[loaded(elements)], &[])
            .into_iter()
            .map(|d| format!("{}: {}", d.line, d.message))
            .collect()
    }

    #[test]
    fn checks_may_list_values_or_have_no_source() {
        assert_eq!(
            findings(
                "  - check: {source: answers.move_type, values: [市外へ転出, 国外へ転出], x: 52, y: 40, label: 転出}\n  - check: {hand: choice, x: 70, y: 40, label: その他}\n"
            ),
            Vec::<String>::new()
        );
    }

    #[test]
    fn a_check_with_an_unknown_source_or_both_value_and_values_is_refused() {
        assert_eq!(
            findings("  - check: {source: applicant.age, x: 52, y: 40, label: 年齢}\n"),
            vec![
                "6: check \"年齢\" at (52, 40): unknown source \"applicant.age\"; see forms/README.md"
            ]
        );
        assert_eq!(
            findings(
                "  - check: {source: answers.move_type, value: 市外へ転出, values: [国外へ転出], x: 52, y: 40, label: 転出}\n"
            ),
            vec![
                "6: check \"転出\" at (52, 40): has both value and values; use values: [a, b] alone"
            ]
        );
        assert_eq!(
            findings("  - check: {value: はい, x: 52, y: 40, label: 同意}\n"),
            vec![
                "6: check \"同意\" at (52, 40): value or values without a source never tick; add a source or remove them"
            ]
        );
        assert_eq!(
            findings("  - check: {source: answers.a, values: [], x: 52, y: 40, label: 空}\n"),
            vec!["6: check \"空\" at (52, 40): values is empty; list the texts that tick it"]
        );
        assert_eq!(
            findings("  - check: {hand: office, x: 208, y: 40, label: 端}\n"),
            vec!["6: check \"端\" at (208, 40) is off the sheet"]
        );
    }

    /// Issue 19 item 3: nothing is left blank without saying so. A field or a box is filled
    /// from a source or says why it is written by hand; every blank cell holds one.
    #[test]
    fn every_blank_is_filled_or_says_why_it_is_written_by_hand() {
        let grid = "  - grid: {x: 20, y: 40, columns: [30, 60, 60], rows: [10, 10], labels: [{row: 0, col: 0, text: 電話}, {row: 1, col: 0, text: 署名}], spare_rows: 0}\n";
        let filled = "  - field: {name: 電話, source: applicant.phone, x: 50, y: 40, w: 60, h: 10}\n  - field: {name: 個人番号, hand: my_number, x: 110, y: 40, w: 60, h: 10}\n  - field: {name: 署名, hand: signature, x: 50, y: 50, w: 120, h: 10}\n";
        assert_eq!(findings(&format!("{grid}{filled}")), Vec::<String>::new());
        // The signature cell left empty: reported with where it is.
        let no_signature = filled.lines().take(2).collect::<Vec<_>>().join("\n") + "\n";
        assert_eq!(
            findings(&format!("{grid}{no_signature}")),
            vec![
                "6: the grid's blank cell at (50, 50) 60×10 holds no field or tick box: a resident would write there by hand; add a field with its source, or with hand: and why",
                "6: the grid's blank cell at (110, 50) 60×10 holds no field or tick box: a resident would write there by hand; add a field with its source, or with hand: and why",
            ]
        );
        // The last row spare (more people than a visit names): no field needed there.
        let spare = grid.replace("spare_rows: 0", "spare_rows: 1");
        assert_eq!(
            findings(&format!("{spare}{no_signature}")),
            Vec::<String>::new()
        );
        assert_eq!(
            findings(&grid.replace("spare_rows: 0", "spare_rows: 2"))
                .last()
                .unwrap(),
            "6: grid at (20, 40): spare_rows 2 leaves no row of its 2 to fill"
        );
        assert_eq!(
            findings("  - field: {name: 備考, x: 50, y: 60, w: 60, h: 10}\n"),
            vec![
                "6: field \"備考\": has no source; give one, or hand: signature, my_number, choice, photo, seal or office to say why it is written by hand"
            ]
        );
        assert_eq!(
            findings(
                "  - field: {name: 電話, source: applicant.phone, hand: choice, x: 50, y: 60, w: 60, h: 10}\n"
            ),
            vec![
                "6: field \"電話\": has both a source and hand; a field is either filled or written by hand"
            ]
        );
        assert_eq!(
            findings(
                "  - field: {name: 転出先, source: new_address, when: moving, x: 50, y: 60, w: 60, h: 10}\n"
            ),
            vec!["6: field \"転出先\": unknown source \"moving\" in when; see forms/README.md"]
        );
        assert_eq!(
            findings("  - check: {x: 70, y: 80, label: その他}\n"),
            vec![
                "6: check \"その他\" at (70, 80): has no source; give one, or hand: choice or office to say who ticks it"
            ]
        );
    }

    #[test]
    fn a_label_wider_than_its_cell_is_reported() {
        // 30 mm cell, 27.6 mm inside the padding. At 10 pt a full-width character is 3.53 mm:
        // 7 fit (24.7 mm), 8 do not (28.2 mm); ASCII counts half.
        let grid = |label: &str| {
            format!(
                "  - grid:\n      x: 20\n      y: 40\n      columns: [30, 140]\n      rows: [10]\n      size: 10\n      labels:\n        - {label}\n  - field: {{name: 値, source: applicant.kana, x: 50, y: 40, w: 140, h: 10}}\n"
            )
        };
        assert_eq!(
            findings(&grid("{row: 0, col: 0, text: 前住所・転出先}")),
            Vec::<String>::new()
        );
        assert_eq!(
            findings(&grid("{row: 0, col: 0, text: AB前住所・転出}")),
            Vec::<String>::new()
        );
        assert_eq!(
            findings(&grid("{row: 0, col: 0, text: 被保険者との続柄}")),
            vec![
                "13: label \"被保険者との続柄\" is wider than its cell: about 28.2 mm at 10 pt, the cell has 27.6 mm inside its padding; give it a smaller size or a wider column"
            ]
        );
        // Its own size: fits at 9 pt (25.4 mm); centred labels are measured the same way.
        assert_eq!(
            findings(&grid(
                "{row: 0, col: 0, text: 被保険者との続柄, size: 9, align: center}"
            )),
            Vec::<String>::new()
        );
        assert_eq!(
            findings(&grid("{row: 0, col: 0, text: 続柄, size: 4}")),
            vec!["13: label \"続柄\": size 4 must be between 5 and 30 points"]
        );
    }

    #[test]
    fn label_width_counts_ascii_as_half_and_skips_placeholders() {
        let em = 10.0 * 25.4 / 72.0;
        assert!((label_width_mm("氏名", 10.0) - 2.0 * em).abs() < 1e-4);
        assert!((label_width_mm("No.", 10.0) - 1.5 * em).abs() < 1e-4);
        assert!((label_width_mm("{city}長", 10.0) - em).abs() < 1e-4);
    }
    fn named(form: &str, cities: &[&str]) -> NamedForm {
        NamedForm {
            file: "rules/packs/p/pack.yaml".into(),
            line: 7,
            procedure: "proc".into(),
            form: form.into(),
            cities: cities.iter().map(|c| (*c).to_owned()).collect(),
        }
    }

    /// Issue 26: a template says which official 様式 it follows, with its version.
    #[test]
    fn a_template_without_its_form_citation_is_refused() {
        let mut l = loaded("");
        l.template.form = None;
        let found: Vec<String> = lint(&[l.clone()], &[])
            .iter()
            .map(|d| d.message.clone())
            .collect();
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(found[0].starts_with("form: missing"), "{found:?}");
        l.template.form = Some(FormCitation {
            cites: "試験の様式第1号".into(),
            version: " ".into(),
            note: String::new(),
        });
        let found: Vec<String> = lint(&[l], &[]).iter().map(|d| d.message.clone()).collect();
        assert_eq!(
            found,
            ["form.version: empty; the 様式 citation needs its version"]
        );
    }

    /// Issue 26: a city's own form is never printed for another city, a named form exists, and
    /// every template is named by a pack.
    #[test]
    fn forms_are_linted_both_ways_and_by_city() {
        let mut kitami = loaded("");
        kitami.template.id = "t-kitami".into();
        kitami.file = "t-kitami.yaml".into();
        kitami.template.cities = vec!["kitami".into()];
        let shared = loaded("");
        let found: Vec<String> = lint(
            &[shared, kitami],
            &[
                named("t", &["kitakyushu", "kitami"]),
                named("t-kitami", &["kitakyushu"]),
                named("nothing", &["kitami"]),
            ],
        )
        .iter()
        .map(|d| format!("{}:{}: {}", d.file, d.line, d.message))
        .collect();
        assert_eq!(
            found,
            [
                "rules/packs/p/pack.yaml:7: procedure \"proc\" gives kitakyushu the form \"t-kitami\", which is the form of kitami (its cities:); name kitakyushu's own form in cities/kitakyushu.yaml",
                "rules/packs/p/pack.yaml:7: procedure \"proc\" names form \"nothing\", but forms/templates has no such template",
            ]
        );
        let orphan = loaded("");
        let found: Vec<String> = lint(&[orphan], &[named("other", &[])])
            .iter()
            .map(|d| d.message.clone())
            .collect();
        assert!(
            found
                .iter()
                .any(|m| m.starts_with("no procedure of the rule packs prints \"t\"")),
            "{found:?}"
        );
    }
}

//! `mado-forms`: list templates, lint them, render a batch to one PDF.
//!
//! Exit codes: 0 success; 1 lint errors; 2 bad input (unknown template, malformed JSON or
//! YAML, data that does not fit the schema, characters the font lacks).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mado_forms::load::{self, Loaded};
use mado_forms::template::Element;
use mado_forms::{Data, Document, Font, FormError};

/// Prints a line to standard output. A closed pipe (`… | head`) ends the program quietly
/// instead of panicking; any other write error is reported.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            if e.kind() == std::io::ErrorKind::BrokenPipe {
                std::process::exit(0);
            }
            eprintln!("error: cannot write to standard output: {e}");
            std::process::exit(2);
        }
    }};
}

/// Debian's fonts-ipaexfont-gothic.
const DEFAULT_FONT: &str = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";

#[derive(Debug, Parser)]
#[command(
    name = "mado-forms",
    version,
    about = "Mado form templates: list, lint, render"
)]
struct Cli {
    /// The templates directory. Default: forms/templates (or templates/ from forms/).
    #[arg(long, global = true)]
    templates: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Every template with its fields, as JSON.
    List,
    /// Check the templates (unknown sources, elements off the sheet, overlapping fields) and
    /// that every form the rule packs name exists. Prints file:line; exit 1 on any error.
    Lint {
        /// The rule packs to cross-check. Default: rules/packs.
        #[arg(long)]
        packs: Option<PathBuf>,
    },
    /// Time rendering the handout and eight filled forms; prints JSON (for `cargo xtask bench`).
    Bench {
        #[arg(long, default_value_t = 20)]
        runs: u32,
        #[arg(long, env = "MADO_FONT", default_value = DEFAULT_FONT)]
        font: PathBuf,
    },
    /// Render templates filled with DATA (JSON, see forms/README.md) into one PDF.
    Render {
        /// Template ids, comma-separated, in print order.
        #[arg(long, value_delimiter = ',')]
        template: Vec<String>,
        /// A JSON file, or - for standard input.
        #[arg(long)]
        data: PathBuf,
        #[arg(short, long)]
        output: PathBuf,
        /// A TrueType/OpenType font with Japanese glyphs.
        #[arg(long, env = "MADO_FONT", default_value = DEFAULT_FONT)]
        font: PathBuf,
    },
}

fn first_dir(given: Option<PathBuf>, candidates: &[&str], fallback: &str) -> PathBuf {
    given.unwrap_or_else(|| {
        candidates
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_dir())
            .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join(fallback))
    })
}

fn load_templates(dir: &Path) -> Result<Vec<Loaded>, ExitCode> {
    load::load_dir(dir).map_err(|diags| {
        diags.iter().for_each(|d| eprintln!("{d}: error"));
        ExitCode::from(2)
    })
}

fn run(cli: Cli) -> Result<ExitCode, ExitCode> {
    let dir = first_dir(
        cli.templates,
        &["forms/templates", "templates"],
        "templates",
    );
    match cli.command {
        Command::List => {
            let all = load_templates(&dir)?;
            let list: Vec<serde_json::Value> = all
                .iter()
                .map(|l| {
                    let t = &l.template;
                    let fields: Vec<serde_json::Value> = t
                        .elements
                        .iter()
                        .filter_map(|e| match e {
                            Element::Field { name, source, .. } => Some(serde_json::json!({"name": name, "source": source})),
                            Element::Check { label, source: Some(source), value, values, .. } => Some(serde_json::json!({"name": label, "source": source, "value": value, "values": values})),
                            _ => None,
                        })
                        .collect();
                    serde_json::json!({"id": t.id, "title": t.title, "paper": format!("{:?}", t.paper), "source": t.source, "fields": fields})
                })
                .collect();
            say!(
                "{}",
                serde_json::to_string_pretty(&list).unwrap_or_default()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Lint { packs } => {
            let all = load_templates(&dir)?;
            let packs_dir = first_dir(packs, &["rules/packs", "../rules/packs"], "../rules/packs");
            let lib = match mado_rules::load::Library::load_dir(&packs_dir) {
                Ok(lib) => lib,
                Err(d) => {
                    d.iter().for_each(|d| eprintln!("{d}: error"));
                    return Err(ExitCode::from(2));
                }
            };
            let answers: Vec<load::PackAnswers> = lib
                .packs
                .iter()
                .map(|lp| load::PackAnswers::of(&lp.source.file, &lp.pack))
                .collect();
            let named = load::named_forms(&lib);
            let mut findings = load::lint(&all, &named);
            findings.extend(load::lint_answers(&all, &answers));
            for f in &findings {
                say!("{f}");
            }
            say!(
                "{} templates, {} forms named by rule packs: {} errors",
                all.len(),
                named.len(),
                findings.len()
            );
            Ok(if findings.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            })
        }
        Command::Bench { runs, font } => {
            let all = load_templates(&dir)?;
            let bytes = std::fs::read(&font).map_err(|e| {
                eprintln!("error: font {}: {e}", font.display());
                ExitCode::from(2)
            })?;
            let font = Font::from_bytes(bytes).map_err(|e| {
                eprintln!("error: font: {e}");
                ExitCode::from(2)
            })?;
            let templates: Vec<&mado_forms::Template> = all.iter().map(|l| &l.template).collect();
            let started = std::time::Instant::now();
            let mut clock = || started.elapsed().as_secs_f64() * 1000.0;
            let t = mado_forms::bench::time_batch(&font, &templates, runs, &mut clock).map_err(
                |e| {
                    eprintln!("error: {e}");
                    ExitCode::from(2)
                },
            )?;
            say!("{}", serde_json::to_string(&t).unwrap_or_default());
            Ok(ExitCode::SUCCESS)
        }
        Command::Render {
            template,
            data,
            output,
            font,
        } => {
            let all = load_templates(&dir)?;
            let mut chosen = Vec::new();
            for id in &template {
                match all.iter().find(|l| &l.template.id == id) {
                    Some(l) => chosen.push(&l.template),
                    None => {
                        eprintln!(
                            "error: no template {id:?}; there are {:?}",
                            all.iter()
                                .map(|l| l.template.id.as_str())
                                .collect::<Vec<_>>()
                        );
                        return Err(ExitCode::from(2));
                    }
                }
            }
            if chosen.is_empty() {
                eprintln!("error: --template names no template");
                return Err(ExitCode::from(2));
            }
            let text = if data.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())
            } else {
                std::fs::read_to_string(&data)
            }
            .map_err(|e| {
                eprintln!("error: {}: cannot read: {e}", data.display());
                ExitCode::from(2)
            })?;
            let data_v: Data = serde_json::from_str(&text).map_err(|e| {
                eprintln!("error: {}:{}:{}: {e}", data.display(), e.line(), e.column());
                ExitCode::from(2)
            })?;
            let bytes = std::fs::read(&font).map_err(|e| {
                eprintln!(
                    "error: font {}: {e} (install Debian's fonts-ipaexfont-gothic, or pass --font)",
                    font.display()
                );
                ExitCode::from(2)
            })?;
            let font = Font::from_bytes(bytes).map_err(|e| {
                eprintln!("error: font: {e}");
                ExitCode::from(2)
            })?;
            let mut doc = Document::new(
                &font,
                chosen
                    .iter()
                    .map(|t| t.title.as_str())
                    .collect::<Vec<_>>()
                    .join("・"),
            );
            let notices = mado_forms::render(&mut doc, &font, &chosen, &data_v).map_err(|e| {
                match &e {
                    FormError::Gaiji(list) => list.iter().for_each(|n| eprintln!("error: {n}")),
                    FormError::Data(list) => list.iter().for_each(|p| eprintln!("error: {p}")),
                    other => eprintln!("error: {other}"),
                }
                ExitCode::from(2)
            })?;
            for n in &notices {
                // 「長　様」 and the like are warnings; fitting notes are notes.
                let level = if matches!(n.kind, mado_forms::NoticeKind::EmptySource { .. }) {
                    "warning"
                } else {
                    "note"
                };
                eprintln!("{level}: {n}");
            }
            // What stays blank: by hand on purpose (hand:), and what the data did not fill.
            let blanks = mado_forms::blanks(&chosen, &data_v).map_err(|e| {
                eprintln!("error: {e}");
                ExitCode::from(2)
            })?;
            for b in &blanks {
                let level = if b.is_missing() { "blank" } else { "hand" };
                eprintln!("{level}: {b}");
            }
            let pdf = doc.finish().map_err(|e| {
                eprintln!("error: {e}");
                ExitCode::from(2)
            })?;
            std::fs::write(&output, &pdf).map_err(|e| {
                eprintln!("error: {}: {e}", output.display());
                ExitCode::from(2)
            })?;
            eprintln!(
                "{}: {} pages, {} bytes; {} fields left blank, {} by hand on purpose",
                output.display(),
                chosen.len(),
                pdf.len(),
                blanks.iter().filter(|b| b.is_missing()).count(),
                blanks.iter().filter(|b| !b.is_missing()).count()
            );
            Ok(ExitCode::SUCCESS)
        }
    }
}

fn main() -> ExitCode {
    run(Cli::parse()).unwrap_or_else(|c| c)
}

//! `mado-rules`: lint packs, run scenario tests, list questions, evaluate answers.
//!
//! Exit codes: 0 success; 1 lint errors or failed scenarios; 2 bad input (unknown pack or
//! city, malformed JSON or YAML, an answer that does not fit its question).

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use mado_civil::Date;
use mado_rules::Answers;
use mado_rules::lint::{self, Severity};
use mado_rules::load::Library;
use mado_rules::pack::QuestionType;

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

#[derive(Debug, Parser)]
#[command(
    name = "mado-rules",
    version,
    about = "Mado procedure-guide rule packs: lint, test, questions, eval"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check packs: unknown names, type errors, unreachable procedures, overlapping rows,
    /// missing sources. Prints file:line for each problem; exit 1 on any error.
    Lint {
        /// A packs directory (with cities/) or one pack's directory. Default: rules/packs.
        dir: Option<PathBuf>,
        /// The day of the visits the packs are checked for, YYYY-MM-DD: yearly amounts need a
        /// value for its fiscal year, facts a check within the year before it. Default:
        /// today in Japan.
        #[arg(long)]
        on: Option<String>,
    },
    /// Run every scenario test; prints "N passed, N failed".
    Test {
        dir: Option<PathBuf>,
        /// Print each passing case too.
        #[arg(long)]
        verbose: bool,
    },
    /// Write (or bring up to date) every pack's translation file for a language,
    /// `<pack>/i18n/<lang>.yaml`, and the city profiles' `cities/i18n/<lang>.yaml`: every text
    /// with its Japanese, current translations kept, the rest with an empty `text:` to fill.
    I18n {
        /// easy-ja, en, zh-Hans, ko, vi or pt-BR.
        #[arg(long)]
        lang: String,
        dir: Option<PathBuf>,
    },
    /// Every pack and city profile in one language as JSON (a `LocalizedBundle`), as the
    /// browser fetches it; `cargo xtask build` writes one per language into `dist/lang/packs/`.
    Bundle {
        /// easy-ja, en, zh-Hans, ko, vi or pt-BR; with --out and no --lang, every one and
        /// Japanese (`ja.json`).
        #[arg(long)]
        lang: Option<String>,
        /// Write `<OUT>/<lang>.json` instead of printing (what `cargo xtask build` does, for
        /// every language in one run).
        #[arg(long)]
        out: Option<PathBuf>,
        dir: Option<PathBuf>,
    },
    /// The questions of a pack as JSON.
    Questions {
        #[arg(long)]
        pack: String,
        #[arg(long)]
        city: String,
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// Time re-evaluating every procedure after one changed answer, for each pack and city;
    /// prints JSON (used by `cargo xtask bench`).
    Bench {
        dir: Option<PathBuf>,
        /// Blocks of 20 evaluations per pack and city.
        #[arg(long, default_value_t = 50)]
        blocks: u32,
        /// The reference date, YYYY-MM-DD.
        #[arg(long, default_value = "2026-11-22")]
        date: String,
    },
    /// Evaluate answers (a JSON object of question id → answer) on a date; prints JSON.
    Eval {
        #[arg(long)]
        pack: String,
        #[arg(long)]
        city: String,
        /// The day of the visit, YYYY-MM-DD (parameters are read on it).
        #[arg(long)]
        date: String,
        /// A JSON file, or - for standard input.
        #[arg(long)]
        answers: PathBuf,
        #[arg(long)]
        dir: Option<PathBuf>,
    },
}

/// The first key given twice in the top-level JSON object of `text`, if any (serde_json
/// would silently keep the last one).
fn duplicate_key(text: &str) -> Option<String> {
    use serde::de::{Deserializer as _, MapAccess, Visitor};
    struct Keys;
    impl<'de> Visitor<'de> for Keys {
        type Value = Option<String>;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("a JSON object")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut seen = std::collections::BTreeSet::new();
            let mut dup = None;
            while let Some(k) = map.next_key::<String>()? {
                map.next_value::<serde::de::IgnoredAny>()?;
                if !seen.insert(k.clone()) && dup.is_none() {
                    dup = Some(k);
                }
            }
            Ok(dup)
        }
    }
    serde_json::Deserializer::from_str(text)
        .deserialize_map(Keys)
        .ok()
        .flatten()
}

/// Today's date in Japan (UTC+9, no daylight saving), from the system clock.
fn today_in_japan() -> Date {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    Date::from_days_since_epoch((secs + 9 * 3600).div_euclid(86_400))
}

/// rules/packs from the workspace root, or packs/ from rules/, or the source tree's.
fn packs_dir(dir: Option<PathBuf>) -> PathBuf {
    if let Some(d) = dir {
        return d;
    }
    for d in ["rules/packs", "packs"] {
        if Path::new(d).is_dir() {
            return d.into();
        }
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).join("packs")
}

fn load(dir: Option<PathBuf>) -> Result<Library, ExitCode> {
    Library::load_dir(&packs_dir(dir)).map_err(|diags| {
        for d in diags {
            eprintln!("{d}: error");
        }
        ExitCode::from(2)
    })
}

/// A `--lang` value: one of the guide's languages (exit 2 naming them otherwise).
fn parse_lang(code: &str) -> Result<mado_rules::i18n::Lang, ExitCode> {
    mado_rules::i18n::Lang::parse(code).ok_or_else(|| {
        let known: Vec<&str> = mado_rules::i18n::Lang::ALL
            .iter()
            .map(|l| l.code())
            .collect();
        eprintln!("error: --lang {code:?}: expected one of {known:?}");
        ExitCode::from(2)
    })
}

/// Writes a language's translation file: every key of `texts` with its Japanese, the current
/// translations of `old` kept.
fn write_translations(
    file: &Path,
    what: &str,
    lang: mado_rules::i18n::Lang,
    texts: &std::collections::BTreeMap<String, String>,
    old: &mado_rules::i18n::Translations,
) -> Result<(), ExitCode> {
    let fail = |e: String| {
        eprintln!("error: {}: {e}", file.display());
        ExitCode::from(2)
    };
    let body = serde_yaml::to_string(&mado_rules::i18n::scaffold(texts, old))
        .map_err(|e| fail(e.to_string()))?;
    let text = format!(
        "# {what}: {} ({}).\n\
         # Each key holds the Japanese it was translated from (ja) and the translation (text).\n\
         # An empty text is shown in Japanese, marked. `mado-rules lint` lists the missing ones,\n\
         # and the stale ones once the Japanese changes. Keep every {{placeholder}} as it is.\n{body}",
        lang.own_name(),
        lang.code()
    );
    if let Some(dir) = file.parent() {
        std::fs::create_dir_all(dir).map_err(|e| fail(e.to_string()))?;
    }
    std::fs::write(file, text).map_err(|e| fail(e.to_string()))
}

fn print_json(v: &impl serde::Serialize) -> ExitCode {
    match serde_json::to_string_pretty(v) {
        Ok(s) => {
            say!("{s}");
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: cannot write JSON: {e}");
            ExitCode::from(2)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode, ExitCode> {
    match cli.command {
        Command::Lint { dir, on } => {
            let on = match on {
                Some(text) => Date::parse_iso(&text).map_err(|e| {
                    eprintln!("error: --on {text:?}: {e}");
                    ExitCode::from(2)
                })?,
                None => today_in_japan(),
            };
            let lib = load(dir)?;
            let findings = lint::lint(&lib, on);
            for f in &findings {
                say!("{f}");
            }
            let errors = findings
                .iter()
                .filter(|f| f.severity == Severity::Error)
                .count();
            let warnings = findings.len() - errors;
            let cases: usize = lib
                .packs
                .iter()
                .flat_map(|p| &p.scenarios)
                .map(|(_, c)| c.len())
                .sum();
            let procs: usize = lib.packs.iter().map(|p| p.pack.procedures.len()).sum();
            say!(
                "{} packs, {} cities, {procs} procedures, {cases} scenarios: {errors} errors, {warnings} warnings",
                lib.packs.len(),
                lib.cities.len()
            );
            Ok(if errors > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Test { dir, verbose } => {
            let lib = load(dir)?;
            let results = lint::run_scenarios(&lib);
            let mut failed = 0;
            for (file, name, problems) in &results {
                if problems.is_empty() {
                    if verbose {
                        say!("ok   {file}: {name}");
                    }
                } else {
                    failed += 1;
                    say!("FAIL {file}: {name}");
                    for p in problems {
                        say!("     {p}");
                    }
                }
            }
            say!("{} passed, {failed} failed", results.len() - failed);
            Ok(if failed > 0 {
                ExitCode::from(1)
            } else {
                ExitCode::SUCCESS
            })
        }
        Command::Bench { dir, blocks, date } => {
            let date = Date::parse_iso(&date).map_err(|e| {
                eprintln!("error: --date: {e}");
                ExitCode::from(2)
            })?;
            let lib = load(dir)?;
            let started = std::time::Instant::now();
            let mut clock = || started.elapsed().as_secs_f64() * 1000.0;
            let mut out = Vec::new();
            for lp in &lib.packs {
                for city in &lp.pack.cities {
                    let g = lib.guide(&lp.pack.id, city).map_err(|d| {
                        d.iter().for_each(|d| eprintln!("error: {d}"));
                        ExitCode::from(2)
                    })?;
                    out.push(mado_rules::bench::time_reevaluation(
                        &g, date, blocks, &mut clock,
                    ));
                }
            }
            Ok(print_json(&out))
        }
        Command::Bundle { lang, out, dir } => {
            let langs = match (&lang, &out) {
                (Some(l), _) => vec![parse_lang(l)?],
                (None, Some(_)) => mado_rules::i18n::Lang::ALL.to_vec(),
                (None, None) => {
                    eprintln!("error: give --lang, or --out DIR for every language");
                    return Err(ExitCode::from(2));
                }
            };
            let lib = load(dir)?;
            // With --out for every language, Japanese too (`ja.json`): the resident bundle
            // fetches its packs in whichever language, Japanese included.
            let japanese = (lang.is_none()).then(|| mado_rules::LocalizedBundle {
                lang: "ja".into(),
                bundle: lib.bundle(),
                fallback: Vec::new(),
            });
            let localized = langs
                .into_iter()
                .map(|l| (l.code(), lib.localized_bundle(l)));
            for (code, bundle) in japanese.map(|b| ("ja", b)).into_iter().chain(localized) {
                // Compact: the browser fetches it.
                let json = serde_json::to_string(&bundle).map_err(|e| {
                    eprintln!("error: cannot write JSON: {e}");
                    ExitCode::from(2)
                })?;
                match &out {
                    None => say!("{json}"),
                    Some(dir) => {
                        let file = dir.join(format!("{code}.json"));
                        std::fs::create_dir_all(dir)
                            .and_then(|()| std::fs::write(&file, json))
                            .map_err(|e| {
                                eprintln!("error: {}: {e}", file.display());
                                ExitCode::from(2)
                            })?;
                        say!("{}", file.display());
                    }
                }
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::I18n { lang, dir } => {
            let lang = parse_lang(&lang)?;
            let root = packs_dir(dir);
            let lib = load(Some(root.clone()))?;
            let mut written = Vec::new();
            for lp in &lib.packs {
                let texts = mado_rules::i18n::texts(&lp.pack);
                let old = lp
                    .translations
                    .get(&lang)
                    .map(|(_, t)| t.clone())
                    .unwrap_or_default();
                let pack_dir = Path::new(&lp.source.file)
                    .parent()
                    .unwrap_or(Path::new("."));
                let file = pack_dir.join("i18n").join(format!("{}.yaml", lang.code()));
                write_translations(&file, &lp.pack.title, lang, &texts, &old)?;
                written.push(file);
            }
            let cities: Vec<&mado_rules::CityFile> = lib.cities.values().map(|(_, c)| c).collect();
            let texts = mado_rules::i18n::city_texts(&cities);
            let old = lib
                .city_translations
                .get(&lang)
                .map(|(_, t)| t.clone())
                .unwrap_or_default();
            let cities_dir = if root.join("pack.yaml").is_file() {
                root.join("..").join("cities")
            } else {
                root.join("cities")
            };
            let file = cities_dir
                .join("i18n")
                .join(format!("{}.yaml", lang.code()));
            write_translations(&file, "市区町村と窓口", lang, &texts, &old)?;
            written.push(file);
            for f in written {
                say!("{}", f.display());
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Questions { pack, city, dir } => {
            let lib = load(dir)?;
            let g = lib.guide(&pack, &city).map_err(|d| {
                d.iter().for_each(|d| eprintln!("{d}"));
                ExitCode::from(2)
            })?;
            let list: Vec<serde_json::Value> = g
                .questions
                .iter()
                .map(|q| {
                    let d = &q.def;
                    let mut v = serde_json::json!({
                        "id": d.id,
                        "type": match d.kind {
                            QuestionType::Bool => "bool",
                            QuestionType::Number => "number",
                            QuestionType::Date => "date",
                            QuestionType::Choice => "choice",
                            QuestionType::Multi => "multi",
                        },
                        "label": d.label,
                        "short": d.short,
                    });
                    let m = v.as_object_mut().expect("json! object");
                    if d.kind == QuestionType::Bool {
                        m.insert("options".into(), serde_json::json!([
                            {"value": true, "label": "はい"}, {"value": false, "label": "いいえ"}
                        ]));
                    }
                    if !d.options.is_empty() {
                        m.insert(
                            "options".into(),
                            d.options
                                .iter()
                                .map(|o| serde_json::json!({"value": o.id, "label": o.label}))
                                .collect(),
                        );
                    }
                    if !d.help.is_empty() {
                        m.insert("help".into(), d.help.clone().into());
                    }
                    if !d.unit.is_empty() {
                        m.insert("unit".into(), d.unit.clone().into());
                    }
                    if let Some(x) = d.min {
                        m.insert("min".into(), x.into());
                    }
                    if let Some(x) = d.max {
                        m.insert("max".into(), x.into());
                    }
                    if let Some(x) = &d.ask_if {
                        m.insert("ask_if".into(), x.clone().into());
                    }
                    v
                })
                .collect();
            Ok(print_json(&list))
        }
        Command::Eval {
            pack,
            city,
            date,
            answers,
            dir,
        } => {
            let date = Date::parse_iso(&date).map_err(|e| {
                eprintln!("error: --date: {e}");
                ExitCode::from(2)
            })?;
            let lib = load(dir)?;
            let g = lib.guide(&pack, &city).map_err(|d| {
                d.iter().for_each(|d| eprintln!("error: {d}"));
                ExitCode::from(2)
            })?;
            let text = if answers.as_os_str() == "-" {
                std::io::read_to_string(std::io::stdin())
            } else {
                std::fs::read_to_string(&answers)
            }
            .map_err(|e| {
                eprintln!("error: {}: cannot read: {e}", answers.display());
                ExitCode::from(2)
            })?;
            if text.starts_with('\u{feff}') {
                eprintln!(
                    "error: {}:1:1: the file starts with a UTF-8 BOM (byte order mark); save it as UTF-8 without a BOM",
                    answers.display()
                );
                return Err(ExitCode::from(2));
            }
            if let Some(dup) = duplicate_key(&text) {
                eprintln!(
                    "error: {}: the answer {dup:?} is given twice; give each question one answer",
                    answers.display()
                );
                return Err(ExitCode::from(2));
            }
            let raw: serde_json::Value = serde_json::from_str(&text).map_err(|e| {
                eprintln!(
                    "error: {}:{}:{}: malformed JSON: {e}",
                    answers.display(),
                    e.line(),
                    e.column()
                );
                ExitCode::from(2)
            })?;
            let answers = Answers::from_json_on(&g, &raw, date).map_err(|e| {
                eprintln!("error: {}: {e}", answers.display());
                ExitCode::from(2)
            })?;
            let eval = g.evaluate(&answers, date).map_err(|e| {
                eprintln!("error: pack data: {e}");
                ExitCode::from(2)
            })?;
            Ok(print_json(&eval))
        }
    }
}

fn main() -> ExitCode {
    run(Cli::parse()).unwrap_or_else(|code| code)
}

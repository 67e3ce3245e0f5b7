//! Reading packs, city profiles and scenarios from YAML files, with file:line in every
//! message. Native and wasm alike read from text; only [`Library::load_dir`] touches disk.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::Guide;
use crate::guide::BuildError;
use crate::i18n::{Lang, Translations};
use crate::pack::{CityFile, PackCityFile, PackFile, ScenarioDef};

/// One message about a file: `path:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: usize,
    pub message: String,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A problem with the request, not with a file (an unknown pack or city): no place.
        if self.file.is_empty() {
            return f.write_str(&self.message);
        }
        write!(f, "{}:{}: {}", self.file, self.line, self.message)
    }
}

/// A YAML file's name and text.
#[derive(Debug, Clone)]
pub struct Source {
    pub file: String,
    pub text: String,
}

impl Source {
    /// The 1-based line of `id: <id>`, then of `snippet` after it; 1 if not found.
    pub fn line_of(&self, id: Option<&str>, snippet: Option<&str>) -> usize {
        let lines: Vec<&str> = self.text.lines().collect();
        let mut start = 0;
        if let Some(id) = id {
            let pat = |l: &str| {
                let t = l.trim_start().trim_start_matches("- ").trim();
                t == format!("id: {id}") || t == format!("id: \"{id}\"") || t == format!("{id}:")
            };
            if let Some(i) = lines.iter().position(|l| pat(l)) {
                start = i;
            }
        }
        if let Some(s) = snippet
            && let Some(i) = lines.iter().skip(start).position(|l| l.contains(s))
        {
            return start + i + 1;
        }
        start + 1
    }

    fn yaml_error(&self, e: &serde_yaml::Error) -> Diagnostic {
        let line = e.location().map_or(1, |l| l.line());
        // serde_yaml appends "at line N column M"; the line is in the prefix already.
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
        Diagnostic {
            file: self.file.clone(),
            line,
            message: msg,
        }
    }

    fn diag(&self, e: &BuildError, city: Option<&str>) -> Diagnostic {
        Diagnostic {
            file: self.file.clone(),
            line: self.line_of(e.id.as_deref(), e.snippet.as_deref()),
            message: match city {
                Some(c) => format!("[{c}] {e}"),
                None => e.to_string(),
            },
        }
    }
}

/// A pack with its file, its cities' files and its scenario files.
#[derive(Debug, Clone)]
pub struct LoadedPack {
    pub source: Source,
    pub pack: PackFile,
    /// Each city's differences (`cities/<city>.yaml`), by city id, as read.
    pub city_sources: BTreeMap<String, Source>,
    pub scenarios: Vec<(Source, Vec<ScenarioDef>)>,
    /// Its translations (`i18n/<lang>.yaml`), by language.
    pub translations: BTreeMap<Lang, (Source, Translations)>,
}

/// One pack's files as text: `pack.yaml`, `cities/<city>.yaml` and `tests/*.yaml`.
#[derive(Debug, Clone)]
pub struct PackSources {
    pub pack: Source,
    pub cities: Vec<Source>,
    pub tests: Vec<Source>,
    /// `i18n/<lang>.yaml`: the pack's texts in other languages.
    pub i18n: Vec<Source>,
}

impl LoadedPack {
    /// The file a problem of the guide for `city` is in: the city's file when it names the
    /// procedure (and the text, if any) the problem is about, else `pack.yaml`.
    pub fn source_of(&self, city: &str, id: Option<&str>, snippet: Option<&str>) -> &Source {
        self.city_sources
            .get(city)
            .filter(|cs| {
                id.is_some_and(|id| cs.text.lines().any(|l| l.trim() == format!("{id}:")))
                    && snippet.is_none_or(|s| cs.text.contains(s))
            })
            .unwrap_or(&self.source)
    }
}

/// The city id of a city file: its name without `.yaml` (`…/cities/kitami.yaml` → `kitami`).
fn file_stem(file: &str) -> &str {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    name.strip_suffix(".yaml")
        .or_else(|| name.strip_suffix(".yml"))
        .unwrap_or(name)
}

/// Puts each city's differences into the pack: the pack's cities are its city files, and
/// each override goes to the procedure it names. `pack.yaml` itself names no city.
fn merge_cities(
    src: &Source,
    pack: &mut PackFile,
    cities: &[Source],
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<String, Source> {
    if !pack.cities.is_empty() {
        diags.push(Diagnostic {
            file: src.file.clone(),
            line: src.line_of(None, Some("cities:")),
            message: "the pack's cities are its files cities/<city>.yaml beside pack.yaml; \
                      remove this list"
                .into(),
        });
    }
    for p in &pack.procedures {
        if let Some(city) = p.cities.keys().next() {
            diags.push(Diagnostic {
                file: src.file.clone(),
                line: src.line_of(Some(&p.id), Some("cities:")),
                message: format!(
                    "procedure {}: what {city} does differently belongs in cities/{city}.yaml \
                     (procedures: {{{}: …}}), not in pack.yaml",
                    p.id, p.id
                ),
            });
        }
    }
    let mut kept = BTreeMap::new();
    let mut names = Vec::new();
    for cs in cities {
        let city = file_stem(&cs.file).to_owned();
        let file = match parse_yaml::<PackCityFile>(cs) {
            Ok(f) => f,
            Err(d) => {
                diags.push(d);
                continue;
            }
        };
        for (id, o) in file.procedures {
            match pack.procedures.iter_mut().find(|p| p.id == id) {
                Some(p) => {
                    p.cities.insert(city.clone(), o);
                }
                None => diags.push(Diagnostic {
                    file: cs.file.clone(),
                    line: cs.line_of(Some(&id), None),
                    message: format!(
                        "procedure {id:?} is not in {}; it has {:?}",
                        src.file,
                        pack.procedures
                            .iter()
                            .map(|p| p.id.as_str())
                            .collect::<Vec<_>>()
                    ),
                }),
            }
        }
        names.push(city.clone());
        kept.insert(city, cs.clone());
    }
    names.sort();
    pack.cities = names;
    kept
}

/// Every pack and city profile under one directory.
#[derive(Debug, Clone, Default)]
pub struct Library {
    pub cities: BTreeMap<String, (Source, CityFile)>,
    pub packs: Vec<LoadedPack>,
    /// The city profiles' texts in other languages (`cities/i18n/<lang>.yaml`).
    pub city_translations: BTreeMap<Lang, (Source, Translations)>,
}

/// Reads translation files named `<lang>.yaml` for a known language (issue 22).
pub fn read_translations(
    files: Vec<Source>,
    diags: &mut Vec<Diagnostic>,
) -> BTreeMap<Lang, (Source, Translations)> {
    let mut out = BTreeMap::new();
    for src in files {
        let code = file_stem(&src.file).to_owned();
        let Some(lang) = Lang::parse(&code) else {
            let known: Vec<&str> = Lang::ALL.iter().map(|l| l.code()).collect();
            diags.push(Diagnostic {
                file: src.file.clone(),
                line: 1,
                message: format!(
                    "{code:?} is not a language of the guide; a translation file is named for one of {known:?}"
                ),
            });
            continue;
        };
        match parse_yaml::<Translations>(&src) {
            Ok(t) => {
                out.insert(lang, (src, t));
            }
            Err(d) => diags.push(d),
        }
    }
    out
}

/// Parses a YAML document, reporting `file:line` on failure.
pub fn parse_yaml<T: serde::de::DeserializeOwned>(src: &Source) -> Result<T, Diagnostic> {
    serde_yaml::from_str(&src.text).map_err(|e| src.yaml_error(&e))
}

impl Library {
    /// Builds a library from texts: city profiles, and packs with their cities' files and
    /// scenario files.
    pub fn from_sources(
        cities: Vec<Source>,
        packs: Vec<PackSources>,
    ) -> Result<Self, Vec<Diagnostic>> {
        let mut lib = Library::default();
        let mut diags = Vec::new();
        for src in cities {
            match parse_yaml::<CityFile>(&src) {
                Ok(c) => {
                    lib.cities.insert(c.id.clone(), (src, c));
                }
                Err(d) => diags.push(d),
            }
        }
        for PackSources {
            pack: src,
            cities,
            tests,
            i18n,
        } in packs
        {
            let mut pack = match parse_yaml::<PackFile>(&src) {
                Ok(p) => p,
                Err(d) => {
                    diags.push(d);
                    continue;
                }
            };
            let city_sources = merge_cities(&src, &mut pack, &cities, &mut diags);
            let mut scenarios = Vec::new();
            for t in tests {
                match parse_yaml::<Vec<ScenarioDef>>(&t) {
                    Ok(cases) => scenarios.push((t, cases)),
                    Err(d) => diags.push(d),
                }
            }
            let translations = read_translations(i18n, &mut diags);
            lib.packs.push(LoadedPack {
                source: src,
                pack,
                city_sources,
                scenarios,
                translations,
            });
        }
        if diags.is_empty() {
            Ok(lib)
        } else {
            Err(diags)
        }
    }

    /// Reads `DIR/cities/*.yaml` (the city profiles) and `DIR/<pack>/pack.yaml` with
    /// `DIR/<pack>/cities/*.yaml` and `DIR/<pack>/tests/*.yaml`.
    /// `DIR` may also be one pack's directory; its cities are then in `DIR/../cities`.
    pub fn load_dir(dir: &Path) -> Result<Self, Vec<Diagnostic>> {
        let io = |p: &Path, e: std::io::Error| {
            vec![Diagnostic {
                file: p.display().to_string(),
                line: 1,
                message: format!("cannot read: {e}"),
            }]
        };
        let read = |p: &Path| -> Result<Source, Vec<Diagnostic>> {
            Ok(Source {
                file: p.display().to_string(),
                text: std::fs::read_to_string(p).map_err(|e| io(p, e))?,
            })
        };
        let yaml_files = |d: &Path| -> Result<Vec<PathBuf>, Vec<Diagnostic>> {
            if !d.is_dir() {
                return Ok(Vec::new());
            }
            let mut v: Vec<PathBuf> = std::fs::read_dir(d)
                .map_err(|e| io(d, e))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect();
            v.sort();
            Ok(v)
        };
        let (pack_dirs, cities_dir) = if dir.join("pack.yaml").is_file() {
            (vec![dir.to_path_buf()], dir.join("..").join("cities"))
        } else {
            let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
                .map_err(|e| io(dir, e))?
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("pack.yaml").is_file())
                .collect();
            v.sort();
            if v.is_empty() {
                return Err(vec![Diagnostic {
                    file: dir.display().to_string(),
                    line: 1,
                    message: "no pack here: expected DIR/pack.yaml or DIR/<pack>/pack.yaml".into(),
                }]);
            }
            (v, dir.join("cities"))
        };
        let mut cities = Vec::new();
        for p in yaml_files(&cities_dir)? {
            cities.push(read(&p)?);
        }
        let mut packs = Vec::new();
        for d in pack_dirs {
            let mut tests = Vec::new();
            for p in yaml_files(&d.join("tests"))? {
                tests.push(read(&p)?);
            }
            let mut cities = Vec::new();
            for p in yaml_files(&d.join("cities"))? {
                cities.push(read(&p)?);
            }
            let mut i18n = Vec::new();
            for p in yaml_files(&d.join("i18n"))? {
                i18n.push(read(&p)?);
            }
            packs.push(PackSources {
                pack: read(&d.join("pack.yaml"))?,
                cities,
                tests,
                i18n,
            });
        }
        let mut city_i18n = Vec::new();
        for p in yaml_files(&cities_dir.join("i18n"))? {
            city_i18n.push(read(&p)?);
        }
        let mut lib = Self::from_sources(cities, packs)?;
        let mut diags = Vec::new();
        lib.city_translations = read_translations(city_i18n, &mut diags);
        if diags.is_empty() {
            Ok(lib)
        } else {
            Err(diags)
        }
    }

    /// The guide for `pack` in `city`, or every problem as `file:line` diagnostics.
    pub fn guide(&self, pack: &str, city: &str) -> Result<Guide, Vec<Diagnostic>> {
        let lp = self.pack(pack)?;
        let Some((_, c)) = self.cities.get(city) else {
            return Err(vec![Diagnostic {
                file: String::new(),
                line: 0,
                message: format!(
                    "unknown city {city:?}; there are profiles for {:?}",
                    self.cities.keys().collect::<Vec<_>>()
                ),
            }]);
        };
        Guide::build(&lp.pack, c).map_err(|errs| {
            errs.iter()
                .map(|e| {
                    lp.source_of(city, e.id.as_deref(), e.snippet.as_deref())
                        .diag(e, Some(city))
                })
                .collect()
        })
    }

    /// Everything, for the browser.
    pub fn bundle(&self) -> crate::Bundle {
        crate::Bundle {
            cities: self.cities.values().map(|(_, c)| c.clone()).collect(),
            packs: self.packs.iter().map(|p| p.pack.clone()).collect(),
            phrases: crate::Phrases::default(),
        }
    }

    /// Every pack and city profile in `lang`: translated where a current translation exists,
    /// Japanese (and named in `fallback`) elsewhere.
    pub fn localized_bundle(&self, lang: Lang) -> crate::LocalizedBundle {
        let empty = Translations::new();
        let mut fallback = Vec::new();
        let city_tr = self.city_translations.get(&lang).map_or(&empty, |(_, t)| t);
        let cities = self
            .cities
            .values()
            .map(|(_, c)| {
                let (c, left) = crate::i18n::localize_city(c, city_tr);
                fallback.extend(left.into_iter().map(|k| format!("cities:{k}")));
                c
            })
            .collect();
        let packs = self
            .packs
            .iter()
            .map(|lp| {
                let tr = lp.translations.get(&lang).map_or(&empty, |(_, t)| t);
                let (p, left) = crate::i18n::localize(&lp.pack, tr);
                fallback.extend(left.into_iter().map(|k| format!("{}:{k}", lp.pack.id)));
                p
            })
            .collect();
        crate::LocalizedBundle {
            lang: lang.code().to_owned(),
            bundle: crate::Bundle {
                cities,
                packs,
                phrases: crate::phrases::translated(lang).unwrap_or_else(|e| {
                    // Named in `fallback` like any text left in Japanese (and `lint` fails).
                    fallback.push(format!("phrases: {e}"));
                    crate::Phrases::default()
                }),
            },
            fallback,
        }
    }

    pub fn pack(&self, id: &str) -> Result<&LoadedPack, Vec<Diagnostic>> {
        self.packs.iter().find(|p| p.pack.id == id).ok_or_else(|| {
            vec![Diagnostic {
                file: String::new(),
                line: 0,
                message: format!(
                    "unknown pack {id:?}; there are {:?}",
                    self.packs
                        .iter()
                        .map(|p| p.pack.id.as_str())
                        .collect::<Vec<_>>()
                ),
            }]
        })
    }
}

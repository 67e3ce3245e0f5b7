//! `cargo xtask layers` (and a step of `cargo xtask test`): imports only point down.
//!
//! Each checked crate declares its units in layers, lowest first (the tables below). A file of
//! one unit may name another unit (`use crate::…`, `crate::…::f()`, `super::…`) only when that
//! unit is in a lower layer: a surface never imports another surface, the shell never imports a
//! surface, the store never imports a handler. Files inside one unit may import each other, but
//! no file may import itself back through others (no module cycle). Between crates, each crate
//! may depend only on the workspace crates its row names.
//!
//! What it reads is text: `//` comments and `#[cfg(test)]` modules are left out (tests may
//! reach anywhere), and `use super::*;` globs are not counted.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use crate::sh::{Result, root};

/// One crate's units by layer, lowest first. A unit is a top-level module (`api`), or a
/// top-level module and one child where the children are peers (`surfaces::kiosk`); `root` is
/// the crate root file.
struct CrateLayers {
    /// Its `src` directory, from the workspace root.
    src: &'static str,
    layers: &'static [&'static [&'static str]],
    /// Modules whose children are separate units of the same layer (peers that may not
    /// import each other).
    peer_parents: &'static [&'static str],
}

const FRONTEND: CrateLayers = CrateLayers {
    src: "frontend/src",
    layers: &[
        &["i18n"],
        &["api"],
        &["device"],
        &["shell"],
        &["guide"],
        &["surfaces"],
        &["root"],
    ],
    peer_parents: &["surfaces"],
};

const RELAY: CrateLayers = CrateLayers {
    src: "relay/src",
    layers: &[
        &["error"],
        &["db"],
        &["config", "capability", "limits", "conn", "csv"],
        &["headers", "backup"],
        &["store"],
        &["cache"],
        &["events"],
        &["queue"],
        &["state"],
        &["http::auth", "http::stream"],
        &["http::devices"],
        &[
            "http::reservations",
            "http::records",
            "http::handovers",
            "http::staff",
            "http::submissions",
            "http::audit",
        ],
        &["http::tickets", "http::stats", "http::settings"],
        &["http::offices", "http::web", "demo"],
        // The parent only names its children.
        &["http"],
        &["route"],
        &["openapi"],
        &["routes"],
        &["root"],
    ],
    peer_parents: &["http"],
};

/// The crates whose modules are checked.
const CHECKED: &[&CrateLayers] = &[&FRONTEND, &RELAY];

/// The workspace crates each crate may depend on (normal and build dependencies).
const CRATE_DEPS: &[(&str, &[&str])] = &[
    ("civil", &[]),
    ("wire", &["mado-civil"]),
    ("card", &[]),
    ("rules", &["mado-civil"]),
    ("forms", &["mado-civil", "mado-rules"]),
    (
        "visit",
        &[
            "mado-civil",
            "mado-wire",
            "mado-rules",
            "mado-forms",
            "mado-card",
        ],
    ),
    // The rule packs only at build time, for the names in the CSV exports.
    ("relay", &["mado-civil", "mado-wire", "mado-rules"]),
    (
        "frontend",
        &[
            "mado-civil",
            "mado-wire",
            "mado-rules",
            "mado-forms",
            "mado-card",
            "mado-visit",
        ],
    ),
    ("xtask", &[]),
];

/// One import that breaks the rules, with where it is.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Violation(pub String);

pub fn check() -> Result {
    let mut found = Vec::new();
    for layers in CHECKED {
        let files = read_tree(&root().join(layers.src))?;
        found.extend(check_crate(layers, &files));
    }
    found.extend(check_crate_deps()?);
    if found.is_empty() {
        eprintln!("imports point down: the frontend, the relay and the workspace crates");
        return Ok(());
    }
    for v in &found {
        eprintln!("{}", v.0);
    }
    Err(format!(
        "{} import(s) run up a layer, across peers or in a circle",
        found.len()
    ))
}

/// The `.rs` files under `src`, by path relative to it (`surfaces/kiosk.rs`).
fn read_tree(src: &Path) -> Result<BTreeMap<String, String>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries =
            std::fs::read_dir(&dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
        for e in entries.flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
                let rel = path
                    .strip_prefix(src)
                    .unwrap_or(&path)
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, text);
            }
        }
    }
    Ok(out)
}

/// The module path of a file (`surfaces/kiosk.rs` → `surfaces::kiosk`, `shell/mod.rs` →
/// `shell`, `lib.rs` → root); `None` for binaries (`main.rs`, `bin/…`), which are crates of
/// their own.
fn module_of(file: &str) -> Option<Vec<String>> {
    if file == "main.rs" || file.starts_with("bin/") {
        return None;
    }
    if file == "lib.rs" {
        return Some(Vec::new());
    }
    let stem = file.strip_suffix(".rs")?;
    let mut parts: Vec<String> = stem.split('/').map(str::to_owned).collect();
    if parts.last().is_some_and(|p| p == "mod") {
        parts.pop();
    }
    Some(parts)
}

/// The code a file imports with: without `//` comments and without its test modules
/// (`#[cfg(test)]` then `mod … {`, up to its closing brace at the same indentation, as
/// rustfmt writes it). Removed lines are left blank, so line numbers stay true; code after a
/// test module, and other `#[cfg(test)]` items, are read like the rest.
fn code_of(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<&str> = Vec::with_capacity(lines.len());
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let indent = line.len() - line.trim_start().len();
        let next = lines.get(i + 1).map_or("", |l| l.trim_start());
        if line.trim() == "#[cfg(test)]"
            && (next.starts_with("mod ") || next.starts_with("pub mod "))
        {
            // A module on one line ends there; otherwise at its closing brace.
            let end = if next.ends_with('{') {
                let close = format!("{}}}", &line[..indent]);
                lines[i + 2..]
                    .iter()
                    .position(|l| *l == close)
                    .map_or(lines.len(), |p| i + 2 + p + 1)
            } else {
                i + 2
            };
            out.extend(std::iter::repeat_n("", end - i));
            i = end;
            continue;
        }
        out.push(match line.find("//") {
            Some(c) => &line[..c],
            None => line,
        });
        i += 1;
    }
    out.join("\n")
}

/// Every module path a file names: `crate::a::b` and `super::a` (resolved against `module`),
/// with the line it is on; a braced group (`crate::{a, b::c}`) gives one path per item.
fn references(code: &str, module: &[String]) -> Vec<(usize, Vec<String>)> {
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        let mut rest = line;
        while let Some(i) = find_start(rest) {
            let tail = &rest[i..];
            let (base, after) = if let Some(t) = tail.strip_prefix("crate::") {
                (Vec::new(), t)
            } else {
                // One or more `super::`.
                let mut base = module.to_vec();
                let mut t = tail;
                while let Some(s) = t.strip_prefix("super::") {
                    base.pop();
                    t = s;
                }
                (base, t)
            };
            if let Some(group) = after.strip_prefix('{') {
                let inner = balanced(group);
                for item in split_top(inner) {
                    let path = path_segments(item.trim());
                    if !path.is_empty() && path[0] != "self" && path[0] != "*" {
                        out.push((n + 1, [base.clone(), path].concat()));
                    }
                }
            } else {
                let path = path_segments(after);
                if !path.is_empty() && path[0] != "*" {
                    out.push((n + 1, [base, path].concat()));
                }
            }
            rest = &tail[1..];
        }
    }
    out
}

/// Paths that start with one of the module's own children (`use panel::Panel;`,
/// `<settings::Panel/>`), resolved against `module`.
fn child_references(
    code: &str,
    module: &[String],
    modules: &BTreeSet<Vec<String>>,
) -> Vec<(usize, Vec<String>)> {
    let children: Vec<&String> = modules
        .iter()
        .filter(|m| m.len() == module.len() + 1 && m.starts_with(module))
        .filter_map(|m| m.last())
        .collect();
    let mut out = Vec::new();
    for (n, line) in code.lines().enumerate() {
        for child in &children {
            let pat = format!("{child}::");
            let mut from = 0;
            while let Some(i) = line[from..].find(&pat) {
                let at = from + i;
                let before = line[..at].chars().next_back();
                if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':')) {
                    let mut path = module.to_vec();
                    path.extend(path_segments(&line[at..]));
                    out.push((n + 1, path));
                }
                from = at + pat.len();
            }
        }
    }
    out
}

/// Where the next `crate::` or `super::` starts (not inside an identifier).
fn find_start(s: &str) -> Option<usize> {
    let starts = ["crate::", "super::"];
    let mut best: Option<usize> = None;
    for pat in starts {
        let mut from = 0;
        while let Some(i) = s[from..].find(pat) {
            let at = from + i;
            let before = s[..at].chars().next_back();
            if before.is_none_or(|c| !(c.is_alphanumeric() || c == '_' || c == ':')) {
                best = Some(best.map_or(at, |b| b.min(at)));
                break;
            }
            from = at + pat.len();
        }
    }
    best
}

/// The text up to the `}` that closes a group opened just before `s`.
fn balanced(s: &str) -> &str {
    let mut depth = 1;
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => {
                depth -= 1;
                if depth == 0 {
                    return &s[..i];
                }
            }
            _ => {}
        }
    }
    s
}

/// Items of a group at its top level (`a, b::{c, d}, e` → three).
fn split_top(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let (mut depth, mut start) = (0, 0);
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                out.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out
}

/// `a::b::c(…` → `[a, b, c]`: identifiers joined by `::`, up to anything else.
fn path_segments(s: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = s;
    loop {
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if end == 0 {
            if rest.starts_with('*') {
                out.push("*".to_owned());
            }
            break;
        }
        out.push(rest[..end].to_owned());
        match rest[end..].strip_prefix("::") {
            Some(r) if !r.starts_with('{') => rest = r,
            _ => break,
        }
    }
    out
}

/// The unit a module path belongs to, given the modules that exist.
fn unit_of(path: &[String], layers: &CrateLayers, modules: &BTreeSet<Vec<String>>) -> String {
    // The longest prefix of `path` that is a module.
    let mut module: &[String] = &[];
    for len in (1..=path.len()).rev() {
        if modules.contains(&path[..len].to_vec()) {
            module = &path[..len];
            break;
        }
    }
    match module {
        [] => "root".to_owned(),
        [first, second, ..] if layers.peer_parents.contains(&first.as_str()) => {
            format!("{first}::{second}")
        }
        [first, ..] => first.clone(),
    }
}

/// The layer of a unit: its own row (`http::auth`), or its parent's (`surfaces::kiosk` is in
/// `surfaces`' layer).
fn layer_of(unit: &str, layers: &CrateLayers) -> Option<usize> {
    let top = unit.split("::").next().unwrap_or(unit);
    layers
        .layers
        .iter()
        .position(|l| l.contains(&unit))
        .or_else(|| layers.layers.iter().position(|l| l.contains(&top)))
}

fn check_crate(layers: &CrateLayers, files: &BTreeMap<String, String>) -> Vec<Violation> {
    let mut found = Vec::new();
    let modules: BTreeSet<Vec<String>> = files.keys().filter_map(|f| module_of(f)).collect();
    let file_of: BTreeMap<Vec<String>, &str> = files
        .keys()
        .filter_map(|f| Some((module_of(f)?, f.as_str())))
        .collect();
    // File → files it imports, for the cycle check.
    let mut edges: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (file, text) in files {
        let Some(module) = module_of(file) else {
            continue;
        };
        let from = unit_of(&module, layers, &modules);
        let Some(from_layer) = layer_of(&from, layers) else {
            found.push(Violation(format!(
                "{}/{file}: module {} is in no layer of the table in xtask/src/layers.rs",
                layers.src,
                display(&module)
            )));
            continue;
        };
        let code = code_of(text);
        let mut named = references(&code, &module);
        named.extend(child_references(&code, &module, &modules));
        for (line, path) in named {
            let to = unit_of(&path, layers, &modules);
            // The file that defines what is named: the longest module prefix with a file.
            let target = (1..=path.len())
                .rev()
                .find_map(|len| file_of.get(&path[..len]))
                .copied()
                .unwrap_or("lib.rs");
            if target != file.as_str() {
                edges.entry(file).or_default().insert(target);
            }
            // A module names its own children (a parent of peers re-exports them).
            if to == from || to.starts_with(&format!("{from}::")) {
                continue;
            }
            let Some(to_layer) = layer_of(&to, layers) else {
                continue;
            };
            let why = if to_layer > from_layer {
                "up a layer"
            } else if to_layer == from_layer {
                if layers
                    .peer_parents
                    .iter()
                    .any(|p| from.starts_with(&format!("{p}::")))
                    && to.contains("::")
                {
                    "across peers"
                } else {
                    "within its layer"
                }
            } else {
                continue;
            };
            found.push(Violation(format!(
                "{}/{file}:{line}: {from} imports crate::{} ({to}): {why}",
                layers.src,
                display(&path)
            )));
        }
    }
    for cycle in cycles(&edges) {
        found.push(Violation(format!(
            "{}: module cycle {}",
            layers.src,
            cycle.join(" → ")
        )));
    }
    found
}

fn display(path: &[String]) -> String {
    if path.is_empty() {
        "(root)".to_owned()
    } else {
        path.join("::")
    }
}

/// The cycles of a directed graph, each once (from its smallest file).
fn cycles<'a>(edges: &BTreeMap<&'a str, BTreeSet<&'a str>>) -> Vec<Vec<String>> {
    let mut out: BTreeSet<Vec<String>> = BTreeSet::new();
    for &start in edges.keys() {
        // Paths from `start` back to it through larger nodes only: each cycle once.
        let mut stack: Vec<(&str, Vec<&str>)> = vec![(start, vec![start])];
        while let Some((node, path)) = stack.pop() {
            for &next in edges.get(node).into_iter().flatten() {
                if next == start {
                    let mut c: Vec<String> = path.iter().map(|s| (*s).to_owned()).collect();
                    c.push(start.to_owned());
                    out.insert(c);
                } else if next > start && !path.contains(&next) && path.len() < 12 {
                    let mut p = path.clone();
                    p.push(next);
                    stack.push((next, p));
                }
            }
        }
    }
    out.into_iter().collect()
}

/// Each crate's workspace dependencies against [`CRATE_DEPS`].
fn check_crate_deps() -> Result<Vec<Violation>> {
    let mut found = Vec::new();
    let manifest = root().join("Cargo.toml");
    let text = std::fs::read_to_string(&manifest)
        .map_err(|e| format!("cannot read {}: {e}", manifest.display()))?;
    for member in members(&text) {
        if !CRATE_DEPS.iter().any(|(dir, _)| *dir == member) {
            found.push(Violation(format!(
                "Cargo.toml: workspace member {member} has no row in CRATE_DEPS (xtask/src/layers.rs)"
            )));
        }
    }
    for (dir, allowed) in CRATE_DEPS {
        let path: PathBuf = root().join(dir).join("Cargo.toml");
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        for dep in workspace_deps(&text) {
            if !allowed.contains(&dep.as_str()) {
                found.push(Violation(format!(
                    "{dir}/Cargo.toml: depends on {dep}, which its row in xtask/src/layers.rs does not allow"
                )));
            }
        }
    }
    Ok(found)
}

/// The workspace's `members = [...]` (one line, as the root manifest writes it).
fn members(manifest: &str) -> Vec<String> {
    manifest
        .lines()
        .find_map(|l| l.trim().strip_prefix("members = ["))
        .and_then(|rest| rest.split(']').next())
        .map(|list| {
            list.split(',')
                .map(|m| m.trim().trim_matches('"').to_owned())
                .filter(|m| !m.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

/// The `mado-*` crates a manifest depends on outside `[dev-dependencies]`.
fn workspace_deps(manifest: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut section = String::new();
    for line in manifest.lines() {
        let l = line.trim();
        if l.starts_with('[') {
            section = l.to_owned();
            continue;
        }
        let counted = section == "[dependencies]"
            || section == "[build-dependencies]"
            || (section.starts_with("[target.") && !section.ends_with("dev-dependencies]"));
        if !counted {
            continue;
        }
        if let Some(name) = l.split(['=', '.', ' ']).next()
            && name.starts_with("mado-")
        {
            out.push(name.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const TABLE: CrateLayers = CrateLayers {
        src: "t/src",
        layers: &[&["api"], &["shell"], &["surfaces"], &["root"]],
        peer_parents: &["surfaces"],
    };

    fn tree(files: &[(&str, &str)]) -> BTreeMap<String, String> {
        files
            .iter()
            .map(|(f, t)| ((*f).to_owned(), (*t).to_owned()))
            .collect()
    }

    #[test]
    fn imports_that_point_down_pass() {
        let files = tree(&[
            (
                "lib.rs",
                "mod api; mod shell; mod surfaces;\nuse crate::surfaces::Kiosk;",
            ),
            ("api.rs", "pub fn get() {}"),
            (
                "shell/mod.rs",
                "use crate::api::{self, get};\npub fn gate() {}",
            ),
            ("surfaces/mod.rs", "mod kiosk;\npub use kiosk::Kiosk;"),
            (
                "surfaces/kiosk.rs",
                "use crate::shell::{gate, LangToggle};\nfn f() { crate::api::get(); }\n#[cfg(test)]\nmod tests { use crate::surfaces::counter; }",
            ),
            ("surfaces/counter/mod.rs", "mod panel;\nuse panel::Panel;"),
            (
                "surfaces/counter/panel.rs",
                "// see crate::surfaces::kiosk\nuse super::super::super::shell::gate;",
            ),
        ]);
        assert_eq!(check_crate(&TABLE, &files), Vec::new());
    }

    #[test]
    fn an_import_up_a_layer_across_surfaces_or_in_a_circle_is_named() {
        let files = tree(&[
            ("lib.rs", "mod api; mod shell; mod surfaces;"),
            ("api.rs", "use crate::shell::gate;"),
            ("shell/mod.rs", "pub fn gate() {}"),
            ("surfaces/mod.rs", "mod kiosk; mod counter;"),
            (
                "surfaces/kiosk.rs",
                "use crate::surfaces::counter::{print_page, Panel};",
            ),
            (
                "surfaces/counter/mod.rs",
                "mod panel;\nuse panel::Panel;\npub fn print_page() {}",
            ),
            ("surfaces/counter/panel.rs", "use super::print_page;"),
        ]);
        let found: Vec<String> = check_crate(&TABLE, &files)
            .into_iter()
            .map(|v| v.0)
            .collect();
        assert_eq!(
            found,
            vec![
                "t/src/api.rs:1: api imports crate::shell::gate (shell): up a layer".to_owned(),
                "t/src/surfaces/kiosk.rs:1: surfaces::kiosk imports crate::surfaces::counter (surfaces::counter): across peers".to_owned(),
                "t/src: module cycle surfaces/counter/mod.rs → surfaces/counter/panel.rs → surfaces/counter/mod.rs".to_owned(),
            ]
        );
    }

    /// A peer unit may have a row of its own (`http::auth` below `http::tickets`).
    #[test]
    fn children_with_rows_of_their_own_are_ordered_by_them() {
        const HTTP: CrateLayers = CrateLayers {
            src: "r/src",
            layers: &[
                &["store"],
                &["http::auth"],
                &["http::tickets", "http::stats"],
                &["http"],
                &["root"],
            ],
            peer_parents: &["http"],
        };
        let files = tree(&[
            ("lib.rs", "mod http; mod store;"),
            ("store.rs", "pub fn q() {}"),
            (
                "http/mod.rs",
                "pub mod auth; pub mod tickets; pub mod stats;",
            ),
            (
                "http/auth.rs",
                "use crate::store::q;\nuse crate::http::tickets::t;",
            ),
            (
                "http/tickets.rs",
                "use crate::http::auth::Staff;\npub fn t() {}",
            ),
            ("http/stats.rs", "use crate::http::tickets::t;"),
        ]);
        let found: Vec<String> = check_crate(&HTTP, &files)
            .into_iter()
            .map(|v| v.0)
            .collect();
        assert_eq!(
            found,
            vec![
                "r/src/http/auth.rs:2: http::auth imports crate::http::tickets::t (http::tickets): up a layer".to_owned(),
                "r/src/http/stats.rs:1: http::stats imports crate::http::tickets::t (http::tickets): across peers".to_owned(),
                "r/src: module cycle http/auth.rs → http/tickets.rs → http/auth.rs".to_owned(),
            ]
        );
    }

    #[test]
    fn code_after_a_test_module_and_cfg_test_items_is_still_read() {
        let files = tree(&[
            ("lib.rs", "mod api; mod shell; mod surfaces;"),
            ("shell/mod.rs", "pub fn gate() {}"),
            (
                "api.rs",
                "#[cfg(test)]\nfn helper() {}\n#[cfg(test)]\nmod tests {\n    use crate::shell::gate;\n    fn f() {}\n}\nuse crate::shell::gate;",
            ),
        ]);
        let found: Vec<String> = check_crate(&TABLE, &files)
            .into_iter()
            .map(|v| v.0)
            .collect();
        assert_eq!(
            found,
            vec!["t/src/api.rs:8: api imports crate::shell::gate (shell): up a layer".to_owned()]
        );
    }

    #[test]
    fn a_dependency_outside_the_table_is_found_and_dev_dependencies_are_not() {
        let manifest = "[package]\nname = \"x\"\n[dependencies]\nmado-wire.workspace = true\nserde = \"1\"\n[dev-dependencies]\nmado-relay = { path = \"../relay\" }\n[build-dependencies]\nmado-rules = { path = \"../rules\" }\n";
        assert_eq!(workspace_deps(manifest), vec!["mado-wire", "mado-rules"]);
        assert_eq!(
            members("[workspace]\nresolver = \"3\"\nmembers = [\"civil\", \"wire\"]\n"),
            ["civil", "wire"]
        );
    }
}

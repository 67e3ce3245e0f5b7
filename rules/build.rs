//! Lists every YAML file under `packs/` for the scenario tests, which must also run in the
//! browser (no file system there), as `include_str!` constants.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn yaml_in(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "yaml" || x == "yml"))
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

fn main() {
    // Read when the script runs, not when it is compiled: a build script shared by two
    // checkouts of the same workspace (one target directory) must read its own.
    let manifest =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let root = manifest.join("packs");
    println!("cargo:rerun-if-changed={}", root.display());
    let entry = |p: &Path| {
        let rel = p.strip_prefix(&manifest).unwrap_or(p);
        format!(
            "({:?}, include_str!({:?}))",
            format!("rules/{}", rel.display()),
            p.display().to_string()
        )
    };
    let mut out = String::from(
        "/// A file name and its text.\npub type File = (&'static str, &'static str);\n/// Every city profile.\npub const CITIES: &[File] = &[\n",
    );
    for p in yaml_in(&root.join("cities")) {
        let _ = writeln!(out, "    {},", entry(&p));
    }
    out.push_str("];\n/// (pack file, its cities' files, its scenario files).\npub const PACKS: &[(File, &[File], &[File])] = &[\n");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .map(|rd| {
            rd.filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.join("pack.yaml").is_file())
                .collect()
        })
        .unwrap_or_default();
    dirs.sort();
    for d in dirs {
        let _ = write!(out, "    ({}, &[", entry(&d.join("pack.yaml")));
        for c in yaml_in(&d.join("cities")) {
            let _ = write!(out, "{}, ", entry(&c));
        }
        out.push_str("], &[");
        for t in yaml_in(&d.join("tests")) {
            let _ = write!(out, "{}, ", entry(&t));
        }
        out.push_str("]),\n");
    }
    out.push_str("];\n");
    let dest =
        Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("pack_sources.rs");
    if let Err(e) = std::fs::write(&dest, out) {
        println!("cargo:warning=cannot write {}: {e}", dest.display());
        std::process::exit(1);
    }
}

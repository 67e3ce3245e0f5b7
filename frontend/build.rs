//! Reads the rule packs (`rules/packs`) and form templates (`forms/templates`) at compile time
//! and embeds them as JSON, so the counter works offline and a broken pack or template fails
//! the build with file:line messages.

use std::path::{Path, PathBuf};

fn main() {
    // Read when the script runs, not when it is compiled: a build script shared by two
    // checkouts of the same workspace (one target directory) must read its own.
    let here =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let here = here.as_path();
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));

    let packs = here.join("../rules/packs");
    println!("cargo:rerun-if-changed={}", packs.display());
    let lib = match mado_rules::load::Library::load_dir(&packs) {
        Ok(lib) => lib,
        Err(diags) => fail("rule packs", diags.iter().map(ToString::to_string)),
    };
    for lp in &lib.packs {
        for city in &lp.pack.cities {
            if let Err(diags) = lib.guide(&lp.pack.id, city) {
                fail("rule packs", diags.iter().map(ToString::to_string));
            }
        }
    }
    write(
        &out_dir.join("packs.json"),
        serde_json::to_string(&lib.bundle()),
    );

    let templates = here.join("../forms/templates");
    println!("cargo:rerun-if-changed={}", templates.display());
    let loaded = match mado_forms::load::load_dir(&templates) {
        Ok(l) => l,
        Err(diags) => fail("form templates", diags.iter().map(ToString::to_string)),
    };
    let findings = mado_forms::load::lint(&loaded, &[]);
    if !findings.is_empty() {
        fail("form templates", findings.iter().map(ToString::to_string));
    }
    let list: Vec<&mado_forms::Template> = loaded.iter().map(|l| &l.template).collect();
    write(
        &out_dir.join("templates.json"),
        serde_json::to_string(&list),
    );
    // What each form prints from the guide's answers, on its own: the guide keeps asking
    // those questions without carrying the templates (the resident bundle has no forms).
    let reads: std::collections::BTreeMap<&str, Vec<String>> = list
        .iter()
        .map(|t| (t.id.as_str(), t.answers_read()))
        .collect();
    write(
        &out_dir.join("form_answers.json"),
        serde_json::to_string(&reads),
    );
}

fn write(path: &Path, json: Result<String, serde_json::Error>) {
    let json = match json {
        Ok(j) => j,
        Err(e) => fail("build", [format!("cannot write JSON: {e}")].into_iter()),
    };
    if let Err(e) = std::fs::write(path, json) {
        fail(
            "build",
            [format!("cannot write {}: {e}", path.display())].into_iter(),
        );
    }
}

fn fail(what: &str, messages: impl Iterator<Item = String>) -> ! {
    for m in messages {
        println!("cargo:warning={m}");
        eprintln!("{m}");
    }
    eprintln!(
        "{what} have errors: run `cargo run -p mado-rules -- lint` / `cargo run -p mado-forms -- lint`"
    );
    std::process::exit(1);
}

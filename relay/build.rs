//! Reads the rule packs (`rules/packs`) at compile time for the names staff read in exports:
//! each life event's title and each city's name by id (the CSV keeps the ids in their own
//! columns). A broken pack fails the build with its file and line, as in the frontend.

use std::fmt::Write as _;
use std::path::PathBuf;

fn main() {
    // Read when the script runs, not when it is compiled: a build script shared by two
    // checkouts of the same workspace (one target directory) must read its own.
    let here =
        PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let here = here.as_path();
    let packs = here.join("../rules/packs");
    println!("cargo:rerun-if-changed={}", packs.display());
    let lib = match mado_rules::load::Library::load_dir(&packs) {
        Ok(lib) => lib,
        Err(diags) => {
            for d in diags {
                println!("cargo:warning=rule packs: {d}");
            }
            std::process::exit(1);
        }
    };
    let bundle = lib.bundle();
    let mut out = String::new();
    out.push_str("/// Life events (rule packs) by id: their titles.\n");
    out.push_str("pub(crate) const PACK_TITLES: &[(&str, &str)] = &[\n");
    for p in &bundle.packs {
        let _ = writeln!(out, "    ({:?}, {:?}),", p.id, p.title);
    }
    out.push_str("];\n/// Cities by id: their names.\n");
    out.push_str("pub(crate) const CITY_NAMES: &[(&str, &str)] = &[\n");
    for c in &bundle.cities {
        let _ = writeln!(out, "    ({:?}, {:?}),", c.id, c.name);
    }
    out.push_str("];\n");
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into()));
    if let Err(e) = std::fs::write(out_dir.join("names.rs"), out) {
        println!("cargo:warning=cannot write names.rs: {e}");
        std::process::exit(1);
    }
}

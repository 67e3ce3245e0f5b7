//! Reads the rule packs (`rules/packs`) at compile time and embeds them as JSON, so the
//! counter works offline and a broken pack fails the build with file:line messages.

use std::path::Path;

fn main() {
    let packs = Path::new(env!("CARGO_MANIFEST_DIR")).join("../rules/packs");
    println!("cargo:rerun-if-changed={}", packs.display());
    let lib = match mado_rules::load::Library::load_dir(&packs) {
        Ok(lib) => lib,
        Err(diags) => fail(diags.iter().map(ToString::to_string)),
    };
    for lp in &lib.packs {
        for city in &lp.pack.cities {
            if let Err(diags) = lib.guide(&lp.pack.id, city) {
                fail(diags.iter().map(ToString::to_string));
            }
        }
    }
    let json = match serde_json::to_string(&lib.bundle()) {
        Ok(j) => j,
        Err(e) => fail([format!("cannot write the packs as JSON: {e}")].into_iter()),
    };
    let out =
        Path::new(&std::env::var("OUT_DIR").unwrap_or_else(|_| ".".into())).join("packs.json");
    if let Err(e) = std::fs::write(&out, json) {
        fail([format!("cannot write {}: {e}", out.display())].into_iter());
    }
}

fn fail(messages: impl Iterator<Item = String>) -> ! {
    for m in messages {
        println!("cargo:warning={m}");
        eprintln!("{m}");
    }
    eprintln!("rule packs have errors: run `cargo run -p mado-rules -- lint`");
    std::process::exit(1);
}

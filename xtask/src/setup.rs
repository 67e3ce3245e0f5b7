//! Installs what is missing, at pinned versions, from package registries only (crates.io,
//! npm, Debian). Each step first checks what is there, so a set-up machine skips it.

use std::path::PathBuf;
use std::process::Command;

use crate::sh::{self, Result, probe, root, run};
use crate::versions;

/// `~/.cargo/bin`, where `cargo install` puts trunk and wasm-bindgen.
fn cargo_bin() -> PathBuf {
    std::env::var_os("CARGO_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo")))
        .unwrap_or_default()
        .join("bin")
}

/// The project's own npm tools (wasm-opt).
pub fn tools_bin() -> PathBuf {
    root().join(".tools/node_modules/.bin")
}

/// PATH with the npm wasm-opt first (before Debian's) and cargo's bin next.
pub fn tool_path() -> std::ffi::OsString {
    let mut parts = vec![tools_bin(), cargo_bin()];
    if let Some(p) = std::env::var_os("PATH") {
        parts.extend(std::env::split_paths(&p));
    }
    std::env::join_paths(parts).unwrap_or_default()
}

/// A command that sees [`tool_path`].
pub fn tool(program: &str) -> Command {
    let mut c = Command::new(program);
    c.env("PATH", tool_path());
    c
}

fn rust_target() -> Result {
    let installed = probe("rustup", &["target", "list", "--installed"]).unwrap_or_default();
    if installed
        .lines()
        .any(|l| l.trim() == "wasm32-unknown-unknown")
    {
        return Ok(());
    }
    run(Command::new("rustup").args(["target", "add", "wasm32-unknown-unknown"]))
}

/// `cargo install` with a fast release profile (no LTO, many codegen units): about 40% less
/// build time on two cores, and the tools work the same.
fn cargo_install(args: &[&str]) -> Result {
    run(Command::new("cargo")
        .arg("install")
        .args(args)
        .env("CARGO_PROFILE_RELEASE_LTO", "false")
        .env("CARGO_PROFILE_RELEASE_CODEGEN_UNITS", "16")
        .env("CARGO_PROFILE_RELEASE_OPT_LEVEL", "1"))
}

fn wasm_bindgen() -> Result {
    let have = probe(
        &cargo_bin().join("wasm-bindgen").to_string_lossy(),
        &["--version"],
    )
    .unwrap_or_default();
    let runner = probe(
        &cargo_bin()
            .join("wasm-bindgen-test-runner")
            .to_string_lossy(),
        &["--version"],
    )
    .unwrap_or_default();
    if have.ends_with(versions::WASM_BINDGEN) && runner.ends_with(versions::WASM_BINDGEN) {
        return Ok(());
    }
    eprintln!(
        "installing wasm-bindgen-cli {} from crates.io (about 3–4 minutes)",
        versions::WASM_BINDGEN
    );
    // Without --locked: its lock file names a webpki-roots release the registry here lacks.
    cargo_install(&[
        "wasm-bindgen-cli",
        "--version",
        versions::WASM_BINDGEN,
        "--force",
    ])
}

fn trunk() -> Result {
    let have =
        probe(&cargo_bin().join("trunk").to_string_lossy(), &["--version"]).unwrap_or_default();
    if have.ends_with(versions::TRUNK) {
        return Ok(());
    }
    eprintln!(
        "installing trunk {} from crates.io (about 7–12 minutes)",
        versions::TRUNK
    );
    cargo_install(&["trunk", "--version", versions::TRUNK, "--locked", "--force"])
}

fn wasm_opt() -> Result {
    let bin = tools_bin().join("wasm-opt");
    let have = probe(&bin.to_string_lossy(), &["--version"]).unwrap_or_default();
    if have.contains(versions::WASM_OPT_VERSION) {
        return Ok(());
    }
    let dir = root().join(".tools");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let manifest = dir.join("package.json");
    if !manifest.exists() {
        std::fs::write(&manifest, "{\"name\":\"mado-tools\",\"private\":true}\n")
            .map_err(|e| format!("cannot write {}: {e}", manifest.display()))?;
    }
    run(Command::new("npm")
        .args(["install", "--no-audit", "--no-fund", "--save-exact"])
        .arg(format!("binaryen@{}", versions::BINARYEN_NPM))
        .current_dir(&dir))
}

/// Installs the Debian packages in `packages` that are missing (needs root, as on CI).
fn apt(packages: &[&str]) -> Result {
    let missing: Vec<&str> = packages
        .iter()
        .copied()
        .filter(|p| {
            !probe("dpkg-query", &["-W", "-f=${Status}", p])
                .is_some_and(|s| s.contains("install ok installed"))
        })
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let root_user = probe("id", &["-u"]).is_some_and(|u| u == "0");
    let apt_get = |args: &[&str]| {
        let mut c = if root_user {
            Command::new("apt-get")
        } else {
            let mut c = Command::new("sudo");
            c.arg("apt-get");
            c
        };
        c.env("DEBIAN_FRONTEND", "noninteractive").args(args);
        c
    };
    run(&mut apt_get(&["update", "-q"]))?;
    let mut install = apt_get(&["install", "-y", "-q", "--no-install-recommends"]);
    install.args(&missing);
    run(&mut install).map_err(|e| {
        format!(
            "{e}; install these Debian packages by hand: {}",
            missing.join(" ")
        )
    })
}

/// The e2e npm packages, exactly as locked; Playwright never downloads a browser.
fn e2e_packages() -> Result {
    let dir = root().join("e2e");
    let marker = dir.join("node_modules/.package-lock.json");
    let lock = dir.join("package-lock.json");
    let fresh = match (std::fs::metadata(&marker), std::fs::metadata(&lock)) {
        (Ok(m), Ok(l)) => m.modified().ok() >= l.modified().ok(),
        _ => false,
    };
    if fresh {
        return Ok(());
    }
    run(Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
        .current_dir(dir))
}

/// What building and running the system needs.
pub fn for_run() -> Result {
    sh::timed(
        "tools for the build (rust target, wasm-bindgen, trunk, wasm-opt, Japanese font)",
        || {
            rust_target()?;
            wasm_opt()?;
            wasm_bindgen()?;
            trunk()?;
            apt(versions::APT_RUN)
        },
    )
}

/// What the test command needs on top: Chromium, its driver, a Japanese font, e2e packages.
pub fn for_test() -> Result {
    for_run()?;
    sh::timed(
        "tools for the tests (chromium, chromedriver, playwright)",
        || {
            apt(versions::APT_TEST)?;
            e2e_packages()
        },
    )
}

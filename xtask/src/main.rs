//! `cargo xtask <command>`: Mado's developer commands.
//!
//! - `run`   — install what is missing, build the frontend (release) and the relay, and run
//!   the whole system on 127.0.0.1:8080 with SQLite in `data/` and the demo office.
//! - `test`  — everything CI checks: fmt, clippy, native tests, wasm tests in headless
//!   Chromium, and Playwright e2e against a freshly started relay.
//! - `bench` — measures bundle sizes, time to interactive and ticket latency into
//!   `BENCHMARKS.md`.
//! - `build` — builds the frontend and the relay only.
//! - `dist`  — one tarball to install on a server without internet (LGWAN): the relay, the
//!   built frontend with its font, the systemd unit, example settings and INSTALL.md; it is
//!   unpacked into a temporary root and started before it is reported.
//! - `size`  — the built bundles' brotli sizes against the lobby's 200 KB budget.
//! - `layers` — imports only point down, in the frontend and the relay, and between crates
//!   (see `xtask/src/layers.rs`, ARCHITECTURE.md).

mod bench;
mod dist;
mod layers;
mod postgres;
mod setup;
mod sh;
mod versions;

use std::path::PathBuf;
use std::process::{Child, Command, ExitCode};
use std::time::{Duration, Instant};

use sh::{Counts, Result, root, run, run_counting, timed};

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("run") => run_system(),
        Some("test") => test(),
        Some("bench") => bench::bench(),
        Some("size") => bench::sizes(),
        Some("layers") => layers::check(),
        Some("dist") => dist::dist(),
        Some("build") => setup::for_run()
            .and_then(|()| build_frontend())
            .and_then(|()| build_relay().map(drop)),
        _ => Err("usage: cargo xtask run | test | bench | build | dist | size | layers".to_owned()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("\nxtask: {e}");
            ExitCode::FAILURE
        }
    }
}

/// Builds `frontend/` into `dist/` with Trunk (release): the lobby bundle into `dist/`, the
/// desk bundle (counter, office, admin) into `dist/desk/` and the resident bundle (guide,
/// booking, status, ticket, check-in) into `dist/resident/`, the language data into
/// `dist/lang/`, then writes `.br` and `.gz` copies of the assets so the relay serves them
/// compressed.
fn build_frontend() -> Result {
    timed(
        "build the frontend (trunk build --release, lobby, desk and resident)",
        || {
            run(Command::new("cargo").arg("fetch").current_dir(root()))?;
            run(setup::tool("trunk")
                .args(["build", "--release"])
                .env("TRUNK_SKIP_VERSION_CHECK", "true")
                .current_dir(root()))?;
            for bundle in ["desk", "resident"] {
                run(setup::tool("trunk")
                    .args(["build", &format!("frontend/{bundle}/index.html")])
                    .args(["--dist", &format!("dist/{bundle}")])
                    .args(["--public-url", &format!("/{bundle}/"), "--release"])
                    .env("TRUNK_SKIP_VERSION_CHECK", "true")
                    .current_dir(root()))?;
            }
            copy_fonts()?;
            localized_packs()?;
            ui_languages()?;
            precompress(&root().join("dist"))?;
            precompress(&root().join("dist").join("desk"))?;
            precompress(&root().join("dist").join("resident"))?;
            precompress(&root().join("dist").join("fonts"))
        },
    )
}

/// The font forms are printed with, and its licence, into `dist/fonts/`.
fn copy_fonts() -> Result {
    let dir = root().join("dist").join("fonts");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let font = std::path::Path::new(versions::FONT_FILE);
    std::fs::copy(font, dir.join(versions::FONT_SERVED_AS)).map_err(|e| {
        format!(
            "cannot copy {}: {e}; install Debian's fonts-ipaexfont-gothic",
            font.display()
        )
    })?;
    let public = root().join("public").join("fonts");
    let entries =
        std::fs::read_dir(&public).map_err(|e| format!("cannot read {}: {e}", public.display()))?;
    for e in entries.flatten() {
        std::fs::copy(e.path(), dir.join(e.file_name()))
            .map_err(|err| format!("cannot copy {}: {err}", e.path().display()))?;
    }
    Ok(())
}

/// The rule packs in each language, `dist/lang/packs/<lang>.json` (issue 22): a page fetches
/// only the one in use (the desk has Japanese in its bundle itself). One run for all.
fn localized_packs() -> Result {
    let dir = root().join("dist").join("lang").join("packs");
    run(Command::new("cargo")
        .args([
            "run",
            "--quiet",
            "-p",
            "mado-rules",
            "--",
            "bundle",
            "--out",
        ])
        .arg(&dir)
        .current_dir(root()))?;
    precompress(&dir)
}

/// The resident screens' texts in each data language: `frontend/i18n/<code>.yaml` (each key's
/// `ja` and `text`) → `dist/lang/ui/<code>.json` (key → text), fetched when a resident chooses
/// the language. Whether each file is complete is a test of the frontend's
/// (`i18n::data`); here a file that cannot be read is an error naming it.
fn ui_languages() -> Result {
    #[derive(serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Entry {
        #[serde(default)]
        #[allow(dead_code)]
        ja: Option<String>,
        text: String,
    }
    let src = root().join("frontend").join("i18n");
    let dir = root().join("dist").join("lang").join("ui");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let entries =
        std::fs::read_dir(&src).map_err(|e| format!("cannot read {}: {e}", src.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let Some(code) = path
            .file_name()
            .and_then(|n| n.to_str())
            .and_then(|n| n.strip_suffix(".yaml"))
        else {
            continue;
        };
        let text = std::fs::read_to_string(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let file: std::collections::BTreeMap<String, Entry> =
            serde_yaml::from_str(&text).map_err(|e| {
                format!(
                    "{}: {e} (expected `key: {{ja: …, text: …}}`)",
                    path.display()
                )
            })?;
        let flat: std::collections::BTreeMap<String, String> =
            file.into_iter().map(|(k, e)| (k, e.text)).collect();
        let json = serde_json::to_string(&flat).map_err(|e| format!("{code}: {e}"))?;
        let out = dir.join(format!("{code}.json"));
        std::fs::write(&out, json).map_err(|e| format!("cannot write {}: {e}", out.display()))?;
    }
    precompress(&dir)
}

fn precompress(dist: &std::path::Path) -> Result {
    let entries =
        std::fs::read_dir(dist).map_err(|e| format!("cannot read {}: {e}", dist.display()))?;
    for entry in entries.flatten() {
        let path = entry.path();
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .unwrap_or_default();
        if !matches!(ext, "wasm" | "js" | "css" | "svg" | "json" | "ttf") {
            continue;
        }
        let raw =
            std::fs::read(&path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let write = |suffix: &str, bytes: Vec<u8>| {
            let mut out = path.clone().into_os_string();
            out.push(suffix);
            std::fs::write(&out, bytes)
                .map_err(|e| format!("cannot write {}: {e}", PathBuf::from(&out).display()))
        };
        write(".br", bench::brotli(&raw))?;
        write(".gz", bench::gzip(&raw))?;
    }
    Ok(())
}

/// Builds the relay with the `relay` profile (optimised, quick to link); returns its path.
fn build_relay() -> Result<PathBuf> {
    timed("build the relay", || {
        run(Command::new("cargo")
            .args([
                "build",
                "--profile",
                "relay",
                "-p",
                "mado-relay",
                "-p",
                "mado-rules",
                "-p",
                "mado-forms",
            ])
            .current_dir(root()))?;
        // `mado-card bench` (the reading flows through the simulator). Built on its own:
        // beside the other packages, `--features mado-card/bench` builds the library with the
        // feature but not the binary that requires it.
        run(Command::new("cargo")
            .args([
                "build",
                "--profile",
                "relay",
                "-p",
                "mado-card",
                "--features",
                "bench",
            ])
            .current_dir(root()))?;
        Ok(root().join("target/relay/mado-relay"))
    })
}

/// Waits until `http://addr/healthz` answers, or the child exits, or 30 s pass.
pub fn wait_healthy(addr: &str, child: &mut Child) -> Result {
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if let Ok(Some(status)) = child.try_wait() {
            return Err(format!(
                "the relay exited ({status}) before it was ready; its message is above"
            ));
        }
        if http_get(addr, "/healthz").is_some_and(|body| body.ends_with("ok")) {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(format!(
        "the relay did not answer on http://{addr}/healthz within 30 s"
    ))
}

/// A minimal HTTP/1.0 GET, enough for a health check.
fn http_get(addr: &str, path: &str) -> Option<String> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(2))).ok()?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut body = String::new();
    s.read_to_string(&mut body).ok()?;
    body.starts_with("HTTP/1.0 200")
        .then(|| body.trim_end().to_owned())
        .or_else(|| {
            body.starts_with("HTTP/1.1 200")
                .then(|| body.trim_end().to_owned())
        })
}

fn run_system() -> Result {
    setup::for_run()?;
    build_frontend()?;
    let relay = build_relay()?;
    let listen = std::env::var("MADO_LISTEN").unwrap_or_else(|_| "127.0.0.1:8080".to_owned());
    let data = std::env::var("MADO_DATA_DIR").map_or_else(|_| root().join("data"), PathBuf::from);
    let mut child = Command::new(&relay)
        .arg("--listen")
        .arg(&listen)
        .arg("--data-dir")
        .arg(&data)
        .arg("--dist-dir")
        .arg(root().join("dist"))
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", relay.display()))?;
    wait_healthy(&listen, &mut child)?;
    let base = format!("http://{listen}");
    println!(
        "\nMado is running (SQLite: {db}). Open:\n\
         \x20 {base}/kiosk     受付機（番号札の発行）\n\
         \x20 {base}/display   ロビーの呼出表示（音声案内は画面のボタンで開始）\n\
         \x20 {base}/queue     職員の窓口呼出（ログインが必要）\n\
         \x20 {base}/counter   窓口の手続きガイドと申請書の印刷（ログインが必要）\n\
         \x20 {base}/apply     ご自宅での手続きガイド（住民向け）\n\
         \x20 {base}/          すべての画面の一覧\n\
         Staff login: ID `admin`; the password is MADO_ADMIN_PASSWORD if you set it before the\n\
         first start, otherwise the one printed above on the first start (saved nowhere else).\n\
         Stop with Ctrl-C. Delete {data_dir} to start over with fresh demo data.",
        db = data.join("mado.sqlite3").display(),
        data_dir = data.display(),
    );
    let status = child.wait().map_err(|e| format!("relay: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("the relay stopped ({status})"))
    }
}

/// The crates with no I/O that must build and pass their tests on wasm32 as well as natively.
const PURE_CRATES: &[&str] = &[
    "mado-civil",
    "mado-wire",
    "mado-rules",
    "mado-forms",
    "mado-card",
];

/// `-p NAME` for each crate.
fn packages(names: &[&str]) -> Vec<String> {
    names
        .iter()
        .flat_map(|n| ["-p".to_owned(), (*n).to_owned()])
        .collect()
}

fn test() -> Result {
    let started = Instant::now();
    setup::for_test()?;
    let mut total = Counts::default();
    let mut counted = |name: &str, cmd: &mut Command| -> Result {
        eprintln!("\n==> {name}");
        let (result, counts) = run_counting(cmd);
        total.passed += counts.passed;
        total.failed += counts.failed;
        result
    };
    timed("layers (imports point down)", layers::check)?;
    timed("rustfmt", || {
        run(Command::new("cargo")
            .args(["fmt", "--all", "--", "--check"])
            .current_dir(root()))
    })?;
    timed("clippy (native, all targets)", || {
        run(Command::new("cargo")
            .args([
                "clippy",
                "--workspace",
                "--all-targets",
                "--",
                "-D",
                "warnings",
            ])
            .current_dir(root()))
    })?;
    timed("clippy (frontend and pure crates for wasm32)", || {
        run(Command::new("cargo")
            .args(["clippy", "--target", "wasm32-unknown-unknown"])
            .args(["-p", "mado-frontend"])
            .args(packages(PURE_CRATES))
            .args(["--", "-D", "warnings"])
            .current_dir(root()))
    })?;
    counted(
        "native tests",
        Command::new("cargo")
            .args(["test", "--workspace"])
            .current_dir(root()),
    )?;
    {
        let pg = timed("throwaway PostgreSQL server", || {
            postgres::Postgres::start(false)
        })?;
        // Every relay test file (the ones that open a database); the relay's unit tests and
        // the other crates' tests do not touch the database and are not run twice. (Cargo
        // resolves features for this selection on its own: a fresh clone builds some
        // dependencies a second time here, once.)
        let mut files: Vec<String> = std::fs::read_dir(root().join("relay/tests"))
            .map_err(|e| format!("relay/tests: {e}"))?
            .filter_map(|e| e.ok()?.file_name().into_string().ok())
            .filter_map(|n| n.strip_suffix(".rs").map(str::to_owned))
            .collect();
        files.sort();
        let mut cmd = Command::new("cargo");
        cmd.args(["test", "--workspace"]);
        for f in &files {
            cmd.args(["--test", f]);
        }
        counted(
            "relay tests again on PostgreSQL (same suite, MADO_TEST_POSTGRES)",
            cmd.env("MADO_TEST_POSTGRES", &pg.url).current_dir(root()),
        )?;
    }
    timed("rule packs: mado-rules lint", || {
        run(Command::new("cargo")
            .args(["run", "--quiet", "-p", "mado-rules", "--", "lint"])
            .current_dir(root()))
    })?;
    counted(
        "rule pack scenarios: mado-rules test",
        Command::new("cargo")
            .args(["run", "--quiet", "-p", "mado-rules", "--", "test"])
            .current_dir(root()),
    )?;
    timed("form templates: mado-forms lint", || {
        run(Command::new("cargo")
            .args(["run", "--quiet", "-p", "mado-forms", "--", "lint"])
            .current_dir(root()))
    })?;
    let webdriver = root().join("e2e/webdriver.json");
    counted(
        "wasm tests in headless Chromium",
        setup::tool("cargo")
            .args(["test", "--target", "wasm32-unknown-unknown"])
            .args(packages(PURE_CRATES))
            .env("CHROMEDRIVER", "/usr/bin/chromedriver")
            .env("WASM_BINDGEN_TEST_WEBDRIVER_JSON", &webdriver)
            .env("WASM_BINDGEN_TEST_TIMEOUT", "120")
            .current_dir(root()),
    )?;
    build_frontend()?;
    let relay = build_relay()?;
    let tarball = timed("pack the install tarball (cargo xtask dist)", || {
        dist::assemble(&relay, &root().join("dist"), &root().join("target/dist"))
    })?;
    timed(
        "unpack the tarball into a temporary root and start the relay",
        || dist::smoke(&tarball),
    )?;
    counted(
        "browser e2e (Playwright, Debian Chromium)",
        Command::new("npx")
            .args(["playwright", "test"])
            .env("MADO_RELAY_BIN", &relay)
            .env("MADO_DIST_DIR", root().join("dist"))
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .current_dir(root().join("e2e")),
    )?;
    eprintln!(
        "\nAll checks passed in {:.0} s.",
        started.elapsed().as_secs_f64()
    );
    println!("tests: {} passed, {} failed", total.passed, total.failed);
    if total.failed > 0 {
        return Err(format!("{} tests failed", total.failed));
    }
    Ok(())
}

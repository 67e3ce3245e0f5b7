//! Every pinned tool version, in one place. Where else a pin must change with these:
//! - `wasm-bindgen` in the root `Cargo.toml` and `Trunk.toml` `[tools].wasm_bindgen` must equal
//!   [`WASM_BINDGEN`] exactly (crate = CLI = test runner);
//! - the Rust toolchain is pinned in `rust-toolchain.toml`;
//! - the e2e npm packages are pinned in `e2e/package.json` and `e2e/package-lock.json`.

/// Trunk. 0.22 needs rustc ≥ 1.96.1; 0.21.14 builds with the pinned 1.95.0.
pub const TRUNK: &str = "0.21.14";
/// wasm-bindgen-cli (gives `wasm-bindgen` and `wasm-bindgen-test-runner`).
pub const WASM_BINDGEN: &str = "0.2.130";
/// binaryen's wasm-opt from npm. Debian's binaryen 108 silently breaks the app (externref table).
pub const BINARYEN_NPM: &str = "132.0.0";
/// The wasm-opt version string the npm package reports.
pub const WASM_OPT_VERSION: &str = "version 132";
/// Debian packages the running system needs: the Japanese font the counter prints forms with
/// (copied into `dist/fonts/`, fetched by browsers only when printing).
pub const APT_RUN: &[&str] = &["fonts-ipaexfont-gothic"];
/// The font file of [`APT_RUN`] and the name it is served under (version in the name, so it
/// can be cached for good).
pub const FONT_FILE: &str = "/usr/share/fonts/opentype/ipaexfont-gothic/ipaexg.ttf";
pub const FONT_SERVED_AS: &str = "ipaexg-00401.ttf";
/// Debian packages the test command needs: the browser and its driver for e2e and wasm tests,
/// a Japanese font so pages render (and screenshots show) Japanese text, the Noto CJK fonts for
/// the Chinese and Korean resident pages (Vietnamese and Portuguese use DejaVu, which comes with
/// the browser), poppler for PDF checks, the PostgreSQL server the relay's tests run against a
/// second time.
pub const APT_TEST: &[&str] = &[
    "chromium",
    "chromium-driver",
    "fonts-ipaexfont-gothic",
    "fonts-noto-cjk",
    "poppler-utils",
    "postgresql",
];

//! `cargo xtask dist`: one tarball a city installs on a server without internet (LGWAN): the
//! relay binary, the built frontend with its font and licence, the systemd unit, an example
//! settings file and INSTALL.md (all from `relay/dist/`). [`smoke`] unpacks it into a
//! temporary root and starts the relay from it, as `cargo xtask test` does after every build.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::sh::{Result, root, run, timed};

/// The unit's settings that a city's security review asks for; [`smoke`] checks each is there.
const UNIT_MUST_HAVE: [&str; 9] = [
    "User=mado",
    "NoNewPrivileges=yes",
    "ProtectSystem=strict",
    "ProtectHome=yes",
    "PrivateTmp=yes",
    "LimitNOFILE=65536",
    "StateDirectory=mado",
    "CapabilityBoundingSet=",
    "EnvironmentFile=/etc/mado/mado-relay.env",
];

fn version() -> Result<String> {
    let manifest = std::fs::read_to_string(root().join("Cargo.toml"))
        .map_err(|e| format!("cannot read Cargo.toml: {e}"))?;
    manifest
        .lines()
        .find_map(|l| l.strip_prefix("version = \"")?.strip_suffix('"'))
        .map(str::to_owned)
        .ok_or_else(|| "Cargo.toml: no workspace version".to_owned())
}

fn copy(from: &Path, to: &Path) -> Result {
    if let Some(parent) = to.parent() {
        std::fs::create_dir_all(parent)
            .map_err(|e| format!("cannot create {}: {e}", parent.display()))?;
    }
    std::fs::copy(from, to)
        .map(drop)
        .map_err(|e| format!("cannot copy {} to {}: {e}", from.display(), to.display()))
}

/// Copies the directory `from` into `to`, with everything in it (the precompressed `.br` and
/// `.gz` copies the relay serves included).
fn copy_tree(from: &Path, to: &Path) -> Result {
    let entries =
        std::fs::read_dir(from).map_err(|e| format!("cannot read {}: {e}", from.display()))?;
    for e in entries.flatten() {
        let path = e.path();
        let target = to.join(e.file_name());
        if path.is_dir() {
            copy_tree(&path, &target)?;
        } else {
            copy(&path, &target)?;
        }
    }
    Ok(())
}

/// Lays out `mado-VERSION/` from the built `relay` binary and the built frontend `dist`, and
/// packs it into `out/mado-VERSION-x86_64-linux.tar.gz`; returns the tarball.
pub fn assemble(relay: &Path, dist: &Path, out: &Path) -> Result<PathBuf> {
    let version = version()?;
    let name = format!("mado-{version}");
    let stage = out.join(&name);
    if stage.exists() {
        std::fs::remove_dir_all(&stage)
            .map_err(|e| format!("cannot clear {}: {e}", stage.display()))?;
    }
    let files = root().join("relay/dist");
    copy(relay, &stage.join("bin/mado-relay"))?;
    copy_tree(dist, &stage.join("share/mado/dist"))?;
    if !stage
        .join("share/mado/dist/fonts/IPA_Font_License_Agreement_v1.0.txt")
        .exists()
    {
        return Err(format!(
            "{}: the built frontend has no font licence; run cargo xtask build",
            dist.display()
        ));
    }
    copy(
        &files.join("mado-relay.service"),
        &stage.join("lib/systemd/system/mado-relay.service"),
    )?;
    copy(
        &files.join("mado-relay.env"),
        &stage.join("etc/mado/mado-relay.env.example"),
    )?;
    copy(&files.join("INSTALL.md"), &stage.join("INSTALL.md"))?;
    let tarball = out.join(format!("{name}-x86_64-linux.tar.gz"));
    run(Command::new("tar")
        .arg("-czf")
        .arg(&tarball)
        .args(["--owner=0", "--group=0", "--numeric-owner", "-C"])
        .arg(out)
        .arg(&name))?;
    Ok(tarball)
}

/// `cargo xtask dist`: builds everything, then [`assemble`]s and [`smoke`]-tests the tarball.
pub fn dist() -> Result {
    crate::setup::for_run()?;
    crate::build_frontend()?;
    let relay = crate::build_relay()?;
    let out = root().join("target/dist");
    let tarball = timed("pack the install tarball", || {
        assemble(&relay, &root().join("dist"), &out)
    })?;
    timed(
        "unpack it into a temporary root and start the relay",
        || smoke(&tarball),
    )?;
    let bytes = std::fs::metadata(&tarball).map(|m| m.len()).unwrap_or(0);
    println!(
        "{} ({:.1} MB): see INSTALL.md inside",
        tarball.display(),
        bytes as f64 / 1_048_576.0
    );
    Ok(())
}

/// Unpacks `tarball` into a temporary root, installs it as INSTALL.md says (paths under the
/// root), starts the relay from it with the example settings, and checks what a city would:
/// `/healthz`, the pages and their font, a login with the example's admin password, a backup
/// from the installed binary, and the systemd unit's sandboxing (with `systemd-analyze verify`
/// where it is installed).
pub fn smoke(tarball: &Path) -> Result {
    let tmp = tempdir()?;
    let result = smoke_in(&tmp, tarball);
    let _ = std::fs::remove_dir_all(&tmp);
    result
}

fn smoke_in(tmp: &Path, tarball: &Path) -> Result {
    run(Command::new("tar")
        .arg("-xzf")
        .arg(tarball)
        .arg("-C")
        .arg(tmp))?;
    let top = std::fs::read_dir(tmp)
        .map_err(|e| format!("cannot read {}: {e}", tmp.display()))?
        .flatten()
        .map(|e| e.path())
        .find(|p| p.is_dir())
        .ok_or("the tarball holds no mado-VERSION directory")?;
    for needed in [
        "bin/mado-relay",
        "share/mado/dist/index.html",
        "share/mado/dist/desk/index.html",
        "share/mado/dist/fonts/IPA_Font_License_Agreement_v1.0.txt",
        "lib/systemd/system/mado-relay.service",
        "etc/mado/mado-relay.env.example",
        "INSTALL.md",
    ] {
        if !top.join(needed).exists() {
            return Err(format!("the tarball has no {needed}"));
        }
    }
    // The settings as installed, with /opt/mado and /var/lib/mado under the temporary root.
    let opt = top.clone();
    let data = tmp.join("var/lib/mado");
    let env = std::fs::read_to_string(top.join("etc/mado/mado-relay.env.example"))
        .map_err(|e| format!("cannot read the example settings: {e}"))?;
    let port = free_port()?;
    let mut relay = Command::new(top.join("bin/mado-relay"));
    relay.env_clear().env("PATH", "/usr/bin:/bin");
    let mut admin_password = String::new();
    for line in env.lines().map(str::trim) {
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let (k, v) = line
            .split_once('=')
            .ok_or_else(|| format!("mado-relay.env: {line:?} is not KEY=value"))?;
        let v = v
            .replace("/opt/mado", &opt.to_string_lossy())
            .replace("/var/lib/mado", &data.to_string_lossy());
        if k == "MADO_ADMIN_PASSWORD" {
            admin_password = v.clone();
        }
        relay.env(k, v);
    }
    if admin_password.len() < 10 {
        return Err("mado-relay.env: MADO_ADMIN_PASSWORD must be a usable example".into());
    }
    let addr = format!("127.0.0.1:{port}");
    relay
        .env("MADO_LISTEN", &addr)
        // Plain HTTP here: the example expects TLS at a proxy.
        .env("MADO_SECURE_COOKIES", "false")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    let mut child = relay
        .spawn()
        .map_err(|e| format!("cannot start the unpacked relay: {e}"))?;
    let checked = (|| {
        crate::wait_healthy(&addr, &mut child)?;
        let page = crate::http_get(&addr, "/").ok_or("GET / failed")?;
        if !page.contains("<html") {
            return Err(format!("GET / is not the kiosk page: {page:.200}"));
        }
        let font = format!("/fonts/{}", crate::versions::FONT_SERVED_AS);
        let bytes = fetch(&addr, &font)?;
        if bytes.len() < 1_000_000 || !bytes.starts_with(&[0, 1, 0, 0]) {
            return Err(format!(
                "GET {font} is not the TrueType font ({} bytes)",
                bytes.len()
            ));
        }
        login(&addr, &admin_password)?;
        let backup = tmp.join("backup.sqlite3");
        let out = Command::new(top.join("bin/mado-relay"))
            .env_clear()
            .env("MADO_DATA_DIR", &data)
            .arg("backup")
            .arg(&backup)
            .output()
            .map_err(|e| format!("cannot run the unpacked relay's backup: {e}"))?;
        if !out.status.success() {
            return Err(format!(
                "backup from the unpacked relay failed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
        Ok(())
    })();
    let _ = child.kill();
    let _ = child.wait();
    checked.and_then(|()| unit(&top))
}

/// The unit has the sandboxing the review asks for, and `systemd-analyze verify` (where it is
/// installed) says nothing of it once its paths point into the unpacked tree (a misspelt
/// setting such as `ProtectSytem=` is only a warning to systemd, and the unit would run
/// without it).
fn unit(top: &Path) -> Result {
    let text = std::fs::read_to_string(top.join("lib/systemd/system/mado-relay.service"))
        .map_err(|e| format!("cannot read the unit: {e}"))?;
    for setting in UNIT_MUST_HAVE {
        if !text.lines().any(|l| l.trim() == setting) {
            return Err(format!("mado-relay.service lacks {setting}"));
        }
    }
    if Command::new("systemd-analyze")
        .arg("--version")
        .stdout(Stdio::null())
        .status()
        .is_err()
    {
        eprintln!("(systemd-analyze is not installed: the unit's syntax was not verified)");
        return Ok(());
    }
    let dir = top.join("verify");
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    let env = dir.join("mado-relay.env");
    copy(&top.join("etc/mado/mado-relay.env.example"), &env)?;
    let local = text
        .replace(
            "/opt/mado/bin/mado-relay",
            &top.join("bin/mado-relay").to_string_lossy(),
        )
        .replace("/etc/mado/mado-relay.env", &env.to_string_lossy());
    let unit = dir.join("mado-relay.service");
    std::fs::write(&unit, local).map_err(|e| format!("cannot write {}: {e}", unit.display()))?;
    let out = Command::new("systemd-analyze")
        .args(["verify", "--man=no"])
        .arg(&unit)
        .output()
        .map_err(|e| format!("cannot run systemd-analyze: {e}"))?;
    // It exits 0 on a misspelt key and only says so: anything it says is a fault.
    let said = String::from_utf8_lossy(&out.stderr);
    let faults: Vec<&str> = said.lines().filter(|l| !l.trim().is_empty()).collect();
    if !out.status.success() || !faults.is_empty() {
        return Err(format!(
            "systemd-analyze verify mado-relay.service: {}",
            faults.join("\n")
        ));
    }
    Ok(())
}

/// Logs in as `admin` with `password`; an error unless the relay accepts it.
fn login(addr: &str, password: &str) -> Result {
    use std::io::{Read, Write};
    let body = format!(r#"{{"login":"admin","password":{password:?}}}"#);
    let mut s = std::net::TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    write!(
        s,
        "POST /api/auth/login HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .map_err(|e| format!("login: {e}"))?;
    let mut answer = String::new();
    s.read_to_string(&mut answer)
        .map_err(|e| format!("login: {e}"))?;
    if answer.starts_with("HTTP/1.1 200") {
        Ok(())
    } else {
        Err(format!(
            "the example's admin password does not log in: {}",
            answer.lines().next().unwrap_or("")
        ))
    }
}

/// The body of `GET path`, any bytes; an error unless it answers 200.
fn fetch(addr: &str, path: &str) -> Result<Vec<u8>> {
    use std::io::{Read, Write};
    let mut s = std::net::TcpStream::connect(addr).map_err(|e| format!("connect: {e}"))?;
    write!(s, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n")
        .map_err(|e| format!("GET {path}: {e}"))?;
    let mut answer = Vec::new();
    s.read_to_end(&mut answer)
        .map_err(|e| format!("GET {path}: {e}"))?;
    let head_end = answer
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .ok_or(format!("GET {path}: no answer"))?;
    let head = String::from_utf8_lossy(&answer[..head_end]).into_owned();
    if !head.starts_with("HTTP/1.0 200") && !head.starts_with("HTTP/1.1 200") {
        return Err(format!("GET {path}: {}", head.lines().next().unwrap_or("")));
    }
    Ok(answer[head_end + 4..].to_vec())
}

fn free_port() -> Result<u16> {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .map_err(|e| format!("no free port: {e}"))
}

/// A fresh directory under the system's temporary directory.
fn tempdir() -> Result<PathBuf> {
    let dir = std::env::temp_dir().join(format!(
        "mado-dist-{}-{}",
        std::process::id(),
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0)
    ));
    std::fs::create_dir_all(&dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    Ok(dir)
}

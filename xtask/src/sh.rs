//! Running commands: echo them, stream their output, fail with the command named.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Instant;

pub type Result<T = ()> = std::result::Result<T, String>;

/// The workspace root (the parent of `xtask/`).
pub fn root() -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_default()
}

fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for a in cmd.get_args() {
        s.push(' ');
        s.push_str(&a.to_string_lossy());
    }
    s
}

/// Runs `cmd` with inherited output; an error names the command and its exit status.
pub fn run(cmd: &mut Command) -> Result {
    let line = describe(cmd);
    eprintln!("$ {line}");
    let status = cmd
        .status()
        .map_err(|e| format!("cannot start `{line}`: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`{line}` failed ({status})"))
    }
}

/// Runs `cmd` and returns its trimmed stdout if it succeeds, `None` otherwise (including
/// when the program does not exist). Used to probe installed tools.
pub fn probe(program: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_owned())
}

/// Test counts seen in a runner's output.
#[derive(Debug, Default, Clone, Copy)]
pub struct Counts {
    pub passed: u64,
    pub failed: u64,
}

/// Reads a closing line of cargo test (`test result: ok. 7 passed; 0 failed; …`),
/// Playwright (`  12 passed (3.4s)`, `  1 failed`) or `mado-rules test` (`219 passed, 0 failed`).
fn count_line(line: &str, counts: &mut Counts) {
    let line = line.trim();
    if let Some(rest) = line.strip_prefix("test result: ") {
        for part in rest.split(';') {
            let words: Vec<&str> = part.split_whitespace().collect();
            if let [.., n, kind] = words.as_slice() {
                let n: u64 = n.parse().unwrap_or(0);
                match *kind {
                    "passed" => counts.passed += n,
                    "failed" => counts.failed += n,
                    _ => {}
                }
            }
        }
        return;
    }
    let words: Vec<&str> = line.split_whitespace().collect();
    if let [p, "passed,", f, "failed"] = words.as_slice()
        && let (Ok(p), Ok(f)) = (p.parse::<u64>(), f.parse::<u64>())
    {
        counts.passed += p;
        counts.failed += f;
        return;
    }
    if let [n, kind, ..] = words.as_slice()
        && let Ok(n) = n.parse::<u64>()
    {
        match *kind {
            "passed" if words.len() == 3 && words[2].starts_with('(') => counts.passed += n,
            "failed" if words.len() == 1 + 1 => counts.failed += n,
            "flaky" if words.len() == 2 => counts.failed += n,
            _ => {}
        }
    }
}

/// Runs a test command, streaming its output and counting its tests.
pub fn run_counting(cmd: &mut Command) -> (Result, Counts) {
    let line = describe(cmd);
    eprintln!("$ {line}");
    let child = cmd.stdout(Stdio::piped()).stderr(Stdio::piped()).spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => {
            return (
                Err(format!("cannot start `{line}`: {e}")),
                Counts::default(),
            );
        }
    };
    let (tx, rx) = mpsc::channel::<(bool, String)>();
    let mut readers = Vec::new();
    for (is_err, pipe) in [
        (
            false,
            child
                .stdout
                .take()
                .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
        ),
        (
            true,
            child
                .stderr
                .take()
                .map(|p| Box::new(p) as Box<dyn std::io::Read + Send>),
        ),
    ] {
        let Some(pipe) = pipe else { continue };
        let tx = tx.clone();
        readers.push(std::thread::spawn(move || {
            for l in BufReader::new(pipe)
                .lines()
                .map_while(std::result::Result::ok)
            {
                let _ = tx.send((is_err, l));
            }
        }));
    }
    drop(tx);
    let mut counts = Counts::default();
    for (is_err, l) in rx {
        if is_err {
            eprintln!("{l}");
        } else {
            println!("{l}");
        }
        count_line(&l, &mut counts);
    }
    for r in readers {
        let _ = r.join();
    }
    let result = match child.wait() {
        Ok(s) if s.success() => Ok(()),
        Ok(s) => Err(format!("`{line}` failed ({s})")),
        Err(e) => Err(format!("`{line}`: {e}")),
    };
    (result, counts)
}

/// Prints how long a step took.
pub fn timed<T>(name: &str, f: impl FnOnce() -> Result<T>) -> Result<T> {
    eprintln!("\n==> {name}");
    let start = Instant::now();
    let out = f();
    let secs = start.elapsed().as_secs_f64();
    match &out {
        Ok(_) => eprintln!("==> {name}: done in {secs:.1} s"),
        Err(e) => eprintln!("==> {name}: FAILED after {secs:.1} s: {e}"),
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn counts(lines: &[&str]) -> (u64, u64) {
        let mut c = Counts::default();
        for l in lines {
            count_line(l, &mut c);
        }
        (c.passed, c.failed)
    }

    #[test]
    fn cargo_and_playwright_closing_lines_are_counted() {
        assert_eq!(
            counts(&[
                "test result: ok. 7 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.02s",
                "test result: FAILED. 3 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out",
                "  5 passed (12.3s)",
                "  1 failed",
                "219 passed, 1 failed",
            ]),
            (234, 4)
        );
    }

    #[test]
    fn ordinary_output_is_not_counted() {
        assert_eq!(
            counts(&[
                "test foo ... ok",
                "3 passed the gate today",
                "failed to compile"
            ]),
            (0, 0)
        );
    }
}

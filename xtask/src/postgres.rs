//! A throwaway PostgreSQL server for the tests and the benchmark: Debian's package (installed
//! by [`crate::setup`] when missing), a new cluster in a temporary directory on a free
//! loopback port, trust authentication, stopped and deleted when dropped.
//!
//! For the tests the cluster runs with `fsync=off`: it lives for one test run, and what the
//! tests check is the relay's behaviour on PostgreSQL, not PostgreSQL's own crash safety. The
//! benchmark runs it durable (`fsync=on`, the default), as SQLite is with `synchronous=FULL`.

use std::path::PathBuf;
use std::process::Command;

use crate::sh::{Result, probe, run};

pub struct Postgres {
    dir: PathBuf,
    bin: PathBuf,
    as_postgres_user: bool,
    /// `postgres://postgres@127.0.0.1:PORT/postgres`: the server's admin database.
    pub url: String,
}

/// The newest `/usr/lib/postgresql/N/bin` that has `initdb`.
fn bin_dir() -> Result<PathBuf> {
    let mut found: Vec<(u32, PathBuf)> = std::fs::read_dir("/usr/lib/postgresql")
        .map_err(|e| format!("PostgreSQL server not installed (/usr/lib/postgresql: {e})"))?
        .filter_map(|e| e.ok())
        .filter_map(|e| {
            let version = e.file_name().to_str()?.parse::<u32>().ok()?;
            let bin = e.path().join("bin");
            bin.join("initdb").exists().then_some((version, bin))
        })
        .collect();
    found.sort();
    found
        .pop()
        .map(|(_, bin)| bin)
        .ok_or_else(|| "no initdb under /usr/lib/postgresql/*/bin".to_owned())
}

fn free_port() -> Result<u16> {
    let socket = std::net::TcpListener::bind("127.0.0.1:0").map_err(|e| e.to_string())?;
    Ok(socket.local_addr().map_err(|e| e.to_string())?.port())
}

impl Postgres {
    /// Creates and starts the cluster (`durable`: with fsync); waits until it accepts
    /// connections.
    pub fn start(durable: bool) -> Result<Self> {
        let bin = bin_dir()?;
        // initdb refuses to run as root: as root (CI), the cluster belongs to Debian's
        // `postgres` system user.
        let as_postgres_user = probe("id", &["-u"]).is_some_and(|u| u == "0");
        let dir = std::env::temp_dir().join(format!("mado-pg-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        if as_postgres_user {
            run(Command::new("chown").args(["postgres:postgres"]).arg(&dir))?;
        }
        let port = free_port()?;
        let server = Self {
            url: format!("postgres://postgres@127.0.0.1:{port}/postgres"),
            dir,
            bin,
            as_postgres_user,
        };
        let data = server.dir.join("data");
        run(server
            .command("initdb")
            .arg("-D")
            .arg(&data)
            .args(["-U", "postgres", "--auth=trust", "-E", "UTF8"])
            .args(["--locale=C.UTF-8", "--no-sync"]))?;
        let options = format!(
            "-p {port} -k {} -c listen_addresses=127.0.0.1 -c max_connections=300 -c fsync={}",
            server.dir.display(),
            if durable { "on" } else { "off" }
        );
        run(server
            .command("pg_ctl")
            .arg("-D")
            .arg(&data)
            .args(["-o", &options, "-l"])
            .arg(server.dir.join("server.log"))
            .args(["-w", "-t", "60", "start"]))?;
        eprintln!("PostgreSQL started: {}", server.url);
        Ok(server)
    }

    /// Runs `sql` in the admin database with `psql` (stopping at the first error).
    pub fn psql(&self, sql: &str) -> Result {
        run(self
            .command("psql")
            .args(["-X", "-q", "-v", "ON_ERROR_STOP=1", "-U", "postgres", "-h"])
            .arg(&self.dir)
            .args(["-p", &self.port(), "-d", "postgres", "-c", sql]))
    }

    /// The URL of database `name` on this server.
    pub fn database_url(&self, name: &str) -> String {
        format!("postgres://postgres@127.0.0.1:{}/{name}", self.port())
    }

    fn port(&self) -> String {
        self.url
            .rsplit_once(':')
            .and_then(|(_, rest)| rest.split('/').next())
            .unwrap_or_default()
            .to_owned()
    }

    /// Brings a new cluster to where a server that has been running is, for a benchmark:
    /// initdb's files on disk (`--no-sync` left them to the kernel, which would write them
    /// back in the middle of a measurement) and WAL segments to write into. A new cluster
    /// creates and zero-fills each 16 MB segment the first time it needs it, and every commit
    /// waits meanwhile; a running one reuses the segments its checkpoints free. About 160 MB
    /// of WAL is written and checkpointed, so the next segments are recycled ones.
    pub fn prepare_as_running(&self) -> Result {
        run(&mut Command::new("sync"))?;
        self.psql(
            "CREATE TABLE mado_warm_wal AS SELECT g, repeat('x', 1000) AS filler FROM generate_series(1, 120000) AS g",
        )?;
        self.psql("DROP TABLE mado_warm_wal")?;
        self.psql("CHECKPOINT")?;
        run(&mut Command::new("sync"))
    }

    fn command(&self, program: &str) -> Command {
        let path = self.bin.join(program);
        if self.as_postgres_user {
            let mut c = Command::new("runuser");
            c.args(["-u", "postgres", "--"]).arg(path);
            c
        } else {
            Command::new(path)
        }
    }
}

impl Drop for Postgres {
    fn drop(&mut self) {
        let _ = self
            .command("pg_ctl")
            .arg("-D")
            .arg(self.dir.join("data"))
            .args(["-m", "immediate", "-w", "stop"])
            .status();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

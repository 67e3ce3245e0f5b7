//! Configuration, from command-line flags or `MADO_*` environment variables.

use std::net::SocketAddr;
use std::path::PathBuf;

/// How the relay runs. Every flag also reads an environment variable.
#[derive(Debug, Clone, clap::Parser)]
#[command(
    name = "mado-relay",
    version,
    about = "Mado relay: frontend, queue API and event streams"
)]
pub struct Config {
    /// Without a command: serve.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Address to listen on.
    #[arg(long, env = "MADO_LISTEN", default_value = "127.0.0.1:8080")]
    pub listen: SocketAddr,
    /// Directory for the SQLite database (created if missing).
    #[arg(long, env = "MADO_DATA_DIR")]
    pub data_dir: Option<PathBuf>,
    /// Database URL; defaults to `sqlite://DATA_DIR/mado.sqlite3`.
    #[arg(long, env = "MADO_DATABASE_URL")]
    pub database_url: Option<String>,
    /// Built frontend to serve (Trunk's `dist/`).
    #[arg(long, env = "MADO_DIST_DIR")]
    pub dist_dir: Option<PathBuf>,
    /// Load the demo office (小倉北区役所) when the database has no office.
    #[arg(long, env = "MADO_DEMO", default_value_t = true, action = clap::ArgAction::Set)]
    pub demo: bool,
    /// Password of the first admin account (login `admin`), used only when no staff account
    /// exists. Without it a random password is generated and printed once.
    #[arg(long, env = "MADO_ADMIN_PASSWORD", hide_env_values = true)]
    pub admin_password: Option<String>,
    /// Mark the session cookie `Secure` (set this behind TLS).
    #[arg(long, env = "MADO_SECURE_COOKIES", default_value_t = false, action = clap::ArgAction::Set)]
    pub secure_cookies: bool,
    /// Days a pre-application is kept after its last change; then it is deleted and only
    /// anonymous counts remain.
    #[arg(long, env = "MADO_SUBMISSION_RETENTION_DAYS", default_value_t = 30)]
    pub submission_retention_days: u32,
    /// Days an entry of the audit trail (logins, views and changes of pre-applications,
    /// changes in 管理) is kept; then it is deleted.
    #[arg(long, env = "MADO_AUDIT_RETENTION_DAYS", default_value_t = 365)]
    pub audit_retention_days: u32,
    /// Start the relay's clock at this instant (RFC 3339, e.g. `2027-03-01T09:00:00+09:00`)
    /// instead of the machine's time; it runs on from there. For staff training on a chosen
    /// day and for browser tests of same-day bookings. Never set in production.
    #[arg(long, env = "MADO_CLOCK")]
    pub clock: Option<String>,
    /// Limit how often one address may log in, take tickets, check in, book and send
    /// pre-applications (see `limits.rs`).
    #[arg(long, env = "MADO_RATE_LIMITS", default_value_t = true, action = clap::ArgAction::Set)]
    pub rate_limits: bool,
    /// Take the client's address from `X-Forwarded-For` (set this behind a reverse proxy that
    /// writes it; never when clients reach the relay directly).
    #[arg(long, env = "MADO_TRUST_FORWARDED_FOR", default_value_t = false, action = clap::ArgAction::Set)]
    pub trust_forwarded_for: bool,
    /// Log as JSON lines instead of text.
    #[arg(long, env = "MADO_LOG_JSON", default_value_t = false, action = clap::ArgAction::Set)]
    pub log_json: bool,
}

/// What `mado-relay` does instead of serving.
#[derive(Debug, Clone, clap::Subcommand)]
pub enum Command {
    /// Copy the database (embedded SQLite) to a new file while the relay serves: a
    /// consistent copy as of one instant, checked and counted.
    Backup {
        /// The new file (never overwritten), e.g. /var/backups/mado/mado-2027-03-01.sqlite3.
        path: PathBuf,
    },
    /// Put a backup in place of the database. Stop the relay first; the database replaced is
    /// kept beside it (mado.sqlite3.before-restore-…).
    Restore {
        /// A file made by `mado-relay backup`.
        path: PathBuf,
    },
}

impl Config {
    /// The database URL in effect.
    pub fn database_url(&self) -> String {
        match (&self.database_url, &self.data_dir) {
            (Some(url), _) => url.clone(),
            (None, Some(dir)) => crate::db::default_url(dir),
            (None, None) => crate::db::default_url(&PathBuf::from("data")),
        }
    }

    /// An in-memory database with the demo office and no frontend, without rate limits: for
    /// tests.
    pub fn for_tests() -> Self {
        Self {
            command: None,
            listen: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: None,
            database_url: Some("sqlite::memory:".into()),
            dist_dir: None,
            demo: true,
            admin_password: None,
            secure_cookies: false,
            log_json: false,
            submission_retention_days: 30,
            audit_retention_days: 365,
            clock: None,
            rate_limits: false,
            trust_forwarded_for: false,
        }
    }
}

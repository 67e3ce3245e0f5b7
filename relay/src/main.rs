//! `mado-relay`: reads the configuration, opens the database, serves until Ctrl-C or SIGTERM.

use axum::serve::ListenerExt;
use clap::Parser;
use mado_relay::{AppState, Command, Config, app, bootstrap_admin};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let config = Config::parse();
    let filter =
        EnvFilter::try_from_env("MADO_LOG").unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn"));
    if config.log_json {
        tracing_subscriber::fmt()
            .json()
            .with_env_filter(filter)
            .init();
    } else {
        tracing_subscriber::fmt().with_env_filter(filter).init();
    }
    let result = match config.command.clone() {
        None => run(config).await,
        Some(command) => once(&config, command).await,
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("mado-relay: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}

/// `mado-relay backup PATH` and `mado-relay restore PATH`.
async fn once(config: &Config, command: Command) -> Result<(), Box<dyn std::error::Error>> {
    let url = config.database_url();
    match command {
        Command::Backup { path } => {
            let summary = mado_relay::backup::backup(&url, &path).await?;
            println!(
                "バックアップを作成しました / backup written: {}",
                path.display()
            );
            println!("  {summary}");
        }
        Command::Restore { path } => {
            let (summary, kept) =
                mado_relay::backup::restore(&url, &path, mado_relay::now_ms()).await?;
            println!(
                "バックアップを戻しました / backup restored: {}",
                path.display()
            );
            println!("  {summary}");
            if let Some(kept) = kept {
                println!(
                    "  それまでのデータベース / the database it replaced: {}",
                    kept.display()
                );
            }
            println!("  リレーを起動してください / start the relay now");
        }
    }
    Ok(())
}

async fn run(config: Config) -> Result<(), Box<dyn std::error::Error>> {
    let listen = config.listen;
    let admin_password = config.admin_password.clone();
    // Every connection and event stream holds a descriptor: take what the system allows
    // before the caps are set from it (issue 21 item 9).
    match mado_relay::conn::raise_open_file_limit() {
        Some((before, after)) if after > before => {
            tracing::info!(before, after, "open-file limit raised");
        }
        Some((_, limit)) => tracing::info!(limit, "open-file limit (already the most allowed)"),
        None => {}
    }
    let state = AppState::open(config).await?;
    if let Some(generated) = bootstrap_admin(&state.db, admin_password.as_deref()).await? {
        // Shown once, on the console only (not in the log): the first admin's password.
        println!("初回起動: 管理者アカウントを作成しました / first start: admin account created");
        println!("  ログインID / login: admin");
        println!("  パスワード / password: {generated}");
        println!("  (この表示は一度だけです / shown only this once)");
    }
    let listener = tokio::net::TcpListener::bind(listen).await?;
    let addr = listener.local_addr()?;
    // Behind a trusted proxy every peer is the proxy: no cap per address on connections
    // (streams are still capped per client, from X-Forwarded-For).
    let caps = mado_relay::conn::Caps::from_open_files(
        mado_relay::conn::open_file_limit(),
        (state.config.rate_limits && !state.config.trust_forwarded_for)
            .then_some(mado_relay::conn::PER_ADDRESS),
    );
    tracing::info!(
        connections = caps.total,
        per_address = ?caps.per_address,
        streams = state.streams.caps().total,
        "connection caps"
    );
    let listener =
        mado_relay::conn::LimitedListener::new(listener, mado_relay::conn::Counter::new(caps))
            .tap_io(|_| {});
    tracing::info!(%addr, database = %redact(&state.config.database_url()), "relay listening");
    println!("Mado relay: http://{addr}/");
    let shutdown = state.shutdown.clone();
    let db = state.db.clone();
    axum::serve(
        listener,
        app(state).into_make_service_with_connect_info::<std::net::SocketAddr>(),
    )
    .with_graceful_shutdown(async move {
        wait_for_signal().await;
        tracing::info!("shutting down");
        shutdown.cancel();
    })
    .await?;
    db.close().await;
    Ok(())
}

/// A database URL without its password, for the log.
fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            format!("{}://…@{}", &url[..scheme], &url[at + 1..])
        }
        _ => url.to_owned(),
    }
}

async fn wait_for_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
}

//! `returns-sync`: the Loop Returns ↔ CloudX integration as a service.
//!
//! ```sh
//! returns-sync check  --config merchants.toml           # test every connection
//! returns-sync run    --config merchants.toml [--json-logs]
//! returns-sync status --config merchants.toml [--merchant ID] [--return ID]
//! returns-sync run    --sandbox                         # against built-in simulators
//! ```

mod check;
mod run;
mod sandbox_mode;
mod status;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use returns_sync::ServiceConfig;

/// The Loop Returns ↔ Bergen Logistics (CloudX) returns integration.
#[derive(Debug, Parser)]
#[command(name = "returns-sync", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Tests every merchant's connections: Loop key and scopes, CloudX
    /// secret and warehouse code, CartRover credentials when configured.
    /// Exits non-zero when any check fails. Secrets are never printed.
    Check {
        /// The configuration file.
        #[arg(long)]
        config: PathBuf,
    },
    /// Runs the engines (and the webhook listener, when configured) until
    /// SIGTERM or Ctrl-C; the passes in progress finish first.
    Run {
        /// The configuration file.
        #[arg(long, required_unless_present = "sandbox", conflicts_with = "sandbox")]
        config: Option<PathBuf>,
        /// Runs against the built-in simulators of Loop and CloudX, with
        /// customers creating returns and a warehouse receiving them; no
        /// configuration or credentials needed.
        #[arg(long)]
        sandbox: bool,
        /// Stops after this many seconds (default: at SIGTERM or Ctrl-C).
        #[arg(long)]
        seconds: Option<u64>,
        /// Logs as JSON lines instead of text.
        #[arg(long)]
        json_logs: bool,
    },
    /// Shows what the store holds: returns by stage per merchant, or one
    /// return's timeline.
    Status {
        /// The configuration file.
        #[arg(long)]
        config: PathBuf,
        /// Only this merchant.
        #[arg(long)]
        merchant: Option<String>,
        /// One return's timeline.
        #[arg(long = "return", value_name = "ID")]
        return_id: Option<String>,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Command::Check { config } => match ServiceConfig::load(&config) {
            Ok(config) => check::run(&config).await,
            Err(e) => Err(e.to_string()),
        },
        Command::Run {
            config,
            sandbox,
            seconds,
            json_logs,
        } => {
            init_logs(json_logs);
            if sandbox {
                sandbox_mode::run(seconds).await
            } else {
                let path = config.expect("clap requires --config without --sandbox");
                match ServiceConfig::load(&path) {
                    Ok(config) => run::run(&config, seconds).await,
                    Err(e) => Err(e.to_string()),
                }
            }
        }
        Command::Status {
            config,
            merchant,
            return_id,
        } => match ServiceConfig::load(&config) {
            Ok(config) => status::run(&config, merchant.as_deref(), return_id.as_deref()).await,
            Err(e) => Err(e.to_string()),
        },
    };
    match outcome {
        Ok(code) => code,
        Err(message) => {
            eprintln!("returns-sync: {message}");
            ExitCode::from(2)
        }
    }
}

/// Logs through `tracing`: `RUST_LOG` filters (default `info`).
fn init_logs(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    // Colours only on a terminal, never in a file or a log collector.
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(std::io::IsTerminal::is_terminal(&std::io::stdout()));
    if json {
        builder.json().init();
    } else {
        builder.init();
    }
}

/// Waits for SIGTERM or Ctrl-C, or `seconds` when given.
async fn shutdown_signal(seconds: Option<u64>) {
    if let Some(seconds) = seconds {
        tokio::time::sleep(std::time::Duration::from_secs(seconds)).await;
        return;
    }
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = term => {}
    }
    tracing::info!("stopping: the passes in progress finish first");
}

//! The sandbox binary: starts the Loop, CloudX and CartRover simulators on
//! loopback, seeded from a seed number, prints their base URLs and
//! credentials, and serves until interrupted (Ctrl-C or SIGTERM).
//!
//! ```text
//! cargo run -p bergen-sandbox -- --seed 42 --returns 100
//! ```

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use sandbox::scenario::{Expectation, ScenarioConfig};
use sandbox::{FaultConfig, Sandbox, SandboxConfig, Simulator};

/// Stateful local simulators of the Loop Returns, CloudX and CartRover APIs.
#[derive(Debug, Parser)]
#[command(name = "sandbox", version, about)]
struct Args {
    /// Seed of the generated data and of the injected faults.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Number of Loop returns to seed.
    #[arg(long, default_value_t = 100)]
    returns: usize,
    /// Number of CartRover orders to seed (default: as many as returns).
    #[arg(long)]
    orders: Option<usize>,
    /// Share of returns (0.0–1.0) with an item missing from the CloudX item master.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    missing_items: f64,
    /// Seconds between two steps of the CloudX warehouse model (0: only on demand,
    /// through `POST /v1/_sim/warehouse/step`).
    #[arg(long, default_value_t = 5)]
    warehouse_every: u64,
    /// Seconds between two CartRover order progression steps (new → at_wms →
    /// shipped; 0: only on demand, through `POST /_sim/advance`).
    #[arg(long, default_value_t = 10)]
    ship_every: u64,
    /// Turn off the vendors' rate limits.
    #[arg(long)]
    no_rate_limits: bool,
    /// Share of requests (0.0–1.0) answered with an injected 5xx, on every simulator.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    error_rate: f64,
    /// Share of requests (0.0–1.0) processed and then answered by a dropped connection.
    #[arg(long, default_value_t = 0.0, value_parser = parse_rate)]
    drop_rate: f64,
    /// Milliseconds of latency added to every request.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Print the base URLs and credentials as one JSON document.
    #[arg(long)]
    json: bool,
}

impl Args {
    fn config(&self) -> SandboxConfig {
        let scenario = ScenarioConfig::new(self.seed, self.returns)
            .with_orders(self.orders.unwrap_or(self.returns))
            .with_missing_items(self.missing_items);
        let mut config = SandboxConfig::default().with_scenario(scenario);
        if self.no_rate_limits {
            config = config.without_rate_limits();
        }
        let every = |secs: u64| (secs > 0).then(|| Duration::from_secs(secs));
        config.cloudx_config.warehouse_model.step_every = every(self.warehouse_every);
        config.cartrover_config.auto_advance = every(self.ship_every);
        let faults = FaultConfig::seeded(self.seed)
            .with_server_errors(self.error_rate)
            .with_drops(self.drop_rate)
            .with_latency(Duration::from_millis(self.latency_ms), Duration::ZERO);
        for simulator in [Simulator::Loop, Simulator::Cloudx, Simulator::Cartrover] {
            *config.faults_mut(simulator) = faults.clone();
        }
        config
    }
}

fn parse_rate(text: &str) -> Result<f64, String> {
    let rate: f64 = text.parse().map_err(|e| format!("not a number: {e}"))?;
    if (0.0..=1.0).contains(&rate) {
        Ok(rate)
    } else {
        Err(format!("{rate} is not between 0.0 and 1.0"))
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let sandbox = match Sandbox::start(args.config()).await {
        Ok(sandbox) => sandbox,
        Err(error) => {
            eprintln!("sandbox: {error}");
            return ExitCode::FAILURE;
        }
    };
    if args.json {
        println!("{:#}", sandbox.connection_info());
    } else {
        print_summary(&sandbox, &args);
    }
    interrupted().await;
    eprintln!("sandbox: shutting down");
    match sandbox.shutdown().await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("sandbox: {error}");
            ExitCode::FAILURE
        }
    }
}

/// Waits for Ctrl-C, or SIGTERM on Unix (how process managers and CI stop a
/// background service).
async fn interrupted() {
    let ctrl_c = async {
        if let Err(error) = tokio::signal::ctrl_c().await {
            eprintln!("sandbox: cannot listen for Ctrl-C ({error})");
            std::future::pending::<()>().await;
        }
    };
    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{SignalKind, signal};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(error) => {
                eprintln!("sandbox: cannot listen for SIGTERM ({error})");
                std::future::pending::<()>().await;
            }
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {}
        () = terminate => {}
    }
}

fn print_summary(sandbox: &Sandbox, args: &Args) {
    let credentials = sandbox.credentials();
    println!("Sandbox running (seed {}). Ctrl-C to stop.", args.seed);
    println!();
    println!("Loop Returns   {}", sandbox.loop_base_url());
    println!("  X-Authorization: {}", credentials.loop_api_key);
    println!("  webhook secret:  {}", credentials.loop_webhook_secret);
    println!("CloudX         {}", sandbox.cloudx_base_url());
    println!(
        "  Authorization: Bearer {}",
        credentials.cloudx_client_secret
    );
    println!("CartRover      {}", sandbox.cartrover_base_url());
    println!(
        "  cart:      {} / {}",
        credentials.cartrover_cart_api_user, credentials.cartrover_cart_api_key
    );
    println!(
        "  merchant:  {} / {} (pk {})",
        credentials.cartrover_merchant_api_user,
        credentials.cartrover_merchant_api_key,
        credentials.cartrover_merchant_pk
    );
    println!(
        "  warehouse: {} / {}",
        credentials.cartrover_warehouse_api_user, credentials.cartrover_warehouse_api_key
    );
    if let Some(scenario) = sandbox.scenario() {
        let counts = scenario.expectation_counts();
        let count = |e| counts.get(&e).copied().unwrap_or(0);
        println!();
        println!(
            "Seeded {} returns ({} to process, {} to flag, {} never arrive, {} with items missing \
             from the item master), {} orders, {} SKUs.",
            scenario.returns().len(),
            count(Expectation::Processed),
            count(Expectation::Flagged),
            count(Expectation::Waiting),
            count(Expectation::AsnRejected),
            scenario.orders().len(),
            scenario.item_master().len(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn command_line_is_well_formed() {
        use clap::CommandFactory;
        Args::command().debug_assert();
    }

    #[test]
    fn flags_reach_the_config() {
        let args = Args::parse_from([
            "sandbox",
            "--seed",
            "7",
            "--returns",
            "12",
            "--error-rate",
            "0.25",
            "--no-rate-limits",
            "--warehouse-every",
            "0",
        ]);
        let config = args.config();
        let scenario = config.scenario.as_ref().expect("a scenario");
        assert_eq!(
            (scenario.seed, scenario.returns, scenario.orders),
            (7, 12, 12)
        );
        assert_eq!(config.loop_config.rate_limit_per_minute, None);
        assert_eq!(config.cloudx_config.warehouse_model.step_every, None);
        assert_eq!(
            config.cartrover_config.auto_advance,
            Some(Duration::from_secs(10))
        );
        assert_eq!(config.cloudx_faults.server_error_rate, 0.25);
        assert_eq!(config.cloudx_faults.seed, 7);
    }

    #[test]
    fn rates_outside_zero_to_one_are_refused() {
        assert!(Args::try_parse_from(["sandbox", "--drop-rate", "1.5"]).is_err());
        assert!(Args::try_parse_from(["sandbox", "--error-rate", "x"]).is_err());
    }
}

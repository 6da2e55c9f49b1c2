//! The main demo: the full returns flow between Loop Returns and the Bergen
//! warehouse (CloudX).
//!
//! ```sh
//! cargo run -p examples --example loop_bergen_sync
//! ```
//!
//! Without credentials it starts the built-in sandbox, seeded with returns
//! whose parcels the simulated warehouse receives with mixed outcomes; with
//! `LOOP_API_KEY`, `CLOUDX_BASE_URL` and `CLOUDX_CLIENT_SECRET` it runs
//! against the real services (see the README). Run it again against the same
//! state and it creates nothing new.

use clap::Parser;
use examples::connect::ReturnsServices;
use examples::progress::Progress;
use examples::settings::SettingsArgs;
use examples::sync::{SyncOptions, run_sync};
use returns_core::IntegrationSettings;
use sandbox::SandboxConfig;
use sandbox::scenario::ScenarioConfig;

/// Pull open Loop returns, send them to Bergen as ASNs, and process or flag
/// them once the warehouse has received them.
#[derive(Debug, Parser)]
struct Args {
    #[command(flatten)]
    settings: SettingsArgs,
    /// Sandbox only: how many returns to seed.
    #[arg(long, default_value_t = 100)]
    returns: usize,
    /// Sandbox only: the seed of the scenario (same seed, same returns).
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Sandbox only: run the flow this many times, to show that a second
    /// run creates nothing new.
    #[arg(long, default_value_t = 2)]
    runs: u32,
    /// Polls of the warehouse before reporting what still waits.
    #[arg(long)]
    poll_rounds: Option<u32>,
    /// Open returns created this many days back are considered.
    #[arg(long, default_value_t = 60)]
    lookback_days: u32,
}

/// The sandbox of the demo: seeded returns, and the vendors' rate limits
/// scaled up tenfold so the demo takes seconds (the clients follow the
/// simulators' limits, so nothing is rejected either way).
fn demo_sandbox(seed: u64, returns: usize) -> SandboxConfig {
    let mut config = SandboxConfig::default().with_scenario(ScenarioConfig::new(seed, returns));
    config.loop_config.rate_limit_per_minute = Some(3_000);
    config.cloudx_config.rate_limit_per_second = Some(100);
    config.cloudx_config.warehouse_model.statuses_per_step = 2;
    config
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let progress = Progress::stderr();
    let (returns, seed) = (args.returns, args.seed);
    let services = ReturnsServices::from_env_or_sandbox(|| demo_sandbox(seed, returns)).await?;
    let defaults = IntegrationSettings::new("BERGEN-NJ-01")
        .with_auto_process(true)
        .with_excluded_sales_channels(["Amazon"]);
    let settings = args
        .settings
        .resolve(defaults, services.warehouse_code.clone())?;
    let on_sandbox = services.sandbox.is_some();
    let options = SyncOptions {
        lookback_days: args.lookback_days,
        poll_rounds: args.poll_rounds.unwrap_or(if on_sandbox { 12 } else { 1 }),
        ..SyncOptions::default()
    };

    println!("Loop → Bergen returns sync against {}", services.describe());
    println!(
        "warehouse {}, items by {}, {} mode, auto-process {}, excluded channels: {}\n",
        settings.warehouse_code,
        settings.product_identification,
        if settings.test_mode { "test" } else { "live" },
        if settings.auto_process { "on" } else { "off" },
        if settings.excluded_sales_channels.is_empty() {
            "none".to_owned()
        } else {
            settings.excluded_sales_channels.join(", ")
        },
    );
    let runs = if on_sandbox { args.runs.max(1) } else { 1 };
    for run in 1..=runs {
        let report = run_sync(&services, &settings, &options, &progress).await?;
        println!("\nRun {run}:\n{}", report.table());
        for result in report
            .results
            .iter()
            .filter(|r| r.outcome.kind() == "failed (retried next run)")
        {
            println!(
                "  failed: return {} — {:?}",
                result.return_id, result.outcome
            );
        }
    }
    if let Some(sandbox) = services.sandbox {
        println!(
            "CloudX received {} ticket creations in all; the second run found every ticket already there.",
            sandbox.cloudx().create_count()
        );
        sandbox.shutdown().await?;
    }
    Ok(())
}

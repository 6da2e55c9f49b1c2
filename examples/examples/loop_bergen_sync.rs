//! The main demo: the returns flow between Loop Returns and the Bergen
//! warehouse (CloudX), through the `returns-sync` engine.
//!
//! ```sh
//! cargo run --example loop_bergen_sync
//! ```
//!
//! Without credentials it starts the built-in sandbox, seeded with returns
//! whose parcels the simulated warehouse receives with mixed outcomes, and
//! keeps the engine's state in an SQLite file in a temporary folder:
//!
//! 1. the engine pulls the returns and creates their ASNs;
//! 2. the simulated warehouse receives the parcels;
//! 3. the engine polls, decides, and processes or flags each return in Loop;
//! 4. it runs once more and does nothing twice.
//!
//! With `LOOP_API_KEY`, `CLOUDX_BASE_URL` and `CLOUDX_CLIENT_SECRET` it makes
//! one pass against the real services (see the README).

use std::sync::Arc;

use clap::Parser;
use examples::connect::ReturnsServices;
use examples::report::{table, timeline};
use examples::returns::{engine, receive_everything};
use examples::settings::SettingsArgs;
use returns_core::IntegrationSettings;
use returns_sync::{EngineOptions, Outcome, SqliteStore, Store, SyncReport};
use sandbox::SandboxConfig;
use sandbox::scenario::ScenarioConfig;

/// Pull Loop returns, send them to Bergen as ASNs, and process or flag them
/// once the warehouse has received them.
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
    /// Returns updated this many days back are pulled on the first run.
    #[arg(long, default_value_t = 60)]
    lookback_days: u64,
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

fn print_run(title: &str, report: &SyncReport) {
    println!("\n{title}:\n{}", table(report));
    for (id, step, error) in report.failures() {
        println!("  failed: return {} at {step}: {error}", id.unwrap_or("-"));
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let (returns, seed) = (args.returns, args.seed);
    let services = ReturnsServices::from_env_or_sandbox(|| demo_sandbox(seed, returns)).await?;
    let defaults = IntegrationSettings::new("BERGEN-NJ-01")
        .with_auto_process(true)
        .with_excluded_sales_channels(["Amazon"]);
    let settings = args
        .settings
        .resolve(defaults, services.warehouse_code.clone())?;
    let folder = tempfile::tempdir()?;
    let path = folder.path().join("returns-sync.db");
    let store: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).await?);
    let options = EngineOptions::default().with_lookback(std::time::Duration::from_secs(
        args.lookback_days.max(1) * 24 * 60 * 60,
    ));

    println!("Loop → Bergen returns sync against {}", services.describe());
    println!(
        "warehouse {}, items by {}, {} mode, auto-process {}, excluded channels: {}",
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
    println!("engine state: {}", path.display());
    let engine = engine(&services, settings, store.clone(), options).await?;

    if services.sandbox.is_none() {
        print_run("One pass", &engine.reconcile_once().await);
        return Ok(());
    }
    let first = engine.reconcile_once().await;
    print_run("Run 1 — returns pulled, ASNs created", &first);
    let steps = receive_everything(&services);
    println!("\nThe simulated warehouse worked {steps} steps: parcels received.");
    let second = engine.reconcile_once().await;
    print_run(
        "Run 2 — tickets polled, receipts decided, Loop updated",
        &second,
    );
    let third = engine.reconcile_once().await;
    print_run("Run 3 — nothing left to do, nothing done twice", &third);

    // Two sample timelines: one processed, one flagged.
    let samples = [
        second
            .returns
            .iter()
            .find(|r| matches!(r.outcome, Outcome::Processed { .. })),
        second
            .returns
            .iter()
            .find(|r| matches!(r.outcome, Outcome::Flagged { .. })),
    ];
    for sample in samples.into_iter().flatten() {
        println!(
            "\nTimeline of return {} ({}), {}:",
            sample.return_id,
            sample.order_name,
            sample.outcome.kind()
        );
        print!("{}", timeline(&store.timeline(&sample.return_id).await?));
    }
    if let Some(sandbox) = services.sandbox {
        println!(
            "\nCloudX received {} ticket creations in all; runs 2 and 3 created none.",
            sandbox.cloudx().create_count()
        );
        sandbox.shutdown().await?;
    }
    Ok(())
}

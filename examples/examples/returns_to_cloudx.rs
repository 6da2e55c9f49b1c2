//! The one-way flow: Loop returns → channel exclusion → ASNs → CloudX
//! receiving tickets, printing each ticket.
//!
//! ```sh
//! cargo run -p examples --example returns_to_cloudx -- --identify-by barcode --test-mode
//! ```
//!
//! Without credentials it runs against the built-in sandbox; with
//! `LOOP_API_KEY`, `CLOUDX_BASE_URL` and `CLOUDX_CLIENT_SECRET` against the
//! real services. Tickets are keyed by a reference derived from the return
//! and shipment, so running it again finds the same tickets.

use clap::Parser;
use examples::connect::ReturnsServices;
use examples::progress::Progress;
use examples::report::render;
use examples::settings::SettingsArgs;
use examples::sync::{SyncOptions, send_to_warehouse};
use returns_core::IntegrationSettings;
use sandbox::SandboxConfig;
use sandbox::scenario::ScenarioConfig;

/// Send open Loop returns to Bergen as receiving tickets.
#[derive(Debug, Parser)]
struct Args {
    #[command(flatten)]
    settings: SettingsArgs,
    /// Sandbox only: how many returns to seed.
    #[arg(long, default_value_t = 25)]
    returns: usize,
    /// Sandbox only: the seed of the scenario.
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Open returns created this many days back are considered.
    #[arg(long, default_value_t = 60)]
    lookback_days: u32,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let (returns, seed) = (args.returns, args.seed);
    let services = ReturnsServices::from_env_or_sandbox(|| {
        SandboxConfig::default().with_scenario(ScenarioConfig::new(seed, returns))
    })
    .await?;
    let defaults =
        IntegrationSettings::new("BERGEN-NJ-01").with_excluded_sales_channels(["Amazon"]);
    let settings = args
        .settings
        .resolve(defaults, services.warehouse_code.clone())?;
    let options = SyncOptions {
        lookback_days: args.lookback_days,
        ..SyncOptions::default()
    };
    println!("Returns → CloudX against {}", services.describe());
    let (report, tickets) =
        send_to_warehouse(&services, &settings, &options, &Progress::stderr()).await?;

    println!();
    for ticket in &tickets {
        let lines: Vec<String> = ticket
            .lines
            .iter()
            .map(|line| {
                let item = line
                    .sku
                    .as_ref()
                    .map(ToString::to_string)
                    .or_else(|| line.upc.as_ref().map(ToString::to_string));
                format!("{}×{}", item.unwrap_or_default(), line.expected_quantity)
            })
            .collect();
        println!(
            "{id:<14} {kind:<6} {status:<18} ref {reference:<24} rma {rma:<10} {lines}",
            id = ticket.id.to_string(),
            kind = format!("{:?}", ticket.kind),
            status = ticket.status.to_string(),
            reference = ticket.reference_number.to_string(),
            rma = ticket.rma_number.clone().unwrap_or_default(),
            lines = lines.join(", "),
        );
    }
    let rows: Vec<(String, String)> = report
        .counts()
        .into_iter()
        .map(|(kind, n)| (kind.to_owned(), n.to_string()))
        .chain([
            (
                "receiving tickets created".to_owned(),
                report.tickets_created.to_string(),
            ),
            (
                "receiving tickets already there".to_owned(),
                report.tickets_existing.to_string(),
            ),
        ])
        .collect();
    println!("\n{}", render(&[("returns", "count")], &rows));
    if let Some(sandbox) = services.sandbox {
        sandbox.shutdown().await?;
    }
    Ok(())
}

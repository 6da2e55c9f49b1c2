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

use std::sync::Arc;

use clap::Parser;
use cloudx_client::TicketId;
use cloudx_client::prelude::*;
use examples::connect::ReturnsServices;
use examples::report::table;
use examples::returns::engine;
use examples::settings::SettingsArgs;
use returns_core::IntegrationSettings;
use returns_sync::{EngineOptions, MemoryStore, Outcome};
use sandbox::SandboxConfig;
use sandbox::scenario::ScenarioConfig;

/// Send Loop returns to Bergen as receiving tickets.
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
    /// Returns updated this many days back are pulled.
    #[arg(long, default_value_t = 60)]
    lookback_days: u64,
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
    let options = EngineOptions::default().with_lookback(std::time::Duration::from_secs(
        args.lookback_days.max(1) * 24 * 60 * 60,
    ));
    println!("Returns → CloudX against {}", services.describe());
    // One pass sends every new return to the warehouse; no receipt is judged
    // in the pass that created its ASN.
    let engine = engine(&services, settings, Arc::new(MemoryStore::new()), options).await?;
    let report = engine.reconcile_once().await;

    println!();
    for r in &report.returns {
        let Outcome::AtWarehouse { tickets } = &r.outcome else {
            continue;
        };
        for id in tickets {
            let ticket = services
                .cloudx
                .get_ticket(&TicketId::new(id.as_str()))
                .await?;
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
                "{id:<14} {kind:<6} {status:<18} ref {reference:<26} rma {rma:<10} {lines}",
                id = ticket.id.to_string(),
                kind = ticket.kind.to_string(),
                status = ticket.status.to_string(),
                reference = ticket.reference_number.to_string(),
                rma = ticket.rma_number.clone().unwrap_or_default(),
                lines = lines.join(", "),
            );
        }
    }
    println!("\n{}", table(&report));
    if let Some(sandbox) = services.sandbox {
        sandbox.shutdown().await?;
    }
    Ok(())
}

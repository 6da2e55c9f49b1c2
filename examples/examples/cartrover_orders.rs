//! The orders flow through CartRover: read inventory, batch-create orders,
//! follow them until Bergen ships them, print the tracking, confirm them.
//!
//! ```sh
//! cargo run -p examples --example cartrover_orders
//! ```
//!
//! Without credentials it runs against the built-in sandbox. With the four
//! `CARTROVER_*` credentials it talks to the real CartRover, and then
//! creates real orders only when `--allow-live-orders` is given.

use clap::Parser;
use examples::connect::OrderServices;
use examples::orders::{OrdersOptions, run_orders};
use examples::progress::Progress;
use examples::report::render;
use sandbox::SandboxConfig;
use sandbox::scenario::ScenarioConfig;

/// Push orders through CartRover to Bergen and follow them to shipped.
#[derive(Debug, Parser)]
struct Args {
    /// Orders to create.
    #[arg(long, default_value_t = 5)]
    orders: usize,
    /// Order keys are PREFIX-0001, PREFIX-0002, …
    #[arg(long, default_value = "DEMO")]
    prefix: String,
    /// Required to create orders on the real CartRover.
    #[arg(long)]
    allow_live_orders: bool,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let services = OrderServices::from_env_or_sandbox(|| {
        SandboxConfig::default().with_scenario(ScenarioConfig::new(42, 0).with_orders(0))
    })
    .await?;
    if services.sandbox.is_none() && !args.allow_live_orders {
        return Err(
            "CARTROVER_* credentials are set: this would create real orders; \
                    pass --allow-live-orders to go ahead"
                .into(),
        );
    }
    let options = OrdersOptions {
        count: args.orders,
        prefix: args.prefix,
        ..OrdersOptions::default()
    };
    println!(
        "CartRover orders against {}",
        match &services.sandbox {
            Some(sandbox) => format!("sandbox ({})", sandbox.cartrover_base_url()),
            None => "the real CartRover".to_owned(),
        }
    );
    let report = run_orders(&services, &options, &Progress::stderr()).await?;

    let rows: Vec<(String, String)> = report
        .orders
        .iter()
        .map(|order| {
            let status = order.status.as_ref().map_or("unknown", |s| s.as_str());
            let detail = match &order.error {
                Some(error) => format!("{status}; error: {error}"),
                None => format!("{status}; {}", order.tracking.join(", ")),
            };
            (order.cust_ref.clone(), detail)
        })
        .chain(
            report
                .refused
                .iter()
                .map(|(key, why)| (key.clone(), format!("refused: {why}"))),
        )
        .collect();
    println!("\n{}", render(&[("order", "status; tracking")], &rows));

    let stock: Vec<(String, String)> = report
        .inventory
        .iter()
        .take(10)
        .map(|item| {
            let available = item.qty_available.map_or("?".to_owned(), |q| q.to_string());
            (item.sku.to_string(), available)
        })
        .collect();
    println!(
        "Inventory ({} SKUs, first 10):\n{}",
        report.inventory.len(),
        render(&[("sku", "available")], &stock)
    );
    if let Some(sandbox) = services.sandbox {
        sandbox.shutdown().await?;
    }
    Ok(())
}

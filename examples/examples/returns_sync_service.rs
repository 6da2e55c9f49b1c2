//! The engine as a long-running service: scheduled pulls and polls, Loop's
//! webhooks on a local port, and a graceful stop on Ctrl-C — against the
//! built-in sandbox, whose Loop delivers signed webhooks to it.
//!
//! ```sh
//! cargo run --example returns_sync_service                 # until Ctrl-C
//! cargo run --example returns_sync_service -- --seconds 20 # or for a while
//! ```
//!
//! Customers create a return every couple of seconds; Loop sends the
//! `return.created` webhook; the service stores it, answers 200 and creates
//! the ASN at once; the simulated warehouse receives parcels now and then;
//! the next poll decides and processes or flags the return in Loop. Each
//! step is printed as it happens.

use std::collections::HashMap;
use std::time::Duration;

use clap::Parser;
use cloudx_client::CloudxClient;
use loop_client::LoopClient;
use returns_core::IntegrationSettings;
use returns_sync::{EngineOptions, Outcome, SqliteStore, SyncEngine, SyncReport, webhooks};
use sandbox::scenario::{Scenario, ScenarioConfig};
use sandbox::{Sandbox, SandboxConfig};
use time::OffsetDateTime;

/// Run the returns-sync engine as a service against the sandbox.
#[derive(Debug, Parser)]
struct Args {
    /// Stop after this many seconds (default: run until Ctrl-C).
    #[arg(long)]
    seconds: Option<u64>,
    /// Seconds between two new returns.
    #[arg(long, default_value_t = 2.0)]
    every: f64,
    /// Seconds between two polls of the open tickets.
    #[arg(long, default_value_t = 5)]
    poll: u64,
    /// The seed of the returns customers create.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

/// Prints what changed for each return since the last report.
fn print_progress(last: &mut HashMap<String, String>, report: &SyncReport) {
    let at = OffsetDateTime::now_utc().time();
    for r in &report.returns {
        let what = match &r.outcome {
            Outcome::AtWarehouse { tickets } if !tickets.is_empty() => {
                format!("at the warehouse as {}", tickets.join(", "))
            }
            Outcome::Waiting { reason } => format!("waiting: {reason}"),
            Outcome::Flagged { reasons } => format!("flagged: {}", reasons.join("; ")),
            Outcome::Failed { step, error } => format!("failed at {step} (retried): {error}"),
            other => other.kind().to_owned(),
        };
        if last.get(&r.return_id) == Some(&what) {
            continue;
        }
        last.insert(r.return_id.clone(), what.clone());
        println!(
            "{:02}:{:02}:{:02}  return {} {:<8} {what}",
            at.hour(),
            at.minute(),
            at.second(),
            r.return_id,
            r.order_name
        );
    }
    for (_, step, error) in report.failures().filter(|(id, ..)| id.is_none()) {
        println!("  run failed at {step}: {error}");
    }
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = Args::parse();
    let mut config = SandboxConfig::default();
    config.cloudx_config.warehouse_model.statuses_per_step = 3;
    let sandbox = Sandbox::start(config).await?;
    // Returns the customers will create, and their items in the item master.
    let scenario = Scenario::generate(&ScenarioConfig::new(args.seed, 200));
    for item in scenario.item_master() {
        sandbox
            .cloudx()
            .insert_item(&item.sku, Some(&item.upc), Some(&item.description()));
    }
    let credentials = sandbox.credentials();
    let loop_client = LoopClient::builder(credentials.loop_api_key)
        .base_url(sandbox.loop_base_url())
        .build()?;
    let cloudx = CloudxClient::builder(credentials.cloudx_client_secret)
        .base_url(sandbox.cloudx_base_url())
        .build()?;
    let settings = IntegrationSettings::new("BERGEN-NJ-01")
        .with_auto_process(true)
        .with_excluded_sales_channels(["Amazon"]);
    let folder = tempfile::tempdir()?;
    let store = SqliteStore::open(folder.path().join("returns-sync.db")).await?;
    let options = EngineOptions::default()
        .with_pull_interval(Duration::from_secs(60))
        .with_poll_interval(Duration::from_secs(args.poll.max(1)));
    let engine = SyncEngine::builder(loop_client.clone(), cloudx, settings)
        .store(store)
        .options(options)
        .build()
        .await?;

    // Loop's webhooks, on a local port the sandbox delivers to.
    let secret = sandbox.loop_sim().config().webhook_secret.clone();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!(
        "http://{}{}",
        listener.local_addr()?,
        webhooks::WEBHOOK_PATH
    );
    tokio::spawn(axum::serve(listener, webhooks::router(engine.clone(), secret)).into_future());
    let setup = webhooks::ensure_subscriptions(&loop_client, &url).await?;
    println!(
        "returns-sync service: webhooks at {url} ({} subscriptions created), polling every {} s; Ctrl-C stops it",
        setup.created.len(),
        args.poll.max(1)
    );

    // Customers create returns; the warehouse works now and then.
    let customers = {
        let loop_sim = sandbox.loop_sim().clone();
        let returns: Vec<_> = scenario.returns().to_vec();
        let every = Duration::from_secs_f64(args.every.max(0.1));
        tokio::spawn(async move {
            for ret in returns {
                tokio::time::sleep(every).await;
                loop_sim.insert_return(ret);
            }
        })
    };
    let warehouse = {
        let cloudx = sandbox.cloudx().clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                cloudx.work_warehouse();
            }
        })
    };

    let seconds = args.seconds;
    let shutdown = async move {
        match seconds {
            Some(s) => tokio::time::sleep(Duration::from_secs(s)).await,
            None => {
                let _ = tokio::signal::ctrl_c().await;
            }
        }
        println!("stopping: the pass in progress finishes first");
    };
    let mut last = HashMap::new();
    engine
        .run(shutdown, |report| print_progress(&mut last, report))
        .await;
    customers.abort();
    warehouse.abort();
    if let Ok(counts) = engine.store().stage_counts().await {
        let counts: Vec<String> = counts
            .iter()
            .map(|(stage, n)| format!("{n} {stage}"))
            .collect();
        println!("stopped; returns by stage: {}", counts.join(", "));
    }
    sandbox.shutdown().await?;
    Ok(())
}

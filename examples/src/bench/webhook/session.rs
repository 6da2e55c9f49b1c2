//! One measured session: a sandbox with its vendor limits, the engine with
//! default settings behind the webhook router on a loopback port, returns
//! created in Loop on a schedule, and each return's latency read at the end.

use std::collections::HashMap;
use std::time::Duration;

use cloudx_client::CloudxClient;
use loop_client::LoopClient;
use returns_core::IntegrationSettings;
use returns_sync::{SqliteStore, SyncEngine, webhooks};
use sandbox::scenario::{Scenario, ScenarioConfig};
use sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use tokio::sync::watch;

use super::arrivals::Arrivals;
use super::delivery::Deliveries;
use crate::bench::error::BenchError;

/// The channel the merchant excludes (its returns are left out of the
/// schedule: they never get a ticket).
const EXCLUDED: &str = "Amazon";

/// How long after the last arrival the tickets may still come.
const SETTLE: Duration = Duration::from_secs(30);

/// A return to create during the session.
struct Planned {
    id: String,
    body: Value,
    shipments: usize,
}

/// What a session saw.
#[derive(Debug, Clone, Default)]
pub struct Session {
    /// Delivery → last ticket, one per return that got all its tickets,
    /// sorted.
    pub latencies: Vec<Duration>,
    /// Returns that lacked a delivery or a ticket when the session ended.
    pub missing: usize,
    /// Returns with more tickets than shipments.
    pub duplicated: usize,
}

fn settings() -> IntegrationSettings {
    IntegrationSettings::new("BERGEN-NJ-01")
        .with_auto_process(true)
        .with_excluded_sales_channels([EXCLUDED])
}

/// Runs the returns of `arrivals` through webhooks and reads the latencies.
///
/// # Errors
/// A sandbox, store, engine or server that cannot start.
pub async fn measure(arrivals: Arrivals) -> Result<Session, BenchError> {
    let sandbox = Sandbox::start(SandboxConfig::default()).await?;
    let planned = seed(&sandbox, arrivals.count())?;
    let dir = tempfile::tempdir().map_err(|e| setup("a temporary folder", e))?;
    let engine = engine(&sandbox, &dir.path().join("returns-sync.db")).await?;

    let deliveries = Deliveries::default();
    let secret = sandbox.loop_sim().config().webhook_secret.clone();
    let router = deliveries.stamping(webhooks::router(engine.clone(), secret));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(BenchError::Serve)?;
    let address = listener.local_addr().map_err(BenchError::Serve)?;
    let (stop, stopped) = watch::channel(false);
    let server = {
        let stopped = stopped_signal(stopped.clone());
        tokio::spawn(async move {
            axum::serve(listener, router)
                .with_graceful_shutdown(stopped)
                .await
        })
    };
    let url = format!("http://{address}{}", webhooks::WEBHOOK_PATH);
    let loop_client = default_loop_client(&sandbox)?;
    webhooks::ensure_subscriptions(&loop_client, &url).await?;

    let (passes, mut passed) = watch::channel(0usize);
    let runner = {
        let engine = engine.clone();
        tokio::spawn(async move {
            engine
                .run(stopped_signal(stopped), move |_| {
                    passes.send_modify(|n| *n += 1);
                })
                .await;
        })
    };
    // `run` handles the inbox, then pulls (nothing yet): from then on only
    // webhooks act — the next pull is minutes away.
    let _ = passed.wait_for(|n| *n >= 2).await;

    let offsets = arrivals.offsets();
    let last = offsets.last().copied().unwrap_or_default();
    let bodies: Vec<Value> = planned.iter().map(|p| p.body.clone()).collect();
    let loop_sim = sandbox.loop_sim().clone();
    let creator = tokio::spawn(async move {
        let start = tokio::time::Instant::now();
        for (offset, body) in offsets.into_iter().zip(bodies) {
            tokio::time::sleep_until(start + offset).await;
            loop_sim.insert_return(body);
        }
    });
    let tickets = wait_for_tickets(&sandbox, &planned, last + SETTLE).await;
    let _ = creator.await;
    let _ = stop.send(true);
    let _ = runner.await;
    let _ = server.await;
    sandbox.shutdown().await?;
    Ok(read(&planned, &tickets, &deliveries))
}

/// A sandbox's worth of new returns: open, every item in the CloudX item
/// master, not excluded, at least one shipment. Creating one in Loop is what
/// makes Loop send `return.created`.
fn seed(sandbox: &Sandbox, count: usize) -> Result<Vec<Planned>, BenchError> {
    let scenario = Scenario::generate(&ScenarioConfig::new(11, count * 2 + 10));
    for item in scenario.item_master() {
        sandbox
            .cloudx()
            .insert_item(&item.sku, Some(&item.upc), Some(&item.description()));
    }
    let planned: Vec<Planned> = scenario
        .returns()
        .iter()
        .zip(scenario.plans())
        .filter(|(_, plan)| {
            plan.missing_skus.is_empty()
                && !plan.shipments.is_empty()
                && !plan.channel.eq_ignore_ascii_case(EXCLUDED)
        })
        .map(|(body, plan)| Planned {
            id: plan.return_id.clone(),
            body: body.clone(),
            shipments: plan.shipments.len(),
        })
        .take(count)
        .collect();
    if planned.len() < count {
        return Err(BenchError::Setup {
            what: "the webhook scenario",
            message: format!("only {} of {count} returns can be sent", planned.len()),
        });
    }
    Ok(planned)
}

/// The engine as a user builds it: default options, clients with only the
/// base URL and credentials, a SQLite file.
async fn engine(sandbox: &Sandbox, path: &std::path::Path) -> Result<SyncEngine, BenchError> {
    let cloudx = CloudxClient::builder(sandbox.credentials().cloudx_client_secret)
        .base_url(sandbox.cloudx_base_url())
        .build()?;
    let store = SqliteStore::open(path)
        .await
        .map_err(|e| setup("the SQLite store", e))?;
    SyncEngine::builder(default_loop_client(sandbox)?, cloudx, settings())
        .store(store)
        .build()
        .await
        .map_err(|e| setup("the engine", e))
}

fn default_loop_client(sandbox: &Sandbox) -> Result<LoopClient, BenchError> {
    Ok(LoopClient::builder(sandbox.credentials().loop_api_key)
        .base_url(sandbox.loop_base_url())
        .build()?)
}

/// Resolves once `stopped` says stop (or its sender is gone).
async fn stopped_signal(mut stopped: watch::Receiver<bool>) {
    let _ = stopped.wait_for(|stop| *stop).await;
}

/// Waits until every planned return has its tickets or `deadline` has
/// passed; the simulator's tickets then.
async fn wait_for_tickets(
    sandbox: &Sandbox,
    planned: &[Planned],
    deadline: Duration,
) -> Vec<Value> {
    let until = tokio::time::Instant::now() + deadline;
    loop {
        let tickets = sandbox.cloudx().tickets();
        let per_return = count_by_return(&tickets);
        let done = planned
            .iter()
            .all(|p| per_return.get(p.id.as_str()).copied().unwrap_or(0) >= p.shipments);
        if done || tokio::time::Instant::now() >= until {
            return tickets;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

fn count_by_return(tickets: &[Value]) -> HashMap<&str, usize> {
    let mut per_return = HashMap::new();
    for ticket in tickets {
        if let Some(rma) = ticket["rma_number"].as_str() {
            *per_return.entry(rma).or_default() += 1;
        }
    }
    per_return
}

/// Each return's latency: its last ticket's `created_at` (the simulator's
/// wall clock, to the millisecond) minus its delivery stamp.
fn read(planned: &[Planned], tickets: &[Value], deliveries: &Deliveries) -> Session {
    let mut last_created: HashMap<&str, OffsetDateTime> = HashMap::new();
    for ticket in tickets {
        let (Some(rma), Some(created)) = (
            ticket["rma_number"].as_str(),
            ticket["created_at"]
                .as_str()
                .and_then(|at| OffsetDateTime::parse(at, &Rfc3339).ok()),
        ) else {
            continue;
        };
        let latest = last_created.entry(rma).or_insert(created);
        *latest = (*latest).max(created);
    }
    let per_return = count_by_return(tickets);
    let mut session = Session::default();
    for p in planned {
        let count = per_return.get(p.id.as_str()).copied().unwrap_or(0);
        if count > p.shipments {
            session.duplicated += 1;
        }
        match (deliveries.of(&p.id), last_created.get(p.id.as_str())) {
            (Some(delivered), Some(created)) if count >= p.shipments => {
                // A clock step between the two stamps could make it negative.
                let latency = Duration::try_from(*created - delivered).unwrap_or_default();
                session.latencies.push(latency);
            }
            _ => session.missing += 1,
        }
    }
    session.latencies.sort();
    session
}

fn setup(what: &'static str, error: impl std::fmt::Display) -> BenchError {
    BenchError::Setup {
        what,
        message: error.to_string(),
    }
}

//! Several workers over one shared store, several merchants each, against
//! the sandbox with faults: the proof that scale-out never acts twice and
//! that a worker which dies strands nothing.
//!
//! Each merchant has its own sandbox (its own Loop shop and CloudX
//! account). Every worker is a [`Service`] with one engine per merchant,
//! all sharing one store (a PostgreSQL database, or SQLite files); a worker
//! may be aborted part way, leaving its leases to expire. Everything is
//! counted from the simulators' state, never from the engines' reports.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use returns_core::IntegrationSettings;
use returns_sync::config::{
    CloudxConfig, LoopConfig, MerchantConfig, MerchantSecrets, StoreConfig,
};
use returns_sync::{EngineOptions, ResolvedMerchant, Service, SyncEngine, SyncReport, open_stores};
use sandbox::scenario::{Expectation, ScenarioConfig};
use sandbox::{FaultConfig, Sandbox, SandboxConfig, Simulator};

/// The channel the merchants exclude.
const EXCLUDED: &str = "Amazon";

/// What to run.
#[derive(Debug, Clone)]
pub struct ScaleRun {
    /// Merchants (one sandbox each).
    pub merchants: usize,
    /// Returns per merchant.
    pub returns: usize,
    /// Workers sharing the store.
    pub workers: usize,
    /// Share of vendor calls faulted (half 5xx, half dropped after the
    /// vendor stored the write).
    pub fault_rate: f64,
    /// Aborts worker 0 once this share of the tickets exists.
    pub abort_one_at: Option<f64>,
    /// How long a worker's claim lasts.
    pub lease: Duration,
    /// Gives up after this long.
    pub deadline: Duration,
    /// Latency the simulators add to every call (latency-bound runs).
    pub latency: Duration,
    /// Whether the clients keep their default limiters (CloudX 10 calls a
    /// second, Loop 300 a minute), as a configured service has them; off
    /// for latency-bound runs, where they, not the workers, would bind.
    pub client_limits: bool,
    /// The shared store.
    pub store: StoreConfig,
    /// The PostgreSQL URL when `store` is PostgreSQL.
    pub postgres_url: Option<String>,
    /// Seed of the scenarios and faults.
    pub seed: u64,
}

/// What the simulators hold at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ScaleResult {
    /// Returns in all merchants' scenarios.
    pub returns: usize,
    /// Returns in the state their plan says (processed, flagged, open, or
    /// never sent).
    pub as_planned: usize,
    /// Tickets in CloudX.
    pub tickets: usize,
    /// References with more than one ticket.
    pub duplicate_tickets: usize,
    /// Notes written twice on a return.
    pub duplicate_notes: usize,
    /// Returns whose process/flag action Loop accepted more than once.
    pub duplicate_actions: usize,
    /// Returns not as planned when the run ended (listed, at most 10).
    pub not_as_planned: Vec<String>,
    /// Whether a worker was aborted.
    pub aborted_worker: bool,
    /// Wall time until every return was as planned (or the deadline).
    pub elapsed: Duration,
    /// What the workers' reports say they did, summed over every worker.
    pub work: Work,
}

/// Steps summed from every worker's reports (where the time went when
/// workers are added).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Work {
    /// Returns read from Loop (every worker's pulls, re-reads and events).
    pub pulled: usize,
    /// Tickets read back from CloudX.
    pub tickets_polled: usize,
    /// Returns skipped because another worker held them.
    pub held_elsewhere: usize,
}

/// [`Work`] added up from reports sent by several tasks.
#[derive(Debug, Default)]
struct WorkTally {
    pulled: AtomicUsize,
    tickets_polled: AtomicUsize,
    held_elsewhere: AtomicUsize,
}

impl WorkTally {
    fn add(&self, report: &SyncReport) {
        let counts = &report.counts;
        self.pulled.fetch_add(counts.pulled, Ordering::Relaxed);
        self.tickets_polled
            .fetch_add(counts.tickets_polled, Ordering::Relaxed);
        self.held_elsewhere
            .fetch_add(counts.held_elsewhere, Ordering::Relaxed);
    }

    fn total(&self) -> Work {
        Work {
            pulled: self.pulled.load(Ordering::Relaxed),
            tickets_polled: self.tickets_polled.load(Ordering::Relaxed),
            held_elsewhere: self.held_elsewhere.load(Ordering::Relaxed),
        }
    }
}

impl ScaleResult {
    /// Whether nothing was lost or done twice.
    pub fn is_clean(&self) -> bool {
        self.as_planned == self.returns
            && self.duplicate_tickets == 0
            && self.duplicate_notes == 0
            && self.duplicate_actions == 0
    }
}

struct Merchant {
    resolved: ResolvedMerchant,
    sandbox: Sandbox,
}

fn settings() -> IntegrationSettings {
    IntegrationSettings::new("BERGEN-NJ-01")
        .with_auto_process(true)
        .with_excluded_sales_channels([EXCLUDED])
}

async fn start_merchant(run: &ScaleRun, index: usize) -> Result<Merchant, String> {
    let seed = run.seed + index as u64 * 101;
    let faults = |salt: u64| FaultConfig {
        seed: seed + salt,
        server_error_rate: run.fault_rate / 2.0,
        drop_rate: run.fault_rate / 2.0,
        latency: run.latency,
        ..FaultConfig::default()
    };
    let mut config = SandboxConfig::default()
        .with_scenario(ScenarioConfig::new(seed, run.returns))
        .with_faults(Simulator::Loop, faults(1))
        .with_faults(Simulator::Cloudx, faults(2))
        .without_rate_limits();
    config.cloudx_config.warehouse_model.statuses_per_step = 8;
    let sandbox = Sandbox::start(config)
        .await
        .map_err(|e| format!("sandbox {index}: {e}"))?;
    let credentials = sandbox.credentials();
    let options = EngineOptions::default()
        .with_pull_interval(Duration::from_millis(700))
        .with_poll_interval(Duration::from_millis(700))
        .with_jitter(0.5)
        .with_lease(run.lease)
        .with_batch(16);
    let config = MerchantConfig::new(
        format!("merchant-{index}"),
        LoopConfig::from_env("UNUSED").with_base_url(sandbox.loop_base_url()),
        CloudxConfig::new("UNUSED", sandbox.cloudx_base_url()),
        settings(),
    )
    .with_options(options);
    let secrets = MerchantSecrets::new(credentials.loop_api_key, credentials.cloudx_client_secret);
    Ok(Merchant {
        resolved: ResolvedMerchant::new(config, secrets),
        sandbox,
    })
}

/// One worker: every merchant's engine over the shared store.
enum Worker {
    /// Built from the merchants' configuration, as the service builds it.
    Service(Service),
    /// Engines whose clients have no limiter.
    Unlimited(Vec<SyncEngine>),
}

impl Worker {
    /// Runs every engine until `stopped` says stop, adding up its reports.
    async fn run(self, stopped: tokio::sync::watch::Receiver<bool>, tally: Arc<WorkTally>) {
        let until_stopped = |mut stopped: tokio::sync::watch::Receiver<bool>| async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        };
        match self {
            Worker::Service(service) => {
                let on_report = move |_: &str, report: &SyncReport| tally.add(report);
                service.run(until_stopped(stopped), on_report).await;
            }
            Worker::Unlimited(engines) => {
                let runs = engines.iter().map(|engine| {
                    let on_report = |report: &SyncReport| tally.add(report);
                    engine.run(until_stopped(stopped.clone()), on_report)
                });
                futures::future::join_all(runs).await;
            }
        }
    }
}

async fn start_worker(run: &ScaleRun, merchants: &[Merchant]) -> Result<Worker, String> {
    let ids: Vec<&str> = merchants.iter().map(|m| m.resolved.id()).collect();
    let stores = open_stores(&run.store, run.postgres_url.as_deref(), &ids)
        .await
        .map_err(|e| e.to_string())?;
    if run.client_limits {
        let mut engines = Vec::new();
        for (merchant, store) in merchants.iter().zip(stores) {
            engines.push(
                Service::engine(&merchant.resolved, store)
                    .await
                    .map_err(|e| e.to_string())?,
            );
        }
        return Ok(Worker::Service(Service::from_engines(engines)));
    }
    let mut engines = Vec::new();
    for (merchant, store) in merchants.iter().zip(stores) {
        engines.push(unlimited_engine(merchant, store).await?);
    }
    Ok(Worker::Unlimited(engines))
}

/// The engine [`Service::engine`] builds, with the clients' limiters off.
async fn unlimited_engine(
    merchant: &Merchant,
    store: Arc<dyn returns_sync::Store>,
) -> Result<SyncEngine, String> {
    let credentials = merchant.sandbox.credentials();
    let loop_client = loop_client::LoopClient::builder(credentials.loop_api_key)
        .base_url(merchant.sandbox.loop_base_url())
        .rate_limit(loop_client::RateLimit::Unlimited)
        .build()
        .map_err(|e| e.to_string())?;
    let cloudx = cloudx_client::CloudxClient::builder(credentials.cloudx_client_secret)
        .base_url(merchant.sandbox.cloudx_base_url())
        .rate_limit(cloudx_client::transport::RateLimit::Unlimited)
        .build()
        .map_err(|e| e.to_string())?;
    let config = &merchant.resolved.config;
    SyncEngine::builder(loop_client, cloudx, config.settings.clone())
        .shared_store(store)
        .options(config.options.clone())
        .build()
        .await
        .map_err(|e| e.to_string())
}

/// Runs the workers until every return is as planned or the deadline
/// passes, then counts.
///
/// # Errors
/// A sandbox or store that cannot start.
pub async fn run(run: &ScaleRun) -> Result<ScaleResult, String> {
    let mut merchants = Vec::new();
    for index in 0..run.merchants {
        merchants.push(start_merchant(run, index).await?);
    }
    let merchants = Arc::new(merchants);
    let (stop, stopped) = tokio::sync::watch::channel(false);
    // Every worker is built before any starts, and the clock starts with
    // them: no worker gets a head start.
    let mut built = Vec::new();
    for _ in 0..run.workers {
        built.push(start_worker(run, &merchants).await?);
    }
    let started = Instant::now();
    let tally = Arc::new(WorkTally::default());
    let workers: Vec<_> = built
        .into_iter()
        .map(|worker| tokio::spawn(worker.run(stopped.clone(), Arc::clone(&tally))))
        .collect();
    let warehouse = {
        let merchants = Arc::clone(&merchants);
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                for m in merchants.iter() {
                    m.sandbox.cloudx().work_warehouse();
                }
            }
        })
    };

    let expected_tickets = expected_tickets(&merchants);
    let mut aborted = false;
    let elapsed = loop {
        tokio::time::sleep(Duration::from_millis(250)).await;
        let result = count(&merchants);
        if let Some(share) = run.abort_one_at
            && !aborted
            && result.tickets as f64 >= share * expected_tickets as f64
        {
            workers[0].abort();
            aborted = true;
        }
        if result.as_planned == result.returns || started.elapsed() > run.deadline {
            // Not counting the passes in progress the workers finish below.
            break started.elapsed();
        }
    };
    let _ = stop.send(true);
    warehouse.abort();
    for worker in workers {
        let _ = worker.await;
    }
    // Counted again after every worker stopped: nothing may change late.
    let mut result = count(&merchants);
    result.aborted_worker = aborted;
    result.elapsed = elapsed;
    result.work = tally.total();
    if let Ok(merchants) = Arc::try_unwrap(merchants) {
        for m in merchants {
            let _ = m.sandbox.shutdown().await;
        }
    }
    Ok(result)
}

fn expected_tickets(merchants: &[Merchant]) -> usize {
    merchants
        .iter()
        .flat_map(|m| m.sandbox.scenario().map(|s| s.plans()).unwrap_or_default())
        .filter(|plan| {
            !matches!(
                plan.expectation_excluding(&[EXCLUDED]),
                None | Some(Expectation::AsnRejected)
            )
        })
        .map(|plan| plan.shipments.len())
        .sum()
}

/// Counts from the simulators' state.
fn count(merchants: &[Merchant]) -> ScaleResult {
    let mut result = ScaleResult::default();
    for m in merchants {
        let sandbox = &m.sandbox;
        let mut per_reference: HashMap<String, usize> = HashMap::new();
        let mut per_return: HashMap<String, usize> = HashMap::new();
        for ticket in sandbox.cloudx().tickets() {
            let reference = ticket["reference_number"].as_str().unwrap_or_default();
            *per_reference.entry(reference.to_owned()).or_default() += 1;
            let rma = ticket["rma_number"].as_str().unwrap_or_default();
            *per_return.entry(rma.to_owned()).or_default() += 1;
        }
        result.tickets += per_reference.values().sum::<usize>();
        result.duplicate_tickets += per_reference.values().filter(|&&n| n > 1).count();
        result.duplicate_actions += sandbox.loop_sim().duplicate_actions();
        let Some(scenario) = sandbox.scenario() else {
            continue;
        };
        for plan in scenario.plans() {
            result.returns += 1;
            let Ok(id) = plan.return_id.parse::<u64>() else {
                continue;
            };
            let notes = sandbox.loop_sim().notes(id);
            let unique: HashSet<&String> = notes.iter().collect();
            if unique.len() != notes.len() {
                result.duplicate_notes += 1;
            }
            let state = sandbox
                .loop_sim()
                .return_state(id)
                .map(|s| format!("{s:?}").to_lowercase())
                .unwrap_or_default();
            let tickets = per_return.get(&plan.return_id).copied().unwrap_or(0);
            let planned = match plan.expectation_excluding(&[EXCLUDED]) {
                None | Some(Expectation::AsnRejected) => tickets == 0,
                Some(expected) => {
                    let want = match expected {
                        Expectation::Processed => "closed",
                        Expectation::Flagged => "review",
                        _ => "open",
                    };
                    tickets == plan.shipments.len() && state == want
                }
            };
            if planned {
                result.as_planned += 1;
            } else if result.not_as_planned.len() < 10 {
                result.not_as_planned.push(format!(
                    "{} {}: {state}, {tickets} tickets",
                    m.resolved.id(),
                    plan.return_id
                ));
            }
        }
    }
    result
}

//! The reliability soak: the returns integration, through
//! `returns-sync`, against the sandbox with a share of every Loop and CloudX
//! call faulted, vendor rate limits on (at the vendors' published shape,
//! scaled up so the run fits a few minutes), and the engine crashed part way
//! — its task aborted — and restarted on the same SQLite file.
//!
//! The run goes on until every return is decided (processed or flagged in
//! Loop) or waiting (its tickets at the warehouse, the engine's last word
//! on it a reason to wait), or until the deadline. Everything that matters
//! is counted from the simulators' state, never from the
//! engine's own reports; the reports only give the failures the engine
//! reported and the reasons it waits.
//!
//! ```no_run
//! # async fn demo() -> Result<(), String> {
//! use examples::soak::{self, SoakRun};
//!
//! let result = soak::run(&SoakRun::new(1_000)).await?;
//! println!("{result}");
//! assert!(result.is_clean());
//! # Ok(())
//! # }
//! ```

mod count;
mod table;

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use cloudx_client::CloudxClient;
use loop_client::{LoopClient, RateLimit, Timeouts};
use returns_core::IntegrationSettings;
use returns_sync::{EngineOptions, Outcome, SqliteStore, SyncEngine, SyncReport};
use sandbox::scenario::ScenarioConfig;
use sandbox::{FaultConfig, FaultCounts, Sandbox, SandboxConfig, Simulator};

/// The warehouse the merchant ships returns to.
const WAREHOUSE: &str = "BERGEN-NJ-01";

/// Loop's published limit: 300 requests per minute per key.
pub const LOOP_REQUESTS_PER_MINUTE: u32 = 300;
/// CloudX's limit as the sandbox models it (Bergen publishes none): 10
/// requests per second.
pub const CLOUDX_REQUESTS_PER_SECOND: u32 = 10;

/// The worker name every incarnation of the engine uses: a restarted
/// process is the same worker, and takes back its own claims at once.
const WORKER: &str = "soak-worker";

/// What to run.
#[derive(Debug, Clone)]
pub struct SoakRun {
    /// Returns seeded in Loop.
    pub returns: usize,
    /// Share of Loop and CloudX calls faulted ([`FaultConfig::mixed`]).
    pub fault_rate: f64,
    /// The vendors' published limits multiplied by this (Loop per minute,
    /// CloudX per second, both on the simulator and in the clients);
    /// `None` turns rate limits off.
    pub rate_scale: Option<u32>,
    /// Times the engine's task is aborted and the engine restarted on the
    /// same store, at seeded points of the run.
    pub crashes: u32,
    /// Seed of the scenario, the faults and the crash points.
    pub seed: u64,
    /// The run gives up after this long and reports what is left.
    pub deadline: Duration,
    /// The clients' total time for one attempt of a call.
    pub client_timeout: Duration,
    /// How long a slow answer is held back (above `client_timeout`).
    pub slow_delay: Duration,
    /// The engine's schedules, concurrency and batch.
    pub options: EngineOptions,
    /// Print a progress line to stderr every ten seconds.
    pub progress: bool,
}

impl SoakRun {
    /// The issue's run for `returns` returns: 10 % of calls faulted (see
    /// [`faults`](Self::faults)), rate limits at 100 times the vendors'
    /// (Loop 30,000 a minute, CloudX 1,000 a second), two crashes, a one-second client timeout against 1.5 s slow
    /// answers, schedules of a second, and a ten-minute deadline.
    pub fn new(returns: usize) -> Self {
        Self {
            returns,
            fault_rate: 0.10,
            rate_scale: Some(100),
            crashes: 2,
            seed: 16,
            deadline: Duration::from_secs(10 * 60),
            client_timeout: Duration::from_secs(1),
            slow_delay: Duration::from_millis(1_500),
            options: EngineOptions::default()
                .with_pull_interval(Duration::from_secs(1))
                .with_poll_interval(Duration::from_secs(1))
                .with_jitter(0.2)
                .with_lease(Duration::from_secs(60))
                .with_concurrency(64)
                .with_batch(256),
            progress: false,
        }
    }

    /// The faults in front of one vendor: [`fault_rate`](Self::fault_rate)
    /// of the calls, every kind of [`FaultConfig::mixed`], with the two
    /// kinds of 429 at a sixtieth of the rate each and the other four
    /// sharing the rest evenly.
    ///
    /// Throttles are rarer because a client that honours one holds back
    /// *every* call on the key for the wait (at least a second with
    /// `Retry-After`), as it must: at an even share the run would measure
    /// sleeping, not the integration.
    pub fn faults(&self, salt: u64) -> FaultConfig {
        let rate = self.fault_rate.clamp(0.0, 1.0);
        let throttle = rate / 60.0;
        let rest = (rate - 2.0 * throttle) / 4.0;
        FaultConfig {
            html_error_rate: rest,
            throttle_with_retry_after_rate: throttle,
            throttle_rate: throttle,
            slow_rate: rest,
            slow_delay: self.slow_delay,
            drop_rate: rest,
            truncate_rate: rest,
            ..FaultConfig::mixed(self.seed.wrapping_mul(31).wrapping_add(salt), rate)
        }
    }

    /// The limits in force: Loop per minute, CloudX per second.
    pub fn rate_limits(&self) -> Option<(u32, u32)> {
        self.rate_scale.map(|scale| {
            (
                LOOP_REQUESTS_PER_MINUTE.saturating_mul(scale),
                CLOUDX_REQUESTS_PER_SECOND.saturating_mul(scale),
            )
        })
    }

    /// Where the crashes happen, as shares of the run's progress (half for
    /// the tickets created, half for the returns decided), in order: one in
    /// each of `crashes` equal spans of the first 80 % of the run, at a
    /// seeded point of the span's middle — with two crashes, one while
    /// tickets are being created and one while returns are being decided.
    pub fn crash_points(&self) -> Vec<f64> {
        let spans = f64::from(self.crashes) + 0.25;
        (0..self.crashes)
            .map(|k| {
                let jitter = unit(self.seed, u64::from(k));
                (f64::from(k) + 0.3 + 0.4 * jitter) / spans * 0.8
            })
            .collect()
    }
}

/// What the run found, counted from the simulators' state.
#[derive(Debug, Clone, Default)]
pub struct SoakResult {
    /// Returns seeded.
    pub returns: usize,
    /// Returns processed or flagged in Loop.
    pub decided: usize,
    /// Decided otherwise than the scenario planned (processed instead of
    /// flagged or the reverse, or decided while its parcel never came).
    pub wrong_decisions: usize,
    /// Open in Loop, every ticket at the warehouse, and waiting with a
    /// reason the engine gave.
    pub waiting: usize,
    /// Neither decided nor waiting.
    pub lost: usize,
    /// Some returns lost or acted on twice, described (at most 10).
    pub examples: Vec<String>,
    /// Tickets in CloudX.
    pub tickets: usize,
    /// References with more than one ticket.
    pub duplicate_tickets: usize,
    /// Returns with a note written twice.
    pub duplicate_notes: usize,
    /// Returns with one action accepted twice by Loop.
    pub duplicate_actions: usize,
    /// Faults injected in front of Loop, by kind.
    pub loop_faults: FaultCounts,
    /// Faults injected in front of CloudX, by kind.
    pub cloudx_faults: FaultCounts,
    /// The limits in force (Loop per minute, CloudX per second).
    pub rate_limits: Option<(u32, u32)>,
    /// Crashes done.
    pub crashes: u32,
    /// Failures the engine reported, all runs together.
    pub failures_reported: usize,
    /// The same, by the step that failed.
    pub failures_by_step: BTreeMap<String, usize>,
    /// Wall time until done (or the deadline).
    pub elapsed: Duration,
}

impl SoakResult {
    /// Nothing lost, nothing done twice, nothing decided wrongly.
    pub fn is_clean(&self) -> bool {
        self.lost == 0
            && self.wrong_decisions == 0
            && self.duplicate_tickets == 0
            && self.duplicate_notes == 0
            && self.duplicate_actions == 0
            && self.decided + self.waiting == self.returns
    }
}

/// What the engine's reports said, kept across crashes.
#[derive(Debug, Default)]
struct Heard {
    failures: usize,
    by_step: BTreeMap<String, usize>,
    /// The reason of the latest `Waiting` outcome per return; removed when a
    /// later report said something else.
    waiting: HashMap<String, String>,
}

impl Heard {
    fn take(&mut self, report: &SyncReport) {
        for (_, step, _) in report.failures() {
            self.failures += 1;
            *self.by_step.entry(step.to_string()).or_default() += 1;
        }
        for settled in &report.returns {
            match &settled.outcome {
                Outcome::Waiting { reason } => {
                    self.waiting
                        .insert(settled.return_id.clone(), reason.clone());
                }
                _ => {
                    self.waiting.remove(&settled.return_id);
                }
            }
        }
    }
}

type Shared = Arc<Mutex<Heard>>;

fn lock(heard: &Shared) -> std::sync::MutexGuard<'_, Heard> {
    heard.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Runs the soak: starts the sandbox, runs the engine in a task (aborted
/// and restarted at the crash points), lets the simulated warehouse work,
/// and counts until every return is decided or waiting, or the deadline.
///
/// # Errors
/// A sandbox, client, store or engine that cannot start.
pub async fn run(run: &SoakRun) -> Result<SoakResult, String> {
    let sandbox = start_sandbox(run).await?;
    let (loop_client, cloudx) = clients(run, &sandbox)?;
    let dir = tempfile::tempdir().map_err(|e| format!("temp dir: {e}"))?;
    let store_path = dir.path().join("soak.sqlite");
    let heard: Shared = Arc::default();
    let started = Instant::now();

    let warehouse = {
        let cloudx_sim = sandbox.cloudx().clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_millis(200)).await;
                cloudx_sim.work_warehouse();
            }
        })
    };

    let start_engine = || async {
        let engine = build_engine(run, &loop_client, &cloudx, &store_path, started).await?;
        let heard = Arc::clone(&heard);
        Ok::<_, String>(tokio::spawn(async move {
            engine
                .run(std::future::pending::<()>(), |report| {
                    lock(&heard).take(report)
                })
                .await;
        }))
    };

    let mut task = start_engine().await?;
    let crash_points = run.crash_points();
    let mut crashes = 0;
    let expected = count::Expected::of(&sandbox);
    let mut last_line = Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(500)).await;
        let progress = count::progress(&sandbox, &expected);
        if run.progress && last_line.elapsed() >= Duration::from_secs(10) {
            last_line = Instant::now();
            eprintln!(
                "{:>5.0} s: {progress}, {crashes} crashes, {} failures reported",
                started.elapsed().as_secs_f64(),
                lock(&heard).failures
            );
        }
        if let Some(point) = crash_points.get(crashes as usize)
            && progress.share() >= *point
        {
            // The crash: the task stops wherever it is, mid-call or
            // mid-write; the store file and the vendors keep what they got.
            task.abort();
            let _ = task.await;
            crashes += 1;
            task = start_engine().await?;
            continue;
        }
        let waiting = lock(&heard).waiting.clone();
        let done = count::settled(&sandbox, &waiting) == expected.returns;
        if (done && crashes == run.crashes) || started.elapsed() > run.deadline {
            break;
        }
    }
    task.abort();
    let _ = task.await;
    warehouse.abort();
    let _ = warehouse.await;
    let elapsed = started.elapsed();

    let store = SqliteStore::open(&store_path)
        .await
        .map_err(|e| format!("store: {e}"))?;
    let heard = std::mem::take(&mut *lock(&heard));
    let mut result = count::count(&sandbox, &store, &heard.waiting).await;
    result.loop_faults = sandbox.fault_counts(Simulator::Loop);
    result.cloudx_faults = sandbox.fault_counts(Simulator::Cloudx);
    result.rate_limits = run.rate_limits();
    result.crashes = crashes;
    result.failures_reported = heard.failures;
    result.failures_by_step = heard.by_step;
    result.elapsed = elapsed;
    store.close().await;
    let _ = sandbox.shutdown().await;
    Ok(result)
}

async fn start_sandbox(run: &SoakRun) -> Result<Sandbox, String> {
    let mut loop_faults = run.faults(1);
    let mut cloudx_faults = run.faults(2);
    let mut config = SandboxConfig::default()
        .with_scenario(ScenarioConfig::new(run.seed, run.returns))
        .without_rate_limits();
    if let Some((loop_limit, cloudx_limit)) = run.rate_limits() {
        loop_faults.rate_limit = Some(loop_limit);
        cloudx_faults.rate_limit = Some(cloudx_limit);
    }
    config = config
        .with_faults(Simulator::Loop, loop_faults)
        .with_faults(Simulator::Cloudx, cloudx_faults);
    // A received parcel moves through the warehouse in one step.
    config.cloudx_config.warehouse_model.statuses_per_step = 8;
    Sandbox::start(config)
        .await
        .map_err(|e| format!("sandbox: {e}"))
}

/// Clients with the limits the simulators enforce and the run's timeout.
fn clients(run: &SoakRun, sandbox: &Sandbox) -> Result<(LoopClient, CloudxClient), String> {
    let credentials = sandbox.credentials();
    let timeouts = Timeouts::default().with_request(run.client_timeout);
    let (loop_limit, cloudx_limit) = match run.rate_limits() {
        Some((per_minute, per_second)) => (
            RateLimit::per_minute(per_minute),
            RateLimit::per_second(per_second),
        ),
        None => (RateLimit::Unlimited, RateLimit::Unlimited),
    };
    let loop_client = LoopClient::builder(credentials.loop_api_key)
        .base_url(sandbox.loop_base_url())
        .rate_limit(loop_limit)
        .timeouts(timeouts)
        .build()
        .map_err(|e| format!("Loop client: {e}"))?;
    let cloudx = CloudxClient::builder(credentials.cloudx_client_secret)
        .base_url(sandbox.cloudx_base_url())
        .rate_limit(cloudx_limit)
        .timeouts(timeouts)
        .max_concurrency(64)
        .build()
        .map_err(|e| format!("CloudX client: {e}"))?;
    Ok((loop_client, cloudx))
}

/// An engine on the store file. Building asks CloudX for its warehouses,
/// which the faults may fail: it is tried again until the deadline.
async fn build_engine(
    run: &SoakRun,
    loop_client: &LoopClient,
    cloudx: &CloudxClient,
    store_path: &std::path::Path,
    started: Instant,
) -> Result<SyncEngine, String> {
    let settings = IntegrationSettings::new(WAREHOUSE).with_auto_process(true);
    loop {
        let store = SqliteStore::open(store_path)
            .await
            .map_err(|e| format!("store: {e}"))?;
        let built = SyncEngine::builder(loop_client.clone(), cloudx.clone(), settings.clone())
            .store(store)
            .worker_id(WORKER)
            .options(run.options.clone())
            .build()
            .await;
        match built {
            Ok(engine) => return Ok(engine),
            Err(e) if started.elapsed() > run.deadline => {
                return Err(format!("engine: {e}"));
            }
            Err(_) => tokio::time::sleep(Duration::from_millis(200)).await,
        }
    }
}

/// A uniform number in `[0, 1)` from the seed and an index (SplitMix64).
fn unit(seed: u64, index: u64) -> f64 {
    let mut z = seed ^ index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crash_points_are_seeded_ordered_and_mid_run() {
        let run = SoakRun::new(100);
        let points = run.crash_points();
        assert_eq!(points.len(), 2);
        assert!(points[0] > 0.05 && points[0] < points[1] && points[1] < 0.8);
        assert_eq!(points, run.crash_points());
        let other = SoakRun {
            seed: 17,
            ..run.clone()
        };
        assert_ne!(points, other.crash_points());
        assert_eq!(run.rate_limits(), Some((30_000, 1_000)));
    }
}

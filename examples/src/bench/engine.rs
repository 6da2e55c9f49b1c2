//! Measure 5: what the sync engine costs over the HTTP calls it makes.
//!
//! `SyncEngine::reconcile_once` runs twice over a seeded sandbox: pass 1
//! pulls every return, plans, creates the tickets and writes the "ASN
//! created" notes; then the simulated warehouse receives everything
//! (untimed); pass 2 pulls again, polls the tickets, decides and acts —
//! what a user's first two scheduled runs do. The engine uses its default
//! options (8 returns in flight), the default client configuration with
//! the rate limiters off (as the simulators' limits are), the demo's
//! merchant settings, and the durable store users get: SQLite in a
//! temporary folder. Both passes are timed.
//!
//! The floor is the same HTTP calls, recorded at the simulators and sent
//! again with raw `reqwest` to fresh simulators seeded alike (see
//! its `replay` module), timed the same way. The two sides must make as many calls,
//! get the same statuses and leave as many tickets, notes and actions, or
//! the measure fails. The sides take turns pass by pass, each on its own
//! simulators, so that they meet the same machine noise; over rounds the
//! medians are compared. An information row adds the engine with the
//! in-memory store to the last round.

mod recorder;
mod replay;
mod sims;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, Instant};

use cloudx_client::CloudxClient;
use loop_client::{LoopClient, RateLimit};
use returns_core::IntegrationSettings;
use returns_sync::{EngineOptions, MemoryStore, SqliteStore, Store, SyncEngine, SyncReport};
use sandbox::scenario::{Scenario, ScenarioConfig};

use self::recorder::{Call, Vendor};
use self::replay::{Plan, Replayer};
use self::sims::Sims;
use super::error::BenchError;
use super::fixture::{SEED, WAREHOUSE};
use super::report::Row;
use super::stats::{median, ratio};

/// The bar: engine time / raw floor time.
pub const BAR: f64 = 1.30;

/// How much to measure.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    /// Returns seeded.
    pub returns: usize,
    /// Rounds of (engine, floor).
    pub rounds: usize,
}

impl Effort {
    /// The size: 10,000 returns, two rounds.
    pub const FULL: Effort = Effort {
        returns: 10_000,
        rounds: 2,
    };

    /// A quick run for trying the harness out.
    pub const QUICK: Effort = Effort {
        returns: 500,
        rounds: 1,
    };
}

/// The store an engine run writes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum StoreKind {
    Sqlite,
    Memory,
}

/// What the simulators hold after a run: tickets, notes, accepted actions.
type Effects = (u64, usize, usize);

/// One side's run of the two passes.
#[derive(Debug)]
struct Run {
    times: [Duration; 2],
    calls: [usize; 2],
    effects: Effects,
}

impl Run {
    fn total(&self) -> f64 {
        self.times.iter().map(Duration::as_secs_f64).sum()
    }
}

/// The demo's merchant: auto-process on, one excluded channel.
fn settings() -> IntegrationSettings {
    IntegrationSettings::new(WAREHOUSE)
        .with_auto_process(true)
        .with_excluded_sales_channels(["Amazon"])
}

/// Runs the measure.
///
/// # Errors
/// [`BenchError`] when a simulator or the engine cannot start, the engine
/// reports a failure, or the floor does not make the engine's calls.
pub async fn run(effort: Effort) -> Result<Vec<Row>, BenchError> {
    // `now` is the current hour: the engine's clock is the system's.
    let scenario = Scenario::generate(&ScenarioConfig::new(SEED, effort.returns));
    let rounds = effort.rounds.max(1);
    let mut engine_times = Vec::new();
    let mut raw_times = Vec::new();
    let mut last = None;
    for round in 0..rounds {
        // The in-memory store is measured once, beside the last round.
        let with_memory = round + 1 == rounds;
        let (engine, raw, memory) = one_round(&scenario, with_memory).await?;
        if raw.calls != engine.calls || raw.effects != engine.effects {
            return Err(BenchError::Mismatch {
                what: "the engine measure",
                message: format!(
                    "engine made {:?} calls leaving (tickets, notes, actions) {:?}; \
                     the floor {:?} leaving {:?}",
                    engine.calls, engine.effects, raw.calls, raw.effects
                ),
            });
        }
        engine_times.push(engine.total());
        raw_times.push(raw.total());
        last = Some((engine, raw, memory));
    }
    let Some((engine, raw, Some(memory))) = last else {
        unreachable!("the last round measures the in-memory store");
    };

    let (engine_median, raw_median) = (median(&engine_times), median(&raw_times));
    let n = effort.returns;
    let passes = |run: &Run| {
        format!(
            "{:.2} s (pass 1 {:.2} s, pass 2 {:.2} s)",
            run.total(),
            run.times[0].as_secs_f64(),
            run.times[1].as_secs_f64()
        )
    };
    Ok(vec![
        Row::at_most(
            format!("engine / raw floor, 2 × reconcile_once, SQLite store ({n} returns)"),
            ratio(engine_median, raw_median),
            BAR,
        ),
        Row::info(
            "engine / raw floor: HTTP calls per side",
            format!(
                "{} (pass 1 {}, pass 2 {})",
                engine.calls[0] + engine.calls[1],
                engine.calls[0],
                engine.calls[1]
            ),
        ),
        Row::info(
            format!("engine time, SQLite store (median of {rounds}; last round)"),
            format!("{engine_median:.2} s; {}", passes(&engine)),
        ),
        Row::info(
            format!("raw floor time (median of {rounds}; last round)"),
            format!("{raw_median:.2} s; {}", passes(&raw)),
        ),
        Row::info(
            format!("engine / raw floor, in-memory store (last round, {n} returns)"),
            format!(
                "{:.3} ({})",
                ratio(memory.total(), raw.total()),
                passes(&memory)
            ),
        ),
    ])
}

/// One round: the engine on SQLite, the floor replaying its calls and,
/// when asked, the engine on the in-memory store, each on its own
/// simulators, taking turns pass by pass so that all meet the same moments
/// of machine noise.
async fn one_round(
    scenario: &Scenario,
    with_memory: bool,
) -> Result<(Run, Run, Option<Run>), BenchError> {
    let mut engine = EngineSide::start(scenario, StoreKind::Sqlite).await?;
    let mut raw = RawSide::start(scenario).await?;
    let mut memory = if with_memory {
        Some(EngineSide::start(scenario, StoreKind::Memory).await?)
    } else {
        None
    };
    for pass in 0..2 {
        if pass == 1 {
            // The warehouse receives everything between the passes, untimed.
            engine.passes.sims.receive_everything();
            raw.passes.sims.receive_everything();
            if let Some(memory) = &memory {
                memory.passes.sims.receive_everything();
            }
        }
        let recorded = engine.pass(pass).await?;
        raw.pass(pass, recorded).await?;
        if let Some(memory) = &mut memory {
            memory.pass(pass).await?;
        }
    }
    let memory = match memory {
        Some(memory) => Some(memory.passes.finish(scenario).await),
        None => None,
    };
    Ok((
        engine.passes.finish(scenario).await,
        raw.passes.finish(scenario).await,
        memory,
    ))
}

/// What both sides keep of their passes: their simulators, each pass's
/// time and calls.
#[derive(Debug)]
struct Passes {
    sims: Sims,
    times: [Duration; 2],
    calls: [usize; 2],
}

impl Passes {
    fn new(sims: Sims) -> Self {
        Self {
            sims,
            times: [Duration::ZERO; 2],
            calls: [0; 2],
        }
    }

    /// The run, with what the simulators hold; stops them.
    async fn finish(self, scenario: &Scenario) -> Run {
        let run = Run {
            times: self.times,
            calls: self.calls,
            effects: effects(&self.sims, scenario),
        };
        self.sims.shutdown().await;
        run
    }
}

/// The engine over its own simulators and store.
#[derive(Debug)]
struct EngineSide {
    passes: Passes,
    engine: SyncEngine,
    /// Holds the SQLite file until the side is done.
    _folder: tempfile::TempDir,
}

impl EngineSide {
    async fn start(scenario: &Scenario, kind: StoreKind) -> Result<Self, BenchError> {
        let sims = Sims::start(scenario).await?;
        let folder = tempfile::tempdir().map_err(|e| setup("a state folder", e))?;
        let store: Arc<dyn Store> = match kind {
            StoreKind::Sqlite => Arc::new(
                SqliteStore::open(folder.path().join("state.db"))
                    .await
                    .map_err(|e| setup("the SQLite store", e))?,
            ),
            StoreKind::Memory => Arc::new(MemoryStore::new()),
        };
        let loop_client = LoopClient::builder(sims.loop_key())
            .base_url(sims.loop_base_url())
            .rate_limit(RateLimit::Unlimited)
            .build()?;
        let cloudx = CloudxClient::builder(sims.cloudx_secret())
            .base_url(sims.cloudx_base_url())
            .rate_limit(cloudx_client::transport::RateLimit::Unlimited)
            .build()?;
        let engine = SyncEngine::builder(loop_client, cloudx, settings())
            .shared_store(store)
            .build()
            .await
            .map_err(|e| setup("the engine", e))?;
        // The warehouse check of `build` is not part of a pass.
        sims.recorder().take();
        Ok(Self {
            passes: Passes::new(sims),
            engine,
            _folder: folder,
        })
    }

    /// Runs and times pass `pass` (0 or 1): the calls it made.
    async fn pass(&mut self, pass: usize) -> Result<Vec<Call>, BenchError> {
        let started = Instant::now();
        let report = self.engine.reconcile_once().await;
        self.passes.times[pass] = started.elapsed();
        check(&report, pass)?;
        let calls = self.passes.sims.recorder().take();
        self.passes.calls[pass] = calls.len();
        Ok(calls)
    }
}

/// The floor: raw `reqwest` over its own simulators.
#[derive(Debug)]
struct RawSide {
    passes: Passes,
    replayer: Replayer,
    /// Which return each ticket the replayed creates made belongs to.
    tickets: HashMap<String, String>,
}

impl RawSide {
    async fn start(scenario: &Scenario) -> Result<Self, BenchError> {
        let sims = Sims::start(scenario).await?;
        let replayer = Replayer::new(sims.origin(Vendor::Loop), sims.origin(Vendor::Cloudx))?;
        Ok(Self {
            passes: Passes::new(sims),
            replayer,
            tickets: HashMap::new(),
        })
    }

    /// Replays and times the engine's calls of pass `pass`, at the engine's
    /// concurrency; fails unless the simulators answered every planned call.
    async fn pass(&mut self, pass: usize, recorded: Vec<Call>) -> Result<(), BenchError> {
        let plan = Plan::new(recorded, &mut self.tickets);
        let concurrency = EngineOptions::default().concurrency;
        let started = Instant::now();
        self.replayer.run(&plan, concurrency).await?;
        self.passes.times[pass] = started.elapsed();
        let answered = self.passes.sims.recorder().take().len();
        self.passes.calls[pass] = answered;
        if answered != plan.len() {
            return Err(BenchError::Mismatch {
                what: "the raw floor",
                message: format!(
                    "pass {} planned {} calls, the simulators answered {}",
                    pass + 1,
                    plan.len(),
                    answered
                ),
            });
        }
        Ok(())
    }
}

/// A pass that failed somewhere, or did not do its part of the work, makes
/// the comparison meaningless.
fn check(report: &SyncReport, pass: usize) -> Result<(), BenchError> {
    let mismatch = |message| BenchError::Mismatch {
        what: "the engine's run",
        message,
    };
    if let Some((id, step, error)) = report.failures().next() {
        return Err(mismatch(format!(
            "pass {} failed at {step} ({}): {error}",
            pass + 1,
            id.unwrap_or("the run")
        )));
    }
    let did = match pass {
        0 => report.counts.tickets_created,
        _ => report.counts.acted,
    };
    if did == 0 {
        return Err(mismatch(format!(
            "pass {} created no ticket or acted on no return: {}",
            pass + 1,
            report.one_line()
        )));
    }
    Ok(())
}

fn effects(sims: &Sims, scenario: &Scenario) -> Effects {
    let (notes, actions) = sims.notes_and_actions(scenario);
    (sims.tickets_created(), notes, actions)
}

fn setup(what: &'static str, error: impl std::fmt::Display) -> BenchError {
    BenchError::Setup {
        what,
        message: error.to_string(),
    }
}

//! The engine: pull, plan, create, poll, decide, act — on a schedule, from
//! webhooks, or once.

mod known_items;
mod notes;
mod run;
mod work;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::sync::Arc;

use cloudx_client::prelude::*;
use cloudx_client::{CloudxClient, ItemIdentifier};
use futures::{StreamExt, TryStreamExt, stream};
use loop_client::conversion::to_core_return;
use loop_client::prelude::*;
use loop_client::{DateFilter, LoopClient, ReturnState, ReturnWindowQuery};
use returns_core::{AsnPlan, IntegrationSettings, SkipReason, plan_asns};
use time::OffsetDateTime;
use tokio::sync::{Notify, Semaphore, SemaphorePermit};
use tracing::Instrument as _;

use crate::clock::{Clock, SystemClock};
use crate::options::{EngineOptions, InvalidOption};
use crate::report::{FailedStep, Outcome, ReturnReport, RunFailure, SyncReport};
use crate::store::{JournalEntry, MemoryStore, ReturnStage, Step, Store, StoreError};
use known_items::KnownItems;
use work::Work;

/// The engine could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum BuildError {
    /// The merchant's settings are invalid; names every bad field.
    #[error("invalid settings: {0}")]
    Settings(#[from] returns_core::SettingsError),
    /// An engine setting is invalid; names it.
    #[error(transparent)]
    Option(#[from] InvalidOption),
    /// The warehouse code is not one of the account's.
    #[error("warehouse code `{code}` is not known to CloudX; the account has: {}", known.join(", "))]
    UnknownWarehouse {
        /// The configured code.
        code: String,
        /// The codes CloudX lists.
        known: Vec<String>,
    },
    /// CloudX could not be asked for its warehouses (bad secret, no answer).
    #[error("checking the warehouse code with CloudX failed: {0}")]
    Cloudx(#[source] cloudx_client::Error),
    /// The store could not be read.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// Builds a [`SyncEngine`]; see [`SyncEngine::builder`].
#[must_use = "call build() to get an engine"]
pub struct SyncEngineBuilder {
    loop_client: LoopClient,
    cloudx: CloudxClient,
    settings: IntegrationSettings,
    store: Option<Arc<dyn Store>>,
    clock: Arc<dyn Clock>,
    options: EngineOptions,
    worker: String,
}

impl fmt::Debug for SyncEngineBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncEngineBuilder")
            .field("settings", &self.settings)
            .field("store", &self.store)
            .field("options", &self.options)
            .field("worker", &self.worker)
            .finish_non_exhaustive()
    }
}

impl SyncEngineBuilder {
    /// The durable state (default: a [`MemoryStore`], which is correct —
    /// the vendors are the truth — but after a restart pulls the whole
    /// lookback window again and loses the journal). Use a `SqliteStore`
    /// (feature `sqlite`, on by default) in a service.
    pub fn store(mut self, store: impl Store + 'static) -> Self {
        self.store = Some(Arc::new(store));
        self
    }

    /// A store shared with other owners (a status page, a webhook router).
    pub fn shared_store(mut self, store: Arc<dyn Store>) -> Self {
        self.store = Some(store);
        self
    }

    /// The clock (default: the system clock).
    pub fn clock(mut self, clock: impl Clock + 'static) -> Self {
        self.clock = Arc::new(clock);
        self
    }

    /// The engine's own settings (schedules, windows, concurrency).
    pub fn options(mut self, options: EngineOptions) -> Self {
        self.options = options;
        self
    }

    /// The name this engine claims returns under in a shared store (default:
    /// the host name, the process id and a random suffix, so every engine
    /// is distinct). Two engines must never share a name: each would take
    /// the other's claims for its own.
    pub fn worker_id(mut self, name: impl Into<String>) -> Self {
        self.worker = name.into();
        self
    }

    /// Checks the settings, then asks CloudX whether the warehouse code
    /// exists, and builds the engine.
    ///
    /// # Errors
    /// [`BuildError`]: a bad setting (named), a warehouse code CloudX does not
    /// list (naming the codes it does), or CloudX not answering.
    pub async fn build(self) -> Result<SyncEngine, BuildError> {
        self.settings.validate()?;
        self.options.validate()?;
        if self.worker.trim().is_empty() {
            return Err(BuildError::Option(InvalidOption {
                field: "worker_id",
                reason: "must not be empty".to_owned(),
            }));
        }
        let code = self.settings.warehouse_code.trim().to_owned();
        let report = self
            .cloudx
            .check_connection(code.as_str())
            .await
            .map_err(BuildError::Cloudx)?;
        if !report.warehouse_found() {
            return Err(BuildError::UnknownWarehouse {
                code,
                known: report
                    .known_warehouse_codes
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            });
        }
        // The client checks ticket lines for the identifier the settings use.
        let cloudx = self
            .cloudx
            .with_product_identification(self.settings.product_identification.into());
        Ok(SyncEngine {
            inner: Arc::new(Inner {
                loop_client: self.loop_client,
                cloudx,
                settings: self.settings,
                store: self.store.unwrap_or_else(|| Arc::new(MemoryStore::new())),
                clock: self.clock,
                permits: Semaphore::new(self.options.concurrency),
                known_items: KnownItems::new(
                    time::Duration::try_from(self.options.known_items_ttl)
                        .unwrap_or(time::Duration::ZERO),
                ),
                options: self.options,
                worker: self.worker,
                wake: Notify::new(),
            }),
        })
    }
}

/// What the engine's steps share.
pub(crate) struct Inner {
    pub(crate) loop_client: LoopClient,
    pub(crate) cloudx: CloudxClient,
    pub(crate) settings: IntegrationSettings,
    pub(crate) store: Arc<dyn Store>,
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) options: EngineOptions,
    pub(crate) worker: String,
    pub(crate) wake: Notify,
    /// One per return worked on at once (`concurrency` of them), shared by
    /// the batches in progress: a batch that starts while the last one
    /// finishes takes the places its returns leave.
    pub(crate) permits: Semaphore,
    /// Items found in CloudX's item master lately, not looked up again.
    pub(crate) known_items: KnownItems,
}

impl Inner {
    pub(crate) fn now(&self) -> OffsetDateTime {
        self.clock.now()
    }

    /// A place among the returns worked on at once. The semaphore is never
    /// closed; were it, the work would go on unlimited rather than stop.
    async fn permit(&self) -> Option<SemaphorePermit<'_>> {
        self.permits.acquire().await.ok()
    }
}

/// Batches of returns in progress at once: the next is claimed and read
/// from the store while the returns of the last one finish.
const BATCHES_IN_FLIGHT: usize = 2;

/// The returns integration: Loop returns → CloudX ASNs → receipt → process
/// or flag in Loop. Cheap to clone; clones share everything.
#[derive(Clone)]
pub struct SyncEngine {
    inner: Arc<Inner>,
}

impl fmt::Debug for SyncEngine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SyncEngine")
            .field("warehouse", &self.inner.settings.warehouse_code)
            .field("worker", &self.inner.worker)
            .field("store", &self.inner.store)
            .finish_non_exhaustive()
    }
}

/// The Loop states a pull asks for: open returns to work on, the states a
/// return ends in before arrival (its open tickets are cancelled), and
/// review (flagged: in a person's hands, so the engine stops working on it).
pub const PULLED_STATES: [ReturnState; 5] = [
    ReturnState::Open,
    ReturnState::Cancelled,
    ReturnState::Expired,
    ReturnState::Closed,
    ReturnState::Review,
];

impl SyncEngine {
    /// Starts building an engine for one merchant.
    pub fn builder(
        loop_client: LoopClient,
        cloudx: CloudxClient,
        settings: IntegrationSettings,
    ) -> SyncEngineBuilder {
        SyncEngineBuilder {
            loop_client,
            cloudx,
            settings,
            store: None,
            clock: Arc::new(SystemClock),
            options: EngineOptions::default(),
            worker: default_worker_id(),
        }
    }

    /// The name this engine claims returns under
    /// ([`SyncEngineBuilder::worker_id`]).
    pub fn worker_id(&self) -> &str {
        &self.inner.worker
    }

    /// The store the engine writes to.
    pub fn store(&self) -> &Arc<dyn Store> {
        &self.inner.store
    }

    /// The merchant's settings.
    pub fn settings(&self) -> &IntegrationSettings {
        &self.inner.settings
    }

    /// Asks a running [`run`](Self::run) loop to handle the webhook inbox
    /// now (the webhook router calls this after storing an event).
    pub fn wake(&self) {
        self.inner.wake.notify_one();
    }

    /// One full pass: pull the returns Loop changed since the last pull (the
    /// whole lookback window the first time), send new ones to the
    /// warehouse, poll the tickets of every return in flight, decide and
    /// act. Everything that fails for one return is in the report and tried
    /// again next time; nothing is skipped silently.
    pub async fn reconcile_once(&self) -> SyncReport {
        let inner = &self.inner;
        let mut report = SyncReport::new(inner.now());
        let pull_started = inner.now();
        let pulled = self.pull(&mut report).await;
        let pull_ok = report.run_failures.is_empty();
        let mut seen = HashSet::new();
        let mut work = Vec::new();
        let mut ended = Vec::new();
        for ret in pulled {
            seen.insert(ret.id.to_string());
            match ret.state {
                Some(ReturnState::Open) => work.push(ret),
                Some(ReturnState::Cancelled | ReturnState::Expired | ReturnState::Closed) => {
                    ended.push(ret)
                }
                Some(ReturnState::Review) => self.hand_over(&ret, &mut report).await,
                _ => {}
            }
        }
        self.track_pulled(&work, &mut report).await;
        self.work_on_open(work, &mut report).await;
        self.work_in_flight(&seen, &mut report).await;
        self.close_out_claimed(ended, &mut report).await;
        if pull_ok && let Err(e) = inner.store.set_watermark(pull_started).await {
            report.run_failures.push(RunFailure {
                step: FailedStep::Store,
                error: e.to_string(),
            });
        }
        report.finished_at = inner.now();
        report
    }

    /// Polls the tickets of the returns in flight, decides and acts, without
    /// asking Loop for changes (the second schedule of [`run`](Self::run)).
    pub async fn poll_once(&self) -> SyncReport {
        let mut report = SyncReport::new(self.inner.now());
        self.work_in_flight(&HashSet::new(), &mut report).await;
        report.finished_at = self.inner.now();
        report
    }

    /// Lists the returns Loop changed in the pull window. A failure part way
    /// is a run failure (the watermark stays), with what was read kept.
    async fn pull(&self, report: &mut SyncReport) -> Vec<loop_client::Return> {
        let inner = &self.inner;
        let now = inner.now();
        let lookback =
            time::Duration::try_from(inner.options.lookback).unwrap_or(time::Duration::days(60));
        let overlap =
            time::Duration::try_from(inner.options.pull_overlap).unwrap_or(time::Duration::ZERO);
        let from = match inner.store.watermark().await {
            Ok(Some(mark)) => (mark - overlap).max(now - lookback),
            Ok(None) => now - lookback,
            Err(e) => {
                report.run_failures.push(RunFailure {
                    step: FailedStep::Store,
                    error: e.to_string(),
                });
                now - lookback
            }
        };
        let query = ReturnWindowQuery::new(from, now)
            .filter(DateFilter::UpdatedAt)
            .states(PULLED_STATES);
        let mut returns = Vec::new();
        let mut stream = inner.loop_client.returns_in_window(query);
        loop {
            match stream.try_next().await {
                Ok(Some(ret)) => returns.push(ret),
                Ok(None) => break,
                Err(e) => {
                    report.run_failures.push(RunFailure {
                        step: FailedStep::Pull,
                        error: e.to_string(),
                    });
                    break;
                }
            }
        }
        let returns = latest_copies(returns);
        report.counts.pulled += returns.len();
        returns
    }

    /// Records the open returns a pull found that the store does not track
    /// yet (stage `Pulled`), before any is claimed: a return whose worker
    /// stops before finishing it stays in flight for the others.
    async fn track_pulled(&self, returns: &[loop_client::Return], report: &mut SyncReport) {
        let now = self.inner.now();
        let ids: Vec<String> = returns.iter().map(|r| r.id.to_string()).collect();
        // Those tracked already are left as they are: not converted again.
        let untracked: HashSet<String> = match self.inner.store.untracked(&ids).await {
            Ok(untracked) => untracked.into_iter().collect(),
            Err(e) => {
                report.run_failures.push(RunFailure {
                    step: FailedStep::Store,
                    error: e.to_string(),
                });
                return;
            }
        };
        let new: Vec<crate::store::TrackedReturn> = returns
            .iter()
            .filter(|ret| untracked.contains(ret.id.as_ref()))
            .filter_map(|ret| {
                // One that does not convert is reported when it is prepared.
                let core = to_core_return(ret).ok()?;
                Some(crate::store::TrackedReturn {
                    return_id: ret.id.to_string(),
                    order_name: core.order_name.clone(),
                    stage: ReturnStage::Pulled,
                    core,
                    tickets: Vec::new(),
                    updated_at: now,
                })
            })
            .collect();
        if let Err(e) = self.inner.store.track_new(&new).await {
            report.run_failures.push(RunFailure {
                step: FailedStep::Store,
                error: e.to_string(),
            });
        }
    }

    /// Claims returns for this engine: the granted ids. Those another worker
    /// holds are its to finish (counted, not reported); a store that cannot
    /// be asked grants nothing.
    async fn claim(&self, ids: &[String], report: &mut SyncReport) -> Vec<String> {
        match self.extend_lease(ids).await {
            Ok(granted) => {
                report.counts.held_elsewhere += ids.len() - granted.len();
                granted
            }
            Err(e) => {
                report.run_failures.push(RunFailure {
                    step: FailedStep::Store,
                    error: e.to_string(),
                });
                Vec::new()
            }
        }
    }

    /// Asks the store for (or to extend) this engine's lease on `ids`.
    async fn extend_lease(&self, ids: &[String]) -> Result<Vec<String>, StoreError> {
        let inner = &self.inner;
        let now = inner.now();
        let lease = time::Duration::try_from(inner.options.lease).unwrap_or(time::Duration::MINUTE);
        inner
            .store
            .claim(ids, &inner.worker, now, now + lease)
            .await
    }

    /// Runs `work` on claimed returns while renewing their leases every
    /// third of a lease: a batch slowed by retries or a busy machine is never
    /// taken over half-way by another worker (which would write its notes
    /// and act a second time).
    async fn holding<T>(&self, ids: &[String], work: impl Future<Output = T>) -> T {
        let period = (self.inner.options.lease / 3).max(std::time::Duration::from_millis(10));
        let renew = async {
            let mut ticks = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
            loop {
                ticks.tick().await;
                match self.extend_lease(ids).await {
                    Ok(granted) if granted.len() < ids.len() => tracing::warn!(
                        lost = ids.len() - granted.len(),
                        "leases ran out before they were renewed; another worker may take those returns over"
                    ),
                    Ok(_) => {}
                    Err(e) => tracing::warn!(error = %e, "could not renew leases"),
                }
            }
        };
        tokio::select! {
            out = work => out,
            () = renew => unreachable!("lease renewal runs until the work ends"),
        }
    }

    /// Ends this engine's claims; one that cannot be ended lapses by itself.
    async fn release(&self, ids: &[String]) {
        if let Err(e) = self.inner.store.release(ids, &self.inner.worker).await {
            tracing::warn!(error = %e, "could not release claimed returns; their leases lapse");
        }
    }

    /// Runs `each` over `batches`, the next batch starting while the last
    /// one's returns finish (its claim and store reads overlap their calls),
    /// and adds their reports to `report` in batch order. The vendor calls
    /// stay within `concurrency` across batches (see [`Inner::permits`]).
    ///
    /// The walk starts at a random batch and wraps around: workers sharing
    /// a store each begin where the others are not, rather than all
    /// contending for the first batches while the one left behind finishes
    /// everyone else's returns.
    async fn batch_by_batch<T, F>(
        &self,
        mut batches: Vec<Vec<T>>,
        report: &mut SyncReport,
        each: impl Fn(Vec<T>) -> F,
    ) where
        F: Future<Output = SyncReport>,
    {
        if !batches.is_empty() {
            let start = rand::random_range(0..batches.len());
            batches.rotate_left(start);
        }
        let mut parts = stream::iter(batches).map(each).buffered(BATCHES_IN_FLIGHT);
        while let Some(part) = parts.next().await {
            merge(report, part);
        }
    }

    /// Open returns from Loop, a claimed batch at a time.
    async fn work_on_open(&self, returns: Vec<loop_client::Return>, report: &mut SyncReport) {
        let batches = batches(returns, self.inner.options.batch);
        self.batch_by_batch(batches, report, |batch| async move {
            let mut report = SyncReport::new(self.inner.now());
            self.open_batch(batch, &mut report).await;
            report
        })
        .await;
    }

    /// One batch of open returns: claimed, worked on, released.
    async fn open_batch(&self, batch: Vec<loop_client::Return>, report: &mut SyncReport) {
        self.claimed(batch, report, async |mine, report| {
            let prepared = self.prepare_all(mine, report).await;
            self.advance_all(prepared, report).await;
        })
        .await;
    }

    /// Claims the returns of `batch`, runs `work` on those granted while
    /// holding their leases, then releases them.
    async fn claimed(
        &self,
        batch: Vec<loop_client::Return>,
        report: &mut SyncReport,
        work: impl AsyncFnOnce(Vec<loop_client::Return>, &mut SyncReport),
    ) {
        let ids: Vec<String> = batch.iter().map(|r| r.id.to_string()).collect();
        let granted = self.claim(&ids, report).await;
        let mine: Vec<loop_client::Return> = batch
            .into_iter()
            .filter(|r| granted.iter().any(|id| id == r.id.as_ref()))
            .collect();
        self.holding(&granted, work(mine, report)).await;
        self.release(&granted).await;
    }

    /// The store's returns in flight that the pull did not bring, a claimed
    /// batch at a time: tickets polled, blocked and pulled ones tried again.
    /// A return that changed since it was listed was worked on by another
    /// worker meanwhile and waits for the next pass.
    async fn work_in_flight(&self, seen: &HashSet<String>, report: &mut SyncReport) {
        let inner = &self.inner;
        // Listed by id only: those the pull brought are not read at all.
        let listed = match inner.store.in_flight_ids().await {
            Ok(listed) => listed,
            Err(e) => {
                report.run_failures.push(RunFailure {
                    step: FailedStep::Store,
                    error: e.to_string(),
                });
                return;
            }
        };
        let listed: Vec<(String, OffsetDateTime)> = listed
            .into_iter()
            .filter(|(id, _)| !seen.contains(id))
            .collect();
        let batches = batches(listed, inner.options.batch);
        self.batch_by_batch(batches, report, |batch| async move {
            let mut report = SyncReport::new(self.inner.now());
            self.in_flight_batch(batch, &mut report).await;
            report
        })
        .await;
    }

    /// One batch of returns in flight: claimed, read again, worked on,
    /// released.
    async fn in_flight_batch(&self, batch: Vec<(String, OffsetDateTime)>, report: &mut SyncReport) {
        let inner = &self.inner;
        let ids: Vec<String> = batch.iter().map(|(id, _)| id.clone()).collect();
        let granted = self.claim(&ids, report).await;
        self.holding(&granted, async {
            // Read once claimed; one that changed since it was listed (or
            // left flight) is another worker's doing and waits.
            let mine: Vec<_> = match inner.store.tracked_returns(&granted).await {
                Ok(mut fresh) => batch
                    .into_iter()
                    .filter_map(|(id, listed_at)| {
                        fresh
                            .remove(&id)
                            .filter(|t| t.updated_at == listed_at && t.stage.is_in_flight())
                    })
                    .collect(),
                Err(e) => {
                    for (id, _) in batch.iter().filter(|(id, _)| granted.contains(id)) {
                        report.returns.push(ReturnReport {
                            return_id: id.clone(),
                            order_name: String::new(),
                            outcome: Outcome::failed(FailedStep::Store, &e),
                        });
                    }
                    Vec::new()
                }
            };
            let prepared = self.prepare_tracked(mine, report).await;
            self.advance_all(prepared, report).await;
        })
        .await;
        self.release(&granted).await;
    }

    /// Returns that ended in Loop, a claimed batch at a time.
    async fn close_out_claimed(&self, ended: Vec<loop_client::Return>, report: &mut SyncReport) {
        for batch in batches(ended, self.inner.options.batch) {
            self.claimed(batch, report, async |mine, report| {
                self.close_out_all(mine, report).await;
            })
            .await;
        }
    }

    /// Open returns from Loop → work with drafts, or an outcome at once.
    async fn prepare_all(
        &self,
        returns: Vec<loop_client::Return>,
        report: &mut SyncReport,
    ) -> Vec<Work> {
        let inner = &self.inner;
        if returns.is_empty() {
            return Vec::new();
        }
        // What the store knows of the batch, in two reads rather than two
        // per return.
        let (mut known, mut timelines) = match self.known(&returns).await {
            Ok(found) => found,
            Err(e) => {
                for ret in returns {
                    report.returns.push(ReturnReport {
                        return_id: ret.id.to_string(),
                        order_name: ret.order_name.clone().unwrap_or_default(),
                        outcome: Outcome::failed(FailedStep::Store, &e),
                    });
                }
                return Vec::new();
            }
        };
        let concurrency = inner.options.concurrency;
        let results: Vec<Result<Option<Work>, Settled>> = stream::iter(returns)
            .map(|ret| {
                let span = tracing::info_span!("return", id = %ret.id);
                let id = ret.id.to_string();
                let tracked = known.remove(&id);
                let history = timelines.remove(&id).unwrap_or_default();
                async move {
                    let _permit = inner.permit().await;
                    self.prepare(ret, tracked, history).await
                }
                .instrument(span)
            })
            .buffer_unordered(concurrency)
            .collect()
            .await;
        let mut prepared = Vec::new();
        let mut unsent = Vec::new();
        for result in results {
            match result {
                Ok(Some(work)) => prepared.push(work),
                Ok(None) => {}
                Err(Settled::Reported(settled)) => report.returns.push(settled),
                Err(Settled::Unsent(one)) => unsent.push(*one),
            }
        }
        self.save_unsent(unsent, report).await;
        prepared
    }

    /// The stored records of `returns` and, for those not done before,
    /// their timelines: one read of each for the whole batch.
    async fn known(
        &self,
        returns: &[loop_client::Return],
    ) -> Result<
        (
            HashMap<String, crate::store::TrackedReturn>,
            HashMap<String, Vec<JournalEntry>>,
        ),
        StoreError,
    > {
        let store = &self.inner.store;
        let ids: Vec<String> = returns.iter().map(|r| r.id.to_string()).collect();
        let known = store.tracked_returns(&ids).await?;
        let open: Vec<String> = ids
            .into_iter()
            .filter(|id| !known.get(id).is_some_and(|t| done_before(t.stage)))
            .collect();
        let timelines = if open.is_empty() {
            HashMap::new()
        } else {
            store.timelines(&open).await?
        };
        Ok((known, timelines))
    }

    /// One open return from Loop, with what the store knows of it (read by
    /// [`prepare_all`](Self::prepare_all) for the whole batch).
    async fn prepare(
        &self,
        ret: loop_client::Return,
        tracked: Option<crate::store::TrackedReturn>,
        history: Vec<JournalEntry>,
    ) -> Result<Option<Work>, Settled> {
        let inner = &self.inner;
        let id = ret.id.to_string();
        let settled = |order_name: &str, outcome| {
            Settled::Reported(ReturnReport {
                return_id: id.clone(),
                order_name: order_name.to_owned(),
                outcome,
            })
        };
        let order_name = ret.order_name.clone().unwrap_or_default();
        if tracked.as_ref().is_some_and(|t| done_before(t.stage)) {
            // Done before; Loop lists it as open until it closes it or a
            // person acts. Nothing to do, nothing to report.
            return Ok(None);
        }
        let mut core = to_core_return(&ret)
            .map_err(|e| settled(&order_name, Outcome::failed(FailedStep::Convert, e)))?;
        if let Err(outcome) = self.resolve_channel(&ret, &mut core).await {
            return Err(self.unsent(&id, core, tracked, &history, ReturnStage::Blocked, outcome));
        }
        match plan_asns(&core, &inner.settings) {
            Ok(AsnPlan::Create(drafts)) => Ok(Some(Work::new(
                ret.id.clone(),
                core,
                drafts,
                tracked,
                history,
            ))),
            Ok(AsnPlan::Skip(SkipReason::ExcludedChannel(found))) => {
                let outcome = Outcome::SkippedChannel {
                    channel: found.channel.clone(),
                };
                Err(self.unsent(&id, core, tracked, &history, ReturnStage::Skipped, outcome))
            }
            Ok(AsnPlan::Skip(other)) => {
                let outcome = Outcome::failed(FailedStep::Convert, other);
                Err(self.unsent(&id, core, tracked, &history, ReturnStage::Blocked, outcome))
            }
            Err(e) => {
                let outcome = Outcome::failed(FailedStep::Convert, e);
                Err(self.unsent(&id, core, tracked, &history, ReturnStage::Blocked, outcome))
            }
        }
    }

    /// Fails closed on exclusion: when channels are excluded and the return
    /// carries none, the order's channel is looked up (and cached); if it
    /// still cannot be known, the return is not sent (unless the options
    /// say otherwise).
    async fn resolve_channel(
        &self,
        ret: &loop_client::Return,
        core: &mut returns_core::Return,
    ) -> Result<(), Outcome> {
        let inner = &self.inner;
        if inner.settings.excluded_sales_channels.is_empty() || core.sales_channel.is_some() {
            return Ok(());
        }
        if let Some(order_id) = &ret.order_id {
            let key = order_id.to_string();
            match inner.store.cached_channel(&key).await {
                Ok(Some(channel)) => {
                    core.sales_channel = Some(channel);
                    return Ok(());
                }
                Ok(None) => {}
                Err(e) => return Err(Outcome::failed(FailedStep::Store, e)),
            }
            match inner.loop_client.get_order(order_id).await {
                Ok(order) => {
                    if let Some(channel) = order.sales_channel() {
                        if let Err(e) = inner.store.cache_channel(&key, channel).await {
                            tracing::warn!(error = %e, "could not cache the sales channel");
                        }
                        core.sales_channel = Some(channel.to_owned());
                        return Ok(());
                    }
                }
                // A retryable failure is tried again next run; a refusal
                // (missing scope, unknown order) means the channel cannot be
                // known.
                Err(e) if e.is_retryable() => return Err(Outcome::failed(FailedStep::Channel, e)),
                Err(e) => tracing::warn!(error = %e, "the order's sales channel cannot be read"),
            }
        }
        if inner.options.send_when_channel_unknown {
            Ok(())
        } else {
            Err(Outcome::ChannelUnknown)
        }
    }

    /// A return that is not sent: waits to be tried again
    /// ([`ReturnStage::Blocked`]) or is left out for good
    /// ([`ReturnStage::Skipped`]).
    fn unsent(
        &self,
        id: &str,
        core: returns_core::Return,
        tracked: Option<crate::store::TrackedReturn>,
        history: &[JournalEntry],
        stage: ReturnStage,
        outcome: Outcome,
    ) -> Settled {
        let now = self.inner.now();
        let record = crate::store::TrackedReturn {
            return_id: id.to_owned(),
            order_name: core.order_name.clone(),
            stage,
            core,
            tickets: tracked.map(|t| t.tickets).unwrap_or_default(),
            updated_at: now,
        };
        // The journal says why once, and again only when the reason changes.
        let said_before = history
            .iter()
            .rev()
            .find(|e| e.step == Step::NotSent)
            .is_some_and(|e| e.detail == outcome.kind());
        let entries: Vec<JournalEntry> = if said_before {
            Vec::new()
        } else {
            vec![JournalEntry::new(id, now, Step::NotSent, outcome.kind())]
        };
        Settled::Unsent(Box::new(Unsent {
            record,
            entries,
            outcome,
        }))
    }

    /// Saves a batch's unsent returns with their journals in one store call,
    /// then reports them; a failed save fails each of them.
    async fn save_unsent(&self, unsent: Vec<Unsent>, report: &mut SyncReport) {
        let mut records = Vec::with_capacity(unsent.len());
        let mut entries = Vec::new();
        let mut outcomes = Vec::with_capacity(unsent.len());
        for one in unsent {
            outcomes.push((
                one.record.return_id.clone(),
                one.record.order_name.clone(),
                one.outcome,
            ));
            entries.extend(one.entries);
            records.push(one.record);
        }
        let stored = self.inner.store.save_batch(&records, &entries).await;
        for (return_id, order_name, outcome) in outcomes {
            let outcome = match &stored {
                Ok(()) => outcome,
                Err(e) => Outcome::failed(FailedStep::Store, e),
            };
            report.returns.push(ReturnReport {
                return_id,
                order_name,
                outcome,
            });
        }
    }

    /// Claimed returns in flight → work: tickets to poll; blocked and
    /// pulled ones are read again from Loop.
    async fn prepare_tracked(
        &self,
        tracked: Vec<crate::store::TrackedReturn>,
        report: &mut SyncReport,
    ) -> Vec<Work> {
        let inner = &self.inner;
        let mut prepared = Vec::new();
        let mut blocked = Vec::new();
        let to_poll: Vec<String> = tracked
            .iter()
            .filter(|t| !matches!(t.stage, ReturnStage::Blocked | ReturnStage::Pulled))
            .map(|t| t.return_id.clone())
            .collect();
        let mut timelines = inner.store.timelines(&to_poll).await;
        for t in tracked {
            if matches!(t.stage, ReturnStage::Blocked | ReturnStage::Pulled) {
                blocked.push(t);
                continue;
            }
            let id = t.return_id.clone();
            let history = match &mut timelines {
                Ok(found) => found.remove(&id).unwrap_or_default(),
                Err(e) => {
                    report.returns.push(ReturnReport {
                        return_id: id,
                        order_name: t.order_name.clone(),
                        outcome: Outcome::failed(FailedStep::Store, e),
                    });
                    continue;
                }
            };
            match plan_asns(&t.core, &inner.settings) {
                Ok(AsnPlan::Create(drafts)) => {
                    let loop_id = loop_client::ReturnId::new(id.as_str());
                    prepared.push(Work::new(loop_id, t.core.clone(), drafts, Some(t), history));
                }
                Ok(AsnPlan::Skip(reason)) => report.returns.push(ReturnReport {
                    return_id: id,
                    order_name: t.order_name.clone(),
                    outcome: Outcome::failed(FailedStep::Convert, reason),
                }),
                Err(e) => report.returns.push(ReturnReport {
                    return_id: id,
                    order_name: t.order_name.clone(),
                    outcome: Outcome::failed(FailedStep::Convert, e),
                }),
            }
        }
        prepared.extend(self.reread_blocked(blocked, report).await);
        prepared
    }

    /// A blocked return (unknown channel or items, a ticket that differs) is
    /// read again from Loop and goes through every check a pulled return
    /// does: its stored copy may lack what made it wait, and Loop's state
    /// may have moved on. So is a pulled return a stopped worker left.
    async fn reread_blocked(
        &self,
        blocked: Vec<crate::store::TrackedReturn>,
        report: &mut SyncReport,
    ) -> Vec<Work> {
        let mut open = Vec::new();
        let mut ended = Vec::new();
        for t in blocked {
            let id = loop_client::ReturnId::new(t.return_id.as_str());
            match self.inner.loop_client.get_return(&id.into(), None).await {
                Ok(ret) => match ret.state {
                    Some(ReturnState::Open) => open.push(ret),
                    Some(ReturnState::Cancelled | ReturnState::Expired | ReturnState::Closed) => {
                        ended.push(ret)
                    }
                    Some(ReturnState::Review) => self.hand_over(&ret, report).await,
                    _ => {}
                },
                Err(e) => report.returns.push(ReturnReport {
                    return_id: t.return_id.clone(),
                    order_name: t.order_name.clone(),
                    outcome: Outcome::failed(FailedStep::Pull, e),
                }),
            }
        }
        report.counts.pulled += open.len() + ended.len();
        self.close_out_all(ended, report).await;
        self.prepare_all(open, report).await
    }

    /// Checks the items of everything still to be created in one batch, then
    /// moves each return as far as it can go, `concurrency` at a time.
    async fn advance_all(&self, mut prepared: Vec<Work>, report: &mut SyncReport) {
        let inner = &self.inner;
        report.counts.planned += prepared.len();
        let missing = match self.missing_items(&prepared).await {
            Ok(missing) => missing,
            Err(e) => {
                for w in &mut prepared {
                    if !w.items_to_create().is_empty() {
                        w.settle(
                            inner.now(),
                            ReturnStage::Blocked,
                            Outcome::failed(FailedStep::CheckItems, &e),
                        );
                    }
                }
                HashSet::new()
            }
        };
        let finished: Vec<Work> = stream::iter(prepared)
            .map(|w| {
                let span = tracing::info_span!("return", id = %w.loop_id);
                let missing = &missing;
                async move {
                    let _permit = inner.permit().await;
                    self.advance(w, missing).await
                }
                .instrument(span)
            })
            .buffer_unordered(inner.options.concurrency)
            .collect()
            .await;
        self.record_all(finished, report).await;
    }

    /// The items of `prepared` that CloudX's item master does not hold:
    /// those not [known](KnownItems) are looked up, and the ones found
    /// remembered.
    async fn missing_items(
        &self,
        prepared: &[Work],
    ) -> Result<HashSet<ItemIdentifier>, cloudx_client::Error> {
        let inner = &self.inner;
        let now = inner.now();
        let identifiers: Vec<ItemIdentifier> = prepared
            .iter()
            .filter(|w| !w.settled())
            .flat_map(Work::items_to_create)
            .map(|key| ItemIdentifier::from(&key))
            .filter(|item| !inner.known_items.contains(item, now))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if identifiers.is_empty() {
            return Ok(HashSet::new());
        }
        let missing: HashSet<ItemIdentifier> = inner
            .cloudx
            .verify_items(&identifiers)
            .await?
            .into_iter()
            .collect();
        let found = identifiers
            .into_iter()
            .filter(|item| !missing.contains(item));
        inner.known_items.remember(found, now);
        Ok(missing)
    }

    async fn advance(&self, mut w: Work, missing: &HashSet<ItemIdentifier>) -> Work {
        let inner = &self.inner;
        if w.settled() {
            return w;
        }
        let unknown: Vec<String> = w
            .items_to_create()
            .iter()
            .map(ItemIdentifier::from)
            .filter(|id| missing.contains(id))
            .map(|id| id.to_string())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        if !unknown.is_empty() {
            work::block_on_missing_items(inner, &mut w, unknown).await;
            return w;
        }
        work::send(inner, &mut w).await;
        if !w.settled() {
            work::poll_and_decide(inner, &mut w).await;
        }
        w
    }

    /// Saves a return's state and journal, and adds it to the report.
    /// A return without an outcome (one that ended normally) is saved but
    /// not reported: the run did nothing to it.
    async fn record(&self, w: Work, report: &mut SyncReport) {
        let inner = &self.inner;
        let now = inner.now();
        let stored = async {
            inner.store.save_return(&w.to_tracked(now)).await?;
            inner.store.append_journal(&w.new_entries).await
        };
        add_counts(&mut report.counts, &w.counts);
        let outcome = match (stored.await, w.outcome.clone()) {
            (Err(e), _) => Outcome::failed(FailedStep::Store, e),
            (Ok(()), Some(outcome)) => outcome,
            (Ok(()), None) => return,
        };
        report.returns.push(ReturnReport {
            return_id: w.id(),
            order_name: w.core.order_name.clone(),
            outcome,
        });
    }

    /// Saves a batch of returns with their journals in one store call (one
    /// commit where the store can), then reports them as [`record`] does.
    /// A failed save fails each of them; the next run finds their tickets
    /// and notes at the vendors.
    ///
    /// [`record`]: Self::record
    async fn record_all(&self, works: Vec<Work>, report: &mut SyncReport) {
        let inner = &self.inner;
        let now = inner.now();
        let tracked: Vec<crate::store::TrackedReturn> =
            works.iter().map(|w| w.to_tracked(now)).collect();
        let entries: Vec<JournalEntry> = works
            .iter()
            .flat_map(|w| w.new_entries.iter().cloned())
            .collect();
        let stored = inner.store.save_batch(&tracked, &entries).await;
        for w in works {
            add_counts(&mut report.counts, &w.counts);
            let outcome = match (&stored, w.outcome) {
                (Err(e), _) => Outcome::failed(FailedStep::Store, e),
                (Ok(()), Some(outcome)) => outcome,
                (Ok(()), None) => continue,
            };
            report.returns.push(ReturnReport {
                return_id: w.loop_id.to_string(),
                order_name: w.core.order_name,
                outcome,
            });
        }
    }

    /// A return in review in Loop (flagged, by this engine before a crash
    /// or by a person) is a person's to decide: the engine stops polling it.
    async fn hand_over(&self, ret: &loop_client::Return, report: &mut SyncReport) {
        let inner = &self.inner;
        let id = ret.id.to_string();
        let stored = async {
            let Some(mut tracked) = inner.store.tracked_return(&id).await? else {
                return Ok(());
            };
            if !tracked.stage.is_in_flight() {
                return Ok(());
            }
            let now = inner.now();
            tracked.stage = ReturnStage::Decided;
            tracked.updated_at = now;
            inner.store.save_return(&tracked).await?;
            let entry = JournalEntry::new(
                &id,
                now,
                Step::Decided,
                "in review in Loop: a person decides",
            );
            inner.store.append_journal(&[entry]).await
        };
        if let Err(e) = stored.await {
            report.returns.push(ReturnReport {
                return_id: id,
                order_name: ret.order_name.clone().unwrap_or_default(),
                outcome: Outcome::failed(FailedStep::Store, e),
            });
        }
    }

    /// Returns that ended in Loop: cancel their waiting tickets.
    async fn close_out_all(&self, ended: Vec<loop_client::Return>, report: &mut SyncReport) {
        let inner = &self.inner;
        for ret in ended {
            let id = ret.id.to_string();
            let tracked = match inner.store.tracked_return(&id).await {
                Ok(tracked) => tracked,
                Err(e) => {
                    report.returns.push(ReturnReport {
                        return_id: id,
                        order_name: ret.order_name.clone().unwrap_or_default(),
                        outcome: Outcome::failed(FailedStep::Store, e),
                    });
                    continue;
                }
            };
            if tracked.as_ref().is_some_and(|t| !t.stage.is_in_flight()) {
                continue; // decided, skipped or closed out before
            }
            // A return that cannot be planned cannot be matched to its
            // tickets: reported, never taken as "nothing to cancel".
            let planned = to_core_return(&ret)
                .map_err(|e| e.to_string())
                .and_then(|core| match plan_asns(&core, &inner.settings) {
                    Ok(AsnPlan::Create(drafts)) => Ok(Some((core, drafts))),
                    // Skipped (an excluded channel): never sent, no ticket.
                    Ok(AsnPlan::Skip(_)) => Ok(None),
                    Err(e) => Err(e.to_string()),
                });
            let (core, drafts) = match planned {
                Ok(Some(planned)) => planned,
                Ok(None) => continue,
                Err(error) => {
                    report.returns.push(ReturnReport {
                        return_id: id,
                        order_name: ret.order_name.clone().unwrap_or_default(),
                        outcome: Outcome::failed(FailedStep::Convert, error),
                    });
                    continue;
                }
            };
            let state = ret
                .state
                .as_ref()
                .map_or("ended", ReturnState::as_str)
                .to_owned();
            let mut w = Work::new(ret.id.clone(), core, drafts, tracked, Vec::new());
            w.stage = ReturnStage::Ended;
            work::close_out(inner, &mut w, &state).await;
            if w.outcome.is_some() || w.tracked.is_some() {
                self.record(w, report).await;
            }
        }
    }

    /// Handles one webhook event: the return it names is read from Loop
    /// (the event is a hint; Loop's state is the truth) and sent to the
    /// warehouse at once if it is open and new. A channel the event carries
    /// is cached for the return's order.
    pub async fn handle_event(&self, event: &loop_client::webhook::WebhookEvent) -> SyncReport {
        let inner = &self.inner;
        let mut report = SyncReport::new(inner.now());
        report.counts.events += 1;
        if let loop_client::webhook::WebhookEvent::Return(e) = event
            && let (Some(order_id), Some(channel)) =
                (&e.ret.order_id, &e.ret.provider_order_sales_channel)
            && let Err(err) = inner.store.cache_channel(order_id.as_ref(), channel).await
        {
            tracing::warn!(error = %err, "could not cache the sales channel");
        }
        let Some(return_id) = event.return_id() else {
            report.finished_at = inner.now();
            return report;
        };
        let lookup = loop_client::ReturnLookup::from(return_id.clone());
        match inner.loop_client.get_return(&lookup, None).await {
            Ok(ret) => {
                report.counts.pulled += 1;
                match ret.state {
                    Some(ReturnState::Open) => {
                        self.track_pulled(std::slice::from_ref(&ret), &mut report)
                            .await;
                        self.work_on_open(vec![ret], &mut report).await;
                    }
                    Some(ReturnState::Cancelled | ReturnState::Expired | ReturnState::Closed) => {
                        self.close_out_claimed(vec![ret], &mut report).await;
                    }
                    _ => {}
                }
            }
            Err(e) => report.returns.push(ReturnReport {
                return_id: return_id.to_string(),
                order_name: String::new(),
                outcome: Outcome::failed(FailedStep::Event, e),
            }),
        }
        report.finished_at = inner.now();
        report
    }

    /// Handles the webhook events waiting in the store's inbox, oldest
    /// first, marking each done once handled. An event whose body does not
    /// parse is reported and marked done (it can never succeed).
    pub async fn process_inbox(&self) -> SyncReport {
        let inner = &self.inner;
        let mut report = SyncReport::new(inner.now());
        let pending = match inner.store.pending_events(256).await {
            Ok(pending) => pending,
            Err(e) => {
                report.run_failures.push(RunFailure {
                    step: FailedStep::Store,
                    error: e.to_string(),
                });
                return report;
            }
        };
        for item in pending {
            if let Some(return_id) = &item.event.return_id {
                let entry = JournalEntry::new(
                    return_id,
                    item.event.received_at,
                    Step::EventReceived,
                    format!("webhook {} ({})", item.event.topic, item.event.key),
                );
                if let Err(e) = inner.store.append_journal(&[entry]).await {
                    tracing::warn!(error = %e, "could not journal a webhook event");
                }
            }
            match loop_client::webhook::parse_event(item.event.body.as_bytes()) {
                Ok(event) => {
                    let handled = self.handle_event(&event).await;
                    let failed = handled
                        .failures()
                        .any(|(_, step, _)| step == FailedStep::Event);
                    merge(&mut report, handled);
                    if failed {
                        continue; // left pending: tried again
                    }
                }
                Err(e) => report.run_failures.push(RunFailure {
                    step: FailedStep::Event,
                    error: format!("event {}: {e}", item.event.key),
                }),
            }
            if let Err(e) = inner.store.complete_event(item.seq).await {
                report.run_failures.push(RunFailure {
                    step: FailedStep::Store,
                    error: e.to_string(),
                });
            }
        }
        report.finished_at = inner.now();
        report
    }
}

/// An open return that goes no further in this run.
enum Settled {
    /// Nothing to save: reported as it is.
    Reported(ReturnReport),
    /// Not sent: saved with its batch, then reported.
    Unsent(Box<Unsent>),
}

/// A return not sent to the warehouse, as it is saved and reported.
struct Unsent {
    record: crate::store::TrackedReturn,
    entries: Vec<JournalEntry>,
    outcome: Outcome,
}

/// Whether a stored stage means the engine is done with the return: Loop
/// may still list it as open until it closes it or a person acts.
fn done_before(stage: ReturnStage) -> bool {
    matches!(
        stage,
        ReturnStage::Decided | ReturnStage::AwaitingPerson | ReturnStage::Ended
    )
}

/// Each return once, as its last copy in the list shows it. A return whose
/// state or time changed while the window was read can be listed again
/// (see [`loop_client::pagination`]); two copies in one pass would be
/// worked on side by side, each looking for the other's notes too early.
fn latest_copies(returns: Vec<loop_client::Return>) -> Vec<loop_client::Return> {
    let mut seen = HashSet::with_capacity(returns.len());
    let mut latest: Vec<loop_client::Return> = returns
        .into_iter()
        .rev()
        .filter(|ret| seen.insert(ret.id.clone()))
        .collect();
    latest.reverse();
    latest
}

/// `items` in batches of at most `size`, in order.
fn batches<T>(items: Vec<T>, size: usize) -> Vec<Vec<T>> {
    let mut items = items.into_iter().peekable();
    let mut batches = Vec::new();
    while items.peek().is_some() {
        batches.push(items.by_ref().take(size.max(1)).collect());
    }
    batches
}

/// A name no other engine has: host, process and a random part.
fn default_worker_id() -> String {
    let host = std::env::var("HOSTNAME")
        .ok()
        .filter(|h| !h.trim().is_empty())
        .unwrap_or_else(|| "worker".to_owned());
    format!(
        "{host}-{}-{:06x}",
        std::process::id(),
        rand::random::<u32>() & 0xff_ffff
    )
}

fn add_counts(total: &mut crate::report::StepCounts, more: &crate::report::StepCounts) {
    total.pulled += more.pulled;
    total.planned += more.planned;
    total.tickets_created += more.tickets_created;
    total.tickets_found += more.tickets_found;
    total.tickets_polled += more.tickets_polled;
    total.decided += more.decided;
    total.acted += more.acted;
    total.notes_written += more.notes_written;
    total.tickets_cancelled += more.tickets_cancelled;
    total.events += more.events;
    total.held_elsewhere += more.held_elsewhere;
}

fn merge(report: &mut SyncReport, other: SyncReport) {
    add_counts(&mut report.counts, &other.counts);
    report.returns.extend(other.returns);
    report.run_failures.extend(other.run_failures);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn listed(id: u64, state: &str) -> loop_client::Return {
        serde_json::from_value(serde_json::json!({ "id": id, "state": state })).unwrap()
    }

    #[test]
    fn a_return_listed_twice_is_worked_on_once_as_last_listed() {
        let pulled = vec![
            listed(1, "open"),
            listed(2, "open"),
            listed(1, "closed"),
            listed(3, "open"),
            listed(2, "open"),
        ];
        let latest: Vec<(String, Option<ReturnState>)> = latest_copies(pulled)
            .into_iter()
            .map(|ret| (ret.id.to_string(), ret.state))
            .collect();
        assert_eq!(
            latest,
            [
                ("1".to_owned(), Some(ReturnState::Closed)),
                ("3".to_owned(), Some(ReturnState::Open)),
                ("2".to_owned(), Some(ReturnState::Open)),
            ]
        );
    }
}

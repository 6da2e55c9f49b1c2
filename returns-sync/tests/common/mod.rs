//! A sandbox, clients aimed at it, and an engine over a store and a clock
//! the test controls. The tests count from the sandbox's state (tickets,
//! notes, Loop states), never from the engine's report alone.

#![allow(dead_code)] // each test binary uses a different part of the kit

use std::collections::HashMap;
use std::sync::Arc;

use cloudx_client::CloudxClient;
use loop_client::{LoopClient, RateLimit};
use returns_core::IntegrationSettings;
use returns_sync::{
    EngineOptions, InboxEvent, JournalEntry, ManualClock, MemoryStore, PendingEvent, ReturnStage,
    Store, StoreError, SyncEngine, TrackedReturn,
};
use sandbox::{Sandbox, SandboxConfig};
use time::OffsetDateTime;

pub const EXCLUDED: &str = "Amazon";
pub const WAREHOUSE: &str = "BERGEN-NJ-01";

pub fn settings() -> IntegrationSettings {
    IntegrationSettings::new(WAREHOUSE)
        .with_auto_process(true)
        .with_excluded_sales_channels([EXCLUDED])
}

/// The sandbox without rate limits, its warehouse receiving a parcel in one
/// step.
pub async fn sandbox(mut config: SandboxConfig) -> Sandbox {
    config.cloudx_config.warehouse_model.statuses_per_step = 8;
    Sandbox::start(config.without_rate_limits()).await.unwrap()
}

pub fn loop_client(sandbox: &Sandbox) -> LoopClient {
    LoopClient::builder(sandbox.credentials().loop_api_key)
        .base_url(sandbox.loop_base_url())
        .rate_limit(RateLimit::Unlimited)
        .build()
        .unwrap()
}

pub fn cloudx(sandbox: &Sandbox) -> CloudxClient {
    CloudxClient::builder(sandbox.credentials().cloudx_client_secret)
        .base_url(sandbox.cloudx_base_url())
        .rate_limit(cloudx_client::transport::RateLimit::Unlimited)
        .build()
        .unwrap()
}

/// An engine over `store`, reading `clock`.
pub async fn engine_with(
    sandbox: &Sandbox,
    settings: IntegrationSettings,
    store: Arc<dyn Store>,
    clock: ManualClock,
    options: EngineOptions,
) -> SyncEngine {
    SyncEngine::builder(loop_client(sandbox), cloudx(sandbox), settings)
        .shared_store(store)
        .clock(clock)
        .options(options)
        .build()
        .await
        .unwrap()
}

/// An engine with the default settings, a fresh memory store, and a clock at
/// the real time.
pub async fn engine(sandbox: &Sandbox) -> (SyncEngine, ManualClock) {
    let clock = ManualClock::new(OffsetDateTime::now_utc());
    let engine = engine_with(
        sandbox,
        settings(),
        Arc::new(MemoryStore::new()),
        clock.clone(),
        EngineOptions::default(),
    )
    .await;
    (engine, clock)
}

/// Lets the simulated warehouse work until it has nothing left to move.
pub fn receive_everything(sandbox: &Sandbox) {
    while sandbox.cloudx().work_warehouse() > 0 {}
}

/// Receiving tickets per return id (the ticket's `rma_number`).
pub fn tickets_by_return(sandbox: &Sandbox) -> HashMap<String, Vec<serde_json::Value>> {
    let mut by_return: HashMap<String, Vec<serde_json::Value>> = HashMap::new();
    for ticket in sandbox.cloudx().tickets() {
        let rma = ticket["rma_number"].as_str().unwrap_or_default().to_owned();
        by_return.entry(rma).or_default().push(ticket);
    }
    by_return
}

/// How many tickets share a reference number with another (0 means none
/// was ever made twice).
pub fn duplicate_tickets(sandbox: &Sandbox) -> usize {
    let mut per_reference: HashMap<String, usize> = HashMap::new();
    for ticket in sandbox.cloudx().tickets() {
        let reference = ticket["reference_number"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        *per_reference.entry(reference).or_default() += 1;
    }
    per_reference.values().map(|n| n - 1).sum()
}

/// How many notes on the return repeat another note's text.
pub fn duplicate_notes(sandbox: &Sandbox, return_id: &str) -> usize {
    let notes = sandbox.loop_sim().notes(return_id.parse().unwrap());
    let mut seen = std::collections::HashSet::new();
    notes.iter().filter(|n| !seen.insert(n.as_str())).count()
}

/// Duplicate notes over every return of the sandbox.
pub fn duplicate_notes_anywhere(sandbox: &Sandbox) -> usize {
    sandbox
        .loop_sim()
        .returns()
        .iter()
        .filter_map(|r| r["id"].as_u64())
        .map(|id| duplicate_notes(sandbox, &id.to_string()))
        .sum()
}

/// The Loop state of a return, lower case (`open`, `closed`, `review`, …).
pub fn loop_state(sandbox: &Sandbox, return_id: &str) -> String {
    let state = sandbox
        .loop_sim()
        .return_state(return_id.parse().unwrap())
        .unwrap();
    format!("{state:?}").to_lowercase()
}

/// A memory store that fails on demand: its inbox writes while
/// `inbox_broken` is set, everything while `unreachable` is set (a database
/// that went away).
#[derive(Debug, Default)]
pub struct FlakyStore {
    pub inner: MemoryStore,
    pub inbox_broken: std::sync::atomic::AtomicBool,
    pub unreachable: std::sync::atomic::AtomicBool,
}

impl FlakyStore {
    fn reach(&self, operation: &'static str) -> Result<(), StoreError> {
        if self.unreachable.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(StoreError::Io {
                operation,
                reason: "connection refused".into(),
            });
        }
        Ok(())
    }
}

#[async_trait::async_trait]
impl Store for FlakyStore {
    async fn watermark(&self) -> Result<Option<time::OffsetDateTime>, StoreError> {
        self.reach("watermark")?;
        self.inner.watermark().await
    }
    async fn set_watermark(&self, at: time::OffsetDateTime) -> Result<(), StoreError> {
        self.reach("set_watermark")?;
        self.inner.set_watermark(at).await
    }
    async fn tracked_return(&self, id: &str) -> Result<Option<TrackedReturn>, StoreError> {
        self.reach("tracked_return")?;
        self.inner.tracked_return(id).await
    }
    async fn save_return(&self, tracked: &TrackedReturn) -> Result<(), StoreError> {
        self.reach("save_return")?;
        self.inner.save_return(tracked).await
    }
    async fn track_new(&self, returns: &[TrackedReturn]) -> Result<(), StoreError> {
        self.reach("track_new")?;
        self.inner.track_new(returns).await
    }
    async fn in_flight(&self) -> Result<Vec<TrackedReturn>, StoreError> {
        self.reach("in_flight")?;
        self.inner.in_flight().await
    }
    async fn stage_counts(&self) -> Result<Vec<(ReturnStage, u64)>, StoreError> {
        self.reach("stage_counts")?;
        self.inner.stage_counts().await
    }
    async fn append_journal(&self, entries: &[JournalEntry]) -> Result<(), StoreError> {
        self.reach("append_journal")?;
        self.inner.append_journal(entries).await
    }
    async fn timeline(&self, id: &str) -> Result<Vec<JournalEntry>, StoreError> {
        self.reach("timeline")?;
        self.inner.timeline(id).await
    }
    async fn push_event(&self, event: &InboxEvent) -> Result<bool, StoreError> {
        self.reach("push_event")?;
        if self.inbox_broken.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(StoreError::Io {
                operation: "push_event",
                reason: "disk full".into(),
            });
        }
        self.inner.push_event(event).await
    }
    async fn pending_events(&self, limit: usize) -> Result<Vec<PendingEvent>, StoreError> {
        self.reach("pending_events")?;
        self.inner.pending_events(limit).await
    }
    async fn complete_event(&self, seq: i64) -> Result<(), StoreError> {
        self.reach("complete_event")?;
        self.inner.complete_event(seq).await
    }
    async fn claim(
        &self,
        ids: &[String],
        holder: &str,
        now: time::OffsetDateTime,
        until: time::OffsetDateTime,
    ) -> Result<Vec<String>, StoreError> {
        self.reach("claim")?;
        self.inner.claim(ids, holder, now, until).await
    }
    async fn release(&self, ids: &[String], holder: &str) -> Result<(), StoreError> {
        self.reach("release")?;
        self.inner.release(ids, holder).await
    }
    async fn cached_channel(&self, order_id: &str) -> Result<Option<String>, StoreError> {
        self.reach("cached_channel")?;
        self.inner.cached_channel(order_id).await
    }
    async fn cache_channel(&self, order_id: &str, channel: &str) -> Result<(), StoreError> {
        self.reach("cache_channel")?;
        self.inner.cache_channel(order_id, channel).await
    }
}

//! A sandbox, clients aimed at it, and an engine over a store and a clock
//! the test controls. The tests count from the sandbox's state (tickets,
//! notes, Loop states), never from the engine's report alone.

#![allow(dead_code)] // each test binary uses a different part of the kit

use std::collections::HashMap;
use std::sync::Arc;

use cloudx_client::CloudxClient;
use loop_client::{LoopClient, RateLimit};
use returns_core::IntegrationSettings;
use returns_sync::{EngineOptions, ManualClock, MemoryStore, Store, SyncEngine};
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

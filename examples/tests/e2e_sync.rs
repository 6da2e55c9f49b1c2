//! The demo's returns flow through `returns-sync` against the sandbox with
//! faults on both vendors: every seeded return ends as planned, counted
//! from the simulators' state — no ticket, note or action twice, none lost.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;

use examples::connect::ReturnsServices;
use examples::returns::{engine, receive_everything};
use returns_core::IntegrationSettings;
use returns_sync::{EngineOptions, MemoryStore, SyncEngine, SyncReport};
use sandbox::scenario::{Expectation, ScenarioConfig};
use sandbox::{FaultConfig, Sandbox, SandboxConfig, Simulator};

const EXCLUDED: &str = "Amazon";

fn settings() -> IntegrationSettings {
    IntegrationSettings::new("BERGEN-NJ-01")
        .with_auto_process(true)
        .with_excluded_sales_channels([EXCLUDED])
}

/// Runs the engine until a run reports no failure (as a schedule would),
/// returning the failures per run.
async fn run_until_clean(engine: &SyncEngine) -> (Vec<usize>, SyncReport) {
    let mut failures = Vec::new();
    for _ in 0..10 {
        let report = engine.reconcile_once().await;
        failures.push(report.failures().count());
        if failures.last() == Some(&0) {
            return (failures, report);
        }
    }
    panic!("failures per run never reached 0: {failures:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_lose_and_duplicate_nothing() {
    let faults = |seed| FaultConfig {
        seed,
        server_error_rate: 0.05,
        drop_rate: 0.05,
        ..FaultConfig::default()
    };
    let mut config = SandboxConfig::default()
        .with_scenario(ScenarioConfig::new(11, 1_000))
        .with_faults(Simulator::Loop, faults(1))
        .with_faults(Simulator::Cloudx, faults(2))
        .without_rate_limits();
    config.cloudx_config.warehouse_model.statuses_per_step = 8;
    let services = ReturnsServices::sandbox(Sandbox::start(config).await.unwrap()).unwrap();
    let engine = engine(
        &services,
        settings(),
        Arc::new(MemoryStore::new()),
        EngineOptions::default(),
    )
    .await
    .unwrap();

    let (sent, _) = run_until_clean(&engine).await;
    receive_everything(&services);
    let (decided, last) = run_until_clean(&engine).await;
    assert!(
        sent[0] + decided[0] > 0,
        "the faults must bite: {sent:?} {decided:?}"
    );

    let sandbox = services.sandbox.as_ref().unwrap();
    let creates = sandbox.cloudx().create_count();
    let again = engine.reconcile_once().await;
    assert_eq!(again.counts.tickets_created, 0);
    assert_eq!(again.counts.acted, 0);
    assert_eq!(again.counts.notes_written, 0);
    assert_eq!(sandbox.cloudx().create_count(), creates);

    // Counted from the sandbox, not from the reports.
    let mut per_reference: HashMap<String, usize> = HashMap::new();
    let mut per_return: HashMap<String, usize> = HashMap::new();
    for ticket in sandbox.cloudx().tickets() {
        *per_reference
            .entry(ticket["reference_number"].as_str().unwrap().to_owned())
            .or_default() += 1;
        *per_return
            .entry(ticket["rma_number"].as_str().unwrap().to_owned())
            .or_default() += 1;
    }
    assert!(
        per_reference.values().all(|&n| n == 1),
        "a reference has two tickets"
    );
    for plan in sandbox.scenario().unwrap().plans() {
        let id = &plan.return_id;
        let notes = sandbox.loop_sim().notes(id.parse().unwrap());
        let unique: HashSet<&String> = notes.iter().collect();
        assert_eq!(
            unique.len(),
            notes.len(),
            "{id}: a note written twice: {notes:?}"
        );
        let state = format!(
            "{:?}",
            sandbox
                .loop_sim()
                .return_state(id.parse().unwrap())
                .unwrap()
        )
        .to_lowercase();
        let tickets = per_return.get(id).copied().unwrap_or(0);
        match plan.expectation_excluding(&[EXCLUDED]) {
            None | Some(Expectation::AsnRejected) => assert_eq!(tickets, 0, "{id}"),
            Some(expected) => {
                assert_eq!(
                    tickets,
                    plan.shipments.len(),
                    "{id}: one ticket per shipment"
                );
                let want = match expected {
                    Expectation::Processed => "closed",
                    Expectation::Flagged => "review",
                    _ => "open",
                };
                assert_eq!(state, want, "{id}: {:?}", last.outcome_of(id));
            }
        }
    }
}

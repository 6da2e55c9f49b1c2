//! The Loop → Bergen sync flow against the sandbox, asserting where every
//! seeded return ends up: in Loop, in CloudX, and in the run's report.

use std::collections::HashMap;

use examples::connect::ReturnsServices;
use examples::progress::Progress;
use examples::report::{ReturnOutcome, SyncReport};
use examples::sync::{SyncOptions, run_sync};
use returns_core::IntegrationSettings;
use sandbox::scenario::{Expectation, PlannedReceipt, ScenarioConfig};
use sandbox::{FaultConfig, Sandbox, SandboxConfig, Simulator};

const EXCLUDED: &str = "Amazon";

fn settings() -> IntegrationSettings {
    IntegrationSettings::new("BERGEN-NJ-01")
        .with_auto_process(true)
        .with_excluded_sales_channels([EXCLUDED])
}

/// The sandbox without rate limits, its warehouse receiving a parcel in one
/// step, and clients aimed at it.
async fn services(mut config: SandboxConfig) -> ReturnsServices {
    config.cloudx_config.warehouse_model.statuses_per_step = 8;
    ReturnsServices::sandbox(Sandbox::start(config.without_rate_limits()).await.unwrap()).unwrap()
}

async fn sync(services: &ReturnsServices) -> SyncReport {
    run_sync(
        services,
        &settings(),
        &SyncOptions::default(),
        &Progress::quiet(),
    )
    .await
    .unwrap()
}

/// Receiving tickets per return id (the ticket's `rma_number`).
fn tickets_by_return(sandbox: &Sandbox) -> HashMap<String, Vec<serde_json::Value>> {
    let mut by_return: HashMap<String, Vec<serde_json::Value>> = HashMap::new();
    for ticket in sandbox.cloudx().tickets() {
        let rma = ticket["rma_number"].as_str().unwrap_or_default().to_owned();
        by_return.entry(rma).or_default().push(ticket);
    }
    by_return
}

/// Checks the whole end state against the scenario's plan: tickets per
/// shipment, Loop state, the notes' reasons, and the report's outcome.
async fn assert_final_state_matches_the_plan(services: &ReturnsServices, report: &SyncReport) {
    let sandbox = services.sandbox.as_ref().unwrap();
    let scenario = sandbox.scenario().unwrap();
    let tickets = tickets_by_return(sandbox);
    assert_eq!(
        sandbox.cloudx().create_count() as usize,
        sandbox.cloudx().tickets().len(),
        "every accepted create made a ticket"
    );
    for plan in scenario.plans() {
        let id = &plan.return_id;
        let made = tickets.get(id).map_or(0, Vec::len);
        let outcome = report.result(id).map(|r| &r.outcome);
        let Some(expected) = plan.expectation_excluding(&[EXCLUDED]) else {
            assert_eq!(made, 0, "return {id} from {EXCLUDED} must have no ticket");
            if let Some(outcome) = outcome {
                assert!(
                    matches!(outcome, ReturnOutcome::SkippedChannel { .. }),
                    "{id}: {outcome:?}"
                );
            }
            continue;
        };
        match expected {
            Expectation::AsnRejected => assert_eq!(made, 0, "return {id} has an unknown item"),
            _ => assert_eq!(
                made,
                plan.shipments.len(),
                "return {id}: one ticket per shipment"
            ),
        }
        let state = sandbox
            .loop_sim()
            .return_state(id.parse().unwrap())
            .unwrap();
        let state = format!("{state:?}").to_lowercase();
        let our_notes = sandbox.loop_sim().notes(id.parse().unwrap());
        match expected {
            Expectation::Processed => {
                assert_eq!(state, "closed", "return {id} must be processed");
                assert_eq!(our_notes.len(), 1, "{id}: one note, {our_notes:?}");
            }
            Expectation::Flagged => {
                assert_eq!(state, "review", "return {id} must be flagged");
                assert_eq!(our_notes.len(), 1, "{id}: one note, {our_notes:?}");
                let reason = match &plan.receipt {
                    PlannedReceipt::Short { .. } => "short",
                    PlannedReceipt::Damaged { .. } => "damaged",
                    PlannedReceipt::UnexpectedItem { .. } => "unexpected",
                    other => panic!("{id}: {other:?} cannot flag"),
                };
                assert!(
                    our_notes[0].contains(reason),
                    "{id}: note {:?} lacks {reason}",
                    our_notes[0]
                );
            }
            Expectation::Waiting | Expectation::AsnRejected => {
                assert_eq!(state, "open", "return {id} must be left open");
                assert!(our_notes.is_empty(), "{id}: {our_notes:?}");
            }
        }
        if let Some(outcome) = outcome {
            let kind = match expected {
                Expectation::Processed => "processed",
                Expectation::Flagged => "flagged",
                Expectation::Waiting => "waiting",
                Expectation::AsnRejected => "not sent: items missing in CloudX",
            };
            assert_eq!(outcome.kind(), kind, "return {id}: {outcome:?}");
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_return_ends_as_planned_and_a_second_run_changes_nothing() {
    let scenario = ScenarioConfig::new(7, 150).with_missing_items(0.05);
    let services = services(SandboxConfig::default().with_scenario(scenario)).await;
    let sandbox = services.sandbox.as_ref().unwrap();

    let first = sync(&services).await;
    assert_eq!(first.returns_seen, 150);
    assert_eq!(
        first.count("failed (retried next run)"),
        0,
        "{}",
        first.table()
    );
    for kind in [
        "processed",
        "flagged",
        "waiting",
        "skipped: excluded channel",
    ] {
        assert!(
            first.count(kind) > 0,
            "the scenario exercises {kind}:\n{}",
            first.table()
        );
    }
    assert_final_state_matches_the_plan(&services, &first).await;
    let creates = sandbox.cloudx().create_count();
    assert_eq!(first.tickets_created as u64, creates);

    let states_before: Vec<_> = sandbox.loop_sim().returns();
    let second = sync(&services).await;
    assert_eq!(second.tickets_created, 0, "{}", second.table());
    assert_eq!(
        sandbox.cloudx().create_count(),
        creates,
        "no ticket is created twice"
    );
    assert_eq!(
        second.count("processed") + second.count("flagged"),
        0,
        "no action is taken twice:\n{}",
        second.table()
    );
    assert_eq!(
        sandbox.loop_sim().returns(),
        states_before,
        "Loop is untouched"
    );
    assert_final_state_matches_the_plan(&services, &second).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn faults_lose_and_duplicate_nothing() {
    let faults = |seed| FaultConfig {
        seed,
        server_error_rate: 0.05,
        drop_rate: 0.05,
        ..FaultConfig::default()
    };
    let config = SandboxConfig::default()
        .with_scenario(ScenarioConfig::new(11, 1_000))
        .with_faults(Simulator::Loop, faults(1))
        .with_faults(Simulator::Cloudx, faults(2));
    let services = services(config).await;

    // Failed steps are retried by the next run, as a schedule would.
    let mut runs = Vec::new();
    for _ in 0..8 {
        let report = sync(&services).await;
        let failed = report.count("failed (retried next run)");
        runs.push(failed);
        if failed == 0 {
            break;
        }
    }
    assert_eq!(runs.last(), Some(&0), "failures per run: {runs:?}");
    assert!(runs[0] > 0, "the faults must bite: {runs:?}");
    let creates = services.sandbox.as_ref().unwrap().cloudx().create_count();
    let last = sync(&services).await;
    assert_eq!(last.tickets_created, 0, "{}", last.table());
    assert_eq!(
        services.sandbox.as_ref().unwrap().cloudx().create_count(),
        creates
    );
    assert_final_state_matches_the_plan(&services, &last).await;
}

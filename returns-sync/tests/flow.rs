//! The whole flow against the sandbox: every seeded return ends as the
//! scenario planned, counted from the sandbox's state; runs after that, and
//! a run after the store is lost, change nothing.

mod common;

use common::*;
use returns_sync::{Outcome, SyncReport};
use sandbox::SandboxConfig;
use sandbox::scenario::{Expectation, PlannedReceipt, ScenarioConfig};

/// Checks the end state against the scenario's plan: tickets per shipment,
/// Loop state, the notes on each return's timeline.
fn assert_final_state_matches_the_plan(sandbox: &sandbox::Sandbox) {
    let scenario = sandbox.scenario().unwrap();
    let tickets = tickets_by_return(sandbox);
    assert_eq!(
        duplicate_tickets(sandbox),
        0,
        "no reference has two tickets"
    );
    assert_eq!(
        duplicate_notes_anywhere(sandbox),
        0,
        "no note is written twice"
    );
    for plan in scenario.plans() {
        let id = &plan.return_id;
        let made = tickets.get(id).map_or(0, Vec::len);
        let notes = sandbox.loop_sim().notes(id.parse().unwrap());
        let state = loop_state(sandbox, id);
        let Some(expected) = plan.expectation_excluding(&[EXCLUDED]) else {
            assert_eq!(made, 0, "return {id} from {EXCLUDED} must have no ticket");
            assert!(notes.is_empty(), "{id}: {notes:?}");
            continue;
        };
        let created_notes = notes
            .iter()
            .filter(|n| n.starts_with("CloudX ASN "))
            .count();
        match expected {
            Expectation::AsnRejected => {
                assert_eq!(made, 0, "return {id} has an unknown item");
                assert_eq!(notes.len(), 1, "{id}: {notes:?}");
                assert!(
                    notes[0].starts_with("Not sent to the warehouse"),
                    "{id}: {notes:?}"
                );
                continue;
            }
            _ => {
                assert_eq!(
                    made,
                    plan.shipments.len(),
                    "return {id}: one ticket per shipment"
                );
                assert_eq!(
                    created_notes, made,
                    "{id}: one 'ASN created' note per ticket: {notes:?}"
                );
            }
        }
        let decision_notes: Vec<&String> = notes
            .iter()
            .filter(|n| !n.starts_with("CloudX ASN "))
            .collect();
        match expected {
            Expectation::Processed => {
                assert_eq!(state, "closed", "return {id} must be processed");
                assert_eq!(decision_notes.len(), 1, "{id}: {notes:?}");
            }
            Expectation::Flagged => {
                assert_eq!(state, "review", "return {id} must be flagged");
                assert_eq!(decision_notes.len(), 1, "{id}: {notes:?}");
                let reason = match &plan.receipt {
                    PlannedReceipt::Short { .. } => "short",
                    PlannedReceipt::Damaged { .. } => "damaged",
                    PlannedReceipt::UnexpectedItem { .. } => "unexpected",
                    other => panic!("{id}: {other:?} cannot flag"),
                };
                assert!(
                    decision_notes[0].contains(reason),
                    "{id}: {notes:?} lacks {reason}"
                );
            }
            Expectation::Waiting => {
                assert_eq!(state, "open", "return {id} must be left open");
                assert!(decision_notes.is_empty(), "{id}: {notes:?}");
            }
            Expectation::AsnRejected => unreachable!(),
        }
    }
}

fn no_failures(report: &SyncReport) {
    let failures: Vec<_> = report.failures().collect();
    assert!(failures.is_empty(), "{failures:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_return_ends_as_planned_and_later_runs_change_nothing() {
    let scenario = ScenarioConfig::new(7, 150).with_missing_items(0.05);
    let sandbox = sandbox(SandboxConfig::default().with_scenario(scenario)).await;
    let (engine, _clock) = engine(&sandbox).await;

    let first = engine.reconcile_once().await;
    no_failures(&first);
    assert_eq!(first.counts.pulled, 150);
    assert!(first.counts.tickets_created > 0);
    assert_eq!(
        first.counts.decided, 0,
        "nothing is judged in the run that created its ASN"
    );
    assert_eq!(
        sandbox.cloudx().create_count() as usize,
        first.counts.tickets_created
    );

    receive_everything(&sandbox);
    let second = engine.reconcile_once().await;
    no_failures(&second);
    assert_eq!(second.counts.tickets_created, 0);
    for kind in [
        "processed",
        "flagged",
        "skipped: excluded channel",
        "not sent: unknown items",
    ] {
        assert!(
            second.outcome_counts().contains_key(kind) || first.outcome_counts().contains_key(kind),
            "the scenario exercises {kind}: {:?} / {:?}",
            first.outcome_counts(),
            second.outcome_counts()
        );
    }
    assert_final_state_matches_the_plan(&sandbox);

    let creates = sandbox.cloudx().create_count();
    let loop_before = sandbox.loop_sim().returns();
    let third = engine.reconcile_once().await;
    no_failures(&third);
    assert_eq!(
        sandbox.cloudx().create_count(),
        creates,
        "no ticket is created twice"
    );
    assert_eq!(third.counts.acted, 0, "no action is taken twice");
    assert_eq!(third.counts.notes_written, 0, "no note is written twice");
    assert_eq!(
        sandbox.loop_sim().returns(),
        loop_before,
        "Loop is untouched"
    );

    // The store is lost: a new engine over an empty store changes nothing
    // either — the vendors are the source of truth.
    let (fresh, _clock) = common::engine(&sandbox).await;
    let after_loss = fresh.reconcile_once().await;
    no_failures(&after_loss);
    assert_eq!(
        sandbox.cloudx().create_count(),
        creates,
        "no second ticket after the store is lost"
    );
    assert_eq!(after_loss.counts.tickets_created, 0);
    assert_eq!(
        after_loss.counts.notes_written, 0,
        "no second note after the store is lost"
    );
    assert_eq!(after_loss.counts.acted, 0);
    assert_eq!(
        sandbox.loop_sim().returns(),
        loop_before,
        "Loop is untouched"
    );
    assert_final_state_matches_the_plan(&sandbox);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_store_lost_between_creating_tickets_and_deciding_costs_nothing_twice() {
    let scenario = ScenarioConfig::new(3, 60);
    let sandbox = sandbox(SandboxConfig::default().with_scenario(scenario)).await;
    let (engine, _clock) = engine(&sandbox).await;
    no_failures(&engine.reconcile_once().await);
    let creates = sandbox.cloudx().create_count();

    receive_everything(&sandbox);
    let (fresh, _clock) = common::engine(&sandbox).await;
    let report = fresh.reconcile_once().await;
    no_failures(&report);
    assert_eq!(sandbox.cloudx().create_count(), creates);
    assert!(
        report.counts.tickets_found > 0,
        "tickets are found by reference"
    );
    assert!(report.counts.decided > 0, "found tickets are judged");
    assert!(
        report
            .returns
            .iter()
            .any(|r| matches!(r.outcome, Outcome::Processed { .. })),
        "{:?}",
        report.outcome_counts()
    );
    assert_final_state_matches_the_plan(&sandbox);
}

/// A store out of reach fails whole pulls; the running engine tries again
/// after a few seconds, not after its pull interval, and resumes once the
/// store is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_out_of_reach_is_retried_with_backoff_and_the_engine_resumes() {
    use std::sync::Arc;
    use std::sync::atomic::Ordering;
    use std::time::{Duration, Instant};

    let sandbox =
        sandbox(SandboxConfig::default().with_scenario(ScenarioConfig::new(21, 10))).await;
    let store = Arc::new(FlakyStore::default());
    store.unreachable.store(true, Ordering::SeqCst);
    let engine = engine_with(
        &sandbox,
        settings(),
        store.clone(),
        returns_sync::ManualClock::new(time::OffsetDateTime::now_utc()),
        returns_sync::EngineOptions::default()
            .with_pull_interval(Duration::from_secs(3600))
            .with_jitter(0.0),
    )
    .await;
    let failed_passes = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let running = {
        let (engine, failed_passes) = (engine.clone(), Arc::clone(&failed_passes));
        tokio::spawn(async move {
            engine
                .run(std::future::pending::<()>(), move |report| {
                    if !report.run_failures.is_empty() {
                        failed_passes.fetch_add(1, Ordering::SeqCst);
                    }
                })
                .await;
        })
    };
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    assert!(sandbox.cloudx().tickets().is_empty());
    assert!(
        failed_passes.load(Ordering::SeqCst) >= 2,
        "the first failed pull is retried after 2 s"
    );
    store.unreachable.store(false, Ordering::SeqCst);
    let back = Instant::now();
    while sandbox.cloudx().tickets().is_empty() {
        assert!(
            back.elapsed() < Duration::from_secs(15),
            "no ticket 15 s after the store came back (pull interval: an hour)"
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    running.abort();
}

/// A batch that takes many leases' time (slow vendors) keeps its claims:
/// the engine renews them while it works, so another worker is granted
/// none of its returns until it has finished and released them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_batch_slower_than_its_lease_is_never_taken_over() {
    use std::sync::Arc;
    use std::time::Duration;

    use returns_sync::{MemoryStore, Store};
    use sandbox::{FaultConfig, Simulator};

    let slow = FaultConfig {
        latency: Duration::from_millis(150),
        ..FaultConfig::default()
    };
    let sandbox = sandbox(
        SandboxConfig::default()
            .with_scenario(ScenarioConfig::new(23, 6))
            .with_faults(Simulator::Loop, slow.clone())
            .with_faults(Simulator::Cloudx, slow),
    )
    .await;
    let store = Arc::new(MemoryStore::new());
    let lease = Duration::from_millis(300);
    let engine =
        returns_sync::SyncEngine::builder(loop_client(&sandbox), cloudx(&sandbox), settings())
            .shared_store(store.clone())
            .options(
                returns_sync::EngineOptions::default()
                    .with_lease(lease)
                    .with_batch(6)
                    .with_concurrency(1),
            )
            .build()
            .await
            .unwrap();
    let ids: Vec<String> = sandbox
        .scenario()
        .unwrap()
        .plans()
        .iter()
        .map(|plan| plan.return_id.clone())
        .collect();

    let working = tokio::spawn(async move { engine.reconcile_once().await });
    let mut taken_over = std::collections::BTreeSet::new();
    let (mut probes_mid_batch, mut first_mid_batch, mut last_mid_batch) = (0, None, None);
    while !working.is_finished() {
        tokio::time::sleep(Duration::from_millis(40)).await;
        // Mid-batch: a ticket existed before the probe (the batch was
        // claimed), and a return is still `Pulled` after it (the batch, which
        // holds every return, was not released).
        let claimed_before = !sandbox.cloudx().tickets().is_empty();
        let now = time::OffsetDateTime::now_utc();
        // A probe with a fresh lease, released at once so that it never
        // stands in the engine's way.
        let granted = store
            .claim(&ids, "intruder", now, now + time::Duration::milliseconds(1))
            .await
            .unwrap();
        store.release(&granted, "intruder").await.unwrap();
        let unreleased = store
            .in_flight()
            .await
            .unwrap()
            .iter()
            .any(|t| t.stage == returns_sync::ReturnStage::Pulled);
        if claimed_before && unreleased {
            probes_mid_batch += 1;
            first_mid_batch.get_or_insert(now);
            last_mid_batch = Some(now);
            taken_over.extend(granted);
        }
    }
    working.await.unwrap();
    let mid_batch = last_mid_batch
        .zip(first_mid_batch)
        .map(|(last, first)| last - first);
    assert!(
        mid_batch.is_some_and(|span| span > time::Duration::milliseconds(3 * 300)),
        "the batch must outlast several leases to prove anything: {mid_batch:?} ({probes_mid_batch} probes)"
    );
    assert!(
        taken_over.is_empty(),
        "another worker was granted returns mid-batch: {taken_over:?}"
    );
}

//! The rules of the engine (issue 13, point 2, and "bad input"), one test or
//! a few per rule, each against the sandbox and asserting on its state
//! (tickets, notes, Loop states) as well as on the report.

mod common;

use std::sync::Arc;
use std::time::Duration as StdDuration;

use cloudx_client::prelude::*;
use cloudx_client::transport::RetryPolicy;
use cloudx_client::{CloudxClient, NewReceivingTicket, NewTicketLine};
use common::*;
use returns_core::{AsnPlan, IntegrationSettings, plan_asns};
use returns_sync::{
    BuildError, EngineOptions, FailedStep, ManualClock, MemoryStore, Outcome, Store, SyncEngine,
    SyncReport,
};
use sandbox::cloudx_sim::ReceiptOutcome;
use sandbox::loop_sim::{LoopScope, ReturnState};
use sandbox::{FaultConfig, FaultDecision, Sandbox, SandboxConfig};
use serde_json::{Value, json};
use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime};

// ---------------------------------------------------------------------------
// Kit for this file: returns seeded one by one, with known items.

/// A return of `skus` (one unit each) in `shipments` parcels (1 or 2), from
/// `channel` (`None`: seeded without one), opened at `created_at`. Its items
/// are put in the CloudX item master unless their SKU starts with
/// `UNKNOWN-`.
fn seed_return(
    sandbox: &Sandbox,
    id: u64,
    channel: Option<&str>,
    skus: &[&str],
    shipments: usize,
    created_at: OffsetDateTime,
) -> String {
    let stamp = created_at.format(&Rfc3339).unwrap();
    let line_ids: Vec<u64> = (0..skus.len() as u64).map(|i| id * 100 + i).collect();
    let lines: Vec<Value> = skus
        .iter()
        .zip(&line_ids)
        .map(|(sku, line_id)| {
            json!({
                "line_item_id": line_id,
                "sku": sku,
                "title": format!("Item {sku}"),
                "price": "20.00",
                "discount": "0.00",
                "tax": "0.00",
                "exchange_variant": "",
                "outcome": "default",
                "return_reason": "Too small",
                "returned_at": stamp,
            })
        })
        .collect();
    let per_parcel = line_ids.len().div_ceil(shipments.max(1));
    let labels: Vec<Value> = line_ids
        .chunks(per_parcel.max(1))
        .enumerate()
        .map(|(n, chunk)| {
            json!({
                "status": "in_transit",
                "updated_at": stamp,
                "carrier": "UPS",
                "tracking_number": format!("1Z999AA1{id:06}{n:04}"),
                "line_items": chunk.iter().map(ToString::to_string).collect::<Vec<_>>(),
            })
        })
        .collect();
    let mut value = json!({
        "id": id,
        "state": "open",
        "created_at": stamp,
        "updated_at": stamp,
        "outcome": "refund",
        "order_id": 88_000_000 + id,
        "order_name": format!("#{id}"),
        "order_number": id.to_string(),
        "provider_order_id": 5_987_700_000 + id,
        "customer": format!("customer{id}@example.com"),
        "currency": "USD",
        "line_items": lines,
        "labels": labels,
    });
    if let Some(channel) = channel {
        value["provider_order_sales_channel"] = json!(channel);
    }
    sandbox.loop_sim().insert_return(value);
    for sku in skus.iter().filter(|s| !s.starts_with("UNKNOWN-")) {
        sandbox
            .cloudx()
            .insert_item(sku, None, Some(&format!("Item {sku}")));
    }
    id.to_string()
}

/// A sandbox seeded by the test itself; the warehouse moves
/// `statuses_per_step` statuses per step.
async fn bare_sandbox(mut config: SandboxConfig, statuses_per_step: u32) -> Sandbox {
    config.cloudx_config.warehouse_model.statuses_per_step = statuses_per_step;
    Sandbox::start(config.without_rate_limits()).await.unwrap()
}

async fn engine_over(
    sandbox: &Sandbox,
    settings: IntegrationSettings,
    store: Arc<dyn Store>,
    clock: &ManualClock,
) -> SyncEngine {
    engine_with(
        sandbox,
        settings,
        store,
        clock.clone(),
        EngineOptions::default(),
    )
    .await
}

/// A few minutes ago: when the seeded returns were opened. (The engine pulls
/// up to its clock's time, to the second; a return stamped in the same
/// second as the pull may come in the next pull's overlap instead.)
fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc() - Duration::minutes(5)
}

fn outcome<'a>(report: &'a SyncReport, id: &str) -> &'a Outcome {
    report
        .outcome_of(id)
        .unwrap_or_else(|| panic!("return {id} is not in the report: {report:#?}"))
}

fn no_failures(report: &SyncReport) {
    let failures: Vec<_> = report.failures().collect();
    assert!(failures.is_empty(), "{failures:?}");
}

/// The tickets of one return (by `rma_number`).
fn tickets_of(sandbox: &Sandbox, id: &str) -> Vec<Value> {
    tickets_by_return(sandbox).remove(id).unwrap_or_default()
}

fn status_of(ticket: &Value) -> &str {
    ticket["status"].as_str().unwrap_or_default()
}

fn notes_of(sandbox: &Sandbox, id: &str) -> Vec<String> {
    sandbox.loop_sim().notes(id.parse().unwrap())
}

/// The ASN drafts the engine's planning gives a return, read from Loop as
/// the engine reads it.
async fn drafts_of(
    sandbox: &Sandbox,
    id: &str,
    settings: &IntegrationSettings,
) -> Vec<returns_core::AsnDraft> {
    let lookup = loop_client::ReturnLookup::from(loop_client::ReturnId::new(id));
    let ret = loop_client(sandbox)
        .get_return(&lookup, None)
        .await
        .unwrap();
    let core = loop_client::conversion::to_core_return(&ret).unwrap();
    match plan_asns(&core, settings).unwrap() {
        AsnPlan::Create(drafts) => drafts,
        AsnPlan::Skip(reason) => panic!("{id} is not planned: {reason:?}"),
    }
}

// ---------------------------------------------------------------------------
// Rule 1: exclusion fails closed.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule1_channel_missing_from_return_data_is_looked_up_on_the_order() {
    let sandbox = bare_sandbox(
        SandboxConfig::default().without_loop_sales_channel_in_return_data(),
        8,
    )
    .await;
    let amazon = seed_return(&sandbox, 1001, Some(EXCLUDED), &["CH-A"], 1, now());
    let shopify = seed_return(&sandbox, 1002, Some("Shopify"), &["CH-B"], 1, now());
    let unknown = seed_return(&sandbox, 1003, None, &["CH-C"], 1, now());
    // The switch is real: the return data carries no channel.
    let lookup = loop_client::ReturnLookup::from(loop_client::ReturnId::new(amazon.as_str()));
    let details = loop_client(&sandbox)
        .get_return(&lookup, None)
        .await
        .unwrap();
    assert_eq!(details.provider_order_sales_channel, None);

    let clock = ManualClock::new(OffsetDateTime::now_utc());
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let engine = engine_over(&sandbox, settings(), store.clone(), &clock).await;
    let report = engine.reconcile_once().await;

    assert_eq!(
        outcome(&report, &amazon),
        &Outcome::SkippedChannel {
            channel: EXCLUDED.to_owned()
        }
    );
    assert!(
        matches!(outcome(&report, &shopify), Outcome::AtWarehouse { tickets } if tickets.len() == 1),
        "{report:#?}"
    );
    assert_eq!(outcome(&report, &unknown), &Outcome::ChannelUnknown);
    assert!(tickets_of(&sandbox, &amazon).is_empty());
    assert_eq!(tickets_of(&sandbox, &shopify).len(), 1);
    assert!(
        tickets_of(&sandbox, &unknown).is_empty(),
        "a return whose channel cannot be known is not sent"
    );
    assert_eq!(sandbox.cloudx().create_count(), 1);
    // The looked-up channels are cached for the orders.
    assert_eq!(
        store
            .cached_channel(&(88_000_000u64 + 1001).to_string())
            .await
            .unwrap()
            .as_deref(),
        Some(EXCLUDED)
    );

    // A second run does not send the unknown one either.
    let again = engine.reconcile_once().await;
    assert_eq!(outcome(&again, &unknown), &Outcome::ChannelUnknown);
    assert_eq!(sandbox.cloudx().create_count(), 1);
    assert!(notes_of(&sandbox, &unknown).is_empty());
    assert_eq!(loop_state(&sandbox, &unknown), "open");
}

/// A return blocked on an unknown channel is tried again from the store on
/// later runs, when the pull no longer brings it: it must still not be sent.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule1_a_blocked_unknown_channel_stays_unsent_after_the_pull_moved_on() {
    let sandbox = bare_sandbox(
        SandboxConfig::default().without_loop_sales_channel_in_return_data(),
        8,
    )
    .await;
    let unknown = seed_return(&sandbox, 1201, None, &["CH-F"], 1, now());
    let clock = ManualClock::new(OffsetDateTime::now_utc());
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    // No overlap: from the second run on, the pull starts after the
    // return's last update and no longer brings it.
    let options = EngineOptions::default().with_pull_overlap(std::time::Duration::ZERO);
    let engine = engine_with(&sandbox, settings(), store.clone(), clock.clone(), options).await;
    assert_eq!(
        outcome(&engine.reconcile_once().await, &unknown),
        &Outcome::ChannelUnknown
    );

    // Hours later: the return is out of the pull window, only the store
    // remembers it.
    for _ in 0..3 {
        clock.advance(time::Duration::hours(2));
        let report = engine.reconcile_once().await;
        // Read again as a blocked return, not brought by the pull.
        assert_eq!(report.counts.pulled, 1, "{report:#?}");
        assert_eq!(outcome(&report, &unknown), &Outcome::ChannelUnknown);
    }
    assert_eq!(sandbox.cloudx().create_count(), 0, "sent on a later run");
    assert!(notes_of(&sandbox, &unknown).is_empty());
    let not_sent = store
        .timeline(&unknown)
        .await
        .unwrap()
        .iter()
        .filter(|e| e.step == returns_sync::Step::NotSent)
        .count();
    assert_eq!(not_sent, 1, "the journal says it once, not on every run");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule1_channel_unknown_when_the_order_lookup_is_refused() {
    let mut config = SandboxConfig::default().without_loop_sales_channel_in_return_data();
    // The key lacks the Orders scope: GET /orders/{id} answers 401.
    config.loop_config.scopes = vec![LoopScope::Returns, LoopScope::DeveloperTools];
    let sandbox = bare_sandbox(config, 8).await;
    let shopify = seed_return(&sandbox, 1101, Some("Shopify"), &["CH-D"], 1, now());
    let amazon = seed_return(&sandbox, 1102, Some(EXCLUDED), &["CH-E"], 1, now());

    let (engine, _clock) = engine(&sandbox).await;
    let report = engine.reconcile_once().await;
    assert_eq!(outcome(&report, &shopify), &Outcome::ChannelUnknown);
    assert_eq!(outcome(&report, &amazon), &Outcome::ChannelUnknown);
    assert_eq!(sandbox.cloudx().create_count(), 0, "zero tickets");
    assert!(sandbox.cloudx().tickets().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule1_a_setting_sends_returns_whose_channel_is_unknown() {
    let sandbox = bare_sandbox(
        SandboxConfig::default().without_loop_sales_channel_in_return_data(),
        8,
    )
    .await;
    let unknown = seed_return(&sandbox, 1201, None, &["CH-F"], 1, now());
    let amazon = seed_return(&sandbox, 1202, Some(EXCLUDED), &["CH-G"], 1, now());
    let mut options = EngineOptions::default();
    options.send_when_channel_unknown = true;
    let engine = engine_with(
        &sandbox,
        settings(),
        Arc::new(MemoryStore::new()),
        ManualClock::new(OffsetDateTime::now_utc()),
        options,
    )
    .await;
    let report = engine.reconcile_once().await;
    no_failures(&report);
    assert!(
        matches!(outcome(&report, &unknown), Outcome::AtWarehouse { .. }),
        "{report:#?}"
    );
    assert_eq!(tickets_of(&sandbox, &unknown).len(), 1);
    // A channel that can be known is still excluded.
    assert!(matches!(
        outcome(&report, &amazon),
        Outcome::SkippedChannel { .. }
    ));
    assert!(tickets_of(&sandbox, &amazon).is_empty());
}

// ---------------------------------------------------------------------------
// Rule 2: a ticket found by reference whose lines differ is a mismatch.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule2_a_ticket_found_by_reference_with_other_lines_is_a_mismatch() {
    let sandbox = bare_sandbox(SandboxConfig::default(), 8).await;
    let id = seed_return(&sandbox, 2001, Some("Shopify"), &["MM-A", "MM-B"], 1, now());
    sandbox
        .cloudx()
        .insert_item("MM-OTHER", None, Some("Other"));
    let settings = settings();
    let drafts = drafts_of(&sandbox, &id, &settings).await;
    assert_eq!(drafts.len(), 1);
    let mut request = NewReceivingTicket::from(&drafts[0]);
    request.lines = vec![NewTicketLine::by_sku("MM-OTHER", 2)];
    let foreign = cloudx(&sandbox)
        .create_ticket(&request)
        .await
        .unwrap()
        .into_ticket();
    assert_eq!(sandbox.cloudx().create_count(), 1);

    let (engine, _clock) = engine(&sandbox).await;
    for run in 0..2 {
        let report = engine.reconcile_once().await;
        match outcome(&report, &id) {
            Outcome::TicketMismatch { reference, detail } => {
                assert_eq!(reference, drafts[0].reference_number.as_str());
                assert!(detail.contains("MM-OTHER"), "{detail}");
            }
            other => panic!("run {run}: {other:?}"),
        }
        assert_eq!(report.counts.tickets_created, 0);
        assert_eq!(report.counts.tickets_found, 0, "the ticket is not accepted");
        assert_eq!(sandbox.cloudx().create_count(), 1, "no second ticket");
        assert_eq!(duplicate_tickets(&sandbox), 0);
        assert!(
            notes_of(&sandbox, &id).is_empty(),
            "no 'ASN created' note for a ticket that is not ours: {:?}",
            notes_of(&sandbox, &id)
        );
    }

    // The warehouse receives the foreign ticket: nothing is decided on it.
    receive_everything(&sandbox);
    let report = engine.reconcile_once().await;
    assert!(
        matches!(outcome(&report, &id), Outcome::TicketMismatch { .. }),
        "{report:#?}"
    );
    assert_eq!(report.counts.decided, 0);
    assert_eq!(loop_state(&sandbox, &id), "open");
    assert!(notes_of(&sandbox, &id).is_empty());
    let tickets = sandbox.cloudx().tickets();
    assert_eq!(tickets.len(), 1);
    assert_eq!(tickets[0]["id"].as_str(), Some(foreign.id.as_str()));
}

// ---------------------------------------------------------------------------
// Rule 3: each timeline note exactly once.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule3_each_note_is_written_once_across_reruns_and_a_lost_store() {
    let sandbox = bare_sandbox(SandboxConfig::default(), 8).await;
    let two_parcels = seed_return(
        &sandbox,
        3001,
        Some("Shopify"),
        &["TL-A", "TL-B", "TL-C"],
        2,
        now(),
    );
    let unknown_items = seed_return(
        &sandbox,
        3002,
        Some("Shopify"),
        &["TL-D", "UNKNOWN-SKU-1"],
        1,
        now(),
    );
    let (engine, _clock) = engine(&sandbox).await;

    for run in 0..3 {
        let report = engine.reconcile_once().await;
        no_failures(&report);
        assert_eq!(
            outcome(&report, &unknown_items),
            &Outcome::ItemsMissing {
                items: vec!["SKU UNKNOWN-SKU-1".to_owned()]
            },
            "run {run}"
        );
        assert_eq!(
            report.counts.notes_written,
            if run == 0 { 3 } else { 0 },
            "run {run}: {report:#?}"
        );
    }
    let blocked = notes_of(&sandbox, &unknown_items);
    assert_eq!(blocked.len(), 1, "{blocked:?}");
    assert!(blocked[0].starts_with("Not sent to the warehouse"));
    assert!(blocked[0].contains("UNKNOWN-SKU-1"), "{blocked:?}");
    assert!(tickets_of(&sandbox, &unknown_items).is_empty());

    let tickets = tickets_of(&sandbox, &two_parcels);
    assert_eq!(tickets.len(), 2);
    let created = notes_of(&sandbox, &two_parcels);
    assert_eq!(created.len(), 2, "one 'ASN created' note per ticket");
    for ticket in &tickets {
        let ticket_id = ticket["id"].as_str().unwrap();
        let note = created
            .iter()
            .find(|note| note.contains(ticket_id))
            .unwrap_or_else(|| panic!("no note names {ticket_id}: {created:?}"));
        assert!(note.starts_with("CloudX ASN "), "{note}");
        assert!(note.contains(WAREHOUSE), "{note}");
        assert!(note.contains(" of 2,"), "{note}");
        assert!(note.chars().count() <= 255);
    }

    // Received: the decision note, once.
    receive_everything(&sandbox);
    let decided = engine.reconcile_once().await;
    no_failures(&decided);
    assert!(
        matches!(
            outcome(&decided, &two_parcels),
            Outcome::Processed { removed_lines: 0 }
        ),
        "{decided:#?}"
    );
    assert_eq!(loop_state(&sandbox, &two_parcels), "closed");
    let all = notes_of(&sandbox, &two_parcels);
    assert_eq!(all.len(), 3, "{all:?}");
    assert!(all[2].starts_with("Received as expected"), "{all:?}");

    let again = engine.reconcile_once().await;
    no_failures(&again);
    assert_eq!(again.counts.notes_written, 0);

    // The store is lost: a new engine writes no note a second time.
    let fresh = engine_over(
        &sandbox,
        settings(),
        Arc::new(MemoryStore::new()),
        &ManualClock::new(OffsetDateTime::now_utc()),
    )
    .await;
    for _ in 0..2 {
        let report = fresh.reconcile_once().await;
        no_failures(&report);
        assert_eq!(report.counts.notes_written, 0, "{report:#?}");
        assert_eq!(report.counts.tickets_created, 0);
    }
    assert_eq!(notes_of(&sandbox, &two_parcels), all);
    assert_eq!(notes_of(&sandbox, &unknown_items), blocked);
    assert_eq!(duplicate_notes_anywhere(&sandbox), 0);
    assert_eq!(sandbox.cloudx().create_count(), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule3_store_lost_after_tickets_writes_no_second_asn_note() {
    let sandbox = bare_sandbox(SandboxConfig::default(), 8).await;
    let id = seed_return(&sandbox, 3101, Some("Shopify"), &["TL-E"], 1, now());
    let (engine, _clock) = engine(&sandbox).await;
    no_failures(&engine.reconcile_once().await);
    assert_eq!(notes_of(&sandbox, &id).len(), 1);

    // A new engine over an empty store, before the warehouse has the parcel.
    let fresh = engine_over(
        &sandbox,
        settings(),
        Arc::new(MemoryStore::new()),
        &ManualClock::new(OffsetDateTime::now_utc()),
    )
    .await;
    let report = fresh.reconcile_once().await;
    no_failures(&report);
    assert_eq!(report.counts.tickets_found, 1);
    assert_eq!(report.counts.notes_written, 0);
    assert_eq!(
        notes_of(&sandbox, &id).len(),
        1,
        "{:?}",
        notes_of(&sandbox, &id)
    );
    assert_eq!(sandbox.cloudx().create_count(), 1);
}

// ---------------------------------------------------------------------------
// Rule 4: auto-process off.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule4_auto_process_off_writes_the_decision_once_and_acts_on_nothing() {
    let sandbox = bare_sandbox(SandboxConfig::default(), 8).await;
    let full = seed_return(&sandbox, 4001, Some("Shopify"), &["AP-A", "AP-B"], 1, now());
    let short = seed_return(&sandbox, 4002, Some("Shopify"), &["AP-C", "AP-D"], 1, now());
    sandbox
        .cloudx()
        .set_outcome(&short, ReceiptOutcome::Short { missing_units: 1 });
    let manual = settings().with_auto_process(false);
    let clock = ManualClock::new(OffsetDateTime::now_utc());
    let engine = engine_over(
        &sandbox,
        manual.clone(),
        Arc::new(MemoryStore::new()),
        &clock,
    )
    .await;

    let first = engine.reconcile_once().await;
    no_failures(&first);
    assert_eq!(first.counts.tickets_created, 2);
    assert_eq!(tickets_of(&sandbox, &full).len(), 1);
    assert_eq!(tickets_of(&sandbox, &short).len(), 1);

    receive_everything(&sandbox);
    let decided = engine.reconcile_once().await;
    no_failures(&decided);
    assert_eq!(decided.counts.tickets_polled, 2, "tickets are still polled");
    assert_eq!(decided.counts.acted, 0, "nothing is acted on in Loop");
    match outcome(&decided, &full) {
        Outcome::AwaitingPerson { note } => {
            assert_eq!(note, "Received in full — ready to process.")
        }
        other => panic!("{other:?}"),
    }
    match outcome(&decided, &short) {
        Outcome::AwaitingPerson { note } => assert!(note.contains("short"), "{note}"),
        other => panic!("{other:?}"),
    }
    for id in [&full, &short] {
        assert_eq!(
            loop_state(&sandbox, id),
            "open",
            "{id} is not processed or flagged"
        );
        let notes = notes_of(&sandbox, id);
        assert_eq!(notes.len(), 2, "ASN created + the decision: {notes:?}");
    }
    assert_eq!(
        notes_of(&sandbox, &full)[1],
        "Received in full — ready to process."
    );

    // Later runs, and a run after the store is lost, write nothing again.
    let later = engine.reconcile_once().await;
    no_failures(&later);
    assert_eq!(later.counts.notes_written, 0);
    let fresh = engine_over(&sandbox, manual, Arc::new(MemoryStore::new()), &clock).await;
    let after_loss = fresh.reconcile_once().await;
    no_failures(&after_loss);
    assert_eq!(after_loss.counts.notes_written, 0, "{after_loss:#?}");
    assert_eq!(after_loss.counts.acted, 0);
    for id in [&full, &short] {
        assert_eq!(loop_state(&sandbox, id), "open");
        assert_eq!(notes_of(&sandbox, id).len(), 2);
    }
}

// ---------------------------------------------------------------------------
// Rule 5: returns that end before arrival.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule5_a_return_that_ends_before_arrival_gets_its_waiting_tickets_cancelled() {
    // One status per warehouse step, so a ticket can be caught mid-way.
    let sandbox = bare_sandbox(SandboxConfig::default(), 1).await;
    let cancelled = seed_return(&sandbox, 5001, Some("Shopify"), &["END-A"], 1, now());
    let expired = seed_return(
        &sandbox,
        5002,
        Some("Shopify"),
        &["END-B", "END-C"],
        2,
        now(),
    );
    let underway = seed_return(&sandbox, 5003, Some("Shopify"), &["END-D"], 1, now());
    for id in [&cancelled, &expired] {
        sandbox
            .cloudx()
            .set_outcome(id, ReceiptOutcome::NeverArrives);
    }
    let (engine, clock) = engine(&sandbox).await;
    no_failures(&engine.reconcile_once().await);
    assert_eq!(sandbox.cloudx().create_count(), 4);

    // The warehouse starts on the third return's parcel.
    sandbox.cloudx().work_warehouse();
    sandbox.cloudx().work_warehouse();
    let underway_status = status_of(&tickets_of(&sandbox, &underway)[0]).to_owned();
    assert_eq!(underway_status, "PrintedPendingCount");

    assert!(
        sandbox
            .loop_sim()
            .set_return_state(cancelled.parse().unwrap(), ReturnState::Cancelled)
    );
    assert!(
        sandbox
            .loop_sim()
            .set_return_state(expired.parse().unwrap(), ReturnState::Expired)
    );
    assert!(
        sandbox
            .loop_sim()
            .set_return_state(underway.parse().unwrap(), ReturnState::Cancelled)
    );
    // The engine's next run is a minute later.
    clock.advance(Duration::minutes(1));
    let report = engine.reconcile_once().await;
    no_failures(&report);
    assert_eq!(report.counts.tickets_cancelled, 3, "{report:#?}");

    for (id, state) in [(&cancelled, "cancelled"), (&expired, "expired")] {
        let tickets = tickets_of(&sandbox, id);
        let ids: Vec<String> = tickets
            .iter()
            .map(|t| t["id"].as_str().unwrap().to_owned())
            .collect();
        match outcome(&report, id) {
            Outcome::Ended {
                state: reported,
                cancelled,
                left,
            } => {
                assert_eq!(reported, state);
                let mut cancelled = cancelled.clone();
                cancelled.sort();
                let mut want = ids.clone();
                want.sort();
                assert_eq!(cancelled, want);
                assert!(left.is_empty());
            }
            other => panic!("{id}: {other:?}"),
        }
        for ticket in &tickets {
            assert_eq!(status_of(ticket), "Cancelled", "{ticket}");
        }
    }
    // Past Draft/PendingCSR: reported, not touched.
    let underway_ticket = tickets_of(&sandbox, &underway).remove(0);
    match outcome(&report, &underway) {
        Outcome::Ended {
            cancelled, left, ..
        } => {
            assert!(cancelled.is_empty());
            assert_eq!(
                left,
                &vec![underway_ticket["id"].as_str().unwrap().to_owned()]
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(status_of(&underway_ticket), "PrintedPendingCount");

    // Nothing is done twice.
    let again = engine.reconcile_once().await;
    no_failures(&again);
    assert_eq!(again.counts.tickets_cancelled, 0);
    assert!(again.outcome_of(&cancelled).is_none(), "{again:#?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule5_the_store_lost_still_cancels_waiting_tickets_once() {
    let sandbox = bare_sandbox(SandboxConfig::default(), 1).await;
    let id = seed_return(&sandbox, 5101, Some("Shopify"), &["END-E"], 1, now());
    let (engine, _clock) = engine(&sandbox).await;
    no_failures(&engine.reconcile_once().await);
    sandbox
        .loop_sim()
        .set_return_state(id.parse().unwrap(), ReturnState::Closed);

    let fresh = engine_over(
        &sandbox,
        settings(),
        Arc::new(MemoryStore::new()),
        &ManualClock::new(OffsetDateTime::now_utc() + Duration::minutes(1)),
    )
    .await;
    let report = fresh.reconcile_once().await;
    no_failures(&report);
    assert!(
        matches!(outcome(&report, &id), Outcome::Ended { cancelled, .. } if cancelled.len() == 1),
        "{report:#?}"
    );
    assert_eq!(status_of(&tickets_of(&sandbox, &id)[0]), "Cancelled");
    let again = fresh.reconcile_once().await;
    no_failures(&again);
    assert_eq!(again.counts.tickets_cancelled, 0);
}

// ---------------------------------------------------------------------------
// Rule 6: nothing dropped silently.

/// A fault plan whose first request (the engine's warehouse check) passes and
/// every later one is a 5xx.
fn fail_after_first_request() -> FaultConfig {
    (0..10_000)
        .map(|seed| {
            FaultConfig::seeded(seed)
                .with_server_errors(0.5)
                .with_server_error_burst(u32::MAX)
        })
        .find(|plan| {
            plan.decide(0) == FaultDecision::Pass
                && (1..50).all(|n| matches!(plan.decide(n), FaultDecision::ServerError(_)))
        })
        .expect("a seed that fails from the second request on")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule6_a_ticket_that_cannot_be_read_is_a_failure_and_retried() {
    let sandbox = bare_sandbox(SandboxConfig::default(), 8).await;
    let id = seed_return(&sandbox, 6001, Some("Shopify"), &["NF-A"], 1, now());
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let clock = ManualClock::new(OffsetDateTime::now_utc());
    let engine = engine_over(&sandbox, settings(), store.clone(), &clock).await;
    no_failures(&engine.reconcile_once().await);
    receive_everything(&sandbox);

    // For one run, CloudX answers every ticket read with a 5xx: the same
    // simulator state behind a faulty front.
    let faulty = sandbox::serve_router(fail_after_first_request().layer(sandbox.cloudx().router()))
        .await
        .unwrap();
    let faulty_cloudx = CloudxClient::builder(sandbox.credentials().cloudx_client_secret)
        .base_url(format!("{}/v1", faulty.base_url()))
        .rate_limit(cloudx_client::transport::RateLimit::Unlimited)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let faulty_engine = SyncEngine::builder(loop_client(&sandbox), faulty_cloudx, settings())
        .shared_store(store.clone())
        .clock(clock.clone())
        .build()
        .await
        .unwrap();
    let failed = faulty_engine.reconcile_once().await;
    match outcome(&failed, &id) {
        Outcome::Failed { step, error } => {
            assert_eq!(*step, FailedStep::Poll, "{error}");
            assert!(!error.is_empty());
        }
        other => panic!("a ticket that cannot be read is not {other:?}"),
    }
    assert!(
        failed
            .failures()
            .any(|(r, step, _)| r == Some(id.as_str()) && step == FailedStep::Poll)
    );
    assert_eq!(loop_state(&sandbox, &id), "open", "nothing decided");
    assert_eq!(notes_of(&sandbox, &id).len(), 1, "only 'ASN created'");
    faulty.shutdown().await.unwrap();

    // Faults off: the next run completes it.
    let next = engine.reconcile_once().await;
    no_failures(&next);
    assert!(
        matches!(outcome(&next, &id), Outcome::Processed { .. }),
        "{next:#?}"
    );
    assert_eq!(loop_state(&sandbox, &id), "closed");
    assert_eq!(sandbox.cloudx().create_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule6_a_ticket_that_does_not_convert_is_a_failure_not_a_wait() {
    // The store points the return at a ticket this integration did not make
    // (its reference is not one of ours): reading it fails, and is reported.
    let sandbox = bare_sandbox(SandboxConfig::default(), 8).await;
    let id = seed_return(&sandbox, 6101, Some("Shopify"), &["NF-B"], 1, now());
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let clock = ManualClock::new(OffsetDateTime::now_utc());
    let engine = engine_over(&sandbox, settings(), store.clone(), &clock).await;
    no_failures(&engine.reconcile_once().await);

    let stranger = cloudx(&sandbox)
        .create_ticket(&NewReceivingTicket::new(
            "not one of ours",
            WAREHOUSE,
            vec![NewTicketLine::by_sku("NF-B", 1)],
        ))
        .await
        .unwrap()
        .into_ticket();
    let mut tracked = store.tracked_return(&id).await.unwrap().unwrap();
    let real_ticket = tracked.tickets[0].ticket_id.clone();
    tracked.tickets[0].ticket_id = stranger.id.to_string();
    store.save_return(&tracked).await.unwrap();
    receive_everything(&sandbox);

    let report = engine.reconcile_once().await;
    match outcome(&report, &id) {
        Outcome::Failed { step, error } => {
            assert_eq!(*step, FailedStep::ReadTicket, "{error}");
            assert!(error.contains(stranger.id.as_str()), "{error}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(loop_state(&sandbox, &id), "open");

    // Repaired: the next run completes it.
    tracked.tickets[0].ticket_id = real_ticket;
    store.save_return(&tracked).await.unwrap();
    let next = engine.reconcile_once().await;
    no_failures(&next);
    assert!(
        matches!(outcome(&next, &id), Outcome::Processed { .. }),
        "{next:#?}"
    );
}

/// A stand-in CloudX on loopback that lists the sandbox's warehouses and
/// answers `GET /v1/receiving-tickets/{id}` with the sandbox's ticket, its
/// status replaced by `status`. Plain HTTP/1.1, one request per connection.
async fn cloudx_with_status(sandbox: &Sandbox, status: &'static str) -> String {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let cloudx = sandbox.cloudx().clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let cloudx = cloudx.clone();
            tokio::spawn(async move {
                let mut request = Vec::new();
                let mut buffer = [0u8; 4096];
                while !request.windows(4).any(|w| w == b"\r\n\r\n") {
                    match socket.read(&mut buffer).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => request.extend_from_slice(&buffer[..n]),
                    }
                }
                let head = String::from_utf8_lossy(&request);
                let path = head
                    .split_whitespace()
                    .nth(1)
                    .unwrap_or_default()
                    .to_owned();
                let body = if path == "/v1/warehouses" {
                    Some(json!({"data": cloudx.config().warehouses}))
                } else if let Some(id) = path.strip_prefix("/v1/receiving-tickets/") {
                    cloudx
                        .tickets()
                        .into_iter()
                        .find(|t| t["id"].as_str() == Some(id))
                        .map(|mut t| {
                            t["status"] = json!(status);
                            t
                        })
                } else {
                    None
                };
                let (code, body) = match body {
                    Some(body) => ("200 OK", body.to_string()),
                    None => ("404 Not Found", json!({"errors": []}).to_string()),
                };
                let response = format!(
                    "HTTP/1.1 {code}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = socket.write_all(response.as_bytes()).await;
                let _ = socket.shutdown().await;
            });
        }
    });
    format!("http://{address}/v1")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule6_a_ticket_status_the_engine_cannot_read_is_a_failure_not_a_wait() {
    let sandbox = bare_sandbox(SandboxConfig::default(), 8).await;
    let id = seed_return(&sandbox, 6201, Some("Shopify"), &["NF-C"], 1, now());
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let clock = ManualClock::new(OffsetDateTime::now_utc());
    let engine = engine_over(&sandbox, settings(), store.clone(), &clock).await;
    no_failures(&engine.reconcile_once().await);
    receive_everything(&sandbox);

    // For one run, CloudX reports a status no version of this SDK knows.
    let odd_cloudx = CloudxClient::builder(sandbox.credentials().cloudx_client_secret)
        .base_url(cloudx_with_status(&sandbox, "QuarantineHold").await)
        .rate_limit(cloudx_client::transport::RateLimit::Unlimited)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let odd_engine = SyncEngine::builder(loop_client(&sandbox), odd_cloudx, settings())
        .shared_store(store.clone())
        .clock(clock.clone())
        .build()
        .await
        .unwrap();
    let report = odd_engine.reconcile_once().await;
    match outcome(&report, &id) {
        Outcome::Failed { step, error } => {
            assert_eq!(*step, FailedStep::ReadTicket, "{error}");
            assert!(error.contains("QuarantineHold"), "{error}");
        }
        other => panic!("an unreadable status is not {other:?}"),
    }
    assert_eq!(loop_state(&sandbox, &id), "open");
    assert_eq!(notes_of(&sandbox, &id).len(), 1, "only 'ASN created'");

    // The real status again: the next run completes it.
    let next = engine.reconcile_once().await;
    no_failures(&next);
    assert!(
        matches!(outcome(&next, &id), Outcome::Processed { .. }),
        "{next:#?}"
    );
    assert_eq!(loop_state(&sandbox, &id), "closed");
}

// ---------------------------------------------------------------------------
// Rules 7 and 10: time from the clock, "not arrived" from the ticket.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule7_10_not_arrived_counts_from_the_tickets_creation_by_the_engines_clock() {
    let sandbox = bare_sandbox(SandboxConfig::default(), 8).await;
    let start = OffsetDateTime::now_utc();
    // A backlog: opened 50 days ago (the not-arrived limit is 30), still open.
    let opened = start - Duration::days(50);
    let old = seed_return(&sandbox, 7001, Some("Shopify"), &["OLD-A"], 1, opened);
    let parcel = seed_return(&sandbox, 7002, Some("Shopify"), &["OLD-B"], 1, opened);
    sandbox
        .cloudx()
        .set_outcome(&old, ReceiptOutcome::NeverArrives);
    let settings = settings();
    assert_eq!(settings.receipt_criteria.not_arrived.after_days, 30);
    let clock = ManualClock::new(start);
    let engine = engine_over(&sandbox, settings, Arc::new(MemoryStore::new()), &clock).await;

    let first = engine.reconcile_once().await;
    no_failures(&first);
    assert_eq!(first.counts.tickets_created, 2);
    assert_eq!(
        first.counts.decided, 0,
        "nothing judged in the run that made its ASN"
    );
    assert!(matches!(outcome(&first, &old), Outcome::AtWarehouse { .. }));
    let created_on = tickets_of(&sandbox, &old)[0]["created_at"]
        .as_str()
        .unwrap()[..10]
        .to_owned();

    // Same time, no receipt: waiting, not flagged (the return is 50 days
    // old, its ticket is not).
    let second = engine.reconcile_once().await;
    no_failures(&second);
    assert!(
        matches!(outcome(&second, &old), Outcome::Waiting { .. }),
        "{second:#?}"
    );
    assert_eq!(loop_state(&sandbox, &old), "open");

    // The other return's parcel comes (late for its return, not for its
    // ticket); 29 days on the engine's clock: still inside the limit.
    receive_everything(&sandbox);
    clock.advance(Duration::days(29));
    let inside = engine.reconcile_once().await;
    no_failures(&inside);
    assert!(
        matches!(outcome(&inside, &old), Outcome::Waiting { .. }),
        "{inside:#?}"
    );
    assert!(
        matches!(outcome(&inside, &parcel), Outcome::Processed { .. }),
        "{inside:#?}"
    );
    assert_eq!(loop_state(&sandbox, &old), "open");
    assert_eq!(loop_state(&sandbox, &parcel), "closed");

    // Past the limit (only the engine's clock moved): flagged, the note
    // naming the ticket's creation as the start.
    clock.advance(Duration::days(3));
    let late = engine.reconcile_once().await;
    no_failures(&late);
    match outcome(&late, &old) {
        Outcome::Flagged { reasons } => {
            assert_eq!(reasons.len(), 1, "{reasons:?}");
            assert!(reasons[0].contains("not arrived"), "{reasons:?}");
            assert!(
                reasons[0].contains(&format!("after the ASN was created on {created_on}")),
                "{reasons:?}"
            );
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(loop_state(&sandbox, &old), "review");
    let notes = notes_of(&sandbox, &old);
    let flag_note = notes.last().unwrap();
    assert!(flag_note.contains("not arrived"), "{notes:?}");
    assert!(flag_note.contains(&created_on), "{notes:?}");
    assert!(
        !flag_note.contains(&opened.date().to_string()),
        "counted from the ticket, not the return: {notes:?}"
    );

    // Flagged once: a later run writes nothing more.
    let again = engine.reconcile_once().await;
    no_failures(&again);
    assert_eq!(again.counts.notes_written + again.counts.acted, 0);
    assert_eq!(notes_of(&sandbox, &old), notes);
}

// ---------------------------------------------------------------------------
// Rule 9 and bad input: startup errors naming what is wrong.

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn rule9_an_unknown_warehouse_code_fails_the_build_naming_the_valid_codes() {
    let sandbox = bare_sandbox(SandboxConfig::default(), 8).await;
    let error = SyncEngine::builder(
        loop_client(&sandbox),
        cloudx(&sandbox),
        IntegrationSettings::new("BERGEN-XX-99"),
    )
    .build()
    .await
    .unwrap_err();
    match &error {
        BuildError::UnknownWarehouse { code, known } => {
            assert_eq!(code, "BERGEN-XX-99");
            assert_eq!(known, &vec!["BERGEN-NJ-01", "BERGEN-NJ-02"]);
        }
        other => panic!("{other:?}"),
    }
    let message = error.to_string();
    for part in ["BERGEN-XX-99", "BERGEN-NJ-01", "BERGEN-NJ-02"] {
        assert!(message.contains(part), "{message}");
    }
    assert_eq!(sandbox.cloudx().create_count(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_settings_fail_the_build_naming_the_field() {
    let sandbox = bare_sandbox(SandboxConfig::default(), 8).await;
    let error = SyncEngine::builder(
        loop_client(&sandbox),
        cloudx(&sandbox),
        IntegrationSettings::new("  "),
    )
    .build()
    .await
    .unwrap_err();
    assert!(matches!(error, BuildError::Settings(_)), "{error:?}");
    assert!(error.to_string().contains("warehouse_code"), "{error}");

    for (field, spoil) in [
        (
            "poll_interval",
            (|o: &mut EngineOptions| o.poll_interval = StdDuration::ZERO) as fn(&mut EngineOptions),
        ),
        ("pull_interval", |o| o.pull_interval = StdDuration::ZERO),
        ("concurrency", |o| o.concurrency = 0),
    ] {
        let mut options = EngineOptions::default();
        spoil(&mut options);
        let error = SyncEngine::builder(loop_client(&sandbox), cloudx(&sandbox), settings())
            .options(options)
            .build()
            .await
            .unwrap_err();
        match &error {
            BuildError::Option(invalid) => assert_eq!(invalid.field, field),
            other => panic!("{field}: {other:?}"),
        }
        assert!(error.to_string().contains(field), "{error}");
    }
}

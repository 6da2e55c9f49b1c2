//! The behaviour every [`Store`] must have, written once and run against each
//! implementation: [`MemoryStore`], [`SqliteStore`] on a file,
//! [`SqliteStore`] in memory, and `PostgresStore` (a merchant of its own per
//! test, on a real server: `DATABASE_URL`, or one started from the machine's
//! PostgreSQL binaries — the tests fail, saying what to install, when there
//! is neither). A new store adds one module to `conformance!` below.
//!
//! Then the behaviour only one store has: for SQLite, data surviving a close
//! and reopen, the file's settings, and clear errors for corrupt or
//! unwritable locations; for PostgreSQL, merchants kept apart, migrations
//! when several workers start at once, and a database that goes away.

use std::num::NonZeroU32;

use returns_core::{Return, ReturnLine, ReturnShipment};
use returns_sync::{
    InboxEvent, JournalEntry, MemoryStore, ReturnStage, Step, Store, TrackedReturn, TrackedTicket,
};
use time::macros::{datetime, offset};
use time::{Duration, OffsetDateTime};

// ---------------------------------------------------------------------------
// Fixtures
// ---------------------------------------------------------------------------

const T0: OffsetDateTime = datetime!(2025-03-04 15:12:09.123456789 UTC);

fn core(return_id: &str) -> Return {
    Return::new(
        return_id,
        "#10452",
        "10452",
        datetime!(2025-02-20 09:30 UTC),
    )
    .with_sales_channel("Online Store")
    .with_customer_email("ada@example.com")
    .with_line(
        ReturnLine::new("55120931")
            .with_sku("LS-SAND-M")
            .with_title("Linen sandal — M")
            .with_quantity(NonZeroU32::new(2).expect("non-zero")),
    )
    .with_line(ReturnLine::new("55120932").with_barcode("0123456789012"))
    .with_shipment(ReturnShipment::new(["55120931"]).with_tracking("DHL", "00340434161234567890"))
    .with_shipment(ReturnShipment::new(["55120932"]))
}

fn tracked(return_id: &str, stage: ReturnStage) -> TrackedReturn {
    TrackedReturn {
        return_id: return_id.to_owned(),
        order_name: "#10452".to_owned(),
        stage,
        core: core(return_id),
        tickets: vec![
            TrackedTicket {
                reference: format!("WHRTN{return_id}-A"),
                ticket_id: "T-1001".to_owned(),
                created_at: T0,
            },
            TrackedTicket {
                reference: format!("WHRTN{return_id}-B"),
                ticket_id: "T-1002".to_owned(),
                created_at: T0 + Duration::seconds(1),
            },
        ],
        updated_at: T0 + Duration::minutes(5),
    }
}

fn event(key: &str, return_id: Option<&str>) -> InboxEvent {
    InboxEvent {
        key: key.to_owned(),
        return_id: return_id.map(str::to_owned),
        topic: "return.created".to_owned(),
        received_at: T0,
        body: format!(r#"{{"id":"{key}","note":"é ✓ \"quoted\""}}"#),
    }
}

fn keys(events: &[returns_sync::PendingEvent]) -> Vec<&str> {
    events.iter().map(|p| p.event.key.as_str()).collect()
}

// ---------------------------------------------------------------------------
// The behaviours, each written once
// ---------------------------------------------------------------------------

async fn watermark_round_trip(store: &dyn Store) {
    assert_eq!(
        store.watermark().await.unwrap(),
        None,
        "a new store has none"
    );

    store.set_watermark(T0).await.unwrap();
    assert_eq!(
        store.watermark().await.unwrap(),
        Some(T0),
        "nanoseconds kept"
    );

    // Moving it replaces it; the instant is kept whatever the offset.
    let later = datetime!(2025-03-05 01:00:00.5 +02:00);
    store.set_watermark(later).await.unwrap();
    let read = store.watermark().await.unwrap().expect("set");
    assert_eq!(read, later);
    assert_eq!(read.unix_timestamp_nanos(), later.unix_timestamp_nanos());

    // It may also move back (an operator re-reading a window).
    store.set_watermark(T0 - Duration::days(1)).await.unwrap();
    assert_eq!(
        store.watermark().await.unwrap(),
        Some(T0 - Duration::days(1))
    );
}

async fn save_and_read_return(store: &dyn Store) {
    assert_eq!(store.tracked_return("40211877").await.unwrap(), None);

    let saved = tracked("40211877", ReturnStage::AtWarehouse);
    store.save_return(&saved).await.unwrap();
    let read = store.tracked_return("40211877").await.unwrap();
    assert_eq!(read.as_ref(), Some(&saved));
    let read = read.unwrap();
    assert_eq!(read.core.lines.len(), 2);
    assert_eq!(read.core.shipments.len(), 2);
    assert_eq!(read.tickets, saved.tickets, "tickets kept in order");

    // A return without tickets, in another offset.
    let mut bare = tracked("40211878", ReturnStage::Blocked);
    bare.tickets.clear();
    bare.updated_at = T0.to_offset(offset!(-05:00));
    store.save_return(&bare).await.unwrap();
    assert_eq!(
        store.tracked_return("40211878").await.unwrap(),
        Some(bare.clone())
    );
    assert_eq!(store.tracked_return("nope").await.unwrap(), None);
}

async fn save_replaces_return(store: &dyn Store) {
    let first = tracked("40211877", ReturnStage::Blocked);
    store.save_return(&first).await.unwrap();

    let mut second = tracked("40211877", ReturnStage::AtWarehouse);
    second.order_name = "#10452-B".to_owned();
    second.tickets.truncate(1);
    second.tickets[0].ticket_id = "T-2001".to_owned();
    second.updated_at = T0 + Duration::hours(1);
    store.save_return(&second).await.unwrap();

    assert_eq!(
        store.tracked_return("40211877").await.unwrap(),
        Some(second)
    );
    assert_eq!(
        store.stage_counts().await.unwrap(),
        vec![(ReturnStage::AtWarehouse, 1)],
        "replaced, not added"
    );
}

async fn in_flight_lists_returns_still_worked_on_by_id(store: &dyn Store) {
    assert!(store.in_flight().await.unwrap().is_empty());

    // Two returns at every stage, saved out of id order.
    let mut saved = Vec::new();
    for (i, stage) in ReturnStage::ALL.into_iter().enumerate() {
        for id in [format!("9{i}"), format!("1{i}")] {
            let r = tracked(&id, stage);
            store.save_return(&r).await.unwrap();
            saved.push(r);
        }
    }
    let mut expected: Vec<TrackedReturn> = saved
        .iter()
        .filter(|r| r.stage.is_in_flight())
        .cloned()
        .collect();
    expected.sort_by(|a, b| a.return_id.cmp(&b.return_id));
    assert!(!expected.is_empty());
    assert_eq!(store.in_flight().await.unwrap(), expected);
    let listed: Vec<(String, time::OffsetDateTime)> = expected
        .iter()
        .map(|r| (r.return_id.clone(), r.updated_at))
        .collect();
    assert_eq!(
        store.in_flight_ids().await.unwrap(),
        listed,
        "the ids in flight, in id order, with when each changed"
    );
    assert!(
        store
            .in_flight()
            .await
            .unwrap()
            .iter()
            .any(|r| r.stage == ReturnStage::AtWarehouse),
        "a return at the warehouse is polled"
    );

    // Deciding one takes it out of flight.
    let decided = expected.remove(0);
    store
        .save_return(&tracked(&decided.return_id, ReturnStage::Decided))
        .await
        .unwrap();
    assert_eq!(store.in_flight().await.unwrap(), expected);
}

async fn stage_counts_in_report_order_without_empty_stages(store: &dyn Store) {
    assert!(store.stage_counts().await.unwrap().is_empty());

    for (id, stage) in [
        ("1", ReturnStage::Blocked),
        ("2", ReturnStage::Decided),
        ("3", ReturnStage::Blocked),
        ("4", ReturnStage::AtWarehouse),
        ("5", ReturnStage::Decided),
        ("6", ReturnStage::Blocked),
    ] {
        store.save_return(&tracked(id, stage)).await.unwrap();
    }
    assert_eq!(
        store.stage_counts().await.unwrap(),
        vec![
            (ReturnStage::AtWarehouse, 1),
            (ReturnStage::Decided, 2),
            (ReturnStage::Blocked, 3),
        ]
    );

    // Every stage, in the order of `ReturnStage::ALL`.
    for (i, stage) in ReturnStage::ALL.into_iter().enumerate() {
        store
            .save_return(&tracked(&format!("all-{i}"), stage))
            .await
            .unwrap();
    }
    let counts = store.stage_counts().await.unwrap();
    let stages: Vec<ReturnStage> = counts.iter().map(|(stage, _)| *stage).collect();
    assert_eq!(stages, ReturnStage::ALL);
    assert_eq!(
        counts.iter().map(|(_, n)| n).sum::<u64>(),
        6 + ReturnStage::ALL.len() as u64
    );
}

async fn journal_keeps_each_returns_order(store: &dyn Store) {
    assert!(store.timeline("A").await.unwrap().is_empty());
    store.append_journal(&[]).await.unwrap();

    // Same instants on purpose: order is append order, not time order; and
    // a later entry may carry an earlier time (a clock step back).
    let first = vec![
        JournalEntry::new("A", T0, Step::Pulled, ""),
        JournalEntry::new("B", T0, Step::Pulled, ""),
        JournalEntry::new("A", T0, Step::TicketCreated, "T-1001"),
    ];
    let second = vec![
        JournalEntry::new("B", T0, Step::NotSent, "channel unknown"),
        JournalEntry::new(
            "A",
            T0 - Duration::seconds(3),
            Step::NoteWritten,
            "CloudX ASN WHRTN… created at BERGEN-NJ-01 for shipment 1 of 2, 3 units",
        ),
        JournalEntry::new("A", T0 + Duration::days(2), Step::Failed, "poll: 503"),
    ];
    store.append_journal(&first).await.unwrap();
    store.append_journal(&second).await.unwrap();

    assert_eq!(
        store.timeline("A").await.unwrap(),
        vec![
            first[0].clone(),
            first[2].clone(),
            second[1].clone(),
            second[2].clone()
        ]
    );
    assert_eq!(
        store.timeline("B").await.unwrap(),
        vec![first[1].clone(), second[0].clone()]
    );
    assert!(store.timeline("C").await.unwrap().is_empty());

    // Every step is stored and read back by name.
    let every: Vec<JournalEntry> = Step::ALL
        .into_iter()
        .enumerate()
        .map(|(i, step)| {
            JournalEntry::new(
                "D",
                T0 + Duration::milliseconds(i as i64),
                step,
                step.to_string(),
            )
        })
        .collect();
    store.append_journal(&every).await.unwrap();
    assert_eq!(store.timeline("D").await.unwrap(), every);
}

async fn batches_save_and_read_many_returns_at_once(store: &dyn Store) {
    // More than one statement's worth of rows, so chunking is exercised.
    let returns: Vec<TrackedReturn> = (0..300)
        .map(|i| tracked(&format!("R{i:03}"), ReturnStage::AtWarehouse))
        .collect();
    let entries: Vec<JournalEntry> = (0..600)
        .map(|i| JournalEntry::new(format!("R{:03}", i % 300), T0, Step::Pulled, i.to_string()))
        .collect();
    store.save_batch(&returns, &entries).await.unwrap();
    store.save_batch(&[], &[]).await.unwrap();

    let mut asked: Vec<String> = returns.iter().map(|t| t.return_id.clone()).collect();
    asked.push("UNKNOWN".to_owned());
    let found = store.tracked_returns(&asked).await.unwrap();
    assert_eq!(found.len(), 300);
    assert_eq!(found["R007"], returns[7]);
    assert!(!found.contains_key("UNKNOWN"));

    let timelines = store.timelines(&asked).await.unwrap();
    assert_eq!(timelines.len(), 300);
    assert_eq!(
        timelines["R007"],
        vec![entries[7].clone(), entries[307].clone()]
    );
    assert_eq!(store.timeline("R007").await.unwrap(), timelines["R007"]);
    assert!(store.tracked_returns(&[]).await.unwrap().is_empty());

    // A second save replaces the returns and appends after what is there.
    let mut moved = returns[7].clone();
    moved.stage = ReturnStage::Decided;
    let later = JournalEntry::new("R007", T0, Step::Decided, "process");
    store
        .save_batch(std::slice::from_ref(&moved), std::slice::from_ref(&later))
        .await
        .unwrap();
    assert_eq!(store.tracked_return("R007").await.unwrap(), Some(moved));
    assert_eq!(store.timeline("R007").await.unwrap().last(), Some(&later));
}

async fn inbox_recognises_a_redelivery(store: &dyn Store) {
    let original = event("delivery-1", Some("40211877"));
    assert!(store.push_event(&original).await.unwrap(), "new");

    let mut redelivered = original.clone();
    redelivered.body = "{}".to_owned();
    redelivered.received_at = T0 + Duration::minutes(1);
    assert!(!store.push_event(&redelivered).await.unwrap(), "same key");

    let pending = store.pending_events(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(pending[0].event, original, "the first delivery is kept");
}

async fn inbox_keeps_completed_events(store: &dyn Store) {
    assert!(store.push_event(&event("k1", Some("R1"))).await.unwrap());
    assert!(store.push_event(&event("k2", None)).await.unwrap());

    let pending = store.pending_events(10).await.unwrap();
    assert_eq!(keys(&pending), ["k1", "k2"]);
    assert_eq!(pending[1].event.return_id, None);

    store.complete_event(pending[0].seq).await.unwrap();
    // Completing twice is harmless.
    store.complete_event(pending[0].seq).await.unwrap();

    let still = store.pending_events(10).await.unwrap();
    assert_eq!(keys(&still), ["k2"]);
    assert_eq!(still[0].seq, pending[1].seq, "seq is stable");

    // Done, but still recognised.
    assert!(!store.push_event(&event("k1", Some("R1"))).await.unwrap());
    assert_eq!(keys(&store.pending_events(10).await.unwrap()), ["k2"]);

    store.complete_event(still[0].seq).await.unwrap();
    assert!(store.pending_events(10).await.unwrap().is_empty());
    assert!(!store.push_event(&event("k2", None)).await.unwrap());

    // A new key after that is new, and queued after the old ones.
    assert!(store.push_event(&event("k3", None)).await.unwrap());
    let last = store.pending_events(10).await.unwrap();
    assert_eq!(keys(&last), ["k3"]);
    assert!(last[0].seq > pending[1].seq);
}

async fn inbox_pending_oldest_first_up_to_limit(store: &dyn Store) {
    assert!(store.pending_events(10).await.unwrap().is_empty());

    // Arrival times out of order on purpose: order is arrival in the inbox.
    for (i, key) in ["e1", "e2", "e3", "e4", "e5"].into_iter().enumerate() {
        let mut e = event(key, Some("R"));
        e.received_at = T0 - Duration::seconds(i as i64);
        assert!(store.push_event(&e).await.unwrap());
    }

    let all = store.pending_events(usize::MAX).await.unwrap();
    assert_eq!(keys(&all), ["e1", "e2", "e3", "e4", "e5"]);
    assert!(all.windows(2).all(|w| w[0].seq < w[1].seq), "seq increases");
    assert_eq!(all[3].event.received_at, T0 - Duration::seconds(3));

    assert_eq!(
        keys(&store.pending_events(3).await.unwrap()),
        ["e1", "e2", "e3"]
    );
    assert!(store.pending_events(0).await.unwrap().is_empty());

    store.complete_event(all[1].seq).await.unwrap();
    store.complete_event(all[0].seq).await.unwrap();
    assert_eq!(
        keys(&store.pending_events(2).await.unwrap()),
        ["e3", "e4"],
        "the limit counts pending events only"
    );
    assert_eq!(
        keys(&store.pending_events(10).await.unwrap()),
        ["e3", "e4", "e5"]
    );
}

async fn complete_unknown_event_is_harmless(store: &dyn Store) {
    assert!(store.push_event(&event("k1", None)).await.unwrap());
    let seq = store.pending_events(1).await.unwrap()[0].seq;
    store.complete_event(seq + 1_000_000).await.unwrap();
    store.complete_event(-1).await.unwrap();
    assert_eq!(keys(&store.pending_events(10).await.unwrap()), ["k1"]);
}

async fn concurrent_pushes_store_an_event_once(store: &dyn Store) {
    let e = event("raced", Some("R"));
    let results = futures::future::join_all((0..16).map(|_| store.push_event(&e))).await;
    let new = results
        .into_iter()
        .map(|r| r.unwrap())
        .filter(|new| *new)
        .count();
    assert_eq!(new, 1, "exactly one delivery is new");
    assert_eq!(keys(&store.pending_events(10).await.unwrap()), ["raced"]);
}

async fn track_new_leaves_tracked_returns_alone(store: &dyn Store) {
    let at_warehouse = tracked("R1", ReturnStage::AtWarehouse);
    store.save_return(&at_warehouse).await.unwrap();

    store
        .track_new(&[
            tracked("R1", ReturnStage::Pulled),
            tracked("R2", ReturnStage::Pulled),
        ])
        .await
        .unwrap();
    assert_eq!(
        store.tracked_return("R1").await.unwrap().as_ref(),
        Some(&at_warehouse),
        "a tracked return is not reset by a later pull"
    );
    assert_eq!(
        store.tracked_return("R2").await.unwrap().map(|r| r.stage),
        Some(ReturnStage::Pulled)
    );
    let in_flight: Vec<String> = store
        .in_flight()
        .await
        .unwrap()
        .into_iter()
        .map(|r| r.return_id)
        .collect();
    assert_eq!(in_flight, ["R1", "R2"], "a pulled return is in flight");
    store.track_new(&[]).await.unwrap();
}

async fn untracked_names_the_returns_not_tracked_in_order(store: &dyn Store) {
    assert!(store.untracked(&[]).await.unwrap().is_empty());
    // Past one statement's worth of ids, every other one tracked.
    let all: Vec<String> = (0..700).map(|i| format!("U{i:04}")).collect();
    let tracked_ones: Vec<TrackedReturn> = all
        .iter()
        .step_by(2)
        .map(|id| tracked(id, ReturnStage::Decided))
        .collect();
    store.track_new(&tracked_ones).await.unwrap();
    let mut asked = all.clone();
    asked.reverse();
    let want: Vec<String> = asked
        .iter()
        .filter(|id| {
            let n: usize = id[1..].parse().unwrap();
            n % 2 == 1
        })
        .cloned()
        .collect();
    assert_eq!(want.len(), 350);
    assert_eq!(store.untracked(&asked).await.unwrap(), want);
}

fn ids(ids: &[&str]) -> Vec<String> {
    ids.iter().map(|id| (*id).to_owned()).collect()
}

async fn a_claim_is_granted_to_one_holder_until_it_ends(store: &dyn Store) {
    let t0 = datetime!(2025-03-04 15:00:00 UTC);
    let until = t0 + time::Duration::minutes(5);
    assert_eq!(
        store
            .claim(&ids(&["A", "B"]), "w1", t0, until)
            .await
            .unwrap(),
        ids(&["A", "B"])
    );
    assert_eq!(
        store
            .claim(&ids(&["B", "C", "A"]), "w2", t0, until)
            .await
            .unwrap(),
        ids(&["C"]),
        "held returns are not granted to another worker"
    );
    // The holder extends its own lease.
    let later = until + time::Duration::minutes(5);
    assert_eq!(
        store
            .claim(&ids(&["A"]), "w1", t0 + time::Duration::minutes(1), later)
            .await
            .unwrap(),
        ids(&["A"])
    );
    // After B's lease ends (at `until`), another worker takes it; A's was extended.
    assert_eq!(
        store
            .claim(&ids(&["A", "B"]), "w2", until, later)
            .await
            .unwrap(),
        ids(&["B"]),
        "a lease that ended is free; an extended one is not"
    );
    assert_eq!(
        store
            .claim(
                &ids(&["A"]),
                "w2",
                later,
                later + time::Duration::minutes(5)
            )
            .await
            .unwrap(),
        ids(&["A"])
    );
}

async fn release_ends_only_the_holders_leases(store: &dyn Store) {
    let t0 = datetime!(2025-03-04 15:00:00 UTC);
    let until = t0 + time::Duration::minutes(5);
    store.claim(&ids(&["A"]), "w1", t0, until).await.unwrap();
    store.claim(&ids(&["B"]), "w2", t0, until).await.unwrap();

    store
        .release(&ids(&["A", "B", "unknown"]), "w1")
        .await
        .unwrap();
    assert_eq!(
        store
            .claim(&ids(&["A", "B"]), "w3", t0, until)
            .await
            .unwrap(),
        ids(&["A"]),
        "w1's lease ended; w2's stays"
    );
}

async fn concurrent_claims_grant_each_return_once(store: &dyn Store) {
    let t0 = datetime!(2025-03-04 15:00:00 UTC);
    let until = t0 + time::Duration::minutes(5);
    let wanted: Vec<String> = (0..20).map(|i| format!("R{i}")).collect();
    let holders: Vec<String> = (0..8).map(|w| format!("w{w}")).collect();
    let granted =
        futures::future::join_all(holders.iter().map(|h| store.claim(&wanted, h, t0, until))).await;
    let mut all: Vec<String> = granted.into_iter().flat_map(|g| g.unwrap()).collect();
    all.sort();
    let mut expected = wanted.clone();
    expected.sort();
    assert_eq!(all, expected, "every return granted exactly once");
}

async fn channel_cache(store: &dyn Store) {
    assert_eq!(store.cached_channel("5512093").await.unwrap(), None);

    store
        .cache_channel("5512093", "Online Store")
        .await
        .unwrap();
    store.cache_channel("5512094", "Amazon").await.unwrap();
    assert_eq!(
        store.cached_channel("5512093").await.unwrap().as_deref(),
        Some("Online Store")
    );
    assert_eq!(
        store.cached_channel("5512094").await.unwrap().as_deref(),
        Some("Amazon")
    );

    store.cache_channel("5512093", "eBay").await.unwrap();
    assert_eq!(
        store.cached_channel("5512093").await.unwrap().as_deref(),
        Some("eBay"),
        "a later lookup replaces it"
    );
    assert_eq!(store.cached_channel("other").await.unwrap(), None);
}

// ---------------------------------------------------------------------------
// Each behaviour against each store
// ---------------------------------------------------------------------------

/// One module per store, one test per behaviour in each.
macro_rules! conformance {
    ($($behaviour:ident),* $(,)?) => {
        mod memory {
            use super::*;
            $(
                #[tokio::test]
                async fn $behaviour() {
                    let store = MemoryStore::new();
                    super::$behaviour(&store).await;
                }
            )*
        }

        #[cfg(feature = "sqlite")]
        mod sqlite_file {
            use returns_sync::SqliteStore;
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $behaviour() {
                    let dir = tempfile::tempdir().unwrap();
                    let store = SqliteStore::open(dir.path().join("store.db")).await.unwrap();
                    super::$behaviour(&store).await;
                    store.close().await;
                }
            )*
        }

        #[cfg(feature = "postgres")]
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $behaviour() {
                    let store = super::postgres_only::database()
                        .await
                        .for_merchant(stringify!($behaviour));
                    super::$behaviour(&store).await;
                }
            )*
        }

        #[cfg(feature = "sqlite")]
        mod sqlite_memory {
            use returns_sync::SqliteStore;
            $(
                #[tokio::test]
                async fn $behaviour() {
                    let store = SqliteStore::open_in_memory().await.unwrap();
                    super::$behaviour(&store).await;
                    store.close().await;
                }
            )*
        }
    };
}

conformance!(
    watermark_round_trip,
    save_and_read_return,
    save_replaces_return,
    in_flight_lists_returns_still_worked_on_by_id,
    stage_counts_in_report_order_without_empty_stages,
    journal_keeps_each_returns_order,
    batches_save_and_read_many_returns_at_once,
    inbox_recognises_a_redelivery,
    inbox_keeps_completed_events,
    inbox_pending_oldest_first_up_to_limit,
    complete_unknown_event_is_harmless,
    concurrent_pushes_store_an_event_once,
    channel_cache,
    track_new_leaves_tracked_returns_alone,
    untracked_names_the_returns_not_tracked_in_order,
    a_claim_is_granted_to_one_holder_until_it_ends,
    release_ends_only_the_holders_leases,
    concurrent_claims_grant_each_return_once,
);

// ---------------------------------------------------------------------------
// SQLite only
// ---------------------------------------------------------------------------

#[cfg(feature = "sqlite")]
mod sqlite_only {
    use super::*;
    use returns_sync::{SqliteStore, StoreError};
    use sqlx::{Connection, SqliteConnection};

    async fn raw_connection(path: &std::path::Path) -> SqliteConnection {
        let options = sqlx::sqlite::SqliteConnectOptions::new().filename(path);
        SqliteConnection::connect_with(&options).await.unwrap()
    }

    fn assert_open_error_names(err: StoreError, path: &std::path::Path) -> String {
        let shown = path.display().to_string();
        match &err {
            StoreError::Open { location, reason } => {
                assert_eq!(location, &shown);
                assert!(!reason.is_empty());
            }
            other => panic!("expected StoreError::Open, got {other:?}"),
        }
        let message = err.to_string();
        assert!(message.contains(&shown), "{message}");
        message
    }

    #[tokio::test]
    async fn data_survives_close_and_reopen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("returns-sync.db");

        let in_flight = tracked("40211877", ReturnStage::AtWarehouse);
        let decided = tracked("40211878", ReturnStage::Decided);
        let journal = vec![
            JournalEntry::new("40211877", T0, Step::Pulled, ""),
            JournalEntry::new("40211877", T0, Step::TicketCreated, "T-1001"),
        ];
        let first_seq;
        {
            let store = SqliteStore::open(&path).await.unwrap();
            assert_eq!(store.location(), path.display().to_string());
            store.set_watermark(T0).await.unwrap();
            store.save_return(&in_flight).await.unwrap();
            store.save_return(&decided).await.unwrap();
            store.append_journal(&journal).await.unwrap();
            assert!(store.push_event(&event("done", None)).await.unwrap());
            assert!(store.push_event(&event("waiting", None)).await.unwrap());
            let pending = store.pending_events(10).await.unwrap();
            store.complete_event(pending[0].seq).await.unwrap();
            first_seq = pending[1].seq;
            store.cache_channel("5512093", "Amazon").await.unwrap();
            store.close().await;
            assert!(
                matches!(store.watermark().await, Err(StoreError::Io { .. })),
                "a closed store refuses calls"
            );
        }

        let store = SqliteStore::open(&path).await.unwrap();
        assert_eq!(store.watermark().await.unwrap(), Some(T0));
        assert_eq!(
            store.tracked_return("40211877").await.unwrap(),
            Some(in_flight.clone())
        );
        assert_eq!(
            store.tracked_return("40211878").await.unwrap(),
            Some(decided)
        );
        assert_eq!(store.in_flight().await.unwrap(), vec![in_flight]);
        assert_eq!(
            store.stage_counts().await.unwrap(),
            vec![(ReturnStage::AtWarehouse, 1), (ReturnStage::Decided, 1)]
        );
        assert_eq!(store.timeline("40211877").await.unwrap(), journal);
        let pending = store.pending_events(10).await.unwrap();
        assert_eq!(keys(&pending), ["waiting"]);
        assert_eq!(pending[0].seq, first_seq);
        assert!(!store.push_event(&event("done", None)).await.unwrap());
        assert!(!store.push_event(&event("waiting", None)).await.unwrap());
        assert!(store.push_event(&event("new", None)).await.unwrap());
        assert!(store.pending_events(10).await.unwrap()[1].seq > first_seq);
        assert_eq!(
            store.cached_channel("5512093").await.unwrap().as_deref(),
            Some("Amazon")
        );
        store.close().await;
    }

    #[tokio::test]
    async fn two_stores_on_one_file_see_each_other() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("shared.db");
        let a = SqliteStore::open(&path).await.unwrap();
        let b = SqliteStore::open(&path).await.unwrap();

        assert!(a.push_event(&event("k", None)).await.unwrap());
        assert!(!b.push_event(&event("k", None)).await.unwrap());
        b.set_watermark(T0).await.unwrap();
        assert_eq!(a.watermark().await.unwrap(), Some(T0));
        a.close().await;
        b.close().await;
    }

    #[tokio::test]
    async fn open_creates_missing_folders_and_uses_wal() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a").join("b").join("state.db");
        let store = SqliteStore::open(&path).await.unwrap();
        store.set_watermark(T0).await.unwrap();
        assert!(path.is_file());

        let mut conn = raw_connection(&path).await;
        let mode: String = sqlx::query_scalar("PRAGMA journal_mode")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(mode, "wal");
        let migrations: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM _sqlx_migrations")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert!(migrations >= 1);
        conn.close().await.unwrap();
        store.close().await;

        // Opening again applies nothing twice.
        let store = SqliteStore::open(&path).await.unwrap();
        assert_eq!(store.watermark().await.unwrap(), Some(T0));
        store.close().await;
    }

    #[tokio::test]
    async fn timestamps_are_stored_as_utc_rfc3339_text() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let store = SqliteStore::open(&path).await.unwrap();
        store
            .set_watermark(datetime!(2025-03-04 17:12:09 +02:00))
            .await
            .unwrap();
        store
            .append_journal(&[JournalEntry::new("R", T0, Step::Pulled, "")])
            .await
            .unwrap();

        let mut conn = raw_connection(&path).await;
        let watermark: String =
            sqlx::query_scalar("SELECT value FROM sync_state WHERE name = 'pull_watermark'")
                .fetch_one(&mut conn)
                .await
                .unwrap();
        assert_eq!(watermark, "2025-03-04T15:12:09.000000000Z");
        let at: String = sqlx::query_scalar("SELECT at FROM journal")
            .fetch_one(&mut conn)
            .await
            .unwrap();
        assert_eq!(at, "2025-03-04T15:12:09.123456789Z");
        conn.close().await.unwrap();
        store.close().await;
    }

    #[tokio::test]
    async fn a_corrupt_file_is_an_open_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("not-a-database.db");
        std::fs::write(
            &path,
            "This is a text file, not an SQLite database.\n".repeat(200),
        )
        .unwrap();

        let err = SqliteStore::open(&path).await.unwrap_err();
        let message = assert_open_error_names(err, &path);
        assert!(message.contains("not a database"), "{message}");
    }

    #[tokio::test]
    async fn an_unwritable_location_is_an_open_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        // A folder that cannot exist: its parent is a file (fails as root too).
        let blocker = dir.path().join("a-file");
        std::fs::write(&blocker, "x").unwrap();
        let path = blocker.join("state").join("store.db");

        let err = SqliteStore::open(&path).await.unwrap_err();
        assert_open_error_names(err, &path);
    }

    #[tokio::test]
    async fn a_folder_at_the_path_is_an_open_error_naming_the_path() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        std::fs::create_dir(&path).unwrap();

        let err = SqliteStore::open(&path).await.unwrap_err();
        assert_open_error_names(err, &path);
    }

    #[tokio::test]
    async fn undecodable_rows_are_corrupt_errors() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("store.db");
        let store = SqliteStore::open(&path).await.unwrap();
        store
            .save_return(&tracked("bad-core", ReturnStage::AtWarehouse))
            .await
            .unwrap();
        store
            .save_return(&tracked("bad-stage", ReturnStage::Decided))
            .await
            .unwrap();
        store
            .append_journal(&[JournalEntry::new("bad-step", T0, Step::Pulled, "")])
            .await
            .unwrap();
        store.set_watermark(T0).await.unwrap();

        // Someone edits the file by hand.
        let mut conn = raw_connection(&path).await;
        for edit in [
            "UPDATE tracked_returns SET core = '{\"id\": 7' WHERE return_id = 'bad-core'",
            "UPDATE tracked_returns SET stage = 'lost' WHERE return_id = 'bad-stage'",
            "UPDATE journal SET step = 'teleported' WHERE return_id = 'bad-step'",
            "UPDATE sync_state SET value = 'yesterday' WHERE name = 'pull_watermark'",
        ] {
            sqlx::query(edit).execute(&mut conn).await.unwrap();
        }
        conn.close().await.unwrap();

        let corrupt = |result: Result<_, StoreError>| match result {
            Err(StoreError::Corrupt { reason, .. }) => reason,
            other => panic!("expected StoreError::Corrupt, got {other:?}"),
        };
        let reason = corrupt(store.tracked_return("bad-core").await.map(|_| ()));
        assert!(reason.contains("core"), "{reason}");
        let reason = corrupt(store.in_flight().await.map(|_| ()));
        assert!(reason.contains("core"), "{reason}");
        let reason = corrupt(store.tracked_return("bad-stage").await.map(|_| ()));
        assert!(reason.contains("lost"), "{reason}");
        let reason = corrupt(store.stage_counts().await.map(|_| ()));
        assert!(reason.contains("lost"), "{reason}");
        let reason = corrupt(store.timeline("bad-step").await.map(|_| ()));
        assert!(reason.contains("teleported"), "{reason}");
        let reason = corrupt(store.watermark().await.map(|_| ()));
        assert!(reason.contains("yesterday"), "{reason}");
        store.close().await;
    }

    #[tokio::test]
    async fn in_memory_stores_are_separate() {
        let a = SqliteStore::open_in_memory().await.unwrap();
        let b = SqliteStore::open_in_memory().await.unwrap();
        assert_eq!(a.location(), ":memory:");
        a.set_watermark(T0).await.unwrap();
        assert_eq!(b.watermark().await.unwrap(), None);
        // A clone shares the store.
        let c = a.clone();
        assert_eq!(c.watermark().await.unwrap(), Some(T0));
    }
}

// ---------------------------------------------------------------------------
// PostgreSQL only
// ---------------------------------------------------------------------------

#[cfg(feature = "postgres")]
mod postgres_only {
    use super::*;
    use returns_sync::{PostgresStore, StoreError};
    use sandbox::postgres::TestPostgres;
    use sqlx::Connection;
    use tokio::sync::OnceCell;

    /// This test process's database on the shared server, created once.
    async fn database_url() -> &'static str {
        static URL: OnceCell<String> = OnceCell::const_new();
        URL.get_or_init(|| async {
            let server = TestPostgres::shared().unwrap_or_else(|err| panic!("{err}"));
            server
                .create_database("store_conformance")
                .await
                .unwrap_or_else(|err| panic!("{err}"))
        })
        .await
    }

    /// A connection to this process's database (one per test: a pool
    /// belongs to the test's runtime).
    pub(super) async fn database() -> PostgresStore {
        PostgresStore::connect(database_url().await).await.unwrap()
    }

    async fn fresh_database(name: &str) -> String {
        TestPostgres::shared()
            .unwrap_or_else(|err| panic!("{err}"))
            .create_database(name)
            .await
            .unwrap_or_else(|err| panic!("{err}"))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn merchants_never_see_each_others_rows() {
        let database = database().await;
        let (acme, globex) = (
            database.for_merchant("apart-acme"),
            database.for_merchant("apart-globex"),
        );
        acme.save_return(&tracked("R-1", ReturnStage::AtWarehouse))
            .await
            .unwrap();
        acme.set_watermark(T0).await.unwrap();
        acme.append_journal(&[JournalEntry::new("R-1", T0, Step::Pulled, "")])
            .await
            .unwrap();
        assert!(acme.push_event(&event("k-1", Some("R-1"))).await.unwrap());
        acme.cache_channel("5512093", "Online Store").await.unwrap();
        let t1 = T0 + Duration::minutes(5);
        assert_eq!(
            acme.claim(&ids(&["R-1"]), "w1", T0, t1).await.unwrap(),
            ids(&["R-1"])
        );

        assert_eq!(globex.tracked_return("R-1").await.unwrap(), None);
        assert!(globex.in_flight().await.unwrap().is_empty());
        assert!(globex.stage_counts().await.unwrap().is_empty());
        assert_eq!(globex.watermark().await.unwrap(), None);
        assert!(globex.timeline("R-1").await.unwrap().is_empty());
        assert!(globex.pending_events(10).await.unwrap().is_empty());
        assert!(
            globex.push_event(&event("k-1", Some("R-1"))).await.unwrap(),
            "the same delivery key is new for another merchant"
        );
        assert_eq!(globex.cached_channel("5512093").await.unwrap(), None);
        assert_eq!(
            globex.claim(&ids(&["R-1"]), "w2", T0, t1).await.unwrap(),
            ids(&["R-1"]),
            "a lease is per merchant"
        );
        assert_eq!(acme.merchant(), "apart-acme");
        assert_eq!(acme.location(), globex.location());
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn workers_starting_at_once_apply_the_migrations_once() {
        let url = fresh_database("conformance_migrate_at_once").await;
        let connects = (0..6).map(|_| PostgresStore::connect(&url));
        let stores: Vec<PostgresStore> = futures::future::try_join_all(connects).await.unwrap();

        let mut connection = sqlx::PgConnection::connect(&url).await.unwrap();
        let applied: Vec<(i64, bool)> =
            sqlx::query_as("SELECT version, success FROM _sqlx_migrations ORDER BY version")
                .fetch_all(&mut connection)
                .await
                .unwrap();
        assert_eq!(applied, vec![(1, true)], "each migration applied once");
        stores[0].set_watermark(T0).await.unwrap();
        assert_eq!(stores[5].watermark().await.unwrap(), Some(T0));
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn workers_on_separate_connections_are_each_granted_a_return_once() {
        let url = database_url().await;
        let workers = futures::future::try_join_all((0..4).map(|_| PostgresStore::connect(url)))
            .await
            .unwrap();
        let wanted: Vec<String> = (0..200).map(|i| format!("R{i:03}")).collect();
        let until = T0 + Duration::minutes(5);
        let claims = workers.iter().enumerate().flat_map(|(w, store)| {
            let store = store.for_merchant("separate-connections");
            let wanted = &wanted;
            // Each worker asks twice, in a different order each time.
            (0..2).map(move |round| {
                let store = store.clone();
                let mut mine = wanted.clone();
                if (w + round) % 2 == 1 {
                    mine.reverse();
                }
                async move { store.claim(&mine, &format!("w{w}"), T0, until).await }
            })
        });
        let granted = futures::future::try_join_all(claims).await.unwrap();
        let mut holders = std::collections::HashMap::new();
        for (index, ids) in granted.iter().enumerate() {
            for id in ids {
                let worker = index / 2;
                let previous = holders.insert(id.clone(), worker);
                assert!(
                    previous.is_none_or(|p| p == worker),
                    "{id} granted to workers {previous:?} and {worker}"
                );
            }
        }
        assert_eq!(
            holders.len(),
            wanted.len(),
            "every return granted to someone"
        );
    }

    #[tokio::test]
    async fn an_unreachable_database_is_an_open_error_naming_the_host_never_the_password() {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .unwrap()
            .port();
        let url = format!("postgres://sync:hunter2@127.0.0.1:{port}/returns");
        let err = PostgresStore::connect(&url).await.unwrap_err();
        let shown = err.to_string();
        assert!(
            matches!(&err, StoreError::Open { location, .. } if *location == format!("127.0.0.1:{port}/returns")),
            "{err:?}"
        );
        assert!(!shown.contains("hunter2"), "the password is shown: {shown}");

        let err = PostgresStore::connect("postgres://sync:hunter2@db:notaport/returns")
            .await
            .unwrap_err();
        assert!(matches!(err, StoreError::Open { .. }), "{err:?}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn calls_fail_while_the_database_is_away_and_resume_when_it_is_back() {
        // A server of its own: taking it down must not disturb other tests.
        let server = TestPostgres::start_local().unwrap_or_else(|err| panic!("{err}"));
        let url = server.create_database("lost_connection").await.unwrap();
        let store = PostgresStore::connect(&url).await.unwrap();
        store.set_watermark(T0).await.unwrap();

        server.take_down().unwrap();
        let err = store.watermark().await.unwrap_err();
        assert!(
            matches!(
                err,
                StoreError::Io {
                    operation: "watermark",
                    ..
                }
            ),
            "{err:?}"
        );

        server.bring_up().unwrap();
        assert_eq!(
            store.watermark().await.unwrap(),
            Some(T0),
            "the same store resumes"
        );
    }
}

//! The webhook router against real HTTP: signatures, bad bodies, repeated
//! deliveries, a crash right after the 200, the subscription setup, and the
//! latency from a Loop event to the CloudX ticket with the sandbox's own
//! signed webhook delivery.
//!
//! Run with `cargo test -p returns-sync --features webhooks --test webhooks`.

mod common;

use std::sync::Arc;
use std::time::{Duration, Instant};

use common::*;
use loop_client::webhook::{SIGNATURE_HEADER, sign};
use loop_client::{LoopClient, WebhookStatus, WebhookTopic, WebhookTrigger};
use returns_sync::webhooks::{self, ENGINE_SUBSCRIPTIONS, WEBHOOK_PATH};
use returns_sync::{EngineOptions, ManualClock, MemoryStore, Store, SyncEngine};
use sandbox::scenario::{PlannedReturn, Scenario, ScenarioConfig};
use sandbox::{Sandbox, SandboxConfig};
use serde_json::{Value, json};
use tokio::sync::watch;

/// Serves `router` on `127.0.0.1` (an OS-chosen port) until the test ends;
/// the URL of the webhook route.
async fn serve(router: axum::Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
    format!("http://{address}{WEBHOOK_PATH}")
}

fn secret(sandbox: &Sandbox) -> String {
    sandbox.loop_sim().config().webhook_secret.clone()
}

/// A Return webhook body as Loop would send it (the fields the key uses).
fn return_body(id: u64, state: &str, updated_at: &str) -> Vec<u8> {
    json!({
        "topic": "return",
        "trigger": "return.created",
        "id": id,
        "state": state,
        "order_name": "#1001",
        "created_at": "2026-01-05T10:00:00Z",
        "updated_at": updated_at,
    })
    .to_string()
    .into_bytes()
}

async fn post(url: &str, body: &[u8], signature: Option<&str>) -> u16 {
    let mut request = reqwest::Client::new()
        .post(url)
        .header("content-type", "application/json")
        .body(body.to_vec());
    if let Some(signature) = signature {
        request = request.header(SIGNATURE_HEADER, signature);
    }
    request.send().await.unwrap().status().as_u16()
}

async fn inbox_len(store: &dyn Store) -> usize {
    store.pending_events(10_000).await.unwrap().len()
}

/// A sandbox with the whole scenario catalogue in the CloudX item master
/// and no returns yet, and returns (open, not excluded, every item known)
/// to insert during the test: inserting one is what makes Loop send
/// `return.created`.
async fn sandbox_with_new_returns(
    config: SandboxConfig,
    count: usize,
) -> (Sandbox, Vec<(u64, Value, PlannedReturn)>) {
    let sandbox = Sandbox::start(config).await.unwrap();
    let scenario = Scenario::generate(&ScenarioConfig::new(11, count * 2 + 10));
    for item in scenario.item_master() {
        sandbox
            .cloudx()
            .insert_item(&item.sku, Some(&item.upc), Some(&item.description()));
    }
    let returns: Vec<(u64, Value, PlannedReturn)> = scenario
        .returns()
        .iter()
        .zip(scenario.plans())
        .filter(|(_, plan)| {
            plan.missing_skus.is_empty() && !plan.channel.eq_ignore_ascii_case(EXCLUDED)
        })
        .map(|(ret, plan)| (plan.return_id.parse().unwrap(), ret.clone(), plan.clone()))
        .take(count)
        .collect();
    assert_eq!(returns.len(), count, "the scenario has enough returns");
    (sandbox, returns)
}

/// Whether CloudX has a ticket for the Loop return.
fn has_ticket(sandbox: &Sandbox, return_id: u64) -> bool {
    let id = return_id.to_string();
    sandbox
        .cloudx()
        .tickets()
        .iter()
        .any(|t| t["rma_number"].as_str() == Some(id.as_str()))
}

/// Waits until the simulator has recorded `count` delivery attempts to
/// `url`; their statuses.
async fn delivered(sandbox: &Sandbox, url: &str, count: usize) -> Vec<Option<u16>> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let attempts: Vec<Option<u16>> = sandbox
            .loop_sim()
            .webhook_attempts()
            .into_iter()
            .filter(|a| a.url == url)
            .map(|a| a.status)
            .collect();
        if attempts.len() >= count {
            return attempts;
        }
        assert!(
            Instant::now() < deadline,
            "only {} of {count} deliveries to {url}",
            attempts.len()
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_missing_or_bad_signature_is_401_and_nothing_is_stored() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let (engine, _clock) = engine(&sandbox).await;
    let url = serve(webhooks::router(engine.clone(), "the-secret")).await;
    let body = return_body(4021, "open", "2026-01-05T10:00:00Z");

    let cases: [(&str, Option<String>); 5] = [
        ("missing", None),
        ("empty", Some(String::new())),
        ("malformed", Some("not base64!".into())),
        ("another secret", Some(sign(&body, "another-secret"))),
        (
            "another body",
            Some(sign(
                &return_body(4021, "open", "2026-01-05T10:00:01Z"),
                "the-secret",
            )),
        ),
    ];
    for (case, signature) in &cases {
        assert_eq!(post(&url, &body, signature.as_deref()).await, 401, "{case}");
    }
    assert_eq!(
        inbox_len(engine.store().as_ref()).await,
        0,
        "nothing stored"
    );

    // The same body, signed right, is accepted: the 401s were the signature.
    assert_eq!(
        post(&url, &body, Some(&sign(&body, "the-secret"))).await,
        200
    );
    assert_eq!(inbox_len(engine.store().as_ref()).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unparsable_body_is_400_and_nothing_is_stored() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let (engine, _clock) = engine(&sandbox).await;
    let url = serve(webhooks::router(engine.clone(), "the-secret")).await;

    let bodies: [&[u8]; 4] = [
        b"not json at all",
        b"",
        br#"{"topic":"return","id":4021,"state":"open""#,
        // A Return payload whose id is an object.
        br#"{"topic":"return","trigger":"return.created","id":{"nested":true}}"#,
    ];
    for body in bodies {
        let status = post(&url, body, Some(&sign(body, "the-secret"))).await;
        assert_eq!(status, 400, "{}", String::from_utf8_lossy(body));
    }
    assert_eq!(
        inbox_len(engine.store().as_ref()).await,
        0,
        "nothing stored"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_empty_secret_is_refused_so_loop_delivers_again_later() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let (engine, _clock) = engine(&sandbox).await;
    let url = serve(webhooks::router(engine.clone(), "")).await;
    let body = return_body(4021, "open", "2026-01-05T10:00:00Z");
    assert_eq!(post(&url, &body, Some(&sign(&body, ""))).await, 500);
    assert_eq!(inbox_len(engine.store().as_ref()).await, 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_delivery_is_stored_once() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let (engine, _clock) = engine(&sandbox).await;
    let store = engine.store().clone();
    let url = serve(webhooks::router(engine.clone(), "the-secret")).await;
    let body = return_body(4021, "open", "2026-01-05T10:00:00Z");
    let signature = sign(&body, "the-secret");

    for _ in 0..3 {
        assert_eq!(post(&url, &body, Some(&signature)).await, 200);
    }
    let pending = store.pending_events(100).await.unwrap();
    assert_eq!(pending.len(), 1, "{pending:?}");
    let stored = &pending[0].event;
    assert_eq!(stored.return_id.as_deref(), Some("4021"));
    assert_eq!(stored.topic, "return");
    assert_eq!(
        stored.body.as_bytes(),
        body.as_slice(),
        "the body as received"
    );

    // Once handled, a late redelivery is still recognised.
    store.complete_event(pending[0].seq).await.unwrap();
    assert_eq!(post(&url, &body, Some(&signature)).await, 200);
    assert_eq!(inbox_len(store.as_ref()).await, 0);

    // A later change of the same return is a new event.
    let changed = return_body(4021, "open", "2026-01-05T11:00:00Z");
    assert_eq!(
        post(&url, &changed, Some(&sign(&changed, "the-secret"))).await,
        200
    );
    assert_eq!(inbox_len(store.as_ref()).await, 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_repeated_deliveries_are_stored_once() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let (engine, _clock) = engine(&sandbox).await;
    let url = serve(webhooks::router(engine.clone(), "the-secret")).await;
    let body = return_body(77, "open", "2026-01-05T10:00:00Z");
    let signature = sign(&body, "the-secret");
    let posts = (0..16).map(|_| post(&url, &body, Some(&signature)));
    let statuses = futures::future::join_all(posts).await;
    assert!(statuses.iter().all(|s| *s == 200), "{statuses:?}");
    assert_eq!(inbox_len(engine.store().as_ref()).await, 1);
}

/// A store that cannot be written is answered 503, and Loop's redelivery
/// is stored once the store is back.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_failure_is_503_and_the_redelivery_is_stored() {
    let (sandbox, returns) = sandbox_with_new_returns(SandboxConfig::default(), 1).await;
    let store = Arc::new(FlakyStore::default());
    store
        .inbox_broken
        .store(true, std::sync::atomic::Ordering::SeqCst);
    let engine = engine_with(
        &sandbox,
        settings(),
        store.clone(),
        ManualClock::new(time::OffsetDateTime::now_utc()),
        EngineOptions::default(),
    )
    .await;
    let url = serve(webhooks::router(engine.clone(), secret(&sandbox))).await;
    webhooks::ensure_subscriptions(&loop_client(&sandbox), &url)
        .await
        .unwrap();

    let (return_id, seed, _) = returns.into_iter().next().unwrap();
    sandbox.loop_sim().insert_return(seed);
    assert_eq!(delivered(&sandbox, &url, 1).await, [Some(503)]);
    assert_eq!(inbox_len(store.as_ref()).await, 0);

    store
        .inbox_broken
        .store(false, std::sync::atomic::Ordering::SeqCst);
    // The simulator retries after a second, as Loop does after a failure.
    assert_eq!(delivered(&sandbox, &url, 2).await, [Some(503), Some(200)]);
    let pending = store.pending_events(10).await.unwrap();
    assert_eq!(pending.len(), 1);
    assert_eq!(
        pending[0].event.return_id.as_deref(),
        Some(return_id.to_string().as_str())
    );
}

/// The router answers 200 once the event is stored, with no engine
/// running; the process then dies. A new engine over the same store — no
/// webhook redelivered, Loop not asked for a list — creates the ticket.
async fn crash_after_200(store: Arc<dyn Store>, reopen: impl AsyncFnOnce() -> Arc<dyn Store>) {
    let (sandbox, returns) = sandbox_with_new_returns(SandboxConfig::default(), 1).await;
    let loop_client = loop_client(&sandbox);
    let clock = ManualClock::new(time::OffsetDateTime::now_utc());
    let first = engine_with(
        &sandbox,
        settings(),
        store,
        clock.clone(),
        EngineOptions::default(),
    )
    .await;
    let url = serve(webhooks::router(first.clone(), secret(&sandbox))).await;
    webhooks::ensure_subscriptions(&loop_client, &url)
        .await
        .unwrap();

    let (return_id, seed, _) = returns.into_iter().next().unwrap();
    sandbox.loop_sim().insert_return(seed);
    assert_eq!(
        delivered(&sandbox, &url, 1).await,
        [Some(200)],
        "return.created was stored and acknowledged"
    );
    // The process dies right after the 200: nothing handled the event.
    drop(first);
    assert!(!has_ticket(&sandbox, return_id), "no engine ran");

    let store = reopen().await;
    let pending = store.pending_events(100).await.unwrap();
    assert_eq!(pending.len(), 1, "the event survived: {pending:?}");
    assert_eq!(
        pending[0].event.return_id.as_deref(),
        Some(return_id.to_string().as_str())
    );
    let second = engine_with(
        &sandbox,
        settings(),
        store.clone(),
        clock,
        EngineOptions::default(),
    )
    .await;
    let report = second.process_inbox().await;
    let failures: Vec<_> = report.failures().collect();
    assert!(failures.is_empty(), "{failures:?}");
    assert_eq!(report.counts.tickets_created, 1, "{report:?}");
    assert!(has_ticket(&sandbox, return_id), "nothing was lost");
    assert_eq!(duplicate_tickets(&sandbox), 0);
    assert_eq!(inbox_len(store.as_ref()).await, 0, "the event is done");
    assert_eq!(
        delivered(&sandbox, &url, 1).await.len(),
        1,
        "Loop did not deliver again"
    );

    // Handled once: the inbox is empty, a second pass does nothing.
    let again = second.process_inbox().await;
    assert_eq!(again.counts.events, 0);
    assert_eq!(sandbox.cloudx().create_count(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_after_the_200_loses_nothing() {
    let store: Arc<dyn Store> = Arc::new(MemoryStore::new());
    let kept = store.clone();
    crash_after_200(store, async move || kept).await;
}

#[cfg(feature = "sqlite")]
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_after_the_200_loses_nothing_with_the_sqlite_file() {
    use returns_sync::SqliteStore;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("returns-sync.db");
    let first = SqliteStore::open(&path).await.unwrap();
    let store: Arc<dyn Store> = Arc::new(first);
    crash_after_200(store, async move || {
        // The dead process's store is gone; only the file remains.
        let reopened: Arc<dyn Store> = Arc::new(SqliteStore::open(&path).await.unwrap());
        reopened
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn subscription_setup_is_idempotent() {
    let sandbox = sandbox(SandboxConfig::default()).await;
    let loop_client = loop_client(&sandbox);
    let url = "http://127.0.0.1:9/loop/webhooks";

    // Someone else's subscription, and one of ours Loop deactivated.
    let other = loop_client::WebhookSubscription::new(
        WebhookTopic::Return,
        WebhookTrigger::ReturnCreated,
        "http://127.0.0.1:9/elsewhere",
    );
    loop_client.create_webhook(&other).await.unwrap();
    let ours_inactive = loop_client::WebhookSubscription::new(
        WebhookTopic::Return,
        WebhookTrigger::ReturnClosed,
        url,
    )
    .status(WebhookStatus::Inactive);
    loop_client.create_webhook(&ours_inactive).await.unwrap();

    let first = webhooks::ensure_subscriptions(&loop_client, url)
        .await
        .unwrap();
    assert_eq!(first.created.len(), 2, "{first:?}");
    assert_eq!(first.reactivated.len(), 1, "{first:?}");
    assert!(first.unchanged.is_empty());
    assert!(!first.changed_nothing());

    let second = webhooks::ensure_subscriptions(&loop_client, url)
        .await
        .unwrap();
    assert!(second.changed_nothing(), "{second:?}");
    assert_eq!(second.unchanged.len(), ENGINE_SUBSCRIPTIONS.len());

    let listed = loop_client.list_webhooks().await.unwrap();
    assert_eq!(listed.len(), 4, "one other + three of ours: {listed:?}");
    for (topic, trigger) in ENGINE_SUBSCRIPTIONS {
        let ours: Vec<_> = listed
            .iter()
            .filter(|w| {
                w.url.as_deref() == Some(url)
                    && w.topic.as_ref() == Some(&topic)
                    && w.trigger.as_ref() == Some(&trigger)
            })
            .collect();
        assert_eq!(ours.len(), 1, "{topic} {trigger}: {ours:?}");
        assert_eq!(ours[0].status, Some(WebhookStatus::Active));
    }
}

/// p-th percentile (nearest rank) of sorted samples.
fn percentile(sorted: &[Duration], p: f64) -> Duration {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted[rank.clamp(1, sorted.len()) - 1]
}

/// From a return created in Loop to its CloudX ticket existing, with only
/// webhooks driving the engine (the schedules are an hour apart), default
/// client settings, and the sandbox's vendor rate limits (Loop 300 a
/// minute, CloudX 10 a second).
///
/// Returns arrive on a fixed schedule (open loop: an arrival does not wait
/// for the previous ticket), 2.5 a second. A new return costs CloudX one
/// item lookup per distinct item, and a reference lookup and a create per
/// shipment (the count is printed): a little over CloudX's 10 calls a
/// second, so the client's rate limiter delays some returns — part of
/// what is measured. Loop's budget covers the test's length.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhooks_create_the_ticket_within_a_second() {
    const RETURNS: usize = 50;
    const ARRIVAL_GAP: Duration = Duration::from_millis(400);

    let (sandbox, returns) = sandbox_with_new_returns(SandboxConfig::default(), RETURNS).await;
    // Default client settings: only the address and credentials.
    let credentials = sandbox.credentials();
    let loop_client = LoopClient::builder(credentials.loop_api_key)
        .base_url(sandbox.loop_base_url())
        .build()
        .unwrap();
    let cloudx = cloudx_client::CloudxClient::builder(credentials.cloudx_client_secret)
        .base_url(sandbox.cloudx_base_url())
        .build()
        .unwrap();
    let mut options = EngineOptions::default();
    options.pull_interval = Duration::from_secs(3600);
    options.poll_interval = Duration::from_secs(3600);
    let engine = SyncEngine::builder(loop_client.clone(), cloudx, settings())
        .store(MemoryStore::new())
        .options(options)
        .build()
        .await
        .unwrap();

    let url = serve(webhooks::router(engine.clone(), secret(&sandbox))).await;
    let setup = webhooks::ensure_subscriptions(&loop_client, &url)
        .await
        .unwrap();
    assert_eq!(setup.created.len(), ENGINE_SUBSCRIPTIONS.len());

    let (stop, stopped) = watch::channel(false);
    let runner = {
        let engine = engine.clone();
        let mut stopped = stopped.clone();
        tokio::spawn(async move {
            let shutdown = async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            };
            engine.run(shutdown, |_| {}).await;
        })
    };
    // Let the first (empty) pull finish: from here on only webhooks act.
    tokio::time::sleep(Duration::from_millis(300)).await;

    // Arrivals on schedule, in a task of their own.
    let ids: Vec<String> = returns.iter().map(|(id, ..)| id.to_string()).collect();
    let cloudx_calls: usize = returns
        .iter()
        .map(|(.., plan)| {
            let items: std::collections::HashSet<&str> =
                plan.lines().map(|l| l.sku.as_str()).collect();
            items.len() + 2 * plan.shipments.len()
        })
        .sum();
    let arrivals = {
        let loop_sim = sandbox.loop_sim().clone();
        tokio::spawn(async move {
            let start = tokio::time::Instant::now();
            let mut inserted = Vec::with_capacity(returns.len());
            for (n, (_, seed, _)) in returns.into_iter().enumerate() {
                tokio::time::sleep_until(start + ARRIVAL_GAP * n as u32).await;
                inserted.push(Instant::now());
                loop_sim.insert_return(seed);
            }
            inserted
        })
    };
    // The moment each return's first ticket is seen in CloudX.
    let mut seen: Vec<Option<Instant>> = vec![None; RETURNS];
    let deadline = Instant::now() + ARRIVAL_GAP * RETURNS as u32 + Duration::from_secs(15);
    while seen.iter().any(Option::is_none) {
        assert!(Instant::now() < deadline, "tickets missing: {seen:?}");
        let tickets = sandbox.cloudx().tickets();
        let now = Instant::now();
        for (slot, id) in seen.iter_mut().zip(&ids) {
            if slot.is_none()
                && tickets
                    .iter()
                    .any(|t| t["rma_number"].as_str() == Some(id.as_str()))
            {
                *slot = Some(now);
            }
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
    let inserted = arrivals.await.unwrap();
    stop.send(true).unwrap();
    runner.await.unwrap();

    let mut latencies: Vec<Duration> = inserted
        .iter()
        .zip(&seen)
        .map(|(at, seen)| seen.unwrap().saturating_duration_since(*at))
        .collect();
    latencies.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    let p50 = percentile(&latencies, 50.0);
    let p90 = percentile(&latencies, 90.0);
    let p99 = percentile(&latencies, 99.0);
    let max = *latencies.last().unwrap();
    eprintln!(
        "Loop return.created → CloudX ticket: N={} (one every {} ms, {:.1} CloudX calls a return) min={:.1} ms p50={:.1} ms p90={:.1} ms p99={:.1} ms max={:.1} ms",
        latencies.len(),
        ARRIVAL_GAP.as_millis(),
        cloudx_calls as f64 / RETURNS as f64,
        ms(latencies[0]),
        ms(p50),
        ms(p90),
        ms(p99),
        ms(max),
    );
    assert_eq!(duplicate_tickets(&sandbox), 0, "no ticket twice");
    let deliveries = delivered(&sandbox, &url, RETURNS).await;
    assert!(
        deliveries.iter().all(|s| *s == Some(200)),
        "every delivery acknowledged at once: {deliveries:?}"
    );
    assert!(
        p99 < Duration::from_secs(1),
        "p99 {p99:?} is not under 1 s: {latencies:?}"
    );
}

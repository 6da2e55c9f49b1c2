//! Crash points made explicit: for each write of the
//! flow — create the ticket, write a note, act — the engine is stopped
//! right after the vendor accepted the write and before anything else
//! happened (its answer never arrives, then the engine's task is aborted),
//! and a new engine on the same store finishes the return: one ticket per
//! reference, each note once, each action once.
//!
//! The stop is exact: the engine talks to the sandbox through a proxy that
//! forwards the chosen write, lets the sandbox answer, and then holds the
//! answer back for good while it tells the test.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use cloudx_client::CloudxClient;
use common::{duplicate_notes, duplicate_tickets, loop_state, receive_everything, settings};
use loop_client::{LoopClient, RateLimit};
use returns_sync::{EngineOptions, SqliteStore, Store, SyncEngine};
use sandbox::scenario::{Expectation, PlannedReturn, ScenarioConfig};
use sandbox::{Sandbox, SandboxConfig, Served};
use tokio::sync::Notify;

/// Which request the proxy holds: the first one, once armed, whose method
/// is `method` and whose path ends with one of `suffixes`.
struct Hold {
    method: Method,
    suffixes: &'static [&'static str],
    armed: AtomicBool,
    tripped: Notify,
}

impl Hold {
    fn new(method: Method, suffixes: &'static [&'static str]) -> Arc<Self> {
        Arc::new(Self {
            method,
            suffixes,
            armed: AtomicBool::new(false),
            tripped: Notify::new(),
        })
    }

    fn arm(&self) {
        self.armed.store(true, Ordering::SeqCst);
    }

    /// Whether this request is the one to hold (disarming: only one is).
    fn take(&self, method: &Method, path: &str) -> bool {
        *method == self.method
            && self.suffixes.iter().any(|s| path.ends_with(s))
            && self.armed.swap(false, Ordering::SeqCst)
    }
}

#[derive(Clone)]
struct Proxy {
    upstream: String,
    http: reqwest::Client,
    hold: Arc<Hold>,
}

/// Forwards everything to `upstream` (the sandbox's server, no path), and
/// never answers the held request — after the sandbox has.
async fn forward(State(proxy): State<Proxy>, request: Request) -> Response {
    let method = request.method().clone();
    let path_and_query = request
        .uri()
        .path_and_query()
        .map(ToString::to_string)
        .unwrap_or_default();
    let path = request.uri().path().to_owned();
    let headers = request.headers().clone();
    let body: Bytes = axum::body::to_bytes(request.into_body(), usize::MAX)
        .await
        .unwrap_or_default();
    let mut upstream = proxy
        .http
        .request(
            method.clone(),
            format!("{}{path_and_query}", proxy.upstream),
        )
        .body(body);
    for (name, value) in &headers {
        if name != "host" && name != "content-length" {
            upstream = upstream.header(name, value);
        }
    }
    let answer = upstream.send().await;
    if proxy.hold.take(&method, &path) {
        // The vendor has accepted the write; the engine never hears of it.
        proxy.hold.tripped.notify_one();
        std::future::pending::<()>().await;
    }
    let Ok(answer) = answer else {
        return Response::builder()
            .status(StatusCode::BAD_GATEWAY)
            .body(Body::empty())
            .unwrap();
    };
    let status = answer.status();
    let answer_headers: HeaderMap = answer.headers().clone();
    let bytes = answer.bytes().await.unwrap_or_default();
    let mut response = Response::new(Body::from(bytes));
    *response.status_mut() = status;
    for (name, value) in &answer_headers {
        if name != "content-length" && name != "transfer-encoding" {
            response.headers_mut().insert(name, value.clone());
        }
    }
    response
}

async fn proxy(base_url: &str, hold: Arc<Hold>) -> Served {
    let url = reqwest::Url::parse(base_url).unwrap();
    let upstream = format!("{}://{}", url.scheme(), url.authority());
    let router = axum::Router::new().fallback(forward).with_state(Proxy {
        upstream,
        http: reqwest::Client::new(),
        hold,
    });
    sandbox::serve_router(router).await.unwrap()
}

/// Replaces the scheme and authority of `base_url` by the proxy's.
fn through(proxy: &Served, base_url: &str) -> String {
    let url = reqwest::Url::parse(base_url).unwrap();
    format!("{}{}", proxy.base_url(), url.path())
}

/// The world of one test: a sandbox with one return planned as
/// `expectation`, a store file, and holds on the writes to Loop and CloudX.
struct World {
    sandbox: Sandbox,
    plan: PlannedReturn,
    store_path: std::path::PathBuf,
    _dir: tempfile::TempDir,
    loop_hold: Arc<Hold>,
    cloudx_hold: Arc<Hold>,
    loop_proxy: Served,
    cloudx_proxy: Served,
}

impl World {
    async fn new(expectation: Expectation, loop_hold: Arc<Hold>, cloudx_hold: Arc<Hold>) -> Self {
        // The first seed whose first return is planned as asked, in one parcel.
        let (config, plan) = (0..500)
            .find_map(|seed| {
                let config = ScenarioConfig::new(seed, 1);
                let scenario = sandbox::scenario::Scenario::generate(&config);
                let plan = scenario.plans()[0].clone();
                (plan.expectation_excluding(&[common::EXCLUDED]) == Some(expectation)
                    && plan.shipments.len() == 1)
                    .then_some((config, plan))
            })
            .expect("a seed plans such a return");
        let sandbox = common::sandbox(SandboxConfig::default().with_scenario(config)).await;
        let loop_proxy = proxy(&sandbox.loop_base_url(), Arc::clone(&loop_hold)).await;
        let cloudx_proxy = proxy(&sandbox.cloudx_base_url(), Arc::clone(&cloudx_hold)).await;
        let dir = tempfile::tempdir().unwrap();
        Self {
            store_path: dir.path().join("store.sqlite"),
            _dir: dir,
            sandbox,
            plan,
            loop_hold,
            cloudx_hold,
            loop_proxy,
            cloudx_proxy,
        }
    }

    /// An engine on the store file, through the proxies or straight to the
    /// sandbox. Every incarnation is the same worker, as a restarted
    /// process is.
    async fn engine(&self, proxied: bool) -> SyncEngine {
        let (loop_url, cloudx_url) = if proxied {
            (
                through(&self.loop_proxy, &self.sandbox.loop_base_url()),
                through(&self.cloudx_proxy, &self.sandbox.cloudx_base_url()),
            )
        } else {
            (self.sandbox.loop_base_url(), self.sandbox.cloudx_base_url())
        };
        let credentials = self.sandbox.credentials();
        let loop_client = LoopClient::builder(credentials.loop_api_key)
            .base_url(loop_url)
            .rate_limit(RateLimit::Unlimited)
            .build()
            .unwrap();
        let cloudx = CloudxClient::builder(credentials.cloudx_client_secret)
            .base_url(cloudx_url)
            .rate_limit(cloudx_client::transport::RateLimit::Unlimited)
            .build()
            .unwrap();
        let store = SqliteStore::open(&self.store_path).await.unwrap();
        SyncEngine::builder(loop_client, cloudx, settings())
            .store(store)
            .worker_id("crash-test")
            .options(EngineOptions::default())
            .build()
            .await
            .unwrap()
    }

    /// Runs a pass through the proxies until the held write was accepted,
    /// then aborts it: the crash.
    async fn crash_at_the_hold(&self) {
        let engine = self.engine(true).await;
        let pass = tokio::spawn(async move {
            engine.reconcile_once().await;
        });
        let tripped = async {
            tokio::select! {
                () = self.loop_hold.tripped.notified() => {}
                () = self.cloudx_hold.tripped.notified() => {}
            }
        };
        tokio::time::timeout(std::time::Duration::from_secs(30), tripped)
            .await
            .expect("the held write happens");
        pass.abort();
        assert!(pass.await.unwrap_err().is_cancelled());
    }

    fn id(&self) -> u64 {
        self.plan.return_id.parse().unwrap()
    }

    /// A new engine on the same store runs until the return is done
    /// (receiving the parcel in between), then everything is counted. It
    /// polls before it pulls: the store alone must be enough not to repeat
    /// a write (a pull would show Loop's newer state first).
    async fn restart_and_finish(&self, expected_state: &str) {
        let engine = self.engine(false).await;
        let report = engine.poll_once().await;
        assert_eq!(report.failures().count(), 0, "{}", report.one_line());
        for _ in 0..4 {
            let report = engine.reconcile_once().await;
            assert_eq!(report.failures().count(), 0, "{}", report.one_line());
            receive_everything(&self.sandbox);
        }
        let tracked = engine
            .store()
            .tracked_return(&self.plan.return_id)
            .await
            .unwrap()
            .expect("tracked");
        assert!(!tracked.stage.is_in_flight(), "{:?}", tracked.stage);
        assert_eq!(
            loop_state(&self.sandbox, &self.plan.return_id),
            expected_state
        );
        assert_eq!(self.sandbox.cloudx().tickets().len(), 1, "one ticket");
        assert_eq!(duplicate_tickets(&self.sandbox), 0);
        assert_eq!(duplicate_notes(&self.sandbox, &self.plan.return_id), 0);
        let notes = self.sandbox.loop_sim().notes(self.id());
        assert_eq!(
            notes.len(),
            2,
            "the ASN note and the decision note: {notes:?}"
        );
        let actions = self.sandbox.loop_sim().accepted_actions(self.id());
        assert_eq!(actions.len(), 1, "one action: {actions:?}");
        assert_eq!(self.sandbox.loop_sim().duplicate_actions(), 0);
    }
}

fn no_hold() -> Arc<Hold> {
    Hold::new(Method::GET, &[])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_right_after_cloudx_created_the_ticket() {
    let world = World::new(
        Expectation::Processed,
        no_hold(),
        Hold::new(Method::POST, &["/receiving-tickets"]),
    )
    .await;
    world.cloudx_hold.arm();
    world.crash_at_the_hold().await;
    assert_eq!(world.sandbox.cloudx().create_count(), 1, "CloudX has it");
    let store = SqliteStore::open(&world.store_path).await.unwrap();
    let tracked = store.tracked_return(&world.plan.return_id).await.unwrap();
    assert!(
        tracked.is_none_or(|t| t.tickets.is_empty()),
        "the engine never recorded it"
    );
    world.restart_and_finish("closed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_right_after_loop_took_the_asn_note() {
    let world = World::new(
        Expectation::Processed,
        Hold::new(Method::POST, &["/note"]),
        no_hold(),
    )
    .await;
    world.loop_hold.arm();
    world.crash_at_the_hold().await;
    assert_eq!(world.sandbox.loop_sim().notes(world.id()).len(), 1);
    world.restart_and_finish("closed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_right_after_loop_took_the_decision_note() {
    let world = World::new(
        Expectation::Flagged,
        Hold::new(Method::POST, &["/note"]),
        no_hold(),
    )
    .await;
    // Tickets and the ASN note first, then the parcel arrives.
    let engine = world.engine(true).await;
    engine.reconcile_once().await;
    receive_everything(&world.sandbox);
    drop(engine);
    world.loop_hold.arm();
    world.crash_at_the_hold().await;
    assert_eq!(world.sandbox.loop_sim().notes(world.id()).len(), 2);
    assert!(
        world
            .sandbox
            .loop_sim()
            .accepted_actions(world.id())
            .is_empty()
    );
    world.restart_and_finish("review").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_right_after_loop_processed_the_return() {
    act_then_crash(Expectation::Processed, "closed").await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_crash_right_after_loop_flagged_the_return() {
    act_then_crash(Expectation::Flagged, "review").await;
}

async fn act_then_crash(expectation: Expectation, state: &str) {
    let world = World::new(
        expectation,
        Hold::new(Method::POST, &["/process", "/flag"]),
        no_hold(),
    )
    .await;
    let engine = world.engine(true).await;
    engine.reconcile_once().await;
    receive_everything(&world.sandbox);
    drop(engine);
    world.loop_hold.arm();
    world.crash_at_the_hold().await;
    assert_eq!(loop_state(&world.sandbox, &world.plan.return_id), state);
    assert_eq!(
        world.sandbox.loop_sim().accepted_actions(world.id()).len(),
        1
    );
    world.restart_and_finish(state).await;
}

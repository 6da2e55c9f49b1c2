//! The default client against a server that enforces Loop's published limit
//! the strict way (n calls per sliding 60 s, 429 without `Retry-After` past
//! it): a bulk job with default settings never surfaces a 429.
//!
//! These run on real time (the server's window is measured by its own
//! clock), so each takes about a minute; they run in parallel with the rest.

mod common;

use std::collections::VecDeque;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::join_all;
use loop_client::{LoopClient, ReturnId, ReturnLookup};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

/// Loop's published limit per key, which the client's default must hold.
const LOOP_LIMIT_PER_MINUTE: usize = 300;

/// Answers the return details while fewer than `limit` calls arrived in the
/// last `window`, 429 without `Retry-After` otherwise; counts both.
struct SlidingWindowServer {
    limit: usize,
    window: Duration,
    /// Before this instant every call is throttled (another process using
    /// the same key), whatever the window says.
    closed_until: Instant,
    arrivals: Mutex<VecDeque<Instant>>,
    served: AtomicUsize,
    throttled: AtomicUsize,
}

impl SlidingWindowServer {
    fn new(limit: usize, closed_for: Duration) -> Arc<Self> {
        Arc::new(Self {
            limit,
            window: Duration::from_secs(60),
            closed_until: Instant::now() + closed_for,
            arrivals: Mutex::new(VecDeque::new()),
            served: AtomicUsize::new(0),
            throttled: AtomicUsize::new(0),
        })
    }
}

/// What the mock server holds: the shared counters.
struct Responder(Arc<SlidingWindowServer>);

impl Respond for Responder {
    fn respond(&self, _: &Request) -> ResponseTemplate {
        let server = &self.0;
        let now = Instant::now();
        let mut arrivals = server.arrivals.lock().unwrap();
        while arrivals
            .front()
            .is_some_and(|&at| now.duration_since(at) >= server.window)
        {
            arrivals.pop_front();
        }
        arrivals.push_back(now);
        if now < server.closed_until || arrivals.len() > server.limit {
            server.throttled.fetch_add(1, Ordering::SeqCst);
            return ResponseTemplate::new(429)
                .set_body_string(r#"{"message":"Too Many Attempts."}"#);
        }
        server.served.fetch_add(1, Ordering::SeqCst);
        ResponseTemplate::new(200)
            .insert_header("content-type", "application/json")
            .set_body_string(fixture!("return_details.json"))
    }
}

/// The client exactly as a user gets it: only the base URL and key set.
fn default_client(server: &wiremock::MockServer) -> LoopClient {
    LoopClient::builder(common::KEY)
        .base_url(format!("{}/api/v1", server.uri()))
        .build()
        .expect("client builds")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_burst_of_limit_plus_one_calls_with_defaults_surfaces_no_429() {
    let server = common::server().await;
    let limiter = SlidingWindowServer::new(LOOP_LIMIT_PER_MINUTE, Duration::ZERO);
    Mock::given(wiremock::matchers::method("GET"))
        .respond_with(Responder(limiter.clone()))
        .mount(&server)
        .await;
    let client = default_client(&server);

    let started = Instant::now();
    let lookup: ReturnLookup = ReturnId::from(1).into();
    let calls = (0..=LOOP_LIMIT_PER_MINUTE).map(|_| client.get_return(&lookup, None));
    let results = join_all(calls).await;
    let elapsed = started.elapsed();

    let failures: Vec<_> = results.iter().filter_map(|r| r.as_ref().err()).collect();
    assert!(
        failures.is_empty(),
        "{} failed, first: {}",
        failures.len(),
        failures[0]
    );
    assert_eq!(
        limiter.served.load(Ordering::SeqCst),
        LOOP_LIMIT_PER_MINUTE + 1
    );
    assert_eq!(
        limiter.throttled.load(Ordering::SeqCst),
        0,
        "the default limiter sent more than the limit in a window"
    );
    // The 301st call waited for the window instead of bouncing off it.
    assert!(elapsed >= Duration::from_secs(60), "{elapsed:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_429_without_retry_after_is_retried_until_the_vendor_takes_the_call() {
    let server = common::server().await;
    // Another process has used up the key: everything is refused for 20 s.
    let limiter = SlidingWindowServer::new(LOOP_LIMIT_PER_MINUTE, Duration::from_secs(20));
    Mock::given(wiremock::matchers::method("GET"))
        .respond_with(Responder(limiter.clone()))
        .mount(&server)
        .await;
    let client = default_client(&server);

    let started = Instant::now();
    let details = client
        .get_return(&ReturnId::from(1).into(), None)
        .await
        .expect("the default retry budget outlasts the throttle");
    assert!(started.elapsed() >= Duration::from_secs(20));
    assert_eq!(details.id, ReturnId::from(37_603_915));
    let throttled = limiter.throttled.load(Ordering::SeqCst);
    // Backing off, not hammering: a handful of attempts over 20 s.
    assert!(
        (2..=20).contains(&throttled),
        "{throttled} throttled attempts"
    );
}

//! Fault injection around a simulator's router, deterministic by seed.
//!
//! [`FaultConfig::layer`] wraps any router with a middleware that, per
//! request, may add latency, answer a 5xx *before* the simulator sees the
//! request (no state change), or let the simulator process the request and
//! then drop the connection without answering (state changed, client sees a
//! transport failure — the case duplicate-protection logic must survive).
//!
//! Decisions are a pure function of the seed and the request's sequence
//! number (counted per wrapped router), so a client that sends its requests
//! one after another sees the same faults on every run. Requests sent
//! concurrently get the same *set* of decisions, but which request gets which
//! one depends on arrival order.
//!
//! Rate limits are vendor-specific and live in each simulator's config; the
//! sandbox applies [`FaultConfig::rate_limit`] there (see
//! [`SandboxConfig`](crate::SandboxConfig)).

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;

use crate::server::DropConnection;

/// Path segment that marks simulator-control endpoints (CloudX `/v1/_sim/...`
/// and the like); they are never faulted so a test can always drive the
/// warehouse.
const SIM_CONTROL_SEGMENT: &str = "/_sim/";

/// Which faults to inject into one simulator. The default injects nothing.
///
/// Rates are probabilities in `0.0..=1.0` per request; values outside that
/// range are clamped.
#[derive(Clone, Debug, PartialEq)]
pub struct FaultConfig {
    /// Seed of the fault sequence: the same seed gives the same decisions
    /// for the same request sequence.
    pub seed: u64,
    /// Probability that a request starts a run of injected 5xx answers. The
    /// simulator does not see the request (nothing changes).
    pub server_error_rate: f64,
    /// Length of each run of 5xx answers once one is triggered (a "burst"),
    /// at least 1.
    pub server_error_burst: u32,
    /// Statuses an injected error picks from (deterministically); each must
    /// be a 5xx. Empty means `503`.
    pub server_error_statuses: Vec<StatusCode>,
    /// Latency added before every request is handled.
    pub latency: Duration,
    /// Extra latency, uniformly between zero and this, added on top of
    /// [`latency`](Self::latency).
    pub latency_jitter: Duration,
    /// Probability that the simulator processes the request and the
    /// connection is then closed without a response.
    pub drop_rate: f64,
    /// Rate limit of the simulator, replacing its vendor default when set:
    /// Loop requests per minute, CloudX requests per second, CartRover
    /// bucket capacity. Applied by [`Sandbox::start`](crate::Sandbox::start).
    pub rate_limit: Option<u32>,
}

impl Default for FaultConfig {
    fn default() -> Self {
        Self {
            seed: 0,
            server_error_rate: 0.0,
            server_error_burst: 1,
            server_error_statuses: vec![
                StatusCode::INTERNAL_SERVER_ERROR,
                StatusCode::BAD_GATEWAY,
                StatusCode::SERVICE_UNAVAILABLE,
            ],
            latency: Duration::ZERO,
            latency_jitter: Duration::ZERO,
            drop_rate: 0.0,
            rate_limit: None,
        }
    }
}

/// What the fault layer does with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum FaultDecision {
    /// Pass the request to the simulator and return its answer.
    Pass,
    /// Answer with this 5xx status without calling the simulator.
    ServerError(StatusCode),
    /// Call the simulator, then close the connection without answering.
    /// Servers started by [`serve_router`](crate::serve_router) (and so the
    /// [`Sandbox`](crate::Sandbox)) honour it; a router served some other way
    /// sends the simulator's answer.
    DropAfterProcessing,
}

impl FaultConfig {
    /// A config with this seed and no faults; chain the `with_*` methods.
    pub fn seeded(seed: u64) -> Self {
        Self {
            seed,
            ..Self::default()
        }
    }

    /// Sets the 5xx rate (and keeps the burst length).
    pub fn with_server_errors(mut self, rate: f64) -> Self {
        self.server_error_rate = rate;
        self
    }

    /// Sets the length of each 5xx burst.
    pub fn with_server_error_burst(mut self, burst: u32) -> Self {
        self.server_error_burst = burst;
        self
    }

    /// Sets the fixed added latency and its jitter.
    pub fn with_latency(mut self, latency: Duration, jitter: Duration) -> Self {
        self.latency = latency;
        self.latency_jitter = jitter;
        self
    }

    /// Sets the rate of connections dropped after processing.
    pub fn with_drops(mut self, rate: f64) -> Self {
        self.drop_rate = rate;
        self
    }

    /// Sets the simulator's rate limit (see [`FaultConfig::rate_limit`]).
    pub fn with_rate_limit(mut self, limit: u32) -> Self {
        self.rate_limit = Some(limit);
        self
    }

    /// True when the layer would change nothing about any request.
    pub fn is_inert(&self) -> bool {
        self.server_error_rate <= 0.0
            && self.drop_rate <= 0.0
            && self.latency.is_zero()
            && self.latency_jitter.is_zero()
    }

    /// The decision for the request with this sequence number (0-based).
    /// A pure function: the layer calls it with a per-router counter.
    pub fn decide(&self, sequence: u64) -> FaultDecision {
        if let Some(status) = self.server_error_at(sequence) {
            return FaultDecision::ServerError(status);
        }
        if unit(self.seed, sequence, Stream::Drop) < self.drop_rate.clamp(0.0, 1.0) {
            return FaultDecision::DropAfterProcessing;
        }
        FaultDecision::Pass
    }

    /// The latency added to the request with this sequence number.
    pub fn delay(&self, sequence: u64) -> Duration {
        if self.latency_jitter.is_zero() {
            return self.latency;
        }
        self.latency
            + self
                .latency_jitter
                .mul_f64(unit(self.seed, sequence, Stream::Latency))
    }

    /// Wraps `router` so that every request goes through this fault plan.
    /// An inert config returns the router unchanged (no overhead).
    pub fn layer(&self, router: axum::Router) -> axum::Router {
        if self.is_inert() {
            return router;
        }
        let state = Arc::new(LayerState {
            config: self.clone(),
            sequence: AtomicU64::new(0),
        });
        router.layer(middleware::from_fn_with_state(state, inject))
    }

    /// A request is in a burst when any of the last `burst` sequence numbers
    /// (itself included) triggered one.
    fn server_error_at(&self, sequence: u64) -> Option<StatusCode> {
        let rate = self.server_error_rate.clamp(0.0, 1.0);
        if rate <= 0.0 {
            return None;
        }
        let burst = u64::from(self.server_error_burst.max(1));
        let first = sequence.saturating_sub(burst - 1);
        let trigger =
            (first..=sequence).find(|&start| unit(self.seed, start, Stream::ServerError) < rate)?;
        let statuses = &self.server_error_statuses;
        if statuses.is_empty() {
            return Some(StatusCode::SERVICE_UNAVAILABLE);
        }
        let pick = mix(self.seed, trigger, Stream::Status) % statuses.len() as u64;
        Some(statuses[pick as usize])
    }
}

#[derive(Debug)]
struct LayerState {
    config: FaultConfig,
    sequence: AtomicU64,
}

async fn inject(State(state): State<Arc<LayerState>>, request: Request, next: Next) -> Response {
    if request.uri().path().contains(SIM_CONTROL_SEGMENT) {
        return next.run(request).await;
    }
    let sequence = state.sequence.fetch_add(1, Ordering::Relaxed);
    let delay = state.config.delay(sequence);
    if !delay.is_zero() {
        tokio::time::sleep(delay).await;
    }
    match state.config.decide(sequence) {
        FaultDecision::Pass => next.run(request).await,
        FaultDecision::ServerError(status) => injected_error(status),
        FaultDecision::DropAfterProcessing => {
            let mut response = next.run(request).await;
            response.extensions_mut().insert(DropConnection);
            response
        }
    }
}

/// A plain-text 5xx, as a proxy or load balancer in front of the vendor would
/// send it: deliberately not the vendor's JSON error shape.
fn injected_error(status: StatusCode) -> Response {
    let mut response = Response::new(Body::from(format!(
        "{status}: injected by the sandbox fault layer"
    )));
    *response.status_mut() = status;
    response.headers_mut().insert(
        axum::http::header::CONTENT_TYPE,
        axum::http::HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    response
}

/// Independent decision streams, so that e.g. the drop rate does not change
/// which requests get a 5xx.
#[derive(Clone, Copy)]
enum Stream {
    ServerError = 1,
    Status = 2,
    Drop = 3,
    Latency = 4,
}

/// SplitMix64 finaliser over (seed, stream, sequence): a stable, well-mixed
/// hash that will not change with a dependency upgrade.
fn mix(seed: u64, sequence: u64, stream: Stream) -> u64 {
    let mut z = seed
        ^ (stream as u64).wrapping_mul(0xD1B5_4A32_D192_ED03)
        ^ sequence.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// A uniform number in `[0, 1)` from [`mix`].
fn unit(seed: u64, sequence: u64, stream: Stream) -> f64 {
    (mix(seed, sequence, stream) >> 11) as f64 / (1u64 << 53) as f64
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decisions(config: &FaultConfig, n: u64) -> Vec<FaultDecision> {
        (0..n).map(|i| config.decide(i)).collect()
    }

    #[test]
    fn default_config_is_inert_and_passes_everything() {
        let config = FaultConfig::default();
        assert!(config.is_inert());
        assert!(
            decisions(&config, 1000)
                .iter()
                .all(|d| *d == FaultDecision::Pass)
        );
        assert_eq!(config.delay(7), Duration::ZERO);
    }

    #[test]
    fn same_seed_same_decisions_other_seed_other_decisions() {
        let a = FaultConfig::seeded(42)
            .with_server_errors(0.2)
            .with_drops(0.1);
        let b = a.clone();
        let c = FaultConfig {
            seed: 43,
            ..a.clone()
        };
        assert_eq!(decisions(&a, 500), decisions(&b, 500));
        assert_ne!(decisions(&a, 500), decisions(&c, 500));
    }

    #[test]
    fn rates_are_roughly_honoured() {
        let config = FaultConfig::seeded(7)
            .with_server_errors(0.1)
            .with_drops(0.2);
        let all = decisions(&config, 20_000);
        let errors = all
            .iter()
            .filter(|d| matches!(d, FaultDecision::ServerError(_)))
            .count();
        let drops = all
            .iter()
            .filter(|d| **d == FaultDecision::DropAfterProcessing)
            .count();
        assert!((1_700..2_300).contains(&errors), "errors: {errors}");
        // Drops are decided among the requests that got no 5xx (90 %).
        assert!((3_200..4_000).contains(&drops), "drops: {drops}");
    }

    #[test]
    fn rate_one_fails_everything_and_statuses_are_5xx() {
        let config = FaultConfig::seeded(1).with_server_errors(1.0);
        for decision in decisions(&config, 100) {
            let FaultDecision::ServerError(status) = decision else {
                panic!("expected a 5xx, got {decision:?}");
            };
            assert!(status.is_server_error());
        }
    }

    #[test]
    fn bursts_extend_each_trigger() {
        let single = FaultConfig::seeded(3).with_server_errors(0.05);
        let burst = single.clone().with_server_error_burst(4);
        let is_error = |c: &FaultConfig, i| matches!(c.decide(i), FaultDecision::ServerError(_));
        let triggers: Vec<u64> = (0..2_000).filter(|&i| is_error(&single, i)).collect();
        assert!(!triggers.is_empty());
        for start in triggers {
            for i in start..start + 4 {
                assert!(
                    is_error(&burst, i),
                    "request {i} is inside the burst of {start}"
                );
            }
        }
    }

    #[test]
    fn latency_stays_within_bounds_and_is_deterministic() {
        let config = FaultConfig::seeded(9)
            .with_latency(Duration::from_millis(100), Duration::from_millis(50));
        assert!(!config.is_inert());
        for i in 0..1_000 {
            let delay = config.delay(i);
            assert!(delay >= Duration::from_millis(100) && delay <= Duration::from_millis(150));
            assert_eq!(delay, config.delay(i));
        }
    }

    #[test]
    fn out_of_range_rates_are_clamped() {
        let config = FaultConfig::seeded(5).with_drops(7.0);
        assert!(
            decisions(&config, 50)
                .iter()
                .all(|d| *d == FaultDecision::DropAfterProcessing)
        );
        let config = FaultConfig::seeded(5).with_server_errors(-1.0);
        assert!(
            decisions(&config, 50)
                .iter()
                .all(|d| *d == FaultDecision::Pass)
        );
    }

    /// A router whose only endpoint counts the requests it processed.
    fn counting_router() -> (axum::Router, Arc<AtomicU64>) {
        let processed = Arc::new(AtomicU64::new(0));
        let counter = Arc::clone(&processed);
        let router = axum::Router::new()
            .route(
                "/count",
                axum::routing::post(move || {
                    let counter = Arc::clone(&counter);
                    async move { counter.fetch_add(1, Ordering::SeqCst).to_string() }
                }),
            )
            .route("/v1/_sim/poke", axum::routing::post(|| async { "ok" }));
        (router, processed)
    }

    async fn post(base: &str, path: &str) -> reqwest::Result<reqwest::Response> {
        reqwest::Client::new()
            .post(format!("{base}{path}"))
            .send()
            .await
    }

    #[tokio::test]
    async fn layer_drops_the_connection_after_the_handler_ran() {
        let (router, processed) = counting_router();
        let served = crate::serve_router(FaultConfig::seeded(1).with_drops(1.0).layer(router))
            .await
            .unwrap();
        let error = post(&served.base_url(), "/count").await.unwrap_err();
        assert!(error.status().is_none(), "{error}");
        assert_eq!(processed.load(Ordering::SeqCst), 1);
        served.shutdown().await.unwrap();
    }

    #[tokio::test]
    async fn layer_answers_5xx_without_calling_the_handler() {
        let (router, processed) = counting_router();
        let served =
            crate::serve_router(FaultConfig::seeded(1).with_server_errors(1.0).layer(router))
                .await
                .unwrap();
        let response = post(&served.base_url(), "/count").await.unwrap();
        assert!(response.status().is_server_error());
        assert!(response.text().await.unwrap().contains("injected"));
        assert_eq!(processed.load(Ordering::SeqCst), 0);
        // Simulator-control endpoints are never faulted.
        let control = post(&served.base_url(), "/v1/_sim/poke").await.unwrap();
        assert_eq!(control.status(), StatusCode::OK);
        served.shutdown().await.unwrap();
    }

    #[tokio::test(start_paused = true)]
    async fn layer_adds_latency() {
        let (router, processed) = counting_router();
        let config = FaultConfig::seeded(1).with_latency(Duration::from_secs(2), Duration::ZERO);
        let served = crate::serve_router(config.layer(router)).await.unwrap();
        let started = tokio::time::Instant::now();
        let response = post(&served.base_url(), "/count").await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
        assert!(started.elapsed() >= Duration::from_secs(2));
        assert_eq!(processed.load(Ordering::SeqCst), 1);
        served.shutdown().await.unwrap();
    }
}

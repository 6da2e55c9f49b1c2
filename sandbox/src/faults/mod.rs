//! Fault injection around a simulator's router, deterministic by seed.
//!
//! [`FaultConfig::layer`] wraps any router with a middleware that, per
//! request, may add latency and then inject one fault ([`FaultKind`]):
//!
//! * **before the simulator sees the request** (nothing changes): a 5xx with
//!   a plain-text body (in bursts), a 5xx with an HTML page, a 429 with
//!   `Retry-After`, a 429 without it;
//! * **after the simulator processed it** (its state changed, the client
//!   sees a failure — the cases duplicate protection must survive): the
//!   connection dropped without an answer, the answer held back for
//!   [`slow_delay`](FaultConfig::slow_delay) so that a client timeout fires
//!   first, or a 2xx body cut short at a seeded offset (with a matching
//!   `Content-Length`, so the client reads a complete but undecodable body).
//!
//! Decisions are a pure function of the seed and the request's sequence
//! number (counted per wrapped router), so a client that sends its requests
//! one after another sees the same faults on every run. Requests sent
//! concurrently get the same *set* of decisions, but which request gets which
//! one depends on arrival order. [`FaultConfig::layer_counted`] also counts
//! what was injected, by kind ([`FaultCounts`]).
//!
//! Rate limits are vendor-specific and live in each simulator's config; the
//! sandbox applies [`FaultConfig::rate_limit`] there (see
//! [`SandboxConfig`](crate::SandboxConfig)).

mod counts;
mod responses;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;

pub use counts::{FaultCounter, FaultCounts, FaultKind};

use crate::server::DropConnection;

/// Path segment that marks simulator-control endpoints (CloudX `/v1/_sim/...`
/// and the like); they are never faulted so a test can always drive the
/// warehouse.
const SIM_CONTROL_SEGMENT: &str = "/_sim/";

/// Which faults to inject into one simulator. The default injects nothing.
///
/// Rates are probabilities in `0.0..=1.0` per request; values outside that
/// range are clamped. The 5xx bursts are decided first; the other kinds share
/// one draw per request, so their rates add up (a sum above 1 leaves the
/// kinds listed last — truncation first — with less than asked).
#[derive(Clone, Debug, PartialEq)]
pub struct FaultConfig {
    /// Seed of the fault sequence: the same seed gives the same decisions
    /// for the same request sequence.
    pub seed: u64,
    /// Probability that a request starts a run of injected plain-text 5xx
    /// answers. The simulator does not see the request (nothing changes).
    pub server_error_rate: f64,
    /// Length of each run of 5xx answers once one is triggered (a "burst"),
    /// at least 1.
    pub server_error_burst: u32,
    /// Statuses an injected error (plain or HTML) picks from
    /// (deterministically); each must be a 5xx. Empty means `503`.
    pub server_error_statuses: Vec<StatusCode>,
    /// Probability of a single 5xx whose body is an HTML page
    /// (`text/html`), as a CDN or gateway sends it. The simulator does not
    /// see the request.
    pub html_error_rate: f64,
    /// Probability of a 429 carrying `Retry-After:`
    /// [`retry_after`](Self::retry_after). The simulator does not see the
    /// request.
    pub throttle_with_retry_after_rate: f64,
    /// The wait a 429 asks for, sent in whole seconds (rounded up, at least
    /// 1). Default 1 s.
    pub retry_after: Duration,
    /// Probability of a 429 without `Retry-After`. The simulator does not
    /// see the request.
    pub throttle_rate: f64,
    /// Probability that the simulator processes the request and the answer
    /// is then held back for [`slow_delay`](Self::slow_delay).
    pub slow_rate: f64,
    /// How long a slow answer is held back after the simulator processed
    /// the request. Give the client a total timeout below it so that the
    /// timeout fires; default 2 s.
    pub slow_delay: Duration,
    /// Latency added before every request is handled.
    pub latency: Duration,
    /// Extra latency, uniformly between zero and this, added on top of
    /// [`latency`](Self::latency).
    pub latency_jitter: Duration,
    /// Probability that the simulator processes the request and the
    /// connection is then closed without a response.
    pub drop_rate: f64,
    /// Probability that the simulator processes the request and a 2xx
    /// answer's body is cut short at a seeded offset, `Content-Length`
    /// matching the bytes sent. Answers that are not 2xx, or have an empty
    /// body, pass unchanged (and are not counted).
    pub truncate_rate: f64,
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
            html_error_rate: 0.0,
            throttle_with_retry_after_rate: 0.0,
            retry_after: Duration::from_secs(1),
            throttle_rate: 0.0,
            slow_rate: 0.0,
            slow_delay: Duration::from_secs(2),
            latency: Duration::ZERO,
            latency_jitter: Duration::ZERO,
            drop_rate: 0.0,
            truncate_rate: 0.0,
            rate_limit: None,
        }
    }
}

/// What the fault layer does with one request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum FaultDecision {
    /// Pass the request to the simulator and return its answer.
    Pass,
    /// Answer with this 5xx status and a plain-text body without calling
    /// the simulator.
    ServerError(StatusCode),
    /// Answer with this 5xx status and an HTML page without calling the
    /// simulator.
    HtmlServerError(StatusCode),
    /// Answer 429 without calling the simulator, with `Retry-After` when
    /// this holds a wait.
    Throttle(Option<Duration>),
    /// Call the simulator, then hold its answer back this long.
    SlowAfterProcessing(Duration),
    /// Call the simulator, then close the connection without answering.
    /// Servers started by [`serve_router`](crate::serve_router) (and so the
    /// [`Sandbox`](crate::Sandbox)) honour it; a router served some other way
    /// sends the simulator's answer.
    DropAfterProcessing,
    /// Call the simulator, then cut a 2xx body at
    /// [`FaultConfig::cut_fraction`] of its length.
    TruncateAfterProcessing,
}

impl FaultDecision {
    /// The kind of fault this is; `None` for [`FaultDecision::Pass`].
    pub fn kind(self) -> Option<FaultKind> {
        Some(match self {
            Self::Pass => return None,
            Self::ServerError(_) => FaultKind::ServerError,
            Self::HtmlServerError(_) => FaultKind::HtmlServerError,
            Self::Throttle(Some(_)) => FaultKind::ThrottledWithRetryAfter,
            Self::Throttle(None) => FaultKind::ThrottledWithoutRetryAfter,
            Self::SlowAfterProcessing(_) => FaultKind::SlowAfterProcessing,
            Self::DropAfterProcessing => FaultKind::DroppedAfterProcessing,
            Self::TruncateAfterProcessing => FaultKind::TruncatedAfterProcessing,
        })
    }
}

impl FaultConfig {
    /// A config with this seed and no faults; chain the `with_*` methods.
    pub fn seeded(seed: u64) -> Self {
        Self {
            seed,
            ..Self::default()
        }
    }

    /// The mix of the reliability soak: `total_rate` of the requests
    /// faulted, split evenly among six kinds — HTML 5xx, 429 with
    /// `Retry-After` (1 s), 429 without, slow answers after the write was
    /// stored (2 s; see [`with_slow_answers`](Self::with_slow_answers)),
    /// connections dropped after the write was stored, and truncated 2xx
    /// bodies.
    pub fn mixed(seed: u64, total_rate: f64) -> Self {
        let each = total_rate.clamp(0.0, 1.0) / 6.0;
        Self {
            seed,
            html_error_rate: each,
            throttle_with_retry_after_rate: each,
            throttle_rate: each,
            slow_rate: each,
            drop_rate: each,
            truncate_rate: each,
            ..Self::default()
        }
    }

    /// Sets the plain-text 5xx rate (and keeps the burst length).
    pub fn with_server_errors(mut self, rate: f64) -> Self {
        self.server_error_rate = rate;
        self
    }

    /// Sets the length of each 5xx burst.
    pub fn with_server_error_burst(mut self, burst: u32) -> Self {
        self.server_error_burst = burst;
        self
    }

    /// Sets the rate of 5xx answers with an HTML page.
    pub fn with_html_errors(mut self, rate: f64) -> Self {
        self.html_error_rate = rate;
        self
    }

    /// Sets the rate of 429s with `Retry-After: retry_after` and of 429s
    /// without it.
    pub fn with_throttles(
        mut self,
        with_retry_after: f64,
        retry_after: Duration,
        without_retry_after: f64,
    ) -> Self {
        self.throttle_with_retry_after_rate = with_retry_after;
        self.retry_after = retry_after;
        self.throttle_rate = without_retry_after;
        self
    }

    /// Sets the rate of answers held back for `delay` after the simulator
    /// processed the request.
    pub fn with_slow_answers(mut self, rate: f64, delay: Duration) -> Self {
        self.slow_rate = rate;
        self.slow_delay = delay;
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

    /// Sets the rate of 2xx bodies cut short after processing.
    pub fn with_truncations(mut self, rate: f64) -> Self {
        self.truncate_rate = rate;
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
            && self.kind_rates().iter().all(|(rate, _)| *rate <= 0.0)
            && self.latency.is_zero()
            && self.latency_jitter.is_zero()
    }

    /// The decision for the request with this sequence number (0-based).
    /// A pure function: the layer calls it with a per-router counter.
    pub fn decide(&self, sequence: u64) -> FaultDecision {
        if let Some(status) = self.server_error_at(sequence) {
            return FaultDecision::ServerError(status);
        }
        // One draw shared by the other kinds, each owning a slice of [0, 1)
        // in turn. Drops come first, so a config with drops only decides as
        // it always has.
        let draw = unit(self.seed, sequence, Stream::Kind);
        let mut upper = 0.0;
        for (rate, decision) in self.kind_rates() {
            upper += rate.clamp(0.0, 1.0);
            if draw < upper {
                return decision(self, sequence);
            }
        }
        FaultDecision::Pass
    }

    /// Where a truncated body is cut, as a share of its length in `[0, 1)`.
    pub fn cut_fraction(&self, sequence: u64) -> f64 {
        unit(self.seed, sequence, Stream::Cut)
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
        self.layer_counted(router, &FaultCounter::new())
    }

    /// Like [`layer`](Self::layer), counting every fault injected in
    /// `counter`.
    pub fn layer_counted(&self, router: axum::Router, counter: &FaultCounter) -> axum::Router {
        if self.is_inert() {
            return router;
        }
        let state = Arc::new(LayerState {
            config: self.clone(),
            sequence: AtomicU64::new(0),
            counter: counter.clone(),
        });
        router.layer(middleware::from_fn_with_state(state, inject))
    }

    /// The kinds that share one draw, in order, with their rates.
    #[allow(clippy::type_complexity)]
    fn kind_rates(&self) -> [(f64, fn(&FaultConfig, u64) -> FaultDecision); 6] {
        [
            (self.drop_rate, |_, _| FaultDecision::DropAfterProcessing),
            (self.html_error_rate, |c, s| {
                FaultDecision::HtmlServerError(c.status_at(s))
            }),
            (self.throttle_with_retry_after_rate, |c, _| {
                FaultDecision::Throttle(Some(c.retry_after))
            }),
            (self.throttle_rate, |_, _| FaultDecision::Throttle(None)),
            (self.slow_rate, |c, _| {
                FaultDecision::SlowAfterProcessing(c.slow_delay)
            }),
            (self.truncate_rate, |_, _| {
                FaultDecision::TruncateAfterProcessing
            }),
        ]
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
        Some(self.status_at(trigger))
    }

    /// The 5xx status of an error triggered at `sequence`.
    fn status_at(&self, sequence: u64) -> StatusCode {
        let statuses = &self.server_error_statuses;
        if statuses.is_empty() {
            return StatusCode::SERVICE_UNAVAILABLE;
        }
        let pick = mix(self.seed, sequence, Stream::Status) % statuses.len() as u64;
        statuses[pick as usize]
    }
}

#[derive(Debug)]
struct LayerState {
    config: FaultConfig,
    sequence: AtomicU64,
    counter: FaultCounter,
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
    let decision = state.config.decide(sequence);
    let record = || {
        if let Some(kind) = decision.kind() {
            state.counter.record(kind);
        }
    };
    match decision {
        FaultDecision::Pass => next.run(request).await,
        FaultDecision::ServerError(status) => {
            record();
            responses::plain_server_error(status)
        }
        FaultDecision::HtmlServerError(status) => {
            record();
            responses::html_server_error(status)
        }
        FaultDecision::Throttle(retry_after) => {
            record();
            responses::throttled(retry_after)
        }
        FaultDecision::SlowAfterProcessing(delay) => {
            let response = next.run(request).await;
            // Counted before the wait: the client may hang up meanwhile,
            // and this future is then dropped.
            record();
            tokio::time::sleep(delay).await;
            response
        }
        FaultDecision::DropAfterProcessing => {
            let mut response = next.run(request).await;
            record();
            response.extensions_mut().insert(DropConnection);
            response
        }
        FaultDecision::TruncateAfterProcessing => {
            let response = next.run(request).await;
            match responses::truncated(response, state.config.cut_fraction(sequence)).await {
                Ok(cut) => {
                    record();
                    cut
                }
                // Nothing to cut: the answer goes as it was, uncounted.
                Err(unchanged) => unchanged,
            }
        }
    }
}

/// Independent decision streams, so that e.g. the drop rate does not change
/// which requests get a 5xx.
#[derive(Clone, Copy)]
enum Stream {
    ServerError = 1,
    Status = 2,
    /// The draw shared by drops and the other single-request kinds (it was
    /// the drop stream before they existed, and keeps its number).
    Kind = 3,
    Latency = 4,
    Cut = 5,
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
    fn the_mix_splits_its_rate_evenly_among_six_kinds() {
        let config = FaultConfig::mixed(11, 0.3);
        let mut seen = std::collections::HashMap::new();
        for decision in decisions(&config, 60_000) {
            *seen.entry(decision.kind()).or_insert(0u32) += 1;
        }
        assert!(!seen.contains_key(&Some(FaultKind::ServerError)));
        for kind in FaultKind::ALL
            .into_iter()
            .filter(|k| *k != FaultKind::ServerError)
        {
            let n = seen.get(&Some(kind)).copied().unwrap_or(0);
            // 5 % of 60,000 each.
            assert!((2_600..3_400).contains(&n), "{kind}: {n}");
        }
        assert_eq!(
            config.decide(0).kind().is_some(),
            config.clone().decide(0).kind().is_some()
        );
    }

    #[test]
    fn drops_alone_decide_as_before_the_other_kinds_existed() {
        // The drop stream keeps its number: drop-only configs are unchanged.
        let config = FaultConfig::seeded(5).with_drops(0.3);
        let expected: Vec<bool> = (0..200).map(|i| unit(5, i, Stream::Kind) < 0.3).collect();
        let got: Vec<bool> = (0..200)
            .map(|i| config.decide(i) == FaultDecision::DropAfterProcessing)
            .collect();
        assert_eq!(got, expected);
        let cut = config.cut_fraction(3);
        assert!((0.0..1.0).contains(&cut));
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

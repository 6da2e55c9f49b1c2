//! Measure 2: each typed client against the fairest hand-written call of the
//! same endpoint on the same sandbox, with the sandbox's rate limits off.
//!
//! **Typed side**: each client as a user gets it from `builder(..)`, a base
//! URL and credentials, with one change: its client-side rate limiter is off
//! (`RateLimit::Unlimited`), since a limiter paces calls by design and the
//! raw side has none. Every other default stays: its own connection pool,
//! the 10 s connect and 30 s per-attempt timeouts, the retry policy, the
//! response size limit, the vendor classifier and the tracing span of every
//! call.
//!
//! **Raw side**: `reqwest` with a pool configured like the clients' (10 s
//! connect timeout, 30 s per request), one per vendor as each client has
//! its own, decoding with `serde_json::from_slice` into the **same model
//! types** the typed client returns, through the vendor's envelope with the
//! small serde structs a careful user writes (see
//! [`decode_cost`]), and checking the status (and
//! CartRover's `success_code`) as such a user would.
//!
//! Sequential calls alternate call by call (typed, raw, raw, typed, …) and
//! compare the median latency per call; concurrent calls ([`CONCURRENCY`]
//! in flight) alternate batch by batch and compare the median wall time of a
//! batch per call. Information rows compare the transport alone against raw
//! bytes, and the typed client against a raw call decoding into
//! `serde_json::Value` (the old baseline).

use std::hint::black_box;
use std::time::{Duration, Instant};

use cartrover_client::{CartClient, CustRef, OrderApi, OrderStatusInfo};
use cloudx_client::{CloudxApi, CloudxClient, NewReceivingTicket, ReceivingTicket, TicketId};
use futures::{StreamExt, TryStreamExt, stream};
use loop_client::{ListReturnsQuery, LoopClient, RateLimit, ReturnId, ReturnLookup};
use returns_core::plan_asns;
use sandbox::scenario::ScenarioConfig;
use sandbox::{Sandbox, SandboxConfig};
use serde::de::DeserializeOwned;
use serde_json::Value;
use time::OffsetDateTime;

use super::decode_cost::{self, Bodies, CartroverEnvelope, LoopPage};
use super::error::BenchError;
use super::fixture::{NOW, SEED, WAREHOUSE};
use super::report::Row;
use super::stats::{human, median_nanos, ratio};

/// The bar of the issue: typed / raw at the median.
pub const BAR: f64 = 1.05;

/// Calls kept in flight in the concurrent runs.
pub const CONCURRENCY: usize = 64;

/// Returns on one list page (Loop's default page size).
const PAGE_SIZE: u32 = 100;

/// The clients' default timeouts, which the raw side copies.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

/// How much to measure.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    /// Rounds of sequential pairs.
    pub rounds: usize,
    /// Pairs of sequential calls (one per side) per round.
    pub sequential_calls: usize,
    /// Calls per batch in the concurrent mode.
    pub concurrent_calls: usize,
    /// Time each side spends in the concurrent mode: the number of batches
    /// follows from the time of the first one, within
    /// [`MIN_BATCHES`]`..=`[`MAX_BATCHES`], so that slow endpoints (a page of
    /// 100 returns) do not take minutes and fast ones get many samples.
    pub concurrent_budget: Duration,
}

/// Fewest batches per side in the concurrent mode.
pub const MIN_BATCHES: usize = 10;

/// Most batches per side in the concurrent mode.
pub const MAX_BATCHES: usize = 200;

impl Effort {
    /// The effort of the full run.
    pub const FULL: Effort = Effort {
        rounds: 20,
        sequential_calls: 25,
        concurrent_calls: 2 * CONCURRENCY,
        concurrent_budget: Duration::from_millis(2_500),
    };

    /// A quick run for trying the harness out.
    pub const QUICK: Effort = Effort {
        rounds: 4,
        sequential_calls: 10,
        concurrent_calls: CONCURRENCY,
        concurrent_budget: Duration::from_millis(200),
    };

    /// Batches per side for an endpoint whose batch took `batch`.
    fn batches(&self, batch: Duration) -> usize {
        let fits = self.concurrent_budget.as_secs_f64() / batch.as_secs_f64().max(1e-6);
        (fits as usize).clamp(MIN_BATCHES, MAX_BATCHES)
    }
}

/// The endpoints compared.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Endpoint {
    LoopDetails,
    LoopListPage,
    CloudxTicket,
    CartroverStatus,
}

impl Endpoint {
    fn label(self) -> &'static str {
        match self {
            Endpoint::LoopDetails => "loop return details",
            Endpoint::LoopListPage => "loop list page (100 returns)",
            Endpoint::CloudxTicket => "cloudx get ticket",
            Endpoint::CartroverStatus => "cartrover order status",
        }
    }
}

/// What the raw side makes of the body (and so what the typed side is held
/// against).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Read {
    /// Into the client's own model types: the bar.
    Model,
    /// Into `serde_json::Value` (information).
    Value,
    /// Not decoded; the typed side is the transport alone (information).
    Bytes,
}

/// One comparison of the table.
#[derive(Debug, Clone, Copy)]
struct Comparison {
    endpoint: Endpoint,
    read: Read,
}

impl Comparison {
    const ALL: [Comparison; 6] = [
        Comparison::new(Endpoint::LoopDetails, Read::Model),
        Comparison::new(Endpoint::LoopListPage, Read::Model),
        Comparison::new(Endpoint::CloudxTicket, Read::Model),
        Comparison::new(Endpoint::CartroverStatus, Read::Model),
        Comparison::new(Endpoint::LoopDetails, Read::Bytes),
        Comparison::new(Endpoint::LoopListPage, Read::Value),
    ];

    const fn new(endpoint: Endpoint, read: Read) -> Self {
        Self { endpoint, read }
    }

    fn label(self, mode: &str) -> String {
        let endpoint = self.endpoint.label();
        match self.read {
            Read::Model => {
                format!(
                    "2. typed (defaults, limiter off) / raw into the same types, {endpoint}, {mode}"
                )
            }
            Read::Value => {
                format!("   typed / raw into serde_json::Value (old baseline), {endpoint}, {mode}")
            }
            Read::Bytes => format!("   transport / raw, bytes only, {endpoint}, {mode}"),
        }
    }
}

/// Which implementation makes the call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Side {
    Typed,
    Raw,
}

/// Clients, ids and credentials for both sides.
#[derive(Debug)]
struct Targets {
    loop_client: LoopClient,
    cloudx: CloudxClient,
    cartrover: CartClient,
    /// One raw pool per vendor, as each typed client has its own.
    loop_http: reqwest::Client,
    cloudx_http: reqwest::Client,
    cartrover_http: reqwest::Client,
    loop_base: String,
    loop_key: String,
    cloudx_base: String,
    cloudx_secret: String,
    cartrover_base: String,
    cartrover_user: String,
    cartrover_key: String,
    return_id: String,
    ticket_id: String,
    cust_ref: String,
    window: (OffsetDateTime, OffsetDateTime),
}

/// Creates the receiving ticket the CloudX calls read back: the first ASN of
/// the return `return_id`, fetched from Loop and planned by the core.
async fn first_ticket(
    loop_client: &LoopClient,
    cloudx: &CloudxClient,
    return_id: &str,
) -> Result<String, BenchError> {
    let core_error = |message: String| BenchError::Core {
        return_id: return_id.to_owned(),
        message,
    };
    let lookup = ReturnLookup::ReturnId(ReturnId::from(return_id));
    let loop_return = loop_client.get_return(&lookup, None).await?;
    let core_return = loop_client::conversion::to_core_return(&loop_return)
        .map_err(|e| core_error(e.to_string()))?;
    let settings = returns_core::IntegrationSettings::new(WAREHOUSE);
    let asns = plan_asns(&core_return, &settings).map_err(|e| core_error(e.to_string()))?;
    let draft = asns
        .drafts()
        .first()
        .ok_or_else(|| core_error("no ASN planned".to_owned()))?;
    let outcome = cloudx
        .create_ticket(&NewReceivingTicket::from(draft))
        .await?;
    Ok(outcome.ticket().id.to_string())
}

/// A raw pool configured like the clients' default one.
fn raw_pool() -> Result<reqwest::Client, BenchError> {
    reqwest::Client::builder()
        .connect_timeout(CONNECT_TIMEOUT)
        .build()
        .map_err(|e| BenchError::Setup {
            what: "the reqwest client",
            message: e.to_string(),
        })
}

impl Targets {
    async fn new(sandbox: &Sandbox) -> Result<Self, BenchError> {
        let credentials = sandbox.credentials();
        let loop_client = LoopClient::builder(credentials.loop_api_key.clone())
            .base_url(sandbox.loop_base_url())
            .rate_limit(RateLimit::Unlimited)
            .build()?;
        let cloudx = CloudxClient::builder(credentials.cloudx_client_secret.clone())
            .base_url(sandbox.cloudx_base_url())
            .rate_limit(RateLimit::Unlimited)
            .build()?;
        let cartrover = CartClient::builder(
            credentials.cartrover_cart_api_user.clone(),
            credentials.cartrover_cart_api_key.clone(),
        )
        .base_url(sandbox.cartrover_base_url())
        .rate_limit(RateLimit::Unlimited)
        .build()?;

        let scenario = sandbox.scenario().ok_or_else(|| BenchError::Setup {
            what: "the overhead sandbox",
            message: "it was started without a scenario".to_owned(),
        })?;
        let plan = scenario.plans().first().ok_or_else(|| BenchError::Setup {
            what: "the overhead sandbox",
            message: "the scenario has no returns".to_owned(),
        })?;
        let return_id = plan.return_id.clone();
        let cust_ref = scenario
            .orders()
            .first()
            .and_then(|order| order["cust_ref"].as_str())
            .ok_or_else(|| BenchError::Setup {
                what: "the overhead sandbox",
                message: "the scenario has no CartRover order".to_owned(),
            })?
            .to_owned();

        let ticket_id = first_ticket(&loop_client, &cloudx, &return_id).await?;

        Ok(Self {
            loop_client,
            cloudx,
            cartrover,
            loop_http: raw_pool()?,
            cloudx_http: raw_pool()?,
            cartrover_http: raw_pool()?,
            loop_base: sandbox.loop_base_url(),
            loop_key: credentials.loop_api_key,
            cloudx_base: sandbox.cloudx_base_url(),
            cloudx_secret: credentials.cloudx_client_secret,
            cartrover_base: sandbox.cartrover_base_url(),
            cartrover_user: credentials.cartrover_cart_api_user,
            cartrover_key: credentials.cartrover_cart_api_key,
            return_id,
            ticket_id,
            cust_ref,
            window: (NOW - time::Duration::days(30), NOW),
        })
    }

    async fn call(&self, comparison: Comparison, side: Side) -> Result<(), BenchError> {
        match (side, comparison.read) {
            (Side::Typed, Read::Bytes) => self.transport_only(comparison.endpoint).await,
            (Side::Typed, _) => self.typed(comparison.endpoint).await,
            (Side::Raw, read) => self.raw(comparison.endpoint, read).await,
        }
    }

    async fn typed(&self, endpoint: Endpoint) -> Result<(), BenchError> {
        match endpoint {
            Endpoint::LoopDetails => {
                let lookup = ReturnLookup::ReturnId(ReturnId::from(self.return_id.as_str()));
                black_box(self.loop_client.get_return(&lookup, None).await?);
            }
            Endpoint::LoopListPage => {
                let query = ListReturnsQuery::new()
                    .from(self.window.0)
                    .to(self.window.1)
                    .page_size(PAGE_SIZE);
                black_box(self.loop_client.list_returns_page(&query).await?);
            }
            Endpoint::CloudxTicket => {
                let id = TicketId::new(self.ticket_id.as_str());
                black_box(self.cloudx.get_ticket(&id).await?);
            }
            Endpoint::CartroverStatus => {
                let cust_ref = CustRef::from(self.cust_ref.as_str());
                black_box(self.cartrover.order_status(&cust_ref).await?);
            }
        }
        Ok(())
    }

    /// The Loop client's transport alone: the request as the client makes
    /// it, the body left as bytes.
    async fn transport_only(&self, endpoint: Endpoint) -> Result<(), BenchError> {
        let request = match endpoint {
            Endpoint::LoopDetails => http_transport::Request::get("/warehouse/return/details")
                .operation("get_return")
                .query("return_id", &self.return_id),
            other => {
                return Err(BenchError::Setup {
                    what: "a transport-only call",
                    message: format!("not set up for {}", other.label()),
                });
            }
        };
        let response = self
            .loop_client
            .transport()
            .execute_bytes(request)
            .await
            .map_err(loop_client::Error::from)?;
        black_box(response);
        Ok(())
    }

    /// The raw call's body, not decoded; a status that is not a success is
    /// an error.
    async fn raw_bytes(&self, endpoint: Endpoint) -> Result<http_transport::Bytes, BenchError> {
        let name = endpoint.label();
        let request = match endpoint {
            Endpoint::LoopDetails => self
                .loop_http
                .get(format!("{}/warehouse/return/details", self.loop_base))
                .query(&[("return_id", self.return_id.as_str())])
                .header("X-Authorization", &self.loop_key),
            Endpoint::LoopListPage => self
                .loop_http
                .get(format!("{}/warehouse/return/list", self.loop_base))
                .query(&[
                    (
                        "from",
                        loop_client::timestamp::format_query_time(self.window.0),
                    ),
                    (
                        "to",
                        loop_client::timestamp::format_query_time(self.window.1),
                    ),
                    ("paginate", "true".to_owned()),
                    ("pageSize", PAGE_SIZE.to_string()),
                ])
                .header("X-Authorization", &self.loop_key),
            Endpoint::CloudxTicket => self
                .cloudx_http
                .get(format!(
                    "{}/receiving-tickets/{}",
                    self.cloudx_base, self.ticket_id
                ))
                .bearer_auth(&self.cloudx_secret),
            Endpoint::CartroverStatus => self
                .cartrover_http
                .get(format!(
                    "{}/v1/cart/orders/status/{}",
                    self.cartrover_base, self.cust_ref
                ))
                .basic_auth(&self.cartrover_user, Some(&self.cartrover_key)),
        };
        let raw_error = |source| BenchError::Raw {
            endpoint: name,
            source,
        };
        request
            .header("Accept", "application/json")
            .timeout(REQUEST_TIMEOUT)
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(raw_error)?
            .bytes()
            .await
            .map_err(raw_error)
    }

    async fn raw(&self, endpoint: Endpoint, read: Read) -> Result<(), BenchError> {
        let body = self.raw_bytes(endpoint).await?;
        match (read, endpoint) {
            (Read::Bytes, _) => {
                black_box(body);
            }
            (Read::Value, _) => black_box_decoded::<Value>(endpoint, &body)?,
            (Read::Model, Endpoint::LoopDetails) => {
                black_box_decoded::<loop_client::Return>(endpoint, &body)?;
            }
            (Read::Model, Endpoint::LoopListPage) => {
                let page: LoopPage = decoded(endpoint, &body)?;
                black_box((page.returns, page.next_page_url));
            }
            (Read::Model, Endpoint::CloudxTicket) => {
                black_box_decoded::<ReceivingTicket>(endpoint, &body)?;
            }
            (Read::Model, Endpoint::CartroverStatus) => {
                // CartRover answers errors with HTTP 200: a careful user
                // checks `success_code`.
                let envelope: CartroverEnvelope<OrderStatusInfo> = decoded(endpoint, &body)?;
                let status = envelope
                    .into_response()
                    .map_err(|message| BenchError::Setup {
                        what: "a raw CartRover call",
                        message,
                    })?;
                black_box(status);
            }
        }
        Ok(())
    }

    /// Answer bodies for the decode diagnostics.
    async fn bodies(&self) -> Result<Bodies, BenchError> {
        Ok(Bodies {
            loop_details: self.raw_bytes(Endpoint::LoopDetails).await?.to_vec(),
            loop_page: self.raw_bytes(Endpoint::LoopListPage).await?.to_vec(),
            cartrover_status: self.raw_bytes(Endpoint::CartroverStatus).await?.to_vec(),
        })
    }

    /// Latencies of `pairs` pairs of sequential calls, one call per side in
    /// each pair (which side goes first alternates), so that both sides meet
    /// the same moment of machine noise.
    async fn sequential_pairs(
        &self,
        comparison: Comparison,
        pairs: usize,
        typed: &mut Vec<Duration>,
        raw: &mut Vec<Duration>,
    ) -> Result<(), BenchError> {
        for pair in 0..pairs {
            for side in sides(pair) {
                let started = Instant::now();
                self.call(comparison, side).await?;
                let into = match side {
                    Side::Typed => &mut *typed,
                    Side::Raw => &mut *raw,
                };
                into.push(started.elapsed());
            }
        }
        Ok(())
    }

    /// Wall time per call of `calls` calls with [`CONCURRENCY`] in flight.
    async fn concurrent(
        &self,
        comparison: Comparison,
        side: Side,
        calls: usize,
    ) -> Result<Duration, BenchError> {
        let started = Instant::now();
        stream::iter(0..calls)
            .map(|_| self.call(comparison, side))
            .buffer_unordered(CONCURRENCY)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(started.elapsed() / calls.max(1) as u32)
    }
}

/// Decodes a raw body as a user would, with `serde_json::from_slice`.
fn decoded<T: DeserializeOwned>(endpoint: Endpoint, body: &[u8]) -> Result<T, BenchError> {
    serde_json::from_slice(body).map_err(|source| BenchError::RawBody {
        endpoint: endpoint.label(),
        source,
    })
}

fn black_box_decoded<T: DeserializeOwned>(
    endpoint: Endpoint,
    body: &[u8],
) -> Result<(), BenchError> {
    black_box(decoded::<T>(endpoint, body)?);
    Ok(())
}

/// Which side goes first in round `round`: they take turns.
fn sides(round: usize) -> [Side; 2] {
    if round.is_multiple_of(2) {
        [Side::Typed, Side::Raw]
    } else {
        [Side::Raw, Side::Typed]
    }
}

/// Starts a sandbox without rate limits and runs every comparison,
/// sequentially and concurrently.
///
/// # Errors
///
/// [`BenchError`] when the sandbox does not start or a call fails (every
/// call must succeed for the timing to mean anything).
pub async fn run(effort: Effort) -> Result<Vec<Row>, BenchError> {
    let config = SandboxConfig::default()
        .without_rate_limits()
        .with_scenario(ScenarioConfig::new(SEED, 300).with_now(NOW));
    let sandbox = Sandbox::start(config).await?;
    let targets = Targets::new(&sandbox).await?;
    let mut rows = Vec::new();
    for comparison in Comparison::ALL {
        rows.extend(compare(&targets, comparison, effort).await?);
    }
    rows.extend(decode_cost::rows(
        &targets.bodies().await?,
        effort.rounds * 10,
    ));
    sandbox.shutdown().await?;
    Ok(rows)
}

async fn compare(
    targets: &Targets,
    comparison: Comparison,
    effort: Effort,
) -> Result<Vec<Row>, BenchError> {
    // Warm-up: connections open, caches and allocator settled.
    let (mut typed_seq, mut raw_seq) = (Vec::new(), Vec::new());
    targets
        .sequential_pairs(
            comparison,
            effort.sequential_calls,
            &mut typed_seq,
            &mut raw_seq,
        )
        .await?;
    let mut batch = Duration::ZERO;
    for side in [Side::Typed, Side::Raw] {
        let per_call = targets
            .concurrent(comparison, side, effort.concurrent_calls)
            .await?;
        batch = batch.max(per_call * effort.concurrent_calls as u32);
    }

    typed_seq.clear();
    raw_seq.clear();
    for _ in 0..effort.rounds {
        targets
            .sequential_pairs(
                comparison,
                effort.sequential_calls,
                &mut typed_seq,
                &mut raw_seq,
            )
            .await?;
    }
    let (mut typed_batch, mut raw_batch) = (Vec::new(), Vec::new());
    for round in 0..effort.batches(batch) {
        for side in sides(round) {
            let per_call = targets
                .concurrent(comparison, side, effort.concurrent_calls)
                .await?;
            match side {
                Side::Typed => typed_batch.push(per_call),
                Side::Raw => raw_batch.push(per_call),
            }
        }
    }
    let row = |mode: &str, typed: &[Duration], raw: &[Duration]| {
        let (typed, raw) = (median_nanos(typed), median_nanos(raw));
        let value = ratio(typed, raw);
        let detail = format!("{value:.3} ({} vs {})", human(typed), human(raw));
        if comparison.read == Read::Model {
            let mut row = Row::at_most(comparison.label(mode), value, BAR);
            row.value = detail;
            row
        } else {
            Row::info(comparison.label(mode), detail)
        }
    };
    Ok(vec![
        row("sequential", &typed_seq, &raw_seq),
        row(
            &format!("{CONCURRENCY} concurrent"),
            &typed_batch,
            &raw_batch,
        ),
    ])
}

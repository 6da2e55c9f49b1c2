//! Measure 2: each typed client against a hand-written `reqwest` +
//! `serde_json` call of the same endpoint on the same sandbox, with every
//! rate limit off.
//!
//! Both sides share one `reqwest::Client` (one connection pool), and alternate
//! round by round so that both see the same machine noise. The raw side sets
//! the same 30 s per-request timeout as the typed clients' default and
//! decodes into `serde_json::Value`: what a person writes by hand when no
//! typed model is at hand. Sequential calls alternate call by call (typed,
//! raw, raw, typed, …) and compare the median latency per call; concurrent
//! calls (64 in flight) alternate batch by batch and compare the median wall
//! time of a batch per call.

use std::hint::black_box;
use std::time::{Duration, Instant};

use cartrover_client::{CartClient, CustRef, OrderApi};
use cloudx_client::{CloudxApi, CloudxClient, NewReceivingTicket, TicketId};
use futures::{StreamExt, TryStreamExt, stream};
use loop_client::{ListReturnsQuery, LoopClient, RateLimit, ReturnId, ReturnLookup};
use returns_core::plan_asns;
use sandbox::scenario::ScenarioConfig;
use sandbox::{Sandbox, SandboxConfig};
use serde_json::Value;
use time::OffsetDateTime;

use super::decode_cost;
use super::error::BenchError;
use super::fixture::{NOW, SEED, WAREHOUSE};
use super::report::Row;
use super::stats::{human, median_nanos, ratio};

/// The bar of the issue: typed / raw at the median.
pub const BAR: f64 = 1.10;

/// Calls kept in flight in the concurrent runs.
pub const CONCURRENCY: usize = 64;

/// Returns on one list page (Loop's default page size).
const PAGE_SIZE: u32 = 100;

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
    /// Diagnostic: Loop return details through the transport alone, bytes
    /// only, against raw bytes only (no decoding on either side).
    LoopDetailsBytes,
    /// Diagnostic: Loop return details as the typed client would make it if
    /// the transport decoded with plain `serde_json` (the proposed fix).
    LoopDetailsPlainDecode,
}

impl Endpoint {
    const ALL: [Endpoint; 6] = [
        Endpoint::LoopDetails,
        Endpoint::LoopListPage,
        Endpoint::CloudxTicket,
        Endpoint::CartroverStatus,
        Endpoint::LoopDetailsBytes,
        Endpoint::LoopDetailsPlainDecode,
    ];

    /// Whether the endpoint is held to the bar (diagnostics inform only).
    fn has_bar(self) -> bool {
        !matches!(
            self,
            Endpoint::LoopDetailsBytes | Endpoint::LoopDetailsPlainDecode
        )
    }

    fn label(self) -> &'static str {
        match self {
            Endpoint::LoopDetails => "loop return details",
            Endpoint::LoopListPage => "loop list page (100 returns)",
            Endpoint::CloudxTicket => "cloudx get ticket",
            Endpoint::CartroverStatus => "cartrover order status",
            Endpoint::LoopDetailsBytes => "loop return details, transport only, no decode",
            Endpoint::LoopDetailsPlainDecode => {
                "loop return details, transport + plain serde_json decode"
            }
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
    http: reqwest::Client,
    loop_client: LoopClient,
    cloudx: CloudxClient,
    cartrover: CartClient,
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

impl Targets {
    async fn new(sandbox: &Sandbox) -> Result<Self, BenchError> {
        let credentials = sandbox.credentials();
        let http = reqwest::Client::builder()
            .build()
            .map_err(|e| BenchError::Setup {
                what: "the reqwest client",
                message: e.to_string(),
            })?;
        let loop_client = LoopClient::builder(credentials.loop_api_key.clone())
            .base_url(sandbox.loop_base_url())
            .rate_limit(RateLimit::Unlimited)
            .http_client(http.clone())
            .build()?;
        let cloudx = CloudxClient::builder(credentials.cloudx_client_secret.clone())
            .base_url(sandbox.cloudx_base_url())
            .rate_limit(cloudx_client::transport::RateLimit::Unlimited)
            .http_client(http.clone())
            .build()?;
        let cartrover = CartClient::builder(
            credentials.cartrover_cart_api_user.clone(),
            credentials.cartrover_cart_api_key.clone(),
        )
        .base_url(sandbox.cartrover_base_url())
        .rate_limit(cartrover_client::RateLimit::Unlimited)
        .http_client(http.clone())
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
            http,
            loop_client,
            cloudx,
            cartrover,
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

    async fn call(&self, endpoint: Endpoint, side: Side) -> Result<(), BenchError> {
        match side {
            Side::Typed => self.typed(endpoint).await,
            Side::Raw => self.raw(endpoint).await,
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
            Endpoint::LoopDetailsBytes | Endpoint::LoopDetailsPlainDecode => {
                let request = http_transport::Request::get("/warehouse/return/details")
                    .operation("get_return")
                    .query("return_id", &self.return_id);
                let response = self
                    .loop_client
                    .transport()
                    .execute_bytes(request)
                    .await
                    .map_err(loop_client::Error::from)?;
                if endpoint == Endpoint::LoopDetailsPlainDecode {
                    let ret: loop_client::Return =
                        serde_json::from_slice(&response.body).map_err(|source| {
                            BenchError::RawBody {
                                endpoint: endpoint.label(),
                                source,
                            }
                        })?;
                    black_box(ret);
                } else {
                    black_box(response);
                }
            }
        }
        Ok(())
    }

    /// The raw call's body, not decoded.
    async fn raw_bytes(&self, endpoint: Endpoint) -> Result<http_transport::Bytes, BenchError> {
        let name = endpoint.label();
        let request = match endpoint {
            Endpoint::LoopDetails
            | Endpoint::LoopDetailsBytes
            | Endpoint::LoopDetailsPlainDecode => self
                .http
                .get(format!("{}/warehouse/return/details", self.loop_base))
                .query(&[("return_id", self.return_id.as_str())])
                .header("X-Authorization", &self.loop_key),
            Endpoint::LoopListPage => self
                .http
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
                .http
                .get(format!(
                    "{}/receiving-tickets/{}",
                    self.cloudx_base, self.ticket_id
                ))
                .bearer_auth(&self.cloudx_secret),
            Endpoint::CartroverStatus => self
                .http
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
            .timeout(Duration::from_secs(30))
            .send()
            .await
            .and_then(reqwest::Response::error_for_status)
            .map_err(raw_error)?
            .bytes()
            .await
            .map_err(raw_error)
    }

    async fn raw(&self, endpoint: Endpoint) -> Result<(), BenchError> {
        let name = endpoint.label();
        let body = self.raw_bytes(endpoint).await?;
        if endpoint == Endpoint::LoopDetailsBytes {
            black_box(body);
            return Ok(());
        }
        let value: Value = serde_json::from_slice(&body).map_err(|source| BenchError::RawBody {
            endpoint: name,
            source,
        })?;
        // CartRover answers errors with HTTP 200: a hand-written call checks.
        if endpoint == Endpoint::CartroverStatus && value["success_code"] != Value::Bool(true) {
            return Err(BenchError::Setup {
                what: "a raw CartRover call",
                message: format!("CartRover said no: {value}"),
            });
        }
        black_box(value);
        Ok(())
    }

    /// One answer body of `endpoint`, as the server sends it.
    async fn body(&self, endpoint: Endpoint) -> Result<Vec<u8>, BenchError> {
        Ok(self.raw_bytes(endpoint).await?.to_vec())
    }

    /// Latencies of `pairs` pairs of sequential calls, one call per side in
    /// each pair (which side goes first alternates), so that both sides meet
    /// the same moment of machine noise.
    async fn sequential_pairs(
        &self,
        endpoint: Endpoint,
        pairs: usize,
        typed: &mut Vec<Duration>,
        raw: &mut Vec<Duration>,
    ) -> Result<(), BenchError> {
        for pair in 0..pairs {
            let order = if pair.is_multiple_of(2) {
                [Side::Typed, Side::Raw]
            } else {
                [Side::Raw, Side::Typed]
            };
            for side in order {
                let started = Instant::now();
                self.call(endpoint, side).await?;
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
        endpoint: Endpoint,
        side: Side,
        calls: usize,
    ) -> Result<Duration, BenchError> {
        let started = Instant::now();
        stream::iter(0..calls)
            .map(|_| self.call(endpoint, side))
            .buffer_unordered(CONCURRENCY)
            .try_collect::<Vec<()>>()
            .await?;
        Ok(started.elapsed() / calls.max(1) as u32)
    }
}

/// Starts a sandbox without rate limits and compares both sides on every
/// endpoint, sequentially and concurrently.
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
    for endpoint in Endpoint::ALL {
        rows.extend(compare(&targets, endpoint, effort).await?);
    }
    rows.extend(decode_cost::rows(
        &targets.body(Endpoint::LoopDetails).await?,
        &targets.body(Endpoint::CartroverStatus).await?,
        effort.rounds * 10,
    ));
    sandbox.shutdown().await?;
    Ok(rows)
}

async fn compare(
    targets: &Targets,
    endpoint: Endpoint,
    effort: Effort,
) -> Result<Vec<Row>, BenchError> {
    // Warm-up: connections open, caches and allocator settled.
    let (mut typed_seq, mut raw_seq) = (Vec::new(), Vec::new());
    targets
        .sequential_pairs(
            endpoint,
            effort.sequential_calls,
            &mut typed_seq,
            &mut raw_seq,
        )
        .await?;
    let mut batch = Duration::ZERO;
    for side in [Side::Typed, Side::Raw] {
        let per_call = targets
            .concurrent(endpoint, side, effort.concurrent_calls)
            .await?;
        batch = batch.max(per_call * effort.concurrent_calls as u32);
    }

    typed_seq.clear();
    raw_seq.clear();
    for _ in 0..effort.rounds {
        targets
            .sequential_pairs(
                endpoint,
                effort.sequential_calls,
                &mut typed_seq,
                &mut raw_seq,
            )
            .await?;
    }
    let (mut typed_batch, mut raw_batch) = (Vec::new(), Vec::new());
    for round in 0..effort.batches(batch) {
        let order = if round.is_multiple_of(2) {
            [Side::Typed, Side::Raw]
        } else {
            [Side::Raw, Side::Typed]
        };
        for side in order {
            let per_call = targets
                .concurrent(endpoint, side, effort.concurrent_calls)
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
        if endpoint.has_bar() {
            let mut row = Row::at_most(
                format!("2. typed / raw, {}, {mode}", endpoint.label()),
                value,
                BAR,
            );
            row.value = detail;
            row
        } else {
            Row::info(
                format!("   typed / raw, {}, {mode}", endpoint.label()),
                detail,
            )
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

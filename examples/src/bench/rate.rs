//! Measure 3: bulk jobs run by the clients as a user gets them — built with
//! `builder(..).build()`, a base URL and credentials, nothing else, so with
//! their **default** limiters — against simulators enforcing the vendors'
//! real limits as the sandbox models them (its default configs):
//!
//! - **Loop**: at most 300 requests in any sliding 60 seconds, answered with
//!   HTTP 429 above it (spec §2.4).
//! - **CartRover**: a leaky bucket of 100 calls regaining one call every
//!   0.6 s, answered with the `RateLimit` envelope on HTTP 200 (spec §2.4).
//!
//! The two jobs run at the same time, each with its own simulator and
//! client, so the measure costs the longer of the two.
//!
//! # Allowed rate
//!
//! A limit that admits bursts has no single "allowed rate": 300 calls may go
//! at once, then none for a minute. So the allowed rate of a job of `n`
//! calls is `n / t_min`, where `t_min` is the least time any caller can take
//! between the first call and the last under the limit (the calls
//! themselves taken as instant, which only favours the limit):
//!
//! - sliding window of `L` per `W`: the `k`-th call (0-based) cannot start
//!   before `⌊k / L⌋ × W`, so `t_min = ⌊(n − 1) / L⌋ × W`;
//! - bucket of `C` regaining one call per `r`, full at the start: the first
//!   `C` go at once, then one per `r`, so `t_min = (n − C) × r` for `n > C`.
//!
//! Achieved / allowed rate is then `(n / elapsed) / (n / t_min) =
//! t_min / elapsed`, with `elapsed` the job's wall time from the first call
//! to the last answer. The job sizes make `t_min` 60–70 s, so the limits
//! really bind (a job inside one burst would have `t_min = 0`).
//!
//! Answers are counted at the simulator (see [`counting`](super::counting)),
//! so the share of refused attempts includes the client's own retries.

use std::time::{Duration, Instant};

use cartrover_client::{CartClient, CustRef, OrderApi};
use futures::{StreamExt, stream};
use loop_client::{LoopClient, ReturnId, ReturnLookup};
use sandbox::cartrover_sim::{CartroverConfig, CartroverSim};
use sandbox::loop_sim::{API_PREFIX, LoopConfig, LoopSim};
use sandbox::serve_router;

use super::counting::{Counts, Refusal, counting};
use super::error::BenchError;
use super::fixture::scenario;
use super::report::Row;

/// Bar: achieved rate / allowed rate.
pub const EFFICIENCY_BAR: f64 = 0.95;

/// Bar: share of attempts answered 429 / `RateLimit`.
pub const THROTTLED_SHARE_BAR: f64 = 0.01;

/// Loop's window (the sandbox slides a one-minute window).
const LOOP_WINDOW: Duration = Duration::from_secs(60);

/// Returns and orders seeded for the jobs to read.
const SEEDED: usize = 100;

/// The size of the jobs.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    /// Calls in the Loop job.
    pub loop_calls: usize,
    /// Calls in the CartRover job.
    pub cartrover_calls: usize,
    /// Calls in flight in each job.
    pub concurrency: usize,
}

impl Effort {
    /// Two windows of Loop calls (`t_min` 60 s) and the CartRover bucket
    /// plus 115 refills (`t_min` 69 s), 32 calls in flight.
    pub const FULL: Effort = Effort {
        loop_calls: 600,
        cartrover_calls: 215,
        concurrency: 32,
    };

    /// The smallest jobs in which both limits bind: one call past Loop's
    /// window (so still a minute) and 10 past CartRover's bucket (6 s).
    pub const QUICK: Effort = Effort {
        loop_calls: 301,
        cartrover_calls: 110,
        concurrency: 32,
    };
}

/// The least time between the first and the last of `calls` calls under a
/// sliding window of `max` calls per `window` (see the module docs).
pub fn window_least_time(calls: usize, max: u32, window: Duration) -> Duration {
    let windows = calls.saturating_sub(1) / (max.max(1) as usize);
    window * u32::try_from(windows).unwrap_or(u32::MAX)
}

/// The least time between the first and the last of `calls` calls under a
/// full bucket of `capacity` calls regaining one per `refill_every`.
pub fn bucket_least_time(calls: usize, capacity: u32, refill_every: Duration) -> Duration {
    let refills = calls.saturating_sub(capacity as usize);
    refill_every * u32::try_from(refills).unwrap_or(u32::MAX)
}

/// What one job saw.
#[derive(Debug, Clone, Copy)]
struct Job {
    calls: usize,
    elapsed: Duration,
    /// The least time the limit allows for the job's calls.
    least: Duration,
    /// Calls that ended in a rate-limit error surfaced to the caller.
    throttled_errors: usize,
    /// Calls that failed otherwise.
    other_errors: usize,
    /// Attempts the simulator answered.
    attempts: u64,
    /// Attempts it refused for the limit.
    throttled_attempts: u64,
}

impl Job {
    fn throttled_share(&self) -> f64 {
        self.throttled_attempts as f64 / self.attempts.max(1) as f64
    }

    fn efficiency(&self) -> f64 {
        self.least.as_secs_f64() / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Runs the Loop and CartRover jobs side by side (they share nothing).
///
/// # Errors
///
/// [`BenchError`] when a simulator cannot be seeded or served, or a client
/// cannot be built. Failed calls are results, not errors.
pub async fn run(effort: Effort) -> Result<Vec<Row>, BenchError> {
    let loop_config = LoopConfig::default();
    let cartrover_config = CartroverConfig::default();
    let (loop_job, cartrover_job) = tokio::join!(
        loop_job(effort, loop_config.clone()),
        cartrover_job(effort, cartrover_config.clone())
    );
    let (loop_job, cartrover_job) = (loop_job?, cartrover_job?);

    let mut rows = Vec::new();
    let per_minute = loop_config.rate_limit_per_minute.unwrap_or(0);
    rows.extend(bars(
        &format!("Loop {per_minute}/min sliding window, default client"),
        &loop_job,
    ));
    let bucket = cartrover_config.rate_limit.unwrap_or_default();
    rows.extend(bars(
        &format!(
            "CartRover bucket {} + 1/{} ms, default client",
            bucket.capacity,
            bucket.refill_every.as_millis()
        ),
        &cartrover_job,
    ));
    Ok(rows)
}

fn bars(label: &str, job: &Job) -> Vec<Row> {
    let mut rate = Row::at_least(
        format!("3. {label}: achieved / allowed rate"),
        job.efficiency(),
        EFFICIENCY_BAR,
    );
    rate.value = format!(
        "{} ({} calls in {:.1} s, least possible {:.1} s)",
        rate.value,
        job.calls,
        job.elapsed.as_secs_f64(),
        job.least.as_secs_f64()
    );
    let surfaced = job.throttled_errors;
    vec![
        rate,
        Row::checked(
            format!("3. {label}: rate-limit errors surfaced (other errors)"),
            format!("{surfaced} ({})", job.other_errors),
            "= 0 (0)",
            surfaced == 0 && job.other_errors == 0,
        ),
        Row::checked(
            format!("3. {label}: attempts refused for the limit"),
            format!(
                "{:.2} % ({} of {})",
                job.throttled_share() * 100.0,
                job.throttled_attempts,
                job.attempts
            ),
            format!("<= {:.0} %", THROTTLED_SHARE_BAR * 100.0),
            job.throttled_share() <= THROTTLED_SHARE_BAR,
        ),
    ]
}

async fn loop_job(effort: Effort, config: LoopConfig) -> Result<Job, BenchError> {
    let per_minute = config
        .rate_limit_per_minute
        .ok_or_else(|| BenchError::Setup {
            what: "the Loop rate job",
            message: "the simulator's default config enforces no limit".to_owned(),
        })?;
    let sim = LoopSim::new(config);
    let seeded = scenario(SEEDED);
    for value in seeded.returns() {
        sim.try_insert_return(value.clone())
            .map_err(|e| BenchError::Seed {
                simulator: "Loop",
                message: e.to_string(),
            })?;
    }
    let (router, counts) = counting(sim.router(), Refusal::Status429);
    let served = serve_router(router).await.map_err(BenchError::Serve)?;
    // The client as a user gets it: no rate limit, retry or pool settings.
    let client = LoopClient::builder(sim.config().api_key.clone())
        .base_url(format!("{}{API_PREFIX}", served.base_url()))
        .build()?;
    let ids: Vec<ReturnLookup> = seeded
        .plans()
        .iter()
        .map(|plan| ReturnLookup::ReturnId(ReturnId::from(plan.return_id.as_str())))
        .collect();
    let started = Instant::now();
    let outcomes: Vec<Result<(), bool>> = stream::iter(0..effort.loop_calls)
        .map(|call| {
            let client = &client;
            let lookup = &ids[call % ids.len()];
            async move {
                client
                    .get_return(lookup, None)
                    .await
                    .map(drop)
                    .map_err(|e| e.is_rate_limited())
            }
        })
        .buffer_unordered(effort.concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed();
    served.shutdown().await.map_err(BenchError::Serve)?;
    let least = window_least_time(effort.loop_calls, per_minute, LOOP_WINDOW);
    Ok(job(elapsed, least, &outcomes, &counts))
}

async fn cartrover_job(effort: Effort, config: CartroverConfig) -> Result<Job, BenchError> {
    let bucket = config.rate_limit.ok_or_else(|| BenchError::Setup {
        what: "the CartRover rate job",
        message: "the simulator's default config enforces no limit".to_owned(),
    })?;
    let sim = CartroverSim::new(config);
    let seeded = scenario(SEEDED);
    let mut cust_refs = Vec::new();
    for order in seeded.orders() {
        let cust_ref = sim
            .try_insert_order(order.clone())
            .map_err(|e| BenchError::Seed {
                simulator: "CartRover",
                message: e.to_string(),
            })?;
        cust_refs.push(CustRef::from(cust_ref.as_str()));
    }
    let (router, counts) = counting(sim.router(), Refusal::RateLimitEnvelope);
    let served = serve_router(router).await.map_err(BenchError::Serve)?;
    let config = sim.config();
    // The client as a user gets it: no rate limit, retry or pool settings.
    let client = CartClient::builder(config.api_user.clone(), config.api_key.clone())
        .base_url(served.base_url())
        .build()?;
    let started = Instant::now();
    let outcomes: Vec<Result<(), bool>> = stream::iter(0..effort.cartrover_calls)
        .map(|call| {
            let client = &client;
            let cust_ref = &cust_refs[call % cust_refs.len()];
            async move {
                client
                    .order_status(cust_ref)
                    .await
                    .map(drop)
                    .map_err(|e| e.is_rate_limited())
            }
        })
        .buffer_unordered(effort.concurrency)
        .collect()
        .await;
    let elapsed = started.elapsed();
    served.shutdown().await.map_err(BenchError::Serve)?;
    let least = bucket_least_time(effort.cartrover_calls, bucket.capacity, bucket.refill_every);
    Ok(job(elapsed, least, &outcomes, &counts))
}

/// Tallies a job; an `Err(true)` outcome is a surfaced rate-limit error.
fn job(elapsed: Duration, least: Duration, outcomes: &[Result<(), bool>], counts: &Counts) -> Job {
    Job {
        calls: outcomes.len(),
        elapsed,
        least,
        throttled_errors: outcomes.iter().filter(|o| **o == Err(true)).count(),
        other_errors: outcomes.iter().filter(|o| **o == Err(false)).count(),
        attempts: counts.answered(),
        throttled_attempts: counts.throttled(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MINUTE: Duration = Duration::from_secs(60);
    const REFILL: Duration = Duration::from_millis(600);

    #[test]
    fn a_window_binds_only_past_each_full_window() {
        assert_eq!(window_least_time(0, 300, MINUTE), Duration::ZERO);
        assert_eq!(window_least_time(300, 300, MINUTE), Duration::ZERO);
        assert_eq!(window_least_time(301, 300, MINUTE), MINUTE);
        assert_eq!(window_least_time(600, 300, MINUTE), MINUTE);
        assert_eq!(window_least_time(601, 300, MINUTE), 2 * MINUTE);
    }

    #[test]
    fn a_bucket_allows_its_burst_then_one_call_per_refill() {
        assert_eq!(bucket_least_time(100, 100, REFILL), Duration::ZERO);
        assert_eq!(bucket_least_time(101, 100, REFILL), REFILL);
        assert_eq!(bucket_least_time(215, 100, REFILL), Duration::from_secs(69));
    }

    #[test]
    fn the_full_jobs_bind_for_a_minute_or_more() {
        let effort = Effort::FULL;
        assert!(window_least_time(effort.loop_calls, 300, MINUTE) >= MINUTE);
        assert!(bucket_least_time(effort.cartrover_calls, 100, REFILL) >= MINUTE);
    }

    #[test]
    fn efficiency_is_least_time_over_elapsed() {
        let job = Job {
            calls: 600,
            elapsed: Duration::from_secs(80),
            least: MINUTE,
            throttled_errors: 0,
            other_errors: 0,
            attempts: 600,
            throttled_attempts: 0,
        };
        assert!((job.efficiency() - 0.75).abs() < 1e-9);
    }
}

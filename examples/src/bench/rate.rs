//! Measure 3: a bulk job against simulators enforcing a rate limit, scaled
//! up from the vendors' limits so that the job takes about a minute.
//!
//! - **Loop semantics**: at most `L` requests in any sliding 60 seconds
//!   (the sandbox's model of "300 per minute"), answered with HTTP 429 above
//!   it. With `L = 60 × rate` and 1,000 calls the job outlasts one window,
//!   so the limit really binds. Allowed rate: `L / 60 s`.
//! - **CartRover semantics**: a leaky bucket of 100 calls regaining one call
//!   every `1 / rate`, answered with a `RateLimit` envelope on HTTP 200.
//!   Allowed rate: one call per refill period after the first 100, so the
//!   achieved rate is `(calls − 100) / elapsed`.
//!
//! Answers are counted at the simulator (see [`counting`](super::counting)),
//! so the 429 share includes the client's own retries.

use std::time::{Duration, Instant};

use cartrover_client::{CartClient, CustRef, OrderApi};
use futures::{StreamExt, stream};
use loop_client::{LoopClient, RateLimit, ReturnId, ReturnLookup};
use sandbox::cartrover_sim::{CartroverConfig, CartroverSim, LeakyBucketConfig};
use sandbox::loop_sim::{API_PREFIX, LoopConfig, LoopSim};
use sandbox::serve_router;

use super::counting::{Counts, Refusal, counting};
use super::error::BenchError;
use super::fixture::scenario;
use super::report::Row;

/// Bar: achieved rate / allowed rate.
pub const EFFICIENCY_BAR: f64 = 0.90;

/// Bar: share of attempts answered 429 / `RateLimit`.
pub const THROTTLED_SHARE_BAR: f64 = 0.01;

/// CartRover's bucket size (spec §2.4), kept as the vendor has it.
const CARTROVER_BUCKET: u32 = 100;

/// Loop's window (spec §2.4 "per minute"; the sandbox slides it).
const LOOP_WINDOW: Duration = Duration::from_secs(60);

/// Share of Loop's window the client leaves unused, so that network jitter
/// between the client's clock and the server's never puts one call too many
/// in a window.
const LOOP_MARGIN: f64 = 0.01;

/// Returns and orders seeded for the jobs to read.
const SEEDED: usize = 100;

/// The size of a job.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    /// Calls in one job.
    pub calls: usize,
    /// Calls in flight.
    pub concurrency: usize,
    /// The scaled limit, in calls per second.
    pub per_second: u32,
}

impl Effort {
    /// The job: 1,000 calls, 32 in flight, 15 calls per second.
    pub const FULL: Effort = Effort {
        calls: 1_000,
        concurrency: 32,
        per_second: 15,
    };

    /// A quick job for trying the harness out (the Loop window does not
    /// bind).
    pub const QUICK: Effort = Effort {
        calls: 200,
        concurrency: 32,
        per_second: 50,
    };
}

/// What one job saw.
#[derive(Debug, Clone, Copy)]
struct Job {
    elapsed: Duration,
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
}

/// Runs the Loop and CartRover jobs side by side (they share nothing, each
/// has its own simulator), with a third job for comparison: the Loop job
/// with the client's default limiter shape.
///
/// # Errors
///
/// [`BenchError`] when a simulator cannot be seeded or served, or a client
/// cannot be built. Failed calls are results, not errors.
pub async fn run(effort: Effort) -> Result<Vec<Row>, BenchError> {
    let per_window = effort.per_second * 60;
    let (loop_job, cartrover_job, default_shape) = tokio::join!(
        loop_job(effort, window_safe(per_window, effort.per_second)),
        cartrover_job(effort),
        loop_job_default_shape(effort)
    );
    let (loop_job, cartrover_job, default_shape) = (loop_job?, cartrover_job?, default_shape?);

    let mut rows = Vec::new();
    let loop_label = format!("Loop {per_window}/min sliding window");
    let loop_rate = effort.calls as f64 / loop_job.elapsed.as_secs_f64();
    rows.extend(bars(
        &loop_label,
        loop_job,
        loop_rate,
        f64::from(effort.per_second),
        effort.calls,
    ));
    let refill = Duration::from_secs(1) / effort.per_second;
    let cartrover_label = format!(
        "CartRover bucket {CARTROVER_BUCKET} + 1/{}ms",
        refill.as_millis()
    );
    let sustained = effort.calls.saturating_sub(CARTROVER_BUCKET as usize) as f64
        / cartrover_job.elapsed.as_secs_f64();
    rows.extend(bars(
        &cartrover_label,
        cartrover_job,
        sustained,
        f64::from(effort.per_second),
        effort.calls,
    ));
    rows.push(Row::info(
        format!("   Loop, client default limiter shape per_minute({per_window}), same window"),
        format!(
            "{:.1} % of attempts 429, {} calls failed with 429, {:.1} s",
            default_shape.throttled_share() * 100.0,
            default_shape.throttled_errors,
            default_shape.elapsed.as_secs_f64()
        ),
    ));
    Ok(rows)
}

fn bars(label: &str, job: Job, achieved: f64, allowed: f64, calls: usize) -> Vec<Row> {
    let efficiency = achieved / allowed;
    let mut rate = Row::at_least(
        format!("3. {label}: achieved / allowed rate"),
        efficiency,
        EFFICIENCY_BAR,
    );
    rate.value = format!(
        "{} ({achieved:.2}/s of {allowed:.0}/s, {calls} calls in {:.1} s)",
        rate.value,
        job.elapsed.as_secs_f64()
    );
    let surfaced = job.throttled_errors;
    let share = Row::checked(
        format!("3. {label}: attempts refused for the limit"),
        format!(
            "{:.2} % ({} of {})",
            job.throttled_share() * 100.0,
            job.throttled_attempts,
            job.attempts
        ),
        format!("<= {:.0} %", THROTTLED_SHARE_BAR * 100.0),
        job.throttled_share() <= THROTTLED_SHARE_BAR,
    );
    vec![
        rate,
        Row::checked(
            format!("3. {label}: rate-limit errors surfaced (other errors)"),
            format!("{surfaced} ({})", job.other_errors),
            "= 0 (0)",
            surfaced == 0 && job.other_errors == 0,
        ),
        share,
    ]
}

/// A client bucket that never puts more than `per_window` calls in any
/// sliding window: `burst` calls at once, then the rest of the window's
/// allowance spread evenly (less [`LOOP_MARGIN`]).
///
/// Loop's default client limiter, `RateLimit::per_minute(n)`, is a bucket of
/// `n` refilling `n` per minute: it admits up to `2n` calls in the first
/// minute, which a per-minute window refuses (the last row of the measure
/// shows it).
fn window_safe(per_window: u32, burst: u32) -> RateLimit {
    let burst = burst.min(per_window / 2).max(1);
    let spread = f64::from(per_window - burst) * (1.0 - LOOP_MARGIN);
    RateLimit::bucket(burst, LOOP_WINDOW.div_f64(spread.max(1.0)))
}

async fn loop_job(effort: Effort, limiter: RateLimit) -> Result<Job, BenchError> {
    let sim = LoopSim::new(LoopConfig {
        rate_limit_per_minute: Some(effort.per_second * 60),
        ..LoopConfig::default()
    });
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
    let client = LoopClient::builder(sim.config().api_key.clone())
        .base_url(format!("{}{API_PREFIX}", served.base_url()))
        .rate_limit(limiter)
        .build()?;
    let ids: Vec<ReturnLookup> = seeded
        .plans()
        .iter()
        .map(|plan| ReturnLookup::ReturnId(ReturnId::from(plan.return_id.as_str())))
        .collect();
    let started = Instant::now();
    let outcomes: Vec<Result<(), bool>> = stream::iter(0..effort.calls)
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
    Ok(job(elapsed, &outcomes, &counts))
}

async fn loop_job_default_shape(effort: Effort) -> Result<Job, BenchError> {
    loop_job(effort, RateLimit::per_minute(effort.per_second * 60)).await
}

async fn cartrover_job(effort: Effort) -> Result<Job, BenchError> {
    let refill_every = Duration::from_secs(1) / effort.per_second;
    let sim = CartroverSim::new(CartroverConfig {
        rate_limit: Some(LeakyBucketConfig {
            capacity: CARTROVER_BUCKET,
            refill_every,
        }),
        ..CartroverConfig::default()
    });
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
    let client = CartClient::builder(config.api_user.clone(), config.api_key.clone())
        .base_url(served.base_url())
        .rate_limit(RateLimit::bucket(CARTROVER_BUCKET, refill_every))
        .build()?;
    let started = Instant::now();
    let outcomes: Vec<Result<(), bool>> = stream::iter(0..effort.calls)
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
    Ok(job(elapsed, &outcomes, &counts))
}

/// Tallies a job; an `Err(true)` outcome is a surfaced rate-limit error.
fn job(elapsed: Duration, outcomes: &[Result<(), bool>], counts: &Counts) -> Job {
    Job {
        elapsed,
        throttled_errors: outcomes.iter().filter(|o| **o == Err(true)).count(),
        other_errors: outcomes.iter().filter(|o| **o == Err(false)).count(),
        attempts: counts.answered(),
        throttled_attempts: counts.throttled(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_window_safe_bucket_never_exceeds_the_window() {
        let RateLimit::Bucket {
            capacity,
            refill_every,
        } = window_safe(900, 15)
        else {
            panic!("a bucket");
        };
        let in_one_window =
            f64::from(capacity.get()) + LOOP_WINDOW.as_secs_f64() / refill_every.as_secs_f64();
        assert!(in_one_window <= 900.0, "{in_one_window}");
        assert!(in_one_window >= 880.0, "{in_one_window}");
    }
}

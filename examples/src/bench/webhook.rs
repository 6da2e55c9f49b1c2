//! Measure 5: how soon a return a customer starts is at the warehouse —
//! from Loop's signed `return.created` webhook reaching the service to the
//! return's CloudX tickets existing, with the settings a user starts with.
//!
//! - **Setup**: the sandbox with its vendor limits (Loop 300 calls a
//!   minute, CloudX 10 a second) delivers its own signed webhooks to the
//!   returns-sync router, served on a loopback port. The engine runs with
//!   [`EngineOptions::default`](returns_sync::EngineOptions) over a SQLite
//!   file; its clients are `builder(secret).base_url(..).build()`, so the
//!   CloudX client's default limiter (10 calls a second) is on. Only
//!   webhooks act: the first pull ends before the first return, the next
//!   one is five minutes away.
//! - **Latency of a return** = the `created_at` of its last CloudX ticket
//!   (stamped by the simulator as it stores the ticket, wall clock to the
//!   millisecond) − the arrival of its first `return.created` delivery at
//!   the service (wall clock, stamped by a layer in front of the router,
//!   before the signature check and the inbox write). Percentiles are
//!   nearest-rank.
//! - **Arrivals** (the bar): returns created in Loop at random, like
//!   independent customers (Poisson, seeded), one every 750 ms on average
//!   — about 4,800 an hour, ten times a large merchant's busiest hour, yet
//!   within both vendors' budgets (each return costs about 3–4 Loop calls
//!   and 4–5 CloudX calls, so faster arrivals would queue without end
//!   behind Loop's 300 a minute). The random bunching is what meets the
//!   CloudX limiter, and so makes the tail.
//! - **Burst** (informational): returns created all at once, as after an
//!   import. The CloudX client's default limiter (10 calls a second) then
//!   paces the whole burst, so its latencies are seconds, not milliseconds.

mod arrivals;
mod delivery;
mod session;

use std::time::Duration;

pub use arrivals::Arrivals;
pub use session::Session;

use super::error::BenchError;
use super::report::Row;
use super::stats::human;

/// Bar: p99 of delivery → tickets under steady arrivals.
pub const P99_BAR: Duration = Duration::from_secs(1);

/// The size of the measure.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    /// The arrivals the bar is checked on.
    pub steady: Arrivals,
    /// The informational burst.
    pub burst: Arrivals,
}

impl Effort {
    /// 60 returns one every 750 ms on average (about 45 s), then a burst of 20.
    pub const FULL: Effort = Effort {
        steady: Arrivals::Poisson {
            count: 60,
            mean_gap: Duration::from_millis(750),
            seed: 17,
        },
        burst: Arrivals::Burst { count: 20 },
    };

    /// A short try of the harness.
    pub const QUICK: Effort = Effort {
        steady: Arrivals::Poisson {
            count: 12,
            mean_gap: Duration::from_millis(750),
            seed: 17,
        },
        burst: Arrivals::Burst { count: 5 },
    };
}

/// Runs the steady arrivals, then the burst, each with its own sandbox and
/// engine (so the burst starts with fresh vendor budgets).
///
/// # Errors
/// [`BenchError`] when a sandbox, store, engine or server cannot start.
pub async fn run(effort: Effort) -> Result<Vec<Row>, BenchError> {
    let steady = session::measure(effort.steady).await?;
    let burst = session::measure(effort.burst).await?;
    Ok(rows(&effort, &steady, &burst))
}

fn rows(effort: &Effort, steady: &Session, burst: &Session) -> Vec<Row> {
    let pattern = match effort.steady {
        Arrivals::Poisson {
            count, mean_gap, ..
        } => format!(
            "{count} returns at random, one every {} ms on average",
            mean_gap.as_millis()
        ),
        Arrivals::Burst { count } => format!("{count} returns at once"),
    };
    let p99 = percentile(&steady.latencies, 99.0);
    let mut rows = vec![
        Row::checked(
            format!("webhook → CloudX tickets p99 ({pattern}, default settings)"),
            p99.map_or_else(|| "none".to_owned(), show),
            format!("<= {}", show(P99_BAR)),
            p99.is_some_and(|p99| p99 <= P99_BAR),
        ),
        Row::info(
            format!("webhook → CloudX tickets p50 ({pattern})"),
            percentile(&steady.latencies, 50.0).map_or_else(|| "none".to_owned(), show),
        ),
    ];
    let count = effort.burst.count();
    rows.push(Row::info(
        format!("webhook → CloudX tickets, burst of {count} at once"),
        format!(
            "p50 {}, p99 {}",
            percentile(&burst.latencies, 50.0).map_or_else(|| "none".to_owned(), show),
            percentile(&burst.latencies, 99.0).map_or_else(|| "none".to_owned(), show),
        ),
    ));
    let (missing, duplicated) = (
        steady.missing + burst.missing,
        steady.duplicated + burst.duplicated,
    );
    rows.push(Row::checked(
        "webhook: every return's tickets, none twice",
        format!("{missing} missing, {duplicated} twice"),
        "0, 0",
        missing == 0 && duplicated == 0,
    ));
    rows
}

/// The `p`-th percentile by nearest rank of sorted samples.
fn percentile(sorted: &[Duration], p: f64) -> Option<Duration> {
    let rank = ((p / 100.0) * sorted.len() as f64).ceil() as usize;
    sorted.get(rank.clamp(1, sorted.len().max(1)) - 1).copied()
}

fn show(duration: Duration) -> String {
    human(duration.as_nanos() as f64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ms(values: &[u64]) -> Vec<Duration> {
        values.iter().map(|&v| Duration::from_millis(v)).collect()
    }

    #[test]
    fn nearest_rank_percentiles() {
        let samples = ms(&(1..=100).collect::<Vec<_>>());
        assert_eq!(percentile(&samples, 50.0), Some(Duration::from_millis(50)));
        assert_eq!(percentile(&samples, 99.0), Some(Duration::from_millis(99)));
        assert_eq!(percentile(&ms(&[7]), 99.0), Some(Duration::from_millis(7)));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn the_bar_fails_on_a_slow_tail_or_a_missing_ticket() {
        let effort = Effort::QUICK;
        let fast = Session {
            latencies: ms(&[5, 6, 8]),
            ..Session::default()
        };
        let rows = rows(&effort, &fast, &fast);
        assert!(rows.iter().all(|r| r.pass != Some(false)), "{rows:?}");

        let slow = Session {
            latencies: ms(&[5, 6, 1_500]),
            ..Session::default()
        };
        assert_eq!(super::rows(&effort, &slow, &fast)[0].pass, Some(false));

        let lost = Session {
            missing: 1,
            ..fast.clone()
        };
        let rows = super::rows(&effort, &lost, &fast);
        assert_eq!(rows.last().and_then(|r| r.pass), Some(false));
        let empty = Session::default();
        assert_eq!(super::rows(&effort, &empty, &fast)[0].pass, Some(false));
    }
}

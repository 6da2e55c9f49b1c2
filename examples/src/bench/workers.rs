//! Measure 6: scale-out — four workers on one PostgreSQL database against
//! one, on latency-bound work.
//!
//! Both simulators add a fixed delay to every call and enforce no rate
//! limit, and the clients' limiters are off, so a worker's speed is set by
//! how many calls it keeps in flight, not by a CPU or a vendor budget. Each
//! run has a fresh sandbox (the same seeded returns, with faults off) and a
//! fresh database on one throwaway PostgreSQL server; its workers share
//! that database ([`examples::scale`] runs them).
//!
//! Throughput = the run's returns / the time until every one is in its
//! planned end state (processed, flagged, waiting at the warehouse, or
//! never sent), counted from the simulators every 250 ms from the moment
//! the workers start. The bar is the ratio of the two throughputs; a run
//! that loses a return or acts twice fails its own row.

use std::time::Duration;

use returns_sync::config::StoreConfig;
use sandbox::postgres::TestPostgres;

use super::error::BenchError;
use super::report::Row;
use super::stats::ratio;
use examples::scale::{self, ScaleResult, ScaleRun};

/// Bar: throughput with four workers / with one.
pub const SPEEDUP_BAR: f64 = 3.0;

/// Workers in the scaled-out run.
const WORKERS: usize = 4;

/// The size of the measure.
#[derive(Debug, Clone, Copy)]
pub struct Effort {
    /// Returns in each run.
    pub returns: usize,
    /// Delay the simulators add to every call.
    pub latency: Duration,
}

impl Effort {
    /// About a minute in all: long enough that the fixed start (the first
    /// pull) and end (the warehouse step and the next poll, about a second)
    /// weigh little against the work; 50 ms a call keeps it latency-bound
    /// on a shared 2-core machine.
    pub const FULL: Effort = Effort {
        returns: 1000,
        latency: Duration::from_millis(50),
    };

    /// A short try of the harness (too short for the bar: the fixed start
    /// and end weigh too much).
    pub const QUICK: Effort = Effort {
        returns: 100,
        latency: Duration::from_millis(50),
    };
}

/// Runs one worker, then four, each on a fresh database.
///
/// # Errors
/// [`BenchError::Setup`] when PostgreSQL, a sandbox or a worker cannot
/// start.
pub async fn run(effort: Effort) -> Result<Vec<Row>, BenchError> {
    let server = tokio::task::spawn_blocking(TestPostgres::start)
        .await
        .map_err(|e| setup("PostgreSQL", e))?
        .map_err(|e| setup("PostgreSQL", e))?;
    let outcome = async {
        let one = measure(&server, effort, 1).await?;
        let four = measure(&server, effort, WORKERS).await?;
        Ok::<_, BenchError>((one, four))
    }
    .await;
    // Stopping the server waits for it: not on the runtime's threads.
    let _ = tokio::task::spawn_blocking(move || drop(server)).await;
    let (one, four) = outcome?;
    Ok(rows(effort, &one, &four))
}

async fn measure(
    server: &TestPostgres,
    effort: Effort,
    workers: usize,
) -> Result<ScaleResult, BenchError> {
    let url = server
        .create_database(&format!("bench_workers_{workers}"))
        .await
        .map_err(|e| setup("a PostgreSQL database", e))?;
    let run = ScaleRun {
        merchants: 1,
        returns: effort.returns,
        workers,
        fault_rate: 0.0,
        abort_one_at: None,
        // Longer than any batch takes: no claim lapses in a run that works.
        lease: Duration::from_secs(60),
        deadline: Duration::from_secs(180),
        latency: effort.latency,
        client_limits: false,
        store: StoreConfig::postgres("DATABASE_URL"),
        postgres_url: Some(url),
        seed: 23,
    };
    scale::run(&run).await.map_err(|e| setup("the workers", e))
}

fn rows(effort: Effort, one: &ScaleResult, four: &ScaleResult) -> Vec<Row> {
    let per_second = |r: &ScaleResult| r.returns as f64 / r.elapsed.as_secs_f64().max(1e-9);
    let work = format!(
        "{} returns, {} ms a vendor call",
        effort.returns,
        effort.latency.as_millis()
    );
    // What the workers did shows where added workers spend their time.
    let speed = |r: &ScaleResult| {
        format!(
            "{:.1} returns/s ({:.1} s; {} read from Loop, {} tickets polled)",
            per_second(r),
            r.elapsed.as_secs_f64(),
            r.work.pulled,
            r.work.tickets_polled,
        )
    };
    let clean = one.is_clean() && four.is_clean();
    vec![
        Row::info(format!("workers: 1 worker ({work})"), speed(one)),
        Row::info(format!("workers: {WORKERS} workers ({work})"), speed(four)),
        Row::at_least(
            format!("workers: {WORKERS} / 1 throughput, one PostgreSQL database"),
            // An unclean run's speed means nothing: it fails the bar too.
            if clean {
                ratio(per_second(four), per_second(one))
            } else {
                0.0
            },
            SPEEDUP_BAR,
        ),
        Row::checked(
            "workers: every return as planned, nothing twice",
            format!(
                "{}/{} and {}/{} as planned",
                one.as_planned, one.returns, four.as_planned, four.returns
            ),
            "all, none twice",
            clean,
        ),
    ]
}

fn setup(what: &'static str, error: impl std::fmt::Display) -> BenchError {
    BenchError::Setup {
        what,
        message: error.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(returns: usize, seconds: u64) -> ScaleResult {
        ScaleResult {
            returns,
            as_planned: returns,
            elapsed: Duration::from_secs(seconds),
            ..ScaleResult::default()
        }
    }

    #[test]
    fn the_bar_is_the_ratio_of_throughputs() {
        let rows = rows(Effort::QUICK, &finished(100, 40), &finished(100, 10));
        assert_eq!(rows[2].value, "4.000");
        assert_eq!(rows[2].pass, Some(true));
        let rows = super::rows(Effort::QUICK, &finished(100, 40), &finished(100, 20));
        assert_eq!(rows[2].pass, Some(false));
    }

    #[test]
    fn a_run_that_loses_a_return_fails_however_fast() {
        let mut lossy = finished(100, 5);
        lossy.as_planned = 99;
        let rows = rows(Effort::QUICK, &finished(100, 40), &lossy);
        assert_eq!(rows[2].pass, Some(false));
        assert_eq!(rows[3].pass, Some(false));
    }
}

//! Measure 4: peak memory of streaming many returns against few, through
//! the stream the sync flow pulls with.
//!
//! `returns-sync` pulls with [`LoopApi::returns_in_window`]: a window ending
//! now, filtered on `updated_at`, one pass per state, Loop's default page
//! size. The children here stream that same query from a client built with
//! the defaults (`LoopClient::builder(key).base_url(..).build()`), except
//! its rate limiter, which is off because the simulator's limit is off too
//! (at the default 300 requests a minute 100,000 returns take minutes).
//!
//! The sandbox runs in the parent process; each size is streamed by a fresh
//! child process (this binary re-run with the hidden `stream-child`
//! subcommand), which drains the stream, counts the returns, fails unless
//! it got exactly the seeded number, and prints its peak resident set size
//! (`VmHWM` in `/proc/self/status`) as one JSON line. The simulator holds
//! the small number of returns for the small child and is then topped up to
//! the large number, so each child really reads every return it counts.
//!
//! Peak memory is a baseline (runtime, client, connection pool) plus the
//! page in flight (its body, hyper's chunks of it, and the decoded returns);
//! what the stream remembers to yield each return once is bounded too (see
//! `loop_client::pagination`). A run with Loop's largest pages (750) is
//! reported for information.

use std::process::Command;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use loop_client::{DateFilter, LoopApi, LoopClient, MAX_PAGE_SIZE, RateLimit, ReturnWindowQuery};
use sandbox::loop_sim::{API_PREFIX, LoopConfig, LoopSim};
use sandbox::scenario::Scenario;
use sandbox::serve_router;
use serde::{Deserialize, Serialize};

use super::error::BenchError;
use super::fixture::NOW;
use super::report::Row;

/// Bar: peak RSS of the large stream / peak RSS of the small one.
pub const RATIO_BAR: f64 = 1.1;

/// Bar: peak RSS growth from the small stream to the large one, in MiB.
pub const GROWTH_BAR_MIB: f64 = 64.0;

/// The hidden subcommand that runs one stream.
pub const CHILD_COMMAND: &str = "stream-child";

/// How far back the pull reaches: `returns-sync`'s default lookback (the
/// scenario's returns were all updated within it).
const LOOKBACK: time::Duration = time::Duration::days(60);

/// What a child reports.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ChildReport {
    /// Returns streamed.
    pub returns: usize,
    /// Returns per page asked for; `None` for Loop's default.
    pub page_size: Option<u32>,
    /// Line items seen (so the stream's items are really read).
    pub line_items: usize,
    /// Peak resident set size, KiB.
    pub vm_hwm_kib: u64,
    /// Time to drain the stream, milliseconds.
    pub elapsed_ms: u128,
}

/// The sync flow's pull query over the scenario's returns (see the
/// [module docs](self)), with `page_size` when given.
fn query(page_size: Option<u32>) -> ReturnWindowQuery {
    let query = ReturnWindowQuery::new(NOW - LOOKBACK, NOW)
        .filter(DateFilter::UpdatedAt)
        .states(returns_sync::PULLED_STATES);
    match page_size {
        Some(size) => query.page_size(size),
        None => query,
    }
}

/// Serves `small` of `scenario`'s returns from a Loop simulator without a
/// rate limit and streams them in child processes, then tops the simulator
/// up to `large` returns and streams those, and compares the peaks.
///
/// # Errors
///
/// [`BenchError`] when the simulator cannot be seeded or served, or a child
/// fails or streams a wrong number of returns.
pub async fn run(scenario: &Scenario, small: usize, large: usize) -> Result<Vec<Row>, BenchError> {
    let sim = LoopSim::new(LoopConfig {
        rate_limit_per_minute: None,
        ..LoopConfig::default()
    });
    let served = serve_router(sim.router())
        .await
        .map_err(BenchError::Serve)?;
    let base_url = format!("{}{API_PREFIX}", served.base_url());
    let api_key = sim.config().api_key.clone();
    let page_sizes = [None, Some(MAX_PAGE_SIZE)];
    let mut reports = Vec::new();
    let mut seeded = 0;
    for returns in [small, large] {
        for value in scenario.returns().iter().take(returns).skip(seeded) {
            sim.try_insert_return(value.clone())
                .map_err(|e| BenchError::Seed {
                    simulator: "Loop",
                    message: e.to_string(),
                })?;
        }
        seeded = returns.max(seeded);
        for page_size in page_sizes {
            let (base_url, api_key) = (base_url.clone(), api_key.clone());
            let report = tokio::task::spawn_blocking(move || {
                spawn_child(&base_url, &api_key, returns, page_size)
            })
            .await
            .map_err(|e| BenchError::Child {
                returns,
                message: e.to_string(),
            })??;
            reports.push(report);
        }
    }
    served.shutdown().await.map_err(BenchError::Serve)?;
    let (small_runs, large_runs) = reports.split_at(page_sizes.len());
    let mut rows = checked_rows(small_runs[0], large_runs[0]);
    rows.push(info_row(small_runs[1], large_runs[1]));
    Ok(rows)
}

fn peak_mib(report: ChildReport) -> f64 {
    report.vm_hwm_kib as f64 / 1024.0
}

fn pages_label(report: ChildReport) -> String {
    match report.page_size {
        Some(size) => format!("pages of {size}"),
        None => "default pages".to_owned(),
    }
}

fn info_row(small: ChildReport, large: ChildReport) -> Row {
    Row::info(
        format!(
            "   peak RSS, {} / {} returns, {}",
            large.returns,
            small.returns,
            pages_label(large)
        ),
        format!(
            "{:.3} ({:.1} vs {:.1} MiB)",
            peak_mib(large) / peak_mib(small).max(f64::MIN_POSITIVE),
            peak_mib(large),
            peak_mib(small)
        ),
    )
}

fn checked_rows(small: ChildReport, large: ChildReport) -> Vec<Row> {
    let ratio = large.vm_hwm_kib as f64 / small.vm_hwm_kib.max(1) as f64;
    let growth_mib = (large.vm_hwm_kib as f64 - small.vm_hwm_kib as f64) / 1024.0;
    let mut ratio_row = Row::at_most(
        format!(
            "4. peak RSS, returns_in_window {} / {} returns ({}, sync-flow query, client and sandbox limits off)",
            large.returns,
            small.returns,
            pages_label(large)
        ),
        ratio,
        RATIO_BAR,
    );
    ratio_row.value = format!(
        "{} ({:.1} vs {:.1} MiB)",
        ratio_row.value,
        peak_mib(large),
        peak_mib(small)
    );
    let rate = |report: ChildReport| {
        report.returns as f64 / Duration::from_millis(report.elapsed_ms as u64).as_secs_f64()
    };
    vec![
        ratio_row,
        Row::checked(
            "4. peak RSS growth",
            format!("{growth_mib:.1} MiB"),
            format!("< {GROWTH_BAR_MIB} MiB"),
            growth_mib < GROWTH_BAR_MIB,
        ),
        Row::info(
            "   streaming throughput (large run)",
            format!("{:.0} returns/s", rate(large)),
        ),
    ]
}

fn spawn_child(
    base_url: &str,
    api_key: &str,
    returns: usize,
    page_size: Option<u32>,
) -> Result<ChildReport, BenchError> {
    let child_error = |message: String| BenchError::Child { returns, message };
    let exe = std::env::current_exe().map_err(|e| child_error(e.to_string()))?;
    let mut command = Command::new(exe);
    command
        .args([CHILD_COMMAND, "--base-url", base_url, "--api-key", api_key])
        .args(["--returns", &returns.to_string()]);
    if let Some(size) = page_size {
        command.args(["--page-size", &size.to_string()]);
    }
    let output = command.output().map_err(|e| child_error(e.to_string()))?;
    if !output.status.success() {
        return Err(child_error(format!(
            "exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let report: ChildReport =
        serde_json::from_slice(&output.stdout).map_err(|e| child_error(e.to_string()))?;
    Ok(report)
}

/// The child's side: drains the sync flow's query from the simulator at
/// `base_url`, checks it got exactly `returns` returns, and reports its
/// peak RSS.
///
/// # Errors
///
/// [`BenchError`] when the runtime or client cannot be built, the stream
/// fails or yields another number of returns, or `/proc/self/status`
/// cannot be read.
pub fn child(
    base_url: &str,
    api_key: &str,
    returns: usize,
    page_size: Option<u32>,
) -> Result<ChildReport, BenchError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| BenchError::Setup {
            what: "the child's runtime",
            message: e.to_string(),
        })?;
    let client = LoopClient::builder(api_key)
        .base_url(base_url)
        .rate_limit(RateLimit::Unlimited)
        .build()?;
    let started = Instant::now();
    let (streamed, line_items) = runtime.block_on(async {
        let mut stream = client.returns_in_window(query(page_size));
        let (mut streamed, mut line_items) = (0usize, 0usize);
        while let Some(ret) = stream.try_next().await? {
            streamed += 1;
            line_items += ret.line_items.len();
        }
        Ok::<_, loop_client::Error>((streamed, line_items))
    })?;
    let elapsed_ms = started.elapsed().as_millis();
    if streamed != returns {
        return Err(BenchError::Child {
            returns,
            message: format!("streamed {streamed} returns, not the {returns} seeded"),
        });
    }
    Ok(ChildReport {
        returns: streamed,
        page_size,
        line_items,
        vm_hwm_kib: peak_rss_kib().map_err(|message| BenchError::Child { returns, message })?,
        elapsed_ms,
    })
}

/// `VmHWM` of this process, in KiB.
fn peak_rss_kib() -> Result<u64, String> {
    let status = std::fs::read_to_string("/proc/self/status")
        .map_err(|e| format!("cannot read /proc/self/status: {e}"))?;
    parse_vm_hwm(&status).ok_or_else(|| "no VmHWM line in /proc/self/status".to_owned())
}

fn parse_vm_hwm(status: &str) -> Option<u64> {
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmHWM:"))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_vm_hwm() {
        let status = "Name:\tbench\nVmPeak:\t  20000 kB\nVmHWM:\t   12345 kB\nVmRSS:\t 1000 kB\n";
        assert_eq!(parse_vm_hwm(status), Some(12345));
        assert_eq!(parse_vm_hwm("Name:\tbench\n"), None);
    }
}

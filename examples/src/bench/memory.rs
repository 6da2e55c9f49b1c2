//! Measure 4: peak memory of streaming many returns against few through
//! `loop-client`'s list `Stream`.
//!
//! The sandbox runs in the parent process; each size is streamed by a fresh
//! child process (this binary re-run with the hidden `stream-child`
//! subcommand), which reads its own peak resident set size (`VmHWM` in
//! `/proc/self/status`) once the stream is drained, and prints it as one
//! JSON line.
//!
//! The bar is checked with pages of [`PAGE_SIZE`] returns. Peak memory is a
//! baseline (runtime, client, connection pool) plus the one page in flight
//! (its body, hyper's chunks of it, and the decoded returns); only the page
//! in flight depends on the data, and the largest page met grows a little
//! with the number of pages. With Loop's largest pages (750 returns) that
//! step is about 3.5 MiB over a baseline of about 17 MiB — bounded (50,000
//! and 100,000 returns peak alike) but right at the ratio bar — so the run
//! reports 750-return pages too, for information.

use std::process::Command;
use std::time::{Duration, Instant};

use futures::TryStreamExt;
use loop_client::{ListReturnsQuery, LoopApi, LoopClient, MAX_PAGE_SIZE, RateLimit};
use sandbox::loop_sim::{API_PREFIX, LoopConfig, LoopSim};
use sandbox::scenario::Scenario;
use sandbox::serve_router;
use serde::{Deserialize, Serialize};

use super::error::BenchError;
use super::fixture::NOW;
use super::report::Row;

/// Bar: peak RSS of the large stream / peak RSS of the small one.
pub const RATIO_BAR: f64 = 1.2;

/// Bar: peak RSS growth from the small stream to the large one, in MiB.
pub const GROWTH_BAR_MIB: f64 = 64.0;

/// The hidden subcommand that runs one stream.
pub const CHILD_COMMAND: &str = "stream-child";

/// Returns per page for the checked streams (the page size of the
/// `loop-client` crate example).
pub const PAGE_SIZE: u32 = 250;

/// What a child reports.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct ChildReport {
    /// Returns streamed.
    pub returns: usize,
    /// Returns per page.
    pub page_size: u32,
    /// Line items seen (so the stream's items are really read).
    pub line_items: usize,
    /// Peak resident set size, KiB.
    pub vm_hwm_kib: u64,
    /// Time to drain the stream, milliseconds.
    pub elapsed_ms: u128,
}

/// The window every seeded return falls in, `page_size` returns per page.
fn query(page_size: u32) -> ListReturnsQuery {
    ListReturnsQuery::new()
        .from(NOW - time::Duration::days(29))
        .to(NOW)
        .page_size(page_size)
}

/// Serves `scenario`'s returns from a Loop simulator without a rate limit,
/// streams `small` and then `large` of them in child processes, and compares
/// their peaks.
///
/// # Errors
///
/// [`BenchError`] when the simulator cannot be seeded or served, or a child
/// fails.
pub async fn run(scenario: &Scenario, small: usize, large: usize) -> Result<Vec<Row>, BenchError> {
    let sim = LoopSim::new(LoopConfig {
        rate_limit_per_minute: None,
        ..LoopConfig::default()
    });
    for value in scenario.returns().iter().take(large) {
        sim.try_insert_return(value.clone())
            .map_err(|e| BenchError::Seed {
                simulator: "Loop",
                message: e.to_string(),
            })?;
    }
    let served = serve_router(sim.router())
        .await
        .map_err(BenchError::Serve)?;
    let base_url = format!("{}{API_PREFIX}", served.base_url());
    let api_key = sim.config().api_key.clone();
    let mut rows = Vec::new();
    for page_size in [PAGE_SIZE, MAX_PAGE_SIZE] {
        let mut reports = Vec::new();
        for returns in [small, large] {
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
        let (small, large) = (reports[0], reports[1]);
        if page_size == PAGE_SIZE {
            rows.extend(checked_rows(small, large));
        } else {
            rows.push(info_row(small, large));
        }
    }
    served.shutdown().await.map_err(BenchError::Serve)?;
    Ok(rows)
}

fn peak_mib(report: ChildReport) -> f64 {
    report.vm_hwm_kib as f64 / 1024.0
}

fn info_row(small: ChildReport, large: ChildReport) -> Row {
    Row::info(
        format!(
            "   peak RSS, {} / {} returns, pages of {}",
            large.returns, small.returns, large.page_size
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
            "4. peak RSS, stream {} / {} returns, pages of {}",
            large.returns, small.returns, large.page_size
        ),
        ratio,
        RATIO_BAR,
    );
    ratio_row.value = format!(
        "{} ({:.1} vs {:.1} MiB)",
        ratio_row.value,
        large.vm_hwm_kib as f64 / 1024.0,
        small.vm_hwm_kib as f64 / 1024.0
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
    page_size: u32,
) -> Result<ChildReport, BenchError> {
    let child_error = |message: String| BenchError::Child { returns, message };
    let exe = std::env::current_exe().map_err(|e| child_error(e.to_string()))?;
    let output = Command::new(exe)
        .args([CHILD_COMMAND, "--base-url", base_url, "--api-key", api_key])
        .args(["--returns", &returns.to_string()])
        .args(["--page-size", &page_size.to_string()])
        .output()
        .map_err(|e| child_error(e.to_string()))?;
    if !output.status.success() {
        return Err(child_error(format!(
            "exited with {}: {}",
            output.status,
            String::from_utf8_lossy(&output.stderr).trim()
        )));
    }
    let report: ChildReport =
        serde_json::from_slice(&output.stdout).map_err(|e| child_error(e.to_string()))?;
    if report.returns != returns {
        return Err(child_error(format!(
            "streamed {} returns, not {returns}",
            report.returns
        )));
    }
    Ok(report)
}

/// The child's side: streams `returns` returns from the simulator at
/// `base_url`, `page_size` per page, and reports its peak RSS.
///
/// # Errors
///
/// [`BenchError`] when the runtime or client cannot be built, the stream
/// fails, or `/proc/self/status` cannot be read.
pub fn child(
    base_url: &str,
    api_key: &str,
    returns: usize,
    page_size: u32,
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
        let mut stream = client.returns_stream(query(page_size));
        let (mut streamed, mut line_items) = (0usize, 0usize);
        while streamed < returns {
            let Some(ret) = stream.try_next().await? else {
                break;
            };
            streamed += 1;
            line_items += ret.line_items.len();
        }
        Ok::<_, loop_client::Error>((streamed, line_items))
    })?;
    let elapsed_ms = started.elapsed().as_millis();
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

//! Command line of the `bench` binary: run the measures, print the table.

use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Instant;

use clap::{Parser, Subcommand, ValueEnum};

use super::error::BenchError;
use super::fixture::{Fixture, scenario};
use super::markdown::{self, Provenance};
use super::report::Table;
use super::{core_vs_decode, engine, memory, overhead, rate, webhook, workers};

/// The SDK against its limits, as ratios measured in one run.
#[derive(Debug, Parser)]
#[command(name = "bench", about)]
pub struct Cli {
    /// Small sizes, to try the harness out (the bars are not meaningful).
    #[arg(long)]
    quick: bool,
    /// Run only these measures (repeatable); all by default.
    #[arg(long, value_enum)]
    only: Vec<Measure>,
    /// Also write the table, with the date, commit and machine, to this
    /// Markdown file (only between its `<!-- bench:begin/end -->` markers
    /// when it has them, e.g. the README).
    #[arg(long, value_name = "FILE")]
    markdown: Option<PathBuf>,
    #[command(subcommand)]
    command: Option<Internal>,
}

/// The measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum Measure {
    /// 1. core planning + evaluation vs decoding.
    Core,
    /// 2. typed clients vs raw calls.
    Overhead,
    /// 3. achieved vs allowed rate.
    Rate,
    /// 4. streaming peak memory.
    Memory,
    /// 5. sync engine vs the same raw calls.
    Engine,
    /// 6. webhook → CloudX ticket latency.
    Webhook,
    /// 7. four workers vs one on PostgreSQL.
    Workers,
}

/// Subcommands the suite runs itself.
#[derive(Debug, Subcommand)]
enum Internal {
    /// Streams returns and prints the peak RSS (run by the memory measure).
    #[command(name = "stream-child", hide = true)]
    StreamChild {
        /// Loop base URL of the simulator.
        #[arg(long)]
        base_url: String,
        /// Its API key.
        #[arg(long)]
        api_key: String,
        /// Returns to stream.
        #[arg(long)]
        returns: usize,
        /// Returns per page; Loop's default when absent.
        #[arg(long)]
        page_size: Option<u32>,
    },
}

/// Sizes of one run.
#[derive(Debug, Clone, Copy)]
struct Sizes {
    core_returns: usize,
    core_passes: usize,
    overhead: overhead::Effort,
    rate: rate::Effort,
    stream_small: usize,
    stream_large: usize,
    engine: engine::Effort,
    webhook: webhook::Effort,
    workers: workers::Effort,
}

impl Sizes {
    const FULL: Sizes = Sizes {
        core_returns: 100_000,
        core_passes: 3,
        overhead: overhead::Effort::FULL,
        rate: rate::Effort::FULL,
        stream_small: 10_000,
        stream_large: 100_000,
        engine: engine::Effort::FULL,
        webhook: webhook::Effort::FULL,
        workers: workers::Effort::FULL,
    };

    const QUICK: Sizes = Sizes {
        core_returns: 5_000,
        core_passes: 1,
        overhead: overhead::Effort::QUICK,
        rate: rate::Effort::QUICK,
        stream_small: 500,
        stream_large: 5_000,
        engine: engine::Effort::QUICK,
        webhook: webhook::Effort::QUICK,
        workers: workers::Effort::QUICK,
    };
}

/// Parses the arguments and runs; exit code 1 when a bar fails, 2 when a
/// measure could not be carried out.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    let outcome = match cli.command {
        Some(Internal::StreamChild {
            base_url,
            api_key,
            returns,
            page_size,
        }) => run_child(&base_url, &api_key, returns, page_size),
        None => run(&cli),
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            eprintln!("bench: {error}");
            ExitCode::from(2)
        }
    }
}

fn run_child(
    base_url: &str,
    api_key: &str,
    returns: usize,
    page_size: Option<u32>,
) -> Result<ExitCode, BenchError> {
    let report = memory::child(base_url, api_key, returns, page_size)?;
    let line = serde_json::to_string(&report).map_err(|e| BenchError::Child {
        returns,
        message: e.to_string(),
    })?;
    println!("{line}");
    Ok(ExitCode::SUCCESS)
}

fn run(cli: &Cli) -> Result<ExitCode, BenchError> {
    let sizes = if cli.quick { Sizes::QUICK } else { Sizes::FULL };
    let wanted = |measure: Measure| cli.only.is_empty() || cli.only.contains(&measure);
    let started = Instant::now();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(|e| BenchError::Setup {
            what: "the tokio runtime",
            message: e.to_string(),
        })?;
    let mut table = Table::default();

    let largest = sizes.core_returns.max(sizes.stream_large);
    let seeded = (wanted(Measure::Core) || wanted(Measure::Memory)).then(|| {
        progress(&format!("generating {largest} seeded returns"));
        scenario(largest)
    });
    if let (true, Some(seeded)) = (wanted(Measure::Core), &seeded) {
        progress("1. core vs decode");
        let fixture = Fixture::from_scenario(seeded)?;
        table.extend(core_vs_decode::run(&fixture, sizes.core_passes));
    }
    if wanted(Measure::Overhead) {
        progress("2. client overhead");
        table.extend(runtime.block_on(overhead::run(sizes.overhead))?);
    }
    if wanted(Measure::Rate) {
        progress("3. rate-limit efficiency (about a minute)");
        table.extend(runtime.block_on(rate::run(sizes.rate))?);
    }
    if let (true, Some(seeded)) = (wanted(Measure::Memory), &seeded) {
        progress("4. streaming memory");
        table.extend(runtime.block_on(memory::run(
            seeded,
            sizes.stream_small,
            sizes.stream_large,
        ))?);
    }
    if wanted(Measure::Engine) {
        progress("5. engine overhead");
        table.extend(runtime.block_on(engine::run(sizes.engine))?);
    }
    if wanted(Measure::Webhook) {
        progress("6. webhook → ticket latency (about a minute)");
        table.extend(runtime.block_on(webhook::run(sizes.webhook))?);
    }
    if wanted(Measure::Workers) {
        progress("7. four workers vs one on PostgreSQL");
        table.extend(runtime.block_on(workers::run(sizes.workers))?);
    }

    let provenance = Provenance::collect(started.elapsed());
    let block = markdown::render(&table, &provenance);
    println!("{block}");
    if let Some(path) = &cli.markdown {
        markdown::write(path, &block)?;
        progress(&format!("table written to {}", path.display()));
    }
    Ok(if table.all_passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

fn progress(step: &str) {
    eprintln!("bench: {step} …");
}

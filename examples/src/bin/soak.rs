//! The reliability soak: the returns integration through
//! `returns-sync` against the sandbox, with faults on Loop and CloudX,
//! scaled vendor rate limits and engine crashes; prints what the
//! simulators hold at the end and exits non-zero unless it is clean.
//!
//! ```text
//! cargo run --release -p examples --bin soak -- --returns 10000
//! ```

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use examples::soak::{self, SoakRun};

/// Runs the reliability soak and prints its table.
#[derive(Debug, Parser)]
#[command(name = "soak", about)]
struct Args {
    /// Returns seeded in Loop.
    #[arg(long, default_value_t = 10_000)]
    returns: usize,
    /// Share of Loop and CloudX calls faulted (0.0–1.0).
    #[arg(long, default_value_t = 0.10)]
    fault_rate: f64,
    /// Seed of the scenario, the faults and the crash points.
    #[arg(long, default_value_t = 16)]
    seed: u64,
    /// Times the engine is aborted and restarted on the same store.
    #[arg(long, default_value_t = 2)]
    crashes: u32,
    /// The vendors' published rate limits times this; 0 turns them off.
    #[arg(long, default_value_t = 100)]
    rate_scale: u32,
    /// Give up after this many seconds.
    #[arg(long, default_value_t = 600)]
    deadline: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let run = SoakRun {
        fault_rate: args.fault_rate,
        seed: args.seed,
        crashes: args.crashes,
        rate_scale: (args.rate_scale > 0).then_some(args.rate_scale),
        deadline: Duration::from_secs(args.deadline),
        progress: true,
        ..SoakRun::new(args.returns)
    };
    eprintln!(
        "soak: {} returns, {:.0} % of calls faulted, {} crashes, seed {}",
        run.returns,
        run.fault_rate * 100.0,
        run.crashes,
        run.seed
    );
    match soak::run(&run).await {
        Ok(result) => {
            println!("{result}");
            if result.is_clean() && result.crashes == run.crashes {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
        }
        Err(e) => {
            eprintln!("soak: {e}");
            ExitCode::from(2)
        }
    }
}

//! The scale-out proof at full size: several workers on one PostgreSQL
//! database over several merchants with faults, once with every worker to
//! the end and once with one worker aborted part way.
//!
//! ```text
//! cargo run --release -p examples --bin workers_proof                 # 4 workers, 3 × 1,000 returns
//! cargo run --release -p examples --bin workers_proof -- --returns 200
//! ```
//!
//! The database is the one `DATABASE_URL` names, or a throwaway server
//! started from the machine's PostgreSQL binaries. Everything is counted
//! from the simulators' state. Prints a Markdown table; exits 1 when a run
//! is not clean (a return not as planned, or anything done twice).

use std::process::ExitCode;
use std::time::Duration;

use clap::Parser;
use examples::scale::{self, ScaleResult, ScaleRun};
use returns_sync::config::StoreConfig;
use sandbox::postgres::TestPostgres;

/// The scale-out proof: workers on one PostgreSQL database.
#[derive(Debug, Parser)]
struct Args {
    /// Merchants (one sandbox each).
    #[arg(long, default_value_t = 3)]
    merchants: usize,
    /// Returns per merchant.
    #[arg(long, default_value_t = 1000)]
    returns: usize,
    /// Workers sharing the database.
    #[arg(long, default_value_t = 4)]
    workers: usize,
    /// Share of vendor calls faulted (half 5xx, half dropped after the write).
    #[arg(long, default_value_t = 0.05)]
    fault_rate: f64,
    /// How long a claim lasts, in seconds.
    #[arg(long, default_value_t = 5)]
    lease_seconds: u64,
    /// Seed of the scenarios and faults.
    #[arg(long, default_value_t = 7)]
    seed: u64,
}

#[tokio::main]
async fn main() -> ExitCode {
    let args = Args::parse();
    let server = match TestPostgres::start() {
        Ok(server) => server,
        Err(err) => {
            eprintln!("error: {err}");
            return ExitCode::from(2);
        }
    };
    let mut rows = Vec::new();
    for (name, abort_one_at) in [("all workers", None), ("one aborted at 30 %", Some(0.3))] {
        let database = if abort_one_at.is_some() {
            "workers_proof_aborted"
        } else {
            "workers_proof"
        };
        let url = match server.create_database(database).await {
            Ok(url) => url,
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(2);
            }
        };
        let run = ScaleRun {
            merchants: args.merchants,
            returns: args.returns,
            workers: args.workers,
            fault_rate: args.fault_rate,
            abort_one_at,
            lease: Duration::from_secs(args.lease_seconds),
            deadline: Duration::from_secs(600),
            latency: Duration::ZERO,
            client_limits: true,
            store: StoreConfig::postgres("DATABASE_URL"),
            postgres_url: Some(url),
            seed: args.seed,
        };
        eprintln!("running: {name} …");
        match scale::run(&run).await {
            Ok(result) => rows.push((name, result)),
            Err(err) => {
                eprintln!("error: {err}");
                return ExitCode::from(2);
            }
        }
    }
    print_table(&args, &rows);
    // The second run proves nothing unless its worker was aborted mid-run.
    let aborted_as_asked = rows.iter().skip(1).all(|(_, result)| result.aborted_worker);
    if aborted_as_asked && rows.iter().all(|(_, result)| result.is_clean()) {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

fn print_table(args: &Args, rows: &[(&str, ScaleResult)]) {
    println!(
        "{} workers, one PostgreSQL database, {} merchants × {} returns, {:.0} % of vendor calls faulted, {} cores\n",
        args.workers,
        args.merchants,
        args.returns,
        args.fault_rate * 100.0,
        std::thread::available_parallelism().map_or(1, |n| n.get()),
    );
    println!(
        "| run | worker aborted | returns | as planned | tickets | duplicate tickets | duplicate notes | duplicate actions | wall time |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    for (name, result) in rows {
        println!(
            "| {name} | {} | {} | {} | {} | {} | {} | {} | {:.1} s |",
            if result.aborted_worker { "yes" } else { "no" },
            result.returns,
            result.as_planned,
            result.tickets,
            result.duplicate_tickets,
            result.duplicate_notes,
            result.duplicate_actions,
            result.elapsed.as_secs_f64(),
        );
    }
    for (name, result) in rows {
        if !result.not_as_planned.is_empty() {
            println!(
                "\n{name}: not as planned: {}",
                result.not_as_planned.join(", ")
            );
        }
    }
}

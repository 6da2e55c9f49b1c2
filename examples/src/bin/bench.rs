//! The benchmark suite: the SDK against its limits, as ratios measured in
//! one run.
//!
//! ```text
//! cargo run --release -p examples --bin bench            # every measure, prints the table
//! cargo run --release -p examples --bin bench -- --quick # small sizes, to try it out
//! cargo run --release -p examples --bin bench -- --only rate
//! ```
//!
//! The table goes to standard output (Markdown), progress to standard
//! error. Exit code 0 when every bar passes, 1 when one fails, 2 when a
//! measure could not run.

#[path = "../bench/mod.rs"]
mod bench;

fn main() -> std::process::ExitCode {
    bench::cli::main()
}

//! Criterion micro-benchmarks behind measure 1 of the `bench` binary:
//! decoding one Loop return from JSON, converting it to the core model, and
//! planning its ASNs plus evaluating its receipt with `returns-core`, on the
//! same seeded returns.
//!
//! ```text
//! cargo bench -p examples --bench core
//! ```
//!
//! Criterion reports the time per return (throughput is one element per
//! return). The `bench` binary's table compares the same two functions
//! interleaved over 100,000 returns.

// The modules are shared with the `bench` binary; this target uses a part.
#[allow(dead_code)]
#[path = "../src/bench/error.rs"]
mod error;
#[allow(dead_code)]
#[path = "../src/bench/fixture.rs"]
mod fixture;
#[path = "../src/bench/pipeline.rs"]
mod pipeline;

use std::hint::black_box;

use criterion::{Criterion, Throughput};

/// Seeded returns per iteration: enough for every shape of return (one to
/// four units, one or two parcels, every receipt outcome).
const RETURNS: usize = 2_000;

fn per_return(c: &mut Criterion) {
    let fixture = fixture::Fixture::from_scenario(&fixture::scenario(RETURNS))
        .expect("seeded returns decode, convert and plan");
    let mut group = c.benchmark_group("per_return");
    group.throughput(Throughput::Elements(RETURNS as u64));
    group.bench_function("loop_json_decode", |b| {
        b.iter(|| pipeline::decode(black_box(&fixture.bodies)));
    });
    let decoded = pipeline::decode(&fixture.bodies);
    group.bench_function("loop_to_core_conversion", |b| {
        b.iter(|| pipeline::convert(black_box(&decoded)));
    });
    group.bench_function("core_plan_and_evaluate", |b| {
        b.iter(|| pipeline::plan_and_evaluate(&fixture, black_box(&fixture.cases)));
    });
    group.finish();
}

fn main() {
    let mut criterion = Criterion::default().configure_from_args();
    per_return(&mut criterion);
    criterion.final_summary();
}

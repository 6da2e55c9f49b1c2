//! Measure 1: `returns-core` planning and evaluation against merely decoding
//! the same returns from Loop-shaped JSON.
//!
//! The two are timed chunk by chunk, alternately (decode first in even
//! chunks, core first in odd ones), so both see the same machine noise; the
//! ratio of their totals over a pass is the measure, and the median pass is
//! reported.
//!
//! - **Decode**: `serde_json` into `loop_client::Return`, dropping included.
//! - **Core**: `plan_asns` then `evaluate_receipt` against the warehouse
//!   reports the fixture prepared, plans and decisions dropped included.
//! - The Loop → core conversion between the two is timed apart and reported
//!   for information; it is in neither side of the bar.
//!
//! Both sides read input laid out as its producer wrote it. The fixture
//! builds each return's core form between its JSON body and the temporaries
//! of decoding and planning it, so across 100,000 returns the few dozen
//! small strings of one return end up scattered over the heap, and the core
//! side timed cache misses that no caller pays (a caller plans the return it
//! just converted). So the core side runs on a copy of the cases made
//! before timing, one return after the other, as conversion lays them out;
//! like the JSON bodies, the copy is far larger than the caches and read
//! cold.

use std::hint::black_box;
use std::time::{Duration, Instant};

use super::fixture::{CoreCase, Fixture};
use super::pipeline::{convert, decode, plan_and_evaluate};
use super::report::Row;
use super::stats::{human, median, ratio};

/// Returns timed together before switching to the other side.
const CHUNK: usize = 1_000;

/// The bar: core time / decode time. Planning and evaluating a return
/// should cost at most a tenth of merely decoding it.
pub const BAR: f64 = 0.10;

/// Time of one pass, per side.
#[derive(Debug, Default, Clone, Copy)]
struct Pass {
    decode: Duration,
    convert: Duration,
    core: Duration,
}

fn one_pass(fixture: &Fixture, cases: &[CoreCase]) -> Pass {
    let mut pass = Pass::default();
    let chunks = fixture.bodies.chunks(CHUNK).zip(cases.chunks(CHUNK));
    for (index, (bodies, cases)) in chunks.enumerate() {
        let time_decode = |pass: &mut Pass| {
            let started = Instant::now();
            let decoded = black_box(decode(bodies));
            pass.decode += started.elapsed();
            let started = Instant::now();
            black_box(convert(&decoded));
            pass.convert += started.elapsed();
            let started = Instant::now();
            drop(decoded);
            pass.decode += started.elapsed();
        };
        let time_core = |pass: &mut Pass| {
            let started = Instant::now();
            black_box(plan_and_evaluate(fixture, cases));
            pass.core += started.elapsed();
        };
        if index.is_multiple_of(2) {
            time_decode(&mut pass);
            time_core(&mut pass);
        } else {
            time_core(&mut pass);
            time_decode(&mut pass);
        }
    }
    pass
}

/// Runs `passes` passes over the fixture (after one untimed warm-up pass)
/// and reports the median.
pub fn run(fixture: &Fixture, passes: usize) -> Vec<Row> {
    let count = fixture.bodies.len().max(1) as f64;
    // Cloned while the fixture's cases live, so the copies are allocated
    // afresh in order rather than into the holes between them.
    let cases = fixture.cases.clone();
    one_pass(fixture, &cases);
    let passes: Vec<Pass> = (0..passes.max(1))
        .map(|_| one_pass(fixture, &cases))
        .collect();
    let per_return = |pick: fn(&Pass) -> Duration| {
        median(
            &passes
                .iter()
                .map(|p| pick(p).as_nanos() as f64 / count)
                .collect::<Vec<_>>(),
        )
    };
    let core_ratio = median(
        &passes
            .iter()
            .map(|p| ratio(p.core.as_nanos() as f64, p.decode.as_nanos() as f64))
            .collect::<Vec<_>>(),
    );
    let convert_ratio = median(
        &passes
            .iter()
            .map(|p| ratio(p.convert.as_nanos() as f64, p.decode.as_nanos() as f64))
            .collect::<Vec<_>>(),
    );
    let n = fixture.bodies.len();
    vec![
        Row::at_most(
            format!("1. core plan+evaluate / Loop JSON decode ({n} returns)"),
            core_ratio,
            BAR,
        ),
        Row::info(
            "   core plan+evaluate, per return",
            human(per_return(|p| p.core)),
        ),
        Row::info(
            "   Loop JSON decode (serde_json), per return",
            human(per_return(|p| p.decode)),
        ),
        Row::info(
            "   Loop -> core conversion / decode",
            format!(
                "{convert_ratio:.3} ({} per return)",
                human(per_return(|p| p.convert))
            ),
        ),
    ]
}

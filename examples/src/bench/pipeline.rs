//! The two sides of measure 1, shared by the `bench` binary and the
//! criterion micro-benchmarks: decoding Loop returns from JSON, and the
//! core's planning and evaluation.

use std::hint::black_box;

use returns_core::{ArrivalClock, evaluate_receipt, plan_asns};

use super::fixture::{CoreCase, Fixture};

/// Decodes each body as a Loop return with `serde_json` (a body that does
/// not decode is skipped; the fixture's all do).
pub fn decode(bodies: &[Vec<u8>]) -> Vec<loop_client::Return> {
    bodies
        .iter()
        .filter_map(|body| serde_json::from_slice::<loop_client::Return>(body).ok())
        .collect()
}

/// Plans the ASNs of each return and evaluates its receipt; returns how many
/// decisions were made (so nothing is optimised away).
pub fn plan_and_evaluate(fixture: &Fixture, cases: &[CoreCase]) -> usize {
    let mut decided = 0;
    for case in cases {
        let Ok(plan) = plan_asns(&case.ret, &fixture.settings) else {
            continue;
        };
        let decision = evaluate_receipt(
            plan.drafts(),
            &case.observations,
            &fixture.settings.receipt_criteria,
            ArrivalClock::asn_created(case.ret.created_at),
            fixture.now,
        );
        black_box(&decision);
        decided += 1;
    }
    decided
}

/// Converts each decoded return to the core model; returns how many lines
/// the converted returns hold.
pub fn convert(returns: &[loop_client::Return]) -> usize {
    returns
        .iter()
        .filter_map(|ret| loop_client::conversion::to_core_return(ret).ok())
        .map(|ret| black_box(ret).lines.len())
        .sum()
}

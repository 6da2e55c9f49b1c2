//! The seeded returns the core and decoding benchmarks share: Loop-shaped
//! JSON bodies, the same returns in the core model, and what the warehouse
//! reports about each of their shipments.

use returns_core::{
    IntegrationSettings, ObservedLine, ReceivingPhase, ShipmentObservation, plan_asns,
};
use sandbox::scenario::{PlannedReceipt, Scenario, ScenarioConfig};
use time::OffsetDateTime;
use time::macros::datetime;

use super::error::BenchError;

/// Seed of every scenario the benchmarks generate.
pub const SEED: u64 = 9;

/// The fixed "now" of every scenario, so runs in different hours measure the
/// same data.
pub const NOW: OffsetDateTime = datetime!(2026-01-15 12:00 UTC);

/// The warehouse the ASNs are routed to (a CloudX simulator default).
pub const WAREHOUSE: &str = "BERGEN-NJ-01";

/// A scenario of `returns` returns (and as many orders) at [`NOW`].
pub fn scenario(returns: usize) -> Scenario {
    Scenario::generate(&ScenarioConfig::new(SEED, returns).with_now(NOW))
}

/// One return ready for the core: the converted return and the warehouse's
/// reports on its shipments.
#[derive(Debug, Clone)]
pub struct CoreCase {
    /// The return in the core model.
    pub ret: returns_core::Return,
    /// One report per shipment that arrived; none for parcels that never
    /// arrive.
    pub observations: Vec<ShipmentObservation>,
}

/// Everything the core and decoding benchmarks need, built once.
#[derive(Debug)]
pub struct Fixture {
    /// Each return as the Loop list endpoint sends it (JSON bytes).
    pub bodies: Vec<Vec<u8>>,
    /// The same returns, converted, with their warehouse reports.
    pub cases: Vec<CoreCase>,
    /// The integration settings (SKU identification, default criteria).
    pub settings: IntegrationSettings,
    /// The evaluation time.
    pub now: OffsetDateTime,
}

impl Fixture {
    /// Prepares the returns of a scenario (see [`scenario`]). The warehouse
    /// reports follow each return's planned receipt, applied to every
    /// shipment as the CloudX simulator does; they are built in the core
    /// model directly, so that only planning and evaluation are timed.
    ///
    /// # Errors
    ///
    /// [`BenchError::Fixture`] when a seeded return does not decode or
    /// convert, [`BenchError::Core`] when the core cannot plan it: both are
    /// bugs in the sandbox or the SDK, not in the benchmark.
    pub fn from_scenario(scenario: &Scenario) -> Result<Self, BenchError> {
        let returns = scenario.returns().len();
        let settings = IntegrationSettings::new(WAREHOUSE);
        let mut bodies = Vec::with_capacity(returns);
        let mut cases = Vec::with_capacity(returns);
        for (index, (value, plan)) in scenario.returns().iter().zip(scenario.plans()).enumerate() {
            let body = serde_json::to_vec(value).map_err(|e| fixture_error(index, e))?;
            let loop_return: loop_client::Return =
                serde_json::from_slice(&body).map_err(|e| fixture_error(index, e))?;
            let ret = loop_client::conversion::to_core_return(&loop_return)
                .map_err(|e| fixture_error(index, e))?;
            let asns = plan_asns(&ret, &settings).map_err(|e| BenchError::Core {
                return_id: plan.return_id.clone(),
                message: e.to_string(),
            })?;
            let observations = asns
                .drafts()
                .iter()
                .filter_map(|draft| observe(draft, &plan.receipt))
                .collect();
            bodies.push(body);
            cases.push(CoreCase { ret, observations });
        }
        Ok(Self {
            bodies,
            cases,
            settings,
            now: NOW,
        })
    }
}

fn fixture_error(index: usize, error: impl std::fmt::Display) -> BenchError {
    BenchError::Fixture {
        index,
        message: error.to_string(),
    }
}

/// What the warehouse reports about one ASN under a planned receipt: `None`
/// when the parcel never arrives.
fn observe(
    draft: &returns_core::AsnDraft,
    receipt: &PlannedReceipt,
) -> Option<ShipmentObservation> {
    let (mut missing, mut damaged) = match receipt {
        PlannedReceipt::NeverArrives => return None,
        PlannedReceipt::Short { missing_units } => (*missing_units, 0),
        PlannedReceipt::Damaged { damaged_units } => (0, *damaged_units),
        PlannedReceipt::Full | PlannedReceipt::UnexpectedItem { .. } => (0, 0),
    };
    let received_at = NOW - time::Duration::hours(1);
    let mut observation =
        ShipmentObservation::new(draft.reference_number.clone(), ReceivingPhase::Received)
            .with_arrived_at(received_at)
            .with_received_at(received_at);
    for line in &draft.lines {
        let expected = line.expected_quantity.get();
        let short = missing.min(expected);
        missing -= short;
        let received = expected - short;
        let broken = damaged.min(received);
        damaged -= broken;
        observation = observation.with_line(ObservedLine::new(&line.item, received, broken));
    }
    if let PlannedReceipt::UnexpectedItem { sku, quantity } = receipt {
        observation = observation.with_line(ObservedLine::from_identifiers(
            Some(sku.clone()),
            None,
            *quantity,
            0,
        ));
    }
    Some(observation)
}

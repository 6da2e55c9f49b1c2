//! Loading a [`Scenario`] into the three simulators.

use std::fmt;
use std::panic::resume_unwind;

use serde_json::json;

use crate::cartrover_sim::CartroverSim;
use crate::cloudx_sim::{CloudxSim, ReceiptOutcome};
use crate::loop_sim::LoopSim;
use crate::scenario::{PlannedReceipt, Scenario};
use crate::{SandboxError, Simulator};

/// Loads a scenario: returns into Loop, the item master and planned receipt
/// outcomes into CloudX, orders, products and inventory into CartRover.
///
/// Receipt outcomes are keyed by the Loop return id: an integration must send
/// it as the ticket's `rma_number` for the planned outcome to apply (other
/// tickets get the CloudX config's default mix).
pub(crate) fn seed(
    scenario: &Scenario,
    loop_sim: &LoopSim,
    cloudx: &CloudxSim,
    cartrover: &CartroverSim,
) -> Result<(), SandboxError> {
    // Loop and CartRover seeding are independent and take seconds each for
    // 100,000 records: run them side by side.
    std::thread::scope(|scope| {
        let loop_seeding = scope.spawn(|| seed_loop(scenario, loop_sim));
        seed_cloudx(scenario, cloudx);
        let cartrover_result = seed_cartrover(scenario, cartrover);
        let loop_result = loop_seeding
            .join()
            .unwrap_or_else(|panic| resume_unwind(panic));
        loop_result.and(cartrover_result)
    })
}

fn seed_loop(scenario: &Scenario, loop_sim: &LoopSim) -> Result<(), SandboxError> {
    for value in scenario.returns() {
        loop_sim
            .try_insert_return(value.clone())
            .map_err(|error| seed_error(Simulator::Loop, error))?;
    }
    Ok(())
}

fn seed_cloudx(scenario: &Scenario, cloudx: &CloudxSim) {
    for item in scenario.item_master() {
        cloudx.insert_item(&item.sku, Some(&item.upc), Some(&item.description()));
    }
    for plan in scenario.plans() {
        cloudx.set_outcome(&plan.return_id, ReceiptOutcome::from(&plan.receipt));
    }
}

fn seed_cartrover(scenario: &Scenario, cartrover: &CartroverSim) -> Result<(), SandboxError> {
    for order in scenario.orders() {
        cartrover
            .try_insert_order(order.clone())
            .map_err(|error| seed_error(Simulator::Cartrover, error))?;
    }
    for item in scenario.item_master() {
        cartrover
            .insert_product(json!({
                "sku": item.sku,
                "name": item.title,
                "description": item.description(),
                "retail_price": item.price_cents as f64 / 100.0,
                "wholesale_price": (item.price_cents * 45 / 100) as f64 / 100.0,
                "weight_lbs": 1.0,
                "aliases": [{ "code_type": "UPC", "code": item.upc }],
            }))
            .map_err(|error| seed_error(Simulator::Cartrover, error))?;
    }
    let warehouse = cartrover.config().default_warehouse.clone();
    for level in scenario.inventory() {
        cartrover.set_warehouse_inventory(
            &warehouse,
            &level.sku,
            level.qty_on_hand,
            level.qty_available,
        );
    }
    Ok(())
}

fn seed_error(simulator: Simulator, error: impl fmt::Display) -> SandboxError {
    SandboxError::Seed {
        simulator,
        message: error.to_string(),
    }
}

/// The CloudX warehouse-model outcome of a planned receipt, as seeding sets
/// it (for tests and benchmarks that seed simulators of their own).
impl From<&PlannedReceipt> for ReceiptOutcome {
    fn from(receipt: &PlannedReceipt) -> Self {
        match receipt {
            PlannedReceipt::Full => ReceiptOutcome::FullReceipt,
            PlannedReceipt::Short { missing_units } => ReceiptOutcome::Short {
                missing_units: *missing_units,
            },
            PlannedReceipt::Damaged { damaged_units } => ReceiptOutcome::Damaged {
                damaged_units: *damaged_units,
            },
            PlannedReceipt::UnexpectedItem { sku, quantity } => ReceiptOutcome::UnexpectedItem {
                sku: sku.clone(),
                quantity: *quantity,
            },
            PlannedReceipt::NeverArrives => ReceiptOutcome::NeverArrives,
        }
    }
}

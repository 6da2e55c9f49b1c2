//! Configuration of the CloudX simulator.

use std::time::Duration;

use super::outcome::OutcomePolicy;

/// A warehouse location, as listed by `GET /warehouses`.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub struct Warehouse {
    /// Routing code tickets carry in `warehouse_code`, e.g. `BERGEN-NJ-01`.
    pub code: String,
    /// Human-readable name.
    pub name: String,
}

impl Warehouse {
    /// A warehouse with this code and name.
    pub fn new(code: impl Into<String>, name: impl Into<String>) -> Self {
        Self {
            code: code.into(),
            name: name.into(),
        }
    }
}

/// How the warehouse model works tickets on its own.
///
/// Each step moves every ticket that is not terminal, not held in
/// `PendingCSR` and not [`NeverArrives`](super::ReceiptOutcome::NeverArrives)
/// `statuses_per_step` statuses along `Draft → PendingPrinting →
/// PrintedPendingCount → CountingInProgress → PendingPutaway →
/// PutAwayInProgress → AddedToInventory`. Steps run when
/// [`CloudxSim::work_warehouse`](super::CloudxSim::work_warehouse) is called,
/// on `POST /v1/_sim/warehouse/step`, and every `step_every` when set.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WarehouseModel {
    /// Outcome of tickets without one set by
    /// [`CloudxSim::set_outcome`](super::CloudxSim::set_outcome).
    pub outcomes: OutcomePolicy,
    /// Seed of the random outcome mix.
    pub seed: u64,
    /// Speed: statuses a ticket moves per step (6 take a ticket from `Draft`
    /// to `AddedToInventory` in one step; 0 freezes the model).
    pub statuses_per_step: u32,
    /// Period of the background timer; `None` (the default) runs steps only
    /// on demand. The timer starts with the first
    /// [`CloudxSim::new`](super::CloudxSim::new) or
    /// [`CloudxSim::router`](super::CloudxSim::router) call made inside a
    /// Tokio runtime, and stops when every handle to the simulator is dropped.
    pub step_every: Option<Duration>,
}

impl Default for WarehouseModel {
    /// Full receipts, seed 0, one status per step, no timer.
    fn default() -> Self {
        Self {
            outcomes: OutcomePolicy::default(),
            seed: 0,
            statuses_per_step: 1,
            step_every: None,
        }
    }
}

/// Settings of a [`CloudxSim`](super::CloudxSim).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloudxConfig {
    /// The API client secret clients present as `Authorization: Bearer <secret>`.
    pub client_secret: String,
    /// Requests per second allowed on the API (not on `/_sim`), as a token
    /// bucket of that capacity refilled continuously; `None` disables the
    /// limit. CloudX publishes no limit: the default of 10/s is the
    /// simulator's choice.
    pub rate_limit_per_second: Option<u32>,
    /// Warehouses tickets may be routed to.
    pub warehouses: Vec<Warehouse>,
    /// The warehouse model.
    pub warehouse_model: WarehouseModel,
}

impl Default for CloudxConfig {
    fn default() -> Self {
        Self {
            client_secret: "cloudx-sim-secret".to_owned(),
            rate_limit_per_second: Some(10),
            warehouses: vec![
                Warehouse::new("BERGEN-NJ-01", "Bergen Logistics, Fairfield NJ"),
                Warehouse::new("BERGEN-NJ-02", "Bergen Logistics, Pine Brook NJ"),
            ],
            warehouse_model: WarehouseModel::default(),
        }
    }
}

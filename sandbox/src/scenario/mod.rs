//! Deterministic seeded scenarios: realistic Loop returns, the matching
//! CloudX item master, a planned receipt outcome per return, and CartRover
//! orders and inventory — all from one seed number.
//!
//! The same [`ScenarioConfig`] (seed, counts, rates and `now`) always gives
//! the same data, byte for byte: the generator uses ChaCha8, whose output is
//! fixed across `rand` releases, with one stream per kind of data (returns,
//! orders, inventory), so that asking for more orders does not change the
//! returns. Timestamps are placed relative to [`ScenarioConfig::now`].
//!
//! Every generated value is plain JSON in the vendor's documented shape, so
//! the scenario depends on no simulator type and could seed a real sandbox
//! account too. [`Sandbox::start`](crate::Sandbox::start) loads a scenario
//! into the three simulators.
//!
//! ```
//! use sandbox::scenario::{Expectation, Scenario, ScenarioConfig};
//!
//! let scenario = Scenario::generate(&ScenarioConfig::new(42, 20));
//! assert_eq!(scenario.returns().len(), 20);
//! let first = &scenario.plans()[0];
//! let planned = scenario.plan(&first.return_id).unwrap();
//! assert!(matches!(
//!     planned.expectation(),
//!     Expectation::Processed | Expectation::Flagged | Expectation::Waiting
//! ));
//! ```

mod catalog;
mod orders;
mod people;
mod plan;
mod returns;

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::Value;
use time::OffsetDateTime;
use time::macros::format_description;

pub use catalog::CatalogItem;
pub use orders::InventoryLevel;
pub use plan::{Expectation, PlannedLine, PlannedReceipt, PlannedReturn, PlannedShipment};

/// Relative weights of the receipt outcomes a scenario plans.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReceiptMix {
    /// Weight of [`PlannedReceipt::Full`].
    pub full: u32,
    /// Weight of [`PlannedReceipt::Short`].
    pub short: u32,
    /// Weight of [`PlannedReceipt::Damaged`].
    pub damaged: u32,
    /// Weight of [`PlannedReceipt::UnexpectedItem`].
    pub unexpected_item: u32,
    /// Weight of [`PlannedReceipt::NeverArrives`].
    pub never_arrives: u32,
}

impl Default for ReceiptMix {
    /// 70 % full, 8 % short, 8 % damaged, 6 % unexpected item, 8 % never
    /// arrives: mostly happy, with every unhappy path in a 100-return run.
    fn default() -> Self {
        Self {
            full: 70,
            short: 8,
            damaged: 8,
            unexpected_item: 6,
            never_arrives: 8,
        }
    }
}

/// What to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioConfig {
    /// The seed: same config, same data.
    pub seed: u64,
    /// Number of Loop returns.
    pub returns: usize,
    /// Number of CartRover orders.
    pub orders: usize,
    /// The moment the scenario is generated for: returns and orders are
    /// created during the [`history_days`](Self::history_days) before it.
    pub now: OffsetDateTime,
    /// Days of history the returns and orders are spread over.
    pub history_days: u32,
    /// Receipt outcomes to plan.
    pub receipts: ReceiptMix,
    /// Share of returns (0.0–1.0) containing a discontinued item that is
    /// missing from the CloudX item master. Default 0: every item is there.
    pub missing_item_rate: f64,
    /// Share of returns with two or more units (0.0–1.0) sent back in two
    /// parcels (two labels, two receiving tickets).
    pub multi_shipment_rate: f64,
}

impl ScenarioConfig {
    /// `returns` returns and as many orders from `seed`, over the last 28
    /// days before the start of the current UTC hour (so the same seed gives
    /// the same data within the hour; set [`now`](Self::now) for data that
    /// never changes), with the default receipt mix, no missing items and
    /// 15 % of multi-unit returns shipped in two parcels.
    pub fn new(seed: u64, returns: usize) -> Self {
        let now = OffsetDateTime::now_utc();
        let hour = now
            .replace_minute(0)
            .and_then(|t| t.replace_second(0))
            .and_then(|t| t.replace_nanosecond(0))
            .unwrap_or(now);
        Self {
            seed,
            returns,
            orders: returns,
            now: hour,
            history_days: 28,
            receipts: ReceiptMix::default(),
            missing_item_rate: 0.0,
            multi_shipment_rate: 0.15,
        }
    }

    /// Sets [`now`](Self::now).
    pub fn with_now(mut self, now: OffsetDateTime) -> Self {
        self.now = now;
        self
    }

    /// Sets the number of CartRover orders.
    pub fn with_orders(mut self, orders: usize) -> Self {
        self.orders = orders;
        self
    }

    /// Sets the share of returns with an item missing from the item master.
    pub fn with_missing_items(mut self, rate: f64) -> Self {
        self.missing_item_rate = rate;
        self
    }

    /// Sets the receipt mix.
    pub fn with_receipts(mut self, receipts: ReceiptMix) -> Self {
        self.receipts = receipts;
        self
    }
}

/// Sales tax of the fictional merchant, in percent, on returns and orders.
const TAX_PERCENT: u64 = 8;

/// Random streams, one per kind of data.
#[repr(u64)]
enum Stream {
    Returns = 1,
    Orders = 2,
    Inventory = 3,
}

/// A generated scenario. Cheap to query; load it with
/// [`Sandbox::start`](crate::Sandbox::start) (or feed the JSON values to the
/// simulators yourself).
#[derive(Clone, Debug)]
pub struct Scenario {
    config: ScenarioConfig,
    returns: Vec<Value>,
    plans: Vec<PlannedReturn>,
    plan_index: HashMap<String, usize>,
    item_master: Vec<CatalogItem>,
    orders: Vec<Value>,
    inventory: Vec<InventoryLevel>,
}

impl Scenario {
    /// Generates the scenario of `config`.
    pub fn generate(config: &ScenarioConfig) -> Self {
        let catalog = catalog::catalog();
        // The streams are independent: generate returns beside the rest
        // (seconds for 100,000 of each), with identical results.
        let (returns, orders, inventory) = std::thread::scope(|scope| {
            let returns = scope.spawn(|| {
                returns::generate(config, &catalog, &mut rng(config.seed, Stream::Returns))
            });
            let orders =
                orders::generate_orders(config, &catalog, &mut rng(config.seed, Stream::Orders));
            let inventory =
                orders::generate_inventory(&catalog, &mut rng(config.seed, Stream::Inventory));
            let returns = returns
                .join()
                .unwrap_or_else(|panic| std::panic::resume_unwind(panic));
            (returns, orders, inventory)
        });
        let (returns, plans): (Vec<Value>, Vec<PlannedReturn>) = returns.into_iter().unzip();
        let plan_index = plans
            .iter()
            .enumerate()
            .map(|(index, plan)| (plan.return_id.clone(), index))
            .collect();
        Self {
            config: config.clone(),
            returns,
            plans,
            plan_index,
            item_master: catalog,
            orders,
            inventory,
        }
    }

    /// The config this scenario was generated from.
    pub fn config(&self) -> &ScenarioConfig {
        &self.config
    }

    /// Loop Return objects (spec §6, list shape), oldest first, all `open`.
    pub fn returns(&self) -> &[Value] {
        &self.returns
    }

    /// The plan of every return, in the order of [`returns`](Self::returns).
    pub fn plans(&self) -> &[PlannedReturn] {
        &self.plans
    }

    /// The plan of the return with this Loop id.
    pub fn plan(&self, return_id: &str) -> Option<&PlannedReturn> {
        self.plan_index
            .get(return_id)
            .map(|&index| &self.plans[index])
    }

    /// The CloudX item master: the whole catalogue. Items of returns planned
    /// with [`missing_skus`](PlannedReturn::missing_skus) are not in it.
    pub fn item_master(&self) -> &[CatalogItem] {
        &self.item_master
    }

    /// CartRover orders in the create-request shape (spec §8.1), oldest
    /// first, plus the response field `created_date_time` so that seeding
    /// backdates them (drop it before sending an order to a live E1).
    /// `order_source` is left out: the simulator's cart name applies.
    pub fn orders(&self) -> &[Value] {
        &self.orders
    }

    /// Warehouse stock of every catalogue SKU.
    pub fn inventory(&self) -> &[InventoryLevel] {
        &self.inventory
    }

    /// How many returns expect each outcome (with no channel excluded).
    pub fn expectation_counts(&self) -> HashMap<Expectation, usize> {
        let mut counts = HashMap::new();
        for plan in &self.plans {
            *counts.entry(plan.expectation()).or_insert(0) += 1;
        }
        counts
    }
}

fn rng(seed: u64, stream: Stream) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream as u64);
    rng
}

/// Picks an entry by weight (weights need not sum to anything special, but
/// at least one must be positive).
fn weighted<'a, T>(rng: &mut impl Rng, entries: &'a [(T, u32)]) -> &'a T {
    let total: u64 = entries.iter().map(|(_, weight)| u64::from(*weight)).sum();
    let mut ticket = rng.random_range(0..total.max(1));
    for (value, weight) in entries {
        if ticket < u64::from(*weight) {
            return value;
        }
        ticket -= u64::from(*weight);
    }
    &entries[entries.len() - 1].0
}

/// Cents as a decimal string with two places: `4900` → `"49.00"`.
fn cents(amount: u64) -> String {
    format!("{}.{:02}", amount / 100, amount % 100)
}

/// Loop's list timestamp: `2023-01-01T22:27:15.000Z`.
fn loop_timestamp(at: OffsetDateTime) -> String {
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .expect("years 0..=9999 always format")
}

#[cfg(test)]
mod tests;

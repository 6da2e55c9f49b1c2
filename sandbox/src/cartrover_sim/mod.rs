//! A stateful simulator of the CartRover / Extensiv Integration Manager REST
//! API (`specs/cartrover-api.md`), built from the spec and independent of
//! `cartrover-client`.
//!
//! # What it serves
//!
//! Every endpoint of spec §4 under `/v1/...` (base URL for clients: the
//! server's root, e.g. `http://127.0.0.1:PORT`):
//!
//! * Cart level: create (E1, not rate limited; a one-element array is the
//!   single form), batch create (E2), view (E3), status (E4), list (E5),
//!   cancel (E6 and the legacy E6b), update (E7).
//! * Merchant level (merchant keys, or warehouse keys with `X-Merchant-Pk`):
//!   view, status, list, update (E7m — E17a acknowledge and E17b ship are
//!   calls of it; *provisional* shapes, unverified against the live service),
//!   inventory (E8, E9), product (E10), order sources (E12), cart types (E13),
//!   ship-method mappings (E14, E15), and the simulator-only inventory write
//!   (E18, `POST /v1/merchant/inventory`).
//! * Warehouse level: ship methods (E11, any keys), merchant list (E16,
//!   provisional shape).
//!
//! And, outside the vendor paths, the simulator-control endpoints (no
//! credentials, not rate limited):
//!
//! * `POST /_sim/advance` — one progression step for every order (as
//!   [`CartroverSim::advance_orders`]); answers
//!   `{"advanced": [{"cust_ref", "order_status"}]}`.
//! * `POST /_sim/orders/{cust_ref}/advance[?merchant_pk=N]` — one step for one
//!   order; answers `{"cust_ref", "order_status", "advanced": bool}`, `404`
//!   with an `Invalid` envelope for an unknown order.
//! * `GET /_sim/orders` — the [`CartroverSim::orders`] snapshot.
//!
//! # Conventions (spec §11)
//!
//! * Every response, errors and unknown paths included, carries a fresh
//!   `X-CartRover-Process-ID`.
//! * API errors are HTTP 200 with `{"success_code": false, "error_code",
//!   "message"}`. Missing, wrong or wrong-level credentials answer
//!   [`CartroverConfig::auth_failure_status`] (default 401) with an `Invalid`
//!   envelope. Unknown paths answer 404, wrong methods 405, both with an
//!   `Invalid` envelope.
//! * One leaky bucket per credential; every endpoint but E1 is counted and
//!   carries `X-CartRover-Api-Minute-Hits-Remaining`; overflow answers
//!   `RateLimit` on HTTP 200.
//! * Responses reproduce the quirks of spec §3: numbers as strings in orders,
//!   `Description` capitalised, `Y`/`N` flags, UTC `+00:00` timestamps, `[]`
//!   for empty maps, numbers in the inventory list but strings in the
//!   single-SKU read, no `order_status` in the order view.
//!
//! # Choices where the spec is silent
//!
//! * Orders are listed oldest first (creation order), so paging is stable;
//!   lists emit `total-records`.
//! * `to_date` given as a bare date includes that whole (UTC) day; a bare
//!   `from_date` starts at midnight UTC; date-times without an offset are UTC.
//! * Create also refuses non-numeric amounts and quantities (`Invalid` /
//!   a `failed` entry naming the fields); the name requirement is met by any
//!   of `ship_`/`cust_` first name, last name or company.
//! * E2 duplicates carry no `index_pos` (as in the vendor's fixture); missing
//!   fields do.
//! * Cart keys see every order of their merchant (each simulated merchant has
//!   one cart, through which all its orders enter) and may also read
//!   inventory and products; merchant keys ignore `X-Merchant-Pk`.
//! * `include_order_extras`/`include_line_extras` add `extra_fields` (`[]` when
//!   none); `include_aliases` adds each line's inventory-style `aliases`;
//!   `include_filtered_items` has no effect (no line is ever filtered).
//! * A shipment posted without `items` counts for nothing in `num_shipped`;
//!   the simulated warehouse ships everything still to ship in one shipment
//!   with tracking number `1ZSIM…`, carrier and method from the order's
//!   (mapped) ship code, else the first configured WMS ship method.
//! * `confirmed` (E7) may list `shipments[].tracking_no`; each must be one of
//!   the order's.
//! * Inventory is independent of orders (shipping does not decrement it).
//! * Wrong-level credentials (e.g. merchant keys on a cart path) are an
//!   authentication failure; a missing, malformed or foreign `X-Merchant-Pk`
//!   is an `Invalid` envelope on 200. The legacy `?api_user=&api_key=` query
//!   auth is accepted when no `Authorization` header is sent.
//! * E1 with an array of several orders, and E2 with an empty array, are
//!   `Invalid`; E2 reports a duplicate within the same batch as
//!   `OrderDuplicate`.
//! * Cancel refuses `at_wms`, `shipped` and `confirmed` orders with
//!   `success: false` and a message naming the status; cancelling twice is
//!   `success: false` too.
//! * E12 elements are `{order_source, active}` (sources seen in the
//!   merchant's orders plus the cart's own), E13 elements `{cart_type}`; E14
//!   and E15 refuse an order source the merchant does not have.
//! * Money keeps the sent value, reformatted: prices with 4 decimals, other
//!   amounts 2, rounding half away from zero; quantities without trailing
//!   zeros.
//!
//! # Clock
//!
//! Timestamps come from the system clock unless pinned with
//! [`CartroverSim::set_now`]; the rate limiter and the progression timer use
//! Tokio time, so tests can drive them with paused time.

mod auth;
mod catalog;
mod clock;
mod config;
mod decimal;
mod listing;
mod order;
mod rate_limit;
mod routes;
mod state;
mod wire;

use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError, Weak};

use serde_json::{Value, json};
use time::OffsetDateTime;

pub use config::{CartroverConfig, LeakyBucketConfig, MerchantAccount, WmsShipMethod};

use auth::Directory;
use catalog::StockWrite;
use rate_limit::RateLimiter;
use state::{CreateFailure, State};
use wire::ProcessIds;

/// Why seeding the simulator failed.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum SeedError {
    /// The order is not a valid create request (spec §8.1); the message
    /// names the fields, as the API's `Invalid` would.
    InvalidOrder {
        /// What is wrong.
        message: String,
    },
    /// An order with this `cust_ref` already exists for the merchant.
    DuplicateOrder {
        /// The duplicated reference.
        cust_ref: String,
    },
    /// No order with this `cust_ref` exists for the merchant.
    UnknownOrder {
        /// The reference looked up.
        cust_ref: String,
    },
    /// The product is not valid (spec §8.6 shape).
    InvalidProduct {
        /// What is wrong.
        message: String,
    },
    /// No merchant with this pk is configured.
    UnknownMerchant {
        /// The pk asked for.
        pk: u64,
    },
}

impl fmt::Display for SeedError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidOrder { message } => write!(f, "invalid order: {message}"),
            Self::DuplicateOrder { cust_ref } => {
                write!(f, "an order with cust_ref {cust_ref} already exists")
            }
            Self::UnknownOrder { cust_ref } => write!(f, "no order with cust_ref {cust_ref}"),
            Self::InvalidProduct { message } => write!(f, "invalid product: {message}"),
            Self::UnknownMerchant { pk } => write!(f, "no merchant with pk {pk} is configured"),
        }
    }
}

impl std::error::Error for SeedError {}

/// The CartRover simulator: shared state behind a cheap `Clone`.
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use sandbox::cartrover_sim::{CartroverConfig, CartroverSim};
///
/// let sim = CartroverSim::new(CartroverConfig::default());
/// sim.insert_order(serde_json::json!({
///     "cust_ref": "BL-1", "ship_first_name": "Ada", "ship_address_1": "1 Main St",
///     "ship_city": "Secaucus", "ship_state": "NJ", "ship_zip": "07094", "ship_country": "US",
///     "items": [ { "item": "SKU-1", "quantity": 2, "price": 9.5 } ]
/// }));
/// let served = sandbox::serve_router(sim.router()).await?;
///
/// sim.advance_orders(); // new -> at_wms
/// sim.advance_orders(); // at_wms -> shipped, with a tracking number
///
/// let config = sim.config();
/// let status: serde_json::Value = reqwest::Client::new()
///     .get(format!("{}/v1/cart/orders/status/BL-1", served.base_url()))
///     .basic_auth(&config.api_user, Some(&config.api_key))
///     .send()
///     .await?
///     .json()
///     .await?;
/// assert_eq!(status["response"]["order_status"], "shipped");
/// assert!(status["response"]["shipments"][0]["tracking_no"].is_string());
/// served.shutdown().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Clone, Debug)]
pub struct CartroverSim {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: CartroverConfig,
    directory: Directory,
    limiter: RateLimiter,
    process_ids: Arc<ProcessIds>,
    state: Mutex<State>,
    timer_started: AtomicBool,
}

impl CartroverSim {
    /// A simulator with no orders and no inventory.
    pub fn new(config: CartroverConfig) -> Self {
        let inner = Inner {
            directory: Directory::new(&config),
            limiter: RateLimiter::new(config.rate_limit),
            process_ids: Arc::new(ProcessIds::new()),
            state: Mutex::new(State::new(&config)),
            timer_started: AtomicBool::new(false),
            config,
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The full API (vendor paths with auth, plus `/_sim/...`), sharing state
    /// with `self`. When [`CartroverConfig::auto_advance`] is set, the first
    /// call inside a Tokio runtime starts the progression timer; it stops
    /// once every clone of the simulator is dropped.
    pub fn router(&self) -> axum::Router {
        self.start_timer();
        routes::router(self.clone())
    }

    /// The configuration, including every credential.
    pub fn config(&self) -> &CartroverConfig {
        &self.inner.config
    }

    /// Adds an order (create-request shape, spec §8.1) to the primary
    /// merchant, as if created through its cart. Seeding may also set
    /// `created_date_time` (ISO 8601) to backdate the order.
    ///
    /// # Panics
    /// When the order is invalid or its `cust_ref` exists; use
    /// [`try_insert_order`](Self::try_insert_order) to handle that.
    pub fn insert_order(&self, order: Value) {
        if let Err(error) = self.try_insert_order(order) {
            panic!("CartroverSim::insert_order: {error}");
        }
    }

    /// As [`insert_order`](Self::insert_order), returning the `cust_ref`.
    ///
    /// # Errors
    /// [`SeedError::InvalidOrder`] or [`SeedError::DuplicateOrder`].
    pub fn try_insert_order(&self, order: Value) -> Result<String, SeedError> {
        self.insert_order_for(self.config().merchant_pk, order)
    }

    /// Adds an order to merchant `pk` (primary or one of
    /// [`CartroverConfig::other_merchants`]).
    ///
    /// # Errors
    /// [`SeedError::UnknownMerchant`], [`SeedError::InvalidOrder`] or
    /// [`SeedError::DuplicateOrder`].
    pub fn insert_order_for(&self, pk: u64, order: Value) -> Result<String, SeedError> {
        self.with_state(|state| {
            if !state.has_merchant(pk) {
                return Err(SeedError::UnknownMerchant { pk });
            }
            match state.create(pk, &order, true) {
                Ok((cust_ref, _)) => Ok(cust_ref),
                Err(CreateFailure::Rejected(rejected)) => Err(SeedError::InvalidOrder {
                    message: rejected.message,
                }),
                Err(CreateFailure::Duplicate { cust_ref, .. }) => {
                    Err(SeedError::DuplicateOrder { cust_ref })
                }
            }
        })
    }

    /// Sets the primary merchant's stock of `sku` in
    /// [`CartroverConfig::default_warehouse`]: `qty` on hand and available.
    pub fn set_inventory(&self, sku: &str, qty: i64) {
        let warehouse = self.config().default_warehouse.clone();
        self.set_warehouse_inventory(&warehouse, sku, qty, qty);
    }

    /// Sets the primary merchant's stock of `sku` in the named warehouse
    /// (warehouse ids are allocated on first use); the inventory endpoints
    /// report the sums over warehouses.
    pub fn set_warehouse_inventory(
        &self,
        warehouse: &str,
        sku: &str,
        qty_on_hand: i64,
        qty_available: i64,
    ) {
        let pk = self.config().merchant_pk;
        let write = StockWrite {
            sku: sku.to_owned(),
            qty_on_hand,
            qty_available,
            warehouse: Some(warehouse.to_owned()),
            wms_datetime: None,
        };
        // The primary merchant always exists, so this cannot fail.
        let _ = self.with_state(|state| state.write_stock(pk, write));
    }

    /// Adds or replaces product master data of the primary merchant (E10
    /// shape: `sku`, `name`, `description`, `retail_price`,
    /// `wholesale_price`, `weight_lbs`, `aliases` as `[{code_type, code}]`).
    ///
    /// # Errors
    /// [`SeedError::InvalidProduct`] without a `sku` or with non-numeric
    /// prices.
    pub fn insert_product(&self, product: Value) -> Result<(), SeedError> {
        let pk = self.config().merchant_pk;
        self.with_state(|state| state.upsert_product(pk, &product))
            .map(|_| ())
            .map_err(|message| SeedError::InvalidProduct { message })
    }

    /// One progression step for every order: `new` → `at_wms` → `shipped`
    /// (with a shipment and tracking number). Orders on hold or with
    /// sending canceled stay `new`. Returns how many orders moved.
    pub fn advance_orders(&self) -> usize {
        self.with_state(|state| state.advance_all()).len()
    }

    /// One progression step for one order of the primary merchant; `true`
    /// when it moved.
    ///
    /// # Errors
    /// [`SeedError::UnknownOrder`].
    pub fn advance_order(&self, cust_ref: &str) -> Result<bool, SeedError> {
        let pk = self.config().merchant_pk;
        self.with_state(|state| state.advance_order(pk, cust_ref))
            .map(|moved| moved.is_some())
            .map_err(|_| SeedError::UnknownOrder {
                cust_ref: cust_ref.to_owned(),
            })
    }

    /// Every order of every merchant, oldest first, in the list shape of
    /// E5 with all `include_*` extras (so with `order_status`, `total_qty`,
    /// `num_shipped`, `num_to_ship`, `items` and `shipments`).
    pub fn orders(&self) -> Vec<Value> {
        self.with_state(|state| state.snapshot())
    }

    /// Pins the simulator clock at `now` (timestamps of later changes use it
    /// until it is pinned again or released).
    pub fn set_now(&self, now: OffsetDateTime) {
        self.with_state(|state| state.clock.pin(Some(now)));
    }

    /// Releases a pinned clock: back to the system clock.
    pub fn use_system_clock(&self) {
        self.with_state(|state| state.clock.pin(None));
    }

    /// A summary for humans (e.g. the sandbox binary): credentials per level.
    pub fn credentials_summary(&self) -> Value {
        let config = self.config();
        json!({
            "cart": { "api_user": config.api_user, "api_key": config.api_key },
            "merchant": {
                "api_user": config.merchant_api_user,
                "api_key": config.merchant_api_key,
                "merchant_pk": config.merchant_pk,
            },
            "warehouse": {
                "api_user": config.warehouse_api_user,
                "api_key": config.warehouse_api_key,
            },
        })
    }

    fn inner(&self) -> &Inner {
        &self.inner
    }

    /// Runs `f` under the state lock (never across an await).
    fn with_state<T>(&self, f: impl FnOnce(&mut State) -> T) -> T {
        let mut state = self
            .inner
            .state
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        f(&mut state)
    }

    fn start_timer(&self) {
        let Some(period) = self.config().auto_advance else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.inner.timer_started.swap(true, Ordering::SeqCst) {
            return;
        }
        let weak: Weak<Inner> = Arc::downgrade(&self.inner);
        runtime.spawn(async move {
            let mut ticks = tokio::time::interval(period);
            ticks.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
            ticks.tick().await; // the first tick is immediate
            loop {
                ticks.tick().await;
                let Some(inner) = weak.upgrade() else { break };
                CartroverSim { inner }.advance_orders();
            }
        });
    }
}

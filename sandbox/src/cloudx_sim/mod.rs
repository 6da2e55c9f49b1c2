//! CloudX simulator: receiving tickets (ASNs), the item master and warehouses,
//! per the modelled REST surface of `specs/cloudx-api.md`, plus a warehouse
//! model that works tickets on its own.
//!
//! Serve [`CloudxSim::router`] and give clients `http://127.0.0.1:PORT/v1` as
//! the base URL and [`CloudxConfig::client_secret`] as the bearer token:
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use sandbox::cloudx_sim::{CloudxConfig, CloudxSim, ReceiptOutcome};
//!
//! let sim = CloudxSim::new(CloudxConfig::default());
//! sim.insert_item("SKU-1", Some("012345678905"), Some("Blue shirt"));
//! sim.set_outcome("RMA-7", ReceiptOutcome::Short { missing_units: 1 });
//! let served = sandbox::serve_router(sim.router()).await?;
//! let base_url = format!("{}/v1", served.base_url());
//! // … create tickets through the API, then let the warehouse work them:
//! for _ in 0..6 {
//!     sim.work_warehouse();
//! }
//! # let _ = base_url;
//! served.shutdown().await
//! # }
//! ```
//!
//! # Behaviour where the specification is silent
//!
//! * **Errors**: `{"errors":[{code, severity, message, field?}]}` with
//!   `severity` always `"Error"` and `field` omitted when the error is not
//!   about one field. Codes 10, 41 and 83 come from the spec; the others are
//!   listed in [`error_codes`]. Validation reports every bad field at once.
//! * **Auth**: `Authorization: Bearer <secret>`, scheme case-insensitive; 401
//!   with `WWW-Authenticate: Bearer`. Authentication runs before the rate
//!   limit, so bad credentials do not use up the account's budget. `/_sim`
//!   endpoints need no credentials and are not rate limited.
//! * **Rate limit**: a token bucket of [`CloudxConfig::rate_limit_per_second`]
//!   tokens refilled continuously; 429 with `Retry-After` in whole seconds,
//!   rounded up, at least 1.
//! * **Create**: `type`, `warehouse_code` (one of the configured
//!   warehouses), `reference_number` and a non-empty `lines` are required;
//!   unknown and server-assigned fields are rejected with 422. A body that is
//!   not JSON is a 400. Checks run in this order: validation (422), duplicate
//!   reference (409 with `existing_id`), item master (422 code 83, one entry
//!   per unknown line at `lines[i].sku` or `lines[i].upc`). A line matches an
//!   item by SKU first, then by UPC; the item fills in a missing SKU, UPC or
//!   description. 201 carries `Location: /v1/receiving-tickets/{id}`.
//! * **Ids**: tickets `WHRTN1000001`, `WHRTN1000002`, …; lines
//!   `{ticket id}-{n}`.
//! * **Listing**: creation order; `page` is 1-based; `per_page` outside
//!   1..=200, an unknown status (names are case-sensitive), a bad
//!   `updated_since` or an unknown parameter is a 422 naming the parameter;
//!   empty parameters are ignored; `updated_since` is inclusive
//!   (`updated_at >= updated_since`). A page past the end is empty with
//!   `next_page: null`.
//! * **Items**: `GET /items` with both or neither of `sku`/`upc` is a 422.
//! * **Cancel**: cancelling a ticket that is not `Draft`/`PendingCSR`,
//!   including an already cancelled one, is 409 code 10.
//! * **Counts**: `damaged_quantity` is part of `received_quantity`. Lines the
//!   warehouse found that were not on the ticket are added with
//!   `expected_quantity` 0 and condition `WrongItem`. Timestamps have
//!   millisecond precision; `arrived_at` is set when a ticket first reaches
//!   `PendingPrinting` or later, `received_at` at `AddedToInventory`.
//! * **`/_sim` controls**: `advance` only changes the status (counts stay as
//!   they are); `receive` replaces the counts of the lines it names, adds a
//!   line for a SKU/UPC not on the ticket, and refuses terminal tickets with
//!   409 code 10. Unknown fields in their bodies are a 422.
//! * **Warehouse model**: counts are recorded when a ticket reaches
//!   `CountingInProgress`, never over counts recorded by `/receive`; tickets
//!   held in `PendingCSR` and [`ReceiptOutcome::NeverArrives`] tickets are
//!   not moved. See [`WarehouseModel`] and [`ReceiptOutcome`].
//! * **Extra `/_sim` endpoint**: `POST /v1/_sim/warehouse/step` runs one
//!   warehouse step, for processes that drive the sandbox binary over HTTP.

mod api;
mod clock;
mod config;
mod create;
mod error;
mod fields;
mod items;
mod middleware;
mod outcome;
mod query;
mod rate_limit;
mod receive;
mod shared;
mod sim_api;
mod status;
mod store;
mod ticket;

use std::sync::atomic::Ordering;
use std::sync::{Arc, Weak};
use std::time::Duration;

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post};
use time::OffsetDateTime;

pub use config::{CloudxConfig, Warehouse, WarehouseModel};
pub use error::error_codes;
pub use items::Item as CloudxItem;
pub use outcome::{OutcomeMix, OutcomePolicy, ReceiptOutcome};

use items::Item;
use shared::Shared;

/// A stateful CloudX simulator. Cheap to clone: clones share one state.
#[derive(Clone, Debug)]
pub struct CloudxSim {
    shared: Arc<Shared>,
}

impl CloudxSim {
    /// A simulator with an empty item master and no tickets. Starts the
    /// warehouse timer when [`WarehouseModel::step_every`] is set and a Tokio
    /// runtime is running.
    pub fn new(config: CloudxConfig) -> Self {
        let sim = Self {
            shared: Arc::new(Shared::new(config)),
        };
        sim.start_timer_if_configured();
        sim
    }

    /// The API under `/v1` (give clients `http://127.0.0.1:PORT/v1`) and the
    /// simulator endpoints under `/v1/_sim`. Shares state with `self`.
    pub fn router(&self) -> Router {
        self.start_timer_if_configured();
        let shared = Arc::clone(&self.shared);
        let api = Router::new()
            .route(
                "/receiving-tickets",
                post(api::create_ticket).get(api::list_tickets),
            )
            .route("/receiving-tickets/{id}", get(api::get_ticket))
            .route("/receiving-tickets/{id}/cancel", post(api::cancel_ticket))
            .route("/items", get(api::find_items))
            .route("/warehouses", get(api::list_warehouses))
            // The last layer runs first: authenticate, then rate limit.
            .route_layer(from_fn_with_state(
                Arc::clone(&shared),
                middleware::rate_limit,
            ))
            .route_layer(from_fn_with_state(
                Arc::clone(&shared),
                middleware::authenticate,
            ));
        let sim = Router::new()
            .route(
                "/_sim/receiving-tickets/{id}/advance",
                post(sim_api::advance),
            )
            .route(
                "/_sim/receiving-tickets/{id}/receive",
                post(sim_api::receive),
            )
            .route("/_sim/items", post(sim_api::seed_items))
            .route("/_sim/warehouse/step", post(sim_api::step_warehouse));
        let routes = api
            .merge(sim)
            .method_not_allowed_fallback(api::method_not_allowed);
        Router::new()
            .nest("/v1", routes)
            .fallback(api::no_route)
            .layer(from_fn_with_state(
                Arc::clone(&shared),
                middleware::request_id,
            ))
            .with_state(shared)
    }

    /// The configuration the simulator runs with.
    pub fn config(&self) -> &CloudxConfig {
        &self.shared.config
    }

    /// Adds an item to the item master (or replaces the one with this SKU).
    pub fn insert_item(&self, sku: &str, upc: Option<&str>, description: Option<&str>) {
        self.shared.write().items.upsert(Item {
            sku: sku.to_owned(),
            upc: upc.map(str::to_owned),
            description: description.map(str::to_owned),
            ..Item::default()
        });
    }

    /// Adds an item with every item-master field (style, colour, size), or
    /// replaces the one with the same SKU.
    pub fn insert_full_item(&self, item: CloudxItem) {
        self.shared.write().items.upsert(item);
    }

    /// Sets what the warehouse model finds for every ticket of one return
    /// (each shipment of a multi-shipment return gets the same outcome):
    /// `rma_number` is matched against the tickets' `rma_number`, then
    /// against their `reference_number` (for tickets created without an RMA).
    /// May be called before or after the tickets exist; it applies to counts
    /// not yet recorded.
    pub fn set_outcome(&self, rma_number: &str, outcome: ReceiptOutcome) {
        self.shared.write().set_outcome(rma_number, outcome);
    }

    /// Every ticket in its wire form, in creation order.
    pub fn tickets(&self) -> Vec<serde_json::Value> {
        self.shared.read().snapshot()
    }

    /// How many `POST /receiving-tickets` calls created a ticket.
    pub fn create_count(&self) -> u64 {
        self.shared.create_count()
    }

    /// Runs one step of the warehouse model now (see [`WarehouseModel`]).
    /// Returns how many tickets moved.
    pub fn work_warehouse(&self) -> usize {
        self.shared.work_warehouse()
    }

    /// Stops the simulator clock at `now` (timestamps, `updated_since` and the
    /// rate limit all use it). By default the clock follows Tokio's clock
    /// from the wall time at [`CloudxSim::new`].
    pub fn set_now(&self, now: OffsetDateTime) {
        self.shared.clock().pin(now);
    }

    /// Moves the simulator clock forward, stopped or not.
    pub fn advance_clock(&self, by: Duration) {
        self.shared.clock().advance(by);
    }

    /// Spawns the warehouse timer once, if configured and a runtime is there.
    fn start_timer_if_configured(&self) {
        let Some(period) = self.shared.config.warehouse_model.step_every else {
            return;
        };
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            return;
        };
        if self.shared.timer_started.swap(true, Ordering::AcqRel) {
            return;
        }
        let shared = Arc::downgrade(&self.shared);
        runtime.spawn(run_timer(shared, period));
    }
}

/// Steps the warehouse every `period` until the simulator is dropped.
async fn run_timer(shared: Weak<Shared>, period: Duration) {
    let period = period.max(Duration::from_millis(1));
    let mut interval = tokio::time::interval_at(tokio::time::Instant::now() + period, period);
    interval.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        interval.tick().await;
        let Some(shared) = shared.upgrade() else {
            return;
        };
        shared.work_warehouse();
    }
}

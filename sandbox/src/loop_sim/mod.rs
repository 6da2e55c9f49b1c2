//! A stateful simulator of the Loop Returns warehouse API
//! (`/warehouse/...`, grading and disposition, programmatic webhooks), built
//! from `specs/loop-returns-api.md` and independent of `loop-client`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! use sandbox::loop_sim::{API_PREFIX, LoopConfig, LoopSim};
//!
//! let sim = LoopSim::new(LoopConfig::default());
//! sim.insert_return(serde_json::json!({
//!     "id": 40211877,
//!     "order_name": "#10452",
//!     "line_items": [{"line_item_id": 55120931, "sku": "LS-SAND-M"}],
//! }));
//! let served = sandbox::serve_router(sim.router()).await?;
//! let base_url = format!("{}{API_PREFIX}", served.base_url());
//! // Call `{base_url}/warehouse/return/40211877/process` with
//! // `X-Authorization: {sim.config().api_key}`.
//! # let _ = base_url;
//! # served.shutdown().await
//! # }
//! ```
//!
//! # Routes
//!
//! The API is served both under `/api/{version}` (any version segment:
//! `v1`, `2026-07`, `2026-10`, `unstable`; [`API_PREFIX`] is the default)
//! and at the root, so a client may be given either base URL.
//!
//! # Behaviour where the spec leaves a choice
//!
//! * **Shapes per surface.** The Detailed Returns List serves ids as strings
//!   and `2023-01-01T22:27:15.000Z` timestamps; Get Return Details serves
//!   integer ids and `2023-08-22 14:08:31` (UTC); Return webhooks integer
//!   ids, `2025-03-04T15:12:09Z`, numeric `refunds[].amount`, and `"N/A"`
//!   carrier / tracking number until assigned; ASN rows an integer `id`
//!   (the line item id) with string `return_line_item_id` / `order_id`.
//!   Seeded fields the simulator does not own (e.g.
//!   `provider_order_sales_channel`) are served as seeded on every surface —
//!   except that [`LoopConfig::omit_sales_channel_from_return_data`] drops
//!   `provider_order_sales_channel` from the Detailed Returns List and Get
//!   Return Details (Loop documents it on the Return webhook only), so that
//!   a client's fallback to the Orders API can be tested.
//! * **Orders** (`GET /orders/{id}`, scope [`LoopScope::Orders`]): the order
//!   of a stored return, found by the return's `order_id` (or
//!   `provider_order_id`), as `{id, name, channel: {id, name}, source}` with
//!   the seeded `provider_order_sales_channel` as `channel.name` (always,
//!   whatever the config) and `channel.id` `null`; `channel` is `null` for a
//!   return seeded without a channel. Ids are integers, strings with
//!   `X-Loop-Global-Identifier-Type: string`. An unknown order answers 404
//!   `ORDER_NOT_FOUND`.
//! * **State machine.** Process: `open` → `closed` (also from `review` when
//!   [`LoopConfig::allow_flagged_to_process`]). Flag: `open` → `review`
//!   (a no-op on `review`). Cancel: `open` → `cancelled`. Close: `open` or
//!   `review` → `closed`. Remove Line Items: `open` → `closed`. Every other
//!   start state is refused; `expired` is reached only through
//!   [`LoopSim::set_return_state`] or a seed.
//! * **Actions** answer the JSON string `"true"` on success. Refusals are
//!   HTTP 200 bodies: Process, Flag and Close use
//!   `{"errors":{"message","code"}}` (`UNPROCESSABLE_RETURN`, or
//!   `UNPROCESSABLE_FLAGGED_RETURN` when Process meets a flagged return);
//!   Cancel uses `{"content"}`; Remove Line Items answers 422. An unknown
//!   return answers 404 `{"errors":{"code":"NOT_FOUND"}}` (403 for Remove
//!   Line Items). Every action answered with success, accepted no-ops
//!   included, is logged per return: [`LoopSim::accepted_actions`],
//!   [`LoopSim::duplicate_actions`].
//! * **Process is applied at once** (Loop queues it): the state is `closed`
//!   when the call returns, and the `return.updated` / `return.closed`
//!   webhooks follow in the background. [`LoopSim::fail_next_processing`]
//!   makes the next Process of a return answer `"true"` but emit
//!   `return.processing.failed` and leave the state alone. The optional
//!   Process body (a JSON object) is recorded as an "Additional Details"
//!   note.
//! * **Remove Line Items** qualifies an item when it is not exchanged (empty
//!   `exchange_variant`, `outcome` not `exchange` / `upsell`).
//! * **Notes**: up to 255 characters (counted as characters), not blank;
//!   adding one does not change `updated_at`. Notes come back oldest first
//!   with `{id, content, created_at}`.
//! * **Seeds**: inserting a return whose id is stored replaces it, notes
//!   included.
//! * **List**: `from` / `to` are inclusive and may be given in any documented
//!   form (zone-less means UTC); only `from` means "until now", only `to`
//!   means "the 24 hours before `to`". `pageSize` outside 1..=750 is a 422.
//!   Returns come oldest first by the `filter` timestamp, then by id; the
//!   cursor is a key-set position, so pages stay stable while returns
//!   change, and it may be re-applied to the caller's own filters
//!   (a cursor made for another `filter` is a 422). `nextPageUrl` keeps the
//!   resolved `from` / `to`, so a default window does not slide between
//!   pages. Without `paginate=true` the whole window comes as a bare array.
//! * **Get Return Details** by `order_id` matches a return's `order_id` or
//!   `provider_order_id`; by `order_name` with or without `#`. When several
//!   returns match, the newest wins; `return_id` wins over `order_id` over
//!   `order_name`.
//! * **ASN** filters on `created_at`, includes every state, and follows the
//!   third-party defaults of spec §5.3: no `from` → a week ago, no `to` →
//!   end of today (UTC), an unparsable date → the Unix epoch.
//! * **Grading / disposition** need integer `line_item_id`s of stored
//!   returns, 1 to 30 items (the spec's limit; the guide's 20 is the
//!   client's concern), and store the result on the line item as
//!   `condition` / `disposition`; they change no state.
//! * **Rate limit**: a sliding one-minute window per key; a 429 carries
//!   `{"message":"Too Many Attempts."}` and no headers (none are
//!   documented); requests refused with 401 do not count.
//! * **Webhooks**: see [Webhooks](self#webhooks) below. One shop-wide
//!   secret ([`LoopConfig::webhook_secret`]). Events: `return.created` on
//!   [`LoopSim::insert_return`]; `return.updated` on every state change; and
//!   `return.closed` when the state becomes `closed`; `label.created` per
//!   label on insert and `label.updated` on [`LoopSim::set_label_status`]
//!   (a return's labels are its seeded `labels[]`, or one label from its
//!   flattened `carrier` / `tracking_number` when those are not `"N/A"`).
//!   Restock, gift-card and label-request topics are accepted but never
//!   fire. Subscriptions to non-loopback URLs are kept but never called.
//!
//! # Webhooks
//!
//! Deliveries are POSTed from a background task with the header
//! `X-Loop-Signature: base64(HMAC-SHA256(secret, raw body))`; the body
//! escapes `/` as `\/` like Loop's encoder. A failed delivery is retried
//! after `base_delay · 2^(n-1)` or the receiver's `Retry-After` seconds (more
//! than 30 minutes ends it), up to [`RetryPolicy::max_attempts`]; see
//! [`LoopSim::webhook_attempts`].
//!
//! # Clock
//!
//! The simulator reads the system clock unless [`LoopSim::set_now`] froze
//! it; the clock stamps state changes, notes and default list windows.

mod accepted;
mod actions;
mod asn;
mod cursor;
mod data;
mod delivery;
mod errors;
mod events;
mod grading;
mod guard;
mod labels;
mod machine;
mod model;
mod orders;
mod store;
mod subscriptions;
mod time_fmt;
mod webhooks_api;

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};

use axum::Router;
use axum::middleware::from_fn_with_state;
use axum::routing::{get, post, put};
use serde_json::Value;
use time::OffsetDateTime;

pub use accepted::AcceptedAction;
pub use delivery::{RetryPolicy, WebhookAttempt};
pub use machine::Action as ReturnAction;
pub use model::{InsertReturnError, ReturnState};

use delivery::Dispatcher;
use events::Event;
use guard::{Guard, RateWindow};
use model::Surface;
use store::Store;
use subscriptions::Subscriptions;

/// Path prefix of Loop's default API version; append it to the served base
/// URL to get the base URL a Loop client expects.
pub const API_PREFIX: &str = "/api/v1";

/// An API-key scope (spec §2.3) that the simulator checks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum LoopScope {
    /// `returns`: every `/warehouse/...` and `/dispositioning/...` endpoint.
    Returns,
    /// `developer_tools`: the `/webhooks` endpoints.
    DeveloperTools,
    /// "Order (read)" (assumed, spec §2.3): `GET /orders/{id}` of the
    /// Commerce-Data Orders API.
    Orders,
}

/// Settings of a [`LoopSim`].
#[derive(Clone, Debug)]
pub struct LoopConfig {
    /// The key expected in `X-Authorization` (raw, no `Bearer`).
    pub api_key: String,
    /// Scopes the key holds; a route outside them answers 401 as Loop does.
    pub scopes: Vec<LoopScope>,
    /// Requests per minute per key before 429 (Loop: 300); `None` disables
    /// the limit, e.g. for benchmarks.
    pub rate_limit_per_minute: Option<u32>,
    /// `shop_id` in webhook payloads and Webhook objects.
    pub shop_id: u64,
    /// Secret that signs webhook deliveries.
    pub webhook_secret: String,
    /// The shop setting "Allow flagged returns to process".
    pub allow_flagged_to_process: bool,
    /// Retry rule of webhook deliveries.
    pub webhook_retry: RetryPolicy,
    /// Leave `provider_order_sales_channel` out of the Detailed Returns List
    /// and Get Return Details, as Loop documents it only on the Return
    /// webhook. Webhook payloads and `GET /orders/{id}` still carry the
    /// channel. Default `false` (served as seeded).
    pub omit_sales_channel_from_return_data: bool,
}

impl LoopConfig {
    /// Omits `provider_order_sales_channel` from the Detailed Returns List
    /// and Get Return Details (see
    /// [`LoopConfig::omit_sales_channel_from_return_data`]).
    pub fn without_sales_channel_in_return_data(mut self) -> Self {
        self.omit_sales_channel_from_return_data = true;
        self
    }
}

impl Default for LoopConfig {
    fn default() -> Self {
        LoopConfig {
            api_key: "loop-sandbox-key".into(),
            scopes: vec![
                LoopScope::Returns,
                LoopScope::DeveloperTools,
                LoopScope::Orders,
            ],
            rate_limit_per_minute: Some(300),
            shop_id: 1,
            webhook_secret: "loop-sandbox-webhook-secret".into(),
            allow_flagged_to_process: false,
            webhook_retry: RetryPolicy::default(),
            omit_sales_channel_from_return_data: false,
        }
    }
}

/// The Loop Returns simulator: cheap to clone, all clones share one state.
#[derive(Clone)]
pub struct LoopSim {
    shared: Arc<Shared>,
}

impl fmt::Debug for LoopSim {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.shared.fmt(f)
    }
}

/// State shared by the simulator handle, the router and the middleware.
struct Shared {
    config: LoopConfig,
    state: Mutex<State>,
    limiter: Option<Mutex<RateWindow>>,
    dispatcher: Dispatcher,
}

impl fmt::Debug for Shared {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopSim")
            .field("config", &self.config)
            // `try_lock`: formatting must not deadlock inside a locked section.
            .field(
                "returns",
                &self.state.try_lock().map(|state| state.store.len()).ok(),
            )
            .finish_non_exhaustive()
    }
}

/// Everything behind the simulator's one lock; never held across an await.
#[derive(Debug, Default)]
struct State {
    store: Store,
    subscriptions: Subscriptions,
    frozen_now: Option<OffsetDateTime>,
    /// Returns whose next Process fails in the background, with the message.
    failing_processing: HashMap<u64, Option<String>>,
    /// Every return action answered with success.
    accepted: accepted::AcceptedLog,
}

impl State {
    fn now(&self) -> OffsetDateTime {
        self.frozen_now.unwrap_or_else(OffsetDateTime::now_utc)
    }
}

impl Shared {
    /// A return as the Detailed Returns List or Get Return Details serves
    /// it, with the config's omissions applied.
    fn render_return_data(&self, r: &model::StoredReturn, surface: Surface) -> Value {
        let mut value = r.render(surface);
        if self.config.omit_sales_channel_from_return_data
            && let Value::Object(fields) = &mut value
        {
            fields.remove(orders::SALES_CHANNEL_FIELD);
        }
        value
    }

    fn send(&self, events: Vec<Event>) {
        for event in events {
            self.dispatcher
                .dispatch(event.urls, event.topic, event.trigger, &event.payload);
        }
    }
}

/// Locks a mutex, carrying on after a panic elsewhere: the state is plain
/// data that stays consistent between statements.
fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(PoisonError::into_inner)
}

impl LoopSim {
    /// A simulator with no returns and no webhook subscriptions.
    pub fn new(config: LoopConfig) -> Self {
        let limiter = config
            .rate_limit_per_minute
            .map(|limit| Mutex::new(RateWindow::new(limit)));
        let dispatcher = Dispatcher::new(&config.webhook_secret, config.webhook_retry);
        LoopSim {
            shared: Arc::new(Shared {
                config,
                state: Mutex::new(State::default()),
                limiter,
                dispatcher,
            }),
        }
    }

    /// The full API, authentication and rate limit included, sharing state
    /// with `self`. See the [module docs](self#routes) for the paths.
    pub fn router(&self) -> Router {
        let shared = Arc::clone(&self.shared);
        let guard = |scope| {
            from_fn_with_state(
                Guard {
                    shared: Arc::clone(&shared),
                    scope,
                },
                guard::check,
            )
        };
        let returns = Router::new()
            .route("/warehouse/return/list", get(data::list))
            .route("/warehouse/return/details", get(data::details))
            .route("/warehouse/reporting/asn", get(data::asn))
            .route(
                "/warehouse/return/{return_id}/process",
                post(actions::process),
            )
            .route("/warehouse/return/{return_id}/flag", post(actions::flag))
            .route(
                "/warehouse/return/{return_id}/cancel",
                post(actions::cancel),
            )
            .route("/warehouse/return/{return_id}/close", post(actions::close))
            .route(
                "/warehouse/return/{return_id}/remove",
                post(actions::remove),
            )
            .route("/warehouse/return/{return_id}/notes", get(actions::notes))
            .route(
                "/warehouse/return/{return_id}/note",
                post(actions::add_note),
            )
            .route("/dispositioning/grade", post(grading::grade))
            .route("/dispositioning/assess", post(grading::assess))
            .route_layer(guard(LoopScope::Returns));
        let webhooks = Router::new()
            .route(
                "/webhooks",
                get(webhooks_api::list).post(webhooks_api::create),
            )
            .route(
                "/webhooks/{webhook_id}",
                put(webhooks_api::update).delete(webhooks_api::delete),
            )
            .route_layer(guard(LoopScope::DeveloperTools));
        let orders = Router::new()
            .route("/orders/{order_id}", get(orders::get_order))
            .route_layer(guard(LoopScope::Orders));
        let api: Router = returns
            .merge(webhooks)
            .merge(orders)
            .with_state(Arc::clone(&shared));
        Router::new()
            .nest("/api/{version}", api.clone())
            .merge(api)
            .fallback(|| async { errors::LoopError::NotFound("Route not found.") })
    }

    /// The configuration the simulator was built with.
    pub fn config(&self) -> &LoopConfig {
        &self.shared.config
    }

    /// Stores a Return object (spec §6), replacing one with the same id, and
    /// sends `return.created` to subscribers. See [`LoopSim::try_insert_return`].
    ///
    /// # Panics
    /// When the seed is invalid (see [`InsertReturnError`]): seeds come from
    /// tests and scenarios, where a bad one is a bug to surface at once.
    pub fn insert_return(&self, r: Value) {
        if let Err(e) = self.try_insert_return(r) {
            panic!("LoopSim::insert_return: {e}");
        }
    }

    /// Stores a Return object (spec §6) and returns its id. `id`,
    /// `order_id`, `provider_order_id` and `line_items[].line_item_id` may be
    /// integers or strings; timestamps any documented form; `state` defaults
    /// to `open`, `created_at` to now, `updated_at` to `created_at`; missing
    /// ids are allocated after the highest seen.
    ///
    /// # Errors
    /// When the value is not an object, a field has an unusable value, or a
    /// line item id belongs to another return.
    pub fn try_insert_return(&self, r: Value) -> Result<u64, InsertReturnError> {
        let events = {
            let mut state = lock(&self.shared.state);
            let now = state.now();
            let id = state.store.insert_seed(r, now)?;
            let shop_id = self.shared.config.shop_id;
            let mut events = state.return_events(shop_id, id, &["return.created"]);
            events.extend(state.label_events(shop_id, id, "label.created"));
            (id, events)
        };
        self.shared.send(events.1);
        Ok(events.0)
    }

    /// Every return, in the Detailed Returns List shape (string ids), by id.
    pub fn returns(&self) -> Vec<Value> {
        let state = lock(&self.shared.state);
        state
            .store
            .all()
            .into_iter()
            .map(|r| r.render(Surface::List))
            .collect()
    }

    /// The state of one return.
    pub fn return_state(&self, id: u64) -> Option<ReturnState> {
        lock(&self.shared.state).store.get(id).map(|r| r.state)
    }

    /// The contents of the notes on one return, oldest first (empty for an
    /// unknown return), for assertions that must not go through the API.
    pub fn notes(&self, id: u64) -> Vec<String> {
        lock(&self.shared.state)
            .store
            .get(id)
            .map(|r| r.notes.iter().map(|note| note.content.clone()).collect())
            .unwrap_or_default()
    }

    /// The return actions (process, flag, cancel, close, remove line items;
    /// not notes, see [`LoopSim::notes`]) the simulator answered with
    /// success on one return, oldest first — accepted no-ops included, such
    /// as a second Flag.
    pub fn accepted_actions(&self, id: u64) -> Vec<AcceptedAction> {
        lock(&self.shared.state).accepted.of(id)
    }

    /// How many returns had one action accepted more than once (see
    /// [`LoopSim::accepted_actions`]): what an integration that acts
    /// exactly once never causes.
    pub fn duplicate_actions(&self) -> usize {
        lock(&self.shared.state).accepted.returns_with_duplicates()
    }

    /// Moves a return to `state` as the merchant or Loop itself would (e.g.
    /// `expired` when the label was never used), stamping `updated_at` and
    /// sending `return.updated` (and `return.closed`). `false` when there
    /// is no such return.
    pub fn set_return_state(&self, id: u64, state: ReturnState) -> bool {
        let events = {
            let mut sim = lock(&self.shared.state);
            if sim.store.get(id).is_none() {
                return false;
            }
            actions::transition(&self.shared, &mut sim, id, state)
        };
        self.shared.send(events);
        true
    }

    /// Moves every label of return `id` to `status` (e.g. `in_transit`,
    /// `delivered`; spec §6.3), stamping `label_updated_at`, and sends
    /// `label.updated` for each label. `false` when there is no such return
    /// or it has no label (see the [module docs](self#webhooks)).
    pub fn set_label_status(&self, id: u64, status: &str) -> bool {
        let events = {
            let mut state = lock(&self.shared.state);
            let now = state.now();
            let changed = state
                .store
                .modify(id, |r| labels::set_status(r, status, now))
                .unwrap_or(false);
            if !changed {
                return false;
            }
            state.label_events(self.shared.config.shop_id, id, "label.updated")
        };
        self.shared.send(events);
        true
    }

    /// Freezes the simulator's clock at `now` (see [Clock](self#clock)).
    pub fn set_now(&self, now: OffsetDateTime) {
        lock(&self.shared.state).frozen_now = Some(now);
    }

    /// Returns to the system clock after [`LoopSim::set_now`].
    pub fn use_system_clock(&self) {
        lock(&self.shared.state).frozen_now = None;
    }

    /// The simulator's current time.
    pub fn now(&self) -> OffsetDateTime {
        lock(&self.shared.state).now()
    }

    /// Makes the next Process call on return `id` fail in the background:
    /// the call still answers `"true"`, the state stays, and subscribers of
    /// `return.processing.failed` get `message` (Loop's may be `null`).
    pub fn fail_next_processing(&self, id: u64, message: Option<&str>) {
        lock(&self.shared.state)
            .failing_processing
            .insert(id, message.map(str::to_owned));
    }

    /// Webhook delivery attempts so far (the latest 10,000), oldest first.
    pub fn webhook_attempts(&self) -> Vec<WebhookAttempt> {
        self.shared.dispatcher.attempts()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_simulator_can_be_shared_across_tasks() {
        fn assert_send_sync<T: Send + Sync + Clone + 'static>() {}
        assert_send_sync::<LoopSim>();
    }

    #[test]
    fn set_return_state_reaches_expired() {
        let sim = LoopSim::new(LoopConfig::default());
        let id = sim.try_insert_return(json!({})).expect("empty seed");
        assert!(sim.set_return_state(id, ReturnState::Expired));
        assert_eq!(sim.return_state(id), Some(ReturnState::Expired));
        assert_eq!(sim.returns()[0]["state"], "expired");
        assert!(format!("{sim:?}").contains("returns: Some(1)"));
    }
}

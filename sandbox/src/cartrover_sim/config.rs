//! Configuration of the CartRover simulator: accounts and their credentials,
//! the leaky bucket, and the behaviours the spec leaves open.

use std::time::Duration;

use axum::http::StatusCode;

/// Configuration of a [`CartroverSim`](super::CartroverSim).
///
/// The *primary* merchant (`merchant_*` fields) owns the cart credentials
/// (`api_user`/`api_key`) and is the merchant that
/// [`insert_order`](super::CartroverSim::insert_order) and
/// [`set_inventory`](super::CartroverSim::set_inventory) seed. The warehouse
/// (3PL "Global") credentials reach the primary merchant and every entry of
/// [`other_merchants`](Self::other_merchants) with
/// [`warehouse_access`](MerchantAccount::warehouse_access) set.
///
/// `Debug` shows the credentials: this is a local simulator with throw-away
/// keys, and tests print them on failure on purpose.
#[derive(Clone, Debug)]
pub struct CartroverConfig {
    /// Cart-level API user of the primary merchant's cart.
    pub api_user: String,
    /// Cart-level API key of the primary merchant's cart.
    pub api_key: String,
    /// Order source (cart name) of the primary merchant's cart; orders created
    /// without an `order_source` get this one.
    pub order_source: String,
    /// Primary merchant's pk, the value `X-Merchant-Pk` carries.
    pub merchant_pk: u64,
    /// Primary merchant's display name (E16 `merchant_name`).
    pub merchant_name: String,
    /// Merchant-level API user of the primary merchant.
    pub merchant_api_user: String,
    /// Merchant-level API key of the primary merchant.
    pub merchant_api_key: String,
    /// Warehouse-level ("Global") API user of the 3PL account.
    pub warehouse_api_user: String,
    /// Warehouse-level ("Global") API key of the 3PL account.
    pub warehouse_api_key: String,
    /// Further merchants, for multi-merchant (`X-Merchant-Pk`) tests.
    pub other_merchants: Vec<MerchantAccount>,
    /// Leaky bucket per credential; `None` disables rate limiting.
    pub rate_limit: Option<LeakyBucketConfig>,
    /// HTTP status of authentication failures (bad, missing or wrong-level
    /// credentials); the body is always the `Invalid` error envelope. The
    /// vendor's status is unconfirmed (spec §13 Q6); default `401` so that a
    /// client's non-2xx path is exercised, `200` reproduces "errors on 200".
    pub auth_failure_status: StatusCode,
    /// Cancelling (E6/E6b) answers `success: false` once an order is older
    /// than this on the simulator clock; `None` (default) means no window.
    pub cancel_window: Option<Duration>,
    /// When set, [`advance_orders`](super::CartroverSim::advance_orders) also
    /// runs on a timer with this period (started by the first
    /// [`router`](super::CartroverSim::router) call inside a Tokio runtime).
    pub auto_advance: Option<Duration>,
    /// IM's "Reject Unmapped Shipping Codes" switch: when on, a `new` order
    /// whose ship code maps to no WMS ship method goes to `error` at the next
    /// progression step, and back on its way once a mapping exists.
    pub reject_unmapped_ship_codes: bool,
    /// The WMS ship methods E11 lists and E15 validates `wms_code` against.
    pub wms_ship_methods: Vec<WmsShipMethod>,
    /// Warehouse name used when inventory is seeded without one and for the
    /// `whs_location` of simulated shipments.
    pub default_warehouse: String,
}

impl Default for CartroverConfig {
    fn default() -> Self {
        Self {
            api_user: "sandbox-cart-user".to_owned(),
            api_key: "sandbox-cart-key".to_owned(),
            order_source: "Online Store".to_owned(),
            merchant_pk: 1001,
            merchant_name: "Sandbox Merchant".to_owned(),
            merchant_api_user: "sandbox-merchant-user".to_owned(),
            merchant_api_key: "sandbox-merchant-key".to_owned(),
            warehouse_api_user: "sandbox-warehouse-user".to_owned(),
            warehouse_api_key: "sandbox-warehouse-key".to_owned(),
            other_merchants: Vec::new(),
            rate_limit: Some(LeakyBucketConfig::default()),
            auth_failure_status: StatusCode::UNAUTHORIZED,
            cancel_window: None,
            auto_advance: None,
            reject_unmapped_ship_codes: false,
            wms_ship_methods: WmsShipMethod::defaults(),
            default_warehouse: "NJ".to_owned(),
        }
    }
}

/// A further merchant of the 3PL account, with its own Merchant-level keys.
#[derive(Clone, Debug)]
pub struct MerchantAccount {
    /// The merchant's pk (`X-Merchant-Pk`).
    pub pk: u64,
    /// Display name (E16 `merchant_name`).
    pub name: String,
    /// Merchant-level API user.
    pub api_user: String,
    /// Merchant-level API key.
    pub api_key: String,
    /// Whether the warehouse credentials may act for this merchant; `false`
    /// makes it a "foreign" merchant whose pk the warehouse keys cannot use.
    pub warehouse_access: bool,
}

/// The leaky bucket of one credential (spec §2.4): `capacity` calls of burst,
/// one call regained every `refill_every`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LeakyBucketConfig {
    /// Bucket size in calls (vendor: 100).
    pub capacity: u32,
    /// Time to regain one call (vendor: 0.6 s).
    pub refill_every: Duration,
}

impl Default for LeakyBucketConfig {
    fn default() -> Self {
        Self {
            capacity: 100,
            refill_every: Duration::from_millis(600),
        }
    }
}

/// One WMS ship method (spec §8.7), as E11 lists it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WmsShipMethod {
    /// Carrier code, may be empty (e.g. "Will Call").
    pub carrier: String,
    /// The WMS ship code.
    pub code: String,
    /// Human-readable description.
    pub description: String,
}

impl WmsShipMethod {
    /// Builds a ship method from its three fields.
    pub fn new(carrier: &str, code: &str, description: &str) -> Self {
        Self {
            carrier: carrier.to_owned(),
            code: code.to_owned(),
            description: description.to_owned(),
        }
    }

    /// The seeded list: a few common UPS, USPS and FedEx services plus
    /// "Will Call" with an empty carrier, as in the vendor's fixture.
    pub fn defaults() -> Vec<Self> {
        vec![
            Self::new("UPS", "03", "UPS Ground"),
            Self::new("UPS", "01", "UPS Next Day Air"),
            Self::new("USPS", "09", "USPS Priority Mail"),
            Self::new("FEDEX", "92", "FedEx Ground"),
            Self::new("", "50", "Will Call"),
        ]
    }
}

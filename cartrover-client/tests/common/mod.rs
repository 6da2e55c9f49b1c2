//! Shared wiremock kit: clients aimed at a mock server, fixtures, matchers.
#![allow(dead_code)] // each test binary uses a different part of the kit

use cartrover_client::{
    CartClient, MerchantClient, NewOrder, NewOrderLine, PROCESS_ID_HEADER, RateLimit, ShipTo,
    Timeouts, WarehouseClient,
};
use wiremock::matchers::basic_auth;
use wiremock::{Match, MockBuilder, MockServer, Request, ResponseTemplate};

pub const USER: &str = "cart-user";
pub const KEY: &str = "s3cr3t-api-key-9f2c";

/// A reqwest client that keeps no idle timers, for paused-time tests.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("reqwest client")
}

pub fn cart(server: &MockServer) -> CartClient {
    CartClient::builder(USER, KEY)
        .base_url(server.uri())
        .timeouts(Timeouts::none())
        .http_client(http())
        .build()
        .expect("cart client")
}

pub fn cart_with_limit(server: &MockServer, limit: RateLimit) -> CartClient {
    CartClient::builder(USER, KEY)
        .base_url(server.uri())
        .timeouts(Timeouts::none())
        .http_client(http())
        .rate_limit(limit)
        .build()
        .expect("cart client")
}

pub fn merchant(server: &MockServer) -> MerchantClient {
    MerchantClient::builder(USER, KEY)
        .base_url(server.uri())
        .timeouts(Timeouts::none())
        .http_client(http())
        .build()
        .expect("merchant client")
}

pub fn warehouse(server: &MockServer) -> WarehouseClient {
    WarehouseClient::builder(USER, KEY)
        .base_url(server.uri())
        .timeouts(Timeouts::none())
        .http_client(http())
        .build()
        .expect("warehouse client")
}

/// The text of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> String {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// HTTP 200 with the fixture as JSON body and a process id header.
pub fn ok(name: &str, process_id: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_raw(fixture(name), "application/json")
        .insert_header(PROCESS_ID_HEADER, process_id)
}

/// HTTP 200 with `body` as JSON and a process id header.
pub fn ok_json(body: serde_json::Value) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_json(body)
        .insert_header(PROCESS_ID_HEADER, "pid-json")
}

/// `method` + `path` + Basic auth with the test credentials.
pub fn expect(method: &str, path: &str) -> MockBuilder {
    wiremock::Mock::given(wiremock::matchers::method(method))
        .and(wiremock::matchers::path(path))
        .and(basic_auth(USER, KEY))
}

/// Matches the raw (still percent-encoded) query string exactly.
pub struct RawQuery(pub &'static str);

impl Match for RawQuery {
    fn matches(&self, request: &Request) -> bool {
        request.url.query().unwrap_or("") == self.0
    }
}

/// Matches a request without a query string.
pub struct NoQuery;

impl Match for NoQuery {
    fn matches(&self, request: &Request) -> bool {
        request.url.query().is_none_or(str::is_empty)
    }
}

/// Matches a request that does not carry `header`.
pub struct WithoutHeader(pub &'static str);

impl Match for WithoutHeader {
    fn matches(&self, request: &Request) -> bool {
        !request.headers.contains_key(self.0)
    }
}

/// A complete order (every field CartRover requires), two units of SKU-1.
pub fn order(cust_ref: &str) -> NewOrder {
    NewOrder {
        cust_ref: cust_ref.into(),
        cust_po_no: Some("WEB-10045".into()),
        ship_to: ShipTo {
            first_name: Some("Ada".into()),
            last_name: Some("Lee".into()),
            address_1: Some("1 Main St".into()),
            city: Some("Secaucus".into()),
            state: Some("NJ".into()),
            zip: Some("07094".into()),
            country: Some("US".into()),
            is_billing: Some(true),
            ..ShipTo::default()
        },
        ship_code: Some("GROUND".into()),
        items: vec![NewOrderLine {
            price: Some("9.5".parse().unwrap()),
            extended_amount: Some("19.00".parse().unwrap()),
            ..NewOrderLine::new("SKU-1", 2)
        }],
        ..NewOrder::default()
    }
}

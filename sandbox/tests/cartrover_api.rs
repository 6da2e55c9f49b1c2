//! The CartRover simulator over HTTP with plain reqwest (not the client
//! crate), against `specs/cartrover-api.md`.

use std::time::Duration;

use reqwest::header::HeaderMap;
use reqwest::{Method, RequestBuilder, StatusCode};
use sandbox::cartrover_sim::{
    CartroverConfig, CartroverSim, LeakyBucketConfig, MerchantAccount, SeedError,
};
use sandbox::{Served, serve_router};
use serde_json::{Value, json};
use time::macros::datetime;

const PROCESS_ID: &str = "x-cartrover-process-id";
const HITS_REMAINING: &str = "x-cartrover-api-minute-hits-remaining";

struct Harness {
    sim: CartroverSim,
    served: Served,
    http: reqwest::Client,
}

/// What a call returned.
struct Answer {
    status: StatusCode,
    headers: HeaderMap,
    body: Value,
}

impl Answer {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    fn assert_error(&self, code: &str) {
        assert_eq!(self.status, StatusCode::OK, "{}", self.body);
        assert_eq!(self.body["success_code"], false, "{}", self.body);
        assert_eq!(self.body["error_code"], code, "{}", self.body);
        assert!(self.body["message"].as_str().is_some_and(|m| !m.is_empty()));
    }

    fn assert_success(&self) -> &Value {
        assert_eq!(self.status, StatusCode::OK, "{}", self.body);
        assert_eq!(self.body["success_code"], true, "{}", self.body);
        &self.body["response"]
    }
}

impl Harness {
    async fn start(config: CartroverConfig) -> Self {
        let sim = CartroverSim::new(config);
        let served = serve_router(sim.router()).await.unwrap();
        Self {
            sim,
            served,
            http: reqwest::Client::new(),
        }
    }

    async fn unlimited() -> Self {
        Self::start(CartroverConfig {
            rate_limit: None,
            ..CartroverConfig::default()
        })
        .await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.served.base_url())
    }

    fn cart(&self, method: Method, path: &str) -> RequestBuilder {
        let config = self.sim.config();
        self.http
            .request(method, self.url(path))
            .basic_auth(&config.api_user, Some(&config.api_key))
    }

    fn merchant(&self, method: Method, path: &str) -> RequestBuilder {
        let config = self.sim.config();
        self.http
            .request(method, self.url(path))
            .basic_auth(&config.merchant_api_user, Some(&config.merchant_api_key))
    }

    fn warehouse(&self, method: Method, path: &str) -> RequestBuilder {
        let config = self.sim.config();
        self.http
            .request(method, self.url(path))
            .basic_auth(&config.warehouse_api_user, Some(&config.warehouse_api_key))
    }

    async fn create(&self, order: Value) -> Answer {
        send(
            self.cart(Method::POST, "/v1/cart/orders/cartrover")
                .json(&order),
        )
        .await
    }

    async fn status_of(&self, cust_ref: &str) -> Value {
        let answer =
            send(self.cart(Method::GET, &format!("/v1/cart/orders/status/{cust_ref}"))).await;
        answer.assert_success().clone()
    }

    async fn stop(self) {
        self.served.shutdown().await.unwrap();
    }
}

async fn send(request: RequestBuilder) -> Answer {
    let response = request.send().await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let text = response.text().await.unwrap();
    let body = serde_json::from_str(&text).unwrap_or(Value::String(text));
    Answer {
        status,
        headers,
        body,
    }
}

fn order(cust_ref: &str) -> Value {
    json!({
        "cust_ref": cust_ref, "cust_po_no": format!("WEB-{cust_ref}"),
        "ship_first_name": "Ada", "ship_last_name": "Lee", "ship_address_1": "1 Main St",
        "ship_city": "Secaucus", "ship_state": "NJ", "ship_zip": "07094", "ship_country": "US",
        "ship_is_billing": true, "ship_code": "GROUND",
        "items": [
            { "item": "SKU-1", "quantity": 2, "price": 9.5, "extended_amount": 19.0, "description": "Widget" },
            { "item": "SKU-2", "quantity": "1", "price": "5.00", "extended_amount": "5.00" }
        ]
    })
}

// ----- transport, auth, envelope ---------------------------------------------

#[tokio::test]
async fn auth_failures_answer_401_with_an_invalid_envelope() {
    let h = Harness::unlimited().await;
    let path = "/v1/cart/orders/list/any";
    let missing = send(h.http.get(h.url(path))).await;
    let wrong = send(
        h.http
            .get(h.url(path))
            .basic_auth("sandbox-cart-user", Some("nope")),
    )
    .await;
    let not_basic = send(h.http.get(h.url(path)).bearer_auth("token")).await;
    let message = |answer: &Answer| answer.body["message"].as_str().unwrap().to_owned();
    assert!(message(&missing).contains("Missing"), "{}", missing.body);
    assert!(message(&not_basic).contains("Basic"), "{}", not_basic.body);
    for answer in [&missing, &wrong, &not_basic] {
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED);
        assert_eq!(answer.body["success_code"], false);
        assert_eq!(answer.body["error_code"], "Invalid");
        assert!(answer.header(PROCESS_ID).is_some());
    }
    h.stop().await;
}

#[tokio::test]
async fn auth_failure_status_is_configurable_to_200() {
    let h = Harness::start(CartroverConfig {
        auth_failure_status: StatusCode::OK,
        ..CartroverConfig::default()
    })
    .await;
    let answer = send(
        h.http
            .get(h.url("/v1/cart/orders/list/any"))
            .basic_auth("x", Some("y")),
    )
    .await;
    answer.assert_error("Invalid");
    h.stop().await;
}

#[tokio::test]
async fn legacy_url_auth_is_accepted() {
    let h = Harness::unlimited().await;
    let url = h.url("/v1/cart/orders/list/any?api_user=sandbox-cart-user&api_key=sandbox-cart-key");
    send(h.http.get(url)).await.assert_success();
    h.stop().await;
}

#[tokio::test]
async fn credentials_only_reach_their_own_level() {
    let h = Harness::unlimited().await;
    // Merchant keys on a cart path, cart keys on merchant order paths and on E16.
    let merchant_on_cart = send(h.merchant(Method::GET, "/v1/cart/orders/list/any")).await;
    let cart_on_merchant = send(h.cart(Method::GET, "/v1/merchant/orders/list/any")).await;
    let merchant_on_wms = send(h.merchant(Method::GET, "/v1/wms/merchant/list")).await;
    for answer in [merchant_on_cart, cart_on_merchant, merchant_on_wms] {
        assert_eq!(answer.status, StatusCode::UNAUTHORIZED, "{}", answer.body);
        assert_eq!(answer.body["error_code"], "Invalid");
    }
    // Cart keys may read inventory and any keys the WMS ship methods.
    send(h.cart(Method::GET, "/v1/merchant/inventory"))
        .await
        .assert_success();
    send(h.cart(Method::GET, "/v1/wms/shipmethod/list"))
        .await
        .assert_success();
    h.stop().await;
}

#[tokio::test]
async fn every_response_carries_a_fresh_process_id() {
    let h = Harness::start(CartroverConfig {
        rate_limit: Some(LeakyBucketConfig {
            capacity: 1,
            refill_every: Duration::from_secs(3600),
        }),
        ..CartroverConfig::default()
    })
    .await;
    let answers = [
        h.create(order("PID-1")).await,                              // success
        send(h.cart(Method::GET, "/v1/cart/orders/PID-1")).await,    // success (counted)
        send(h.cart(Method::GET, "/v1/cart/orders/PID-1")).await,    // RateLimit
        h.create(order("PID-1")).await,                              // Failure
        send(h.http.get(h.url("/v1/cart/orders/PID-1"))).await,      // 401
        send(h.http.get(h.url("/v1/nowhere"))).await,                // 404
        send(h.cart(Method::DELETE, "/v1/cart/orders/PID-1")).await, // 405
        send(h.http.post(h.url("/_sim/advance"))).await,             // sim control
    ];
    let ids: Vec<&str> = answers
        .iter()
        .map(|a| {
            a.header(PROCESS_ID)
                .expect("X-CartRover-Process-ID on every response")
        })
        .collect();
    let mut unique = ids.clone();
    unique.sort_unstable();
    unique.dedup();
    assert_eq!(
        unique.len(),
        ids.len(),
        "process ids must be fresh: {ids:?}"
    );
    assert_eq!(answers[5].status, StatusCode::NOT_FOUND);
    assert_eq!(answers[5].body["error_code"], "Invalid");
    assert_eq!(answers[6].status, StatusCode::METHOD_NOT_ALLOWED);
    h.stop().await;
}

#[tokio::test]
async fn malformed_json_is_invalid_on_200() {
    let h = Harness::unlimited().await;
    let answer = send(
        h.cart(Method::POST, "/v1/cart/orders/cartrover")
            .header("content-type", "application/json")
            .body("{not json"),
    )
    .await;
    answer.assert_error("Invalid");
    h.stop().await;
}

// ----- rate limit ------------------------------------------------------------

#[tokio::test(start_paused = true)]
async fn leaky_bucket_answers_rate_limit_on_200_and_refills() {
    let h = Harness::start(CartroverConfig::default()).await;
    let started = tokio::time::Instant::now();
    let path = "/v1/cart/orders/list/any";
    let mut remaining = Vec::new();
    for _ in 0..100 {
        let answer = send(h.cart(Method::GET, path)).await;
        answer.assert_success();
        remaining.push(
            answer
                .header(HITS_REMAINING)
                .unwrap()
                .parse::<u32>()
                .unwrap(),
        );
    }
    // Paused time only moves when we move it, so the bucket cannot refill.
    assert_eq!(started.elapsed(), Duration::ZERO);
    assert_eq!(remaining.first(), Some(&99));
    assert_eq!(remaining.last(), Some(&0));
    let over = send(h.cart(Method::GET, path)).await;
    over.assert_error("RateLimit");
    assert_eq!(
        over.body["message"],
        "Over API Limit. Please slow down requests."
    );
    assert_eq!(over.header(HITS_REMAINING), Some("0"));

    // E1 is not rate limited and carries no hits header.
    let created = h.create(order("RL-1")).await;
    assert_eq!(created.body["success_code"], true);
    assert_eq!(created.header(HITS_REMAINING), None);

    // Other credentials have their own bucket.
    send(h.merchant(Method::GET, "/v1/merchant/inventory"))
        .await
        .assert_success();

    // One call regained per 0.6 s.
    tokio::time::advance(Duration::from_millis(600)).await;
    let again = send(h.cart(Method::GET, path)).await;
    again.assert_success();
    assert_eq!(again.header(HITS_REMAINING), Some("0"));
    send(h.cart(Method::GET, path))
        .await
        .assert_error("RateLimit");
    h.stop().await;
}

// ----- create ----------------------------------------------------------------

#[tokio::test]
async fn create_answers_refs_at_top_level_and_duplicate_is_failure() {
    let h = Harness::unlimited().await;
    let created = h.create(order("BL-10045")).await;
    assert_eq!(created.status, StatusCode::OK);
    assert_eq!(
        created.body,
        json!({ "success_code": true, "cust_ref": "BL-10045", "order_number": "BL-10045" })
    );
    let duplicate = h.create(order("BL-10045")).await;
    duplicate.assert_error("Failure");
    assert_eq!(h.sim.orders().len(), 1);
    h.stop().await;
}

#[tokio::test]
async fn create_refuses_missing_fields_and_accepts_the_legacy_array() {
    let h = Harness::unlimited().await;
    let mut incomplete = order("BL-2");
    incomplete.as_object_mut().unwrap().remove("ship_city");
    let refused = h.create(incomplete).await;
    refused.assert_error("Invalid");
    assert_eq!(
        refused.body["message"],
        "Order missing required field(s): ship_city"
    );

    let legacy = h.create(json!([order("BL-3")])).await;
    assert_eq!(legacy.body["cust_ref"], "BL-3");
    let two = h.create(json!([order("BL-4"), order("BL-5")])).await;
    two.assert_error("Invalid");
    h.stop().await;
}

#[tokio::test]
async fn batch_reports_partial_failure_with_index_pos_inside_success() {
    let h = Harness::unlimited().await;
    h.sim.insert_order(order("BL-10001"));
    let mut missing_ref = order("ignored");
    missing_ref.as_object_mut().unwrap().remove("cust_ref");
    let body = json!([
        order("BL-10045"),
        order("BL-10001"),
        missing_ref,
        order("BL-10045")
    ]);
    let answer = send(h.cart(Method::POST, "/v1/cart/orders/batch").json(&body)).await;
    let response = answer.assert_success();
    assert_eq!(
        response["success"],
        json!([ { "cust_ref": "BL-10045", "cust_po_no": "WEB-BL-10045" } ])
    );
    let failed = response["failed"].as_array().unwrap();
    assert_eq!(failed.len(), 3);
    assert_eq!(failed[0]["cust_ref"], "BL-10001");
    assert_eq!(failed[0]["message"], "OrderDuplicate");
    assert_eq!(failed[1]["cust_ref"], Value::Null);
    assert_eq!(failed[1]["cust_po_no"], "WEB-ignored");
    assert_eq!(
        failed[1]["message"],
        "Order missing required field(s): cust_ref"
    );
    assert_eq!(failed[1]["index_pos"], 2);
    assert_eq!(failed[2]["message"], "OrderDuplicate");
    assert!(
        answer.header(HITS_REMAINING).is_none(),
        "rate limiting is off here"
    );
    h.stop().await;
}

// ----- view, status, list ----------------------------------------------------

#[tokio::test]
async fn view_reproduces_the_response_quirks() {
    let h = Harness::unlimited().await;
    h.sim.set_now(datetime!(2024-05-01 14:05:00 +02:00));
    h.create(order("BL-Q/1")).await;
    // The `/` of the cust_ref travels percent-encoded.
    let answer = send(h.cart(
        Method::GET,
        "/v1/cart/orders/BL-Q%2F1?include_order_extras=Y",
    ))
    .await;
    let view = answer.assert_success();
    assert_eq!(view["cust_ref"], "BL-Q/1");
    assert!(
        view.get("order_status").is_none(),
        "the view omits order_status"
    );
    assert_eq!(view["created_date_time"], "2024-05-01T12:05:00+00:00");
    assert_eq!(view["order_date"], "2024-05-01");
    assert_eq!(
        view["cust_city"], "Secaucus",
        "ship_is_billing copies the address"
    );
    assert_eq!(view["ship_is_billing"], true);
    assert_eq!(view["sending_canceled"], "N");
    assert_eq!(view["extra_fields"], json!([]));
    let line = &view["items"][0];
    assert_eq!(line["quantity"], "2");
    assert_eq!(line["price"], "9.5000");
    assert_eq!(line["extended_amount"], "19.00");
    assert_eq!(line["line_no"], "1");
    assert_eq!(line["Description"], "Widget");
    assert!(line.get("description").is_none());
    assert_eq!(view["items"][1]["price"], "5.0000");
    assert_eq!(view["shipments"], json!([]));

    let unknown = send(h.cart(Method::GET, "/v1/cart/orders/NOPE")).await;
    unknown.assert_error("Invalid");
    h.stop().await;
}

#[tokio::test]
async fn list_pages_by_limit_and_page_and_ends_on_a_short_page() {
    let h = Harness::unlimited().await;
    for n in 0..25 {
        h.sim.insert_order(order(&format!("P-{n:02}")));
    }
    let page = |query: &'static str| {
        send(h.cart(Method::GET, &format!("/v1/cart/orders/list/new?{query}")))
    };
    let first = page("limit=10&page=1").await;
    let refs = |answer: &Answer| -> Vec<String> {
        answer
            .assert_success()
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["cust_ref"].as_str().unwrap().to_owned())
            .collect()
    };
    assert_eq!(refs(&first).first().map(String::as_str), Some("P-00"));
    assert_eq!(refs(&first).len(), 10);
    assert_eq!(first.header("total-records"), Some("25"));
    let third = page("limit=10&page=3").await;
    assert_eq!(refs(&third), vec!["P-20", "P-21", "P-22", "P-23", "P-24"]);
    assert_eq!(refs(&page("limit=10&page=4").await).len(), 0);
    // Default limit 20; above 100 clamps.
    assert_eq!(refs(&page("").await).len(), 20);
    assert_eq!(refs(&page("limit=500").await).len(), 25);
    page("limit=0").await.assert_error("Invalid");
    page("page=zero").await.assert_error("Invalid");
    // List rows carry status and counters as strings.
    let row = &first.assert_success()[0];
    assert_eq!(row["order_status"], "new");
    assert_eq!(row["total_qty"], "3");
    assert_eq!(row["num_to_ship"], "3");
    assert_eq!(row["num_shipped"], "0");
    h.stop().await;
}

#[tokio::test]
async fn list_filters_by_date_with_plus_sent_as_percent_2b() {
    let h = Harness::unlimited().await;
    h.sim.set_now(datetime!(2024-04-30 23:00:00 UTC));
    h.create(order("D-APR")).await;
    h.sim.set_now(datetime!(2024-05-01 10:00:00 UTC));
    h.create(order("D-MAY")).await;
    let refs = |answer: Answer| -> Vec<String> {
        answer
            .assert_success()
            .as_array()
            .unwrap()
            .iter()
            .map(|o| o["cust_ref"].as_str().unwrap().to_owned())
            .collect()
    };
    // reqwest's query encoder sends `+` as %2B, as the vendor requires.
    let encoded = send(
        h.cart(Method::GET, "/v1/cart/orders/list/new")
            .query(&[("from_date", "2024-05-01T00:00:00+00:00")]),
    )
    .await;
    assert_eq!(refs(encoded), vec!["D-MAY"]);
    let offset = send(h.cart(
        Method::GET,
        "/v1/cart/orders/list/new?to_date=2024-05-01T01:00:00%2B02:00",
    ))
    .await;
    assert_eq!(refs(offset), vec!["D-APR"]);
    let whole_day = send(h.cart(
        Method::GET,
        "/v1/cart/orders/list/any?from_date=2024-05-01&to_date=2024-05-01",
    ))
    .await;
    assert_eq!(refs(whole_day), vec!["D-MAY"]);
    // A raw `+` arrives as a space: not a timestamp.
    let raw_plus = send(h.cart(
        Method::GET,
        "/v1/cart/orders/list/new?from_date=2024-05-01T00:00:00+00:00",
    ))
    .await;
    raw_plus.assert_error("Invalid");
    assert!(raw_plus.body["message"].as_str().unwrap().contains("%2B"));
    // The at_wms list filters on the delivery date, not the creation date.
    h.sim.set_now(datetime!(2024-05-03 08:00:00 UTC));
    h.sim.advance_orders();
    let delivered = send(h.cart(
        Method::GET,
        "/v1/cart/orders/list/at_wms?from_date=2024-05-03",
    ))
    .await;
    assert_eq!(refs(delivered), vec!["D-APR", "D-MAY"]);
    let unknown = send(h.cart(Method::GET, "/v1/cart/orders/list/pending")).await;
    unknown.assert_error("Invalid");
    h.stop().await;
}

#[tokio::test]
async fn list_filters_by_order_source() {
    let h = Harness::unlimited().await;
    let mut amazon = order("SRC-1");
    amazon["order_source"] = json!("Amazon");
    h.create(amazon).await;
    h.create(order("SRC-2")).await;
    let answer = send(h.cart(Method::GET, "/v1/cart/orders/list/any?order_source=Amazon")).await;
    let rows = answer.assert_success().as_array().unwrap().clone();
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0]["order_source"], "Amazon");
    h.stop().await;
}

// ----- status progression ----------------------------------------------------

#[tokio::test]
async fn status_progresses_new_at_wms_shipped_confirmed_with_tracking() {
    let h = Harness::unlimited().await;
    h.create(order("FLOW-1")).await;
    let fresh = h.status_of("FLOW-1").await;
    assert_eq!(fresh["order_status"], "new");
    assert_eq!(fresh["delivered_to_wms_date"], Value::Null);
    assert_eq!(fresh["shipments"], json!([]));

    h.sim.set_now(datetime!(2024-05-01 14:05:00 UTC));
    assert_eq!(h.sim.advance_orders(), 1);
    let at_wms = h.status_of("FLOW-1").await;
    assert_eq!(at_wms["order_status"], "at_wms");
    assert_eq!(at_wms["delivered_to_wms_date"], "2024-05-01T14:05:00+00:00");

    // The sim endpoint drives the same progression.
    h.sim.set_now(datetime!(2024-05-02 18:30:00 UTC));
    let stepped = send(h.http.post(h.url("/_sim/advance"))).await;
    assert_eq!(
        stepped.body,
        json!({ "advanced": [ { "cust_ref": "FLOW-1", "order_status": "shipped" } ] })
    );
    let shipped = h.status_of("FLOW-1").await;
    assert_eq!(shipped["order_status"], "shipped");
    let shipment = &shipped["shipments"][0];
    let tracking_no = shipment["tracking_no"].as_str().unwrap().to_owned();
    assert!(tracking_no.starts_with("1Z"), "{tracking_no}");
    assert_eq!(shipment["date"], "2024-05-02T18:30:00+00:00");
    assert_eq!(shipment["carrier"], "UPS");
    assert_eq!(
        shipment["items"][0],
        json!({
            "item": "SKU-1", "quantity": "2", "carton_num": "1", "carton_code": null,
            "box_length_in": null, "box_width_in": null, "box_height_in": null, "package_weight_lbs": null
        })
    );
    let listed = send(h.cart(Method::GET, "/v1/cart/orders/list/shipped")).await;
    assert_eq!(listed.assert_success()[0]["num_to_ship"], "0");
    assert_eq!(
        h.sim.advance_orders(),
        0,
        "shipped orders wait for the cart"
    );

    // The cart confirms with the tracking number it uploaded.
    let wrong = send(h.cart(Method::POST, "/v1/cart/orders/update/FLOW-1").json(
        &json!({ "order_status": "confirmed", "shipments": [ { "tracking_no": "OTHER" } ] }),
    ))
    .await;
    wrong.assert_error("Invalid");
    let confirmed = send(h.cart(Method::POST, "/v1/cart/orders/update/FLOW-1").json(
        &json!({ "order_status": "confirmed", "shipments": [ { "tracking_no": tracking_no } ] }),
    ))
    .await;
    assert_eq!(confirmed.body, json!({ "success_code": true }));
    assert_eq!(h.status_of("FLOW-1").await["order_status"], "confirmed");
    let back = send(
        h.cart(Method::POST, "/v1/cart/orders/update/FLOW-1")
            .json(&json!({ "order_status": "new" })),
    )
    .await;
    back.assert_error("Invalid");
    let unknown = send(
        h.cart(Method::POST, "/v1/cart/orders/update/FLOW-1")
            .json(&json!({ "order_status": "lost" })),
    )
    .await;
    unknown.assert_error("Invalid");
    h.stop().await;
}

#[tokio::test]
async fn sim_endpoint_advances_one_order() {
    let h = Harness::unlimited().await;
    h.sim.insert_order(order("ONE-1"));
    h.sim.insert_order(order("ONE-2"));
    let stepped = send(h.http.post(h.url("/_sim/orders/ONE-2/advance"))).await;
    assert_eq!(
        stepped.body,
        json!({ "cust_ref": "ONE-2", "order_status": "at_wms", "advanced": true })
    );
    assert_eq!(h.status_of("ONE-1").await["order_status"], "new");
    let unknown = send(h.http.post(h.url("/_sim/orders/NOPE/advance"))).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let snapshot = send(h.http.get(h.url("/_sim/orders"))).await;
    assert_eq!(snapshot.body.as_array().unwrap().len(), 2);
    h.stop().await;
}

#[tokio::test]
async fn on_hold_and_cancel_sending_orders_stay_new() {
    let h = Harness::unlimited().await;
    let mut held = order("HOLD-1");
    held["on_hold"] = json!("Y");
    h.sim.insert_order(held);
    let mut not_sent = order("HOLD-2");
    not_sent["sending_canceled"] = json!(true);
    h.sim.insert_order(not_sent);
    assert_eq!(h.sim.advance_orders(), 0);
    let rows = h.sim.orders();
    assert_eq!(rows[0]["order_status"], "new");
    assert_eq!(rows[1]["sending_canceled"], "Y");
    h.stop().await;
}

#[tokio::test(start_paused = true)]
async fn a_timer_can_drive_the_progression() {
    let h = Harness::start(CartroverConfig {
        auto_advance: Some(Duration::from_secs(300)),
        ..CartroverConfig::default()
    })
    .await;
    h.sim.insert_order(order("TIMER-1"));
    tokio::time::sleep(Duration::from_secs(301)).await;
    assert_eq!(h.sim.orders()[0]["order_status"], "at_wms");
    tokio::time::sleep(Duration::from_secs(300)).await;
    assert_eq!(h.sim.orders()[0]["order_status"], "shipped");
    h.stop().await;
}

#[tokio::test]
async fn wms_side_acknowledges_and_posts_partial_shipments() {
    let h = Harness::unlimited().await;
    h.sim.insert_order(order("WMS-1"));
    let update = |body: Value| {
        send(
            h.merchant(Method::POST, "/v1/merchant/orders/update/WMS-1")
                .json(&body),
        )
    };
    let ack = update(json!({ "order_status": "at_wms" })).await;
    assert_eq!(ack.body, json!({ "success_code": true }));
    update(json!({ "order_status": "at_wms" }))
        .await
        .assert_error("Invalid");
    update(json!({ "order_status": "shipped" }))
        .await
        .assert_error("Invalid");

    let first = json!({ "order_status": "shipped", "shipments": [ {
        "carrier": "UPS", "method": "03", "tracking_no": "1Z999AA10123456784",
        "date": "2024-05-02T18:30:00+00:00", "package_weight_lbs": "1.20",
        "items": [ { "item": "SKU-1", "quantity": "2", "carton_num": "1" } ] } ] });
    assert_eq!(update(first).await.body, json!({ "success_code": true }));
    let partial = send(h.merchant(Method::GET, "/v1/merchant/orders/list/partial")).await;
    let row = &partial.assert_success()[0];
    assert_eq!(row["order_status"], "shipped");
    assert_eq!(row["num_shipped"], "2");
    assert_eq!(row["num_to_ship"], "1");

    // A later call adds more; shipping more than ordered goes negative.
    let more = json!({ "order_status": "shipped", "shipments": [ {
        "carrier": "USPS", "tracking_no": "9400", "items": [ { "item": "SKU-2", "quantity": 5 } ] } ] });
    update(more).await;
    let status = send(h.merchant(Method::GET, "/v1/merchant/orders/status/WMS-1")).await;
    assert_eq!(
        status.assert_success()["shipments"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let listed =
        send(h.merchant(Method::GET, "/v1/merchant/orders/list/shipped_or_confirmed")).await;
    assert_eq!(listed.assert_success()[0]["num_to_ship"], "-4");
    let none_partial = send(h.merchant(Method::GET, "/v1/merchant/orders/list/partial")).await;
    assert_eq!(none_partial.assert_success(), &json!([]));
    h.stop().await;
}

// ----- cancel ------------------------------------------------------------------

#[tokio::test]
async fn cancel_succeeds_from_new_and_nests_success_false_otherwise() {
    let h = Harness::unlimited().await;
    h.create(order("C-1")).await;
    h.create(order("C-2")).await;
    let cancel = |cust_ref: &str| {
        send(h.cart(
            Method::GET,
            &format!("/v1/cart/orders/wms_cancel/{cust_ref}"),
        ))
    };

    let done = cancel("C-1").await;
    assert_eq!(done.assert_success()["success"], true);
    let status = h.status_of("C-1").await;
    assert_eq!(status["order_status"], "canceled");
    let listed = send(h.cart(Method::GET, "/v1/cart/orders/list/canceled")).await;
    assert!(listed.assert_success()[0]["cancel_date"].is_string());

    let again = cancel("C-1").await;
    assert_eq!(again.body["success_code"], true, "the envelope succeeds");
    assert_eq!(
        again.body["response"]["success"], false,
        "the cancel does not"
    );

    h.sim.advance_order("C-2").unwrap();
    let too_late = cancel("C-2").await;
    assert_eq!(too_late.body["success_code"], true);
    assert_eq!(too_late.body["response"]["success"], false);
    assert!(
        too_late.body["response"]["message"]
            .as_str()
            .unwrap()
            .contains("at_wms")
    );
    assert_eq!(h.status_of("C-2").await["order_status"], "at_wms");

    cancel("NOPE").await.assert_error("Invalid");
    h.stop().await;
}

#[tokio::test]
async fn legacy_cancel_and_the_cancel_window() {
    let h = Harness::start(CartroverConfig {
        rate_limit: None,
        cancel_window: Some(Duration::from_secs(600)),
        ..CartroverConfig::default()
    })
    .await;
    h.sim.set_now(datetime!(2024-05-01 10:00:00 UTC));
    h.create(order("W-1")).await;
    h.create(order("W-2")).await;
    let legacy = send(
        h.cart(Method::POST, "/v1/cart/orders/cancel/cartrover")
            .json(&json!({ "cust_ref": "W-1" })),
    )
    .await;
    assert_eq!(legacy.assert_success()["success"], true);
    h.sim.set_now(datetime!(2024-05-01 10:10:01 UTC));
    let late = send(h.cart(Method::GET, "/v1/cart/orders/wms_cancel/W-2")).await;
    assert_eq!(late.assert_success()["success"], false);
    assert_eq!(h.status_of("W-2").await["order_status"], "new");
    let missing = send(
        h.cart(Method::POST, "/v1/cart/orders/cancel")
            .json(&json!({})),
    )
    .await;
    missing.assert_error("Invalid");
    h.stop().await;
}

// ----- merchants and warehouse keys ---------------------------------------------

fn multi_merchant() -> CartroverConfig {
    CartroverConfig {
        rate_limit: None,
        other_merchants: vec![
            MerchantAccount {
                pk: 2002,
                name: "Second Co".to_owned(),
                api_user: "m2-user".to_owned(),
                api_key: "m2-key".to_owned(),
                warehouse_access: true,
            },
            MerchantAccount {
                pk: 3003,
                name: "Foreign Co".to_owned(),
                api_user: "m3-user".to_owned(),
                api_key: "m3-key".to_owned(),
                warehouse_access: false,
            },
        ],
        ..CartroverConfig::default()
    }
}

#[tokio::test]
async fn warehouse_keys_pick_the_merchant_with_x_merchant_pk() {
    let h = Harness::start(multi_merchant()).await;
    h.sim.insert_order(order("M1-ORDER"));
    h.sim.insert_order_for(2002, order("M2-ORDER")).unwrap();

    let merchants = send(h.warehouse(Method::GET, "/v1/wms/merchant/list")).await;
    assert_eq!(
        merchants.assert_success(),
        &json!([
            { "merchant_pk": "1001", "merchant_name": "Sandbox Merchant" },
            { "merchant_pk": "2002", "merchant_name": "Second Co" }
        ])
    );
    let list = |pk: Option<&str>| {
        let request = h.warehouse(Method::GET, "/v1/merchant/orders/list/any");
        send(match pk {
            Some(pk) => request.header("X-Merchant-Pk", pk),
            None => request,
        })
    };
    list(None).await.assert_error("Invalid");
    list(Some("3003")).await.assert_error("Invalid");
    list(Some("9999")).await.assert_error("Invalid");
    list(Some("abc")).await.assert_error("Invalid");
    let second = list(Some("2002")).await;
    assert_eq!(second.assert_success()[0]["cust_ref"], "M2-ORDER");
    assert_eq!(second.assert_success().as_array().unwrap().len(), 1);

    // Merchant keys see only their own merchant.
    let own = send(h.merchant(Method::GET, "/v1/merchant/orders/M2-ORDER")).await;
    own.assert_error("Invalid");
    let m2 = send(
        h.http
            .get(h.url("/v1/merchant/orders/M2-ORDER"))
            .basic_auth("m2-user", Some("m2-key")),
    )
    .await;
    assert_eq!(m2.assert_success()["cust_ref"], "M2-ORDER");
    h.stop().await;
}

// ----- inventory, products, ship methods --------------------------------------

#[tokio::test]
async fn inventory_list_uses_numbers_and_single_read_strings() {
    let h = Harness::unlimited().await;
    h.sim.set_now(datetime!(2024-05-01 10:00:00 UTC));
    h.sim.set_inventory("SKU-1", 42);
    h.sim.set_warehouse_inventory("WEST", "SKU-1", 3, 2);
    h.sim
        .insert_product(json!({
            "sku": "SKU-2", "name": "Gadget", "retail_price": 19.99, "wholesale_price": "9.5",
            "aliases": [ { "code_type": "UPC", "code": "012345678905" } ]
        }))
        .unwrap();
    let write =
        json!([ { "sku": "SKU-2", "qty_on_hand": 7, "qty_available": 5, "warehouse": "NJ" } ]);
    let written = send(
        h.merchant(Method::POST, "/v1/merchant/inventory")
            .json(&write),
    )
    .await;
    assert_eq!(written.body, json!({ "success_code": true }));
    send(
        h.merchant(Method::POST, "/v1/merchant/inventory")
            .json(&json!([])),
    )
    .await
    .assert_error("Invalid");

    let list = send(h.merchant(Method::GET, "/v1/merchant/inventory?limit=10")).await;
    assert_eq!(list.header("total-records"), Some("2"));
    let rows = list.assert_success().as_array().unwrap().clone();
    assert_eq!(rows[0]["sku"], "SKU-1");
    assert_eq!(rows[0]["qty_on_hand"], 45);
    assert_eq!(rows[0]["qty_available"], 44);
    assert_eq!(rows[0]["aliases"], json!([]));
    assert_eq!(rows[0]["wms_datetime"], "2024-05-01T10:00:00+00:00");
    assert_eq!(rows[0]["warehouses"].as_object().unwrap().len(), 2);
    assert_eq!(rows[1]["aliases"], json!({ "UPC": "012345678905" }));

    let single = send(h.merchant(Method::GET, "/v1/merchant/inventory/SKU-2")).await;
    assert_eq!(single.assert_success()["qty_available"], "5");
    send(h.merchant(Method::GET, "/v1/merchant/inventory/NOPE"))
        .await
        .assert_error("Invalid");

    let product = send(h.merchant(Method::GET, "/v1/merchant/product/SKU-2")).await;
    let product = product.assert_success();
    assert_eq!(product["name"], "Gadget");
    assert_eq!(product["retail_price"], json!(19.99));
    assert_eq!(product["last_updated_datetime"], "2024-05-01 10:00:00");
    assert_eq!(
        product["aliases"],
        json!([ { "code_type": "UPC", "code": "012345678905" } ])
    );
    h.stop().await;
}

#[tokio::test]
async fn ship_method_mappings_are_validated_against_wms_codes() {
    let h = Harness::unlimited().await;
    let methods = send(h.warehouse(Method::GET, "/v1/wms/shipmethod/list")).await;
    let methods = methods.assert_success().as_array().unwrap().clone();
    assert!(methods.contains(&json!({ "carrier": "", "code": "50", "description": "Will Call" })));

    let sources = send(h.merchant(Method::GET, "/v1/cart/list")).await;
    assert_eq!(sources.assert_success()[0]["order_source"], "Online Store");
    let all = send(h.merchant(Method::GET, "/v1/cart/listall")).await;
    assert!(!all.assert_success().as_array().unwrap().is_empty());

    let path = "/v1/cart/shipmethod/Online%20Store";
    let bad = send(
        h.merchant(Method::POST, path)
            .json(&json!([ { "cart_code": "Express", "wms_code": "ZZ" } ])),
    )
    .await;
    bad.assert_error("Invalid");
    let good = json!([ { "cart_code": "Express", "wms_code": "01" }, { "cart_code": "AddMe", "wms_code": null } ]);
    assert_eq!(
        send(h.merchant(Method::POST, path).json(&good)).await.body,
        json!({ "success_code": true })
    );
    let saved = send(h.merchant(Method::GET, "/v1/cart/shipmethod/list/Online%20Store")).await;
    assert_eq!(
        saved.assert_success(),
        &json!([ { "cart_code": "AddMe", "wms_code": null }, { "cart_code": "Express", "wms_code": "01" } ])
    );
    send(h.merchant(Method::GET, "/v1/cart/shipmethod/list/Nowhere"))
        .await
        .assert_error("Invalid");

    // A mapped ship code decides the carrier of the simulated shipment.
    let mut express = order("EXP-1");
    express["ship_code"] = json!("Express");
    h.sim.insert_order(express);
    h.sim.advance_orders();
    h.sim.advance_orders();
    let shipped = h.status_of("EXP-1").await;
    assert_eq!(shipped["shipments"][0]["method"], "01");
    let view = send(h.cart(Method::GET, "/v1/cart/orders/EXP-1")).await;
    assert_eq!(view.assert_success()["working_ship_code"], "01");
    h.stop().await;
}

#[tokio::test]
async fn unmapped_ship_codes_are_held_in_error_when_rejected() {
    let h = Harness::start(CartroverConfig {
        rate_limit: None,
        reject_unmapped_ship_codes: true,
        ..CartroverConfig::default()
    })
    .await;
    h.sim.insert_order(order("ERR-1")); // ship_code GROUND, not a WMS code
    h.sim.advance_orders();
    let held = send(h.cart(Method::GET, "/v1/cart/orders/list/error")).await;
    let row = &held.assert_success()[0];
    assert_eq!(row["order_status"], "error");
    assert_eq!(row["error_code"], "UnmappedShipMethod");
    let mapping = json!([ { "cart_code": "GROUND", "wms_code": "03" } ]);
    send(
        h.merchant(Method::POST, "/v1/cart/shipmethod/Online%20Store")
            .json(&mapping),
    )
    .await;
    h.sim.advance_orders();
    assert_eq!(h.status_of("ERR-1").await["order_status"], "at_wms");
    h.stop().await;
}

// ----- seeding API ----------------------------------------------------------------

#[tokio::test]
async fn seeding_reports_bad_input() {
    let h = Harness::start(multi_merchant()).await;
    assert_eq!(h.sim.try_insert_order(order("S-1")), Ok("S-1".to_owned()));
    assert_eq!(
        h.sim.try_insert_order(order("S-1")),
        Err(SeedError::DuplicateOrder {
            cust_ref: "S-1".to_owned()
        })
    );
    assert!(matches!(
        h.sim.try_insert_order(json!({ "cust_ref": "S-2" })),
        Err(SeedError::InvalidOrder { .. })
    ));
    assert_eq!(
        h.sim.insert_order_for(42, order("S-3")),
        Err(SeedError::UnknownMerchant { pk: 42 })
    );
    assert_eq!(
        h.sim.advance_order("NOPE"),
        Err(SeedError::UnknownOrder {
            cust_ref: "NOPE".to_owned()
        })
    );
    let mut backdated = order("S-4");
    backdated["created_date_time"] = json!("2024-01-02T03:04:05+00:00");
    h.sim.insert_order(backdated);
    assert_eq!(
        h.sim.orders()[1]["created_date_time"],
        "2024-01-02T03:04:05+00:00"
    );
    h.stop().await;
}

#[tokio::test]
async fn path_parameters_are_percent_decoded_and_static_names_stay_order_refs() {
    let h = Harness::unlimited().await;
    // An order whose cust_ref collides with a static path segment.
    h.sim.insert_order(order("batch"));
    let view = send(h.cart(Method::GET, "/v1/cart/orders/batch")).await;
    assert_eq!(view.assert_success()["cust_ref"], "batch");
    // SKUs with `/`, `+`, space and `#` travel percent-encoded.
    let sku = "A/B+C D#1";
    h.sim.set_inventory(sku, 4);
    let item = send(h.merchant(Method::GET, "/v1/merchant/inventory/A%2FB%2BC%20D%231")).await;
    assert_eq!(item.assert_success()["sku"], sku);
    assert_eq!(item.assert_success()["qty_on_hand"], "4");
    let product = send(h.merchant(Method::GET, "/v1/merchant/product/A%2FB%2BC%20D%231")).await;
    assert_eq!(product.assert_success()["name"], sku);
    h.stop().await;
}

//! The CloudX simulator through plain HTTP: auth, rate limit, tickets and
//! their state machine, errors, the `/_sim` controls and the warehouse model.

use std::time::Duration;

use reqwest::StatusCode;
use sandbox::cloudx_sim::{
    CloudxConfig, CloudxItem, CloudxSim, OutcomeMix, OutcomePolicy, ReceiptOutcome, WarehouseModel,
    error_codes,
};
use sandbox::{Served, serve_router};
use serde_json::{Value, json};
use time::macros::datetime;

/// A served simulator and a client that knows its base URL and secret.
struct Api {
    sim: CloudxSim,
    served: Served,
    http: reqwest::Client,
    base: String,
}

impl Api {
    async fn start(config: CloudxConfig) -> Api {
        let sim = CloudxSim::new(config);
        sim.insert_item("SKU-1", Some("000000000011"), Some("Blue shirt"));
        sim.insert_item("SKU-2", Some("000000000022"), Some("Red scarf"));
        sim.insert_item("SKU-3", None, Some("Green hat"));
        let served = serve_router(sim.router()).await.expect("serve");
        let base = format!("{}/v1", served.base_url());
        Api {
            sim,
            served,
            http: reqwest::Client::new(),
            base,
        }
    }

    /// Unlimited rate, default everything else.
    async fn unlimited() -> Api {
        Api::start(CloudxConfig {
            rate_limit_per_second: None,
            ..CloudxConfig::default()
        })
        .await
    }

    fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    fn secret(&self) -> String {
        self.sim.config().client_secret.clone()
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        let response = self
            .http
            .get(self.url(path))
            .bearer_auth(self.secret())
            .send()
            .await
            .expect("send");
        decode(response).await
    }

    async fn post(&self, path: &str, body: &Value) -> (StatusCode, Value) {
        let response = self
            .http
            .post(self.url(path))
            .bearer_auth(self.secret())
            .json(body)
            .send()
            .await
            .expect("send");
        decode(response).await
    }

    async fn create(&self, body: &Value) -> (StatusCode, Value) {
        self.post("/receiving-tickets", body).await
    }

    /// Creates a valid ticket and returns it.
    async fn create_ok(&self, reference: &str, rma: &str) -> Value {
        let (status, ticket) = self.create(&ticket_body(reference, rma)).await;
        assert_eq!(status, StatusCode::CREATED, "{ticket}");
        ticket
    }

    async fn stop(self) {
        self.served.shutdown().await.expect("shutdown");
    }
}

async fn decode(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let body = response.bytes().await.expect("body");
    let value = if body.is_empty() {
        Value::Null
    } else {
        serde_json::from_slice(&body).expect("JSON body")
    };
    (status, value)
}

/// A two-line return shipment, lines by SKU and by UPC.
fn ticket_body(reference: &str, rma: &str) -> Value {
    json!({
        "type": "Return",
        "warehouse_code": "BERGEN-NJ-01",
        "reference_number": reference,
        "rma_number": rma,
        "order_number": "#1001",
        "tracking_numbers": ["1Z999AA10123456784"],
        "carrier": "UPS",
        "ship_from": {"name": "Ada Lovelace", "address1": "1 Main St", "city": "Newark",
                      "state": "NJ", "zip": "07102", "country": "US"},
        "memo": "customer return",
        "expected_date": "2026-12-01",
        "lines": [
            {"sku": "SKU-1", "expected_quantity": 2, "return_reason_code": "too small"},
            {"upc": "000000000022", "expected_quantity": 1},
        ],
    })
}

/// The single error entry of an error body.
fn only_error(body: &Value) -> &Value {
    let errors = body["errors"].as_array().expect("errors array");
    assert_eq!(errors.len(), 1, "{body}");
    &errors[0]
}

fn fields_of(body: &Value) -> Vec<String> {
    let mut fields: Vec<String> = body["errors"]
        .as_array()
        .expect("errors array")
        .iter()
        .map(|e| e["field"].as_str().expect("field").to_owned())
        .collect();
    fields.sort();
    fields
}

// ---------------------------------------------------------------- auth

#[tokio::test]
async fn missing_or_wrong_credentials_are_401_in_the_error_shape() {
    let api = Api::unlimited().await;
    let url = api.url("/receiving-tickets");
    let attempts = [
        api.http.get(&url),
        api.http.get(&url).bearer_auth("wrong-secret"),
        api.http.get(&url).basic_auth("user", Some(api.secret())),
    ];
    for request in attempts {
        let response = request.send().await.unwrap();
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
        assert_eq!(response.headers()["www-authenticate"], "Bearer");
        assert!(response.headers().contains_key("x-request-id"));
        let (_, body) = decode(response).await;
        let error = only_error(&body);
        assert_eq!(error["code"], error_codes::AUTHENTICATION);
        assert_eq!(error["severity"], "Error");
        assert!(error["message"].as_str().unwrap().len() > 5);
        assert!(!body.to_string().contains("wrong-secret"));
        assert!(!body.to_string().contains(&api.secret()));
    }
    assert_eq!(api.get("/warehouses").await.0, StatusCode::OK);
    api.stop().await;
}

#[tokio::test]
async fn every_response_has_a_distinct_request_id() {
    let api = Api::unlimited().await;
    let mut ids = Vec::new();
    for path in ["/warehouses", "/receiving-tickets/NOPE", "/no-such-route"] {
        let response = api
            .http
            .get(api.url(path))
            .bearer_auth(api.secret())
            .send()
            .await
            .unwrap();
        ids.push(
            response.headers()["x-request-id"]
                .to_str()
                .unwrap()
                .to_owned(),
        );
    }
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), 3);
    let (status, body) = api.get("/no-such-route").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(only_error(&body)["code"], error_codes::NO_ROUTE);
    let wrong_method = api
        .http
        .delete(api.url("/receiving-tickets"))
        .bearer_auth(api.secret())
        .send()
        .await
        .unwrap();
    assert_eq!(wrong_method.status(), StatusCode::METHOD_NOT_ALLOWED);
    let (_, body) = decode(wrong_method).await;
    assert_eq!(only_error(&body)["code"], error_codes::NO_ROUTE);
    api.stop().await;
}

// ---------------------------------------------------------------- rate limit

#[tokio::test]
async fn over_the_rate_limit_is_429_with_retry_after_until_time_passes() {
    let api = Api::start(CloudxConfig {
        rate_limit_per_second: Some(3),
        ..CloudxConfig::default()
    })
    .await;
    // A stopped clock makes the bucket deterministic however slow the machine.
    api.sim.set_now(datetime!(2026-11-22 10:00:00 UTC));
    for _ in 0..3 {
        assert_eq!(api.get("/warehouses").await.0, StatusCode::OK);
    }
    let response = api
        .http
        .get(api.url("/warehouses"))
        .bearer_auth(api.secret())
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "1");
    let (_, body) = decode(response).await;
    assert_eq!(only_error(&body)["code"], error_codes::RATE_LIMITED);

    // Simulator controls are not limited; bad credentials are refused first.
    let step = api
        .http
        .post(api.url("/_sim/warehouse/step"))
        .send()
        .await
        .unwrap();
    assert_eq!(step.status(), StatusCode::OK);
    let anonymous = api.http.get(api.url("/warehouses")).send().await.unwrap();
    assert_eq!(anonymous.status(), StatusCode::UNAUTHORIZED);

    api.sim.advance_clock(Duration::from_millis(340));
    assert_eq!(api.get("/warehouses").await.0, StatusCode::OK);
    assert_eq!(
        api.get("/warehouses").await.0,
        StatusCode::TOO_MANY_REQUESTS
    );
    api.stop().await;
}

// ---------------------------------------------------------------- create

#[tokio::test]
async fn create_answers_201_with_a_draft_ticket_in_the_documented_shape() {
    let api = Api::unlimited().await;
    let response = api
        .http
        .post(api.url("/receiving-tickets"))
        .bearer_auth(api.secret())
        .json(&ticket_body("#1001-R1", "RMA-1"))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let location = response.headers()["location"].to_str().unwrap().to_owned();
    let (_, ticket) = decode(response).await;
    let id = ticket["id"].as_str().unwrap();
    assert!(id.starts_with("WHRTN"), "{id}");
    assert_eq!(location, format!("/v1/receiving-tickets/{id}"));
    assert_eq!(ticket["type"], "Return");
    assert_eq!(ticket["status"], "Draft");
    assert_eq!(ticket["status_code"], 100);
    assert_eq!(ticket["warehouse_code"], "BERGEN-NJ-01");
    assert_eq!(ticket["reference_number"], "#1001-R1");
    assert_eq!(ticket["rma_number"], "RMA-1");
    assert_eq!(ticket["order_number"], "#1001");
    assert_eq!(ticket["tracking_numbers"], json!(["1Z999AA10123456784"]));
    assert_eq!(ticket["carrier"], "UPS");
    assert_eq!(ticket["ship_from"]["zip"], "07102");
    assert_eq!(ticket["ship_from"]["company"], Value::Null);
    assert_eq!(ticket["expected_date"], "2026-12-01");
    assert_eq!(ticket["arrived_at"], Value::Null);
    assert_eq!(ticket["received_at"], Value::Null);
    let created_at = ticket["created_at"].as_str().unwrap();
    assert!(created_at.ends_with('Z'), "{created_at}");
    assert_eq!(ticket["updated_at"], ticket["created_at"]);

    let lines = ticket["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["line_id"], format!("{id}-1"));
    assert_eq!(lines[0]["sku"], "SKU-1");
    assert_eq!(
        lines[0]["upc"], "000000000011",
        "filled from the item master"
    );
    assert_eq!(lines[0]["expected_quantity"], 2);
    assert_eq!(lines[0]["received_quantity"], 0);
    assert_eq!(lines[0]["damaged_quantity"], 0);
    assert_eq!(lines[0]["condition"], Value::Null);
    assert_eq!(lines[0]["return_reason_code"], "too small");
    assert_eq!(lines[1]["sku"], "SKU-2", "matched by UPC");
    assert_eq!(lines[1]["description"], "Red scarf");

    let (status, fetched) = api.get(&format!("/receiving-tickets/{id}")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(fetched, ticket);
    assert_eq!(api.sim.tickets(), vec![ticket.clone()]);
    assert_eq!(api.sim.create_count(), 1);
    api.stop().await;
}

#[tokio::test]
async fn test_mode_tickets_keep_type_test() {
    let api = Api::unlimited().await;
    let mut body = ticket_body("#2-R1", "RMA-2");
    body["type"] = json!("Test");
    let (status, ticket) = api.create(&body).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(ticket["type"], "Test");
    api.stop().await;
}

#[tokio::test]
async fn a_duplicate_reference_is_409_with_existing_id() {
    let api = Api::unlimited().await;
    let first = api.create_ok("#1001-R1", "RMA-1").await;
    let (status, body) = api.create(&ticket_body("#1001-R1", "RMA-other")).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(body["existing_id"], first["id"]);
    let error = only_error(&body);
    assert_eq!(error["code"], error_codes::DUPLICATE_REFERENCE);
    assert_eq!(error["field"], "reference_number");
    assert_eq!(api.sim.create_count(), 1);
    assert_eq!(api.sim.tickets().len(), 1);
    api.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_creates_with_one_reference_make_exactly_one_ticket() {
    let api = Api::unlimited().await;
    let body = ticket_body("#race-R1", "RMA-race");
    let attempts = (0..16).map(|_| api.create(&body));
    let results = futures::future::join_all(attempts).await;
    let created: Vec<&Value> = results
        .iter()
        .filter(|(status, _)| *status == StatusCode::CREATED)
        .map(|(_, ticket)| ticket)
        .collect();
    assert_eq!(created.len(), 1);
    for (status, body) in &results {
        if *status != StatusCode::CREATED {
            assert_eq!(*status, StatusCode::CONFLICT);
            assert_eq!(body["existing_id"], created[0]["id"]);
        }
    }
    assert_eq!(api.sim.create_count(), 1);
    assert_eq!(api.sim.tickets().len(), 1);
    api.stop().await;
}

#[tokio::test]
async fn invalid_fields_are_422_with_every_field_path() {
    let api = Api::unlimited().await;
    let body = json!({
        "type": "Exchange",
        "warehouse_code": "NOWHERE",
        "reference_number": "",
        "expected_date": "12/01/2026",
        "trackingNumbers": ["1Z"],
        "ship_from": {"zip": 7102},
        "status": "AddedToInventory",
        "lines": [
            {"sku": "SKU-1", "expected_quantity": 0},
            {"description": "no identifier", "expected_quantity": 1},
            {"upc": 22, "expected_quantity": "1"},
            {"sku": "SKU-2", "expected_quantity": 1, "received_quantity": 1},
        ],
    });
    let (status, errors) = api.create(&body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields_of(&errors),
        [
            "expected_date",
            "lines[0].expected_quantity",
            "lines[1].sku",
            "lines[2].expected_quantity",
            "lines[2].sku",
            "lines[2].upc",
            "lines[3].received_quantity",
            "reference_number",
            "ship_from.zip",
            "status",
            "trackingNumbers",
            "type",
            "warehouse_code",
        ]
    );
    for error in errors["errors"].as_array().unwrap() {
        assert_eq!(error["code"], error_codes::VALIDATION);
    }

    let (status, body) = api.create(&json!({"type": "Return", "lines": []})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields_of(&body),
        ["lines", "reference_number", "warehouse_code"]
    );

    let not_json = api
        .http
        .post(api.url("/receiving-tickets"))
        .bearer_auth(api.secret())
        .header("content-type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(not_json.status(), StatusCode::BAD_REQUEST);
    let (_, body) = decode(not_json).await;
    assert_eq!(only_error(&body)["code"], error_codes::VALIDATION);
    assert_eq!(api.sim.create_count(), 0);
    api.stop().await;
}

#[tokio::test]
async fn unknown_items_are_422_code_83_per_line() {
    let api = Api::unlimited().await;
    let mut body = ticket_body("#3-R1", "RMA-3");
    body["lines"] = json!([
        {"sku": "SKU-1", "expected_quantity": 1},
        {"sku": "NOT-IN-MASTER", "expected_quantity": 1},
        {"upc": "999999999999", "expected_quantity": 1},
    ]);
    let (status, errors) = api.create(&body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_of(&errors), ["lines[1].sku", "lines[2].upc"]);
    for error in errors["errors"].as_array().unwrap() {
        assert_eq!(error["code"], error_codes::ITEM_NOT_FOUND);
    }
    assert!(api.sim.tickets().is_empty());

    // The reference is still free once the items exist.
    api.sim.insert_item("NOT-IN-MASTER", None, None);
    api.sim.insert_item("SKU-9", Some("999999999999"), None);
    let (status, _) = api.create(&body).await;
    assert_eq!(status, StatusCode::CREATED);
    api.stop().await;
}

#[tokio::test]
async fn an_unknown_ticket_is_404_code_41() {
    let api = Api::unlimited().await;
    for path in [
        "/receiving-tickets/WHRTN1",
        "/receiving-tickets/WHRTN1/cancel",
    ] {
        let (status, body) = if path.ends_with("cancel") {
            api.post(path, &json!({})).await
        } else {
            api.get(path).await
        };
        assert_eq!(status, StatusCode::NOT_FOUND);
        assert_eq!(only_error(&body)["code"], error_codes::INVALID_ASN);
    }
    let (status, body) = api
        .post(
            "/_sim/receiving-tickets/WHRTN1/advance",
            &json!({"status": "PendingCSR"}),
        )
        .await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(only_error(&body)["code"], error_codes::INVALID_ASN);
    api.stop().await;
}

// ---------------------------------------------------------------- listing

#[tokio::test]
async fn listing_pages_through_every_ticket_in_creation_order() {
    let api = Api::unlimited().await;
    let mut created = Vec::new();
    for n in 0..7 {
        let ticket = api
            .create_ok(&format!("#{n}-R1"), &format!("RMA-{n}"))
            .await;
        created.push(ticket["id"].clone());
    }
    let mut seen = Vec::new();
    let mut page = Some(1);
    while let Some(number) = page {
        let (status, body) = api
            .get(&format!("/receiving-tickets?per_page=3&page={number}"))
            .await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(body["page"], number);
        assert_eq!(body["per_page"], 3);
        seen.extend(
            body["data"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t["id"].clone()),
        );
        page = body["next_page"].as_u64();
    }
    assert_eq!(seen, created);

    let (_, defaults) = api.get("/receiving-tickets").await;
    assert_eq!(defaults["per_page"], 50);
    assert_eq!(defaults["page"], 1);
    assert_eq!(defaults["next_page"], Value::Null);
    let (_, past_end) = api.get("/receiving-tickets?page=9").await;
    assert_eq!(past_end["data"], json!([]));
    assert_eq!(past_end["next_page"], Value::Null);
    api.stop().await;
}

#[tokio::test]
async fn listing_filters_by_reference_order_status_and_update_time() {
    let api = Api::unlimited().await;
    api.sim.set_now(datetime!(2026-11-22 10:00:00 UTC));
    let first = api.create_ok("#1001-R1", "RMA-1").await;
    let mut other_order = ticket_body("#1002-R1", "RMA-2");
    other_order["order_number"] = json!("#1002");
    let (_, second) = api.create(&other_order).await;
    api.sim.advance_clock(Duration::from_secs(60));
    let cancel = format!(
        "/receiving-tickets/{}/cancel",
        second["id"].as_str().unwrap()
    );
    assert_eq!(api.post(&cancel, &json!({})).await.0, StatusCode::OK);

    let ids = |body: &Value| -> Vec<Value> {
        body["data"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t["id"].clone())
            .collect()
    };
    let (_, by_reference) = api
        .get("/receiving-tickets?reference_number=%231001-R1")
        .await;
    assert_eq!(ids(&by_reference), [first["id"].clone()]);
    let (_, by_order) = api.get("/receiving-tickets?order_number=%231002").await;
    assert_eq!(ids(&by_order), [second["id"].clone()]);
    let (_, by_status) = api.get("/receiving-tickets?status=Draft").await;
    assert_eq!(ids(&by_status), [first["id"].clone()]);
    let (_, since) = api
        .get("/receiving-tickets?updated_since=2026-11-22T10:01:00Z")
        .await;
    assert_eq!(ids(&since), [second["id"].clone()]);
    let (_, none) = api
        .get("/receiving-tickets?reference_number=%231001-R1&status=Cancelled")
        .await;
    assert_eq!(ids(&none), Vec::<Value>::new());
    let (_, empty_filters) = api
        .get("/receiving-tickets?reference_number=&order_number=&status=&updated_since=")
        .await;
    assert_eq!(ids(&empty_filters).len(), 2);
    api.stop().await;
}

#[tokio::test]
async fn bad_list_filters_are_422_naming_the_parameter() {
    let api = Api::unlimited().await;
    let cases = [
        ("status=Received", "status"),
        ("status=draft", "status"),
        ("updated_since=yesterday", "updated_since"),
        ("page=0", "page"),
        ("per_page=201", "per_page"),
        ("per_page=abc", "per_page"),
        ("limit=5", "limit"),
    ];
    for (query, field) in cases {
        let (status, body) = api.get(&format!("/receiving-tickets?{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(only_error(&body)["field"], field, "{query}");
    }
    assert_eq!(
        api.get("/receiving-tickets?per_page=200").await.0,
        StatusCode::OK
    );
    api.stop().await;
}

// ---------------------------------------------------------------- state machine

#[tokio::test]
async fn cancel_is_allowed_only_from_draft_and_pending_csr() {
    let api = Api::unlimited().await;
    let draft = api.create_ok("#1-R1", "RMA-1").await;
    let held = api.create_ok("#2-R1", "RMA-2").await;
    let arrived = api.create_ok("#3-R1", "RMA-3").await;
    let id = |t: &Value| t["id"].as_str().unwrap().to_owned();

    let (status, cancelled) = api
        .post(
            &format!("/receiving-tickets/{}/cancel", id(&draft)),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cancelled["status"], "Cancelled");
    assert_eq!(cancelled["status_code"], Value::Null);

    let advance = |t: &Value| format!("/_sim/receiving-tickets/{}/advance", id(t));
    api.post(&advance(&held), &json!({"status": "PendingCSR"}))
        .await;
    let (status, cancelled) = api
        .post(
            &format!("/receiving-tickets/{}/cancel", id(&held)),
            &json!({}),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(cancelled["status"], "Cancelled");

    api.post(&advance(&arrived), &json!({"status": "PendingPrinting"}))
        .await;
    for ticket in [&arrived, &draft] {
        let (status, body) = api
            .post(
                &format!("/receiving-tickets/{}/cancel", id(ticket)),
                &json!({}),
            )
            .await;
        assert_eq!(status, StatusCode::CONFLICT);
        assert_eq!(only_error(&body)["code"], error_codes::STATE_ERROR);
    }
    let (_, still) = api
        .get(&format!("/receiving-tickets/{}", id(&arrived)))
        .await;
    assert_eq!(still["status"], "PendingPrinting");
    api.stop().await;
}

#[tokio::test]
async fn sim_advance_moves_forward_only_and_stamps_arrival() {
    let api = Api::unlimited().await;
    let ticket = api.create_ok("#1-R1", "RMA-1").await;
    let path = format!(
        "/_sim/receiving-tickets/{}/advance",
        ticket["id"].as_str().unwrap()
    );

    let (status, moved) = api
        .post(&path, &json!({"status": "PrintedPendingCount"}))
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(moved["status"], "PrintedPendingCount");
    assert_eq!(moved["status_code"], Value::Null);
    assert!(moved["arrived_at"].is_string());

    for backwards in [
        "Draft",
        "PendingPrinting",
        "PrintedPendingCount",
        "Cancelled",
    ] {
        let (status, body) = api.post(&path, &json!({"status": backwards})).await;
        assert_eq!(status, StatusCode::CONFLICT, "{backwards}");
        assert_eq!(only_error(&body)["code"], error_codes::STATE_ERROR);
    }
    let (status, body) = api.post(&path, &json!({"status": "Shipped"})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(only_error(&body)["field"], "status");

    let (_, done) = api
        .post(&path, &json!({"status": "AddedToInventory"}))
        .await;
    assert_eq!(done["status"], "AddedToInventory");
    assert_eq!(done["status_code"], 600);
    assert!(done["received_at"].is_string());
    let (status, _) = api.post(&path, &json!({"status": "Cancelled"})).await;
    assert_eq!(status, StatusCode::CONFLICT, "terminal statuses are final");
    api.stop().await;
}

#[tokio::test]
async fn sim_receive_records_counts_partially_then_finally() {
    let api = Api::unlimited().await;
    let ticket = api.create_ok("#1-R1", "RMA-1").await;
    let id = ticket["id"].as_str().unwrap();
    let path = format!("/_sim/receiving-tickets/{id}/receive");

    let partial = json!({"final": false, "lines": [
        {"line_id": format!("{id}-1"), "received_quantity": 1},
    ]});
    let (status, counting) = api.post(&path, &partial).await;
    assert_eq!(status, StatusCode::OK, "{counting}");
    assert_eq!(counting["status"], "CountingInProgress");
    assert_eq!(counting["lines"][0]["received_quantity"], 1);
    assert_eq!(counting["lines"][0]["condition"], "Sellable");
    assert!(counting["received_at"].is_null());

    let last = json!({"lines": [
        {"sku": "SKU-1", "received_quantity": 2, "damaged_quantity": 1},
        {"upc": "000000000022", "received_quantity": 1, "condition": "Defective"},
        {"sku": "SKU-3", "received_quantity": 4},
    ]});
    let (status, done) = api.post(&path, &last).await;
    assert_eq!(status, StatusCode::OK, "{done}");
    assert_eq!(done["status"], "AddedToInventory");
    assert!(done["received_at"].is_string());
    let lines = done["lines"].as_array().unwrap();
    assert_eq!(lines.len(), 3);
    assert_eq!(lines[0]["damaged_quantity"], 1);
    assert_eq!(lines[0]["condition"], "Damaged");
    assert_eq!(lines[1]["condition"], "Defective");
    assert_eq!(lines[2]["sku"], "SKU-3");
    assert_eq!(lines[2]["expected_quantity"], 0);
    assert_eq!(lines[2]["received_quantity"], 4);
    assert_eq!(lines[2]["condition"], "WrongItem");

    let (status, body) = api.post(&path, &last).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(only_error(&body)["code"], error_codes::STATE_ERROR);
    api.stop().await;
}

#[tokio::test]
async fn sim_receive_rejects_bad_counts_without_changing_anything() {
    let api = Api::unlimited().await;
    let ticket = api.create_ok("#1-R1", "RMA-1").await;
    let id = ticket["id"].as_str().unwrap();
    let path = format!("/_sim/receiving-tickets/{id}/receive");
    let body = json!({"lines": [
        {"sku": "SKU-1", "received_quantity": 1, "damaged_quantity": 2},
        {"received_quantity": 1},
    ]});
    let (status, errors) = api.post(&path, &body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        fields_of(&errors),
        ["lines[0].damaged_quantity", "lines[1].line_id"]
    );
    let unknown_line = json!({"lines": [
        {"sku": "SKU-1", "received_quantity": 2},
        {"line_id": "NOPE-1", "received_quantity": 1},
    ]});
    let (status, errors) = api.post(&path, &unknown_line).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_of(&errors), ["lines[1].line_id"]);
    let (_, unchanged) = api.get(&format!("/receiving-tickets/{id}")).await;
    assert_eq!(unchanged["status"], "Draft");
    assert_eq!(unchanged["lines"][0]["received_quantity"], 0);
    api.stop().await;
}

// ---------------------------------------------------------------- items and warehouses

#[tokio::test]
async fn sim_items_seed_the_item_master_used_by_lookups_and_creates() {
    let api = Api::unlimited().await;
    let (status, seeded) = api
        .post(
            "/_sim/items",
            &json!([
                {"sku": "NEW-1", "upc": "123456789012", "description": "Boot",
                 "style": "B1", "color": "Black", "size": "42"},
                {"sku": "NEW-2"},
            ]),
        )
        .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(seeded["data"].as_array().unwrap().len(), 2);

    let (status, by_upc) = api.get("/items?upc=123456789012").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        by_upc["data"],
        json!([{"sku": "NEW-1", "upc": "123456789012", "description": "Boot",
                "style": "B1", "color": "Black", "size": "42"}])
    );
    let (_, by_sku) = api.get("/items?sku=NEW-2").await;
    assert_eq!(by_sku["data"][0]["upc"], Value::Null);
    api.sim.insert_full_item(CloudxItem {
        sku: "NEW-3".to_owned(),
        size: Some("XL".to_owned()),
        ..CloudxItem::default()
    });
    let (_, full) = api.get("/items?sku=NEW-3").await;
    assert_eq!(full["data"][0]["size"], "XL");
    let (_, unknown) = api.get("/items?sku=NOPE").await;
    assert_eq!(unknown["data"], json!([]));
    for query in ["", "?sku=NEW-1&upc=123456789012"] {
        let (status, body) = api.get(&format!("/items{query}")).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{query}");
        assert_eq!(only_error(&body)["code"], error_codes::VALIDATION);
    }

    let (status, errors) = api
        .post("/_sim/items", &json!({"upc": "1", "colour": "x"}))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(fields_of(&errors), ["colour", "sku"]);

    let mut body = ticket_body("#1-R1", "RMA-1");
    body["lines"] = json!([{"upc": "123456789012", "expected_quantity": 1}]);
    assert_eq!(api.create(&body).await.0, StatusCode::CREATED);
    api.stop().await;
}

#[tokio::test]
async fn warehouses_lists_the_configured_codes() {
    let api = Api::unlimited().await;
    let (status, body) = api.get("/warehouses").await;
    assert_eq!(status, StatusCode::OK);
    let codes: Vec<&str> = body["data"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["BERGEN-NJ-01", "BERGEN-NJ-02"]);
    assert!(body["data"][0]["name"].is_string());
    api.stop().await;
}

// ---------------------------------------------------------------- warehouse model

/// Works the warehouse until nothing moves, returning how many steps it took.
fn work_until_still(sim: &CloudxSim) -> usize {
    let mut steps = 0;
    while sim.work_warehouse() > 0 {
        steps += 1;
        assert!(steps < 20, "the warehouse model never settles");
    }
    steps
}

fn ticket_for<'a>(tickets: &'a [Value], rma: &str) -> &'a Value {
    tickets
        .iter()
        .find(|t| t["rma_number"] == rma)
        .expect("ticket for rma")
}

fn quantities(ticket: &Value, field: &str) -> Vec<u64> {
    ticket["lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l[field].as_u64().unwrap())
        .collect()
}

#[tokio::test]
async fn the_warehouse_model_produces_each_configured_outcome() {
    let api = Api::unlimited().await;
    let sim = &api.sim;
    sim.set_outcome("RMA-short", ReceiptOutcome::Short { missing_units: 1 });
    sim.set_outcome("RMA-damaged", ReceiptOutcome::Damaged { damaged_units: 2 });
    sim.set_outcome(
        "RMA-extra",
        ReceiptOutcome::UnexpectedItem {
            sku: "SKU-3".to_owned(),
            quantity: 1,
        },
    );
    sim.set_outcome("RMA-lost", ReceiptOutcome::NeverArrives);
    for rma in [
        "RMA-full",
        "RMA-short",
        "RMA-damaged",
        "RMA-extra",
        "RMA-lost",
    ] {
        api.create_ok(&format!("{rma}-R1"), rma).await;
    }
    // One status per step: Draft → … → AddedToInventory takes six steps.
    sim.work_warehouse();
    let tickets = sim.tickets();
    assert_eq!(
        ticket_for(&tickets, "RMA-full")["status"],
        "PendingPrinting"
    );
    assert!(ticket_for(&tickets, "RMA-full")["arrived_at"].is_string());
    assert_eq!(ticket_for(&tickets, "RMA-lost")["status"], "Draft");
    assert_eq!(work_until_still(sim), 5);

    let tickets = sim.tickets();
    let full = ticket_for(&tickets, "RMA-full");
    assert_eq!(full["status"], "AddedToInventory");
    assert_eq!(full["status_code"], 600);
    assert!(full["received_at"].is_string());
    assert_eq!(quantities(full, "received_quantity"), [2, 1]);
    assert_eq!(quantities(full, "damaged_quantity"), [0, 0]);
    assert_eq!(full["lines"][0]["condition"], "Sellable");

    let short = ticket_for(&tickets, "RMA-short");
    assert_eq!(short["status"], "AddedToInventory");
    assert_eq!(quantities(short, "received_quantity"), [2, 0]);
    assert_eq!(short["lines"][1]["condition"], Value::Null);

    let damaged = ticket_for(&tickets, "RMA-damaged");
    assert_eq!(quantities(damaged, "received_quantity"), [2, 1]);
    assert_eq!(quantities(damaged, "damaged_quantity"), [2, 0]);
    assert_eq!(damaged["lines"][0]["condition"], "Damaged");
    assert_eq!(damaged["lines"][1]["condition"], "Sellable");

    let extra = ticket_for(&tickets, "RMA-extra");
    assert_eq!(quantities(extra, "expected_quantity"), [2, 1, 0]);
    assert_eq!(quantities(extra, "received_quantity"), [2, 1, 1]);
    assert_eq!(extra["lines"][2]["sku"], "SKU-3");
    assert_eq!(extra["lines"][2]["description"], "Green hat");
    assert_eq!(extra["lines"][2]["condition"], "WrongItem");

    let lost = ticket_for(&tickets, "RMA-lost");
    assert_eq!(lost["status"], "Draft");
    assert_eq!(lost["arrived_at"], Value::Null);
    assert_eq!(quantities(lost, "received_quantity"), [0, 0]);

    // Polling clients see the same through the API.
    let (_, received) = api.get("/receiving-tickets?status=AddedToInventory").await;
    assert_eq!(received["data"].as_array().unwrap().len(), 4);
    api.stop().await;
}

#[tokio::test]
async fn the_model_leaves_held_cancelled_and_hand_counted_tickets_alone() {
    let api = Api::unlimited().await;
    let held = api.create_ok("#1-R1", "RMA-1").await;
    let cancelled = api.create_ok("#2-R1", "RMA-2").await;
    let counted = api.create_ok("#3-R1", "RMA-3").await;
    let id = |t: &Value| t["id"].as_str().unwrap().to_owned();
    api.post(
        &format!("/_sim/receiving-tickets/{}/advance", id(&held)),
        &json!({"status": "PendingCSR"}),
    )
    .await;
    api.post(
        &format!("/receiving-tickets/{}/cancel", id(&cancelled)),
        &json!({}),
    )
    .await;
    api.post(
        &format!("/_sim/receiving-tickets/{}/receive", id(&counted)),
        &json!({"final": false, "lines": [{"sku": "SKU-1", "received_quantity": 1}]}),
    )
    .await;
    work_until_still(&api.sim);
    let tickets = api.sim.tickets();
    assert_eq!(ticket_for(&tickets, "RMA-1")["status"], "PendingCSR");
    assert_eq!(ticket_for(&tickets, "RMA-2")["status"], "Cancelled");
    let counted = ticket_for(&tickets, "RMA-3");
    assert_eq!(counted["status"], "AddedToInventory");
    assert_eq!(quantities(counted, "received_quantity"), [1, 0]);
    api.stop().await;
}

#[tokio::test]
async fn speed_and_the_http_step_endpoint_drive_the_model() {
    let api = Api::start(CloudxConfig {
        rate_limit_per_second: None,
        warehouse_model: WarehouseModel {
            statuses_per_step: 6,
            ..WarehouseModel::default()
        },
        ..CloudxConfig::default()
    })
    .await;
    api.create_ok("#1-R1", "RMA-1").await;
    let (status, body) = api.post("/_sim/warehouse/step", &json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(body["moved"], 1);
    let ticket = &api.sim.tickets()[0];
    assert_eq!(ticket["status"], "AddedToInventory");
    assert_eq!(quantities(ticket, "received_quantity"), [2, 1]);
    api.stop().await;
}

#[tokio::test]
async fn a_seeded_mix_is_reproducible_and_varied() {
    let config = || CloudxConfig {
        rate_limit_per_second: None,
        warehouse_model: WarehouseModel {
            outcomes: OutcomePolicy::Mix(OutcomeMix::default()),
            seed: 42,
            statuses_per_step: 6,
            step_every: None,
        },
        ..CloudxConfig::default()
    };
    let mut runs = Vec::new();
    for _ in 0..2 {
        let api = Api::start(config()).await;
        for n in 0..40 {
            api.create_ok(&format!("#{n}-R1"), &format!("RMA-{n}"))
                .await;
        }
        api.sim.work_warehouse();
        let statuses: Vec<(Value, Value)> = api
            .sim
            .tickets()
            .iter()
            .map(|t| (t["status"].clone(), t["lines"].clone()))
            .collect();
        runs.push(statuses);
        api.stop().await;
    }
    assert_eq!(runs[0], runs[1]);
    let drafts = runs[0].iter().filter(|(s, _)| s == "Draft").count();
    assert!(drafts < 40 / 2, "{drafts} tickets never arrived");
    let received: Vec<&Value> = runs[0]
        .iter()
        .filter(|(s, _)| s == "AddedToInventory")
        .map(|(_, lines)| lines)
        .collect();
    let clean = received
        .iter()
        .filter(|lines| {
            lines.as_array().unwrap().iter().all(|l| {
                l["received_quantity"] == l["expected_quantity"] && l["damaged_quantity"] == 0
            })
        })
        .count();
    assert!(
        clean > 0 && clean < received.len(),
        "{clean} of {}",
        received.len()
    );
}

#[tokio::test(start_paused = true)]
async fn the_warehouse_timer_works_tickets_on_its_own() {
    let sim = CloudxSim::new(CloudxConfig {
        rate_limit_per_second: None,
        warehouse_model: WarehouseModel {
            step_every: Some(Duration::from_secs(30)),
            ..WarehouseModel::default()
        },
        ..CloudxConfig::default()
    });
    sim.insert_item("SKU-1", None, None);
    let served = serve_router(sim.router()).await.unwrap();
    let response = reqwest::Client::new()
        .post(format!("{}/v1/receiving-tickets", served.base_url()))
        .bearer_auth(&sim.config().client_secret)
        .json(&json!({
            "type": "Return", "warehouse_code": "BERGEN-NJ-01", "reference_number": "#1-R1",
            "lines": [{"sku": "SKU-1", "expected_quantity": 1}],
        }))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::CREATED);
    let status = || sim.tickets()[0]["status"].as_str().unwrap().to_owned();
    let before = status();
    tokio::time::sleep(Duration::from_secs(6 * 30 + 1)).await;
    assert_eq!(status(), "AddedToInventory", "was {before}");
    served.shutdown().await.unwrap();
}

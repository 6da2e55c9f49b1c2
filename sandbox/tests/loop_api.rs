//! The Loop Returns simulator over HTTP, with plain reqwest: authentication,
//! rate limit, pagination, the return state machine, error bodies, and
//! signed webhook deliveries to a receiver on loopback.

use std::collections::HashSet;
use std::time::{Duration, Instant};

use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sandbox::loop_sim::{API_PREFIX, LoopConfig, LoopScope, LoopSim, RetryPolicy, ReturnState};
use sandbox::{Served, serve_router};
use serde_json::{Value, json};
use sha2::Sha256;
use time::macros::datetime;
use tokio::sync::mpsc;

/// A simulator served on loopback, with a client and the API base URL.
struct Harness {
    sim: LoopSim,
    served: Served,
    http: reqwest::Client,
    base: String,
}

impl Harness {
    async fn start(config: LoopConfig) -> Self {
        let sim = LoopSim::new(config);
        sim.set_now(datetime!(2025-03-10 12:00 UTC));
        let served = serve_router(sim.router()).await.expect("bind loopback");
        let base = format!("{}{API_PREFIX}", served.base_url());
        Harness {
            sim,
            served,
            http: reqwest::Client::builder()
                .no_proxy()
                .build()
                .expect("HTTP client"),
            base,
        }
    }

    fn key(&self) -> String {
        self.sim.config().api_key.clone()
    }

    async fn get(&self, path: &str) -> (StatusCode, Value) {
        self.send(self.http.get(format!("{}{path}", self.base)))
            .await
    }

    async fn post(&self, path: &str, body: Option<Value>) -> (StatusCode, Value) {
        let mut request = self.http.post(format!("{}{path}", self.base));
        if let Some(body) = body {
            request = request.json(&body);
        }
        self.send(request).await
    }

    async fn send(&self, request: reqwest::RequestBuilder) -> (StatusCode, Value) {
        let response = request
            .header("X-Authorization", self.key())
            .send()
            .await
            .expect("request reaches the simulator");
        read(response).await
    }

    /// Follows `nextPageUrl` from `first_url` and returns every page.
    async fn all_pages(&self, first_url: String) -> Vec<Value> {
        let mut pages = Vec::new();
        let mut url = Some(first_url);
        while let Some(next) = url {
            let (status, page) = self.send(self.http.get(next)).await;
            assert_eq!(status, StatusCode::OK, "{page}");
            url = page["nextPageUrl"].as_str().map(str::to_owned);
            pages.push(page);
        }
        pages
    }

    async fn stop(self) {
        self.served.shutdown().await.expect("clean shutdown");
    }
}

async fn read(response: reqwest::Response) -> (StatusCode, Value) {
    let status = response.status();
    let bytes = response.bytes().await.expect("body");
    let body = serde_json::from_slice(&bytes)
        .unwrap_or_else(|_| panic!("JSON body, got {:?}", String::from_utf8_lossy(&bytes)));
    (status, body)
}

fn unlimited() -> LoopConfig {
    LoopConfig {
        rate_limit_per_minute: None,
        ..LoopConfig::default()
    }
}

/// A return with two refund items and one exchanged item.
fn sample_return(id: u64) -> Value {
    json!({
        "id": id,
        "created_at": "2025-03-04T15:12:09.000Z",
        "order_id": id + 1_000,
        "order_name": format!("#{id}"),
        "provider_order_id": id + 5_000_000,
        "customer": "jane@example.com",
        "currency": "EUR",
        "total": "98.00",
        "outcome": "exchange+refund",
        "provider_order_sales_channel": "Online Store",
        "line_items": [
            {"line_item_id": id * 10 + 1, "sku": "LS-SAND-M", "barcode": "4006381333931", "title": "Linen Shirt", "price": "49.00", "exchange_variant": ""},
            {"line_item_id": id * 10 + 2, "sku": "LS-SAND-L", "barcode": "", "title": "Linen Shirt", "price": "49.00", "exchange_variant": ""},
            {"line_item_id": id * 10 + 3, "sku": "CAP-1", "barcode": "123", "title": "Cap", "price": "19.00", "exchange_variant": "44112233446"}
        ]
    })
}

#[tokio::test]
async fn auth_failure_is_401_with_the_documented_body() {
    let h = Harness::start(unlimited()).await;
    h.sim.insert_return(sample_return(1));
    let url = format!("{}/warehouse/return/details?return_id=1", h.base);
    let expected = json!({"error": {"code": "401", "http_code": "GEN-UNAUTHORIZED", "message": "Unauthorized."}});

    let (status, body) = read(h.http.get(&url).send().await.expect("send")).await;
    assert_eq!(
        (status, &body),
        (StatusCode::UNAUTHORIZED, &expected),
        "no key"
    );
    for wrong in ["wrong-key".to_owned(), format!("Bearer {}", h.key())] {
        let response = h
            .http
            .get(&url)
            .header("X-Authorization", &wrong)
            .send()
            .await
            .expect("send");
        assert_eq!(
            read(response).await,
            (StatusCode::UNAUTHORIZED, expected.clone()),
            "{wrong}"
        );
    }
    let (status, _) = h.get("/warehouse/return/details?return_id=1").await;
    assert_eq!(status, StatusCode::OK, "the raw key works");
    h.stop().await;

    // A valid key without the Developer Tools scope also gets 401 (spec §2.2).
    let h = Harness::start(LoopConfig {
        scopes: vec![LoopScope::Returns],
        ..unlimited()
    })
    .await;
    assert_eq!(
        h.get("/webhooks").await,
        (StatusCode::UNAUTHORIZED, expected)
    );
    h.stop().await;
}

#[tokio::test]
async fn rate_limit_answers_429_past_the_configured_count() {
    let h = Harness::start(LoopConfig {
        rate_limit_per_minute: Some(3),
        ..LoopConfig::default()
    })
    .await;
    h.sim.insert_return(sample_return(1));
    let unauthorized = h
        .http
        .get(format!("{}/warehouse/return/details?return_id=1", h.base))
        .send()
        .await
        .expect("send");
    assert_eq!(
        unauthorized.status(),
        StatusCode::UNAUTHORIZED,
        "does not count"
    );
    for _ in 0..3 {
        assert_eq!(
            h.get("/warehouse/return/details?return_id=1").await.0,
            StatusCode::OK
        );
    }
    let response = h
        .http
        .get(format!("{}/warehouse/return/details?return_id=1", h.base))
        .header("X-Authorization", h.key())
        .send()
        .await
        .expect("send");
    assert!(
        response.headers().get("retry-after").is_none(),
        "Loop documents no headers"
    );
    assert_eq!(
        read(response).await,
        (
            StatusCode::TOO_MANY_REQUESTS,
            json!({"message": "Too Many Attempts."})
        )
    );
    h.stop().await;
}

#[tokio::test]
async fn pagination_walks_every_return_once_and_back() {
    let h = Harness::start(unlimited()).await;
    let start = datetime!(2025-03-01 0:00 UTC);
    for i in 0..250_u64 {
        let created = start + time::Duration::minutes(i as i64);
        let state = match i % 10 {
            0 => "review",
            1 => "cancelled",
            2 => "closed",
            _ => "open",
        };
        h.sim.insert_return(json!({
            "id": 1_000 + i,
            "state": state,
            "created_at": created.format(&time::format_description::well_known::Rfc3339).expect("format"),
            "line_items": [{"line_item_id": 50_000 + i, "sku": "A"}]
        }));
    }
    let first_url = format!(
        "{}/warehouse/return/list?from=2025-03-01%2000:00:00&to=2025-03-10T00:00:00.000Z&paginate=true&pageSize=40",
        h.base
    );
    let pages = h.all_pages(first_url.clone()).await;
    assert_eq!(pages.len(), 5, "200 default-state returns in pages of 40");
    assert!(pages[0]["previousPageUrl"].is_null());
    assert!(pages[4]["nextPageUrl"].is_null());
    let mut seen = Vec::new();
    for page in &pages {
        for r in page["returns"].as_array().expect("returns array") {
            assert!(r["id"].is_string(), "list ids are strings: {r}");
            assert!(["open", "closed", "expired"].contains(&r["state"].as_str().unwrap_or("")));
            seen.push(
                r["id"]
                    .as_str()
                    .unwrap_or_default()
                    .parse::<u64>()
                    .expect("id"),
            );
        }
    }
    let unique: HashSet<_> = seen.iter().copied().collect();
    assert_eq!((seen.len(), unique.len()), (200, 200));
    assert!(seen.windows(2).all(|w| w[0] < w[1]), "oldest first");

    let next = pages[0]["nextPageUrl"].as_str().expect("next page");
    assert!(next.contains("cursor=eyJ"), "{next}");
    let (_, second) = h.send(h.http.get(next)).await;
    let back = second["previousPageUrl"].as_str().expect("previous page");
    let (_, first_again) = h.send(h.http.get(back)).await;
    assert_eq!(first_again["returns"], pages[0]["returns"]);

    let review = h
        .all_pages(format!(
            "{}/warehouse/return/list?from=2025-03-01&to=2025-03-10&state=review&paginate=true&pageSize=750",
            h.base
        ))
        .await;
    assert_eq!(review[0]["returns"].as_array().map(Vec::len), Some(25));

    let (status, bare) = h
        .get("/warehouse/return/list?from=2025-03-01&to=2025-03-10&state=cancelled")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(
        bare.as_array().map(Vec::len),
        Some(25),
        "without paginate: a bare array"
    );

    let (status, body) = h
        .get("/warehouse/return/list?from=2025-01-01&to=2025-05-02")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "121 days: {body}");
    assert!(
        body["errors"]["to"][0]
            .as_str()
            .is_some_and(|m| m.contains("120 days"))
    );
    assert!(body["message"].is_string());
    h.stop().await;
}

#[tokio::test]
async fn list_serves_100000_returns_through_pages_of_750() {
    let h = Harness::start(unlimited()).await;
    let start = datetime!(2025-01-01 0:00 UTC).unix_timestamp();
    for i in 0..100_000_i64 {
        h.sim.insert_return(json!({
            "id": i + 1,
            "created_at": time::OffsetDateTime::from_unix_timestamp(start + i * 60).expect("time")
                .format(&time::format_description::well_known::Rfc3339).expect("format"),
        }));
    }
    let began = Instant::now();
    let pages = h
        .all_pages(format!(
            "{}/warehouse/return/list?from=2025-01-01&to=2025-04-30&paginate=true&pageSize=750",
            h.base
        ))
        .await;
    let total: usize = pages
        .iter()
        .map(|p| p["returns"].as_array().map_or(0, Vec::len))
        .sum();
    assert_eq!((pages.len(), total), (134, 100_000));
    eprintln!(
        "100,000 returns in {} pages: {:?}",
        pages.len(),
        began.elapsed()
    );
    h.stop().await;
}

#[tokio::test]
async fn state_machine_follows_the_documented_transitions() {
    let h = Harness::start(unlimited()).await;
    for id in 1..=5 {
        h.sim.insert_return(sample_return(id));
    }
    let ok = (StatusCode::OK, json!("true"));

    // open → review (flag) → flagged refusal on process → closed (close).
    assert_eq!(h.post("/warehouse/return/1/flag", None).await, ok);
    assert_eq!(h.sim.return_state(1), Some(ReturnState::Review));
    assert_eq!(
        h.post("/warehouse/return/1/process", None).await,
        (
            StatusCode::OK,
            json!({"errors": {"message": "Return is review and therefore cannot be processed.", "code": "UNPROCESSABLE_FLAGGED_RETURN"}})
        )
    );
    assert_eq!(
        h.post("/warehouse/return/1/cancel", None).await,
        (
            StatusCode::OK,
            json!({"content": "Return is flagged and cannot be processed."})
        )
    );
    assert_eq!(h.post("/warehouse/return/1/close", None).await, ok);
    assert_eq!(h.sim.return_state(1), Some(ReturnState::Closed));
    let (status, refused) = h.post("/warehouse/return/1/process", None).await;
    assert_eq!(status, StatusCode::OK, "business errors come in 200s");
    assert_eq!(refused["errors"]["code"], "UNPROCESSABLE_RETURN");

    // open → closed (process with Additional Details).
    let details = json!({"wms_rma": "RMA-2", "received_by": "dock-3"});
    assert_eq!(
        h.post("/warehouse/return/2/process", Some(details)).await,
        ok
    );
    assert_eq!(h.sim.return_state(2), Some(ReturnState::Closed));
    let (_, notes) = h.get("/warehouse/return/2/notes").await;
    assert_eq!(
        notes["notes"][0]["content"],
        "Additional Details: received_by: dock-3, wms_rma: RMA-2"
    );

    // open → cancelled, then nothing else applies.
    assert_eq!(h.post("/warehouse/return/3/cancel", None).await, ok);
    assert_eq!(h.sim.return_state(3), Some(ReturnState::Cancelled));
    let (_, flag) = h.post("/warehouse/return/3/flag", None).await;
    assert_eq!(flag["errors"]["code"], "UNPROCESSABLE_RETURN");

    // Remove line items: refund items only, then the return is processed.
    let (status, body) = h
        .post("/warehouse/return/4/remove?line_item_id=41,43", None)
        .await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "43 is exchanged: {body}"
    );
    assert_eq!(
        body["errors"]["line_item_id"][0],
        "Not all line items qualify for removal."
    );
    let (status, body) = h
        .post("/warehouse/return/4/remove?line_item_id=43", None)
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["errors"]["line_item_id"][0],
        "No line items qualify for removal."
    );
    let (status, _) = h.post("/warehouse/return/4/remove", None).await;
    assert_eq!(
        status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "line_item_id is required"
    );
    assert_eq!(
        h.post("/warehouse/return/4/remove?line_item_id=41,42", None)
            .await,
        ok
    );
    assert_eq!(h.sim.return_state(4), Some(ReturnState::Closed));
    let (_, four) = h.get("/warehouse/return/details?return_id=4").await;
    let left: Vec<_> = four["line_items"]
        .as_array()
        .expect("line items")
        .iter()
        .map(|item| item["line_item_id"].clone())
        .collect();
    assert_eq!(left, [json!(43)]);
    assert!(four["edited_at"].is_string());

    // Notes: 422 "false" when none, 255 characters at most.
    assert_eq!(
        h.get("/warehouse/return/5/notes").await,
        (StatusCode::UNPROCESSABLE_ENTITY, json!("false"))
    );
    let too_long = "x".repeat(256);
    let invalid_note = (
        StatusCode::UNPROCESSABLE_ENTITY,
        json!({"errors": {"message": "Content is required and must be less than 255 characters."}}),
    );
    assert_eq!(
        h.post(
            "/warehouse/return/5/note",
            Some(json!({"content": too_long}))
        )
        .await,
        invalid_note
    );
    assert_eq!(
        h.post("/warehouse/return/5/note", Some(json!({"content": ""})))
            .await,
        invalid_note
    );
    let longest = "é".repeat(255);
    assert_eq!(
        h.post(
            "/warehouse/return/5/note",
            Some(json!({"content": longest}))
        )
        .await,
        ok
    );
    let (status, notes) = h.get("/warehouse/return/5/notes").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(notes["notes"][0]["content"], longest);
    assert!(notes["notes"][0]["id"].is_u64());

    // Only open, closed and expired returns are listed by default.
    let (_, listed) = h
        .get("/warehouse/return/list?from=2025-03-01&to=2025-03-11&filter=updated_at")
        .await;
    let ids: HashSet<&str> = listed
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|r| r["id"].as_str())
        .collect();
    assert_eq!(ids, HashSet::from(["1", "2", "4", "5"]));
    h.stop().await;
}

#[tokio::test]
async fn error_bodies_have_the_documented_shapes() {
    let h = Harness::start(unlimited()).await;
    h.sim.insert_return(sample_return(1));
    let not_found = |message: &str| json!({"errors": {"code": "NOT_FOUND", "message": message}});

    assert_eq!(
        h.post("/warehouse/return/999/process", None).await,
        (StatusCode::NOT_FOUND, not_found("Return not found."))
    );
    assert_eq!(
        h.post("/warehouse/return/999/remove?line_item_id=1", None)
            .await,
        (StatusCode::FORBIDDEN, not_found("Return not found."))
    );
    assert_eq!(
        h.get("/warehouse/return/details?order_name=%23404").await,
        (
            StatusCode::NOT_FOUND,
            json!({"errors": {"code": "ORDER_NOT_FOUND", "message": "Order not found."}})
        )
    );
    let (status, body) = h.get("/warehouse/return/details").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(body["message"].is_string() && body["errors"]["return_id"].is_array());

    let (status, body) = h
        .get("/warehouse/return/list?state=lost&filter=shipped_at")
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["message"],
        "The selected filter is invalid. (and 1 more error)"
    );
    assert_eq!(body["errors"]["state"][0], "The selected state is invalid.");
    assert_eq!(
        body["errors"]["filter"][0],
        "The selected filter is invalid."
    );
    let (status, body) = h
        .get("/warehouse/return/list?paginate=true&cursor=bogus")
        .await;
    assert_eq!(
        (status, &body["errors"]["cursor"][0]),
        (
            StatusCode::UNPROCESSABLE_ENTITY,
            &json!("The cursor is invalid.")
        )
    );

    let (status, body) = h
        .post(
            "/dispositioning/grade",
            Some(json!({"items": [{"line_item_id": "11", "condition_category": "mint"}, {"line_item_id": 999, "description": "ok"}]})),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: HashSet<&str> = body["errors"]
        .as_object()
        .expect("errors object")
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        fields,
        HashSet::from([
            "items.0.line_item_id",
            "items.0.description",
            "items.0.condition_category",
            "items.1.line_item_id"
        ])
    );

    assert_eq!(
        h.send(h.http.delete(format!("{}/webhooks/77", h.base)))
            .await,
        (StatusCode::NOT_FOUND, not_found("Webhook not found."))
    );
    let (status, body) = h
        .post(
            "/webhooks",
            Some(
                json!({"topic": "orders", "trigger": "return.closed", "url": "http://127.0.0.1/x"}),
            ),
        )
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        body["message"],
        "Must be one of the following values:return,label,restock,giftcard,return.processing,label.request"
    );
    h.stop().await;
}

#[tokio::test]
async fn details_asn_and_grading_serve_their_shapes() {
    let h = Harness::start(unlimited()).await;
    h.sim.insert_return(sample_return(7));
    h.sim
        .insert_return(json!({"id": 8, "order_name": "#7", "created_at": "2025-03-01 10:00:00"}));

    let (status, by_id) = h
        .get("/warehouse/return/details?return_id=7&currency_type=shop")
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(by_id["id"], 7, "details ids are integers");
    assert_eq!(by_id["order_id"], 1_007);
    assert_eq!(by_id["line_items"][0]["line_item_id"], 71);
    assert_eq!(by_id["created_at"], "2025-03-04 15:12:09");
    assert_eq!(by_id["provider_order_sales_channel"], "Online Store");
    let (_, by_order) = h.get("/warehouse/return/details?order_id=5000007").await;
    assert_eq!(by_order["id"], 7, "provider_order_id matches too");
    let (_, by_name) = h.get("/warehouse/return/details?order_name=7").await;
    assert_eq!(by_name["id"], 7, "the newest return of the order");

    // Same routes at the root, without /api/v1.
    let root = h.served.base_url();
    let response = h
        .http
        .get(format!("{root}/warehouse/return/details?return_id=7"))
        .header("X-Authorization", h.key())
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::OK);

    let (status, rows) = h
        .get("/warehouse/reporting/asn?from=2025-03-04T00:00:00.000Z&to=2025-03-05T00:00:00.000Z")
        .await;
    assert_eq!(status, StatusCode::OK);
    let rows = rows.as_array().expect("ASN is a bare array");
    assert_eq!(
        rows.len(),
        3,
        "one row per line item; return 8 is outside the window"
    );
    assert_eq!(rows[0]["id"], 71);
    assert_eq!(rows[0]["return_line_item_id"], "71");
    assert_eq!(rows[0]["order_id"], "1007");
    assert_eq!(rows[0]["customer_email"], "jane@example.com");
    assert_eq!(rows[0]["created_at"], "2025-03-04T15:12:09Z");

    let graded = json!({"items": [{
        "line_item_id": 71, "description": "Scuffed sole", "condition_category": "grade_b",
        "return_processor": "wms@3pl.example", "inspected_at": "2025-03-07 10:02:11"
    }]});
    let (status, echo) = h.post("/dispositioning/grade", Some(graded)).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(echo[0]["condition_category"], "grade_b");
    let assessed = json!({"items": [{"line_item_id": 71, "disposition_outcome": "back_to_stock"}]});
    let (status, _) = h.post("/dispositioning/assess", Some(assessed)).await;
    assert_eq!(status, StatusCode::OK);
    let (_, after) = h.get("/warehouse/return/details?return_id=7").await;
    assert_eq!(
        after["line_items"][0]["condition"]["description"],
        "Scuffed sole"
    );
    assert_eq!(
        after["line_items"][0]["disposition"]["disposition_outcome"],
        "back_to_stock"
    );
    assert_eq!(after["state"], "open", "grading changes no state");
    h.stop().await;
}

/// A webhook receiver on loopback: answers each delivery with the next
/// `(status, Retry-After seconds)` of `answers` (then 200) and hands over
/// headers and raw body.
async fn receiver(
    answers: Vec<(u16, Option<u64>)>,
) -> (Served, mpsc::UnboundedReceiver<(HeaderMap, Bytes)>) {
    let (tx, rx) = mpsc::unbounded_channel();
    let answers = std::sync::Arc::new(std::sync::Mutex::new(answers.into_iter()));
    let app = axum::Router::new().route(
        "/hook",
        axum::routing::post(move |headers: HeaderMap, body: Bytes| {
            let tx = tx.clone();
            let answers = answers.clone();
            async move {
                let _ = tx.send((headers, body));
                let (status, retry_after) = answers
                    .lock()
                    .ok()
                    .and_then(|mut a| a.next())
                    .unwrap_or((200, None));
                let status = StatusCode::from_u16(status).unwrap_or(StatusCode::OK);
                let mut response = axum::response::IntoResponse::into_response(status);
                if let Some(seconds) = retry_after {
                    response.headers_mut().insert("retry-after", seconds.into());
                }
                response
            }
        }),
    );
    (serve_router(app).await.expect("bind receiver"), rx)
}

async fn next_delivery(rx: &mut mpsc::UnboundedReceiver<(HeaderMap, Bytes)>) -> (HeaderMap, Bytes) {
    tokio::time::timeout(Duration::from_secs(10), rx.recv())
        .await
        .expect("a delivery within 10 s")
        .expect("receiver open")
}

/// Checks `X-Loop-Signature` as a receiver must: base64(HMAC-SHA256) over
/// the raw body bytes.
fn assert_signed(secret: &str, headers: &HeaderMap, body: &[u8]) {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).expect("any key length");
    mac.update(body);
    let expected = STANDARD.encode(mac.finalize().into_bytes());
    let got = headers
        .get("x-loop-signature")
        .and_then(|v| v.to_str().ok())
        .expect("X-Loop-Signature header");
    assert_eq!(got, expected);
}

/// The attempt log once it holds `n` entries (the receiver sees a delivery
/// a moment before the simulator records the answer).
async fn attempts_when(sim: &LoopSim, n: usize) -> Vec<sandbox::loop_sim::WebhookAttempt> {
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let attempts = sim.webhook_attempts();
        if attempts.len() >= n || Instant::now() > deadline {
            return attempts;
        }
        tokio::time::sleep(Duration::from_millis(2)).await;
    }
}

async fn subscribe(h: &Harness, topic: &str, trigger: &str, url: &str) {
    let (status, created) = h
        .post(
            "/webhooks",
            Some(json!({"topic": topic, "trigger": trigger, "url": url, "status": "active"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    assert_eq!(created["status"], "active");
}

#[tokio::test]
async fn webhooks_arrive_signed_for_each_state_change() {
    let (hooks, mut deliveries) = receiver(Vec::new()).await;
    let url = format!("{}/hook", hooks.base_url());
    let h = Harness::start(LoopConfig {
        webhook_secret: "whsec-test".into(),
        shop_id: 5521,
        ..unlimited()
    })
    .await;
    for trigger in ["return.created", "return.updated", "return.closed"] {
        subscribe(&h, "return", trigger, &url).await;
    }
    subscribe(&h, "return.processing", "return.processing.failed", &url).await;
    // Subscribed elsewhere than loopback: kept, never called.
    subscribe(&h, "return", "return.closed", "https://example.com/hook").await;

    h.sim.insert_return(sample_return(40));
    let (headers, body) = next_delivery(&mut deliveries).await;
    assert_signed("whsec-test", &headers, &body);
    let created: Value = serde_json::from_slice(&body).expect("JSON payload");
    assert_eq!(
        (&created["topic"], &created["trigger"], &created["shop_id"]),
        (&json!("return"), &json!("return.created"), &json!(5521))
    );
    assert_eq!(created["id"], 40, "webhook ids are integers");
    assert_eq!(created["carrier"], "N/A");
    assert!(
        String::from_utf8_lossy(&body).contains(r#""created_at":"2025-03-04T15:12:09Z""#),
        "raw body keeps Loop's timestamp form"
    );

    assert_eq!(
        h.post("/warehouse/return/40/process", None).await.1,
        json!("true")
    );
    let mut triggers = Vec::new();
    for _ in 0..2 {
        let (headers, body) = next_delivery(&mut deliveries).await;
        assert_signed("whsec-test", &headers, &body);
        let payload: Value = serde_json::from_slice(&body).expect("JSON payload");
        assert_eq!(payload["state"], "closed");
        triggers.push(payload["trigger"].as_str().unwrap_or_default().to_owned());
    }
    assert_eq!(triggers, ["return.updated", "return.closed"]);

    // A processing failure: "true" on the call, the failure by webhook.
    h.sim.insert_return(sample_return(41));
    let _created = next_delivery(&mut deliveries).await;
    h.sim
        .fail_next_processing(41, Some("Exchange variant out of stock"));
    assert_eq!(
        h.post("/warehouse/return/41/process", None).await.1,
        json!("true")
    );
    let (headers, body) = next_delivery(&mut deliveries).await;
    assert_signed("whsec-test", &headers, &body);
    let failed: Value = serde_json::from_slice(&body).expect("JSON payload");
    assert_eq!(
        failed,
        json!({"topic": "return.processing", "trigger": "return.processing.failed", "return_id": 41,
               "return_state": "open", "message": "Exchange variant out of stock", "source": "api"})
    );
    assert_eq!(h.sim.return_state(41), Some(ReturnState::Open));

    let attempts = attempts_when(&h.sim, 5).await;
    assert_eq!(attempts.len(), 5);
    assert!(
        attempts
            .iter()
            .all(|a| a.status == Some(200) && a.url == url)
    );
    h.stop().await;
    hooks.shutdown().await.expect("receiver stops");
}

#[tokio::test]
async fn failed_deliveries_are_retried_with_the_same_signed_body() {
    let (hooks, mut deliveries) = receiver(vec![(500, None), (503, Some(0))]).await;
    let url = format!("{}/hook", hooks.base_url());
    let h = Harness::start(LoopConfig {
        webhook_retry: RetryPolicy {
            max_attempts: 6,
            base_delay: Duration::from_millis(5),
            timeout: Duration::from_secs(5),
        },
        ..unlimited()
    })
    .await;
    subscribe(&h, "return", "return.updated", &url).await;
    h.sim.insert_return(sample_return(9));
    assert_eq!(
        h.post("/warehouse/return/9/flag", None).await.1,
        json!("true")
    );

    let bodies: Vec<Bytes> = {
        let mut bodies = Vec::new();
        for _ in 0..3 {
            let (headers, body) = next_delivery(&mut deliveries).await;
            assert_signed(&h.sim.config().webhook_secret, &headers, &body);
            bodies.push(body);
        }
        bodies
    };
    assert!(
        bodies.windows(2).all(|w| w[0] == w[1]),
        "a retry resends the same body"
    );
    let statuses: Vec<_> = attempts_when(&h.sim, 3)
        .await
        .iter()
        .map(|a| (a.attempt, a.status))
        .collect();
    assert_eq!(statuses, [(1, Some(500)), (2, Some(503)), (3, Some(200))]);
    h.stop().await;
    hooks.shutdown().await.expect("receiver stops");
}

#[tokio::test]
async fn webhook_subscriptions_can_be_listed_updated_and_deleted() {
    let h = Harness::start(unlimited()).await;
    let (status, created) = h
        .post(
            "/webhooks",
            Some(json!({"topic": "return", "trigger": "return.created", "url": "http://127.0.0.1:9/hook"})),
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(created["status"], "inactive", "create defaults to inactive");
    let id = created["id"].as_u64().expect("integer id");

    let update = json!({"topic": "label", "trigger": "label.created", "url": "http://127.0.0.1:9/labels", "status": "active"});
    let response = h
        .http
        .put(format!("{}/webhooks/{id}", h.base))
        .header("X-Authorization", h.key())
        .json(&update)
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    let (_, listed) = h.get("/webhooks").await;
    assert_eq!(
        listed,
        json!({"webhooks": [{"id": id, "shop_id": 1, "topic": "label", "trigger": "label.created",
                             "url": "http://127.0.0.1:9/labels", "status": "active"}]})
    );
    let response = h
        .http
        .delete(format!("{}/webhooks/{id}", h.base))
        .header("X-Authorization", h.key())
        .send()
        .await
        .expect("send");
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(h.get("/webhooks").await.1, json!({"webhooks": []}));
    h.stop().await;
}

#[tokio::test]
async fn a_retry_after_beyond_30_minutes_ends_the_delivery() {
    let (hooks, mut deliveries) = receiver(vec![(503, Some(1_801))]).await;
    let url = format!("{}/hook", hooks.base_url());
    let h = Harness::start(LoopConfig {
        webhook_retry: RetryPolicy {
            base_delay: Duration::from_millis(1),
            ..RetryPolicy::default()
        },
        ..unlimited()
    })
    .await;
    subscribe(&h, "return", "return.updated", &url).await;
    subscribe(&h, "return", "return.closed", &url).await;
    h.sim.insert_return(json!({"id": 3, "state": "open"}));
    assert!(h.sim.set_return_state(3, ReturnState::Expired));
    let (_, body) = next_delivery(&mut deliveries).await;
    let payload: Value = serde_json::from_slice(&body).expect("JSON payload");
    assert_eq!(
        (&payload["trigger"], &payload["state"]),
        (&json!("return.updated"), &json!("expired"))
    );
    // Had the delivery been retried, attempt 2 would follow within a few ms;
    // the next thing the receiver sees is the following event instead.
    assert!(h.sim.set_return_state(3, ReturnState::Closed));
    let (_, body) = next_delivery(&mut deliveries).await;
    let payload: Value = serde_json::from_slice(&body).expect("JSON payload");
    assert_eq!(payload["trigger"], "return.updated");
    assert_eq!(payload["state"], "closed");
    let attempts: Vec<_> = attempts_when(&h.sim, 3)
        .await
        .iter()
        .map(|a| (a.trigger.clone(), a.attempt, a.status))
        .collect();
    assert_eq!(
        attempts,
        [
            ("return.updated".to_owned(), 1, Some(503)),
            ("return.updated".to_owned(), 1, Some(200)),
            ("return.closed".to_owned(), 1, Some(200)),
        ]
    );
    assert!(!h.sim.set_return_state(404, ReturnState::Open));
    h.stop().await;
    hooks.shutdown().await.expect("receiver stops");
}

#[tokio::test]
async fn label_webhooks_carry_the_label_topic_shape() {
    let (hooks, mut deliveries) = receiver(Vec::new()).await;
    let url = format!("{}/hook", hooks.base_url());
    let h = Harness::start(unlimited()).await;
    subscribe(&h, "label", "label.created", &url).await;
    subscribe(&h, "label", "label.updated", &url).await;
    // Topic `label` with a return trigger yields nothing (spec §8.2).
    subscribe(&h, "label", "return.created", &url).await;

    let mut seed = sample_return(12);
    seed["labels"] = json!([{
        "status": "new", "carrier": "DHL", "tracking_number": "00340434161234567890",
        "url": "https://example.com/label.pdf", "rate": 599, "line_items": [121, 122, 123]
    }]);
    h.sim.insert_return(seed);
    let (headers, body) = next_delivery(&mut deliveries).await;
    assert_signed(&h.sim.config().webhook_secret, &headers, &body);
    let created: Value = serde_json::from_slice(&body).expect("JSON payload");
    assert_eq!(
        created,
        json!({"topic": "label", "trigger": "label.created", "shop_id": "1", "id": "12",
               "order_id": "1012", "provider_order_id": 5_000_012, "carrier": "DHL",
               "tracking_number": "00340434161234567890", "label_status": "new",
               "label_updated_at": "2025-03-04T15:12:09Z", "shipment_id": "12-1"})
    );

    assert!(h.sim.set_label_status(12, "in_transit"));
    let (_, body) = next_delivery(&mut deliveries).await;
    let updated: Value = serde_json::from_slice(&body).expect("JSON payload");
    assert_eq!(
        (
            &updated["trigger"],
            &updated["label_status"],
            &updated["label_updated_at"]
        ),
        (
            &json!("label.updated"),
            &json!("in_transit"),
            &json!("2025-03-10T12:00:00Z")
        )
    );
    let (_, listed) = h.get("/warehouse/return/details?return_id=12").await;
    assert_eq!(listed["label_status"], "in_transit");
    assert_eq!(listed["labels"][0]["status"], "in_transit");
    assert!(!h.sim.set_label_status(999, "in_transit"));
    assert_eq!(
        attempts_when(&h.sim, 2).await.len(),
        2,
        "nothing for return.created"
    );
    h.stop().await;
    hooks.shutdown().await.expect("receiver stops");
}

#[tokio::test]
async fn the_sales_channel_can_be_left_out_of_return_data_but_not_out_of_orders() {
    let (hooks, mut deliveries) = receiver(Vec::new()).await;
    let url = format!("{}/hook", hooks.base_url());
    let h = Harness::start(unlimited().without_sales_channel_in_return_data()).await;
    assert!(h.sim.config().omit_sales_channel_from_return_data);
    subscribe(&h, "return", "return.created", &url).await;
    h.sim.insert_return(sample_return(7));

    // The Return webhook documents the channel: it still carries it.
    let (_, body) = next_delivery(&mut deliveries).await;
    let hook: Value = serde_json::from_slice(&body).expect("JSON payload");
    assert_eq!(hook["provider_order_sales_channel"], "Online Store");

    // The Detailed Returns List and Get Return Details leave it out…
    let (status, page) = h
        .get("/warehouse/return/list?from=2025-03-01&to=2025-03-09&paginate=true")
        .await;
    assert_eq!(status, StatusCode::OK, "{page}");
    let listed = &page["returns"][0];
    assert_eq!(listed["id"], "7");
    assert!(
        listed.get("provider_order_sales_channel").is_none(),
        "{listed}"
    );
    assert_eq!(
        listed["order_id"], "1007",
        "the order id to look the channel up with"
    );
    let (_, bare) = h
        .get("/warehouse/return/list?from=2025-03-01&to=2025-03-09")
        .await;
    assert!(
        bare[0].get("provider_order_sales_channel").is_none(),
        "{bare}"
    );
    let (status, details) = h.get("/warehouse/return/details?return_id=7").await;
    assert_eq!(status, StatusCode::OK);
    assert!(
        details.get("provider_order_sales_channel").is_none(),
        "{details}"
    );
    assert_eq!(details["order_name"], "#7", "other seeded fields stay");

    // …and the Orders API gives it, by the return's order_id.
    let (status, order) = h.get("/orders/1007").await;
    assert_eq!(status, StatusCode::OK, "{order}");
    assert_eq!(
        order,
        json!({"id": 1007, "name": "#7", "channel": {"id": null, "name": "Online Store"}, "source": "shopify"})
    );
    h.stop().await;
}

#[tokio::test]
async fn orders_serve_the_channel_by_default_and_answer_404_for_unknown_orders() {
    let h = Harness::start(unlimited()).await;
    h.sim.insert_return(sample_return(7));
    h.sim
        .insert_return(json!({"id": 9, "order_id": 2_000, "order_name": "#9",
                               "created_at": "2025-03-04T15:12:09.000Z"}));

    // By default the return data carries the channel as seeded.
    let (_, details) = h.get("/warehouse/return/details?return_id=7").await;
    assert_eq!(details["provider_order_sales_channel"], "Online Store");

    // The Shopify order id finds the order too; string ids on request.
    let response = h
        .http
        .get(format!("{}/orders/5000007", h.base))
        .header("X-Authorization", h.key())
        .header("X-Loop-Global-Identifier-Type", "string")
        .send()
        .await
        .expect("send");
    let (status, order) = read(response).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(order["id"], "5000007");
    assert_eq!(order["channel"]["name"], "Online Store");

    // A return seeded without a channel: the order has none.
    let (status, order) = h.get("/orders/2000").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(order["channel"], Value::Null);
    assert_eq!(order["source"], Value::Null);

    for unknown in ["/orders/31337", "/orders/not-a-number"] {
        let (status, body) = h.get(unknown).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{unknown}");
        assert_eq!(body["errors"]["code"], "ORDER_NOT_FOUND");
    }
    h.stop().await;

    // A key without the (assumed) Order (read) scope gets 401.
    let h = Harness::start(LoopConfig {
        scopes: vec![LoopScope::Returns],
        ..unlimited()
    })
    .await;
    h.sim.insert_return(sample_return(7));
    let (status, _) = h.get("/orders/1007").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    h.stop().await;
}

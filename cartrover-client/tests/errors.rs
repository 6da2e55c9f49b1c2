//! The envelope's errors, throttling and retries, the limiter, and secrets.

mod common;

use std::time::Duration;

use cartrover_client::{
    CartApi, CartClient, Error, ErrorCode, MerchantApi, OrderApi, OrderListFilter, OrderListQuery,
    PageRequest, RateLimit, RetryPolicy, Timeouts, WarehouseClient,
};
use common::{KEY, USER, cart, cart_with_limit, expect, fixture, http, merchant, ok, ok_json};
use wiremock::{MockServer, ResponseTemplate};

async fn status_error(server: &MockServer) -> Error {
    cart(server)
        .order_status(&"BL-404".into())
        .await
        .unwrap_err()
}

#[tokio::test]
async fn envelope_errors_on_http_200_are_typed_with_message_and_process_id() {
    let table = [
        (
            "error_invalid.json",
            ErrorCode::Invalid,
            "Order BL-404 not found",
        ),
        (
            "error_failure_duplicate.json",
            ErrorCode::Failure,
            "Duplicate order: BL-10045",
        ),
        (
            "error_unknown_code.json",
            ErrorCode::Unknown("Maintenance".into()),
            "Back soon",
        ),
    ];
    for (name, code, message) in table {
        let server = MockServer::start().await;
        expect("GET", "/v1/cart/orders/status/BL-404")
            .respond_with(ok(name, "pid-err-42"))
            .expect(1)
            .mount(&server)
            .await;
        let err = status_error(&server).await;
        assert_eq!(err.code(), Some(&code), "{name}");
        assert_eq!(err.message(), Some(message), "{name}");
        assert_eq!(err.process_id(), Some("pid-err-42"), "{name}");
        assert_eq!(err.status(), Some(reqwest::StatusCode::OK), "{name}");
        assert!(!err.is_retryable(), "{name}");
        let shown = err.to_string();
        assert!(
            shown.contains(code.as_str()) && shown.contains(message),
            "{shown}"
        );
        assert!(shown.contains("[process id pid-err-42]"), "{shown}");
    }
}

#[tokio::test]
async fn legacy_status_message_and_error_response_are_kept() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/status/BL-404")
        .respond_with(ok("error_status_message.json", "pid-legacy"))
        .mount(&server)
        .await;
    let err = status_error(&server).await;
    let api = err.as_api().expect("an API error");
    assert_eq!(api.code(), Some(&ErrorCode::Invalid));
    assert_eq!(api.message(), Some("Invalid SKU"));
    assert_eq!(
        api.error_response(),
        Some(&serde_json::json!({"sku": "NOPE"}))
    );
    assert_eq!(api.process_id(), Some("pid-legacy"));
    assert_eq!(api.operation(), "get_order_status");
}

#[tokio::test]
async fn a_200_without_success_code_is_an_error() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/status/BL-404")
        .respond_with(ok("missing_success_code.json", "pid-x"))
        .expect(1)
        .mount(&server)
        .await;
    let err = status_error(&server).await;
    assert!(matches!(err, Error::Api(_)));
    assert_eq!(err.code(), None);
    assert!(err.to_string().contains("success_code"), "{err}");
}

#[tokio::test]
async fn a_non_2xx_with_an_envelope_keeps_status_code_and_message() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/status/BL-404")
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_raw(fixture("unauthorized.json"), "application/json")
                .insert_header("x-cartrover-process-id", "pid-401"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = status_error(&server).await;
    assert_eq!(err.status(), Some(reqwest::StatusCode::UNAUTHORIZED));
    assert_eq!(err.code(), Some(&ErrorCode::Invalid));
    assert_eq!(err.message(), Some("Invalid API credentials"));
    assert_eq!(err.process_id(), Some("pid-401"));
}

#[tokio::test(start_paused = true)]
async fn a_non_json_5xx_is_retried_for_reads_then_reported_with_the_body() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/status/BL-404")
        .respond_with(
            ResponseTemplate::new(502).set_body_raw(fixture("server_error.html"), "text/html"),
        )
        .expect(4)
        .mount(&server)
        .await;
    let err = status_error(&server).await;
    assert_eq!(err.status(), Some(reqwest::StatusCode::BAD_GATEWAY));
    assert!(err.is_retryable());
    assert!(err.to_string().contains("502 Bad Gateway"), "{err}");
}

#[tokio::test(start_paused = true)]
async fn rate_limit_on_200_is_waited_and_retried_for_reads() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/status/BL-10045")
        .respond_with(ok("error_rate_limit.json", "pid-throttled"))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    expect("GET", "/v1/cart/orders/status/BL-10045")
        .respond_with(ok("order_status.json", "pid-ok"))
        .expect(1)
        .mount(&server)
        .await;

    let started = tokio::time::Instant::now();
    let reply = cart(&server)
        .order_status(&"BL-10045".into())
        .await
        .unwrap();
    assert_eq!(reply.attempts, 3);
    assert_eq!(reply.process_id.as_deref(), Some("pid-ok"));
    assert!(
        started.elapsed() >= Duration::from_millis(1200),
        "waited one refill per throttle"
    );
}

/// The wait after a `RateLimit` answer follows the bucket the client was
/// configured with, and is served once: the throttle pauses the bucket, and
/// the retry's slot comes from it after the pause, not after a second wait.
#[tokio::test(start_paused = true)]
async fn rate_limit_waits_one_refill_of_the_configured_bucket_once() {
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/update/BL-1")
        .respond_with(ok("error_rate_limit.json", "pid-throttled"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    expect("POST", "/v1/cart/orders/update/BL-1")
        .respond_with(ok_json(serde_json::json!({"success_code": true})))
        .expect(1)
        .mount(&server)
        .await;
    // A bucket of two calls refilling one every 2.5 s (not CartRover's 0.6 s):
    // a slot is free at once, so only the throttle wait holds the retry.
    let client = cart_with_limit(&server, RateLimit::bucket(2, Duration::from_millis(2500)));
    let started = tokio::time::Instant::now();
    client
        .confirm_order(&"BL-1".into(), vec!["T".into()])
        .await
        .expect("retried after the throttle");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(2500),
        "one refill of the configured bucket: {waited:?}"
    );
    assert!(
        waited < Duration::from_millis(5000),
        "the refill was waited twice: {waited:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn rate_limit_is_retried_for_a_batch_create_too_since_nothing_was_processed() {
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/batch")
        .respond_with(ok("error_rate_limit.json", "pid-throttled"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    expect("POST", "/v1/cart/orders/batch")
        .respond_with(ok("batch_create.json", "pid-ok"))
        .expect(1)
        .mount(&server)
        .await;
    let order = serde_json::from_str(
        r#"{"cust_ref": "BL-1", "ship_company": "Acme", "ship_address_1": "1 Main St",
            "ship_city": "Secaucus", "ship_state": "NJ", "ship_zip": "07094",
            "ship_country": "US", "items": [{"item": "SKU-1", "quantity": 1}]}"#,
    )
    .unwrap();
    let reply = cart(&server).create_orders(&[order]).await.unwrap();
    assert_eq!(reply.attempts, 2);
    assert_eq!(reply.value.success.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn rate_limit_that_never_ends_is_reported_after_the_policy_runs_out() {
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/update/BL-1")
        .respond_with(ok("error_rate_limit.json", "pid-throttled"))
        .expect(3)
        .mount(&server)
        .await;
    let client = CartClient::builder(USER, KEY)
        .base_url(server.uri())
        .timeouts(Timeouts::none())
        .http_client(http())
        // Throttles do not use up attempts (http-transport a07bf24): the time
        // budget bounds them. One refill (0.6 s) per throttle: 3 attempts.
        .retry_policy(RetryPolicy::default().with_max_elapsed(Duration::from_millis(1500)))
        .build()
        .unwrap();
    let err = client
        .confirm_order(&"BL-1".into(), vec!["T".into()])
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.code(), Some(&ErrorCode::RateLimit));
    assert_eq!(err.process_id(), Some("pid-throttled"));
}

#[tokio::test]
async fn a_failure_on_create_is_final_and_not_repeated() {
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/cartrover")
        .respond_with(ok("error_failure_duplicate.json", "pid-dup"))
        .expect(1)
        .mount(&server)
        .await;
    let order = serde_json::from_str(
        r#"{"cust_ref": "BL-10045", "ship_first_name": "Ada", "ship_address_1": "1 Main St",
            "ship_city": "Secaucus", "ship_state": "NJ", "ship_zip": "07094",
            "ship_country": "US", "items": [{"item": "SKU-1", "quantity": 1}]}"#,
    )
    .unwrap();
    let err = cart(&server).create_order(&order).await.unwrap_err();
    assert_eq!(err.code(), Some(&ErrorCode::Failure));
    assert!(err.is_duplicate());
    assert_eq!(err.process_id(), Some("pid-dup"));
}

#[tokio::test(start_paused = true)]
async fn zero_hits_remaining_makes_the_next_call_wait_for_a_refill() {
    let server = MockServer::start().await;
    expect("GET", "/v1/merchant/inventory")
        .respond_with(
            ok("inventory_list.json", "pid")
                .insert_header("x-cartrover-api-minute-hits-remaining", "0"),
        )
        .expect(2)
        .mount(&server)
        .await;
    let client = merchant(&server);
    let first = client.list_inventory(PageRequest::first(2)).await.unwrap();
    assert_eq!(first.hits_remaining, Some(0));
    let started = tokio::time::Instant::now();
    client.list_inventory(PageRequest::first(2)).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "waited {:?} after the server reported an empty bucket",
        started.elapsed()
    );
}

#[tokio::test(start_paused = true)]
async fn the_default_bucket_lets_100_calls_through_then_one_per_600_ms() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/list/new")
        .respond_with(ok("order_list_page2.json", "pid"))
        .expect(102)
        .mount(&server)
        .await;
    let client = cart(&server);
    let query = OrderListQuery::new(OrderListFilter::New);
    let started = tokio::time::Instant::now();
    for _ in 0..100 {
        client.list_orders(&query).await.unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_millis(600),
        "a burst of 100 passes"
    );
    client.list_orders(&query).await.unwrap();
    client.list_orders(&query).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_millis(1200),
        "then one call per 0.6 s"
    );
}

#[tokio::test]
async fn secrets_never_appear_in_debug_or_errors() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/status/BL-404")
        .respond_with(ok("error_invalid.json", "pid"))
        .mount(&server)
        .await;
    let builder = CartClient::builder(USER, KEY).base_url(server.uri());
    assert!(!format!("{builder:?}").contains(KEY));
    let client = cart(&server);
    assert!(!format!("{client:?}").contains(KEY));
    let acting = WarehouseClient::builder(USER, KEY)
        .base_url(server.uri())
        .build()
        .unwrap()
        .for_merchant("7");
    assert!(!format!("{acting:?}").contains(KEY));
    let err = status_error(&server).await;
    assert!(!format!("{err:?}").contains(KEY));
    assert!(!err.to_string().contains(KEY));
    let bad = CartClient::builder(USER, KEY)
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert!(matches!(bad, Error::Config(_)));
    assert!(!format!("{bad:?} {bad}").contains(KEY));
}

#[tokio::test]
async fn a_slow_answer_times_out_with_the_configured_timeout() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/status/BL-1")
        .respond_with(ok("order_status.json", "pid").set_delay(Duration::from_millis(500)))
        .expect(1)
        .mount(&server)
        .await;
    let client = CartClient::builder(USER, KEY)
        .base_url(server.uri())
        .timeouts(Timeouts::default().with_request(Duration::from_millis(100)))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.order_status(&"BL-1".into()).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.is_retryable());
}

#[test]
fn clients_and_errors_are_thread_safe() {
    static_assertions::assert_impl_all!(CartClient: Send, Sync, Clone, std::fmt::Debug);
    static_assertions::assert_impl_all!(cartrover_client::MerchantClient: Send, Sync, Clone, std::fmt::Debug);
    static_assertions::assert_impl_all!(WarehouseClient: Send, Sync, Clone, std::fmt::Debug);
    static_assertions::assert_impl_all!(Error: Send, Sync, std::error::Error);
    static_assertions::assert_obj_safe!(CartApi, MerchantApi, cartrover_client::WarehouseApi);
}

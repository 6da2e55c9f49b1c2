//! One typed surface: credentials, error predicates, decode errors, the
//! connection check, page streams, and duplicate-proof order creation.

mod common;

use std::time::Duration;

use cartrover_client::prelude::*;
use cartrover_client::{
    ApiLevel, CartClient, ConfigError, CreateOutcome, Error, HttpError, MerchantClient,
    OrderListFilter, OrderListQuery, PageRequest, Request, RetryPolicy, Timeouts, WarehouseClient,
};
use common::{KEY, USER, cart, expect, fixture, http, merchant, ok, ok_json, order, warehouse};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use wiremock::{Mock, MockServer, ResponseTemplate};

// ---- 1. Authentication failures are typed; empty credentials refused ----

#[tokio::test]
async fn bad_credentials_are_unauthorized_in_every_documented_shape() {
    let envelope = |message: &str| {
        json!({"success_code": false, "error_code": "Invalid", "message": message}).to_string()
    };
    let table = [
        // CartRover's bad-credentials envelope on HTTP 200 (spec §2.3: the
        // status is unconfirmed, so every shape is accepted).
        (200, fixture("unauthorized.json")),
        (200, envelope("Missing API credentials (HTTP Basic auth)")),
        (200, envelope("Malformed Authorization header: expected HTTP Basic credentials")),
        (200, envelope("These merchant-level API credentials cannot call this endpoint")),
        (
            200,
            json!({"success_code": false, "error_code": "Invalid", "status_message": "Invalid API Key"})
                .to_string(),
        ),
        (200, json!({"success_code": false, "error_code": "Unauthorized"}).to_string()),
        // Non-2xx, with or without an envelope.
        (401, fixture("unauthorized.json")),
        (401, String::new()),
        (403, "<html>Forbidden</html>".to_owned()),
    ];
    for (status, body) in table {
        let server = MockServer::start().await;
        expect("GET", "/v1/cart/orders/status/BL-1")
            .respond_with(
                ResponseTemplate::new(status).set_body_raw(body.clone(), "application/json"),
            )
            .expect(1)
            .mount(&server)
            .await;
        let err = cart(&server)
            .order_status(&"BL-1".into())
            .await
            .unwrap_err();
        assert!(err.is_unauthorized(), "{status} {body}: {err:?}");
        assert!(!err.is_retryable(), "{status} {body}");
        assert!(!err.is_not_found(), "{status} {body}");
        assert!(!err.is_duplicate(), "{status} {body}");
    }
}

#[tokio::test]
async fn other_envelope_errors_are_not_unauthorized() {
    for name in [
        "error_invalid.json",
        "error_failure_duplicate.json",
        "error_rate_limit.json",
    ] {
        let server = MockServer::start().await;
        expect("GET", "/v1/cart/orders/status/BL-1")
            .respond_with(ok(name, "pid"))
            .mount(&server)
            .await;
        let client = CartClient::builder(USER, KEY)
            .base_url(server.uri())
            .http_client(http())
            .retry_policy(RetryPolicy::none())
            .build()
            .unwrap();
        let err = client.order_status(&"BL-1".into()).await.unwrap_err();
        assert!(!err.is_unauthorized(), "{name}: {err}");
    }
}

#[test]
fn empty_or_blank_credentials_are_refused_by_build_naming_the_setting() {
    fn missing(result: cartrover_client::Result<impl std::fmt::Debug>) -> &'static str {
        match result.unwrap_err() {
            Error::Config(ConfigError::Missing(name)) => name,
            other => panic!("expected a missing setting, got {other:?}"),
        }
    }
    assert_eq!(missing(CartClient::builder("", KEY).build()), "api_user");
    assert_eq!(missing(CartClient::builder(USER, "  ").build()), "api_key");
    assert_eq!(
        missing(MerchantClient::builder(" ", KEY).build()),
        "api_user"
    );
    assert_eq!(
        missing(MerchantClient::builder(USER, "").build()),
        "api_key"
    );
    assert_eq!(
        missing(WarehouseClient::builder("\t", KEY).build()),
        "api_user"
    );
    assert_eq!(
        missing(WarehouseClient::builder(USER, "").build()),
        "api_key"
    );
    let err = CartClient::builder(USER, "").build().unwrap_err();
    assert!(err.to_string().contains("api_key"), "{err}");
}

// ---- 2. Error kinds are predicates on the crate's own Error ----

#[tokio::test]
async fn error_kinds_are_predicates_on_the_crate_error() {
    // Transport: nothing listens on the port any more.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let client = CartClient::builder(USER, KEY)
        .base_url(uri)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = client.order_status(&"BL-1".into()).await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert!(err.is_retryable() && !err.is_decode() && !err.is_timeout());
    assert!(!err.is_unauthorized() && !err.is_not_found() && !err.is_rate_limited());

    // Not found: the Invalid envelope for an unknown order, and a plain 404.
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/status/BL-404")
        .respond_with(ok("error_invalid.json", "pid"))
        .mount(&server)
        .await;
    expect("GET", "/v1/merchant/inventory/NOPE")
        .respond_with(ResponseTemplate::new(404))
        .mount(&server)
        .await;
    let err = cart(&server)
        .order_status(&"BL-404".into())
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");
    assert!(!err.is_transport() && !err.is_decode());
    let err = merchant(&server)
        .inventory(&"NOPE".into())
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err}");

    // The transport error stays reachable without depending on http-transport.
    let http_error: Option<&HttpError> = err.as_api().map(|api| api.transport_error());
    assert!(http_error.is_some_and(HttpError::is_not_found));
}

// ---- 3. A 2xx body that is not JSON or is cut off is a decode error ----

#[tokio::test]
async fn a_cut_off_or_non_json_2xx_body_is_a_decode_error_with_the_json_path() {
    let full = fixture("order_status.json");
    let cut = &full[..full.find("\"order_status\"").unwrap() + 20];
    let server = MockServer::start().await;
    // A GET whose body is cut short is fetched again, up to the default
    // policy's four attempts; cut every time, it is a decode error.
    expect("GET", "/v1/cart/orders/status/BL-CUT")
        .respond_with(ResponseTemplate::new(200).set_body_raw(cut.to_owned(), "application/json"))
        .expect(4)
        .mount(&server)
        .await;
    expect("GET", "/v1/cart/orders/status/BL-HTML")
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"),
        )
        .expect(2)
        .mount(&server)
        .await;
    expect("POST", "/v1/cart/orders/update/BL-EMPTY")
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let client = cart(&server);

    let err = client.order_status(&"BL-CUT".into()).await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert!(err.as_api().is_none() && err.code().is_none());
    assert!(!err.is_retryable());
    match &err {
        Error::Http(HttpError::Decode(decode)) => {
            assert_eq!(decode.path(), "response.order_status", "{decode}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }

    let err = client.order_status(&"BL-HTML".into()).await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert_eq!(err.status(), Some(reqwest::StatusCode::OK));

    let err = client
        .confirm_order(&"BL-EMPTY".into(), vec!["1Z".into()])
        .await
        .unwrap_err();
    assert!(err.is_decode(), "an empty 200 is not a success: {err:?}");

    let err = client
        .send_raw(Request::get("/v1/cart/orders/status/{c}").path_param("BL-HTML"))
        .await
        .unwrap_err();
    assert!(err.is_decode(), "{err:?}");
}

// ---- 4. check_connection ----

#[tokio::test]
async fn check_connection_proves_each_level_with_one_cheap_call() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/list/new")
        .and(common::RawQuery("limit=1&page=1"))
        .respond_with(
            ok("order_list_page2.json", "pid-cart")
                .insert_header("x-cartrover-api-minute-hits-remaining", "97"),
        )
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/merchant/inventory")
        .and(common::RawQuery("limit=1&page=1"))
        .respond_with(ok("inventory_list.json", "pid-merchant"))
        .expect(2)
        .mount(&server)
        .await;
    expect("GET", "/v1/wms/shipmethod/list")
        .respond_with(
            ok("wms_ship_methods.json", "pid-wms")
                .insert_header("x-cartrover-api-minute-hits-remaining", "12"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let report = cart(&server).check_connection().await.unwrap();
    assert_eq!(report.level, ApiLevel::Cart);
    assert_eq!(report.process_id.as_deref(), Some("pid-cart"));
    assert_eq!(report.hits_remaining, Some(97));
    assert_eq!(report.probe, "list_orders");

    let report = merchant(&server).check_connection().await.unwrap();
    assert_eq!(report.level, ApiLevel::Merchant);
    assert_eq!(report.merchant_pk, None);
    assert_eq!(report.process_id.as_deref(), Some("pid-merchant"));

    let acting = warehouse(&server).for_merchant("7");
    let report = acting.check_connection().await.unwrap();
    assert_eq!(report.merchant_pk.as_ref().map(|pk| pk.as_str()), Some("7"));

    let report = warehouse(&server).check_connection().await.unwrap();
    assert_eq!(report.level, ApiLevel::Warehouse);
    assert_eq!(report.hits_remaining, Some(12));
}

#[tokio::test]
async fn check_connection_with_a_wrong_key_is_unauthorized_even_on_http_200() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("GET"))
        .respond_with(ok("unauthorized.json", "pid-bad"))
        .expect(3)
        .mount(&server)
        .await;
    for err in [
        cart(&server).check_connection().await.unwrap_err(),
        merchant(&server).check_connection().await.unwrap_err(),
        warehouse(&server).check_connection().await.unwrap_err(),
    ] {
        assert!(err.is_unauthorized(), "{err}");
        assert_eq!(err.process_id(), Some("pid-bad"));
    }
}

// ---- 5. Streams: pages with metadata, repeats are typed errors ----

#[tokio::test]
async fn an_order_list_that_ignores_the_page_number_is_a_pagination_error() {
    let server = MockServer::start().await;
    // Every page answers the rows of page 1.
    expect("GET", "/v1/cart/orders/list/any")
        .respond_with(ok("order_list_page1.json", "pid"))
        .expect(2)
        .mount(&server)
        .await;
    let client = cart(&server);
    let results: Vec<_> = client
        .orders(OrderListQuery::new(OrderListFilter::Any).limit(2))
        .collect()
        .await;
    assert_eq!(results.len(), 3, "two orders, then the error: {results:?}");
    assert!(results[..2].iter().all(Result::is_ok));
    assert!(matches!(
        results[2],
        Err(Error::Pagination {
            operation: "list_orders",
            page: 2,
            previous: 1
        })
    ));
}

#[tokio::test]
async fn an_inventory_list_that_repeats_a_page_is_a_pagination_error_too() {
    let server = MockServer::start().await;
    expect("GET", "/v1/merchant/inventory")
        .respond_with(ok("inventory_list.json", "pid"))
        .expect(2)
        .mount(&server)
        .await;
    let rows = fixture_rows("inventory_list.json");
    let err = merchant(&server)
        .inventory_items(PageRequest::first(rows))
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(
            err,
            Error::Pagination {
                operation: "list_inventory",
                page: 2,
                ..
            }
        ),
        "{err}"
    );
}

fn fixture_rows(name: &str) -> u32 {
    let body: serde_json::Value = serde_json::from_str(&fixture(name)).unwrap();
    body["response"].as_array().unwrap().len() as u32
}

#[tokio::test]
async fn page_streams_keep_process_id_calls_left_and_total_records() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/list/any")
        .and(common::RawQuery("limit=2&page=1"))
        .respond_with(
            ok("order_list_page1.json", "pid-p1")
                .insert_header("x-cartrover-api-minute-hits-remaining", "88")
                .insert_header("total-records", "3"),
        )
        .mount(&server)
        .await;
    expect("GET", "/v1/cart/orders/list/any")
        .and(common::RawQuery("limit=2&page=2"))
        .respond_with(ok("order_list_page2.json", "pid-p2"))
        .mount(&server)
        .await;
    let pages: Vec<_> = cart(&server)
        .order_pages(OrderListQuery::new(OrderListFilter::Any).limit(2))
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 2);
    assert_eq!(pages[0].process_id.as_deref(), Some("pid-p1"));
    assert_eq!(pages[0].hits_remaining, Some(88));
    assert_eq!(pages[0].value.total_records, Some(3));
    assert_eq!(pages[1].value.items.len(), 1);
}

// ---- 14. Duplicates, and duplicate-proof create_order ----

#[tokio::test]
async fn a_duplicate_order_refusal_is_recognisable() {
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/cartrover")
        .respond_with(ok("error_failure_duplicate.json", "pid-dup"))
        .mount(&server)
        .await;
    let err = cart(&server)
        .send_raw(Request::post("/v1/cart/orders/cartrover").json(&order("BL-10045")))
        .await
        .unwrap_err();
    assert!(err.is_duplicate(), "{err}");
    assert!(!err.is_unauthorized() && !err.is_retryable());
}

#[tokio::test]
async fn create_order_meeting_a_duplicate_answers_already_existed_with_the_existing_order() {
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/cartrover")
        .respond_with(ok("error_failure_duplicate.json", "pid-dup"))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/cart/orders/BL-10045")
        .respond_with(ok("order_view.json", "pid-view"))
        .expect(1)
        .mount(&server)
        .await;
    let reply = cart(&server)
        .create_order(&order("BL-10045"))
        .await
        .unwrap();
    assert!(reply.value.already_existed());
    match &reply.value {
        CreateOutcome::AlreadyExisted(existing) => {
            assert_eq!(existing.cust_ref.as_str(), "BL-10045");
            assert_eq!(existing.cust_po_no.as_deref(), Some("WEB-10045"));
        }
        other => panic!("expected AlreadyExisted, got {other:?}"),
    }
    assert_eq!(reply.process_id.as_deref(), Some("pid-view"));
}

#[tokio::test(start_paused = true)]
async fn create_order_retried_after_a_5xx_meets_already_exists_and_answers_already_existed() {
    let server = MockServer::start().await;
    // 1st POST: 502 (the order may or may not have been taken).
    expect("POST", "/v1/cart/orders/cartrover")
        .respond_with(ResponseTemplate::new(502).set_body_raw("<html>502</html>", "text/html"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    // The lookup finds nothing, so the create is repeated; by then the first
    // attempt has landed, and CartRover says "duplicate".
    expect("POST", "/v1/cart/orders/cartrover")
        .respond_with(ok("error_failure_duplicate.json", "pid-dup"))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/cart/orders/BL-10045")
        .respond_with(ok_json(
            json!({"success_code": false, "error_code": "Invalid",
                                     "message": "Order not found: BL-10045"}),
        ))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/cart/orders/BL-10045")
        .respond_with(ok("order_view.json", "pid-view"))
        .expect(1)
        .mount(&server)
        .await;
    let reply = cart(&server)
        .create_order(&order("BL-10045"))
        .await
        .unwrap();
    assert!(
        matches!(&reply.value, CreateOutcome::AlreadyExisted(o) if o.cust_ref.as_str() == "BL-10045"),
        "{:?}",
        reply.value
    );
}

#[tokio::test]
async fn create_order_after_a_timeout_recovers_the_order_it_created() {
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/cartrover")
        .respond_with(ok("create_order.json", "pid").set_delay(Duration::from_millis(400)))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/cart/orders/BL-10045")
        .respond_with(ok("order_view.json", "pid-view"))
        .expect(1)
        .mount(&server)
        .await;
    let client = CartClient::builder(USER, KEY)
        .base_url(server.uri())
        .timeouts(Timeouts::default().with_request(Duration::from_millis(100)))
        .build()
        .unwrap();
    let reply = client.create_order(&order("BL-10045")).await.unwrap();
    assert!(
        matches!(&reply.value, CreateOutcome::Recovered(o) if o.cust_ref.as_str() == "BL-10045")
    );
    assert!(!reply.value.already_existed());
}

#[tokio::test(start_paused = true)]
async fn create_order_whose_lookup_fails_too_says_the_outcome_is_unknown() {
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/cartrover")
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/cart/orders/BL-10045")
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    let err = cart(&server)
        .create_order(&order("BL-10045"))
        .await
        .unwrap_err();
    match &err {
        Error::CreateOutcomeUnknown {
            cust_ref,
            create,
            lookup,
        } => {
            assert_eq!(cust_ref.as_str(), "BL-10045");
            assert_eq!(
                create.status(),
                Some(reqwest::StatusCode::SERVICE_UNAVAILABLE)
            );
            assert_eq!(
                lookup.status(),
                Some(reqwest::StatusCode::INTERNAL_SERVER_ERROR)
            );
        }
        other => panic!("expected CreateOutcomeUnknown, got {other:?}"),
    }
}

//! Cart-level endpoints (E1–E7) against wiremock: method, path, Basic auth,
//! query and body of each request, and the typed result.

mod common;

use std::time::Duration;

use cartrover_client::{
    BatchOrderOutcome, CartApi, Error, OrderApi, OrderIncludes, OrderListFilter, OrderListQuery,
    OrderStatus, RateLimit, validate_batch,
};
use common::{NoQuery, RawQuery, cart, cart_with_limit, expect, ok, ok_json, order};
use futures::StreamExt;
use serde_json::json;
use time::macros::{date, datetime};
use wiremock::MockServer;
use wiremock::matchers::{body_json, query_param};

fn order_wire(cust_ref: &str) -> serde_json::Value {
    json!({
        "cust_ref": cust_ref, "cust_po_no": "WEB-10045",
        "ship_first_name": "Ada", "ship_last_name": "Lee", "ship_address_1": "1 Main St",
        "ship_city": "Secaucus", "ship_state": "NJ", "ship_zip": "07094", "ship_country": "US",
        "ship_is_billing": true, "ship_code": "GROUND",
        "items": [{"item": "SKU-1", "quantity": 2, "price": "9.5", "extended_amount": "19.00"}]
    })
}

#[tokio::test]
async fn create_order_posts_one_object_and_reads_the_unwrapped_answer() {
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/cartrover")
        .and(body_json(order_wire("BL-10045")))
        .and(NoQuery)
        .respond_with(ok("create_order.json", "pid-e1"))
        .expect(1)
        .mount(&server)
        .await;

    let reply = cart(&server)
        .create_order(&order("BL-10045"))
        .await
        .unwrap();
    let created = reply.value.created().expect("created by this call");
    assert_eq!(created.cust_ref.as_str(), "BL-10045");
    assert_eq!(created.order_number.as_deref(), Some("BL-10045"));
    assert_eq!(reply.value.cust_ref().as_str(), "BL-10045");
    assert_eq!(reply.process_id.as_deref(), Some("pid-e1"));
}

#[tokio::test]
async fn create_order_reports_every_missing_field_without_sending() {
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/cartrover")
        .respond_with(ok("create_order.json", "pid"))
        .expect(0)
        .mount(&server)
        .await;

    let mut incomplete = order("");
    incomplete.ship_to.city = None;
    incomplete.items[0].quantity = 0;
    let err = cart(&server).create_order(&incomplete).await.unwrap_err();
    let Error::Validation(missing) = err else {
        panic!("expected a validation error, got {err:?}")
    };
    assert_eq!(
        missing.fields(),
        ["cust_ref", "ship_city", "items[0].quantity"]
    );
}

#[tokio::test(start_paused = true)]
async fn order_creation_skips_the_bucket_other_calls_wait_for_it() {
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/cartrover")
        .respond_with(ok("create_order.json", "pid"))
        .expect(3)
        .mount(&server)
        .await;
    expect("GET", "/v1/cart/orders/status/BL-10045")
        .respond_with(ok("order_status.json", "pid"))
        .expect(2)
        .mount(&server)
        .await;
    let client = cart_with_limit(&server, RateLimit::bucket(1, Duration::from_secs(30)));

    let started = tokio::time::Instant::now();
    for _ in 0..3 {
        client.create_order(&order("BL-10045")).await.unwrap();
    }
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "creates must not wait"
    );
    client.order_status(&"BL-10045".into()).await.unwrap();
    client.order_status(&"BL-10045".into()).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(30),
        "the second status read waits a refill"
    );
}

#[tokio::test]
async fn batch_create_posts_an_array_and_reports_partial_failures() {
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/batch")
        .and(body_json(json!([
            order_wire("BL-10045"),
            order_wire("BL-10001"),
            order_wire("BL-3")
        ])))
        .respond_with(ok("batch_create.json", "pid-e2"))
        .expect(1)
        .mount(&server)
        .await;

    let reply = cart(&server)
        .create_orders(&[order("BL-10045"), order("BL-10001"), order("BL-3")])
        .await
        .unwrap();
    let result = reply.value;
    assert_eq!(result.success.len(), 1);
    assert!(!result.all_created());
    assert!(result.failed[0].is_duplicate());
    assert_eq!(result.failed[1].index_pos, Some(2));
    assert_eq!(result.failed[1].cust_ref, None);
    assert_eq!(
        result.failed[1].message.as_deref(),
        Some("Order missing required field(s): cust_ref")
    );
    // Per order of the request: which went through.
    assert_eq!(result.created_indices().collect::<Vec<_>>(), [0]);
    assert!(matches!(result.outcome(1), Some(BatchOrderOutcome::Refused(f)) if f.is_duplicate()));
    assert_eq!(
        result.failed[0].index_pos,
        Some(1),
        "placed by its cust_ref"
    );
    assert!(
        matches!(result.outcome(2), Some(BatchOrderOutcome::Refused(f)) if f.index_pos == Some(2))
    );
}

#[tokio::test]
async fn batch_create_sends_the_complete_orders_and_reports_an_incomplete_one_at_its_index() {
    let server = MockServer::start().await;
    // Only the two complete orders are sent; CartRover's index_pos counts
    // within what was sent.
    expect("POST", "/v1/cart/orders/batch")
        .and(body_json(json!([order_wire("BL-1"), order_wire("BL-3")])))
        .respond_with(ok_json(json!({
            "success_code": true,
            "response": {
                "success": [{"cust_ref": "BL-1", "cust_po_no": "WEB-10045"}],
                "failed": [{"cust_ref": "BL-3", "cust_po_no": "WEB-10045",
                            "message": "Invalid ship_country", "index_pos": 1}]
            }
        })))
        .expect(1)
        .mount(&server)
        .await;
    let mut second = order("BL-2");
    second.ship_to.zip = None;
    let reply = cart(&server)
        .create_orders(&[order("BL-1"), second, order("BL-3")])
        .await
        .unwrap();
    let result = reply.value;
    assert!(!result.all_created());
    assert_eq!(result.created_indices().collect::<Vec<_>>(), [0]);
    assert!(
        matches!(result.outcome(1), Some(BatchOrderOutcome::NotSent(m)) if m.fields() == ["ship_zip"])
    );
    assert!(
        matches!(result.outcome(2), Some(BatchOrderOutcome::Refused(f)) if f.index_pos == Some(2))
    );
    let not_sent = result
        .failed
        .iter()
        .find(|f| f.index_pos == Some(1))
        .expect("the incomplete order is a failure at its index");
    assert_eq!(not_sent.cust_ref.as_ref().map(|c| c.as_str()), Some("BL-2"));
    assert_eq!(
        not_sent.message.as_deref(),
        Some("Order missing required field(s): ship_zip")
    );
    assert_eq!(result.failed.len(), 2);
}

#[tokio::test]
async fn batch_create_of_only_incomplete_orders_sends_nothing_and_all_or_nothing_is_one_call_away()
{
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/batch")
        .respond_with(ok("batch_create.json", "pid"))
        .expect(0)
        .mount(&server)
        .await;
    let mut broken = order("BL-2");
    broken.ship_to.zip = None;
    let err = cart(&server)
        .create_orders(std::slice::from_ref(&broken))
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Validation(m) if m.fields() == ["orders[0].ship_zip"]));
    // The all-or-nothing check, for callers who want it.
    let err = validate_batch(&[order("BL-1"), broken]).unwrap_err();
    assert_eq!(err.fields(), ["orders[1].ship_zip"]);
}

#[tokio::test]
async fn order_view_percent_encodes_the_key_and_sends_include_flags() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/BL%2F10%20045%2B%23")
        .and(query_param("include_filtered_items", "Y"))
        .and(query_param("include_order_extras", "Y"))
        .and(query_param("include_line_extras", "Y"))
        .and(query_param("include_aliases", "Y"))
        .respond_with(ok("order_view.json", "pid-e3"))
        .expect(1)
        .mount(&server)
        .await;

    let reply = cart(&server)
        .order(&"BL/10 045+#".into(), OrderIncludes::all())
        .await
        .unwrap();
    assert_eq!(reply.value.cust_ref.as_str(), "BL-10045");
    assert_eq!(
        reply.value.items[0].description.as_deref(),
        Some("Widget, blue")
    );
    assert_eq!(reply.process_id.as_deref(), Some("pid-e3"));
}

#[tokio::test]
async fn order_status_reads_shipments_and_tracking() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/status/BL-10045")
        .and(NoQuery)
        .respond_with(ok("order_status.json", "pid-e4"))
        .expect(1)
        .mount(&server)
        .await;

    let status = cart(&server)
        .order_status(&"BL-10045".into())
        .await
        .unwrap()
        .into_inner();
    assert_eq!(status.order_status, Some(OrderStatus::Shipped));
    assert_eq!(
        status.tracking_numbers().collect::<Vec<_>>(),
        ["1Z999AA10123456784"]
    );
    assert_eq!(status.shipments[0].carrier.as_deref(), Some("UPS"));
}

#[tokio::test]
async fn list_orders_sends_dates_with_plus_as_2b_source_flags_and_paging() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/list/shipped_or_confirmed")
        .and(RawQuery(
            "from_date=2024-05-01T00%3A00%3A00%2B02%3A00&to_date=2024-05-31\
             &order_source=Amazon+US&include_line_extras=N&limit=50&page=3",
        ))
        .respond_with(ok("order_list_page1.json", "pid-e5"))
        .expect(1)
        .mount(&server)
        .await;

    let query = OrderListQuery::new(OrderListFilter::ShippedOrConfirmed)
        .from_date(datetime!(2024-05-01 00:00 +02:00))
        .to_date(date!(2024 - 05 - 31))
        .order_source("Amazon US")
        .includes(OrderIncludes {
            line_extras: Some(false),
            ..OrderIncludes::default()
        })
        .limit(50)
        .page(3);
    let page = cart(&server)
        .list_orders(&query)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(page.items.len(), 2);
    assert_eq!(page.items[1].num_to_ship, Some(-4));
    assert!(page.is_last(), "2 rows of 50 is a short page");
}

#[tokio::test]
async fn list_orders_reaches_every_status_filter() {
    let server = MockServer::start().await;
    for filter in OrderListFilter::KNOWN {
        expect("GET", &format!("/v1/cart/orders/list/{}", filter.as_str()))
            .and(query_param("limit", "100"))
            .and(query_param("page", "1"))
            .respond_with(ok("order_list_page2.json", "pid"))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = cart(&server);
    for filter in OrderListFilter::KNOWN {
        let page = client
            .list_orders(&OrderListQuery::new(filter.clone()))
            .await
            .unwrap_or_else(|e| panic!("{filter}: {e}"));
        assert_eq!(page.value.items.len(), 1, "{filter}");
    }
}

#[tokio::test]
async fn the_order_stream_reads_pages_until_a_short_one() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/list/any")
        .and(RawQuery("limit=2&page=1"))
        .respond_with(ok("order_list_page1.json", "pid-p1"))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/cart/orders/list/any")
        .and(RawQuery("limit=2&page=2"))
        .respond_with(ok("order_list_page2.json", "pid-p2"))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/cart/orders/list/any")
        .and(RawQuery("limit=2&page=3"))
        .respond_with(ok("order_list_page2.json", "pid-p3"))
        .expect(0)
        .mount(&server)
        .await;

    let client = cart(&server);
    let refs: Vec<String> = client
        .orders(OrderListQuery::new(OrderListFilter::Any).limit(2))
        .map(|order| order.unwrap().cust_ref.into_inner())
        .collect()
        .await;
    assert_eq!(refs, ["BL-1", "BL-2", "BL-3"]);
}

#[tokio::test]
async fn cancel_returns_the_confirmation_when_both_flags_are_true() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/wms_cancel/BL-10045")
        .and(NoQuery)
        .respond_with(ok("cancel_ok.json", "pid-e6"))
        .expect(1)
        .mount(&server)
        .await;
    let reply = cart(&server)
        .cancel_order(&"BL-10045".into())
        .await
        .unwrap();
    assert_eq!(reply.value.cust_ref.as_str(), "BL-10045");
    assert_eq!(reply.value.message.as_deref(), Some("Order canceled"));
}

#[tokio::test]
async fn cancel_with_nested_success_false_is_a_typed_error() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/wms_cancel/BL-10045")
        .respond_with(ok("cancel_refused.json", "pid-refused"))
        .expect(1)
        .mount(&server)
        .await;
    let err = cart(&server)
        .cancel_order(&"BL-10045".into())
        .await
        .unwrap_err();
    match &err {
        Error::CancelRefused {
            cust_ref,
            message,
            process_id,
        } => {
            assert_eq!(cust_ref.as_str(), "BL-10045");
            assert_eq!(
                message.as_deref(),
                Some("Order has already been sent to the warehouse")
            );
            assert_eq!(process_id.as_deref(), Some("pid-refused"));
        }
        other => panic!("expected CancelRefused, got {other:?}"),
    }
    assert_eq!(err.process_id(), Some("pid-refused"));
    assert!(err.to_string().contains("BL-10045") && err.to_string().contains("pid-refused"));
}

#[tokio::test]
async fn legacy_cancel_posts_the_key_and_accepts_a_bare_envelope() {
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/cancel/cartrover")
        .and(NoQuery)
        .and(body_json(json!({"cust_ref": "BL-10045"})))
        .respond_with(ok("success_only.json", "pid-e6b"))
        .expect(1)
        .mount(&server)
        .await;
    let reply = cart(&server)
        .cancel_order_legacy(&"BL-10045".into())
        .await
        .unwrap();
    assert_eq!(reply.value.cust_ref.as_str(), "BL-10045");
    assert_eq!(reply.process_id.as_deref(), Some("pid-e6b"));
}

#[tokio::test]
async fn confirm_posts_the_documented_tracking_body() {
    let server = MockServer::start().await;
    expect("POST", "/v1/cart/orders/update/BL-10045")
        .and(NoQuery)
        .and(body_json(json!({
            "order_status": "confirmed",
            "shipments": [{"tracking_no": "1Z999AA10123456784"}]
        })))
        .respond_with(ok("success_only.json", "pid-e7"))
        .expect(1)
        .mount(&server)
        .await;
    let reply = cart(&server)
        .confirm_order(&"BL-10045".into(), vec!["1Z999AA10123456784".into()])
        .await
        .unwrap();
    assert_eq!(reply.process_id.as_deref(), Some("pid-e7"));
}

#[tokio::test]
async fn an_unknown_list_filter_is_sent_verbatim_and_percent_encoded() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/list/on%20hold")
        .respond_with(ok("order_list_page2.json", "pid"))
        .expect(1)
        .mount(&server)
        .await;
    let query = OrderListQuery::new(OrderListFilter::parse("on hold"));
    cart(&server).list_orders(&query).await.unwrap();
}

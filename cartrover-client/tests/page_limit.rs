//! The page limit of the list streams against a server whose lists never
//! end: every page is full of new rows.

mod common;

use cartrover_client::{
    CartClient, DEFAULT_MAX_PAGES, Error, InventoryItem, MerchantApi, MerchantClient, Order,
    OrderApi, OrderListFilter, OrderListQuery, Page, PageRequest, Reply, Timeouts, WarehouseClient,
};
use common::{KEY, USER, expect, http};
use futures::StreamExt;
use serde_json::{Value, json};
use wiremock::{MockServer, Request, ResponseTemplate};

/// The `page` query parameter of a list request.
fn page_number(request: &Request) -> u32 {
    request
        .url
        .query_pairs()
        .find(|(key, _)| key == "page")
        .map(|(_, page)| page.parse().expect("a page number"))
        .expect("list requests carry a page")
}

fn envelope(rows: Vec<Value>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"success_code": true, "response": rows}))
}

/// Page `n` of orders: two new orders `BL-<n>a`, `BL-<n>b`, for ever.
fn endless_orders(request: &Request) -> ResponseTemplate {
    let n = page_number(request);
    let order = |suffix: &str| {
        json!({
            "cust_ref": format!("BL-{n}{suffix}"), "order_status": "new",
            "items": [], "shipments": []
        })
    };
    envelope(vec![order("a"), order("b")])
}

/// Page `n` of inventory: two new SKUs `SKU-<n>a`, `SKU-<n>b`, for ever.
fn endless_inventory(request: &Request) -> ResponseTemplate {
    let n = page_number(request);
    let item = |suffix: &str| {
        json!({
            "sku": format!("SKU-{n}{suffix}"), "qty_available": 1, "qty_on_hand": 1,
            "aliases": [], "warehouses": []
        })
    };
    envelope(vec![item("a"), item("b")])
}

/// A server whose `path` answers with `respond` for ever, expecting exactly
/// `requests` calls.
async fn endless_server(
    path: &str,
    respond: fn(&Request) -> ResponseTemplate,
    requests: u64,
) -> MockServer {
    let server = MockServer::start().await;
    expect("GET", path)
        .respond_with(respond)
        .expect(requests)
        .mount(&server)
        .await;
    server
}

fn two_a_page() -> OrderListQuery {
    OrderListQuery::new(OrderListFilter::Any).limit(2)
}

/// The rows before the error, and the error; panics unless the stream ends
/// right after one error.
fn split_at_error<T>(results: Vec<Result<T, Error>>) -> (Vec<T>, Error) {
    let mut rows = Vec::new();
    let mut results = results.into_iter();
    for result in results.by_ref() {
        match result {
            Ok(row) => rows.push(row),
            Err(error) => {
                assert!(results.next().is_none(), "the error ends the stream");
                return (rows, error);
            }
        }
    }
    panic!("the stream ended Ok after {} rows", rows.len())
}

fn assert_too_many_pages(error: &Error, operation: &str, limit: usize) {
    assert!(
        matches!(
            error,
            Error::TooManyPages { operation: op, limit: l } if *op == operation && *l == limit
        ),
        "expected TooManyPages of {operation} with limit {limit}, got {error:?}"
    );
    assert!(error.is_pagination());
    assert!(!error.is_retryable());
    assert_eq!(error.process_id(), None);
    let message = error.to_string();
    assert!(
        message.contains(&format!("more than {limit} pages")),
        "{message}"
    );
}

fn refs(orders: &[Order]) -> Vec<&str> {
    orders.iter().map(|o| o.cust_ref.as_str()).collect()
}

#[tokio::test]
async fn orders_stops_an_endless_list_after_max_pages_with_a_typed_error() {
    let server = endless_server("/v1/cart/orders/list/any", endless_orders, 3).await;
    let client = CartClient::builder(USER, KEY)
        .base_url(server.uri())
        .timeouts(Timeouts::none())
        .http_client(http())
        .max_pages(3)
        .build()
        .expect("cart client");

    let results: Vec<Result<Order, Error>> = client.orders(two_a_page()).collect().await;
    let (orders, error) = split_at_error(results);
    assert_eq!(
        refs(&orders),
        ["BL-1a", "BL-1b", "BL-2a", "BL-2b", "BL-3a", "BL-3b"]
    );
    assert_too_many_pages(&error, "list_orders", 3);
}

#[tokio::test]
async fn order_pages_stops_an_endless_list_after_max_pages_with_a_typed_error() {
    let server = endless_server("/v1/merchant/orders/list/any", endless_orders, 3).await;
    let client = MerchantClient::builder(USER, KEY)
        .base_url(server.uri())
        .timeouts(Timeouts::none())
        .http_client(http())
        .max_pages(3)
        .build()
        .expect("merchant client");

    let results: Vec<Result<Reply<Page<Order>>, Error>> =
        client.order_pages(two_a_page()).collect().await;
    let (pages, error) = split_at_error(results);
    let numbers: Vec<u32> = pages.iter().map(|p| p.value.request.page()).collect();
    assert_eq!(numbers, [1, 2, 3]);
    assert!(pages.iter().all(|p| p.value.items.len() == 2));
    assert_too_many_pages(&error, "list_orders", 3);
}

#[tokio::test]
async fn inventory_items_stops_an_endless_list_after_max_pages_with_a_typed_error() {
    let server = endless_server("/v1/merchant/inventory", endless_inventory, 3).await;
    let client = MerchantClient::builder(USER, KEY)
        .base_url(server.uri())
        .timeouts(Timeouts::none())
        .http_client(http())
        .max_pages(3)
        .build()
        .expect("merchant client");

    let results: Vec<Result<InventoryItem, Error>> = client
        .inventory_items(PageRequest::first(2))
        .collect()
        .await;
    let (items, error) = split_at_error(results);
    let skus: Vec<&str> = items.iter().map(|i| i.sku.as_str()).collect();
    assert_eq!(
        skus,
        ["SKU-1a", "SKU-1b", "SKU-2a", "SKU-2b", "SKU-3a", "SKU-3b"]
    );
    assert_too_many_pages(&error, "list_inventory", 3);
}

#[tokio::test]
async fn a_merchant_reached_through_warehouse_credentials_keeps_max_pages() {
    let server = endless_server("/v1/merchant/inventory", endless_inventory, 2).await;
    let warehouse = WarehouseClient::builder(USER, KEY)
        .base_url(server.uri())
        .timeouts(Timeouts::none())
        .http_client(http())
        .max_pages(2)
        .build()
        .expect("warehouse client");
    let client = warehouse.for_merchant("42");
    assert_eq!(client.max_pages(), 2);

    let results: Vec<Result<Reply<Page<InventoryItem>>, Error>> = client
        .inventory_pages(PageRequest::first(2))
        .collect()
        .await;
    let (pages, error) = split_at_error(results);
    assert_eq!(pages.len(), 2);
    assert_too_many_pages(&error, "list_inventory", 2);
}

#[tokio::test]
async fn a_list_of_exactly_max_pages_pages_ends_ok() {
    let server = MockServer::start().await;
    expect("GET", "/v1/cart/orders/list/any")
        .respond_with(|request: &Request| {
            if page_number(request) == 3 {
                envelope(vec![json!({"cust_ref": "BL-3a", "order_status": "new"})])
            } else {
                endless_orders(request)
            }
        })
        .expect(3)
        .mount(&server)
        .await;
    let client = CartClient::builder(USER, KEY)
        .base_url(server.uri())
        .timeouts(Timeouts::none())
        .http_client(http())
        .max_pages(3)
        .build()
        .expect("cart client");

    let orders: Vec<Order> = client
        .orders(two_a_page())
        .map(|order| order.expect("no error"))
        .collect()
        .await;
    assert_eq!(refs(&orders), ["BL-1a", "BL-1b", "BL-2a", "BL-2b", "BL-3a"]);
}

#[test]
fn max_pages_defaults_to_ten_thousand_and_zero_counts_as_one() {
    let build = |max_pages: Option<usize>| {
        let builder = CartClient::builder(USER, KEY);
        match max_pages {
            Some(n) => builder.max_pages(n),
            None => builder,
        }
        .build()
        .expect("cart client")
    };
    assert_eq!(DEFAULT_MAX_PAGES, 10_000);
    assert_eq!(build(None).max_pages(), DEFAULT_MAX_PAGES);
    assert_eq!(build(Some(0)).max_pages(), 1);
    assert_eq!(build(Some(25)).max_pages(), 25);
}

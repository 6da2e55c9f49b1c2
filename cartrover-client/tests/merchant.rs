//! Merchant-level endpoints (E3–E5 merchant paths, E7m/E17a/E17b, E8–E15)
//! against wiremock.

mod common;

use cartrover_client::{
    MerchantApi, OrderApi, OrderIncludes, OrderListFilter, OrderListQuery, PageRequest,
    ShipMethodMapping, Shipment, StatusUpdate,
};
use common::{NoQuery, RawQuery, WithoutHeader, expect, merchant, ok};
use futures::StreamExt;
use serde_json::json;
use time::macros::datetime;
use wiremock::MockServer;
use wiremock::matchers::body_json;

#[tokio::test]
async fn merchant_order_reads_use_the_merchant_paths() {
    let server = MockServer::start().await;
    expect("GET", "/v1/merchant/orders/BL-10045")
        .and(NoQuery)
        .and(WithoutHeader("x-merchant-pk"))
        .respond_with(ok("order_view.json", "pid-e3m"))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/merchant/orders/status/BL-10045")
        .respond_with(ok("order_status.json", "pid-e4m"))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/merchant/orders/list/new")
        .and(RawQuery(
            "from_date=2024-05-01T00%3A00%3A00%2B00%3A00&limit=100&page=1",
        ))
        .respond_with(ok("order_list_page2.json", "pid-e5m"))
        .expect(1)
        .mount(&server)
        .await;

    let client = merchant(&server);
    let key = "BL-10045".into();
    let view = client.order(&key, OrderIncludes::default()).await.unwrap();
    assert_eq!(view.process_id.as_deref(), Some("pid-e3m"));
    let status = client.order_status(&key).await.unwrap();
    assert_eq!(status.value.shipments.len(), 1);
    let query =
        OrderListQuery::new(OrderListFilter::New).from_date(datetime!(2024-05-01 00:00 UTC));
    let page = client.list_orders(&query).await.unwrap();
    assert_eq!(page.value.items[0].cust_ref.as_str(), "BL-3");
}

#[tokio::test]
async fn warehouse_acknowledge_and_post_shipments_use_the_provisional_update_bodies() {
    let server = MockServer::start().await;
    expect("POST", "/v1/merchant/orders/update/BL-10045")
        .and(body_json(json!({"order_status": "at_wms"})))
        .respond_with(ok("success_only.json", "pid-e17a"))
        .expect(1)
        .mount(&server)
        .await;
    expect("POST", "/v1/merchant/orders/update/BL-10045")
        .and(body_json(json!({
            "order_status": "shipped",
            "shipments": [{
                "carrier": "UPS", "method": "03", "tracking_no": "1Z999AA10123456784",
                "date": "2024-05-02T18:30:00+00:00",
                "items": [{"item": "SKU-1", "quantity": 2, "carton_num": "1"}]
            }]
        })))
        .respond_with(ok("success_only.json", "pid-e17b"))
        .expect(1)
        .mount(&server)
        .await;

    let client = merchant(&server);
    let key = "BL-10045".into();
    let ack = client.acknowledge_order(&key).await.unwrap();
    assert_eq!(ack.process_id.as_deref(), Some("pid-e17a"));
    let shipment = Shipment::new("UPS", "03", "1Z999AA10123456784")
        .with_date(datetime!(2024-05-02 18:30 UTC))
        .with_item("SKU-1", 2, "1");
    let shipped = client.post_shipments(&key, vec![shipment]).await.unwrap();
    assert_eq!(shipped.process_id.as_deref(), Some("pid-e17b"));
}

#[tokio::test]
async fn merchant_confirm_uses_the_merchant_update_path() {
    let server = MockServer::start().await;
    expect("POST", "/v1/merchant/orders/update/BL-1")
        .and(body_json(
            json!({"order_status": "confirmed", "shipments": [{"tracking_no": "T1"}]}),
        ))
        .respond_with(ok("success_only.json", "pid"))
        .expect(1)
        .mount(&server)
        .await;
    let update = StatusUpdate::Confirmed {
        tracking_numbers: vec!["T1".into()],
    };
    merchant(&server)
        .update_order_status(&"BL-1".into(), &update)
        .await
        .unwrap();
}

#[tokio::test]
async fn inventory_list_pages_and_streams_until_a_short_page() {
    let server = MockServer::start().await;
    expect("GET", "/v1/merchant/inventory")
        .and(RawQuery("limit=2&page=1"))
        .respond_with(ok("inventory_list.json", "pid-e8").insert_header("total-records", "3"))
        .expect(2)
        .mount(&server)
        .await;
    expect("GET", "/v1/merchant/inventory")
        .and(RawQuery("limit=2&page=2"))
        .respond_with(wiremock::ResponseTemplate::new(200).set_body_json(
            json!({"success_code": true, "response": [{"sku": "SKU-3", "qty_available": "0"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let client = merchant(&server);
    let page = client.list_inventory(PageRequest::first(2)).await.unwrap();
    assert_eq!(page.value.total_records, Some(3));
    assert_eq!(page.value.items[0].warehouses.len(), 2);
    assert_eq!(page.value.next_request(), Some(PageRequest::new(2, 2)));

    let skus: Vec<String> = client
        .inventory_items(PageRequest::first(2))
        .map(|item| item.unwrap().sku.into_inner())
        .collect()
        .await;
    assert_eq!(skus, ["SKU-1", "SKU-2", "SKU-3"]);
}

#[tokio::test]
async fn inventory_and_product_by_sku_percent_encode_the_sku() {
    let server = MockServer::start().await;
    expect("GET", "/v1/merchant/inventory/SKU%2F2%20%23A")
        .and(NoQuery)
        .respond_with(ok("inventory_sku.json", "pid-e9"))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/merchant/product/SKU%2F2%20%23A")
        .and(NoQuery)
        .respond_with(ok("product.json", "pid-e10"))
        .expect(1)
        .mount(&server)
        .await;

    let client = merchant(&server);
    let sku = "SKU/2 #A".into();
    let stock = client.inventory(&sku).await.unwrap();
    assert_eq!(stock.value.qty_available, Some(15));
    assert_eq!(stock.process_id.as_deref(), Some("pid-e9"));
    let product = client.product(&sku).await.unwrap();
    assert_eq!(product.value.alias("UPC"), Some("012345678905"));
}

#[tokio::test]
async fn ship_methods_carts_and_mappings() {
    let server = MockServer::start().await;
    expect("GET", "/v1/wms/shipmethod/list")
        .and(NoQuery)
        .respond_with(ok("wms_ship_methods.json", "pid-e11"))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/cart/list")
        .and(NoQuery)
        .respond_with(ok("cart_list.json", "pid-e12"))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/cart/listall")
        .and(NoQuery)
        .respond_with(ok("cart_listall.json", "pid-e13"))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/cart/shipmethod/list/Amazon%20US")
        .and(NoQuery)
        .respond_with(ok("cart_ship_methods.json", "pid-e14"))
        .expect(1)
        .mount(&server)
        .await;
    expect("POST", "/v1/cart/shipmethod/Amazon%20US")
        .and(NoQuery)
        .and(body_json(json!([
            {"cart_code": "Express", "wms_code": "22"},
            {"cart_code": "AddMe", "wms_code": null}
        ])))
        .respond_with(ok("success_only.json", "pid-e15"))
        .expect(1)
        .mount(&server)
        .await;

    let client = merchant(&server);
    let wms = client.wms_ship_methods().await.unwrap().into_inner();
    assert_eq!(wms[0].description.as_deref(), Some("USPS Priority Mail"));
    let carts = client.carts().await.unwrap().into_inner();
    assert_eq!(carts[0]["order_source"], "Shopify");
    let all = client.all_cart_types().await.unwrap().into_inner();
    assert_eq!(all.len(), 3);
    let source = "Amazon US".into();
    let mapped = client
        .cart_ship_methods(&source)
        .await
        .unwrap()
        .into_inner();
    assert_eq!(mapped[0].cart_code.as_deref(), Some("Express"));
    let saved = client
        .set_cart_ship_methods(
            &source,
            &[
                ShipMethodMapping::new("Express", "22"),
                ShipMethodMapping::unmapped("AddMe"),
            ],
        )
        .await
        .unwrap();
    assert_eq!(saved.process_id.as_deref(), Some("pid-e15"));
}

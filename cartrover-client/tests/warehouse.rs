//! Warehouse-level endpoints (E11, E16) and acting for one merchant with
//! `X-Merchant-Pk`.

mod common;

use cartrover_client::{
    MerchantApi, OrderApi, OrderListFilter, OrderListQuery, Request, WarehouseApi,
};
use common::{NoQuery, WithoutHeader, expect, ok, warehouse};
use wiremock::MockServer;
use wiremock::matchers::header;

#[tokio::test]
async fn merchant_list_is_read_with_warehouse_credentials() {
    let server = MockServer::start().await;
    expect("GET", "/v1/wms/merchant/list")
        .and(NoQuery)
        .and(WithoutHeader("x-merchant-pk"))
        .respond_with(ok("merchant_list.json", "pid-e16"))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/wms/shipmethod/list")
        .and(NoQuery)
        .respond_with(ok("wms_ship_methods.json", "pid-e11"))
        .expect(1)
        .mount(&server)
        .await;

    let client = warehouse(&server);
    let merchants = client.merchants().await.unwrap();
    assert_eq!(merchants.process_id.as_deref(), Some("pid-e16"));
    assert_eq!(merchants.value[0].merchant_name.as_deref(), Some("Acme Co"));
    let methods = client.wms_ship_methods().await.unwrap().into_inner();
    assert_eq!(methods.len(), 2);
}

#[tokio::test]
async fn acting_for_a_merchant_sends_x_merchant_pk_on_every_call() {
    let server = MockServer::start().await;
    expect("GET", "/v1/merchant/product/SKU-1")
        .and(header("x-merchant-pk", "1234"))
        .respond_with(ok("product.json", "pid"))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/merchant/orders/list/new")
        .and(header("x-merchant-pk", "1234"))
        .respond_with(ok("order_list_page2.json", "pid"))
        .expect(1)
        .mount(&server)
        .await;

    let client = warehouse(&server);
    let acme = client.for_merchant("1234");
    assert_eq!(acme.merchant_pk().map(|pk| pk.as_str()), Some("1234"));
    acme.product(&"SKU-1".into()).await.unwrap();
    acme.list_orders(&OrderListQuery::new(OrderListFilter::New))
        .await
        .unwrap();
}

#[tokio::test]
async fn send_raw_reaches_unmodelled_endpoints_with_auth_and_the_envelope_check() {
    let server = MockServer::start().await;
    expect("GET", "/v1/wms/some/new/endpoint/a%2Fb")
        .and(header("x-merchant-pk", "77"))
        .respond_with(ok("cart_listall.json", "pid-raw"))
        .expect(1)
        .mount(&server)
        .await;
    expect("GET", "/v1/wms/failing")
        .respond_with(ok("error_invalid.json", "pid-raw-err"))
        .expect(1)
        .mount(&server)
        .await;
    let client = warehouse(&server);
    let raw = client
        .for_merchant("77")
        .send_raw(
            Request::get("/v1/wms/some/new/endpoint/{id}")
                .path_param("a/b")
                .operation("new_endpoint"),
        )
        .await
        .unwrap();
    assert_eq!(raw.value["response"][0]["name"], "Amazon");
    assert_eq!(raw.process_id.as_deref(), Some("pid-raw"));
    let err = client
        .send_raw(Request::get("/v1/wms/failing").operation("failing"))
        .await
        .unwrap_err();
    assert_eq!(err.code(), Some(&cartrover_client::ErrorCode::Invalid));
}

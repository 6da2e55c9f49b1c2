//! Every response fixture decodes into the public model, quirks included
//! (spec §3): numbers as strings, negative counts, `Y`/`N`, `[]` for maps,
//! `Description`, nulls, unknown fields and values.

use std::str::FromStr;

use cartrover_client::{
    BatchCreateResult, CartShipMethod, CreatedOrder, InventoryItem, Merchant, Order, OrderStatus,
    OrderStatusInfo, Product, WmsShipMethod,
};
use rust_decimal::Decimal;
use serde::de::DeserializeOwned;
use time::macros::{date, datetime};

fn fixture(name: &str) -> serde_json::Value {
    let path = format!("{}/tests/fixtures/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn response<T: DeserializeOwned>(name: &str) -> T {
    serde_json::from_value(fixture(name)["response"].clone())
        .unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn dec(text: &str) -> Option<Decimal> {
    Some(Decimal::from_str(text).unwrap())
}

#[test]
fn order_view_decodes_string_numbers_flags_nulls_and_capital_description() {
    let order: Order = response("order_view.json");
    assert_eq!(order.cust_ref.as_str(), "BL-10045");
    assert_eq!(order.customer_id.as_deref(), Some("88812"));
    assert_eq!(order.order_date, Some(date!(2024 - 05 - 01)));
    assert_eq!(order.ship_to.first_name.as_deref(), Some("Ada"));
    assert_eq!(order.ship_to.is_billing, Some(true));
    assert_eq!(order.bill_to.last_name.as_deref(), Some("Lee"));
    assert_eq!(order.grand_total, dec("25.33"));
    assert_eq!(order.sending_canceled, Some(false));
    assert_eq!(order.gift_wrap, Some(false));
    assert_eq!(order.balance, dec("0.00"));
    assert_eq!(
        order.created_date_time,
        Some(datetime!(2024-05-01 12:00:00 UTC))
    );
    assert_eq!(order.order_status, None, "the view omits order_status");
    assert!(order.extra_fields.is_empty(), "[] is an empty map");
    assert_eq!(order.extra["record_no"], "156");
    assert_eq!(order.extra["a_field_added_later"]["nested"], true);
    assert!(
        !order.extra.contains_key("ship_first_name"),
        "flattened fields are not duplicated"
    );

    let line = &order.items[0];
    assert_eq!(line.line_no, Some(1));
    assert_eq!(line.quantity, Some(2));
    assert_eq!(line.price, dec("9.5000"));
    assert_eq!(line.description.as_deref(), Some("Widget, blue"));
    assert_eq!(line.line_item_id.as_deref(), Some("99812231"));
    assert_eq!(line.filtered_sku, Some(false));
    assert_eq!(line.extra_fields["engraving"], "AL");
    assert!(order.shipments.is_empty());
}

#[test]
fn order_list_rows_keep_negative_counts_unknown_statuses_and_null_lists() {
    let rows: Vec<Order> = response("order_list_page1.json");
    assert_eq!(rows[0].order_status, Some(OrderStatus::New));
    assert_eq!(rows[0].sending_canceled, Some(true));
    assert_eq!(rows[0].items[0].description, None);
    assert_eq!(rows[1].num_to_ship, Some(-4));
    assert_eq!(rows[1].num_shipped, Some(6));
    assert_eq!(
        rows[1].order_status,
        Some(OrderStatus::Unknown("partial_hold".into()))
    );
    assert!(
        rows[1].shipments.is_empty(),
        "null shipments is an empty list"
    );
}

#[test]
fn order_status_exposes_tracking_and_cartons() {
    let status: OrderStatusInfo = response("order_status.json");
    assert_eq!(status.order_status, Some(OrderStatus::Shipped));
    assert_eq!(status.updated_date_time, None);
    let tracking: Vec<&str> = status.tracking_numbers().collect();
    assert_eq!(tracking, ["1Z999AA10123456784"]);
    let shipment = &status.shipments[0];
    assert_eq!(shipment.date, Some(datetime!(2024-05-02 18:30:00 UTC)));
    assert_eq!(shipment.package_weight_lbs, dec("1.20"));
    assert_eq!(shipment.cartons().len(), 2);
    assert_eq!(shipment.total_quantity(), 2);
}

#[test]
fn create_result_sits_beside_success_code_without_a_response_wrapper() {
    let created: CreatedOrder = serde_json::from_value(fixture("create_order.json")).unwrap();
    assert_eq!(created.cust_ref.as_str(), "BL-10045");
    assert_eq!(created.order_number.as_deref(), Some("BL-10045"));
}

#[test]
fn batch_result_lists_failures_with_index_and_null_refs() {
    let batch: BatchCreateResult = response("batch_create.json");
    assert!(!batch.all_created());
    assert_eq!(
        batch.success[0].cust_ref.as_ref().unwrap().as_str(),
        "BL-10045"
    );
    assert!(batch.failed[0].is_duplicate());
    assert_eq!(batch.failed[0].index_pos, None);
    assert_eq!(batch.failed[1].cust_ref, None);
    assert_eq!(batch.failed[1].index_pos, Some(2));
}

#[test]
fn inventory_list_has_numbers_empty_array_maps_and_per_warehouse_figures() {
    let items: Vec<InventoryItem> = response("inventory_list.json");
    assert_eq!(items[0].qty_available, Some(40));
    assert!(items[0].aliases.is_empty());
    assert_eq!(
        items[0].warehouses["2352"].warehouse.as_deref(),
        Some("EAST")
    );
    assert_eq!(
        items[0].warehouse_named("NJ").unwrap().qty_on_hand,
        Some(31)
    );
    assert_eq!(items[1].qty_available, Some(-1));
    assert_eq!(items[1].aliases["UPC"], "012345678905");
    assert!(items[1].warehouses.is_empty());
    assert_eq!(items[1].wms_datetime, None);
}

#[test]
fn inventory_by_sku_has_numeric_strings() {
    let item: InventoryItem = response("inventory_sku.json");
    assert_eq!(item.qty_available, Some(15));
    assert_eq!(item.warehouses["101"].qty_on_hand, Some(16));
    assert_eq!(item.aliases["UPC"], "12345678905");
}

#[test]
fn product_has_alias_objects_and_a_zoneless_timestamp() {
    let product: Product = response("product.json");
    assert_eq!(product.retail_price, dec("19.99"));
    assert_eq!(product.wholesale_price, dec("9.50"));
    assert_eq!(product.wms_product_main_id.as_deref(), Some("55012"));
    assert_eq!(
        product.last_updated_datetime,
        Some(datetime!(2024-05-01 10:00:00))
    );
    assert_eq!(product.alias("UPC"), Some("012345678905"));
    assert_eq!(product.alias("merchantSKU"), Some("W-1"));
}

#[test]
fn ship_methods_and_merchants_decode_leniently() {
    let wms: Vec<WmsShipMethod> = response("wms_ship_methods.json");
    assert_eq!(wms[1].carrier, None, "empty carrier");
    assert_eq!(wms[1].code.as_deref(), Some("50"));
    let cart: Vec<CartShipMethod> = response("cart_ship_methods.json");
    assert_eq!(cart[0].wms_code.as_deref(), Some("22"));
    assert_eq!(cart[0].extra["description"], "Express 2-day");
    assert_eq!(cart[1].wms_code, None);
    let merchants: Vec<Merchant> = response("merchant_list.json");
    assert_eq!(merchants[0].merchant_pk.as_ref().unwrap().as_str(), "1234");
    assert_eq!(merchants[1].merchant_pk.as_ref().unwrap().as_str(), "77");
    assert_eq!(merchants[1].extra["active"], "Y");
}

#[test]
fn models_round_trip_through_json_without_losing_fields() {
    let order: Order = response("order_view.json");
    let again: Order = serde_json::from_value(serde_json::to_value(&order).unwrap()).unwrap();
    assert_eq!(again, order);
    let items: Vec<InventoryItem> = response("inventory_list.json");
    let again: Vec<InventoryItem> =
        serde_json::from_value(serde_json::to_value(&items).unwrap()).unwrap();
    assert_eq!(again, items);
}

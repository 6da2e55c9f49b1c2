//! The order flow end to end: a cart pushes an order, the warehouse side
//! acknowledges it and posts tracking, the cart reads the tracking back and
//! confirms it, and the merchant reads inventory.
//!
//! Runs against any CartRover-compatible server, e.g. the sandbox's simulator:
//!
//! ```text
//! cargo run -p bergen-sandbox -- --json      # prints the base URL and credentials
//! CARTROVER_BASE_URL=http://127.0.0.1:PORT \
//! CARTROVER_CART_USER=… CARTROVER_CART_KEY=… \
//! CARTROVER_MERCHANT_USER=… CARTROVER_MERCHANT_KEY=… \
//! CARTROVER_WAREHOUSE_USER=… CARTROVER_WAREHOUSE_KEY=… \
//!     cargo run -p cartrover-client --example order_flow
//! ```
//!
//! The acknowledge and post-shipment steps use endpoints that are unverified
//! against the live CartRover service; do not run this against production
//! with real orders.

use std::env;
use std::time::{SystemTime, UNIX_EPOCH};

use cartrover_client::{
    CartApi, CartClient, DEFAULT_BASE_URL, MerchantApi, MerchantClient, NewOrder, NewOrderLine,
    OrderApi, OrderListFilter, OrderListQuery, PageRequest, ShipTo, Shipment, WarehouseApi,
    WarehouseClient,
};
use futures::TryStreamExt;

fn var(name: &str) -> Result<String, Box<dyn std::error::Error>> {
    env::var(name).map_err(|_| format!("set {name} (see the example's docs)").into())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let base_url = env::var("CARTROVER_BASE_URL").unwrap_or_else(|_| DEFAULT_BASE_URL.to_owned());
    let cart = CartClient::builder(var("CARTROVER_CART_USER")?, var("CARTROVER_CART_KEY")?)
        .base_url(&base_url)
        .build()?;
    let merchant = MerchantClient::builder(
        var("CARTROVER_MERCHANT_USER")?,
        var("CARTROVER_MERCHANT_KEY")?,
    )
    .base_url(&base_url)
    .build()?;

    // A cart pushes an order in.
    let stamp = SystemTime::now().duration_since(UNIX_EPOCH)?.as_secs();
    let order = NewOrder {
        cust_ref: format!("EX-{stamp}").into(),
        cust_po_no: Some(format!("WEB-{stamp}")),
        ship_to: ShipTo {
            first_name: Some("Ada".into()),
            last_name: Some("Lee".into()),
            address_1: Some("1 Main St".into()),
            city: Some("Secaucus".into()),
            state: Some("NJ".into()),
            zip: Some("07094".into()),
            country: Some("US".into()),
            ..ShipTo::default()
        },
        items: vec![NewOrderLine::new("SKU-1", 2)],
        ..NewOrder::default()
    };
    let created = cart.create_order(&order).await?;
    let key = created.value.cust_ref().clone();
    println!("created {key} [process id {:?}]", created.process_id);

    // The warehouse side picks it up, acknowledges it and ships it (unverified calls).
    let waiting = merchant
        .list_orders(&OrderListQuery::new(OrderListFilter::New).limit(100))
        .await?;
    println!(
        "{} order(s) waiting for the warehouse on page 1",
        waiting.value.items.len()
    );
    merchant.acknowledge_order(&key).await?;
    let shipment = Shipment::new("UPS", "03", format!("1Z{stamp}")).with_item("SKU-1", 2, "1");
    merchant.post_shipments(&key, vec![shipment]).await?;

    // The cart reads the tracking back and confirms it.
    let status = cart.order_status(&key).await?.into_inner();
    println!("{key} is {:?}", status.order_status);
    let tracking: Vec<String> = status.tracking_numbers().map(str::to_owned).collect();
    for shipment in &status.shipments {
        println!(
            "  {} {} in {} carton(s)",
            shipment.carrier.as_deref().unwrap_or("?"),
            shipment.tracking_no.as_deref().unwrap_or("?"),
            shipment.cartons().len()
        );
    }
    if !tracking.is_empty() {
        cart.confirm_order(&key, tracking).await?;
        println!("{key} confirmed");
    }

    // Inventory, every page.
    let stock: Vec<_> = merchant
        .inventory_items(PageRequest::default())
        .try_collect()
        .await?;
    for item in stock.iter().take(5) {
        println!(
            "{}: {:?} available, {:?} on hand",
            item.sku, item.qty_available, item.qty_on_hand
        );
    }
    println!("{} SKU(s) in stock reports", stock.len());

    // A 3PL with Warehouse keys acts for each of its merchants.
    if let (Ok(user), Ok(key)) = (
        var("CARTROVER_WAREHOUSE_USER"),
        var("CARTROVER_WAREHOUSE_KEY"),
    ) {
        let warehouse = WarehouseClient::builder(user, key)
            .base_url(&base_url)
            .build()?;
        for merchant in warehouse.merchants().await?.into_inner() {
            let Some(pk) = merchant.merchant_pk else {
                continue;
            };
            let acting = warehouse.for_merchant(pk.clone());
            let shipped = acting
                .list_orders(&OrderListQuery::new(OrderListFilter::ShippedOrConfirmed))
                .await?;
            println!(
                "merchant {pk} ({}): {} shipped order(s) on page 1",
                merchant.merchant_name.as_deref().unwrap_or("?"),
                shipped.value.items.len()
            );
        }
    }
    Ok(())
}

//! The orders flow through CartRover: read inventory, batch-create orders
//! for what is in stock, follow them until the warehouse ships them, read
//! the tracking, confirm them.
//!
//! Re-running it with the same order prefix is safe: CartRover refuses a
//! duplicate `cust_ref` (`OrderDuplicate`), and the flow then follows the
//! existing order instead of failing.

use std::time::Duration;

use cartrover_client::{
    CartApi, CustRef, InventoryItem, MerchantApi, NewOrder, NewOrderLine, OrderApi, OrderStatus,
    PageRequest, ShipTo,
};
use futures::TryStreamExt;

use crate::connect::OrderServices;
use crate::progress::Progress;

/// How the orders flow runs.
#[derive(Debug, Clone)]
pub struct OrdersOptions {
    /// Orders to create.
    pub count: usize,
    /// Order keys are `{prefix}-0001`, `{prefix}-0002`, …
    pub prefix: String,
    /// Status checks before the flow reports what has not shipped yet.
    pub poll_rounds: u32,
    /// Pause between checks on the real service (the sandbox's orders are
    /// advanced between checks instead).
    pub poll_interval: Duration,
}

impl Default for OrdersOptions {
    fn default() -> Self {
        Self {
            count: 5,
            prefix: "DEMO".to_owned(),
            poll_rounds: 6,
            poll_interval: Duration::from_secs(30),
        }
    }
}

/// A failure that stops the flow.
#[derive(Debug, thiserror::Error)]
pub enum OrdersError {
    /// Inventory could not be read.
    #[error("reading inventory failed: {0}")]
    Inventory(#[source] cartrover_client::Error),
    /// Nothing is in stock, so there is nothing to order.
    #[error("no SKU has stock available")]
    NoStock,
    /// The batch could not be sent.
    #[error("creating the orders failed: {0}")]
    Create(#[source] cartrover_client::Error),
}

/// One order's journey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderJourney {
    /// The order key.
    pub cust_ref: String,
    /// Whether this run created it (false: it existed already).
    pub created: bool,
    /// Its last known status.
    pub status: Option<OrderStatus>,
    /// `carrier tracking-number` of each shipment.
    pub tracking: Vec<String>,
    /// Whether the flow confirmed it (or found it confirmed).
    pub confirmed: bool,
    /// The last error about it, if any.
    pub error: Option<String>,
}

/// What the orders flow did.
#[derive(Debug, Clone, Default)]
pub struct OrdersReport {
    /// Every order the flow handled.
    pub orders: Vec<OrderJourney>,
    /// Orders refused at creation (other than duplicates), with the reason.
    pub refused: Vec<(String, String)>,
    /// The inventory read at the start.
    pub inventory: Vec<InventoryItem>,
}

/// Runs the orders flow.
///
/// # Errors
/// When inventory cannot be read, nothing is in stock, or the batch cannot
/// be sent; per-order problems are in the report.
pub async fn run_orders(
    services: &OrderServices,
    options: &OrdersOptions,
    progress: &Progress,
) -> Result<OrdersReport, OrdersError> {
    let inventory: Vec<InventoryItem> = services
        .merchant
        .inventory_items(PageRequest::default())
        .try_collect()
        .await
        .map_err(OrdersError::Inventory)?;
    let in_stock: Vec<&InventoryItem> = inventory
        .iter()
        .filter(|item| item.qty_available.unwrap_or(0) > 0)
        .collect();
    progress.step(format!(
        "inventory: {} SKUs, {} in stock",
        inventory.len(),
        in_stock.len()
    ));
    if in_stock.is_empty() {
        return Err(OrdersError::NoStock);
    }

    let orders: Vec<NewOrder> = (1..=options.count)
        .map(|n| demo_order(&options.prefix, n, &in_stock))
        .collect();
    let batch = services
        .cart
        .create_orders(&orders)
        .await
        .map_err(OrdersError::Create)?
        .into_inner();
    let mut report = OrdersReport::default();
    let created: Vec<String> = batch
        .success
        .iter()
        .filter_map(|c| c.cust_ref.as_ref().map(ToString::to_string))
        .collect();
    for failure in &batch.failed {
        let key = failure
            .cust_ref
            .as_ref()
            .map(ToString::to_string)
            .unwrap_or_default();
        if !failure.is_duplicate() {
            report
                .refused
                .push((key, failure.message.clone().unwrap_or_default()));
        }
    }
    report.orders = orders
        .iter()
        .map(|order| order.cust_ref.to_string())
        .filter(|key| !report.refused.iter().any(|(refused, _)| refused == key))
        .map(|cust_ref| OrderJourney {
            created: created.contains(&cust_ref),
            cust_ref,
            status: None,
            tracking: Vec::new(),
            confirmed: false,
            error: None,
        })
        .collect();
    progress.step(format!(
        "batch: {} created, {} already there, {} refused",
        created.len(),
        report.orders.len() - created.len(),
        report.refused.len()
    ));

    follow_until_shipped(services, &mut report, options, progress).await;
    confirm_shipped(services, &mut report, progress).await;
    report.inventory = inventory;
    Ok(report)
}

/// Checks every order's status until all have shipped or the rounds run
/// out; the sandbox's warehouse moves its orders one step per round.
async fn follow_until_shipped(
    services: &OrderServices,
    report: &mut OrdersReport,
    options: &OrdersOptions,
    progress: &Progress,
) {
    for round in 1..=options.poll_rounds {
        match &services.sandbox {
            Some(sandbox) => {
                sandbox.cartrover().advance_orders();
            }
            None if round > 1 => tokio::time::sleep(options.poll_interval).await,
            None => {}
        }
        for journey in report
            .orders
            .iter_mut()
            .filter(|j| !has_shipped(j.status.as_ref()))
        {
            match services
                .cart
                .order_status(&CustRef::from(journey.cust_ref.as_str()))
                .await
            {
                Ok(reply) => {
                    let status = reply.into_inner();
                    journey.tracking = status
                        .shipments
                        .iter()
                        .map(|s| {
                            format!(
                                "{} {}",
                                s.carrier.as_deref().unwrap_or("?"),
                                s.tracking_no.as_deref().unwrap_or("?")
                            )
                        })
                        .collect();
                    journey.status = status.order_status;
                    journey.error = None;
                }
                Err(e) => journey.error = Some(e.to_string()),
            }
        }
        let shipped = report
            .orders
            .iter()
            .filter(|j| has_shipped(j.status.as_ref()))
            .count();
        progress.step(format!(
            "status check {round}: {shipped} of {} shipped",
            report.orders.len()
        ));
        if shipped == report.orders.len() {
            break;
        }
    }
}

/// Confirms every shipped order with its tracking numbers.
async fn confirm_shipped(services: &OrderServices, report: &mut OrdersReport, progress: &Progress) {
    for journey in &mut report.orders {
        match journey.status {
            Some(OrderStatus::Confirmed) => journey.confirmed = true,
            Some(OrderStatus::Shipped) => {
                let key = CustRef::from(journey.cust_ref.as_str());
                let tracking: Vec<String> = journey
                    .tracking
                    .iter()
                    .filter_map(|t| t.split_whitespace().last().map(str::to_owned))
                    .collect();
                match services.cart.confirm_order(&key, tracking).await {
                    Ok(_) => {
                        journey.confirmed = true;
                        journey.status = Some(OrderStatus::Confirmed);
                    }
                    Err(e) => journey.error = Some(e.to_string()),
                }
            }
            _ => {}
        }
    }
    let confirmed = report.orders.iter().filter(|j| j.confirmed).count();
    progress.step(format!("confirmed {confirmed} orders"));
}

fn has_shipped(status: Option<&OrderStatus>) -> bool {
    matches!(status, Some(OrderStatus::Shipped | OrderStatus::Confirmed))
}

/// A small order of one or two in-stock SKUs to a fixed test address.
fn demo_order(prefix: &str, n: usize, in_stock: &[&InventoryItem]) -> NewOrder {
    let first = in_stock[n % in_stock.len()];
    let second = in_stock[(n * 7 + 3) % in_stock.len()];
    let mut items = vec![NewOrderLine::new(first.sku.clone(), 1)];
    if n.is_multiple_of(2) && second.sku != first.sku {
        items.push(NewOrderLine::new(second.sku.clone(), 2));
    }
    NewOrder {
        cust_ref: format!("{prefix}-{n:04}").into(),
        ship_to: ShipTo {
            first_name: Some("Ada".into()),
            last_name: Some(format!("Customer {n}")),
            address_1: Some("20 Commerce Rd".into()),
            city: Some("Fairfield".into()),
            state: Some("NJ".into()),
            zip: Some("07004".into()),
            country: Some("US".into()),
            ..ShipTo::default()
        },
        items,
        ..NewOrder::default()
    }
}

//! Seeded CartRover orders (create-request shape, CartRover spec §8.1) and
//! inventory levels for the catalogue.

use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::ScenarioConfig;
use super::catalog::CatalogItem;
use super::people::Customer;
use super::{TAX_PERCENT, cents, weighted};

/// Cart ship codes with their weights (cart-side names, mapped to WMS codes
/// in CartRover).
const SHIP_CODES: &[((&str, &str), u32)] = &[
    (("standard", "Standard Shipping"), 80),
    (("express", "Express (2 days)"), 20),
];

/// Shipping charged on orders below the free-shipping threshold, in cents.
const SHIPPING_CENTS: u64 = 795;

/// Orders from this amount (in cents) ship free.
const FREE_SHIPPING_FROM: u64 = 7_500;

/// Stock of one SKU in the warehouse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InventoryLevel {
    /// The SKU.
    pub sku: String,
    /// Units physically in the warehouse.
    pub qty_on_hand: i64,
    /// Units that can be sold (on hand minus reserved).
    pub qty_available: i64,
}

/// `config.orders` orders, oldest first, with `cust_ref` `SO-20001`, ….
/// `order_source` is left out so the simulator's cart name applies;
/// `created_date_time` (a response field) is added so seeding can backdate
/// the order.
pub(crate) fn generate_orders(
    config: &ScenarioConfig,
    catalog: &[CatalogItem],
    rng: &mut impl Rng,
) -> Vec<Value> {
    let window_secs = i64::from(config.history_days.max(1)) * 86_400;
    let mut ages: Vec<i64> = (0..config.orders)
        .map(|_| rng.random_range(0..window_secs))
        .collect();
    ages.sort_unstable_by(|a, b| b.cmp(a));
    ages.into_iter()
        .enumerate()
        .map(|(serial, age)| {
            order(
                catalog,
                rng,
                serial as u64,
                config.now - Duration::seconds(age),
            )
        })
        .collect()
}

fn order(
    catalog: &[CatalogItem],
    rng: &mut impl Rng,
    serial: u64,
    placed: OffsetDateTime,
) -> Value {
    let customer = Customer::random(rng, 1_000_000 + serial);
    let line_count = rng.random_range(1..=3usize);
    let mut sub_total = 0;
    let mut tax_total = 0;
    let items: Vec<Value> = (0..line_count)
        .map(|index| {
            let item = catalog.choose(rng).expect("non-empty catalogue");
            let quantity = rng.random_range(1..=3u64);
            let extended = item.price_cents * quantity;
            let tax = extended * TAX_PERCENT / 100;
            sub_total += extended;
            tax_total += tax;
            json!({
                "line_no": index + 1,
                "item": item.sku,
                "quantity": quantity,
                "price": cents(item.price_cents),
                "extended_amount": cents(extended),
                "discount": "0.00",
                "tax": cents(tax),
                "description": item.description(),
                "line_item_id": format!("{}", 13_922_900_000_000 + serial * 4 + index as u64),
            })
        })
        .collect();
    let shipping = if sub_total >= FREE_SHIPPING_FROM {
        0
    } else {
        SHIPPING_CENTS
    };
    let (ship_code, ship_description) = *weighted(rng, SHIP_CODES);
    let number = 20_001 + serial;
    json!({
        "cust_ref": format!("SO-{number}"),
        "cust_po_no": format!("SO-{number}"),
        // Not a create field: the simulator's seeding backdates the order with it.
        "created_date_time": cartrover_timestamp(placed),
        "order_date": format!(
            "{:04}-{:02}-{:02}",
            placed.year(),
            u8::from(placed.month()),
            placed.day()
        ),
        "ship_first_name": customer.first_name,
        "ship_last_name": customer.last_name,
        "ship_address_1": customer.address1,
        "ship_city": customer.city,
        "ship_state": customer.state,
        "ship_zip": customer.zip,
        "ship_country": "US",
        "ship_phone": customer.phone,
        "ship_e_mail": customer.email,
        "ship_address_type": "R",
        "ship_is_billing": true,
        "ship_code": ship_code,
        "ship_code_description": ship_description,
        "sub_total": cents(sub_total),
        "sales_tax": cents(tax_total),
        "shipping_handling": cents(shipping),
        "order_discount": "0.00",
        "grand_total": cents(sub_total + tax_total + shipping),
        "currency_code": "USD",
        "items": items,
    })
}

/// A level for every catalogue SKU; about one in ten is out of stock.
pub(crate) fn generate_inventory(
    catalog: &[CatalogItem],
    rng: &mut impl Rng,
) -> Vec<InventoryLevel> {
    catalog
        .iter()
        .map(|item| {
            let on_hand = if rng.random_bool(0.1) {
                0
            } else {
                rng.random_range(1..=150i64)
            };
            let reserved = rng.random_range(0..=on_hand.min(5));
            InventoryLevel {
                sku: item.sku.clone(),
                qty_on_hand: on_hand,
                qty_available: on_hand - reserved,
            }
        })
        .collect()
}

/// CartRover's UTC timestamp: `2018-08-27T02:24:58+00:00`.
fn cartrover_timestamp(at: OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+00:00");
    at.to_offset(time::UtcOffset::UTC)
        .format(&format)
        .expect("years 0..=9999 always format")
}

//! Seeded Loop returns (Return object of the Loop spec §6, in the Detailed
//! Returns List shape: ids and money as strings, ISO timestamps with
//! milliseconds and `Z`), each with its [`PlannedReturn`].

use rand::Rng;
use rand::seq::IndexedRandom;
use serde_json::{Value, json};
use time::{Duration, OffsetDateTime};

use super::ScenarioConfig;
use super::catalog::{CatalogItem, discontinued_item};
use super::people::Customer;
use super::plan::{PlannedLine, PlannedReceipt, PlannedReturn, PlannedShipment};
use super::{TAX_PERCENT, cents, loop_timestamp, weighted};

/// Sales channels with their weights; the brief's three plus Point of Sale.
const CHANNELS: &[(&str, u32)] = &[
    ("Online Store", 70),
    ("Amazon", 12),
    ("eBay", 10),
    ("Point of Sale", 8),
];

/// Units per return with their weights.
const UNITS: &[(usize, u32)] = &[(1, 45), (2, 30), (3, 15), (4, 10)];

const OUTCOMES: &[(&str, u32)] = &[
    ("refund", 55),
    ("credit", 20),
    ("exchange", 15),
    ("exchange+refund", 10),
];

/// (return_reason, parent_return_reason)
const REASONS: &[(&str, &str)] = &[
    ("Too small", "Fit"),
    ("Too big", "Fit"),
    ("I like another style more", "Didn't like it"),
    ("Color looks different", "Didn't like it"),
    ("Changed my mind", "Didn't like it"),
    ("Arrived damaged", "Quality"),
    ("Not as described", "Quality"),
];

const CARRIERS: &[&str] = &["UPS", "USPS", "FedEx", "DHL"];

/// The Loop destination (warehouse) all seeded returns go to.
const DESTINATION_ID: &str = "312";

/// Running ids, so every id is unique and increases with `created_at`.
struct Ids {
    return_id: u64,
    order_number: u64,
    line_item_id: u64,
    exchange_id: u64,
}

/// Generates `config.returns` returns, oldest first.
pub(crate) fn generate(
    config: &ScenarioConfig,
    catalog: &[CatalogItem],
    rng: &mut impl Rng,
) -> Vec<(Value, PlannedReturn)> {
    let window_secs = i64::from(config.history_days.max(1)) * 86_400;
    let mut created: Vec<i64> = (0..config.returns)
        .map(|_| rng.random_range(0..window_secs))
        .collect();
    created.sort_unstable_by(|a, b| b.cmp(a));
    let mut ids = Ids {
        return_id: 40_000_000,
        order_number: 10_000,
        line_item_id: 55_000_000,
        exchange_id: 7_700,
    };
    created
        .into_iter()
        .enumerate()
        .map(|(serial, age_secs)| {
            let created_at = config.now - Duration::seconds(age_secs);
            generate_one(config, catalog, rng, &mut ids, serial as u64, created_at)
        })
        .collect()
}

fn generate_one(
    config: &ScenarioConfig,
    catalog: &[CatalogItem],
    rng: &mut impl Rng,
    ids: &mut Ids,
    serial: u64,
    created_at: OffsetDateTime,
) -> (Value, PlannedReturn) {
    ids.return_id += rng.random_range(1..=40);
    ids.order_number += rng.random_range(1..=7);
    let return_id = ids.return_id.to_string();
    let order_number = ids.order_number;
    let order_name = format!("#{order_number}");
    let customer = Customer::random(rng, serial);
    let channel = *weighted(rng, CHANNELS);

    // Units: distinct catalogue items, sometimes two units of the same SKU.
    let unit_count = *weighted(rng, UNITS);
    let mut units: Vec<CatalogItem> = Vec::with_capacity(unit_count);
    while units.len() < unit_count {
        let item = match units.last() {
            Some(previous) if rng.random_bool(0.1) => previous.clone(),
            _ => catalog.choose(rng).expect("non-empty catalogue").clone(),
        };
        units.push(item);
    }
    let mut missing_skus = Vec::new();
    if rng.random_bool(config.missing_item_rate.clamp(0.0, 1.0)) {
        let discontinued = discontinued_item(serial);
        missing_skus.push(discontinued.sku.clone());
        *units.last_mut().expect("at least one unit") = discontinued;
    }
    let receipt = planned_receipt(config, catalog, &units, rng);

    // Lines, with the money of each unit.
    let outcome = *weighted(rng, OUTCOMES);
    let exchanged = usize::from(outcome.starts_with("exchange"));
    let returned_at = loop_timestamp(created_at - Duration::seconds(1));
    let mut totals = Totals::default();
    let mut lines = Vec::with_capacity(units.len());
    let mut exchanges = Vec::new();
    for (index, item) in units.iter().enumerate() {
        ids.line_item_id += rng.random_range(1..=3);
        let tax = item.price_cents * TAX_PERCENT / 100;
        totals.product += item.price_cents;
        totals.tax += tax;
        let exchange_variant = if index < exchanged {
            let target = exchange_target(catalog, item);
            totals.exchange_product += target.price_cents;
            totals.exchange_tax += target.price_cents * TAX_PERCENT / 100;
            ids.exchange_id += 1;
            exchanges.push(json!({
                "exchange_id": ids.exchange_id.to_string(),
                "product_id": target.product_id.to_string(),
                "variant_id": target.variant_id.to_string(),
                "sku": target.sku,
                "title": target.description(),
                "price": cents(target.price_cents),
                "discount": "0.00",
                "tax": cents(target.price_cents * TAX_PERCENT / 100),
                "total": cents(target.price_cents),
            }));
            target.variant_id.to_string()
        } else {
            String::new()
        };
        let refunded = outcome.contains("refund") && index >= exchanged;
        if refunded {
            totals.refund += item.price_cents + tax;
        }
        let (reason, parent_reason) = *REASONS.choose(rng).expect("non-empty list");
        lines.push(json!({
            "line_item_id": ids.line_item_id.to_string(),
            "provider_line_item_id": (13_922_871_000_000 + ids.line_item_id).to_string(),
            "product_id": item.product_id.to_string(),
            "variant_id": item.variant_id.to_string(),
            "sku": item.sku,
            "barcode": item.upc,
            "title": item.title,
            "price": cents(item.price_cents),
            "discount": "0.00",
            "tax": cents(tax),
            "refund": cents(if refunded { item.price_cents + tax } else { 0 }),
            "refund_item": cents(if refunded { item.price_cents } else { 0 }),
            "refund_tax": cents(if refunded { tax } else { 0 }),
            "returned_at": returned_at,
            "exchange_variant": exchange_variant,
            "return_reason": reason,
            "parent_return_reason": parent_reason,
            "return_comment": "",
            "outcome": "default",
            "provider_restock_location_id": "71234567890",
            "condition": null,
            "disposition": null,
        }));
    }

    let shipments = plan_shipments(config, rng, &lines);
    let labels = labels(rng, &shipments, &receipt, created_at, config.now);
    let updated_at = latest(created_at, config.now, rng);
    let return_total = totals.product + totals.tax;
    let exchange_total = totals.exchange_product + totals.exchange_tax;
    let credit = if outcome == "credit" { return_total } else { 0 };
    let mut value = json!({
        "id": return_id,
        "state": "open",
        "created_at": loop_timestamp(created_at),
        "updated_at": loop_timestamp(updated_at),
        "edited_at": null,
        "outcome": outcome,
        "order_id": (88_000_000 + order_number * 3).to_string(),
        "order_name": order_name,
        "order_number": order_number.to_string(),
        "provider_order_id": (5_987_700_000 + order_number * 11).to_string(),
        "provider_order_number": order_number.to_string(),
        "provider_order_sales_channel": channel,
        "customer": customer.email,
        "customer_detail": {
            "email": customer.email,
            "first_name": customer.first_name,
            "middle_name": null,
            "last_name": customer.last_name,
        },
        "address": {
            "name": customer.name(),
            "company": null,
            "address1": customer.address1,
            "address2": null,
            "city": customer.city,
            "state": customer.state,
            "zip": customer.zip,
            "country": "United States",
            "country_code": "US",
            "phone": customer.phone,
        },
        "origin_country": "United States",
        "origin_country_code": "US",
        "multi_currency": false,
        "currency": "USD",
        "line_items": lines,
        "exchanges": exchanges,
        "destination_id": DESTINATION_ID,
        "status_page_url": format!("https://returns.example.com/#/return/{return_id}"),
        "type": "standard",
    });
    let money = json!({
        "total": cents(return_total),
        "return_product_total": cents(totals.product),
        "return_discount_total": "0.00",
        "return_tax_total": cents(totals.tax),
        "return_total": cents(return_total),
        "return_credit_total": cents(return_total),
        "exchange_product_total": cents(totals.exchange_product),
        "exchange_discount_total": "0.00",
        "exchange_tax_total": cents(totals.exchange_tax),
        "exchange_total": cents(exchange_total),
        "exchange_credit_total": cents(exchange_total),
        "gift_card": cents(credit),
        "handling_fee": "0.00",
        "refund": cents(totals.refund),
        "upsell": "0.00",
    });
    // The first label, flattened, as the list endpoint shows it.
    let first_label = labels.first().cloned().unwrap_or(Value::Null);
    let label = json!({
        "carrier": first_label["carrier"],
        "tracking_number": first_label["tracking_number"],
        "label_status": first_label["status"],
        "label_url": first_label["url"],
        "label_rate": first_label["rate"].as_u64().map(cents),
        "label_updated_at": first_label["updated_at"],
        "labels": labels,
    });
    for part in [money, label] {
        if let (Some(target), Value::Object(fields)) = (value.as_object_mut(), part) {
            target.extend(fields);
        }
    }
    let plan = PlannedReturn {
        return_id,
        order_name,
        channel: channel.to_owned(),
        shipments,
        receipt,
        missing_skus,
    };
    (value, plan)
}

#[derive(Default)]
struct Totals {
    product: u64,
    tax: u64,
    exchange_product: u64,
    exchange_tax: u64,
    refund: u64,
}

/// What the warehouse will find; an unexpected item is a catalogue SKU the
/// return does not contain.
fn planned_receipt(
    config: &ScenarioConfig,
    catalog: &[CatalogItem],
    units: &[CatalogItem],
    rng: &mut impl Rng,
) -> PlannedReceipt {
    let mix = &config.receipts;
    let kinds = [
        (0u8, mix.full),
        (1, mix.short),
        (2, mix.damaged),
        (3, mix.unexpected_item),
        (4, mix.never_arrives),
    ];
    if kinds.iter().all(|(_, weight)| *weight == 0) {
        return PlannedReceipt::Full;
    }
    match *weighted(rng, &kinds) {
        0 => PlannedReceipt::Full,
        1 => PlannedReceipt::Short { missing_units: 1 },
        2 => PlannedReceipt::Damaged { damaged_units: 1 },
        3 => loop {
            let extra = catalog.choose(rng).expect("non-empty catalogue");
            if units.iter().all(|unit| unit.sku != extra.sku) {
                break PlannedReceipt::UnexpectedItem {
                    sku: extra.sku.clone(),
                    quantity: 1,
                };
            }
        },
        _ => PlannedReceipt::NeverArrives,
    }
}

/// The same product in the next size up (or down, for the largest size).
fn exchange_target<'a>(catalog: &'a [CatalogItem], item: &CatalogItem) -> &'a CatalogItem {
    let same_colour: Vec<&CatalogItem> = catalog
        .iter()
        .filter(|c| c.style == item.style && c.color == item.color)
        .collect();
    let position = same_colour.iter().position(|c| c.sku == item.sku);
    match position {
        Some(p) if p + 1 < same_colour.len() => same_colour[p + 1],
        Some(p) if p > 0 => same_colour[p - 1],
        // Discontinued items have no siblings: exchange for the first catalogue item.
        _ => &catalog[0],
    }
}

/// Splits the lines into one or two parcels.
fn plan_shipments(
    config: &ScenarioConfig,
    rng: &mut impl Rng,
    lines: &[Value],
) -> Vec<PlannedShipment> {
    let planned_lines: Vec<PlannedLine> = lines
        .iter()
        .map(|line| PlannedLine {
            line_item_id: line["line_item_id"].as_str().unwrap_or_default().to_owned(),
            sku: line["sku"].as_str().unwrap_or_default().to_owned(),
            barcode: line["barcode"].as_str().unwrap_or_default().to_owned(),
        })
        .collect();
    let split =
        planned_lines.len() >= 2 && rng.random_bool(config.multi_shipment_rate.clamp(0.0, 1.0));
    let parts: Vec<Vec<PlannedLine>> = if split {
        let at = rng.random_range(1..planned_lines.len());
        vec![planned_lines[..at].to_vec(), planned_lines[at..].to_vec()]
    } else {
        vec![planned_lines]
    };
    parts
        .into_iter()
        .map(|lines| {
            let carrier = *CARRIERS.choose(rng).expect("non-empty list");
            PlannedShipment {
                carrier: carrier.to_owned(),
                tracking_number: tracking_number(carrier, rng),
                lines,
            }
        })
        .collect()
}

/// One Loop label per parcel; a parcel that never arrives never left the
/// customer (`pre_transit`).
fn labels(
    rng: &mut impl Rng,
    shipments: &[PlannedShipment],
    receipt: &PlannedReceipt,
    created_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Vec<Value> {
    shipments
        .iter()
        .map(|shipment| {
            let status = if *receipt == PlannedReceipt::NeverArrives {
                "pre_transit"
            } else {
                *["in_transit", "out_for_delivery", "delivered"]
                    .choose(rng)
                    .expect("non-empty list")
            };
            json!({
                "status": status,
                "updated_at": loop_timestamp(latest(created_at, now, rng)),
                "url": format!("https://labels.example.com/{}.pdf", shipment.tracking_number),
                "rate": rng.random_range(750..=1_650u64),
                "carrier": shipment.carrier,
                "tracking_number": shipment.tracking_number,
                "line_items": shipment
                    .lines
                    .iter()
                    .map(|line| line.line_item_id.clone())
                    .collect::<Vec<_>>(),
            })
        })
        .collect()
}

/// A moment between `from` and three days later, never after `now`.
fn latest(from: OffsetDateTime, now: OffsetDateTime, rng: &mut impl Rng) -> OffsetDateTime {
    let room = (now - from).whole_seconds().clamp(0, 3 * 86_400);
    from + Duration::seconds(rng.random_range(0..=room))
}

/// A tracking number in the carrier's usual format.
fn tracking_number(carrier: &str, rng: &mut impl Rng) -> String {
    match carrier {
        "UPS" => format!("1Z999AA1{}", digits(rng, 10)),
        "USPS" => format!("9400{}", digits(rng, 18)),
        "FedEx" => digits(rng, 12),
        _ => digits(rng, 10),
    }
}

fn digits(rng: &mut impl Rng, n: usize) -> String {
    (0..n)
        .map(|_| char::from(b'0' + rng.random_range(0..10u8)))
        .collect()
}

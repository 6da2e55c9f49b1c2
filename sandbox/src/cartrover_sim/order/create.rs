//! Validating an order-create request (spec §8.1, §11 "Create") and turning
//! it into response-shaped fields.
//!
//! Money values are kept as sent (not recomputed), only reformatted the way
//! CartRover echoes them: prices with 4 decimals, other amounts with 2,
//! quantities without trailing zeros, every number as a string.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::Line;
use crate::cartrover_sim::clock::{self, DayEnd};
use crate::cartrover_sim::decimal::Decimal;

/// Header amounts, echoed with 2 decimals.
const HEADER_MONEY: [&str; 7] = [
    "sub_total",
    "order_discount",
    "shipping_handling",
    "sales_tax",
    "tax",
    "grand_total",
    "balance",
];
/// Line amounts other than `price`, echoed with 2 decimals.
const LINE_MONEY: [&str; 5] = [
    "extended_amount",
    "discount",
    "addl_discount",
    "tax",
    "shipping_surcharge",
];
/// `Y`/`N` flags; a JSON boolean sent for one of them is stored as `Y`/`N`.
const YES_NO_FLAGS: [&str; 6] = [
    "gift_wrap",
    "routing_sw",
    "tax_exempt_sw",
    "prepaid_order",
    "sending_canceled",
    "on_hold",
];
/// Ship-to / bill-to suffixes copied by `ship_is_billing: true`.
const ADDRESS_PARTS: [&str; 13] = [
    "company",
    "title",
    "first_name",
    "last_name",
    "address_1",
    "address_2",
    "address_3",
    "city",
    "state",
    "zip",
    "country",
    "phone",
    "e_mail",
];
/// Header fields every order shows, with the value shown when the request
/// did not send one (`None`: `null`), so responses carry every column like
/// the vendor's. Applied when rendering, which keeps stored orders small.
pub(crate) const HEADER_DEFAULTS: [(&str, Option<&str>); 29] = [
    ("cust_po_no", None),
    ("customer_id", None),
    ("ship_company", None),
    ("ship_first_name", None),
    ("ship_last_name", None),
    ("ship_address_2", None),
    ("ship_phone", None),
    ("ship_e_mail", None),
    ("cust_company", None),
    ("cust_first_name", None),
    ("cust_last_name", None),
    ("cust_address_1", None),
    ("cust_city", None),
    ("cust_state", None),
    ("cust_zip", None),
    ("cust_country", None),
    ("ship_code", None),
    ("carrier", None),
    ("shipping_instructions", None),
    ("gift_message", None),
    ("currency_code", None),
    ("promo_code", None),
    ("sub_total", Some("0.00")),
    ("order_discount", Some("0.00")),
    ("shipping_handling", Some("0.00")),
    ("sales_tax", Some("0.00")),
    ("grand_total", Some("0.00")),
    ("balance", Some("0.00")),
    ("gift_wrap", Some("N")),
];
/// Line fields every line shows, as [`HEADER_DEFAULTS`] for the header.
pub(crate) const LINE_DEFAULTS: [(&str, Option<&str>); 11] = [
    ("price", Some("0.0000")),
    ("extended_amount", Some("0.00")),
    ("discount", Some("0.00")),
    ("addl_discount", Some("0.00")),
    ("tax", Some("0.00")),
    ("shipping_surcharge", Some("0.00")),
    ("Description", None),
    ("lot_number", None),
    ("line_item_id", None),
    ("line_comment", None),
    ("line_location", None),
];
/// Fields that name the customer; at least one is required.
const NAME_FIELDS: [&str; 6] = [
    "ship_first_name",
    "ship_last_name",
    "cust_first_name",
    "cust_last_name",
    "ship_company",
    "cust_company",
];
const REQUIRED_HEADER: [&str; 6] = [
    "cust_ref",
    "ship_address_1",
    "ship_city",
    "ship_state",
    "ship_zip",
    "ship_country",
];

/// A validated create request.
#[derive(Clone, Debug)]
pub(crate) struct Draft {
    pub(crate) cust_ref: String,
    pub(crate) cust_po_no: Option<String>,
    pub(crate) order_source: String,
    pub(crate) fields: Map<String, Value>,
    pub(crate) extra_fields: Option<Value>,
    pub(crate) lines: Vec<Line>,
    pub(crate) sending_canceled: bool,
    pub(crate) on_hold: bool,
    /// Creation time given by a seeding call (`created_date_time`).
    pub(crate) created: Option<OffsetDateTime>,
}

/// Why a create request was refused, with the refs it carried (for E2's
/// `failed` entries).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct RejectedOrder {
    pub(crate) cust_ref: Option<String>,
    pub(crate) cust_po_no: Option<String>,
    pub(crate) message: String,
}

/// Validates one create request.
///
/// `seeding` marks simulator seeding ([`insert_order`]), which may also set
/// `created_date_time`; through the API that field is ignored like every
/// other system field.
///
/// [`insert_order`]: crate::cartrover_sim::CartroverSim::insert_order
pub(crate) fn parse_create(
    request: &Value,
    default_order_source: &str,
    now: OffsetDateTime,
    seeding: bool,
) -> Result<Draft, RejectedOrder> {
    let Some(object) = request.as_object() else {
        return Err(RejectedOrder {
            cust_ref: None,
            cust_po_no: None,
            message: "Order must be a JSON object".to_owned(),
        });
    };
    let cust_ref = text(object.get("cust_ref"));
    let cust_po_no = text(object.get("cust_po_no"));
    let reject = |message: String| RejectedOrder {
        cust_ref: cust_ref.clone(),
        cust_po_no: cust_po_no.clone(),
        message,
    };

    let missing = missing_fields(object);
    if !missing.is_empty() {
        return Err(reject(format!(
            "Order missing required field(s): {}",
            missing.join(", ")
        )));
    }
    let not_numeric = non_numeric_fields(object);
    if !not_numeric.is_empty() {
        return Err(reject(format!(
            "Order has non-numeric value(s) in field(s): {}",
            not_numeric.join(", ")
        )));
    }
    let created = match (seeding, object.get("created_date_time")) {
        (true, Some(value)) if !value.is_null() => Some(
            value
                .as_str()
                .and_then(|text| clock::parse_input(text, DayEnd::Start))
                .ok_or_else(|| reject("Invalid created_date_time".to_owned()))?,
        ),
        _ => None,
    };
    let (Some(cust_ref), Some(items)) = (
        cust_ref.clone(),
        object.get("items").and_then(Value::as_array),
    ) else {
        // `missing_fields` has checked both.
        return Err(reject(
            "Order missing required field(s): cust_ref".to_owned(),
        ));
    };

    let mut fields = header_fields(object);
    fields.insert("cust_ref".to_owned(), Value::String(cust_ref.clone()));
    let order_source =
        text(object.get("order_source")).unwrap_or_else(|| default_order_source.to_owned());
    fields.insert(
        "order_source".to_owned(),
        Value::String(order_source.clone()),
    );
    if text(object.get("order_date")).is_none() {
        let date = clock::date_only(created.unwrap_or(now));
        fields.insert("order_date".to_owned(), Value::String(date));
    }
    let lines = items
        .iter()
        .enumerate()
        .filter_map(|(index, item)| item.as_object().map(|item| line(index, item)))
        .collect();
    Ok(Draft {
        sending_canceled: flag(&fields, "sending_canceled"),
        on_hold: flag(&fields, "on_hold"),
        cust_ref,
        cust_po_no,
        order_source,
        extra_fields: object.get("extra_fields").filter(|v| !v.is_null()).cloned(),
        fields,
        lines,
        created,
    })
}

/// A non-empty string, or a number as text.
pub(crate) fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::String(text) if !text.trim().is_empty() => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

fn missing_fields(object: &Map<String, Value>) -> Vec<String> {
    let mut missing: Vec<String> = REQUIRED_HEADER
        .iter()
        .filter(|name| text(object.get(**name)).is_none())
        .map(|name| (*name).to_owned())
        .collect();
    if NAME_FIELDS
        .iter()
        .all(|name| text(object.get(*name)).is_none())
    {
        missing.push("cust_company".to_owned());
    }
    match object.get("items").and_then(Value::as_array) {
        Some(items) if !items.is_empty() => {
            for (index, item) in items.iter().enumerate() {
                let item = item.as_object();
                for field in ["item", "quantity"] {
                    if text(item.and_then(|item| item.get(field))).is_none() {
                        missing.push(format!("items[{index}].{field}"));
                    }
                }
            }
        }
        _ => missing.push("items".to_owned()),
    }
    missing
}

fn non_numeric_fields(object: &Map<String, Value>) -> Vec<String> {
    let is_bad = |value: Option<&Value>| value.is_some_and(|v| Decimal::from_json(v).is_err());
    let mut bad: Vec<String> = HEADER_MONEY
        .iter()
        .chain(&["weight"])
        .filter(|name| is_bad(object.get(**name)))
        .map(|name| (*name).to_owned())
        .collect();
    let items = object
        .get("items")
        .and_then(Value::as_array)
        .into_iter()
        .flatten();
    for (index, item) in items.enumerate() {
        for name in LINE_MONEY.iter().chain(&["price", "quantity"]) {
            if is_bad(item.get(*name)) {
                bad.push(format!("items[{index}].{name}"));
            }
        }
    }
    bad
}

fn header_fields(object: &Map<String, Value>) -> Map<String, Value> {
    let mut fields = Map::new();
    for (name, value) in object {
        if matches!(
            name.as_str(),
            "items" | "extra_fields" | "created_date_time"
        ) {
            continue;
        }
        let value = if HEADER_MONEY.contains(&name.as_str()) {
            money(value, 2)
        } else if name == "weight" {
            quantity(value)
        } else if YES_NO_FLAGS.contains(&name.as_str()) {
            yes_no(value)
        } else {
            numbers_as_strings(value)
        };
        fields.insert(name.clone(), value);
    }
    if object.get("ship_is_billing") == Some(&Value::Bool(true)) {
        for part in ADDRESS_PARTS {
            let bill = format!("cust_{part}");
            if text(fields.get(&bill)).is_none()
                && let Some(ship) = fields.get(&format!("ship_{part}")).cloned()
            {
                fields.insert(bill, ship);
            }
        }
    }
    fields
}

fn line(index: usize, item: &Map<String, Value>) -> Line {
    let mut fields = Map::new();
    for (name, value) in item {
        let value = match name.as_str() {
            "extra_fields" => continue,
            "quantity" => quantity(value),
            "price" => money(value, 4),
            name if LINE_MONEY.contains(&name) => money(value, 2),
            _ => numbers_as_strings(value),
        };
        // Requests say `description`, responses `Description`.
        let name = if name == "description" {
            "Description".to_owned()
        } else {
            name.clone()
        };
        fields.insert(name, value);
    }
    fields
        .entry("line_no")
        .or_insert_with(|| Value::String((index + 1).to_string()));
    Line {
        sku: text(item.get("item")).unwrap_or_default(),
        quantity: item
            .get("quantity")
            .and_then(|value| Decimal::from_json(value).ok().flatten())
            .unwrap_or_default(),
        fields,
        extra_fields: item.get("extra_fields").filter(|v| !v.is_null()).cloned(),
    }
}

/// A validated amount with `places` decimals; `null` stays `null`.
fn money(value: &Value, places: u32) -> Value {
    match Decimal::from_json(value) {
        Ok(Some(amount)) => Value::String(amount.to_fixed(places)),
        _ => Value::Null,
    }
}

/// A validated quantity without trailing zeros; `null` stays `null`.
pub(crate) fn quantity(value: &Value) -> Value {
    match Decimal::from_json(value) {
        Ok(Some(amount)) => Value::String(amount.normalized()),
        _ => Value::Null,
    }
}

fn yes_no(value: &Value) -> Value {
    match value {
        Value::Bool(true) => Value::String("Y".to_owned()),
        Value::Bool(false) => Value::String("N".to_owned()),
        other => numbers_as_strings(other),
    }
}

/// Top-level numbers become strings (the PHP backend's habit); objects and
/// arrays (e.g. `extra_fields`) are kept as sent.
pub(crate) fn numbers_as_strings(value: &Value) -> Value {
    match value {
        Value::Number(number) => Value::String(number.to_string()),
        other => other.clone(),
    }
}

fn flag(fields: &Map<String, Value>, name: &str) -> bool {
    fields
        .get(name)
        .and_then(Value::as_str)
        .is_some_and(|value| value.eq_ignore_ascii_case("Y"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2024-05-01 12:00:00 UTC);

    fn minimal() -> Value {
        json!({
            "cust_ref": "BL-1", "ship_first_name": "Ada", "ship_address_1": "1 Main St",
            "ship_city": "Secaucus", "ship_state": "NJ", "ship_zip": "07094", "ship_country": "US",
            "items": [ { "item": "SKU-1", "quantity": 2, "price": 4.4, "description": "Widget" } ]
        })
    }

    #[test]
    fn reformats_numbers_and_fills_the_order_date() {
        let draft = parse_create(&minimal(), "Online Store", NOW, false).unwrap();
        assert_eq!(draft.cust_ref, "BL-1");
        assert_eq!(draft.order_source, "Online Store");
        assert_eq!(draft.fields["order_date"], "2024-05-01");
        let line = &draft.lines[0].fields;
        assert_eq!(line["quantity"], "2");
        assert_eq!(line["price"], "4.4000");
        assert_eq!(line["line_no"], "1");
        assert_eq!(line["Description"], "Widget");
        assert!(!line.contains_key("description"));
    }

    #[test]
    fn lists_every_missing_field() {
        let request = json!({ "items": [ { "item": "SKU-1" } ] });
        let rejected = parse_create(&request, "x", NOW, false).unwrap_err();
        assert_eq!(
            rejected.message,
            "Order missing required field(s): cust_ref, ship_address_1, ship_city, \
             ship_state, ship_zip, ship_country, cust_company, items[0].quantity"
        );
        assert_eq!(rejected.cust_ref, None);
    }

    #[test]
    fn refuses_non_numeric_amounts() {
        let mut request = minimal();
        request["items"][0]["price"] = json!("cheap");
        let rejected = parse_create(&request, "x", NOW, false).unwrap_err();
        assert_eq!(
            rejected.message,
            "Order has non-numeric value(s) in field(s): items[0].price"
        );
        assert_eq!(rejected.cust_ref.as_deref(), Some("BL-1"));
    }

    #[test]
    fn ship_is_billing_copies_the_address() {
        let mut request = minimal();
        request["ship_is_billing"] = json!(true);
        let draft = parse_create(&request, "x", NOW, false).unwrap();
        assert_eq!(draft.fields["cust_city"], "Secaucus");
        assert_eq!(draft.fields["cust_first_name"], "Ada");
        assert_eq!(draft.fields["ship_is_billing"], true);
    }

    #[test]
    fn only_seeding_may_set_the_creation_time() {
        let mut request = minimal();
        request["created_date_time"] = json!("2024-04-01T08:00:00+00:00");
        let seeded = parse_create(&request, "x", NOW, true).unwrap();
        assert_eq!(seeded.created, Some(datetime!(2024-04-01 08:00:00 UTC)));
        assert_eq!(seeded.fields["order_date"], "2024-04-01");
        let via_api = parse_create(&request, "x", NOW, false).unwrap();
        assert_eq!(via_api.created, None);
    }
}

//! Shipments (tracking) of an order (spec §8.4): posted by the WMS side (E17b)
//! or produced by the simulated warehouse.

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::create::{numbers_as_strings, quantity, text};
use crate::cartrover_sim::clock::{self, DayEnd};
use crate::cartrover_sim::decimal::Decimal;

/// Shipment fields that are always present (as `null` when unknown).
const FIELDS: [&str; 18] = [
    "carrier",
    "method",
    "tracking_no",
    "tracking_no_secondary",
    "tracking_url",
    "sscc_barcode",
    "bill_of_lading",
    "total_cost",
    "package_weight_lbs",
    "dim_weight_lbs",
    "zone",
    "delivery_surcharge_type",
    "whs_location",
    "box_length_in",
    "box_width_in",
    "box_height_in",
    "date",
    "custom_1",
];
/// Decimal fields echoed with 2 decimals (`"1.20"`).
const MEASURES: [&str; 6] = [
    "total_cost",
    "package_weight_lbs",
    "dim_weight_lbs",
    "box_length_in",
    "box_width_in",
    "box_height_in",
];
/// Carton fields that are always present (as `null` when unknown).
const ITEM_FIELDS: [&str; 8] = [
    "item",
    "quantity",
    "carton_code",
    "carton_num",
    "box_length_in",
    "box_width_in",
    "box_height_in",
    "package_weight_lbs",
];

/// One shipment: the SKU quantities for the bookkeeping, and the fields in
/// response shape.
#[derive(Clone, Debug)]
pub(crate) struct Shipment {
    pub(crate) tracking_no: Option<String>,
    pub(crate) items: Vec<(String, Decimal)>,
    pub(crate) fields: Map<String, Value>,
}

/// What the simulated warehouse puts on a shipment it makes.
#[derive(Clone, Debug)]
pub(crate) struct Dispatch<'a> {
    pub(crate) carrier: &'a str,
    pub(crate) method: &'a str,
    pub(crate) tracking_no: String,
    pub(crate) whs_location: &'a str,
    pub(crate) at: OffsetDateTime,
}

impl Shipment {
    /// Reads a posted shipment. `date` defaults to `now`; quantities must be
    /// numeric.
    pub(crate) fn from_post(
        posted: &Value,
        index: usize,
        now: OffsetDateTime,
    ) -> Result<Self, String> {
        let object = posted
            .as_object()
            .ok_or_else(|| format!("shipments[{index}] must be an object"))?;
        let mut fields = Map::new();
        for (name, value) in object {
            let value = match name.as_str() {
                "items" => continue,
                "date" => match value {
                    Value::Null => Value::Null,
                    value => {
                        let at = value
                            .as_str()
                            .and_then(|text| clock::parse_input(text, DayEnd::Start))
                            .ok_or_else(|| format!("shipments[{index}].date is not a date"))?;
                        Value::String(clock::iso(at))
                    }
                },
                name if MEASURES.contains(&name) => measure(value)
                    .ok_or_else(|| format!("shipments[{index}].{name} is not numeric"))?,
                _ => numbers_as_strings(value),
            };
            fields.insert(name.clone(), value);
        }
        if fields.get("date").is_none_or(Value::is_null) {
            fields.insert("date".to_owned(), Value::String(clock::iso(now)));
        }
        let mut items = Vec::new();
        let mut cartons = Vec::new();
        let posted_items = match object.get("items") {
            None | Some(Value::Null) => &Vec::new(),
            Some(Value::Array(posted_items)) => posted_items,
            Some(_) => return Err(format!("shipments[{index}].items must be an array")),
        };
        for (line, carton) in posted_items.iter().enumerate() {
            let path = format!("shipments[{index}].items[{line}]");
            let (sku, qty, carton) = carton_from_post(carton, &path)?;
            items.push((sku, qty));
            cartons.push(Value::Object(carton));
        }
        fields.insert("items".to_owned(), Value::Array(cartons));
        fill_nulls(&mut fields, &FIELDS);
        Ok(Self {
            tracking_no: text(fields.get("tracking_no")),
            items,
            fields,
        })
    }

    /// A shipment of `items` in one carton, as the simulated warehouse sends it.
    pub(crate) fn dispatched(dispatch: Dispatch<'_>, items: Vec<(String, Decimal)>) -> Self {
        let mut fields = Map::new();
        fields.insert("carrier".to_owned(), dispatch.carrier.into());
        fields.insert("method".to_owned(), dispatch.method.into());
        fields.insert(
            "tracking_no".to_owned(),
            dispatch.tracking_no.clone().into(),
        );
        fields.insert("whs_location".to_owned(), dispatch.whs_location.into());
        fields.insert("date".to_owned(), clock::iso(dispatch.at).into());
        let cartons = items
            .iter()
            .map(|(sku, qty)| {
                let mut carton = Map::new();
                carton.insert("item".to_owned(), sku.clone().into());
                carton.insert("quantity".to_owned(), qty.normalized().into());
                carton.insert("carton_num".to_owned(), "1".into());
                fill_nulls(&mut carton, &ITEM_FIELDS);
                Value::Object(carton)
            })
            .collect();
        fields.insert("items".to_owned(), Value::Array(cartons));
        fill_nulls(&mut fields, &FIELDS);
        Self {
            tracking_no: Some(dispatch.tracking_no),
            items,
            fields,
        }
    }
}

fn carton_from_post(
    posted: &Value,
    path: &str,
) -> Result<(String, Decimal, Map<String, Value>), String> {
    let object = posted
        .as_object()
        .ok_or_else(|| format!("{path} must be an object"))?;
    let sku = text(object.get("item")).ok_or_else(|| format!("{path}.item is required"))?;
    let qty = object
        .get("quantity")
        .and_then(|value| Decimal::from_json(value).ok().flatten())
        .ok_or_else(|| format!("{path}.quantity must be a number"))?;
    let mut carton = Map::new();
    for (name, value) in object {
        let value = match name.as_str() {
            "quantity" => quantity(value),
            name if MEASURES.contains(&name) => {
                measure(value).ok_or_else(|| format!("{path}.{name} is not numeric"))?
            }
            _ => numbers_as_strings(value),
        };
        carton.insert(name.clone(), value);
    }
    fill_nulls(&mut carton, &ITEM_FIELDS);
    Ok((sku, qty, carton))
}

/// A measure with 2 decimals; `null` stays `null`, non-numbers are `None`.
fn measure(value: &Value) -> Option<Value> {
    match Decimal::from_json(value) {
        Ok(Some(amount)) => Some(Value::String(amount.to_fixed(2))),
        Ok(None) => Some(Value::Null),
        Err(_) => None,
    }
}

fn fill_nulls(fields: &mut Map<String, Value>, names: &[&str]) {
    for name in names {
        fields.entry(*name).or_insert(Value::Null);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    const NOW: OffsetDateTime = datetime!(2024-05-02 10:00:00 UTC);

    #[test]
    fn posted_shipments_are_normalised() {
        let posted = json!({
            "carrier": "UPS", "method": "03", "tracking_no": "1Z1",
            "date": "2024-05-02T14:30:00-04:00", "package_weight_lbs": 1.2,
            "items": [ { "item": "SKU-1", "quantity": 2, "carton_num": 1 } ]
        });
        let shipment = Shipment::from_post(&posted, 0, NOW).unwrap();
        assert_eq!(shipment.tracking_no.as_deref(), Some("1Z1"));
        assert_eq!(shipment.fields["date"], "2024-05-02T18:30:00+00:00");
        assert_eq!(shipment.fields["package_weight_lbs"], "1.20");
        assert_eq!(shipment.fields["zone"], Value::Null);
        assert_eq!(shipment.fields["items"][0]["quantity"], "2");
        assert_eq!(shipment.fields["items"][0]["carton_num"], "1");
        assert_eq!(
            shipment.items,
            vec![("SKU-1".to_owned(), Decimal::from_int(2))]
        );
    }

    #[test]
    fn a_shipment_without_date_is_dated_now() {
        let shipment = Shipment::from_post(&json!({ "tracking_no": "T" }), 0, NOW).unwrap();
        assert_eq!(shipment.fields["date"], "2024-05-02T10:00:00+00:00");
        assert_eq!(shipment.fields["items"], json!([]));
    }

    #[test]
    fn bad_shipments_are_explained() {
        let bad_quantity = json!({ "items": [ { "item": "SKU-1", "quantity": "two" } ] });
        assert_eq!(
            Shipment::from_post(&bad_quantity, 1, NOW).unwrap_err(),
            "shipments[1].items[0].quantity must be a number"
        );
        assert_eq!(
            Shipment::from_post(&json!({ "date": "soon" }), 0, NOW).unwrap_err(),
            "shipments[0].date is not a date"
        );
        assert_eq!(
            Shipment::from_post(&json!("UPS"), 2, NOW).unwrap_err(),
            "shipments[2] must be an object"
        );
    }
}

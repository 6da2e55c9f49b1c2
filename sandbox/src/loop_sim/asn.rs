//! Rows of the Advanced Shipping Notice report (spec §5.3): one per
//! returned line item, combining order, return, label and destination data.

use serde_json::{Map, Value};

use super::model::{LineItem, StoredReturn, id_of};
use super::time_fmt;

/// Fields copied from the return as seeded, when present.
const RETURN_FIELDS: [&str; 17] = [
    "order_name",
    "order_number",
    "currency",
    "outcome",
    "return_method_rma_code",
    "return_method_state",
    "date_delivered",
    "scannable_id",
    "package_reference",
    "shipping_box_barcode",
    "destination_name",
    "destination_address1",
    "destination_address2",
    "destination_city",
    "destination_state",
    "destination_zip",
    "actioned_by",
];

/// Label fields, read from the label covering the item, else the return's
/// flattened primary label.
const LABEL_FIELDS: [(&str, &str); 6] = [
    ("carrier", "carrier"),
    ("tracking_number", "tracking_number"),
    ("label_status", "status"),
    ("label_url", "url"),
    ("label_rate", "rate"),
    ("label_updated_at", "updated_at"),
];

/// The ASN rows of one return.
pub(super) fn asn_rows(r: &StoredReturn) -> Vec<Value> {
    r.line_items.iter().map(|item| row(r, item)).collect()
}

fn row(r: &StoredReturn, item: &LineItem) -> Value {
    let mut row = Map::new();
    let top = |key: &str| r.fields.get(key).cloned().unwrap_or(Value::Null);
    let own = |key: &str| item.fields.get(key).cloned().unwrap_or(Value::Null);
    row.insert("id".into(), item.id.into());
    row.insert("return_line_item_id".into(), item.id.to_string().into());
    row.insert("order_id".into(), as_string(top("order_id")));
    row.insert(
        "provider_order_number".into(),
        as_string(top("provider_order_number")),
    );
    for key in RETURN_FIELDS {
        row.insert(key.into(), top(key));
    }
    row.insert("state".into(), r.state.as_str().into());
    row.insert("customer_email".into(), top("customer"));
    row.insert("title".into(), own("title"));
    row.insert("purchase_price".into(), as_string(own("price")));
    row.insert("sku".into(), own("sku"));
    row.insert("barcode".into(), own("barcode"));
    row.insert("return_reason".into(), own("return_reason"));
    row.insert("restock_status".into(), Value::Null);
    row.insert("destination_id".into(), as_string(top("destination_id")));
    let label = label_for(r, item.id);
    for (key, label_key) in LABEL_FIELDS {
        let value = label
            .and_then(|l| l.get(label_key))
            .cloned()
            .unwrap_or_else(|| top(key));
        let value = if key == "label_rate" {
            as_string(value)
        } else {
            value
        };
        row.insert(key.into(), value);
    }
    row.insert("service".into(), top("service"));
    row.insert(
        "integration_tracking_url".into(),
        top("integration_tracking_url"),
    );
    let return_method = r.fields.get("return_method");
    row.insert(
        "return_method".into(),
        match return_method {
            Some(Value::Object(method)) => {
                method.get("method_type").cloned().unwrap_or(Value::Null)
            }
            Some(other) => other.clone(),
            None => Value::Null,
        },
    );
    row.insert(
        "created_at".into(),
        time_fmt::iso_seconds(r.created_at).into(),
    );
    row.insert(
        "updated_at".into(),
        time_fmt::iso_seconds(r.updated_at).into(),
    );
    row.insert(
        "closed_at".into(),
        r.closed_at
            .filter(|_| r.state == super::model::ReturnState::Closed)
            .map_or(Value::Null, |t| time_fmt::iso_seconds(t).into()),
    );
    Value::Object(row)
}

/// The label whose `line_items` lists this item (multi-shipment returns),
/// else `None` so the flattened fields are used.
fn label_for(r: &StoredReturn, line_item_id: u64) -> Option<&Map<String, Value>> {
    let Some(Value::Array(labels)) = r.fields.get("labels") else {
        return None;
    };
    labels.iter().filter_map(Value::as_object).find(|label| {
        label
            .get("line_items")
            .and_then(Value::as_array)
            .is_some_and(|ids| ids.iter().any(|id| id_of(id) == Some(line_item_id)))
    })
}

/// ASN serves ids, order numbers and amounts as strings.
fn as_string(value: Value) -> Value {
    match value {
        Value::Number(n) => Value::String(n.to_string()),
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::super::model::IdSource;
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    struct NoIds;
    impl IdSource for NoIds {
        fn next_return_id(&mut self) -> u64 {
            0
        }
        fn next_line_item_id(&mut self) -> u64 {
            0
        }
    }

    #[test]
    fn one_row_per_item_with_its_own_label() {
        let r = StoredReturn::from_seed(
            json!({
                "id": 7, "order_id": 88, "customer": "jane@example.com", "carrier": "DHL",
                "labels": [{"carrier": "UPS", "tracking_number": "1Z", "rate": 599, "line_items": [2]}],
                "line_items": [
                    {"line_item_id": 1, "sku": "A", "price": "10.00"},
                    {"line_item_id": 2, "sku": "B", "price": 12}
                ]
            }),
            datetime!(2025-01-01 0:00 UTC),
            &mut NoIds,
        )
        .expect("seed");
        let rows = asn_rows(&r);
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0]["id"], 1);
        assert_eq!(rows[0]["return_line_item_id"], "1");
        assert_eq!(rows[0]["order_id"], "88");
        assert_eq!(rows[0]["carrier"], "DHL");
        assert_eq!(rows[0]["customer_email"], "jane@example.com");
        assert_eq!(rows[1]["carrier"], "UPS");
        assert_eq!(rows[1]["label_rate"], "599");
        assert_eq!(rows[1]["purchase_price"], "12");
        assert_eq!(rows[1]["created_at"], "2025-01-01T00:00:00Z");
    }
}

//! Return shipping labels: the Label topic payload (spec §8.6) and label
//! status changes.
//!
//! A return's labels are its seeded `labels[]`; a return without them but
//! with a flattened `carrier` / `tracking_number` has one label made of the
//! flattened fields; a return with neither has no label and sends no label
//! webhooks.

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::model::{StoredReturn, id_of};
use super::time_fmt;

/// Whether a flattened label field holds a real value (Loop sends `"N/A"`
/// until one is assigned).
fn assigned(value: Option<&Value>) -> bool {
    value
        .and_then(Value::as_str)
        .is_some_and(|s| !s.is_empty() && s != "N/A")
}

/// The return's labels, each as `{status, updated_at, carrier,
/// tracking_number, shipment_id?, …}`.
fn labels(r: &StoredReturn) -> Vec<Map<String, Value>> {
    if let Some(Value::Array(labels)) = r.fields.get("labels")
        && !labels.is_empty()
    {
        return labels
            .iter()
            .filter_map(Value::as_object)
            .cloned()
            .collect();
    }
    if !assigned(r.fields.get("carrier")) && !assigned(r.fields.get("tracking_number")) {
        return Vec::new();
    }
    let field = |key: &str| r.fields.get(key).cloned().unwrap_or(Value::Null);
    let mut label = Map::new();
    label.insert("carrier".into(), field("carrier"));
    label.insert("tracking_number".into(), field("tracking_number"));
    label.insert("status".into(), field("label_status"));
    label.insert("updated_at".into(), field("label_updated_at"));
    vec![label]
}

/// One Label-topic payload per label: `shop_id`, `id` (the return id) and
/// `order_id` as strings, `provider_order_id` as an integer, as Loop sends
/// them. `shipment_id` is the label's own when seeded, else
/// `{return id}-{n}`.
pub(super) fn payloads(r: &StoredReturn, trigger: &str, shop_id: u64) -> Vec<Value> {
    labels(r)
        .into_iter()
        .enumerate()
        .map(|(i, label)| {
            let get = |key: &str| label.get(key).cloned().unwrap_or(Value::Null);
            let updated_at = label
                .get("updated_at")
                .and_then(Value::as_str)
                .and_then(time_fmt::parse)
                .unwrap_or(r.updated_at);
            let shipment_id = label
                .get("shipment_id")
                .and_then(id_of)
                .map_or_else(|| format!("{}-{}", r.id, i + 1), |id| id.to_string());
            json!({
                "topic": "label",
                "trigger": trigger,
                "shop_id": shop_id.to_string(),
                "id": r.id.to_string(),
                "order_id": r.fields.get("order_id").and_then(id_of).map(|id| id.to_string()),
                "provider_order_id": r.fields.get("provider_order_id").and_then(id_of),
                "carrier": get("carrier"),
                "tracking_number": get("tracking_number"),
                "label_status": get("status"),
                "label_updated_at": time_fmt::iso_seconds(updated_at),
                "shipment_id": shipment_id,
            })
        })
        .collect()
}

/// Sets every label of the return, and the flattened `label_status`, to
/// `status` as of `now`. `false` when the return has no label.
pub(super) fn set_status(r: &mut StoredReturn, status: &str, now: OffsetDateTime) -> bool {
    if labels(r).is_empty() {
        return false;
    }
    let stamp = Value::String(time_fmt::iso_seconds(now));
    if let Some(Value::Array(labels)) = r.fields.get_mut("labels") {
        for label in labels.iter_mut().filter_map(Value::as_object_mut) {
            label.insert("status".into(), status.into());
            label.insert("updated_at".into(), stamp.clone());
        }
    }
    r.fields.insert("label_status".into(), status.into());
    r.fields.insert("label_updated_at".into(), stamp);
    r.updated_at = now;
    true
}

#[cfg(test)]
mod tests {
    use super::super::model::IdSource;
    use super::*;
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

    fn seed(value: Value) -> StoredReturn {
        StoredReturn::from_seed(value, datetime!(2025-03-01 0:00 UTC), &mut NoIds).expect("seed")
    }

    #[test]
    fn flattened_fields_make_one_label_and_na_makes_none() {
        let none = seed(json!({"id": 1, "carrier": "N/A", "tracking_number": "N/A"}));
        assert!(payloads(&none, "label.created", 9).is_empty());
        let one = seed(json!({"id": 1, "order_id": 88, "provider_order_id": "77",
                              "carrier": "DHL", "tracking_number": "0034", "label_status": "new"}));
        let payload = &payloads(&one, "label.created", 9)[0];
        assert_eq!(
            payload,
            &json!({"topic": "label", "trigger": "label.created", "shop_id": "9", "id": "1",
                    "order_id": "88", "provider_order_id": 77, "carrier": "DHL",
                    "tracking_number": "0034", "label_status": "new",
                    "label_updated_at": "2025-03-01T00:00:00Z", "shipment_id": "1-1"})
        );
    }

    #[test]
    fn a_status_change_reaches_every_label() {
        let mut r = seed(json!({"id": 2, "labels": [
            {"carrier": "UPS", "tracking_number": "1Z1", "status": "new", "shipment_id": 31},
            {"carrier": "UPS", "tracking_number": "1Z2", "status": "new"}
        ]}));
        assert!(set_status(
            &mut r,
            "in_transit",
            datetime!(2025-03-02 8:00 UTC)
        ));
        let payloads = payloads(&r, "label.updated", 1);
        let seen: Vec<_> = payloads
            .iter()
            .map(|p| {
                (
                    p["shipment_id"].clone(),
                    p["label_status"].clone(),
                    p["label_updated_at"].clone(),
                )
            })
            .collect();
        assert_eq!(
            seen,
            [
                (
                    json!("31"),
                    json!("in_transit"),
                    json!("2025-03-02T08:00:00Z")
                ),
                (
                    json!("2-2"),
                    json!("in_transit"),
                    json!("2025-03-02T08:00:00Z")
                ),
            ]
        );
        assert_eq!(r.fields["label_status"], "in_transit");
        let mut bare = seed(json!({"id": 3}));
        assert!(!set_status(
            &mut bare,
            "in_transit",
            datetime!(2025-03-02 8:00 UTC)
        ));
    }
}

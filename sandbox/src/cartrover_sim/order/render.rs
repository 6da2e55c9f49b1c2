//! Rendering orders in the three response variants: view (E3), list (E5)
//! and status (E4), with the quirks of spec §3.
//!
//! View and list rows are serialized straight from the stored order (no
//! intermediate `serde_json::Value` tree): lists of 100 orders are the
//! simulator's hottest path.

use std::collections::HashMap;

use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::{HEADER_DEFAULTS, LINE_DEFAULTS, Line, Order};
use crate::cartrover_sim::clock;

/// The `include_*` query flags of E3/E5 (`Y`/`N`; `true`/`1` also read as yes
/// since the vendor's type is unconfirmed).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct Includes {
    /// `include_order_extras`: adds the order's `extra_fields`.
    pub(crate) order_extras: bool,
    /// `include_line_extras`: adds each line's `extra_fields`.
    pub(crate) line_extras: bool,
    /// `include_aliases`: adds each line's SKU `aliases` (inventory-style map,
    /// `[]` when none).
    pub(crate) aliases: bool,
}

impl Includes {
    /// Reads the flags from decoded query parameters; `include_filtered_items`
    /// is accepted and has no effect, the simulator never filters lines.
    pub(crate) fn from_query(query: &HashMap<String, String>) -> Self {
        let yes = |name: &str| {
            query
                .get(name)
                .is_some_and(|value| matches!(value.trim(), "Y" | "y" | "true" | "1"))
        };
        Self {
            order_extras: yes("include_order_extras"),
            line_extras: yes("include_line_extras"),
            aliases: yes("include_aliases"),
        }
    }

    /// Everything included (for snapshots).
    pub(crate) fn all() -> Self {
        Self {
            order_extras: true,
            line_extras: true,
            aliases: true,
        }
    }
}

/// What rendering needs from the merchant around the order.
pub(crate) struct RenderContext<'a> {
    /// The WMS code the order's ship code maps to, when a mapping exists.
    pub(crate) working_ship_code: Option<&'a str>,
    /// Aliases of a SKU, already in inventory shape (map or `[]`).
    pub(crate) aliases: &'a dyn Fn(&str) -> Value,
}

impl std::fmt::Debug for RenderContext<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RenderContext")
            .field("working_ship_code", &self.working_ship_code)
            .finish_non_exhaustive()
    }
}

/// The two full-order variants.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Variant {
    /// E3: no `order_status` (as in the vendor's fixture; read it with E4),
    /// plus the view-only fields.
    View,
    /// E5: with `order_status`, the counters and the `_original` refs.
    List,
}

/// An order rendered as a view or list row; serializes directly.
pub(crate) struct OrderJson<'a> {
    pub(crate) order: &'a Order,
    pub(crate) variant: Variant,
    pub(crate) includes: Includes,
    pub(crate) context: &'a RenderContext<'a>,
}

/// Keys the renderer writes itself; a request field with one of these names
/// is not echoed (so no key appears twice).
fn is_rendered_key(key: &str) -> bool {
    matches!(
        key,
        "created_date_time"
            | "updated_date_time"
            | "record_no"
            | "version"
            | "format"
            | "working_ship_code"
            | "delivered_to_wms_date"
            | "mark_in_progress_date"
            | "extra_system_date_sent"
            | "cancel_date"
            | "delete_date"
            | "sending_canceled"
            | "on_hold"
            | "shipping_pickup_canceled"
            | "error_code"
            | "error_msg"
            | "error_reason"
            | "num_failed_sends"
            | "sent_to_region"
            | "accepted_by_region"
            | "regional_retry_sw"
            | "regional_error"
            | "regional_attempts"
            | "extra_fields"
            | "items"
            | "shipments"
            | "order_status"
            | "cust_ref_original"
            | "cust_po_no_original"
            | "total_qty"
            | "num_shipped"
            | "num_to_ship"
            | "po_number"
            | "latest_ship_date"
            | "changed_by"
            | "changed_from_server"
            | "changed_by_user"
            | "shipment_pk"
            | "inventory_warehouse_pk"
    )
}

/// A rendered value without building a `Value` tree.
enum Field<'a> {
    Null,
    /// `[]`: the PHP backend's empty map.
    EmptyArray,
    Str(&'a str),
    Owned(String),
    Json(&'a Value),
}

impl Serialize for Field<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Self::Null => serializer.serialize_unit(),
            Self::EmptyArray => serializer.serialize_seq(Some(0))?.end(),
            Self::Str(text) => serializer.serialize_str(text),
            Self::Owned(text) => serializer.serialize_str(text),
            Self::Json(value) => value.serialize(serializer),
        }
    }
}

fn date(at: Option<OffsetDateTime>) -> Field<'static> {
    at.map_or(Field::Null, |at| Field::Owned(clock::iso(at)))
}

fn yes_no(flag: bool) -> Field<'static> {
    Field::Str(if flag { "Y" } else { "N" })
}

impl OrderJson<'_> {
    fn rendered_fields(&self) -> Vec<(&'static str, Field<'_>)> {
        let order = self.order;
        let stored = |name: &str| order.fields.get(name).map_or(Field::Null, Field::Json);
        let working = self
            .context
            .working_ship_code
            .or_else(|| order.ship_code())
            .map_or(Field::Null, Field::Str);
        let error = order.error.as_ref();
        let mut fields = vec![
            ("created_date_time", date(Some(order.created))),
            ("updated_date_time", date(Some(order.updated))),
            ("record_no", Field::Owned(order.record_no.to_string())),
            ("version", Field::Str("1")),
            ("format", Field::Null),
            ("working_ship_code", working),
            ("delivered_to_wms_date", date(order.delivered_to_wms)),
            ("mark_in_progress_date", Field::Null),
            ("extra_system_date_sent", date(order.confirmed)),
            ("cancel_date", date(order.canceled)),
            ("delete_date", Field::Null),
            ("sending_canceled", yes_no(order.sending_canceled)),
            ("on_hold", yes_no(order.on_hold)),
            ("shipping_pickup_canceled", yes_no(false)),
            (
                "error_code",
                error.map_or(Field::Null, |e| Field::Str(&e.code)),
            ),
            (
                "error_msg",
                error.map_or(Field::Null, |e| Field::Str(&e.message)),
            ),
            ("error_reason", Field::Null),
            ("num_failed_sends", Field::Null),
            ("sent_to_region", Field::Null),
            ("accepted_by_region", Field::Null),
            ("regional_retry_sw", Field::Null),
            ("regional_error", Field::Null),
            ("regional_attempts", Field::Str("0")),
        ];
        if self.includes.order_extras {
            let extras = order
                .extra_fields
                .as_ref()
                .map_or(Field::EmptyArray, Field::Json);
            fields.push(("extra_fields", extras));
        }
        match self.variant {
            Variant::View => fields.extend([
                ("po_number", stored("cust_po_no")),
                ("latest_ship_date", Field::Null),
                ("changed_by", Field::Str("API")),
                ("changed_from_server", Field::Null),
                ("changed_by_user", Field::Null),
                ("shipment_pk", Field::Null),
                ("inventory_warehouse_pk", Field::Null),
            ]),
            Variant::List => fields.extend([
                ("order_status", Field::Str(order.status.as_str())),
                ("cust_ref_original", stored("cust_ref")),
                ("cust_po_no_original", stored("cust_po_no")),
                ("total_qty", Field::Owned(order.total_qty().normalized())),
                (
                    "num_shipped",
                    Field::Owned(order.num_shipped().normalized()),
                ),
                (
                    "num_to_ship",
                    Field::Owned(order.num_to_ship().normalized()),
                ),
            ]),
        }
        fields
    }
}

impl Serialize for OrderJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        let fields = &self.order.fields;
        for (name, value) in fields {
            if !is_rendered_key(name) {
                map.serialize_entry(name, value)?;
            }
        }
        for (name, default) in HEADER_DEFAULTS {
            if !fields.contains_key(name) {
                map.serialize_entry(name, &default)?;
            }
        }
        for (name, value) in self.rendered_fields() {
            map.serialize_entry(name, &value)?;
        }
        let lines = Lines {
            lines: &self.order.lines,
            view: self.variant == Variant::View,
            includes: self.includes,
            context: self.context,
        };
        map.serialize_entry("items", &lines)?;
        map.serialize_entry("shipments", &Shipments(self.order))?;
        map.end()
    }
}

struct Lines<'a> {
    lines: &'a [Line],
    view: bool,
    includes: Includes,
    context: &'a RenderContext<'a>,
}

impl Serialize for Lines<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut seq = serializer.serialize_seq(Some(self.lines.len()))?;
        for line in self.lines {
            seq.serialize_element(&LineJson { line, lines: self })?;
        }
        seq.end()
    }
}

struct LineJson<'a> {
    line: &'a Line,
    lines: &'a Lines<'a>,
}

impl Serialize for LineJson<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let line = self.line;
        let mut map = serializer.serialize_map(None)?;
        for (name, value) in &line.fields {
            if !matches!(
                name.as_str(),
                "alt_sku" | "extra_fields" | "aliases" | "filtered_sku"
            ) {
                map.serialize_entry(name, value)?;
            }
        }
        for (name, default) in LINE_DEFAULTS {
            if !line.fields.contains_key(name) {
                map.serialize_entry(name, &default)?;
            }
        }
        // The simulator never filters lines out.
        map.serialize_entry("filtered_sku", "N")?;
        if self.lines.view {
            map.serialize_entry("alt_sku", &())?;
        }
        if self.lines.includes.line_extras {
            let extras = line
                .extra_fields
                .as_ref()
                .map_or(Field::EmptyArray, Field::Json);
            map.serialize_entry("extra_fields", &extras)?;
        }
        if self.lines.includes.aliases {
            map.serialize_entry("aliases", &(self.lines.context.aliases)(&line.sku))?;
        }
        map.end()
    }
}

struct Shipments<'a>(&'a Order);

impl Serialize for Shipments<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(self.0.shipments.iter().map(|shipment| &shipment.fields))
    }
}

impl Order {
    /// The status view of E4.
    pub(crate) fn render_status(&self) -> Value {
        let mut fields = Map::new();
        fields.insert("cust_ref".to_owned(), self.cust_ref.clone().into());
        let copy = |name: &str| self.fields.get(name).cloned().unwrap_or(Value::Null);
        fields.insert("cust_po_no".to_owned(), copy("cust_po_no"));
        fields.insert("ship_country".to_owned(), copy("ship_country"));
        fields.insert("order_status".to_owned(), self.status.as_str().into());
        let delivered = self
            .delivered_to_wms
            .map_or(Value::Null, |at| clock::iso(at).into());
        fields.insert("delivered_to_wms_date".to_owned(), delivered);
        fields.insert(
            "updated_date_time".to_owned(),
            clock::iso(self.updated).into(),
        );
        let shipments = self
            .shipments
            .iter()
            .map(|shipment| Value::Object(shipment.fields.clone()))
            .collect();
        fields.insert("shipments".to_owned(), Value::Array(shipments));
        Value::Object(fields)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cartrover_sim::order::parse_create;
    use serde_json::json;
    use time::macros::datetime;

    fn rendered(variant: Variant, includes: Includes) -> String {
        let request = json!({
            "cust_ref": "R-1", "ship_company": "Acme", "ship_address_1": "1 Main St",
            "ship_city": "Secaucus", "ship_state": "NJ", "ship_zip": "07094", "ship_country": "US",
            // System fields sent by a client are not echoed twice.
            "order_status": "shipped", "record_no": "999",
            "items": [ { "item": "SKU-1", "quantity": 1, "alt_sku": "X" } ]
        });
        let now = datetime!(2024-05-01 12:00:00 UTC);
        let draft = parse_create(&request, "Online Store", now, false).unwrap();
        let order = Order::from_draft(draft, 7, now);
        let aliases = |_: &str| json!([]);
        let context = RenderContext {
            working_ship_code: None,
            aliases: &aliases,
        };
        let json = OrderJson {
            order: &order,
            variant,
            includes,
            context: &context,
        };
        serde_json::to_string(&json).unwrap()
    }

    #[test]
    fn every_key_appears_once() {
        for variant in [Variant::View, Variant::List] {
            let text = rendered(variant, Includes::all());
            let count = |key: &str| text.matches(&format!("\"{key}\":")).count();
            assert_eq!(count("record_no"), 1, "{text}");
            assert_eq!(
                count("alt_sku"),
                usize::from(variant == Variant::View),
                "{text}"
            );
            assert_eq!(
                count("order_status"),
                usize::from(variant == Variant::List),
                "{text}"
            );
            let value: Value = serde_json::from_str(&text).unwrap();
            assert_eq!(value["record_no"], "7");
            assert_eq!(value["extra_fields"], json!([]));
            assert_eq!(value["items"][0]["extra_fields"], json!([]));
            assert_eq!(value["items"][0]["aliases"], json!([]));
        }
    }

    #[test]
    fn view_has_no_status_and_list_has_the_counters() {
        let view: Value =
            serde_json::from_str(&rendered(Variant::View, Includes::default())).unwrap();
        assert!(view.get("order_status").is_none());
        assert_eq!(view["items"][0]["alt_sku"], Value::Null);
        assert!(view.get("extra_fields").is_none());
        assert_eq!(view["po_number"], Value::Null);
        assert_eq!(view["cust_po_no"], Value::Null);
        assert_eq!(view["sub_total"], "0.00");
        assert_eq!(view["gift_wrap"], "N");
        assert_eq!(view["items"][0]["extended_amount"], "0.00");
        assert_eq!(view["items"][0]["price"], "0.0000");
        assert_eq!(view["items"][0]["Description"], Value::Null);
        assert_eq!(view["items"][0]["filtered_sku"], "N");
        let list: Value =
            serde_json::from_str(&rendered(Variant::List, Includes::default())).unwrap();
        assert_eq!(list["order_status"], "new");
        assert_eq!(list["total_qty"], "1");
        assert_eq!(list["num_to_ship"], "1");
        assert!(list["items"][0].get("alt_sku").is_none());
        assert_eq!(list["created_date_time"], "2024-05-01T12:00:00+00:00");
    }
}

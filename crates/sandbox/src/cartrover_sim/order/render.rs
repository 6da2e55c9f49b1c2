//! Rendering orders in the three response variants: view (E3), list (E5)
//! and status (E4), with the quirks of spec §3.

use std::collections::HashMap;

use serde_json::{Map, Value};

use super::Order;
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

fn opt_iso(at: Option<time::OffsetDateTime>) -> Value {
    at.map_or(Value::Null, |at| Value::String(clock::iso(at)))
}

impl Order {
    /// The full order of E3. Like the vendor's fixture it has no
    /// `order_status` (read it with E4) and carries the view-only fields.
    pub(crate) fn render_view(&self, includes: Includes, context: &RenderContext<'_>) -> Value {
        let mut fields = self.common(includes, context, true);
        let po_number = fields.get("cust_po_no").cloned().unwrap_or(Value::Null);
        fields.insert("po_number".to_owned(), po_number);
        fields.insert("latest_ship_date".to_owned(), Value::Null);
        fields.insert("changed_by".to_owned(), "API".into());
        for name in [
            "changed_from_server",
            "changed_by_user",
            "shipment_pk",
            "inventory_warehouse_pk",
        ] {
            fields.insert(name.to_owned(), Value::Null);
        }
        Value::Object(fields)
    }

    /// The list variant of E5: with `order_status` and the counters.
    pub(crate) fn render_list_item(
        &self,
        includes: Includes,
        context: &RenderContext<'_>,
    ) -> Value {
        let mut fields = self.common(includes, context, false);
        fields.insert("order_status".to_owned(), self.status.as_str().into());
        let original = |name: &str| fields.get(name).cloned().unwrap_or(Value::Null);
        let (cust_ref, cust_po_no) = (original("cust_ref"), original("cust_po_no"));
        fields.insert("cust_ref_original".to_owned(), cust_ref);
        fields.insert("cust_po_no_original".to_owned(), cust_po_no);
        fields.insert("total_qty".to_owned(), self.total_qty().normalized().into());
        fields.insert(
            "num_shipped".to_owned(),
            self.num_shipped().normalized().into(),
        );
        fields.insert(
            "num_to_ship".to_owned(),
            self.num_to_ship().normalized().into(),
        );
        Value::Object(fields)
    }

    /// The status view of E4.
    pub(crate) fn render_status(&self) -> Value {
        let mut fields = Map::new();
        fields.insert("cust_ref".to_owned(), self.cust_ref.clone().into());
        let copy = |name: &str| self.fields.get(name).cloned().unwrap_or(Value::Null);
        fields.insert("cust_po_no".to_owned(), copy("cust_po_no"));
        fields.insert("ship_country".to_owned(), copy("ship_country"));
        fields.insert("order_status".to_owned(), self.status.as_str().into());
        fields.insert(
            "delivered_to_wms_date".to_owned(),
            opt_iso(self.delivered_to_wms),
        );
        fields.insert(
            "updated_date_time".to_owned(),
            clock::iso(self.updated).into(),
        );
        fields.insert("shipments".to_owned(), self.shipments_json());
        Value::Object(fields)
    }

    fn shipments_json(&self) -> Value {
        Value::Array(
            self.shipments
                .iter()
                .map(|shipment| Value::Object(shipment.fields.clone()))
                .collect(),
        )
    }

    fn common(
        &self,
        includes: Includes,
        context: &RenderContext<'_>,
        view: bool,
    ) -> Map<String, Value> {
        let mut fields = self.fields.clone();
        let mut set = |name: &str, value: Value| {
            fields.insert(name.to_owned(), value);
        };
        set("created_date_time", clock::iso(self.created).into());
        set("updated_date_time", clock::iso(self.updated).into());
        set("record_no", self.record_no.to_string().into());
        set("version", "1".into());
        set("format", Value::Null);
        let working = context
            .working_ship_code
            .or_else(|| self.ship_code())
            .map_or(Value::Null, |code| code.to_owned().into());
        set("working_ship_code", working);
        set("delivered_to_wms_date", opt_iso(self.delivered_to_wms));
        set("mark_in_progress_date", Value::Null);
        set("extra_system_date_sent", opt_iso(self.confirmed));
        set("cancel_date", opt_iso(self.canceled));
        set("delete_date", Value::Null);
        let yes_no = |flag: bool| Value::String(if flag { "Y" } else { "N" }.to_owned());
        set("sending_canceled", yes_no(self.sending_canceled));
        set("on_hold", yes_no(self.on_hold));
        set("shipping_pickup_canceled", yes_no(false));
        let error = self.error.as_ref();
        set(
            "error_code",
            error.map_or(Value::Null, |e| e.code.clone().into()),
        );
        set(
            "error_msg",
            error.map_or(Value::Null, |e| e.message.clone().into()),
        );
        set("error_reason", Value::Null);
        set("num_failed_sends", Value::Null);
        for name in [
            "sent_to_region",
            "accepted_by_region",
            "regional_retry_sw",
            "regional_error",
        ] {
            set(name, Value::Null);
        }
        set("regional_attempts", "0".into());
        if includes.order_extras {
            set(
                "extra_fields",
                self.extra_fields
                    .clone()
                    .unwrap_or(Value::Array(Vec::new())),
            );
        }
        let items = self
            .lines
            .iter()
            .map(|line| {
                let mut item = line.fields.clone();
                if view {
                    item.insert("alt_sku".to_owned(), Value::Null);
                }
                if includes.line_extras {
                    item.insert(
                        "extra_fields".to_owned(),
                        line.extra_fields
                            .clone()
                            .unwrap_or(Value::Array(Vec::new())),
                    );
                }
                if includes.aliases {
                    item.insert("aliases".to_owned(), (context.aliases)(&line.sku));
                }
                Value::Object(item)
            })
            .collect();
        set("items", Value::Array(items));
        set("shipments", self.shipments_json());
        fields
    }
}

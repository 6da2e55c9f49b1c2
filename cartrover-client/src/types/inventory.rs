//! Inventory levels reported by the warehouse (E8 list, E9 by SKU; spec §8.5).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::lenient;
use crate::types::Sku;

/// Stock of one SKU, in total and per warehouse.
///
/// The list read sends numbers and the single-SKU read numeric strings; both
/// decode here. `aliases` and `warehouses` arrive as `[]` when empty.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct InventoryItem {
    /// SKU.
    #[serde(default)]
    pub sku: Sku,
    /// Units available, across all warehouses.
    #[serde(default, deserialize_with = "lenient::int::deserialize")]
    pub qty_available: Option<i64>,
    /// Units on hand, across all warehouses.
    #[serde(default, deserialize_with = "lenient::int::deserialize")]
    pub qty_on_hand: Option<i64>,
    /// When the warehouse last reported.
    #[serde(default, with = "lenient::dates::timestamp")]
    pub wms_datetime: Option<OffsetDateTime>,
    /// Other codes of the product, `code_type → code` (e.g. `UPC`, `ALT_CODE`).
    #[serde(default, deserialize_with = "lenient::string_map::deserialize")]
    pub aliases: BTreeMap<String, String>,
    /// Figures per warehouse, keyed by CartRover's warehouse id (a numeric
    /// string such as `"2352"`; its relation to an order's
    /// `inventory_warehouse_pk` is unconfirmed, spec §13 Q9).
    #[serde(default, deserialize_with = "lenient::map::deserialize")]
    pub warehouses: BTreeMap<String, WarehouseInventory>,
    /// Every other field, kept verbatim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Stock of one SKU in one warehouse.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WarehouseInventory {
    /// Warehouse name, e.g. `NJ` or `EAST`.
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub warehouse: Option<String>,
    /// Units available there.
    #[serde(default, deserialize_with = "lenient::int::deserialize")]
    pub qty_available: Option<i64>,
    /// Units on hand there.
    #[serde(default, deserialize_with = "lenient::int::deserialize")]
    pub qty_on_hand: Option<i64>,
    /// When that warehouse last reported.
    #[serde(default, with = "lenient::dates::timestamp")]
    pub wms_datetime: Option<OffsetDateTime>,
}

impl InventoryItem {
    /// The product's barcode: the alias whose kind is `UPC`, `EAN`, `GTIN`
    /// or `barcode` (any case; `UPC` first when several are present).
    pub fn barcode(&self) -> Option<&str> {
        self.aliases
            .iter()
            .filter(|(kind, _)| crate::types::product::is_barcode_kind(kind))
            .min_by_key(|(kind, _)| !kind.eq_ignore_ascii_case("upc"))
            .map(|(_, code)| code.as_str())
    }

    /// The per-warehouse figures of the warehouse named `name` (e.g. `"NJ"`),
    /// whatever its id.
    pub fn warehouse_named(&self, name: &str) -> Option<&WarehouseInventory> {
        self.warehouses
            .values()
            .find(|w| w.warehouse.as_deref() == Some(name))
    }
}

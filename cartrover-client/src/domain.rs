//! Conversions to the `returns-core` domain (feature `core`, on by default):
//! how a CartRover product or stock row identifies an item in the warehouse
//! item master, by SKU or by barcode as the integration's settings ask.

use returns_core::{ItemKey, ProductIdentification};

use crate::types::{InventoryItem, Product, Sku};

impl From<Sku> for ItemKey {
    fn from(sku: Sku) -> Self {
        ItemKey::Sku(sku.into_inner())
    }
}

impl From<&Sku> for ItemKey {
    fn from(sku: &Sku) -> Self {
        ItemKey::Sku(sku.as_str().to_owned())
    }
}

/// The identifier `identification` asks for: the SKU, or the barcode alias.
fn key(sku: &Sku, barcode: Option<&str>, identification: ProductIdentification) -> Option<ItemKey> {
    let (value, make): (&str, fn(String) -> ItemKey) = match identification {
        ProductIdentification::Sku => (sku.as_str(), ItemKey::Sku),
        ProductIdentification::Barcode => (barcode?, ItemKey::Barcode),
    };
    let value = value.trim();
    (!value.is_empty()).then(|| make(value.to_owned()))
}

impl Product {
    /// The product's key in the warehouse item master: its SKU, or its
    /// barcode alias ([`Product::barcode`]). `None` when that identifier is
    /// missing or blank.
    pub fn item_key(&self, identification: ProductIdentification) -> Option<ItemKey> {
        key(&self.sku, self.barcode(), identification)
    }
}

impl InventoryItem {
    /// The stock row's key in the warehouse item master: its SKU, or its
    /// barcode alias ([`InventoryItem::barcode`]). `None` when that
    /// identifier is missing or blank.
    pub fn item_key(&self, identification: ProductIdentification) -> Option<ItemKey> {
        key(&self.sku, self.barcode(), identification)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn product(json: serde_json::Value) -> Product {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn products_key_by_sku_or_by_their_barcode_alias() {
        let widget = product(serde_json::json!({
            "sku": "SKU-1",
            "aliases": [{"code_type": "merchantSKU", "code": "W-1"}, {"code_type": "UPC", "code": "012345678905"}]
        }));
        assert_eq!(
            widget.item_key(ProductIdentification::Sku),
            Some(ItemKey::Sku("SKU-1".into()))
        );
        assert_eq!(
            widget.item_key(ProductIdentification::Barcode),
            Some(ItemKey::Barcode("012345678905".into()))
        );
        let no_barcode = product(serde_json::json!({"sku": "SKU-2", "aliases": []}));
        assert_eq!(no_barcode.item_key(ProductIdentification::Barcode), None);
        let blank_sku = product(serde_json::json!({"sku": "  "}));
        assert_eq!(blank_sku.item_key(ProductIdentification::Sku), None);
    }

    #[test]
    fn stock_rows_key_by_their_alias_map_and_skus_convert_directly() {
        let row: InventoryItem = serde_json::from_value(
            serde_json::json!({"sku": "SKU-1", "aliases": {"ean": "4006381333931"}}),
        )
        .unwrap();
        assert_eq!(
            row.item_key(ProductIdentification::Barcode),
            Some(ItemKey::Barcode("4006381333931".into()))
        );
        assert_eq!(
            ItemKey::from(Sku::new("SKU-9")),
            ItemKey::Sku("SKU-9".into())
        );
    }
}

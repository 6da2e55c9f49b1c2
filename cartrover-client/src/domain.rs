//! Conversions to the `returns-core` domain (feature `core`, on by default):
//! how a CartRover product or stock row identifies an item in the warehouse
//! item master, by SKU or by barcode as the integration's settings ask.

use returns_core::{ItemKey, ProductIdentification};

use crate::types::{InventoryItem, NewOrderLine, Product, Sku};

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

/// A SKU key becomes the SKU; a barcode key is given back unchanged (it is
/// not a SKU: use [`NewOrderLine::for_item`] to order by barcode alias).
impl TryFrom<ItemKey> for Sku {
    type Error = ItemKey;

    fn try_from(key: ItemKey) -> Result<Self, ItemKey> {
        match key {
            ItemKey::Sku(sku) => Ok(Sku::new(sku)),
            other => Err(other),
        }
    }
}

impl NewOrderLine {
    /// A line of `quantity` units of the item `key` names. CartRover matches
    /// a line's `item` against the warehouse SKU or one of its aliases, so a
    /// barcode key is sent as its value as well.
    pub fn for_item(key: &ItemKey, quantity: i64) -> Self {
        NewOrderLine::new(key.value(), quantity)
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

    #[test]
    fn item_keys_convert_back_to_skus_and_order_lines() {
        let sku = Sku::new("SKU-9");
        assert_eq!(Sku::try_from(ItemKey::from(&sku)), Ok(sku));
        let barcode = ItemKey::Barcode("012345678905".into());
        assert_eq!(Sku::try_from(barcode.clone()), Err(barcode.clone()));
        let line = NewOrderLine::for_item(&barcode, 3);
        assert_eq!(line.item.as_str(), "012345678905");
        assert_eq!(line.quantity, 3);
    }
}

//! The item master: products the warehouse knows, by SKU and by UPC (spec §2.3).

use std::collections::HashMap;

/// A product of the item master (spec §2.3), as `GET /items` shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub struct Item {
    /// Stock-keeping unit; the item master's key.
    pub sku: String,
    /// Barcode; one UPC names at most one item.
    pub upc: Option<String>,
    /// Product description.
    pub description: Option<String>,
    /// Style code.
    pub style: Option<String>,
    /// Colour.
    pub color: Option<String>,
    /// Size.
    pub size: Option<String>,
}

/// Items keyed by SKU, with a UPC index. One UPC names one item: seeding an
/// item with a UPC another item had moves the UPC to the new item.
#[derive(Debug, Default)]
pub(crate) struct ItemMaster {
    by_sku: HashMap<String, Item>,
    sku_by_upc: HashMap<String, String>,
}

impl ItemMaster {
    /// Adds the item, or replaces the one with the same SKU.
    pub(crate) fn upsert(&mut self, item: Item) {
        if let Some(old_upc) = self.by_sku.get(&item.sku).and_then(|old| old.upc.clone()) {
            self.sku_by_upc.remove(&old_upc);
        }
        let displaced_sku = item
            .upc
            .as_ref()
            .and_then(|upc| self.sku_by_upc.insert(upc.clone(), item.sku.clone()))
            .filter(|previous| *previous != item.sku);
        if let Some(previous) = displaced_sku.and_then(|sku| self.by_sku.get_mut(&sku)) {
            previous.upc = None;
        }
        self.by_sku.insert(item.sku.clone(), item);
    }

    pub(crate) fn by_sku(&self, sku: &str) -> Option<&Item> {
        self.by_sku.get(sku)
    }

    pub(crate) fn by_upc(&self, upc: &str) -> Option<&Item> {
        self.sku_by_upc
            .get(upc)
            .and_then(|sku| self.by_sku.get(sku))
    }
}

#[cfg(test)]
mod tests {
    use super::{Item, ItemMaster};

    fn item(sku: &str, upc: Option<&str>) -> Item {
        Item {
            sku: sku.to_owned(),
            upc: upc.map(str::to_owned),
            ..Item::default()
        }
    }

    #[test]
    fn reseeding_an_item_moves_its_upc() {
        let mut master = ItemMaster::default();
        master.upsert(item("A", Some("111")));
        master.upsert(item("A", Some("222")));
        assert!(master.by_upc("111").is_none());
        assert_eq!(master.by_upc("222").map(|i| i.sku.as_str()), Some("A"));

        master.upsert(item("B", Some("222")));
        assert_eq!(master.by_upc("222").map(|i| i.sku.as_str()), Some("B"));
        assert_eq!(master.by_sku("A").and_then(|i| i.upc.clone()), None);
    }
}

//! Items of CloudX's item master, the identifiers that find them, and
//! warehouses.

use std::fmt;

use super::ids::{Sku, Upc, WarehouseCode};

/// How a product is matched to CloudX's item master: by SKU or by barcode
/// (CONFIRMED: products are matched by SKU or by UPC, and must already exist in
/// CloudX).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ProductIdentification {
    /// Match by SKU: every ticket line must carry a SKU.
    #[default]
    Sku,
    /// Match by barcode: every ticket line must carry a UPC.
    Upc,
}

impl fmt::Display for ProductIdentification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Sku => "SKU",
            Self::Upc => "UPC",
        })
    }
}

/// One way of naming an item: its SKU or its UPC.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ItemIdentifier {
    /// By SKU.
    Sku(Sku),
    /// By UPC.
    Upc(Upc),
}

impl ItemIdentifier {
    /// An identifier by SKU.
    pub fn sku(value: impl Into<String>) -> Self {
        Self::Sku(Sku::new(value))
    }

    /// An identifier by UPC.
    pub fn upc(value: impl Into<String>) -> Self {
        Self::Upc(Upc::new(value))
    }

    /// The raw identifier value.
    pub fn value(&self) -> &str {
        match self {
            Self::Sku(sku) => sku.as_str(),
            Self::Upc(upc) => upc.as_str(),
        }
    }

    /// Which kind of identifier this is.
    pub fn identification(&self) -> ProductIdentification {
        match self {
            Self::Sku(_) => ProductIdentification::Sku,
            Self::Upc(_) => ProductIdentification::Upc,
        }
    }

    /// Whether `item` carries this identifier.
    pub fn matches(&self, item: &Item) -> bool {
        match self {
            Self::Sku(sku) => item.sku == *sku,
            Self::Upc(upc) => item.upc.as_ref() == Some(upc),
        }
    }
}

impl fmt::Display for ItemIdentifier {
    /// `SKU ABC-1` or `UPC 0123456789012`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.identification(), self.value())
    }
}

/// An item of CloudX's item master.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Item {
    /// The item's SKU.
    pub sku: Sku,
    /// Its barcode, when it has one.
    pub upc: Option<Upc>,
    /// Description.
    pub description: Option<String>,
    /// Style.
    pub style: Option<String>,
    /// Colour.
    pub color: Option<String>,
    /// Size.
    pub size: Option<String>,
}

/// A Bergen warehouse location returns can be routed to.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Warehouse {
    /// Code to put on a ticket, e.g. `BERGEN-NJ-01`.
    pub code: WarehouseCode,
    /// Human-readable name (optional: the surface is modelled).
    pub name: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identifiers_match_items_by_their_own_kind_only() {
        let item = Item {
            sku: Sku::new("TEE-M"),
            upc: Some(Upc::new("0123")),
            ..Item::default()
        };
        assert!(ItemIdentifier::sku("TEE-M").matches(&item));
        assert!(ItemIdentifier::upc("0123").matches(&item));
        assert!(!ItemIdentifier::upc("TEE-M").matches(&item));
        assert_eq!(ItemIdentifier::upc("0123").to_string(), "UPC 0123");
    }
}

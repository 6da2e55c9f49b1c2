//! The product catalogue of a scenario: a fixed grid of apparel products,
//! colours and sizes, each variant with a SKU and a valid UPC-A barcode.
//!
//! The catalogue does not depend on the seed, so SKUs stay recognisable
//! across scenarios (`LS-SAND-M` is always the medium sand linen shirt).

/// One sellable variant, with the fields of a CloudX item (spec §2.3) and
/// the Shopify-side ids a Loop line item refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CatalogItem {
    /// SKU, e.g. `LS-SAND-M`.
    pub sku: String,
    /// 12-digit UPC-A barcode with a valid check digit.
    pub upc: String,
    /// Product title, e.g. `Linen Shirt`.
    pub title: String,
    /// Style code, e.g. `LS`.
    pub style: String,
    /// Colour name, e.g. `Sand`.
    pub color: String,
    /// Size, e.g. `M`.
    pub size: String,
    /// Unit price in cents.
    pub price_cents: u64,
    /// Shopify product id (shared by the variants of a product).
    pub product_id: u64,
    /// Shopify variant id.
    pub variant_id: u64,
}

impl CatalogItem {
    /// Description as a warehouse item master would show it:
    /// `Linen Shirt - Sand / M`.
    pub fn description(&self) -> String {
        format!("{} - {} / {}", self.title, self.color, self.size)
    }

    /// The item as a CloudX item-master entry (spec §2.3).
    pub fn to_cloudx_item(&self) -> serde_json::Value {
        serde_json::json!({
            "sku": self.sku,
            "upc": self.upc,
            "description": self.description(),
            "style": self.style,
            "color": self.color,
            "size": self.size,
        })
    }
}

const PRODUCTS: &[(&str, &str, u64)] = &[
    ("LS", "Linen Shirt", 4_900),
    ("OT", "Organic Tee", 2_500),
    ("CJ", "Chore Jacket", 12_900),
    ("WP", "Wool Pullover", 8_900),
    ("SC", "Slim Chinos", 6_900),
    ("RS", "Rain Shell", 14_900),
    ("HD", "Fleece Hoodie", 7_400),
    ("KB", "Knit Beanie", 2_200),
    ("TS", "Trail Sneaker", 11_000),
    ("SB", "Silk Blouse", 7_900),
];

const COLORS: &[&str] = &["Sand", "Navy", "Olive", "Black", "Rust"];

const SIZES: &[&str] = &["XS", "S", "M", "L", "XL"];

/// Made-up GS1 company prefix of the fictional merchant.
const COMPANY_PREFIX: u64 = 840_613;

/// The full catalogue (product × colour × size), in a fixed order.
pub fn catalog() -> Vec<CatalogItem> {
    let mut items = Vec::with_capacity(PRODUCTS.len() * COLORS.len() * SIZES.len());
    for (product_index, (style, title, price_cents)) in PRODUCTS.iter().enumerate() {
        let product_id = 8_011_223_000 + product_index as u64 * 17;
        for color in COLORS {
            for size in SIZES {
                let index = items.len() as u64;
                items.push(CatalogItem {
                    sku: format!("{style}-{}-{size}", color.to_uppercase()),
                    upc: upc_a(COMPANY_PREFIX * 100_000 + 10_000 + index),
                    title: (*title).to_owned(),
                    style: (*style).to_owned(),
                    color: (*color).to_owned(),
                    size: (*size).to_owned(),
                    price_cents: *price_cents,
                    product_id,
                    variant_id: 44_112_230_000 + index * 13,
                });
            }
        }
    }
    items
}

/// A discontinued variant: sold once, so it appears in returns, but no
/// longer in the warehouse item master. `n` makes SKU and barcode unique
/// (barcodes repeat after 100,000).
pub fn discontinued_item(n: u64) -> CatalogItem {
    CatalogItem {
        sku: format!("DX-{n:05}"),
        upc: upc_a((COMPANY_PREFIX + 1) * 100_000 + n % 100_000),
        title: "Archive Piece".to_owned(),
        style: "DX".to_owned(),
        color: "Assorted".to_owned(),
        size: "OS".to_owned(),
        price_cents: 3_900,
        product_id: 8_011_229_999,
        variant_id: 44_112_290_000 + n,
    }
}

/// Appends the UPC-A check digit to an 11-digit number.
fn upc_a(eleven_digits: u64) -> String {
    let digits = format!("{eleven_digits:011}");
    let (odd, even) = digits
        .bytes()
        .map(|b| u64::from(b - b'0'))
        .enumerate()
        .fold((0, 0), |(odd, even), (i, d)| {
            // Positions are 1-based in the standard: index 0 is an odd position.
            if i % 2 == 0 {
                (odd + d, even)
            } else {
                (odd, even + d)
            }
        });
    let check = (10 - (odd * 3 + even) % 10) % 10;
    format!("{digits}{check}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn upc_check_digit_matches_a_known_code() {
        // 036000291452 is the textbook UPC-A example.
        assert_eq!(upc_a(3_600_029_145), "036000291452");
    }

    #[test]
    fn catalogue_skus_and_barcodes_are_unique() {
        let items = catalog();
        assert_eq!(items.len(), 250);
        let skus: HashSet<_> = items.iter().map(|i| &i.sku).collect();
        let upcs: HashSet<_> = items.iter().map(|i| &i.upc).collect();
        assert_eq!(skus.len(), items.len());
        assert_eq!(upcs.len(), items.len());
        assert!(items.iter().all(|i| i.upc.len() == 12));
        assert_eq!(items[2].sku, "LS-SAND-M");
    }

    #[test]
    fn cloudx_item_has_the_spec_fields() {
        let item = catalog()[2].to_cloudx_item();
        assert_eq!(item["sku"], "LS-SAND-M");
        assert_eq!(item["description"], "Linen Shirt - Sand / M");
        for field in ["upc", "style", "color", "size"] {
            assert!(item[field].is_string(), "{field}");
        }
    }
}

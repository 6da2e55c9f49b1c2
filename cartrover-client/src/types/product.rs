//! Product master data (E10; spec §8.6).

use rust_decimal::Decimal;
use serde::de::Deserializer;
use serde::{Deserialize, Serialize};
use time::PrimitiveDateTime;

use crate::lenient;
use crate::types::Sku;

/// A product as CartRover knows it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Product {
    /// SKU.
    #[serde(default)]
    pub sku: Sku,
    /// Name.
    #[serde(default)]
    pub name: Option<String>,
    /// Description.
    #[serde(default)]
    pub description: Option<String>,
    /// Retail price.
    #[serde(default, with = "lenient::decimal")]
    pub retail_price: Option<Decimal>,
    /// Wholesale price.
    #[serde(default, with = "lenient::decimal")]
    pub wholesale_price: Option<Decimal>,
    /// Weight in pounds.
    #[serde(default, with = "lenient::decimal")]
    pub weight_lbs: Option<Decimal>,
    /// The warehouse's product id.
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub wms_product_main_id: Option<String>,
    /// Last update, as CartRover writes it: `YYYY-MM-DD HH:MM:SS` with no time
    /// zone, so it stays a local date-time here.
    #[serde(
        default,
        deserialize_with = "lenient::dates::local_timestamp::deserialize"
    )]
    pub last_updated_datetime: Option<PrimitiveDateTime>,
    /// Other codes of the product. An array of `{code_type, code}` here, unlike
    /// inventory's map; a map is accepted too.
    #[serde(default, deserialize_with = "deserialize_aliases")]
    pub aliases: Vec<ProductAlias>,
    /// Every other field, kept verbatim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// Another code the product is known by.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ProductAlias {
    /// Kind of code, e.g. `UPC` or `merchantSKU`.
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub code_type: Option<String>,
    /// The code.
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub code: Option<String>,
}

impl Product {
    /// The product's barcode: the first alias whose kind is `UPC`, `EAN`,
    /// `GTIN` or `barcode` (any case).
    pub fn barcode(&self) -> Option<&str> {
        self.aliases
            .iter()
            .filter(|a| a.code_type.as_deref().is_some_and(is_barcode_kind))
            .find_map(|a| a.code.as_deref())
    }

    /// The first alias of the given kind (e.g. `"UPC"`).
    pub fn alias(&self, code_type: &str) -> Option<&str> {
        self.aliases
            .iter()
            .find(|a| a.code_type.as_deref() == Some(code_type))
            .and_then(|a| a.code.as_deref())
    }
}

/// Alias kinds that hold a barcode.
pub(crate) fn is_barcode_kind(code_type: &str) -> bool {
    ["upc", "ean", "gtin", "barcode"]
        .iter()
        .any(|kind| code_type.trim().eq_ignore_ascii_case(kind))
}

/// The documented array of objects, or inventory's `code_type → code` map.
fn deserialize_aliases<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<ProductAlias>, D::Error> {
    #[derive(Deserialize)]
    #[serde(untagged)]
    enum Shape {
        List(Vec<ProductAlias>),
        Map(
            #[serde(deserialize_with = "lenient::string_map::deserialize")]
            std::collections::BTreeMap<String, String>,
        ),
    }
    Ok(match Option::<Shape>::deserialize(d)? {
        None => Vec::new(),
        Some(Shape::List(list)) => list,
        Some(Shape::Map(map)) => map
            .into_iter()
            .map(|(code_type, code)| ProductAlias {
                code_type: Some(code_type),
                code: Some(code),
            })
            .collect(),
    })
}

//! A merchant's products (E10) and inventory (E8, E9, E18), with the type
//! quirks of spec §2.8: numbers in the inventory list, strings in the
//! single-SKU read, `[]` for an empty alias map, a zoneless product date.

use std::collections::BTreeMap;

use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::clock::{self, DayEnd};
use super::decimal::Decimal;
use super::order::text;

/// Product master data of one SKU.
#[derive(Clone, Debug)]
pub(crate) struct Product {
    name: Option<String>,
    description: Option<String>,
    retail_price: Option<Decimal>,
    wholesale_price: Option<Decimal>,
    weight_lbs: Option<Decimal>,
    wms_product_main_id: String,
    last_updated: OffsetDateTime,
    /// `(code_type, code)`, e.g. `("UPC", "012345678905")`.
    aliases: Vec<(String, String)>,
}

/// Stock of one SKU in one warehouse.
#[derive(Clone, Debug)]
pub(crate) struct Stock {
    pub(crate) warehouse: String,
    pub(crate) qty_on_hand: i64,
    pub(crate) qty_available: i64,
    pub(crate) wms_datetime: OffsetDateTime,
}

/// One validated element of an inventory write (E18).
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct StockWrite {
    pub(crate) sku: String,
    pub(crate) qty_on_hand: i64,
    pub(crate) qty_available: i64,
    pub(crate) warehouse: Option<String>,
    pub(crate) wms_datetime: Option<OffsetDateTime>,
}

/// Products and stock of one merchant, keyed by SKU (sorted, so inventory
/// pages are stable).
#[derive(Clone, Debug, Default)]
pub(crate) struct Catalog {
    products: BTreeMap<String, Product>,
    /// SKU → warehouse id → stock.
    stock: BTreeMap<String, BTreeMap<u64, Stock>>,
}

impl Catalog {
    /// Adds or replaces a product from the E10 shape (`aliases` as an array of
    /// `{code_type, code}` or as a `{code_type: code}` map).
    pub(crate) fn upsert_product(
        &mut self,
        product: &Value,
        wms_id: impl FnOnce() -> u64,
        now: OffsetDateTime,
    ) -> Result<String, String> {
        let object = product.as_object().ok_or("product must be a JSON object")?;
        let sku = text(object.get("sku")).ok_or("product needs a sku")?;
        let decimal = |name: &str| -> Result<Option<Decimal>, String> {
            object
                .get(name)
                .map_or(Ok(None), Decimal::from_json)
                .map_err(|_| format!("product {name} is not numeric"))
        };
        let aliases = match object.get("aliases") {
            Some(Value::Array(entries)) => entries
                .iter()
                .filter_map(|entry| Some((text(entry.get("code_type"))?, text(entry.get("code"))?)))
                .collect(),
            Some(Value::Object(map)) => map
                .iter()
                .filter_map(|(code_type, code)| Some((code_type.clone(), text(Some(code))?)))
                .collect(),
            _ => Vec::new(),
        };
        let wms_product_main_id = text(object.get("wms_product_main_id"))
            .or_else(|| {
                self.products
                    .get(&sku)
                    .map(|p| p.wms_product_main_id.clone())
            })
            .unwrap_or_else(|| wms_id().to_string());
        let product = Product {
            name: text(object.get("name")),
            description: text(object.get("description")),
            retail_price: decimal("retail_price")?,
            wholesale_price: decimal("wholesale_price")?,
            weight_lbs: decimal("weight_lbs")?,
            wms_product_main_id,
            last_updated: now,
            aliases,
        };
        self.products.insert(sku.clone(), product);
        Ok(sku)
    }

    /// Sets the stock of `sku` in one warehouse; a SKU without product data
    /// gets a minimal product (named after the SKU) so E10 can read it.
    pub(crate) fn set_stock(
        &mut self,
        sku: &str,
        warehouse_id: u64,
        stock: Stock,
        wms_id: impl FnOnce() -> u64,
    ) {
        if !self.products.contains_key(sku) {
            self.products.insert(
                sku.to_owned(),
                Product {
                    name: Some(sku.to_owned()),
                    description: None,
                    retail_price: None,
                    wholesale_price: None,
                    weight_lbs: None,
                    wms_product_main_id: wms_id().to_string(),
                    last_updated: stock.wms_datetime,
                    aliases: Vec::new(),
                },
            );
        }
        self.stock
            .entry(sku.to_owned())
            .or_default()
            .insert(warehouse_id, stock);
    }

    /// The product of E10.
    pub(crate) fn product_json(&self, sku: &str) -> Option<Value> {
        let product = self.products.get(sku)?;
        let number = |value: Option<Decimal>| {
            value.map_or(Value::Null, |value| {
                serde_json::from_str::<Value>(&value.normalized()).unwrap_or(Value::Null)
            })
        };
        let aliases: Vec<Value> = product
            .aliases
            .iter()
            .map(|(code_type, code)| json!({ "code_type": code_type, "code": code }))
            .collect();
        Some(json!({
            "sku": sku,
            "name": product.name,
            "description": product.description,
            "retail_price": number(product.retail_price),
            "wholesale_price": number(product.wholesale_price),
            "weight_lbs": number(product.weight_lbs),
            "wms_product_main_id": product.wms_product_main_id,
            "last_updated_datetime": clock::zoneless(product.last_updated),
            "aliases": aliases,
        }))
    }

    /// The aliases of `sku` as inventory shows them: a `{code_type: code}` map,
    /// or `[]` when there are none (the PHP backend's empty array).
    pub(crate) fn aliases_json(&self, sku: &str) -> Value {
        let aliases = self.products.get(sku).map(|p| &p.aliases);
        match aliases {
            Some(aliases) if !aliases.is_empty() => Value::Object(
                aliases
                    .iter()
                    .map(|(code_type, code)| (code_type.clone(), Value::String(code.clone())))
                    .collect(),
            ),
            _ => Value::Array(Vec::new()),
        }
    }

    /// Number of SKUs with stock.
    pub(crate) fn inventory_len(&self) -> usize {
        self.stock.len()
    }

    /// One page of the inventory list (E8): numbers as JSON numbers.
    pub(crate) fn inventory_page(&self, skip: usize, take: usize) -> Vec<Value> {
        self.stock
            .iter()
            .skip(skip)
            .take(take)
            .map(|(sku, stock)| self.inventory_json(sku, stock, false))
            .collect()
    }

    /// The single-SKU read (E9): quantities as strings.
    pub(crate) fn inventory_item(&self, sku: &str) -> Option<Value> {
        let stock = self.stock.get(sku)?;
        Some(self.inventory_json(sku, stock, true))
    }

    fn inventory_json(&self, sku: &str, stock: &BTreeMap<u64, Stock>, as_strings: bool) -> Value {
        let qty = |value: i64| {
            if as_strings {
                Value::String(value.to_string())
            } else {
                Value::from(value)
            }
        };
        let on_hand: i64 = stock.values().map(|s| s.qty_on_hand).sum();
        let available: i64 = stock.values().map(|s| s.qty_available).sum();
        let latest = stock.values().map(|s| s.wms_datetime).max();
        let warehouses: Map<String, Value> = stock
            .iter()
            .map(|(id, s)| {
                let entry = json!({
                    "warehouse": s.warehouse,
                    "qty_available": qty(s.qty_available),
                    "qty_on_hand": qty(s.qty_on_hand),
                    "wms_datetime": clock::iso(s.wms_datetime),
                });
                (id.to_string(), entry)
            })
            .collect();
        json!({
            "sku": sku,
            "qty_available": qty(available),
            "qty_on_hand": qty(on_hand),
            "wms_datetime": latest.map(clock::iso),
            "aliases": self.aliases_json(sku),
            "warehouses": if warehouses.is_empty() { json!([]) } else { Value::Object(warehouses) },
        })
    }
}

/// Validates an inventory write body (E18): a non-empty array of
/// `{sku, qty_on_hand, qty_available?, warehouse?, wms_datetime?}`.
pub(crate) fn parse_stock_writes(body: &Value) -> Result<Vec<StockWrite>, String> {
    let entries = body
        .as_array()
        .filter(|entries| !entries.is_empty())
        .ok_or("Body must be a non-empty JSON array of inventory levels")?;
    entries
        .iter()
        .enumerate()
        .map(|(index, entry)| {
            let sku = text(entry.get("sku")).ok_or(format!("[{index}].sku is required"))?;
            let qty_on_hand = integer(entry.get("qty_on_hand"))
                .ok_or(format!("[{index}].qty_on_hand must be an integer"))?;
            let qty_available = match entry.get("qty_available") {
                None | Some(Value::Null) => qty_on_hand,
                Some(value) => integer(Some(value))
                    .ok_or(format!("[{index}].qty_available must be an integer"))?,
            };
            let wms_datetime = match entry.get("wms_datetime") {
                None | Some(Value::Null) => None,
                Some(value) => Some(
                    value
                        .as_str()
                        .and_then(|text| clock::parse_input(text, DayEnd::Start))
                        .ok_or(format!("[{index}].wms_datetime is not a timestamp"))?,
                ),
            };
            Ok(StockWrite {
                sku,
                qty_on_hand,
                qty_available,
                warehouse: text(entry.get("warehouse")),
                wms_datetime,
            })
        })
        .collect()
}

fn integer(value: Option<&Value>) -> Option<i64> {
    match value? {
        Value::Number(number) => number.as_i64(),
        Value::String(text) => text.trim().parse().ok(),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    const AT: OffsetDateTime = datetime!(2024-05-01 10:00:00 UTC);

    fn stock(warehouse: &str, on_hand: i64, available: i64) -> Stock {
        Stock {
            warehouse: warehouse.to_owned(),
            qty_on_hand: on_hand,
            qty_available: available,
            wms_datetime: AT,
        }
    }

    #[test]
    fn list_uses_numbers_and_single_read_strings() {
        let mut catalog = Catalog::default();
        catalog.set_stock("SKU-1", 101, stock("NJ", 42, 40), || 1);
        catalog.set_stock("SKU-1", 102, stock("WEST", 3, 3), || 2);
        let listed = &catalog.inventory_page(0, 10)[0];
        assert_eq!(listed["qty_on_hand"], 45);
        assert_eq!(listed["qty_available"], 43);
        assert_eq!(listed["aliases"], json!([]));
        assert_eq!(listed["warehouses"]["101"]["qty_on_hand"], 42);
        assert_eq!(listed["wms_datetime"], "2024-05-01T10:00:00+00:00");
        let single = catalog.inventory_item("SKU-1").unwrap();
        assert_eq!(single["qty_on_hand"], "45");
        assert_eq!(single["warehouses"]["102"]["qty_available"], "3");
    }

    #[test]
    fn products_keep_aliases_as_array_and_inventory_as_map() {
        let mut catalog = Catalog::default();
        let product = json!({
            "sku": "SKU-1", "name": "Widget", "retail_price": "19.99", "weight_lbs": 1.2,
            "aliases": [ { "code_type": "UPC", "code": "012345678905" } ]
        });
        catalog.upsert_product(&product, || 55012, AT).unwrap();
        let read = catalog.product_json("SKU-1").unwrap();
        assert_eq!(read["retail_price"], json!(19.99));
        assert_eq!(read["wms_product_main_id"], "55012");
        assert_eq!(read["last_updated_datetime"], "2024-05-01 10:00:00");
        assert_eq!(read["aliases"][0]["code"], "012345678905");
        assert_eq!(
            catalog.aliases_json("SKU-1"),
            json!({ "UPC": "012345678905" })
        );
        assert!(
            catalog
                .upsert_product(&json!({ "name": "x" }), || 1, AT)
                .is_err()
        );
    }

    #[test]
    fn stock_writes_are_validated() {
        let body = json!([ { "sku": "SKU-1", "qty_on_hand": 42, "warehouse": "NJ" } ]);
        let writes = parse_stock_writes(&body).unwrap();
        assert_eq!(writes[0].qty_available, 42);
        assert_eq!(writes[0].warehouse.as_deref(), Some("NJ"));
        assert!(parse_stock_writes(&json!([])).is_err());
        assert_eq!(
            parse_stock_writes(&json!([ { "sku": "A" } ])).unwrap_err(),
            "[0].qty_on_hand must be an integer"
        );
    }
}

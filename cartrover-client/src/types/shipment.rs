//! Shipments (tracking) as CartRover reports them, and as a warehouse posts
//! them through the unverified E17b call (spec §8.4).

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::lenient;
use crate::types::Sku;

/// One shipment of an order: carrier, tracking and the cartons' contents.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Shipment {
    /// Carrier, e.g. `UPS`, `USPS`, `FEDEX`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    /// Warehouse ship-method code, e.g. `03` (an E11 `code`).
    #[serde(
        default,
        deserialize_with = "lenient::string::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub method: Option<String>,
    /// Tracking number.
    #[serde(
        default,
        deserialize_with = "lenient::string::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub tracking_no: Option<String>,
    /// Secondary tracking number.
    #[serde(
        default,
        deserialize_with = "lenient::string::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub tracking_no_secondary: Option<String>,
    /// Tracking URL (seen in one third-party client only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking_url: Option<String>,
    /// Ship date.
    #[serde(
        default,
        with = "lenient::dates::timestamp",
        skip_serializing_if = "Option::is_none"
    )]
    pub date: Option<OffsetDateTime>,
    /// SSCC barcode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sscc_barcode: Option<String>,
    /// Bill of lading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bill_of_lading: Option<String>,
    /// Shipping cost.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub total_cost: Option<Decimal>,
    /// Package weight in pounds.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub package_weight_lbs: Option<Decimal>,
    /// Dimensional weight in pounds.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub dim_weight_lbs: Option<Decimal>,
    /// Box length in inches.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub box_length_in: Option<Decimal>,
    /// Box width in inches.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub box_width_in: Option<Decimal>,
    /// Box height in inches.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub box_height_in: Option<Decimal>,
    /// Carrier zone.
    #[serde(
        default,
        deserialize_with = "lenient::string::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub zone: Option<String>,
    /// Delivery surcharge type.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delivery_surcharge_type: Option<String>,
    /// Warehouse location.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub whs_location: Option<String>,
    /// Custom value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_1: Option<String>,
    /// What was shipped, carton by carton. See [`cartons`](Self::cartons).
    #[serde(default, deserialize_with = "lenient::list::deserialize")]
    pub items: Vec<ShipmentItem>,
}

/// A quantity of one SKU in one carton of a [`Shipment`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ShipmentItem {
    /// SKU shipped.
    #[serde(default)]
    pub item: Sku,
    /// Units of that SKU in this carton.
    #[serde(
        default,
        deserialize_with = "lenient::int::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub quantity: Option<i64>,
    /// Carton code.
    #[serde(
        default,
        deserialize_with = "lenient::string::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub carton_code: Option<String>,
    /// Carton number within the shipment, e.g. `"1"`.
    #[serde(
        default,
        deserialize_with = "lenient::string::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub carton_num: Option<String>,
    /// Carton length in inches.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub box_length_in: Option<Decimal>,
    /// Carton width in inches.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub box_width_in: Option<Decimal>,
    /// Carton height in inches.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub box_height_in: Option<Decimal>,
    /// Carton weight in pounds.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub package_weight_lbs: Option<Decimal>,
}

/// The items of one carton, grouped by [`Shipment::cartons`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Carton<'a> {
    /// The carton number (`carton_num`), or `None` for items that name none.
    pub carton_num: Option<&'a str>,
    /// The items packed in it, in the order CartRover listed them.
    pub items: Vec<&'a ShipmentItem>,
}

impl Shipment {
    /// A shipment with a carrier, method and tracking number, for posting
    /// tracking (E17b). Add contents with [`with_item`](Self::with_item).
    pub fn new(
        carrier: impl Into<String>,
        method: impl Into<String>,
        tracking_no: impl Into<String>,
    ) -> Self {
        Self {
            carrier: Some(carrier.into()),
            method: Some(method.into()),
            tracking_no: Some(tracking_no.into()),
            ..Self::default()
        }
    }

    /// Sets the ship date.
    pub fn with_date(mut self, date: OffsetDateTime) -> Self {
        self.date = Some(date);
        self
    }

    /// Adds `quantity` units of `item` in carton `carton_num`.
    pub fn with_item(
        mut self,
        item: impl Into<Sku>,
        quantity: i64,
        carton_num: impl Into<String>,
    ) -> Self {
        self.items.push(ShipmentItem {
            item: item.into(),
            quantity: Some(quantity),
            carton_num: Some(carton_num.into()),
            ..ShipmentItem::default()
        });
        self
    }

    /// The shipment's items grouped by carton, cartons in order of first
    /// appearance. CartRover lists contents flat, one row per SKU and carton.
    pub fn cartons(&self) -> Vec<Carton<'_>> {
        let mut cartons: Vec<Carton<'_>> = Vec::new();
        for item in &self.items {
            let num = item.carton_num.as_deref();
            match cartons.iter_mut().find(|c| c.carton_num == num) {
                Some(carton) => carton.items.push(item),
                None => cartons.push(Carton {
                    carton_num: num,
                    items: vec![item],
                }),
            }
        }
        cartons
    }

    /// Total units across all cartons (items without a quantity count as 0).
    pub fn total_quantity(&self) -> i64 {
        self.items.iter().filter_map(|i| i.quantity).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn items_group_into_cartons_in_order_of_appearance() {
        let shipment = Shipment::new("UPS", "03", "1Z")
            .with_item("A", 2, "1")
            .with_item("B", 1, "2")
            .with_item("C", 3, "1");
        let cartons = shipment.cartons();
        assert_eq!(cartons.len(), 2);
        assert_eq!(cartons[0].carton_num, Some("1"));
        let skus: Vec<&str> = cartons[0].items.iter().map(|i| i.item.as_str()).collect();
        assert_eq!(skus, ["A", "C"]);
        assert_eq!(cartons[1].items.len(), 1);
        assert_eq!(shipment.total_quantity(), 6);
    }

    #[test]
    fn reads_string_numbers_and_writes_back_the_posted_shape() {
        let json = serde_json::json!({
            "carrier": "UPS", "method": "03", "tracking_no": "1Z999AA10123456784",
            "date": "2024-05-02T18:30:00+00:00", "package_weight_lbs": "1.20",
            "items": [{"item": "SKU-1", "quantity": "2", "carton_num": 1}]
        });
        let shipment: Shipment = serde_json::from_value(json).unwrap();
        assert_eq!(shipment.items[0].quantity, Some(2));
        assert_eq!(shipment.items[0].carton_num.as_deref(), Some("1"));
        let back = serde_json::to_value(&shipment).unwrap();
        assert_eq!(back["date"], "2024-05-02T18:30:00+00:00");
        assert_eq!(back["package_weight_lbs"], "1.20");
        assert_eq!(back["items"][0]["quantity"], 2);
    }
}

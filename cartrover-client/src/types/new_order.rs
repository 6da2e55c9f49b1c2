//! The order a cart pushes into CartRover (E1 create, E2 batch; spec §8.1).

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::Date;

use crate::lenient;
use crate::types::{BillTo, CustRef, ShipTo, Sku};

/// An order to create. Build it with struct-update syntax:
///
/// ```
/// use cartrover_client::{NewOrder, NewOrderLine, ShipTo};
///
/// let order = NewOrder {
///     cust_ref: "BL-10045".into(),
///     cust_po_no: Some("WEB-10045".into()),
///     ship_to: ShipTo {
///         first_name: Some("Ada".into()),
///         last_name: Some("Lee".into()),
///         address_1: Some("1 Main St".into()),
///         city: Some("Secaucus".into()),
///         state: Some("NJ".into()),
///         zip: Some("07094".into()),
///         country: Some("US".into()),
///         ..ShipTo::default()
///     },
///     items: vec![NewOrderLine::new("SKU-1", 2)],
///     ..NewOrder::default()
/// };
/// assert!(order.validate().is_ok());
/// ```
///
/// Money is sent as decimal strings (`"9.50"`), which CartRover accepts for
/// every amount (spec §2.8); flags go out as `"Y"`/`"N"`. Fields this struct
/// does not name (the legacy payment, fraud and OMS fields of §8.1) can be
/// sent through [`extra`](Self::extra).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewOrder {
    /// Merchant-unique order key, used in every later path. Required.
    pub cust_ref: CustRef,
    /// The full order or PO number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cust_po_no: Option<String>,
    /// Order date; CartRover defaults it to today.
    #[serde(
        default,
        with = "lenient::dates::date",
        skip_serializing_if = "Option::is_none"
    )]
    pub order_date: Option<Date>,
    /// The order source (cart) name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub order_source: Option<String>,
    /// The cart's customer id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customer_id: Option<String>,
    /// Requested ship date.
    #[serde(
        default,
        with = "lenient::dates::date",
        skip_serializing_if = "Option::is_none"
    )]
    pub requested_ship_date: Option<Date>,
    /// Expected delivery date.
    #[serde(
        default,
        with = "lenient::dates::date",
        skip_serializing_if = "Option::is_none"
    )]
    pub expected_delivery_date: Option<Date>,
    /// Ship-to address (`ship_*`).
    #[serde(flatten)]
    pub ship_to: ShipTo,
    /// Customer / bill-to address (`cust_*`).
    #[serde(flatten)]
    pub bill_to: BillTo,
    /// Cart ship code, mapped by CartRover to a warehouse ship code (spec §10.3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_code: Option<String>,
    /// Description of the ship code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_code_description: Option<String>,
    /// Carrier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub carrier: Option<String>,
    /// Third-party carrier account number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_account_no: Option<String>,
    /// ZIP code of that carrier account.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ship_account_zip: Option<String>,
    /// Free-text shipping instructions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shipping_instructions: Option<String>,
    /// Special services.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub special_services: Option<String>,
    /// Order weight.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub weight: Option<Decimal>,
    /// Gift message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gift_message: Option<String>,
    /// Gift wrap (`Y`/`N`).
    #[serde(
        default,
        with = "lenient::yes_no",
        skip_serializing_if = "Option::is_none"
    )]
    pub gift_wrap: Option<bool>,
    /// Routing switch (`Y`/`N`).
    #[serde(
        default,
        with = "lenient::yes_no",
        skip_serializing_if = "Option::is_none"
    )]
    pub routing_sw: Option<bool>,
    /// Sum of the lines' `extended_amount` (no tax, discount or shipping).
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub sub_total: Option<Decimal>,
    /// Total discount after tax, positive.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub order_discount: Option<Decimal>,
    /// Shipping charge.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub shipping_handling: Option<Decimal>,
    /// Total tax; equals the sum of the lines' `tax` when they carry one.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub sales_tax: Option<Decimal>,
    /// `sub_total + sales_tax + shipping_handling − order_discount`.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub grand_total: Option<Decimal>,
    /// Not used by CartRover; send 0 or omit.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub balance: Option<Decimal>,
    /// Currency code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency_code: Option<String>,
    /// Tax exempt (`Y`/`N`).
    #[serde(
        default,
        with = "lenient::yes_no",
        skip_serializing_if = "Option::is_none"
    )]
    pub tax_exempt_sw: Option<bool>,
    /// Promotion code.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub promo_code: Option<String>,
    /// Prepaid order (`Y`/`N`).
    #[serde(
        default,
        with = "lenient::yes_no",
        skip_serializing_if = "Option::is_none"
    )]
    pub prepaid_order: Option<bool>,
    /// `custom_field_1`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_field_1: Option<String>,
    /// `custom_field_2`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_field_2: Option<String>,
    /// `custom_field_3`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_field_3: Option<String>,
    /// `custom_field_4`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_field_4: Option<String>,
    /// `custom_field_5`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub custom_field_5: Option<String>,
    /// Free-form `name → value` pairs.
    #[serde(
        default,
        deserialize_with = "lenient::map::deserialize",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub extra_fields: BTreeMap<String, serde_json::Value>,
    /// The order lines. At least one is required.
    #[serde(default)]
    pub items: Vec<NewOrderLine>,
    /// Any other wire field, sent as given (legacy payment, fraud and OMS fields).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// One line of a [`NewOrder`].
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct NewOrderLine {
    /// The SKU; it must match the warehouse SKU or one of its aliases. Required.
    pub item: Sku,
    /// Units ordered. Required, and positive.
    #[serde(deserialize_with = "deserialize_quantity")]
    pub quantity: i64,
    /// Unit price, without tax, discount or shipping.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub price: Option<Decimal>,
    /// `(price − discount) × quantity`.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub extended_amount: Option<Decimal>,
    /// Discount per unit, before tax, positive.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub discount: Option<Decimal>,
    /// Discount for the whole line, after tax, positive.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub addl_discount: Option<Decimal>,
    /// Tax for the whole line.
    #[serde(
        default,
        with = "lenient::decimal",
        skip_serializing_if = "Option::is_none"
    )]
    pub tax: Option<Decimal>,
    /// Extra shipping for this line. Always sent as `shipping_surcharge` (one
    /// third-party client spells it `shipping_subcharge`, which is read too).
    #[serde(
        default,
        with = "lenient::decimal",
        alias = "shipping_subcharge",
        skip_serializing_if = "Option::is_none"
    )]
    pub shipping_surcharge: Option<Decimal>,
    /// Line number.
    #[serde(
        default,
        deserialize_with = "lenient::int::deserialize",
        skip_serializing_if = "Option::is_none"
    )]
    pub line_no: Option<i64>,
    /// Line description (lower-case `description` in requests).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    /// Line comment.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_comment: Option<String>,
    /// Lot number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lot_number: Option<String>,
    /// The source cart's line id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub line_item_id: Option<String>,
    /// Free-form `name → value` pairs.
    #[serde(
        default,
        deserialize_with = "lenient::map::deserialize",
        skip_serializing_if = "BTreeMap::is_empty"
    )]
    pub extra_fields: BTreeMap<String, serde_json::Value>,
}

impl NewOrderLine {
    /// A line of `quantity` units of `item`, without prices.
    pub fn new(item: impl Into<Sku>, quantity: i64) -> Self {
        Self {
            item: item.into(),
            quantity,
            ..Self::default()
        }
    }
}

fn deserialize_quantity<'de, D: serde::Deserializer<'de>>(d: D) -> Result<i64, D::Error> {
    Ok(lenient::int::deserialize(d)?.unwrap_or_default())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use std::str::FromStr;

    #[test]
    fn the_misspelt_surcharge_is_read_but_the_documented_name_is_sent() {
        let line: NewOrderLine = serde_json::from_value(
            json!({"item": "SKU-1", "quantity": "2", "shipping_subcharge": 1.5}),
        )
        .unwrap();
        assert_eq!(
            line.shipping_surcharge,
            Some(Decimal::from_str("1.5").unwrap())
        );
        let wire = serde_json::to_value(&line).unwrap();
        assert_eq!(wire["shipping_surcharge"], "1.5");
        assert!(wire.get("shipping_subcharge").is_none());
    }

    #[test]
    fn serializes_flat_wire_fields_with_y_n_flags_and_string_amounts() {
        let order = NewOrder {
            cust_ref: "BL-1".into(),
            ship_to: ShipTo {
                first_name: Some("Ada".into()),
                city: Some("Secaucus".into()),
                is_billing: Some(true),
                ..ShipTo::default()
            },
            gift_wrap: Some(false),
            order_date: Some(time::macros::date!(2024 - 05 - 01)),
            items: vec![NewOrderLine {
                price: Some(Decimal::from_str("9.50").unwrap()),
                description: Some("Widget".into()),
                ..NewOrderLine::new("SKU-1", 2)
            }],
            ..NewOrder::default()
        };
        let wire = serde_json::to_value(&order).unwrap();
        assert_eq!(
            wire,
            json!({
                "cust_ref": "BL-1",
                "order_date": "2024-05-01",
                "ship_first_name": "Ada",
                "ship_city": "Secaucus",
                "ship_is_billing": true,
                "gift_wrap": "N",
                "items": [{"item": "SKU-1", "quantity": 2, "price": "9.50", "description": "Widget"}]
            })
        );
    }
}

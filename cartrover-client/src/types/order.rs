//! Orders as CartRover returns them: the full view (E3), list rows (E5) and
//! the status-with-tracking read (E4). Spec §8.2–§8.3, §5.4.

use std::collections::BTreeMap;

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

use crate::lenient;
use crate::types::{BillTo, CustRef, OrderStatus, ShipTo, Shipment, Sku};

/// An order read back from CartRover (view E3 or list E5).
///
/// Numbers arrive as strings and are decoded leniently; nearly every field may
/// be `null`, so nearly every field is an `Option`. Fields this version does not
/// model are kept in [`extra`](Self::extra).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Order {
    /// Order key.
    #[serde(default)]
    pub cust_ref: CustRef,
    /// Full order / PO number.
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub cust_po_no: Option<String>,
    /// The key before CartRover shortened or changed it (list rows).
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub cust_ref_original: Option<String>,
    /// The order number before CartRover changed it (list rows).
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub cust_po_no_original: Option<String>,
    /// Status. Present in list rows; the view omits it (use the status read, E4).
    #[serde(default)]
    pub order_status: Option<OrderStatus>,
    /// Order date.
    #[serde(default, with = "lenient::dates::date")]
    pub order_date: Option<Date>,
    /// Order source (cart) name.
    #[serde(default)]
    pub order_source: Option<String>,
    /// The cart's customer id.
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub customer_id: Option<String>,
    /// Ship-to address.
    #[serde(flatten)]
    pub ship_to: ShipTo,
    /// Customer / bill-to address.
    #[serde(flatten)]
    pub bill_to: BillTo,
    /// Cart ship code.
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub ship_code: Option<String>,
    /// Ship code after mapping to the warehouse (meaning unconfirmed, §13 Q9).
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub working_ship_code: Option<String>,
    /// Description of the cart ship code.
    #[serde(default)]
    pub ship_code_description: Option<String>,
    /// Carrier.
    #[serde(default)]
    pub carrier: Option<String>,
    /// Gift message.
    #[serde(default)]
    pub gift_message: Option<String>,
    /// Gift wrap.
    #[serde(default, with = "lenient::yes_no")]
    pub gift_wrap: Option<bool>,
    /// Shipping instructions.
    #[serde(default)]
    pub shipping_instructions: Option<String>,
    /// Sum of the lines' extended amounts.
    #[serde(default, with = "lenient::decimal")]
    pub sub_total: Option<Decimal>,
    /// Total discount.
    #[serde(default, with = "lenient::decimal")]
    pub order_discount: Option<Decimal>,
    /// Shipping charge.
    #[serde(default, with = "lenient::decimal")]
    pub shipping_handling: Option<Decimal>,
    /// Total tax.
    #[serde(default, with = "lenient::decimal")]
    pub sales_tax: Option<Decimal>,
    /// Grand total.
    #[serde(default, with = "lenient::decimal")]
    pub grand_total: Option<Decimal>,
    /// Not used by CartRover (usually 0).
    #[serde(default, with = "lenient::decimal")]
    pub balance: Option<Decimal>,
    /// Currency code.
    #[serde(default)]
    pub currency_code: Option<String>,
    /// Promotion code.
    #[serde(default)]
    pub promo_code: Option<String>,
    /// When the order was created in CartRover.
    #[serde(default, with = "lenient::dates::timestamp")]
    pub created_date_time: Option<OffsetDateTime>,
    /// When it last changed.
    #[serde(default, with = "lenient::dates::timestamp")]
    pub updated_date_time: Option<OffsetDateTime>,
    /// When CartRover delivered it to the warehouse.
    #[serde(default, with = "lenient::dates::timestamp")]
    pub delivered_to_wms_date: Option<OffsetDateTime>,
    /// When it was canceled.
    #[serde(default, with = "lenient::dates::timestamp")]
    pub cancel_date: Option<OffsetDateTime>,
    /// Latest ship date (view only).
    #[serde(default, with = "lenient::dates::date")]
    pub latest_ship_date: Option<Date>,
    /// "Cancel Sending": the order stays `new` but will not go to the warehouse.
    #[serde(default, with = "lenient::yes_no")]
    pub sending_canceled: Option<bool>,
    /// On hold.
    #[serde(default, with = "lenient::yes_no")]
    pub on_hold: Option<bool>,
    /// Why the order is in `error`: a free string, unrelated to the API error
    /// codes of [`ErrorCode`](crate::ErrorCode).
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub error_code: Option<String>,
    /// Error message for an order in `error`.
    #[serde(default)]
    pub error_msg: Option<String>,
    /// Error reason for an order in `error`.
    #[serde(default)]
    pub error_reason: Option<String>,
    /// Failed deliveries to the warehouse.
    #[serde(default, deserialize_with = "lenient::int::deserialize")]
    pub num_failed_sends: Option<i64>,
    /// Units ordered (list rows).
    #[serde(default, deserialize_with = "lenient::int::deserialize")]
    pub total_qty: Option<i64>,
    /// Units still to ship (list rows). May be negative.
    #[serde(default, deserialize_with = "lenient::int::deserialize")]
    pub num_to_ship: Option<i64>,
    /// Units shipped (list rows).
    #[serde(default, deserialize_with = "lenient::int::deserialize")]
    pub num_shipped: Option<i64>,
    /// Free-form `name → value` pairs (`[]` when empty on the wire).
    #[serde(default, deserialize_with = "lenient::map::deserialize")]
    pub extra_fields: BTreeMap<String, serde_json::Value>,
    /// Order lines.
    #[serde(default, deserialize_with = "lenient::list::deserialize")]
    pub items: Vec<OrderLine>,
    /// Shipments with tracking (`[]` before shipping).
    #[serde(default, deserialize_with = "lenient::list::deserialize")]
    pub shipments: Vec<Shipment>,
    /// Every other field, kept verbatim (internal, audit and routing fields).
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// A line of an [`Order`] as read back.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrderLine {
    /// Line number.
    #[serde(default, deserialize_with = "lenient::int::deserialize")]
    pub line_no: Option<i64>,
    /// SKU.
    #[serde(default)]
    pub item: Sku,
    /// Units ordered.
    #[serde(default, deserialize_with = "lenient::int::deserialize")]
    pub quantity: Option<i64>,
    /// Unit price (4 decimal places on the wire).
    #[serde(default, with = "lenient::decimal")]
    pub price: Option<Decimal>,
    /// Discount per unit.
    #[serde(default, with = "lenient::decimal")]
    pub discount: Option<Decimal>,
    /// Discount for the line.
    #[serde(default, with = "lenient::decimal")]
    pub addl_discount: Option<Decimal>,
    /// `(price − discount) × quantity` (2 decimal places on the wire).
    #[serde(default, with = "lenient::decimal")]
    pub extended_amount: Option<Decimal>,
    /// Tax for the line.
    #[serde(default, with = "lenient::decimal")]
    pub tax: Option<Decimal>,
    /// Extra shipping for the line.
    #[serde(default, with = "lenient::decimal", alias = "shipping_subcharge")]
    pub shipping_surcharge: Option<Decimal>,
    /// Description. Capitalised `Description` in responses; lower-case
    /// `description` is read too.
    #[serde(default, rename = "Description", alias = "description")]
    pub description: Option<String>,
    /// Lot number.
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub lot_number: Option<String>,
    /// The source cart's line id.
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub line_item_id: Option<String>,
    /// Line comment.
    #[serde(default)]
    pub line_comment: Option<String>,
    /// Alternative SKU (view only).
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub alt_sku: Option<String>,
    /// The line was filtered out (e.g. not shippable).
    #[serde(default, with = "lenient::yes_no")]
    pub filtered_sku: Option<bool>,
    /// Line location.
    #[serde(default)]
    pub line_location: Option<String>,
    /// Free-form `name → value` pairs.
    #[serde(default, deserialize_with = "lenient::map::deserialize")]
    pub extra_fields: BTreeMap<String, serde_json::Value>,
    /// Every other field, kept verbatim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

/// The status read (E4): where the order is and what shipped.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct OrderStatusInfo {
    /// Order key.
    #[serde(default)]
    pub cust_ref: CustRef,
    /// Full order / PO number.
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub cust_po_no: Option<String>,
    /// Current status.
    #[serde(default)]
    pub order_status: Option<OrderStatus>,
    /// When CartRover delivered the order to the warehouse.
    #[serde(default, with = "lenient::dates::timestamp")]
    pub delivered_to_wms_date: Option<OffsetDateTime>,
    /// Last change.
    #[serde(default, with = "lenient::dates::timestamp")]
    pub updated_date_time: Option<OffsetDateTime>,
    /// Ship-to country.
    #[serde(default)]
    pub ship_country: Option<String>,
    /// Shipments with tracking.
    #[serde(default, deserialize_with = "lenient::list::deserialize")]
    pub shipments: Vec<Shipment>,
    /// Every other field, kept verbatim.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl OrderStatusInfo {
    /// Every tracking number of the order, in shipment order.
    pub fn tracking_numbers(&self) -> impl Iterator<Item = &str> {
        self.shipments
            .iter()
            .filter_map(|s| s.tracking_no.as_deref())
    }
}

//! Rows of the Advanced Shipping Notice report.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::enums::{LabelStatus, ReturnOutcome, ReturnState};
use crate::ids::{AsnRowId, DestinationId, LineItemId, OrderId};

/// One row of the ASN report: one returned line item with its order, return
/// and label data.
///
/// Loop documents no nullability for the report, so every field is optional.
/// Whether `id` is unique across a report is not stated; key rows on
/// `(id, return_line_item_id)` when deduplicating.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AsnRow {
    /// Row id (an integer on the wire).
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub id: Option<AsnRowId>,
    /// The Loop return line item (a string on the wire).
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub return_line_item_id: Option<LineItemId>,
    /// Order id.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub order_id: Option<OrderId>,
    /// Order name.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub order_name: Option<String>,
    /// Order number.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub order_number: Option<String>,
    /// Order number at Shopify or another provider.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub provider_order_number: Option<String>,
    /// Return state.
    #[serde(default)]
    pub state: Option<ReturnState>,
    /// Customer email.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub customer_email: Option<String>,
    /// Product name.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub title: Option<String>,
    /// Purchase price.
    #[serde(default, with = "crate::money::option")]
    pub purchase_price: Option<Decimal>,
    /// SKU.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub sku: Option<String>,
    /// Barcode; `""` reads as `None`.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub barcode: Option<String>,
    /// Carrier; `"N/A"` reads as `None`.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub carrier: Option<String>,
    /// Shipping service.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub service: Option<String>,
    /// Delivery status of the label.
    #[serde(default)]
    pub label_status: Option<LabelStatus>,
    /// Tracking number; `"N/A"` reads as `None`.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub tracking_number: Option<String>,
    /// Link to the tracking details.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub integration_tracking_url: Option<String>,
    /// Restock status (value set undocumented).
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub restock_status: Option<String>,
    /// The store's default currency.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub currency: Option<String>,
    /// Last label update.
    #[serde(default, with = "crate::timestamp::option")]
    pub label_updated_at: Option<OffsetDateTime>,
    /// Label URL.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub label_url: Option<String>,
    /// Price paid for the label (a decimal string here, unlike `labels[].rate`).
    #[serde(default, with = "crate::money::option")]
    pub label_rate: Option<Decimal>,
    /// When the return was closed.
    #[serde(default, with = "crate::timestamp::option")]
    pub closed_at: Option<OffsetDateTime>,
    /// Last update.
    #[serde(default, with = "crate::timestamp::option")]
    pub updated_at: Option<OffsetDateTime>,
    /// Creation time.
    #[serde(default, with = "crate::timestamp::option")]
    pub created_at: Option<OffsetDateTime>,
    /// Return reason.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub return_reason: Option<String>,
    /// How the return was actioned.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub actioned_by: Option<String>,
    /// Return method.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub return_method: Option<String>,
    /// RMA code of the return method.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub return_method_rma_code: Option<String>,
    /// State of the return method (value set undocumented).
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub return_method_state: Option<String>,
    /// Delivery date, as sent (its format is undocumented).
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub date_delivered: Option<String>,
    /// Outcome of the return.
    #[serde(default)]
    pub outcome: Option<ReturnOutcome>,
    /// Scannable id.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub scannable_id: Option<String>,
    /// Package reference.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub package_reference: Option<String>,
    /// Barcode of the shipping box.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub shipping_box_barcode: Option<String>,
    /// When the provider created the order.
    #[serde(default, with = "crate::timestamp::option")]
    pub provider_created_at: Option<OffsetDateTime>,
    /// Destination (warehouse) id.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub destination_id: Option<DestinationId>,
    /// Destination name.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub destination_name: Option<String>,
    /// Destination address, first line.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub destination_address1: Option<String>,
    /// Destination address, second line.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub destination_address2: Option<String>,
    /// Destination city.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub destination_city: Option<String>,
    /// Destination state.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub destination_state: Option<String>,
    /// Destination postal code.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub destination_zip: Option<String>,
    /// Consolidation tracking number (third-party).
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub consolidation_tracking: Option<String>,
    /// Every field this crate does not model, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

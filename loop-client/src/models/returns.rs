//! The Return object and its parts, as the Detailed Returns List, Get Return
//! Details and the Return webhook send them.
//!
//! One type serves the three surfaces. Only the return's `id` and each line
//! item's `line_item_id` are required; every other field is an `Option` (or an
//! empty list) because Loop promises little about presence and nullability
//! (spec open question 6). Fields Loop adds later, or that this crate does not
//! model, are kept in `extra`.
//!
//! The structs are `#[non_exhaustive]` so new fields are not breaking changes;
//! build them in tests with `Default` and field assignment:
//!
//! ```
//! use loop_client::{Return, ReturnId, ReturnState};
//!
//! let mut ret = Return::default();
//! ret.id = ReturnId::from(40211877);
//! ret.state = Some(ReturnState::Open);
//! ```

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::enums::{
    ConditionCategory, DispositionOutcome, LabelStatus, ReturnMethodState, ReturnOutcome,
    ReturnState, ReturnType,
};
use crate::ids::{
    DestinationId, ExchangeId, LineItemId, OrderId, ProductId, ProviderLineItemId, ProviderOrderId,
    ReturnId, VariantId,
};

/// A Loop return.
///
/// Columns of the spec's field table: L = Detailed Returns List, D = Get Return
/// Details, W = Return webhook. Field docs say where a field is documented;
/// fields marked "third-party" are seen only in third-party integrations.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Return {
    /// Loop return id (L string, D / W integer).
    pub id: ReturnId,
    /// State (L, D, W).
    #[serde(default)]
    pub state: Option<ReturnState>,
    /// Creation time (D sends `YYYY-MM-DD HH:MM:SS`, read as UTC).
    #[serde(default, with = "crate::timestamp::option")]
    pub created_at: Option<OffsetDateTime>,
    /// Last update (L, D).
    #[serde(default, with = "crate::timestamp::option")]
    pub updated_at: Option<OffsetDateTime>,
    /// Last edit; `null` until the return has been edited.
    #[serde(default, with = "crate::timestamp::option")]
    pub edited_at: Option<OffsetDateTime>,
    /// The return's total value.
    #[serde(default, with = "crate::money::option")]
    pub total: Option<Decimal>,
    /// Outcome of the return as a whole (L).
    #[serde(default)]
    pub outcome: Option<ReturnOutcome>,
    /// Loop order id (not the Shopify id).
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub order_id: Option<OrderId>,
    /// Shopify order name, e.g. `#10452`.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub order_name: Option<String>,
    /// Order number.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub order_number: Option<String>,
    /// Shopify order id.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub provider_order_id: Option<ProviderOrderId>,
    /// Shopify order number.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub provider_order_number: Option<String>,
    /// The order's external Shopify id (W).
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub provider_order_external_id: Option<String>,
    /// Name of the sales channel the order was placed in, e.g. "Online Store".
    ///
    /// Documented for the Return webhook only; whether the list and details
    /// responses carry it is unconfirmed (spec open question 1), so expect
    /// `None` there.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub provider_order_sales_channel: Option<String>,
    /// Customer email.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub customer: Option<String>,
    /// Customer name and email (W).
    #[serde(default)]
    pub customer_detail: Option<CustomerDetail>,
    /// The customer's shipping address, or the gift-return address (W).
    #[serde(default)]
    pub address: Option<Address>,
    /// Country of the customer's shipping address (L).
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub origin_country: Option<String>,
    /// ISO 3166 alpha-2 code of that country (L).
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub origin_country_code: Option<String>,
    /// Paid through Shopify Payments in a currency other than the shop's.
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    pub multi_currency: Option<bool>,
    /// The store's currency at the time of the order.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub currency: Option<String>,
    /// Value of the returned products.
    #[serde(default, with = "crate::money::option")]
    pub return_product_total: Option<Decimal>,
    /// Discounts on the returned products.
    #[serde(default, with = "crate::money::option")]
    pub return_discount_total: Option<Decimal>,
    /// Tax on the returned products.
    #[serde(default, with = "crate::money::option")]
    pub return_tax_total: Option<Decimal>,
    /// Total of the returned products.
    #[serde(default, with = "crate::money::option")]
    pub return_total: Option<Decimal>,
    /// Credit for the returned products.
    #[serde(default, with = "crate::money::option")]
    pub return_credit_total: Option<Decimal>,
    /// Value of the exchange products.
    #[serde(default, with = "crate::money::option")]
    pub exchange_product_total: Option<Decimal>,
    /// Discounts on the exchange products.
    #[serde(default, with = "crate::money::option")]
    pub exchange_discount_total: Option<Decimal>,
    /// Tax on the exchange products.
    #[serde(default, with = "crate::money::option")]
    pub exchange_tax_total: Option<Decimal>,
    /// Total of the exchange products.
    #[serde(default, with = "crate::money::option")]
    pub exchange_total: Option<Decimal>,
    /// Credit used for the exchange.
    #[serde(default, with = "crate::money::option")]
    pub exchange_credit_total: Option<Decimal>,
    /// Gift-card amount.
    #[serde(default, with = "crate::money::option")]
    pub gift_card: Option<Decimal>,
    /// Name of the gift-card order (L, D).
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub gift_card_order_name: Option<String>,
    /// Id of the gift-card order (L, D).
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub gift_card_order_id: Option<String>,
    /// Handling fee.
    #[serde(default, with = "crate::money::option")]
    pub handling_fee: Option<Decimal>,
    /// Refund amount.
    #[serde(default, with = "crate::money::option")]
    pub refund: Option<Decimal>,
    /// Upsell amount.
    #[serde(default, with = "crate::money::option")]
    pub upsell: Option<Decimal>,
    /// Refunds issued (D, W).
    #[serde(default, deserialize_with = "crate::de::vec_or_null")]
    pub refunds: Vec<Refund>,
    /// Name of the exchange order created in Shopify (D).
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub exchange_order_name: Option<String>,
    /// Id of the exchange order created in Shopify (D).
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub exchange_order_id: Option<String>,
    /// Customer-facing status page.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub status_page_url: Option<String>,
    /// Whether this is a gift return (W).
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    pub is_gift_return: Option<bool>,
    /// The items being sent back. Loop lists one line per returned unit: no
    /// quantity field is documented on return line items.
    #[serde(default, deserialize_with = "crate::de::vec_or_null")]
    pub line_items: Vec<LineItem>,
    /// Exchange items (third-party: list responses).
    #[serde(default, deserialize_with = "crate::de::vec_or_null")]
    pub exchanges: Vec<Exchange>,
    /// Shipping labels, each naming the line items it carries (W; list per
    /// third-party sources).
    #[serde(default, deserialize_with = "crate::de::vec_or_null")]
    pub labels: Vec<Label>,
    /// Carrier of the primary label; `"N/A"` (read as `None`) until assigned.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub carrier: Option<String>,
    /// Tracking number of the primary label; `"N/A"` (read as `None`) until assigned.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub tracking_number: Option<String>,
    /// Status of the primary label.
    #[serde(default)]
    pub label_status: Option<LabelStatus>,
    /// URL of the primary label.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub label_url: Option<String>,
    /// Price of the primary label.
    #[serde(default, with = "crate::money::option")]
    pub label_rate: Option<Decimal>,
    /// Last update of the primary label.
    #[serde(default, with = "crate::timestamp::option")]
    pub label_updated_at: Option<OffsetDateTime>,
    /// Loop destination (warehouse) the return is routed to (third-party: list).
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub destination_id: Option<DestinationId>,
    /// Happy Returns shipment id (W).
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub happy_returns_shipment_id: Option<String>,
    /// How the return travels back (third-party: list).
    #[serde(default)]
    pub return_method: Option<ReturnMethod>,
    /// Package reference (third-party: list).
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub package_reference: Option<String>,
    /// Standard return or warranty claim (third-party: list).
    #[serde(default, rename = "type")]
    pub return_type: Option<ReturnType>,
    /// Every field this crate does not model, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Return {
    /// The line item with the given Loop line-item id.
    pub fn line_item(&self, id: &LineItemId) -> Option<&LineItem> {
        self.line_items.iter().find(|item| &item.line_item_id == id)
    }
}

/// One returned line item. Loop lists one line per returned unit.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LineItem {
    /// Loop return-line-item id: the id Remove Line Items and grading take.
    pub line_item_id: LineItemId,
    /// Shopify line-item id.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub provider_line_item_id: Option<ProviderLineItemId>,
    /// Shopify product id.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub product_id: Option<ProductId>,
    /// Shopify variant id.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub variant_id: Option<VariantId>,
    /// SKU.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub sku: Option<String>,
    /// Barcode (UPC / EAN); Loop sends `""` when there is none, read as `None`.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub barcode: Option<String>,
    /// Product title.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub title: Option<String>,
    /// Line-item title (D).
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub line_item_title: Option<String>,
    /// Variant title (D).
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub variant_title: Option<String>,
    /// Image URL (D).
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub image: Option<String>,
    /// Price.
    #[serde(default, with = "crate::money::option")]
    pub price: Option<Decimal>,
    /// Discount.
    #[serde(default, with = "crate::money::option")]
    pub discount: Option<Decimal>,
    /// Tax.
    #[serde(default, with = "crate::money::option")]
    pub tax: Option<Decimal>,
    /// Refund.
    #[serde(default, with = "crate::money::option")]
    pub refund: Option<Decimal>,
    /// Refund of the item (L).
    #[serde(default, with = "crate::money::option")]
    pub refund_item: Option<Decimal>,
    /// Refund of the tax (L).
    #[serde(default, with = "crate::money::option")]
    pub refund_tax: Option<Decimal>,
    /// When the item was added to the return.
    #[serde(default, with = "crate::timestamp::option")]
    pub returned_at: Option<OffsetDateTime>,
    /// Variant chosen in exchange; `None` when the item is not exchanged
    /// (Loop sends an empty value).
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub exchange_variant: Option<VariantId>,
    /// Return reason, e.g. "Too small".
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub return_reason: Option<String>,
    /// Parent reason, e.g. "Fit".
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub parent_return_reason: Option<String>,
    /// The customer's comment.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub return_comment: Option<String>,
    /// Line-item outcome; Loop's example is `default`, the value set is undocumented.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub outcome: Option<String>,
    /// Shopify location the item restocks to.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub provider_restock_location_id: Option<String>,
    /// Consolidation tracking number.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub consolidation_tracking: Option<String>,
    /// Consolidation destination.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub consolidation_destination_id: Option<String>,
    /// Condition recorded by Grade Items (third-party schemas).
    #[serde(default)]
    pub condition: Option<RecordedCondition>,
    /// Disposition recorded by Assess Dispositions (third-party schemas).
    #[serde(default)]
    pub disposition: Option<RecordedDisposition>,
    /// Every field this crate does not model, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A shipping label of a return.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Label {
    /// Carrier status.
    #[serde(default)]
    pub status: Option<LabelStatus>,
    /// Last status change.
    #[serde(default, with = "crate::timestamp::option")]
    pub updated_at: Option<OffsetDateTime>,
    /// Label PDF URL.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub url: Option<String>,
    /// Price of the label. Loop's example is an integer (`1093`), probably in
    /// cents — unconfirmed, so the number is kept as sent.
    #[serde(default, with = "crate::money::option")]
    pub rate: Option<Decimal>,
    /// Carrier; `None` for Loop's `"N/A"`.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub carrier: Option<String>,
    /// Tracking number; `None` for Loop's `"N/A"`.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub tracking_number: Option<String>,
    /// The Loop line items travelling under this label.
    #[serde(default, deserialize_with = "crate::de::vec_or_null")]
    pub line_items: Vec<LineItemId>,
}

/// An exchange item (documented by third-party sources only).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Exchange {
    /// Exchange id.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub exchange_id: Option<ExchangeId>,
    /// Shopify product id.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub product_id: Option<ProductId>,
    /// Shopify variant id.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub variant_id: Option<VariantId>,
    /// SKU.
    #[serde(default, deserialize_with = "crate::de::opt_present_text")]
    pub sku: Option<String>,
    /// Title.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub title: Option<String>,
    /// Price.
    #[serde(default, with = "crate::money::option")]
    pub price: Option<Decimal>,
    /// Discount.
    #[serde(default, with = "crate::money::option")]
    pub discount: Option<Decimal>,
    /// Tax.
    #[serde(default, with = "crate::money::option")]
    pub tax: Option<Decimal>,
    /// Total.
    #[serde(default, with = "crate::money::option")]
    pub total: Option<Decimal>,
    /// Exchange order id.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub exchange_order_id: Option<String>,
    /// Exchange order name.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub exchange_order_name: Option<String>,
    /// Whether the exchange item is out of stock.
    #[serde(default, deserialize_with = "crate::de::opt_bool")]
    pub out_of_stock: Option<bool>,
    /// Every field this crate does not model, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A refund issued for a return.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Refund {
    /// Payment gateway.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub gateway: Option<String>,
    /// Amount (a string in D, a number in W).
    #[serde(default, with = "crate::money::option")]
    pub amount: Option<Decimal>,
    /// Currency.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub currency: Option<String>,
    /// Refund id at the provider.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub provider_refund_id: Option<String>,
    /// Provider.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub provider: Option<String>,
}

/// The customer's name and email (Return webhook).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct CustomerDetail {
    /// Email.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub email: Option<String>,
    /// First name.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub first_name: Option<String>,
    /// Middle name.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub middle_name: Option<String>,
    /// Last name.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub last_name: Option<String>,
}

/// A postal address.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Address {
    /// Recipient name.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub name: Option<String>,
    /// Company.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub company: Option<String>,
    /// First address line.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub address1: Option<String>,
    /// Second address line.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub address2: Option<String>,
    /// City.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub city: Option<String>,
    /// State or province.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub state: Option<String>,
    /// Postal code.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub zip: Option<String>,
    /// Country name.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub country: Option<String>,
    /// ISO 3166 alpha-2 country code.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub country_code: Option<String>,
    /// Phone number.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub phone: Option<String>,
}

/// How a return travels back (third-party: PostHog's connector).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReturnMethod {
    /// Provider of the method (carrier, drop-off network, …).
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub provider: Option<String>,
    /// Kind of method.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub method_type: Option<String>,
    /// Shipping state of the method.
    #[serde(default)]
    pub state: Option<ReturnMethodState>,
    /// Every field this crate does not model (the address, …), as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The condition a line item was graded with (as read back on the line item).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedCondition {
    /// Description of the condition.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub description: Option<String>,
    /// Grade.
    #[serde(default)]
    pub condition_category: Option<ConditionCategory>,
    /// Who inspected the item.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub return_processor: Option<String>,
    /// Free-text note.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub note: Option<String>,
    /// When the item was inspected.
    #[serde(default, with = "crate::timestamp::option")]
    pub inspected_at: Option<OffsetDateTime>,
    /// Image URLs.
    #[serde(default, deserialize_with = "crate::de::vec_or_null")]
    pub images: Vec<String>,
}

/// The disposition recorded for a line item (as read back on the line item).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct RecordedDisposition {
    /// What happens to the item.
    #[serde(default)]
    pub disposition_outcome: Option<DispositionOutcome>,
    /// Who decided.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub return_processor: Option<String>,
    /// Free-text note.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub note: Option<String>,
    /// When the item was inspected.
    #[serde(default, with = "crate::timestamp::option")]
    pub inspected_at: Option<OffsetDateTime>,
}

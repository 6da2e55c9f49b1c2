//! Loop's enumerations.
//!
//! Loop adds values without notice, so no enum here ever fails to decode:
//! every string enum is declared with [`http_transport::open_enum!`], so a
//! value this crate does not know lands in the `Unknown` variant with the raw
//! string kept, and [`as_str`](ReturnState::as_str) gives it back unchanged.
//! Each enum has `parse`, `try_parse`, `as_str`, `is_unknown` and `KNOWN`.
//! Match on the named variants and treat `Unknown` as "something new"; do not
//! build `Unknown` values for requests, and do not match on the text inside
//! `Unknown` — once that value gets its own variant, such a match silently
//! stops firing.

use std::fmt;

http_transport::open_enum! {
    /// The state of a return.
    pub enum ReturnState {
        /// Outcomes not yet fully processed.
        Open = "open",
        /// Processed, or closed by hand.
        Closed = "closed",
        /// Cancelled in the admin or through the API; the items may be returned again.
        Cancelled = "cancelled" | "canceled",
        /// Never sent back (labels expire after 28 days).
        Expired = "expired",
        /// "Needs review": blocked until the merchant approves it (also what Flag does).
        /// Older webhook docs spell it `needs review`; both decode here.
        Review = "review" | "needs review" | "needs_review",
    }
}

impl ReturnState {
    /// Every state the Detailed Returns List accepts as a `state` filter, in the
    /// order passes are made by [`ReturnWindowQuery`](crate::ReturnWindowQuery).
    pub const ALL: [ReturnState; 5] = [
        ReturnState::Open,
        ReturnState::Closed,
        ReturnState::Cancelled,
        ReturnState::Expired,
        ReturnState::Review,
    ];
}

http_transport::open_enum! {
    /// The outcome of a return as a whole.
    pub enum ReturnOutcome {
        /// Exchange only.
        Exchange = "exchange",
        /// Exchange with an upsell payment.
        Upsell = "upsell",
        /// Refund to the original payment method.
        Refund = "refund",
        /// Store credit (gift card).
        Credit = "credit",
        /// Exchange plus refund.
        ExchangeRefund = "exchange+refund",
        /// Exchange plus store credit.
        ExchangeCredit = "exchange+credit",
        /// Store credit plus refund (listed in Loop's MCP docs only).
        CreditRefund = "credit+refund",
    }
}

http_transport::open_enum! {
    /// The carrier status of a return label (EasyPost tracking statuses).
    pub enum LabelStatus {
        /// Label created, not yet used.
        New = "new",
        /// Label printed, parcel not yet scanned by the carrier.
        PreTransit = "pre_transit",
        /// With the carrier.
        InTransit = "in_transit",
        /// Out for delivery to the warehouse.
        OutForDelivery = "out_for_delivery",
        /// Delivered to the destination.
        Delivered = "delivered",
        /// The carrier reported a delivery failure.
        Failure = "failure",
        /// The tracking integration reported an error.
        Error = "error",
        /// No label (Loop's MCP docs).
        NoLabel = "no_label",
        /// `N/A`: no label status yet.
        NotAvailable = "N/A" | "n/a",
    }
}

http_transport::open_enum! {
    /// The state of a return's shipping method (`return_method.state`).
    pub enum ReturnMethodState {
        /// Created.
        New = "new",
        /// Not yet with the carrier.
        PreTransit = "pre_transit",
        /// With the carrier.
        InTransit = "in_transit",
        /// Out for delivery.
        OutForDelivery = "out_for_delivery",
        /// Delivered.
        Delivered = "delivered",
        /// A pickup still has to be scheduled.
        NeedsScheduled = "needs_scheduled",
        /// Cancelled (Loop spells it `canceled` here).
        Canceled = "canceled" | "cancelled",
    }
}

http_transport::open_enum! {
    /// Whether a return is a standard return or a warranty claim (`type`).
    pub enum ReturnType {
        /// A standard return.
        Standard = "standard",
        /// A warranty claim.
        Warranty = "warranty",
    }
}

http_transport::open_enum! {
    /// The condition grade recorded by Grade Items.
    pub enum ConditionCategory {
        /// Like new.
        GradeA = "grade_a",
        /// Light wear.
        GradeB = "grade_b",
        /// Visible wear.
        GradeC = "grade_c",
        /// Heavy wear or damage.
        GradeD = "grade_d",
        /// A different item than the one expected arrived.
        IncorrectItem = "incorrect_item",
        /// The item did not arrive.
        Missing = "missing",
        /// Unusable.
        Junk = "junk",
    }
}

http_transport::open_enum! {
    /// What happens to an item after inspection (Assess Dispositions).
    pub enum DispositionOutcome {
        /// Back into sellable stock.
        BackToStock = "back_to_stock",
        /// Held before resale.
        ResaleHold = "resale_hold",
        /// Recycled.
        Recycle = "recycle",
        /// Donated.
        Donate = "donate",
        /// The item did not arrive.
        Missing = "missing",
    }
}

http_transport::open_enum! {
    /// The kind of a Loop destination.
    pub enum DestinationType {
        /// A warehouse that receives returns.
        Warehouse = "warehouse",
        /// A donation partner.
        Donate = "donate",
    }
}

http_transport::open_enum! {
    /// A webhook topic.
    pub enum WebhookTopic {
        /// Return created, updated or closed.
        Return = "return",
        /// Label created or updated.
        Label = "label",
        /// An item was restocked in Shopify.
        Restock = "restock",
        /// A gift card was requested.
        GiftCard = "giftcard",
        /// Asynchronous return processing failed.
        ReturnProcessing = "return.processing",
        /// A Happy Returns shipment was processed.
        HappyReturnsShipment = "happy.returns.shipment",
        /// A label request was issued or cancelled.
        LabelRequest = "label.request" | "label-request",
    }
}

http_transport::open_enum! {
    /// A webhook trigger (the event within a topic).
    pub enum WebhookTrigger {
        /// A customer submitted a return.
        ReturnCreated = "return.created",
        /// A return changed.
        ReturnUpdated = "return.updated",
        /// A return became closed (also how a successful Process shows up).
        ReturnClosed = "return.closed",
        /// A label was created.
        LabelCreated = "label.created",
        /// A label changed.
        LabelUpdated = "label.updated",
        /// An item was restocked.
        RestockRequested = "restock.requested",
        /// A gift card was requested as part of an exchange.
        GiftCardRequested = "giftcard.requested",
        /// A Happy Returns shipment was processed.
        ShipmentProcessed = "shipment.processed",
        /// A label request was issued.
        LabelRequestIssued = "label.request.issued",
        /// A label request was cancelled.
        LabelRequestCancelled = "label.request.cancelled",
        /// Asynchronous processing of a return failed.
        ReturnProcessingFailed = "return.processing.failed",
    }
}

http_transport::open_enum! {
    /// Whether a webhook subscription delivers.
    pub enum WebhookStatus {
        /// Deliveries are sent.
        Active = "active",
        /// Deliveries are paused (Loop's default on create, per a third-party source).
        Inactive = "inactive",
        /// Deactivated by Loop after repeated delivery failures (older docs).
        Deactivated = "deactivated" | "Deactivated",
    }
}

http_transport::open_enum! {
    /// The error codes Loop documents. Codes it adds later arrive as `Unknown`.
    pub enum ErrorCode {
        /// An unexpected error occurred.
        UnexpectedError = "UNEXPECTED_ERROR",
        /// No order with the given id.
        OrderNotFound = "ORDER_NOT_FOUND" | "order-not-found",
        /// Authorization failed.
        NotAuthorized = "NOT_AUTHORIZED",
        /// Resource not found.
        NotFound = "NOT_FOUND",
        /// The return's state prevents the action (for example it is already closed).
        UnprocessableReturn = "UNPROCESSABLE_RETURN",
        /// The return is flagged; only processable with the shop setting
        /// "Allow flagged returns to process".
        UnprocessableFlaggedReturn = "UNPROCESSABLE_FLAGGED_RETURN",
        /// Listing webhooks failed.
        FailedToGetWebhooks = "FAILED_TO_GET_WEBHOOKS",
        /// Deleting a webhook failed.
        FailedToDeleteWebhook = "FAILED_TO_DELETE_WEBHOOK",
        /// Creating a webhook failed.
        FailedToCreateWebhook = "FAILED_TO_CREATE_WEBHOOK",
        /// Updating a webhook failed.
        FailedToUpdateWebhook = "FAILED_TO_UPDATE_WEBHOOK",
        /// Fetching a sample webhook failed.
        FailedToGetSampleWebhook = "FAILED_TO_GET_SAMPLE_WEBHOOK",
        /// The plan's destination limit is reached.
        DestinationLimitExceeded = "DESTINATION_LIMIT_EXCEEDED",
        /// Request validation failed (Draft Returns spelling).
        ValidationFailed = "validation-failed",
    }
}

/// Which timestamp the `from` / `to` window of the returns list applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum DateFilter {
    /// Filter on the return's creation time (Loop's default).
    #[default]
    CreatedAt,
    /// Filter on the return's last update: the one to use for incremental sync.
    UpdatedAt,
}

impl DateFilter {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            DateFilter::CreatedAt => "created_at",
            DateFilter::UpdatedAt => "updated_at",
        }
    }
}

impl fmt::Display for DateFilter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Which currency Get Return Details expresses money in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CurrencyType {
    /// Every amount in the shop's currency.
    Shop,
    /// Every amount in the currency the shopper saw.
    Presentment,
}

impl CurrencyType {
    /// The wire value.
    pub fn as_str(self) -> &'static str {
        match self {
            CurrencyType::Shop => "shop",
            CurrencyType::Presentment => "presentment",
        }
    }
}

impl fmt::Display for CurrencyType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_values_and_aliases_decode() {
        let cases = [
            ("\"open\"", ReturnState::Open),
            ("\"needs review\"", ReturnState::Review),
            ("\"review\"", ReturnState::Review),
            ("\"canceled\"", ReturnState::Cancelled),
        ];
        for (json, expected) in cases {
            assert_eq!(serde_json::from_str::<ReturnState>(json).unwrap(), expected);
        }
        assert_eq!(
            serde_json::from_str::<LabelStatus>("\"N/A\"").unwrap(),
            LabelStatus::NotAvailable
        );
    }

    #[test]
    fn unknown_values_keep_the_raw_string_and_round_trip() {
        let state: ReturnState = serde_json::from_str("\"partially_received\"").unwrap();
        assert_eq!(state, ReturnState::Unknown("partially_received".into()));
        assert!(state.is_unknown());
        assert_eq!(
            serde_json::to_string(&state).unwrap(),
            "\"partially_received\""
        );
    }

    #[test]
    fn canonical_values_serialize_to_their_wire_form() {
        assert_eq!(
            serde_json::to_string(&ReturnOutcome::ExchangeRefund).unwrap(),
            "\"exchange+refund\""
        );
        assert_eq!(ReturnState::Review.as_str(), "review");
    }
}

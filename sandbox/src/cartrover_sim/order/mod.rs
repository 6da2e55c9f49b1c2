//! The simulated order: what is stored, how it is created from a request,
//! how it moves through its statuses and how it is rendered.

mod create;
mod filter;
mod render;
mod shipment;

pub(crate) use create::{Draft, RejectedOrder, parse_create, text};
use create::{HEADER_DEFAULTS, LINE_DEFAULTS};
pub(crate) use filter::ListFilter;
pub(crate) use render::{Includes, OrderJson, RenderContext, Variant};
pub(crate) use shipment::{Dispatch, Shipment};

use serde_json::{Map, Value};
use time::OffsetDateTime;

use super::decimal::Decimal;

/// The order statuses of spec §9.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum OrderStatus {
    /// Downloaded, waiting to be delivered to the WMS.
    New,
    /// Delivered to the WMS.
    AtWms,
    /// Tracking received from the WMS.
    Shipped,
    /// Tracking sent back to the cart.
    Confirmed,
    /// Held in IM.
    Error,
    /// Canceled.
    Canceled,
}

impl OrderStatus {
    /// The API value.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::New => "new",
            Self::AtWms => "at_wms",
            Self::Shipped => "shipped",
            Self::Confirmed => "confirmed",
            Self::Error => "error",
            Self::Canceled => "canceled",
        }
    }

    /// Parses an API value (exact, lower case).
    pub(crate) fn parse(text: &str) -> Option<Self> {
        Some(match text {
            "new" => Self::New,
            "at_wms" => Self::AtWms,
            "shipped" => Self::Shipped,
            "confirmed" => Self::Confirmed,
            "error" => Self::Error,
            "canceled" => Self::Canceled,
            _ => return None,
        })
    }
}

/// Why an order is held in `error`.
#[derive(Clone, Debug)]
pub(crate) struct OrderError {
    pub(crate) at: OffsetDateTime,
    pub(crate) code: String,
    pub(crate) message: String,
}

/// One order line: its SKU and quantity for the bookkeeping, and its fields
/// already in response shape.
#[derive(Clone, Debug)]
pub(crate) struct Line {
    pub(crate) sku: String,
    pub(crate) quantity: Decimal,
    /// Response fields (numbers as strings, `Description` capitalised),
    /// without `extra_fields` and the view-only `alt_sku`.
    pub(crate) fields: Map<String, Value>,
    /// The line's `extra_fields`, shown with `include_line_extras=Y`.
    pub(crate) extra_fields: Option<Value>,
}

/// A stored order.
#[derive(Clone, Debug)]
pub(crate) struct Order {
    /// Internal record number, also the creation order.
    pub(crate) record_no: u64,
    pub(crate) cust_ref: String,
    pub(crate) order_source: String,
    /// Header fields in response shape, without `items` and `extra_fields`.
    pub(crate) fields: Map<String, Value>,
    pub(crate) extra_fields: Option<Value>,
    pub(crate) lines: Vec<Line>,
    pub(crate) status: OrderStatus,
    pub(crate) sending_canceled: bool,
    pub(crate) on_hold: bool,
    pub(crate) created: OffsetDateTime,
    pub(crate) updated: OffsetDateTime,
    pub(crate) delivered_to_wms: Option<OffsetDateTime>,
    /// When shipments were last loaded (the date the shipped filters use).
    pub(crate) shipment_loaded: Option<OffsetDateTime>,
    /// When the tracking was sent back to the cart (`confirmed`).
    pub(crate) confirmed: Option<OffsetDateTime>,
    pub(crate) canceled: Option<OffsetDateTime>,
    pub(crate) error: Option<OrderError>,
    pub(crate) shipments: Vec<Shipment>,
}

impl Order {
    /// A new order from a validated create request.
    pub(crate) fn from_draft(draft: Draft, record_no: u64, now: OffsetDateTime) -> Self {
        let created = draft.created.unwrap_or(now);
        Self {
            record_no,
            cust_ref: draft.cust_ref,
            order_source: draft.order_source,
            fields: draft.fields,
            extra_fields: draft.extra_fields,
            lines: draft.lines,
            status: OrderStatus::New,
            sending_canceled: draft.sending_canceled,
            on_hold: draft.on_hold,
            created,
            updated: created,
            delivered_to_wms: None,
            shipment_loaded: None,
            confirmed: None,
            canceled: None,
            error: None,
            shipments: Vec::new(),
        }
    }

    /// The cart's ship code, if the order has one.
    pub(crate) fn ship_code(&self) -> Option<&str> {
        self.fields
            .get("ship_code")
            .and_then(Value::as_str)
            .filter(|code| !code.is_empty())
    }

    /// Sum of the line quantities.
    pub(crate) fn total_qty(&self) -> Decimal {
        sum(self.lines.iter().map(|line| line.quantity))
    }

    /// Sum of the quantities in all shipments.
    pub(crate) fn num_shipped(&self) -> Decimal {
        sum(self
            .shipments
            .iter()
            .flat_map(|shipment| shipment.items.iter().map(|(_, quantity)| *quantity)))
    }

    /// `total_qty − num_shipped`; negative when more was shipped than ordered.
    pub(crate) fn num_to_ship(&self) -> Decimal {
        self.total_qty()
            .checked_sub(self.num_shipped())
            .unwrap_or_default()
    }

    /// Whether the WMS will pick this order up at the next progression step.
    pub(crate) fn is_deliverable(&self) -> bool {
        self.status == OrderStatus::New && !self.sending_canceled && !self.on_hold
    }
}

fn sum(values: impl Iterator<Item = Decimal>) -> Decimal {
    values.fold(Decimal::default(), |total, value| {
        total.checked_add(value).unwrap_or(total)
    })
}

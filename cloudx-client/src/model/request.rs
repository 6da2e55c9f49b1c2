//! What callers send: a new receiving ticket, and a ticket search.

use time::{Date, OffsetDateTime};

use super::ids::{ReferenceNumber, Sku, Upc, WarehouseCode};
use super::status::TicketStatus;
use super::ticket::{Address, ReceivingTicket, TicketKind};

/// A receiving ticket to create: one per return shipment.
///
/// Checked by [`NewReceivingTicket::validate`] before it is sent.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewReceivingTicket {
    /// `Return`, or `Test` in test mode.
    pub kind: TicketKind,
    /// Warehouse the parcel goes to.
    pub warehouse_code: WarehouseCode,
    /// Unique per account; the key that makes creation duplicate-proof.
    pub reference_number: ReferenceNumber,
    /// The returns platform's return id or RMA code.
    pub rma_number: Option<String>,
    /// The original order's name or number.
    pub order_number: Option<String>,
    /// Carrier tracking numbers.
    pub tracking_numbers: Vec<String>,
    /// Carrier name.
    pub carrier: Option<String>,
    /// Where the parcel ships from.
    pub ship_from: Option<Address>,
    /// Free-text memo.
    pub memo: Option<String>,
    /// Date the parcel is expected.
    pub expected_date: Option<Date>,
    /// Items expected; at least one.
    pub lines: Vec<NewTicketLine>,
}

impl NewReceivingTicket {
    /// A `Return` ticket with the required fields; set the optional ones on the
    /// public fields.
    pub fn new(
        reference_number: impl Into<ReferenceNumber>,
        warehouse_code: impl Into<WarehouseCode>,
        lines: Vec<NewTicketLine>,
    ) -> Self {
        Self {
            reference_number: reference_number.into(),
            warehouse_code: warehouse_code.into(),
            lines,
            ..Self::default()
        }
    }
}

/// One expected item of a new receiving ticket.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewTicketLine {
    /// SKU, required when products are identified by SKU.
    pub sku: Option<Sku>,
    /// UPC, required when products are identified by UPC.
    pub upc: Option<Upc>,
    /// Free-text description.
    pub description: Option<String>,
    /// Units expected, at least 1.
    pub expected_quantity: u32,
    /// Return reason code, free text.
    pub return_reason_code: Option<String>,
}

impl NewTicketLine {
    /// A line naming the item by SKU.
    pub fn by_sku(sku: impl Into<Sku>, expected_quantity: u32) -> Self {
        Self {
            sku: Some(sku.into()),
            expected_quantity,
            ..Self::default()
        }
    }

    /// A line naming the item by UPC.
    pub fn by_upc(upc: impl Into<Upc>, expected_quantity: u32) -> Self {
        Self {
            upc: Some(upc.into()),
            expected_quantity,
            ..Self::default()
        }
    }
}

/// Filters and paging of a ticket search; every filter is optional.
///
/// ```
/// use cloudx_client::{TicketQuery, TicketStatus};
/// let query = TicketQuery::new().status(TicketStatus::Draft).per_page(100);
/// # let _ = query;
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TicketQuery {
    /// Exact reference number.
    pub reference_number: Option<ReferenceNumber>,
    /// Original order name or number.
    pub order_number: Option<String>,
    /// One status.
    pub status: Option<TicketStatus>,
    /// Only tickets changed at or after this instant.
    pub updated_since: Option<OffsetDateTime>,
    /// Page to fetch, from 1; the server's default (the first) when `None`.
    pub page: Option<u32>,
    /// Page size; CloudX defaults to 50 and allows at most
    /// [`TicketQuery::MAX_PER_PAGE`].
    pub per_page: Option<u32>,
}

impl TicketQuery {
    /// The largest page size CloudX accepts.
    pub const MAX_PER_PAGE: u32 = 200;

    /// A query with no filter: every ticket.
    pub fn new() -> Self {
        Self::default()
    }

    /// Only the ticket with this reference number.
    pub fn reference_number(mut self, reference: impl Into<ReferenceNumber>) -> Self {
        self.reference_number = Some(reference.into());
        self
    }

    /// Only tickets of this order.
    pub fn order_number(mut self, order_number: impl Into<String>) -> Self {
        self.order_number = Some(order_number.into());
        self
    }

    /// Only tickets in this status.
    pub fn status(mut self, status: TicketStatus) -> Self {
        self.status = Some(status);
        self
    }

    /// Only tickets changed at or after `since`.
    pub fn updated_since(mut self, since: OffsetDateTime) -> Self {
        self.updated_since = Some(since);
        self
    }

    /// Start at this page (1-based).
    pub fn page(mut self, page: u32) -> Self {
        self.page = Some(page);
        self
    }

    /// Page size, clamped to `1..=`[`TicketQuery::MAX_PER_PAGE`] so a request
    /// never fails on it.
    pub fn per_page(mut self, per_page: u32) -> Self {
        self.per_page = Some(per_page.clamp(1, Self::MAX_PER_PAGE));
        self
    }
}

/// One page of a ticket search.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TicketPage {
    /// Tickets on this page.
    pub tickets: Vec<ReceivingTicket>,
    /// This page's number.
    pub page: u32,
    /// Page size the server used.
    pub per_page: u32,
    /// Next page's number, `None` on the last page.
    pub next_page: Option<u32>,
    /// CloudX's `X-Request-Id` of the answer, for support.
    pub request_id: Option<String>,
}

//! The wire layer: every path, query parameter, header, error code and JSON
//! field name of CloudX's **modelled** REST surface lives here and nowhere
//! else. The day Bergen publishes the real specification, this module is what
//! changes; the public types in [`crate::model`] should not. The public
//! string enums ([`TicketStatus`], [`TicketKind`], [`LineCondition`]) are
//! declared here for that reason, with the shared `open_enum!` pattern, and
//! re-exported by `crate::model`.
//!
//! Decoding is lenient: unknown fields are ignored, optional and list fields
//! default when absent, and status/kind/condition names are kept even when
//! unknown. Error codes and ids are accepted as JSON numbers or strings.

use serde::{Deserialize, Serialize};
use time::format_description::well_known::Rfc3339;
use time::{Date, OffsetDateTime, UtcOffset};

use crate::error::FieldError;
use crate::model::{
    Address, Item, LineId, NewReceivingTicket, NewTicketLine, ReceivingTicket, ReferenceNumber,
    Sku, TicketId, TicketLine, TicketPage, TicketQuery, Upc, Warehouse, WarehouseCode,
};

/// Request paths, relative to the configured base URL (e.g. `…/v1`).
pub(crate) mod path {
    /// `POST` creates; `GET` lists and searches.
    pub(crate) const TICKETS: &str = "/receiving-tickets";
    /// One ticket by id.
    pub(crate) const TICKET: &str = "/receiving-tickets/{id}";
    /// Cancels one ticket.
    pub(crate) const CANCEL_TICKET: &str = "/receiving-tickets/{id}/cancel";
    /// Item-master lookup.
    pub(crate) const ITEMS: &str = "/items";
    /// Warehouse list.
    pub(crate) const WAREHOUSES: &str = "/warehouses";
}

/// Query parameter names.
pub(crate) mod param {
    pub(crate) const REFERENCE_NUMBER: &str = "reference_number";
    pub(crate) const ORDER_NUMBER: &str = "order_number";
    pub(crate) const STATUS: &str = "status";
    pub(crate) const UPDATED_SINCE: &str = "updated_since";
    pub(crate) const PAGE: &str = "page";
    pub(crate) const PER_PAGE: &str = "per_page";
    pub(crate) const SKU: &str = "sku";
    pub(crate) const UPC: &str = "upc";
}

/// Response header carrying the request id support asks for.
pub(crate) const REQUEST_ID_HEADER: &str = "x-request-id";

/// CloudX's numeric error codes the client reacts to. (A 409 on cancel is
/// `StateError`, code 10, by its status alone: it is the only one documented.)
pub(crate) mod code {
    /// `InvalidAsnError`: no ticket with that id (with a 404).
    pub(crate) const INVALID_ASN: u32 = 41;
    /// `ItemNotFound`: a line's SKU/UPC is not in the item master.
    pub(crate) const ITEM_NOT_FOUND: u32 = 83;
}

// ---------------------------------------------------------------- enums
//
// The public string enums are declared here, with the shared `open_enum!`
// pattern, because their variants name wire spellings; `crate::model`
// re-exports them and adds the CloudX-specific methods (phases, codes).

http_transport::open_enum! {
    /// Status of a receiving ticket, in lifecycle order.
    ///
    /// The names are CONFIRMED from Bergen's older REX11 service; CloudX's REST
    /// surface is modelled on them. Statuses only move forward; `Cancelled` is
    /// reachable from `Draft` and `PendingCSR` only. Parsing never fails: a
    /// name this crate does not know becomes [`TicketStatus::Unknown`], which
    /// maps to no phase. The default is `Draft`, the status a new ticket reads
    /// back with. Matching is exact, as CloudX spells the names.
    pub enum TicketStatus {
        /// Created; the parcel has not arrived (code 100). May stay here
        /// forever when the parcel never comes.
        Draft = "Draft",
        /// Held for customer service.
        PendingCsr = "PendingCSR",
        /// Parcel in, paperwork pending.
        PendingPrinting = "PendingPrinting",
        /// Paperwork printed, waiting to be counted.
        PrintedPendingCount = "PrintedPendingCount",
        /// Being counted; counts may be partial.
        CountingInProgress = "CountingInProgress",
        /// Counted, not yet stowed.
        PendingPutaway = "PendingPutaway",
        /// Being stowed.
        PutAwayInProgress = "PutAwayInProgress",
        /// Added to inventory (code 600): counts are final.
        AddedToInventory = "AddedToInventory",
        /// Cancelled before arrival.
        Cancelled = "Cancelled",
    }
}

http_transport::open_enum! {
    /// Kind of receiving ticket: a real return, or a test ticket (CONFIRMED:
    /// test mode creates `Test` instead of `Return`). The default is `Return`.
    /// An [`Unknown`](TicketKind::Unknown) kind is only ever read, never sent
    /// by this crate's conversions.
    pub enum TicketKind {
        /// A customer return.
        Return = "Return",
        /// Created in test mode; the warehouse does not expect a parcel.
        Test = "Test",
    }
}

http_transport::open_enum! {
    /// Condition the warehouse recorded for a counted line.
    ///
    /// The spec lists four values "or other values": any other string is kept
    /// in [`LineCondition::Unknown`].
    pub enum LineCondition {
        /// Fit for resale.
        Sellable = "Sellable",
        /// Damaged.
        Damaged = "Damaged",
        /// Defective.
        Defective = "Defective",
        /// Not the item that was expected.
        WrongItem = "WrongItem",
    }
}

time::serde::format_description!(calendar_date, Date, "[year]-[month]-[day]");

/// The query string of a ticket search, in a stable order.
pub(crate) fn ticket_query_params(query: &TicketQuery) -> Vec<(&'static str, String)> {
    let mut params = Vec::new();
    if let Some(reference) = &query.reference_number {
        params.push((param::REFERENCE_NUMBER, reference.to_string()));
    }
    if let Some(order) = &query.order_number {
        params.push((param::ORDER_NUMBER, order.clone()));
    }
    if let Some(status) = &query.status {
        params.push((param::STATUS, status.as_str().to_owned()));
    }
    if let Some(since) = query.updated_since {
        params.push((param::UPDATED_SINCE, rfc3339_utc(since)));
    }
    if let Some(page) = query.page {
        params.push((param::PAGE, page.to_string()));
    }
    if let Some(per_page) = query.per_page {
        params.push((param::PER_PAGE, per_page.to_string()));
    }
    params
}

/// RFC 3339 in UTC, as the spec asks for timestamps.
fn rfc3339_utc(instant: OffsetDateTime) -> String {
    instant
        .to_offset(UtcOffset::UTC)
        .format(&Rfc3339)
        // Only years outside 0..=9999 fail to format; send the debug form so the
        // server rejects the filter with a 422 rather than us panicking.
        .unwrap_or_else(|_| instant.to_string())
}

/// A JSON value CloudX may send as a number or a string (ids, error codes).
#[derive(Deserialize)]
#[serde(untagged)]
enum NumberOrString {
    Number(u64),
    String(String),
}

impl NumberOrString {
    fn into_string(self) -> String {
        match self {
            Self::Number(n) => n.to_string(),
            Self::String(s) => s,
        }
    }
}

fn lenient_string<'de, D>(deserializer: D) -> Result<Option<String>, D::Error>
where
    D: serde::Deserializer<'de>,
{
    Ok(Option::<NumberOrString>::deserialize(deserializer)?.map(NumberOrString::into_string))
}

// ---------------------------------------------------------------- responses

#[derive(Deserialize)]
pub(crate) struct WireTicket {
    #[serde(deserialize_with = "required_id")]
    id: String,
    #[serde(rename = "type", default)]
    kind: Option<String>,
    status: String,
    #[serde(default)]
    status_code: Option<u16>,
    #[serde(default)]
    warehouse_code: Option<String>,
    reference_number: String,
    #[serde(default)]
    rma_number: Option<String>,
    #[serde(default)]
    order_number: Option<String>,
    #[serde(default)]
    tracking_numbers: Option<Vec<String>>,
    #[serde(default)]
    carrier: Option<String>,
    #[serde(default)]
    ship_from: Option<WireAddress>,
    #[serde(default)]
    memo: Option<String>,
    #[serde(default, with = "calendar_date::option")]
    expected_date: Option<Date>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    created_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    updated_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    arrived_at: Option<OffsetDateTime>,
    #[serde(default, with = "time::serde::rfc3339::option")]
    received_at: Option<OffsetDateTime>,
    #[serde(default)]
    lines: Option<Vec<WireLine>>,
}

fn required_id<'de, D>(deserializer: D) -> Result<String, D::Error>
where
    D: serde::Deserializer<'de>,
{
    NumberOrString::deserialize(deserializer).map(NumberOrString::into_string)
}

impl From<WireTicket> for ReceivingTicket {
    fn from(wire: WireTicket) -> Self {
        Self {
            id: TicketId::new(wire.id),
            kind: wire
                .kind
                .as_deref()
                .map_or(TicketKind::Return, TicketKind::parse),
            status: TicketStatus::parse(&wire.status),
            status_code: wire.status_code,
            warehouse_code: WarehouseCode::new(wire.warehouse_code.unwrap_or_default()),
            reference_number: ReferenceNumber::new(wire.reference_number),
            rma_number: wire.rma_number,
            order_number: wire.order_number,
            tracking_numbers: wire.tracking_numbers.unwrap_or_default(),
            carrier: wire.carrier,
            ship_from: wire.ship_from.map(Address::from),
            memo: wire.memo,
            expected_date: wire.expected_date,
            created_at: wire.created_at,
            updated_at: wire.updated_at,
            arrived_at: wire.arrived_at,
            received_at: wire.received_at,
            lines: wire
                .lines
                .unwrap_or_default()
                .into_iter()
                .map(TicketLine::from)
                .collect(),
        }
    }
}

#[derive(Deserialize)]
struct WireLine {
    #[serde(deserialize_with = "required_id")]
    line_id: String,
    #[serde(default)]
    sku: Option<String>,
    #[serde(default)]
    upc: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    expected_quantity: Option<u32>,
    #[serde(default)]
    received_quantity: Option<u32>,
    #[serde(default)]
    damaged_quantity: Option<u32>,
    #[serde(default)]
    condition: Option<String>,
    #[serde(default)]
    return_reason_code: Option<String>,
}

impl From<WireLine> for TicketLine {
    fn from(wire: WireLine) -> Self {
        Self {
            line_id: LineId::new(wire.line_id),
            sku: wire.sku.map(Sku::new),
            upc: wire.upc.map(Upc::new),
            description: wire.description,
            expected_quantity: wire.expected_quantity.unwrap_or_default(),
            received_quantity: wire.received_quantity.unwrap_or_default(),
            damaged_quantity: wire.damaged_quantity.unwrap_or_default(),
            condition: wire.condition.as_deref().map(LineCondition::parse),
            return_reason_code: wire.return_reason_code,
        }
    }
}

#[derive(Deserialize, Serialize)]
struct WireAddress {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    company: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address1: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    address2: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    city: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    state: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    zip: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    country: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    phone: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    email: Option<String>,
}

impl From<WireAddress> for Address {
    fn from(wire: WireAddress) -> Self {
        Self {
            name: wire.name,
            company: wire.company,
            address1: wire.address1,
            address2: wire.address2,
            city: wire.city,
            state: wire.state,
            zip: wire.zip,
            country: wire.country,
            phone: wire.phone,
            email: wire.email,
        }
    }
}

impl From<&Address> for WireAddress {
    fn from(address: &Address) -> Self {
        Self {
            name: address.name.clone(),
            company: address.company.clone(),
            address1: address.address1.clone(),
            address2: address.address2.clone(),
            city: address.city.clone(),
            state: address.state.clone(),
            zip: address.zip.clone(),
            country: address.country.clone(),
            phone: address.phone.clone(),
            email: address.email.clone(),
        }
    }
}

/// `{"data": [...], "page": n, "per_page": n, "next_page": n|null}`.
#[derive(Deserialize)]
pub(crate) struct WireTicketPage {
    #[serde(default)]
    data: Vec<WireTicket>,
    #[serde(default)]
    page: Option<u32>,
    #[serde(default)]
    per_page: Option<u32>,
    #[serde(default)]
    next_page: Option<u32>,
}

impl WireTicketPage {
    /// The page, with the numbers the request asked for when the server
    /// leaves them out.
    pub(crate) fn into_page(self, query: &TicketQuery) -> TicketPage {
        TicketPage {
            page: self.page.or(query.page).unwrap_or(1),
            per_page: self.per_page.or(query.per_page).unwrap_or(DEFAULT_PER_PAGE),
            next_page: self.next_page,
            request_id: None,
            tickets: self.data.into_iter().map(ReceivingTicket::from).collect(),
        }
    }
}

/// CloudX's page size when the request sets none.
const DEFAULT_PER_PAGE: u32 = 50;

/// `{"data": [...]}`.
#[derive(Deserialize)]
pub(crate) struct WireList<T> {
    #[serde(default = "Vec::new")]
    pub(crate) data: Vec<T>,
}

#[derive(Deserialize)]
pub(crate) struct WireItem {
    sku: String,
    #[serde(default)]
    upc: Option<String>,
    #[serde(default)]
    description: Option<String>,
    #[serde(default)]
    style: Option<String>,
    #[serde(default)]
    color: Option<String>,
    #[serde(default)]
    size: Option<String>,
}

impl From<WireItem> for Item {
    fn from(wire: WireItem) -> Self {
        Self {
            sku: Sku::new(wire.sku),
            upc: wire.upc.map(Upc::new),
            description: wire.description,
            style: wire.style,
            color: wire.color,
            size: wire.size,
        }
    }
}

#[derive(Deserialize)]
pub(crate) struct WireWarehouse {
    code: String,
    #[serde(default)]
    name: Option<String>,
}

impl From<WireWarehouse> for Warehouse {
    fn from(wire: WireWarehouse) -> Self {
        Self {
            code: WarehouseCode::new(wire.code),
            name: wire.name,
        }
    }
}

// ---------------------------------------------------------------- errors

/// `{"errors": [{code, severity, message, field?}], "existing_id"?: ...}`.
#[derive(Deserialize, Default)]
pub(crate) struct WireErrorBody {
    #[serde(default)]
    pub(crate) errors: Vec<WireError>,
    #[serde(default, deserialize_with = "lenient_string")]
    pub(crate) existing_id: Option<String>,
}

impl WireErrorBody {
    /// Parses an error body; anything that is not the documented shape (an
    /// HTML page from a proxy, a truncated excerpt) reads as "no details".
    pub(crate) fn parse(body: &[u8]) -> Self {
        serde_json::from_slice(body).unwrap_or_default()
    }

    /// Whether any entry carries `code`.
    pub(crate) fn has_code(&self, code: u32) -> bool {
        self.errors.iter().any(|e| e.code() == Some(code))
    }
}

#[derive(Deserialize)]
pub(crate) struct WireError {
    #[serde(default, deserialize_with = "lenient_string")]
    code: Option<String>,
    #[serde(default)]
    severity: Option<String>,
    #[serde(default)]
    message: Option<String>,
    #[serde(default)]
    field: Option<String>,
}

impl WireError {
    /// The numeric code, when CloudX sent one (as a number or a numeric string).
    pub(crate) fn code(&self) -> Option<u32> {
        self.code.as_deref().and_then(|c| c.trim().parse().ok())
    }
}

impl From<WireError> for FieldError {
    fn from(wire: WireError) -> Self {
        Self {
            code: wire.code(),
            field: wire.field,
            severity: wire.severity,
            message: wire.message,
        }
    }
}

/// Index and attribute of a field path such as `lines[3].upc`.
pub(crate) fn parse_line_field(field: &str) -> Option<(usize, &str)> {
    let rest = field.strip_prefix("lines[")?;
    let (index, rest) = rest.split_once(']')?;
    let attribute = rest.strip_prefix('.').unwrap_or(rest);
    Some((index.parse().ok()?, attribute))
}

/// Attribute names of a line's identifiers, as they appear in field paths.
pub(crate) mod line_field {
    pub(crate) const SKU: &str = "sku";
    pub(crate) const UPC: &str = "upc";
}

// ---------------------------------------------------------------- requests

/// Create request body: the ticket minus the server-assigned fields.
#[derive(Serialize)]
pub(crate) struct WireNewTicket<'a> {
    #[serde(rename = "type")]
    kind: &'a str,
    warehouse_code: &'a str,
    reference_number: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rma_number: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order_number: Option<&'a str>,
    tracking_numbers: &'a [String],
    #[serde(skip_serializing_if = "Option::is_none")]
    carrier: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ship_from: Option<WireAddress>,
    #[serde(skip_serializing_if = "Option::is_none")]
    memo: Option<&'a str>,
    #[serde(
        skip_serializing_if = "Option::is_none",
        with = "calendar_date::option"
    )]
    expected_date: Option<Date>,
    lines: Vec<WireNewLine<'a>>,
}

impl<'a> From<&'a NewReceivingTicket> for WireNewTicket<'a> {
    fn from(ticket: &'a NewReceivingTicket) -> Self {
        Self {
            kind: ticket.kind.as_str(),
            warehouse_code: ticket.warehouse_code.as_str(),
            reference_number: ticket.reference_number.as_str(),
            rma_number: ticket.rma_number.as_deref(),
            order_number: ticket.order_number.as_deref(),
            tracking_numbers: &ticket.tracking_numbers,
            carrier: ticket.carrier.as_deref(),
            ship_from: ticket.ship_from.as_ref().map(WireAddress::from),
            memo: ticket.memo.as_deref(),
            expected_date: ticket.expected_date,
            lines: ticket.lines.iter().map(WireNewLine::from).collect(),
        }
    }
}

#[derive(Serialize)]
struct WireNewLine<'a> {
    #[serde(skip_serializing_if = "Option::is_none")]
    sku: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    upc: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    description: Option<&'a str>,
    expected_quantity: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    return_reason_code: Option<&'a str>,
}

impl<'a> From<&'a NewTicketLine> for WireNewLine<'a> {
    fn from(line: &'a NewTicketLine) -> Self {
        Self {
            sku: line.sku.as_ref().map(Sku::as_str),
            upc: line.upc.as_ref().map(Upc::as_str),
            description: line.description.as_deref(),
            expected_quantity: line.expected_quantity,
            return_reason_code: line.return_reason_code.as_deref(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{TicketPhase, TicketStatus};
    use time::macros::{date, datetime};

    fn ticket(json: &str) -> ReceivingTicket {
        serde_json::from_str::<WireTicket>(json)
            .expect("fixture decodes")
            .into()
    }

    #[test]
    fn a_ticket_deserializes_as_the_client_reads_it() {
        for json in [
            include_str!("../tests/fixtures/ticket_draft.json"),
            include_str!("../tests/fixtures/ticket_received.json"),
            include_str!("../tests/fixtures/ticket_unknown_status.json"),
        ] {
            let direct: ReceivingTicket = serde_json::from_str(json).expect("ticket decodes");
            assert_eq!(direct, ticket(json));
        }
        let no_id = serde_json::from_str::<ReceivingTicket>(r#"{"status":"Draft"}"#);
        assert!(no_id.is_err(), "the same rules apply: {no_id:?}");
    }

    #[test]
    fn draft_fixture_decodes_every_field() {
        let t = ticket(include_str!("../tests/fixtures/ticket_draft.json"));
        assert_eq!(t.id.as_str(), "WHRTN1044588");
        assert_eq!(t.kind, TicketKind::Return);
        assert_eq!(t.status, TicketStatus::Draft);
        assert_eq!(t.status_code, Some(100));
        assert_eq!(t.reference_number.as_str(), "#1001-R1");
        assert_eq!(t.warehouse_code.as_str(), "BERGEN-NJ-01");
        assert_eq!(t.tracking_numbers, ["1Z999AA10123456784"]);
        assert_eq!(t.expected_date, Some(date!(2024 - 05 - 20)));
        assert_eq!(t.created_at, Some(datetime!(2024-05-14 09:30:00 UTC)));
        assert_eq!(t.arrived_at, None);
        assert_eq!(
            t.ship_from.as_ref().and_then(|a| a.city.as_deref()),
            Some("Brooklyn")
        );
        assert_eq!(t.lines.len(), 2);
        assert_eq!(
            t.lines[1].upc.as_ref().map(Upc::as_str),
            Some("0123456789012")
        );
        assert_eq!(t.lines[0].received_quantity, 0);
    }

    #[test]
    fn unknown_status_and_fields_and_missing_options_are_accepted() {
        let t = ticket(include_str!("../tests/fixtures/ticket_unknown_status.json"));
        assert_eq!(t.status.as_str(), "QuarantineHold");
        assert_eq!(t.phase(), None);
        assert_eq!(t.status_code, None);
        assert!(matches!(t.kind, TicketKind::Unknown(_)));
        assert_eq!(
            t.lines[0].condition,
            Some(LineCondition::parse("Refurbished"))
        );
    }

    #[test]
    fn received_fixture_has_counts_and_dates() {
        let t = ticket(include_str!("../tests/fixtures/ticket_received.json"));
        assert_eq!(t.phase(), Some(TicketPhase::Received));
        assert!(t.received_at.is_some());
        assert_eq!(t.lines[0].received_quantity, 2);
        assert_eq!(t.lines[1].damaged_quantity, 1);
        assert_eq!(t.lines[1].condition, Some(LineCondition::Damaged));
    }

    #[test]
    fn create_body_carries_type_lines_and_skips_absent_options() {
        let mut new = NewReceivingTicket::new(
            "#1001-R1",
            "BERGEN-NJ-01",
            vec![NewTicketLine::by_sku("TEE-M", 2)],
        );
        new.kind = TicketKind::Test;
        new.expected_date = Some(date!(2024 - 05 - 20));
        let body = serde_json::to_value(WireNewTicket::from(&new)).expect("serializes");
        assert_eq!(
            body,
            serde_json::json!({
                "type": "Test",
                "warehouse_code": "BERGEN-NJ-01",
                "reference_number": "#1001-R1",
                "tracking_numbers": [],
                "expected_date": "2024-05-20",
                "lines": [{"sku": "TEE-M", "expected_quantity": 2}],
            })
        );
    }

    #[test]
    fn query_params_are_named_as_the_spec_says() {
        let query = TicketQuery::new()
            .reference_number("#1001-R1")
            .status(TicketStatus::PendingCsr)
            .updated_since(datetime!(2024-05-14 11:30:00 +02:00))
            .per_page(500);
        assert_eq!(
            ticket_query_params(&query),
            [
                ("reference_number", "#1001-R1".to_owned()),
                ("status", "PendingCSR".to_owned()),
                ("updated_since", "2024-05-14T09:30:00Z".to_owned()),
                ("per_page", "200".to_owned()),
            ]
        );
    }

    #[test]
    fn error_bodies_parse_leniently() {
        let body =
            WireErrorBody::parse(include_bytes!("../tests/fixtures/error_409_duplicate.json"));
        assert_eq!(body.existing_id.as_deref(), Some("WHRTN1044588"));
        let numeric = WireErrorBody::parse(br#"{"errors":[{"code":"83"}],"existing_id":7}"#);
        assert!(numeric.has_code(code::ITEM_NOT_FOUND));
        assert_eq!(numeric.existing_id.as_deref(), Some("7"));
        let html = WireErrorBody::parse(b"<html>502</html>");
        assert!(html.errors.is_empty());
    }

    #[test]
    fn line_field_paths_parse() {
        assert_eq!(parse_line_field("lines[3].upc"), Some((3, "upc")));
        assert_eq!(parse_line_field("lines[0]"), Some((0, "")));
        assert_eq!(parse_line_field("reference_number"), None);
        assert_eq!(parse_line_field("lines[x].sku"), None);
    }
}

//! The receiving ticket (ASN) and its lines as stored, and their wire form (spec §2.2).

use serde::ser::{Serialize, SerializeStruct, Serializer};
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::status::Status;

/// `type` of a ticket: `Return`, or `Test` in test mode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TicketType {
    Return,
    Test,
}

impl TicketType {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TicketType::Return => "Return",
            TicketType::Test => "Test",
        }
    }

    pub(crate) fn from_wire(name: &str) -> Option<TicketType> {
        match name {
            "Return" => Some(TicketType::Return),
            "Test" => Some(TicketType::Test),
            _ => None,
        }
    }
}

/// The `ship_from` address; every field optional.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Address {
    pub(crate) name: Option<String>,
    pub(crate) company: Option<String>,
    pub(crate) address1: Option<String>,
    pub(crate) address2: Option<String>,
    pub(crate) city: Option<String>,
    pub(crate) state: Option<String>,
    pub(crate) zip: Option<String>,
    pub(crate) country: Option<String>,
    pub(crate) phone: Option<String>,
    pub(crate) email: Option<String>,
}

impl Address {
    /// The wire field names, in order.
    pub(crate) const FIELDS: [&'static str; 10] = [
        "name", "company", "address1", "address2", "city", "state", "zip", "country", "phone",
        "email",
    ];

    /// Sets the field named `name` (one of [`Address::FIELDS`]).
    pub(crate) fn set(&mut self, name: &str, value: Option<String>) {
        let slot = match name {
            "name" => &mut self.name,
            "company" => &mut self.company,
            "address1" => &mut self.address1,
            "address2" => &mut self.address2,
            "city" => &mut self.city,
            "state" => &mut self.state,
            "zip" => &mut self.zip,
            "country" => &mut self.country,
            "phone" => &mut self.phone,
            "email" => &mut self.email,
            _ => return,
        };
        *slot = value;
    }
}

/// One line of a ticket.
///
/// Lines the warehouse found but that were not on the ticket have
/// `expected_quantity` 0.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Line {
    pub(crate) line_id: String,
    pub(crate) sku: Option<String>,
    pub(crate) upc: Option<String>,
    pub(crate) description: Option<String>,
    pub(crate) expected_quantity: u32,
    pub(crate) received_quantity: u32,
    pub(crate) damaged_quantity: u32,
    pub(crate) condition: Option<String>,
    pub(crate) return_reason_code: Option<String>,
}

/// A stored receiving ticket.
#[derive(Clone, Debug)]
pub(crate) struct Ticket {
    pub(crate) id: String,
    pub(crate) kind: TicketType,
    pub(crate) status: Status,
    pub(crate) warehouse_code: String,
    pub(crate) reference_number: String,
    pub(crate) rma_number: Option<String>,
    pub(crate) order_number: Option<String>,
    pub(crate) tracking_numbers: Vec<String>,
    pub(crate) carrier: Option<String>,
    pub(crate) ship_from: Option<Address>,
    pub(crate) memo: Option<String>,
    /// Already checked to be `YYYY-MM-DD`.
    pub(crate) expected_date: Option<String>,
    pub(crate) created_at: OffsetDateTime,
    pub(crate) updated_at: OffsetDateTime,
    pub(crate) arrived_at: Option<OffsetDateTime>,
    pub(crate) received_at: Option<OffsetDateTime>,
    pub(crate) lines: Vec<Line>,
    /// Counts were recorded (by `/_sim/.../receive` or the warehouse model);
    /// the model never overwrites them.
    pub(crate) counted: bool,
}

impl Ticket {
    /// Moves to `status` (the caller checked the transition) and stamps the
    /// arrival and receipt times the first time they are reached.
    pub(crate) fn move_to(&mut self, status: Status, now: OffsetDateTime) {
        self.status = status;
        if status.has_arrived() && self.arrived_at.is_none() {
            self.arrived_at = Some(now);
        }
        if status == Status::AddedToInventory {
            self.received_at = Some(now);
        }
        self.updated_at = now;
    }

    /// The id for the next line added to this ticket.
    pub(crate) fn next_line_id(&self) -> String {
        line_id(&self.id, self.lines.len())
    }
}

/// Line ids are `{ticket id}-{1-based position}`.
pub(crate) fn line_id(ticket_id: &str, index: usize) -> String {
    format!("{ticket_id}-{}", index + 1)
}

/// RFC 3339 in UTC, e.g. `2026-01-02T03:04:05.123Z`.
pub(crate) fn format_timestamp(at: OffsetDateTime) -> String {
    at.format(&Rfc3339)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

struct Timestamp(OffsetDateTime);

impl Serialize for Timestamp {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&format_timestamp(self.0))
    }
}

impl Serialize for Ticket {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut s = serializer.serialize_struct("Ticket", 19)?;
        s.serialize_field("id", &self.id)?;
        s.serialize_field("type", self.kind.as_str())?;
        s.serialize_field("status", self.status.as_str())?;
        s.serialize_field("status_code", &self.status.code())?;
        s.serialize_field("warehouse_code", &self.warehouse_code)?;
        s.serialize_field("reference_number", &self.reference_number)?;
        s.serialize_field("rma_number", &self.rma_number)?;
        s.serialize_field("order_number", &self.order_number)?;
        s.serialize_field("tracking_numbers", &self.tracking_numbers)?;
        s.serialize_field("carrier", &self.carrier)?;
        s.serialize_field("ship_from", &self.ship_from)?;
        s.serialize_field("memo", &self.memo)?;
        s.serialize_field("expected_date", &self.expected_date)?;
        s.serialize_field("created_at", &Timestamp(self.created_at))?;
        s.serialize_field("updated_at", &Timestamp(self.updated_at))?;
        s.serialize_field("arrived_at", &self.arrived_at.map(Timestamp))?;
        s.serialize_field("received_at", &self.received_at.map(Timestamp))?;
        s.serialize_field("lines", &self.lines)?;
        s.end()
    }
}

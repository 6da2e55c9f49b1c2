//! Receiving tickets (ASNs) as CloudX returns them.

use time::{Date, OffsetDateTime};

use super::ids::{LineId, ReferenceNumber, Sku, TicketId, Upc, WarehouseCode};
use super::status::{TicketPhase, TicketStatus};

pub use crate::wire::{LineCondition, TicketKind};

impl Default for TicketKind {
    /// `Return`.
    fn default() -> Self {
        Self::Return
    }
}

impl LineCondition {
    /// Whether the unit can be resold as is (`Sellable` only; a condition this
    /// crate does not know is not assumed sellable).
    pub fn is_sellable(&self) -> bool {
        matches!(self, Self::Sellable)
    }

    /// Whether the condition says the unit is damaged or defective.
    pub fn is_damage(&self) -> bool {
        matches!(self, Self::Damaged | Self::Defective)
    }
}

/// Postal address a parcel ships from. Every field is optional.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Address {
    /// Person's name.
    pub name: Option<String>,
    /// Company name.
    pub company: Option<String>,
    /// First street line.
    pub address1: Option<String>,
    /// Second street line.
    pub address2: Option<String>,
    /// City.
    pub city: Option<String>,
    /// State or region.
    pub state: Option<String>,
    /// Postal code.
    pub zip: Option<String>,
    /// Country code or name, as the caller gave it.
    pub country: Option<String>,
    /// Phone number.
    pub phone: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
}

/// One line of a receiving ticket: an item expected, and what was counted.
///
/// Counting convention (the spec is silent, this crate chooses):
/// `received_quantity` counts every unit received, damaged ones included;
/// `damaged_quantity` is the part of those that is not sellable.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct TicketLine {
    /// Server-assigned line id.
    pub line_id: LineId,
    /// SKU of the item, when the line names one.
    pub sku: Option<Sku>,
    /// UPC of the item, when the line names one.
    pub upc: Option<Upc>,
    /// Free-text description.
    pub description: Option<String>,
    /// Units expected (≥ 1).
    pub expected_quantity: u32,
    /// Units counted so far; 0 until counted.
    pub received_quantity: u32,
    /// Units counted as damaged (not sellable).
    pub damaged_quantity: u32,
    /// Condition the warehouse recorded, if any.
    pub condition: Option<LineCondition>,
    /// Return reason code, free text.
    pub return_reason_code: Option<String>,
}

impl TicketLine {
    /// Units expected but not (yet) received; 0 when all arrived.
    pub fn shortage(&self) -> u32 {
        self.expected_quantity
            .saturating_sub(self.received_quantity)
    }

    /// Units received beyond those expected; 0 when none.
    pub fn over_receipt(&self) -> u32 {
        self.received_quantity
            .saturating_sub(self.expected_quantity)
    }

    /// Whether any unit was counted as damaged, or the line's condition is
    /// `Damaged` or `Defective`.
    pub fn is_damaged(&self) -> bool {
        self.damaged_quantity > 0
            || self
                .condition
                .as_ref()
                .is_some_and(LineCondition::is_damage)
    }

    /// Units received in sellable state (received minus damaged).
    pub fn sellable_quantity(&self) -> u32 {
        self.received_quantity.saturating_sub(self.damaged_quantity)
    }

    /// Whether exactly the expected quantity was received.
    pub fn is_complete(&self) -> bool {
        self.received_quantity == self.expected_quantity
    }
}

/// A receiving ticket (ASN): one return shipment the warehouse expects.
///
/// Built leniently from CloudX's JSON: unknown fields are ignored, unknown
/// status and kind names kept, and every field the modelled surface does not
/// strictly need is optional. It deserializes from that JSON as the client
/// reads it (`serde_json::from_slice::<ReceivingTicket>(body)`), for tickets
/// that arrive by other ways than a call of this client.
#[derive(Clone, Debug, Default, PartialEq, Eq, serde::Deserialize)]
#[serde(from = "crate::wire::WireTicket")]
#[non_exhaustive]
pub struct ReceivingTicket {
    /// Server-assigned id, e.g. `WHRTN1044588`.
    pub id: TicketId,
    /// `Return`, or `Test` in test mode.
    pub kind: TicketKind,
    /// Lifecycle status.
    pub status: TicketStatus,
    /// Numeric status code when CloudX sends one (100, 600), else `None`.
    pub status_code: Option<u16>,
    /// Warehouse the parcel is routed to.
    pub warehouse_code: WarehouseCode,
    /// Caller-chosen reference, unique per account.
    pub reference_number: ReferenceNumber,
    /// The returns platform's return id or RMA code.
    pub rma_number: Option<String>,
    /// The original order's name or number.
    pub order_number: Option<String>,
    /// Carrier tracking numbers, possibly none.
    pub tracking_numbers: Vec<String>,
    /// Carrier name.
    pub carrier: Option<String>,
    /// Where the parcel ships from.
    pub ship_from: Option<Address>,
    /// Free-text memo.
    pub memo: Option<String>,
    /// Date the parcel is expected.
    pub expected_date: Option<Date>,
    /// When the ticket was created (optional: the surface is modelled).
    pub created_at: Option<OffsetDateTime>,
    /// When the ticket last changed (optional: the surface is modelled).
    pub updated_at: Option<OffsetDateTime>,
    /// When the parcel arrived.
    pub arrived_at: Option<OffsetDateTime>,
    /// When the parcel was added to inventory.
    pub received_at: Option<OffsetDateTime>,
    /// The lines, at least one on a well-formed ticket.
    pub lines: Vec<TicketLine>,
}

impl ReceivingTicket {
    /// The coarse phase, or `None` when the status is unknown.
    pub fn phase(&self) -> Option<TicketPhase> {
        self.status.phase()
    }

    /// Whether the ticket will not change any more.
    pub fn is_terminal(&self) -> bool {
        self.status.is_terminal()
    }

    /// Total units expected over all lines.
    pub fn total_expected(&self) -> u64 {
        self.lines
            .iter()
            .map(|l| u64::from(l.expected_quantity))
            .sum()
    }

    /// Total units received over all lines.
    pub fn total_received(&self) -> u64 {
        self.lines
            .iter()
            .map(|l| u64::from(l.received_quantity))
            .sum()
    }

    /// Whether every line received exactly what was expected, nothing is
    /// damaged and no line has a condition other than `Sellable`: the
    /// confirmed "process, don't flag" condition, counts-wise. (The
    /// integration's full rules live in `returns-core`'s receipt evaluation.)
    pub fn is_received_as_expected(&self) -> bool {
        self.lines.iter().all(|l| {
            l.is_complete()
                && !l.is_damaged()
                && l.condition.as_ref().is_none_or(LineCondition::is_sellable)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(expected: u32, received: u32, damaged: u32) -> TicketLine {
        TicketLine {
            expected_quantity: expected,
            received_quantity: received,
            damaged_quantity: damaged,
            ..TicketLine::default()
        }
    }

    #[test]
    fn line_helpers_compute_shortage_over_receipt_and_damage() {
        let table = [
            // expected, received, damaged → shortage, over, damaged?, sellable
            (2, 2, 0, 0, 0, false, 2),
            (3, 1, 0, 2, 0, false, 1),
            (1, 3, 0, 0, 2, false, 3),
            (2, 2, 1, 0, 0, true, 1),
            (1, 0, 0, 1, 0, false, 0),
        ];
        for (expected, received, damaged, shortage, over, is_damaged, sellable) in table {
            let l = line(expected, received, damaged);
            assert_eq!(l.shortage(), shortage, "{l:?}");
            assert_eq!(l.over_receipt(), over, "{l:?}");
            assert_eq!(l.is_damaged(), is_damaged, "{l:?}");
            assert_eq!(l.sellable_quantity(), sellable, "{l:?}");
        }
    }

    #[test]
    fn damage_comes_from_counts_or_a_damage_condition() {
        let mut l = line(1, 1, 0);
        for (condition, damaged) in [
            ("Damaged", true),
            ("Defective", true),
            ("WrongItem", false),
            ("Sellable", false),
            ("Refurbished", false),
        ] {
            l.condition = Some(LineCondition::parse(condition));
            assert_eq!(l.is_damaged(), damaged, "{condition}");
        }
    }

    #[test]
    fn only_sellable_lines_count_as_received_as_expected() {
        for (condition, expected) in [
            (None, true),
            (Some("Sellable"), true),
            (Some("WrongItem"), false),
            (Some("Refurbished"), false),
        ] {
            let mut l = line(1, 1, 0);
            l.condition = condition.map(LineCondition::parse);
            let ticket = ReceivingTicket {
                lines: vec![l],
                ..ReceivingTicket::default()
            };
            assert_eq!(ticket.is_received_as_expected(), expected, "{condition:?}");
        }
    }

    #[test]
    fn ticket_totals_and_expectation() {
        let ticket = ReceivingTicket {
            lines: vec![line(2, 2, 0), line(1, 1, 0)],
            ..ReceivingTicket::default()
        };
        assert_eq!(ticket.total_expected(), 3);
        assert_eq!(ticket.total_received(), 3);
        assert!(ticket.is_received_as_expected());
        let short = ReceivingTicket {
            lines: vec![line(2, 1, 0)],
            ..ReceivingTicket::default()
        };
        assert!(!short.is_received_as_expected());
    }
}

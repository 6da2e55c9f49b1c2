//! Receiving-ticket statuses and their coarse phases.
//!
//! [`TicketStatus`] is declared with the shared `open_enum!` pattern in the
//! private `wire` module, which holds every wire name of the modelled surface;
//! the CloudX-specific methods (status codes, phases) are here.

use std::fmt;

pub use crate::wire::TicketStatus;

impl Default for TicketStatus {
    /// `Draft`, the status a new ticket reads back with.
    fn default() -> Self {
        Self::Draft
    }
}

impl TicketStatus {
    /// The numeric code on record for this status: 100 for `Draft`, 600 for
    /// `AddedToInventory`, `None` for the others (no codes are on record).
    pub fn known_code(&self) -> Option<u16> {
        match self {
            Self::Draft => Some(100),
            Self::AddedToInventory => Some(600),
            _ => None,
        }
    }

    /// The coarse phase of this status, or `None` for an unknown status.
    pub fn phase(&self) -> Option<TicketPhase> {
        let phase = match self {
            Self::Draft | Self::PendingCsr => TicketPhase::Open,
            Self::PendingPrinting | Self::PrintedPendingCount => TicketPhase::Arrived,
            Self::CountingInProgress | Self::PendingPutaway | Self::PutAwayInProgress => {
                TicketPhase::Receiving
            }
            Self::AddedToInventory => TicketPhase::Received,
            Self::Cancelled => TicketPhase::Cancelled,
            Self::Unknown(_) => return None,
        };
        Some(phase)
    }

    /// Whether the ticket can still be cancelled (`Draft` or `PendingCSR`).
    pub fn is_cancellable(&self) -> bool {
        matches!(self, Self::Draft | Self::PendingCsr)
    }

    /// Whether the status is final; unknown statuses are never terminal.
    pub fn is_terminal(&self) -> bool {
        self.phase().is_some_and(TicketPhase::is_terminal)
    }
}

/// Coarse phase of a receiving ticket: what an integration decides on.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TicketPhase {
    /// Created, the parcel has not arrived (`Draft`, `PendingCSR`).
    Open,
    /// The parcel is in, not yet counted (`PendingPrinting`, `PrintedPendingCount`).
    Arrived,
    /// Counting or stowing; counts may be partial.
    Receiving,
    /// Added to inventory; counts are final. Terminal.
    Received,
    /// Cancelled. Terminal.
    Cancelled,
}

impl TicketPhase {
    /// Whether the ticket will not change any more (`Received`, `Cancelled`).
    pub fn is_terminal(self) -> bool {
        matches!(self, Self::Received | Self::Cancelled)
    }
}

impl fmt::Display for TicketPhase {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Open => "open",
            Self::Arrived => "arrived",
            Self::Receiving => "receiving",
            Self::Received => "received",
            Self::Cancelled => "cancelled",
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_known_status_round_trips_through_its_wire_name() {
        for status in TicketStatus::KNOWN {
            assert_eq!(&TicketStatus::parse(status.as_str()), status);
        }
    }

    #[test]
    fn phases_follow_the_spec_table() {
        let table = [
            ("Draft", Some(TicketPhase::Open)),
            ("PendingCSR", Some(TicketPhase::Open)),
            ("PendingPrinting", Some(TicketPhase::Arrived)),
            ("PrintedPendingCount", Some(TicketPhase::Arrived)),
            ("CountingInProgress", Some(TicketPhase::Receiving)),
            ("PendingPutaway", Some(TicketPhase::Receiving)),
            ("PutAwayInProgress", Some(TicketPhase::Receiving)),
            ("AddedToInventory", Some(TicketPhase::Received)),
            ("Cancelled", Some(TicketPhase::Cancelled)),
            ("QuarantineHold", None),
        ];
        for (name, phase) in table {
            assert_eq!(TicketStatus::parse(name).phase(), phase, "{name}");
        }
    }

    #[test]
    fn only_received_and_cancelled_are_terminal() {
        let terminal: Vec<_> = TicketStatus::KNOWN
            .iter()
            .filter(|s| s.is_terminal())
            .cloned()
            .collect::<Vec<_>>();
        assert_eq!(
            terminal,
            [TicketStatus::AddedToInventory, TicketStatus::Cancelled]
        );
        assert!(!TicketStatus::parse("SomethingNew").is_terminal());
    }

    #[test]
    fn unknown_status_keeps_the_raw_name() {
        let status = TicketStatus::parse("QuarantineHold");
        assert!(matches!(&status, TicketStatus::Unknown(raw) if raw == "QuarantineHold"));
        assert!(status.is_unknown());
        assert_eq!(status.to_string(), "QuarantineHold");
        assert_eq!(TicketStatus::try_parse("QuarantineHold"), None);
        assert_eq!(status.known_code(), None);
    }

    #[test]
    fn only_draft_and_pending_csr_are_cancellable() {
        let cancellable: Vec<_> = TicketStatus::KNOWN
            .iter()
            .filter(|s| s.is_cancellable())
            .cloned()
            .collect::<Vec<_>>();
        assert_eq!(cancellable, [TicketStatus::Draft, TicketStatus::PendingCsr]);
    }
}

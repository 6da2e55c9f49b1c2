//! Receiving-ticket statuses, their coarse phases, and the opaque holder of
//! enum values this crate does not know yet.

use std::fmt;

/// A value CloudX sent that this version of the crate does not know.
///
/// It keeps the raw string for logs and diagnostics. It is opaque on purpose:
/// match on the known variants and treat this one as "something new", because a
/// later version may give today's unknown value its own variant, and code that
/// compared the raw string here would silently stop matching.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct UnknownValue(String);

impl UnknownValue {
    pub(crate) fn new(raw: impl Into<String>) -> Self {
        Self(raw.into())
    }

    /// The raw value as CloudX sent it.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// Status of a receiving ticket, in lifecycle order.
///
/// The names are CONFIRMED from Bergen's older REX11 service; CloudX's REST
/// surface is modelled on them. Statuses only move forward; `Cancelled` is
/// reachable from `Draft` and `PendingCSR` only. Parsing never fails: a name
/// this crate does not know becomes [`TicketStatus::Unknown`], which maps to no
/// phase. The default is `Draft`, the status a new ticket reads back with.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TicketStatus {
    /// Created; the parcel has not arrived (code 100). May stay here forever
    /// when the parcel never comes.
    #[default]
    Draft,
    /// Held for customer service.
    PendingCsr,
    /// Parcel in, paperwork pending.
    PendingPrinting,
    /// Paperwork printed, waiting to be counted.
    PrintedPendingCount,
    /// Being counted; counts may be partial.
    CountingInProgress,
    /// Counted, not yet stowed.
    PendingPutaway,
    /// Being stowed.
    PutAwayInProgress,
    /// Added to inventory (code 600): counts are final.
    AddedToInventory,
    /// Cancelled before arrival.
    Cancelled,
    /// A status this crate does not know; maps to no phase.
    Unknown(UnknownValue),
}

impl TicketStatus {
    /// Every known status, in lifecycle order (`Cancelled` last).
    pub const KNOWN: [TicketStatus; 9] = [
        TicketStatus::Draft,
        TicketStatus::PendingCsr,
        TicketStatus::PendingPrinting,
        TicketStatus::PrintedPendingCount,
        TicketStatus::CountingInProgress,
        TicketStatus::PendingPutaway,
        TicketStatus::PutAwayInProgress,
        TicketStatus::AddedToInventory,
        TicketStatus::Cancelled,
    ];

    /// Parses a wire name; never fails (unknown names are kept, see
    /// [`TicketStatus::Unknown`]). Matching is exact, as CloudX spells them.
    pub fn parse(name: &str) -> Self {
        Self::try_parse(name).unwrap_or_else(|| Self::Unknown(UnknownValue::new(name)))
    }

    /// Parses a known wire name, or returns `None`: for callers that want to
    /// reject statuses they do not know (for example in a filter they build).
    pub fn try_parse(name: &str) -> Option<Self> {
        Self::KNOWN
            .into_iter()
            .find(|status| status.as_str() == name)
    }

    /// The wire name, e.g. `"PendingCSR"`.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Draft => "Draft",
            Self::PendingCsr => "PendingCSR",
            Self::PendingPrinting => "PendingPrinting",
            Self::PrintedPendingCount => "PrintedPendingCount",
            Self::CountingInProgress => "CountingInProgress",
            Self::PendingPutaway => "PendingPutaway",
            Self::PutAwayInProgress => "PutAwayInProgress",
            Self::AddedToInventory => "AddedToInventory",
            Self::Cancelled => "Cancelled",
            Self::Unknown(raw) => raw.as_str(),
        }
    }

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

impl fmt::Display for TicketStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
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
            assert_eq!(TicketStatus::parse(status.as_str()), status);
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
            .into_iter()
            .filter(TicketStatus::is_terminal)
            .collect();
        assert_eq!(
            terminal,
            [TicketStatus::AddedToInventory, TicketStatus::Cancelled]
        );
        assert!(!TicketStatus::parse("SomethingNew").is_terminal());
    }

    #[test]
    fn unknown_status_keeps_the_raw_name() {
        let status = TicketStatus::parse("QuarantineHold");
        assert!(matches!(&status, TicketStatus::Unknown(raw) if raw.as_str() == "QuarantineHold"));
        assert_eq!(status.to_string(), "QuarantineHold");
        assert_eq!(TicketStatus::try_parse("QuarantineHold"), None);
        assert_eq!(status.known_code(), None);
    }

    #[test]
    fn only_draft_and_pending_csr_are_cancellable() {
        let cancellable: Vec<_> = TicketStatus::KNOWN
            .into_iter()
            .filter(TicketStatus::is_cancellable)
            .collect();
        assert_eq!(cancellable, [TicketStatus::Draft, TicketStatus::PendingCsr]);
    }
}

//! Receiving-ticket statuses and the rules for moving between them (spec §2.4).

/// A receiving-ticket status, in lifecycle order (`Cancelled` last).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub(crate) enum Status {
    Draft,
    PendingCsr,
    PendingPrinting,
    PrintedPendingCount,
    CountingInProgress,
    PendingPutaway,
    PutAwayInProgress,
    AddedToInventory,
    Cancelled,
}

impl Status {
    const ALL: [Status; 9] = [
        Status::Draft,
        Status::PendingCsr,
        Status::PendingPrinting,
        Status::PrintedPendingCount,
        Status::CountingInProgress,
        Status::PendingPutaway,
        Status::PutAwayInProgress,
        Status::AddedToInventory,
        Status::Cancelled,
    ];

    /// The wire name.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::PendingCsr => "PendingCSR",
            Status::PendingPrinting => "PendingPrinting",
            Status::PrintedPendingCount => "PrintedPendingCount",
            Status::CountingInProgress => "CountingInProgress",
            Status::PendingPutaway => "PendingPutaway",
            Status::PutAwayInProgress => "PutAwayInProgress",
            Status::AddedToInventory => "AddedToInventory",
            Status::Cancelled => "Cancelled",
        }
    }

    /// Parses a wire name; names are matched exactly (case-sensitive).
    pub(crate) fn from_wire(name: &str) -> Option<Status> {
        Self::ALL.into_iter().find(|s| s.as_str() == name)
    }

    /// The comma-separated list of wire names, for error messages.
    pub(crate) fn wire_names() -> String {
        Self::ALL.map(Status::as_str).join(", ")
    }

    /// `status_code`: only 100 and 600 are on record.
    pub(crate) fn code(self) -> Option<u32> {
        match self {
            Status::Draft => Some(100),
            Status::AddedToInventory => Some(600),
            _ => None,
        }
    }

    /// Terminal statuses never change again.
    pub(crate) fn is_terminal(self) -> bool {
        matches!(self, Status::AddedToInventory | Status::Cancelled)
    }

    /// Only `Draft` and `PendingCSR` tickets may be cancelled.
    pub(crate) fn is_cancellable(self) -> bool {
        matches!(self, Status::Draft | Status::PendingCsr)
    }

    /// The parcel is in the building from `PendingPrinting` on.
    pub(crate) fn has_arrived(self) -> bool {
        self >= Status::PendingPrinting && self != Status::Cancelled
    }

    /// Whether `self → target` is allowed: forward only, `Cancelled` only
    /// from a cancellable status, nothing out of a terminal status.
    pub(crate) fn can_move_to(self, target: Status) -> bool {
        if self.is_terminal() {
            return false;
        }
        if target == Status::Cancelled {
            return self.is_cancellable();
        }
        target > self
    }

    /// The status the warehouse model moves a ticket to next, `None` when the
    /// model leaves it where it is (terminal, or held in `PendingCSR` for
    /// customer service).
    pub(crate) fn next_in_warehouse(self) -> Option<Status> {
        match self {
            Status::Draft => Some(Status::PendingPrinting),
            Status::PendingPrinting => Some(Status::PrintedPendingCount),
            Status::PrintedPendingCount => Some(Status::CountingInProgress),
            Status::CountingInProgress => Some(Status::PendingPutaway),
            Status::PendingPutaway => Some(Status::PutAwayInProgress),
            Status::PutAwayInProgress => Some(Status::AddedToInventory),
            Status::PendingCsr | Status::AddedToInventory | Status::Cancelled => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Status;

    #[test]
    fn wire_names_round_trip() {
        for status in Status::ALL {
            assert_eq!(Status::from_wire(status.as_str()), Some(status));
        }
        assert_eq!(Status::from_wire("draft"), None);
    }

    #[test]
    fn transitions_go_forward_and_cancel_only_early() {
        assert!(Status::Draft.can_move_to(Status::PendingCsr));
        assert!(Status::Draft.can_move_to(Status::AddedToInventory));
        assert!(!Status::CountingInProgress.can_move_to(Status::PendingPrinting));
        assert!(!Status::Draft.can_move_to(Status::Draft));
        assert!(Status::PendingCsr.can_move_to(Status::Cancelled));
        assert!(!Status::PendingPrinting.can_move_to(Status::Cancelled));
        assert!(!Status::AddedToInventory.can_move_to(Status::Cancelled));
        assert!(!Status::Cancelled.can_move_to(Status::AddedToInventory));
    }

    #[test]
    fn warehouse_path_skips_the_customer_service_hold() {
        let mut status = Status::Draft;
        let mut path = vec![status];
        while let Some(next) = status.next_in_warehouse() {
            status = next;
            path.push(next);
        }
        assert_eq!(path.len(), 7);
        assert!(!path.contains(&Status::PendingCsr));
        assert_eq!(status, Status::AddedToInventory);
    }
}

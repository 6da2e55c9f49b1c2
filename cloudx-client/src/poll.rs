//! Polling support: what the caller last saw of each ticket, and what changed
//! since. Scheduling stays with the caller; this only compares.

use crate::error::Error;
use crate::model::{ReceivingTicket, TicketId, TicketPhase};

/// The caller's last view of a ticket: its id and the phase it had then.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct SeenTicket {
    /// The ticket.
    pub id: TicketId,
    /// Its phase when last seen; `None` when never seen or its status was
    /// unknown, so any known phase now counts as a change.
    pub phase: Option<TicketPhase>,
}

impl SeenTicket {
    /// A ticket last seen in `phase`.
    pub fn new(id: impl Into<TicketId>, phase: Option<TicketPhase>) -> Self {
        Self {
            id: id.into(),
            phase,
        }
    }
}

impl From<&ReceivingTicket> for SeenTicket {
    fn from(ticket: &ReceivingTicket) -> Self {
        Self::new(ticket.id.clone(), ticket.phase())
    }
}

/// A ticket whose phase differs from the caller's last view.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct PhaseChange {
    /// The ticket as it is now.
    pub ticket: ReceivingTicket,
    /// The phase the caller last saw.
    pub previous: Option<TicketPhase>,
}

impl PhaseChange {
    /// The phase now (`None` for an unknown status).
    pub fn current(&self) -> Option<TicketPhase> {
        self.ticket.phase()
    }
}

/// Result of refreshing a batch of tickets, in the order they were given.
#[derive(Debug, Default)]
#[non_exhaustive]
pub struct PollReport {
    /// Tickets whose phase changed since the caller's view.
    pub changed: Vec<PhaseChange>,
    /// Tickets still in the phase the caller saw (refreshed anyway: counts or
    /// dates may have moved within a phase).
    pub unchanged: Vec<ReceivingTicket>,
    /// Tickets that could not be fetched; they keep their last view.
    pub failed: Vec<(TicketId, Error)>,
}

impl PollReport {
    /// Sorts one refresh result into the report.
    pub(crate) fn record(&mut self, seen: SeenTicket, result: Result<ReceivingTicket, Error>) {
        match result {
            Ok(ticket) if ticket.phase() != seen.phase => self.changed.push(PhaseChange {
                ticket,
                previous: seen.phase,
            }),
            Ok(ticket) => self.unchanged.push(ticket),
            Err(error) => self.failed.push((seen.id, error)),
        }
    }

    /// Changed tickets that reached a terminal phase (received or cancelled):
    /// the ones to act on and stop polling.
    pub fn newly_terminal(&self) -> impl Iterator<Item = &PhaseChange> {
        self.changed
            .iter()
            .filter(|change| change.current().is_some_and(TicketPhase::is_terminal))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::TicketStatus;

    fn ticket(id: &str, status: &str) -> ReceivingTicket {
        ReceivingTicket {
            id: TicketId::new(id),
            status: TicketStatus::parse(status),
            ..ReceivingTicket::default()
        }
    }

    #[test]
    fn results_are_sorted_by_phase_change() {
        let mut report = PollReport::default();
        report.record(
            SeenTicket::new("A", Some(TicketPhase::Open)),
            Ok(ticket("A", "PendingCSR")),
        );
        report.record(
            SeenTicket::new("B", Some(TicketPhase::Open)),
            Ok(ticket("B", "AddedToInventory")),
        );
        report.record(SeenTicket::new("C", None), Ok(ticket("C", "Draft")));
        report.record(
            SeenTicket::new("D", Some(TicketPhase::Receiving)),
            Ok(ticket("D", "BrandNewStatus")),
        );
        assert_eq!(report.unchanged.len(), 1);
        assert_eq!(report.unchanged[0].id.as_str(), "A");
        let changed: Vec<_> = report
            .changed
            .iter()
            .map(|c| (c.ticket.id.as_str(), c.previous, c.current()))
            .collect();
        assert_eq!(
            changed,
            [
                ("B", Some(TicketPhase::Open), Some(TicketPhase::Received)),
                ("C", None, Some(TicketPhase::Open)),
                ("D", Some(TicketPhase::Receiving), None),
            ]
        );
        let terminal: Vec<_> = report
            .newly_terminal()
            .map(|c| c.ticket.id.as_str())
            .collect();
        assert_eq!(terminal, ["B"]);
    }
}

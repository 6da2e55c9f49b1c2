//! The log of return actions the simulator accepted, so that a test can
//! count, from the vendor's side, an action sent twice.

use std::collections::HashMap;

use time::OffsetDateTime;

use super::machine::Action;

/// One return action the simulator answered with success.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AcceptedAction {
    /// The action.
    pub action: Action,
    /// Whether it changed the return's state. `false` for an accepted
    /// no-op (Flag on a flagged return) and for a Process that
    /// [`LoopSim::fail_next_processing`](super::LoopSim::fail_next_processing)
    /// made fail in the background.
    pub changed_state: bool,
    /// When it was accepted (the simulator's clock).
    pub at: OffsetDateTime,
}

/// Accepted actions per return, oldest first.
#[derive(Debug, Default)]
pub(super) struct AcceptedLog {
    per_return: HashMap<u64, Vec<AcceptedAction>>,
}

impl AcceptedLog {
    pub(super) fn record(&mut self, id: u64, accepted: AcceptedAction) {
        self.per_return.entry(id).or_default().push(accepted);
    }

    pub(super) fn of(&self, id: u64) -> Vec<AcceptedAction> {
        self.per_return.get(&id).cloned().unwrap_or_default()
    }

    /// Returns on which one action was accepted more than once.
    pub(super) fn returns_with_duplicates(&self) -> usize {
        self.per_return
            .values()
            .filter(|log| has_duplicate(log))
            .count()
    }
}

fn has_duplicate(log: &[AcceptedAction]) -> bool {
    log.iter()
        .enumerate()
        .any(|(i, a)| log[..i].iter().any(|b| b.action == a.action))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_action_twice_on_one_return_is_a_duplicate() {
        let at = OffsetDateTime::UNIX_EPOCH;
        let accepted = |action, changed_state| AcceptedAction {
            action,
            changed_state,
            at,
        };
        let mut log = AcceptedLog::default();
        log.record(1, accepted(Action::Flag, true));
        log.record(1, accepted(Action::Close, true));
        log.record(2, accepted(Action::Process, true));
        assert_eq!(log.returns_with_duplicates(), 0);
        log.record(1, accepted(Action::Flag, false));
        assert_eq!(log.returns_with_duplicates(), 1);
        assert_eq!(log.of(1).len(), 3);
        assert!(log.of(3).is_empty());
    }
}

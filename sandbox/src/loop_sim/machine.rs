//! The return state machine as one pure decision: what an action does to a
//! return in a given state (spec §4, §11.2).

use super::errors::LoopError;
use super::model::ReturnState;

/// A return action that may change the state (re-exported as
/// [`ReturnAction`](super::ReturnAction)).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    /// Process (`POST .../process`).
    Process,
    /// Flag for review (`POST .../flag`).
    Flag,
    /// Cancel (`POST .../cancel`).
    Cancel,
    /// Close (`POST .../close`).
    Close,
    /// Remove Line Items, which processes the return (`POST .../remove`).
    Remove,
}

impl std::fmt::Display for Action {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Self::Process => "process",
            Self::Flag => "flag",
            Self::Cancel => "cancel",
            Self::Close => "close",
            Self::Remove => "remove",
        })
    }
}

/// What `action` does to a return in `from`: `Ok(Some(to))` moves it,
/// `Ok(None)` succeeds without a change, `Err` is the refusal Loop answers.
pub(super) fn decide(
    action: Action,
    from: ReturnState,
    allow_flagged_to_process: bool,
) -> Result<Option<ReturnState>, LoopError> {
    use ReturnState::{Cancelled, Closed, Open, Review};
    let refused = |code: &'static str, verb: &str| LoopError::Refused {
        code,
        message: format!("Return is {from} and therefore cannot be {verb}."),
    };
    match (action, from) {
        (Action::Process, Open) => Ok(Some(Closed)),
        (Action::Process, Review) if allow_flagged_to_process => Ok(Some(Closed)),
        (Action::Process, Review) => Err(refused("UNPROCESSABLE_FLAGGED_RETURN", "processed")),
        (Action::Process, _) => Err(refused("UNPROCESSABLE_RETURN", "processed")),
        (Action::Flag, Open) => Ok(Some(Review)),
        (Action::Flag, Review) => Ok(None),
        (Action::Flag, _) => Err(refused("UNPROCESSABLE_RETURN", "flagged")),
        (Action::Cancel, Open) => Ok(Some(Cancelled)),
        (Action::Cancel, Review) => Err(LoopError::RefusedContent(
            "Return is flagged and cannot be processed.".into(),
        )),
        (Action::Cancel, _) => Err(LoopError::RefusedContent(format!(
            "Return is {from} and cannot be processed."
        ))),
        (Action::Close, Open | Review) => Ok(Some(Closed)),
        (Action::Close, _) => Err(refused("UNPROCESSABLE_RETURN", "closed")),
        (Action::Remove, Open) => Ok(Some(Closed)),
        (Action::Remove, _) => Err(LoopError::field("return_id", "Return cannot be modified.")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ReturnState::{Cancelled, Closed, Expired, Open, Review};

    /// `Some(Some(to))` moves, `Some(None)` is a no-op, `None` is refused.
    fn outcome(action: Action, from: ReturnState, allow: bool) -> Option<Option<ReturnState>> {
        decide(action, from, allow).ok()
    }

    #[test]
    fn transition_table() {
        let table: [(Action, [Option<Option<ReturnState>>; 5]); 5] = [
            // from:         open,              closed, cancelled, expired, review
            (
                Action::Process,
                [Some(Some(Closed)), None, None, None, None],
            ),
            (
                Action::Flag,
                [Some(Some(Review)), None, None, None, Some(None)],
            ),
            (
                Action::Cancel,
                [Some(Some(Cancelled)), None, None, None, None],
            ),
            (
                Action::Close,
                [Some(Some(Closed)), None, None, None, Some(Some(Closed))],
            ),
            (Action::Remove, [Some(Some(Closed)), None, None, None, None]),
        ];
        for (action, row) in table {
            for (from, expected) in [Open, Closed, Cancelled, Expired, Review]
                .into_iter()
                .zip(row)
            {
                assert_eq!(
                    outcome(action, from, false),
                    expected,
                    "{action:?} from {from}"
                );
            }
        }
        assert_eq!(outcome(Action::Process, Review, true), Some(Some(Closed)));
    }

    #[test]
    fn refusals_use_the_documented_bodies() {
        assert_eq!(
            decide(Action::Process, Review, false),
            Err(LoopError::Refused {
                code: "UNPROCESSABLE_FLAGGED_RETURN",
                message: "Return is review and therefore cannot be processed.".into()
            })
        );
        assert_eq!(
            decide(Action::Cancel, Expired, false),
            Err(LoopError::RefusedContent(
                "Return is expired and cannot be processed.".into()
            ))
        );
    }
}

//! What one run did, typed and serialisable: counts per step, and one
//! outcome per return it touched — failures with their step and error.

use std::collections::BTreeMap;
use std::fmt;

use serde::Serialize;
use time::OffsetDateTime;

/// The step of the flow a failure happened in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum FailedStep {
    /// Listing returns from Loop.
    Pull,
    /// Reading a Loop return into the core model.
    Convert,
    /// Looking up a return's sales channel.
    Channel,
    /// Checking items in the CloudX item master.
    CheckItems,
    /// Creating (or finding) a receiving ticket.
    CreateTicket,
    /// Writing a note in Loop.
    WriteNote,
    /// Reading a ticket from CloudX.
    Poll,
    /// Turning a ticket into a receipt observation (a ticket that does not
    /// parse is a failure, never "not arrived yet").
    ReadTicket,
    /// Processing or flagging the return in Loop.
    Act,
    /// Cancelling a ticket of a return that ended.
    CancelTicket,
    /// Reading or writing the engine's store.
    Store,
    /// Reading a webhook event from the inbox.
    Event,
}

impl fmt::Display for FailedStep {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self {
            FailedStep::Pull => "pull returns",
            FailedStep::Convert => "read return",
            FailedStep::Channel => "look up sales channel",
            FailedStep::CheckItems => "check items",
            FailedStep::CreateTicket => "create ASN",
            FailedStep::WriteNote => "write note",
            FailedStep::Poll => "poll ticket",
            FailedStep::ReadTicket => "read ticket",
            FailedStep::Act => "act in Loop",
            FailedStep::CancelTicket => "cancel ticket",
            FailedStep::Store => "store",
            FailedStep::Event => "webhook event",
        };
        f.write_str(name)
    }
}

/// Where one return ended up in this run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
#[non_exhaustive]
pub enum Outcome {
    /// Its tickets are at the warehouse; the receipt is awaited.
    AtWarehouse {
        /// The ticket ids.
        tickets: Vec<String>,
    },
    /// Received in part, or in a grace period: decided on a later run.
    Waiting {
        /// Why, for people.
        reason: String,
    },
    /// Processed in Loop.
    Processed {
        /// Lines removed first (a partial receipt the criteria allow).
        removed_lines: usize,
    },
    /// Flagged in Loop for a person to review.
    Flagged {
        /// Why.
        reasons: Vec<String>,
    },
    /// Decided, but auto-process is off: the note is written, a person acts.
    AwaitingPerson {
        /// The decision's note.
        note: String,
    },
    /// Not sent: its sales channel is excluded.
    SkippedChannel {
        /// The channel.
        channel: String,
    },
    /// Not sent: channel exclusions are configured and the return's channel
    /// cannot be known (fail closed).
    ChannelUnknown,
    /// Not sent: items the warehouse's item master does not know.
    ItemsMissing {
        /// The unknown items, e.g. `SKU LS-SAND-M`.
        items: Vec<String>,
    },
    /// A ticket with this return's reference exists but does not match the
    /// plan; nothing was created or accepted in its place.
    TicketMismatch {
        /// The reference number.
        reference: String,
        /// What differs.
        detail: String,
    },
    /// The return ended in Loop before its parcels arrived.
    Ended {
        /// Loop's state (`cancelled`, `expired`, `closed`).
        state: String,
        /// Tickets cancelled in CloudX (they were `Draft` or `PendingCSR`).
        cancelled: Vec<String>,
        /// Tickets past that point, left as they are and reported.
        left: Vec<String>,
    },
    /// A step failed; the next run tries again.
    Failed {
        /// Which step.
        step: FailedStep,
        /// The error, for people.
        error: String,
    },
}

impl Outcome {
    /// A short name, for tables and counts.
    pub fn kind(&self) -> &'static str {
        match self {
            Outcome::AtWarehouse { .. } => "at warehouse",
            Outcome::Waiting { .. } => "waiting",
            Outcome::Processed { .. } => "processed",
            Outcome::Flagged { .. } => "flagged",
            Outcome::AwaitingPerson { .. } => "awaiting a person",
            Outcome::SkippedChannel { .. } => "skipped: excluded channel",
            Outcome::ChannelUnknown => "not sent: channel unknown",
            Outcome::ItemsMissing { .. } => "not sent: unknown items",
            Outcome::TicketMismatch { .. } => "not sent: ticket differs",
            Outcome::Ended { .. } => "ended before arrival",
            Outcome::Failed { .. } => "failed",
        }
    }

    /// A failure, with a step and an error.
    pub(crate) fn failed(step: FailedStep, error: impl fmt::Display) -> Self {
        Outcome::Failed {
            step,
            error: error.to_string(),
        }
    }
}

/// One return's result.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReturnReport {
    /// Loop's return id.
    pub return_id: String,
    /// The order name.
    pub order_name: String,
    /// Where it ended up.
    #[serde(flatten)]
    pub outcome: Outcome,
}

/// Counts of what one run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct StepCounts {
    /// Returns read from Loop.
    pub pulled: usize,
    /// Returns planned for the warehouse (ASN drafts made).
    pub planned: usize,
    /// Tickets created by this run.
    pub tickets_created: usize,
    /// Tickets found by reference (created before; nothing created again).
    pub tickets_found: usize,
    /// Tickets read back from CloudX.
    pub tickets_polled: usize,
    /// Returns whose receipt was decided (process or flag).
    pub decided: usize,
    /// Decisions carried out in Loop.
    pub acted: usize,
    /// Timeline notes written in Loop ("ASN created", "not sent", "ready for
    /// a person"); the note of a decision carried out is part of `acted`.
    pub notes_written: usize,
    /// Tickets cancelled for returns that ended.
    pub tickets_cancelled: usize,
    /// Webhook events handled.
    pub events: usize,
    /// Returns skipped because another worker had claimed them (it
    /// finishes them).
    pub held_elsewhere: usize,
}

/// What one run did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SyncReport {
    /// When the run started (the engine's clock).
    #[serde(with = "time::serde::rfc3339")]
    pub started_at: OffsetDateTime,
    /// When it ended.
    #[serde(with = "time::serde::rfc3339")]
    pub finished_at: OffsetDateTime,
    /// Counts per step.
    pub counts: StepCounts,
    /// One entry per return the run touched, in the order they finished.
    pub returns: Vec<ReturnReport>,
    /// Failures not tied to one return (the pull, the inbox).
    pub run_failures: Vec<RunFailure>,
}

/// A failure of the run as a whole.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RunFailure {
    /// Which step.
    pub step: FailedStep,
    /// The error, for people.
    pub error: String,
}

impl SyncReport {
    pub(crate) fn new(started_at: OffsetDateTime) -> Self {
        Self {
            started_at,
            finished_at: started_at,
            counts: StepCounts::default(),
            returns: Vec::new(),
            run_failures: Vec::new(),
        }
    }

    /// Every failure: the run's own, then each return's, with its id.
    pub fn failures(&self) -> impl Iterator<Item = (Option<&str>, FailedStep, &str)> {
        let run = self
            .run_failures
            .iter()
            .map(|f| (None, f.step, f.error.as_str()));
        let returns = self.returns.iter().filter_map(|r| match &r.outcome {
            Outcome::Failed { step, error } => {
                Some((Some(r.return_id.as_str()), *step, error.as_str()))
            }
            _ => None,
        });
        run.chain(returns)
    }

    /// How many returns ended in each kind of outcome (see [`Outcome::kind`]).
    pub fn outcome_counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for r in &self.returns {
            *counts.entry(r.outcome.kind()).or_insert(0) += 1;
        }
        counts
    }

    /// The outcome of one return, if the run touched it.
    pub fn outcome_of(&self, return_id: &str) -> Option<&Outcome> {
        self.returns
            .iter()
            .rev()
            .find(|r| r.return_id == return_id)
            .map(|r| &r.outcome)
    }

    /// One line for logs: the outcome counts.
    pub fn one_line(&self) -> String {
        let parts: Vec<String> = self
            .outcome_counts()
            .into_iter()
            .map(|(kind, n)| format!("{n} {kind}"))
            .collect();
        format!("{} returns: {}", self.returns.len(), parts.join(", "))
    }
}

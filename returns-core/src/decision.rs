//! The outcome of judging a warehouse receipt: process, flag or wait, with
//! typed reasons.
//!
//! A decision tells the caller what to do next with the return:
//!
//! | decision | Loop action |
//! |---|---|
//! | [`Decision::Process`] without partial receipt | *Process Return* |
//! | [`Decision::Process`] with a [`PartialReceipt`] | *Remove Line Items* with [`PartialReceipt::remove_lines`] (which also processes) |
//! | [`Decision::Flag`] | *Flag Return* and *Create Return Note* with [`Decision::note`] |
//! | [`Decision::Wait`] | nothing; poll again later |

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::evaluation::ArrivalClock;
use crate::model::{ItemKey, LineId};
use crate::observation::{ItemCondition, ReceivingPhase};
use crate::reference::ReferenceNumber;

/// What to do with a return, given what the warehouse reported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "decision")]
#[non_exhaustive]
pub enum Decision {
    /// The receipt meets the criteria: process the return.
    Process {
        /// `Some` when some units are missing and the criteria allow
        /// processing without them: remove these lines first.
        partial: Option<PartialReceipt>,
    },
    /// A person must review the return.
    Flag {
        /// Every reason found, in a stable order; never empty.
        reasons: Vec<FlagReason>,
    },
    /// Not decidable yet; ask again after the next warehouse update.
    Wait {
        /// Why.
        reason: WaitReason,
    },
}

impl Decision {
    /// Whether the decision is to process (fully or partially).
    pub fn is_process(&self) -> bool {
        matches!(self, Self::Process { .. })
    }

    /// Whether the decision is to flag.
    pub fn is_flag(&self) -> bool {
        matches!(self, Self::Flag { .. })
    }

    /// Whether the decision is to wait.
    pub fn is_wait(&self) -> bool {
        matches!(self, Self::Wait { .. })
    }

    /// The lines to remove before processing; empty unless partial.
    pub fn lines_to_remove(&self) -> &[LineId] {
        match self {
            Self::Process {
                partial: Some(partial),
            } => &partial.remove_lines,
            _ => &[],
        }
    }

    /// The flag reasons; empty unless flagged.
    pub fn flag_reasons(&self) -> &[FlagReason] {
        match self {
            Self::Flag { reasons } => reasons,
            _ => &[],
        }
    }

    /// A deterministic human note of at most
    /// [`NOTE_MAX_LEN`](crate::NOTE_MAX_LEN) characters summarising the
    /// decision, for the returns platform's timeline (see [`crate::note`]).
    pub fn note(&self) -> String {
        crate::note::render_note(self)
    }
}

/// Processing without some missing units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PartialReceipt {
    /// The return lines to remove: exactly the missing units, as whole
    /// lines, in a stable order.
    pub remove_lines: Vec<LineId>,
    /// The shortages these lines account for.
    pub shortages: Vec<Shortage>,
}

impl PartialReceipt {
    /// A partial receipt removing `remove_lines` because of `shortages`.
    pub fn new(remove_lines: Vec<LineId>, shortages: Vec<Shortage>) -> Self {
        Self {
            remove_lines,
            shortages,
        }
    }
}

/// Fewer units of an item arrived than were expected.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Shortage {
    /// The item.
    pub item: ItemKey,
    /// The return lines announced for it.
    pub lines: Vec<LineId>,
    /// Units expected over the whole return.
    pub expected: u32,
    /// Units that arrived (damaged ones included).
    pub received: u32,
}

impl Shortage {
    /// A shortage of `item`.
    pub fn new(item: ItemKey, lines: Vec<LineId>, expected: u32, received: u32) -> Self {
        Self {
            item,
            lines,
            expected,
            received,
        }
    }

    /// Units missing.
    pub fn missing(&self) -> u32 {
        self.expected.saturating_sub(self.received)
    }
}

impl fmt::Display for Shortage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} short: expected {}, received {}",
            self.item, self.expected, self.received
        )
    }
}

/// Why a return is flagged. Each reason is typed data naming the item or
/// shipment concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
#[non_exhaustive]
pub enum FlagReason {
    /// Fewer units arrived than expected.
    Shortage(Shortage),
    /// More units of an expected item arrived than were announced.
    OverReceipt {
        /// The item.
        item: ItemKey,
        /// The return lines announced for it.
        lines: Vec<LineId>,
        /// Units expected.
        expected: u32,
        /// Units that arrived.
        received: u32,
    },
    /// The return holds more damaged units than the tolerance; one reason
    /// per damaged item.
    Damaged {
        /// The item.
        item: ItemKey,
        /// The return lines announced for it (empty for an unexpected item).
        lines: Vec<LineId>,
        /// Units of it that arrived.
        received: u32,
        /// Units of it that are damaged.
        damaged: u32,
    },
    /// The warehouse received an item that no ASN of the return announced.
    UnexpectedItem {
        /// The item as the warehouse identified it; `None` when it gave no
        /// SKU or barcode.
        item: Option<ItemKey>,
        /// Units received.
        received: u32,
        /// The ASN it was found in.
        reference: ReferenceNumber,
    },
    /// The warehouse recorded a condition that needs a person: `WrongItem`,
    /// or a condition this crate does not know.
    Condition {
        /// The expected item the condition was recorded on.
        item: ItemKey,
        /// The condition.
        condition: ItemCondition,
        /// The ASN.
        reference: ReferenceNumber,
    },
    /// The warehouse cancelled an ASN of the return.
    Cancelled {
        /// The cancelled ASN.
        reference: ReferenceNumber,
    },
    /// A parcel had not arrived when the not-arrived deadline passed.
    NotArrived {
        /// The ASN still waiting for its parcel.
        reference: ReferenceNumber,
        /// Whole days since the clock started.
        days: i64,
        /// When and why the not-arrived clock started; the note names it.
        clock: ArrivalClock,
    },
    /// Partial processing was allowed, but a missing unit belongs to a
    /// multi-unit line that cannot be removed in part.
    PartialNotPossible {
        /// The item.
        item: ItemKey,
        /// Units missing.
        missing: u32,
    },
}

impl fmt::Display for FlagReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Shortage(shortage) => shortage.fmt(f),
            Self::OverReceipt {
                item,
                expected,
                received,
                ..
            } => write!(f, "{item} over: expected {expected}, received {received}"),
            Self::Damaged {
                item,
                received,
                damaged,
                ..
            } => write!(f, "{item} damaged: {damaged} of {received}"),
            Self::UnexpectedItem {
                item: Some(item),
                received,
                reference,
            } => write!(f, "unexpected {item} x{received} in {reference}"),
            Self::UnexpectedItem {
                item: None,
                received,
                reference,
            } => write!(f, "unidentified item x{received} in {reference}"),
            Self::Condition {
                item,
                condition,
                reference,
            } => write!(f, "{item} condition {condition} in {reference}"),
            Self::Cancelled { reference } => write!(f, "ASN {reference} cancelled"),
            Self::NotArrived {
                reference,
                days,
                clock,
            } => write!(f, "ASN {reference} not arrived {days} days {clock}"),
            Self::PartialNotPossible { item, missing } => write!(
                f,
                "{item}: {missing} missing unit(s) cannot be removed as whole lines"
            ),
        }
    }
}

/// Why a return cannot be decided yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "reason")]
#[non_exhaustive]
pub enum WaitReason {
    /// Some ASNs are not terminal yet.
    ShipmentsPending {
        /// The pending ASNs, in shipment order.
        pending: Vec<PendingShipment>,
    },
    /// Units are missing; the shortage grace period is running.
    ShortageGracePeriod {
        /// When the grace period ends.
        #[serde(with = "time::serde::rfc3339")]
        until: OffsetDateTime,
        /// The shortages.
        shortages: Vec<Shortage>,
    },
    /// The return has no ASN, so there is nothing to judge.
    NoShipments,
}

impl fmt::Display for WaitReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ShipmentsPending { pending } => {
                f.write_str("waiting for ")?;
                crate::settings::write_joined(f, pending)
            }
            Self::ShortageGracePeriod { until, shortages } => {
                write!(f, "waiting until {} for ", until.date())?;
                crate::settings::write_joined(f, shortages)
            }
            Self::NoShipments => f.write_str("the return has no ASN"),
        }
    }
}

/// An ASN that is not terminal yet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PendingShipment {
    /// The ASN.
    pub reference: ReferenceNumber,
    /// Its phase; `None` when the warehouse reported nothing about it.
    pub phase: Option<ReceivingPhase>,
    /// Whether its parcel is past the not-arrived deadline (with the
    /// criteria set to keep waiting).
    pub overdue: bool,
}

impl PendingShipment {
    /// A pending ASN.
    pub fn new(reference: ReferenceNumber, phase: Option<ReceivingPhase>, overdue: bool) -> Self {
        Self {
            reference,
            phase,
            overdue,
        }
    }
}

impl fmt::Display for PendingShipment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.phase {
            Some(phase) => write!(f, "{} ({phase}", self.reference)?,
            None => write!(f, "{} (no report", self.reference)?,
        }
        if self.overdue {
            f.write_str(", overdue")?;
        }
        f.write_str(")")
    }
}

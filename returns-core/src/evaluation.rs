//! Receipt-criteria evaluation: from a return's ASN drafts and what the
//! warehouse reports about them, decide to process, flag or wait.

mod counts;

use std::fmt;

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::asn::AsnDraft;
use crate::criteria::{NotArrivedAction, ReceiptCriteria};
use crate::decision::{Decision, FlagReason, PendingShipment, WaitReason};
use crate::observation::{ReceivingPhase, ShipmentObservation};
use crate::reference::ReferenceNumber;

/// When the "not arrived after N days" clock of a return starts, and why
/// then.
///
/// The warehouse cannot expect a parcel before its ASN exists, so the clock
/// never starts at the return's creation: a return opened weeks before the
/// integration first saw it would be flagged as overdue in the very run that
/// created its ASN. It starts when the ASN was created, or when the carrier
/// reported the parcel delivered where the returns platform says so (Loop:
/// a label status `delivered` with its `updated_at`).
///
/// `returns-sync` passes the creation time of the return's **earliest**
/// receiving ticket ([`ArrivalClock::asn_created`]), or the delivery time
/// when the carrier reported one.
///
/// ```
/// use returns_core::{ArrivalClock, ClockBasis};
/// use time::macros::datetime;
///
/// let clock = ArrivalClock::asn_created(datetime!(2025-03-04 15:12 UTC));
/// assert_eq!(clock.basis, ClockBasis::AsnCreated);
/// assert_eq!(clock.to_string(), "after the ASN was created on 2025-03-04");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ArrivalClock {
    /// When the clock started.
    #[serde(with = "time::serde::rfc3339")]
    pub since: OffsetDateTime,
    /// What happened then.
    pub basis: ClockBasis,
}

impl ArrivalClock {
    /// A clock started at `since` for the given reason.
    pub fn new(since: OffsetDateTime, basis: ClockBasis) -> Self {
        Self { since, basis }
    }

    /// A clock started when the (earliest) ASN of the return was created.
    pub fn asn_created(at: OffsetDateTime) -> Self {
        Self::new(at, ClockBasis::AsnCreated)
    }

    /// A clock started when the carrier reported the parcel delivered.
    pub fn carrier_delivered(at: OffsetDateTime) -> Self {
        Self::new(at, ClockBasis::CarrierDelivered)
    }

    /// Whole days from the start of the clock to `now` (negative when `now`
    /// is earlier).
    pub fn days_until(&self, now: OffsetDateTime) -> i64 {
        (now - self.since).whole_days()
    }
}

/// Renders as `after the ASN was created on 2025-03-04` or `after the
/// carrier reported delivery on 2025-03-04` (dates in the clock's offset).
impl fmt::Display for ArrivalClock {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "after {} on {}", self.basis, self.since.date())
    }
}

/// What started an [`ArrivalClock`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ClockBasis {
    /// The return's ASN (receiving ticket) was created at the warehouse.
    AsnCreated,
    /// The carrier reported the parcel delivered to the warehouse.
    CarrierDelivered,
}

impl fmt::Display for ClockBasis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::AsnCreated => "the ASN was created",
            Self::CarrierDelivered => "the carrier reported delivery",
        })
    }
}

/// Decides what to do with a return.
///
/// - `drafts`: the return's ASNs, as planned by
///   [`plan_asns`](crate::plan_asns).
/// - `observations`: what the warehouse reports, matched to drafts by
///   reference number. A draft without a report counts as not arrived;
///   reports for unknown references are ignored; when a reference is
///   reported twice, the first report wins.
/// - `clock`: when the not-arrived clock started, and why (see
///   [`ArrivalClock`]; the engine passes the earliest ticket's creation
///   time, never the return's creation). It also stands in for the receipt
///   time of a received ASN whose report has none.
/// - `now`: the current time. Nothing here reads a clock.
///
/// The rules, in the order they apply:
///
/// 1. No drafts: wait ([`WaitReason::NoShipments`]) — there is nothing to
///    judge.
/// 2. A cancelled ASN flags, and so does a parcel not arrived
///    `not_arrived.after_days` after the clock started (unless the criteria
///    say wait): no later warehouse update can fix these, a person must
///    follow up. The flag reason carries the clock, so the note says which
///    date it counted from.
/// 3. While an ASN is not terminal, wait — unless
///    `wait_for_all_shipments` is off and at least one ASN is received, in
///    which case the others' counts are taken as they stand.
/// 4. Counts are compared per item over the whole return (a unit packed in
///    the "wrong" parcel of the same return is still the unit expected).
///    Over-receipts (unless allowed), damaged units above the tolerance,
///    unexpected items (unless allowed) and `WrongItem` or unknown
///    conditions flag, with every reason listed.
/// 5. Shortages alone: wait out the shortage grace period if configured
///    (counted from the last receipt), then process without the missing
///    lines if allowed and possible, else flag.
/// 6. Otherwise: process.
///
/// ```
/// use returns_core::*;
/// use time::macros::datetime;
///
/// let settings = IntegrationSettings::new("BERGEN-NJ-01");
/// let ret = Return::new("40211877", "#10452", "10452", datetime!(2025-03-04 15:12 UTC))
///     .with_line(ReturnLine::new("1").with_sku("LS-SAND-M"));
/// let plan = plan_asns(&ret, &settings)?;
/// let draft = &plan.drafts()[0];
/// let report = ShipmentObservation::new(draft.reference_number.clone(), ReceivingPhase::Received)
///     .with_line(ObservedLine::new(&ItemKey::Sku("LS-SAND-M".into()), 1, 0));
/// let asn_created = ArrivalClock::asn_created(datetime!(2025-03-04 15:13 UTC));
/// let decision = evaluate_receipt(
///     plan.drafts(),
///     &[report],
///     &settings.receipt_criteria,
///     asn_created,
///     datetime!(2025-03-09 10:00 UTC),
/// );
/// assert_eq!(decision, Decision::Process { partial: None });
///
/// // Nothing arrived 30 days after the ASN was created: flag, saying so.
/// let decision = evaluate_receipt(
///     plan.drafts(),
///     &[],
///     &settings.receipt_criteria,
///     asn_created,
///     datetime!(2025-04-05 10:00 UTC),
/// );
/// assert_eq!(
///     decision.note(),
///     "Flagged for review: ASN #10452-R40211877-S not arrived 31 days after the ASN was created on 2025-03-04."
/// );
/// # Ok::<(), MappingError>(())
/// ```
pub fn evaluate_receipt(
    drafts: &[AsnDraft],
    observations: &[ShipmentObservation],
    criteria: &ReceiptCriteria,
    clock: ArrivalClock,
    now: OffsetDateTime,
) -> Decision {
    if drafts.is_empty() {
        return Decision::Wait {
            reason: WaitReason::NoShipments,
        };
    }

    let status = shipment_status(drafts, observations, criteria, clock, now);
    if !status.blocking.is_empty() {
        return Decision::Flag {
            reasons: status.blocking,
        };
    }
    let any_received = status.last_received_at.is_some();
    if !status.pending.is_empty() && (criteria.wait_for_all_shipments || !any_received) {
        return Decision::Wait {
            reason: WaitReason::ShipmentsPending {
                pending: status.pending,
            },
        };
    }

    let counted = counted_reports(drafts, observations, criteria);
    let content = counts::judge(drafts, counted, criteria);
    if !content.problems.is_empty() {
        let mut reasons: Vec<FlagReason> = content
            .shortages
            .into_iter()
            .map(FlagReason::Shortage)
            .collect();
        reasons.extend(content.problems);
        return Decision::Flag { reasons };
    }
    if content.shortages.is_empty() {
        return Decision::Process { partial: None };
    }

    counts::decide_shortages(
        drafts,
        content,
        criteria,
        status.last_received_at,
        clock,
        now,
    )
}

/// The terminal-state side of the evaluation.
struct ShipmentStatus {
    /// Cancelled or overdue ASNs: flag regardless of counts.
    blocking: Vec<FlagReason>,
    /// ASNs not terminal yet.
    pending: Vec<PendingShipment>,
    /// The latest receipt time among received ASNs (`Some` iff at least one
    /// is received; the clock's start stands in for a missing timestamp).
    last_received_at: Option<OffsetDateTime>,
}

fn shipment_status(
    drafts: &[AsnDraft],
    observations: &[ShipmentObservation],
    criteria: &ReceiptCriteria,
    clock: ArrivalClock,
    now: OffsetDateTime,
) -> ShipmentStatus {
    let days_waited = clock.days_until(now);
    let past_deadline = days_waited >= i64::from(criteria.not_arrived.after_days);
    let mut status = ShipmentStatus {
        blocking: Vec::new(),
        pending: Vec::new(),
        last_received_at: None,
    };
    for draft in drafts {
        let reference = &draft.reference_number;
        let report = report_for(observations, reference);
        match report {
            Some(report) if report.phase == ReceivingPhase::Cancelled => {
                status.blocking.push(FlagReason::Cancelled {
                    reference: reference.clone(),
                });
            }
            Some(report) if report.phase == ReceivingPhase::Received => {
                let at = report.received_at.unwrap_or(clock.since);
                status.last_received_at = status.last_received_at.max(Some(at));
            }
            _ => {
                let phase = report.map(|report| report.phase);
                let arrived = report.is_some_and(ShipmentObservation::has_arrived);
                let overdue = !arrived && past_deadline;
                if overdue && criteria.not_arrived.action == NotArrivedAction::Flag {
                    status.blocking.push(FlagReason::NotArrived {
                        reference: reference.clone(),
                        days: days_waited,
                        clock,
                    });
                    continue;
                }
                status
                    .pending
                    .push(PendingShipment::new(reference.clone(), phase, overdue));
            }
        }
    }
    status
}

/// The first report on an ASN.
fn report_for<'a>(
    observations: &'a [ShipmentObservation],
    reference: &ReferenceNumber,
) -> Option<&'a ShipmentObservation> {
    observations
        .iter()
        .find(|report| &report.reference_number == reference)
}

/// The reports whose counts are judged once no ASN blocks: those of
/// received ASNs and, unless the criteria wait for every shipment, those of
/// pending ones. Found again rather than collected by [`shipment_status`],
/// so that judging allocates nothing.
fn counted_reports<'a>(
    drafts: &'a [AsnDraft],
    observations: &'a [ShipmentObservation],
    criteria: &ReceiptCriteria,
) -> impl Iterator<Item = &'a ShipmentObservation> {
    let take_pending = !criteria.wait_for_all_shipments;
    drafts
        .iter()
        .filter_map(|draft| report_for(observations, &draft.reference_number))
        .filter(move |report| match report.phase {
            ReceivingPhase::Received => true,
            ReceivingPhase::Cancelled => false,
            _ => take_pending,
        })
}

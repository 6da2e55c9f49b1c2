//! The count side of the evaluation: expected against counted units per
//! item, and what shortages lead to.
//!
//! Tallies borrow their item and find their return lines in the drafts
//! when a reason needs them, so that a receipt that matches (the common
//! case) costs one small allocation.

use time::{Duration, OffsetDateTime, PrimitiveDateTime};

use super::ArrivalClock;
use crate::asn::{AsnDraft, SourceLine};
use crate::criteria::{ReceiptCriteria, ShortagePolicy};
use crate::decision::{Decision, FlagReason, PartialReceipt, Shortage, WaitReason};
use crate::model::{ItemKey, LineId};
use crate::observation::{ItemCondition, ShipmentObservation};

/// Expected and counted units of one item over the whole return.
struct Tally<'a> {
    item: &'a ItemKey,
    expected: u64,
    arrived: u64,
    damaged: u64,
}

/// The count side of the evaluation.
pub(super) struct CountVerdict<'a> {
    /// Shortages, in item order.
    pub(super) shortages: Vec<Shortage>,
    /// Every other reason to flag.
    pub(super) problems: Vec<FlagReason>,
    /// Tallies of the short items, in item order (for partial processing).
    tallies: Vec<Tally<'a>>,
    /// Whether any expected unit arrived at all.
    anything_arrived: bool,
}

/// Compares the counts of the `counted` reports with the drafts.
pub(super) fn judge<'a, 'r>(
    drafts: &'a [AsnDraft],
    counted: impl Iterator<Item = &'r ShipmentObservation>,
    criteria: &ReceiptCriteria,
) -> CountVerdict<'a> {
    let mut tallies = expected_tallies(drafts);
    let fallback = ItemKey::Sku(String::new());
    let preferred = tallies.first().map_or(&fallback, |tally| tally.item);
    let mut conditions = Vec::new();
    let mut unexpected = Vec::new();

    for report in counted {
        for line in &report.lines {
            let Some(tally) = tallies.iter_mut().find(|tally| line.matches(tally.item)) else {
                if line.arrived_units() > 0 && criteria.flag_unexpected_items {
                    unexpected.push(FlagReason::UnexpectedItem {
                        item: line.item_key(preferred),
                        received: line.arrived_units(),
                        reference: report.reference_number.clone(),
                    });
                }
                continue;
            };
            tally.arrived += u64::from(line.arrived_units());
            tally.damaged += u64::from(line.damaged_units());
            let needs_person = match &line.condition {
                Some(ItemCondition::WrongItem) => criteria.flag_unexpected_items,
                Some(ItemCondition::Other(raw)) => !raw.trim().is_empty(),
                _ => false,
            };
            if let (true, Some(condition)) = (needs_person, &line.condition) {
                conditions.push(FlagReason::Condition {
                    item: tally.item.clone(),
                    condition: condition.clone(),
                    reference: report.reference_number.clone(),
                });
            }
        }
    }

    let mut shortages = Vec::new();
    let mut problems = Vec::new();
    for tally in &tallies {
        if tally.arrived < tally.expected {
            shortages.push(Shortage::new(
                tally.item.clone(),
                line_ids(drafts, tally.item),
                saturate(tally.expected),
                saturate(tally.arrived),
            ));
        } else if tally.arrived > tally.expected && !criteria.allow_over_receipt {
            problems.push(FlagReason::OverReceipt {
                item: tally.item.clone(),
                lines: line_ids(drafts, tally.item),
                expected: saturate(tally.expected),
                received: saturate(tally.arrived),
            });
        }
    }
    let total_damaged: u64 = tallies.iter().map(|tally| tally.damaged).sum();
    if total_damaged > u64::from(criteria.damaged_tolerance) {
        for tally in tallies.iter().filter(|tally| tally.damaged > 0) {
            problems.push(FlagReason::Damaged {
                item: tally.item.clone(),
                lines: line_ids(drafts, tally.item),
                received: saturate(tally.arrived),
                damaged: saturate(tally.damaged),
            });
        }
    }
    problems.extend(conditions);
    problems.extend(unexpected);
    let anything_arrived = tallies.iter().any(|tally| tally.arrived > 0);
    tallies.retain(|tally| tally.arrived < tally.expected);
    CountVerdict {
        shortages,
        problems,
        tallies,
        anything_arrived,
    }
}

/// One tally per distinct item, in order of first appearance in the drafts.
fn expected_tallies(drafts: &[AsnDraft]) -> Vec<Tally<'_>> {
    let mut tallies: Vec<Tally<'_>> = Vec::new();
    for line in drafts.iter().flat_map(|draft| &draft.lines) {
        let index = match tallies.iter().position(|tally| *tally.item == line.item) {
            Some(index) => index,
            None => {
                tallies.push(Tally {
                    item: &line.item,
                    expected: 0,
                    arrived: 0,
                    damaged: 0,
                });
                tallies.len() - 1
            }
        };
        tallies[index].expected += u64::from(line.expected_quantity.get());
    }
    tallies
}

/// The return lines announced for an item, in draft and line order.
fn source_lines<'a>(
    drafts: &'a [AsnDraft],
    item: &'a ItemKey,
) -> impl DoubleEndedIterator<Item = &'a SourceLine> {
    drafts
        .iter()
        .flat_map(|draft| &draft.lines)
        .filter(move |line| line.item == *item)
        .flat_map(|line| &line.return_lines)
}

fn line_ids(drafts: &[AsnDraft], item: &ItemKey) -> Vec<LineId> {
    source_lines(drafts, item)
        .map(|line| line.line_id.clone())
        .collect()
}

/// Shortages are the only problem: wait out the grace period, process
/// without the missing lines when allowed and possible, or flag.
pub(super) fn decide_shortages(
    drafts: &[AsnDraft],
    content: CountVerdict<'_>,
    criteria: &ReceiptCriteria,
    last_received_at: Option<OffsetDateTime>,
    clock: ArrivalClock,
    now: OffsetDateTime,
) -> Decision {
    if let ShortagePolicy::WaitDays(days) = criteria.shortage {
        let from = last_received_at.unwrap_or(clock.since);
        let until = from
            .checked_add(Duration::days(i64::from(days)))
            .unwrap_or_else(|| PrimitiveDateTime::MAX.assume_utc());
        if now < until {
            return Decision::Wait {
                reason: WaitReason::ShortageGracePeriod {
                    until,
                    shortages: content.shortages,
                },
            };
        }
    }

    // Removing every line is not a partial receipt: nothing came back.
    if !criteria.process_partial_receipts || !content.anything_arrived {
        return flag_shortages(content.shortages, Vec::new());
    }

    let mut remove_lines = Vec::new();
    let mut impossible = Vec::new();
    for tally in &content.tallies {
        let missing = tally.expected - tally.arrived;
        match lines_covering(source_lines(drafts, tally.item), missing) {
            Some(lines) => remove_lines.extend(lines),
            None => impossible.push(FlagReason::PartialNotPossible {
                item: tally.item.clone(),
                missing: saturate(missing),
            }),
        }
    }
    if impossible.is_empty() {
        Decision::Process {
            partial: Some(PartialReceipt::new(remove_lines, content.shortages)),
        }
    } else {
        flag_shortages(content.shortages, impossible)
    }
}

fn flag_shortages(shortages: Vec<Shortage>, extra: Vec<FlagReason>) -> Decision {
    let mut reasons: Vec<FlagReason> = shortages.into_iter().map(FlagReason::Shortage).collect();
    reasons.extend(extra);
    Decision::Flag { reasons }
}

/// Whole lines adding up to exactly `missing` units, taken from the end of
/// the list (which units of identical items are "the missing ones" does
/// not matter), in list order; `None` when no such choice is found.
fn lines_covering<'a>(
    lines: impl DoubleEndedIterator<Item = &'a SourceLine>,
    missing: u64,
) -> Option<Vec<LineId>> {
    let mut remaining = missing;
    let mut chosen = Vec::new();
    for line in lines.rev() {
        let quantity = u64::from(line.quantity.get());
        if quantity <= remaining {
            remaining -= quantity;
            chosen.push(line.line_id.clone());
        }
        if remaining == 0 {
            break;
        }
    }
    chosen.reverse();
    (remaining == 0).then_some(chosen)
}

fn saturate(units: u64) -> u32 {
    u32::try_from(units).unwrap_or(u32::MAX)
}

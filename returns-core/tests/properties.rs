//! Property tests of the invariants the rest of the SDK relies on.

mod common;

use std::collections::{BTreeMap, HashSet};

use common::*;
use proptest::prelude::*;
use returns_core::*;
use time::Duration;

// ---------------------------------------------------------------- strategies

/// A mappable return (every line has a SKU) with 0 to 3 listed shipments.
fn arb_return() -> impl Strategy<Value = Return> {
    let lines = prop::collection::vec(
        (
            prop::sample::select(vec!["A", "B", " A ", "C", "sku-é", "D\t"]),
            1u32..=5,
            0usize..3,
        ),
        1..10,
    );
    ("\\PC{0,40}", "\\PC{0,60}", lines, any::<bool>()).prop_map(|(id, order, lines, listed)| {
        let mut ret = Return::new(id, order, "1001", CREATED);
        let mut shipments: BTreeMap<usize, Vec<LineId>> = BTreeMap::new();
        for (index, (sku, quantity, shipment)) in lines.into_iter().enumerate() {
            let line_id = LineId::new(format!("L{index}"));
            shipments.entry(shipment).or_default().push(line_id.clone());
            ret = ret.with_line(
                ReturnLine::new(line_id)
                    .with_sku(sku)
                    .with_quantity(qty(quantity)),
            );
        }
        if listed {
            for (number, line_ids) in shipments.into_values().enumerate() {
                ret = ret.with_shipment(
                    ReturnShipment::new(line_ids).with_tracking_number(format!("T{number}")),
                );
            }
        }
        ret
    })
}

fn arb_criteria() -> impl Strategy<Value = ReceiptCriteria> {
    (
        any::<bool>(),
        prop_oneof![
            Just(ShortagePolicy::Flag),
            (0u32..60).prop_map(ShortagePolicy::WaitDays)
        ],
        any::<bool>(),
        any::<bool>(),
        0u32..5,
        any::<bool>(),
        (1u32..90, any::<bool>()),
    )
        .prop_map(
            |(wait_all, shortage, partial, over, tolerance, unexpected, (days, flag))| {
                let mut criteria = ReceiptCriteria::default();
                criteria.wait_for_all_shipments = wait_all;
                criteria.shortage = shortage;
                criteria.process_partial_receipts = partial;
                criteria.allow_over_receipt = over;
                criteria.damaged_tolerance = tolerance;
                criteria.flag_unexpected_items = unexpected;
                let action = if flag {
                    NotArrivedAction::Flag
                } else {
                    NotArrivedAction::Wait
                };
                criteria.not_arrived = NotArrivedPolicy::new(days, action);
                criteria
            },
        )
}

/// Reports that receive every expected unit, undamaged, but shuffled: each
/// line's units are split into pieces placed in any ticket of the return.
fn scattered_full_reports(drafts: &[AsnDraft], choices: &[usize]) -> Vec<ShipmentObservation> {
    let mut choice = choices.iter().copied().cycle();
    let mut reports: Vec<ShipmentObservation> = drafts
        .iter()
        .map(|draft| {
            ShipmentObservation::new(draft.reference_number.clone(), ReceivingPhase::Received)
        })
        .collect();
    for line in drafts.iter().flat_map(|draft| &draft.lines) {
        let mut left = line.expected_quantity.get();
        while left > 0 {
            let piece = 1 + choice.next().unwrap_or(0) as u32 % left;
            left -= piece;
            let target = choice.next().unwrap_or(0) % reports.len();
            let condition = match choice.next().unwrap_or(0) % 3 {
                0 => Some(ItemCondition::Sellable),
                _ => None,
            };
            let mut observed = ObservedLine::new(&line.item, piece, 0);
            observed.condition = condition;
            reports[target].lines.push(observed);
        }
    }
    reports
}

fn arb_item() -> impl Strategy<Value = ItemKey> {
    prop_oneof![
        "\\PC{0,300}".prop_map(ItemKey::Sku),
        "\\PC{0,300}".prop_map(ItemKey::Barcode),
    ]
}

fn arb_reference() -> impl Strategy<Value = ReferenceNumber> {
    ("\\PC{0,80}", "\\PC{0,80}", any::<u16>())
        .prop_map(|(order, id, n)| ReferenceNumber::for_shipment(&order, &ReturnId::new(id), n))
}

fn arb_line_ids() -> impl Strategy<Value = Vec<LineId>> {
    prop::collection::vec("\\PC{0,40}".prop_map(LineId::new), 0..40)
}

fn arb_shortage() -> impl Strategy<Value = Shortage> {
    (arb_item(), arb_line_ids(), any::<u32>(), any::<u32>()).prop_map(
        |(item, lines, expected, received)| Shortage::new(item, lines, expected, received),
    )
}

fn arb_reason() -> impl Strategy<Value = FlagReason> {
    prop_oneof![
        arb_shortage().prop_map(FlagReason::Shortage),
        (arb_item(), arb_line_ids(), any::<u32>(), any::<u32>()).prop_map(
            |(item, lines, expected, received)| {
                FlagReason::OverReceipt {
                    item,
                    lines,
                    expected,
                    received,
                }
            }
        ),
        (arb_item(), arb_line_ids(), any::<u32>(), any::<u32>()).prop_map(
            |(item, lines, received, damaged)| {
                FlagReason::Damaged {
                    item,
                    lines,
                    received,
                    damaged,
                }
            }
        ),
        (prop::option::of(arb_item()), any::<u32>(), arb_reference()).prop_map(
            |(item, received, reference)| FlagReason::UnexpectedItem {
                item,
                received,
                reference
            }
        ),
        (arb_item(), "\\PC{0,300}", arb_reference()).prop_map(|(item, condition, reference)| {
            FlagReason::Condition {
                item,
                condition: ItemCondition::parse(&condition),
                reference,
            }
        }),
        arb_reference().prop_map(|reference| FlagReason::Cancelled { reference }),
        (arb_reference(), any::<i64>())
            .prop_map(|(reference, days)| FlagReason::NotArrived { reference, days }),
        (arb_item(), any::<u32>())
            .prop_map(|(item, missing)| FlagReason::PartialNotPossible { item, missing }),
    ]
}

fn arb_decision() -> impl Strategy<Value = Decision> {
    let phase = prop::sample::select(vec![
        ReceivingPhase::Open,
        ReceivingPhase::Arrived,
        ReceivingPhase::Receiving,
        ReceivingPhase::Unknown,
    ]);
    let pending = prop::collection::vec(
        (arb_reference(), prop::option::of(phase), any::<bool>()).prop_map(
            |(reference, phase, overdue)| PendingShipment::new(reference, phase, overdue),
        ),
        1..30,
    );
    prop_oneof![
        Just(Decision::Process { partial: None }),
        (arb_line_ids(), prop::collection::vec(arb_shortage(), 0..20)).prop_map(
            |(lines, shortages)| {
                Decision::Process {
                    partial: Some(PartialReceipt::new(lines, shortages)),
                }
            }
        ),
        prop::collection::vec(arb_reason(), 1..30).prop_map(|reasons| Decision::Flag { reasons }),
        pending.prop_map(|pending| Decision::Wait {
            reason: WaitReason::ShipmentsPending { pending }
        }),
        (0i64..100_000, prop::collection::vec(arb_shortage(), 1..20)).prop_map(
            |(days, shortages)| {
                Decision::Wait {
                    reason: WaitReason::ShortageGracePeriod {
                        until: day(days),
                        shortages,
                    },
                }
            }
        ),
        Just(Decision::Wait {
            reason: WaitReason::NoShipments
        }),
    ]
}

// ---------------------------------------------------------------- properties

proptest! {
    #[test]
    fn mapping_conserves_expected_quantity_per_identifier(ret in arb_return()) {
        let drafts = drafts_of(&ret, &settings());
        let mut announced: BTreeMap<ItemKey, u64> = BTreeMap::new();
        for line in &ret.lines {
            let key = line.item_key(ProductIdentification::Sku).expect("generated lines have SKUs");
            *announced.entry(key).or_default() += u64::from(line.quantity.get());
        }
        let mut expected: BTreeMap<ItemKey, u64> = BTreeMap::new();
        for line in drafts.iter().flat_map(|draft| &draft.lines) {
            *expected.entry(line.item.clone()).or_default() += u64::from(line.expected_quantity.get());
        }
        prop_assert_eq!(announced, expected);
    }

    #[test]
    fn mapping_puts_every_line_in_exactly_one_asn(ret in arb_return()) {
        let drafts = drafts_of(&ret, &settings());
        let mut placed: Vec<(LineId, u32)> = drafts
            .iter()
            .flat_map(|draft| &draft.lines)
            .flat_map(|line| &line.return_lines)
            .map(|source| (source.line_id.clone(), source.quantity.get()))
            .collect();
        placed.sort();
        let mut lines: Vec<(LineId, u32)> =
            ret.lines.iter().map(|line| (line.id.clone(), line.quantity.get())).collect();
        lines.sort();
        prop_assert_eq!(placed, lines);
        // Within one ASN, identifiers are unique (merged).
        for draft in &drafts {
            let keys: HashSet<&ItemKey> = draft.lines.iter().map(|line| &line.item).collect();
            prop_assert_eq!(keys.len(), draft.lines.len());
        }
    }

    #[test]
    fn mapping_yields_unique_safe_references(ret in arb_return()) {
        let drafts = drafts_of(&ret, &settings());
        let references: HashSet<&str> =
            drafts.iter().map(|draft| draft.reference_number.as_str()).collect();
        prop_assert_eq!(references.len(), drafts.len());
        for reference in references {
            prop_assert!(reference.len() <= REFERENCE_MAX_LEN);
            prop_assert!(reference.bytes().all(|b| b.is_ascii_graphic()));
        }
        // Deterministic: the same return plans the same references.
        prop_assert_eq!(drafts_of(&ret, &settings()), drafts);
    }

    #[test]
    fn references_are_unique_across_returns_and_shipments(
        returns in prop::collection::hash_map("\\PC{1,30}|[0-9]{1,12}", ("\\PC{0,60}", 1u16..5), 1..25),
    ) {
        let mut seen = HashSet::new();
        for (id, (order, shipments)) in &returns {
            for shipment in 1..=*shipments {
                let reference = ReferenceNumber::for_shipment(order, &ReturnId::new(id.clone()), shipment);
                prop_assert!(reference.as_str().len() <= REFERENCE_MAX_LEN);
                prop_assert!(seen.insert(reference), "duplicate reference");
            }
        }
    }

    #[test]
    fn full_undamaged_expected_receipt_always_processes(
        ret in arb_return(),
        criteria in arb_criteria(),
        choices in prop::collection::vec(any::<usize>(), 1..64),
        days_later in 0i64..400,
    ) {
        let drafts = drafts_of(&ret, &settings());
        let reports = scattered_full_reports(&drafts, &choices);
        let decision = evaluate_receipt(&drafts, &reports, &criteria, ret.created_at, day(days_later));
        prop_assert_eq!(decision, Decision::Process { partial: None });
    }

    #[test]
    fn a_shortage_never_processes_under_default_criteria(
        ret in arb_return(),
        choices in prop::collection::vec(any::<usize>(), 1..64),
        pick in any::<usize>(),
        missing_share in 0.0f64..1.0,
        days_later in 0i64..400,
    ) {
        let drafts = drafts_of(&ret, &settings());
        let mut reports = scattered_full_reports(&drafts, &choices);
        // Take between 1 and all units of one item out of the reports.
        let items: Vec<(&ItemKey, u32)> = drafts
            .iter()
            .flat_map(|draft| &draft.lines)
            .map(|line| (&line.item, line.expected_quantity.get()))
            .collect();
        let (item, quantity) = items[pick % items.len()];
        let mut to_remove = 1 + (f64::from(quantity - 1) * missing_share) as u32;
        for observed in reports.iter_mut().flat_map(|report| report.lines.iter_mut()) {
            if observed.matches(item) && to_remove > 0 {
                let taken = observed.received.min(to_remove);
                observed.received -= taken;
                to_remove -= taken;
            }
        }
        let decision = evaluate_receipt(
            &drafts,
            &reports,
            &ReceiptCriteria::default(),
            ret.created_at,
            day(days_later),
        );
        prop_assert!(!decision.is_process(), "{decision:?}");
        prop_assert!(decision.note().len() <= NOTE_MAX_LEN);
    }

    #[test]
    fn exclusion_ignores_case_and_surrounding_spaces(
        channel in "\\PC{1,24}".prop_filter("not blank", |c| !c.trim().is_empty()),
        case_flips in prop::collection::vec(any::<bool>(), 24),
        before in "[ \t\n]{0,3}",
        after in "[ \t\n]{0,3}",
    ) {
        let recased: String = channel
            .chars()
            .zip(case_flips.iter().cycle())
            .map(|(c, upper)| if *upper { c.to_uppercase().to_string() } else { c.to_lowercase().to_string() })
            .collect();
        let variant = format!("{before}{recased}{after}");
        let exclusion = ChannelExclusion::new([channel.clone()]);
        let matched = exclusion.check(Some(&variant));
        prop_assert_eq!(matched.map(|m| m.entry), Some(channel.clone()));
        // And the other way round: the entry may be the odd spelling.
        prop_assert!(ChannelExclusion::new([variant]).is_excluded(Some(&channel)));
        // No substring matching.
        let longer = format!("{channel} Prime");
        prop_assert!(!exclusion.is_excluded(Some(&longer)));
    }

    #[test]
    fn note_never_exceeds_255_characters(decision in arb_decision()) {
        let note = decision.note();
        prop_assert!(note.len() <= NOTE_MAX_LEN, "{} bytes", note.len());
        prop_assert!(note.chars().count() <= 255);
        prop_assert_eq!(decision.note(), note, "deterministic");
    }
}

#[test]
fn overflowing_deadline_keeps_waiting() {
    // A grace period beyond the calendar must not panic.
    let ret = two_parcel_return();
    let drafts = drafts_of(&ret, &settings());
    let mut criteria = ReceiptCriteria::default();
    criteria.shortage = ShortagePolicy::WaitDays(u32::MAX);
    let reports = [
        received("#1001-R9001-1", &[("A", 1, 0)]),
        received("#1001-R9001-2", &[("B", 1, 0)]),
    ];
    let decision = evaluate_receipt(
        &drafts,
        &reports,
        &criteria,
        CREATED,
        day(10) + Duration::hours(1),
    );
    assert!(decision.is_wait(), "{decision:?}");
}

//! Property tests of the invariants the rest of the SDK relies on.

mod common;

use std::collections::{BTreeMap, HashSet};

use common::*;
use proptest::prelude::*;
use returns_core::*;
use time::Duration;

// ---------------------------------------------------------------- strategies

/// How a generated shipment is identified: by label id, tracking number,
/// both, or neither; values drawn from a small pool so that clashes happen.
fn arb_identity() -> impl Strategy<Value = (Option<String>, Option<String>)> {
    let value = prop::option::of(prop_oneof![
        prop::sample::select(vec![
            "1Z999AA10123456784",
            "XX1234567890",
            "YY1234567890",
            "N/A",
            "-"
        ])
        .prop_map(str::to_owned),
        "\\PC{0,30}",
    ]);
    (value.clone(), value)
}

/// A mappable return (every line has a SKU) with 0 to 3 listed shipments,
/// each with or without a label id and tracking number.
fn arb_return() -> impl Strategy<Value = Return> {
    let lines = prop::collection::vec(
        (
            prop::sample::select(vec!["A", "B", " A ", "C", "sku-é", "D\t"]),
            1u32..=5,
            0usize..3,
        ),
        1..10,
    );
    let identities = prop::collection::vec(arb_identity(), 3);
    ("\\PC{0,40}", "\\PC{0,60}", lines, any::<bool>(), identities).prop_map(
        |(id, order, lines, listed, identities)| {
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
                for (line_ids, (label, tracking)) in shipments.into_values().zip(identities) {
                    let mut shipment = ReturnShipment::new(line_ids);
                    if let Some(label) = label {
                        shipment = shipment.with_label_id(label);
                    }
                    if let Some(tracking) = tracking {
                        shipment = shipment.with_tracking_number(tracking);
                    }
                    ret = ret.with_shipment(shipment);
                }
            }
            ret
        },
    )
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

fn arb_shipment_key() -> impl Strategy<Value = ShipmentKey> {
    prop_oneof![
        Just(ShipmentKey::Single),
        "\\PC{0,80}".prop_map(ShipmentKey::Label),
        "\\PC{0,80}".prop_map(ShipmentKey::Tracking),
        prop::collection::vec("\\PC{0,40}".prop_map(LineId::new), 0..10)
            .prop_map(ShipmentKey::Lines),
    ]
}

fn arb_reference() -> impl Strategy<Value = ReferenceNumber> {
    ("\\PC{0,80}", "\\PC{0,80}", arb_shipment_key())
        .prop_map(|(order, id, key)| ReferenceNumber::new(&order, &ReturnId::new(id), &key))
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
        (arb_reference(), any::<i64>(), arb_clock()).prop_map(|(reference, days, clock)| {
            FlagReason::NotArrived {
                reference,
                days,
                clock,
            }
        }),
        (arb_item(), any::<u32>())
            .prop_map(|(item, missing)| FlagReason::PartialNotPossible { item, missing }),
    ]
}

fn arb_clock() -> impl Strategy<Value = ArrivalClock> {
    (-1_000_000i64..1_000_000, any::<bool>()).prop_map(|(days, delivered)| {
        if delivered {
            ArrivalClock::carrier_delivered(day(days))
        } else {
            ArrivalClock::asn_created(day(days))
        }
    })
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
    fn references_do_not_depend_on_shipment_order(ret in arb_return(), rotate in 0usize..3) {
        let drafts = drafts_of(&ret, &settings());
        let lines_by_reference = |drafts: &[AsnDraft]| -> BTreeMap<String, Vec<LineId>> {
            drafts
                .iter()
                .map(|draft| {
                    let mut lines: Vec<LineId> = draft
                        .lines
                        .iter()
                        .flat_map(|line| &line.return_lines)
                        .map(|source| source.line_id.clone())
                        .collect();
                    lines.sort();
                    (draft.reference_number.to_string(), lines)
                })
                .collect()
        };
        let expected = lines_by_reference(&drafts);
        // Reversed, and rotated: the same reference for the same parcel.
        let mut reversed = ret.clone();
        reversed.shipments.reverse();
        prop_assert_eq!(lines_by_reference(&drafts_of(&reversed, &settings())), expected.clone());
        let mut rotated = ret.clone();
        if !rotated.shipments.is_empty() {
            let by = rotate % rotated.shipments.len();
            rotated.shipments.rotate_left(by);
        }
        prop_assert_eq!(lines_by_reference(&drafts_of(&rotated, &settings())), expected);
        // And every reference decodes into the return it belongs to.
        for draft in &drafts {
            let parts = draft.reference_number.parts();
            prop_assert!(parts.is_some(), "{}", draft.reference_number);
            prop_assert!(parts.unwrap().is_return(&ret.id));
        }
    }

    #[test]
    fn references_are_unique_across_returns_and_shipments(
        returns in prop::collection::hash_map(
            "\\PC{1,30}|[0-9]{1,12}",
            ("\\PC{0,60}", prop::collection::vec(arb_identity(), 1..5)),
            1..25,
        ),
    ) {
        let mut seen = HashSet::new();
        for (id, (order, identities)) in &returns {
            let shipments: Vec<ReturnShipment> = identities
                .iter()
                .enumerate()
                .map(|(index, (label, tracking))| {
                    let mut shipment = ReturnShipment::new([format!("line{index}")]);
                    shipment.label_id = label.clone();
                    shipment.tracking_number = tracking.clone();
                    shipment
                })
                .collect();
            for key in ShipmentKey::for_shipments(&shipments) {
                let reference = ReferenceNumber::new(order, &ReturnId::new(id.clone()), &key);
                prop_assert!(reference.as_str().len() <= REFERENCE_MAX_LEN);
                prop_assert!(reference.as_str().bytes().all(|b| b.is_ascii_graphic()));
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
        let decision = evaluate_receipt(&drafts, &reports, &criteria, asn_clock(), day(days_later));
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
            asn_clock(),
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
    let reports = [received(R1, &[("A", 1, 0)]), received(R2, &[("B", 1, 0)])];
    let decision = evaluate_receipt(
        &drafts,
        &reports,
        &criteria,
        asn_clock(),
        day(10) + Duration::hours(1),
    );
    assert!(decision.is_wait(), "{decision:?}");
}

//! Table tests of receipt-criteria evaluation: one or more rows per rule.

mod common;

use common::*;
use returns_core::*;
use time::OffsetDateTime;

struct Case {
    name: &'static str,
    criteria: ReceiptCriteria,
    reports: Vec<ShipmentObservation>,
    clock: ArrivalClock,
    now: OffsetDateTime,
    expected: Decision,
}

fn case(name: &'static str, reports: Vec<ShipmentObservation>, expected: Decision) -> Case {
    Case {
        name,
        criteria: ReceiptCriteria::default(),
        reports,
        clock: asn_clock(),
        now: day(6),
        expected,
    }
}

impl Case {
    fn criteria(mut self, change: impl FnOnce(&mut ReceiptCriteria)) -> Self {
        change(&mut self.criteria);
        self
    }

    fn at(mut self, now: OffsetDateTime) -> Self {
        self.now = now;
        self
    }

    fn clock(mut self, clock: ArrivalClock) -> Self {
        self.clock = clock;
        self
    }
}

fn process() -> Decision {
    Decision::Process { partial: None }
}

fn flag(reasons: Vec<FlagReason>) -> Decision {
    Decision::Flag { reasons }
}

fn pending(items: Vec<PendingShipment>) -> Decision {
    Decision::Wait {
        reason: WaitReason::ShipmentsPending { pending: items },
    }
}

fn shortage(item: &str, line_ids: &[&str], expected: u32, received: u32) -> Shortage {
    Shortage::new(sku(item), lines(line_ids), expected, received)
}

fn open(reference_number: &str) -> ShipmentObservation {
    ShipmentObservation::new(reference(reference_number), ReceivingPhase::Open)
}

fn with_condition(mut report: ShipmentObservation, condition: &str) -> ShipmentObservation {
    let line = report.lines.pop().expect("report has a line");
    report.with_line(line.with_condition(ItemCondition::parse(condition)))
}

fn cases() -> Vec<Case> {
    let full_r1 = || received(R1, &[("A", 2, 0)]);
    let full_r2 = || received(R2, &[("B", 1, 0)]);
    vec![
        // Process: everything as announced.
        case(
            "full receipt processes",
            vec![full_r1(), full_r2()],
            process(),
        ),
        case(
            "units split over several report lines are added up",
            vec![received(R1, &[("A", 1, 0), ("A", 1, 0)]), full_r2()],
            process(),
        ),
        case(
            "units in the other parcel of the same return still count",
            vec![received(R1, &[("B", 1, 0)]), received(R2, &[("A", 2, 0)])],
            process(),
        ),
        // Rule: every shipment must be terminal before deciding.
        case(
            "an open shipment makes the return wait",
            vec![full_r1(), open(R2)],
            pending(vec![PendingShipment::new(
                reference(R2),
                Some(ReceivingPhase::Open),
                false,
            )]),
        ),
        case(
            "a shipment without any report waits as not reported",
            vec![full_r1()],
            pending(vec![PendingShipment::new(reference(R2), None, false)]),
        ),
        case(
            "an unknown phase is never terminal",
            vec![
                full_r1(),
                ShipmentObservation::new(reference(R2), ReceivingPhase::Unknown),
            ],
            pending(vec![PendingShipment::new(
                reference(R2),
                Some(ReceivingPhase::Unknown),
                false,
            )]),
        ),
        case(
            "without waiting for all, an open shipment counts as short",
            vec![full_r1(), open(R2)],
            flag(vec![FlagReason::Shortage(shortage("B", &["3"], 1, 0))]),
        )
        .criteria(|c| c.wait_for_all_shipments = false),
        case(
            "without waiting for all, nothing is decided before a first receipt",
            vec![open(R1), open(R2)],
            pending(vec![
                PendingShipment::new(reference(R1), Some(ReceivingPhase::Open), false),
                PendingShipment::new(reference(R2), Some(ReceivingPhase::Open), false),
            ]),
        )
        .criteria(|c| c.wait_for_all_shipments = false),
        // Rule: a cancelled ticket flags.
        case(
            "a cancelled ticket flags",
            vec![
                full_r1(),
                ShipmentObservation::new(reference(R2), ReceivingPhase::Cancelled),
            ],
            flag(vec![FlagReason::Cancelled {
                reference: reference(R2),
            }]),
        ),
        // Rule: a shipment not arrived N days after the clock started.
        case(
            "a parcel not arrived after 30 days flags",
            vec![full_r1(), open(R2)],
            flag(vec![FlagReason::NotArrived {
                reference: reference(R2),
                days: 31,
                clock: asn_clock(),
            }]),
        )
        .at(day(31)),
        case(
            "the clock starts at the ASN: a backlog return is not flagged in the run that created its ASN",
            vec![],
            pending(vec![
                PendingShipment::new(reference(R1), None, false),
                PendingShipment::new(reference(R2), None, false),
            ]),
        )
        .clock(ArrivalClock::asn_created(day(644)))
        .at(day(644)),
        case(
            "the clock starts at the ASN: 29 days after it still waits",
            vec![open(R1), open(R2)],
            pending(vec![
                PendingShipment::new(reference(R1), Some(ReceivingPhase::Open), false),
                PendingShipment::new(reference(R2), Some(ReceivingPhase::Open), false),
            ]),
        )
        .clock(ArrivalClock::asn_created(day(644)))
        .at(day(673)),
        case(
            "the clock starts at the ASN: 30 days after it flags",
            vec![full_r1(), open(R2)],
            flag(vec![FlagReason::NotArrived {
                reference: reference(R2),
                days: 30,
                clock: ArrivalClock::asn_created(day(644)),
            }]),
        )
        .clock(ArrivalClock::asn_created(day(644)))
        .at(day(674)),
        case(
            "a clock started by the carrier's delivery report counts from it",
            vec![full_r1(), open(R2)],
            flag(vec![FlagReason::NotArrived {
                reference: reference(R2),
                days: 30,
                clock: ArrivalClock::carrier_delivered(day(10)),
            }]),
        )
        .clock(ArrivalClock::carrier_delivered(day(10)))
        .at(day(40)),
        case(
            "a clock starting after now is never overdue",
            vec![full_r1(), open(R2)],
            pending(vec![PendingShipment::new(
                reference(R2),
                Some(ReceivingPhase::Open),
                false,
            )]),
        )
        .clock(ArrivalClock::asn_created(day(100)))
        .at(day(40)),
        case(
            "a parcel not arrived after 29 days still waits",
            vec![full_r1(), open(R2)],
            pending(vec![PendingShipment::new(
                reference(R2),
                Some(ReceivingPhase::Open),
                false,
            )]),
        )
        .at(day(29)),
        case(
            "an overdue parcel keeps waiting when configured",
            vec![full_r1(), open(R2)],
            pending(vec![PendingShipment::new(
                reference(R2),
                Some(ReceivingPhase::Open),
                true,
            )]),
        )
        .criteria(|c| c.not_arrived = NotArrivedPolicy::new(10, NotArrivedAction::Wait))
        .at(day(11)),
        case(
            "an arrived parcel is never overdue",
            vec![
                full_r1(),
                ShipmentObservation::new(reference(R2), ReceivingPhase::Arrived),
            ],
            pending(vec![PendingShipment::new(
                reference(R2),
                Some(ReceivingPhase::Arrived),
                false,
            )]),
        )
        .at(day(60)),
        // Rule: a shortage flags, or waits until a deadline.
        case(
            "a shortage flags",
            vec![received(R1, &[("A", 1, 0)]), full_r2()],
            flag(vec![FlagReason::Shortage(shortage("A", &["1", "2"], 2, 1))]),
        ),
        case(
            "a shortage waits during the grace period",
            vec![received(R1, &[("A", 1, 0)]), full_r2()],
            Decision::Wait {
                reason: WaitReason::ShortageGracePeriod {
                    until: day(8),
                    shortages: vec![shortage("A", &["1", "2"], 2, 1)],
                },
            },
        )
        .criteria(|c| c.shortage = ShortagePolicy::WaitDays(3))
        .at(day(7)),
        case(
            "a shortage flags once the grace period is over",
            vec![received(R1, &[("A", 1, 0)]), full_r2()],
            flag(vec![FlagReason::Shortage(shortage("A", &["1", "2"], 2, 1))]),
        )
        .criteria(|c| c.shortage = ShortagePolicy::WaitDays(3))
        .at(day(8)),
        // Partial processing.
        case(
            "a shortage processes without the missing line when allowed",
            vec![received(R1, &[("A", 1, 0)]), full_r2()],
            Decision::Process {
                partial: Some(PartialReceipt::new(
                    lines(&["2"]),
                    vec![shortage("A", &["1", "2"], 2, 1)],
                )),
            },
        )
        .criteria(|c| c.process_partial_receipts = true),
        case(
            "a missing parcel is removed as a whole when allowed",
            vec![full_r1(), received(R2, &[])],
            Decision::Process {
                partial: Some(PartialReceipt::new(
                    lines(&["3"]),
                    vec![shortage("B", &["3"], 1, 0)],
                )),
            },
        )
        .criteria(|c| c.process_partial_receipts = true),
        case(
            "nothing received is no partial receipt",
            vec![received(R1, &[]), received(R2, &[])],
            flag(vec![
                FlagReason::Shortage(shortage("A", &["1", "2"], 2, 0)),
                FlagReason::Shortage(shortage("B", &["3"], 1, 0)),
            ]),
        )
        .criteria(|c| c.process_partial_receipts = true),
        case(
            "a shortage with another problem is never partial",
            vec![received(R1, &[("A", 1, 1)]), full_r2()],
            flag(vec![
                FlagReason::Shortage(shortage("A", &["1", "2"], 2, 1)),
                FlagReason::Damaged {
                    item: sku("A"),
                    lines: lines(&["1", "2"]),
                    received: 1,
                    damaged: 1,
                },
            ]),
        )
        .criteria(|c| c.process_partial_receipts = true),
        // Rule: over-receipt flags unless allowed.
        case(
            "an over-receipt flags",
            vec![received(R1, &[("A", 3, 0)]), full_r2()],
            flag(vec![FlagReason::OverReceipt {
                item: sku("A"),
                lines: lines(&["1", "2"]),
                expected: 2,
                received: 3,
            }]),
        ),
        case(
            "an allowed over-receipt processes",
            vec![received(R1, &[("A", 3, 0)]), full_r2()],
            process(),
        )
        .criteria(|c| c.allow_over_receipt = true),
        // Rule: damaged units above the tolerance flag.
        case(
            "a damaged unit flags at the default tolerance of 0",
            vec![received(R1, &[("A", 2, 1)]), full_r2()],
            flag(vec![FlagReason::Damaged {
                item: sku("A"),
                lines: lines(&["1", "2"]),
                received: 2,
                damaged: 1,
            }]),
        ),
        case(
            "damaged units within the tolerance process",
            vec![received(R1, &[("A", 2, 1)]), full_r2()],
            process(),
        )
        .criteria(|c| c.damaged_tolerance = 1),
        case(
            "the tolerance counts the whole return",
            vec![received(R1, &[("A", 2, 1)]), received(R2, &[("B", 1, 1)])],
            flag(vec![
                FlagReason::Damaged {
                    item: sku("A"),
                    lines: lines(&["1", "2"]),
                    received: 2,
                    damaged: 1,
                },
                FlagReason::Damaged {
                    item: sku("B"),
                    lines: lines(&["3"]),
                    received: 1,
                    damaged: 1,
                },
            ]),
        )
        .criteria(|c| c.damaged_tolerance = 1),
        case(
            "a damaged condition without a count damages every unit",
            vec![full_r1(), with_condition(full_r2(), "Damaged")],
            flag(vec![FlagReason::Damaged {
                item: sku("B"),
                lines: lines(&["3"]),
                received: 1,
                damaged: 1,
            }]),
        ),
        case(
            "more damaged than received units means they arrived",
            vec![full_r1(), received(R2, &[("B", 0, 1)])],
            flag(vec![FlagReason::Damaged {
                item: sku("B"),
                lines: lines(&["3"]),
                received: 1,
                damaged: 1,
            }]),
        ),
        case(
            "a blank condition counts as none",
            vec![full_r1(), with_condition(full_r2(), "  ")],
            process(),
        ),
        case(
            "a sellable condition is fine",
            vec![full_r1(), with_condition(full_r2(), "sellable")],
            process(),
        ),
        // Rule: an item that was not expected flags.
        case(
            "an unexpected item flags",
            vec![full_r1(), received(R2, &[("B", 1, 0), ("Z", 1, 0)])],
            flag(vec![FlagReason::UnexpectedItem {
                item: Some(sku("Z")),
                received: 1,
                reference: reference(R2),
            }]),
        ),
        case(
            "an unexpected line with no units is ignored",
            vec![full_r1(), received(R2, &[("B", 1, 0), ("Z", 0, 0)])],
            process(),
        ),
        case(
            "unexpected items pass when not flagged",
            vec![full_r1(), received(R2, &[("B", 1, 0), ("Z", 1, 0)])],
            process(),
        )
        .criteria(|c| c.flag_unexpected_items = false),
        case(
            "a wrong-item condition flags",
            vec![full_r1(), with_condition(full_r2(), "Wrong Item")],
            flag(vec![FlagReason::Condition {
                item: sku("B"),
                condition: ItemCondition::WrongItem,
                reference: reference(R2),
            }]),
        ),
        case(
            "an unknown condition flags",
            vec![full_r1(), with_condition(full_r2(), "Used")],
            flag(vec![FlagReason::Condition {
                item: sku("B"),
                condition: ItemCondition::Other("Used".into()),
                reference: reference(R2),
            }]),
        ),
        // Reports the evaluation must not be fooled by.
        case(
            "a report for another reference is ignored",
            vec![
                full_r1(),
                full_r2(),
                received("#1001-R9002-TT1", &[("Z", 5, 5)]),
            ],
            process(),
        ),
    ]
}

#[test]
fn evaluation_table() {
    let ret = two_parcel_return();
    let drafts = drafts_of(&ret, &settings());
    for case in cases() {
        let decision =
            evaluate_receipt(&drafts, &case.reports, &case.criteria, case.clock, case.now);
        assert_eq!(decision, case.expected, "case: {}", case.name);
        assert!(decision.note().len() <= NOTE_MAX_LEN, "case: {}", case.name);
    }
}

#[test]
fn no_drafts_waits() {
    let decision = evaluate_receipt(&[], &[], &ReceiptCriteria::default(), asn_clock(), day(100));
    assert_eq!(
        decision,
        Decision::Wait {
            reason: WaitReason::NoShipments
        }
    );
    assert_eq!(decision.note(), "Waiting: the return has no ASN.");
}

#[test]
fn multi_unit_line_cannot_be_removed_in_part() {
    let ret = Return::new("9001", "#1001", "1001", CREATED)
        .with_line(ReturnLine::new("1").with_sku("A").with_quantity(qty(2)));
    let drafts = drafts_of(&ret, &settings());
    let mut criteria = ReceiptCriteria::default();
    criteria.process_partial_receipts = true;
    let reports = [received(RS, &[("A", 1, 0)])];
    let decision = evaluate_receipt(&drafts, &reports, &criteria, asn_clock(), day(6));
    assert_eq!(
        decision,
        flag(vec![
            FlagReason::Shortage(shortage("A", &["1"], 2, 1)),
            FlagReason::PartialNotPossible {
                item: sku("A"),
                missing: 1,
            },
        ])
    );
}

#[test]
fn partial_removal_picks_whole_lines_that_add_up() {
    // Lines of 1, 2 and 1 units of A; 3 missing → the last two lines.
    let ret = Return::new("9001", "#1001", "1001", CREATED)
        .with_line(ReturnLine::new("1").with_sku("A"))
        .with_line(ReturnLine::new("2").with_sku("A").with_quantity(qty(2)))
        .with_line(ReturnLine::new("3").with_sku("A"));
    let drafts = drafts_of(&ret, &settings());
    let mut criteria = ReceiptCriteria::default();
    criteria.process_partial_receipts = true;
    let reports = [received(RS, &[("A", 1, 0)])];
    let decision = evaluate_receipt(&drafts, &reports, &criteria, asn_clock(), day(6));
    assert_eq!(decision.lines_to_remove(), lines(&["2", "3"]).as_slice());
}

#[test]
fn barcode_settings_match_reports_by_barcode() {
    let settings = settings().with_product_identification(ProductIdentification::Barcode);
    let ret = Return::new("9001", "#1001", "1001", CREATED).with_line(
        ReturnLine::new("1")
            .with_sku("A")
            .with_barcode("4006381333931"),
    );
    let drafts = drafts_of(&ret, &settings);
    let report = ShipmentObservation::new(reference(RS), ReceivingPhase::Received)
        .with_line(ObservedLine::new(&sku("A"), 1, 0).with_barcode(" 4006381333931 "));
    let decision = evaluate_receipt(
        &drafts,
        &[report],
        &settings.receipt_criteria,
        asn_clock(),
        day(6),
    );
    assert_eq!(decision, process());
}

#[test]
fn unidentified_units_flag_as_unexpected() {
    let ret = two_parcel_return();
    let drafts = drafts_of(&ret, &settings());
    let mut r2 = received(R2, &[("B", 1, 0)]);
    r2.lines.push(ObservedLine::from_identifiers(
        None,
        Some("  ".into()),
        2,
        0,
    ));
    let decision = evaluate_receipt(
        &drafts,
        &[received(R1, &[("A", 2, 0)]), r2],
        &ReceiptCriteria::default(),
        asn_clock(),
        day(6),
    );
    assert_eq!(
        decision,
        flag(vec![FlagReason::UnexpectedItem {
            item: None,
            received: 2,
            reference: reference(R2),
        }])
    );
    assert_eq!(
        decision.note(),
        "Flagged for review: unidentified item x2 in #1001-R9001-TT2."
    );
}

#[test]
fn notes_render_each_decision_kind() {
    let ret = two_parcel_return();
    let drafts = drafts_of(&ret, &settings());
    let criteria = ReceiptCriteria::default();
    let evaluate = |reports: &[ShipmentObservation]| {
        evaluate_receipt(&drafts, reports, &criteria, asn_clock(), day(6)).note()
    };
    assert_eq!(
        evaluate(&[received(R1, &[("A", 2, 0)]), received(R2, &[("B", 1, 0)])]),
        "Received as expected: processing the return."
    );
    assert_eq!(
        evaluate(&[received(R1, &[("A", 2, 0)]), open(R2)]),
        "Waiting for the warehouse: ASN #1001-R9001-TT2 (open)."
    );
    assert_eq!(
        evaluate(&[
            received(R1, &[("A", 2, 1)]),
            received(R2, &[("B", 1, 0), ("Z", 2, 0)])
        ]),
        "Flagged for review: SKU A damaged: 1 of 2; unexpected SKU Z x2 in #1001-R9001-TT2."
    );
    let not_arrived = |clock: ArrivalClock| {
        evaluate_receipt(
            &drafts,
            &[received(R1, &[("A", 2, 0)])],
            &criteria,
            clock,
            day(700),
        )
        .note()
    };
    assert_eq!(
        not_arrived(ArrivalClock::asn_created(day(644))),
        "Flagged for review: ASN #1001-R9001-TT2 not arrived 56 days after the ASN was created on 2026-12-08."
    );
    assert_eq!(
        not_arrived(ArrivalClock::carrier_delivered(day(600))),
        "Flagged for review: ASN #1001-R9001-TT2 not arrived 100 days after the carrier reported delivery on 2026-10-25."
    );
    let mut partial = ReceiptCriteria::default();
    partial.process_partial_receipts = true;
    let decision = evaluate_receipt(
        &drafts,
        &[received(R1, &[("A", 1, 0)]), received(R2, &[("B", 1, 0)])],
        &partial,
        asn_clock(),
        day(6),
    );
    assert_eq!(
        decision.note(),
        "Partial receipt, processing without missing units: removing missing line(s) 2; \
         SKU A short: expected 2, received 1."
    );
}

#[test]
fn the_longest_not_arrived_note_fits() {
    // Two longest references, the longer basis, a huge day count.
    let order = "#".repeat(40);
    let ret = Return::new("9".repeat(20), order.as_str(), "1", CREATED)
        .with_line(ReturnLine::new("1").with_sku("A"))
        .with_line(ReturnLine::new("2").with_sku("B"))
        .with_shipment(ReturnShipment::new(["1"]).with_label_id("x".repeat(30)))
        .with_shipment(ReturnShipment::new(["2"]).with_label_id("y".repeat(30)));
    let drafts = drafts_of(&ret, &settings());
    assert_eq!(drafts[0].reference_number.as_str().len(), REFERENCE_MAX_LEN);
    let clock = ArrivalClock::carrier_delivered(day(-100_000));
    let decision = evaluate_receipt(&drafts, &[], &ReceiptCriteria::default(), clock, day(0));
    assert_eq!(decision.flag_reasons().len(), 2);
    let note = decision.note();
    assert!(note.len() <= NOTE_MAX_LEN, "{} {note}", note.len());
    assert!(
        note.contains("not arrived 100000 days after the carrier reported delivery on"),
        "{note}"
    );
}

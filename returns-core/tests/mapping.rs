//! Table tests of return → ASN mapping.

mod common;

use common::*;
use returns_core::*;

fn plan(ret: &Return, settings: &IntegrationSettings) -> Result<AsnPlan, MappingError> {
    plan_asns(ret, settings)
}

#[test]
fn one_draft_per_shipment_with_every_field() {
    let ret = two_parcel_return().with_customer_email("jane@example.com");
    let drafts = drafts_of(&ret, &settings());
    assert_eq!(drafts.len(), 2);

    let first = &drafts[0];
    assert_eq!(first.asn_type, AsnType::Return);
    assert_eq!(first.warehouse_code, "BERGEN-NJ-01");
    assert_eq!(first.reference_number.as_str(), R1);
    assert_eq!(first.rma_number.as_str(), "9001");
    assert_eq!(first.order_number, "1001");
    assert_eq!(first.shipment_number, 1);
    assert_eq!(first.carrier.as_deref(), Some("DHL"));
    assert_eq!(first.tracking_number.as_deref(), Some("T1"));
    assert_eq!(first.customer_email.as_deref(), Some("jane@example.com"));
    assert_eq!(first.lines.len(), 1);
    assert_eq!(first.lines[0].item, sku("A"));
    assert_eq!(first.lines[0].expected_quantity, qty(2));
    assert_eq!(first.lines[0].description.as_deref(), Some("Shirt"));

    let second = &drafts[1];
    assert_eq!(second.reference_number.as_str(), R2);
    assert_eq!(second.tracking_number.as_deref(), Some("T2"));
    assert_eq!(second.lines[0].item, sku("B"));
}

#[test]
fn test_mode_creates_test_asns() {
    let drafts = drafts_of(&two_parcel_return(), &settings().with_test_mode(true));
    assert!(drafts.iter().all(|draft| draft.asn_type == AsnType::Test));
}

#[test]
fn no_shipment_listed_means_one_shipment_with_every_line() {
    let ret = Return::new("9001", "#1001", "1001", CREATED)
        .with_line(ReturnLine::new("1").with_sku("A"))
        .with_line(ReturnLine::new("2").with_sku("B"));
    let drafts = drafts_of(&ret, &settings());
    assert_eq!(drafts.len(), 1);
    assert_eq!(drafts[0].carrier, None);
    assert_eq!(drafts[0].lines.len(), 2);
}

#[test]
fn identical_identifiers_merge_with_summed_quantities() {
    let ret = Return::new("9001", "#1001", "1001", CREATED)
        .with_line(ReturnLine::new("1").with_sku("A").with_reason("Too small"))
        .with_line(ReturnLine::new("2").with_sku("B"))
        .with_line(
            ReturnLine::new("3")
                .with_sku(" A ")
                .with_quantity(qty(3))
                .with_reason("Too small"),
        )
        .with_line(
            ReturnLine::new("4")
                .with_sku("A")
                .with_reason("Changed mind"),
        );
    let drafts = drafts_of(&ret, &settings());
    let lines = &drafts[0].lines;
    assert_eq!(lines.len(), 2, "A first (first seen), then B");
    assert_eq!(lines[0].item, sku("A"));
    assert_eq!(lines[0].expected_quantity, qty(5));
    assert_eq!(lines[0].return_reasons, ["Too small", "Changed mind"]);
    assert_eq!(
        lines[0].return_lines,
        vec![
            SourceLine::new("1", qty(1)),
            SourceLine::new("3", qty(3)),
            SourceLine::new("4", qty(1)),
        ]
    );
    assert_eq!(lines[1].item, sku("B"));
}

#[test]
fn barcode_identification_keys_lines_by_barcode() {
    let settings = settings().with_product_identification(ProductIdentification::Barcode);
    let ret = Return::new("9001", "#1001", "1001", CREATED)
        .with_line(ReturnLine::new("1").with_sku("A").with_barcode("111"))
        .with_line(ReturnLine::new("2").with_sku("B").with_barcode("111"));
    let drafts = drafts_of(&ret, &settings);
    assert_eq!(drafts[0].lines.len(), 1);
    assert_eq!(drafts[0].lines[0].item, ItemKey::Barcode("111".into()));
    assert_eq!(drafts[0].lines[0].expected_quantity, qty(2));
}

#[test]
fn excluded_channel_is_skipped_even_if_unmappable() {
    let settings = settings().with_excluded_sales_channels(["Amazon"]);
    let ret = Return::new("9001", "#1001", "1001", CREATED)
        .with_sales_channel(" AMAZON ")
        .with_line(ReturnLine::new("1")); // no SKU: would not map
    let plan = plan(&ret, &settings).unwrap();
    assert_eq!(
        plan,
        AsnPlan::Skip(SkipReason::ExcludedChannel(ExclusionMatch::new(
            " AMAZON ", "Amazon"
        )))
    );
    assert!(plan.drafts().is_empty());
    assert_eq!(
        SkipReason::ExcludedChannel(ExclusionMatch::new(" AMAZON ", "Amazon")).to_string(),
        r#"skipped: excluded channel " AMAZON " (matches entry "Amazon")"#
    );
}

#[test]
fn return_without_channel_is_never_excluded() {
    let settings = settings().with_excluded_sales_channels(["Amazon", "Online Store"]);
    let mut ret = two_parcel_return();
    ret.sales_channel = None;
    assert!(matches!(plan(&ret, &settings), Ok(AsnPlan::Create(_))));
}

#[test]
fn every_problem_is_reported_and_no_partial_plan_is_made() {
    let cases: Vec<(&str, Return, Vec<MappingProblem>)> = vec![
        (
            "every line missing its SKU is listed",
            Return::new("9001", "#1001", "1001", CREATED)
                .with_line(ReturnLine::new("1").with_barcode("111"))
                .with_line(ReturnLine::new("2").with_sku("A"))
                .with_line(ReturnLine::new("3").with_sku("   ")),
            vec![
                MappingProblem::MissingIdentifier {
                    line_id: "1".into(),
                    identification: ProductIdentification::Sku,
                },
                MappingProblem::MissingIdentifier {
                    line_id: "3".into(),
                    identification: ProductIdentification::Sku,
                },
            ],
        ),
        (
            "a return without lines",
            Return::new("9001", "#1001", "1001", CREATED),
            vec![MappingProblem::NoLines],
        ),
        (
            "duplicate line ids",
            Return::new("9001", "#1001", "1001", CREATED)
                .with_line(ReturnLine::new("1").with_sku("A"))
                .with_line(ReturnLine::new("1").with_sku("B")),
            vec![MappingProblem::DuplicateLineId {
                line_id: "1".into(),
            }],
        ),
        (
            "shipment problems",
            Return::new("9001", "#1001", "1001", CREATED)
                .with_line(ReturnLine::new("1").with_sku("A"))
                .with_line(ReturnLine::new("2").with_sku("B"))
                .with_line(ReturnLine::new("3").with_sku("C"))
                .with_shipment(ReturnShipment::new(["1", "9"]))
                .with_shipment(ReturnShipment::new(["1"]))
                .with_shipment(ReturnShipment::new(Vec::<LineId>::new()))
                .with_shipment(ReturnShipment::new(["2"])),
            vec![
                MappingProblem::UnknownLine {
                    line_id: "9".into(),
                    shipment: 1,
                },
                MappingProblem::LineShippedTwice {
                    line_id: "1".into(),
                    first_shipment: 1,
                    second_shipment: 2,
                },
                MappingProblem::EmptyShipment { shipment: 3 },
                MappingProblem::LineNotShipped {
                    line_id: "3".into(),
                },
            ],
        ),
    ];
    for (name, ret, expected) in cases {
        let error = plan(&ret, &settings()).expect_err(name);
        assert_eq!(error.return_id.as_str(), "9001", "{name}");
        assert_eq!(error.problems, expected, "{name}");
    }
}

#[test]
fn mapping_error_names_the_lines_in_one_message() {
    let ret = Return::new("9001", "#1001", "1001", CREATED)
        .with_line(ReturnLine::new("1"))
        .with_line(ReturnLine::new("2"));
    let error = plan(&ret, &settings()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "return 9001 cannot be mapped to ASNs: line 1 has no SKU; line 2 has no SKU"
    );
    assert_eq!(error.lines_missing_identifier().count(), 2);
}

#[test]
fn references_are_stable_and_warehouse_safe_for_awkward_input() {
    let ret = Return::new(
        "gid://loop/Return/40211877",
        "Commande n° 2024/ÉTÉ-0001234567-FR",
        "1234567",
        CREATED,
    )
    .with_line(ReturnLine::new("1").with_sku("A"));
    let first = drafts_of(&ret, &settings());
    let second = drafts_of(&ret.clone(), &settings());
    let reference = first[0].reference_number.as_str();
    assert_eq!(reference, second[0].reference_number.as_str());
    assert!(reference.len() <= REFERENCE_MAX_LEN);
    assert!(
        reference.bytes().all(|b| b.is_ascii_graphic()),
        "{reference}"
    );
    assert!(reference.ends_with("-S"), "{reference}");
}

#[test]
fn drafts_round_trip_through_json() {
    let drafts = drafts_of(&two_parcel_return(), &settings());
    let json = serde_json::to_value(&drafts[0]).unwrap();
    assert_eq!(json["type"], "Return");
    assert_eq!(json["reference_number"], R1);
    assert_eq!(
        json["lines"][0]["item"],
        serde_json::json!({"kind": "sku", "value": "A"})
    );
    let back: AsnDraft = serde_json::from_value(json).unwrap();
    assert_eq!(back, drafts[0]);
}

#[test]
fn reversing_the_shipments_keeps_every_reference() {
    let ret = Return::new("9001", "#1001", "1001", CREATED)
        .with_line(ReturnLine::new("1").with_sku("A"))
        .with_line(ReturnLine::new("2").with_sku("B"))
        .with_line(ReturnLine::new("3").with_sku("C"))
        .with_line(ReturnLine::new("4").with_sku("D"))
        .with_shipment(ReturnShipment::new(["1"]).with_tracking("UPS", "1Z999AA10123456784"))
        .with_shipment(ReturnShipment::new(["2"]).with_label_id("lbl_8812"))
        .with_shipment(ReturnShipment::new(["3"]))
        .with_shipment(ReturnShipment::new(["4"]));
    let mut reversed = ret.clone();
    reversed.shipments.reverse();
    let by_line = |ret: &Return| {
        let mut pairs: Vec<(String, String)> = drafts_of(ret, &settings())
            .iter()
            .map(|draft| {
                let line = draft.lines[0].return_lines[0].line_id.to_string();
                (line, draft.reference_number.to_string())
            })
            .collect();
        pairs.sort();
        pairs
    };
    let expected = by_line(&ret);
    assert_eq!(by_line(&reversed), expected);
    assert_eq!(expected[0].1, "#1001-R9001-T0123456784");
    assert_eq!(expected[1].1, "#1001-R9001-Llbl8812");
    // Shipments with neither label nor tracking are known by their lines.
    assert!(
        expected[2].1.starts_with("#1001-R9001-N"),
        "{}",
        expected[2].1
    );
    assert!(
        expected[3].1.starts_with("#1001-R9001-N"),
        "{}",
        expected[3].1
    );
    assert_ne!(expected[2].1, expected[3].1);
    // Positions still follow the platform's order, for people.
    let drafts = drafts_of(&reversed, &settings());
    assert_eq!(drafts[0].shipment_number, 1);
    assert_eq!(drafts[0].lines[0].item, sku("D"));
}

#[test]
fn a_return_keeps_its_reference_when_its_label_arrives() {
    let ret =
        Return::new("9001", "#1001", "1001", CREATED).with_line(ReturnLine::new("1").with_sku("A"));
    let before = drafts_of(&ret, &settings());
    let labelled = ret.clone().with_shipment(
        ReturnShipment::new(["1"])
            .with_tracking("DHL", "00340434161234567890")
            .with_label_id("77"),
    );
    let after = drafts_of(&labelled, &settings());
    assert_eq!(before[0].reference_number.as_str(), RS);
    assert_eq!(after[0].reference_number, before[0].reference_number);
    assert_eq!(
        after[0].tracking_number.as_deref(),
        Some("00340434161234567890")
    );
}

#[test]
fn an_overflowing_merge_names_the_first_item_of_each_shipment() {
    // In shipment 1, B overflows before A does, but A comes first.
    let ret = Return::new("9001", "#1001", "1001", CREATED)
        .with_line(
            ReturnLine::new("1")
                .with_sku("A")
                .with_quantity(qty(u32::MAX - 1)),
        )
        .with_line(
            ReturnLine::new("2")
                .with_sku("B")
                .with_quantity(qty(u32::MAX)),
        )
        .with_line(ReturnLine::new("3").with_sku("B"))
        .with_line(ReturnLine::new("4").with_sku("A").with_quantity(qty(5)))
        .with_line(
            ReturnLine::new("5")
                .with_sku("C")
                .with_quantity(qty(u32::MAX)),
        )
        .with_line(
            ReturnLine::new("6")
                .with_sku("C")
                .with_quantity(qty(u32::MAX)),
        )
        .with_shipment(ReturnShipment::new(["1", "2", "3", "4"]))
        .with_shipment(ReturnShipment::new(["5", "6"]));
    let error = plan(&ret, &settings()).expect_err("quantities overflow");
    assert_eq!(
        error.problems,
        [
            MappingProblem::QuantityOverflow {
                item: sku("A"),
                shipment: 1,
            },
            MappingProblem::QuantityOverflow {
                item: sku("C"),
                shipment: 2,
            },
        ]
    );
}

/// Long returns take hashed lookups where short ones scan; padding a return
/// with valid lines must not change the problems found.
#[test]
fn long_returns_report_the_same_problems_as_short_ones() {
    let short = Return::new("9001", "#1001", "1001", CREATED)
        .with_line(ReturnLine::new("1").with_sku("A"))
        .with_line(ReturnLine::new("1").with_sku("B"))
        .with_line(ReturnLine::new("2").with_sku("B"))
        .with_line(ReturnLine::new("3").with_sku("C"))
        .with_shipment(ReturnShipment::new(["1", "9"]))
        .with_shipment(ReturnShipment::new(["1", "2"]))
        .with_shipment(ReturnShipment::new(Vec::<LineId>::new()));
    let mut long = short.clone();
    let padding: Vec<LineId> = (100..140).map(|n| LineId::new(n.to_string())).collect();
    for id in &padding {
        long = long.with_line(ReturnLine::new(id.clone()).with_sku("P"));
    }
    long.shipments[1].line_ids.extend(padding);
    let expected = vec![
        MappingProblem::DuplicateLineId {
            line_id: "1".into(),
        },
        MappingProblem::UnknownLine {
            line_id: "9".into(),
            shipment: 1,
        },
        MappingProblem::LineShippedTwice {
            line_id: "1".into(),
            first_shipment: 1,
            second_shipment: 2,
        },
        MappingProblem::EmptyShipment { shipment: 3 },
        MappingProblem::LineNotShipped {
            line_id: "3".into(),
        },
    ];
    for ret in [&short, &long] {
        let error = plan(ret, &settings()).expect_err("problems");
        assert_eq!(error.problems, expected, "{} lines", ret.lines.len());
    }
}

#[test]
fn long_shipments_merge_identical_identifiers_in_first_seen_order() {
    let mut ret = Return::new("9001", "#1001", "1001", CREATED);
    for n in 0..40 {
        let sku = if n % 2 == 0 {
            " A ".to_owned()
        } else {
            format!("U{}", n % 10)
        };
        let reason = if n % 4 == 0 { "too big" } else { "too small" };
        ret = ret.with_line(
            ReturnLine::new(n.to_string())
                .with_sku(sku)
                .with_reason(reason),
        );
    }
    let plan = plan(&ret, &settings()).expect("a valid return");
    let [draft] = plan.drafts() else {
        panic!("one implicit shipment");
    };
    let merged: Vec<(&str, u32)> = draft
        .lines
        .iter()
        .map(|line| (line.item.value(), line.expected_quantity.get()))
        .collect();
    assert_eq!(
        merged,
        [
            ("A", 20),
            ("U1", 4),
            ("U3", 4),
            ("U5", 4),
            ("U7", 4),
            ("U9", 4)
        ]
    );
    assert_eq!(draft.lines[0].return_reasons, ["too big", "too small"]);
    let first_ids: Vec<&str> = draft.lines[0]
        .return_lines
        .iter()
        .map(|line| line.line_id.as_str())
        .take(3)
        .collect();
    assert_eq!(first_ids, ["0", "2", "4"]);
}

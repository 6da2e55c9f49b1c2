//! Settings loading and validation; model serialization.

mod common;

use common::*;
use returns_core::*;

#[test]
fn minimal_settings_take_the_documented_defaults() {
    let settings: IntegrationSettings =
        serde_json::from_str(r#"{"warehouse_code": "BERGEN-NJ-01"}"#).unwrap();
    assert_eq!(settings, IntegrationSettings::new("BERGEN-NJ-01"));
    assert_eq!(settings.product_identification, ProductIdentification::Sku);
    assert!(!settings.test_mode);
    assert!(!settings.auto_process);
    let criteria = &settings.receipt_criteria;
    assert!(criteria.wait_for_all_shipments);
    assert_eq!(criteria.shortage, ShortagePolicy::Flag);
    assert!(!criteria.process_partial_receipts);
    assert!(!criteria.allow_over_receipt);
    assert_eq!(criteria.damaged_tolerance, 0);
    assert!(criteria.flag_unexpected_items);
    assert_eq!(
        criteria.not_arrived,
        NotArrivedPolicy::new(30, NotArrivedAction::Flag)
    );
    assert_eq!(settings.validate(), Ok(()));
}

#[test]
fn full_settings_load_and_round_trip() {
    let settings: IntegrationSettings = serde_json::from_str(common::FULL_SETTINGS).unwrap();
    assert_eq!(
        settings.product_identification,
        ProductIdentification::Barcode
    );
    assert_eq!(settings.asn_type(), AsnType::Test);
    assert_eq!(
        settings.receipt_criteria.shortage,
        ShortagePolicy::WaitDays(5)
    );
    assert_eq!(
        settings.receipt_criteria.not_arrived,
        NotArrivedPolicy::new(45, NotArrivedAction::Wait)
    );
    let again: IntegrationSettings =
        serde_json::from_str(&serde_json::to_string(&settings).unwrap()).unwrap();
    assert_eq!(again, settings);
}

#[test]
fn identification_accepts_hand_typed_spellings() {
    for (text, expected) in [
        ("sku", ProductIdentification::Sku),
        ("Sku", ProductIdentification::Sku),
        ("SKU", ProductIdentification::Sku),
        ("barcode", ProductIdentification::Barcode),
        ("Barcode", ProductIdentification::Barcode),
        ("upc", ProductIdentification::Barcode),
        ("UPC", ProductIdentification::Barcode),
    ] {
        let parsed: ProductIdentification = serde_json::from_str(&format!("{text:?}")).unwrap();
        assert_eq!(parsed, expected, "{text}");
    }
}

#[test]
fn misspelt_options_are_rejected() {
    let top = serde_json::from_str::<IntegrationSettings>(
        r#"{"warehouse_code": "W", "excluded_sales_channel": ["Amazon"]}"#,
    );
    assert!(
        top.unwrap_err()
            .to_string()
            .contains("excluded_sales_channel")
    );
    let nested = serde_json::from_str::<IntegrationSettings>(
        r#"{"warehouse_code": "W", "receipt_criteria": {"damage_tolerance": 1}}"#,
    );
    assert!(nested.unwrap_err().to_string().contains("damage_tolerance"));
    assert!(serde_json::from_str::<IntegrationSettings>("{}").is_err());
}

#[test]
fn validation_table() {
    let overdue_zero = {
        let mut criteria = ReceiptCriteria::default();
        criteria.not_arrived = NotArrivedPolicy::new(0, NotArrivedAction::Flag);
        criteria
    };
    let waiting_zero = {
        let mut criteria = ReceiptCriteria::default();
        criteria.not_arrived = NotArrivedPolicy::new(0, NotArrivedAction::Wait);
        criteria
    };
    let cases: Vec<(&str, IntegrationSettings, Vec<SettingsProblem>)> = vec![
        ("valid", settings(), vec![]),
        (
            "empty code",
            IntegrationSettings::new(""),
            vec![SettingsProblem::EmptyWarehouseCode],
        ),
        (
            "blank code",
            IntegrationSettings::new("  "),
            vec![SettingsProblem::EmptyWarehouseCode],
        ),
        (
            "padded code",
            IntegrationSettings::new(" NJ-01"),
            vec![SettingsProblem::MalformedWarehouseCode {
                code: " NJ-01".into(),
            }],
        ),
        (
            "control character in code",
            IntegrationSettings::new("NJ\u{7}01"),
            vec![SettingsProblem::MalformedWarehouseCode {
                code: "NJ\u{7}01".into(),
            }],
        ),
        (
            "blank channels",
            settings().with_excluded_sales_channels(["Amazon", "", " "]),
            vec![
                SettingsProblem::BlankExcludedChannel { index: 1 },
                SettingsProblem::BlankExcludedChannel { index: 2 },
            ],
        ),
        (
            "flag after zero days",
            settings().with_receipt_criteria(overdue_zero.clone()),
            vec![SettingsProblem::ZeroNotArrivedDays],
        ),
        (
            "wait after zero days is harmless",
            settings().with_receipt_criteria(waiting_zero),
            vec![],
        ),
        (
            "every problem at once",
            IntegrationSettings::new("")
                .with_excluded_sales_channels([""])
                .with_receipt_criteria(overdue_zero),
            vec![
                SettingsProblem::EmptyWarehouseCode,
                SettingsProblem::BlankExcludedChannel { index: 0 },
                SettingsProblem::ZeroNotArrivedDays,
            ],
        ),
    ];
    for (name, settings, expected) in cases {
        let problems = settings
            .validate()
            .err()
            .map(|e| e.problems)
            .unwrap_or_default();
        assert_eq!(problems, expected, "{name}");
    }
}

#[test]
fn settings_error_lists_every_problem_in_one_line() {
    let error = IntegrationSettings::new("")
        .with_excluded_sales_channels([" "])
        .validate()
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "invalid integration settings: warehouse_code is empty; excluded_sales_channels[0] is blank"
    );
}

#[test]
fn return_round_trips_through_json_with_rfc3339_times() {
    let ret = two_parcel_return()
        .with_sales_channel("Online Store")
        .with_customer_email("jane@example.com");
    let json = serde_json::to_value(&ret).unwrap();
    assert_eq!(json["created_at"], "2025-03-04T12:00:00Z");
    assert_eq!(json["lines"][0]["quantity"], 1);
    let back: Return = serde_json::from_value(json).unwrap();
    assert_eq!(back, ret);
    let zero = serde_json::from_str::<ReturnLine>(r#"{"id": "1", "quantity": 0}"#);
    assert!(zero.is_err(), "quantity must be at least 1");
    let absent: ReturnLine = serde_json::from_str(r#"{"id": "1", "sku": "A"}"#).unwrap();
    assert_eq!(absent.quantity.get(), 1);
}

#[test]
fn decisions_serialize_with_tags() {
    let decision = Decision::Flag {
        reasons: vec![FlagReason::Cancelled {
            reference: reference("#1001-R9001-1"),
        }],
    };
    let json = serde_json::to_value(&decision).unwrap();
    assert_eq!(
        json,
        serde_json::json!({"decision": "flag", "reasons": [{"reason": "cancelled", "reference": "#1001-R9001-1"}]})
    );
    let back: Decision = serde_json::from_value(json).unwrap();
    assert_eq!(back, decision);
}

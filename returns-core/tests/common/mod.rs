//! Shared builders for the integration tests.
#![allow(dead_code)] // each test binary uses a different subset

use std::num::NonZeroU32;

use returns_core::*;
use time::macros::datetime;
use time::{Duration, OffsetDateTime};

/// Settings with every field given, in the shape a merchant's file has.
pub const FULL_SETTINGS: &str = r#"{
    "warehouse_code": "BERGEN-NJ-01",
    "product_identification": "UPC",
    "test_mode": true,
    "auto_process": true,
    "excluded_sales_channels": ["Amazon", "eBay"],
    "receipt_criteria": {
        "wait_for_all_shipments": false,
        "shortage": {"wait_days": 5},
        "process_partial_receipts": true,
        "allow_over_receipt": true,
        "damaged_tolerance": 2,
        "flag_unexpected_items": false,
        "not_arrived": {"after_days": 45, "action": "wait"}
    }
}"#;

/// When the test returns are created.
pub const CREATED: OffsetDateTime = datetime!(2025-03-04 12:00 UTC);

/// `days` days after [`CREATED`].
pub fn day(days: i64) -> OffsetDateTime {
    CREATED + Duration::days(days)
}

/// The not-arrived clock of the test returns: their ASN was created at
/// [`CREATED`].
pub fn asn_clock() -> ArrivalClock {
    ArrivalClock::asn_created(CREATED)
}

pub fn sku(value: &str) -> ItemKey {
    ItemKey::Sku(value.to_owned())
}

pub fn qty(n: u32) -> NonZeroU32 {
    NonZeroU32::new(n).expect("test quantities are positive")
}

pub fn lines(ids: &[&str]) -> Vec<LineId> {
    ids.iter().map(|id| LineId::new(*id)).collect()
}

/// Return `9001` of order `#1001`: lines 1 and 2 (SKU A) in shipment 1
/// (tracking `T1`, reference [`R1`]), line 3 (SKU B) in shipment 2 (tracking
/// `T2`, reference [`R2`]).
pub fn two_parcel_return() -> Return {
    Return::new("9001", "#1001", "1001", CREATED)
        .with_line(ReturnLine::new("1").with_sku("A").with_title("Shirt"))
        .with_line(ReturnLine::new("2").with_sku("A").with_title("Shirt"))
        .with_line(ReturnLine::new("3").with_sku("B").with_title("Trousers"))
        .with_shipment(ReturnShipment::new(["1", "2"]).with_tracking("DHL", "T1"))
        .with_shipment(ReturnShipment::new(["3"]).with_tracking("UPS", "T2"))
}

/// The reference of the first shipment of [`two_parcel_return`].
pub const R1: &str = "#1001-R9001-TT1";
/// The reference of the second shipment of [`two_parcel_return`].
pub const R2: &str = "#1001-R9001-TT2";
/// The reference of the only shipment of a single-shipment return `9001`.
pub const RS: &str = "#1001-R9001-S";

pub fn settings() -> IntegrationSettings {
    IntegrationSettings::new("BERGEN-NJ-01")
}

pub fn drafts_of(ret: &Return, settings: &IntegrationSettings) -> Vec<AsnDraft> {
    match plan_asns(ret, settings).expect("test return maps") {
        AsnPlan::Create(drafts) => drafts,
        AsnPlan::Skip(reason) => panic!("unexpected skip: {reason}"),
    }
}

pub fn reference(value: &str) -> ReferenceNumber {
    ReferenceNumber::parse(value).expect("valid test reference")
}

/// A received report for `reference` with `(sku, received, damaged)` lines.
pub fn received(reference_number: &str, counts: &[(&str, u32, u32)]) -> ShipmentObservation {
    counts.iter().fold(
        ShipmentObservation::new(reference(reference_number), ReceivingPhase::Received)
            .with_arrived_at(day(4))
            .with_received_at(day(5)),
        |report, (item, received, damaged)| {
            report.with_line(ObservedLine::new(&sku(item), *received, *damaged))
        },
    )
}

/// Reports that match every draft exactly: received, undamaged.
pub fn exact_reports(drafts: &[AsnDraft]) -> Vec<ShipmentObservation> {
    drafts
        .iter()
        .map(|draft| {
            draft.lines.iter().fold(
                ShipmentObservation::new(draft.reference_number.clone(), ReceivingPhase::Received),
                |report, line| {
                    report.with_line(ObservedLine::new(
                        &line.item,
                        line.expected_quantity.get(),
                        0,
                    ))
                },
            )
        })
        .collect()
}

//! The settings loader never panics.
//!
//! [`IntegrationSettings`] are loaded by deserializing a merchant's JSON (or
//! TOML) configuration, then [`IntegrationSettings::validate`]d. Fed hostile
//! variants of valid settings — deleted and misspelt fields, values of the
//! wrong type, huge numbers, deep nesting, invalid UTF-8, truncation — and
//! arbitrary bytes, loading returns the settings or a typed error, never a
//! panic; settings that load also validate, convert and round-trip without
//! panicking.
//!
//! Decoding settings is cheap, so the property runs at least 4096 cases
//! (a planted `damaged_tolerance < 1000` assertion is found after a few
//! hundred); more with
//! `PROPTEST_CASES=100000 cargo test --release -p returns-core --test settings_never_panics`.

mod common;

use http_transport::testing::json_mutation::{hostile_body, nesting_bombs};
use proptest::prelude::*;
use proptest::test_runner::Config;
use returns_core::*;

/// Valid settings, from the minimal to the fully specified.
const SEEDS: &[&[u8]] = &[
    br#"{"warehouse_code": "BERGEN-NJ-01"}"#,
    common::FULL_SETTINGS.as_bytes(),
    br#"{
        "warehouse_code": "BERGEN-NL-01",
        "product_identification": "sku",
        "excluded_sales_channels": [],
        "receipt_criteria": {"shortage": "flag", "not_arrived": {"after_days": 0, "action": "flag"}}
    }"#,
];

/// Loads settings from `body` and uses everything a caller uses of them.
/// Returns whether they loaded.
fn load_and_use(body: &[u8]) -> bool {
    // The parts load on their own too (a caller may keep them apart).
    let _ = serde_json::from_slice::<ReceiptCriteria>(body);
    let _ = serde_json::from_slice::<ShortagePolicy>(body);
    let _ = serde_json::from_slice::<NotArrivedPolicy>(body);
    let _ = serde_json::from_slice::<ProductIdentification>(body);
    let settings = match serde_json::from_slice::<IntegrationSettings>(body) {
        Ok(settings) => settings,
        Err(error) => {
            let _ = error.to_string();
            return false;
        }
    };
    if let Err(error) = settings.validate() {
        assert!(!error.problems.is_empty(), "an error names its problems");
        let _ = error.to_string();
    }
    let _ = settings.asn_type();
    let _ = settings.product_identification.to_string();
    let exclusion = ChannelExclusion::new(&settings.excluded_sales_channels);
    for channel in &settings.excluded_sales_channels {
        assert!(exclusion.is_excluded(Some(channel)) || channel.trim().is_empty());
    }
    let text = serde_json::to_string(&settings).expect("loaded settings serialize");
    let again: IntegrationSettings = serde_json::from_str(&text).expect("and load again");
    assert_eq!(again, settings, "settings round-trip");
    true
}

/// At least `cases` cases, or `PROPTEST_CASES` when it asks for more.
fn at_least(cases: u32) -> Config {
    let default = Config::default();
    Config {
        cases: default.cases.max(cases),
        ..default
    }
}

proptest! {
    #![proptest_config(at_least(4096))]

    /// Mutated valid settings, arbitrary JSON and arbitrary bytes.
    #[test]
    fn loading_settings_never_panics(body in hostile_body(SEEDS)) {
        load_and_use(&body);
    }
}

#[test]
fn seeds_load() {
    for seed in SEEDS {
        assert!(load_and_use(seed), "{}", String::from_utf8_lossy(seed));
    }
}

/// 10 000 nested arrays or objects at the root, in place of every value and
/// as an extra field of every object: each is refused with an error (typed
/// fields refuse a nested value at its first bracket, unknown fields are
/// refused by name), never a stack overflow, which would abort this test.
#[test]
fn deep_nesting_is_an_error_not_a_stack_overflow() {
    for seed in SEEDS {
        for bomb in nesting_bombs(seed) {
            assert!(!load_and_use(&bomb), "a nesting bomb loaded");
        }
    }
}

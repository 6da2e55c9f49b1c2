use std::collections::HashSet;

use time::macros::datetime;

use super::*;

fn config(seed: u64, returns: usize) -> ScenarioConfig {
    ScenarioConfig::new(seed, returns).with_now(datetime!(2026-11-20 12:00 UTC))
}

#[test]
fn same_config_gives_identical_data() {
    let a = Scenario::generate(&config(42, 200));
    let b = Scenario::generate(&config(42, 200));
    assert_eq!(a.returns(), b.returns());
    assert_eq!(a.plans(), b.plans());
    assert_eq!(a.orders(), b.orders());
    assert_eq!(a.inventory(), b.inventory());
}

#[test]
fn another_seed_gives_other_data() {
    let a = Scenario::generate(&config(42, 50));
    let b = Scenario::generate(&config(43, 50));
    assert_ne!(a.returns(), b.returns());
    assert_ne!(a.orders(), b.orders());
}

#[test]
fn more_orders_do_not_change_the_returns() {
    let a = Scenario::generate(&config(7, 30));
    let b = Scenario::generate(&config(7, 30).with_orders(500));
    assert_eq!(a.returns(), b.returns());
    assert_eq!(b.orders().len(), 500);
}

#[test]
fn returns_are_realistic_and_varied() {
    let scenario = Scenario::generate(&config(42, 400));
    let now = datetime!(2026-11-20 12:00 UTC);
    let channels: HashSet<&str> = scenario
        .plans()
        .iter()
        .map(|p| p.channel.as_str())
        .collect();
    for channel in ["Online Store", "Amazon", "eBay"] {
        assert!(
            channels.contains(channel),
            "{channel} missing from {channels:?}"
        );
    }
    assert!(scenario.plans().iter().any(|p| p.shipments.len() > 1));
    assert!(scenario.plans().iter().any(|p| p.lines().count() > 1));
    let ids: HashSet<&str> = scenario
        .plans()
        .iter()
        .map(|p| p.return_id.as_str())
        .collect();
    assert_eq!(ids.len(), 400);

    let mut previous = String::new();
    for (value, plan) in scenario.returns().iter().zip(scenario.plans()) {
        assert_eq!(value["id"], plan.return_id.as_str());
        assert_eq!(value["state"], "open");
        assert_eq!(value["provider_order_sales_channel"], plan.channel.as_str());
        let created = value["created_at"].as_str().unwrap();
        assert!(created.ends_with('Z') && created.len() == 24, "{created}");
        assert!(created >= previous.as_str(), "oldest first");
        previous = created.to_owned();
        let parsed =
            OffsetDateTime::parse(created, &time::format_description::well_known::Rfc3339).unwrap();
        assert!(parsed <= now && parsed >= now - time::Duration::days(28));

        let lines = value["line_items"].as_array().unwrap();
        assert_eq!(lines.len(), plan.lines().count());
        for line in lines {
            assert!(line["line_item_id"].is_string());
            assert!(!line["sku"].as_str().unwrap().is_empty());
            assert_eq!(line["barcode"].as_str().unwrap().len(), 12);
        }
        // One label per shipment, covering every line exactly once.
        let labels = value["labels"].as_array().unwrap();
        assert_eq!(labels.len(), plan.shipments.len());
        let labelled: usize = labels
            .iter()
            .map(|l| l["line_items"].as_array().unwrap().len())
            .sum();
        assert_eq!(labelled, lines.len());
        assert_eq!(value["tracking_number"], labels[0]["tracking_number"]);
        // Money adds up: total = product + tax.
        let amount = |field: &str| value[field].as_str().unwrap().parse::<f64>().unwrap();
        let sum = amount("return_product_total") + amount("return_tax_total");
        assert!((amount("total") - sum).abs() < 0.001);
    }
}

#[test]
fn every_receipt_outcome_is_planned_and_queryable() {
    let scenario = Scenario::generate(&config(42, 300));
    let counts = scenario.expectation_counts();
    for expected in [
        Expectation::Processed,
        Expectation::Flagged,
        Expectation::Waiting,
    ] {
        assert!(
            counts.get(&expected).copied().unwrap_or(0) > 0,
            "{expected:?}: {counts:?}"
        );
    }
    assert_eq!(counts.get(&Expectation::AsnRejected), None);
    let receipts = |pred: fn(&PlannedReceipt) -> bool| {
        scenario.plans().iter().filter(|p| pred(&p.receipt)).count()
    };
    assert!(receipts(|r| matches!(r, PlannedReceipt::Short { .. })) > 0);
    assert!(receipts(|r| matches!(r, PlannedReceipt::Damaged { .. })) > 0);
    assert!(receipts(|r| matches!(r, PlannedReceipt::UnexpectedItem { .. })) > 0);
    for plan in scenario.plans() {
        assert_eq!(scenario.plan(&plan.return_id), Some(plan));
        if let PlannedReceipt::UnexpectedItem { sku, .. } = &plan.receipt {
            assert!(plan.lines().all(|line| &line.sku != sku));
        }
    }
    assert_eq!(scenario.plan("no-such-return"), None);
}

#[test]
fn item_master_covers_every_item_unless_planned_missing() {
    let scenario = Scenario::generate(&config(5, 200).with_missing_items(0.2));
    let master: HashSet<&str> = scenario
        .item_master()
        .iter()
        .map(|i| i.sku.as_str())
        .collect();
    let mut missing = 0;
    for plan in scenario.plans() {
        for line in plan.lines() {
            let planned_missing = plan.missing_skus.contains(&line.sku);
            assert_eq!(
                !master.contains(line.sku.as_str()),
                planned_missing,
                "{}",
                line.sku
            );
        }
        if !plan.missing_skus.is_empty() {
            missing += 1;
            assert_eq!(plan.expectation(), Expectation::AsnRejected);
        }
    }
    assert!((20..=60).contains(&missing), "missing: {missing}");
    // Without the setting, nothing is missing.
    let full = Scenario::generate(&config(5, 200));
    assert!(full.plans().iter().all(|p| p.missing_skus.is_empty()));
}

#[test]
fn orders_and_inventory_follow_the_cartrover_shapes() {
    let scenario = Scenario::generate(&config(42, 25));
    assert_eq!(scenario.orders().len(), 25);
    let master: HashSet<&str> = scenario
        .item_master()
        .iter()
        .map(|i| i.sku.as_str())
        .collect();
    let refs: HashSet<&str> = scenario
        .orders()
        .iter()
        .map(|o| o["cust_ref"].as_str().unwrap())
        .collect();
    assert_eq!(refs.len(), 25);
    for order in scenario.orders() {
        for field in [
            "ship_address_1",
            "ship_city",
            "ship_state",
            "ship_zip",
            "ship_country",
        ] {
            assert!(order[field].is_string(), "{field}");
        }
        let items = order["items"].as_array().unwrap();
        assert!(!items.is_empty());
        for item in items {
            assert!(master.contains(item["item"].as_str().unwrap()));
            assert!(item["quantity"].as_u64().unwrap() >= 1);
        }
    }
    assert_eq!(scenario.inventory().len(), scenario.item_master().len());
    assert!(
        scenario
            .inventory()
            .iter()
            .all(|level| level.qty_available <= level.qty_on_hand && level.qty_available >= 0)
    );
}

#[test]
fn money_and_timestamps_are_formatted_like_loop() {
    assert_eq!(cents(4_900), "49.00");
    assert_eq!(cents(7), "0.07");
    assert_eq!(
        loop_timestamp(datetime!(2023-01-01 22:27:15 UTC)),
        "2023-01-01T22:27:15.000Z"
    );
}

//! The one-way returns flow and the CartRover orders flow against the
//! sandbox, asserting what ends up in the simulators.

use std::sync::Arc;

use cartrover_client::OrderStatus;
use examples::connect::{OrderServices, ReturnsServices};
use examples::orders::{OrdersOptions, run_orders};
use examples::progress::Progress;
use examples::returns::engine;
use returns_core::{IntegrationSettings, ProductIdentification};
use returns_sync::{EngineOptions, MemoryStore};
use sandbox::scenario::{Expectation, ScenarioConfig};
use sandbox::{Sandbox, SandboxConfig};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn returns_become_test_tickets_keyed_by_barcode_once() {
    let config = SandboxConfig::default()
        .with_scenario(ScenarioConfig::new(3, 60).with_missing_items(0.05))
        .without_rate_limits();
    let services = ReturnsServices::sandbox(Sandbox::start(config).await.unwrap()).unwrap();
    let settings = IntegrationSettings::new("BERGEN-NJ-02")
        .with_product_identification(ProductIdentification::Barcode)
        .with_test_mode(true)
        .with_excluded_sales_channels([" ebay "]);
    let store = Arc::new(MemoryStore::new());
    let engine = engine(&services, settings, store, EngineOptions::default())
        .await
        .unwrap();

    let report = engine.reconcile_once().await;
    assert_eq!(
        report.failures().count(),
        0,
        "{:?}",
        report.failures().collect::<Vec<_>>()
    );
    let sandbox = services.sandbox.as_ref().unwrap();
    let stored = sandbox.cloudx().tickets();
    assert_eq!(report.counts.tickets_created, stored.len());
    for ticket in &stored {
        assert_eq!(ticket["type"], "Test", "{ticket}");
        assert_eq!(ticket["warehouse_code"], "BERGEN-NJ-02");
    }
    for plan in sandbox.scenario().unwrap().plans() {
        let mine: Vec<_> = stored
            .iter()
            .filter(|t| t["rma_number"] == plan.return_id.as_str())
            .collect();
        match plan.expectation_excluding(&["eBay"]) {
            None | Some(Expectation::AsnRejected) => {
                assert!(
                    mine.is_empty(),
                    "return {} must not reach CloudX",
                    plan.return_id
                )
            }
            Some(_) => {
                assert_eq!(
                    mine.len(),
                    plan.shipments.len(),
                    "return {}",
                    plan.return_id
                );
                let sent: Vec<&str> = mine
                    .iter()
                    .flat_map(|t| t["lines"].as_array().unwrap())
                    .filter_map(|line| line["upc"].as_str())
                    .collect();
                for line in plan.lines() {
                    assert!(
                        sent.contains(&line.barcode.as_str()),
                        "barcode {} of {}",
                        line.barcode,
                        plan.return_id
                    );
                }
            }
        }
    }

    let again = engine.reconcile_once().await;
    assert_eq!(again.counts.tickets_created, 0);
    assert_eq!(sandbox.cloudx().tickets().len(), stored.len());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn orders_are_created_shipped_and_confirmed_once() {
    let config = SandboxConfig::default().with_scenario(ScenarioConfig::new(5, 0).with_orders(0));
    let services = OrderServices::sandbox(Sandbox::start(config).await.unwrap()).unwrap();
    let options = OrdersOptions {
        count: 6,
        prefix: "E2E".to_owned(),
        ..OrdersOptions::default()
    };

    let report = run_orders(&services, &options, &Progress::quiet())
        .await
        .unwrap();
    assert!(report.refused.is_empty(), "{:?}", report.refused);
    assert_eq!(report.orders.len(), 6);
    assert!(!report.inventory.is_empty());
    for order in &report.orders {
        assert!(order.created, "{order:?}");
        assert!(order.confirmed, "{order:?}");
        assert_eq!(order.status, Some(OrderStatus::Confirmed));
        assert!(!order.tracking.is_empty(), "{order:?}");
    }
    let stored = services.sandbox.as_ref().unwrap().cartrover().orders();
    let confirmed = stored
        .iter()
        .filter(|o| {
            o["cust_ref"]
                .as_str()
                .is_some_and(|r| r.starts_with("E2E-"))
        })
        .filter(|o| o["order_status"] == "confirmed")
        .count();
    assert_eq!(confirmed, 6, "{stored:#?}");

    let again = run_orders(&services, &options, &Progress::quiet())
        .await
        .unwrap();
    assert!(
        again.orders.iter().all(|o| !o.created && o.confirmed),
        "{:?}",
        again.orders
    );
    assert_eq!(
        services
            .sandbox
            .as_ref()
            .unwrap()
            .cartrover()
            .orders()
            .len(),
        stored.len()
    );
}

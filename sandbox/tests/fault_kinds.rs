//! Each kind of injected fault with plain reqwest: whether the simulator's
//! state changed, what the client receives, and that the sandbox counts it;
//! and the Loop simulator's log of accepted actions.

use std::time::Duration;

use reqwest::StatusCode;
use sandbox::loop_sim::ReturnAction;
use sandbox::scenario::{PlannedReturn, ScenarioConfig};
use sandbox::{FaultConfig, FaultKind, Sandbox, SandboxConfig, Simulator};
use serde_json::{Value, json};
use time::macros::datetime;

async fn cloudx_sandbox(faults: FaultConfig) -> Sandbox {
    let config = SandboxConfig::default()
        .with_scenario(ScenarioConfig::new(4, 3).with_now(datetime!(2026-11-20 12:00 UTC)))
        .with_faults(Simulator::Cloudx, faults)
        .without_rate_limits();
    Sandbox::start(config).await.expect("sandbox starts")
}

/// The receiving ticket of the first shipment of a planned return.
fn ticket(plan: &PlannedReturn) -> Value {
    let lines: Vec<Value> = plan.shipments[0]
        .lines
        .iter()
        .map(|line| json!({"sku": line.sku, "expected_quantity": 1}))
        .collect();
    json!({
        "type": "Return",
        "warehouse_code": "BERGEN-NJ-01",
        "reference_number": format!("{}-R1", plan.order_name),
        "rma_number": plan.return_id,
        "order_number": plan.order_name,
        "lines": lines,
    })
}

async fn create(sandbox: &Sandbox, client: &reqwest::Client) -> reqwest::Result<reqwest::Response> {
    let plan = sandbox.scenario().unwrap().plans()[0].clone();
    client
        .post(format!("{}/receiving-tickets", sandbox.cloudx_base_url()))
        .bearer_auth(sandbox.credentials().cloudx_client_secret)
        .json(&ticket(&plan))
        .send()
        .await
}

fn only(sandbox: &Sandbox, kind: FaultKind) {
    let counts = sandbox.fault_counts(Simulator::Cloudx);
    assert_eq!(counts.get(kind), 1, "{counts}");
    assert_eq!(counts.total(), 1, "{counts}");
}

#[tokio::test]
async fn html_5xx_is_an_html_page_and_nothing_is_stored() {
    let sandbox = cloudx_sandbox(FaultConfig::seeded(1).with_html_errors(1.0)).await;
    let response = create(&sandbox, &reqwest::Client::new()).await.unwrap();
    assert!(response.status().is_server_error());
    assert_eq!(
        response.headers()["content-type"],
        "text/html; charset=utf-8"
    );
    let body = response.text().await.unwrap();
    assert!(body.starts_with("<!DOCTYPE html>"), "{body}");
    assert_eq!(sandbox.cloudx().create_count(), 0);
    only(&sandbox, FaultKind::HtmlServerError);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn throttles_turn_the_request_away_with_or_without_retry_after() {
    let with = FaultConfig::seeded(1).with_throttles(1.0, Duration::from_secs(3), 0.0);
    let sandbox = cloudx_sandbox(with).await;
    let response = create(&sandbox, &reqwest::Client::new()).await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "3");
    assert_eq!(sandbox.cloudx().create_count(), 0);
    only(&sandbox, FaultKind::ThrottledWithRetryAfter);
    sandbox.shutdown().await.unwrap();

    let without = FaultConfig::seeded(1).with_throttles(0.0, Duration::from_secs(3), 1.0);
    let sandbox = cloudx_sandbox(without).await;
    let response = create(&sandbox, &reqwest::Client::new()).await.unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(response.headers().get("retry-after").is_none());
    assert_eq!(sandbox.cloudx().create_count(), 0);
    only(&sandbox, FaultKind::ThrottledWithoutRetryAfter);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_slow_answer_times_the_client_out_after_the_write_was_stored() {
    let slow = FaultConfig::seeded(1).with_slow_answers(1.0, Duration::from_millis(800));
    assert_eq!(FaultConfig::default().slow_delay, Duration::from_secs(2));
    let sandbox = cloudx_sandbox(slow).await;
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let error = create(&sandbox, &client).await.unwrap_err();
    assert!(error.is_timeout(), "{error}");
    assert_eq!(sandbox.cloudx().create_count(), 1, "the ticket was stored");
    only(&sandbox, FaultKind::SlowAfterProcessing);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_truncated_success_body_does_not_decode_but_the_write_was_stored() {
    let sandbox = cloudx_sandbox(FaultConfig::seeded(1).with_truncations(1.0)).await;
    let response = create(&sandbox, &reqwest::Client::new()).await.unwrap();
    assert!(response.status().is_success(), "{}", response.status());
    let declared: usize = response.headers()["content-length"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = response.bytes().await.unwrap();
    assert_eq!(body.len(), declared, "Content-Length matches what is sent");
    assert!(serde_json::from_slice::<Value>(&body).is_err(), "{body:?}");
    assert_eq!(sandbox.cloudx().create_count(), 1, "the ticket was stored");
    only(&sandbox, FaultKind::TruncatedAfterProcessing);
    // The whole body would have been longer.
    let full = serde_json::to_vec(&sandbox.cloudx().tickets()[0]).unwrap();
    assert!(body.len() < full.len());
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn a_dropped_connection_after_store_is_counted() {
    let sandbox = cloudx_sandbox(FaultConfig::seeded(1).with_drops(1.0)).await;
    let error = create(&sandbox, &reqwest::Client::new()).await.unwrap_err();
    assert!(error.status().is_none(), "{error}");
    assert_eq!(sandbox.cloudx().create_count(), 1);
    only(&sandbox, FaultKind::DroppedAfterProcessing);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn the_mix_injects_every_kind_and_counts_what_the_seed_decides() {
    let mixed = FaultConfig {
        slow_delay: Duration::from_millis(5),
        ..FaultConfig::mixed(21, 0.6)
    };
    let sandbox = cloudx_sandbox(mixed.clone()).await;
    let client = reqwest::Client::new();
    let requests = 300;
    for _ in 0..requests {
        let _ = client
            .get(format!("{}/warehouses", sandbox.cloudx_base_url()))
            .bearer_auth(sandbox.credentials().cloudx_client_secret)
            .send()
            .await;
    }
    let counts = sandbox.fault_counts(Simulator::Cloudx);
    let predicted = (0..requests).filter_map(|i| mixed.decide(i).kind());
    assert_eq!(counts.total(), predicted.count() as u64, "{counts}");
    for kind in FaultKind::ALL
        .into_iter()
        .filter(|k| *k != FaultKind::ServerError)
    {
        assert!(counts.get(kind) > 0, "{kind} never injected: {counts}");
    }
    assert_eq!(sandbox.fault_counts(Simulator::Loop).total(), 0);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn loop_logs_every_accepted_action_and_counts_repeats() {
    let sandbox = Sandbox::start(
        SandboxConfig::default()
            .with_scenario(ScenarioConfig::new(4, 2).with_now(datetime!(2026-11-20 12:00 UTC)))
            .without_rate_limits(),
    )
    .await
    .unwrap();
    let ids: Vec<u64> = sandbox
        .scenario()
        .unwrap()
        .plans()
        .iter()
        .map(|p| p.return_id.parse().unwrap())
        .collect();
    let action = |id: u64, verb: &str| {
        reqwest::Client::new()
            .post(format!(
                "{}/warehouse/return/{id}/{verb}",
                sandbox.loop_base_url()
            ))
            .header("X-Authorization", sandbox.credentials().loop_api_key)
            .send()
    };
    let note = reqwest::Client::new()
        .post(format!(
            "{}/warehouse/return/{}/note",
            sandbox.loop_base_url(),
            ids[1]
        ))
        .header("X-Authorization", sandbox.credentials().loop_api_key)
        .json(&json!({"content": "a note is not an action"}))
        .send();
    note.await.unwrap();
    action(ids[1], "process").await.unwrap();
    // Refused (already closed): not accepted, not logged.
    let refused: Value = action(ids[1], "process")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(refused.get("errors").is_some(), "{refused}");
    assert_eq!(sandbox.loop_sim().duplicate_actions(), 0);
    let processed = sandbox.loop_sim().accepted_actions(ids[1]);
    assert_eq!(processed.len(), 1);
    assert_eq!(processed[0].action, ReturnAction::Process);
    assert!(processed[0].changed_state);

    action(ids[0], "flag").await.unwrap();
    // A second flag is accepted as a no-op: the same action twice.
    action(ids[0], "flag").await.unwrap();
    let flagged = sandbox.loop_sim().accepted_actions(ids[0]);
    let shape: Vec<(String, bool)> = flagged
        .iter()
        .map(|a| (a.action.to_string(), a.changed_state))
        .collect();
    assert_eq!(
        shape,
        [("flag".to_owned(), true), ("flag".to_owned(), false)]
    );
    assert_eq!(sandbox.loop_sim().duplicate_actions(), 1);
    sandbox.shutdown().await.unwrap();
}

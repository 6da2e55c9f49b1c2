//! The sandbox as a whole, with plain reqwest: start and stop, scenario
//! seeding and its determinism, and each kind of injected fault.

use std::time::Duration;

use reqwest::StatusCode;
use sandbox::scenario::{Expectation, PlannedReceipt, PlannedReturn, ScenarioConfig};
use sandbox::{FaultConfig, FaultDecision, Sandbox, SandboxConfig, Simulator};
use serde_json::{Value, json};
use time::macros::datetime;

fn scenario(seed: u64, returns: usize) -> ScenarioConfig {
    ScenarioConfig::new(seed, returns).with_now(datetime!(2026-11-20 12:00 UTC))
}

async fn start(config: SandboxConfig) -> Sandbox {
    Sandbox::start(config).await.expect("sandbox starts")
}

fn client() -> reqwest::Client {
    reqwest::Client::new()
}

/// `GET {loop}/warehouse/return/details?return_id=…` with the right key.
async fn loop_details(sandbox: &Sandbox, return_id: &str) -> reqwest::Result<reqwest::Response> {
    client()
        .get(format!(
            "{}/warehouse/return/details",
            sandbox.loop_base_url()
        ))
        .query(&[("return_id", return_id)])
        .header("X-Authorization", sandbox.credentials().loop_api_key)
        .send()
        .await
}

async fn cloudx_get(sandbox: &Sandbox, path: &str) -> reqwest::Result<reqwest::Response> {
    client()
        .get(format!("{}{path}", sandbox.cloudx_base_url()))
        .bearer_auth(sandbox.credentials().cloudx_client_secret)
        .send()
        .await
}

async fn cloudx_create(sandbox: &Sandbox, ticket: &Value) -> reqwest::Result<reqwest::Response> {
    client()
        .post(format!("{}/receiving-tickets", sandbox.cloudx_base_url()))
        .bearer_auth(sandbox.credentials().cloudx_client_secret)
        .json(ticket)
        .send()
        .await
}

async fn cartrover_get(sandbox: &Sandbox, path: &str) -> reqwest::Result<reqwest::Response> {
    let credentials = sandbox.credentials();
    client()
        .get(format!("{}{path}", sandbox.cartrover_base_url()))
        .basic_auth(
            credentials.cartrover_cart_api_user,
            Some(credentials.cartrover_cart_api_key),
        )
        .send()
        .await
}

/// The receiving ticket an integration would create for one shipment of a
/// planned return (one line per SKU, quantities summed).
fn ticket_for(plan: &PlannedReturn, shipment: usize) -> Value {
    let mut lines: Vec<(String, u32)> = Vec::new();
    for line in &plan.shipments[shipment].lines {
        match lines.iter_mut().find(|(sku, _)| *sku == line.sku) {
            Some((_, quantity)) => *quantity += 1,
            None => lines.push((line.sku.clone(), 1)),
        }
    }
    json!({
        "type": "Return",
        "warehouse_code": "BERGEN-NJ-01",
        "reference_number": format!("{}-R{}", plan.order_name, shipment + 1),
        "rma_number": plan.return_id,
        "order_number": plan.order_name,
        "tracking_numbers": [plan.shipments[shipment].tracking_number],
        "carrier": plan.shipments[shipment].carrier,
        "lines": lines
            .iter()
            .map(|(sku, quantity)| json!({"sku": sku, "expected_quantity": quantity}))
            .collect::<Vec<_>>(),
    })
}

#[tokio::test]
async fn starts_three_simulators_and_stops_them() {
    let sandbox = start(SandboxConfig::default()).await;
    assert!(sandbox.loop_base_url().ends_with("/api/v1"));
    assert!(sandbox.cloudx_base_url().ends_with("/v1"));
    assert_eq!(
        sandbox.base_url(Simulator::Cartrover),
        sandbox.cartrover_base_url()
    );

    let list = client()
        .get(format!("{}/warehouse/return/list", sandbox.loop_base_url()))
        .header("X-Authorization", sandbox.credentials().loop_api_key)
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);
    assert_eq!(list.json::<Value>().await.unwrap(), json!([]));

    let warehouses = cloudx_get(&sandbox, "/warehouses").await.unwrap();
    assert_eq!(warehouses.status(), StatusCode::OK);
    assert!(warehouses.json::<Value>().await.unwrap()["data"].is_array());

    let methods = cartrover_get(&sandbox, "/v1/wms/shipmethod/list")
        .await
        .unwrap();
    assert_eq!(methods.status(), StatusCode::OK);
    assert!(methods.headers().contains_key("x-cartrover-process-id"));
    assert_eq!(methods.json::<Value>().await.unwrap()["success_code"], true);

    // Wrong credentials are refused: the sandbox hands out the right ones.
    let refused = client()
        .get(format!("{}/warehouses", sandbox.cloudx_base_url()))
        .bearer_auth("wrong")
        .send()
        .await
        .unwrap();
    assert_eq!(refused.status(), StatusCode::UNAUTHORIZED);

    let urls = [
        sandbox.loop_base_url(),
        sandbox.cloudx_base_url(),
        sandbox.cartrover_base_url(),
    ];
    let info = sandbox.connection_info();
    assert_eq!(info["cloudx"]["base_url"], urls[1].as_str());
    sandbox.shutdown().await.unwrap();
    for url in urls {
        let error = client().get(&url).send().await.unwrap_err();
        assert!(
            error.is_connect(),
            "{url} still answers after shutdown: {error}"
        );
    }
}

#[tokio::test]
async fn scenario_is_seeded_into_all_three_simulators() {
    let sandbox = start(SandboxConfig::default().with_scenario(scenario(42, 30))).await;
    let seeded = sandbox.scenario().expect("a scenario");
    assert_eq!(sandbox.loop_sim().returns().len(), 30);

    // Loop: every seeded return is served, with its channel and lines.
    let plan = &seeded.plans()[0];
    let details: Value = loop_details(&sandbox, &plan.return_id)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(details["order_name"], plan.order_name.as_str());
    assert_eq!(
        details["line_items"].as_array().unwrap().len(),
        plan.lines().count()
    );

    // CloudX: the returns' items are in the item master, by SKU and by UPC.
    let line = plan.lines().next().unwrap();
    let by_sku: Value = cloudx_get(&sandbox, &format!("/items?sku={}", line.sku))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_sku["data"][0]["upc"], line.barcode.as_str());
    let by_upc: Value = cloudx_get(&sandbox, &format!("/items?upc={}", line.barcode))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(by_upc["data"][0]["sku"], line.sku.as_str());

    // CartRover: orders and inventory.
    assert_eq!(sandbox.cartrover().orders().len(), seeded.orders().len());
    let cust_ref = seeded.orders()[0]["cust_ref"].as_str().unwrap();
    let order: Value = cartrover_get(&sandbox, &format!("/v1/cart/orders/{cust_ref}"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(order["success_code"], true, "{order}");
    let level = &seeded.inventory()[0];
    let stock: Value = cartrover_get(&sandbox, &format!("/v1/merchant/inventory/{}", level.sku))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(stock["success_code"], true, "{stock}");
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn same_seed_gives_the_same_data_and_another_seed_does_not() {
    let snapshot = |sandbox: &Sandbox| {
        let orders: Vec<Value> = sandbox
            .cartrover()
            .orders()
            .iter()
            .map(|o| json!([o["cust_ref"], o["created_date_time"], o["items"]]))
            .collect();
        (sandbox.loop_sim().returns(), orders)
    };
    let a = start(SandboxConfig::default().with_scenario(scenario(42, 40))).await;
    let b = start(SandboxConfig::default().with_scenario(scenario(42, 40))).await;
    let c = start(SandboxConfig::default().with_scenario(scenario(43, 40))).await;
    assert_eq!(snapshot(&a), snapshot(&b));
    assert_eq!(a.scenario().unwrap().plans(), b.scenario().unwrap().plans());
    assert_ne!(snapshot(&a).0, snapshot(&c).0);
    assert_ne!(snapshot(&a).1, snapshot(&c).1);
    for sandbox in [a, b, c] {
        sandbox.shutdown().await.unwrap();
    }
}

#[tokio::test]
async fn planned_receipts_drive_the_cloudx_warehouse() {
    let mut config = SandboxConfig::default().with_scenario(scenario(42, 120));
    config.cloudx_config.warehouse_model.statuses_per_step = 6;
    let sandbox = start(config).await;
    let plans = sandbox.scenario().unwrap().plans();
    let find = |pred: fn(&PlannedReceipt) -> bool| {
        plans
            .iter()
            .find(|p| pred(&p.receipt) && p.shipments.len() == 1)
            .expect("the mix has one")
    };
    let full = find(|r| *r == PlannedReceipt::Full);
    let short = find(|r| matches!(r, PlannedReceipt::Short { .. }));
    let never = find(|r| *r == PlannedReceipt::NeverArrives);
    assert_eq!(full.expectation(), Expectation::Processed);
    assert_eq!(short.expectation(), Expectation::Flagged);
    assert_eq!(never.expectation(), Expectation::Waiting);

    let mut ids = Vec::new();
    for plan in [full, short, never] {
        let response = cloudx_create(&sandbox, &ticket_for(plan, 0)).await.unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
        ids.push(response.json::<Value>().await.unwrap()["id"].clone());
    }
    sandbox.cloudx().work_warehouse();
    let ticket = |id: &Value| {
        let path = format!("/receiving-tickets/{}", id.as_str().unwrap());
        let sandbox = &sandbox;
        async move {
            cloudx_get(sandbox, &path)
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let expected_units = |t: &Value| -> (u64, u64) {
        t["lines"]
            .as_array()
            .unwrap()
            .iter()
            .fold((0, 0), |(e, r), line| {
                (
                    e + line["expected_quantity"].as_u64().unwrap(),
                    r + line["received_quantity"].as_u64().unwrap(),
                )
            })
    };
    let received_full = ticket(&ids[0]).await;
    assert_eq!(received_full["status"], "AddedToInventory");
    let (expected, received) = expected_units(&received_full);
    assert_eq!(expected, received);
    let received_short = ticket(&ids[1]).await;
    assert_eq!(received_short["status"], "AddedToInventory");
    let (expected, received) = expected_units(&received_short);
    assert_eq!(received + 1, expected);
    assert_eq!(ticket(&ids[2]).await["status"], "Draft");
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn missing_items_make_the_warehouse_reject_the_asn() {
    let config = SandboxConfig::default().with_scenario(scenario(9, 40).with_missing_items(0.5));
    let sandbox = start(config).await;
    let plan = sandbox
        .scenario()
        .unwrap()
        .plans()
        .iter()
        .find(|p| p.expectation() == Expectation::AsnRejected && p.shipments.len() == 1)
        .expect("half the returns miss an item")
        .clone();
    let response = cloudx_create(&sandbox, &ticket_for(&plan, 0))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["errors"][0]["code"], 83, "{body}");
    assert_eq!(sandbox.cloudx().create_count(), 0);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn injected_server_errors_happen_before_processing() {
    let config = SandboxConfig::default()
        .with_scenario(scenario(1, 5))
        .with_faults(
            Simulator::Cloudx,
            FaultConfig::seeded(1).with_server_errors(1.0),
        );
    let sandbox = start(config).await;
    let plan = sandbox.scenario().unwrap().plans()[0].clone();
    let response = cloudx_create(&sandbox, &ticket_for(&plan, 0))
        .await
        .unwrap();
    assert!(response.status().is_server_error(), "{}", response.status());
    assert_eq!(sandbox.cloudx().create_count(), 0);
    assert!(sandbox.cloudx().tickets().is_empty());
    // The other simulators are untouched.
    let details = loop_details(&sandbox, &plan.return_id).await.unwrap();
    assert_eq!(details.status(), StatusCode::OK);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn server_errors_follow_the_seed_request_by_request() {
    let faults = FaultConfig::seeded(5)
        .with_server_errors(0.3)
        .with_server_error_burst(2);
    let statuses = |sandbox: Sandbox| async move {
        let return_id = sandbox.scenario().unwrap().plans()[0].return_id.clone();
        let mut seen = Vec::new();
        for _ in 0..40 {
            seen.push(loop_details(&sandbox, &return_id).await.unwrap().status());
        }
        sandbox.shutdown().await.unwrap();
        seen
    };
    let config = SandboxConfig::default()
        .without_rate_limits()
        .with_scenario(scenario(1, 3))
        .with_faults(Simulator::Loop, faults.clone());
    let first = statuses(start(config.clone()).await).await;
    let second = statuses(start(config).await).await;
    assert_eq!(first, second);
    let predicted: Vec<StatusCode> = (0..40)
        .map(|i| match faults.decide(i) {
            FaultDecision::ServerError(status) => status,
            _ => StatusCode::OK,
        })
        .collect();
    assert_eq!(first, predicted);
    assert!(first.contains(&StatusCode::OK) && first.iter().any(|s| s.is_server_error()));
}

#[tokio::test(start_paused = true)]
async fn added_latency_delays_every_answer() {
    let config = SandboxConfig::default()
        .with_scenario(scenario(1, 2))
        .with_faults(
            Simulator::Loop,
            FaultConfig::seeded(1).with_latency(Duration::from_secs(3), Duration::from_secs(1)),
        );
    let sandbox = start(config).await;
    let return_id = sandbox.scenario().unwrap().plans()[0].return_id.clone();
    let started = tokio::time::Instant::now();
    let response = loop_details(&sandbox, &return_id).await.unwrap();
    let elapsed = started.elapsed();
    assert_eq!(response.status(), StatusCode::OK);
    assert!(
        elapsed >= Duration::from_secs(3) && elapsed <= Duration::from_secs(5),
        "{elapsed:?}"
    );
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn dropped_connection_after_create_leaves_the_ticket_for_the_duplicate_check() {
    // A seed whose first request is dropped and second passes, found with
    // the same pure decision function the layer uses.
    let faults = (0..1_000)
        .map(|seed| FaultConfig::seeded(seed).with_drops(0.5))
        .find(|f| {
            f.decide(0) == FaultDecision::DropAfterProcessing && f.decide(1) == FaultDecision::Pass
        })
        .expect("some seed drops the first request only");
    let config = SandboxConfig::default()
        .with_scenario(scenario(3, 5))
        .with_faults(Simulator::Cloudx, faults);
    let sandbox = start(config).await;
    let plan = sandbox.scenario().unwrap().plans()[0].clone();
    let ticket = ticket_for(&plan, 0);

    let error = cloudx_create(&sandbox, &ticket).await.unwrap_err();
    assert!(
        error.status().is_none(),
        "the client sees no answer: {error}"
    );
    assert_eq!(
        sandbox.cloudx().create_count(),
        1,
        "but the ticket was created"
    );
    let created_id = sandbox.cloudx().tickets()[0]["id"].clone();

    let retry = cloudx_create(&sandbox, &ticket).await.unwrap();
    assert_eq!(retry.status(), StatusCode::CONFLICT);
    let body: Value = retry.json().await.unwrap();
    assert_eq!(body["existing_id"], created_id);
    assert_eq!(sandbox.cloudx().create_count(), 1);
    sandbox.shutdown().await.unwrap();
}

#[tokio::test]
async fn tighter_rate_limits_apply_per_vendor() {
    let config = SandboxConfig::default()
        .with_scenario(scenario(1, 2))
        .with_faults(Simulator::Loop, FaultConfig::seeded(1).with_rate_limit(2))
        .with_faults(Simulator::Cloudx, FaultConfig::seeded(1).with_rate_limit(1))
        .with_faults(
            Simulator::Cartrover,
            FaultConfig::seeded(1).with_rate_limit(1),
        );
    let sandbox = start(config).await;
    let return_id = sandbox.scenario().unwrap().plans()[0].return_id.clone();

    let mut loop_statuses = Vec::new();
    for _ in 0..3 {
        loop_statuses.push(loop_details(&sandbox, &return_id).await.unwrap().status());
    }
    assert_eq!(
        loop_statuses,
        [
            StatusCode::OK,
            StatusCode::OK,
            StatusCode::TOO_MANY_REQUESTS
        ]
    );

    assert_eq!(
        cloudx_get(&sandbox, "/warehouses").await.unwrap().status(),
        StatusCode::OK
    );
    let limited = cloudx_get(&sandbox, "/warehouses").await.unwrap();
    assert_eq!(limited.status(), StatusCode::TOO_MANY_REQUESTS);
    assert!(limited.headers().contains_key("retry-after"));

    let first: Value = cartrover_get(&sandbox, "/v1/wms/shipmethod/list")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(first["success_code"], true);
    let second: Value = cartrover_get(&sandbox, "/v1/wms/shipmethod/list")
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(second["success_code"], false);
    assert_eq!(second["error_code"], "RateLimit");
    sandbox.shutdown().await.unwrap();
}

/// The binary prints its connection info, serves, and exits cleanly on
/// SIGTERM.
#[cfg(unix)]
#[tokio::test]
async fn binary_serves_until_terminated() {
    use std::io::{BufRead, BufReader};
    use std::process::{Command, Stdio};

    /// Kills the child if the test fails before it exits.
    struct Reaped(std::process::Child);
    impl Drop for Reaped {
        fn drop(&mut self) {
            if matches!(self.0.try_wait(), Ok(None)) {
                let _ = self.0.kill();
                let _ = self.0.wait();
            }
        }
    }

    let mut child = Reaped(
        Command::new(env!("CARGO_BIN_EXE_bergen-sandbox"))
            .args(["--seed", "1", "--returns", "5", "--json"])
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("the binary starts"),
    );
    let stdout = child.0.stdout.take().expect("piped stdout");
    let info: Value = tokio::task::spawn_blocking(move || {
        // Pretty-printed JSON: the document ends with a lone closing brace.
        let mut text = String::new();
        for line in BufReader::new(stdout).lines() {
            let line = line.expect("readable stdout");
            let done = line == "}";
            text.push_str(&line);
            if done {
                break;
            }
        }
        serde_json::from_str(&text).expect("connection info is JSON")
    })
    .await
    .unwrap();

    let warehouses = client()
        .get(format!(
            "{}/warehouses",
            info["cloudx"]["base_url"].as_str().unwrap()
        ))
        .bearer_auth(info["cloudx"]["client_secret"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(warehouses.status(), StatusCode::OK);
    let list = client()
        .get(format!(
            "{}/warehouse/return/list",
            info["loop"]["base_url"].as_str().unwrap()
        ))
        .header("X-Authorization", info["loop"]["api_key"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(list.status(), StatusCode::OK);

    let killed = Command::new("kill")
        .args(["-TERM", &child.0.id().to_string()])
        .status()
        .expect("kill runs");
    assert!(killed.success());
    let mut exit = None;
    for _ in 0..1_000 {
        exit = child.0.try_wait().expect("waitable child");
        if exit.is_some() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    let status = exit.expect("the binary exits within 10 s of SIGTERM");
    assert!(status.success(), "exit status {status}");
}

#[tokio::test]
async fn the_loop_sales_channel_can_be_left_out_of_return_data() {
    let config = SandboxConfig::default()
        .with_scenario(scenario(42, 5))
        .without_loop_sales_channel_in_return_data();
    assert!(config.loop_config.omit_sales_channel_from_return_data);
    let sandbox = start(config).await;
    let plan = &sandbox.scenario().expect("a scenario").plans()[0];
    let details: Value = loop_details(&sandbox, &plan.return_id)
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert!(
        details.get("provider_order_sales_channel").is_none(),
        "{details}"
    );
    // The order's channel is still there, through the Orders API.
    let order: Value = client()
        .get(format!(
            "{}/orders/{}",
            sandbox.loop_base_url(),
            details["order_id"]
        ))
        .header("X-Authorization", sandbox.credentials().loop_api_key)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(order["channel"]["name"], plan.channel.as_str(), "{order}");
    sandbox.shutdown().await.unwrap();
}

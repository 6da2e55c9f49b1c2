//! Many merchants in one service: each engine runs on its own, so a
//! merchant whose Loop fails everything holds up no other merchant.

mod common;

use std::time::{Duration, Instant};

use returns_sync::config::{
    CloudxConfig, LoopConfig, MerchantConfig, MerchantSecrets, StoreConfig,
};
use returns_sync::{EngineOptions, ResolvedMerchant, Service, ServiceConfig};
use sandbox::scenario::{Expectation, ScenarioConfig};
use sandbox::{FaultConfig, Sandbox, SandboxConfig, Simulator};

fn merchant(id: &str, sandbox: &Sandbox) -> ResolvedMerchant {
    let credentials = sandbox.credentials();
    let config = MerchantConfig::new(
        id,
        LoopConfig::from_env("UNUSED").with_base_url(sandbox.loop_base_url()),
        CloudxConfig::new("UNUSED", sandbox.cloudx_base_url()),
        common::settings(),
    )
    .with_options(
        EngineOptions::default()
            .with_pull_interval(Duration::from_millis(500))
            .with_poll_interval(Duration::from_millis(500)),
    );
    ResolvedMerchant::new(
        config,
        MerchantSecrets::new(credentials.loop_api_key, credentials.cloudx_client_secret),
    )
}

/// Tickets the scenario's returns should get.
fn expected_tickets(sandbox: &Sandbox) -> usize {
    sandbox
        .scenario()
        .unwrap()
        .plans()
        .iter()
        .filter(|p| {
            !matches!(
                p.expectation_excluding(&[common::EXCLUDED]),
                None | Some(Expectation::AsnRejected)
            )
        })
        .map(|p| p.shipments.len())
        .sum()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_merchant_whose_loop_fails_everything_starves_no_other() {
    let scenario = |seed| SandboxConfig::default().with_scenario(ScenarioConfig::new(seed, 40));
    let good_a = common::sandbox(scenario(3)).await;
    let good_b = common::sandbox(scenario(4)).await;
    // Loop answers 503 to every call: the engine retries up to the client's
    // two minutes per call, again and again.
    let broken = common::sandbox(scenario(5).with_faults(
        Simulator::Loop,
        FaultConfig {
            server_error_rate: 1.0,
            ..FaultConfig::default()
        },
    ))
    .await;
    let dir = tempfile::tempdir().unwrap();
    let merchants = vec![
        merchant("broken", &broken),
        merchant("good-a", &good_a),
        merchant("good-b", &good_b),
    ];
    let config = ServiceConfig::new(
        StoreConfig::sqlite(dir.path()),
        merchants.iter().map(|m| m.config.clone()).collect(),
    );
    config.validate().unwrap();
    let service = Service::build(&config, merchants, None).await.unwrap();
    assert!(
        dir.path().join("good-a.db").exists(),
        "one file per merchant"
    );

    let (stop, stopped) = tokio::sync::watch::channel(false);
    let running = {
        let service = service.clone();
        tokio::spawn(async move {
            let mut stopped = stopped;
            service
                .run(
                    async move {
                        let _ = stopped.wait_for(|s| *s).await;
                    },
                    |_, _| {},
                )
                .await;
        })
    };
    let started = Instant::now();
    let want = [expected_tickets(&good_a), expected_tickets(&good_b)];
    while [
        good_a.cloudx().tickets().len(),
        good_b.cloudx().tickets().len(),
    ] != want
    {
        assert!(
            started.elapsed() < Duration::from_secs(30),
            "the healthy merchants did not get their tickets in 30 s (the broken one's retries last 2 minutes per call): {} and {} of {want:?}",
            good_a.cloudx().tickets().len(),
            good_b.cloudx().tickets().len(),
        );
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let took = started.elapsed();
    assert!(broken.cloudx().tickets().is_empty());
    // The engines stop at the end of their passes; the broken merchant's is
    // stuck in retries, so the test does not wait for it.
    let _ = stop.send(true);
    running.abort();
    eprintln!("healthy merchants done in {took:?} beside a failing one");
}

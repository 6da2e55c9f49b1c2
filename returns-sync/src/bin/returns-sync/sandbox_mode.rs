//! `returns-sync run --sandbox`: the service against the built-in
//! simulators, with no configuration and no credentials. Customers create a
//! return every two seconds, Loop sends its webhooks to the service, the
//! simulated warehouse receives parcels, and the engine sends, polls,
//! decides and acts — all visible in the logs.

use std::process::ExitCode;
use std::time::Duration;

use returns_core::IntegrationSettings;
use returns_sync::config::{
    CloudxConfig, LoopConfig, MerchantConfig, MerchantSecrets, ResolvedMerchant, StoreConfig,
    WebhookConfig,
};
use returns_sync::{EngineOptions, Service, ServiceConfig};
use sandbox::scenario::{Scenario, ScenarioConfig};
use sandbox::{Sandbox, SandboxConfig};

/// The merchant the sandbox plays.
const MERCHANT: &str = "sandbox";

pub(crate) async fn run(seconds: Option<u64>) -> Result<ExitCode, String> {
    let mut sandbox_config = SandboxConfig::default();
    sandbox_config
        .cloudx_config
        .warehouse_model
        .statuses_per_step = 3;
    let sandbox = Sandbox::start(sandbox_config)
        .await
        .map_err(|e| format!("cannot start the simulators: {e}"))?;
    let scenario = Scenario::generate(&ScenarioConfig::new(7, 200));
    for item in scenario.item_master() {
        sandbox
            .cloudx()
            .insert_item(&item.sku, Some(&item.upc), Some(&item.description()));
    }
    let folder = tempfile::tempdir().map_err(|e| format!("cannot make a state folder: {e}"))?;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .map_err(|e| format!("cannot listen on a local port: {e}"))?;
    let address = listener
        .local_addr()
        .map_err(|e| format!("cannot read the local port: {e}"))?;
    drop(listener);

    let (config, merchant) = sandbox_service(&sandbox, folder.path().to_owned(), address);
    let loop_client = merchant.loop_client().map_err(|e| e.to_string())?;
    let service = Service::build(&config, vec![merchant], None)
        .await
        .map_err(|e| e.to_string())?;
    tracing::info!(
        state = %folder.path().display(),
        loop_sim = %sandbox.loop_base_url(),
        cloudx_sim = %sandbox.cloudx_base_url(),
        "running against the built-in simulators; Ctrl-C stops"
    );

    let customers = {
        let loop_sim = sandbox.loop_sim().clone();
        let returns = scenario.returns().to_vec();
        tokio::spawn(async move {
            for ret in returns {
                tokio::time::sleep(Duration::from_secs(2)).await;
                loop_sim.insert_return(ret);
            }
        })
    };
    let warehouse = {
        let cloudx = sandbox.cloudx().clone();
        tokio::spawn(async move {
            loop {
                tokio::time::sleep(Duration::from_secs(1)).await;
                cloudx.work_warehouse();
            }
        })
    };
    let subscribe = {
        let url = format!(
            "http://{address}/merchants/{MERCHANT}{}",
            returns_sync::webhooks::WEBHOOK_PATH
        );
        async move {
            // The listener starts with the service; subscribing needs only Loop.
            match returns_sync::webhooks::ensure_subscriptions(&loop_client, &url).await {
                Ok(setup) => {
                    tracing::info!(%url, created = setup.created.len(), "Loop webhooks subscribed")
                }
                Err(e) => tracing::error!(error = %e, "cannot subscribe to Loop's webhooks"),
            }
        }
    };
    subscribe.await;
    crate::run::serve(&service, &config, seconds).await?;
    customers.abort();
    warehouse.abort();
    if let Some(m) = service.merchant(MERCHANT)
        && let Ok(counts) = m.engine.store().stage_counts().await
    {
        let counts: Vec<String> = counts.iter().map(|(s, n)| format!("{n} {s}")).collect();
        tracing::info!(returns = %counts.join(", "), "returns by stage");
    }
    sandbox
        .shutdown()
        .await
        .map_err(|e| format!("the simulators did not stop cleanly: {e}"))?;
    Ok(ExitCode::SUCCESS)
}

/// A one-merchant configuration over the sandbox.
fn sandbox_service(
    sandbox: &Sandbox,
    state: std::path::PathBuf,
    listen: std::net::SocketAddr,
) -> (ServiceConfig, ResolvedMerchant) {
    let credentials = sandbox.credentials();
    let webhook_secret = sandbox.loop_sim().config().webhook_secret.clone();
    let merchant = MerchantConfig::new(
        MERCHANT,
        LoopConfig::from_env("SANDBOX_LOOP_API_KEY")
            .with_base_url(sandbox.loop_base_url())
            .with_webhook_secret_env("SANDBOX_LOOP_WEBHOOK_SECRET"),
        CloudxConfig::new("SANDBOX_CLOUDX_SECRET", sandbox.cloudx_base_url()),
        IntegrationSettings::new("BERGEN-NJ-01")
            .with_auto_process(true)
            .with_excluded_sales_channels(["Amazon"]),
    )
    .with_options(
        EngineOptions::default()
            .with_pull_interval(Duration::from_secs(60))
            .with_poll_interval(Duration::from_secs(5)),
    );
    let secrets = MerchantSecrets::new(credentials.loop_api_key, credentials.cloudx_client_secret)
        .with_loop_webhook_secret(webhook_secret);
    let config = ServiceConfig::new(StoreConfig::sqlite(state), vec![merchant.clone()])
        .with_webhooks(WebhookConfig::new(listen));
    (config, ResolvedMerchant::new(merchant, secrets))
}

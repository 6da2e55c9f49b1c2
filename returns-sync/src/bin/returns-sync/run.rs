//! `returns-sync run --config`: every merchant's engine, the webhook
//! listener, a graceful stop.

use std::process::ExitCode;

use returns_sync::{Service, ServiceConfig, SyncReport};

pub(crate) async fn run(config: &ServiceConfig, seconds: Option<u64>) -> Result<ExitCode, String> {
    let merchants = config.resolve().map_err(|e| e.to_string())?;
    let url = config
        .postgres_url_with(|name| std::env::var(name).ok())
        .map_err(|e| e.to_string())?;
    let service = Service::build(config, merchants, url.as_deref())
        .await
        .map_err(|e| e.to_string())?;
    serve(&service, config, seconds).await?;
    Ok(ExitCode::SUCCESS)
}

/// Runs `service` (with its webhook listener when configured) until the
/// shutdown signal.
pub(crate) async fn serve(
    service: &Service,
    config: &ServiceConfig,
    seconds: Option<u64>,
) -> Result<(), String> {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let listener = match &config.webhooks {
        Some(webhooks) => {
            let listener = tokio::net::TcpListener::bind(webhooks.listen)
                .await
                .map_err(|e| format!("cannot listen on {}: {e}", webhooks.listen))?;
            let app = service.router();
            let mut stopped = stopped.clone();
            let shutdown = async move {
                let _ = stopped.wait_for(|stop| *stop).await;
            };
            tracing::info!(address = %webhooks.listen, "receiving Loop webhooks at /merchants/<id>/loop/webhooks");
            Some(tokio::spawn(
                axum::serve(listener, app)
                    .with_graceful_shutdown(shutdown)
                    .into_future(),
            ))
        }
        None => None,
    };
    tracing::info!(
        merchants = service.merchants().len(),
        "returns-sync running"
    );
    let shutdown = async move {
        crate::shutdown_signal(seconds).await;
        let _ = stop.send(true);
    };
    service.run(shutdown, log_report).await;
    if let Some(listener) = listener {
        let _ = listener.await;
    }
    tracing::info!("returns-sync stopped");
    Ok(())
}

/// One log line per pass, one per failure.
fn log_report(merchant: &str, report: &SyncReport) {
    if report.returns.is_empty() && report.run_failures.is_empty() {
        return;
    }
    tracing::info!(merchant, summary = %report.one_line(), "pass done");
    for (return_id, step, error) in report.failures() {
        tracing::warn!(merchant, return_id = return_id.unwrap_or("-"), %step, error, "failed; tried again next pass");
    }
}

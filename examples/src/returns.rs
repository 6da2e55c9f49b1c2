//! The returns flow through `returns-sync`: an engine over the services the
//! examples connect to (the sandbox, or the real services).

use std::sync::Arc;

use returns_core::IntegrationSettings;
use returns_sync::{BuildError, EngineOptions, Store, SyncEngine};

use crate::connect::ReturnsServices;

/// An engine over `services`, writing to `store`.
///
/// # Errors
/// [`BuildError`]: a bad setting, or a warehouse code CloudX does not know.
pub async fn engine(
    services: &ReturnsServices,
    settings: IntegrationSettings,
    store: Arc<dyn Store>,
    options: EngineOptions,
) -> Result<SyncEngine, BuildError> {
    SyncEngine::builder(
        services.loop_client.clone(),
        services.cloudx.clone(),
        settings,
    )
    .shared_store(store)
    .options(options)
    .build()
    .await
}

/// Lets the sandbox's simulated warehouse work until it has nothing left to
/// move (on the real services the warehouse works on its own). Returns how
/// many steps it took.
pub fn receive_everything(services: &ReturnsServices) -> usize {
    let Some(sandbox) = &services.sandbox else {
        return 0;
    };
    let mut steps = 0;
    while sandbox.cloudx().work_warehouse() > 0 {
        steps += 1;
    }
    steps
}

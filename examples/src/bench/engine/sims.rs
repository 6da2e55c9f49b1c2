//! The two simulators the engine talks to (Loop and CloudX), seeded with a
//! scenario as the sandbox seeds them, rate limits off, each behind a
//! [`recording`] layer. Built here rather than with `Sandbox::start` because
//! the sandbox does not let a caller wrap its routers; CartRover, which the
//! engine never calls, is left out.

use std::sync::Arc;

use sandbox::cloudx_sim::{CloudxConfig, CloudxSim, ReceiptOutcome};
use sandbox::loop_sim::{API_PREFIX, LoopConfig, LoopSim};
use sandbox::scenario::Scenario;
use sandbox::{Served, serve_router};

use super::recorder::{Recorder, Vendor, recording};
use crate::bench::error::BenchError;

/// Warehouse statuses one step of the simulated warehouse moves a ticket
/// (the whole way in one step: receipt is not what is measured).
const STATUSES_PER_STEP: u32 = 8;

/// Seeded Loop and CloudX simulators, served on loopback and recorded.
#[derive(Debug)]
pub struct Sims {
    loop_sim: LoopSim,
    cloudx: CloudxSim,
    loop_served: Served,
    cloudx_served: Served,
    recorder: Arc<Recorder>,
}

impl Sims {
    /// Seeds both simulators with `scenario` and serves them.
    ///
    /// # Errors
    /// [`BenchError::Seed`] when a simulator refuses a seeded return (a
    /// sandbox bug), [`BenchError::Serve`] when no port can be bound.
    pub async fn start(scenario: &Scenario) -> Result<Self, BenchError> {
        let loop_sim = LoopSim::new(LoopConfig {
            rate_limit_per_minute: None,
            ..LoopConfig::default()
        });
        for value in scenario.returns() {
            loop_sim
                .try_insert_return(value.clone())
                .map_err(|e| BenchError::Seed {
                    simulator: "Loop",
                    message: e.to_string(),
                })?;
        }
        let mut config = CloudxConfig {
            rate_limit_per_second: None,
            ..CloudxConfig::default()
        };
        config.warehouse_model.statuses_per_step = STATUSES_PER_STEP;
        let cloudx = CloudxSim::new(config);
        for item in scenario.item_master() {
            cloudx.insert_item(&item.sku, Some(&item.upc), Some(&item.description()));
        }
        for plan in scenario.plans() {
            cloudx.set_outcome(&plan.return_id, ReceiptOutcome::from(&plan.receipt));
        }
        let recorder = Arc::new(Recorder::default());
        let loop_served = serve_router(recording(
            loop_sim.router(),
            Vendor::Loop,
            Arc::clone(&recorder),
        ))
        .await
        .map_err(BenchError::Serve)?;
        let cloudx_served = serve_router(recording(
            cloudx.router(),
            Vendor::Cloudx,
            Arc::clone(&recorder),
        ))
        .await
        .map_err(BenchError::Serve)?;
        Ok(Self {
            loop_sim,
            cloudx,
            loop_served,
            cloudx_served,
            recorder,
        })
    }

    /// The Loop base URL clients are given.
    pub fn loop_base_url(&self) -> String {
        format!("{}{API_PREFIX}", self.loop_served.base_url())
    }

    /// The CloudX base URL clients are given.
    pub fn cloudx_base_url(&self) -> String {
        format!("{}/v1", self.cloudx_served.base_url())
    }

    /// Where a recorded path of `vendor` is sent again (`http://host:port`).
    pub fn origin(&self, vendor: Vendor) -> String {
        match vendor {
            Vendor::Loop => self.loop_served.base_url(),
            Vendor::Cloudx => self.cloudx_served.base_url(),
        }
    }

    /// Loop's API key.
    pub fn loop_key(&self) -> String {
        self.loop_sim.config().api_key.clone()
    }

    /// CloudX's client secret.
    pub fn cloudx_secret(&self) -> String {
        self.cloudx.config().client_secret.clone()
    }

    /// What the simulators recorded.
    pub fn recorder(&self) -> &Recorder {
        &self.recorder
    }

    /// Tickets CloudX created so far.
    pub fn tickets_created(&self) -> u64 {
        self.cloudx.create_count()
    }

    /// Notes on every return of `scenario`, and actions Loop accepted.
    pub fn notes_and_actions(&self, scenario: &Scenario) -> (usize, usize) {
        scenario
            .plans()
            .iter()
            .filter_map(|plan| plan.return_id.parse::<u64>().ok())
            .map(|id| {
                (
                    self.loop_sim.notes(id).len(),
                    self.loop_sim.accepted_actions(id).len(),
                )
            })
            .fold((0, 0), |(n, a), (dn, da)| (n + dn, a + da))
    }

    /// Lets the simulated warehouse work until nothing moves.
    pub fn receive_everything(&self) {
        while self.cloudx.work_warehouse() > 0 {}
    }

    /// Stops both servers.
    pub async fn shutdown(self) {
        // A server task that fails to stop changes no measured number.
        let _ = self.loop_served.shutdown().await;
        let _ = self.cloudx_served.shutdown().await;
    }
}

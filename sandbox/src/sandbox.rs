//! The three simulators started together on loopback, optionally seeded with
//! a [`Scenario`] and wrapped in fault layers.

use std::fmt;

use serde_json::json;

use crate::cartrover_sim::{CartroverConfig, CartroverSim, LeakyBucketConfig};
use crate::cloudx_sim::{CloudxConfig, CloudxSim};
use crate::faults::{FaultConfig, FaultCounter, FaultCounts};
use crate::loop_sim::{self, LoopConfig, LoopSim};
use crate::scenario::{Scenario, ScenarioConfig};
use crate::seeding::seed;
use crate::server::{Served, serve_router};

/// One of the three simulated vendors.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Simulator {
    /// Loop Returns.
    Loop,
    /// CloudX (Bergen Logistics WMS).
    Cloudx,
    /// CartRover (Extensiv Integration Manager).
    Cartrover,
}

impl fmt::Display for Simulator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::Loop => "Loop",
            Self::Cloudx => "CloudX",
            Self::Cartrover => "CartRover",
        })
    }
}

/// Everything [`Sandbox::start`] needs. The default starts the three
/// simulators with their vendor defaults, no data and no faults.
#[derive(Clone, Debug, Default)]
pub struct SandboxConfig {
    /// Settings of the Loop simulator (credentials, rate limit, webhooks).
    pub loop_config: LoopConfig,
    /// Settings of the CloudX simulator (secret, rate limit, warehouse model).
    pub cloudx_config: CloudxConfig,
    /// Settings of the CartRover simulator (credentials, leaky bucket, …).
    pub cartrover_config: CartroverConfig,
    /// Faults injected in front of the Loop simulator.
    pub loop_faults: FaultConfig,
    /// Faults injected in front of the CloudX simulator.
    pub cloudx_faults: FaultConfig,
    /// Faults injected in front of the CartRover simulator.
    pub cartrover_faults: FaultConfig,
    /// Data to seed before serving; `None` starts empty. Each return's
    /// planned receipt becomes the CloudX outcome of the tickets whose
    /// `rma_number` is the Loop return id.
    pub scenario: Option<ScenarioConfig>,
}

impl SandboxConfig {
    /// Seeds the sandbox with the scenario of `scenario`.
    pub fn with_scenario(mut self, scenario: ScenarioConfig) -> Self {
        self.scenario = Some(scenario);
        self
    }

    /// Sets the faults of one simulator.
    pub fn with_faults(mut self, simulator: Simulator, faults: FaultConfig) -> Self {
        *self.faults_mut(simulator) = faults;
        self
    }

    /// The fault config of one simulator, to change it in place.
    pub fn faults_mut(&mut self, simulator: Simulator) -> &mut FaultConfig {
        match simulator {
            Simulator::Loop => &mut self.loop_faults,
            Simulator::Cloudx => &mut self.cloudx_faults,
            Simulator::Cartrover => &mut self.cartrover_faults,
        }
    }

    /// Makes the Loop simulator leave `provider_order_sales_channel` out of
    /// the Detailed Returns List and Get Return Details, as Loop documents
    /// it only on the Return webhook; `GET /orders/{id}` and webhooks still
    /// give the channel. See
    /// [`LoopConfig::omit_sales_channel_from_return_data`].
    pub fn without_loop_sales_channel_in_return_data(mut self) -> Self {
        self.loop_config.omit_sales_channel_from_return_data = true;
        self
    }

    /// Turns off the three vendors' rate limits, e.g. for benchmarks that
    /// measure the client rather than the vendor's limit. A fault config's
    /// [`rate_limit`](FaultConfig::rate_limit) still applies.
    pub fn without_rate_limits(mut self) -> Self {
        self.loop_config.rate_limit_per_minute = None;
        self.cloudx_config.rate_limit_per_second = None;
        self.cartrover_config.rate_limit = None;
        self
    }

    /// The simulator configs with each fault config's `rate_limit` applied.
    fn effective_configs(&self) -> (LoopConfig, CloudxConfig, CartroverConfig) {
        let mut loop_config = self.loop_config.clone();
        let mut cloudx_config = self.cloudx_config.clone();
        let mut cartrover_config = self.cartrover_config.clone();
        if let Some(limit) = self.loop_faults.rate_limit {
            loop_config.rate_limit_per_minute = Some(limit);
        }
        if let Some(limit) = self.cloudx_faults.rate_limit {
            cloudx_config.rate_limit_per_second = Some(limit);
        }
        if let Some(limit) = self.cartrover_faults.rate_limit {
            let bucket = cartrover_config.rate_limit.unwrap_or_default();
            cartrover_config.rate_limit = Some(LeakyBucketConfig {
                capacity: limit,
                ..bucket
            });
        }
        (loop_config, cloudx_config, cartrover_config)
    }
}

/// Why the sandbox could not start or stop.
#[derive(Debug)]
#[non_exhaustive]
pub enum SandboxError {
    /// A simulator could not bind a loopback port.
    Bind {
        /// The simulator.
        simulator: Simulator,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The scenario could not be loaded into a simulator (a bug in the
    /// scenario or the simulator: generated data is always valid).
    Seed {
        /// The simulator.
        simulator: Simulator,
        /// What the simulator rejected.
        message: String,
    },
    /// A simulator's server task failed while shutting down.
    Shutdown {
        /// The simulator.
        simulator: Simulator,
        /// The error.
        source: std::io::Error,
    },
}

impl fmt::Display for SandboxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bind { simulator, source } => {
                write!(
                    f,
                    "cannot bind a loopback port for the {simulator} simulator: {source}"
                )
            }
            Self::Seed { simulator, message } => {
                write!(f, "cannot seed the {simulator} simulator: {message}")
            }
            Self::Shutdown { simulator, source } => {
                write!(
                    f,
                    "the {simulator} simulator did not shut down cleanly: {source}"
                )
            }
        }
    }
}

impl std::error::Error for SandboxError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Self::Bind { source, .. } | Self::Shutdown { source, .. } => Some(source),
            Self::Seed { .. } => None,
        }
    }
}

/// The credentials clients need for each simulator.
///
/// `Debug` shows them: these are throw-away local keys, and tests print them
/// on failure on purpose.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Credentials {
    /// Loop: the `X-Authorization` API key.
    pub loop_api_key: String,
    /// Loop: the secret that signs webhook deliveries (`X-Loop-Signature`).
    pub loop_webhook_secret: String,
    /// CloudX: the client secret sent as `Authorization: Bearer …`.
    pub cloudx_client_secret: String,
    /// CartRover: cart-level API user.
    pub cartrover_cart_api_user: String,
    /// CartRover: cart-level API key.
    pub cartrover_cart_api_key: String,
    /// CartRover: merchant-level API user.
    pub cartrover_merchant_api_user: String,
    /// CartRover: merchant-level API key.
    pub cartrover_merchant_api_key: String,
    /// CartRover: the merchant's pk (`X-Merchant-Pk` with warehouse keys).
    pub cartrover_merchant_pk: u64,
    /// CartRover: warehouse-level API user.
    pub cartrover_warehouse_api_user: String,
    /// CartRover: warehouse-level API key.
    pub cartrover_warehouse_api_key: String,
}

/// The three simulators, served on ephemeral loopback ports.
///
/// ```
/// # async fn demo() -> Result<(), sandbox::SandboxError> {
/// use sandbox::scenario::ScenarioConfig;
/// use sandbox::{Sandbox, SandboxConfig};
///
/// let sandbox =
///     Sandbox::start(SandboxConfig::default().with_scenario(ScenarioConfig::new(42, 10))).await?;
/// let returns = reqwest::Client::new()
///     .get(format!("{}/warehouse/return/list", sandbox.loop_base_url()))
///     .header("X-Authorization", &sandbox.credentials().loop_api_key)
///     .send()
///     .await;
/// # drop(returns);
/// assert_eq!(sandbox.loop_sim().returns().len(), 10);
/// sandbox.shutdown().await
/// # }
/// ```
#[derive(Debug)]
pub struct Sandbox {
    loop_sim: LoopSim,
    cloudx: CloudxSim,
    cartrover: CartroverSim,
    loop_server: Served,
    cloudx_server: Served,
    cartrover_server: Served,
    scenario: Option<Scenario>,
    loop_faults: FaultCounter,
    cloudx_faults: FaultCounter,
    cartrover_faults: FaultCounter,
}

impl Sandbox {
    /// Builds the simulators, seeds the scenario (if any), wraps each router
    /// in its fault layer and serves the three on `127.0.0.1` with
    /// OS-chosen ports.
    ///
    /// # Errors
    /// [`SandboxError::Bind`] when a port cannot be bound (servers already
    /// started are stopped again), [`SandboxError::Seed`] when a simulator
    /// rejects the scenario.
    pub async fn start(config: SandboxConfig) -> Result<Self, SandboxError> {
        let (loop_config, cloudx_config, cartrover_config) = config.effective_configs();
        let loop_sim = LoopSim::new(loop_config);
        let cloudx = CloudxSim::new(cloudx_config);
        let cartrover = CartroverSim::new(cartrover_config);
        let scenario = config.scenario.as_ref().map(Scenario::generate);
        if let Some(scenario) = &scenario {
            seed(scenario, &loop_sim, &cloudx, &cartrover)?;
        }

        let (loop_faults, cloudx_faults, cartrover_faults) = (
            FaultCounter::new(),
            FaultCounter::new(),
            FaultCounter::new(),
        );
        let loop_server = serve(
            Simulator::Loop,
            config
                .loop_faults
                .layer_counted(loop_sim.router(), &loop_faults),
        )
        .await?;
        let cloudx_server = match serve(
            Simulator::Cloudx,
            config
                .cloudx_faults
                .layer_counted(cloudx.router(), &cloudx_faults),
        )
        .await
        {
            Ok(served) => served,
            Err(error) => {
                let _ = loop_server.shutdown().await;
                return Err(error);
            }
        };
        let cartrover_router = config
            .cartrover_faults
            .layer_counted(cartrover.router(), &cartrover_faults);
        let cartrover_server = match serve(Simulator::Cartrover, cartrover_router).await {
            Ok(served) => served,
            Err(error) => {
                let _ = loop_server.shutdown().await;
                let _ = cloudx_server.shutdown().await;
                return Err(error);
            }
        };
        Ok(Self {
            loop_sim,
            cloudx,
            cartrover,
            loop_server,
            cloudx_server,
            cartrover_server,
            scenario,
            loop_faults,
            cloudx_faults,
            cartrover_faults,
        })
    }

    /// Base URL of the Loop API, version path included:
    /// `http://127.0.0.1:PORT/api/v1` (the simulator also answers without
    /// the prefix and with other version segments).
    pub fn loop_base_url(&self) -> String {
        format!("{}{}", self.loop_server.base_url(), loop_sim::API_PREFIX)
    }

    /// Base URL of the CloudX API: `http://127.0.0.1:PORT/v1`.
    pub fn cloudx_base_url(&self) -> String {
        format!("{}/v1", self.cloudx_server.base_url())
    }

    /// Base URL of the CartRover API (paths start with `/v1/...`):
    /// `http://127.0.0.1:PORT`.
    pub fn cartrover_base_url(&self) -> String {
        self.cartrover_server.base_url()
    }

    /// Base URL of one simulator (see the per-vendor methods).
    pub fn base_url(&self, simulator: Simulator) -> String {
        match simulator {
            Simulator::Loop => self.loop_base_url(),
            Simulator::Cloudx => self.cloudx_base_url(),
            Simulator::Cartrover => self.cartrover_base_url(),
        }
    }

    /// The Loop simulator, for seeding and assertions.
    pub fn loop_sim(&self) -> &LoopSim {
        &self.loop_sim
    }

    /// The CloudX simulator, for seeding, driving the warehouse and
    /// assertions.
    pub fn cloudx(&self) -> &CloudxSim {
        &self.cloudx
    }

    /// The CartRover simulator, for seeding, advancing orders and assertions.
    pub fn cartrover(&self) -> &CartroverSim {
        &self.cartrover
    }

    /// The scenario the sandbox was seeded with, with the planned outcome of
    /// every return.
    pub fn scenario(&self) -> Option<&Scenario> {
        self.scenario.as_ref()
    }

    /// The faults injected in front of one simulator so far, by kind.
    pub fn fault_counts(&self, simulator: Simulator) -> FaultCounts {
        match simulator {
            Simulator::Loop => self.loop_faults.snapshot(),
            Simulator::Cloudx => self.cloudx_faults.snapshot(),
            Simulator::Cartrover => self.cartrover_faults.snapshot(),
        }
    }

    /// The credentials of the three simulators.
    pub fn credentials(&self) -> Credentials {
        let loop_config = self.loop_sim.config();
        let cartrover = self.cartrover.config();
        Credentials {
            loop_api_key: loop_config.api_key.clone(),
            loop_webhook_secret: loop_config.webhook_secret.clone(),
            cloudx_client_secret: self.cloudx.config().client_secret.clone(),
            cartrover_cart_api_user: cartrover.api_user.clone(),
            cartrover_cart_api_key: cartrover.api_key.clone(),
            cartrover_merchant_api_user: cartrover.merchant_api_user.clone(),
            cartrover_merchant_api_key: cartrover.merchant_api_key.clone(),
            cartrover_merchant_pk: cartrover.merchant_pk,
            cartrover_warehouse_api_user: cartrover.warehouse_api_user.clone(),
            cartrover_warehouse_api_key: cartrover.warehouse_api_key.clone(),
        }
    }

    /// Base URLs and credentials as one JSON document, e.g. for a process
    /// that drives the sandbox binary.
    pub fn connection_info(&self) -> serde_json::Value {
        let credentials = self.credentials();
        json!({
            "loop": {
                "base_url": self.loop_base_url(),
                "api_key": credentials.loop_api_key,
                "webhook_secret": credentials.loop_webhook_secret,
            },
            "cloudx": {
                "base_url": self.cloudx_base_url(),
                "client_secret": credentials.cloudx_client_secret,
            },
            "cartrover": {
                "base_url": self.cartrover_base_url(),
                "credentials": self.cartrover.credentials_summary(),
            },
        })
    }

    /// Stops the three servers, letting in-flight requests finish.
    ///
    /// # Errors
    /// [`SandboxError::Shutdown`] naming the first server that failed; the
    /// others are stopped anyway.
    pub async fn shutdown(self) -> Result<(), SandboxError> {
        let results = [
            (Simulator::Loop, self.loop_server.shutdown().await),
            (Simulator::Cloudx, self.cloudx_server.shutdown().await),
            (Simulator::Cartrover, self.cartrover_server.shutdown().await),
        ];
        for (simulator, result) in results {
            result.map_err(|source| SandboxError::Shutdown { simulator, source })?;
        }
        Ok(())
    }
}

async fn serve(simulator: Simulator, router: axum::Router) -> Result<Served, SandboxError> {
    serve_router(router)
        .await
        .map_err(|source| SandboxError::Bind { simulator, source })
}

//! Where the flows run: the built-in sandbox by default, the real services
//! when their credentials are in the environment.
//!
//! | variable | service | needed for |
//! |---|---|---|
//! | `LOOP_API_KEY` | Loop Returns API key (scopes: returns) | returns flows |
//! | `LOOP_BASE_URL` | Loop API root, default `https://api.loopreturns.com/api/v1` | optional |
//! | `CLOUDX_BASE_URL` | CloudX API root given by Bergen | returns flows |
//! | `CLOUDX_CLIENT_SECRET` | CloudX API client secret | returns flows |
//! | `CLOUDX_WAREHOUSE_CODE` | warehouse code the ASNs go to (else `--warehouse` or the settings file) | optional |
//! | `CLOUDX_REQUESTS_PER_SECOND` | client-side limit for CloudX, default 10 | optional |
//! | `CARTROVER_API_USER`, `CARTROVER_API_KEY` | CartRover cart-level credentials | orders flow |
//! | `CARTROVER_MERCHANT_API_USER`, `CARTROVER_MERCHANT_API_KEY` | CartRover merchant-level credentials (inventory) | orders flow |
//! | `CARTROVER_BASE_URL` | CartRover API root, default `https://api.cartrover.com` | optional |
//!
//! A flow uses the real services only when every variable it needs is set;
//! a partial set is an error naming what is missing, so a typo never sends a
//! demo to the sandbox silently.

use cartrover_client::{CartClient, MerchantClient};
use cloudx_client::CloudxClient;
use http_transport::RateLimit;
use loop_client::LoopClient;
use sandbox::{Sandbox, SandboxConfig};

/// Why the services could not be set up.
#[derive(Debug, thiserror::Error)]
pub enum ConnectError {
    /// Some, but not all, credentials of a flow are in the environment.
    #[error("incomplete credentials: set {missing} too, or unset {present} to use the sandbox")]
    Incomplete {
        /// The variables that are missing.
        missing: String,
        /// The variables that are set.
        present: String,
    },
    /// An environment variable has an unusable value.
    #[error("{variable} is invalid: {reason}")]
    Invalid {
        /// The variable.
        variable: &'static str,
        /// Why.
        reason: String,
    },
    /// The sandbox could not start.
    #[error("the sandbox could not start: {0}")]
    Sandbox(#[from] sandbox::SandboxError),
    /// A Loop client could not be built.
    #[error("Loop client: {0}")]
    Loop(#[from] loop_client::Error),
    /// A CloudX client could not be built.
    #[error("CloudX client: {0}")]
    Cloudx(#[from] cloudx_client::Error),
    /// A CartRover client could not be built.
    #[error("CartRover client: {0}")]
    Cartrover(#[from] cartrover_client::Error),
}

/// Reads `names` from the environment: all set gives `Some(values)`, none
/// set gives `None`, a mix is [`ConnectError::Incomplete`].
fn all_or_none<const N: usize>(
    names: [&'static str; N],
    get: &dyn Fn(&str) -> Option<String>,
) -> Result<Option<[String; N]>, ConnectError> {
    let values = names.map(|name| get(name).filter(|v| !v.trim().is_empty()));
    let (set, unset): (Vec<_>, Vec<_>) = names
        .iter()
        .zip(&values)
        .partition(|(_, value)| value.is_some());
    if unset.is_empty() {
        return Ok(Some(values.map(|v| v.unwrap_or_default())));
    }
    if set.is_empty() {
        return Ok(None);
    }
    let join = |list: Vec<(&&str, &Option<String>)>| {
        list.iter()
            .map(|(name, _)| **name)
            .collect::<Vec<_>>()
            .join(", ")
    };
    Err(ConnectError::Incomplete {
        missing: join(unset),
        present: join(set),
    })
}

fn env(name: &str) -> Option<String> {
    std::env::var(name).ok()
}

/// Loop and CloudX, for the returns flows.
#[derive(Debug)]
pub struct ReturnsServices {
    /// The Loop client.
    pub loop_client: LoopClient,
    /// The CloudX client.
    pub cloudx: CloudxClient,
    /// `CLOUDX_WAREHOUSE_CODE`, when set.
    pub warehouse_code: Option<String>,
    /// The in-process sandbox, when not on the real services.
    pub sandbox: Option<Sandbox>,
}

impl ReturnsServices {
    /// The real Loop and CloudX when `LOOP_API_KEY`, `CLOUDX_BASE_URL` and
    /// `CLOUDX_CLIENT_SECRET` are set; otherwise a sandbox started from
    /// `sandbox_config()`.
    ///
    /// # Errors
    /// A partial set of credentials, an invalid value, or a sandbox that
    /// cannot start.
    pub async fn from_env_or_sandbox(
        sandbox_config: impl FnOnce() -> SandboxConfig,
    ) -> Result<Self, ConnectError> {
        Self::connect(&env, sandbox_config).await
    }

    async fn connect(
        get: &dyn Fn(&str) -> Option<String>,
        sandbox_config: impl FnOnce() -> SandboxConfig,
    ) -> Result<Self, ConnectError> {
        let live = all_or_none(
            ["LOOP_API_KEY", "CLOUDX_BASE_URL", "CLOUDX_CLIENT_SECRET"],
            get,
        )?;
        let Some([loop_key, cloudx_url, cloudx_secret]) = live else {
            return Self::sandbox(Sandbox::start(sandbox_config()).await?);
        };
        let mut loop_builder = LoopClient::builder(loop_key);
        if let Some(url) = get("LOOP_BASE_URL") {
            loop_builder = loop_builder.base_url(url);
        }
        let per_second = match get("CLOUDX_REQUESTS_PER_SECOND") {
            None => 10,
            Some(value) => value.trim().parse().map_err(|_| ConnectError::Invalid {
                variable: "CLOUDX_REQUESTS_PER_SECOND",
                reason: format!("`{value}` is not a whole number"),
            })?,
        };
        let cloudx = CloudxClient::builder(cloudx_secret)
            .base_url(cloudx_url)
            .rate_limit(RateLimit::per_second(per_second))
            .build()?;
        Ok(Self {
            loop_client: loop_builder.build()?,
            cloudx,
            warehouse_code: get("CLOUDX_WAREHOUSE_CODE"),
            sandbox: None,
        })
    }

    /// Clients aimed at a running sandbox, with the client-side limits set
    /// to the simulators' own.
    ///
    /// # Errors
    /// If a client cannot be built.
    pub fn sandbox(sandbox: Sandbox) -> Result<Self, ConnectError> {
        let credentials = sandbox.credentials();
        let loop_limit = sandbox.loop_sim().config().rate_limit_per_minute;
        let cloudx_limit = sandbox.cloudx().config().rate_limit_per_second;
        let loop_client = LoopClient::builder(credentials.loop_api_key)
            .base_url(sandbox.loop_base_url())
            .rate_limit(loop_limit.map_or(RateLimit::Unlimited, RateLimit::per_minute))
            .build()?;
        let cloudx = CloudxClient::builder(credentials.cloudx_client_secret)
            .base_url(sandbox.cloudx_base_url())
            .rate_limit(cloudx_limit.map_or(RateLimit::Unlimited, RateLimit::per_second))
            .max_concurrency(16)
            .build()?;
        Ok(Self {
            loop_client,
            cloudx,
            warehouse_code: None,
            sandbox: Some(sandbox),
        })
    }

    /// Where the flow runs, for the first line of output.
    pub fn describe(&self) -> String {
        match &self.sandbox {
            Some(sandbox) => format!(
                "sandbox (Loop {}, CloudX {})",
                sandbox.loop_base_url(),
                sandbox.cloudx_base_url()
            ),
            None => "the real Loop and CloudX services".to_owned(),
        }
    }
}

/// CartRover's cart and merchant levels, for the orders flow.
#[derive(Debug)]
pub struct OrderServices {
    /// Cart-level client (orders in, status, confirm).
    pub cart: CartClient,
    /// Merchant-level client (inventory).
    pub merchant: MerchantClient,
    /// The in-process sandbox, when not on the real service.
    pub sandbox: Option<Sandbox>,
}

impl OrderServices {
    /// The real CartRover when the four `CARTROVER_*` credentials are set;
    /// otherwise a sandbox started from `sandbox_config()`.
    ///
    /// # Errors
    /// A partial set of credentials, or a sandbox that cannot start.
    pub async fn from_env_or_sandbox(
        sandbox_config: impl FnOnce() -> SandboxConfig,
    ) -> Result<Self, ConnectError> {
        let live = all_or_none(
            [
                "CARTROVER_API_USER",
                "CARTROVER_API_KEY",
                "CARTROVER_MERCHANT_API_USER",
                "CARTROVER_MERCHANT_API_KEY",
            ],
            &env,
        )?;
        let Some([cart_user, cart_key, merchant_user, merchant_key]) = live else {
            return Self::sandbox(Sandbox::start(sandbox_config()).await?);
        };
        let base = env("CARTROVER_BASE_URL");
        let mut cart = CartClient::builder(cart_user, cart_key);
        let mut merchant = MerchantClient::builder(merchant_user, merchant_key);
        if let Some(base) = base {
            cart = cart.base_url(base.clone());
            merchant = merchant.base_url(base);
        }
        Ok(Self {
            cart: cart.build()?,
            merchant: merchant.build()?,
            sandbox: None,
        })
    }

    /// Clients aimed at a running sandbox.
    ///
    /// # Errors
    /// If a client cannot be built.
    pub fn sandbox(sandbox: Sandbox) -> Result<Self, ConnectError> {
        let credentials = sandbox.credentials();
        let base = sandbox.cartrover_base_url();
        let cart = CartClient::builder(
            credentials.cartrover_cart_api_user,
            credentials.cartrover_cart_api_key,
        )
        .base_url(base.clone())
        .build()?;
        let merchant = MerchantClient::builder(
            credentials.cartrover_merchant_api_user,
            credentials.cartrover_merchant_api_key,
        )
        .base_url(base)
        .build()?;
        Ok(Self {
            cart,
            merchant,
            sandbox: Some(sandbox),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lookup(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(key, _)| *key == name)
                .map(|(_, value)| (*value).to_owned())
        }
    }

    #[test]
    fn all_none_or_a_named_gap() {
        let names = ["A", "B", "C"];
        assert_eq!(all_or_none(names, &lookup(&[])).unwrap(), None);
        assert_eq!(
            all_or_none(names, &lookup(&[("A", "1"), ("B", "2"), ("C", "3")])).unwrap(),
            Some(["1".to_owned(), "2".to_owned(), "3".to_owned()])
        );
        let error = all_or_none(names, &lookup(&[("A", "1"), ("C", " ")])).unwrap_err();
        assert_eq!(
            error.to_string(),
            "incomplete credentials: set B, C too, or unset A to use the sandbox"
        );
    }

    #[tokio::test]
    async fn partial_returns_credentials_never_fall_back_to_the_sandbox() {
        let get = lookup(&[("LOOP_API_KEY", "k")]);
        let error = ReturnsServices::connect(&get, SandboxConfig::default)
            .await
            .unwrap_err();
        assert!(error.to_string().contains("CLOUDX_BASE_URL"), "{error}");
    }

    #[tokio::test]
    async fn full_returns_credentials_aim_at_the_named_services() {
        let get = lookup(&[
            ("LOOP_API_KEY", "loop-key"),
            ("LOOP_BASE_URL", "https://loop.example/api/v1"),
            ("CLOUDX_BASE_URL", "https://cloudx.example/v1"),
            ("CLOUDX_CLIENT_SECRET", "cloudx-secret"),
            ("CLOUDX_WAREHOUSE_CODE", "BERGEN-NJ-01"),
        ]);
        let services = ReturnsServices::connect(&get, || unreachable!("no sandbox"))
            .await
            .unwrap();
        assert!(services.sandbox.is_none());
        assert_eq!(services.warehouse_code.as_deref(), Some("BERGEN-NJ-01"));
        let shown = format!("{services:?}");
        assert!(
            shown.contains("loop.example") && shown.contains("cloudx.example"),
            "{shown}"
        );
        assert!(
            !shown.contains("loop-key") && !shown.contains("cloudx-secret"),
            "{shown}"
        );
    }
}

//! A merchant's secrets, read from the environment variables its
//! configuration names, and the clients built from them.

use std::fmt;

use cloudx_client::CloudxClient;
use loop_client::LoopClient;

use super::{ConfigError, MerchantConfig};

/// A merchant's configuration with its secrets read.
#[derive(Clone)]
#[non_exhaustive]
pub struct ResolvedMerchant {
    /// The configuration.
    pub config: MerchantConfig,
    /// The secrets its variables hold.
    pub secrets: MerchantSecrets,
}

/// The secrets of one merchant. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct MerchantSecrets {
    /// The Loop API key.
    pub loop_api_key: String,
    /// The secret Loop signs webhooks with, when configured.
    pub loop_webhook_secret: Option<String>,
    /// The CloudX client secret.
    pub cloudx_client_secret: String,
    /// The CartRover credentials, when configured.
    pub cartrover: Option<CartroverSecrets>,
}

/// CartRover's credentials. `Debug` never shows them.
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CartroverSecrets {
    /// The API user.
    pub api_user: String,
    /// The API key.
    pub api_key: String,
}

impl MerchantSecrets {
    /// Secrets given directly (the sandbox, a secrets manager).
    pub fn new(loop_api_key: impl Into<String>, cloudx_client_secret: impl Into<String>) -> Self {
        Self {
            loop_api_key: loop_api_key.into(),
            loop_webhook_secret: None,
            cloudx_client_secret: cloudx_client_secret.into(),
            cartrover: None,
        }
    }

    /// Adds the webhook secret.
    pub fn with_loop_webhook_secret(mut self, secret: impl Into<String>) -> Self {
        self.loop_webhook_secret = Some(secret.into());
        self
    }
}

impl CartroverSecrets {
    /// CartRover's credentials.
    pub fn new(api_user: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self {
            api_user: api_user.into(),
            api_key: api_key.into(),
        }
    }
}

impl fmt::Debug for MerchantSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MerchantSecrets")
            .field("loop_api_key", &"<redacted>")
            .field(
                "loop_webhook_secret",
                &self.loop_webhook_secret.as_ref().map(|_| "<redacted>"),
            )
            .field("cloudx_client_secret", &"<redacted>")
            .field("cartrover", &self.cartrover)
            .finish()
    }
}

impl fmt::Debug for CartroverSecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("CartroverSecrets(<redacted>)")
    }
}

impl fmt::Debug for ResolvedMerchant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ResolvedMerchant")
            .field("id", &self.config.id)
            .field("secrets", &self.secrets)
            .finish_non_exhaustive()
    }
}

impl ResolvedMerchant {
    /// A merchant whose secrets are given directly.
    pub fn new(config: MerchantConfig, secrets: MerchantSecrets) -> Self {
        Self { config, secrets }
    }

    /// The merchant's id.
    pub fn id(&self) -> &str {
        &self.config.id
    }

    /// A Loop client with the merchant's key (and so its own rate limit).
    ///
    /// # Errors
    /// A base URL or key the client refuses.
    pub fn loop_client(&self) -> Result<LoopClient, loop_client::Error> {
        let mut builder = LoopClient::builder(self.secrets.loop_api_key.clone());
        if let Some(url) = &self.config.loop_api.base_url {
            builder = builder.base_url(url.clone());
        }
        builder.build()
    }

    /// A CloudX client with the merchant's secret.
    ///
    /// # Errors
    /// A base URL or secret the client refuses.
    pub fn cloudx_client(&self) -> Result<CloudxClient, cloudx_client::Error> {
        CloudxClient::builder(self.secrets.cloudx_client_secret.clone())
            .base_url(self.config.cloudx.base_url.clone())
            .build()
    }
}

/// Reads a variable that must be set and not blank.
pub(super) fn required(
    lookup: &impl Fn(&str) -> Option<String>,
    merchant: &str,
    variable: &str,
) -> Result<String, ConfigError> {
    lookup(variable)
        .filter(|value| !value.trim().is_empty())
        .ok_or_else(|| ConfigError::MissingVariable {
            merchant: merchant.to_owned(),
            variable: variable.to_owned(),
        })
}

pub(super) fn resolve(
    config: &MerchantConfig,
    lookup: &impl Fn(&str) -> Option<String>,
) -> Result<ResolvedMerchant, ConfigError> {
    let id = config.id.as_str();
    let loop_webhook_secret = config
        .loop_api
        .webhook_secret_env
        .as_deref()
        .map(|v| required(lookup, id, v))
        .transpose()?;
    let cartrover = config
        .cartrover
        .as_ref()
        .map(|c| -> Result<_, ConfigError> {
            Ok(CartroverSecrets {
                api_user: required(lookup, id, &c.api_user_env)?,
                api_key: required(lookup, id, &c.api_key_env)?,
            })
        })
        .transpose()?;
    Ok(ResolvedMerchant {
        config: config.clone(),
        secrets: MerchantSecrets {
            loop_api_key: required(lookup, id, &config.loop_api.api_key_env)?,
            loop_webhook_secret,
            cloudx_client_secret: required(lookup, id, &config.cloudx.client_secret_env)?,
            cartrover,
        },
    })
}

//! The service's configuration: which merchants, where their state lives,
//! where Loop's webhooks arrive — in one TOML file that holds **no
//! secrets**, only the names of the environment variables that do.
//!
//! ```toml
//! [store]
//! # SQLite (the default): one file per merchant in this folder.
//! sqlite_dir = "/var/lib/returns-sync"
//! # Or PostgreSQL, for several workers: the variable holding its URL.
//! # postgres_url_env = "RETURNS_SYNC_DATABASE_URL"
//!
//! [webhooks]
//! listen = "0.0.0.0:8080"
//!
//! [[merchants]]
//! id = "acme"
//! loop = { api_key_env = "ACME_LOOP_API_KEY", webhook_secret_env = "ACME_LOOP_WEBHOOK_SECRET" }
//! cloudx = { client_secret_env = "ACME_CLOUDX_SECRET", base_url = "https://cloudx.example/api" }
//!
//! [merchants.settings]
//! warehouse_code = "BERGEN-NJ-01"
//! auto_process = true
//! excluded_sales_channels = ["Amazon"]
//! ```
//!
//! [`ServiceConfig::load`] reads and checks a file (every problem names the
//! merchant and the field); [`ServiceConfig::resolve`] reads the secrets
//! from the environment, naming the merchant and the variable that is not
//! set.

mod secrets;

use std::collections::HashSet;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};

use returns_core::IntegrationSettings;
use serde::{Deserialize, Serialize};

use crate::options::EngineOptions;

pub use secrets::{CartroverSecrets, MerchantSecrets, ResolvedMerchant};

/// The whole configuration of a `returns-sync` service.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct ServiceConfig {
    /// Where the merchants' state lives (default: SQLite files in
    /// `./returns-sync-state`).
    #[serde(default)]
    pub store: StoreConfig,
    /// Where Loop's webhooks are received (none: the service only pulls).
    #[serde(default)]
    pub webhooks: Option<WebhookConfig>,
    /// The merchants, each with its own credentials, settings and state.
    pub merchants: Vec<MerchantConfig>,
}

/// Where the state lives. Exactly one of the two is set.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct StoreConfig {
    /// A folder of SQLite files, `<merchant id>.db` each (one process).
    #[serde(default)]
    pub sqlite_dir: Option<PathBuf>,
    /// The environment variable holding a PostgreSQL URL (several
    /// workers share one database; a URL carries a password, so it is
    /// never written in the file).
    #[serde(default)]
    pub postgres_url_env: Option<String>,
}

impl Default for StoreConfig {
    fn default() -> Self {
        Self {
            sqlite_dir: Some(PathBuf::from("returns-sync-state")),
            postgres_url_env: None,
        }
    }
}

/// The webhook listener.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct WebhookConfig {
    /// The address to listen on, e.g. `0.0.0.0:8080`. Each merchant's
    /// webhooks arrive at `/merchants/<id>/loop/webhooks`.
    pub listen: SocketAddr,
}

/// One merchant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct MerchantConfig {
    /// A short name, unique in the file: letters, digits, `-` and `_`
    /// (it names the merchant's SQLite file and webhook path).
    pub id: String,
    /// Its Loop shop.
    #[serde(rename = "loop")]
    pub loop_api: LoopConfig,
    /// Its CloudX account.
    pub cloudx: CloudxConfig,
    /// Its CartRover account, checked by `returns-sync check` when given.
    #[serde(default)]
    pub cartrover: Option<CartroverConfig>,
    /// The integration settings (warehouse, identification, criteria, …).
    pub settings: IntegrationSettings,
    /// The engine's settings (schedules, concurrency, leases).
    #[serde(default)]
    pub options: EngineOptions,
}

/// A merchant's Loop shop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct LoopConfig {
    /// The variable holding the shop's Loop API key.
    pub api_key_env: String,
    /// The variable holding the secret Loop signs webhooks with (needed
    /// when `[webhooks]` is configured).
    #[serde(default)]
    pub webhook_secret_env: Option<String>,
    /// Another API root (default: Loop's).
    #[serde(default)]
    pub base_url: Option<String>,
}

/// A merchant's CloudX account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CloudxConfig {
    /// The variable holding the CloudX client secret.
    pub client_secret_env: String,
    /// The account's CloudX API root.
    pub base_url: String,
}

/// A merchant's CartRover account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[non_exhaustive]
pub struct CartroverConfig {
    /// The variable holding the API user.
    pub api_user_env: String,
    /// The variable holding the API key.
    pub api_key_env: String,
    /// Another API root (default: CartRover's).
    #[serde(default)]
    pub base_url: Option<String>,
}

/// A configuration that cannot be used, naming what is wrong.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read the configuration {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML or has unknown, missing or mistyped
    /// fields (the message names the line and the field).
    #[error("the configuration does not parse: {0}")]
    Parse(#[from] toml::de::Error),
    /// A field has a value the service cannot run with.
    #[error("merchant `{merchant}`: `{field}` {reason}")]
    Invalid {
        /// The merchant (`*` for the file as a whole).
        merchant: String,
        /// The field, as written in the file.
        field: String,
        /// What is wrong.
        reason: String,
    },
    /// An environment variable the file names is not set (or is empty).
    #[error("merchant `{merchant}`: the environment variable `{variable}` is not set")]
    MissingVariable {
        /// The merchant whose secret it holds (`*` for the store's URL).
        merchant: String,
        /// The variable.
        variable: String,
    },
}

impl ServiceConfig {
    /// Reads and checks a configuration file.
    ///
    /// # Errors
    /// [`ConfigError`]: the file cannot be read, does not parse, or a value
    /// is invalid (each naming the merchant and the field).
    pub fn load(path: impl AsRef<Path>) -> Result<Self, ConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_owned(),
            source,
        })?;
        Self::from_toml(&text)
    }

    /// Parses and checks a configuration.
    ///
    /// # Errors
    /// As [`load`](Self::load), without the reading.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        let config: ServiceConfig = toml::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    /// Checks what parsing cannot: one store, at least one merchant,
    /// unique and usable ids, valid settings and options, a webhook secret
    /// for every merchant when webhooks are received.
    ///
    /// # Errors
    /// The first problem, as [`ConfigError::Invalid`].
    pub fn validate(&self) -> Result<(), ConfigError> {
        let invalid = |merchant: &str, field: &str, reason: String| {
            Err(ConfigError::Invalid {
                merchant: merchant.to_owned(),
                field: field.to_owned(),
                reason,
            })
        };
        match (&self.store.sqlite_dir, &self.store.postgres_url_env) {
            (Some(_), Some(_)) => {
                return invalid(
                    "*",
                    "store",
                    "sets both `sqlite_dir` and `postgres_url_env`; choose one".into(),
                );
            }
            (None, None) => {
                return invalid(
                    "*",
                    "store",
                    "needs `sqlite_dir` or `postgres_url_env`".into(),
                );
            }
            _ => {}
        }
        if self.merchants.is_empty() {
            return invalid("*", "merchants", "lists no merchant".into());
        }
        let mut ids = HashSet::new();
        for m in &self.merchants {
            let usable = !m.id.is_empty()
                && m.id
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
            if !usable {
                return invalid(
                    &m.id,
                    "id",
                    "must be letters, digits, `-` or `_` (it names a file and a URL path)".into(),
                );
            }
            if !ids.insert(m.id.as_str()) {
                return invalid(&m.id, "id", "is used by two merchants".into());
            }
            if let Err(e) = m.settings.validate() {
                return invalid(&m.id, "settings", e.to_string());
            }
            if let Err(e) = m.options.validate() {
                return invalid(&m.id, &format!("options.{}", e.field), e.reason);
            }
            if self.webhooks.is_some() && m.loop_api.webhook_secret_env.is_none() {
                return invalid(
                    &m.id,
                    "loop.webhook_secret_env",
                    "is needed when `[webhooks]` is configured".into(),
                );
            }
        }
        Ok(())
    }

    /// Reads every merchant's secrets from the environment.
    ///
    /// # Errors
    /// [`ConfigError::MissingVariable`] naming the first merchant and
    /// variable that is not set.
    pub fn resolve(&self) -> Result<Vec<ResolvedMerchant>, ConfigError> {
        self.resolve_with(|name| std::env::var(name).ok())
    }

    /// [`resolve`](Self::resolve) with another source of variables (tests,
    /// a secrets manager).
    ///
    /// # Errors
    /// As [`resolve`](Self::resolve).
    pub fn resolve_with(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Vec<ResolvedMerchant>, ConfigError> {
        self.merchants
            .iter()
            .map(|m| m.resolve_with(&lookup))
            .collect()
    }

    /// The PostgreSQL URL, when the store is PostgreSQL.
    ///
    /// # Errors
    /// [`ConfigError::MissingVariable`] when the variable is not set.
    pub fn postgres_url_with(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<Option<String>, ConfigError> {
        self.store
            .postgres_url_env
            .as_deref()
            .map(|variable| secrets::required(&lookup, "*", variable))
            .transpose()
    }
}

impl ServiceConfig {
    /// A configuration in code (tests, the sandbox), not yet
    /// [validated](Self::validate).
    pub fn new(store: StoreConfig, merchants: Vec<MerchantConfig>) -> Self {
        Self {
            store,
            webhooks: None,
            merchants,
        }
    }

    /// Receives webhooks as `webhooks` says.
    pub fn with_webhooks(mut self, webhooks: WebhookConfig) -> Self {
        self.webhooks = Some(webhooks);
        self
    }
}

impl StoreConfig {
    /// SQLite files in `dir`, one per merchant.
    pub fn sqlite(dir: impl Into<PathBuf>) -> Self {
        Self {
            sqlite_dir: Some(dir.into()),
            postgres_url_env: None,
        }
    }

    /// The PostgreSQL database whose URL the variable `url_env` holds.
    pub fn postgres(url_env: impl Into<String>) -> Self {
        Self {
            sqlite_dir: None,
            postgres_url_env: Some(url_env.into()),
        }
    }
}

impl WebhookConfig {
    /// Listens on `listen`.
    pub fn new(listen: SocketAddr) -> Self {
        Self { listen }
    }
}

impl LoopConfig {
    /// The key in the variable `api_key_env`, Loop's API root.
    pub fn from_env(api_key_env: impl Into<String>) -> Self {
        Self {
            api_key_env: api_key_env.into(),
            webhook_secret_env: None,
            base_url: None,
        }
    }

    /// The webhook secret in the variable `variable`.
    pub fn with_webhook_secret_env(mut self, variable: impl Into<String>) -> Self {
        self.webhook_secret_env = Some(variable.into());
        self
    }

    /// Another API root.
    pub fn with_base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }
}

impl CloudxConfig {
    /// The secret in the variable `client_secret_env`, the account at `base_url`.
    pub fn new(client_secret_env: impl Into<String>, base_url: impl Into<String>) -> Self {
        Self {
            client_secret_env: client_secret_env.into(),
            base_url: base_url.into(),
        }
    }
}

impl CartroverConfig {
    /// The credentials in the variables `api_user_env` and `api_key_env`.
    pub fn new(api_user_env: impl Into<String>, api_key_env: impl Into<String>) -> Self {
        Self {
            api_user_env: api_user_env.into(),
            api_key_env: api_key_env.into(),
            base_url: None,
        }
    }
}

impl MerchantConfig {
    /// A merchant with default engine options and no CartRover account.
    pub fn new(
        id: impl Into<String>,
        loop_api: LoopConfig,
        cloudx: CloudxConfig,
        settings: IntegrationSettings,
    ) -> Self {
        Self {
            id: id.into(),
            loop_api,
            cloudx,
            cartrover: None,
            settings,
            options: EngineOptions::default(),
        }
    }

    /// The engine's options.
    pub fn with_options(mut self, options: EngineOptions) -> Self {
        self.options = options;
        self
    }

    /// The merchant's CartRover account.
    pub fn with_cartrover(mut self, cartrover: CartroverConfig) -> Self {
        self.cartrover = Some(cartrover);
        self
    }

    /// This merchant's secrets, read with `lookup`.
    ///
    /// # Errors
    /// [`ConfigError::MissingVariable`] naming the merchant and the variable.
    pub fn resolve_with(
        &self,
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<ResolvedMerchant, ConfigError> {
        secrets::resolve(self, &lookup)
    }
}

#[cfg(test)]
mod tests;

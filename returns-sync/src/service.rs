//! Many merchants in one process: one engine per merchant — its own Loop
//! key and rate limit, its own CloudX client, its own state — each running
//! in its own task, so a slow or failing merchant never holds up the
//! others.

use std::future::Future;
use std::path::Path;
use std::sync::Arc;

use tracing::Instrument as _;

use crate::config::{ConfigError, ResolvedMerchant, ServiceConfig, StoreConfig};
use crate::engine::{BuildError, SyncEngine};
use crate::report::SyncReport;
use crate::store::{Store, StoreError};

/// A service could not start; names the merchant.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// The configuration cannot be used.
    #[error(transparent)]
    Config(#[from] ConfigError),
    /// A merchant's state could not be opened.
    #[error("merchant `{merchant}`: {source}")]
    Store {
        /// The merchant.
        merchant: String,
        /// Why.
        source: StoreError,
    },
    /// A merchant's client refused its settings (a base URL, a key).
    #[error("merchant `{merchant}`: the {vendor} client cannot be built: {reason}")]
    Client {
        /// The merchant.
        merchant: String,
        /// `Loop` or `CloudX`.
        vendor: &'static str,
        /// Why.
        reason: String,
    },
    /// A merchant's engine could not start (bad settings, unknown
    /// warehouse, CloudX not answering).
    #[error("merchant `{merchant}`: {source}")]
    Engine {
        /// The merchant.
        merchant: String,
        /// Why.
        source: BuildError,
    },
}

/// One merchant's engine in a [`Service`].
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct MerchantEngine {
    /// The merchant's id.
    pub id: String,
    /// Its engine.
    pub engine: SyncEngine,
    /// The secret its Loop webhooks are signed with, when configured.
    pub webhook_secret: Option<String>,
}

/// Every merchant's engine. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Service {
    merchants: Arc<Vec<MerchantEngine>>,
}

/// Opens each merchant's state as the configuration says: a SQLite file
/// per merchant, or one PostgreSQL database with a scope per merchant.
///
/// # Errors
/// [`ServiceError::Store`] naming the merchant (or `*` for a database that
/// cannot be reached), [`ServiceError::Config`] for a PostgreSQL store in a
/// build without the `postgres` feature.
pub async fn open_stores(
    store: &StoreConfig,
    postgres_url: Option<&str>,
    merchant_ids: &[&str],
) -> Result<Vec<Arc<dyn Store>>, ServiceError> {
    if let Some(url) = postgres_url {
        return open_postgres(url, merchant_ids).await;
    }
    let Some(dir) = &store.sqlite_dir else {
        return Err(ConfigError::Invalid {
            merchant: "*".into(),
            field: "store".into(),
            reason: "names no store".into(),
        }
        .into());
    };
    let mut stores = Vec::new();
    for id in merchant_ids {
        stores.push(open_sqlite(dir, id).await?);
    }
    Ok(stores)
}

#[cfg(feature = "sqlite")]
async fn open_sqlite(dir: &Path, id: &str) -> Result<Arc<dyn Store>, ServiceError> {
    let store = crate::store::SqliteStore::open(dir.join(format!("{id}.db")))
        .await
        .map_err(|source| ServiceError::Store {
            merchant: id.to_owned(),
            source,
        })?;
    Ok(Arc::new(store))
}

#[cfg(not(feature = "sqlite"))]
async fn open_sqlite(_dir: &Path, _id: &str) -> Result<Arc<dyn Store>, ServiceError> {
    Err(ConfigError::Invalid {
        merchant: "*".into(),
        field: "store.sqlite_dir".into(),
        reason: "needs returns-sync built with its `sqlite` feature".into(),
    }
    .into())
}

#[cfg(feature = "postgres")]
async fn open_postgres(url: &str, ids: &[&str]) -> Result<Vec<Arc<dyn Store>>, ServiceError> {
    let database = crate::store::PostgresStore::connect(url)
        .await
        .map_err(|source| ServiceError::Store {
            merchant: "*".into(),
            source,
        })?;
    Ok(ids
        .iter()
        .map(|id| Arc::new(database.for_merchant(id)) as Arc<dyn Store>)
        .collect())
}

#[cfg(not(feature = "postgres"))]
async fn open_postgres(_url: &str, _ids: &[&str]) -> Result<Vec<Arc<dyn Store>>, ServiceError> {
    Err(ConfigError::Invalid {
        merchant: "*".into(),
        field: "store.postgres_url_env".into(),
        reason: "needs returns-sync built with its `postgres` feature".into(),
    }
    .into())
}

impl Service {
    /// Builds every merchant's engine from a configuration whose secrets
    /// were read ([`ServiceConfig::resolve`]), opening the stores and
    /// checking each warehouse code with CloudX.
    ///
    /// # Errors
    /// [`ServiceError`] naming the first merchant that cannot start.
    pub async fn build(
        config: &ServiceConfig,
        merchants: Vec<ResolvedMerchant>,
        postgres_url: Option<&str>,
    ) -> Result<Self, ServiceError> {
        let ids: Vec<&str> = merchants.iter().map(ResolvedMerchant::id).collect();
        let stores = open_stores(&config.store, postgres_url, &ids).await?;
        let mut engines = Vec::new();
        for (merchant, store) in merchants.iter().zip(stores) {
            engines.push(Self::engine(merchant, store).await?);
        }
        Ok(Self::from_engines(engines))
    }

    /// A service over engines built elsewhere (tests, custom stores).
    pub fn from_engines(merchants: Vec<MerchantEngine>) -> Self {
        Self {
            merchants: Arc::new(merchants),
        }
    }

    /// One merchant's engine over `store`.
    ///
    /// # Errors
    /// [`ServiceError`] naming the merchant.
    pub async fn engine(
        merchant: &ResolvedMerchant,
        store: Arc<dyn Store>,
    ) -> Result<MerchantEngine, ServiceError> {
        let id = merchant.id().to_owned();
        let client_error = |vendor, reason: String| ServiceError::Client {
            merchant: id.clone(),
            vendor,
            reason,
        };
        let loop_client = merchant
            .loop_client()
            .map_err(|e| client_error("Loop", e.to_string()))?;
        let cloudx = merchant
            .cloudx_client()
            .map_err(|e| client_error("CloudX", e.to_string()))?;
        let engine = SyncEngine::builder(loop_client, cloudx, merchant.config.settings.clone())
            .shared_store(store)
            .options(merchant.config.options.clone())
            .build()
            .await
            .map_err(|source| ServiceError::Engine {
                merchant: id.clone(),
                source,
            })?;
        Ok(MerchantEngine {
            id,
            engine,
            webhook_secret: merchant.secrets.loop_webhook_secret.clone(),
        })
    }

    /// The merchants' engines, in configuration order.
    pub fn merchants(&self) -> &[MerchantEngine] {
        &self.merchants
    }

    /// One merchant's engine.
    pub fn merchant(&self, id: &str) -> Option<&MerchantEngine> {
        self.merchants.iter().find(|m| m.id == id)
    }

    /// Runs every merchant's engine ([`SyncEngine::run`]), each in its own
    /// task, until `shutdown` completes; then waits for each pass in
    /// progress to finish. Reports go to `on_report` with the merchant's id.
    pub async fn run<F, R>(&self, shutdown: F, on_report: R)
    where
        F: Future<Output = ()>,
        R: Fn(&str, &SyncReport) + Send + Sync + 'static,
    {
        let on_report = Arc::new(on_report);
        let (stop, stopped) = tokio::sync::watch::channel(false);
        let tasks: Vec<_> = self
            .merchants
            .iter()
            .map(|m| {
                let (id, engine) = (m.id.clone(), m.engine.clone());
                let on_report = Arc::clone(&on_report);
                let mut stopped = stopped.clone();
                tokio::spawn(async move {
                    let shutdown = async move {
                        // An error means the sender is gone: stop too.
                        let _ = stopped.wait_for(|stop| *stop).await;
                    };
                    let span = tracing::info_span!("merchant", id = %id);
                    engine
                        .run(shutdown, |report| on_report(&id, report))
                        .instrument(span)
                        .await;
                })
            })
            .collect();
        shutdown.await;
        let _ = stop.send(true);
        for task in tasks {
            if let Err(e) = task.await {
                tracing::error!(error = %e, "a merchant's engine stopped abnormally");
            }
        }
    }

    /// The `axum` router receiving every merchant's Loop webhooks, at
    /// `/merchants/<id>` + [`WEBHOOK_PATH`](crate::webhooks::WEBHOOK_PATH).
    /// Merchants without a webhook secret are left out.
    #[cfg(feature = "webhooks")]
    pub fn router(&self) -> axum::Router {
        self.merchants
            .iter()
            .filter_map(|m| {
                let secret = m.webhook_secret.clone()?;
                Some(axum::Router::new().nest(
                    &format!("/merchants/{}", m.id),
                    crate::webhooks::router(m.engine.clone(), secret),
                ))
            })
            .fold(axum::Router::new(), axum::Router::merge)
    }
}

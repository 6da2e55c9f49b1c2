//! One builder for the three API levels: the credentials differ per level,
//! the settings do not.

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use http_transport::{Auth, RateLimit, RetryPolicy, Timeouts, Transport, VendorProfile};
use secrecy::{ExposeSecret, SecretString};

use crate::classify::CartRoverClassifier;
use crate::client::core::Core;
use crate::client::{CartClient, MerchantClient, WarehouseClient};
use crate::error::Result;
use crate::reply::{HITS_REMAINING_HEADER, PROCESS_ID_HEADER};

/// CartRover's production API.
pub const DEFAULT_BASE_URL: &str = "https://api.cartrover.com";

/// The transport profile: the process id is the request id, and the
/// hits-remaining header feeds the client-side bucket.
const PROFILE: VendorProfile = VendorProfile::new("cartrover")
    .request_id_header(PROCESS_ID_HEADER)
    .remaining_header(HITS_REMAINING_HEADER);

/// CartRover's bucket (spec §2.4): 100 calls, one regained every 0.6 s.
const BUCKET_SIZE: u32 = 100;
/// How long CartRover's bucket takes to regain one call (spec §2.4).
const REFILL_EVERY: Duration = Duration::from_millis(600);

/// Configures a [`CartClient`], [`MerchantClient`] or [`WarehouseClient`];
/// start from their `builder` functions.
///
/// Defaults: base URL [`DEFAULT_BASE_URL`] (paths start with `/v1`, so an
/// override is the server root, e.g. a simulator's `http://127.0.0.1:PORT`),
/// connect timeout 10 s and 30 s per attempt, the transport's default retry
/// policy, and a client-side bucket of 100 calls refilling one per 0.6 s.
///
/// `Debug` never shows the API key.
#[must_use = "call build() to get a client"]
pub struct ClientBuilder<C> {
    api_user: String,
    api_key: SecretString,
    base_url: String,
    timeouts: Timeouts,
    retry_policy: RetryPolicy,
    rate_limit: RateLimit,
    max_response_bytes: usize,
    http_client: Option<reqwest::Client>,
    user_agent: String,
    max_pages: usize,
    level: PhantomData<fn() -> C>,
}

impl<C> fmt::Debug for ClientBuilder<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("level", &std::any::type_name::<C>())
            .field("api_user", &self.api_user)
            .field("api_key", &"[REDACTED]")
            .field("base_url", &self.base_url)
            .field("timeouts", &self.timeouts)
            .field("retry_policy", &self.retry_policy)
            .field("rate_limit", &self.rate_limit)
            .field("http_client", &self.http_client.is_some())
            .field("user_agent", &self.user_agent)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}

impl<C> ClientBuilder<C> {
    pub(crate) fn new(api_user: impl Into<String>, api_key: impl Into<String>) -> Self {
        Self {
            api_user: api_user.into(),
            api_key: SecretString::from(api_key.into()),
            base_url: DEFAULT_BASE_URL.to_owned(),
            timeouts: Timeouts::default(),
            retry_policy: RetryPolicy::default(),
            rate_limit: RateLimit::bucket(BUCKET_SIZE, REFILL_EVERY),
            max_response_bytes: http_transport::DEFAULT_MAX_RESPONSE_BYTES,
            http_client: None,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
            max_pages: crate::pagination::DEFAULT_MAX_PAGES,
            level: PhantomData,
        }
    }

    /// The server root to call instead of [`DEFAULT_BASE_URL`] (checked by
    /// `build`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// Connect and per-attempt timeouts.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// How failed calls are retried. It also bounds the waits after
    /// `RateLimit` answers.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry_policy = policy;
        self
    }

    /// The largest response body the client reads (default 64 MiB,
    /// [`http_transport::DEFAULT_MAX_RESPONSE_BYTES`]); a larger answer is
    /// an error for which `is_too_large()` is true, and reading stops there.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Replaces the client-side bucket (e.g. [`RateLimit::Unlimited`] in
    /// tests). The bucket is shared by clones of the built client.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Uses a ready-made `reqwest::Client` (proxy, TLS roots, pool). Its own
    /// connect timeout then applies.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// The `User-Agent` header (default `cartrover-client/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// The most pages one list stream ([`orders`](crate::OrderApi::orders),
    /// [`order_pages`](crate::OrderApi::order_pages),
    /// [`inventory_items`](crate::MerchantApi::inventory_items),
    /// [`inventory_pages`](crate::MerchantApi::inventory_pages)) reads
    /// (default [`DEFAULT_MAX_PAGES`](crate::DEFAULT_MAX_PAGES), 10,000; 0
    /// counts as 1). A stream that has read this many and still got a full
    /// page yields [`Error::TooManyPages`](crate::Error::TooManyPages)
    /// instead of reading on, so a list that never ends cannot exhaust
    /// memory. Clients made with
    /// [`WarehouseClient::for_merchant`](crate::WarehouseClient::for_merchant)
    /// keep the setting.
    pub fn max_pages(mut self, max_pages: usize) -> Self {
        self.max_pages = max_pages.max(1);
        self
    }

    fn core(self) -> Result<Core> {
        http_transport::require_credential("api_user", &self.api_user)?;
        http_transport::require_credential("api_key", self.api_key.expose_secret())?;
        let retry_policy = self.retry_policy;
        let mut builder = Transport::builder(PROFILE)
            .base_url(&self.base_url)?
            .auth(Auth::basic(self.api_user, self.api_key.expose_secret()))
            .timeouts(self.timeouts)
            .retry_policy(self.retry_policy)
            .rate_limit(self.rate_limit)
            .max_response_bytes(self.max_response_bytes)
            .user_agent(self.user_agent)
            .classifier(Arc::new(CartRoverClassifier));
        if let Some(client) = self.http_client {
            builder = builder.http_client(client);
        }
        Ok(Core::new(builder.build()?, retry_policy).with_max_pages(self.max_pages))
    }
}

impl ClientBuilder<CartClient> {
    /// Builds the Cart-level client.
    ///
    /// # Errors
    /// [`Error::Config`](crate::Error::Config) for an empty or blank
    /// `api_user` or `api_key` ([`ConfigError::Missing`](crate::ConfigError::Missing)
    /// naming the setting), an invalid base URL or user agent.
    pub fn build(self) -> Result<CartClient> {
        Ok(CartClient::from_core(self.core()?))
    }
}

impl ClientBuilder<MerchantClient> {
    /// Builds the Merchant-level client.
    ///
    /// # Errors
    /// [`Error::Config`](crate::Error::Config) for an empty or blank
    /// `api_user` or `api_key` ([`ConfigError::Missing`](crate::ConfigError::Missing)
    /// naming the setting), an invalid base URL or user agent.
    pub fn build(self) -> Result<MerchantClient> {
        Ok(MerchantClient::from_core(self.core()?))
    }
}

impl ClientBuilder<WarehouseClient> {
    /// Builds the Warehouse-level client.
    ///
    /// # Errors
    /// [`Error::Config`](crate::Error::Config) for an empty or blank
    /// `api_user` or `api_key` ([`ConfigError::Missing`](crate::ConfigError::Missing)
    /// naming the setting), an invalid base URL or user agent.
    pub fn build(self) -> Result<WarehouseClient> {
        Ok(WarehouseClient::from_core(self.core()?))
    }
}

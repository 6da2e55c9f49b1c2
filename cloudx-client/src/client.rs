//! The HTTP client and its builder.

use std::num::NonZeroUsize;

use http_transport::{
    Auth, ConfigError, RateLimit, Request, RetryPolicy, Timeouts, Transport, VendorProfile,
};

use crate::error::Error;
use crate::model::ProductIdentification;

/// Transport profile: vendor name for spans and errors, request-id header.
const CLOUDX: VendorProfile =
    VendorProfile::new("cloudx").request_id_header(crate::wire::REQUEST_ID_HEADER);

/// Requests per second the client allows itself by default. CloudX publishes
/// no limit; this keeps a bulk job polite while leaving 429 handling as the
/// backstop.
const DEFAULT_REQUESTS_PER_SECOND: u32 = 10;

/// Requests batch helpers keep in flight by default.
const DEFAULT_CONCURRENCY: NonZeroUsize = NonZeroUsize::new(4).expect("4 is not zero");

/// Typed CloudX client over HTTP; implements [`CloudxApi`](crate::CloudxApi).
///
/// Cheap to clone: clones share one connection pool and one rate limiter, so
/// build one per CloudX account and reuse it. `Debug` never shows the secret.
#[derive(Clone, Debug)]
pub struct CloudxClient {
    pub(crate) transport: Transport,
    pub(crate) identification: ProductIdentification,
    pub(crate) retry: RetryPolicy,
    pub(crate) concurrency: NonZeroUsize,
}

impl CloudxClient {
    /// Starts configuring a client. A base URL and a client secret are
    /// required; everything else has a default.
    pub fn builder() -> CloudxClientBuilder {
        CloudxClientBuilder::default()
    }

    /// How ticket lines are matched to the item master, as configured.
    pub fn product_identification(&self) -> ProductIdentification {
        self.identification
    }

    /// The same client (same pool, limiter and credentials) checking ticket
    /// lines for another identifier, e.g. when a merchant's settings switch
    /// from SKU to barcode.
    #[must_use]
    pub fn with_product_identification(mut self, identification: ProductIdentification) -> Self {
        self.identification = identification;
        self
    }

    /// Sends a request built by the caller through this client's transport
    /// (base URL, bearer secret, timeouts, retries, rate limit, tracing): the
    /// escape hatch for CloudX endpoints this crate does not model.
    ///
    /// # Errors
    ///
    /// [`Error::Http`] as for any call.
    pub async fn execute_raw(
        &self,
        request: Request,
    ) -> Result<http_transport::Response<serde_json::Value>, Error> {
        Ok(self.transport.execute(request).await?)
    }
}

/// Configures a [`CloudxClient`].
///
/// ```
/// use std::time::Duration;
/// use cloudx_client::{CloudxClient, ProductIdentification};
/// use cloudx_client::transport::{RateLimit, Timeouts};
///
/// let client = CloudxClient::builder()
///     .base_url("http://127.0.0.1:8080/v1")
///     .client_secret("secret-from-bergen")
///     .timeouts(Timeouts::default().with_request(Duration::from_secs(10)))
///     .rate_limit(RateLimit::per_second(5))
///     .product_identification(ProductIdentification::Upc)
///     .build()?;
/// assert!(!format!("{client:?}").contains("secret-from-bergen"));
/// # Ok::<(), cloudx_client::Error>(())
/// ```
#[derive(Debug)]
#[must_use = "call build() to get a client"]
pub struct CloudxClientBuilder {
    base_url: Option<String>,
    auth: Option<Auth>,
    timeouts: Timeouts,
    retry: RetryPolicy,
    rate_limit: RateLimit,
    http: Option<reqwest::Client>,
    user_agent: String,
    identification: ProductIdentification,
    concurrency: NonZeroUsize,
}

impl Default for CloudxClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            auth: None,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            rate_limit: RateLimit::per_second(DEFAULT_REQUESTS_PER_SECOND),
            http: None,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
            identification: ProductIdentification::default(),
            concurrency: DEFAULT_CONCURRENCY,
        }
    }
}

impl CloudxClientBuilder {
    /// The API's base URL, including any version path (e.g. the URL Bergen
    /// gives the merchant, or a simulator's `http://127.0.0.1:PORT/v1`).
    /// Required: CloudX has no public default.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The CloudX API client secret, sent as `Authorization: Bearer <secret>`
    /// (the presentation is modelled: CloudX's is not public). Kept in a
    /// redacting wrapper; never printed.
    pub fn client_secret(mut self, secret: impl Into<String>) -> Self {
        self.auth = Some(Auth::bearer(secret));
        self
    }

    /// Other credentials than a bearer secret, for the day CloudX's real
    /// scheme turns out to differ (replaces [`client_secret`](Self::client_secret)).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = Some(auth);
        self
    }

    /// Connect and per-attempt timeouts (default 10 s and 30 s).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Retry bounds for every call, including the duplicate-proof retries of
    /// a create (default: 4 attempts, 120 s in all).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Client-side rate limit shared by all clones (default 10 requests per
    /// second, a choice: CloudX publishes no limit).
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Uses the caller's `reqwest::Client` (proxy, TLS roots, pool). Its own
    /// connect timeout then applies.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Overrides the `User-Agent` (default `cloudx-client/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Which identifier each ticket line must carry (default SKU); checked
    /// before a create is sent.
    pub fn product_identification(mut self, identification: ProductIdentification) -> Self {
        self.identification = identification;
        self
    }

    /// Requests the batch helpers ([`verify_items`](crate::CloudxApi::verify_items),
    /// [`refresh_tickets`](crate::CloudxApi::refresh_tickets)) keep in flight
    /// (default 4; 0 counts as 1). The rate limit still applies on top.
    pub fn max_concurrency(mut self, concurrency: usize) -> Self {
        self.concurrency = NonZeroUsize::new(concurrency).unwrap_or(NonZeroUsize::MIN);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] without a base URL or client secret, with a base URL
    /// that is not absolute http(s), or when the HTTP client cannot start.
    pub fn build(self) -> Result<CloudxClient, Error> {
        let base_url = self.base_url.ok_or(ConfigError::Missing("base URL"))?;
        let auth = self.auth.ok_or(ConfigError::Missing("client secret"))?;
        let mut transport = Transport::builder(CLOUDX)
            .base_url(&base_url)?
            .auth(auth)
            .timeouts(self.timeouts)
            .retry_policy(self.retry)
            .rate_limit(self.rate_limit)
            .user_agent(self.user_agent);
        if let Some(http) = self.http {
            transport = transport.http_client(http);
        }
        Ok(CloudxClient {
            transport: transport.build()?,
            identification: self.identification,
            retry: self.retry,
            concurrency: self.concurrency,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_and_secret_are_required() {
        let missing_url = CloudxClient::builder().client_secret("s").build();
        assert!(matches!(
            missing_url,
            Err(Error::Config(ConfigError::Missing("base URL")))
        ));
        let missing_secret = CloudxClient::builder()
            .base_url("http://127.0.0.1:1/v1")
            .build();
        assert!(matches!(
            missing_secret,
            Err(Error::Config(ConfigError::Missing("client secret")))
        ));
        let relative = CloudxClient::builder()
            .base_url("/v1")
            .client_secret("s")
            .build();
        assert!(matches!(
            relative,
            Err(Error::Config(ConfigError::InvalidBaseUrl { .. }))
        ));
    }

    #[test]
    fn debug_of_builder_and_client_hides_the_secret() {
        let builder = CloudxClient::builder()
            .base_url("http://127.0.0.1:1/v1")
            .client_secret("sk-live-very-secret");
        assert!(!format!("{builder:?}").contains("sk-live-very-secret"));
        let client = builder.build().expect("valid configuration");
        let debug = format!("{client:?}");
        assert!(!debug.contains("sk-live-very-secret"), "{debug}");
    }
}

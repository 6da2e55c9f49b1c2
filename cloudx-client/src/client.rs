//! The HTTP client and its builder.

use std::fmt;
use std::num::NonZeroUsize;

use http_transport::{
    Auth, ConfigError, RateLimit, Request, RetryPolicy, Timeouts, Transport, VendorProfile,
};

use crate::api::CloudxApi;
use crate::error::Error;
use crate::model::{ProductIdentification, Warehouse, WarehouseCode};
use crate::refusal;

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
    pub(crate) max_pages: usize,
}

impl CloudxClient {
    /// Starts configuring a client with the CloudX API client secret (from
    /// the Bergen account manager or CloudX support). A base URL is required
    /// too ([`CloudxClientBuilder::base_url`]); everything else has a default.
    ///
    /// The secret is sent as `Authorization: Bearer <secret>` (the
    /// presentation is modelled: CloudX's is not public), kept in a redacting
    /// wrapper and never printed. An empty or blank secret is refused by
    /// [`build`](CloudxClientBuilder::build).
    pub fn builder(client_secret: impl Into<String>) -> CloudxClientBuilder {
        CloudxClientBuilder::new(client_secret.into())
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
    /// (base URL, bearer secret, timeouts, retries, rate limit, tracing) and
    /// returns the decoded JSON body: the escape hatch for CloudX endpoints
    /// this crate does not model.
    ///
    /// ```no_run
    /// # async fn run(cloudx: cloudx_client::CloudxClient) -> Result<(), cloudx_client::Error> {
    /// use cloudx_client::transport::Request;
    ///
    /// let carriers = cloudx.send_raw(Request::get("/carriers").operation("list_carriers")).await?;
    /// println!("{carriers}");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFields`] for a 422 (read from the whole body);
    /// [`Error::Http`] otherwise, as for any call (a success body that is not
    /// JSON is [`Error::is_decode`]).
    pub async fn send_raw(&self, request: Request) -> Result<serde_json::Value, Error> {
        match refusal::capture::<serde_json::Value>(&self.transport, request).await {
            Ok(response) => Ok(response.into_body()),
            Err(failed) => Err(refusal::unprocessable(failed)),
        }
    }

    /// The "test connection" button: proves the client secret and that
    /// `warehouse_code` is one of the account's warehouses, with one cheap
    /// call (the warehouse list).
    ///
    /// An unknown warehouse code is not an error: the report says so and
    /// lists the codes the account has ([`ConnectionReport::warehouse_found`],
    /// [`ConnectionReport::known_warehouse_codes`]), so a settings screen can
    /// offer them. The code is compared exactly, after trimming surrounding
    /// spaces.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), cloudx_client::Error> {
    /// use cloudx_client::CloudxClient;
    ///
    /// let cloudx = CloudxClient::builder("secret-from-bergen")
    ///     .base_url("https://cloudx.example/v1")
    ///     .build()?;
    /// match cloudx.check_connection("BERGEN-NJ-01").await {
    ///     Ok(report) if report.warehouse_found() => println!("{report}"),
    ///     Ok(report) => eprintln!("wrong warehouse; valid: {:?}", report.known_warehouse_codes),
    ///     Err(e) if e.is_unauthorized() => eprintln!("CloudX refused the client secret"),
    ///     Err(e) => eprintln!("CloudX unreachable: {e}"),
    /// }
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::is_unauthorized`] when CloudX refuses the secret (401/403);
    /// [`Error::Http`] for any other failure of the call.
    pub async fn check_connection(
        &self,
        warehouse_code: impl Into<WarehouseCode>,
    ) -> Result<ConnectionReport, Error> {
        let asked: WarehouseCode = warehouse_code.into();
        let warehouses = self.list_warehouses().await?;
        let wanted = asked.as_str().trim();
        let warehouse = warehouses
            .iter()
            .find(|w| w.code.as_str() == wanted)
            .cloned();
        Ok(ConnectionReport {
            warehouse_code: asked,
            warehouse,
            known_warehouse_codes: warehouses.into_iter().map(|w| w.code).collect(),
        })
    }
}

/// What [`CloudxClient::check_connection`] found: the client secret was
/// accepted (otherwise it returns an error), and whether the warehouse code
/// exists.
///
/// `Display` is one line for a settings screen.
#[derive(Clone, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConnectionReport {
    /// The warehouse code that was checked, as given.
    pub warehouse_code: WarehouseCode,
    /// The account's warehouse with that code, `None` when there is none.
    pub warehouse: Option<Warehouse>,
    /// Every warehouse code the account can route returns to, in CloudX's
    /// order.
    pub known_warehouse_codes: Vec<WarehouseCode>,
}

impl ConnectionReport {
    /// Whether the checked warehouse code is one of the account's.
    pub fn warehouse_found(&self) -> bool {
        self.warehouse.is_some()
    }
}

impl fmt::Display for ConnectionReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("cloudx accepted the client secret; ")?;
        match &self.warehouse {
            Some(warehouse) => {
                write!(f, "warehouse {} exists", warehouse.code)?;
                if let Some(name) = &warehouse.name {
                    write!(f, " ({name})")?;
                }
                Ok(())
            }
            None if self.known_warehouse_codes.is_empty() => write!(
                f,
                "warehouse {} not found: the account has no warehouse",
                self.warehouse_code
            ),
            None => {
                write!(
                    f,
                    "warehouse {} not found; the account's warehouses are ",
                    self.warehouse_code
                )?;
                for (i, code) in self.known_warehouse_codes.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{code}")?;
                }
                Ok(())
            }
        }
    }
}

/// Configures a [`CloudxClient`].
///
/// ```
/// use std::time::Duration;
/// use cloudx_client::{CloudxClient, ProductIdentification};
/// use cloudx_client::transport::{RateLimit, Timeouts};
///
/// let client = CloudxClient::builder("secret-from-bergen")
///     .base_url("http://127.0.0.1:8080/v1")
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
    auth: Auth,
    /// Whether the secret given to `builder()` is empty or blank (the secret
    /// itself is not kept outside the redacting `Auth`).
    secret_blank: bool,
    timeouts: Timeouts,
    retry: RetryPolicy,
    rate_limit: RateLimit,
    max_response_bytes: usize,
    http: Option<reqwest::Client>,
    user_agent: String,
    identification: ProductIdentification,
    concurrency: NonZeroUsize,
    max_pages: usize,
}

impl CloudxClientBuilder {
    fn new(client_secret: String) -> Self {
        Self {
            base_url: None,
            secret_blank: http_transport::require_credential("client_secret", &client_secret)
                .is_err(),
            auth: Auth::bearer(client_secret),
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            rate_limit: RateLimit::per_second(DEFAULT_REQUESTS_PER_SECOND),
            max_response_bytes: http_transport::DEFAULT_MAX_RESPONSE_BYTES,
            http: None,
            user_agent: concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned(),
            identification: ProductIdentification::default(),
            concurrency: DEFAULT_CONCURRENCY,
            max_pages: crate::api::DEFAULT_MAX_PAGES,
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

    /// Other credentials than a bearer secret, for the day CloudX's real
    /// scheme turns out to differ (replaces the secret given to
    /// [`CloudxClient::builder`]).
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self.secret_blank = false;
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

    /// The largest response body the client reads (default 64 MiB,
    /// [`http_transport::DEFAULT_MAX_RESPONSE_BYTES`]); a larger answer is
    /// an error for which `is_too_large()` is true, and reading stops there.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
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

    /// The most pages one ticket stream ([`ticket_pages`](crate::CloudxApi::ticket_pages),
    /// [`tickets`](crate::CloudxApi::tickets)) reads (default
    /// [`DEFAULT_MAX_PAGES`](crate::DEFAULT_MAX_PAGES), 10,000; 0 counts as
    /// 1). A stream that has read this many and is still given a next page
    /// yields [`Error::TooManyPages`] instead of reading on, so a search that
    /// never ends cannot exhaust memory.
    pub fn max_pages(mut self, max_pages: usize) -> Self {
        self.max_pages = max_pages.max(1);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] with [`ConfigError::Missing`]`("client_secret")` for
    /// an empty or blank secret, [`ConfigError::Missing`]`("base URL")`
    /// without a base URL, [`ConfigError::InvalidBaseUrl`] for a base URL that
    /// is not absolute http(s), or when the HTTP client cannot start.
    pub fn build(self) -> Result<CloudxClient, Error> {
        if self.secret_blank {
            return Err(ConfigError::Missing("client_secret").into());
        }
        let base_url = self.base_url.ok_or(ConfigError::Missing("base URL"))?;
        let mut transport = Transport::builder(CLOUDX)
            .base_url(&base_url)?
            .auth(self.auth)
            .timeouts(self.timeouts)
            .retry_policy(self.retry)
            .rate_limit(self.rate_limit)
            .max_response_bytes(self.max_response_bytes)
            .user_agent(self.user_agent);
        if let Some(http) = self.http {
            transport = transport.http_client(http);
        }
        Ok(CloudxClient {
            transport: transport.build()?,
            identification: self.identification,
            retry: self.retry,
            concurrency: self.concurrency,
            max_pages: self.max_pages,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_and_secret_are_required() {
        let missing_url = CloudxClient::builder("s").build();
        assert!(matches!(
            missing_url,
            Err(Error::Config(ConfigError::Missing("base URL")))
        ));
        for blank in ["", "  \t"] {
            let missing_secret = CloudxClient::builder(blank)
                .base_url("http://127.0.0.1:1/v1")
                .build();
            assert!(
                matches!(
                    missing_secret,
                    Err(Error::Config(ConfigError::Missing("client_secret")))
                ),
                "{blank:?}"
            );
        }
        let relative = CloudxClient::builder("s").base_url("/v1").build();
        assert!(matches!(
            relative,
            Err(Error::Config(ConfigError::InvalidBaseUrl { .. }))
        ));
    }

    #[test]
    fn empty_secret_error_names_the_setting() {
        let error = CloudxClient::builder("")
            .base_url("http://127.0.0.1:1/v1")
            .build()
            .expect_err("empty secret");
        assert!(error.to_string().contains("client_secret"), "{error}");
    }

    #[test]
    fn debug_of_builder_and_client_hides_the_secret() {
        let builder =
            CloudxClient::builder("sk-live-very-secret").base_url("http://127.0.0.1:1/v1");
        assert!(!format!("{builder:?}").contains("sk-live-very-secret"));
        let client = builder.build().expect("valid configuration");
        let debug = format!("{client:?}");
        assert!(!debug.contains("sk-live-very-secret"), "{debug}");
    }
}

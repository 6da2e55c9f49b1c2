//! The HTTP client and its builder. The operations live in one submodule per
//! area of the API.

mod api_impl;
mod connection;
mod context;
mod grading;
mod return_actions;
mod return_data;
mod webhooks;

use std::fmt;
use std::sync::Arc;

use http_transport::{
    Auth, ConfigError, RateLimit, Request, RetryPolicy, Timeouts, Transport, VendorProfile,
};
use secrecy::{ExposeSecret, SecretString};
use serde::de::DeserializeOwned;

use crate::classifier::LoopClassifier;
use crate::error::Error;
use crate::models::list_body::{ListKey, Listed};
use crate::version::ApiVersion;

pub use connection::{ConnectionReport, ScopeAccess};

/// Loop's production API root.
pub const DEFAULT_BASE_URL: &str = "https://api.loopreturns.com/api/v1";

/// Loop's published rate limit per API key.
pub const DEFAULT_REQUESTS_PER_MINUTE: u32 = 300;

/// Most items Grade Items and Assess Dispositions take per call.
///
/// Loop's API reference says 30; its grading guide says 20. The client splits
/// larger inputs into calls of at most this many items;
/// [`LoopClientBuilder::grading_batch_size`] lowers it (to 20, say).
pub const MAX_ITEMS_PER_CALL: usize = 30;

/// The header carrying the API key.
pub const API_KEY_HEADER: &str = "X-Authorization";

const PROFILE: VendorProfile = VendorProfile::new("loop").request_id_header("x-request-id");

/// A client of the Loop Returns API.
///
/// Cheap to clone: clones share one connection pool and one rate limiter, so
/// make one per API key and pass clones around. Every call is rate-limited to
/// Loop's 300 requests per minute by default, retried on throttling and
/// transient failures where a repeat is safe (see each method), and traced.
///
/// ```no_run
/// # async fn run() -> Result<(), loop_client::Error> {
/// use loop_client::{LoopClient, ReturnId};
///
/// let client = LoopClient::builder(std::env::var("LOOP_API_KEY").unwrap()).build()?;
/// client.flag_return(&ReturnId::from(40211877)).await?;
/// # Ok(()) }
/// ```
#[derive(Clone, Debug)]
pub struct LoopClient {
    transport: Transport,
    grading_batch_size: usize,
    max_pages: usize,
}

/// Configures a [`LoopClient`]; start with [`LoopClient::builder`].
pub struct LoopClientBuilder {
    api_key: SecretString,
    base_url: String,
    api_version: Option<ApiVersion>,
    timeouts: Timeouts,
    retry_policy: RetryPolicy,
    rate_limit: RateLimit,
    max_response_bytes: usize,
    http_client: Option<reqwest::Client>,
    user_agent: Option<String>,
    grading_batch_size: usize,
    max_pages: usize,
}

impl fmt::Debug for LoopClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LoopClientBuilder")
            .field("api_key", &"[redacted]")
            .field("base_url", &self.base_url)
            .field("api_version", &self.api_version)
            .field("timeouts", &self.timeouts)
            .field("retry_policy", &self.retry_policy)
            .field("rate_limit", &self.rate_limit)
            .field("http_client", &self.http_client.is_some())
            .field("user_agent", &self.user_agent)
            .field("grading_batch_size", &self.grading_batch_size)
            .field("max_pages", &self.max_pages)
            .finish()
    }
}

impl LoopClientBuilder {
    /// The API root, `https://api.loopreturns.com/api/v1` by default. Point it
    /// at a mock server or the sandbox in tests. Its last path segment is the
    /// API version unless [`api_version`](Self::api_version) says otherwise.
    pub fn base_url(mut self, base_url: impl Into<String>) -> Self {
        self.base_url = base_url.into();
        self
    }

    /// The API version segment. It replaces the base URL's last path segment
    /// when that segment is a version (`v1`, `2026-07`, `unstable`), and is
    /// appended to the base URL otherwise.
    pub fn api_version(mut self, version: ApiVersion) -> Self {
        self.api_version = Some(version);
        self
    }

    /// Connect and per-attempt timeouts (default 10 s and 30 s).
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Retry policy (default: 4 attempts with capped, jittered backoff).
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

    /// Client-side rate limit (default: 300 per minute, Loop's limit per key).
    /// Clients sharing one key across processes should lower it.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Uses a caller-built `reqwest::Client` (proxy, TLS roots, pool).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// Overrides the `User-Agent` (default `loop-client/<version>`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// Items per Grade Items / Assess Dispositions call, clamped to
    /// `1..=`[`MAX_ITEMS_PER_CALL`].
    pub fn grading_batch_size(mut self, size: usize) -> Self {
        self.grading_batch_size = size.clamp(1, MAX_ITEMS_PER_CALL);
        self
    }

    /// The most pages one returns stream reads (default
    /// [`DEFAULT_MAX_PAGES`](crate::DEFAULT_MAX_PAGES), 10,000; 0 counts as
    /// 1). A stream that has read this many and is still given a next page
    /// yields [`Error::TooManyPages`] instead of reading on, so a list that
    /// never ends cannot exhaust memory.
    pub fn max_pages(mut self, max_pages: usize) -> Self {
        self.max_pages = max_pages.max(1);
        self
    }

    /// Builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] for an empty or whitespace-only API key
    /// (`ConfigError::Missing("api_key")`), an invalid base URL, an API key
    /// that is not a valid header value, or an HTTP client that cannot be
    /// built.
    pub fn build(self) -> Result<LoopClient, Error> {
        http_transport::require_credential("api_key", self.api_key.expose_secret())?;
        let base_url = versioned_base_url(&self.base_url, self.api_version.as_ref())?;
        let user_agent = self.user_agent.unwrap_or_else(|| {
            concat!(env!("CARGO_PKG_NAME"), "/", env!("CARGO_PKG_VERSION")).to_owned()
        });
        let auth = Auth::try_api_key_header(API_KEY_HEADER, self.api_key.expose_secret())?;
        let mut transport = Transport::builder(PROFILE)
            .base_url(&base_url)?
            .auth(auth)
            .timeouts(self.timeouts)
            .retry_policy(self.retry_policy)
            .rate_limit(self.rate_limit)
            .max_response_bytes(self.max_response_bytes)
            .user_agent(user_agent)
            .classifier(Arc::new(LoopClassifier));
        if let Some(client) = self.http_client {
            transport = transport.http_client(client);
        }
        Ok(LoopClient {
            transport: transport.build()?,
            grading_batch_size: self.grading_batch_size,
            max_pages: self.max_pages,
        })
    }
}

/// Applies the version segment to the base URL (see
/// [`LoopClientBuilder::api_version`]).
fn versioned_base_url(base: &str, version: Option<&ApiVersion>) -> Result<String, Error> {
    let Some(version) = version else {
        return Ok(base.to_owned());
    };
    let invalid = |reason: &str| {
        Error::Config(ConfigError::InvalidBaseUrl {
            url: base.to_owned(),
            reason: reason.to_owned(),
        })
    };
    let mut url = url::Url::parse(base).map_err(|e| invalid(&e.to_string()))?;
    let mut segments: Vec<String> = url
        .path_segments()
        .ok_or_else(|| invalid("cannot be a base URL"))?
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    match segments.last_mut() {
        Some(last) if ApiVersion::looks_like_version(last) => *last = version.to_string(),
        _ => segments.push(version.to_string()),
    }
    url.set_path(&segments.join("/"));
    Ok(url.to_string())
}

impl LoopClient {
    /// Starts configuring a client with the API key (sent raw as
    /// `X-Authorization`, never logged). The key needs the **Returns** scope
    /// for return data, actions and grading, **Developer Tools** for webhooks,
    /// **Destinations (Read)** for destinations, and an orders read scope for
    /// [`get_order`](Self::get_order).
    pub fn builder(api_key: impl Into<String>) -> LoopClientBuilder {
        LoopClientBuilder {
            api_key: SecretString::from(api_key.into()),
            base_url: DEFAULT_BASE_URL.to_owned(),
            api_version: None,
            timeouts: Timeouts::default(),
            retry_policy: RetryPolicy::default(),
            rate_limit: RateLimit::per_minute(DEFAULT_REQUESTS_PER_MINUTE),
            max_response_bytes: http_transport::DEFAULT_MAX_RESPONSE_BYTES,
            http_client: None,
            user_agent: None,
            grading_batch_size: MAX_ITEMS_PER_CALL,
            max_pages: crate::pagination::DEFAULT_MAX_PAGES,
        }
    }

    /// The underlying transport, with the same auth, base URL, retries and
    /// limiter; for raw calls prefer [`send_raw`](Self::send_raw).
    pub fn transport(&self) -> &Transport {
        &self.transport
    }

    /// The escape hatch for endpoints this crate does not model: sends
    /// `request` through the client's transport (API key, base URL, retries
    /// as the request allows, rate limit, Loop's error classifier) and
    /// returns the answer as JSON (`null` for a 204; any other empty body is
    /// a decode error, as an answer cut off in transit looks the same —
    /// [`transport`](Self::transport)'s `execute_bytes` takes the body as it is).
    ///
    /// ```no_run
    /// # async fn run(client: loop_client::LoopClient) -> Result<(), loop_client::Error> {
    /// use loop_client::http_transport::Request;
    ///
    /// let locations = client
    ///     .send_raw(Request::get("/locations").operation("list_locations"))
    ///     .await?;
    /// println!("{locations}");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Http`]: a refusal (401 [`Error::is_unauthorized`], 404
    /// [`Error::is_not_found`], …), a transport failure, or a 2xx body that is
    /// not JSON ([`Error::is_decode`]).
    pub async fn send_raw(&self, request: Request) -> Result<serde_json::Value, Error> {
        self.get_json(request).await
    }

    /// Sends a request and decodes its body as `T`.
    async fn get_json<T: DeserializeOwned>(&self, request: Request) -> Result<T, Error> {
        Ok(self.transport.execute::<T>(request).await?.into_body())
    }

    /// Sends a request whose answer is a list, bare or wrapped under `K`'s keys.
    async fn get_list<T: DeserializeOwned, K: ListKey>(
        &self,
        request: Request,
    ) -> Result<Vec<T>, Error> {
        Ok(self
            .transport
            .execute::<Listed<T, K>>(request)
            .await?
            .into_body()
            .items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_replaces_or_appends_the_last_segment() {
        let dated = ApiVersion::dated(2026, 10).unwrap();
        let cases = [
            (DEFAULT_BASE_URL, "https://api.loopreturns.com/api/2026-10"),
            (
                "https://api.loopreturns.com/api/unstable/",
                "https://api.loopreturns.com/api/2026-10",
            ),
            (
                "http://127.0.0.1:8080/api",
                "http://127.0.0.1:8080/api/2026-10",
            ),
            ("http://127.0.0.1:8080", "http://127.0.0.1:8080/2026-10"),
        ];
        for (base, expected) in cases {
            assert_eq!(
                versioned_base_url(base, Some(&dated)).unwrap(),
                expected,
                "{base}"
            );
        }
        assert_eq!(versioned_base_url("not a url", None).unwrap(), "not a url");
        assert!(matches!(
            versioned_base_url("not a url", Some(&dated)),
            Err(Error::Config(_))
        ));
    }

    #[test]
    fn builder_debug_redacts_the_key() {
        let builder = LoopClient::builder("sk-very-secret");
        let shown = format!("{builder:?}");
        assert!(!shown.contains("sk-very-secret"), "{shown}");
        let client = builder.build().unwrap();
        let shown = format!("{client:?}");
        assert!(!shown.contains("sk-very-secret"), "{shown}");
    }
}

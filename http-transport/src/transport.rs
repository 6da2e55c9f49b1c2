//! The configured transport: builds, sends, retries, classifies and decodes.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT, CONTENT_TYPE, HeaderMap, HeaderName, HeaderValue, USER_AGENT};
use serde::de::DeserializeOwned;
use tracing::Instrument as _;

use crate::auth::Auth;
use crate::base_url::BaseUrl;
use crate::blank_body::BlankBody;
use crate::classify::{Classification, Classifier, DefaultClassifier, ResponseParts, RetryClass};
use crate::error::{
    ApiError, ConfigError, DecodeError, Error, TransportError, TransportErrorKind, excerpt,
};
use crate::rate_limit::{Limiter, RateLimit};
use crate::request::Request;
use crate::retry::{Decision, Outcome, RetryPolicy, decide, throttle_backoff};

/// The static facts about one vendor that the transport needs.
///
/// ```
/// # use http_transport::VendorProfile;
/// const CARTROVER: VendorProfile = VendorProfile::new("cartrover")
///     .request_id_header("x-cartrover-process-id")
///     .remaining_header("x-cartrover-api-minute-hits-remaining");
/// assert_eq!(CARTROVER.name(), "cartrover");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VendorProfile {
    name: &'static str,
    request_id_header: Option<&'static str>,
    remaining_header: Option<&'static str>,
}

impl VendorProfile {
    /// A profile named `name` (used in spans and error messages).
    pub const fn new(name: &'static str) -> Self {
        Self {
            name,
            request_id_header: None,
            remaining_header: None,
        }
    }

    /// The response header carrying the vendor's request id (lower case).
    pub const fn request_id_header(mut self, header: &'static str) -> Self {
        self.request_id_header = Some(header);
        self
    }

    /// The response header with the number of calls left in the vendor's
    /// window (lower case); it feeds the client-side limiter.
    pub const fn remaining_header(mut self, header: &'static str) -> Self {
        self.remaining_header = Some(header);
        self
    }

    /// The vendor name.
    pub const fn name(&self) -> &'static str {
        self.name
    }
}

/// Default timeouts of every attempt.
///
/// `request` covers one attempt from connecting until the body is read;
/// backoff sleeps between attempts are bounded by
/// [`RetryPolicy::max_elapsed`] instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Timeouts {
    /// Time to open a connection (default 10 s). Ignored when the caller
    /// supplies its own `reqwest::Client`, whose own setting applies.
    pub connect: Option<Duration>,
    /// Time for one whole attempt (default 30 s).
    pub request: Option<Duration>,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self {
            connect: Some(Duration::from_secs(10)),
            request: Some(Duration::from_secs(30)),
        }
    }
}

impl Timeouts {
    /// No timeouts at all. Meant for tests with paused tokio time, where a
    /// pending timer fires as soon as the runtime waits on a socket; such
    /// tests also inject a client built with `pool_idle_timeout(None)`.
    /// Not for production.
    pub fn none() -> Self {
        Self {
            connect: None,
            request: None,
        }
    }

    /// Sets the connect timeout.
    pub fn with_connect(mut self, timeout: Duration) -> Self {
        self.connect = Some(timeout);
        self
    }

    /// Sets the whole-attempt timeout.
    pub fn with_request(mut self, timeout: Duration) -> Self {
        self.request = Some(timeout);
        self
    }
}

/// A successful answer.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded body.
    pub body: T,
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: HeaderMap,
    /// The vendor's request id header, if any.
    pub request_id: Option<String>,
    /// Attempts it took, 1 when the first one succeeded.
    pub attempts: u32,
}

impl<T> Response<T> {
    /// The decoded body.
    pub fn into_body(self) -> T {
        self.body
    }

    /// Keeps the metadata and transforms the body.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response {
            body: f(self.body),
            status: self.status,
            headers: self.headers,
            request_id: self.request_id,
            attempts: self.attempts,
        }
    }
}

/// Configures a [`Transport`].
#[must_use = "call build() to get a transport"]
pub struct TransportBuilder {
    vendor: VendorProfile,
    base_url: Option<BaseUrl>,
    auth: Auth,
    timeouts: Timeouts,
    retry: RetryPolicy,
    rate_limit: RateLimit,
    http: Option<reqwest::Client>,
    user_agent: String,
    classifier: Arc<dyn Classifier>,
    max_response_bytes: usize,
}

/// The largest response body a transport reads by default: 64 MiB, far
/// above any page the vendors send (a Loop page of 250 detailed returns is
/// a few MiB), far below what would exhaust a service's memory.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 64 * 1024 * 1024;

impl TransportBuilder {
    /// Sets the largest response body read (default
    /// [`DEFAULT_MAX_RESPONSE_BYTES`]). A larger answer — announced by
    /// `Content-Length` or found while reading — is
    /// [`Error::ResponseTooLarge`], and reading stops there.
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sets and validates the base URL (see [`BaseUrl`]).
    ///
    /// # Errors
    /// [`ConfigError::InvalidBaseUrl`] when it is not an absolute http(s) URL.
    pub fn base_url(mut self, url: &str) -> Result<Self, ConfigError> {
        self.base_url = Some(BaseUrl::parse(url)?);
        Ok(self)
    }

    /// Sets an already validated base URL.
    pub fn base(mut self, url: BaseUrl) -> Self {
        self.base_url = Some(url);
        self
    }

    /// Sets the credentials sent with every request.
    pub fn auth(mut self, auth: Auth) -> Self {
        self.auth = auth;
        self
    }

    /// Sets the default timeouts.
    pub fn timeouts(mut self, timeouts: Timeouts) -> Self {
        self.timeouts = timeouts;
        self
    }

    /// Sets the default retry policy.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the client-side rate limit, shared by all clones.
    pub fn rate_limit(mut self, limit: RateLimit) -> Self {
        self.rate_limit = limit;
        self
    }

    /// Uses the caller's `reqwest::Client` (proxy, TLS roots, pool).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// Sets the `User-Agent`, e.g. `loop-client/0.1.0`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Sets the vendor's rule for telling errors from successes.
    pub fn classifier(mut self, classifier: Arc<dyn Classifier>) -> Self {
        self.classifier = classifier;
        self
    }

    /// Builds the transport.
    ///
    /// # Errors
    /// [`ConfigError::Missing`] without a base URL,
    /// [`ConfigError::InvalidHeader`] for an unusable credential or user
    /// agent, [`ConfigError::HttpClient`] if the HTTP client cannot start.
    pub fn build(self) -> Result<Transport, ConfigError> {
        let base_url = self.base_url.ok_or(ConfigError::Missing("base URL"))?;
        let mut headers = HeaderMap::new();
        let user_agent =
            HeaderValue::try_from(&self.user_agent).map_err(|e| ConfigError::InvalidHeader {
                name: "user-agent".to_owned(),
                reason: e.to_string(),
            })?;
        headers.insert(USER_AGENT, user_agent);
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        if let Some((name, value)) = self.auth.header()? {
            headers.insert(name, value);
        }
        // A client of our own carries the fixed headers itself, so that no
        // call copies them; a caller's client may serve other APIs too, so
        // they go on each request instead.
        let (http, per_request_headers) = match self.http {
            Some(client) => (client, Some(headers)),
            None => {
                let mut builder = reqwest::Client::builder().default_headers(headers);
                if let Some(connect) = self.timeouts.connect {
                    builder = builder.connect_timeout(connect);
                }
                let client = builder
                    .build()
                    .map_err(|e| ConfigError::HttpClient(e.to_string()))?;
                (client, None)
            }
        };
        Ok(Transport {
            inner: Arc::new(Inner {
                vendor: self.vendor,
                request_id_header: self.vendor.request_id_header.map(HeaderName::from_static),
                remaining_header: self.vendor.remaining_header.map(HeaderName::from_static),
                base_url,
                auth: self.auth,
                per_request_headers,
                timeouts: self.timeouts,
                retry: self.retry,
                limiter: Limiter::new(self.rate_limit),
                http,
                classifier: self.classifier,
                max_response_bytes: self.max_response_bytes,
            }),
        })
    }
}

impl fmt::Debug for TransportBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportBuilder")
            .field("vendor", &self.vendor.name)
            .field("base_url", &self.base_url)
            .field("auth", &self.auth)
            .field("timeouts", &self.timeouts)
            .field("retry", &self.retry)
            .field("rate_limit", &self.rate_limit)
            .finish_non_exhaustive()
    }
}

/// A configured connection to one vendor API: base URL, credentials,
/// timeouts, retry policy, rate limiter and connection pool.
///
/// Cheap to clone; clones share the pool and the rate limiter, so create one
/// per credential and reuse it.
///
/// ```no_run
/// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
/// use http_transport::{Auth, RateLimit, Request, Transport, VendorProfile};
///
/// const LOOP: VendorProfile = VendorProfile::new("loop");
/// let transport = Transport::builder(LOOP)
///     .base_url("https://api.loopreturns.com/api/v1")?
///     .auth(Auth::api_key_header("X-Authorization", "key"))
///     .rate_limit(RateLimit::per_minute(300))
///     .build()?;
/// let notes: serde_json::Value = transport
///     .execute(Request::get("/warehouse/return/{id}/notes").path_param(42).operation("get_notes"))
///     .await?
///     .into_body();
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Transport {
    inner: Arc<Inner>,
}

struct Inner {
    vendor: VendorProfile,
    request_id_header: Option<HeaderName>,
    remaining_header: Option<HeaderName>,
    base_url: BaseUrl,
    auth: Auth,
    /// The fixed headers (user agent, accept, credentials) when the HTTP
    /// client is the caller's; `None` when our own client sends them.
    per_request_headers: Option<HeaderMap>,
    timeouts: Timeouts,
    retry: RetryPolicy,
    limiter: Limiter,
    http: reqwest::Client,
    classifier: Arc<dyn Classifier>,
    max_response_bytes: usize,
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let inner = &self.inner;
        f.debug_struct("Transport")
            .field("vendor", &inner.vendor.name)
            .field("base_url", &inner.base_url)
            .field("auth", &inner.auth)
            .field("timeouts", &inner.timeouts)
            .field("retry", &inner.retry)
            .field("limiter", &inner.limiter)
            .field("classifier", &inner.classifier)
            .finish_non_exhaustive()
    }
}

/// What one attempt produced.
enum Attempt {
    Success(Response<Bytes>),
    Failed(Outcome, Error),
}

impl Transport {
    /// Starts configuring a transport for `vendor`.
    pub fn builder(vendor: VendorProfile) -> TransportBuilder {
        TransportBuilder {
            vendor,
            base_url: None,
            auth: Auth::None,
            timeouts: Timeouts::default(),
            retry: RetryPolicy::default(),
            rate_limit: RateLimit::Unlimited,
            http: None,
            user_agent: concat!("http-transport/", env!("CARGO_PKG_VERSION")).to_owned(),
            classifier: Arc::new(DefaultClassifier),
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
        }
    }

    /// The base URL requests are sent to.
    pub fn base_url(&self) -> &BaseUrl {
        &self.inner.base_url
    }

    /// The vendor profile.
    pub fn vendor(&self) -> VendorProfile {
        self.inner.vendor
    }

    /// Sends `request` (retrying as its policy allows) and decodes the JSON
    /// body as `T`. A 204 reads as JSON `null`. Any other empty body is
    /// accepted only where `T` expects no value (`()`, a unit struct): an
    /// `Option` or a list does not read it as "none", since an answer cut
    /// off in transit looks the same.
    ///
    /// # Errors
    /// [`Error::Api`] when the vendor says no, [`Error::Transport`] when no
    /// answer arrives, [`Error::Decode`] (with the JSON path) when the body
    /// does not match `T`, [`Error::InvalidRequest`] when the request cannot
    /// be built.
    ///
    /// An idempotent request whose answer was cut short — a body that ends
    /// in the middle of its JSON, or is empty where `T` needs a value — is
    /// sent again, within its retry policy's attempts, as a dropped
    /// connection would be: the bytes were lost in transit. A complete body
    /// of the wrong shape is not retried.
    pub async fn execute<T: DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<Response<T>, Error> {
        let operation = request.operation;
        let policy = request.retry_policy.unwrap_or(self.inner.retry);
        let mut attempt = 1;
        loop {
            let response = self.send(&request).await?;
            let (path, message) = match decode_answer::<T>(response.status, &response.body) {
                Ok(body) => return Ok(response.map(|_| body)),
                Err(failure) => failure,
            };
            if request.idempotent && attempt < policy.max_attempts && is_cut_short(&response.body) {
                let delay = crate::retry::backoff(&policy, attempt, rand::random::<f64>());
                tracing::warn!(attempt, operation, "the answer was cut short; retrying");
                tokio::time::sleep(delay).await;
                attempt += 1;
                continue;
            }
            return Err(Error::Decode(Box::new(DecodeError {
                vendor: self.inner.vendor.name,
                operation,
                status: response.status,
                path,
                message,
                request_id: response.request_id.clone(),
                body_excerpt: excerpt(&response.body),
            })));
        }
    }

    /// Sends `request` (retrying as its policy allows) and returns the raw
    /// body: the escape hatch for endpoints a client does not model.
    ///
    /// # Errors
    /// As [`Transport::execute`], without decode errors.
    pub async fn execute_bytes(&self, request: Request) -> Result<Response<Bytes>, Error> {
        self.send(&request).await
    }

    /// Sends `request` within its span.
    async fn send(&self, request: &Request) -> Result<Response<Bytes>, Error> {
        let inner = &self.inner;
        let span = tracing::info_span!(
            "vendor_call",
            vendor = inner.vendor.name,
            operation = request.operation,
            method = %request.method,
            path = request.template,
            status = tracing::field::Empty,
            attempts = tracing::field::Empty,
        );
        self.run(request).instrument(span).await
    }

    async fn run(&self, request: &Request) -> Result<Response<Bytes>, Error> {
        let inner = &self.inner;
        let invalid = |what: String| {
            Error::InvalidRequest(format!(
                "{} {}: {what}",
                inner.vendor.name, request.operation
            ))
        };
        let path = request.render_path().map_err(|_| {
            invalid(format!(
                "path parameters do not fill `{}`",
                request.template
            ))
        })?;
        if let Some(problem) = &request.invalid_header {
            return Err(invalid(problem.clone()));
        }
        let body = match &request.body {
            Some(Ok(bytes)) => Some(Bytes::from(bytes.clone())),
            Some(Err(problem)) => {
                return Err(invalid(format!("body does not serialize: {problem}")));
            }
            None => None,
        };
        let mut url = inner.base_url.join(&path);
        if !request.query.is_empty() {
            url.query_pairs_mut().extend_pairs(&request.query);
        }
        let policy = request.retry_policy.unwrap_or(inner.retry);
        let started = tokio::time::Instant::now();
        let mut attempt = 0;
        let mut throttled = 0;
        loop {
            attempt += 1;
            if request.rate_limited {
                inner.limiter.acquire().await;
            }
            let (outcome, error) = match self
                .attempt(request, url.clone(), body.clone(), attempt)
                .await
            {
                Attempt::Success(response) => {
                    let span = tracing::Span::current();
                    span.record("status", response.status.as_u16());
                    span.record("attempts", attempt);
                    return Ok(response);
                }
                Attempt::Failed(outcome, error) => (outcome, error),
            };
            let outcome = match outcome {
                Outcome::Answered {
                    class: RetryClass::Throttle,
                    retry_after,
                } => {
                    throttled += 1;
                    Outcome::Answered {
                        class: RetryClass::Throttle,
                        retry_after: retry_after
                            .or_else(|| Some(self.throttle_wait(&policy, throttled))),
                    }
                }
                other => other,
            };
            let decision = decide(
                &policy,
                attempt - throttled,
                started.elapsed(),
                request.idempotent,
                outcome,
                rand::random::<f64>(),
            );
            match decision {
                Decision::Stop => {
                    let span = tracing::Span::current();
                    if let Some(status) = error.status() {
                        span.record("status", status.as_u16());
                    }
                    span.record("attempts", attempt);
                    return Err(error);
                }
                Decision::RetryAfter(delay) => {
                    tracing::warn!(attempt, delay_ms = delay.as_millis() as u64, error = %error, "retrying");
                    if error.is_rate_limited() && request.rate_limited {
                        // The key is throttled for every caller, not just this
                        // one: hold them all back, and let this call's next
                        // slot come from the limiter after the pause, so the
                        // wait is not served twice.
                        inner.limiter.pause_for(delay);
                    } else {
                        tokio::time::sleep(delay).await;
                    }
                }
            }
        }
    }

    /// The wait after a throttle that came without `Retry-After`: what the
    /// limiter's shape says (a bucket's refill, a window's next free slot),
    /// but never less than the growing [`throttle_backoff`].
    fn throttle_wait(&self, policy: &RetryPolicy, throttled: u32) -> Duration {
        let backoff = throttle_backoff(policy, throttled, rand::random::<f64>());
        match self.inner.limiter.throttle_hint() {
            Some(hint) => hint.max(backoff),
            None => backoff,
        }
    }

    async fn attempt(
        &self,
        request: &Request,
        url: url::Url,
        body: Option<Bytes>,
        attempt: u32,
    ) -> Attempt {
        let inner = &self.inner;
        let mut builder = inner.http.request(request.method.clone(), url);
        if let Some(headers) = &inner.per_request_headers {
            builder = builder.headers(headers.clone());
        }
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        if let Some(body) = body {
            builder = builder.header(CONTENT_TYPE, "application/json").body(body);
        }
        if let Some(timeout) = request.timeout.or(inner.timeouts.request) {
            builder = builder.timeout(timeout);
        }
        let transport_failure = |error: reqwest::Error| {
            let kind = if error.is_connect() {
                TransportErrorKind::Connect
            } else if error.is_timeout() {
                TransportErrorKind::Timeout
            } else {
                TransportErrorKind::Dropped
            };
            let error =
                TransportError::new(inner.vendor.name, request.operation, kind, attempt, error);
            Attempt::Failed(Outcome::Transport(kind), Error::Transport(Box::new(error)))
        };
        let mut response = match builder.send().await {
            Ok(response) => response,
            Err(error) => return transport_failure(error),
        };
        let status = response.status();
        // Taken, not copied: reading the body needs no headers.
        let headers = std::mem::take(response.headers_mut());
        let too_large = || {
            let error = Error::ResponseTooLarge {
                vendor: inner.vendor.name,
                operation: request.operation,
                limit: inner.max_response_bytes,
            };
            Attempt::Failed(
                Outcome::Answered {
                    class: RetryClass::Fatal,
                    retry_after: None,
                },
                error,
            )
        };
        let limit = inner.max_response_bytes;
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return too_large();
        }
        // Read chunk by chunk, so a body larger than announced (or not
        // announced) is cut at the limit instead of filling memory.
        let mut chunks = Vec::new();
        let mut read = 0;
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) if read + chunk.len() > limit => return too_large(),
                Ok(Some(chunk)) => {
                    read += chunk.len();
                    chunks.push(chunk);
                }
                Ok(None) => break,
                Err(error) => return transport_failure(error),
            }
        }
        let body = join_chunks(chunks, read);
        if let Some(remaining) = inner
            .remaining_header
            .as_ref()
            .and_then(|name| headers.get(name))
            .and_then(|value| value.to_str().ok())
            .and_then(|value| value.trim().parse::<u64>().ok())
        {
            inner.limiter.observe_remaining(remaining);
        }
        let request_id = inner
            .request_id_header
            .as_ref()
            .and_then(|name| headers.get(name))
            .and_then(|value| value.to_str().ok())
            .map(str::to_owned);
        let parts = ResponseParts::new(status, &headers, &body);
        match inner.classifier.classify(&parts) {
            Classification::Success => Attempt::Success(Response {
                body,
                status,
                headers,
                request_id,
                attempts: attempt,
            }),
            Classification::Failure(failure) => {
                let outcome = Outcome::Answered {
                    class: failure.retry,
                    retry_after: failure.retry_after,
                };
                let error = ApiError {
                    vendor: inner.vendor.name,
                    operation: request.operation,
                    status: Some(status),
                    code: failure.code,
                    message: failure.message,
                    request_id,
                    body_excerpt: excerpt(&body),
                    body: body.clone(),
                    retry: failure.retry,
                    retry_after: failure.retry_after,
                };
                Attempt::Failed(outcome, Error::Api(Box::new(error)))
            }
        }
    }
}

/// The body from its chunks: a lone chunk as it is, several copied once
/// into a buffer of their total length `len`.
fn join_chunks(mut chunks: Vec<Bytes>, len: usize) -> Bytes {
    if chunks.len() <= 1 {
        return chunks.pop().unwrap_or_default();
    }
    let mut body = bytes::BytesMut::with_capacity(len);
    for chunk in &chunks {
        body.extend_from_slice(chunk);
    }
    body.freeze()
}

/// Whether a body that did not decode was cut short rather than wrong:
/// empty, or valid JSON as far as it goes but ending too early.
fn is_cut_short(body: &[u8]) -> bool {
    if body.iter().all(u8::is_ascii_whitespace) {
        return true;
    }
    match serde_json::from_slice::<serde::de::IgnoredAny>(body) {
        Ok(_) => false,
        Err(e) => e.classify() == serde_json::error::Category::Eof,
    }
}

/// Decodes an answer: a 204 says there is no content, so it reads as JSON
/// `null` (an `Option` is `None`); any other status as [`decode`] reads it.
fn decode_answer<T: DeserializeOwned>(
    status: StatusCode,
    body: &[u8],
) -> Result<T, (String, String)> {
    if status == StatusCode::NO_CONTENT {
        return decode(b"null");
    }
    decode(body)
}

/// Decodes JSON, giving `(path, message)` on failure. A blank body is
/// accepted only by targets that expect no value (see [`BlankBody`]).
///
/// Path tracking costs about half again the decode time, so the fast
/// decoder goes first and `serde_path_to_error` only runs again on a body
/// that failed, to name the path.
pub(crate) fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, (String, String)> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return T::deserialize(BlankBody).map_err(|e| (".".to_owned(), e.to_string()));
    }
    serde_json::from_slice(body).or_else(|_| {
        let mut deserializer = serde_json::Deserializer::from_slice(body);
        serde_path_to_error::deserialize(&mut deserializer)
            .map_err(|e| (e.path().to_string(), e.inner().to_string()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunks_join_into_one_body() {
        assert_eq!(join_chunks(Vec::new(), 0), Bytes::new());
        let lone = Bytes::from_static(b"{\"a\":1}");
        let joined = join_chunks(vec![lone.clone()], lone.len());
        assert_eq!(joined, lone);
        assert_eq!(joined.as_ptr(), lone.as_ptr(), "a lone chunk is not copied");
        let parts = vec![Bytes::from_static(b"{\"a\""), Bytes::from_static(b":1}")];
        assert_eq!(join_chunks(parts, 7), Bytes::from_static(b"{\"a\":1}"));
    }
}

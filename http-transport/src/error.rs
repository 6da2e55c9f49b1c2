//! The error type every client reuses: what went wrong, where, and whether
//! trying again can help.

use std::fmt;
use std::time::Duration;

use bytes::Bytes;
use reqwest::StatusCode;

use crate::classify::RetryClass;

/// How much of a response body an error keeps, in bytes.
pub const BODY_EXCERPT_LIMIT: usize = 2048;

/// A failed call to a vendor API.
///
/// Every variant says which vendor and operation failed, so `Display` is one
/// line a person can act on, e.g.
/// `cloudx get_ticket: HTTP 404 Not Found (code 41): no ticket WHRTN1 [request id abc]`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The vendor answered and said no: a non-2xx status, or a 2xx whose body
    /// the vendor's classifier recognised as an error.
    #[error(transparent)]
    Api(Box<ApiError>),
    /// No usable answer arrived: connecting failed, the call timed out or the
    /// connection dropped.
    #[error(transparent)]
    Transport(Box<TransportError>),
    /// The vendor answered with a success whose body did not match the
    /// expected shape.
    #[error(transparent)]
    Decode(Box<DecodeError>),
    /// The request could not be built (for example its body did not
    /// serialize); nothing was sent.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
    /// The answer's body was larger than the transport reads
    /// ([`TransportBuilder::max_response_bytes`](crate::TransportBuilder::max_response_bytes));
    /// reading stopped at the limit. Not retried: the same call would send
    /// the same body.
    #[error(
        "{vendor} {operation}: the answer is larger than {limit} bytes, the most this client reads"
    )]
    ResponseTooLarge {
        /// Vendor name.
        vendor: &'static str,
        /// Operation name.
        operation: &'static str,
        /// The limit in force, in bytes.
        limit: usize,
    },
}

impl Error {
    /// The HTTP status of the vendor's answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => e.status,
            Error::Decode(e) => Some(e.status),
            Error::Transport(_) | Error::InvalidRequest(_) | Error::ResponseTooLarge { .. } => None,
        }
    }

    /// Whether trying the same call again later may succeed: throttles,
    /// retryable vendor errors, timeouts and connection failures.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.retry != RetryClass::Fatal,
            Error::Transport(_) => true,
            Error::Decode(_) | Error::InvalidRequest(_) | Error::ResponseTooLarge { .. } => false,
        }
    }

    /// Whether the call ran out of time (connect or whole-request timeout).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Transport(e) if e.kind == TransportErrorKind::Timeout)
    }

    /// Whether the vendor answered 404.
    pub fn is_not_found(&self) -> bool {
        self.status() == Some(StatusCode::NOT_FOUND)
    }

    /// Whether the vendor refused the credentials: HTTP 401 (missing or wrong)
    /// or 403 (valid but without the permission the call needs). A client
    /// whose vendor uses 403 for something else says so on its own `Error`.
    pub fn is_unauthorized(&self) -> bool {
        matches!(
            self.status(),
            Some(StatusCode::UNAUTHORIZED | StatusCode::FORBIDDEN)
        )
    }

    /// Whether a success answer's body did not match the expected shape (not
    /// JSON at all, cut off, or a field of the wrong type); see
    /// [`DecodeError::path`].
    pub fn is_decode(&self) -> bool {
        matches!(self, Error::Decode(_))
    }

    /// Whether the answer was larger than the client reads
    /// ([`Error::ResponseTooLarge`]).
    pub fn is_too_large(&self) -> bool {
        matches!(self, Error::ResponseTooLarge { .. })
    }

    /// Whether no usable answer arrived (connect failure, timeout, dropped
    /// connection); see [`TransportError::was_sent`].
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Transport(_))
    }

    /// Whether the vendor throttled the call (429 or a vendor throttle signal
    /// such as CartRover's `RateLimit` on a 200).
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::Api(e) if e.retry == RetryClass::Throttle)
    }

    /// The vendor's request id header of the failed answer, if any.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.request_id.as_deref(),
            Error::Decode(e) => e.request_id.as_deref(),
            Error::Transport(_) | Error::InvalidRequest(_) | Error::ResponseTooLarge { .. } => None,
        }
    }

    /// The vendor's error code, if the answer carried one.
    pub fn code(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.code.as_deref(),
            _ => None,
        }
    }

    /// The vendor's error message, if the answer carried one.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.message.as_deref(),
            _ => None,
        }
    }

    /// The first [`BODY_EXCERPT_LIMIT`] bytes of the answer's body, if any.
    pub fn body_excerpt(&self) -> Option<&str> {
        match self {
            Error::Api(e) => Some(&e.body_excerpt),
            Error::Decode(e) => Some(&e.body_excerpt),
            _ => None,
        }
    }

    /// The API error, when the vendor answered with one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }
}

/// The vendor answered with an error.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ApiError {
    /// Vendor name, e.g. `loop`.
    pub vendor: &'static str,
    /// Operation name, e.g. `process_return`.
    pub operation: &'static str,
    /// HTTP status; always present for answers received over HTTP.
    pub status: Option<StatusCode>,
    /// Vendor error code (`UNPROCESSABLE_RETURN`, `RateLimit`, `83`, …).
    pub code: Option<String>,
    /// Vendor error message.
    pub message: Option<String>,
    /// Value of the vendor's request id header.
    pub request_id: Option<String>,
    /// The first [`BODY_EXCERPT_LIMIT`] bytes of the body, lossily decoded.
    pub body_excerpt: String,
    /// The whole body, as received, for clients that read a vendor's full
    /// refusal (for example one error per rejected line) rather than the
    /// excerpt kept for messages.
    pub body: Bytes,
    /// Whether and how the call may be retried.
    pub retry: RetryClass,
    /// How long the vendor asked us to wait, if it said.
    pub retry_after: Option<Duration>,
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}: ", self.vendor, self.operation)?;
        match self.status {
            Some(status) => write!(f, "HTTP {status}")?,
            None => f.write_str("error")?,
        }
        if let Some(code) = &self.code {
            write!(f, " ({code})")?;
        }
        match (&self.message, self.body_excerpt.is_empty()) {
            (Some(message), _) => write!(f, ": {message}")?,
            (None, false) => write!(f, ": {}", one_line(&self.body_excerpt, 200))?,
            (None, true) => f.write_str(": empty body")?,
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for ApiError {}

/// What kind of transport failure happened.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TransportErrorKind {
    /// The connection could not be opened; the request was never sent.
    Connect,
    /// The connect or whole-request timeout elapsed.
    Timeout,
    /// The connection failed after the request may have been sent, or the
    /// response body could not be read.
    Dropped,
}

/// No usable answer arrived.
#[derive(Debug)]
#[non_exhaustive]
pub struct TransportError {
    /// Vendor name.
    pub vendor: &'static str,
    /// Operation name.
    pub operation: &'static str,
    /// What kind of failure.
    pub kind: TransportErrorKind,
    /// How many attempts were made.
    pub attempts: u32,
    source: reqwest::Error,
}

impl TransportError {
    pub(crate) fn new(
        vendor: &'static str,
        operation: &'static str,
        kind: TransportErrorKind,
        attempts: u32,
        source: reqwest::Error,
    ) -> Self {
        Self {
            vendor,
            operation,
            kind,
            attempts,
            source: source.without_url(),
        }
    }

    /// Whether the request may have reached the vendor (false only when the
    /// connection was never opened). A create that may have been sent must be
    /// reconciled before it is repeated.
    pub fn was_sent(&self) -> bool {
        self.kind != TransportErrorKind::Connect
    }
}

impl fmt::Display for TransportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Timeout => "timed out",
            TransportErrorKind::Dropped => "connection failed before a full answer arrived",
        };
        write!(
            f,
            "{} {}: {what} after {} attempt(s)",
            self.vendor, self.operation, self.attempts
        )
    }
}

impl std::error::Error for TransportError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// A success answer whose body did not match the expected shape.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct DecodeError {
    /// Vendor name.
    pub vendor: &'static str,
    /// Operation name.
    pub operation: &'static str,
    /// HTTP status of the answer.
    pub status: StatusCode,
    /// JSON path of the failure, e.g. `returns[3].id` (`.` for the root).
    pub path: String,
    /// What serde said.
    pub message: String,
    /// Value of the vendor's request id header.
    pub request_id: Option<String>,
    /// The first [`BODY_EXCERPT_LIMIT`] bytes of the body.
    pub body_excerpt: String,
}

impl DecodeError {
    /// JSON path of the failure, e.g. `returns[3].id`.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}: unexpected response body at `{}`: {}",
            self.vendor, self.operation, self.path, self.message
        )?;
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        Ok(())
    }
}

impl std::error::Error for DecodeError {}

/// A client could not be configured.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The base URL is not an absolute `http`/`https` URL.
    #[error("invalid base URL `{url}`: {reason}")]
    InvalidBaseUrl {
        /// The URL as given.
        url: String,
        /// Why it was rejected.
        reason: String,
    },
    /// A header name or value (user agent, API key header) is not valid HTTP.
    #[error("invalid header `{name}`: {reason}")]
    InvalidHeader {
        /// The header name.
        name: String,
        /// Why it was rejected (never contains the secret).
        reason: String,
    },
    /// A required setting was not given, or given empty.
    #[error("missing setting `{0}`: not given or empty")]
    Missing(&'static str),
    /// The HTTP client could not be built.
    #[error("could not build the HTTP client: {0}")]
    HttpClient(String),
}

/// Refuses an empty (or all-whitespace) credential, naming its setting, so a
/// client's `build()` fails before any call is sent with it.
///
/// ```
/// use http_transport::{ConfigError, require_credential};
///
/// assert_eq!(require_credential("api_key", " "), Err(ConfigError::Missing("api_key")));
/// assert!(require_credential("api_key", "k-123").is_ok());
/// ```
pub fn require_credential(setting: &'static str, value: &str) -> Result<(), ConfigError> {
    if value.trim().is_empty() {
        Err(ConfigError::Missing(setting))
    } else {
        Ok(())
    }
}

/// The first [`BODY_EXCERPT_LIMIT`] bytes of a body, lossily decoded.
pub(crate) fn excerpt(body: &[u8]) -> String {
    let cut = body.len().min(BODY_EXCERPT_LIMIT);
    String::from_utf8_lossy(&body[..cut]).into_owned()
}

/// Collapses whitespace so an HTML page fits on one line, cut at `max` chars.
fn one_line(text: &str, max: usize) -> String {
    let mut out = String::new();
    for word in text.split_whitespace() {
        if out.chars().count() >= max {
            out.push('…');
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

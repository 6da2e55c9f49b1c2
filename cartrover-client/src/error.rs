//! The crate's one error type: CartRover's own refusals in typed form, over
//! the shared transport error for everything else.

use std::fmt;

use http_transport::StatusCode;

use crate::envelope::{EnvelopeHead, ErrorCode};
use crate::types::CustRef;
use crate::validate::MissingFields;

/// A failed CartRover call.
///
/// `Display` is one line a person can act on, with CartRover's
/// `X-CartRover-Process-ID` when there is one (support asks for it). The API
/// key never appears in it, nor in `Debug`.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The order was checked before sending and lacks required fields;
    /// nothing was sent.
    #[error(transparent)]
    Validation(#[from] MissingFields),

    /// CartRover answered with an error: `success_code: false` (usually on
    /// HTTP 200) or a non-2xx status.
    #[error(transparent)]
    Api(Box<ApiError>),

    /// The cancel call succeeded but CartRover did not cancel the order
    /// (`response.success: false`, e.g. the order already went to the
    /// warehouse).
    #[error("cartrover did not cancel order {cust_ref}: {}{}", .message.as_deref().unwrap_or("no reason given"), ProcessIdSuffix(.process_id.as_deref()))]
    CancelRefused {
        /// The order.
        cust_ref: CustRef,
        /// CartRover's reason.
        message: Option<String>,
        /// `X-CartRover-Process-ID` of the answer.
        process_id: Option<String>,
    },

    /// A successful answer lacked the `response` member the operation reads.
    #[error("cartrover {operation}: success without a `response` member{}", ProcessIdSuffix(.process_id.as_deref()))]
    MissingResponse {
        /// The operation.
        operation: &'static str,
        /// `X-CartRover-Process-ID` of the answer.
        process_id: Option<String>,
    },

    /// No usable answer arrived (connect failure, timeout, dropped
    /// connection), the body did not decode (the error names the JSON path),
    /// or the request could not be built. See [`http_transport::Error`].
    #[error(transparent)]
    Http(http_transport::Error),

    /// The client could not be configured (e.g. an invalid base URL, or an
    /// empty `api_user` / `api_key`: [`ConfigError::Missing`](http_transport::ConfigError::Missing)
    /// names the setting).
    #[error("cartrover client configuration: {0}")]
    Config(#[from] http_transport::ConfigError),

    /// A list stopped advancing: page `page` came back with exactly the rows
    /// of page `previous` (CartRover ignoring the page number, or a proxy
    /// caching the answer). Yielded where it is detected instead of ending
    /// the stream `Ok` with rows silently missing.
    #[error(
        "cartrover {operation}: page {page} repeated the rows of page {previous}; the list is not advancing"
    )]
    Pagination {
        /// The list operation, e.g. `list_orders`.
        operation: &'static str,
        /// The page that repeated.
        page: u32,
        /// The page it repeated.
        previous: u32,
    },

    /// A stream read its maximum number of pages
    /// ([`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages),
    /// default [`DEFAULT_MAX_PAGES`](crate::DEFAULT_MAX_PAGES)) and the last
    /// page was still full: the list does not end, or is longer than the
    /// limit allows. Yielded after the last page read, instead of reading on
    /// until memory runs out. [`Error::is_pagination`] is true.
    #[error(
        "cartrover {operation}: more than {limit} pages; stopped reading (the list does not end, or max_pages is too low)"
    )]
    TooManyPages {
        /// The list operation, e.g. `list_orders`.
        operation: &'static str,
        /// The page limit that was reached.
        limit: usize,
    },

    /// [`create_order`](crate::CartApi::create_order) failed in a way that
    /// may have created the order, and looking the order up failed too: it is
    /// unknown whether the order exists. Look it up later before creating it
    /// again.
    #[error(
        "cartrover create_order {cust_ref}: unknown whether the order was created ({create}); the lookup failed: {lookup}"
    )]
    CreateOutcomeUnknown {
        /// The order.
        cust_ref: CustRef,
        /// The ambiguous failure of the create.
        create: Box<Error>,
        /// Why the lookup failed.
        lookup: Box<Error>,
    },
}

/// CartRover said no.
///
/// The typed [`code`](Self::code) comes from the envelope's `error_code`; a
/// non-2xx answer without an envelope has none. The underlying
/// [`http_transport::Error`] is the [`source`](std::error::Error::source).
#[derive(Debug)]
pub struct ApiError {
    code: Option<ErrorCode>,
    message: Option<String>,
    error_response: Option<serde_json::Value>,
    source: http_transport::Error,
}

impl ApiError {
    fn new(source: http_transport::Error) -> Self {
        let api = source.as_api();
        let head = api.and_then(|a| EnvelopeHead::parse(a.body_excerpt.as_bytes()));
        Self {
            code: source.code().map(ErrorCode::parse),
            message: source.message().map(str::to_owned),
            error_response: head.and_then(|h| h.error_response),
            source,
        }
    }

    /// The envelope's `error_code`: `Invalid`, `Failure`, `RateLimit`, or an
    /// unknown code kept verbatim.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.code.as_ref()
    }

    /// CartRover's message (`message`, or the legacy `status_message`).
    pub fn message(&self) -> Option<&str> {
        self.message.as_deref()
    }

    /// The `X-CartRover-Process-ID` of the answer.
    pub fn process_id(&self) -> Option<&str> {
        self.source.request_id()
    }

    /// The HTTP status; usually 200, since CartRover reports errors in the body.
    pub fn status(&self) -> Option<StatusCode> {
        self.source.status()
    }

    /// The optional `error_response` member, as raw JSON (observed in the
    /// official PHP client only). Available when the body fits the transport's
    /// excerpt of [`http_transport::BODY_EXCERPT_LIMIT`] bytes.
    pub fn error_response(&self) -> Option<&serde_json::Value> {
        self.error_response.as_ref()
    }

    /// The operation that failed, e.g. `get_order`.
    pub fn operation(&self) -> &'static str {
        self.source.as_api().map_or("call", |a| a.operation)
    }

    /// The first bytes of the raw body.
    pub fn body_excerpt(&self) -> Option<&str> {
        self.source.body_excerpt()
    }

    /// The transport-level error underneath.
    pub fn transport_error(&self) -> &http_transport::Error {
        &self.source
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "cartrover {}: ", self.operation())?;
        match &self.code {
            Some(code) => write!(f, "{code}")?,
            None => f.write_str("error")?,
        }
        if let Some(status) = self.status().filter(|s| *s != StatusCode::OK) {
            write!(f, " (HTTP {status})")?;
        }
        match (&self.message, self.body_excerpt()) {
            (Some(message), _) => write!(f, ": {message}")?,
            (None, Some(body)) if !body.trim().is_empty() => {
                let body: String = body.split_whitespace().collect::<Vec<_>>().join(" ");
                let cut: String = body.chars().take(200).collect();
                write!(f, ": {cut}")?;
            }
            _ => {}
        }
        ProcessIdSuffix(self.process_id()).fmt(f)
    }
}

impl std::error::Error for ApiError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// ` [process id X]`, or nothing.
struct ProcessIdSuffix<'a>(Option<&'a str>);

impl fmt::Display for ProcessIdSuffix<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0 {
            Some(id) => write!(f, " [process id {id}]"),
            None => Ok(()),
        }
    }
}

impl From<http_transport::Error> for Error {
    fn from(error: http_transport::Error) -> Self {
        if error.as_api().is_some() {
            Error::Api(Box::new(ApiError::new(error)))
        } else {
            Error::Http(error)
        }
    }
}

impl Error {
    /// The API error, when CartRover answered with one.
    pub fn as_api(&self) -> Option<&ApiError> {
        match self {
            Error::Api(e) => Some(e),
            _ => None,
        }
    }

    /// The envelope's `error_code`, when CartRover answered with one.
    pub fn code(&self) -> Option<&ErrorCode> {
        self.as_api().and_then(ApiError::code)
    }

    /// CartRover's message, when it gave one.
    pub fn message(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.message(),
            Error::CancelRefused { message, .. } => message.as_deref(),
            _ => None,
        }
    }

    /// The `X-CartRover-Process-ID` of the answer, when there was one.
    pub fn process_id(&self) -> Option<&str> {
        match self {
            Error::Api(e) => e.process_id(),
            Error::CancelRefused { process_id, .. } | Error::MissingResponse { process_id, .. } => {
                process_id.as_deref()
            }
            Error::Http(e) => e.request_id(),
            Error::CreateOutcomeUnknown { create, .. } => create.process_id(),
            Error::Validation(_)
            | Error::Config(_)
            | Error::Pagination { .. }
            | Error::TooManyPages { .. } => None,
        }
    }

    /// The HTTP-level error underneath, when the failure came from the
    /// transport (no answer, an undecodable answer, an HTTP error status).
    pub fn as_http(&self) -> Option<&http_transport::Error> {
        match self {
            Error::Http(e) => Some(e),
            Error::Api(e) => Some(e.transport_error()),
            _ => None,
        }
    }

    /// Whether a list stopped advancing ([`Error::Pagination`]) or reached
    /// its page limit ([`Error::TooManyPages`]).
    pub fn is_pagination(&self) -> bool {
        matches!(self, Error::Pagination { .. } | Error::TooManyPages { .. })
    }

    /// The HTTP status of the answer, when there was one.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Api(e) => e.status(),
            Error::Http(e) => e.status(),
            _ => None,
        }
    }

    /// Whether CartRover throttled the call (`RateLimit`, or HTTP 429) and the client's retries ran out.
    pub fn is_rate_limited(&self) -> bool {
        matches!(self, Error::Api(e) if e.source.is_rate_limited())
    }

    /// Whether the same call may succeed later: throttles, 5xx, timeouts and connection failures (`Invalid` and `Failure` are final).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::Api(e) => e.source.is_retryable(),
            Error::Http(e) => e.is_retryable(),
            _ => false,
        }
    }

    /// Whether the call timed out (connect or whole-request timeout).
    pub fn is_timeout(&self) -> bool {
        matches!(self, Error::Http(e) if e.is_timeout())
    }

    /// Whether no usable answer arrived (connect failure, timeout, dropped connection).
    pub fn is_transport(&self) -> bool {
        matches!(self, Error::Http(e) if e.is_transport())
    }

    /// Whether the answer was larger than the client reads (see the
    /// builder's `max_response_bytes`).
    pub fn is_too_large(&self) -> bool {
        self.as_http()
            .is_some_and(http_transport::Error::is_too_large)
    }

    /// Whether a 2xx answer's body was not the expected JSON (not JSON, cut off, wrong shape); the error names the JSON path.
    pub fn is_decode(&self) -> bool {
        matches!(self, Error::Http(e) if e.is_decode())
    }

    /// Whether the order, SKU or path does not exist: HTTP 404, or an `Invalid` envelope saying "not found".
    pub fn is_not_found(&self) -> bool {
        match self {
            Error::Api(e) => {
                e.source.is_not_found()
                    || (e.code == Some(ErrorCode::Invalid)
                        && !e.is_credentials_refusal()
                        && e.message.as_deref().is_some_and(says_not_found))
            }
            _ => false,
        }
    }

    /// Whether CartRover refused the credentials: HTTP 401/403, or an error envelope (on any status, 200 included) about the API credentials.
    pub fn is_unauthorized(&self) -> bool {
        match self {
            Error::Api(e) => e.source.is_unauthorized() || e.is_credentials_refusal(),
            _ => false,
        }
    }

    /// Whether CartRover refused an order as a duplicate of an existing one (`Failure` "Duplicate order…", `OrderDuplicate`).
    pub fn is_duplicate(&self) -> bool {
        matches!(self, Error::Api(e) if e.is_duplicate())
    }
}

/// Whether an error message says the thing asked for does not exist.
fn says_not_found(message: &str) -> bool {
    let message = message.to_ascii_lowercase();
    [
        "not found",
        "does not exist",
        "doesn't exist",
        "no such",
        "unknown order",
        "unknown sku",
    ]
    .iter()
    .any(|needle| message.contains(needle))
}

/// Whether an error message (or code) is about the API credentials.
///
/// CartRover does not document the answer to bad credentials (spec §2.3,
/// §13 Q6): it may be HTTP 401 or an `Invalid` envelope on HTTP 200, with a
/// message such as `Invalid API credentials`, `Missing API credentials (HTTP
/// Basic auth)`, `Malformed Authorization header…` or `These cart-level API
/// credentials cannot call this endpoint`. Every such wording is accepted.
fn says_credentials(text: &str) -> bool {
    let text = text.to_ascii_lowercase();
    [
        "credential",
        "api key",
        "api_key",
        "apikey",
        "api user",
        "api_user",
        "authoriz",
        "authenticat",
        "auth failed",
    ]
    .iter()
    .any(|needle| text.contains(needle))
}

impl ApiError {
    /// Whether this refusal is about the API credentials (see [`says_credentials`]).
    fn is_credentials_refusal(&self) -> bool {
        let code_says = match &self.code {
            Some(ErrorCode::Unknown(raw)) => {
                let raw = raw.to_ascii_lowercase();
                raw.contains("auth") || raw.contains("credential")
            }
            _ => false,
        };
        code_says
            || (self
                .code
                .as_ref()
                .is_none_or(|c| *c != ErrorCode::RateLimit)
                && self.message.as_deref().is_some_and(says_credentials))
    }

    /// Whether CartRover refused an order as a duplicate.
    fn is_duplicate(&self) -> bool {
        self.code != Some(ErrorCode::RateLimit)
            && self.message.as_deref().is_some_and(|m| {
                let m = m.to_ascii_lowercase();
                m.contains("duplicate") || m.contains("already exist")
            })
    }
}

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

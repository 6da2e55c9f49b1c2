//! A successful answer with CartRover's metadata.

use http_transport::header::{HeaderMap, HeaderName};

/// The `X-CartRover-Process-ID` header: CartRover's id of the call, which
/// support asks for.
pub const PROCESS_ID_HEADER: &str = "x-cartrover-process-id";

/// The `X-CartRover-Api-Minute-Hits-Remaining` header: calls left in the
/// bucket, on rate-limited endpoints.
pub const HITS_REMAINING_HEADER: &str = "x-cartrover-api-minute-hits-remaining";

/// The `total-records` header seen on list answers in one client (unconfirmed).
pub const TOTAL_RECORDS_HEADER: &str = "total-records";

/// A successful call's result, with the answer's metadata.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Reply<T> {
    /// The result.
    pub value: T,
    /// `X-CartRover-Process-ID` of the answer.
    pub process_id: Option<String>,
    /// `X-CartRover-Api-Minute-Hits-Remaining`: calls left before the
    /// rate limit (absent on order creation, which is not limited).
    pub hits_remaining: Option<u32>,
    /// Attempts the call took (more than 1 after a throttle or a retried
    /// transient failure).
    pub attempts: u32,
}

impl<T> Reply<T> {
    /// A reply without metadata, e.g. for a mock implementation of the API
    /// traits.
    pub fn new(value: T) -> Self {
        Self {
            value,
            process_id: None,
            hits_remaining: None,
            attempts: 1,
        }
    }

    /// Sets the process id.
    pub fn with_process_id(mut self, process_id: impl Into<String>) -> Self {
        self.process_id = Some(process_id.into());
        self
    }

    /// The result, dropping the metadata.
    pub fn into_inner(self) -> T {
        self.value
    }

    /// Keeps the metadata and transforms the result.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Reply<U> {
        Reply {
            value: f(self.value),
            process_id: self.process_id,
            hits_remaining: self.hits_remaining,
            attempts: self.attempts,
        }
    }
}

/// [`HITS_REMAINING_HEADER`] as a parsed name: a lookup by `&str` parses and
/// validates the name again on every call.
pub(crate) const HITS_REMAINING: HeaderName = HeaderName::from_static(HITS_REMAINING_HEADER);

/// [`TOTAL_RECORDS_HEADER`] as a parsed name.
pub(crate) const TOTAL_RECORDS: HeaderName = HeaderName::from_static(TOTAL_RECORDS_HEADER);

/// A header's value as a number, if present and numeric.
pub(crate) fn header_number<N: std::str::FromStr>(
    headers: &HeaderMap,
    name: &HeaderName,
) -> Option<N> {
    headers.get(name)?.to_str().ok()?.trim().parse().ok()
}

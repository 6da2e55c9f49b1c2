//! Deciding whether an answer is a success or a vendor error, before decoding.
//!
//! Vendors do not all use HTTP statuses honestly: CartRover answers
//! `success_code: false` with HTTP 200, Loop can put an `errors` object in a
//! 200. Each client plugs a [`Classifier`] into its transport for that.

use std::fmt::Debug;
use std::time::{Duration, SystemTime};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, RETRY_AFTER};

use crate::retry::parse_retry_after;

/// A received answer, as the classifier sees it.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub struct ResponseParts<'a> {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers.
    pub headers: &'a HeaderMap,
    /// The whole body.
    pub body: &'a [u8],
}

impl<'a> ResponseParts<'a> {
    /// Bundles the parts of an answer (useful in classifier tests).
    pub fn new(status: StatusCode, headers: &'a HeaderMap, body: &'a [u8]) -> Self {
        Self {
            status,
            headers,
            body,
        }
    }

    /// The `Retry-After` header as a delay from now, if present and valid.
    pub fn retry_after(&self) -> Option<Duration> {
        let value = self.headers.get(RETRY_AFTER)?.to_str().ok()?;
        parse_retry_after(value, SystemTime::now())
    }
}

/// Whether a failed call may be tried again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum RetryClass {
    /// Trying again will not help (validation, auth, not found, …).
    Fatal,
    /// A transient failure (5xx, 408): idempotent calls are retried.
    Retryable,
    /// The vendor throttled the call: wait, then retry.
    Throttle,
}

/// The vendor's verdict on one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Classification {
    /// Decode the body as the expected type.
    Success,
    /// The vendor said no.
    Failure(ApiFailure),
}

/// What a classifier extracted from an error answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ApiFailure {
    /// Vendor error code.
    pub code: Option<String>,
    /// Vendor error message.
    pub message: Option<String>,
    /// Whether the call may be retried.
    pub retry: RetryClass,
    /// How long the vendor asked us to wait.
    pub retry_after: Option<Duration>,
}

impl ApiFailure {
    /// A failure of the given retry class, without code or message.
    pub fn new(retry: RetryClass) -> Self {
        Self {
            code: None,
            message: None,
            retry,
            retry_after: None,
        }
    }

    /// Sets the vendor error code.
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// Sets the vendor error message.
    pub fn message(mut self, message: impl Into<String>) -> Self {
        self.message = Some(message.into());
        self
    }

    /// Sets the delay the vendor asked for.
    pub fn retry_after(mut self, delay: Option<Duration>) -> Self {
        self.retry_after = delay;
        self
    }
}

/// A vendor's rule for telling success from failure.
pub trait Classifier: Send + Sync + Debug + 'static {
    /// Classifies one answer. Called for every answer, whatever its status.
    fn classify(&self, response: &ResponseParts<'_>) -> Classification;
}

/// HTTP semantics only: 2xx succeed; 408 and 5xx are retryable, 429 a
/// throttle, every other status fatal. The message comes from the usual JSON
/// keys (`message`, `error`, `error_description`, `errors[0].message`) when
/// the body is JSON, and `Retry-After` is honoured.
#[derive(Debug, Clone, Copy, Default)]
pub struct DefaultClassifier;

impl Classifier for DefaultClassifier {
    fn classify(&self, response: &ResponseParts<'_>) -> Classification {
        let status = response.status;
        if status.is_success() {
            return Classification::Success;
        }
        let retry = match status.as_u16() {
            429 => RetryClass::Throttle,
            408 | 500..=599 => RetryClass::Retryable,
            _ => RetryClass::Fatal,
        };
        let mut failure = ApiFailure::new(retry).retry_after(response.retry_after());
        if let Ok(json) = serde_json::from_slice::<serde_json::Value>(response.body) {
            failure.message = json_message(&json);
            failure.code = json_code(&json);
        }
        Classification::Failure(failure)
    }
}

/// The first human message found under the usual keys of an error body.
pub fn json_message(json: &serde_json::Value) -> Option<String> {
    for key in ["message", "error_description", "error", "status_message"] {
        if let Some(text) = json.get(key).and_then(|v| v.as_str()) {
            return Some(text.to_owned());
        }
    }
    let first_error = match json.get("errors")? {
        serde_json::Value::Array(items) => items.first()?.clone(),
        serde_json::Value::Object(map) => map.values().next()?.clone(),
        serde_json::Value::String(text) => return Some(text.clone()),
        _ => return None,
    };
    match first_error {
        serde_json::Value::String(text) => Some(text),
        serde_json::Value::Array(items) => items.first()?.as_str().map(str::to_owned),
        other => other.get("message")?.as_str().map(str::to_owned),
    }
}

/// The error code under the usual keys (`code`, `errors[0].code`).
fn json_code(json: &serde_json::Value) -> Option<String> {
    let code = json.get("code").or_else(|| {
        json.get("errors")
            .and_then(|e| e.as_array())
            .and_then(|items| items.first())
            .and_then(|first| first.get("code"))
    })?;
    match code {
        serde_json::Value::String(text) => Some(text.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classify(status: u16, body: &str) -> Classification {
        let headers = HeaderMap::new();
        let parts = ResponseParts::new(
            StatusCode::from_u16(status).unwrap(),
            &headers,
            body.as_bytes(),
        );
        DefaultClassifier.classify(&parts)
    }

    #[test]
    fn statuses_map_to_retry_classes() {
        let table = [
            (200, None),
            (204, None),
            (400, Some(RetryClass::Fatal)),
            (401, Some(RetryClass::Fatal)),
            (404, Some(RetryClass::Fatal)),
            (408, Some(RetryClass::Retryable)),
            (422, Some(RetryClass::Fatal)),
            (429, Some(RetryClass::Throttle)),
            (500, Some(RetryClass::Retryable)),
            (503, Some(RetryClass::Retryable)),
        ];
        for (status, expected) in table {
            let got = match classify(status, "") {
                Classification::Success => None,
                Classification::Failure(f) => Some(f.retry),
            };
            assert_eq!(got, expected, "status {status}");
        }
    }

    #[test]
    fn message_and_code_come_from_common_json_shapes() {
        let cases = [
            (r#"{"message":"nope"}"#, Some("nope"), None),
            (
                r#"{"errors":[{"code":83,"message":"ItemNotFound"}]}"#,
                Some("ItemNotFound"),
                Some("83"),
            ),
            (
                r#"{"errors":{"content":["too long"]}}"#,
                Some("too long"),
                None,
            ),
            (r#"{"error":"bad","code":"E1"}"#, Some("bad"), Some("E1")),
            ("<html>502</html>", None, None),
        ];
        for (body, message, code) in cases {
            let Classification::Failure(failure) = classify(400, body) else {
                panic!("400 must fail");
            };
            assert_eq!(failure.message.as_deref(), message, "{body}");
            assert_eq!(failure.code.as_deref(), code, "{body}");
        }
    }
}

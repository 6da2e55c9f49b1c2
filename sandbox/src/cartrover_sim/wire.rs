//! CartRover's response envelope (spec §2.2) and the headers every response
//! carries (§2.5).

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::extract::{Request, State};
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// Support/correlation id header, on every response.
pub(crate) const PROCESS_ID: HeaderName = HeaderName::from_static("x-cartrover-process-id");
/// Remaining burst of the caller's leaky bucket, on rate-limited endpoints.
pub(crate) const HITS_REMAINING: HeaderName =
    HeaderName::from_static("x-cartrover-api-minute-hits-remaining");
/// Total number of rows of a list (OBSERVED in one client only).
pub(crate) const TOTAL_RECORDS: HeaderName = HeaderName::from_static("total-records");

/// The message the vendor documents for `RateLimit`.
pub(crate) const RATE_LIMIT_MESSAGE: &str = "Over API Limit. Please slow down requests.";

/// The envelope's `error_code`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ErrorCode {
    /// Invalid or missing data, unknown ids, bad credentials.
    Invalid,
    /// Hard error, e.g. a duplicate order.
    Failure,
    /// Over the leaky bucket.
    RateLimit,
}

impl ErrorCode {
    fn as_str(self) -> &'static str {
        match self {
            Self::Invalid => "Invalid",
            Self::Failure => "Failure",
            Self::RateLimit => "RateLimit",
        }
    }
}

/// An API error, answered as `{"success_code": false, "error_code", "message"}`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ApiError {
    pub(crate) code: ErrorCode,
    pub(crate) message: String,
}

impl ApiError {
    /// An `Invalid` error.
    pub(crate) fn invalid(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Invalid,
            message: message.into(),
        }
    }

    /// A `Failure` error.
    pub(crate) fn failure(message: impl Into<String>) -> Self {
        Self {
            code: ErrorCode::Failure,
            message: message.into(),
        }
    }

    fn envelope(&self) -> Value {
        json!({
            "success_code": false,
            "error_code": self.code.as_str(),
            "message": self.message,
        })
    }
}

impl fmt::Display for ApiError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code.as_str(), self.message)
    }
}

/// The body of a successful call; CartRover has three shapes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Success {
    /// `{"success_code": true, "response": …}` — most endpoints.
    Response(Value),
    /// As [`Success::Response`], with the `response` already serialized
    /// (orders are serialized straight from the store).
    Rendered(Vec<u8>),
    /// `{"success_code": true}` — update (E7), ship-method mapping (E15),
    /// inventory write (E18).
    Bare,
    /// `{"success_code": true, <fields>}` — create order (E1) puts
    /// `cust_ref`/`order_number` beside `success_code`.
    TopLevel(Map<String, Value>),
}

/// A finished answer: HTTP status, serialized JSON body and extra headers.
#[derive(Debug)]
pub(crate) struct Reply {
    status: StatusCode,
    body: Vec<u8>,
    headers: Vec<(HeaderName, HeaderValue)>,
}

/// Serializes a response payload; failing is a simulator bug, answered as a
/// `Failure` rather than a panic.
pub(crate) fn to_json_bytes(value: &impl serde::Serialize) -> Result<Vec<u8>, ApiError> {
    serde_json::to_vec(value)
        .map_err(|error| ApiError::failure(format!("Could not render the response: {error}")))
}

impl Reply {
    /// A successful envelope on 200.
    pub(crate) fn success(success: Success) -> Self {
        let body = match success {
            Success::Response(response) => json!({ "success_code": true, "response": response }),
            Success::Rendered(response) => {
                let mut body = Vec::with_capacity(response.len() + 40);
                body.extend_from_slice(br#"{"success_code":true,"response":"#);
                body.extend_from_slice(&response);
                body.push(b'}');
                return Self {
                    status: StatusCode::OK,
                    body,
                    headers: Vec::new(),
                };
            }
            Success::Bare => json!({ "success_code": true }),
            Success::TopLevel(mut fields) => {
                fields.insert("success_code".to_owned(), Value::Bool(true));
                Value::Object(fields)
            }
        };
        Self::with_status(StatusCode::OK, body)
    }

    /// An error envelope on 200: how CartRover answers API errors.
    pub(crate) fn error(error: &ApiError) -> Self {
        Self::with_status(StatusCode::OK, error.envelope())
    }

    /// An error envelope with a chosen HTTP status (auth failures, 404).
    pub(crate) fn error_with_status(status: StatusCode, error: &ApiError) -> Self {
        Self::with_status(status, error.envelope())
    }

    /// `Ok` as a success envelope, `Err` as an error envelope, both on 200.
    pub(crate) fn from_result(result: Result<Success, ApiError>) -> Self {
        match result {
            Ok(success) => Self::success(success),
            Err(error) => Self::error(&error),
        }
    }

    /// A plain JSON body (simulator-control endpoints).
    pub(crate) fn plain_json(body: Value) -> Self {
        Self::with_status(StatusCode::OK, body)
    }

    /// Adds a header with a numeric value.
    pub(crate) fn with_number_header(mut self, name: HeaderName, value: u64) -> Self {
        self.headers.push((name, HeaderValue::from(value)));
        self
    }

    fn with_status(status: StatusCode, body: Value) -> Self {
        Self {
            status,
            body: serde_json::to_vec(&body).unwrap_or_else(|_| b"{}".to_vec()),
            headers: Vec::new(),
        }
    }
}

impl IntoResponse for Reply {
    fn into_response(self) -> Response {
        let mut response = (self.status, self.body).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/json"),
        );
        for (name, value) in self.headers {
            headers.insert(name, value);
        }
        response
    }
}

/// Source of fresh `X-CartRover-Process-ID` values: a per-simulator prefix
/// (so two simulators in one test never collide) and a counter.
#[derive(Debug)]
pub(crate) struct ProcessIds {
    prefix: u32,
    next: AtomicU64,
}

impl ProcessIds {
    pub(crate) fn new() -> Self {
        Self {
            prefix: rand::random(),
            next: AtomicU64::new(1),
        }
    }

    fn next(&self) -> HeaderValue {
        let n = self.next.fetch_add(1, Ordering::Relaxed);
        let id = format!("{:08x}{:012x}", self.prefix, n);
        HeaderValue::from_str(&id).unwrap_or_else(|_| HeaderValue::from_static("0"))
    }
}

/// Middleware stamping a fresh process id on every response, including
/// fallbacks and auth failures.
pub(crate) async fn stamp_process_id(
    State(ids): State<Arc<ProcessIds>>,
    request: Request,
    next: Next,
) -> Response {
    let mut response = next.run(request).await;
    response.headers_mut().insert(PROCESS_ID, ids.next());
    response
}

//! The CloudX error body (`{"errors":[…]}`) and the codes the simulator uses.

use axum::Json;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Error codes found in the `code` field of CloudX error entries.
///
/// Codes 10, 41 and 83 are the ones the specification names. CloudX publishes
/// no other codes, so the rest are the simulator's own choice.
pub mod error_codes {
    /// The ticket is not in a state that allows the operation (spec: `StateError`).
    pub const STATE_ERROR: u32 = 10;
    /// No receiving ticket with that id (spec: `InvalidAsnError`).
    pub const INVALID_ASN: u32 = 41;
    /// A line's SKU or UPC is not in the item master (spec: `ItemNotFound`).
    pub const ITEM_NOT_FOUND: u32 = 83;
    /// Missing or wrong bearer credentials (simulator's choice).
    pub const AUTHENTICATION: u32 = 1;
    /// Too many requests; see the `Retry-After` header (simulator's choice).
    pub const RATE_LIMITED: u32 = 2;
    /// A request field, query parameter or body is invalid (simulator's choice).
    pub const VALIDATION: u32 = 20;
    /// The `reference_number` is already used by another ticket (simulator's choice).
    pub const DUPLICATE_REFERENCE: u32 = 21;
    /// No such route, or a method the route does not have (simulator's choice).
    pub const NO_ROUTE: u32 = 40;
}

/// One invalid field: its JSON path (e.g. `lines[0].upc`) and what is wrong.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub(crate) field: String,
    pub(crate) message: String,
}

impl FieldError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self {
            field: field.into(),
            message: message.into(),
        }
    }
}

#[derive(Clone, Debug, Serialize)]
struct ErrorEntry {
    code: u32,
    severity: &'static str,
    message: String,
    /// Omitted when the error is not about one field.
    #[serde(skip_serializing_if = "Option::is_none")]
    field: Option<String>,
}

#[derive(Debug, Serialize)]
struct ErrorBody {
    errors: Vec<ErrorEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    existing_id: Option<String>,
}

/// A failed API call, answered as a non-2xx status with the CloudX error body.
#[derive(Clone, Debug)]
pub(crate) struct ApiError {
    status: StatusCode,
    errors: Vec<ErrorEntry>,
    existing_id: Option<String>,
    retry_after_secs: Option<u64>,
}

impl ApiError {
    fn single(status: StatusCode, code: u32, message: String, field: Option<String>) -> Self {
        Self {
            status,
            errors: vec![ErrorEntry {
                code,
                severity: "Error",
                message,
                field,
            }],
            existing_id: None,
            retry_after_secs: None,
        }
    }

    fn per_field(status: StatusCode, code: u32, fields: Vec<FieldError>) -> Self {
        let errors = fields
            .into_iter()
            .map(|f| ErrorEntry {
                code,
                severity: "Error",
                message: f.message,
                field: Some(f.field),
            })
            .collect();
        Self {
            status,
            errors,
            existing_id: None,
            retry_after_secs: None,
        }
    }

    /// 401: missing or wrong credentials.
    pub(crate) fn unauthorized(message: &str) -> Self {
        Self::single(
            StatusCode::UNAUTHORIZED,
            error_codes::AUTHENTICATION,
            message.to_owned(),
            None,
        )
    }

    /// 429 with `Retry-After: secs`.
    pub(crate) fn rate_limited(secs: u64) -> Self {
        let mut error = Self::single(
            StatusCode::TOO_MANY_REQUESTS,
            error_codes::RATE_LIMITED,
            format!("rate limit exceeded, retry after {secs} s"),
            None,
        );
        error.retry_after_secs = Some(secs);
        error
    }

    /// 400: the body is not JSON at all.
    pub(crate) fn malformed_body(detail: &str) -> Self {
        Self::single(
            StatusCode::BAD_REQUEST,
            error_codes::VALIDATION,
            format!("request body is not valid JSON: {detail}"),
            None,
        )
    }

    /// 422: one entry per invalid field, all reported at once.
    pub(crate) fn validation(fields: Vec<FieldError>) -> Self {
        Self::per_field(
            StatusCode::UNPROCESSABLE_ENTITY,
            error_codes::VALIDATION,
            fields,
        )
    }

    /// 422 code 83: one entry per line whose SKU/UPC is not in the item master.
    pub(crate) fn items_not_found(fields: Vec<FieldError>) -> Self {
        Self::per_field(
            StatusCode::UNPROCESSABLE_ENTITY,
            error_codes::ITEM_NOT_FOUND,
            fields,
        )
    }

    /// 409 with `existing_id`: the reference number is taken.
    pub(crate) fn duplicate_reference(reference: &str, existing_id: &str) -> Self {
        let mut error = Self::single(
            StatusCode::CONFLICT,
            error_codes::DUPLICATE_REFERENCE,
            format!("reference_number {reference:?} is already used by ticket {existing_id}"),
            Some("reference_number".to_owned()),
        );
        error.existing_id = Some(existing_id.to_owned());
        error
    }

    /// 404 code 41: no ticket with this id.
    pub(crate) fn ticket_not_found(id: &str) -> Self {
        Self::single(
            StatusCode::NOT_FOUND,
            error_codes::INVALID_ASN,
            format!("Invalid ASN Ticket number: {id}"),
            None,
        )
    }

    /// 409 code 10: the ticket's status does not allow the operation.
    pub(crate) fn state(message: String) -> Self {
        Self::single(
            StatusCode::CONFLICT,
            error_codes::STATE_ERROR,
            message,
            None,
        )
    }

    /// 404 for a path the API does not have.
    pub(crate) fn no_route(method: &str, path: &str) -> Self {
        Self::single(
            StatusCode::NOT_FOUND,
            error_codes::NO_ROUTE,
            format!("no route for {method} {path}"),
            None,
        )
    }

    /// 405 for a path the API has, with another method.
    pub(crate) fn method_not_allowed(method: &str, path: &str) -> Self {
        Self::single(
            StatusCode::METHOD_NOT_ALLOWED,
            error_codes::NO_ROUTE,
            format!("{path} does not accept {method}"),
            None,
        )
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = ErrorBody {
            errors: self.errors,
            existing_id: self.existing_id,
        };
        let mut response = (self.status, Json(body)).into_response();
        let headers = response.headers_mut();
        if let Some(secs) = self.retry_after_secs {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
        }
        if self.status == StatusCode::UNAUTHORIZED {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

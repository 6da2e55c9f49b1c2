//! Every response body the simulator answers with when something is not a
//! plain success, in the shapes of spec §2.6.
//!
//! Loop's error bodies are not uniform, and the simulator keeps them so: a
//! client must classify by body, not only by status.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

/// A non-success answer of the Loop simulator.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum LoopError {
    /// 401 for a bad key or a key without the endpoint's scope:
    /// `{"error":{"code":"401","http_code":"GEN-UNAUTHORIZED","message":"Unauthorized."}}`
    /// (the only documented shape, `code` and `http_code` swapped as Loop has them).
    Unauthorized,
    /// 429 `{"message":"Too Many Attempts."}`, no headers (Loop documents none).
    RateLimited,
    /// 404 `{"errors":{"code":"NOT_FOUND","message":…}}`.
    NotFound(&'static str),
    /// 404 `{"errors":{"code":"ORDER_NOT_FOUND","message":…}}` for Get Return
    /// Details by order.
    OrderNotFound,
    /// 403 `{"errors":{"code":"NOT_FOUND","message":"Return not found."}}`:
    /// Remove Line Items answers 403 for an unknown return (spec §4.5).
    RemoveReturnNotFound,
    /// 422 `{"message":…,"errors":{field:[message]}}`, Laravel style.
    Validation {
        message: String,
        errors: Vec<(String, String)>,
    },
    /// 422 `{"errors":{"message":"Content is required and must be less than
    /// 255 characters."}}` from Create Return Note.
    InvalidNote,
    /// 422 with the body `"false"`: Get Return Notes on a return without notes.
    NoNotes,
    /// 200 `{"errors":{"message":…,"code":…}}`: a business refusal of
    /// Process, Flag or Close.
    Refused { code: &'static str, message: String },
    /// 200 `{"content":…}`: a business refusal of Cancel.
    RefusedContent(String),
}

impl LoopError {
    /// A validation error on one field.
    pub fn field(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::validation(vec![(field.into(), message.into())])
    }

    /// A validation error on several fields. The summary `message` is
    /// Laravel's: the first error, plus "(and N more errors)".
    pub fn validation(errors: Vec<(String, String)>) -> Self {
        let first = errors
            .first()
            .map_or("The given data was invalid.", |e| &e.1);
        let message = match errors.len() {
            0 | 1 => first.to_owned(),
            2 => format!("{first} (and 1 more error)"),
            n => format!("{first} (and {} more errors)", n - 1),
        };
        LoopError::Validation { message, errors }
    }
}

impl IntoResponse for LoopError {
    fn into_response(self) -> Response {
        let (status, body) = match self {
            LoopError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                json!({"error": {"code": "401", "http_code": "GEN-UNAUTHORIZED", "message": "Unauthorized."}}),
            ),
            LoopError::RateLimited => (
                StatusCode::TOO_MANY_REQUESTS,
                json!({"message": "Too Many Attempts."}),
            ),
            LoopError::NotFound(message) => (
                StatusCode::NOT_FOUND,
                json!({"errors": {"code": "NOT_FOUND", "message": message}}),
            ),
            LoopError::OrderNotFound => (
                StatusCode::NOT_FOUND,
                json!({"errors": {"code": "ORDER_NOT_FOUND", "message": "Order not found."}}),
            ),
            LoopError::RemoveReturnNotFound => (
                StatusCode::FORBIDDEN,
                json!({"errors": {"code": "NOT_FOUND", "message": "Return not found."}}),
            ),
            LoopError::Validation { message, errors } => {
                let mut by_field = Map::new();
                for (field, text) in errors {
                    match by_field
                        .entry(field)
                        .or_insert_with(|| Value::Array(Vec::new()))
                    {
                        Value::Array(list) => list.push(text.into()),
                        other => *other = Value::Array(vec![text.into()]),
                    }
                }
                (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    json!({"message": message, "errors": by_field}),
                )
            }
            LoopError::InvalidNote => (
                StatusCode::UNPROCESSABLE_ENTITY,
                json!({"errors": {"message": "Content is required and must be less than 255 characters."}}),
            ),
            LoopError::NoNotes => (StatusCode::UNPROCESSABLE_ENTITY, json!("false")),
            LoopError::Refused { code, message } => (
                StatusCode::OK,
                json!({"errors": {"message": message, "code": code}}),
            ),
            LoopError::RefusedContent(message) => (StatusCode::OK, json!({"content": message})),
        };
        (status, Json(body)).into_response()
    }
}

/// The success body of every return action: the JSON string `"true"`
/// (quotes included), the documented form (spec §4).
pub(super) fn action_ok() -> Response {
    Json("true").into_response()
}

/// Result of a handler.
pub(super) type LoopResult = Result<Response, LoopError>;

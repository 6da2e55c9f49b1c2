//! Layers of the API: request ids on every response, bearer authentication
//! and the rate limit.

use std::sync::Arc;

use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use super::error::ApiError;
use super::shared::Shared;

/// Adds `X-Request-Id` to every response, errors included.
pub(crate) async fn request_id(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let id = shared.next_request_id();
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert("x-request-id", value);
    }
    response
}

/// Requires `Authorization: Bearer <client secret>` (scheme case-insensitive,
/// as HTTP auth schemes are); answers 401 otherwise, before the rate limit.
pub(crate) async fn authenticate(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    match check_bearer(request.headers(), &shared.config.client_secret) {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// Answers 429 with `Retry-After` when the rate limit is used up.
pub(crate) async fn rate_limit(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    match shared.check_rate() {
        Ok(()) => next.run(request).await,
        Err(error) => error.into_response(),
    }
}

/// The messages never repeat the presented token.
fn check_bearer(headers: &HeaderMap, secret: &str) -> Result<(), ApiError> {
    let Some(value) = headers.get(header::AUTHORIZATION) else {
        return Err(ApiError::unauthorized("missing Authorization header"));
    };
    let value = value
        .to_str()
        .map_err(|_| ApiError::unauthorized("Authorization header is not valid text"))?;
    let token = match value.split_once(' ') {
        Some((scheme, token)) if scheme.eq_ignore_ascii_case("bearer") => token.trim(),
        _ => {
            return Err(ApiError::unauthorized(
                "Authorization must use the Bearer scheme",
            ));
        }
    };
    if token != secret {
        return Err(ApiError::unauthorized("invalid client secret"));
    }
    Ok(())
}

//! The Programmatic Webhooks API (spec §8.1): list, create, update, delete.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::errors::{LoopError, LoopResult};
use super::subscriptions::SubscriptionRequest;
use super::{Shared, lock};

type PathParams = Path<HashMap<String, String>>;

fn webhook_id(params: &HashMap<String, String>) -> Option<u64> {
    params.get("webhook_id").and_then(|id| id.parse().ok())
}

fn parse_body(body: &[u8]) -> Result<SubscriptionRequest, LoopError> {
    let value: Value = serde_json::from_slice(body).unwrap_or(Value::Null);
    SubscriptionRequest::parse(&value)
}

/// `GET /webhooks` → `{"webhooks": [Webhook]}`.
pub(super) async fn list(State(shared): State<Arc<Shared>>) -> LoopResult {
    let shop_id = shared.config.shop_id;
    let webhooks: Vec<Value> = lock(&shared.state)
        .subscriptions
        .list()
        .map(|s| s.render(shop_id))
        .collect();
    Ok(Json(json!({ "webhooks": webhooks })).into_response())
}

/// `POST /webhooks` → 200 with the Webhook object.
pub(super) async fn create(State(shared): State<Arc<Shared>>, body: Bytes) -> LoopResult {
    let request = parse_body(&body)?;
    let created = lock(&shared.state)
        .subscriptions
        .create(request)
        .render(shared.config.shop_id);
    Ok(Json(created).into_response())
}

/// `PUT /webhooks/{id}` with the create body → 204.
pub(super) async fn update(
    State(shared): State<Arc<Shared>>,
    Path(params): PathParams,
    body: Bytes,
) -> LoopResult {
    let request = parse_body(&body)?;
    let found =
        webhook_id(&params).is_some_and(|id| lock(&shared.state).subscriptions.update(id, request));
    if !found {
        return Err(webhook_not_found());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// `DELETE /webhooks/{id}` → 204.
pub(super) async fn delete(
    State(shared): State<Arc<Shared>>,
    Path(params): PathParams,
) -> LoopResult {
    let found = webhook_id(&params).is_some_and(|id| lock(&shared.state).subscriptions.delete(id));
    if !found {
        return Err(webhook_not_found());
    }
    Ok(StatusCode::NO_CONTENT.into_response())
}

/// 404 `{"errors":{"code":"NOT_FOUND",…}}`, the documented webhook shape.
fn webhook_not_found() -> LoopError {
    LoopError::NotFound("Webhook not found.")
}

//! The Commerce-Data Orders API, as far as the warehouse flow needs it
//! (spec §6.2, §10): `GET /orders/{id}` with the order's sales channel.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::response::IntoResponse;
use serde_json::{Value, json};

use super::errors::{LoopError, LoopResult};
use super::model::{StoredReturn, id_of};
use super::{Shared, lock};

/// The field of a seeded return that names its order's sales channel.
pub(super) const SALES_CHANNEL_FIELD: &str = "provider_order_sales_channel";

/// `GET /orders/{id}`: the order a stored return belongs to, found by the
/// return's Loop `order_id` (or its Shopify `provider_order_id`, as Get
/// Return Details does); the newest return of the order supplies the
/// fields. 404 `ORDER_NOT_FOUND` when no return names the order.
///
/// Served whatever [`LoopConfig::omit_sales_channel_from_return_data`]
/// says: this is where a client looks the channel up when return data lacks
/// it.
///
/// [`LoopConfig::omit_sales_channel_from_return_data`]: super::LoopConfig::omit_sales_channel_from_return_data
pub(super) async fn get_order(
    State(shared): State<Arc<Shared>>,
    Path(params): Path<HashMap<String, String>>,
    headers: HeaderMap,
) -> LoopResult {
    // Under `/api/{version}` the version is a path parameter too.
    let order_id = params
        .get("order_id")
        .and_then(|id| id_of(&Value::String(id.clone())))
        .ok_or(LoopError::OrderNotFound)?;
    let state = lock(&shared.state);
    let body = state
        .store
        .find_by_order(Some(order_id), None)
        .and_then(|id| state.store.get(id))
        .map(|r| render_order(r, order_id, ids_as_strings(&headers)))
        .ok_or(LoopError::OrderNotFound)?;
    drop(state);
    Ok(Json(body).into_response())
}

/// `X-Loop-Global-Identifier-Type: string` switches ids to strings (§2.3).
fn ids_as_strings(headers: &HeaderMap) -> bool {
    headers
        .get("x-loop-global-identifier-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("string"))
}

/// The order in the Commerce-Data shape: `{id, name, channel: {id, name},
/// source}`. The simulator knows the channel only by its name (the seeded
/// `provider_order_sales_channel`), so `channel.id` is `null`; `channel` is
/// `null` when the return was seeded without a channel. `source` is the
/// seeded `source`, else `"shopify"` when the return has a
/// `provider_order_id`, else `null`.
fn render_order(r: &StoredReturn, order_id: u64, strings: bool) -> Value {
    let text = |key: &str| {
        r.fields
            .get(key)
            .and_then(Value::as_str)
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "N/A")
            .map(str::to_owned)
    };
    let channel =
        text(SALES_CHANNEL_FIELD).map_or(Value::Null, |name| json!({"id": null, "name": name}));
    let source = text("source").map(Value::from).unwrap_or_else(|| {
        if r.fields
            .get("provider_order_id")
            .is_some_and(|v| id_of(v).is_some())
        {
            Value::from("shopify")
        } else {
            Value::Null
        }
    });
    let id = if strings {
        Value::String(order_id.to_string())
    } else {
        Value::from(order_id)
    };
    json!({
        "id": id,
        "name": text("order_name"),
        "channel": channel,
        "source": source,
    })
}

//! Order endpoints: E1–E7 at cart level and their merchant-level twins
//! (E3–E5, E7m with E17a/E17b).

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::Uri;
use serde_json::Value;

use super::{json_body, listed, query_map, with_total};
use crate::cartrover_sim::CartroverSim;
use crate::cartrover_sim::auth::{Caller, CartKeys, CartKeysUnlimited, MerchantKeys};
use crate::cartrover_sim::order::{Includes, text};
use crate::cartrover_sim::wire::{ApiError, Reply};

/// E1 — not rate limited.
pub(super) async fn create(
    caller: Caller<CartKeysUnlimited>,
    State(sim): State<CartroverSim>,
    body: Bytes,
) -> Reply {
    let result = json_body(&body)
        .and_then(|body| sim.with_state(|state| state.create_single(caller.merchant(), &body)));
    caller.reply(result)
}

/// E2.
pub(super) async fn create_batch(
    caller: Caller<CartKeys>,
    State(sim): State<CartroverSim>,
    body: Bytes,
) -> Reply {
    let result = json_body(&body)
        .and_then(|body| sim.with_state(|state| state.create_batch(caller.merchant(), &body)));
    caller.reply(result)
}

/// E3 at cart level.
pub(super) async fn view(
    caller: Caller<CartKeys>,
    State(sim): State<CartroverSim>,
    Path(cust_ref): Path<String>,
    uri: Uri,
) -> Reply {
    view_order(&caller, &sim, &cust_ref, &uri)
}

/// E3 for an order whose `cust_ref` equals a static path segment
/// (`cartrover`, `batch`, `cancel`).
pub(super) async fn view_named(
    caller: Caller<CartKeys>,
    State(sim): State<CartroverSim>,
    uri: Uri,
) -> Reply {
    let cust_ref = uri.path().rsplit('/').next().unwrap_or_default().to_owned();
    view_order(&caller, &sim, &cust_ref, &uri)
}

/// E3 at merchant level.
pub(super) async fn merchant_view(
    caller: Caller<MerchantKeys>,
    State(sim): State<CartroverSim>,
    Path(cust_ref): Path<String>,
    uri: Uri,
) -> Reply {
    view_order(&caller, &sim, &cust_ref, &uri)
}

fn view_order<S>(caller: &Caller<S>, sim: &CartroverSim, cust_ref: &str, uri: &Uri) -> Reply {
    let includes = Includes::from_query(&query_map(uri));
    caller.reply(sim.with_state(|state| state.view(caller.merchant(), cust_ref, includes)))
}

/// E4 at cart level.
pub(super) async fn status(
    caller: Caller<CartKeys>,
    State(sim): State<CartroverSim>,
    Path(cust_ref): Path<String>,
) -> Reply {
    caller.reply(sim.with_state(|state| state.status(caller.merchant(), &cust_ref)))
}

/// E4 at merchant level.
pub(super) async fn merchant_status(
    caller: Caller<MerchantKeys>,
    State(sim): State<CartroverSim>,
    Path(cust_ref): Path<String>,
) -> Reply {
    caller.reply(sim.with_state(|state| state.status(caller.merchant(), &cust_ref)))
}

/// E5 at cart level.
pub(super) async fn list(
    caller: Caller<CartKeys>,
    State(sim): State<CartroverSim>,
    Path(status): Path<String>,
    uri: Uri,
) -> Reply {
    list_orders(&caller, &sim, &status, &uri)
}

/// E5 at merchant level.
pub(super) async fn merchant_list(
    caller: Caller<MerchantKeys>,
    State(sim): State<CartroverSim>,
    Path(status): Path<String>,
    uri: Uri,
) -> Reply {
    list_orders(&caller, &sim, &status, &uri)
}

fn list_orders<S>(caller: &Caller<S>, sim: &CartroverSim, status: &str, uri: &Uri) -> Reply {
    let query = query_map(uri);
    let (result, total) =
        listed(sim.with_state(|state| state.list(caller.merchant(), status, &query)));
    with_total(caller.reply(result), total)
}

/// E6.
pub(super) async fn cancel(
    caller: Caller<CartKeys>,
    State(sim): State<CartroverSim>,
    Path(cust_ref): Path<String>,
) -> Reply {
    caller.reply(sim.with_state(|state| state.cancel(caller.merchant(), &cust_ref)))
}

/// E6b (and its older variant): `{"cust_ref": "..."}` in the body; answers
/// like E6.
pub(super) async fn cancel_by_body(
    caller: Caller<CartKeys>,
    State(sim): State<CartroverSim>,
    body: Bytes,
) -> Reply {
    let result = json_body(&body).and_then(|body| {
        // The PHP client may wrap it in a one-element array, as it does for E1.
        let request = match &body {
            Value::Array(items) if items.len() == 1 => &items[0],
            other => other,
        };
        let cust_ref = text(request.get("cust_ref"))
            .ok_or_else(|| ApiError::invalid("cust_ref is required"))?;
        sim.with_state(|state| state.cancel(caller.merchant(), &cust_ref))
    });
    caller.reply(result)
}

/// E7.
pub(super) async fn update(
    caller: Caller<CartKeys>,
    State(sim): State<CartroverSim>,
    Path(cust_ref): Path<String>,
    body: Bytes,
) -> Reply {
    update_order(&caller, &sim, &cust_ref, &body)
}

/// E7m (E17a acknowledge, E17b ship) — provisional, see the spec §7.
pub(super) async fn merchant_update(
    caller: Caller<MerchantKeys>,
    State(sim): State<CartroverSim>,
    Path(cust_ref): Path<String>,
    body: Bytes,
) -> Reply {
    update_order(&caller, &sim, &cust_ref, &body)
}

fn update_order<S>(caller: &Caller<S>, sim: &CartroverSim, cust_ref: &str, body: &[u8]) -> Reply {
    let result = json_body(body)
        .and_then(|body| sim.with_state(|state| state.update(caller.merchant(), cust_ref, &body)));
    caller.reply(result)
}

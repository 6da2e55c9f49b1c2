//! The HTTP surface: vendor paths (spec §4) and the simulator-control paths
//! under `/_sim/`.

mod catalog;
mod orders;
mod sim;

use std::collections::HashMap;

use axum::Router;
use axum::extract::Query;
use axum::http::{Method, StatusCode, Uri};
use axum::routing::{get, post};
use serde_json::Value;

use super::CartroverSim;
use super::wire::{ApiError, Reply, Success, TOTAL_RECORDS, stamp_process_id};

/// All routes, with the process-id stamp on every response.
pub(crate) fn router(sim: CartroverSim) -> Router {
    let process_ids = sim.inner().process_ids.clone();
    Router::new()
        // Cart level. `cartrover`, `batch` and `cancel` are also order refs
        // for GET, so a static path never hides an order.
        .route(
            "/v1/cart/orders/cartrover",
            post(orders::create).get(orders::view_named),
        )
        .route(
            "/v1/cart/orders/batch",
            post(orders::create_batch).get(orders::view_named),
        )
        .route(
            "/v1/cart/orders/cancel",
            post(orders::cancel_by_body).get(orders::view_named),
        )
        .route(
            "/v1/cart/orders/cancel/cartrover",
            post(orders::cancel_by_body),
        )
        .route("/v1/cart/orders/{cust_ref}", get(orders::view))
        .route("/v1/cart/orders/status/{cust_ref}", get(orders::status))
        .route("/v1/cart/orders/list/{status}", get(orders::list))
        .route("/v1/cart/orders/wms_cancel/{cust_ref}", get(orders::cancel))
        .route("/v1/cart/orders/update/{cust_ref}", post(orders::update))
        // Merchant level (warehouse keys with X-Merchant-Pk).
        .route("/v1/merchant/orders/{cust_ref}", get(orders::merchant_view))
        .route(
            "/v1/merchant/orders/status/{cust_ref}",
            get(orders::merchant_status),
        )
        .route(
            "/v1/merchant/orders/list/{status}",
            get(orders::merchant_list),
        )
        .route(
            "/v1/merchant/orders/update/{cust_ref}",
            post(orders::merchant_update),
        )
        .route(
            "/v1/merchant/inventory",
            get(catalog::inventory_list).post(catalog::inventory_write),
        )
        .route("/v1/merchant/inventory/{sku}", get(catalog::inventory_item))
        .route("/v1/merchant/product/{sku}", get(catalog::product))
        .route("/v1/cart/list", get(catalog::order_sources))
        .route("/v1/cart/listall", get(catalog::cart_types))
        .route(
            "/v1/cart/shipmethod/list/{order_source}",
            get(catalog::ship_mappings),
        )
        .route(
            "/v1/cart/shipmethod/{order_source}",
            post(catalog::set_ship_mappings),
        )
        // Warehouse level.
        .route("/v1/wms/shipmethod/list", get(catalog::wms_ship_methods))
        .route("/v1/wms/merchant/list", get(catalog::warehouse_merchants))
        // Simulator control.
        .route("/_sim/advance", post(sim::advance_all))
        .route("/_sim/orders/{cust_ref}/advance", post(sim::advance_one))
        .route("/_sim/orders", get(sim::orders))
        .fallback(unknown_endpoint)
        .method_not_allowed_fallback(method_not_allowed)
        .with_state(sim)
        .layer(axum::middleware::from_fn_with_state(
            process_ids,
            stamp_process_id,
        ))
}

async fn unknown_endpoint(method: Method, uri: Uri) -> Reply {
    let error = ApiError::invalid(format!("Unknown endpoint: {method} {}", uri.path()));
    Reply::error_with_status(StatusCode::NOT_FOUND, &error)
}

async fn method_not_allowed(method: Method, uri: Uri) -> Reply {
    let error = ApiError::invalid(format!("Method {method} is not allowed on {}", uri.path()));
    Reply::error_with_status(StatusCode::METHOD_NOT_ALLOWED, &error)
}

/// Decoded query parameters. Form decoding, as the vendor's PHP backend
/// does: a raw `+` becomes a space, `%2B` a `+`.
fn query_map(uri: &Uri) -> HashMap<String, String> {
    Query::<HashMap<String, String>>::try_from_uri(uri)
        .map(|Query(query)| query)
        .unwrap_or_default()
}

/// The JSON request body; a malformed body is `Invalid`.
fn json_body(bytes: &[u8]) -> Result<Value, ApiError> {
    serde_json::from_slice(bytes)
        .map_err(|error| ApiError::invalid(format!("Request body is not valid JSON: {error}")))
}

/// A list page as a reply with its `total-records` header.
fn listed(
    result: Result<super::state::Listed, ApiError>,
) -> (Result<Success, ApiError>, Option<u64>) {
    match result {
        Ok(listed) => (
            Ok(Success::Rendered(listed.rows_json)),
            Some(listed.total as u64),
        ),
        Err(error) => (Err(error), None),
    }
}

/// Adds `total-records` when known.
fn with_total(reply: Reply, total: Option<u64>) -> Reply {
    match total {
        Some(total) => reply.with_number_header(TOTAL_RECORDS, total),
        None => reply,
    }
}

//! Handlers of the CloudX API proper (spec §2.1), behind auth and the rate limit.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::json;

use super::create::validate_new_ticket;
use super::error::{ApiError, FieldError};
use super::fields::parse_body;
use super::query::ListQuery;
use super::shared::Shared;
use super::store::Page;
use super::ticket::Ticket;

type Pairs = Result<Query<Vec<(String, String)>>, QueryRejection>;

/// Query pairs, or a 422 when the query string cannot be decoded.
fn query_pairs(query: Pairs) -> Result<Vec<(String, String)>, ApiError> {
    query.map(|Query(pairs)| pairs).map_err(|rejection| {
        ApiError::validation(vec![FieldError::new("query", rejection.body_text())])
    })
}

/// `POST /receiving-tickets`: 201 + ticket (with `Location`), 400 for a body
/// that is not JSON, 422 for invalid fields, 409 for a taken reference number,
/// 422 code 83 for lines not in the item master.
pub(crate) async fn create_ticket(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<Response, ApiError> {
    let value = parse_body(&body).map_err(|detail| ApiError::malformed_body(&detail))?;
    let new = validate_new_ticket(&value, |code| {
        shared.config.warehouses.iter().any(|w| w.code == code)
    })
    .map_err(ApiError::validation)?;
    let now = shared.now();
    let ticket = {
        let mut store = shared.write();
        let ticket = store.create(new, now)?;
        shared.count_create();
        ticket
    };
    let location = format!("/v1/receiving-tickets/{}", ticket.id);
    let mut response = (StatusCode::CREATED, Json(ticket)).into_response();
    if let Ok(location) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, location);
    }
    Ok(response)
}

/// `GET /receiving-tickets/{id}`: 404 code 41 when unknown.
pub(crate) async fn get_ticket(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<Ticket>, ApiError> {
    let ticket = shared.read().get(&id).cloned();
    ticket
        .map(Json)
        .ok_or_else(|| ApiError::ticket_not_found(&id))
}

/// `GET /receiving-tickets?…`: one page, in creation order.
pub(crate) async fn list_tickets(
    State(shared): State<Arc<Shared>>,
    query: Pairs,
) -> Result<Json<Page>, ApiError> {
    let query = ListQuery::parse(&query_pairs(query)?).map_err(ApiError::validation)?;
    let page = shared.read().list(&query);
    Ok(Json(page))
}

/// `POST /receiving-tickets/{id}/cancel`: only `Draft` and `PendingCSR`.
pub(crate) async fn cancel_ticket(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
) -> Result<Json<Ticket>, ApiError> {
    let now = shared.now();
    let ticket = shared.write().cancel(&id, now)?;
    Ok(Json(ticket))
}

/// `GET /items?sku=…` or `?upc=…` (exactly one): the matching item, or an
/// empty list.
pub(crate) async fn find_items(
    State(shared): State<Arc<Shared>>,
    query: Pairs,
) -> Result<Json<serde_json::Value>, ApiError> {
    let mut sku = None;
    let mut upc = None;
    let mut errors = Vec::new();
    for (name, value) in query_pairs(query)? {
        match name.as_str() {
            "sku" => sku = Some(value),
            "upc" => upc = Some(value),
            other => errors.push(FieldError::new(other, "is not a known query parameter")),
        }
    }
    if sku.is_some() == upc.is_some() {
        errors.push(FieldError::new("sku", "give exactly one of sku and upc"));
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    let store = shared.read();
    let item = match (&sku, &upc) {
        (Some(sku), _) => store.items.by_sku(sku),
        (_, Some(upc)) => store.items.by_upc(upc),
        (None, None) => None,
    };
    let data: Vec<_> = item.into_iter().collect();
    Ok(Json(json!({ "data": data })))
}

/// `GET /warehouses`: the configured warehouses.
pub(crate) async fn list_warehouses(State(shared): State<Arc<Shared>>) -> Json<serde_json::Value> {
    Json(json!({ "data": shared.config.warehouses }))
}

/// Any other path: 404 in the CloudX error shape.
pub(crate) async fn no_route(request: axum::extract::Request) -> ApiError {
    ApiError::no_route(request.method().as_str(), request.uri().path())
}

/// A known path with another method: 405 in the CloudX error shape.
pub(crate) async fn method_not_allowed(request: axum::extract::Request) -> ApiError {
    ApiError::method_not_allowed(request.method().as_str(), request.uri().path())
}

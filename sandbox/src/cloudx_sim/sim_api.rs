//! The simulator-only endpoints under `/_sim` (spec §2.5, plus a warehouse
//! step). They need no credentials and are not rate limited: they are the
//! test's controls, not part of the CloudX API.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};

use super::error::{ApiError, FieldError};
use super::fields::{ObjectReader, parse_body};
use super::items::Item;
use super::receive::parse_receive;
use super::shared::Shared;
use super::status::Status;
use super::ticket::Ticket;

fn json_body(body: &Bytes) -> Result<Value, ApiError> {
    parse_body(body).map_err(|detail| ApiError::malformed_body(&detail))
}

/// `POST /_sim/receiving-tickets/{id}/advance` with `{"status": "…"}`:
/// forward only; `Cancelled` under the cancel rules; 409 code 10 otherwise.
/// Counts are left as they are (use `/receive` to record them).
pub(crate) async fn advance(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Ticket>, ApiError> {
    let value = json_body(&body)?;
    let mut errors = Vec::new();
    let target = ObjectReader::new(&value, String::new(), &mut errors).and_then(|request| {
        request.deny_unknown(&["status"], &[], &mut errors);
        let name = request.required_str("status", &mut errors)?;
        let status = Status::from_wire(&name);
        if status.is_none() {
            errors.push(FieldError::new(
                "status",
                format!("unknown status {name:?}; one of {}", Status::wire_names()),
            ));
        }
        status
    });
    let target = match target {
        Some(target) if errors.is_empty() => target,
        _ => return Err(ApiError::validation(errors)),
    };
    let now = shared.now();
    let ticket = shared.write().advance(&id, target, now)?;
    Ok(Json(ticket))
}

/// `POST /_sim/receiving-tickets/{id}/receive`: records counts, then
/// `AddedToInventory` (or `CountingInProgress` with `"final": false`).
pub(crate) async fn receive(
    State(shared): State<Arc<Shared>>,
    Path(id): Path<String>,
    body: Bytes,
) -> Result<Json<Ticket>, ApiError> {
    let request = parse_receive(&json_body(&body)?).map_err(ApiError::validation)?;
    let now = shared.now();
    let ticket = shared.write().receive(&id, request, now)?;
    Ok(Json(ticket))
}

/// `POST /_sim/items` with one item object or an array of them: adds or
/// replaces items by SKU; 201 + `{"data": [items]}`.
pub(crate) async fn seed_items(
    State(shared): State<Arc<Shared>>,
    body: Bytes,
) -> Result<(StatusCode, Json<Value>), ApiError> {
    let value = json_body(&body)?;
    let (values, in_array) = match &value {
        Value::Array(values) => (values.as_slice(), true),
        single => (std::slice::from_ref(single), false),
    };
    let mut errors = Vec::new();
    let mut items = Vec::with_capacity(values.len());
    for (index, value) in values.iter().enumerate() {
        let path = if in_array {
            format!("[{index}]")
        } else {
            String::new()
        };
        if let Some(item) = read_item(value, path, &mut errors) {
            items.push(item);
        }
    }
    if !errors.is_empty() {
        return Err(ApiError::validation(errors));
    }
    {
        let mut store = shared.write();
        for item in &items {
            store.items.upsert(item.clone());
        }
    }
    Ok((StatusCode::CREATED, Json(json!({ "data": items }))))
}

fn read_item(value: &Value, path: String, errors: &mut Vec<FieldError>) -> Option<Item> {
    const FIELDS: [&str; 6] = ["sku", "upc", "description", "style", "color", "size"];
    let reader = ObjectReader::new(value, path, errors)?;
    reader.deny_unknown(&FIELDS, &[], errors);
    let sku = reader.required_str("sku", errors);
    let upc = reader.optional_str("upc", errors);
    let description = reader.optional_str("description", errors);
    let style = reader.optional_str("style", errors);
    let color = reader.optional_str("color", errors);
    let size = reader.optional_str("size", errors);
    Some(Item {
        sku: sku?,
        upc,
        description,
        style,
        color,
        size,
    })
}

/// `POST /_sim/warehouse/step`: one step of the warehouse model, as
/// [`CloudxSim::work_warehouse`](super::CloudxSim::work_warehouse);
/// answers `{"moved": n}`.
pub(crate) async fn step_warehouse(State(shared): State<Arc<Shared>>) -> Json<Value> {
    let moved = shared.work_warehouse();
    Json(json!({ "moved": moved }))
}

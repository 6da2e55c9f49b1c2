//! Simulator-control endpoints under `/_sim/` (no credentials, not rate
//! limited, never faulted by the sandbox's fault layer): drive the status
//! progression and read the state.

use axum::extract::{Path, State};
use axum::http::{StatusCode, Uri};
use serde_json::{Value, json};

use super::query_map;
use crate::cartrover_sim::CartroverSim;
use crate::cartrover_sim::wire::{ApiError, Reply};

/// `POST /_sim/advance`: one progression step for every order.
pub(super) async fn advance_all(State(sim): State<CartroverSim>) -> Reply {
    let moved = sim.with_state(|state| state.advance_all());
    let moved: Vec<Value> = moved
        .into_iter()
        .map(|(cust_ref, status)| json!({ "cust_ref": cust_ref, "order_status": status.as_str() }))
        .collect();
    Reply::plain_json(json!({ "advanced": moved }))
}

/// `POST /_sim/orders/{cust_ref}/advance[?merchant_pk=]`: one step for one
/// order of the primary (or the named) merchant.
pub(super) async fn advance_one(
    State(sim): State<CartroverSim>,
    Path(cust_ref): Path<String>,
    uri: Uri,
) -> Reply {
    let query = query_map(&uri);
    let pk = match query.get("merchant_pk") {
        None => sim.config().merchant_pk,
        Some(raw) => match raw.parse() {
            Ok(pk) => pk,
            Err(_) => {
                let error = ApiError::invalid(format!("merchant_pk must be a number, got '{raw}'"));
                return Reply::error_with_status(StatusCode::BAD_REQUEST, &error);
            }
        },
    };
    let result = sim.with_state(|state| {
        let moved = state.advance_order(pk, &cust_ref)?;
        Ok::<_, ApiError>((moved.is_some(), state.order_status(pk, &cust_ref)?))
    });
    match result {
        Ok((advanced, status)) => Reply::plain_json(json!({
            "cust_ref": cust_ref,
            "order_status": status.as_str(),
            "advanced": advanced,
        })),
        Err(error) => Reply::error_with_status(StatusCode::NOT_FOUND, &error),
    }
}

/// `GET /_sim/orders`: every order in list shape, oldest first.
pub(super) async fn orders(State(sim): State<CartroverSim>) -> Reply {
    Reply::plain_json(Value::Array(sim.orders()))
}

//! The delivery end of the latency: the moment each `return.created`
//! webhook reaches the service, stamped by a layer in front of the
//! returns-sync router (before its signature check and its store write, so
//! both count in the latency).

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use axum::Router;
use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use serde_json::Value;
use time::OffsetDateTime;

/// Larger bodies are refused (no Loop webhook comes near it).
const MAX_BODY: usize = 1 << 20;

/// The first `return.created` delivery of each return, by Loop return id,
/// in wall-clock time (the CloudX simulator stamps tickets in wall-clock
/// time too). Clones share the stamps.
#[derive(Debug, Clone, Default)]
pub struct Deliveries {
    first: Arc<Mutex<HashMap<String, OffsetDateTime>>>,
}

impl Deliveries {
    /// `router` with every request stamped on arrival.
    pub fn stamping(&self, router: Router) -> Router {
        router.layer(from_fn_with_state(self.clone(), stamp))
    }

    /// When the return's `return.created` webhook first arrived.
    pub fn of(&self, return_id: &str) -> Option<OffsetDateTime> {
        self.lock().get(return_id).copied()
    }

    /// Records a body delivered `at`, when it is a return's creation; a
    /// redelivery keeps the first stamp.
    fn record(&self, body: &[u8], at: OffsetDateTime) {
        if let Some(id) = created_return(body) {
            self.lock().entry(id).or_insert(at);
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, HashMap<String, OffsetDateTime>> {
        self.first.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The return id of a `return.created` payload.
fn created_return(body: &[u8]) -> Option<String> {
    let payload: Value = serde_json::from_slice(body).ok()?;
    if payload["topic"] != "return" || payload["trigger"] != "return.created" {
        return None;
    }
    match &payload["id"] {
        Value::Number(id) => Some(id.to_string()),
        Value::String(id) => Some(id.clone()),
        _ => None,
    }
}

/// Stamps the request, then hands it on with its body untouched.
async fn stamp(State(deliveries): State<Deliveries>, request: Request, next: Next) -> Response {
    let at = OffsetDateTime::now_utc();
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_BODY).await else {
        return StatusCode::PAYLOAD_TOO_LARGE.into_response();
    };
    deliveries.record(&bytes, at);
    next.run(Request::from_parts(parts, Body::from(bytes)))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_a_return_creation_is_stamped_and_only_once() {
        let deliveries = Deliveries::default();
        let first = OffsetDateTime::UNIX_EPOCH;
        let later = first + time::Duration::seconds(1);
        let created = br#"{"topic":"return","trigger":"return.created","id":4021}"#;
        deliveries.record(created, first);
        deliveries.record(created, later);
        deliveries.record(
            br#"{"topic":"return","trigger":"return.closed","id":77}"#,
            first,
        );
        deliveries.record(
            br#"{"topic":"return","trigger":"return.created","id":"78"}"#,
            later,
        );
        deliveries.record(b"not json", first);
        assert_eq!(
            deliveries.of("4021"),
            Some(first),
            "a redelivery keeps the first"
        );
        assert_eq!(deliveries.of("77"), None, "not a creation");
        assert_eq!(deliveries.of("78"), Some(later), "a string id");
    }
}

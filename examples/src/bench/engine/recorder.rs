//! A middleware in front of a simulator that records every call it answers:
//! what was asked (method, path and query, the headers that matter, body)
//! and what came back (status, and the body of `POST` answers, which carry
//! the ids of what they created).
//!
//! Both sides of the engine measure run behind it, so its small cost (one
//! copy of each body) is paid equally.

use std::sync::{Arc, Mutex, PoisonError};

use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::middleware::{self, Next};
use axum::response::Response;

/// Headers a replay sends again: credentials and content negotiation. The
/// rest (user agent, request id, host, length) says nothing the simulator
/// acts on.
const KEPT_HEADERS: [&str; 4] = ["authorization", "x-authorization", "content-type", "accept"];

/// The simulator a call went to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Vendor {
    /// The Loop simulator.
    Loop,
    /// The CloudX simulator.
    Cloudx,
}

/// One answered call.
#[derive(Debug, Clone)]
pub struct Call {
    /// Which simulator answered.
    pub vendor: Vendor,
    /// The method.
    pub method: Method,
    /// Path and query, as sent.
    pub uri: String,
    /// The [`KEPT_HEADERS`] the caller sent.
    pub headers: HeaderMap,
    /// The request body.
    pub body: Bytes,
    /// The answer's status.
    pub status: StatusCode,
    /// The answer's body, for `POST` calls only.
    pub answer: Option<Bytes>,
}

/// The calls answered so far, in the order they were answered.
#[derive(Debug, Default)]
pub struct Recorder {
    calls: Mutex<Vec<Call>>,
}

impl Recorder {
    /// Takes the calls recorded so far, leaving none.
    pub fn take(&self) -> Vec<Call> {
        std::mem::take(&mut *self.calls.lock().unwrap_or_else(PoisonError::into_inner))
    }

    fn push(&self, call: Call) {
        self.calls
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push(call);
    }
}

/// Wraps `router` so that every call it answers lands in `recorder`.
pub fn recording(router: axum::Router, vendor: Vendor, recorder: Arc<Recorder>) -> axum::Router {
    router.layer(middleware::from_fn_with_state((recorder, vendor), record))
}

async fn record(
    State((recorder, vendor)): State<(Arc<Recorder>, Vendor)>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    // Bodies here are small JSON documents; one that cannot be read is
    // passed on empty and the simulator answers it as such.
    let body = axum::body::to_bytes(body, usize::MAX)
        .await
        .unwrap_or_default();
    let mut headers = HeaderMap::new();
    for name in KEPT_HEADERS {
        if let Some(value) = parts.headers.get(name) {
            headers.insert(name, value.clone());
        }
    }
    let method = parts.method.clone();
    let uri = parts
        .uri
        .path_and_query()
        .map_or_else(|| parts.uri.path().to_owned(), ToString::to_string);
    let response = next
        .run(Request::from_parts(parts, Body::from(body.clone())))
        .await;
    let status = response.status();
    let (response, answer) = if method == Method::POST {
        let (parts, answer) = response.into_parts();
        let answer = axum::body::to_bytes(answer, usize::MAX)
            .await
            .unwrap_or_default();
        (
            Response::from_parts(parts, Body::from(answer.clone())),
            Some(answer),
        )
    } else {
        (response, None)
    };
    recorder.push(Call {
        vendor,
        method,
        uri,
        headers,
        body,
        status,
        answer,
    });
    response
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::routing::{get, post};

    #[tokio::test]
    async fn records_what_was_asked_and_answered() {
        let recorder = Arc::new(Recorder::default());
        let router = axum::Router::new()
            .route("/things", post(|body: Bytes| async move { body }))
            .route("/things/{id}", get(|| async { "one" }));
        let served =
            sandbox::serve_router(recording(router, Vendor::Cloudx, Arc::clone(&recorder)))
                .await
                .unwrap();
        let http = reqwest::Client::new();
        let base = served.base_url();
        http.post(format!("{base}/things"))
            .header("Authorization", "Bearer s")
            .header("User-Agent", "x")
            .body("{\"a\":1}")
            .send()
            .await
            .unwrap();
        http.get(format!("{base}/things/7?full=1"))
            .send()
            .await
            .unwrap();

        let calls = recorder.take();
        assert_eq!(calls.len(), 2);
        assert_eq!(calls[0].method, Method::POST);
        assert_eq!(calls[0].uri, "/things");
        assert_eq!(calls[0].body, "{\"a\":1}");
        assert_eq!(calls[0].answer.as_deref(), Some(&b"{\"a\":1}"[..]));
        // reqwest adds `accept: */*`; the user agent is not kept.
        assert_eq!(calls[0].headers["authorization"], "Bearer s");
        assert!(calls[0].headers.get("user-agent").is_none());
        assert_eq!(calls[0].headers.len(), 2, "{:?}", calls[0].headers);
        assert_eq!(calls[1].uri, "/things/7?full=1");
        assert_eq!(calls[1].status, StatusCode::OK);
        assert!(calls[1].answer.is_none());
        assert!(recorder.take().is_empty());
        served.shutdown().await.unwrap();
    }
}

//! A middleware in front of a simulator that counts its answers, and those
//! that refused a call for going over the rate limit — seen from the server,
//! so retries the client makes on its own are counted too.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use axum::body::Body;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::Response;

/// How a simulator says "over the limit".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// HTTP 429 (Loop).
    Status429,
    /// An HTTP 200 envelope with `error_code: "RateLimit"` (CartRover).
    RateLimitEnvelope,
}

/// Answers counted so far.
#[derive(Debug)]
pub struct Counts {
    refusal: Refusal,
    answered: AtomicU64,
    throttled: AtomicU64,
}

impl Counts {
    /// Every answer the simulator gave.
    pub fn answered(&self) -> u64 {
        self.answered.load(Ordering::Relaxed)
    }

    /// Answers that refused the call for the rate limit.
    pub fn throttled(&self) -> u64 {
        self.throttled.load(Ordering::Relaxed)
    }
}

/// Wraps `router` so that every answer is counted in the returned [`Counts`].
pub fn counting(router: axum::Router, refusal: Refusal) -> (axum::Router, Arc<Counts>) {
    let counts = Arc::new(Counts {
        refusal,
        answered: AtomicU64::new(0),
        throttled: AtomicU64::new(0),
    });
    let router = router.layer(middleware::from_fn_with_state(Arc::clone(&counts), count));
    (router, counts)
}

async fn count(State(counts): State<Arc<Counts>>, request: Request, next: Next) -> Response {
    let response = next.run(request).await;
    counts.answered.fetch_add(1, Ordering::Relaxed);
    match counts.refusal {
        Refusal::Status429 => {
            if response.status() == StatusCode::TOO_MANY_REQUESTS {
                counts.throttled.fetch_add(1, Ordering::Relaxed);
            }
            response
        }
        Refusal::RateLimitEnvelope => {
            let (parts, body) = response.into_parts();
            // Bodies here are small JSON envelopes; an unreadable one is
            // passed on empty and counted as an answer only.
            let bytes = axum::body::to_bytes(body, usize::MAX)
                .await
                .unwrap_or_default();
            if is_rate_limit_envelope(&bytes) {
                counts.throttled.fetch_add(1, Ordering::Relaxed);
            }
            Response::from_parts(parts, Body::from(bytes))
        }
    }
}

/// Whether a CartRover body is the `RateLimit` error envelope.
fn is_rate_limit_envelope(body: &[u8]) -> bool {
    // Cheap pre-check: most answers are successes without the word.
    if !body.windows(b"RateLimit".len()).any(|w| w == b"RateLimit") {
        return false;
    }
    serde_json::from_slice::<serde_json::Value>(body)
        .is_ok_and(|value| value["error_code"] == "RateLimit")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_rate_limit_envelope_counts() {
        assert!(is_rate_limit_envelope(
            br#"{"success_code":false,"error_code":"RateLimit","message":"slow down"}"#
        ));
        assert!(!is_rate_limit_envelope(
            br#"{"success_code":true,"response":{"note":"RateLimit"}}"#
        ));
        assert!(!is_rate_limit_envelope(br#"{"success_code":true}"#));
    }
}

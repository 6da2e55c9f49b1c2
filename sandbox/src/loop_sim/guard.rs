//! The checks every request passes before its handler: the `X-Authorization`
//! key and its scope, then the per-key rate limit.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use tokio::time::Instant;

use super::errors::LoopError;
use super::{LoopScope, Shared, lock};

/// Loop counts requests per key over a minute (spec §2.4).
const WINDOW: Duration = Duration::from_secs(60);

/// A sliding one-minute window: at most `limit` requests in any 60 seconds.
#[derive(Debug)]
pub(super) struct RateWindow {
    limit: usize,
    admitted: VecDeque<Instant>,
}

impl RateWindow {
    pub fn new(limit: u32) -> Self {
        RateWindow {
            limit: limit as usize,
            admitted: VecDeque::new(),
        }
    }

    /// Admits a request made at `now`, or refuses it when `limit` requests
    /// were already admitted in the minute before.
    pub fn admit(&mut self, now: Instant) -> bool {
        while self
            .admitted
            .front()
            .is_some_and(|t| now.saturating_duration_since(*t) >= WINDOW)
        {
            self.admitted.pop_front();
        }
        if self.admitted.len() >= self.limit {
            return false;
        }
        self.admitted.push_back(now);
        true
    }
}

/// Middleware state: the simulator and the scope the guarded routes need.
#[derive(Clone, Debug)]
pub(super) struct Guard {
    pub shared: Arc<Shared>,
    pub scope: LoopScope,
}

/// Answers 401 for a missing or wrong key and for a key without the route's
/// scope (Loop uses 401 for both, spec §2.2), then 429 past the rate limit.
/// Refused requests do not count against the limit.
pub(super) async fn check(State(guard): State<Guard>, request: Request, next: Next) -> Response {
    let config = &guard.shared.config;
    let key_ok = request
        .headers()
        .get("x-authorization")
        .is_some_and(|value| value.as_bytes() == config.api_key.as_bytes());
    if !key_ok || !config.scopes.contains(&guard.scope) {
        return LoopError::Unauthorized.into_response();
    }
    if let Some(window) = &guard.shared.limiter
        && !lock(window).admit(Instant::now())
    {
        return LoopError::RateLimited.into_response();
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_slides() {
        let start = Instant::now();
        let mut window = RateWindow::new(2);
        assert!(window.admit(start));
        assert!(window.admit(start + Duration::from_secs(30)));
        assert!(!window.admit(start + Duration::from_secs(59)));
        assert!(
            window.admit(start + Duration::from_secs(60)),
            "first slot freed"
        );
        assert!(!window.admit(start + Duration::from_secs(61)));
        assert!(window.admit(start + Duration::from_secs(90)));
    }
}

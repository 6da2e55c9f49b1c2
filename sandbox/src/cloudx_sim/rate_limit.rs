//! The API's request-rate limit: a token bucket on the simulator clock.

use std::time::Duration;

use time::OffsetDateTime;

/// `capacity` tokens, refilled continuously at `capacity` per second.
#[derive(Debug)]
pub(crate) struct TokenBucket {
    capacity: f64,
    tokens: f64,
    last: Option<OffsetDateTime>,
}

impl TokenBucket {
    pub(crate) fn new(per_second: u32) -> Self {
        let capacity = f64::from(per_second);
        Self {
            capacity,
            tokens: capacity,
            last: None,
        }
    }

    /// Takes a token, or says how long until one is available.
    pub(crate) fn try_acquire(&mut self, now: OffsetDateTime) -> Result<(), Duration> {
        if let Some(last) = self.last {
            let elapsed = (now - last).as_seconds_f64().max(0.0);
            self.tokens = (self.tokens + elapsed * self.capacity).min(self.capacity);
        }
        self.last = Some(now);
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            return Ok(());
        }
        if self.capacity <= 0.0 {
            return Err(Duration::from_secs(1));
        }
        Err(Duration::from_secs_f64((1.0 - self.tokens) / self.capacity))
    }
}

/// `Retry-After` seconds for a wait: rounded up, at least 1.
pub(crate) fn retry_after_secs(wait: Duration) -> u64 {
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    secs.max(1)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use time::macros::datetime;

    use super::{TokenBucket, retry_after_secs};

    #[test]
    fn the_bucket_empties_then_refills_with_time() {
        let start = datetime!(2026-01-01 00:00:00 UTC);
        let mut bucket = TokenBucket::new(2);
        assert!(bucket.try_acquire(start).is_ok());
        assert!(bucket.try_acquire(start).is_ok());
        let wait = bucket.try_acquire(start).unwrap_err();
        assert_eq!(wait, Duration::from_millis(500));
        assert!(
            bucket
                .try_acquire(start + Duration::from_millis(500))
                .is_ok()
        );
        assert!(
            bucket
                .try_acquire(start + Duration::from_millis(500))
                .is_err()
        );
    }

    #[test]
    fn retry_after_rounds_up_to_whole_seconds() {
        assert_eq!(retry_after_secs(Duration::from_millis(1)), 1);
        assert_eq!(retry_after_secs(Duration::from_secs(2)), 2);
        assert_eq!(retry_after_secs(Duration::from_millis(2100)), 3);
        assert_eq!(retry_after_secs(Duration::ZERO), 1);
    }
}

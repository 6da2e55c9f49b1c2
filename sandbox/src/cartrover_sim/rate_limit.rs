//! CartRover's leaky bucket (spec §2.4): one bucket per credential, `capacity`
//! calls of burst, one call regained every `refill_every`.
//!
//! Time is [`tokio::time::Instant`] so tests can drive it with paused time.

use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};

use tokio::time::Instant;

use super::config::LeakyBucketConfig;

/// Outcome of counting one call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Admission {
    /// The call may proceed; `remaining` whole calls are left in the bucket
    /// (the `X-CartRover-Api-Minute-Hits-Remaining` value).
    Allowed {
        /// Whole calls left after this one, rounded down.
        remaining: u64,
    },
    /// Over the limit: answer `RateLimit`.
    Refused,
}

/// One credential's bucket. Its level is kept in nanoseconds of refill time
/// (one call = `refill_every`), so the arithmetic is exact.
#[derive(Clone, Copy, Debug)]
struct Bucket {
    available_nanos: u128,
    updated: Instant,
}

impl Bucket {
    fn full(config: LeakyBucketConfig, now: Instant) -> Self {
        Self {
            available_nanos: capacity_nanos(config),
            updated: now,
        }
    }

    fn admit(&mut self, config: LeakyBucketConfig, now: Instant) -> Admission {
        let call = config.refill_every.as_nanos().max(1);
        let regained = now.saturating_duration_since(self.updated).as_nanos();
        self.available_nanos = (self.available_nanos + regained).min(capacity_nanos(config));
        self.updated = now;
        if self.available_nanos < call {
            return Admission::Refused;
        }
        self.available_nanos -= call;
        let remaining = self.available_nanos / call;
        Admission::Allowed {
            remaining: u64::try_from(remaining).unwrap_or(u64::MAX),
        }
    }
}

fn capacity_nanos(config: LeakyBucketConfig) -> u128 {
    u128::from(config.capacity) * config.refill_every.as_nanos().max(1)
}

/// The buckets of every credential; `None` config means unlimited.
#[derive(Debug)]
pub(crate) struct RateLimiter {
    config: Option<LeakyBucketConfig>,
    buckets: Mutex<HashMap<String, Bucket>>,
}

impl RateLimiter {
    pub(crate) fn new(config: Option<LeakyBucketConfig>) -> Self {
        Self {
            config,
            buckets: Mutex::new(HashMap::new()),
        }
    }

    /// Counts one call of the credential `api_user`; `None` when rate
    /// limiting is off.
    pub(crate) fn admit(&self, api_user: &str) -> Option<Admission> {
        let config = self.config?;
        let now = Instant::now();
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        let bucket = match buckets.get_mut(api_user) {
            Some(bucket) => bucket,
            None => buckets
                .entry(api_user.to_owned())
                .or_insert_with(|| Bucket::full(config, now)),
        };
        Some(bucket.admit(config, now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn vendor() -> LeakyBucketConfig {
        LeakyBucketConfig::default()
    }

    #[test]
    fn a_full_bucket_allows_its_capacity_then_refuses() {
        let start = Instant::now();
        let mut bucket = Bucket::full(vendor(), start);
        for expected in (0..100).rev() {
            assert_eq!(
                bucket.admit(vendor(), start),
                Admission::Allowed {
                    remaining: expected
                }
            );
        }
        assert_eq!(bucket.admit(vendor(), start), Admission::Refused);
    }

    #[test]
    fn one_call_is_regained_per_refill_period() {
        let start = Instant::now();
        let mut bucket = Bucket::full(vendor(), start);
        for _ in 0..100 {
            bucket.admit(vendor(), start);
        }
        let almost = start + Duration::from_millis(599);
        assert_eq!(bucket.admit(vendor(), almost), Admission::Refused);
        let one_period = start + Duration::from_millis(600);
        assert_eq!(
            bucket.admit(vendor(), one_period),
            Admission::Allowed { remaining: 0 }
        );
        assert_eq!(bucket.admit(vendor(), one_period), Admission::Refused);
    }

    #[test]
    fn refill_stops_at_capacity() {
        let start = Instant::now();
        let mut bucket = Bucket::full(vendor(), start);
        bucket.admit(vendor(), start);
        let much_later = start + Duration::from_secs(3600);
        assert_eq!(
            bucket.admit(vendor(), much_later),
            Admission::Allowed { remaining: 99 }
        );
    }

    #[test]
    fn credentials_have_separate_buckets_and_none_disables() {
        let limiter = RateLimiter::new(Some(LeakyBucketConfig {
            capacity: 1,
            refill_every: Duration::from_secs(3600),
        }));
        assert_eq!(
            limiter.admit("a"),
            Some(Admission::Allowed { remaining: 0 })
        );
        assert_eq!(limiter.admit("a"), Some(Admission::Refused));
        assert_eq!(
            limiter.admit("b"),
            Some(Admission::Allowed { remaining: 0 })
        );
        assert_eq!(RateLimiter::new(None).admit("a"), None);
    }
}

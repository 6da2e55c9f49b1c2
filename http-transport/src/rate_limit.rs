//! Client-side rate limiting, so a bulk job runs at the vendor's allowed rate
//! instead of collecting 429s.
//!
//! One limiter is shared by every clone of a transport. It is a GCRA bucket
//! from `governor`, driven by tokio's clock so tests with paused time see the
//! spacing without waiting.

use std::fmt;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::Clock;
use governor::{Quota, RateLimiter};

/// How fast a client may call a vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RateLimit {
    /// No client-side limit.
    #[default]
    Unlimited,
    /// A bucket of `capacity` calls, refilled one call every `refill_every`:
    /// bursts up to `capacity`, then one call per `refill_every`.
    Bucket {
        /// Calls allowed in a burst.
        capacity: NonZeroU32,
        /// Time to regain one call.
        refill_every: Duration,
    },
}

impl RateLimit {
    /// `n` calls per minute with bursts of up to `n` (Loop: 300 per minute
    /// per key). `0` means unlimited.
    pub fn per_minute(n: u32) -> Self {
        Self::spread(n, Duration::from_secs(60))
    }

    /// `n` calls per second with bursts of up to `n`. `0` means unlimited.
    pub fn per_second(n: u32) -> Self {
        Self::spread(n, Duration::from_secs(1))
    }

    /// A bucket of `capacity` calls refilling one every `refill_every`
    /// (CartRover: 100, one per 0.6 s). A zero capacity or period means
    /// unlimited.
    pub fn bucket(capacity: u32, refill_every: Duration) -> Self {
        match NonZeroU32::new(capacity) {
            Some(capacity) if !refill_every.is_zero() => RateLimit::Bucket {
                capacity,
                refill_every,
            },
            _ => RateLimit::Unlimited,
        }
    }

    fn spread(n: u32, window: Duration) -> Self {
        match NonZeroU32::new(n) {
            Some(count) => Self::bucket(count.get(), window / count.get()),
            None => RateLimit::Unlimited,
        }
    }
}

/// governor's clock, read from tokio so paused test time applies.
#[derive(Debug, Clone, Copy, Default)]
struct TokioClock;

impl Clock for TokioClock {
    type Instant = std::time::Instant;
    fn now(&self) -> Self::Instant {
        tokio::time::Instant::now().into_std()
    }
}

type Gcra = RateLimiter<
    governor::state::NotKeyed,
    governor::state::InMemoryState,
    TokioClock,
    governor::middleware::NoOpMiddleware<std::time::Instant>,
>;

/// The shared limiter of one transport.
pub(crate) struct Limiter {
    gcra: Option<Gcra>,
    refill_every: Duration,
    /// When the vendor reported no calls left, nobody goes before this.
    paused_until: Mutex<Option<tokio::time::Instant>>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        match limit {
            RateLimit::Unlimited => Self {
                gcra: None,
                refill_every: Duration::ZERO,
                paused_until: Mutex::new(None),
            },
            RateLimit::Bucket {
                capacity,
                refill_every,
            } => {
                let quota = Quota::with_period(refill_every)
                    .expect("bucket() rejects a zero period")
                    .allow_burst(capacity);
                Self {
                    gcra: Some(RateLimiter::direct_with_clock(quota, TokioClock)),
                    refill_every,
                    paused_until: Mutex::new(None),
                }
            }
        }
    }

    /// Waits until one more call is allowed.
    pub(crate) async fn acquire(&self) {
        let Some(gcra) = &self.gcra else { return };
        let pause = *self.paused_until.lock().expect("limiter lock");
        if let Some(until) = pause {
            tokio::time::sleep_until(until).await;
        }
        while let Err(not_until) = gcra.check() {
            tokio::time::sleep(not_until.wait_time_from(TokioClock.now())).await;
        }
    }

    /// Takes in the vendor's count of calls left in its window: when the
    /// vendor says none are left (another process may share the key), every
    /// caller waits one refill period before the next call.
    pub(crate) fn observe_remaining(&self, remaining: u64) {
        if self.gcra.is_none() || remaining > 0 {
            return;
        }
        let until = tokio::time::Instant::now() + self.refill_every;
        let mut pause = self.paused_until.lock().expect("limiter lock");
        if pause.is_none_or(|current| current < until) {
            *pause = Some(until);
        }
    }
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Limiter")
            .field("enabled", &self.gcra.is_some())
            .field("refill_every", &self.refill_every)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tokio::time::Instant;

    #[test]
    fn constructors_describe_the_vendor_limits() {
        assert_eq!(
            RateLimit::per_minute(300),
            RateLimit::Bucket {
                capacity: NonZeroU32::new(300).unwrap(),
                refill_every: Duration::from_millis(200)
            }
        );
        assert_eq!(
            RateLimit::bucket(100, Duration::from_millis(600)),
            RateLimit::Bucket {
                capacity: NonZeroU32::new(100).unwrap(),
                refill_every: Duration::from_millis(600)
            }
        );
        assert_eq!(RateLimit::per_second(0), RateLimit::Unlimited);
        assert_eq!(RateLimit::bucket(5, Duration::ZERO), RateLimit::Unlimited);
    }

    #[tokio::test(start_paused = true)]
    async fn a_bucket_allows_its_burst_then_spaces_calls() {
        let limiter = Limiter::new(RateLimit::bucket(3, Duration::from_millis(600)));
        let start = Instant::now();
        let mut at = Vec::new();
        for _ in 0..6 {
            limiter.acquire().await;
            at.push(start.elapsed().as_millis());
        }
        assert_eq!(at, [0, 0, 0, 600, 1200, 1800]);
    }

    #[tokio::test(start_paused = true)]
    async fn a_vendor_reporting_no_calls_left_pauses_everyone() {
        let limiter = Limiter::new(RateLimit::bucket(10, Duration::from_millis(600)));
        let start = Instant::now();
        limiter.acquire().await;
        limiter.observe_remaining(0);
        limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_millis(600));
        limiter.observe_remaining(7);
        limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_millis(600));
    }
}

//! Client-side rate limiting, so a bulk job runs at the vendor's allowed rate
//! instead of collecting 429s.
//!
//! One limiter is shared by every clone of a transport. Two shapes cover the
//! vendors: a **sliding window** ("at most `n` calls in any `period`", Loop's
//! 300 per minute) and a **bucket** ("bursts of `capacity`, one call regained
//! every `refill_every`", CartRover's 100 + 1 per 0.6 s, a GCRA from
//! `governor`). Both read tokio's clock, so tests with paused time see the
//! spacing without waiting.

use std::collections::VecDeque;
use std::fmt;
use std::num::NonZeroU32;
use std::sync::Mutex;
use std::time::Duration;

use governor::clock::Clock;
use governor::{Quota, RateLimiter};
use tokio::time::Instant;

/// How fast a client may call a vendor.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum RateLimit {
    /// No client-side limit.
    #[default]
    Unlimited,
    /// At most `max` calls in any window of length `per`, however the calls
    /// are spread: the shape of a vendor that counts calls per sliding (or
    /// fixed) window. A call that would be the `max + 1`-th within `per`
    /// waits until the oldest one leaves the window, plus 1 % of `per` so
    /// that network jitter between us and the vendor's clock cannot put
    /// `max + 1` calls into the vendor's window.
    Window {
        /// Calls allowed in any window.
        max: NonZeroU32,
        /// Length of the window.
        per: Duration,
    },
    /// A bucket of `capacity` calls, refilled one call every `refill_every`:
    /// bursts up to `capacity`, then one call per `refill_every`. Over a
    /// window of length `capacity × refill_every` this admits up to
    /// `2 × capacity − 1` calls: use it only for vendors that refill a bucket
    /// this way (CartRover), and [`RateLimit::Window`] for "n per period".
    Bucket {
        /// Calls allowed in a burst.
        capacity: NonZeroU32,
        /// Time to regain one call.
        refill_every: Duration,
    },
}

impl RateLimit {
    /// At most `n` calls in any 60 seconds (Loop: 300 per minute per key).
    /// `0` means unlimited.
    pub fn per_minute(n: u32) -> Self {
        Self::window(n, Duration::from_secs(60))
    }

    /// At most `n` calls in any second. `0` means unlimited.
    pub fn per_second(n: u32) -> Self {
        Self::window(n, Duration::from_secs(1))
    }

    /// At most `max` calls in any window of length `per`. A zero count or
    /// period means unlimited.
    pub fn window(max: u32, per: Duration) -> Self {
        match NonZeroU32::new(max) {
            Some(max) if !per.is_zero() => RateLimit::Window { max, per },
            _ => RateLimit::Unlimited,
        }
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
}

/// governor's clock, read from tokio so paused test time applies.
#[derive(Debug, Clone, Copy, Default)]
struct TokioClock;

impl Clock for TokioClock {
    type Instant = std::time::Instant;
    fn now(&self) -> Self::Instant {
        Instant::now().into_std()
    }
}

type Gcra = RateLimiter<
    governor::state::NotKeyed,
    governor::state::InMemoryState,
    TokioClock,
    governor::middleware::NoOpMiddleware<std::time::Instant>,
>;

/// The grant times of the last `max` calls; a new call may go once the
/// oldest is a whole `span` old.
struct SlidingWindow {
    max: usize,
    span: Duration,
    grants: Mutex<VecDeque<Instant>>,
}

impl SlidingWindow {
    fn new(max: NonZeroU32, per: Duration) -> Self {
        let max = max.get() as usize;
        Self {
            max,
            span: per + per / 100,
            grants: Mutex::new(VecDeque::with_capacity(max)),
        }
    }

    /// Takes a slot now, or answers when the next one frees.
    fn try_take(&self) -> Result<(), Instant> {
        let mut grants = self.grants.lock().expect("window lock");
        let now = Instant::now();
        while grants
            .front()
            .is_some_and(|&at| now.duration_since(at) >= self.span)
        {
            grants.pop_front();
        }
        match grants.front() {
            Some(&oldest) if grants.len() >= self.max => Err(oldest + self.span),
            _ => {
                grants.push_back(now);
                Ok(())
            }
        }
    }

    /// How long until a slot frees, from now.
    fn wait_hint(&self) -> Duration {
        let grants = self.grants.lock().expect("window lock");
        let spacing = self.span / self.max as u32;
        match grants.front() {
            Some(&oldest) if grants.len() >= self.max => {
                (oldest + self.span).saturating_duration_since(Instant::now())
            }
            _ => spacing,
        }
    }
}

enum Shape {
    Unlimited,
    Window(SlidingWindow),
    Bucket { gcra: Gcra, refill_every: Duration },
}

/// The shared limiter of one transport.
pub(crate) struct Limiter {
    shape: Shape,
    /// When the vendor said stop (a throttle, or no calls left), nobody goes
    /// before this.
    paused_until: Mutex<Option<Instant>>,
}

impl Limiter {
    pub(crate) fn new(limit: RateLimit) -> Self {
        let shape = match limit {
            RateLimit::Unlimited => Shape::Unlimited,
            RateLimit::Window { max, per } => Shape::Window(SlidingWindow::new(max, per)),
            RateLimit::Bucket {
                capacity,
                refill_every,
            } => {
                let quota = Quota::with_period(refill_every)
                    .expect("bucket() rejects a zero period")
                    .allow_burst(capacity);
                Shape::Bucket {
                    gcra: RateLimiter::direct_with_clock(quota, TokioClock),
                    refill_every,
                }
            }
        };
        Self {
            shape,
            paused_until: Mutex::new(None),
        }
    }

    /// Waits until one more call is allowed, and takes its slot.
    ///
    /// A pause is checked again after every wait for the shape: when the
    /// vendor says no calls are left while callers are already waiting for
    /// their slot, they wait out the pause too, instead of going at the
    /// instant their own clock allows (which, with the vendor's clock a
    /// little behind, it refuses).
    pub(crate) async fn acquire(&self) {
        loop {
            self.wait_out_pause().await;
            let free_at = match &self.shape {
                Shape::Unlimited => return,
                Shape::Window(window) => match window.try_take() {
                    Ok(()) => return,
                    Err(free_at) => free_at,
                },
                Shape::Bucket { gcra, .. } => match gcra.check() {
                    Ok(()) => return,
                    Err(not_until) => Instant::now() + not_until.wait_time_from(TokioClock.now()),
                },
            };
            tokio::time::sleep_until(free_at).await;
        }
    }

    async fn wait_out_pause(&self) {
        loop {
            let pause = *self.paused_until.lock().expect("limiter lock");
            match pause {
                Some(until) if until > Instant::now() => tokio::time::sleep_until(until).await,
                _ => return,
            }
        }
    }

    /// Holds every caller back for `delay` from now (a longer pause already
    /// in force stays).
    pub(crate) fn pause_for(&self, delay: Duration) {
        let until = Instant::now() + delay;
        let mut pause = self.paused_until.lock().expect("limiter lock");
        if pause.is_none_or(|current| current < until) {
            *pause = Some(until);
        }
    }

    /// How long the configured shape says to wait after the vendor throttled
    /// a call that gave no `Retry-After`: one refill of a bucket, or until
    /// the oldest call leaves a window. `None` when there is no limit to go
    /// by.
    pub(crate) fn throttle_hint(&self) -> Option<Duration> {
        match &self.shape {
            Shape::Unlimited => None,
            Shape::Window(window) => Some(window.wait_hint()),
            Shape::Bucket { refill_every, .. } => Some(*refill_every),
        }
    }

    /// Takes in the vendor's count of calls left in its window: when the
    /// vendor says none are left (another process may share the key), every
    /// caller waits as after a throttle.
    pub(crate) fn observe_remaining(&self, remaining: u64) {
        if remaining > 0 {
            return;
        }
        if let Some(delay) = self.throttle_hint() {
            self.pause_for(delay);
        }
    }
}

impl fmt::Debug for Limiter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let shape = match &self.shape {
            Shape::Unlimited => "unlimited".to_owned(),
            Shape::Window(w) => format!("{} per {:?}", w.max, w.span),
            Shape::Bucket {
                gcra: _,
                refill_every,
            } => format!("bucket, 1 per {refill_every:?}"),
        };
        f.debug_struct("Limiter").field("shape", &shape).finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constructors_describe_the_vendor_limits() {
        assert_eq!(
            RateLimit::per_minute(300),
            RateLimit::Window {
                max: NonZeroU32::new(300).unwrap(),
                per: Duration::from_secs(60)
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
        assert_eq!(RateLimit::window(5, Duration::ZERO), RateLimit::Unlimited);
        assert_eq!(RateLimit::bucket(5, Duration::ZERO), RateLimit::Unlimited);
    }

    /// The most grants any window of length `per` holds.
    fn busiest_window(at: &[Duration], per: Duration) -> usize {
        at.iter()
            .map(|&start| {
                at.iter()
                    .filter(|&&t| t >= start && t < start + per)
                    .count()
            })
            .max()
            .unwrap_or(0)
    }

    #[tokio::test(start_paused = true)]
    async fn a_window_never_admits_more_than_its_limit_in_any_period() {
        let n = 300;
        let per = Duration::from_secs(60);
        let limiter = Limiter::new(RateLimit::per_minute(n));
        let start = Instant::now();
        let mut at = Vec::new();
        for _ in 0..(3 * n + 1) {
            limiter.acquire().await;
            at.push(start.elapsed());
        }
        assert_eq!(busiest_window(&at, per), n as usize);
        // The first n go at once; the n+1-th waits one window and its margin.
        assert_eq!(at[n as usize - 1], Duration::ZERO);
        assert_eq!(at[n as usize], Duration::from_millis(60_600));
        // Throughput over three windows stays within 1 % of the limit.
        let achieved = (3 * n) as f64 / at[3 * n as usize].as_secs_f64() * 60.0;
        assert!(achieved >= 0.98 * n as f64, "{achieved} per minute");
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

    #[tokio::test(start_paused = true)]
    async fn a_pause_set_while_callers_wait_for_the_bucket_holds_them_too() {
        let limiter = std::sync::Arc::new(Limiter::new(RateLimit::bucket(
            1,
            Duration::from_millis(600),
        )));
        let start = Instant::now();
        limiter.acquire().await;
        let waiting = std::sync::Arc::clone(&limiter);
        let waiter = tokio::spawn(async move {
            waiting.acquire().await;
            start.elapsed()
        });
        // The waiter now sleeps until its slot at 600 ms; then the vendor
        // reports no calls left.
        tokio::time::sleep(Duration::from_millis(100)).await;
        limiter.observe_remaining(0);
        assert_eq!(waiter.await.unwrap(), Duration::from_millis(700));
    }

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_back_even_an_unlimited_limiter() {
        let limiter = Limiter::new(RateLimit::Unlimited);
        let start = Instant::now();
        limiter.pause_for(Duration::from_secs(2));
        limiter.pause_for(Duration::from_secs(1)); // a shorter pause does not shorten it
        limiter.acquire().await;
        assert_eq!(start.elapsed(), Duration::from_secs(2));
    }

    #[tokio::test(start_paused = true)]
    async fn the_throttle_hint_follows_the_configured_shape() {
        let bucket = Limiter::new(RateLimit::bucket(100, Duration::from_millis(1200)));
        assert_eq!(bucket.throttle_hint(), Some(Duration::from_millis(1200)));
        assert_eq!(Limiter::new(RateLimit::Unlimited).throttle_hint(), None);

        let window = Limiter::new(RateLimit::window(2, Duration::from_secs(10)));
        window.acquire().await;
        tokio::time::advance(Duration::from_secs(4)).await;
        window.acquire().await;
        // Full: the oldest call leaves the window (10.1 s with the margin) 6.1 s from now.
        assert_eq!(window.throttle_hint(), Some(Duration::from_millis(6100)));
    }
}

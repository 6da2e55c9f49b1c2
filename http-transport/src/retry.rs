//! When to try a call again, as a pure function.
//!
//! [`decide`] takes everything that matters — the policy, which attempt just
//! failed, how long the call has taken, whether repeating it is safe and how
//! it failed — and answers stop or retry after a delay. No clock, no I/O, no
//! randomness (the jitter is a parameter), so the whole table is unit-tested.

use std::time::{Duration, SystemTime};

use crate::classify::RetryClass;
use crate::error::TransportErrorKind;

/// Bounds on retrying one call.
///
/// Backoff is capped exponential with full jitter: before retry `n` the delay
/// is a random fraction of `min(max_backoff, initial_backoff × 2ⁿ⁻¹)`. A
/// `Retry-After` from the vendor replaces the backoff, capped at
/// `max_retry_after`. No retry starts once `max_elapsed` would be exceeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Total attempts including the first; 1 disables retries.
    pub max_attempts: u32,
    /// Backoff ceiling before the first retry.
    pub initial_backoff: Duration,
    /// Largest backoff ceiling.
    pub max_backoff: Duration,
    /// Largest `Retry-After` honoured; longer requests are shortened to this.
    pub max_retry_after: Duration,
    /// Time budget of the whole call, retries and waits included.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, backoff from 250 ms up to 10 s, `Retry-After` up to 60 s,
    /// 120 s in all.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(250),
            max_backoff: Duration::from_secs(10),
            max_retry_after: Duration::from_secs(60),
            max_elapsed: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the total number of attempts (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the first and largest backoff ceilings.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the largest `Retry-After` honoured.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Sets the time budget of the whole call.
    pub fn with_max_elapsed(mut self, max: Duration) -> Self {
        self.max_elapsed = max;
        self
    }
}

/// How an attempt failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// The vendor answered with an error of this class (from the status or
    /// from the vendor's classifier, e.g. a throttle signalled in a 200).
    Answered {
        /// Whether the answer is fatal, transient or a throttle.
        class: RetryClass,
        /// The delay the vendor asked for, if any.
        retry_after: Option<Duration>,
    },
    /// No answer arrived.
    Transport(TransportErrorKind),
}

/// What to do after a failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Decision {
    /// Give up and report the failure.
    Stop,
    /// Sleep this long, then try again.
    RetryAfter(Duration),
}

/// Decides whether to retry after attempt number `attempt` (1-based) failed
/// with `outcome`, `elapsed` after the call started.
///
/// `attempt` counts the attempts that count against
/// [`RetryPolicy::max_attempts`]: throttled attempts do not. A throttle is
/// retried until [`RetryPolicy::max_elapsed`] would be exceeded (unless the
/// policy allows no retry at all), after the vendor's `Retry-After` or, when
/// the vendor gave none, after the delay the caller passes in its place
/// (the transport uses [`throttle_backoff`] and its rate limiter's shape).
///
/// `retry_safe` is true for idempotent requests and for requests the caller
/// marked safe to repeat. A request that was never sent (connect failure) or
/// that the vendor throttled (429, or a classifier's
/// [`RetryClass::Throttle`]: turned away unprocessed) is always safe to
/// repeat; anything else that may have reached the vendor is repeated only
/// when `retry_safe`. Fatal answers are never retried.
/// `jitter` is a number in `[0, 1)` scaling the backoff (full jitter).
pub fn decide(
    policy: &RetryPolicy,
    attempt: u32,
    elapsed: Duration,
    retry_safe: bool,
    outcome: Outcome,
    jitter: f64,
) -> Decision {
    let throttled = matches!(
        outcome,
        Outcome::Answered {
            class: RetryClass::Throttle,
            ..
        }
    );
    // Throttles do not use up attempts: a vendor that counts calls per
    // minute may need a whole minute before it takes the call, and the time
    // budget bounds the wait. A policy without retries still never retries.
    let out_of_attempts = if throttled {
        policy.max_attempts <= 1
    } else {
        attempt >= policy.max_attempts
    };
    if out_of_attempts {
        return Decision::Stop;
    }
    let retry_after = match outcome {
        Outcome::Answered {
            class: RetryClass::Fatal,
            ..
        } => return Decision::Stop,
        // A throttled call was turned away before the vendor acted on it,
        // so repeating it is safe whatever its method.
        Outcome::Answered {
            class: RetryClass::Throttle,
            retry_after,
        } => retry_after,
        Outcome::Answered { retry_after, .. } if retry_safe => retry_after,
        Outcome::Transport(TransportErrorKind::Connect) => None,
        Outcome::Transport(_) if retry_safe => None,
        _ => return Decision::Stop,
    };
    let delay = match retry_after {
        Some(asked) => asked.min(policy.max_retry_after),
        None => backoff(policy, attempt, jitter),
    };
    if elapsed.saturating_add(delay) > policy.max_elapsed {
        return Decision::Stop;
    }
    Decision::RetryAfter(delay)
}

/// The full-jitter backoff before the retry that follows attempt `attempt`.
pub fn backoff(policy: &RetryPolicy, attempt: u32, jitter: f64) -> Duration {
    let doublings = attempt.saturating_sub(1).min(31);
    let ceiling = policy
        .initial_backoff
        .saturating_mul(1u32 << doublings)
        .min(policy.max_backoff);
    ceiling.mul_f64(jitter.clamp(0.0, 1.0))
}

/// The wait after the `throttled`-th throttle (1-based) that came without
/// `Retry-After`: the backoff ceiling of [`backoff`] with *equal* jitter (at
/// least half the ceiling), so repeated throttles always slow down. With the
/// default policy: 125–250 ms, 250–500 ms, … up to 5–10 s; about eleven
/// throttled retries outlast a one-minute vendor window, well within the
/// default 120 s budget.
pub fn throttle_backoff(policy: &RetryPolicy, throttled: u32, jitter: f64) -> Duration {
    let ceiling = backoff(policy, throttled, 1.0);
    ceiling / 2 + (ceiling / 2).mul_f64(jitter.clamp(0.0, 1.0))
}

/// Parses a `Retry-After` value — delay in seconds or an HTTP date — into a
/// delay from `now`. A date in the past gives zero; garbage gives `None`.
/// A delay too long for a [`Duration`] (say `1e30`) gives [`Duration::MAX`]:
/// the vendor asked for a long wait, and [`decide`] caps it at
/// [`RetryPolicy::max_retry_after`].
pub fn parse_retry_after(value: &str, now: SystemTime) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    if let Ok(seconds) = value.parse::<f64>() {
        return (seconds.is_finite() && seconds >= 0.0)
            .then(|| Duration::try_from_secs_f64(seconds).unwrap_or(Duration::MAX));
    }
    let at = httpdate::parse_http_date(value).ok()?;
    Some(at.duration_since(now).unwrap_or(Duration::ZERO))
}

#[cfg(test)]
mod tests {
    use super::*;

    const fn ms(n: u64) -> Duration {
        Duration::from_millis(n)
    }

    fn answered(class: RetryClass, retry_after: Option<Duration>) -> Outcome {
        Outcome::Answered { class, retry_after }
    }

    #[test]
    fn decision_table() {
        use Decision::{RetryAfter, Stop};
        use RetryClass::{Fatal, Retryable, Throttle};
        use TransportErrorKind::{Connect, Dropped, Timeout};
        let policy = RetryPolicy::default();
        // (attempt, elapsed, retry_safe, outcome, jitter) -> decision
        #[rustfmt::skip]
        let table: &[(u32, Duration, bool, Outcome, f64, Decision)] = &[
            // Transient answers on idempotent calls back off exponentially.
            (1, ms(0), true, answered(Retryable, None), 1.0, RetryAfter(ms(250))),
            (2, ms(0), true, answered(Retryable, None), 1.0, RetryAfter(ms(500))),
            (3, ms(0), true, answered(Retryable, None), 1.0, RetryAfter(ms(1000))),
            (1, ms(0), true, answered(Retryable, None), 0.5, RetryAfter(ms(125))),
            (1, ms(0), true, answered(Retryable, None), 0.0, RetryAfter(ms(0))),
            // The attempt limit stops everything but throttles, which only
            // the time budget bounds.
            (4, ms(0), true, answered(Retryable, None), 1.0, Stop),
            (4, ms(0), true, Outcome::Transport(Connect), 1.0, Stop),
            (4, ms(0), true, answered(Throttle, Some(ms(5000))), 1.0, RetryAfter(ms(5000))),
            (40, ms(60_000), false, answered(Throttle, Some(ms(5000))), 1.0, RetryAfter(ms(5000))),
            // Fatal answers are final, safe or not.
            (1, ms(0), true, answered(Fatal, None), 1.0, Stop),
            (1, ms(0), true, answered(Fatal, Some(ms(10))), 1.0, Stop),
            // Retry-After replaces the backoff, and is capped.
            (1, ms(0), true, answered(Throttle, Some(ms(2000))), 0.1, RetryAfter(ms(2000))),
            (1, ms(0), true, answered(Throttle, Some(ms(600_000))), 0.1, RetryAfter(ms(60_000))),
            (1, ms(0), true, answered(Throttle, None), 1.0, RetryAfter(ms(250))),
            // Non-idempotent calls are retried only when never sent or
            // throttled (turned away unprocessed).
            (1, ms(0), false, answered(Retryable, None), 1.0, Stop),
            (1, ms(0), false, answered(Throttle, Some(ms(1000))), 1.0, RetryAfter(ms(1000))),
            (1, ms(0), false, answered(Throttle, None), 1.0, RetryAfter(ms(250))),
            (1, ms(0), false, Outcome::Transport(Timeout), 1.0, Stop),
            (1, ms(0), false, Outcome::Transport(Dropped), 1.0, Stop),
            (1, ms(0), false, Outcome::Transport(Connect), 1.0, RetryAfter(ms(250))),
            (1, ms(0), true, Outcome::Transport(Timeout), 1.0, RetryAfter(ms(250))),
            (1, ms(0), true, Outcome::Transport(Dropped), 1.0, RetryAfter(ms(250))),
            // The time budget stops a retry that would overrun it.
            (1, ms(119_900), true, answered(Retryable, None), 1.0, Stop),
            (1, ms(119_700), true, answered(Retryable, None), 1.0, RetryAfter(ms(250))),
            (1, ms(100_000), true, answered(Throttle, Some(ms(30_000))), 1.0, Stop),
        ];
        for (i, &(attempt, elapsed, safe, outcome, jitter, expected)) in table.iter().enumerate() {
            let got = decide(&policy, attempt, elapsed, safe, outcome, jitter);
            assert_eq!(
                got, expected,
                "row {i}: attempt {attempt}, safe {safe}, {outcome:?}"
            );
        }
    }

    #[test]
    fn backoff_is_capped() {
        let policy = RetryPolicy::default().with_max_attempts(100);
        assert_eq!(backoff(&policy, 6, 1.0), Duration::from_secs(8));
        assert_eq!(backoff(&policy, 7, 1.0), Duration::from_secs(10));
        assert_eq!(backoff(&policy, 90, 1.0), Duration::from_secs(10));
        assert_eq!(
            backoff(&policy, 7, 7.0),
            Duration::from_secs(10),
            "jitter is clamped"
        );
    }

    #[test]
    fn a_policy_without_retries_stops_at_once() {
        let outcome = Outcome::Transport(TransportErrorKind::Connect);
        let got = decide(&RetryPolicy::none(), 1, ms(0), true, outcome, 0.5);
        assert_eq!(got, Decision::Stop);
        let throttle = answered(RetryClass::Throttle, Some(ms(10)));
        let got = decide(&RetryPolicy::none(), 1, ms(0), true, throttle, 0.5);
        assert_eq!(got, Decision::Stop);
    }

    #[test]
    fn throttle_backoff_grows_and_never_drops_below_half_its_ceiling() {
        let policy = RetryPolicy::default();
        assert_eq!(throttle_backoff(&policy, 1, 0.0), ms(125));
        assert_eq!(throttle_backoff(&policy, 1, 1.0), ms(250));
        assert_eq!(throttle_backoff(&policy, 3, 0.0), ms(500));
        assert_eq!(throttle_backoff(&policy, 30, 0.0), ms(5000));
        // Waiting the shortest delays still outlasts a one-minute window
        // within the default time budget.
        let mut waited = Duration::ZERO;
        let mut throttles = 0;
        while waited < Duration::from_secs(61) {
            throttles += 1;
            waited += throttle_backoff(&policy, throttles, 0.0);
        }
        assert!(
            waited < policy.max_elapsed,
            "{throttles} throttles, {waited:?}"
        );
    }

    #[test]
    fn retry_after_accepts_seconds_and_http_dates() {
        let now = httpdate::parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        let table = [
            ("2", Some(Duration::from_secs(2))),
            (" 120 ", Some(Duration::from_secs(120))),
            ("1.5", Some(Duration::from_millis(1500))),
            (
                "Sun, 06 Nov 1994 08:49:47 GMT",
                Some(Duration::from_secs(10)),
            ),
            ("Sun, 06 Nov 1994 08:49:00 GMT", Some(Duration::ZERO)),
            ("-1", None),
            // Past u64 seconds: found by the clients' never_panics property
            // tests, where it used to panic in `Duration::from_secs_f64`.
            ("18446744073709551616", Some(Duration::MAX)),
            ("1e30", Some(Duration::MAX)),
            ("1e400", None),
            ("NaN", None),
            ("soon", None),
            ("", None),
        ];
        for (value, expected) in table {
            assert_eq!(parse_retry_after(value, now), expected, "{value:?}");
        }
    }
}

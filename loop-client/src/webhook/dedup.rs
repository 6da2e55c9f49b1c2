//! Recognising a webhook delivery seen before.

use std::collections::{HashMap, VecDeque};
use std::hash::{Hash, Hasher};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::events::WebhookEvent;

/// The identity of one webhook delivery, for a [`Deduplicator`].
///
/// Loop documents no delivery or event id, so the identity is built from what
/// a repeated delivery of the same event repeats (a 64-bit hash, so a key
/// costs a few bytes):
///
/// | event | identity |
/// |---|---|
/// | `return` | topic, trigger, return id, state, `updated_at`, `edited_at` |
/// | `label` | topic, trigger, return id, shipment id, tracking number, label status, `label_updated_at` |
/// | `return.processing` | topic, trigger, return id, return state, message |
/// | any other topic | topic, trigger and the whole payload |
///
/// [`DeliveryKey::of_body`] keys on the raw body instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct DeliveryKey(u64);

impl DeliveryKey {
    /// The identity of a parsed event (see the table above).
    pub fn of_event(event: &WebhookEvent) -> Self {
        let mut h = StableHasher::default();
        match event {
            WebhookEvent::Return(e) => {
                ("return", &e.topic, &e.trigger, &e.ret.id, &e.ret.state).hash(&mut h);
                (e.ret.updated_at, e.ret.edited_at).hash(&mut h);
            }
            WebhookEvent::Label(e) => {
                ("label", &e.topic, &e.trigger, &e.id, &e.shipment_id).hash(&mut h);
                (&e.tracking_number, &e.label_status, e.label_updated_at).hash(&mut h);
            }
            WebhookEvent::ReturnProcessing(e) => {
                ("return.processing", &e.topic, &e.trigger, &e.return_id).hash(&mut h);
                (&e.return_state, &e.message).hash(&mut h);
            }
            WebhookEvent::Other(e) => {
                ("other", &e.topic, &e.trigger, e.payload.to_string()).hash(&mut h);
            }
        }
        DeliveryKey(h.finish())
    }

    /// The identity of a raw body: byte-identical deliveries share it.
    pub fn of_body(body: &[u8]) -> Self {
        let mut h = StableHasher::default();
        ("body", body).hash(&mut h);
        DeliveryKey(h.finish())
    }
}

impl DeliveryKey {
    /// The identity as a number.
    pub fn as_u64(self) -> u64 {
        self.0
    }
}

/// 16 hex digits: the form to store (an inbox key, a unique column).
impl std::fmt::Display for DeliveryKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// FNV-1a: unlike std's `DefaultHasher`, whose algorithm may change between
/// Rust releases, the same delivery keeps the same key across toolchains,
/// so a key kept on disk still recognises a redelivery after an upgrade.
struct StableHasher(u64);

impl Default for StableHasher {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl Hasher for StableHasher {
    fn write(&mut self, bytes: &[u8]) {
        for &byte in bytes {
            self.0 ^= u64::from(byte);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl From<&WebhookEvent> for DeliveryKey {
    fn from(event: &WebhookEvent) -> Self {
        Self::of_event(event)
    }
}

/// Remembers recent webhook deliveries so a repeated one is acted on once.
///
/// Loop retries a failed delivery up to five times over up to about half an
/// hour, and a slow answer can make it deliver again, so a receiver sees the
/// same event more than once. Ask [`first_seen`](Self::first_seen) after
/// verifying the signature and act only when it answers `true`.
///
/// Bounded and time-windowed: a delivery is remembered for `window` after it
/// was first seen, and at most `capacity` deliveries are remembered (the
/// oldest is forgotten first). Thread-safe (`&self`, one short lock), so share
/// one in an `Arc` between request handlers. It lives in one process's
/// memory: with several receivers, or across restarts, keep a durable record
/// too (e.g. a unique key in your database) — and make acting idempotent
/// anyway, which Loop's actions mostly are.
///
/// ```
/// use std::time::Duration;
/// use loop_client::webhook::{Deduplicator, parse_event};
///
/// let dedup = Deduplicator::new(10_000, Duration::from_secs(2 * 60 * 60));
/// let body = br#"{"topic":"return","trigger":"return.closed","id":7,"state":"closed","updated_at":"2026-01-05T10:00:00Z"}"#;
/// let event = parse_event(body).unwrap();
/// assert!(dedup.first_seen(&event));                  // act on it
/// assert!(!dedup.first_seen(&parse_event(body).unwrap())); // Loop's retry: acknowledge only
/// ```
#[derive(Debug)]
pub struct Deduplicator {
    capacity: usize,
    window: Duration,
    state: Mutex<Seen>,
}

#[derive(Debug, Default)]
struct Seen {
    at: HashMap<DeliveryKey, Instant>,
    // Every remembered key once, oldest first, with the instant in `at`.
    order: VecDeque<(DeliveryKey, Instant)>,
}

impl Deduplicator {
    /// Default [`capacity`](Self::new): deliveries remembered at most.
    pub const DEFAULT_CAPACITY: usize = 10_000;
    /// Default [`window`](Self::new): two hours, beyond Loop's documented
    /// retry schedule.
    pub const DEFAULT_WINDOW: Duration = Duration::from_secs(2 * 60 * 60);

    /// Remembers up to `capacity` deliveries (at least 1), each for `window`.
    pub fn new(capacity: usize, window: Duration) -> Self {
        Self {
            capacity: capacity.max(1),
            window,
            state: Mutex::new(Seen::default()),
        }
    }

    /// Whether this is the first delivery of `event` within the window (keyed
    /// by [`DeliveryKey::of_event`]); remembers it.
    pub fn first_seen(&self, event: &WebhookEvent) -> bool {
        self.first_seen_key(DeliveryKey::of_event(event), Instant::now())
    }

    /// Whether `key` is seen for the first time within the window, as of
    /// `now` (pass `Instant::now()`; a parameter so tests need no clock).
    pub fn first_seen_key(&self, key: DeliveryKey, now: Instant) -> bool {
        let mut seen = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        while let Some(&(old, at)) = seen.order.front() {
            if now.saturating_duration_since(at) < self.window {
                break;
            }
            seen.order.pop_front();
            seen.at.remove(&old);
        }
        if seen.at.contains_key(&key) {
            return false;
        }
        while seen.order.len() >= self.capacity {
            let Some((old, _)) = seen.order.pop_front() else {
                break;
            };
            seen.at.remove(&old);
        }
        seen.at.insert(key, now);
        seen.order.push_back((key, now));
        true
    }

    /// How many deliveries are remembered now (expired ones may still count
    /// until the next call).
    pub fn len(&self) -> usize {
        self.state
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .order
            .len()
    }

    /// Whether nothing is remembered.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

impl Default for Deduplicator {
    /// [`DEFAULT_CAPACITY`](Self::DEFAULT_CAPACITY) deliveries for
    /// [`DEFAULT_WINDOW`](Self::DEFAULT_WINDOW).
    fn default() -> Self {
        Self::new(Self::DEFAULT_CAPACITY, Self::DEFAULT_WINDOW)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(n: u8) -> DeliveryKey {
        DeliveryKey::of_body(&[n])
    }

    #[test]
    fn a_repeat_within_the_window_is_not_first_seen() {
        let dedup = Deduplicator::new(10, Duration::from_secs(60));
        let t0 = Instant::now();
        assert!(dedup.first_seen_key(key(1), t0));
        assert!(!dedup.first_seen_key(key(1), t0 + Duration::from_secs(59)));
        assert!(dedup.first_seen_key(key(2), t0 + Duration::from_secs(59)));
        // After the window the first sighting is forgotten.
        assert!(dedup.first_seen_key(key(1), t0 + Duration::from_secs(60)));
        assert!(!dedup.first_seen_key(key(1), t0 + Duration::from_secs(61)));
    }

    #[test]
    fn memory_is_bounded_by_capacity_oldest_forgotten_first() {
        let dedup = Deduplicator::new(3, Duration::from_secs(3600));
        let t0 = Instant::now();
        for n in 0..100 {
            assert!(dedup.first_seen_key(key(n), t0));
            assert!(dedup.len() <= 3);
        }
        assert!(!dedup.first_seen_key(key(99), t0));
        assert!(!dedup.first_seen_key(key(97), t0));
        assert!(dedup.first_seen_key(key(0), t0)); // long forgotten
        assert_eq!(dedup.len(), 3);
    }

    #[test]
    fn shared_between_threads_each_delivery_wins_once() {
        let dedup = std::sync::Arc::new(Deduplicator::default());
        let t0 = Instant::now();
        let handles: Vec<_> = (0..8)
            .map(|_| {
                let dedup = dedup.clone();
                std::thread::spawn(move || {
                    (0..50)
                        .filter(|n| dedup.first_seen_key(key(*n), t0))
                        .count()
                })
            })
            .collect();
        let firsts: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();
        assert_eq!(firsts, 50);
    }
}

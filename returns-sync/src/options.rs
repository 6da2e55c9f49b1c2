//! How the engine runs: schedules, windows, concurrency, leases, and the one
//! choice about returns whose sales channel cannot be known.

use std::time::Duration;

use serde::{Deserialize, Serialize};

/// The engine's own settings (the merchant's are
/// [`IntegrationSettings`](returns_core::IntegrationSettings)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[non_exhaustive]
pub struct EngineOptions {
    /// How often [`run`](crate::SyncEngine::run) pulls new and changed
    /// returns from Loop (default 5 minutes).
    #[serde(with = "seconds")]
    pub pull_interval: Duration,
    /// How often it polls the open tickets (default 15 minutes).
    #[serde(with = "seconds")]
    pub poll_interval: Duration,
    /// Up to this fraction of an interval is added at random to each wait,
    /// so several engines do not call the vendors in step (default 0.1).
    pub jitter: f64,
    /// On the first run (no watermark), returns updated this far back are
    /// pulled (default 60 days).
    #[serde(with = "seconds")]
    pub lookback: Duration,
    /// Later runs pull from the watermark minus this overlap, so a return
    /// updated while the last pull ran is not missed (default 10 minutes).
    #[serde(with = "seconds")]
    pub pull_overlap: Duration,
    /// Calls in flight at once per vendor (default 8).
    pub concurrency: usize,
    /// When channel exclusions are configured and a return's sales channel
    /// cannot be known even from its order, send it to the warehouse anyway
    /// (default `false`: it waits and is reported as "channel unknown").
    pub send_when_channel_unknown: bool,
    /// How long a worker's claim on a return lasts (default 5 minutes).
    /// Several workers may share one store; each claims a batch of returns
    /// before calling a vendor about them and renews the claims every third
    /// of this while it works on them. A worker that stops leaves its
    /// returns to the others once this has passed; it must exceed the
    /// longest a working worker may stall (a store that does not answer, a
    /// paused process).
    #[serde(with = "seconds")]
    pub lease: Duration,
    /// Returns claimed and worked on together (default 32). Smaller batches
    /// spread work across workers more evenly; larger ones make fewer
    /// store round trips.
    pub batch: usize,
    /// How long an item found in CloudX's item master is taken as there
    /// without asking again (default 1 hour; zero asks every time). An item
    /// removed from the master meanwhile is still caught: CloudX refuses
    /// the ticket naming it and the return waits as "items missing".
    #[serde(with = "seconds")]
    pub known_items_ttl: Duration,
}

impl Default for EngineOptions {
    fn default() -> Self {
        Self {
            pull_interval: Duration::from_secs(5 * 60),
            poll_interval: Duration::from_secs(15 * 60),
            jitter: 0.1,
            lookback: Duration::from_secs(60 * 24 * 60 * 60),
            pull_overlap: Duration::from_secs(10 * 60),
            concurrency: 8,
            send_when_channel_unknown: false,
            lease: Duration::from_secs(5 * 60),
            batch: 32,
            known_items_ttl: Duration::from_secs(60 * 60),
        }
    }
}

/// A setting the engine cannot run with, naming it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid engine setting `{field}`: {reason}")]
pub struct InvalidOption {
    /// The setting.
    pub field: &'static str,
    /// Why.
    pub reason: String,
}

impl EngineOptions {
    /// Sets [`pull_interval`](Self::pull_interval).
    pub fn with_pull_interval(mut self, every: Duration) -> Self {
        self.pull_interval = every;
        self
    }

    /// Sets [`poll_interval`](Self::poll_interval).
    pub fn with_poll_interval(mut self, every: Duration) -> Self {
        self.poll_interval = every;
        self
    }

    /// Sets [`jitter`](Self::jitter).
    pub fn with_jitter(mut self, fraction: f64) -> Self {
        self.jitter = fraction;
        self
    }

    /// Sets [`lookback`](Self::lookback).
    pub fn with_lookback(mut self, window: Duration) -> Self {
        self.lookback = window;
        self
    }

    /// Sets [`pull_overlap`](Self::pull_overlap).
    pub fn with_pull_overlap(mut self, overlap: Duration) -> Self {
        self.pull_overlap = overlap;
        self
    }

    /// Sets [`concurrency`](Self::concurrency).
    pub fn with_concurrency(mut self, calls: usize) -> Self {
        self.concurrency = calls;
        self
    }

    /// Sets [`send_when_channel_unknown`](Self::send_when_channel_unknown).
    pub fn with_send_when_channel_unknown(mut self, send: bool) -> Self {
        self.send_when_channel_unknown = send;
        self
    }

    /// Sets [`lease`](Self::lease).
    pub fn with_lease(mut self, lease: Duration) -> Self {
        self.lease = lease;
        self
    }

    /// Sets [`batch`](Self::batch).
    pub fn with_batch(mut self, returns: usize) -> Self {
        self.batch = returns;
        self
    }

    /// Sets [`known_items_ttl`](Self::known_items_ttl).
    pub fn with_known_items_ttl(mut self, ttl: Duration) -> Self {
        self.known_items_ttl = ttl;
        self
    }

    /// Checks every setting, naming the first bad one.
    ///
    /// # Errors
    /// A zero interval, lookback, lease, concurrency or batch, or a jitter
    /// outside `0..=1`.
    pub fn validate(&self) -> Result<(), InvalidOption> {
        let invalid = |field, reason: &str| {
            Err(InvalidOption {
                field,
                reason: reason.to_owned(),
            })
        };
        if self.pull_interval.is_zero() {
            return invalid("pull_interval", "must be longer than zero");
        }
        if self.poll_interval.is_zero() {
            return invalid("poll_interval", "must be longer than zero");
        }
        if self.lookback.is_zero() {
            return invalid("lookback", "must be longer than zero");
        }
        if !(0.0..=1.0).contains(&self.jitter) {
            return invalid("jitter", "must be between 0 and 1");
        }
        if self.concurrency == 0 {
            return invalid("concurrency", "must be at least 1");
        }
        if self.lease.is_zero() {
            return invalid("lease", "must be longer than zero");
        }
        if self.batch == 0 {
            return invalid("batch", "must be at least 1");
        }
        Ok(())
    }
}

/// Durations as whole seconds in configuration files. Negative or fractional
/// values are refused by the decoder.
mod seconds {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub(super) fn serialize<S: Serializer>(value: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_u64(value.as_secs())
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        u64::deserialize(d).map(Duration::from_secs)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid() {
        assert_eq!(EngineOptions::default().validate(), Ok(()));
    }

    #[test]
    fn bad_settings_name_their_field() {
        type Spoil = fn(&mut EngineOptions);
        let cases: [(Spoil, &str); 7] = [
            (|o| o.pull_interval = Duration::ZERO, "pull_interval"),
            (|o| o.poll_interval = Duration::ZERO, "poll_interval"),
            (|o| o.lookback = Duration::ZERO, "lookback"),
            (|o| o.jitter = 1.5, "jitter"),
            (|o| o.concurrency = 0, "concurrency"),
            (|o| o.lease = Duration::ZERO, "lease"),
            (|o| o.batch = 0, "batch"),
        ];
        for (spoil, field) in cases {
            let mut options = EngineOptions::default();
            spoil(&mut options);
            assert_eq!(options.validate().unwrap_err().field, field);
        }
    }

    #[test]
    fn a_negative_interval_in_a_file_is_refused() {
        let error = serde_json::from_str::<EngineOptions>(r#"{"poll_interval": -5}"#).unwrap_err();
        assert!(error.to_string().contains("invalid value"), "{error}");
        let ok: EngineOptions = serde_json::from_str(r#"{"poll_interval": 60}"#).unwrap();
        assert_eq!(ok.poll_interval, Duration::from_secs(60));
    }
}

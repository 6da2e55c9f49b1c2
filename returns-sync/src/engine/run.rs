//! The long-running loop: two schedules (pull, poll), the webhook inbox
//! when woken, and a graceful stop.

use std::future::Future;
use std::time::Duration;

use tokio::time::{Instant, sleep_until};

use super::SyncEngine;
use crate::report::SyncReport;

impl SyncEngine {
    /// Runs until `shutdown` completes: a full [`reconcile_once`] at once
    /// and then every `pull_interval`, a [`poll_once`] every
    /// `poll_interval`, and the webhook inbox whenever [`wake`] is called
    /// (and after each pull). Each wait gets up to `jitter` of its interval
    /// added at random.
    ///
    /// A pull that fails as a whole — Loop or the store out of reach — is
    /// tried again after 2, 4, 8 … seconds (never later than the interval),
    /// so a worker resumes soon after a database restart.
    ///
    /// Shutdown is graceful: it is noticed between steps, so the pass in
    /// progress — its calls in flight, its store writes — finishes first,
    /// and nothing is left half-written. Every report is passed to
    /// `on_report` (log it, count it, ignore it).
    ///
    /// [`reconcile_once`]: SyncEngine::reconcile_once
    /// [`poll_once`]: SyncEngine::poll_once
    /// [`wake`]: SyncEngine::wake
    pub async fn run<F, R>(&self, shutdown: F, mut on_report: R)
    where
        F: Future<Output = ()>,
        R: FnMut(&SyncReport),
    {
        let options = &self.inner.options;
        tokio::pin!(shutdown);
        let mut next_pull = Instant::now();
        let mut next_poll = Instant::now() + jittered(options.poll_interval, options.jitter);
        let mut failed_pulls: u32 = 0;
        loop {
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                () = self.inner.wake.notified() => {
                    on_report(&self.process_inbox().await);
                }
                () = sleep_until(next_pull) => {
                    on_report(&self.process_inbox().await);
                    let report = self.reconcile_once().await;
                    on_report(&report);
                    // A pull that failed as a whole (Loop or the store out
                    // of reach) is tried again sooner, backing off.
                    failed_pulls = if report.run_failures.is_empty() { 0 } else { failed_pulls + 1 };
                    next_pull = Instant::now()
                        + jittered(retry_after(options.pull_interval, failed_pulls), options.jitter);
                    // A pull polls everything in flight too.
                    next_poll = Instant::now() + jittered(options.poll_interval, options.jitter);
                }
                () = sleep_until(next_poll) => {
                    on_report(&self.poll_once().await);
                    next_poll = Instant::now() + jittered(options.poll_interval, options.jitter);
                }
            }
        }
        tracing::info!("returns-sync engine stopped");
    }
}

/// The wait before the next pull: the interval, or after `failures`
/// failed pulls in a row 2, 4, 8 … seconds, never more than the interval.
fn retry_after(interval: Duration, failures: u32) -> Duration {
    if failures == 0 {
        return interval;
    }
    Duration::from_secs(1u64 << failures.min(16)).min(interval)
}

/// `interval` plus a random part of up to `jitter × interval`.
fn jittered(interval: Duration, jitter: f64) -> Duration {
    interval + interval.mul_f64(jitter * rand::random::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn failed_pulls_back_off_up_to_the_interval() {
        let interval = Duration::from_secs(300);
        let waits: Vec<u64> = (0..12)
            .map(|n| retry_after(interval, n).as_secs())
            .collect();
        assert_eq!(waits, [300, 2, 4, 8, 16, 32, 64, 128, 256, 300, 300, 300]);
        assert_eq!(retry_after(interval, u32::MAX), interval);
    }

    #[test]
    fn jitter_adds_at_most_its_share() {
        let base = Duration::from_secs(100);
        for _ in 0..1000 {
            let d = jittered(base, 0.1);
            assert!(d >= base && d <= Duration::from_secs(110), "{d:?}");
        }
        assert_eq!(jittered(base, 0.0), base);
    }
}

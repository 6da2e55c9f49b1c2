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
        loop {
            tokio::select! {
                biased;
                () = &mut shutdown => break,
                () = self.inner.wake.notified() => {
                    on_report(&self.process_inbox().await);
                }
                () = sleep_until(next_pull) => {
                    on_report(&self.process_inbox().await);
                    on_report(&self.reconcile_once().await);
                    next_pull = Instant::now() + jittered(options.pull_interval, options.jitter);
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

/// `interval` plus a random part of up to `jitter × interval`.
fn jittered(interval: Duration, jitter: f64) -> Duration {
    interval + interval.mul_f64(jitter * rand::random::<f64>())
}

#[cfg(test)]
mod tests {
    use super::*;

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

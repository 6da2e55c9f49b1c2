//! Counting the faults a layer injected, by kind, so a run can report them.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The kinds of fault the layer injects (latency is not one: it is added to
/// every request alike).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FaultKind {
    /// A plain-text 5xx; the simulator did not see the request.
    ServerError,
    /// A 5xx with an HTML page as body; the simulator did not see the
    /// request.
    HtmlServerError,
    /// A 429 with `Retry-After`; the simulator did not see the request.
    ThrottledWithRetryAfter,
    /// A 429 without `Retry-After`; the simulator did not see the request.
    ThrottledWithoutRetryAfter,
    /// The simulator processed the request; the answer came late enough for
    /// a client timeout to fire.
    SlowAfterProcessing,
    /// The simulator processed the request; the connection was closed
    /// without an answer.
    DroppedAfterProcessing,
    /// The simulator processed the request; its 2xx body was cut short.
    TruncatedAfterProcessing,
}

impl FaultKind {
    /// Every kind, in the order [`FaultCounts`] shows them.
    pub const ALL: [FaultKind; 7] = [
        FaultKind::ServerError,
        FaultKind::HtmlServerError,
        FaultKind::ThrottledWithRetryAfter,
        FaultKind::ThrottledWithoutRetryAfter,
        FaultKind::SlowAfterProcessing,
        FaultKind::DroppedAfterProcessing,
        FaultKind::TruncatedAfterProcessing,
    ];

    /// A short label, e.g. for a table row.
    pub fn label(self) -> &'static str {
        match self {
            Self::ServerError => "5xx (plain text)",
            Self::HtmlServerError => "5xx (HTML page)",
            Self::ThrottledWithRetryAfter => "429 with Retry-After",
            Self::ThrottledWithoutRetryAfter => "429 without Retry-After",
            Self::SlowAfterProcessing => "slow answer after store",
            Self::DroppedAfterProcessing => "dropped after store",
            Self::TruncatedAfterProcessing => "truncated 200 body",
        }
    }

    /// Whether the simulator processed the request before the fault (its
    /// state may have changed although the client saw a failure).
    pub fn after_processing(self) -> bool {
        matches!(
            self,
            Self::SlowAfterProcessing
                | Self::DroppedAfterProcessing
                | Self::TruncatedAfterProcessing
        )
    }

    fn index(self) -> usize {
        Self::ALL
            .iter()
            .position(|k| *k == self)
            .unwrap_or_default()
    }
}

impl fmt::Display for FaultKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Live counters of one fault layer; cheap to clone, clones share the
/// counts. Read them with [`FaultCounter::snapshot`].
#[derive(Clone, Debug, Default)]
pub struct FaultCounter {
    counts: Arc<[AtomicU64; 7]>,
}

impl FaultCounter {
    /// Counters at zero.
    pub fn new() -> Self {
        Self::default()
    }

    /// Counts one injected fault.
    pub fn record(&self, kind: FaultKind) {
        self.counts[kind.index()].fetch_add(1, Ordering::Relaxed);
    }

    /// The counts so far.
    pub fn snapshot(&self) -> FaultCounts {
        let mut counts = [0; 7];
        for (count, atomic) in counts.iter_mut().zip(self.counts.iter()) {
            *count = atomic.load(Ordering::Relaxed);
        }
        FaultCounts { counts }
    }
}

/// How many faults of each kind a layer injected.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FaultCounts {
    counts: [u64; 7],
}

impl FaultCounts {
    /// Faults of one kind.
    pub fn get(&self, kind: FaultKind) -> u64 {
        self.counts[kind.index()]
    }

    /// Faults of every kind together.
    pub fn total(&self) -> u64 {
        self.counts.iter().sum()
    }

    /// Every kind with its count, in [`FaultKind::ALL`] order.
    pub fn iter(&self) -> impl Iterator<Item = (FaultKind, u64)> + '_ {
        FaultKind::ALL.iter().map(|kind| (*kind, self.get(*kind)))
    }
}

impl std::ops::Add for FaultCounts {
    type Output = FaultCounts;

    fn add(mut self, other: FaultCounts) -> FaultCounts {
        for (mine, theirs) in self.counts.iter_mut().zip(other.counts) {
            *mine += theirs;
        }
        self
    }
}

impl fmt::Display for FaultCounts {
    /// `kind: n` per kind with at least one fault, comma separated; `none`
    /// when there were none.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let listed: Vec<String> = self
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(kind, n)| format!("{kind}: {n}"))
            .collect();
        if listed.is_empty() {
            return f.write_str("none");
        }
        f.write_str(&listed.join(", "))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_by_kind_add_up_and_display() {
        let counter = FaultCounter::new();
        let shared = counter.clone();
        counter.record(FaultKind::HtmlServerError);
        shared.record(FaultKind::HtmlServerError);
        shared.record(FaultKind::TruncatedAfterProcessing);
        let counts = counter.snapshot();
        assert_eq!(counts.get(FaultKind::HtmlServerError), 2);
        assert_eq!(counts.get(FaultKind::ServerError), 0);
        assert_eq!(counts.total(), 3);
        assert_eq!((counts + counts).total(), 6);
        assert_eq!(
            counts.to_string(),
            "5xx (HTML page): 2, truncated 200 body: 1"
        );
        assert_eq!(FaultCounts::default().to_string(), "none");
    }
}

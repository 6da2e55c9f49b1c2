//! The simulator's clock: wall time that follows Tokio's clock (so paused-time
//! tests move it), can be pinned, and can be pushed forward.

use std::time::Duration;

use time::OffsetDateTime;
use tokio::time::Instant;

/// Time as the simulator sees it, truncated to milliseconds.
#[derive(Debug)]
pub(crate) struct SimClock {
    start_wall: OffsetDateTime,
    start: Instant,
    offset: Duration,
    pinned: Option<OffsetDateTime>,
}

impl SimClock {
    pub(crate) fn new() -> Self {
        Self {
            start_wall: OffsetDateTime::now_utc(),
            start: Instant::now(),
            offset: Duration::ZERO,
            pinned: None,
        }
    }

    pub(crate) fn now(&self) -> OffsetDateTime {
        let now = match self.pinned {
            Some(pinned) => pinned,
            None => self.start_wall + self.start.elapsed() + self.offset,
        };
        truncate_to_millis(now)
    }

    /// Stops the clock at `at`.
    pub(crate) fn pin(&mut self, at: OffsetDateTime) {
        self.pinned = Some(at);
    }

    /// Moves the clock forward, pinned or not.
    pub(crate) fn advance(&mut self, by: Duration) {
        match &mut self.pinned {
            Some(pinned) => *pinned += by,
            None => self.offset += by,
        }
    }
}

fn truncate_to_millis(at: OffsetDateTime) -> OffsetDateTime {
    at.replace_millisecond(at.millisecond()).unwrap_or(at)
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use time::macros::datetime;

    use super::SimClock;

    #[test]
    fn a_pinned_clock_moves_only_when_advanced() {
        let mut clock = SimClock::new();
        clock.pin(datetime!(2026-01-01 00:00:00.123456 UTC));
        assert_eq!(clock.now(), datetime!(2026-01-01 00:00:00.123 UTC));
        clock.advance(Duration::from_secs(2));
        assert_eq!(clock.now(), datetime!(2026-01-01 00:00:02.123 UTC));
    }
}

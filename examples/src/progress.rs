//! Progress lines while a flow runs (stderr, so stdout keeps the results).

use std::time::Instant;

/// Prints what a flow is doing, with the time since it started.
#[derive(Debug)]
pub struct Progress {
    started: Instant,
    quiet: bool,
}

impl Progress {
    /// Progress printed to stderr.
    pub fn stderr() -> Self {
        Self {
            started: Instant::now(),
            quiet: false,
        }
    }

    /// No output (tests).
    pub fn quiet() -> Self {
        Self {
            started: Instant::now(),
            quiet: true,
        }
    }

    /// Reports one step.
    pub fn step(&self, message: impl AsRef<str>) {
        if !self.quiet {
            let seconds = self.started.elapsed().as_secs_f64();
            eprintln!("[{seconds:6.2}s] {}", message.as_ref());
        }
    }
}

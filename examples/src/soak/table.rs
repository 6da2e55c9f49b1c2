//! The soak's result as a table a person reads at a glance.

use std::fmt;

use sandbox::FaultKind;

use super::SoakResult;

impl fmt::Display for SoakResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let verdict = if self.is_clean() {
            "clean"
        } else {
            "NOT CLEAN"
        };
        writeln!(f, "soak: {verdict}")?;
        row(f, "returns", self.returns)?;
        row(f, "  decided (processed or flagged)", self.decided)?;
        row(f, "  waiting (with a reason)", self.waiting)?;
        row(f, "  lost", self.lost)?;
        row(f, "  decided wrongly", self.wrong_decisions)?;
        row(f, "tickets", self.tickets)?;
        row(f, "duplicate tickets", self.duplicate_tickets)?;
        row(f, "duplicate notes", self.duplicate_notes)?;
        row(f, "duplicate actions", self.duplicate_actions)?;
        writeln!(f, "{:<34} {:>9} {:>9}", "faults injected", "Loop", "CloudX")?;
        for kind in FaultKind::ALL {
            let (on_loop, on_cloudx) = (self.loop_faults.get(kind), self.cloudx_faults.get(kind));
            if on_loop + on_cloudx > 0 {
                writeln!(f, "  {:<32} {on_loop:>9} {on_cloudx:>9}", kind.label())?;
            }
        }
        writeln!(
            f,
            "  {:<32} {:>9} {:>9}",
            "total",
            self.loop_faults.total(),
            self.cloudx_faults.total()
        )?;
        match self.rate_limits {
            Some((per_minute, per_second)) => writeln!(
                f,
                "{:<34} Loop {per_minute}/min, CloudX {per_second}/s",
                "rate limits"
            )?,
            None => writeln!(f, "{:<34} off", "rate limits")?,
        }
        row(f, "crashes (engine aborted, restarted)", self.crashes)?;
        row(f, "failures reported by the engine", self.failures_reported)?;
        for (step, n) in &self.failures_by_step {
            row(f, &format!("  {step}"), n)?;
        }
        writeln!(
            f,
            "{:<34} {:>9.1} s",
            "wall time",
            self.elapsed.as_secs_f64()
        )?;
        for example in &self.examples {
            writeln!(f, "  {example}")?;
        }
        Ok(())
    }
}

fn row(f: &mut fmt::Formatter<'_>, label: &str, value: impl fmt::Display) -> fmt::Result {
    writeln!(f, "{label:<34} {value:>9}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_every_count_and_its_verdict() {
        let result = SoakResult {
            returns: 3,
            decided: 2,
            waiting: 1,
            crashes: 2,
            ..SoakResult::default()
        };
        let table = result.to_string();
        assert!(table.starts_with("soak: clean"), "{table}");
        for label in ["duplicate actions", "lost", "crashes", "wall time"] {
            assert!(table.contains(label), "{label} missing: {table}");
        }
        let lost = SoakResult { lost: 1, ..result };
        assert!(lost.to_string().starts_with("soak: NOT CLEAN"));
    }
}

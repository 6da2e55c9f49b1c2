//! What a sync run did, per return and in total, as a table for people.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::time::Duration;

/// What happened to one return in a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReturnOutcome {
    /// Processed in Loop (after removing `removed_lines` missing lines).
    Processed {
        /// Lines removed first (partial receipt), 0 for a full process.
        removed_lines: usize,
    },
    /// Its tickets are at the warehouse (one-way flow: nothing decided).
    Sent,
    /// Meets the criteria, but auto-process is off: left for a person.
    ReadyToProcess,
    /// Flagged in Loop with a note.
    Flagged {
        /// Every reason, as the note summarises them.
        reasons: Vec<String>,
        /// The note written on the return.
        note: String,
    },
    /// Not decidable yet (tickets not received, shortage grace period).
    Waiting(String),
    /// From an excluded sales channel: no ASN.
    SkippedChannel {
        /// The return's channel.
        channel: String,
    },
    /// Holds items the warehouse item master does not know: no ASN.
    ItemsMissing(Vec<String>),
    /// The return cannot be mapped to an ASN (missing SKU or barcode, …).
    Unmappable(String),
    /// A call failed; the next run picks the return up again.
    Failed {
        /// The step that failed.
        step: &'static str,
        /// The error, one line.
        error: String,
    },
}

impl ReturnOutcome {
    /// The summary row this outcome counts in.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Processed { .. } => "processed",
            Self::Sent => "sent to the warehouse",
            Self::ReadyToProcess => "ready to process (auto-process off)",
            Self::Flagged { .. } => "flagged",
            Self::Waiting(_) => "waiting",
            Self::SkippedChannel { .. } => "skipped: excluded channel",
            Self::ItemsMissing(_) => "not sent: items missing in CloudX",
            Self::Unmappable(_) => "not sent: cannot map to an ASN",
            Self::Failed { .. } => "failed (retried next run)",
        }
    }
}

/// One return's result.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnResult {
    /// Loop return id.
    pub return_id: String,
    /// Order name, e.g. `#10452`.
    pub order_name: String,
    /// Receiving tickets of the return.
    pub tickets: Vec<String>,
    /// What happened.
    pub outcome: ReturnOutcome,
}

impl ReturnResult {
    pub(crate) fn settled(id: &impl ToString, order_name: &str, outcome: ReturnOutcome) -> Self {
        Self {
            return_id: id.to_string(),
            order_name: order_name.to_owned(),
            tickets: Vec::new(),
            outcome,
        }
    }
}

/// The result of one sync run.
#[derive(Debug, Clone, Default)]
pub struct SyncReport {
    /// Open returns listed from Loop.
    pub returns_seen: usize,
    /// Receiving tickets created by this run.
    pub tickets_created: usize,
    /// Tickets that already existed (an earlier run created them).
    pub tickets_existing: usize,
    /// Tickets found by reference after an interrupted create: most likely
    /// created by this run, possibly earlier.
    pub tickets_recovered: usize,
    /// Every return seen, with its outcome.
    pub results: Vec<ReturnResult>,
    /// Wall time of the run.
    pub elapsed: Duration,
}

impl SyncReport {
    /// How many returns ended with each outcome kind.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for result in &self.results {
            *counts.entry(result.outcome.kind()).or_default() += 1;
        }
        counts
    }

    /// How many returns ended with `kind` (see [`ReturnOutcome::kind`]).
    pub fn count(&self, kind: &str) -> usize {
        self.results
            .iter()
            .filter(|r| r.outcome.kind() == kind)
            .count()
    }

    /// The result of one return.
    pub fn result(&self, return_id: &str) -> Option<&ReturnResult> {
        self.results.iter().find(|r| r.return_id == return_id)
    }

    /// Counts in one line, for progress output.
    pub fn one_line(&self) -> String {
        let counts: Vec<String> = self
            .counts()
            .iter()
            .map(|(k, n)| format!("{n} {k}"))
            .collect();
        format!("{} returns: {}", self.returns_seen, counts.join(", "))
    }

    /// The summary table: one row per outcome with the reasons behind
    /// flags, waits, skips and failures, then tickets and time.
    pub fn table(&self) -> String {
        let mut rows: Vec<(String, String)> = Vec::new();
        for (kind, count) in self.counts() {
            rows.push((kind.to_owned(), count.to_string()));
            for (detail, n) in self.details(kind) {
                rows.push((format!("  {detail}"), n.to_string()));
            }
        }
        rows.push((
            "receiving tickets created".to_owned(),
            self.tickets_created.to_string(),
        ));
        rows.push((
            "receiving tickets already there".to_owned(),
            self.tickets_existing.to_string(),
        ));
        rows.push((
            "open returns pulled from Loop".to_owned(),
            self.returns_seen.to_string(),
        ));
        rows.push((
            "time taken".to_owned(),
            format!("{:.2} s", self.elapsed.as_secs_f64()),
        ));
        render(&[("outcome", "returns"), ("", "")], &rows)
    }

    /// The most frequent reasons within one outcome kind.
    fn details(&self, kind: &str) -> Vec<(String, usize)> {
        let mut details: BTreeMap<String, usize> = BTreeMap::new();
        for result in self.results.iter().filter(|r| r.outcome.kind() == kind) {
            let keys: Vec<String> = match &result.outcome {
                ReturnOutcome::Flagged { reasons, .. } => {
                    reasons.iter().map(|r| reason_kind(r)).collect()
                }
                ReturnOutcome::Waiting(reason) => vec![reason_kind(reason)],
                ReturnOutcome::SkippedChannel { channel } => vec![format!("channel {channel}")],
                ReturnOutcome::Failed { step, .. } => vec![format!("at step: {step}")],
                _ => Vec::new(),
            };
            for key in keys {
                *details.entry(key).or_default() += 1;
            }
        }
        let mut details: Vec<_> = details.into_iter().collect();
        details.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        details.truncate(6);
        details
    }
}

/// The kind of a reason, without the item and counts (`SKU A short:
/// expected 2, received 1` → `short`), so the table groups them.
fn reason_kind(reason: &str) -> String {
    const KINDS: [(&str, &str); 8] = [
        ("short", "short"),
        ("damaged", "damaged"),
        ("unexpected", "unexpected item"),
        ("over", "over-received"),
        ("cancelled", "ticket cancelled"),
        ("not arrived", "parcel not arrived"),
        ("waiting for", "parcels not received yet"),
        ("waiting until", "shortage grace period"),
    ];
    for (needle, kind) in KINDS {
        if reason.contains(needle) {
            return kind.to_owned();
        }
    }
    reason.chars().take(48).collect()
}

/// Renders a two-column table with a header and a rule.
pub fn render(header: &[(&str, &str)], rows: &[(String, String)]) -> String {
    let left = rows
        .iter()
        .map(|(l, _)| l.chars().count())
        .chain(header.iter().map(|(l, _)| l.len()))
        .max()
        .unwrap_or(0);
    let right = rows
        .iter()
        .map(|(_, r)| r.chars().count())
        .chain(header.iter().map(|(_, r)| r.len()))
        .max()
        .unwrap_or(0);
    let mut out = String::new();
    let (title_left, title_right) = header[0];
    let _ = writeln!(out, "{title_left:<left$}  {title_right:>right$}");
    let _ = writeln!(out, "{}  {}", "-".repeat(left), "-".repeat(right));
    for (l, r) in rows {
        let _ = writeln!(out, "{l:<left$}  {r:>right$}");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(id: &str, outcome: ReturnOutcome) -> ReturnResult {
        ReturnResult::settled(&id, "#1", outcome)
    }

    #[test]
    fn the_table_counts_outcomes_and_groups_reasons() {
        let report = SyncReport {
            returns_seen: 4,
            tickets_created: 3,
            tickets_existing: 1,
            tickets_recovered: 0,
            results: vec![
                result("1", ReturnOutcome::Processed { removed_lines: 0 }),
                result(
                    "2",
                    ReturnOutcome::Flagged {
                        reasons: vec!["SKU A short: expected 2, received 1".into()],
                        note: "n".into(),
                    },
                ),
                result(
                    "3",
                    ReturnOutcome::Flagged {
                        reasons: vec![
                            "SKU B short: expected 1, received 0".into(),
                            "SKU C damaged: 1 of 1".into(),
                        ],
                        note: "n".into(),
                    },
                ),
                result(
                    "4",
                    ReturnOutcome::SkippedChannel {
                        channel: "Amazon".into(),
                    },
                ),
            ],
            elapsed: Duration::from_millis(1500),
        };
        let table = report.table();
        let line = |label: &str| {
            table
                .lines()
                .find(|l| l.trim_start().starts_with(label))
                .unwrap_or_else(|| panic!("no {label} row in\n{table}"))
                .split_whitespace()
                .last()
                .unwrap()
                .to_owned()
        };
        assert_eq!(line("processed"), "1");
        assert_eq!(line("flagged"), "2");
        assert_eq!(line("short"), "2");
        assert_eq!(line("damaged"), "1");
        assert_eq!(line("channel Amazon"), "1");
        assert_eq!(line("receiving tickets created"), "3");
        assert_eq!(line("time taken"), "s");
        assert!(table.contains("1.50 s"), "{table}");
        assert_eq!(report.count("flagged"), 2);
    }
}

//! Tables for people: a `returns-sync` run report as the demo prints it, a
//! return's timeline, and a plain two-column table.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use returns_sync::{JournalEntry, Outcome, SyncReport};

/// The summary table of a run: one row per outcome with the reasons behind
/// flags, waits, skips and failures, then what the run did at each step.
pub fn table(report: &SyncReport) -> String {
    let mut rows: Vec<(String, String)> = Vec::new();
    for (kind, count) in report.outcome_counts() {
        rows.push((kind.to_owned(), count.to_string()));
        for (detail, n) in details(report, kind) {
            rows.push((format!("  {detail}"), n.to_string()));
        }
    }
    let counts = &report.counts;
    let steps = [
        ("returns pulled from Loop", counts.pulled),
        ("receiving tickets created", counts.tickets_created),
        ("receiving tickets already there", counts.tickets_found),
        ("tickets polled", counts.tickets_polled),
        ("returns decided", counts.decided),
        ("notes written in Loop", counts.notes_written),
    ];
    rows.extend(steps.map(|(label, n)| (label.to_owned(), n.to_string())));
    for failure in &report.run_failures {
        rows.push((format!("run failed at: {}", failure.step), "1".to_owned()));
    }
    let elapsed = report.finished_at - report.started_at;
    rows.push((
        "time taken".to_owned(),
        format!("{:.2} s", elapsed.as_seconds_f64()),
    ));
    render(&[("outcome", "returns")], &rows)
}

/// The most frequent reasons within one outcome kind.
fn details(report: &SyncReport, kind: &str) -> Vec<(String, usize)> {
    let mut details: BTreeMap<String, usize> = BTreeMap::new();
    for r in report.returns.iter().filter(|r| r.outcome.kind() == kind) {
        let keys: Vec<String> = match &r.outcome {
            Outcome::Flagged { reasons } => reasons.iter().map(|r| reason_kind(r)).collect(),
            Outcome::Waiting { reason } => vec![reason_kind(reason)],
            Outcome::SkippedChannel { channel } => vec![format!("channel {channel}")],
            Outcome::Failed { step, .. } => vec![format!("at step: {step}")],
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

/// A return's timeline from the engine's journal, one line per step.
pub fn timeline(entries: &[JournalEntry]) -> String {
    let mut out = String::new();
    for entry in entries {
        let at = entry.at.time();
        let _ = writeln!(
            out,
            "  {:02}:{:02}:{:02}  {:<16} {}",
            at.hour(),
            at.minute(),
            at.second(),
            entry.step.as_str(),
            entry.detail
        );
    }
    out
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

    #[test]
    fn reasons_are_grouped_by_kind() {
        assert_eq!(reason_kind("SKU A short: expected 2, received 1"), "short");
        assert_eq!(reason_kind("SKU C damaged: 1 of 1"), "damaged");
        assert_eq!(reason_kind("something new"), "something new");
    }

    #[test]
    fn render_aligns_both_columns() {
        let rows = vec![
            ("processed".to_owned(), "55".to_owned()),
            ("  short".to_owned(), "7".to_owned()),
        ];
        let table = render(&[("outcome", "returns")], &rows);
        let lines: Vec<&str> = table.lines().collect();
        assert_eq!(lines[0], "outcome    returns");
        assert_eq!(lines[2], "processed       55");
        assert_eq!(lines[3], "  short          7");
    }
}

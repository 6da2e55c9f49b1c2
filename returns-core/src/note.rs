//! The human note of a decision, for the returns platform's timeline.
//!
//! A note is a fixed head (`"Flagged for review:"`, …) followed by the
//! decision's reasons, separated by `"; "` and ending with a period. It is
//! deterministic (same decision, same text) and at most [`NOTE_MAX_LEN`]
//! bytes — hence also at most 255 characters, Loop's note limit, however
//! the platform counts. When the reasons do not all fit, the note keeps as
//! many as fit, in order, and ends with `"(+N more)"`; a single overlong
//! reason (say, a 300-character SKU) is cut with `"..."`.

use std::fmt::Write as _;

use crate::decision::{Decision, WaitReason};

/// The longest note, in bytes (Loop rejects notes over 255 characters).
pub const NOTE_MAX_LEN: usize = 255;

/// The longest single reason kept whole: leaves room for the head and the
/// `"(+N more)"` suffix, so that at least one reason always shows.
const PART_MAX_LEN: usize = 160;

/// Renders the note of a decision; same as [`Decision::note`].
///
/// ```
/// use returns_core::{Decision, FlagReason, ItemKey, Shortage, note::render_note};
///
/// let decision = Decision::Flag {
///     reasons: vec![FlagReason::Shortage(Shortage::new(
///         ItemKey::Sku("LS-SAND-M".into()),
///         vec!["55120931".into(), "55120932".into()],
///         2,
///         1,
///     ))],
/// };
/// assert_eq!(
///     render_note(&decision),
///     "Flagged for review: SKU LS-SAND-M short: expected 2, received 1."
/// );
/// ```
pub fn render_note(decision: &Decision) -> String {
    let (head, parts): (&str, Vec<String>) = match decision {
        Decision::Process { partial: None } => {
            ("Received as expected: processing the return.", Vec::new())
        }
        Decision::Process {
            partial: Some(partial),
        } => {
            let lines: Vec<&str> = partial.remove_lines.iter().map(|id| id.as_str()).collect();
            let mut parts = vec![format!("removing missing line(s) {}", lines.join(", "))];
            parts.extend(partial.shortages.iter().map(ToString::to_string));
            ("Partial receipt, processing without missing units:", parts)
        }
        Decision::Flag { reasons } => (
            "Flagged for review:",
            reasons.iter().map(ToString::to_string).collect(),
        ),
        Decision::Wait { reason } => match reason {
            WaitReason::ShipmentsPending { pending } => (
                "Waiting for the warehouse:",
                pending.iter().map(|p| format!("ASN {p}")).collect(),
            ),
            WaitReason::ShortageGracePeriod { until, shortages } => {
                let mut parts = vec![format!(
                    "missing units may still arrive until {}",
                    until.date()
                )];
                parts.extend(shortages.iter().map(ToString::to_string));
                ("Waiting:", parts)
            }
            WaitReason::NoShipments => ("Waiting: the return has no ASN.", Vec::new()),
        },
    };
    fit(head, &parts)
}

/// Joins `head` and as many `parts` as fit in [`NOTE_MAX_LEN`] bytes.
fn fit(head: &str, parts: &[String]) -> String {
    if parts.is_empty() {
        return truncate(head, NOTE_MAX_LEN);
    }
    let parts: Vec<String> = parts
        .iter()
        .map(|part| truncate(part, PART_MAX_LEN))
        .collect();
    // The most parts that fit, with a "(+N more)" suffix when some are left.
    for kept in (1..=parts.len()).rev() {
        let note = compose(head, &parts[..kept], parts.len() - kept);
        if note.len() <= NOTE_MAX_LEN {
            return note;
        }
    }
    truncate(&compose(head, &parts[..1], parts.len() - 1), NOTE_MAX_LEN)
}

fn compose(head: &str, parts: &[String], omitted: usize) -> String {
    let mut note = String::from(head);
    for (index, part) in parts.iter().enumerate() {
        note.push_str(if index == 0 { " " } else { "; " });
        note.push_str(part);
    }
    if omitted > 0 {
        let _ = write!(note, " (+{omitted} more)");
    }
    note.push('.');
    note
}

/// Cuts `text` to at most `max` bytes on a character boundary, marking the
/// cut with `"..."`.
fn truncate(text: &str, max: usize) -> String {
    if text.len() <= max {
        return text.to_owned();
    }
    let mut end = max.saturating_sub(3);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncate_respects_char_boundaries() {
        assert_eq!(truncate("abc", 3), "abc");
        assert_eq!(truncate("abcdef", 5), "ab...");
        let cut = truncate("ééééé", 6);
        assert_eq!(cut, "é...");
        assert!(cut.len() <= 6);
    }

    #[test]
    fn fit_keeps_whole_parts_and_counts_the_rest() {
        let parts: Vec<String> = (0..40).map(|i| format!("reason number {i:02}")).collect();
        let note = fit("Flagged for review:", &parts);
        assert!(note.len() <= NOTE_MAX_LEN, "{}", note.len());
        assert!(note.starts_with("Flagged for review: reason number 00; reason number 01"));
        let kept = note.matches("reason number").count();
        assert!(
            note.ends_with(&format!(" (+{} more).", 40 - kept)),
            "{note}"
        );
    }

    #[test]
    fn fit_cuts_a_single_huge_part() {
        let note = fit("Flagged for review:", &["x".repeat(1000)]);
        assert!(note.len() <= NOTE_MAX_LEN);
        assert!(note.ends_with("....")); // the cut mark, then the period
    }
}

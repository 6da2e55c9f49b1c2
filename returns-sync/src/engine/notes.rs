//! The notes the engine writes on a Loop return's timeline, and the rule
//! that each is written exactly once: Loop's notes are the truth (a note is
//! found by its text), the journal only saves the lookup.

use loop_client::{LoopClient, ReturnId};
use returns_core::{AsnDraft, Decision};

use crate::store::{JournalEntry, Step};

/// Loop's limit on a note, in characters.
const NOTE_MAX_CHARS: usize = 255;

/// Cuts a note to Loop's limit, ending with `…` when cut.
fn fit(text: String) -> String {
    if text.chars().count() <= NOTE_MAX_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(NOTE_MAX_CHARS - 1).collect();
    cut.push('…');
    cut
}

/// "CloudX ASN WHRTN… created at BERGEN-NJ-01 for shipment 1 of 2, 3 units."
pub(crate) fn ticket_created(
    ticket_id: &str,
    draft: &AsnDraft,
    shipment: usize,
    shipments: usize,
) -> String {
    let units: u32 = draft.lines.iter().map(|l| l.expected_quantity.get()).sum();
    let unit_word = if units == 1 { "unit" } else { "units" };
    fit(format!(
        "CloudX ASN {ticket_id} created at {} for shipment {shipment} of {shipments}, {units} {unit_word}.",
        draft.warehouse_code
    ))
}

/// "Not sent to the warehouse: not in the CloudX item master: SKU A, SKU B."
pub(crate) fn items_missing(items: &[String]) -> String {
    fit(format!(
        "Not sent to the warehouse: not in the CloudX item master: {}.",
        items.join(", ")
    ))
}

/// The note of a decision a person carries out (auto-process off).
pub(crate) fn awaiting_person(decision: &Decision) -> String {
    match decision {
        Decision::Process { partial: None } => "Received in full — ready to process.".to_owned(),
        other => fit(format!(
            "Ready for a person (auto-process is off): {}",
            other.note()
        )),
    }
}

/// Whether the journal already records this note on this return.
pub(crate) fn journaled(journal: &[JournalEntry], text: &str) -> bool {
    journal
        .iter()
        .any(|e| e.step == Step::NoteWritten && e.detail == text)
}

/// Writes `text` on the return unless Loop already shows it: `Ok(true)` when
/// this call wrote it.
pub(crate) async fn write_once(
    loop_client: &LoopClient,
    return_id: &ReturnId,
    text: &str,
) -> Result<bool, loop_client::Error> {
    let existing = loop_client.return_notes(return_id).await?;
    if existing.iter().any(|n| n.content.as_deref() == Some(text)) {
        return Ok(false);
    }
    loop_client.create_note(return_id, text).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_notes_are_cut_to_loops_limit() {
        let items: Vec<String> = (0..100).map(|i| format!("SKU ITEM-{i:04}")).collect();
        let note = items_missing(&items);
        assert_eq!(note.chars().count(), NOTE_MAX_CHARS);
        assert!(note.ends_with('…'));
        assert!(note.starts_with(
            "Not sent to the warehouse: not in the CloudX item master: SKU ITEM-0000"
        ));
    }
}

//! Conversions between Loop and the platform-neutral [`returns_core`] model
//! (feature `core`, on by default).
//!
//! - [`to_core_return`] turns a Loop [`Return`] into a
//!   [`returns_core::Return`] for channel exclusion, ASN mapping and receipt
//!   evaluation.
//! - [`actions_for`] turns a [`returns_core::Decision`] into the Loop calls
//!   that carry it out, and [`apply_decision`] makes them.
//! - The ids that exist on both sides convert both ways with `From`: Loop's
//!   [`ReturnId`] ↔ [`returns_core::ReturnId`] and [`LineItemId`] ↔
//!   [`returns_core::LineId`] (owned or borrowed), so an id taken from a core
//!   decision goes straight back to Loop.

use returns_core::{Decision, LineId, ReturnLine, ReturnShipment};

use crate::api::LoopApi;
use crate::error::Error;
use crate::ids::{LineItemId, ReturnId};
use crate::models::notes::NoteContent;
use crate::models::returns::{Label, Return};

/// A Loop return that cannot become a core return.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConversionError {
    /// The return has no `created_at`, which the core model needs.
    #[error("loop return {0} has no created_at")]
    MissingCreatedAt(ReturnId),
}

/// Converts a Loop return into the core model.
///
/// - **Sales channel** from `provider_order_sales_channel` (documented for
///   the Return webhook only; `None` when absent, so fetch returns through
///   webhooks when channel exclusion matters).
/// - **Lines**: one per Loop line item with **quantity 1** — Loop has no
///   quantity field and lists one line item per returned unit. SKU and
///   barcode are taken when non-blank; the title falls back to
///   `line_item_title`; the reason is `return_reason`.
/// - **Shipments** from `labels`, each with its carrier, tracking number and
///   the line ids it lists. The core model's `label_id` stays `None`: Loop
///   documents no label id in a return's `labels[]` (its only label-side id,
///   `shipment_id`, comes with the Label webhook), so the ASN reference of a
///   return with several labels identifies each by its tracking number, or
///   by its line ids when it has none — never by the position of the label
///   in Loop's answer (see `returns_core::reference`). A label listing no line ids carries every line no
///   other label lists; lines no label carries go into one extra shipment
///   without tracking, so the warehouse still expects them. Without labels,
///   a top-level `carrier` / `tracking_number` makes one shipment carrying
///   every line; with neither, no shipment is listed and the core model
///   assumes one parcel.
/// - **Order**: `order_name`; `order_number`, else `provider_order_number`
///   (empty when Loop sent neither). **Email**: `customer`, else
///   `customer_detail.email`.
///
/// # Errors
///
/// [`ConversionError::MissingCreatedAt`] when `created_at` is absent.
pub fn to_core_return(ret: &Return) -> Result<returns_core::Return, ConversionError> {
    let created_at = ret
        .created_at
        .ok_or_else(|| ConversionError::MissingCreatedAt(ret.id.clone()))?;
    let order_number = ret
        .order_number
        .clone()
        .or_else(|| ret.provider_order_number.clone())
        .unwrap_or_default();
    let mut core = returns_core::Return::new(
        ret.id.as_str(),
        ret.order_name.clone().unwrap_or_default(),
        order_number,
        created_at,
    );
    if let Some(channel) = &ret.provider_order_sales_channel {
        core = core.with_sales_channel(channel.clone());
    }
    let email = ret.customer.clone().or_else(|| {
        ret.customer_detail
            .as_ref()
            .and_then(|detail| detail.email.clone())
    });
    if let Some(email) = email.filter(|e| !e.trim().is_empty()) {
        core = core.with_customer_email(email);
    }
    for item in &ret.line_items {
        let mut line = ReturnLine::new(item.line_item_id.as_str());
        if let Some(sku) = &item.sku {
            line = line.with_sku(sku.clone());
        }
        if let Some(barcode) = &item.barcode {
            line = line.with_barcode(barcode.clone());
        }
        if let Some(title) = item.title.as_ref().or(item.line_item_title.as_ref()) {
            line = line.with_title(title.clone());
        }
        if let Some(reason) = item.return_reason.as_ref().filter(|r| !r.trim().is_empty()) {
            line = line.with_reason(reason.clone());
        }
        core = core.with_line(line);
    }
    for shipment in shipments(ret) {
        core = core.with_shipment(shipment);
    }
    Ok(core)
}

impl TryFrom<&Return> for returns_core::Return {
    type Error = ConversionError;

    fn try_from(ret: &Return) -> Result<Self, Self::Error> {
        to_core_return(ret)
    }
}

fn shipments(ret: &Return) -> Vec<ReturnShipment> {
    let all_lines: Vec<&LineItemId> = ret.line_items.iter().map(|l| &l.line_item_id).collect();
    if ret.labels.is_empty() {
        if ret.carrier.is_none() && ret.tracking_number.is_none() {
            return Vec::new();
        }
        return vec![tracked(
            ReturnShipment::new(all_lines.iter().map(|id| id.as_str())),
            ret.carrier.as_deref(),
            ret.tracking_number.as_deref(),
        )];
    }
    let named: Vec<&LineItemId> = ret.labels.iter().flat_map(|l| &l.line_items).collect();
    let unnamed: Vec<&LineItemId> = all_lines
        .iter()
        .copied()
        .filter(|id| !named.contains(id))
        .collect();
    let mut unnamed_taken = false;
    let mut out = Vec::new();
    for label in &ret.labels {
        let ids: Vec<&LineItemId> = if label.line_items.is_empty() {
            if unnamed_taken {
                continue;
            }
            unnamed_taken = true;
            unnamed.clone()
        } else {
            label.line_items.iter().collect()
        };
        if ids.is_empty() {
            continue;
        }
        out.push(label_shipment(label, &ids));
    }
    if !unnamed_taken && !unnamed.is_empty() {
        out.push(ReturnShipment::new(unnamed.iter().map(|id| id.as_str())));
    }
    out
}

fn label_shipment(label: &Label, ids: &[&LineItemId]) -> ReturnShipment {
    tracked(
        ReturnShipment::new(ids.iter().map(|id| id.as_str())),
        label.carrier.as_deref(),
        label.tracking_number.as_deref(),
    )
}

fn tracked(
    mut shipment: ReturnShipment,
    carrier: Option<&str>,
    tracking: Option<&str>,
) -> ReturnShipment {
    if let Some(carrier) = carrier {
        shipment = shipment.with_carrier(carrier);
    }
    if let Some(tracking) = tracking {
        shipment = shipment.with_tracking_number(tracking);
    }
    shipment
}

macro_rules! id_pair {
    ($loop_id:ty, $core_id:ty) => {
        impl From<$loop_id> for $core_id {
            fn from(id: $loop_id) -> Self {
                <$core_id>::new(id.into_inner())
            }
        }

        impl From<&$loop_id> for $core_id {
            fn from(id: &$loop_id) -> Self {
                <$core_id>::new(id.as_str())
            }
        }

        impl From<$core_id> for $loop_id {
            fn from(id: $core_id) -> Self {
                <$loop_id>::new(id.into_inner())
            }
        }

        impl From<&$core_id> for $loop_id {
            fn from(id: &$core_id) -> Self {
                <$loop_id>::new(id.as_str())
            }
        }
    };
}

id_pair!(ReturnId, returns_core::ReturnId);
id_pair!(LineItemId, returns_core::LineId);

/// One Loop call that carries out part of a decision.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LoopAction {
    /// Process Return.
    Process,
    /// Remove Line Items (which also processes the return).
    RemoveLineItems(Vec<LineItemId>),
    /// Flag Return.
    Flag,
    /// Create Return Note.
    CreateNote(NoteContent),
}

/// The Loop calls that carry out a core decision, in the order to make them:
///
/// | Decision | Calls |
/// |---|---|
/// | process | `CreateNote(decision.note())`, then `Process` |
/// | process with a partial receipt | `CreateNote(..)`, then `RemoveLineItems(missing lines)` (Loop processes after removing) |
/// | flag | `CreateNote(..)`, then `Flag` |
/// | wait | none |
///
/// The note comes first: a crash between the two calls leaves a return that
/// is still open with its note, which a re-run finishes (without a second
/// note, see [`apply_decision`]); the other order could leave a processed
/// return that never says why. The note is the core's deterministic summary
/// (at most 255 characters by construction; cut to Loop's limit should it
/// ever exceed it).
pub fn actions_for(decision: &Decision) -> Vec<LoopAction> {
    let action = match decision {
        Decision::Process { .. } if !decision.lines_to_remove().is_empty() => {
            LoopAction::RemoveLineItems(
                decision
                    .lines_to_remove()
                    .iter()
                    .map(|line: &LineId| LineItemId::from(line))
                    .collect(),
            )
        }
        Decision::Process { .. } => LoopAction::Process,
        Decision::Flag { .. } => LoopAction::Flag,
        _ => return Vec::new(),
    };
    let mut actions = Vec::with_capacity(2);
    if let Some(note) = note_for(decision) {
        actions.push(LoopAction::CreateNote(note));
    }
    actions.push(action);
    actions
}

fn note_for(decision: &Decision) -> Option<NoteContent> {
    let text: String = decision
        .note()
        .chars()
        .take(NoteContent::MAX_CHARS)
        .collect();
    NoteContent::new(text).ok()
}

/// What [`apply_decision`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Applied {
    /// Processing was queued (fully, or after removing the missing lines).
    Processed,
    /// Loop said the return is already closed: an earlier Process went
    /// through, so there is nothing left to do.
    AlreadyClosed,
    /// The return was flagged.
    Flagged,
    /// The decision was to wait: nothing was called.
    Waited,
}

/// Carries out a core decision on a Loop return (see [`actions_for`]): the
/// note first and once, then the action. This is the one implementation of
/// "decision → Loop actions"; the `returns-sync` engine uses it too.
///
/// Safe to repeat after a crash at any point:
/// - the note is written only when the return does not show the same text
///   already (one Get Return Notes call first);
/// - a Process or Remove Line Items that Loop rejects because the return is
///   already closed counts as done ([`Applied::AlreadyClosed`]).
///
/// # Errors
///
/// The first failing call's [`Error`]; later calls are not made.
pub async fn apply_decision<A: LoopApi + ?Sized>(
    api: &A,
    return_id: &ReturnId,
    decision: &Decision,
) -> Result<Applied, Error> {
    let mut applied = Applied::Waited;
    for action in actions_for(decision) {
        let outcome = match &action {
            LoopAction::CreateNote(note) => {
                let existing = api.return_notes(return_id).await?;
                if existing
                    .iter()
                    .any(|n| n.content.as_deref() == Some(note.as_str()))
                {
                    continue;
                }
                api.create_note(return_id, note.as_str()).await?;
                continue;
            }
            LoopAction::Process => api.process_return(return_id, None).await,
            LoopAction::RemoveLineItems(lines) => api.remove_line_items(return_id, lines).await,
            LoopAction::Flag => api.flag_return(return_id).await,
        };
        applied = match (action, outcome) {
            (LoopAction::Flag, Ok(())) => Applied::Flagged,
            (_, Ok(())) => Applied::Processed,
            (_, Err(e)) if e.is_already_closed() => Applied::AlreadyClosed,
            (_, Err(e)) => return Err(e),
        };
    }
    Ok(applied)
}

#[cfg(test)]
mod tests {

    #[test]
    fn ids_convert_both_ways() {
        let loop_id = ReturnId::from(40211877);
        let core_id = returns_core::ReturnId::from(&loop_id);
        assert_eq!(core_id.as_str(), "40211877");
        assert_eq!(ReturnId::from(&core_id), loop_id);
        assert_eq!(
            ReturnId::from(returns_core::ReturnId::from(loop_id.clone())),
            loop_id
        );

        let line = LineItemId::new("li-7");
        let core_line = LineId::from(&line);
        assert_eq!(core_line.as_str(), "li-7");
        assert_eq!(LineItemId::from(&core_line), line);
        assert_eq!(LineItemId::from(LineId::from(line.clone())), line);
    }

    use super::*;
    use crate::ids::LineItemId;
    use crate::models::returns::LineItem;
    use time::macros::datetime;

    fn line(id: u64, sku: &str) -> LineItem {
        LineItem {
            line_item_id: LineItemId::from(id),
            sku: Some(sku.to_owned()),
            title: Some(format!("Item {id}")),
            ..LineItem::default()
        }
    }

    fn label(ids: &[u64], tracking: &str) -> Label {
        Label {
            carrier: Some("DHL".into()),
            tracking_number: Some(tracking.into()),
            line_items: ids.iter().copied().map(LineItemId::from).collect(),
            ..Label::default()
        }
    }

    fn loop_return() -> Return {
        Return {
            id: ReturnId::from(40_211_877),
            created_at: Some(datetime!(2025-03-04 15:12:09 UTC)),
            order_name: Some("#10452".into()),
            provider_order_number: Some("10452".into()),
            provider_order_sales_channel: Some("Online Store".into()),
            customer: Some("jane@example.com".into()),
            line_items: vec![line(1, "A"), line(2, "B"), line(3, "C")],
            ..Return::default()
        }
    }

    fn shipment_lines(core: &returns_core::Return) -> Vec<(Option<String>, Vec<String>)> {
        core.shipments
            .iter()
            .map(|s| {
                (
                    s.tracking_number.clone(),
                    s.line_ids.iter().map(|l| l.as_str().to_owned()).collect(),
                )
            })
            .collect()
    }

    #[test]
    fn return_fields_map_onto_the_core_model() {
        let core = to_core_return(&loop_return()).unwrap();
        assert_eq!(core.id.as_str(), "40211877");
        assert_eq!(core.order_name, "#10452");
        assert_eq!(core.order_number, "10452");
        assert_eq!(core.sales_channel.as_deref(), Some("Online Store"));
        assert_eq!(core.customer_email.as_deref(), Some("jane@example.com"));
        assert_eq!(core.lines.len(), 3);
        assert!(core.lines.iter().all(|l| l.quantity.get() == 1));
        assert_eq!(core.lines[0].sku.as_deref(), Some("A"));
        assert!(core.shipments.is_empty());
    }

    #[test]
    fn labels_become_shipments_with_their_lines() {
        let mut ret = loop_return();
        ret.labels = vec![label(&[1, 2], "T1"), label(&[3], "T2")];
        let core = to_core_return(&ret).unwrap();
        assert_eq!(
            shipment_lines(&core),
            vec![
                (Some("T1".into()), vec!["1".into(), "2".into()]),
                (Some("T2".into()), vec!["3".into()]),
            ]
        );
    }

    #[test]
    fn lines_no_label_names_are_not_lost() {
        let mut ret = loop_return();
        ret.labels = vec![label(&[1], "T1")];
        assert_eq!(
            shipment_lines(&to_core_return(&ret).unwrap()),
            vec![
                (Some("T1".into()), vec!["1".into()]),
                (None, vec!["2".into(), "3".into()]),
            ]
        );
        ret.labels = vec![label(&[1], "T1"), label(&[], "T2")];
        assert_eq!(
            shipment_lines(&to_core_return(&ret).unwrap()),
            vec![
                (Some("T1".into()), vec!["1".into()]),
                (Some("T2".into()), vec!["2".into(), "3".into()]),
            ]
        );
    }

    #[test]
    fn top_level_tracking_makes_one_shipment_without_labels() {
        let mut ret = loop_return();
        ret.carrier = Some("UPS".into());
        ret.tracking_number = Some("1Z999".into());
        let core = to_core_return(&ret).unwrap();
        assert_eq!(core.shipments.len(), 1);
        assert_eq!(core.shipments[0].carrier.as_deref(), Some("UPS"));
        assert_eq!(core.shipments[0].line_ids.len(), 3);
    }

    fn references(ret: &Return) -> Vec<(Vec<String>, String)> {
        let core = to_core_return(ret).unwrap();
        let settings = returns_core::IntegrationSettings::new("BERGEN-NJ-01");
        let plan = returns_core::plan_asns(&core, &settings).unwrap();
        let mut pairs: Vec<(Vec<String>, String)> = plan
            .drafts()
            .iter()
            .map(|draft| {
                let mut lines: Vec<String> = draft
                    .lines
                    .iter()
                    .flat_map(|line| &line.return_lines)
                    .map(|source| source.line_id.to_string())
                    .collect();
                lines.sort();
                (lines, draft.reference_number.to_string())
            })
            .collect();
        pairs.sort();
        pairs
    }

    #[test]
    fn label_order_does_not_change_asn_references() {
        let mut ret = loop_return();
        ret.line_items.push(line(4, "D"));
        let untracked = Label {
            tracking_number: None,
            ..label(&[4], "")
        };
        ret.labels = vec![
            label(&[1, 2], "1Z999AA10123456784"),
            label(&[3], "00340434161234567890"),
            untracked,
        ];
        let core = to_core_return(&ret).unwrap();
        assert!(core.shipments.iter().all(|s| s.label_id.is_none()));
        let forward = references(&ret);
        ret.labels.reverse();
        assert_eq!(references(&ret), forward);
        assert_eq!(
            forward[..2],
            [
                (
                    vec!["1".into(), "2".into()],
                    "#10452-R40211877-T0123456784".into()
                ),
                (vec!["3".into()], "#10452-R40211877-T1234567890".into()),
            ]
        );
        assert!(
            forward[2].1.starts_with("#10452-R40211877-N"),
            "{forward:?}"
        );
    }

    #[test]
    fn a_single_label_keeps_the_reference_of_the_unlabelled_return() {
        let mut ret = loop_return();
        let before = references(&ret);
        ret.labels = vec![label(&[1, 2, 3], "1Z999AA10123456784")];
        assert_eq!(references(&ret), before);
        assert_eq!(before[0].1, "#10452-R40211877-S");
    }

    #[test]
    fn a_return_without_created_at_is_refused() {
        let mut ret = loop_return();
        ret.created_at = None;
        assert_eq!(
            to_core_return(&ret),
            Err(ConversionError::MissingCreatedAt(ReturnId::from(
                40_211_877
            )))
        );
    }

    #[test]
    fn decisions_map_onto_loop_calls_note_first() {
        let process = Decision::Process { partial: None };
        assert_eq!(
            actions_for(&process),
            vec![
                LoopAction::CreateNote(NoteContent::new(process.note()).unwrap()),
                LoopAction::Process
            ]
        );
        let partial = Decision::Process {
            partial: Some(returns_core::PartialReceipt::new(
                vec![LineId::new("2"), LineId::new("3")],
                Vec::new(),
            )),
        };
        assert_eq!(
            actions_for(&partial)[1..],
            [LoopAction::RemoveLineItems(vec![
                LineItemId::from(2),
                LineItemId::from(3)
            ])]
        );
    }

    fn flag() -> Decision {
        Decision::Flag {
            reasons: vec![returns_core::FlagReason::PartialNotPossible {
                item: returns_core::ItemKey::Sku("A".into()),
                missing: 1,
            }],
        }
    }

    #[test]
    fn flag_is_preceded_by_the_decision_note_and_wait_calls_nothing() {
        let actions = actions_for(&flag());
        assert_eq!(actions.len(), 2);
        let LoopAction::CreateNote(note) = &actions[0] else {
            panic!("expected a note first, got {actions:?}")
        };
        assert_eq!(note.as_str(), flag().note());
        assert_eq!(actions[1], LoopAction::Flag);
        let wait = Decision::Wait {
            reason: returns_core::WaitReason::NoShipments,
        };
        assert!(actions_for(&wait).is_empty());
    }

    /// Records calls and keeps the notes written; answers Process with
    /// "already closed" when `process_closed`.
    struct Recorder {
        calls: std::sync::Mutex<Vec<String>>,
        notes: std::sync::Mutex<Vec<String>>,
        process_closed: bool,
    }

    #[async_trait::async_trait]
    impl LoopApi for Recorder {
        async fn process_return(
            &self,
            id: &ReturnId,
            _: Option<&crate::AdditionalDetails>,
        ) -> Result<(), Error> {
            self.calls.lock().unwrap().push(format!("process {id}"));
            if self.process_closed {
                return Err(Error::Rejected(Box::new(crate::Rejection {
                    operation: "process_return",
                    return_id: Some(id.clone()),
                    status: reqwest::StatusCode::OK,
                    code: Some(crate::ErrorCode::UnprocessableReturn),
                    message: Some("Return is closed and therefore cannot be processed.".into()),
                    body_excerpt: String::new(),
                    request_id: None,
                })));
            }
            Ok(())
        }

        async fn flag_return(&self, id: &ReturnId) -> Result<(), Error> {
            self.calls.lock().unwrap().push(format!("flag {id}"));
            Ok(())
        }

        async fn create_note(&self, id: &ReturnId, content: &str) -> Result<(), Error> {
            self.calls
                .lock()
                .unwrap()
                .push(format!("note {id}: {content}"));
            self.notes.lock().unwrap().push(content.to_owned());
            Ok(())
        }

        async fn return_notes(&self, id: &ReturnId) -> Result<Vec<crate::Note>, Error> {
            self.calls.lock().unwrap().push(format!("notes {id}"));
            let notes = self.notes.lock().unwrap().clone();
            Ok(notes
                .into_iter()
                .map(|content| {
                    serde_json::from_value(serde_json::json!({ "content": content })).unwrap()
                })
                .collect())
        }
    }

    fn recorder(process_closed: bool) -> Recorder {
        Recorder {
            calls: std::sync::Mutex::new(Vec::new()),
            notes: std::sync::Mutex::new(Vec::new()),
            process_closed,
        }
    }

    #[tokio::test]
    async fn apply_decision_writes_the_note_first_and_once_then_acts() {
        let id = ReturnId::from(7);
        let api = recorder(false);
        assert_eq!(
            apply_decision(&api, &id, &flag()).await.unwrap(),
            Applied::Flagged
        );
        assert_eq!(
            *api.calls.lock().unwrap(),
            vec![
                "notes 7".to_owned(),
                format!("note 7: {}", flag().note()),
                "flag 7".to_owned()
            ]
        );
        // Repeated (a crash after the note): the note is found, not written again.
        api.calls.lock().unwrap().clear();
        apply_decision(&api, &id, &flag()).await.unwrap();
        assert_eq!(
            *api.calls.lock().unwrap(),
            vec!["notes 7".to_owned(), "flag 7".to_owned()]
        );
        assert_eq!(api.notes.lock().unwrap().len(), 1);
        let process = Decision::Process { partial: None };
        assert_eq!(
            apply_decision(&api, &id, &process).await.unwrap(),
            Applied::Processed
        );
    }

    #[tokio::test]
    async fn an_already_closed_return_counts_as_processed() {
        let api = recorder(true);
        let outcome = apply_decision(
            &api,
            &ReturnId::from(7),
            &Decision::Process { partial: None },
        )
        .await
        .unwrap();
        assert_eq!(outcome, Applied::AlreadyClosed);
    }

    #[tokio::test]
    async fn operations_a_double_does_not_implement_say_so() {
        let api = recorder(false);
        let partial = Decision::Process {
            partial: Some(returns_core::PartialReceipt::new(
                vec![LineId::new("2")],
                Vec::new(),
            )),
        };
        let err = apply_decision(&api, &ReturnId::from(7), &partial)
            .await
            .unwrap_err();
        assert!(
            matches!(
                err,
                Error::Unsupported {
                    operation: "remove_line_items"
                }
            ),
            "{err}"
        );
    }
}

//! Return actions (spec §4): process, flag, cancel, close, remove line
//! items, and notes. Which state an action leads to is decided in
//! [`super::machine`].

use std::collections::HashMap;
use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::IntoResponse;
use serde_json::{Map, Value, json};
use time::OffsetDateTime;

use super::accepted::AcceptedAction;
use super::errors::{LoopError, LoopResult, action_ok};
use super::machine::{Action, decide};
use super::model::{Note, ReturnState, StoredReturn};
use super::{Event, Shared, State as SimState, lock};

/// Longest note Create Return Note accepts (spec §4.7).
const NOTE_MAX_CHARS: usize = 255;

type PathParams = Path<HashMap<String, String>>;

/// The `{return_id}` path parameter; `None` when it is not an integer (no
/// return can have such an id).
fn return_id(params: &HashMap<String, String>) -> Option<u64> {
    params.get("return_id").and_then(|id| id.parse().ok())
}

/// Looks the return up, or answers 404.
fn existing(state: &SimState, id: Option<u64>) -> Result<(u64, ReturnState), LoopError> {
    id.and_then(|id| state.store.get(id))
        .map(|r| (r.id, r.state))
        .ok_or(LoopError::NotFound("Return not found."))
}

/// Moves a return to `to`, stamping `updated_at` (and `closed_at`), and
/// returns the events: always `return.updated`, plus `return.closed` when
/// the return became closed.
pub(super) fn transition(
    shared: &Shared,
    state: &mut SimState,
    id: u64,
    to: ReturnState,
) -> Vec<Event> {
    let now = state.now();
    state.store.modify(id, |r| {
        r.state = to;
        r.updated_at = now;
        if to == ReturnState::Closed {
            r.closed_at = Some(now);
        }
    });
    let triggers: &[&'static str] = if to == ReturnState::Closed {
        &["return.updated", "return.closed"]
    } else {
        &["return.updated"]
    };
    state.return_events(shared.config.shop_id, id, triggers)
}

/// Runs `change` under the lock, then sends the events it produced.
fn act(
    shared: &Shared,
    change: impl FnOnce(&mut SimState) -> Result<Vec<Event>, LoopError>,
) -> LoopResult {
    let events = change(&mut lock(&shared.state))?;
    shared.send(events);
    Ok(action_ok())
}

/// Logs an action the simulator is about to answer with success.
fn accept(state: &mut SimState, id: u64, action: Action, changed_state: bool) {
    let at = state.now();
    state.accepted.record(
        id,
        AcceptedAction {
            action,
            changed_state,
            at,
        },
    );
}

/// An action that only changes the state: decide, then apply.
fn state_change(shared: &Shared, params: &HashMap<String, String>, action: Action) -> LoopResult {
    act(shared, |state| {
        let (id, from) = existing(state, return_id(params))?;
        let to = decide(action, from, shared.config.allow_flagged_to_process)?;
        accept(state, id, action, to.is_some());
        Ok(match to {
            Some(to) => transition(shared, state, id, to),
            None => Vec::new(),
        })
    })
}

/// `POST /warehouse/return/{return_id}/process`.
pub(super) async fn process(
    State(shared): State<Arc<Shared>>,
    Path(params): PathParams,
    body: Bytes,
) -> LoopResult {
    let details = additional_details(&body)?;
    act(&shared, |state| {
        let (id, from) = existing(state, return_id(&params))?;
        let to = decide(
            Action::Process,
            from,
            shared.config.allow_flagged_to_process,
        )?;
        if let Some(message) = state.failing_processing.remove(&id) {
            accept(state, id, Action::Process, false);
            return Ok(state
                .processing_failed_event(id, message)
                .into_iter()
                .collect());
        }
        if let Some(details) = details {
            push_note(state, id, details);
        }
        accept(state, id, Action::Process, to.is_some());
        Ok(to.map_or_else(Vec::new, |to| transition(&shared, state, id, to)))
    })
}

/// `POST /warehouse/return/{return_id}/flag`.
pub(super) async fn flag(
    State(shared): State<Arc<Shared>>,
    Path(params): PathParams,
) -> LoopResult {
    state_change(&shared, &params, Action::Flag)
}

/// `POST /warehouse/return/{return_id}/cancel`.
pub(super) async fn cancel(
    State(shared): State<Arc<Shared>>,
    Path(params): PathParams,
) -> LoopResult {
    state_change(&shared, &params, Action::Cancel)
}

/// `POST /warehouse/return/{return_id}/close`.
pub(super) async fn close(
    State(shared): State<Arc<Shared>>,
    Path(params): PathParams,
) -> LoopResult {
    state_change(&shared, &params, Action::Close)
}

/// `POST /warehouse/return/{return_id}/remove?line_item_id=1,2`: removes
/// refund / store-credit items and processes the return.
pub(super) async fn remove(
    State(shared): State<Arc<Shared>>,
    Path(params): PathParams,
    Query(query): Query<HashMap<String, String>>,
) -> LoopResult {
    act(&shared, |state| {
        let r = return_id(&params)
            .and_then(|id| state.store.get(id))
            .ok_or(LoopError::RemoveReturnNotFound)?;
        let requested = requested_line_items(query.get("line_item_id"))?;
        let to = decide(
            Action::Remove,
            r.state,
            shared.config.allow_flagged_to_process,
        )?;
        let qualifying = requested
            .iter()
            .filter(|wanted| {
                r.line_items
                    .iter()
                    .any(|item| item.id == **wanted && item.is_refund_or_credit())
            })
            .count();
        if qualifying == 0 {
            return Err(LoopError::field(
                "line_item_id",
                "No line items qualify for removal.",
            ));
        }
        if qualifying < requested.len() {
            return Err(LoopError::field(
                "line_item_id",
                "Not all line items qualify for removal.",
            ));
        }
        let id = r.id;
        let now = state.now();
        state.store.modify(id, |r: &mut StoredReturn| {
            r.line_items.retain(|item| !requested.contains(&item.id));
            r.edited_at = Some(now);
        });
        accept(state, id, Action::Remove, true);
        Ok(to.map_or_else(Vec::new, |to| transition(&shared, state, id, to)))
    })
}

/// `GET /warehouse/return/{return_id}/notes`: 422 `"false"` when there are
/// none (spec §4.6).
pub(super) async fn notes(
    State(shared): State<Arc<Shared>>,
    Path(params): PathParams,
) -> LoopResult {
    let state = lock(&shared.state);
    let (id, _) = existing(&state, return_id(&params))?;
    let notes: Vec<Value> = state
        .store
        .get(id)
        .map(|r| r.notes.iter().map(Note::render).collect())
        .unwrap_or_default();
    if notes.is_empty() {
        return Err(LoopError::NoNotes);
    }
    Ok(Json(json!({ "notes": notes })).into_response())
}

/// `POST /warehouse/return/{return_id}/note` with `{content}`.
pub(super) async fn add_note(
    State(shared): State<Arc<Shared>>,
    Path(params): PathParams,
    body: Bytes,
) -> LoopResult {
    let content = serde_json::from_slice::<Value>(&body)
        .ok()
        .and_then(|body| body.get("content")?.as_str().map(str::to_owned))
        .filter(|c| !c.trim().is_empty() && c.chars().count() <= NOTE_MAX_CHARS);
    act(&shared, |state| {
        let (id, _) = existing(state, return_id(&params))?;
        push_note(state, id, content.ok_or(LoopError::InvalidNote)?);
        Ok(Vec::new())
    })
}

fn push_note(state: &mut SimState, id: u64, content: String) {
    let note_id = state.store.next_note_id();
    let created_at: OffsetDateTime = state.now();
    state.store.modify(id, |r| {
        r.notes.push(Note {
            id: note_id,
            content,
            created_at,
        });
    });
}

/// The optional Process body: a JSON object recorded as an "Additional
/// Details" note; an empty body means none.
fn additional_details(body: &[u8]) -> Result<Option<String>, LoopError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(None);
    }
    let not_an_object = || LoopError::field("body", "The request body must be a JSON object.");
    let fields: Map<String, Value> = serde_json::from_slice(body).map_err(|_| not_an_object())?;
    if fields.is_empty() {
        return Ok(None);
    }
    let listed: Vec<String> = fields
        .iter()
        .map(|(key, value)| match value {
            Value::String(text) => format!("{key}: {text}"),
            other => format!("{key}: {other}"),
        })
        .collect();
    Ok(Some(format!("Additional Details: {}", listed.join(", "))))
}

/// Parses `line_item_id=111,222`.
fn requested_line_items(param: Option<&String>) -> Result<Vec<u64>, LoopError> {
    let param = param
        .map(|p| p.trim())
        .filter(|p| !p.is_empty())
        .ok_or_else(|| LoopError::field("line_item_id", "The line item id field is required."))?;
    param
        .split(',')
        .map(|id| id.trim().parse::<u64>())
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| {
            LoopError::field(
                "line_item_id",
                "The line item id must be a comma-separated list of integers.",
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn process_body_becomes_a_note() {
        assert_eq!(additional_details(b""), Ok(None));
        assert_eq!(additional_details(b"{}"), Ok(None));
        assert_eq!(
            additional_details(br#"{"wms_rma":"RMA-1","boxes":2}"#),
            Ok(Some("Additional Details: boxes: 2, wms_rma: RMA-1".into()))
        );
        assert!(additional_details(b"[1]").is_err());
    }

    #[test]
    fn line_item_ids_are_comma_separated_integers() {
        assert_eq!(
            requested_line_items(Some(&"111, 222".into())),
            Ok(vec![111, 222])
        );
        assert!(requested_line_items(None).is_err());
        assert!(requested_line_items(Some(&"1,x".into())).is_err());
    }
}

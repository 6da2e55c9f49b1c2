//! Item grading and disposition (spec §7): validated batches recorded on
//! the line items as `condition` / `disposition`.

use std::sync::Arc;

use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::IntoResponse;
use serde_json::{Map, Value};

use super::errors::{LoopError, LoopResult};
use super::store::Store;
use super::{Shared, lock, time_fmt};

/// Largest batch (the spec's `maxItems`; the guide says 20, the simulator
/// accepts the spec's 30).
const MAX_ITEMS: usize = 30;

const CONDITION_CATEGORIES: [&str; 7] = [
    "grade_a",
    "grade_b",
    "grade_c",
    "grade_d",
    "incorrect_item",
    "missing",
    "junk",
];
const DISPOSITION_OUTCOMES: [&str; 5] = [
    "back_to_stock",
    "resale_hold",
    "recycle",
    "donate",
    "missing",
];

/// Which of the two calls a batch belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kind {
    Grade,
    Assess,
}

impl Kind {
    /// The line-item field the result is stored in, and the fields it keeps.
    fn target(self) -> (&'static str, &'static [&'static str]) {
        match self {
            Kind::Grade => (
                "condition",
                &[
                    "description",
                    "condition_category",
                    "return_processor",
                    "note",
                    "inspected_at",
                    "images",
                ],
            ),
            Kind::Assess => (
                "disposition",
                &[
                    "disposition_outcome",
                    "return_processor",
                    "note",
                    "inspected_at",
                ],
            ),
        }
    }
}

/// `POST /dispositioning/grade`.
pub(super) async fn grade(State(shared): State<Arc<Shared>>, body: Bytes) -> LoopResult {
    record(&shared, &body, Kind::Grade)
}

/// `POST /dispositioning/assess`.
pub(super) async fn assess(State(shared): State<Arc<Shared>>, body: Bytes) -> LoopResult {
    record(&shared, &body, Kind::Assess)
}

fn record(shared: &Shared, body: &[u8], kind: Kind) -> LoopResult {
    let body: Value = serde_json::from_slice(body)
        .map_err(|_| LoopError::field("items", "The items field is required."))?;
    let mut state = lock(&shared.state);
    let items = validate(&body, kind, &state.store)?;
    let (field, keep) = kind.target();
    let mut echoed = Vec::with_capacity(items.len());
    for (line_item_id, item) in items {
        let result: Map<String, Value> = keep
            .iter()
            .map(|key| {
                (
                    (*key).to_owned(),
                    item.get(*key).cloned().unwrap_or(Value::Null),
                )
            })
            .collect();
        if let Some(return_id) = state.store.return_of_line_item(line_item_id) {
            state.store.modify(return_id, |r| {
                if let Some(line) = r.line_items.iter_mut().find(|l| l.id == line_item_id) {
                    line.fields
                        .insert(field.to_owned(), Value::Object(result.clone()));
                }
            });
        }
        let mut echo = result;
        echo.insert("line_item_id".into(), line_item_id.into());
        echoed.push(Value::Object(echo));
    }
    drop(state);
    Ok(Json(echoed).into_response())
}

/// A validated batch item: its line item id and the fields as sent.
type ValidItem<'a> = (u64, &'a Map<String, Value>);

/// Checks the whole batch and reports every problem with its path
/// (`items.0.description`), as Laravel does.
fn validate<'a>(
    body: &'a Value,
    kind: Kind,
    store: &Store,
) -> Result<Vec<ValidItem<'a>>, LoopError> {
    let Some(items) = body.get("items").and_then(Value::as_array) else {
        return Err(LoopError::field("items", "The items field is required."));
    };
    if items.is_empty() || items.len() > MAX_ITEMS {
        return Err(LoopError::field(
            "items",
            format!("The items must have between 1 and {MAX_ITEMS} items."),
        ));
    }
    let mut errors: Vec<(String, String)> = Vec::new();
    let mut valid = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let mut bad = |field: &str, message: String| {
            errors.push((format!("items.{i}.{field}"), message));
        };
        let Some(item) = item.as_object() else {
            bad("line_item_id", "The item must be an object.".into());
            continue;
        };
        let text = |key: &str| item.get(key).filter(|v| !v.is_null());
        match text("line_item_id").map(Value::as_u64) {
            None => bad("line_item_id", "The line item id field is required.".into()),
            Some(None) => bad(
                "line_item_id",
                "The line item id must be an integer.".into(),
            ),
            Some(Some(id)) if store.return_of_line_item(id).is_none() => {
                bad(
                    "line_item_id",
                    "The selected line item id is invalid.".into(),
                );
            }
            Some(Some(id)) => valid.push((id, item)),
        }
        let mut string_field = |key: &str, required: bool, max: usize| match text(key) {
            None if required => bad(key, format!("The {key} field is required.")),
            None => {}
            Some(Value::String(s)) if s.chars().count() <= max => {}
            Some(Value::String(_)) => {
                bad(
                    key,
                    format!("The {key} may not be greater than {max} characters."),
                );
            }
            Some(_) => bad(key, format!("The {key} must be a string.")),
        };
        string_field("return_processor", false, 100);
        string_field("note", false, 65_535);
        let (enum_key, allowed, required): (&str, &[&str], bool) = match kind {
            Kind::Grade => {
                string_field("description", true, 255);
                ("condition_category", &CONDITION_CATEGORIES, false)
            }
            Kind::Assess => ("disposition_outcome", &DISPOSITION_OUTCOMES, true),
        };
        match text(enum_key) {
            None if required => bad(enum_key, format!("The {enum_key} field is required.")),
            None => {}
            Some(v) if v.as_str().is_some_and(|s| allowed.contains(&s)) => {}
            Some(_) => bad(enum_key, format!("The selected {enum_key} is invalid.")),
        }
        if let Some(at) = text("inspected_at")
            && at.as_str().and_then(time_fmt::parse).is_none()
        {
            bad(
                "inspected_at",
                "The inspected at is not a valid date.".into(),
            );
        }
        if kind == Kind::Grade
            && let Some(images) = text("images")
        {
            let ok = images.as_array().is_some_and(|list| {
                list.len() <= 5
                    && list.iter().all(|url| {
                        url.as_str()
                            .is_some_and(|u| u.starts_with("http://") || u.starts_with("https://"))
                    })
            });
            if !ok {
                bad("images", "The images must be at most 5 URLs.".into());
            }
        }
    }
    if errors.is_empty() {
        Ok(valid)
    } else {
        Err(LoopError::validation(errors))
    }
}

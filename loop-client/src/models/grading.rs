//! Item grading and dispositioning: what the warehouse found when it inspected
//! each returned line item.
//!
//! Grading and disposition are two separate calls per item, both keyed on the
//! Loop [`LineItemId`]. Whether either changes the return's state or triggers
//! a restock is unconfirmed; Loop presents both as inspection data for
//! reporting.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::enums::{ConditionCategory, DispositionOutcome};
use crate::ids::LineItemId;
use crate::validation::{InvalidInput, check_len};

/// Longest `description` of a graded item.
pub const MAX_DESCRIPTION_CHARS: usize = 255;
/// Longest `return_processor`.
pub const MAX_RETURN_PROCESSOR_CHARS: usize = 100;
/// Longest `note`.
pub const MAX_NOTE_CHARS: usize = 65_535;
/// Most images per graded item (Loop's grading guide).
pub const MAX_IMAGES: usize = 5;

/// The grade of one line item, sent with [`grade_items`](crate::LoopClient::grade_items).
///
/// `inspected_at` is sent in UTC as `YYYY-MM-DD HH:MM:SS`, the form of Loop's
/// own examples.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ItemGrade {
    /// The Loop line item.
    pub line_item_id: LineItemId,
    /// What the inspector saw (required, at most 255 characters).
    pub description: String,
    /// The grade.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub condition_category: Option<ConditionCategory>,
    /// Email of the inspecting warehouse partner (at most 100 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_processor: Option<String>,
    /// Free-text note (at most 65,535 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// Image URLs (at most 5).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub images: Vec<String>,
    /// When the item was inspected.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::timestamp::inspection::serialize"
    )]
    pub inspected_at: Option<OffsetDateTime>,
}

impl ItemGrade {
    /// A grade with the required fields.
    pub fn new(line_item_id: impl Into<LineItemId>, description: impl Into<String>) -> Self {
        Self {
            line_item_id: line_item_id.into(),
            description: description.into(),
            condition_category: None,
            return_processor: None,
            note: None,
            images: Vec::new(),
            inspected_at: None,
        }
    }

    /// Sets the grade.
    pub fn condition(mut self, category: ConditionCategory) -> Self {
        self.condition_category = Some(category);
        self
    }

    /// Sets who inspected the item.
    pub fn return_processor(mut self, processor: impl Into<String>) -> Self {
        self.return_processor = Some(processor.into());
        self
    }

    /// Sets the note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Adds an image URL.
    pub fn image(mut self, url: impl Into<String>) -> Self {
        self.images.push(url.into());
        self
    }

    /// Sets the inspection time.
    pub fn inspected_at(mut self, at: OffsetDateTime) -> Self {
        self.inspected_at = Some(at);
        self
    }

    /// Checks Loop's documented limits.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] naming the field and the line item.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        let id = &self.line_item_id;
        if self.description.trim().is_empty() {
            return Err(InvalidInput::EmptyField {
                field: "description",
                line_item_id: id.clone(),
            });
        }
        check_len("description", id, &self.description, MAX_DESCRIPTION_CHARS)?;
        validate_common(id, self.return_processor.as_deref(), self.note.as_deref())?;
        if self.images.len() > MAX_IMAGES {
            return Err(InvalidInput::TooManyImages {
                line_item_id: id.clone(),
                count: self.images.len(),
                max: MAX_IMAGES,
            });
        }
        Ok(())
    }
}

/// The disposition of one line item, sent with
/// [`assess_dispositions`](crate::LoopClient::assess_dispositions).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ItemDisposition {
    /// The Loop line item.
    pub line_item_id: LineItemId,
    /// What happens to the item.
    pub disposition_outcome: DispositionOutcome,
    /// Who decided (at most 100 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub return_processor: Option<String>,
    /// Free-text note (at most 65,535 characters).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// When the item was inspected.
    #[serde(
        skip_serializing_if = "Option::is_none",
        serialize_with = "crate::timestamp::inspection::serialize"
    )]
    pub inspected_at: Option<OffsetDateTime>,
}

impl ItemDisposition {
    /// A disposition with the required fields.
    pub fn new(line_item_id: impl Into<LineItemId>, outcome: DispositionOutcome) -> Self {
        Self {
            line_item_id: line_item_id.into(),
            disposition_outcome: outcome,
            return_processor: None,
            note: None,
            inspected_at: None,
        }
    }

    /// Sets who decided.
    pub fn return_processor(mut self, processor: impl Into<String>) -> Self {
        self.return_processor = Some(processor.into());
        self
    }

    /// Sets the note.
    pub fn note(mut self, note: impl Into<String>) -> Self {
        self.note = Some(note.into());
        self
    }

    /// Sets the inspection time.
    pub fn inspected_at(mut self, at: OffsetDateTime) -> Self {
        self.inspected_at = Some(at);
        self
    }

    /// Checks Loop's documented limits.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] naming the field and the line item.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        validate_common(
            &self.line_item_id,
            self.return_processor.as_deref(),
            self.note.as_deref(),
        )
    }
}

fn validate_common(
    id: &LineItemId,
    return_processor: Option<&str>,
    note: Option<&str>,
) -> Result<(), InvalidInput> {
    if let Some(processor) = return_processor {
        check_len(
            "return_processor",
            id,
            processor,
            MAX_RETURN_PROCESSOR_CHARS,
        )?;
    }
    if let Some(note) = note {
        check_len("note", id, note, MAX_NOTE_CHARS)?;
    }
    Ok(())
}

/// One item of Grade Items' answer (Loop echoes the graded items).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GradedItem {
    /// The Loop line item.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub line_item_id: Option<LineItemId>,
    /// Description.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub description: Option<String>,
    /// Grade.
    #[serde(default)]
    pub condition_category: Option<ConditionCategory>,
    /// Who inspected.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub return_processor: Option<String>,
    /// Note.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub note: Option<String>,
    /// Image URLs.
    #[serde(default, deserialize_with = "crate::de::vec_or_null")]
    pub images: Vec<String>,
    /// Inspection time.
    #[serde(default, with = "crate::timestamp::option")]
    pub inspected_at: Option<OffsetDateTime>,
    /// Every field this crate does not model, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// One item of Assess Dispositions' answer (Loop echoes the items).
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AssessedItem {
    /// The Loop line item.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub line_item_id: Option<LineItemId>,
    /// What happens to the item.
    #[serde(default)]
    pub disposition_outcome: Option<DispositionOutcome>,
    /// Who decided.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub return_processor: Option<String>,
    /// Note.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub note: Option<String>,
    /// Inspection time.
    #[serde(default, with = "crate::timestamp::option")]
    pub inspected_at: Option<OffsetDateTime>,
    /// Every field this crate does not model, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The request body of both grading calls.
#[derive(Debug, Serialize)]
pub(crate) struct ItemsBody<'a, T> {
    pub(crate) items: &'a [T],
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn grade_serializes_ids_as_integers_and_times_like_loops_examples() {
        let grade = ItemGrade::new(55_120_931, "Scratched sole")
            .condition(ConditionCategory::GradeB)
            .inspected_at(datetime!(2025-03-07 10:02:11 UTC));
        let json = serde_json::to_value(&grade).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "line_item_id": 55120931,
                "description": "Scratched sole",
                "condition_category": "grade_b",
                "inspected_at": "2025-03-07 10:02:11"
            })
        );
    }

    #[test]
    fn limits_are_checked_per_field() {
        assert!(matches!(
            ItemGrade::new(1, " ").validate(),
            Err(InvalidInput::EmptyField {
                field: "description",
                ..
            })
        ));
        assert!(matches!(
            ItemGrade::new(1, "x".repeat(256)).validate(),
            Err(InvalidInput::FieldTooLong {
                field: "description",
                chars: 256,
                ..
            })
        ));
        let mut grade = ItemGrade::new(1, "ok");
        for n in 0..6 {
            grade = grade.image(format!("https://img.example/{n}.jpg"));
        }
        assert!(matches!(
            grade.validate(),
            Err(InvalidInput::TooManyImages { count: 6, .. })
        ));
        assert!(matches!(
            ItemDisposition::new(1, DispositionOutcome::Recycle)
                .return_processor("p".repeat(101))
                .validate(),
            Err(InvalidInput::FieldTooLong {
                field: "return_processor",
                ..
            })
        ));
        assert!(ItemGrade::new(1, "x".repeat(255)).validate().is_ok());
    }
}

//! Checks made before a request is sent, and the error they produce.
//!
//! Loop documents limits (note length, batch sizes, page size, the list's
//! 120-day window); breaking one would cost a round trip and a 422 at best, so
//! the client refuses such requests up front with an [`InvalidInput`].

use crate::ids::LineItemId;

/// A request the client refused to send because Loop would reject it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum InvalidInput {
    /// A return note must not be empty.
    #[error("note content is empty")]
    EmptyNote,
    /// A return note is longer than Loop accepts.
    #[error("note content has {chars} characters; Loop accepts at most {max}")]
    NoteTooLong {
        /// Characters in the rejected content.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// An operation on line items was given none.
    #[error("{operation} needs at least one line item")]
    NoLineItems {
        /// The operation.
        operation: &'static str,
    },
    /// A required text field of a line item is empty.
    #[error("{field} of line item {line_item_id} is empty")]
    EmptyField {
        /// The field.
        field: &'static str,
        /// The line item.
        line_item_id: LineItemId,
    },
    /// A text field of a line item is longer than Loop accepts.
    #[error(
        "{field} of line item {line_item_id} has {chars} characters; Loop accepts at most {max}"
    )]
    FieldTooLong {
        /// The field.
        field: &'static str,
        /// The line item.
        line_item_id: LineItemId,
        /// Characters in the rejected value.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A graded item has more images than Loop's grading guide allows.
    #[error("line item {line_item_id} has {count} images; Loop accepts at most {max}")]
    TooManyImages {
        /// The line item.
        line_item_id: LineItemId,
        /// Images given.
        count: usize,
        /// The limit.
        max: usize,
    },
    /// `pageSize` outside `1..=750`.
    #[error("page size {page_size} is outside 1..={max}")]
    PageSizeOutOfRange {
        /// The rejected page size.
        page_size: u32,
        /// The limit.
        max: u32,
    },
    /// A window whose end lies before its start.
    #[error("time window ends ({to}) before it starts ({from})")]
    InvertedWindow {
        /// Start of the window.
        from: time::OffsetDateTime,
        /// End of the window.
        to: time::OffsetDateTime,
    },
    /// A single list request spanning more than Loop's 120 days.
    #[error(
        "time window spans {days} days; one list request may span at most 120 (use ReturnWindowQuery to split it)"
    )]
    WindowTooLong {
        /// Whole days spanned.
        days: i64,
    },
    /// An API version segment that is neither `v1`-style, dated (`2026-10`)
    /// nor `unstable`.
    #[error("API version {0:?} is not `vN`, `YYYY-MM` or `unstable`")]
    ApiVersion(String),
}

/// Checks that `text` has at most `max` characters.
pub(crate) fn check_len(
    field: &'static str,
    line_item_id: &LineItemId,
    text: &str,
    max: usize,
) -> Result<(), InvalidInput> {
    let chars = text.chars().count();
    if chars > max {
        return Err(InvalidInput::FieldTooLong {
            field,
            line_item_id: line_item_id.clone(),
            chars,
            max,
        });
    }
    Ok(())
}

//! Return notes.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use time::OffsetDateTime;

use crate::ids::NoteId;
use crate::validation::InvalidInput;

/// A note on a return's timeline.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Note {
    /// Note id.
    #[serde(default, deserialize_with = "crate::de::opt_present")]
    pub id: Option<NoteId>,
    /// The text.
    #[serde(default, deserialize_with = "crate::de::opt_text")]
    pub content: Option<String>,
    /// When the note was written.
    #[serde(default, with = "crate::timestamp::option")]
    pub created_at: Option<OffsetDateTime>,
    /// Every field this crate does not model, as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The text of a new return note, checked before anything is sent.
///
/// Loop rejects content that is empty or longer than
/// [`MAX_CHARS`](Self::MAX_CHARS) characters (its 422 message says "less than
/// 255 characters"; the limit is read from that message and unconfirmed, spec
/// open question 12). This type counts Unicode scalar values (`char`s), and
/// accepts exactly 255.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct NoteContent(String);

impl NoteContent {
    /// The longest content Loop accepts, in characters.
    pub const MAX_CHARS: usize = 255;

    /// Checks and wraps the text.
    ///
    /// # Errors
    ///
    /// [`InvalidInput::EmptyNote`] for empty or blank text,
    /// [`InvalidInput::NoteTooLong`] beyond [`MAX_CHARS`](Self::MAX_CHARS).
    pub fn new(content: impl Into<String>) -> Result<Self, InvalidInput> {
        let content = content.into();
        if content.trim().is_empty() {
            return Err(InvalidInput::EmptyNote);
        }
        let chars = content.chars().count();
        if chars > Self::MAX_CHARS {
            return Err(InvalidInput::NoteTooLong {
                chars,
                max: Self::MAX_CHARS,
            });
        }
        Ok(Self(content))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NoteContent {
    type Error = InvalidInput;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

impl TryFrom<&str> for NoteContent {
    type Error = InvalidInput;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::new(value)
    }
}

/// The body of Create Return Note.
#[derive(Debug, Serialize)]
pub(crate) struct CreateNoteBody<'a> {
    pub(crate) content: &'a str,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn note_length_is_counted_in_characters() {
        assert!(NoteContent::new("é".repeat(255)).is_ok());
        assert_eq!(
            NoteContent::new("x".repeat(256)),
            Err(InvalidInput::NoteTooLong {
                chars: 256,
                max: 255
            })
        );
        assert_eq!(NoteContent::new("  "), Err(InvalidInput::EmptyNote));
    }
}

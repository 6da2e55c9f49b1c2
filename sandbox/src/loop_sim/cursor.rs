//! The opaque `cursor` of `nextPageUrl` / `previousPageUrl`: base64url of a
//! small JSON object (Loop's cursors also start with `eyJ`), holding a
//! key-set position rather than an offset.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use serde::{Deserialize, Serialize};

use super::store::{Key, Position, TimeField};

/// A decoded cursor: a page boundary and the side to continue on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Cursor {
    pub field: TimeField,
    forward: bool,
    key: Key,
}

#[derive(Serialize, Deserialize)]
struct Wire {
    /// `n` (after the key) or `p` (before the key).
    d: String,
    /// `created_at` or `updated_at`.
    f: String,
    /// Timestamp in Unix nanoseconds, as a string (i128 does not fit JSON numbers).
    t: String,
    i: u64,
}

impl Cursor {
    /// The page after the one ending at `after`.
    pub fn next(field: TimeField, after: Key) -> Self {
        Cursor {
            field,
            forward: true,
            key: after,
        }
    }

    /// The page before the one starting at `before`.
    pub fn previous(field: TimeField, before: Key) -> Self {
        Cursor {
            field,
            forward: false,
            key: before,
        }
    }

    pub fn position(self) -> Position {
        if self.forward {
            Position::After(self.key)
        } else {
            Position::Before(self.key)
        }
    }

    pub fn encode(self) -> String {
        let wire = Wire {
            d: if self.forward { "n" } else { "p" }.into(),
            f: self.field.as_str().into(),
            t: self.key.0.to_string(),
            i: self.key.1,
        };
        let json = serde_json::to_vec(&wire).unwrap_or_default();
        URL_SAFE_NO_PAD.encode(json)
    }

    /// `None` for anything this simulator did not issue.
    pub fn decode(text: &str) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text.trim_end_matches('=')).ok()?;
        let wire: Wire = serde_json::from_slice(&bytes).ok()?;
        let forward = match wire.d.as_str() {
            "n" => true,
            "p" => false,
            _ => return None,
        };
        Some(Cursor {
            field: TimeField::parse(&wire.f)?,
            forward,
            key: (wire.t.parse().ok()?, wire.i),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_garbage() {
        let cursor = Cursor::previous(TimeField::UpdatedAt, (1_700_000_000_000_000_000, 42));
        let text = cursor.encode();
        assert!(text.starts_with("eyJ"), "{text}");
        assert_eq!(Cursor::decode(&text), Some(cursor));
        assert_eq!(Cursor::decode("not-a-cursor"), None);
        assert_eq!(Cursor::decode(&URL_SAFE_NO_PAD.encode(b"{}")), None);
    }
}

//! Loop's timestamps.
//!
//! Three formats appear in responses, and this module reads all of them:
//!
//! | Example | Where |
//! |---|---|
//! | `2023-01-01T22:27:15.000Z` | Detailed Returns List, webhooks |
//! | `2025-03-04T15:12:09+02:00` | ISO 8601 with an offset |
//! | `2023-08-22 14:08:31` | Get Return Details: no `T`, no zone |
//!
//! A timestamp without a zone is taken as **UTC**. Loop does not document the
//! zone of these values (unconfirmed, spec open question 7); UTC is the
//! assumption the spec recommends. A bare date (`2025-03-07`) reads as midnight
//! UTC.
//!
//! Requests send times in UTC as `2025-03-07T10:02:11.000Z` (the ISO form of
//! Loop's pagination examples), except grading's `inspected_at`, which uses the
//! `2025-03-07 10:02:11` form of Loop's grading examples.

use std::fmt;

use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// A timestamp in none of the formats Loop uses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unrecognised timestamp {input:?}: expected ISO 8601 or `YYYY-MM-DD HH:MM:SS`")]
pub struct TimestampError {
    input: String,
}

impl TimestampError {
    /// The text that could not be read.
    pub fn input(&self) -> &str {
        &self.input
    }
}

/// Reads a timestamp in any of Loop's formats (see the [module docs](self)).
///
/// # Errors
///
/// [`TimestampError`] when the text is in none of the accepted formats.
pub fn parse_timestamp(input: &str) -> Result<OffsetDateTime, TimestampError> {
    let text = input.trim();
    let error = || TimestampError {
        input: input.to_owned(),
    };
    // `2023-08-22 14:08:31` and `2023-08-22T14:08:31` differ only in the separator.
    let normalised;
    let text = if text.len() > 10 && text.as_bytes()[10] == b' ' {
        normalised = format!("{}T{}", &text[..10], &text[11..]);
        normalised.as_str()
    } else {
        text
    };
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Ok(at);
    }
    let local = format_description!(
        version = 2,
        "[year]-[month]-[day]T[hour]:[minute][optional [:[second][optional [.[subsecond]]]]]"
    );
    if let Ok(at) = PrimitiveDateTime::parse(text, &local) {
        return Ok(at.assume_utc());
    }
    let with_offset = format_description!(
        version = 2,
        "[year]-[month]-[day]T[hour]:[minute]:[second][optional [.[subsecond]]][offset_hour sign:mandatory][optional [:]][offset_minute]"
    );
    if let Ok(at) = OffsetDateTime::parse(text, &with_offset) {
        return Ok(at);
    }
    let date_only = format_description!("[year]-[month]-[day]");
    if let Ok(date) = Date::parse(text, &date_only) {
        return Ok(date.midnight().assume_utc());
    }
    Err(error())
}

/// Formats a time for the `from` / `to` query parameters: UTC, ISO 8601 with
/// milliseconds, e.g. `2025-03-07T10:02:11.000Z`.
pub fn format_query_time(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    at.format(&format).unwrap_or_else(|_| fallback_format(at))
}

/// Formats a time the way Loop's grading examples do: UTC, `2025-03-07 10:02:11`.
pub fn format_inspection_time(at: OffsetDateTime) -> String {
    let at = at.to_offset(UtcOffset::UTC);
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    at.format(&format).unwrap_or_else(|_| fallback_format(at))
}

// Formatting into a `String` with a fixed description only fails for years
// outside 0..=9999; fall back to RFC 3339's own rendering rather than panic.
fn fallback_format(at: OffsetDateTime) -> String {
    at.format(&Rfc3339).unwrap_or_else(|_| at.to_string())
}

struct TimestampVisitor;

impl Visitor<'_> for TimestampVisitor {
    type Value = Option<OffsetDateTime>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a timestamp string, or null")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        if crate::de::is_blank(v) {
            return Ok(None);
        }
        parse_timestamp(v).map(Some).map_err(E::custom)
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }
}

/// Serde helpers for `Option<OffsetDateTime>` fields: lenient on the way in
/// (`null`, `""` and `"N/A"` mean absent), RFC 3339 on the way out.
pub(crate) mod option {
    use super::*;

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        d.deserialize_any(TimestampVisitor)
    }

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<OffsetDateTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(at) => {
                let text = at.format(&Rfc3339).map_err(serde::ser::Error::custom)?;
                s.serialize_str(&text)
            }
            None => s.serialize_none(),
        }
    }
}

/// Serializer for grading's `inspected_at` (`YYYY-MM-DD HH:MM:SS`, UTC).
pub(crate) mod inspection {
    use super::*;

    pub(crate) fn serialize<S: Serializer>(
        value: &Option<OffsetDateTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match value {
            Some(at) => s.serialize_str(&format_inspection_time(*at)),
            None => s.serialize_none(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn all_three_loop_formats_parse() {
        let cases = [
            (
                "2023-01-01T22:27:15.000Z",
                datetime!(2023-01-01 22:27:15 UTC),
            ),
            ("2025-03-04T15:12:09Z", datetime!(2025-03-04 15:12:09 UTC)),
            (
                "2025-03-04T17:12:09+02:00",
                datetime!(2025-03-04 15:12:09 UTC),
            ),
            ("2023-08-22 14:08:31", datetime!(2023-08-22 14:08:31 UTC)),
            ("2023-08-22T14:08:31", datetime!(2023-08-22 14:08:31 UTC)),
            (
                "2023-08-22 14:08:31.250",
                datetime!(2023-08-22 14:08:31.25 UTC),
            ),
            (
                "2023-08-22 14:08:31+0200",
                datetime!(2023-08-22 12:08:31 UTC),
            ),
            ("2025-03-07", datetime!(2025-03-07 0:00 UTC)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_timestamp(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn garbage_is_rejected_with_the_input() {
        let err = parse_timestamp("yesterday").unwrap_err();
        assert_eq!(err.input(), "yesterday");
        assert!(parse_timestamp("2023-13-01 00:00:00").is_err());
    }

    #[test]
    fn request_formats() {
        let at = datetime!(2025-03-07 12:02:11.5 +02:00);
        assert_eq!(format_query_time(at), "2025-03-07T10:02:11.500Z");
        assert_eq!(format_inspection_time(at), "2025-03-07 10:02:11");
    }

    proptest::proptest! {
        #[test]
        fn every_request_format_reads_back(seconds in 0i64..4_102_444_800, millis in 0u16..1000) {
            let at = OffsetDateTime::from_unix_timestamp(seconds).unwrap()
                + time::Duration::milliseconds(i64::from(millis));
            proptest::prop_assert_eq!(parse_timestamp(&format_query_time(at)).unwrap(), at);
            let whole_seconds = at.replace_millisecond(0).unwrap();
            proptest::prop_assert_eq!(
                parse_timestamp(&format_inspection_time(at)).unwrap(),
                whole_seconds
            );
        }
    }
}

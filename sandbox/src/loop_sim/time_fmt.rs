//! The timestamp formats Loop uses, and a lenient parser for request-side
//! timestamps.

use time::format_description::well_known::Rfc3339;
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// `2023-01-01T22:27:15.000Z`: the Detailed Returns List (spec §6.1).
pub(super) fn iso_millis(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let format =
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:3]Z");
    t.format(&format).unwrap_or_default()
}

/// `2025-03-04T15:12:09Z`: webhook payloads and ASN rows (spec §5.3, §8.5).
pub(super) fn iso_seconds(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]Z");
    t.format(&format).unwrap_or_default()
}

/// `2023-08-22 14:08:31` (no `T`, no zone, UTC): Get Return Details (spec §6.1).
pub(super) fn space_separated(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    t.format(&format).unwrap_or_default()
}

/// Parses every timestamp form the spec shows on requests and in Return
/// objects: RFC 3339 (`Z` or `+HH:MM`, optional fraction), `YYYY-MM-DD
/// HH:MM:SS` and `YYYY-MM-DDTHH:MM:SS` without a zone (taken as UTC), and a
/// bare `YYYY-MM-DD` (midnight UTC).
pub(super) fn parse(text: &str) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(t.to_offset(UtcOffset::UTC));
    }
    let zoneless = [
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day] [hour]:[minute]:[second].[subsecond]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]"),
        format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond]"),
    ];
    for format in zoneless {
        if let Ok(t) = PrimitiveDateTime::parse(text, &format) {
            return Some(t.assume_utc());
        }
    }
    Date::parse(text, &format_description!("[year]-[month]-[day]"))
        .ok()
        .map(|d| d.midnight().assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn parses_every_documented_form() {
        let expected = datetime!(2023-01-01 22:27:15 UTC);
        for text in [
            "2023-01-01T22:27:15.000Z",
            "2023-01-01T22:27:15Z",
            "2023-01-01T23:27:15+01:00",
            "2023-01-01 22:27:15",
            "2023-01-01T22:27:15",
        ] {
            assert_eq!(parse(text), Some(expected), "{text}");
        }
        assert_eq!(parse("2023-01-01"), Some(datetime!(2023-01-01 0:00 UTC)));
        assert_eq!(parse("yesterday"), None);
    }

    #[test]
    fn formats_each_surface_shape() {
        let t = datetime!(2023-08-22 14:08:31.25 UTC);
        assert_eq!(iso_millis(t), "2023-08-22T14:08:31.250Z");
        assert_eq!(iso_seconds(t), "2023-08-22T14:08:31Z");
        assert_eq!(space_separated(t), "2023-08-22 14:08:31");
    }
}

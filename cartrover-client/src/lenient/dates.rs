//! Dates and timestamps as CartRover writes them (spec §2.7).
//!
//! Timestamps are ISO 8601 in UTC (`2018-08-27T02:24:58+00:00`), but product
//! `last_updated_datetime` is `YYYY-MM-DD HH:MM:SS` without a zone, order dates
//! are plain `YYYY-MM-DD`, and a MySQL backend may send the zero date
//! `0000-00-00 00:00:00` for "never". All of them are read here; `""`, `null`
//! and zero dates are `None`.

use std::fmt;

use serde::Serializer;
use serde::de::{self, Deserializer, Visitor};
use time::format_description::well_known::{Iso8601, Rfc3339};
use time::macros::format_description;
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

const DATE: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]");
const SPACED: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
const T_SEPARATED: &[time::format_description::BorrowedFormatItem<'static>] =
    format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
/// ISO 8601 with a numeric offset, as in CartRover's examples (`+00:00`, not `Z`).
const ZONED: &[time::format_description::BorrowedFormatItem<'static>] = format_description!(
    "[year]-[month]-[day]T[hour]:[minute]:[second][offset_hour sign:mandatory]:[offset_minute]"
);

/// What a date-ish string turned out to be.
enum Parsed {
    Zoned(OffsetDateTime),
    Local(PrimitiveDateTime),
    Day(Date),
}

fn is_nothing(text: &str) -> bool {
    text.is_empty() || text.starts_with("0000-00-00")
}

fn parse(text: &str) -> Option<Parsed> {
    if let Ok(t) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(Parsed::Zoned(t));
    }
    if let Ok(t) = OffsetDateTime::parse(text, &Iso8601::DEFAULT) {
        return Some(Parsed::Zoned(t));
    }
    // Fractional seconds without a zone are cut off rather than rejected.
    let whole_seconds = text.split('.').next().unwrap_or(text);
    for format in [SPACED, T_SEPARATED] {
        if let Ok(t) = PrimitiveDateTime::parse(whole_seconds, format) {
            return Some(Parsed::Local(t));
        }
    }
    Date::parse(text, DATE).ok().map(Parsed::Day)
}

/// A visitor turning the string into `Option<T>` through `convert`.
struct DateVisitor<T> {
    expecting: &'static str,
    convert: fn(Parsed) -> T,
}

impl<'de, T> Visitor<'de> for DateVisitor<T> {
    type Value = Option<T>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.expecting)
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        let text = v.trim();
        if is_nothing(text) {
            return Ok(None);
        }
        parse(text)
            .map(|p| Some((self.convert)(p)))
            .ok_or_else(|| E::custom(format!("`{v}` is not {}", self.expecting)))
    }
    absent_is!(None);
}

/// `Option<OffsetDateTime>`. A value without a zone is taken as UTC, since
/// CartRover documents every output timestamp as UTC. Written as
/// [`format_timestamp`] does.
pub(crate) mod timestamp {
    use super::*;

    fn convert(parsed: Parsed) -> OffsetDateTime {
        match parsed {
            Parsed::Zoned(t) => t,
            Parsed::Local(t) => t.assume_utc(),
            Parsed::Day(d) => d.midnight().assume_utc(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<OffsetDateTime>, D::Error> {
        d.deserialize_any(DateVisitor {
            expecting: "an ISO 8601 timestamp",
            convert,
        })
    }

    pub(crate) fn serialize<S: Serializer>(
        v: &Option<OffsetDateTime>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        match v {
            Some(t) => s.serialize_str(&format_timestamp(*t)),
            None => s.serialize_none(),
        }
    }
}

/// `Option<PrimitiveDateTime>` for timestamps CartRover writes without a zone
/// (product `last_updated_datetime`). A zoned value is converted to UTC first.
pub(crate) mod local_timestamp {
    use super::*;

    fn convert(parsed: Parsed) -> PrimitiveDateTime {
        match parsed {
            Parsed::Zoned(t) => {
                let utc = t.to_offset(UtcOffset::UTC);
                PrimitiveDateTime::new(utc.date(), utc.time())
            }
            Parsed::Local(t) => t,
            Parsed::Day(d) => d.midnight(),
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<PrimitiveDateTime>, D::Error> {
        d.deserialize_any(DateVisitor {
            expecting: "a date and time",
            convert,
        })
    }
}

/// `Option<Date>` (`order_date`, `latest_ship_date`); a full timestamp keeps
/// its calendar date. Written as `YYYY-MM-DD`.
pub(crate) mod date {
    use super::*;

    fn convert(parsed: Parsed) -> Date {
        match parsed {
            Parsed::Zoned(t) => t.date(),
            Parsed::Local(t) => t.date(),
            Parsed::Day(d) => d,
        }
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Date>, D::Error> {
        d.deserialize_any(DateVisitor {
            expecting: "a date",
            convert,
        })
    }

    pub(crate) fn serialize<S: Serializer>(v: &Option<Date>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.serialize_str(&format_date(*d)),
            None => s.serialize_none(),
        }
    }
}

/// `YYYY-MM-DD`.
pub(crate) fn format_date(d: Date) -> String {
    d.format(DATE).unwrap_or_else(|_| d.to_string())
}

/// ISO 8601 with a numeric offset (`2024-05-01T00:00:00+00:00`), the form
/// CartRover documents; sub-second precision is dropped.
pub(crate) fn format_timestamp(t: OffsetDateTime) -> String {
    t.format(ZONED).unwrap_or_else(|_| t.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use time::macros::{date, datetime};

    #[derive(Deserialize)]
    struct Probe {
        #[serde(default, deserialize_with = "timestamp::deserialize")]
        at: Option<OffsetDateTime>,
        #[serde(default, deserialize_with = "local_timestamp::deserialize")]
        local: Option<PrimitiveDateTime>,
        #[serde(default, deserialize_with = "date::deserialize")]
        day: Option<Date>,
    }

    fn probe(json: &str) -> Probe {
        serde_json::from_str(json).unwrap_or_else(|e| panic!("{json}: {e}"))
    }

    #[test]
    fn timestamps_in_every_documented_shape() {
        let cases = [
            (
                r#"{"at": "2018-08-27T02:24:58+00:00"}"#,
                Some(datetime!(2018-08-27 02:24:58 UTC)),
            ),
            (
                r#"{"at": "2024-05-01T10:00:00-04:00"}"#,
                Some(datetime!(2024-05-01 14:00:00 UTC)),
            ),
            (
                r#"{"at": "2024-05-01T10:00:00Z"}"#,
                Some(datetime!(2024-05-01 10:00:00 UTC)),
            ),
            (
                r#"{"at": "2024-05-01 10:00:00"}"#,
                Some(datetime!(2024-05-01 10:00:00 UTC)),
            ),
            (
                r#"{"at": "2024-05-01"}"#,
                Some(datetime!(2024-05-01 00:00:00 UTC)),
            ),
            (r#"{"at": "0000-00-00 00:00:00"}"#, None),
            (r#"{"at": ""}"#, None),
            (r#"{"at": null}"#, None),
        ];
        for (json, want) in cases {
            assert_eq!(probe(json).at, want, "{json}");
        }
        assert!(serde_json::from_str::<Probe>(r#"{"at": "yesterday"}"#).is_err());
    }

    #[test]
    fn zoneless_product_timestamp_and_plain_dates() {
        assert_eq!(
            probe(r#"{"local": "2024-05-01 10:00:00"}"#).local,
            Some(datetime!(2024-05-01 10:00:00))
        );
        assert_eq!(
            probe(r#"{"day": "2024-05-01"}"#).day,
            Some(date!(2024 - 05 - 01))
        );
        assert_eq!(
            probe(r#"{"day": "2024-05-01T23:00:00+00:00"}"#).day,
            Some(date!(2024 - 05 - 01))
        );
    }

    #[test]
    fn formats_keep_the_numeric_offset() {
        assert_eq!(
            format_timestamp(datetime!(2024-05-01 00:00:00 +02:00)),
            "2024-05-01T00:00:00+02:00"
        );
        assert_eq!(
            format_timestamp(datetime!(2024-05-01 00:00:00.25 UTC)),
            "2024-05-01T00:00:00+00:00"
        );
        assert_eq!(format_date(date!(2024 - 05 - 01)), "2024-05-01");
    }
}

//! The simulator's clock and CartRover's timestamp formats (spec §2.7).

use time::format_description::well_known::Rfc3339;
use time::macros::{format_description, time};
use time::{Date, OffsetDateTime, PrimitiveDateTime, UtcOffset};

/// Wall clock of the simulator: the system clock, or a pinned instant so that
/// tests get exact timestamps (see
/// [`CartroverSim::set_now`](super::CartroverSim::set_now)).
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct SimClock {
    pinned: Option<OffsetDateTime>,
}

impl SimClock {
    /// The current simulator time, in UTC.
    pub(crate) fn now(&self) -> OffsetDateTime {
        self.pinned
            .unwrap_or_else(OffsetDateTime::now_utc)
            .to_offset(UtcOffset::UTC)
    }

    /// Pins the clock at `now` (`None`: back to the system clock).
    pub(crate) fn pin(&mut self, now: Option<OffsetDateTime>) {
        self.pinned = now;
    }
}

/// `2018-08-27T02:24:58+00:00`: how CartRover writes every timestamp.
pub(crate) fn iso(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]+00:00");
    at.to_offset(UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// `2024-05-01 10:00:00`, no zone: product `last_updated_datetime`.
pub(crate) fn zoneless(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    at.to_offset(UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// `2024-05-01`: order create `order_date`.
pub(crate) fn date_only(at: OffsetDateTime) -> String {
    let format = format_description!("[year]-[month]-[day]");
    at.to_offset(UtcOffset::UTC)
        .format(&format)
        .unwrap_or_else(|_| at.unix_timestamp().to_string())
}

/// Which end of a day a bare date stands for in a range filter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum DayEnd {
    /// `00:00:00` (a `from_date`).
    Start,
    /// The last nanosecond of the day (a `to_date`), so `to_date=2024-05-01`
    /// includes the whole of that day.
    End,
}

/// Parses an input timestamp: RFC 3339 with an offset or `Z`, a date-time
/// without offset (read as UTC, with `T` or a space), or a bare date (the
/// start or end of that UTC day).
pub(crate) fn parse_input(text: &str, day_end: DayEnd) -> Option<OffsetDateTime> {
    let text = text.trim();
    if let Ok(at) = OffsetDateTime::parse(text, &Rfc3339) {
        return Some(at.to_offset(UtcOffset::UTC));
    }
    let with_t = format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    let with_space = format_description!("[year]-[month]-[day] [hour]:[minute]:[second]");
    for format in [with_t, with_space] {
        if let Ok(at) = PrimitiveDateTime::parse(text, &format) {
            return Some(at.assume_utc());
        }
    }
    let date = Date::parse(text, &format_description!("[year]-[month]-[day]")).ok()?;
    let clock = match day_end {
        DayEnd::Start => time!(00:00:00),
        DayEnd::End => time!(23:59:59.999_999_999),
    };
    Some(date.with_time(clock).assume_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn writes_utc_with_explicit_offset() {
        assert_eq!(
            iso(datetime!(2018-08-27 04:24:58 +02:00)),
            "2018-08-27T02:24:58+00:00"
        );
        assert_eq!(
            zoneless(datetime!(2024-05-01 10:00:00 UTC)),
            "2024-05-01 10:00:00"
        );
        assert_eq!(date_only(datetime!(2024-05-01 23:00:00 UTC)), "2024-05-01");
    }

    #[test]
    fn reads_every_documented_input_form() {
        let expected = datetime!(2024-05-01 12:00:00 UTC);
        for text in [
            "2024-05-01T12:00:00+00:00",
            "2024-05-01T14:00:00+02:00",
            "2024-05-01T12:00:00Z",
            "2024-05-01T12:00:00",
            "2024-05-01 12:00:00",
        ] {
            assert_eq!(parse_input(text, DayEnd::Start), Some(expected), "{text}");
        }
        assert_eq!(
            parse_input("2024-05-01", DayEnd::Start),
            Some(datetime!(2024-05-01 00:00:00 UTC))
        );
        assert_eq!(
            parse_input("2024-05-01", DayEnd::End),
            Some(datetime!(2024-05-01 23:59:59.999_999_999 UTC))
        );
    }

    #[test]
    fn a_plus_decoded_as_space_is_not_a_timestamp() {
        // What a raw `+` in a query string turns into after form decoding.
        assert_eq!(
            parse_input("2024-05-01T12:00:00 00:00", DayEnd::Start),
            None
        );
    }
}

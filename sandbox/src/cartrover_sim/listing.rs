//! Query parameters shared by the list endpoints: `limit`/`page` paging
//! (spec §2.6) and the `from_date`/`to_date` range (§2.7, §5.5).

use std::collections::HashMap;

use time::OffsetDateTime;

use super::clock::{self, DayEnd};
use super::wire::ApiError;

/// Default page size (vendor: 20).
const DEFAULT_LIMIT: usize = 20;
/// Largest page; larger `limit` values are clamped to it.
const MAX_LIMIT: usize = 100;

/// One page request.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Paging {
    /// Rows per page, `1..=100`.
    pub(crate) limit: usize,
    /// 1-based page number.
    pub(crate) page: usize,
}

impl Paging {
    /// Reads `limit` (default 20, clamped to 100) and `page` (default 1);
    /// values below 1 or not integers are `Invalid`.
    pub(crate) fn from_query(query: &HashMap<String, String>) -> Result<Self, ApiError> {
        let read = |name: &str, default: usize| -> Result<usize, ApiError> {
            match query.get(name).map(|value| value.trim()) {
                None | Some("") => Ok(default),
                Some(value) => value
                    .parse::<usize>()
                    .ok()
                    .filter(|value| *value >= 1)
                    .ok_or_else(|| {
                        ApiError::invalid(format!(
                            "{name} must be a positive integer, got '{value}'"
                        ))
                    }),
            }
        };
        Ok(Self {
            limit: read("limit", DEFAULT_LIMIT)?.min(MAX_LIMIT),
            page: read("page", 1)?,
        })
    }

    /// Rows to skip before this page.
    pub(crate) fn offset(self) -> usize {
        (self.page - 1).saturating_mul(self.limit)
    }
}

/// An inclusive `from_date`..`to_date` range; either end may be open.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) struct DateRange {
    from: Option<OffsetDateTime>,
    to: Option<OffsetDateTime>,
}

impl DateRange {
    /// Reads both ends. A bare date means the start (`from_date`) or the end
    /// (`to_date`) of that UTC day. A `+` sent unencoded arrives as a space
    /// and makes the value `Invalid`, as on the live service.
    pub(crate) fn from_query(query: &HashMap<String, String>) -> Result<Self, ApiError> {
        let read = |name: &str, day_end: DayEnd| -> Result<Option<OffsetDateTime>, ApiError> {
            match query.get(name).map(|value| value.as_str()) {
                None | Some("") => Ok(None),
                Some(value) => clock::parse_input(value, day_end).map(Some).ok_or_else(|| {
                    ApiError::invalid(format!(
                        "Invalid {name} '{value}': use ISO 8601, e.g. 2024-05-01T00:00:00+00:00, \
                         with '+' sent as %2B"
                    ))
                }),
            }
        };
        Ok(Self {
            from: read("from_date", DayEnd::Start)?,
            to: read("to_date", DayEnd::End)?,
        })
    }

    /// Whether the range is open at both ends.
    pub(crate) fn is_unbounded(self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// Whether `at` lies in the range; a missing date is outside any bounded
    /// range.
    pub(crate) fn contains(self, at: Option<OffsetDateTime>) -> bool {
        if self.is_unbounded() {
            return true;
        }
        let Some(at) = at else { return false };
        self.from.is_none_or(|from| at >= from) && self.to.is_none_or(|to| at <= to)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn query(pairs: &[(&str, &str)]) -> HashMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn paging_defaults_clamps_and_refuses() {
        assert_eq!(
            Paging::from_query(&query(&[])).unwrap(),
            Paging { limit: 20, page: 1 }
        );
        let clamped = Paging::from_query(&query(&[("limit", "250"), ("page", "3")])).unwrap();
        assert_eq!(
            clamped,
            Paging {
                limit: 100,
                page: 3
            }
        );
        assert_eq!(clamped.offset(), 200);
        for bad in [
            ("limit", "0"),
            ("page", "0"),
            ("page", "-1"),
            ("limit", "ten"),
        ] {
            assert!(Paging::from_query(&query(&[bad])).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn date_range_is_inclusive_and_whole_days() {
        let range = DateRange::from_query(&query(&[
            ("from_date", "2024-05-01"),
            ("to_date", "2024-05-01"),
        ]))
        .unwrap();
        assert!(range.contains(Some(datetime!(2024-05-01 00:00:00 UTC))));
        assert!(range.contains(Some(datetime!(2024-05-01 23:59:59 UTC))));
        assert!(!range.contains(Some(datetime!(2024-05-02 00:00:00 UTC))));
        assert!(!range.contains(None));
        assert!(DateRange::default().contains(None));
    }

    #[test]
    fn an_unencoded_plus_is_invalid() {
        let error = DateRange::from_query(&query(&[("from_date", "2024-05-01T00:00:00 00:00")]))
            .unwrap_err();
        assert!(error.message.contains("%2B"), "{}", error.message);
    }
}

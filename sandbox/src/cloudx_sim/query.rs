//! The query of `GET /receiving-tickets`: filters and paging (spec §2.1).

use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;

use super::error::FieldError;
use super::status::Status;
use super::ticket::Ticket;

/// `per_page` when none is given.
pub(crate) const DEFAULT_PER_PAGE: u32 = 50;
/// Largest `per_page` accepted.
pub(crate) const MAX_PER_PAGE: u32 = 200;

/// A parsed listing query. Filters combine with AND.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct ListQuery {
    pub(crate) reference_number: Option<String>,
    pub(crate) order_number: Option<String>,
    pub(crate) status: Option<Status>,
    /// Inclusive: tickets with `updated_at >= updated_since`.
    pub(crate) updated_since: Option<OffsetDateTime>,
    /// 1-based.
    pub(crate) page: u32,
    pub(crate) per_page: u32,
}

impl ListQuery {
    /// Parses query pairs. Empty values count as absent (clients often send
    /// every filter, empty when unused); unknown parameters are a 422, so a
    /// misspelt filter cannot silently list everything; a repeated parameter
    /// keeps its last value.
    pub(crate) fn parse(pairs: &[(String, String)]) -> Result<ListQuery, Vec<FieldError>> {
        let mut query = ListQuery {
            reference_number: None,
            order_number: None,
            status: None,
            updated_since: None,
            page: 1,
            per_page: DEFAULT_PER_PAGE,
        };
        let mut errors = Vec::new();
        for (name, value) in pairs {
            if value.is_empty() {
                continue;
            }
            match name.as_str() {
                "reference_number" => query.reference_number = Some(value.clone()),
                "order_number" => query.order_number = Some(value.clone()),
                "status" => match Status::from_wire(value) {
                    Some(status) => query.status = Some(status),
                    None => errors.push(FieldError::new(
                        "status",
                        format!("unknown status {value:?}; one of {}", Status::wire_names()),
                    )),
                },
                "updated_since" => match OffsetDateTime::parse(value, &Rfc3339) {
                    Ok(at) => query.updated_since = Some(at),
                    Err(_) => errors.push(FieldError::new(
                        "updated_since",
                        "must be an RFC 3339 timestamp, e.g. 2026-01-02T03:04:05Z",
                    )),
                },
                "page" => match value.parse::<u32>() {
                    Ok(page) if page >= 1 => query.page = page,
                    _ => errors.push(FieldError::new("page", "must be an integer of at least 1")),
                },
                "per_page" => match value.parse::<u32>() {
                    Ok(per_page) if (1..=MAX_PER_PAGE).contains(&per_page) => {
                        query.per_page = per_page;
                    }
                    _ => errors.push(FieldError::new(
                        "per_page",
                        format!("must be an integer from 1 to {MAX_PER_PAGE}"),
                    )),
                },
                other => errors.push(FieldError::new(other, "is not a known query parameter")),
            }
        }
        if errors.is_empty() {
            Ok(query)
        } else {
            Err(errors)
        }
    }

    pub(crate) fn has_filters(&self) -> bool {
        self.reference_number.is_some()
            || self.order_number.is_some()
            || self.status.is_some()
            || self.updated_since.is_some()
    }

    pub(crate) fn matches(&self, ticket: &Ticket) -> bool {
        self.reference_number
            .as_ref()
            .is_none_or(|r| *r == ticket.reference_number)
            && self
                .order_number
                .as_ref()
                .is_none_or(|o| ticket.order_number.as_ref() == Some(o))
            && self.status.is_none_or(|s| s == ticket.status)
            && self.updated_since.is_none_or(|at| ticket.updated_at >= at)
    }
}

#[cfg(test)]
mod tests {
    use super::{ListQuery, MAX_PER_PAGE};

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn empty_values_are_ignored_and_defaults_apply() {
        let query = ListQuery::parse(&pairs(&[("reference_number", ""), ("status", "")])).unwrap();
        assert!(!query.has_filters());
        assert_eq!((query.page, query.per_page), (1, 50));
    }

    #[test]
    fn bad_filters_name_their_parameter() {
        let max_plus_one = (MAX_PER_PAGE + 1).to_string();
        let errors = ListQuery::parse(&pairs(&[
            ("status", "Received"),
            ("updated_since", "yesterday"),
            ("page", "0"),
            ("per_page", &max_plus_one),
            ("limit", "5"),
        ]))
        .unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["status", "updated_since", "page", "per_page", "limit"]
        );
    }
}

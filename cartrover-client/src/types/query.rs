//! Query parameters of the order reads (E3, E5) and of paged lists.

use time::{Date, OffsetDateTime};

use crate::lenient::dates::{format_date, format_timestamp};
use crate::lenient::yes_no;
use crate::types::{OrderListFilter, OrderSource};

/// Largest page CartRover is known to honour (observed, spec §2.6). The client
/// clamps to it, so that a short page reliably means the last one.
pub const MAX_PAGE_SIZE: u32 = 100;

/// The optional `include_*` flags of the order view and list (sent as `Y`/`N`;
/// observed in a third-party client, spec §5.3). Unset flags are not sent.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrderIncludes {
    /// `include_filtered_items`: also return lines filtered out.
    pub filtered_items: Option<bool>,
    /// `include_order_extras`: order-level extra fields.
    pub order_extras: Option<bool>,
    /// `include_line_extras`: line-level extra fields.
    pub line_extras: Option<bool>,
    /// `include_aliases`: SKU aliases.
    pub aliases: Option<bool>,
}

impl OrderIncludes {
    /// Every flag set to `Y`.
    pub fn all() -> Self {
        Self {
            filtered_items: Some(true),
            order_extras: Some(true),
            line_extras: Some(true),
            aliases: Some(true),
        }
    }

    /// The query pairs of the flags that are set.
    pub(crate) fn pairs(&self) -> impl Iterator<Item = (&'static str, &'static str)> {
        [
            ("include_filtered_items", self.filtered_items),
            ("include_order_extras", self.order_extras),
            ("include_line_extras", self.line_extras),
            ("include_aliases", self.aliases),
        ]
        .into_iter()
        .filter_map(|(key, flag)| flag.map(|f| (key, yes_no::as_str(f))))
    }
}

/// A `from_date`/`to_date` bound: a calendar date or a timestamp with offset.
/// The offset's `+` goes out as `%2B` (spec §2.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateBound {
    /// `YYYY-MM-DD`.
    Date(Date),
    /// ISO 8601 with offset, e.g. `2024-05-01T00:00:00+00:00`.
    DateTime(OffsetDateTime),
}

impl DateBound {
    /// The wire text (before percent-encoding).
    pub fn to_wire(&self) -> String {
        match self {
            DateBound::Date(d) => format_date(*d),
            DateBound::DateTime(t) => format_timestamp(*t),
        }
    }
}

impl From<Date> for DateBound {
    fn from(d: Date) -> Self {
        DateBound::Date(d)
    }
}

impl From<OffsetDateTime> for DateBound {
    fn from(t: OffsetDateTime) -> Self {
        DateBound::DateTime(t)
    }
}

/// Which page of a list to read: `limit` rows (1 to [`MAX_PAGE_SIZE`]) from
/// the 1-based `page`. The default is the first page of 100 rows (CartRover's
/// own default of 20 only costs more calls).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageRequest {
    limit: u32,
    page: u32,
}

impl Default for PageRequest {
    fn default() -> Self {
        Self::new(MAX_PAGE_SIZE, 1)
    }
}

impl PageRequest {
    /// Page `page` (1-based; 0 reads as 1) of `limit` rows, clamped to
    /// `1..=MAX_PAGE_SIZE`.
    pub fn new(limit: u32, page: u32) -> Self {
        Self {
            limit: limit.clamp(1, MAX_PAGE_SIZE),
            page: page.max(1),
        }
    }

    /// The first page of `limit` rows.
    pub fn first(limit: u32) -> Self {
        Self::new(limit, 1)
    }

    /// Rows per page.
    pub fn limit(&self) -> u32 {
        self.limit
    }

    /// The 1-based page number.
    pub fn page(&self) -> u32 {
        self.page
    }

    /// The page after this one.
    pub fn next(&self) -> Self {
        Self::new(self.limit, self.page.saturating_add(1))
    }
}

/// The order list (E5): a status filter plus optional dates, source and flags.
///
/// ```
/// use cartrover_client::{OrderListFilter, OrderListQuery};
/// use time::macros::datetime;
///
/// let query = OrderListQuery::new(OrderListFilter::ShippedOrConfirmed)
///     .from_date(datetime!(2024-05-01 00:00 UTC))
///     .order_source("Amazon")
///     .limit(100);
/// assert_eq!(query.page_request().limit(), 100);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrderListQuery {
    /// The status filter (path segment).
    pub filter: OrderListFilter,
    /// Lower date bound; which date it applies to depends on the filter.
    pub from_date: Option<DateBound>,
    /// Upper date bound.
    pub to_date: Option<DateBound>,
    /// Only orders of this source (cart).
    pub order_source: Option<OrderSource>,
    /// The `include_*` flags.
    pub includes: OrderIncludes,
    /// Page size and number.
    pub page: PageRequest,
}

impl OrderListQuery {
    /// The first page of 100 orders matching `filter`.
    pub fn new(filter: impl Into<OrderListFilter>) -> Self {
        Self {
            filter: filter.into(),
            from_date: None,
            to_date: None,
            order_source: None,
            includes: OrderIncludes::default(),
            page: PageRequest::default(),
        }
    }

    /// Sets `from_date` (a [`Date`] or an [`OffsetDateTime`]).
    pub fn from_date(mut self, bound: impl Into<DateBound>) -> Self {
        self.from_date = Some(bound.into());
        self
    }

    /// Sets `to_date`.
    pub fn to_date(mut self, bound: impl Into<DateBound>) -> Self {
        self.to_date = Some(bound.into());
        self
    }

    /// Only orders of this source.
    pub fn order_source(mut self, source: impl Into<OrderSource>) -> Self {
        self.order_source = Some(source.into());
        self
    }

    /// Sets the `include_*` flags.
    pub fn includes(mut self, includes: OrderIncludes) -> Self {
        self.includes = includes;
        self
    }

    /// Rows per page (clamped to `1..=100`).
    pub fn limit(mut self, limit: u32) -> Self {
        self.page = PageRequest::new(limit, self.page.page());
        self
    }

    /// The 1-based page to read.
    pub fn page(mut self, page: u32) -> Self {
        self.page = PageRequest::new(self.page.limit(), page);
        self
    }

    /// The page this query reads.
    pub fn page_request(&self) -> PageRequest {
        self.page
    }

    /// The same query, one page further.
    pub fn next_page(&self) -> Self {
        Self {
            page: self.page.next(),
            ..self.clone()
        }
    }
}

/// One page of a list, with what is needed to ask for the next.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// The page that was asked for.
    pub request: PageRequest,
    /// The `total-records` header, when CartRover sends it (observed in one
    /// client only; never required).
    pub total_records: Option<u64>,
}

impl<T> Page<T> {
    /// A page of `items` read with `request`.
    pub fn new(items: Vec<T>, request: PageRequest) -> Self {
        Self {
            items,
            request,
            total_records: None,
        }
    }

    /// Whether this is the last page: CartRover has no `has_more` flag, so a
    /// page shorter than its `limit` (or empty) ends the list (spec §2.6).
    pub fn is_last(&self) -> bool {
        self.items.len() < self.request.limit() as usize
    }

    /// The request for the next page, unless this one was the last.
    pub fn next_request(&self) -> Option<PageRequest> {
        (!self.is_last()).then(|| self.request.next())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::{date, datetime};

    #[test]
    fn page_requests_are_clamped_and_advance() {
        assert_eq!(PageRequest::new(250, 0), PageRequest::new(100, 1));
        assert_eq!(PageRequest::new(0, 3).limit(), 1);
        assert_eq!(PageRequest::first(20).next().page(), 2);
    }

    #[test]
    fn a_short_or_empty_page_is_the_last() {
        let full = Page::new(vec![1, 2], PageRequest::first(2));
        assert_eq!(full.next_request(), Some(PageRequest::new(2, 2)));
        assert!(Page::new(vec![1], PageRequest::first(2)).is_last());
        assert!(Page::<i32>::new(vec![], PageRequest::first(2)).is_last());
    }

    #[test]
    fn date_bounds_keep_the_plus_sign_for_the_encoder() {
        assert_eq!(
            DateBound::from(datetime!(2024-05-01 00:00 +02:00)).to_wire(),
            "2024-05-01T00:00:00+02:00"
        );
        assert_eq!(
            DateBound::from(date!(2024 - 05 - 01)).to_wire(),
            "2024-05-01"
        );
    }

    #[test]
    fn only_set_include_flags_are_sent() {
        let flags = OrderIncludes {
            aliases: Some(true),
            line_extras: Some(false),
            ..OrderIncludes::default()
        };
        let pairs: Vec<_> = flags.pairs().collect();
        assert_eq!(
            pairs,
            [("include_line_extras", "N"), ("include_aliases", "Y")]
        );
        assert_eq!(OrderIncludes::all().pairs().count(), 4);
    }
}

//! Parameters of the return-data endpoints.

use time::{Duration, OffsetDateTime};

use crate::enums::{DateFilter, ReturnState};
use crate::ids::{OrderId, ReturnId};
use crate::validation::InvalidInput;

/// Largest `pageSize` Loop accepts.
pub const MAX_PAGE_SIZE: u32 = 750;

/// Longest window one Detailed Returns List request may span.
pub const MAX_WINDOW: Duration = Duration::days(120);

/// Parameters of one Detailed Returns List request.
///
/// Defaults: pagination on (`paginate=true`, Loop's default page size of
/// 100), no window, no state filter. Mind Loop's defaults when a parameter
/// is left out: without `from` / `to` Loop returns only the last 24 hours, and
/// without `state` only `open`, `closed` and `expired` returns (no `cancelled`,
/// no `review`). [`ReturnWindowQuery`] takes care of both.
///
/// ```
/// use loop_client::{DateFilter, ListReturnsQuery, ReturnState};
/// use time::macros::datetime;
///
/// let query = ListReturnsQuery::new()
///     .from(datetime!(2025-03-01 0:00 UTC))
///     .to(datetime!(2025-03-08 0:00 UTC))
///     .filter(DateFilter::UpdatedAt)
///     .state(ReturnState::Review)
///     .page_size(250);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListReturnsQuery {
    pub(crate) from: Option<OffsetDateTime>,
    pub(crate) to: Option<OffsetDateTime>,
    pub(crate) filter: Option<DateFilter>,
    pub(crate) state: Option<ReturnState>,
    pub(crate) paginate: bool,
    pub(crate) page_size: Option<u32>,
    pub(crate) cursor: Option<String>,
}

impl Default for ListReturnsQuery {
    fn default() -> Self {
        Self::new()
    }
}

impl ListReturnsQuery {
    /// A paginated query with no filters.
    pub fn new() -> Self {
        Self {
            from: None,
            to: None,
            filter: None,
            state: None,
            paginate: true,
            page_size: None,
            cursor: None,
        }
    }

    /// Start of the window.
    pub fn from(mut self, from: OffsetDateTime) -> Self {
        self.from = Some(from);
        self
    }

    /// End of the window.
    pub fn to(mut self, to: OffsetDateTime) -> Self {
        self.to = Some(to);
        self
    }

    /// Which timestamp the window applies to.
    pub fn filter(mut self, filter: DateFilter) -> Self {
        self.filter = Some(filter);
        self
    }

    /// Only returns in this state (Loop takes a single state per request).
    pub fn state(mut self, state: ReturnState) -> Self {
        self.state = Some(state);
        self
    }

    /// Turns pagination on (default) or off. Off, Loop answers one bare array.
    pub fn paginate(mut self, paginate: bool) -> Self {
        self.paginate = paginate;
        self
    }

    /// Returns per page, 1 to [`MAX_PAGE_SIZE`]; checked when the request is made.
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// Continues from a cursor taken from a previous page
    /// ([`ReturnsPage::next_cursor`](crate::ReturnsPage::next_cursor)).
    pub fn cursor(mut self, cursor: impl Into<String>) -> Self {
        self.cursor = Some(cursor.into());
        self
    }

    /// The cursor this query continues from, if any.
    pub fn current_cursor(&self) -> Option<&str> {
        self.cursor.as_deref()
    }

    /// Checks page size and window against Loop's limits.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] for a page size outside `1..=750`, a window ending
    /// before it starts, or a window longer than 120 days.
    pub fn validate(&self) -> Result<(), InvalidInput> {
        if let Some(page_size) = self.page_size
            && !(1..=MAX_PAGE_SIZE).contains(&page_size)
        {
            return Err(InvalidInput::PageSizeOutOfRange {
                page_size,
                max: MAX_PAGE_SIZE,
            });
        }
        if let (Some(from), Some(to)) = (self.from, self.to) {
            check_window(from, to)?;
            if to - from > MAX_WINDOW {
                return Err(InvalidInput::WindowTooLong {
                    days: (to - from).whole_days(),
                });
            }
        }
        Ok(())
    }
}

fn check_window(from: OffsetDateTime, to: OffsetDateTime) -> Result<(), InvalidInput> {
    if to < from {
        return Err(InvalidInput::InvertedWindow { from, to });
    }
    Ok(())
}

/// How Get Return Details finds the return.
///
/// Exactly one identifier is sent. What Loop does when an order has several
/// returns is undocumented (spec open question 15): it answers with one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ReturnLookup {
    /// By Loop return id (`return_id`).
    ReturnId(ReturnId),
    /// By order id (`order_id`). Loop's example value looks like a Shopify
    /// order id; which id Loop expects here is unconfirmed.
    OrderId(OrderId),
    /// By Shopify order name (`order_name`), e.g. `#10452` or `10452`.
    OrderName(String),
}

impl ReturnLookup {
    pub(crate) fn query_pair(&self) -> (&'static str, &str) {
        match self {
            ReturnLookup::ReturnId(id) => ("return_id", id.as_str()),
            ReturnLookup::OrderId(id) => ("order_id", id.as_str()),
            ReturnLookup::OrderName(name) => ("order_name", name),
        }
    }
}

impl From<ReturnId> for ReturnLookup {
    fn from(id: ReturnId) -> Self {
        ReturnLookup::ReturnId(id)
    }
}

/// Every return in a time window, across Loop's 120-day limit and its
/// default state filter.
///
/// Loop serves at most 120 days per request and, without a `state`, leaves
/// out `cancelled` and `review` returns. This query splits the window into
/// consecutive windows of at most 120 days and makes one pass per requested
/// state in each; [`LoopApi::returns_in_window`](crate::LoopApi::returns_in_window)
/// streams the results, without duplicates (a return on a window boundary
/// appears once).
///
/// ```
/// use loop_client::{DateFilter, ReturnState, ReturnWindowQuery};
/// use time::macros::datetime;
///
/// // A year of updates, every state.
/// let query = ReturnWindowQuery::new(
///     datetime!(2024-01-01 0:00 UTC),
///     datetime!(2025-01-01 0:00 UTC),
/// )
/// .filter(DateFilter::UpdatedAt)
/// .states(ReturnState::ALL);
/// assert_eq!(query.requests().unwrap().len(), 4 * 5);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnWindowQuery {
    from: OffsetDateTime,
    to: OffsetDateTime,
    filter: Option<DateFilter>,
    states: Vec<ReturnState>,
    page_size: Option<u32>,
}

impl ReturnWindowQuery {
    /// All returns between `from` and `to`, with Loop's default state filter
    /// (open, closed, expired) until [`states`](Self::states) says otherwise.
    pub fn new(from: OffsetDateTime, to: OffsetDateTime) -> Self {
        Self {
            from,
            to,
            filter: None,
            states: Vec::new(),
            page_size: None,
        }
    }

    /// Which timestamp the window applies to.
    pub fn filter(mut self, filter: DateFilter) -> Self {
        self.filter = Some(filter);
        self
    }

    /// One pass per state, in the given order (use [`ReturnState::ALL`] for
    /// every state). An empty list means one pass with Loop's default filter.
    pub fn states(mut self, states: impl IntoIterator<Item = ReturnState>) -> Self {
        self.states = states.into_iter().collect();
        self
    }

    /// Page size of every request.
    pub fn page_size(mut self, page_size: u32) -> Self {
        self.page_size = Some(page_size);
        self
    }

    /// The individual list requests, window by window, state by state.
    ///
    /// # Errors
    ///
    /// [`InvalidInput`] for a window that ends before it starts or a page
    /// size outside `1..=750`.
    pub fn requests(&self) -> Result<Vec<ListReturnsQuery>, InvalidInput> {
        check_window(self.from, self.to)?;
        let states: Vec<Option<ReturnState>> = if self.states.is_empty() {
            vec![None]
        } else {
            self.states.iter().cloned().map(Some).collect()
        };
        let mut requests = Vec::new();
        for (from, to) in split_window(self.from, self.to, MAX_WINDOW) {
            for state in &states {
                let mut query = ListReturnsQuery::new().from(from).to(to);
                query.filter = self.filter;
                query.state = state.clone();
                query.page_size = self.page_size;
                query.validate()?;
                requests.push(query);
            }
        }
        Ok(requests)
    }
}

/// Splits `[from, to]` into consecutive windows no longer than `max`.
///
/// Each window starts where the previous one ends; an empty window
/// (`from == to`) stays one window. A non-positive `max` or `to < from`
/// yields the input unchanged as the only window.
pub fn split_window(
    from: OffsetDateTime,
    to: OffsetDateTime,
    max: Duration,
) -> Vec<(OffsetDateTime, OffsetDateTime)> {
    if max <= Duration::ZERO || to <= from {
        return vec![(from, to)];
    }
    let mut windows = Vec::new();
    let mut start = from;
    while to - start > max {
        let end = start + max;
        windows.push((start, end));
        start = end;
    }
    windows.push((start, to));
    windows
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::datetime;

    #[test]
    fn a_year_splits_into_four_windows_of_at_most_120_days() {
        let windows = split_window(
            datetime!(2024-01-01 0:00 UTC),
            datetime!(2025-01-01 0:00 UTC),
            MAX_WINDOW,
        );
        assert_eq!(
            windows,
            vec![
                (
                    datetime!(2024-01-01 0:00 UTC),
                    datetime!(2024-04-30 0:00 UTC)
                ),
                (
                    datetime!(2024-04-30 0:00 UTC),
                    datetime!(2024-08-28 0:00 UTC)
                ),
                (
                    datetime!(2024-08-28 0:00 UTC),
                    datetime!(2024-12-26 0:00 UTC)
                ),
                (
                    datetime!(2024-12-26 0:00 UTC),
                    datetime!(2025-01-01 0:00 UTC)
                ),
            ]
        );
    }

    #[test]
    fn exactly_120_days_is_one_window() {
        let from = datetime!(2024-01-01 0:00 UTC);
        assert_eq!(split_window(from, from + MAX_WINDOW, MAX_WINDOW).len(), 1);
    }

    #[test]
    fn single_requests_are_checked_against_loops_limits() {
        let from = datetime!(2024-01-01 0:00 UTC);
        assert_eq!(
            ListReturnsQuery::new().page_size(751).validate(),
            Err(InvalidInput::PageSizeOutOfRange {
                page_size: 751,
                max: 750
            })
        );
        assert!(ListReturnsQuery::new().page_size(750).validate().is_ok());
        assert_eq!(
            ListReturnsQuery::new()
                .from(from)
                .to(from + Duration::days(121))
                .validate(),
            Err(InvalidInput::WindowTooLong { days: 121 })
        );
        assert!(matches!(
            ReturnWindowQuery::new(from, from - Duration::days(1)).requests(),
            Err(InvalidInput::InvertedWindow { .. })
        ));
    }

    #[test]
    fn requests_cover_every_window_and_state_in_order() {
        let from = datetime!(2024-01-01 0:00 UTC);
        let requests = ReturnWindowQuery::new(from, from + Duration::days(200))
            .states([ReturnState::Cancelled, ReturnState::Review])
            .filter(DateFilter::UpdatedAt)
            .requests()
            .unwrap();
        let summary: Vec<_> = requests
            .iter()
            .map(|q| (q.from.unwrap(), q.state.clone().unwrap()))
            .collect();
        assert_eq!(
            summary,
            vec![
                (from, ReturnState::Cancelled),
                (from, ReturnState::Review),
                (from + MAX_WINDOW, ReturnState::Cancelled),
                (from + MAX_WINDOW, ReturnState::Review),
            ]
        );
        assert!(
            requests
                .iter()
                .all(|q| q.filter == Some(DateFilter::UpdatedAt))
        );
    }

    proptest! {
        #[test]
        fn windows_tile_the_range_without_gaps(
            start in 0i64..2_000_000_000,
            span in 0i64..100_000_000,
            max_hours in 1i64..10_000,
        ) {
            let from = OffsetDateTime::from_unix_timestamp(start).unwrap();
            let to = from + Duration::seconds(span);
            let max = Duration::hours(max_hours);
            let windows = split_window(from, to, max);
            prop_assert_eq!(windows.first().unwrap().0, from);
            prop_assert_eq!(windows.last().unwrap().1, to);
            for pair in windows.windows(2) {
                prop_assert_eq!(pair[0].1, pair[1].0);
            }
            for (a, b) in &windows {
                prop_assert!(*b - *a <= max);
                prop_assert!(a <= b);
            }
        }
    }
}

//! Pages of the Detailed Returns List and streams over them.
//!
//! With `paginate=true` Loop answers `{returns, nextPageUrl, previousPageUrl}`;
//! without it, a bare array. [`ReturnsPage`] reads both.
//!
//! **Following pages.** `nextPageUrl` carries an opaque `cursor` plus the
//! original filters. This crate takes only the cursor and sends it with the
//! caller's own query (as PostHog's connector does): the API key never goes to
//! a host other than the configured base URL, and the filters cannot drift.
//! Streams stop when `nextPageUrl` is absent or `null`, or when a page comes
//! back empty.
//!
//! **A repeat is an error, never a silent end.** When `nextPageUrl` repeats a
//! cursor already followed, or a page repeats the returns of a page already
//! read (a server bug that would otherwise loop forever or hide the returns
//! after it), the stream yields [`Error::Pagination`] naming what repeated, at
//! the point it is detected, and ends.
//!
//! **A list that never ends is stopped.** A stream reads at most
//! [`LoopApi::max_pages`] pages (default [`DEFAULT_MAX_PAGES`], set with
//! [`LoopClientBuilder::max_pages`](crate::LoopClientBuilder::max_pages)).
//! When it has read that many and Loop still names a next page, it yields
//! [`Error::TooManyPages`] after the last page read, and ends; it never ends
//! `Ok` with returns left unread. [`LoopApi::returns_in_window`] applies the
//! limit to each of its requests (one per 120-day window and state).
//!
//! **Each return once, in bounded memory.** [`LoopApi::returns_in_window`]
//! removes the repeats its own splitting and paging can cause, without
//! keeping every return it has yielded:
//!
//! - windows share their bounds, so a return timed on the bound between two
//!   windows can be listed by both: the stream remembers the returns of a
//!   window timed within [`BOUNDARY_MARGIN`] of the bound it shares with the
//!   next one (or without the timestamp the filter applies to) and drops
//!   their repeat in that next window;
//! - an offset-based cursor shifts when a return enters the list while it is
//!   read, and lists the last returns of a page again on the next: the
//!   stream remembers the page before and drops its returns from the page
//!   after;
//! - a return is in one state at a time, so each state pass lists it once;
//!   a return whose state changes while the window is read can come again
//!   in its new state, the later copy being the newer one (dropping it would
//!   hide the change).
//!
//! A repeat is recognised by id and state. A return repeated further back
//! than the page before, or across windows away from their bound, is a
//! server bug this stream does not hide or detect; a whole page repeated is
//! the [`Error::Pagination`] above.
//!
//! **Memory.** A stream holds the page in flight, never the returns it has
//! yielded. To recognise repeats it keeps two 8-byte hashes per page read (of
//! the cursor followed and of the page's return ids): memory that grows with
//! pages, not returns, and stops at the page limit (a few hundred KB at the
//! default). [`LoopApi::returns_in_window`] adds the ids and states of the
//! page before and of the returns near one window bound; a request's page
//! hashes go when the next request begins.
//!
//! **Page metadata.** [`LoopApi::returns_pages`] streams whole
//! [`ReturnsPage`]s (with the request id and the links) beside the item
//! stream [`LoopApi::returns_stream`].

use std::collections::HashSet;
use std::fmt;
use std::hash::{DefaultHasher, Hash, Hasher};

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use percent_encoding::percent_decode_str;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};
use time::{Duration, OffsetDateTime};

use crate::api::LoopApi;
use crate::enums::{DateFilter, ReturnState};
use crate::error::Error;
use crate::ids::ReturnId;
use crate::models::returns::Return;
use crate::query::{ListReturnsQuery, ReturnWindowQuery};

/// Pages a stream reads by default before it stops with
/// [`Error::TooManyPages`].
///
/// Chosen to stop a list that never ends (a server bug handing out new
/// cursors forever) long before it exhausts memory, and to stay far above any
/// real list: at 250 returns a page that is 2.5 million returns in one
/// stream (7.5 million at Loop's largest page, [`MAX_PAGE_SIZE`](crate::MAX_PAGE_SIZE)),
/// and [`returns_in_window`](LoopApi::returns_in_window) applies it to each
/// 120-day window and state separately. Change it with
/// [`LoopClientBuilder::max_pages`](crate::LoopClientBuilder::max_pages).
pub const DEFAULT_MAX_PAGES: usize = 10_000;

/// How far from the bound two windows of
/// [`returns_in_window`](LoopApi::returns_in_window) share a return's time
/// may lie for the stream to remember it against a repeat in the next window.
///
/// The bound is one instant, but a day covers the unconfirmed time zone in
/// which Loop reads `from` / `to` (spec open question 7) and any rounding of
/// the bound; the stream remembers at most the returns of two days at a time.
pub const BOUNDARY_MARGIN: Duration = Duration::days(1);

/// One page of the Detailed Returns List.
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct ReturnsPage {
    /// The returns on this page.
    pub returns: Vec<Return>,
    /// Loop's link to the next page; `None` on the last page (and always when
    /// pagination is off).
    pub next_page_url: Option<String>,
    /// Loop's link to the previous page.
    pub previous_page_url: Option<String>,
    /// The request id header of the answer that carried this page, when Loop
    /// sent one (filled in by [`LoopClient::list_returns_page`](crate::LoopClient::list_returns_page)).
    pub request_id: Option<String>,
}

impl ReturnsPage {
    /// A page (for tests and [`LoopApi`] test doubles).
    pub fn new(returns: Vec<Return>, next_page_url: Option<String>) -> Self {
        Self {
            returns,
            next_page_url,
            previous_page_url: None,
            request_id: None,
        }
    }

    /// The `cursor` of `nextPageUrl`: `Ok(None)` on the last page.
    ///
    /// # Errors
    ///
    /// [`Error::Pagination`] when `nextPageUrl` is present but carries no
    /// cursor.
    pub fn next_cursor(&self) -> Result<Option<String>, Error> {
        let Some(url) = self.next_page_url.as_deref() else {
            return Ok(None);
        };
        cursor_of(url).map(Some).ok_or_else(|| Error::Pagination {
            url: url.to_owned(),
            reason: "it carries no cursor parameter".to_owned(),
        })
    }
}

/// Reads `cursor` from a next-page URL. Decodes `%XX` escapes but not `+`:
/// cursors are base64, where `+` is data, not an encoded space.
fn cursor_of(url: &str) -> Option<String> {
    let query = url.split_once('?')?.1;
    let query = query.split('#').next().unwrap_or(query);
    query
        .split('&')
        .filter_map(|pair| pair.strip_prefix("cursor="))
        .map(|raw| percent_decode_str(raw).decode_utf8_lossy().into_owned())
        .find(|cursor| !cursor.is_empty())
}

impl<'de> Deserialize<'de> for ReturnsPage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(PageVisitor)
    }
}

struct PageVisitor;

impl<'de> Visitor<'de> for PageVisitor {
    type Value = ReturnsPage;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("an array of returns, or {returns, nextPageUrl, previousPageUrl}")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<ReturnsPage, A::Error> {
        let mut returns = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(1024));
        while let Some(ret) = seq.next_element()? {
            returns.push(ret);
        }
        Ok(ReturnsPage::new(returns, None))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ReturnsPage, A::Error> {
        let mut returns = None;
        let mut page = ReturnsPage::default();
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "returns" => returns = Some(map.next_value::<Option<Vec<Return>>>()?),
                "nextPageUrl" | "next_page_url" => {
                    page.next_page_url = non_blank(map.next_value()?);
                }
                "previousPageUrl" | "previous_page_url" => {
                    page.previous_page_url = non_blank(map.next_value()?);
                }
                _ => {
                    map.next_value::<IgnoredAny>()?;
                }
            }
        }
        page.returns = returns
            .ok_or_else(|| de::Error::missing_field("returns"))?
            .unwrap_or_default();
        Ok(page)
    }
}

fn non_blank(url: Option<String>) -> Option<String> {
    url.filter(|u| !u.trim().is_empty())
}

/// Every page of a query, following the cursor (see the [module docs](self)).
pub(crate) fn pages_stream<'a, A: LoopApi + ?Sized>(
    api: &'a A,
    query: ListReturnsQuery,
) -> BoxStream<'a, Result<ReturnsPage, Error>> {
    struct State {
        query: ListReturnsQuery,
        // Hashes, not the cursors themselves, so memory stays at 8 bytes a
        // page: a collision would be a loud false repeat, never a loss.
        seen_cursors: HashSet<u64>,
        // One fingerprint per page read (the hash of its return ids).
        seen_pages: HashSet<u64>,
        // The link that led to the page being read.
        last_url: Option<String>,
        done: bool,
        // A bad next link is reported after the page that carried it.
        pending_error: Option<Error>,
        // Pages read so far, and the most this stream reads.
        pages_read: usize,
        max_pages: usize,
    }
    let mut seen_cursors = HashSet::new();
    if let Some(cursor) = query.current_cursor() {
        seen_cursors.insert(hash_of(cursor));
    }
    let start = State {
        query,
        seen_cursors,
        seen_pages: HashSet::new(),
        last_url: None,
        done: false,
        pending_error: None,
        pages_read: 0,
        max_pages: api.max_pages().max(1),
    };
    stream::try_unfold(start, move |mut state| async move {
        if let Some(error) = state.pending_error.take() {
            return Err(error);
        }
        if state.done {
            return Ok(None);
        }
        let page = api.list_returns_page(&state.query).await?;
        state.pages_read += 1;
        if !page.returns.is_empty() && !state.seen_pages.insert(fingerprint(&page.returns)) {
            return Err(Error::Pagination {
                url: state.last_url.take().unwrap_or_default(),
                reason: format!(
                    "the page it leads to repeats a page already read ({} returns, {} to {})",
                    page.returns.len(),
                    page.returns[0].id,
                    page.returns[page.returns.len() - 1].id,
                ),
            });
        }
        match page.next_cursor() {
            Err(error) => {
                state.pending_error = Some(error);
                state.done = true;
            }
            Ok(Some(_)) if page.returns.is_empty() => state.done = true,
            Ok(Some(cursor)) if !state.seen_cursors.insert(hash_of(&cursor)) => {
                tracing::warn!(
                    vendor = "loop",
                    cursor = %cursor,
                    "nextPageUrl repeats a cursor already followed"
                );
                state.pending_error = Some(Error::Pagination {
                    url: page.next_page_url.clone().unwrap_or_default(),
                    reason: format!("it repeats cursor {cursor:?}, already followed"),
                });
                state.done = true;
            }
            Ok(Some(_)) if state.pages_read >= state.max_pages => {
                tracing::warn!(
                    vendor = "loop",
                    max_pages = state.max_pages,
                    "the returns list names a next page after the page limit; stopping"
                );
                state.pending_error = Some(Error::TooManyPages {
                    operation: "list_returns",
                    limit: state.max_pages,
                });
                state.done = true;
            }
            Ok(Some(cursor)) => {
                state.last_url.clone_from(&page.next_page_url);
                state.query = state.query.cursor(cursor);
            }
            Ok(None) => state.done = true,
        }
        Ok(Some((page, state)))
    })
    .boxed()
}

/// The hash of a page's return ids, in order.
fn fingerprint(returns: &[Return]) -> u64 {
    let mut hasher = DefaultHasher::new();
    for ret in returns {
        ret.id.as_str().hash(&mut hasher);
    }
    hasher.finish()
}

/// The hash of a cursor.
fn hash_of(cursor: &str) -> u64 {
    let mut hasher = DefaultHasher::new();
    cursor.hash(&mut hasher);
    hasher.finish()
}

/// Every return of a query, page after page (see the [module docs](self)).
pub(crate) fn returns_stream<'a, A: LoopApi + ?Sized>(
    api: &'a A,
    query: ListReturnsQuery,
) -> BoxStream<'a, Result<Return, Error>> {
    pages_stream(api, query)
        .map_ok(|page| stream::iter(page.returns.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

/// Every return of a [`ReturnWindowQuery`], request after request, each
/// return once in bounded memory (see the [module docs](self)).
pub(crate) fn window_stream<'a, A: LoopApi + ?Sized>(
    api: &'a A,
    query: ReturnWindowQuery,
) -> BoxStream<'a, Result<Return, Error>> {
    let requests = match query.requests() {
        Ok(requests) => requests,
        Err(invalid) => return stream::once(async move { Err(invalid.into()) }).boxed(),
    };
    let Some(last) = requests.last() else {
        return stream::empty().boxed();
    };
    let mut seen = Seen::new(last.filter, last.to);
    stream::iter(requests.into_iter().enumerate())
        .map(move |(pass, request)| {
            let window_end = request.to;
            pages_stream(api, request).map_ok(move |page| (pass, window_end, page))
        })
        .flatten()
        .map_ok(move |(pass, window_end, page)| {
            let fresh = seen.admit(pass, window_end, page.returns);
            stream::iter(fresh.into_iter().map(Ok))
        })
        .try_flatten()
        .boxed()
}

/// A return as repeats are recognised: its id and state.
type Key = (ReturnId, Option<ReturnState>);

/// What [`window_stream`] remembers to drop repeats: a page and the returns
/// near one window bound, never every return yielded.
#[derive(Debug)]
struct Seen {
    filter: Option<DateFilter>,
    /// The end of the last window, which no window follows.
    last_end: Option<OffsetDateTime>,
    /// The request being read, and the end of its window.
    pass: usize,
    window_end: Option<OffsetDateTime>,
    /// The page before, in this request.
    previous_page: HashSet<Key>,
    /// This window's returns near its end, for the next window.
    ending: HashSet<Key>,
    /// The previous window's returns near its end (this window's start).
    ended: HashSet<Key>,
}

impl Seen {
    fn new(filter: Option<DateFilter>, last_end: Option<OffsetDateTime>) -> Self {
        Self {
            filter,
            last_end,
            pass: 0,
            window_end: None,
            previous_page: HashSet::new(),
            ending: HashSet::new(),
            ended: HashSet::new(),
        }
    }

    /// The returns of a page of request `pass` not yielded already.
    fn admit(
        &mut self,
        pass: usize,
        window_end: Option<OffsetDateTime>,
        returns: Vec<Return>,
    ) -> Vec<Return> {
        if pass != self.pass {
            self.pass = pass;
            self.previous_page.clear();
        }
        if window_end != self.window_end {
            self.window_end = window_end;
            self.ended = std::mem::take(&mut self.ending);
        }
        let followed = window_end.filter(|end| Some(*end) != self.last_end);
        let mut page = HashSet::with_capacity(returns.len());
        let mut fresh = Vec::with_capacity(returns.len());
        for ret in returns {
            let key: Key = (ret.id.clone(), ret.state.clone());
            if let Some(end) = followed
                && self.near(&ret, end)
            {
                self.ending.insert(key.clone());
            }
            let repeat = self.previous_page.contains(&key) || self.ended.contains(&key);
            if page.insert(key) && !repeat {
                fresh.push(ret);
            }
        }
        self.previous_page = page;
        fresh
    }

    /// Whether the time the window applies to lies within
    /// [`BOUNDARY_MARGIN`] of `bound`, or is unknown. Without a filter Loop
    /// applies one of the two (`created_at`, unconfirmed): either counts.
    fn near(&self, ret: &Return, bound: OffsetDateTime) -> bool {
        let times = match self.filter {
            Some(DateFilter::UpdatedAt) => [ret.updated_at, ret.updated_at],
            Some(DateFilter::CreatedAt) => [ret.created_at, ret.created_at],
            None => [ret.created_at, ret.updated_at],
        };
        times
            .iter()
            .any(|time| time.is_none_or(|time| (time - bound).abs() <= BOUNDARY_MARGIN))
    }

    /// Returns remembered, for the tests of the memory bound.
    #[cfg(test)]
    fn remembered(&self) -> usize {
        self.previous_page.len() + self.ending.len() + self.ended.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_list_shapes_decode() {
        let bare: ReturnsPage = serde_json::from_str(r#"[{"id":"1"},{"id":2}]"#).unwrap();
        assert_eq!(bare.returns.len(), 2);
        assert_eq!(bare.next_page_url, None);

        let wrapped: ReturnsPage = serde_json::from_str(
            r#"{"returns":[{"id":"1"}],"nextPageUrl":"https://x/list?cursor=abc","previousPageUrl":null,"meta":{}}"#,
        )
        .unwrap();
        assert_eq!(wrapped.returns.len(), 1);
        assert_eq!(wrapped.next_cursor().unwrap().as_deref(), Some("abc"));

        let last: ReturnsPage = serde_json::from_str(r#"{"returns":[],"nextPageUrl":""}"#).unwrap();
        assert_eq!(last.next_cursor().unwrap(), None);

        assert!(serde_json::from_str::<ReturnsPage>(r#"{"data":[]}"#).is_err());
    }

    #[test]
    fn cursor_keeps_base64_plus_and_decodes_escapes() {
        let cases = [
            (
                "https://a/list?to=x&cursor=eyJ+a/b=&pageSize=5",
                Some("eyJ+a/b="),
            ),
            ("https://a/list?cursor=eyJ%2Ba%3D%3D", Some("eyJ+a==")),
            ("https://a/list?cursor=abc#frag", Some("abc")),
            ("https://a/list?precursor=1&cursor=", None),
            ("https://a/list", None),
        ];
        for (url, expected) in cases {
            assert_eq!(cursor_of(url).as_deref(), expected, "{url}");
        }
    }

    #[test]
    fn a_next_page_url_without_cursor_is_an_error() {
        let page = ReturnsPage::new(Vec::new(), Some("https://a/list?page=2".into()));
        assert!(matches!(page.next_cursor(), Err(Error::Pagination { .. })));
    }

    /// Serves canned pages in order and records the cursor of each request.
    struct Pages {
        pages: std::sync::Mutex<Vec<ReturnsPage>>,
        cursors: std::sync::Mutex<Vec<Option<String>>>,
    }

    impl Pages {
        fn new(pages: Vec<ReturnsPage>) -> Self {
            Self {
                pages: std::sync::Mutex::new(pages.into_iter().rev().collect()),
                cursors: std::sync::Mutex::new(Vec::new()),
            }
        }
    }

    #[async_trait::async_trait]
    impl LoopApi for Pages {
        async fn list_returns_page(&self, query: &ListReturnsQuery) -> Result<ReturnsPage, Error> {
            self.cursors
                .lock()
                .unwrap()
                .push(query.current_cursor().map(str::to_owned));
            Ok(self.pages.lock().unwrap().pop().expect("no more pages"))
        }
    }

    fn ret(id: &str) -> Return {
        Return {
            id: ReturnId::new(id),
            ..Return::default()
        }
    }

    fn next(cursor: &str) -> Option<String> {
        Some(format!(
            "https://api.loopreturns.com/api/v1/warehouse/return/list?cursor={cursor}"
        ))
    }

    #[tokio::test]
    async fn an_empty_page_ends_the_stream_whatever_it_links_to() {
        let api = Pages::new(vec![
            ReturnsPage::new(vec![ret("1")], next("a")),
            ReturnsPage::new(Vec::new(), next("b")),
        ]);
        let dynamic: &dyn LoopApi = &api;
        let ids: Vec<ReturnId> = dynamic
            .returns_stream(ListReturnsQuery::new())
            .map_ok(|r| r.id)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids, vec![ReturnId::new("1")]);
        assert_eq!(
            *api.cursors.lock().unwrap(),
            vec![None, Some("a".to_owned())]
        );
    }

    #[tokio::test]
    async fn a_starting_cursor_counts_as_already_followed() {
        let api = Pages::new(vec![ReturnsPage::new(vec![ret("9")], next("start"))]);
        let results: Vec<Result<Return, Error>> = api
            .returns_stream(ListReturnsQuery::new().cursor("start"))
            .collect()
            .await;
        assert_eq!(results.len(), 2);
        assert_eq!(results[0].as_ref().unwrap().id, ReturnId::new("9"));
        let Err(Error::Pagination { url, reason }) = &results[1] else {
            panic!("expected a pagination error, got {:?}", results[1])
        };
        assert!(url.ends_with("cursor=start"), "{url}");
        assert!(reason.contains("\"start\""), "{reason}");
    }

    #[tokio::test]
    async fn a_page_that_repeats_under_a_new_cursor_is_an_error_not_a_loop() {
        let api = Pages::new(vec![
            ReturnsPage::new(vec![ret("1"), ret("2")], next("a")),
            ReturnsPage::new(vec![ret("3")], next("b")),
            ReturnsPage::new(vec![ret("1"), ret("2")], next("c")),
        ]);
        let results: Vec<Result<Return, Error>> =
            api.returns_stream(ListReturnsQuery::new()).collect().await;
        let ids: Vec<&str> = results
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .map(|r| r.id.as_str())
            .collect();
        assert_eq!(ids, ["1", "2", "3"]);
        assert_eq!(results.len(), 4);
        let Err(error @ Error::Pagination { url, reason }) = &results[3] else {
            panic!("expected a pagination error, got {:?}", results[3])
        };
        assert!(error.is_pagination());
        assert!(url.ends_with("cursor=b"), "{url}");
        assert!(reason.contains("repeats a page already read"), "{reason}");
    }

    #[tokio::test]
    async fn pages_keep_their_links_beside_the_items() {
        let api = Pages::new(vec![
            ReturnsPage::new(vec![ret("1")], next("a")),
            ReturnsPage::new(vec![ret("2")], None),
        ]);
        let pages: Vec<ReturnsPage> = api
            .returns_pages(ListReturnsQuery::new())
            .try_collect()
            .await
            .unwrap();
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].next_cursor().unwrap().as_deref(), Some("a"));
        assert_eq!(pages[1].returns[0].id, ReturnId::new("2"));
    }

    /// Answers page `n` with return `n` and a link to page `n + 1`, for ever,
    /// and reads at most `limit` pages a stream.
    struct Endless {
        limit: usize,
    }

    #[async_trait::async_trait]
    impl LoopApi for Endless {
        async fn list_returns_page(&self, query: &ListReturnsQuery) -> Result<ReturnsPage, Error> {
            let n: usize = query.current_cursor().map_or(0, |c| c.parse().unwrap());
            Ok(ReturnsPage::new(
                vec![ret(&n.to_string())],
                next(&(n + 1).to_string()),
            ))
        }

        fn max_pages(&self) -> usize {
            self.limit
        }
    }

    #[tokio::test]
    async fn an_endless_list_stops_after_the_api_s_max_pages() {
        let api = Endless { limit: 2 };
        let results: Vec<Result<Return, Error>> =
            api.returns_stream(ListReturnsQuery::new()).collect().await;
        assert_eq!(results.len(), 3, "{results:?}");
        assert_eq!(results[0].as_ref().unwrap().id, ReturnId::new("0"));
        assert_eq!(results[1].as_ref().unwrap().id, ReturnId::new("1"));
        assert!(
            matches!(
                results[2],
                Err(Error::TooManyPages {
                    operation: "list_returns",
                    limit: 2
                })
            ),
            "{results:?}"
        );

        // A limit of 0 reads one page.
        let api = Endless { limit: 0 };
        let results: Vec<Result<Return, Error>> =
            api.returns_stream(ListReturnsQuery::new()).collect().await;
        assert_eq!(results.len(), 2, "{results:?}");
        assert!(matches!(
            results[1],
            Err(Error::TooManyPages { limit: 1, .. })
        ));
    }

    #[test]
    fn a_test_double_reads_the_default_number_of_pages() {
        let api = Pages::new(Vec::new());
        assert_eq!(api.max_pages(), DEFAULT_MAX_PAGES);
    }

    #[tokio::test]
    async fn a_link_without_cursor_surfaces_as_an_error_after_the_page() {
        let api = Pages::new(vec![ReturnsPage::new(
            vec![ret("1")],
            Some("https://api.loopreturns.com/api/v1/warehouse/return/list?page=2".into()),
        )]);
        let results: Vec<Result<Return, Error>> =
            api.returns_stream(ListReturnsQuery::new()).collect().await;
        assert_eq!(results.len(), 2);
        assert_eq!(results[0].as_ref().unwrap().id, ReturnId::new("1"));
        assert!(matches!(results[1], Err(Error::Pagination { .. })));
    }

    const DAY: Duration = Duration::days(1);

    fn at(id: &str, state: ReturnState, updated_at: OffsetDateTime) -> Return {
        Return {
            state: Some(state),
            updated_at: Some(updated_at),
            ..ret(id)
        }
    }

    /// `(id, state)` of everything `returns_in_window` yields.
    async fn streamed(api: &Pages, query: ReturnWindowQuery) -> Vec<(String, Option<ReturnState>)> {
        api.returns_in_window(query)
            .map_ok(|r| (r.id.to_string(), r.state))
            .try_collect()
            .await
            .unwrap()
    }

    fn key(id: &str, state: ReturnState) -> (String, Option<ReturnState>) {
        (id.to_owned(), Some(state))
    }

    #[tokio::test]
    async fn a_return_on_the_bound_of_two_windows_comes_once() {
        let from = time::macros::datetime!(2024-01-01 0:00 UTC);
        let bound = from + crate::MAX_WINDOW;
        let open = ReturnState::Open;
        let api = Pages::new(vec![
            ReturnsPage::new(
                vec![
                    at("early", open.clone(), from + DAY),
                    at("edge", open.clone(), bound),
                ],
                None,
            ),
            ReturnsPage::new(
                vec![
                    at("edge", open.clone(), bound),
                    at("late", open.clone(), bound + DAY * 2),
                ],
                None,
            ),
        ]);
        let query = ReturnWindowQuery::new(from, bound + DAY * 10)
            .filter(DateFilter::UpdatedAt)
            .states([open.clone()]);
        assert_eq!(
            streamed(&api, query).await,
            [
                key("early", open.clone()),
                key("edge", open.clone()),
                key("late", open)
            ]
        );
    }

    #[tokio::test]
    async fn pages_that_overlap_in_a_pass_yield_each_return_once() {
        let api = Pages::new(vec![
            ReturnsPage::new(vec![ret("1"), ret("2")], next("a")),
            ReturnsPage::new(vec![ret("2"), ret("3"), ret("3")], None),
        ]);
        let from = time::macros::datetime!(2024-01-01 0:00 UTC);
        let ids: Vec<String> = streamed(&api, ReturnWindowQuery::new(from, from + DAY))
            .await
            .into_iter()
            .map(|(id, _)| id)
            .collect();
        assert_eq!(ids, ["1", "2", "3"]);
    }

    #[tokio::test]
    async fn a_return_whose_state_changes_between_passes_comes_again_in_its_new_state() {
        let from = time::macros::datetime!(2024-01-01 0:00 UTC);
        let (open, closed) = (ReturnState::Open, ReturnState::Closed);
        let api = Pages::new(vec![
            ReturnsPage::new(
                vec![at("1", open.clone(), from), at("2", open.clone(), from)],
                None,
            ),
            ReturnsPage::new(vec![at("2", closed.clone(), from)], None),
        ]);
        let query = ReturnWindowQuery::new(from, from + DAY).states([open.clone(), closed.clone()]);
        assert_eq!(
            streamed(&api, query).await,
            [key("1", open.clone()), key("2", open), key("2", closed)]
        );
    }

    #[test]
    fn a_window_remembers_a_page_and_the_returns_near_its_end_not_every_return() {
        let from = time::macros::datetime!(2024-01-01 0:00 UTC);
        let (bound, end) = (from + crate::MAX_WINDOW, from + crate::MAX_WINDOW * 2);
        let mut seen = Seen::new(Some(DateFilter::UpdatedAt), Some(end));
        let page = |n: usize, first: OffsetDateTime| -> Vec<Return> {
            (0..100)
                .map(|i| {
                    at(
                        &format!("{n}-{i}"),
                        ReturnState::Open,
                        first + Duration::minutes(i),
                    )
                })
                .collect()
        };
        // Two passes of the first window, far from its end, then its last
        // day: only that day is kept beside one page.
        for pass in 0..2 {
            for n in 0..10 {
                let returns = page(pass * 10 + n, from + DAY);
                assert_eq!(seen.admit(pass, Some(bound), returns).len(), 100);
                assert_eq!(seen.remembered(), 100, "pass {pass}, page {n}");
            }
        }
        assert_eq!(seen.admit(2, Some(bound), page(20, bound - DAY)).len(), 100);
        assert_eq!(seen.remembered(), 200);
        // The last window drops the repeats at its start, and keeps nothing
        // near its end, which no window follows.
        assert!(seen.admit(3, Some(end), page(20, bound - DAY)).is_empty());
        for n in 21..30 {
            assert_eq!(seen.admit(3, Some(end), page(n, end - DAY)).len(), 100);
            assert_eq!(seen.remembered(), 200, "page {n}");
        }
    }
}

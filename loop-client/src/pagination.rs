//! Pages of the Detailed Returns List and streams over them.
//!
//! With `paginate=true` Loop answers `{returns, nextPageUrl, previousPageUrl}`;
//! without it, a bare array. [`ReturnsPage`] reads both.
//!
//! **Following pages.** `nextPageUrl` carries an opaque `cursor` plus the
//! original filters. This crate takes only the cursor and sends it with the
//! caller's own query (as PostHog's connector does): the API key never goes to
//! a host other than the configured base URL, and the filters cannot drift.
//! Streams stop when `nextPageUrl` is absent or `null`, when a page comes back
//! empty, and when a cursor repeats (a server bug that would otherwise loop
//! forever; logged as a warning).

use std::collections::HashSet;
use std::fmt;

use futures::stream::{self, BoxStream, StreamExt, TryStreamExt};
use percent_encoding::percent_decode_str;
use serde::de::{self, Deserialize, Deserializer, IgnoredAny, MapAccess, SeqAccess, Visitor};

use crate::api::LoopApi;
use crate::error::Error;
use crate::ids::ReturnId;
use crate::models::returns::Return;
use crate::query::{ListReturnsQuery, ReturnWindowQuery};

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
}

impl ReturnsPage {
    /// A page (for tests and [`LoopApi`] test doubles).
    pub fn new(returns: Vec<Return>, next_page_url: Option<String>) -> Self {
        Self {
            returns,
            next_page_url,
            previous_page_url: None,
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
            reason: "it carries no cursor parameter",
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

/// Every return of a query, page after page (see the [module docs](self)).
pub(crate) fn returns_stream<'a, A: LoopApi + ?Sized>(
    api: &'a A,
    query: ListReturnsQuery,
) -> BoxStream<'a, Result<Return, Error>> {
    struct State {
        query: ListReturnsQuery,
        seen: HashSet<String>,
        done: bool,
        // A bad next link is reported after the page that carried it.
        pending_error: Option<Error>,
    }
    let mut seen = HashSet::new();
    if let Some(cursor) = query.current_cursor() {
        seen.insert(cursor.to_owned());
    }
    let start = State {
        query,
        seen,
        done: false,
        pending_error: None,
    };
    stream::try_unfold(start, move |mut state| async move {
        if let Some(error) = state.pending_error.take() {
            return Err(error);
        }
        if state.done {
            return Ok(None);
        }
        let page = api.list_returns_page(&state.query).await?;
        match page.next_cursor() {
            Err(error) => {
                state.pending_error = Some(error);
                state.done = true;
            }
            Ok(Some(_)) if page.returns.is_empty() => state.done = true,
            Ok(Some(cursor)) if !state.seen.insert(cursor.clone()) => {
                tracing::warn!(
                    vendor = "loop",
                    cursor = %cursor,
                    "nextPageUrl repeats a cursor already followed; stopping pagination"
                );
                state.done = true;
            }
            Ok(Some(cursor)) => state.query = state.query.cursor(cursor),
            Ok(None) => state.done = true,
        }
        Ok(Some((page.returns, state)))
    })
    .map_ok(|returns| stream::iter(returns.into_iter().map(Ok)))
    .try_flatten()
    .boxed()
}

/// Every return of a [`ReturnWindowQuery`], request after request, each
/// return once.
pub(crate) fn window_stream<'a, A: LoopApi + ?Sized>(
    api: &'a A,
    query: ReturnWindowQuery,
) -> BoxStream<'a, Result<Return, Error>> {
    let requests = match query.requests() {
        Ok(requests) => requests,
        Err(invalid) => return stream::once(async move { Err(invalid.into()) }).boxed(),
    };
    let mut seen: HashSet<ReturnId> = HashSet::new();
    stream::iter(requests)
        .map(move |request| returns_stream(api, request))
        .flatten()
        .try_filter(move |ret| std::future::ready(seen.insert(ret.id.clone())))
        .boxed()
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
        let ids: Vec<ReturnId> = api
            .returns_stream(ListReturnsQuery::new().cursor("start"))
            .map_ok(|r| r.id)
            .try_collect()
            .await
            .unwrap();
        assert_eq!(ids, vec![ReturnId::new("9")]);
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
}

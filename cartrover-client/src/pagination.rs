//! Lists as a `Stream` of pages or of items: pages are read one after the
//! other until a short page (CartRover has no `has_more` flag, spec §2.6).
//!
//! A full page that comes back with exactly the rows of the page before it
//! means the list is not advancing (the page number ignored): the stream
//! yields [`Error::Pagination`] there instead of looping or ending `Ok` with
//! rows missing.
//!
//! A list that never ends is stopped: after `max_pages` pages
//! ([`OrderApi::max_pages`](crate::OrderApi::max_pages), default
//! [`DEFAULT_MAX_PAGES`]) a next page is [`Error::TooManyPages`] instead of
//! another request.

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt};

use crate::error::{Error, Result};
use crate::reply::Reply;
use crate::types::{Page, PageRequest};

/// Pages a list stream reads by default before it stops with
/// [`Error::TooManyPages`].
///
/// Chosen to stop a list that never ends (a server answering full pages for
/// ever) long before it exhausts memory, and to stay far above any real
/// list: at CartRover's largest page, [`MAX_PAGE_SIZE`](crate::MAX_PAGE_SIZE)
/// (100 rows), that is a million rows in one stream. Change it with
/// [`ClientBuilder::max_pages`](crate::ClientBuilder::max_pages).
pub const DEFAULT_MAX_PAGES: usize = 10_000;

/// Reads pages from `first` on with `fetch`, yielding each whole page with
/// its metadata. Stops after a page shorter than its limit (an empty one
/// included) or after an error, which is yielded as the last item; a page
/// repeating the previous one is [`Error::Pagination`]; a next page after
/// `max_pages` pages (0 counts as 1) is [`Error::TooManyPages`], without
/// asking for it.
pub(crate) fn pages<'a, T, F>(
    operation: &'static str,
    first: PageRequest,
    max_pages: usize,
    mut fetch: F,
) -> BoxStream<'a, Result<Reply<Page<T>>>>
where
    T: Clone + PartialEq + Send + 'a,
    F: FnMut(PageRequest) -> BoxFuture<'a, Result<Reply<Page<T>>>> + Send + 'a,
{
    struct State<T> {
        next: Option<PageRequest>,
        /// The previous full page: its number and rows.
        previous: Option<(u32, Vec<T>)>,
        /// Pages read so far.
        read: usize,
        /// The error to yield after the page just yielded (then the end).
        failure: Option<Error>,
    }
    let max_pages = max_pages.max(1);
    let start = State {
        next: Some(first),
        previous: None,
        read: 0,
        failure: None,
    };
    stream::unfold(start, move |mut state| {
        let call = state.next.take().map(&mut fetch);
        async move {
            if let Some(error) = state.failure.take() {
                return Some((Err(error), state));
            }
            let reply = match call?.await {
                Ok(reply) => reply,
                Err(error) => return Some((Err(error), state)),
            };
            let page = &reply.value;
            if let Some((previous, rows)) = &state.previous
                && !page.items.is_empty()
                && *rows == page.items
            {
                let error = Error::Pagination {
                    operation,
                    page: page.request.page(),
                    previous: *previous,
                };
                return Some((Err(error), state));
            }
            state.read += 1;
            state.next = page.next_request();
            if state.next.is_some() && state.read >= max_pages {
                tracing::warn!(
                    operation,
                    max_pages,
                    "cartrover list still full after the page limit; stopping"
                );
                state.next = None;
                state.failure = Some(Error::TooManyPages {
                    operation,
                    limit: max_pages,
                });
            }
            state.previous = state
                .next
                .is_some()
                .then(|| (page.request.page(), page.items.clone()));
            Some((Ok(reply), state))
        }
    })
    .boxed()
}

/// The items of a [`pages`] stream, in order; an error is the last item.
pub(crate) fn items<'a, T: Send + 'a>(
    pages: BoxStream<'a, Result<Reply<Page<T>>>>,
) -> BoxStream<'a, Result<T>> {
    pages
        .flat_map(|page| match page {
            Ok(reply) => stream::iter(reply.value.items.into_iter().map(Ok)).left_stream(),
            Err(error) => stream::once(async move { Err(error) }).right_stream(),
        })
        .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;

    fn paginate<'a, T, F>(first: PageRequest, fetch: F) -> BoxStream<'a, Result<T>>
    where
        T: Clone + PartialEq + Send + 'a,
        F: FnMut(PageRequest) -> BoxFuture<'a, Result<Reply<Page<T>>>> + Send + 'a,
    {
        items(pages("list_orders", first, DEFAULT_MAX_PAGES, fetch))
    }

    #[test]
    fn stops_after_a_short_page_and_reads_pages_in_order() {
        let mut asked = Vec::new();
        let items: Vec<u32> = futures::executor::block_on(
            paginate(PageRequest::first(2), |request| {
                asked.push(request.page());
                let rows = match request.page() {
                    1 => vec![1, 2],
                    2 => vec![3, 4],
                    _ => vec![5],
                };
                async move { Ok(Reply::new(Page::new(rows, request))) }.boxed()
            })
            .map(|item| item.unwrap())
            .collect(),
        );
        assert_eq!(items, [1, 2, 3, 4, 5]);
        assert_eq!(asked, [1, 2, 3]);
    }

    #[test]
    fn an_error_ends_the_stream() {
        let results: Vec<Result<u32>> = futures::executor::block_on(
            paginate(PageRequest::first(1), |request| {
                async move {
                    match request.page() {
                        1 => Ok(Reply::new(Page::new(vec![1], request))),
                        _ => Err(crate::Error::MissingResponse {
                            operation: "list_orders",
                            process_id: None,
                        }),
                    }
                }
                .boxed()
            })
            .collect(),
        );
        assert_eq!(results.len(), 2);
        assert!(results[1].is_err());
    }

    #[test]
    fn a_page_repeating_the_previous_one_is_a_pagination_error_where_it_happens() {
        // The server ignores `page`: every call answers the first page.
        let results: Vec<Result<u32>> = futures::executor::block_on(
            paginate(PageRequest::first(2), |request| {
                async move { Ok(Reply::new(Page::new(vec![1, 2], request))) }.boxed()
            })
            .collect(),
        );
        assert_eq!(results.len(), 3, "two rows, then the error, then the end");
        assert!(matches!(
            results[2],
            Err(Error::Pagination {
                operation: "list_orders",
                page: 2,
                previous: 1
            })
        ));
    }

    #[test]
    fn an_endless_list_stops_after_max_pages_without_asking_for_more() {
        // Every page is full of new rows: the list never ends.
        let mut asked = Vec::new();
        let results: Vec<Result<u32>> = futures::executor::block_on(
            items(pages("list_orders", PageRequest::first(2), 3, |request| {
                asked.push(request.page());
                let n = request.page() * 10;
                async move { Ok(Reply::new(Page::new(vec![n, n + 1], request))) }.boxed()
            }))
            .collect(),
        );
        assert_eq!(results.len(), 7, "six rows, then the error: {results:?}");
        let rows: Vec<u32> = results[..6].iter().map(|r| *r.as_ref().unwrap()).collect();
        assert_eq!(rows, [10, 11, 20, 21, 30, 31]);
        assert!(matches!(
            results[6],
            Err(Error::TooManyPages {
                operation: "list_orders",
                limit: 3
            })
        ));
        assert_eq!(asked, [1, 2, 3]);

        // 0 counts as 1; a last short page at the limit ends `Ok`.
        let results: Vec<Result<u32>> = futures::executor::block_on(
            items(pages("list_orders", PageRequest::first(2), 0, |request| {
                async move { Ok(Reply::new(Page::new(vec![1, 2], request))) }.boxed()
            }))
            .collect(),
        );
        assert!(matches!(
            results[2],
            Err(Error::TooManyPages { limit: 1, .. })
        ));
        let results: Vec<Result<u32>> = futures::executor::block_on(
            items(pages("list_orders", PageRequest::first(2), 1, |request| {
                async move { Ok(Reply::new(Page::new(vec![1], request))) }.boxed()
            }))
            .collect(),
        );
        assert_eq!(results.len(), 1);
        assert!(results[0].is_ok());
    }

    #[test]
    fn whole_pages_keep_their_metadata() {
        let pages: Vec<Reply<Page<u32>>> = futures::executor::block_on(
            pages(
                "list_inventory",
                PageRequest::first(1),
                DEFAULT_MAX_PAGES,
                |request| {
                    async move {
                        let rows = if request.page() == 1 { vec![7] } else { vec![] };
                        Ok(Reply::new(Page::new(rows, request))
                            .with_process_id(format!("pid-{}", request.page())))
                    }
                    .boxed()
                },
            )
            .map(|page| page.unwrap())
            .collect(),
        );
        assert_eq!(pages.len(), 2);
        assert_eq!(pages[0].process_id.as_deref(), Some("pid-1"));
        assert!(pages[1].value.items.is_empty());
    }
}

//! Lists as a `Stream` of items: pages are read one after the other until a
//! short page (CartRover has no `has_more` flag, spec §2.6).

use futures::future::BoxFuture;
use futures::stream::{self, BoxStream, StreamExt};

use crate::error::Result;
use crate::reply::Reply;
use crate::types::{Page, PageRequest};

/// Reads pages from `first` on with `fetch`, yielding their items. Stops after
/// a page shorter than its limit (an empty one included) or after an error,
/// which is yielded as the last item.
pub(crate) fn paginate<'a, T, F>(first: PageRequest, mut fetch: F) -> BoxStream<'a, Result<T>>
where
    T: Send + 'a,
    F: FnMut(PageRequest) -> BoxFuture<'a, Result<Reply<Page<T>>>> + Send + 'a,
{
    stream::unfold(Some(first), move |next| {
        let call = next.map(&mut fetch);
        async move {
            match call?.await {
                Ok(reply) => {
                    let page = reply.into_inner();
                    let following = page.next_request();
                    Some((Ok(page.items), following))
                }
                Err(error) => Some((Err(error), None)),
            }
        }
    })
    .flat_map(|page| match page {
        Ok(items) => stream::iter(items.into_iter().map(Ok)).left_stream(),
        Err(error) => stream::once(async move { Err(error) }).right_stream(),
    })
    .boxed()
}

#[cfg(test)]
mod tests {
    use super::*;
    use futures::FutureExt;

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
}

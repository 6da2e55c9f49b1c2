//! The page limit of the returns streams against a server whose list never
//! ends: every page names a new cursor and carries new returns.

#[macro_use]
mod common;

use common::{builder, client, json, loop_mock, server};
use futures::StreamExt;
use loop_client::{
    DEFAULT_MAX_PAGES, Error, ListReturnsQuery, LoopApi, LoopClient, Return, ReturnState,
    ReturnWindowQuery, ReturnsPage,
};
use time::macros::datetime;
use wiremock::{MockServer, Request, ResponseTemplate};

/// Answers page `n` (cursor `c<n>`, none for the first) with returns
/// `2n+1` and `2n+2` and a link to page `n + 1`, for ever.
fn endless_page(request: &Request) -> ResponseTemplate {
    let n: u64 = request
        .url
        .query_pairs()
        .find(|(key, _)| key == "cursor")
        .map_or(0, |(_, cursor)| cursor[1..].parse().expect("cursor c<n>"));
    json(
        200,
        &format!(
            r#"{{"returns":[{{"id":"{}"}},{{"id":"{}"}}],"nextPageUrl":"https://api.loopreturns.com/api/v1/warehouse/return/list?cursor=c{}"}}"#,
            2 * n + 1,
            2 * n + 2,
            n + 1
        ),
    )
}

/// A server with the endless list, expecting exactly `requests` list calls.
async fn endless_server(requests: u64) -> MockServer {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .respond_with(endless_page)
        .expect(requests)
        .mount(&server)
        .await;
    server
}

fn limited(server: &MockServer, max_pages: usize) -> LoopClient {
    builder(server)
        .max_pages(max_pages)
        .build()
        .expect("client builds")
}

/// The ids before the error, and the error; panics unless the stream ends
/// right after one error.
fn split_at_error(results: Vec<Result<Return, Error>>) -> (Vec<String>, Error) {
    let mut ids = Vec::new();
    let mut results = results.into_iter();
    for result in results.by_ref() {
        match result {
            Ok(ret) => ids.push(ret.id.as_str().to_owned()),
            Err(error) => {
                assert!(results.next().is_none(), "the error ends the stream");
                return (ids, error);
            }
        }
    }
    panic!("the stream ended Ok after {ids:?}")
}

fn assert_too_many_pages(error: &Error, limit: usize) {
    assert!(
        matches!(
            error,
            Error::TooManyPages { operation: "list_returns", limit: l } if *l == limit
        ),
        "expected TooManyPages with limit {limit}, got {error:?}"
    );
    assert!(error.is_pagination());
    assert!(!error.is_retryable());
    let message = error.to_string();
    assert!(
        message.contains(&format!("more than {limit} pages")),
        "{message}"
    );
}

#[tokio::test]
async fn returns_stream_stops_an_endless_list_after_max_pages_with_a_typed_error() {
    let server = endless_server(3).await;
    let client = limited(&server, 3);
    let results: Vec<Result<Return, Error>> = client
        .returns_stream(ListReturnsQuery::new().page_size(2))
        .collect()
        .await;
    let (ids, error) = split_at_error(results);
    assert_eq!(ids, ["1", "2", "3", "4", "5", "6"]);
    assert_too_many_pages(&error, 3);
}

#[tokio::test]
async fn returns_pages_stops_an_endless_list_after_max_pages_with_a_typed_error() {
    let server = endless_server(3).await;
    let client = limited(&server, 3);
    let results: Vec<Result<ReturnsPage, Error>> = client
        .returns_pages(ListReturnsQuery::new())
        .collect()
        .await;
    assert_eq!(results.len(), 4, "three pages, then the error: {results:?}");
    for (i, page) in results[..3].iter().enumerate() {
        let page = page.as_ref().expect("a page");
        assert_eq!(page.returns.len(), 2);
        assert_eq!(
            page.next_cursor().unwrap().as_deref(),
            Some(format!("c{}", i + 1).as_str())
        );
    }
    let Err(error) = &results[3] else {
        panic!("expected the error last, got {:?}", results[3])
    };
    assert_too_many_pages(error, 3);
}

#[tokio::test]
async fn returns_in_window_stops_an_endless_pass_after_max_pages_with_a_typed_error() {
    let server = endless_server(3).await;
    let client = limited(&server, 3);
    let query = ReturnWindowQuery::new(
        datetime!(2025-03-01 0:00 UTC),
        datetime!(2025-03-08 0:00 UTC),
    )
    .states([ReturnState::Open]);
    let results: Vec<Result<Return, Error>> = client.returns_in_window(query).collect().await;
    let (ids, error) = split_at_error(results);
    assert_eq!(ids, ["1", "2", "3", "4", "5", "6"]);
    assert_too_many_pages(&error, 3);
}

#[tokio::test]
async fn a_list_of_exactly_max_pages_pages_ends_ok() {
    let server = server().await;
    for (cursor, body) in [
        (
            None,
            r#"{"returns":[{"id":"1"}],"nextPageUrl":"https://x/list?cursor=c1"}"#,
        ),
        (
            Some("c1"),
            r#"{"returns":[{"id":"2"}],"nextPageUrl":"https://x/list?cursor=c2"}"#,
        ),
        (Some("c2"), r#"{"returns":[{"id":"3"}],"nextPageUrl":null}"#),
    ] {
        let mock = loop_mock("GET", "/warehouse/return/list");
        let mock = match cursor {
            Some(cursor) => mock.and(wiremock::matchers::query_param("cursor", cursor)),
            None => mock.and(wiremock::matchers::query_param_is_missing("cursor")),
        };
        mock.respond_with(json(200, body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let client = limited(&server, 3);
    let results: Vec<Result<Return, Error>> = client
        .returns_stream(ListReturnsQuery::new())
        .collect()
        .await;
    let ids: Vec<&str> = results
        .iter()
        .map(|r| r.as_ref().expect("no error").id.as_str())
        .collect();
    assert_eq!(ids, ["1", "2", "3"]);
}

#[tokio::test]
async fn max_pages_defaults_to_ten_thousand_and_zero_counts_as_one() {
    let server = server().await;
    assert_eq!(DEFAULT_MAX_PAGES, 10_000);
    assert_eq!(client(&server).max_pages(), DEFAULT_MAX_PAGES);
    assert_eq!(limited(&server, 0).max_pages(), 1);
    assert_eq!(limited(&server, 25).max_pages(), 25);
}

//! The page limit of the ticket streams against a server whose search never
//! ends: every page names the next one and carries new tickets.

mod common;

use cloudx_client::prelude::*;
use cloudx_client::{
    CloudxClient, DEFAULT_MAX_PAGES, Error, ReceivingTicket, TicketPage, TicketQuery,
};
use common::{builder, client, count, fixture, json, server};
use futures::StreamExt;
use serde_json::json;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TICKETS: &str = "/v1/receiving-tickets";

/// The first ticket of the search fixture, with a new id and reference.
fn ticket(id: String) -> serde_json::Value {
    let mut ticket = fixture!("tickets_page_1.json")["data"][0].take();
    ticket["reference_number"] = json!(format!("#{id}-R1"));
    ticket["id"] = json!(id);
    ticket
}

/// Answers page `n` with tickets `T<n>a`, `T<n>b` and `next_page: n + 1`,
/// for ever.
fn endless_page(request: &Request) -> ResponseTemplate {
    let n: u32 = request
        .url
        .query_pairs()
        .find(|(key, _)| key == "page")
        .map_or(1, |(_, page)| page.parse().expect("a page number"));
    json(
        200,
        json!({
            "data": [ticket(format!("T{n}a")), ticket(format!("T{n}b"))],
            "page": n,
            "per_page": 2,
            "next_page": n + 1,
        }),
    )
}

/// A server with the endless search, expecting exactly `requests` calls.
async fn endless_server(requests: u64) -> MockServer {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(TICKETS))
        .respond_with(endless_page)
        .expect(requests)
        .mount(&server)
        .await;
    server
}

fn limited(server: &MockServer, max_pages: usize) -> CloudxClient {
    builder(server)
        .max_pages(max_pages)
        .build()
        .expect("valid test configuration")
}

fn assert_too_many_pages(error: &Error, limit: usize) {
    assert!(
        matches!(
            error,
            Error::TooManyPages { operation: "list_tickets", limit: l } if *l == limit
        ),
        "expected TooManyPages with limit {limit}, got {error:?}"
    );
    assert!(error.is_pagination());
    assert!(!error.is_retryable());
    assert_eq!(error.status(), None);
    let message = error.to_string();
    assert!(
        message.contains(&format!("more than {limit} pages")),
        "{message}"
    );
}

#[tokio::test]
async fn tickets_stops_an_endless_search_after_max_pages_with_a_typed_error() {
    let server = endless_server(3).await;
    let cloudx = limited(&server, 3);
    let items: Vec<Result<ReceivingTicket, Error>> =
        cloudx.tickets(TicketQuery::new()).collect().await;

    assert_eq!(items.len(), 7, "six tickets, then the error: {items:?}");
    let ids: Vec<&str> = items[..6]
        .iter()
        .map(|t| t.as_ref().expect("a ticket").id.as_str())
        .collect();
    assert_eq!(ids, ["T1a", "T1b", "T2a", "T2b", "T3a", "T3b"]);
    let Err(error) = &items[6] else {
        panic!("expected the error last, got {:?}", items[6])
    };
    assert_too_many_pages(error, 3);
    assert_eq!(count(&server, "GET", TICKETS).await, 3);
}

#[tokio::test]
async fn ticket_pages_stops_an_endless_search_after_max_pages_with_a_typed_error() {
    let server = endless_server(3).await;
    let cloudx = limited(&server, 3);
    let pages: Vec<Result<TicketPage, Error>> =
        cloudx.ticket_pages(TicketQuery::new()).collect().await;

    assert_eq!(pages.len(), 4, "three pages, then the error: {pages:?}");
    let numbers: Vec<(u32, Option<u32>)> = pages[..3]
        .iter()
        .map(|p| p.as_ref().expect("a page"))
        .map(|p| (p.page, p.next_page))
        .collect();
    assert_eq!(numbers, [(1, Some(2)), (2, Some(3)), (3, Some(4))]);
    let Err(error) = &pages[3] else {
        panic!("expected the error last, got {:?}", pages[3])
    };
    assert_too_many_pages(error, 3);
}

#[tokio::test]
async fn a_search_of_exactly_max_pages_pages_ends_ok() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(TICKETS))
        .respond_with(|request: &Request| {
            let mut page = endless_page(request);
            let n: u32 = request
                .url
                .query_pairs()
                .find(|(key, _)| key == "page")
                .map_or(1, |(_, page)| page.parse().expect("a page number"));
            if n == 3 {
                page = json(
                    200,
                    json!({"data": [ticket("T3a".into())], "page": 3, "per_page": 2, "next_page": null}),
                );
            }
            page
        })
        .expect(3)
        .mount(&server)
        .await;

    let items: Vec<Result<ReceivingTicket, Error>> = limited(&server, 3)
        .tickets(TicketQuery::new())
        .collect()
        .await;
    let ids: Vec<&str> = items
        .iter()
        .map(|t| t.as_ref().expect("no error").id.as_str())
        .collect();
    assert_eq!(ids, ["T1a", "T1b", "T2a", "T2b", "T3a"]);
}

#[tokio::test]
async fn max_pages_defaults_to_ten_thousand_and_zero_counts_as_one() {
    let server = server().await;
    assert_eq!(DEFAULT_MAX_PAGES, 10_000);
    assert_eq!(client(&server).max_pages(), DEFAULT_MAX_PAGES);
    assert_eq!(limited(&server, 0).max_pages(), 1);
    assert_eq!(limited(&server, 25).max_pages(), 25);
}

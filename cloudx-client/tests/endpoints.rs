//! Request shape and decoding of every read and cancel endpoint, the ticket
//! stream, item verification and batch refresh.

mod common;

use cloudx_client::prelude::*;
use cloudx_client::{
    CancelOutcome, CloudxClient, Error, ItemIdentifier, SeenTicket, TicketId, TicketPhase,
    TicketQuery, TicketStatus,
};
use common::{SECRET, builder, client, count, fixture, json, server};
use futures::{StreamExt, TryStreamExt};
use serde_json::json;
use time::macros::datetime;
use wiremock::Mock;
use wiremock::matchers::{bearer_token, header, method, path, query_param, query_param_is_missing};

const TICKETS: &str = "/v1/receiving-tickets";

#[tokio::test]
async fn get_ticket_sends_bearer_and_decodes_the_ticket() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/WHRTN1044588"))
        .and(bearer_token(SECRET))
        .and(header("accept", "application/json"))
        .respond_with(json(200, fixture!("ticket_received.json")))
        .expect(1)
        .mount(&server)
        .await;

    let ticket = client(&server)
        .get_ticket(&TicketId::new("WHRTN1044588"))
        .await
        .expect("ticket");

    assert_eq!(ticket.status, TicketStatus::AddedToInventory);
    assert_eq!(ticket.phase(), Some(TicketPhase::Received));
    assert_eq!(ticket.lines[1].damaged_quantity, 1);
}

#[tokio::test]
async fn ticket_ids_are_percent_encoded_into_the_path() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/A%2FB"))
        .and(bearer_token(SECRET))
        .respond_with(json(200, fixture!("ticket_draft.json")))
        .expect(1)
        .mount(&server)
        .await;

    client(&server)
        .get_ticket(&TicketId::new("A/B"))
        .await
        .expect("ticket");
}

#[tokio::test]
async fn list_tickets_sends_every_filter_as_a_query_parameter() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(TICKETS))
        .and(bearer_token(SECRET))
        .and(query_param("reference_number", "#2001-R1"))
        .and(query_param("order_number", "#2001"))
        .and(query_param("status", "PendingCSR"))
        .and(query_param("updated_since", "2024-05-14T09:30:00Z"))
        .and(query_param("page", "1"))
        .and(query_param("per_page", "2"))
        .respond_with(json(200, fixture!("tickets_page_1.json")))
        .expect(1)
        .mount(&server)
        .await;
    let query = TicketQuery::new()
        .reference_number("#2001-R1")
        .order_number("#2001")
        .status(TicketStatus::PendingCsr)
        .updated_since(datetime!(2024-05-14 09:30:00 UTC))
        .page(1)
        .per_page(2);

    let page = client(&server).list_tickets(&query).await.expect("page");

    assert_eq!(page.tickets.len(), 2);
    assert_eq!((page.page, page.per_page, page.next_page), (1, 2, Some(2)));
}

#[tokio::test]
async fn ticket_stream_follows_next_page_until_the_last() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(TICKETS))
        .and(query_param_is_missing("page"))
        .respond_with(json(200, fixture!("tickets_page_1.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(TICKETS))
        .and(query_param("page", "2"))
        .respond_with(json(200, fixture!("tickets_page_2.json")))
        .expect(1)
        .mount(&server)
        .await;

    let cloudx = client(&server);
    let ids: Vec<String> = cloudx
        .tickets(TicketQuery::new())
        .map_ok(|t| t.id.into_inner())
        .try_collect()
        .await
        .expect("all pages");

    assert_eq!(ids, ["WHRTN1", "WHRTN2", "WHRTN3"]);
}

#[tokio::test]
async fn ticket_stream_yields_a_typed_error_when_the_next_page_does_not_advance() {
    let server = server().await;
    let mut looping = fixture!("tickets_page_1.json");
    looping["next_page"] = json!(1);
    Mock::given(method("GET"))
        .and(path(TICKETS))
        .respond_with(json(200, looping))
        .expect(1)
        .mount(&server)
        .await;

    let cloudx = client(&server);
    let items: Vec<Result<_, Error>> = cloudx.tickets(TicketQuery::new()).collect().await;

    assert_eq!(items.len(), 3, "two tickets, then the error: {items:?}");
    assert!(items[..2].iter().all(Result::is_ok), "{items:?}");
    assert!(
        matches!(
            items[2],
            Err(Error::Pagination {
                page: 1,
                answered: 1,
                next_page: 1
            })
        ),
        "{items:?}"
    );
}

#[tokio::test]
async fn ticket_pages_keep_page_numbers_and_request_ids() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(TICKETS))
        .and(query_param_is_missing("page"))
        .respond_with(
            json(200, fixture!("tickets_page_1.json")).insert_header("x-request-id", "req-p1"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path(TICKETS))
        .and(query_param("page", "2"))
        .respond_with(
            json(200, fixture!("tickets_page_2.json")).insert_header("x-request-id", "req-p2"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let pages: Vec<_> = client(&server)
        .ticket_pages(TicketQuery::new())
        .try_collect()
        .await
        .expect("all pages");

    let meta: Vec<_> = pages
        .iter()
        .map(|p| {
            (
                p.page,
                p.next_page,
                p.request_id.as_deref(),
                p.tickets.len(),
            )
        })
        .collect();
    assert_eq!(
        meta,
        [
            (1, Some(2), Some("req-p1"), 2),
            (2, None, Some("req-p2"), 1)
        ]
    );
}

#[tokio::test]
async fn cancel_posts_to_the_cancel_path() {
    let server = server().await;
    let mut cancelled = fixture!("ticket_draft.json");
    cancelled["status"] = json!("Cancelled");
    cancelled["status_code"] = json!(null);
    Mock::given(method("POST"))
        .and(path("/v1/receiving-tickets/WHRTN1044588/cancel"))
        .and(bearer_token(SECRET))
        .respond_with(json(200, cancelled))
        .expect(1)
        .mount(&server)
        .await;

    let outcome = client(&server)
        .cancel_ticket(&TicketId::new("WHRTN1044588"))
        .await
        .expect("cancelled");

    assert!(
        matches!(outcome, CancelOutcome::Cancelled(_)),
        "{outcome:?}"
    );
    assert!(!outcome.already_cancelled());
    let ticket = outcome.into_ticket();
    assert_eq!(ticket.status, TicketStatus::Cancelled);
    assert!(ticket.is_terminal());
}

#[tokio::test]
async fn cancelling_a_received_ticket_is_not_cancellable() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/receiving-tickets/WHRTN1044588/cancel"))
        .respond_with(json(409, fixture!("error_409_not_cancellable.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/WHRTN1044588"))
        .respond_with(json(200, fixture!("ticket_received.json")))
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .cancel_ticket(&TicketId::new("WHRTN1044588"))
        .await
        .expect_err("too late");

    assert!(matches!(&error, Error::NotCancellable { id, .. } if id.as_str() == "WHRTN1044588"));
    assert_eq!(error.status().map(|s| s.as_u16()), Some(409));
    assert!(error.is_not_cancellable());
    assert_eq!(error.code(), Some(10), "CloudX's StateError code");
}

#[tokio::test]
async fn cancelling_an_already_cancelled_ticket_says_so_and_returns_it() {
    let server = server().await;
    let mut cancelled = fixture!("ticket_draft.json");
    cancelled["status"] = json!("Cancelled");
    Mock::given(method("POST"))
        .and(path("/v1/receiving-tickets/WHRTN1044588/cancel"))
        .respond_with(json(409, fixture!("error_409_not_cancellable.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/WHRTN1044588"))
        .respond_with(json(200, cancelled))
        .expect(1)
        .mount(&server)
        .await;

    let outcome = client(&server)
        .cancel_ticket(&TicketId::new("WHRTN1044588"))
        .await
        .expect("already cancelled is fine");

    assert!(
        matches!(outcome, CancelOutcome::AlreadyCancelled(_)),
        "{outcome:?}"
    );
    assert!(outcome.already_cancelled());
    assert_eq!(outcome.ticket().status, TicketStatus::Cancelled);
}

#[tokio::test]
async fn find_item_queries_by_sku_or_upc() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/items"))
        .and(bearer_token(SECRET))
        .and(query_param("sku", "TEE-M-BLK"))
        .and(query_param_is_missing("upc"))
        .respond_with(json(200, fixture!("items_found.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/items"))
        .and(query_param("upc", "0000000000000"))
        .and(query_param_is_missing("sku"))
        .respond_with(json(200, fixture!("items_empty.json")))
        .expect(1)
        .mount(&server)
        .await;
    let cloudx = client(&server);

    let item = cloudx
        .find_item(&ItemIdentifier::sku("TEE-M-BLK"))
        .await
        .expect("lookup")
        .expect("known item");
    let unknown = cloudx
        .find_item(&ItemIdentifier::upc("0000000000000"))
        .await
        .expect("lookup");

    assert_eq!(item.upc.as_ref().map(|u| u.as_str()), Some("0123456789012"));
    assert_eq!(item.size.as_deref(), Some("M"));
    assert_eq!(unknown, None);
}

#[tokio::test]
async fn verify_items_returns_the_missing_ones_looking_each_up_once() {
    let server = server().await;
    for (key, value, body) in [
        ("sku", "TEE-M-BLK", fixture!("items_found.json")),
        ("sku", "GHOST-1", fixture!("items_empty.json")),
        ("upc", "0123456789012", fixture!("items_found.json")),
        ("upc", "999", fixture!("items_empty.json")),
    ] {
        Mock::given(method("GET"))
            .and(path("/v1/items"))
            .and(query_param(key, value))
            .respond_with(json(200, body))
            .expect(1)
            .mount(&server)
            .await;
    }
    let cloudx = builder(&server)
        .max_concurrency(2)
        .build()
        .expect("valid configuration");

    let missing = cloudx
        .verify_items(&[
            ItemIdentifier::sku("TEE-M-BLK"),
            ItemIdentifier::upc("999"),
            ItemIdentifier::sku("GHOST-1"),
            ItemIdentifier::upc("0123456789012"),
            ItemIdentifier::upc("999"),
        ])
        .await
        .expect("all looked up");

    assert_eq!(
        missing,
        [ItemIdentifier::upc("999"), ItemIdentifier::sku("GHOST-1")]
    );
}

#[tokio::test]
async fn list_warehouses_decodes_codes_and_names() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/warehouses"))
        .and(bearer_token(SECRET))
        .respond_with(json(200, fixture!("warehouses.json")))
        .expect(1)
        .mount(&server)
        .await;

    let warehouses = client(&server).list_warehouses().await.expect("list");

    let codes: Vec<_> = warehouses.iter().map(|w| w.code.as_str()).collect();
    assert_eq!(codes, ["BERGEN-NJ-01", "BERGEN-NL-01"]);
}

#[tokio::test]
async fn refresh_reports_phase_changes_and_failures_per_ticket() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/WHRTN1044588"))
        .respond_with(json(200, fixture!("ticket_received.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/WHRTN1044600"))
        .respond_with(json(200, fixture!("ticket_unknown_status.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/WHRTN0"))
        .respond_with(json(404, fixture!("error_404_ticket.json")))
        .expect(1)
        .mount(&server)
        .await;

    let report = client(&server)
        .refresh_tickets(&[
            SeenTicket::new("WHRTN1044588", Some(TicketPhase::Open)),
            SeenTicket::new("WHRTN1044600", None),
            SeenTicket::new("WHRTN0", Some(TicketPhase::Open)),
        ])
        .await;

    assert_eq!(report.changed.len(), 1);
    assert_eq!(report.changed[0].previous, Some(TicketPhase::Open));
    assert_eq!(report.changed[0].current(), Some(TicketPhase::Received));
    assert_eq!(report.newly_terminal().count(), 1);
    assert_eq!(report.unchanged.len(), 1, "unknown status stays unknown");
    assert!(matches!(
        report.failed.as_slice(),
        [(id, Error::TicketNotFound { .. })] if id.as_str() == "WHRTN0"
    ));
    assert_eq!(
        count(&server, "GET", "/v1/receiving-tickets/WHRTN0").await,
        1
    );
}

#[tokio::test]
async fn check_connection_proves_the_secret_and_finds_the_warehouse() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/warehouses"))
        .and(bearer_token(SECRET))
        .respond_with(json(200, fixture!("warehouses.json")))
        .expect(2)
        .mount(&server)
        .await;
    let cloudx = client(&server);

    let found = cloudx
        .check_connection(" BERGEN-NJ-01 ")
        .await
        .expect("connected");
    assert!(found.warehouse_found(), "{found:?}");
    assert_eq!(
        found.warehouse.as_ref().map(|w| w.code.as_str()),
        Some("BERGEN-NJ-01")
    );
    assert!(found.to_string().contains("BERGEN-NJ-01 exists"), "{found}");

    let wrong = cloudx
        .check_connection("BERGEN-XX-99")
        .await
        .expect("connected; the code is just unknown");
    assert!(!wrong.warehouse_found());
    assert_eq!(wrong.warehouse_code.as_str(), "BERGEN-XX-99");
    assert!(wrong.known_warehouse_codes.len() >= 2, "{wrong:?}");
    let shown = wrong.to_string();
    assert!(shown.contains("BERGEN-XX-99 not found"), "{shown}");
    for code in &wrong.known_warehouse_codes {
        assert!(shown.contains(code.as_str()), "{shown}");
    }
}

#[tokio::test]
async fn check_connection_with_a_bad_secret_is_unauthorized() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/warehouses"))
        .respond_with(json(
            401,
            json!({"errors": [{"code": 3, "message": "invalid client secret"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let error = builder(&server)
        .build()
        .expect("valid configuration")
        .check_connection("BERGEN-NJ-01")
        .await
        .expect_err("bad secret");

    assert!(error.is_unauthorized(), "{error:?}");
}

#[tokio::test]
async fn an_empty_secret_is_refused_before_any_call() {
    for blank in ["", "   "] {
        let error = CloudxClient::builder(blank)
            .base_url("http://127.0.0.1:9/v1")
            .build()
            .expect_err("blank secret");
        assert!(
            matches!(
                error,
                Error::Config(cloudx_client::ConfigError::Missing("client_secret"))
            ),
            "{error:?}"
        );
    }
}

#[tokio::test]
async fn send_raw_goes_through_the_client_and_returns_the_json() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/carriers"))
        .and(bearer_token(SECRET))
        .and(query_param("active", "true"))
        .respond_with(json(200, json!({"data": [{"code": "UPS"}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/broken"))
        .respond_with(
            wiremock::ResponseTemplate::new(200).set_body_raw("{\"data\": [", "application/json"),
        )
        .mount(&server)
        .await;
    let cloudx = client(&server);

    let body = cloudx
        .send_raw(
            cloudx_client::transport::Request::get("/carriers")
                .operation("list_carriers")
                .query("active", true),
        )
        .await
        .expect("raw call");
    assert_eq!(body["data"][0]["code"], "UPS");

    let error = cloudx
        .send_raw(cloudx_client::transport::Request::get("/broken").operation("broken"))
        .await
        .expect_err("cut off");
    assert!(error.is_decode(), "{error:?}");
}

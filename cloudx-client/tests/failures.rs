//! Failure handling: typed 404, throttling, lenient decoding, decode paths,
//! and the secret never showing up.

mod common;

use std::time::Duration;

use cloudx_client::transport::{Error as HttpError, RetryPolicy, Timeouts};
use cloudx_client::{
    CloudxApi, CloudxClient, Error, NewReceivingTicket, TicketId, TicketPhase, TicketStatus,
};
use common::{SECRET, builder, client, count, fixture, json, server};
use serde_json::json;
use static_assertions::assert_impl_all;
use wiremock::matchers::{bearer_token, method, path};
use wiremock::{Mock, ResponseTemplate};

assert_impl_all!(CloudxClient: Send, Sync, Clone, std::fmt::Debug);
assert_impl_all!(Error: Send, Sync, std::error::Error);

/// Application code can hold the client as a trait object.
#[test]
fn the_client_is_usable_as_a_trait_object() {
    fn takes(_: &dyn CloudxApi) {}
    let cloudx = CloudxClient::builder()
        .base_url("http://127.0.0.1:9/v1")
        .client_secret(SECRET)
        .build()
        .expect("valid configuration");
    takes(&cloudx);
}

#[tokio::test]
async fn unknown_ticket_is_a_typed_not_found_with_the_request_id() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/WHRTN404"))
        .and(bearer_token(SECRET))
        .respond_with(
            json(404, fixture!("error_404_ticket.json")).insert_header("X-Request-Id", "req-404"),
        )
        .expect(1)
        .mount(&server)
        .await;

    let error = client(&server)
        .get_ticket(&TicketId::new("WHRTN404"))
        .await
        .expect_err("unknown");

    assert!(
        matches!(&error, Error::TicketNotFound { id, .. } if id.as_str() == "WHRTN404"),
        "{error:?}"
    );
    assert!(error.is_not_found());
    assert_eq!(error.request_id(), Some("req-404"));
    assert_eq!(
        error.http().and_then(|e| e.code()),
        Some("41"),
        "CloudX's code is kept"
    );
}

#[tokio::test]
async fn a_404_without_code_41_is_not_mistaken_for_an_unknown_ticket() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/HTML"))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>Not Found</html>"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/ROUTE"))
        .respond_with(json(
            404,
            json!({"errors": [{"code": 404, "message": "no route for GET /v2/receiving-tickets/ROUTE"}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let cloudx = client(&server);

    for id in ["HTML", "ROUTE"] {
        let error = cloudx
            .get_ticket(&TicketId::new(id))
            .await
            .expect_err("404");
        assert!(matches!(error, Error::Http(_)), "{id}: {error:?}");
        assert!(error.is_not_found(), "{id}");
    }
}

#[tokio::test(start_paused = true)]
async fn throttled_read_waits_retry_after_then_succeeds() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/WHRTN1044588"))
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "7"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/WHRTN1044588"))
        .respond_with(json(200, fixture!("ticket_draft.json")))
        .expect(1)
        .mount(&server)
        .await;
    let started = tokio::time::Instant::now();

    let ticket = client(&server)
        .get_ticket(&TicketId::new("WHRTN1044588"))
        .await
        .expect("after waiting");

    assert_eq!(ticket.status, TicketStatus::Draft);
    assert!(
        started.elapsed() >= Duration::from_secs(7),
        "waited only {:?}",
        started.elapsed()
    );
    assert_eq!(
        count(&server, "GET", "/v1/receiving-tickets/WHRTN1044588").await,
        2
    );
}

#[tokio::test]
async fn unknown_status_and_extra_fields_deserialize() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/WHRTN1044600"))
        .respond_with(json(200, fixture!("ticket_unknown_status.json")))
        .expect(1)
        .mount(&server)
        .await;

    let ticket = client(&server)
        .get_ticket(&TicketId::new("WHRTN1044600"))
        .await
        .expect("lenient decode");

    assert!(
        matches!(&ticket.status, TicketStatus::Unknown(raw) if raw.as_str() == "QuarantineHold")
    );
    assert_eq!(ticket.phase(), None::<TicketPhase>);
    assert!(!ticket.is_terminal());
    assert_eq!(ticket.status_code, None);
}

#[tokio::test]
async fn a_wrong_json_type_names_its_path() {
    let server = server().await;
    let mut broken = fixture!("ticket_draft.json");
    broken["lines"][1]["expected_quantity"] = json!("one");
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/WHRTN1044588"))
        .respond_with(json(200, broken))
        .mount(&server)
        .await;

    let error = client(&server)
        .get_ticket(&TicketId::new("WHRTN1044588"))
        .await
        .expect_err("does not decode");

    let Some(HttpError::Decode(decode)) = error.http() else {
        panic!("expected a decode error, got {error:?}");
    };
    assert_eq!(decode.path(), "lines[1].expected_quantity");
}

#[tokio::test]
async fn the_secret_appears_in_no_debug_output_or_error() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/WHRTN1"))
        .respond_with(json(
            401,
            json!({"errors": [{"code": 3, "message": "bad credentials"}]}),
        ))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/SLOW"))
        .respond_with(
            json(200, fixture!("ticket_draft.json")).set_delay(Duration::from_millis(600)),
        )
        .mount(&server)
        .await;
    let cloudx = builder(&server)
        .timeouts(Timeouts::none().with_request(Duration::from_millis(100)))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid configuration");

    let unauthorized = cloudx
        .get_ticket(&TicketId::new("WHRTN1"))
        .await
        .expect_err("401");
    let timeout = cloudx
        .get_ticket(&TicketId::new("SLOW"))
        .await
        .expect_err("timeout");
    let invalid = cloudx
        .create_ticket(&NewReceivingTicket::default())
        .await
        .expect_err("invalid");

    assert!(timeout.is_timeout(), "{timeout:?}");
    assert_eq!(unauthorized.status().map(|s| s.as_u16()), Some(401));
    for shown in [
        format!("{cloudx:?}"),
        format!("{:?}", builder(&server)),
        format!("{unauthorized} {unauthorized:?}"),
        format!("{timeout} {timeout:?}"),
        format!("{invalid} {invalid:?}"),
    ] {
        assert!(!shown.contains(SECRET), "secret leaked: {shown}");
    }
}

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
    let cloudx = CloudxClient::builder(SECRET)
        .base_url("http://127.0.0.1:9/v1")
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
        error.as_http().and_then(|e| e.code()),
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

    let Some(HttpError::Decode(decode)) = error.as_http() else {
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
    assert!(timeout.is_transport(), "{timeout:?}");
    assert_eq!(unauthorized.status().map(|s| s.as_u16()), Some(401));
    assert!(unauthorized.is_unauthorized(), "{unauthorized:?}");
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

#[tokio::test]
async fn a_cut_off_or_non_json_success_body_is_a_decode_error_with_its_path() {
    let server = server().await;
    let whole = serde_json::to_string(&fixture!("ticket_draft.json")).expect("serializes");
    let cut = &whole[..whole.len() / 2];
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/CUT"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(cut.to_owned(), "application/json"))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/HTML"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/warehouses"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(r#"{"data":[{"code":"BERGEN-NJ-01","na"#, "application/json"),
        )
        .mount(&server)
        .await;
    let cloudx = client(&server);

    for id in ["CUT", "HTML"] {
        let error = cloudx
            .get_ticket(&TicketId::new(id))
            .await
            .expect_err("not JSON");
        assert!(error.is_decode(), "{id}: {error:?}");
        assert!(!error.is_retryable() && !error.is_transport(), "{id}");
        let Some(HttpError::Decode(decode)) = error.as_http() else {
            panic!("{id}: expected a decode error, got {error:?}");
        };
        assert!(!decode.path().is_empty(), "{id}");
        assert!(error.to_string().contains(decode.path()), "{id}: {error}");
    }
    let error = cloudx.list_warehouses().await.expect_err("cut off");
    assert!(error.is_decode(), "{error:?}");
    let Some(HttpError::Decode(decode)) = error.as_http() else {
        panic!("expected a decode error, got {error:?}");
    };
    assert!(
        decode.path().starts_with("data[0]"),
        "the path reaches where the body stops: {}",
        decode.path()
    );
}

#[tokio::test]
async fn wrong_or_refused_secret_is_unauthorized_on_every_call() {
    let server = server().await;
    for (status, route) in [
        (401, "/v1/warehouses"),
        (403, "/v1/receiving-tickets/WHRTN1"),
    ] {
        Mock::given(method("GET"))
            .and(path(route))
            .respond_with(json(
                status,
                json!({"errors": [{"code": 3, "severity": "Error", "message": "invalid client secret"}]}),
            ))
            .expect(1)
            .mount(&server)
            .await;
    }
    let cloudx = client(&server);

    let listing = cloudx.list_warehouses().await.expect_err("401");
    let fetching = cloudx
        .get_ticket(&TicketId::new("WHRTN1"))
        .await
        .expect_err("403");
    for error in [&listing, &fetching] {
        assert!(error.is_unauthorized(), "{error:?}");
        assert!(!error.is_not_found() && !error.is_retryable(), "{error:?}");
        assert_eq!(error.code(), Some(3), "CloudX's code is kept");
    }
}

#[tokio::test]
async fn error_predicates_cover_each_kind() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/GONE"))
        .respond_with(json(404, fixture!("error_404_ticket.json")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/receiving-tickets/BUSY"))
        .respond_with(ResponseTemplate::new(429))
        .mount(&server)
        .await;
    let cloudx = builder(&server)
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid configuration");

    let gone = cloudx
        .get_ticket(&TicketId::new("GONE"))
        .await
        .expect_err("404");
    assert!(gone.is_not_found() && !gone.is_unauthorized() && !gone.is_decode());
    assert_eq!(gone.code(), Some(41));

    let busy = cloudx
        .get_ticket(&TicketId::new("BUSY"))
        .await
        .expect_err("429");
    assert!(busy.is_rate_limited() && busy.is_retryable() && !busy.is_transport());

    let refused = CloudxClient::builder(SECRET)
        .base_url("http://127.0.0.1:9/v1")
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid configuration")
        .list_warehouses()
        .await
        .expect_err("nothing listens on port 9");
    assert!(
        refused.is_transport() && !refused.is_timeout(),
        "{refused:?}"
    );
}

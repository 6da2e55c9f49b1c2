//! How the client fails: auth, not found, validation, throttling, server
//! errors, HTML and truncated bodies. Tests that wait use paused time.

#[macro_use]
mod common;

use std::time::Duration;

use common::{builder, client, json, loop_mock, server};
use loop_client::http_transport::Error as HttpError;
use loop_client::{Error, ListReturnsQuery, RetryPolicy, ReturnId};
use wiremock::ResponseTemplate;

fn list() -> ListReturnsQuery {
    ListReturnsQuery::new()
}

#[tokio::test]
async fn unauthorized_says_bad_key_or_missing_scope() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .respond_with(json(401, fixture!("error_401.json")))
        .expect(1) // fatal: not retried
        .mount(&server)
        .await;

    let err = client(&server)
        .list_returns_page(&list())
        .await
        .unwrap_err();
    assert!(err.is_unauthorized());
    assert!(!err.is_retryable());
    assert!(!err.is_not_found() && !err.is_decode() && !err.is_transport());
    let text = err.to_string();
    assert!(text.contains("bad key or missing scope"), "{text}");
    assert!(text.contains("lacks this endpoint's scope"), "{text}");
    assert!(text.contains("GEN-UNAUTHORIZED"), "{text}");
}

#[tokio::test]
async fn a_wrong_key_is_what_loop_sees() {
    // Requests without the expected key fall through to the catch-all.
    let server = server().await;
    loop_mock("GET", "/webhooks")
        .respond_with(json(200, "[]"))
        .expect(0)
        .mount(&server)
        .await;

    let other = loop_client::LoopClient::builder("some-other-key")
        .base_url(format!("{}/api/v1", server.uri()))
        .timeouts(loop_client::Timeouts::none())
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    let err = other.list_webhooks().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(599));
}

#[tokio::test]
async fn not_found_is_recognisable() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/details")
        .respond_with(json(404, r#"{"errors":{"code":"NOT_FOUND"}}"#))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .get_return(&ReturnId::from(1).into(), None)
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}

#[tokio::test]
async fn validation_422_names_the_parameter() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .respond_with(json(422, fixture!("error_422_validation.json")))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .list_returns_page(&list())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(422));
    let Error::Http(http) = &err else {
        panic!("a list failure is an HTTP error, got {err:?}")
    };
    assert_eq!(
        http.message(),
        Some("state: The selected state is invalid.")
    );
}

#[tokio::test(start_paused = true)]
async fn throttled_calls_are_retried_after_backoff() {
    // Loop documents no Retry-After: the transport backs off with jitter.
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .respond_with(ResponseTemplate::new(429))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    loop_mock("GET", "/warehouse/return/list")
        .respond_with(json(200, fixture!("returns_page_3.json")))
        .expect(1)
        .mount(&server)
        .await;

    let page = client(&server).list_returns_page(&list()).await.unwrap();
    assert_eq!(page.returns.len(), 1);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_header_is_honoured_if_loop_ever_sends_one() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "7"))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    loop_mock("GET", "/warehouse/return/list")
        .respond_with(json(200, fixture!("returns_page_3.json")))
        .expect(1)
        .mount(&server)
        .await;

    let started = tokio::time::Instant::now();
    client(&server).list_returns_page(&list()).await.unwrap();
    // Two waits of 7 s each, on the paused clock.
    assert!(
        started.elapsed() >= std::time::Duration::from_secs(14),
        "{:?}",
        started.elapsed()
    );
}

/// Throttles do not use up attempts (a per-minute window may need a whole
/// minute); the policy's time budget ends them.
#[tokio::test(start_paused = true)]
async fn throttling_that_never_ends_surfaces_as_rate_limited_at_the_time_budget() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .respond_with(ResponseTemplate::new(429).insert_header("Retry-After", "2"))
        .expect(4) // at 0, 2, 4 and 6 s; one more at 8 s would overrun 7 s
        .mount(&server)
        .await;

    let err = builder(&server)
        .retry_policy(RetryPolicy::default().with_max_elapsed(Duration::from_secs(7)))
        .build()
        .unwrap()
        .list_returns_page(&list())
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert!(err.is_retryable());
}

#[tokio::test(start_paused = true)]
async fn a_burst_of_500s_is_ridden_out_on_idempotent_calls() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/40211877/notes")
        .respond_with(ResponseTemplate::new(500))
        .up_to_n_times(3)
        .expect(3)
        .mount(&server)
        .await;
    loop_mock("GET", "/warehouse/return/40211877/notes")
        .respond_with(json(200, fixture!("notes.json")))
        .expect(1)
        .mount(&server)
        .await;

    let notes = client(&server)
        .return_notes(&ReturnId::from(40_211_877))
        .await
        .unwrap();
    assert_eq!(notes.len(), 2);
}

#[tokio::test(start_paused = true)]
async fn process_is_retried_after_a_503_because_a_repeat_is_harmless() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/40211877/process")
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    loop_mock("POST", "/warehouse/return/40211877/process")
        .respond_with(json(200, "\"true\""))
        .expect(1)
        .mount(&server)
        .await;

    client(&server)
        .process_return(&ReturnId::from(40_211_877), None)
        .await
        .unwrap();
}

#[tokio::test(start_paused = true)]
async fn create_note_is_not_retried_after_a_500() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/40211877/note")
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .create_note(&ReturnId::from(40_211_877), "hello")
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
}

#[tokio::test(start_paused = true)]
async fn an_html_error_page_keeps_an_excerpt() {
    let server = server().await;
    loop_mock("GET", "/warehouse/reporting/asn")
        .respond_with(ResponseTemplate::new(502).set_body_raw(
            fixture!("gateway_502.html").as_bytes().to_vec(),
            "text/html",
        ))
        .expect(4)
        .mount(&server)
        .await;

    let now = time::OffsetDateTime::UNIX_EPOCH;
    let err = client(&server).asn_report(now, now).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(502));
    let Error::Http(http) = &err else {
        panic!("expected an HTTP error, got {err:?}")
    };
    assert!(http.body_excerpt().unwrap().contains("502 Bad Gateway"));
}

#[tokio::test]
async fn an_html_page_with_status_200_is_a_decode_error() {
    let server = server().await;
    loop_mock("GET", "/webhooks")
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            fixture!("gateway_502.html").as_bytes().to_vec(),
            "text/html",
        ))
        .mount(&server)
        .await;

    let err = client(&server).list_webhooks().await.unwrap_err();
    let Error::Http(loop_client_http) = &err else {
        panic!("expected an HTTP error, got {err:?}")
    };
    assert!(matches!(loop_client_http, HttpError::Decode(_)));
    assert!(err.is_decode());
}

#[tokio::test]
async fn truncated_json_is_a_decode_error_naming_the_path() {
    let server = server().await;
    // A body cut short is fetched again (a GET repeats harmlessly), up to
    // the policy's four attempts; cut every time, it is a decode error.
    loop_mock("GET", "/warehouse/return/list")
        .respond_with(json(200, fixture!("truncated.json")))
        .expect(4)
        .mount(&server)
        .await;

    let err = client(&server)
        .list_returns_page(&list())
        .await
        .unwrap_err();
    let Error::Http(HttpError::Decode(decode)) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert!(decode.path().starts_with("returns[0]"), "{}", decode.path());
    assert!(err.is_decode());
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn a_wrong_type_names_its_json_path() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .respond_with(json(
            200,
            r#"{"returns":[{"id":"1"},{"id":"2","total":{"amount":"1.00"}}],"nextPageUrl":null}"#,
        ))
        .mount(&server)
        .await;

    let err = client(&server)
        .list_returns_page(&list())
        .await
        .unwrap_err();
    let Error::Http(HttpError::Decode(decode)) = &err else {
        panic!("expected a decode error, got {err:?}")
    };
    assert_eq!(decode.path(), "returns[1].total");
}

#[tokio::test]
async fn retry_policy_none_makes_a_single_attempt() {
    let server = server().await;
    loop_mock("GET", "/webhooks")
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;

    let client = builder(&server)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap();
    assert!(client.list_webhooks().await.unwrap_err().is_retryable());
}

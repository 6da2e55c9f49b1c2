//! The surface shared with the other clients: typed auth
//! failures, error predicates, decode errors on 2xx, the connection test, the
//! raw escape hatch and webhook deduplication.

#[macro_use]
mod common;

use std::time::Duration;

use common::{KEY, builder, client, json, loop_mock, server};
use loop_client::http_transport::Request;
use loop_client::webhook::{Deduplicator, parse_event};
use loop_client::{
    ConfigError, Error, LoopClient, RetryPolicy, ReturnId, ScopeAccess, Timeouts,
    WebhookSubscription, WebhookTopic, WebhookTrigger,
};
use wiremock::ResponseTemplate;

#[test]
fn an_empty_or_blank_key_is_refused_by_build_naming_the_setting() {
    for key in ["", "   ", "\t\n"] {
        let err = LoopClient::builder(key).build().unwrap_err();
        assert!(
            matches!(err, Error::Config(ConfigError::Missing("api_key"))),
            "{err:?}"
        );
        assert!(err.to_string().contains("api_key"), "{err}");
    }
    assert!(LoopClient::builder(KEY).build().is_ok());
}

#[tokio::test]
async fn a_cut_off_action_answer_is_a_decode_error_with_its_path() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/7/flag")
        .respond_with(json(200, r#"{"errors":{"code":"UNPROCESS"#))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .flag_return(&ReturnId::from(7))
        .await
        .unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    let decode = match err.as_http() {
        Some(loop_client::HttpError::Decode(decode)) => decode,
        other => panic!("expected a decode error, got {other:?}"),
    };
    assert_eq!(decode.path(), "errors.code");
    assert!(err.to_string().contains("`errors.code`"), "{err}");
    assert!(!err.is_retryable());
}

#[tokio::test]
async fn an_html_action_answer_is_a_decode_error_not_a_success_or_rejection() {
    let server = server().await;
    loop_mock("POST", "/warehouse/return/7/close")
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>maintenance</html>"))
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server)
        .close_return(&ReturnId::from(7))
        .await
        .unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert!(matches!(err, Error::Http(_)), "{err:?}");
    assert!(err.to_string().contains("at `.`"), "{err}");
}

#[tokio::test]
async fn a_cut_off_webhook_update_echo_is_a_decode_error_not_none() {
    let server = server().await;
    // PUT repeats harmlessly: the cut echo is fetched again, four times in all.
    loop_mock("PUT", "/webhooks/5")
        .respond_with(json(200, r#"{"id":5,"topic":"return","trig"#))
        .expect(4)
        .mount(&server)
        .await;

    let subscription = WebhookSubscription::new(
        WebhookTopic::Return,
        WebhookTrigger::ReturnClosed,
        "https://example.com/hooks/loop",
    );
    let err = client(&server)
        .update_webhook(&5.into(), &subscription)
        .await
        .unwrap_err();
    assert!(err.is_decode(), "{err:?}");
}

#[tokio::test]
async fn transport_failures_and_timeouts_are_recognisable() {
    // Nothing listens on a port that was bound and released.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let err = LoopClient::builder(KEY)
        .base_url(format!("{closed}/api/v1"))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .list_webhooks()
        .await
        .unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    assert!(err.is_retryable(), "{err:?}");
    assert!(!err.is_decode() && !err.is_unauthorized());

    let server = server().await;
    loop_mock("GET", "/webhooks")
        .respond_with(json(200, "[]").set_delay(Duration::from_secs(5)))
        .mount(&server)
        .await;
    let err = builder(&server)
        .timeouts(Timeouts::none().with_request(Duration::from_millis(100)))
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .list_webhooks()
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.is_transport(), "{err:?}");
}

fn unauthorized() -> ResponseTemplate {
    json(401, fixture!("error_401.json"))
}

#[tokio::test]
async fn check_connection_reports_each_probed_scope() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .and(wiremock::matchers::query_param("pageSize", "1"))
        .and(wiremock::matchers::query_param("paginate", "true"))
        .respond_with(json(200, r#"{"returns":[],"nextPageUrl":null}"#))
        .expect(1)
        .mount(&server)
        .await;
    loop_mock("GET", "/webhooks")
        .respond_with(unauthorized())
        .expect(1)
        .mount(&server)
        .await;

    let report = client(&server).check_connection().await.unwrap();
    assert_eq!(report.returns, ScopeAccess::Granted);
    assert_eq!(report.developer_tools, ScopeAccess::Refused);
    assert!(report.problems.is_empty(), "{:?}", report.problems);
    assert!(report.base_url.ends_with("/api/v1"), "{}", report.base_url);
    let shown = serde_json::to_value(&report).unwrap();
    assert_eq!(shown["returns"], "granted");
    assert_eq!(shown["developer_tools"], "refused");
}

#[tokio::test]
async fn check_connection_marks_a_failed_probe_unknown() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .respond_with(ResponseTemplate::new(500))
        .mount(&server)
        .await;
    loop_mock("GET", "/webhooks")
        .respond_with(json(200, "[]"))
        .expect(1)
        .mount(&server)
        .await;

    let report = builder(&server)
        .retry_policy(RetryPolicy::none())
        .build()
        .unwrap()
        .check_connection()
        .await
        .unwrap();
    assert_eq!(report.returns, ScopeAccess::Unknown);
    assert_eq!(report.developer_tools, ScopeAccess::Granted);
    assert_eq!(report.problems.len(), 1);
    assert!(report.problems[0].contains("500"), "{:?}", report.problems);
}

#[tokio::test]
async fn check_connection_with_a_bad_key_is_unauthorized() {
    let server = server().await;
    loop_mock("GET", "/warehouse/return/list")
        .respond_with(unauthorized())
        .expect(1)
        .mount(&server)
        .await;
    loop_mock("GET", "/webhooks")
        .respond_with(unauthorized())
        .expect(1)
        .mount(&server)
        .await;

    let err = client(&server).check_connection().await.unwrap_err();
    assert!(err.is_unauthorized(), "{err:?}");
    assert!(
        err.to_string().contains("bad key or missing scope"),
        "{err}"
    );
}

#[tokio::test]
async fn send_raw_goes_through_auth_and_classifier_and_decodes_json() {
    let server = server().await;
    loop_mock("GET", "/locations")
        .respond_with(json(200, r#"{"data":[{"id":3}]}"#))
        .expect(1)
        .mount(&server)
        .await;
    loop_mock("GET", "/locations/9")
        .respond_with(json(404, r#"{"errors":{"code":"NOT_FOUND"}}"#))
        .expect(1)
        .mount(&server)
        .await;

    let client = client(&server);
    let value = client
        .send_raw(Request::get("/locations").operation("list_locations"))
        .await
        .unwrap();
    assert_eq!(value["data"][0]["id"], 3);

    let err = client
        .send_raw(
            Request::get("/locations/{id}")
                .operation("get_location")
                .path_param(9),
        )
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.code(), Some(loop_client::ErrorCode::NotFound));
}

#[test]
fn a_redelivered_webhook_is_recognised_and_a_new_update_is_not() {
    let dedup = Deduplicator::default();
    let first = br#"{"topic":"return","trigger":"return.updated","id":40211877,"state":"open","updated_at":"2026-01-05T10:00:00Z"}"#;
    // Loop's retry of the same delivery, re-serialised with another key order.
    let retry = br#"{"updated_at":"2026-01-05T10:00:00Z","state":"open","id":"40211877","trigger":"return.updated","topic":"return"}"#;
    let later = br#"{"topic":"return","trigger":"return.updated","id":40211877,"state":"open","updated_at":"2026-01-05T11:30:00Z"}"#;

    assert!(dedup.first_seen(&parse_event(first).unwrap()));
    assert!(!dedup.first_seen(&parse_event(retry).unwrap()));
    assert!(dedup.first_seen(&parse_event(later).unwrap()));
    assert_eq!(dedup.len(), 2);
}

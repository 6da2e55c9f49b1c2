//! Client configuration: base URL and version segment, headers, injected
//! HTTP client, and secrets kept out of `Debug`.

mod common;

use common::{KEY, builder, json, server};
use loop_client::{ApiVersion, LoopClient, RateLimit, Timeouts};
use wiremock::Mock;
use wiremock::matchers::{header, method, path};

#[tokio::test]
async fn every_request_carries_the_raw_key_and_a_user_agent() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks"))
        .and(header("X-Authorization", KEY))
        .and(header(
            "user-agent",
            concat!("loop-client/", env!("CARGO_PKG_VERSION")),
        ))
        .respond_with(json(200, "[]"))
        .expect(1)
        .mount(&server)
        .await;

    assert!(
        builder(&server)
            .build()
            .unwrap()
            .list_webhooks()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_dated_version_replaces_the_version_segment() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/2026-10/webhooks"))
        .respond_with(json(200, "[]"))
        .expect(1)
        .mount(&server)
        .await;

    let client = builder(&server)
        .api_version("2026-10".parse::<ApiVersion>().unwrap())
        .build()
        .unwrap();
    client.list_webhooks().await.unwrap();
}

#[tokio::test]
async fn an_injected_reqwest_client_is_used() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/webhooks"))
        .and(header("x-proxy-tag", "injected"))
        .respond_with(json(200, "[]"))
        .expect(1)
        .mount(&server)
        .await;

    let mut headers = reqwest::header::HeaderMap::new();
    headers.insert("x-proxy-tag", "injected".parse().unwrap());
    let http = reqwest::Client::builder()
        .default_headers(headers)
        .build()
        .unwrap();
    let client = builder(&server)
        .http_client(http)
        .rate_limit(RateLimit::Unlimited)
        .build()
        .unwrap();
    client.list_webhooks().await.unwrap();
}

#[test]
fn debug_output_never_shows_the_key() {
    let client = LoopClient::builder("sk_live_supersecret")
        .timeouts(Timeouts::none())
        .build()
        .unwrap();
    let shown = format!("{client:?}");
    assert!(!shown.contains("sk_live_supersecret"), "{shown}");
    let builder = LoopClient::builder("sk_live_supersecret");
    assert!(!format!("{builder:?}").contains("sk_live_supersecret"));
}

#[test]
fn an_invalid_base_url_is_a_config_error() {
    let err = LoopClient::builder(KEY)
        .base_url("not a url")
        .build()
        .unwrap_err();
    assert!(matches!(err, loop_client::Error::Config(_)), "{err}");
}

#[test]
fn a_key_that_is_not_a_header_value_is_a_config_error() {
    let err = LoopClient::builder("bad\nkey").build().unwrap_err();
    assert!(matches!(err, loop_client::Error::Config(_)), "{err}");
    assert!(!err.to_string().contains("bad\nkey"));
}

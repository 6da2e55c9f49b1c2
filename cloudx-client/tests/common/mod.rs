//! Shared wiremock kit: a client aimed at a mock server, fixtures, and a
//! catch-all that makes an unexpected request fail loudly.

#![allow(dead_code)] // each test binary uses a different part of the kit

use cloudx_client::transport::{RateLimit, Timeouts};
use cloudx_client::{CloudxClient, CloudxClientBuilder};
use serde_json::Value;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The client secret every mock expects as a bearer token.
pub const SECRET: &str = "cx-secret-7f3a9d";

/// Reads `tests/fixtures/<name>` as JSON.
macro_rules! fixture {
    ($name:literal) => {
        serde_json::from_str::<serde_json::Value>(include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/",
            $name
        )))
        .expect(concat!("fixture ", $name, " is JSON"))
    };
}
pub(crate) use fixture;

/// A mock server whose unmatched requests get a 418 naming the request, so a
/// wrong path, query or missing bearer token shows up in the failure.
pub async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Unexpected)
        .with_priority(u8::MAX)
        .named("catch-all: no mock matched")
        .mount(&server)
        .await;
    server
}

struct Unexpected;

impl Respond for Unexpected {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let has_bearer = request
            .headers
            .get("authorization")
            .is_some_and(|v| v.as_bytes() == format!("Bearer {SECRET}").as_bytes());
        ResponseTemplate::new(418).set_body_json(serde_json::json!({
            "errors": [{
                "code": 0,
                "severity": "Test",
                "message": format!(
                    "unexpected request {} {} (bearer ok: {has_bearer})",
                    request.method,
                    request.url
                ),
            }]
        }))
    }
}

/// A builder aimed at `server`'s `/v1`, safe under paused time: no timeouts,
/// no client-side rate limit, and an HTTP client without the connection
/// pool's idle timer (paused time would otherwise jump to that timer while a
/// socket is busy and eat the retry policy's time budget).
pub fn builder(server: &MockServer) -> CloudxClientBuilder {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("plain HTTP client");
    CloudxClient::builder(SECRET)
        .base_url(format!("{}/v1", server.uri()))
        .timeouts(Timeouts::none())
        .rate_limit(RateLimit::Unlimited)
        .http_client(http)
}

/// The default test client for `server`.
pub fn client(server: &MockServer) -> CloudxClient {
    builder(server).build().expect("valid test configuration")
}

/// A JSON response with `status` and `body`.
pub fn json(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

/// A one-ticket search result page.
pub fn page_of(tickets: Vec<Value>) -> Value {
    serde_json::json!({"data": tickets, "page": 1, "per_page": 50, "next_page": null})
}

/// How many requests with `method` and `path` the server saw.
pub async fn count(server: &MockServer, method: &str, path: &str) -> usize {
    server
        .received_requests()
        .await
        .expect("request recording is on")
        .iter()
        .filter(|r| r.method.as_str() == method && r.url.path() == path)
        .count()
}

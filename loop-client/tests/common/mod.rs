//! Shared wiremock kit: one server per test, a client aimed at it, fixtures,
//! and a catch-all that names unexpected requests.

#![allow(dead_code)] // each test binary uses a different subset

use loop_client::{LoopClient, LoopClientBuilder, Timeouts};
use wiremock::matchers::header;
use wiremock::{Mock, MockBuilder, MockServer, ResponseTemplate};

/// The API key every test client sends.
pub const KEY: &str = "test-loop-key";

/// A fixture's text, compiled into the test binary.
#[macro_export]
macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/",
            $name
        ))
    };
}

/// A mock server with a lowest-priority catch-all answering 599 and naming
/// the request, so an unmatched request fails loudly instead of as a 404.
pub async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(|request: &wiremock::Request| {
            ResponseTemplate::new(599).set_body_string(format!(
                "no mock matched {} {}",
                request.method, request.url
            ))
        })
        .with_priority(u8::MAX)
        .mount(&server)
        .await;
    server
}

/// A builder aimed at the server's `/api/v1`, without any timer that paused
/// time could fire while a socket is in flight: no request timeouts, and a
/// connection pool without idle timeout (auto-advancing paused time would
/// otherwise jump to the pool's 90 s idle timer during a slow exchange and
/// eat the retry policy's time budget).
pub fn builder(server: &MockServer) -> LoopClientBuilder {
    let http = reqwest::Client::builder()
        .pool_idle_timeout(None)
        .build()
        .expect("reqwest client builds");
    LoopClient::builder(KEY)
        .base_url(format!("{}/api/v1", server.uri()))
        .timeouts(Timeouts::none())
        .http_client(http)
}

/// The default test client.
pub fn client(server: &MockServer) -> LoopClient {
    builder(server).build().expect("client builds")
}

/// A mock for `method` on `/api/v1{path}` that requires the API key header.
pub fn loop_mock(method: &str, path: &str) -> MockBuilder {
    Mock::given(wiremock::matchers::method(method))
        .and(wiremock::matchers::path(format!("/api/v1{path}")))
        .and(header("X-Authorization", KEY))
}

/// A JSON answer with the fixture's text as body.
pub fn json(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "application/json")
}

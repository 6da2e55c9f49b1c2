//! A vendor answering more than the client reads: a typed error, not a
//! service out of memory.

mod common;

use cartrover_client::prelude::*;
use cartrover_client::{CartClient, Timeouts};
use common::{KEY, USER, http};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn an_answer_over_max_response_bytes_is_too_large() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string(format!(
                    r#"{{"success_code": true, "response": {{"padding": "{}"}}}}"#,
                    "x".repeat(8192)
                )),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = CartClient::builder(USER, KEY)
        .base_url(server.uri())
        .timeouts(Timeouts::none())
        .http_client(http())
        .max_response_bytes(4096)
        .build()
        .unwrap()
        .order_status(&"BL-1".into())
        .await
        .unwrap_err();
    assert!(error.is_too_large(), "{error:?}");
    assert!(!error.is_retryable());
}

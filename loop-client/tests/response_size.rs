//! A vendor answering more than the client reads: a typed error, not a
//! service out of memory.

mod common;

use common::{builder, server};
use loop_client::ReturnId;
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn an_answer_over_max_response_bytes_is_too_large() {
    let server = server().await;
    Mock::given(wiremock::matchers::method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string(format!(r#"{{"id": 1, "padding": "{}"}}"#, "x".repeat(8192))),
        )
        .expect(1)
        .mount(&server)
        .await;
    let error = builder(&server)
        .max_response_bytes(4096)
        .build()
        .unwrap()
        .get_return(&ReturnId::from(1).into(), None)
        .await
        .unwrap_err();
    assert!(error.is_too_large(), "{error:?}");
    assert!(!error.is_retryable());
}

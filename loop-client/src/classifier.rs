//! Loop's rules for reading error answers, plugged into the transport.
//!
//! HTTP semantics come from [`DefaultClassifier`] (5xx retryable, 429 a
//! throttle, `Retry-After` honoured when present — Loop documents none). On
//! top of it this classifier reads Loop's own error-body shapes for the code
//! and message, and says plainly that a 401 may mean a missing scope.
//!
//! 2xx answers are left alone: the only endpoints that put errors in a 200 are
//! the return actions, and they read their bodies themselves (success is
//! `"true"`), so a Return object is never mistaken for an error.

use http_transport::{Classification, Classifier, DefaultClassifier, ResponseParts};

use crate::error_body;

/// Message of a 401, whatever Loop's body says.
pub(crate) const UNAUTHORIZED_HINT: &str = "bad key or missing scope: the API key is invalid, or it lacks this endpoint's scope (Loop answers 401 for both)";

/// The classifier every [`LoopClient`](crate::LoopClient) transport uses.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoopClassifier;

impl Classifier for LoopClassifier {
    fn classify(&self, response: &ResponseParts<'_>) -> Classification {
        let mut failure = match DefaultClassifier.classify(response) {
            Classification::Failure(failure) => failure,
            success => return success,
        };
        if let Some(body) = error_body::parse(response.body) {
            failure.code = body.code.or(failure.code);
            failure.message = body.message.or(failure.message);
        }
        if response.status.as_u16() == 401 {
            failure.message = Some(match failure.message.take() {
                Some(vendor) => format!("{UNAUTHORIZED_HINT}: {vendor}"),
                None => UNAUTHORIZED_HINT.to_owned(),
            });
        }
        Classification::Failure(failure)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_transport::RetryClass;
    use reqwest::StatusCode;
    use reqwest::header::HeaderMap;

    fn classify(status: u16, body: &str) -> Classification {
        let headers = HeaderMap::new();
        let parts = ResponseParts::new(
            StatusCode::from_u16(status).unwrap(),
            &headers,
            body.as_bytes(),
        );
        LoopClassifier.classify(&parts)
    }

    #[test]
    fn success_bodies_are_left_to_the_caller() {
        assert_eq!(
            classify(200, r#"{"errors":{"code":"UNPROCESSABLE_RETURN"}}"#),
            Classification::Success
        );
    }

    #[test]
    fn loop_error_shapes_give_code_and_message() {
        let Classification::Failure(failure) = classify(404, r#"{"errors":{"code":"NOT_FOUND"}}"#)
        else {
            panic!("404 must fail")
        };
        assert_eq!(failure.code.as_deref(), Some("NOT_FOUND"));
        assert_eq!(failure.retry, RetryClass::Fatal);
    }

    #[test]
    fn unauthorized_says_key_or_scope() {
        let Classification::Failure(failure) = classify(
            401,
            r#"{"error":{"code":"401","http_code":"GEN-UNAUTHORIZED","message":"Unauthorized."}}"#,
        ) else {
            panic!("401 must fail")
        };
        assert_eq!(failure.code.as_deref(), Some("GEN-UNAUTHORIZED"));
        let message = failure.message.unwrap();
        assert!(message.starts_with("bad key or missing scope"), "{message}");
        assert!(message.contains("lacks this endpoint's scope"), "{message}");
        assert!(message.ends_with("Unauthorized."), "{message}");
    }

    #[test]
    fn throttles_and_server_errors_keep_their_retry_class() {
        let Classification::Failure(throttle) = classify(429, "") else {
            panic!("429 must fail")
        };
        assert_eq!(throttle.retry, RetryClass::Throttle);
        let Classification::Failure(server) = classify(502, "<html>Bad Gateway</html>") else {
            panic!("502 must fail")
        };
        assert_eq!(server.retry, RetryClass::Retryable);
        assert_eq!(server.message, None);
    }
}

//! Tells CartRover's successes from its errors before the body is decoded
//! (spec §2.3, §3 "Errors on HTTP 200").
//!
//! CartRover answers errors with HTTP 200 and `success_code: false`; the
//! official PHP client also treats a missing `success_code` and any status
//! above 400 as errors. `RateLimit` is a throttle: the transport waits and
//! retries it. `Invalid` and `Failure` are final (`Failure` may mean the write
//! already happened, e.g. a duplicate order).

use http_transport::{
    ApiFailure, Classification, Classifier, DefaultClassifier, ResponseParts, RetryClass,
};

use crate::envelope::{EnvelopeHead, ErrorCode};

/// The CartRover rules, plugged into the transport.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CartRoverClassifier;

impl Classifier for CartRoverClassifier {
    fn classify(&self, response: &ResponseParts<'_>) -> Classification {
        let head = EnvelopeHead::parse(response.body);
        if !response.status.is_success() {
            // HTTP semantics decide the retry class; the envelope, when there is
            // one, supplies CartRover's code and message.
            let failure = match DefaultClassifier.classify(response) {
                Classification::Failure(failure) => failure,
                _ => ApiFailure::new(RetryClass::Fatal),
            };
            return Classification::Failure(match head {
                Some(head) => enrich(failure, head),
                None => failure,
            });
        }
        match head {
            Some(EnvelopeHead {
                success_code: Some(true),
                ..
            }) => Classification::Success,
            Some(head) if head.success_code == Some(false) => {
                Classification::Failure(enrich(ApiFailure::new(RetryClass::Fatal), head))
            }
            Some(_) => Classification::Failure(
                ApiFailure::new(RetryClass::Fatal).message("answer without `success_code`"),
            ),
            // Not JSON at all, or cut off: let the typed decode report it as a
            // decode error naming the JSON path (it is not CartRover saying no).
            None if serde_json::from_slice::<serde::de::IgnoredAny>(response.body).is_err() => {
                Classification::Success
            }
            None => Classification::Failure(
                ApiFailure::new(RetryClass::Fatal).message("answer is not a JSON envelope"),
            ),
        }
    }
}

/// Adds the envelope's code and message; `RateLimit` becomes a throttle.
/// Its wait is left to the transport (a `Retry-After` if the server sent
/// one, else the configured bucket's refill period, growing if throttles
/// repeat), so a client configured with another bucket waits by its own.
fn enrich(mut failure: ApiFailure, head: EnvelopeHead) -> ApiFailure {
    if head.code() == Some(ErrorCode::RateLimit) {
        failure.retry = RetryClass::Throttle;
    }
    if let Some(code) = head.error_code {
        failure.code = Some(code);
    }
    if let Some(message) = head.message {
        failure.message = Some(message);
    }
    failure
}

#[cfg(test)]
mod tests {
    use super::*;
    use http_transport::StatusCode;
    use http_transport::header::HeaderMap;

    fn classify(status: u16, body: &str) -> Classification {
        let headers = HeaderMap::new();
        let parts = ResponseParts::new(
            StatusCode::from_u16(status).unwrap(),
            &headers,
            body.as_bytes(),
        );
        CartRoverClassifier.classify(&parts)
    }

    fn failure(status: u16, body: &str) -> ApiFailure {
        match classify(status, body) {
            Classification::Failure(f) => f,
            other => panic!("{status} {body}: expected a failure, got {other:?}"),
        }
    }

    #[test]
    fn success_code_true_is_success_whatever_else_the_body_holds() {
        assert_eq!(
            classify(200, r#"{"success_code": true}"#),
            Classification::Success
        );
        assert_eq!(
            classify(200, r#"{"success_code": true, "response": []}"#),
            Classification::Success
        );
    }

    #[test]
    fn envelope_errors_on_200_are_typed_by_error_code() {
        let table = [
            ("Invalid", RetryClass::Fatal, None),
            ("Failure", RetryClass::Fatal, None),
            ("RateLimit", RetryClass::Throttle, None),
            ("Maintenance", RetryClass::Fatal, None),
        ];
        for (code, retry, after) in table {
            let body =
                format!(r#"{{"success_code": false, "error_code": "{code}", "message": "m"}}"#);
            let f = failure(200, &body);
            assert_eq!(f.code.as_deref(), Some(code));
            assert_eq!(f.message.as_deref(), Some("m"));
            assert_eq!(f.retry, retry, "{code}");
            assert_eq!(f.retry_after, after, "{code}");
        }
    }

    #[test]
    fn legacy_status_message_is_the_message() {
        let f = failure(
            200,
            r#"{"success_code": false, "error_code": "Invalid", "status_message": "Bad SKU"}"#,
        );
        assert_eq!(f.message.as_deref(), Some("Bad SKU"));
    }

    #[test]
    fn a_missing_success_code_or_a_json_non_envelope_200_is_an_error() {
        assert_eq!(failure(200, r#"{"response": []}"#).retry, RetryClass::Fatal);
        assert_eq!(failure(200, "42").retry, RetryClass::Fatal);
    }

    #[test]
    fn a_2xx_body_that_is_not_json_or_cut_off_is_left_to_the_decoder() {
        // The typed decode then fails with the JSON path (a decode error), not
        // an API error.
        for body in [
            "<html>oops</html>",
            "",
            r#"{"success_code": true, "response": [{"sku": "A"#,
        ] {
            assert_eq!(classify(200, body), Classification::Success, "{body}");
        }
    }

    #[test]
    fn non_2xx_keeps_http_retry_classes_and_reads_an_envelope_if_any() {
        let unauthorized = failure(
            401,
            r#"{"success_code": false, "error_code": "Invalid", "message": "Bad key"}"#,
        );
        assert_eq!(unauthorized.retry, RetryClass::Fatal);
        assert_eq!(unauthorized.code.as_deref(), Some("Invalid"));
        assert_eq!(unauthorized.message.as_deref(), Some("Bad key"));
        assert_eq!(
            failure(502, "<html>502 Bad Gateway</html>").retry,
            RetryClass::Retryable
        );
        assert_eq!(failure(429, "").retry, RetryClass::Throttle);
        // Even a success envelope on a 500 is an error (the PHP client's rule).
        assert_eq!(
            failure(500, r#"{"success_code": true}"#).retry,
            RetryClass::Retryable
        );
    }
}

//! CartRover's `success_code` envelope (spec §2.2).
//!
//! Every answer is `{"success_code": bool, "response": …}` on success and
//! `{"success_code": false, "error_code": …, "message": …}` on error, usually
//! with HTTP 200. The classifier reads the head of the envelope before the
//! body is decoded; the typed decode then reads [`Envelope`].

use serde::Deserialize;

use crate::lenient;

http_transport::open_enum! {
    /// The envelope's `error_code` (spec §2.2).
    pub enum ErrorCode {
        /// Invalid or missing data was submitted. Final.
        Invalid = "Invalid",
        /// A hard error, e.g. a duplicate order. Final: the write may already
        /// have happened, so it is never retried.
        Failure = "Failure",
        /// Over the API limit ("Over API Limit. Please slow down requests.").
        /// The client waits and retries.
        RateLimit = "RateLimit",
    }
}

/// The envelope fields that decide success, read from any body.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct EnvelopeHead {
    /// `true`, `false`, or absent. PHP truthiness is accepted (`1`, `"1"`).
    #[serde(default, deserialize_with = "lenient::yes_no::deserialize")]
    pub(crate) success_code: Option<bool>,
    #[serde(default, deserialize_with = "lenient::string::deserialize")]
    pub(crate) error_code: Option<String>,
    /// The message; the legacy docs call it `status_message`.
    #[serde(default, alias = "status_message")]
    pub(crate) message: Option<String>,
    /// Extra error detail read by the official PHP client (observed only).
    #[serde(default)]
    pub(crate) error_response: Option<serde_json::Value>,
}

impl EnvelopeHead {
    /// The head of a JSON object body; `None` when the body is not a JSON object.
    pub(crate) fn parse(body: &[u8]) -> Option<Self> {
        serde_json::from_slice(body).ok()
    }

    /// The typed error code, if any.
    pub(crate) fn code(&self) -> Option<ErrorCode> {
        self.error_code.as_deref().map(ErrorCode::parse)
    }
}

/// A successful envelope with its `response` member (absent on E1, E7, E15).
#[derive(Debug, Deserialize)]
#[serde(bound(deserialize = "T: Deserialize<'de>"))]
pub(crate) struct Envelope<T> {
    #[serde(default = "Option::default")]
    pub(crate) response: Option<T>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_read_message_or_status_message_and_keep_error_response() {
        let head = EnvelopeHead::parse(
            br#"{"success_code": false, "error_code": "RateLimit",
                 "message": "Over API Limit. Please slow down requests."}"#,
        )
        .unwrap();
        assert_eq!(head.success_code, Some(false));
        assert_eq!(head.code(), Some(ErrorCode::RateLimit));
        assert_eq!(
            head.message.as_deref(),
            Some("Over API Limit. Please slow down requests.")
        );

        let legacy = EnvelopeHead::parse(
            br#"{"success_code": false, "error_code": "Invalid", "status_message": "Bad SKU",
                 "error_response": {"field": "sku"}}"#,
        )
        .unwrap();
        assert_eq!(legacy.message.as_deref(), Some("Bad SKU"));
        assert_eq!(
            legacy.error_response,
            Some(serde_json::json!({"field": "sku"}))
        );
    }

    #[test]
    fn missing_success_code_and_unknown_codes_are_kept_as_such() {
        let head = EnvelopeHead::parse(br#"{"response": []}"#).unwrap();
        assert_eq!(head.success_code, None);
        let odd =
            EnvelopeHead::parse(br#"{"success_code": 0, "error_code": "Maintenance"}"#).unwrap();
        assert_eq!(odd.success_code, Some(false));
        assert_eq!(odd.code(), Some(ErrorCode::Unknown("Maintenance".into())));
        assert!(EnvelopeHead::parse(b"<html>502 Bad Gateway</html>").is_none());
    }

    #[test]
    fn the_response_member_is_optional() {
        let with: Envelope<Vec<u32>> =
            serde_json::from_str(r#"{"success_code": true, "response": [1]}"#).unwrap();
        assert_eq!(with.response, Some(vec![1]));
        let without: Envelope<Vec<u32>> =
            serde_json::from_str(r#"{"success_code": true}"#).unwrap();
        assert_eq!(without.response, None);
    }
}

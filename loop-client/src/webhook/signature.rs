//! Verifying that a webhook delivery comes from Loop.
//!
//! Loop signs each delivery with `base64(HMAC-SHA256(secret, body))` in the
//! [`X-Loop-Signature`](SIGNATURE_HEADER) header; the secret is shown next to
//! the subscription on Loop's Developer Tools page. The signature covers the
//! **exact bytes received**: verify the raw body before parsing it, never a
//! re-serialized copy (re-encoding changes whitespace, key order and escaping
//! — Loop's docs warn about escaped slashes — and the signature no longer
//! matches). Loop signs no timestamp, so there is no replay window to check;
//! deduplicate deliveries instead.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The header carrying the signature.
pub const SIGNATURE_HEADER: &str = "X-Loop-Signature";

/// Why a delivery failed verification. Answer such a delivery with 401 and do
/// not act on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SignatureError {
    /// The request carried no `X-Loop-Signature` header (or an empty one).
    #[error("missing X-Loop-Signature header")]
    MissingHeader,
    /// The header is not base64 of a 32-byte HMAC-SHA256.
    #[error("X-Loop-Signature is not a base64 HMAC-SHA256 value")]
    Malformed,
    /// The signature does not match the body and secret: the body was altered,
    /// re-serialized, or signed with another secret.
    #[error("X-Loop-Signature does not match the body")]
    Mismatch,
    /// The configured secret is empty, which is always a configuration mistake.
    #[error("webhook secret is empty")]
    EmptySecret,
}

/// Checks a delivery's signature.
///
/// `body` is the raw request body exactly as received, `signature` the value
/// of the [`SIGNATURE_HEADER`] header (`None` when absent) and `secret` the
/// subscription's secret. The comparison runs in constant time.
///
/// # Errors
///
/// [`SignatureError`] saying why the delivery must be rejected.
///
/// # Example
///
/// ```
/// use loop_client::webhook::{sign, verify_signature};
///
/// let body = br#"{"topic":"return","trigger":"return.created","id":1}"#;
/// let header = sign(body, b"whsec");
/// assert!(verify_signature(body, Some(&header), b"whsec").is_ok());
/// assert!(verify_signature(body, Some(&header), b"other").is_err());
/// ```
pub fn verify_signature(
    body: &[u8],
    signature: Option<&str>,
    secret: impl AsRef<[u8]>,
) -> Result<(), SignatureError> {
    let secret = secret.as_ref();
    if secret.is_empty() {
        return Err(SignatureError::EmptySecret);
    }
    let signature = signature
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .ok_or(SignatureError::MissingHeader)?;
    let expected = STANDARD
        .decode(signature)
        .map_err(|_| SignatureError::Malformed)?;
    if expected.len() != 32 {
        return Err(SignatureError::Malformed);
    }
    mac(body, secret)
        .verify_slice(&expected)
        .map_err(|_| SignatureError::Mismatch)
}

/// Signs a body the way Loop does, for tests of your webhook endpoint.
///
/// Returns the value to put in the [`SIGNATURE_HEADER`] header.
pub fn sign(body: &[u8], secret: impl AsRef<[u8]>) -> String {
    STANDARD.encode(mac(body, secret.as_ref()).finalize().into_bytes())
}

fn mac(body: &[u8], secret: &[u8]) -> HmacSha256 {
    // HMAC accepts keys of any length, so this never fails.
    let mut mac = <HmacSha256 as Mac>::new_from_slice(secret)
        .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
    mac.update(body);
    mac
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"loop-webhook-secret";
    const BODY: &[u8] = br#"{"topic":"return","trigger":"return.updated","id":40211877,"status_page_url":"https:\/\/shop.example\/r"}"#;

    #[test]
    fn matches_an_independently_computed_signature() {
        // HMAC-SHA256 test vector from RFC 4231, test case 2, base64-encoded.
        assert_eq!(
            sign(b"what do ya want for nothing?", b"Jefe"),
            "W9zBRr9gdU5qBCQmCJV1x1oAPwidJzmDnexYuWTsOEM="
        );
    }

    #[test]
    fn valid_signature_passes_even_with_surrounding_whitespace() {
        let header = format!(" {} ", sign(BODY, SECRET));
        assert_eq!(verify_signature(BODY, Some(&header), SECRET), Ok(()));
    }

    #[test]
    fn tampered_body_fails() {
        let header = sign(BODY, SECRET);
        let mut tampered = BODY.to_vec();
        tampered[40] ^= 1;
        assert_eq!(
            verify_signature(&tampered, Some(&header), SECRET),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn wrong_secret_fails() {
        let header = sign(BODY, b"another-secret");
        assert_eq!(
            verify_signature(BODY, Some(&header), SECRET),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn missing_or_empty_header_fails() {
        assert_eq!(
            verify_signature(BODY, None, SECRET),
            Err(SignatureError::MissingHeader)
        );
        assert_eq!(
            verify_signature(BODY, Some("  "), SECRET),
            Err(SignatureError::MissingHeader)
        );
    }

    #[test]
    fn malformed_header_fails() {
        assert_eq!(
            verify_signature(BODY, Some("not base64!"), SECRET),
            Err(SignatureError::Malformed)
        );
        assert_eq!(
            verify_signature(BODY, Some("c2hvcnQ="), SECRET),
            Err(SignatureError::Malformed)
        );
    }

    #[test]
    fn reserialized_body_fails() {
        let header = sign(BODY, SECRET);
        let value: serde_json::Value = serde_json::from_slice(BODY).unwrap();
        let reserialized = serde_json::to_vec(&value).unwrap();
        assert_ne!(reserialized, BODY, "re-encoding must change the bytes");
        assert_eq!(
            verify_signature(&reserialized, Some(&header), SECRET),
            Err(SignatureError::Mismatch)
        );
    }

    #[test]
    fn empty_secret_is_refused() {
        let header = sign(BODY, b"");
        assert_eq!(
            verify_signature(BODY, Some(&header), b""),
            Err(SignatureError::EmptySecret)
        );
    }
}

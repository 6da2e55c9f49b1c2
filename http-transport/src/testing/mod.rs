//! Test support for the crates built on this one (feature `testing`).
//!
//! - [`decode`] is the decoder [`Transport::execute`](crate::Transport::execute)
//!   runs on every success body, so a test can feed it bodies directly,
//!   without a server, and still test the path the clients take.
//! - [`json_mutation`] holds `proptest` strategies that turn valid JSON
//!   bodies (recorded fixtures, compiled in with [`fixture!`](crate::fixture))
//!   into hostile ones.
//! - [`CannedServer`] answers every request with one generated answer, to
//!   drive a whole client with them.
//!
//! Together they check the property "decoders never panic": whatever the
//! body, a decode returns the value or a typed error.
//!
//! Enable the feature in `[dev-dependencies]` only:
//!
//! ```toml
//! [dev-dependencies]
//! http-transport = { version = "0.1", features = ["testing"] }
//! ```
//!
//! ```
//! use http_transport::testing::decode;
//!
//! #[derive(Debug, serde::Deserialize)]
//! struct Ticket {
//!     id: u64,
//! }
//!
//! assert_eq!(decode::<Ticket>(br#"{"id": 7}"#).unwrap().id, 7);
//! let failure = decode::<Ticket>(br#"{"id": "seven"}"#).unwrap_err();
//! assert_eq!(failure.path, "id");
//! // A blank body is no value: `()` accepts it, an `Option` does not read
//! // it as `None` (it may be an answer lost in transit).
//! assert!(decode::<()>(b"  ").is_ok());
//! assert!(decode::<Option<Ticket>>(b"  ").is_err());
//! ```

use std::fmt;

use serde::de::DeserializeOwned;

mod canned;
pub mod json_mutation;

pub use canned::{CannedAnswer, CannedServer};

/// Why [`decode`] refused a body: what the transport puts in a
/// [`DecodeError`](crate::DecodeError).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeFailure {
    /// JSON path of the failure, e.g. `returns[3].id` (`.` for the root).
    pub path: String,
    /// What serde said.
    pub message: String,
}

impl fmt::Display for DecodeFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at `{}`: {}", self.path, self.message)
    }
}

impl std::error::Error for DecodeFailure {}

/// Decodes a response body exactly as [`Transport::execute`](crate::Transport::execute)
/// does: a blank body is accepted only where `T` expects no value; a
/// failure names its JSON path.
///
/// # Errors
/// [`DecodeFailure`] when the body is not JSON or does not match `T`.
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> Result<T, DecodeFailure> {
    crate::transport::decode(body).map_err(|(path, message)| DecodeFailure { path, message })
}

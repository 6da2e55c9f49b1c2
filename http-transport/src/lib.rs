//! The HTTP layer shared by the Bergen SDK clients (Loop Returns, CloudX,
//! CartRover).
//!
//! A client composes a [`Transport`] from small pieces — a validated
//! [`BaseUrl`], [`Auth`] credentials kept secret, [`Timeouts`], a
//! [`RetryPolicy`], a [`RateLimit`] and a vendor [`Classifier`] — and sends
//! [`Request`] descriptions through it. The transport:
//!
//! - retries only what is safe: connect failures and throttles always, other
//!   failures only for idempotent requests, following the pure function
//!   [`retry::decide`]
//!   (capped exponential backoff with full jitter, `Retry-After` honoured);
//! - waits for a client-side limiter shared by all clones instead of
//!   collecting 429s;
//! - lets the vendor's classifier turn a 200 that says "error" into an
//!   [`ApiError`];
//! - decodes through `serde_path_to_error`, so a wrong type names its JSON
//!   path;
//! - records one tracing span per call (`vendor`, `operation`, `method`,
//!   `path` template, `status`, `attempts`) and never records credentials.
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! use std::time::Duration;
//! use http_transport::{Auth, RateLimit, Request, Transport, VendorProfile};
//!
//! const CLOUDX: VendorProfile = VendorProfile::new("cloudx").request_id_header("x-request-id");
//!
//! let transport = Transport::builder(CLOUDX)
//!     .base_url("http://127.0.0.1:8080/v1")?
//!     .auth(Auth::bearer("client-secret"))
//!     .rate_limit(RateLimit::per_second(10))
//!     .build()?;
//!
//! let request = Request::get("/receiving-tickets/{id}")
//!     .operation("get_ticket")
//!     .path_param("WHRTN1044588")
//!     .timeout(Duration::from_secs(5));
//! match transport.execute::<serde_json::Value>(request).await {
//!     Ok(response) => println!("{} after {} attempt(s)", response.body, response.attempts),
//!     Err(e) if e.is_not_found() => println!("no such ticket"),
//!     Err(e) => return Err(e.into()),
//! }
//! # Ok(()) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

mod auth;
mod base_url;
mod blank_body;
mod classify;
mod error;
mod open_enum;
mod rate_limit;
mod request;
pub mod retry;
#[cfg(feature = "testing")]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;
mod transport;

pub use auth::Auth;
pub use base_url::BaseUrl;
pub use classify::{
    ApiFailure, Classification, Classifier, DefaultClassifier, ResponseParts, RetryClass,
    json_message,
};
pub use error::{
    ApiError, BODY_EXCERPT_LIMIT, ConfigError, DecodeError, Error, TransportError,
    TransportErrorKind, require_credential,
};
pub use rate_limit::RateLimit;
pub use request::Request;
pub use retry::RetryPolicy;
pub use transport::{
    DEFAULT_MAX_RESPONSE_BYTES, Response, Timeouts, Transport, TransportBuilder, VendorProfile,
};

/// `bytes::Bytes`, the raw body type of [`Transport::execute_bytes`].
pub use bytes::Bytes;
/// The HTTP types used in this crate's API.
pub use reqwest::{Method, StatusCode, header};

/// What [`open_enum!`] expands to needs; not part of the API.
#[doc(hidden)]
pub mod __private {
    pub use crate::open_enum::WireText;
    pub use serde;
    pub use tracing;
}

// The README example is compiled (and, unless marked `no_run`, run) as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

//! Typed async client of the Loop Returns API, for warehouse and 3PL
//! integrations: pull returns, create ASNs / RMAs, then process or flag
//! returns after inspection.
//!
//! - **Return data**: the Detailed Returns List as one page
//!   ([`LoopClient::list_returns_page`]) or as a stream following Loop's
//!   cursor ([`LoopApi::returns_stream`]), a window of any length across
//!   every state ([`LoopApi::returns_in_window`]), Get Return Details
//!   ([`LoopClient::get_return`]) and the ASN report ([`LoopClient::asn_report`]).
//! - **Return actions**: process, flag, cancel, close, remove line items, read
//!   and write notes. Loop can refuse an action with HTTP 200; that is an
//!   [`Error::Rejected`] carrying Loop's [`ErrorCode`], and
//!   [`Error::is_already_closed`] tells a repeated Process apart.
//! - **Grading and disposition**, batched to Loop's 30 items per call.
//! - **Webhooks**: subscription management on the client; signature
//!   verification and typed payloads in [`webhook`].
//! - **Conversion** to the platform-neutral [`returns_core`] model (feature
//!   `core`, on by default): see [`conversion`].
//!
//! Responses are read leniently, because Loop's types drift between
//! endpoints: ids as strings or integers ([`ids`]), three timestamp formats
//! ([`timestamp`]), money as strings or numbers ([`money`]), enums that keep
//! unknown values ([`enums`]), unknown fields kept in `extra` maps, and
//! `Option` wherever Loop promises nothing.
//!
//! # Example: act on returns updated in the last day
//!
//! ```no_run
//! use futures::TryStreamExt;
//! use loop_client::prelude::*; // the streams, without naming the trait
//! use loop_client::{DateFilter, ListReturnsQuery, LoopClient, ReturnState};
//! use time::{Duration, OffsetDateTime};
//!
//! # async fn run() -> Result<(), loop_client::Error> {
//! let client = LoopClient::builder(std::env::var("LOOP_API_KEY").unwrap()).build()?;
//!
//! let now = OffsetDateTime::now_utc();
//! let query = ListReturnsQuery::new()
//!     .from(now - Duration::days(1))
//!     .to(now)
//!     .filter(DateFilter::UpdatedAt)
//!     .state(ReturnState::Open)
//!     .page_size(250);
//! let mut returns = client.returns_stream(query);
//! while let Some(ret) = returns.try_next().await? {
//!     let received_in_good_condition = !ret.line_items.is_empty(); // your inspection result
//!     if received_in_good_condition {
//!         match client.process_return(&ret.id, None).await {
//!             Ok(()) => {}                                  // queued; confirmed by webhook
//!             Err(e) if e.is_already_closed() => {}         // processed before: done
//!             Err(e) => return Err(e),
//!         }
//!     } else {
//!         client.flag_return(&ret.id).await?;
//!         client.create_note(&ret.id, "Flagged by WMS: outer box damaged").await?;
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # Example: test the connection
//!
//! [`LoopClient::check_connection`] proves the key with two cheap reads and
//! says which scopes it holds:
//!
//! ```no_run
//! # async fn run() -> Result<(), loop_client::Error> {
//! use loop_client::{LoopClient, ScopeAccess};
//!
//! let client = LoopClient::builder(std::env::var("LOOP_API_KEY").unwrap()).build()?;
//! match client.check_connection().await {
//!     Ok(report) => {
//!         println!("returns scope: {:?}", report.returns);
//!         println!("webhooks scope: {:?}", report.developer_tools);
//!         if report.returns != ScopeAccess::Granted {
//!             println!("ask for a key with the Returns scope");
//!         }
//!     }
//!     Err(e) if e.is_unauthorized() => println!("bad key or missing scope: {e}"),
//!     Err(e) => println!("could not reach Loop: {e}"),
//! }
//! # Ok(()) }
//! ```
//!
//! # Errors
//!
//! One [`Error`] type with predicates — [`Error::is_unauthorized`],
//! [`Error::is_not_found`], [`Error::is_decode`], [`Error::is_transport`],
//! [`Error::is_timeout`], [`Error::is_rate_limited`], [`Error::is_retryable`],
//! [`Error::is_already_closed`] — so no caller matches on the transport's
//! error. Endpoints this crate does not model go through
//! [`LoopClient::send_raw`].
//!
//! # Unconfirmed behaviour
//!
//! Loop's documentation leaves several points open; the client accepts every
//! documented shape and the item docs say which choice was made. In short:
//! whether action failures use HTTP 200 or 4xx (both are read as
//! [`Error::Rejected`]); whether success is `"true"` or `true` (both accepted);
//! the zone of `YYYY-MM-DD HH:MM:SS` timestamps (UTC assumed); the unit of
//! `labels[].rate` (kept as sent); the note limit of 255 characters; the 422
//! body of "no notes"; the grading batch size (30, configurable down to 20);
//! the webhook update / delete statuses; whether list and details responses
//! carry `provider_order_sales_channel`; and whether Loop ever sends
//! `Retry-After` on a 429 (honoured if present).

#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
mod classifier;
mod client;
#[cfg(feature = "core")]
pub mod conversion;
mod de;
pub mod enums;
mod error;
mod error_body;
pub mod ids;
pub mod models;
pub mod money;
pub mod pagination;
mod query;
pub mod timestamp;
pub mod validation;
mod version;
pub mod webhook;

pub use api::{AdditionalDetails, LoopApi};
pub use classifier::LoopClassifier;
pub use client::{
    API_KEY_HEADER, ConnectionReport, DEFAULT_BASE_URL, DEFAULT_REQUESTS_PER_MINUTE, LoopClient,
    LoopClientBuilder, MAX_ITEMS_PER_CALL, ScopeAccess,
};
pub use enums::*;
pub use error::{Error, Rejection};
pub use ids::*;
pub use models::asn::AsnRow;
pub use models::destinations::Destination;
pub use models::grading::{AssessedItem, GradedItem, ItemDisposition, ItemGrade};
pub use models::notes::{Note, NoteContent};
pub use models::orders::{Order, OrderChannel};
pub use models::returns::{
    Address, CustomerDetail, Exchange, Label, LineItem, RecordedCondition, RecordedDisposition,
    Refund, Return, ReturnMethod,
};
pub use models::webhooks::{Webhook, WebhookSubscription};
pub use pagination::{DEFAULT_MAX_PAGES, ReturnsPage};
pub use query::{
    ListReturnsQuery, MAX_PAGE_SIZE, MAX_WINDOW, ReturnLookup, ReturnWindowQuery, split_window,
};
pub use validation::InvalidInput;
pub use version::ApiVersion;

/// The transport types used to configure the client, re-exported so callers
/// need no direct dependency on `http-transport`.
pub use http_transport::{RateLimit, RetryPolicy, Timeouts, Transport};

/// The transport's error and configuration-error types, so no caller needs a
/// direct dependency on `http-transport`; prefer the predicates on [`Error`].
pub use http_transport::{ConfigError, Error as HttpError};

/// The crate's API traits, so streams and operations are found with one
/// import: `use loop_client::prelude::*;`.
pub mod prelude {
    pub use crate::api::LoopApi;
}

/// The transport crate, for matching on [`Error::Http`]'s details
/// (`http_transport::Error::Decode`, …) and for raw calls through
/// [`LoopClient::transport`].
pub use http_transport;

#[cfg(test)]
mod static_checks {
    use super::*;

    static_assertions::assert_impl_all!(LoopClient: Send, Sync, Clone, std::fmt::Debug);
    static_assertions::assert_impl_all!(Error: Send, Sync, std::error::Error);
    static_assertions::assert_impl_all!(Return: Send, Sync, Clone);
    static_assertions::assert_obj_safe!(LoopApi);
}

// The README example is compiled (and, unless marked `no_run`, run) as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

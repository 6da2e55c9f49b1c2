//! Typed async client of CloudX, Bergen Logistics' warehouse management
//! system: receiving tickets (ASNs) with duplicate-proof creation, the item
//! master, and warehouses.
//!
//! # What is confirmed and what is modelled
//!
//! Bergen does not publish CloudX's API. **Confirmed** (public integrator
//! documentation and Bergen's older REX11 service): returns become ASNs called
//! *receiving tickets*, one per return shipment; products are matched to the
//! item master by SKU or UPC; the credential is a CloudX API client secret;
//! a warehouse code routes the return; test mode creates tickets of type
//! `Test` instead of `Return`; status names from `Draft` to `AddedToInventory`
//! and `Cancelled`, with codes 100 and 600; line fields for expected, actual
//! and damaged quantities.
//!
//! **Modelled** (our REST/JSON surface, shared with the `sandbox` simulator):
//! every path, query parameter, JSON field name, the bearer presentation of
//! the secret, the error body, the 409/422/404 semantics and the paging. All of
//! it lives in one private module (`wire`), so the day Bergen hands over the
//! real specification only that module should change; the public types in
//! [`model`] carry no wire names.
//!
//! # Example
//!
//! ```no_run
//! # async fn run() -> Result<(), cloudx_client::Error> {
//! use cloudx_client::{
//!     CloudxApi, CloudxClient, CreateOutcome, ItemIdentifier, NewReceivingTicket,
//!     NewTicketLine, SeenTicket,
//! };
//!
//! let cloudx = CloudxClient::builder()
//!     .base_url("http://127.0.0.1:8080/v1")
//!     .client_secret(std::env::var("CLOUDX_CLIENT_SECRET").unwrap_or_default())
//!     .build()?;
//!
//! // Fail early on items the warehouse does not know.
//! let missing = cloudx.verify_items(&[ItemIdentifier::sku("TEE-M-BLK")]).await?;
//! assert!(missing.is_empty(), "unknown items: {missing:?}");
//!
//! // One ticket per return shipment; the reference makes it duplicate-proof.
//! let draft = NewReceivingTicket::new(
//!     "#1001-R1",
//!     "BERGEN-NJ-01",
//!     vec![NewTicketLine::by_sku("TEE-M-BLK", 2)],
//! );
//! let ticket = match cloudx.create_ticket(&draft).await? {
//!     CreateOutcome::AlreadyExisted(ticket) => ticket, // created by an earlier run
//!     outcome => outcome.into_ticket(),
//! };
//!
//! // Later, on the caller's schedule: what changed since the last look?
//! let report = cloudx.refresh_tickets(&[SeenTicket::from(&ticket)]).await;
//! for change in report.newly_terminal() {
//!     let line = &change.ticket.lines[0];
//!     println!("{} is {:?}; short by {}", change.ticket.id, change.current(), line.shortage());
//! }
//! # Ok(()) }
//! ```
//!
//! # Errors and retries
//!
//! Every operation returns [`Error`]; CloudX's refusals are typed
//! ([`Error::TicketNotFound`], [`Error::InvalidFields`],
//! [`Error::ItemNotFound`], [`Error::NotCancellable`]) and everything else is
//! the shared [`http_transport::Error`] with status, request id and a body
//! excerpt. Reads are retried on timeouts, 408, 429 (after `Retry-After`)
//! and 5xx; creates follow the duplicate-proof procedure of
//! [`CloudxApi::create_ticket`].

mod api;
mod client;
mod create;
mod error;
pub mod model;
mod ops;
mod poll;
mod refusal;
mod validate;
mod wire;

pub use api::CloudxApi;
pub use client::{CloudxClient, CloudxClientBuilder};
pub use create::CreateOutcome;
pub use error::{Error, FieldError};
pub use model::*;
pub use poll::{PhaseChange, PollReport, SeenTicket};
pub use validate::{ValidationErrors, ValidationProblem};

/// The shared HTTP layer's types, re-exported so callers need no direct
/// dependency: configuration (timeouts, retry policy, rate limit,
/// credentials), the error inside [`Error::Http`] and its parts, and
/// [`Request`](http_transport::Request) for [`CloudxClient::execute_raw`].
pub mod transport {
    pub use http_transport::{
        ApiError, Auth, DecodeError, Error, RateLimit, Request, Response, RetryPolicy, StatusCode,
        Timeouts, TransportError, TransportErrorKind,
    };
}

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
//! **Modelled** (our REST/JSON surface, which the `sandbox` simulator
//! implements independently from the same specification):
//! every path, query parameter, JSON field name, the bearer presentation of
//! the secret, the error body, the 409/422/404 semantics and the paging. All of
//! it lives in one private module (`wire`), so the day Bergen hands over the
//! real specification only that module should change; the public types in
//! [`model`] carry no wire names. (The string enums — [`TicketStatus`],
//! [`TicketKind`], [`LineCondition`] — are declared there too, with the
//! shared `http_transport::open_enum!` pattern: known variants plus
//! `Unknown(String)` for values this version does not know.)
//!
//! # Example: draft → verify items → create → poll → observation
//!
//! With the default `core` feature, the ASN drafts that `returns-core` plans
//! convert into create requests, and tickets back into the observations its
//! receipt evaluation takes.
//!
//! ```no_run
//! # async fn run(ret: returns_core::Return, settings: returns_core::IntegrationSettings)
//! #     -> Result<(), Box<dyn std::error::Error>> {
//! use cloudx_client::prelude::*;
//! use cloudx_client::{CloudxClient, CreateOutcome, ItemIdentifier, NewReceivingTicket, SeenTicket};
//! use returns_core::{ArrivalClock, ShipmentObservation, evaluate_receipt, plan_asns};
//! use time::OffsetDateTime;
//!
//! let cloudx = CloudxClient::builder(std::env::var("CLOUDX_CLIENT_SECRET")?)
//!     .base_url("http://127.0.0.1:8080/v1") // the URL Bergen gives the merchant
//!     .product_identification(settings.product_identification.into())
//!     .build()?;
//!
//! // 0. The "test connection" button: the secret works and the warehouse exists.
//! let report = cloudx.check_connection(settings.warehouse_code.as_str()).await?;
//! if !report.warehouse_found() {
//!     eprintln!("{report}"); // names the account's warehouse codes
//!     return Ok(());
//! }
//!
//! // 1. The core plans one ASN draft per return shipment.
//! let plan = plan_asns(&ret, &settings)?;
//! for draft in plan.drafts() {
//!     // 2. Fail early on items the warehouse does not know.
//!     let items: Vec<ItemIdentifier> =
//!         draft.lines.iter().map(|line| ItemIdentifier::from(&line.item)).collect();
//!     let missing = cloudx.verify_items(&items).await?;
//!     if !missing.is_empty() {
//!         eprintln!("not in the item master: {missing:?}");
//!         continue;
//!     }
//!     // 3. Create; the reference number makes a re-run harmless.
//!     match cloudx.create_ticket(&NewReceivingTicket::from(draft)).await? {
//!         CreateOutcome::AlreadyExisted(ticket) => println!("{} existed already", ticket.id),
//!         outcome => println!("created {}", outcome.ticket().id),
//!     }
//! }
//!
//! // 4. Later, on the caller's schedule: which tickets changed phase?
//! let last_seen: Vec<SeenTicket> = Vec::new(); // loaded from the caller's store
//! let report = cloudx.refresh_tickets(&last_seen).await;
//! let observations: Vec<ShipmentObservation> = report
//!     .newly_terminal()
//!     .filter_map(|change| ShipmentObservation::try_from(&change.ticket).ok())
//!     .collect();
//!
//! // 5. The core decides: process, flag with a note, or wait.
//! let decision = evaluate_receipt(
//!     plan.drafts(),
//!     &observations,
//!     &settings.receipt_criteria,
//!     // The not-arrived clock starts when the first ticket was created.
//!     ArrivalClock::asn_created(ret.created_at), // better: the earliest ticket's created_at
//!     OffsetDateTime::now_utc(),
//! );
//! println!("{}", decision.note());
//! # Ok(()) }
//! ```
//!
//! The operations are methods of the [`CloudxApi`] trait, which
//! `use cloudx_client::prelude::*;` brings into scope (streams such as
//! [`CloudxApi::tickets`] and [`CloudxApi::ticket_pages`] included).
//! Application code can depend on the trait instead of the client, and test
//! against a double.
//!
//! # Errors and retries
//!
//! Every operation returns [`Error`]; ask it what happened with its
//! predicates — [`is_unauthorized`](Error::is_unauthorized),
//! [`is_not_found`](Error::is_not_found),
//! [`is_rate_limited`](Error::is_rate_limited),
//! [`is_timeout`](Error::is_timeout), [`is_transport`](Error::is_transport),
//! [`is_decode`](Error::is_decode), [`is_retryable`](Error::is_retryable),
//! [`is_duplicate`](Error::is_duplicate),
//! [`is_item_not_found`](Error::is_item_not_found),
//! [`is_not_cancellable`](Error::is_not_cancellable) — and for CloudX's
//! error code with [`Error::code`]. CloudX's refusals are typed
//! ([`Error::TicketNotFound`], [`Error::InvalidFields`],
//! [`Error::ItemNotFound`], [`Error::NotCancellable`]), read from the whole
//! error body; everything else is the shared [`HttpError`] with status,
//! request id and a body excerpt. Reads are retried on timeouts, 408, 429
//! (after `Retry-After`) and 5xx; creates follow the duplicate-proof
//! procedure of [`CloudxApi::create_ticket`], within the same retry policy.
//!
//! ```no_run
//! # async fn run(cloudx: cloudx_client::CloudxClient) -> Result<(), cloudx_client::Error> {
//! use cloudx_client::prelude::*;
//! use cloudx_client::{CancelOutcome, TicketId};
//!
//! match cloudx.cancel_ticket(&TicketId::new("WHRTN1044588")).await {
//!     Ok(CancelOutcome::AlreadyCancelled(_)) => println!("was cancelled before"),
//!     Ok(outcome) => println!("cancelled {}", outcome.ticket().id),
//!     Err(e) if e.is_not_cancellable() => println!("too late: the parcel is in"),
//!     Err(e) if e.is_unauthorized() => eprintln!("check CLOUDX_CLIENT_SECRET"),
//!     Err(e) => return Err(e),
//! }
//! # Ok(()) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
mod cancel;
mod client;
#[cfg(feature = "core")]
mod conversions;
mod create;
mod error;
pub mod model;
mod ops;
mod poll;
mod refusal;
mod validate;
mod wire;

pub use api::{CloudxApi, DEFAULT_MAX_PAGES};
pub use cancel::CancelOutcome;
pub use client::{CloudxClient, CloudxClientBuilder, ConnectionReport};
pub use create::CreateOutcome;
pub use error::{Error, FieldError, MissingItem};
pub use http_transport::{ConfigError, Error as HttpError};
pub use model::*;
pub use poll::{PhaseChange, PollReport, SeenTicket};
pub use validate::{ValidationErrors, ValidationProblem};

/// The crate's API traits, so their methods (streams included) are found
/// without naming them: `use cloudx_client::prelude::*;`.
pub mod prelude {
    pub use crate::api::CloudxApi;
}

/// The shared HTTP layer's types, re-exported so callers need no direct
/// dependency: configuration (timeouts, retry policy, rate limit,
/// credentials), the error inside [`Error::Http`] and its parts, and
/// [`Request`](http_transport::Request) for [`CloudxClient::send_raw`].
pub mod transport {
    pub use http_transport::{
        ApiError, Auth, DecodeError, Error, RateLimit, Request, Response, RetryPolicy, StatusCode,
        Timeouts, TransportError, TransportErrorKind,
    };
}

// The README example is compiled (and, unless marked `no_run`, run) as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

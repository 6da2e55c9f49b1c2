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
//! [`model`] carry no wire names.
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
//! use cloudx_client::{
//!     CloudxApi, CloudxClient, CreateOutcome, ItemIdentifier, NewReceivingTicket, SeenTicket,
//! };
//! use returns_core::{ShipmentObservation, evaluate_receipt, plan_asns};
//! use time::OffsetDateTime;
//!
//! let cloudx = CloudxClient::builder()
//!     .base_url("http://127.0.0.1:8080/v1") // the URL Bergen gives the merchant
//!     .client_secret(std::env::var("CLOUDX_CLIENT_SECRET")?)
//!     .product_identification(settings.product_identification.into())
//!     .build()?;
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
//!     ret.created_at,
//!     OffsetDateTime::now_utc(),
//! );
//! println!("{}", decision.note());
//! # Ok(()) }
//! ```
//!
//! Application code can depend on the [`CloudxApi`] trait instead of the
//! client, and test against a double.
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
#![cfg_attr(docsrs, feature(doc_cfg))]

mod api;
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

// The README example is compiled (and, unless marked `no_run`, run) as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

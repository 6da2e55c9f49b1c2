//! Typed async client of CartRover (Extensiv Integration Manager, "IM").
//!
//! Orders go from a cart into CartRover, CartRover delivers them to the
//! warehouse (Bergen Logistics), and tracking and inventory come back. This
//! crate covers the three API levels, each with its own credentials and its
//! own client:
//!
//! | Level | Client | Calls |
//! |---|---|---|
//! | Cart | [`CartClient`] | [`CartApi`] + [`OrderApi`]: create (one, batch), view, status, list, cancel, confirm |
//! | Merchant | [`MerchantClient`] | [`MerchantApi`] + [`OrderApi`]: orders, inventory, products, carts, ship-method mappings |
//! | Warehouse | [`WarehouseClient`] | [`WarehouseApi`]: merchants, ship methods; [`WarehouseClient::for_merchant`] for one merchant's data |
//!
//! ```no_run
//! # async fn run() -> Result<(), cartrover_client::Error> {
//! use cartrover_client::prelude::*;
//! use cartrover_client::{
//!     CartClient, CreateOutcome, MerchantClient, NewOrder, NewOrderLine, OrderStatus,
//!     PageRequest, ShipTo,
//! };
//! use futures::TryStreamExt;
//!
//! let cart = CartClient::builder("cart-api-user", "cart-api-key").build()?;
//!
//! // 0. The "Test connection" button: one cheap call proves the keys.
//! match cart.check_connection().await {
//!     Ok(report) => println!("{:?} keys accepted, {:?} calls left", report.level, report.hits_remaining),
//!     Err(e) if e.is_unauthorized() => return Err(e), // wrong API user or key
//!     Err(e) => return Err(e),
//! }
//!
//! // 1. Push an order in. Missing required fields are reported all at once,
//! //    before anything is sent.
//! let order = NewOrder {
//!     cust_ref: "BL-10045".into(),
//!     ship_to: ShipTo {
//!         first_name: Some("Ada".into()),
//!         last_name: Some("Lee".into()),
//!         address_1: Some("1 Main St".into()),
//!         city: Some("Secaucus".into()),
//!         state: Some("NJ".into()),
//!         zip: Some("07094".into()),
//!         country: Some("US".into()),
//!         ..ShipTo::default()
//!     },
//!     items: vec![NewOrderLine::new("SKU-1", 2)],
//!     ..NewOrder::default()
//! };
//! // Duplicate-proof: a retry after a timeout never creates it twice.
//! let created = cart.create_order(&order).await?;
//! if let CreateOutcome::AlreadyExisted(existing) = &created.value {
//!     println!("{} was there already", existing.cust_ref);
//! }
//!
//! // 2. Follow its status; 3. read the tracking once it shipped.
//! let status = cart.order_status(created.value.cust_ref()).await?.into_inner();
//! if status.order_status == Some(OrderStatus::Shipped) {
//!     for shipment in &status.shipments {
//!         println!("{:?} {:?}", shipment.carrier, shipment.tracking_no);
//!     }
//! }
//!
//! // 4. Inventory, with the merchant's credentials, streamed page by page.
//! let merchant = MerchantClient::builder("merchant-api-user", "merchant-api-key").build()?;
//! let stock: Vec<_> = merchant.inventory_items(PageRequest::default()).try_collect().await?;
//! for item in &stock {
//!     println!("{}: {:?} available", item.sku, item.qty_available);
//! }
//!
//! // Errors carry CartRover's code, message and process id, and say what
//! // kind they are through predicates.
//! match cart.order_status(&"NOPE".into()).await {
//!     Err(e) if e.is_not_found() => println!("no such order"),
//!     Err(e) if e.is_retryable() => eprintln!("try again later: {e}"),
//!     Err(e) => eprintln!("{e} (code {:?}, process id {:?})", e.code(), e.process_id()),
//!     Ok(_) => {}
//! }
//! # Ok(()) }
//! ```
//!
//! # What the client takes care of
//!
//! - **Errors on HTTP 200.** Every answer is read through CartRover's
//!   `success_code` envelope; `Invalid`, `Failure` and `RateLimit` become
//!   [`Error::Api`] with a typed [`ErrorCode`], the message (also under the
//!   legacy `status_message`) and the `X-CartRover-Process-ID`, which
//!   successful calls expose too ([`Reply::process_id`]). The kind of an
//!   error is a predicate: [`Error::is_unauthorized`] (HTTP 401/403, or the
//!   credentials envelope on HTTP 200), [`Error::is_not_found`],
//!   [`Error::is_duplicate`], [`Error::is_rate_limited`],
//!   [`Error::is_retryable`], [`Error::is_timeout`], [`Error::is_transport`],
//!   [`Error::is_decode`] (a 2xx body that is not JSON or is cut off, with
//!   the JSON path).
//! - **Rate limit.** A client-side bucket of 100 calls refilling one per
//!   0.6 s, fed by `X-CartRover-Api-Minute-Hits-Remaining`; order creation
//!   does not count. A `RateLimit` answer is waited out and retried, for
//!   POSTs as well (CartRover did not process the call). `Invalid` and
//!   `Failure` are never retried.
//! - **Loose JSON.** Numbers as strings, negative quantities, `Y`/`N` flags,
//!   `[]` for empty maps, `Description` vs `description`, zoneless and zero
//!   dates, `null` almost anywhere, unknown fields (kept in `extra`) and
//!   unknown enum values (kept in `Unknown`).
//! - **Encoding.** Path parameters are percent-encoded (`/`, `+`, space, `#`
//!   included); the `+` of a date's offset goes out as `%2B`.
//! - **Paging.** Lists come as one [`Page`], as a `Stream` of whole pages
//!   with their metadata ([`OrderApi::order_pages`],
//!   [`MerchantApi::inventory_pages`]) or as a `Stream` of rows; streams stop
//!   after the first short page (CartRover has no `has_more`), and a page
//!   repeating the previous one is [`Error::Pagination`], never a silent end.
//!   `use cartrover_client::prelude::*;` brings the stream methods into scope.
//!
//! # Features
//!
//! - `rustls` (default) / `native-tls`: the TLS stack, forwarded to
//!   `http-transport`.
//! - `core` (default): conversions with the `returns-core` domain, both
//!   ways — `ItemKey: From<Sku>`, `Sku: TryFrom<ItemKey>` (a barcode key is
//!   given back), `NewOrderLine::for_item` (CartRover matches a line's item
//!   by SKU or alias), and `item_key(ProductIdentification)` on [`Product`]
//!   and [`InventoryItem`], keyed by SKU or by barcode alias.
//!
//! # Unverified endpoints
//!
//! The CartRover documentation does not show the warehouse-side writes. These
//! calls follow the project's provisional contract and are **unverified
//! against the live service**; their docs say so:
//! [`MerchantApi::acknowledge_order`] (E17a), [`MerchantApi::post_shipments`]
//! (E17b), the Merchant-level [`OrderApi::update_order_status`] (E7m),
//! [`WarehouseApi::merchants`] (E16), [`StatusUpdate::AtWms`] and
//! [`StatusUpdate::Shipped`], and the `X-Merchant-Pk` header of
//! [`WarehouseClient::for_merchant`]. No inventory write is offered: none is
//! publicly known.
#![cfg_attr(docsrs, feature(doc_cfg))]
#![forbid(unsafe_code)]

#[macro_use]
mod macros;

mod api;
mod classify;
mod client;
mod connection;
#[cfg(feature = "core")]
mod domain;
mod envelope;
mod error;
mod lenient;
mod pagination;
mod reply;
mod types;
mod validate;

pub use api::{CartApi, MerchantApi, OrderApi, WarehouseApi};
pub use client::{CartClient, ClientBuilder, DEFAULT_BASE_URL, MerchantClient, WarehouseClient};
pub use connection::{ApiLevel, ConnectionReport};
pub use envelope::ErrorCode;
pub use error::{ApiError, Error, Result};
pub use pagination::DEFAULT_MAX_PAGES;
pub use reply::{HITS_REMAINING_HEADER, PROCESS_ID_HEADER, Reply, TOTAL_RECORDS_HEADER};
pub use types::*;
pub use validate::{MissingFields, NAME_OR_COMPANY, validate_batch};

/// The shared transport's error and configuration error, so callers need not
/// depend on `http-transport` (see [`Error::Http`] and [`Error::Config`]).
pub use http_transport::{ConfigError, Error as HttpError};

/// The API traits, so their methods (streams included) are in scope with one
/// import: `use cartrover_client::prelude::*;`.
pub mod prelude {
    pub use crate::api::{CartApi, MerchantApi, OrderApi, WarehouseApi};
}

/// Transport settings used by [`ClientBuilder`], and the request type of the
/// `send_raw` escape hatch, re-exported for convenience.
pub use http_transport::{RateLimit, Request, RetryPolicy, Timeouts};

// The README example is compiled (and, unless marked `no_run`, run) as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

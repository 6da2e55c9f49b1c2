//! The Loop Returns ↔ Bergen Logistics (CloudX) returns integration, as a
//! library a service embeds.
//!
//! A customer's return becomes one ASN — a CloudX *receiving ticket* — per
//! return shipment; when the warehouse has received the parcels, the
//! merchant's receipt criteria decide whether the return is **processed** in
//! Loop or **flagged** for a person, with a note saying why. [`SyncEngine`]
//! does that on a schedule ([`SyncEngine::run`]), once
//! ([`SyncEngine::reconcile_once`]), or for one webhook event
//! ([`SyncEngine::handle_event`]; the `webhooks` feature adds the `axum`
//! router that receives them).
//!
//! # The rules it keeps
//!
//! - **The vendors are the source of truth.** A ticket is found by its
//!   reference number, a note by its text, a decided return by its Loop
//!   state. The [`Store`] (SQLite by default, [`MemoryStore`] in tests) makes
//!   runs faster — a pull watermark, the returns in flight, the webhook
//!   inbox — and keeps the audit trail ([`Store::timeline`]); deleting it
//!   never causes a second ticket, note or action.
//! - **Every step is safe to repeat**, ordered so that a crash between two
//!   calls is finished by the next run: the ticket is created before it is
//!   recorded, the note is looked for before it is written, the note comes
//!   before the action, and "already closed" counts as done.
//! - **Fail closed.** A return whose sales channel cannot be known while
//!   exclusions are configured is not sent ([`Outcome::ChannelUnknown`]); a
//!   ticket that cannot be read is a failure ([`Outcome::Failed`]), never
//!   "not arrived yet"; a ticket found by reference that differs from the
//!   plan is reported ([`Outcome::TicketMismatch`]), never accepted.
//! - **No verdict in the run that created the ASN**, and "not arrived" is
//!   counted from the ticket's creation, with the time read from the
//!   [`Clock`] at each evaluation.
//! - A return that ends in Loop before arrival gets its `Draft`/`PendingCSR`
//!   tickets cancelled; with auto-process off, the decision is written as a
//!   note once and a person acts ([`Outcome::AwaitingPerson`]).
//!
//! # Embedding it in a service
//!
//! ```no_run
//! # #[cfg(all(feature = "sqlite", feature = "webhooks"))]
//! # async fn service() -> Result<(), Box<dyn std::error::Error>> {
//! use cloudx_client::CloudxClient;
//! use loop_client::LoopClient;
//! use returns_core::IntegrationSettings;
//! use returns_sync::{SqliteStore, SyncEngine};
//!
//! let loop_client = LoopClient::builder(std::env::var("LOOP_API_KEY")?).build()?;
//! let cloudx = CloudxClient::builder(std::env::var("CLOUDX_CLIENT_SECRET")?)
//!     .base_url(std::env::var("CLOUDX_BASE_URL")?)
//!     .build()?;
//! let settings = IntegrationSettings::new("BERGEN-NJ-01").with_excluded_sales_channels(["Amazon"]);
//!
//! // Checks the settings and the warehouse code with CloudX before anything runs.
//! let engine = SyncEngine::builder(loop_client, cloudx, settings)
//!     .store(SqliteStore::open("/var/lib/returns-sync/state.db").await?)
//!     .build()
//!     .await?;
//!
//! // Loop's webhooks: verified, stored before the 200, handled at once.
//! let app = returns_sync::webhooks::router(engine.clone(), std::env::var("LOOP_WEBHOOK_SECRET")?);
//! let listener = tokio::net::TcpListener::bind("0.0.0.0:8080").await?;
//! tokio::spawn(async move { axum::serve(listener, app).await });
//!
//! // Pull every 5 minutes, poll every 15, until Ctrl-C; the pass in progress finishes.
//! let shutdown = async {
//!     let _ = tokio::signal::ctrl_c().await;
//! };
//! engine
//!     .run(shutdown, |report| tracing::info!(summary = %report.one_line(), "pass done"))
//!     .await;
//! # Ok(()) }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

mod clock;
pub mod config;
mod engine;
mod options;
mod report;
mod service;
pub mod store;
#[cfg(feature = "webhooks")]
pub mod webhooks;

pub use clock::{Clock, ManualClock, SystemClock};
pub use config::{ConfigError, ResolvedMerchant, ServiceConfig};
pub use engine::{BuildError, PULLED_STATES, SyncEngine, SyncEngineBuilder};
pub use options::{EngineOptions, InvalidOption};
pub use report::{FailedStep, Outcome, ReturnReport, RunFailure, StepCounts, SyncReport};
pub use service::{MerchantEngine, Service, ServiceError, open_stores};
#[cfg(feature = "postgres")]
pub use store::PostgresStore;
#[cfg(feature = "sqlite")]
pub use store::SqliteStore;
pub use store::{
    InboxEvent, JournalEntry, MemoryStore, PendingEvent, ReturnStage, Step, Store, StoreError,
    TrackedReturn, TrackedTicket,
};

// The README example is compiled (and, unless marked `no_run`, run) as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

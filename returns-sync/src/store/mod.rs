//! Durable state: what makes the engine fast and auditable, never what makes
//! it correct.
//!
//! The vendors are the source of truth — a ticket is found by its reference
//! number, a note by its text, a decided return by its Loop state — so a
//! store that is deleted between two runs costs time, never a second ticket,
//! note or action. What a store keeps:
//!
//! - the **pull watermark**, so a scheduled run asks Loop only for returns
//!   updated since the last one (minus an overlap);
//! - the **returns in flight** ([`TrackedReturn`]): their tickets, so they
//!   are polled without asking Loop again;
//! - the **journal** ([`JournalEntry`]): every step of every return with its
//!   time, the audit trail a merchant asks for;
//! - the **webhook inbox** ([`InboxEvent`]): events stored before Loop is
//!   answered 200, processed after;
//! - the **sales-channel cache**, for returns Loop lists without a channel.
//!
//! Implementations: [`MemoryStore`] (tests, one-off runs); with the
//! default `sqlite` feature, `SqliteStore` (an embedded file the engine
//! creates and migrates itself, one per merchant); with the `postgres`
//! feature, `PostgresStore` (one database for many merchants and several
//! workers). Every implementation passes the same conformance suite
//! (`tests/store_conformance.rs`).

mod memory;
#[cfg(feature = "postgres")]
mod postgres;
#[cfg(any(feature = "sqlite", feature = "postgres"))]
mod sql;
#[cfg(feature = "sqlite")]
mod sqlite;

use std::collections::HashMap;
use std::fmt;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

pub use memory::MemoryStore;
#[cfg(feature = "postgres")]
pub use postgres::{DEFAULT_MERCHANT, PostgresStore};
#[cfg(feature = "sqlite")]
pub use sqlite::SqliteStore;

/// A store could not be read or written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum StoreError {
    /// The store could not be opened or migrated (a corrupt or unwritable
    /// file, a database that cannot be reached). Names the location, never a
    /// password.
    #[error("cannot open the store at {location}: {reason}")]
    Open {
        /// The file path or database host.
        location: String,
        /// What went wrong.
        reason: String,
    },
    /// A read or write failed.
    #[error("store {operation} failed: {reason}")]
    Io {
        /// What the engine was doing, e.g. `save_return`.
        operation: &'static str,
        /// What went wrong.
        reason: String,
    },
    /// Stored data did not decode (written by an incompatible version, or
    /// edited by hand).
    #[error("store {operation}: stored data does not decode: {reason}")]
    Corrupt {
        /// What the engine was reading.
        operation: &'static str,
        /// What went wrong.
        reason: String,
    },
}

/// Where a return stands in the engine.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ReturnStage {
    /// Seen open in a pull and not worked on yet. Recorded before any
    /// worker claims it, so a return whose worker stops is found again by
    /// the next pass of any worker (it is read again from Loop).
    Pulled,
    /// Tickets exist at the warehouse; the receipt is awaited.
    AtWarehouse,
    /// Decided and carried out in Loop (processed or flagged).
    Decided,
    /// Decided, but auto-process is off: a person acts in Loop.
    AwaitingPerson,
    /// The return ended in Loop before arrival; its open tickets were
    /// cancelled.
    Ended,
    /// Not sent, and not to be sent as it stands (excluded channel).
    Skipped,
    /// Not sent yet: something must change first (unknown items, unknown
    /// channel, a ticket that differs from the plan).
    Blocked,
}

impl ReturnStage {
    /// Every stage, in the order a report lists them.
    pub const ALL: [ReturnStage; 7] = [
        ReturnStage::Pulled,
        ReturnStage::AtWarehouse,
        ReturnStage::Decided,
        ReturnStage::AwaitingPerson,
        ReturnStage::Ended,
        ReturnStage::Skipped,
        ReturnStage::Blocked,
    ];

    /// The stage's name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            ReturnStage::Pulled => "pulled",
            ReturnStage::AtWarehouse => "at_warehouse",
            ReturnStage::Decided => "decided",
            ReturnStage::AwaitingPerson => "awaiting_person",
            ReturnStage::Ended => "ended",
            ReturnStage::Skipped => "skipped",
            ReturnStage::Blocked => "blocked",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|stage| stage.as_str() == name)
    }

    /// Whether the engine still works on the return at every run without
    /// Loop reporting a change: polling its tickets (`AtWarehouse`),
    /// trying again what blocked it (`Blocked`: an item added to the item
    /// master, a channel that became known), or starting it (`Pulled`).
    pub fn is_in_flight(self) -> bool {
        matches!(
            self,
            ReturnStage::Pulled | ReturnStage::AtWarehouse | ReturnStage::Blocked
        )
    }
}

impl fmt::Display for ReturnStage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One receiving ticket of a tracked return.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TrackedTicket {
    /// The ASN reference number (the ticket's idempotency key).
    pub reference: String,
    /// CloudX's ticket id.
    pub ticket_id: String,
    /// When CloudX created the ticket: the "not arrived" clock starts here.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
}

/// A return the engine has worked on, as the store keeps it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TrackedReturn {
    /// Loop's return id.
    pub return_id: String,
    /// The order name, for people.
    pub order_name: String,
    /// Where the return stands.
    pub stage: ReturnStage,
    /// The return as the engine planned it (the platform-neutral model), so
    /// its drafts can be planned again without asking Loop.
    pub core: returns_core::Return,
    /// Its tickets, in shipment order (empty until created).
    pub tickets: Vec<TrackedTicket>,
    /// When this record last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// What happened, in a journal entry.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Step {
    /// Pulled from Loop.
    Pulled,
    /// Not sent: excluded channel, unknown channel, unknown items, …
    NotSent,
    /// A receiving ticket was created.
    TicketCreated,
    /// A receiving ticket was found by its reference (created before).
    TicketFound,
    /// A note was written in Loop.
    NoteWritten,
    /// The tickets were polled and something changed.
    Polled,
    /// The receipt was evaluated.
    Decided,
    /// The decision was carried out in Loop.
    Acted,
    /// A ticket was cancelled because the return ended before arrival.
    TicketCancelled,
    /// A webhook event was received.
    EventReceived,
    /// A step failed; it is retried on the next run.
    Failed,
}

impl Step {
    /// Every step.
    pub const ALL: [Step; 11] = [
        Step::Pulled,
        Step::NotSent,
        Step::TicketCreated,
        Step::TicketFound,
        Step::NoteWritten,
        Step::Polled,
        Step::Decided,
        Step::Acted,
        Step::TicketCancelled,
        Step::EventReceived,
        Step::Failed,
    ];

    /// The step's name as stored.
    pub fn as_str(self) -> &'static str {
        match self {
            Step::Pulled => "pulled",
            Step::NotSent => "not_sent",
            Step::TicketCreated => "ticket_created",
            Step::TicketFound => "ticket_found",
            Step::NoteWritten => "note_written",
            Step::Polled => "polled",
            Step::Decided => "decided",
            Step::Acted => "acted",
            Step::TicketCancelled => "ticket_cancelled",
            Step::EventReceived => "event_received",
            Step::Failed => "failed",
        }
    }

    /// Parses a stored name.
    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|step| step.as_str() == name)
    }
}

impl fmt::Display for Step {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One line of a return's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Loop's return id.
    pub return_id: String,
    /// When it happened (the engine's clock).
    #[serde(with = "time::serde::rfc3339")]
    pub at: OffsetDateTime,
    /// What happened.
    pub step: Step,
    /// Details for people: a ticket id, a note's text, an error.
    pub detail: String,
}

impl JournalEntry {
    /// An entry for `return_id` at `at`.
    pub fn new(
        return_id: impl Into<String>,
        at: OffsetDateTime,
        step: Step,
        detail: impl Into<String>,
    ) -> Self {
        Self {
            return_id: return_id.into(),
            at,
            step,
            detail: detail.into(),
        }
    }
}

/// A webhook event as received, before the engine acts on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InboxEvent {
    /// The delivery's identity (repeated deliveries share it), e.g. from
    /// `loop_client::webhook::DeliveryKey`.
    pub key: String,
    /// The return the event is about, when it names one.
    pub return_id: Option<String>,
    /// The webhook topic.
    pub topic: String,
    /// When it arrived.
    #[serde(with = "time::serde::rfc3339")]
    pub received_at: OffsetDateTime,
    /// The body as received (verified).
    pub body: String,
}

/// An inbox event with its place in the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PendingEvent {
    /// Position in the inbox, increasing; pass it to
    /// [`Store::complete_event`].
    pub seq: i64,
    /// The event.
    pub event: InboxEvent,
}

/// Durable state of the engine. Every method is one atomic change; the
/// engine orders its vendor calls and store writes so that a crash between
/// any two is finished by the next run without a duplicate (see the crate
/// docs).
///
/// One store holds one merchant's state. Several engines (workers) may share
/// a store: each claims a return ([`claim`](Store::claim)) before any vendor
/// call about it, so only one works on a return at a time, and a lease that
/// ends (a worker that stopped) lets another take the return over.
#[async_trait]
pub trait Store: Send + Sync + fmt::Debug {
    /// The pull watermark: the `updated_at` up to which Loop was read.
    async fn watermark(&self) -> Result<Option<OffsetDateTime>, StoreError>;
    /// Moves the pull watermark.
    async fn set_watermark(&self, at: OffsetDateTime) -> Result<(), StoreError>;

    /// The tracked return with this id.
    async fn tracked_return(&self, return_id: &str) -> Result<Option<TrackedReturn>, StoreError>;
    /// The tracked returns among `return_ids`, by id (ids the store does
    /// not track are absent). The default asks for each in turn; a store
    /// that can reads them in one query.
    async fn tracked_returns(
        &self,
        return_ids: &[String],
    ) -> Result<HashMap<String, TrackedReturn>, StoreError> {
        let mut found = HashMap::with_capacity(return_ids.len());
        for id in return_ids {
            if let Some(tracked) = self.tracked_return(id).await? {
                found.insert(id.clone(), tracked);
            }
        }
        Ok(found)
    }
    /// Inserts or replaces a tracked return.
    async fn save_return(&self, tracked: &TrackedReturn) -> Result<(), StoreError>;
    /// Records returns a pull found, at [`ReturnStage::Pulled`], unless the
    /// store tracks them already (those are left exactly as they are).
    async fn track_new(&self, returns: &[TrackedReturn]) -> Result<(), StoreError>;
    /// Which of `return_ids` the store does not track, in the order given:
    /// what a pull hands to [`track_new`](Store::track_new), so returns it
    /// tracks already are not converted and written again at every pull.
    /// The default reads the tracked ones; a store that can reads their ids
    /// only.
    async fn untracked(&self, return_ids: &[String]) -> Result<Vec<String>, StoreError> {
        let known = self.tracked_returns(return_ids).await?;
        Ok(return_ids
            .iter()
            .filter(|id| !known.contains_key(id.as_str()))
            .cloned()
            .collect())
    }
    /// Every tracked return whose stage is [in flight](ReturnStage::is_in_flight).
    async fn in_flight(&self) -> Result<Vec<TrackedReturn>, StoreError>;
    /// The ids of the tracked returns [in flight](ReturnStage::is_in_flight),
    /// in id order, each with when it last changed
    /// ([`TrackedReturn::updated_at`]): what a pass lists before it claims
    /// them, without reading every record. The default reads them with
    /// [`in_flight`](Store::in_flight).
    async fn in_flight_ids(&self) -> Result<Vec<(String, OffsetDateTime)>, StoreError> {
        Ok(self
            .in_flight()
            .await?
            .into_iter()
            .map(|t| (t.return_id, t.updated_at))
            .collect())
    }
    /// How many tracked returns are at each stage (stages with none omitted).
    async fn stage_counts(&self) -> Result<Vec<(ReturnStage, u64)>, StoreError>;

    /// Appends entries to the journal, in order.
    async fn append_journal(&self, entries: &[JournalEntry]) -> Result<(), StoreError>;
    /// Inserts or replaces each return, then appends the entries in order:
    /// what a batch of work leaves. The default saves them one call at a
    /// time; a store that can writes them in one transaction, so a batch
    /// costs one commit instead of two per return.
    async fn save_batch(
        &self,
        returns: &[TrackedReturn],
        entries: &[JournalEntry],
    ) -> Result<(), StoreError> {
        for tracked in returns {
            self.save_return(tracked).await?;
        }
        self.append_journal(entries).await
    }
    /// One return's timeline, oldest first.
    async fn timeline(&self, return_id: &str) -> Result<Vec<JournalEntry>, StoreError>;
    /// The timelines of `return_ids`, oldest first, by id (a return without
    /// entries is absent). The default asks for each in turn; a store that
    /// can reads them in one query.
    async fn timelines(
        &self,
        return_ids: &[String],
    ) -> Result<HashMap<String, Vec<JournalEntry>>, StoreError> {
        let mut found = HashMap::with_capacity(return_ids.len());
        for id in return_ids {
            let timeline = self.timeline(id).await?;
            if !timeline.is_empty() {
                found.insert(id.clone(), timeline);
            }
        }
        Ok(found)
    }

    /// Stores a webhook event unless one with the same key is already in the
    /// inbox (pending or done): `true` when it was new.
    async fn push_event(&self, event: &InboxEvent) -> Result<bool, StoreError>;
    /// Events not yet completed, oldest first, at most `limit`.
    async fn pending_events(&self, limit: usize) -> Result<Vec<PendingEvent>, StoreError>;
    /// Marks an event done (it stays, so a redelivery is still recognised).
    async fn complete_event(&self, seq: i64) -> Result<(), StoreError>;

    /// Claims returns for `holder` until `until`, so that one worker at a
    /// time works on each. An id is granted when no lease on it exists, its
    /// lease ended at or before `now`, or `holder` has it already (the lease
    /// is extended). Returns the granted ids, in the order given. Atomic per
    /// return: two holders are never both granted the same return at once.
    async fn claim(
        &self,
        return_ids: &[String],
        holder: &str,
        now: OffsetDateTime,
        until: OffsetDateTime,
    ) -> Result<Vec<String>, StoreError>;
    /// Ends `holder`'s leases on these returns; other holders' leases stay.
    async fn release(&self, return_ids: &[String], holder: &str) -> Result<(), StoreError>;

    /// The cached sales channel of an order.
    async fn cached_channel(&self, order_id: &str) -> Result<Option<String>, StoreError>;
    /// Caches the sales channel of an order.
    async fn cache_channel(&self, order_id: &str, channel: &str) -> Result<(), StoreError>;
}

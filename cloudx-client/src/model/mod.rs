//! The public data types: tickets, lines, statuses, items, warehouses, ids and
//! requests. Plain Rust values with no wire names in them (those live in the
//! private `wire` module), so they stay put if CloudX's real surface differs
//! from the modelled one.
//!
//! Structs are `#[non_exhaustive]` but implement `Default` and have public
//! fields, so code outside this crate (tests, mocks of
//! [`CloudxApi`](crate::CloudxApi)) builds them with
//! `let mut t = ReceivingTicket::default(); t.id = ...;`.

mod ids;
mod item;
mod request;
mod status;
mod ticket;

pub use ids::{LineId, ReferenceNumber, Sku, TicketId, Upc, WarehouseCode};
pub use item::{Item, ItemIdentifier, ProductIdentification, Warehouse};
pub use request::{NewReceivingTicket, NewTicketLine, TicketPage, TicketQuery};
pub use status::{TicketPhase, TicketStatus};
pub use ticket::{Address, LineCondition, ReceivingTicket, TicketKind, TicketLine};

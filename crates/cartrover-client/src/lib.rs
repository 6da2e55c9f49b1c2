//! Typed async client of CartRover (Extensiv Integration Manager).
#![forbid(unsafe_code)]

#[macro_use]
mod macros;

mod api;
mod classify;
mod client;
mod envelope;
mod error;
mod lenient;
mod pagination;
mod reply;
pub mod types;
mod validate;

pub use api::{CartApi, MerchantApi, OrderApi, WarehouseApi};
pub use client::{CartClient, ClientBuilder, DEFAULT_BASE_URL, MerchantClient, WarehouseClient};
pub use envelope::ErrorCode;
pub use error::{ApiError, Error, Result};
pub use reply::{HITS_REMAINING_HEADER, PROCESS_ID_HEADER, Reply, TOTAL_RECORDS_HEADER};
pub use types::*;
pub use validate::{MissingFields, NAME_OR_COMPANY};

/// Transport settings used by [`ClientBuilder`], re-exported for convenience.
pub use http_transport::{RateLimit, RetryPolicy, Timeouts};

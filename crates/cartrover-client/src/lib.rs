//! Typed async client of CartRover (Extensiv Integration Manager).
#![forbid(unsafe_code)]
// The envelope and query helpers are used by the client, which is wired onto
// http-transport once that crate lands.
#![allow(dead_code, unused_imports)]

#[macro_use]
mod macros;

mod envelope;
mod lenient;
pub mod types;
mod validate;

pub use envelope::ErrorCode;
pub use types::*;
pub use validate::{MissingFields, NAME_OR_COMPANY};

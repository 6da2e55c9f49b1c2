//! Stateful local simulators of the Loop Returns, CloudX and CartRover APIs on
//! loopback, for examples, end-to-end tests and benchmarks.
//!
//! The simulators implement the vendor APIs from the specifications,
//! independently of the client crates, so that a wrong field name in a client
//! shows up as a failing test instead of being mirrored.

pub mod cartrover_sim;
pub mod cloudx_sim;
pub mod faults;
pub mod loop_sim;
pub mod scenario;
mod server;

pub use faults::{FaultConfig, FaultDecision};
pub use server::{DropConnection, Served, serve_router};

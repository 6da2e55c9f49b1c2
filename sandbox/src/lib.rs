//! Stateful local simulators of the Loop Returns, CloudX and CartRover APIs on
//! loopback, for examples, end-to-end tests and benchmarks.
//!
//! The simulators implement the vendor APIs from the specifications,
//! independently of the client crates, so that a wrong field name in a client
//! shows up as a failing test instead of being mirrored.
//!
//! [`Sandbox::start`] runs all three on ephemeral loopback ports, optionally
//! seeded with a deterministic [`scenario`] and behind per-simulator
//! [`faults`]; each simulator module ([`loop_sim`], [`cloudx_sim`],
//! [`cartrover_sim`]) can also be served on its own with [`serve_router`].
//! The `sandbox` binary (`cargo run -p bergen-sandbox -- --seed 42 --returns 100`)
//! does the same from the command line.
//!
//! ```
//! # async fn demo() -> Result<(), sandbox::SandboxError> {
//! use sandbox::scenario::ScenarioConfig;
//! use sandbox::{Sandbox, SandboxConfig};
//!
//! let config = SandboxConfig::default().with_scenario(ScenarioConfig::new(42, 100));
//! let sandbox = Sandbox::start(config).await?;
//! println!("Loop at {}", sandbox.loop_base_url());
//! println!("CloudX at {}", sandbox.cloudx_base_url());
//! println!("CartRover at {}", sandbox.cartrover_base_url());
//! sandbox.shutdown().await
//! # }
//! ```
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod cartrover_sim;
pub mod cloudx_sim;
pub mod faults;
pub mod loop_sim;
#[cfg(feature = "postgres")]
#[cfg_attr(docsrs, doc(cfg(feature = "postgres")))]
pub mod postgres;
mod sandbox;
pub mod scenario;
mod seeding;
mod server;

pub use faults::{FaultConfig, FaultCounter, FaultCounts, FaultDecision, FaultKind};
pub use sandbox::{Credentials, Sandbox, SandboxConfig, SandboxError, Simulator};
pub use server::{DropConnection, Served, serve_router};

// The README example is compiled (and, unless marked `no_run`, run) as a doctest.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

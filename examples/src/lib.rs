//! Runnable end-to-end flows of the Bergen SDK, against the built-in sandbox
//! or the real services.
//!
//! The flows live here as library functions so the examples (thin `main`s
//! under `examples/`) and the end-to-end tests run exactly the same code:
//!
//! - [`returns`]: the returns flow through the `returns-sync` engine (the
//!   `loop_bergen_sync`, `returns_to_cloudx` and `returns_sync_service`
//!   examples); no flow logic lives here;
//! - [`orders`]: orders through CartRover to shipped and confirmed, and
//!   inventory (`cartrover_orders`);
//! - [`connect`]: the sandbox by default, the real services when their
//!   credentials are in the environment;
//! - [`settings`]: the merchant's settings from a TOML file and flags;
//! - [`soak`]: the reliability soak (faults, rate limits, crashes).

pub mod connect;
pub mod orders;
pub mod progress;
pub mod report;
pub mod returns;
pub mod scale;
pub mod settings;
pub mod soak;

//! Runnable end-to-end flows of the Bergen SDK, against the built-in sandbox
//! or the real services.
//!
//! The flows live here as library functions so the examples (thin `main`s
//! under `examples/`) and the end-to-end tests run exactly the same code:
//!
//! - [`sync`]: Loop returns → CloudX receiving tickets → receipt criteria →
//!   process or flag in Loop (the `loop_bergen_sync` example), and the
//!   one-way returns → tickets flow (`returns_to_cloudx`);
//! - [`orders`]: orders through CartRover to shipped and confirmed, and
//!   inventory (`cartrover_orders`);
//! - [`connect`]: the sandbox by default, the real services when their
//!   credentials are in the environment;
//! - [`settings`]: the merchant's settings from a TOML file and flags.

pub mod connect;
pub mod orders;
pub mod progress;
pub mod report;
pub mod settings;
pub mod sync;

//! Runnable end-to-end flows of the Bergen SDK, against the built-in sandbox
//! or the real services.
//!
//! The flows live here as library functions so the examples (thin `main`s
//! under `examples/`) and the end-to-end tests run exactly the same code.

pub mod settings;

//! The returns ↔ warehouse domain as pure functions.
//!
//! This crate will hold the platform-neutral return and ASN model, sales-channel
//! exclusion, return → ASN mapping and receipt-criteria evaluation. No I/O, no
//! async and no clock: time is always a parameter.

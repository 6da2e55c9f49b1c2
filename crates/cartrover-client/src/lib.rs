//! Typed async client of CartRover (Extensiv Integration Manager): orders in,
//! status, shipments and tracking, inventory; cart, merchant and warehouse levels.
//!
//! Built on `http-transport`; the client arrives with its own issue.

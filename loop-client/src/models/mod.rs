//! Typed models of Loop's requests and responses.

pub mod asn;
pub mod destinations;
pub mod grading;
pub(crate) mod list_body;
pub mod notes;
pub mod orders;
pub mod returns;
pub mod webhooks;
